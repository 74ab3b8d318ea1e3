//! Sales quotations: addressed to a customer or a prospect, priced and taxed like
//! orders, Created → Sent (re-sendable) → Confirmed | Lost | Canceled, and confirmed into exactly
//! one sales order with the same lines, prices and totals; a linked opportunity is then won.

use super::{
    Buyer, NewOrderLine, OrderStatus, QuotationStatus, ReleaseStatus, amount, company_rules,
    document_tax, sales_order, sales_order_line, sales_quotation, sales_quotation_line, violation,
};
use crate::crm::{self, OpportunityStatus, ProspectStatus};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::extension::builtin::SALES;
use crate::money::{Amount, Quantity};
use crate::numbering::SequenceKind;
use crate::paging::{Page, PageArgs};
use crate::parties::{self, Blocked};
use crate::refs::{self, Table};
use crate::setup;
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

/// Input of [`create_quotation`]: to a customer or to a prospect.
#[derive(Debug, Clone, Default)]
pub struct NewQuotation {
    /// A customer.
    pub customer_id: Option<i64>,
    /// Or a prospect.
    pub prospect_id: Option<i64>,
    /// Currency (prospects; a customer's own currency is used for customers). Base currency by default.
    pub currency_id: Option<i64>,
    /// Tax group (prospects; a customer's own tax group is used for customers).
    pub tax_group: Option<String>,
    /// Quotation date (prices are resolved on it); today by default.
    pub quotation_date: Option<NaiveDate>,
    /// Valid until (inclusive).
    pub valid_until: Option<NaiveDate>,
    /// Requested ship date.
    pub requested_ship_date: Option<NaiveDate>,
    /// The opportunity it belongs to (won when the quotation is confirmed).
    pub opportunity_id: Option<i64>,
    /// The campaign it is attributed to.
    pub campaign_id: Option<i64>,
    /// Lines.
    pub lines: Vec<NewOrderLine>,
}

async fn buyer(
    db: &impl ConnectionTrait,
    company_id: i64,
    q: &sales_quotation::Model,
) -> ServiceResult<Buyer> {
    let (rule, tax_mode) = company_rules(db, company_id).await?;
    let currency = setup::get_currency(db, company_id, q.currency_id).await?;
    let customer = match q.customer_id {
        Some(c) => Some(parties::get_customer(db, company_id, c).await?),
        None => None,
    };
    Ok(Buyer {
        customer,
        currency_id: q.currency_id,
        tax_group: q.tax_group.clone(),
        rule,
        tax_mode,
        step: currency.amount_precision.value(),
        currency,
    })
}

