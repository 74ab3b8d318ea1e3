//! The `mercator` command line.

use crate::config::Config;
use crate::server::{self, AppState};
use clap::{Parser, Subcommand};
use mercator_core::auth::{self, NewToken, Role};
use mercator_core::db::Db;
use mercator_core::demo;
use mercator_core::extension::loader;
use mercator_core::extension::registry::Registry;
use std::path::PathBuf;
use std::sync::Arc;

/// Mercator: a headless sales-and-marketing backend with a GraphQL API.
#[derive(Parser, Debug)]
#[command(name = "mercator", version, about, after_help = ENV_HELP)]
pub struct Cli {
    /// Configuration file (TOML). Without one, defaults and `MERCATOR_*` variables apply.
    #[arg(long, global = true, env = "MERCATOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Seed the demo company `DEMO` if missing and print a ready-to-use admin token.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Seed data.
    Seed {
        /// Seed the demo company `DEMO` (nothing happens if it exists).
        #[arg(long)]
        demo: bool,
        /// With --demo: add sales orders of the demo pattern until the demo company has this
        /// many (for load tests, e.g. 2000).
        #[arg(long, value_name = "N", requires = "demo")]
        orders: Option<usize>,
        /// With --demo: invoice demo orders until the demo company has this many invoices
        /// (after --orders; for the invoice list's load test).
        #[arg(long, value_name = "N", requires = "demo")]
        invoices: Option<usize>,
    },
    /// Print the GraphQL schema (SDL) on stdout. Loads the configured plugins first, which
    /// proves they do not change the schema.
    ExportSchema,
    /// Check or list plugins.
    Plugins {
        /// Plugin action.
        #[command(subcommand)]
        action: PluginsCmd,
    },
    /// Manage API tokens.
    Token {
        /// Token action.
        #[command(subcommand)]
        action: TokenCmd,
    },
}

/// Plugin actions.
#[derive(Subcommand, Debug)]
pub enum PluginsCmd {
    /// Check a plugin file without starting a server: prints its manifest as JSON and its
    /// SHA-256 (for the configuration) and exits 0, or prints every problem and exits 1.
    Check {
        /// The shared library.
        file: PathBuf,
    },
    /// Load the plugins the configuration lists, as `serve` would, and show what each adds.
    List,
}

/// Token actions.
#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token; prints the token alone on stdout (it is shown only once).
    Create {
        /// Company code it may act in; repeat for several.
        #[arg(long = "company")]
        companies: Vec<String>,
        /// May act in every company, present and future.
        #[arg(long)]
        all_companies: bool,
        /// Role: viewer, clerk, poster, approver or admin; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Query cost budget of this token (default: the server's).
        #[arg(long)]
        max_query_cost: Option<i32>,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by id or by its shown prefix.
    Revoke {
        /// Id or prefix (as shown by `token list`).
        token: String,
    },
}

/// The environment variables, listed under every `--help`.
const ENV_HELP: &str = "Environment variables (override the configuration file; nested keys with __):
  MERCATOR_CONFIG                      configuration file (TOML)
  MERCATOR_DATABASE_URL                sqlite://mercator.db?mode=rwc (default) or postgres://user@host:5432/db
  MERCATOR_DATABASE_SCHEMA             PostgreSQL schema (default public)
  MERCATOR_DATABASE_MAX_CONNECTIONS    pool size (default 8)
  MERCATOR_LISTEN                      address:port (default 127.0.0.1:8080; port 0 picks one)
  MERCATOR_LOG_FORMAT, MERCATOR_LOG_LEVEL   text or json; a tracing filter such as info
  MERCATOR_CORS_ORIGINS                e.g. '[\"http://localhost:3000\"]'
  MERCATOR_CORS_ALLOWED_HEADERS        more request headers browsers may send, e.g. '[\"x-tenant\"]'
  MERCATOR_LIMITS__*                   MAX_COST, MAX_DEPTH, TOKEN_CACHE_SECONDS, MAX_NESTING, MAX_QUERY_BYTES
  MERCATOR_HTTP__*                     HEADER_TIMEOUT_SECONDS, BODY_TIMEOUT_SECONDS, MAX_BODY_BYTES,
                                       MAX_CONNECTIONS, SHUTDOWN_GRACE_SECONDS
  MERCATOR_PLUGIN_LIMITS__*            CALL_TIMEOUT_MS, INIT_TIMEOUT_MS, MAX_ANSWER_BYTES, MAX_ERRORS,
                                       MAX_CONCURRENT_CALLS
Every setting: docs/operations.md.";

/// Writes to standard output; a closed pipe (`mercator export-schema | head`) ends the output
/// quietly instead of panicking.
fn out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The SQLite file of a `sqlite:` URL (none for an in-memory database or another engine).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:") && !url.contains("mode=memory"))
        .then(|| PathBuf::from(path))
}

