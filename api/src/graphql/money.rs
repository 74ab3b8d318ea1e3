//! Amounts of money: the `Money` object (an amount at its currency's precision) and the
//! helpers that make one from a stored amount and a currency id through the request's loaders.

use super::errors::internal;
use super::leaves::Fast;
use super::scalars::Dec;
use super::{loaders, rc};
use async_graphql::{Context, Object, OutputType, Result, Value};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// An amount of money in a currency.
#[derive(Clone, Debug)]
pub struct Money {
    /// The exact amount.
    pub amount: Dec,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// The GraphQL type `Money`, its fields declared once here. A [`Money`] answers through it in
/// place ([`Fast`]): an amount is two plain fields, and a future per field would cost more
/// than the amount itself.
struct MoneyObject(Money);

/// An amount of money in a currency.
#[Object(name = "Money")]
impl MoneyObject {
    /// The exact amount, with its currency's decimal places.
    async fn amount(&self) -> &Dec {
        &self.0.amount
    }
    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
}

impl OutputType for Money {
    fn type_name() -> Cow<'static, str> {
        <MoneyObject as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        <MoneyObject as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &async_graphql::ContextSelectionSet<'_>,
        field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
    ) -> async_graphql::ServerResult<Value> {
        Fast(MoneyObject(self.clone())).resolve(ctx, field).await
    }
}

/// Which precision of its currency an amount prints at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Amounts: the currency's amount precision (USD 0.01: `"20.40"`, JPY 1: `"4072"`).
    Amount,
    /// Unit prices and per-unit discounts: the unit-price precision (USD 0.00001).
    UnitPrice,
}

impl Scale {
    /// Decimal places of this kind of amount in a currency.
    pub(crate) fn places(self, c: &mercator_core::setup::currency::Model) -> u32 {
        let step = match self {
            Scale::Amount => c.amount_precision.value(),
            Scale::UnitPrice => c.unit_price_precision.value(),
        };
        step.normalize().scale()
    }
}

impl Money {
    /// The one way to make `Money`: the amount padded with zeros to `places` decimal places,
    /// never rounded (an amount with more places than its currency keeps them all, exactly).
    pub(crate) fn at(amount: Decimal, currency: String, places: u32) -> Money {
        let mut a = amount.normalize();
        if a.scale() < places {
            a.rescale(places);
        }
        Money {
            amount: Dec(Ok(a)),
            currency,
        }
    }
}

/// Money in a currency given by id, at the currency's amount precision.
pub(crate) async fn money(ctx: &Context<'_>, amount: Decimal, currency_id: i64) -> Result<Money> {
    scaled(ctx, amount, currency_id, Scale::Amount).await
}

/// A unit price (or a per-unit discount) in a currency given by id, at its unit-price
/// precision.
pub(crate) async fn unit_money(
    ctx: &Context<'_>,
    amount: Decimal,
    currency_id: i64,
) -> Result<Money> {
    scaled(ctx, amount, currency_id, Scale::UnitPrice).await
}

async fn scaled(
    ctx: &Context<'_>,
    amount: Decimal,
    currency_id: i64,
    scale: Scale,
) -> Result<Money> {
    let (code, places) = loaders(ctx)?
        .currency
        .load_with(currency_id, |c| (c.code.clone(), scale.places(c)))
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("currency missing"))?;
    Ok(Money::at(amount, code, places))
}

/// What an invoice of `total` would come to in its currency: the total
/// rounded to the currency's invoice rounding step and mode (CHF: 0.05 nearest), and the
/// rounding line that gets it there (rounded total − total). A currency without a step
/// (zero) leaves the total as it is.
pub(crate) async fn invoice_rounded(
    ctx: &Context<'_>,
    total: Decimal,
    currency_id: i64,
) -> Result<(Money, Money)> {
    let (code, step, mode, places) = loaders(ctx)?
        .currency
        .load_with(currency_id, |c| {
            (
                c.code.clone(),
                c.invoice_rounding_precision.value(),
                c.invoice_rounding_mode,
                Scale::Amount.places(c),
            )
        })
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("currency missing"))?;
    let (rounded, rounding) = mercator_core::tax::invoice_rounding(total, step, mode.into());
    Ok((
        Money::at(rounded, code.clone(), places),
        Money::at(rounding, code, places),
    ))
}

/// Money in the company's base currency, at its amount precision.
pub(crate) async fn base_money(ctx: &Context<'_>, amount: Decimal) -> Result<Money> {
    let company = rc(ctx)?
        .company
        .as_ref()
        .ok_or_else(|| internal("no company"))?;
    let (code, places) = loaders(ctx)?
        .base_currency
        .load_with(company.id, |c| (c.code.clone(), Scale::Amount.places(c)))
        .await
        .map_err(internal)?
        .unwrap_or_else(|| (company.base_currency_code.clone(), 2));
    Ok(Money::at(amount, code, places))
}
