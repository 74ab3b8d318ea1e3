//! The messages that cross the ABI, as JSON. Every message carries `v` (its format version,
//! currently [`MESSAGE_VERSION`]); readers ignore fields they do not know, so later versions
//! add fields without breaking older plugins. Decimals travel as strings (`"12.50"`), dates as
//! `YYYY-MM-DD`, times as RFC 3339. Field names are camelCase.
//!
//! The messages carry what a plugin needs and nothing of the host's internals: no database ids,
//! only business keys (numbers and codes).

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The message format version this SDK writes.
pub const MESSAGE_VERSION: u32 = 1;

fn v1() -> u32 {
    MESSAGE_VERSION
}

/// A refusal by business rules: what a plugin returns with `STATUS_BUSINESS_ERROR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserError {
    /// A stable, machine-readable code, e.g. `CONSIGNEE_REQUIRED` (`[A-Z0-9_]`).
    pub code: String,
    /// What it concerns, as a path into the message the plugin was given:
    /// `attributes.consignee`, or `lines.2.quantity` where `2` is the line's index in
    /// `order.lines` (from 0), not its line number. Clients see it as `extensionField`.
    #[serde(default)]
    pub field: Option<String>,
    /// A sentence for people.
    pub message: String,
}

impl UserError {
    /// A user error on a field.
    pub fn new(code: &str, field: Option<&str>, message: impl Into<String>) -> UserError {
        UserError {
            code: code.to_owned(),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// The body of a business-error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserErrors {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// The refusals, at least one.
    pub errors: Vec<UserError>,
}

/// An empty success response (`{"v":1}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
}

impl Default for Ack {
    fn default() -> Self {
        Ack { v: MESSAGE_VERSION }
    }
}

// ---------------------------------------------------------------- capabilities

/// What a plugin provides; the manifest's `capabilities_json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Order types.
    #[serde(default)]
    pub order_types: Vec<OrderTypeDecl>,
    /// Invoice formats.
    #[serde(default)]
    pub invoice_formats: Vec<InvoiceFormatDecl>,
    /// Promising calculators.
    #[serde(default)]
    pub promising_calculators: Vec<CalculatorDecl>,
}

/// An order type a plugin declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderTypeDecl {
    /// Code, `[A-Z0-9_]{2,40}`, unique in the registry.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// JSON Schema (draft 2020-12 by default) of the order's `attributes`; the host checks it
    /// in full before the plugin sees an order (no remote `$ref`, linear-time `pattern`).
    #[serde(default = "empty_object_schema")]
    pub attributes_schema: serde_json::Value,
    /// Whether orders of this type move stock (a journal-like type does not).
    #[serde(default = "yes")]
    pub affects_inventory: bool,
}

/// An invoice format a plugin declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceFormatDecl {
    /// Code, unique in the registry.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// Media type of the rendered bytes, e.g. `application/xml`.
    pub media_type: String,
    /// File extension without the dot, e.g. `xml`.
    pub file_extension: String,
}

/// A promising calculator a plugin declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalculatorDecl {
    /// Code, unique in the registry.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// JSON Schema of the request's `arguments`.
    #[serde(default = "empty_object_schema")]
    pub arguments_schema: serde_json::Value,
}

fn empty_object_schema() -> serde_json::Value {
    serde_json::json!({"type": "object"})
}

fn yes() -> bool {
    true
}

// ---------------------------------------------------------------- shared pieces

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    /// First line (street and number).
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// State, county or region.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
}

/// A contact at a party.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contact {
    /// Name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// A party on a document (seller, buyer, ship-to).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Party {
    /// Account number or company code.
    pub number: String,
    /// Legal or display name.
    pub name: String,
    /// VAT identifier, e.g. `DE123456789`.
    pub vat_id: Option<String>,
    /// Legal registration identifier.
    pub legal_id: Option<String>,
    /// Address.
    pub address: Address,
    /// Contact.
    pub contact: Option<Contact>,
    /// E-mail for electronic documents.
    pub email: Option<String>,
}

/// Payment terms as printed on a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaymentTerms {
    /// Code, e.g. `NET30`.
    pub code: String,
    /// Description, e.g. `Net 30 days`.
    pub description: String,
    /// Days until due.
    pub net_days: i32,
    /// Cash discount percent (0 when none).
    pub discount_percent: Decimal,
    /// Days the cash discount applies.
    pub discount_days: i32,
}

// ---------------------------------------------------------------- order types

/// An order as an order-type plugin sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Order {
    /// Order number (empty before the order is saved).
    pub number: String,
    /// The order type code.
    pub order_type: String,
    /// Customer.
    pub customer: Party,
    /// ISO 4217 currency.
    pub currency: String,
    /// Order date.
    pub order_date: Option<NaiveDate>,
    /// Requested ship date of the header.
    pub requested_ship_date: Option<NaiveDate>,
    /// Header status: `OPEN`, `DELIVERED`, `INVOICED`, `CANCELED`.
    pub status: String,
    /// Release status: `OPEN`, `RELEASED`, `PENDING_APPROVAL`.
    pub release_status: String,
    /// Where the order came from (`manual`, `quotation`, `project`, `agreement`, `plugin`…).
    pub origin: String,
    /// The plugin-defined attributes (validated against the type's schema by the host first).
    pub attributes: serde_json::Value,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Net total in the order currency.
    pub net_amount: Decimal,
}

