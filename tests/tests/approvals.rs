//! Release, holds and approvals through GraphQL: scenario S18 (approval of large orders with
//! an approver chain) and the hold part of S20.

use crate::orders::{customer, setup};
use mercator_core::auth::{self, NewToken, Role};
use mercator_tests::{Client, TestApp, codes};
use serde_json::{Value, json};

async fn m(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let ty = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    c.mutate(name, &ty, selection, input).await
}

async fn ok(c: &Client<'_>, name: &str, input: Value, selection: &str) -> Value {
    let p = m(c, name, input, selection).await;
    assert_eq!(p["userErrors"], json!([]), "{name}: {p}");
    p
}

async fn user<'a>(app: &'a TestApp, base: &Client<'a>, name: &str, company: &str) -> Client<'a> {
    let (_, token) = auth::create_token(
        &app.db.conn,
        NewToken {
            name: name.into(),
            roles: vec![Role::Clerk, Role::Approver],
            companies: vec![company.into()],
            all_companies: false,
            max_query_cost: None,
        },
    )
    .await
    .unwrap();
    base.with_token(&token)
}

/// S18's approval setup: a threshold of 10,000.00 and the approvers U1 → U2 (limit
/// 50,000.00) → U3 (unlimited); returns the three users' clients.
async fn s18_approvals<'a>(app: &'a TestApp, admin: &Client<'a>, company: &str) -> [Client<'a>; 3] {
    ok(
        admin,
        "approvalThresholdSet",
        json!({"amount": "10000.00"}),
        "company { approvalThreshold }",
    )
    .await;
    ok(
        admin,
        "approverSet",
        json!({"userName": "U1", "approverName": "U2"}),
        "approverSetup { userName }",
    )
    .await;
    ok(
        admin,
        "approverSet",
        json!({"userName": "U2", "approverName": "U3", "approvalLimit": "50000.00"}),
        "approverSetup { userName }",
    )
    .await;
    ok(
        admin,
        "approverSet",
        json!({"userName": "U3"}),
        "approverSetup { approvalLimit }",
    )
    .await;
    [
        user(app, admin, "U1", company).await,
        user(app, admin, "U2", company).await,
        user(app, admin, "U3", company).await,
    ]
}

const O: &str = "salesOrder { id number releaseStatus nextActions approvalRequests { id status approver sequence } }";

