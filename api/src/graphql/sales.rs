//! Sales orders (first slice of order entry): header and lines with prices from trade
//! agreements, tax per (document, tax code), totals, statuses from the counters; the tax setup.

use super::connection::{filter_id, wants_total};
use super::connection::{list_cost, page_args};
use super::enums::SortDirection;
use super::errors::{Input, internal};
use super::ids::{Kind, encode};
use super::leaves::Fast;
use super::money::{Money, invoice_rounded, money, unit_money};
use super::pricing::{PriceSourceKind, TradeAgreement, price_agreement_of};
use super::scalars::{Date, DateTime, Dec, Json};
use super::types::{Currency, Customer, Item, TaxCode, UnitOfMeasure, currency_of, item_of, ts};
use super::{change, company_id, db, loaders, rc, read, require, the_order, write};
use crate::connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::{self, sales_order, sales_order_line};
use mercator_core::sales::{upsell, workflow};
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
    async fn document_status(&self) -> super::enums::DocumentStatus {
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
        next_actions(ctx, &self.0).await
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
async fn customer(ctx: &Context<'_>, id: i64) -> Result<Fast<Customer>> {
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
    /// Ordered − delivered − canceled.
    async fn deliver_remainder(&self) -> Dec {
        Dec::of(self.0.quantity.value() - self.0.delivered.value() - self.0.canceled.value())
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
    pub updated_since: Option<super::scalars::DateTime>,
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

/// Field the quotation list is sorted by.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SalesQuotationSortField {
    /// By number, in numeric order (Q-2 before Q-10).
    #[default]
    Number,
    /// By quotation date.
    QuotationDate,
    /// By total amount including tax.
    TotalAmount,
    /// By last change.
    UpdatedAt,
}

impl From<SalesQuotationSortField> for sales::QuotationSort {
    fn from(f: SalesQuotationSortField) -> Self {
        match f {
            SalesQuotationSortField::Number => sales::QuotationSort::Number,
            SalesQuotationSortField::QuotationDate => sales::QuotationSort::QuotationDate,
            SalesQuotationSortField::TotalAmount => sales::QuotationSort::TotalAmount,
            SalesQuotationSortField::UpdatedAt => sales::QuotationSort::UpdatedAt,
        }
    }
}

/// Order of the quotation list.
#[derive(InputObject, Default)]
pub struct SalesQuotationSort {
    /// Sort field.
    #[graphql(default)]
    pub field: SalesQuotationSortField,
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
            search: super::connection::search_filter(f.search)?,
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
            sales::list_orders(super::db(ctx)?, cid, &f, sort.field.into(), desc, &args).await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(sales::count_orders(super::db(ctx)?, cid, &f).await).await?)
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

fn line_input(inp: &mut Input, prefix: &str, l: SalesOrderLineInput) -> sales::NewOrderLine {
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
    /// pricing rule, or manual prices) and taxed (per tax code on the document). Clerk.
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

// ---------------------------------------------------------------- quotations

/// Status of a sales quotation.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::QuotationStatus")]
pub enum QuotationStatus {
    /// Being prepared.
    Created,
    /// Sent (may be re-sent).
    Sent,
    /// Confirmed into a sales order (final).
    Confirmed,
    /// Lost, with a reason (final).
    Lost,
    /// Canceled, with a reason (final).
    Canceled,
}

/// A sales quotation.
#[derive(Clone, Debug)]
pub struct SalesQuotation(pub sales::sales_quotation::Model);

/// A sales quotation to a customer or a prospect.
#[Object]
impl SalesQuotation {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesQuotation, self.0.id)
    }
    /// Number, e.g. `Q-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The customer, when addressed to one.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Fast<Customer>>> {
        match self.0.customer_id {
            Some(c) => Ok(Some(customer(ctx, c).await?)),
            None => Ok(None),
        }
    }
    /// The prospect, when addressed to one.
    async fn prospect(&self, ctx: &Context<'_>) -> Result<Option<super::types::Prospect>> {
        let Some(p) = self.0.prospect_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .prospect
            .load_one(p)
            .await
            .map_err(internal)?
            .map(super::types::Prospect))
    }
    /// Currency.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Tax group the lines were taxed with.
    async fn tax_group(&self) -> Option<&str> {
        self.0.tax_group.as_deref()
    }
    /// Quotation date; prices were resolved on it.
    async fn quotation_date(&self) -> Date {
        Date(self.0.quotation_date)
    }
    /// Valid until (inclusive).
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }
    /// The validity has passed (derived from today's date); an expired quotation cannot be confirmed.
    async fn expired(&self) -> bool {
        self.0
            .valid_until
            .is_some_and(|u| u < chrono::Utc::now().date_naive())
    }
    /// Requested ship date.
    async fn requested_ship_date(&self) -> Option<Date> {
        self.0.requested_ship_date.map(Date)
    }
    /// The opportunity it belongs to (won on confirmation).
    async fn opportunity(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::crm_types::Opportunity>> {
        let Some(o) = self.0.opportunity_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .opportunity
            .load_one(o)
            .await
            .map_err(internal)?
            .map(super::crm_types::Opportunity))
    }
    /// The campaign it is attributed to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<super::crm_types::Campaign>> {
        let Some(c) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .campaign
            .load_one(c)
            .await
            .map_err(internal)?
            .map(super::crm_types::Campaign))
    }
    /// Status.
    async fn status(&self) -> QuotationStatus {
        self.0.status.into()
    }
    /// Why it was lost or canceled.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// How many times it was sent.
    async fn sent_count(&self) -> i32 {
        self.0.sent_count
    }
    /// The order it was confirmed into.
    async fn sales_order(&self, ctx: &Context<'_>) -> Result<Option<SalesOrder>> {
        let Some(o) = self.0.sales_order_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .sales_order
            .load_one(o)
            .await
            .map_err(internal)?
            .map(SalesOrder))
    }
    /// Invoice discount of the bill-to customer's terms (allocated to the lines), as on the
    /// order the quotation becomes; zero for a prospect.
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
    /// Sales tax.
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
    /// Lines, by line number.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<SalesQuotationLine>> {
        let mut v = loaders(ctx)?
            .quotation_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.line_number);
        Ok(v.into_iter()
            .map(|l| SalesQuotationLine(l, self.0.currency_id))
            .collect())
    }
}

