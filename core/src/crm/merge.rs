//! Merging duplicate customers and contact persons.
//!
//! Owns: [`REFERENCES`], the list of every column that points at a party, a customer or a
//! contact person. A test compares it with the foreign keys the database itself declares, so a
//! new table that references one of them cannot be forgotten here.
//! Must never: leave a row pointing at the removed record, change a posted document's number or
//! amount, or merge with an unresolved key conflict. One transaction; an audit row records it.

use super::{illegal, invalid, merge_log};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::parties::{self, address, contact_person, customer, party};
use crate::validate;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, FromQueryResult, IntoActiveModel, Value};
use serde_json::json;
use std::collections::BTreeMap;

/// What a reference column points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// `parties(id)`
    Party,
    /// `customers(id)`
    Customer,
    /// `contact_persons(id)`
    ContactPerson,
}

impl Target {
    /// The referenced table.
    pub fn table(self) -> &'static str {
        match self {
            Target::Party => "parties",
            Target::Customer => "customers",
            Target::ContactPerson => "contact_persons",
        }
    }
}

/// Every column that references a party, a customer or a contact person: `(table, column, target)`.
pub const REFERENCES: &[(&str, &str, Target)] = &[
    ("addresses", "party_id", Target::Party),
    ("contact_persons", "party_id", Target::Party),
    ("contact_persons", "employer_party_id", Target::Party),
    ("customers", "party_id", Target::Party),
    ("vendors", "party_id", Target::Party),
    ("prospects", "party_id", Target::Party),
    ("leads", "party_id", Target::Party),
    ("opportunities", "party_id", Target::Party),
    ("campaign_targets", "party_id", Target::Party),
    ("call_list_entries", "party_id", Target::Party),
    ("interactions", "party_id", Target::Party),
    ("customers", "invoice_account_id", Target::Customer),
    ("prospects", "converted_customer_id", Target::Customer),
    ("customer_ledger_entries", "customer_id", Target::Customer),
    ("trade_agreements", "customer_id", Target::Customer),
    ("sales_orders", "customer_id", Target::Customer),
    ("sales_orders", "invoice_customer_id", Target::Customer),
    ("sales_quotations", "customer_id", Target::Customer),
    ("customer_standard_codes", "customer_id", Target::Customer),
    ("packing_slips", "customer_id", Target::Customer),
    ("customer_invoices", "customer_id", Target::Customer),
    ("customer_payments", "customer_id", Target::Customer),
    (
        "campaign_targets",
        "contact_person_id",
        Target::ContactPerson,
    ),
    (
        "call_list_entries",
        "contact_person_id",
        Target::ContactPerson,
    ),
    ("interactions", "contact_person_id", Target::ContactPerson),
];

/// A foreign key as the database declares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, FromQueryResult)]
pub struct ForeignKey {
    /// Referencing table.
    pub table_name: String,
    /// Referencing column.
    pub column_name: String,
    /// Referenced table.
    pub target_table: String,
}

/// Every foreign key of the database (SQLite: `pragma_foreign_key_list`; PostgreSQL:
/// `information_schema` of the current schema).
pub async fn foreign_keys(db: &impl ConnectionTrait) -> ServiceResult<Vec<ForeignKey>> {
    let b = db.get_database_backend();
    let text = match b {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT m.name AS table_name, p.\"from\" AS column_name, p.\"table\" AS target_table \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'"
        }
        _ => {
            "SELECT CAST(kcu.table_name AS TEXT) AS table_name, CAST(kcu.column_name AS TEXT) AS column_name, \
             CAST(ccu.table_name AS TEXT) AS target_table \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.constraint_schema = tc.constraint_schema \
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.constraint_schema = current_schema()"
        }
    };
    let mut v = ForeignKey::find_by_statement(crate::db::sql(b, text, vec![]))
        .all(db)
        .await?;
    v.sort();
    v.dedup();
    Ok(v)
}

/// Tables whose unique keys include a party reference, and so can collide in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConflictTable {
    /// Addresses: code unique per party. Rename or remove.
    Address,
    /// Campaign targets: a party once per campaign. Remove.
    CampaignTarget,
    /// Call list entries: a party once per call list. Remove.
    CallListEntry,
    /// Prospects: one prospect role per party. Remove.
    Prospect,
}

