//! Invoicing: customer invoices from orders and packing slips, free text invoices, pro formas
//! and previews, general-ledger vouchers, exchange rates, and invoices rendered in a format.

use super::orders::{SalesOrder, SalesOrderLine, customer};
use super::shipping::PackingSlipLine;
use crate::connection;
use crate::graphql::catalog::{Item, UnitOfMeasure, item_of};
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::enums::SortDirection;
use crate::graphql::errors::{Input, internal, map_service};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::money::{Money, base_money, money, unit_money};
use crate::graphql::parties::{Customer, CustomerLedgerEntry};
use crate::graphql::scalars::{Date, DateTime, Dec, ts};
use crate::graphql::setup::{Currency, TaxCode, currency_of};
use crate::graphql::{change, company_id, db, loaders, read, registry, require, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::gl::{self, gl_voucher, gl_voucher_line};
use mercator_core::sales::change::Change;
use mercator_core::sales::invoicing::{
    self, Draft, DraftLine, FreeTextInvoice, FreeTextLine, InvoiceRequest, InvoiceSource,
};
use mercator_core::sales::{customer_invoice, customer_invoice_line};
use mercator_core::setup::{self, exchange_rate};
use rust_decimal::Decimal;

/// The kind of a posted invoice.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::sales::invoicing::InvoiceKind")]
pub enum InvoiceKind {
    /// From sales orders or their packing slips.
    Invoice,
    /// A free text invoice: lines on revenue accounts, no items.
    FreeText,
}

/// A posted customer invoice. Never changed once posted.
#[derive(Clone, Debug)]
pub struct CustomerInvoice(pub customer_invoice::Model);

/// A posted customer invoice: its number from a continuous sequence, its lines, totals, the
/// customer ledger entry it opened and its general-ledger voucher. Never changed once posted.
#[Object]
impl CustomerInvoice {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CustomerInvoice, self.0.id)
    }
    /// Invoice number (INV-… for invoices, FTI-… for free text invoices), from a continuous
    /// sequence: no gaps, no duplicates.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Kind.
    async fn kind(&self) -> InvoiceKind {
        self.0.kind.into()
    }
    /// The invoice account (bill-to customer).
    async fn customer(&self, ctx: &Context<'_>) -> Result<Fast<Customer>> {
        customer(ctx, self.0.customer_id).await
    }
    /// Currency of the amounts.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Invoice (posting) date.
    async fn invoice_date(&self) -> Date {
        Date(self.0.invoice_date)
    }
    /// Due date, from the customer's payment terms.
    async fn due_date(&self) -> Date {
        Date(self.0.due_date)
    }
    /// Last day a payment earns the cash discount; none without a cash discount.
    async fn cash_discount_date(&self) -> Option<Date> {
        self.0.cash_discount_date.map(Date)
    }
    /// Cash discount granted for payment by `cashDiscountDate`.
    async fn cash_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.cash_discount_amount.value(), self.0.currency_id).await
    }
    /// Units of the company's base currency per unit of the invoice's currency, on the
    /// invoice date (1 for the base currency).
    async fn exchange_rate(&self) -> Dec {
        Dec::of(self.0.exchange_rate.value())
    }
    /// Σ line amounts (after line discounts, before the invoice discount).
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount.value(), self.0.currency_id).await
    }
    /// Invoice discount of the customer's terms.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(
            ctx,
            self.0.invoice_discount_amount.value(),
            self.0.currency_id,
        )
        .await
    }
    /// Net: line amount − invoice discount.
    async fn net_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.net_amount.value(), self.0.currency_id).await
    }
    /// Sales tax (Σ of the lines' tax).
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.0.currency_id).await
    }
    /// Invoice rounding (the currency's invoice rounding step).
    async fn rounding_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.rounding_amount.value(), self.0.currency_id).await
    }
    /// Total: net + tax + rounding.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.total_amount.value(), self.0.currency_id).await
    }
    /// Net in the company's base currency.
    async fn base_net_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.base_net_amount.value()).await
    }
    /// Tax in the company's base currency.
    async fn base_tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.base_tax_amount.value()).await
    }
    /// Total in the company's base currency.
    async fn base_total_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.base_total_amount.value()).await
    }
    /// The lines.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<Fast<CustomerInvoiceLine>>> {
        let v = loaders(ctx)?
            .invoice_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        let cur = self.0.currency_id;
        let mut v: Vec<_> = v.into_iter().map(|l| CustomerInvoiceLine(l, cur)).collect();
        v.sort_by_key(|l| l.0.line_number);
        Ok(v.into_iter().map(Fast).collect())
    }
    /// The general-ledger voucher of its posting.
    async fn voucher(&self, ctx: &Context<'_>) -> Result<GlVoucher> {
        load!(ctx, voucher, self.0.voucher_id, GlVoucher, "voucher")
    }
    /// The customer ledger entry it opened: what is left open of it and its payment status.
    async fn ledger_entry(&self, ctx: &Context<'_>) -> Result<CustomerLedgerEntry> {
        loaders(ctx)?
            .invoice_entries
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .and_then(|v| v.into_iter().next())
            .map(CustomerLedgerEntry)
            .ok_or_else(|| internal("ledger entry missing"))
    }
    /// The invoice rendered in an invoice format (the built-in `MERCATOR_JSON`, or a
    /// plugin's such as `FACTURX_EN16931`; see `invoiceFormats`). The same document downloads
    /// from `GET /documents/invoices/{id}?format=…`.
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The format's code.", default = "MERCATOR_JSON")] format: String,
    ) -> Result<RenderedDocument> {
        Box::pin(async move {
            let db = db(ctx)?;
            // as posted: a later change of the customer or a tax rate does not change it
            let doc = read(invoicing::document_of_posted(&db.conn, &self.0).await).await?;
            render_document(ctx, doc, format).await
        })
        .await
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// The invoices that bill an order, oldest first.
pub(crate) async fn invoices_of(ctx: &Context<'_>, order: i64) -> Result<Vec<CustomerInvoice>> {
    let lines = loaders(ctx)?
        .invoice_lines_by_order
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    let mut ids: Vec<i64> = lines.iter().map(|l| l.invoice_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let found = loaders(ctx)?
        .invoice
        .load_many(ids.iter().copied())
        .await
        .map_err(internal)?;
    let mut v: Vec<_> = found.into_values().collect();
    v.sort_by_key(|i| i.id);
    Ok(v.into_iter().map(CustomerInvoice).collect())
}

/// Renders a computed invoice in a format.
async fn render(
    ctx: &Context<'_>,
    d: &Draft,
    number: Option<&str>,
    format: String,
) -> Result<RenderedDocument> {
    let cid = company_id(ctx)?;
    let db = db(ctx)?;
    let doc = read(invoicing::document(&db.conn, cid, d, number).await).await?;
    render_document(ctx, doc, format).await
}

/// Renders an invoice document in a format.
async fn render_document(
    ctx: &Context<'_>,
    doc: mercator_core::extension::messages::InvoiceDocument,
    format: String,
) -> Result<RenderedDocument> {
    let r = registry(ctx)?
        .render_invoice(mercator_core::extension::messages::RenderInvoiceRequest {
            v: 1,
            format: format.clone(),
            invoice: doc,
        })
        .await
        .map_err(|e| crate::graphql::errors::extension_error(&e))?;
    Ok(RenderedDocument::of(format, r))
}

/// An invoice rendered in a format.
#[derive(SimpleObject)]
pub struct RenderedDocument {
    /// The format's code.
    pub format: String,
    /// Media type, e.g. `application/xml`.
    pub media_type: String,
    /// File name, e.g. `INV-000042.xml`.
    pub file_name: String,
    /// The content as text, when it is UTF-8 (XML, JSON, CSV); none for binary formats.
    pub text: Option<String>,
    /// The content, base64-encoded.
    pub base64: String,
}

impl RenderedDocument {
    fn of(format: String, r: mercator_core::extension::registry::Rendered) -> RenderedDocument {
        use base64::Engine;
        RenderedDocument {
            format,
            media_type: r.media_type,
            file_name: r.file_name,
            text: String::from_utf8(r.bytes.clone()).ok(),
            base64: base64::engine::general_purpose::STANDARD.encode(&r.bytes),
        }
    }
}

/// A line of a posted invoice.
#[derive(Clone, Debug)]
pub struct CustomerInvoiceLine(pub customer_invoice_line::Model, pub i64);

/// A line of a posted invoice: what it bills of a packing-slip line (and so of an order line),
/// or a free text line on a revenue account.
#[Object]
impl CustomerInvoiceLine {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CustomerInvoiceLine, self.0.id)
    }
    /// Line number within the invoice.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The invoice.
    async fn invoice(&self, ctx: &Context<'_>) -> Result<CustomerInvoice> {
        load!(ctx, invoice, self.0.invoice_id, CustomerInvoice, "invoice")
    }
    /// The order line it bills; none on a free text line.
    async fn order_line(&self, ctx: &Context<'_>) -> Result<Option<SalesOrderLine>> {
        match self.0.order_line_id {
            Some(id) => Ok(Some(super::shipping::order_line_of(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The packing-slip line it draws on; none on a free text line.
    async fn packing_slip_line(&self, ctx: &Context<'_>) -> Result<Option<PackingSlipLine>> {
        load_opt!(
            ctx,
            packing_slip_line,
            self.0.packing_slip_line_id,
            PackingSlipLine
        )
    }
    /// The item; none on a free text line.
    async fn item(&self, ctx: &Context<'_>) -> Result<Option<Fast<Item>>> {
        match self.0.item_id {
            Some(i) => Ok(Some(item_of(ctx, i).await?)),
            None => Ok(None),
        }
    }
    /// Text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The revenue account credited.
    async fn account(&self) -> &str {
        &self.0.account
    }
    /// Quantity invoiced (in the order line's unit).
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity.value())
    }
    /// Unit; none on a free text line.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<UnitOfMeasure>> {
        load_opt!(ctx, unit, self.0.unit_id, UnitOfMeasure)
    }
    /// Unit price before discounts.
    async fn unit_price(&self, ctx: &Context<'_>) -> Result<Money> {
        unit_money(ctx, self.0.unit_price.value(), self.1).await
    }
    /// Amount after line discounts, before the invoice discount: its share of the order line's
    /// amount (the invoices of a line add up to the line's amount exactly).
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount.value(), self.1).await
    }
    /// Its share of the invoice discount.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.invoice_discount_amount.value(), self.1).await
    }
    /// Net: line amount − invoice discount share.
    async fn net_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(
            ctx,
            self.0.line_amount.value() - self.0.invoice_discount_amount.value(),
            self.1,
        )
        .await
    }
    /// Tax code; none when exempt.
    async fn tax_code(&self, ctx: &Context<'_>) -> Result<Option<TaxCode>> {
        load_opt!(ctx, tax_code, self.0.tax_code_id, TaxCode)
    }
    /// Its share of the invoice's tax (Σ over the lines = the invoice's tax).
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount.value(), self.1).await
    }
}