/// A sales quotation line.
#[derive(Clone, Debug)]
pub struct SalesQuotationLine(pub sales::sales_quotation_line::Model, pub i64);

/// A sales quotation line with its price, discount and tax.
#[Object]
impl SalesQuotationLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::SalesQuotationLine, self.0.id)
    }
    /// Line number.
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
    /// Quantity.
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
    /// Net line amount.
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount.value(), self.1).await
    }
    /// This line's share of the document's invoice discount.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.invoice_discount_amount.value(), self.1).await
    }
    /// This line's share of the document tax.
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.1).await
    }
}

connection!(
    SalesQuotationConnection,
    SalesQuotationEdge,
    SalesQuotation,
    "sales quotations"
);

/// Filter of the quotation list.
#[derive(InputObject, Default)]
pub struct SalesQuotationFilter {
    /// Case-insensitive part of the number.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<QuotationStatus>,
    /// Only quotations to this customer.
    pub customer_id: Option<ID>,
    /// Only quotations to this prospect.
    pub prospect_id: Option<ID>,
    /// Only quotations dated on or after this day.
    pub quotation_date_from: Option<Date>,
    /// Only quotations dated on or before this day.
    pub quotation_date_to: Option<Date>,
    /// Only quotations changed at or after this time.
    pub updated_since: Option<super::scalars::DateTime>,
}

/// Queries of sales quotations.
#[derive(Default)]
pub struct QuotationQuery;

