//! Tokens, roles and company isolation.

use mercator_core::auth::Role;
use mercator_tests::{TestApp, codes, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn missing_wrong_and_revoked_tokens_get_401() {
    let app = TestApp::start().await;
    let c = app.root();
    let (s, body) = c
        .with_token("mrc_nope")
        .post("{ schemaVersion }", json!({}))
        .await;
    assert_eq!(s, 401);
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(body.get("data").is_none());

    let r = app
        .http
        .post(format!("{}/graphql", app.url))
        .json(&json!({"query": "{ schemaVersion }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");

    app.company("ACME").await;
    let t = app.token(&[Role::Viewer], &["ACME"]).await;
    let (s, _) = c
        .with_token(&t)
        .post("{ company { code } }", json!({}))
        .await;
    assert_eq!(s, 200);
    let prefix: String = t.chars().take(12).collect();
    mercator_core::auth::revoke(&app.db.conn, &prefix)
        .await
        .unwrap();
    let (s, body) = c
        .with_token(&t)
        .post("{ company { code } }", json!({}))
        .await;
    assert_eq!(s, 401, "{body}");
}

#[tokio::test]
async fn roles_limit_what_a_token_may_do() {
    let app = TestApp::start().await;
    let admin = app.company("ACME").await;
    let usd = admin.currency_id("USD").await;
    let viewer = admin.with_token(&app.token(&[Role::Viewer], &["ACME"]).await);
    let clerk = admin.with_token(&app.token(&[Role::Clerk], &["ACME"]).await);

    let body = viewer
        .q("mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { customer { id } userErrors { code } } }", json!({"i": {"name": "X", "currencyId": usd}}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    viewer.ok("{ customers { totalCount } }", json!({})).await;

    let p = clerk
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { id }",
            json!({"name": "X", "currencyId": usd}),
        )
        .await;
    assert_eq!(codes(&p), Vec::<String>::new());
    let body = clerk.q("mutation { taxCodeCreate(input: {code: \"T\", name: \"T\", rate: \"1\"}) { userErrors { code } } }", json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = admin.q("mutation { companyCreate(input: {code: \"B\", name: \"B\", baseCurrency: \"EUR\"}) { userErrors { code } } }", json!({})).await;
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "a token of one company cannot create companies"
    );
}

#[tokio::test]
async fn company_is_chosen_by_header_or_the_tokens_only_company() {
    let app = TestApp::start().await;
    let a = app.company("A").await;
    app.company("B").await;
    let d = a
        .ok(
            "{ company { code } viewer { companies { code } company { code } roles } }",
            json!({}),
        )
        .await;
    assert_eq!(d["company"]["code"], "A");
    assert_eq!(d["viewer"]["roles"], json!(["ADMIN"]));

    let root = app.root();
    // No company chosen for a token of several: 403, as for a company the token may not use.
    let (status, body) = root.post("{ company { code } }", json!({})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "COMPANY_NOT_ALLOWED");
    let d = root
        .in_company("B")
        .ok("{ company { code } }", json!({}))
        .await;
    assert_eq!(d["company"]["code"], "B");

    let (s, body) = a
        .in_company("B")
        .post("{ company { code } }", json!({}))
        .await;
    assert_eq!(s, 403);
    assert_eq!(error_code(&body), "COMPANY_NOT_ALLOWED");
    let (s, body) = a
        .in_company("NOPE")
        .post("{ company { code } }", json!({}))
        .await;
    assert_eq!(
        s, 403,
        "an unknown company reads like a forbidden one: {body}"
    );
}

/// Seeds one of every kind of record in a company; returns their IDs by kind.
async fn seed(c: &mercator_tests::Client<'_>) -> Vec<(&'static str, String)> {
    let usd = c.currency_id("USD").await;
    let unit = c.unit("PCS", 0).await;
    let wh = c.warehouse("MAIN").await;
    let item = c.item("I1", "10", &unit).await;
    let tax = c
        .mutate(
            "taxCodeCreate",
            "TaxCodeCreateInput",
            "taxCode { id }",
            json!({"code": "STD", "name": "Std", "rate": "10"}),
        )
        .await["taxCode"]["id"]
        .clone();
    let terms = c
        .mutate(
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            "paymentTerms { id }",
            json!({"code": "N30", "description": "Net 30", "netDays": 30}),
        )
        .await["paymentTerms"]["id"]
        .clone();
    let cust = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { id addresses { id } }",
            json!({"name": "Cust", "currencyId": usd, "addresses": [{"code": "MAIN", "purposes": ["INVOICE"], "street": "1 Road", "city": "Town", "countryCode": "US"}]}),
        )
        .await;
    let vendor = c
        .mutate(
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id }",
            json!({"name": "Vend", "currencyId": usd}),
        )
        .await["vendor"]["id"]
        .clone();
    let contact = c
        .mutate(
            "contactPersonCreate",
            "ContactPersonCreateInput",
            "contactPerson { id }",
            json!({"ownerId": cust["customer"]["id"], "name": "Pat"}),
        )
        .await["contactPerson"]["id"]
        .clone();
    let entry = c
        .mutate(
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            json!({"itemId": item, "warehouseId": wh, "quantity": "5"}),
        )
        .await["entry"]["id"]
        .clone();
    let seqs =
        c.ok("{ numberSequences { id } }", json!({})).await["numberSequences"][0]["id"].clone();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    vec![
        ("Currency", usd),
        ("UnitOfMeasure", unit),
        ("Warehouse", wh),
        ("Item", item),
        ("TaxCode", s(&tax)),
        ("PaymentTerms", s(&terms)),
        ("Customer", s(&cust["customer"]["id"])),
        ("Address", s(&cust["customer"]["addresses"][0]["id"])),
        ("Vendor", s(&vendor)),
        ("ContactPerson", s(&contact)),
        ("ItemLedgerEntry", s(&entry)),
        ("NumberSequence", s(&seqs)),
    ]
}

#[tokio::test]
async fn a_token_of_company_a_cannot_read_or_change_anything_of_company_b() {
    let app = TestApp::start().await;
    let a = app.company("A").await;
    let b = app.company("B").await;
    let b_ids = seed(&b).await;
    seed(&a).await;

    // Every list of A shows only A's rows (each seed makes exactly one of each).
    let d = a
        .ok(
            "{ currencies { totalCount } taxCodes { totalCount } paymentTerms { totalCount } unitsOfMeasure { totalCount }
               warehouses { totalCount } customers { totalCount } vendors { totalCount } items { totalCount }
               itemLedgerEntries { totalCount } numberSequences { id } }",
            json!({}),
        )
        .await;
    for list in [
        "currencies",
        "taxCodes",
        "paymentTerms",
        "unitsOfMeasure",
        "warehouses",
        "customers",
        "vendors",
        "items",
        "itemLedgerEntries",
    ] {
        assert_eq!(d[list]["totalCount"], 1, "{list}: {d}");
    }
    use sea_orm::Iterable;
    assert_eq!(
        d["numberSequences"].as_array().unwrap().len(),
        mercator_core::numbering::SequenceKind::iter().count(),
        "one sequence per kind"
    );

    // node/nodes: B's IDs read as null for A.
    let ids: Vec<&str> = b_ids.iter().map(|(_, id)| id.as_str()).collect();
    for id in &ids {
        let d = a
            .ok(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(d["node"], Value::Null, "{id}");
    }
    let d = a
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({"ids": ids}),
        )
        .await;
    assert!(
        d["nodes"].as_array().unwrap().iter().all(Value::is_null),
        "{d}"
    );

    // Filters by B's IDs find nothing.
    let id = |k: &str| {
        b_ids
            .iter()
            .find(|(kind, _)| *kind == k)
            .map(|(_, i)| i.clone())
            .unwrap()
    };
    let d = a
        .ok(
            "query($c: ID, $i: ID, $w: ID) { customers(filter: {currencyId: $c}) { totalCount } itemLedgerEntries(filter: {itemId: $i, warehouseId: $w}) { totalCount } }",
            json!({"c": id("Currency"), "i": id("Item"), "w": id("Warehouse")}),
        )
        .await;
    assert_eq!(d["customers"]["totalCount"], 0);
    assert_eq!(d["itemLedgerEntries"]["totalCount"], 0);

    // Every mutation that takes an ID refuses B's with NOT_FOUND and changes nothing.
    let cases: Vec<(&str, &str, &str, Value)> = vec![
        (
            "currencyUpdate",
            "CurrencyUpdateInput",
            "currency { id }",
            json!({"id": id("Currency"), "name": "Hacked"}),
        ),
        (
            "taxCodeUpdate",
            "TaxCodeUpdateInput",
            "taxCode { id }",
            json!({"id": id("TaxCode"), "rate": "99"}),
        ),
        (
            "paymentTermsUpdate",
            "PaymentTermsUpdateInput",
            "paymentTerms { id }",
            json!({"id": id("PaymentTerms"), "netDays": 1}),
        ),
        (
            "unitOfMeasureUpdate",
            "UnitOfMeasureUpdateInput",
            "unitOfMeasure { id }",
            json!({"id": id("UnitOfMeasure"), "name": "Hacked"}),
        ),
        (
            "warehouseUpdate",
            "WarehouseUpdateInput",
            "warehouse { id }",
            json!({"id": id("Warehouse"), "name": "Hacked"}),
        ),
        (
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { id }",
            json!({"id": id("Customer"), "name": "Hacked"}),
        ),
        (
            "vendorUpdate",
            "VendorUpdateInput",
            "vendor { id }",
            json!({"id": id("Vendor"), "name": "Hacked"}),
        ),
        (
            "itemUpdate",
            "ItemUpdateInput",
            "item { id }",
            json!({"id": id("Item"), "name": "Hacked"}),
        ),
        (
            "contactPersonUpdate",
            "ContactPersonUpdateInput",
            "contactPerson { id }",
            json!({"id": id("ContactPerson"), "name": "Hacked"}),
        ),
        (
            "addressUpdate",
            "AddressUpdateInput",
            "address { id }",
            json!({"id": id("Address"), "purposes": ["DELIVERY"], "street": "X", "city": "Y", "countryCode": "US"}),
        ),
        (
            "addressDelete",
            "AddressDeleteInput",
            "address { id }",
            json!({"id": id("Address")}),
        ),
        (
            "addressCreate",
            "AddressCreateInput",
            "address { id }",
            json!({"ownerId": id("Customer"), "address": {"code": "X", "purposes": ["DELIVERY"], "street": "X", "city": "Y", "countryCode": "US"}}),
        ),
        (
            "contactPersonCreate",
            "ContactPersonCreateInput",
            "contactPerson { id }",
            json!({"ownerId": id("Vendor"), "name": "Spy"}),
        ),
        (
            "inventoryAdjust",
            "InventoryAdjustInput",
            "entry { id }",
            json!({"itemId": id("Item"), "warehouseId": id("Warehouse"), "quantity": "-5"}),
        ),
        (
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            "numberSequence { id }",
            json!({"id": id("NumberSequence"), "nextValue": 999999}),
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            "customer { id }",
            json!({"name": "X", "currencyId": id("Currency")}),
        ),
        (
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id }",
            json!({"name": "X", "currencyId": id("Currency")}),
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"name": "X", "baseUnitId": id("UnitOfMeasure"), "baseSalesPrice": "1"}),
        ),
    ];
    for (name, ty, sel, input) in cases {
        let p = a.mutate(name, ty, sel, input).await;
        let got = codes(&p);
        assert!(
            !got.is_empty() && got.iter().all(|c| c == "NOT_FOUND"),
            "{name}: {p}"
        );
    }
    for kind in [
        "Currency",
        "TaxCode",
        "PaymentTerms",
        "UnitOfMeasure",
        "Warehouse",
        "Customer",
        "Vendor",
        "ContactPerson",
        "Item",
    ] {
        for m in ["archive", "unarchive"] {
            let p = a
                .mutate(m, "ArchiveInput", "node { id }", json!({"id": id(kind)}))
                .await;
            assert_eq!(codes(&p), ["NOT_FOUND"], "{m} {kind}: {p}");
        }
    }
    let p = a
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { code }",
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(
        p["company"]["code"], "A",
        "companyUpdate acts on the token's own company only"
    );

    // B is untouched.
    let d = b
        .ok(
            "{ customers { nodes { name addresses { street } contacts { name } } } vendors { nodes { name contacts { name } } }
               items { nodes { name onHand } } taxCodes { nodes { rate } } company { name } numberSequences { nextValue } }",
            json!({}),
        )
        .await;
    assert_eq!(d["customers"]["nodes"][0]["name"], "Cust");
    assert_eq!(
        d["customers"]["nodes"][0]["addresses"][0]["street"],
        "1 Road"
    );
    assert_eq!(d["vendors"]["nodes"][0]["contacts"], json!([]));
    assert_eq!(d["items"]["nodes"][0]["onHand"], "5");
    assert_eq!(d["taxCodes"]["nodes"][0]["rate"], "10");
    assert_eq!(d["company"]["name"], "B Corp");
    assert_ne!(d["numberSequences"][0]["nextValue"], "999999");
}
