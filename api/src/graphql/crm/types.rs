//! Object types and enums of relationships and marketing. Each wraps a core row; relations
//! resolve through the request's loaders.

use crate::connection;
use crate::graphql::errors::internal;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::money::{Money, base_money, money};
use crate::graphql::scalars::{Date, DateTime, Dec, dt};
use crate::graphql::{loaders, rc};
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use mercator_core::crm::{self, CampaignStats};
use mercator_core::parties::ContactRow;
use rust_decimal::Decimal;

use crate::graphql::parties::{ContactPerson, Party, party_by_id};
use crate::graphql::scalars::ts;

/// A GraphQL mirror of a core enum: async-graphql's `remote` derives the conversions both
/// ways, exhaustively.
macro_rules! mirror {
    ($(#[$m:meta])* $name:ident from $core:tt { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(remote = $core)]
        pub enum $name { $($(#[$vm])* $v,)+ }
    };
}

mirror!(
    /// Kind of campaign.
    CampaignKind from "mercator_core::crm::CampaignKind" {
        /// Calls from call lists.
        Telemarketing,
        /// Letters.
        Mailing,
        /// E-mails.
        Email,
        /// A fair, seminar or similar.
        Event,
        /// Anything else.
        Other,
    }
);

mirror!(
    /// Campaign status: PLANNED → ACTIVE → COMPLETED; PLANNED or ACTIVE → CANCELED.
    CampaignStatus from "mercator_core::crm::CampaignStatus" {
        /// Being prepared; targets may be selected.
        Planned,
        /// Running: sending and responses.
        Active,
        /// Done; late responses may still be recorded.
        Completed,
        /// Called off.
        Canceled,
    }
);

mirror!(
    /// The role a party had when it was made a campaign target.
    TargetRole from "mercator_core::crm::TargetRole" {
        /// A prospect.
        Prospect,
        /// A prospect or party with an open lead.
        Lead,
        /// A party with an open opportunity.
        Opportunity,
        /// A customer.
        Customer,
        /// A contact person of an organisation.
        Contact,
    }
);

mirror!(
    /// A campaign target's response.
    Response from "mercator_core::crm::Response" {
        /// Nothing recorded yet.
        None,
        /// Interested: may generate a lead or an opportunity.
        Positive,
        /// Not interested.
        Negative,
        /// Contacted, no answer.
        NoResponse,
    }
);

mirror!(
    /// Outcome of the last call on a call list entry.
    CallStatus from "mercator_core::crm::CallStatus" {
        /// Not called yet.
        NotCalled,
        /// Call again on `callBackOn`.
        CallBack,
        /// Done.
        Completed,
        /// Nobody answered.
        NoAnswer,
    }
);

mirror!(
    /// Where a lead came from.
    LeadSource from "mercator_core::crm::LeadSource" {
        /// A campaign response.
        Campaign,
        /// The web site.
        Web,
        /// A referral.
        Referral,
        /// A call list.
        CallList,
        /// Anything else.
        Other,
    }
);

mirror!(
    /// Lead status: OPEN → QUALIFIED | DISQUALIFIED | POSTPONED; POSTPONED → OPEN | DISQUALIFIED.
    /// QUALIFIED and DISQUALIFIED are final.
    LeadStatus from "mercator_core::crm::LeadStatus" {
        /// Being worked on.
        Open,
        /// Qualified; may have created an opportunity and/or a customer.
        Qualified,
        /// Disqualified, with a reason.
        Disqualified,
        /// On hold; may be reactivated.
        Postponed,
    }
);

mirror!(
    /// Opportunity status: OPEN → WON | LOST | CANCELED, each final and with a close reason.
    OpportunityStatus from "mercator_core::crm::OpportunityStatus" {
        /// In progress.
        Open,
        /// Won.
        Won,
        /// Lost.
        Lost,
        /// Called off.
        Canceled,
    }
);

mirror!(
    /// Kind of interaction.
    InteractionKind from "mercator_core::crm::InteractionKind" {
        /// E-mail.
        Email,
        /// Phone call.
        Call,
        /// Letter.
        Letter,
        /// Meeting.
        Meeting,
        /// A document (quote, brochure) sent.
        Document,
    }
);

mirror!(
    /// Who started an interaction.
    Direction from "mercator_core::crm::Direction" {
        /// The party contacted us.
        Inbound,
        /// We contacted the party.
        Outbound,
    }
);

async fn contact_by_id(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<ContactPerson>> {
    load_opt!(ctx, contact, id, |c: ContactRow| ContactPerson(c))
}

// ---------------------------------------------------------------- campaigns

/// A marketing campaign.
#[derive(Clone, Debug)]
pub struct Campaign(pub crm::campaign::Model);

/// A marketing campaign with its targets, responses, call lists and statistics.
#[Object]
impl Campaign {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Campaign, self.0.id)
    }
    /// Number, e.g. `CMP-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind.
    async fn kind(&self) -> CampaignKind {
        self.0.kind.into()
    }
    /// Status.
    async fn status(&self) -> CampaignStatus {
        self.0.status.into()
    }
    /// First day.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(dt)
    }
    /// Last day.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(dt)
    }
    /// When to follow up.
    async fn follow_up_date(&self) -> Option<Date> {
        self.0.follow_up_date.map(dt)
    }
    /// Owner (a salesperson code).
    async fn owner(&self) -> Option<&str> {
        self.0.owner.as_deref()
    }
    /// Budget, in the company's base currency.
    async fn budget(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.budget.value()).await
    }
    /// Fixed cost, in the base currency (interaction costs are added in `statistics`).
    async fn cost(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.cost.value()).await
    }
    /// Who the campaign is aimed at, in words.
    async fn target_description(&self) -> Option<&str> {
        self.0.target_description.as_deref()
    }
    /// The campaign group it belongs to.
    async fn parent_campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load_opt!(ctx, campaign, self.0.parent_campaign_id, Campaign)
    }
    /// Call lists of this campaign.
    async fn call_lists(&self, ctx: &Context<'_>) -> Result<Vec<CallList>> {
        Ok(loaders(ctx)?
            .call_lists_by_campaign
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default()
            .into_iter()
            .map(CallList)
            .collect())
    }
    /// The funnel: targets, responses, leads, opportunities, won value and cost. Batched: a
    /// fixed number of statements for a whole page of campaigns.
    async fn statistics(&self, ctx: &Context<'_>) -> Result<CampaignStatistics> {
        let s = loaders(ctx)?
            .campaign_stats
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        Ok(CampaignStatistics(s))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// Figures of a campaign: what was sent, who answered, what it led to, what it cost.
pub struct CampaignStatistics(pub CampaignStats);

/// Figures of a campaign: what was sent, who answered, what it led to, what it cost.
#[Object]
impl CampaignStatistics {
    /// Targets.
    async fn targets(&self) -> i64 {
        self.0.targets
    }
    /// Targets the campaign was sent to.
    async fn sent(&self) -> i64 {
        self.0.sent
    }
    /// Positive responses.
    async fn positive_responses(&self) -> i64 {
        self.0.positive
    }
    /// Negative responses.
    async fn negative_responses(&self) -> i64 {
        self.0.negative
    }
    /// Targets contacted without an answer.
    async fn no_responses(&self) -> i64 {
        self.0.no_response
    }
    /// Targets with nothing recorded yet.
    async fn unanswered(&self) -> i64 {
        self.0.unanswered
    }
    /// Positive responses per target, in percent (2 places); null without targets.
    async fn response_rate_percent(&self) -> Option<Dec> {
        self.0.response_rate().map(Dec::of)
    }
    /// Leads attributed to the campaign.
    async fn leads(&self) -> i64 {
        self.0.leads
    }
    /// Opportunities attributed to the campaign.
    async fn opportunities(&self) -> i64 {
        self.0.opportunities
    }
    /// Of those, still open.
    async fn open_opportunities(&self) -> i64 {
        self.0.open_opportunities
    }
    /// Of those, won.
    async fn won_opportunities(&self) -> i64 {
        self.0.won
    }
    /// Of those, lost.
    async fn lost_opportunities(&self) -> i64 {
        self.0.lost
    }
    /// Estimated value of the won opportunities, one entry per currency.
    async fn won_value(&self, ctx: &Context<'_>) -> Result<Vec<Money>> {
        let mut out = Vec::new();
        for (cur, v) in &self.0.won_value {
            out.push(money(ctx, *v, *cur).await?);
        }
        Ok(out)
    }
    /// Interactions logged for the campaign.
    async fn interactions(&self) -> i64 {
        self.0.interactions
    }
    /// Cost of those interactions (base currency).
    async fn interaction_cost(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.interaction_cost).await
    }
    /// The campaign's own cost (base currency).
    async fn fixed_cost(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.fixed_cost).await
    }
    /// Fixed plus interaction cost.
    async fn total_cost(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.total_cost()).await
    }
    /// Total cost per won opportunity, rounded to the base currency; null when none was won.
    async fn cost_per_won_opportunity(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        let step = base_step(ctx).await?.unwrap_or(Decimal::new(1, 2));
        match self.0.cost_per_won(step) {
            Some(v) => Ok(Some(base_money(ctx, v).await?)),
            None => Ok(None),
        }
    }
}