/// A general-ledger voucher: the posting of one invoice, balanced.
#[derive(Clone, Debug)]
pub struct GlVoucher(pub gl_voucher::Model);

/// A general-ledger voucher: the posting of one document. Its lines balance (Σ debit =
/// Σ credit) in the document's currency and in the base currency.
#[Object]
impl GlVoucher {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::GlVoucher, self.0.id)
    }
    /// Voucher number, from a continuous sequence.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Posting date.
    async fn posting_date(&self) -> Date {
        Date(self.0.posting_date)
    }
    /// The number of the document it posts.
    async fn document_number(&self) -> &str {
        &self.0.document_number
    }
    /// Text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Currency of `debit` and `credit`.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Base-currency units per document-currency unit.
    async fn exchange_rate(&self) -> Dec {
        Dec::of(self.0.exchange_rate.value())
    }
    /// The lines, in order.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<GlVoucherLine>> {
        let mut v = loaders(ctx)?
            .voucher_lines
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|l| l.line_number);
        let cur = self.0.currency_id;
        Ok(v.into_iter().map(|l| GlVoucherLine(l, cur)).collect())
    }
}

/// One account debited or credited by a voucher.
#[derive(Clone, Debug)]
pub struct GlVoucherLine(pub gl_voucher_line::Model, pub i64);

