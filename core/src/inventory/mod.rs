//! Inventory: warehouses, the item ledger, and on-hand derived from it.
//!
//! Owns: the rule that on-hand is the sum of ledger entries per item and warehouse, and that an
//! adjustment may not make it negative. Adjustments are the only way to change stock until
//! shipments and receipts exist.
//! Must never: update or delete a ledger entry; corrections are new entries.

mod entities;
pub use entities::{item_ledger_entry, warehouse};

use crate::catalog::{self, ItemKind, item};
use crate::codes::CodeTable;
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::Quantity;
use crate::paging::{Cursor, Key, Keyset, Page, PageArgs};
use crate::refs::{self, Table};
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QuerySelect};
use std::collections::HashMap;

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum EntryType {
    /// A manual inventory adjustment (count, write-off, opening balance).
    #[sea_orm(string_value = "adjustment")]
    Adjustment,
    /// Shipped to a customer (negative), or back from a reversed shipment (positive).
    #[sea_orm(string_value = "sale")]
    Sale,
}

// ---------------------------------------------------------------- warehouses

/// The warehouses of a company.
pub const WAREHOUSES: CodeTable<warehouse::Entity> = CodeTable {
    company: warehouse::Column::CompanyId,
    id: warehouse::Column::Id,
    code: warehouse::Column::Code,
    name: warehouse::Column::Name,
    archived_at: warehouse::Column::ArchivedAt,
    noun: "warehouse",
};