/// An order line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderLine {
    /// Line number.
    pub line_number: i32,
    /// Item number.
    pub item_number: String,
    /// Item kind: `STOCKED` or `SERVICE`.
    pub item_kind: String,
    /// Description.
    pub description: String,
    /// Ordered quantity (negative on return lines).
    pub quantity: Decimal,
    /// Unit of measure code.
    pub unit: String,
    /// Unit price.
    pub unit_price: Decimal,
    /// Net line amount.
    pub line_amount: Decimal,
    /// Warehouse code.
    pub warehouse: Option<String>,
    /// Requested ship date.
    pub requested_ship_date: Option<NaiveDate>,
    /// Quantity picked so far.
    pub picked_quantity: Decimal,
    /// Quantity delivered so far.
    pub delivered_quantity: Decimal,
    /// Quantity invoiced so far.
    pub invoiced_quantity: Decimal,
}

/// Request of `order_type_validate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOrderRequest {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// The order type code asked for.
    pub order_type: String,
    /// The order as it would be saved.
    pub order: Order,
}

/// What is about to happen to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransitionAction {
    /// Release to the warehouse (or request approval).
    Release,
    /// Reopen a released order.
    Reopen,
    /// Confirm to the customer.
    Confirm,
    /// Pick lines.
    Pick,
    /// Ship (post a packing slip).
    Ship,
    /// Invoice.
    Invoice,
    /// Cancel the order or its remainder.
    Cancel,
    /// Change the order type (`toOrderType` says to what).
    ChangeType,
    /// An action this SDK version does not know yet (sent by a newer host).
    #[serde(other)]
    Other,
}

/// The transition asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// The action.
    pub action: TransitionAction,
    /// For `CHANGE_TYPE`: the new order type code.
    #[serde(default)]
    pub to_order_type: Option<String>,
}

/// Request of `order_type_transition`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionRequest {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// The order type code asked for (the order's current type).
    pub order_type: String,
    /// The order before the transition.
    pub order: Order,
    /// What is about to happen.
    pub transition: Transition,
}

// ---------------------------------------------------------------- invoices

/// The kind of invoice document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceKind {
    /// A customer invoice from sales orders.
    #[default]
    Invoice,
    /// A free-text invoice.
    FreeText,
    /// A credit note.
    CreditNote,
    /// A pro forma invoice (no posting).
    ProForma,
    /// A kind this SDK version does not know yet.
    #[serde(other)]
    Other,
}

/// An invoice document, everything an invoice format needs to render it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InvoiceDocument {
    /// Kind.
    pub kind: InvoiceKind,
    /// Invoice number.
    pub number: String,
    /// Issue (posting) date.
    pub issue_date: Option<NaiveDate>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Delivery date (tax point), when one applies.
    pub delivery_date: Option<NaiveDate>,
    /// ISO 4217 currency of the amounts.
    pub currency: String,
    /// Decimal places of the currency's amounts.
    pub currency_precision: u32,
    /// The company issuing it.
    pub seller: Party,
    /// The invoice account.
    pub buyer: Party,
    /// Where the goods went, if not the buyer's address.
    pub ship_to: Option<Party>,
    /// The customer's order reference.
    pub buyer_reference: Option<String>,
    /// Our sales order number(s).
    pub order_references: Vec<String>,
    /// For a credit note: the invoice it corrects.
    pub preceding_invoice: Option<String>,
    /// Payment terms.
    pub payment_terms: Option<PaymentTerms>,
    /// Free-text notes.
    pub notes: Vec<String>,
    /// Lines.
    pub lines: Vec<InvoiceLine>,
    /// Document-level allowances (e.g. the total discount) and charges.
    pub allowance_charges: Vec<AllowanceCharge>,
    /// Tax breakdown by code.
    pub taxes: Vec<TaxLine>,
    /// Totals.
    pub totals: InvoiceTotals,
}

/// An invoice line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InvoiceLine {
    /// Line number.
    pub line_number: i32,
    /// Item number (empty on free-text lines).
    pub item_number: Option<String>,
    /// Description.
    pub description: String,
    /// Quantity invoiced.
    pub quantity: Decimal,
    /// Unit of measure: our code and its UN/ECE Rec 20 code (e.g. `pcs` / `H87`).
    pub unit: String,
    /// UN/ECE Rec 20 unit code.
    pub unit_code: String,
    /// Net unit price after line discounts.
    pub unit_price: Decimal,
    /// Gross unit price before discounts.
    pub gross_unit_price: Option<Decimal>,
    /// Line discount amount.
    pub discount_amount: Decimal,
    /// Net line amount.
    pub line_amount: Decimal,
    /// Tax code.
    pub tax_code: String,
    /// UNCL 5305 tax category (`S`, `Z`, `E`, `AE`, `K`, `G`, `O`).
    pub tax_category: String,
    /// Tax rate in percent.
    pub tax_rate: Decimal,
}

