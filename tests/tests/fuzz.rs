//! A GraphQL fuzz run over every query and mutation of the introspected schema, on the demo
//! company, against the real server: arguments are generated from each field's declared types
//! (proptest strategies built from the introspection: valid and foreign IDs, decimals written
//! every way, dates outside the calendar, long and control-character texts, missing and null
//! optional fields, enums, nested input objects and lists). The run fails on any HTTP 5xx,
//! any `INTERNAL` error, any error without `extensions.code`, or a lost connection (a panic).
//!
//! `MERCATOR_FUZZ_CASES` (cases per operation, default 12) and `MERCATOR_FUZZ_SEED` change the
//! run; a failure prints the operation, the variables and the seed to reproduce it.

use mercator_tests::TestApp;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

const TYPE_REF: &str =
    "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A type reference of the introspection, unwrapped.
#[derive(Debug, Clone)]
enum Ty {
    NonNull(Box<Ty>),
    List(Box<Ty>),
    Named(String),
}

fn ty(v: &Value) -> Ty {
    match v["kind"].as_str() {
        Some("NON_NULL") => Ty::NonNull(Box::new(ty(&v["ofType"]))),
        Some("LIST") => Ty::List(Box::new(ty(&v["ofType"]))),
        _ => Ty::Named(v["name"].as_str().unwrap_or_default().to_owned()),
    }
}

fn named(t: &Ty) -> &str {
    match t {
        Ty::NonNull(i) | Ty::List(i) => named(i),
        Ty::Named(n) => n,
    }
}

fn gql_type(t: &Ty) -> String {
    match t {
        Ty::NonNull(i) => format!("{}!", gql_type(i)),
        Ty::List(i) => format!("[{}]", gql_type(i)),
        Ty::Named(n) => n.clone(),
    }
}

/// The introspected schema: types by name.
struct Schema {
    types: HashMap<String, Value>,
    query: String,
    mutation: String,
}

/// Builds the strategy of an input type.
struct Gen<'a> {
    schema: &'a Schema,
    /// Real IDs of the demo company, by type name.
    ids: &'a BTreeMap<String, Vec<String>>,
}

fn pick(values: &[&str]) -> BoxedStrategy<Value> {
    let v: Vec<Value> = values.iter().map(|s| json!(s)).collect();
    proptest::sample::select(v).boxed()
}

