//! The plugin platform with real shared libraries: the example plugins (three built by cargo
//! from the SDK, one compiled here from C with no Rust on its side), loaded by a running server,
//! listed by the registry queries and called through the ABI with realistic messages; and every
//! refusal, each with its message, the server still serving.

use mercator_core::extension::ExtensionError;
use mercator_core::extension::loader::{self, PluginSpec};
use mercator_core::extension::messages::{
    PromiseBasis, RenderInvoiceRequest, Transition, TransitionAction, TransitionRequest,
    ValidateOrderRequest,
};
use mercator_core::extension::registry::Registry;
use mercator_plugin_sdk::samples;
use mercator_tests::{TestApp, c_plugin, fresh_config, plugin_entry, rust_plugin, sha256_of};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::Path;

const CONSIGNMENT: &str = "mercator_example_consignment";
const FACTURX: &str = "mercator_example_facturx";
const WORKDAY: &str = "mercator_example_workday";
const FAULTY: &str = "mercator_fixture_faulty";
const CSV_C: &str = "plugins/examples/csv-invoice-c/csv_invoice.c";
const FIXTURE_C: &str = "tests/fixtures/abi_fixture.c";

fn spec(path: &Path, config: Value) -> PluginSpec {
    plugin_entry(path, config).spec()
}

fn load_err(spec: &PluginSpec) -> String {
    match loader::load(spec, Default::default()) {
        Ok(p) => panic!("{} loaded but should not", p.manifest.id),
        Err(e) => e.to_string(),
    }
}

fn validate(order_type: &str, attributes: Value) -> ValidateOrderRequest {
    let mut order = samples::order(order_type);
    order.attributes = attributes;
    ValidateOrderRequest {
        v: 1,
        order_type: order_type.into(),
        order,
    }
}

