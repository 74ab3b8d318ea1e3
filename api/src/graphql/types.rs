//! Object types. Each wraps a core model; relations resolve through the request's loaders.

use super::enums::{self, AddressPurpose};
use super::enums::{LedgerEntryType, ProspectStatus};
use super::errors::internal;
use super::ids::{Kind, encode};
use super::leaves::Fast;
use super::loaders;
use super::money::{Money, money};
use super::scalars::dt;
use super::scalars::{Date, DateTime, Dec};
use crate::connection;
use async_graphql::{Context, ID, Object, Result};
use mercator_core::auth::Principal;
use mercator_core::catalog::{item, unit_of_measure};
use mercator_core::crm;
use mercator_core::inventory::{item_ledger_entry, warehouse};
use mercator_core::numbering::{format_number, number_sequence};
use mercator_core::parties::party;
use mercator_core::parties::{ContactRow, CustomerBrief, PartyBrief, address, customer};
use mercator_core::purchasing::vendor;
use mercator_core::setup::{company, currency, payment_terms, tax_code};
use rust_decimal::Decimal;

pub(crate) fn ts(d: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime(d)
}

// ---------------------------------------------------------------- company

/// A company (legal entity). Every business record belongs to one; a token acts in the
/// companies it was given.
#[derive(Clone, Debug)]
pub struct Company(pub company::Model);

/// A company (legal entity). Every business record belongs to one; a token acts in the
/// companies it was given.
#[Object]
impl Company {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Company, self.0.id)
    }
    /// Unique short code, e.g. `DEMO`; send it in the `X-Mercator-Company` header.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Legal name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ISO code of the base (accounting) currency.
    async fn base_currency_code(&self) -> &str {
        &self.0.base_currency_code
    }
    /// How prices and line discounts are resolved on its documents.
    async fn pricing_rule(&self) -> enums::PricingRule {
        self.0.pricing_rule.into()
    }
    /// How sales tax is computed on its documents.
    async fn tax_mode(&self) -> enums::TaxMode {
        self.0.tax_mode.into()
    }
    /// The customer tax group of documents whose customer has none.
    async fn default_tax_group(&self) -> Option<&str> {
        self.0.default_tax_group.as_deref()
    }
    /// Orders with a larger net amount need approval before release; null when approvals are off.
    async fn approval_threshold(&self) -> Option<Dec> {
        self.0.approval_threshold.map(|a| Dec::of(a.value()))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

// ---------------------------------------------------------------- setup

/// A currency of the company with its rounding precisions.
#[derive(Clone, Debug)]
pub struct Currency(pub currency::Model);

/// A currency of the company with its rounding precisions.
#[Object]
impl Currency {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Currency, self.0.id)
    }
    /// ISO 4217 code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Step amounts are rounded to, e.g. `0.01` (JPY: `1`).
    async fn amount_precision(&self) -> Dec {
        Dec::of(self.0.amount_precision.value())
    }
    /// Step unit prices are rounded to, e.g. `0.00001`.
    async fn unit_price_precision(&self) -> Dec {
        Dec::of(self.0.unit_price_precision.value())
    }
    /// Step invoice totals are rounded to, e.g. `0.05` for CHF.
    async fn invoice_rounding_precision(&self) -> Dec {
        Dec::of(self.0.invoice_rounding_precision.value())
    }
    /// Direction of invoice total rounding.
    async fn invoice_rounding_mode(&self) -> enums::RoundingMode {
        mercator_core::money::RoundingMode::from(self.0.invoice_rounding_mode).into()
    }
    /// Archived currencies cannot be used on new data.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        ts(self.0.updated_at)
    }
}

/// A sales tax code and its rate.
#[derive(Clone, Debug)]
pub struct TaxCode(pub tax_code::Model);

/// A sales tax code and its rate.
#[Object]
impl TaxCode {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::TaxCode, self.0.id)
    }
    /// Code, e.g. `STD`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Rate in percent, e.g. `10` for 10 %.
    async fn rate(&self) -> Dec {
        Dec::of(self.0.rate.value())
    }
    /// Archived tax codes cannot be used on new data.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        ts(self.0.updated_at)
    }
}

/// Payment terms: when an invoice is due, and the cash discount for paying early.
#[derive(Clone, Debug)]
pub struct PaymentTerms(pub payment_terms::Model);

