//! Setup: companies (legal entities), their currencies, tax codes and payment terms.
//!
//! Owns: creating a company with its base currency and default number sequences in one
//! transaction; the ISO precision defaults of well-known currencies.
//! Must never: let a company's base currency be archived.

mod entities;
pub use entities::{company, currency, exchange_rate, payment_terms, tax_code, tax_setup};

pub use crate::codes::{CodeFilter, CodeTable, code_filter};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::{Rate, RoundingMode};
use crate::numbering;
use crate::validate;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

/// How invoice totals are rounded, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RoundingModeDb {
    /// Half away from zero.
    #[sea_orm(string_value = "nearest")]
    Nearest,
    /// Away from zero.
    #[sea_orm(string_value = "up")]
    Up,
    /// Towards zero.
    #[sea_orm(string_value = "down")]
    Down,
}
crate::enum_cell!(RoundingModeDb);

impl From<RoundingModeDb> for RoundingMode {
    fn from(m: RoundingModeDb) -> Self {
        match m {
            RoundingModeDb::Nearest => RoundingMode::Nearest,
            RoundingModeDb::Up => RoundingMode::Up,
            RoundingModeDb::Down => RoundingMode::Down,
        }
    }
}
impl From<RoundingMode> for RoundingModeDb {
    fn from(m: RoundingMode) -> Self {
        match m {
            RoundingMode::Nearest => RoundingModeDb::Nearest,
            RoundingMode::Up => RoundingModeDb::Up,
            RoundingMode::Down => RoundingModeDb::Down,
        }
    }
}

/// Precision defaults of a currency: (name, amount step, unit price step, invoice rounding step).
pub fn iso_defaults(code: &str) -> (&'static str, Decimal, Decimal, Decimal) {
    let cent = Decimal::new(1, 2);
    let unit = Decimal::new(1, 5);
    match code {
        "USD" => ("US Dollar", cent, unit, cent),
        "EUR" => ("Euro", cent, unit, cent),
        "GBP" => ("Pound Sterling", cent, unit, cent),
        "CHF" => ("Swiss Franc", cent, unit, Decimal::new(5, 2)),
        "JPY" => ("Yen", Decimal::ONE, Decimal::new(1, 2), Decimal::ONE),
        "SEK" => ("Swedish Krona", cent, unit, cent),
        "DKK" => ("Danish Krone", cent, unit, cent),
        "NOK" => ("Norwegian Krone", cent, unit, cent),
        "CAD" => ("Canadian Dollar", cent, unit, cent),
        "AUD" => ("Australian Dollar", cent, unit, cent),
        "CNY" => ("Yuan Renminbi", cent, unit, cent),
        "INR" => ("Indian Rupee", cent, unit, cent),
        _ => ("", cent, unit, cent),
    }
}

// ---------------------------------------------------------------- companies

/// Input of [`create_company`].
#[derive(Debug, Clone)]
pub struct NewCompany {
    /// Unique code, e.g. `DEMO`.
    pub code: String,
    /// Legal name.
    pub name: String,
    /// ISO code of the base (accounting) currency.
    pub base_currency: String,
}

