//! Sales quotations end to end: scenario S1 from the campaign to the order (steps 1–4) with
//! DOMAIN.md's figures, and the quotation status machine's refusals.

use crate::orders::{customer, setup};
use mercator_tests::{Client, TestApp, codes};
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

const Q: &str = "salesQuotation { id number status sentCount netAmount { amount } taxAmount { amount } totalAmount { amount currency }
    lines { quantity unitPrice { amount } lineAmount { amount } } }";

/// S1: prospect P-1 (Fabrikam), e-mail campaign CMP-1 with a positive response → lead L-1 →
/// qualified into O-1 (1,000.00 at 50 %) → quotation Q-1 for P-1: 20 × ITEM-A @ 25.00 +
/// 10 × ITEM-B @ 40.00 = 900.00, tax 90.00, total 990.00; Created → Sent; confirm refused (a
/// prospect); P-1 converted to C-2000; confirm → Q-1 Confirmed, SO-1 with the same lines, net
/// 900.00, total 990.00, O-1 won; confirming again refused; CMP-1: 1 target, 1 positive
/// response, 1 lead, 1 opportunity won.
#[tokio::test]
async fn s1_campaign_to_order() {
    let app = TestApp::start().await;
    let c = app.company("S1Q").await;
    let s = setup(&c).await;
    let p1 = ok(
        &c,
        "prospectCreate",
        json!({"party": {"name": "Fabrikam"}}),
        "prospect { id number party { id } }",
    )
    .await["prospect"]
        .clone();
    assert_eq!(p1["number"], "P-1");
    let cmp = ok(
        &c,
        "campaignCreate",
        json!({"name": "Launch", "kind": "EMAIL"}),
        "campaign { id number }",
    )
    .await["campaign"]
        .clone();
    assert_eq!(cmp["number"], "CMP-1");
    ok(
        &c,
        "campaignTargetAdd",
        json!({"campaignId": cmp["id"], "partyId": p1["id"]}),
        "campaignTarget { id }",
    )
    .await;
    ok(
        &c,
        "campaignSetStatus",
        json!({"id": cmp["id"], "status": "ACTIVE"}),
        "campaign { id }",
    )
    .await;
    let t = ok(
        &c,
        "campaignResponseRecord",
        json!({"campaignId": cmp["id"], "partyId": p1["id"], "response": "POSITIVE"}),
        "campaignTarget { id }",
    )
    .await["campaignTarget"]["id"]
        .clone();
    let lead = ok(
        &c,
        "campaignTargetGenerateLead",
        json!({"targetId": t}),
        "lead { id number status }",
    )
    .await["lead"]
        .clone();
    assert_eq!(
        (lead["number"].clone(), lead["status"].clone()),
        (json!("L-1"), json!("OPEN"))
    );
    let o1 = ok(
        &c,
        "leadQualify",
        json!({"id": lead["id"], "opportunity": {"subject": "Fabrikam", "estimatedValue": "1000.00", "probabilityPercent": "50", "currencyId": s.usd}}),
        "opportunity { id number weightedValue { amount } }",
    )
    .await["opportunity"]
        .clone();
    assert_eq!(o1["number"], "O-1");
    assert_eq!(o1["weightedValue"]["amount"], "500.00");
    // 3. Q-1 for P-1
    let q = ok(
        &c,
        "salesQuotationCreate",
        json!({"prospectId": p1["id"], "taxGroup": "DOMESTIC", "opportunityId": o1["id"], "campaignId": cmp["id"],
               "lines": [{"itemId": s.item_a, "quantity": "20"}, {"itemId": s.item_b, "quantity": "10"}]}),
        Q,
    )
    .await["salesQuotation"]
        .clone();
    assert_eq!(q["number"], "Q-1");
    assert_eq!(q["status"], "CREATED");
    assert_eq!(q["lines"][0]["lineAmount"]["amount"], "500.00");
    assert_eq!(q["lines"][1]["lineAmount"]["amount"], "400.00");
    assert_eq!(q["netAmount"]["amount"], "900.00");
    assert_eq!(q["taxAmount"]["amount"], "90.00");
    assert_eq!(
        q["totalAmount"],
        json!({"amount": "990.00", "currency": "USD"})
    );
    let sent = ok(&c, "salesQuotationSend", json!({"id": q["id"]}), Q).await;
    assert_eq!(sent["salesQuotation"]["status"], "SENT");
    // 4. confirm refused for a prospect; convert; confirm
    let sel = "salesQuotation { status salesOrder { number } } salesOrder { number orderType status customer { accountNumber } netAmount { amount } taxAmount { amount } totalAmount { amount } lines { quantity unitPrice { amount } lineAmount { amount } taxAmount { amount } } }";
    let p = m(&c, "salesQuotationConfirm", json!({"id": q["id"]}), sel).await;
    assert_eq!(codes(&p), ["PROSPECT_NOT_CUSTOMER"]);
    ok(
        &c,
        "prospectConvert",
        json!({"id": p1["id"], "customer": {"accountNumber": "C-2000", "currencyId": s.usd}}),
        "customer { id }",
    )
    .await;
    let p = ok(&c, "salesQuotationConfirm", json!({"id": q["id"]}), sel).await;
    assert_eq!(p["salesQuotation"]["status"], "CONFIRMED");
    let so = &p["salesOrder"];
    assert_eq!(so["number"], "SO-1");
    assert_eq!(so["orderType"], "SALES");
    assert_eq!(so["status"], "OPEN_ORDER");
    assert_eq!(so["customer"]["accountNumber"], "C-2000");
    assert_eq!(so["netAmount"]["amount"], "900.00");
    assert_eq!(so["taxAmount"]["amount"], "90.00");
    assert_eq!(so["totalAmount"]["amount"], "990.00");
    assert_eq!(so["lines"].as_array().map(Vec::len), Some(2));
    assert_eq!(so["lines"][0]["lineAmount"]["amount"], "500.00");
    assert_eq!(p["salesQuotation"]["salesOrder"]["number"], "SO-1");
    let d = c
        .ok(
            "query($o: ID!, $c: ID!) { o: node(id: $o) { ... on Opportunity { status closeReason } }
               c: node(id: $c) { ... on Campaign { statistics { targets positiveResponses leads opportunities wonOpportunities } } } }",
            json!({"o": o1["id"], "c": cmp["id"]}),
        )
        .await;
    assert_eq!(d["o"]["status"], "WON");
    assert_eq!(d["o"]["closeReason"], "Quotation Q-1 confirmed");
    assert_eq!(
        d["c"]["statistics"],
        json!({"targets": 1, "positiveResponses": 1, "leads": 1, "opportunities": 1, "wonOpportunities": 1})
    );
    let p = m(&c, "salesQuotationConfirm", json!({"id": q["id"]}), sel).await;
    assert_eq!(
        codes(&p),
        ["ILLEGAL_TRANSITION"],
        "a quotation converts once"
    );
    let d = c.ok("{ salesOrders { totalCount } }", json!({})).await;
    assert_eq!(d["salesOrders"]["totalCount"], 1);
}

