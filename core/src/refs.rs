//! Checks on references between rows, and archiving, done the same way for every table.
//!
//! A reference from new or changed data must point at a row of the same company that is not
//! archived. Archiving never deletes: documents keep pointing at archived rows.

use crate::error::{Rule, ServiceError, ServiceResult, Violation};
use chrono::Utc;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// Tables that can be archived, with their human name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `currencies`
    Currency,
    /// `tax_codes`
    TaxCode,
    /// `payment_terms`
    PaymentTerms,
    /// `units_of_measure`
    UnitOfMeasure,
    /// `warehouses`
    Warehouse,
    /// `customers`
    Customer,
    /// `vendors`
    Vendor,
    /// `contact_persons`
    ContactPerson,
    /// `items`
    Item,
    /// `sales_cycles`
    SalesCycle,
    /// `trade_agreements`
    TradeAgreement,
}

impl Table {
    /// SQL table name.
    pub fn sql(self) -> &'static str {
        match self {
            Table::Currency => "currencies",
            Table::TaxCode => "tax_codes",
            Table::PaymentTerms => "payment_terms",
            Table::UnitOfMeasure => "units_of_measure",
            Table::Warehouse => "warehouses",
            Table::Customer => "customers",
            Table::Vendor => "vendors",
            Table::ContactPerson => "contact_persons",
            Table::Item => "items",
            Table::SalesCycle => "sales_cycles",
            Table::TradeAgreement => "trade_agreements",
        }
    }
    /// Name for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Table::Currency => "currency",
            Table::TaxCode => "tax code",
            Table::PaymentTerms => "payment terms",
            Table::UnitOfMeasure => "unit of measure",
            Table::Warehouse => "warehouse",
            Table::Customer => "customer",
            Table::Vendor => "vendor",
            Table::ContactPerson => "contact person",
            Table::Item => "item",
            Table::SalesCycle => "sales cycle",
            Table::TradeAgreement => "trade agreement",
        }
    }
}

/// Whether a row exists in the company and whether it is archived.
async fn state(
    db: &impl ConnectionTrait,
    company_id: i64,
    table: Table,
    id: i64,
) -> Result<Option<bool>, DbErr> {
    let q = Query::select()
        .expr(Expr::col(Alias::new("archived_at")).is_not_null())
        .from(Alias::new(table.sql()))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("company_id")).eq(company_id))
        .to_owned();
    let row = db.query_one(&q).await?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some(r.try_get_by_index::<bool>(0)?)),
    }
}

/// A reference that new data may use: it exists in this company and is not archived.
pub async fn usable(
    db: &impl ConnectionTrait,
    company_id: i64,
    table: Table,
    id: i64,
    field: &str,
) -> ServiceResult<Result<(), Violation>> {
    Ok(match state(db, company_id, table, id).await? {
        None => Err(Violation::new(
            field,
            Rule::NotFound,
            format!("{} not found", table.noun()),
        )),
        Some(true) => Err(Violation::new(
            field,
            Rule::Archived,
            format!("the {} is archived and cannot be used", table.noun()),
        )),
        Some(false) => Ok(()),
    })
}

/// Archives or restores a row of this company.
pub async fn set_archived(
    db: &impl ConnectionTrait,
    company_id: i64,
    table: Table,
    id: i64,
    archived: bool,
) -> ServiceResult<()> {
    let now = Utc::now();
    let value = if archived { Some(now) } else { None };
    let q = Query::update()
        .table(Alias::new(table.sql()))
        .value(Alias::new("archived_at"), value)
        .value(Alias::new("updated_at"), now)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("company_id")).eq(company_id))
        .to_owned();
    let res = db.execute(&q).await?;
    if res.rows_affected() == 0 {
        return Err(ServiceError::NotFound(table.noun()));
    }
    Ok(())
}
