//! Up-sell and cross-sell: rules on an item or item group suggest another item
//! instead (up-sell) or in addition (cross-sell). Suggestions are made when lines are entered
//! or changed, at most once per line and rule, never applied silently: accepting an up-sell
//! replaces the item on the line (re-priced), accepting a cross-sell adds a linked line.

use super::{NewOrderLine, lines_of, lock_order, sales_order, sales_order_line, violation};
use crate::catalog;
use crate::error::{Rule, ServiceError, ServiceResult, Violations};
use crate::parties;
use crate::refs::{self, Table};
use crate::validate;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};
use std::collections::HashMap;

/// Instead of, or in addition to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RuleKind {
    /// Another item instead of the one entered.
    #[sea_orm(string_value = "up_sell")]
    UpSell,
    /// Another item in addition.
    #[sea_orm(string_value = "cross_sell")]
    CrossSell,
}

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SuggestionStatus {
    /// Made, not decided.
    #[sea_orm(string_value = "offered")]
    Offered,
    /// Accepted.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Declined.
    #[sea_orm(string_value = "declined")]
    Declined,
}

impl SuggestionStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionStatus::Offered => "offered",
            SuggestionStatus::Accepted => "accepted",
            SuggestionStatus::Declined => "declined",
        }
    }
}

