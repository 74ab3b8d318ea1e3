//! Test harness: [`TestApp`] starts the real server (random port on 127.0.0.1, fresh database)
//! and [`Client`] talks GraphQL to it over HTTP, the way clients do.
//!
//! Every test runs on SQLite; with `MERCATOR_TEST_DATABASE_URL=postgres://…` the same tests run
//! on PostgreSQL, each in a schema of its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "test harness"
)]

use mercator_api::config::Config;
use mercator_api::server::{self, AppState};
use mercator_core::auth::{self, NewToken, Role};
use mercator_core::db::Db;
use mercator_core::extension::registry::Registry;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// The database URL the suite runs against, if not SQLite.
pub fn postgres_url() -> Option<String> {
    std::env::var("MERCATOR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A running server with a fresh database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The database (for statement counts and core-level checks).
    pub db: Db,
    /// A token with the admin role for all companies.
    pub root_token: String,
    /// HTTP client.
    pub http: reqwest::Client,
    /// Configuration the server runs with.
    pub config: Config,
    /// The server's extension registry (built-ins and the configured plugins), for calling
    /// extensions the way core services will.
    pub registry: Arc<Registry>,
    _stop: oneshot::Sender<()>,
    _dir: Option<tempfile::TempDir>,
}

/// Fresh database settings: a SQLite file in a temp dir, or a new PostgreSQL schema.
pub fn fresh_config() -> (Config, Option<tempfile::TempDir>) {
    let mut cfg = Config::default();
    cfg.limits.token_cache_seconds = 0;
    cfg.log_level = "warn".into();
    match postgres_url() {
        Some(url) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            cfg.database_url = url;
            cfg.database_schema = Some(format!(
                "t_{}_{}_{}",
                std::process::id(),
                SEQ.fetch_add(1, Ordering::Relaxed),
                nanos
            ));
            cfg.database_max_connections = 4;
            (cfg, None)
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            cfg.database_url =
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            cfg.database_max_connections = 4;
            (cfg, Some(dir))
        }
    }
}

impl TestApp {
    /// Starts a server on a fresh, migrated database with no companies.
    pub async fn start() -> TestApp {
        let (cfg, dir) = fresh_config();
        Self::start_with(cfg, dir).await
    }

    /// Starts a server as deployed: a fresh database like [`TestApp::start`], with the
    /// default connection pool and token cache instead of the small ones the tests share the
    /// machine with. The benchmarks measure this.
    pub async fn start_as_deployed() -> TestApp {
        let (mut cfg, dir) = fresh_config();
        let deployed = Config::default();
        cfg.database_max_connections = deployed.database_max_connections;
        cfg.limits.token_cache_seconds = deployed.limits.token_cache_seconds;
        Self::start_with(cfg, dir).await
    }

    /// Starts a server with the given configuration.
    pub async fn start_with(cfg: Config, dir: Option<tempfile::TempDir>) -> TestApp {
        let db = Db::connect(&cfg.db()).await.expect("connect");
        db.migrate().await.expect("migrate");
        let (_, root_token) = auth::create_token(
            &db.conn,
            NewToken {
                name: "root".into(),
                roles: vec![Role::Admin],
                companies: vec![],
                all_companies: true,
                max_query_cost: None,
            },
        )
        .await
        .expect("root token");
        let registry = Arc::new(
            Registry::load_with(&cfg.plugin_specs(), cfg.plugin_limits.core())
                .expect("plugins load"),
        );
        let (acceptor, addr) = server::bind("127.0.0.1:0").await.expect("bind");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::with_registry(db.clone(), cfg.clone(), registry.clone());
        tokio::spawn(async move {
            let _ = server::serve(state, acceptor, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            url: format!("http://{addr}"),
            db,
            root_token,
            http: reqwest::Client::new(),
            config: cfg,
            registry,
            _stop: tx,
            _dir: dir,
        }
    }

    /// A client with the root token and no company chosen.
    pub fn root(&self) -> Client<'_> {
        Client {
            app: self,
            token: Some(self.root_token.clone()),
            company: None,
        }
    }

    /// Creates a company through the API and returns an admin client for it alone.
    pub async fn company(&self, code: &str) -> Client<'_> {
        self.company_with(code, "USD").await
    }

