//! Sales orders: header and lines with their quantity counters, prices and
//! line discounts from trade agreements (or a manual override, recorded as such), sales tax per
//! (document, tax code) allocated to lines, and totals that always equal the sum of their parts.
//!
//! Owns: the order's totals and each line's tax: every change to a line recomputes the whole
//! document in the same transaction. Statuses are pure functions of the counters ([`status`]).
//! Must never: let a quantity go below what was delivered, delete a line with deliveries, or
//! change an order that is released, invoiced or canceled.

pub mod change;
pub mod confirm;
mod entities;
pub mod invoicing;
mod lines;
pub mod picking;
mod quotations;
pub mod shipping;
pub mod standard;
mod status;
mod types;
pub mod upsell;
pub mod workflow;

pub use crate::setup::tax_setup;
pub use entities::{
    PriceSource, customer_invoice, customer_invoice_document, customer_invoice_line,
    invoice_discount_term, packing_slip, packing_slip_line, picking_list, picking_list_line,
    sales_order, sales_order_line, sales_quotation, sales_quotation_line,
};
pub use quotations::*;
pub use status::{
    DocumentStatus, OrderStatus, QuotationStatus, ReleaseStatus, deliver_remainder, header_status,
    line_status,
};
pub use types::{check_attributes, order_message};

use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::extension::registry::Registry;
use crate::money::{Amount, Quantity};
use crate::numbering::SequenceKind;
use crate::paging::{Page, PageArgs};
use crate::parties::{self, Blocked, customer};
use crate::refs::{self, Table};
use crate::setup::{self, PricingRule, company, tax_code};
use crate::tax::{self, TaxMode, TaxableLine};
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

pub(crate) use lines::{LineContext, Priced, price_line};

pub(crate) fn violation(field: &str, rule: Rule, msg: impl Into<String>) -> ServiceError {
    Violation::new(field, rule, msg).into()
}

// ---------------------------------------------------------------- tax setup

