//! Mutations of relationships and marketing. Same conventions as the master-data mutations:
//! one `input`, a payload with `userErrors`, one core call in one transaction. Clerk role,
//! except sales cycles and merges (admin) and opening ledger entries (poster).

use super::query::{ContactMergeField, CustomerMergeField, conflict_kind};
use super::types::{
    CallList, CallListEntry, CallStatus, Campaign, CampaignKind, CampaignStatus, CampaignTarget,
    Direction, Interaction, InteractionKind, Lead, LeadSource, Opportunity, Response, SalesCycle,
};
use crate::graphql::enums::{Blocked, PartyKind, ProspectStatus};
use crate::graphql::errors::{ErrorCode, Input, UserError};
use crate::graphql::ids::{self, Kind};
use crate::graphql::input::{AddressInput, mu};
use crate::graphql::parties::{ContactPerson, Customer, CustomerLedgerEntry, Party, Prospect};
use crate::graphql::scalars::{Date, DateTime, Dec};
use crate::graphql::{rc, require, write};
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::crm::{self, PartyRef, merge};
use mercator_core::parties::{self, NewCustomer, PartyDetails, PartyPatch};
use rust_decimal::Decimal;

fn id_error(inp: &mut Input, field: &str, message: String) {
    inp.errors.push(UserError {
        code: ErrorCode::InvalidId,
        field: Some(
            std::iter::once("input".to_owned())
                .chain(field.split('.').map(str::to_owned))
                .collect(),
        ),
        message,
        extension_code: None,
        extension_field: None,
    });
}

/// Decodes an ID of a Party, Customer, Prospect or ContactPerson.
fn party_ref(inp: &mut Input, field: &str, id: &ID) -> PartyRef {
    match ids::decode_any(id) {
        Ok((Kind::Party, n)) => PartyRef::Party(n),
        Ok((Kind::Customer, n)) => PartyRef::Customer(n),
        Ok((Kind::Prospect, n)) => PartyRef::Prospect(n),
        Ok((Kind::ContactPerson, n)) => PartyRef::Contact(n),
        Ok((k, _)) => {
            id_error(
                inp,
                field,
                format!(
                    "{field} must be the ID of a Party, Customer, Prospect or ContactPerson, not of a {}",
                    k.name()
                ),
            );
            PartyRef::Party(0)
        }
        Err(e) => {
            id_error(inp, field, e.message(field));
            PartyRef::Party(0)
        }
    }
}

payload!(
    PartyPayload,
    party,
    Party,
    "Result of a party mutation.",
    "The party, when the mutation succeeded."
);
payload!(
    ProspectPayload,
    prospect,
    Prospect,
    "Result of a prospect mutation.",
    "The prospect, when the mutation succeeded."
);
payload!(
    CampaignPayload,
    campaign,
    Campaign,
    "Result of a campaign mutation.",
    "The campaign, when the mutation succeeded."
);
payload!(
    CampaignTargetPayload,
    campaign_target,
    CampaignTarget,
    "Result of a campaign target mutation.",
    "The target, when the mutation succeeded (for a removal: as it was)."
);
payload!(
    CallListPayload,
    call_list,
    CallList,
    "Result of a call list mutation.",
    "The call list, when the mutation succeeded."
);
payload!(
    CallListEntryPayload,
    call_list_entry,
    CallListEntry,
    "Result of a call list entry mutation.",
    "The entry, when the mutation succeeded."
);
payload!(
    LeadPayload,
    lead,
    Lead,
    "Result of a lead mutation.",
    "The lead, when the mutation succeeded."
);
payload!(
    OpportunityPayload,
    opportunity,
    Opportunity,
    "Result of an opportunity mutation.",
    "The opportunity, when the mutation succeeded."
);
payload!(
    SalesCyclePayload,
    sales_cycle,
    SalesCycle,
    "Result of a sales cycle mutation.",
    "The sales cycle, when the mutation succeeded."
);
payload!(
    InteractionPayload,
    interaction,
    Interaction,
    "Result of an interaction mutation.",
    "The interaction, when the mutation succeeded."
);
payload!(
    CustomerLedgerEntryPayload,
    entry,
    CustomerLedgerEntry,
    "Result of posting a ledger entry.",
    "The entry, when the mutation succeeded."
);

