//! Trade agreements: price and line discount lines by item, item group or
//! all items and by customer, customer group or all customers, and the price resolution that
//! reads them under the company's pricing rule. The search itself is [`crate::pricing`] (pure);
//! this module loads the candidate lines in one statement and records the sources.
//!
//! Owns: which lines are candidates (company, currency, not archived, item/customer scope).
//! Must never: let a line without its scope's key in (an ITEM line without an item, a GROUP line
//! without a group) or with an inverted quantity or date range.

use crate::catalog;
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};

use crate::paging::{Page, PageArgs};
use crate::parties;
use crate::pricing::{
    self, AccountScope, AgreementLine, Discount, ItemScope, PriceQuery, Relation,
};
use crate::refs::{self, Table};
use crate::setup::{self, PricingRule, company};
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait};

/// A row of `trade_agreements`.
pub mod trade_agreement {
    use crate::money::{Quantity, Rate, UnitPrice};
    use sea_orm::entity::prelude::*;
    /// A trade agreement line.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "trade_agreements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub relation: super::AgreementRelation,
        pub item_scope: super::Scope,
        pub item_id: Option<i64>,
        pub item_group: Option<String>,
        pub account_scope: super::Scope,
        pub customer_id: Option<i64>,
        pub account_group: Option<String>,
        pub currency_id: i64,
        pub unit_id: Option<i64>,
        pub quantity_from: Quantity,
        pub quantity_to: Quantity,
        pub from_date: Option<Date>,
        pub to_date: Option<Date>,
        pub amount: UnitPrice,
        pub percent1: Rate,
        pub percent2: Rate,
        pub find_next: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// What an agreement line sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AgreementRelation {
    /// A unit price.
    #[sea_orm(string_value = "price")]
    Price,
    /// A line discount (amount per unit and/or percentages).
    #[sea_orm(string_value = "line_discount")]
    LineDiscount,
}

/// How wide an agreement line reaches on the item or the customer side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Scope {
    /// One item or one customer (D365 "Table").
    #[sea_orm(string_value = "one")]
    One,
    /// An item group or a customer price/discount group.
    #[sea_orm(string_value = "group")]
    Group,
    /// Every item or every customer.
    #[sea_orm(string_value = "all")]
    All,
}

/// Input of [`create_agreement`].
#[derive(Debug, Clone)]
pub struct NewAgreement {
    /// Price or line discount.
    pub relation: AgreementRelation,
    /// Item side.
    pub item_scope: Scope,
    /// The item, for `One`.
    pub item_id: Option<i64>,
    /// The item group, for `Group`.
    pub item_group: Option<String>,
    /// Customer side.
    pub account_scope: Scope,
    /// The customer, for `One`.
    pub customer_id: Option<i64>,
    /// The customer price group (prices) or line discount group (discounts), for `Group`.
    pub account_group: Option<String>,
    /// Currency.
    pub currency_id: i64,
    /// Unit; any unit when absent.
    pub unit_id: Option<i64>,
    /// Smallest quantity (inclusive).
    pub quantity_from: Decimal,
    /// Quantity the line stops at (exclusive); 0 for no limit.
    pub quantity_to: Decimal,
    /// First day.
    pub from_date: Option<NaiveDate>,
    /// Last day.
    pub to_date: Option<NaiveDate>,
    /// Price per unit, or discount amount per unit.
    pub amount: Decimal,
    /// Discount percentage (discount lines).
    pub percent1: Decimal,
    /// Second discount percentage (discount lines).
    pub percent2: Decimal,
    /// Keep searching after this line matched.
    pub find_next: bool,
}

