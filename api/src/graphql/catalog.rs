//! Items, units of measure, warehouses and stock: the item ledger and on-hand per warehouse.

use super::connection::{CodeListFilter, CodeListSort, code_list};
use super::connection::{filter_id, list_cost, page_args, wants_total};
use super::enums::{self, ArchivedFilter, ItemKind, SortDirection};
use super::errors::{Input, internal};
use super::ids::{Kind, encode};
use super::input::mu;
use super::leaves::Fast;
use super::scalars::ts;
use super::scalars::{Date, DateTime, Dec};
use super::{company_id, db, loaders, read, require, write};
use crate::connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result};
use mercator_core::auth::Role;
use mercator_core::catalog::{
    self, ItemFilter as CoreItemFilter, ItemPatch, ItemSort, NewItem, NewUnit, UnitPatch, item,
    unit_of_measure,
};
use mercator_core::inventory::{
    self, Adjustment, LedgerFilter, NewWarehouse, item_ledger_entry, warehouse,
};
use rust_decimal::Decimal;

/// A unit of measure and how many decimals a quantity in it may have.
#[derive(Clone, Debug)]
pub struct UnitOfMeasure(pub unit_of_measure::Model);

/// A unit of measure and how many decimals a quantity in it may have.
#[Object]
impl UnitOfMeasure {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::UnitOfMeasure, self.0.id)
    }
    /// Code, e.g. `PCS`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Decimal places a quantity in this unit may have (0 to 6).
    async fn decimals(&self) -> i32 {
        self.0.decimals
    }
    /// Archived units cannot be used on new data.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

/// A warehouse (inventory location).
#[derive(Clone, Debug)]
pub struct Warehouse(pub warehouse::Model);

/// A warehouse (inventory location).
#[Object]
impl Warehouse {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Warehouse, self.0.id)
    }
    /// Code, e.g. `MAIN`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Archived warehouses cannot receive new stock.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

pub(crate) async fn item_of(ctx: &Context<'_>, id: i64) -> Result<Fast<Item>> {
    loaders(ctx)?
        .item
        .load_one(id)
        .await
        .map_err(internal)?
        .map(|i| Fast(Item(i)))
        .ok_or_else(|| internal("item missing"))
}

/// Stock of an item in one warehouse.
#[derive(Clone, Debug)]
pub struct InventoryLevel {
    warehouse_id: i64,
    quantity: Decimal,
}

/// Stock of an item in one warehouse.
#[Object]
impl InventoryLevel {
    /// The warehouse.
    async fn warehouse(&self, ctx: &Context<'_>) -> Result<Warehouse> {
        loaders(ctx)?
            .warehouse
            .load_one(self.warehouse_id)
            .await
            .map_err(internal)?
            .map(Warehouse)
            .ok_or_else(|| internal("warehouse missing"))
    }
    /// On-hand quantity in the item's base unit.
    async fn on_hand(&self) -> Dec {
        Dec::of(self.quantity)
    }
}

/// A sellable item: stocked goods or a service.
#[derive(Clone, Debug)]
pub struct Item(pub item::Model);

/// A sellable item: stocked goods or a service.
#[Object(serial)]
impl Item {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Item, self.0.id)
    }
    /// Item number, unique in the company, e.g. `ITEM-A`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Stocked or service.
    async fn kind(&self) -> enums::ItemKind {
        self.0.kind.into()
    }
    /// Unit that quantities and prices refer to.
    async fn base_unit(&self, ctx: &Context<'_>) -> Result<UnitOfMeasure> {
        loaders(ctx)?
            .unit
            .load_one(self.0.base_unit_id)
            .await
            .map_err(internal)?
            .map(UnitOfMeasure)
            .ok_or_else(|| internal("unit missing"))
    }
    /// Base sales price per base unit, in the company's base currency.
    async fn base_sales_price(&self) -> Dec {
        Dec::of(self.0.base_sales_price.value())
    }
    /// Unit cost per base unit, in the company's base currency.
    async fn unit_cost(&self) -> Dec {
        Dec::of(self.0.unit_cost.value())
    }
    /// Item group.
    async fn item_group(&self) -> Option<&str> {
        self.0.item_group.as_deref()
    }
    /// Item tax group.
    async fn tax_group(&self) -> Option<&str> {
        self.0.tax_group.as_deref()
    }
    /// Total on-hand over all warehouses, in the base unit (zero for services).
    async fn on_hand(&self, ctx: &Context<'_>) -> Result<Dec> {
        let levels = loaders(ctx)?
            .on_hand
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        Ok(Dec::of(levels.iter().map(|(_, q)| q.value()).sum()))
    }
    /// On-hand per warehouse that ever held the item.
    async fn inventory(&self, ctx: &Context<'_>) -> Result<Vec<InventoryLevel>> {
        let levels = loaders(ctx)?
            .on_hand
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        Ok(levels
            .into_iter()
            .map(|(w, q)| InventoryLevel {
                warehouse_id: w,
                quantity: q.value(),
            })
            .collect())
    }
    /// Archived items cannot be used on new documents.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        ts(self.0.updated_at)
    }
}

