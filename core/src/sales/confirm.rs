//! Order confirmation: a versioned confirmation journal with a snapshot of the
//! lines, the credit check of the invoice account (blocking with a mandatory credit limit),
//! summary confirmation of several orders of one invoice account and currency, and the
//! re-confirmation flag a later change raises.

use super::workflow::ensure_executable;
use super::{OrderStatus, lines_of, lock_order, sales_order, violation};
use crate::crm;
use crate::error::{Rule, ServiceResult};
use crate::parties;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};
use serde_json::json;

/// Confirmation journal entries.
pub mod order_confirmation {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `order_confirmations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_confirmations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub order_id: i64,
        pub version: i32,
        pub confirmed_by: String,
        pub confirmed_at: DateTimeUtc,
        pub net_amount: Amount,
        pub tax_amount: Amount,
        pub total_amount: Amount,
        pub credit_check: String,
        pub lines: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The outcome of a confirmation's credit check. The stored message (`credit_check`) starts
/// with the outcome's words and goes on with the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCheck {
    /// The exposure stays within the credit limit.
    Passed,
    /// Over a credit limit that is not mandatory: confirmed with a warning.
    Warning,
    /// Skipped on request (only for a limit that is not mandatory).
    Skipped,
    /// The bill-to customer has no credit limit.
    NoCreditLimit,
}

impl CreditCheck {
    /// The words a message of this outcome starts with.
    pub fn words(self) -> &'static str {
        match self {
            CreditCheck::Passed => "passed",
            CreditCheck::Warning => "warning",
            CreditCheck::Skipped => "skipped",
            CreditCheck::NoCreditLimit => "no credit limit",
        }
    }

    /// The outcome a stored credit-check message records.
    pub fn of(message: &str) -> CreditCheck {
        [
            CreditCheck::Passed,
            CreditCheck::Warning,
            CreditCheck::Skipped,
        ]
        .into_iter()
        .find(|c| message.starts_with(c.words()))
        .unwrap_or(CreditCheck::NoCreditLimit)
    }
}

/// The credit exposure of an invoice account: its ledger balance plus what is not invoiced yet
/// of its orders that are neither invoiced nor canceled (journal orders commit nothing); the
/// invoiced part of an order is in the balance, so it never counts twice (a partly invoiced
/// order, a subscription's past periods).
pub async fn exposure(
    db: &impl ConnectionTrait,
    company_id: i64,
    invoice_customer_id: i64,
) -> ServiceResult<Decimal> {
    let balance = crm::balances(db, &[invoice_customer_id])
        .await?
        .get(&invoice_customer_id)
        .copied()
        .unwrap_or_default();
    let orders: Vec<i64> = sales_order::Entity::find()
        .filter(sales_order::Column::CompanyId.eq(company_id))
        .filter(sales_order::Column::InvoiceCustomerId.eq(invoice_customer_id))
        .filter(
            sales_order::Column::Status.is_not_in([OrderStatus::Invoiced, OrderStatus::Canceled]),
        )
        .filter(sales_order::Column::OrderType.ne(crate::extension::builtin::JOURNAL))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    // what is not invoiced yet of each line (the invoiced part is in the balance already): its
    // gross amount (net of the invoice discount, with tax) in proportion to the quantity left
    let open: Decimal = super::lines_of(db, &orders)
        .await?
        .iter()
        .filter(|l| l.quantity.raw() > 0)
        .map(|l| {
            let left = (l.quantity.raw() - l.canceled.raw() - l.invoiced.raw()).max(0);
            let gross =
                l.line_amount.value() - l.invoice_discount_amount.value() + l.tax_amount.value();
            gross * Decimal::from(left) / Decimal::from(l.quantity.raw())
        })
        .sum();
    Ok(balance + open)
}

/// Confirms orders of one invoice account and currency (one or more: a summary confirmation),
/// each as a new version of its confirmation journal. The credit check runs unless skipped; a
/// mandatory credit limit cannot be skipped and blocks. Held orders and orders waiting for
/// approval are refused.
pub(crate) async fn confirm_orders(
    db: &impl ConnectionTrait,
    company_id: i64,
    ids: &[i64],
    skip_credit_check: bool,
    by: &str,
) -> ServiceResult<Vec<sales_order::Model>> {
    if ids.is_empty() {
        return Err(violation("ids", Rule::Required, "name at least one order"));
    }
    // Locked in id order (so two summary confirmations of overlapping orders cannot deadlock),
    // each once however often it is named, then kept in the order the caller named them.
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut locked = Vec::with_capacity(sorted.len());
    for id in &sorted {
        locked.push(lock_order(db, company_id, *id).await?);
    }
    let mut orders = Vec::with_capacity(locked.len());
    for id in ids {
        if let Some(i) = locked.iter().position(|o| o.id == *id) {
            orders.push(locked.swap_remove(i));
        }
    }
    let Some(first) = orders.first() else {
        return Err(violation("ids", Rule::Required, "name at least one order"));
    };
    if orders.iter().any(|o| {
        o.invoice_customer_id != first.invoice_customer_id || o.currency_id != first.currency_id
    }) {
        return Err(violation(
            "ids",
            Rule::InvalidValue,
            "a summary confirmation groups orders of one invoice account and one currency",
        ));
    }
    let all_lines = lines_of(db, &sorted).await?;
    for o in &orders {
        ensure_executable(db, o, "ids").await?;
        if matches!(o.status, OrderStatus::Invoiced | OrderStatus::Canceled) {
            return Err(violation(
                "ids",
                Rule::IllegalTransition,
                format!("sales order {} is closed", o.number),
            ));
        }
        if !all_lines.iter().any(|l| l.order_id == o.id) {
            return Err(violation(
                "ids",
                Rule::NoLines,
                format!("sales order {} has no lines to confirm", o.number),
            ));
        }
    }
    let cust = parties::get_customer(db, company_id, first.invoice_customer_id).await?;
    let limit = cust.credit_limit.value();
    // Figures in the customer's currency, at its precision ("5250.00", not "5250").
    let cur = crate::setup::get_currency(db, company_id, cust.currency_id).await?;
    let fig = |d: Decimal| crate::money::at_step(d, cur.amount_precision.value()).to_string();
    let credit_check = if limit.is_zero() {
        CreditCheck::NoCreditLimit.words().to_owned()
    } else if skip_credit_check && !cust.mandatory_credit_limit {
        CreditCheck::Skipped.words().to_owned()
    } else {
        let exp = exposure(db, company_id, cust.id).await?;
        if exp > limit {
            if cust.mandatory_credit_limit {
                return Err(violation(
                    "ids",
                    Rule::CreditLimitExceeded,
                    format!(
                        "{} would owe {} against a credit limit of {}",
                        cust.account_number,
                        fig(exp),
                        fig(limit)
                    ),
                ));
            }
            format!(
                "{}: exposure {} over the limit {}",
                CreditCheck::Warning.words(),
                fig(exp),
                fig(limit)
            )
        } else {
            format!(
                "{}: exposure {} within {}",
                CreditCheck::Passed.words(),
                fig(exp),
                fig(limit)
            )
        }
    };
    let now = Utc::now();
    // The snapshot names items by number (business keys, not database ids) and states
    // amounts at the order currency's precision.
    let numbers: std::collections::HashMap<i64, String> = crate::catalog::item::Entity::find()
        .filter(crate::catalog::item::Column::CompanyId.eq(company_id))
        .filter(crate::catalog::item::Column::Id.is_in(all_lines.iter().map(|l| l.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.number))
        .collect();
    let mut out = Vec::new();
    for o in orders {
        let version = o.confirmed_version.unwrap_or(0) + 1;
        let oc = crate::setup::get_currency(db, company_id, o.currency_id).await?;
        let (amount_step, price_step) =
            (oc.amount_precision.value(), oc.unit_price_precision.value());
        let lines: Vec<serde_json::Value> = all_lines
            .iter()
            .filter(|l| l.order_id == o.id)
            .map(|l| {
                json!({"lineNumber": l.line_number,
                       "itemNumber": numbers.get(&l.item_id).cloned().unwrap_or_default(),
                       "quantity": l.quantity.value().normalize().to_string(),
                       "unitPrice": crate::money::at_step(l.unit_price.value(), price_step).to_string(),
                       "lineAmount": crate::money::at_step(l.line_amount.value(), amount_step).to_string()})
            })
            .collect();
        order_confirmation::ActiveModel {
            company_id: Set(company_id),
            order_id: Set(o.id),
            version: Set(version),
            confirmed_by: Set(by.to_owned()),
            confirmed_at: Set(now),
            net_amount: Set(o.net_amount),
            tax_amount: Set(o.tax_amount),
            total_amount: Set(o.total_amount),
            credit_check: Set(credit_check.clone()),
            lines: Set(serde_json::Value::Array(lines).to_string()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        // monotone: confirming never lowers a later document status
        let doc = o.document_status.max(super::DocumentStatus::Confirmation);
        let mut am: sales_order::ActiveModel = o.into();
        am.confirmed_version = Set(Some(version));
        am.needs_reconfirmation = Set(false);
        am.document_status = Set(doc);
        am.updated_at = Set(now);
        out.push(am.update(db).await?);
    }
    Ok(out)
}

/// Confirmation journal entries of orders, by version (one statement).
pub async fn confirmations_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<order_confirmation::Model>> {
    Ok(order_confirmation::Entity::find()
        .filter(order_confirmation::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_confirmation::Column::Version)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::CreditCheck;

    /// Every outcome reads back from a message that starts with its words, figures or not.
    #[test]
    fn a_credit_check_message_reads_back_as_its_outcome() {
        for c in [
            CreditCheck::Passed,
            CreditCheck::Warning,
            CreditCheck::Skipped,
            CreditCheck::NoCreditLimit,
        ] {
            assert_eq!(CreditCheck::of(c.words()), c);
            assert_eq!(
                CreditCheck::of(&format!("{}: exposure 1 within 2", c.words())),
                c
            );
        }
    }
}
