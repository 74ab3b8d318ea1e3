//! The company and its reference data: currencies, tax codes, payment terms, number sequences.

use super::connection::list_cost;
use super::connection::{CodeListFilter, CodeListSort, code_list};
use super::enums::{self, PricingRule, RoundingMode, TaxMode};
use super::errors::{ErrorCode, Input, internal};
use super::ids::{Kind, encode};
use super::input::mu;
use super::scalars::ts;
use super::scalars::{DateTime, Dec};
use super::{SCHEMA_VERSION, company_id, db, loaders, rc, read, require, write};
use crate::connection;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use mercator_core::auth::Role;
use mercator_core::numbering::{self, SequencePatch, format_number, number_sequence};
use mercator_core::setup::{
    self, CompanyPatch, CurrencyPatch, NewCompany, NewCurrency, NewPaymentTerms, NewTaxCode,
    PaymentTermsPatch, TaxCodePatch, company, currency, payment_terms, tax_code,
};
use rust_decimal::Decimal;

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
    /// How much more than a line's remainder a packing slip may ship, in percent of the line's
    /// quantity.
    async fn over_delivery_percent(&self) -> Dec {
        Dec::of(self.0.over_delivery_percent.value())
    }
    /// A remainder of at most this percent of a line's quantity, left after a packing slip,
    /// closes the line.
    async fn under_delivery_percent(&self) -> Dec {
        Dec::of(self.0.under_delivery_percent.value())
    }
    /// Whether invoice numbers follow posting dates (a posting dated before the last number
    /// of its sequence is refused).
    async fn chronological_numbering(&self) -> bool {
        self.0.chronological_numbering
    }
    /// Whether packing slips ship only what registered picking lists picked.
    async fn picking_required(&self) -> bool {
        self.0.picking_required
    }
    /// VAT identifier printed on invoices as the seller's.
    async fn vat_id(&self) -> Option<&str> {
        self.0.vat_id.as_deref()
    }
    /// Legal registration identifier.
    async fn legal_id(&self) -> Option<&str> {
        self.0.legal_id.as_deref()
    }
    /// Address printed on invoices (null until set).
    async fn address(&self) -> Option<CompanyAddress> {
        self.0.country_code.as_ref().map(|c| CompanyAddress {
            street: self.0.street.clone(),
            city: self.0.city.clone(),
            postal_code: self.0.postal_code.clone(),
            country_code: c.clone(),
        })
    }
    /// General-ledger accounts invoices post to.
    async fn posting_accounts(&self) -> PostingAccounts {
        PostingAccounts {
            receivable: self.0.receivable_account.clone(),
            revenue: self.0.revenue_account.clone(),
            invoice_discount: self.0.invoice_discount_account.clone(),
            tax: self.0.tax_account.clone(),
            rounding: self.0.rounding_account.clone(),
            cash: self.0.cash_account.clone(),
            cash_discount: self.0.cash_discount_account.clone(),
            write_off: self.0.write_off_account.clone(),
        }
    }
    /// Largest residual a payment may leave and still close an entry (written off to
    /// `postingAccounts.writeOff`), in the base currency; 0 for none.
    async fn payment_tolerance_amount(&self) -> Dec {
        Dec::of(self.0.payment_tolerance_amount.value())
    }
    /// Payment tolerance in percent of an entry's original amount (capped by
    /// `paymentToleranceAmount` when both are set); 0 for none.
    async fn payment_tolerance_percent(&self) -> Dec {
        Dec::of(self.0.payment_tolerance_percent.value())
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

pub(crate) async fn currency_of(ctx: &Context<'_>, id: i64) -> Result<Currency> {
    loaders(ctx)?
        .currency
        .load_one(id)
        .await
        .map_err(internal)?
        .map(Currency)
        .ok_or_else(|| internal("currency missing"))
}

pub(crate) async fn terms_of(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<PaymentTerms>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?
        .payment_terms
        .load_one(id)
        .await
        .map_err(internal)?
        .map(PaymentTerms))
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

connection!(CurrencyConnection, CurrencyEdge, Currency, "currencies");

connection!(TaxCodeConnection, TaxCodeEdge, TaxCode, "tax codes");

connection!(
    PaymentTermsConnection,
    PaymentTermsEdge,
    PaymentTerms,
    "payment terms"
);

/// Queries of the company and its reference data.
#[derive(Default)]
pub struct SetupQuery;

/// Queries of the company and its reference data.
#[Object]
impl SetupQuery {
    /// Version of this schema; changes when clients could notice.
    async fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    /// The company this request acts in.
    async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
        company_id(ctx)?;
        let r = rc(ctx)?;
        r.company
            .clone()
            .map(Company)
            .ok_or_else(|| ErrorCode::CompanyNotAllowed.error("no company chosen"))
    }

    /// Currencies of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn currencies(
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
    ) -> Result<CurrencyConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::CURRENCIES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(CurrencyConnection::from_page(page, total, Currency))
    }

    /// Tax codes of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn tax_codes(
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
    ) -> Result<TaxCodeConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::TAX_CODES,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(TaxCodeConnection::from_page(page, total, TaxCode))
    }

    /// Payment terms of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter and a sort"
    )]
    async fn payment_terms(
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
    ) -> Result<PaymentTermsConnection> {
        let (page, total) = code_list(
            ctx,
            &setup::PAYMENT_TERMS,
            after,
            before,
            first,
            last,
            filter,
            sort,
        )
        .await?;
        Ok(PaymentTermsConnection::from_page(page, total, PaymentTerms))
    }

    /// Number sequences of the company, one per document kind.
    async fn number_sequences(&self, ctx: &Context<'_>) -> Result<Vec<NumberSequence>> {
        let cid = company_id(ctx)?;
        Ok(read(numbering::list_sequences(&db(ctx)?.conn, cid).await)
            .await?
            .into_iter()
            .map(NumberSequence)
            .collect())
    }
}

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
    NumberSequencePayload,
    number_sequence,
    NumberSequence,
    "Result of a number sequence mutation.",
    "The sequence, when the mutation succeeded."
);

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
    /// How much more than a line's remainder a packing slip may ship, in percent of the line's
    /// quantity (0 to 100).
    pub over_delivery_percent: Option<Dec>,
    /// A remainder of at most this percent of a line's quantity, left after a packing slip,
    /// closes the line (0 to 100).
    pub under_delivery_percent: Option<Dec>,
    /// Invoice numbers follow posting dates: a posting dated before the last number of its
    /// sequence is refused (`NOT_CHRONOLOGICAL`).
    pub chronological_numbering: Option<bool>,
    /// Packing slips (and order invoices) ship only what registered picking lists picked and
    /// was not shipped yet (`NOT_PICKED`).
    pub picking_required: Option<bool>,
    /// General-ledger account of receivables.
    pub receivable_account: Option<String>,
    /// Revenue account of item lines.
    pub revenue_account: Option<String>,
    /// Account the invoice discount is debited to.
    pub invoice_discount_account: Option<String>,
    /// Tax payable account.
    pub tax_account: Option<String>,
    /// Account of invoice rounding differences.
    pub rounding_account: Option<String>,
    /// Cash or bank account payments are debited to.
    pub cash_account: Option<String>,
    /// Account cash discounts taken by payments are debited to.
    pub cash_discount_account: Option<String>,
    /// Account residuals within the payment tolerance are written off to.
    pub write_off_account: Option<String>,
    /// Largest residual a payment may leave and still close an entry, in the base currency
    /// (0 for none).
    pub payment_tolerance_amount: Option<Dec>,
    /// Payment tolerance in percent of an entry's original amount (0 to 100; capped by the
    /// amount when both are set).
    pub payment_tolerance_percent: Option<Dec>,
    /// The company's VAT identifier, printed on invoices as the seller's (null clears it).
    #[graphql(default)]
    pub vat_id: MaybeUndefined<String>,
    /// Legal registration identifier (null clears it).
    #[graphql(default)]
    pub legal_id: MaybeUndefined<String>,
    /// The company's address on invoices.
    pub address: Option<CompanyAddressInput>,
}