impl Gen<'_> {
    /// A value of type `t` for the argument or input field `field` (which names the kind of
    /// object an ID should be: `customerId` takes mostly customers' IDs).
    fn value(&self, t: &Ty, depth: usize, field: &str) -> BoxedStrategy<Value> {
        match t {
            Ty::NonNull(i) => self.bare(i, depth, field),
            // An optional argument is left out half the time (paging arguments, filters), so
            // that the other arguments reach the services; deeper, one time in seven.
            other if depth == 0 => {
                prop_oneof![1 => Just(Value::Null), 1 => self.bare(other, depth, field)].boxed()
            }
            other => {
                prop_oneof![1 => Just(Value::Null), 6 => self.bare(other, depth, field)].boxed()
            }
        }
    }

    fn bare(&self, t: &Ty, depth: usize, field: &str) -> BoxedStrategy<Value> {
        match t {
            Ty::NonNull(i) => self.bare(i, depth, field),
            Ty::List(i) => {
                let n = if depth > 2 { 0..2 } else { 0..4 };
                proptest::collection::vec(self.value(i, depth + 1, field), n)
                    .prop_map(Value::Array)
                    .boxed()
            }
            Ty::Named(n) if n == "ID" => self.id(field),
            Ty::Named(n) => self.named(n, depth),
        }
    }

    /// IDs of the kind the field names, any real ID, or a malformed or foreign one.
    fn id(&self, field: &str) -> BoxedStrategy<Value> {
        let hint = field
            .trim_end_matches('s')
            .trim_end_matches("Id")
            .to_lowercase();
        let mut fitting: Vec<String> = self
            .ids
            .iter()
            .filter(|(t, _)| !hint.is_empty() && hint != "id" && t.to_lowercase().ends_with(&hint))
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        let mut any: Vec<String> = self.ids.values().flatten().cloned().collect();
        any.extend(
            [
                "",
                "garbage",
                "Q3VzdG9tZXI6OTk5OTk5OTk",
                "Q3VzdG9tZXI6LTE",
                "SXRlbTox",
            ]
            .map(String::from),
        );
        if fitting.is_empty() {
            fitting = any.clone();
        }
        prop_oneof![
            3 => proptest::sample::select(fitting).prop_map(Value::String),
            1 => proptest::sample::select(any).prop_map(Value::String),
        ]
        .boxed()
    }

    fn named(&self, name: &str, depth: usize) -> BoxedStrategy<Value> {
        match name {
            "String" => prop_oneof![
                6 => pick(&["", "x", "MAIN", "Fabrikam Inc.", "Zürich", "C-1000", "2026-12-07", "  padded  ",
                            "a\u{7}bell", "line\nbreak", "<script>", "'; DROP TABLE customers; --", "%_%"]),
                1 => "[a-zA-Z0-9 ]{0,300}".prop_map(Value::String),
                1 => Just(Value::String("y".repeat(5000))),
                1 => Just(Value::String("z".repeat(60_000))),
                1 => Just(Value::String("nul\u{0}".into())),
            ]
            .boxed(),
            "Int" => prop_oneof![
                4 => proptest::sample::select(vec![0i64, 1, -1, 2, 10, 50, 100, 101, 3650, 9999]).prop_map(|i| json!(i)),
                1 => proptest::sample::select(vec![i64::from(i32::MAX), i64::from(i32::MIN)]).prop_map(|i| json!(i)),
                1 => any::<i32>().prop_map(|i| json!(i)),
            ]
            .boxed(),
            "Float" => proptest::sample::select(vec![json!(0.0), json!(1.5), json!(-1e300)]).boxed(),
            "Boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "Decimal" => prop_oneof![
                6 => pick(&["0", "1", "-1", "2", "10", "12.50", "0.005", "100", "99.999999", "1000000",
                            "100000000000000", "999999999999999999", "-0", "1e3", "abc", "", "  7 ", "NaN"]),
                1 => proptest::sample::select(vec![json!(1.5), json!(42), json!(-3)]),
            ]
            .boxed(),
            "Date" => pick(&["2026-12-07", "2026-01-01", "2027-06-30", "0000-01-01", "-0001-01-01",
                             "1899-12-31", "9999-12-31", "2026-02-30", "07/12/2026", ""]),
            "DateTime" => pick(&["2026-12-07T10:00:00Z", "2026-12-07T10:00:00+05:30", "0000-01-01T00:00:00Z", "yesterday"]),
            "JSON" => proptest::sample::select(vec![json!({}), json!({"consigneeSite": "S1"}), json!([]), json!("x"), json!({"a": {"b": [1, 2]}})]).boxed(),
            other => {
                let Some(t) = self.schema.types.get(other) else {
                    return Just(Value::Null).boxed();
                };
                match t["kind"].as_str() {
                    Some("ENUM") => {
                        let values: Vec<Value> = t["enumValues"]
                            .as_array()
                            .map(|a| a.iter().map(|e| e["name"].clone()).collect())
                            .unwrap_or_default();
                        proptest::sample::select(values).boxed()
                    }
                    Some("INPUT_OBJECT") => self.object(t, depth),
                    _ => Just(Value::Null).boxed(),
                }
            }
        }
    }

    /// Every required field, and each optional one left out, null or given.
    fn object(&self, t: &Value, depth: usize) -> BoxedStrategy<Value> {
        let fields: Vec<(String, Ty)> = t["inputFields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (
                            f["name"].as_str().unwrap_or_default().to_owned(),
                            ty(&f["type"]),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut parts: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, t) in fields {
            let required = matches!(t, Ty::NonNull(_));
            if depth > 4 && !required {
                continue;
            }
            let v = self.value(&t, depth + 1, &name);
            let n = name.clone();
            let given = v.prop_map(move |v| Some((n.clone(), v)));
            parts.push(if required {
                given.boxed()
            } else {
                prop_oneof![1 => Just(None), 2 => given].boxed()
            });
        }
        parts
            .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect::<Map<_, _>>()))
            .boxed()
    }
}