    /// Creates a company with a base currency and returns an admin client for it alone.
    pub async fn company_with(&self, code: &str, currency: &str) -> Client<'_> {
        let r = self
            .root()
            .q(
                "mutation($i: CompanyCreateInput!) { companyCreate(input: $i) { company { code } userErrors { code message } } }",
                json!({"i": {"code": code, "name": format!("{code} Corp"), "baseCurrency": currency}}),
            )
            .await;
        assert_eq!(r["data"]["companyCreate"]["userErrors"], json!([]), "{r}");
        let token = self.token(&[Role::Admin], &[code]).await;
        Client {
            app: self,
            token: Some(token),
            company: None,
        }
    }

    /// Creates a token with roles for companies (by code).
    pub async fn token(&self, roles: &[Role], companies: &[&str]) -> String {
        auth::create_token(
            &self.db.conn,
            NewToken {
                name: "test".into(),
                roles: roles.to_vec(),
                companies: companies.iter().map(|s| (*s).to_owned()).collect(),
                all_companies: false,
                max_query_cost: None,
            },
        )
        .await
        .expect("token")
        .1
    }

    /// Creates a token with roles for companies and its own query cost budget.
    pub async fn token_with_budget(&self, roles: &[Role], companies: &[&str], cost: i32) -> String {
        auth::create_token(
            &self.db.conn,
            NewToken {
                name: "budget".into(),
                roles: roles.to_vec(),
                companies: companies.iter().map(|s| (*s).to_owned()).collect(),
                all_companies: false,
                max_query_cost: Some(cost),
            },
        )
        .await
        .expect("token")
        .1
    }

    /// Statements executed so far on the server's database.
    pub fn statements(&self) -> u64 {
        self.db.statement_count()
    }

    /// Starts recording the SQL of every statement (for explaining a count in a failure).
    pub fn capture_sql(&self) {
        if let Ok(mut c) = self.db.stats.capture.lock() {
            *c = Some(Vec::new());
        }
    }

    /// The SQL recorded since [`TestApp::capture_sql`], one statement per line; stops recording.
    pub fn captured_sql(&self) -> String {
        self.db
            .stats
            .capture
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .unwrap_or_default()
            .join("\n")
    }
}

/// A GraphQL client with a token and optionally a company header.
#[derive(Clone)]
pub struct Client<'a> {
    /// The app.
    pub app: &'a TestApp,
    /// Bearer token.
    pub token: Option<String>,
    /// `X-Mercator-Company` header.
    pub company: Option<String>,
}

impl<'a> Client<'a> {
    /// The same client with another token.
    pub fn with_token(&self, token: &str) -> Client<'a> {
        Client {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// The same client sending an `X-Mercator-Company` header.
    pub fn in_company(&self, code: &str) -> Client<'a> {
        Client {
            company: Some(code.to_owned()),
            ..self.clone()
        }
    }

    /// Sends a POST and returns status and JSON body.
    pub async fn post(&self, query: &str, variables: Value) -> (u16, Value) {
        let (status, text) = self.post_text(query, variables).await;
        let body: Value = serde_json::from_str(&text).expect("json body");
        (status, body)
    }