/// A document-level allowance (discount) or charge, net, with the tax it falls under.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AllowanceCharge {
    /// `true` for a charge, `false` for an allowance.
    pub charge: bool,
    /// Reason, e.g. `Total discount 2%`.
    pub reason: String,
    /// Net amount (positive).
    pub amount: Decimal,
    /// Tax code.
    pub tax_code: String,
    /// UNCL 5305 category.
    pub tax_category: String,
    /// Rate in percent.
    pub tax_rate: Decimal,
}

/// Tax per code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaxLine {
    /// Tax code.
    pub tax_code: String,
    /// UNCL 5305 category.
    pub tax_category: String,
    /// Rate in percent.
    pub rate: Decimal,
    /// Taxable amount.
    pub taxable_amount: Decimal,
    /// Tax amount.
    pub tax_amount: Decimal,
    /// Reason for an exemption (categories `E`, `AE`, `K`, `G`, `O`).
    pub exemption_reason: Option<String>,
}

/// Document totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InvoiceTotals {
    /// Sum of net line amounts.
    pub line_total: Decimal,
    /// Document-level allowances (total discount).
    pub allowance_total: Decimal,
    /// Document-level charges.
    pub charge_total: Decimal,
    /// Total without tax.
    pub tax_basis_total: Decimal,
    /// Total tax.
    pub tax_total: Decimal,
    /// Invoice rounding applied.
    pub rounding_amount: Decimal,
    /// Total with tax (after rounding).
    pub grand_total: Decimal,
    /// Paid in advance.
    pub prepaid_amount: Decimal,
    /// Amount due.
    pub due_payable: Decimal,
}

/// Request of `invoice_render`. The OK response is the rendered document's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderInvoiceRequest {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// The format code asked for.
    pub format: String,
    /// The invoice.
    pub invoice: InvoiceDocument,
}

// ---------------------------------------------------------------- promising

/// A dated quantity (a scheduled receipt or demand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatedQuantity {
    /// Date.
    pub date: NaiveDate,
    /// Quantity.
    pub quantity: Decimal,
}

/// Lead times of an item, in days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LeadTimes {
    /// Purchase or production lead time (calendar days).
    pub supply_days: i32,
    /// Days to pick and pack before shipping.
    pub handling_days: i32,
    /// Transport days from shipping to delivery.
    pub transport_days: i32,
}

/// The company's calendar as the host knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Calendar {
    /// Non-working weekdays (1 = Monday … 7 = Sunday).
    pub closed_weekdays: Vec<u32>,
    /// Closed dates.
    pub holidays: Vec<NaiveDate>,
}

/// One line to promise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromisingLine {
    /// The caller's key for the line (echoed in the answer).
    pub line_id: String,
    /// Item number.
    pub item_number: String,
    /// Quantity to promise.
    pub quantity: Decimal,
    /// Requested ship date.
    pub requested_date: NaiveDate,
    /// Warehouse code.
    #[serde(default)]
    pub warehouse: Option<String>,
    /// Physical on-hand now.
    #[serde(default)]
    pub on_hand: Decimal,
    /// Scheduled receipts (purchase orders, production), by date.
    #[serde(default)]
    pub scheduled_receipts: Vec<DatedQuantity>,
    /// Scheduled demands (other orders' open quantities), by date.
    #[serde(default)]
    pub scheduled_demands: Vec<DatedQuantity>,
    /// Lead times.
    #[serde(default)]
    pub lead_times: LeadTimes,
}

/// Request of `promising_calculate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromisingRequest {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// The calculator code asked for.
    pub calculator: String,
    /// When the order is being taken (with the company's UTC offset), for cut-off times.
    pub now: DateTime<FixedOffset>,
    /// The company's calendar.
    #[serde(default)]
    pub calendar: Calendar,
    /// Calculator-specific arguments (validated against its schema by the host).
    #[serde(default)]
    pub arguments: serde_json::Value,
    /// Lines.
    pub lines: Vec<PromisingLine>,
}

/// How a promised date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromiseBasis {
    /// Available to promise from stock on hand.
    OnHand,
    /// Covered by a scheduled receipt.
    ScheduledReceipt,
    /// Only the supply lead time covers it.
    LeadTime,
    /// A basis this SDK version does not know.
    #[serde(other)]
    Other,
}

/// A promised line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromisedLine {
    /// The caller's key.
    pub line_id: String,
    /// Date the goods can ship.
    pub ship_date: NaiveDate,
    /// Date they arrive.
    pub delivery_date: NaiveDate,
    /// How the date was found.
    pub basis: PromiseBasis,
    /// A note for people (e.g. "after 14:00 cut-off").
    #[serde(default)]
    pub note: Option<String>,
}

/// OK response of `promising_calculate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromisingResponse {
    /// Message version.
    #[serde(default = "v1")]
    pub v: u32,
    /// One answer per request line, in the same order.
    pub lines: Vec<PromisedLine>,
}
