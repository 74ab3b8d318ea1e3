//! Receivables: customer payments and their application to open entries (DOMAIN.md §12.1;
//! invariants 11 and 12 of §13).
//!
//! Owns: `customer_payments`, `customer_ledger_applications`. A payment is posted in one
//! transaction: the entries it applies to are locked in id order (on PostgreSQL), so two
//! payments applied to one invoice at the same moment take turns and the second sees what the
//! first left open; each application lowers both remainings by its amount; what the payment
//! does not apply stays open on its own entry (a credit of the customer, applied later); a
//! voucher debits the cash account and credits receivables; the payment's number comes from
//! its continuous sequence, drawn last. Entry statuses are derived from the remaining amount
//! ([`payment_status`]).
//!
//! Not yet (issue 19 continues): cash discount and payment tolerance, unapplying, payments in
//! another currency, credit memos, returns, statements and aging.

use crate::crm::{LedgerEntryType, ledger_entry};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::gl::{self, Posting};
use crate::money::Amount;
use crate::numbering::{self, SequenceKind};
use crate::{parties, setup, validate};
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};
use std::collections::HashMap;

/// A posted customer payment.
pub mod customer_payment {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `customer_payments`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_payments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub customer_id: i64,
        pub currency_id: i64,
        pub payment_date: Date,
        pub amount: Amount,
        pub reference: Option<String>,
        pub ledger_entry_id: i64,
        pub voucher_id: i64,
        pub idempotency_key: Option<String>,
        pub request_digest: Option<String>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// One application: an amount of one entry (a payment's) settling another (an invoice's).
pub mod ledger_application {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `customer_ledger_applications`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_ledger_applications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        /// The settling entry (the payment's).
        pub entry_id: i64,
        /// The settled entry (the invoice's).
        pub applied_to_id: i64,
        /// Positive: how much of the settled entry's remaining it took away (cash, cash
        /// discount and write-off together).
        pub amount: Amount,
        pub applied_on: Date,
        pub created_at: DateTimeUtc,
        /// Of `amount`, the cash discount granted.
        pub cash_discount_amount: Amount,
        /// Of `amount`, the residual written off within the payment tolerance.
        pub write_off_amount: Amount,
        /// For an unapplication: the application it reverses (its amounts negated).
        pub reverses_id: Option<i64>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The most entries one payment applies to.
pub const MAX_APPLICATIONS: usize = 1000;

/// One application asked for: an open entry, and how much of it (all that is open, up to what
/// the payment has left, when `None`).
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The entry settled (an invoice's or an opening item's).
    pub entry_id: i64,
    /// The amount; `None` for as much as possible.
    pub amount: Option<Decimal>,
}

/// Input of [`post_payment`].
#[derive(Debug, Clone)]
pub struct NewPayment {
    /// The customer paying (its ledger's currency is the payment's).
    pub customer_id: i64,
    /// Amount received, more than zero.
    pub amount: Decimal,
    /// Date received.
    pub payment_date: NaiveDate,
    /// The bank's or the customer's reference.
    pub reference: Option<String>,
    /// Entries it settles, in this order.
    pub applications: Vec<NewApplication>,
    /// Makes a retry return the first payment.
    pub idempotency_key: Option<String>,
}

/// Payment status of an entry, derived from its remaining amount (DOMAIN.md §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Nothing settled yet (remaining = original).
    Open,
    /// Partly settled (0 < |remaining| < |original|).
    PartiallyPaid,
    /// Settled in full (remaining = 0).
    Paid,
    /// Not settled in full and its due date has passed.
    Overdue,
}

/// The status of an entry on `today`.
pub fn payment_status(e: &ledger_entry::Model, today: NaiveDate) -> PaymentStatus {
    let remaining = e.remaining_amount.raw();
    if remaining == 0 {
        return PaymentStatus::Paid;
    }
    if e.due_date.is_some_and(|d| d < today) {
        return PaymentStatus::Overdue;
    }
    if remaining == e.original_amount.raw() {
        PaymentStatus::Open
    } else {
        PaymentStatus::PartiallyPaid
    }
}

fn digest(p: &NewPayment) -> String {
    let apps: Vec<String> = p
        .applications
        .iter()
        .map(|a| format!("{}:{:?}", a.entry_id, a.amount.map(|d| d.normalize())))
        .collect();
    crate::digest::sha256_hex(
        format!(
            "payment|{}|{}|{:?}|{apps:?}",
            p.customer_id,
            p.amount.normalize(),
            p.reference
        )
        .as_bytes(),
    )
}