/// One account debited or credited by a voucher.
#[Object]
impl GlVoucherLine {
    /// Line number.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The account.
    async fn account(&self) -> &str {
        &self.0.account
    }
    /// What it is (receivable, revenue, invoice discount, tax per code, rounding).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Debit, in the voucher's currency (zero on a credit line).
    async fn debit(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.debit.value(), self.1).await
    }
    /// Credit, in the voucher's currency (zero on a debit line).
    async fn credit(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.credit.value(), self.1).await
    }
    /// Debit in the base currency.
    async fn base_debit(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.base_debit.value()).await
    }
    /// Credit in the base currency.
    async fn base_credit(&self, ctx: &Context<'_>) -> Result<Money> {
        base_money(ctx, self.0.base_credit.value()).await
    }
}

/// An exchange rate of a currency into the base currency.
#[derive(Clone, Debug)]
pub struct ExchangeRate(pub exchange_rate::Model);

/// An exchange rate of a currency into the company's base currency, valid from a date until
/// the currency's next rate.
#[Object]
impl ExchangeRate {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ExchangeRate, self.0.id)
    }
    /// The currency.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// First day it applies.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    /// Base-currency units per unit of the currency.
    async fn rate(&self) -> Dec {
        Dec::of(self.0.rate.value())
    }
}

