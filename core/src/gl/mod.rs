//! The general ledger, as far as sales needs it: a voucher per posted invoice, whose lines
//! (receivable, revenue per account, invoice discount, tax payable, rounding) balance.
//!
//! Owns: the balance of every voucher. A voucher is written in its document's currency with
//! the exchange rate of the posting and each line also in the company's base currency; a
//! difference the conversion leaves in base currency goes to the rounding account, so both
//! sides balance in both currencies.
//! Must never: write a voucher that does not balance, or change one once written.

use crate::error::{ServiceError, ServiceResult};
use crate::money::{Amount, Rate, RoundingMode, round_to};
use crate::numbering::{self, SequenceKind};
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};

/// A general-ledger voucher (the posting of one document).
pub mod gl_voucher {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `gl_vouchers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "gl_vouchers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub posting_date: Date,
        pub currency_id: i64,
        pub exchange_rate: Rate,
        /// The number of the document it posts.
        pub document_number: String,
        pub description: String,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a voucher: one account debited or credited.
pub mod gl_voucher_line {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `gl_voucher_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "gl_voucher_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub voucher_id: i64,
        pub line_number: i32,
        pub account: String,
        pub description: String,
        pub debit: Amount,
        pub credit: Amount,
        pub base_debit: Amount,
        pub base_credit: Amount,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A voucher line to post: positive amounts are debits, negative credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// The account.
    pub account: String,
    /// What it is.
    pub description: String,
    /// Debit (positive) or credit (negative), in the document's currency.
    pub amount: Decimal,
}

/// A voucher to write.
#[derive(Debug, Clone)]
pub struct NewVoucher {
    /// Posting date.
    pub posting_date: NaiveDate,
    /// Document currency.
    pub currency_id: i64,
    /// Base-currency units per document-currency unit.
    pub exchange_rate: Decimal,
    /// Amount precision of the base currency.
    pub base_step: Decimal,
    /// The rounding account (conversion differences).
    pub rounding_account: String,
    /// The document's number.
    pub document_number: String,
    /// Text.
    pub description: String,
    /// The lines; zero amounts are left out, lines of one account and text are added up.
    pub lines: Vec<Posting>,
    /// Voucher numbers follow posting dates (the company's chronological numbering).
    pub chronological: bool,
}

fn stored(x: Decimal) -> ServiceResult<Amount> {
    Amount::new(x).map_err(|_| {
        crate::error::Violation::new(
            "lines",
            crate::error::Rule::OutOfRange,
            "an amount of the posting is out of range",
        )
        .into()
    })
}

