//! Trade agreements and price simulation: the lines, and what a customer
//! pays for an item at a quantity on a date under the company's pricing rule.

use super::catalog::{Item, UnitOfMeasure};
use super::connection::{filter_id, list_cost, page_args, wants_total};
use super::enums::{ArchivedFilter, PricingRule};
use super::errors::{ErrorCode, Input};
use super::ids::{Kind, encode};
use super::money::{Money, money, unit_money};
use super::parties::Customer;
use super::scalars::{Date, Dec};
use super::setup::{Currency, currency_of};
use super::{company_id, db, loaders, read, require, write};
use crate::connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use mercator_core::auth::Role;
use mercator_core::trade::{self, trade_agreement};

/// What a trade agreement line sets.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "trade::AgreementRelation")]
pub enum AgreementRelation {
    /// A unit price.
    Price,
    /// A line discount (amount per unit and/or percentages).
    LineDiscount,
}

/// How wide a trade agreement line reaches on the item or the customer side.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "trade::Scope")]
pub enum AgreementScope {
    /// One item or one customer (D365 "Table").
    One,
    /// An item group, or a customer price group (prices) or line discount group (discounts).
    Group,
    /// Every item or every customer.
    All,
}

/// A trade agreement line.
#[derive(Clone, Debug)]
pub struct TradeAgreement(pub trade_agreement::Model);

/// A trade agreement line: a price or line discount for an item, item group or all items, for
/// a customer, customer group or all customers, in a currency, a quantity range and dates.
#[Object]
impl TradeAgreement {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::TradeAgreement, self.0.id)
    }
    /// Price or line discount.
    async fn relation(&self) -> AgreementRelation {
        self.0.relation.into()
    }
    /// Item side: one item, an item group, or all items.
    async fn item_scope(&self) -> AgreementScope {
        self.0.item_scope.into()
    }
    /// The item (item scope ONE).
    async fn item(&self, ctx: &Context<'_>) -> Result<Option<Item>> {
        let Some(id) = self.0.item_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .item
            .load_one(id)
            .await
            .map_err(super::errors::internal)?
            .map(Item))
    }
    /// The item group (item scope GROUP).
    async fn item_group(&self) -> Option<&str> {
        self.0.item_group.as_deref()
    }
    /// Customer side: one customer, a customer group, or all customers.
    async fn account_scope(&self) -> AgreementScope {
        self.0.account_scope.into()
    }
    /// The customer (account scope ONE).
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let Some(id) = self.0.customer_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .customer
            .load_one(id)
            .await
            .map_err(super::errors::internal)?
            .map(Customer::full))
    }
    /// The customer price group (prices) or line discount group (discounts) (account scope GROUP).
    async fn account_group(&self) -> Option<&str> {
        self.0.account_group.as_deref()
    }
    /// Currency.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Unit; any unit when null.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<UnitOfMeasure>> {
        let Some(id) = self.0.unit_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .unit
            .load_one(id)
            .await
            .map_err(super::errors::internal)?
            .map(UnitOfMeasure))
    }
    /// Smallest quantity (inclusive).
    async fn quantity_from(&self) -> Dec {
        Dec::of(self.0.quantity_from.value())
    }
    /// Quantity the line stops at (exclusive); 0 for no limit.
    async fn quantity_to(&self) -> Dec {
        Dec::of(self.0.quantity_to.value())
    }
    /// First day.
    async fn from_date(&self) -> Option<Date> {
        self.0.from_date.map(Date)
    }
    /// Last day.
    async fn to_date(&self) -> Option<Date> {
        self.0.to_date.map(Date)
    }
    /// Price per unit (price lines) or discount amount per unit (discount lines).
    async fn amount(&self) -> Dec {
        Dec::of(self.0.amount.value())
    }
    /// Discount percentage.
    async fn percent1(&self) -> Dec {
        Dec::of(self.0.percent1.value())
    }
    /// Second discount percentage.
    async fn percent2(&self) -> Dec {
        Dec::of(self.0.percent2.value())
    }
    /// Keep searching the following combinations after this line matched (D365 "Find next").
    async fn find_next(&self) -> bool {
        self.0.find_next
    }
    /// Archived lines no longer apply.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

connection!(
    TradeAgreementConnection,
    TradeAgreementEdge,
    TradeAgreement,
    "trade agreement lines"
);

/// Where a unit price came from.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::PriceSource")]
pub enum PriceSourceKind {
    /// A trade agreement line (`priceAgreement`).
    TradeAgreement,
    /// The item's base sales price.
    BasePrice,
    /// Typed on the line (never the answer of a price simulation).
    Manual,
}