/// An invoice as it would be posted (a pro forma): the same figures, no number, nothing
/// written.
pub struct InvoiceProposal {
    customer_id: Option<i64>,
    currency_id: Option<i64>,
    draft: Option<Draft>,
    orders: Vec<i64>,
    packing_slips: Vec<i64>,
    user_errors: Vec<crate::graphql::errors::UserError>,
}

/// An invoice as it would be posted: a pro forma with the posting's exact figures, no number,
/// nothing written. When the group cannot be posted as it stands, `userErrors` says why (with
/// the code its posting would meet) and the figures are empty.
#[Object]
impl InvoiceProposal {
    /// The orders it bills.
    async fn orders(&self, ctx: &Context<'_>) -> Result<Vec<SalesOrder>> {
        let mut out = Vec::with_capacity(self.orders.len());
        for id in &self.orders {
            out.push(load!(ctx, sales_order, *id, SalesOrder, "sales order")?);
        }
        Ok(out)
    }
    /// The packing slips it draws on, when asked by packing slip.
    async fn packing_slips(&self, ctx: &Context<'_>) -> Result<Vec<super::shipping::PackingSlip>> {
        let mut out = Vec::with_capacity(self.packing_slips.len());
        for id in &self.packing_slips {
            out.push(load!(
                ctx,
                packing_slip,
                *id,
                super::shipping::PackingSlip,
                "packing slip"
            )?);
        }
        Ok(out)
    }
    /// The invoice account.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Fast<Customer>>> {
        match self
            .draft
            .as_ref()
            .map(|d| d.customer_id)
            .or(self.customer_id)
        {
            Some(id) => Ok(Some(customer(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// Currency.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Option<Currency>> {
        match self
            .draft
            .as_ref()
            .map(|d| d.currency_id)
            .or(self.currency_id)
        {
            Some(id) => Ok(Some(currency_of(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// Due date it would get.
    async fn due_date(&self) -> Option<Date> {
        self.draft.as_ref().map(|d| Date(d.due_date))
    }
    /// The lines it would have.
    async fn lines(&self) -> Vec<InvoiceProposalLine> {
        self.draft
            .as_ref()
            .map(|d| {
                d.lines
                    .iter()
                    .map(|l| InvoiceProposalLine(l.clone(), d.currency_id))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// Σ line amounts.
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.line_amount).await
    }
    /// Invoice discount.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.invoice_discount_amount).await
    }
    /// Net.
    async fn net_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.net_amount).await
    }
    /// Tax.
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.tax_amount).await
    }
    /// Invoice rounding.
    async fn rounding_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.rounding_amount).await
    }
    /// Total.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        self.amount(ctx, |d| d.total_amount).await
    }
    /// The pro forma rendered in an invoice format (marked pro forma, no number).
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The format's code.", default = "MERCATOR_JSON")] format: String,
    ) -> Result<Option<RenderedDocument>> {
        match &self.draft {
            Some(d) => Ok(Some(render(ctx, d, None, format).await?)),
            None => Ok(None),
        }
    }
    /// Why this group could not be posted as it stands; empty when it could.
    async fn user_errors(&self) -> &[crate::graphql::errors::UserError] {
        &self.user_errors
    }
}

impl InvoiceProposal {
    async fn amount(
        &self,
        ctx: &Context<'_>,
        f: impl Fn(&Draft) -> Decimal,
    ) -> Result<Option<Money>> {
        match &self.draft {
            Some(d) => Ok(Some(money(ctx, f(d), d.currency_id).await?)),
            None => Ok(None),
        }
    }
}

/// A line of a proposed invoice.
pub struct InvoiceProposalLine(DraftLine, i64);