fn rejected_codes(r: Result<(), ExtensionError>) -> Vec<String> {
    match r {
        Err(ExtensionError::Rejected(e)) => e.into_iter().map(|e| e.code).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn example_plugins_load_in_a_running_server_and_work_through_the_abi() {
    let csv = c_plugin(CSV_C, &[]);
    let (mut cfg, dir) = fresh_config();
    cfg.plugins = vec![
        plugin_entry(&rust_plugin(CONSIGNMENT), json!({"maxSettlementDays": 60})),
        plugin_entry(&rust_plugin(FACTURX), json!({})),
        plugin_entry(
            &rust_plugin(WORKDAY),
            json!({"cutoff": "12:00", "holidays": ["2026-11-26"]}),
        ),
        plugin_entry(&csv.path, json!({"separator": ";"})),
    ];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("ACME").await;

    // The registry queries list every plugin and what it adds, next to the built-ins.
    let d = c
        .ok(
            "{ plugins { id version abiVersion sdkVersion sha256 capabilities }
               orderTypes { code label provider affectsInventory attributesSchema }
               invoiceFormats { code provider mediaType fileExtension }
               promisingCalculators { code provider argumentsSchema } }",
            json!({}),
        )
        .await;
    let ids: Vec<_> = d["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "example.consignment",
            "example.facturx",
            "example.workday-calendar",
            "example.csv-invoice-c"
        ]
    );
    let consignment = &d["plugins"][0];
    assert_eq!(consignment["abiVersion"], "1.1");
    assert_eq!(consignment["sdkVersion"], mercator_plugin_sdk::SDK_VERSION);
    assert_eq!(consignment["sha256"], sha256_of(&rust_plugin(CONSIGNMENT)));
    assert_eq!(
        consignment["capabilities"]["orderTypes"][0]["code"],
        "CONSIGNMENT"
    );
    assert_eq!(d["plugins"][3]["sdkVersion"], "c-header-1.1");
    let types: Vec<_> = d["orderTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["code"].as_str().unwrap(), t["provider"].as_str().unwrap()))
        .collect();
    assert_eq!(
        types,
        [
            ("SALES", "builtin"),
            ("JOURNAL", "builtin"),
            ("SUBSCRIPTION", "builtin"),
            ("RETURNED", "builtin"),
            ("ITEM_REQUIREMENTS", "builtin"),
            ("CONSIGNMENT", "example.consignment"),
        ]
    );
    assert_eq!(d["orderTypes"][1]["affectsInventory"], false);
    assert_eq!(
        d["orderTypes"][5]["attributesSchema"]["required"],
        json!(["consigneeSite", "settlementDays"])
    );
    assert_eq!(
        d["invoiceFormats"],
        json!([
            {"code": "MERCATOR_JSON", "provider": "builtin", "mediaType": "application/json", "fileExtension": "json"},
            {"code": "FACTURX_EN16931", "provider": "example.facturx", "mediaType": "application/xml", "fileExtension": "xml"},
            {"code": "CSV_LINES", "provider": "example.csv-invoice-c", "mediaType": "text/csv", "fileExtension": "csv"},
        ])
    );
    assert_eq!(d["promisingCalculators"][0]["code"], "WORKDAY_CUTOFF");
    assert_eq!(
        d["promisingCalculators"][0]["argumentsSchema"]["properties"]["ignoreCutoff"]["type"],
        "boolean"
    );

    let r = &app.registry;
    // Order type plugin: validation with its configuration (60 days at most) ...
    let ok = json!({"consigneeSite": "SITE-7", "settlementDays": 45});
    r.validate_order(validate("CONSIGNMENT", ok.clone()))
        .await
        .unwrap();
    assert_eq!(
        rejected_codes(
            r.validate_order(validate("CONSIGNMENT", json!({"settlementDays": 75})))
                .await
        ),
        ["CONSIGNEE_SITE_REQUIRED", "SETTLEMENT_DAYS_OUT_OF_RANGE"]
    );
    // ... and its extra transition rule.
    let mut order = samples::order("CONSIGNMENT");
    order.attributes = ok;
    let cancel = |order| TransitionRequest {
        v: 1,
        order_type: "CONSIGNMENT".into(),
        order,
        transition: Transition {
            action: TransitionAction::Cancel,
            to_order_type: None,
        },
    };
    r.check_transition(cancel(order.clone())).await.unwrap();
    order.lines[1].delivered_quantity = Decimal::from(2);
    assert_eq!(
        rejected_codes(r.check_transition(cancel(order)).await),
        ["CONSIGNMENT_STOCK_AT_CONSIGNEE"]
    );

    // Invoice formats: Factur-X from Rust, CSV from C, JSON built in; a 50-line invoice.
    let invoice = samples::invoice(50);
    let render = |format: &str| RenderInvoiceRequest {
        v: 1,
        format: format.into(),
        invoice: invoice.clone(),
    };
    let x = r.render_invoice(render("FACTURX_EN16931")).await.unwrap();
    assert_eq!(
        (x.media_type.as_str(), x.file_name.as_str()),
        ("application/xml", "INV-2026-000123.xml")
    );
    let xml = String::from_utf8(x.bytes).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert_eq!(
        xml.matches("<ram:IncludedSupplyChainTradeLineItem>")
            .count(),
        50
    );
    assert!(xml.contains(&format!(
        "<ram:GrandTotalAmount>{}</ram:GrandTotalAmount>",
        invoice.totals.grand_total.round_dp(2)
    )));

    let csv_doc = r.render_invoice(render("CSV_LINES")).await.unwrap();
    assert_eq!(csv_doc.file_name, "INV-2026-000123.csv");
    let text = String::from_utf8(csv_doc.bytes).unwrap();
    let rows: Vec<_> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 52, "header, 50 lines, total");
    assert_eq!(
        rows[0],
        "invoice;line;item;description;quantity;unit;unit_price;line_amount;tax_code;tax_rate;currency"
    );
    assert_eq!(
        rows[1],
        format!(
            "INV-2026-000123;1;ITEM-000;\"Artikel 1 \"\"Premium\"\" & Zubehör\";1;pcs;12.50;{};STD;19;EUR",
            invoice.lines[0].line_amount
        )
    );
    assert_eq!(
        rows[51],
        format!(
            "INV-2026-000123;TOTAL;;;;;;{};;{};EUR",
            invoice.totals.grand_total, invoice.totals.tax_total
        )
    );

    let j = r.render_invoice(render("MERCATOR_JSON")).await.unwrap();
    let back: mercator_core::extension::messages::InvoiceDocument =
        serde_json::from_slice(&j.bytes).unwrap();
    assert_eq!(back, invoice);

    // Promising calculator: Friday 20 Nov 10:30, before the 12:00 cut-off; Thursday 26th is
    // a configured holiday.
    let p = r
        .promise(samples::promising_request("WORKDAY_CUTOFF", 3))
        .await
        .unwrap();
    assert_eq!(p.lines.len(), 3);
    // Line 1: 5 of 12 on hand (less 3 demanded on the 25th): requested Monday 23rd, shipped
    // after a handling day on Tuesday 24th, delivered two working days later skipping the 26th.
    assert_eq!(p.lines[0].basis, PromiseBasis::OnHand);
    assert_eq!(p.lines[0].ship_date.to_string(), "2026-11-24");
    assert_eq!(p.lines[0].delivery_date.to_string(), "2026-11-27");
    // Every line comes back, in order, with its id.
    let ids: Vec<_> = p.lines.iter().map(|l| l.line_id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);

    // An unknown code is NOT_FOUND, not a crash.
    let e = r.render_invoice(render("NOPE")).await.unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
}

#[tokio::test]
async fn built_in_order_types_apply_the_domain_rules() {
    let app = TestApp::start().await;
    let r = &app.registry;
    r.validate_order(validate("SALES", json!({})))
        .await
        .unwrap();
    assert_eq!(
        rejected_codes(r.validate_order(validate("RETURNED", json!({}))).await),
        ["RETURN_QUANTITY_POSITIVE"; 3]
    );
    assert_eq!(
        rejected_codes(
            r.validate_order(validate("ITEM_REQUIREMENTS", json!({})))
                .await
        ),
        ["ITEM_REQUIREMENTS_PROJECT_ONLY"]
    );
    let t = |ty: &str, action, to: Option<&str>, delivered: bool| {
        let mut order = samples::order(ty);
        if delivered {
            order.lines[0].delivered_quantity = Decimal::ONE;
            order.status = "DELIVERED".into();
        }
        TransitionRequest {
            v: 1,
            order_type: ty.into(),
            order,
            transition: Transition {
                action,
                to_order_type: to.map(str::to_owned),
            },
        }
    };
    assert_eq!(
        rejected_codes(
            r.check_transition(t("JOURNAL", TransitionAction::Ship, None, false))
                .await
        ),
        ["JOURNAL_NOT_EXECUTABLE"]
    );
    r.check_transition(t(
        "JOURNAL",
        TransitionAction::ChangeType,
        Some("SALES"),
        false,
    ))
    .await
    .unwrap();
    r.check_transition(t(
        "SALES",
        TransitionAction::ChangeType,
        Some("JOURNAL"),
        false,
    ))
    .await
    .unwrap();
    assert_eq!(
        rejected_codes(
            r.check_transition(t(
                "SALES",
                TransitionAction::ChangeType,
                Some("JOURNAL"),
                true
            ))
            .await
        ),
        ["TYPE_CHANGE_BLOCKED"]
    );
    assert_eq!(
        rejected_codes(
            r.check_transition(t(
                "ITEM_REQUIREMENTS",
                TransitionAction::ChangeType,
                Some("SALES"),
                true
            ))
            .await
        ),
        ["TYPE_CHANGE_BLOCKED"]
    );
    let e = r
        .validate_order(validate("NOPE", json!({})))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
}