/// Sets which tax code applies to a customer tax group and an item tax group (replacing the
/// previous one).
pub async fn set_tax_setup(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_tax_group: &str,
    item_tax_group: &str,
    tax_code_id: i64,
) -> ServiceResult<tax_setup::Model> {
    let mut v = Violations::new();
    let cg = v.check(validate::code("customerTaxGroup", customer_tax_group));
    let ig = v.check(validate::code("itemTaxGroup", item_tax_group));
    v.check(refs::usable(db, company_id, Table::TaxCode, tax_code_id, "taxCodeId").await?);
    v.finish()?;
    let (Some(cg), Some(ig)) = (cg, ig) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    setup::lock_company(db, company_id).await?;
    let now = Utc::now();
    let existing = tax_setup::Entity::find()
        .filter(tax_setup::Column::CompanyId.eq(company_id))
        .filter(tax_setup::Column::CustomerTaxGroup.eq(cg.as_str()))
        .filter(tax_setup::Column::ItemTaxGroup.eq(ig.as_str()))
        .one(db)
        .await?;
    Ok(match existing {
        Some(row) => {
            let mut am: tax_setup::ActiveModel = row.into();
            am.tax_code_id = Set(tax_code_id);
            am.updated_at = Set(now);
            am.update(db).await?
        }
        None => {
            tax_setup::ActiveModel {
                company_id: Set(company_id),
                customer_tax_group: Set(cg),
                item_tax_group: Set(ig),
                tax_code_id: Set(tax_code_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    })
}

/// The company's tax setup, by customer and item tax group.
pub async fn list_tax_setups(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<tax_setup::Model>> {
    Ok(tax_setup::Entity::find()
        .filter(tax_setup::Column::CompanyId.eq(company_id))
        .order_by_asc(tax_setup::Column::CustomerTaxGroup)
        .order_by_asc(tax_setup::Column::ItemTaxGroup)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- invoice discounts

/// Sets an invoice discount term: documents of customers with `code` in `currency_id` reaching
/// `minimum` get `percent` off (the term with the largest minimum reached applies).
pub async fn set_invoice_discount(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
    currency_id: i64,
    minimum: Decimal,
    percent: Decimal,
) -> ServiceResult<invoice_discount_term::Model> {
    use invoice_discount_term::Column as C;
    let mut v = Violations::new();
    let code = v.check(validate::code("code", code));
    v.check(refs::usable(db, company_id, Table::Currency, currency_id, "currencyId").await?);
    let min = v.check(validate::amount("minimumAmount", minimum));
    let pct = v.check(validate::percent("discountPercent", percent));
    v.finish()?;
    let (Some(code), Some(min), Some(pct)) = (code, min, pct) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    setup::lock_company(db, company_id).await?;
    let existing = invoice_discount_term::Entity::find()
        .filter(C::CompanyId.eq(company_id))
        .filter(C::Code.eq(code.as_str()))
        .filter(C::CurrencyId.eq(currency_id))
        .filter(C::MinimumAmount.eq(min))
        .one(db)
        .await?;
    Ok(match existing {
        Some(row) => {
            let mut am: invoice_discount_term::ActiveModel = row.into();
            am.discount_percent = Set(pct);
            am.update(db).await?
        }
        None => {
            invoice_discount_term::ActiveModel {
                company_id: Set(company_id),
                code: Set(code),
                currency_id: Set(currency_id),
                minimum_amount: Set(min),
                discount_percent: Set(pct),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    })
}

/// The company's invoice discount terms.
pub async fn list_invoice_discounts(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<invoice_discount_term::Model>> {
    use invoice_discount_term::Column as C;
    Ok(invoice_discount_term::Entity::find()
        .filter(C::CompanyId.eq(company_id))
        .order_by_asc(C::Code)
        .order_by_asc(C::CurrencyId)
        .order_by_asc(C::MinimumAmount)
        .all(db)
        .await?)
}

/// The invoice discount percentage a document of `amount` gets: the term of the code and
/// currency with the largest minimum the amount reaches.
async fn invoice_discount_percent(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: Option<&str>,
    currency_id: i64,
    amount: Decimal,
) -> ServiceResult<Decimal> {
    use invoice_discount_term::Column as C;
    let Some(code) = code else {
        return Ok(Decimal::ZERO);
    };
    Ok(invoice_discount_term::Entity::find()
        .filter(C::CompanyId.eq(company_id))
        .filter(C::Code.eq(code))
        .filter(C::CurrencyId.eq(currency_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|t| t.minimum_amount.value() <= amount)
        .max_by_key(|t| t.minimum_amount)
        .map(|t| t.discount_percent.value())
        .unwrap_or_default())
}

// ---------------------------------------------------------------- orders

/// A line of a new order, or a line added later.
#[derive(Debug, Clone)]
pub struct NewOrderLine {
    /// The item.
    pub item_id: i64,
    /// Quantity (negative on returned orders).
    pub quantity: Decimal,
    /// Unit; the item's base unit when absent.
    pub unit_id: Option<i64>,
    /// A manual unit price; resolved from trade agreements when absent.
    pub unit_price: Option<Decimal>,
    /// A manual line discount in percent; from trade agreements when absent.
    pub discount_percent: Option<Decimal>,
    /// Text; the item name when absent.
    pub description: Option<String>,
}

/// Input of [`create_order`].
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Order type code from the registry (`SALES`, `JOURNAL`, `RETURNED`, a plugin's type…).
    pub order_type: String,
    /// Sell-to customer.
    pub customer_id: i64,
    /// Order date (prices are resolved on it); today when absent.
    pub order_date: Option<NaiveDate>,
    /// Requested ship date.
    pub requested_ship_date: Option<NaiveDate>,
    /// The customer's reference (PO number).
    pub customer_reference: Option<String>,
    /// Order-type attributes (JSON object), kept as given.
    pub attributes: Option<serde_json::Value>,
    /// Lines.
    pub lines: Vec<NewOrderLine>,
    /// A client's key for this creation: a retry with the same key returns the order the
    /// first request created and creates nothing.
    pub idempotency_key: Option<String>,
}

/// What a creation asks for, as a digest (the idempotency check): every field of the request,
/// decimals normalised (4 and 4.0 are the same request).
fn order_digest(i: &NewOrder) -> String {
    let lines: Vec<String> = i
        .lines
        .iter()
        .map(|l| {
            format!(
                "{}|{}|{:?}|{:?}|{:?}|{:?}",
                l.item_id,
                l.quantity.normalize(),
                l.unit_id,
                l.unit_price.map(|d| d.normalize()),
                l.discount_percent.map(|d| d.normalize()),
                l.description
            )
        })
        .collect();
    crate::digest::sha256_hex(
        format!(
            "{}|{}|{:?}|{:?}|{:?}|{:?}|{lines:?}",
            i.order_type,
            i.customer_id,
            i.order_date,
            i.requested_ship_date,
            i.customer_reference,
            i.attributes.as_ref().map(|a| a.to_string()),
        )
        .as_bytes(),
    )
}

fn sources(ids: &[i64]) -> Option<String> {
    (!ids.is_empty()).then(|| {
        ids.iter()
            .map(|i| format!("trade_agreement:{i}"))
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// One order of the company.
pub async fn get_order(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_order::Model> {
    sales_order::Entity::find_by_id(id)
        .filter(sales_order::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales order"))
}

/// One order of the company, locked until the transaction ends ([`crate::db::locking`]): every
/// service that changes an order reads it through this before anything else of the order.
pub async fn lock_order(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_order::Model> {
    crate::db::locking(
        db,
        sales_order::Entity::find_by_id(id).filter(sales_order::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("sales order"))
}

/// Lines of orders, in line-number order (one statement for many orders).
pub async fn lines_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<sales_order_line::Model>> {
    Ok(sales_order_line::Entity::find()
        .filter(sales_order_line::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(sales_order_line::Column::OrderId)
        .order_by_asc(sales_order_line::Column::LineNumber)
        .all(db)
        .await?)
}

/// Tax of a document's lines (net amount and tax code each): in document mode per tax code on
/// Σ net rounded once and allocated to the lines, in per-line mode each line rounded; the line
/// shares, the document tax and the codes of the tax codes used (by id).
pub(crate) async fn document_tax(
    db: &impl ConnectionTrait,
    lines: &[(Decimal, Option<i64>)],
    step: Decimal,
    mode: TaxMode,
) -> ServiceResult<(Vec<Decimal>, Decimal, TaxCodes)> {
    let codes: Vec<i64> = lines.iter().filter_map(|l| l.1).collect();
    let rates: Vec<tax_code::Model> = tax_code::Entity::find()
        .filter(tax_code::Column::Id.is_in(codes))
        .all(db)
        .await?;
    let taxable: Vec<(usize, TaxableLine)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, (net, code))| {
            let code = rates.iter().find(|t| Some(t.id) == *code)?;
            Some((
                i,
                TaxableLine {
                    net: *net,
                    tax_code: code.code.clone(),
                    rate: code.rate.value(),
                },
            ))
        })
        .collect();
    let doc = tax::compute(
        &taxable.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
        step,
        mode,
    );
    let mut line_tax = vec![Decimal::ZERO; lines.len()];
    for ((i, _), t) in taxable.iter().zip(doc.lines.iter()) {
        line_tax[*i] = *t;
    }
    let codes = rates.into_iter().map(|t| (t.id, t)).collect();
    Ok((line_tax, doc.total, codes))
}

/// A document's tax codes, by id: what its postings are described with, and its document
/// shows.
pub(crate) type TaxCodes = std::collections::HashMap<i64, tax_code::Model>;

pub(crate) fn amount(d: Decimal) -> ServiceResult<Amount> {
    Amount::new(d).map_err(|_| {
        violation(
            "",
            Rule::OutOfRange,
            "an amount of the document is out of range",
        )
    })
}

/// The money of a document: the invoice discount (allocated to the lines), tax per tax code
/// on Σ net after it (allocated to the lines) and the totals.
pub(crate) struct Totals {
    /// Invoice discount share of each line.
    pub(crate) shares: Vec<Decimal>,
    /// Tax of each line.
    pub(crate) line_tax: Vec<Decimal>,
    pub(crate) discount: Decimal,
    pub(crate) net: Decimal,
    pub(crate) tax: Decimal,
    /// The codes of the tax codes used, read with their rates.
    pub(crate) tax_codes: TaxCodes,
}

/// The customer a document of `customer` is billed to: its invoice account, or itself.
pub(crate) async fn bill_to(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer: customer::Model,
) -> ServiceResult<customer::Model> {
    match customer.invoice_account_id {
        Some(id) if id != customer.id => parties::get_customer(db, company_id, id).await,
        _ => Ok(customer),
    }
}

/// Totals of lines (gross line amount and tax code each) for a bill-to customer's invoice
/// discount terms in a currency: two statements (terms, tax rates) whatever the line count.
pub(crate) async fn totals(
    db: &impl ConnectionTrait,
    company_id: i64,
    bill_to: &customer::Model,
    currency_id: i64,
    step: Decimal,
    mode: TaxMode,
    lines: &[(Decimal, Option<i64>)],
) -> ServiceResult<Totals> {
    let gross: Vec<Decimal> = lines.iter().map(|l| l.0).collect();
    let subtotal: Decimal = gross.iter().sum();
    let pct = invoice_discount_percent(
        db,
        company_id,
        bill_to.invoice_discount_code.as_deref(),
        currency_id,
        subtotal,
    )
    .await?;
    let discount = crate::money::round_to(
        subtotal * pct / Decimal::ONE_HUNDRED,
        step,
        crate::money::RoundingMode::Nearest,
    );
    let shares = tax::allocate(discount, &gross, step);
    let nets: Vec<(Decimal, Option<i64>)> = lines
        .iter()
        .zip(&shares)
        .map(|(l, s)| (l.0 - s, l.1))
        .collect();
    let (line_tax, tax, tax_codes) = document_tax(db, &nets, step, mode).await?;
    Ok(Totals {
        shares,
        line_tax,
        discount,
        net: subtotal - discount,
        tax,
        tax_codes,
    })
}

/// Recomputes a document: the invoice discount of the bill-to customer's terms (allocated to
/// the lines), tax per tax code on Σ net after it (allocated to lines), totals and status.
pub(crate) async fn recompute(
    db: &impl ConnectionTrait,
    order: sales_order::Model,
) -> ServiceResult<sales_order::Model> {
    let lines = lines_of(db, &[order.id]).await?;
    let cur = setup::get_currency(db, order.company_id, order.currency_id).await?;
    let step = cur.amount_precision.value();
    let bill_to = parties::get_customer(db, order.company_id, order.invoice_customer_id).await?;
    let parts: Vec<(Decimal, Option<i64>)> = lines
        .iter()
        .map(|l| (l.line_amount.value(), l.tax_code_id))
        .collect();
    let mode = company_rules(db, order.company_id).await?.1;
    let t = totals(
        db,
        order.company_id,
        &bill_to,
        order.currency_id,
        step,
        mode,
        &parts,
    )
    .await?;
    let mut statuses = Vec::new();
    for ((l, tax), share) in lines.into_iter().zip(&t.line_tax).zip(&t.shares) {
        statuses.push(line_status(
            l.quantity.value(),
            l.delivered.value(),
            l.invoiced.value(),
            l.canceled.value(),
        ));
        if l.tax_amount.value() != *tax || l.invoice_discount_amount.value() != *share {
            let mut am: sales_order_line::ActiveModel = l.into();
            am.tax_amount = Set(amount(*tax)?);
            am.invoice_discount_amount = Set(amount(*share)?);
            am.update(db).await?;
        }
    }
    let confirmed = order.confirmed_version.is_some();
    let mut am: sales_order::ActiveModel = order.into();
    if confirmed {
        // a confirmed order that changes must be confirmed again
        am.needs_reconfirmation = Set(true);
    }
    am.invoice_discount_amount = Set(amount(t.discount)?);
    am.net_amount = Set(amount(t.net)?);
    am.tax_amount = Set(amount(t.tax)?);
    am.total_amount = Set(amount(t.net + t.tax)?);
    am.status = Set(header_status(&statuses));
    am.updated_at = Set(Utc::now());
    let saved = am.update(db).await?;
    upsell::offer(db, &saved).await?;
    Ok(saved)
}

/// Who a document is for, as pricing and tax see it: a customer (its agreements, currency and
/// tax group), or a prospect (base prices, the document's currency and tax group).
pub(crate) struct Buyer {
    pub(crate) customer: Option<customer::Model>,
    pub(crate) currency_id: i64,
    pub(crate) tax_group: Option<String>,
    pub(crate) rule: PricingRule,
    /// The company's tax mode.
    pub(crate) tax_mode: TaxMode,
    /// The document currency's amount precision.
    pub(crate) step: Decimal,
    /// The document currency.
    pub(crate) currency: setup::currency::Model,
}

/// The company's pricing rule and tax mode.
pub(crate) async fn company_rules(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<(PricingRule, TaxMode)> {
    let c = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    Ok((c.pricing_rule, c.tax_mode))
}

impl Buyer {
    /// What a document of `customer` is priced and taxed with: the company's pricing rule and
    /// tax mode, the customer's currency, and the customer's tax group or the company default
    /// (`TAX_GROUP_REQUIRED` on `customerId` when the company taxes and neither is set).
    pub(crate) async fn of_customer(
        db: &impl ConnectionTrait,
        company_id: i64,
        customer: customer::Model,
    ) -> ServiceResult<Buyer> {
        let company = company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?;
        let tax_group =
            setup::document_tax_group(db, &company, customer.tax_group.as_deref(), "customerId")
                .await?;
        let currency = setup::get_currency(db, company_id, customer.currency_id).await?;
        Ok(Buyer {
            tax_mode: company.tax_mode,
            currency_id: customer.currency_id,
            tax_group,
            customer: Some(customer),
            rule: company.pricing_rule,
            step: currency.amount_precision.value(),
            currency,
        })
    }
}

async fn context(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_id: i64,
) -> ServiceResult<Buyer> {
    let customer = parties::get_customer(db, company_id, customer_id).await?;
    Buyer::of_customer(db, company_id, customer).await
}

fn line_model(
    company_id: i64,
    order_id: i64,
    line_number: i32,
    p: Priced,
    tax: Amount,
    share: Amount,
) -> sales_order_line::ActiveModel {
    let now = Utc::now();
    sales_order_line::ActiveModel {
        company_id: Set(company_id),
        order_id: Set(order_id),
        line_number: Set(line_number),
        item_id: Set(p.item_id),
        description: Set(p.description),
        unit_id: Set(p.unit_id),
        quantity: Set(p.quantity),
        unit_price: Set(p.unit_price),
        price_source: Set(p.price_source),
        price_agreement_line_id: Set(p.price_agreement_line_id),
        discount_percent: Set(p.discount_percent),
        discount_amount: Set(p.discount_amount),
        discount_source: Set(p.discount_source),
        line_amount: Set(p.line_amount),
        tax_code_id: Set(p.tax_code_id),
        tax_amount: Set(tax),
        invoice_discount_amount: Set(share),
        delivered: Set(Quantity::ZERO),
        invoiced: Set(Quantity::ZERO),
        canceled: Set(Quantity::ZERO),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub(crate) async fn insert_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    line_number: i32,
    p: Priced,
) -> ServiceResult<sales_order_line::Model> {
    Ok(line_model(
        company_id,
        order_id,
        line_number,
        p,
        Amount::ZERO,
        Amount::ZERO,
    )
    .insert(db)
    .await?)
}

/// Rows per multi-row `INSERT`: 100 lines × 23 columns stays far below the bind-parameter
/// limits of SQLite (32,766) and PostgreSQL (65,535).
const INSERT_CHUNK: usize = 100;

/// Inserts rows with multi-row `INSERT`s of [`INSERT_CHUNK`] rows (none for no rows).
pub(crate) async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> ServiceResult<()>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(INSERT_CHUNK).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Creates an order with its lines, priced and taxed, in status Open order and release
/// status Open. The order type must be registered; a returned order gets an RMA number.
/// The lines are priced in memory from one [`LineContext`] and written with multi-row
/// inserts, so the statement count does not grow with the number of lines.
pub(crate) async fn create_order(
    db: &impl ConnectionTrait,
    registry: &Registry,
    company_id: i64,
    i: NewOrder,
) -> ServiceResult<sales_order::Model> {
    let key = shipping::check_key(i.idempotency_key.as_deref())?;
    let digest = key.as_ref().map(|_| order_digest(&i));
    if let Some(k) = &key {
        // creations with a key take turns on the company row, so a retry racing its first
        // attempt waits for it and then finds its order
        setup::lock_company(db, company_id).await?;
        if let Some(o) = sales_order::Entity::find()
            .filter(sales_order::Column::CompanyId.eq(company_id))
            .filter(sales_order::Column::IdempotencyKey.eq(k.as_str()))
            .one(db)
            .await?
        {
            if o.request_digest != digest {
                return Err(violation(
                    "idempotencyKey",
                    Rule::IdempotencyKeyReused,
                    "this idempotency key was used for another order",
                ));
            }
            return Ok(o);
        }
    }
    let mut v = Violations::new();
    if registry.order_type(&i.order_type).is_none() {
        v.push(Violation::new(
            "orderType",
            Rule::NotFound,
            format!("order type {} is not registered", i.order_type),
        ));
    }
    v.check(refs::usable(db, company_id, Table::Customer, i.customer_id, "customerId").await?);
    let reference = v.check(validate::opt_text(
        "customerReference",
        i.customer_reference.as_deref(),
        60,
    ));
    if registry.order_type(&i.order_type).is_some() {
        let attrs = i
            .attributes
            .clone()
            .unwrap_or_else(|| serde_json::json!({}));
        if let Err(ServiceError::Invalid(vs)) = check_attributes(registry, &i.order_type, &attrs) {
            for x in vs {
                v.push(x);
            }
        }
    }
    let order_date = i.order_date.unwrap_or_else(|| Utc::now().date_naive());
    if let Some(s) = i.requested_ship_date
        && s < order_date
    {
        v.push(Violation::new(
            "requestedShipDate",
            Rule::InvalidValue,
            "requestedShipDate is before the order date",
        ));
    }
    if i.lines.len() > 500 {
        v.push(Violation::new(
            "lines",
            Rule::OutOfRange,
            "at most 500 lines per call",
        ));
    }
    v.finish()?;
    let ctx = context(db, company_id, i.customer_id).await?;
    let Some(cust) = ctx.customer.clone() else {
        return Err(ServiceError::NotFound("customer"));
    };
    if cust.blocked == Blocked::All {
        return Err(violation(
            "customerId",
            Rule::InvalidValue,
            format!("customer {} is blocked", cust.account_number),
        ));
    }
    let returned = i.order_type == crate::extension::builtin::RETURNED;
    let mut i = i;
    if !returned {
        // recurring lines of the customer's automatic standard codes
        i.lines
            .extend(standard::automatic_lines(db, company_id, cust.id, order_date).await?);
    }
    let lc = LineContext::load(db, company_id, &ctx, &i.lines).await?;
    let priced = lc.price_all(&ctx, order_date, returned, &i.lines)?;
    let bill_to = bill_to(db, company_id, cust.clone()).await?;
    let parts: Vec<(Decimal, Option<i64>)> = priced
        .iter()
        .map(|p| (p.line_amount.value(), p.tax_code_id))
        .collect();
    let t = totals(
        db,
        company_id,
        &bill_to,
        cust.currency_id,
        ctx.step,
        ctx.tax_mode,
        &parts,
    )
    .await?;
    let statuses: Vec<OrderStatus> = priced
        .iter()
        .map(|p| {
            line_status(
                p.quantity.value(),
                Decimal::ZERO,
                Decimal::ZERO,
                Decimal::ZERO,
            )
        })
        .collect();
    let number = crate::numbering::number_for::<sales_order::Entity>(
        db,
        company_id,
        SequenceKind::SalesOrder,
        None,
        (sales_order::Column::CompanyId, sales_order::Column::Number),
        "document",
    )
    .await?;
    let rma = if returned {
        Some(crate::numbering::next_number(db, company_id, SequenceKind::Rma).await?)
    } else {
        None
    };
    let now = Utc::now();
    let order = sales_order::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        order_type: Set(i.order_type),
        customer_id: Set(cust.id),
        invoice_customer_id: Set(bill_to.id),
        currency_id: Set(cust.currency_id),
        order_date: Set(order_date),
        requested_ship_date: Set(i.requested_ship_date),
        customer_reference: Set(reference.flatten()),
        attributes: Set(i.attributes.map(|a| a.to_string())),
        status: Set(header_status(&statuses)),
        release_status: Set(ReleaseStatus::Open),
        invoice_discount_amount: Set(amount(t.discount)?),
        net_amount: Set(amount(t.net)?),
        tax_amount: Set(amount(t.tax)?),
        total_amount: Set(amount(t.net + t.tax)?),
        rma_number: Set(rma),
        created_at: Set(now),
        updated_at: Set(now),
        idempotency_key: Set(key),
        request_digest: Set(digest),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut models = Vec::with_capacity(priced.len());
    for (n, ((p, tax), share)) in priced.into_iter().zip(t.line_tax).zip(t.shares).enumerate() {
        models.push(line_model(
            company_id,
            order.id,
            (n as i32 + 1) * 10,
            p,
            amount(tax)?,
            amount(share)?,
        ));
    }
    insert_all(db, models).await?;
    upsell::offer(db, &order).await?;
    Ok(order)
}

fn editable(o: &sales_order::Model) -> ServiceResult<()> {
    if o.release_status != ReleaseStatus::Open
        || matches!(o.status, OrderStatus::Invoiced | OrderStatus::Canceled)
    {
        return Err(violation(
            "",
            Rule::DocumentLocked,
            format!("sales order {} can no longer be changed", o.number),
        ));
    }
    Ok(())
}

/// Adds a line to an open order and recomputes the document.
pub(crate) async fn add_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    l: NewOrderLine,
) -> ServiceResult<sales_order::Model> {
    let order = lock_order(db, company_id, order_id).await?;
    editable(&order)?;
    let ctx = context(db, company_id, order.customer_id).await?;
    let returned = order.order_type == crate::extension::builtin::RETURNED;
    let p = price_line(
        db,
        company_id,
        &ctx,
        order.order_date,
        returned,
        "line.",
        &l,
    )
    .await?;
    let last = lines_of(db, &[order.id])
        .await?
        .iter()
        .map(|l| l.line_number)
        .max()
        .unwrap_or(0);
    insert_line(db, company_id, order.id, last + 10, p).await?;
    recompute(db, order).await
}

/// Patch of a line; `None` keeps a value. A new quantity re-resolves an agreement price (a
/// quantity break may apply); a manual price stays manual.
#[derive(Debug, Clone, Default)]
pub struct LinePatch {
    /// New quantity; never below what was delivered.
    pub quantity: Option<Decimal>,
    /// A manual unit price.
    pub unit_price: Option<Decimal>,
    /// A manual discount percentage.
    pub discount_percent: Option<Decimal>,
}

async fn line_and_order(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
) -> ServiceResult<(sales_order_line::Model, sales_order::Model)> {
    let find = || {
        sales_order_line::Entity::find_by_id(line_id)
            .filter(sales_order_line::Column::CompanyId.eq(company_id))
    };
    let order_id = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales order line"))?
        .order_id;
    // The order first, then the line as it is once this transaction holds the order.
    let order = lock_order(db, company_id, order_id).await?;
    let line = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales order line"))?;
    Ok((line, order))
}

/// The order a line belongs to (read without a lock, to choose the order to lock).
pub(crate) async fn order_of_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
) -> ServiceResult<i64> {
    sales_order_line::Entity::find_by_id(line_id)
        .filter(sales_order_line::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .map(|l| l.order_id)
        .ok_or(ServiceError::NotFound("sales order line"))
}

/// Changes a line of an open order and recomputes the document.
pub(crate) async fn update_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
    p: LinePatch,
) -> ServiceResult<sales_order::Model> {
    let (line, order) = line_and_order(db, company_id, line_id).await?;
    editable(&order)?;
    let quantity = p.quantity.unwrap_or(line.quantity.value());
    // what was delivered and what was canceled are settled: the quantity stays above both
    let settled = line.delivered.value().abs() + line.canceled.value().abs();
    if quantity.abs() < settled {
        return Err(violation(
            "quantity",
            Rule::QuantityBelowDelivered,
            format!(
                "line {} has {} delivered and {} canceled; its quantity cannot go below {}",
                line.line_number,
                line.delivered.value().normalize(),
                line.canceled.value().normalize(),
                settled.normalize()
            ),
        ));
    }
    // nor below what picking lists hold for it (open, or picked and not shipped)
    if let Some(q) = p.quantity
        && let Ok(q) = Quantity::new(q)
    {
        picking::ensure_unpicked(db, &line, q.raw(), "quantity").await?;
    }
    let ctx = context(db, company_id, order.customer_id).await?;
    let manual_price = p
        .unit_price
        .or((line.price_source == PriceSource::Manual).then(|| line.unit_price.value()));
    let manual_disc = p
        .discount_percent
        .or((line.discount_source.as_deref() == Some("manual"))
            .then(|| line.discount_percent.value()));
    let priced = price_line(
        db,
        company_id,
        &ctx,
        order.order_date,
        order.order_type == crate::extension::builtin::RETURNED,
        "",
        &NewOrderLine {
            item_id: line.item_id,
            quantity,
            unit_id: Some(line.unit_id),
            unit_price: manual_price,
            discount_percent: manual_disc,
            description: Some(line.description.clone()),
        },
    )
    .await?;
    let mut am: sales_order_line::ActiveModel = line.into();
    am.quantity = Set(priced.quantity);
    am.unit_price = Set(priced.unit_price);
    am.price_source = Set(priced.price_source);
    am.price_agreement_line_id = Set(priced.price_agreement_line_id);
    am.discount_percent = Set(priced.discount_percent);
    am.discount_amount = Set(priced.discount_amount);
    am.discount_source = Set(priced.discount_source);
    am.line_amount = Set(priced.line_amount);
    am.tax_code_id = Set(priced.tax_code_id);
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    recompute(db, order).await
}

/// Deletes a line without deliveries and recomputes the document.
pub(crate) async fn delete_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
) -> ServiceResult<sales_order::Model> {
    let (line, order) = line_and_order(db, company_id, line_id).await?;
    editable(&order)?;
    // a line a packing slip names (even one reversed since) stays: the documents point at it
    let shipped = packing_slip_line::Entity::find()
        .filter(packing_slip_line::Column::OrderLineId.eq(line.id))
        .one(db)
        .await?
        .is_some()
        || picking_list_line::Entity::find()
            .filter(picking_list_line::Column::OrderLineId.eq(line.id))
            .one(db)
            .await?
            .is_some();
    if !line.delivered.value().is_zero() || !line.canceled.value().is_zero() || shipped {
        return Err(violation(
            "id",
            Rule::LineHasDeliveries,
            format!(
                "line {} has deliveries or picking lists; cancel its remainder instead",
                line.line_number
            ),
        ));
    }
    sales_order_line::Entity::delete_by_id(line.id)
        .exec(db)
        .await?;
    recompute(db, order).await
}

/// Which orders a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Part of the number or customer reference.
    pub search: Option<String>,
    /// Sell-to customer.
    pub customer_id: Option<i64>,
    /// Status.
    pub status: Option<OrderStatus>,
    /// Order type code.
    pub order_type: Option<String>,
    /// Order date on or after.
    pub order_date_from: Option<NaiveDate>,
    /// Order date on or before.
    pub order_date_to: Option<NaiveDate>,
    /// Changed at or after (for clients that sync).
    pub updated_since: Option<chrono::DateTime<Utc>>,
}

/// What a list of orders is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderSort {
    /// Number, in numeric order (SO-2 before SO-10).
    #[default]
    Number,
    /// Order date.
    OrderDate,
    /// Requested ship date (orders without one last ascending).
    RequestedShipDate,
    /// Total amount including tax (amounts of different currencies compared as numbers).
    TotalAmount,
    /// Last change.
    UpdatedAt,
}

fn order_query(company_id: i64, f: &OrderFilter) -> Select<sales_order::Entity> {
    let mut q = sales_order::Entity::find().filter(sales_order::Column::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(
        f.search.as_deref(),
        &[
            sales_order::Column::Number,
            sales_order::Column::CustomerReference,
        ],
    ) {
        q = q.filter(c);
    }
    if let Some(c) = f.customer_id {
        q = q.filter(sales_order::Column::CustomerId.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(sales_order::Column::Status.eq(s));
    }
    if let Some(t) = &f.order_type {
        q = q.filter(sales_order::Column::OrderType.eq(t.as_str()));
    }
    if let Some(d) = f.order_date_from {
        q = q.filter(sales_order::Column::OrderDate.gte(d));
    }
    if let Some(d) = f.order_date_to {
        q = q.filter(sales_order::Column::OrderDate.lte(d));
    }
    if let Some(t) = f.updated_since {
        q = q.filter(sales_order::Column::UpdatedAt.gte(t));
    }
    q
}

/// One page of orders.
pub async fn list_orders(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &OrderFilter,
    sort: OrderSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<sales_order::Model>> {
    use crate::crm::SortKey;
    use sales_order::Column as C;
    let key = match sort {
        OrderSort::Number => SortKey::Number(C::Number),
        OrderSort::OrderDate => SortKey::Date(C::OrderDate),
        OrderSort::RequestedShipDate => SortKey::DateOrLast(C::RequestedShipDate),
        OrderSort::TotalAmount => SortKey::Int(C::TotalAmount),
        OrderSort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    crate::crm::page_sorted(db, order_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of orders matching the filter.
pub async fn count_orders(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &OrderFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, order_query(company_id, f)).await?)
}
