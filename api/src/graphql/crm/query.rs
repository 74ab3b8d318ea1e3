//! Queries of relationships and marketing: parties, prospects, campaigns and their targets,
//! call lists, leads, opportunities, sales cycles, interactions, follow-ups, the pipeline, and
//! merge previews.

use super::types::{
    CallList, CallListConnection, Campaign, CampaignConnection, CampaignKind, CampaignStatus,
    CampaignTarget, CampaignTargetConnection, Interaction, InteractionConnection, Lead,
    LeadConnection, LeadStatus, Opportunity, OpportunityConnection, OpportunityStatus, PipelineRow,
    Response, SalesCycle,
};
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::enums::{PartyKind, ProspectStatus, SortDirection};
use crate::graphql::errors::{ErrorCode, UserError, internal};
use crate::graphql::ids::{self, Kind};
use crate::graphql::parties::{
    ContactPerson, Customer, Party, PartyConnection, Prospect, ProspectConnection,
};
use crate::graphql::scalars::{Date, DateTime, Json};
use crate::graphql::{company_id, db, loaders, read, require};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::crm::{self, merge};

macro_rules! sort_input {
    ($sort:ident, $field:ident, $v:ident, $what:literal) => {
        #[doc = concat!("Field the list is sorted by: ", $what, ".")]
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
        pub enum $field {
            #[doc = concat!("By ", $what, ".")]
            #[default]
            $v,
        }
        #[doc = concat!("Order of the list (by ", $what, ").")]
        #[derive(InputObject, Default)]
        pub struct $sort {
            /// Sort field.
            #[graphql(default)]
            pub field: $field,
            /// Direction.
            #[graphql(default)]
            pub direction: SortDirection,
        }
        impl $sort {
            fn desc(s: Option<Self>) -> bool {
                s.unwrap_or_default().direction == SortDirection::Desc
            }
        }
    };
}

sort_input!(PartySort, PartySortField, Name, "name");

