//! Standard sales codes: recurring lines assigned to customers and inserted into orders.

use super::orders::{SalesOrder, SalesOrderPayload};
use crate::graphql::catalog::Item;
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::Kind;
use crate::graphql::scalars::{Date, Dec};
use crate::graphql::{change, company_id, db, loaders, require, the_order, write};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::{self};
use sea_orm::EntityTrait as _;

/// A line of a standard sales code.
#[derive(SimpleObject)]
pub struct StandardSalesCodeLine {
    /// The item.
    pub item: Item,
    /// Quantity.
    pub quantity: Dec,
    /// Text, when not the item's name.
    pub description: Option<String>,
}

/// A standard sales code: recurring lines without prices.
#[derive(SimpleObject)]
pub struct StandardSalesCode {
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// Lines, in order.
    pub lines: Vec<StandardSalesCodeLine>,
}

async fn standard_codes(
    ctx: &Context<'_>,
    codes: Vec<sales::standard::standard_code::Model>,
) -> Result<Vec<StandardSalesCode>> {
    use sales::standard::standard_code_line as scl;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let db = &db(ctx)?.conn;
    let rows = scl::Entity::find()
        .filter(scl::Column::StandardCodeId.is_in(codes.iter().map(|c| c.id)))
        .order_by_asc(scl::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    let items = loaders(ctx)?
        .item
        .load_many(rows.iter().map(|r| r.item_id))
        .await
        .map_err(internal)?;
    Ok(codes
        .into_iter()
        .map(|m| StandardSalesCode {
            lines: rows
                .iter()
                .filter(|r| r.standard_code_id == m.id)
                .filter_map(|r| {
                    items.get(&r.item_id).map(|i| StandardSalesCodeLine {
                        item: Item(i.clone()),
                        quantity: Dec::of(r.quantity.value()),
                        description: r.description.clone(),
                    })
                })
                .collect(),
            code: m.code,
            description: m.description,
        })
        .collect())
}

/// Queries of standard sales codes.
#[derive(Default)]
pub struct StandardQuery;

/// Queries of standard sales codes.
#[Object]
impl StandardQuery {
    /// The company's standard sales codes, by code.
    async fn standard_sales_codes(&self, ctx: &Context<'_>) -> Result<Vec<StandardSalesCode>> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        let rows = sales::standard::standard_code::Entity::find()
            .filter(sales::standard::standard_code::Column::CompanyId.eq(cid))
            .order_by_asc(sales::standard::standard_code::Column::Code)
            .all(db)
            .await
            .map_err(internal)?;
        standard_codes(ctx, rows).await
    }
}

payload!(
    StandardSalesCodePayload,
    standard_sales_code,
    StandardSalesCode,
    "Result of `standardSalesCodeCreate`.",
    "The code, when the mutation succeeded."
);

/// A line of a new standard sales code.
#[derive(InputObject)]
pub struct StandardSalesCodeLineInput {
    /// The item.
    pub item_id: ID,
    /// Quantity.
    pub quantity: Dec,
    /// Unit; the item's base unit when left out.
    pub unit_id: Option<ID>,
    /// Text; the item name when left out.
    pub description: Option<String>,
}

/// Input of `standardSalesCodeCreate`.
#[derive(InputObject)]
pub struct StandardSalesCodeCreateInput {
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// Lines (no prices: they are priced when inserted).
    pub lines: Vec<StandardSalesCodeLineInput>,
}

/// Input of `customerStandardCodeAssign`.
#[derive(InputObject)]
pub struct CustomerStandardCodeAssignInput {
    /// The customer.
    pub customer_id: ID,
    /// The standard sales code.
    pub code: String,
    /// First day the assignment applies.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_to: Option<Date>,
    /// Insert the lines into every new order of the customer automatically.
    #[graphql(default)]
    pub automatic: bool,
}

/// Input of `salesOrderStandardLinesInsert`.
#[derive(InputObject)]
pub struct SalesOrderStandardLinesInsertInput {
    /// The order (OPEN).
    pub order_id: ID,
    /// The standard sales code.
    pub code: String,
}

/// The assignment of a standard sales code to a customer.
#[derive(SimpleObject)]
pub struct CustomerStandardCode {
    /// The code.
    pub code: String,
    /// First day.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_to: Option<Date>,
    /// Whether new orders of the customer get the lines by themselves.
    pub insert_on_order: crate::graphql::enums::StandardCodeInsert,
}

payload!(
    CustomerStandardCodePayload,
    assignment,
    CustomerStandardCode,
    "Result of `customerStandardCodeAssign`.",
    "The assignment, when the mutation succeeded."
);

/// Mutations of standard sales codes.
#[derive(Default)]
pub struct StandardMutation;

/// Mutations of standard sales codes.
#[Object]
impl StandardMutation {
    /// Creates a standard sales code with its lines. Admin.
    async fn standard_sales_code_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: StandardSalesCodeCreateInput,
    ) -> Result<StandardSalesCodePayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let lines: Vec<sales::standard::NewStandardLine> = input
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| sales::standard::NewStandardLine {
                item_id: inp.id(&format!("lines.{i}.itemId"), &l.item_id, Kind::Item),
                description: l.description,
                quantity: inp.dec(&format!("lines.{i}.quantity"), &l.quantity),
                unit_id: inp.opt_id(
                    &format!("lines.{i}.unitId"),
                    l.unit_id.as_ref(),
                    Kind::UnitOfMeasure,
                ),
            })
            .collect();
        decoded!(inp, StandardSalesCodePayload);
        let (code, desc) = (input.code, input.description);
        let res = write(ctx, "", async |t| {
            sales::standard::create_standard_code(t, cid, &code, &desc, lines).await
        })
        .await?;
        let res = match res {
            Ok(m) => Ok(standard_codes(ctx, vec![m])
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| internal("standard code missing"))?),
            Err(e) => Err(e),
        };
        Ok(StandardSalesCodePayload::done(res))
    }

    /// Assigns a standard sales code to a customer. Clerk.
    async fn customer_standard_code_assign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerStandardCodeAssignInput,
    ) -> Result<CustomerStandardCodePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let cust = inp.id("customerId", &input.customer_id, Kind::Customer);
        decoded!(inp, CustomerStandardCodePayload);
        let (code, from, to, auto) = (
            input.code,
            input.valid_from.map(|d| d.0),
            input.valid_to.map(|d| d.0),
            input.automatic,
        );
        let res = write(ctx, "customerId", async |t| {
            sales::standard::assign_standard_code(t, cid, cust, &code, from, to, auto).await
        })
        .await?;
        Ok(CustomerStandardCodePayload::done(res.map(|a| {
            CustomerStandardCode {
                code: code.clone(),
                valid_from: a.valid_from.map(Date),
                valid_to: a.valid_to.map(Date),
                insert_on_order: a.insert_on_order.into(),
            }
        })))
    }

    /// Inserts a standard sales code's lines into an open order, priced now. Clerk.
    async fn sales_order_standard_lines_insert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")]
        input: SalesOrderStandardLinesInsertInput,
    ) -> Result<SalesOrderPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        decoded!(inp, SalesOrderPayload);
        let code = input.code;
        let c = Change::InsertStandardLines { order_id: id, code };
        let res = the_order(change(ctx, cid, "orderId", c).await?)?;
        Ok(SalesOrderPayload::done(res.map(SalesOrder)))
    }
}