/// A line of a proposed invoice.
#[Object]
impl InvoiceProposalLine {
    /// The order line it bills; none on a free text line.
    async fn order_line(&self, ctx: &Context<'_>) -> Result<Option<SalesOrderLine>> {
        let Some(id) = self.0.order_line_id else {
            return Ok(None);
        };
        let l = load!(ctx, order_line, id, |l| l, "sales order line")?;
        Ok(Some(SalesOrderLine(l, self.1)))
    }
    /// The item; none on a free text line.
    async fn item(&self, ctx: &Context<'_>) -> Result<Option<Fast<Item>>> {
        match self.0.item_id {
            Some(i) => Ok(Some(item_of(ctx, i).await?)),
            None => Ok(None),
        }
    }
    /// Text.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The revenue account.
    async fn account(&self) -> &str {
        &self.0.account
    }
    /// Quantity.
    async fn quantity(&self) -> Dec {
        Dec::of(self.0.quantity)
    }
    /// Amount after line discounts.
    async fn line_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.line_amount, self.1).await
    }
    /// Share of the invoice discount.
    async fn invoice_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.invoice_discount_amount, self.1).await
    }
    /// Tax.
    async fn tax_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.tax_amount, self.1).await
    }
}

connection!(
    fast CustomerInvoiceConnection,
    CustomerInvoiceEdge,
    CustomerInvoice,
    "customer invoices"
);
connection!(GlVoucherConnection, GlVoucherEdge, GlVoucher, "vouchers");
connection!(
    ExchangeRateConnection,
    ExchangeRateEdge,
    ExchangeRate,
    "exchange rates"
);

/// Filter of the invoice list.
#[derive(InputObject, Default)]
pub struct CustomerInvoiceFilter {
    /// Case-insensitive part of the number.
    pub search: Option<String>,
    /// Only invoices of this invoice account.
    pub customer_id: Option<ID>,
    /// Only invoices of this kind.
    pub kind: Option<InvoiceKind>,
    /// Only invoices dated on or after this day.
    pub invoice_date_from: Option<Date>,
    /// Only invoices dated on or before this day.
    pub invoice_date_to: Option<Date>,
}

/// How the invoice list is sorted.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CustomerInvoiceSort {
    /// By number, numerically within the sequence.
    #[default]
    Number,
    /// By invoice date.
    InvoiceDate,
    /// By total amount.
    TotalAmount,
}

/// Filter of the voucher list.
#[derive(InputObject, Default)]
pub struct GlVoucherFilter {
    /// Case-insensitive part of the voucher or document number.
    pub search: Option<String>,
    /// Only vouchers posted on or after this day.
    pub posting_date_from: Option<Date>,
    /// Only vouchers posted on or before this day.
    pub posting_date_to: Option<Date>,
}

/// What an invoice preview looks at: orders, or packing slips (exactly one of the two).
#[derive(InputObject)]
pub struct InvoiceSourceInput {
    /// Orders: everything delivered and not invoiced, and what is left to deliver (shipped
    /// in the same posting from `warehouseId`).
    pub order_ids: Option<Vec<ID>>,
    /// Packing slips: what is not invoiced of them.
    pub packing_slip_ids: Option<Vec<ID>>,
    /// Invoice date (today when left out).
    pub invoice_date: Option<Date>,
    /// Where quantities left to deliver ship from (orders only).
    pub warehouse_id: Option<ID>,
}

/// What one document of an invoice preview costs in the query budget: the preview runs a
/// posting per proposal in a transaction it rolls back, as heavy as posting it.
pub const PREVIEW_COST: usize = 20;

fn preview_cost(input: &InvoiceSourceInput, child: usize) -> usize {
    let documents = input.order_ids.as_ref().map_or(0, Vec::len)
        + input.packing_slip_ids.as_ref().map_or(0, Vec::len);
    1 + documents.max(1) * PREVIEW_COST + child
}

/// Input of `salesInvoicePost`: orders, or packing slips (exactly one of the two).
#[derive(InputObject)]
pub struct SalesInvoicePostInput {
    /// Orders: everything delivered and not invoiced, and what is left to deliver (shipped
    /// in the same posting from `warehouseId`).
    pub order_ids: Option<Vec<ID>>,
    /// Packing slips: what is not invoiced of them.
    pub packing_slip_ids: Option<Vec<ID>>,
    /// Invoice date (today when left out).
    pub invoice_date: Option<Date>,
    /// Where quantities left to deliver ship from (orders only).
    pub warehouse_id: Option<ID>,
    /// A key of the client's choosing (1 to 100 characters): a retry with the same key returns
    /// the first invoice and posts nothing again.
    pub idempotency_key: Option<String>,
}

/// A free text invoice line.
#[derive(InputObject)]
pub struct FreeTextInvoiceLineInput {
    /// Text (required).
    pub description: String,
    /// The revenue (main) account credited (required).
    pub account: String,
    /// Quantity (1 when left out).
    pub quantity: Option<Dec>,
    /// Unit price: the amount is quantity × unit price.
    pub unit_price: Option<Dec>,
    /// The amount, instead of a unit price.
    pub amount: Option<Dec>,
    /// Tax code; exempt when left out.
    pub tax_code_id: Option<ID>,
}

