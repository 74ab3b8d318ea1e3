//! Relay connections: cursors both ways, sorting, filtering, totals.

use mercator_tests::TestApp;
use serde_json::{Value, json};

fn names(d: &Value) -> Vec<String> {
    d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn forward_and_backward_pages_with_sort_and_filter() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let all = [
        "Delta",
        "alpha",
        "Charlie",
        "Bravo",
        "Echo",
        "Alpha Two",
        "Foxtrot",
    ];
    for n in all {
        c.customer(n, &usd).await;
    }
    let q = "query($first: Int, $last: Int, $after: String, $before: String, $sort: CustomerSort, $filter: CustomerFilter) {
        customers(first: $first, last: $last, after: $after, before: $before, sort: $sort, filter: $filter) {
          totalCount nodes { name accountNumber } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let by_name = json!({"field": "NAME"});
    let p1 = c.ok(q, json!({"first": 3, "sort": by_name})).await["customers"].clone();
    assert_eq!(names(&p1), ["Alpha Two", "Bravo", "Charlie"]);
    assert_eq!(p1["totalCount"], 7);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["pageInfo"]["hasPreviousPage"], false);
    let p2 = c
        .ok(
            q,
            json!({"first": 3, "after": p1["pageInfo"]["endCursor"], "sort": by_name}),
        )
        .await["customers"]
        .clone();
    assert_eq!(names(&p2), ["Delta", "Echo", "Foxtrot"]);
    let p3 = c
        .ok(
            q,
            json!({"first": 3, "after": p2["pageInfo"]["endCursor"], "sort": by_name}),
        )
        .await["customers"]
        .clone();
    assert_eq!(names(&p3), ["alpha"]);
    assert_eq!(p3["pageInfo"]["hasNextPage"], false);
    assert_eq!(p3["pageInfo"]["hasPreviousPage"], true);
    let back = c
        .ok(
            q,
            json!({"last": 2, "before": p2["pageInfo"]["startCursor"], "sort": by_name}),
        )
        .await["customers"]
        .clone();
    assert_eq!(names(&back), ["Bravo", "Charlie"]);
    assert_eq!(back["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(back["pageInfo"]["hasNextPage"], true);
    let desc = c
        .ok(
            q,
            json!({"first": 2, "sort": {"field": "NAME", "direction": "DESC"}}),
        )
        .await["customers"]
        .clone();
    assert_eq!(names(&desc), ["alpha", "Foxtrot"]);
    let last = c.ok(q, json!({"last": 2})).await["customers"].clone();
    assert_eq!(
        last["nodes"][1]["accountNumber"], "C-1006",
        "default sort is by account number"
    );
    let f = c
        .ok(
            q,
            json!({"first": 10, "filter": {"search": "ALPHA"}, "sort": by_name}),
        )
        .await["customers"]
        .clone();
    assert_eq!(names(&f), ["Alpha Two", "alpha"]);
    assert_eq!(f["totalCount"], 2);
    let f = c
        .ok(q, json!({"first": 10, "filter": {"search": "c-1003"}}))
        .await["customers"]
        .clone();
    assert_eq!(names(&f), ["Bravo"]);
    let none = c.ok(q, json!({"first": 0})).await["customers"].clone();
    assert_eq!(none["nodes"], json!([]));
    assert_eq!(none["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn every_list_pages_by_cursor() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    for code in ["U1", "U2", "U3"] {
        c.unit(code, 0).await;
        c.warehouse(code).await;
    }
    let pcs = c.unit("PCS", 0).await;
    for n in ["B", "A", "C"] {
        c.item(n, "1", &pcs).await;
    }
    for list in [
        "unitsOfMeasure",
        "warehouses",
        "items",
        "currencies",
        "taxCodes",
        "paymentTerms",
        "vendors",
        "customers",
        "itemLedgerEntries",
    ] {
        let q = format!(
            "query($after: String) {{ {list}(first: 2, after: $after) {{ totalCount edges {{ cursor node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let d = c.ok(&q, json!({"after": after})).await[list].clone();
            for e in d["edges"].as_array().unwrap() {
                seen.push(e["node"]["id"].clone());
            }
            if d["pageInfo"]["hasNextPage"] != true {
                assert_eq!(
                    seen.len() as i64,
                    d["totalCount"].as_i64().unwrap(),
                    "{list}"
                );
                break;
            }
            after = d["pageInfo"]["endCursor"].clone();
        }
        let unique: std::collections::HashSet<String> =
            seen.iter().map(|v| v.to_string()).collect();
        assert_eq!(unique.len(), seen.len(), "{list}: no row twice");
    }
    let d = c
        .ok(
            "{ items(sort: {field: NAME, direction: DESC}) { nodes { number } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["items"]["nodes"],
        json!([{"number": "C"}, {"number": "B"}, {"number": "A"}])
    );
}

/// Document lists sort by number in numeric order (SO-2 before SO-10; they sorted as text),
/// by date, amount and last change either way, page through each by cursor, filter by date
/// range and `updatedSince`, and refuse a cursor of another sort order (`INVALID_CURSOR`
/// instead of a type error on PostgreSQL).
#[tokio::test]
async fn orders_sort_by_number_date_amount_and_change_and_filter_by_dates() {
    use crate::orders::{customer, setup};
    let app = TestApp::start().await;
    let c = app.company("SRT").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1", &s.usd, json!({})).await;
    for k in 1..=12 {
        let p = c
            .mutate(
                "salesOrderCreate",
                "SalesOrderCreateInput",
                "salesOrder { number }",
                json!({"customerId": cust, "orderDate": format!("2026-11-{:02}", 13 - k),
                       "lines": [{"itemId": s.item_a, "quantity": format!("{}", (k * 7) % 12 + 1)}]}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    let list = |sort: &str, extra: &str| {
        format!(
            "query($a: String) {{ salesOrders(first: 5, after: $a, sort: {sort}{extra}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ number orderDate totalAmount {{ amount }} }} }} }}"
        )
    };
    // Every page of a sort, joined.
    let all = |q: String| {
        let c = c.clone();
        async move {
            let mut out = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let d = c.ok(&q, json!({"a": after})).await;
                let page = &d["salesOrders"];
                out.extend(page["nodes"].as_array().unwrap().iter().cloned());
                if page["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            }
            out
        }
    };
    let numbers: Vec<String> = all(list("{ field: NUMBER }", ""))
        .await
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        numbers,
        (1..=12).map(|k| format!("SO-{k}")).collect::<Vec<_>>()
    );
    let newest: Vec<String> = all(list("{ field: NUMBER, direction: DESC }", ""))
        .await
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        newest,
        (1..=12)
            .rev()
            .map(|k| format!("SO-{k}"))
            .collect::<Vec<_>>()
    );
    let dates: Vec<String> = all(list("{ field: ORDER_DATE }", ""))
        .await
        .iter()
        .map(|n| n["orderDate"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(dates.len(), 12);
    let amounts: Vec<rust_decimal::Decimal> =
        all(list("{ field: TOTAL_AMOUNT, direction: DESC }", ""))
            .await
            .iter()
            .map(|n| {
                n["totalAmount"]["amount"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert_eq!(amounts.len(), 12);
    let updated = all(list("{ field: UPDATED_AT, direction: DESC }", "")).await;
    assert_eq!(updated[0]["number"], "SO-12");

    // Date range and updatedSince.
    let d = c
        .ok(
            "{ salesOrders(filter: { orderDateFrom: \"2026-11-03\", orderDateTo: \"2026-11-05\" }) { totalCount nodes { orderDate } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesOrders"]["totalCount"], 3, "{d}");
    let d = c
        .ok(
            "{ salesOrders(filter: { updatedSince: \"2999-01-01T00:00:00Z\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesOrders"]["totalCount"], 0);
    let d = c
        .ok(
            "{ salesOrders(filter: { updatedSince: \"2000-01-01T00:00:00Z\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesOrders"]["totalCount"], 12);

    // A cursor of the number order used for the date order.
    let d = c
        .ok(&list("{ field: NUMBER }", ""), json!({"a": null}))
        .await;
    let cursor = d["salesOrders"]["pageInfo"]["endCursor"].clone();
    let body = c
        .q(&list("{ field: ORDER_DATE }", ""), json!({"a": cursor}))
        .await;
    assert_eq!(
        mercator_tests::error_code(&body),
        "INVALID_CURSOR",
        "{body}"
    );
    let d = c
        .ok(
            "{ salesQuotations(sort: { field: QUOTATION_DATE, direction: DESC }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesQuotations"]["totalCount"], 0);
}