impl Schema {
    /// A selection of a type: its plain fields, a level of objects, and `userErrors`.
    fn selection(&self, name: &str, depth: usize) -> String {
        let Some(t) = self.types.get(name) else {
            return String::new();
        };
        match t["kind"].as_str() {
            Some("OBJECT") => {}
            Some("INTERFACE") | Some("UNION") => return "{ __typename }".into(),
            _ => return String::new(),
        }
        let mut out = Vec::new();
        for f in t["fields"].as_array().into_iter().flatten() {
            let fname = f["name"].as_str().unwrap_or_default();
            let needs_args = f["args"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["type"]["kind"] == "NON_NULL"));
            if needs_args {
                continue;
            }
            let inner = named(&ty(&f["type"])).to_owned();
            match self.types.get(&inner).and_then(|t| t["kind"].as_str()) {
                Some("SCALAR") | Some("ENUM") => out.push(fname.to_owned()),
                Some("OBJECT") | Some("INTERFACE") | Some("UNION") if depth < 2 => {
                    let sub = self.selection(&inner, depth + 1);
                    if !sub.is_empty() {
                        out.push(format!("{fname} {sub}"));
                    }
                }
                _ => {}
            }
        }
        if out.is_empty() {
            "{ __typename }".into()
        } else {
            format!("{{ {} }}", out.join(" "))
        }
    }
}

async fn introspect(c: &mercator_tests::Client<'_>) -> Schema {
    let q = format!(
        "{{ __schema {{ queryType {{ name }} mutationType {{ name }} types {{ kind name
            fields {{ name args {{ name type {{ {TYPE_REF} }} }} type {{ {TYPE_REF} }} }}
            inputFields {{ name type {{ {TYPE_REF} }} }} enumValues {{ name }} }} }} }}"
    );
    let d = c.ok(&q, json!({})).await;
    let s = &d["__schema"];
    Schema {
        types: s["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect(),
        query: s["queryType"]["name"].as_str().unwrap().to_owned(),
        mutation: s["mutationType"]["name"].as_str().unwrap().to_owned(),
    }
}

/// Real IDs of the demo company: every connection's first page of nodes.
async fn id_pool(c: &mercator_tests::Client<'_>, schema: &Schema) -> BTreeMap<String, Vec<String>> {
    let mut ids = BTreeMap::new();
    let root = &schema.types[&schema.query];
    for f in root["fields"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let out = named(&ty(&f["type"])).to_owned();
        let has_nodes = schema.types.get(&out).is_some_and(|t| {
            t["fields"]
                .as_array()
                .is_some_and(|fs| fs.iter().any(|x| x["name"] == "nodes"))
        });
        let needs_args = f["args"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["type"]["kind"] == "NON_NULL"));
        if !has_nodes || needs_args {
            continue;
        }
        let body = c
            .q(
                &format!(
                    "{{ {name}(first: 20) {{ nodes {{ __typename ... on Node {{ id }} }} }} }}"
                ),
                json!({}),
            )
            .await;
        for n in body["data"][name]["nodes"].as_array().into_iter().flatten() {
            if let (Some(t), Some(id)) = (n["__typename"].as_str(), n["id"].as_str()) {
                ids.entry(t.to_owned())
                    .or_insert_with(Vec::new)
                    .push(id.to_owned());
            }
        }
    }
    ids
}

