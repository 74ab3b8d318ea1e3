//! The read path of list pages and relation batches.
//!
//! Owns: [`Read`], the one way the list services and the GraphQL loaders run their selects.
//! On a SQLite file it runs them on a small pool of rusqlite connections, synchronously inside
//! the calling task, and decodes the rows straight into models; everywhere else (PostgreSQL,
//! an in-memory SQLite database, any open transaction) it is SeaORM's own `all`.
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

use crate::db::DbStats;
use sea_orm::sea_query::{ColumnType, ValueType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, QueryTrait, Select, Statement, TryIntoModel, Value,
};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use rusqlite;

/// A row type the SQLite read path can decode by column name (the same names
/// `FromQueryResult` uses on the other engines). Implement it with [`fast_row!`].
pub trait FastRow: FromQueryResult + Sized + Send {
    /// The column names of the fields, in the order [`FastRow::from_sqlite`] reads them.
    const COLUMNS: &'static [&'static str];
    /// Decodes one row; `at[i]` is the result column of `COLUMNS[i]` (looked up once per
    /// statement, not per row).
    fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> Result<Self, DbErr>;
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
        E::Model: Send,
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
        E::Model: Send,
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

impl Read for crate::db::Db {
    fn select_all<E>(
        &self,
        q: Select<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        E: EntityTrait,
        E::Model: Send,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let fast = self.sqlite_reads.as_ref().and_then(|r| {
            let stmt = q.build(DbBackend::Sqlite);
            let kinds: Vec<(E::Column, ColumnType)> = E::Column::iter()
                .map(|c| {
                    let t = c.def().get_column_type().clone();
                    (c, t)
                })
                .collect();
            r.run(&self.stats, &stmt, &[], |row, _| {
                model_from_row::<E>(row, &kinds)
            })
        });
        async move {
            match fast.map(undecodable) {
                Some(Ok(result)) => result,
                Some(Err(())) | None => q.all(&self.conn).await,
            }
        }
    }

    fn rows<R: FastRow>(
        &self,
        stmt: Statement,
    ) -> impl Future<Output = Result<Vec<R>, DbErr>> + Send {
        let fast = self
            .sqlite_reads
            .as_ref()
            .and_then(|r| r.run(&self.stats, &stmt, R::COLUMNS, R::from_sqlite));
        async move {
            match fast.map(undecodable) {
                Some(Ok(result)) => result,
                Some(Err(())) | None => R::find_by_statement(stmt).all(&self.conn).await,
            }
        }
    }

    fn engine(&self) -> DbBackend {
        self.conn.get_database_backend()
    }
}

/// `Err(())` when the read path could not decode a row (a column type it does not know): the
/// caller reads through SeaORM instead, so a client never sees the difference. Logged, because
/// it means a type this module should learn; `tests/tests/sqlite.rs` checks that the common
/// entities never take this way.
fn undecodable<T>(r: Result<T, DbErr>) -> Result<Result<T, DbErr>, ()> {
    match r {
        Err(DbErr::Type(e)) | Err(DbErr::AttrNotSet(e)) => {
            tracing::warn!(error = %e, "SQLite read path could not decode a row; read through SeaORM");
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
    fn run<T>(
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

/// Timestamps as sqlx-sqlite writes them (RFC 3339) or as SQLite's own functions do.
fn parse_utc(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, Utc};
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
pub fn field<T: ValueType>(row: &rusqlite::Row<'_>, i: usize, name: &str) -> Result<T, DbErr> {
    let v = row
        .get_ref(i)
        .map_err(|e| DbErr::Type(format!("column {name}: {e}")))?;
    let value = value_of(v, &T::column_type(), name)?;
    T::try_from(value).map_err(|e| DbErr::Type(format!("column {name}: {e}")))
}

/// A whole model from a row whose columns are the entity's, in `Column::iter()` order (how
/// SeaORM's `find()` selects them).
fn model_from_row<E>(
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