/// Payment terms: when an invoice is due, and the cash discount for paying early.
#[Object]
impl PaymentTerms {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PaymentTerms, self.0.id)
    }
    /// Code, e.g. `NET30`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Description.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Days from the invoice date until it is due.
    async fn net_days(&self) -> i32 {
        self.0.net_days
    }
    /// Cash discount in percent for paying within `cashDiscountDays`.
    async fn cash_discount_percent(&self) -> Dec {
        Dec::of(self.0.cash_discount_percent.value())
    }
    /// Days within which the cash discount applies.
    async fn cash_discount_days(&self) -> i32 {
        self.0.cash_discount_days
    }
    /// Archived terms cannot be used on new data.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// When they were last changed.
    async fn updated_at(&self) -> DateTime {
        ts(self.0.updated_at)
    }
}

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

// ---------------------------------------------------------------- parties

/// A postal address of a customer or vendor.
#[derive(Clone, Debug)]
pub struct Address(pub address::Model);

/// A postal address of a customer or vendor. Documents copy it when they are created.
#[Object]
impl Address {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Address, self.0.id)
    }
    /// Code, unique per customer or vendor, e.g. `MAIN`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// What the address is used for.
    async fn purposes(&self) -> Vec<AddressPurpose> {
        let mut p = Vec::new();
        if self.0.for_invoice {
            p.push(AddressPurpose::Invoice);
        }
        if self.0.for_delivery {
            p.push(AddressPurpose::Delivery);
        }
        if self.0.for_business {
            p.push(AddressPurpose::Business);
        }
        p
    }
    /// Street and number.
    async fn street(&self) -> &str {
        &self.0.street
    }
    /// Second address line.
    async fn street2(&self) -> Option<&str> {
        self.0.street2.as_deref()
    }
    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }
    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// Region or state.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// ISO 3166 country code.
    async fn country_code(&self) -> &str {
        &self.0.country_code
    }
}

/// A person working for a customer or vendor.
#[derive(Clone, Debug)]
pub struct ContactPerson(pub ContactRow);

/// A person working for a customer or vendor.
#[Object]
impl ContactPerson {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ContactPerson, self.0.id)
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Preferred language.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// Job title or role.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Archived contacts are hidden from their organisation's list.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

pub(crate) async fn party_of(
    ctx: &Context<'_>,
    id: i64,
    preloaded: &Option<PartyBrief>,
) -> Result<PartyBrief> {
    if let Some(p) = preloaded {
        return Ok(p.clone());
    }
    loaders(ctx)?
        .party
        .load_one(id)
        .await
        .map_err(internal)?
        .map(PartyBrief::from)
        .ok_or_else(|| internal("party missing"))
}

pub(crate) async fn addresses_of(ctx: &Context<'_>, party_id: i64) -> Result<Vec<Address>> {
    Ok(loaders(ctx)?
        .addresses
        .load_one(party_id)
        .await
        .map_err(internal)?
        .unwrap_or_default()
        .into_iter()
        .map(Address)
        .collect())
}

pub(crate) async fn contacts_of(
    ctx: &Context<'_>,
    party_id: i64,
) -> Result<Vec<Fast<ContactPerson>>> {
    Ok(loaders(ctx)?
        .contacts
        .load_one(party_id)
        .await
        .map_err(internal)?
        .unwrap_or_default()
        .into_iter()
        .map(|c| Fast(ContactPerson(c)))
        .collect())
}

pub(crate) async fn currency_of(ctx: &Context<'_>, id: i64) -> Result<Currency> {
    loaders(ctx)?
        .currency
        .load_one(id)
        .await
        .map_err(internal)?
        .map(Currency)
        .ok_or_else(|| internal("currency missing"))
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

async fn terms_of(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<PaymentTerms>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?
        .payment_terms
        .load_one(id)
        .await
        .map_err(internal)?
        .map(PaymentTerms))
}

/// A customer account (the customer role of an organisation or person). Lists carry only the
/// narrow row they read; the other fields load the full row through the customer loader, in one
/// batched statement for the whole page, and only when a query asks for them.
#[derive(Clone, Debug)]
pub struct Customer {
    id: i64,
    party_id: i64,
    account_number: String,
    row: Option<customer::Model>,
    party: Option<PartyBrief>,
}

impl Customer {
    /// From a full row.
    pub fn full(m: customer::Model) -> Self {
        Customer {
            id: m.id,
            party_id: m.party_id,
            account_number: m.account_number.clone(),
            row: Some(m),
            party: None,
        }
    }

