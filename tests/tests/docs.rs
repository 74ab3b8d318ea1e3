//! Every GraphQL example in README.md and docs/*.md runs, as written, against a live server
//! with the demo company, through the README's own `gql` shell helper (so the helper works
//! too). An example may answer with userErrors (some show them on purpose) but never with a
//! parse, validation or server error; where a JSON block follows an example, the error codes
//! it shows are the ones the server gives. IDs are the only thing filled in: `"…"` and
//! `"<… id …>"` placeholders get a real ID of the kind their field names.

use mercator_tests::{TestApp, repo_dir};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The fenced code blocks of a Markdown text: (language, code).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if let Some(lang) = l.trim_start().strip_prefix("```") {
            let mut code = String::new();
            for c in lines.by_ref() {
                if c.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(c);
                code.push('\n');
            }
            out.push((lang.trim().to_owned(), code));
        }
    }
    out
}

/// Real IDs of the demo company, by kind.
struct Ids(HashMap<&'static str, Vec<String>>);

impl Ids {
    fn get(&self, kind: &str, n: usize) -> String {
        let v = self
            .0
            .get(kind)
            .unwrap_or_else(|| panic!("no {kind} ID for the examples"));
        v[n % v.len()].clone()
    }
}

/// The ID a placeholder stands for: by its words, or by the field it is the value of and the
/// mutation it is in.
fn fill(code: &str, ids: &Ids) -> String {
    let mut out = String::new();
    let mut rest = code;
    let mut item = 0;
    let mut customer = 0;
    while let Some(at) = rest.find('"') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let end = from[1..].find('"').map_or(from.len(), |e| e + 2);
        let literal = &from[..end];
        let inner = &literal[1..literal.len().saturating_sub(1)];
        let key = out
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_alphabetic()))
            .unwrap_or("")
            .to_owned();
        let replacement = if inner == "…" || (inner.starts_with('<') && inner.ends_with('>')) {
            let words = format!("{inner} {key}").to_lowercase();
            let kind = if words.contains("usd") {
                "usd"
            } else if words.contains("unitsofmeasure") || words.contains("unit") {
                "unit"
            } else if words.contains("warehouse") {
                "warehouse"
            } else if words.contains("endcursor") {
                "cursor"
            } else if words.contains("item") {
                item += 1;
                "item"
            } else if words.contains("campaign") {
                "campaign"
            } else if words.contains("duplicaterowid") {
                "address"
            } else if words.contains("keepid") {
                "customer"
            } else if words.contains("duplicateid") {
                customer = 1;
                "customer"
            } else if words.contains("customerid") {
                "customer"
            } else if words.contains("orderid") || words.contains("ids") {
                "order"
            } else if code.contains("salesOrderLineUpdate") || code.contains("salesOrderLineDelete")
            {
                "line"
            } else if code.contains("salesOrder") {
                "order"
            } else if code.contains("customer") {
                "customer"
            } else {
                panic!("no ID known for {literal} after {key:?} in:\n{code}")
            };
            let n = match kind {
                "item" => item - 1,
                "customer" => customer,
                _ => 0,
            };
            format!("\"{}\"", ids.get(kind, n))
        } else {
            literal.to_owned()
        };
        out.push_str(&replacement);
        rest = &from[end.min(from.len())..];
    }
    out.push_str(rest);
    out
}