/// Writes a voucher with the next voucher number. Fails (nothing for the caller to commit)
/// when the lines do not balance: that is a bug of the poster, never the user's.
pub async fn post_voucher(
    db: &impl ConnectionTrait,
    company_id: i64,
    v: NewVoucher,
) -> ServiceResult<gl_voucher::Model> {
    let mut lines: Vec<Posting> = Vec::new();
    for l in v.lines.into_iter().filter(|l| !l.amount.is_zero()) {
        match lines
            .iter_mut()
            .find(|x| x.account == l.account && x.description == l.description)
        {
            Some(x) => x.amount += l.amount,
            None => lines.push(l),
        }
    }
    let sum = lines
        .iter()
        .try_fold(Decimal::ZERO, |a, l| a.checked_add(l.amount))
        .ok_or_else(|| {
            ServiceError::from(crate::error::Violation::new(
                "lines",
                crate::error::Rule::OutOfRange,
                "an amount of the posting is out of range",
            ))
        })?;
    if !sum.is_zero() {
        return Err(ServiceError::Db(DbErr::Custom(format!(
            "voucher of {} does not balance: {sum}",
            v.document_number
        ))));
    }
    let mut base: Vec<Decimal> = lines
        .iter()
        .map(|l| {
            round_to(
                l.amount * v.exchange_rate,
                v.base_step,
                RoundingMode::Nearest,
            )
        })
        .collect();
    let diff: Decimal = base.iter().sum();
    if !diff.is_zero() {
        lines.push(Posting {
            account: v.rounding_account.clone(),
            description: "Currency conversion rounding".into(),
            amount: Decimal::ZERO,
        });
        base.push(-diff);
    }
    let rate = Rate::new(v.exchange_rate)
        .map_err(|e| ServiceError::Db(DbErr::Custom(format!("exchange rate: {e}"))))?;
    let number = numbering::next_dated_number(
        db,
        company_id,
        SequenceKind::Voucher,
        v.posting_date,
        v.chronological,
        "invoiceDate",
    )
    .await?;
    let voucher = gl_voucher::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        posting_date: Set(v.posting_date),
        currency_id: Set(v.currency_id),
        exchange_rate: Set(rate),
        document_number: Set(v.document_number),
        description: Set(v.description),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut rows = Vec::with_capacity(lines.len());
    for (i, (l, b)) in lines.iter().zip(&base).enumerate() {
        let (debit, credit) = split(l.amount);
        let (base_debit, base_credit) = split(*b);
        rows.push(gl_voucher_line::ActiveModel {
            company_id: Set(company_id),
            voucher_id: Set(voucher.id),
            line_number: Set(i as i32 + 1),
            account: Set(l.account.clone()),
            description: Set(l.description.clone()),
            debit: Set(stored(debit)?),
            credit: Set(stored(credit)?),
            base_debit: Set(stored(base_debit)?),
            base_credit: Set(stored(base_credit)?),
            ..Default::default()
        });
    }
    if !rows.is_empty() {
        gl_voucher_line::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(voucher)
}

fn split(x: Decimal) -> (Decimal, Decimal) {
    if x.is_sign_negative() {
        (Decimal::ZERO, -x)
    } else {
        (x, Decimal::ZERO)
    }
}

/// Vouchers by id (one statement).
pub async fn vouchers(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<gl_voucher::Model>> {
    Ok(gl_voucher::Entity::find()
        .filter(gl_voucher::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The lines of vouchers, in voucher and line order (one statement).
pub async fn lines_of_vouchers(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<gl_voucher_line::Model>> {
    Ok(gl_voucher_line::Entity::find()
        .filter(gl_voucher_line::Column::VoucherId.is_in(ids.iter().copied()))
        .order_by_asc(gl_voucher_line::Column::VoucherId)
        .order_by_asc(gl_voucher_line::Column::LineNumber)
        .all(db)
        .await?)
}

/// Which vouchers a list shows.
#[derive(Debug, Clone, Default)]
pub struct VoucherFilter {
    /// Posted on or after.
    pub date_from: Option<NaiveDate>,
    /// Posted on or before.
    pub date_to: Option<NaiveDate>,
    /// Number or document number contains.
    pub search: Option<String>,
}

fn voucher_query(company_id: i64, f: &VoucherFilter) -> sea_orm::Select<gl_voucher::Entity> {
    use gl_voucher::Column as C;
    let mut q = gl_voucher::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[C::Number, C::DocumentNumber]) {
        q = q.filter(c);
    }
    if let Some(d) = f.date_from {
        q = q.filter(C::PostingDate.gte(d));
    }
    if let Some(d) = f.date_to {
        q = q.filter(C::PostingDate.lte(d));
    }
    q
}

/// One page of vouchers, by number.
pub async fn list_vouchers(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &VoucherFilter,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<gl_voucher::Model>> {
    crate::crm::page_sorted(
        db,
        voucher_query(company_id, f),
        crate::crm::SortKey::Number(gl_voucher::Column::Number),
        gl_voucher::Column::Id,
        desc,
        args,
    )
    .await
}

/// Number of vouchers matching the filter.
pub async fn count_vouchers(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &VoucherFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, voucher_query(company_id, f)).await?)
}