/// Creates a quotation in status Created, priced (trade agreements for a customer, base prices
/// for a prospect) and taxed.
pub async fn create_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewQuotation,
) -> ServiceResult<sales_quotation::Model> {
    let mut v = Violations::new();
    if i.customer_id.is_some() == i.prospect_id.is_some() {
        v.push(Violation::new(
            "customerId",
            Rule::Required,
            "address the quotation to a customer or to a prospect",
        ));
    }
    let mut currency_id = i.currency_id;
    let mut tax_group = v.check(validate::opt_code("taxGroup", i.tax_group.as_deref()));
    if let Some(c) = i.customer_id {
        v.check(refs::usable(db, company_id, Table::Customer, c, "customerId").await?);
        if let Ok(cust) = parties::get_customer(db, company_id, c).await {
            if cust.blocked == Blocked::All {
                v.push(Violation::new(
                    "customerId",
                    Rule::InvalidValue,
                    format!("customer {} is blocked", cust.account_number),
                ));
            }
            currency_id = Some(cust.currency_id);
            tax_group = Some(cust.tax_group.clone());
        }
    }
    if let Some(p) = i.prospect_id {
        match crm::get_prospect(db, company_id, p).await {
            Ok(pr) if pr.status == ProspectStatus::Inactive => v.push(Violation::new(
                "prospectId",
                Rule::InvalidValue,
                format!("prospect {} is inactive", pr.number),
            )),
            Ok(_) => {}
            Err(ServiceError::NotFound(_)) => v.push(Violation::new(
                "prospectId",
                Rule::NotFound,
                "prospect not found",
            )),
            Err(e) => return Err(e),
        }
    }
    let currency_id = match currency_id {
        Some(c) => {
            v.check(refs::usable(db, company_id, Table::Currency, c, "currencyId").await?);
            c
        }
        None => crate::setup::base_currency(db, company_id).await?.id,
    };
    if let Some(o) = i.opportunity_id {
        match crm::get_opportunity(db, company_id, o).await {
            Ok(op) if op.status != OpportunityStatus::Open => v.push(Violation::new(
                "opportunityId",
                Rule::IllegalTransition,
                format!("opportunity {} is closed", op.number),
            )),
            Ok(_) => {}
            Err(ServiceError::NotFound(_)) => v.push(Violation::new(
                "opportunityId",
                Rule::NotFound,
                "opportunity not found",
            )),
            Err(e) => return Err(e),
        }
    }
    if let Some(c) = i.campaign_id
        && let Err(ServiceError::NotFound(_)) = crm::get_campaign(db, company_id, c).await
    {
        v.push(Violation::new(
            "campaignId",
            Rule::NotFound,
            "campaign not found",
        ));
    }
    let date = i.quotation_date.unwrap_or_else(|| Utc::now().date_naive());
    if let Some(u) = i.valid_until
        && u < date
    {
        v.push(Violation::new(
            "validUntil",
            Rule::InvalidValue,
            "validUntil is before the quotation date",
        ));
    }
    if let Some(s) = i.requested_ship_date
        && s < date
    {
        v.push(Violation::new(
            "requestedShipDate",
            Rule::InvalidValue,
            "requestedShipDate is before the quotation date",
        ));
    }
    if i.customer_id.is_none()
        && let Some(Some(g)) = &tax_group
    {
        v.check(setup::check_customer_tax_group(db, company_id, "taxGroup", Some(g)).await?);
    }
    v.finish()?;
    let company = crate::setup::company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    let tax_group = Some(
        setup::document_tax_group(
            db,
            &company,
            tax_group.flatten().as_deref(),
            if i.customer_id.is_some() {
                "customerId"
            } else {
                "taxGroup"
            },
        )
        .await?,
    );
    let number = crate::numbering::number_for::<sales_quotation::Entity>(
        db,
        company_id,
        SequenceKind::Quotation,
        None,
        (
            sales_quotation::Column::CompanyId,
            sales_quotation::Column::Number,
        ),
        "document",
    )
    .await?;
    let now = Utc::now();
    let q = sales_quotation::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        customer_id: Set(i.customer_id),
        prospect_id: Set(i.prospect_id),
        currency_id: Set(currency_id),
        tax_group: Set(tax_group.flatten()),
        quotation_date: Set(date),
        valid_until: Set(i.valid_until),
        requested_ship_date: Set(i.requested_ship_date),
        opportunity_id: Set(i.opportunity_id),
        campaign_id: Set(i.campaign_id),
        status: Set(QuotationStatus::Created),
        status_reason: Set(None),
        sent_count: Set(0),
        sent_at: Set(None),
        confirmed_at: Set(None),
        sales_order_id: Set(None),
        net_amount: Set(Amount::ZERO),
        tax_amount: Set(Amount::ZERO),
        total_amount: Set(Amount::ZERO),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let b = buyer(db, company_id, &q).await?;
    let lc = super::LineContext::load(db, company_id, &b, &i.lines).await?;
    let priced = lc.price_all(&b, date, false, &i.lines)?;
    let parts: Vec<(Decimal, Option<i64>)> = priced
        .iter()
        .map(|p| (p.line_amount.value(), p.tax_code_id))
        .collect();
    let t = quotation_totals(db, &q, b.step, b.tax_mode, &parts).await?;
    let mut models = Vec::with_capacity(priced.len());
    for (n, ((p, tax), share)) in priced
        .into_iter()
        .zip(&t.line_tax)
        .zip(&t.shares)
        .enumerate()
    {
        models.push(line_model(
            company_id,
            q.id,
            (n as i32 + 1) * 10,
            p,
            amount(*tax)?,
            amount(*share)?,
        ));
    }
    super::insert_all(db, models).await?;
    let mut am: sales_quotation::ActiveModel = q.into();
    am.invoice_discount_amount = Set(amount(t.discount)?);
    am.net_amount = Set(amount(t.net)?);
    am.tax_amount = Set(amount(t.tax)?);
    am.total_amount = Set(amount(t.net + t.tax)?);
    Ok(am.update(db).await?)
}