/// A list's sort input with several fields, each mapped to core's sort of that list.
macro_rules! sort_fields {
    ($sort:ident, $field:ident, $core:path, $what:literal,
     [$(#[doc = $d0:literal])+ $v0:ident, $($(#[doc = $doc:literal])+ $v:ident),+ $(,)?]) => {
        #[doc = concat!("Field the ", $what, " list is sorted by.")]
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
        pub enum $field {
            $(#[doc = $d0])+
            #[default]
            $v0,
            $($(#[doc = $doc])+ $v,)+
        }
        #[doc = concat!("Order of the ", $what, " list: a field and a direction (`DESC` for newest or largest first).")]
        #[derive(InputObject, Default)]
        pub struct $sort {
            /// Sort field.
            #[graphql(default)]
            pub field: $field,
            /// Direction.
            #[graphql(default)]
            pub direction: SortDirection,
        }
        impl $sort {
            /// Core's sort and whether it is descending.
            fn core(s: Option<Self>) -> ($core, bool) {
                let s = s.unwrap_or_default();
                let field = match s.field {
                    $field::$v0 => <$core>::$v0,
                    $($field::$v => <$core>::$v,)+
                };
                (field, s.direction == SortDirection::Desc)
            }
        }
    };
}

sort_fields!(
    ProspectSort,
    ProspectSortField,
    crm::ProspectSort,
    "prospect",
    [
        /// By number, in numeric order (P-2 before P-10).
        Number,
        /// By creation (newest first with `DESC`).
        CreatedAt,
        /// By last change.
        UpdatedAt,
    ]
);
sort_fields!(
    CampaignSort,
    CampaignSortField,
    crm::CampaignSort,
    "campaign",
    [
        /// By number, in numeric order.
        Number,
        /// By name.
        Name,
        /// By start date; campaigns without one come after every date (first with `DESC`).
        StartDate,
        /// By end date; campaigns without one come after every date (first with `DESC`).
        EndDate,
        /// By last change.
        UpdatedAt,
    ]
);
sort_fields!(
    LeadSort,
    LeadSortField,
    crm::LeadSort,
    "lead",
    [
        /// By number, in numeric order.
        Number,
        /// By creation (newest first with `DESC`).
        CreatedAt,
        /// By last change.
        UpdatedAt,
    ]
);
sort_fields!(
    OpportunitySort,
    OpportunitySortField,
    crm::OpportunitySort,
    "opportunity",
    [
        /// By number, in numeric order.
        Number,
        /// By expected close date; opportunities without one come after every date (first with
        /// `DESC`).
        ExpectedCloseDate,
        /// By estimated value (amounts of different currencies compared as numbers).
        EstimatedValue,
        /// By weighted value: estimated value × probability.
        WeightedValue,
        /// By creation (newest first with `DESC`).
        CreatedAt,
        /// By last change.
        UpdatedAt,
    ]
);

/// Filter of the party list.
#[derive(InputObject, Default)]
pub struct PartyFilter {
    /// Case-insensitive part of the name or e-mail.
    pub search: Option<String>,
    /// Only organisations or only persons.
    pub kind: Option<PartyKind>,
    /// True: only customers; false: only parties that are not customers.
    pub is_customer: Option<bool>,
    /// True: only prospects; false: only parties that are not prospects.
    pub is_prospect: Option<bool>,
}

/// Filter of the prospect list.
#[derive(InputObject, Default)]
pub struct ProspectFilter {
    /// Case-insensitive part of the party name.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<ProspectStatus>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Only this salesperson.
    pub salesperson: Option<String>,
}

/// Filter of the campaign list.
#[derive(InputObject, Default)]
pub struct CampaignFilter {
    /// Case-insensitive part of the number or name.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<CampaignStatus>,
    /// Only this kind.
    pub kind: Option<CampaignKind>,
    /// Only sub-campaigns of this campaign.
    pub parent_campaign_id: Option<ID>,
}

/// Filter of a campaign's targets.
#[derive(InputObject, Default)]
pub struct CampaignTargetFilter {
    /// Only this response.
    pub response: Option<Response>,
    /// True: only targets the campaign was sent to; false: only the others.
    pub sent: Option<bool>,
}

/// Filter of the lead list.
#[derive(InputObject, Default)]
pub struct LeadFilter {
    /// Case-insensitive part of the number or subject.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<LeadStatus>,
    /// Only leads of this campaign.
    pub campaign_id: Option<ID>,
    /// Only leads of this party.
    pub party_id: Option<ID>,
    /// Only this responsible salesperson.
    pub responsible: Option<String>,
}

/// Filter of the opportunity list.
#[derive(InputObject, Default)]
pub struct OpportunityFilter {
    /// Case-insensitive part of the number or subject.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<OpportunityStatus>,
    /// Only opportunities of this campaign.
    pub campaign_id: Option<ID>,
    /// Only opportunities of this party.
    pub party_id: Option<ID>,
    /// Only this salesperson.
    pub salesperson: Option<String>,
}

/// Filter of the interaction log.
#[derive(InputObject, Default)]
pub struct InteractionFilter {
    /// Only interactions with this party.
    pub party_id: Option<ID>,
    /// Only interactions of this campaign.
    pub campaign_id: Option<ID>,
    /// Only this salesperson.
    pub salesperson: Option<String>,
}

/// Which open opportunities the pipeline counts.
#[derive(InputObject, Default)]
pub struct PipelineFilter {
    /// Only this salesperson.
    pub salesperson: Option<String>,
    /// Only opportunities of this campaign.
    pub campaign_id: Option<ID>,
    /// Only opportunities expected to close on or before this date.
    pub closing_by: Option<Date>,
}

/// A customer field a merge can take from the duplicate.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CustomerMergeField {
    /// Name.
    Name,
    /// E-mail.
    Email,
    /// Phone.
    Phone,
    /// Language.
    Language,
    /// Currency.
    Currency,
    /// Customer group.
    CustomerGroup,
    /// Price group.
    PriceGroup,
    /// Payment terms.
    PaymentTerms,
    /// Tax group.
    TaxGroup,
    /// Credit limit.
    CreditLimit,
    /// Mandatory credit limit.
    MandatoryCreditLimit,
    /// Blocked.
    Blocked,
    /// Combine shipments.
    CombineShipments,
    /// Prices including tax.
    PricesIncludingTax,
    /// Invoice account.
    InvoiceAccount,
}

impl From<CustomerMergeField> for merge::CustomerField {
    fn from(f: CustomerMergeField) -> Self {
        use CustomerMergeField as G;
        use merge::CustomerField as F;
        match f {
            G::Name => F::Name,
            G::Email => F::Email,
            G::Phone => F::Phone,
            G::Language => F::Language,
            G::Currency => F::Currency,
            G::CustomerGroup => F::CustomerGroup,
            G::PriceGroup => F::PriceGroup,
            G::PaymentTerms => F::PaymentTerms,
            G::TaxGroup => F::TaxGroup,
            G::CreditLimit => F::CreditLimit,
            G::MandatoryCreditLimit => F::MandatoryCreditLimit,
            G::Blocked => F::Blocked,
            G::CombineShipments => F::CombineShipments,
            G::PricesIncludingTax => F::PricesIncludingTax,
            G::InvoiceAccount => F::InvoiceAccount,
        }
    }
}

impl From<merge::CustomerField> for CustomerMergeField {
    fn from(f: merge::CustomerField) -> Self {
        use CustomerMergeField as G;
        use merge::CustomerField as F;
        match f {
            F::Name => G::Name,
            F::Email => G::Email,
            F::Phone => G::Phone,
            F::Language => G::Language,
            F::Currency => G::Currency,
            F::CustomerGroup => G::CustomerGroup,
            F::PriceGroup => G::PriceGroup,
            F::PaymentTerms => G::PaymentTerms,
            F::TaxGroup => G::TaxGroup,
            F::CreditLimit => G::CreditLimit,
            F::MandatoryCreditLimit => G::MandatoryCreditLimit,
            F::Blocked => G::Blocked,
            F::CombineShipments => G::CombineShipments,
            F::PricesIncludingTax => G::PricesIncludingTax,
            F::InvoiceAccount => G::InvoiceAccount,
        }
    }
}

/// A contact-person field a merge can take from the duplicate.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ContactMergeField {
    /// Name.
    Name,
    /// E-mail.
    Email,
    /// Phone.
    Phone,
    /// Language.
    Language,
    /// Job title.
    Title,
}

impl From<ContactMergeField> for merge::ContactField {
    fn from(f: ContactMergeField) -> Self {
        match f {
            ContactMergeField::Name => merge::ContactField::Name,
            ContactMergeField::Email => merge::ContactField::Email,
            ContactMergeField::Phone => merge::ContactField::Phone,
            ContactMergeField::Language => merge::ContactField::Language,
            ContactMergeField::Title => merge::ContactField::Title,
        }
    }
}

impl From<merge::ContactField> for ContactMergeField {
    fn from(f: merge::ContactField) -> Self {
        match f {
            merge::ContactField::Name => ContactMergeField::Name,
            merge::ContactField::Email => ContactMergeField::Email,
            merge::ContactField::Phone => ContactMergeField::Phone,
            merge::ContactField::Language => ContactMergeField::Language,
            merge::ContactField::Title => ContactMergeField::Title,
        }
    }
}

/// A customer field whose values differ between the kept record and the duplicate.
#[derive(SimpleObject)]
pub struct CustomerMergeDifference {
    /// The field; name it in `take` to keep the duplicate's value.
    pub field: CustomerMergeField,
    /// The kept customer's value, as text.
    pub kept_value: Option<String>,
    /// The duplicate's value, as text.
    pub duplicate_value: Option<String>,
}

/// A contact field whose values differ between the kept record and the duplicate.
#[derive(SimpleObject)]
pub struct ContactMergeDifference {
    /// The field; name it in `take` to keep the duplicate's value.
    pub field: ContactMergeField,
    /// The kept contact's value.
    pub kept_value: Option<String>,
    /// The duplicate's value.
    pub duplicate_value: Option<String>,
}

/// Where a merge conflict is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MergeConflictTable {
    /// Both parties have an address with the same code: rename or remove the duplicate's.
    Address,
    /// Both are targets of the same campaign: remove the duplicate's target.
    CampaignTarget,
    /// Both are on the same call list: remove the duplicate's entry.
    CallListEntry,
    /// Both are prospects: remove the duplicate's prospect role.
    Prospect,
}

impl From<merge::ConflictTable> for MergeConflictTable {
    fn from(t: merge::ConflictTable) -> Self {
        match t {
            merge::ConflictTable::Address => MergeConflictTable::Address,
            merge::ConflictTable::CampaignTarget => MergeConflictTable::CampaignTarget,
            merge::ConflictTable::CallListEntry => MergeConflictTable::CallListEntry,
            merge::ConflictTable::Prospect => MergeConflictTable::Prospect,
        }
    }
}

/// The global ID kind of a conflict table's rows.
pub fn conflict_kind(t: merge::ConflictTable) -> Kind {
    match t {
        merge::ConflictTable::Address => Kind::Address,
        merge::ConflictTable::CampaignTarget => Kind::CampaignTarget,
        merge::ConflictTable::CallListEntry => Kind::CallListEntry,
        merge::ConflictTable::Prospect => Kind::Prospect,
    }
}

/// A related row of the duplicate whose key the kept record already uses. The merge is
/// refused (`MERGE_CONFLICT`) until each one is resolved.
#[derive(SimpleObject)]
pub struct MergeConflict {
    /// Where.
    pub table: MergeConflictTable,
    /// The key both share: the address code, or the campaign or call list number/name; empty
    /// for a prospect role.
    pub key: String,
    /// The kept record's row.
    pub kept_row_id: ID,
    /// The duplicate's row; name it in a resolution.
    pub duplicate_row_id: ID,
    /// The row may be renamed (addresses); otherwise only removed.
    pub renamable: bool,
}

impl From<merge::Conflict> for MergeConflict {
    fn from(c: merge::Conflict) -> Self {
        let k = conflict_kind(c.table);
        MergeConflict {
            table: c.table.into(),
            key: c.key,
            kept_row_id: ids::encode(k, c.kept_row_id),
            duplicate_row_id: ids::encode(k, c.duplicate_row_id),
            renamable: c.table.renamable(),
        }
    }
}

/// What merging a duplicate customer into a kept one would do.
#[derive(SimpleObject)]
pub struct CustomerMergePreview {
    /// Fields whose values differ.
    pub differences: Vec<CustomerMergeDifference>,
    /// Key conflicts to resolve before merging.
    pub conflicts: Vec<MergeConflict>,
    /// Problems that block the merge whatever is chosen (e.g. `MERGE_CURRENCY_CONFLICT`).
    pub blockers: Vec<UserError>,
}

/// What merging a duplicate contact person into a kept one would do.
#[derive(SimpleObject)]
pub struct ContactMergePreview {
    /// Fields whose values differ.
    pub differences: Vec<ContactMergeDifference>,
    /// Key conflicts to resolve before merging.
    pub conflicts: Vec<MergeConflict>,
}

/// The audit record of a merge.
#[derive(SimpleObject)]
pub struct MergeLogEntry {
    /// What was merged.
    pub kind: crate::graphql::enums::MergeKind,
    /// The kept record (a Customer or ContactPerson ID).
    pub kept_id: ID,
    /// The removed record's account number (customers) or name (contacts).
    pub removed_key: String,
    /// The token that merged.
    pub merged_by: String,
    /// When.
    pub merged_at: DateTime,
    /// Fields taken from the duplicate, conflict resolutions, and rows re-pointed per column.
    pub details: Json,
}

impl From<crm::merge_log::Model> for MergeLogEntry {
    fn from(m: crm::merge_log::Model) -> Self {
        let kind = match m.kind {
            merge::DuplicateKind::Customer => Kind::Customer,
            merge::DuplicateKind::Contact => Kind::ContactPerson,
        };
        MergeLogEntry {
            kept_id: ids::encode(kind, m.kept_id),
            kind: m.kind.into(),
            removed_key: m.removed_key,
            merged_by: m.merged_by,
            merged_at: DateTime(m.merged_at),
            details: Json(serde_json::from_str(&m.details).unwrap_or_default()),
        }
    }
}

/// What the records of a duplicate group share.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DuplicateMatch {
    /// The same name (ignoring case and surrounding blanks).
    Name,
    /// The same e-mail address (ignoring case).
    Email,
}

/// Customers that look like duplicates of each other.
#[derive(SimpleObject)]
pub struct CustomerDuplicateGroup {
    /// What they share.
    pub matched_on: DuplicateMatch,
    /// The shared value, in lower case.
    pub key: String,
    /// The customers, oldest first; merge the others into the one to keep.
    pub customers: Vec<Customer>,
}

/// Contact persons that look like duplicates of each other.
#[derive(SimpleObject)]
pub struct ContactDuplicateGroup {
    /// What they share.
    pub matched_on: DuplicateMatch,
    /// The shared value, in lower case.
    pub key: String,
    /// The contact persons, oldest first.
    pub contacts: Vec<ContactPerson>,
}

fn matched(m: merge::MatchedOn) -> DuplicateMatch {
    match m {
        merge::MatchedOn::Name => DuplicateMatch::Name,
        merge::MatchedOn::Email => DuplicateMatch::Email,
    }
}

fn dup_limit(first: Option<i32>) -> Result<usize> {
    let n = first.unwrap_or(20);
    if !(1..=100).contains(&n) {
        return Err(ErrorCode::OutOfRange.error("first must be between 1 and 100"));
    }
    Ok(n as usize)
}

fn id_arg(field: &str, id: &ID, kind: Kind) -> Result<i64> {
    ids::decode(id, kind).map_err(|e| ErrorCode::InvalidId.error(e.message(field)))
}

/// Queries of relationships and marketing.
#[derive(Default)]
pub struct CrmQuery;

/// Queries of relationships and marketing.
#[Object]
impl CrmQuery {
    /// Parties (organisations and persons) of the company, with or without roles.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn parties(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<PartyFilter>,
        #[graphql(desc = "Order; by name ascending when left out.")] sort: Option<PartySort>,
    ) -> Result<PartyConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::PartyFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            kind: f.kind.map(Into::into),
            is_customer: f.is_customer,
            is_prospect: f.is_prospect,
        };
        let page = read(crm::list_parties(db, cid, &f, PartySort::desc(sort), &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_parties(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(PartyConnection::from_page(page, total, Party))
    }

    /// Prospects of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn prospects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<ProspectFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<ProspectSort>,
    ) -> Result<ProspectConnection> {
        let cid = company_id(ctx)?;
        let sort = ProspectSort::core(sort);
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::ProspectFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            segment: f.segment,
            salesperson: f.salesperson,
        };
        let page = read(crm::list_prospects(db, cid, &f, sort.0, sort.1, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_prospects(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(ProspectConnection::from_page(page, total, Prospect))
    }

    /// Campaigns of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn campaigns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<CampaignFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<CampaignSort>,
    ) -> Result<CampaignConnection> {
        let cid = company_id(ctx)?;
        let sort = CampaignSort::core(sort);
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::CampaignFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            kind: f.kind.map(Into::into),
            parent_campaign_id: filter_id(
                "filter.parentCampaignId",
                f.parent_campaign_id.as_ref(),
                Kind::Campaign,
            )?,
        };
        let page = read(crm::list_campaigns(db, cid, &f, sort.0, sort.1, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_campaigns(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(CampaignConnection::from_page(page, total, Campaign))
    }

    /// Targets of a campaign, in the order they were added.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn campaign_targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<CampaignTargetFilter>,
    ) -> Result<CampaignTargetConnection> {
        let cid = company_id(ctx)?;
        let campaign = id_arg("campaignId", &campaign_id, Kind::Campaign)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::TargetFilter {
            response: f.response.map(Into::into),
            sent: f.sent,
        };
        let page = read(crm::list_targets(db, cid, campaign, &f, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_targets(db, cid, campaign, &f).await).await?)
        } else {
            None
        };
        Ok(CampaignTargetConnection::from_page(
            page,
            total,
            CampaignTarget,
        ))
    }

    /// Call lists, newest first.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn call_lists(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only call lists of this campaign.")] campaign_id: Option<ID>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
    ) -> Result<CallListConnection> {
        let cid = company_id(ctx)?;
        let campaign = filter_id("campaignId", campaign_id.as_ref(), Kind::Campaign)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let page = read(crm::list_call_lists(db, cid, campaign, &args).await).await?;
        Ok(CallListConnection::from_page(page, None, CallList))
    }

    /// Leads of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<LeadFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<LeadSort>,
    ) -> Result<LeadConnection> {
        let cid = company_id(ctx)?;
        let sort = LeadSort::core(sort);
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::LeadFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            campaign_id: filter_id("filter.campaignId", f.campaign_id.as_ref(), Kind::Campaign)?,
            party_id: filter_id("filter.partyId", f.party_id.as_ref(), Kind::Party)?,
            responsible: f.responsible,
        };
        let page = read(crm::list_leads(db, cid, &f, sort.0, sort.1, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_leads(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(LeadConnection::from_page(page, total, Lead))
    }

    /// Opportunities of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<
            OpportunitySort,
        >,
    ) -> Result<OpportunityConnection> {
        let cid = company_id(ctx)?;
        let sort = OpportunitySort::core(sort);
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::OpportunityFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            campaign_id: filter_id("filter.campaignId", f.campaign_id.as_ref(), Kind::Campaign)?,
            party_id: filter_id("filter.partyId", f.party_id.as_ref(), Kind::Party)?,
            salesperson: f.salesperson,
        };
        let page = read(crm::list_opportunities(db, cid, &f, sort.0, sort.1, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_opportunities(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(OpportunityConnection::from_page(page, total, Opportunity))
    }

    /// Sales cycles of the company, by code.
    async fn sales_cycles(&self, ctx: &Context<'_>) -> Result<Vec<SalesCycle>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        Ok(read(crm::list_sales_cycles(db, cid).await)
            .await?
            .into_iter()
            .map(SalesCycle)
            .collect())
    }

    /// The interaction log, newest first.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<InteractionFilter>,
    ) -> Result<InteractionConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::InteractionFilter {
            party_id: filter_id("filter.partyId", f.party_id.as_ref(), Kind::Party)?,
            campaign_id: filter_id("filter.campaignId", f.campaign_id.as_ref(), Kind::Campaign)?,
            salesperson: f.salesperson,
        };
        let page = read(crm::list_interactions(db, cid, &f, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(crm::count_interactions(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(InteractionConnection::from_page(page, total, Interaction))
    }

    /// Future follow-up actions: interactions whose follow-up is not done, earliest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this salesperson's.")] salesperson: Option<String>,
        #[graphql(desc = "Only those due on or before this date.")] until: Option<Date>,
        #[graphql(desc = "At most this many (max 100, default 20).")] first: Option<i32>,
    ) -> Result<Vec<Interaction>> {
        let cid = company_id(ctx)?;
        let n = first.unwrap_or(20);
        if !(1..=100).contains(&n) {
            return Err(ErrorCode::OutOfRange.error("first must be between 1 and 100"));
        }
        let db = &db(ctx)?.conn;
        Ok(read(
            crm::follow_ups(
                db,
                cid,
                salesperson.as_deref(),
                until.map(|d| d.0),
                n as u64,
            )
            .await,
        )
        .await?
        .into_iter()
        .map(Interaction)
        .collect())
    }

    /// The pipeline: open opportunities by sales cycle, stage and currency, with count, value
    /// and weighted value. One statement.
    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which opportunities; all open ones when left out.")] filter: Option<
            PipelineFilter,
        >,
    ) -> Result<Vec<PipelineRow>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = crm::PipelineFilter {
            salesperson: f.salesperson,
            campaign_id: filter_id("filter.campaignId", f.campaign_id.as_ref(), Kind::Campaign)?,
            closing_by: f.closing_by.map(|d| d.0),
        };
        Ok(read(crm::pipeline(db, cid, &f).await)
            .await?
            .into_iter()
            .map(PipelineRow)
            .collect())
    }

    /// What merging a duplicate customer into a kept one would do: differing fields, conflicts,
    /// blockers. Admin.
    async fn customer_merge_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer to keep.")] keep_id: ID,
        #[graphql(desc = "The duplicate to merge into it and remove.")] duplicate_id: ID,
    ) -> Result<CustomerMergePreview> {
        let cid = require(ctx, Role::Admin)?;
        let keep = id_arg("keepId", &keep_id, Kind::Customer)?;
        let dup = id_arg("duplicateId", &duplicate_id, Kind::Customer)?;
        let db = &db(ctx)?.conn;
        let p = read(merge::preview_customer_merge(db, cid, keep, dup).await).await?;
        Ok(CustomerMergePreview {
            differences: p
                .differences
                .into_iter()
                .map(|d| CustomerMergeDifference {
                    field: d.field.into(),
                    kept_value: d.kept,
                    duplicate_value: d.duplicate,
                })
                .collect(),
            conflicts: p.conflicts.into_iter().map(Into::into).collect(),
            blockers: p.blockers.into_iter().map(Into::into).collect(),
        })
    }

    /// What merging a duplicate contact person into a kept one would do. Admin.
    async fn contact_merge_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact person to keep.")] keep_id: ID,
        #[graphql(desc = "The duplicate to merge into it and remove.")] duplicate_id: ID,
    ) -> Result<ContactMergePreview> {
        let cid = require(ctx, Role::Admin)?;
        let keep = id_arg("keepId", &keep_id, Kind::ContactPerson)?;
        let dup = id_arg("duplicateId", &duplicate_id, Kind::ContactPerson)?;
        let db = &db(ctx)?.conn;
        let p = read(merge::preview_contact_merge(db, cid, keep, dup).await).await?;
        Ok(ContactMergePreview {
            differences: p
                .differences
                .into_iter()
                .map(|d| ContactMergeDifference {
                    field: d.field.into(),
                    kept_value: d.kept,
                    duplicate_value: d.duplicate,
                })
                .collect(),
            conflicts: p.conflicts.into_iter().map(Into::into).collect(),
        })
    }

    /// Groups of active customers sharing a name or an e-mail address: candidates for
    /// `customerMerge`. Admin.
    async fn customer_duplicates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many groups (max 100, default 20).")] first: Option<i32>,
    ) -> Result<Vec<CustomerDuplicateGroup>> {
        let cid = require(ctx, Role::Admin)?;
        let n = dup_limit(first)?;
        let db = &db(ctx)?.conn;
        let groups =
            read(merge::duplicate_groups(db, cid, merge::DuplicateKind::Customer, n).await).await?;
        let all: Vec<i64> = groups.iter().flat_map(|g| g.ids.iter().copied()).collect();
        let rows = loaders(ctx)?
            .customer
            .load_many(all)
            .await
            .map_err(internal)?;
        Ok(groups
            .into_iter()
            .map(|g| CustomerDuplicateGroup {
                matched_on: matched(g.matched_on),
                key: g.key,
                customers: g
                    .ids
                    .iter()
                    .filter_map(|i| rows.get(i).cloned().map(Customer::full))
                    .collect(),
            })
            .collect())
    }

    /// Groups of active contact persons sharing a name or an e-mail address: candidates for
    /// `contactPersonMerge`. Admin.
    async fn contact_duplicates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many groups (max 100, default 20).")] first: Option<i32>,
    ) -> Result<Vec<ContactDuplicateGroup>> {
        let cid = require(ctx, Role::Admin)?;
        let n = dup_limit(first)?;
        let db = &db(ctx)?.conn;
        let groups =
            read(merge::duplicate_groups(db, cid, merge::DuplicateKind::Contact, n).await).await?;
        let all: Vec<i64> = groups.iter().flat_map(|g| g.ids.iter().copied()).collect();
        let rows = loaders(ctx)?
            .contact
            .load_many(all)
            .await
            .map_err(internal)?;
        Ok(groups
            .into_iter()
            .map(|g| ContactDuplicateGroup {
                matched_on: matched(g.matched_on),
                key: g.key,
                contacts: g
                    .ids
                    .iter()
                    .filter_map(|i| rows.get(i).cloned().map(ContactPerson))
                    .collect(),
            })
            .collect())
    }

    /// The merge audit log, newest first. Admin.
    async fn merge_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (max 100, default 20).")] first: Option<i32>,
    ) -> Result<Vec<MergeLogEntry>> {
        let cid = require(ctx, Role::Admin)?;
        let n = first.unwrap_or(20);
        if !(1..=100).contains(&n) {
            return Err(ErrorCode::OutOfRange.error("first must be between 1 and 100"));
        }
        let db = &db(ctx)?.conn;
        Ok(read(merge::merge_history(db, cid, n as u64).await)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
