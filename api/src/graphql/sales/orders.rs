//! Sales orders: the order and its lines, entry, changes, tax setup, invoice discounts.

use super::upsell::UpsellSuggestion;
use super::workflow::{
    ApprovalRequest, OrderAction, OrderConfirmation, OrderHold, holds_of, next_actions, requests_of,
};
use crate::connection;
use crate::graphql::catalog::{Item, UnitOfMeasure, item_of};
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::enums::SortDirection;
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::money::{Money, invoice_rounded, money, unit_money};
use crate::graphql::parties::Customer;
use crate::graphql::scalars::ts;
use crate::graphql::scalars::{Date, DateTime, Dec, Json};
use crate::graphql::setup::{Currency, TaxCode, currency_of};
use crate::graphql::trade::{PriceSourceKind, TradeAgreement, price_agreement_of};
use crate::graphql::{change, company_id, db, loaders, read, require, the_order, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::{self, sales_order, sales_order_line};
use sea_orm::EntityTrait as _;

/// Status of an order or a line, derived from the quantity counters.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::OrderStatus")]
pub enum OrderStatus {
    /// Something is still to be delivered (a backorder).
    OpenOrder,
    /// Everything delivered; something still to be invoiced.
    Delivered,
    /// Everything delivered and invoiced.
    Invoiced,
    /// Canceled with nothing delivered.
    Canceled,
}

/// BC-style release status.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::ReleaseStatus")]
pub enum ReleaseStatus {
    /// Editable.
    Open,
    /// Locked for the warehouse.
    Released,
    /// Waiting for an approver.
    PendingApproval,
}

/// A sales order.
#[derive(Clone, Debug)]
pub struct SalesOrder(pub sales_order::Model);

/// A sales order: header, lines, totals and statuses.
#[Object(serial)]
impl SalesOrder {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesOrder, self.0.id)
    }
    /// Number, e.g. `SO-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Order type code (see `orderTypes`), e.g. `SALES`, `JOURNAL`, `RETURNED`.
    async fn order_type(&self) -> &str {
        &self.0.order_type
    }
    /// Sell-to customer.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Fast<Customer>> {
        customer(ctx, self.0.customer_id).await
    }
    /// Bill-to customer (the customer's invoice account, or the customer).
    async fn invoice_customer(&self, ctx: &Context<'_>) -> Result<Fast<Customer>> {
        customer(ctx, self.0.invoice_customer_id).await
    }
    /// Currency (the customer's).
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Order date; prices were resolved on it.
    async fn order_date(&self) -> Date {
        Date(self.0.order_date)
    }
    /// Requested ship date.
    async fn requested_ship_date(&self) -> Option<Date> {
        self.0.requested_ship_date.map(Date)
    }
    /// The customer's reference (PO number).
    async fn customer_reference(&self) -> Option<&str> {
        self.0.customer_reference.as_deref()
    }
    /// Order-type attributes.
    async fn attributes(&self) -> Option<Json> {
        self.0
            .attributes
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .map(Json)
    }
    /// Status, derived from the lines.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }
    /// Release status.
    async fn release_status(&self) -> ReleaseStatus {
        self.0.release_status.into()
    }
    /// Invoice discount of the bill-to customer's terms (allocated to the lines).
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(
            ctx,
            self.0.invoice_discount_amount.value(),
            self.0.currency_id,
        )
        .await
    }
    /// Σ line amounts less the invoice discount.
    async fn net_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.net_amount.value(), self.0.currency_id).await
    }
    /// Sales tax (per tax code on Σ net, rounded once).
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.0.currency_id).await
    }
    /// Net plus tax.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.total_amount.value(), self.0.currency_id).await
    }
    /// What an invoice of this total comes to: `totalAmount` rounded to the currency's invoice
    /// rounding step and direction (CHF 0.05 nearest: 107.63 → 107.65); equal to `totalAmount`
    /// when the currency has no invoice rounding.
    async fn rounded_total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        Ok(
            invoice_rounded(ctx, self.0.total_amount.value(), self.0.currency_id)
                .await?
                .0,
        )
    }
    /// The invoice rounding line: `roundedTotalAmount` − `totalAmount` (CHF 107.63: +0.02),
    /// posted to the rounding account when the document is invoiced; zero when none is needed.
    async fn invoice_rounding_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        Ok(
            invoice_rounded(ctx, self.0.total_amount.value(), self.0.currency_id)
                .await?
                .1,
        )
    }
    /// RMA number (returned orders).
    async fn rma_number(&self) -> Option<&str> {
        self.0.rma_number.as_deref()
    }
    /// The highest document posted so far (packing slips and invoices join with their areas).
    async fn document_status(&self) -> crate::graphql::enums::DocumentStatus {
        self.0.document_status.into()
    }
    /// Version of the last confirmation; null when never confirmed.
    async fn confirmed_version(&self) -> Option<i32> {
        self.0.confirmed_version
    }
    /// The order changed after its last confirmation and should be confirmed again.
    async fn needs_reconfirmation(&self) -> bool {
        self.0.needs_reconfirmation
    }
    /// The confirmation journal, by version.
    async fn confirmations(&self, ctx: &Context<'_>) -> Result<Vec<OrderConfirmation>> {
        let mut v = loaders(ctx)?
            .confirmations
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|c| c.version);
        Ok(v.into_iter()
            .map(|c| OrderConfirmation(c, self.0.currency_id))
            .collect())
    }
    /// Up-sell and cross-sell suggestions made on its lines (offered, accepted or declined).
    async fn suggestions(&self, ctx: &Context<'_>) -> Result<Vec<UpsellSuggestion>> {
        let mut v = loaders(ctx)?
            .suggestions
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|s| s.id);
        Ok(v.into_iter().map(UpsellSuggestion).collect())
    }
    /// Holds, active and cleared, oldest first.
    async fn holds(&self, ctx: &Context<'_>) -> Result<Vec<OrderHold>> {
        holds_of(ctx, self.0.id).await
    }
    /// An active hold exists: the order cannot be released, picked, shipped or invoiced.
    async fn on_hold(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(holds_of(ctx, self.0.id)
            .await?
            .iter()
            .any(|h| h.0.status == mercator_core::sales::workflow::HoldStatus::Active))
    }
    /// Approval requests, in the order they were made.
    async fn approval_requests(&self, ctx: &Context<'_>) -> Result<Vec<ApprovalRequest>> {
        requests_of(ctx, self.0.id).await
    }
    /// What a client may do with the order now.
    async fn next_actions(&self, ctx: &Context<'_>) -> Result<Vec<OrderAction>> {
        // boxed: a service call, kept out of the order's field future (see `leaves`)
        Box::pin(next_actions(ctx, &self.0)).await
    }
    /// The packing slips posted for this order (reversals included), oldest first.
    async fn packing_slips(&self, ctx: &Context<'_>) -> Result<Vec<super::shipping::PackingSlip>> {
        super::shipping::packing_slips_of(ctx, self.0.id).await
    }
    /// The picking lists of this order, oldest first.
    async fn picking_lists(&self, ctx: &Context<'_>) -> Result<Vec<super::shipping::PickingList>> {
        super::shipping::picking_lists_of(ctx, self.0.id).await
    }
    /// The invoices that bill this order, oldest first.
    async fn invoices(&self, ctx: &Context<'_>) -> Result<Vec<super::invoicing::CustomerInvoice>> {
        super::invoicing::invoices_of(ctx, self.0.id).await
    }
    /// Lines, by line number.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<Fast<SalesOrderLine>>> {
        let currency = self.0.currency_id;
        let mut v = loaders(ctx)?
            .order_lines
            .load_with(self.0.id, |lines| {
                lines
                    .iter()
                    .map(|l| Fast(SalesOrderLine(l.clone(), currency)))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.0.0.line_number);
        Ok(v)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// A list of orders selects an amount of an order or a line (through `nodes` or `edges`).
fn wants_amounts(ctx: &Context<'_>) -> bool {
    let l = ctx.look_ahead();
    [l.field("nodes"), l.field("edges").field("node")]
        .iter()
        .any(|order| {
            ORDER_AMOUNTS.iter().any(|a| order.field(a).exists()) || order.field("lines").exists()
        })
}

/// The amount fields of an order.
const ORDER_AMOUNTS: [&str; 4] = [
    "invoiceDiscountAmount",
    "netAmount",
    "taxAmount",
    "totalAmount",
];

/// A document's customer as a list row (account number, name); its full row is read only
/// when a client asks for other fields.
pub(crate) async fn customer(ctx: &Context<'_>, id: i64) -> Result<Fast<Customer>> {
    loaders(ctx)?
        .customer_brief
        .load_one(id)
        .await
        .map_err(internal)?
        .map(|(c, p)| Fast(Customer::listed(c, p)))
        .ok_or_else(|| internal("customer missing"))
}

/// A sales order line.
#[derive(Clone, Debug)]
pub struct SalesOrderLine(pub sales_order_line::Model, pub i64);

/// A sales order line with its price, discount, tax and quantity counters.
#[Object(serial)]
impl SalesOrderLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesOrderLine, self.0.id)
    }
    /// Line number (10, 20, …).
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The item.
    async fn item(&self, ctx: &Context<'_>) -> Result<Fast<Item>> {
        item_of(ctx, self.0.item_id).await
    }
    /// Text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<UnitOfMeasure> {
        loaders(ctx)?
            .unit
            .load_one(self.0.unit_id)
            .await
            .map_err(internal)?
            .map(UnitOfMeasure)
            .ok_or_else(|| internal("unit missing"))
    }
    /// Ordered quantity.
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// Unit price.
    async fn unit_price(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.unit_price.value(), self.1).await
    }
    /// Where the price came from.
    async fn price_source(&self) -> PriceSourceKind {
        self.0.price_source.into()
    }
    /// The trade agreement line the price came from (`priceSource` `TRADE_AGREEMENT`; shown
    /// even when archived since); null otherwise.
    async fn price_agreement(&self, ctx: &Context<'_>) -> Result<Option<TradeAgreement>> {
        price_agreement_of(ctx, self.0.price_agreement_line_id).await
    }
    /// Line discount in percent.
    async fn discount_percent(&self) -> Dec {
        Dec::of(self.0.discount_percent.value())
    }
    /// Line discount amount per unit.
    async fn discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.discount_amount.value(), self.1).await
    }
    /// Where the discount came from (`trade_agreement:<id>,…` or `manual`).
    async fn discount_source(&self) -> Option<&str> {
        self.0.discount_source.as_deref()
    }
    /// Net line amount, rounded to the currency.
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount.value(), self.1).await
    }
    /// Tax code (customer tax group × item tax group); null when not taxed.
    async fn tax_code(&self, ctx: &Context<'_>) -> Result<Option<TaxCode>> {
        let Some(id) = self.0.tax_code_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .tax_code
            .load_one(id)
            .await
            .map_err(internal)?
            .map(TaxCode))
    }
    /// This line's share of the invoice discount (the shares add up to it).
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.invoice_discount_amount.value(), self.1).await
    }
    /// This line's share of the document tax (the shares add up to it).
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.1).await
    }
    /// Delivered quantity.
    async fn delivered(&self) -> Dec {
        Dec::of(self.0.delivered.value())
    }
    /// Invoiced quantity.
    async fn invoiced(&self) -> Dec {
        Dec::of(self.0.invoiced.value())
    }
    /// Canceled quantity.
    async fn canceled(&self) -> Dec {
        Dec::of(self.0.canceled.value())
    }
    /// Ordered − delivered − canceled; zero once more than ordered was delivered (within the
    /// over-delivery tolerance).
    async fn deliver_remainder(&self) -> Dec {
        Dec::of(sales::deliver_remainder(
            self.0.quantity.value(),
            self.0.delivered.value(),
            self.0.canceled.value(),
        ))
    }
    /// Delivered − invoiced.
    async fn invoice_remainder(&self) -> Dec {
        Dec::of(self.0.delivered.value() - self.0.invoiced.value())
    }
    /// Line status, from the counters.
    async fn status(&self) -> OrderStatus {
        sales::line_status(
            self.0.quantity.value(),
            self.0.delivered.value(),
            self.0.invoiced.value(),
            self.0.canceled.value(),
        )
        .into()
    }
}

