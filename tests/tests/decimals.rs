//! Decimal values round-trip exactly on both engines, and values beyond a kind's precision or
//! range are refused, never rounded.

use mercator_core::money::{Amount, Quantity, UnitPrice};
use mercator_tests::{TestApp, codes};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

#[tokio::test]
async fn amounts_prices_and_quantities_round_trip_exactly() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    // A currency with 4-decimal amounts so the amount kind's full precision is reachable.
    let xts = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "XTS", "name": "Test", "amountPrecision": "0.0001"}),
        )
        .await["currency"]["id"]
        .clone();
    for v in [
        "0.1000",
        "12345678901.2345",
        "0.0001",
        "922337203685477.5807",
        "0.0000",
    ] {
        let p = c
            .mutate(
                "customerCreate",
                "CustomerCreateInput",
                "customer { creditLimit { amount } }",
                json!({"name": "X", "currencyId": xts, "creditLimit": v}),
            )
            .await;
        assert_eq!(p["customer"]["creditLimit"]["amount"], v, "{p}");
    }
    let unit = c.unit("KG", 6).await;
    for v in ["0.000001", "1.1", "9223372036854.775807", "25"] {
        let p = c
            .mutate(
                "itemCreate",
                "ItemCreateInput",
                "item { baseSalesPrice unitCost }",
                json!({"name": "X", "baseUnitId": unit, "baseSalesPrice": v, "unitCost": v}),
            )
            .await;
        assert_eq!(p["item"]["baseSalesPrice"], v, "{p}");
        assert_eq!(p["item"]["unitCost"], v, "{p}");
    }
    // Quantities: signed, summed exactly in SQL.
    let wh = c.warehouse("MAIN").await;
    let item = c.item("Q", "1", &unit).await;
    for q in ["0.1", "0.2", "-0.005", "0.000001"] {
        let p = c
            .mutate(
                "inventoryAdjust",
                "InventoryAdjustInput",
                "entry { quantity }",
                json!({"itemId": item, "warehouseId": wh, "quantity": q}),
            )
            .await;
        assert_eq!(p["entry"]["quantity"], q, "{p}");
    }
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Item { onHand } } }",
            json!({"id": item}),
        )
        .await;
    assert_eq!(
        d["node"]["onHand"], "0.295001",
        "0.1 + 0.2 - 0.005 + 0.000001, exact"
    );

    // Beyond precision or range: refused with a code.
    for (v, code) in [
        ("0.00001", "PRECISION_EXCEEDED"),
        ("1000000000000000", "OUT_OF_RANGE"),
        ("-0.005", "NEGATIVE"),
    ] {
        let p = c
            .mutate(
                "customerCreate",
                "CustomerCreateInput",
                "customer { id }",
                json!({"name": "X", "currencyId": xts, "creditLimit": v}),
            )
            .await;
        assert_eq!(codes(&p), [code], "{v}: {p}");
    }
    for (v, code) in [
        ("0.0000001", "PRECISION_EXCEEDED"),
        ("10000000000000", "OUT_OF_RANGE"),
    ] {
        let p = c
            .mutate(
                "itemCreate",
                "ItemCreateInput",
                "item { id }",
                json!({"name": "X", "baseUnitId": unit, "baseSalesPrice": v}),
            )
            .await;
        assert_eq!(codes(&p), [code], "{v}: {p}");
        let p = c
            .mutate(
                "inventoryAdjust",
                "InventoryAdjustInput",
                "entry { id }",
                json!({"itemId": item, "warehouseId": wh, "quantity": v}),
            )
            .await;
        assert_eq!(codes(&p), [code], "{v}: {p}");
    }
}

