//! Order types through the extension registry: built-in rules (S14's journal and type
//! changes, item requirements only from projects) and the example consignment plugin end to
//! end through GraphQL: the host checks attributes against the type's schema, the plugin's own
//! rules refuse with their codes, a valid order is saved with its attributes.

use crate::orders::{customer, setup};
use mercator_tests::{Client, TestApp, codes, fresh_config, plugin_entry, rust_plugin};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

async fn m(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    c.mutate(name, &ty, selection, input).await
}

/// A mutation whose userErrors carry the extension's own code.
async fn mx(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let q = format!(
        "mutation($i: {ty}!) {{ {name}(input: $i) {{ {selection} userErrors {{ code field message extensionCode }} }} }}"
    );
    c.ok(&q, json!({"i": input})).await[name].clone()
}

const SEL: &str = "salesOrder { id number orderType status attributes lines { id } } userErrors { code field message extensionCode extensionField }";

async fn create(c: &Client<'_>, input: Value) -> Value {
    let q = format!(
        "mutation($i: SalesOrderCreateInput!) {{ salesOrderCreate(input: $i) {{ {SEL} }} }}"
    );
    c.ok(&q, json!({"i": input})).await["salesOrderCreate"].clone()
}

async fn change(c: &Client<'_>, id: &Value, to: &str) -> Value {
    change_with(c, id, to, None).await
}

async fn change_with(c: &Client<'_>, id: &Value, to: &str, attributes: Option<Value>) -> Value {
    let q = format!(
        "mutation($i: SalesOrderChangeTypeInput!) {{ salesOrderChangeType(input: $i) {{ {SEL} }} }}"
    );
    c.ok(
        &q,
        json!({"i": {"id": id, "orderType": to, "attributes": attributes}}),
    )
    .await["salesOrderChangeType"]
        .clone()
}

async fn sql(app: &TestApp, text: String) {
    app.db
        .conn
        .execute_raw(Statement::from_string(
            app.db.conn.get_database_backend(),
            text,
        ))
        .await
        .unwrap();
}

fn db_id(id: &Value) -> i64 {
    mercator_api::graphql::ids::decode_any(id.as_str().unwrap())
        .unwrap()
        .1
}

/// S14 (journal and type change): a journal order becomes a sales order; a sales order with
/// deliveries cannot become a journal; a delivered item-requirements order cannot change type;
/// item-requirements orders come from projects only.
#[tokio::test]
async fn s14_journal_and_type_changes() {
    let app = TestApp::start().await;
    let c = app.company("S14").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-14", &s.usd, json!({})).await;
    let j = create(&c, json!({"customerId": cust, "orderType": "JOURNAL", "lines": [{"itemId": s.item_a, "quantity": "50"}]})).await;
    assert_eq!(j["userErrors"], json!([]), "{j}");
    assert_eq!(j["salesOrder"]["orderType"], "JOURNAL");
    let id = j["salesOrder"]["id"].clone();
    let p = change(&c, &id, "SALES").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["salesOrder"]["orderType"], "SALES");
    // with a delivery it cannot go back to journal
    let line = db_id(&j["salesOrder"]["lines"][0]["id"]);
    sql(
        &app,
        format!("UPDATE sales_order_lines SET delivered = 10000000 WHERE id = {line}"),
    )
    .await;
    let p = change(&c, &id, "JOURNAL").await;
    assert_eq!(codes(&p), ["REJECTED_BY_EXTENSION"]);
    assert_eq!(p["userErrors"][0]["extensionCode"], "TYPE_CHANGE_BLOCKED");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "orderType"]));
    // an item-requirements order (as a project creates it), delivered: no type change
    let p = create(&c, json!({"customerId": cust, "orderType": "ITEM_REQUIREMENTS", "lines": [{"itemId": s.item_a, "quantity": "1"}]})).await;
    assert_eq!(codes(&p), ["REJECTED_BY_EXTENSION"]);
    assert_eq!(
        p["userErrors"][0]["extensionCode"],
        "ITEM_REQUIREMENTS_PROJECT_ONLY"
    );
    let ir = create(
        &c,
        json!({"customerId": cust, "lines": [{"itemId": s.item_b, "quantity": "5"}]}),
    )
    .await;
    let ir_id = ir["salesOrder"]["id"].clone();
    let (o, l) = (db_id(&ir_id), db_id(&ir["salesOrder"]["lines"][0]["id"]));
    sql(&app, format!("UPDATE sales_orders SET order_type = 'ITEM_REQUIREMENTS', status = 'delivered' WHERE id = {o}")).await;
    sql(
        &app,
        format!("UPDATE sales_order_lines SET delivered = 5000000 WHERE id = {l}"),
    )
    .await;
    let p = change(&c, &ir_id, "SALES").await;
    assert_eq!(codes(&p), ["REJECTED_BY_EXTENSION"]);
    assert_eq!(p["userErrors"][0]["extensionCode"], "TYPE_CHANGE_BLOCKED");
    let p = change(&c, &ir_id, "NOPE").await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { orderType } } }",
            json!({"id": ir_id}),
        )
        .await;
    assert_eq!(
        d["node"]["orderType"], "ITEM_REQUIREMENTS",
        "nothing changed"
    );
}