impl ConflictTable {
    fn sql(self) -> &'static str {
        match self {
            ConflictTable::Address => "addresses",
            ConflictTable::CampaignTarget => "campaign_targets",
            ConflictTable::CallListEntry => "call_list_entries",
            ConflictTable::Prospect => "prospects",
        }
    }
    /// The column that, with `party_id`, forms the unique key (`None`: `party_id` alone).
    fn key(self) -> Option<&'static str> {
        match self {
            ConflictTable::Address => Some("code"),
            ConflictTable::CampaignTarget => Some("campaign_id"),
            ConflictTable::CallListEntry => Some("call_list_id"),
            ConflictTable::Prospect => None,
        }
    }
    /// Whether the duplicate's row may be renamed (only addresses have a code to rename).
    pub fn renamable(self) -> bool {
        self == ConflictTable::Address
    }
}

/// A related row of the duplicate whose key the kept record already uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Where.
    pub table: ConflictTable,
    /// The key value both share (address code, campaign id, call list id, or empty).
    pub key: String,
    /// The kept record's row.
    pub kept_row_id: i64,
    /// The duplicate's row.
    pub duplicate_row_id: i64,
}

/// How to resolve a [`Conflict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Delete the duplicate's row.
    Remove,
    /// Give the duplicate's row a new code (addresses only).
    Rename(String),
}

/// A resolution for the conflict on a duplicate's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictResolution {
    /// Where.
    pub table: ConflictTable,
    /// The duplicate's row.
    pub duplicate_row_id: i64,
    /// What to do.
    pub resolution: Resolution,
}

#[derive(FromQueryResult)]
struct ConflictRow {
    kept_id: i64,
    dup_id: i64,
    k: String,
}

/// The conflicts between the related rows of two parties.
pub async fn conflicts(
    db: &impl ConnectionTrait,
    kept_party: i64,
    dup_party: i64,
) -> ServiceResult<Vec<Conflict>> {
    let mut out = Vec::new();
    if kept_party == dup_party {
        return Ok(out);
    }
    let b = db.get_database_backend();
    for t in [
        ConflictTable::Address,
        ConflictTable::CampaignTarget,
        ConflictTable::CallListEntry,
        ConflictTable::Prospect,
    ] {
        let (join, key) = match t.key() {
            Some(k) => (
                format!(" AND a.{k} = d.{k}"),
                format!("CAST(d.{k} AS TEXT)"),
            ),
            None => (String::new(), "''".to_owned()),
        };
        let text = format!(
            "SELECT a.id AS kept_id, d.id AS dup_id, {key} AS k FROM {tbl} a JOIN {tbl} d ON d.party_id = ?{join} \
             WHERE a.party_id = ? ORDER BY d.id",
            tbl = t.sql()
        );
        for r in ConflictRow::find_by_statement(crate::db::sql(
            b,
            &text,
            vec![dup_party.into(), kept_party.into()],
        ))
        .all(db)
        .await?
        {
            out.push(Conflict {
                table: t,
                key: r.k,
                kept_row_id: r.kept_id,
                duplicate_row_id: r.dup_id,
            });
        }
    }
    Ok(out)
}

