//! Parties and their roles: customers (with addresses, contacts and the customer ledger), prospects.

use super::connection::{filter_id, list_cost, page_args, wants_total};
use super::enums::{
    self, AddressPurpose, ArchivedFilter, Blocked, LedgerEntryType, PartyKind, ProspectStatus,
    SortDirection,
};
use super::errors::{Input, id_error, internal};
use super::ids::{self, Kind, encode};
use super::input::{AddressInput, mu};
use super::leaves::Fast;
use super::money::{Money, money};
use super::scalars::ts;
use super::scalars::{Date, DateTime, Dec, dt};
use super::setup::{Currency, PaymentTerms, currency_of, terms_of};
use super::{company_id, loaders, read, require, write};
use crate::connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result};
use mercator_core::auth::Role;
use mercator_core::crm;
use mercator_core::parties::{
    self, ContactRow, CustomerBrief, CustomerFilter as CoreCustomerFilter, CustomerPatch,
    CustomerSort as CoreCustomerSort, NewAddress, NewContact, NewCustomer, Owner, PartyBrief,
    PartyDetails, PartyPatch, address, customer, party,
};
use rust_decimal::Decimal;

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

connection!(fast CustomerConnection, CustomerEdge, Customer, "customers");

pub(crate) async fn party_by_id(ctx: &Context<'_>, id: i64) -> Result<Party> {
    load!(ctx, party, id, Party, "party")
}

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
    /// Last day a payment earns the cash discount; none without one.
    async fn cash_discount_date(&self) -> Option<Date> {
        self.0.cash_discount_date.map(dt)
    }
    /// Cash discount a payment by `cashDiscountDate` earns, while nothing of the entry is
    /// paid.
    async fn cash_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.cash_discount_amount.value(), self.0.currency_id).await
    }
    /// Applications that settle it or that it settles (unapplications included), oldest
    /// first.
    async fn applications(&self, ctx: &Context<'_>) -> Result<Vec<LedgerApplication>> {
        let l = loaders(ctx)?;
        let (to, by) = futures_util::future::join(
            l.applications_to_entry.load_one(self.0.id),
            l.applications_by_entry.load_one(self.0.id),
        )
        .await;
        let mut v: Vec<_> = to
            .map_err(internal)?
            .unwrap_or_default()
            .into_iter()
            .chain(by.map_err(internal)?.unwrap_or_default())
            .collect();
        v.sort_by_key(|a| a.id);
        let cur = self.0.currency_id;
        Ok(v.into_iter().map(|a| LedgerApplication(a, cur)).collect())
    }
    /// Payment status, derived from the remaining amount and the due date (today, UTC):
    /// `PAID` when nothing is left open (for a payment: applied in full).
    async fn payment_status(&self) -> crate::graphql::enums::PaymentStatus {
        mercator_core::receivables::payment_status(&self.0, chrono::Utc::now().date_naive()).into()
    }
    /// Text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
}

/// An application: an amount of one entry (a payment's) settling another (an invoice's).
#[derive(Clone, Debug)]
pub struct LedgerApplication(
    pub mercator_core::receivables::ledger_application::Model,
    pub i64,
);

/// An amount of a payment's entry settling an open entry (an invoice's or an opening
/// item's): both remainings went down by it.
#[Object]
impl LedgerApplication {
    /// The amount it took off the settled entry: the cash applied, the cash discount and
    /// the write-off together.
    async fn amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.amount.value(), self.1).await
    }
    /// Of `amount`, the cash discount granted (paid by the entry's cash discount date).
    async fn cash_discount_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.cash_discount_amount.value(), self.1).await
    }
    /// Of `amount`, the residual written off within the company's payment tolerance.
    async fn write_off_amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.write_off_amount.value(), self.1).await
    }
    /// Date of the application.
    async fn applied_on(&self) -> Date {
        Date(self.0.applied_on)
    }
    /// An unapplication: it reverses an earlier application, its amounts negated.
    async fn is_reversal(&self) -> bool {
        self.0.reverses_id.is_some()
    }
    /// The entry settled.
    async fn applied_to(&self, ctx: &Context<'_>) -> Result<CustomerLedgerEntry> {
        load!(
            ctx,
            ledger_entry,
            self.0.applied_to_id,
            CustomerLedgerEntry,
            "ledger entry"
        )
    }
    /// The settling entry (the payment's).
    async fn entry(&self, ctx: &Context<'_>) -> Result<CustomerLedgerEntry> {
        load!(
            ctx,
            ledger_entry,
            self.0.entry_id,
            CustomerLedgerEntry,
            "ledger entry"
        )
    }
}

connection!(PartyConnection, PartyEdge, Party, "parties");

connection!(ProspectConnection, ProspectEdge, Prospect, "prospects");