/// Queries of sales quotations.
#[Object]
impl QuotationQuery {
    /// Sales quotations of the company, by number.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn sales_quotations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<SalesQuotationFilter>,
        #[graphql(desc = "Order; by number ascending when left out.")] sort: Option<
            SalesQuotationSort,
        >,
    ) -> Result<SalesQuotationConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = filter.unwrap_or_default();
        let f = sales::QuotationFilter {
            search: super::connection::search_filter(f.search)?,
            status: f.status.map(Into::into),
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            prospect_id: filter_id("filter.prospectId", f.prospect_id.as_ref(), Kind::Prospect)?,
            quotation_date_from: f.quotation_date_from.map(|d| d.0),
            quotation_date_to: f.quotation_date_to.map(|d| d.0),
            updated_since: f.updated_since.map(|t| t.0),
        };
        let sort = sort.unwrap_or_default();
        let desc = sort.direction == SortDirection::Desc;
        let page =
            read(sales::list_quotations(db, cid, &f, sort.field.into(), desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(sales::count_quotations(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(SalesQuotationConnection::from_page(
            page,
            total,
            SalesQuotation,
        ))
    }
}

payload!(
    SalesQuotationPayload,
    sales_quotation,
    SalesQuotation,
    "Result of a sales quotation mutation.",
    "The quotation, when the mutation succeeded."
);

/// Result of `salesQuotationConfirm`.
#[derive(SimpleObject)]
pub struct SalesQuotationConfirmPayload {
    /// The quotation, now confirmed.
    pub sales_quotation: Option<SalesQuotation>,
    /// The order created from it, with the same lines, prices and totals.
    pub sales_order: Option<SalesOrder>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<super::errors::UserError>,
}

/// Input of `salesQuotationCreate`: to a customer (`customerId`) or a prospect (`prospectId`).
#[derive(InputObject)]
pub struct SalesQuotationCreateInput {
    /// A customer.
    pub customer_id: Option<ID>,
    /// Or a prospect.
    pub prospect_id: Option<ID>,
    /// Currency, for a prospect (a customer's own is used); base currency by default.
    pub currency_id: Option<ID>,
    /// Tax group, for a prospect (a customer's own is used).
    pub tax_group: Option<String>,
    /// Quotation date; today by default.
    pub quotation_date: Option<Date>,
    /// Valid until (inclusive).
    pub valid_until: Option<Date>,
    /// Requested ship date.
    pub requested_ship_date: Option<Date>,
    /// The opportunity (won when the quotation is confirmed).
    pub opportunity_id: Option<ID>,
    /// The campaign it is attributed to.
    pub campaign_id: Option<ID>,
    /// Lines.
    #[graphql(default)]
    pub lines: Vec<SalesOrderLineInput>,
}

/// Input of `salesQuotationLineAdd`.
#[derive(InputObject)]
pub struct SalesQuotationLineAddInput {
    /// The quotation (CREATED or SENT).
    pub quotation_id: ID,
    /// The line.
    pub line: SalesOrderLineInput,
}

/// Input of `salesQuotationLineDelete`.
#[derive(InputObject)]
pub struct SalesQuotationLineDeleteInput {
    /// The line.
    pub id: ID,
}

/// Input of `salesQuotationSend`.
#[derive(InputObject)]
pub struct SalesQuotationSendInput {
    /// The quotation (CREATED or SENT).
    pub id: ID,
}

/// Input of `salesQuotationConfirm`.
#[derive(InputObject)]
pub struct SalesQuotationConfirmInput {
    /// The quotation (CREATED or SENT, not expired).
    pub id: ID,
}

/// Input of `salesQuotationClose`.
#[derive(InputObject)]
pub struct SalesQuotationCloseInput {
    /// The quotation (CREATED or SENT).
    pub id: ID,
    /// LOST or CANCELED.
    pub status: QuotationStatus,
    /// Why; required.
    pub reason: Option<String>,
}

/// Mutations of sales quotations.
#[derive(Default)]
pub struct QuotationMutation;

/// Mutations of sales quotations.
#[Object]
impl QuotationMutation {
    /// Creates a quotation to a customer or a prospect, priced and taxed. Clerk.
    async fn sales_quotation_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationCreateInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let lines: Vec<sales::NewOrderLine> = input
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| line_input(&mut inp, &format!("lines.{i}."), l))
            .collect();
        let q = sales::NewQuotation {
            customer_id: inp.opt_id("customerId", input.customer_id.as_ref(), Kind::Customer),
            prospect_id: inp.opt_id("prospectId", input.prospect_id.as_ref(), Kind::Prospect),
            currency_id: inp.opt_id("currencyId", input.currency_id.as_ref(), Kind::Currency),
            tax_group: input.tax_group,
            quotation_date: input.quotation_date.map(|d| d.0),
            valid_until: input.valid_until.map(|d| d.0),
            requested_ship_date: input.requested_ship_date.map(|d| d.0),
            opportunity_id: inp.opt_id(
                "opportunityId",
                input.opportunity_id.as_ref(),
                Kind::Opportunity,
            ),
            campaign_id: inp.opt_id("campaignId", input.campaign_id.as_ref(), Kind::Campaign),
            lines,
        };
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "", async |t| sales::create_quotation(t, cid, q).await).await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Adds a line to a created or sent quotation. Clerk.
    async fn sales_quotation_line_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationLineAddInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("quotationId", &input.quotation_id, Kind::SalesQuotation);
        let l = line_input(&mut inp, "line.", input.line);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "quotationId", async |t| {
            sales::add_quotation_line(t, cid, id, l).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Deletes a line of a created or sent quotation. Clerk.
    async fn sales_quotation_line_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationLineDeleteInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotationLine);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "id", async |t| {
            sales::delete_quotation_line(t, cid, id).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Sends (or re-sends) a quotation: CREATED or SENT → SENT. Clerk.
    async fn sales_quotation_send(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationSendInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        decoded!(inp, SalesQuotationPayload);
        let res = write(ctx, "id", async |t| sales::send_quotation(t, cid, id).await).await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Closes a quotation as LOST or CANCELED with a reason. Clerk.
    async fn sales_quotation_close(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationCloseInput,
    ) -> Result<SalesQuotationPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        decoded!(inp, SalesQuotationPayload);
        let (to, r) = (input.status.into(), input.reason);
        let res = write(ctx, "id", async |t| {
            sales::close_quotation(t, cid, id, to, r).await
        })
        .await?;
        Ok(SalesQuotationPayload::done(res.map(SalesQuotation)))
    }

    /// Confirms a quotation into exactly one sales order with the same lines, prices and
    /// totals; a linked opportunity is won. A prospect must be converted to a customer first
    /// (`PROSPECT_NOT_CUSTOMER`); an expired quotation is refused (`QUOTATION_EXPIRED`). Clerk.
    async fn sales_quotation_confirm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesQuotationConfirmInput,
    ) -> Result<SalesQuotationConfirmPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesQuotation);
        if let Err(e) = inp.finish() {
            return Ok(SalesQuotationConfirmPayload {
                sales_quotation: None,
                sales_order: None,
                user_errors: e,
            });
        }
        let today = chrono::Utc::now().date_naive();
        let c = Change::ConfirmQuotation {
            quotation_id: id,
            today,
        };
        let res = change(ctx, cid, "id", c).await?;
        Ok(match res {
            Ok(done) => SalesQuotationConfirmPayload {
                sales_quotation: done.quotation.map(SalesQuotation),
                sales_order: done.orders.into_iter().next().map(SalesOrder),
                user_errors: vec![],
            },
            Err(e) => SalesQuotationConfirmPayload {
                sales_quotation: None,
                sales_order: None,
                user_errors: e,
            },
        })
    }
}

