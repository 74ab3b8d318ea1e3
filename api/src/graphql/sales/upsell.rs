//! Up-sell and cross-sell: rules, the suggestions on order lines, accepting and
//! declining them, and acceptance statistics.

use super::orders::SalesOrder;
use crate::graphql::catalog::{Item, item_of};
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::scalars::Dec;
use crate::graphql::{company_id, db, loaders, read, require, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::upsell;

/// Instead of, or in addition to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SuggestionKind {
    /// Another item instead of the one entered (accepting replaces it on the line).
    UpSell,
    /// Another item in addition (accepting adds a linked line).
    CrossSell,
}

pub(crate) fn kind(k: &upsell::RuleKind) -> SuggestionKind {
    match k {
        upsell::RuleKind::UpSell => SuggestionKind::UpSell,
        upsell::RuleKind::CrossSell => SuggestionKind::CrossSell,
    }
}

/// A suggestion made on an order line.
#[derive(Clone, Debug)]
pub struct UpsellSuggestion(pub upsell::upsell_suggestion::Model);

/// A suggestion made on an order line: offered until accepted or declined.
#[Object]
impl UpsellSuggestion {
    /// Opaque global ID; pass it to `upsellSuggestionAccept` or `upsellSuggestionDecline`.
    pub async fn id(&self) -> ID {
        encode(Kind::UpsellSuggestion, self.0.id)
    }
    /// Offered until accepted or declined.
    async fn status(&self) -> crate::graphql::enums::SuggestionStatus {
        self.0.status.into()
    }
    /// Up-sell or cross-sell.
    async fn kind(&self, ctx: &Context<'_>) -> Result<SuggestionKind> {
        Ok(kind(&rule(ctx, self.0.rule_id).await?.kind))
    }
    /// What to tell the customer.
    async fn message(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(rule(ctx, self.0.rule_id).await?.message)
    }
    /// The item suggested.
    async fn suggested_item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        let r = rule(ctx, self.0.rule_id).await?;
        item_of(ctx, r.suggested_item_id).await
    }
    /// The line that triggered it (its ID; the line may have been replaced since).
    async fn line_id(&self) -> ID {
        encode(Kind::SalesOrderLine, self.0.line_id)
    }
}

async fn rule(ctx: &Context<'_>, id: i64) -> Result<upsell::upsell_rule::Model> {
    loaders(ctx)?
        .upsell_rule
        .load_one(id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("rule missing"))
}

/// How a rule's suggestions fared.
#[derive(SimpleObject)]
pub struct UpsellRuleStatistics {
    /// Up-sell or cross-sell.
    pub kind: SuggestionKind,
    /// The rule's message.
    pub message: String,
    /// Suggestions made.
    pub offered: i64,
    /// Of those, accepted.
    pub accepted: i64,
    /// Of those, declined.
    pub declined: i64,
    /// Accepted per offered in percent (2 places); null when none was offered.
    pub acceptance_rate_percent: Option<Dec>,
}

/// Queries of up-sell and cross-sell.
#[derive(Default)]
pub struct UpsellQuery;

/// Queries of up-sell and cross-sell.
#[Object]
impl UpsellQuery {
    /// Acceptance statistics per rule.
    async fn upsell_statistics(&self, ctx: &Context<'_>) -> Result<Vec<UpsellRuleStatistics>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        Ok(read(upsell::statistics(db, cid).await)
            .await?
            .into_iter()
            .map(|(r, o, a, d)| UpsellRuleStatistics {
                kind: kind(&r.kind),
                message: r.message,
                offered: o,
                accepted: a,
                declined: d,
                acceptance_rate_percent: (o > 0).then(|| {
                    Dec::of(
                        (rust_decimal::Decimal::from(a * 100) / rust_decimal::Decimal::from(o))
                            .round_dp_with_strategy(
                                2,
                                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                            ),
                    )
                }),
            })
            .collect())
    }
}

/// A new up-sell or cross-sell rule.
#[derive(SimpleObject)]
pub struct UpsellRule {
    /// Up-sell or cross-sell.
    pub kind: SuggestionKind,
    /// What to tell the customer.
    pub message: String,
}