#[tokio::test]
async fn every_bad_plugin_is_refused_with_a_clear_message() {
    let good = rust_plugin(FAULTY);

    // A wrong hash: refused before the file is opened.
    let mut s = spec(&good, json!({}));
    s.sha256 = "0".repeat(64);
    let e = load_err(&s);
    assert!(
        e.contains("SHA-256 mismatch") && e.contains("was not opened"),
        "{e}"
    );
    s.sha256 = "abc".into();
    assert!(load_err(&s).contains("not 64 hexadecimal digits"));

    // A file that is not a shared library.
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("libnot.so");
    std::fs::write(&text, "this is not an ELF file").unwrap();
    let e = load_err(&spec(&text, json!({})));
    assert!(e.contains("not a loadable shared library"), "{e}");
    assert!(e.contains("libnot.so"), "the message names the file: {e}");
    let e = load_err(&PluginSpec {
        path: dir.path().join("missing.so"),
        sha256: "0".repeat(64),
        config: json!({}),
    });
    assert!(e.contains("cannot open the file"), "{e}");

    // Libraries built from the C fixture with one thing wrong each.
    let cases: [(&[&str], &str); 7] = [
        (&["FIX_NO_MANIFEST"], "no `mercator_plugin_manifest` symbol"),
        (&["FIX_MAGIC_BAD"], "wrong magic bytes \"NOTPLUG\\0\""),
        (
            &["FIX_MAJOR=2"],
            "built for plugin ABI 2.1, this host supports ABI 1.1 (the major version must match)",
        ),
        (
            &["FIX_MINOR=99"],
            "built for plugin ABI 1.99, newer than this host's ABI 1.1",
        ),
        (
            &["FIX_INIT_FAIL"],
            "plugin fixture.abi-c failed to initialise: cannot reach the licence server (fixture)",
        ),
        (&["FIX_BAD_CAPS"], "the capabilities are not valid JSON"),
        (
            &["FIX_BAD_SCHEMA"],
            "order type REMOTE: attributesSchema is not a JSON Schema this host can check",
        ),
    ];
    for (defines, expected) in cases {
        let lib = c_plugin(FIXTURE_C, defines);
        let e = load_err(&spec(&lib.path, json!({})));
        assert!(e.contains(expected), "{defines:?}: {e}");
        // `plugins check` finds the same problems (init is not called by check).
        if !defines.contains(&"FIX_INIT_FAIL") {
            let r = loader::check(&lib.path);
            assert!(
                r.problems.iter().any(|p| p.contains(expected)),
                "{defines:?}: {:?}",
                r.problems
            );
        }
    }

    // A Rust plugin whose init fails, or panics: the panic is caught in the plugin.
    let e = load_err(&spec(&good, json!({"mode": "fail_init"})));
    assert!(
        e.contains("failed to initialise: the licence key is missing (fixture)"),
        "{e}"
    );
    let e = load_err(&spec(&good, json!({"mode": "panic_init"})));
    assert!(e.contains("init panicked: init exploded (fixture)"), "{e}");

    // Requests a plugin cannot read are plugin faults, in C as in Rust, never a crash.
    let csv = c_plugin(CSV_C, &[]);
    for path in [csv.path.clone(), rust_plugin(FACTURX)] {
        let p = loader::load(&spec(&path, json!({})), Default::default()).unwrap();
        for garbage in [
            &b"{\"format\": \"CSV_LINES\", \"invoice\": {\"lines\": [1, 2"[..],
            b"",
            b"\xff\xfe",
        ] {
            let e = p
                .call(loader::Operation::RenderInvoice, garbage, |_| Ok(()))
                .unwrap_err();
            assert_eq!(e.code(), "PLUGIN_FAULT", "{}: {e}", p.manifest.id);
            assert!(e.to_string().contains("unreadable request"), "{e}");
        }
        // An operation the plugin does not provide.
        let e = p
            .call(loader::Operation::ValidateOrder, b"{}", |_| Ok(()))
            .unwrap_err();
        assert!(matches!(e.code(), "UNSUPPORTED" | "PLUGIN_FAULT"), "{e}");
    }
    // Each init has its own settings: one library, two configurations, in one process.
    let comma = loader::load(&spec(&csv.path, json!({})), Default::default()).unwrap();
    let semi = loader::load(
        &spec(&csv.path, json!({"separator": ";"})),
        Default::default(),
    )
    .unwrap();
    let req = serde_json::to_vec(&RenderInvoiceRequest {
        v: 1,
        format: "CSV_LINES".into(),
        invoice: samples::invoice(1),
    })
    .unwrap();
    let head = |p: &loader::LoadedPlugin| {
        p.call(loader::Operation::RenderInvoice, &req, |b| {
            Ok(String::from_utf8_lossy(b)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned())
        })
        .unwrap()
    };
    assert!(head(&comma).starts_with("invoice,line,item,"));
    assert!(head(&semi).starts_with("invoice;line;item;"));
    assert!(head(&comma).starts_with("invoice,line,item,"));
    // A bad configuration is refused by the C plugin's init.
    let e = load_err(&spec(&csv.path, json!({"separator": ";;"})));
    assert!(e.contains("separator must be one ASCII character"), "{e}");

    // Two plugins claiming one code: the second is refused.
    let mut r = mercator_core::extension::registry::Registry::builtin();
    r.add_plugin(loader::load(&spec(&good, json!({})), Default::default()).unwrap())
        .unwrap();
    let e = r
        .add_plugin(loader::load(&spec(&good, json!({})), Default::default()).unwrap())
        .unwrap_err();
    assert!(e.contains("fixture.faulty is loaded twice"), "{e}");
    // Two plugins declaring one code: the second is refused and leaves nothing behind.
    let one = c_plugin(FIXTURE_C, &[]);
    let two = c_plugin(FIXTURE_C, &["FIX_ID=\"fixture.other\""]);
    r.add_plugin(loader::load(&spec(&one.path, json!({})), Default::default()).unwrap())
        .unwrap();
    let e = r
        .add_plugin(loader::load(&spec(&two.path, json!({})), Default::default()).unwrap())
        .unwrap_err();
    assert!(
        e.contains("promising calculator code ECHO_C is provided twice: by fixture.abi-c and by fixture.other"),
        "{e}"
    );
    assert_eq!(r.plugins().len(), 2);
    assert_eq!(
        r.calculators()
            .iter()
            .filter(|c| c.decl.code == "ECHO_C")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_panicking_or_malformed_plugin_is_a_plugin_fault_and_the_server_keeps_serving() {
    let malformed = c_plugin(
        FIXTURE_C,
        &["FIX_MALFORMED", "FIX_ID=\"fixture.malformed\""],
    );
    let (mut cfg, dir) = fresh_config();
    cfg.plugins = vec![
        plugin_entry(&rust_plugin(FAULTY), json!({"mode": "panic"})),
        plugin_entry(&malformed.path, json!({})),
    ];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("ACME").await;
    for _ in 0..3 {
        let e = app
            .registry
            .promise(samples::promising_request("FAULTY", 2))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "PLUGIN_FAULT");
        let m = e.to_string();
        assert!(
            m.contains("plugin fixture.faulty failed in promising_calculate: plugin panicked"),
            "{m}"
        );
        assert!(m.contains("index out of bounds"), "{m}");

        let e = app
            .registry
            .promise(samples::promising_request("ECHO_C", 2))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "PLUGIN_FAULT");
        assert!(
            e.to_string()
                .contains("plugin fixture.malformed returned a malformed response"),
            "{e}"
        );

        // The server is still there and answers.
        let d = c
            .ok("{ promisingCalculators { code provider } }", json!({}))
            .await;
        assert_eq!(d["promisingCalculators"][0]["code"], "FAULTY");
    }
}