connection!(
    fast SalesOrderConnection,
    SalesOrderEdge,
    SalesOrder,
    "sales orders"
);

/// Which tax code applies to a customer tax group and an item tax group.
#[derive(SimpleObject)]
pub struct TaxSetup {
    /// Customer tax group.
    pub customer_tax_group: String,
    /// Item tax group.
    pub item_tax_group: String,
    /// The tax code.
    pub tax_code: TaxCode,
}

/// An invoice discount term.
#[derive(SimpleObject)]
pub struct InvoiceDiscountTerm {
    /// The customers' invoice discount code.
    pub code: String,
    /// Currency of the documents it applies to.
    pub currency: Currency,
    /// Smallest document amount (Σ line amounts) it applies from.
    pub minimum_amount: Dec,
    /// Discount in percent.
    pub discount_percent: Dec,
}

payload!(
    InvoiceDiscountPayload,
    invoice_discount,
    InvoiceDiscountTerm,
    "Result of `invoiceDiscountSet`.",
    "The term, when the mutation succeeded."
);

/// Input of `invoiceDiscountSet`.
#[derive(InputObject)]
pub struct InvoiceDiscountSetInput {
    /// The customers' invoice discount code.
    pub code: String,
    /// Currency.
    pub currency_id: ID,
    /// Smallest document amount it applies from.
    pub minimum_amount: Dec,
    /// Discount in percent.
    pub discount_percent: Dec,
}