/// Filter of the customer list.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// Case-insensitive part of account number, name or e-mail.
    pub search: Option<String>,
    /// Only this customer group.
    pub customer_group: Option<String>,
    /// Only customers in this currency.
    pub currency_id: Option<ID>,
    /// Only this blocked state.
    pub blocked: Option<Blocked>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the customer list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CustomerSortField {
    /// By account number.
    #[default]
    AccountNumber,
    /// By name.
    Name,
}

/// Order of the customer list.
#[derive(InputObject, Default)]
pub struct CustomerSort {
    /// Sort field.
    #[graphql(default)]
    pub field: CustomerSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Queries of customers.
#[derive(Default)]
pub struct PartiesQuery;

/// Queries of customers.
#[Object]
impl PartiesQuery {
    /// Customers of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            CustomerFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<CustomerSort>,
    ) -> Result<CustomerConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let f = CoreCustomerFilter {
            search: super::connection::search_filter(filter.search)?,
            customer_group: filter.customer_group,
            currency_id: filter_id(
                "filter.currencyId",
                filter.currency_id.as_ref(),
                Kind::Currency,
            )?,
            blocked: filter.blocked.map(Into::into),
            archived: filter.archived.as_opt(),
        };
        let s = match sort.field {
            CustomerSortField::AccountNumber => CoreCustomerSort::AccountNumber,
            CustomerSortField::Name => CoreCustomerSort::Name,
        };
        let page = read(
            parties::list_customers(
                super::db(ctx)?,
                cid,
                &f,
                s,
                sort.direction == SortDirection::Desc,
                &args,
            )
            .await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(parties::count_customers(super::db(ctx)?, cid, &f).await).await?)
        } else {
            None
        };
        Ok(CustomerConnection::from_page(page, total, |(c, p)| {
            Customer::listed(c, p)
        }))
    }
}

payload!(
    CustomerPayload,
    customer,
    Customer,
    "Result of a customer mutation.",
    "The customer, when the mutation succeeded."
);

payload!(
    AddressPayload,
    address,
    Address,
    "Result of an address mutation.",
    "The address, when the mutation succeeded (for a delete: as it was)."
);

payload!(
    ContactPersonPayload,
    contact_person,
    ContactPerson,
    "Result of a contact person mutation.",
    "The contact person, when the mutation succeeded."
);

/// Input of `customerCreate`.
#[derive(InputObject)]
pub struct CustomerCreateInput {
    /// Account number; drawn from the customer number sequence when left out.
    pub account_number: Option<String>,
    /// Organisation (default) or person.
    #[graphql(default_with = "PartyKind::Organization")]
    pub kind: PartyKind,
    /// Name, at most 200 characters.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Preferred language, e.g. `en`.
    pub language: Option<String>,
    /// Currency of the customer's documents.
    pub currency_id: ID,
    /// Customer group.
    pub customer_group: Option<String>,
    /// Price group.
    pub price_group: Option<String>,
    /// Line discount group (selects line discount agreements).
    pub line_discount_group: Option<String>,
    /// Invoice discount code (selects invoice discount terms).
    pub invoice_discount_code: Option<String>,
    /// Payment terms.
    pub payment_terms_id: Option<ID>,
    /// Tax group.
    pub tax_group: Option<String>,
    /// Credit limit in the customer's currency; 0 (no limit) by default.
    pub credit_limit: Option<Dec>,
    /// Block orders over the credit limit.
    #[graphql(default)]
    pub mandatory_credit_limit: bool,
    /// Blocked transactions; NO by default.
    #[graphql(default_with = "Blocked::No")]
    pub blocked: Blocked,
    /// Combine shipments into one invoice.
    #[graphql(default)]
    pub combine_shipments: bool,
    /// Prices include tax.
    #[graphql(default)]
    pub prices_including_tax: bool,
    /// Bill-to customer, when another customer pays.
    pub invoice_account_id: Option<ID>,
    /// Addresses to create with the customer.
    #[graphql(default)]
    pub addresses: Vec<AddressInput>,
}

