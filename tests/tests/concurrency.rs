//! Concurrent writers of one document (the faults the hardening issue found on PostgreSQL):
//! every read-then-write service locks the document first, so concurrent changes serialise
//! and all succeed, the stored header equals the sum of its lines, line numbers and
//! confirmation versions are drawn once each. On SQLite the write lock serialises them anyway;
//! the same tests run on both engines (`MERCATOR_TEST_DATABASE_URL`).

use crate::orders::{customer, setup};
use mercator_tests::{Client, TestApp, fresh_config};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const FIELDS: &str = "id confirmedVersion netAmount { amount } taxAmount { amount } totalAmount { amount }
    invoiceDiscountAmount { amount }
    lines { id lineNumber quantity lineAmount { amount } taxAmount { amount } invoiceDiscountAmount { amount } }";

/// A server whose pool has room for many concurrent writers.
async fn app() -> TestApp {
    let (mut cfg, dir) = fresh_config();
    cfg.database_max_connections = 16;
    TestApp::start_with(cfg, dir).await
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

fn sum(lines: &Value, field: &str) -> Decimal {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| dec(&l[field]["amount"]))
        .sum()
}

/// The order as stored, with its header checked against its lines.
async fn stored(c: &Client<'_>, id: &Value) -> Value {
    let d = c
        .ok(
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on SalesOrder {{ {FIELDS} }} }} }}"),
            json!({"id": id}),
        )
        .await;
    let o = d["node"].clone();
    let lines = &o["lines"];
    let gross = sum(lines, "lineAmount");
    let discount = sum(lines, "invoiceDiscountAmount");
    assert_eq!(dec(&o["invoiceDiscountAmount"]["amount"]), discount, "{o}");
    assert_eq!(dec(&o["netAmount"]["amount"]), gross - discount, "{o}");
    assert_eq!(
        dec(&o["taxAmount"]["amount"]),
        sum(lines, "taxAmount"),
        "{o}"
    );
    assert_eq!(
        dec(&o["totalAmount"]["amount"]),
        dec(&o["netAmount"]["amount"]) + dec(&o["taxAmount"]["amount"]),
        "{o}"
    );
    o
}

async fn order_with_lines(c: &Client<'_>, n: usize) -> Value {
    let s = setup(c).await;
    let cust = customer(c, "C-1", &s.usd, json!({})).await;
    let lines: Vec<Value> = (0..n)
        .map(|_| json!({"itemId": s.item_a, "quantity": "1"}))
        .collect();
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            &format!("salesOrder {{ {FIELDS} }}"),
            json!({"customerId": cust, "lines": lines}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["salesOrder"].clone()
}

/// The payload of a mutation sent by one of many concurrent clients: no top-level error, no
/// userError.
async fn concurrent(c: &Client<'_>, name: &str, ty: &str, input: Value) -> Value {
    let q = format!(
        "mutation($i: {ty}!) {{ {name}(input: $i) {{ salesOrder {{ {FIELDS} }} userErrors {{ code field message }} }} }}"
    );
    let body = c.q(&q, json!({"i": input})).await;
    assert!(body.get("errors").is_none(), "{name}: {body}");
    assert_eq!(
        body["data"][name]["userErrors"],
        json!([]),
        "{name}: {body}"
    );
    body["data"][name].clone()
}

/// 20 clients change 20 different lines of one order at once: all succeed, and the stored
/// header equals the sum of the stored lines (PostgreSQL lost updates before the order was
/// locked: net 7,551 against a line sum of 9,150.00).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_line_updates_keep_the_totals() {
    let app = app().await;
    let c = app.company("CC1").await;
    let o = order_with_lines(&c, 20).await;
    let lines = o["lines"].as_array().unwrap().clone();
    let updates = lines.iter().enumerate().map(|(k, l)| {
        let c = c.clone();
        let id = l["id"].clone();
        async move {
            concurrent(
                &c,
                "salesOrderLineUpdate",
                "SalesOrderLineUpdateInput",
                json!({"id": id, "quantity": format!("{}", k + 2)}),
            )
            .await
        }
    });
    futures_util::future::join_all(updates).await;
    let o = stored(&c, &o["id"]).await;
    // 25.00 per unit, quantities 2..=21: Σ = 25 × 230 = 5,750.00 net, 10 % tax.
    assert_eq!(
        sum(&o["lines"], "lineAmount"),
        Decimal::new(575000, 2),
        "{o}"
    );
    assert_eq!(
        dec(&o["taxAmount"]["amount"]),
        Decimal::new(57500, 2),
        "{o}"
    );
}

