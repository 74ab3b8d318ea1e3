//! The GraphQL schema: types, queries, mutations, and the conventions they share.
//!
//! **Architecture invariant:** resolvers are thin. They decode input, call one core service in
//! one transaction, and map the result. GraphQL types live only here and wrap core models;
//! no GraphQL derive sits on a SeaORM model.

/// A mutation payload `{ <field>, userErrors }` with a `done` constructor.
macro_rules! payload {
    ($name:ident, $field:ident, $ty:ty, $doc:literal, $fdoc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            #[doc = $fdoc]
            pub $field: Option<$ty>,
            /// Problems with the input or broken business rules. When not empty, nothing was written.
            pub user_errors: Vec<$crate::graphql::errors::UserError>,
        }
        impl $name {
            pub(crate) fn done(r: $crate::graphql::Outcome<$ty>) -> Self {
                match r {
                    Ok(v) => $name {
                        $field: Some(v),
                        user_errors: vec![],
                    },
                    Err(e) => $name {
                        $field: None,
                        user_errors: e,
                    },
                }
            }
        }
    };
}

/// Fails early with userErrors found while decoding input.
macro_rules! decoded {
    ($inp:expr, $payload:ident) => {
        if let Err(e) = $inp.finish() {
            return Ok($payload::done(Err(e)));
        }
    };
}

/// A row loaded by id through the request's loaders, wrapped; an internal error when it is
/// missing.
macro_rules! load {
    ($ctx:expr, $loader:ident, $id:expr, $wrap:expr, $what:literal) => {
        loaders($ctx)?
            .$loader
            .load_one($id)
            .await
            .map_err(internal)?
            .map($wrap)
            .ok_or_else(|| internal(concat!($what, " missing")))
    };
}

/// An optional row loaded by id through the request's loaders, wrapped.
macro_rules! load_opt {
    ($ctx:expr, $loader:ident, $id:expr, $wrap:expr) => {
        match $id {
            None => Ok(None),
            Some(id) => Ok(loaders($ctx)?
                .$loader
                .load_one(id)
                .await
                .map_err(internal)?
                .map($wrap)),
        }
    };
}

pub mod auth;
pub mod catalog;
pub mod connection;
pub mod crm;
pub mod enums;
pub mod errors;
pub mod extension;
pub mod ids;
pub mod input;
pub mod leaves;
pub mod loaders;
pub mod money;
pub mod node;
pub mod parties;
pub mod plugins;
pub mod purchasing;
pub mod roots;
pub mod sales;
pub mod scalars;
pub mod setup;
pub mod trade;

use async_graphql::{Context, EmptySubscription, Schema};
use errors::{ErrorCode, UserError, map_service};
use mercator_core::auth::{Principal, Role};
use mercator_core::db::Db;
use mercator_core::error::{ServiceError, ServiceResult};
use mercator_core::extension::registry::Registry;
use mercator_core::setup::company;
use sea_orm::DatabaseTransaction;
use std::sync::Arc;

/// The version of the public schema. Bumped on every change clients can see.
pub const SCHEMA_VERSION: &str = "2026-12-07.1";

/// The executable schema.
pub type MercatorSchema = Schema<roots::Query, roots::Mutation, EmptySubscription>;

/// Builds the executable schema with the database as shared data. It has no extension on
/// purpose: with any extension installed async-graphql runs an extension chain (a boxed
/// future and a `ResolveInfo` with formatted type names) for every field it resolves. Limits
/// and cost are checked before execution by [`build_check_schema`], which runs every
/// validation rule on the same document; this schema then runs only the rules execution
/// depends on (`ValidationMode::Fast`: fragment cycles, uploads), so a request is not
/// validated twice. Run a request through it only after the checking schema passed it.
pub fn build_schema(db: Option<Db>, registry: Arc<Registry>) -> MercatorSchema {
    let mut b = Schema::build(
        roots::Query::default(),
        roots::Mutation::default(),
        EmptySubscription,
    )
    .validation_mode(async_graphql::ValidationMode::Fast)
    .data(registry);
    if let Some(db) = db {
        b = b.data(db);
    }
    b.finish()
}

/// The same schema with [`extension::Limits`], used only to parse, validate and cost a
/// request (with [`extension::CheckOnly`] in its data it stops after validation).
pub fn build_check_schema(registry: Arc<Registry>) -> MercatorSchema {
    Schema::build(
        roots::Query::default(),
        roots::Mutation::default(),
        EmptySubscription,
    )
    .extension(extension::Limits)
    .data(registry)
    .finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, Arc::new(Registry::builtin())).sdl()
}

/// Who is calling, and in which company.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// The token's principal.
    pub principal: Principal,
    /// The company chosen by the `X-Mercator-Company` header or the token's only company.
    pub company: Option<company::Model>,
}

/// The extension registry.
pub fn registry<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<Registry>> {
    ctx.data::<Arc<Registry>>()
        .map_err(|_| ErrorCode::Internal.error("the extension registry is not available"))
}

/// The request context.
pub fn rc<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a RequestCtx> {
    ctx.data::<RequestCtx>()
        .map_err(|_| ErrorCode::Unauthenticated.error("no valid bearer token"))
}