/// One stock movement. On-hand is the sum of these; they are never changed.
#[derive(Clone, Debug)]
pub struct ItemLedgerEntry(pub item_ledger_entry::Model);

/// One stock movement. On-hand is the sum of these; they are never changed.
#[Object]
impl ItemLedgerEntry {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ItemLedgerEntry, self.0.id)
    }
    /// The item.
    async fn item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        item_of(ctx, self.0.item_id).await
    }
    /// The warehouse.
    async fn warehouse(&self, ctx: &Context<'_>) -> Result<Warehouse> {
        loaders(ctx)?
            .warehouse
            .load_one(self.0.warehouse_id)
            .await
            .map_err(internal)?
            .map(Warehouse)
            .ok_or_else(|| internal("warehouse missing"))
    }
    /// Why stock moved.
    async fn entry_type(&self) -> enums::EntryType {
        self.0.entry_type.into()
    }
    /// Quantity in the item's base unit: positive in, negative out.
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// Posting date.
    async fn posting_date(&self) -> Date {
        Date(self.0.posting_date)
    }
    /// Reason given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

connection!(
    UnitOfMeasureConnection,
    UnitOfMeasureEdge,
    UnitOfMeasure,
    "units of measure"
);

connection!(WarehouseConnection, WarehouseEdge, Warehouse, "warehouses");

connection!(ItemConnection, ItemEdge, Item, "items");

connection!(
    ItemLedgerEntryConnection,
    ItemLedgerEntryEdge,
    ItemLedgerEntry,
    "item ledger entries"
);

/// Filter of the item list.
#[derive(InputObject, Default)]
pub struct ItemFilter {
    /// Case-insensitive part of number or name.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<ItemKind>,
    /// Only this item group.
    pub item_group: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the item list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ItemSortField {
    /// By item number.
    #[default]
    Number,
    /// By name.
    Name,
}

/// Order of the item list.
#[derive(InputObject, Default)]
pub struct ItemSortInput {
    /// Sort field.
    #[graphql(default)]
    pub field: ItemSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filter of the item ledger.
#[derive(InputObject, Default)]
pub struct ItemLedgerEntryFilter {
    /// Only this item.
    pub item_id: Option<ID>,
    /// Only this warehouse.
    pub warehouse_id: Option<ID>,
}

/// Field the item ledger is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ItemLedgerEntrySortField {
    /// In the order the entries were recorded.
    #[default]
    Recorded,
}

/// Order of the item ledger.
#[derive(InputObject)]
pub struct ItemLedgerEntrySort {
    /// Sort field.
    #[graphql(default)]
    pub field: ItemLedgerEntrySortField,
    /// Direction; newest first by default.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl Default for ItemLedgerEntrySort {
    fn default() -> Self {
        ItemLedgerEntrySort {
            field: ItemLedgerEntrySortField::Recorded,
            direction: SortDirection::Desc,
        }
    }
}

/// Queries of items, units, warehouses and stock.
#[derive(Default)]
pub struct CatalogQuery;

/// Queries of items, units, warehouses and stock.
#[Object]
impl CatalogQuery {
    /// Units of measure of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn units_of_measure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<UnitOfMeasureConnection> {
        let (page, total) = code_list(
            ctx,
            &catalog::UNITS,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(UnitOfMeasureConnection::from_page(
            page,
            total,
            UnitOfMeasure,
        ))
    }