// ---------------------------------------------------------------- standard sales codes

/// A line of a standard sales code.
#[derive(SimpleObject)]
pub struct StandardSalesCodeLine {
    /// The item.
    pub item: Item,
    /// Quantity.
    pub quantity: Dec,
    /// Text, when not the item's name.
    pub description: Option<String>,
}

/// A standard sales code: recurring lines without prices.
#[derive(SimpleObject)]
pub struct StandardSalesCode {
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// Lines, in order.
    pub lines: Vec<StandardSalesCodeLine>,
}

async fn standard_codes(
    ctx: &Context<'_>,
    codes: Vec<sales::standard::standard_code::Model>,
) -> Result<Vec<StandardSalesCode>> {
    use sales::standard::standard_code_line as scl;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let db = &db(ctx)?.conn;
    let rows = scl::Entity::find()
        .filter(scl::Column::StandardCodeId.is_in(codes.iter().map(|c| c.id)))
        .order_by_asc(scl::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    let items = loaders(ctx)?
        .item
        .load_many(rows.iter().map(|r| r.item_id))
        .await
        .map_err(internal)?;
    Ok(codes
        .into_iter()
        .map(|m| StandardSalesCode {
            lines: rows
                .iter()
                .filter(|r| r.standard_code_id == m.id)
                .filter_map(|r| {
                    items.get(&r.item_id).map(|i| StandardSalesCodeLine {
                        item: Item(i.clone()),
                        quantity: Dec::of(r.quantity.value()),
                        description: r.description.clone(),
                    })
                })
                .collect(),
            code: m.code,
            description: m.description,
        })
        .collect())
}

/// Queries of standard sales codes.
#[derive(Default)]
pub struct StandardQuery;

/// Queries of standard sales codes.
#[Object]
impl StandardQuery {
    /// The company's standard sales codes, by code.
    async fn standard_sales_codes(&self, ctx: &Context<'_>) -> Result<Vec<StandardSalesCode>> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        let rows = sales::standard::standard_code::Entity::find()
            .filter(sales::standard::standard_code::Column::CompanyId.eq(cid))
            .order_by_asc(sales::standard::standard_code::Column::Code)
            .all(db)
            .await
            .map_err(internal)?;
        standard_codes(ctx, rows).await
    }
}

payload!(
    StandardSalesCodePayload,
    standard_sales_code,
    StandardSalesCode,
    "Result of `standardSalesCodeCreate`.",
    "The code, when the mutation succeeded."
);

/// A line of a new standard sales code.
#[derive(InputObject)]
pub struct StandardSalesCodeLineInput {
    /// The item.
    pub item_id: ID,
    /// Quantity.
    pub quantity: Dec,
    /// Unit; the item's base unit when left out.
    pub unit_id: Option<ID>,
    /// Text; the item name when left out.
    pub description: Option<String>,
}

/// Input of `standardSalesCodeCreate`.
#[derive(InputObject)]
pub struct StandardSalesCodeCreateInput {
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// Lines (no prices: they are priced when inserted).
    pub lines: Vec<StandardSalesCodeLineInput>,
}

/// Input of `customerStandardCodeAssign`.
#[derive(InputObject)]
pub struct CustomerStandardCodeAssignInput {
    /// The customer.
    pub customer_id: ID,
    /// The standard sales code.
    pub code: String,
    /// First day the assignment applies.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_to: Option<Date>,
    /// Insert the lines into every new order of the customer automatically.
    #[graphql(default)]
    pub automatic: bool,
}

/// Input of `salesOrderStandardLinesInsert`.
#[derive(InputObject)]
pub struct SalesOrderStandardLinesInsertInput {
    /// The order (OPEN).
    pub order_id: ID,
    /// The standard sales code.
    pub code: String,
}

/// The assignment of a standard sales code to a customer.
#[derive(SimpleObject)]
pub struct CustomerStandardCode {
    /// The code.
    pub code: String,
    /// First day.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_to: Option<Date>,
    /// Whether new orders of the customer get the lines by themselves.
    pub insert_on_order: super::enums::StandardCodeInsert,
}

payload!(
    CustomerStandardCodePayload,
    assignment,
    CustomerStandardCode,
    "Result of `customerStandardCodeAssign`.",
    "The assignment, when the mutation succeeded."
);

/// Mutations of standard sales codes.
#[derive(Default)]
pub struct StandardMutation;

/// Mutations of standard sales codes.
#[Object]
impl StandardMutation {
    /// Creates a standard sales code with its lines. Admin.
    async fn standard_sales_code_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: StandardSalesCodeCreateInput,
    ) -> Result<StandardSalesCodePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let lines: Vec<sales::standard::NewStandardLine> = input
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| sales::standard::NewStandardLine {
                item_id: inp.id(&format!("lines.{i}.itemId"), &l.item_id, Kind::Item),
                description: l.description,
                quantity: inp.dec(&format!("lines.{i}.quantity"), &l.quantity),
                unit_id: inp.opt_id(
                    &format!("lines.{i}.unitId"),
                    l.unit_id.as_ref(),
                    Kind::UnitOfMeasure,
                ),
            })
            .collect();
        decoded!(inp, StandardSalesCodePayload);
        let (code, desc) = (input.code, input.description);
        let res = write(ctx, "", async |t| {
            sales::standard::create_standard_code(t, cid, &code, &desc, lines).await
        })
        .await?;
        let res = match res {
            Ok(m) => Ok(standard_codes(ctx, vec![m])
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| internal("standard code missing"))?),
            Err(e) => Err(e),
        };
        Ok(StandardSalesCodePayload::done(res))
    }

    /// Assigns a standard sales code to a customer. Clerk.
    async fn customer_standard_code_assign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerStandardCodeAssignInput,
    ) -> Result<CustomerStandardCodePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let cust = inp.id("customerId", &input.customer_id, Kind::Customer);
        decoded!(inp, CustomerStandardCodePayload);
        let (code, from, to, auto) = (
            input.code,
            input.valid_from.map(|d| d.0),
            input.valid_to.map(|d| d.0),
            input.automatic,
        );
        let res = write(ctx, "customerId", async |t| {
            sales::standard::assign_standard_code(t, cid, cust, &code, from, to, auto).await
        })
        .await?;
        Ok(CustomerStandardCodePayload::done(res.map(|a| {
            CustomerStandardCode {
                code: code.clone(),
                valid_from: a.valid_from.map(Date),
                valid_to: a.valid_to.map(Date),
                insert_on_order: a.insert_on_order.into(),
            }
        })))
    }

    /// Inserts a standard sales code's lines into an open order, priced now. Clerk.
    async fn sales_order_standard_lines_insert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")]
        input: SalesOrderStandardLinesInsertInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        decoded!(inp, SalesOrderPayload);
        let code = input.code;
        let c = Change::InsertStandardLines { order_id: id, code };
        let res = the_order(change(ctx, cid, "orderId", c).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }
}

