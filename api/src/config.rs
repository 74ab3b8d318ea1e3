//! Configuration: a TOML file (`--config FILE` or `MERCATOR_CONFIG`) overridden by `MERCATOR_*`
//! environment variables (nested keys with `__`, e.g. `MERCATOR_LIMITS__MAX_COST`).
//! With neither, the defaults run: SQLite in `./mercator.db`, listening on 127.0.0.1:8080.
//!
//! **Architecture invariant:** this is the only module that reads environment variables.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::magic::RelativePathBuf;
use mercator_core::extension::loader::PluginSpec;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Everything the server and CLI can be told.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://mercator.db?mode=rwc` (default) or `postgres://user@host/db`.
    pub database_url: String,
    /// PostgreSQL schema to use (created if missing); default `public`.
    pub database_schema: Option<String>,
    /// Database pool size.
    pub database_max_connections: u32,
    /// Address and port to listen on.
    pub listen: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Log filter, e.g. `info` or `mercator_api=debug,info`.
    pub log_level: String,
    /// Browser origins allowed to call the API (CORS), e.g. `["http://localhost:3000"]`;
    /// `["*"]` allows any. Empty (the default) sends no CORS headers.
    pub cors_origins: Vec<String>,
    /// Request headers browsers may send besides the API's own and the usual tracing headers
    /// (`authorization`, `content-type`, `x-mercator-company`, `x-request-id`, `traceparent`,
    /// `tracestate`, `baggage`, `sentry-trace`).
    pub cors_allowed_headers: Vec<String>,
    /// Query limits.
    pub limits: Limits,
    /// Connection limits and timeouts of the HTTP server.
    pub http: Http,
    /// Limits of every call into a plugin.
    pub plugin_limits: PluginLimits,
    /// Plugins to load at start-up, one `[[plugins]]` table each.
    pub plugins: Vec<PluginEntry>,
}

/// Connection limits and timeouts of the HTTP server (docs/operations.md, "Limits").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Http {
    /// Seconds a client has to send a request's line and headers; a connection idle between
    /// requests for as long is closed too.
    pub header_timeout_seconds: u64,
    /// Seconds a client has to send a request's body once its headers arrived.
    pub body_timeout_seconds: u64,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Open connections at most; a connection beyond it is closed at once. Keep it below the
    /// process's open-file limit (`ulimit -n`) minus the database pool.
    pub max_connections: usize,
    /// Seconds requests in flight get to finish after SIGTERM or Ctrl-C before the process
    /// exits anyway.
    pub shutdown_grace_seconds: u64,
}

impl Default for Http {
    fn default() -> Self {
        Http {
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            max_body_bytes: 4 * 1024 * 1024,
            max_connections: 512,
            shutdown_grace_seconds: 10,
        }
    }
}

/// Limits of every call into a plugin (docs/plugins.md, "Limits").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PluginLimits {
    /// Milliseconds a call may take before the request gets `PLUGIN_TIMEOUT`.
    pub call_timeout_ms: u64,
    /// Milliseconds a plugin's init may take at start-up before start-up fails.
    pub init_timeout_ms: u64,
    /// Largest answer in bytes (a rendered invoice, a list of promised dates).
    pub max_answer_bytes: usize,
    /// Most user errors one answer may carry.
    pub max_errors: usize,
    /// Calls into one plugin at the same time; more wait, within the call timeout.
    pub max_concurrent_calls: usize,
}

impl Default for PluginLimits {
    fn default() -> Self {
        let d = mercator_core::extension::loader::CallLimits::default();
        PluginLimits {
            call_timeout_ms: d.timeout.as_millis() as u64,
            init_timeout_ms: d.init_timeout.as_millis() as u64,
            max_answer_bytes: d.max_answer_bytes,
            max_errors: d.max_errors,
            max_concurrent_calls: d.max_concurrent_calls,
        }
    }
}

impl PluginLimits {
    /// The limits as core's loader takes them.
    pub fn core(&self) -> mercator_core::extension::loader::CallLimits {
        mercator_core::extension::loader::CallLimits {
            timeout: std::time::Duration::from_millis(self.call_timeout_ms.max(1)),
            init_timeout: std::time::Duration::from_millis(self.init_timeout_ms.max(1)),
            max_answer_bytes: self.max_answer_bytes.max(1),
            max_errors: self.max_errors.max(1),
            max_concurrent_calls: self.max_concurrent_calls.max(1),
        }
    }
}

/// One plugin to load: the library, its approved SHA-256 and its configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PluginEntry {
    /// The shared library; a relative path is relative to the configuration file.
    pub path: RelativePathBuf,
    /// The SHA-256 of the file (64 hex digits) as `mercator plugins check` prints it. The file
    /// is hashed before it is opened; a different file is refused.
    pub sha256: String,
    /// Handed to the plugin's init as a JSON object.
    #[serde(default = "empty_object")]
    pub config: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

impl PluginEntry {
    /// The entry as core's loader takes it.
    pub fn spec(&self) -> PluginSpec {
        PluginSpec {
            path: self.path.relative(),
            sha256: self.sha256.clone(),
            config: if self.config.is_null() {
                empty_object()
            } else {
                self.config.clone()
            },
        }
    }
}