async fn base_step(ctx: &Context<'_>) -> Result<Option<Decimal>> {
    let Some(c) = rc(ctx)?.company.as_ref() else {
        return Ok(None);
    };
    Ok(loaders(ctx)?
        .base_currency
        .load_one(c.id)
        .await
        .map_err(internal)?
        .map(|c| c.amount_precision.value()))
}

/// A party targeted by a campaign, with the role it had then and its response.
#[derive(Clone, Debug)]
pub struct CampaignTarget(pub crm::campaign_target::Model);

/// A party targeted by a campaign, with the role it had then and its response.
#[Object]
impl CampaignTarget {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CampaignTarget, self.0.id)
    }
    /// The campaign.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Campaign> {
        load!(ctx, campaign, self.0.campaign_id, Campaign, "campaign")
    }
    /// The party targeted (for a contact person: the person's own party).
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// The contact person, when a contact was targeted.
    async fn contact_person(&self, ctx: &Context<'_>) -> Result<Option<ContactPerson>> {
        contact_by_id(ctx, self.0.contact_person_id).await
    }
    /// The role the party had when it was targeted.
    async fn role_at_time(&self) -> TargetRole {
        self.0.role_at_time.into()
    }
    /// When the campaign was sent to it.
    async fn sent_on(&self) -> Option<Date> {
        self.0.sent_on.map(dt)
    }
    /// Its response.
    async fn response(&self) -> Response {
        self.0.response.into()
    }
    /// A free response code, e.g. `WANTS-DEMO`.
    async fn response_code(&self) -> Option<&str> {
        self.0.response_code.as_deref()
    }
    /// When it responded.
    async fn responded_on(&self) -> Option<Date> {
        self.0.responded_on.map(dt)
    }
    /// When to follow up.
    async fn follow_up_date(&self) -> Option<Date> {
        self.0.follow_up_date.map(dt)
    }
    /// The lead generated from the response.
    async fn generated_lead(&self, ctx: &Context<'_>) -> Result<Option<Lead>> {
        load_opt!(ctx, lead, self.0.generated_lead_id, Lead)
    }
    /// The opportunity generated from the response.
    async fn generated_opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        load_opt!(
            ctx,
            opportunity,
            self.0.generated_opportunity_id,
            Opportunity
        )
    }
}