/// The trade agreement line a stored line's price came from (null when the price did not
/// come from one), through the request's loader.
pub(crate) async fn price_agreement_of(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> Result<Option<TradeAgreement>> {
    let Some(id) = id else { return Ok(None) };
    Ok(super::loaders(ctx)?
        .trade_agreement
        .load_one(id)
        .await
        .map_err(super::errors::internal)?
        .map(TradeAgreement))
}

/// The price and line discount a customer gets for an item.
pub struct PriceSimulation(pub trade::PriceResult);

/// The price and line discount a customer gets for an item at a quantity on a date, and the
/// agreement lines they came from (what an order line would store).
#[Object]
impl PriceSimulation {
    /// The company's pricing rule that was applied.
    async fn rule(&self) -> PricingRule {
        self.0.rule.into()
    }
    /// Unit price.
    async fn unit_price(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.unit_price, self.0.currency_id).await
    }
    /// Where the price came from.
    async fn price_source(&self) -> PriceSourceKind {
        match self.0.price_source {
            trade::PriceSource::TradeAgreement(_) => PriceSourceKind::TradeAgreement,
            trade::PriceSource::BasePrice => PriceSourceKind::BasePrice,
        }
    }
    /// The price line, when an agreement set the price.
    async fn price_agreement(&self, ctx: &Context<'_>) -> Result<Option<TradeAgreement>> {
        let trade::PriceSource::TradeAgreement(id) = self.0.price_source else {
            return Ok(None);
        };
        price_agreement_of(ctx, Some(id)).await
    }
    /// Line discount in percent (D365: the found lines added; BC: the highest single one).
    async fn line_discount_percent(&self) -> Dec {
        Dec::of(self.0.discount.percent)
    }
    /// Line discount amount per unit.
    async fn line_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.discount.amount, self.0.currency_id).await
    }
    /// The discount lines that applied, in search order.
    async fn discount_agreements(&self, ctx: &Context<'_>) -> Result<Vec<TradeAgreement>> {
        agreements(ctx, &self.0.discount.sources).await
    }
    /// Line amount after the line discount, rounded to the currency (half away from zero).
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount, self.0.currency_id).await
    }
}

