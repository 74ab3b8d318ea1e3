//! Prometheus metrics in the text exposition format, kept in atomics (no registry crate).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Counters of one server process.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    refused: AtomicU64,
}

impl Metrics {
    /// Records one GraphQL request: its operation type, HTTP status and duration.
    pub fn request(&self, operation: &str, status: u16, took: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((operation.to_owned(), status)).or_default() += 1;
        }
        let secs = took.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// Records a connection closed at once because `http.max_connections` were open.
    pub fn connection_refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one error by its public code (top-level errors and userErrors alike).
    pub fn error(&self, code: &str) {
        if let Ok(mut m) = self.errors.lock() {
            *m.entry(code.to_owned()).or_default() += 1;
        }
    }

    /// Renders every metric, with the database figures passed in.
    pub fn render(&self, db: &mercator_core::db::Db, pool_max: u32) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP mercator_graphql_requests_total GraphQL requests by operation type and HTTP status."
        );
        let _ = writeln!(s, "# TYPE mercator_graphql_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((op, st), n) in m.iter() {
                let _ = writeln!(
                    s,
                    "mercator_graphql_requests_total{{operation=\"{op}\",status=\"{st}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP mercator_graphql_request_duration_seconds Time to answer a GraphQL request."
        );
        let _ = writeln!(
            s,
            "# TYPE mercator_graphql_request_duration_seconds histogram"
        );
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                s,
                "mercator_graphql_request_duration_seconds_bucket{{le=\"{b}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "mercator_graphql_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "mercator_graphql_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "mercator_graphql_request_duration_seconds_count {count}");
        let _ = writeln!(
            s,
            "# HELP mercator_errors_total Errors returned to clients, by public code."
        );
        let _ = writeln!(s, "# TYPE mercator_errors_total counter");
        if let Ok(m) = self.errors.lock() {
            for (code, n) in m.iter() {
                let _ = writeln!(s, "mercator_errors_total{{code=\"{code}\"}} {n}");
            }
        }
        let _ = writeln!(
            s,
            "# HELP mercator_http_connections_refused_total Connections closed at once because http.max_connections were open."
        );
        let _ = writeln!(s, "# TYPE mercator_http_connections_refused_total counter");
        let _ = writeln!(
            s,
            "mercator_http_connections_refused_total {}",
            self.refused.load(Ordering::Relaxed)
        );
        let st = &db.stats;
        let _ = writeln!(
            s,
            "# HELP mercator_db_statements_total SQL statements executed."
        );
        let _ = writeln!(s, "# TYPE mercator_db_statements_total counter");
        let _ = writeln!(
            s,
            "mercator_db_statements_total {}",
            st.statements.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP mercator_db_statement_errors_total SQL statements that failed."
        );
        let _ = writeln!(s, "# TYPE mercator_db_statement_errors_total counter");
        let _ = writeln!(
            s,
            "mercator_db_statement_errors_total {}",
            st.failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP mercator_db_statement_seconds_total Time spent in SQL statements."
        );
        let _ = writeln!(s, "# TYPE mercator_db_statement_seconds_total counter");
        let _ = writeln!(
            s,
            "mercator_db_statement_seconds_total {}",
            st.micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let p = db.pool_status(pool_max);
        let _ = writeln!(
            s,
            "# HELP mercator_db_pool_connections Database pool connections by state."
        );
        let _ = writeln!(s, "# TYPE mercator_db_pool_connections gauge");
        let _ = writeln!(
            s,
            "mercator_db_pool_connections{{state=\"idle\"}} {}",
            p.idle
        );
        let _ = writeln!(
            s,
            "mercator_db_pool_connections{{state=\"busy\"}} {}",
            p.size.saturating_sub(p.idle)
        );
        let _ = writeln!(
            s,
            "# HELP mercator_db_pool_max_connections Configured pool size."
        );
        let _ = writeln!(s, "# TYPE mercator_db_pool_max_connections gauge");
        let _ = writeln!(s, "mercator_db_pool_max_connections {}", p.max);
        s
    }
}