/// A value for a failure message, cut to 2,000 characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(2000) {
        Some((i, _)) => format!("{}… ({} characters)", &s[..i], s.chars().count()),
        None => s,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_survives_generated_input() {
    let cases: u32 = std::env::var("MERCATOR_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("MERCATOR_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261207);
    let app = TestApp::start().await;
    mercator_core::demo::seed(&app.db.conn).await.unwrap();
    let c = app.root().in_company("DEMO");
    let schema = introspect(&c).await;
    let ids = id_pool(&c, &schema).await;
    assert!(
        ids.len() >= 8,
        "the demo company has objects of many kinds: {ids:?}"
    );
    let g = Gen {
        schema: &schema,
        ids: &ids,
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let (mut sent, mut operations) = (0u32, 0u32);
    let mut codes: BTreeMap<String, u32> = BTreeMap::new();
    for (root, keyword) in [(&schema.query, "query"), (&schema.mutation, "mutation")] {
        let fields = schema.types[root]["fields"].as_array().unwrap().clone();
        for f in &fields {
            let name = f["name"].as_str().unwrap();
            operations += 1;
            let args: Vec<(String, Ty)> = f["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| (a["name"].as_str().unwrap().to_owned(), ty(&a["type"])))
                .collect();
            let decl: Vec<String> = args
                .iter()
                .map(|(n, t)| format!("${n}: {}", gql_type(t)))
                .collect();
            let pass: Vec<String> = args.iter().map(|(n, _)| format!("{n}: ${n}")).collect();
            let sel = schema.selection(named(&ty(&f["type"])), 0);
            let text = format!(
                "{keyword}{} {{ {name}{} {sel} }}",
                if decl.is_empty() {
                    String::new()
                } else {
                    format!("({})", decl.join(", "))
                },
                if pass.is_empty() {
                    String::new()
                } else {
                    format!("({})", pass.join(", "))
                },
            );
            let strategies: Vec<BoxedStrategy<Value>> =
                args.iter().map(|(n, t)| g.value(t, 0, n)).collect();
            for _ in 0..cases {
                let mut vars = Map::new();
                for ((n, _), s) in args.iter().zip(&strategies) {
                    let v = s.new_tree(&mut runner).unwrap().current();
                    vars.insert(n.clone(), v);
                }
                let vars = Value::Object(vars);
                let shown = || short(&vars);
                sent += 1;
                let (status, text_body) = c.post_text(&text, vars.clone()).await;
                let body: Value = serde_json::from_str(&text_body).unwrap_or_else(|e| {
                    panic!(
                        "{name}: not JSON ({e}): {text_body}\nvariables: {}\nseed {seed}",
                        shown()
                    )
                });
                assert!(
                    status < 500,
                    "{name}: HTTP {status}: {body}\nvariables: {}\nseed {seed}",
                    shown()
                );
                for e in body["errors"].as_array().into_iter().flatten() {
                    let code = e["extensions"]["code"].as_str().unwrap_or("<none>");
                    assert!(
                        code != "INTERNAL" && code != "<none>",
                        "{name}: {e}\nquery: {text}\nvariables: {}\nseed {seed}",
                        shown()
                    );
                    *codes.entry(code.to_owned()).or_default() += 1;
                }
                for u in body["data"][name]["userErrors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let code = u["code"].as_str().unwrap_or("<none>").to_owned();
                    *codes.entry(code).or_default() += 1;
                }
            }
        }
    }
    eprintln!("fuzz: {operations} operations, {sent} requests, seed {seed}, codes {codes:?}");
    let roots = schema.types[&schema.query]["fields"]
        .as_array()
        .unwrap()
        .len()
        + schema.types[&schema.mutation]["fields"]
            .as_array()
            .unwrap()
            .len();
    assert_eq!(
        operations as usize, roots,
        "every query and mutation was sent"
    );
    assert!(operations > 130);
}