/// The error codes of a JSON answer: its top-level errors' and every userError's.
/// The places where `shown` has a string or a number that `answer` does not have there (`...`
/// stands for any value: today's dates, for one).
fn same_leaves(shown: &Value, answer: &Value, at: String, out: &mut Vec<String>) {
    match shown {
        Value::String(s) if s == "..." || s == "…" => {}
        Value::Object(m) => {
            for (k, v) in m {
                same_leaves(v, &answer[k.as_str()], format!("{at}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                same_leaves(v, &answer[i], format!("{at}[{i}]"), out);
            }
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_) if shown != answer => {
            out.push(format!("{at}: shown {shown}, answered {answer}"));
        }
        _ => {}
    }
}

fn codes(v: &Value, out: &mut Vec<String>) {
    for e in v["errors"].as_array().into_iter().flatten() {
        if let Some(c) = e["extensions"]["code"].as_str() {
            out.push(c.to_owned());
        }
    }
    fn user_errors(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    if k == "userErrors" {
                        for e in x.as_array().into_iter().flatten() {
                            if let Some(c) = e["code"].as_str() {
                                out.push(c.to_owned());
                            }
                        }
                    } else {
                        user_errors(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| user_errors(x, out)),
            _ => {}
        }
    }
    user_errors(&v["data"], out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_in_the_readme_and_docs_runs() {
    let app = TestApp::start().await;
    mercator_core::demo::seed(&app.db.conn).await.unwrap();
    let c = app.root().in_company("DEMO");
    let d = c
        .ok(
            "{ currencies(filter: { search: \"USD\" }) { nodes { id code } }
               unitsOfMeasure(first: 1) { nodes { id } }
               items(first: 3, filter: { kind: STOCKED }) { nodes { id } }
               warehouses(first: 1) { nodes { id } }
               customers(first: 2, sort: { field: NAME }) { pageInfo { endCursor } nodes { id addresses { id } } }
               campaigns(first: 1) { nodes { id } }
               salesOrders(first: 1) { nodes { id lines { id } } } }",
            json!({}),
        )
        .await;
    let ids_of = |v: &Value| -> Vec<String> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut ids = Ids(HashMap::new());
    ids.0.insert("usd", ids_of(&d["currencies"]));
    ids.0.insert("unit", ids_of(&d["unitsOfMeasure"]));
    ids.0.insert("item", ids_of(&d["items"]));
    ids.0.insert("warehouse", ids_of(&d["warehouses"]));
    ids.0.insert("customer", ids_of(&d["customers"]));
    ids.0.insert("campaign", ids_of(&d["campaigns"]));
    ids.0.insert("order", ids_of(&d["salesOrders"]));
    ids.0.insert(
        "cursor",
        vec![
            d["customers"]["pageInfo"]["endCursor"]
                .as_str()
                .unwrap()
                .to_owned(),
        ],
    );
    ids.0.insert(
        "address",
        vec![
            d["customers"]["nodes"][1]["addresses"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ],
    );
    ids.0.insert(
        "line",
        vec![
            d["salesOrders"]["nodes"][0]["lines"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ],
    );

    // The README's gql helper as written (its last line calls it once), but for the two
    // `export` lines where a reader pastes the token and address: the test sets those.
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).unwrap();
    let helper: String = blocks(&readme)
        .into_iter()
        .find(|(lang, code)| lang == "sh" && code.contains("gql()"))
        .expect("the README has the gql helper")
        .1
        .lines()
        .filter(|l| !l.starts_with("export "))
        .map(|l| format!("{l}\n"))
        .collect();
    let run = |query: &str| -> Value {
        let script = format!("{helper}\ngql \"$EXAMPLE\"\n");
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("EXAMPLE", query)
            .env("TOKEN", &app.root_token)
            .env("MERCATOR", &app.url)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "the gql helper failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The helper's own first call answers first; the example's answer is the last line.
        let text = String::from_utf8_lossy(&out.stdout);
        let last = text.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };

    let mut files = vec![repo_dir().join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(repo_dir().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut ran = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let bs = blocks(&text);
        for (k, (lang, code)) in bs.iter().enumerate() {
            if lang != "graphql" {
                continue;
            }
            let query = fill(code, &ids);
            let answer = run(&query);
            ran += 1;
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            for e in answer["errors"].as_array().into_iter().flatten() {
                let code = e["extensions"]["code"].as_str().unwrap_or("<none>");
                assert!(
                    !matches!(
                        code,
                        "INTERNAL"
                            | "<none>"
                            | "GRAPHQL_PARSE_FAILED"
                            | "GRAPHQL_VALIDATION_FAILED"
                            | "BAD_REQUEST"
                            | "INVALID_ID"
                    ),
                    "{name}: example {k} failed: {e}\n{query}"
                );
            }
            // An order created by an example is the order of the next ones.
            if let Some(o) = answer["data"]["salesOrderCreate"]["salesOrder"].as_object() {
                if let Some(id) = o.get("id").and_then(Value::as_str) {
                    ids.0.insert("order", vec![id.to_owned()]);
                }
                if let Some(l) = o["lines"][0]["id"].as_str() {
                    ids.0.insert("line", vec![l.to_owned()]);
                }
            }
            // A JSON block right after an example shows its answer: the same error codes.
            if let Some((next, shown)) = bs.get(k + 1)
                && next == "json"
                && let Ok(shown) = serde_json::from_str::<Value>(shown)
            {
                let (mut want, mut got) = (Vec::new(), Vec::new());
                codes(&shown, &mut want);
                codes(&answer, &mut got);
                want.sort();
                got.sort();
                assert_eq!(
                    got, want,
                    "{name}: example {k} answers other codes than shown: {answer}"
                );
                // and, for a shown GraphQL answer, the same figures where it shows them: every
                // string or number it has is the answer's at the same place
                let mut differ = Vec::new();
                if shown.get("data").is_some() {
                    same_leaves(&shown, &answer, String::new(), &mut differ);
                }
                assert!(
                    differ.is_empty(),
                    "{name}: example {k} answers otherwise than shown at {differ:?}: {answer}"
                );
            }
        }
    }
    assert!(ran >= 15, "{ran} examples ran");
}

/// The plugin guide's code is the code of `plugins/examples/guide` (which the workspace builds
/// and `plugins::the_plugin_of_the_guide_checks_loads_and_works` loads): the Rust blocks of
/// section 1 of docs/plugins.md, in order, are its `src/lib.rs`, and the guide's Cargo.toml
/// asks for the dependencies that crate uses.
#[test]
fn the_plugin_guide_shows_the_code_that_is_built_and_tested() {
    let guide = std::fs::read_to_string(repo_dir().join("docs/plugins.md")).unwrap();
    let section = guide
        .split("\n## ")
        .find(|s| s.starts_with("1. "))
        .expect("section 1 of the plugin guide");
    let bs = blocks(section);
    let rust: Vec<&str> = bs
        .iter()
        .filter(|(lang, _)| lang == "rust")
        .map(|(_, c)| c.as_str())
        .collect();
    assert_eq!(
        rust.len(),
        3,
        "an order type, an invoice format, a calculator"
    );
    let lib =
        std::fs::read_to_string(repo_dir().join("plugins/examples/guide/src/lib.rs")).unwrap();
    assert!(
        rust.join("\n") == lib,
        "the Rust in section 1 of docs/plugins.md is not plugins/examples/guide/src/lib.rs"
    );
    let toml = &bs
        .iter()
        .find(|(lang, _)| lang == "toml")
        .expect("the guide's Cargo.toml")
        .1;
    for needed in [
        "name = \"acme-samples\"",
        "crate-type = [\"cdylib\"]",
        "mercator-plugin-sdk = { path = ",
        "serde_json = ",
        "chrono = ",
    ] {
        assert!(
            toml.contains(needed),
            "the guide's Cargo.toml lacks {needed}"
        );
    }
    let manifest =
        std::fs::read_to_string(repo_dir().join("plugins/examples/guide/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    for dep in deps
        .lines()
        .filter_map(|l| l.split('.').next())
        .filter(|d| !d.trim().is_empty())
    {
        assert!(
            toml.contains(&format!("{dep} =")),
            "the guide's Cargo.toml lacks {dep}"
        );
    }
}