/// Input of `customerUpdate`: fields left out stay; `null` clears an optional field.
#[derive(InputObject)]
pub struct CustomerUpdateInput {
    /// The customer.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: MaybeUndefined<String>,
    /// Phone number.
    pub phone: MaybeUndefined<String>,
    /// Preferred language.
    pub language: MaybeUndefined<String>,
    /// Currency of its ledger: changed only while no ledger entry is open (`INVALID_VALUE`
    /// otherwise: the balance would add amounts of two currencies).
    pub currency_id: Option<ID>,
    /// Customer group.
    pub customer_group: MaybeUndefined<String>,
    /// Price group.
    pub price_group: MaybeUndefined<String>,
    /// Line discount group; null clears it.
    pub line_discount_group: MaybeUndefined<String>,
    /// Invoice discount code; null clears it.
    pub invoice_discount_code: MaybeUndefined<String>,
    /// Payment terms.
    pub payment_terms_id: MaybeUndefined<ID>,
    /// Tax group.
    pub tax_group: MaybeUndefined<String>,
    /// Credit limit.
    pub credit_limit: Option<Dec>,
    /// Block orders over the credit limit.
    pub mandatory_credit_limit: Option<bool>,
    /// Blocked transactions.
    pub blocked: Option<Blocked>,
    /// Combine shipments.
    pub combine_shipments: Option<bool>,
    /// Prices include tax.
    pub prices_including_tax: Option<bool>,
    /// Bill-to customer.
    pub invoice_account_id: MaybeUndefined<ID>,
}

/// Input of `addressCreate`.
#[derive(InputObject)]
pub struct AddressCreateInput {
    /// The customer, vendor, prospect or party the address belongs to.
    pub owner_id: ID,
    /// The address.
    pub address: AddressInput,
}

/// Input of `addressUpdate`: replaces every field but the code.
#[derive(InputObject)]
pub struct AddressUpdateInput {
    /// The address.
    pub id: ID,
    /// What it is used for.
    pub purposes: Vec<AddressPurpose>,
    /// Street and number.
    pub street: String,
    /// Second address line.
    pub street2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// ISO 3166 country code.
    pub country_code: String,
}

/// Input of `addressDelete`.
#[derive(InputObject)]
pub struct AddressDeleteInput {
    /// The address. Documents keep their own copy.
    pub id: ID,
}

/// Input of `contactPersonCreate`.
#[derive(InputObject)]
pub struct ContactPersonCreateInput {
    /// The customer, vendor, prospect or party (an organisation) the person works for.
    pub owner_id: ID,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Job title or role.
    pub title: Option<String>,
}

/// Input of `contactPersonUpdate`.
#[derive(InputObject)]
pub struct ContactPersonUpdateInput {
    /// The contact person.
    pub id: ID,
    /// Full name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: MaybeUndefined<String>,
    /// Phone number.
    pub phone: MaybeUndefined<String>,
    /// Preferred language.
    pub language: MaybeUndefined<String>,
    /// Job title or role.
    pub title: MaybeUndefined<String>,
}

pub(crate) fn owner(inp: &mut Input, id: &ID) -> Option<Owner> {
    match ids::decode_any(id) {
        Ok((Kind::Customer, n)) => Some(Owner::Customer(n)),
        Ok((Kind::Vendor, n)) => Some(Owner::Vendor(n)),
        Ok((Kind::Prospect, n)) => Some(Owner::Prospect(n)),
        Ok((Kind::Party, n)) => Some(Owner::Party(n)),
        Ok((k, _)) => {
            inp.errors.push(id_error(
                "ownerId",
                &ids::IdError::WrongKind {
                    expected: "Customer, Vendor, Prospect or Party",
                    got: k.name(),
                },
            ));
            None
        }
        Err(e) => {
            inp.errors.push(id_error("ownerId", &e));
            None
        }
    }
}

/// Mutations of customers, addresses and contact persons.
#[derive(Default)]
pub struct PartiesMutation;

