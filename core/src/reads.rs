//! The read path of list pages and relation batches.
//!
//! Owns: [`Read`], the one way the list services and the GraphQL loaders run their selects.
//! On a SQLite file it runs them on a small pool of rusqlite connections, synchronously inside
//! the calling task, and decodes the rows straight into models; on PostgreSQL, an in-memory
//! SQLite database, and for a statement binding a value the SQLite path does not encode itself
//! (timestamps), SeaORM runs them and the same declaration ([`fast_row!`]) decodes each row by
//! position; inside a transaction, and for models without a declaration, it is SeaORM's own
//! `all`.
//! Must never: be used for a read that has to see the caller's uncommitted writes (a
//! transaction implements [`Read`] through SeaORM, so passing the transaction is always right),
//! or for a statement that can run long (the SQLite path holds a runtime worker while it runs:
//! it is meant for pages of at most 100 rows and the batches they cause).
//!
//! Why: sqlx-sqlite runs every statement on a worker thread and sends each row back through a
//! channel, copying every value (`sqlite3_value_dup` plus an allocation each) and waking the
//! task per row; on the list queries of docs/performance.md that hand-off, the copies and the
//! by-name lookups were about a third of the server's CPU. Reading in WAL mode never waits on
//! a writer, so a page read costs tens of microseconds and needs no thread of its own.

use crate::stats::DbStats;
use sea_orm::sea_query::ColumnType;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, IdenStatic,
    Select, Statement, TryIntoModel, Value,
};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use rusqlite;

/// A row type the read path decodes field by field: from a SQLite file's rows by column name
/// (the names `FromQueryResult` uses), and from SeaORM's results by position. Implement it
/// with [`fast_row!`].
pub trait FastRow: FromQueryResult + Sized + Send {
    /// The column names of the fields, in the order [`FastRow::from_sqlite`] reads them.
    const COLUMNS: &'static [&'static str];
    /// Decodes one row; `at[i]` is the result column of `COLUMNS[i]` (looked up once per
    /// statement, not per row).
    fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> Result<Self, DbErr>;
    /// Decodes one row of SeaORM's result (PostgreSQL, in-memory SQLite) by position, with the
    /// same `at`: each value through its type's own `TryGetable`, as `FromQueryResult` does,
    /// but without building and looking up a column name per value.
    fn from_result(row: &sea_orm::QueryResult, at: &[usize]) -> Result<Self, DbErr>;
}

/// Implements [`FastRow`] for a struct whose fields are named like its result columns.
#[macro_export]
macro_rules! fast_row {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl $crate::reads::FastRow for $t {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($f)),*];
            fn from_sqlite(
                row: &$crate::reads::rusqlite::Row<'_>,
                at: &[usize],
            ) -> Result<Self, ::sea_orm::DbErr> {
                // struct expression fields are evaluated in the order written
                let mut at = at.iter().copied();
                Ok(Self {
                    $($f: $crate::reads::field(row, at.next().unwrap_or(usize::MAX), stringify!($f))?),*
                })
            }
            fn from_result(
                row: &::sea_orm::QueryResult,
                at: &[usize],
            ) -> Result<Self, ::sea_orm::DbErr> {
                let mut at = at.iter().copied();
                Ok(Self {
                    $($f: row.try_get_by_index(at.next().unwrap_or(usize::MAX))?),*
                })
            }
        }
    };
}

/// Runs selects for list pages and relation batches. See the module documentation.
pub trait Read: Sync {
    /// Every row of a select of whole models.
    fn select_all<E>(
        &self,
        q: Select<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        E: EntityTrait,
        E::Model: Send + 'static,
        E::ActiveModel: TryIntoModel<E::Model>;

    /// Every row of a statement, decoded as `R`.
    fn rows<R: FastRow>(
        &self,
        stmt: Statement,
    ) -> impl Future<Output = Result<Vec<R>, DbErr>> + Send;

    /// The engine, to build statements for.
    fn engine(&self) -> DbBackend;
}

impl<C: ConnectionTrait + Sync> Read for C {
    fn select_all<E>(
        &self,
        q: Select<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        E: EntityTrait,
        E::Model: Send + 'static,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        q.all(self)
    }