/// 50 clients add a line to one order at once: all succeed with 50 distinct line numbers
/// (before, 38-40 of them failed with DUPLICATE on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_line_adds_all_succeed() {
    let app = app().await;
    let c = app.company("CC2").await;
    let o = order_with_lines(&c, 1).await;
    let item = c
        .ok("{ items(first: 1) { nodes { id } } }", json!({}))
        .await["items"]["nodes"][0]["id"]
        .clone();
    let adds = (0..50).map(|_| {
        let c = c.clone();
        let (id, item) = (o["id"].clone(), item.clone());
        async move {
            concurrent(
                &c,
                "salesOrderLineAdd",
                "SalesOrderLineAddInput",
                json!({"orderId": id, "line": {"itemId": item, "quantity": "1"}}),
            )
            .await
        }
    });
    futures_util::future::join_all(adds).await;
    let o = stored(&c, &o["id"]).await;
    let numbers: BTreeSet<i64> = o["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lineNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers.len(), 51, "{o}");
    assert_eq!(sum(&o["lines"], "lineAmount"), Decimal::new(127500, 2));
}

/// 10 clients confirm one order at once: all succeed, as versions 1 to 10 of its confirmation
/// journal (before, 6-8 failed with DUPLICATE on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_confirmations_draw_each_version_once() {
    let app = app().await;
    let c = app.company("CC3").await;
    let o = order_with_lines(&c, 3).await;
    let confirms = (0..10).map(|_| {
        let c = c.clone();
        let id = o["id"].clone();
        async move {
            let q = "mutation($i: SalesOrderConfirmInput!) { salesOrderConfirm(input: $i) {
                salesOrders { confirmedVersion } userErrors { code field message } } }";
            let body = c.q(q, json!({"i": {"ids": [id]}})).await;
            assert!(body.get("errors").is_none(), "{body}");
            assert_eq!(
                body["data"]["salesOrderConfirm"]["userErrors"],
                json!([]),
                "{body}"
            );
            body["data"]["salesOrderConfirm"]["salesOrders"][0]["confirmedVersion"]
                .as_i64()
                .unwrap()
        }
    });
    let versions: BTreeSet<i64> = futures_util::future::join_all(confirms)
        .await
        .into_iter()
        .collect();
    assert_eq!(versions, (1..=10).collect(), "each version once");
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { confirmedVersion confirmations { version } } } }",
            json!({"id": o["id"]}),
        )
        .await;
    assert_eq!(d["node"]["confirmedVersion"], 10, "{d}");
    assert_eq!(
        d["node"]["confirmations"].as_array().unwrap().len(),
        10,
        "{d}"
    );
}

/// Far more writers of one order than the pool has connections: each either succeeds or gets
/// a retryable code (`BUSY`, `CONFLICT`), never `INTERNAL`; reads keep working meanwhile, and
/// the totals still equal the lines (before, the pool ran dry and both writers and readers got
/// `INTERNAL`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_writers_gets_answers_or_retryable_codes() {
    let (mut cfg, dir) = fresh_config();
    cfg.database_max_connections = 4;
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("CC4").await;
    let o = order_with_lines(&c, 1).await;
    let item = c
        .ok("{ items(first: 1) { nodes { id } } }", json!({}))
        .await["items"]["nodes"][0]["id"]
        .clone();
    let q = format!(
        "mutation($i: SalesOrderLineAddInput!) {{ salesOrderLineAdd(input: $i) {{ salesOrder {{ {FIELDS} }} userErrors {{ code }} }} }}"
    );
    let adds = (0..150).map(|_| {
        let c = c.clone();
        let (id, item, q) = (o["id"].clone(), item.clone(), q.clone());
        async move {
            let body = c
                .q(
                    &q,
                    json!({"i": {"orderId": id, "line": {"itemId": item, "quantity": "1"}}}),
                )
                .await;
            match body["errors"][0]["extensions"]["code"].as_str() {
                None => {
                    assert_eq!(
                        body["data"]["salesOrderLineAdd"]["userErrors"],
                        json!([]),
                        "{body}"
                    );
                    1
                }
                Some("BUSY" | "CONFLICT") => {
                    assert_eq!(body["errors"][0]["extensions"]["retryable"], true, "{body}");
                    0
                }
                Some(other) => panic!("{other}: {body}"),
            }
        }
    });
    let reads = (0..20).map(|_| {
        let c = c.clone();
        async move {
            let body = c
                .q("{ customers(first: 5) { totalCount } }", json!({}))
                .await;
            assert!(
                body.get("errors").is_none() || body["errors"][0]["extensions"]["code"] == "BUSY",
                "{body}"
            );
        }
    });
    let (added, _) = futures_util::future::join(
        futures_util::future::join_all(adds),
        futures_util::future::join_all(reads),
    )
    .await;
    let added: usize = added.into_iter().sum();
    let o = stored(&c, &o["id"]).await;
    assert_eq!(o["lines"].as_array().unwrap().len(), 1 + added, "{o}");
}

