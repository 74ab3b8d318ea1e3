//! Pricing and taxing the lines of one document in memory.
//!
//! Owns: [`LineContext`], everything the lines of a document need (their items and units, the
//! candidate trade agreements of all of them, the tax setup of the buyer's tax group) loaded
//! in a fixed number of statements whatever the number of lines, and [`LineContext::price`],
//! which checks and prices one line from it without touching the database.
//! Must never: run a statement per line (order entry of 50 lines is measured in
//! docs/performance.md), or price differently from `trade::resolve_price` (both go through
//! `trade::price_with`).

use super::{Buyer, NewOrderLine, sources, violation};
use crate::catalog::{item, unit_of_measure};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::{Amount, Quantity, Rate, UnitPrice};
use crate::pricing::{self, Discount};
use crate::setup::tax_setup;
use crate::setup::{PricingRule, tax_code};
use crate::trade::{self, PriceSource, Pricing, trade_agreement};
use crate::validate;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use sea_orm::entity::prelude::*;
use std::collections::HashMap;

/// A line checked and priced, ready to be stored.
pub(crate) struct Priced {
    pub(crate) item_id: i64,
    pub(crate) description: String,
    pub(crate) unit_id: i64,
    pub(crate) quantity: Quantity,
    pub(crate) unit_price: UnitPrice,
    pub(crate) price_source: super::PriceSource,
    pub(crate) price_agreement_line_id: Option<i64>,
    pub(crate) discount_percent: Rate,
    pub(crate) discount_amount: UnitPrice,
    pub(crate) discount_source: Option<String>,
    pub(crate) line_amount: Amount,
    pub(crate) tax_code_id: Option<i64>,
}

/// What pricing and tax need for a set of lines of one buyer.
pub(crate) struct LineContext {
    items: HashMap<i64, item::Model>,
    units: HashMap<i64, unit_of_measure::Model>,
    agreements: Vec<trade_agreement::Model>,
    /// Tax setup of the buyer's tax group: item tax group → tax code.
    tax: HashMap<String, tax_code::Model>,
}

/// Rows of one company by id, in one statement (none for no ids); rows of another company are
/// simply not found.
async fn of_company<E: EntityTrait>(
    db: &impl ConnectionTrait,
    (company_col, company_id): (E::Column, i64),
    id_col: E::Column,
    ids: Vec<i64>,
    key: fn(&E::Model) -> i64,
) -> Result<HashMap<i64, E::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .filter(company_col.eq(company_id))
        .filter(id_col.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (key(&m), m))
        .collect())
}

