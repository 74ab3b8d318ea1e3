//! Shipping through GraphQL (issue 18, first part): packing slips post the delivery of S2's
//! steps with its counters, statuses and stock, are reversed only by a new document, never
//! over-deliver (also under concurrency), are refused on hold, and an idempotency key makes a
//! retried posting return the first packing slip.

use crate::orders::{customer, setup};
use mercator_tests::{Client, TestApp, codes};
use serde_json::{Value, json};

const SLIP: &str = "packingSlip { id number isReversal reverses { number } lines { quantity invoiced item { number } orderLine { lineNumber } }
    order { status documentStatus lines { id delivered canceled deliverRemainder status } } }";

pub(crate) async fn ship(c: &Client<'_>, input: Value) -> Value {
    c.mutate("salesOrderShip", "SalesOrderShipInput", SLIP, input)
        .await
}

pub(crate) async fn stock(c: &Client<'_>, item: &str, warehouse: &str, qty: &str) {
    let p = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            json!({"itemId": item, "warehouseId": warehouse, "quantity": qty, "postingDate": "2026-12-01"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
}

pub(crate) async fn on_hand(c: &Client<'_>, item: &str) -> String {
    c.ok(
        "query($id: ID!) { node(id: $id) { ... on Item { onHand } } }",
        json!({"id": item}),
    )
    .await["node"]["onHand"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn order(c: &Client<'_>, cust: &str, lines: Value) -> (String, Vec<String>) {
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id lines { id } }",
            json!({"customerId": cust, "lines": lines}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let lines = p["salesOrder"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    (p["salesOrder"]["id"].as_str().unwrap().to_owned(), lines)
}

async fn line_state(c: &Client<'_>, order: &str) -> Value {
    c.ok(
        "query($id: ID!) { node(id: $id) { ... on SalesOrder { status documentStatus packingSlips { number }
            lines { delivered canceled deliverRemainder status } nextActions } } }",
        json!({"id": order}),
    )
    .await["node"]
        .clone()
}

/// S2's deliveries: 100 × ITEM-A, packing slip PS-1 of 60 (open order, 40 left), PS-2 of 40
/// (delivered), a third refused (nothing left). Stock leaves the warehouse with each; a
/// reversal is a new packing slip that takes it back; cancelling the remainder closes the line.
#[tokio::test]
async fn s2_deliveries_counters_statuses_and_stock() {
    let app = TestApp::start().await;
    let c = app.company("SHIP").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "120").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "100", "discountPercent": "10"}]),
    )
    .await;

    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "60"}]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let ps = &p["packingSlip"];
    assert_eq!(ps["number"], "PS-1");
    assert_eq!(ps["isReversal"], false);
    assert_eq!(
        ps["lines"],
        json!([{"quantity": "60", "invoiced": "0", "item": {"number": "ITEM-A"}, "orderLine": {"lineNumber": 10}}])
    );
    assert_eq!(ps["order"]["status"], "OPEN_ORDER");
    assert_eq!(ps["order"]["documentStatus"], "PACKING_SLIP");
    assert_eq!(ps["order"]["lines"][0]["delivered"], "60");
    assert_eq!(ps["order"]["lines"][0]["deliverRemainder"], "40");
    assert_eq!(ps["order"]["lines"][0]["status"], "OPEN_ORDER");
    assert_eq!(on_hand(&c, &s.item_a).await, "60");

    // more than the remainder: refused, nothing written, no number used
    let before = line_state(&c, &so).await;
    assert!(
        before["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("SHIP")),
        "{before}"
    );
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "41"}]})).await;
    assert_eq!(codes(&p), ["OVER_DELIVERY"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "lines", "0", "quantity"])
    );
    assert_eq!(line_state(&c, &so).await, before);
    assert_eq!(on_hand(&c, &s.item_a).await, "60");

    // the rest (every remainder when no lines are given)
    let p = ship(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["packingSlip"]["number"], "PS-2");
    assert_eq!(p["packingSlip"]["lines"][0]["quantity"], "40");
    assert_eq!(p["packingSlip"]["order"]["status"], "DELIVERED");
    assert_eq!(p["packingSlip"]["order"]["lines"][0]["status"], "DELIVERED");
    assert_eq!(on_hand(&c, &s.item_a).await, "20");
    let p = ship(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["NOTHING_TO_SHIP"], "{p}");
    let st = line_state(&c, &so).await;
    assert!(
        !st["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("SHIP")),
        "{st}"
    );

    // a reversal: a new packing slip, negated, stock back, the line open again
    let ps2 = c
        .ok(
            "{ packingSlips(filter: { search: \"PS-2\" }) { nodes { id } } }",
            json!({}),
        )
        .await["packingSlips"]["nodes"][0]["id"]
        .clone();
    let p = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            SLIP,
            json!({"id": ps2}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["packingSlip"]["number"], "PS-3");
    assert_eq!(p["packingSlip"]["isReversal"], true);
    assert_eq!(p["packingSlip"]["reverses"]["number"], "PS-2");
    assert_eq!(p["packingSlip"]["lines"][0]["quantity"], "-40");
    assert_eq!(p["packingSlip"]["order"]["status"], "OPEN_ORDER");
    assert_eq!(p["packingSlip"]["order"]["lines"][0]["delivered"], "60");
    assert_eq!(on_hand(&c, &s.item_a).await, "60");
    let again = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            "packingSlip { id }",
            json!({"id": ps2}),
        )
        .await;
    assert_eq!(codes(&again), ["ALREADY_REVERSED"], "{again}");
    let rev = p["packingSlip"]["id"].clone();
    let again = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            "packingSlip { id }",
            json!({"id": rev}),
        )
        .await;
    assert_eq!(codes(&again), ["ALREADY_REVERSED"], "{again}");

    // cancel the remainder: 60 delivered, 40 canceled → delivered
    let p = c
        .mutate(
            "salesOrderLineCancelRemainder",
            "SalesOrderLineCancelRemainderInput",
            "salesOrder { status lines { delivered canceled deliverRemainder status } }",
            json!({"lineId": lines[0]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["salesOrder"],
        json!({"status": "DELIVERED", "lines": [{"delivered": "60", "canceled": "40", "deliverRemainder": "0", "status": "DELIVERED"}]})
    );
    let p = c
        .mutate(
            "salesOrderLineCancelRemainder",
            "SalesOrderLineCancelRemainderInput",
            "salesOrder { status }",
            json!({"lineId": lines[0]}),
        )
        .await;
    assert_eq!(codes(&p), ["NOTHING_TO_SHIP"], "{p}");

    let d = c
        .ok(
            "query($o: ID) { packingSlips(filter: { orderId: $o }, direction: DESC) { totalCount nodes { number } } }",
            json!({"o": so}),
        )
        .await;
    assert_eq!(
        d["packingSlips"],
        json!({"totalCount": 3, "nodes": [{"number": "PS-3"}, {"number": "PS-2"}, {"number": "PS-1"}]})
    );
    let st = line_state(&c, &so).await;
    assert_eq!(st["documentStatus"], "PACKING_SLIP");
    assert_eq!(
        st["packingSlips"],
        json!([{"number": "PS-1"}, {"number": "PS-2"}, {"number": "PS-3"}])
    );
}

/// Refusals: on hold, not enough stock, a wrong line, zero, a fraction of a piece, a line
/// twice. Each changes nothing and uses no number; an idempotency key returns the first
/// packing slip on a retry and is refused for another order.
#[tokio::test]
async fn shipping_refusals_change_nothing_and_retries_post_once() {
    let app = TestApp::start().await;
    let c = app.company("SHIR").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "10").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "20"}, {"itemId": s.item_b, "quantity": "5"}]),
    )
    .await;
    let (other, other_lines) =
        order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let before = line_state(&c, &so).await;

    // not enough ITEM-A (10 on hand) and no ITEM-B at all
    let p = ship(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["INSUFFICIENT_STOCK"], "{p}");
    // two lines of one item, each within the 10 on hand, together not: the stock moves of a
    // shipment are checked together, the second line refused, nothing written (and no
    // number used: the first packing slip below is PS-1)
    let (twice, twice_lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "6"}, {"itemId": s.item_a, "quantity": "6"}]),
    )
    .await;
    let p = ship(
        &c,
        json!({"orderId": twice, "warehouseId": main, "lines": [
        {"lineId": twice_lines[0], "quantity": "6"}, {"lineId": twice_lines[1], "quantity": "6"}]}),
    )
    .await;
    assert_eq!(codes(&p), ["INSUFFICIENT_STOCK"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "lines", "1", "quantity"]),
        "{p}"
    );
    let state = line_state(&c, &twice).await;
    assert_eq!(state["lines"][0]["delivered"], "0", "{state}");
    assert_eq!(state["lines"][1]["delivered"], "0", "{state}");
    let cases = [
        (
            json!([{"lineId": other_lines[0], "quantity": "1"}]),
            "NOT_FOUND",
        ),
        (
            json!([{"lineId": lines[0], "quantity": "0"}]),
            "INVALID_VALUE",
        ),
        (
            json!([{"lineId": lines[0], "quantity": "-1"}]),
            "INVALID_VALUE",
        ),
        (
            json!([{"lineId": lines[0], "quantity": "1.5"}]),
            "PRECISION_EXCEEDED",
        ),
        (
            json!([{"lineId": lines[0], "quantity": "1"}, {"lineId": lines[0], "quantity": "1"}]),
            "INVALID_VALUE",
        ),
        (
            json!([{"lineId": lines[0], "quantity": "21"}]),
            "OVER_DELIVERY",
        ),
    ];
    for (ls, code) in cases {
        let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": ls})).await;
        assert_eq!(codes(&p), [code], "{ls}: {p}");
    }
    // on hold
    let p = c
        .mutate(
            "holdCodeCreate",
            "HoldCodeCreateInput",
            "holdCode { code }",
            json!({"code": "CALLBACK", "description": "Call back"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderHoldApply",
            "SalesOrderHoldApplyInput",
            "orderHold { id }",
            json!({"orderId": so, "holdCode": "CALLBACK"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let hold = p["orderHold"]["id"].clone();
    let st = line_state(&c, &so).await;
    assert!(
        !st["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("SHIP")),
        "{st}"
    );
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "1"}]})).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"], "{p}");
    let p = c
        .mutate(
            "salesOrderHoldClear",
            "SalesOrderHoldClearInput",
            "orderHold { id }",
            json!({"id": hold}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        line_state(&c, &so).await,
        before,
        "refusals changed the order"
    );
    assert_eq!(on_hand(&c, &s.item_a).await, "10");

    // a retried posting with the same key: the first packing slip, delivered once
    let input = json!({"orderId": so, "warehouseId": main, "idempotencyKey": "web-42",
        "lines": [{"lineId": lines[0], "quantity": "4"}]});
    let first = ship(&c, input.clone()).await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(
        first["packingSlip"]["number"], "PS-1",
        "refusals used no number"
    );
    let retry = ship(&c, input).await;
    assert_eq!(retry["userErrors"], json!([]), "{retry}");
    assert_eq!(retry["packingSlip"]["id"], first["packingSlip"]["id"]);
    assert_eq!(retry["packingSlip"]["order"]["lines"][0]["delivered"], "4");
    assert_eq!(on_hand(&c, &s.item_a).await, "6");
    let p = ship(
        &c,
        json!({"orderId": other, "warehouseId": main, "idempotencyKey": "web-42"}),
    )
    .await;
    assert_eq!(codes(&p), ["IDEMPOTENCY_KEY_REUSED"], "{p}");
    // the same key asking for something else on the same order: refused, nothing shipped
    let p = ship(
        &c,
        json!({"orderId": so, "warehouseId": main, "idempotencyKey": "web-42",
            "lines": [{"lineId": lines[0], "quantity": "5"}]}),
    )
    .await;
    assert_eq!(codes(&p), ["IDEMPOTENCY_KEY_REUSED"], "{p}");
    // 4 written as 4.0: the same request, the same packing slip
    let p = ship(
        &c,
        json!({"orderId": so, "warehouseId": main, "idempotencyKey": "web-42",
            "lines": [{"lineId": lines[0], "quantity": "4.0"}]}),
    )
    .await;
    assert_eq!(p["packingSlip"]["id"], first["packingSlip"]["id"], "{p}");
    assert_eq!(on_hand(&c, &s.item_a).await, "6");
    let p = ship(
        &c,
        json!({"orderId": other, "warehouseId": main, "idempotencyKey": ""}),
    )
    .await;
    assert_eq!(codes(&p), ["INVALID_FORMAT"], "{p}");
}

/// Many clients ship the same line at once: together they never deliver more than ordered,
/// stock never goes below zero, and the packing slip numbers have no gap (PostgreSQL locks the
/// order; SQLite takes turns).
#[tokio::test]
async fn concurrent_shipments_never_over_deliver() {
    let app = TestApp::start().await;
    let c = app.company("SHIC").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "1000").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, lines) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "50"}])).await;
    let tries = (0..12).map(|_| {
        ship(
            &c,
            json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "10"}]}),
        )
    });
    let results = futures_util::future::join_all(tries).await;
    let mut numbers: Vec<String> = Vec::new();
    for r in &results {
        match codes(r).as_slice() {
            [] => numbers.push(r["packingSlip"]["number"].as_str().unwrap().to_owned()),
            [c] if c == "OVER_DELIVERY" || c == "CONFLICT" => {}
            other => panic!("unexpected {other:?}: {r}"),
        }
    }
    numbers.sort_by_key(|n| n[3..].parse::<u32>().unwrap());
    assert_eq!(numbers, ["PS-1", "PS-2", "PS-3", "PS-4", "PS-5"]);
    let st = line_state(&c, &so).await;
    assert_eq!(st["lines"][0]["delivered"], "50");
    assert_eq!(st["status"], "DELIVERED");
    assert_eq!(on_hand(&c, &s.item_a).await, "950");
}