#[tokio::test]
async fn stored_integers_sum_exactly_in_sql_on_both_engines() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::start().await;
    let backend = app.db.backend();
    app.db
        .conn
        .execute_unprepared("CREATE TABLE probe (v BIGINT NOT NULL)")
        .await
        .unwrap();
    let values = ["1234567890123.4567", "0.0001", "-0.005", "0.1", "0.2"];
    let mut exact = Decimal::ZERO;
    for v in values {
        let d = Decimal::from_str(v).unwrap();
        exact += d;
        let raw = Amount::new(d).unwrap().raw();
        app.db
            .conn
            .execute_raw(Statement::from_string(
                backend,
                format!("INSERT INTO probe (v) VALUES ({raw})"),
            ))
            .await
            .unwrap();
    }
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST(SUM(v) AS BIGINT) AS s FROM probe",
        ))
        .await
        .unwrap()
        .unwrap();
    let sum: i64 = row.try_get("", "s").unwrap();
    assert_eq!(Amount::from_raw(sum).value(), exact.normalize());
    assert_eq!(exact.to_string(), "1234567890123.7518");
    assert_eq!(
        UnitPrice::new(Decimal::from_str("0.000001").unwrap())
            .unwrap()
            .raw(),
        1
    );
    assert_eq!(
        Quantity::new(Decimal::from_str("-1.5").unwrap())
            .unwrap()
            .value()
            .to_string(),
        "-1.5"
    );
}