#[tokio::test]
async fn an_old_minor_plugin_loads_on_a_newer_host_and_new_plugins_record_their_abi() {
    // Built against ABI 1.0: it knows only the 1.0 part of the host table.
    let old = c_plugin(FIXTURE_C, &["FIX_MINOR=0"]);
    let p = loader::load(&spec(&old.path, json!({})), Default::default()).unwrap();
    assert_eq!(p.manifest.abi, (1, 0));
    let mut r = mercator_core::extension::registry::Registry::builtin();
    r.add_plugin(p).unwrap();
    let a = r
        .promise(samples::promising_request("ECHO_C", 2))
        .await
        .unwrap();
    assert_eq!(a.lines[1].line_id, "2");
    assert_eq!(a.lines[1].ship_date.to_string(), "2026-11-23");

    // A plugin built by this commit's SDK records this ABI and SDK version.
    let p = loader::load(&spec(&rust_plugin(WORKDAY), json!({})), Default::default()).unwrap();
    assert_eq!(
        p.manifest.abi,
        (
            mercator_plugin_sdk::abi::ABI_MAJOR,
            mercator_plugin_sdk::abi::ABI_MINOR
        )
    );
    assert_eq!(p.manifest.sdk_version, mercator_plugin_sdk::SDK_VERSION);
}