/// Checks the resolutions against the conflicts: every conflict resolved once, renames only
/// where allowed and to a free code. Returns what to apply, or the problems.
async fn check_resolutions(
    db: &impl ConnectionTrait,
    kept_party: i64,
    dup_party: i64,
    found: &[Conflict],
    given: &[ConflictResolution],
) -> ServiceResult<Vec<ConflictResolution>> {
    let mut v = Violations::new();
    let mut out = Vec::new();
    for (i, r) in given.iter().enumerate() {
        if !found
            .iter()
            .any(|c| c.table == r.table && c.duplicate_row_id == r.duplicate_row_id)
        {
            v.push(Violation::new(
                &format!("resolutions.{i}"),
                Rule::InvalidValue,
                "no conflict on this row",
            ));
        }
        if given[..i]
            .iter()
            .any(|o| o.table == r.table && o.duplicate_row_id == r.duplicate_row_id)
        {
            v.push(Violation::new(
                &format!("resolutions.{i}"),
                Rule::Duplicate,
                "this conflict is resolved twice",
            ));
        }
    }
    for c in found {
        let Some((i, r)) = given
            .iter()
            .enumerate()
            .find(|(_, r)| r.table == c.table && r.duplicate_row_id == c.duplicate_row_id)
        else {
            continue;
        };
        match &r.resolution {
            Resolution::Remove => out.push(r.clone()),
            Resolution::Rename(code) => {
                if !c.table.renamable() {
                    v.push(Violation::new(
                        &format!("resolutions.{i}.newKey"),
                        Rule::InvalidValue,
                        "only addresses can be renamed; remove the duplicate's row instead",
                    ));
                    continue;
                }
                let Some(code) = v.check(validate::code(&format!("resolutions.{i}.newKey"), code))
                else {
                    continue;
                };
                let clash_kept = address::Entity::find()
                    .filter(address::Column::PartyId.is_in([kept_party, dup_party]))
                    .filter(address::Column::Code.eq(code.as_str()))
                    .one(db)
                    .await?
                    .is_some();
                let clash_given = given[..i]
                    .iter()
                    .any(|o| matches!(&o.resolution, Resolution::Rename(x) if x.trim() == code));
                if clash_kept || clash_given {
                    v.push(Violation::new(
                        &format!("resolutions.{i}.newKey"),
                        Rule::Duplicate,
                        format!("address code {code} is taken"),
                    ));
                    continue;
                }
                out.push(ConflictResolution {
                    resolution: Resolution::Rename(code),
                    ..r.clone()
                });
            }
        }
    }
    v.finish()?;
    let open: Vec<&Conflict> = found
        .iter()
        .filter(|c| {
            !given
                .iter()
                .any(|r| r.table == c.table && r.duplicate_row_id == c.duplicate_row_id)
        })
        .collect();
    if !open.is_empty() {
        let list: Vec<String> = open
            .iter()
            .map(|c| format!("{} {} (row {})", c.table.sql(), c.key, c.duplicate_row_id))
            .collect();
        return Err(invalid(
            "resolutions",
            Rule::MergeConflict,
            format!(
                "resolve each conflict by removing or renaming the duplicate's row: {}",
                list.join(", ")
            ),
        ));
    }
    Ok(out)
}

async fn apply_resolutions(
    db: &impl ConnectionTrait,
    rs: &[ConflictResolution],
) -> ServiceResult<()> {
    let b = db.get_database_backend();
    for r in rs {
        let (text, vals): (String, Vec<Value>) = match &r.resolution {
            Resolution::Remove => (
                format!("DELETE FROM {} WHERE id = ?", r.table.sql()),
                vec![r.duplicate_row_id.into()],
            ),
            Resolution::Rename(code) => (
                "UPDATE addresses SET code = ? WHERE id = ?".to_owned(),
                vec![code.as_str().into(), r.duplicate_row_id.into()],
            ),
        };
        db.execute_raw(crate::db::sql(b, &text, vals)).await?;
    }
    Ok(())
}

/// Points every reference to `target` row `from` at `to`; returns rows changed per column.
async fn repoint(
    db: &impl ConnectionTrait,
    target: Target,
    from: i64,
    to: i64,
    counts: &mut BTreeMap<String, u64>,
) -> ServiceResult<()> {
    let b = db.get_database_backend();
    for (table, col, t) in REFERENCES {
        if *t != target {
            continue;
        }
        let r = db
            .execute_raw(crate::db::sql(
                b,
                &format!("UPDATE {table} SET {col} = ? WHERE {col} = ?"),
                vec![to.into(), from.into()],
            ))
            .await?;
        if r.rows_affected() > 0 {
            *counts.entry(format!("{table}.{col}")).or_default() += r.rows_affected();
        }
    }
    Ok(())
}