    /// From a list row.
    pub fn listed(c: CustomerBrief, p: PartyBrief) -> Self {
        Customer {
            id: c.id,
            party_id: c.party_id,
            account_number: c.account_number,
            row: None,
            party: Some(p),
        }
    }

    /// The database id.
    pub fn db_id(&self) -> i64 {
        self.id
    }

    async fn row(&self, ctx: &Context<'_>) -> Result<customer::Model> {
        if let Some(r) = &self.row {
            return Ok(r.clone());
        }
        loaders(ctx)?
            .customer
            .load_one(self.id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("customer missing"))
    }
}

/// A customer account: the customer role of an organisation or person.
#[Object]
impl Customer {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Customer, self.id)
    }
    /// Account number, unique in the company, e.g. `C-1000`.
    async fn account_number(&self) -> &str {
        &self.account_number
    }
    /// Organisation or person.
    async fn kind(&self, ctx: &Context<'_>) -> Result<enums::PartyKind> {
        Ok(party_of(ctx, self.party_id, &self.party).await?.kind.into())
    }
    /// Name.
    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(party_of(ctx, self.party_id, &self.party).await?.name)
    }
    /// E-mail address.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(party_of(ctx, self.party_id, &self.party).await?.email)
    }
    /// Phone number.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(party_of(ctx, self.party_id, &self.party).await?.phone)
    }
    /// Preferred language.
    async fn language(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(party_of(ctx, self.party_id, &self.party).await?.language)
    }
    /// Currency of the customer's documents.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.row(ctx).await?.currency_id).await
    }
    /// Customer group.
    async fn customer_group(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.customer_group)
    }
    /// Price group (selects trade agreements).
    async fn price_group(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.price_group)
    }
    /// Line discount group (selects line discount agreements).
    async fn line_discount_group(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.line_discount_group)
    }
    /// Invoice discount code (selects invoice discount terms).
    async fn invoice_discount_code(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.invoice_discount_code)
    }
    /// Payment terms of the customer's invoices.
    async fn payment_terms(&self, ctx: &Context<'_>) -> Result<Option<PaymentTerms>> {
        terms_of(ctx, self.row(ctx).await?.payment_terms_id).await
    }
    /// Tax group (with the item tax group, selects tax codes).
    async fn tax_group(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.row(ctx).await?.tax_group)
    }
    /// Credit limit in the customer's currency; zero means no limit.
    async fn credit_limit(&self, ctx: &Context<'_>) -> Result<Money> {
        let row = self.row(ctx).await?;
        super::money::money(ctx, row.credit_limit.value(), row.currency_id).await
    }
    /// Orders over the credit limit are blocked rather than warned about.
    async fn mandatory_credit_limit(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.row(ctx).await?.mandatory_credit_limit)
    }
    /// Which transactions are blocked.
    async fn blocked(&self, ctx: &Context<'_>) -> Result<enums::Blocked> {
        Ok(self.row(ctx).await?.blocked.into())
    }
    /// Shipments of several orders may be combined into one invoice.
    async fn combine_shipments(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.row(ctx).await?.combine_shipments)
    }
    /// Prices on this customer's documents include tax.
    async fn prices_including_tax(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.row(ctx).await?.prices_including_tax)
    }
    /// The customer who pays (bill-to), when it is another one.
    async fn invoice_account(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        let Some(id) = self.row(ctx).await?.invoice_account_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .customer
            .load_one(id)
            .await
            .map_err(internal)?
            .map(Customer::full))
    }
    /// Postal addresses, by code.
    async fn addresses(&self, ctx: &Context<'_>) -> Result<Vec<Address>> {
        addresses_of(ctx, self.party_id).await
    }
    /// Contact persons (archived ones are left out).
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<Fast<ContactPerson>>> {
        contacts_of(ctx, self.party_id).await
    }
    /// Balance: Σ remaining of the customer's ledger entries, in its currency.
    async fn balance(&self, ctx: &Context<'_>) -> Result<Money> {
        let row = self.row(ctx).await?;
        let b = loaders(ctx)?
            .balance
            .load_one(self.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        super::money::money(ctx, b, row.currency_id).await
    }
    /// Ledger entries (invoices, credit notes, payments, opening items), oldest first.
    async fn ledger_entries(&self, ctx: &Context<'_>) -> Result<Vec<CustomerLedgerEntry>> {
        let mut v = loaders(ctx)?
            .ledger_entries
            .load_one(self.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|e| (e.posting_date, e.id));
        Ok(v.into_iter().map(CustomerLedgerEntry).collect())
    }
    /// The party behind the account (shared with its prospect and contact roles).
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.party_id).await
    }
    /// Archived customers cannot be used on new documents.
    async fn archived(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.row(ctx).await?.archived_at.is_some())
    }
    /// When it was created.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(ts(self.row(ctx).await?.created_at))
    }
    /// When it was last changed.
    async fn updated_at(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(ts(self.row(ctx).await?.updated_at))
    }
}