/// Creates a company with its base currency and default number sequences.
pub async fn create_company(
    db: &impl ConnectionTrait,
    input: NewCompany,
) -> ServiceResult<company::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &input.code));
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    let cur = v.check(validate::currency_code(
        "baseCurrency",
        &input.base_currency,
    ));
    if let Some(code) = &code
        && company::Entity::find()
            .filter(company::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("company {code} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name), Some(cur)) = (code, name, cur) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    let company = company::ActiveModel {
        code: Set(code),
        name: Set(name),
        base_currency_code: Set(cur.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let (cname, amount, unit, inv) = iso_defaults(&cur);
    create_currency(
        db,
        company.id,
        NewCurrency {
            code: cur.clone(),
            name: if cname.is_empty() {
                cur.clone()
            } else {
                cname.to_owned()
            },
            amount_precision: Some(amount),
            unit_price_precision: Some(unit),
            invoice_rounding_precision: Some(inv),
            invoice_rounding_mode: Some(RoundingMode::Nearest),
        },
    )
    .await?;
    numbering::create_defaults(db, company.id).await?;
    Ok(company)
}

/// Input of [`update_company`]: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct CompanyPatch {
    /// New legal name.
    pub name: Option<String>,
    /// How prices and line discounts are resolved.
    pub pricing_rule: Option<PricingRule>,
    /// How sales tax is computed.
    pub tax_mode: Option<crate::tax::TaxMode>,
    /// The customer tax group of documents whose customer has none (`Some(None)` clears it).
    pub default_tax_group: Option<Option<String>>,
    /// Over-delivery tolerance in percent (0 to 100).
    pub over_delivery_percent: Option<rust_decimal::Decimal>,
    /// Under-delivery tolerance in percent (0 to 100).
    pub under_delivery_percent: Option<rust_decimal::Decimal>,
    /// Whether invoice numbers must follow posting dates.
    pub chronological_numbering: Option<bool>,
    /// Whether packing slips ship only what was picked.
    pub picking_required: Option<bool>,
    /// General-ledger accounts of invoice postings.
    pub accounts: PostingAccounts,
    /// The seller's identity on invoices.
    pub seller: SellerPatch,
    /// Largest residual a payment may leave and still close an entry, in the base currency.
    pub payment_tolerance_amount: Option<rust_decimal::Decimal>,
    /// Payment tolerance in percent of an entry's original amount (0 to 100).
    pub payment_tolerance_percent: Option<rust_decimal::Decimal>,
}

/// The seller's identity printed on invoices (each field: absent leaves it, `Some(None)`
/// clears it).
#[derive(Debug, Clone, Default)]
pub struct SellerPatch {
    /// VAT identifier, e.g. `DE123456789`.
    pub vat_id: Option<Option<String>>,
    /// Legal registration identifier.
    pub legal_id: Option<Option<String>>,
    /// Street and number.
    pub street: Option<Option<String>>,
    /// City.
    pub city: Option<Option<String>>,
    /// Postal code.
    pub postal_code: Option<Option<String>>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<Option<String>>,
}

/// The general-ledger accounts an invoice posts to (each optional in a patch).
#[derive(Debug, Clone, Default)]
pub struct PostingAccounts {
    /// Receivables.
    pub receivable: Option<String>,
    /// Revenue of item lines.
    pub revenue: Option<String>,
    /// Invoice discount.
    pub invoice_discount: Option<String>,
    /// Tax payable.
    pub tax: Option<String>,
    /// Invoice rounding.
    pub rounding: Option<String>,
    /// Cash or bank account payments are debited to.
    pub cash: Option<String>,
    /// Cash discount taken by payments.
    pub cash_discount: Option<String>,
    /// Residuals written off within the payment tolerance.
    pub write_off: Option<String>,
}

/// How a company resolves prices and line discounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PricingRule {
    /// D365 trade agreements: combinations in priority order with Find next; lowest price
    /// among those found; discounts added.
    #[default]
    #[sea_orm(string_value = "trade_agreements")]
    TradeAgreements,
    /// BC best price: the lowest permissible price and the highest single line discount.
    #[sea_orm(string_value = "best_price")]
    BestPrice,
}