/// Input of [`create_warehouse`].
#[derive(Debug, Clone)]
pub struct NewWarehouse {
    /// Code, e.g. `MAIN`.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Adds a warehouse.
pub async fn create_warehouse(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewWarehouse,
) -> ServiceResult<warehouse::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &input.code));
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    if let Some(code) = &code
        && WAREHOUSES.taken(db, company_id, code).await?
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("warehouse {code} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(warehouse::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        name: Set(name),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Renames a warehouse.
pub async fn update_warehouse(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    name: Option<String>,
) -> ServiceResult<warehouse::Model> {
    let row = WAREHOUSES.lock(db, company_id, id).await?;
    let mut v = Violations::new();
    let name = name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    v.finish()?;
    let mut am: warehouse::ActiveModel = row.into();
    if let Some(x) = name {
        am.name = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

// ---------------------------------------------------------------- ledger

/// Input of [`adjust`].
#[derive(Debug, Clone)]
pub struct Adjustment {
    /// The item.
    pub item_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// Change in the item's base unit: positive adds stock, negative removes it.
    pub quantity: Decimal,
    /// Posting date.
    pub posting_date: NaiveDate,
    /// Why (count, damage, opening balance, ...).
    pub reason: Option<String>,
}

/// Posts an inventory adjustment. Call inside a write transaction: the item row is locked on
/// PostgreSQL (SQLite holds the write lock from `BEGIN IMMEDIATE`), so two adjustments of the
/// same item cannot both pass the on-hand check.
pub async fn adjust(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: Adjustment,
) -> ServiceResult<item_ledger_entry::Model> {
    let mut v = Violations::new();
    let qty = v.check(validate::quantity("quantity", input.quantity));
    if input.quantity.is_zero() {
        v.push(Violation::new(
            "quantity",
            Rule::InvalidValue,
            "quantity must not be zero",
        ));
    }
    let reason = v.check(validate::opt_text(
        "reason",
        input.reason.as_deref(),
        validate::MAX_NAME,
    ));
    v.check(refs::usable(db, company_id, Table::Item, input.item_id, "itemId").await?);
    v.check(
        refs::usable(
            db,
            company_id,
            Table::Warehouse,
            input.warehouse_id,
            "warehouseId",
        )
        .await?,
    );
    v.finish()?;
    let (Some(qty), Some(reason)) = (qty, reason) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let it = locked_item(db, company_id, input.item_id).await?;
    if it.kind != ItemKind::Stocked {
        return Err(Violation::new(
            "itemId",
            Rule::NotStocked,
            format!("item {} is a service and has no stock", it.number),
        )
        .into());
    }
    let unit = catalog::unit_of_measure::Entity::find_by_id(it.base_unit_id)
        .one(db)
        .await?;
    if let Some(u) = unit
        && qty.value().normalize().scale() > u.decimals as u32
    {
        return Err(Violation::new(
            "quantity",
            Rule::PrecisionExceeded,
            format!(
                "quantity in {} may have at most {} decimal places",
                u.code, u.decimals
            ),
        )
        .into());
    }
    post_entry(
        db,
        company_id,
        &it,
        input.warehouse_id,
        qty,
        input.posting_date,
        EntryType::Adjustment,
        reason,
        "quantity",
    )
    .await
}

/// The item, locked until the transaction ends on PostgreSQL (SQLite holds the write lock
/// from `BEGIN IMMEDIATE`): two movements of the same item cannot both pass the on-hand check.
async fn locked_item(
    db: &impl ConnectionTrait,
    company_id: i64,
    item_id: i64,
) -> ServiceResult<item::Model> {
    crate::db::locking(
        db,
        item::Entity::find_by_id(item_id).filter(item::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("item"))
}

/// Writes a stock movement of a locked stocked item, refusing one that would make the
/// warehouse's on-hand negative (`INSUFFICIENT_STOCK` on `field`).
#[allow(
    clippy::too_many_arguments,
    reason = "a ledger entry's columns, and the input field a refusal names"
)]
async fn post_entry(
    db: &impl ConnectionTrait,
    company_id: i64,
    it: &item::Model,
    warehouse_id: i64,
    quantity: Quantity,
    posting_date: NaiveDate,
    entry_type: EntryType,
    reason: Option<String>,
    field: &str,
) -> ServiceResult<item_ledger_entry::Model> {
    let current = on_hand_one(db, it.id, warehouse_id).await?;
    after_move(it, current, quantity, field)?;
    Ok(item_ledger_entry::ActiveModel {
        company_id: Set(company_id),
        item_id: Set(it.id),
        warehouse_id: Set(warehouse_id),
        entry_type: Set(entry_type),
        quantity: Set(quantity),
        posting_date: Set(posting_date),
        reason: Set(reason),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The on-hand after moving `quantity` of a stocked item, refused when it would be negative
/// (`INSUFFICIENT_STOCK` on `field`) or out of range.
fn after_move(
    it: &item::Model,
    current: Quantity,
    quantity: Quantity,
    field: &str,
) -> ServiceResult<Quantity> {
    let after = current.checked_add(quantity).ok_or_else(|| {
        ServiceError::from(Violation::new(
            field,
            Rule::OutOfRange,
            "quantity is out of range",
        ))
    })?;
    if after.is_negative() {
        return Err(Violation::new(
            field,
            Rule::InsufficientStock,
            format!(
                "on hand of {} in this warehouse is {}; taking {} out would make it negative",
                it.number,
                current.value(),
                quantity.value().abs()
            ),
        )
        .into());
    }
    Ok(after)
}

/// One stock movement of a shipment or its reversal ([`move_for_sale`]).
#[derive(Debug, Clone)]
pub(crate) struct SaleMove<'a> {
    /// The item.
    pub item_id: i64,
    /// Negative to issue, positive to take back.
    pub quantity: Quantity,
    /// The input field a refusal names.
    pub field: &'a str,
}

/// Moves the stock of a shipment or its reversal out of (or back into) one warehouse, in a
/// constant number of statements whatever the number of moves: the items locked in id order
/// (on PostgreSQL, as in [`adjust`], so two shipments of one item cannot both pass the
/// on-hand check, and two shipments of the same items never wait for each other in a cycle),
/// their on-hand read once, the entries written in one insert. Returns each move's entry, in
/// the order of `moves`; `None` for an item that is not stocked (a service ships without
/// stock). A move that would make an item's on-hand negative, counting the moves before it,
/// is refused (`INSUFFICIENT_STOCK` on its field).
pub(crate) async fn move_for_sale(
    db: &impl ConnectionTrait,
    company_id: i64,
    warehouse_id: i64,
    posting_date: NaiveDate,
    moves: &[SaleMove<'_>],
) -> ServiceResult<Vec<Option<item_ledger_entry::Model>>> {
    use sea_orm::QueryOrder;
    if moves.is_empty() {
        return Ok(vec![]);
    }
    let mut ids: Vec<i64> = moves.iter().map(|m| m.item_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let items: HashMap<i64, item::Model> = crate::db::locking(
        db,
        item::Entity::find()
            .filter(item::Column::CompanyId.eq(company_id))
            .filter(item::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(item::Column::Id),
    )
    .all(db)
    .await?
    .into_iter()
    .map(|i| (i.id, i))
    .collect();
    let stocked: Vec<i64> = items
        .values()
        .filter(|i| i.kind == ItemKind::Stocked)
        .map(|i| i.id)
        .collect();
    let mut on_hand = if stocked.is_empty() {
        HashMap::new()
    } else {
        on_hand(db, &stocked).await?
    };
    let mut rows = Vec::with_capacity(moves.len());
    let mut is_stocked = Vec::with_capacity(moves.len());
    for m in moves {
        let it = items
            .get(&m.item_id)
            .ok_or(ServiceError::NotFound("item"))?;
        is_stocked.push(it.kind == ItemKind::Stocked);
        if it.kind != ItemKind::Stocked {
            continue;
        }
        let current = on_hand
            .entry((it.id, warehouse_id))
            .or_insert(Quantity::ZERO);
        *current = after_move(it, *current, m.quantity, m.field)?;
        rows.push(item_ledger_entry::ActiveModel {
            company_id: Set(company_id),
            item_id: Set(it.id),
            warehouse_id: Set(warehouse_id),
            entry_type: Set(EntryType::Sale),
            quantity: Set(m.quantity),
            posting_date: Set(posting_date),
            reason: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        });
    }
    let mut entries = if rows.is_empty() {
        vec![]
    } else {
        item_ledger_entry::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?
    };
    // ids grow in the order of the insert's rows
    entries.sort_by_key(|e| e.id);
    let mut entries = entries.into_iter();
    Ok(is_stocked
        .into_iter()
        .map(|s| if s { entries.next() } else { None })
        .collect())
}

async fn on_hand_one(
    db: &impl ConnectionTrait,
    item_id: i64,
    warehouse_id: i64,
) -> ServiceResult<Quantity> {
    let m = on_hand(db, &[item_id]).await?;
    Ok(m.get(&(item_id, warehouse_id))
        .copied()
        .unwrap_or(Quantity::ZERO))
}

/// On-hand per (item, warehouse) for the given items, summed exactly in SQL.
pub async fn on_hand(
    db: &impl ConnectionTrait,
    item_ids: &[i64],
) -> ServiceResult<HashMap<(i64, i64), Quantity>> {
    use item_ledger_entry::Column as C;
    let rows: Vec<(i64, i64, Option<i64>)> = item_ledger_entry::Entity::find()
        .select_only()
        .column(C::ItemId)
        .column(C::WarehouseId)
        .column_as(Expr::col(C::Quantity).sum().cast_as("BIGINT"), "qty")
        .filter(C::ItemId.is_in(item_ids.iter().copied()))
        .group_by(C::ItemId)
        .group_by(C::WarehouseId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(i, w, q)| ((i, w), Quantity::from_raw(q.unwrap_or(0))))
        .collect())
}

/// Filter of the ledger list.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    /// Only this item.
    pub item_id: Option<i64>,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
}

fn ledger_query(company_id: i64, f: &LedgerFilter) -> Select<item_ledger_entry::Entity> {
    let mut q = item_ledger_entry::Entity::find()
        .filter(item_ledger_entry::Column::CompanyId.eq(company_id));
    if let Some(i) = f.item_id {
        q = q.filter(item_ledger_entry::Column::ItemId.eq(i));
    }
    if let Some(w) = f.warehouse_id {
        q = q.filter(item_ledger_entry::Column::WarehouseId.eq(w));
    }
    q
}

/// Ledger entries, newest first unless `desc` is false.
pub async fn list_ledger(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &LedgerFilter,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<item_ledger_entry::Model>> {
    let ks = Keyset::new(
        Expr::col((item_ledger_entry::Entity, item_ledger_entry::Column::Id)),
        Expr::col((item_ledger_entry::Entity, item_ledger_entry::Column::Id)),
        desc,
    )
    .of(crate::paging::KeyKind::Int);
    let (q, w) = ks.apply(ledger_query(company_id, f), args)?;
    let rows = q.all(db).await?;
    Ok(ks.finish(rows, w, |m| Cursor::new(Key::Int(m.id), m.id)))
}

/// Number of ledger entries matching the filter.
pub async fn count_ledger(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &LedgerFilter,
) -> ServiceResult<u64> {
    Ok(ledger_query(company_id, f).count(db).await?)
}