/// Creates a trade agreement line.
pub async fn create_agreement(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewAgreement,
) -> ServiceResult<trade_agreement::Model> {
    let mut v = Violations::new();
    let item_group = v.check(validate::opt_code("itemGroup", i.item_group.as_deref()));
    let account_group = v.check(validate::opt_code(
        "accountGroup",
        i.account_group.as_deref(),
    ));
    match i.item_scope {
        Scope::One => match i.item_id {
            Some(id) => {
                v.check(refs::usable(db, company_id, Table::Item, id, "itemId").await?);
            }
            None => v.push(Violation::new(
                "itemId",
                Rule::Required,
                "an ONE item line names the item",
            )),
        },
        Scope::Group if item_group.as_ref().is_none_or(Option::is_none) => v.push(Violation::new(
            "itemGroup",
            Rule::Required,
            "a GROUP item line names the item group",
        )),
        _ => {}
    }
    match i.account_scope {
        Scope::One => match i.customer_id {
            Some(id) => {
                v.check(refs::usable(db, company_id, Table::Customer, id, "customerId").await?);
            }
            None => v.push(Violation::new(
                "customerId",
                Rule::Required,
                "an ONE customer line names the customer",
            )),
        },
        Scope::Group if account_group.as_ref().is_none_or(Option::is_none) => {
            v.push(Violation::new(
                "accountGroup",
                Rule::Required,
                "a GROUP customer line names the customer group",
            ))
        }
        _ => {}
    }
    v.check(refs::usable(db, company_id, Table::Currency, i.currency_id, "currencyId").await?);
    if let Some(u) = i.unit_id {
        v.check(refs::usable(db, company_id, Table::UnitOfMeasure, u, "unitId").await?);
    }
    let qf = v.check(validate::quantity("quantityFrom", i.quantity_from));
    let qt = v.check(validate::quantity("quantityTo", i.quantity_to));
    if i.quantity_from.is_sign_negative() || i.quantity_to.is_sign_negative() {
        v.push(Violation::new(
            "quantityFrom",
            Rule::Negative,
            "quantities must not be negative",
        ));
    } else if !i.quantity_to.is_zero() && i.quantity_to <= i.quantity_from {
        v.push(Violation::new(
            "quantityTo",
            Rule::InvalidValue,
            "quantityTo must be above quantityFrom (or 0 for no limit)",
        ));
    }
    if let (Some(f), Some(t)) = (i.from_date, i.to_date)
        && t < f
    {
        v.push(Violation::new(
            "toDate",
            Rule::InvalidValue,
            "toDate is before fromDate",
        ));
    }
    let amount = v.check(validate::unit_price("amount", i.amount));
    if amount.is_some()
        && let Ok(c) = crate::setup::get_currency(db, company_id, i.currency_id).await
    {
        v.check(validate::price_step(
            "amount",
            i.amount,
            c.unit_price_precision.value(),
            &c.code,
        ));
    }
    let p1 = v.check(validate::percent("percent1", i.percent1));
    let p2 = v.check(validate::percent("percent2", i.percent2));
    if i.relation == AgreementRelation::Price && !(i.percent1.is_zero() && i.percent2.is_zero()) {
        v.push(Violation::new(
            "percent1",
            Rule::InvalidValue,
            "a price line has no discount percentages",
        ));
    }
    v.finish()?;
    let (
        Some(item_group),
        Some(account_group),
        Some(qf),
        Some(qt),
        Some(amount),
        Some(p1),
        Some(p2),
    ) = (item_group, account_group, qf, qt, amount, p1, p2)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    let one = |s: Scope, x: Option<i64>| if s == Scope::One { x } else { None };
    let grp = |s: Scope, x: Option<String>| if s == Scope::Group { x } else { None };
    Ok(trade_agreement::ActiveModel {
        company_id: Set(company_id),
        relation: Set(i.relation),
        item_scope: Set(i.item_scope),
        item_id: Set(one(i.item_scope, i.item_id)),
        item_group: Set(grp(i.item_scope, item_group)),
        account_scope: Set(i.account_scope),
        customer_id: Set(one(i.account_scope, i.customer_id)),
        account_group: Set(grp(i.account_scope, account_group)),
        currency_id: Set(i.currency_id),
        unit_id: Set(i.unit_id),
        quantity_from: Set(qf),
        quantity_to: Set(qt),
        from_date: Set(i.from_date),
        to_date: Set(i.to_date),
        amount: Set(amount),
        percent1: Set(p1),
        percent2: Set(p2),
        find_next: Set(i.find_next),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Which agreement lines a list shows.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Price or discount lines only.
    pub relation: Option<AgreementRelation>,
    /// Lines for this item (ONE scope).
    pub item_id: Option<i64>,
    /// Lines for this customer (ONE scope).
    pub customer_id: Option<i64>,
    /// `Some(true)` archived only, `Some(false)` active only.
    pub archived: Option<bool>,
}

fn agreement_query(company_id: i64, f: &AgreementFilter) -> Select<trade_agreement::Entity> {
    use trade_agreement::Column as C;
    let mut q = trade_agreement::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(r) = f.relation {
        q = q.filter(C::Relation.eq(r));
    }
    if let Some(i) = f.item_id {
        q = q.filter(C::ItemId.eq(i));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    match f.archived {
        Some(true) => q.filter(C::ArchivedAt.is_not_null()),
        Some(false) => q.filter(C::ArchivedAt.is_null()),
        None => q,
    }
}

/// One page of agreement lines, oldest first.
pub async fn list_agreements(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &AgreementFilter,
    args: &PageArgs,
) -> ServiceResult<Page<trade_agreement::Model>> {
    crate::crm::page_by_id(
        db,
        agreement_query(company_id, f),
        trade_agreement::Column::Id,
        false,
        args,
    )
    .await
}

/// Number of agreement lines matching the filter.
pub async fn count_agreements(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &AgreementFilter,
) -> ServiceResult<u64> {
    Ok(agreement_query(company_id, f).count(db).await?)
}

/// What to price.
#[derive(Debug, Clone)]
pub struct PriceRequest {
    /// The customer (its currency, price group and line discount group count).
    pub customer_id: i64,
    /// The item.
    pub item_id: i64,
    /// Quantity in the unit.
    pub quantity: Decimal,
    /// Unit; the item's base unit when absent.
    pub unit_id: Option<i64>,
    /// Date the agreements must be valid on (the order date).
    pub date: NaiveDate,
}

/// Where a unit price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSource {
    /// A trade agreement line.
    TradeAgreement(i64),
    /// The item's base sales price.
    BasePrice,
}

/// The resolved price and line discount of an item for a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceResult {
    /// The rule used.
    pub rule: PricingRule,
    /// Currency id (the customer's).
    pub currency_id: i64,
    /// Unit price.
    pub unit_price: Decimal,
    /// Where it came from.
    pub price_source: PriceSource,
    /// Line discount (amount per unit, percentage, source lines).
    pub discount: Discount,
    /// Line amount after the line discount, rounded to the currency.
    pub line_amount: Decimal,
}

/// Resolves the price and line discount of an item for a customer under the company's rule,
/// from the agreement lines in the customer's currency (one statement for the candidates).
pub async fn resolve_price(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: &PriceRequest,
) -> ServiceResult<PriceResult> {
    let mut v = Violations::new();
    v.check(validate::quantity("quantity", r.quantity));
    if r.quantity <= Decimal::ZERO {
        v.push(Violation::new(
            "quantity",
            Rule::OutOfRange,
            "quantity must be above 0",
        ));
    }
    v.finish()?;
    let rule = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?
        .pricing_rule;
    let customer = match parties::get_customer(db, company_id, r.customer_id).await {
        Ok(c) => c,
        Err(ServiceError::NotFound(_)) => {
            return Err(Violation::new("customerId", Rule::NotFound, "customer not found").into());
        }
        Err(e) => return Err(e),
    };
    let item = match catalog::get_item(db, company_id, r.item_id).await {
        Ok(i) => i,
        Err(ServiceError::NotFound(_)) => {
            return Err(Violation::new("itemId", Rule::NotFound, "item not found").into());
        }
        Err(e) => return Err(e),
    };
    let currency = setup::get_currency(db, company_id, customer.currency_id).await?;
    let unit_id = r.unit_id.unwrap_or(item.base_unit_id);
    let unit = catalog::unit_of_measure::Entity::find_by_id(unit_id)
        .filter(catalog::unit_of_measure::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            ServiceError::from(Violation::new("unitId", Rule::NotFound, "unit not found"))
        })?;
    let rows = candidates(db, company_id, &customer, &[&item]).await?;
    price_with(
        &rows,
        &Pricing {
            rule,
            customer: &customer,
            currency: &currency,
            item: &item,
            unit: &unit,
            quantity: r.quantity,
            date: r.date,
        },
    )
}