/// The example consignment plugin's order type works end to end.
#[tokio::test]
async fn consignment_plugin_order_type_end_to_end() {
    let (mut cfg, dir) = fresh_config();
    cfg.plugins = vec![plugin_entry(
        &rust_plugin("mercator_example_consignment"),
        json!({"maxSettlementDays": 60}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("CONS").await;
    let s = setup(&c).await;
    let svc = m(
        &c,
        "itemCreate",
        json!({"number": "SVC", "name": "Service", "kind": "SERVICE", "baseUnitId": s.pcs, "baseSalesPrice": "100", "taxGroup": "STANDARD"}),
        "item { id }",
    )
    .await["item"]["id"]
        .clone();
    let cust = customer(&c, "C-CONS", &s.usd, json!({})).await;
    let order = |attrs: Value, item: &Value| json!({"customerId": cust, "orderType": "CONSIGNMENT", "attributes": attrs, "lines": [{"itemId": item, "quantity": "10"}]});
    let a = json!(s.item_a);
    // the host checks the schema first: a missing site, an unknown attribute
    let p = create(
        &c,
        order(json!({"settlementDays": 30, "colour": "red"}), &a),
    )
    .await;
    let mut got: Vec<(String, Value)> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap().to_owned(), e["field"].clone()))
        .collect();
    got.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        got,
        vec![
            (
                "INVALID_VALUE".to_owned(),
                json!(["input", "attributes", "colour"])
            ),
            (
                "REQUIRED".to_owned(),
                json!(["input", "attributes", "consigneeSite"])
            ),
        ]
    );
    // the plugin's own rules: settlement over its configured 60 days, a service item
    let p = create(
        &c,
        order(
            json!({"consigneeSite": "SITE-7", "settlementDays": 90}),
            &svc,
        ),
    )
    .await;
    let ext: Vec<&str> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extensionCode"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ext,
        [
            "SETTLEMENT_DAYS_OUT_OF_RANGE",
            "CONSIGNMENT_NEEDS_STOCKED_ITEM"
        ],
        "{p}"
    );
    assert!(codes(&p).iter().all(|c| c == "REJECTED_BY_EXTENSION"));
    // an attribute path is a path into the input too
    assert_eq!(
        p["userErrors"][0]["extensionField"], "attributes.settlementDays",
        "{p}"
    );
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "attributes", "settlementDays"]),
        "{p}"
    );
    let d = c.ok("{ salesOrders { totalCount } }", json!({})).await;
    assert_eq!(d["salesOrders"]["totalCount"], 0, "nothing was written");
    // a valid consignment order
    let p = create(
        &c,
        order(
            json!({"consigneeSite": "SITE-7", "settlementDays": 30, "replenish": true}),
            &a,
        ),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["salesOrder"]["orderType"], "CONSIGNMENT");
    assert_eq!(
        p["salesOrder"]["attributes"],
        json!({"consigneeSite": "SITE-7", "settlementDays": 30, "replenish": true})
    );
    // a service item is refused on a line added later too (it once went in that way)
    let id = p["salesOrder"]["id"].clone();
    let p = mx(
        &c,
        "salesOrderLineAdd",
        json!({"orderId": id, "line": {"itemId": svc, "quantity": "1"}}),
        "salesOrder { id }",
    )
    .await;
    assert_eq!(
        p["userErrors"][0]["extensionCode"], "CONSIGNMENT_NEEDS_STOCKED_ITEM",
        "{p}"
    );
    // it becomes a plain sales order only without the consignment attributes
    let p = change(&c, &id, "SALES").await;
    assert_eq!(
        codes(&p),
        ["INVALID_VALUE", "INVALID_VALUE", "INVALID_VALUE"],
        "{p}"
    );
    let p = change_with(&c, &id, "SALES", Some(json!({}))).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["salesOrder"]["orderType"], "SALES");
    assert_eq!(p["salesOrder"]["attributes"], json!({}));
}