/// Filter of the order list.
#[derive(InputObject, Default)]
pub struct SalesOrderFilter {
    /// Case-insensitive part of the number or the customer's reference.
    pub search: Option<String>,
    /// Only orders of this customer.
    pub customer_id: Option<ID>,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only this order type.
    pub order_type: Option<String>,
    /// Only orders dated on or after this day.
    pub order_date_from: Option<Date>,
    /// Only orders dated on or before this day.
    pub order_date_to: Option<Date>,
    /// Only orders changed at or after this time (to sync a client's copy).
    pub updated_since: Option<crate::graphql::scalars::DateTime>,
}

/// Field the order list is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SalesOrderSortField {
    /// By number, in numeric order (SO-2 before SO-10); numbers follow creation.
    #[default]
    Number,
    /// By order date.
    OrderDate,
    /// By requested ship date; orders without one come after every date (first, newest first).
    RequestedShipDate,
    /// By total amount including tax.
    TotalAmount,
    /// By last change (newest first with `direction: DESC`).
    UpdatedAt,
}

impl From<SalesOrderSortField> for sales::OrderSort {
    fn from(f: SalesOrderSortField) -> Self {
        match f {
            SalesOrderSortField::Number => sales::OrderSort::Number,
            SalesOrderSortField::OrderDate => sales::OrderSort::OrderDate,
            SalesOrderSortField::RequestedShipDate => sales::OrderSort::RequestedShipDate,
            SalesOrderSortField::TotalAmount => sales::OrderSort::TotalAmount,
            SalesOrderSortField::UpdatedAt => sales::OrderSort::UpdatedAt,
        }
    }
}

