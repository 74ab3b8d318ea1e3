//! Master data: create / read / update / archive, and every refusal leaving nothing written.

use mercator_tests::{TestApp, codes, error_code};
use serde_json::{Value, json};

const CUSTOMER: &str = "customer { id accountNumber name email kind blocked creditLimit { amount currency } paymentTerms { code } currency { code }
    invoiceAccount { accountNumber } addresses { code purposes street city countryCode } contacts { name title } archived }";

#[tokio::test]
async fn customer_lifecycle() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let terms = c.mutate("paymentTermsCreate", "PaymentTermsCreateInput", "paymentTerms { id code netDays cashDiscountPercent }", json!({"code": "NET30", "description": "Net 30", "netDays": 30, "cashDiscountPercent": "2", "cashDiscountDays": 10})).await;
    assert_eq!(terms["paymentTerms"]["cashDiscountPercent"], "2");
    let terms_id = terms["paymentTerms"]["id"].clone();

    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            CUSTOMER,
            json!({"name": "  Fabrikam  ", "email": "buy@fabrikam.example", "currencyId": usd, "paymentTermsId": terms_id, "creditLimit": "1000.50",
                   "addresses": [{"code": "MAIN", "purposes": ["INVOICE", "BUSINESS"], "street": "1 Main St", "city": "Seattle", "countryCode": "US"},
                                 {"code": "DOCK", "purposes": ["DELIVERY"], "street": "2 Dock Rd", "city": "Seattle", "countryCode": "US"}]}),
        )
        .await;
    assert_eq!(codes(&p), Vec::<String>::new(), "{p}");
    let cust = &p["customer"];
    assert_eq!(
        cust["accountNumber"], "C-1000",
        "first number of the default sequence"
    );
    assert_eq!(cust["name"], "Fabrikam", "surrounding blanks are trimmed");
    assert_eq!(cust["kind"], "ORGANIZATION");
    assert_eq!(cust["blocked"], "NO");
    assert_eq!(
        cust["creditLimit"],
        json!({"amount": "1000.50", "currency": "USD"})
    );
    assert_eq!(cust["paymentTerms"]["code"], "NET30");
    assert_eq!(cust["addresses"].as_array().unwrap().len(), 2);
    let id = cust["id"].as_str().unwrap().to_owned();

    let second = c.customer("Contoso", &usd).await;
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            CUSTOMER,
            json!({"id": id, "name": "Fabrikam Inc.", "email": null, "paymentTermsId": null, "blocked": "INVOICE", "invoiceAccountId": second}),
        )
        .await;
    assert_eq!(codes(&p), Vec::<String>::new(), "{p}");
    assert_eq!(p["customer"]["name"], "Fabrikam Inc.");
    assert_eq!(p["customer"]["email"], Value::Null);
    assert_eq!(p["customer"]["paymentTerms"], Value::Null);
    assert_eq!(p["customer"]["blocked"], "INVOICE");
    assert_eq!(p["customer"]["invoiceAccount"]["accountNumber"], "C-1001");
    assert_eq!(
        p["customer"]["creditLimit"]["amount"], "1000.50",
        "fields left out stay"
    );

    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            CUSTOMER,
            json!({"id": id, "invoiceAccountId": id}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"]);

    let p = c
        .mutate(
            "contactPersonCreate",
            "ContactPersonCreateInput",
            "contactPerson { id name title }",
            json!({"ownerId": id, "name": "Anna Meyer", "title": "Buyer"}),
        )
        .await;
    assert_eq!(p["contactPerson"]["title"], "Buyer");
    let contact = p["contactPerson"]["id"].clone();
    let p = c
        .mutate(
            "contactPersonUpdate",
            "ContactPersonUpdateInput",
            "contactPerson { name email title }",
            json!({"id": contact, "email": "anna@fabrikam.example", "title": null}),
        )
        .await;
    assert_eq!(
        p["contactPerson"],
        json!({"name": "Anna Meyer", "email": "anna@fabrikam.example", "title": null})
    );

    let p = c.mutate("addressCreate", "AddressCreateInput", "address { id code }", json!({"ownerId": id, "address": {"code": "MAIN", "purposes": ["DELIVERY"], "street": "x", "city": "y", "countryCode": "US"}})).await;
    assert_eq!(codes(&p), ["DUPLICATE"]);
    let p = c.mutate("addressCreate", "AddressCreateInput", "address { id code }", json!({"ownerId": id, "address": {"code": "WH2", "purposes": ["DELIVERY"], "street": "3 Way", "city": "Tacoma", "countryCode": "US"}})).await;
    let addr = p["address"]["id"].clone();
    let p = c.mutate("addressUpdate", "AddressUpdateInput", "address { code city purposes }", json!({"id": addr, "purposes": ["DELIVERY", "INVOICE"], "street": "3 Way", "city": "Olympia", "countryCode": "US"})).await;
    assert_eq!(
        p["address"],
        json!({"code": "WH2", "city": "Olympia", "purposes": ["INVOICE", "DELIVERY"]})
    );
    let p = c
        .mutate(
            "addressDelete",
            "AddressDeleteInput",
            "address { code }",
            json!({"id": addr}),
        )
        .await;
    assert_eq!(p["address"]["code"], "WH2");

    let p = c
        .mutate(
            "archive",
            "ArchiveInput",
            "node { ... on Customer { archived } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(p["node"]["archived"], true);
    let d = c.ok("{ active: customers { totalCount } archived: customers(filter: {archived: ARCHIVED}) { totalCount } all: customers(filter: {archived: ALL}) { totalCount } }", json!({})).await;
    assert_eq!(
        (
            d["active"]["totalCount"].clone(),
            d["archived"]["totalCount"].clone(),
            d["all"]["totalCount"].clone()
        ),
        (json!(1), json!(1), json!(2))
    );
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Customer { name contacts { name } } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        d["node"]["name"], "Fabrikam Inc.",
        "archived records stay readable"
    );
    let p = c
        .mutate(
            "unarchive",
            "ArchiveInput",
            "node { ... on Customer { archived } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(p["node"]["archived"], false);
}

/// The number of rows of every master-data list, to prove a refusal wrote nothing.
async fn counts(c: &mercator_tests::Client<'_>) -> Value {
    c.ok(
        "{ currencies(filter: {archived: ALL}) { totalCount } taxCodes(filter: {archived: ALL}) { totalCount } paymentTerms(filter: {archived: ALL}) { totalCount }
           unitsOfMeasure(filter: {archived: ALL}) { totalCount } warehouses(filter: {archived: ALL}) { totalCount } customers(filter: {archived: ALL}) { totalCount nodes { addresses { id } contacts { id } } }
           vendors(filter: {archived: ALL}) { totalCount } items(filter: {archived: ALL}) { totalCount } itemLedgerEntries { totalCount } numberSequences { nextValue } }",
        json!({}),
    )
    .await
}

