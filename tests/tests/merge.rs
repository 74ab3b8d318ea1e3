//! Merging duplicates (DOMAIN.md 1.3): scenario S19 with its exact numbers, conflicts that block
//! until resolved, no row left pointing at the removed records (scanned over every foreign key
//! the database declares), contacts, and the admin role.

use mercator_core::auth::Role;
use mercator_core::crm::merge::{self, Target};
use mercator_tests::{Client, TestApp, codes};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

async fn ok(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let p = c.mutate(name, &ty, selection, input).await;
    assert_eq!(p["userErrors"], json!([]), "{name}: {p}");
    p
}

async fn m(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    c.mutate(name, &ty, selection, input).await
}

fn db_id(id: &Value) -> i64 {
    let (_, n) = mercator_api::graphql::ids::decode_any(id.as_str().unwrap()).unwrap();
    n
}

/// How many rows reference a row of `table` with id `id`, over every foreign key the database
/// declares (not over the merge's own list).
async fn references(app: &TestApp, table: &str, id: i64) -> Vec<(String, i64)> {
    let db = &app.db.conn;
    let mut out = Vec::new();
    for fk in merge::foreign_keys(db).await.unwrap() {
        if fk.target_table != table {
            continue;
        }
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {} WHERE {} = {id}",
            fk.table_name, fk.column_name
        );
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        if n > 0 {
            out.push((format!("{}.{}", fk.table_name, fk.column_name), n));
        }
    }
    out
}

/// The merge's list of reference columns is exactly the database's foreign keys to parties,
/// customers and contact persons: a new table cannot be forgotten.
#[tokio::test]
async fn merge_knows_every_reference_the_database_declares() {
    let app = TestApp::start().await;
    let mut declared: Vec<(String, String, String)> = merge::foreign_keys(&app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| ["parties", "customers", "contact_persons"].contains(&f.target_table.as_str()))
        .map(|f| (f.table_name, f.column_name, f.target_table))
        .collect();
    declared.sort();
    let mut known: Vec<(String, String, String)> = merge::REFERENCES
        .iter()
        .map(|(t, c, target)| ((*t).to_owned(), (*c).to_owned(), target.table().to_owned()))
        .collect();
    known.sort();
    assert_eq!(known, declared);
    assert!(known.iter().any(|(_, _, t)| t == Target::Customer.table()));
}

async fn customer(c: &Client<'_>, number: &str, currency: &str, addr: &str) -> Value {
    ok(
        c,
        "customerCreate",
        json!({"accountNumber": number, "name": format!("Adatum {number}"), "email": format!("{}@adatum.example", number.to_lowercase()), "currencyId": currency,
               "addresses": [{"code": addr, "purposes": ["DELIVERY"], "street": format!("{number} Road"), "city": "Denver", "countryCode": "US"}]}),
        "customer { id party { id } }",
    )
    .await["customer"]
        .clone()
}

async fn opening(c: &Client<'_>, customer: &Value, doc: &str, amount: &str) -> Value {
    ok(
        c,
        "customerOpeningEntryPost",
        json!({"customerId": customer, "documentNumber": doc, "postingDate": "2026-10-31", "dueDate": "2026-11-30", "amount": amount}),
        "entry { id documentNumber remainingAmount { amount currency } }",
    )
    .await["entry"]
        .clone()
}