// ---------------------------------------------------------------- holds, approvals, confirmations

/// A hold on an order.
#[derive(Clone, Debug)]
pub struct OrderHold(pub workflow::order_hold::Model);

/// A hold on an order, active or cleared (the history stays).
#[Object]
impl OrderHold {
    /// Opaque global ID; pass it to `salesOrderHoldClear`.
    pub async fn id(&self) -> ID {
        encode(Kind::OrderHold, self.0.id)
    }
    /// The hold code, e.g. `CALLBACK`.
    async fn code(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(loaders(ctx)?
            .hold_code
            .load_one(self.0.hold_code_id)
            .await
            .map_err(internal)?
            .map(|h| h.code)
            .unwrap_or_default())
    }
    /// Whether the hold still applies.
    async fn status(&self) -> super::enums::HoldStatus {
        self.0.status.into()
    }
    /// Why.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Who applied it (token name).
    async fn applied_by(&self) -> &str {
        &self.0.applied_by
    }
    /// When.
    async fn applied_at(&self) -> DateTime {
        ts(self.0.applied_at)
    }
    /// Who cleared it.
    async fn cleared_by(&self) -> Option<&str> {
        self.0.cleared_by.as_deref()
    }
    /// When it was cleared.
    async fn cleared_at(&self) -> Option<DateTime> {
        self.0.cleared_at.map(ts)
    }
}