/// The database.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Db> {
    ctx.data::<Db>().map_err(|e| errors::internal(e.message))
}

/// The loaders of this request.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a loaders::Loaders> {
    ctx.data::<loaders::Loaders>()
        .map_err(|e| errors::internal(e.message))
}

/// The company of the request; an error when none was chosen.
pub fn company_id(ctx: &Context<'_>) -> async_graphql::Result<i64> {
    let r = rc(ctx)?;
    r.company.as_ref().map(|c| c.id).ok_or_else(|| {
        ErrorCode::CompanyNotAllowed.error(
            "this token may act in several companies: choose one with the X-Mercator-Company header",
        )
    })
}

/// Checks the token has a role; returns the company id.
pub fn require(ctx: &Context<'_>, role: Role) -> async_graphql::Result<i64> {
    let r = rc(ctx)?;
    if !r.principal.has(role) {
        return Err(
            ErrorCode::Forbidden.error(format!("this operation needs the {} role", role.as_str()))
        );
    }
    company_id(ctx)
}

/// The outcome of a mutation's service call: the value, or the userErrors to return.
pub type Outcome<T> = Result<T, Vec<UserError>>;

/// Runs one write in one transaction: commit on success, roll back on any error.
pub async fn write<T, F>(
    ctx: &Context<'_>,
    id_field: &str,
    f: F,
) -> async_graphql::Result<Outcome<T>>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<T>,
{
    let db = db(ctx)?;
    let fault = |e: sea_orm::DbErr| match ServiceError::from(e) {
        ServiceError::Conflict(e) => errors::conflict(e),
        ServiceError::Busy(e) => errors::busy(e),
        other => errors::internal(other),
    };
    let _slot = db.writer_slot().await.map_err(fault)?;
    let txn = db.begin_write().await.map_err(fault)?;
    match f(&txn).await {
        Ok(v) => {
            txn.commit().await.map_err(fault)?;
            if let Some(l) = ctx.data_opt::<loaders::Loaders>() {
                l.clear();
            }
            Ok(Ok(v))
        }
        Err(e) => {
            txn.rollback().await.map_err(errors::internal)?;
            Ok(Err(map_service(e, id_field)?))
        }
    }
}

/// Runs a change of sales orders through core's one use case for it
/// ([`mercator_core::sales::change`]: its own transactions, the order type's rules asked
/// outside them), in a writer slot like any write; the loaders are cleared after it.
pub async fn change(
    ctx: &Context<'_>,
    company_id: i64,
    id_field: &str,
    change: mercator_core::sales::change::Change,
) -> async_graphql::Result<Outcome<mercator_core::sales::change::Changed>> {
    let db = db(ctx)?;
    let reg = registry(ctx)?;
    let _slot = db
        .writer_slot()
        .await
        .map_err(|e| match ServiceError::from(e) {
            ServiceError::Busy(e) => errors::busy(e),
            other => errors::internal(other),
        })?;
    use mercator_core::sales::change::Change;
    // Where in the mutation's input an extension's path into the order can point.
    let places = match &change {
        Change::Create(o) => errors::InputPlaces {
            fields: &["orderType", "attributes", "lines"],
            lines: o.lines.len(),
        },
        Change::ChangeType { .. } => errors::InputPlaces {
            fields: &["orderType", "attributes"],
            lines: 0,
        },
        _ => errors::InputPlaces::default(),
    };
    match mercator_core::sales::change::change_orders(db, reg, company_id, change).await {
        Ok(done) => {
            if let Some(l) = ctx.data_opt::<loaders::Loaders>() {
                l.clear();
            }
            Ok(Ok(done))
        }
        Err(ServiceError::Extension(e)) => Ok(Err(errors::extension_user_errors(e, places)?)),
        Err(e) => Ok(Err(map_service(e, id_field)?)),
    }
}

/// The one order a change wrote.
pub fn the_order(
    r: Outcome<mercator_core::sales::change::Changed>,
) -> async_graphql::Result<Outcome<mercator_core::sales::sales_order::Model>> {
    match r {
        Ok(done) => match done.orders.into_iter().next() {
            Some(o) => Ok(Ok(o)),
            None => Err(errors::internal("a change of an order wrote no order")),
        },
        Err(e) => Ok(Err(e)),
    }
}

/// Runs a read against the pool.
pub async fn read<T>(r: ServiceResult<T>) -> async_graphql::Result<T> {
    r.map_err(|e| match e {
        mercator_core::error::ServiceError::Db(d) => errors::internal(d),
        mercator_core::error::ServiceError::Conflict(d) => errors::conflict(d),
        mercator_core::error::ServiceError::Busy(d) => errors::busy(d),
        mercator_core::error::ServiceError::Extension(e) => errors::extension_error(&e),
        mercator_core::error::ServiceError::NotFound(w) => {
            ErrorCode::NotFound.error(format!("{w} not found"))
        }
        mercator_core::error::ServiceError::Invalid(vs) => {
            let v = vs.into_iter().next();
            match v {
                Some(v) => errors::code_of(v.rule).error(v.message),
                None => ErrorCode::InvalidValue.error("invalid arguments"),
            }
        }
    })
}