/// The company's address printed on invoices; every field is replaced.
#[derive(InputObject)]
pub struct CompanyAddressInput {
    /// Street and number.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
}

/// A company's address on invoices.
#[derive(async_graphql::SimpleObject)]
pub struct CompanyAddress {
    /// Street and number.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
}

/// The general-ledger accounts an invoice posts to.
#[derive(async_graphql::SimpleObject)]
pub struct PostingAccounts {
    /// Receivables (debited with an invoice's total).
    pub receivable: String,
    /// Revenue of item lines.
    pub revenue: String,
    /// Invoice discount (debited).
    pub invoice_discount: String,
    /// Tax payable (credited per tax code).
    pub tax: String,
    /// Invoice rounding and currency conversion differences.
    pub rounding: String,
    /// Cash or bank (debited with a payment received).
    pub cash: String,
    /// Cash discount taken by payments (debited).
    pub cash_discount: String,
    /// Residuals written off within the payment tolerance (debited).
    pub write_off: String,
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

/// Mutations of the company and its reference data.
#[derive(Default)]
pub struct SetupMutation;

/// Mutations of the company and its reference data.
#[Object]
impl SetupMutation {
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
        let mut inp = Input::default();
        let over = input
            .over_delivery_percent
            .as_ref()
            .map(|d| inp.dec("overDeliveryPercent", d));
        let under = input
            .under_delivery_percent
            .as_ref()
            .map(|d| inp.dec("underDeliveryPercent", d));
        let tolerance_amount = input
            .payment_tolerance_amount
            .as_ref()
            .map(|d| inp.dec("paymentToleranceAmount", d));
        let tolerance_percent = input
            .payment_tolerance_percent
            .as_ref()
            .map(|d| inp.dec("paymentTolerancePercent", d));
        decoded!(inp, CompanyPayload);
        let res = write(ctx, "", async |t| {
            setup::update_company(
                t,
                cid,
                CompanyPatch {
                    name: input.name,
                    pricing_rule: input.pricing_rule.map(Into::into),
                    tax_mode: input.tax_mode.map(Into::into),
                    default_tax_group: mu(input.default_tax_group),
                    over_delivery_percent: over,
                    under_delivery_percent: under,
                    chronological_numbering: input.chronological_numbering,
                    picking_required: input.picking_required,
                    seller: setup::SellerPatch {
                        vat_id: mu(input.vat_id),
                        legal_id: mu(input.legal_id),
                        street: input.address.as_ref().map(|a| a.street.clone()),
                        city: input.address.as_ref().map(|a| a.city.clone()),
                        postal_code: input.address.as_ref().map(|a| a.postal_code.clone()),
                        country_code: input.address.as_ref().map(|a| a.country_code.clone()),
                    },
                    accounts: setup::PostingAccounts {
                        receivable: input.receivable_account,
                        revenue: input.revenue_account,
                        invoice_discount: input.invoice_discount_account,
                        tax: input.tax_account,
                        rounding: input.rounding_account,
                        cash: input.cash_account,
                        cash_discount: input.cash_discount_account,
                        write_off: input.write_off_account,
                    },
                    payment_tolerance_amount: tolerance_amount,
                    payment_tolerance_percent: tolerance_percent,
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