/// A field of a customer that a merge may take from the duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CustomerField {
    /// Name.
    Name,
    /// E-mail.
    Email,
    /// Phone.
    Phone,
    /// Language.
    Language,
    /// Currency.
    Currency,
    /// Customer group.
    CustomerGroup,
    /// Price group.
    PriceGroup,
    /// Payment terms.
    PaymentTerms,
    /// Tax group.
    TaxGroup,
    /// Credit limit.
    CreditLimit,
    /// Mandatory credit limit.
    MandatoryCreditLimit,
    /// Blocked.
    Blocked,
    /// Combine shipments.
    CombineShipments,
    /// Prices including tax.
    PricesIncludingTax,
    /// Invoice account.
    InvoiceAccount,
}

/// A field of a contact person that a merge may take from the duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactField {
    /// Name.
    Name,
    /// E-mail.
    Email,
    /// Phone.
    Phone,
    /// Language.
    Language,
    /// Job title.
    Title,
}

/// A field whose values differ, shown as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference<F> {
    /// The field.
    pub field: F,
    /// The kept record's value.
    pub kept: Option<String>,
    /// The duplicate's value.
    pub duplicate: Option<String>,
}

/// What a merge would do.
#[derive(Debug, Clone)]
pub struct Preview<F> {
    /// Fields whose values differ.
    pub differences: Vec<Difference<F>>,
    /// Key conflicts to resolve.
    pub conflicts: Vec<Conflict>,
    /// Problems that block the merge whatever is chosen (e.g. a currency conflict).
    pub blockers: Vec<Violation>,
}

async fn currency_code(db: &impl ConnectionTrait, id: i64) -> ServiceResult<Option<String>> {
    Ok(crate::setup::currency::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| c.code))
}

async fn customer_diffs(
    db: &impl ConnectionTrait,
    k: &customer::Model,
    kp: &party::Model,
    d: &customer::Model,
    dp: &party::Model,
) -> ServiceResult<Vec<Difference<CustomerField>>> {
    use CustomerField as F;
    let terms = |id: Option<i64>| async move {
        Ok::<_, ServiceError>(match id {
            Some(id) => crate::setup::payment_terms::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|t| t.code),
            None => None,
        })
    };
    let account = |id: Option<i64>| async move {
        Ok::<_, ServiceError>(match id {
            Some(id) => customer::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|c| c.account_number),
            None => None,
        })
    };
    let s = |b: bool| Some(b.to_string());
    let pairs = vec![
        (F::Name, Some(kp.name.clone()), Some(dp.name.clone())),
        (F::Email, kp.email.clone(), dp.email.clone()),
        (F::Phone, kp.phone.clone(), dp.phone.clone()),
        (F::Language, kp.language.clone(), dp.language.clone()),
        (
            F::Currency,
            currency_code(db, k.currency_id).await?,
            currency_code(db, d.currency_id).await?,
        ),
        (
            F::CustomerGroup,
            k.customer_group.clone(),
            d.customer_group.clone(),
        ),
        (F::PriceGroup, k.price_group.clone(), d.price_group.clone()),
        (
            F::PaymentTerms,
            terms(k.payment_terms_id).await?,
            terms(d.payment_terms_id).await?,
        ),
        (F::TaxGroup, k.tax_group.clone(), d.tax_group.clone()),
        (
            F::CreditLimit,
            Some(k.credit_limit.value().normalize().to_string()),
            Some(d.credit_limit.value().normalize().to_string()),
        ),
        (
            F::MandatoryCreditLimit,
            s(k.mandatory_credit_limit),
            s(d.mandatory_credit_limit),
        ),
        (
            F::Blocked,
            Some(k.blocked.to_value()),
            Some(d.blocked.to_value()),
        ),
        (
            F::CombineShipments,
            s(k.combine_shipments),
            s(d.combine_shipments),
        ),
        (
            F::PricesIncludingTax,
            s(k.prices_including_tax),
            s(d.prices_including_tax),
        ),
        (
            F::InvoiceAccount,
            account(k.invoice_account_id).await?,
            account(d.invoice_account_id).await?,
        ),
    ];
    Ok(pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, kept, duplicate)| Difference {
            field,
            kept,
            duplicate,
        })
        .collect())
}

