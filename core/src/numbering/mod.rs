//! Number sequences: one per company and document kind, formatted as a prefix
//! plus a zero-padded counter.
//!
//! Owns: drawing the next number inside the caller's transaction. The draw is a single
//! `UPDATE … SET next_value = next_value + 1 … RETURNING`, which locks the sequence row on
//! PostgreSQL and takes the write lock on SQLite, so a rolled-back transaction leaves no gap
//! and two concurrent callers never get the same number.
//! Must never: move a counter backwards.

mod entities;
pub use entities::number_sequence;

use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::validate;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ConnectionTrait, Iterable, QueryOrder, QuerySelect};

/// The document kinds that draw numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SequenceKind {
    /// Customer account numbers.
    #[sea_orm(string_value = "customer")]
    Customer,
    /// Vendor account numbers.
    #[sea_orm(string_value = "vendor")]
    Vendor,
    /// Item numbers.
    #[sea_orm(string_value = "item")]
    Item,
    /// Prospect numbers.
    #[sea_orm(string_value = "prospect")]
    Prospect,
    /// Campaign numbers.
    #[sea_orm(string_value = "campaign")]
    Campaign,
    /// Lead numbers.
    #[sea_orm(string_value = "lead")]
    Lead,
    /// Opportunity numbers.
    #[sea_orm(string_value = "opportunity")]
    Opportunity,
    /// Sales order numbers.
    #[sea_orm(string_value = "sales_order")]
    SalesOrder,
    /// RMA numbers of returned orders.
    #[sea_orm(string_value = "rma")]
    Rma,
    /// Sales quotation numbers.
    #[sea_orm(string_value = "quotation")]
    Quotation,
    /// Packing slip numbers.
    #[sea_orm(string_value = "packing_slip")]
    PackingSlip,
    /// Picking list numbers.
    #[sea_orm(string_value = "picking_list")]
    PickingList,
    /// Posted customer invoice numbers (continuous: drawn only inside a posting).
    #[sea_orm(string_value = "invoice")]
    Invoice,
    /// Posted free text invoice numbers (continuous).
    #[sea_orm(string_value = "free_text_invoice")]
    FreeTextInvoice,
    /// General-ledger voucher numbers (continuous).
    #[sea_orm(string_value = "voucher")]
    Voucher,
    /// Customer payment numbers (continuous).
    #[sea_orm(string_value = "payment")]
    Payment,
}

impl SequenceKind {
    /// Whether the sequence numbers posted financial documents: no gaps, so its counter moves
    /// only by drawing once the first number is drawn.
    pub fn continuous(self) -> bool {
        matches!(
            self,
            SequenceKind::Invoice
                | SequenceKind::FreeTextInvoice
                | SequenceKind::Voucher
                | SequenceKind::Payment
        )
    }

    fn defaults(self) -> (&'static str, i32, i64) {
        match self {
            SequenceKind::Customer => ("C-", 4, 1000),
            SequenceKind::Vendor => ("V-", 4, 1000),
            SequenceKind::Item => ("I-", 5, 1),
            SequenceKind::Prospect => ("P-", 1, 1),
            SequenceKind::Campaign => ("CMP-", 1, 1),
            SequenceKind::Lead => ("L-", 1, 1),
            SequenceKind::Opportunity => ("O-", 1, 1),
            SequenceKind::SalesOrder => ("SO-", 1, 1),
            SequenceKind::Rma => ("RMA-", 1, 1),
            SequenceKind::Quotation => ("Q-", 1, 1),
            SequenceKind::PackingSlip => ("PS-", 1, 1),
            SequenceKind::PickingList => ("PL-", 1, 1),
            SequenceKind::Invoice => ("INV-", 6, 1),
            SequenceKind::FreeTextInvoice => ("FTI-", 6, 1),
            SequenceKind::Voucher => ("GJ-", 6, 1),
            SequenceKind::Payment => ("PAY-", 6, 1),
        }
    }
}

/// Formats a counter value with a sequence's prefix and width.
/// Longest document number or account number the tables keep (`VARCHAR(20)`).
pub const NUMBER_MAX: usize = 20;

pub fn format_number(prefix: &str, width: i32, value: i64) -> String {
    format!(
        "{prefix}{value:0width$}",
        width = std::cmp::max(width, 0) as usize
    )
}

