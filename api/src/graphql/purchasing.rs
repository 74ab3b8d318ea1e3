//! Vendors (as far as sales needs them).

use super::connection::{list_cost, page_args, wants_total};
use super::enums::{ArchivedFilter, SortDirection};
use super::errors::Input;
use super::ids::{Kind, encode};
use super::input::mu;
use super::leaves::Fast;
use super::parties::{Address, ContactPerson, addresses_of, contacts_of, party_of};
use super::setup::{Currency, PaymentTerms, currency_of, terms_of};
use super::{company_id, db, read, require, write};
use crate::connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result};
use mercator_core::auth::Role;
use mercator_core::parties::{PartyBrief, PartyDetails, PartyPatch};
use mercator_core::purchasing::{self, NewVendor, VendorFilter as CoreVendorFilter, vendor};

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

connection!(VendorConnection, VendorEdge, Vendor, "vendors");

/// Filter of the vendor list.
#[derive(InputObject, Default)]
pub struct VendorFilter {
    /// Case-insensitive part of account number or name.
    pub search: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

/// Field the vendor list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum VendorSortField {
    /// By account number.
    #[default]
    AccountNumber,
}

/// Order of the vendor list.
#[derive(InputObject, Default)]
pub struct VendorSort {
    /// Sort field.
    #[graphql(default)]
    pub field: VendorSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Queries of vendors.
#[derive(Default)]
pub struct PurchasingQuery;

/// Queries of vendors.
#[Object]
impl PurchasingQuery {
    /// Vendors of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn vendors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all active rows when left out or null.")] filter: Option<
            VendorFilter,
        >,
        #[graphql(
            desc = "Order of the rows; by code or number, ascending, when left out or null."
        )]
        sort: Option<VendorSort>,
    ) -> Result<VendorConnection> {
        let cid = company_id(ctx)?;
        let filter = filter.unwrap_or_default();
        let sort = sort.unwrap_or_default();
        let args = page_args(first, last, after, before)?;
        let db = &db(ctx)?.conn;
        let f = CoreVendorFilter {
            search: super::connection::search_filter(filter.search)?,
            archived: filter.archived.as_opt(),
        };
        let page = read(
            purchasing::list_vendors(db, cid, &f, sort.direction == SortDirection::Desc, &args)
                .await,
        )
        .await?;
        let total = if wants_total(ctx) {
            Some(read(purchasing::count_vendors(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(VendorConnection::from_page(page, total, |(v, p)| {
            Vendor(v, Some(p.into()))
        }))
    }
}

payload!(
    VendorPayload,
    vendor,
    Vendor,
    "Result of a vendor mutation.",
    "The vendor, when the mutation succeeded."
);

/// Input of `vendorCreate`.
#[derive(InputObject)]
pub struct VendorCreateInput {
    /// Account number; drawn from the vendor number sequence when left out.
    pub account_number: Option<String>,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Currency.
    pub currency_id: ID,
    /// Payment terms.
    pub payment_terms_id: Option<ID>,
    /// Tax group.
    pub tax_group: Option<String>,
}

/// Input of `vendorUpdate`.
#[derive(InputObject)]
pub struct VendorUpdateInput {
    /// The vendor.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: MaybeUndefined<String>,
    /// Phone number.
    pub phone: MaybeUndefined<String>,
    /// Payment terms.
    pub payment_terms_id: MaybeUndefined<ID>,
}

/// Mutations of vendors.
#[derive(Default)]
pub struct PurchasingMutation;

/// Mutations of vendors.
#[Object]
impl PurchasingMutation {
    /// Creates a vendor. Clerk.
    async fn vendor_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: VendorCreateInput,
    ) -> Result<VendorPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let i = NewVendor {
            account_number: input.account_number,
            details: PartyDetails {
                name: input.name,
                email: input.email,
                phone: input.phone,
                language: None,
            },
            currency_id: inp.id("currencyId", &input.currency_id, Kind::Currency),
            payment_terms_id: inp.opt_id(
                "paymentTermsId",
                input.payment_terms_id.as_ref(),
                Kind::PaymentTerms,
            ),
            tax_group: input.tax_group,
        };
        decoded!(inp, VendorPayload);
        let res = write(ctx, "", async |t| {
            purchasing::create_vendor(t, cid, i).await
        })
        .await?;
        Ok(VendorPayload::done(res.map(|v| Vendor(v, None))))
    }

    /// Changes a vendor. Clerk.
    async fn vendor_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: VendorUpdateInput,
    ) -> Result<VendorPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Vendor);
        let pt = mu(input.payment_terms_id)
            .map(|o| o.map(|i| inp.id("paymentTermsId", &i, Kind::PaymentTerms)));
        let p = PartyPatch {
            name: input.name,
            email: mu(input.email),
            phone: mu(input.phone),
            language: None,
        };
        decoded!(inp, VendorPayload);
        let res = write(ctx, "id", async |t| {
            purchasing::update_vendor(t, cid, id, p, pt).await
        })
        .await?;
        Ok(VendorPayload::done(res.map(|v| Vendor(v, None))))
    }
}