/// Order of the order list.
#[derive(InputObject, Default)]
pub struct SalesOrderSort {
    /// Sort field.
    #[graphql(default)]
    pub field: SalesOrderSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Queries of sales orders.
#[derive(Default)]
pub struct SalesQuery;

/// Queries of sales orders.
#[Object]
impl SalesQuery {
    /// Sales orders of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn sales_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<SalesOrderFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<SalesOrderSort>,
    ) -> Result<SalesOrderConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = sales::OrderFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            status: f.status.map(Into::into),
            order_type: f.order_type,
            order_date_from: f.order_date_from.map(|d| d.0),
            order_date_to: f.order_date_to.map(|d| d.0),
            updated_since: f.updated_since.map(|t| t.0),
        };
        let sort = sort.unwrap_or_default();
        let desc = sort.direction == SortDirection::Desc;
        let page = read(
            sales::list_orders(
                crate::graphql::db(ctx)?,
                cid,
                &f,
                sort.field.into(),
                desc,
                &args,
            )
            .await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(sales::count_orders(crate::graphql::db(ctx)?, cid, &f).await).await?)
        } else {
            None
        };
        if wants_amounts(ctx) {
            // Load the page's currencies with the page, so that every amount of every order
            // and line answers in place (no field waits for the currency batch).
            let mut ids: Vec<i64> = page.items.iter().map(|(_, o)| o.currency_id).collect();
            ids.sort_unstable();
            ids.dedup();
            loaders(ctx)?.currency.prime(&ids).await.map_err(internal)?;
        }
        Ok(SalesOrderConnection::from_page(page, total, SalesOrder))
    }

    /// Invoice discount terms, by code, currency and minimum.
    async fn invoice_discounts(&self, ctx: &Context<'_>) -> Result<Vec<InvoiceDiscountTerm>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        let rows = read(sales::list_invoice_discounts(db, cid).await).await?;
        let currencies = loaders(ctx)?
            .currency
            .load_many(rows.iter().map(|r| r.currency_id))
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                currencies.get(&r.currency_id).map(|c| InvoiceDiscountTerm {
                    code: r.code,
                    currency: Currency(c.clone()),
                    minimum_amount: Dec::of(r.minimum_amount.value()),
                    discount_percent: Dec::of(r.discount_percent.value()),
                })
            })
            .collect())
    }

    /// The tax setup: which tax code applies to which customer and item tax groups.
    async fn tax_setups(&self, ctx: &Context<'_>) -> Result<Vec<TaxSetup>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        let rows = read(sales::list_tax_setups(db, cid).await).await?;
        let codes = loaders(ctx)?
            .tax_code
            .load_many(rows.iter().map(|r| r.tax_code_id))
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                codes.get(&r.tax_code_id).map(|c| TaxSetup {
                    customer_tax_group: r.customer_tax_group,
                    item_tax_group: r.item_tax_group,
                    tax_code: TaxCode(c.clone()),
                })
            })
            .collect())
    }
}