#[tokio::test]
async fn bad_input_is_refused_with_a_code_and_writes_nothing() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let pcs = c.unit("PCS", 0).await;
    let item = c.item("A", "25", &pcs).await;
    let archived_unit = c.unit("OLD", 0).await;
    c.mutate(
        "archive",
        "ArchiveInput",
        "node { id }",
        json!({"id": archived_unit}),
    )
    .await;
    c.mutate(
        "customerCreate",
        "CustomerCreateInput",
        "customer { id }",
        json!({"accountNumber": "C-1", "name": "Taken", "currencyId": usd}),
    )
    .await;
    let long = "x".repeat(201);
    let before = counts(&c).await;

    let cases: Vec<(&str, &str, Value, Vec<&str>, &str)> = vec![
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"name": "N", "baseUnitId": pcs, "baseSalesPrice": "-1"}),
            vec!["NEGATIVE"],
            "baseSalesPrice",
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"name": "N", "baseUnitId": pcs, "baseSalesPrice": "abc"}),
            vec!["INVALID_FORMAT"],
            "baseSalesPrice",
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"name": "N", "baseUnitId": pcs, "baseSalesPrice": 1.5}),
            vec!["INVALID_FORMAT"],
            "baseSalesPrice",
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"name": "N", "baseUnitId": pcs, "baseSalesPrice": "0.0000001"}),
            vec!["PRECISION_EXCEEDED"],
            "baseSalesPrice",
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"name": "N", "baseUnitId": archived_unit, "baseSalesPrice": "1"}),
            vec!["ARCHIVED"],
            "baseUnitId",
        ),
        (
            "itemCreate",
            "ItemCreateInput",
            json!({"number": "A", "name": "N", "baseUnitId": pcs, "baseSalesPrice": "1"}),
            vec!["DUPLICATE"],
            "number",
        ),
        (
            "itemUpdate",
            "ItemUpdateInput",
            json!({"id": item, "unitCost": "-0.01"}),
            vec!["NEGATIVE"],
            "unitCost",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "", "currencyId": usd}),
            vec!["REQUIRED"],
            "name",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "   ", "currencyId": usd}),
            vec!["REQUIRED"],
            "name",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": long, "currencyId": usd}),
            vec!["TOO_LONG"],
            "name",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"accountNumber": "C-1", "name": "Dup", "currencyId": usd}),
            vec!["DUPLICATE"],
            "accountNumber",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": "bm9wZQ"}),
            vec!["INVALID_ID"],
            "currencyId",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": "!!"}),
            vec!["INVALID_ID"],
            "currencyId",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": item}),
            vec!["INVALID_ID"],
            "currencyId",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": "Q3VycmVuY3k6OTk5"}),
            vec!["NOT_FOUND"],
            "currencyId",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": usd, "creditLimit": "-5"}),
            vec!["NEGATIVE"],
            "creditLimit",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": usd, "creditLimit": "10.001"}),
            vec!["PRECISION_EXCEEDED"],
            "creditLimit",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": usd, "email": "not-an-email"}),
            vec!["INVALID_FORMAT"],
            "email",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "N", "currencyId": usd, "addresses": [{"code": "M", "purposes": [], "street": "s", "city": "c", "countryCode": "usa"}]}),
            vec!["REQUIRED", "INVALID_FORMAT"],
            "addresses",
        ),
        (
            "customerCreate",
            "CustomerCreateInput",
            json!({"name": "", "currencyId": usd, "creditLimit": "-1", "accountNumber": "has space"}),
            vec!["INVALID_FORMAT", "REQUIRED", "NEGATIVE"],
            "accountNumber",
        ),
        (
            "currencyCreate",
            "CurrencyCreateInput",
            json!({"code": "usd", "name": "x"}),
            vec!["INVALID_FORMAT"],
            "code",
        ),
        (
            "currencyCreate",
            "CurrencyCreateInput",
            json!({"code": "USD", "name": "x"}),
            vec!["DUPLICATE"],
            "code",
        ),
        (
            "currencyCreate",
            "CurrencyCreateInput",
            json!({"code": "XTS", "name": "x", "amountPrecision": "0"}),
            vec!["OUT_OF_RANGE"],
            "amountPrecision",
        ),
        (
            "taxCodeCreate",
            "TaxCodeCreateInput",
            json!({"code": "T", "name": "T", "rate": "101"}),
            vec!["OUT_OF_RANGE"],
            "rate",
        ),
        (
            "taxCodeCreate",
            "TaxCodeCreateInput",
            json!({"code": "T", "name": "T", "rate": "-1"}),
            vec!["NEGATIVE"],
            "rate",
        ),
        (
            "taxCodeUpdate",
            "TaxCodeUpdateInput",
            json!({"id": "VGF4Q29kZTo5OTk", "rate": "5"}),
            vec!["NOT_FOUND"],
            "id",
        ),
        (
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            json!({"code": "P", "description": "d", "netDays": 10, "cashDiscountDays": 20}),
            vec!["INVALID_VALUE"],
            "cashDiscountDays",
        ),
        (
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            json!({"code": "P", "description": "d", "netDays": -1}),
            vec!["OUT_OF_RANGE"],
            "netDays",
        ),
        (
            "unitOfMeasureCreate",
            "UnitOfMeasureCreateInput",
            json!({"code": "U", "name": "u", "decimals": 7}),
            vec!["OUT_OF_RANGE"],
            "decimals",
        ),
        (
            "warehouseCreate",
            "WarehouseCreateInput",
            json!({"code": "", "name": ""}),
            vec!["REQUIRED", "REQUIRED"],
            "code",
        ),
        (
            "vendorCreate",
            "VendorCreateInput",
            json!({"name": "V", "currencyId": pcs}),
            vec!["INVALID_ID"],
            "currencyId",
        ),
        (
            "contactPersonCreate",
            "ContactPersonCreateInput",
            json!({"ownerId": item, "name": "X"}),
            vec!["INVALID_ID"],
            "ownerId",
        ),
        (
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            json!({"id": "TnVtYmVyU2VxdWVuY2U6MQ", "nextValue": 1}),
            vec!["INVALID_VALUE"],
            "nextValue",
        ),
        (
            "archive",
            "ArchiveInput",
            json!({"id": usd}),
            vec!["INVALID_VALUE"],
            "id",
        ),
    ];
    for (name, ty, input, want, field) in cases {
        let sel = match name {
            "archive" => "node { id }".to_owned(),
            _ => {
                let obj = name.trim_end_matches("Create").trim_end_matches("Update");
                format!("{obj} {{ __typename }}")
            }
        };
        let p = c.mutate(name, ty, &sel, input.clone()).await;
        let mut got = codes(&p);
        let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name} {input}: {p}");
        let fields: Vec<String> = p["userErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].to_string())
            .collect();
        assert!(
            fields.iter().any(|f| f.contains(field)),
            "{name}: field {field} not named in {fields:?}"
        );
        let object = p
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| *k != "userErrors")
            .map(|(_, v)| v.clone());
        assert_eq!(object, Some(Value::Null), "{name}: no object on failure");
    }
    assert_eq!(
        counts(&c).await,
        before,
        "nothing was written by any refused mutation"
    );

    // A page size over 100 is refused before anything runs.
    let body = c
        .q("{ customers(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "OUT_OF_RANGE");
    let body = c.q("{ items(last: -1) { totalCount } }", json!({})).await;
    assert_eq!(error_code(&body), "OUT_OF_RANGE");
    let body = c
        .q("{ items(after: \"garbage\") { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "INVALID_CURSOR");
    let body = c.q("{ node(id: \"garbage\") { id } }", json!({})).await;
    assert_eq!(error_code(&body), "INVALID_ID");
}

#[tokio::test]
async fn setup_records_and_archived_references() {
    let app = TestApp::start().await;
    let c = app.company_with("ACME", "CHF").await;
    let d = c.ok("{ company { baseCurrencyCode } currencies { nodes { code amountPrecision unitPricePrecision invoiceRoundingPrecision invoiceRoundingMode } } }", json!({})).await;
    assert_eq!(
        d["currencies"]["nodes"][0],
        json!({"code": "CHF", "amountPrecision": "0.01", "unitPricePrecision": "0.00001", "invoiceRoundingPrecision": "0.05", "invoiceRoundingMode": "NEAREST"})
    );
    let jpy = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id code amountPrecision }",
            json!({"code": "JPY", "name": "Yen"}),
        )
        .await;
    assert_eq!(jpy["currency"]["amountPrecision"], "1");
    let jpy_id = jpy["currency"]["id"].clone();
    let p = c
        .mutate(
            "currencyUpdate",
            "CurrencyUpdateInput",
            "currency { invoiceRoundingMode invoiceRoundingPrecision }",
            json!({"id": jpy_id, "invoiceRoundingMode": "DOWN", "invoiceRoundingPrecision": "10"}),
        )
        .await;
    assert_eq!(
        p["currency"],
        json!({"invoiceRoundingMode": "DOWN", "invoiceRoundingPrecision": "10"})
    );
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { id }",
            json!({"name": "Y", "currencyId": jpy_id, "creditLimit": "1000.5"}),
        )
        .await;
    assert_eq!(codes(&p), ["PRECISION_EXCEEDED"], "JPY amounts are whole");

    c.mutate(
        "archive",
        "ArchiveInput",
        "node { id }",
        json!({"id": jpy_id}),
    )
    .await;
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { id }",
            json!({"name": "Y", "currencyId": jpy_id}),
        )
        .await;
    assert_eq!(codes(&p), ["ARCHIVED"]);
    let p = c
        .mutate(
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id }",
            json!({"name": "Y", "currencyId": jpy_id}),
        )
        .await;
    assert_eq!(codes(&p), ["ARCHIVED"]);
    let d = c.ok("{ currencies { nodes { code } } }", json!({})).await;
    assert_eq!(d["currencies"]["nodes"], json!([{"code": "CHF"}]));

    let p = c
        .mutate(
            "taxCodeCreate",
            "TaxCodeCreateInput",
            "taxCode { id code rate }",
            json!({"code": "RED", "name": "Reduced", "rate": "2.6"}),
        )
        .await;
    assert_eq!(p["taxCode"]["rate"], "2.6");
    let p = c
        .mutate(
            "taxCodeUpdate",
            "TaxCodeUpdateInput",
            "taxCode { rate name }",
            json!({"id": p["taxCode"]["id"], "rate": "8.1"}),
        )
        .await;
    assert_eq!(p["taxCode"], json!({"rate": "8.1", "name": "Reduced"}));

    let body = app.root().q("mutation { companyCreate(input: {code: \"ACME\", name: \"x\", baseCurrency: \"USD\"}) { userErrors { code field } } }", json!({})).await;
    assert_eq!(
        body["data"]["companyCreate"]["userErrors"],
        json!([{"code": "DUPLICATE", "field": ["input", "code"]}])
    );
    let body = app.root().q("mutation { companyCreate(input: {code: \"NEW\", name: \"x\", baseCurrency: \"US\"}) { userErrors { code } } }", json!({})).await;
    assert_eq!(
        body["data"]["companyCreate"]["userErrors"],
        json!([{"code": "INVALID_FORMAT"}])
    );
}

