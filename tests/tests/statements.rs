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

/// Lists sorted by number read their page in index order (migration 15): the sort expression
/// of `paging::number_order` and the indexed one are the same, so no list sorts all of a
/// company's rows per request. Checked on SQLite's plans, which use an index for `ORDER BY`
/// whatever the table's size (PostgreSQL's planner rightly sorts a small test table instead).
#[tokio::test]
async fn lists_sorted_by_number_read_their_page_through_an_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::start().await;
    if app.db.conn.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let c = app.company("ACME").await;
    use mercator_api::graphql::ids::{Kind, encode};
    let id = |k: Kind| serde_json::Value::String(encode(k, 1).0);
    let lists = [
        ("items", "ItemSortInput", "NUMBER", None),
        ("customers", "CustomerSort", "ACCOUNT_NUMBER", None),
        ("vendors", "VendorSort", "ACCOUNT_NUMBER", None),
        ("prospects", "ProspectSort", "NUMBER", None),
        ("campaigns", "CampaignSort", "NUMBER", None),
        ("leads", "LeadSort", "NUMBER", None),
        ("opportunities", "OpportunitySort", "NUMBER", None),
        ("salesQuotations", "SalesQuotationSort", "NUMBER", None),
        ("salesOrders", "SalesOrderSort", "NUMBER", None),
        // filtered by a reference: the page reads that reference's rows only, in order
        (
            "salesOrders",
            "SalesOrderSort",
            "NUMBER",
            Some((
                "SalesOrderFilter",
                json!({"customerId": id(Kind::Customer)}),
            )),
        ),
        (
            "salesQuotations",
            "SalesQuotationSort",
            "NUMBER",
            Some((
                "SalesQuotationFilter",
                json!({"customerId": id(Kind::Customer)}),
            )),
        ),
        (
            "leads",
            "LeadSort",
            "NUMBER",
            Some(("LeadFilter", json!({"campaignId": id(Kind::Campaign)}))),
        ),
        (
            "leads",
            "LeadSort",
            "NUMBER",
            Some(("LeadFilter", json!({"partyId": id(Kind::Party)}))),
        ),
        (
            "opportunities",
            "OpportunitySort",
            "NUMBER",
            Some((
                "OpportunityFilter",
                json!({"campaignId": id(Kind::Campaign)}),
            )),
        ),
        (
            "opportunities",
            "OpportunitySort",
            "NUMBER",
            Some(("OpportunityFilter", json!({"partyId": id(Kind::Party)}))),
        ),
        (
            "prospects",
            "ProspectSort",
            "NUMBER",
            Some(("ProspectFilter", json!({"status": "ACTIVE"}))),
        ),
    ];
    for (list, sort, field, filter) in lists {
        for direction in ["ASC", "DESC"] {
            *app.db.stats.capture.lock().unwrap() = Some(Vec::new());
            let (q, vars) = match &filter {
                None => (
                    format!(
                        "query($s: {sort}) {{ {list}(first: 5, sort: $s) {{ pageInfo {{ hasNextPage }} }} }}"
                    ),
                    json!({"s": {"field": field, "direction": direction}}),
                ),
                Some((ty, f)) => (
                    format!(
                        "query($s: {sort}, $f: {ty}) {{ {list}(first: 5, sort: $s, filter: $f) {{ pageInfo {{ hasNextPage }} }} }}"
                    ),
                    json!({"s": {"field": field, "direction": direction}, "f": f}),
                ),
            };
            c.ok(&q, vars).await;
            let sql = app
                .db
                .stats
                .capture
                .lock()
                .unwrap()
                .take()
                .unwrap_or_default();
            let page = sql
                .iter()
                .find(|s| s.contains("SUBSTR('0000"))
                .unwrap_or_else(|| panic!("{list}: no statement sorts by number: {sql:#?}"));
            // the plan does not depend on the bound values
            let explain = format!("EXPLAIN QUERY PLAN {}", page.replace('?', "1"));
            let rows = app
                .db
                .conn
                .query_all_raw(Statement::from_string(DbBackend::Sqlite, explain))
                .await
                .unwrap();
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.try_get::<String>("", "detail").unwrap())
                .collect();
            // a filtered page reads through an index that starts with its filter
            let index_ok = |p: &String| match &filter {
                None => p.contains("_number_order (company_id=?)"),
                Some(_) => {
                    p.contains("_number_order (") && !p.contains("_number_order (company_id=?)")
                }
            };
            assert!(
                plan.iter().any(index_ok) && !plan.iter().any(|p| p.contains("TEMP B-TREE")),
                "{list} {filter:?} {direction}: the page is sorted, not read in index order:\n{page}\n{plan:#?}"
            );
        }
    }
}