payload!(
    SalesOrderPayload,
    sales_order,
    SalesOrder,
    "Result of a sales order mutation.",
    "The order, recomputed, when the mutation succeeded."
);
payload!(
    TaxSetupPayload,
    tax_setup,
    TaxSetup,
    "Result of `taxSetupSet`.",
    "The setup row, when the mutation succeeded."
);

/// A line of a new order, or a line to add.
#[derive(InputObject)]
pub struct SalesOrderLineInput {
    /// The item.
    pub item_id: ID,
    /// Quantity (negative on returned orders).
    pub quantity: Dec,
    /// Unit; the item's base unit when left out.
    pub unit_id: Option<ID>,
    /// A manual unit price (recorded as `manual`); from trade agreements when left out.
    pub unit_price: Option<Dec>,
    /// A manual line discount in percent; from trade agreements when left out.
    pub discount_percent: Option<Dec>,
    /// Text; the item name when left out.
    pub description: Option<String>,
}

pub(crate) fn line_input(
    inp: &mut Input,
    prefix: &str,
    l: SalesOrderLineInput,
) -> sales::NewOrderLine {
    let f = |s: &str| format!("{prefix}{s}");
    sales::NewOrderLine {
        item_id: inp.id(&f("itemId"), &l.item_id, Kind::Item),
        quantity: inp.dec(&f("quantity"), &l.quantity),
        unit_id: inp.opt_id(&f("unitId"), l.unit_id.as_ref(), Kind::UnitOfMeasure),
        unit_price: inp.opt_dec(&f("unitPrice"), l.unit_price.as_ref()),
        discount_percent: inp.opt_dec(&f("discountPercent"), l.discount_percent.as_ref()),
        description: l.description,
    }
}