fn mercator(args: &[&str], config: Option<&Path>) -> std::process::Output {
    let bin = mercator_tests::build_dir().join(format!("mercator{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = std::process::Command::new(bin);
    cmd.args(args)
        .env("MERCATOR_LOG_LEVEL", "warn")
        .env_remove("MERCATOR_CONFIG")
        .env_remove("MERCATOR_DATABASE_URL");
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.output().unwrap()
}

/// A configuration file listing plugins; relative paths are relative to the file.
fn config_file(dir: &Path, entries: &[(&Path, &str, Value)]) -> std::path::PathBuf {
    let mut toml = format!(
        "database_url = \"sqlite://{}?mode=rwc\"\nlisten = \"127.0.0.1:0\"\n",
        dir.join("cli.db").display()
    );
    for (path, sha, config) in entries {
        toml.push_str(&format!(
            "\n[[plugins]]\npath = \"{}\"\nsha256 = \"{sha}\"\n",
            path.display()
        ));
        if let Some(o) = config.as_object() {
            toml.push_str("[plugins.config]\n");
            for (k, v) in o {
                toml.push_str(&format!("{k} = {v}\n"));
            }
        }
    }
    let f = dir.join("mercator.toml");
    std::fs::write(&f, toml).unwrap();
    f
}

#[test]
fn the_cli_checks_lists_and_refuses_plugins_and_the_schema_does_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let consignment = rust_plugin(CONSIGNMENT);
    let sha = sha256_of(&consignment);

    // `plugins check` on a good file: the manifest as JSON and the hash, exit 0.
    let out = mercator(&["plugins", "check", consignment.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "example.consignment");
    assert_eq!(v["abiVersion"], "1.1");
    assert_eq!(v["hostAbiVersion"], "1.1");
    assert_eq!(v["sha256"], sha);
    assert_eq!(v["capabilities"]["orderTypes"][0]["code"], "CONSIGNMENT");

    // On a bad file: every problem, exit 1, no server started.
    let bad = c_plugin(FIXTURE_C, &["FIX_MINOR=99"]);
    let out = mercator(&["plugins", "check", bad.path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer than this host's ABI 1.1"), "{err}");
    assert!(err.contains("sha256"), "{err}");
    let out = mercator(&["plugins", "check", "/nonexistent/libx.so"], None);
    assert_eq!(out.status.code(), Some(1));

    // The configuration with every example plugin: listed, and the schema is unchanged.
    let csv = c_plugin(CSV_C, &[]);
    let facturx = rust_plugin(FACTURX);
    let workday = rust_plugin(WORKDAY);
    let cfg = config_file(
        dir.path(),
        &[
            (&consignment, &sha, json!({"maxSettlementDays": 30})),
            (&facturx, &sha256_of(&facturx), json!({})),
            (&workday, &sha256_of(&workday), json!({"cutoff": "15:00"})),
            (&csv.path, &sha256_of(&csv.path), json!({})),
        ],
    );
    let out = mercator(&["plugins", "list"], Some(&cfg));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[3]["id"], "example.csv-invoice-c");

    let out = mercator(&["export-schema"], Some(&cfg));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed =
        std::fs::read_to_string(mercator_tests::repo_dir().join("schema.graphql")).unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    if let Some((n, (a, b))) = printed
        .lines()
        .zip(committed.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "the schema with plugins loaded differs from schema.graphql at line {}: {a:?} against {b:?} (rebuild the binary, or update the schema)",
            n + 1
        );
    }
    assert_eq!(
        printed.lines().count(),
        committed.lines().count(),
        "the schema with plugins loaded equals schema.graphql"
    );

    // A listed plugin that cannot load stops start-up, naming the plugin and the reason.
    let cfg = config_file(dir.path(), &[(&consignment, &"1".repeat(64), json!({}))]);
    let out = mercator(&["serve"], Some(&cfg));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot start: plugin")
            && err.contains("libmercator_example_consignment")
            && err.contains("SHA-256 mismatch"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));

    // A relative path is relative to the configuration file.
    std::fs::copy(&workday, dir.path().join("libworkday.so")).unwrap();
    let cfg = config_file(
        dir.path(),
        &[(Path::new("libworkday.so"), &sha256_of(&workday), json!({}))],
    );
    let out = mercator(&["plugins", "list"], Some(&cfg));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A registry with the faulty fixture in `mode` and tight call limits.
fn faulty(config: Value, limits: loader::CallLimits) -> Registry {
    Registry::load_with(&[spec(&rust_plugin(FAULTY), config)], limits).unwrap()
}

fn tight() -> loader::CallLimits {
    loader::CallLimits {
        timeout: std::time::Duration::from_millis(300),
        init_timeout: std::time::Duration::from_millis(300),
        max_answer_bytes: 1024 * 1024,
        max_errors: 100,
        max_concurrent_calls: 2,
    }
}

/// Every plugin call is bounded: an endless loop gets `PLUGIN_TIMEOUT` after the deadline
/// (and, once its two slots are taken, later calls time out without starting another
/// thread); a 2 MB answer, 10,000 user errors and a 200 KB fault message are refused or cut
/// (once echoed whole to the client: 209 MB); an init that never returns stops start-up after
/// its deadline instead of hanging it.
#[test]
fn plugin_calls_have_a_deadline_slots_and_size_caps() {
    // The hung calls keep their threads for ever: a runtime that is dropped normally would
    // wait for them, so this one is shut down in the background.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(deadline_slots_and_caps());
    rt.shutdown_background();
}

async fn deadline_slots_and_caps() {
    let r = faulty(json!({"mode": "hang"}), tight());
    let started = std::time::Instant::now();
    let calls = (0..5).map(|_| r.promise(samples::promising_request("FAULTY", 1)));
    for e in futures_util::future::join_all(calls).await {
        let e = e.unwrap_err();
        assert_eq!(e.code(), "PLUGIN_TIMEOUT", "{e}");
        assert!(
            e.to_string().contains("did not answer within 300 ms"),
            "{e}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Both slots are held by the hung threads; a sixth call waits for one and times out too.
    let e = r
        .promise(samples::promising_request("FAULTY", 1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "PLUGIN_TIMEOUT");
    assert_eq!(r.plugins()[0].slots.available_permits(), 0);

    let r = faulty(json!({"mode": "big", "bytes": 2_000_000}), tight());
    let e = r
        .promise(samples::promising_request("FAULTY", 1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "PLUGIN_FAULT");
    assert!(e.to_string().contains("over the limit of 1048576"), "{e}");

    let r = faulty(json!({"mode": "errors", "count": 10_000}), tight());
    let e = r
        .promise(samples::promising_request("FAULTY", 1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "PLUGIN_FAULT");
    assert!(
        e.to_string()
            .contains("10000 user errors, over the limit of 100"),
        "{e}"
    );
    let r = faulty(json!({"mode": "errors", "count": 3}), tight());
    let e = r
        .promise(samples::promising_request("FAULTY", 1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "REJECTED_BY_EXTENSION");

    let r = faulty(json!({"mode": "fault", "bytes": 200_000}), tight());
    let e = r
        .promise(samples::promising_request("FAULTY", 1))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "PLUGIN_FAULT");
    let m = e.to_string();
    assert!(m.len() < 1_300, "{} bytes", m.len());
    assert!(m.contains("(200000 bytes in all)"), "{m}");

    let e = Registry::load_with(
        &[spec(&rust_plugin(FAULTY), json!({"mode": "hang_init"}))],
        tight(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("plugin fixture.faulty did not finish initialising within 300 ms"),
        "{e}"
    );
}

/// The host runs a sealed in-memory copy of exactly the bytes it hashed: overwriting the file
/// in place afterwards (once: the server ran code nobody approved, or crashed) changes
/// nothing.
#[tokio::test]
async fn overwriting_a_loaded_plugin_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("libplugin.so");
    std::fs::copy(rust_plugin(FAULTY), &path).unwrap();
    let r = Registry::load_with(&[spec(&path, json!({}))], Default::default()).unwrap();
    let before = r
        .promise(samples::promising_request("FAULTY", 2))
        .await
        .unwrap();
    // `cp` of another library over it: the same inode, new bytes.
    let other = std::fs::read(rust_plugin(WORKDAY)).unwrap();
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        f.write_all(&other).unwrap();
    }
    for _ in 0..3 {
        let after = r
            .promise(samples::promising_request("FAULTY", 2))
            .await
            .unwrap();
        assert_eq!(after, before);
    }
    // A new load of the changed file is refused by its hash.
    let mut s = spec(&path, json!({}));
    s.sha256 = sha256_of(&rust_plugin(FAULTY));
    assert!(load_err(&s).contains("SHA-256 mismatch"));
}

/// In a running server: a plugin that never answers costs its request `PLUGIN_TIMEOUT` after
/// the deadline, the server keeps serving, and SIGTERM still stops it within the grace period
/// (before, the request hung and SIGTERM no longer stopped the process); log lines the plugin
/// writes carry its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_plugin_costs_one_request_and_sigterm_still_stops_the_server() {
    let lib = rust_plugin(FAULTY);
    let config = format!(
        "[http]\nshutdown_grace_seconds = 2\n[plugin_limits]\ncall_timeout_ms = 500\n\n[[plugins]]\npath = \"{}\"\nsha256 = \"{}\"\n[plugins.config]\nmode = \"hang\"\n",
        lib.display(),
        sha256_of(&lib)
    );
    let mut server = mercator_tests::ServerProcess::start(&config);
    let (_, d) = server
        .q(
            "{ customers(first: 1) { nodes { id } } items(first: 1, filter: { kind: STOCKED }) { nodes { id } } }",
            json!({}),
        )
        .await;
    let (customer, item) = (
        d["data"]["customers"]["nodes"][0]["id"].clone(),
        d["data"]["items"]["nodes"][0]["id"].clone(),
    );
    let create = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { salesOrder { id } userErrors { code } } }";
    let input = json!({"i": {"orderType": "FAULTY", "customerId": customer,
        "lines": [{"itemId": item, "quantity": "1"}]}});
    let started = std::time::Instant::now();
    let (status, body) = server.q(create, input.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PLUGIN_TIMEOUT",
        "{body}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let (status, body) = server.q("{ orderTypes { code } }", json!({})).await;
    assert_eq!(status, 200, "the server keeps serving: {body}");
    // A request in flight on the hung plugin while SIGTERM arrives.
    let url = server.url.clone();
    let token = server.token.clone();
    let inflight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/graphql"))
            .bearer_auth(token)
            .header("X-Mercator-Company", "DEMO")
            .json(&json!({"query": create, "variables": input}))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    server.signal(libc_sigterm());
    let exited = server.wait_exit(std::time::Duration::from_secs(10));
    assert!(
        exited.is_some(),
        "SIGTERM must stop the server: {}",
        server.stderr()
    );
    let _ = inflight.await;
    let log = server.stderr();
    assert!(log.contains("a plugin call passed its deadline"), "{log}");
    assert!(log.contains("fixture.faulty"), "{log}");
}

fn libc_sigterm() -> i32 {
    15
}

/// A crash inside a plugin (here a null-pointer write in its init) names the plugin and the
/// operation on standard error before the process dies; a plugin's log lines carry its id.
#[test]
fn a_crashing_plugin_is_named_and_plugin_log_lines_carry_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let lib = rust_plugin(FAULTY);
    let sha = sha256_of(&lib);
    let cfg = config_file(dir.path(), &[(&lib, &sha, json!({"mode": "crash_init"}))]);
    let out = mercator(&["plugins", "list"], Some(&cfg));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mercator: plugin fixture.faulty crashed with signal 11 in init"),
        "{err}"
    );
    let cfg = config_file(dir.path(), &[(&lib, &sha, json!({"mode": "log"}))]);
    let out = mercator(&["plugins", "list"], Some(&cfg));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("fixture initialised"))
        .unwrap_or_else(|| panic!("no plugin log line: {err}"));
    assert!(line.contains("fixture.faulty"), "{line}");
}

/// The request and answer files docs/plugins.md gives C authors (`plugins/sdk/messages/`) are
/// what the SDK's samples encode to, and the example plugins (the C one included) accept them
/// through the ABI with exactly the answers shown. `MERCATOR_UPDATE_MESSAGES=1` rewrites them.
#[tokio::test]
async fn the_sample_messages_for_c_authors_are_current_and_accepted() {
    use mercator_core::extension::messages::{Ack, UserErrors};
    let csv = c_plugin(CSV_C, &[]);
    let r = Registry::load(&[
        spec(&rust_plugin(CONSIGNMENT), json!({})),
        spec(&csv.path, json!({})),
        spec(&rust_plugin(WORKDAY), json!({})),
    ])
    .unwrap();
    let validate_req = validate(
        "CONSIGNMENT",
        json!({"consigneeSite": "SITE-7", "settlementDays": 45}),
    );
    let transition_req = TransitionRequest {
        v: 1,
        order_type: "CONSIGNMENT".into(),
        order: validate_req.order.clone(),
        transition: Transition {
            action: TransitionAction::Release,
            to_order_type: None,
        },
    };
    let render_req = RenderInvoiceRequest {
        v: 1,
        format: "CSV_LINES".into(),
        invoice: samples::invoice(2),
    };
    let promise_req = samples::promising_request("WORKDAY_CUTOFF", 2);
    r.validate_order(validate_req.clone()).await.unwrap();
    r.check_transition(transition_req.clone()).await.unwrap();
    let rendered = r.render_invoice(render_req.clone()).await.unwrap();
    let promised = r.promise(promise_req.clone()).await.unwrap();
    let Err(ExtensionError::Rejected(errors)) = r
        .validate_order(validate("CONSIGNMENT", json!({"settlementDays": 75})))
        .await
    else {
        panic!("the consignment type must refuse this order")
    };
    let files: Vec<(&str, String)> = vec![
        ("order_type_validate.request.json", pretty(&validate_req)),
        (
            "order_type_transition.request.json",
            pretty(&transition_req),
        ),
        ("invoice_render.request.json", pretty(&render_req)),
        (
            "invoice_render.answer.csv",
            String::from_utf8(rendered.bytes).unwrap(),
        ),
        ("promising_calculate.request.json", pretty(&promise_req)),
        ("promising_calculate.answer.json", pretty(&promised)),
        ("ok.answer.json", pretty(&Ack { v: 1 })),
        ("rejected.answer.json", pretty(&UserErrors { v: 1, errors })),
    ];
    let dir = mercator_tests::repo_dir().join("plugins/sdk/messages");
    #[allow(
        clippy::disallowed_methods,
        reason = "a test switch, not configuration"
    )]
    if std::env::var("MERCATOR_UPDATE_MESSAGES").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    for (name, text) in &files {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            &committed == text,
            "plugins/sdk/messages/{name} is out of date: run the test with MERCATOR_UPDATE_MESSAGES=1 and commit it"
        );
    }
    // The files the guide names are all there, and nothing else is.
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    let mut expected: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    expected.sort();
    assert_eq!(present, expected);
}