struct CustomerPair {
    kept: customer::Model,
    kept_party: party::Model,
    dup: customer::Model,
    dup_party: party::Model,
}

async fn customer_pair(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
) -> ServiceResult<CustomerPair> {
    if keep_id == dup_id {
        return Err(invalid(
            "duplicateId",
            Rule::MergeSameRecord,
            "a customer cannot be merged into itself",
        ));
    }
    // Both rows locked (a merge rewrites them and everything pointing at them), the lower id
    // first so that two merges of the same pair cannot deadlock.
    let get = |id: i64| async move {
        crate::db::locking_for_delete(
            db,
            customer::Entity::find_by_id(id).filter(customer::Column::CompanyId.eq(company_id)),
        )
        .one(db)
        .await
    };
    let (first, second) = if keep_id < dup_id {
        (get(keep_id).await?, get(dup_id).await?)
    } else {
        let d = get(dup_id).await?;
        (get(keep_id).await?, d)
    };
    let kept = first.ok_or(ServiceError::NotFound("customer"))?;
    let Some(dup) = second else {
        return Err(invalid("duplicateId", Rule::NotFound, "customer not found"));
    };
    let kept_party = parties::get_party(db, company_id, kept.party_id).await?;
    let dup_party = parties::get_party(db, company_id, dup.party_id).await?;
    Ok(CustomerPair {
        kept,
        kept_party,
        dup,
        dup_party,
    })
}

async fn customer_blockers(
    db: &impl ConnectionTrait,
    p: &CustomerPair,
) -> ServiceResult<Vec<Violation>> {
    let mut out = Vec::new();
    if p.kept.currency_id != p.dup.currency_id
        && (super::has_open_entries(db, p.kept.id).await?
            || super::has_open_entries(db, p.dup.id).await?)
    {
        out.push(Violation::new(
            "duplicateId",
            Rule::MergeCurrencyConflict,
            format!(
                "{} and {} have different currencies and open ledger entries",
                p.kept.account_number, p.dup.account_number
            ),
        ));
    }
    Ok(out)
}

/// What merging customer `dup_id` into `keep_id` would do.
pub async fn preview_customer_merge(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
) -> ServiceResult<Preview<CustomerField>> {
    let p = customer_pair(db, company_id, keep_id, dup_id).await?;
    Ok(Preview {
        differences: customer_diffs(db, &p.kept, &p.kept_party, &p.dup, &p.dup_party).await?,
        conflicts: conflicts(db, p.kept_party.id, p.dup_party.id).await?,
        blockers: customer_blockers(db, &p).await?,
    })
}

/// The outcome of a merge.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The audit record.
    pub log: merge_log::Model,
}

