//! Parties: organisations and persons, their addresses and contact persons, and the customer
//! role.
//!
//! Owns: a customer is a role of a party; its name, e-mail and phone live on the party and are
//! never copied to other master data (documents copy them when they are created). Account
//! numbers come from the customer sequence unless given.
//! Must never: let a customer be its own invoice account, or reference another company's rows.

mod entities;
pub use entities::{address, contact_person, customer, party};

use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::numbering::SequenceKind;
use crate::numbering::free_number;
use crate::paging::{Cursor, Key, Keyset, Page, PageArgs};
use crate::refs::{self, Table};
use crate::validate;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, JoinType, QuerySelect};

/// Organisation or person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PartyKind {
    /// A company, association or authority.
    #[sea_orm(string_value = "organization")]
    Organization,
    /// A natural person.
    #[sea_orm(string_value = "person")]
    Person,
}
crate::enum_cell!(PartyKind);

/// Which transactions are blocked for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Blocked {
    /// Not blocked.
    #[sea_orm(string_value = "no")]
    No,
    /// No invoicing.
    #[sea_orm(string_value = "invoice")]
    Invoice,
    /// No transactions at all.
    #[sea_orm(string_value = "all")]
    All,
}

// ---------------------------------------------------------------- party details

/// The party fields lists show (name and electronic addresses), read without the rest of the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyBrief {
    /// Organisation or person.
    pub kind: PartyKind,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Language.
    pub language: Option<String>,
}

impl From<party::Model> for PartyBrief {
    fn from(p: party::Model) -> Self {
        PartyBrief {
            kind: p.kind,
            name: p.name,
            email: p.email,
            phone: p.phone,
            language: p.language,
        }
    }
}

/// A contact person with the fields of its person party, as lists and loaders read it: one
/// narrow row per contact (8 columns instead of the 17 of both tables).
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct ContactRow {
    /// Contact person id.
    pub id: i64,
    /// The organisation party it works for.
    pub employer_party_id: i64,
    /// Job title or role.
    pub title: Option<String>,
    /// When it was archived.
    pub archived_at: Option<chrono::DateTime<Utc>>,
    /// Name (from its party).
    pub name: String,
    /// E-mail (from its party).
    pub email: Option<String>,
    /// Phone (from its party).
    pub phone: Option<String>,
    /// Language (from its party).
    pub language: Option<String>,
}

crate::fast_row!(ContactRow {
    id,
    employer_party_id,
    title,
    archived_at,
    name,
    email,
    phone,
    language,
});

fn contact_rows() -> Select<contact_person::Entity> {
    use contact_person::Column as C;
    contact_person::Entity::find()
        .select_only()
        .columns([C::Id, C::EmployerPartyId, C::Title, C::ArchivedAt])
        .column(party::Column::Name)
        .column(party::Column::Email)
        .column(party::Column::Phone)
        .column(party::Column::Language)
        .join(JoinType::InnerJoin, contact_person::Relation::Party.def())
}

/// One contact person of the company.
pub async fn get_contact(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<ContactRow> {
    contact_rows()
        .filter(contact_person::Column::Id.eq(id))
        .filter(contact_person::Column::CompanyId.eq(company_id))
        .into_model::<ContactRow>()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("contact person"))
}

/// Name and electronic addresses of a party.
#[derive(Debug, Clone, Default)]
pub struct PartyDetails {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Preferred language (e.g. `en`, `de-CH`).
    pub language: Option<String>,
}

fn check_email(field: &str, e: Option<&str>) -> Result<Option<String>, Violation> {
    let e = validate::opt_text(field, e, validate::MAX_NAME)?;
    if let Some(x) = &e {
        let ok = x
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !x.contains(' '));
        if !ok {
            return Err(Violation::new(
                field,
                Rule::InvalidFormat,
                format!("{field} is not an e-mail address"),
            ));
        }
    }
    Ok(e)
}

pub(crate) struct CheckedParty {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    language: Option<String>,
}

pub(crate) fn check_party(
    v: &mut Violations,
    prefix: &str,
    d: &PartyDetails,
) -> Option<CheckedParty> {
    let name = v.check(validate::name(
        &format!("{prefix}name"),
        &d.name,
        validate::MAX_NAME,
    ));
    let email = v.check(check_email(&format!("{prefix}email"), d.email.as_deref()));
    let phone = v.check(validate::opt_text(
        &format!("{prefix}phone"),
        d.phone.as_deref(),
        50,
    ));
    let language = v.check(validate::opt_text(
        &format!("{prefix}language"),
        d.language.as_deref(),
        20,
    ));
    Some(CheckedParty {
        name: name?,
        email: email?,
        phone: phone?,
        language: language?,
    })
}