/// A packing slip releases an open order, unless it is over the approval threshold
/// (`APPROVAL_REQUIRED`); a blocked customer gets nothing shipped. What was delivered or
/// canceled is settled: a line's quantity stays above both, and a line a packing slip names is
/// never deleted (even after a reversal). Cancelling an undelivered line cancels it, and the
/// document status falls back when every packing slip was reversed.
#[tokio::test]
async fn shipping_releases_the_order_and_settles_its_lines() {
    let app = TestApp::start().await;
    let c = app.company("SHIG").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;

    // over the threshold: approval first
    let p = c
        .mutate(
            "approvalThresholdSet",
            "ApprovalThresholdSetInput",
            "company { id }",
            json!({"amount": "100"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let (big, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "10"}])).await;
    let st = line_state(&c, &big).await;
    assert!(
        !st["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("SHIP")),
        "{st}"
    );
    let p = ship(&c, json!({"orderId": big, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["APPROVAL_REQUIRED"], "{p}");
    let p = c
        .mutate(
            "approvalThresholdSet",
            "ApprovalThresholdSetInput",
            "company { id }",
            json!({"amount": null}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");

    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "10"}, {"itemId": s.item_a, "quantity": "3"}]),
    )
    .await;
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "4"}]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let r = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { releaseStatus } } }",
            json!({"id": so}),
        )
        .await;
    assert_eq!(r["node"]["releaseStatus"], "RELEASED");
    let slip = p["packingSlip"]["id"].clone();
    let n = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on PackingSlip { number lines { id quantity } } } }",
            json!({"id": slip}),
        )
        .await;
    assert_eq!(n["node"]["number"], "PS-1");
    let sl = n["node"]["lines"][0]["id"].clone();
    let n = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on PackingSlipLine { quantity orderLine { lineNumber } } } }",
            json!({"id": sl}),
        )
        .await;
    assert_eq!(
        n["node"],
        json!({"quantity": "4", "orderLine": {"lineNumber": 10}})
    );

    // 4 delivered, 6 canceled: the quantity cannot go below 10 any more
    let p = c
        .mutate(
            "salesOrderLineCancelRemainder",
            "SalesOrderLineCancelRemainderInput",
            "salesOrder { id }",
            json!({"lineId": lines[0]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderReopen",
            "SalesOrderReopenInput",
            "salesOrder { releaseStatus }",
            json!({"id": so}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderLineUpdate",
            "SalesOrderLineUpdateInput",
            "salesOrder { id }",
            json!({"id": lines[0], "quantity": "5"}),
        )
        .await;
    assert_eq!(codes(&p), ["QUANTITY_BELOW_DELIVERED"], "{p}");

    // reversed, the line still may not be deleted: a packing slip names it
    let p = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            SLIP,
            json!({"id": slip}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["packingSlip"]["order"]["documentStatus"], "NONE");
    let p = c
        .mutate(
            "salesOrderLineDelete",
            "SalesOrderLineDeleteInput",
            "salesOrder { id }",
            json!({"id": lines[0]}),
        )
        .await;
    assert_eq!(codes(&p), ["LINE_HAS_DELIVERIES"], "{p}");

    // an undelivered line canceled: CANCELED
    let p = c
        .mutate(
            "salesOrderLineCancelRemainder",
            "SalesOrderLineCancelRemainderInput",
            "salesOrder { lines { canceled status } }",
            json!({"lineId": lines[1]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["salesOrder"]["lines"][1],
        json!({"canceled": "3", "status": "CANCELED"})
    );

    // a blocked customer gets nothing shipped
    let (other, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { id }",
            json!({"id": cust, "blocked": "ALL"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = ship(&c, json!({"orderId": other, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    assert_eq!(on_hand(&c, &s.item_a).await, "100");
}

/// A plugin's order type sees shipping: a consignment order ships through the plugin's dry run
/// and check (`SHIP`), the plugin sees the delivered quantity and vetoes cancelling the
/// remainder once goods sit at the consignee (`CANCEL`), and neither the dry runs nor the veto
/// use a packing slip number or write anything.
#[tokio::test]
async fn a_plugin_order_type_sees_shipments_and_vetoes_cancelling_after_delivery() {
    use mercator_tests::{fresh_config, plugin_entry, rust_plugin};
    let (mut cfg, dir) = fresh_config();
    cfg.plugins = vec![plugin_entry(
        &rust_plugin("mercator_example_consignment"),
        json!({"maxSettlementDays": 60}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("SHIP").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "10").await;
    let cust = customer(&c, "C-CONS", &s.usd, json!({})).await;
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id lines { id } }",
            json!({"customerId": cust, "orderType": "CONSIGNMENT",
                "attributes": {"consigneeSite": "SITE-7", "settlementDays": 30},
                "lines": [{"itemId": s.item_a, "quantity": "10"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let so = p["salesOrder"]["id"].as_str().unwrap().to_owned();
    let line = p["salesOrder"]["lines"][0]["id"].clone();

    let p = ship(
        &c,
        json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": line, "quantity": "4"}]}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["packingSlip"]["number"], "PS-1");
    let before = line_state(&c, &so).await;
    let q = "mutation($i: SalesOrderLineCancelRemainderInput!) { salesOrderLineCancelRemainder(input: $i) {
        salesOrder { id } userErrors { code extensionCode } } }";
    let p = c.ok(q, json!({"i": {"lineId": line}})).await["salesOrderLineCancelRemainder"].clone();
    assert_eq!(
        p["userErrors"],
        json!([{"code": "REJECTED_BY_EXTENSION", "extensionCode": "CONSIGNMENT_STOCK_AT_CONSIGNEE"}])
    );
    assert_eq!(line_state(&c, &so).await, before, "the veto wrote nothing");
    let p = ship(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["packingSlip"]["number"], "PS-2",
        "no number was used by the dry runs"
    );
    assert_eq!(p["packingSlip"]["order"]["status"], "DELIVERED");
    assert_eq!(on_hand(&c, &s.item_a).await, "0");
}

/// S14: a journal order (a draft without stock effect) ships nothing; the built-in type's rule
/// refuses the packing slip and no number is used.
#[tokio::test]
async fn s14_a_journal_order_ships_nothing() {
    let app = TestApp::start().await;
    let c = app.company("SHIJ").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "50").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            json!({"customerId": cust, "orderType": "JOURNAL", "lines": [{"itemId": s.item_a, "quantity": "50"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let journal = p["salesOrder"]["id"].as_str().unwrap().to_owned();
    let st = line_state(&c, &journal).await;
    assert!(
        !st["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("SHIP")),
        "{st}"
    );
    let q = "mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) {
        packingSlip { id } userErrors { code extensionCode } } }";
    let p = c
        .ok(q, json!({"i": {"orderId": journal, "warehouseId": main}}))
        .await["salesOrderShip"]
        .clone();
    assert_eq!(
        p["userErrors"],
        json!([{"code": "REJECTED_BY_EXTENSION", "extensionCode": "JOURNAL_NOT_EXECUTABLE"}])
    );
    assert_eq!(on_hand(&c, &s.item_a).await, "50");
    let (so, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = ship(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(p["packingSlip"]["number"], "PS-1", "{p}");
}

/// Delivery tolerances of the company: a packing slip may ship up to the remainder plus the
/// over-delivery tolerance (10 % here: 110 of 100), and a remainder within the under-delivery
/// tolerance (5 %) closes the line; a reversal opens it again.
#[tokio::test]
async fn delivery_tolerances_let_a_line_finish_over_or_under() {
    let app = TestApp::start().await;
    let c = app.company("SHIT").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "1000").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let set = |over: &str, under: &str| {
        c.mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { overDeliveryPercent underDeliveryPercent }",
            json!({"overDeliveryPercent": over, "underDeliveryPercent": under}),
        )
    };
    let p = set("101", "5").await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    let p = set("10", "5").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["company"],
        json!({"overDeliveryPercent": "10", "underDeliveryPercent": "5"})
    );
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "100"}, {"itemId": s.item_a, "quantity": "100"}]),
    )
    .await;
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "111"}]})).await;
    assert_eq!(codes(&p), ["OVER_DELIVERY"], "{p}");
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "105"}]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["packingSlip"]["order"]["lines"][0],
        json!({"id": lines[0], "delivered": "105", "canceled": "0", "deliverRemainder": "0", "status": "DELIVERED"})
    );
    // a delivered line ships no more, tolerance or not
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "1"}]})).await;
    assert_eq!(codes(&p), ["OVER_DELIVERY"], "{p}");
    // 96 of 100: the 4 left are within 5 %, so the line closes
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[1], "quantity": "96"}]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["packingSlip"]["order"]["lines"][1],
        json!({"id": lines[1], "delivered": "96", "canceled": "4", "deliverRemainder": "0", "status": "DELIVERED"})
    );
    assert_eq!(p["packingSlip"]["order"]["status"], "DELIVERED");
    let slip = p["packingSlip"]["id"].clone();
    let p = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            "packingSlip { lines { quantity closed } order { status lines { delivered canceled deliverRemainder status } } }",
            json!({"id": slip}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["packingSlip"]["lines"],
        json!([{"quantity": "-96", "closed": "-4"}])
    );
    assert_eq!(
        p["packingSlip"]["order"]["lines"][1],
        json!({"delivered": "0", "canceled": "0", "deliverRemainder": "100", "status": "OPEN_ORDER"})
    );
    assert_eq!(p["packingSlip"]["order"]["status"], "OPEN_ORDER");
    assert_eq!(on_hand(&c, &s.item_a).await, "895");
}