/// The agreement lines that may apply to any of `items` for `customer`: its currency, not
/// archived, for all items, one of the items or one of their groups, and for all accounts,
/// the customer or one of its price or line discount groups. One statement whatever the
/// number of items; [`price_with`] picks per line in memory.
pub(crate) async fn candidates(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer: &parties::customer::Model,
    items: &[&catalog::item::Model],
) -> ServiceResult<Vec<trade_agreement::Model>> {
    use trade_agreement::Column as C;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut item_groups: Vec<String> = items.iter().filter_map(|i| i.item_group.clone()).collect();
    item_groups.sort();
    item_groups.dedup();
    let mut scope = Condition::any().add(C::ItemScope.eq(Scope::All)).add(
        Condition::all()
            .add(C::ItemScope.eq(Scope::One))
            .add(C::ItemId.is_in(ids)),
    );
    if !item_groups.is_empty() {
        scope = scope.add(
            Condition::all()
                .add(C::ItemScope.eq(Scope::Group))
                .add(C::ItemGroup.is_in(item_groups)),
        );
    }
    let groups: Vec<String> = [
        customer.price_group.clone(),
        customer.line_discount_group.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let accounts = Condition::any()
        .add(C::AccountScope.eq(Scope::All))
        .add(
            Condition::all()
                .add(C::AccountScope.eq(Scope::One))
                .add(C::CustomerId.eq(customer.id)),
        )
        .add(
            Condition::all()
                .add(C::AccountScope.eq(Scope::Group))
                .add(C::AccountGroup.is_in(groups)),
        );
    Ok(trade_agreement::Entity::find()
        .filter(C::CompanyId.eq(company_id))
        .filter(C::CurrencyId.eq(customer.currency_id))
        .filter(C::ArchivedAt.is_null())
        .filter(scope)
        .filter(accounts)
        .all(db)
        .await?)
}

/// What [`price_with`] prices: one item in one unit for one customer.
pub(crate) struct Pricing<'a> {
    pub(crate) rule: PricingRule,
    pub(crate) customer: &'a parties::customer::Model,
    pub(crate) currency: &'a setup::currency::Model,
    pub(crate) item: &'a catalog::item::Model,
    pub(crate) unit: &'a catalog::unit_of_measure::Model,
    /// Above zero.
    pub(crate) quantity: Decimal,
    pub(crate) date: NaiveDate,
}