/// A telemarketing call list.
#[derive(Clone, Debug)]
pub struct CallList(pub crm::call_list::Model);

/// A telemarketing call list: the parties to call, with the outcome of each call.
#[Object]
impl CallList {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CallList, self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The campaign.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load_opt!(ctx, campaign, self.0.campaign_id, Campaign)
    }
    /// Who calls (a salesperson code).
    async fn responsible(&self) -> Option<&str> {
        self.0.responsible.as_deref()
    }
    /// Questionnaire to use.
    async fn questionnaire(&self) -> Option<&str> {
        self.0.questionnaire.as_deref()
    }
    /// First day.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(dt)
    }
    /// Last day.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(dt)
    }
    /// The parties to call, in the order they were added.
    async fn entries(&self, ctx: &Context<'_>) -> Result<Vec<CallListEntry>> {
        Ok(loaders(ctx)?
            .call_list_entries
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default()
            .into_iter()
            .map(CallListEntry)
            .collect())
    }
}

/// A party on a call list.
#[derive(Clone, Debug)]
pub struct CallListEntry(pub crm::call_list_entry::Model);

/// A party on a call list and the outcome of the last call.
#[Object]
impl CallListEntry {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CallListEntry, self.0.id)
    }
    /// The party to call.
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// The contact person to ask for.
    async fn contact_person(&self, ctx: &Context<'_>) -> Result<Option<ContactPerson>> {
        contact_by_id(ctx, self.0.contact_person_id).await
    }
    /// Outcome of the last call.
    async fn call_status(&self) -> CallStatus {
        self.0.call_status.into()
    }
    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// When to call back.
    async fn call_back_on(&self) -> Option<Date> {
        self.0.call_back_on.map(dt)
    }
    /// When it was last called.
    async fn last_called_at(&self) -> Option<DateTime> {
        self.0.last_called_at.map(ts)
    }
}