/// Mutations of customers, addresses and contact persons.
#[Object]
impl PartiesMutation {
    /// Creates a customer with its addresses. Clerk.
    async fn customer_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerCreateInput,
    ) -> Result<CustomerPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let i = NewCustomer {
            account_number: input.account_number,
            kind: input.kind.into(),
            details: PartyDetails {
                name: input.name,
                email: input.email,
                phone: input.phone,
                language: input.language,
            },
            currency_id: inp.id("currencyId", &input.currency_id, Kind::Currency),
            customer_group: input.customer_group,
            price_group: input.price_group,
            line_discount_group: input.line_discount_group,
            invoice_discount_code: input.invoice_discount_code,
            payment_terms_id: inp.opt_id(
                "paymentTermsId",
                input.payment_terms_id.as_ref(),
                Kind::PaymentTerms,
            ),
            tax_group: input.tax_group,
            credit_limit: inp
                .opt_dec("creditLimit", input.credit_limit.as_ref())
                .unwrap_or(Decimal::ZERO),
            mandatory_credit_limit: input.mandatory_credit_limit,
            blocked: input.blocked.into(),
            combine_shipments: input.combine_shipments,
            prices_including_tax: input.prices_including_tax,
            invoice_account_id: inp.opt_id(
                "invoiceAccountId",
                input.invoice_account_id.as_ref(),
                Kind::Customer,
            ),
            addresses: input.addresses.into_iter().map(Into::into).collect(),
        };
        decoded!(inp, CustomerPayload);
        let res = write(ctx, "", async |t| parties::create_customer(t, cid, i).await).await?;
        Ok(CustomerPayload::done(res.map(Customer::full)))
    }

    /// Changes a customer. Clerk.
    async fn customer_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerUpdateInput,
    ) -> Result<CustomerPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Customer);
        let p = CustomerPatch {
            party: PartyPatch {
                name: input.name,
                email: mu(input.email),
                phone: mu(input.phone),
                language: mu(input.language),
            },
            currency_id: inp.opt_id("currencyId", input.currency_id.as_ref(), Kind::Currency),
            customer_group: mu(input.customer_group),
            price_group: mu(input.price_group),
            line_discount_group: mu(input.line_discount_group),
            invoice_discount_code: mu(input.invoice_discount_code),
            payment_terms_id: mu(input.payment_terms_id)
                .map(|o| o.map(|i| inp.id("paymentTermsId", &i, Kind::PaymentTerms))),
            tax_group: mu(input.tax_group),
            credit_limit: inp.opt_dec("creditLimit", input.credit_limit.as_ref()),
            mandatory_credit_limit: input.mandatory_credit_limit,
            blocked: input.blocked.map(Into::into),
            combine_shipments: input.combine_shipments,
            prices_including_tax: input.prices_including_tax,
            invoice_account_id: mu(input.invoice_account_id)
                .map(|o| o.map(|i| inp.id("invoiceAccountId", &i, Kind::Customer))),
        };
        decoded!(inp, CustomerPayload);
        let res = write(ctx, "id", async |t| {
            parties::update_customer(t, cid, id, p).await
        })
        .await?;
        Ok(CustomerPayload::done(res.map(Customer::full)))
    }

    /// Adds an address to a customer or vendor. Clerk.
    async fn address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: AddressCreateInput,
    ) -> Result<AddressPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let o = owner(&mut inp, &input.owner_id);
        decoded!(inp, AddressPayload);
        let Some(o) = o else {
            return Ok(AddressPayload::done(Err(vec![])));
        };
        let a: NewAddress = input.address.into();
        let res = write(ctx, "ownerId", async |t| {
            parties::add_address(t, cid, o, a).await
        })
        .await?;
        Ok(AddressPayload::done(res.map(Address)))
    }

    /// Replaces an address's fields (the code stays). Clerk.
    async fn address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: AddressUpdateInput,
    ) -> Result<AddressPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Address);
        decoded!(inp, AddressPayload);
        let a = NewAddress {
            code: String::new(),
            purposes: input.purposes.into_iter().map(Into::into).collect(),
            street: input.street,
            street2: input.street2,
            city: input.city,
            postal_code: input.postal_code,
            region: input.region,
            country_code: input.country_code,
        };
        let res = write(ctx, "id", async |t| {
            parties::update_address(t, cid, id, a).await
        })
        .await?;
        Ok(AddressPayload::done(res.map(Address)))
    }

    /// Deletes an address. Documents keep their own copy of it. Clerk.
    async fn address_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: AddressDeleteInput,
    ) -> Result<AddressPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Address);
        decoded!(inp, AddressPayload);
        let res = write(ctx, "id", async |t| {
            parties::remove_address(t, cid, id).await
        })
        .await?;
        Ok(AddressPayload::done(res.map(Address)))
    }

    /// Adds a contact person to a customer or vendor. Clerk.
    async fn contact_person_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ContactPersonCreateInput,
    ) -> Result<ContactPersonPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let o = owner(&mut inp, &input.owner_id);
        decoded!(inp, ContactPersonPayload);
        let Some(o) = o else {
            return Ok(ContactPersonPayload::done(Err(vec![])));
        };
        let i = NewContact {
            details: PartyDetails {
                name: input.name,
                email: input.email,
                phone: input.phone,
                language: input.language,
            },
            title: input.title,
        };
        let res = write(ctx, "ownerId", async |t| {
            let c = parties::create_contact(t, cid, o, i).await?;
            parties::get_contact(t, cid, c.id).await
        })
        .await?;
        Ok(ContactPersonPayload::done(res.map(ContactPerson)))
    }

    /// Changes a contact person. Clerk.
    async fn contact_person_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ContactPersonUpdateInput,
    ) -> Result<ContactPersonPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::ContactPerson);
        decoded!(inp, ContactPersonPayload);
        let p = PartyPatch {
            name: input.name,
            email: mu(input.email),
            phone: mu(input.phone),
            language: mu(input.language),
        };
        let title = mu(input.title);
        let res = write(ctx, "id", async |t| {
            let c = parties::update_contact(t, cid, id, p, title).await?;
            parties::get_contact(t, cid, c.id).await
        })
        .await?;
        Ok(ContactPersonPayload::done(res.map(ContactPerson)))
    }
}