/// Merges customer `dup_id` into `keep_id`: takes the chosen fields from the
/// duplicate, applies the conflict resolutions, re-points every reference to the duplicate
/// customer and its party, deletes both, and writes the audit record. Call it in one
/// transaction; any error leaves nothing changed.
pub async fn merge_customers(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
    take: &[CustomerField],
    resolutions: &[ConflictResolution],
    merged_by: &str,
) -> ServiceResult<(customer::Model, Merged)> {
    use CustomerField as F;
    let p = customer_pair(db, company_id, keep_id, dup_id).await?;
    if let Some(b) = customer_blockers(db, &p).await?.into_iter().next() {
        return Err(ServiceError::Invalid(vec![b]));
    }
    let found = conflicts(db, p.kept_party.id, p.dup_party.id).await?;
    let rs = check_resolutions(db, p.kept_party.id, p.dup_party.id, &found, resolutions).await?;
    if take.contains(&F::Currency)
        && p.kept.currency_id != p.dup.currency_id
        && super::has_open_entries(db, p.kept.id).await?
    {
        return Err(invalid(
            "take",
            Rule::MergeCurrencyConflict,
            "the kept customer has open entries in its currency",
        ));
    }
    apply_resolutions(db, &rs).await?;
    // fields
    let (kept, kept_party, dup, dup_party) = (p.kept, p.kept_party, p.dup, p.dup_party);
    let mut kp = kept_party.clone().into_active_model();
    let mut kc = kept.clone().into_active_model();
    for f in take {
        match f {
            F::Name => kp.name = Set(dup_party.name.clone()),
            F::Email => kp.email = Set(dup_party.email.clone()),
            F::Phone => kp.phone = Set(dup_party.phone.clone()),
            F::Language => kp.language = Set(dup_party.language.clone()),
            F::Currency => kc.currency_id = Set(dup.currency_id),
            F::CustomerGroup => kc.customer_group = Set(dup.customer_group.clone()),
            F::PriceGroup => kc.price_group = Set(dup.price_group.clone()),
            F::PaymentTerms => kc.payment_terms_id = Set(dup.payment_terms_id),
            F::TaxGroup => kc.tax_group = Set(dup.tax_group.clone()),
            F::CreditLimit => kc.credit_limit = Set(dup.credit_limit),
            F::MandatoryCreditLimit => kc.mandatory_credit_limit = Set(dup.mandatory_credit_limit),
            F::Blocked => kc.blocked = Set(dup.blocked),
            F::CombineShipments => kc.combine_shipments = Set(dup.combine_shipments),
            F::PricesIncludingTax => kc.prices_including_tax = Set(dup.prices_including_tax),
            F::InvoiceAccount => {
                kc.invoice_account_id = Set(dup.invoice_account_id.filter(|i| *i != kept.id))
            }
        }
    }
    let now = Utc::now();
    kp.updated_at = Set(now);
    kc.updated_at = Set(now);
    kp.update(db).await?;
    kc.update(db).await?;
    // references
    let mut counts = BTreeMap::new();
    repoint(db, Target::Customer, dup.id, kept.id, &mut counts).await?;
    customer::Entity::delete_by_id(dup.id).exec(db).await?;
    if dup_party.id != kept_party.id {
        repoint(db, Target::Party, dup_party.id, kept_party.id, &mut counts).await?;
        party::Entity::delete_by_id(dup_party.id).exec(db).await?;
    }
    // a customer that was its own invoice account through the duplicate pays for itself
    customer::Entity::update_many()
        .col_expr(
            customer::Column::InvoiceAccountId,
            Expr::value(Option::<i64>::None),
        )
        .filter(customer::Column::Id.eq(kept.id))
        .filter(customer::Column::InvoiceAccountId.eq(kept.id))
        .exec(db)
        .await?;
    let log = write_log(
        db,
        company_id,
        DuplicateKind::Customer,
        (kept.id, kept_party.id),
        (dup.id, dup_party.id),
        &dup.account_number,
        json!({
            "taken": take.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>(),
            "resolutions": resolution_json(&rs),
            "repointed": counts,
            "duplicateName": dup_party.name,
        }),
        merged_by,
    )
    .await?;
    let kept = parties::get_customer(db, company_id, kept.id).await?;
    Ok((kept, Merged { log }))
}

fn resolution_json(rs: &[ConflictResolution]) -> serde_json::Value {
    serde_json::Value::Array(
        rs.iter()
            .map(|r| {
                json!({
                    "table": r.table.sql(),
                    "row": r.duplicate_row_id,
                    "action": match &r.resolution {
                        Resolution::Remove => "remove".to_owned(),
                        Resolution::Rename(c) => format!("rename to {c}"),
                    },
                })
            })
            .collect(),
    )
}