/// A vendor account (the vendor role of an organisation).
#[derive(Clone, Debug)]
pub struct Vendor(pub vendor::Model, pub Option<PartyBrief>);

/// A vendor account: used by drop shipment, special orders and promising.
#[Object]
impl Vendor {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Vendor, self.0.id)
    }
    /// Account number, e.g. `V-1000`.
    async fn account_number(&self) -> &str {
        &self.0.account_number
    }
    /// Name.
    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(party_of(ctx, self.0.party_id, &self.1).await?.name)
    }
    /// E-mail address.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(party_of(ctx, self.0.party_id, &self.1).await?.email)
    }
    /// Phone number.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(party_of(ctx, self.0.party_id, &self.1).await?.phone)
    }
    /// Currency of the vendor's documents.
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Payment terms.
    async fn payment_terms(&self, ctx: &Context<'_>) -> Result<Option<PaymentTerms>> {
        terms_of(ctx, self.0.payment_terms_id).await
    }
    /// Tax group.
    async fn tax_group(&self) -> Option<&str> {
        self.0.tax_group.as_deref()
    }
    /// Postal addresses.
    async fn addresses(&self, ctx: &Context<'_>) -> Result<Vec<Address>> {
        addresses_of(ctx, self.0.party_id).await
    }
    /// Contact persons.
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<Fast<ContactPerson>>> {
        contacts_of(ctx, self.0.party_id).await
    }
    /// Archived vendors cannot be used on new documents.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

// ---------------------------------------------------------------- catalog and inventory

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

/// A number sequence: prefix plus zero-padded counter, one per company and document kind.
#[derive(Clone, Debug)]
pub struct NumberSequence(pub number_sequence::Model);

/// A number sequence: prefix plus zero-padded counter, one per company and document kind.
#[Object]
impl NumberSequence {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::NumberSequence, self.0.id)
    }
    /// What it numbers.
    async fn kind(&self) -> enums::SequenceKind {
        self.0.kind.into()
    }
    /// Text before the counter.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// Minimum digits of the counter.
    async fn width(&self) -> i32 {
        self.0.width
    }
    /// The counter value the next number will get.
    async fn next_value(&self) -> String {
        self.0.next_value.to_string()
    }
    /// What the next number will look like (a preview; drawing happens inside a posting).
    async fn next_number(&self) -> String {
        format_number(&self.0.prefix, self.0.width, self.0.next_value)
    }
}

/// The caller: the token's name, roles and companies.
pub struct Viewer(
    pub Principal,
    pub Vec<company::Model>,
    pub Option<company::Model>,
);

/// The caller: the token's name, roles and companies.
#[Object]
impl Viewer {
    /// Name of the token.
    async fn token_name(&self) -> &str {
        &self.0.name
    }
    /// Roles of the token.
    async fn roles(&self) -> Vec<enums::Role> {
        self.0.roles.iter().map(|r| (*r).into()).collect()
    }
    /// The token may act in every company.
    async fn all_companies(&self) -> bool {
        self.0.all_companies
    }
    /// Companies the token may act in.
    async fn companies(&self) -> Vec<Company> {
        self.1.iter().cloned().map(Company).collect()
    }
    /// The company this request acts in, if one was chosen.
    async fn company(&self) -> Option<Company> {
        self.2.clone().map(Company)
    }
    /// Largest query cost this token may spend per request.
    async fn query_cost_budget(&self, ctx: &Context<'_>) -> i32 {
        ctx.data_opt::<super::extension::Budget>()
            .map(|b| b.max_cost as i32)
            .unwrap_or(0)
    }
}

connection!(CurrencyConnection, CurrencyEdge, Currency, "currencies");

connection!(TaxCodeConnection, TaxCodeEdge, TaxCode, "tax codes");

connection!(
    PaymentTermsConnection,
    PaymentTermsEdge,
    PaymentTerms,
    "payment terms"
);

connection!(
    UnitOfMeasureConnection,
    UnitOfMeasureEdge,
    UnitOfMeasure,
    "units of measure"
);

