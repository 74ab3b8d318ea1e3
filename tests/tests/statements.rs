//! Every relation goes through a DataLoader: the number of SQL statements of a list query does
//! not grow with the page size.

use mercator_tests::TestApp;
use serde_json::json;

const LIST: &str = "query($n: Int) { customers(first: $n, sort: {direction: DESC}) { totalCount nodes {
    accountNumber name email currency { code } paymentTerms { code netDays } creditLimit { amount currency }
    invoiceAccount { name } addresses { code city } contacts { name email } } } }";

#[tokio::test]
async fn listing_customers_with_relations_runs_a_constant_number_of_statements() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let terms = c
        .mutate(
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            "paymentTerms { id }",
            json!({"code": "N30", "description": "Net 30", "netDays": 30}),
        )
        .await["paymentTerms"]["id"]
        .clone();
    let mut first = None;
    for i in 0..100 {
        let p = c
            .mutate(
                "customerCreate",
                "CustomerCreateInput",
                "customer { id }",
                json!({"name": format!("Customer {i:03}"), "currencyId": usd, "paymentTermsId": terms, "invoiceAccountId": first,
                       "addresses": [{"code": "MAIN", "purposes": ["INVOICE"], "street": "1 Road", "city": format!("City {i}"), "countryCode": "US"}]}),
            )
            .await;
        let id = p["customer"]["id"].clone();
        if first.is_none() {
            first = Some(id.clone());
        }
        for j in 0..2 {
            c.mutate(
                "contactPersonCreate",
                "ContactPersonCreateInput",
                "contactPerson { id }",
                json!({"ownerId": id, "name": format!("Person {i}-{j}")}),
            )
            .await;
        }
    }
    let mut counts = Vec::new();
    for n in [1, 10, 100] {
        // warm-up so that only the query itself is counted
        c.ok(LIST, json!({"n": n})).await;
        *app.db.stats.capture.lock().unwrap() = Some(Vec::new());
        let before = app.statements();
        let d = c.ok(LIST, json!({"n": n})).await;
        let used = app.statements() - before;
        let sql = app
            .db
            .stats
            .capture
            .lock()
            .unwrap()
            .take()
            .unwrap_or_default();
        let shown: Vec<&str> = sql.iter().map(|s| &s[..s.len().min(120)]).collect();
        eprintln!("--- {n} customers: {used} statements\n{}", shown.join("\n"));
        assert_eq!(
            d["customers"]["nodes"].as_array().unwrap().len(),
            n as usize
        );
        assert_eq!(
            d["customers"]["nodes"][n as usize - 1]["contacts"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        counts.push(used);
    }
    // 3 to authenticate (the test server caches no tokens), then: the page (a narrow row), the
    // count, the full customer rows (for fields beyond the list row), currencies, terms,
    // addresses, contacts, the invoice accounts and their parties. A row the request already
    // loaded is not read again: on the page of 100 the invoice account is one of the
    // customers, so its row comes from the first batch and that page needs one statement less.
    assert_eq!(
        counts[..2],
        [12, 12],
        "statements for 1, 10, 100 customers: {counts:?}"
    );
    assert_eq!(
        counts[2], 11,
        "statements for 1, 10, 100 customers: {counts:?}"
    );
}