// ---------------------------------------------------------------- leads, opportunities

/// A sales lead.
#[derive(Clone, Debug)]
pub struct Lead(pub crm::lead::Model);

/// A sales lead: an unqualified sales initiative.
#[Object]
impl Lead {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Lead, self.0.id)
    }
    /// Number, e.g. `L-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The party.
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// What it is about.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Where it came from.
    async fn source(&self) -> LeadSource {
        self.0.source.into()
    }
    /// The campaign it is attributed to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load_opt!(ctx, campaign, self.0.campaign_id, Campaign)
    }
    /// Who works on it (a salesperson code).
    async fn responsible(&self) -> Option<&str> {
        self.0.responsible.as_deref()
    }
    /// Estimated value.
    async fn estimated_value(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        match (self.0.estimated_value, self.0.currency_id) {
            (Some(v), Some(c)) => Ok(Some(money(ctx, v.value(), c).await?)),
            _ => Ok(None),
        }
    }
    /// Status.
    async fn status(&self) -> LeadStatus {
        self.0.status.into()
    }
    /// Why it has its status.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// A stage of a sales cycle.
#[derive(SimpleObject, Clone, Debug)]
pub struct SalesCycleStage {
    /// Position in the cycle, from 1.
    pub position: i32,
    /// Name.
    pub name: String,
    /// How far the sale is at this stage, in percent.
    pub completed_percent: Dec,
    /// Chance of success at this stage, in percent; an opportunity entering it takes it as its probability.
    pub chance_percent: Dec,
    /// A quotation is needed in this stage.
    pub quote_required: bool,
    /// The stage may be skipped.
    pub allow_skip: bool,
}

impl From<crm::sales_cycle_stage::Model> for SalesCycleStage {
    fn from(s: crm::sales_cycle_stage::Model) -> Self {
        SalesCycleStage {
            position: s.position,
            name: s.name,
            completed_percent: Dec::of(s.completed_percent.value()),
            chance_percent: Dec::of(s.chance_percent.value()),
            quote_required: s.quote_required,
            allow_skip: s.allow_skip,
        }
    }
}

async fn stages_of(ctx: &Context<'_>, cycle: i64) -> Result<Vec<crm::sales_cycle_stage::Model>> {
    let mut v = loaders(ctx)?
        .stages
        .load_one(cycle)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|s| s.position);
    Ok(v)
}

/// A sales cycle: the stages an opportunity moves through.
#[derive(Clone, Debug)]
pub struct SalesCycle(pub crm::sales_cycle::Model);

/// A sales cycle: the stages an opportunity moves through.
#[Object]
impl SalesCycle {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesCycle, self.0.id)
    }
    /// Code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Stages in order.
    async fn stages(&self, ctx: &Context<'_>) -> Result<Vec<SalesCycleStage>> {
        Ok(stages_of(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// A sales opportunity.
#[derive(Clone, Debug)]
pub struct Opportunity(pub crm::opportunity::Model);

/// A sales opportunity: a qualified chance to sell, with its stage, probability and value.
#[Object]
impl Opportunity {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Opportunity, self.0.id)
    }
    /// Number, e.g. `O-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The party.
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// What it is about.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The lead it came from.
    async fn lead(&self, ctx: &Context<'_>) -> Result<Option<Lead>> {
        load_opt!(ctx, lead, self.0.lead_id, Lead)
    }
    /// The campaign it is attributed to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load_opt!(ctx, campaign, self.0.campaign_id, Campaign)
    }
    /// Salesperson (a code).
    async fn salesperson(&self) -> Option<&str> {
        self.0.salesperson.as_deref()
    }
    /// Its sales cycle.
    async fn sales_cycle(&self, ctx: &Context<'_>) -> Result<Option<SalesCycle>> {
        load_opt!(ctx, sales_cycle, self.0.sales_cycle_id, SalesCycle)
    }
    /// The stage it is in.
    async fn stage(&self, ctx: &Context<'_>) -> Result<Option<SalesCycleStage>> {
        let (Some(c), Some(p)) = (self.0.sales_cycle_id, self.0.stage_position) else {
            return Ok(None);
        };
        Ok(stages_of(ctx, c)
            .await?
            .into_iter()
            .find(|s| s.position == p)
            .map(Into::into))
    }
    /// Chance of success in percent.
    async fn probability_percent(&self) -> Dec {
        Dec::of(self.0.probability_percent.value())
    }
    /// Estimated value.
    async fn estimated_value(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.estimated_value.value(), self.0.currency_id).await
    }
    /// Estimated value × probability / 100, rounded to the currency (half away from zero).
    async fn weighted_value(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.weighted_value.value(), self.0.currency_id).await
    }
    /// Expected close date.
    async fn expected_close_date(&self) -> Option<Date> {
        self.0.expected_close_date.map(dt)
    }
    /// Status.
    async fn status(&self) -> OpportunityStatus {
        self.0.status.into()
    }
    /// Why it was closed.
    async fn close_reason(&self) -> Option<&str> {
        self.0.close_reason.as_deref()
    }
    /// When it was closed.
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_on.map(dt)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// One touch with a party: the interaction log.
#[derive(Clone, Debug)]
pub struct Interaction(pub crm::interaction::Model);