impl LineContext {
    /// Loads the context of `lines` in at most five statements: items, units, candidate
    /// agreements (customers only), tax setups and their tax codes.
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        company_id: i64,
        buyer: &Buyer,
        lines: &[NewOrderLine],
    ) -> ServiceResult<LineContext> {
        let mut item_ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
        item_ids.sort_unstable();
        item_ids.dedup();
        let items = of_company::<item::Entity>(
            db,
            (item::Column::CompanyId, company_id),
            item::Column::Id,
            item_ids,
            |i| i.id,
        )
        .await?;
        let mut unit_ids: Vec<i64> = lines
            .iter()
            .filter_map(|l| l.unit_id)
            .chain(items.values().map(|i| i.base_unit_id))
            .collect();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let units = of_company::<unit_of_measure::Entity>(
            db,
            (unit_of_measure::Column::CompanyId, company_id),
            unit_of_measure::Column::Id,
            unit_ids,
            |u| u.id,
        )
        .await?;
        let agreements = match &buyer.customer {
            Some(c) if !items.is_empty() => {
                let refs: Vec<&item::Model> = items.values().collect();
                trade::candidates(db, company_id, c, &refs).await?
            }
            _ => Vec::new(),
        };
        let mut tax = HashMap::new();
        let mut groups: Vec<String> = items.values().filter_map(|i| i.tax_group.clone()).collect();
        groups.sort();
        groups.dedup();
        if let Some(cg) = &buyer.tax_group
            && !groups.is_empty()
        {
            let setups = tax_setup::Entity::find()
                .filter(tax_setup::Column::CompanyId.eq(company_id))
                .filter(tax_setup::Column::CustomerTaxGroup.eq(cg.as_str()))
                .filter(tax_setup::Column::ItemTaxGroup.is_in(groups))
                .all(db)
                .await?;
            let codes: HashMap<i64, tax_code::Model> = if setups.is_empty() {
                HashMap::new()
            } else {
                tax_code::Entity::find()
                    .filter(tax_code::Column::Id.is_in(setups.iter().map(|s| s.tax_code_id)))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|t| (t.id, t))
                    .collect()
            };
            for s in setups {
                if let Some(code) = codes.get(&s.tax_code_id) {
                    tax.insert(s.item_tax_group, code.clone());
                }
            }
        }
        Ok(LineContext {
            items,
            units,
            agreements,
            tax,
        })
    }

    /// Checks and prices one line; field names start with `prefix` (`lines.3.`).
    pub(crate) fn price(
        &self,
        buyer: &Buyer,
        order_date: NaiveDate,
        returned: bool,
        prefix: &str,
        l: &NewOrderLine,
    ) -> ServiceResult<Priced> {
        let f = |s: &str| format!("{prefix}{s}");
        let mut v = Violations::new();
        let item = match self.items.get(&l.item_id) {
            None => {
                v.push(Violation::new(
                    &f("itemId"),
                    Rule::NotFound,
                    "item not found",
                ));
                None
            }
            Some(i) if i.archived_at.is_some() => {
                v.push(Violation::new(
                    &f("itemId"),
                    Rule::Archived,
                    "the item is archived and cannot be used",
                ));
                None
            }
            Some(i) => Some(i),
        };
        v.check(validate::quantity(&f("quantity"), l.quantity));
        if returned && l.quantity >= Decimal::ZERO {
            v.push(Violation::new(
                &f("quantity"),
                Rule::OutOfRange,
                "lines of a returned order have negative quantities",
            ));
        } else if !returned && l.quantity <= Decimal::ZERO {
            v.push(Violation::new(
                &f("quantity"),
                Rule::OutOfRange,
                "quantity must be above 0",
            ));
        }
        if let Some(u) = l.unit_id {
            match self.units.get(&u) {
                None => v.push(Violation::new(
                    &f("unitId"),
                    Rule::NotFound,
                    "unit of measure not found",
                )),
                Some(x) if x.archived_at.is_some() => v.push(Violation::new(
                    &f("unitId"),
                    Rule::Archived,
                    "the unit of measure is archived and cannot be used",
                )),
                Some(_) => {}
            }
        }
        if let Some(p) = l.unit_price
            && v.check(validate::unit_price(&f("unitPrice"), p)).is_some()
        {
            v.check(validate::price_step(
                &f("unitPrice"),
                p,
                buyer.currency.unit_price_precision.value(),
                &buyer.currency.code,
            ));
        }
        if let Some(p) = l.discount_percent {
            v.check(validate::percent(&f("discountPercent"), p));
        }
        let desc = v.check(validate::opt_text(
            &f("description"),
            l.description.as_deref(),
            validate::MAX_NAME,
        ));
        v.finish()?;
        let Some(item) = item else {
            return Err(ServiceError::NotFound("item"));
        };
        let unit_id = l.unit_id.unwrap_or(item.base_unit_id);
        let Some(unit) = self.units.get(&unit_id) else {
            return Err(violation(
                &f("unitId"),
                Rule::NotFound,
                "unit of measure not found",
            ));
        };
        if !(l.quantity * Decimal::from(10i64.pow(unit.decimals.clamp(0, 6) as u32)))
            .fract()
            .is_zero()
        {
            return Err(violation(
                &f("quantity"),
                Rule::PrecisionExceeded,
                format!(
                    "quantities in {} have at most {} decimals",
                    unit.code, unit.decimals
                ),
            ));
        }
        let (rule, step) = (buyer.rule, buyer.step);
        let resolved = match &buyer.customer {
            Some(customer) => trade::price_with(
                &self.agreements,
                &Pricing {
                    rule,
                    customer,
                    currency: &buyer.currency,
                    item,
                    unit,
                    quantity: l.quantity.abs(),
                    date: order_date,
                },
            )
            .map_err(|_| {
                violation(
                    &f("quantity"),
                    Rule::OutOfRange,
                    "quantity × price is out of range",
                )
            })?,
            None => trade::PriceResult {
                rule,
                currency_id: buyer.currency_id,
                unit_price: item.base_sales_price.value(),
                price_source: PriceSource::BasePrice,
                discount: Discount::default(),
                line_amount: Decimal::ZERO,
            },
        };
        let (unit_price, (price_source, price_agreement_line_id)) = match l.unit_price {
            Some(p) => (p, (super::PriceSource::Manual, None)),
            None => (
                resolved.unit_price,
                match resolved.price_source {
                    PriceSource::TradeAgreement(id) => {
                        (super::PriceSource::TradeAgreement, Some(id))
                    }
                    PriceSource::BasePrice => (super::PriceSource::BasePrice, None),
                },
            ),
        };
        let (discount, discount_source) = match l.discount_percent {
            Some(p) => (
                Discount {
                    amount: Decimal::ZERO,
                    percent: p,
                    sources: vec![],
                },
                Some("manual".to_owned()),
            ),
            None => {
                let s = sources(&resolved.discount.sources);
                (resolved.discount.clone(), s)
            }
        };
        let amount = match rule {
            PricingRule::TradeAgreements => {
                pricing::d365_line_amount(unit_price, l.quantity, Decimal::ONE, &discount, step)
            }
            PricingRule::BestPrice => {
                pricing::bc_line_amount(unit_price, l.quantity, discount.percent, step)
            }
        }
        .ok_or_else(|| {
            violation(
                &f("quantity"),
                Rule::OutOfRange,
                "quantity × unit price is out of range",
            )
        })?;
        let tax_code_id = match (buyer.tax_group.as_deref(), item.tax_group.as_deref()) {
            (Some(cg), Some(ig)) => match self.tax.get(ig) {
                Some(t) => Some(t.id),
                None => {
                    return Err(violation(
                        &f("itemId"),
                        Rule::InvalidValue,
                        format!("no tax setup for customer tax group {cg} and item tax group {ig}"),
                    ));
                }
            },
            // A taxing document and an item without a tax group: refused, not left untaxed.
            (Some(_), None) => {
                return Err(violation(
                    &f("itemId"),
                    Rule::TaxGroupRequired,
                    format!(
                        "item {} has no tax group, so its line cannot be taxed; give it one (itemUpdate taxGroup)",
                        item.number
                    ),
                ));
            }
            _ => None,
        };
        let store = |field: &str, r: Result<Amount, crate::money::StorageError>| {
            r.map_err(|_| {
                violation(
                    &f(field),
                    Rule::OutOfRange,
                    format!("{field} is out of range"),
                )
            })
        };
        let out_of_range = |field: &str, what: &str| {
            violation(
                &f(field),
                Rule::OutOfRange,
                format!("{what} is out of range"),
            )
        };
        Ok(Priced {
            item_id: item.id,
            description: desc.flatten().unwrap_or_else(|| item.name.clone()),
            unit_id,
            quantity: Quantity::new(l.quantity)
                .map_err(|_| out_of_range("quantity", "quantity"))?,
            unit_price: UnitPrice::new(unit_price)
                .map_err(|_| out_of_range("unitPrice", "unitPrice"))?,
            price_source,
            price_agreement_line_id,
            discount_percent: Rate::new(discount.percent)
                .map_err(|_| out_of_range("discountPercent", "discount"))?,
            discount_amount: UnitPrice::new(discount.amount)
                .map_err(|_| out_of_range("discountPercent", "discount"))?,
            discount_source,
            line_amount: store("lineAmount", Amount::new(amount))?,
            tax_code_id,
        })
    }

    /// Checks and prices all `lines` (fields `lines.N.…`), collecting every line's problems.
    pub(crate) fn price_all(
        &self,
        buyer: &Buyer,
        order_date: NaiveDate,
        returned: bool,
        lines: &[NewOrderLine],
    ) -> ServiceResult<Vec<Priced>> {
        let mut priced = Vec::with_capacity(lines.len());
        let mut problems = Vec::new();
        for (n, l) in lines.iter().enumerate() {
            match self.price(buyer, order_date, returned, &format!("lines.{n}."), l) {
                Ok(p) => priced.push(p),
                Err(ServiceError::Invalid(vs)) => problems.extend(vs),
                Err(e) => return Err(e),
            }
        }
        if problems.is_empty() {
            Ok(priced)
        } else {
            Err(ServiceError::Invalid(problems))
        }
    }
}

/// Checks and prices one line (its context loaded for it alone).
pub(crate) async fn price_line(
    db: &impl ConnectionTrait,
    company_id: i64,
    buyer: &Buyer,
    order_date: NaiveDate,
    returned: bool,
    prefix: &str,
    l: &NewOrderLine,
) -> ServiceResult<Priced> {
    LineContext::load(db, company_id, buyer, std::slice::from_ref(l))
        .await?
        .price(buyer, order_date, returned, prefix, l)
}
