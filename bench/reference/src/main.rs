//! The reference of the order-list load test (`scripts/bench-orders`): a hand-written poem
//! handler that answers the list query's JSON straight from the tables, with no GraphQL, no
//! ORM and no auth: three statements (the page of orders with customer and currency, their
//! lines with items, the count), rows read by position, JSON written by hand. It is what the
//! same stack could do at best; the load script measures it beside the GraphQL server on the
//! same database and prints the ratio. Its answer equals the server's `data` (the load
//! script compares them before measuring).
//!
//!   MERCATOR_DATABASE_URL=sqlite://…|postgres://… [MERCATOR_DATABASE_SCHEMA=s]
//!   MERCATOR_REFERENCE_LISTEN=127.0.0.1:18090 MERCATOR_REFERENCE_COMPANY=DEMO
//!   mercator-reference
//!
//! Answers every POST with the first 50 orders (by number, in numeric order) of the company:
//!   { salesOrders(first: 50) { totalCount nodes { number totalAmount { amount currency }
//!     customer { accountNumber name } lines { quantity lineAmount { amount }
//!     item { number name } } } } }
//! Stops by itself after MERCATOR_REFERENCE_SECONDS (default 600).
#![allow(
    clippy::disallowed_methods,
    reason = "a bench tool outside the server: it reads its few settings from the environment"
)]

use poem::http::StatusCode;
use poem::listener::TcpListener;
use poem::web::Data;
use poem::{EndpointExt, Response, Route, Server, handler, post};
use rust_decimal::Decimal;
use sea_orm::sqlx::{self, Row};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stored scales of the columns read (core's `money` kinds).
const AMOUNT_SCALE: u32 = 4;
const QUANTITY_SCALE: u32 = 6;
const RATE_SCALE: u32 = 6;
const PAGE: i64 = 50;
/// Numbers sort in numeric order within their sequence: zero-padded to this width.
const NUMBER_WIDTH: usize = 25;

fn number_order(table: &str) -> String {
    format!(
        "SUBSTR('{zeros}' || {table}.number, LENGTH({table}.number) + 1)",
        zeros = "0".repeat(NUMBER_WIDTH)
    )
}

/// The page of orders first (sorted alone, as a keyset page is), then its customers and
/// currencies joined to those 50 rows only.
fn page_sql(placeholder: &str) -> String {
    format!(
        "SELECT o.id, o.number, o.total_amount, cur.code, cur.amount_precision, \
         c.account_number, p.name \
         FROM (SELECT id, number, total_amount, customer_id, currency_id, {order} AS k \
               FROM sales_orders WHERE company_id = {placeholder} \
               ORDER BY k, id LIMIT {PAGE}) o \
         JOIN customers c ON c.id = o.customer_id \
         JOIN parties p ON p.id = c.party_id \
         JOIN currencies cur ON cur.id = o.currency_id \
         ORDER BY o.k, o.id",
        order = number_order("sales_orders")
    )
}

fn lines_sql(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!(
        "SELECT l.order_id, l.quantity, l.line_amount, i.number, i.name \
         FROM sales_order_lines l JOIN items i ON i.id = l.item_id \
         WHERE l.order_id IN ({}) ORDER BY l.order_id, l.line_number, l.id",
        list.join(",")
    )
}

/// One order of the page.
struct Order {
    id: i64,
    number: String,
    total: i64,
    currency: String,
    places: u32,
    account: String,
    name: String,
}

/// One line of an order of the page.
struct Line {
    order_id: i64,
    quantity: i64,
    amount: i64,
    item_number: String,
    item_name: String,
}

enum Store {
    Sqlite {
        path: String,
        idle: Mutex<Vec<rusqlite::Connection>>,
    },
    Postgres(sqlx::PgPool),
}

struct App {
    store: Store,
    company_id: i64,
}

fn places_of(step_raw: i64) -> u32 {
    Decimal::new(step_raw, RATE_SCALE).normalize().scale()
}

fn money(raw: i64, places: u32) -> String {
    let mut d = Decimal::new(raw, AMOUNT_SCALE).normalize();
    if d.scale() <= places {
        d.rescale(places);
    }
    d.to_string()
}

fn quantity(raw: i64) -> String {
    Decimal::new(raw, QUANTITY_SCALE).normalize().to_string()
}

/// A JSON string literal.
fn text(out: &mut String, s: &str) {
    out.push_str(&serde_json::Value::from(s).to_string());
}

fn answer(total: i64, orders: &[Order], lines: &[Line]) -> String {
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("{\"data\":{\"salesOrders\":{\"totalCount\":");
    out.push_str(&total.to_string());
    out.push_str(",\"nodes\":[");
    for (i, o) in orders.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"number\":");
        text(&mut out, &o.number);
        out.push_str(",\"totalAmount\":{\"amount\":\"");
        out.push_str(&money(o.total, o.places));
        out.push_str("\",\"currency\":");
        text(&mut out, &o.currency);
        out.push_str("},\"customer\":{\"accountNumber\":");
        text(&mut out, &o.account);
        out.push_str(",\"name\":");
        text(&mut out, &o.name);
        out.push_str("},\"lines\":[");
        let mut first = true;
        for l in lines.iter().filter(|l| l.order_id == o.id) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"quantity\":\"");
            out.push_str(&quantity(l.quantity));
            out.push_str("\",\"lineAmount\":{\"amount\":\"");
            out.push_str(&money(l.amount, o.places));
            out.push_str("\"},\"item\":{\"number\":");
            text(&mut out, &l.item_number);
            out.push_str(",\"name\":");
            text(&mut out, &l.item_name);
            out.push_str("}}");
        }
        out.push_str("]}");
    }
    out.push_str("]}}}");
    out
}