/// One touch with a party (e-mail, call, letter, meeting, document sent).
#[Object]
impl Interaction {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Interaction, self.0.id)
    }
    /// The party.
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// The contact person spoken to.
    async fn contact_person(&self, ctx: &Context<'_>) -> Result<Option<ContactPerson>> {
        contact_by_id(ctx, self.0.contact_person_id).await
    }
    /// The campaign it belongs to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load_opt!(ctx, campaign, self.0.campaign_id, Campaign)
    }
    /// The lead it is about.
    async fn lead(&self, ctx: &Context<'_>) -> Result<Option<Lead>> {
        load_opt!(ctx, lead, self.0.lead_id, Lead)
    }
    /// The opportunity it is about.
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        load_opt!(ctx, opportunity, self.0.opportunity_id, Opportunity)
    }
    /// Kind.
    async fn kind(&self) -> InteractionKind {
        self.0.kind.into()
    }
    /// Inbound or outbound.
    async fn direction(&self) -> Direction {
        self.0.direction.into()
    }
    /// What it was about.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        ts(self.0.occurred_at)
    }
    /// Salesperson (a code).
    async fn salesperson(&self) -> Option<&str> {
        self.0.salesperson.as_deref()
    }
    /// Cost in the base currency.
    async fn cost(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.cost.value()).await
    }
    /// Minutes spent.
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }
    /// When to follow up.
    async fn follow_up_on(&self) -> Option<Date> {
        self.0.follow_up_on.map(dt)
    }
    /// The follow-up is done.
    async fn follow_up_done(&self) -> bool {
        self.0.follow_up_done
    }
}

/// One row of the pipeline: open opportunities of one stage in one currency.
pub struct PipelineRow(pub crm::PipelineRow);

/// Open opportunities of one sales-cycle stage in one currency.
#[Object]
impl PipelineRow {
    /// The sales cycle; null for opportunities without one.
    async fn sales_cycle(&self, ctx: &Context<'_>) -> Result<Option<SalesCycle>> {
        load_opt!(ctx, sales_cycle, self.0.sales_cycle_id, SalesCycle)
    }
    /// Stage position.
    async fn stage_position(&self) -> Option<i32> {
        self.0.stage_position
    }
    /// Stage name.
    async fn stage_name(&self) -> Option<&str> {
        self.0.stage_name.as_deref()
    }
    /// Stage completion in percent.
    async fn completed_percent(&self) -> Option<Dec> {
        self.0.completed_percent.map(Dec::of)
    }
    /// Number of open opportunities.
    async fn count(&self) -> i64 {
        self.0.count
    }
    /// Σ estimated value.
    async fn value(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.value, self.0.currency_id).await
    }
    /// Σ weighted value.
    async fn weighted_value(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.weighted_value, self.0.currency_id).await
    }
}

connection!(CampaignConnection, CampaignEdge, Campaign, "campaigns");

connection!(
    CampaignTargetConnection,
    CampaignTargetEdge,
    CampaignTarget,
    "campaign targets"
);

connection!(CallListConnection, CallListEdge, CallList, "call lists");

connection!(LeadConnection, LeadEdge, Lead, "leads");

connection!(
    OpportunityConnection,
    OpportunityEdge,
    Opportunity,
    "opportunities"
);

connection!(
    InteractionConnection,
    InteractionEdge,
    Interaction,
    "interactions"
);
