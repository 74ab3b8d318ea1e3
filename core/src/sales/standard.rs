//! Standard (recurring) sales lines: a code with lines and no prices,
//! assigned to customers, inserted into orders (by hand, or automatically when the order is
//! created) and priced at insertion like any line.

use super::{NewOrderLine, sales_order, violation};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::Quantity;
use crate::refs::{self, Table};
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

/// When a customer's standard sales code reaches its orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InsertOnOrder {
    /// Into every new order of the customer, when the order is created.
    #[sea_orm(string_value = "automatic")]
    Automatic,
    /// Only when a clerk inserts it.
    #[sea_orm(string_value = "manual")]
    Manual,
}

/// Standard sales codes.
pub mod standard_code {
    use sea_orm::entity::prelude::*;
    /// A row of `standard_sales_codes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "standard_sales_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub description: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Lines of standard sales codes.
pub mod standard_code_line {
    use crate::money::Quantity;
    use sea_orm::entity::prelude::*;
    /// A row of `standard_sales_code_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "standard_sales_code_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub standard_code_id: i64,
        pub position: i32,
        pub item_id: i64,
        pub description: Option<String>,
        pub quantity: Quantity,
        pub unit_id: Option<i64>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Codes assigned to customers.
pub mod customer_standard_code {
    use sea_orm::entity::prelude::*;
    /// A row of `customer_standard_codes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_standard_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub customer_id: i64,
        pub standard_code_id: i64,
        pub valid_from: Option<Date>,
        pub valid_to: Option<Date>,
        pub insert_on_order: super::InsertOnOrder,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a new standard sales code.
#[derive(Debug, Clone)]
pub struct NewStandardLine {
    /// Item.
    pub item_id: i64,
    /// Text; the item name when absent.
    pub description: Option<String>,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit; the item's base unit when absent.
    pub unit_id: Option<i64>,
}

/// Creates a standard sales code with its lines.
pub async fn create_standard_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
    description: &str,
    lines: Vec<NewStandardLine>,
) -> ServiceResult<standard_code::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", code));
    let desc = v.check(validate::name(
        "description",
        description,
        validate::MAX_NAME,
    ));
    if lines.is_empty() {
        v.push(Violation::new(
            "lines",
            Rule::Required,
            "a standard sales code needs lines",
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        v.check(
            refs::usable(
                db,
                company_id,
                Table::Item,
                l.item_id,
                &format!("lines.{i}.itemId"),
            )
            .await?,
        );
        if let Some(u) = l.unit_id {
            v.check(
                refs::usable(
                    db,
                    company_id,
                    Table::UnitOfMeasure,
                    u,
                    &format!("lines.{i}.unitId"),
                )
                .await?,
            );
        }
        if l.quantity <= Decimal::ZERO {
            v.push(Violation::new(
                &format!("lines.{i}.quantity"),
                Rule::OutOfRange,
                "quantity must be above 0",
            ));
        }
        v.check(validate::quantity(
            &format!("lines.{i}.quantity"),
            l.quantity,
        ));
        v.check(validate::opt_text(
            &format!("lines.{i}.description"),
            l.description.as_deref(),
            validate::MAX_NAME,
        ));
    }
    if let Some(c) = &code
        && standard_code::Entity::find()
            .filter(standard_code::Column::CompanyId.eq(company_id))
            .filter(standard_code::Column::Code.eq(c.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("standard sales code {c} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(desc)) = (code, desc) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    let sc = standard_code::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        description: Set(desc),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (i, l) in lines.into_iter().enumerate() {
        standard_code_line::ActiveModel {
            company_id: Set(company_id),
            standard_code_id: Set(sc.id),
            position: Set(i as i32 + 1),
            item_id: Set(l.item_id),
            description: Set(l.description),
            quantity: Set(Quantity::new(l.quantity).map_err(|_| {
                violation("quantity", Rule::OutOfRange, "quantity is out of range")
            })?),
            unit_id: Set(l.unit_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(sc)
}

async fn code_by_name(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
) -> ServiceResult<standard_code::Model> {
    standard_code::Entity::find()
        .filter(standard_code::Column::CompanyId.eq(company_id))
        .filter(standard_code::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            violation(
                "code",
                Rule::NotFound,
                format!("standard sales code {code} not found"),
            )
        })
}

/// Assigns a code to a customer; `automatic` inserts its lines into every new order of the
/// customer while the assignment is valid.
pub async fn assign_standard_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_id: i64,
    code: &str,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    automatic: bool,
) -> ServiceResult<customer_standard_code::Model> {
    refs::usable(db, company_id, Table::Customer, customer_id, "customerId").await??;
    // The customer locked: two assignments of one code at once give one row and a DUPLICATE.
    crate::db::locking(
        db,
        crate::parties::customer::Entity::find_by_id(customer_id)
            .filter(crate::parties::customer::Column::CompanyId.eq(company_id)),
    )
    .one(db)
    .await?;
    let sc = code_by_name(db, company_id, code).await?;
    if let (Some(f), Some(t)) = (valid_from, valid_to)
        && t < f
    {
        return Err(violation(
            "validTo",
            Rule::InvalidValue,
            "validTo is before validFrom",
        ));
    }
    let dup = customer_standard_code::Entity::find()
        .filter(customer_standard_code::Column::CustomerId.eq(customer_id))
        .filter(customer_standard_code::Column::StandardCodeId.eq(sc.id))
        .one(db)
        .await?;
    if dup.is_some() {
        return Err(violation(
            "code",
            Rule::Duplicate,
            format!("{code} is already assigned to the customer"),
        ));
    }
    Ok(customer_standard_code::ActiveModel {
        company_id: Set(company_id),
        customer_id: Set(customer_id),
        standard_code_id: Set(sc.id),
        valid_from: Set(valid_from),
        valid_to: Set(valid_to),
        insert_on_order: Set(if automatic {
            InsertOnOrder::Automatic
        } else {
            InsertOnOrder::Manual
        }),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The lines of a standard sales code as order lines (unpriced: pricing happens on insertion).
pub async fn standard_lines(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
) -> ServiceResult<Vec<NewOrderLine>> {
    let sc = code_by_name(db, company_id, code).await?;
    Ok(standard_code_line::Entity::find()
        .filter(standard_code_line::Column::StandardCodeId.eq(sc.id))
        .order_by_asc(standard_code_line::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| NewOrderLine {
            item_id: l.item_id,
            quantity: l.quantity.value(),
            unit_id: l.unit_id,
            unit_price: None,
            discount_percent: None,
            description: l.description,
        })
        .collect())
}

/// The lines a new order of a customer gets automatically on a date: those of every assigned
/// code marked automatic and valid on the date.
pub async fn automatic_lines(
    db: &impl ConnectionTrait,
    company_id: i64,
    customer_id: i64,
    on: NaiveDate,
) -> ServiceResult<Vec<NewOrderLine>> {
    let assigned = customer_standard_code::Entity::find()
        .filter(customer_standard_code::Column::CustomerId.eq(customer_id))
        .filter(customer_standard_code::Column::InsertOnOrder.eq(InsertOnOrder::Automatic))
        .order_by_asc(customer_standard_code::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for a in assigned {
        if a.valid_from.is_some_and(|f| on < f) || a.valid_to.is_some_and(|t| on > t) {
            continue;
        }
        if let Some(sc) = standard_code::Entity::find_by_id(a.standard_code_id)
            .one(db)
            .await?
            && sc.archived_at.is_none()
        {
            out.extend(standard_lines(db, company_id, &sc.code).await?);
        }
    }
    Ok(out)
}

/// Inserts a standard sales code's lines into an open order, priced now.
pub(crate) async fn insert_standard_lines(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    code: &str,
) -> ServiceResult<sales_order::Model> {
    let lines = standard_lines(db, company_id, code).await?;
    let mut order = super::lock_order(db, company_id, order_id).await?;
    for l in lines {
        order = super::add_line(db, company_id, order.id, l).await?;
    }
    Ok(order)
}
