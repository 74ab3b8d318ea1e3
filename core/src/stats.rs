//! Counters of the SQL statements a pool ran, shared by the pool ([`crate::db`]) and the SQLite
//! read path ([`crate::reads`]), which counts its own statements the same way.

use std::sync::atomic::AtomicU64;

/// Counters of SQL statements executed through this connection, for `/metrics` and tests.
#[derive(Debug, Default)]
pub struct DbStats {
    /// Statements executed.
    pub statements: AtomicU64,
    /// Statements that failed.
    pub failed: AtomicU64,
    /// Total time spent in statements, in microseconds.
    pub micros: AtomicU64,
    /// Statements whose rows were decoded by position from SeaORM's result
    /// ([`crate::reads::FastRow::from_result`]; PostgreSQL and in-memory SQLite).
    pub by_position: AtomicU64,
    /// When `Some`, the SQL of every statement is appended (tests use it to explain counts).
    pub capture: std::sync::Mutex<Option<Vec<String>>>,
}