/// Trade agreement lines by id, in the order given, through the request's loader.
async fn agreements(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<TradeAgreement>> {
    let mut found = super::loaders(ctx)?
        .trade_agreement
        .load_many(ids.iter().copied())
        .await
        .map_err(super::errors::internal)?;
    Ok(ids
        .iter()
        .filter_map(|id| found.remove(id))
        .map(TradeAgreement)
        .collect())
}

/// Filter of the trade agreement list.
#[derive(InputObject, Default)]
pub struct TradeAgreementFilter {
    /// Only price or only discount lines.
    pub relation: Option<AgreementRelation>,
    /// Only lines for this item (scope ONE).
    pub item_id: Option<ID>,
    /// Only lines for this customer (scope ONE).
    pub customer_id: Option<ID>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Queries of pricing.
#[derive(Default)]
pub struct TradeQuery;

/// Queries of pricing.
#[Object]
impl TradeQuery {
    /// Trade agreement lines, oldest first.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn trade_agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out.")] filter: Option<
            TradeAgreementFilter,
        >,
    ) -> Result<TradeAgreementConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = trade::AgreementFilter {
            relation: f.relation.map(Into::into),
            item_id: filter_id("filter.itemId", f.item_id.as_ref(), Kind::Item)?,
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            archived: f.archived.as_opt(),
        };
        let page = read(trade::list_agreements(db, cid, &f, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(trade::count_agreements(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(TradeAgreementConnection::from_page(
            page,
            total,
            TradeAgreement,
        ))
    }

    /// What a customer pays for an item at a quantity on a date under the company's pricing
    /// rule, and which agreement lines decided it. Nothing is stored.
    async fn price_simulation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer.")] customer_id: ID,
        #[graphql(desc = "The item.")] item_id: ID,
        #[graphql(desc = "Quantity, e.g. \"120\".")] quantity: Dec,
        #[graphql(desc = "Unit; the item's base unit when left out.")] unit_id: Option<ID>,
        #[graphql(desc = "The date agreements must be valid on; today when left out.")]
        date: Option<Date>,
    ) -> Result<PriceSimulation> {
        let cid = company_id(ctx)?;
        let id = |f: &str, i: &ID, k: Kind| {
            super::ids::decode(i, k).map_err(|e| ErrorCode::InvalidId.error(e.message(f)))
        };
        let quantity = quantity.0.map_err(|raw| {
            ErrorCode::InvalidFormat.error(format!(
                "quantity must be a decimal written as a string; got {raw}"
            ))
        })?;
        let r = trade::PriceRequest {
            customer_id: id("customerId", &customer_id, Kind::Customer)?,
            item_id: id("itemId", &item_id, Kind::Item)?,
            quantity,
            unit_id: unit_id
                .as_ref()
                .map(|u| id("unitId", u, Kind::UnitOfMeasure))
                .transpose()?,
            date: date
                .map(|d| d.0)
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        };
        let db = &db(ctx)?.conn;
        Ok(PriceSimulation(
            read(trade::resolve_price(db, cid, &r).await).await?,
        ))
    }
}

payload!(
    TradeAgreementPayload,
    trade_agreement,
    TradeAgreement,
    "Result of a trade agreement mutation.",
    "The agreement line, when the mutation succeeded."
);

/// Input of `tradeAgreementCreate`.
#[derive(InputObject)]
pub struct TradeAgreementCreateInput {
    /// Price or line discount.
    pub relation: AgreementRelation,
    /// Item side.
    pub item_scope: AgreementScope,
    /// The item, for ONE.
    pub item_id: Option<ID>,
    /// The item group, for GROUP.
    pub item_group: Option<String>,
    /// Customer side.
    pub account_scope: AgreementScope,
    /// The customer, for ONE.
    pub customer_id: Option<ID>,
    /// The customer price group (prices) or line discount group (discounts), for GROUP.
    pub account_group: Option<String>,
    /// Currency.
    pub currency_id: ID,
    /// Unit; any unit when left out.
    pub unit_id: Option<ID>,
    /// Smallest quantity (inclusive); 0 by default.
    pub quantity_from: Option<Dec>,
    /// Quantity the line stops at (exclusive); 0 (no limit) by default.
    pub quantity_to: Option<Dec>,
    /// First day.
    pub from_date: Option<Date>,
    /// Last day.
    pub to_date: Option<Date>,
    /// Price per unit (price lines) or discount amount per unit (discount lines); 0 by default.
    pub amount: Option<Dec>,
    /// Discount percentage; 0 by default.
    pub percent1: Option<Dec>,
    /// Second discount percentage; 0 by default.
    pub percent2: Option<Dec>,
    /// Keep searching after this line matched (D365 "Find next"); false by default.
    #[graphql(default)]
    pub find_next: bool,
}

/// Mutations of pricing.
#[derive(Default)]
pub struct TradeMutation;

/// Mutations of pricing.
#[Object]
impl TradeMutation {
    /// Creates a trade agreement line. Archive it with `archive` to stop it applying. Clerk.
    async fn trade_agreement_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: TradeAgreementCreateInput,
    ) -> Result<TradeAgreementPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let zero = rust_decimal::Decimal::ZERO;
        let i = trade::NewAgreement {
            relation: input.relation.into(),
            item_scope: input.item_scope.into(),
            item_id: inp.opt_id("itemId", input.item_id.as_ref(), Kind::Item),
            item_group: input.item_group,
            account_scope: input.account_scope.into(),
            customer_id: inp.opt_id("customerId", input.customer_id.as_ref(), Kind::Customer),
            account_group: input.account_group,
            currency_id: inp.id("currencyId", &input.currency_id, Kind::Currency),
            unit_id: inp.opt_id("unitId", input.unit_id.as_ref(), Kind::UnitOfMeasure),
            quantity_from: inp
                .opt_dec("quantityFrom", input.quantity_from.as_ref())
                .unwrap_or(zero),
            quantity_to: inp
                .opt_dec("quantityTo", input.quantity_to.as_ref())
                .unwrap_or(zero),
            from_date: input.from_date.map(|d| d.0),
            to_date: input.to_date.map(|d| d.0),
            amount: inp.opt_dec("amount", input.amount.as_ref()).unwrap_or(zero),
            percent1: inp
                .opt_dec("percent1", input.percent1.as_ref())
                .unwrap_or(zero),
            percent2: inp
                .opt_dec("percent2", input.percent2.as_ref())
                .unwrap_or(zero),
            find_next: input.find_next,
        };
        decoded!(inp, TradeAgreementPayload);
        let res = write(ctx, "", async |t| trade::create_agreement(t, cid, i).await).await?;
        Ok(TradeAgreementPayload::done(res.map(TradeAgreement)))
    }
}
