//! Shipping: picking lists (posting, registering, canceling), packing slips (posting,
//! reversing, listing) and cancelling a line's remainder.

use super::orders::{SalesOrder, SalesOrderLine, customer};
use crate::connection;
use crate::graphql::catalog::{Item, Warehouse, item_of};
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::enums::SortDirection;
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::parties::Customer;
use crate::graphql::scalars::{Date, DateTime, Dec, ts};
use crate::graphql::{change, company_id, db, loaders, read, require};
use async_graphql::{Context, ID, InputObject, Object, Result};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::change::Changed;
use mercator_core::sales::picking::{self, NewPickingList, PickLine};
use mercator_core::sales::shipping::{self, ShipLine, Shipment};
use mercator_core::sales::{packing_slip, packing_slip_line, picking_list, picking_list_line};

/// A packing slip: one posted shipment of an order (a reversal has negative quantities).
#[derive(Clone, Debug)]
pub struct PackingSlip(pub packing_slip::Model);

/// A packing slip: one posted shipment of an order. Never changed once posted: a reversal is
/// a new packing slip with the same lines negated.
#[Object]
impl PackingSlip {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PackingSlip, self.0.id)
    }
    /// Packing slip number, from its own sequence.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The order shipped.
    async fn order(&self, ctx: &Context<'_>) -> Result<SalesOrder> {
        load!(ctx, sales_order, self.0.order_id, SalesOrder, "sales order")
    }
    /// The customer shipped to.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Fast<Customer>> {
        customer(ctx, self.0.customer_id).await
    }
    /// The warehouse the goods left from.
    async fn warehouse(&self, ctx: &Context<'_>) -> Result<Warehouse> {
        load!(ctx, warehouse, self.0.warehouse_id, Warehouse, "warehouse")
    }
    /// Ship date (the posting date of the stock movements).
    async fn ship_date(&self) -> Date {
        Date(self.0.ship_date)
    }
    /// Whether this packing slip reverses another one (its quantities are negative).
    async fn is_reversal(&self) -> bool {
        self.0.reverses_id.is_some()
    }
    /// The packing slip this one reverses.
    async fn reverses(&self, ctx: &Context<'_>) -> Result<Option<PackingSlip>> {
        load_opt!(ctx, packing_slip, self.0.reverses_id, PackingSlip)
    }
    /// The packing slip that reversed this one.
    async fn reversed_by(&self, ctx: &Context<'_>) -> Result<Option<PackingSlip>> {
        load_opt!(ctx, packing_slip, self.0.reversed_by_id, PackingSlip)
    }
    /// The lines, one per order line shipped.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<PackingSlipLine>> {
        let mut v = loaders(ctx)?
            .packing_slip_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.id);
        Ok(v.into_iter().map(PackingSlipLine).collect())
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// An order line by id, with its order's currency (for the lines of packing slips, picking
/// lists and invoices).
pub(crate) async fn order_line_of(ctx: &Context<'_>, id: i64) -> Result<SalesOrderLine> {
    let l = load!(ctx, order_line, id, |l| l, "sales order line")?;
    let o = load!(ctx, sales_order, l.order_id, |o| o, "sales order")?;
    Ok(SalesOrderLine(l, o.currency_id))
}

/// The packing slips of an order, oldest first.
pub(crate) async fn packing_slips_of(ctx: &Context<'_>, order: i64) -> Result<Vec<PackingSlip>> {
    let mut v = loaders(ctx)?
        .packing_slips
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|p| p.id);
    Ok(v.into_iter().map(PackingSlip).collect())
}

/// What a packing slip shipped of one order line.
#[derive(Clone, Debug)]
pub struct PackingSlipLine(pub packing_slip_line::Model);

/// What a packing slip shipped of one order line.
#[Object]
impl PackingSlipLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PackingSlipLine, self.0.id)
    }
    /// The order line shipped.
    async fn order_line(&self, ctx: &Context<'_>) -> Result<SalesOrderLine> {
        order_line_of(ctx, self.0.order_line_id).await
    }
    /// The item.
    async fn item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        item_of(ctx, self.0.item_id).await
    }
    /// Quantity shipped, in the order line's unit (negative on a reversal).
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// How much of it was invoiced.
    async fn invoiced(&self) -> Dec {
        Dec::of(self.0.invoiced.value())
    }
    /// The remainder this shipment closed on its order line (left within the under-delivery
    /// tolerance, and canceled there); negative on a reversal, which opens it again.
    async fn closed(&self) -> Dec {
        Dec::of(self.0.closed.value())
    }
}

/// Where a picking list stands.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::picking::PickingStatus")]
pub enum PickingStatus {
    /// Posted, being picked.
    Open,
    /// Picked quantities registered.
    Registered,
    /// Canceled before registering.
    Canceled,
}