/// Input of `freeTextInvoicePost` and `freeTextInvoicePreview`.
#[derive(InputObject)]
pub struct FreeTextInvoiceInput {
    /// The customer billed (its invoice account when it has one).
    pub customer_id: ID,
    /// Invoice date (today when left out).
    pub invoice_date: Option<Date>,
    /// Currency; the customer's when left out.
    pub currency_id: Option<ID>,
    /// Lines; no items: free text lines post to revenue accounts only.
    pub lines: Vec<FreeTextInvoiceLineInput>,
    /// A key of the client's choosing: a retry with the same key returns the first invoice.
    pub idempotency_key: Option<String>,
}

/// Input of `exchangeRateSet`.
#[derive(InputObject)]
pub struct ExchangeRateSetInput {
    /// The currency (not the base currency).
    pub currency_id: ID,
    /// First day the rate applies.
    pub valid_from: Date,
    /// Base-currency units per unit of the currency, more than zero.
    pub rate: Dec,
}

payload!(
    CustomerInvoicePayload,
    invoice,
    CustomerInvoice,
    "Result of posting an invoice.",
    "The invoice posted (the first one, for a retried idempotency key)."
);

payload!(
    ExchangeRatePayload,
    exchange_rate,
    ExchangeRate,
    "Result of setting an exchange rate.",
    "The rate as stored."
);

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Decodes an invoice source.
fn source(
    inp: &mut Input,
    order_ids: Option<&[ID]>,
    packing_slip_ids: Option<&[ID]>,
    invoice_date: Option<&Date>,
    warehouse_id: Option<&ID>,
) -> InvoiceRequest {
    let ids = |inp: &mut Input, field: &str, v: &[ID], kind: Kind| -> Vec<i64> {
        v.iter()
            .enumerate()
            .map(|(i, id)| inp.id(&format!("{field}.{i}"), id, kind))
            .collect()
    };
    let src = match (order_ids, packing_slip_ids) {
        (Some(o), None) => InvoiceSource::Orders(ids(inp, "orderIds", o, Kind::SalesOrder)),
        (None, Some(p)) => {
            InvoiceSource::PackingSlips(ids(inp, "packingSlipIds", p, Kind::PackingSlip))
        }
        _ => {
            inp.errors.push(crate::graphql::errors::UserError::at(
                crate::graphql::errors::ErrorCode::InvalidValue,
                &["orderIds"],
                "give either orderIds or packingSlipIds".into(),
            ));
            InvoiceSource::Orders(vec![])
        }
    };
    InvoiceRequest {
        source: src,
        invoice_date: invoice_date.map_or_else(today, |d| d.0),
        warehouse_id: inp.opt_id("warehouseId", warehouse_id, Kind::Warehouse),
        idempotency_key: None,
    }
}

fn free_text(inp: &mut Input, f: &FreeTextInvoiceInput) -> FreeTextInvoice {
    FreeTextInvoice {
        customer_id: inp.id("customerId", &f.customer_id, Kind::Customer),
        invoice_date: f.invoice_date.map_or_else(today, |d| d.0),
        currency_id: inp.opt_id("currencyId", f.currency_id.as_ref(), Kind::Currency),
        lines: f
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| FreeTextLine {
                description: l.description.clone(),
                account: l.account.clone(),
                quantity: inp.opt_dec(&format!("lines.{i}.quantity"), l.quantity.as_ref()),
                unit_price: inp.opt_dec(&format!("lines.{i}.unitPrice"), l.unit_price.as_ref()),
                amount: inp.opt_dec(&format!("lines.{i}.amount"), l.amount.as_ref()),
                tax_code_id: inp.opt_id(
                    &format!("lines.{i}.taxCodeId"),
                    l.tax_code_id.as_ref(),
                    Kind::TaxCode,
                ),
            })
            .collect(),
        idempotency_key: f.idempotency_key.clone(),
    }
}

/// Queries of invoices.
#[derive(Default)]
pub struct InvoicingQuery;