/// Creates the default sequences of a new company.
pub async fn create_defaults(db: &impl ConnectionTrait, company_id: i64) -> ServiceResult<()> {
    for kind in SequenceKind::iter() {
        ensure_sequence(db, company_id, kind).await?;
    }
    Ok(())
}

/// Creates a company's sequence of a kind with its defaults when it does not exist yet
/// (companies created before the kind was added get it on first use).
async fn ensure_sequence(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
) -> ServiceResult<()> {
    use number_sequence::Column as C;
    let (prefix, width, next) = kind.defaults();
    let stmt = Query::insert()
        .into_table(number_sequence::Entity)
        .columns([
            C::CompanyId,
            C::Kind,
            C::Prefix,
            C::Width,
            C::NextValue,
            C::UpdatedAt,
        ])
        .values([
            company_id.into(),
            kind.to_value().into(),
            prefix.into(),
            width.into(),
            next.into(),
            Utc::now().into(),
        ])
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([C::CompanyId, C::Kind])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}

/// Draws the next number of a sequence. Call it inside the transaction that uses the number.
pub async fn next_number(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
) -> ServiceResult<String> {
    Ok(draw(db, company_id, kind, None).await?.0)
}

/// One statement: the counter moves on and, for a dated draw, the sequence's last date
/// becomes the later of it and `date`; returns the number and that last date.
async fn draw(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
    date: Option<chrono::NaiveDate>,
) -> ServiceResult<(String, Option<chrono::NaiveDate>)> {
    use number_sequence::Column as C;
    let mut stmt = Query::update();
    stmt.table(number_sequence::Entity)
        .value(C::NextValue, Expr::col(C::NextValue).add(1))
        .value(C::Draws, Expr::col(C::Draws).add(1))
        .value(C::UpdatedAt, Utc::now());
    if let Some(d) = date {
        stmt.value(
            C::LastDate,
            Expr::case(
                Expr::col(C::LastDate)
                    .is_null()
                    .or(Expr::col(C::LastDate).lt(d)),
                d,
            )
            .finally(Expr::col(C::LastDate)),
        );
    }
    stmt.and_where(C::CompanyId.into_expr().eq(company_id))
        .and_where(C::Kind.into_expr().eq(kind.to_value()))
        .returning(Query::returning().columns([C::NextValue, C::Prefix, C::Width, C::LastDate]));
    let row = match db.query_one(&stmt).await? {
        Some(r) => r,
        None => {
            ensure_sequence(db, company_id, kind).await?;
            db.query_one(&stmt)
                .await?
                .ok_or(ServiceError::NotFound("number sequence"))?
        }
    };
    let next: i64 = row.try_get("", "next_value")?;
    let prefix: String = row.try_get("", "prefix")?;
    let width: i32 = row.try_get("", "width")?;
    let last: Option<chrono::NaiveDate> = row.try_get("", "last_date")?;
    let number = format_number(&prefix, width, next - 1);
    if number.len() > NUMBER_MAX {
        // The caller's transaction rolls back, so the counter does not move either.
        return Err(Violation::new(
            "",
            Rule::OutOfRange,
            format!(
                "the {} number sequence is exhausted: {number} is longer than {NUMBER_MAX} \
                 characters; shorten its prefix",
                kind.to_value()
            ),
        )
        .into());
    }
    Ok((number, last))
}

/// Draws the next number of a continuous sequence for a document posted on `date`, in one
/// statement. With `chronological`, a date before the one of the sequence's last number is
/// refused (`NOT_CHRONOLOGICAL` on `field`); the caller's transaction then rolls the draw
/// back. The sequence row stays locked by the draw until the transaction ends, so the dates
/// of concurrent postings are compared one after the other.
pub async fn next_dated_number(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
    date: chrono::NaiveDate,
    chronological: bool,
    field: &str,
) -> ServiceResult<String> {
    let (number, last) = draw(db, company_id, kind, Some(date)).await?;
    // the last date is now the later of the one before and this one: later than this one
    // means a number was posted after it
    if let Some(last) = last
        && chronological
        && last > date
    {
        return Err(Violation::new(
            field,
            Rule::NotChronological,
            format!(
                "the last {} number was posted on {last}; with chronological numbering a \
                 posting may not be dated before it",
                kind.to_value()
            ),
        )
        .into());
    }
    Ok(number)
}