/// Connects to a database that must already exist: commands that only read or manage it
/// (tokens) refuse to create an empty SQLite file and then fail on what it lacks.
async fn connect_existing(cfg: &Config) -> anyhow::Result<Db> {
    if let Some(f) = sqlite_file(&cfg.database_url)
        && !f.exists()
    {
        anyhow::bail!(
            "the database {} does not exist (database_url / MERCATOR_DATABASE_URL is {}); \
             create it with `mercator migrate` or `mercator serve`",
            f.display(),
            redact(&cfg.database_url)
        );
    }
    if cfg.database_url.starts_with("postgres") {
        // Connecting with a schema creates it: look first, on a plain connection.
        use sea_orm::ConnectionTrait;
        let schema = cfg
            .database_schema
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("public");
        let plain = sea_orm::Database::connect(cfg.database_url.as_str())
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot open the database {}: {e}",
                    redact(&cfg.database_url)
                )
            })?;
        let found = plain
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = $1 AND table_name = 'seaql_migrations'",
                [schema.into()],
            ))
            .await?
            .is_some();
        plain.close().await?;
        if !found {
            anyhow::bail!(
                "the schema {schema} of the database {} holds no Mercator database \
                 (database_schema / MERCATOR_DATABASE_SCHEMA, database_url / \
                 MERCATOR_DATABASE_URL); create it with `mercator migrate` or `mercator serve`",
                redact(&cfg.database_url)
            );
        }
    }
    connect(cfg).await
}

/// Where the database is, for messages: its URL without the password, and the schema.
fn where_db(cfg: &Config) -> String {
    match (
        &cfg.database_schema,
        cfg.database_url.starts_with("postgres"),
    ) {
        (Some(s), true) => format!("database {}, schema {s}", redact(&cfg.database_url)),
        _ => format!("database {}", redact(&cfg.database_url)),
    }
}

fn init_logging(cfg: &Config) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        let _ = b.json().try_init();
    } else {
        let _ = b.try_init();
    }
}

async fn connect(cfg: &Config) -> anyhow::Result<Db> {
    Db::connect(&cfg.db()).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot open the database {}: {e}",
            redact(&cfg.database_url)
        )
    })
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let cfg = Config::load(cli.config.as_deref())?;
    init_logging(&cfg);
    match cli.command {
        Command::ExportSchema => {
            let registry = load_plugins(&cfg)?;
            let sdl = crate::graphql::build_schema(None, registry).sdl();
            out(&sdl)
        }
        Command::Plugins { action } => plugins(&cfg, action),
        Command::Migrate => {
            let db = connect(&cfg).await?;
            db.migrate().await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Seed {
            demo: with_demo,
            orders,
            invoices,
        } => {
            if !with_demo {
                anyhow::bail!("nothing to seed: pass --demo");
            }
            let db = connect(&cfg).await?;
            db.migrate().await?;
            let (c, created) = seed_demo(&db).await?;
            eprintln!(
                "{} company {} ({})",
                if created {
                    "seeded"
                } else {
                    "already present:"
                },
                c.code,
                c.name
            );
            if let Some(target) = orders {
                let added = demo::top_up_orders(&db, c.id, target).await?;
                eprintln!(
                    "added {added} orders: company {} has at least {target}",
                    c.code
                );
            }
            if let Some(target) = invoices {
                let added = demo::top_up_invoices(&db, c.id, target).await?;
                eprintln!("posted {added} invoices (target {target})");
            }
            Ok(())
        }
        Command::Token { action } => token(&cfg, action).await,
        Command::Serve { demo: with_demo } => serve(cfg, with_demo).await,
    }
}

async fn seed_demo(db: &Db) -> anyhow::Result<(mercator_core::setup::company::Model, bool)> {
    let txn = db.begin_write().await?;
    match demo::seed(&txn).await {
        Ok(r) => {
            txn.commit().await?;
            Ok(r)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(anyhow::anyhow!("seeding the demo company failed: {e}"))
        }
    }
}

async fn token(cfg: &Config, action: TokenCmd) -> anyhow::Result<()> {
    let db = connect_existing(cfg).await?;
    db.migrate().await?;
    match action {
        TokenCmd::Create {
            companies,
            all_companies,
            roles,
            name,
            max_query_cost,
        } => {
            let mut parsed = Vec::new();
            for r in &roles {
                parsed.push(Role::parse(r).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown role {r:?}; use viewer, clerk, poster, approver or admin"
                    )
                })?);
            }
            let (_, token) = auth::create_token(
                &db.conn,
                NewToken {
                    name,
                    roles: parsed,
                    companies,
                    all_companies,
                    max_query_cost,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e} ({})", where_db(cfg)))?;
            out(&format!("{token}\n"))?;
        }
        TokenCmd::List => {
            println!(
                "{:<6} {:<14} {:<20} {:<28} {:<20} STATE",
                "ID", "PREFIX", "NAME", "ROLES", "COMPANIES"
            );
            for t in auth::list_tokens(&db.conn)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", where_db(cfg)))?
            {
                let companies = if t.token.all_companies {
                    "*".to_owned()
                } else {
                    t.companies.join(",")
                };
                let state = if t.token.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{:<6} {:<14} {:<20} {:<28} {:<20} {}",
                    t.token.id, t.token.token_prefix, t.token.name, t.token.roles, companies, state
                );
            }
        }
        TokenCmd::Revoke { token } => {
            let revoked = auth::revoke(&db.conn, &token)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", where_db(cfg)))?;
            for t in revoked {
                eprintln!("revoked token {} ({})", t.id, t.name);
            }
        }
    }
    Ok(())
}

