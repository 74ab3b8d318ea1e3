//! The `mercator` binary as operators and scripts use it. Needs `cargo build` to have built it
//! (the README's test command does).

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = dir.join(format!("mercator{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "build the binary first (cargo build --workspace): {}",
        bin.display()
    );
    bin
}

fn mercator(db_url: &str, schema: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env("MERCATOR_DATABASE_URL", db_url)
        .env("MERCATOR_LOG_LEVEL", "warn")
        .env_remove("MERCATOR_CONFIG");
    if let Some(s) = schema {
        cmd.env("MERCATOR_DATABASE_SCHEMA", s);
    }
    cmd.output().unwrap()
}

#[tokio::test]
async fn seed_token_and_serve_work_for_scripts() {
    let (cfg, _dir) = mercator_tests::fresh_config();
    let (url, schema) = (cfg.database_url.clone(), cfg.database_schema.clone());
    let schema = schema.as_deref();

    let out = mercator(&url, schema, &["seed", "--demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = mercator(&url, schema, &["seed", "--demo"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already present"),
        "seeding twice changes nothing"
    );

    let out = mercator(
        &url,
        schema,
        &[
            "token",
            "create",
            "--company",
            "DEMO",
            "--role",
            "viewer",
            "--name",
            "bi",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim_end_matches('\n');
    assert!(
        token.starts_with("mrc_")
            && !token.contains(char::is_whitespace)
            && stdout.lines().count() == 1,
        "{stdout:?}"
    );

    let out = mercator(
        &url,
        schema,
        &["token", "create", "--company", "NOPE", "--role", "viewer"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("company NOPE not found"), "{err}");
    if let Some(s) = schema {
        assert!(
            err.contains(&format!("schema {s}")),
            "names where it looked: {err}"
        );
    }
    let out = mercator(
        &url,
        schema,
        &["token", "create", "--company", "DEMO", "--role", "boss"],
    );
    assert!(!out.status.success());

    let list = String::from_utf8(mercator(&url, schema, &["token", "list"]).stdout).unwrap();
    assert!(
        list.contains("bi")
            && list.contains("viewer")
            && list.contains("DEMO")
            && !list.contains(token)
    );

    // serve on a free port; the printed token works at once.
    let mut cmd = Command::new(binary());
    cmd.args(["serve", "--demo"])
        .env("MERCATOR_DATABASE_URL", &url)
        .env("MERCATOR_LISTEN", "127.0.0.1:0")
        .env("MERCATOR_LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(s) = schema {
        cmd.env("MERCATOR_DATABASE_SCHEMA", s);
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = String::new();
    let mut admin = String::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("Mercator is listening on ") {
            addr = rest.trim_end_matches("/graphql").to_owned();
        }
        if let Some(rest) = line.trim().strip_prefix("Admin token:") {
            admin = rest.trim().to_owned();
        }
        if line.contains("GraphiQL:") {
            assert!(
                line.contains("#token=mrc_") && line.contains("company=DEMO"),
                "{line}"
            );
            // The port the server got, not the :0 it was asked for.
            assert!(!line.contains(":0/"), "{line}");
        }
        if line.trim_start().starts_with("Try:") {
            break;
        }
    }
    let http = reqwest::Client::new();
    let q = |t: &str| {
        http.post(format!("{addr}/graphql"))
            .bearer_auth(t)
            .header("X-Mercator-Company", "DEMO")
            .json(&json!({"query": "{ customers { totalCount } items { totalCount } vendors { totalCount } viewer { roles }
                prospects { totalCount } campaigns { nodes { statistics { targets positiveResponses leads opportunities } } }
                pipeline { stageName count weightedValue { amount } } followUps { subject } }"}))
            .send()
    };
    let body: Value = q(&admin).await.unwrap().json().await.unwrap();
    let viewer_body: Value = q(token).await.unwrap().json().await.unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(body["data"]["viewer"]["roles"], json!(["ADMIN"]), "{body}");
    assert!(
        body["data"]["customers"]["totalCount"].as_i64().unwrap() >= 50,
        "{body}"
    );
    assert!(
        body["data"]["items"]["totalCount"].as_i64().unwrap() >= 20,
        "{body}"
    );
    assert_eq!(viewer_body["data"]["viewer"]["roles"], json!(["VIEWER"]));
    // the demo's relationship data: prospects, a campaign with its funnel, the pipeline
    assert_eq!(body["data"]["prospects"]["totalCount"], 4, "{body}");
    let st = &body["data"]["campaigns"]["nodes"][0]["statistics"];
    assert!(st["targets"].as_i64().unwrap() >= 4, "{body}");
    assert_eq!(st["positiveResponses"], 2, "{body}");
    assert_eq!(st["leads"], 1, "{body}");
    assert_eq!(st["opportunities"], 1, "{body}");
    assert_eq!(
        body["data"]["pipeline"],
        json!([{"stageName": "Qualification", "count": 1, "weightedValue": {"amount": "2400.00"}}])
    );
    assert_eq!(body["data"]["followUps"].as_array().map(Vec::len), Some(1));

    let out = mercator(&url, schema, &["export-schema"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        mercator_api::graphql::sdl()
    );
}

/// `export-schema | head` ends quietly (it panicked on the closed pipe); a command against a
/// database that does not exist says so and names it instead of creating an empty file; the
/// help lists the environment variables.
#[test]
fn the_cli_behaves_in_pipes_and_names_its_database_and_variables() {
    use std::io::Read;
    let mut child = Command::new(binary())
        .arg("export-schema")
        .env_remove("MERCATOR_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here.db");
    let url = format!("sqlite://{}?mode=rwc", missing.display());
    let out = mercator(
        &url,
        None,
        &["token", "create", "--company", "DEMO", "--role", "viewer"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not exist") && err.contains("nothing-here.db"),
        "{err}"
    );
    assert!(!missing.exists(), "no empty database was created");

    // On PostgreSQL, a schema that holds no Mercator database is named, and not created.
    if let Some(pg) = mercator_tests::postgres_url() {
        let schema = format!("t_absent_{}", std::process::id());
        let out = mercator(
            &pg,
            Some(&schema),
            &["token", "create", "--company", "DEMO", "--role", "viewer"],
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("schema {schema}")) && err.contains("mercator migrate"),
            "{err}"
        );
        let rt = tokio::runtime::Runtime::new().unwrap();
        let created = rt.block_on(async {
            use sea_orm::ConnectionTrait;
            let c = sea_orm::Database::connect(pg.as_str()).await.unwrap();
            c.query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                format!("SELECT 1 FROM information_schema.schemata WHERE schema_name = '{schema}'"),
            ))
            .await
            .unwrap()
            .is_some()
        });
        assert!(!created, "no empty schema was created");
    }

    let out = Command::new(binary()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "MERCATOR_CONFIG",
        "MERCATOR_DATABASE_URL",
        "MERCATOR_LISTEN",
        "MERCATOR_HTTP__",
        "MERCATOR_PLUGIN_LIMITS__",
    ] {
        assert!(help.contains(var), "{var} missing from --help: {help}");
    }
}