fn sqlite_page(
    conn: &rusqlite::Connection,
    company_id: i64,
) -> rusqlite::Result<(i64, Vec<Order>, Vec<Line>)> {
    let mut st = conn.prepare_cached(&page_sql("?1"))?;
    let orders = st
        .query_map([company_id], |r| {
            Ok(Order {
                id: r.get(0)?,
                number: r.get(1)?,
                total: r.get(2)?,
                currency: r.get(3)?,
                places: places_of(r.get(4)?),
                account: r.get(5)?,
                name: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let lines = if ids.is_empty() {
        Vec::new()
    } else {
        let mut st = conn.prepare_cached(&lines_sql(&ids))?;
        st.query_map([], |r| {
            Ok(Line {
                order_id: r.get(0)?,
                quantity: r.get(1)?,
                amount: r.get(2)?,
                item_number: r.get(3)?,
                item_name: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
    };
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM sales_orders WHERE company_id = ?1")?
        .query_row([company_id], |r| r.get(0))?;
    Ok((total, orders, lines))
}

async fn postgres_page(
    pool: &sqlx::PgPool,
    company_id: i64,
) -> Result<(i64, Vec<Order>, Vec<Line>), sqlx::Error> {
    let orders: Vec<Order> = sqlx::query(sqlx::AssertSqlSafe(page_sql("$1")))
        .bind(company_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Order {
                id: r.try_get(0)?,
                number: r.try_get(1)?,
                total: r.try_get(2)?,
                currency: r.try_get(3)?,
                places: places_of(r.try_get(4)?),
                account: r.try_get(5)?,
                name: r.try_get(6)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let lines = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query(sqlx::AssertSqlSafe(lines_sql(&ids)))
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(Line {
                    order_id: r.try_get(0)?,
                    quantity: r.try_get(1)?,
                    amount: r.try_get(2)?,
                    item_number: r.try_get(3)?,
                    item_name: r.try_get(4)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?
    };
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM sales_orders WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    Ok((total, orders, lines))
}

#[handler]
async fn order_list(app: Data<&Arc<App>>) -> Response {
    let result = match &app.store {
        Store::Sqlite { path, idle } => {
            let conn = idle.lock().ok().and_then(|mut v| v.pop());
            let conn = match conn {
                Some(c) => Ok(c),
                None => rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                ),
            };
            match conn {
                Ok(conn) => {
                    let r = sqlite_page(&conn, app.company_id).map_err(|e| e.to_string());
                    if let Ok(mut v) = idle.lock() {
                        v.push(conn);
                    }
                    r
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Store::Postgres(pool) => postgres_page(pool, app.company_id)
            .await
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok((total, orders, lines)) => Response::builder()
            .content_type("application/json")
            .body(answer(total, &orders, &lines)),
        Err(e) => Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(e),
    }
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

fn env(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = env("MERCATOR_DATABASE_URL", "sqlite://mercator.db");
    let listen = env("MERCATOR_REFERENCE_LISTEN", "127.0.0.1:18090");
    let company = env("MERCATOR_REFERENCE_COMPANY", "DEMO");
    let seconds: u64 = env("MERCATOR_REFERENCE_SECONDS", "600").parse()?;
    let (store, company_id) = if url.starts_with("postgres") {
        let schema = std::env::var("MERCATOR_DATABASE_SCHEMA").ok();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                let schema = schema.clone();
                Box::pin(async move {
                    if let Some(s) = schema {
                        use sqlx::Executor;
                        conn.execute(sqlx::AssertSqlSafe(format!("SET search_path TO \"{s}\"")))
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let id: i64 = sqlx::query("SELECT id FROM companies WHERE code = $1")
            .bind(&company)
            .fetch_one(&pool)
            .await?
            .try_get(0)?;
        (Store::Postgres(pool), id)
    } else {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or("MERCATOR_DATABASE_URL must be sqlite://… or postgres://…")?;
        let path = rest.split('?').next().unwrap_or(rest).to_owned();
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        let id: i64 = conn.query_row(
            "SELECT id FROM companies WHERE code = ?1",
            [&company],
            |r| r.get(0),
        )?;
        (
            Store::Sqlite {
                path,
                idle: Mutex::new(vec![conn]),
            },
            id,
        )
    };
    let app = Arc::new(App { store, company_id });
    let route = Route::new()
        .at("/graphql", post(order_list))
        .at("/healthz", poem::get(healthz))
        .data(app);
    let server = Server::new(TcpListener::bind(listen)).run(route);
    tokio::select! {
        r = server => r?,
        () = tokio::time::sleep(Duration::from_secs(seconds)) => {}
    }
    Ok(())
}
