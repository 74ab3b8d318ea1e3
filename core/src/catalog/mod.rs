//! Catalog: units of measure and items (stocked goods and services).
//!
//! Owns: item numbers (manual or from the item sequence), prices and costs at unit-price
//! precision, the item's base unit.
//! Must never: change an item's kind from stocked to service while it has stock (checked in
//! inventory once documents exist).

mod entities;
pub use entities::{item, unit_of_measure};

use crate::codes::{CodeFilter, CodeTable, code_filter};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::numbering::{self, SequenceKind};
use crate::paging::{Cursor, Key, Keyset, Page, PageArgs};
use crate::refs::{self, Table};
use crate::validate;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait};

/// Whether an item is kept in stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ItemKind {
    /// Physical goods with on-hand stock.
    #[sea_orm(string_value = "stocked")]
    Stocked,
    /// A service: no stock.
    #[sea_orm(string_value = "service")]
    Service,
}
crate::enum_cell!(ItemKind);

// ---------------------------------------------------------------- units

/// The units of measure of a company.
pub const UNITS: CodeTable<unit_of_measure::Entity> = CodeTable {
    company: unit_of_measure::Column::CompanyId,
    id: unit_of_measure::Column::Id,
    code: unit_of_measure::Column::Code,
    name: unit_of_measure::Column::Name,
    archived_at: unit_of_measure::Column::ArchivedAt,
    noun: "unit of measure",
};

/// Input of [`create_unit`].
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Code, e.g. `PCS`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Decimal places a quantity in this unit may have (0 to 6).
    pub decimals: i32,
}

fn check_decimals(v: &mut Violations, d: i32) -> Option<i32> {
    if (0..=6).contains(&d) {
        Some(d)
    } else {
        v.push(Violation::new(
            "decimals",
            Rule::OutOfRange,
            "decimals must be between 0 and 6",
        ));
        None
    }
}

/// Adds a unit of measure.
pub async fn create_unit(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewUnit,
) -> ServiceResult<unit_of_measure::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &input.code));
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    let dec = check_decimals(&mut v, input.decimals);
    if let Some(code) = &code
        && UNITS.taken(db, company_id, code).await?
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("unit {code} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name), Some(dec)) = (code, name, dec) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(unit_of_measure::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        name: Set(name),
        decimals: Set(dec),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`update_unit`].
#[derive(Debug, Clone, Default)]
pub struct UnitPatch {
    /// Name.
    pub name: Option<String>,
    /// Decimal places.
    pub decimals: Option<i32>,
}