/// A version of an order's confirmation journal.
#[derive(Clone, Debug)]
pub struct OrderConfirmation(
    pub mercator_core::sales::confirm::order_confirmation::Model,
    pub i64,
);

/// A version of an order's confirmation journal: what was confirmed, by whom, and the credit
/// check's result.
#[Object]
impl OrderConfirmation {
    /// Version, from 1.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Who confirmed (token name).
    async fn confirmed_by(&self) -> &str {
        &self.0.confirmed_by
    }
    /// When.
    async fn confirmed_at(&self) -> DateTime {
        ts(self.0.confirmed_at)
    }
    /// The order's total when confirmed.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<super::money::Money> {
        super::money::money(ctx, self.0.total_amount.value(), self.1).await
    }
    /// The credit check in words, with the figures: `passed: exposure 550 within 1000`,
    /// `warning: exposure 1100 over the limit 1000`, `skipped` or `no credit limit`.
    async fn credit_check(&self) -> &str {
        &self.0.credit_check
    }
    /// The outcome of the credit check (`creditCheck` has the figures).
    async fn credit_check_result(&self) -> super::enums::CreditCheckResult {
        mercator_core::sales::confirm::CreditCheck::of(&self.0.credit_check).into()
    }
    /// The confirmed lines as JSON: `lineNumber`, `itemNumber`, `quantity`, `unitPrice` and
    /// `lineAmount` (decimal strings at the order currency's precisions).
    async fn lines(&self) -> super::scalars::Json {
        super::scalars::Json(serde_json::from_str(&self.0.lines).unwrap_or_default())
    }
}

/// An approval request of an order.
#[derive(Clone, Debug)]
pub struct ApprovalRequest(pub workflow::approval_request::Model);