connection!(WarehouseConnection, WarehouseEdge, Warehouse, "warehouses");

connection!(fast CustomerConnection, CustomerEdge, Customer, "customers");

connection!(VendorConnection, VendorEdge, Vendor, "vendors");

connection!(ItemConnection, ItemEdge, Item, "items");

connection!(
    ItemLedgerEntryConnection,
    ItemLedgerEntryEdge,
    ItemLedgerEntry,
    "item ledger entries"
);

// ---------------------------------------------------------------- parties and their roles

pub(crate) async fn party_by_id(ctx: &Context<'_>, id: i64) -> Result<Party> {
    load!(ctx, party, id, Party, "party")
}

// ---------------------------------------------------------------- party, prospect

/// An organisation or person: the one identity behind customers, prospects, vendors and
/// contact persons. Roles reference the party and never copy its name or addresses.
#[derive(Clone, Debug)]
pub struct Party(pub party::Model);

/// An organisation or person: the one identity behind customers, prospects, vendors and
/// contact persons. Roles reference the party and never copy its name or addresses.
#[Object]
impl Party {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Party, self.0.id)
    }
    /// Organisation or person.
    async fn kind(&self) -> enums::PartyKind {
        self.0.kind.into()
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Preferred language.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// Postal addresses, by code.
    async fn addresses(&self, ctx: &Context<'_>) -> Result<Vec<Address>> {
        addresses_of(ctx, self.0.id).await
    }
    /// Contact persons of this organisation (archived ones are left out).
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<Fast<ContactPerson>>> {
        contacts_of(ctx, self.0.id).await
    }
    /// The customer role, if the party is a customer.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        Ok(loaders(ctx)?
            .customers_by_party
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .and_then(|v| v.into_iter().next())
            .map(Customer::full))
    }
    /// The prospect role, if the party is or was a prospect.
    async fn prospect(&self, ctx: &Context<'_>) -> Result<Option<Prospect>> {
        Ok(loaders(ctx)?
            .prospects_by_party
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .and_then(|v| v.into_iter().next())
            .map(Prospect))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// A prospective customer: the prospect role of a party.
#[derive(Clone, Debug)]
pub struct Prospect(pub crm::prospect::Model);

/// A prospective customer: the prospect role of a party. Quotations may be addressed to it; an
/// order needs it converted to a customer first (`prospectConvert`).
#[Object]
impl Prospect {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Prospect, self.0.id)
    }
    /// Number, e.g. `P-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The party (name, addresses, contacts).
    async fn party(&self, ctx: &Context<'_>) -> Result<Party> {
        party_by_id(ctx, self.0.party_id).await
    }
    /// Responsible salesperson (a code).
    async fn salesperson(&self) -> Option<&str> {
        self.0.salesperson.as_deref()
    }
    /// Segment (a code) used when selecting campaign targets.
    async fn segment(&self) -> Option<&str> {
        self.0.segment.as_deref()
    }
    /// Status.
    async fn status(&self) -> ProspectStatus {
        self.0.status.into()
    }
    /// The customer it was converted to.
    async fn converted_customer(&self, ctx: &Context<'_>) -> Result<Option<Customer>> {
        load_opt!(ctx, customer, self.0.converted_customer_id, Customer::full)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// An item of a customer's account.
#[derive(Clone, Debug)]
pub struct CustomerLedgerEntry(pub crm::ledger_entry::Model);

/// An item of a customer's account: an invoice, credit note, payment or opening item.
#[Object]
impl CustomerLedgerEntry {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CustomerLedgerEntry, self.0.id)
    }
    /// Kind of entry.
    async fn entry_type(&self) -> LedgerEntryType {
        self.0.entry_type.into()
    }
    /// Document number, e.g. `PI-19`.
    async fn document_number(&self) -> &str {
        &self.0.document_number
    }
    /// Posting date.
    async fn posting_date(&self) -> Date {
        dt(self.0.posting_date)
    }
    /// Due date.
    async fn due_date(&self) -> Option<Date> {
        self.0.due_date.map(dt)
    }
    /// Original amount (positive: owed by the customer).
    async fn original_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.original_amount.value(), self.0.currency_id).await
    }
    /// Amount still open.
    async fn remaining_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.remaining_amount.value(), self.0.currency_id).await
    }
    /// Text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
}

connection!(PartyConnection, PartyEdge, Party, "parties");

connection!(ProspectConnection, ProspectEdge, Prospect, "prospects");