/// Price and line discount of one line from candidate agreement lines (a superset is fine:
/// scope, currency, unit, dates and quantities are checked here), under the company's rule.
/// `OUT_OF_RANGE` on `quantity` when the line amount does not fit.
pub(crate) fn price_with(
    rows: &[trade_agreement::Model],
    p: &Pricing<'_>,
) -> ServiceResult<PriceResult> {
    let (customer, item, currency, unit, rule) = (p.customer, p.item, p.currency, p.unit, p.rule);
    let lines: Vec<AgreementLine> = rows
        .iter()
        .filter(|a| a.currency_id == customer.currency_id)
        .map(|a| AgreementLine {
            id: a.id,
            relation: match a.relation {
                AgreementRelation::Price => Relation::Price,
                AgreementRelation::LineDiscount => Relation::LineDiscount,
            },
            item: match a.item_scope {
                Scope::One => ItemScope::Item(a.item_id.unwrap_or_default()),
                Scope::Group => ItemScope::Group(a.item_group.clone().unwrap_or_default()),
                Scope::All => ItemScope::All,
            },
            account: match a.account_scope {
                Scope::One => AccountScope::Customer(a.customer_id.unwrap_or_default()),
                Scope::Group => AccountScope::Group(a.account_group.clone().unwrap_or_default()),
                Scope::All => AccountScope::All,
            },
            currency: currency.code.clone(),
            unit: match a.unit_id {
                Some(u) if u == unit.id => Some(unit.code.clone()),
                Some(_) => Some(String::new()),
                None => None,
            },
            quantity_from: a.quantity_from.value(),
            quantity_to: a.quantity_to.value(),
            from_date: a.from_date,
            to_date: a.to_date,
            amount: a.amount.value(),
            percent1: a.percent1.value(),
            percent2: a.percent2.value(),
            find_next: a.find_next,
        })
        .collect();
    let q = PriceQuery {
        customer_id: customer.id,
        price_group: customer.price_group.clone(),
        discount_group: customer.line_discount_group.clone(),
        item_id: item.id,
        item_group: item.item_group.clone(),
        currency: currency.code.clone(),
        unit: unit.code.clone(),
        quantity: p.quantity,
        date: p.date,
    };
    let base = item.base_sales_price.value();
    let step = currency.amount_precision.value();
    let (price, discount, line_amount) = match rule {
        PricingRule::TradeAgreements => {
            let pr = pricing::d365_price(&lines, &q, base);
            let d = pricing::d365_line_discount(&lines, &q);
            let amount =
                pricing::d365_line_amount(pr.unit_price, p.quantity, Decimal::ONE, &d, step);
            (pr, d, amount)
        }
        PricingRule::BestPrice => {
            let (pr, d) = pricing::bc_best_price(&lines, &q, base);
            let amount = pricing::bc_line_amount(pr.unit_price, p.quantity, d.percent, step);
            (pr, d, amount)
        }
    };
    let line_amount = line_amount.ok_or_else(|| {
        Violation::new(
            "quantity",
            Rule::OutOfRange,
            "quantity × price is out of range",
        )
    })?;
    Ok(PriceResult {
        rule,
        currency_id: customer.currency_id,
        unit_price: price.unit_price,
        price_source: price
            .source
            .map(PriceSource::TradeAgreement)
            .unwrap_or(PriceSource::BasePrice),
        discount,
        line_amount: line_amount.normalize(),
    })
}