/// A quotation's invoice discount, tax and totals from its lines (gross amount and tax code
/// each): a customer's quotation takes the invoice discount of its bill-to customer's terms,
/// as the order it becomes does (so confirming keeps the totals); a prospect has no terms.
async fn quotation_totals(
    db: &impl ConnectionTrait,
    q: &sales_quotation::Model,
    step: Decimal,
    mode: crate::tax::TaxMode,
    parts: &[(Decimal, Option<i64>)],
) -> ServiceResult<super::Totals> {
    let Some(customer_id) = q.customer_id else {
        let (line_tax, tax, tax_codes) = document_tax(db, parts, step, mode).await?;
        return Ok(super::Totals {
            shares: vec![Decimal::ZERO; parts.len()],
            line_tax,
            discount: Decimal::ZERO,
            net: parts.iter().map(|p| p.0).sum(),
            tax,
            tax_codes,
        });
    };
    let customer = parties::get_customer(db, q.company_id, customer_id).await?;
    let bill_to = super::bill_to(db, q.company_id, customer).await?;
    super::totals(db, q.company_id, &bill_to, q.currency_id, step, mode, parts).await
}

fn line_model(
    company_id: i64,
    quotation_id: i64,
    line_number: i32,
    p: super::Priced,
    tax: Amount,
    invoice_discount: Amount,
) -> sales_quotation_line::ActiveModel {
    let now = Utc::now();
    sales_quotation_line::ActiveModel {
        company_id: Set(company_id),
        quotation_id: Set(quotation_id),
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
        invoice_discount_amount: Set(invoice_discount),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn insert_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    quotation_id: i64,
    line_number: i32,
    p: super::Priced,
) -> ServiceResult<sales_quotation_line::Model> {
    Ok(line_model(
        company_id,
        quotation_id,
        line_number,
        p,
        Amount::ZERO,
        Amount::ZERO,
    )
    .insert(db)
    .await?)
}

/// Lines of quotations, in line-number order (one statement for many quotations).
pub async fn quotation_lines_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<sales_quotation_line::Model>> {
    Ok(sales_quotation_line::Entity::find()
        .filter(sales_quotation_line::Column::QuotationId.is_in(ids.iter().copied()))
        .order_by_asc(sales_quotation_line::Column::QuotationId)
        .order_by_asc(sales_quotation_line::Column::LineNumber)
        .all(db)
        .await?)
}

async fn recompute(
    db: &impl ConnectionTrait,
    q: sales_quotation::Model,
) -> ServiceResult<sales_quotation::Model> {
    let lines = quotation_lines_of(db, &[q.id]).await?;
    let step = setup::get_currency(db, q.company_id, q.currency_id)
        .await?
        .amount_precision
        .value();
    let parts: Vec<(Decimal, Option<i64>)> = lines
        .iter()
        .map(|l| (l.line_amount.value(), l.tax_code_id))
        .collect();
    let mode = company_rules(db, q.company_id).await?.1;
    let t = quotation_totals(db, &q, step, mode, &parts).await?;
    for ((l, tax), share) in lines.into_iter().zip(&t.line_tax).zip(&t.shares) {
        if l.tax_amount.value() != *tax || l.invoice_discount_amount.value() != *share {
            let mut am: sales_quotation_line::ActiveModel = l.into();
            am.tax_amount = Set(amount(*tax)?);
            am.invoice_discount_amount = Set(amount(*share)?);
            am.update(db).await?;
        }
    }
    let mut am: sales_quotation::ActiveModel = q.into();
    am.invoice_discount_amount = Set(amount(t.discount)?);
    am.net_amount = Set(amount(t.net)?);
    am.tax_amount = Set(amount(t.tax)?);
    am.total_amount = Set(amount(t.net + t.tax)?);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// One quotation of the company.
pub async fn get_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_quotation::Model> {
    sales_quotation::Entity::find_by_id(id)
        .filter(sales_quotation::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales quotation"))
}

/// One quotation, locked until the transaction ends ([`crate::db::locking`]): every service
/// that changes a quotation reads it through this first.
pub async fn lock_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_quotation::Model> {
    crate::db::locking(
        db,
        sales_quotation::Entity::find_by_id(id)
            .filter(sales_quotation::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("sales quotation"))
}

fn open(q: &sales_quotation::Model) -> ServiceResult<()> {
    if matches!(q.status, QuotationStatus::Created | QuotationStatus::Sent) {
        Ok(())
    } else {
        Err(violation(
            "id",
            Rule::IllegalTransition,
            format!(
                "quotation {} is {} and read-only",
                q.number,
                q.status.to_value()
            ),
        ))
    }
}

/// Adds a line to a created or sent quotation.
pub async fn add_quotation_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    l: NewOrderLine,
) -> ServiceResult<sales_quotation::Model> {
    let q = lock_quotation(db, company_id, id).await?;
    open(&q)?;
    let b = buyer(db, company_id, &q).await?;
    let p = super::price_line(db, company_id, &b, q.quotation_date, false, "line.", &l).await?;
    let last = quotation_lines_of(db, &[q.id])
        .await?
        .iter()
        .map(|l| l.line_number)
        .max()
        .unwrap_or(0);
    insert_line(db, company_id, q.id, last + 10, p).await?;
    recompute(db, q).await
}

/// Deletes a line of a created or sent quotation.
pub async fn delete_quotation_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
) -> ServiceResult<sales_quotation::Model> {
    let find = || {
        sales_quotation_line::Entity::find_by_id(line_id)
            .filter(sales_quotation_line::Column::CompanyId.eq(company_id))
    };
    let quotation_id = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales quotation line"))?
        .quotation_id;
    let q = lock_quotation(db, company_id, quotation_id).await?;
    let line = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales quotation line"))?;
    open(&q)?;
    sales_quotation_line::Entity::delete_by_id(line.id)
        .exec(db)
        .await?;
    recompute(db, q).await
}

/// Sends (or re-sends) a created or sent quotation.
pub async fn send_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_quotation::Model> {
    let q = lock_quotation(db, company_id, id).await?;
    open(&q)?;
    let count = q.sent_count + 1;
    let mut am: sales_quotation::ActiveModel = q.into();
    am.status = Set(QuotationStatus::Sent);
    am.sent_count = Set(count);
    am.sent_at = Set(Some(Utc::now()));
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Closes a created or sent quotation as lost or canceled; needs a reason.
pub async fn close_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    to: QuotationStatus,
    reason: Option<String>,
) -> ServiceResult<sales_quotation::Model> {
    let q = lock_quotation(db, company_id, id).await?;
    open(&q)?;
    if !matches!(to, QuotationStatus::Lost | QuotationStatus::Canceled) {
        return Err(violation(
            "status",
            Rule::InvalidValue,
            "close as lost or canceled",
        ));
    }
    let reason = validate::opt_text("reason", reason.as_deref(), validate::MAX_NAME)?;
    if reason.is_none() {
        return Err(violation("reason", Rule::ReasonRequired, "give a reason"));
    }
    let mut am: sales_quotation::ActiveModel = q.into();
    am.status = Set(to);
    am.status_reason = Set(reason);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Confirms a created or sent quotation into exactly one sales order with the same lines,
/// prices, discounts, tax and totals. A quotation to a prospect needs the prospect converted
/// first; an expired one is refused. A linked open opportunity is won.
pub(crate) async fn confirm_quotation(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    today: NaiveDate,
) -> ServiceResult<(sales_quotation::Model, sales_order::Model)> {
    let q = lock_quotation(db, company_id, id).await?;
    open(&q)?;
    if let Some(u) = q.valid_until
        && u < today
    {
        return Err(violation(
            "id",
            Rule::QuotationExpired,
            format!("quotation {} expired on {u}", q.number),
        ));
    }
    if quotation_lines_of(db, &[q.id]).await?.is_empty() {
        return Err(violation(
            "id",
            Rule::NoLines,
            format!("quotation {} has no lines to confirm", q.number),
        ));
    }
    let customer_id = match (q.customer_id, q.prospect_id) {
        (Some(c), _) => c,
        (None, Some(p)) => {
            let pr = crm::get_prospect(db, company_id, p).await?;
            match (pr.status, pr.converted_customer_id) {
                (ProspectStatus::Converted, Some(c)) => c,
                _ => {
                    return Err(violation(
                        "id",
                        Rule::ProspectNotCustomer,
                        format!(
                            "quotation {} is for prospect {}: convert it to a customer first",
                            q.number, pr.number
                        ),
                    ));
                }
            }
        }
        (None, None) => return Err(ServiceError::NotFound("customer")),
    };
    let cust = parties::get_customer(db, company_id, customer_id).await?;
    if cust.blocked == Blocked::All {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            format!("customer {} is blocked", cust.account_number),
        ));
    }
    if cust.currency_id != q.currency_id {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            "the customer's currency differs from the quotation's",
        ));
    }
    let number = crate::numbering::number_for::<sales_order::Entity>(
        db,
        company_id,
        SequenceKind::SalesOrder,
        None,
        (sales_order::Column::CompanyId, sales_order::Column::Number),
        "document",
    )
    .await?;
    let now = Utc::now();
    let order = sales_order::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        order_type: Set(SALES.to_owned()),
        customer_id: Set(cust.id),
        invoice_customer_id: Set(cust.invoice_account_id.unwrap_or(cust.id)),
        currency_id: Set(q.currency_id),
        order_date: Set(today),
        requested_ship_date: Set(q.requested_ship_date),
        customer_reference: Set(None),
        attributes: Set(None),
        status: Set(OrderStatus::OpenOrder),
        release_status: Set(ReleaseStatus::Open),
        invoice_discount_amount: Set(q.invoice_discount_amount),
        net_amount: Set(q.net_amount),
        tax_amount: Set(q.tax_amount),
        total_amount: Set(q.total_amount),
        rma_number: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        quotation_id: Set(Some(q.id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for l in quotation_lines_of(db, &[q.id]).await? {
        sales_order_line::ActiveModel {
            company_id: Set(company_id),
            order_id: Set(order.id),
            line_number: Set(l.line_number),
            item_id: Set(l.item_id),
            description: Set(l.description),
            unit_id: Set(l.unit_id),
            quantity: Set(l.quantity),
            unit_price: Set(l.unit_price),
            price_source: Set(l.price_source),
            price_agreement_line_id: Set(l.price_agreement_line_id),
            discount_percent: Set(l.discount_percent),
            discount_amount: Set(l.discount_amount),
            discount_source: Set(l.discount_source),
            line_amount: Set(l.line_amount),
            tax_code_id: Set(l.tax_code_id),
            tax_amount: Set(l.tax_amount),
            invoice_discount_amount: Set(l.invoice_discount_amount),
            delivered: Set(Quantity::ZERO),
            invoiced: Set(Quantity::ZERO),
            canceled: Set(Quantity::ZERO),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    if let Some(o) = q.opportunity_id {
        let op = crm::get_opportunity(db, company_id, o).await?;
        if op.status == OpportunityStatus::Open {
            crm::close_opportunity(
                db,
                company_id,
                o,
                OpportunityStatus::Won,
                Some(format!("Quotation {} confirmed", q.number)),
                Some(today),
            )
            .await?;
        }
    }
    let mut am: sales_quotation::ActiveModel = q.into();
    am.status = Set(QuotationStatus::Confirmed);
    am.confirmed_at = Set(Some(now));
    am.sales_order_id = Set(Some(order.id));
    am.updated_at = Set(now);
    let q = am.update(db).await?;
    Ok((q, order))
}

/// Which quotations a list shows.
#[derive(Debug, Clone, Default)]
pub struct QuotationFilter {
    /// Part of the number.
    pub search: Option<String>,
    /// Status.
    pub status: Option<QuotationStatus>,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Prospect.
    pub prospect_id: Option<i64>,
    /// Quotation date on or after.
    pub quotation_date_from: Option<NaiveDate>,
    /// Quotation date on or before.
    pub quotation_date_to: Option<NaiveDate>,
    /// Changed at or after.
    pub updated_since: Option<chrono::DateTime<Utc>>,
}

/// What a list of quotations is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotationSort {
    /// Number, in numeric order.
    #[default]
    Number,
    /// Quotation date.
    QuotationDate,
    /// Total amount including tax.
    TotalAmount,
    /// Last change.
    UpdatedAt,
}

fn quotation_query(company_id: i64, f: &QuotationFilter) -> Select<sales_quotation::Entity> {
    let mut q =
        sales_quotation::Entity::find().filter(sales_quotation::Column::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[sales_quotation::Column::Number])
    {
        q = q.filter(c);
    }
    if let Some(s) = f.status {
        q = q.filter(sales_quotation::Column::Status.eq(s));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(sales_quotation::Column::CustomerId.eq(c));
    }
    if let Some(p) = f.prospect_id {
        q = q.filter(sales_quotation::Column::ProspectId.eq(p));
    }
    if let Some(d) = f.quotation_date_from {
        q = q.filter(sales_quotation::Column::QuotationDate.gte(d));
    }
    if let Some(d) = f.quotation_date_to {
        q = q.filter(sales_quotation::Column::QuotationDate.lte(d));
    }
    if let Some(t) = f.updated_since {
        q = q.filter(sales_quotation::Column::UpdatedAt.gte(t));
    }
    q
}

/// One page of quotations.
pub async fn list_quotations(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &QuotationFilter,
    sort: QuotationSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<sales_quotation::Model>> {
    use crate::crm::SortKey;
    use sales_quotation::Column as C;
    let key = match sort {
        QuotationSort::Number => SortKey::Number(C::Number),
        QuotationSort::QuotationDate => SortKey::Date(C::QuotationDate),
        QuotationSort::TotalAmount => SortKey::Int(C::TotalAmount),
        QuotationSort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    crate::crm::page_sorted(db, quotation_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of quotations matching the filter.
pub async fn count_quotations(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &QuotationFilter,
) -> ServiceResult<u64> {
    Ok(quotation_query(company_id, f).count(db).await?)
}
