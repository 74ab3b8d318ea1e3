//! Parties without a role yet, and the prospect role with its conversion to a customer.

use super::{ProspectStatus, get_row, illegal, page_by_text, prospect};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::numbering::{SequenceKind, number_for};
use crate::paging::{Page, PageArgs};
use crate::parties::{
    self, NewAddress, NewCustomer, PartyDetails, PartyKind, PartyPatch, check_address, check_party,
    customer, duplicate_codes, insert_address, insert_party, party,
};
use crate::validate;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, Query};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

/// Input of [`create_party`].
#[derive(Debug, Clone)]
pub struct NewParty {
    /// Organisation or person.
    pub kind: PartyKind,
    /// Name, e-mail, phone, language.
    pub details: PartyDetails,
    /// Addresses to create with it.
    pub addresses: Vec<NewAddress>,
}

/// Creates a party (an organisation or person) with its addresses and no role yet.
pub async fn create_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewParty,
) -> ServiceResult<party::Model> {
    let mut v = Violations::new();
    let p = check_party(&mut v, "", &input.details);
    let addrs: Vec<_> = input
        .addresses
        .iter()
        .enumerate()
        .map(|(i, a)| check_address(&mut v, &format!("addresses.{i}."), a))
        .collect();
    duplicate_codes(&mut v, &input.addresses);
    v.finish()?;
    let Some(p) = p else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let row = insert_party(db, company_id, input.kind, p).await?;
    for a in addrs.into_iter().flatten() {
        insert_address(db, company_id, row.id, a).await?;
    }
    Ok(row)
}

/// Changes a party's name, e-mail, phone or language.
pub async fn update_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: PartyPatch,
) -> ServiceResult<party::Model> {
    let row = parties::get_party(db, company_id, id).await?;
    let mut v = Violations::new();
    let am = parties::patch_party(db, &mut v, row.id, &p).await?;
    v.finish()?;
    match am {
        Some(am) => Ok(am.update(db).await?),
        None => Ok(row),
    }
}

/// Which parties a list shows.
#[derive(Debug, Clone, Default)]
pub struct PartyFilter {
    /// Case-insensitive part of the name or e-mail.
    pub search: Option<String>,
    /// Only organisations or only persons.
    pub kind: Option<PartyKind>,
    /// `Some(true)`: only parties with a customer role; `Some(false)`: only without.
    pub is_customer: Option<bool>,
    /// `Some(true)`: only parties with a prospect role; `Some(false)`: only without.
    pub is_prospect: Option<bool>,
}

fn role_exists(table: &'static str, col: &'static str) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(sea_orm::sea_query::Alias::new(table))
            .and_where(
                Expr::col((
                    sea_orm::sea_query::Alias::new(table),
                    sea_orm::sea_query::Alias::new(col),
                ))
                .equals((party::Entity, party::Column::Id)),
            )
            .to_owned(),
    )
}

fn party_query(company_id: i64, f: &PartyFilter) -> Select<party::Entity> {
    let mut q = party::Entity::find().filter(party::Column::CompanyId.eq(company_id));
    if let Some(c) = super::search_any(
        f.search.as_deref(),
        &[party::Column::Name, party::Column::Email],
    ) {
        q = q.filter(c);
    }
    if let Some(k) = f.kind {
        q = q.filter(party::Column::Kind.eq(k));
    }
    if let Some(b) = f.is_customer {
        let e = role_exists("customers", "party_id");
        q = q.filter(if b { e } else { e.not() });
    }
    if let Some(b) = f.is_prospect {
        let e = role_exists("prospects", "party_id");
        q = q.filter(if b { e } else { e.not() });
    }
    q
}