/// Result of `prospectConvert`.
#[derive(SimpleObject)]
pub struct ProspectConvertPayload {
    /// The prospect, now converted.
    pub prospect: Option<Prospect>,
    /// The new customer on the same party.
    pub customer: Option<Customer>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// Result of `campaignTargetsSelect` and `campaignMarkSent`.
#[derive(SimpleObject)]
pub struct CampaignTargetsPayload {
    /// The campaign.
    pub campaign: Option<Campaign>,
    /// How many targets were added (select) or marked sent.
    pub count: i64,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// Result of generating a lead or opportunity from a campaign response.
#[derive(SimpleObject)]
pub struct CampaignTargetGeneratePayload {
    /// The target, now pointing at what it generated.
    pub campaign_target: Option<CampaignTarget>,
    /// The new lead (from `campaignTargetGenerateLead`).
    pub lead: Option<Lead>,
    /// The new opportunity (from `campaignTargetGenerateOpportunity`).
    pub opportunity: Option<Opportunity>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// Result of `leadQualify`.
#[derive(SimpleObject)]
pub struct LeadQualifyPayload {
    /// The lead, now qualified.
    pub lead: Option<Lead>,
    /// The opportunity created, when asked for.
    pub opportunity: Option<Opportunity>,
    /// The customer created, when asked for.
    pub customer: Option<Customer>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// Result of a merge.
#[derive(SimpleObject)]
pub struct CustomerMergePayload {
    /// The kept customer, with the duplicate's references.
    pub customer: Option<Customer>,
    /// The audit record.
    pub merge_log_entry: Option<super::query::MergeLogEntry>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

/// Result of a contact merge.
#[derive(SimpleObject)]
pub struct ContactPersonMergePayload {
    /// The kept contact person.
    pub contact_person: Option<ContactPerson>,
    /// The audit record.
    pub merge_log_entry: Option<super::query::MergeLogEntry>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------- inputs

/// Input of `partyCreate`.
#[derive(InputObject)]
pub struct PartyCreateInput {
    /// Organisation (default) or person.
    #[graphql(default_with = "PartyKind::Organization")]
    pub kind: PartyKind,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Preferred language, e.g. `en`.
    pub language: Option<String>,
    /// Addresses to create with it.
    #[graphql(default)]
    pub addresses: Vec<AddressInput>,
}

impl From<PartyCreateInput> for crm::NewParty {
    fn from(i: PartyCreateInput) -> Self {
        crm::NewParty {
            kind: i.kind.into(),
            details: PartyDetails {
                name: i.name,
                email: i.email,
                phone: i.phone,
                language: i.language,
            },
            addresses: i.addresses.into_iter().map(Into::into).collect(),
        }
    }
}

/// Input of `partyUpdate`.
#[derive(InputObject)]
pub struct PartyUpdateInput {
    /// The party.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// E-mail address; null clears it.
    pub email: MaybeUndefined<String>,
    /// Phone number; null clears it.
    pub phone: MaybeUndefined<String>,
    /// Language; null clears it.
    pub language: MaybeUndefined<String>,
}

/// Input of `prospectCreate`: an existing party (`partyId`) or a new one (`party`).
#[derive(InputObject)]
pub struct ProspectCreateInput {
    /// Number; drawn from the prospect sequence when left out.
    pub number: Option<String>,
    /// An existing party that is neither a customer nor a prospect.
    pub party_id: Option<ID>,
    /// Or a new party.
    pub party: Option<PartyCreateInput>,
    /// Responsible salesperson (a code).
    pub salesperson: Option<String>,
    /// Segment (a code).
    pub segment: Option<String>,
}

/// Input of `prospectUpdate`.
#[derive(InputObject)]
pub struct ProspectUpdateInput {
    /// The prospect.
    pub id: ID,
    /// Salesperson; null clears it.
    pub salesperson: MaybeUndefined<String>,
    /// Segment; null clears it.
    pub segment: MaybeUndefined<String>,
    /// ACTIVE or INACTIVE (CONVERTED comes only from `prospectConvert`).
    pub status: Option<ProspectStatus>,
}

/// The customer account to open on an existing party (the party keeps its name and addresses).
#[derive(InputObject)]
pub struct CustomerAccountInput {
    /// Account number; drawn from the customer sequence when left out.
    pub account_number: Option<String>,
    /// Currency of the customer's documents.
    pub currency_id: ID,
    /// Customer group.
    pub customer_group: Option<String>,
    /// Price group.
    pub price_group: Option<String>,
    /// Payment terms.
    pub payment_terms_id: Option<ID>,
    /// Tax group.
    pub tax_group: Option<String>,
    /// Credit limit; 0 (no limit) by default.
    pub credit_limit: Option<Dec>,
    /// Block orders over the credit limit.
    #[graphql(default)]
    pub mandatory_credit_limit: bool,
    /// Blocked transactions; NO by default.
    #[graphql(default_with = "Blocked::No")]
    pub blocked: Blocked,
    /// Combine shipments into one invoice.
    #[graphql(default)]
    pub combine_shipments: bool,
    /// Prices include tax.
    #[graphql(default)]
    pub prices_including_tax: bool,
    /// Extra addresses to add to the party.
    #[graphql(default)]
    pub addresses: Vec<AddressInput>,
}

fn account(inp: &mut Input, prefix: &str, a: CustomerAccountInput) -> NewCustomer {
    NewCustomer {
        account_number: a.account_number,
        kind: mercator_core::parties::PartyKind::Organization,
        details: PartyDetails::default(),
        currency_id: inp.id(
            &format!("{prefix}currencyId"),
            &a.currency_id,
            Kind::Currency,
        ),
        customer_group: a.customer_group,
        price_group: a.price_group,
        line_discount_group: None,
        invoice_discount_code: None,
        payment_terms_id: inp.opt_id(
            &format!("{prefix}paymentTermsId"),
            a.payment_terms_id.as_ref(),
            Kind::PaymentTerms,
        ),
        tax_group: a.tax_group,
        credit_limit: inp
            .opt_dec(&format!("{prefix}creditLimit"), a.credit_limit.as_ref())
            .unwrap_or(Decimal::ZERO),
        mandatory_credit_limit: a.mandatory_credit_limit,
        blocked: a.blocked.into(),
        combine_shipments: a.combine_shipments,
        prices_including_tax: a.prices_including_tax,
        invoice_account_id: None,
        addresses: a.addresses.into_iter().map(Into::into).collect(),
    }
}

/// Input of `prospectConvert`.
#[derive(InputObject)]
pub struct ProspectConvertInput {
    /// The prospect (must be ACTIVE).
    pub id: ID,
    /// The customer account to open on its party.
    pub customer: CustomerAccountInput,
}

/// Input of `campaignCreate`.
#[derive(InputObject)]
pub struct CampaignCreateInput {
    /// Number; drawn from the campaign sequence when left out.
    pub number: Option<String>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: CampaignKind,
    /// First day.
    pub start_date: Option<Date>,
    /// Last day.
    pub end_date: Option<Date>,
    /// When to follow up.
    pub follow_up_date: Option<Date>,
    /// Owner (a salesperson code).
    pub owner: Option<String>,
    /// Budget in the base currency; 0 by default.
    pub budget: Option<Dec>,
    /// Fixed cost in the base currency; 0 by default.
    pub cost: Option<Dec>,
    /// Who it is aimed at, in words.
    pub target_description: Option<String>,
    /// The campaign group it belongs to.
    pub parent_campaign_id: Option<ID>,
}

/// Input of `campaignUpdate`.
#[derive(InputObject)]
pub struct CampaignUpdateInput {
    /// The campaign. Completed and canceled campaigns accept only a new cost.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<CampaignKind>,
    /// First day; null clears it.
    pub start_date: MaybeUndefined<Date>,
    /// Last day; null clears it.
    pub end_date: MaybeUndefined<Date>,
    /// Follow-up date; null clears it.
    pub follow_up_date: MaybeUndefined<Date>,
    /// Owner; null clears it.
    pub owner: MaybeUndefined<String>,
    /// Budget.
    pub budget: Option<Dec>,
    /// Fixed cost.
    pub cost: Option<Dec>,
    /// Target description; null clears it.
    pub target_description: MaybeUndefined<String>,
    /// Parent campaign; null clears it.
    pub parent_campaign_id: MaybeUndefined<ID>,
}

/// Input of `campaignSetStatus`.
#[derive(InputObject)]
pub struct CampaignSetStatusInput {
    /// The campaign.
    pub id: ID,
    /// PLANNED → ACTIVE | CANCELED; ACTIVE → COMPLETED | CANCELED.
    pub status: CampaignStatus,
}

/// Input of `campaignTargetsSelect`: which parties become targets. Every condition given must hold.
#[derive(InputObject)]
pub struct CampaignTargetsSelectInput {
    /// The campaign (PLANNED or ACTIVE).
    pub campaign_id: ID,
    /// Include active prospects.
    #[graphql(default)]
    pub prospects: bool,
    /// Include customers (not archived, not blocked for everything).
    #[graphql(default)]
    pub customers: bool,
    /// Include contact persons of organisations.
    #[graphql(default)]
    pub contacts: bool,
    /// Customers of this customer group only.
    pub customer_group: Option<String>,
    /// Prospects of this segment only.
    pub segment: Option<String>,
    /// Prospects of this salesperson only.
    pub salesperson: Option<String>,
    /// Parties with an address in this country (contacts: their organisation's).
    pub country_code: Option<String>,
    /// Parties with this preferred language.
    pub language: Option<String>,
    /// Parties with an e-mail address only.
    #[graphql(default)]
    pub has_email: bool,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
}

/// Input of `campaignTargetAdd`.
#[derive(InputObject)]
pub struct CampaignTargetAddInput {
    /// The campaign (PLANNED or ACTIVE).
    pub campaign_id: ID,
    /// A Party, Customer, Prospect or ContactPerson ID.
    pub party_id: ID,
}

/// Input of `campaignTargetRemove`.
#[derive(InputObject)]
pub struct CampaignTargetRemoveInput {
    /// The target.
    pub id: ID,
}

/// Input of `campaignMarkSent`.
#[derive(InputObject)]
pub struct CampaignMarkSentInput {
    /// The campaign (ACTIVE).
    pub campaign_id: ID,
    /// When it went out; today by default.
    pub sent_on: Option<Date>,
}

/// Input of `campaignResponseRecord`.
#[derive(InputObject)]
pub struct CampaignResponseRecordInput {
    /// The campaign (ACTIVE or COMPLETED).
    pub campaign_id: ID,
    /// Who responded: a Party, Customer, Prospect or ContactPerson ID of a target.
    pub party_id: ID,
    /// POSITIVE, NEGATIVE or NO_RESPONSE.
    pub response: Response,
    /// A free response code, e.g. `WANTS-DEMO`.
    pub response_code: Option<String>,
    /// When; today by default.
    pub responded_on: Option<Date>,
    /// When to follow up.
    pub follow_up_date: Option<Date>,
}

/// Input of `campaignTargetGenerateLead`.
#[derive(InputObject)]
pub struct CampaignTargetGenerateLeadInput {
    /// A target with a positive response that generated nothing yet.
    pub target_id: ID,
    /// Subject; "Response to campaign …" by default.
    pub subject: Option<String>,
    /// Responsible salesperson; the campaign owner by default.
    pub responsible: Option<String>,
}

/// What a new opportunity is worth and where it stands.
#[derive(InputObject)]
pub struct OpportunityDetailsInput {
    /// Number; drawn from the opportunity sequence when left out.
    pub number: Option<String>,
    /// What it is about.
    pub subject: String,
    /// Salesperson (a code).
    pub salesperson: Option<String>,
    /// Sales cycle; the opportunity starts at its first stage.
    pub sales_cycle_id: Option<ID>,
    /// Chance of success in percent; the first stage's chance (or 0) when left out.
    pub probability_percent: Option<Dec>,
    /// Estimated value.
    pub estimated_value: Dec,
    /// Currency of the value.
    pub currency_id: ID,
    /// Expected close date.
    pub expected_close_date: Option<Date>,
}

fn opportunity_details(
    inp: &mut Input,
    prefix: &str,
    o: OpportunityDetailsInput,
) -> crm::NewOpportunity {
    let f = |s: &str| format!("{prefix}{s}");
    crm::NewOpportunity {
        number: o.number,
        party_id: 0,
        subject: o.subject,
        lead_id: None,
        campaign_id: None,
        salesperson: o.salesperson,
        sales_cycle_id: inp.opt_id(
            &f("salesCycleId"),
            o.sales_cycle_id.as_ref(),
            Kind::SalesCycle,
        ),
        probability_percent: inp.opt_dec(&f("probabilityPercent"), o.probability_percent.as_ref()),
        estimated_value: inp.dec(&f("estimatedValue"), &o.estimated_value),
        currency_id: inp.id(&f("currencyId"), &o.currency_id, Kind::Currency),
        expected_close_date: o.expected_close_date.map(|d| d.0),
    }
}

/// Input of `campaignTargetGenerateOpportunity`.
#[derive(InputObject)]
pub struct CampaignTargetGenerateOpportunityInput {
    /// A target with a positive response that generated nothing yet.
    pub target_id: ID,
    /// The opportunity.
    pub opportunity: OpportunityDetailsInput,
}

/// Input of `callListCreate`.
#[derive(InputObject)]
pub struct CallListCreateInput {
    /// A telemarketing campaign.
    pub campaign_id: Option<ID>,
    /// Name.
    pub name: String,
    /// Who calls (a salesperson code).
    pub responsible: Option<String>,
    /// Questionnaire to use.
    pub questionnaire: Option<String>,
    /// First day.
    pub start_date: Option<Date>,
    /// Last day.
    pub end_date: Option<Date>,
    /// Fill the list with the campaign's targets that have no response yet.
    #[graphql(default)]
    pub from_targets: bool,
}

/// Input of `callListEntryAdd`.
#[derive(InputObject)]
pub struct CallListEntryAddInput {
    /// The call list.
    pub call_list_id: ID,
    /// A Party, Customer, Prospect or ContactPerson ID.
    pub party_id: ID,
}

/// Input of `callRecord`.
#[derive(InputObject)]
pub struct CallRecordInput {
    /// The call list entry.
    pub entry_id: ID,
    /// Outcome: CALL_BACK (with `callBackOn`), COMPLETED or NO_ANSWER.
    pub status: CallStatus,
    /// Notes.
    pub notes: Option<String>,
    /// When to call back.
    pub call_back_on: Option<Date>,
    /// Minutes on the phone.
    #[graphql(default)]
    pub duration_minutes: i32,
    /// Cost of the call in the base currency; 0 by default.
    pub cost: Option<Dec>,
}

/// Input of `leadCreate`.
#[derive(InputObject)]
pub struct LeadCreateInput {
    /// Number; drawn from the lead sequence when left out.
    pub number: Option<String>,
    /// A Party, Customer, Prospect or ContactPerson ID.
    pub party_id: ID,
    /// What it is about.
    pub subject: String,
    /// Where it came from; OTHER by default.
    #[graphql(default_with = "LeadSource::Other")]
    pub source: LeadSource,
    /// The campaign (required when the source is CAMPAIGN).
    pub campaign_id: Option<ID>,
    /// Responsible salesperson (a code).
    pub responsible: Option<String>,
    /// Estimated value.
    pub estimated_value: Option<Dec>,
    /// Currency of the estimated value.
    pub currency_id: Option<ID>,
}

/// Input of `leadUpdate`.
#[derive(InputObject)]
pub struct LeadUpdateInput {
    /// The lead (OPEN or POSTPONED).
    pub id: ID,
    /// Subject.
    pub subject: Option<String>,
    /// Responsible; null clears it.
    pub responsible: MaybeUndefined<String>,
}

/// Input of `leadQualify`.
#[derive(InputObject)]
pub struct LeadQualifyInput {
    /// The lead (OPEN).
    pub id: ID,
    /// Why it qualifies.
    pub reason: Option<String>,
    /// Create this opportunity (party, lead and campaign come from the lead).
    pub opportunity: Option<OpportunityDetailsInput>,
    /// Open this customer account on the lead's party (converting its prospect, if any).
    pub customer: Option<CustomerAccountInput>,
}

/// Input of `leadDisqualify`.
#[derive(InputObject)]
pub struct LeadDisqualifyInput {
    /// The lead (OPEN or POSTPONED).
    pub id: ID,
    /// Why; required.
    pub reason: Option<String>,
}

/// Input of `leadPostpone`.
#[derive(InputObject)]
pub struct LeadPostponeInput {
    /// The lead (OPEN).
    pub id: ID,
    /// Why.
    pub reason: Option<String>,
}

/// Input of `leadReactivate`.
#[derive(InputObject)]
pub struct LeadReactivateInput {
    /// The lead (POSTPONED).
    pub id: ID,
}

/// A stage of a new sales cycle.
#[derive(InputObject)]
pub struct SalesCycleStageInput {
    /// Name.
    pub name: String,
    /// How far the sale is at this stage, in percent.
    pub completed_percent: Dec,
    /// Chance of success at this stage, in percent.
    pub chance_percent: Dec,
    /// A quotation is needed in this stage.
    #[graphql(default)]
    pub quote_required: bool,
    /// The stage may be skipped.
    #[graphql(default)]
    pub allow_skip: bool,
}

/// Input of `salesCycleCreate`.
#[derive(InputObject)]
pub struct SalesCycleCreateInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Stages in order (positions 1, 2, …).
    pub stages: Vec<SalesCycleStageInput>,
}

/// Input of `opportunityCreate`.
#[derive(InputObject)]
pub struct OpportunityCreateInput {
    /// A Party, Customer, Prospect or ContactPerson ID.
    pub party_id: ID,
    /// The lead it came from.
    pub lead_id: Option<ID>,
    /// The campaign it is attributed to.
    pub campaign_id: Option<ID>,
    /// The opportunity.
    pub opportunity: OpportunityDetailsInput,
}

/// Input of `opportunityUpdate` (values only; the stage moves with `opportunityMoveStage`).
#[derive(InputObject)]
pub struct OpportunityUpdateInput {
    /// The opportunity (OPEN).
    pub id: ID,
    /// Subject.
    pub subject: Option<String>,
    /// Salesperson; null clears it.
    pub salesperson: MaybeUndefined<String>,
    /// Estimated value.
    pub estimated_value: Option<Dec>,
    /// Probability in percent.
    pub probability_percent: Option<Dec>,
    /// Expected close date; null clears it.
    pub expected_close_date: MaybeUndefined<Date>,
}

/// A move through the sales cycle.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum StageMove {
    /// To the next stage.
    Next,
    /// To the previous stage.
    Previous,
    /// Forward over `count` stages, each of which must allow skipping.
    Skip,
    /// Back `count` stages.
    JumpBack,
}

/// Input of `opportunityMoveStage`.
#[derive(InputObject)]
pub struct OpportunityMoveStageInput {
    /// The opportunity (OPEN, with a sales cycle).
    pub id: ID,
    /// The move.
    pub r#move: StageMove,
    /// For SKIP and JUMP_BACK: how many stages; 1 by default.
    #[graphql(default = 1)]
    pub count: i32,
}

/// How an opportunity closes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpportunityOutcome {
    /// Won.
    Won,
    /// Lost.
    Lost,
    /// Called off.
    Canceled,
}

/// Input of `opportunityClose`.
#[derive(InputObject)]
pub struct OpportunityCloseInput {
    /// The opportunity (OPEN).
    pub id: ID,
    /// Won, lost or canceled.
    pub outcome: OpportunityOutcome,
    /// Why (the close reason); required.
    pub reason: Option<String>,
    /// When; today by default.
    pub closed_on: Option<Date>,
}

/// Input of `interactionLog`.
#[derive(InputObject)]
pub struct InteractionLogInput {
    /// A Party, Customer, Prospect or ContactPerson ID.
    pub party_id: ID,
    /// The contact person spoken to (of the party's organisation).
    pub contact_person_id: Option<ID>,
    /// The campaign it belongs to.
    pub campaign_id: Option<ID>,
    /// The lead it is about.
    pub lead_id: Option<ID>,
    /// The opportunity it is about.
    pub opportunity_id: Option<ID>,
    /// Kind.
    pub kind: InteractionKind,
    /// Inbound or outbound.
    pub direction: Direction,
    /// What it was about.
    pub subject: String,
    /// When; now by default.
    pub occurred_at: Option<DateTime>,
    /// Salesperson (a code).
    pub salesperson: Option<String>,
    /// Cost in the base currency; 0 by default.
    pub cost: Option<Dec>,
    /// Minutes spent.
    #[graphql(default)]
    pub duration_minutes: i32,
    /// When to follow up (appears in `followUps` until done).
    pub follow_up_on: Option<Date>,
}

/// Input of `interactionFollowUpComplete`.
#[derive(InputObject)]
pub struct InteractionFollowUpCompleteInput {
    /// The interaction.
    pub id: ID,
}

/// Input of `customerOpeningEntryPost`.
#[derive(InputObject)]
pub struct CustomerOpeningEntryPostInput {
    /// The customer.
    pub customer_id: ID,
    /// The document number in the previous system, e.g. `PI-19`.
    pub document_number: String,
    /// Posting date.
    pub posting_date: Date,
    /// Due date.
    pub due_date: Option<Date>,
    /// Open amount in the customer's currency: positive is owed by the customer.
    pub amount: Dec,
    /// Text.
    pub description: Option<String>,
}

/// What to do with the duplicate's conflicting row.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MergeConflictAction {
    /// Delete it.
    Remove,
    /// Give it `newKey` (addresses only).
    Rename,
}

/// The resolution of one merge conflict.
#[derive(InputObject)]
pub struct MergeConflictResolutionInput {
    /// The duplicate's row (`duplicateRowId` of the conflict).
    pub duplicate_row_id: ID,
    /// Remove or rename.
    pub action: MergeConflictAction,
    /// The new code, for RENAME.
    pub new_key: Option<String>,
}

fn resolutions(
    inp: &mut Input,
    rs: Vec<MergeConflictResolutionInput>,
) -> Vec<merge::ConflictResolution> {
    let mut out = Vec::new();
    for (i, r) in rs.into_iter().enumerate() {
        let field = format!("resolutions.{i}.duplicateRowId");
        let table = match ids::decode_any(&r.duplicate_row_id) {
            Ok((k, n)) => [
                merge::ConflictTable::Address,
                merge::ConflictTable::CampaignTarget,
                merge::ConflictTable::CallListEntry,
                merge::ConflictTable::Prospect,
            ]
            .into_iter()
            .find(|t| conflict_kind(*t) == k)
            .map(|t| (t, n)),
            Err(_) => None,
        };
        let Some((table, n)) = table else {
            id_error(
                inp,
                &field,
                format!("{field} must be the duplicateRowId of a merge conflict"),
            );
            continue;
        };
        let resolution = match r.action {
            MergeConflictAction::Remove => merge::Resolution::Remove,
            MergeConflictAction::Rename => merge::Resolution::Rename(r.new_key.unwrap_or_default()),
        };
        out.push(merge::ConflictResolution {
            table,
            duplicate_row_id: n,
            resolution,
        });
    }
    out
}

/// Input of `customerMerge`.
#[derive(InputObject)]
pub struct CustomerMergeInput {
    /// The customer to keep.
    pub keep_id: ID,
    /// The duplicate: its references move to the kept customer, then it is deleted.
    pub duplicate_id: ID,
    /// Fields whose value is taken from the duplicate (see `customerMergePreview`).
    #[graphql(default)]
    pub take: Vec<CustomerMergeField>,
    /// One resolution per conflict of the preview.
    #[graphql(default)]
    pub resolutions: Vec<MergeConflictResolutionInput>,
}

/// Input of `contactPersonMerge`.
#[derive(InputObject)]
pub struct ContactPersonMergeInput {
    /// The contact person to keep.
    pub keep_id: ID,
    /// The duplicate: its references move to the kept contact, then it is deleted.
    pub duplicate_id: ID,
    /// Fields whose value is taken from the duplicate.
    #[graphql(default)]
    pub take: Vec<ContactMergeField>,
    /// One resolution per conflict of the preview.
    #[graphql(default)]
    pub resolutions: Vec<MergeConflictResolutionInput>,
}

fn principal_name(ctx: &Context<'_>) -> Result<String> {
    Ok(rc(ctx)?.principal.name.clone())
}

/// Mutations of relationships and marketing.
#[derive(Default)]
pub struct CrmMutation;

/// Mutations of relationships and marketing.
#[Object]
impl CrmMutation {
    /// Creates a party (organisation or person) with its addresses and no role yet. Clerk.
    async fn party_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PartyCreateInput,
    ) -> Result<PartyPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let i: crm::NewParty = input.into();
        let res = write(ctx, "", async |t| crm::create_party(t, cid, i).await).await?;
        Ok(PartyPayload::done(res.map(Party)))
    }

