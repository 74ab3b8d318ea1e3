//! Relationships and marketing: prospects, campaigns with targets, responses and
//! call lists, leads, sales cycles and opportunities, the interaction log, campaign statistics
//! and the pipeline, the customer ledger's opening entries, and merging duplicates.
//!
//! Owns: the status machines of leads, opportunities, campaigns and prospects; which role a
//! party had when it was targeted; attributing leads and opportunities to campaigns.
//! Must never: copy a party's name or address into a role (roles reference the party), change
//! a closed lead or opportunity, or leave a row pointing at a merged-away record.

mod campaigns;
mod entities;
mod interactions;
mod ledger;
pub mod merge;
mod opportunities;
pub(crate) mod parties;
mod stats;

pub use campaigns::*;
pub use entities::{
    call_list, call_list_entry, campaign, campaign_target, interaction, lead, ledger_entry,
    merge_log, opportunity, prospect, sales_cycle, sales_cycle_stage,
};
pub use interactions::*;
pub use ledger::*;
pub use opportunities::*;
pub use parties::*;
pub use stats::*;

use crate::error::{Rule, ServiceError, ServiceResult, Violation};
use crate::paging::{Cursor, Key, Keyset, Page, PageArgs};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, SimpleExpr};
use sea_orm::{Condition, ConnectionTrait, Value};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
        pub enum $name {
            $($(#[$vm])* #[sea_orm(string_value = $s)] $v,)+
        }
        impl $name {
            /// The stored value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)+ }
            }
        }
    };
}

string_enum!(
    /// Status of a prospect.
    ProspectStatus {
        /// Being worked on.
        Active = "active",
        /// Became a customer (on the same party).
        Converted = "converted",
        /// No longer pursued.
        Inactive = "inactive",
    }
);
string_enum!(
    /// Kind of campaign.
    CampaignKind {
        /// Calls from call lists.
        Telemarketing = "telemarketing",
        /// Letters.
        Mailing = "mailing",
        /// E-mails.
        Email = "email",
        /// A fair, seminar or similar.
        Event = "event",
        /// Anything else.
        Other = "other",
    }
);
string_enum!(
    /// Status of a campaign: planned → active → completed; planned or active → canceled.
    CampaignStatus {
        /// Being prepared; targets may be selected.
        Planned = "planned",
        /// Running: sending and responses.
        Active = "active",
        /// Done.
        Completed = "completed",
        /// Called off.
        Canceled = "canceled",
    }
);
string_enum!(
    /// Which role a party had when it was made a campaign target.
    TargetRole {
        /// A prospect.
        Prospect = "prospect",
        /// A prospect with an open lead.
        Lead = "lead",
        /// A party with an open opportunity.
        Opportunity = "opportunity",
        /// A customer.
        Customer = "customer",
        /// A contact person of an organisation.
        Contact = "contact",
    }
);
string_enum!(
    /// A target's response.
    Response {
        /// Nothing recorded yet.
        None = "none",
        /// Interested.
        Positive = "positive",
        /// Not interested.
        Negative = "negative",
        /// Contacted, no answer.
        NoResponse = "no_response",
    }
);
string_enum!(
    /// Status of a call list entry.
    CallStatus {
        /// Not called yet.
        NotCalled = "not_called",
        /// Call again (see the call-back date).
        CallBack = "call_back",
        /// Done.
        Completed = "completed",
        /// Nobody answered.
        NoAnswer = "no_answer",
    }
);
string_enum!(
    /// Where a lead came from.
    LeadSource {
        /// A campaign response.
        Campaign = "campaign",
        /// The web site.
        Web = "web",
        /// A referral.
        Referral = "referral",
        /// A call list.
        CallList = "call_list",
        /// Anything else.
        Other = "other",
    }
);
string_enum!(
    /// Lead status: open → qualified | disqualified | postponed; postponed → open | disqualified.
    LeadStatus {
        /// Being worked on.
        Open = "open",
        /// Qualified (terminal); may have created an opportunity and/or a customer.
        Qualified = "qualified",
        /// Disqualified (terminal).
        Disqualified = "disqualified",
        /// On hold; may be reactivated.
        Postponed = "postponed",
    }
);
string_enum!(
    /// Opportunity status: open → won | lost | canceled (all three terminal).
    OpportunityStatus {
        /// In progress.
        Open = "open",
        /// Won.
        Won = "won",
        /// Lost.
        Lost = "lost",
        /// Called off.
        Canceled = "canceled",
    }
);
string_enum!(
    /// Kind of interaction.
    InteractionKind {
        /// E-mail.
        Email = "email",
        /// Phone call.
        Call = "call",
        /// Letter.
        Letter = "letter",
        /// Meeting.
        Meeting = "meeting",
        /// A document (quote, brochure) sent.
        Document = "document",
    }
);
string_enum!(
    /// Who started an interaction.
    Direction {
        /// The party contacted us.
        Inbound = "inbound",
        /// We contacted the party.
        Outbound = "outbound",
    }
);
string_enum!(
    /// Kind of customer ledger entry.
    LedgerEntryType {
        /// An open item taken over from a previous system.
        Opening = "opening",
        /// A posted invoice.
        Invoice = "invoice",
        /// A posted credit note (negative).
        CreditNote = "credit_note",
        /// A payment (negative).
        Payment = "payment",
    }
);

pub(crate) fn illegal(field: &str, msg: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(vec![Violation::new(field, Rule::IllegalTransition, msg)])
}