/// A picking list: what to pick of an order's lines from one warehouse.
#[derive(Clone, Debug)]
pub struct PickingList(pub picking_list::Model);

/// A picking list: what to pick of an order's lines from one warehouse. Registering it records
/// what was picked; with the company's `pickingRequired`, packing slips ship only that.
#[Object]
impl PickingList {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PickingList, self.0.id)
    }
    /// Picking list number, from its own sequence.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Where it stands.
    async fn status(&self) -> PickingStatus {
        self.0.status.into()
    }
    /// The order picked.
    async fn order(&self, ctx: &Context<'_>) -> Result<SalesOrder> {
        load!(ctx, sales_order, self.0.order_id, SalesOrder, "sales order")
    }
    /// The warehouse picked from.
    async fn warehouse(&self, ctx: &Context<'_>) -> Result<Warehouse> {
        load!(ctx, warehouse, self.0.warehouse_id, Warehouse, "warehouse")
    }
    /// The lines.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<PickingListLine>> {
        let mut v = loaders(ctx)?
            .picking_list_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.id);
        Ok(v.into_iter().map(PickingListLine).collect())
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
    /// When it was registered.
    async fn registered_at(&self) -> Option<DateTime> {
        self.0.registered_at.map(ts)
    }
}

/// The picking lists of an order, oldest first.
pub(crate) async fn picking_lists_of(ctx: &Context<'_>, order: i64) -> Result<Vec<PickingList>> {
    let mut v = loaders(ctx)?
        .picking_lists
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|p| p.id);
    Ok(v.into_iter().map(PickingList).collect())
}

/// What a picking list picks of one order line.
#[derive(Clone, Debug)]
pub struct PickingListLine(pub picking_list_line::Model);

/// What a picking list picks of one order line.
#[Object]
impl PickingListLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PickingListLine, self.0.id)
    }
    /// The order line.
    async fn order_line(&self, ctx: &Context<'_>) -> Result<SalesOrderLine> {
        order_line_of(ctx, self.0.order_line_id).await
    }
    /// The item.
    async fn item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        item_of(ctx, self.0.item_id).await
    }
    /// Quantity to pick, in the order line's unit.
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// Quantity picked (registered).
    async fn picked(&self) -> Dec {
        Dec::of(self.0.picked.value())
    }
    /// How much of the picked quantity packing slips shipped (a reversed packing slip's goods
    /// are picked again on a new list).
    async fn shipped(&self) -> Dec {
        Dec::of(self.0.shipped.value())
    }
}

connection!(
    PickingListConnection,
    PickingListEdge,
    PickingList,
    "picking lists"
);

/// Filter of the picking list list.
#[derive(InputObject, Default)]
pub struct PickingListFilter {
    /// Case-insensitive part of the number.
    pub search: Option<String>,
    /// Only picking lists of this order.
    pub order_id: Option<ID>,
    /// Only picking lists in this status.
    pub status: Option<PickingStatus>,
}

connection!(
    PackingSlipConnection,
    PackingSlipEdge,
    PackingSlip,
    "packing slips"
);

/// Filter of the packing slip list.
#[derive(InputObject, Default)]
pub struct PackingSlipFilter {
    /// Case-insensitive part of the number.
    pub search: Option<String>,
    /// Only packing slips of this order.
    pub order_id: Option<ID>,
    /// Only packing slips to this customer.
    pub customer_id: Option<ID>,
    /// Only packing slips shipped on or after this day.
    pub ship_date_from: Option<Date>,
    /// Only packing slips shipped on or before this day.
    pub ship_date_to: Option<Date>,
}

/// Queries of packing slips.
#[derive(Default)]
pub struct ShippingQuery;

