//! What every coded setup table shares (currencies, tax codes, payment terms, units of measure,
//! warehouses): a unique code per company, a name, archiving, and lists sorted by code.
//! One generic [`CodeTable`] does the duplicate check, the filtered list, the count and the
//! lookup by id, so the areas keep only their own rules.

use crate::error::{ServiceError, ServiceResult};
use crate::paging::{Cursor, Key, Keyset, Page, PageArgs};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func};
use sea_orm::{Condition, ConnectionTrait, Value};

/// Filter for code lists.
#[derive(Debug, Clone, Default)]
pub struct CodeFilter {
    /// Case-insensitive part of the code or name.
    pub search: Option<String>,
    /// `Some(true)` only archived, `Some(false)` only active, `None` both.
    pub archived: Option<bool>,
}

/// The columns of a coded table and the noun for messages.
#[derive(Debug, Clone, Copy)]
pub struct CodeTable<E: EntityTrait> {
    /// `company_id`
    pub company: E::Column,
    /// `id`
    pub id: E::Column,
    /// `code`
    pub code: E::Column,
    /// The name or description column searched with the code.
    pub name: E::Column,
    /// `archived_at`
    pub archived_at: E::Column,
    /// Name for messages, e.g. "tax code".
    pub noun: &'static str,
}

/// Applies a [`CodeFilter`] to a select over a table with a code, a name and `archived_at`.
pub fn code_filter<E: EntityTrait>(
    q: Select<E>,
    f: &CodeFilter,
    code: E::Column,
    name: E::Column,
    archived_at: E::Column,
) -> Select<E> {
    let mut q = q;
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pat = format!("%{}%", s.to_lowercase());
        q = q.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(code))).like(pat.clone()))
                .add(Expr::expr(Func::lower(Expr::col(name))).like(pat)),
        );
    }
    match f.archived {
        Some(true) => q.filter(archived_at.is_not_null()),
        Some(false) => q.filter(archived_at.is_null()),
        None => q,
    }
}

impl<E> CodeTable<E>
where
    E: EntityTrait,
    E::Model: Sync,
{
    /// Rows of one company matching the filter.
    pub fn query(&self, company_id: i64, f: &CodeFilter) -> Select<E> {
        code_filter(
            E::find().filter(self.company.eq(company_id)),
            f,
            self.code,
            self.name,
            self.archived_at,
        )
    }

    /// True when the company already uses the code.
    pub async fn taken(
        &self,
        db: &impl ConnectionTrait,
        company_id: i64,
        code: &str,
    ) -> ServiceResult<bool> {
        Ok(E::find()
            .filter(self.company.eq(company_id))
            .filter(self.code.eq(code))
            .one(db)
            .await?
            .is_some())
    }

    /// One row of the company, or `NotFound`.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        company_id: i64,
        id: i64,
    ) -> ServiceResult<E::Model> {
        E::find()
            .filter(self.id.eq(id))
            .filter(self.company.eq(company_id))
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound(self.noun))
    }

    /// [`CodeTable::get`], locked until the transaction ends ([`crate::db::locking`]): for a
    /// service that changes the row.
    pub async fn lock(
        &self,
        db: &impl ConnectionTrait,
        company_id: i64,
        id: i64,
    ) -> ServiceResult<E::Model> {
        crate::db::locking(
            db,
            E::find()
                .filter(self.id.eq(id))
                .filter(self.company.eq(company_id)),
        )
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound(self.noun))
    }

    /// One page of the company's rows, sorted by code.
    pub async fn page(
        &self,
        db: &impl ConnectionTrait,
        company_id: i64,
        f: &CodeFilter,
        desc: bool,
        args: &PageArgs,
    ) -> ServiceResult<Page<E::Model>> {
        let ks = Keyset::new(
            Expr::col((E::default(), self.code)),
            Expr::col((E::default(), self.id)),
            desc,
        );
        let (q, w) = ks.apply(self.query(company_id, f), args)?;
        let rows = q.all(db).await?;
        Ok(ks.finish(rows, w, |m| {
            Cursor::new(
                Key::Str(match m.get(self.code) {
                    Value::String(Some(s)) => s,
                    _ => String::new(),
                }),
                match m.get(self.id) {
                    Value::BigInt(Some(i)) => i,
                    _ => 0,
                },
            )
        }))
    }

    /// Number of the company's rows matching the filter.
    pub async fn count(
        &self,
        db: &impl ConnectionTrait,
        company_id: i64,
        f: &CodeFilter,
    ) -> ServiceResult<u64> {
        Ok(self.query(company_id, f).count(db).await?)
    }
}