/// The registry with the configured plugins; the first that cannot load is the error.
fn load_plugins(cfg: &Config) -> anyhow::Result<Arc<Registry>> {
    let r = Registry::load_with(&cfg.plugin_specs(), cfg.plugin_limits.core())
        .map_err(|e| anyhow::anyhow!("cannot start: {e}"))?;
    for p in r.plugins() {
        tracing::info!(
            "loaded plugin {} {} (ABI {}.{}) from {}",
            p.manifest.id,
            p.manifest.version,
            p.manifest.abi.0,
            p.manifest.abi.1,
            p.path.display()
        );
    }
    Ok(Arc::new(r))
}

fn plugins(cfg: &Config, action: PluginsCmd) -> anyhow::Result<()> {
    match action {
        PluginsCmd::Check { file } => {
            let r = loader::check(&file);
            if r.problems.is_empty()
                && let (Some(m), Some(sha)) = (&r.manifest, &r.sha256)
            {
                let mut v = m.to_json();
                v["sha256"] = sha.clone().into();
                v["hostAbiVersion"] =
                    format!("{}.{}", loader::HOST_ABI.0, loader::HOST_ABI.1).into();
                println!("{}", serde_json::to_string_pretty(&v)?);
                return Ok(());
            }
            eprintln!("{} cannot be loaded:", file.display());
            for p in &r.problems {
                eprintln!("  - {p}");
            }
            if let Some(sha) = &r.sha256 {
                eprintln!("  (sha256 {sha})");
            }
            anyhow::bail!("{} problem(s) found", r.problems.len())
        }
        PluginsCmd::List => {
            if cfg.plugins.is_empty() {
                eprintln!("the configuration lists no plugins");
            }
            let r = load_plugins(cfg)?;
            let list: Vec<_> = r
                .plugins()
                .iter()
                .map(|p| {
                    let mut v = p.manifest.to_json();
                    v["path"] = p.path.display().to_string().into();
                    v["sha256"] = p.sha256.clone().into();
                    v
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
            Ok(())
        }
    }
}

const DEMO_TOKEN_NAME: &str = "demo console";

async fn serve(cfg: Config, with_demo: bool) -> anyhow::Result<()> {
    let registry = load_plugins(&cfg)?;
    let db = connect(&cfg).await?;
    db.migrate().await?;
    let (acceptor, addr) = server::bind(&cfg.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.listen))?;
    let mut banner = String::new();
    if with_demo {
        let (company, created) = seed_demo(&db).await?;
        if created {
            tracing::info!("seeded the demo company {}", company.code);
        }
        auth::revoke_by_name(&db.conn, DEMO_TOKEN_NAME)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (_, token) = auth::create_token(
            &db.conn,
            NewToken {
                name: DEMO_TOKEN_NAME.into(),
                roles: vec![Role::Admin],
                companies: vec![],
                all_companies: true,
                max_query_cost: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        banner = format!(
            "  GraphiQL:     http://{listen}/graphql#token={token}&company={code}\n  Admin token:  {token}\n  Company:      {code} (send it as the X-Mercator-Company header)\n  Try:          curl -s http://{listen}/graphql -H 'Authorization: Bearer {token}' -H 'X-Mercator-Company: {code}' -H 'Content-Type: application/json' -d '{{\"query\":\"{{ customers(first: 3) {{ nodes {{ accountNumber name }} }} }}\"}}'\n",
            listen = addr,
            code = company.code,
        );
    }
    println!("Mercator is listening on http://{addr}/graphql");
    if !banner.is_empty() {
        print!("{banner}");
    }
    let state = AppState::with_registry(db, cfg, registry);
    let shutdown = async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    server::serve(state, acceptor, shutdown).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every variable the configuration reads is named in `--help` (a key, or its section's
    /// `MERCATOR_<SECTION>__*` line and the key's own name after the `__`).
    #[test]
    fn every_environment_variable_is_in_the_help() {
        for key in crate::config::ENV_KEYS {
            let named = match key.split_once("__") {
                None => [" ", ",", "__*"]
                    .iter()
                    .any(|end| super::ENV_HELP.contains(&format!("MERCATOR_{key}{end}"))),
                Some((section, field)) => {
                    super::ENV_HELP.contains(&format!("MERCATOR_{section}__*"))
                        && super::ENV_HELP.contains(field)
                }
            };
            assert!(named, "MERCATOR_{key} is not in the --help text");
        }
    }
}