    /// Warehouses of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn warehouses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CodeListFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CodeListSort>,
    ) -> Result<WarehouseConnection> {
        let (page, total) = code_list(
            ctx,
            &inventory::WAREHOUSES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(WarehouseConnection::from_page(page, total, Warehouse))
    }

    /// Items of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            ItemFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<ItemSortInput>,
    ) -> Result<ItemConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = CoreItemFilter {
            search: super::connection::search_filter(filter.search)?,
            kind: filter.kind.map(Into::into),
            item_group: filter.item_group,
            archived: filter.archived.as_opt(),
        };
        let s = match sort.field {
            ItemSortField::Number => ItemSort::Number,
            ItemSortField::Name => ItemSort::Name,
        };
        let page = read(
            catalog::list_items(db, cid, &f, s, sort.direction == SortDirection::Desc, &args).await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(catalog::count_items(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(ItemConnection::from_page(page, total, Item))
    }

    /// Stock movements of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn item_ledger_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            ItemLedgerEntryFilter,
        >,
        #[graphql(desc = "Order of the rows; newest first when left out or null.")] sort: Option<
            ItemLedgerEntrySort,
        >,
    ) -> Result<ItemLedgerEntryConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = LedgerFilter {
            item_id: filter_id("filter.itemId", filter.item_id.as_ref(), Kind::Item)?,
            warehouse_id: filter_id(
                "filter.warehouseId",
                filter.warehouse_id.as_ref(),
                Kind::Warehouse,
            )?,
        };
        let page = read(
            inventory::list_ledger(db, cid, &f, sort.direction == SortDirection::Desc, &args).await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(inventory::count_ledger(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(ItemLedgerEntryConnection::from_page(
            page,
            total,
            ItemLedgerEntry,
        ))
    }
}

payload!(
    UnitOfMeasurePayload,
    unit_of_measure,
    UnitOfMeasure,
    "Result of a unit of measure mutation.",
    "The unit, when the mutation succeeded."
);

payload!(
    WarehousePayload,
    warehouse,
    Warehouse,
    "Result of a warehouse mutation.",
    "The warehouse, when the mutation succeeded."
);

payload!(
    ItemPayload,
    item,
    Item,
    "Result of an item mutation.",
    "The item, when the mutation succeeded."
);

payload!(
    ItemLedgerEntryPayload,
    entry,
    ItemLedgerEntry,
    "Result of an inventory adjustment.",
    "The ledger entry posted, when the adjustment succeeded."
);

/// Input of `unitOfMeasureCreate`.
#[derive(InputObject)]
pub struct UnitOfMeasureCreateInput {
    /// Code, e.g. `PCS`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Decimal places of quantities, 0 to 6; 0 by default.
    #[graphql(default)]
    pub decimals: i32,
}

/// Input of `unitOfMeasureUpdate`.
#[derive(InputObject)]
pub struct UnitOfMeasureUpdateInput {
    /// The unit.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Decimal places of quantities.
    pub decimals: Option<i32>,
}

/// Input of `warehouseCreate`.
#[derive(InputObject)]
pub struct WarehouseCreateInput {
    /// Code, e.g. `MAIN`.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Input of `warehouseUpdate`.
#[derive(InputObject)]
pub struct WarehouseUpdateInput {
    /// The warehouse.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
}

/// Input of `itemCreate`.
#[derive(InputObject)]
pub struct ItemCreateInput {
    /// Item number; drawn from the item number sequence when left out.
    pub number: Option<String>,
    /// Name.
    pub name: String,
    /// Stocked (default) or service.
    #[graphql(default_with = "ItemKind::Stocked")]
    pub kind: ItemKind,
    /// Base unit of measure.
    pub base_unit_id: ID,
    /// Base sales price per base unit (at most 6 decimals, not negative).
    pub base_sales_price: Dec,
    /// Unit cost; 0 by default.
    pub unit_cost: Option<Dec>,
    /// Item group.
    pub item_group: Option<String>,
    /// Item tax group.
    pub tax_group: Option<String>,
}

/// Input of `itemUpdate`.
#[derive(InputObject)]
pub struct ItemUpdateInput {
    /// The item.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Base unit of measure.
    pub base_unit_id: Option<ID>,
    /// Base sales price.
    pub base_sales_price: Option<Dec>,
    /// Unit cost.
    pub unit_cost: Option<Dec>,
    /// Item group.
    pub item_group: MaybeUndefined<String>,
    /// Item tax group.
    pub tax_group: MaybeUndefined<String>,
}

/// Input of `inventoryAdjust`.
#[derive(InputObject)]
pub struct InventoryAdjustInput {
    /// The item (must be stocked).
    pub item_id: ID,
    /// The warehouse.
    pub warehouse_id: ID,
    /// Change in the base unit: positive adds, negative removes; on-hand may not go below zero.
    pub quantity: Dec,
    /// Posting date; today by default.
    pub posting_date: Option<Date>,
    /// Why (count, damage, opening balance, ...).
    pub reason: Option<String>,
}

/// Mutations of items, units, warehouses and stock.
#[derive(Default)]
pub struct CatalogMutation;

/// Mutations of items, units, warehouses and stock.
#[Object]
impl CatalogMutation {
    /// Adds a unit of measure. Admin.
    async fn unit_of_measure_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: UnitOfMeasureCreateInput,
    ) -> Result<UnitOfMeasurePayload> {
        let cid = require(ctx, Role::Admin)?;
        let i = NewUnit {
            code: input.code,
            name: input.name,
            decimals: input.decimals,
        };
        let res = write(ctx, "", async |t| catalog::create_unit(t, cid, i).await).await?;
        Ok(UnitOfMeasurePayload::done(res.map(UnitOfMeasure)))
    }

    /// Changes a unit of measure. Admin.
    async fn unit_of_measure_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: UnitOfMeasureUpdateInput,
    ) -> Result<UnitOfMeasurePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::UnitOfMeasure);
        decoded!(inp, UnitOfMeasurePayload);
        let p = UnitPatch {
            name: input.name,
            decimals: input.decimals,
        };
        let res = write(ctx, "id", async |t| {
            catalog::update_unit(t, cid, id, p).await
        })
        .await?;
        Ok(UnitOfMeasurePayload::done(res.map(UnitOfMeasure)))
    }