    /// Sends a POST and returns status and the body as the server wrote it (key order kept).
    pub async fn post_text(&self, query: &str, variables: Value) -> (u16, String) {
        let mut req = self
            .app
            .http
            .post(format!("{}/graphql", self.app.url))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(c) = &self.company {
            req = req.header("X-Mercator-Company", c);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// Sends a query; expects HTTP 200 and returns the body.
    pub async fn q(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(query, variables).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Sends a query that must succeed without errors; returns `data`.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.q(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a mutation `name(input: $i)` and returns its payload, asserting no top-level errors.
    pub async fn mutate(
        &self,
        name: &str,
        input_type: &str,
        selection: &str,
        input: Value,
    ) -> Value {
        let q = format!(
            "mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} userErrors {{ code field message }} }} }}"
        );
        let data = self.ok(&q, json!({"i": input})).await;
        data[name].clone()
    }

    /// The ID of this client's company's base currency (or of `code`).
    pub async fn currency_id(&self, code: &str) -> String {
        let d = self
            .ok(
                "query($s: String) { currencies(filter: {search: $s}) { nodes { id code } } }",
                json!({"s": code}),
            )
            .await;
        d["currencies"]["nodes"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["code"] == code))
            .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("no currency {code}: {d}"))
    }

    /// Creates a unit of measure; returns its ID.
    pub async fn unit(&self, code: &str, decimals: i32) -> String {
        let p = self
            .mutate(
                "unitOfMeasureCreate",
                "UnitOfMeasureCreateInput",
                "unitOfMeasure { id }",
                json!({"code": code, "name": code, "decimals": decimals}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["unitOfMeasure"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Creates a warehouse; returns its ID.
    pub async fn warehouse(&self, code: &str) -> String {
        let p = self
            .mutate(
                "warehouseCreate",
                "WarehouseCreateInput",
                "warehouse { id }",
                json!({"code": code, "name": code}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["warehouse"]["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Creates a stocked item in a unit; returns its ID.
    pub async fn item(&self, number: &str, price: &str, unit_id: &str) -> String {
        let p = self
            .mutate(
                "itemCreate",
                "ItemCreateInput",
                "item { id }",
                json!({"number": number, "name": format!("Item {number}"), "baseUnitId": unit_id, "baseSalesPrice": price}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["item"]["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Creates a customer in a currency; returns its ID.
    pub async fn customer(&self, name: &str, currency_id: &str) -> String {
        let p = self
            .mutate(
                "customerCreate",
                "CustomerCreateInput",
                "customer { id }",
                json!({"name": name, "currencyId": currency_id}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["customer"]["id"].as_str().unwrap_or_default().to_owned()
    }
}

/// The codes of a payload's userErrors.
pub fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The `extensions.code` of the first top-level error.
pub fn error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
        .to_owned()
}

/// The directory cargo built into (`target/debug`), from the test binary's own path.
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(|d| d.parent())
        .expect("target dir")
        .to_path_buf()
}

/// The repository root.
pub fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// A plugin cdylib of this workspace, e.g. `mercator_example_consignment`. `cargo test` does
/// not build cdylibs; `cargo build --workspace` (the README's test command) does.
pub fn rust_plugin(lib_name: &str) -> PathBuf {
    let p = build_dir().join(format!(
        "{}{lib_name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(
        p.exists(),
        "{} is missing: build the workspace first (scripts/test does: cargo build --workspace)",
        p.display()
    );
    p
}

/// A C plugin compiled with the system C compiler against `plugins/sdk/include`.
pub struct CPlugin {
    /// The shared library.
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

/// Compiles a C source of this repository (path relative to the repo) into a shared library,
/// with `-D` switches. Fails the test with the compiler's output if it does not compile.
pub fn c_plugin(source: &str, defines: &[&str]) -> CPlugin {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!(
        "{}plugin{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let root = repo_dir();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = std::process::Command::new(&cc)
        .args([
            "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-shared", "-fPIC",
        ])
        .arg("-I")
        .arg(root.join("plugins/sdk/include"))
        .args(defines.iter().map(|d| format!("-D{d}")))
        .arg("-o")
        .arg(&path)
        .arg(root.join(source))
        .arg("-lm")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc}: {e}"));
    assert!(
        out.status.success(),
        "{source} {defines:?} does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    CPlugin { path, _dir: dir }
}

/// The SHA-256 of a file, as the configuration wants it.
pub fn sha256_of(path: &Path) -> String {
    mercator_core::extension::loader::sha256_hex(&std::fs::read(path).expect("read plugin"))
}

/// A `[[plugins]]` entry for a file with its correct hash.
pub fn plugin_entry(path: &Path, config: Value) -> mercator_api::config::PluginEntry {
    mercator_api::config::PluginEntry {
        path: path.into(),
        sha256: sha256_of(path),
        config,
    }
}

/// The `mercator` binary cargo built beside the tests.
pub fn mercator_bin() -> PathBuf {
    let bin = build_dir().join(format!("mercator{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "build the binary first (cargo build --workspace): {}",
        bin.display()
    );
    bin
}

/// A `mercator serve --demo` process on a free port of 127.0.0.1, with a fresh database (or
/// the one of `database`), its standard error kept in a file. Killed when dropped.
pub struct ServerProcess {
    /// The child.
    pub child: std::process::Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The admin token it printed.
    pub token: String,
    /// Database URL and PostgreSQL schema it runs on (for a restart on the same data).
    pub database: (String, Option<String>),
    stderr: PathBuf,
    /// Holds the SQLite file and the log.
    pub dir: Arc<tempfile::TempDir>,
}

impl ServerProcess {
    /// Starts a server on a fresh database; `config` is extra TOML (plugins, limits).
    pub fn start(config: &str) -> ServerProcess {
        let (cfg, dir) = fresh_config();
        let dir = Arc::new(dir.unwrap_or_else(|| tempfile::tempdir().expect("temp dir")));
        Self::start_on((cfg.database_url, cfg.database_schema), config, dir)
    }

    /// Starts a server on a given database (a restart after a crash).
    pub fn start_on(
        database: (String, Option<String>),
        config: &str,
        dir: Arc<tempfile::TempDir>,
    ) -> ServerProcess {
        use std::io::{BufRead, BufReader};
        let cfg_file = dir.path().join(format!(
            "server-{}.toml",
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&cfg_file, config).expect("config file");
        let stderr = cfg_file.with_extension("log");
        let mut cmd = std::process::Command::new(mercator_bin());
        cmd.args(["serve", "--demo", "--config"])
            .arg(&cfg_file)
            .env("MERCATOR_DATABASE_URL", &database.0)
            .env("MERCATOR_LISTEN", "127.0.0.1:0")
            .env("MERCATOR_LOG_LEVEL", "warn")
            .env_remove("MERCATOR_CONFIG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("log file"));
        if let Some(s) = &database.1 {
            cmd.env("MERCATOR_DATABASE_SCHEMA", s);
        }
        let mut child = cmd.spawn().expect("spawn mercator");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut url, mut token) = (String::new(), String::new());
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Mercator is listening on ") {
                    url = rest.trim_end_matches("/graphql").to_owned();
                }
                if let Some(rest) = line.trim().strip_prefix("Admin token:") {
                    token = rest.trim().to_owned();
                }
                if line.trim_start().starts_with("Try:") {
                    let _ = tx.send((url.clone(), token.clone()));
                }
            }
        });
        let Ok((url, token)) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!(
                "mercator serve did not start: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        };
        ServerProcess {
            child,
            url,
            token,
            database,
            stderr,
            dir,
        }
    }

    /// What the process wrote to standard error so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends a signal (`libc::SIGTERM`, `libc::SIGKILL`) to the process.
    pub fn signal(&self, sig: i32) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if still running.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            if started.elapsed() > limit {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// A client for the demo company with the printed admin token.
    pub async fn q(&self, query: &str, variables: Value) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(format!("{}/graphql", self.url))
            .bearer_auth(&self.token)
            .header("X-Mercator-Company", "DEMO")
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