/// S18: approval when the net amount exceeds 10,000.00; U1 → U2 (limit 50,000.00) → U3
/// (unlimited). 8,000.00 releases directly; 12,000.00 needs a request, U2 approves → Released;
/// 60,000.00: U2 approves, the request passes to U3, who approves → Released; a reject returns
/// the order to Open.
#[tokio::test]
async fn s18_approval_of_large_orders() {
    let app = TestApp::start().await;
    let admin = app.company("S18").await;
    let s = setup(&admin).await;
    let cust = customer(&admin, "C-18", &s.usd, json!({})).await;
    let [u1, u2, u3] = s18_approvals(&app, &admin, "S18").await;
    let order = |amount: &str| json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "1", "unitPrice": amount}]});
    // 8,000.00: release directly
    let a = ok(&u1, "salesOrderCreate", order("8000.00"), O).await["salesOrder"].clone();
    assert!(
        a["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("RELEASE"))
    );
    let p = ok(&u1, "salesOrderRelease", json!({"id": a["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    // 12,000.00: release refused, request → pending; edits and release refused; U2 approves
    let b = ok(&u1, "salesOrderCreate", order("12000.00"), O).await["salesOrder"].clone();
    assert!(
        b["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("REQUEST_APPROVAL"))
    );
    let p = m(&u1, "salesOrderRelease", json!({"id": b["id"]}), O).await;
    assert_eq!(codes(&p), ["APPROVAL_REQUIRED"]);
    let p = ok(&u1, "salesOrderRequestApproval", json!({"id": b["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "PENDING_APPROVAL");
    let req = p["salesOrder"]["approvalRequests"][0].clone();
    assert_eq!(
        (req["status"].clone(), req["approver"].clone()),
        (json!("OPEN"), json!("U2"))
    );
    // An approval request is a Node.
    let d = u1
        .ok(
            "query($id: ID!) { node(id: $id) { id ... on ApprovalRequest { status approver } } }",
            json!({"id": req["id"]}),
        )
        .await;
    assert_eq!(
        d["node"],
        json!({"id": req["id"], "status": "OPEN", "approver": "U2"})
    );
    let p = m(&u1, "salesOrderRelease", json!({"id": b["id"]}), O).await;
    assert_eq!(
        codes(&p),
        ["APPROVAL_REQUIRED"],
        "pending: no release (and no shipment)"
    );
    let p = m(
        &u1,
        "salesOrderLineAdd",
        json!({"orderId": b["id"], "line": {"itemId": s.item_b, "quantity": "1"}}),
        "salesOrder { id }",
    )
    .await;
    assert_eq!(codes(&p), ["DOCUMENT_LOCKED"]);
    let p = m(&u3, "approvalRequestApprove", json!({"id": req["id"]}), O).await;
    assert_eq!(codes(&p), ["NOT_APPROVER"]);
    let waiting = u2.ok("{ approvalRequestsWaiting { id } }", json!({})).await;
    assert_eq!(
        waiting["approvalRequestsWaiting"],
        json!([{"id": req["id"]}])
    );
    let p = ok(&u2, "approvalRequestApprove", json!({"id": req["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    // 60,000.00: U2's limit is not enough → U3
    let c = ok(&u1, "salesOrderCreate", order("60000.00"), O).await["salesOrder"].clone();
    let p = ok(&u1, "salesOrderRequestApproval", json!({"id": c["id"]}), O).await;
    let r1 = p["salesOrder"]["approvalRequests"][0]["id"].clone();
    let p = ok(&u2, "approvalRequestApprove", json!({"id": r1}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "PENDING_APPROVAL");
    let d = u3
        .ok(
            "{ approvalRequestsWaiting { id approver sequence salesOrder { number } } }",
            json!({}),
        )
        .await;
    let r2 = d["approvalRequestsWaiting"][0].clone();
    assert_eq!(
        (r2["approver"].clone(), r2["sequence"].clone()),
        (json!("U3"), json!(2))
    );
    let p = ok(&u3, "approvalRequestApprove", json!({"id": r2["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    let statuses: Vec<Value> = p["salesOrder"]["approvalRequests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("APPROVED"), json!("APPROVED")]);
    // reject → Open
    let d = ok(&u1, "salesOrderCreate", order("20000.00"), O).await["salesOrder"].clone();
    let p = ok(&u1, "salesOrderRequestApproval", json!({"id": d["id"]}), O).await;
    let r = p["salesOrder"]["approvalRequests"][0]["id"].clone();
    let p = ok(
        &u2,
        "approvalRequestReject",
        json!({"id": r, "comment": "Discount too high"}),
        O,
    )
    .await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "OPEN");
    assert_eq!(p["salesOrder"]["approvalRequests"][0]["status"], "REJECTED");
    let p = m(&u2, "approvalRequestApprove", json!({"id": r}), O).await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
}

/// S20 (holds): hold CALLBACK on SO-20b → release (and so picking, shipping, invoicing)
/// refused; clear the hold → allowed. The hold stays in the history.
#[tokio::test]
async fn s20_holds() {
    let app = TestApp::start().await;
    let c = app.company("S20").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-3000", &s.usd, json!({})).await;
    ok(
        &c,
        "holdCodeCreate",
        json!({"code": "CALLBACK", "description": "Call the customer back first"}),
        "holdCode { code }",
    )
    .await;
    let o = ok(
        &c,
        "salesOrderCreate",
        json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "15"}]}),
        O,
    )
    .await["salesOrder"]
        .clone();
    let h = ok(
        &c,
        "salesOrderHoldApply",
        json!({"orderId": o["id"], "holdCode": "CALLBACK", "reason": "Credit check"}),
        "orderHold { id code status }",
    )
    .await["orderHold"]
        .clone();
    assert_eq!(
        (h["code"].clone(), h["status"].clone()),
        (json!("CALLBACK"), json!("ACTIVE"))
    );
    let p = m(
        &c,
        "salesOrderHoldApply",
        json!({"orderId": o["id"], "holdCode": "CALLBACK"}),
        "orderHold { id }",
    )
    .await;
    assert_eq!(codes(&p), ["DUPLICATE"]);
    let p = m(
        &c,
        "salesOrderHoldApply",
        json!({"orderId": o["id"], "holdCode": "NOPE"}),
        "orderHold { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { onHold nextActions } } }",
            json!({"id": o["id"]}),
        )
        .await;
    assert_eq!(d["node"]["onHold"], true);
    assert!(
        !d["node"]["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("RELEASE"))
    );
    let p = m(&c, "salesOrderRelease", json!({"id": o["id"]}), O).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"]);
    ok(
        &c,
        "salesOrderHoldClear",
        json!({"id": h["id"]}),
        "orderHold { status clearedBy }",
    )
    .await;
    let p = m(
        &c,
        "salesOrderHoldClear",
        json!({"id": h["id"]}),
        "orderHold { id }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    let p = ok(&c, "salesOrderRelease", json!({"id": o["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    let d = c
        .ok("query($id: ID!) { node(id: $id) { ... on SalesOrder { onHold holds { code status appliedBy clearedBy } } } }", json!({"id": o["id"]}))
        .await;
    assert_eq!(d["node"]["onHold"], false);
    assert_eq!(
        d["node"]["holds"],
        json!([{"code": "CALLBACK", "status": "CLEARED", "appliedBy": "test", "clearedBy": "test"}])
    );
    let p = ok(&c, "salesOrderReopen", json!({"id": o["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "OPEN");
    // A hold is a Node: Relay refetches it by its id.
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { holds { id } } } }",
            json!({"id": o["id"]}),
        )
        .await;
    let hold = d["node"]["holds"][0]["id"].clone();
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { id ... on OrderHold { code status } } }",
            json!({"id": hold}),
        )
        .await;
    assert_eq!(
        d["node"],
        json!({"id": hold, "code": "CALLBACK", "status": "CLEARED"})
    );
}

/// Confirmation (DOMAIN.md 3.5): versioned journal, re-confirmation after a change, credit
/// check (warning with a plain limit, blocking with a mandatory one), summary confirmation only
/// for one invoice account and currency.
#[tokio::test]
async fn order_confirmation_and_credit_limits() {
    let app = TestApp::start().await;
    let c = app.company("CONF").await;
    let s = setup(&c).await;
    let soft = customer(&c, "C-SOFT", &s.usd, json!({"creditLimit": "1000.00"})).await;
    let hard = customer(
        &c,
        "C-HARD",
        &s.usd,
        json!({"creditLimit": "1000.00", "mandatoryCreditLimit": true}),
    )
    .await;
    let sel = "salesOrders { id documentStatus confirmedVersion needsReconfirmation confirmations { version creditCheck creditCheckResult totalAmount { amount } } }";
    let order = |cust: &str, qty: &str| json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": qty}]});
    let a = ok(
        &c,
        "salesOrderCreate",
        order(&soft, "20"),
        "salesOrder { id lines { id } }",
    )
    .await["salesOrder"]
        .clone();
    let p = ok(&c, "salesOrderConfirm", json!({"ids": [a["id"]]}), sel).await;
    let o = &p["salesOrders"][0];
    assert_eq!(o["documentStatus"], "CONFIRMATION");
    assert_eq!(o["confirmedVersion"], 1);
    assert_eq!(
        o["confirmations"][0]["creditCheck"],
        "passed: exposure 550.00 within 1000.00"
    );
    assert_eq!(o["confirmations"][0]["creditCheckResult"], "PASSED");
    // a change needs re-confirmation; the second confirmation is version 2
    let p = ok(
        &c,
        "salesOrderLineUpdate",
        json!({"id": a["lines"][0]["id"], "quantity": "40"}),
        "salesOrder { needsReconfirmation }",
    )
    .await;
    assert_eq!(p["salesOrder"]["needsReconfirmation"], true);
    let p = ok(&c, "salesOrderConfirm", json!({"ids": [a["id"]]}), sel).await;
    let o = &p["salesOrders"][0];
    assert_eq!(o["confirmedVersion"], 2);
    assert_eq!(o["needsReconfirmation"], false);
    assert_eq!(
        o["confirmations"][1]["creditCheck"],
        "warning: exposure 1100.00 over the limit 1000.00"
    );
    assert_eq!(o["confirmations"][1]["creditCheckResult"], "WARNING");
    assert_eq!(o["confirmations"][0]["totalAmount"]["amount"], "550.00");
    // a mandatory limit blocks and cannot be skipped
    let b = ok(
        &c,
        "salesOrderCreate",
        order(&hard, "40"),
        "salesOrder { id }",
    )
    .await["salesOrder"]
        .clone();
    let p = m(
        &c,
        "salesOrderConfirm",
        json!({"ids": [b["id"]], "skipCreditCheck": true}),
        sel,
    )
    .await;
    assert_eq!(codes(&p), ["CREDIT_LIMIT_EXCEEDED"]);
    let d = c.ok("query($id: ID!) { node(id: $id) { ... on SalesOrder { confirmedVersion documentStatus } } }", json!({"id": b["id"]})).await;
    assert_eq!(
        d["node"],
        json!({"confirmedVersion": null, "documentStatus": "NONE"})
    );
    // summary confirmation: one invoice account and currency only
    let p = m(
        &c,
        "salesOrderConfirm",
        json!({"ids": [a["id"], b["id"]]}),
        sel,
    )
    .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"]);
    let a2 = ok(
        &c,
        "salesOrderCreate",
        order(&soft, "1"),
        "salesOrder { id }",
    )
    .await["salesOrder"]
        .clone();
    let p = ok(
        &c,
        "salesOrderConfirm",
        json!({"ids": [a["id"], a2["id"]], "skipCreditCheck": true}),
        sel,
    )
    .await;
    assert_eq!(p["salesOrders"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        p["salesOrders"][0]["confirmations"][2]["creditCheck"],
        "skipped"
    );
    assert_eq!(
        p["salesOrders"][0]["confirmations"][2]["creditCheckResult"],
        "SKIPPED"
    );
}

/// The threshold and approval limits are in the base currency. Without an exchange rate an
/// order in another currency cannot be compared with them, so it fails closed: it always
/// needs approval while a threshold is set, an approver with a limit passes it up, and only
/// an unlimited approver releases it. With a rate, its net amount is converted at the rate of
/// the order date and compared like any other.
#[tokio::test]
async fn an_order_in_another_currency_needs_an_unlimited_approver() {
    let app = TestApp::start().await;
    let admin = app.company("FX").await;
    let s = setup(&admin).await;
    let jpy = admin
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "JPY", "name": "Yen"}),
        )
        .await["currency"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let yen = customer(&admin, "C-JP", &jpy, json!({})).await;
    let usd = customer(&admin, "C-US", &s.usd, json!({})).await;
    let order = |c: &str, price: &str| json!({"customerId": c, "lines": [{"itemId": s.item_a, "quantity": "1", "unitPrice": price}]});
    // No threshold: nothing needs approval, in any currency.
    let a = ok(&admin, "salesOrderCreate", order(&yen, "5000"), O).await["salesOrder"].clone();
    assert!(
        a["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("RELEASE")),
        "{a}"
    );
    let p = ok(&admin, "salesOrderRelease", json!({"id": a["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    let [u1, u2, u3] = s18_approvals(&app, &admin, "FX").await;
    // 5,000.00 USD releases directly; 5,000 JPY needs approval.
    let b = ok(&u1, "salesOrderCreate", order(&usd, "5000"), O).await["salesOrder"].clone();
    assert!(
        b["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("RELEASE")),
        "{b}"
    );
    let y = ok(&u1, "salesOrderCreate", order(&yen, "5000"), O).await["salesOrder"].clone();
    assert!(
        y["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("REQUEST_APPROVAL")),
        "{y}"
    );
    let p = m(&u1, "salesOrderRelease", json!({"id": y["id"]}), O).await;
    assert_eq!(codes(&p), ["APPROVAL_REQUIRED"]);
    assert_eq!(p["salesOrder"], Value::Null);
    // U2's limit of 50,000.00 (base currency) does not cover it: up to U3 (unlimited).
    let p = ok(&u1, "salesOrderRequestApproval", json!({"id": y["id"]}), O).await;
    let r1 = p["salesOrder"]["approvalRequests"][0]["id"].clone();
    let p = ok(&u2, "approvalRequestApprove", json!({"id": r1}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "PENDING_APPROVAL");
    let r2 = p["salesOrder"]["approvalRequests"][1].clone();
    assert_eq!(r2["approver"], "U3", "{p}");
    let p = ok(&u3, "approvalRequestApprove", json!({"id": r2["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");

    // With a rate (1 JPY = 0.0067 USD): 5,000 JPY is 33.50 USD and releases directly;
    // 2,000,000 JPY is 13,400.00 USD, over the threshold, and U2's 50,000.00 covers it.
    ok(
        &admin,
        "exchangeRateSet",
        json!({"currencyId": jpy, "validFrom": "2026-01-01", "rate": "0.0067"}),
        "exchangeRate { rate }",
    )
    .await;
    let small = ok(&u1, "salesOrderCreate", order(&yen, "5000"), O).await["salesOrder"].clone();
    assert!(
        small["nextActions"]
            .as_array()
            .unwrap()
            .contains(&json!("RELEASE")),
        "{small}"
    );
    let p = ok(&u1, "salesOrderRelease", json!({"id": small["id"]}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED");
    let big = ok(&u1, "salesOrderCreate", order(&yen, "2000000"), O).await["salesOrder"].clone();
    let p = m(&u1, "salesOrderRelease", json!({"id": big["id"]}), O).await;
    assert_eq!(codes(&p), ["APPROVAL_REQUIRED"]);
    let p = ok(
        &u1,
        "salesOrderRequestApproval",
        json!({"id": big["id"]}),
        O,
    )
    .await;
    let r = p["salesOrder"]["approvalRequests"][0]["id"].clone();
    let p = ok(&u2, "approvalRequestApprove", json!({"id": r}), O).await;
    assert_eq!(p["salesOrder"]["releaseStatus"], "RELEASED", "{p}");
}