/// A message as pretty JSON with a final newline.
fn pretty<T: serde::Serialize>(message: &T) -> String {
    serde_json::to_string_pretty(message).unwrap() + "\n"
}

/// The plugin docs/plugins.md builds (`plugins/examples/guide`, whose source the docs test
/// compares with the guide's code): checked by the CLI, loaded by a server from a configuration
/// file as section 3 shows, its order type enforced on every path through GraphQL, its invoice
/// format and its promising calculator answering as documented ("today" is the date `now`
/// shows, in the company's offset).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plugin_of_the_guide_checks_loads_and_works() {
    let lib = rust_plugin("acme_samples");
    // 2. Check it.
    let out = mercator(&["plugins", "check", lib.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["id"], "acme.samples");
    assert_eq!(m["sha256"], sha256_of(&lib));
    let codes_of = |k: &str| -> Vec<String> {
        m["capabilities"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes_of("orderTypes"), ["SAMPLES"]);
    assert_eq!(codes_of("invoiceFormats"), ["PLAIN_TEXT"]);
    assert_eq!(codes_of("promisingCalculators"), ["STOCK_OR_LEAD"]);

    // 3. Configure and load it, in a real server.
    let config = format!(
        "[[plugins]]\npath = \"{}\"\nsha256 = \"{}\"\n[plugins.config]\nwidth = 72\n",
        lib.display(),
        sha256_of(&lib)
    );
    let server = mercator_tests::ServerProcess::start(&config);
    let (_, d) = server
        .q(
            "{ plugins { id version } orderTypes { code provider }
               customers(first: 1) { nodes { id } } items(first: 1, filter: { kind: STOCKED }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["data"]["plugins"][0]["id"], "acme.samples", "{d}");
    assert!(
        d["data"]["orderTypes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "SAMPLES" && t["provider"] == "acme.samples"),
        "{d}"
    );
    let (customer, item) = (
        d["data"]["customers"]["nodes"][0]["id"].clone(),
        d["data"]["items"]["nodes"][0]["id"].clone(),
    );
    let create = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
        salesOrder { id orderType lines { id } } userErrors { code field extensionCode extensionField } } }";
    let order = |attributes: Value, price: Option<&str>| {
        let mut line = json!({"itemId": item, "quantity": "2"});
        if let Some(p) = price {
            line["unitPrice"] = json!(p);
        }
        json!({"i": {"orderType": "SAMPLES", "customerId": customer,
            "attributes": attributes, "lines": [line]}})
    };
    // The item's list price is not free: refused with the plugin's code.
    let (_, b) = server
        .q(create, order(json!({"campaign": "FAIR-2026"}), None))
        .await;
    let p = &b["data"]["salesOrderCreate"];
    assert_eq!(p["userErrors"][0]["code"], "REJECTED_BY_EXTENSION", "{b}");
    assert_eq!(
        p["userErrors"][0]["extensionCode"], "SAMPLES_ARE_FREE",
        "{b}"
    );
    // Its path into the order is kept, and on a create it is a path into the input too.
    assert_eq!(
        p["userErrors"][0]["extensionField"], "lines.0.unitPrice",
        "{b}"
    );
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "lines", "0", "unitPrice"]),
        "{b}"
    );
    // The attribute schema is the host's to check: no campaign, no order.
    let (_, b) = server.q(create, order(json!({}), Some("0"))).await;
    assert_eq!(
        b["data"]["salesOrderCreate"]["userErrors"][0]["code"], "REQUIRED",
        "{b}"
    );
    // Free samples go in; a price set later is refused too.
    let (_, b) = server
        .q(create, order(json!({"campaign": "FAIR-2026"}), Some("0")))
        .await;
    let p = &b["data"]["salesOrderCreate"];
    assert_eq!(p["userErrors"], json!([]), "{b}");
    assert_eq!(p["salesOrder"]["orderType"], "SAMPLES");
    let line = p["salesOrder"]["lines"][0]["id"].clone();
    let (_, b) = server
        .q(
            "mutation($i: SalesOrderLineUpdateInput!) { salesOrderLineUpdate(input: $i) { userErrors { code field extensionCode extensionField } } }",
            json!({"i": {"id": line, "unitPrice": "9.99"}}),
        )
        .await;
    let e = &b["data"]["salesOrderLineUpdate"]["userErrors"][0];
    assert_eq!(e["extensionCode"], "SAMPLES_ARE_FREE", "{b}");
    // The path is into the order; this input has no `lines`, so no `field`.
    assert_eq!(e["extensionField"], "lines.0.unitPrice", "{b}");
    assert_eq!(e["field"], Value::Null, "{b}");
    drop(server);

    // The transition veto, the invoice format and the calculator, through the ABI.
    let r = Registry::load(&[spec(&lib, json!({"width": 72}))]).unwrap();
    let transition = |action| TransitionRequest {
        v: 1,
        order_type: "SAMPLES".into(),
        order: samples::order("SAMPLES"),
        transition: Transition {
            action,
            to_order_type: None,
        },
    };
    r.check_transition(transition(TransitionAction::Release))
        .await
        .unwrap();
    assert_eq!(
        rejected_codes(
            r.check_transition(transition(TransitionAction::Invoice))
                .await
        ),
        ["SAMPLES_NOT_INVOICED"]
    );
    let doc = r
        .render_invoice(RenderInvoiceRequest {
            v: 1,
            format: "PLAIN_TEXT".into(),
            invoice: samples::invoice(2),
        })
        .await
        .unwrap();
    assert_eq!(doc.file_name, "INV-2026-000123.txt");
    let text = String::from_utf8(doc.bytes).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "INVOICE INV-2026-000123  2026-11-21");
    assert_eq!(rows[1], "Müller & Söhne KG");
    assert!(
        rows[3].starts_with("   1 Artikel 1 \"Premium\" & Zubehör"),
        "{text}"
    );
    let inv = samples::invoice(2);
    assert!(
        rows[3].ends_with(&format!(" {:>14}", inv.lines[0].line_amount)),
        "{text}"
    );
    assert_eq!(
        *rows.last().unwrap(),
        format!("{:>57} {:>14}", "Due EUR", inv.totals.due_payable)
    );
    assert!(rows.iter().all(|r| r.chars().count() <= 72), "{text}");
    let e = Registry::load(&[spec(&lib, json!({"width": 10}))]).unwrap_err();
    assert!(
        e.to_string()
            .contains("width must be a whole number from 40 to 200"),
        "{e}"
    );

    // Friday 20 November 2026, 10:30 at +01:00; weekends closed; 12 on hand, handling 1 day,
    // transport 2 days, supply 14 days.
    let mut req = samples::promising_request("STOCK_OR_LEAD", 2);
    req.lines[1].quantity = Decimal::from(20);
    let p = r.promise(req.clone()).await.unwrap();
    let got: Vec<_> = p
        .lines
        .iter()
        .map(|l| {
            (
                l.ship_date.to_string(),
                l.delivery_date.to_string(),
                l.basis,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // from stock: one open day after Friday is Monday 23rd (the requested date too)
            (
                "2026-11-23".into(),
                "2026-11-25".into(),
                PromiseBasis::OnHand
            ),
            // 20 > 12 on hand: 15 open days after Friday 20th
            (
                "2026-12-11".into(),
                "2026-12-13".into(),
                PromiseBasis::LeadTime
            ),
        ]
    );
    // 23:30 on Friday at -05:00 is Saturday in UTC, but still Friday for the company.
    req.now = chrono::DateTime::parse_from_rfc3339("2026-11-20T23:30:00-05:00").unwrap();
    let late = r.promise(req.clone()).await.unwrap();
    assert_eq!(late.lines[0].ship_date.to_string(), "2026-11-23");
    // Seen as Saturday (the UTC date) it would have been Tuesday 24th.
    req.now = chrono::DateTime::parse_from_rfc3339("2026-11-21T04:30:00+00:00").unwrap();
    let utc = r.promise(req.clone()).await.unwrap();
    assert_eq!(utc.lines[0].ship_date.to_string(), "2026-11-24");
    // The arguments: two extra days, back on Friday.
    req.now = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:30:00+01:00").unwrap();
    req.arguments = json!({"extraDays": 2});
    let extra = r.promise(req.clone()).await.unwrap();
    assert_eq!(extra.lines[1].ship_date.to_string(), "2026-12-15");
    // A calendar with no open day is a refusal, not a hang.
    req.calendar.closed_weekdays = (1..=7).collect();
    let e = r.promise(req).await.unwrap_err();
    assert_eq!(e.code(), "REJECTED_BY_EXTENSION");
}