payload!(
    UpsellRulePayload,
    upsell_rule,
    UpsellRule,
    "Result of `upsellRuleCreate`.",
    "The rule, when the mutation succeeded."
);

payload!(
    UpsellDecisionPayload,
    sales_order,
    SalesOrder,
    "Result of accepting or declining a suggestion.",
    "The order, recomputed, when the mutation succeeded."
);

/// Input of `upsellRuleCreate`.
#[derive(InputObject)]
pub struct UpsellRuleCreateInput {
    /// Up-sell or cross-sell.
    pub kind: SuggestionKind,
    /// The item that triggers it.
    pub trigger_item_id: Option<ID>,
    /// Or the item group that triggers it.
    pub trigger_item_group: Option<String>,
    /// The item suggested.
    pub suggested_item_id: ID,
    /// Smallest line quantity that triggers it; 0 by default.
    pub min_quantity: Option<Dec>,
    /// Only for customers of this group.
    pub customer_group: Option<String>,
    /// Higher first; 0 by default.
    #[graphql(default)]
    pub priority: i32,
    /// Quantity of a cross-sell line; the triggering line's quantity when left out.
    pub suggested_quantity: Option<Dec>,
    /// What to tell the customer.
    pub message: String,
}

/// Input of `upsellSuggestionAccept`.
#[derive(InputObject)]
pub struct UpsellSuggestionAcceptInput {
    /// The suggestion (offered).
    pub id: ID,
}

/// Input of `upsellSuggestionDecline`.
#[derive(InputObject)]
pub struct UpsellSuggestionDeclineInput {
    /// The suggestion (offered).
    pub id: ID,
}

/// Mutations of up-sell and cross-sell.
#[derive(Default)]
pub struct UpsellMutation;

/// Mutations of up-sell and cross-sell.
#[Object]
impl UpsellMutation {
    /// Creates an active up-sell or cross-sell rule. Admin.
    async fn upsell_rule_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: UpsellRuleCreateInput,
    ) -> Result<UpsellRulePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let r = upsell::NewRule {
            up_sell: input.kind == SuggestionKind::UpSell,
            trigger_item_id: inp.opt_id(
                "triggerItemId",
                input.trigger_item_id.as_ref(),
                Kind::Item,
            ),
            trigger_item_group: input.trigger_item_group,
            suggested_item_id: inp.id("suggestedItemId", &input.suggested_item_id, Kind::Item),
            min_quantity: inp
                .opt_dec("minQuantity", input.min_quantity.as_ref())
                .unwrap_or_default(),
            customer_group: input.customer_group,
            priority: input.priority,
            suggested_quantity: inp.opt_dec("suggestedQuantity", input.suggested_quantity.as_ref()),
            message: input.message,
        };
        decoded!(inp, UpsellRulePayload);
        let res = write(ctx, "", async |t| upsell::create_rule(t, cid, r).await).await?;
        Ok(UpsellRulePayload::done(res.map(|r| UpsellRule {
            kind: kind(&r.kind),
            message: r.message,
        })))
    }

    /// Accepts a suggestion: an up-sell replaces the line's item (re-priced), a cross-sell
    /// adds a linked line. Clerk.
    async fn upsell_suggestion_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: UpsellSuggestionAcceptInput,
    ) -> Result<UpsellDecisionPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::UpsellSuggestion);
        decoded!(inp, UpsellDecisionPayload);
        let c = mercator_core::sales::change::Change::AcceptSuggestion { suggestion_id: id };
        let res = crate::graphql::the_order(crate::graphql::change(ctx, cid, "id", c).await?)?;
        Ok(UpsellDecisionPayload::done(res.map(SalesOrder)))
    }

    /// Declines a suggestion. Clerk.
    async fn upsell_suggestion_decline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: UpsellSuggestionDeclineInput,
    ) -> Result<UpsellDecisionPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::UpsellSuggestion);
        decoded!(inp, UpsellDecisionPayload);
        let res = write(ctx, "id", async |t| upsell::decline(t, cid, id).await).await?;
        Ok(UpsellDecisionPayload::done(res.map(SalesOrder)))
    }
}