/// Queries of packing slips.
#[Object]
impl ShippingQuery {
    /// Packing slips of the company, by number (reversals included).
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a direction"
    )]
    async fn packing_slips(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<PackingSlipFilter>,
        #[graphql(desc = "By number ascending when left out.")] direction: Option<SortDirection>,
    ) -> Result<PackingSlipConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = shipping::PackingSlipFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            order_id: filter_id("filter.orderId", f.order_id.as_ref(), Kind::SalesOrder)?,
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            ship_date_from: f.ship_date_from.map(|d| d.0),
            ship_date_to: f.ship_date_to.map(|d| d.0),
        };
        let desc = direction == Some(SortDirection::Desc);
        let db = db(ctx)?;
        let page = read(shipping::list_packing_slips(db, cid, &f, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(shipping::count_packing_slips(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(PackingSlipConnection::from_page(page, total, PackingSlip))
    }

    /// Picking lists of the company, by number.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a direction"
    )]
    async fn picking_lists(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<PickingListFilter>,
        #[graphql(desc = "By number ascending when left out.")] direction: Option<SortDirection>,
    ) -> Result<PickingListConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = picking::PickingListFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            order_id: filter_id("filter.orderId", f.order_id.as_ref(), Kind::SalesOrder)?,
            status: f.status.map(Into::into),
        };
        let desc = direction == Some(SortDirection::Desc);
        let db = db(ctx)?;
        let page = read(picking::list_picking_lists(db, cid, &f, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(picking::count_picking_lists(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(PickingListConnection::from_page(page, total, PickingList))
    }
}

payload!(
    PickingListPayload,
    picking_list,
    PickingList,
    "Result of posting, registering or canceling a picking list.",
    "The picking list as it is now."
);

/// Input of `salesOrderPick`.
#[derive(InputObject)]
pub struct SalesOrderPickInput {
    /// The order.
    pub order_id: ID,
    /// The warehouse to pick from.
    pub warehouse_id: ID,
    /// Lines and quantities; every line's rest left to pick when left out.
    pub lines: Option<Vec<SalesOrderShipLineInput>>,
}

/// Input of `pickingListRegister`.
#[derive(InputObject)]
pub struct PickingListRegisterInput {
    /// The picking list.
    pub id: ID,
    /// What was picked per order line (0 up to the line's quantity; lines left out picked
    /// nothing); everything when left out.
    pub lines: Option<Vec<SalesOrderShipLineInput>>,
}

/// Input of `pickingListCancel`.
#[derive(InputObject)]
pub struct PickingListCancelInput {
    /// The picking list.
    pub id: ID,
}

fn pick_lines(
    inp: &mut Input,
    lines: Option<Vec<SalesOrderShipLineInput>>,
) -> Option<Vec<PickLine>> {
    lines.map(|ls| {
        ls.iter()
            .enumerate()
            .map(|(i, l)| PickLine {
                line_id: inp.id(
                    &format!("lines.{i}.lineId"),
                    &l.line_id,
                    Kind::SalesOrderLine,
                ),
                quantity: inp.dec(&format!("lines.{i}.quantity"), &l.quantity),
            })
            .collect()
    })
}

payload!(
    PackingSlipPayload,
    packing_slip,
    PackingSlip,
    "Result of posting or reversing a packing slip.",
    "The packing slip posted (the reversal, for `packingSlipReverse`)."
);

payload!(
    OrderLineCancelPayload,
    sales_order,
    SalesOrder,
    "Result of cancelling a line's remainder.",
    "The order as it is now."
);

/// A line to ship and how much.
#[derive(InputObject)]
pub struct SalesOrderShipLineInput {
    /// The order line.
    pub line_id: ID,
    /// How much, in the line's unit: more than zero, at most its deliver remainder.
    pub quantity: Dec,
}

/// Input of `salesOrderShip`.
#[derive(InputObject)]
pub struct SalesOrderShipInput {
    /// The order.
    pub order_id: ID,
    /// The warehouse the goods leave from.
    pub warehouse_id: ID,
    /// Ship date (today when left out).
    pub ship_date: Option<Date>,
    /// The lines and quantities; every line's whole deliver remainder when left out.
    pub lines: Option<Vec<SalesOrderShipLineInput>>,
    /// A key of the client's choosing (1 to 100 characters): a retry with the same key returns
    /// the first packing slip and posts nothing again.
    pub idempotency_key: Option<String>,
}

/// Input of `packingSlipReverse`.
#[derive(InputObject)]
pub struct PackingSlipReverseInput {
    /// The packing slip.
    pub id: ID,
    /// Date of the reversal (today when left out).
    pub date: Option<Date>,
}

/// Input of `salesOrderLineCancelRemainder`.
#[derive(InputObject)]
pub struct SalesOrderLineCancelRemainderInput {
    /// The order line.
    pub line_id: ID,
}

/// The packing slip a shipping change wrote.
fn the_slip(r: crate::graphql::Outcome<Changed>) -> Result<crate::graphql::Outcome<PackingSlip>> {
    match r {
        Ok(c) => match c.packing_slip {
            Some(p) => Ok(Ok(PackingSlip(p))),
            None => Err(internal("a shipping change wrote no packing slip")),
        },
        Err(e) => Ok(Err(e)),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Mutations of shipping.
#[derive(Default)]
pub struct ShippingMutation;

/// Mutations of shipping.
#[Object]
impl ShippingMutation {
    /// Posts a packing slip: ships each line's quantity (at most its deliver remainder:
    /// `OVER_DELIVERY`), issues stocked items from the warehouse (`INSUFFICIENT_STOCK`), and
    /// recomputes the order's status. Refused while the order is on hold (`ORDER_ON_HOLD`) or
    /// waiting for approval (`APPROVAL_REQUIRED`), or when nothing is left (`NOTHING_TO_SHIP`).
    /// Clerk.
    async fn sales_order_ship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderShipInput,
    ) -> Result<PackingSlipPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let order_id = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        let warehouse_id = inp.id("warehouseId", &input.warehouse_id, Kind::Warehouse);
        let lines = input.lines.map(|ls| {
            ls.iter()
                .enumerate()
                .map(|(i, l)| ShipLine {
                    line_id: inp.id(
                        &format!("lines.{i}.lineId"),
                        &l.line_id,
                        Kind::SalesOrderLine,
                    ),
                    quantity: inp.dec(&format!("lines.{i}.quantity"), &l.quantity),
                })
                .collect::<Vec<_>>()
        });
        decoded!(inp, PackingSlipPayload);
        let shipment = Shipment {
            order_id,
            warehouse_id,
            ship_date: input.ship_date.map_or_else(today, |d| d.0),
            lines,
            idempotency_key: input.idempotency_key,
        };
        let res = change(ctx, cid, "orderId", Change::Ship { shipment }).await?;
        Ok(PackingSlipPayload::done(the_slip(res)?))
    }

    /// Reverses a packing slip: a new packing slip with its lines negated takes the stock
    /// back and lowers the delivered quantities. Only once (`ALREADY_REVERSED`) and while
    /// nothing of it was invoiced (`ALREADY_INVOICED`). Clerk.
    async fn packing_slip_reverse(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PackingSlipReverseInput,
    ) -> Result<PackingSlipPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::PackingSlip);
        decoded!(inp, PackingSlipPayload);
        let res = change(
            ctx,
            cid,
            "id",
            Change::ReverseShipment {
                packing_slip_id: id,
                date: input.date.map_or_else(today, |d| d.0),
            },
        )
        .await?;
        Ok(PackingSlipPayload::done(the_slip(res)?))
    }

    /// Posts a picking list: each line's quantity (at most what is left to deliver and not on
    /// another list: `OVER_DELIVERY`) to pick from the warehouse. Refused while the order is on
    /// hold (`ORDER_ON_HOLD`) or waiting for approval (`APPROVAL_REQUIRED`). Clerk.
    async fn sales_order_pick(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderPickInput,
    ) -> Result<PickingListPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let order_id = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        let warehouse_id = inp.id("warehouseId", &input.warehouse_id, Kind::Warehouse);
        let lines = pick_lines(&mut inp, input.lines);
        decoded!(inp, PickingListPayload);
        let list = NewPickingList {
            order_id,
            warehouse_id,
            lines,
        };
        let res = change(ctx, cid, "orderId", Change::Pick { list }).await?;
        Ok(PickingListPayload::done(match res {
            Ok(c) => match c.picking_list {
                Some(p) => Ok(PickingList(p)),
                None => return Err(internal("a picking change wrote no picking list")),
            },
            Err(e) => Err(e),
        }))
    }

    /// Registers what a picking list picked (everything, or the quantities given); what was
    /// not picked may go on another list. Only an open list. Clerk.
    async fn picking_list_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PickingListRegisterInput,
    ) -> Result<PickingListPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::PickingList);
        let lines = pick_lines(&mut inp, input.lines);
        decoded!(inp, PickingListPayload);
        let res = crate::graphql::write(ctx, "id", async |t| {
            picking::register_picking_list(t, cid, id, lines).await
        })
        .await?;
        Ok(PickingListPayload::done(res.map(PickingList)))
    }

    /// Cancels an open picking list. Clerk.
    async fn picking_list_cancel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PickingListCancelInput,
    ) -> Result<PickingListPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::PickingList);
        decoded!(inp, PickingListPayload);
        let res = crate::graphql::write(ctx, "id", async |t| {
            picking::cancel_picking_list(t, cid, id).await
        })
        .await?;
        Ok(PickingListPayload::done(res.map(PickingList)))
    }

    /// Cancels what is left to deliver on a line: with nothing delivered the line is
    /// canceled, otherwise it goes on with the delivered quantity (`NOTHING_TO_SHIP` when
    /// nothing is left). Clerk.
    async fn sales_order_line_cancel_remainder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")]
        input: SalesOrderLineCancelRemainderInput,
    ) -> Result<OrderLineCancelPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let line_id = inp.id("lineId", &input.line_id, Kind::SalesOrderLine);
        decoded!(inp, OrderLineCancelPayload);
        let res = crate::graphql::the_order(
            change(ctx, cid, "lineId", Change::CancelRemainder { line_id }).await?,
        )?;
        Ok(OrderLineCancelPayload::done(res.map(SalesOrder)))
    }
}
