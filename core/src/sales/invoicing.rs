//! Customer invoices: from orders (posting what is left to deliver in the same transaction),
//! from packing slips, combined over several orders of one invoice account and currency, free
//! text invoices, and the pro forma (preview) of any of them (DOMAIN.md §5, §12.5, §12.6).
//!
//! Owns: the invoiced counters of order lines and packing-slip lines, invoice numbers, the
//! customer ledger entry and the general-ledger voucher of each invoice.
//! - Every invoice line draws on one packing-slip line (an order invoice first ships the
//!   missing quantities as a packing slip of its own), so invoiced ≤ delivered always holds,
//!   and a packing-slip line is invoiced once (`ALREADY_INVOICED`).
//! - An invoice bills one invoice account in one currency (`MIXED_INVOICE_ACCOUNTS`,
//!   `MIXED_CURRENCIES`); orders on hold or waiting for approval are not invoiced
//!   (`ORDER_ON_HOLD`, `APPROVAL_REQUIRED`), nor customers blocked for invoicing.
//! - A line's amount is its share of the order line's amount, rounded cumulatively: the
//!   invoices of an order line add up to exactly its amount. The invoice discount of the
//!   customer's terms and the tax per code are computed on the invoice (as for an order), then
//!   the currency's invoice rounding.
//! - The number comes from the continuous sequence inside the posting transaction: a failed
//!   posting, a preview or a pro forma consumes none; with chronological numbering a posting
//!   dated before the last number is refused (`NOT_CHRONOLOGICAL`).
//! - Amounts are also stored in the company's base currency at the exchange rate of the
//!   invoice date (`NO_EXCHANGE_RATE` when the currency has none).
//! - An idempotency key makes a retried posting return the first invoice and post nothing.
//!
//! Posted invoices are never changed: corrections are credit notes (later).

use super::{
    DocumentStatus, customer_invoice, customer_invoice_document, customer_invoice_line, lock_order,
    packing_slip, packing_slip_line, sales_order, sales_order_line, shipping, workflow,
};
use crate::crm::{LedgerEntryType, ledger_entry};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::gl::{self, Posting};
use crate::money::{Amount, Quantity, Rate, RoundingMode, UnitPrice, round_to};
use crate::numbering::{self, SequenceKind};
use crate::parties::{self, Blocked};
use crate::setup::{self, company, currency, tax_code};
use crate::validate;
use chrono::{Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{QueryOrder, Set};
use std::collections::{BTreeMap, HashMap};

/// The kind of a posted invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InvoiceKind {
    /// From sales orders or their packing slips.
    #[sea_orm(string_value = "invoice")]
    Invoice,
    /// A free text invoice (lines on revenue accounts, no items).
    #[sea_orm(string_value = "free_text")]
    FreeText,
}
crate::enum_cell!(InvoiceKind);

/// What an invoice bills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceSource {
    /// Everything delivered and not invoiced of these orders, and what is left to deliver
    /// (shipped in the same posting).
    Orders(Vec<i64>),
    /// What is not invoiced of these packing slips.
    PackingSlips(Vec<i64>),
}

/// An invoice to post from orders or packing slips.
#[derive(Debug, Clone)]
pub struct InvoiceRequest {
    /// What it bills.
    pub source: InvoiceSource,
    /// Invoice (posting) date.
    pub invoice_date: NaiveDate,
    /// Where the goods left to deliver ship from (an order invoice with something left to
    /// deliver needs it).
    pub warehouse_id: Option<i64>,
    /// A client's key for this posting: a retry with the same key returns the first invoice.
    pub idempotency_key: Option<String>,
}

/// A line of an invoice as computed (posted, or shown as a pro forma).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLine {
    /// The order, for an order line.
    pub order_id: Option<i64>,
    /// The order line.
    pub order_line_id: Option<i64>,
    /// The packing-slip line it draws on (`None` on a pro forma line not shipped yet and on
    /// free text lines).
    pub packing_slip_line_id: Option<i64>,
    /// The item.
    pub item_id: Option<i64>,
    /// Text.
    pub description: String,
    /// The revenue account.
    pub account: String,
    /// Quantity in the line's unit.
    pub quantity: Decimal,
    /// The unit.
    pub unit_id: Option<i64>,
    /// Unit price before discounts.
    pub unit_price: Decimal,
    /// Amount after line discounts, before the invoice discount.
    pub line_amount: Decimal,
    /// Share of the invoice discount.
    pub invoice_discount_amount: Decimal,
    /// Tax code.
    pub tax_code_id: Option<i64>,
    /// Tax.
    pub tax_amount: Decimal,
}

/// An invoice as computed: what a posting writes, and what a pro forma shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Kind.
    pub kind: InvoiceKind,
    /// The invoice account.
    pub customer_id: i64,
    /// Currency.
    pub currency_id: i64,
    /// Invoice date.
    pub invoice_date: NaiveDate,
    /// Due date (payment terms).
    pub due_date: NaiveDate,
    /// Last day of the cash discount.
    pub cash_discount_date: Option<NaiveDate>,
    /// Cash discount.
    pub cash_discount_amount: Decimal,
    /// Base-currency units per document-currency unit.
    pub exchange_rate: Decimal,
    /// Lines.
    pub lines: Vec<DraftLine>,
    /// Σ line amounts.
    pub line_amount: Decimal,
    /// Invoice discount.
    pub invoice_discount_amount: Decimal,
    /// Net (line amount − invoice discount).
    pub net_amount: Decimal,
    /// Tax.
    pub tax_amount: Decimal,
    /// Invoice rounding.
    pub rounding_amount: Decimal,
    /// Total.
    pub total_amount: Decimal,
    /// Net in base currency.
    pub base_net_amount: Decimal,
    /// Tax in base currency.
    pub base_tax_amount: Decimal,
    /// Total in base currency.
    pub base_total_amount: Decimal,
    /// The orders it bills.
    pub order_ids: Vec<i64>,
}

fn stored(field: &str, x: Decimal) -> ServiceResult<Amount> {
    Amount::new(x).map_err(|_| {
        Violation::new(
            field,
            Rule::OutOfRange,
            "an amount of the invoice is out of range",
        )
        .into()
    })
}

/// The digest of what a posting asks for (the idempotency check).
fn request_digest(r: &InvoiceRequest) -> String {
    let (kind, mut ids) = match &r.source {
        InvoiceSource::Orders(ids) => ("orders", ids.clone()),
        InvoiceSource::PackingSlips(ids) => ("packing_slips", ids.clone()),
    };
    ids.sort_unstable();
    ids.dedup();
    crate::digest::sha256_hex(format!("{kind}|{ids:?}|{:?}", r.warehouse_id).as_bytes())
}

