//! Connecting to SQLite or PostgreSQL, applying migrations, and starting write transactions.
//!
//! Owns: connection options (SQLite: WAL, foreign keys, busy timeout, an explicit pool size;
//! PostgreSQL: an optional schema), the statement counters behind `/metrics`, and
//! [`Db::begin_write`], which takes SQLite's write lock up front (`BEGIN IMMEDIATE`) because
//! SQLite ignores `SELECT … FOR UPDATE`.
//! Must never: hand out a SQLite pool of one connection by accident (sea-orm's default).

use crate::reads::{FastRow, Read, model_from_row, undecodable};
use sea_orm::sea_query::ColumnType;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, Iterable, QueryTrait, Select, Statement, TryIntoModel,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `sqlite://path?mode=rwc`, `sqlite::memory:` or `postgres://…`.
    pub url: String,
    /// PostgreSQL only: the schema to use (created if missing). Lets many test runs share a database.
    pub schema: Option<String>,
    /// Pool size. Forced to 1 for an in-memory SQLite database.
    pub max_connections: u32,
}

pub use crate::stats::DbStats;

/// The connection pool plus its statement counters.
#[derive(Debug, Clone)]
pub struct Db {
    /// The SeaORM connection (a pool).
    pub conn: DatabaseConnection,
    /// Statement counters.
    pub stats: Arc<DbStats>,
    /// On a SQLite file: the read connections of [`crate::reads`].
    pub sqlite_reads: Option<crate::reads::Reads>,
    /// Slots for write transactions: two fewer than the pool's connections, so writers queued
    /// on one document wait here instead of holding every connection (reads keep two).
    pub writers: Arc<tokio::sync::Semaphore>,
    /// In-process turns of changes of plugin-typed orders (`sales::change`), striped by order
    /// id. One set per connection pool, which is one node: two `Db`s on one database behave
    /// like two servers.
    pub turns: Arc<Vec<tokio::sync::Mutex<()>>>,
}

/// How long a writer waits for a slot, or PostgreSQL for a row lock, before the request is
/// answered as busy or conflicting (retryable) rather than left hanging.
pub const WRITE_WAIT: Duration = Duration::from_secs(5);

/// Pool figures for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStatus {
    /// Open connections.
    pub size: u32,
    /// Idle connections.
    pub idle: u32,
    /// Configured maximum.
    pub max: u32,
}

impl Db {
    /// Connects and applies SQLite pragmas or the PostgreSQL schema. Does not migrate.
    pub async fn connect(cfg: &DbConfig) -> Result<Db, DbErr> {
        let is_memory = cfg.url.contains(":memory:") || cfg.url.contains("mode=memory");
        let mut opts = ConnectOptions::new(cfg.url.clone());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(if is_memory {
                1
            } else {
                cfg.max_connections.max(1)
            })
            .min_connections(if is_memory { 1 } else { 0 });
        if cfg.url.starts_with("postgres") {
            // A writer waiting this long for a row lock fails with lock_not_available
            // (55P03), which is answered as a retryable CONFLICT.
            let ms = WRITE_WAIT.as_millis().to_string();
            opts.map_sqlx_postgres_opts(move |o| o.options([("lock_timeout", ms.as_str())]));
        }
        if cfg.url.starts_with("sqlite:") {
            opts.map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
        }
        if let Some(schema) = &cfg.schema
            && cfg.url.starts_with("postgres")
        {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(DbErr::Custom(format!("invalid schema name {schema:?}")));
            }
            let admin = Database::connect(cfg.url.as_str()).await?;
            admin
                .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .await?;
            admin.close().await?;
            opts.set_schema_search_path(schema.clone());
        }
        let mut conn = Database::connect(opts).await?;
        let stats = Arc::new(DbStats::default());
        let s = stats.clone();
        conn.set_metric_callback(move |info| {
            s.statements.fetch_add(1, Ordering::Relaxed);
            s.micros
                .fetch_add(info.elapsed.as_micros() as u64, Ordering::Relaxed);
            if info.failed {
                s.failed.fetch_add(1, Ordering::Relaxed);
            }
            if let Ok(mut c) = s.capture.lock()
                && let Some(v) = c.as_mut()
            {
                v.push(info.statement.sql.clone());
            }
        });
        let sqlite_reads = if cfg.url.starts_with("sqlite:") {
            crate::reads::SqliteReads::for_url(&cfg.url).map(Arc::new)
        } else {
            None
        };
        let pool = if is_memory {
            1
        } else {
            cfg.max_connections.max(1)
        };
        Ok(Db {
            conn,
            stats,
            sqlite_reads,
            writers: Arc::new(tokio::sync::Semaphore::new(
                pool.saturating_sub(2).max(1) as usize
            )),
            turns: Arc::new((0..64).map(|_| tokio::sync::Mutex::new(())).collect()),
        })
    }

    /// A slot to run a write transaction in, waited for at most [`WRITE_WAIT`]; a
    /// `ConnectionAcquire` timeout otherwise (answered as busy, retryable).
    pub async fn writer_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, DbErr> {
        match tokio::time::timeout(WRITE_WAIT, self.writers.clone().acquire_owned()).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)),
        }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        crate::migration::Migrator::up(&self.conn, None).await
    }

    /// True when no migration is pending.
    pub async fn is_migrated(&self) -> Result<bool, DbErr> {
        Ok(
            crate::migration::Migrator::get_pending_migrations(&self.conn)
                .await?
                .is_empty(),
        )
    }

    /// The database engine.
    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// Begins a transaction for a write. On SQLite it is `BEGIN IMMEDIATE`, so two writers
    /// serialise at the start instead of failing at commit; on PostgreSQL rows are locked
    /// where a service needs it (`FOR UPDATE` or `UPDATE … RETURNING`).
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.conn
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
    }

    /// Number of statements executed so far.
    pub fn statement_count(&self) -> u64 {
        self.stats.statements.load(Ordering::Relaxed)
    }

    /// Pool figures.
    pub fn pool_status(&self, max: u32) -> PoolStatus {
        match self.backend() {
            DatabaseBackend::Sqlite => {
                let p = self.conn.get_sqlite_connection_pool();
                PoolStatus {
                    size: p.size(),
                    idle: p.num_idle() as u32,
                    max,
                }
            }
            DatabaseBackend::Postgres => {
                let p = self.conn.get_postgres_connection_pool();
                PoolStatus {
                    size: p.size(),
                    idle: p.num_idle() as u32,
                    max,
                }
            }
            _ => PoolStatus {
                size: 0,
                idle: 0,
                max,
            },
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

/// The select, locking the rows it reads until the transaction ends: `FOR NO KEY UPDATE` on
/// PostgreSQL. On SQLite a writer already holds the database's only write lock
/// ([`Db::begin_write`] is `BEGIN IMMEDIATE`), and SQLite has no row locks.
///
/// Every read-then-write service reads the document it changes through this first (the
/// header row, before its lines), so concurrent writers of one document serialise instead of
/// overwriting each other's totals or drawing the same line number. `NO KEY UPDATE` (not
/// `UPDATE`) because the row is changed, never deleted nor re-keyed: it does not block the
/// `KEY SHARE` lock a foreign-key check takes on it, so inserting a row that references a
/// locked company or item (an invoice line, a voucher) never waits for the lock holder, and
/// the lock cannot close a cycle with the sequence rows a posting holds.
pub fn locking<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    q: sea_orm::Select<E>,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        q.lock(sea_orm::sea_query::LockType::NoKeyUpdate)
    } else {
        q
    }
}