/// Inserts a checked party.
pub(crate) async fn insert_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: PartyKind,
    p: CheckedParty,
) -> ServiceResult<party::Model> {
    let now = Utc::now();
    Ok(party::ActiveModel {
        company_id: Set(company_id),
        kind: Set(kind),
        name: Set(p.name),
        email: Set(p.email),
        phone: Set(p.phone),
        language: Set(p.language),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Patch of a party's details: `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct PartyPatch {
    /// Name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<Option<String>>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// Language.
    pub language: Option<Option<String>>,
}

pub(crate) async fn patch_party(
    db: &impl ConnectionTrait,
    v: &mut Violations,
    party_id: i64,
    p: &PartyPatch,
) -> ServiceResult<Option<party::ActiveModel>> {
    let name = p
        .name
        .as_deref()
        .map(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let email = p
        .email
        .as_ref()
        .map(|e| v.check(check_email("email", e.as_deref())));
    let phone = p
        .phone
        .as_ref()
        .map(|e| v.check(validate::opt_text("phone", e.as_deref(), 50)));
    let language = p
        .language
        .as_ref()
        .map(|e| v.check(validate::opt_text("language", e.as_deref(), 20)));
    let Some(row) = crate::db::locking(db, party::Entity::find_by_id(party_id))
        .one(db)
        .await?
    else {
        return Err(ServiceError::NotFound("party"));
    };
    let mut am: party::ActiveModel = row.into();
    let mut changed = false;
    if let Some(Some(x)) = name {
        am.name = Set(x);
        changed = true;
    }
    if let Some(Some(x)) = email {
        am.email = Set(x);
        changed = true;
    }
    if let Some(Some(x)) = phone {
        am.phone = Set(x);
        changed = true;
    }
    if let Some(Some(x)) = language {
        am.language = Set(x);
        changed = true;
    }
    if changed {
        am.updated_at = Set(Utc::now());
        Ok(Some(am))
    } else {
        Ok(None)
    }
}

/// One party of the company.
pub async fn get_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<party::Model> {
    party::Entity::find_by_id(id)
        .filter(party::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("party"))
}

// ---------------------------------------------------------------- addresses

/// Which documents an address is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPurpose {
    /// Invoices are sent here.
    Invoice,
    /// Goods are delivered here.
    Delivery,
    /// The registered or visiting address.
    Business,
}

/// Input of an address.
#[derive(Debug, Clone)]
pub struct NewAddress {
    /// Code, unique per party, e.g. `MAIN`.
    pub code: String,
    /// Purposes; at least one.
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

pub(crate) struct CheckedAddress {
    code: String,
    purposes: Vec<AddressPurpose>,
    street: String,
    street2: Option<String>,
    city: String,
    postal_code: Option<String>,
    region: Option<String>,
    country_code: String,
}

pub(crate) fn check_address(
    v: &mut Violations,
    prefix: &str,
    a: &NewAddress,
) -> Option<CheckedAddress> {
    let f = |s: &str| format!("{prefix}{s}");
    let code = v.check(validate::code(&f("code"), &a.code));
    if a.purposes.is_empty() {
        v.push(Violation::new(
            &f("purposes"),
            Rule::Required,
            "an address needs at least one purpose",
        ));
    }
    let street = v.check(validate::name(&f("street"), &a.street, validate::MAX_NAME));
    let street2 = v.check(validate::opt_text(
        &f("street2"),
        a.street2.as_deref(),
        validate::MAX_NAME,
    ));
    let city = v.check(validate::name(&f("city"), &a.city, validate::MAX_NAME));
    let postal = v.check(validate::opt_text(
        &f("postalCode"),
        a.postal_code.as_deref(),
        20,
    ));
    let region = v.check(validate::opt_text(
        &f("region"),
        a.region.as_deref(),
        validate::MAX_NAME,
    ));
    let country = v.check(validate::country_code(&f("countryCode"), &a.country_code));
    if a.purposes.is_empty() {
        return None;
    }
    Some(CheckedAddress {
        code: code?,
        purposes: a.purposes.clone(),
        street: street?,
        street2: street2?,
        city: city?,
        postal_code: postal?,
        region: region?,
        country_code: country?,
    })
}

pub(crate) async fn insert_address(
    db: &impl ConnectionTrait,
    company_id: i64,
    party_id: i64,
    a: CheckedAddress,
) -> ServiceResult<address::Model> {
    let now = Utc::now();
    Ok(address::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(party_id),
        code: Set(a.code),
        for_invoice: Set(a.purposes.contains(&AddressPurpose::Invoice)),
        for_delivery: Set(a.purposes.contains(&AddressPurpose::Delivery)),
        for_business: Set(a.purposes.contains(&AddressPurpose::Business)),
        street: Set(a.street),
        street2: Set(a.street2),
        city: Set(a.city),
        postal_code: Set(a.postal_code),
        region: Set(a.region),
        country_code: Set(a.country_code),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub(crate) fn duplicate_codes(v: &mut Violations, addrs: &[NewAddress]) {
    for (i, a) in addrs.iter().enumerate() {
        if addrs[..i].iter().any(|b| b.code.trim() == a.code.trim()) {
            v.push(Violation::new(
                &format!("addresses.{i}.code"),
                Rule::Duplicate,
                format!("address code {} is used twice", a.code.trim()),
            ));
        }
    }
}

/// The party behind a customer or vendor, as the owner of addresses and contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A customer id.
    Customer(i64),
    /// A vendor id.
    Vendor(i64),
    /// A prospect id.
    Prospect(i64),
    /// A party id (an organisation or person with or without roles).
    Party(i64),
}

/// The party of a row of a role table (`vendors`, `prospects`: modules above this one, which
/// this one does not import) of the company.
async fn role_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    table: &'static str,
    id: i64,
    noun: &'static str,
) -> ServiceResult<i64> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, Query};
    let q = Query::select()
        .column(Alias::new("party_id"))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("company_id")).eq(company_id))
        .to_owned();
    let row = db
        .query_one(&q)
        .await?
        .ok_or(ServiceError::NotFound(noun))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