#[allow(
    clippy::too_many_arguments,
    reason = "one row of the merge log: each column is an argument"
)]
async fn write_log(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: DuplicateKind,
    kept: (i64, i64),
    removed: (i64, i64),
    removed_key: &str,
    details: serde_json::Value,
    merged_by: &str,
) -> ServiceResult<merge_log::Model> {
    Ok(merge_log::ActiveModel {
        company_id: Set(company_id),
        kind: Set(kind),
        kept_id: Set(kept.0),
        removed_id: Set(removed.0),
        removed_key: Set(removed_key.to_owned()),
        kept_party_id: Set(kept.1),
        removed_party_id: Set(removed.1),
        details: Set(details.to_string()),
        merged_by: Set(merged_by.to_owned()),
        merged_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

struct ContactPair {
    kept: contact_person::Model,
    kept_party: party::Model,
    dup: contact_person::Model,
    dup_party: party::Model,
}

async fn contact_pair(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
) -> ServiceResult<ContactPair> {
    if keep_id == dup_id {
        return Err(invalid(
            "duplicateId",
            Rule::MergeSameRecord,
            "a contact person cannot be merged into itself",
        ));
    }
    // Both rows locked, the lower id first (see the customer pair).
    let get = |id: i64| async move {
        crate::db::locking_for_delete(
            db,
            contact_person::Entity::find_by_id(id)
                .filter(contact_person::Column::CompanyId.eq(company_id)),
        )
        .one(db)
        .await
    };
    let (kept, dup) = if keep_id < dup_id {
        (get(keep_id).await?, get(dup_id).await?)
    } else {
        let d = get(dup_id).await?;
        (get(keep_id).await?, d)
    };
    let kept = kept.ok_or(ServiceError::NotFound("contact person"))?;
    let Some(dup) = dup else {
        return Err(invalid(
            "duplicateId",
            Rule::NotFound,
            "contact person not found",
        ));
    };
    let kept_party = parties::get_party(db, company_id, kept.party_id).await?;
    let dup_party = parties::get_party(db, company_id, dup.party_id).await?;
    if kept_party.id == dup_party.id {
        return Err(illegal(
            "duplicateId",
            "the two contacts are the same person",
        ));
    }
    Ok(ContactPair {
        kept,
        kept_party,
        dup,
        dup_party,
    })
}

fn contact_diffs(p: &ContactPair) -> Vec<Difference<ContactField>> {
    use ContactField as F;
    let (k, d) = (&p.kept_party, &p.dup_party);
    [
        (F::Name, Some(k.name.clone()), Some(d.name.clone())),
        (F::Email, k.email.clone(), d.email.clone()),
        (F::Phone, k.phone.clone(), d.phone.clone()),
        (F::Language, k.language.clone(), d.language.clone()),
        (F::Title, p.kept.title.clone(), p.dup.title.clone()),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(field, kept, duplicate)| Difference {
        field,
        kept,
        duplicate,
    })
    .collect()
}

/// What merging contact `dup_id` into `keep_id` would do.
pub async fn preview_contact_merge(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
) -> ServiceResult<Preview<ContactField>> {
    let p = contact_pair(db, company_id, keep_id, dup_id).await?;
    Ok(Preview {
        differences: contact_diffs(&p),
        conflicts: conflicts(db, p.kept_party.id, p.dup_party.id).await?,
        blockers: vec![],
    })
}

/// Merges contact person `dup_id` into `keep_id`: like [`merge_customers`] for the contact and
/// its person party.
pub async fn merge_contacts(
    db: &impl ConnectionTrait,
    company_id: i64,
    keep_id: i64,
    dup_id: i64,
    take: &[ContactField],
    resolutions: &[ConflictResolution],
    merged_by: &str,
) -> ServiceResult<(contact_person::Model, Merged)> {
    use ContactField as F;
    let p = contact_pair(db, company_id, keep_id, dup_id).await?;
    let found = conflicts(db, p.kept_party.id, p.dup_party.id).await?;
    let rs = check_resolutions(db, p.kept_party.id, p.dup_party.id, &found, resolutions).await?;
    apply_resolutions(db, &rs).await?;
    let (kept, kept_party, dup, dup_party) = (p.kept, p.kept_party, p.dup, p.dup_party);
    let mut kp = kept_party.clone().into_active_model();
    let mut kc = kept.clone().into_active_model();
    for f in take {
        match f {
            F::Name => kp.name = Set(dup_party.name.clone()),
            F::Email => kp.email = Set(dup_party.email.clone()),
            F::Phone => kp.phone = Set(dup_party.phone.clone()),
            F::Language => kp.language = Set(dup_party.language.clone()),
            F::Title => kc.title = Set(dup.title.clone()),
        }
    }
    let now = Utc::now();
    kp.updated_at = Set(now);
    kc.updated_at = Set(now);
    kp.update(db).await?;
    let kept_row = kc.update(db).await?;
    let mut counts = BTreeMap::new();
    repoint(db, Target::ContactPerson, dup.id, kept.id, &mut counts).await?;
    contact_person::Entity::delete_by_id(dup.id)
        .exec(db)
        .await?;
    repoint(db, Target::Party, dup_party.id, kept_party.id, &mut counts).await?;
    party::Entity::delete_by_id(dup_party.id).exec(db).await?;
    let log = write_log(
        db,
        company_id,
        DuplicateKind::Contact,
        (kept.id, kept_party.id),
        (dup.id, dup_party.id),
        &dup_party.name,
        json!({
            "taken": take.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>(),
            "resolutions": resolution_json(&rs),
            "repointed": counts,
        }),
        merged_by,
    )
    .await?;
    Ok((kept_row, Merged { log }))
}

/// The company's merge log, newest first.
pub async fn merge_history(
    db: &impl ConnectionTrait,
    company_id: i64,
    limit: u64,
) -> ServiceResult<Vec<merge_log::Model>> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(merge_log::Entity::find()
        .filter(merge_log::Column::CompanyId.eq(company_id))
        .order_by_desc(merge_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What two records of a duplicate group share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedOn {
    /// The same name (ignoring case and surrounding blanks).
    Name,
    /// The same e-mail address (ignoring case).
    Email,
}

/// Records that look like duplicates of each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateGroup {
    /// What they share.
    pub matched_on: MatchedOn,
    /// The shared value, normalised.
    pub key: String,
    /// Customer or contact person ids, ascending.
    pub ids: Vec<i64>,
}

/// Customers or contact persons: what a duplicate search looks at and what a merge joined
/// (stored in `merge_log.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DuplicateKind {
    /// Customers.
    #[sea_orm(string_value = "customer")]
    Customer,
    /// Contact persons.
    #[sea_orm(string_value = "contact")]
    Contact,
}

#[derive(FromQueryResult)]
struct DupRow {
    k: String,
    id: i64,
}

/// Groups of active customers (or contacts) sharing a name or an e-mail address: candidates for
/// a merge (BC's duplicate search). Grouped in SQL, one statement per criterion; at most
/// `limit` groups, by key.
pub async fn duplicate_groups(
    db: &impl ConnectionTrait,
    company_id: i64,
    kind: DuplicateKind,
    limit: usize,
) -> ServiceResult<Vec<DuplicateGroup>> {
    let table = match kind {
        DuplicateKind::Customer => "customers",
        DuplicateKind::Contact => "contact_persons",
    };
    let b = db.get_database_backend();
    let mut out = Vec::new();
    for (m, expr) in [
        (MatchedOn::Name, "LOWER(TRIM(p.name))"),
        (MatchedOn::Email, "LOWER(TRIM(p.email))"),
    ] {
        let text = format!(
            "SELECT {expr} AS k, r.id AS id FROM {table} r JOIN parties p ON p.id = r.party_id \
             WHERE r.company_id = ? AND r.archived_at IS NULL AND {expr} IN ( \
               SELECT {expr} FROM {table} r JOIN parties p ON p.id = r.party_id \
               WHERE r.company_id = ? AND r.archived_at IS NULL AND {expr} IS NOT NULL AND {expr} <> '' \
               GROUP BY {expr} HAVING COUNT(*) > 1) \
             ORDER BY k, id"
        );
        let rows = DupRow::find_by_statement(crate::db::sql(
            b,
            &text,
            vec![company_id.into(), company_id.into()],
        ))
        .all(db)
        .await?;
        let mut cur: Option<DuplicateGroup> = None;
        for r in rows {
            match &mut cur {
                Some(g) if g.key == r.k => g.ids.push(r.id),
                _ => {
                    if let Some(g) = cur.take() {
                        out.push(g);
                    }
                    cur = Some(DuplicateGroup {
                        matched_on: m,
                        key: r.k,
                        ids: vec![r.id],
                    });
                }
            }
        }
        out.extend(cur);
    }
    out.sort_by(|a, b| (&a.key, a.matched_on).cmp(&(&b.key, b.matched_on)));
    out.truncate(limit);
    Ok(out)
}