    fn rows<R: FastRow>(
        &self,
        stmt: Statement,
    ) -> impl Future<Output = Result<Vec<R>, DbErr>> + Send {
        R::find_by_statement(stmt).all(self)
    }

    fn engine(&self) -> DbBackend {
        self.get_database_backend()
    }
}

/// `Err(())` when the read path could not decode a row (a column type it does not know): the
/// caller reads through SeaORM instead, so a client never sees the difference. Logged, because
/// it means a type this module should learn; `tests/tests/sqlite.rs` checks that the common
/// entities never take this way.
pub(crate) fn undecodable<T>(r: Result<T, DbErr>) -> Result<Result<T, DbErr>, ()> {
    match r {
        Err(DbErr::Type(e)) | Err(DbErr::AttrNotSet(e)) => {
            tracing::warn!(error = %e, "the read path could not decode a row; read through SeaORM by column name");
            Err(())
        }
        other => Ok(other),
    }
}

/// Read connections to one SQLite file, reused across requests with their prepared statements.
#[derive(Debug)]
pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    ran: std::sync::atomic::AtomicU64,
}

/// Idle read connections kept open (one per concurrently reading task is enough).
const IDLE_MAX: usize = 16;

impl SqliteReads {
    /// Read connections for the file of a `sqlite:` URL; `None` for an in-memory database,
    /// which other connections cannot see.
    pub fn for_url(url: &str) -> Option<SqliteReads> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() {
            return None;
        }
        Some(SqliteReads {
            path: PathBuf::from(path),
            idle: Mutex::new(Vec::new()),
            ran: 0.into(),
        })
    }

    /// Statements run and decoded on this path so far (the others fell back to SeaORM).
    pub fn statements(&self) -> u64 {
        self.ran.load(Ordering::Relaxed)
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA query_only = ON")?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(conn)
    }

    /// Runs `stmt` and decodes every row with `decode`. `None` when the statement binds a
    /// value this path does not encode exactly like sqlx (the caller then uses SeaORM).
    pub(crate) fn run<T>(
        &self,
        stats: &DbStats,
        stmt: &Statement,
        columns: &[&str],
        decode: impl Fn(&rusqlite::Row<'_>, &[usize]) -> Result<T, DbErr>,
    ) -> Option<Result<Vec<T>, DbErr>> {
        let values: &[Value] = stmt.values.as_ref().map(|v| v.0.as_slice()).unwrap_or(&[]);
        let params: Vec<rusqlite::types::Value> =
            values.iter().map(param).collect::<Option<_>>()?;
        let started = Instant::now();
        let conn = match self.idle.lock().ok().and_then(|mut v| v.pop()) {
            Some(c) => c,
            None => match self.open() {
                Ok(c) => c,
                Err(e) => return Some(Err(db_err(e))),
            },
        };
        let result = query(&conn, &stmt.sql, &params, columns, decode);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_MAX
        {
            idle.push(conn);
        }
        if result.is_ok() {
            self.ran.fetch_add(1, Ordering::Relaxed);
        }
        stats.statements.fetch_add(1, Ordering::Relaxed);
        stats
            .micros
            .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        if result.is_err() {
            stats.failed.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut c) = stats.capture.lock()
            && let Some(v) = c.as_mut()
        {
            v.push(stmt.sql.clone());
        }
        Some(result)
    }
}

fn query<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[rusqlite::types::Value],
    columns: &[&str],
    decode: impl Fn(&rusqlite::Row<'_>, &[usize]) -> Result<T, DbErr>,
) -> Result<Vec<T>, DbErr> {
    let mut st = conn.prepare_cached(sql).map_err(db_err)?;
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            st.column_index(c)
                .map_err(|e| DbErr::Type(format!("column {c}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    for (i, p) in params.iter().enumerate() {
        st.raw_bind_parameter(i + 1, p).map_err(db_err)?;
    }
    let mut rows = st.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        out.push(decode(row, &at)?);
    }
    Ok(out)
}

fn db_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite: {e}"))
}