/// Every path that changes an order asks its type's rules (a plugin's here, the fixture in its
/// `rules` mode): `validate` after a creation, a line added, changed or deleted, standard lines
/// inserted, and a type change; `check_transition` before a release, a reopen, a confirmation,
/// an approval request and a type change. Before, only creation and the type change asked: a
/// line the type refuses at creation went in through `salesOrderLineAdd`.
#[tokio::test]
async fn every_change_of_an_order_asks_its_type() {
    let (mut cfg, dir) = fresh_config();
    cfg.plugins = vec![plugin_entry(
        &rust_plugin("mercator_fixture_faulty"),
        json!({"mode": "rules"}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("HOOK").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-H", &s.usd, json!({})).await;
    let sel = "salesOrder { id releaseStatus lines { id quantity } }";
    let new = |refuse: Value, qty: &str| {
        json!({"customerId": cust, "orderType": "FAULTY", "attributes": {"refuse": refuse},
               "lines": [{"itemId": s.item_a, "quantity": qty}]})
    };
    let ext = |p: &Value| -> Vec<String> {
        p["userErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["extensionCode"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // validate on creation
    let p = mx(&c, "salesOrderCreate", new(json!([]), "101"), sel).await;
    assert_eq!(ext(&p), ["TOO_MANY"], "{p}");
    let p = mx(
        &c,
        "salesOrderCreate",
        new(json!(["CONFIRM", "REOPEN", "CHANGE_TYPE"]), "5"),
        sel,
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let o = p["salesOrder"].clone();
    let line = o["lines"][0]["id"].clone();
    // validate on every line change; nothing is written when refused
    let p = mx(
        &c,
        "salesOrderLineAdd",
        json!({"orderId": o["id"], "line": {"itemId": s.item_b, "quantity": "500"}}),
        sel,
    )
    .await;
    assert_eq!(ext(&p), ["TOO_MANY"], "{p}");
    let p = mx(
        &c,
        "salesOrderLineUpdate",
        json!({"id": line, "quantity": "150"}),
        sel,
    )
    .await;
    assert_eq!(ext(&p), ["TOO_MANY"], "{p}");
    let p = mx(&c, "salesOrderLineDelete", json!({"id": line}), sel).await;
    assert_eq!(ext(&p), ["NO_LINES_LEFT"], "{p}");
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { lines { quantity } } } }",
            json!({"id": o["id"]}),
        )
        .await;
    assert_eq!(
        d["node"]["lines"],
        json!([{"quantity": "5"}]),
        "nothing was written"
    );
    let p = mx(
        &c,
        "salesOrderLineUpdate",
        json!({"id": line, "quantity": "7"}),
        sel,
    )
    .await;
    assert_eq!(
        p["userErrors"],
        json!([]),
        "an allowed change goes through: {p}"
    );
    // check_transition before each transition the order's attributes refuse
    let p = mx(
        &c,
        "salesOrderConfirm",
        json!({"ids": [o["id"]]}),
        "salesOrders { id }",
    )
    .await;
    assert_eq!(ext(&p), ["REFUSED_CONFIRM"], "{p}");
    let p = mx(
        &c,
        "salesOrderChangeType",
        json!({"id": o["id"], "orderType": "SALES", "attributes": {}}),
        sel,
    )
    .await;
    assert_eq!(ext(&p), ["REFUSED_CHANGE_TYPE"], "{p}");
    let p = mx(&c, "salesOrderRelease", json!({"id": o["id"]}), sel).await;
    assert_eq!(p["userErrors"], json!([]), "release is allowed: {p}");
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    let p = mx(&c, "salesOrderReopen", json!({"id": o["id"]}), sel).await;
    assert_eq!(ext(&p), ["REFUSED_REOPEN"], "{p}");
    // a second order refuses its release (and an approval request, which is a release)
    let p = mx(&c, "salesOrderCreate", new(json!(["RELEASE"]), "5"), sel).await;
    let o2 = p["salesOrder"].clone();
    let p = mx(&c, "salesOrderRelease", json!({"id": o2["id"]}), sel).await;
    assert_eq!(ext(&p), ["REFUSED_RELEASE"], "{p}");
    // and a type change is validated by the new type: a SALES order validates, a FAULTY one
    // with a big line does not
    let p = mx(
        &c,
        "salesOrderCreate",
        json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "300"}]}),
        sel,
    )
    .await;
    let o3 = p["salesOrder"].clone();
    let p = mx(
        &c,
        "salesOrderChangeType",
        json!({"id": o3["id"], "orderType": "FAULTY", "attributes": {}}),
        sel,
    )
    .await;
    assert_eq!(ext(&p), ["TOO_MANY"], "{p}");
}
