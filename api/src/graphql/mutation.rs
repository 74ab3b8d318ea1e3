//! Mutations. Each takes one `input` and returns a payload `{ <object>, userErrors }`; each runs
//! one core service call in one transaction. Setup data needs the admin role, master data the
//! clerk role.

use super::enums::{
    AddressPurpose, Blocked, ItemKind, PartyKind, PricingRule, RoundingMode, TaxMode,
};
use super::errors::{ErrorCode, Input, id_error};
use super::ids::{self, Kind};
use super::input::{AddressInput, mu};
use super::scalars::{Date, Dec};
use super::types::*;
use super::{rc, require, write};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::catalog::{self, ItemPatch, NewItem, NewUnit, UnitPatch};
use mercator_core::inventory::{self, Adjustment, NewWarehouse};
use mercator_core::numbering::{self, SequencePatch};
use mercator_core::parties::{
    self, CustomerPatch, NewAddress, NewContact, NewCustomer, Owner, PartyDetails, PartyPatch,
};
use mercator_core::purchasing::{self, NewVendor};
use mercator_core::setup::{
    self, CompanyPatch, CurrencyPatch, NewCompany, NewCurrency, NewPaymentTerms, NewTaxCode,
    PaymentTermsPatch, TaxCodePatch,
};
use rust_decimal::Decimal;
use std::sync::Arc;

