//! Trade agreements and price resolution through GraphQL: scenario S10 under both pricing
//! rules, every quantity row, with DOMAIN.md's exact figures; refusals of malformed lines;
//! archived lines stop applying.

use mercator_tests::{Client, TestApp, codes};
use serde_json::{Value, json};

async fn agreement(c: &Client<'_>, input: Value) -> Value {
    let p = c
        .mutate(
            "tradeAgreementCreate",
            "TradeAgreementCreateInput",
            "tradeAgreement { id }",
            input,
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["tradeAgreement"]["id"].clone()
}

const SIM: &str = "query($c: ID!, $i: ID!, $q: Decimal!) { priceSimulation(customerId: $c, itemId: $i, quantity: $q, date: \"2026-11-22\") {
    rule unitPrice { amount currency } priceSource priceAgreement { id } lineDiscountPercent discountAgreements { id } lineAmount { amount } } }";

/// S10: ITEM-A base 25.00; prices (a) all customers ≥ 1: 25.00, (b) RETAIL ≥ 50: 23.00 Find
/// next off, (c) C-1000 ≥ 100: 21.00 Find next on; line discounts C-1000 5 % (Find next on),
/// RETAIL 3 % (off). D365: 10 → 230.00, 60 → 1,269.60, 120 → 2,318.40. BC best price at 120:
/// 21.00 less 5 % → 2,394.00.
#[tokio::test]
async fn s10_price_and_discount_resolution() {
    let app = TestApp::start().await;
    let c = app.company("S10").await;
    let usd = c.currency_id("USD").await;
    let pcs = c.unit("PCS", 0).await;
    let item = c.item("ITEM-A", "25.00", &pcs).await;
    let cust = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { id priceGroup lineDiscountGroup }",
            json!({"accountNumber": "C-1000", "name": "Contoso Retail", "currencyId": usd, "priceGroup": "RETAIL", "lineDiscountGroup": "RETAIL"}),
        )
        .await["customer"]["id"]
        .clone();
    let line = |relation: &str, account: Value, extra: Value| {
        let mut i =
            json!({"relation": relation, "itemScope": "ONE", "itemId": item, "currencyId": usd});
        for src in [account, extra] {
            if let (Some(o), Some(e)) = (i.as_object_mut(), src.as_object()) {
                for (k, v) in e {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        i
    };
    let a = agreement(
        &c,
        line(
            "PRICE",
            json!({"accountScope": "ALL"}),
            json!({"quantityFrom": "1", "amount": "25.00", "findNext": true}),
        ),
    )
    .await;
    let b = agreement(
        &c,
        line(
            "PRICE",
            json!({"accountScope": "GROUP", "accountGroup": "RETAIL"}),
            json!({"quantityFrom": "50", "amount": "23.00"}),
        ),
    )
    .await;
    let cc = agreement(
        &c,
        line(
            "PRICE",
            json!({"accountScope": "ONE", "customerId": cust}),
            json!({"quantityFrom": "100", "amount": "21.00", "findNext": true}),
        ),
    )
    .await;
    let d5 = agreement(
        &c,
        line(
            "LINE_DISCOUNT",
            json!({"accountScope": "ONE", "customerId": cust}),
            json!({"percent1": "5", "findNext": true}),
        ),
    )
    .await;
    let d3 = agreement(
        &c,
        line(
            "LINE_DISCOUNT",
            json!({"accountScope": "GROUP", "accountGroup": "RETAIL"}),
            json!({"percent1": "3"}),
        ),
    )
    .await;
    for (qty, price, source, net) in [
        ("10", "25.00000", &a, "230.00"),
        ("60", "23.00000", &b, "1269.60"),
        ("120", "21.00000", &cc, "2318.40"),
    ] {
        let s = c.ok(SIM, json!({"c": cust, "i": item, "q": qty})).await["priceSimulation"].clone();
        assert_eq!(s["rule"], "TRADE_AGREEMENTS");
        assert_eq!(
            s["unitPrice"],
            json!({"amount": price, "currency": "USD"}),
            "qty {qty}"
        );
        assert_eq!(s["priceSource"], "TRADE_AGREEMENT");
        assert_eq!(&s["priceAgreement"]["id"], source, "qty {qty}");
        assert_eq!(s["lineDiscountPercent"], "8", "qty {qty}");
        assert_eq!(s["discountAgreements"], json!([{"id": d5}, {"id": d3}]));
        assert_eq!(s["lineAmount"]["amount"], net, "qty {qty}");
    }
    // BC best price
    let p = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { pricingRule }",
            json!({"pricingRule": "BEST_PRICE"}),
        )
        .await;
    assert_eq!(p["company"]["pricingRule"], "BEST_PRICE", "{p}");
    let s = c.ok(SIM, json!({"c": cust, "i": item, "q": "120"})).await["priceSimulation"].clone();
    assert_eq!(s["rule"], "BEST_PRICE");
    assert_eq!(s["unitPrice"]["amount"], "21.00000");
    assert_eq!(s["lineDiscountPercent"], "5");
    assert_eq!(s["discountAgreements"], json!([{"id": d5}]));
    assert_eq!(s["lineAmount"]["amount"], "2394.00");
    // an archived line no longer applies; without lines the base price is used
    let p = c
        .mutate("archive", "ArchiveInput", "node { id }", json!({"id": cc}))
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let s = c.ok(SIM, json!({"c": cust, "i": item, "q": "120"})).await["priceSimulation"].clone();
    assert_eq!(s["unitPrice"]["amount"], "23.00000");
    let s = c.ok(SIM, json!({"c": cust, "i": item, "q": "0.5"})).await["priceSimulation"].clone();
    assert_eq!(
        (s["priceSource"].clone(), s["unitPrice"]["amount"].clone()),
        (json!("BASE_PRICE"), json!("25.00000"))
    );
    let d = c
        .ok("{ tradeAgreements(filter: {relation: PRICE}) { totalCount } all: tradeAgreements(filter: {archived: ALL}) { totalCount } }", json!({}))
        .await;
    assert_eq!(d["tradeAgreements"]["totalCount"], 2);
    assert_eq!(d["all"]["totalCount"], 5);
}

/// Malformed lines are refused with their codes and nothing is written.
#[tokio::test]
async fn malformed_agreement_lines_are_refused() {
    let app = TestApp::start().await;
    let c = app.company("TAX").await;
    let usd = c.currency_id("USD").await;
    let cases = [
        (
            json!({"relation": "PRICE", "itemScope": "ONE", "accountScope": "ALL", "currencyId": usd, "amount": "1"}),
            vec!["REQUIRED"],
        ),
        (
            json!({"relation": "PRICE", "itemScope": "GROUP", "accountScope": "GROUP", "currencyId": usd, "amount": "1"}),
            vec!["REQUIRED", "REQUIRED"],
        ),
        (
            json!({"relation": "PRICE", "itemScope": "ALL", "accountScope": "ALL", "currencyId": usd, "amount": "1", "quantityFrom": "10", "quantityTo": "5"}),
            vec!["INVALID_VALUE"],
        ),
        (
            json!({"relation": "PRICE", "itemScope": "ALL", "accountScope": "ALL", "currencyId": usd, "amount": "1", "percent1": "5"}),
            vec!["INVALID_VALUE"],
        ),
        (
            json!({"relation": "LINE_DISCOUNT", "itemScope": "ALL", "accountScope": "ALL", "currencyId": usd, "percent1": "101"}),
            vec!["OUT_OF_RANGE"],
        ),
        (
            json!({"relation": "PRICE", "itemScope": "ALL", "accountScope": "ALL", "currencyId": usd, "amount": "-1"}),
            vec!["NEGATIVE"],
        ),
        (
            json!({"relation": "PRICE", "itemScope": "ALL", "accountScope": "ALL", "currencyId": usd, "amount": "1", "fromDate": "2026-12-01", "toDate": "2026-11-01"}),
            vec!["INVALID_VALUE"],
        ),
    ];
    for (input, want) in cases {
        let p = c
            .mutate(
                "tradeAgreementCreate",
                "TradeAgreementCreateInput",
                "tradeAgreement { id }",
                input.clone(),
            )
            .await;
        assert_eq!(codes(&p), want, "{input}: {p}");
    }
    let d = c
        .ok(
            "{ tradeAgreements(filter: {archived: ALL}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["tradeAgreements"]["totalCount"], 0);
}