#[tokio::test]
async fn vendors_and_items() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let p = c
        .mutate(
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id accountNumber name currency { code } }",
            json!({"name": "Litware", "currencyId": usd}),
        )
        .await;
    assert_eq!(p["vendor"]["accountNumber"], "V-1000");
    let vid = p["vendor"]["id"].clone();
    c.mutate(
        "contactPersonCreate",
        "ContactPersonCreateInput",
        "contactPerson { id }",
        json!({"ownerId": vid, "name": "Sam"}),
    )
    .await;
    c.mutate("addressCreate", "AddressCreateInput", "address { id }", json!({"ownerId": vid, "address": {"code": "HQ", "purposes": ["BUSINESS"], "street": "1", "city": "Oslo", "countryCode": "NO"}})).await;
    let p = c
        .mutate(
            "vendorUpdate",
            "VendorUpdateInput",
            "vendor { name phone contacts { name } addresses { city } }",
            json!({"id": vid, "name": "Litware Inc.", "phone": "+47 1"}),
        )
        .await;
    assert_eq!(
        p["vendor"],
        json!({"name": "Litware Inc.", "phone": "+47 1", "contacts": [{"name": "Sam"}], "addresses": [{"city": "Oslo"}]})
    );

    let hour = c.unit("HOUR", 2).await;
    let p = c.mutate("itemCreate", "ItemCreateInput", "item { id number kind baseUnit { code } baseSalesPrice unitCost onHand inventory { onHand } }", json!({"name": "Install", "kind": "SERVICE", "baseUnitId": hour, "baseSalesPrice": "100.00", "unitCost": "60"})).await;
    assert_eq!(p["item"]["number"], "I-00001");
    assert_eq!(p["item"]["kind"], "SERVICE");
    assert_eq!(p["item"]["baseSalesPrice"], "100");
    assert_eq!(p["item"]["onHand"], "0");
    let id = p["item"]["id"].clone();
    // An item tax group must have a tax setup where it is set (else its lines would fail).
    let p = c
        .mutate(
            "itemUpdate",
            "ItemUpdateInput",
            "item { taxGroup }",
            json!({"id": id, "taxGroup": "STD"}),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["NOT_FOUND"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "taxGroup"]),
        "{p}"
    );
    let p = c
        .mutate(
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"name": "X", "baseUnitId": hour, "baseSalesPrice": "1", "taxGroup": "NOPE"}),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["NOT_FOUND"], "{p}");
    let t = c
        .mutate(
            "taxCodeCreate",
            "TaxCodeCreateInput",
            "taxCode { id }",
            json!({"code": "VAT", "name": "VAT", "rate": "10"}),
        )
        .await;
    let p = c.mutate("taxSetupSet", "TaxSetupSetInput", "taxSetup { itemTaxGroup }", json!({"customerTaxGroup": "DOMESTIC", "itemTaxGroup": "STD", "taxCodeId": t["taxCode"]["id"]})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c.mutate("itemUpdate", "ItemUpdateInput", "item { name baseSalesPrice itemGroup taxGroup }", json!({"id": id, "baseSalesPrice": "99.99", "itemGroup": "SERVICES", "taxGroup": "STD"})).await;
    assert_eq!(
        p["item"],
        json!({"name": "Install", "baseSalesPrice": "99.99", "itemGroup": "SERVICES", "taxGroup": "STD"})
    );
    let p = c
        .mutate(
            "itemUpdate",
            "ItemUpdateInput",
            "item { itemGroup taxGroup }",
            json!({"id": id, "itemGroup": null}),
        )
        .await;
    assert_eq!(p["item"], json!({"itemGroup": null, "taxGroup": "STD"}));
}

#[tokio::test]
async fn vendor_contact_data_is_validated_like_customers() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let p = c
        .mutate(
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id }",
            json!({"name": "V", "currencyId": usd, "email": "no-at-sign"}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_FORMAT"]);
    let p = c
        .mutate(
            "vendorCreate",
            "VendorCreateInput",
            "vendor { id email }",
            json!({"name": "V", "currencyId": usd, "email": "sales@v.example"}),
        )
        .await;
    let id = p["vendor"]["id"].clone();
    let p = c
        .mutate(
            "vendorUpdate",
            "VendorUpdateInput",
            "vendor { email }",
            json!({"id": id, "email": "bad email"}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_FORMAT"]);
    let p = c
        .mutate(
            "vendorUpdate",
            "VendorUpdateInput",
            "vendor { name email }",
            json!({"id": id, "name": "", "email": null}),
        )
        .await;
    assert_eq!(
        codes(&p),
        ["REQUIRED"],
        "a blank name is refused and nothing changes"
    );
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Vendor { name email } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(d["node"], json!({"name": "V", "email": "sales@v.example"}));
}