payload!(
    CompanyPayload,
    company,
    Company,
    "Result of a company mutation.",
    "The company, when the mutation succeeded."
);
payload!(
    CurrencyPayload,
    currency,
    Currency,
    "Result of a currency mutation.",
    "The currency, when the mutation succeeded."
);
payload!(
    TaxCodePayload,
    tax_code,
    TaxCode,
    "Result of a tax code mutation.",
    "The tax code, when the mutation succeeded."
);
payload!(
    PaymentTermsPayload,
    payment_terms,
    PaymentTerms,
    "Result of a payment terms mutation.",
    "The payment terms, when the mutation succeeded."
);
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
    CustomerPayload,
    customer,
    Customer,
    "Result of a customer mutation.",
    "The customer, when the mutation succeeded."
);
payload!(
    VendorPayload,
    vendor,
    Vendor,
    "Result of a vendor mutation.",
    "The vendor, when the mutation succeeded."
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
payload!(
    NumberSequencePayload,
    number_sequence,
    NumberSequence,
    "Result of a number sequence mutation.",
    "The sequence, when the mutation succeeded."
);
// ---------------------------------------------------------------- inputs

/// Input of `companyCreate`.
#[derive(InputObject)]
pub struct CompanyCreateInput {
    /// Unique code (letters, digits, `-_./`, at most 20), e.g. `ACME`.
    pub code: String,
    /// Legal name.
    pub name: String,
    /// ISO 4217 code of the base currency; the currency is created with its usual precisions.
    pub base_currency: String,
}

/// Input of `companyUpdate`: changes the company of the request.
#[derive(InputObject)]
pub struct CompanyUpdateInput {
    /// New legal name.
    pub name: Option<String>,
    /// How prices and line discounts are resolved.
    pub pricing_rule: Option<PricingRule>,
    /// How sales tax is computed on documents created or changed from now on.
    pub tax_mode: Option<TaxMode>,
    /// The customer tax group of documents whose customer has none (it must have a tax setup);
    /// null clears it. Without one, a company with a tax setup refuses such documents
    /// (`TAX_GROUP_REQUIRED`).
    #[graphql(default)]
    pub default_tax_group: MaybeUndefined<String>,
}

/// Input of `currencyCreate`. Precisions left out take the ISO defaults (JPY 1, CHF invoice 0.05, else 0.01).
#[derive(InputObject)]
pub struct CurrencyCreateInput {
    /// ISO 4217 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Step amounts are rounded to.
    pub amount_precision: Option<Dec>,
    /// Step unit prices are rounded to.
    pub unit_price_precision: Option<Dec>,
    /// Step invoice totals are rounded to.
    pub invoice_rounding_precision: Option<Dec>,
    /// Direction of invoice total rounding; NEAREST by default.
    pub invoice_rounding_mode: Option<RoundingMode>,
}

/// Input of `currencyUpdate`: only the fields given change.
#[derive(InputObject)]
pub struct CurrencyUpdateInput {
    /// The currency.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Step amounts are rounded to.
    pub amount_precision: Option<Dec>,
    /// Step unit prices are rounded to.
    pub unit_price_precision: Option<Dec>,
    /// Step invoice totals are rounded to.
    pub invoice_rounding_precision: Option<Dec>,
    /// Direction of invoice total rounding.
    pub invoice_rounding_mode: Option<RoundingMode>,
}

/// Input of `taxCodeCreate`.
#[derive(InputObject)]
pub struct TaxCodeCreateInput {
    /// Code, e.g. `STD`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Rate in percent, 0 to 100, e.g. `"10"`.
    pub rate: Dec,
}

/// Input of `taxCodeUpdate`.
#[derive(InputObject)]
pub struct TaxCodeUpdateInput {
    /// The tax code.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Rate in percent.
    pub rate: Option<Dec>,
}

/// Input of `paymentTermsCreate`.
#[derive(InputObject)]
pub struct PaymentTermsCreateInput {
    /// Code, e.g. `NET30`.
    pub code: String,
    /// Description.
    pub description: String,
    /// Days until due, 0 to 3650.
    pub net_days: i32,
    /// Cash discount in percent; 0 by default.
    pub cash_discount_percent: Option<Dec>,
    /// Days the cash discount applies; 0 by default; at most `netDays`.
    #[graphql(default)]
    pub cash_discount_days: i32,
}

/// Input of `paymentTermsUpdate`.
#[derive(InputObject)]
pub struct PaymentTermsUpdateInput {
    /// The payment terms.
    pub id: ID,
    /// Description.
    pub description: Option<String>,
    /// Days until due.
    pub net_days: Option<i32>,
    /// Cash discount in percent.
    pub cash_discount_percent: Option<Dec>,
    /// Days the cash discount applies.
    pub cash_discount_days: Option<i32>,
}

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
    /// Currency.
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

/// Input of `numberSequenceUpdate`.
#[derive(InputObject)]
pub struct NumberSequenceUpdateInput {
    /// The sequence.
    pub id: ID,
    /// Text before the counter (may be empty).
    pub prefix: Option<String>,
    /// Minimum digits of the counter, 1 to 12.
    pub width: Option<i32>,
    /// New next counter value; may only move forward.
    pub next_value: Option<i32>,
}

fn owner(inp: &mut Input, id: &ID) -> Option<Owner> {
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

/// Mutations of the foundation: setup and master data.
#[derive(Default)]
pub struct CoreMutation;

/// Input of `apiTokenRevoke`.
#[derive(InputObject)]
pub struct ApiTokenRevokeInput {
    /// The token's id or its shown prefix (`mrc_4f2a…`), as `mercator token list` prints them.
    pub token: String,
}

/// The tokens revoked.
#[derive(SimpleObject)]
pub struct RevokedTokens {
    /// How many tokens were revoked (a prefix may match more than one).
    pub count: i32,
}

payload!(
    ApiTokenRevokePayload,
    revoked,
    RevokedTokens,
    "Result of `apiTokenRevoke`.",
    "The tokens revoked; null when nothing was."
);

/// Mutations of the foundation: setup and master data.
#[Object]
impl CoreMutation {
    /// Revokes an API token. It stops working at once on the node that answers this mutation;
    /// other nodes may accept it for up to `limits.token_cache_seconds` more
    /// (docs/operations.md). Needs an admin token that may act in all companies.
    async fn api_token_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApiTokenRevokeInput,
    ) -> Result<ApiTokenRevokePayload> {
        let r = rc(ctx)?;
        if !(r.principal.has(Role::Admin) && r.principal.all_companies) {
            return Err(ErrorCode::Forbidden
                .error("revoking a token needs an admin token for all companies"));
        }
        let token = input.token;
        let res = write(ctx, "token", async |t| {
            mercator_core::auth::revoke(t, token.trim()).await
        })
        .await?;
        if res.is_ok()
            && let Ok(cache) = ctx.data::<Arc<crate::server::TokenCache>>()
        {
            cache.clear();
        }
        Ok(ApiTokenRevokePayload::done(res.map(|rows| RevokedTokens {
            count: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        })))
    }

    /// Creates a company with its base currency and number sequences. Needs an admin token that
    /// may act in all companies.
    async fn company_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CompanyCreateInput,
    ) -> Result<CompanyPayload> {
        let r = rc(ctx)?;
        if !(r.principal.has(Role::Admin) && r.principal.all_companies) {
            return Err(ErrorCode::Forbidden
                .error("creating a company needs an admin token for all companies"));
        }
        let i = NewCompany {
            code: input.code,
            name: input.name,
            base_currency: input.base_currency,
        };
        let res = write(ctx, "code", async |t| setup::create_company(t, i).await).await?;
        Ok(CompanyPayload::done(res.map(Company)))
    }

    /// Changes the company of the request. Admin.
    async fn company_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CompanyUpdateInput,
    ) -> Result<CompanyPayload> {
        let cid = require(ctx, Role::Admin)?;
        let res = write(ctx, "", async |t| {
            setup::update_company(
                t,
                cid,
                CompanyPatch {
                    name: input.name,
                    pricing_rule: input.pricing_rule.map(Into::into),
                    tax_mode: input.tax_mode.map(Into::into),
                    default_tax_group: mu(input.default_tax_group),
                },
            )
            .await
        })
        .await?;
        Ok(CompanyPayload::done(res.map(Company)))
    }

    /// Adds a currency. Admin.
    async fn currency_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CurrencyCreateInput,
    ) -> Result<CurrencyPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let i = NewCurrency {
            code: input.code,
            name: input.name,
            amount_precision: inp.opt_dec("amountPrecision", input.amount_precision.as_ref()),
            unit_price_precision: inp
                .opt_dec("unitPricePrecision", input.unit_price_precision.as_ref()),
            invoice_rounding_precision: inp.opt_dec(
                "invoiceRoundingPrecision",
                input.invoice_rounding_precision.as_ref(),
            ),
            invoice_rounding_mode: input.invoice_rounding_mode.map(Into::into),
        };
        decoded!(inp, CurrencyPayload);
        let res = write(ctx, "", async |t| setup::create_currency(t, cid, i).await).await?;
        Ok(CurrencyPayload::done(res.map(Currency)))
    }

    /// Changes a currency. Admin.
    async fn currency_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CurrencyUpdateInput,
    ) -> Result<CurrencyPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::Currency);
        let p = CurrencyPatch {
            name: input.name,
            amount_precision: inp.opt_dec("amountPrecision", input.amount_precision.as_ref()),
            unit_price_precision: inp
                .opt_dec("unitPricePrecision", input.unit_price_precision.as_ref()),
            invoice_rounding_precision: inp.opt_dec(
                "invoiceRoundingPrecision",
                input.invoice_rounding_precision.as_ref(),
            ),
            invoice_rounding_mode: input.invoice_rounding_mode.map(Into::into),
        };
        decoded!(inp, CurrencyPayload);
        let res = write(ctx, "id", async |t| {
            setup::update_currency(t, cid, id, p).await
        })
        .await?;
        Ok(CurrencyPayload::done(res.map(Currency)))
    }

    /// Adds a tax code. Admin.
    async fn tax_code_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: TaxCodeCreateInput,
    ) -> Result<TaxCodePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let i = NewTaxCode {
            code: input.code,
            name: input.name,
            rate: inp.dec("rate", &input.rate),
        };
        decoded!(inp, TaxCodePayload);
        let res = write(ctx, "", async |t| setup::create_tax_code(t, cid, i).await).await?;
        Ok(TaxCodePayload::done(res.map(TaxCode)))
    }

    /// Changes a tax code. Admin.
    async fn tax_code_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: TaxCodeUpdateInput,
    ) -> Result<TaxCodePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::TaxCode);
        let p = TaxCodePatch {
            name: input.name,
            rate: inp.opt_dec("rate", input.rate.as_ref()),
        };
        decoded!(inp, TaxCodePayload);
        let res = write(ctx, "id", async |t| {
            setup::update_tax_code(t, cid, id, p).await
        })
        .await?;
        Ok(TaxCodePayload::done(res.map(TaxCode)))
    }

    /// Adds payment terms. Admin.
    async fn payment_terms_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PaymentTermsCreateInput,
    ) -> Result<PaymentTermsPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let i = NewPaymentTerms {
            code: input.code,
            description: input.description,
            net_days: input.net_days,
            cash_discount_percent: inp
                .opt_dec("cashDiscountPercent", input.cash_discount_percent.as_ref())
                .unwrap_or(Decimal::ZERO),
            cash_discount_days: input.cash_discount_days,
        };
        decoded!(inp, PaymentTermsPayload);
        let res = write(ctx, "", async |t| {
            setup::create_payment_terms(t, cid, i).await
        })
        .await?;
        Ok(PaymentTermsPayload::done(res.map(PaymentTerms)))
    }

    /// Changes payment terms. Admin.
    async fn payment_terms_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: PaymentTermsUpdateInput,
    ) -> Result<PaymentTermsPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::PaymentTerms);
        let p = PaymentTermsPatch {
            description: input.description,
            net_days: input.net_days,
            cash_discount_percent: inp
                .opt_dec("cashDiscountPercent", input.cash_discount_percent.as_ref()),
            cash_discount_days: input.cash_discount_days,
        };
        decoded!(inp, PaymentTermsPayload);
        let res = write(ctx, "id", async |t| {
            setup::update_payment_terms(t, cid, id, p).await
        })
        .await?;
        Ok(PaymentTermsPayload::done(res.map(PaymentTerms)))
    }

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

    /// Changes a number sequence's format or moves its counter forward. Admin.
    async fn number_sequence_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: NumberSequenceUpdateInput,
    ) -> Result<NumberSequencePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::NumberSequence);
        decoded!(inp, NumberSequencePayload);
        let p = SequencePatch {
            prefix: input.prefix,
            width: input.width,
            next_value: input.next_value.map(i64::from),
        };
        let res = write(ctx, "id", async |t| {
            numbering::update_sequence(t, cid, id, p).await
        })
        .await?;
        Ok(NumberSequencePayload::done(res.map(NumberSequence)))
    }
}