/// Changes a company's name. The code and base currency are fixed once documents exist.
pub async fn update_company(
    db: &impl ConnectionTrait,
    id: i64,
    patch: CompanyPatch,
) -> ServiceResult<company::Model> {
    let Some(row) = crate::db::locking(db, company::Entity::find_by_id(id))
        .one(db)
        .await?
    else {
        return Err(ServiceError::NotFound("company"));
    };
    let mut v = Violations::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let default_group = match &patch.default_tax_group {
        Some(g) => {
            let g = v.check(validate::opt_code("defaultTaxGroup", g.as_deref()));
            if let Some(g) = &g {
                v.check(check_customer_tax_group(db, id, "defaultTaxGroup", g.as_deref()).await?);
            }
            g
        }
        None => None,
    };
    let over = patch
        .over_delivery_percent
        .and_then(|p| v.check(validate::percent("overDeliveryPercent", p)));
    let under = patch
        .under_delivery_percent
        .and_then(|p| v.check(validate::percent("underDeliveryPercent", p)));
    let a = &patch.accounts;
    let mut account = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .and_then(|x| v.check(validate::code(field, x)))
    };
    let receivable = account("accounts.receivable", &a.receivable);
    let revenue = account("accounts.revenue", &a.revenue);
    let discount = account("accounts.invoiceDiscount", &a.invoice_discount);
    let tax = account("accounts.tax", &a.tax);
    let rounding = account("accounts.rounding", &a.rounding);
    let cash = account("accounts.cash", &a.cash);
    let cash_discount = account("accounts.cashDiscount", &a.cash_discount);
    let write_off = account("accounts.writeOff", &a.write_off);
    let sp = &patch.seller;
    let mut text = |field: &str, value: &Option<Option<String>>, max: usize| {
        value.as_ref().map(|x| {
            v.check(validate::opt_text(field, x.as_deref(), max))
                .flatten()
        })
    };
    let vat_id = text("vatId", &sp.vat_id, 40);
    let legal_id = text("legalId", &sp.legal_id, 40);
    let street = text("address.street", &sp.street, 200);
    let city = text("address.city", &sp.city, 100);
    let postal_code = text("address.postalCode", &sp.postal_code, 20);
    let country_code = match &sp.country_code {
        Some(Some(c)) => Some(v.check(validate::country_code("address.countryCode", c))),
        Some(None) => Some(None),
        None => None,
    };
    let tolerance_amount = patch.payment_tolerance_amount.and_then(|x| {
        if x < rust_decimal::Decimal::ZERO {
            v.push(crate::error::Violation::new(
                "paymentToleranceAmount",
                crate::error::Rule::Negative,
                "the payment tolerance is zero or more",
            ));
            return None;
        }
        v.check(crate::money::Amount::new(x).map_err(|_| {
            crate::error::Violation::new(
                "paymentToleranceAmount",
                crate::error::Rule::PrecisionExceeded,
                "amount has too many decimals or is too large",
            )
        }))
    });
    let tolerance_percent = patch
        .payment_tolerance_percent
        .and_then(|p| v.check(validate::percent("paymentTolerancePercent", p)));
    v.finish()?;
    let mut am: company::ActiveModel = row.into();
    if let Some(x) = tolerance_amount {
        am.payment_tolerance_amount = Set(x);
    }
    if let Some(p) = tolerance_percent {
        am.payment_tolerance_percent = Set(p);
    }
    for (slot, value) in [
        (&mut am.receivable_account, receivable),
        (&mut am.revenue_account, revenue),
        (&mut am.invoice_discount_account, discount),
        (&mut am.tax_account, tax),
        (&mut am.rounding_account, rounding),
        (&mut am.cash_account, cash),
        (&mut am.cash_discount_account, cash_discount),
        (&mut am.write_off_account, write_off),
    ] {
        if let Some(x) = value {
            *slot = Set(x);
        }
    }
    if let Some(c) = patch.chronological_numbering {
        am.chronological_numbering = Set(c);
    }
    if let Some(p) = patch.picking_required {
        am.picking_required = Set(p);
    }
    for (slot, value) in [
        (&mut am.vat_id, vat_id),
        (&mut am.legal_id, legal_id),
        (&mut am.street, street),
        (&mut am.city, city),
        (&mut am.postal_code, postal_code),
        (&mut am.country_code, country_code),
    ] {
        if let Some(x) = value {
            *slot = Set(x);
        }
    }
    if let Some(p) = over {
        am.over_delivery_percent = Set(p);
    }
    if let Some(p) = under {
        am.under_delivery_percent = Set(p);
    }
    if let Some(g) = default_group {
        am.default_tax_group = Set(g);
    }
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(r) = patch.pricing_rule {
        am.pricing_rule = Set(r);
    }
    if let Some(m) = patch.tax_mode {
        am.tax_mode = Set(m);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Locks the company row until the transaction ends ([`crate::db::locking`]): the
/// company-wide settings that are "set" (insert or replace by a key: tax setup, invoice
/// discount terms, approvers) take it first, so two at once replace instead of both
/// inserting.
pub async fn lock_company(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<company::Model> {
    crate::db::locking(db, company::Entity::find_by_id(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))
}

/// True when the company has a tax setup for documents of customers in `group` (a customer
/// tax group is known once `taxSetupSet` named it).
pub async fn known_customer_tax_group(
    db: &impl ConnectionTrait,
    company_id: i64,
    group: &str,
) -> ServiceResult<bool> {
    Ok(tax_setup::Entity::find()
        .filter(tax_setup::Column::CompanyId.eq(company_id))
        .filter(tax_setup::Column::CustomerTaxGroup.eq(group))
        .one(db)
        .await?
        .is_some())
}

/// Checks a customer tax group being set on a customer, a quotation or as the company
/// default: it must have a tax setup, or every document with it would fail (or be untaxed).
pub async fn check_customer_tax_group(
    db: &impl ConnectionTrait,
    company_id: i64,
    field: &str,
    group: Option<&str>,
) -> ServiceResult<Result<(), Violation>> {
    let Some(g) = group else {
        return Ok(Ok(()));
    };
    Ok(if known_customer_tax_group(db, company_id, g).await? {
        Ok(())
    } else {
        Err(Violation::new(
            field,
            Rule::NotFound,
            format!("customer tax group {g} has no tax setup; set one with taxSetupSet first"),
        ))
    })
}

/// Checks an item tax group being set on an item: it must have a tax setup (with some
/// customer tax group), or every document line of the item would fail.
pub async fn check_item_tax_group(
    db: &impl ConnectionTrait,
    company_id: i64,
    field: &str,
    group: Option<&str>,
) -> ServiceResult<Result<(), Violation>> {
    let Some(g) = group else {
        return Ok(Ok(()));
    };
    let known = tax_setup::Entity::find()
        .filter(tax_setup::Column::CompanyId.eq(company_id))
        .filter(tax_setup::Column::ItemTaxGroup.eq(g))
        .one(db)
        .await?
        .is_some();
    Ok(if known {
        Ok(())
    } else {
        Err(Violation::new(
            field,
            Rule::NotFound,
            format!("item tax group {g} has no tax setup; set one with taxSetupSet first"),
        ))
    })
}

/// The customer tax group of a document: the customer's (or the one given), else the
/// company's default. When neither is set and the company has any tax setup, the document is
/// refused (`TAX_GROUP_REQUIRED` on `field`) rather than left silently untaxed; a company with
/// no tax setup at all taxes nothing.
pub async fn document_tax_group(
    db: &impl ConnectionTrait,
    company: &company::Model,
    given: Option<&str>,
    field: &str,
) -> ServiceResult<Option<String>> {
    if let Some(g) = given.or(company.default_tax_group.as_deref()) {
        return Ok(Some(g.to_owned()));
    }
    let taxed = tax_setup::Entity::find()
        .filter(tax_setup::Column::CompanyId.eq(company.id))
        .one(db)
        .await?
        .is_some();
    if taxed {
        return Err(Violation::new(
            field,
            Rule::TaxGroupRequired,
            "the customer has no tax group and the company no default tax group: set one \
             (customerUpdate taxGroup, or companyUpdate defaultTaxGroup)",
        )
        .into());
    }
    Ok(None)
}

/// Finds a company by code.
pub async fn company_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<Option<company::Model>> {
    Ok(company::Entity::find()
        .filter(company::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Lists companies, optionally only those with the given ids.
pub async fn list_companies(
    db: &impl ConnectionTrait,
    only: Option<&[i64]>,
) -> ServiceResult<Vec<company::Model>> {
    let mut q = company::Entity::find().order_by_asc(company::Column::Code);
    if let Some(ids) = only {
        q = q.filter(company::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.all(db).await?)
}

// ---------------------------------------------------------------- currencies

/// The currencies of a company, by ISO code.
pub const CURRENCIES: CodeTable<currency::Entity> = CodeTable {
    company: currency::Column::CompanyId,
    id: currency::Column::Id,
    code: currency::Column::Code,
    name: currency::Column::Name,
    archived_at: currency::Column::ArchivedAt,
    noun: "currency",
};

/// Input of [`create_currency`]; missing precisions come from the ISO defaults.
#[derive(Debug, Clone)]
pub struct NewCurrency {
    /// ISO 4217 code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Amount rounding step, e.g. 0.01 (JPY: 1).
    pub amount_precision: Option<Decimal>,
    /// Unit price rounding step, e.g. 0.00001.
    pub unit_price_precision: Option<Decimal>,
    /// Invoice total rounding step, e.g. 0.05 for CHF.
    pub invoice_rounding_precision: Option<Decimal>,
    /// Invoice total rounding direction.
    pub invoice_rounding_mode: Option<RoundingMode>,
}

/// Checks a currency's three precisions together: amounts to a power of ten that amount
/// storage keeps (4 places), unit prices to one that price storage keeps (6 places), and the
/// invoice rounding step a multiple of the amount precision (0.05 for CHF, 1 for SEK). Each
/// argument is the new value, or the current one for an unchanged field (`None` in `given`).
fn check_precisions(
    v: &mut Violations,
    amount: Decimal,
    unit_price: Decimal,
    invoice: Decimal,
    given: [bool; 3],
) -> (Option<Rate>, Option<Rate>, Option<Rate>) {
    let a = v.check(validate::power_of_ten("amountPrecision", amount, 4));
    let u = v.check(validate::power_of_ten("unitPricePrecision", unit_price, 6));
    let mut i = v.check(validate::step("invoiceRoundingPrecision", invoice));
    if let (Some(a), Some(_)) = (a, i)
        && !(invoice % a.value()).is_zero()
    {
        v.push(Violation::new(
            if given[2] {
                "invoiceRoundingPrecision"
            } else {
                "amountPrecision"
            },
            Rule::InvalidValue,
            format!(
                "invoiceRoundingPrecision {} must be a multiple of amountPrecision {}",
                invoice.normalize(),
                amount.normalize()
            ),
        ));
        i = None;
    }
    (
        a.filter(|_| given[0]),
        u.filter(|_| given[1]),
        i.filter(|_| given[2]),
    )
}

/// Adds a currency to a company.
pub async fn create_currency(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewCurrency,
) -> ServiceResult<currency::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::currency_code("code", &input.code));
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    let (_, da, du, di) = iso_defaults(&input.code);
    let (a, u, i) = check_precisions(
        &mut v,
        input.amount_precision.unwrap_or(da),
        input.unit_price_precision.unwrap_or(du),
        input.invoice_rounding_precision.unwrap_or(di),
        [true; 3],
    );
    if let Some(code) = &code
        && currency_by_code(db, company_id, code).await?.is_some()
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("currency {code} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name), Some(a), Some(u), Some(i)) = (code, name, a, u, i) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(currency::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        name: Set(name),
        amount_precision: Set(a),
        unit_price_precision: Set(u),
        invoice_rounding_precision: Set(i),
        invoice_rounding_mode: Set(input
            .invoice_rounding_mode
            .unwrap_or(RoundingMode::Nearest)
            .into()),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`update_currency`]: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct CurrencyPatch {
    /// Display name.
    pub name: Option<String>,
    /// Amount rounding step.
    pub amount_precision: Option<Decimal>,
    /// Unit price rounding step.
    pub unit_price_precision: Option<Decimal>,
    /// Invoice total rounding step.
    pub invoice_rounding_precision: Option<Decimal>,
    /// Invoice total rounding direction.
    pub invoice_rounding_mode: Option<RoundingMode>,
}

/// Changes a currency's name or precisions.
pub async fn update_currency(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: CurrencyPatch,
) -> ServiceResult<currency::Model> {
    let row = crate::db::locking(
        db,
        currency::Entity::find_by_id(id).filter(currency::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("currency"))?;
    let mut v = Violations::new();
    let name = p
        .name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let (a, u, i) = check_precisions(
        &mut v,
        p.amount_precision.unwrap_or(row.amount_precision.value()),
        p.unit_price_precision
            .unwrap_or(row.unit_price_precision.value()),
        p.invoice_rounding_precision
            .unwrap_or(row.invoice_rounding_precision.value()),
        [
            p.amount_precision.is_some(),
            p.unit_price_precision.is_some(),
            p.invoice_rounding_precision.is_some(),
        ],
    );
    // A coarser step would leave stored amounts finer than their currency.
    let coarser = |new: Option<Decimal>, old: Decimal| new.is_some_and(|n| n > old);
    let coarser_amount = coarser(p.amount_precision, row.amount_precision.value());
    let coarser_price = coarser(p.unit_price_precision, row.unit_price_precision.value());
    if (coarser_amount || coarser_price) && currency_in_use(db, company_id, row.id).await? {
        let field = if coarser_amount {
            "amountPrecision"
        } else {
            "unitPricePrecision"
        };
        v.push(Violation::new(
            field,
            Rule::InvalidValue,
            format!(
                "{} is used by stored amounts (customers, documents, agreements): its precisions can only get finer",
                row.code
            ),
        ));
    }
    v.finish()?;
    let mut am: currency::ActiveModel = row.into();
    if let Some(x) = name {
        am.name = Set(x);
    }
    if let Some(x) = a {
        am.amount_precision = Set(x);
    }
    if let Some(x) = u {
        am.unit_price_precision = Set(x);
    }
    if let Some(x) = i {
        am.invoice_rounding_precision = Set(x);
    }
    if let Some(x) = p.invoice_rounding_mode {
        am.invoice_rounding_mode = Set(x.into());
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// The tables whose rows hold amounts in a currency of theirs.
const CURRENCY_USERS: [&str; 9] = [
    "customers",
    "vendors",
    "leads",
    "opportunities",
    "customer_ledger_entries",
    "trade_agreements",
    "sales_orders",
    "sales_quotations",
    "invoice_discount_terms",
];

/// True if any row of the company states an amount in the currency.
async fn currency_in_use(
    db: &impl ConnectionTrait,
    company_id: i64,
    currency_id: i64,
) -> ServiceResult<bool> {
    // Integers from the database, not input: written into the text on both engines.
    let sql = CURRENCY_USERS
        .iter()
        .map(|t| {
            format!(
                "SELECT 1 AS x FROM {t} WHERE company_id = {company_id} AND currency_id = {currency_id}"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT EXISTS ({sql}) AS used"),
        ))
        .await?;
    Ok(row
        .and_then(|r| r.try_get::<bool>("", "used").ok())
        .unwrap_or(true))
}

/// One currency of the company.
pub async fn get_currency(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<currency::Model> {
    CURRENCIES.get(db, company_id, id).await
}

/// A currency of the company by ISO code.
pub async fn currency_by_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
) -> ServiceResult<Option<currency::Model>> {
    Ok(currency::Entity::find()
        .filter(currency::Column::CompanyId.eq(company_id))
        .filter(currency::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Refuses to archive the company's base currency.
pub async fn check_archivable_currency(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<()> {
    let cur = get_currency(db, company_id, id).await?;
    let Some(company) = company::Entity::find_by_id(company_id).one(db).await? else {
        return Err(ServiceError::NotFound("company"));
    };
    if company.base_currency_code == cur.code {
        return Err(Violation::new(
            "id",
            Rule::InvalidValue,
            "the base currency of the company cannot be archived",
        )
        .into());
    }
    Ok(())
}

// ---------------------------------------------------------------- tax codes

/// The tax codes of a company.
pub const TAX_CODES: CodeTable<tax_code::Entity> = CodeTable {
    company: tax_code::Column::CompanyId,
    id: tax_code::Column::Id,
    code: tax_code::Column::Code,
    name: tax_code::Column::Name,
    archived_at: tax_code::Column::ArchivedAt,
    noun: "tax code",
};

/// Input of [`create_tax_code`].
#[derive(Debug, Clone)]
pub struct NewTaxCode {
    /// Code, e.g. `STD`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Rate in percent, e.g. 10.
    pub rate: Decimal,
}

/// Adds a tax code.
pub async fn create_tax_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewTaxCode,
) -> ServiceResult<tax_code::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &input.code));
    let name = v.check(validate::name("name", &input.name, validate::MAX_NAME));
    let rate = v.check(validate::percent("rate", input.rate));
    if let Some(code) = &code
        && TAX_CODES.taken(db, company_id, code).await?
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("tax code {code} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name), Some(rate)) = (code, name, rate) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(tax_code::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        name: Set(name),
        rate: Set(rate),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`update_tax_code`].
#[derive(Debug, Clone, Default)]
pub struct TaxCodePatch {
    /// Name.
    pub name: Option<String>,
    /// Rate in percent.
    pub rate: Option<Decimal>,
}

/// Changes a tax code.
pub async fn update_tax_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: TaxCodePatch,
) -> ServiceResult<tax_code::Model> {
    let row = TAX_CODES.lock(db, company_id, id).await?;
    let mut v = Violations::new();
    let name = p
        .name
        .as_deref()
        .and_then(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let rate = p.rate.and_then(|r| v.check(validate::percent("rate", r)));
    v.finish()?;
    let mut am: tax_code::ActiveModel = row.into();
    if let Some(x) = name {
        am.name = Set(x);
    }
    if let Some(x) = rate {
        am.rate = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

// ---------------------------------------------------------------- payment terms

/// The payment terms of a company.
pub const PAYMENT_TERMS: CodeTable<payment_terms::Entity> = CodeTable {
    company: payment_terms::Column::CompanyId,
    id: payment_terms::Column::Id,
    code: payment_terms::Column::Code,
    name: payment_terms::Column::Description,
    archived_at: payment_terms::Column::ArchivedAt,
    noun: "payment terms",
};

/// Input of [`create_payment_terms`].
#[derive(Debug, Clone)]
pub struct NewPaymentTerms {
    /// Code, e.g. `NET30`.
    pub code: String,
    /// Description.
    pub description: String,
    /// Days until the invoice is due.
    pub net_days: i32,
    /// Cash discount in percent for early payment.
    pub cash_discount_percent: Decimal,
    /// Days within which the cash discount applies.
    pub cash_discount_days: i32,
}

fn check_terms(
    v: &mut Violations,
    net: i32,
    pct: Decimal,
    days: i32,
) -> (Option<i32>, Option<Rate>, Option<i32>) {
    let net = v.check(validate::days("netDays", net));
    let pct = v.check(validate::percent("cashDiscountPercent", pct));
    let d = v.check(validate::days("cashDiscountDays", days));
    if let (Some(n), Some(d)) = (net, d)
        && d > n
    {
        v.push(Violation::new(
            "cashDiscountDays",
            Rule::InvalidValue,
            "cashDiscountDays must not exceed netDays",
        ));
    }
    (net, pct, d)
}

/// Adds payment terms.
pub async fn create_payment_terms(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewPaymentTerms,
) -> ServiceResult<payment_terms::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &input.code));
    let desc = v.check(validate::name(
        "description",
        &input.description,
        validate::MAX_NAME,
    ));
    let (net, pct, days) = check_terms(
        &mut v,
        input.net_days,
        input.cash_discount_percent,
        input.cash_discount_days,
    );
    if let Some(code) = &code
        && PAYMENT_TERMS.taken(db, company_id, code).await?
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("payment terms {code} already exist"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(desc), Some(net), Some(pct), Some(days)) = (code, desc, net, pct, days)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(payment_terms::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        description: Set(desc),
        net_days: Set(net),
        cash_discount_percent: Set(pct),
        cash_discount_days: Set(days),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`update_payment_terms`].
#[derive(Debug, Clone, Default)]
pub struct PaymentTermsPatch {
    /// Description.
    pub description: Option<String>,
    /// Net days.
    pub net_days: Option<i32>,
    /// Cash discount percent.
    pub cash_discount_percent: Option<Decimal>,
    /// Cash discount days.
    pub cash_discount_days: Option<i32>,
}

/// Changes payment terms.
pub async fn update_payment_terms(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: PaymentTermsPatch,
) -> ServiceResult<payment_terms::Model> {
    let row = PAYMENT_TERMS.lock(db, company_id, id).await?;
    let mut v = Violations::new();
    let desc = p
        .description
        .as_deref()
        .and_then(|n| v.check(validate::name("description", n, validate::MAX_NAME)));
    let (net, pct, days) = check_terms(
        &mut v,
        p.net_days.unwrap_or(row.net_days),
        p.cash_discount_percent
            .unwrap_or(row.cash_discount_percent.value()),
        p.cash_discount_days.unwrap_or(row.cash_discount_days),
    );
    v.finish()?;
    let mut am: payment_terms::ActiveModel = row.into();
    if let Some(x) = desc {
        am.description = Set(x);
    }
    if let (Some(n), Some(pc), Some(d)) = (net, pct, days) {
        am.net_days = Set(n);
        am.cash_discount_percent = Set(pc);
        am.cash_discount_days = Set(d);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// The company's base currency (budgets, costs, interaction costs, approval limits).
pub async fn base_currency(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<currency::Model> {
    let c = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    currency_by_code(db, company_id, &c.base_currency_code)
        .await?
        .ok_or(ServiceError::NotFound("base currency"))
}

/// The base currency of `company` for a document in `currency`: `currency` itself when it is
/// the base one, else read.
pub async fn base_of(
    db: &impl ConnectionTrait,
    company: &company::Model,
    currency: &currency::Model,
) -> ServiceResult<currency::Model> {
    if currency.code == company.base_currency_code {
        return Ok(currency.clone());
    }
    currency_by_code(db, company.id, &company.base_currency_code)
        .await?
        .ok_or(ServiceError::NotFound("base currency"))
}

// The SQLite read path decodes this model field by field (core/src/reads.rs, `FastModel`):
// the list names every field (a struct literal: the compiler refuses a missing one).
crate::fast_row!(currency::Model {
    id,
    company_id,
    code,
    name,
    amount_precision,
    unit_price_precision,
    invoice_rounding_precision,
    invoice_rounding_mode,
    created_at,
    updated_at,
    archived_at,
});
crate::fast_model!(currency::Model);

/// Sets a currency's exchange rate from a date (replacing the rate of that date, if any): how
/// many units of the company's base currency one unit of the currency is worth. Rates of the
/// base currency itself are refused (it is 1 by definition).
pub async fn set_exchange_rate(
    db: &impl ConnectionTrait,
    company_id: i64,
    currency_id: i64,
    valid_from: chrono::NaiveDate,
    rate: rust_decimal::Decimal,
) -> ServiceResult<exchange_rate::Model> {
    lock_company(db, company_id).await?;
    let cur = get_currency(db, company_id, currency_id).await?;
    let company = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    let mut v = Violations::new();
    if cur.code == company.base_currency_code {
        v.push(Violation::new(
            "currencyId",
            Rule::InvalidValue,
            "the base currency's rate is 1 and cannot be set",
        ));
    }
    let stored = v.check(Rate::new(rate).map_err(|_| {
        Violation::new(
            "rate",
            Rule::PrecisionExceeded,
            "a rate has at most 6 decimal places",
        )
    }));
    if rate <= rust_decimal::Decimal::ZERO {
        v.push(Violation::new(
            "rate",
            Rule::InvalidValue,
            "a rate is more than zero",
        ));
    }
    v.finish()?;
    let Some(stored) = stored else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let existing = exchange_rate::Entity::find()
        .filter(exchange_rate::Column::CompanyId.eq(company_id))
        .filter(exchange_rate::Column::CurrencyId.eq(currency_id))
        .filter(exchange_rate::Column::ValidFrom.eq(valid_from))
        .one(db)
        .await?;
    Ok(match existing {
        Some(r) => {
            let mut am: exchange_rate::ActiveModel = r.into();
            am.rate = Set(stored);
            am.update(db).await?
        }
        None => {
            exchange_rate::ActiveModel {
                company_id: Set(company_id),
                currency_id: Set(currency_id),
                valid_from: Set(valid_from),
                rate: Set(stored),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    })
}

/// The exchange rate of a currency on a date: 1 for the company's base currency, else the
/// rate with the latest `valid_from` on or before the date; `None` when there is none.
pub async fn rate_on(
    db: &impl ConnectionTrait,
    company: &company::Model,
    currency: &currency::Model,
    date: chrono::NaiveDate,
) -> ServiceResult<Option<rust_decimal::Decimal>> {
    if currency.code == company.base_currency_code {
        return Ok(Some(rust_decimal::Decimal::ONE));
    }
    Ok(exchange_rate::Entity::find()
        .filter(exchange_rate::Column::CompanyId.eq(company.id))
        .filter(exchange_rate::Column::CurrencyId.eq(currency.id))
        .filter(exchange_rate::Column::ValidFrom.lte(date))
        .order_by_desc(exchange_rate::Column::ValidFrom)
        .one(db)
        .await?
        .map(|r| r.rate.value()))
}