/// A bound value as sqlx-sqlite would bind it, or `None` where this path is not sure.
fn param(v: &Value) -> Option<rusqlite::types::Value> {
    use rusqlite::types::Value as S;
    Some(match v {
        Value::Bool(b) => b.map_or(S::Null, |b| S::Integer(b as i64)),
        Value::TinyInt(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        Value::SmallInt(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        Value::Int(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        Value::BigInt(i) => i.map_or(S::Null, S::Integer),
        Value::TinyUnsigned(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        Value::SmallUnsigned(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        Value::Unsigned(i) => i.map_or(S::Null, |i| S::Integer(i64::from(i))),
        // `LIMIT` and `OFFSET` are bound as u64
        Value::BigUnsigned(i) => match i {
            None => S::Null,
            Some(i) => S::Integer(<i64 as TryFrom<u64>>::try_from(*i).ok()?),
        },
        Value::String(s) => s.as_ref().map_or(S::Null, |s| S::Text(s.clone())),
        Value::ChronoDate(d) => d.map_or(S::Null, |d| S::Text(d.format("%F").to_string())),
        _ => return None,
    })
}

/// The value of one result column, as SeaORM's `Value` of the column's declared type.
fn value_of(v: rusqlite::types::ValueRef<'_>, ty: &ColumnType, name: &str) -> Result<Value, DbErr> {
    use rusqlite::types::ValueRef as R;
    let bad = || {
        DbErr::Type(format!(
            "column {name}: unexpected {:?} for {ty:?}",
            v.data_type()
        ))
    };
    let text = |v: R<'_>| -> Result<String, DbErr> {
        match v {
            R::Text(t) => std::str::from_utf8(t).map(str::to_owned).map_err(|_| bad()),
            _ => Err(bad()),
        }
    };
    let int = |v: R<'_>| -> Result<i64, DbErr> {
        match v {
            R::Integer(i) => Ok(i),
            _ => Err(bad()),
        }
    };
    let null = matches!(v, R::Null);
    Ok(match ty {
        ColumnType::BigInteger | ColumnType::BigUnsigned => {
            Value::BigInt(if null { None } else { Some(int(v)?) })
        }
        ColumnType::Integer | ColumnType::Unsigned => Value::Int(if null {
            None
        } else {
            Some(<i32 as TryFrom<i64>>::try_from(int(v)?).map_err(|_| bad())?)
        }),
        ColumnType::SmallInteger | ColumnType::SmallUnsigned => Value::SmallInt(if null {
            None
        } else {
            Some(<i16 as TryFrom<i64>>::try_from(int(v)?).map_err(|_| bad())?)
        }),
        ColumnType::Boolean => Value::Bool(if null { None } else { Some(int(v)? != 0) }),
        ColumnType::String(_)
        | ColumnType::Text
        | ColumnType::Char(_)
        | ColumnType::Enum { .. } => Value::String(if null { None } else { Some(text(v)?) }),
        ColumnType::Date => Value::ChronoDate(if null {
            None
        } else {
            let s = text(v)?;
            Some(chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| bad())?)
        }),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(if null {
            None
        } else {
            Some(parse_utc(&text(v)?).ok_or_else(bad)?)
        }),
        ColumnType::Double | ColumnType::Float => Value::Double(match v {
            R::Null => None,
            R::Real(f) => Some(f),
            R::Integer(i) => Some(i as f64),
            _ => return Err(bad()),
        }),
        ColumnType::Json | ColumnType::JsonBinary => Value::Json(if null {
            None
        } else {
            Some(Box::new(
                serde_json::from_str(&text(v)?).map_err(|_| bad())?,
            ))
        }),
        _ => {
            return Err(DbErr::Type(format!(
                "column {name}: type {ty:?} not read here"
            )));
        }
    })
}

/// The digits of `b` as a number; `None` if one is not an ASCII digit.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0_u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD`, the one form sqlx writes; `None` for anything else (chrono then decides).
fn fast_date(b: &[u8]) -> Option<chrono::NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&b[0..4])?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](+00:00|Z)`, how sqlx writes a UTC timestamp, without chrono's
/// general parser (measured at 565 instructions a value, for 4 timestamps on every order and
/// line read); `None` for any other form, which [`parse_utc`] then reads the general way.
fn fast_utc(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = fast_date(&b[..10])?;
    let (h, m, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&frac[..n])? * 10_u32.pow(9 - n as u32);
        rest = &frac[n..];
    }
    if (rest != b"+00:00" && rest != b"Z") || sec > 59 {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?;
    Some(date.and_time(time).and_utc())
}

/// Timestamps as sqlx-sqlite writes them (RFC 3339) or as SQLite's own functions do.
fn parse_utc(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, Utc};
    if let Some(d) = fast_utc(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    None
}

/// One field of a [`FastRow`]: result column `i`, named `name`.
pub fn field<T: Cell>(row: &rusqlite::Row<'_>, i: usize, name: &str) -> Result<T, DbErr> {
    let v = row
        .get_ref(i)
        .map_err(|e| DbErr::Type(format!("column {name}: {e}")))?;
    T::cell(v).ok_or_else(|| {
        DbErr::Type(format!(
            "column {name}: unexpected {:?} for {}",
            v.data_type(),
            std::any::type_name::<T>()
        ))
    })
}

/// A field type the SQLite read path decodes straight from a column value, the way sqlx-sqlite
/// reads what SeaORM wrote (no `Value` in between: measured at about a fifth of the decoding
/// cost of going through `Value` and `ValueType`, docs/performance.md).
pub trait Cell: Sized {
    /// The value, or `None` when the stored value is not of this type (the caller names the
    /// column in the error, and the statement is read through SeaORM instead).
    fn cell(v: rusqlite::types::ValueRef<'_>) -> Option<Self>;
}

/// A column value as rusqlite hands it over.
pub use rusqlite::types::ValueRef as Raw;

/// The text of a column value (for [`Cell`] implementations such as [`enum_cell!`]).
pub fn text(v: Raw<'_>) -> Option<&str> {
    match v {
        Raw::Text(t) => std::str::from_utf8(t).ok(),
        _ => None,
    }
}

fn integer(v: Raw<'_>) -> Option<i64> {
    match v {
        Raw::Integer(i) => Some(i),
        _ => None,
    }
}

impl Cell for i64 {
    fn cell(v: Raw<'_>) -> Option<Self> {
        integer(v)
    }
}

impl Cell for i32 {
    fn cell(v: Raw<'_>) -> Option<Self> {
        integer(v).and_then(|i| i32::try_from(i).ok())
    }
}

impl Cell for i16 {
    fn cell(v: Raw<'_>) -> Option<Self> {
        integer(v).and_then(|i| i16::try_from(i).ok())
    }
}

impl Cell for bool {
    fn cell(v: Raw<'_>) -> Option<Self> {
        integer(v).map(|i| i != 0)
    }
}

impl Cell for f64 {
    fn cell(v: Raw<'_>) -> Option<Self> {
        match v {
            Raw::Real(f) => Some(f),
            Raw::Integer(i) => Some(i as f64),
            _ => None,
        }
    }
}

impl Cell for String {
    fn cell(v: Raw<'_>) -> Option<Self> {
        text(v).map(str::to_owned)
    }
}

impl Cell for chrono::NaiveDate {
    fn cell(v: Raw<'_>) -> Option<Self> {
        let t = text(v)?;
        fast_date(t.as_bytes()).or_else(|| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
    }
}

impl Cell for chrono::DateTime<chrono::Utc> {
    fn cell(v: Raw<'_>) -> Option<Self> {
        parse_utc(text(v)?)
    }
}

impl<T: Cell> Cell for Option<T> {
    fn cell(v: Raw<'_>) -> Option<Self> {
        match v {
            Raw::Null => Some(None),
            v => T::cell(v).map(Some),
        }
    }
}

/// Implements [`Cell`] for scaled-integer newtypes (`from_raw`) or for string-valued
/// `ActiveEnum`s (`enum`).
macro_rules! cell {
    (from_raw $($t:ty),*) => {$(
        impl Cell for $t {
            fn cell(v: Raw<'_>) -> Option<Self> {
                integer(v).map(<$t>::from_raw)
            }
        }
    )*};
    (enum $($t:ty),*) => {$(
        impl Cell for $t {
            fn cell(v: Raw<'_>) -> Option<Self> {
                <$t as sea_orm::ActiveEnum>::try_from_value(&text(v)?.to_owned()).ok()
            }
        }
    )*};
}

/// The one column of a count.
#[derive(Debug, Clone, FromQueryResult)]
struct CountRow {
    count: i64,
}

crate::fast_row!(CountRow { count });

/// How many rows a list's select (its filters, before paging) has: `totalCount`, through the
/// same read path as the page (on a SQLite file without sqlx's worker thread).
pub async fn count<E: EntityTrait>(db: &impl Read, q: Select<E>) -> Result<u64, DbErr> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let inner = q.into_query();
    let outer = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("count"))
        .from_subquery(inner, Alias::new("counted"))
        .to_owned();
    let stmt = db.engine().build(&outer);
    let rows: Vec<CountRow> = db.rows(stmt).await?;
    Ok(rows.first().map_or(0, |r| r.count.max(0) as u64))
}

/// A model the read path decodes field by field (a [`FastRow`]: through [`Cell`] on a SQLite
/// file, by position from SeaORM's results elsewhere):
/// the hot list pages and relations. The module that owns the model registers it next to its
/// [`fast_row!`] list with [`fast_model!`]; `select_all` is generic over the entity, so it
/// finds the decoder by type id. Every other model is decoded through `ActiveModel::try_set`
/// per column (measured about 5% more instructions on the order list).
pub struct FastModel {
    type_id: fn() -> std::any::TypeId,
    columns: &'static [&'static str],
    /// Decodes a row into the `Option<Result<M, DbErr>>` behind the `dyn Any`.
    decode: fn(&rusqlite::Row<'_>, &[usize], &mut dyn std::any::Any),
    /// The same from a row of SeaORM's result ([`FastRow::from_result`]).
    decode_result: fn(&sea_orm::QueryResult, &[usize], &mut dyn std::any::Any),
}

impl FastModel {
    /// The registration of a model with a [`FastRow`] decoder.
    pub const fn of<M: FastRow + 'static>() -> FastModel {
        FastModel {
            type_id: std::any::TypeId::of::<M>,
            columns: M::COLUMNS,
            decode: decode_into::<M>,
            decode_result: decode_result_into::<M>,
        }
    }

    /// The result columns the decoder reads, in order.
    pub fn columns(&self) -> &'static [&'static str] {
        self.columns
    }
}

fn decode_into<M: FastRow + 'static>(
    row: &rusqlite::Row<'_>,
    at: &[usize],
    slot: &mut dyn std::any::Any,
) {
    if let Some(s) = slot.downcast_mut::<Option<Result<M, DbErr>>>() {
        *s = Some(M::from_sqlite(row, at));
    }
}

fn decode_result_into<M: FastRow + 'static>(
    row: &sea_orm::QueryResult,
    at: &[usize],
    slot: &mut dyn std::any::Any,
) {
    if let Some(s) = slot.downcast_mut::<Option<Result<M, DbErr>>>() {
        *s = Some(M::from_result(row, at));
    }
}

inventory::collect!(FastModel);

/// Registers a model's [`FastRow`] decoder with the read path (see [`FastModel`]).
#[macro_export]
macro_rules! fast_model {
    ($m:ty) => {
        ::inventory::submit! { $crate::reads::FastModel::of::<$m>() }
    };
}

/// The registered decoder of model `M`, if its module registered one.
pub(crate) fn fast_model_of<M: 'static>() -> Option<&'static FastModel> {
    let id = std::any::TypeId::of::<M>();
    inventory::iter::<FastModel>
        .into_iter()
        .find(|m| (m.type_id)() == id)
}

/// Decodes a row of model `M` with its registered decoder.
pub(crate) fn fast_decode<M: 'static>(
    f: &FastModel,
    row: &rusqlite::Row<'_>,
    at: &[usize],
) -> Result<M, DbErr> {
    let mut slot: Option<Result<M, DbErr>> = None;
    (f.decode)(row, at, &mut slot);
    slot.unwrap_or_else(|| {
        Err(DbErr::Type(format!(
            "{} has no field-by-field decoder",
            std::any::type_name::<M>()
        )))
    })
}

/// Decodes a row of SeaORM's result with model `M`'s registered decoder, by position.
pub(crate) fn fast_decode_result<M: 'static>(
    f: &FastModel,
    row: &sea_orm::QueryResult,
    at: &[usize],
) -> Result<M, DbErr> {
    let mut slot: Option<Result<M, DbErr>> = None;
    (f.decode_result)(row, at, &mut slot);
    slot.unwrap_or_else(|| {
        Err(DbErr::Type(format!(
            "{} has no field-by-field decoder",
            std::any::type_name::<M>()
        )))
    })
}

/// Runs `stmt` through SeaORM's connection and decodes every row by position: `columns` are
/// looked up once in the result's column names (the PostgreSQL side of [`Read`] for
/// [`crate::db::Db`], where decoding every value by a `format!`-built column name was the
/// largest single cost of a list page, docs/performance.md).
pub(crate) async fn result_rows<T>(
    stats: &DbStats,
    conn: &sea_orm::DatabaseConnection,
    stmt: Statement,
    columns: &[&str],
    decode: impl Fn(&sea_orm::QueryResult, &[usize]) -> Result<T, DbErr>,
) -> Result<Vec<T>, DbErr> {
    let rows = conn.query_all_raw(stmt).await?;
    stats.by_position.fetch_add(1, Ordering::Relaxed);
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let names = first.column_names();
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == c);
            match (found.next(), found.next()) {
                (Some((i, _)), None) => Ok(i),
                // drivers differ on which of two equal names they take: refuse to guess
                (Some(_), Some(_)) => Err(DbErr::Type(format!(
                    "column {c} is in the result more than once"
                ))),
                (None, _) => Err(DbErr::Type(format!("column {c} is not in the result"))),
            }
        })
        .collect::<Result<_, _>>()?;
    rows.iter().map(|r| decode(r, &at)).collect()
}

/// Implements [`Cell`] for string-stored enums (`DeriveActiveEnum`): a model or row with such a
/// field decodes on the SQLite read path. Called next to the enum's definition.
#[macro_export]
macro_rules! enum_cell {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::reads::Cell for $t {
            fn cell(v: $crate::reads::Raw<'_>) -> Option<Self> {
                <$t as ::sea_orm::ActiveEnum>::try_from_value(&$crate::reads::text(v)?.to_owned()).ok()
            }
        }
    )*};
}

cell!(from_raw crate::money::Amount, crate::money::UnitPrice, crate::money::Quantity, crate::money::Rate);

/// A whole model from a row whose columns are the entity's, in `Column::iter()` order (how
/// SeaORM's `find()` selects them).
pub(crate) fn model_from_row<E>(
    row: &rusqlite::Row<'_>,
    kinds: &[(E::Column, ColumnType)],
) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let mut am = <E::ActiveModel as ActiveModelTrait>::default();
    for (i, (col, ty)) in kinds.iter().enumerate() {
        let v = row
            .get_ref(i)
            .map_err(|e| DbErr::Type(format!("column {i}: {e}")))?;
        am.try_set(*col, value_of(v, ty, col.as_str())?)?;
    }
    am.try_into_model()
}

/// Shared handle type kept in [`crate::db::Db`].
pub type Reads = Arc<SqliteReads>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_files_get_read_connections() {
        let p = |u: &str| SqliteReads::for_url(u).map(|r| r.path);
        assert_eq!(
            p("sqlite:///tmp/x/load.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x/load.db"))
        );
        assert_eq!(
            p("sqlite://./mercator.db"),
            Some(PathBuf::from("./mercator.db"))
        );
        assert_eq!(p("sqlite:mercator.db"), Some(PathBuf::from("mercator.db")));
        assert_eq!(p("sqlite::memory:"), None);
        assert_eq!(p("sqlite://file.db?mode=memory"), None);
        assert_eq!(p("postgres://postgres@127.0.0.1/test"), None);
    }

    #[test]
    fn timestamps_parse_as_sqlx_and_sqlite_write_them() {
        let t = |s: &str| parse_utc(s).map(|d| d.to_rfc3339());
        assert_eq!(
            t("2026-11-22T05:33:18.848202523+00:00").as_deref(),
            Some("2026-11-22T05:33:18.848202523+00:00")
        );
        assert_eq!(
            t("2026-11-22 05:33:18").as_deref(),
            Some("2026-11-22T05:33:18+00:00")
        );
        assert_eq!(
            t("2026-11-22 07:33:18+02:00").as_deref(),
            Some("2026-11-22T05:33:18+00:00")
        );
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn values_it_cannot_bind_exactly_fall_back_to_seaorm() {
        assert!(param(&Value::BigInt(Some(7))).is_some());
        assert!(param(&Value::String(None)).is_some());
        assert!(param(&Value::BigUnsigned(Some(51))).is_some(), "LIMIT");
        assert!(param(&Value::BigUnsigned(Some(u64::MAX))).is_none());
        assert!(param(&Value::ChronoDateTimeUtc(None)).is_none());
        assert!(param(&Value::Double(Some(0.1))).is_none());
    }

    #[test]
    fn only_decoding_failures_fall_back() {
        assert!(undecodable::<()>(Err(DbErr::Type("x".into()))).is_err());
        assert!(undecodable::<()>(Err(DbErr::AttrNotSet("x".into()))).is_err());
        assert!(matches!(
            undecodable::<()>(Err(DbErr::Custom("sqlite: busy".into()))),
            Ok(Err(_))
        ));
        assert!(matches!(undecodable(Ok(1)), Ok(Ok(1))));
    }

    #[test]
    fn the_fast_timestamp_forms_read_exactly_as_chrono_reads_them() {
        use chrono::{DateTime, NaiveDate, Utc};
        let general = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.with_timezone(&Utc))
        };
        for s in [
            "2026-11-22T08:19:11.424107373+00:00",
            "2026-11-22T08:19:11+00:00",
            "2026-11-22T08:19:11.5Z",
            "2026-11-22 08:19:11.000000001+00:00",
            "2024-02-29T23:59:59.999999999+00:00",
            "1970-01-01T00:00:00Z",
        ] {
            assert_eq!(fast_utc(s), general(s), "{s}");
            assert!(fast_utc(s).is_some(), "{s} takes the fast way");
        }
        for s in [
            "2026-11-22T08:19:11.424107373+01:00", // another offset: the general way
            "2026-11-22T08:19:60+00:00",           // a leap second: the general way
            "2026-11-22T08:19:11.1234567891+00:00",
            "2026-02-30T08:19:11+00:00",
            "2026-11-22T24:00:00+00:00",
            "2026-11-22T08:19:11.+00:00",
            "2026-11-22T08:19:11",
            "2026-11-2éT08:19:11+00:00",
            "",
        ] {
            assert_eq!(fast_utc(s), None, "{s}");
        }
        assert_eq!(
            parse_utc("2026-11-22T09:19:11.5+01:00"),
            general("2026-11-22T09:19:11.5+01:00")
        );
        for s in ["2026-11-22", "2024-02-29", "0001-01-01"] {
            assert_eq!(
                fast_date(s.as_bytes()),
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
                "{s}"
            );
        }
        for s in [
            "2026-02-30",
            "2026-1-22",
            "2026-11-22 ",
            "20261122",
            "2026/11/22",
        ] {
            assert_eq!(fast_date(s.as_bytes()), None, "{s}");
        }
    }

    /// The hot models are registered by their modules (a registration lost in a refactor
    /// would only make the order list slower, silently).
    #[test]
    fn the_hot_models_have_field_by_field_decoders() {
        assert!(fast_model_of::<crate::sales::sales_order::Model>().is_some());
        assert!(fast_model_of::<crate::sales::sales_order_line::Model>().is_some());
        assert!(fast_model_of::<crate::catalog::item::Model>().is_some());
        assert!(fast_model_of::<crate::setup::currency::Model>().is_some());
        assert!(fast_model_of::<crate::setup::company::Model>().is_none());
    }

    #[test]
    fn cells_decode_what_seaorm_writes_and_refuse_anything_else() {
        use crate::money::Amount;
        use crate::parties::PartyKind;
        let conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let got = query(
            &conn,
            "SELECT 'person' AS st, 12345 AS amt, 1 AS b, '2026-11-22' AS d, \
             '2026-11-22T08:00:00.5+00:00' AS t, NULL AS o",
            &[],
            &["st", "amt", "b", "d", "t", "o"],
            |r, at| {
                Ok((
                    field::<PartyKind>(r, at[0], "st")?,
                    field::<Amount>(r, at[1], "amt")?,
                    field::<bool>(r, at[2], "b")?,
                    field::<chrono::NaiveDate>(r, at[3], "d")?,
                    field::<chrono::DateTime<chrono::Utc>>(r, at[4], "t")?,
                    field::<Option<PartyKind>>(r, at[5], "o")?,
                ))
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let t = parse_utc("2026-11-22T08:00:00.5Z");
        assert_eq!(
            got,
            vec![(
                PartyKind::Person,
                Amount::from_raw(12345),
                true,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
                t.unwrap_or_default(),
                None
            )]
        );
        for (sql, as_enum, what) in [
            (
                "SELECT 'company' AS v",
                true,
                "an enum value it does not know",
            ),
            ("SELECT 3 AS v", true, "an integer where an enum is stored"),
            (
                "SELECT 1.5 AS v",
                false,
                "a real where an integer is stored",
            ),
            ("SELECT 'x' AS v", false, "text where an integer is stored"),
        ] {
            let bad = query(&conn, sql, &[], &["v"], |r, at| {
                if as_enum {
                    field::<PartyKind>(r, at[0], "v").map(|_| ())
                } else {
                    field::<Amount>(r, at[0], "v").map(|_| ())
                }
            });
            assert!(
                matches!(bad, Err(DbErr::Type(_))),
                "{what}: {bad:?} (a type error falls back to SeaORM)"
            );
        }
    }

    #[test]
    fn a_null_in_a_column_that_is_not_optional_is_an_error() {
        let conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let got = query(
            &conn,
            "SELECT 'x' AS s, NULL AS n",
            &[],
            &["n", "s"],
            |r, at| {
                Ok((
                    field::<Option<i64>>(r, at[0], "n")?,
                    field::<String>(r, at[1], "s")?,
                ))
            },
        );
        assert_eq!(got.ok(), Some(vec![(None, "x".to_owned())]));
        let bad = query(&conn, "SELECT NULL AS n", &[], &["n"], |r, at| {
            field::<i64>(r, at[0], "n")
        });
        assert!(bad.is_err());
        let missing = query(&conn, "SELECT 1 AS n", &[], &["m"], |r, at| {
            field::<i64>(r, at[0], "m")
        });
        assert!(missing.is_err(), "a column the row type names must exist");
    }
}
