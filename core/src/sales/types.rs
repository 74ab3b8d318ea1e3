//! Order types through the extension registry (DOMAIN.md 3.2): the order as the extension
//! sees it, the host's check of `attributes` against the type's schema, and changing an
//! order's type. Extensions are called by the API between reads and the write transaction,
//! never while one is open; these functions only read, or write once the extension agreed.

use super::{
    Buyer, LineContext, NewOrder, OrderStatus, ReleaseStatus, get_order, lines_of, sales_order,
    violation,
};
use crate::catalog::{self, ItemKind};
use crate::error::{Rule, ServiceError, ServiceResult, Violations};
use crate::extension::messages::{self, Order, OrderLine};
use crate::extension::registry::Registry;
use crate::extension::schema;
use crate::parties;
use crate::setup;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait};

fn status_text(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::OpenOrder => "OPEN",
        OrderStatus::Delivered => "DELIVERED",
        OrderStatus::Invoiced => "INVOICED",
        OrderStatus::Canceled => "CANCELED",
    }
}

fn release_text(s: ReleaseStatus) -> &'static str {
    match s {
        ReleaseStatus::Open => "OPEN",
        ReleaseStatus::Released => "RELEASED",
        ReleaseStatus::PendingApproval => "PENDING_APPROVAL",
    }
}

/// Checks attributes against the order type's schema; violations under `attributes`.
pub fn check_attributes(
    registry: &Registry,
    order_type: &str,
    attributes: &serde_json::Value,
) -> ServiceResult<()> {
    let Some(t) = registry.order_type(order_type) else {
        return Err(violation(
            "orderType",
            Rule::NotFound,
            format!("order type {order_type} is not registered"),
        ));
    };
    let mut out = Vec::new();
    schema::check(
        &t.decl.attributes_schema,
        attributes,
        "attributes",
        &mut out,
    );
    if out.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(out))
    }
}

async fn party(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_id: i64,
) -> ServiceResult<messages::Party> {
    let c = parties::get_customer(db, company_id, customer_id).await?;
    let p = parties::get_party(db, company_id, c.party_id).await?;
    Ok(messages::Party {
        number: c.account_number,
        name: p.name,
        email: p.email,
        ..messages::Party::default()
    })
}

/// The order a new-order input would save, as extensions see it (read-only: prices are
/// resolved, nothing is written). Input problems come back as the create would report them.
pub async fn draft_message(
    db: &impl ConnectionTrait,
    registry: &Registry,
    company_id: i64,
    i: &NewOrder,
) -> ServiceResult<Order> {
    let attributes = i
        .attributes
        .clone()
        .unwrap_or_else(|| serde_json::json!({}));
    check_attributes(registry, &i.order_type, &attributes)?;
    let customer = match parties::get_customer(db, company_id, i.customer_id).await {
        Ok(c) => c,
        Err(ServiceError::NotFound(_)) => {
            return Err(violation(
                "customerId",
                Rule::NotFound,
                "customer not found",
            ));
        }
        Err(e) => return Err(e),
    };
    let buyer = Buyer::of_customer(db, company_id, customer.clone()).await?;
    let currency = buyer.currency.clone();
    let date = i.order_date.unwrap_or_else(|| Utc::now().date_naive());
    let returned = i.order_type == crate::extension::builtin::RETURNED;
    let mut all = i.lines.clone();
    if !returned {
        all.extend(super::standard::automatic_lines(db, company_id, customer.id, date).await?);
    }
    let mut v = Violations::new();
    let mut lines = Vec::new();
    let mut net = Decimal::ZERO;
    let lc = LineContext::load(db, company_id, &buyer, &all).await?;
    for (n, l) in all.iter().enumerate() {
        match lc.price(&buyer, date, returned, &format!("lines.{n}."), l) {
            Ok(p) => {
                let Some(item) = lc.item(p.item_id) else {
                    return Err(ServiceError::NotFound("item"));
                };
                net += p.line_amount.value();
                lines.push(OrderLine {
                    line_number: (n as i32 + 1) * 10,
                    item_number: item.number.clone(),
                    item_kind: match item.kind {
                        ItemKind::Stocked => "STOCKED",
                        ItemKind::Service => "SERVICE",
                    }
                    .into(),
                    description: p.description,
                    quantity: p.quantity.value(),
                    unit_price: p.unit_price.value(),
                    line_amount: p.line_amount.value(),
                    requested_ship_date: i.requested_ship_date,
                    ..OrderLine::default()
                });
            }
            Err(ServiceError::Invalid(vs)) => {
                for x in vs {
                    v.push(x);
                }
            }
            Err(e) => return Err(e),
        }
    }
    v.finish()?;
    Ok(Order {
        number: String::new(),
        order_type: i.order_type.clone(),
        customer: party(db, company_id, customer.id).await?,
        currency: currency.code,
        order_date: Some(date),
        requested_ship_date: i.requested_ship_date,
        status: "OPEN".into(),
        release_status: "OPEN".into(),
        origin: "manual".into(),
        attributes,
        lines,
        net_amount: net,
    })
}

/// A saved order as extensions see it, with the time it was last changed (to detect a change
/// between the extension's answer and the write).
pub async fn order_message(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
) -> ServiceResult<(Order, DateTime<Utc>)> {
    let o = get_order(db, company_id, order_id).await?;
    let currency = setup::get_currency(db, company_id, o.currency_id).await?;
    let mut lines = Vec::new();
    for l in lines_of(db, &[o.id]).await? {
        let item = catalog::get_item(db, company_id, l.item_id).await?;
        lines.push(OrderLine {
            line_number: l.line_number,
            item_number: item.number,
            item_kind: match item.kind {
                ItemKind::Stocked => "STOCKED",
                ItemKind::Service => "SERVICE",
            }
            .into(),
            description: l.description,
            quantity: l.quantity.value(),
            unit_price: l.unit_price.value(),
            line_amount: l.line_amount.value(),
            requested_ship_date: o.requested_ship_date,
            delivered_quantity: l.delivered.value(),
            invoiced_quantity: l.invoiced.value(),
            ..OrderLine::default()
        });
    }
    let attributes = o
        .attributes
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    Ok((
        Order {
            number: o.number.clone(),
            order_type: o.order_type.clone(),
            customer: party(db, company_id, o.customer_id).await?,
            currency: currency.code,
            order_date: Some(o.order_date),
            requested_ship_date: o.requested_ship_date,
            status: status_text(o.status).into(),
            release_status: release_text(o.release_status).into(),
            origin: if o.quotation_id.is_some() {
                "quotation"
            } else {
                "manual"
            }
            .into(),
            attributes,
            lines,
            net_amount: o.net_amount.value(),
        },
        o.updated_at,
    ))
}

/// Changes an order's type and attributes, once the current type's rules allowed it and the
/// new type validated the order. Refused when the order changed since it was read (`seen`).
pub async fn change_type(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    to: &str,
    attributes: serde_json::Value,
    seen: DateTime<Utc>,
) -> ServiceResult<sales_order::Model> {
    let o = super::lock_order(db, company_id, order_id).await?;
    if o.updated_at != seen {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            format!("sales order {} changed meanwhile; try again", o.number),
        ));
    }
    let mut am: sales_order::ActiveModel = o.into();
    am.order_type = Set(to.to_owned());
    am.attributes = Set(Some(attributes.to_string()));
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}