/// The invoice posted with an idempotency key, if any.
pub async fn by_idempotency_key(
    db: &impl ConnectionTrait,
    company_id: i64,
    key: &str,
) -> ServiceResult<Option<customer_invoice::Model>> {
    Ok(customer_invoice::Entity::find()
        .filter(customer_invoice::Column::CompanyId.eq(company_id))
        .filter(customer_invoice::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

fn source_field(r: &InvoiceRequest) -> &'static str {
    match r.source {
        InvoiceSource::Orders(_) => "orderIds",
        InvoiceSource::PackingSlips(_) => "packingSlipIds",
    }
}

/// What an invoice request is refused for before anything is read or locked: more than
/// [`MAX_DOCUMENTS`] documents, a date too far ahead.
pub(crate) fn check_request(r: &InvoiceRequest) -> Result<(), Violation> {
    let given = match &r.source {
        InvoiceSource::Orders(ids) | InvoiceSource::PackingSlips(ids) => ids.len(),
    };
    if given > MAX_DOCUMENTS {
        return Err(Violation::new(
            source_field(r),
            Rule::OutOfRange,
            format!("at most {MAX_DOCUMENTS} documents per invoice"),
        ));
    }
    check_date(r.invoice_date)
}

/// The orders an invoice request bills, sorted, read without a lock (to choose what to lock).
pub async fn orders_of_request(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: &InvoiceRequest,
) -> ServiceResult<Vec<i64>> {
    let mut ids = match &r.source {
        InvoiceSource::Orders(ids) => ids.clone(),
        InvoiceSource::PackingSlips(ids) => packing_slip::Entity::find()
            .filter(packing_slip::Column::CompanyId.eq(company_id))
            .filter(packing_slip::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.order_id)
            .collect(),
    };
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// How far ahead of today a posting (an invoice, a packing slip, a reversal) may be dated: a
/// typo of a year far ahead would otherwise, under chronological numbering, refuse every later
/// posting, and put stock movements where every dated reading of stock (ATP) sees them.
pub const MAX_DAYS_AHEAD: u64 = 31;

fn check_date(date: NaiveDate) -> Result<(), Violation> {
    check_posting_date(date, "invoiceDate", "an invoice")
}

/// Refuses a posting dated more than [`MAX_DAYS_AHEAD`] days ahead (`OUT_OF_RANGE` on `field`).
pub(crate) fn check_posting_date(
    date: NaiveDate,
    field: &str,
    what: &str,
) -> Result<(), Violation> {
    let today = Utc::now().date_naive();
    let limit = today
        .checked_add_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(today);
    if date > limit {
        return Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("{what} is dated at most {MAX_DAYS_AHEAD} days ahead (until {limit})"),
        ));
    }
    Ok(())
}

/// The invoice account keeps its ledger in its own currency: an invoice in another one would
/// add amounts of two currencies into one balance.
fn check_account_currency(
    bill_to: &parties::customer::Model,
    currency: &currency::Model,
    field: &str,
) -> Result<(), Violation> {
    if bill_to.currency_id != currency.id {
        return Err(Violation::new(
            field,
            Rule::MixedCurrencies,
            format!(
                "invoice account {} keeps its ledger in another currency than {}",
                bill_to.account_number, currency.code
            ),
        ));
    }
    Ok(())
}

/// The most documents one posting or preview takes.
pub const MAX_DOCUMENTS: usize = 500;

/// A customer blocked for invoicing (or for everything) is not invoiced.
fn check_not_blocked(c: &parties::customer::Model, field: &str) -> Result<(), Violation> {
    if matches!(c.blocked, Blocked::Invoice | Blocked::All) {
        return Err(Violation::new(
            field,
            Rule::InvalidValue,
            format!("customer {} is blocked for invoicing", c.account_number),
        ));
    }
    Ok(())
}

/// Due date and cash discount from the customer's payment terms.
async fn terms(
    db: &impl ConnectionTrait,
    c: &parties::customer::Model,
    date: NaiveDate,
    total: Decimal,
    step: Decimal,
) -> ServiceResult<(NaiveDate, Option<NaiveDate>, Decimal)> {
    let Some(id) = c.payment_terms_id else {
        return Ok((date, None, Decimal::ZERO));
    };
    let Some(t) = setup::payment_terms::Entity::find_by_id(id).one(db).await? else {
        return Ok((date, None, Decimal::ZERO));
    };
    let add = |d: i32| {
        date.checked_add_days(Days::new(d.max(0) as u64))
            .unwrap_or(date)
    };
    let pct = t.cash_discount_percent.value();
    if pct.is_zero() {
        return Ok((add(t.net_days), None, Decimal::ZERO));
    }
    let discount = round_to(
        total * pct / Decimal::ONE_HUNDRED,
        step,
        RoundingMode::Nearest,
    );
    Ok((add(t.net_days), Some(add(t.cash_discount_days)), discount))
}

/// Everything an invoice's figures are computed with.
struct Context {
    company: company::Model,
    currency: currency::Model,
    base: currency::Model,
    rate: Decimal,
    bill_to: parties::customer::Model,
}

async fn context(
    db: &impl ConnectionTrait,
    company: company::Model,
    customer_id: i64,
    currency_id: i64,
    date: NaiveDate,
) -> ServiceResult<Context> {
    let company_id = company.id;
    let currency = setup::get_currency(db, company_id, currency_id).await?;
    let base = setup::base_of(db, &company, &currency).await?;
    let Some(rate) = setup::rate_on(db, &company, &currency, date).await? else {
        return Err(Violation::new(
            "invoiceDate",
            Rule::NoExchangeRate,
            format!("{} has no exchange rate valid on {date}", currency.code),
        )
        .into());
    };
    let bill_to = parties::get_customer(db, company_id, customer_id).await?;
    Ok(Context {
        company,
        currency,
        base,
        rate,
        bill_to,
    })
}

/// Completes a draft's totals from its lines (line amount, tax code and, for item lines, the
/// invoice discount terms of the invoice account): discount, tax, rounding, terms, base
/// amounts. Also returns the codes of its tax codes, for its voucher ([`voucher_lines`]).
async fn complete(
    db: &impl ConnectionTrait,
    cx: &Context,
    kind: InvoiceKind,
    date: NaiveDate,
    mut lines: Vec<DraftLine>,
    order_ids: Vec<i64>,
) -> ServiceResult<(Draft, super::TaxCodes)> {
    let step = cx.currency.amount_precision.value();
    let mode = cx.company.tax_mode;
    let parts: Vec<(Decimal, Option<i64>)> = lines
        .iter()
        .map(|l| (l.line_amount, l.tax_code_id))
        .collect();
    let t = if kind == InvoiceKind::Invoice {
        super::totals(
            db,
            cx.company.id,
            &cx.bill_to,
            cx.currency.id,
            step,
            mode,
            &parts,
        )
        .await?
    } else {
        // free text lines get no invoice discount
        let (line_tax, tax, tax_codes) = super::document_tax(db, &parts, step, mode).await?;
        let net = parts.iter().map(|p| p.0).sum();
        super::Totals {
            shares: vec![Decimal::ZERO; parts.len()],
            line_tax,
            discount: Decimal::ZERO,
            net,
            tax,
            tax_codes,
        }
    };
    for ((l, share), tax) in lines.iter_mut().zip(&t.shares).zip(&t.line_tax) {
        l.invoice_discount_amount = *share;
        l.tax_amount = *tax;
    }
    let line_amount: Decimal = lines.iter().map(|l| l.line_amount).sum();
    let (total, rounding) = crate::tax::invoice_rounding(
        t.net + t.tax,
        cx.currency.invoice_rounding_precision.value(),
        cx.currency.invoice_rounding_mode.into(),
    );
    let (due_date, cash_discount_date, cash_discount_amount) =
        terms(db, &cx.bill_to, date, total, step).await?;
    // every figure must fit the stored amounts: a refusal, never a failed write
    for (what, x) in [
        ("line amount", line_amount),
        ("net amount", t.net),
        ("tax", t.tax),
        ("total", total),
    ] {
        if Amount::new(x).is_err() {
            return Err(Violation::new(
                "lines",
                Rule::OutOfRange,
                format!("the invoice's {what} is out of range"),
            )
            .into());
        }
    }
    let base_step = cx.base.amount_precision.value();
    let conv = |x: Decimal| {
        x.checked_mul(cx.rate)
            .map(|y| round_to(y, base_step, RoundingMode::Nearest))
            .filter(|y| Amount::new(*y).is_ok())
            .ok_or_else(|| {
                ServiceError::from(Violation::new(
                    "invoiceDate",
                    Rule::OutOfRange,
                    "the invoice's amounts in the base currency are out of range",
                ))
            })
    };
    let base_net = conv(t.net)?;
    let base_tax = conv(t.tax)?;
    // the total converted once, as the voucher's receivable line is
    let base_total = conv(total)?;
    let draft = Draft {
        kind,
        customer_id: cx.bill_to.id,
        currency_id: cx.currency.id,
        invoice_date: date,
        due_date,
        cash_discount_date,
        cash_discount_amount,
        exchange_rate: cx.rate,
        lines,
        line_amount: line_amount.normalize(),
        invoice_discount_amount: t.discount.normalize(),
        net_amount: t.net.normalize(),
        tax_amount: t.tax.normalize(),
        rounding_amount: rounding,
        total_amount: total,
        base_net_amount: base_net.normalize(),
        base_tax_amount: base_tax.normalize(),
        base_total_amount: base_total.normalize(),
        order_ids,
    };
    Ok((draft, t.tax_codes))
}

/// The share of an order line's amount that `upto` of its `ordered` quantity carries, at the
/// currency's precision: invoicing in parts takes the difference of two such shares, so the
/// parts add up to the line's amount exactly.
fn share_of(line_amount: Decimal, ordered: i64, upto: i64, step: Decimal) -> Decimal {
    if ordered == 0 {
        return Decimal::ZERO;
    }
    let ratio = Decimal::from(upto) / Decimal::from(ordered);
    let x = line_amount.checked_mul(ratio).unwrap_or(line_amount);
    round_to(x, step, RoundingMode::Nearest)
}

/// Posts an invoice from orders or packing slips, in the caller's write transaction (the
/// orders are locked first, in id order). Returns the orders as written and the invoice (the
/// first one, for a retried idempotency key), with its figures.
/// `locked`: the orders of the request (by [`orders_of_request`], in id order) when the caller
/// has locked them in this transaction already; `None` to lock them here.
pub(crate) async fn post_invoice(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: &InvoiceRequest,
    locked: Option<Vec<sales_order::Model>>,
) -> ServiceResult<(Vec<sales_order::Model>, customer_invoice::Model, Draft)> {
    let key = shipping::check_key(r.idempotency_key.as_deref())?;
    let field = source_field(r);
    check_request(r)?;
    let orders = match locked {
        Some(orders) => orders,
        None => {
            let order_ids = orders_of_request(db, company_id, r).await?;
            let mut orders = Vec::with_capacity(order_ids.len());
            for id in &order_ids {
                orders.push(lock_order(db, company_id, *id).await?);
            }
            orders
        }
    };
    let order_ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let company = if key.is_some() {
        // postings with a key take turns on the company row (after the orders, before any
        // sequence: the order every posting takes its locks in), so two attempts with one key
        // on different orders see each other
        setup::lock_company(db, company_id).await?
    } else {
        company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?
    };
    if let Some(k) = &key
        && let Some(inv) = by_idempotency_key(db, company_id, k).await?
    {
        if inv.request_digest.as_deref() != Some(&request_digest(r)) {
            return Err(Violation::new(
                "idempotencyKey",
                Rule::IdempotencyKeyReused,
                "this idempotency key was used for another posting",
            )
            .into());
        }
        let draft = draft_of_posted(db, &inv).await?;
        return Ok((orders, inv, draft));
    }
    // the packing slips asked for, each standing and of this company
    let asked_slips: Option<Vec<packing_slip::Model>> = match &r.source {
        InvoiceSource::Orders(ids) => {
            if ids.is_empty() {
                return Err(
                    Violation::new(field, Rule::NothingToInvoice, "no orders were given").into(),
                );
            }
            if let Some((i, _)) = ids
                .iter()
                .enumerate()
                .find(|(_, id)| !orders.iter().any(|o| o.id == **id))
            {
                return Err(Violation::new(
                    &format!("{field}.{i}"),
                    Rule::NotFound,
                    "no such sales order",
                )
                .into());
            }
            None
        }
        InvoiceSource::PackingSlips(ids) => {
            if ids.is_empty() {
                return Err(Violation::new(
                    field,
                    Rule::NothingToInvoice,
                    "no packing slips were given",
                )
                .into());
            }
            let slips = packing_slip::Entity::find()
                .filter(packing_slip::Column::CompanyId.eq(company_id))
                .filter(packing_slip::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            let mut v = Violations::new();
            for (i, id) in ids.iter().enumerate() {
                match slips.iter().find(|p| p.id == *id) {
                    None => v.push(Violation::new(
                        &format!("{field}.{i}"),
                        Rule::NotFound,
                        "no such packing slip",
                    )),
                    Some(p) if p.reverses_id.is_some() || p.reversed_by_id.is_some() => {
                        v.push(Violation::new(
                            &format!("{field}.{i}"),
                            Rule::AlreadyReversed,
                            format!(
                                "packing slip {} was reversed or is a reversal: nothing of it \
                                 can be invoiced",
                                p.number
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
            v.finish()?;
            Some(slips)
        }
    };
    // one invoice account, one currency, no holds, no blocked customer
    let first = orders
        .first()
        .ok_or_else(|| Violation::new(field, Rule::NothingToInvoice, "nothing to invoice"))?;
    let (account, currency_id) = (first.invoice_customer_id, first.currency_id);
    let mut v = Violations::new();
    for o in &orders {
        if o.invoice_customer_id != account {
            v.push(Violation::new(
                field,
                Rule::MixedInvoiceAccounts,
                format!(
                    "sales order {} is billed to another invoice account than sales order {}",
                    o.number, first.number
                ),
            ));
        }
        if o.currency_id != currency_id {
            v.push(Violation::new(
                field,
                Rule::MixedCurrencies,
                format!(
                    "sales order {} is in another currency than sales order {}",
                    o.number, first.number
                ),
            ));
        }
    }
    v.finish()?;
    // holds and pending approvals block invoicing; an open order is released by the posting
    // (refused over the approval threshold), as by a packing slip
    let mut released = Vec::with_capacity(orders.len());
    for o in orders {
        workflow::ensure_executable(db, &o, field).await?;
        released.push(workflow::release_for_posting(db, &company, o).await?);
    }
    let orders = released;
    let cx = context(db, company, account, currency_id, r.invoice_date).await?;
    check_not_blocked(&cx.bill_to, field)?;
    check_account_currency(&cx.bill_to, &cx.currency, field)?;
    if orders.len() > 1 && !cx.bill_to.combine_shipments {
        return Err(Violation::new(
            field,
            Rule::InvalidValue,
            format!(
                "invoice account {} does not combine shipments: invoice its orders one by one, \
                 or set combineShipments on it",
                cx.bill_to.account_number
            ),
        )
        .into());
    }
    for o in &orders {
        if o.customer_id != account {
            let c = parties::get_customer(db, company_id, o.customer_id).await?;
            check_not_blocked(&c, field)?;
        }
    }
    // an order invoice also ships what is left to deliver, as a packing slip of its own per
    // order (the orders are locked and ready to post: checked above); the shipments are
    // planned here and written last, with the invoice
    let order_lines: Vec<sales_order_line::Model> = super::lines_of(db, &order_ids).await?;
    let mut planned: Vec<(i64, i64, i64, Vec<shipping::SlipLine>)> = Vec::new();
    if asked_slips.is_none() {
        // with picking required only what was picked ships (the rest stays open)
        let ship_now = match r.warehouse_id {
            Some(w) => super::picking::shippable(db, &cx.company, &order_lines, w).await?,
            None => None,
        };
        for o in &orders {
            let left = order_lines.iter().any(|l| {
                l.order_id == o.id
                    && super::deliver_remainder(
                        l.quantity.value(),
                        l.delivered.value(),
                        l.canceled.value(),
                    ) != Decimal::ZERO
                    && ship_now
                        .as_ref()
                        .is_none_or(|m| m.get(&l.id).copied().unwrap_or(0) > 0)
            });
            if !left {
                continue;
            }
            let Some(warehouse_id) = r.warehouse_id else {
                return Err(Violation::new(
                    "warehouseId",
                    Rule::Required,
                    format!(
                        "sales order {} has quantities left to deliver: the invoice ships them \
                         from the warehouse given here",
                        o.number
                    ),
                )
                .into());
            };
            let own: Vec<sales_order_line::Model> = order_lines
                .iter()
                .filter(|l| l.order_id == o.id)
                .cloned()
                .collect();
            let slip = shipping::plan(
                db,
                &cx.company,
                o,
                &own,
                &shipping::Shipment {
                    order_id: o.id,
                    warehouse_id,
                    ship_date: r.invoice_date,
                    lines: None,
                    idempotency_key: None,
                },
            )
            .await?;
            planned.push((o.id, o.customer_id, warehouse_id, slip));
        }
    }
    // the packing slips standing and what of them is not invoiced yet, then what ships now
    let slips = match asked_slips {
        Some(s) => s,
        None => shipping::packing_slips_of(db, &order_ids)
            .await?
            .into_iter()
            .filter(|p| p.reverses_id.is_none() && p.reversed_by_id.is_none())
            .collect(),
    };
    let slip_ids: Vec<i64> = slips.iter().map(|p| p.id).collect();
    let slip_lines: Vec<packing_slip_line::Model> = shipping::lines_of_packing_slips(db, &slip_ids)
        .await?
        .into_iter()
        .filter(|l| l.quantity.raw() != l.invoiced.raw())
        .collect();
    let shipping_now = planned.iter().any(|p| !p.3.is_empty());
    if slip_lines.is_empty() && !shipping_now {
        if matches!(r.source, InvoiceSource::Orders(_)) {
            let open = order_lines
                .iter()
                .any(|l| l.quantity.raw() - l.delivered.raw() - l.canceled.raw() > 0);
            if open && cx.company.picking_required {
                return Err(Violation::new(
                    field,
                    Rule::NotPicked,
                    "nothing delivered is left to invoice, and the rest is not picked: the \
                     company ships only what was picked",
                )
                .into());
            }
        }
        let rule = if matches!(r.source, InvoiceSource::PackingSlips(_)) {
            Rule::AlreadyInvoiced
        } else {
            Rule::NothingToInvoice
        };
        return Err(Violation::new(field, rule, "nothing delivered is left to invoice").into());
    }
    let by_id: HashMap<i64, &sales_order_line::Model> =
        order_lines.iter().map(|l| (l.id, l)).collect();
    let step = cx.currency.amount_precision.value();
    let mut running: HashMap<i64, i64> = HashMap::new();
    let mut lines = Vec::with_capacity(slip_lines.len());
    // (order line, quantity to invoice, its packing slip line when written already)
    let parts = slip_lines
        .iter()
        .map(|sl| {
            (
                sl.order_line_id,
                sl.quantity.raw() - sl.invoiced.raw(),
                Some(sl.id),
            )
        })
        .chain(
            planned
                .iter()
                .flat_map(|p| p.3.iter().map(|l| (l.line.id, l.quantity, None))),
        );
    for (order_line_id, q, packing_slip_line_id) in parts {
        let l = by_id
            .get(&order_line_id)
            .copied()
            .ok_or(ServiceError::NotFound("sales order line"))?;
        let before = *running.entry(l.id).or_insert(l.invoiced.raw());
        let amount = share_of(l.line_amount.value(), l.quantity.raw(), before + q, step)
            - share_of(l.line_amount.value(), l.quantity.raw(), before, step);
        running.insert(l.id, before + q);
        lines.push(DraftLine {
            order_id: Some(l.order_id),
            order_line_id: Some(l.id),
            packing_slip_line_id,
            item_id: Some(l.item_id),
            description: l.description.clone(),
            account: cx.company.revenue_account.clone(),
            quantity: Quantity::from_raw(q).value(),
            unit_id: Some(l.unit_id),
            unit_price: l.unit_price.value(),
            line_amount: amount.normalize(),
            invoice_discount_amount: Decimal::ZERO,
            tax_code_id: l.tax_code_id,
            tax_amount: Decimal::ZERO,
        });
    }
    let mut billed: Vec<i64> = lines.iter().filter_map(|l| l.order_id).collect();
    billed.sort_unstable();
    billed.dedup();
    let (mut draft, tax_codes) = complete(
        db,
        &cx,
        InvoiceKind::Invoice,
        r.invoice_date,
        lines,
        billed.clone(),
    )
    .await?;
    // The counters and the orders' statuses, in a constant number of statements whatever the
    // number of lines. Then what every posting shares and holds locked until the commit (the
    // items whose stock moves, the number sequences) is written last: the packing slips, the
    // invoice.
    let shipped: Vec<shipping::SlipLine> = planned.iter().flat_map(|p| p.3.clone()).collect();
    // the order lines as this posting leaves them: shipped, then invoiced
    let now: Vec<sales_order_line::Model> = shipping::after_shipping(&order_lines, &shipped)
        .into_iter()
        .map(|mut l| {
            if let Some(q) = running.get(&l.id) {
                l.invoiced = Quantity::from_raw(*q);
            }
            l
        })
        .collect();
    let touched: Vec<sales_order_line::Model> = now
        .iter()
        .filter(|l| running.contains_key(&l.id) || shipped.iter().any(|s| s.line.id == l.id))
        .cloned()
        .collect();
    shipping::write_counters(db, &touched).await?;
    for (order_id, _, warehouse_id, slip) in &planned {
        shipping::use_picks(db, *order_id, *warehouse_id, slip).await?;
    }
    if !slip_lines.is_empty() {
        packing_slip_line::Entity::update_many()
            .col_expr(
                packing_slip_line::Column::Invoiced,
                Expr::col(packing_slip_line::Column::Quantity),
            )
            .filter(packing_slip_line::Column::Id.is_in(slip_lines.iter().map(|l| l.id)))
            .exec(db)
            .await?;
    }
    let now_of = |order_id: i64| -> Vec<sales_order_line::Model> {
        now.iter()
            .filter(|l| l.order_id == order_id)
            .cloned()
            .collect()
    };
    // only the orders the invoice bills or ships change
    let mut written = Vec::with_capacity(orders.len());
    for o in orders {
        // (an order that ships here is billed: what ships is invoiced)
        let doc = if billed.contains(&o.id) {
            DocumentStatus::Invoice
        } else {
            written.push(o);
            continue;
        };
        let now = now_of(o.id);
        let o = shipping::restate_from(db, o, doc, &now).await?;
        let o = if doc == DocumentStatus::Invoice
            && o.order_type == crate::extension::builtin::SUBSCRIPTION
        {
            renew(db, o, step).await?
        } else {
            o
        };
        written.push(o);
    }
    let postings = voucher_lines(&cx, &draft, &tax_codes);
    // the document as posted (its number set when drawn): what every format renders of it
    // later, whatever changes in the master data meanwhile
    let known = Known {
        company: &cx.company,
        currency: &cx.currency,
        customer: &cx.bill_to,
        tax_codes: Some(&tax_codes),
        orders: Some(
            written
                .iter()
                .filter(|o| draft.order_ids.contains(&o.id))
                .map(|o| o.number.clone())
                .collect(),
        ),
    };
    let doc = document_from(db, known, &draft, Some("")).await?;
    // the stock of every packing slip first, in one call (the items locked in id order), then
    // the numbers: the order of locks every posting keeps
    let entries = match (r.warehouse_id, shipped.is_empty()) {
        (Some(w), false) => {
            shipping::move_stock(db, company_id, w, r.invoice_date, &shipped).await?
        }
        _ => HashMap::new(),
    };
    let mut new_slip_lines: HashMap<i64, i64> = HashMap::new();
    for (order_id, customer_id, warehouse_id, slip) in &planned {
        let (_, lines) = shipping::insert_slip(
            db,
            company_id,
            &shipping::NewSlip {
                order_id: *order_id,
                customer_id: *customer_id,
                warehouse_id: *warehouse_id,
                ship_date: r.invoice_date,
                reverses_id: None,
                key: None,
                lines: slip,
                invoiced: true,
            },
            &entries,
        )
        .await?;
        new_slip_lines.extend(lines.into_iter().map(|l| (l.order_line_id, l.id)));
    }
    // the invoice lines of the new packing slip lines (one per order line)
    for l in draft
        .lines
        .iter_mut()
        .filter(|l| l.packing_slip_line_id.is_none())
    {
        l.packing_slip_line_id = l
            .order_line_id
            .and_then(|id| new_slip_lines.get(&id).copied());
    }
    let inv = write(
        db,
        &cx,
        &draft,
        postings,
        doc,
        key.as_ref().map(|k| (k.clone(), request_digest(r))),
    )
    .await?;
    Ok((written, inv, draft))
}

/// A subscription order is an open order again after each invoice (DOMAIN.md §13, invariant
/// 7): every line whose period is delivered and invoiced in full orders the next period, its
/// quantity and amount growing by one period's (its ordered quantity at its first renewal), so
/// its counters, remainders and the invoices of the line keep adding up. A line whose rest was
/// canceled has ended and is not renewed. The order's totals and status are recomputed.
async fn renew(
    db: &impl ConnectionTrait,
    o: sales_order::Model,
    step: Decimal,
) -> ServiceResult<sales_order::Model> {
    let lines = super::lines_of(db, &[o.id]).await?;
    let mut renewed = false;
    for l in lines {
        // a canceled rest ends the subscription of that line
        if l.canceled.raw() != 0 {
            continue;
        }
        let open = l.quantity.raw();
        let done = open > 0 && l.delivered.raw() >= open && l.invoiced.raw() == l.delivered.raw();
        if !done {
            continue;
        }
        let period = l.period_quantity.map_or(open, |p| p.raw());
        if period <= 0 {
            continue;
        }
        let amount = share_of(l.line_amount.value(), l.quantity.raw(), period, step);
        let (Some(quantity), Ok(line_amount)) = (
            l.quantity.raw().checked_add(period),
            Amount::new(l.line_amount.value() + amount),
        ) else {
            return Err(Violation::new(
                "orderIds",
                Rule::OutOfRange,
                format!("line {} cannot be renewed: out of range", l.line_number),
            )
            .into());
        };
        let mut am: sales_order_line::ActiveModel = l.clone().into();
        am.quantity = Set(Quantity::from_raw(quantity));
        am.line_amount = Set(line_amount);
        am.period_quantity = Set(Some(Quantity::from_raw(period)));
        am.updated_at = Set(Utc::now());
        am.update(db).await?;
        renewed = true;
    }
    if !renewed {
        return Ok(o);
    }
    // a renewal is the subscription running on, not a change the customer must confirm again
    let confirmation = o.needs_reconfirmation;
    let o = super::recompute(db, o).await?;
    if o.needs_reconfirmation == confirmation {
        return Ok(o);
    }
    let mut am: sales_order::ActiveModel = o.into();
    am.needs_reconfirmation = Set(confirmation);
    Ok(am.update(db).await?)
}

/// The lines of an invoice's voucher: receivable, revenue per account, invoice discount, tax
/// per code, rounding.
fn voucher_lines(cx: &Context, d: &Draft, codes: &super::TaxCodes) -> Vec<Posting> {
    // the voucher: receivable, revenue per account, invoice discount, tax per code, rounding
    let mut postings = vec![Posting {
        account: cx.company.receivable_account.clone(),
        description: format!("Receivable {}", cx.bill_to.account_number),
        amount: d.total_amount,
    }];
    let mut revenue: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut tax: BTreeMap<Option<i64>, Decimal> = BTreeMap::new();
    for l in &d.lines {
        *revenue.entry(&l.account).or_default() += l.line_amount;
        *tax.entry(l.tax_code_id).or_default() += l.tax_amount;
    }
    for (account, amount) in revenue {
        postings.push(Posting {
            account: account.to_owned(),
            description: "Revenue".into(),
            amount: -amount,
        });
    }
    postings.push(Posting {
        account: cx.company.invoice_discount_account.clone(),
        description: "Invoice discount".into(),
        amount: d.invoice_discount_amount,
    });
    for (code, amount) in tax {
        postings.push(Posting {
            account: cx.company.tax_account.clone(),
            description: format!(
                "Tax {}",
                code.and_then(|c| codes.get(&c).map(|t| t.code.clone()))
                    .unwrap_or_default()
            ),
            amount: -amount,
        });
    }
    postings.push(Posting {
        account: cx.company.rounding_account.clone(),
        description: "Invoice rounding".into(),
        amount: -d.rounding_amount,
    });
    postings
}

/// Writes an invoice with its voucher (`postings`, from [`voucher_lines`]) and its customer
/// ledger entry.
async fn write(
    db: &impl ConnectionTrait,
    cx: &Context,
    d: &Draft,
    postings: Vec<Posting>,
    mut doc: crate::extension::messages::InvoiceDocument,
    key: Option<(String, String)>,
) -> ServiceResult<customer_invoice::Model> {
    let company_id = cx.company.id;
    let seq = match d.kind {
        InvoiceKind::Invoice => SequenceKind::Invoice,
        InvoiceKind::FreeText => SequenceKind::FreeTextInvoice,
    };
    // the numbers are drawn last: a sequence row stays locked from its draw to the commit, so
    // what follows a draw is all that concurrent postings wait for
    let number = numbering::next_dated_number(
        db,
        company_id,
        seq,
        d.invoice_date,
        cx.company.chronological_numbering,
        "invoiceDate",
    )
    .await?;
    let voucher = gl::post_voucher(
        db,
        company_id,
        gl::NewVoucher {
            posting_date: d.invoice_date,
            currency_id: d.currency_id,
            exchange_rate: d.exchange_rate,
            base_step: cx.base.amount_precision.value(),
            rounding_account: cx.company.rounding_account.clone(),
            document_number: number.clone(),
            description: format!("Invoice {number} to {}", cx.bill_to.account_number),
            lines: postings,
            chronological: cx.company.chronological_numbering,
        },
    )
    .await?;
    let (idempotency_key, request_digest) = match key {
        Some((k, d)) => (Some(k), Some(d)),
        None => (None, None),
    };
    let rate = Rate::new(d.exchange_rate).map_err(|_| {
        ServiceError::from(Violation::new(
            "invoiceDate",
            Rule::OutOfRange,
            "the exchange rate is out of range",
        ))
    })?;
    let inv = customer_invoice::ActiveModel {
        company_id: Set(company_id),
        kind: Set(d.kind),
        number: Set(number.clone()),
        customer_id: Set(d.customer_id),
        currency_id: Set(d.currency_id),
        invoice_date: Set(d.invoice_date),
        due_date: Set(d.due_date),
        cash_discount_date: Set(d.cash_discount_date),
        cash_discount_amount: Set(stored("", d.cash_discount_amount)?),
        exchange_rate: Set(rate),
        line_amount: Set(stored("", d.line_amount)?),
        invoice_discount_amount: Set(stored("", d.invoice_discount_amount)?),
        net_amount: Set(stored("", d.net_amount)?),
        tax_amount: Set(stored("", d.tax_amount)?),
        rounding_amount: Set(stored("", d.rounding_amount)?),
        total_amount: Set(stored("", d.total_amount)?),
        base_net_amount: Set(stored("", d.base_net_amount)?),
        base_tax_amount: Set(stored("", d.base_tax_amount)?),
        base_total_amount: Set(stored("", d.base_total_amount)?),
        voucher_id: Set(voucher.id),
        idempotency_key: Set(idempotency_key),
        request_digest: Set(request_digest),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut rows = Vec::with_capacity(d.lines.len());
    for (i, l) in d.lines.iter().enumerate() {
        let field = format!("lines.{i}");
        rows.push(customer_invoice_line::ActiveModel {
            company_id: Set(company_id),
            invoice_id: Set(inv.id),
            line_number: Set(i as i32 + 1),
            order_id: Set(l.order_id),
            order_line_id: Set(l.order_line_id),
            packing_slip_line_id: Set(l.packing_slip_line_id),
            item_id: Set(l.item_id),
            description: Set(l.description.clone()),
            account: Set(l.account.clone()),
            quantity: Set(Quantity::new(l.quantity).map_err(|_| {
                ServiceError::from(Violation::new(
                    &field,
                    Rule::OutOfRange,
                    "the quantity is out of range",
                ))
            })?),
            unit_id: Set(l.unit_id),
            unit_price: Set(UnitPrice::new(l.unit_price).map_err(|_| {
                ServiceError::from(Violation::new(
                    &field,
                    Rule::OutOfRange,
                    "the unit price is out of range",
                ))
            })?),
            line_amount: Set(stored(&field, l.line_amount)?),
            invoice_discount_amount: Set(stored(&field, l.invoice_discount_amount)?),
            tax_code_id: Set(l.tax_code_id),
            tax_amount: Set(stored(&field, l.tax_amount)?),
            ..Default::default()
        });
    }
    customer_invoice_line::Entity::insert_many(rows)
        .exec(db)
        .await?;
    doc.number = number.clone();
    let document = serde_json::to_string(&doc)
        .map_err(|e| ServiceError::Db(DbErr::Custom(format!("invoice document: {e}"))))?;
    customer_invoice_document::ActiveModel {
        invoice_id: Set(inv.id),
        company_id: Set(company_id),
        document: Set(document),
    }
    .insert(db)
    .await?;
    ledger_entry::ActiveModel {
        company_id: Set(company_id),
        customer_id: Set(d.customer_id),
        entry_type: Set(LedgerEntryType::Invoice),
        document_number: Set(number),
        posting_date: Set(d.invoice_date),
        due_date: Set(Some(d.due_date)),
        currency_id: Set(d.currency_id),
        original_amount: Set(stored("", d.total_amount)?),
        remaining_amount: Set(stored("", d.total_amount)?),
        description: Set(None),
        created_at: Set(Utc::now()),
        invoice_id: Set(Some(inv.id)),
        cash_discount_date: Set(d.cash_discount_date),
        cash_discount_amount: Set(stored("", d.cash_discount_amount)?),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(inv)
}

/// The document of a posted invoice, as it was posted (every format renders it); for an
/// invoice posted before documents were kept, built from its figures and the current data.
pub async fn document_of_posted(
    db: &impl ConnectionTrait,
    inv: &customer_invoice::Model,
) -> ServiceResult<crate::extension::messages::InvoiceDocument> {
    if let Some(row) = customer_invoice_document::Entity::find_by_id(inv.id)
        .filter(customer_invoice_document::Column::CompanyId.eq(inv.company_id))
        .one(db)
        .await?
    {
        return serde_json::from_str(&row.document).map_err(|e| {
            ServiceError::Db(DbErr::Custom(format!(
                "the document of invoice {}: {e}",
                inv.number
            )))
        });
    }
    let d = draft_of_posted(db, inv).await?;
    document(db, inv.company_id, &d, Some(&inv.number)).await
}

/// The figures of a posted invoice, as a [`Draft`].
pub async fn draft_of_posted(
    db: &impl ConnectionTrait,
    inv: &customer_invoice::Model,
) -> ServiceResult<Draft> {
    let lines = lines_of_invoices(db, &[inv.id]).await?;
    let mut order_ids: Vec<i64> = lines.iter().filter_map(|l| l.order_id).collect();
    order_ids.sort_unstable();
    order_ids.dedup();
    Ok(Draft {
        kind: inv.kind,
        customer_id: inv.customer_id,
        currency_id: inv.currency_id,
        invoice_date: inv.invoice_date,
        due_date: inv.due_date,
        cash_discount_date: inv.cash_discount_date,
        cash_discount_amount: inv.cash_discount_amount.value(),
        exchange_rate: inv.exchange_rate.value(),
        lines: lines
            .into_iter()
            .map(|l| DraftLine {
                order_id: l.order_id,
                order_line_id: l.order_line_id,
                packing_slip_line_id: l.packing_slip_line_id,
                item_id: l.item_id,
                description: l.description,
                account: l.account,
                quantity: l.quantity.value(),
                unit_id: l.unit_id,
                unit_price: l.unit_price.value(),
                line_amount: l.line_amount.value(),
                invoice_discount_amount: l.invoice_discount_amount.value(),
                tax_code_id: l.tax_code_id,
                tax_amount: l.tax_amount.value(),
            })
            .collect(),
        line_amount: inv.line_amount.value(),
        invoice_discount_amount: inv.invoice_discount_amount.value(),
        net_amount: inv.net_amount.value(),
        tax_amount: inv.tax_amount.value(),
        rounding_amount: inv.rounding_amount.value(),
        total_amount: inv.total_amount.value(),
        base_net_amount: inv.base_net_amount.value(),
        base_tax_amount: inv.base_tax_amount.value(),
        base_total_amount: inv.base_total_amount.value(),
        order_ids,
    })
}

/// A free text invoice line.
#[derive(Debug, Clone)]
pub struct FreeTextLine {
    /// Text (required).
    pub description: String,
    /// The revenue account credited (required).
    pub account: String,
    /// Quantity (1 when absent).
    pub quantity: Option<Decimal>,
    /// Unit price; the line amount is quantity × unit price.
    pub unit_price: Option<Decimal>,
    /// The line amount, when given instead of a unit price.
    pub amount: Option<Decimal>,
    /// Tax code; none means exempt.
    pub tax_code_id: Option<i64>,
}

/// A free text invoice to post (or show as a pro forma).
#[derive(Debug, Clone)]
pub struct FreeTextInvoice {
    /// The customer billed (its invoice account when it has one).
    pub customer_id: i64,
    /// Invoice date.
    pub invoice_date: NaiveDate,
    /// The currency; the customer's when absent.
    pub currency_id: Option<i64>,
    /// Lines (at least one).
    pub lines: Vec<FreeTextLine>,
    /// A client's key for this posting.
    pub idempotency_key: Option<String>,
}

fn free_text_digest(f: &FreeTextInvoice) -> String {
    let lines: Vec<String> = f
        .lines
        .iter()
        .map(|l| {
            format!(
                "{}|{}|{:?}|{:?}|{:?}|{:?}",
                l.description,
                l.account,
                l.quantity.map(|d| d.normalize()),
                l.unit_price.map(|d| d.normalize()),
                l.amount.map(|d| d.normalize()),
                l.tax_code_id
            )
        })
        .collect();
    // the date is left out, as in the other postings' digests: a retry after midnight of a
    // request that left the date to the server is the same request
    crate::digest::sha256_hex(
        format!("free_text|{}|{:?}|{lines:?}", f.customer_id, f.currency_id).as_bytes(),
    )
}

/// Computes a free text invoice (checking every line), and posts it when `post`. The caller's
/// write transaction; a pro forma (`post = false`) writes nothing and draws no number.
pub async fn free_text_invoice(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &FreeTextInvoice,
    post: bool,
) -> ServiceResult<(Option<customer_invoice::Model>, Draft)> {
    let key = shipping::check_key(f.idempotency_key.as_deref())?;
    let mut locked = None;
    if post && let Some(k) = &key {
        // the company row serialises postings with keys, so a retry waits for its first try
        locked = Some(setup::lock_company(db, company_id).await?);
        if let Some(inv) = by_idempotency_key(db, company_id, k).await? {
            if inv.request_digest.as_deref() != Some(&free_text_digest(f)) {
                return Err(Violation::new(
                    "idempotencyKey",
                    Rule::IdempotencyKeyReused,
                    "this idempotency key was used for another posting",
                )
                .into());
            }
            let d = draft_of_posted(db, &inv).await?;
            return Ok((Some(inv), d));
        }
    }
    check_date(f.invoice_date)?;
    let customer = parties::get_customer(db, company_id, f.customer_id).await?;
    check_not_blocked(&customer, "customerId")?;
    let bill_to = super::bill_to(db, company_id, customer).await?;
    check_not_blocked(&bill_to, "customerId")?;
    let currency_id = f.currency_id.unwrap_or(bill_to.currency_id);
    let company = match locked {
        Some(c) => c,
        None => company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?,
    };
    let cx = context(db, company, bill_to.id, currency_id, f.invoice_date).await?;
    check_account_currency(&cx.bill_to, &cx.currency, "currencyId")?;
    let step = cx.currency.amount_precision.value();
    let mut v = Violations::new();
    if f.lines.is_empty() {
        v.push(Violation::new(
            "lines",
            Rule::NoLines,
            "a free text invoice needs a line",
        ));
    }
    if f.lines.len() > 500 {
        return Err(Violation::new("lines", Rule::OutOfRange, "at most 500 lines per call").into());
    }
    // the accounts the posting itself debits or credits are not revenue accounts
    let reserved = [
        &cx.company.receivable_account,
        &cx.company.tax_account,
        &cx.company.invoice_discount_account,
        &cx.company.rounding_account,
    ];
    let tax_ids: Vec<i64> = f.lines.iter().filter_map(|l| l.tax_code_id).collect();
    let codes: HashMap<i64, tax_code::Model> = tax_code::Entity::find()
        .filter(tax_code::Column::CompanyId.eq(company_id))
        .filter(tax_code::Column::Id.is_in(tax_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut lines = Vec::with_capacity(f.lines.len());
    for (i, l) in f.lines.iter().enumerate() {
        let p = |x: &str| format!("lines.{i}.{x}");
        let desc = v.check(validate::name(
            &p("description"),
            &l.description,
            validate::MAX_NAME,
        ));
        let account = v.check(validate::code(&p("account"), &l.account));
        if let Some(a) = &account
            && reserved.contains(&a)
        {
            v.push(Violation::new(
                &p("account"),
                Rule::InvalidValue,
                format!(
                    "{a} is the receivable, tax, invoice discount or rounding account: a free \
                     text line credits a revenue account"
                ),
            ));
        }
        let qty = l.quantity.unwrap_or(Decimal::ONE);
        let Some(q) = v.check(validate::quantity(&p("quantity"), qty)) else {
            continue;
        };
        if q.raw() <= 0 {
            v.push(Violation::new(
                &p("quantity"),
                Rule::InvalidValue,
                "a quantity is more than zero",
            ));
            continue;
        }
        if let Some(t) = l.tax_code_id
            && codes.get(&t).is_none_or(|c| c.archived_at.is_some())
        {
            v.push(Violation::new(
                &p("taxCodeId"),
                Rule::NotFound,
                "no such tax code",
            ));
        }
        let price = l.unit_price.unwrap_or(Decimal::ZERO);
        if let Some(up) = l.unit_price
            && UnitPrice::new(up).is_err()
        {
            v.push(Violation::new(
                &p("unitPrice"),
                Rule::PrecisionExceeded,
                "a unit price has at most 6 decimal places and 13 digits",
            ));
            continue;
        }
        let amount = match (l.amount, l.unit_price) {
            (Some(a), _) => Some(a),
            (None, Some(up)) => up.checked_mul(qty),
            (None, None) => {
                v.push(Violation::new(
                    &p("amount"),
                    Rule::Required,
                    "give the line's amount or its unit price",
                ));
                continue;
            }
        };
        // in range before it is rounded (rounding divides by the step)
        let Some(amount) = amount.filter(|a| Amount::new(*a).is_ok()) else {
            v.push(Violation::new(
                &p("amount"),
                Rule::OutOfRange,
                "the amount is out of range",
            ));
            continue;
        };
        let amount = round_to(amount, step, RoundingMode::Nearest);
        if let Some(a) = l.amount {
            v.check(validate::fits_step(&p("amount"), a, step));
        }
        let (Some(desc), Some(account)) = (desc, account) else {
            continue;
        };
        lines.push(DraftLine {
            order_id: None,
            order_line_id: None,
            packing_slip_line_id: None,
            item_id: None,
            description: desc,
            account,
            quantity: qty,
            unit_id: None,
            unit_price: price,
            line_amount: amount.normalize(),
            invoice_discount_amount: Decimal::ZERO,
            tax_code_id: l.tax_code_id,
            tax_amount: Decimal::ZERO,
        });
    }
    v.finish()?;
    let (draft, tax_codes) = complete(
        db,
        &cx,
        InvoiceKind::FreeText,
        f.invoice_date,
        lines,
        vec![],
    )
    .await?;
    // a credit is a credit note (with its own rules), not an invoice
    if draft.total_amount <= Decimal::ZERO {
        return Err(Violation::new(
            "lines",
            if draft.total_amount.is_zero() {
                Rule::NothingToInvoice
            } else {
                Rule::InvalidValue
            },
            "a free text invoice's total is more than zero; a credit is a credit note",
        )
        .into());
    }
    if !post {
        return Ok((None, draft));
    }
    let postings = voucher_lines(&cx, &draft, &tax_codes);
    let known = Known {
        company: &cx.company,
        currency: &cx.currency,
        customer: &cx.bill_to,
        tax_codes: Some(&tax_codes),
        orders: Some(vec![]),
    };
    let doc = document_from(db, known, &draft, Some("")).await?;
    let inv = write(
        db,
        &cx,
        &draft,
        postings,
        doc,
        key.map(|k| (k, free_text_digest(f))),
    )
    .await?;
    Ok((Some(inv), draft))
}

/// The lines of invoices (one statement).
pub async fn lines_of_invoices(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<customer_invoice_line::Model>> {
    Ok(customer_invoice_line::Entity::find()
        .filter(customer_invoice_line::Column::InvoiceId.is_in(ids.iter().copied()))
        .order_by_asc(customer_invoice_line::Column::InvoiceId)
        .order_by_asc(customer_invoice_line::Column::LineNumber)
        .all(db)
        .await?)
}

/// The invoice lines drawn from order lines (one statement).
pub async fn invoice_lines_of_order_lines(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<customer_invoice_line::Model>> {
    Ok(customer_invoice_line::Entity::find()
        .filter(customer_invoice_line::Column::OrderLineId.is_in(ids.iter().copied()))
        .order_by_asc(customer_invoice_line::Column::Id)
        .all(db)
        .await?)
}

/// The invoices that bill orders, by order (one statement).
pub async fn invoices_of_orders(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<(i64, customer_invoice::Model)>> {
    let lines = customer_invoice_line::Entity::find()
        .filter(customer_invoice_line::Column::OrderId.is_in(order_ids.iter().copied()))
        .all(db)
        .await?;
    let mut pairs: Vec<(i64, i64)> = lines
        .iter()
        .filter_map(|l| l.order_id.map(|o| (o, l.invoice_id)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let invoices: HashMap<i64, customer_invoice::Model> = customer_invoice::Entity::find()
        .filter(customer_invoice::Column::Id.is_in(pairs.iter().map(|p| p.1)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    Ok(pairs
        .into_iter()
        .filter_map(|(o, i)| invoices.get(&i).map(|inv| (o, inv.clone())))
        .collect())
}

/// One invoice of the company.
pub async fn get_invoice(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<customer_invoice::Model> {
    customer_invoice::Entity::find_by_id(id)
        .filter(customer_invoice::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("customer invoice"))
}

/// Which invoices a list shows.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// Of this invoice account.
    pub customer_id: Option<i64>,
    /// Of this kind.
    pub kind: Option<InvoiceKind>,
    /// Dated on or after.
    pub date_from: Option<NaiveDate>,
    /// Dated on or before.
    pub date_to: Option<NaiveDate>,
    /// Number contains.
    pub search: Option<String>,
}

fn invoice_query(company_id: i64, f: &InvoiceFilter) -> sea_orm::Select<customer_invoice::Entity> {
    use customer_invoice::Column as C;
    let mut q = customer_invoice::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[C::Number]) {
        q = q.filter(c);
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k));
    }
    if let Some(d) = f.date_from {
        q = q.filter(C::InvoiceDate.gte(d));
    }
    if let Some(d) = f.date_to {
        q = q.filter(C::InvoiceDate.lte(d));
    }
    q
}

/// How an invoice list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvoiceSort {
    /// By number (numeric within the sequence).
    #[default]
    Number,
    /// By invoice date.
    InvoiceDate,
    /// By total.
    Total,
}

/// One page of invoices.
pub async fn list_invoices(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &InvoiceFilter,
    sort: InvoiceSort,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<customer_invoice::Model>> {
    use crate::crm::SortKey;
    use customer_invoice::Column as C;
    let key = match sort {
        InvoiceSort::Number => SortKey::Number(C::Number),
        InvoiceSort::InvoiceDate => SortKey::Date(C::InvoiceDate),
        InvoiceSort::Total => SortKey::Int(C::TotalAmount),
    };
    crate::crm::page_sorted(db, invoice_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of invoices matching the filter.
pub async fn count_invoices(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &InvoiceFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, invoice_query(company_id, f)).await?)
}

/// The invoice document of a computed invoice, as invoice formats take it. `number` is `None`
/// for a pro forma.
pub async fn document(
    db: &impl ConnectionTrait,
    company_id: i64,
    d: &Draft,
    number: Option<&str>,
) -> ServiceResult<crate::extension::messages::InvoiceDocument> {
    let company = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    let cur = setup::get_currency(db, company_id, d.currency_id).await?;
    let customer = parties::get_customer(db, company_id, d.customer_id).await?;
    let known = Known {
        company: &company,
        currency: &cur,
        customer: &customer,
        tax_codes: None,
        orders: None,
    };
    document_from(db, known, d, number).await
}

/// What a posting has read already and [`document_from`] need not read again.
struct Known<'a> {
    company: &'a company::Model,
    currency: &'a currency::Model,
    /// The invoice account.
    customer: &'a parties::customer::Model,
    /// The tax codes of the lines, when read.
    tax_codes: Option<&'a super::TaxCodes>,
    /// The numbers of the orders billed, in id order, when at hand.
    orders: Option<Vec<String>>,
}

async fn document_from(
    db: &impl ConnectionTrait,
    known: Known<'_>,
    d: &Draft,
    number: Option<&str>,
) -> ServiceResult<crate::extension::messages::InvoiceDocument> {
    use crate::extension::messages as m;
    let company = known.company.clone();
    let company_id = company.id;
    let cur = known.currency.clone();
    let precision = cur.amount_precision.value().normalize().scale();
    let buyer = super::types::party(db, company_id, d.customer_id).await?;
    let customer = known.customer;
    let payment_terms = match customer.payment_terms_id {
        Some(id) => setup::payment_terms::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|t| m::PaymentTerms {
                code: t.code,
                description: t.description,
                net_days: t.net_days,
                discount_percent: t.cash_discount_percent.value(),
                discount_days: t.cash_discount_days,
            }),
        None => None,
    };
    let items: HashMap<i64, String> = crate::catalog::item::Entity::find()
        .filter(crate::catalog::item::Column::Id.is_in(d.lines.iter().filter_map(|l| l.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.number))
        .collect();
    let units: HashMap<i64, String> = crate::catalog::unit_of_measure::Entity::find()
        .filter(
            crate::catalog::unit_of_measure::Column::Id
                .is_in(d.lines.iter().filter_map(|l| l.unit_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let codes: HashMap<i64, tax_code::Model> = match known.tax_codes {
        Some(c) => c.clone(),
        None => tax_code::Entity::find()
            .filter(tax_code::Column::Id.is_in(d.lines.iter().filter_map(|l| l.tax_code_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect(),
    };
    let orders: Vec<String> = match known.orders {
        Some(o) => o,
        None => sales_order::Entity::find()
            .filter(sales_order::Column::Id.is_in(d.order_ids.iter().copied()))
            .order_by_asc(sales_order::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.number)
            .collect(),
    };
    let tax_of = |id: Option<i64>| -> (String, String, Decimal) {
        match id.and_then(|i| codes.get(&i)) {
            Some(t) if !t.rate.value().is_zero() => (t.code.clone(), "S".into(), t.rate.value()),
            Some(t) => (t.code.clone(), "Z".into(), Decimal::ZERO),
            None => ("EXEMPT".into(), "E".into(), Decimal::ZERO),
        }
    };
    let unit_step = cur.unit_price_precision.value();
    // amounts print at the currency's precision (USD 412.50, not 412.5)
    let at = |d: Decimal| {
        let mut x = d.normalize();
        if x.scale() < precision {
            x.rescale(precision);
        }
        x
    };
    let lines: Vec<m::InvoiceLine> = d
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (code, cat, rate) = tax_of(l.tax_code_id);
            let gross = round_to(
                l.unit_price * l.quantity,
                cur.amount_precision.value(),
                RoundingMode::Nearest,
            );
            let net_unit = if l.quantity.is_zero() {
                l.unit_price
            } else {
                round_to(l.line_amount / l.quantity, unit_step, RoundingMode::Nearest)
            };
            let unit = l
                .unit_id
                .and_then(|u| units.get(&u).cloned())
                .unwrap_or_default();
            m::InvoiceLine {
                line_number: i as i32 + 1,
                item_number: l.item_id.and_then(|x| items.get(&x).cloned()),
                description: l.description.clone(),
                quantity: l.quantity.normalize(),
                unit_code: if unit.is_empty() {
                    "C62".into()
                } else {
                    "H87".into()
                },
                unit,
                unit_price: net_unit.normalize(),
                gross_unit_price: Some(l.unit_price.normalize()),
                discount_amount: at((gross - l.line_amount).max(Decimal::ZERO)),
                line_amount: at(l.line_amount),
                tax_code: code,
                tax_category: cat,
                tax_rate: rate.normalize(),
            }
        })
        .collect();
    // tax per code on the net after the invoice discount
    let mut taxes: Vec<m::TaxLine> = Vec::new();
    for l in &d.lines {
        let (code, cat, rate) = tax_of(l.tax_code_id);
        let base = l.line_amount - l.invoice_discount_amount;
        match taxes.iter_mut().find(|t| t.tax_code == code) {
            Some(t) => {
                t.taxable_amount += base;
                t.tax_amount += l.tax_amount;
            }
            None => taxes.push(m::TaxLine {
                exemption_reason: (cat == "E").then(|| "Exempt".to_owned()),
                tax_code: code,
                tax_category: cat,
                rate,
                taxable_amount: base,
                tax_amount: l.tax_amount,
            }),
        }
    }
    for t in &mut taxes {
        t.taxable_amount = at(t.taxable_amount);
        t.tax_amount = at(t.tax_amount);
        t.rate = t.rate.normalize();
    }
    // the invoice discount as one allowance per tax code
    let mut allowance_charges = Vec::new();
    if !d.invoice_discount_amount.is_zero() {
        let mut per: Vec<(String, String, Decimal, Decimal)> = Vec::new();
        for l in &d.lines {
            let (code, cat, rate) = tax_of(l.tax_code_id);
            match per.iter_mut().find(|p| p.0 == code) {
                Some(p) => p.3 += l.invoice_discount_amount,
                None => per.push((code, cat, rate, l.invoice_discount_amount)),
            }
        }
        for (code, cat, rate, amount) in per {
            allowance_charges.push(m::AllowanceCharge {
                charge: false,
                reason: "Invoice discount".into(),
                amount: at(amount),
                tax_code: code,
                tax_category: cat,
                tax_rate: rate,
            });
        }
    }
    let mut notes = Vec::new();
    if number.is_none() {
        notes.push("Pro forma invoice: not a demand for payment".to_owned());
    }
    Ok(m::InvoiceDocument {
        kind: match (number, d.kind) {
            (None, _) => m::InvoiceKind::ProForma,
            (Some(_), InvoiceKind::Invoice) => m::InvoiceKind::Invoice,
            (Some(_), InvoiceKind::FreeText) => m::InvoiceKind::FreeText,
        },
        number: number.unwrap_or("PRO-FORMA").to_owned(),
        issue_date: Some(d.invoice_date),
        due_date: Some(d.due_date),
        delivery_date: None,
        currency: cur.code,
        currency_precision: precision,
        seller: m::Party {
            number: company.code,
            name: company.name,
            vat_id: company.vat_id,
            legal_id: company.legal_id,
            address: m::Address {
                line1: company.street.unwrap_or_default(),
                line2: None,
                city: company.city.unwrap_or_default(),
                postal_code: company.postal_code,
                region: None,
                country_code: company.country_code.unwrap_or_default(),
            },
            ..m::Party::default()
        },
        buyer,
        ship_to: None,
        buyer_reference: None,
        order_references: orders,
        preceding_invoice: None,
        payment_terms,
        notes,
        lines,
        allowance_charges,
        taxes,
        totals: m::InvoiceTotals {
            line_total: at(d.line_amount),
            allowance_total: at(d.invoice_discount_amount),
            charge_total: at(Decimal::ZERO),
            tax_basis_total: at(d.net_amount),
            tax_total: at(d.tax_amount),
            rounding_amount: at(d.rounding_amount),
            grand_total: at(d.total_amount),
            prepaid_amount: at(Decimal::ZERO),
            due_payable: at(d.total_amount),
        },
    })
}

/// One invoice a preview proposes: the documents it groups and its figures, or why it could
/// not be posted as it stands.
#[derive(Debug)]
pub struct Proposal {
    /// The invoice account.
    pub customer_id: i64,
    /// The currency.
    pub currency_id: i64,
    /// The orders it bills.
    pub order_ids: Vec<i64>,
    /// The packing slips it draws on, when asked by packing slip.
    pub packing_slip_ids: Vec<i64>,
    /// Its figures (a pro forma: no number), or the refusal its posting would meet.
    pub result: ServiceResult<Draft>,
}

/// Shows how documents would be invoiced, without posting anything: they are grouped by
/// invoice account and currency (one invoice each); for each group the order types' rules are
/// asked first (as a posting asks them, outside any transaction), then the posting is run in a
/// transaction that is rolled back, so its figures are exactly a posting's and no number is
/// consumed.
pub async fn preview(
    db: &crate::db::Db,
    registry: &crate::extension::registry::Registry,
    company_id: i64,
    r: &InvoiceRequest,
) -> ServiceResult<Vec<Proposal>> {
    use crate::extension::messages::{Transition, TransitionAction, TransitionRequest};
    let field = source_field(r);
    let given = match &r.source {
        InvoiceSource::Orders(ids) | InvoiceSource::PackingSlips(ids) => ids.len(),
    };
    if given > MAX_DOCUMENTS {
        return Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("at most {MAX_DOCUMENTS} documents per preview"),
        )
        .into());
    }
    let (ids, slips): (Vec<i64>, Vec<packing_slip::Model>) = match &r.source {
        InvoiceSource::Orders(ids) => (ids.clone(), vec![]),
        InvoiceSource::PackingSlips(ids) => {
            let slips = packing_slip::Entity::find()
                .filter(packing_slip::Column::CompanyId.eq(company_id))
                .filter(packing_slip::Column::Id.is_in(ids.iter().copied()))
                .all(&db.conn)
                .await?;
            (ids.clone(), slips)
        }
    };
    let order_ids: Vec<i64> = if slips.is_empty() && matches!(r.source, InvoiceSource::Orders(_)) {
        ids.clone()
    } else {
        slips.iter().map(|s| s.order_id).collect()
    };
    let orders = sales_order::Entity::find()
        .filter(sales_order::Column::CompanyId.eq(company_id))
        .filter(sales_order::Column::Id.is_in(order_ids.iter().copied()))
        .all(&db.conn)
        .await?;
    let mut v = Violations::new();
    for (i, id) in ids.iter().enumerate() {
        let found = match r.source {
            InvoiceSource::Orders(_) => orders.iter().any(|o| o.id == *id),
            InvoiceSource::PackingSlips(_) => slips.iter().any(|s| s.id == *id),
        };
        if !found {
            v.push(Violation::new(
                &format!("{field}.{i}"),
                Rule::NotFound,
                "not found",
            ));
        }
    }
    if ids.is_empty() {
        v.push(Violation::new(
            field,
            Rule::NothingToInvoice,
            "nothing was given",
        ));
    }
    v.finish()?;
    // groups in the order the documents were given
    // (invoice account, currency) → the orders and packing slips of that invoice
    type Group = ((i64, i64), Vec<i64>, Vec<i64>);
    let mut groups: Vec<Group> = Vec::new();
    for id in &ids {
        let (order, slip) = match r.source {
            InvoiceSource::Orders(_) => (orders.iter().find(|o| o.id == *id), None),
            InvoiceSource::PackingSlips(_) => {
                let s = slips.iter().find(|s| s.id == *id);
                (
                    s.and_then(|s| orders.iter().find(|o| o.id == s.order_id)),
                    s.map(|s| s.id),
                )
            }
        };
        let Some(o) = order else { continue };
        let key = (o.invoice_customer_id, o.currency_id);
        let g = match groups.iter_mut().position(|g| g.0 == key) {
            Some(i) => &mut groups[i],
            None => {
                groups.push((key, vec![], vec![]));
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        if !g.1.contains(&o.id) {
            g.1.push(o.id);
        }
        if let Some(s) = slip
            && !g.2.contains(&s)
        {
            g.2.push(s);
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for ((customer_id, currency_id), order_ids, slip_ids) in groups {
        let sub = InvoiceRequest {
            source: match r.source {
                InvoiceSource::Orders(_) => InvoiceSource::Orders(order_ids.clone()),
                InvoiceSource::PackingSlips(_) => InvoiceSource::PackingSlips(slip_ids.clone()),
            },
            invoice_date: r.invoice_date,
            warehouse_id: r.warehouse_id,
            idempotency_key: None,
        };
        // the order types' rules, as a posting asks them
        let actions: &[TransitionAction] = match r.source {
            InvoiceSource::Orders(_) => &[TransitionAction::Ship, TransitionAction::Invoice],
            InvoiceSource::PackingSlips(_) => &[TransitionAction::Invoice],
        };
        let mut refused = None;
        'rules: for id in &order_ids {
            let (order, _) = super::order_message(&db.conn, company_id, *id).await?;
            for a in actions {
                let req = TransitionRequest {
                    v: 1,
                    order_type: order.order_type.clone(),
                    order: order.clone(),
                    transition: Transition {
                        action: *a,
                        to_order_type: None,
                    },
                };
                if let Err(e) = registry.check_transition(req).await {
                    refused = Some(ServiceError::Extension(e));
                    break 'rules;
                }
            }
        }
        let result = match refused {
            Some(e) => Err(e),
            None => {
                let txn = db.begin_write().await?;
                let result = post_invoice(&txn, company_id, &sub, None)
                    .await
                    .map(|(_, _, d)| d);
                txn.rollback().await?;
                result
            }
        };
        out.push(Proposal {
            customer_id,
            currency_id,
            order_ids,
            packing_slip_ids: slip_ids,
            result,
        });
    }
    Ok(out)
}

fn exchange_rate_query(
    company_id: i64,
    currency_id: Option<i64>,
) -> sea_orm::Select<setup::exchange_rate::Entity> {
    use setup::exchange_rate::Column as C;
    let mut q = setup::exchange_rate::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = currency_id {
        q = q.filter(C::CurrencyId.eq(c));
    }
    q
}

/// One page of the company's exchange rates (of one currency when given), by the day they
/// apply from.
pub async fn list_exchange_rates(
    db: &impl crate::reads::Read,
    company_id: i64,
    currency_id: Option<i64>,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<setup::exchange_rate::Model>> {
    crate::crm::page_sorted(
        db,
        exchange_rate_query(company_id, currency_id),
        crate::crm::SortKey::Date(setup::exchange_rate::Column::ValidFrom),
        setup::exchange_rate::Column::Id,
        desc,
        args,
    )
    .await
}

/// Number of exchange rates matching the filter.
pub async fn count_exchange_rates(
    db: &impl crate::reads::Read,
    company_id: i64,
    currency_id: Option<i64>,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, exchange_rate_query(company_id, currency_id)).await?)
}