/// One page of the company's parties by name.
pub async fn list_parties(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &PartyFilter,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<party::Model>> {
    page_by_text(
        db,
        party_query(company_id, f),
        party::Column::Name,
        party::Column::Id,
        desc,
        args,
    )
    .await
}

/// Number of parties matching the filter.
pub async fn count_parties(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &PartyFilter,
) -> ServiceResult<u64> {
    Ok(party_query(company_id, f).count(db).await?)
}

// ---------------------------------------------------------------- prospects

/// One prospect of the company.
pub async fn get_prospect(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<prospect::Model> {
    get_row::<prospect::Entity>(
        db,
        prospect::Column::CompanyId,
        prospect::Column::Id,
        company_id,
        id,
        "prospect",
    )
    .await
}

/// [`get_prospect`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_prospect(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<prospect::Model> {
    super::lock_row::<prospect::Entity>(
        db,
        prospect::Column::CompanyId,
        prospect::Column::Id,
        company_id,
        id,
        "prospect",
    )
    .await
}

/// Input of [`create_prospect`]: on an existing party, or with a new one.
#[derive(Debug, Clone)]
pub struct NewProspect {
    /// Number; drawn from the prospect sequence when absent.
    pub number: Option<String>,
    /// An existing party without a customer or prospect role.
    pub party_id: Option<i64>,
    /// Or a new party.
    pub party: Option<NewParty>,
    /// Responsible salesperson (a code).
    pub salesperson: Option<String>,
    /// Segment (a code), for target selection.
    pub segment: Option<String>,
}

/// Makes a party a prospect.
pub async fn create_prospect(
    db: &impl ConnectionTrait,
    company_id: i64,
    input: NewProspect,
) -> ServiceResult<prospect::Model> {
    let mut v = Violations::new();
    let salesperson = v.check(validate::opt_code(
        "salesperson",
        input.salesperson.as_deref(),
    ));
    let segment = v.check(validate::opt_code("segment", input.segment.as_deref()));
    if input.party_id.is_some() == input.party.is_some() {
        v.push(Violation::new(
            "partyId",
            Rule::Required,
            "give either partyId (an existing party) or party (a new one)",
        ));
    }
    if let Some(pid) = input.party_id {
        match parties::get_party(db, company_id, pid).await {
            Ok(_) => {
                let is_customer = customer::Entity::find()
                    .filter(customer::Column::PartyId.eq(pid))
                    .one(db)
                    .await?
                    .is_some();
                let is_prospect = prospect::Entity::find()
                    .filter(prospect::Column::PartyId.eq(pid))
                    .one(db)
                    .await?
                    .is_some();
                if is_customer {
                    v.push(Violation::new(
                        "partyId",
                        Rule::InvalidValue,
                        "the party is already a customer",
                    ));
                } else if is_prospect {
                    v.push(Violation::new(
                        "partyId",
                        Rule::Duplicate,
                        "the party is already a prospect",
                    ));
                }
            }
            Err(ServiceError::NotFound(_)) => {
                v.push(Violation::new("partyId", Rule::NotFound, "party not found"))
            }
            Err(e) => return Err(e),
        }
    }
    v.finish()?;
    let (Some(salesperson), Some(segment)) = (salesperson, segment) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = number_for::<prospect::Entity>(
        db,
        company_id,
        SequenceKind::Prospect,
        input.number.as_deref(),
        (prospect::Column::CompanyId, prospect::Column::Number),
        "prospect",
    )
    .await?;
    let party_id = match (input.party_id, input.party) {
        (Some(id), _) => id,
        (None, Some(p)) => prefixed(create_party(db, company_id, p).await, "party.")?.id,
        (None, None) => return Err(ServiceError::Invalid(vec![])),
    };
    let now = Utc::now();
    Ok(prospect::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(party_id),
        number: Set(number),
        salesperson: Set(salesperson),
        segment: Set(segment),
        status: Set(ProspectStatus::Active),
        converted_customer_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Puts a prefix before the field paths of a nested input's violations.
pub(crate) fn prefixed<T>(r: ServiceResult<T>, prefix: &str) -> ServiceResult<T> {
    r.map_err(|e| match e {
        ServiceError::Invalid(vs) => ServiceError::Invalid(
            vs.into_iter()
                .map(|mut v| {
                    let mut f: Vec<String> = prefix
                        .split('.')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    f.append(&mut v.field);
                    v.field = f;
                    v
                })
                .collect(),
        ),
        other => other,
    })
}

/// Patch of a prospect.
#[derive(Debug, Clone, Default)]
pub struct ProspectPatch {
    /// Salesperson.
    pub salesperson: Option<Option<String>>,
    /// Segment.
    pub segment: Option<Option<String>>,
    /// Active or inactive (converted is set only by conversion).
    pub status: Option<ProspectStatus>,
}

/// Changes a prospect.
pub async fn update_prospect(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: ProspectPatch,
) -> ServiceResult<prospect::Model> {
    let row = lock_prospect(db, company_id, id).await?;
    let mut v = Violations::new();
    let sp = p
        .salesperson
        .map(|s| v.check(validate::opt_code("salesperson", s.as_deref())));
    let seg = p
        .segment
        .map(|s| v.check(validate::opt_code("segment", s.as_deref())));
    v.finish()?;
    if let Some(st) = p.status {
        if row.status == ProspectStatus::Converted {
            return Err(illegal(
                "status",
                format!("prospect {} was converted to a customer", row.number),
            ));
        }
        if st == ProspectStatus::Converted {
            return Err(illegal(
                "status",
                "a prospect becomes converted only by converting it to a customer",
            ));
        }
    }
    let mut am: prospect::ActiveModel = row.into();
    if let Some(Some(x)) = sp {
        am.salesperson = Set(x);
    }
    if let Some(Some(x)) = seg {
        am.segment = Set(x);
    }
    if let Some(st) = p.status {
        am.status = Set(st);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Converts a prospect to a customer on the same party. The customer input's
/// kind and details are ignored: the party keeps its own name and addresses.
pub async fn convert_prospect(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    customer_input: NewCustomer,
) -> ServiceResult<(prospect::Model, customer::Model)> {
    let row = lock_prospect(db, company_id, id).await?;
    if row.status != ProspectStatus::Active {
        return Err(illegal(
            "id",
            format!(
                "prospect {} is {} and cannot be converted",
                row.number,
                row.status.as_str()
            ),
        ));
    }
    let c = prefixed(
        parties::create_customer_on(db, company_id, customer_input, Some(row.party_id)).await,
        "customer.",
    )?;
    let mut am: prospect::ActiveModel = row.into();
    am.status = Set(ProspectStatus::Converted);
    am.converted_customer_id = Set(Some(c.id));
    am.updated_at = Set(Utc::now());
    Ok((am.update(db).await?, c))
}

/// Which prospects a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProspectFilter {
    /// Part of the party name.
    pub search: Option<String>,
    /// Status.
    pub status: Option<ProspectStatus>,
    /// Segment.
    pub segment: Option<String>,
    /// Salesperson.
    pub salesperson: Option<String>,
}

fn prospect_query(company_id: i64, f: &ProspectFilter) -> Select<prospect::Entity> {
    let mut q = prospect::Entity::find().filter(prospect::Column::CompanyId.eq(company_id));
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pat = format!("%{}%", s.to_lowercase());
        q = q.filter(
            prospect::Column::PartyId.in_subquery(
                Query::select()
                    .column(party::Column::Id)
                    .from(party::Entity)
                    .and_where(Expr::expr(Func::lower(Expr::col(party::Column::Name))).like(pat))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(prospect::Column::Status.eq(s));
    }
    if let Some(s) = &f.segment {
        q = q.filter(prospect::Column::Segment.eq(s.as_str()));
    }
    if let Some(s) = &f.salesperson {
        q = q.filter(prospect::Column::Salesperson.eq(s.as_str()));
    }
    q
}

/// Sort of the prospect list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProspectSort {
    /// Number, in numeric order.
    #[default]
    Number,
    /// Creation.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One page of prospects in the given order, the id breaking ties.
pub async fn list_prospects(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &ProspectFilter,
    sort: ProspectSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<prospect::Model>> {
    use super::SortKey;
    use prospect::Column as C;
    let key = match sort {
        ProspectSort::Number => SortKey::Number(C::Number),
        ProspectSort::CreatedAt => SortKey::Time(C::CreatedAt),
        ProspectSort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    super::page_sorted(db, prospect_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of prospects matching the filter.
pub async fn count_prospects(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &ProspectFilter,
) -> ServiceResult<u64> {
    Ok(prospect_query(company_id, f).count(db).await?)
}

/// A party named through any of its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyRef {
    /// A party id.
    Party(i64),
    /// A customer id.
    Customer(i64),
    /// A prospect id.
    Prospect(i64),
    /// A contact person id (its own person party).
    Contact(i64),
}

/// The party id behind a reference; a `NotFound` violation on `field` when it does not exist
/// in the company.
pub async fn resolve_party(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: PartyRef,
    field: &str,
) -> ServiceResult<i64> {
    let found = match r {
        PartyRef::Party(id) => parties::get_party(db, company_id, id).await.map(|p| p.id),
        PartyRef::Customer(id) => parties::get_customer(db, company_id, id)
            .await
            .map(|c| c.party_id),
        PartyRef::Prospect(id) => get_prospect(db, company_id, id).await.map(|p| p.party_id),
        PartyRef::Contact(id) => parties::contact_person::Entity::find_by_id(id)
            .filter(parties::contact_person::Column::CompanyId.eq(company_id))
            .one(db)
            .await?
            .map(|c| c.party_id)
            .ok_or(ServiceError::NotFound("contact person")),
    };
    match found {
        Ok(id) => Ok(id),
        Err(ServiceError::NotFound(what)) => {
            Err(Violation::new(field, Rule::NotFound, format!("{what} not found")).into())
        }
        Err(e) => Err(e),
    }
}
