//! The customer ledger: open items and balances. Invoicing and
//! payments post here when they arrive; for now the only entries are opening items taken over
//! from a previous system.

use super::{LedgerEntryType, ledger_entry};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::Amount;
use crate::parties;
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, FromQueryResult, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Input of [`post_opening_entry`].
#[derive(Debug, Clone)]
pub struct NewOpeningEntry {
    /// The customer.
    pub customer_id: i64,
    /// The document number in the previous system, e.g. `PI-19`.
    pub document_number: String,
    /// Posting date.
    pub posting_date: NaiveDate,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Open amount in the customer's currency: positive owed by the customer, negative a credit.
    pub amount: Decimal,
    /// Text.
    pub description: Option<String>,
}

/// Posts an open item taken over from a previous system. Needs the poster role.
pub async fn post_opening_entry(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewOpeningEntry,
) -> ServiceResult<ledger_entry::Model> {
    let c = parties::get_customer(db, company_id, i.customer_id).await?;
    let cur = crate::setup::get_currency(db, company_id, c.currency_id).await?;
    let mut v = Violations::new();
    let doc = v.check(validate::code("documentNumber", &i.document_number));
    let desc = v.check(validate::opt_text(
        "description",
        i.description.as_deref(),
        validate::MAX_NAME,
    ));
    let amount = v.check(Amount::new(i.amount).map_err(|_| {
        Violation::new(
            "amount",
            Rule::PrecisionExceeded,
            "amount has too many decimals or is too large",
        )
    }));
    v.check(validate::fits_step(
        "amount",
        i.amount,
        cur.amount_precision.value(),
    ));
    if i.amount.is_zero() {
        v.push(Violation::new(
            "amount",
            Rule::InvalidValue,
            "amount must not be zero",
        ));
    }
    if let Some(d) = i.due_date
        && d < i.posting_date
    {
        v.push(Violation::new(
            "dueDate",
            Rule::InvalidValue,
            "dueDate is before postingDate",
        ));
    }
    v.finish()?;
    let (Some(doc), Some(desc), Some(amount)) = (doc, desc, amount) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    Ok(ledger_entry::ActiveModel {
        company_id: Set(company_id),
        customer_id: Set(c.id),
        entry_type: Set(LedgerEntryType::Opening),
        document_number: Set(doc),
        posting_date: Set(i.posting_date),
        due_date: Set(i.due_date),
        currency_id: Set(c.currency_id),
        original_amount: Set(amount),
        remaining_amount: Set(amount),
        description: Set(desc),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

#[derive(FromQueryResult)]
struct BalanceRow {
    customer_id: i64,
    total: Option<i64>,
}

/// Balances (Σ remaining of the entries) of customers, in one statement.
pub async fn balances(
    db: &impl ConnectionTrait,
    customer_ids: &[i64],
) -> ServiceResult<HashMap<i64, Decimal>> {
    let rows = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::CustomerId)
        .column_as(Expr::cust("CAST(SUM(remaining_amount) AS BIGINT)"), "total")
        .filter(ledger_entry::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .group_by(ledger_entry::Column::CustomerId)
        .into_model::<BalanceRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.customer_id,
                Amount::from_raw(r.total.unwrap_or(0)).value(),
            )
        })
        .collect())
}

/// Entries of customers, oldest first, in one statement.
pub async fn entries_of(
    db: &impl ConnectionTrait,
    customer_ids: &[i64],
) -> ServiceResult<Vec<ledger_entry::Model>> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(ledger_entry::Column::PostingDate)
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await?)
}

/// True when a customer has an entry with a remaining amount.
pub async fn has_open_entries(db: &impl ConnectionTrait, customer_id: i64) -> ServiceResult<bool> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::CustomerId.eq(customer_id))
        .filter(ledger_entry::Column::RemainingAmount.ne(0))
        .one(db)
        .await?
        .is_some())
}