const PICK: &str =
    "pickingList { id number status lines { quantity picked orderLine { lineNumber } } }";

async fn pick(c: &Client<'_>, input: Value) -> Value {
    c.mutate("salesOrderPick", "SalesOrderPickInput", PICK, input)
        .await
}

/// Picking lists (DOMAIN.md §4): optional until the company requires them; then a packing
/// slip (and an order invoice's delivery) ships only what registered lists picked; a list
/// never picks more than is left; holds block picking; an open list can be canceled.
#[tokio::test]
async fn picking_lists_gate_shipping_when_required() {
    let app = TestApp::start().await;
    let c = app.company("PICK").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "20").await;
    stock(&c, &s.item_b, &main, "20").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "10"}, {"itemId": s.item_b, "quantity": "4"}]),
    )
    .await;
    // optional: shipping needs no picking list
    let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "2"}]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { pickingRequired }",
            json!({"pickingRequired": true}),
        )
        .await;
    assert_eq!(p["company"]["pickingRequired"], true, "{p}");
    let one = |q: &str| json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": q}]});
    let p = ship(&c, one("1")).await;
    assert_eq!(codes(&p), ["NOT_PICKED"], "{p}");

    // a list of everything left: 8 of A (2 delivered), 4 of B; nothing more can be listed
    let p = pick(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let list = p["pickingList"].clone();
    assert_eq!(list["number"], "PL-1");
    assert_eq!(list["status"], "OPEN");
    assert_eq!(
        list["lines"],
        json!([{"quantity": "8", "picked": "0", "orderLine": {"lineNumber": 10}},
               {"quantity": "4", "picked": "0", "orderLine": {"lineNumber": 20}}])
    );
    let p = pick(&c, json!({"orderId": so, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["NOTHING_TO_SHIP"], "{p}");
    let p = pick(&c, one("1")).await;
    assert_eq!(codes(&p), ["OVER_DELIVERY"], "{p}");
    // not registered yet: nothing picked to ship
    let p = ship(&c, one("1")).await;
    assert_eq!(codes(&p), ["NOT_PICKED"], "{p}");

    // a PCS line picks and registers whole pieces only
    let p = pick(&c, one("2.5")).await;
    assert_eq!(codes(&p), ["PRECISION_EXCEEDED"], "{p}");
    let p = c
        .mutate(
            "pickingListRegister",
            "PickingListRegisterInput",
            PICK,
            json!({"id": list["id"], "lines": [{"lineId": lines[0], "quantity": "2.5"}]}),
        )
        .await;
    assert_eq!(codes(&p), ["PRECISION_EXCEEDED"], "{p}");
    // 5 of A picked, none of B
    let p = c
        .mutate(
            "pickingListRegister",
            "PickingListRegisterInput",
            PICK,
            json!({"id": list["id"], "lines": [{"lineId": lines[0], "quantity": "5"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["pickingList"]["status"], "REGISTERED");
    assert_eq!(p["pickingList"]["lines"][0]["picked"], "5");
    assert_eq!(p["pickingList"]["lines"][1]["picked"], "0");
    let p = c
        .mutate(
            "pickingListRegister",
            "PickingListRegisterInput",
            PICK,
            json!({"id": list["id"]}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "registered once: {p}");
    let p = ship(&c, one("6")).await;
    assert_eq!(codes(&p), ["NOT_PICKED"], "{p}");
    let p = ship(&c, one("3")).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");

    // an order invoice ships only what was picked (2 of A), and bills 7 of A; B stays open
    let p = c
        .mutate(
            "salesInvoicePost",
            "SalesInvoicePostInput",
            "invoice { lines { quantity item { number } } }",
            json!({"orderIds": [so], "warehouseId": main}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let billed: Vec<(String, String)> = p["invoice"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["item"]["number"].as_str().unwrap().to_owned(),
                l["quantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let total_a: i64 = billed
        .iter()
        .filter(|(n, _)| n == "ITEM-A")
        .map(|(_, q)| q.parse::<i64>().unwrap())
        .sum();
    assert_eq!(total_a, 7, "{p}");
    assert!(billed.iter().all(|(n, _)| n == "ITEM-A"), "{p}");
    let st = line_state(&c, &so).await;
    assert_eq!(st["lines"][1]["delivered"], "0", "{st}");
    assert_eq!(st["status"], "OPEN_ORDER", "{st}");

    // B can go on a new list; an open list can be canceled and listed again
    let b = json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[1], "quantity": "4"}]});
    let pick_and_cancel = |number: &'static str| {
        let (c, b) = (&c, b.clone());
        async move {
            let p = pick(c, b).await;
            assert_eq!(p["userErrors"], json!([]), "{p}");
            assert_eq!(p["pickingList"]["number"], number);
            let p = c
                .mutate(
                    "pickingListCancel",
                    "PickingListCancelInput",
                    PICK,
                    json!({"id": p["pickingList"]["id"]}),
                )
                .await;
            assert_eq!(p["pickingList"]["status"], "CANCELED", "{p}");
        }
    };
    pick_and_cancel("PL-2").await;
    // listed again after the cancel
    pick_and_cancel("PL-3").await;
    // a hold blocks picking
    let p = c
        .mutate(
            "holdCodeCreate",
            "HoldCodeCreateInput",
            "holdCode { code }",
            json!({"code": "CALLBACK", "description": "Call back"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let h = c
        .mutate(
            "salesOrderHoldApply",
            "SalesOrderHoldApplyInput",
            "orderHold { id }",
            json!({"orderId": so, "holdCode": "CALLBACK"}),
        )
        .await;
    assert_eq!(h["userErrors"], json!([]), "{h}");
    let p = pick(&c, b.clone()).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"], "{p}");
    let lists = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { documentStatus pickingLists { number status } } } }",
            json!({"id": so}),
        )
        .await;
    assert_eq!(
        lists["node"]["pickingLists"],
        json!([{"number": "PL-1", "status": "REGISTERED"}, {"number": "PL-2", "status": "CANCELED"},
               {"number": "PL-3", "status": "CANCELED"}])
    );
    assert_eq!(lists["node"]["documentStatus"], "INVOICE");
}