/// Input of `salesOrderCreate`.
#[derive(InputObject)]
pub struct SalesOrderCreateInput {
    /// Order type code; `SALES` by default.
    #[graphql(default_with = "\"SALES\".to_owned()")]
    pub order_type: String,
    /// Sell-to customer (not blocked for everything).
    pub customer_id: ID,
    /// Order date (prices are resolved on it); today by default.
    pub order_date: Option<Date>,
    /// Requested ship date.
    pub requested_ship_date: Option<Date>,
    /// The customer's reference (PO number), at most 60 characters.
    pub customer_reference: Option<String>,
    /// Order-type attributes (a JSON object).
    pub attributes: Option<Json>,
    /// Lines (at most 500).
    #[graphql(default)]
    pub lines: Vec<SalesOrderLineInput>,
    /// A key of the client's choosing (1 to 100 characters): a retry with the same key and the
    /// same input returns the order the first request created and creates nothing; the same
    /// key with another input is `IDEMPOTENCY_KEY_REUSED`.
    pub idempotency_key: Option<String>,
}

/// Input of `salesOrderChangeType`.
#[derive(InputObject)]
pub struct SalesOrderChangeTypeInput {
    /// The order.
    pub id: ID,
    /// The new order type code (see `orderTypes`).
    pub order_type: String,
    /// The order's attributes under the new type (a JSON object); the current ones are kept
    /// when left out. The built-in types take none: pass `{}` when leaving a plugin's type.
    pub attributes: Option<Json>,
}

/// Input of `salesOrderLineAdd`.
#[derive(InputObject)]
pub struct SalesOrderLineAddInput {
    /// The order (release status OPEN).
    pub order_id: ID,
    /// The line.
    pub line: SalesOrderLineInput,
}

/// Input of `salesOrderLineUpdate`.
#[derive(InputObject)]
pub struct SalesOrderLineUpdateInput {
    /// The line.
    pub id: ID,
    /// New quantity; never below what was delivered. An agreement price is resolved again.
    pub quantity: Option<Dec>,
    /// A manual unit price.
    pub unit_price: Option<Dec>,
    /// A manual line discount in percent.
    pub discount_percent: Option<Dec>,
}

/// Input of `salesOrderLineDelete`.
#[derive(InputObject)]
pub struct SalesOrderLineDeleteInput {
    /// The line (without deliveries).
    pub id: ID,
}

/// Input of `taxSetupSet`.
#[derive(InputObject)]
pub struct TaxSetupSetInput {
    /// Customer tax group.
    pub customer_tax_group: String,
    /// Item tax group.
    pub item_tax_group: String,
    /// The tax code that applies.
    pub tax_code_id: ID,
}

/// Mutations of sales orders.
#[derive(Default)]
pub struct SalesMutation;