/// S19: C-1000 (balance 500.00, ship-to MAIN) and C-1000-DUP (open SO-19 2 × ITEM-A, open item
/// PI-19 200.00, ship-to MAIN). Merge → conflict on MAIN → rename to MAIN2 → merge: C-1000 balance 700.00, ship-tos
/// MAIN and MAIN2, the duplicate gone, nothing references it, PI-19 unchanged.
#[tokio::test]
async fn s19_merge_duplicate_customers() {
    let app = TestApp::start().await;
    let c = app.company("S19").await;
    let usd = c.currency_id("USD").await;
    let keep = customer(&c, "C-1000", &usd, "MAIN").await;
    let dup = customer(&c, "C-1000-DUP", &usd, "MAIN").await;
    let (keep_id, dup_id) = (keep["id"].clone(), dup["id"].clone());
    let dup_party = dup["party"]["id"].clone();
    opening(&c, &keep_id, "OB-1000", "500.00").await;
    let pi19 = opening(&c, &dup_id, "PI-19", "200.00").await;
    // open SO-19 for the duplicate: 2 × ITEM-A
    let pcs = c.unit("PCS", 0).await;
    let item_a = c.item("ITEM-A", "25.00", &pcs).await;
    let so19 = ok(
        &c,
        "salesOrderCreate",
        json!({"customerId": dup_id, "lines": [{"itemId": item_a, "quantity": "2"}]}),
        "salesOrder { id number totalAmount { amount } }",
    )
    .await["salesOrder"]
        .clone();
    assert_eq!(so19["totalAmount"]["amount"], "50.00");
    // related rows of the duplicate everywhere: a contact, a lead, an opportunity, a campaign
    // target (also a target of the kept one: a second conflict), an interaction, a call list
    ok(
        &c,
        "contactPersonCreate",
        json!({"ownerId": dup_id, "name": "Dana Dup"}),
        "contactPerson { id }",
    )
    .await;
    ok(
        &c,
        "leadCreate",
        json!({"partyId": dup_id, "subject": "Reorder"}),
        "lead { id }",
    )
    .await;
    ok(
        &c,
        "opportunityCreate",
        json!({"partyId": dup_id, "opportunity": {"subject": "Reorder", "estimatedValue": "90", "currencyId": usd}}),
        "opportunity { id }",
    )
    .await;
    let cmp = ok(
        &c,
        "campaignCreate",
        json!({"name": "Calls", "kind": "TELEMARKETING"}),
        "campaign { id }",
    )
    .await["campaign"]["id"]
        .clone();
    ok(
        &c,
        "campaignTargetsSelect",
        json!({"campaignId": cmp, "customers": true}),
        "count",
    )
    .await;
    ok(
        &c,
        "callListCreate",
        json!({"campaignId": cmp, "name": "List", "fromTargets": true}),
        "callList { id }",
    )
    .await;
    ok(
        &c,
        "interactionLog",
        json!({"partyId": dup_id, "kind": "CALL", "direction": "INBOUND", "subject": "Complaint"}),
        "interaction { id }",
    )
    .await;
    let other = ok(
        &c,
        "customerCreate",
        json!({"name": "Billed via dup", "currencyId": usd, "invoiceAccountId": dup_id}),
        "customer { id }",
    )
    .await["customer"]["id"]
        .clone();
    // the preview
    let pv = c
        .ok(
            "query($k: ID!, $d: ID!) { customerMergePreview(keepId: $k, duplicateId: $d) {
                differences { field keptValue duplicateValue } conflicts { table key duplicateRowId renamable } blockers { code } } }",
            json!({"k": keep_id, "d": dup_id}),
        )
        .await["customerMergePreview"]
        .clone();
    assert_eq!(pv["blockers"], json!([]));
    let fields: Vec<&str> = pv["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["NAME", "EMAIL"]);
    let conflicts = pv["conflicts"].as_array().unwrap().clone();
    let tables: Vec<&str> = conflicts
        .iter()
        .map(|c| c["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["ADDRESS", "CAMPAIGN_TARGET", "CALL_LIST_ENTRY"]);
    assert_eq!(conflicts[0]["key"], "MAIN");
    assert_eq!(conflicts[0]["renamable"], true);
    // without resolutions: refused, nothing changed
    let sel = "customer { accountNumber balance { amount currency } addresses { code } } mergeLogEntry { kind removedKey mergedBy details }";
    let before = app.statements();
    let p = m(
        &c,
        "customerMerge",
        json!({"keepId": keep_id, "duplicateId": dup_id}),
        sel,
    )
    .await;
    assert!(app.statements() > before);
    assert_eq!(codes(&p), ["MERGE_CONFLICT"]);
    assert!(
        p["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("addresses MAIN")
    );
    // a wrong resolution (renaming a target) is refused too
    let p = m(
        &c,
        "customerMerge",
        json!({"keepId": keep_id, "duplicateId": dup_id, "resolutions": [
            {"duplicateRowId": conflicts[0]["duplicateRowId"], "action": "RENAME", "newKey": "MAIN"},
            {"duplicateRowId": conflicts[1]["duplicateRowId"], "action": "RENAME", "newKey": "X"},
            {"duplicateRowId": conflicts[2]["duplicateRowId"], "action": "REMOVE"}]}),
        sel,
    )
    .await;
    let mut got = codes(&p);
    got.sort();
    assert_eq!(got, ["DUPLICATE", "INVALID_VALUE"]);
    assert!(references(&app, "customers", db_id(&dup_id)).await.len() >= 2);
    // a clerk may not merge
    let clerk = c.with_token(&app.token(&[Role::Clerk], &["S19"]).await);
    let body = clerk
        .q(
            "mutation($i: CustomerMergeInput!) { customerMerge(input: $i) { userErrors { code } } }",
            json!({"i": {"keepId": keep_id, "duplicateId": dup_id}}),
        )
        .await;
    assert_eq!(mercator_tests::error_code(&body), "FORBIDDEN");
    // resolve: rename MAIN → MAIN2, remove the duplicate's target and call list entry
    let p = ok(
        &c,
        "customerMerge",
        json!({"keepId": keep_id, "duplicateId": dup_id, "take": ["EMAIL"], "resolutions": [
            {"duplicateRowId": conflicts[0]["duplicateRowId"], "action": "RENAME", "newKey": "MAIN2"},
            {"duplicateRowId": conflicts[1]["duplicateRowId"], "action": "REMOVE"},
            {"duplicateRowId": conflicts[2]["duplicateRowId"], "action": "REMOVE"}]}),
        sel,
    )
    .await;
    let kept = &p["customer"];
    assert_eq!(kept["accountNumber"], "C-1000");
    assert_eq!(
        kept["balance"],
        json!({"amount": "700.00", "currency": "USD"})
    );
    assert_eq!(
        kept["addresses"],
        json!([{"code": "MAIN"}, {"code": "MAIN2"}])
    );
    let log = &p["mergeLogEntry"];
    assert_eq!(log["kind"], "CUSTOMER");
    assert_eq!(log["removedKey"], "C-1000-DUP");
    assert_eq!(log["mergedBy"], "test");
    assert_eq!(log["details"]["taken"], json!(["Email"]));
    assert_eq!(
        log["details"]["repointed"]["customer_ledger_entries.customer_id"],
        1
    );
    // the duplicate is gone and nothing references it (every declared foreign key scanned)
    let d = c
        .ok(
            "query($d: ID!, $p: ID!, $e: ID!, $o: ID!) { a: node(id: $d) { id } b: node(id: $p) { id }
               e: node(id: $e) { ... on CustomerLedgerEntry { documentNumber originalAmount { amount } remainingAmount { amount } } }
               o: node(id: $o) { ... on Customer { invoiceAccount { accountNumber } } }
               c: customers(filter: {search: \"C-1000\"}) { nodes { accountNumber email contacts { name } party { id } } } }",
            json!({"d": dup_id, "p": dup_party, "e": pi19["id"], "o": other}),
        )
        .await;
    assert_eq!(d["a"], Value::Null);
    assert_eq!(d["b"], Value::Null);
    let so = c
        .ok(
            "query($o: ID!) { node(id: $o) { ... on SalesOrder { number customer { accountNumber } invoiceCustomer { accountNumber } totalAmount { amount } } } }",
            json!({"o": so19["id"]}),
        )
        .await;
    assert_eq!(
        so["node"],
        json!({"number": so19["number"], "customer": {"accountNumber": "C-1000"}, "invoiceCustomer": {"accountNumber": "C-1000"}, "totalAmount": {"amount": "50.00"}})
    );
    assert_eq!(
        d["e"],
        json!({"documentNumber": "PI-19", "originalAmount": {"amount": "200.00"}, "remainingAmount": {"amount": "200.00"}})
    );
    assert_eq!(d["o"]["invoiceAccount"]["accountNumber"], "C-1000");
    assert_eq!(
        d["c"]["nodes"],
        json!([{"accountNumber": "C-1000", "email": "c-1000-dup@adatum.example", "contacts": [{"name": "Dana Dup"}], "party": {"id": keep["party"]["id"]}}])
    );
    assert_eq!(references(&app, "customers", db_id(&dup_id)).await, vec![]);
    assert_eq!(references(&app, "parties", db_id(&dup_party)).await, vec![]);
    let leads = c
        .ok("query($p: ID!) { leads(filter: {partyId: $p}) { totalCount } opportunities(filter: {partyId: $p}) { totalCount } interactions(filter: {partyId: $p}) { totalCount } }",
            json!({"p": keep["party"]["id"]}))
        .await;
    assert_eq!(leads["leads"]["totalCount"], 1);
    assert_eq!(leads["opportunities"]["totalCount"], 1);
    assert_eq!(leads["interactions"]["totalCount"], 1);
    let log = c.ok("{ mergeLog { kind removedKey } }", json!({})).await;
    assert_eq!(
        log["mergeLog"],
        json!([{"kind": "CUSTOMER", "removedKey": "C-1000-DUP"}])
    );
}

/// Different currencies with open entries block the merge; without open entries they do not.
#[tokio::test]
async fn merge_across_currencies_with_open_entries_is_refused() {
    let app = TestApp::start().await;
    let c = app.company("CUR").await;
    let usd = c.currency_id("USD").await;
    let eur = ok(
        &c,
        "currencyCreate",
        json!({"code": "EUR", "name": "Euro"}),
        "currency { id }",
    )
    .await["currency"]["id"]
        .clone();
    let a = customer(&c, "A", &usd, "A").await["id"].clone();
    let b = customer(&c, "B", eur.as_str().unwrap(), "B").await["id"].clone();
    opening(&c, &b, "INV-7", "10.00").await;
    let pv = c
        .ok(
            "query($k: ID!, $d: ID!) { customerMergePreview(keepId: $k, duplicateId: $d) { blockers { code message } } }",
            json!({"k": a, "d": b}),
        )
        .await;
    assert_eq!(
        pv["customerMergePreview"]["blockers"][0]["code"],
        "MERGE_CURRENCY_CONFLICT"
    );
    let p = m(
        &c,
        "customerMerge",
        json!({"keepId": a, "duplicateId": b}),
        "customer { id }",
    )
    .await;
    assert_eq!(codes(&p), ["MERGE_CURRENCY_CONFLICT"]);
    let still = c
        .ok("query($d: ID!) { node(id: $d) { id } }", json!({"d": b}))
        .await;
    assert_eq!(still["node"]["id"], b);
    let x = customer(&c, "X", eur.as_str().unwrap(), "X").await["id"].clone();
    ok(
        &c,
        "customerMerge",
        json!({"keepId": a, "duplicateId": x}),
        "customer { id }",
    )
    .await;
}

/// Contacts merge the same way: the kept contact gets the duplicate's targets and interactions.
#[tokio::test]
async fn merge_duplicate_contacts() {
    let app = TestApp::start().await;
    let c = app.company("CON").await;
    let usd = c.currency_id("USD").await;
    let cust = c.customer("Tailspin", &usd).await;
    let mk = |name: &str, email: &str| json!({"ownerId": cust, "name": name, "email": email, "title": "Buyer"});
    let k = ok(
        &c,
        "contactPersonCreate",
        mk("Kim Abercrombie", "kim@tailspin.example"),
        "contactPerson { id }",
    )
    .await["contactPerson"]["id"]
        .clone();
    let d = ok(
        &c,
        "contactPersonCreate",
        mk("Kim Abercrombie", "k.abercrombie@tailspin.example"),
        "contactPerson { id }",
    )
    .await["contactPerson"]["id"]
        .clone();
    ok(
        &c,
        "interactionLog",
        json!({"partyId": cust, "contactPersonId": d, "kind": "MEETING", "direction": "OUTBOUND", "subject": "Visit"}),
        "interaction { id }",
    )
    .await;
    let cmp = ok(
        &c,
        "campaignCreate",
        json!({"name": "News", "kind": "EMAIL"}),
        "campaign { id }",
    )
    .await["campaign"]["id"]
        .clone();
    ok(
        &c,
        "campaignTargetAdd",
        json!({"campaignId": cmp, "partyId": d}),
        "campaignTarget { id }",
    )
    .await;
    let p = m(
        &c,
        "contactPersonMerge",
        json!({"keepId": k, "duplicateId": k}),
        "contactPerson { id }",
    )
    .await;
    assert_eq!(codes(&p), ["MERGE_SAME_RECORD"]);
    let pv = c
        .ok(
            "query($k: ID!, $d: ID!) { contactMergePreview(keepId: $k, duplicateId: $d) { differences { field keptValue duplicateValue } conflicts { table } } }",
            json!({"k": k, "d": d}),
        )
        .await;
    assert_eq!(
        pv["contactMergePreview"],
        json!({"differences": [{"field": "EMAIL", "keptValue": "kim@tailspin.example", "duplicateValue": "k.abercrombie@tailspin.example"}], "conflicts": []})
    );
    let p = ok(
        &c,
        "contactPersonMerge",
        json!({"keepId": k, "duplicateId": d}),
        "contactPerson { id email } mergeLogEntry { removedKey }",
    )
    .await;
    assert_eq!(p["contactPerson"]["email"], "kim@tailspin.example");
    assert_eq!(references(&app, "contact_persons", db_id(&d)).await, vec![]);
    let dups = c.ok("{ contactDuplicates { key } }", json!({})).await;
    assert_eq!(dups["contactDuplicates"], json!([]));
    let t = c
        .ok(
            "query($id: ID!) { campaignTargets(campaignId: $id) { nodes { contactPerson { id } } } interactions { nodes { contactPerson { id } } } }",
            json!({"id": cmp}),
        )
        .await;
    assert_eq!(t["campaignTargets"]["nodes"][0]["contactPerson"]["id"], k);
    assert_eq!(t["interactions"]["nodes"][0]["contactPerson"]["id"], k);
}
