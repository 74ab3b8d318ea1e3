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
        // Four of them without a requested ship date.
        let ship = if k % 3 == 0 {
            Value::Null
        } else {
            json!(format!("2026-12-{:02}", 20 - k))
        };
        let p = c
            .mutate(
                "salesOrderCreate",
                "SalesOrderCreateInput",
                "salesOrder { number }",
                json!({"customerId": cust, "orderDate": format!("2026-11-{:02}", 13 - k),
                       "requestedShipDate": ship,
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
    // By requested ship date: orders without one are not left out, they come last (first,
    // newest first), across pages.
    let ship_list = |dir: &str| {
        format!(
            "query($a: String) {{ salesOrders(first: 5, after: $a, sort: {{ field: REQUESTED_SHIP_DATE, direction: {dir} }}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ number requestedShipDate }} }} }}"
        )
    };
    let ships: Vec<Value> = all(ship_list("ASC"))
        .await
        .iter()
        .map(|n| n["requestedShipDate"].clone())
        .collect();
    assert_eq!(ships.len(), 12, "{ships:?}");
    assert!(ships[..8].iter().all(Value::is_string), "{ships:?}");
    assert!(ships[8..].iter().all(Value::is_null), "{ships:?}");
    assert!(
        ships[..8]
            .windows(2)
            .all(|w| w[0].as_str() <= w[1].as_str()),
        "{ships:?}"
    );
    let back: Vec<Value> = all(ship_list("DESC"))
        .await
        .iter()
        .map(|n| n["requestedShipDate"].clone())
        .collect();
    assert_eq!(back, ships.iter().rev().cloned().collect::<Vec<_>>());

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
    // Two orders over values of one kind (dates), and another list: refused as well.
    let d = c
        .ok(&list("{ field: ORDER_DATE }", ""), json!({"a": null}))
        .await;
    let date_cursor = d["salesOrders"]["pageInfo"]["endCursor"].clone();
    let body = c
        .q(
            &list("{ field: REQUESTED_SHIP_DATE }", ""),
            json!({"a": date_cursor}),
        )
        .await;
    assert_eq!(
        mercator_tests::error_code(&body),
        "INVALID_CURSOR",
        "{body}"
    );
    let body = c
        .q(
            "query($a: String) { customers(after: $a, sort: { field: NAME }) { totalCount } }",
            json!({"a": cursor}),
        )
        .await;
    assert_eq!(
        mercator_tests::error_code(&body),
        "INVALID_CURSOR",
        "{body}"
    );
    let body = c
        .q(
            "query($a: String) { interactions(after: $a) { totalCount } }",
            json!({"a": cursor}),
        )
        .await;
    assert_eq!(
        mercator_tests::error_code(&body),
        "INVALID_CURSOR",
        "{body}"
    );
    // A forged cursor (a NUL in its text, which PostgreSQL cannot even bind) is refused too.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut forged: Value =
        serde_json::from_slice(&b64.decode(cursor.as_str().unwrap()).unwrap()).unwrap();
    forged["k"] = json!("\u{0}");
    let forged = b64.encode(serde_json::to_vec(&forged).unwrap());
    let body = c
        .q(&list("{ field: NUMBER }", ""), json!({"a": forged}))
        .await;
    assert_eq!(
        mercator_tests::error_code(&body),
        "INVALID_CURSOR",
        "{body}"
    );
    // So is a forged date or time outside the years the API accepts (PostgreSQL cannot compare
    // with it), in each kind of key, on both engines alike.
    let d = c
        .ok(&list("{ field: UPDATED_AT }", ""), json!({"a": null}))
        .await;
    let time_cursor = d["salesOrders"]["pageInfo"]["endCursor"].clone();
    for (sort, cursor, key) in [
        (
            "{ field: ORDER_DATE }",
            &date_cursor,
            json!({"d": "-5000-01-01"}),
        ),
        (
            "{ field: ORDER_DATE }",
            &date_cursor,
            json!({"d": "1899-12-31"}),
        ),
        (
            "{ field: UPDATED_AT }",
            &time_cursor,
            json!({"t": "-5000-01-01T00:00:00Z"}),
        ),
        (
            "{ field: UPDATED_AT }",
            &time_cursor,
            json!({"t": "+262000-01-01T00:00:00Z"}),
        ),
    ] {
        let mut forged: Value =
            serde_json::from_slice(&b64.decode(cursor.as_str().unwrap()).unwrap()).unwrap();
        forged["k"] = key.clone();
        let forged = b64.encode(serde_json::to_vec(&forged).unwrap());
        let body = c.q(&list(sort, ""), json!({"a": forged})).await;
        assert_eq!(
            mercator_tests::error_code(&body),
            "INVALID_CURSOR",
            "{key}: {body}"
        );
    }
    let d = c
        .ok(
            "{ salesQuotations(sort: { field: QUOTATION_DATE, direction: DESC }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesQuotations"]["totalCount"], 0);
}

/// The relationship lists sort by what a user expects, either way, through every page:
/// campaigns by name and dates (no date last), opportunities by expected close date and value,
/// leads and prospects by creation, all by last change.
#[tokio::test]
async fn crm_lists_sort_by_names_dates_and_values() {
    let app = TestApp::start().await;
    let c = app.company("CRS").await;
    let usd = c.currency_id("USD").await;
    let names = ["Winter", "Autumn", "Spring", "Summer", "Easter", "Advent"];
    for (k, name) in names.iter().enumerate() {
        let start = if k % 2 == 0 {
            json!(format!("2027-0{}-01", 6 - k))
        } else {
            Value::Null
        };
        let p = c
            .mutate(
                "campaignCreate",
                "CampaignCreateInput",
                "campaign { id }",
                json!({"name": name, "kind": "EMAIL", "startDate": start}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    let every = |list: &'static str, sort: &'static str, field: &'static str| {
        let c = c.clone();
        async move {
            let q = format!(
                "query($a: String) {{ {list}(first: 2, after: $a, sort: {sort}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {field} }} }} }}"
            );
            let mut out = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let d = c.ok(&q, json!({"a": after})).await;
                let page = &d[list];
                out.extend(
                    page["nodes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n[field].clone()),
                );
                if page["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            }
            out
        }
    };
    let by_name = every("campaigns", "{ field: NAME }", "name").await;
    let mut sorted = names.map(|n| json!(n)).to_vec();
    sorted.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    assert_eq!(by_name, sorted);
    let starts = every("campaigns", "{ field: START_DATE }", "startDate").await;
    assert_eq!(
        starts,
        [
            json!("2027-02-01"),
            json!("2027-04-01"),
            json!("2027-06-01"),
            Value::Null,
            Value::Null,
            Value::Null
        ]
    );
    let latest = every(
        "campaigns",
        "{ field: START_DATE, direction: DESC }",
        "startDate",
    )
    .await;
    assert_eq!(latest, starts.iter().rev().cloned().collect::<Vec<_>>());
    let changed = every(
        "campaigns",
        "{ field: UPDATED_AT, direction: DESC }",
        "name",
    )
    .await;
    assert_eq!(changed.len(), 6);

    // Opportunities of one prospect: values 300, 100, 200; close dates on two of them.
    let p = c
        .mutate(
            "prospectCreate",
            "ProspectCreateInput",
            "prospect { party { id } }",
            json!({"party": {"name": "Northwind"}}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let party = p["prospect"]["party"]["id"].clone();
    for (value, close) in [
        ("300.00", json!("2027-03-31")),
        ("100.00", Value::Null),
        ("200.00", json!("2027-01-31")),
    ] {
        let p = c
            .mutate(
                "opportunityCreate",
                "OpportunityCreateInput",
                "opportunity { id }",
                json!({"partyId": party, "opportunity": {"subject": format!("Deal {value}"),
                    "estimatedValue": value, "currencyId": usd, "expectedCloseDate": close}}),
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    let values = every(
        "opportunities",
        "{ field: ESTIMATED_VALUE, direction: DESC }",
        "subject",
    )
    .await;
    assert_eq!(
        values,
        [
            json!("Deal 300.00"),
            json!("Deal 200.00"),
            json!("Deal 100.00")
        ]
    );
    let closes = every(
        "opportunities",
        "{ field: EXPECTED_CLOSE_DATE }",
        "expectedCloseDate",
    )
    .await;
    assert_eq!(
        closes,
        [json!("2027-01-31"), json!("2027-03-31"), Value::Null]
    );
    let newest = every(
        "opportunities",
        "{ field: CREATED_AT, direction: DESC }",
        "subject",
    )
    .await;
    assert_eq!(newest[0], "Deal 200.00");
    let prospects = every(
        "prospects",
        "{ field: CREATED_AT, direction: DESC }",
        "number",
    )
    .await;
    assert_eq!(prospects.len(), 1);
    let leads = every("leads", "{ field: UPDATED_AT }", "number").await;
    assert!(leads.is_empty());
}