/// Input of [`update_sequence`].
#[derive(Debug, Clone, Default)]
pub struct SequencePatch {
    /// New prefix (may be empty).
    pub prefix: Option<String>,
    /// Minimum digits of the counter, 1 to 12.
    pub width: Option<i32>,
    /// New next value; only forward.
    pub next_value: Option<i64>,
}

/// Changes a sequence's format or moves its counter forward.
pub async fn update_sequence(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: SequencePatch,
) -> ServiceResult<number_sequence::Model> {
    let row = number_sequence::Entity::find_by_id(id)
        .filter(number_sequence::Column::CompanyId.eq(company_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("number sequence"))?;
    let mut v = Violations::new();
    if let Some(prefix) = &p.prefix
        && !prefix.is_empty()
    {
        v.check(validate::code("prefix", prefix));
    }
    if let Some(w) = p.width
        && !(1..=12).contains(&w)
    {
        v.push(Violation::new(
            "width",
            Rule::OutOfRange,
            "width must be between 1 and 12",
        ));
    }
    if p.next_value.is_some_and(|n| n != row.next_value) && row.kind.continuous() && row.draws > 0 {
        v.push(Violation::new(
            "nextValue",
            Rule::InvalidValue,
            "this sequence numbers posted documents without gaps: its counter can be set only \
             before its first number is drawn",
        ));
    }
    if let Some(n) = p.next_value
        && n < row.next_value
    {
        v.push(Violation::new(
            "nextValue",
            Rule::InvalidValue,
            format!("nextValue may only move forward (it is {})", row.next_value),
        ));
    }
    v.finish()?;
    // The next number drawn must fit the document tables' number columns.
    let next = format_number(
        p.prefix.as_deref().unwrap_or(&row.prefix),
        p.width.unwrap_or(row.width),
        p.next_value.unwrap_or(row.next_value),
    );
    if next.len() > NUMBER_MAX {
        return Err(Violation::new(
            if p.prefix.is_some() {
                "prefix"
            } else {
                "width"
            },
            Rule::TooLong,
            format!(
                "the next number would be {next}, longer than {NUMBER_MAX} characters: \
                 shorten the prefix or the width"
            ),
        )
        .into());
    }
    let mut am: number_sequence::ActiveModel = row.into();
    if let Some(x) = p.prefix {
        am.prefix = Set(x);
    }
    if let Some(x) = p.width {
        am.width = Set(x);
    }
    if let Some(x) = p.next_value {
        am.next_value = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// The sequences of a company.
pub async fn list_sequences(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<number_sequence::Model>> {
    Ok(number_sequence::Entity::find()
        .filter(number_sequence::Column::CompanyId.eq(company_id))
        .order_by_asc(number_sequence::Column::Kind)
        .all(db)
        .await?)
}

/// Draws a number from a sequence that no row uses yet (manual numbers may have taken some).
pub(crate) async fn free_number<F, Fut>(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
    taken: F,
) -> ServiceResult<String>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ServiceResult<bool>>,
{
    for _ in 0..1000 {
        let n = next_number(db, company_id, kind).await?;
        if !taken(n.clone()).await? {
            return Ok(n);
        }
    }
    Err(Violation::new(
        "number",
        Rule::Duplicate,
        "the number sequence keeps producing numbers already in use; move it forward",
    )
    .into())
}

/// Checks a document number given by the caller, or draws a free one from the sequence.
pub(crate) async fn number_for<E>(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: SequenceKind,
    given: Option<&str>,
    cols: (E::Column, E::Column),
    noun: &'static str,
) -> ServiceResult<String>
where
    E: EntityTrait,
{
    let (company_col, number_col) = cols;
    let taken = |n: String| async move {
        Ok::<bool, ServiceError>(
            E::find()
                .filter(company_col.eq(company_id))
                .filter(number_col.eq(n))
                .one(db)
                .await?
                .is_some(),
        )
    };
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => {
            let n = validate::code("number", n)?;
            if taken(n.clone()).await? {
                return Err(Violation::new(
                    "number",
                    Rule::Duplicate,
                    format!("{noun} {n} already exists"),
                )
                .into());
            }
            Ok(n)
        }
        None => free_number(db, company_id, kind, taken).await,
    }
}
