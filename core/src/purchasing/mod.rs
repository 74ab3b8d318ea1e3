//! Purchasing, as far as sales needs it: vendors (drop shipment and special orders come later).
//!
//! Owns: the vendor role of a party, vendor account numbers.
//! Must never: share a party between companies.

mod entities;
pub use entities::vendor;

use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::numbering::SequenceKind;
use crate::numbering::free_number;
use crate::paging::{Cursor, Keyset, Page, PageArgs};
use crate::parties::{
    PartyDetails, PartyKind, PartyPatch, check_party, insert_party, party, patch_party,
};
use crate::refs::{self, Table};
use crate::validate;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, JoinType, QuerySelect};

/// Input of [`create_vendor`].
#[derive(Debug, Clone)]
pub struct NewVendor {
    /// Account number; drawn from the vendor sequence when absent.
    pub account_number: Option<String>,
    /// Name, e-mail, phone.
    pub details: PartyDetails,
    /// Currency id.
    pub currency_id: i64,
    /// Payment terms id.
    pub payment_terms_id: Option<i64>,
    /// Tax group.
    pub tax_group: Option<String>,
}

async fn taken(db: &impl ConnectionTrait, company_id: i64, n: &str) -> ServiceResult<bool> {
    Ok(vendor::Entity::find()
        .filter(vendor::Column::CompanyId.eq(company_id))
        .filter(vendor::Column::AccountNumber.eq(n))
        .one(db)
        .await?
        .is_some())
}

/// Creates a vendor with its party.
pub async fn create_vendor(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewVendor,
) -> ServiceResult<vendor::Model> {
    let mut v = Violations::new();
    let number = match input.account_number.as_deref() {
        Some(n) => v.check(validate::code("accountNumber", n)).map(Some),
        None => Some(None),
    };
    let party = check_party(&mut v, "", &input.details);
    let tax = v.check(
        input
            .tax_group
            .as_deref()
            .map(|g| validate::code("taxGroup", g))
            .transpose(),
    );
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
    if let Some(pt) = input.payment_terms_id {
        v.check(refs::usable(db, company_id, Table::PaymentTerms, pt, "paymentTermsId").await?);
    }
    if let Some(Some(n)) = &number
        && taken(db, company_id, n).await?
    {
        v.push(Violation::new(
            "accountNumber",
            Rule::Duplicate,
            format!("vendor {n} already exists"),
        ));
    }
    v.finish()?;
    let (Some(number), Some(party), Some(tax)) = (number, party, tax) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = match number {
        Some(n) => n,
        None => {
            free_number(db, company_id, SequenceKind::Vendor, |n| async move {
                taken(db, company_id, &n).await
            })
            .await?
        }
    };
    let p = insert_party(db, company_id, PartyKind::Organization, party).await?;
    let now = Utc::now();
    Ok(vendor::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(p.id),
        account_number: Set(number),
        currency_id: Set(input.currency_id),
        payment_terms_id: Set(input.payment_terms_id),
        tax_group: Set(tax),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// One vendor of the company.
pub async fn get_vendor(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<vendor::Model> {
    vendor::Entity::find_by_id(id)
        .filter(vendor::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("vendor"))
}

/// Changes a vendor's name, contact data or payment terms.
pub async fn update_vendor(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: PartyPatch,
    payment_terms_id: Option<Option<i64>>,
) -> ServiceResult<vendor::Model> {
    let row = crate::db::locking(
        db,
        vendor::Entity::find_by_id(id).filter(vendor::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("vendor"))?;
    let mut v = Violations::new();
    let party = patch_party(db, &mut v, row.party_id, &p).await?;
    if let Some(Some(pt)) = payment_terms_id {
        v.check(refs::usable(db, company_id, Table::PaymentTerms, pt, "paymentTermsId").await?);
    }
    v.finish()?;
    if let Some(am) = party {
        am.update(db).await?;
    }
    let mut am: vendor::ActiveModel = row.into();
    if let Some(x) = payment_terms_id {
        am.payment_terms_id = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Filter of the vendor list.
#[derive(Debug, Clone, Default)]
pub struct VendorFilter {
    /// Part of account number or name.
    pub search: Option<String>,
    /// Archived or not; both when absent.
    pub archived: Option<bool>,
}

fn vendor_query(company_id: i64, f: &VendorFilter) -> Select<vendor::Entity> {
    let mut q = vendor::Entity::find()
        .join(JoinType::InnerJoin, vendor::Relation::Party.def())
        .filter(vendor::Column::CompanyId.eq(company_id));
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pat = format!("%{}%", s.to_lowercase());
        q = q.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        vendor::Entity,
                        vendor::Column::AccountNumber,
                    ))))
                    .like(pat.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col((party::Entity, party::Column::Name))))
                        .like(pat),
                ),
        );
    }
    match f.archived {
        Some(true) => q.filter(vendor::Column::ArchivedAt.is_not_null()),
        Some(false) => q.filter(vendor::Column::ArchivedAt.is_null()),
        None => q,
    }
}

/// Vendors of the company with their parties, sorted by account number.
pub async fn list_vendors(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &VendorFilter,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<(vendor::Model, party::Model)>> {
    let ks = Keyset::new(
        crate::paging::number_order("vendors", "account_number"),
        Expr::col((vendor::Entity, vendor::Column::Id)),
        desc,
    );
    let (q, w) = ks.apply(vendor_query(company_id, f).select_also(party::Entity), args)?;
    let rows: Vec<(vendor::Model, Option<party::Model>)> = q.all(db).await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter_map(|(c, p)| p.map(|p| (c, p)))
        .collect();
    Ok(ks.finish(rows, w, |(c, _)| {
        Cursor::new(crate::paging::number_key(&c.account_number), c.id)
    }))
}

/// Number of vendors matching the filter.
pub async fn count_vendors(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &VendorFilter,
) -> ServiceResult<u64> {
    Ok(vendor_query(company_id, f).count(db).await?)
}