/// An approval request of an order: `open`, `approved`, `rejected` or `delegated`.
#[Object]
impl ApprovalRequest {
    /// Opaque global ID; pass it to the approval mutations.
    pub async fn id(&self) -> ID {
        encode(Kind::ApprovalRequest, self.0.id)
    }
    /// Position in the chain (1 for the first approver).
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }
    /// Where the request stands.
    async fn status(&self) -> super::enums::ApprovalRequestStatus {
        self.0.status.into()
    }
    /// Who asked (token name).
    async fn requested_by(&self) -> &str {
        &self.0.requested_by
    }
    /// Who decides (token name).
    async fn approver(&self) -> &str {
        &self.0.approver_name
    }
    /// The order's net amount when it was asked, in the order's currency.
    async fn amount(&self, ctx: &Context<'_>) -> Result<super::money::Money> {
        let order = loaders(ctx)?
            .sales_order
            .load_one(self.0.order_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("the order of an approval request is gone"))?;
        super::money::money(ctx, self.0.amount.value(), order.currency_id).await
    }
    /// The approver's comment.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// When it was asked.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(ts)
    }
    /// The order.
    async fn sales_order(&self, ctx: &Context<'_>) -> Result<Option<SalesOrder>> {
        Ok(loaders(ctx)?
            .sales_order
            .load_one(self.0.order_id)
            .await
            .map_err(internal)?
            .map(SalesOrder))
    }
}

pub(crate) async fn holds_of(ctx: &Context<'_>, order: i64) -> Result<Vec<OrderHold>> {
    let mut v = loaders(ctx)?
        .holds
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|h| h.id);
    Ok(v.into_iter().map(OrderHold).collect())
}

pub(crate) async fn requests_of(ctx: &Context<'_>, order: i64) -> Result<Vec<ApprovalRequest>> {
    let mut v = loaders(ctx)?
        .approval_requests
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|r| r.id);
    Ok(v.into_iter().map(ApprovalRequest).collect())
}

/// Something a client may do with an order now.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrderAction {
    /// Add, change or delete lines.
    EditLines,
    /// Change the order type.
    ChangeType,
    /// Release it (at or under the approval threshold, no active hold).
    Release,
    /// Ask for approval (over the threshold, no active hold).
    RequestApproval,
    /// Reopen a released order.
    Reopen,
    /// Put it on hold.
    ApplyHold,
    /// Clear an active hold.
    ClearHold,
}

pub(crate) async fn next_actions(
    ctx: &Context<'_>,
    o: &sales_order::Model,
) -> Result<Vec<OrderAction>> {
    let holds = holds_of(ctx, o.id).await?;
    let held = holds
        .iter()
        .any(|h| h.0.status == mercator_core::sales::workflow::HoldStatus::Active);
    let closed = matches!(
        o.status,
        sales::OrderStatus::Invoiced | sales::OrderStatus::Canceled
    );
    let (threshold, base) = rc(ctx)?
        .company
        .as_ref()
        .map(|c| {
            (
                c.approval_threshold.map(|t| t.value()),
                c.base_currency_code.clone(),
            )
        })
        .unwrap_or_default();
    let over = match threshold {
        None => false,
        Some(_) => {
            let in_base = loaders(ctx)?
                .currency
                .load_with(o.currency_id, |c| c.code == base)
                .await
                .map_err(internal)?
                .unwrap_or(false);
            mercator_core::sales::workflow::over_threshold(threshold, o.net_amount.value(), in_base)
        }
    };
    let mut out = Vec::new();
    if closed {
        return Ok(out);
    }
    match o.release_status {
        sales::ReleaseStatus::Open => {
            out.push(OrderAction::EditLines);
            out.push(OrderAction::ChangeType);
            if !held {
                out.push(if over {
                    OrderAction::RequestApproval
                } else {
                    OrderAction::Release
                });
            }
        }
        sales::ReleaseStatus::Released => out.push(OrderAction::Reopen),
        sales::ReleaseStatus::PendingApproval => {}
    }
    out.push(OrderAction::ApplyHold);
    if held {
        out.push(OrderAction::ClearHold);
    }
    Ok(out)
}

// ---------------------------------------------------------------- up-sell and cross-sell suggestions

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
    async fn status(&self) -> super::enums::SuggestionStatus {
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
