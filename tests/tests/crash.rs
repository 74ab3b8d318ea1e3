//! `kill -9` with orders in flight: after a restart on the same database every order the
//! server reported created is there, and no order is half-written (each has all of its lines,
//! its header equals their sum). On SQLite and on PostgreSQL.

use mercator_tests::ServerProcess;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const CREATE: &str = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
    salesOrder { number } userErrors { code message } } }";

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or("x").parse().unwrap()
}

/// Every order of the demo company, page by page.
async fn all_orders(server: &ServerProcess) -> Vec<Value> {
    let mut orders = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (_, d) = server
            .q(
                "query($a: String) { salesOrders(first: 100, after: $a) { pageInfo { hasNextPage endCursor }
                   nodes { number netAmount { amount } taxAmount { amount } totalAmount { amount }
                     lines { lineAmount { amount } taxAmount { amount } invoiceDiscountAmount { amount } } } } }",
                json!({"a": after}),
            )
            .await;
        let page = &d["data"]["salesOrders"];
        orders.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    orders
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_in_flight_survive_kill_9_whole_or_not_at_all() {
    let mut server = ServerProcess::start("");
    let (_, d) = server
        .q(
            "{ customers(first: 5) { nodes { id } } items(first: 3, filter: { kind: STOCKED }) { nodes { id } }
               salesOrders { totalCount } }",
            json!({}),
        )
        .await;
    let customers: Vec<Value> = d["data"]["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let items: Vec<Value> = d["data"]["items"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(items.len(), 3, "{d}");
    let before = d["data"]["salesOrders"]["totalCount"].as_i64().unwrap();
    let old: std::collections::BTreeSet<String> = all_orders(&server)
        .await
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(old.len() as i64, before);

    // Eight clients create orders of three lines as fast as they can; each keeps the numbers
    // it was told were created.
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for k in 0..8 {
        let (url, token) = (server.url.clone(), server.token.clone());
        let (customer, items, stop) = (
            customers[k % customers.len()].clone(),
            items.clone(),
            stop.clone(),
        );
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut created = Vec::new();
            let mut failed = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let lines: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(q, i)| json!({"itemId": i, "quantity": format!("{}", q + 1)}))
                    .collect();
                let r = http
                    .post(format!("{url}/graphql"))
                    .bearer_auth(&token)
                    .header("X-Mercator-Company", "DEMO")
                    .json(&json!({"query": CREATE, "variables": {"i": {"customerId": customer, "lines": lines}}}))
                    .send()
                    .await;
                let body: Option<Value> = match r {
                    Ok(r) => r.json().await.ok(),
                    Err(_) => None,
                };
                match body.as_ref().and_then(|b| b["data"]["salesOrderCreate"]["salesOrder"]["number"].as_str()) {
                    Some(n) => created.push(n.to_owned()),
                    // The answer lost to the kill: the order may or may not exist.
                    None => failed += 1,
                }
            }
            (created, failed)
        }));
    }
    // Kill once a good number of orders went through, while the clients keep sending.
    loop {
        let (_, d) = server.q("{ salesOrders { totalCount } }", json!({})).await;
        if d["data"]["salesOrders"]["totalCount"].as_i64().unwrap_or(0) >= before + 40 {
            break;
        }
    }
    // No client starts another order; the ones in flight meet the kill.
    stop.store(true, Ordering::Relaxed);
    server.signal(9);
    assert!(
        server
            .wait_exit(std::time::Duration::from_secs(10))
            .is_some()
    );
    let mut reported = Vec::new();
    let mut lost = 0;
    for c in clients {
        let (created, failed) = c.await.unwrap();
        reported.extend(created);
        lost += failed;
    }
    assert!(reported.len() >= 40, "{} created", reported.len());

    let restarted = ServerProcess::start_on(server.database.clone(), "", server.dir.clone());
    let orders = all_orders(&restarted).await;
    let numbers: std::collections::BTreeSet<&str> = orders
        .iter()
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    for n in &reported {
        assert!(
            numbers.contains(n.as_str()),
            "order {n} was reported created and is missing"
        );
    }
    let new_orders = orders.len() as i64 - before;
    assert!(new_orders >= reported.len() as i64);
    assert!(
        new_orders <= (reported.len() + lost as usize) as i64,
        "{new_orders} new orders, {} reported and {lost} unanswered",
        reported.len()
    );
    for o in orders
        .iter()
        .filter(|o| !old.contains(o["number"].as_str().unwrap_or("")))
    {
        let lines = o["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 3, "half-written order: {o}");
        let sum = |f: &str| lines.iter().map(|l| dec(&l[f]["amount"])).sum::<Decimal>();
        assert_eq!(
            dec(&o["netAmount"]["amount"]),
            sum("lineAmount") - sum("invoiceDiscountAmount"),
            "{o}"
        );
        assert_eq!(dec(&o["taxAmount"]["amount"]), sum("taxAmount"), "{o}");
        assert_eq!(
            dec(&o["totalAmount"]["amount"]),
            dec(&o["netAmount"]["amount"]) + dec(&o["taxAmount"]["amount"]),
            "{o}"
        );
    }
    eprintln!(
        "kill -9: {} orders reported created, {lost} answers lost, {new_orders} found after the restart, none half-written",
        reported.len()
    );
}