/// Changes a unit of measure.
pub async fn update_unit(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: UnitPatch,
) -> ServiceResult<unit_of_measure::Model> {
    let row = UNITS.lock(db, company_id, id).await?;
    let mut v = Violations::new();
    let name = p
        .name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let dec = p.decimals.and_then(|d| check_decimals(&mut v, d));
    v.finish()?;
    let mut am: unit_of_measure::ActiveModel = row.into();
    if let Some(x) = name {
        am.name = Set(x);
    }
    if let Some(x) = dec {
        am.decimals = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

// ---------------------------------------------------------------- items

/// Input of [`create_item`].
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Item number; drawn from the item sequence when absent.
    pub number: Option<String>,
    /// Name.
    pub name: String,
    /// Stocked or service.
    pub kind: ItemKind,
    /// Id of the base unit of measure.
    pub base_unit_id: i64,
    /// Base sales price per base unit.
    pub base_sales_price: Decimal,
    /// Unit cost.
    pub unit_cost: Decimal,
    /// Item group (pricing, reporting).
    pub item_group: Option<String>,
    /// Item tax group (tax code resolution).
    pub tax_group: Option<String>,
}

async fn item_number_taken(
    db: &impl ConnectionTrait,
    company_id: i64,
    number: &str,
) -> ServiceResult<bool> {
    Ok(item::Entity::find()
        .filter(item::Column::CompanyId.eq(company_id))
        .filter(item::Column::Number.eq(number))
        .one(db)
        .await?
        .is_some())
}

/// Creates an item.
pub async fn create_item(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewItem,
) -> ServiceResult<item::Model> {
    let mut v = Violations::new();
    let number = match input.number.as_deref() {
        Some(n) => v.check(validate::code("number", n)).map(Some),
        None => Some(None),
    };
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    let price = v.check(validate::unit_price(
        "baseSalesPrice",
        input.base_sales_price,
    ));
    let cost = v.check(validate::unit_price("unitCost", input.unit_cost));
    let group = v.check(
        input
            .item_group
            .as_deref()
            .map(|g| validate::code("itemGroup", g))
            .transpose(),
    );
    let tax = v.check(
        input
            .tax_group
            .as_deref()
            .map(|g| validate::code("taxGroup", g))
            .transpose(),
    );
    if tax.is_some() {
        v.check(
            crate::setup::check_item_tax_group(
                db,
                company_id,
                "taxGroup",
                input.tax_group.as_deref(),
            )
            .await?,
        );
    }
    v.check(
        refs::usable(
            db,
            company_id,
            Table::UnitOfMeasure,
            input.base_unit_id,
            "baseUnitId",
        )
        .await?,
    );
    if let Some(Some(n)) = &number
        && item_number_taken(db, company_id, n).await?
    {
        v.push(Violation::new(
            "number",
            Rule::Duplicate,
            format!("item {n} already exists"),
        ));
    }
    v.finish()?;
    let (Some(number), Some(name), Some(price), Some(cost), Some(group), Some(tax)) =
        (number, name, price, cost, group, tax)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = match number {
        Some(n) => n,
        None => {
            numbering::free_number(db, company_id, SequenceKind::Item, |n| async move {
                item_number_taken(db, company_id, &n).await
            })
            .await?
        }
    };
    let now = Utc::now();
    Ok(item::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        name: Set(name),
        kind: Set(input.kind),
        base_unit_id: Set(input.base_unit_id),
        base_sales_price: Set(price),
        unit_cost: Set(cost),
        item_group: Set(group),
        tax_group: Set(tax),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`update_item`]: `None` leaves a field; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    /// Name.
    pub name: Option<String>,
    /// Base unit.
    pub base_unit_id: Option<i64>,
    /// Base sales price.
    pub base_sales_price: Option<Decimal>,
    /// Unit cost.
    pub unit_cost: Option<Decimal>,
    /// Item group.
    pub item_group: Option<Option<String>>,
    /// Item tax group.
    pub tax_group: Option<Option<String>>,
}

/// One item of the company.
pub async fn get_item(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<item::Model> {
    item::Entity::find_by_id(id)
        .filter(item::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("item"))
}

/// Changes an item.
pub async fn update_item(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: ItemPatch,
) -> ServiceResult<item::Model> {
    let row = crate::db::locking(
        db,
        item::Entity::find_by_id(id).filter(item::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("item"))?;
    let mut v = Violations::new();
    let name = p
        .name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let price = p
        .base_sales_price
        .and_then(|d| v.check(validate::unit_price("baseSalesPrice", d)));
    let cost = p
        .unit_cost
        .and_then(|d| v.check(validate::unit_price("unitCost", d)));
    let group = p.item_group.map(|g| {
        v.check(
            g.as_deref()
                .map(|g| validate::code("itemGroup", g))
                .transpose(),
        )
    });
    let tax = p.tax_group.map(|g| {
        v.check(
            g.as_deref()
                .map(|g| validate::code("taxGroup", g))
                .transpose(),
        )
    });
    if let Some(Some(Some(g))) = &tax {
        v.check(crate::setup::check_item_tax_group(db, company_id, "taxGroup", Some(g)).await?);
    }
    if let Some(u) = p.base_unit_id {
        v.check(refs::usable(db, company_id, Table::UnitOfMeasure, u, "baseUnitId").await?);
    }
    v.finish()?;
    let mut am: item::ActiveModel = row.into();
    if let Some(x) = name {
        am.name = Set(x);
    }
    if let Some(x) = price {
        am.base_sales_price = Set(x);
    }
    if let Some(x) = cost {
        am.unit_cost = Set(x);
    }
    if let Some(Some(x)) = group {
        am.item_group = Set(x);
    }
    if let Some(Some(x)) = tax {
        am.tax_group = Set(x);
    }
    if let Some(u) = p.base_unit_id {
        am.base_unit_id = Set(u);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Filter of the item list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Part of number or name.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<ItemKind>,
    /// Only this item group.
    pub item_group: Option<String>,
    /// Archived or not; both when absent.
    pub archived: Option<bool>,
}

/// Sort of the item list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSort {
    /// By item number.
    Number,
    /// By name.
    Name,
}

fn item_query(company_id: i64, f: &ItemFilter) -> Select<item::Entity> {
    let mut q = code_filter(
        item::Entity::find().filter(item::Column::CompanyId.eq(company_id)),
        &CodeFilter {
            search: f.search.clone(),
            archived: f.archived,
        },
        item::Column::Number,
        item::Column::Name,
        item::Column::ArchivedAt,
    );
    if let Some(k) = f.kind {
        q = q.filter(item::Column::Kind.eq(k));
    }
    if let Some(g) = &f.item_group {
        q = q.filter(Condition::all().add(item::Column::ItemGroup.eq(g.as_str())));
    }
    q
}

/// Items of the company.
pub async fn list_items(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &ItemFilter,
    sort: ItemSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<item::Model>> {
    let sort_expr = match sort {
        ItemSort::Number => crate::paging::number_order("items", "number"),
        ItemSort::Name => Expr::col((item::Entity, item::Column::Name)),
    };
    let ks = Keyset::new(sort_expr, Expr::col((item::Entity, item::Column::Id)), desc);
    let (q, w) = ks.apply(item_query(company_id, f), args)?;
    let rows = q.all(db).await?;
    Ok(ks.finish(rows, w, |m| {
        Cursor::new(
            match sort {
                ItemSort::Number => crate::paging::number_key(&m.number),
                ItemSort::Name => Key::Str(m.name.clone()),
            },
            m.id,
        )
    }))
}

/// Number of items matching the filter.
pub async fn count_items(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &ItemFilter,
) -> ServiceResult<u64> {
    Ok(item_query(company_id, f).count(db).await?)
}

// The SQLite read path decodes this model field by field (core/src/reads.rs, `FastModel`):
// the list names every field (a struct literal: the compiler refuses a missing one).
crate::fast_row!(item::Model {
    id,
    company_id,
    number,
    name,
    kind,
    base_unit_id,
    base_sales_price,
    unit_cost,
    item_group,
    tax_group,
    created_at,
    updated_at,
    archived_at,
});
crate::fast_model!(item::Model);
