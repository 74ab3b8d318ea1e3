//! Order entry cost: creating a 50-line sales order (priced from trade agreements and taxed)
//! through one `salesOrderCreate` mutation over HTTP against the real server on SQLite.
//! Run with `scripts/bench-orders` (release build). Prints one RESULT line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "bench"
)]

use mercator_tests::TestApp;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn mutate(
    c: &mercator_tests::Client<'_>,
    name: &str,
    ty: &str,
    sel: &str,
    input: Value,
) -> Value {
    let p = c.mutate(name, ty, sel, input).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = TestApp::start().await;
    let c = app.company("BENCH").await;
    let usd = c.currency_id("USD").await;
    let pcs = c.unit("PCS", 0).await;
    let std = mutate(
        &c,
        "taxCodeCreate",
        "TaxCodeCreateInput",
        "taxCode { id }",
        json!({"code": "STD", "name": "Standard", "rate": "10"}),
    )
    .await["taxCode"]["id"]
        .clone();
    mutate(
        &c,
        "taxSetupSet",
        "TaxSetupSetInput",
        "taxSetup { customerTaxGroup }",
        json!({"customerTaxGroup": "DOMESTIC", "itemTaxGroup": "STANDARD", "taxCodeId": std}),
    )
    .await;
    let cust = mutate(
        &c,
        "customerCreate",
        "CustomerCreateInput",
        "customer { id }",
        json!({"name": "Bench customer", "currencyId": usd, "taxGroup": "DOMESTIC", "priceGroup": "RETAIL", "lineDiscountGroup": "RETAIL"}),
    )
    .await["customer"]["id"]
        .clone();
    let mut items = Vec::new();
    for i in 0..50 {
        let id = mutate(
            &c,
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"number": format!("B-{i:03}"), "name": format!("Bench item {i}"), "baseUnitId": pcs, "baseSalesPrice": format!("{}.{:02}", 10 + i, i), "taxGroup": "STANDARD"}),
        )
        .await["item"]["id"]
            .clone();
        // a price break and a group discount for every item, so every line searches agreements
        mutate(&c, "tradeAgreementCreate", "TradeAgreementCreateInput", "tradeAgreement { id }",
            json!({"relation": "PRICE", "itemScope": "ONE", "itemId": id, "accountScope": "GROUP", "accountGroup": "RETAIL", "currencyId": usd, "quantityFrom": "10", "amount": format!("{}.00", 9 + i)})).await;
        mutate(&c, "tradeAgreementCreate", "TradeAgreementCreateInput", "tradeAgreement { id }",
            json!({"relation": "LINE_DISCOUNT", "itemScope": "ONE", "itemId": id, "accountScope": "ALL", "currencyId": usd, "percent1": "2", "findNext": true})).await;
        items.push(id);
    }
    let lines: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"itemId": id, "quantity": format!("{}", i % 20 + 1)}))
        .collect();
    let input = json!({"customerId": cust, "lines": lines});
    let q = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { salesOrder { number totalAmount { amount } } userErrors { code } } }";
    for _ in 0..20 {
        let d = c.ok(q, json!({"i": input})).await;
        assert_eq!(d["salesOrderCreate"]["userErrors"], json!([]), "{d}");
    }
    let before = app.statements();
    let mut times: Vec<Duration> = Vec::new();
    let runs = 200;
    for _ in 0..runs {
        let t = Instant::now();
        let d = c.ok(q, json!({"i": input})).await;
        times.push(t.elapsed());
        assert_eq!(d["salesOrderCreate"]["userErrors"], json!([]));
    }
    let statements = (app.statements() - before) / runs as u64;
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "RESULT order_create_50_lines runs={runs} p50_ms={:.1} p95_ms={:.1} max_ms={:.1} statements_per_order={statements}",
        p(0.5),
        p(0.95),
        p(1.0)
    );
}