async fn owner_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    owner: Owner,
) -> ServiceResult<i64> {
    match owner {
        Owner::Customer(id) => Ok(get_customer(db, company_id, id).await?.party_id),
        Owner::Vendor(id) => role_party(db, company_id, "vendors", id, "vendor").await,
        Owner::Prospect(id) => role_party(db, company_id, "prospects", id, "prospect").await,
        Owner::Party(id) => Ok(get_party(db, company_id, id).await?.id),
    }
}

/// Adds an address to a customer's or vendor's party.
pub async fn add_address(
    db: &impl ConnectionTrait,
    company_id: i64,
    owner: Owner,
    a: NewAddress,
) -> ServiceResult<address::Model> {
    let party_id = owner_party(db, company_id, owner).await?;
    let mut v = Violations::new();
    let checked = check_address(&mut v, "", &a);
    if let Some(c) = &checked {
        let exists = address::Entity::find()
            .filter(address::Column::PartyId.eq(party_id))
            .filter(address::Column::Code.eq(c.code.as_str()))
            .one(db)
            .await?;
        if exists.is_some() {
            v.push(Violation::new(
                "code",
                Rule::Duplicate,
                format!("address {} already exists", c.code),
            ));
        }
    }
    v.finish()?;
    let Some(c) = checked else {
        return Err(ServiceError::Invalid(vec![]));
    };
    insert_address(db, company_id, party_id, c).await
}