    /// Adds a warehouse. Admin.
    async fn warehouse_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: WarehouseCreateInput,
    ) -> Result<WarehousePayload> {
        let cid = require(ctx, Role::Admin)?;
        let i = NewWarehouse {
            code: input.code,
            name: input.name,
        };
        let res = write(ctx, "", async |t| {
            inventory::create_warehouse(t, cid, i).await
        })
        .await?;
        Ok(WarehousePayload::done(res.map(Warehouse)))
    }

    /// Renames a warehouse. Admin.
    async fn warehouse_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: WarehouseUpdateInput,
    ) -> Result<WarehousePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Warehouse);
        decoded!(inp, WarehousePayload);
        let res = write(ctx, "id", async |t| {
            inventory::update_warehouse(t, cid, id, input.name).await
        })
        .await?;
        Ok(WarehousePayload::done(res.map(Warehouse)))
    }

    /// Creates an item. Clerk.
    async fn item_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ItemCreateInput,
    ) -> Result<ItemPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let i = NewItem {
            number: input.number,
            name: input.name,
            kind: input.kind.into(),
            base_unit_id: inp.id("baseUnitId", &input.base_unit_id, Kind::UnitOfMeasure),
            base_sales_price: inp.dec("baseSalesPrice", &input.base_sales_price),
            unit_cost: inp
                .opt_dec("unitCost", input.unit_cost.as_ref())
                .unwrap_or(Decimal::ZERO),
            item_group: input.item_group,
            tax_group: input.tax_group,
        };
        decoded!(inp, ItemPayload);
        let res = write(ctx, "", async |t| catalog::create_item(t, cid, i).await).await?;
        Ok(ItemPayload::done(res.map(Item)))
    }

    /// Changes an item. Clerk.
    async fn item_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ItemUpdateInput,
    ) -> Result<ItemPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Item);
        let p = ItemPatch {
            name: input.name,
            base_unit_id: inp.opt_id(
                "baseUnitId",
                input.base_unit_id.as_ref(),
                Kind::UnitOfMeasure,
            ),
            base_sales_price: inp.opt_dec("baseSalesPrice", input.base_sales_price.as_ref()),
            unit_cost: inp.opt_dec("unitCost", input.unit_cost.as_ref()),
            item_group: mu(input.item_group),
            tax_group: mu(input.tax_group),
        };
        decoded!(inp, ItemPayload);
        let res = write(ctx, "id", async |t| {
            catalog::update_item(t, cid, id, p).await
        })
        .await?;
        Ok(ItemPayload::done(res.map(Item)))
    }

    /// Posts an inventory adjustment to the item ledger. Clerk.
    async fn inventory_adjust(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: InventoryAdjustInput,
    ) -> Result<ItemLedgerEntryPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let a = Adjustment {
            item_id: inp.id("itemId", &input.item_id, Kind::Item),
            warehouse_id: inp.id("warehouseId", &input.warehouse_id, Kind::Warehouse),
            quantity: inp.dec("quantity", &input.quantity),
            posting_date: input
                .posting_date
                .map(|d| d.0)
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
            reason: input.reason,
        };
        decoded!(inp, ItemLedgerEntryPayload);
        let res = write(ctx, "itemId", async |t| inventory::adjust(t, cid, a).await).await?;
        Ok(ItemLedgerEntryPayload::done(res.map(ItemLedgerEntry)))
    }
}
