//! Invoicing cost over HTTP against the real server (SQLite, or PostgreSQL with
//! `MERCATOR_TEST_DATABASE_URL`): posting a 20-line invoice straight from an order (its
//! delivery posted in the same transaction) through one `salesInvoicePost`, then 2,000
//! postings from 16 concurrent clients, checking that the numbers have no gap and no
//! duplicate. The server runs as deployed (the default pool of 8 connections and token
//! cache). Run with `scripts/bench-invoices` (release build). Prints RESULT lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "bench"
)]

use mercator_tests::{Client, TestApp};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

async fn mutate(c: &Client<'_>, name: &str, sel: &str, input: Value) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let p = c.mutate(name, &ty, sel, input).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p
}

const POST: &str = "mutation($i: SalesInvoicePostInput!) { salesInvoicePost(input: $i) { invoice { number totalAmount { amount } } userErrors { code message } } }";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = TestApp::start_as_deployed().await;
    let engine = if mercator_tests::postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let c = app.company("BENCH").await;
    let usd = c.currency_id("USD").await;
    let pcs = c.unit("PCS", 0).await;
    let wh = c.warehouse("MAIN").await;
    let std = mutate(
        &c,
        "taxCodeCreate",
        "taxCode { id }",
        json!({"code": "STD", "name": "Standard", "rate": "10"}),
    )
    .await["taxCode"]["id"]
        .clone();
    mutate(
        &c,
        "taxSetupSet",
        "taxSetup { customerTaxGroup }",
        json!({"customerTaxGroup": "DOMESTIC", "itemTaxGroup": "STANDARD", "taxCodeId": std}),
    )
    .await;
    let cust = mutate(
        &c,
        "customerCreate",
        "customer { id }",
        json!({"name": "Bench customer", "currencyId": usd, "taxGroup": "DOMESTIC"}),
    )
    .await["customer"]["id"]
        .clone();
    let mut items = Vec::new();
    for i in 0..20 {
        let id = mutate(&c, "itemCreate", "item { id }",
            json!({"number": format!("B-{i:03}"), "name": format!("Bench item {i}"), "baseUnitId": pcs,
                   "baseSalesPrice": format!("{}.{:02}", 10 + i, i), "taxGroup": "STANDARD"})).await["item"]["id"].clone();
        mutate(&c, "inventoryAdjust", "entry { id }",
            json!({"itemId": id, "warehouseId": wh, "quantity": "1000000", "postingDate": "2026-12-01"})).await;
        items.push(id);
    }
    let order = |n: usize| -> Value {
        let lines: Vec<Value> = items
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, id)| json!({"itemId": id, "quantity": format!("{}", i % 5 + 1)}))
            .collect();
        json!({"customerId": cust, "lines": lines})
    };
    let create = async |n: usize| -> String {
        mutate(&c, "salesOrderCreate", "salesOrder { id }", order(n)).await["salesOrder"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // 1. a 20-line invoice straight from the order, one mutation each
    let runs = 100;
    let mut orders = Vec::new();
    for _ in 0..runs + 10 {
        orders.push(create(20).await);
    }
    for so in orders.iter().take(10) {
        let d = c
            .ok(POST, json!({"i": {"orderIds": [so], "warehouseId": wh}}))
            .await;
        assert_eq!(d["salesInvoicePost"]["userErrors"], json!([]), "{d}");
    }
    let before = app.statements();
    let mut times: Vec<Duration> = Vec::new();
    for so in orders.iter().skip(10) {
        let t = Instant::now();
        let d = c
            .ok(POST, json!({"i": {"orderIds": [so], "warehouseId": wh}}))
            .await;
        times.push(t.elapsed());
        assert_eq!(d["salesInvoicePost"]["userErrors"], json!([]), "{d}");
    }
    let statements = (app.statements() - before) / runs as u64;
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "RESULT invoice_post_20_lines engine={engine} runs={runs} p50_ms={:.1} p95_ms={:.1} max_ms={:.1} statements_per_posting={statements}",
        p(0.5),
        p(0.95),
        p(1.0)
    );

    // 2. 2,000 postings from 16 concurrent clients (2-line orders, delivery included)
    let total = 2000;
    let mut queue = Vec::with_capacity(total);
    for _ in 0..total {
        queue.push(create(2).await);
    }
    let queue = Arc::new(queue);
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (queue, next, failed) = (queue.clone(), next.clone(), failed.clone());
        let http = app.http.clone();
        let url = format!("{}/graphql", app.url);
        let token = c.token.clone().unwrap();
        let wh = wh.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(so) = queue.get(i) else { break };
                let body = json!({"query": POST, "variables": {"i": {"orderIds": [so], "warehouseId": wh}}});
                let ok = match http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("X-Mercator-Company", "BENCH")
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) => r
                        .json::<Value>()
                        .await
                        .map(|v| v["data"]["salesInvoicePost"]["userErrors"] == json!([]))
                        .unwrap_or(false),
                    Err(_) => false,
                };
                if !ok {
                    failed.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let failed = failed.load(Ordering::SeqCst);
    // every number from INV-000001 to the last, once
    let mut numbers = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let d = c
            .ok(
                "query($a: String) { customerInvoices(first: 100, after: $a) { pageInfo { hasNextPage endCursor } nodes { number } } }",
                json!({"a": after}),
            )
            .await;
        let page = &d["customerInvoices"];
        for n in page["nodes"].as_array().unwrap() {
            numbers.push(n["number"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = (1..=numbers.len()).map(|n| format!("INV-{n:06}")).collect();
    let gaps_or_duplicates = usize::from(numbers != expected);
    println!(
        "RESULT invoice_post_concurrent engine={engine} postings={total} clients=16 seconds={secs:.2} postings_per_s={:.0} failed={failed} invoices={} gaps_or_duplicates={gaps_or_duplicates}",
        total as f64 / secs,
        numbers.len()
    );
    assert_eq!(failed, 0, "every posting succeeded");
    assert_eq!(numbers.len(), runs + 10 + total);
    assert_eq!(
        gaps_or_duplicates, 0,
        "numbers 1..N without a gap or a duplicate"
    );
}