/// Mutations of sales orders.
#[Object]
impl SalesMutation {
    /// Creates a sales order with its lines, priced (trade agreements under the company's
    /// pricing rule, or manual prices) and taxed (per tax code on the document). With an
    /// `idempotencyKey`, a retry returns the first order instead of creating another. Clerk.
    async fn sales_order_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderCreateInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let lines: Vec<sales::NewOrderLine> = input
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| line_input(&mut inp, &format!("lines.{i}."), l))
            .collect();
        let o = sales::NewOrder {
            order_type: input.order_type,
            customer_id: inp.id("customerId", &input.customer_id, Kind::Customer),
            order_date: input.order_date.map(|d| d.0),
            requested_ship_date: input.requested_ship_date.map(|d| d.0),
            customer_reference: input.customer_reference,
            attributes: input.attributes.map(|a| a.0),
            lines,
            idempotency_key: input.idempotency_key,
        };
        decoded!(inp, SalesOrderPayload);
        let res = the_order(change(ctx, cid, "", Change::Create(o)).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }

    /// Changes an order's type. The current type's rules decide whether it may
    /// change (`REJECTED_BY_EXTENSION` with their code, e.g. `TYPE_CHANGE_BLOCKED` for a
    /// delivered item-requirements order), and the new type validates the order and its
    /// attributes. Clerk.
    async fn sales_order_change_type(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderChangeTypeInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrder);
        decoded!(inp, SalesOrderPayload);
        let c = Change::ChangeType {
            order_id: id,
            to: input.order_type,
            attributes: input.attributes.map(|a| a.0),
        };
        let res = the_order(change(ctx, cid, "id", c).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }

    /// Adds a line to an open order; the document is recomputed. Clerk.
    async fn sales_order_line_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderLineAddInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let order = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        let l = line_input(&mut inp, "line.", input.line);
        decoded!(inp, SalesOrderPayload);
        let c = Change::AddLine {
            order_id: order,
            line: l,
        };
        let res = the_order(change(ctx, cid, "orderId", c).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }

    /// Changes a line of an open order; the document is recomputed. Clerk.
    async fn sales_order_line_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderLineUpdateInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrderLine);
        let p = sales::LinePatch {
            quantity: inp.opt_dec("quantity", input.quantity.as_ref()),
            unit_price: inp.opt_dec("unitPrice", input.unit_price.as_ref()),
            discount_percent: inp.opt_dec("discountPercent", input.discount_percent.as_ref()),
        };
        decoded!(inp, SalesOrderPayload);
        let c = Change::UpdateLine {
            line_id: id,
            patch: p,
        };
        let res = the_order(change(ctx, cid, "id", c).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }

    /// Deletes a line without deliveries; the document is recomputed. Clerk.
    async fn sales_order_line_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderLineDeleteInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrderLine);
        decoded!(inp, SalesOrderPayload);
        let res = the_order(change(ctx, cid, "id", Change::DeleteLine { line_id: id }).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }

    /// Sets an invoice discount term (replacing the percentage of an existing one). Admin.
    async fn invoice_discount_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: InvoiceDiscountSetInput,
    ) -> Result<InvoiceDiscountPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let cur = inp.id("currencyId", &input.currency_id, Kind::Currency);
        let min = inp.dec("minimumAmount", &input.minimum_amount);
        let pct = inp.dec("discountPercent", &input.discount_percent);
        decoded!(inp, InvoiceDiscountPayload);
        let code = input.code;
        let res = write(ctx, "", async |t| {
            sales::set_invoice_discount(t, cid, &code, cur, min, pct).await
        })
        .await?;
        let res = match res {
            Ok(r) => Ok(InvoiceDiscountTerm {
                code: r.code,
                currency: currency_of(ctx, r.currency_id).await?,
                minimum_amount: Dec::of(r.minimum_amount.value()),
                discount_percent: Dec::of(r.discount_percent.value()),
            }),
            Err(e) => Err(e),
        };
        Ok(InvoiceDiscountPayload::done(res))
    }

    /// Sets which tax code applies to a customer tax group and an item tax group. Admin.
    async fn tax_setup_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: TaxSetupSetInput,
    ) -> Result<TaxSetupPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let code = inp.id("taxCodeId", &input.tax_code_id, Kind::TaxCode);
        decoded!(inp, TaxSetupPayload);
        let (cg, ig) = (input.customer_tax_group, input.item_tax_group);
        let res = write(ctx, "", async |t| {
            let row = sales::set_tax_setup(t, cid, &cg, &ig, code).await?;
            let tc = mercator_core::setup::tax_code::Entity::find_by_id(row.tax_code_id)
                .one(t)
                .await?
                .ok_or(mercator_core::error::ServiceError::NotFound("tax code"))?;
            Ok(TaxSetup {
                customer_tax_group: row.customer_tax_group,
                item_tax_group: row.item_tax_group,
                tax_code: TaxCode(tc),
            })
        })
        .await?;
        Ok(TaxSetupPayload::done(res))
    }
}