/// Every `Money` field of an order, its lines, a quotation, its lines and a customer prints at
/// its currency's precision: amounts at the amount precision (USD `"20.40"`, JPY `"4072"`),
/// unit prices and per-unit discounts at the unit-price precision (USD 5 places), never
/// stripped of trailing zeros (`"20.4"`, `"553"` before).
#[tokio::test]
async fn every_money_field_prints_at_its_currency_precision() {
    use crate::orders::{customer, setup};
    let app = TestApp::start().await;
    let c = app.company("MSC").await;
    let s = setup(&c).await;
    let jpy = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "JPY", "name": "Yen"}),
        )
        .await;
    assert_eq!(jpy["userErrors"], json!([]), "{jpy}");
    for (n, currency, amount_places, unit_places) in [(1, "USD", 2usize, 5usize), (2, "JPY", 0, 2)]
    {
        let cur = c.currency_id(currency).await;
        let cust = customer(&c, &format!("C-{n}"), &cur, json!({"creditLimit": "1000"})).await;
        // Money fields of each type, from the schema itself.
        let d = c
            .ok(
                "{ __schema { types { name fields { name args { name } type { name kind ofType { name } } } } } }",
                json!({}),
            )
            .await;
        let money_fields = |ty: &str| -> Vec<String> {
            d["__schema"]["types"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == ty)
                .unwrap()["fields"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| {
                    f["args"].as_array().unwrap().is_empty()
                        && (f["type"]["name"] == "Money" || f["type"]["ofType"]["name"] == "Money")
                })
                .map(|f| f["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let sel = |ty: &str| {
            money_fields(ty)
                .iter()
                .map(|f| format!("{f} {{ amount currency }}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let lines = json!([{"itemId": s.item_a, "quantity": "3"}, {"itemId": s.item_b, "quantity": "7", "discountPercent": "12.5"}]);
        let o = c
            .mutate(
                "salesOrderCreate",
                "SalesOrderCreateInput",
                &format!(
                    "salesOrder {{ {} lines {{ {} }} customer {{ {} }} }}",
                    sel("SalesOrder"),
                    sel("SalesOrderLine"),
                    sel("Customer")
                ),
                json!({"customerId": cust, "lines": lines}),
            )
            .await;
        assert_eq!(o["userErrors"], json!([]), "{o}");
        let q = c
            .mutate(
                "salesQuotationCreate",
                "SalesQuotationCreateInput",
                &format!(
                    "salesQuotation {{ {} lines {{ {} }} }}",
                    sel("SalesQuotation"),
                    sel("SalesQuotationLine")
                ),
                json!({"customerId": cust, "lines": lines}),
            )
            .await;
        assert_eq!(q["userErrors"], json!([]), "{q}");
        let mut checked = 0;
        let mut check = |ty: &str, v: &Value| {
            for f in money_fields(ty) {
                let m = &v[&f];
                if m.is_null() {
                    continue;
                }
                let amount = m["amount"].as_str().unwrap();
                let places = amount.split_once('.').map_or(0, |(_, p)| p.len());
                let want = if matches!(f.as_str(), "unitPrice" | "discountAmount") {
                    unit_places
                } else {
                    amount_places
                };
                assert_eq!(places, want, "{ty}.{f} = {amount} in {currency}");
                assert_eq!(m["currency"], currency);
                checked += 1;
            }
        };
        let order = &o["salesOrder"];
        check("SalesOrder", order);
        check("Customer", &order["customer"]);
        for l in order["lines"].as_array().unwrap() {
            check("SalesOrderLine", l);
        }
        let quotation = &q["salesQuotation"];
        check("SalesQuotation", quotation);
        for l in quotation["lines"].as_array().unwrap() {
            check("SalesQuotationLine", l);
        }
        assert!(checked >= 30, "{checked} money fields checked");
    }
}

/// The gaps a review found in money at currency scale: a unit price finer than the currency's
/// unit-price step is refused (a JPY 553.333 was saved); an approval request's amount is Money
/// at the order currency's scale; a confirmation's line snapshot and credit-check text state
/// amounts at scale and name items by number, not database id; a currency used by stored
/// amounts cannot get a coarser precision (they would be finer than their currency).
#[tokio::test]
async fn unit_price_steps_approvals_confirmations_and_precision_changes_keep_the_scale() {
    use crate::orders::{customer, setup};
    let app = TestApp::start().await;
    let c = app.company("MSG").await;
    let s = setup(&c).await;
    let jpy = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "JPY", "name": "Yen"}),
        )
        .await["currency"]["id"]
        .clone();
    let yen_customer = customer(&c, "C-JP", jpy.as_str().unwrap(), json!({})).await;
    let create = |cust: &str, price: &str| json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "1", "unitPrice": price}]});
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            create(&yen_customer, "553.333"),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["PRECISION_EXCEEDED"], "{p}");
    assert!(
        p["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("JPY go in steps of 0.01"),
        "{p}"
    );
    let usd_customer = customer(&c, "C-US", &s.usd, json!({"creditLimit": "5250"})).await;
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            create(&usd_customer, "1.000001"),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["PRECISION_EXCEEDED"], "{p}");

    // An approval request states the order's net amount as Money.
    let p = c
        .mutate(
            "approvalThresholdSet",
            "ApprovalThresholdSetInput",
            "company { id }",
            json!({"amount": "10"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            create(&usd_customer, "20.4"),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let order = p["salesOrder"]["id"].clone();
    let p = c
        .mutate(
            "approverSet",
            "ApproverSetInput",
            "approverSetup { userName }",
            json!({"userName": "test", "approverName": "boss"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderRequestApproval",
            "SalesOrderRequestApprovalInput",
            "salesOrder { approvalRequests { amount { amount currency } } }",
            json!({"id": order}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["salesOrder"]["approvalRequests"][0]["amount"],
        json!({"amount": "20.40", "currency": "USD"}),
        "{p}"
    );

    // A confirmation's snapshot and credit check, at scale.
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            json!({"customerId": usd_customer, "lines": [{"itemId": s.item_a, "quantity": "4", "unitPrice": "5.1"}]}),
        )
        .await;
    let small = p["salesOrder"]["id"].clone();
    let p = c
        .mutate(
            "salesOrderConfirm",
            "SalesOrderConfirmInput",
            "salesOrders { confirmations { creditCheck lines } }",
            json!({"ids": [small]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let conf = &p["salesOrders"][0]["confirmations"][0];
    assert!(
        conf["creditCheck"]
            .as_str()
            .unwrap()
            .ends_with("within 5250.00"),
        "{conf}"
    );
    let line = &conf["lines"][0];
    assert_eq!(line["itemNumber"], "ITEM-A", "{conf}");
    assert!(line.get("itemId").is_none(), "{conf}");
    assert_eq!(line["unitPrice"], "5.10000", "{conf}");
    assert_eq!(line["lineAmount"], "20.40", "{conf}");

    // USD is used: its amount precision cannot get coarser, only finer.
    let p = c
        .mutate(
            "currencyUpdate",
            "CurrencyUpdateInput",
            "currency { amountPrecision }",
            json!({"id": s.usd, "amountPrecision": "1", "invoiceRoundingPrecision": "1"}),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["INVALID_VALUE"], "{p}");
    let p = c
        .mutate(
            "currencyUpdate",
            "CurrencyUpdateInput",
            "currency { amountPrecision }",
            json!({"id": s.usd, "amountPrecision": "0.001"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    // An unused currency may change either way.
    let p = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "CHF", "name": "Franc"}),
        )
        .await;
    let chf = p["currency"]["id"].clone();
    let p = c
        .mutate(
            "currencyUpdate",
            "CurrencyUpdateInput",
            "currency { amountPrecision }",
            json!({"id": chf, "amountPrecision": "1", "invoiceRoundingPrecision": "1"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
}
