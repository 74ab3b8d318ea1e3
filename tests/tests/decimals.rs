//! Decimal values round-trip exactly on both engines, and values beyond a kind's precision or
//! range are refused, never rounded.

use mercator_core::money::{Amount, Quantity, UnitPrice};
use mercator_tests::{TestApp, codes};
use rust_decimal::Decimal;
use serde_json::json;
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
        "0.1",
        "12345678901.2345",
        "0.0001",
        "922337203685477.5807",
        "0",
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