    /// Changes a party's name, e-mail, phone or language. Clerk.
    async fn party_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PartyUpdateInput,
    ) -> Result<PartyPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Party);
        decoded!(inp, PartyPayload);
        let p = PartyPatch {
            name: input.name,
            email: mu(input.email),
            phone: mu(input.phone),
            language: mu(input.language),
        };
        let res = write(ctx, "id", async |t| crm::update_party(t, cid, id, p).await).await?;
        Ok(PartyPayload::done(res.map(Party)))
    }

    /// Makes a party a prospect (an existing party, or a new one). Clerk.
    async fn prospect_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ProspectCreateInput,
    ) -> Result<ProspectPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let party_id = inp.opt_id("partyId", input.party_id.as_ref(), Kind::Party);
        decoded!(inp, ProspectPayload);
        let i = crm::NewProspect {
            number: input.number,
            party_id,
            party: input.party.map(Into::into),
            salesperson: input.salesperson,
            segment: input.segment,
        };
        let res = write(ctx, "", async |t| crm::create_prospect(t, cid, i).await).await?;
        Ok(ProspectPayload::done(res.map(Prospect)))
    }

    /// Changes a prospect. Clerk.
    async fn prospect_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ProspectUpdateInput,
    ) -> Result<ProspectPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Prospect);
        decoded!(inp, ProspectPayload);
        let p = crm::ProspectPatch {
            salesperson: mu(input.salesperson),
            segment: mu(input.segment),
            status: input.status.map(Into::into),
        };
        let res = write(ctx, "id", async |t| {
            crm::update_prospect(t, cid, id, p).await
        })
        .await?;
        Ok(ProspectPayload::done(res.map(Prospect)))
    }

    /// Converts an active prospect to a customer on the same party. Clerk.
    async fn prospect_convert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ProspectConvertInput,
    ) -> Result<ProspectConvertPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Prospect);
        let c = account(&mut inp, "customer.", input.customer);
        if let Err(e) = inp.finish() {
            return Ok(ProspectConvertPayload {
                prospect: None,
                customer: None,
                user_errors: e,
            });
        }
        let res = write(ctx, "id", async |t| {
            crm::convert_prospect(t, cid, id, c).await
        })
        .await?;
        Ok(match res {
            Ok((p, c)) => ProspectConvertPayload {
                prospect: Some(Prospect(p)),
                customer: Some(Customer::full(c)),
                user_errors: vec![],
            },
            Err(e) => ProspectConvertPayload {
                prospect: None,
                customer: None,
                user_errors: e,
            },
        })
    }

    /// Creates a campaign in status PLANNED. Clerk.
    async fn campaign_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignCreateInput,
    ) -> Result<CampaignPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let i = crm::NewCampaign {
            number: input.number,
            name: input.name,
            kind: input.kind.into(),
            start_date: input.start_date.map(|d| d.0),
            end_date: input.end_date.map(|d| d.0),
            follow_up_date: input.follow_up_date.map(|d| d.0),
            owner: input.owner,
            budget: inp
                .opt_dec("budget", input.budget.as_ref())
                .unwrap_or_default(),
            cost: inp.opt_dec("cost", input.cost.as_ref()).unwrap_or_default(),
            target_description: input.target_description,
            parent_campaign_id: inp.opt_id(
                "parentCampaignId",
                input.parent_campaign_id.as_ref(),
                Kind::Campaign,
            ),
        };
        decoded!(inp, CampaignPayload);
        let res = write(ctx, "", async |t| crm::create_campaign(t, cid, i).await).await?;
        Ok(CampaignPayload::done(res.map(Campaign)))
    }

    /// Changes a campaign. Clerk.
    async fn campaign_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignUpdateInput,
    ) -> Result<CampaignPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Campaign);
        let p = crm::CampaignPatch {
            name: input.name,
            kind: input.kind.map(Into::into),
            start_date: mu(input.start_date).map(|o| o.map(|d| d.0)),
            end_date: mu(input.end_date).map(|o| o.map(|d| d.0)),
            follow_up_date: mu(input.follow_up_date).map(|o| o.map(|d| d.0)),
            owner: mu(input.owner),
            budget: inp.opt_dec("budget", input.budget.as_ref()),
            cost: inp.opt_dec("cost", input.cost.as_ref()),
            target_description: mu(input.target_description),
            parent_campaign_id: mu(input.parent_campaign_id)
                .map(|o| o.map(|i| inp.id("parentCampaignId", &i, Kind::Campaign))),
        };
        decoded!(inp, CampaignPayload);
        let res = write(ctx, "id", async |t| {
            crm::update_campaign(t, cid, id, p).await
        })
        .await?;
        Ok(CampaignPayload::done(res.map(Campaign)))
    }

    /// Moves a campaign to another status. Clerk.
    async fn campaign_set_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignSetStatusInput,
    ) -> Result<CampaignPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Campaign);
        decoded!(inp, CampaignPayload);
        let to = input.status.into();
        let res = write(ctx, "id", async |t| {
            crm::set_campaign_status(t, cid, id, to).await
        })
        .await?;
        Ok(CampaignPayload::done(res.map(Campaign)))
    }

    /// Adds every party matching the selection as a target, with the role it has now; parties
    /// already targeted stay as they are. Set-based: fast over any number of parties. Clerk.
    async fn campaign_targets_select(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignTargetsSelectInput,
    ) -> Result<CampaignTargetsPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let campaign = inp.id("campaignId", &input.campaign_id, Kind::Campaign);
        if let Err(e) = inp.finish() {
            return Ok(CampaignTargetsPayload {
                campaign: None,
                count: 0,
                user_errors: e,
            });
        }
        let s = crm::TargetSelection {
            prospects: input.prospects,
            customers: input.customers,
            contacts: input.contacts,
            customer_group: input.customer_group,
            segment: input.segment,
            salesperson: input.salesperson,
            country_code: input.country_code,
            language: input.language,
            has_email: input.has_email,
            search: input.search,
        };
        let res = write(ctx, "campaignId", async |t| {
            let n = crm::select_targets(t, cid, campaign, &s).await?;
            Ok((crm::get_campaign(t, cid, campaign).await?, n))
        })
        .await?;
        Ok(targets_payload(res))
    }

    /// Adds one party as a target. Clerk.
    async fn campaign_target_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignTargetAddInput,
    ) -> Result<CampaignTargetPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let campaign = inp.id("campaignId", &input.campaign_id, Kind::Campaign);
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        decoded!(inp, CampaignTargetPayload);
        let res = write(ctx, "campaignId", async |t| {
            let pid = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::add_target(t, cid, campaign, pid).await
        })
        .await?;
        Ok(CampaignTargetPayload::done(res.map(CampaignTarget)))
    }

    /// Removes a target without a response. Clerk.
    async fn campaign_target_remove(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignTargetRemoveInput,
    ) -> Result<CampaignTargetPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::CampaignTarget);
        decoded!(inp, CampaignTargetPayload);
        let res = write(ctx, "id", async |t| crm::remove_target(t, cid, id).await).await?;
        Ok(CampaignTargetPayload::done(res.map(CampaignTarget)))
    }

    /// Marks every target not sent yet as sent (the mailing went out). Clerk.
    async fn campaign_mark_sent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignMarkSentInput,
    ) -> Result<CampaignTargetsPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let campaign = inp.id("campaignId", &input.campaign_id, Kind::Campaign);
        if let Err(e) = inp.finish() {
            return Ok(CampaignTargetsPayload {
                campaign: None,
                count: 0,
                user_errors: e,
            });
        }
        let on = input
            .sent_on
            .map(|d| d.0)
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let res = write(ctx, "campaignId", async |t| {
            let n = crm::mark_sent(t, cid, campaign, on).await?;
            Ok((crm::get_campaign(t, cid, campaign).await?, n))
        })
        .await?;
        Ok(targets_payload(res))
    }

    /// Records a target's response. The party must be a target (`NOT_A_TARGET` otherwise).
    /// Clerk.
    async fn campaign_response_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignResponseRecordInput,
    ) -> Result<CampaignTargetPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let campaign = inp.id("campaignId", &input.campaign_id, Kind::Campaign);
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        decoded!(inp, CampaignTargetPayload);
        let (response, code, on, follow) = (
            input.response.into(),
            input.response_code,
            input.responded_on.map(|d| d.0),
            input.follow_up_date.map(|d| d.0),
        );
        let res = write(ctx, "campaignId", async |t| {
            let pid = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::record_response(
                t,
                cid,
                crm::NewResponse {
                    campaign_id: campaign,
                    party_id: pid,
                    response,
                    response_code: code,
                    responded_on: on,
                    follow_up_date: follow,
                },
            )
            .await
        })
        .await?;
        Ok(CampaignTargetPayload::done(res.map(CampaignTarget)))
    }

    /// Generates a lead from a positive response; the lead keeps the campaign. Clerk.
    async fn campaign_target_generate_lead(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CampaignTargetGenerateLeadInput,
    ) -> Result<CampaignTargetGeneratePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("targetId", &input.target_id, Kind::CampaignTarget);
        if let Err(e) = inp.finish() {
            return Ok(generated(Err(e)));
        }
        let (subject, resp) = (input.subject, input.responsible);
        let res = write(ctx, "targetId", async |t| {
            let (tg, l) = crm::generate_lead(t, cid, id, subject, resp).await?;
            Ok((tg, Some(l), None))
        })
        .await?;
        Ok(generated(res))
    }

    /// Generates an opportunity straight from a positive response (skipping the lead). Clerk.
    async fn campaign_target_generate_opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")]
        input: CampaignTargetGenerateOpportunityInput,
    ) -> Result<CampaignTargetGeneratePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("targetId", &input.target_id, Kind::CampaignTarget);
        let o = opportunity_details(&mut inp, "opportunity.", input.opportunity);
        if let Err(e) = inp.finish() {
            return Ok(generated(Err(e)));
        }
        let res = write(ctx, "targetId", async |t| {
            let (tg, op) = crm::generate_opportunity(t, cid, id, o).await?;
            Ok((tg, None, Some(op)))
        })
        .await?;
        Ok(generated(res))
    }

    /// Creates a call list, optionally filled with its campaign's unanswered targets. Clerk.
    async fn call_list_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CallListCreateInput,
    ) -> Result<CallListPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let i = crm::NewCallList {
            campaign_id: inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign),
            name: input.name,
            responsible: input.responsible,
            questionnaire: input.questionnaire,
            start_date: input.start_date.map(|d| d.0),
            end_date: input.end_date.map(|d| d.0),
            from_targets: input.from_targets,
        };
        decoded!(inp, CallListPayload);
        let res = write(ctx, "", async |t| crm::create_call_list(t, cid, i).await).await?;
        Ok(CallListPayload::done(res.map(CallList)))
    }

    /// Adds a party to a call list. Clerk.
    async fn call_list_entry_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CallListEntryAddInput,
    ) -> Result<CallListEntryPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let list = inp.id("callListId", &input.call_list_id, Kind::CallList);
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        decoded!(inp, CallListEntryPayload);
        let res = write(ctx, "callListId", async |t| {
            let pid = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::add_call_list_entry(t, cid, list, pid).await
        })
        .await?;
        Ok(CallListEntryPayload::done(res.map(CallListEntry)))
    }

    /// Records a call on a call list entry and logs it in the interaction log. Clerk.
    async fn call_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CallRecordInput,
    ) -> Result<CallListEntryPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let c = crm::NewCall {
            entry_id: inp.id("entryId", &input.entry_id, Kind::CallListEntry),
            status: input.status.into(),
            notes: input.notes,
            call_back_on: input.call_back_on.map(|d| d.0),
            duration_minutes: input.duration_minutes,
            cost: inp.opt_dec("cost", input.cost.as_ref()).unwrap_or_default(),
        };
        decoded!(inp, CallListEntryPayload);
        let res = write(ctx, "entryId", async |t| crm::record_call(t, cid, c).await).await?;
        Ok(CallListEntryPayload::done(res.map(CallListEntry)))
    }

    /// Creates an open lead. Clerk.
    async fn lead_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadCreateInput,
    ) -> Result<LeadPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        let mut i = crm::NewLead {
            number: input.number,
            party_id: 0,
            subject: input.subject,
            source: input.source.into(),
            campaign_id: inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign),
            responsible: input.responsible,
            estimated_value: inp.opt_dec("estimatedValue", input.estimated_value.as_ref()),
            currency_id: inp.opt_id("currencyId", input.currency_id.as_ref(), Kind::Currency),
        };
        decoded!(inp, LeadPayload);
        let res = write(ctx, "", async |t| {
            i.party_id = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::create_lead(t, cid, i).await
        })
        .await?;
        Ok(LeadPayload::done(res.map(Lead)))
    }

    /// Changes an open or postponed lead. Clerk.
    async fn lead_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadUpdateInput,
    ) -> Result<LeadPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Lead);
        decoded!(inp, LeadPayload);
        let p = crm::LeadPatch {
            subject: input.subject,
            responsible: mu(input.responsible),
        };
        let res = write(ctx, "id", async |t| crm::update_lead(t, cid, id, p).await).await?;
        Ok(LeadPayload::done(res.map(Lead)))
    }

    /// Qualifies an open lead; can create an opportunity and/or a customer in the same
    /// transaction. Clerk.
    async fn lead_qualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadQualifyInput,
    ) -> Result<LeadQualifyPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Lead);
        let q = crm::Qualification {
            reason: input.reason,
            opportunity: input
                .opportunity
                .map(|o| opportunity_details(&mut inp, "opportunity.", o)),
            customer: input.customer.map(|c| account(&mut inp, "customer.", c)),
        };
        if let Err(e) = inp.finish() {
            return Ok(LeadQualifyPayload {
                lead: None,
                opportunity: None,
                customer: None,
                user_errors: e,
            });
        }
        let res = write(ctx, "id", async |t| crm::qualify_lead(t, cid, id, q).await).await?;
        Ok(match res {
            Ok(q) => LeadQualifyPayload {
                lead: Some(Lead(q.lead)),
                opportunity: q.opportunity.map(Opportunity),
                customer: q.customer.map(Customer::full),
                user_errors: vec![],
            },
            Err(e) => LeadQualifyPayload {
                lead: None,
                opportunity: None,
                customer: None,
                user_errors: e,
            },
        })
    }

    /// Disqualifies an open or postponed lead; needs a reason. Clerk.
    async fn lead_disqualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadDisqualifyInput,
    ) -> Result<LeadPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Lead);
        decoded!(inp, LeadPayload);
        let r = input.reason;
        let res = write(ctx, "id", async |t| {
            crm::disqualify_lead(t, cid, id, r).await
        })
        .await?;
        Ok(LeadPayload::done(res.map(Lead)))
    }

    /// Postpones an open lead. Clerk.
    async fn lead_postpone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadPostponeInput,
    ) -> Result<LeadPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Lead);
        decoded!(inp, LeadPayload);
        let r = input.reason;
        let res = write(ctx, "id", async |t| crm::postpone_lead(t, cid, id, r).await).await?;
        Ok(LeadPayload::done(res.map(Lead)))
    }

    /// Reopens a postponed lead. Clerk.
    async fn lead_reactivate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: LeadReactivateInput,
    ) -> Result<LeadPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Lead);
        decoded!(inp, LeadPayload);
        let res = write(ctx, "id", async |t| crm::reactivate_lead(t, cid, id).await).await?;
        Ok(LeadPayload::done(res.map(Lead)))
    }

    /// Creates a sales cycle with its stages. Admin.
    async fn sales_cycle_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesCycleCreateInput,
    ) -> Result<SalesCyclePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let stages: Vec<crm::NewStage> = input
            .stages
            .into_iter()
            .enumerate()
            .map(|(i, s)| crm::NewStage {
                name: s.name,
                completed_percent: inp.dec(
                    &format!("stages.{i}.completedPercent"),
                    &s.completed_percent,
                ),
                chance_percent: inp.dec(&format!("stages.{i}.chancePercent"), &s.chance_percent),
                quote_required: s.quote_required,
                allow_skip: s.allow_skip,
            })
            .collect();
        decoded!(inp, SalesCyclePayload);
        let (code, name) = (input.code, input.name);
        let res = write(ctx, "", async |t| {
            Ok(crm::create_sales_cycle(t, cid, code, name, stages).await?.0)
        })
        .await?;
        Ok(SalesCyclePayload::done(res.map(SalesCycle)))
    }

    /// Creates an open opportunity. Clerk.
    async fn opportunity_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: OpportunityCreateInput,
    ) -> Result<OpportunityPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        let mut o = opportunity_details(&mut inp, "opportunity.", input.opportunity);
        o.lead_id = inp.opt_id("leadId", input.lead_id.as_ref(), Kind::Lead);
        o.campaign_id = inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign);
        decoded!(inp, OpportunityPayload);
        let res = write(ctx, "", async |t| {
            o.party_id = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::create_opportunity(t, cid, o).await
        })
        .await?;
        Ok(OpportunityPayload::done(res.map(Opportunity)))
    }

    /// Changes an open opportunity's values (BC "Update"). Clerk.
    async fn opportunity_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: OpportunityUpdateInput,
    ) -> Result<OpportunityPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Opportunity);
        let p = crm::OpportunityPatch {
            subject: input.subject,
            salesperson: mu(input.salesperson),
            estimated_value: inp.opt_dec("estimatedValue", input.estimated_value.as_ref()),
            probability_percent: inp
                .opt_dec("probabilityPercent", input.probability_percent.as_ref()),
            expected_close_date: mu(input.expected_close_date).map(|o| o.map(|d| d.0)),
        };
        decoded!(inp, OpportunityPayload);
        let res = write(ctx, "id", async |t| {
            crm::update_opportunity(t, cid, id, p).await
        })
        .await?;
        Ok(OpportunityPayload::done(res.map(Opportunity)))
    }

    /// Moves an open opportunity through its sales cycle; the probability becomes the new
    /// stage's chance of success. Clerk.
    async fn opportunity_move_stage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: OpportunityMoveStageInput,
    ) -> Result<OpportunityPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Opportunity);
        decoded!(inp, OpportunityPayload);
        let m = match input.r#move {
            StageMove::Next => crm::StageMove::Next,
            StageMove::Previous => crm::StageMove::Previous,
            StageMove::Skip => crm::StageMove::Skip(input.count),
            StageMove::JumpBack => crm::StageMove::JumpBack(input.count),
        };
        let res = write(ctx, "id", async |t| crm::move_stage(t, cid, id, m).await).await?;
        Ok(OpportunityPayload::done(res.map(Opportunity)))
    }

    /// Closes an open opportunity as won, lost or canceled, with a reason. Clerk.
    async fn opportunity_close(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: OpportunityCloseInput,
    ) -> Result<OpportunityPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Opportunity);
        decoded!(inp, OpportunityPayload);
        let to = match input.outcome {
            OpportunityOutcome::Won => crm::OpportunityStatus::Won,
            OpportunityOutcome::Lost => crm::OpportunityStatus::Lost,
            OpportunityOutcome::Canceled => crm::OpportunityStatus::Canceled,
        };
        let (r, on) = (input.reason, input.closed_on.map(|d| d.0));
        let res = write(ctx, "id", async |t| {
            crm::close_opportunity(t, cid, id, to, r, on).await
        })
        .await?;
        Ok(OpportunityPayload::done(res.map(Opportunity)))
    }

    /// Logs an interaction (e-mail, call, letter, meeting, document sent). Clerk.
    async fn interaction_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: InteractionLogInput,
    ) -> Result<InteractionPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let pr = party_ref(&mut inp, "partyId", &input.party_id);
        let mut i = crm::NewInteraction {
            party_id: 0,
            contact_person_id: inp.opt_id(
                "contactPersonId",
                input.contact_person_id.as_ref(),
                Kind::ContactPerson,
            ),
            campaign_id: inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign),
            lead_id: inp.opt_id("leadId", input.lead_id.as_ref(), Kind::Lead),
            opportunity_id: inp.opt_id(
                "opportunityId",
                input.opportunity_id.as_ref(),
                Kind::Opportunity,
            ),
            kind: input.kind.into(),
            direction: input.direction.into(),
            subject: input.subject,
            occurred_at: input.occurred_at.map(|d| d.0),
            salesperson: input.salesperson,
            cost: inp.opt_dec("cost", input.cost.as_ref()).unwrap_or_default(),
            duration_minutes: input.duration_minutes,
            follow_up_on: input.follow_up_on.map(|d| d.0),
        };
        decoded!(inp, InteractionPayload);
        let res = write(ctx, "", async |t| {
            i.party_id = crm::resolve_party(t, cid, pr, "partyId").await?;
            crm::log_interaction(t, cid, i).await
        })
        .await?;
        Ok(InteractionPayload::done(res.map(Interaction)))
    }

    /// Marks an interaction's follow-up as done. Clerk.
    async fn interaction_follow_up_complete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")]
        input: InteractionFollowUpCompleteInput,
    ) -> Result<InteractionPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Interaction);
        decoded!(inp, InteractionPayload);
        let res = write(ctx, "id", async |t| {
            crm::complete_follow_up(t, cid, id).await
        })
        .await?;
        Ok(InteractionPayload::done(res.map(Interaction)))
    }

    /// Posts an open item taken over from a previous system to a customer's ledger. Poster.
    async fn customer_opening_entry_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerOpeningEntryPostInput,
    ) -> Result<CustomerLedgerEntryPayload> {
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let i = crm::NewOpeningEntry {
            customer_id: inp.id("customerId", &input.customer_id, Kind::Customer),
            document_number: input.document_number,
            posting_date: input.posting_date.0,
            due_date: input.due_date.map(|d| d.0),
            amount: inp.dec("amount", &input.amount),
            description: input.description,
        };
        decoded!(inp, CustomerLedgerEntryPayload);
        let res = write(ctx, "customerId", async |t| {
            crm::post_opening_entry(t, cid, i).await
        })
        .await?;
        Ok(CustomerLedgerEntryPayload::done(
            res.map(CustomerLedgerEntry),
        ))
    }

    /// Merges a duplicate customer into a kept one: takes the chosen fields,
    /// applies the conflict resolutions, re-points every reference, deletes the duplicate and
    /// its party, and records it in the merge log, all in one transaction. Admin.
    async fn customer_merge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerMergeInput,
    ) -> Result<CustomerMergePayload> {
        let cid = require(ctx, Role::Admin)?;
        let by = principal_name(ctx)?;
        let mut inp = Input::default();
        let keep = inp.id("keepId", &input.keep_id, Kind::Customer);
        let dup = inp.id("duplicateId", &input.duplicate_id, Kind::Customer);
        let rs = resolutions(&mut inp, input.resolutions);
        let take: Vec<merge::CustomerField> = input.take.into_iter().map(Into::into).collect();
        if let Err(e) = inp.finish() {
            return Ok(CustomerMergePayload {
                customer: None,
                merge_log_entry: None,
                user_errors: e,
            });
        }
        let res = write(ctx, "keepId", async |t| {
            merge::merge_customers(t, cid, keep, dup, &take, &rs, &by).await
        })
        .await?;
        Ok(match res {
            Ok((c, m)) => CustomerMergePayload {
                customer: Some(Customer::full(c)),
                merge_log_entry: Some(m.log.into()),
                user_errors: vec![],
            },
            Err(e) => CustomerMergePayload {
                customer: None,
                merge_log_entry: None,
                user_errors: e,
            },
        })
    }

    /// Merges a duplicate contact person into a kept one. Admin.
    async fn contact_person_merge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ContactPersonMergeInput,
    ) -> Result<ContactPersonMergePayload> {
        let cid = require(ctx, Role::Admin)?;
        let by = principal_name(ctx)?;
        let mut inp = Input::default();
        let keep = inp.id("keepId", &input.keep_id, Kind::ContactPerson);
        let dup = inp.id("duplicateId", &input.duplicate_id, Kind::ContactPerson);
        let rs = resolutions(&mut inp, input.resolutions);
        let take: Vec<merge::ContactField> = input.take.into_iter().map(Into::into).collect();
        if let Err(e) = inp.finish() {
            return Ok(ContactPersonMergePayload {
                contact_person: None,
                merge_log_entry: None,
                user_errors: e,
            });
        }
        let res = write(ctx, "keepId", async |t| {
            let (c, m) = merge::merge_contacts(t, cid, keep, dup, &take, &rs, &by).await?;
            Ok((parties::get_contact(t, cid, c.id).await?, m))
        })
        .await?;
        Ok(match res {
            Ok((c, m)) => ContactPersonMergePayload {
                contact_person: Some(ContactPerson(c)),
                merge_log_entry: Some(m.log.into()),
                user_errors: vec![],
            },
            Err(e) => ContactPersonMergePayload {
                contact_person: None,
                merge_log_entry: None,
                user_errors: e,
            },
        })
    }
}

fn targets_payload(
    res: crate::graphql::Outcome<(crm::campaign::Model, u64)>,
) -> CampaignTargetsPayload {
    match res {
        Ok((c, n)) => CampaignTargetsPayload {
            campaign: Some(Campaign(c)),
            count: n as i64,
            user_errors: vec![],
        },
        Err(e) => CampaignTargetsPayload {
            campaign: None,
            count: 0,
            user_errors: e,
        },
    }
}

type Generated = (
    crm::campaign_target::Model,
    Option<crm::lead::Model>,
    Option<crm::opportunity::Model>,
);

fn generated(res: crate::graphql::Outcome<Generated>) -> CampaignTargetGeneratePayload {
    match res {
        Ok((t, l, o)) => CampaignTargetGeneratePayload {
            campaign_target: Some(CampaignTarget(t)),
            lead: l.map(Lead),
            opportunity: o.map(Opportunity),
            user_errors: vec![],
        },
        Err(e) => CampaignTargetGeneratePayload {
            campaign_target: None,
            lead: None,
            opportunity: None,
            user_errors: e,
        },
    }
}
