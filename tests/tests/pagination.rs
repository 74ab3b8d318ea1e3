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