/// Queries of invoices.
#[Object]
impl InvoicingQuery {
    /// Posted customer invoices of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter, a sort and a direction"
    )]
    async fn customer_invoices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<CustomerInvoiceFilter>,
        #[graphql(desc = "By number when left out.")] sort: Option<CustomerInvoiceSort>,
        #[graphql(desc = "Ascending when left out.")] direction: Option<SortDirection>,
    ) -> Result<CustomerInvoiceConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = invoicing::InvoiceFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            kind: f.kind.map(Into::into),
            date_from: f.invoice_date_from.map(|d| d.0),
            date_to: f.invoice_date_to.map(|d| d.0),
        };
        let sort = match sort.unwrap_or_default() {
            CustomerInvoiceSort::Number => invoicing::InvoiceSort::Number,
            CustomerInvoiceSort::InvoiceDate => invoicing::InvoiceSort::InvoiceDate,
            CustomerInvoiceSort::TotalAmount => invoicing::InvoiceSort::Total,
        };
        let desc = direction == Some(SortDirection::Desc);
        let db = db(ctx)?;
        let page = read(invoicing::list_invoices(db, cid, &f, sort, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(invoicing::count_invoices(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(CustomerInvoiceConnection::from_page(
            page,
            total,
            CustomerInvoice,
        ))
    }

    /// General-ledger vouchers of the company, by number.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a direction"
    )]
    async fn gl_vouchers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<GlVoucherFilter>,
        #[graphql(desc = "By number ascending when left out.")] direction: Option<SortDirection>,
    ) -> Result<GlVoucherConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = gl::VoucherFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            date_from: f.posting_date_from.map(|d| d.0),
            date_to: f.posting_date_to.map(|d| d.0),
        };
        let desc = direction == Some(SortDirection::Desc);
        let db = db(ctx)?;
        let page = read(gl::list_vouchers(db, cid, &f, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(gl::count_vouchers(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(GlVoucherConnection::from_page(page, total, GlVoucher))
    }

    /// Exchange rates of the company (of one currency when given), by the day they apply
    /// from: newest first unless `direction` is `ASC`.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a direction"
    )]
    async fn exchange_rates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Only this currency's rates.")] currency_id: Option<ID>,
        #[graphql(desc = "Newest first when left out.")] direction: Option<SortDirection>,
    ) -> Result<ExchangeRateConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let cur = filter_id("currencyId", currency_id.as_ref(), Kind::Currency)?;
        let desc = direction != Some(SortDirection::Asc);
        let db = db(ctx)?;
        let page = read(invoicing::list_exchange_rates(db, cid, cur, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(invoicing::count_exchange_rates(db, cid, cur).await).await?)
        } else {
            None
        };
        Ok(ExchangeRateConnection::from_page(page, total, ExchangeRate))
    }

    /// How orders or packing slips would be invoiced, without posting anything: one proposal
    /// per invoice account and currency, each with the exact figures its posting would have
    /// (a pro forma: no number consumed, nothing written) or the refusal it would meet. At most
    /// 500 documents. Poster (it runs the posting and rolls it back). Its cost is
    /// `PREVIEW_COST` (20) per document given, plus the selection's.
    #[graphql(complexity = "preview_cost(&input, child_complexity)")]
    async fn invoice_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What would be invoiced.")] input: InvoiceSourceInput,
    ) -> Result<Vec<InvoiceProposal>> {
        // it runs the posting (and rolls it back): the role that posts
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let r = source(
            &mut inp,
            input.order_ids.as_deref(),
            input.packing_slip_ids.as_deref(),
            input.invoice_date.as_ref(),
            input.warehouse_id.as_ref(),
        );
        if let Err(e) = inp.finish() {
            return Ok(vec![InvoiceProposal {
                customer_id: None,
                currency_id: None,
                draft: None,
                orders: vec![],
                packing_slips: vec![],
                user_errors: e,
            }]);
        }
        let db = db(ctx)?;
        let _slot = db.writer_slot().await.map_err(|e| {
            match mercator_core::error::ServiceError::from(e) {
                mercator_core::error::ServiceError::Busy(e) => crate::graphql::errors::busy(e),
                other => internal(other),
            }
        })?;
        let proposals = match invoicing::preview(db, registry(ctx)?, cid, &r).await {
            Ok(p) => p,
            Err(e) => {
                return Ok(vec![InvoiceProposal {
                    customer_id: None,
                    currency_id: None,
                    draft: None,
                    orders: vec![],
                    packing_slips: vec![],
                    user_errors: map_service(e, "orderIds")?,
                }]);
            }
        };
        let mut out = Vec::with_capacity(proposals.len());
        for p in proposals {
            let (draft, user_errors) = match p.result {
                Ok(d) => (Some(d), vec![]),
                Err(e) => (None, map_service(e, "orderIds")?),
            };
            out.push(InvoiceProposal {
                customer_id: Some(p.customer_id),
                currency_id: Some(p.currency_id),
                draft,
                orders: p.order_ids,
                packing_slips: p.packing_slip_ids,
                user_errors,
            });
        }
        Ok(out)
    }

    /// A free text invoice as it would be posted (a pro forma: nothing written, no number).
    /// Clerk.
    async fn free_text_invoice_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invoice.")] input: FreeTextInvoiceInput,
    ) -> Result<InvoiceProposal> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let f = free_text(&mut inp, &input);
        let none = |user_errors| InvoiceProposal {
            customer_id: None,
            currency_id: None,
            draft: None,
            orders: vec![],
            packing_slips: vec![],
            user_errors,
        };
        if let Err(e) = inp.finish() {
            return Ok(none(e));
        }
        let db = db(ctx)?;
        match invoicing::free_text_invoice(&db.conn, cid, &f, false).await {
            Ok((_, d)) => Ok(InvoiceProposal {
                customer_id: None,
                currency_id: None,
                draft: Some(d),
                orders: vec![],
                packing_slips: vec![],
                user_errors: vec![],
            }),
            Err(e) => Ok(none(map_service(e, "customerId")?)),
        }
    }
}

