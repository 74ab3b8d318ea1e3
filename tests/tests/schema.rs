//! The committed `schema.graphql` matches the code, and everything in it is described.
//! Set `MERCATOR_UPDATE_SCHEMA=1` to rewrite the file after an intended change.

use mercator_tests::TestApp;
use serde_json::{Value, json};

#[test]
fn schema_graphql_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let sdl = mercator_api::graphql::sdl();
    if std::env::var("MERCATOR_UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "schema.graphql is out of date: run `MERCATOR_UPDATE_SCHEMA=1 cargo test -p mercator-tests schema` and commit it"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = TestApp::start().await;
    let q = "{ __schema { types { name kind description
        fields(includeDeprecated: true) { name description args { name description } }
        inputFields { name description }
        enumValues(includeDeprecated: true) { name description } } } }";
    let d = app.root().ok(q, json!({})).await;
    let mut missing = Vec::new();
    let empty = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    for t in d["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if empty(&t["description"]) {
            missing.push(name.to_owned());
        }
        for f in t["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(t["inputFields"].as_array().into_iter().flatten())
        {
            if empty(&f["description"]) {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if empty(&a["description"]) {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if empty(&v["description"]) {
                missing.push(format!("{name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "without description: {missing:#?}");
}