/// Posts a payment and applies it. Returns the payment and its ledger entry (the first ones,
/// for a retried idempotency key).
pub async fn post_payment(
    db: &impl ConnectionTrait,
    company_id: i64,
    p: &NewPayment,
) -> ServiceResult<(customer_payment::Model, ledger_entry::Model)> {
    let key = crate::sales::shipping::check_key(p.idempotency_key.as_deref())?;
    let customer = parties::get_customer(db, company_id, p.customer_id).await?;
    let currency = setup::get_currency(db, company_id, customer.currency_id).await?;
    let step = currency.amount_precision.value();
    let mut v = Violations::new();
    if p.amount <= Decimal::ZERO {
        v.push(Violation::new(
            "amount",
            Rule::InvalidValue,
            "a payment is of more than zero",
        ));
    }
    v.check(validate::fits_step("amount", p.amount, step));
    let amount = v.check(
        Amount::new(p.amount)
            .map_err(|_| Violation::new("amount", Rule::OutOfRange, "amount is out of range")),
    );
    let reference = v.check(validate::opt_text("reference", p.reference.as_deref(), 100));
    if let Err(e) =
        crate::sales::invoicing::check_posting_date(p.payment_date, "paymentDate", "a payment")
    {
        v.push(e);
    }
    if p.applications.len() > MAX_APPLICATIONS {
        v.push(Violation::new(
            "applications",
            Rule::OutOfRange,
            format!("at most {MAX_APPLICATIONS} applications per payment"),
        ));
    }
    let mut seen = HashMap::new();
    for (i, a) in p.applications.iter().enumerate() {
        if seen.insert(a.entry_id, i).is_some() {
            v.push(Violation::new(
                &format!("applications.{i}.entryId"),
                Rule::Duplicate,
                "the entry is applied to twice",
            ));
        }
        if let Some(x) = a.amount {
            if x <= Decimal::ZERO {
                v.push(Violation::new(
                    &format!("applications.{i}.amount"),
                    Rule::InvalidValue,
                    "an application is of more than zero",
                ));
            }
            v.check(validate::fits_step(
                &format!("applications.{i}.amount"),
                x,
                step,
            ));
        }
    }
    v.finish()?;
    let (Some(amount), Some(reference)) = (amount, reference) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    // the entries settled, locked in id order: two payments of one invoice take turns, and
    // each sees what the other left open
    let mut ids: Vec<i64> = p.applications.iter().map(|a| a.entry_id).collect();
    ids.sort_unstable();
    let entries: HashMap<i64, ledger_entry::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        crate::db::locking(
            db,
            ledger_entry::Entity::find()
                .filter(ledger_entry::Column::CompanyId.eq(company_id))
                .filter(ledger_entry::Column::Id.is_in(ids.iter().copied()))
                .order_by_asc(ledger_entry::Column::Id),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect()
    };
    // with a key, payments take turns on the company row (after the entries: the order of
    // locks every posting keeps), so a retry racing its first attempt finds it
    let company = match &key {
        Some(_) => setup::lock_company(db, company_id).await?,
        None => setup::company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?,
    };
    if let Some(k) = &key
        && let Some(first) = customer_payment::Entity::find()
            .filter(customer_payment::Column::CompanyId.eq(company_id))
            .filter(customer_payment::Column::IdempotencyKey.eq(k.as_str()))
            .one(db)
            .await?
    {
        if first.request_digest.as_deref() != Some(&digest(p)) {
            return Err(Violation::new(
                "idempotencyKey",
                Rule::IdempotencyKeyReused,
                "this idempotency key was used for another payment",
            )
            .into());
        }
        let entry = ledger_entry::Entity::find_by_id(first.ledger_entry_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("ledger entry"))?;
        return Ok((first, entry));
    }
    let rate = setup::rate_on(db, &company, &currency, p.payment_date)
        .await?
        .ok_or_else(|| {
            ServiceError::from(Violation::new(
                "paymentDate",
                Rule::NoExchangeRate,
                format!(
                    "{} has no exchange rate valid on {}",
                    currency.code, p.payment_date
                ),
            ))
        })?;
    let base = setup::base_of(db, &company, &currency).await?;
    // each application against what its entry has open and what the payment has left
    let scale = step.normalize().scale();
    let at = |x: Decimal| format!("{x:.prec$}", prec = scale as usize);
    let mut left = p.amount;
    // the payment tolerance in the payment's currency (the company keeps it in the base one)
    let tolerance_amount = if rate.is_zero() {
        Decimal::ZERO
    } else {
        crate::money::round_to(
            company.payment_tolerance_amount.value() / rate,
            step,
            crate::money::RoundingMode::Down,
        )
    };
    let tolerance_percent = company.payment_tolerance_percent.value();
    let tolerance = |original: Decimal| -> Decimal {
        if tolerance_percent.is_zero() {
            return tolerance_amount;
        }
        let pct = crate::money::round_to(
            original * tolerance_percent / Decimal::ONE_HUNDRED,
            step,
            crate::money::RoundingMode::Down,
        );
        if tolerance_amount.is_zero() {
            pct
        } else {
            pct.min(tolerance_amount)
        }
    };
    let mut applied: Vec<(ledger_entry::Model, Settled)> = Vec::with_capacity(ids.len());
    let mut v = Violations::new();
    for (i, a) in p.applications.iter().enumerate() {
        let field = format!("applications.{i}");
        let Some(e) = entries.get(&a.entry_id) else {
            v.push(Violation::new(
                &format!("{field}.entryId"),
                Rule::NotFound,
                "no such ledger entry",
            ));
            continue;
        };
        if e.customer_id != customer.id {
            v.push(Violation::new(
                &format!("{field}.entryId"),
                Rule::InvalidValue,
                format!(
                    "entry {} is another customer's than {}",
                    e.document_number, customer.account_number
                ),
            ));
            continue;
        }
        if e.currency_id != customer.currency_id {
            v.push(Violation::new(
                &format!("{field}.entryId"),
                Rule::MixedCurrencies,
                format!(
                    "entry {} is in another currency than the payment",
                    e.document_number
                ),
            ));
            continue;
        }
        let open = e.remaining_amount.value();
        if open <= Decimal::ZERO {
            v.push(Violation::new(
                &format!("{field}.entryId"),
                Rule::EntryClosed,
                format!("entry {} has nothing open to settle", e.document_number),
            ));
            continue;
        }
        if e.posting_date > p.payment_date {
            v.push(Violation::new(
                &format!("{field}.entryId"),
                Rule::OutOfRange,
                format!(
                    "entry {} is posted on {}, after the payment's date",
                    e.document_number, e.posting_date
                ),
            ));
            continue;
        }
        // a payment by the cash discount date settles an entry not paid in part with the
        // discount (DOMAIN.md §12.1); a residual within the tolerance is written off, when
        // the payment has nothing more to give (it is used up by this application)
        let discount = match e.cash_discount_date {
            Some(d)
                if p.payment_date <= d
                    && e.remaining_amount == e.original_amount
                    && e.cash_discount_amount.value() > Decimal::ZERO
                    && e.cash_discount_amount.value() < open =>
            {
                e.cash_discount_amount.value()
            }
            _ => Decimal::ZERO,
        };
        let tolerated = tolerance(e.original_amount.value());
        let target = open - discount;
        let settle = |cash: Decimal, left: Decimal| -> Settled {
            if !discount.is_zero() && cash >= target {
                // at least the discounted amount: settled with the discount, the rest of
                // what was offered stays on the payment
                return Settled {
                    cash: target,
                    discount,
                    write_off: Decimal::ZERO,
                };
            }
            // short of what settles it: written off within the tolerance, if this uses the
            // payment up (the discount still granted when it is due)
            if cash == left && target - cash <= tolerated {
                return Settled {
                    cash,
                    discount,
                    write_off: target - cash,
                };
            }
            Settled {
                cash,
                discount: Decimal::ZERO,
                write_off: Decimal::ZERO,
            }
        };
        let x = match a.amount {
            Some(x) if x > open => {
                v.push(Violation::new(
                    &format!("{field}.amount"),
                    Rule::OverApplication,
                    format!("entry {} has {} open", e.document_number, at(open)),
                ));
                continue;
            }
            Some(x) if x > left => {
                v.push(Violation::new(
                    &format!("{field}.amount"),
                    Rule::OverApplication,
                    format!("the payment has {} left to apply", at(left)),
                ));
                continue;
            }
            Some(x) => settle(x, left),
            None if left <= Decimal::ZERO => {
                v.push(Violation::new(
                    &format!("{field}.entryId"),
                    Rule::OverApplication,
                    "the payment has nothing left to apply",
                ));
                continue;
            }
            None => settle(open.min(left), left),
        };
        left -= x.cash;
        applied.push((e.clone(), x));
    }
    v.finish()?;
    // the settled entries' remainings, in one statement
    if !applied.is_empty() {
        let mut case = CaseStatement::new();
        for (e, x) in &applied {
            let now = Amount::new(e.remaining_amount.value() - x.total())
                .map_err(|_| ServiceError::Db(DbErr::Custom("remaining out of range".into())))?;
            case = case.case(ledger_entry::Column::Id.eq(e.id), Expr::val(now.raw()));
        }
        ledger_entry::Entity::update_many()
            .col_expr(
                ledger_entry::Column::RemainingAmount,
                case.finally(Expr::col(ledger_entry::Column::RemainingAmount))
                    .into(),
            )
            .filter(ledger_entry::Column::Id.is_in(applied.iter().map(|(e, _)| e.id)))
            .exec(db)
            .await?;
    }
    let discounts: Decimal = applied.iter().map(|(_, x)| x.discount).sum();
    let write_offs: Decimal = applied.iter().map(|(_, x)| x.write_off).sum();
    // numbers last: the sequence rows stay locked until the commit
    let number = numbering::next_dated_number(
        db,
        company_id,
        SequenceKind::Payment,
        p.payment_date,
        company.chronological_numbering,
        "paymentDate",
    )
    .await?;
    let voucher = gl::post_voucher(
        db,
        company_id,
        gl::NewVoucher {
            posting_date: p.payment_date,
            currency_id: currency.id,
            exchange_rate: rate,
            base_step: base.amount_precision.value(),
            rounding_account: company.rounding_account.clone(),
            document_number: number.clone(),
            description: format!("Payment {number} from {}", customer.account_number),
            lines: vec![
                Posting {
                    account: company.cash_account.clone(),
                    description: "Cash received".into(),
                    amount: p.amount,
                },
                Posting {
                    account: company.cash_discount_account.clone(),
                    description: "Cash discount".into(),
                    amount: discounts,
                },
                Posting {
                    account: company.write_off_account.clone(),
                    description: "Payment tolerance".into(),
                    amount: write_offs,
                },
                Posting {
                    account: company.receivable_account.clone(),
                    description: format!("Receivable {}", customer.account_number),
                    amount: -(p.amount + discounts + write_offs),
                },
            ],
            chronological: company.chronological_numbering,
        },
    )
    .await?;
    let open = Amount::new(-left)
        .map_err(|_| ServiceError::Db(DbErr::Custom("remaining out of range".into())))?;
    let entry = ledger_entry::ActiveModel {
        company_id: Set(company_id),
        customer_id: Set(customer.id),
        entry_type: Set(LedgerEntryType::Payment),
        document_number: Set(number.clone()),
        posting_date: Set(p.payment_date),
        due_date: Set(None),
        currency_id: Set(currency.id),
        original_amount: Set(Amount::new(-p.amount)
            .map_err(|_| ServiceError::Db(DbErr::Custom("amount out of range".into())))?),
        remaining_amount: Set(open),
        description: Set(reference.clone()),
        created_at: Set(Utc::now()),
        invoice_id: Set(None),
        cash_discount_date: Set(None),
        cash_discount_amount: Set(Amount::ZERO),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let payment = customer_payment::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        customer_id: Set(customer.id),
        currency_id: Set(currency.id),
        payment_date: Set(p.payment_date),
        amount: Set(amount),
        reference: Set(reference),
        ledger_entry_id: Set(entry.id),
        voucher_id: Set(voucher.id),
        idempotency_key: Set(key.clone()),
        request_digest: Set(key.as_ref().map(|_| digest(p))),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if !applied.is_empty() {
        let now = Utc::now();
        let mut rows = Vec::with_capacity(applied.len());
        for (e, x) in &applied {
            rows.push(ledger_application::ActiveModel {
                company_id: Set(company_id),
                entry_id: Set(entry.id),
                applied_to_id: Set(e.id),
                amount: Set(stored(x.total())?),
                applied_on: Set(p.payment_date),
                created_at: Set(now),
                cash_discount_amount: Set(stored(x.discount)?),
                write_off_amount: Set(stored(x.write_off)?),
                reverses_id: Set(None),
                ..Default::default()
            });
        }
        ledger_application::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok((payment, entry))
}

/// What one application settles of an entry.
#[derive(Debug, Clone, Copy)]
struct Settled {
    /// Paid by the payment.
    cash: Decimal,
    /// Cash discount granted.
    discount: Decimal,
    /// Residual written off within the tolerance.
    write_off: Decimal,
}

impl Settled {
    fn total(self) -> Decimal {
        self.cash + self.discount + self.write_off
    }
}

fn stored(x: Decimal) -> ServiceResult<Amount> {
    Amount::new(x).map_err(|_| ServiceError::Db(DbErr::Custom("application out of range".into())))
}

/// Payments by id (one statement).
pub async fn payments(
    db: &impl ConnectionTrait,
    company_id: i64,
    ids: &[i64],
) -> ServiceResult<Vec<customer_payment::Model>> {
    Ok(customer_payment::Entity::find()
        .filter(customer_payment::Column::CompanyId.eq(company_id))
        .filter(customer_payment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The applications that settle or are settled by the given entries, oldest first (one
/// statement).
pub async fn applications_of(
    db: &impl ConnectionTrait,
    entry_ids: &[i64],
) -> ServiceResult<Vec<ledger_application::Model>> {
    use sea_orm::Condition;
    Ok(ledger_application::Entity::find()
        .filter(
            Condition::any()
                .add(ledger_application::Column::EntryId.is_in(entry_ids.iter().copied()))
                .add(ledger_application::Column::AppliedToId.is_in(entry_ids.iter().copied())),
        )
        .order_by_asc(ledger_application::Column::Id)
        .all(db)
        .await?)
}

/// Unapplies what a payment applied to an entry (DOMAIN.md §12.1): a new application row
/// negates it, the entry gets back all the application took (cash, cash discount, write-off)
/// and the payment's entry the cash, and a voucher reverses the discount and the write-off.
/// Only the newest standing application of the entry may be unapplied. Both entries are
/// locked in id order first.
pub async fn unapply(
    db: &impl ConnectionTrait,
    company_id: i64,
    payment_id: i64,
    entry_id: i64,
    date: NaiveDate,
) -> ServiceResult<customer_payment::Model> {
    crate::sales::invoicing::check_posting_date(date, "date", "an unapplication")?;
    let payment = customer_payment::Entity::find_by_id(payment_id)
        .filter(customer_payment::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("payment"))?;
    let mut ids = [payment.ledger_entry_id, entry_id];
    ids.sort_unstable();
    let entries: HashMap<i64, ledger_entry::Model> = crate::db::locking(
        db,
        ledger_entry::Entity::find()
            .filter(ledger_entry::Column::CompanyId.eq(company_id))
            .filter(ledger_entry::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(ledger_entry::Column::Id),
    )
    .all(db)
    .await?
    .into_iter()
    .map(|e| (e.id, e))
    .collect();
    let (Some(own), Some(settled)) = (
        entries.get(&payment.ledger_entry_id),
        entries.get(&entry_id),
    ) else {
        return Err(Violation::new("entryId", Rule::NotFound, "no such ledger entry").into());
    };
    // the standing applications of the settled entry: not reversed, not a reversal
    let rows = ledger_application::Entity::find()
        .filter(ledger_application::Column::AppliedToId.eq(entry_id))
        .order_by_asc(ledger_application::Column::Id)
        .all(db)
        .await?;
    let reversed: Vec<i64> = rows.iter().filter_map(|a| a.reverses_id).collect();
    let standing: Vec<&ledger_application::Model> = rows
        .iter()
        .filter(|a| a.reverses_id.is_none() && !reversed.contains(&a.id))
        .collect();
    let Some(app) = standing.iter().find(|a| a.entry_id == own.id).copied() else {
        return Err(Violation::new(
            "entryId",
            Rule::InvalidValue,
            format!(
                "payment {} has nothing applied to entry {}",
                payment.number, settled.document_number
            ),
        )
        .into());
    };
    if let Some(newer) = standing.iter().find(|a| a.id > app.id) {
        let by = ledger_entry::Entity::find_by_id(newer.entry_id)
            .one(db)
            .await?
            .map_or_else(String::new, |e| e.document_number);
        return Err(Violation::new(
            "entryId",
            Rule::IllegalTransition,
            format!(
                "unapply the newest application of entry {} first ({by})",
                settled.document_number
            ),
        )
        .into());
    }
    if date < app.applied_on {
        return Err(Violation::new(
            "date",
            Rule::OutOfRange,
            format!(
                "an unapplication is dated on or after the application ({})",
                app.applied_on
            ),
        )
        .into());
    }
    let total = app.amount.value();
    let discount = app.cash_discount_amount.value();
    let write_off = app.write_off_amount.value();
    let cash = total - discount - write_off;
    let mut case = CaseStatement::new();
    case = case.case(
        ledger_entry::Column::Id.eq(settled.id),
        Expr::val(stored(settled.remaining_amount.value() + total)?.raw()),
    );
    case = case.case(
        ledger_entry::Column::Id.eq(own.id),
        Expr::val(stored(own.remaining_amount.value() - cash)?.raw()),
    );
    ledger_entry::Entity::update_many()
        .col_expr(
            ledger_entry::Column::RemainingAmount,
            case.finally(Expr::col(ledger_entry::Column::RemainingAmount))
                .into(),
        )
        .filter(ledger_entry::Column::Id.is_in([settled.id, own.id]))
        .exec(db)
        .await?;
    if !discount.is_zero() || !write_off.is_zero() {
        let company = setup::company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?;
        let currency = setup::get_currency(db, company_id, payment.currency_id).await?;
        // at the payment's own rate: what is taken back in the base currency is what was
        // posted
        let rate = gl::gl_voucher::Entity::find_by_id(payment.voucher_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("voucher"))?
            .exchange_rate
            .value();
        let base = setup::base_of(db, &company, &currency).await?;
        gl::post_voucher(
            db,
            company_id,
            gl::NewVoucher {
                posting_date: date,
                currency_id: currency.id,
                exchange_rate: rate,
                base_step: base.amount_precision.value(),
                rounding_account: company.rounding_account.clone(),
                document_number: payment.number.clone(),
                description: format!(
                    "Unapplied {} from {}",
                    payment.number, settled.document_number
                ),
                lines: vec![
                    Posting {
                        account: company.receivable_account.clone(),
                        description: "Receivable".into(),
                        amount: discount + write_off,
                    },
                    Posting {
                        account: company.cash_discount_account.clone(),
                        description: "Cash discount".into(),
                        amount: -discount,
                    },
                    Posting {
                        account: company.write_off_account.clone(),
                        description: "Payment tolerance".into(),
                        amount: -write_off,
                    },
                ],
                chronological: company.chronological_numbering,
            },
        )
        .await?;
    }
    ledger_application::ActiveModel {
        company_id: Set(company_id),
        entry_id: Set(own.id),
        applied_to_id: Set(settled.id),
        amount: Set(stored(-total)?),
        applied_on: Set(date),
        created_at: Set(Utc::now()),
        cash_discount_amount: Set(stored(-discount)?),
        write_off_amount: Set(stored(-write_off)?),
        reverses_id: Set(Some(app.id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(payment)
}

/// Filter of [`list_payments`].
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Case-insensitive part of the number or the reference.
    pub search: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<i64>,
    /// Only received on or after this day.
    pub date_from: Option<NaiveDate>,
    /// Only received on or before this day.
    pub date_to: Option<NaiveDate>,
}

/// How a payment list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaymentSort {
    /// By number (numeric within the sequence).
    #[default]
    Number,
    /// By payment date.
    PaymentDate,
    /// By amount.
    Amount,
}

fn payment_query(company_id: i64, f: &PaymentFilter) -> sea_orm::Select<customer_payment::Entity> {
    use customer_payment::Column as C;
    let mut q = customer_payment::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[C::Number, C::Reference]) {
        q = q.filter(c);
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(d) = f.date_from {
        q = q.filter(C::PaymentDate.gte(d));
    }
    if let Some(d) = f.date_to {
        q = q.filter(C::PaymentDate.lte(d));
    }
    q
}

/// One page of payments.
pub async fn list_payments(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PaymentFilter,
    sort: PaymentSort,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<customer_payment::Model>> {
    use crate::crm::SortKey;
    use customer_payment::Column as C;
    let key = match sort {
        PaymentSort::Number => SortKey::Number(C::Number),
        PaymentSort::PaymentDate => SortKey::Date(C::PaymentDate),
        PaymentSort::Amount => SortKey::Int(C::Amount),
    };
    crate::crm::page_sorted(db, payment_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of payments matching the filter.
pub async fn count_payments(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PaymentFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, payment_query(company_id, f)).await?)
}