/// Query limits applied to every GraphQL request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest query cost (complexity) allowed; a token may carry its own budget.
    pub max_cost: usize,
    /// Deepest selection nesting allowed.
    pub max_depth: usize,
    /// Seconds a token verification is cached in one process (revocation delay on other nodes).
    pub token_cache_seconds: u64,
    /// Deepest nesting of brackets (`{`, `[`, `(`) in a query text, counted before it is
    /// parsed: a list value nested 2,000 deep once overflowed the parser's stack.
    pub max_nesting: usize,
    /// Longest query text in bytes (data travels in variables, which only the body limit
    /// bounds): parsing a 1.5 MB text of 100,000 aliases took longer than answering it.
    pub max_query_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cost: 20_000,
            max_depth: 15,
            token_cache_seconds: 10,
            max_nesting: 64,
            max_query_bytes: 256 * 1024,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://mercator.db?mode=rwc".into(),
            database_schema: None,
            database_max_connections: 8,
            listen: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            log_level: "info".into(),
            cors_origins: Vec::new(),
            cors_allowed_headers: Vec::new(),
            limits: Limits::default(),
            http: Http::default(),
            plugin_limits: PluginLimits::default(),
            plugins: Vec::new(),
        }
    }
}

/// The `MERCATOR_*` variables read, without the prefix (nested keys with `__`).
pub const ENV_KEYS: [&str; 26] = [
    "CORS_ORIGINS",
    "CORS_ALLOWED_HEADERS",
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "DATABASE_MAX_CONNECTIONS",
    "LISTEN",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "LIMITS",
    "LIMITS__MAX_COST",
    "LIMITS__MAX_DEPTH",
    "LIMITS__TOKEN_CACHE_SECONDS",
    "LIMITS__MAX_NESTING",
    "LIMITS__MAX_QUERY_BYTES",
    "HTTP",
    "HTTP__HEADER_TIMEOUT_SECONDS",
    "HTTP__BODY_TIMEOUT_SECONDS",
    "HTTP__MAX_BODY_BYTES",
    "HTTP__MAX_CONNECTIONS",
    "HTTP__SHUTDOWN_GRACE_SECONDS",
    "PLUGIN_LIMITS",
    "PLUGIN_LIMITS__CALL_TIMEOUT_MS",
    "PLUGIN_LIMITS__INIT_TIMEOUT_MS",
    "PLUGIN_LIMITS__MAX_ANSWER_BYTES",
    "PLUGIN_LIMITS__MAX_ERRORS",
    "PLUGIN_LIMITS__MAX_CONCURRENT_CALLS",
];

impl Config {
    /// Loads defaults, then the file (from the argument or `MERCATOR_CONFIG`), then
    /// `MERCATOR_*` variables.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        #[allow(
            clippy::disallowed_methods,
            reason = "config is the one place that reads the environment"
        )]
        let env_file = std::env::var_os("MERCATOR_CONFIG");
        let path = file
            .map(Path::to_path_buf)
            .or_else(|| env_file.map(Into::into));
        if let Some(p) = path {
            if !p.exists() {
                anyhow::bail!("configuration file {} does not exist", p.display());
            }
            fig = fig.merge(Toml::file(p));
        }
        // Only this struct's keys are read from the environment, so unrelated MERCATOR_*
        // variables (e.g. MERCATOR_TEST_DATABASE_URL) are not mistaken for settings; an unknown
        // key in the file is still an error.
        fig = fig.merge(
            Env::prefixed("MERCATOR_")
                .filter(|k| {
                    ENV_KEYS
                        .iter()
                        .any(|known| k.as_str().eq_ignore_ascii_case(known))
                })
                .split("__"),
        );
        Ok(fig.extract()?)
    }

    /// The plugins as core's loader takes them.
    pub fn plugin_specs(&self) -> Vec<PluginSpec> {
        self.plugins.iter().map(PluginEntry::spec).collect()
    }

    /// The database settings for core.
    pub fn db(&self) -> mercator_core::db::DbConfig {
        mercator_core::db::DbConfig {
            url: self.database_url.clone(),
            // An empty MERCATOR_DATABASE_SCHEMA means the default schema, not a schema "".
            schema: self
                .database_schema
                .clone()
                .filter(|s| !s.trim().is_empty()),
            max_connections: self.database_max_connections,
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment's Jail API returns its own large error"
)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "m.toml",
                "listen = \"0.0.0.0:9000\"\n[limits]\nmax_cost = 7\n",
            )?;
            jail.set_env("MERCATOR_LIMITS__MAX_DEPTH", "3");
            jail.set_env("MERCATOR_DATABASE_URL", "postgres://x@y/z");
            jail.set_env("MERCATOR_UNRELATED", "ignored");
            let c = Config::load(Some(Path::new("m.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.listen, "0.0.0.0:9000");
            assert_eq!(c.limits.max_cost, 7);
            assert_eq!(c.limits.max_depth, 3);
            assert_eq!(c.database_url, "postgres://x@y/z");
            jail.create_file("bad.toml", "lisen = \"typo\"\n")?;
            jail.create_dir("etc")?;
            jail.create_file(
                "etc/p.toml",
                "[[plugins]]\npath = \"lib/x.so\"\nsha256 = \"ab\"\n[plugins.config]\ncutoff = \"14:00\"\n",
            )?;
            let p = Config::load(Some(Path::new("etc/p.toml"))).map_err(|e| e.to_string())?;
            let spec = &p.plugin_specs()[0];
            assert!(
                spec.path.ends_with("etc/lib/x.so"),
                "{}",
                spec.path.display()
            );
            assert_eq!(spec.config["cutoff"], "14:00");
            assert!(Config::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }

    #[test]
    fn runs_with_no_file_at_all() {
        figment::Jail::expect_with(|_| {
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c, Config::default());
            assert_eq!(c.listen, "127.0.0.1:8080");
            assert!(c.database_url.starts_with("sqlite://mercator.db"));
            Ok(())
        });
    }
}