/// Mutations of invoicing.
#[derive(Default)]
pub struct InvoicingMutation;

/// Mutations of invoicing.
#[Object]
impl InvoicingMutation {
    /// Posts a customer invoice from orders (posting what is left to deliver as a packing
    /// slip in the same transaction) or from packing slips, combined when they are several:
    /// one invoice account (`MIXED_INVOICE_ACCOUNTS`) and one currency (`MIXED_CURRENCIES`).
    /// The number comes from the continuous invoice sequence; a customer ledger entry and a
    /// balanced voucher are written with it. Refused while an order is on hold
    /// (`ORDER_ON_HOLD`) or waiting for approval (`APPROVAL_REQUIRED`), when nothing is left
    /// (`NOTHING_TO_INVOICE`, `ALREADY_INVOICED`), without an exchange rate for the date
    /// (`NO_EXCHANGE_RATE`), or dated before the last invoice under chronological numbering
    /// (`NOT_CHRONOLOGICAL`). Poster.
    async fn sales_invoice_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesInvoicePostInput,
    ) -> Result<CustomerInvoicePayload> {
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let mut request = source(
            &mut inp,
            input.order_ids.as_deref(),
            input.packing_slip_ids.as_deref(),
            input.invoice_date.as_ref(),
            input.warehouse_id.as_ref(),
        );
        request.idempotency_key = input.idempotency_key;
        decoded!(inp, CustomerInvoicePayload);
        let res = change(ctx, cid, "orderIds", Change::Invoice { request }).await?;
        Ok(CustomerInvoicePayload::done(match res {
            Ok(c) => match c.invoice {
                Some((inv, _)) => Ok(CustomerInvoice(inv)),
                None => return Err(internal("an invoicing change wrote no invoice")),
            },
            Err(e) => Err(e),
        }))
    }

    /// Posts a free text invoice: lines on revenue accounts with tax codes, no items, no
    /// stock. Numbered from the free text invoice sequence. Poster.
    async fn free_text_invoice_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: FreeTextInvoiceInput,
    ) -> Result<CustomerInvoicePayload> {
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let f = free_text(&mut inp, &input);
        decoded!(inp, CustomerInvoicePayload);
        let res = write(ctx, "customerId", async |txn| {
            invoicing::free_text_invoice(txn, cid, &f, true).await
        })
        .await?;
        Ok(CustomerInvoicePayload::done(match res {
            Ok((Some(inv), _)) => Ok(CustomerInvoice(inv)),
            Ok((None, _)) => return Err(internal("a posting wrote no invoice")),
            Err(e) => Err(e),
        }))
    }

    /// Sets a currency's exchange rate from a date (replacing that date's rate). Admin.
    async fn exchange_rate_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ExchangeRateSetInput,
    ) -> Result<ExchangeRatePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let currency_id = inp.id("currencyId", &input.currency_id, Kind::Currency);
        let rate = inp.dec("rate", &input.rate);
        decoded!(inp, ExchangeRatePayload);
        let res = write(ctx, "currencyId", async |txn| {
            setup::set_exchange_rate(txn, cid, currency_id, input.valid_from.0, rate).await
        })
        .await?;
        Ok(ExchangeRatePayload::done(res.map(ExchangeRate)))
    }
}
