//! Order types through the extension registry: the order as the extension
//! sees it, the host's check of `attributes` against the type's schema, and changing an
//! order's type. Extensions are called by the API between reads and the write transaction,
//! never while one is open; these functions only read, or write once the extension agreed.

use super::{OrderStatus, ReleaseStatus, get_order, lines_of, sales_order, violation};
use crate::catalog::{self, ItemKind};
use crate::error::{Rule, ServiceError, ServiceResult};
use crate::extension::messages::{self, Order, OrderLine};
use crate::extension::registry::Registry;
use crate::extension::schema;
use crate::parties;
use crate::setup;
use chrono::{DateTime, Utc};
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
    let Some(schema) = registry.attribute_schema(order_type) else {
        return Err(violation(
            "orderType",
            Rule::NotFound,
            format!("order type {order_type} is not registered"),
        ));
    };
    let mut out = Vec::new();
    schema::check(schema, attributes, "attributes", &mut out);
    if out.is_empty() {
        return Ok(());
    }
    Err(ServiceError::Invalid(
        out.into_iter()
            .map(|v| {
                let rule = match v.rule {
                    schema::Rule::Required => Rule::Required,
                    schema::Rule::InvalidFormat => Rule::InvalidFormat,
                    schema::Rule::TooLong => Rule::TooLong,
                    schema::Rule::OutOfRange => Rule::OutOfRange,
                    schema::Rule::InvalidValue => Rule::InvalidValue,
                };
                crate::error::Violation {
                    field: v.field,
                    rule,
                    message: v.message,
                }
            })
            .collect(),
    ))
}

pub(crate) async fn party(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_id: i64,
) -> ServiceResult<messages::Party> {
    let c = parties::get_customer(db, company_id, customer_id).await?;
    let p = parties::get_party(db, company_id, c.party_id).await?;
    // The invoice address (the first by code when several are), else the first one.
    let mut addresses = parties::address::Entity::find()
        .filter(parties::address::Column::CompanyId.eq(company_id))
        .filter(parties::address::Column::PartyId.eq(p.id))
        .all(db)
        .await?;
    addresses.sort_by(|a, b| (!a.for_invoice, &a.code).cmp(&(!b.for_invoice, &b.code)));
    let address = addresses
        .into_iter()
        .next()
        .map(|a| messages::Address {
            line1: a.street,
            line2: None,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country_code: a.country_code,
        })
        .unwrap_or_default();
    let contact = (p.phone.is_some() || p.email.is_some()).then(|| messages::Contact {
        name: None,
        email: p.email.clone(),
        phone: p.phone.clone(),
    });
    Ok(messages::Party {
        number: c.account_number,
        name: p.name,
        email: p.email,
        address,
        contact,
        ..messages::Party::default()
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
    let order_lines = lines_of(db, &[o.id]).await?;
    // The lines' items in one statement, whatever the number of lines.
    let items: std::collections::HashMap<i64, catalog::item::Model> = catalog::item::Entity::find()
        .filter(catalog::item::Column::CompanyId.eq(company_id))
        .filter(catalog::item::Column::Id.is_in(order_lines.iter().map(|l| l.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let units: std::collections::HashMap<i64, String> = catalog::unit_of_measure::Entity::find()
        .filter(catalog::unit_of_measure::Column::CompanyId.eq(company_id))
        .filter(catalog::unit_of_measure::Column::Id.is_in(order_lines.iter().map(|l| l.unit_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    // what picking lists hold of each line (open, or picked and not shipped)
    let picks = super::picking::picks_of_lines(db, &[o.id], None).await?;
    let mut lines = Vec::with_capacity(order_lines.len());
    for l in order_lines {
        let item = items
            .get(&l.item_id)
            .ok_or(ServiceError::NotFound("item"))?;
        let picked = picks.get(&l.id).map_or(0, |p| p.open + p.picked.max(0));
        lines.push(OrderLine {
            line_number: l.line_number,
            item_number: item.number.clone(),
            item_kind: match item.kind {
                ItemKind::Stocked => "STOCKED",
                ItemKind::Service => "SERVICE",
            }
            .into(),
            description: l.description,
            quantity: l.quantity.value(),
            unit: units.get(&l.unit_id).cloned().unwrap_or_default(),
            unit_price: l.unit_price.value(),
            line_amount: l.line_amount.value(),
            requested_ship_date: o.requested_ship_date,
            delivered_quantity: l.delivered.value(),
            invoiced_quantity: l.invoiced.value(),
            picked_quantity: crate::money::Quantity::from_raw(picked).value(),
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

/// Changes an order's type and attributes (the given ones, or the current ones), checked
/// against the new type's attribute schema. The types' rules are asked by
/// [`super::change`], which every change of an order goes through.
pub(crate) async fn change_type(
    db: &impl ConnectionTrait,
    registry: &Registry,
    company_id: i64,
    order_id: i64,
    to: &str,
    attributes: Option<serde_json::Value>,
) -> ServiceResult<sales_order::Model> {
    let o = super::lock_order(db, company_id, order_id).await?;
    let attributes = match attributes {
        Some(a) => a,
        None => o
            .attributes
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_else(|| serde_json::json!({})),
    };
    check_attributes(registry, to, &attributes)?;
    let mut am: sales_order::ActiveModel = o.into();
    am.order_type = Set(to.to_owned());
    am.attributes = Set(Some(attributes.to_string()));
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}