/// Concurrent line changes of an order whose type is a plugin's (its rules asked outside the
/// transaction) all succeed and keep the totals: changes of one order take turns from the dry
/// run to the commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_changes_of_a_plugin_typed_order_all_succeed() {
    let (mut cfg, dir) = fresh_config();
    cfg.database_max_connections = 16;
    cfg.plugins = vec![mercator_tests::plugin_entry(
        &mercator_tests::rust_plugin("mercator_fixture_faulty"),
        json!({"mode": "rules"}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("CC5").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1", &s.usd, json!({})).await;
    let lines: Vec<Value> = (0..10)
        .map(|_| json!({"itemId": s.item_a, "quantity": "1"}))
        .collect();
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            &format!("salesOrder {{ {FIELDS} }}"),
            json!({"customerId": cust, "orderType": "FAULTY", "lines": lines}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let o = p["salesOrder"].clone();
    let updates = o["lines"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let c = c.clone();
            let id = l["id"].clone();
            async move {
                concurrent(
                    &c,
                    "salesOrderLineUpdate",
                    "SalesOrderLineUpdateInput",
                    json!({"id": id, "quantity": format!("{}", k + 2)}),
                )
                .await
            }
        });
    futures_util::future::join_all(updates).await;
    let o = stored(&c, &o["id"]).await;
    // 25.00 per unit, quantities 2..=11: 65 × 25.00.
    assert_eq!(
        sum(&o["lines"], "lineAmount"),
        Decimal::new(162500, 2),
        "{o}"
    );
}

/// Two nodes on one database (two servers, each with its own pool and in-process turns). On
/// one, free items are added to an order of the guide plugin's `SAMPLES` type (no priced
/// line); on the other, the item's price changes to 7.00 and back. The type approves the order
/// as the dry run made it; the change written must be that one: an order never holds a line
/// the type did not see (it once saved 7.00 lines, the price having changed between the dry
/// run and the write). Each add either goes in at 0.00 or is refused (`SAMPLES_ARE_FREE`) or
/// answered `CONFLICT`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_plugin_type_approves_exactly_what_is_written_across_nodes() {
    let (mut cfg, dir) = fresh_config();
    cfg.database_max_connections = 8;
    cfg.plugins = vec![mercator_tests::plugin_entry(
        &mercator_tests::rust_plugin("acme_samples"),
        json!({}),
    )];
    let node_a = TestApp::start_with(cfg.clone(), dir).await;
    let a = node_a.company("XN").await;
    let s = setup(&a).await;
    let p = a
        .mutate(
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"number": "FREE", "name": "Free sample", "baseUnitId": s.pcs,
                   "baseSalesPrice": "0", "taxGroup": "STANDARD"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let free = p["item"]["id"].clone();
    let cust = customer(&a, "C-1", &s.usd, json!({})).await;
    let p = a
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            json!({"customerId": cust, "orderType": "SAMPLES", "attributes": {"campaign": "FAIR"},
                   "lines": [{"itemId": free, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let order = p["salesOrder"]["id"].clone();
    let node_b = TestApp::start_with(cfg, None).await;
    let b = node_b.root().in_company("XN");
    let mut added = 0;
    for round in 0..25 {
        let add = async {
            let body = a
                .q(
                    "mutation($i: SalesOrderLineAddInput!) { salesOrderLineAdd(input: $i) { userErrors { code extensionCode } } }",
                    json!({"i": {"orderId": order, "line": {"itemId": free, "quantity": "1"}}}),
                )
                .await;
            let e = &body["data"]["salesOrderLineAdd"]["userErrors"];
            if body.get("errors").is_some() {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "CONFLICT",
                    "{body}"
                );
                0
            } else if e == &json!([]) {
                1
            } else {
                assert_eq!(e[0]["extensionCode"], "SAMPLES_ARE_FREE", "{body}");
                0
            }
        };
        let reprice = async {
            for price in ["7.00", "0"] {
                let p = b
                    .mutate(
                        "itemUpdate",
                        "ItemUpdateInput",
                        "item { id }",
                        json!({"id": free, "baseSalesPrice": price}),
                    )
                    .await;
                assert_eq!(p["userErrors"], json!([]), "round {round}: {p}");
            }
        };
        let (n, ()) = futures_util::future::join(add, reprice).await;
        added += n;
    }
    let d = a
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { lines { unitPrice { amount } } } } }",
            json!({"id": order}),
        )
        .await;
    let lines = d["node"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1 + added, "{d}");
    for l in lines {
        assert!(
            dec(&l["unitPrice"]["amount"]).is_zero(),
            "a line the type never saw: {d}"
        );
    }
}

/// A change that found an order of a built-in type while another node turned it into a
/// plugin's type: the built-in path reads the type again once the order is locked and hands
/// the change to the plugin path (it once asked the plugin's type inside the transaction and
/// answered `UNSUPPORTED`). Whatever the order of the two, an order of type `SAMPLES` never
/// holds a priced line.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_type_changed_meanwhile_sends_the_change_to_the_new_types_rules() {
    let (mut cfg, dir) = fresh_config();
    cfg.database_max_connections = 8;
    cfg.plugins = vec![mercator_tests::plugin_entry(
        &mercator_tests::rust_plugin("acme_samples"),
        json!({}),
    )];
    let node_a = TestApp::start_with(cfg.clone(), dir).await;
    let a = node_a.company("XT").await;
    let s = setup(&a).await;
    let cust = customer(&a, "C-1", &s.usd, json!({})).await;
    let node_b = TestApp::start_with(cfg, None).await;
    let b = node_b.root().in_company("XT");
    for round in 0..20 {
        let p = a
            .mutate(
                "salesOrderCreate",
                "SalesOrderCreateInput",
                "salesOrder { id }",
                json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "1", "unitPrice": "0"}]}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        let order = p["salesOrder"]["id"].clone();
        let to_samples = a.q(
            "mutation($i: SalesOrderChangeTypeInput!) { salesOrderChangeType(input: $i) { userErrors { code extensionCode } } }",
            json!({"i": {"id": order, "orderType": "SAMPLES", "attributes": {"campaign": "FAIR"}}}),
        );
        let priced = b.q(
            "mutation($i: SalesOrderLineAddInput!) { salesOrderLineAdd(input: $i) { userErrors { code extensionCode } } }",
            json!({"i": {"orderId": order, "line": {"itemId": s.item_b, "quantity": "1"}}}),
        );
        let (x, y) = futures_util::future::join(to_samples, priced).await;
        for body in [&x, &y] {
            if let Some(e) = body.get("errors") {
                assert_eq!(
                    e[0]["extensions"]["code"], "CONFLICT",
                    "round {round}: {body}"
                );
            }
            let payload = body["data"]
                .as_object()
                .and_then(|d| d.values().next())
                .cloned()
                .unwrap_or(Value::Null);
            for e in payload["userErrors"].as_array().into_iter().flatten() {
                assert_eq!(
                    e["extensionCode"], "SAMPLES_ARE_FREE",
                    "round {round}: {body}"
                );
            }
        }
        let d = a
            .ok(
                "query($id: ID!) { node(id: $id) { ... on SalesOrder { orderType lines { unitPrice { amount } } } } }",
                json!({"id": order}),
            )
            .await;
        if d["node"]["orderType"] == "SAMPLES" {
            for l in d["node"]["lines"].as_array().unwrap() {
                assert!(
                    dec(&l["unitPrice"]["amount"]).is_zero(),
                    "round {round}: {d}"
                );
            }
        }
    }
}