/// As [`locking`], with `FOR UPDATE`: for rows about to be deleted (a merge's duplicate), so
/// that no new row can reference them until the transaction ends.
pub fn locking_for_delete<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    q: sea_orm::Select<E>,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        q.lock_exclusive()
    } else {
        q
    }
}

/// A raw statement written with `?` placeholders, renumbered to `$1, $2, …` for PostgreSQL.
/// For set-based statements (`INSERT … SELECT`, grouped aggregates) that the query builder
/// would only make harder to read. The SQL must not contain `?` inside string literals.
pub fn sql(
    backend: DatabaseBackend,
    text: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    let text = if backend == DatabaseBackend::Postgres {
        let mut out = String::with_capacity(text.len() + 16);
        let mut n = 0;
        for ch in text.chars() {
            if ch == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        text.to_owned()
    };
    sea_orm::Statement::from_sql_and_values(backend, text, values)
}

/// Selects through the SQLite read path on a SQLite file ([`crate::reads`]), through SeaORM
/// everywhere else.
impl Read for Db {
    fn select_all<E>(
        &self,
        q: Select<E>,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send
    where
        E: EntityTrait,
        E::Model: Send + 'static,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let fast = self.sqlite_reads.as_ref().and_then(|r| {
            let stmt = q.build(DbBackend::Sqlite);
            if let Some(f) = crate::reads::fast_model_of::<E::Model>() {
                return r.run(&self.stats, &stmt, f.columns(), |row, at| {
                    crate::reads::fast_decode::<E::Model>(f, row, at)
                });
            }
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
                Some(Err(())) => q.all(&self.conn).await,
                // PostgreSQL, in-memory SQLite, and statements the SQLite path does not bind
                // itself (timestamps): SeaORM runs the statement, the registered decoder reads
                // each row by position. It decodes each value through the same `TryGetable` as
                // SeaORM's decoding by name, so a row it refuses SeaORM would refuse too: its
                // error is the answer, there is nothing to fall back to.
                None => match crate::reads::fast_model_of::<E::Model>() {
                    Some(f) => {
                        let stmt = q.build(self.conn.get_database_backend());
                        crate::reads::result_rows(
                            &self.stats,
                            &self.conn,
                            stmt,
                            f.columns(),
                            |r, at| crate::reads::fast_decode_result::<E::Model>(f, r, at),
                        )
                        .await
                    }
                    None => q.all(&self.conn).await,
                },
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
                Some(Err(())) => R::find_by_statement(stmt).all(&self.conn).await,
                // as in `select_all`: decoded by position, its error is the answer
                None => {
                    crate::reads::result_rows(
                        &self.stats,
                        &self.conn,
                        stmt,
                        R::COLUMNS,
                        R::from_result,
                    )
                    .await
                }
            }
        }
    }

    fn engine(&self) -> DbBackend {
        self.conn.get_database_backend()
    }
}