pub(crate) fn invalid(field: &str, rule: Rule, msg: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(vec![Violation::new(field, rule, msg)])
}

/// A case-insensitive "contains" over several columns, for a list's `search` filter; `None`
/// when the search is absent or blank.
pub(crate) fn search_any<C: ColumnTrait>(search: Option<&str>, cols: &[C]) -> Option<Condition> {
    let s = search.map(str::trim).filter(|s| !s.is_empty())?;
    let pat = format!("%{}%", s.to_lowercase());
    Some(cols.iter().fold(Condition::any(), |c, col| {
        c.add(Expr::expr(Func::lower(Expr::col(*col))).like(pat.clone()))
    }))
}

/// One row of a company's table by id, or `NotFound`.
pub(crate) async fn get_row<E>(
    db: &impl ConnectionTrait,
    company: E::Column,
    id_col: E::Column,
    company_id: i64,
    id: i64,
    noun: &'static str,
) -> ServiceResult<E::Model>
where
    E: EntityTrait,
{
    E::find()
        .filter(id_col.eq(id))
        .filter(company.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound(noun))
}

/// [`get_row`], locked until the transaction ends ([`crate::db::locking`]): a service that
/// changes the row reads it through this first.
pub(crate) async fn lock_row<E>(
    db: &impl ConnectionTrait,
    company: E::Column,
    id_col: E::Column,
    company_id: i64,
    id: i64,
    noun: &'static str,
) -> ServiceResult<E::Model>
where
    E: EntityTrait,
{
    crate::db::locking(
        db,
        E::find()
            .filter(id_col.eq(id))
            .filter(company.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound(noun))
}

/// What a list is sorted by: a column, and how its values compare.
#[derive(Debug, Clone, Copy)]
pub enum SortKey<C> {
    /// Text as it is (names, codes).
    Text(C),
    /// A document or account number, in numeric order within its sequence (`SO-2` before
    /// `SO-10`; [`crate::paging::number_order`]).
    Number(C),
    /// An integer column (an id, a stored amount).
    Int(C),
    /// A date column.
    Date(C),
    /// A date column that may be empty: rows without a date come after every date (before
    /// them, newest first), so a sort never leaves a row out.
    DateOrLast(C),
    /// A timestamp column.
    Time(C),
}

/// The date that stands for "none" in [`SortKey::DateOrLast`]: the last the API accepts.
fn no_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default()
}

/// A page of a select sorted by `key` with the id as tie-breaker.
pub(crate) async fn page_sorted<E>(
    db: &impl crate::reads::Read,
    q: Select<E>,
    key: SortKey<E::Column>,
    id: E::Column,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    use crate::paging::{KeyKind, number_key, number_order};
    let table = E::default().table_name().to_owned();
    let (expr, col, kind): (SimpleExpr, E::Column, KeyKind) = match key {
        SortKey::Text(c) => (Expr::col((E::default(), c)), c, KeyKind::Str),
        SortKey::Number(c) => (number_order(&table, c.as_str()), c, KeyKind::Str),
        SortKey::Int(c) => (Expr::col((E::default(), c)), c, KeyKind::Int),
        SortKey::Date(c) => (Expr::col((E::default(), c)), c, KeyKind::Date),
        SortKey::DateOrLast(c) => (
            Func::coalesce([Expr::col((E::default(), c)), Expr::val(no_date())]).into(),
            c,
            KeyKind::Date,
        ),
        SortKey::Time(c) => (Expr::col((E::default(), c)), c, KeyKind::Time),
    };
    let ks = Keyset::new(expr, Expr::col((E::default(), id)), desc).of(kind);
    let (q, w) = ks.apply(q, args)?;
    let rows = db.select_all(q).await?;
    Ok(ks.finish(rows, w, |m| {
        Cursor::new(
            match (key, m.get(col)) {
                (SortKey::Number(_), Value::String(Some(s))) => number_key(&s),
                (_, Value::String(Some(s))) => Key::Str(s),
                (_, Value::BigInt(Some(i))) => Key::Int(i),
                (_, Value::ChronoDate(Some(d))) => Key::Date { d },
                (SortKey::DateOrLast(_), Value::ChronoDate(None)) => Key::Date { d: no_date() },
                (_, Value::ChronoDateTimeUtc(Some(t))) => Key::Time { t },
                _ => Key::Str(String::new()),
            },
            match m.get(id) {
                Value::BigInt(Some(i)) => i,
                _ => 0,
            },
        )
    }))
}

/// A page of a select sorted by a text column (a name) with the id as tie-breaker.
pub(crate) async fn page_by_text<E>(
    db: &impl crate::reads::Read,
    q: Select<E>,
    key: E::Column,
    id: E::Column,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    page_sorted(db, q, SortKey::Text(key), id, desc, args).await
}

/// A page sorted by id alone (newest first when `desc`).
pub(crate) async fn page_by_id<E>(
    db: &impl crate::reads::Read,
    q: Select<E>,
    id: E::Column,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    let idx: SimpleExpr = Expr::col((E::default(), id));
    let ks = Keyset::new(idx.clone(), idx, desc).of(crate::paging::KeyKind::Int);
    let (q, w) = ks.apply(q, args)?;
    let rows = db.select_all(q).await?;
    Ok(ks.finish(rows, w, |m| {
        let i = match m.get(id) {
            Value::BigInt(Some(i)) => i,
            _ => 0,
        };
        Cursor::new(Key::Int(i), i)
    }))
}