/// Replaces an address's fields (its code stays).
pub async fn update_address(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    a: NewAddress,
) -> ServiceResult<address::Model> {
    let row = crate::db::locking(
        db,
        address::Entity::find_by_id(id).filter(address::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("address"))?;
    let mut v = Violations::new();
    let checked = check_address(
        &mut v,
        "",
        &NewAddress {
            code: row.code.clone(),
            ..a
        },
    );
    v.finish()?;
    let Some(c) = checked else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let mut am: address::ActiveModel = row.into();
    am.for_invoice = Set(c.purposes.contains(&AddressPurpose::Invoice));
    am.for_delivery = Set(c.purposes.contains(&AddressPurpose::Delivery));
    am.for_business = Set(c.purposes.contains(&AddressPurpose::Business));
    am.street = Set(c.street);
    am.street2 = Set(c.street2);
    am.city = Set(c.city);
    am.postal_code = Set(c.postal_code);
    am.region = Set(c.region);
    am.country_code = Set(c.country_code);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Removes an address. Documents copy addresses when created, so none points at it.
pub async fn remove_address(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<address::Model> {
    let row = crate::db::locking(
        db,
        address::Entity::find_by_id(id).filter(address::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("address"))?;
    address::Entity::delete_by_id(id).exec(db).await?;
    Ok(row)
}

// ---------------------------------------------------------------- contact persons

/// Input of [`create_contact`].
#[derive(Debug, Clone)]
pub struct NewContact {
    /// Name, e-mail, phone.
    pub details: PartyDetails,
    /// Job title or role.
    pub title: Option<String>,
}

/// Adds a contact person to a customer's or vendor's organisation.
pub async fn create_contact(
    db: &impl ConnectionTrait,
    company_id: i64,
    owner: Owner,
    input: NewContact,
) -> ServiceResult<contact_person::Model> {
    match owner {
        Owner::Customer(id) => {
            refs::usable(db, company_id, Table::Customer, id, "ownerId").await??
        }
        Owner::Vendor(id) => refs::usable(db, company_id, Table::Vendor, id, "ownerId").await??,
        Owner::Prospect(_) | Owner::Party(_) => {}
    }
    let employer = owner_party(db, company_id, owner).await?;
    if get_party(db, company_id, employer).await?.kind != PartyKind::Organization {
        return Err(ServiceError::Invalid(vec![Violation::new(
            "ownerId",
            Rule::InvalidValue,
            "contact persons belong to an organisation, not to a person",
        )]));
    }
    let mut v = Violations::new();
    let p = check_party(&mut v, "", &input.details);
    let title = v.check(validate::opt_text(
        "title",
        input.title.as_deref(),
        validate::MAX_NAME,
    ));
    v.finish()?;
    let (Some(p), Some(title)) = (p, title) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let person = insert_party(db, company_id, PartyKind::Person, p).await?;
    let now = Utc::now();
    Ok(contact_person::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(person.id),
        employer_party_id: Set(employer),
        title: Set(title),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Changes a contact person.
pub async fn update_contact(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: PartyPatch,
    title: Option<Option<String>>,
) -> ServiceResult<contact_person::Model> {
    let row = crate::db::locking(
        db,
        contact_person::Entity::find_by_id(id)
            .filter(contact_person::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("contact person"))?;
    let mut v = Violations::new();
    let party = patch_party(db, &mut v, row.party_id, &p).await?;
    let title = title.map(|t| {
        v.check(validate::opt_text(
            "title",
            t.as_deref(),
            validate::MAX_NAME,
        ))
    });
    v.finish()?;
    if let Some(am) = party {
        am.update(db).await?;
    }
    let mut am: contact_person::ActiveModel = row.into();
    if let Some(Some(t)) = title {
        am.title = Set(t);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

// ---------------------------------------------------------------- customers

/// Input of [`create_customer`].
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// Account number; drawn from the customer sequence when absent.
    pub account_number: Option<String>,
    /// Organisation or person.
    pub kind: PartyKind,
    /// Name, e-mail, phone, language.
    pub details: PartyDetails,
    /// Id of the customer's currency.
    pub currency_id: i64,
    /// Customer group.
    pub customer_group: Option<String>,
    /// Price group (trade agreements).
    pub price_group: Option<String>,
    /// Line discount group (trade agreements).
    pub line_discount_group: Option<String>,
    /// Invoice discount code (invoice discount terms).
    pub invoice_discount_code: Option<String>,
    /// Payment terms id.
    pub payment_terms_id: Option<i64>,
    /// Tax group (tax code resolution).
    pub tax_group: Option<String>,
    /// Credit limit in the customer's currency; zero means none.
    pub credit_limit: Decimal,
    /// Block orders over the credit limit instead of warning.
    pub mandatory_credit_limit: bool,
    /// Blocked transactions.
    pub blocked: Blocked,
    /// Combine shipments into one invoice.
    pub combine_shipments: bool,
    /// Prices include tax.
    pub prices_including_tax: bool,
    /// Bill-to customer, when another customer pays.
    pub invoice_account_id: Option<i64>,
    /// Addresses to create with the customer.
    pub addresses: Vec<NewAddress>,
}

async fn account_taken(db: &impl ConnectionTrait, company_id: i64, n: &str) -> ServiceResult<bool> {
    Ok(customer::Entity::find()
        .filter(customer::Column::CompanyId.eq(company_id))
        .filter(customer::Column::AccountNumber.eq(n))
        .one(db)
        .await?
        .is_some())
}

async fn check_credit_limit(
    db: &impl ConnectionTrait,
    v: &mut Violations,
    company_id: i64,
    currency_id: i64,
    limit: Decimal,
) -> ServiceResult<Option<crate::money::Amount>> {
    let a = v.check(validate::amount("creditLimit", limit));
    if a.is_some()
        && let Ok(cur) = crate::setup::get_currency(db, company_id, currency_id).await
        && let Err(e) = validate::fits_step("creditLimit", limit, cur.amount_precision.value())
    {
        v.push(e);
        return Ok(None);
    }
    Ok(a)
}

/// Creates a customer with its party and addresses.
pub async fn create_customer(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewCustomer,
) -> ServiceResult<customer::Model> {
    create_customer_on(db, company_id, input, None).await
}

/// Creates a customer; on an existing party (a prospect's, a lead's) when `existing_party` is
/// given, in which case the input's kind and details are ignored: the party keeps its own.
pub async fn create_customer_on(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewCustomer,
    existing_party: Option<i64>,
) -> ServiceResult<customer::Model> {
    let mut v = Violations::new();
    let number = match input.account_number.as_deref() {
        Some(n) => v.check(validate::code("accountNumber", n)).map(Some),
        None => Some(None),
    };
    let party = match existing_party {
        Some(id) => Some(Err(id)),
        None => check_party(&mut v, "", &input.details).map(Ok),
    };
    let group = v.check(validate::opt_code(
        "customerGroup",
        input.customer_group.as_deref(),
    ));
    let price_group = v.check(validate::opt_code(
        "priceGroup",
        input.price_group.as_deref(),
    ));
    let tax_group = v.check(validate::opt_code("taxGroup", input.tax_group.as_deref()));
    if let Some(Some(g)) = &tax_group {
        v.check(crate::setup::check_customer_tax_group(db, company_id, "taxGroup", Some(g)).await?);
    }
    let disc_group = v.check(validate::opt_code(
        "lineDiscountGroup",
        input.line_discount_group.as_deref(),
    ));
    let inv_disc = v.check(validate::opt_code(
        "invoiceDiscountCode",
        input.invoice_discount_code.as_deref(),
    ));
    v.check(
        refs::usable(
            db,
            company_id,
            Table::Currency,
            input.currency_id,
            "currencyId",
        )
        .await?,
    );
    let limit = check_credit_limit(
        db,
        &mut v,
        company_id,
        input.currency_id,
        input.credit_limit,
    )
    .await?;
    if let Some(pt) = input.payment_terms_id {
        v.check(refs::usable(db, company_id, Table::PaymentTerms, pt, "paymentTermsId").await?);
    }
    if let Some(ia) = input.invoice_account_id {
        v.check(refs::usable(db, company_id, Table::Customer, ia, "invoiceAccountId").await?);
    }
    let addrs: Vec<_> = input
        .addresses
        .iter()
        .enumerate()
        .map(|(i, a)| check_address(&mut v, &format!("addresses.{i}."), a))
        .collect();
    duplicate_codes(&mut v, &input.addresses);
    if let Some(Some(n)) = &number
        && account_taken(db, company_id, n).await?
    {
        v.push(Violation::new(
            "accountNumber",
            Rule::Duplicate,
            format!("customer {n} already exists"),
        ));
    }
    v.finish()?;
    let (
        Some(number),
        Some(party),
        Some(group),
        Some(price_group),
        Some(tax_group),
        Some(limit),
        Some(disc_group),
        Some(inv_disc),
    ) = (
        number,
        party,
        group,
        price_group,
        tax_group,
        limit,
        disc_group,
        inv_disc,
    )
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = match number {
        Some(n) => n,
        None => {
            free_number(db, company_id, SequenceKind::Customer, |n| async move {
                account_taken(db, company_id, &n).await
            })
            .await?
        }
    };
    let party_id = match party {
        Ok(checked) => insert_party(db, company_id, input.kind, checked).await?.id,
        Err(id) => id,
    };
    for a in addrs.into_iter().flatten() {
        insert_address(db, company_id, party_id, a).await?;
    }
    let now = Utc::now();
    Ok(customer::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(party_id),
        account_number: Set(number),
        currency_id: Set(input.currency_id),
        customer_group: Set(group),
        price_group: Set(price_group),
        line_discount_group: Set(disc_group),
        invoice_discount_code: Set(inv_disc),
        payment_terms_id: Set(input.payment_terms_id),
        tax_group: Set(tax_group),
        credit_limit: Set(limit),
        mandatory_credit_limit: Set(input.mandatory_credit_limit),
        blocked: Set(input.blocked),
        combine_shipments: Set(input.combine_shipments),
        prices_including_tax: Set(input.prices_including_tax),
        invoice_account_id: Set(input.invoice_account_id),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Patch of a customer: `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    /// Party details.
    pub party: PartyPatch,
    /// Currency.
    pub currency_id: Option<i64>,
    /// Customer group.
    pub customer_group: Option<Option<String>>,
    /// Price group.
    pub price_group: Option<Option<String>>,
    /// Line discount group.
    pub line_discount_group: Option<Option<String>>,
    /// Invoice discount code.
    pub invoice_discount_code: Option<Option<String>>,
    /// Payment terms.
    pub payment_terms_id: Option<Option<i64>>,
    /// Tax group.
    pub tax_group: Option<Option<String>>,
    /// Credit limit.
    pub credit_limit: Option<Decimal>,
    /// Mandatory credit limit.
    pub mandatory_credit_limit: Option<bool>,
    /// Blocked.
    pub blocked: Option<Blocked>,
    /// Combine shipments.
    pub combine_shipments: Option<bool>,
    /// Prices include tax.
    pub prices_including_tax: Option<bool>,
    /// Invoice account.
    pub invoice_account_id: Option<Option<i64>>,
}

/// One customer of the company.
pub async fn get_customer(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<customer::Model> {
    customer::Entity::find_by_id(id)
        .filter(customer::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("customer"))
}

/// Changes a customer.
pub async fn update_customer(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: CustomerPatch,
) -> ServiceResult<customer::Model> {
    let row = crate::db::locking(
        db,
        customer::Entity::find_by_id(id).filter(customer::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("customer"))?;
    let mut v = Violations::new();
    let party = patch_party(db, &mut v, row.party_id, &p.party).await?;
    let group = p
        .customer_group
        .as_ref()
        .map(|g| v.check(validate::opt_code("customerGroup", g.as_deref())));
    let price_group = p
        .price_group
        .as_ref()
        .map(|g| v.check(validate::opt_code("priceGroup", g.as_deref())));
    let tax_group = p
        .tax_group
        .as_ref()
        .map(|g| v.check(validate::opt_code("taxGroup", g.as_deref())));
    if let Some(Some(Some(g))) = &tax_group {
        v.check(crate::setup::check_customer_tax_group(db, company_id, "taxGroup", Some(g)).await?);
    }
    let disc_group = p
        .line_discount_group
        .as_ref()
        .map(|g| v.check(validate::opt_code("lineDiscountGroup", g.as_deref())));
    let inv_disc = p
        .invoice_discount_code
        .as_ref()
        .map(|g| v.check(validate::opt_code("invoiceDiscountCode", g.as_deref())));
    if let Some(c) = p.currency_id {
        v.check(refs::usable(db, company_id, Table::Currency, c, "currencyId").await?);
        // the ledger keeps one currency per customer: its open entries would otherwise add
        // up amounts of two currencies into one balance (the row is locked, and postings
        // read the currency after it)
        if c != row.currency_id && has_open_ledger_entries(db, row.id).await? {
            v.push(Violation::new(
                "currencyId",
                Rule::InvalidValue,
                "the customer has open ledger entries in its currency; settle them before \
                 changing it",
            ));
        }
    }
    let currency = p.currency_id.unwrap_or(row.currency_id);
    let limit = match p.credit_limit {
        Some(l) => check_credit_limit(db, &mut v, company_id, currency, l)
            .await?
            .map(Some),
        None => Some(None),
    };
    if let Some(Some(pt)) = p.payment_terms_id {
        v.check(refs::usable(db, company_id, Table::PaymentTerms, pt, "paymentTermsId").await?);
    }
    if let Some(Some(ia)) = p.invoice_account_id {
        if ia == id {
            v.push(Violation::new(
                "invoiceAccountId",
                Rule::InvalidValue,
                "a customer cannot be its own invoice account",
            ));
        } else {
            v.check(refs::usable(db, company_id, Table::Customer, ia, "invoiceAccountId").await?);
        }
    }
    v.finish()?;
    if let Some(am) = party {
        am.update(db).await?;
    }
    let mut am: customer::ActiveModel = row.into();
    if let Some(c) = p.currency_id {
        am.currency_id = Set(c);
    }
    if let Some(Some(x)) = group {
        am.customer_group = Set(x);
    }
    if let Some(Some(x)) = price_group {
        am.price_group = Set(x);
    }
    if let Some(Some(x)) = disc_group {
        am.line_discount_group = Set(x);
    }
    if let Some(Some(x)) = inv_disc {
        am.invoice_discount_code = Set(x);
    }
    if let Some(Some(x)) = tax_group {
        am.tax_group = Set(x);
    }
    if let Some(x) = p.payment_terms_id {
        am.payment_terms_id = Set(x);
    }
    if let Some(Some(x)) = limit {
        am.credit_limit = Set(x);
    }
    if let Some(x) = p.mandatory_credit_limit {
        am.mandatory_credit_limit = Set(x);
    }
    if let Some(x) = p.blocked {
        am.blocked = Set(x);
    }
    if let Some(x) = p.combine_shipments {
        am.combine_shipments = Set(x);
    }
    if let Some(x) = p.prices_including_tax {
        am.prices_including_tax = Set(x);
    }
    if let Some(x) = p.invoice_account_id {
        am.invoice_account_id = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Filter of the customer list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Part of account number, name or e-mail, case-insensitive.
    pub search: Option<String>,
    /// Only this customer group.
    pub customer_group: Option<String>,
    /// Only this currency.
    pub currency_id: Option<i64>,
    /// Only this blocked state.
    pub blocked: Option<Blocked>,
    /// Archived or not; both when absent.
    pub archived: Option<bool>,
}

/// Sort of the customer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    /// By account number.
    AccountNumber,
    /// By name.
    Name,
}

fn customer_query(company_id: i64, f: &CustomerFilter) -> Select<customer::Entity> {
    use customer::Column as C;
    let mut q = customer::Entity::find()
        .join(JoinType::InnerJoin, customer::Relation::Party.def())
        .filter(C::CompanyId.eq(company_id));
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pat = format!("%{}%", s.to_lowercase());
        q = q.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col((customer::Entity, C::AccountNumber))))
                        .like(pat.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col((party::Entity, party::Column::Name))))
                        .like(pat.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        party::Entity,
                        party::Column::Email,
                    ))))
                    .like(pat),
                ),
        );
    }
    if let Some(g) = &f.customer_group {
        q = q.filter(C::CustomerGroup.eq(g.as_str()));
    }
    if let Some(c) = f.currency_id {
        q = q.filter(C::CurrencyId.eq(c));
    }
    if let Some(b) = f.blocked {
        q = q.filter(C::Blocked.eq(b));
    }
    match f.archived {
        Some(true) => q.filter(C::ArchivedAt.is_not_null()),
        Some(false) => q.filter(C::ArchivedAt.is_null()),
        None => q,
    }
}

/// The customer columns a list reads: enough to identify the row and name it. The other fields
/// are loaded by id when a client asks for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerBrief {
    /// Customer id.
    pub id: i64,
    /// Its party.
    pub party_id: i64,
    /// Account number.
    pub account_number: String,
}

/// A customer list row under plain column names: 8 columns instead of the 27 of both tables
/// (decoding cost grows with the number of values; SeaORM's two-entity select also formats an
/// alias per column per row). Measured in docs/performance.md.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
struct CustomerListRow {
    id: i64,
    party_id: i64,
    account_number: String,
    party_kind: PartyKind,
    party_name: String,
    party_email: Option<String>,
    party_phone: Option<String>,
    party_language: Option<String>,
}

crate::fast_row!(CustomerListRow {
    id,
    party_id,
    account_number,
    party_kind,
    party_name,
    party_email,
    party_phone,
    party_language,
});

impl CustomerListRow {
    /// Narrows a customer select joined with its party to this row's columns.
    fn select(q: Select<customer::Entity>) -> Select<customer::Entity> {
        q.select_only()
            .column(customer::Column::Id)
            .column(customer::Column::PartyId)
            .column(customer::Column::AccountNumber)
            .column_as(party::Column::Kind, "party_kind")
            .column_as(party::Column::Name, "party_name")
            .column_as(party::Column::Email, "party_email")
            .column_as(party::Column::Phone, "party_phone")
            .column_as(party::Column::Language, "party_language")
    }

    fn split(self) -> (CustomerBrief, PartyBrief) {
        let p = PartyBrief {
            kind: self.party_kind,
            name: self.party_name,
            email: self.party_email,
            phone: self.party_phone,
            language: self.party_language,
        };
        (
            CustomerBrief {
                id: self.id,
                party_id: self.party_id,
                account_number: self.account_number,
            },
            p,
        )
    }
}

/// Customers of the company with their names, in one statement.
pub async fn list_customers(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &CustomerFilter,
    sort: CustomerSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<(CustomerBrief, PartyBrief)>> {
    let sort_expr = match sort {
        CustomerSort::AccountNumber => crate::paging::number_order("customers", "account_number"),
        CustomerSort::Name => Expr::col((party::Entity, party::Column::Name)),
    };
    let ks = Keyset::new(
        sort_expr,
        Expr::col((customer::Entity, customer::Column::Id)),
        desc,
    );
    let q = CustomerListRow::select(customer_query(company_id, f));
    let (q, w) = ks.apply(q, args)?;
    let rows: Vec<CustomerListRow> = db.rows(sea_orm::QueryTrait::build(&q, db.engine())).await?;
    let rows: Vec<(CustomerBrief, PartyBrief)> =
        rows.into_iter().map(CustomerListRow::split).collect();
    Ok(ks.finish(rows, w, |(c, p)| {
        Cursor::new(
            match sort {
                CustomerSort::AccountNumber => crate::paging::number_key(&c.account_number),
                CustomerSort::Name => Key::Str(p.name.clone()),
            },
            c.id,
        )
    }))
}

/// Customers by id as list rows (account number and the party's name, kind, e-mail, phone,
/// language), in one narrow statement: for relations such as an order's customer, where a
/// full row is read only if a client asks for more.
pub async fn customers_brief_by_id(
    db: &impl crate::reads::Read,
    ids: &[i64],
) -> ServiceResult<Vec<(CustomerBrief, PartyBrief)>> {
    let q = CustomerListRow::select(
        customer::Entity::find()
            .join(JoinType::InnerJoin, customer::Relation::Party.def())
            .filter(customer::Column::Id.is_in(ids.iter().copied())),
    );
    let rows: Vec<CustomerListRow> = db.rows(sea_orm::QueryTrait::build(&q, db.engine())).await?;
    Ok(rows.into_iter().map(CustomerListRow::split).collect())
}

/// Number of customers matching the filter.
pub async fn count_customers(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &CustomerFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, customer_query(company_id, f)).await?)
}

/// Active contact persons of the given organisation parties, in one narrow statement.
pub async fn contacts_of(
    db: &impl crate::reads::Read,
    employer_party_ids: &[i64],
) -> ServiceResult<Vec<ContactRow>> {
    let q = contact_rows()
        .filter(contact_person::Column::EmployerPartyId.is_in(employer_party_ids.iter().copied()))
        .filter(contact_person::Column::ArchivedAt.is_null());
    Ok(db.rows(sea_orm::QueryTrait::build(&q, db.engine())).await?)
}

/// Contact persons by id with their person parties, in one statement.
pub async fn contacts_by_id(
    db: &impl crate::reads::Read,
    ids: &[i64],
) -> ServiceResult<Vec<ContactRow>> {
    let q = contact_rows().filter(contact_person::Column::Id.is_in(ids.iter().copied()));
    Ok(db.rows(sea_orm::QueryTrait::build(&q, db.engine())).await?)
}

/// True when the customer has a ledger entry not settled in full (read by table name: the
/// ledger's entity lives in `crm`, which builds on this module).
async fn has_open_ledger_entries(
    db: &impl ConnectionTrait,
    customer_id: i64,
) -> ServiceResult<bool> {
    use sea_orm::sea_query::{Alias, Query};
    let stmt = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new("customer_ledger_entries"))
        .and_where(Expr::col(Alias::new("customer_id")).eq(customer_id))
        .and_where(Expr::col(Alias::new("remaining_amount")).ne(0))
        .limit(1)
        .to_owned();
    Ok(db.query_one(&stmt).await?.is_some())
}