/// Up-sell and cross-sell rules.
pub mod upsell_rule {
    use crate::money::Quantity;
    use sea_orm::entity::prelude::*;
    /// A row of `upsell_rules`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "upsell_rules")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub kind: super::RuleKind,
        pub trigger_item_id: Option<i64>,
        pub trigger_item_group: Option<String>,
        pub suggested_item_id: i64,
        pub min_quantity: Quantity,
        pub customer_group: Option<String>,
        pub priority: i32,
        pub suggested_quantity: Option<Quantity>,
        pub message: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Suggestions made on order lines.
pub mod upsell_suggestion {
    use sea_orm::entity::prelude::*;
    /// A row of `upsell_suggestions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "upsell_suggestions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub order_id: i64,
        pub line_id: i64,
        pub rule_id: i64,
        pub status: super::SuggestionStatus,
        pub created_at: DateTimeUtc,
        pub decided_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Input of [`create_rule`].
#[derive(Debug, Clone)]
pub struct NewRule {
    /// `true` for up-sell (instead), `false` for cross-sell (in addition).
    pub up_sell: bool,
    /// The item that triggers it.
    pub trigger_item_id: Option<i64>,
    /// Or the item group that triggers it.
    pub trigger_item_group: Option<String>,
    /// The item suggested.
    pub suggested_item_id: i64,
    /// Smallest line quantity that triggers it.
    pub min_quantity: Decimal,
    /// Only for customers of this group.
    pub customer_group: Option<String>,
    /// Higher first.
    pub priority: i32,
    /// Quantity of a cross-sell line; the triggering line's quantity when absent.
    pub suggested_quantity: Option<Decimal>,
    /// What to tell the customer.
    pub message: String,
}

/// Creates an active rule.
pub async fn create_rule(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: NewRule,
) -> ServiceResult<upsell_rule::Model> {
    let mut v = Violations::new();
    if r.trigger_item_id.is_some() == r.trigger_item_group.is_some() {
        v.push(crate::error::Violation::new(
            "triggerItemId",
            Rule::Required,
            "give a trigger item or a trigger item group",
        ));
    }
    if let Some(i) = r.trigger_item_id {
        v.check(refs::usable(db, company_id, Table::Item, i, "triggerItemId").await?);
    }
    v.check(
        refs::usable(
            db,
            company_id,
            Table::Item,
            r.suggested_item_id,
            "suggestedItemId",
        )
        .await?,
    );
    let group = v.check(validate::opt_code(
        "triggerItemGroup",
        r.trigger_item_group.as_deref(),
    ));
    let cgroup = v.check(validate::opt_code(
        "customerGroup",
        r.customer_group.as_deref(),
    ));
    let min = v.check(validate::quantity("minQuantity", r.min_quantity));
    let sq = v.check(
        r.suggested_quantity
            .map(|q| validate::quantity("suggestedQuantity", q))
            .transpose(),
    );
    let msg = v.check(validate::name("message", &r.message, validate::MAX_NAME));
    v.finish()?;
    let (Some(group), Some(cgroup), Some(min), Some(sq), Some(msg)) = (group, cgroup, min, sq, msg)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    Ok(upsell_rule::ActiveModel {
        company_id: Set(company_id),
        kind: Set(if r.up_sell {
            RuleKind::UpSell
        } else {
            RuleKind::CrossSell
        }),
        trigger_item_id: Set(r.trigger_item_id),
        trigger_item_group: Set(group),
        suggested_item_id: Set(r.suggested_item_id),
        min_quantity: Set(min),
        customer_group: Set(cgroup),
        priority: Set(r.priority),
        suggested_quantity: Set(sq),
        message: Set(msg),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Makes the suggestions an order's lines trigger and that were not made before (each rule at
/// most once per line). Called after every line change.
pub(crate) async fn offer(
    db: &impl ConnectionTrait,
    order: &sales_order::Model,
) -> ServiceResult<()> {
    let rules = upsell_rule::Entity::find()
        .filter(upsell_rule::Column::CompanyId.eq(order.company_id))
        .filter(upsell_rule::Column::Active.eq(true))
        .order_by_desc(upsell_rule::Column::Priority)
        .order_by_asc(upsell_rule::Column::Id)
        .all(db)
        .await?;
    if rules.is_empty() {
        return Ok(());
    }
    let customer = parties::get_customer(db, order.company_id, order.customer_id).await?;
    let lines = lines_of(db, &[order.id]).await?;
    let made: Vec<(i64, i64)> = upsell_suggestion::Entity::find()
        .filter(upsell_suggestion::Column::OrderId.eq(order.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.line_id, s.rule_id))
        .collect();
    let mut ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let groups: HashMap<i64, Option<String>> = if ids.is_empty() {
        HashMap::new()
    } else {
        catalog::item::Entity::find()
            .filter(catalog::item::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.item_group))
            .collect()
    };
    let mut new = Vec::new();
    for l in &lines {
        let group = groups.get(&l.item_id).cloned().flatten();
        for r in &rules {
            let hits = r.trigger_item_id == Some(l.item_id)
                || (r.trigger_item_group.is_some() && r.trigger_item_group == group);
            let fits = l.quantity.value().abs() >= r.min_quantity.value()
                && (r.customer_group.is_none() || r.customer_group == customer.customer_group)
                && r.suggested_item_id != l.item_id;
            if hits && fits && !made.contains(&(l.id, r.id)) {
                new.push(upsell_suggestion::ActiveModel {
                    company_id: Set(order.company_id),
                    order_id: Set(order.id),
                    line_id: Set(l.id),
                    rule_id: Set(r.id),
                    status: Set(SuggestionStatus::Offered),
                    created_at: Set(Utc::now()),
                    decided_at: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    super::insert_all(db, new).await?;
    Ok(())
}

/// Suggestions of orders (one statement).
pub async fn suggestions_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<upsell_suggestion::Model>> {
    Ok(upsell_suggestion::Entity::find()
        .filter(upsell_suggestion::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(upsell_suggestion::Column::Id)
        .all(db)
        .await?)
}

async fn offered(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<(upsell_suggestion::Model, upsell_rule::Model)> {
    let find = || {
        upsell_suggestion::Entity::find_by_id(id)
            .filter(upsell_suggestion::Column::CompanyId.eq(company_id))
    };
    let order_id = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("suggestion"))?
        .order_id;
    // The order first (every change of an order takes its lock), then the suggestion.
    lock_order(db, company_id, order_id).await?;
    let s = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("suggestion"))?;
    if s.status != SuggestionStatus::Offered {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            format!("the suggestion was {}", s.status.as_str()),
        ));
    }
    let r = upsell_rule::Entity::find_by_id(s.rule_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("rule"))?;
    Ok((s, r))
}

async fn decide(
    db: &impl ConnectionTrait,
    s: upsell_suggestion::Model,
    status: SuggestionStatus,
) -> ServiceResult<()> {
    let mut am: upsell_suggestion::ActiveModel = s.into();
    am.status = Set(status);
    am.decided_at = Set(Some(Utc::now()));
    am.update(db).await?;
    Ok(())
}

/// Accepts a suggestion: an up-sell replaces the line's item (re-priced, same quantity), a
/// cross-sell adds a line linked to the triggering one.
pub(crate) async fn accept(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_order::Model> {
    let (s, r) = offered(db, company_id, id).await?;
    let order = super::get_order(db, company_id, s.order_id).await?;
    let Some(line) = sales_order_line::Entity::find_by_id(s.line_id)
        .one(db)
        .await?
    else {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            "the line of the suggestion was deleted",
        ));
    };
    decide(db, s, SuggestionStatus::Accepted).await?;
    if r.kind == RuleKind::UpSell {
        if !line.delivered.value().is_zero() {
            return Err(violation(
                "id",
                Rule::LineHasDeliveries,
                "a delivered line keeps its item",
            ));
        }
        let qty = line.quantity.value();
        super::delete_line(db, company_id, line.id).await?;
        let o = super::add_line(
            db,
            company_id,
            order.id,
            NewOrderLine {
                item_id: r.suggested_item_id,
                quantity: qty,
                unit_id: None,
                unit_price: None,
                discount_percent: None,
                description: None,
            },
        )
        .await?;
        Ok(o)
    } else {
        let qty = r
            .suggested_quantity
            .map(|q| q.value())
            .unwrap_or(line.quantity.value());
        let o = super::add_line(
            db,
            company_id,
            order.id,
            NewOrderLine {
                item_id: r.suggested_item_id,
                quantity: qty,
                unit_id: None,
                unit_price: None,
                discount_percent: None,
                description: None,
            },
        )
        .await?;
        if let Some(new) = lines_of(db, &[o.id])
            .await?
            .into_iter()
            .max_by_key(|l| l.line_number)
        {
            let mut am: sales_order_line::ActiveModel = new.into();
            am.suggested_from_line_id = Set(Some(line.id));
            am.update(db).await?;
        }
        Ok(o)
    }
}

/// Declines a suggestion.
pub async fn decline(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<sales_order::Model> {
    let (s, _) = offered(db, company_id, id).await?;
    let order = super::get_order(db, company_id, s.order_id).await?;
    decide(db, s, SuggestionStatus::Declined).await?;
    Ok(order)
}

/// Acceptance statistics per rule: (rule, offered, accepted, declined).
pub async fn statistics(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<(upsell_rule::Model, i64, i64, i64)>> {
    let rules = upsell_rule::Entity::find()
        .filter(upsell_rule::Column::CompanyId.eq(company_id))
        .order_by_asc(upsell_rule::Column::Id)
        .all(db)
        .await?;
    // Counted by the database, one row per rule and status: the suggestions themselves are
    // never loaded, however many there are.
    use sea_orm::QuerySelect as _;
    use sea_orm::sea_query::{Expr, ExprTrait as _};
    use upsell_suggestion::Column as C;
    let counts: Vec<(i64, SuggestionStatus, i64)> = upsell_suggestion::Entity::find()
        .select_only()
        .column(C::RuleId)
        .column(C::Status)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(C::CompanyId.eq(company_id))
        .group_by(C::RuleId)
        .group_by(C::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_rule: HashMap<i64, (i64, i64, i64)> = HashMap::new();
    for (rule, status, n) in counts {
        let e = by_rule.entry(rule).or_default();
        e.0 += n;
        match status {
            SuggestionStatus::Accepted => e.1 += n,
            SuggestionStatus::Declined => e.2 += n,
            SuggestionStatus::Offered => {}
        }
    }
    Ok(rules
        .into_iter()
        .map(|r| {
            let (total, a, d) = by_rule.get(&r.id).copied().unwrap_or_default();
            (r, total, a, d)
        })
        .collect())
}