/// Lost, canceled and expired quotations cannot be confirmed; closing needs a reason; a closed
/// quotation is read-only.
#[tokio::test]
async fn quotation_refusals() {
    let app = TestApp::start().await;
    let c = app.company("QR").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-Q", &s.usd, json!({})).await;
    let mk = |extra: Value| {
        let mut i = json!({"customerId": cust, "lines": [{"itemId": s.item_a, "quantity": "1"}]});
        if let (Some(o), Some(e)) = (i.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        i
    };
    let q = ok(&c, "salesQuotationCreate", mk(json!({})), Q).await["salesQuotation"].clone();
    assert_eq!(q["totalAmount"]["amount"], "27.50");
    let p = m(
        &c,
        "salesQuotationClose",
        json!({"id": q["id"], "status": "LOST"}),
        Q,
    )
    .await;
    assert_eq!(codes(&p), ["REASON_REQUIRED"]);
    ok(
        &c,
        "salesQuotationClose",
        json!({"id": q["id"], "status": "LOST", "reason": "Too expensive"}),
        Q,
    )
    .await;
    let p = m(
        &c,
        "salesQuotationConfirm",
        json!({"id": q["id"]}),
        "salesOrder { id }",
    )
    .await;
    assert_eq!(
        codes(&p),
        ["ILLEGAL_TRANSITION"],
        "confirming a lost quotation"
    );
    let p = m(
        &c,
        "salesQuotationLineAdd",
        json!({"quotationId": q["id"], "line": {"itemId": s.item_b, "quantity": "1"}}),
        Q,
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    let old = ok(
        &c,
        "salesQuotationCreate",
        mk(json!({"quotationDate": "2026-01-01", "validUntil": "2026-01-31"})),
        Q,
    )
    .await["salesQuotation"]
        .clone();
    let p = m(
        &c,
        "salesQuotationConfirm",
        json!({"id": old["id"]}),
        "salesOrder { id }",
    )
    .await;
    assert_eq!(codes(&p), ["QUOTATION_EXPIRED"]);
    let p = m(&c, "salesQuotationCreate", json!({"lines": []}), Q).await;
    assert_eq!(codes(&p), ["REQUIRED"]);
    let d = c
        .ok(
            "{ salesOrders { totalCount } salesQuotations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(d["salesOrders"]["totalCount"], 0);
    assert_eq!(d["salesQuotations"]["totalCount"], 2);
}
