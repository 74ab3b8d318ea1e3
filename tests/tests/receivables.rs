//! Receivables through GraphQL (issue 19, first part): payments applied to open entries
//! (S7 A and D of DOMAIN.md §14), derived payment statuses, balances, vouchers, every refusal
//! with its code and nothing written, idempotent retries, and payments of one invoice at the
//! same moment that never drive its remaining below zero.

use crate::orders::{customer, setup};
use mercator_tests::{Client, TestApp, codes};
use serde_json::{Value, json};

const PAYMENT: &str = "payment { id number amount { amount }
    ledgerEntry { originalAmount { amount } remainingAmount { amount } paymentStatus }
    applications { amount { amount } appliedTo { documentNumber remainingAmount { amount } paymentStatus } }
    voucher { lines { account debit { amount } credit { amount } } } }";

async fn opening(c: &Client<'_>, cust: &str, doc: &str, amount: &str, due: &str) -> String {
    let p = c
        .mutate(
            "customerOpeningEntryPost",
            "CustomerOpeningEntryPostInput",
            "entry { id }",
            json!({"customerId": cust, "documentNumber": doc, "postingDate": "2026-10-01",
                   "dueDate": due, "amount": amount}),
        )
        .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["entry"]["id"].as_str().unwrap().to_owned()
}

async fn pay(c: &Client<'_>, input: Value) -> Value {
    c.mutate(
        "customerPaymentPost",
        "CustomerPaymentPostInput",
        PAYMENT,
        input,
    )
    .await
}

async fn entry(c: &Client<'_>, id: &str) -> (String, String) {
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on CustomerLedgerEntry { remainingAmount { amount } paymentStatus } } }",
            json!({"id": id}),
        )
        .await;
    (
        d["node"]["remainingAmount"]["amount"]
            .as_str()
            .unwrap()
            .to_owned(),
        d["node"]["paymentStatus"].as_str().unwrap().to_owned(),
    )
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

async fn payment_count(c: &Client<'_>) -> i64 {
    c.ok("{ numberSequences { kind nextValue } }", json!({}))
        .await["numberSequences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "PAYMENT")
        .map_or(0, |s| {
            s["nextValue"].as_str().unwrap().parse::<i64>().unwrap() - 1
        })
}

/// S7 A and D: a partial payment, the rest, an overpayment that leaves the customer a credit;
/// statuses follow the remaining amounts; each payment's voucher balances.
#[tokio::test]
async fn s7_payments_apply_and_statuses_follow() {
    let app = TestApp::start().await;
    let c = app.company("REC7").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-7000", &s.usd, json!({})).await;
    let inv7 = opening(&c, &cust, "INV-7", "1100.00", "2027-01-06").await;
    assert_eq!(entry(&c, &inv7).await, ("1100.00".into(), "OPEN".into()));
    // A: 600.00 of it, then the 500.00 left (the amount left out: all that is open)
    let p = pay(
        &c,
        json!({"customerId": cust, "amount": "600.00", "paymentDate": "2026-12-05",
        "applications": [{"entryId": inv7, "amount": "600.00"}]}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["payment"]["number"], "PAY-000001");
    assert_eq!(
        p["payment"]["ledgerEntry"]["originalAmount"]["amount"],
        "-600.00"
    );
    assert_eq!(
        p["payment"]["ledgerEntry"]["remainingAmount"]["amount"],
        "0.00"
    );
    assert_eq!(p["payment"]["ledgerEntry"]["paymentStatus"], "PAID");
    assert_eq!(
        p["payment"]["applications"][0]["appliedTo"],
        json!({"documentNumber": "INV-7", "remainingAmount": {"amount": "500.00"}, "paymentStatus": "PARTIALLY_PAID"})
    );
    assert_eq!(
        p["payment"]["voucher"]["lines"],
        json!([{"account": "1000", "debit": {"amount": "600.00"}, "credit": {"amount": "0.00"}},
               {"account": "1200", "debit": {"amount": "0.00"}, "credit": {"amount": "600.00"}}])
    );
    assert_eq!(balance(&c, &cust).await, "500.00");
    // an entry due before today is overdue until it is paid
    let old = opening(&c, &cust, "INV-7B", "1100.00", "2026-11-01").await;
    assert_eq!(entry(&c, &old).await, ("1100.00".into(), "OVERDUE".into()));
    let p = pay(
        &c,
        json!({"customerId": cust, "amount": "500.00", "applications": [{"entryId": inv7}]}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(entry(&c, &inv7).await, ("0.00".into(), "PAID".into()));
    assert_eq!(balance(&c, &cust).await, "1100.00");
    // D: 1,150.00 for 1,100.00 open: 1,100.00 applied, 50.00 stays the customer's credit
    let p = pay(
        &c,
        json!({"customerId": cust, "amount": "1150.00", "applications": [{"entryId": old}]}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["payment"]["applications"][0]["amount"]["amount"],
        "1100.00"
    );
    assert_eq!(
        p["payment"]["ledgerEntry"]["remainingAmount"]["amount"],
        "-50.00"
    );
    assert_eq!(
        p["payment"]["ledgerEntry"]["paymentStatus"],
        "PARTIALLY_PAID"
    );
    assert_eq!(entry(&c, &old).await, ("0.00".into(), "PAID".into()));
    assert_eq!(balance(&c, &cust).await, "-50.00");
    // a payment applied to nothing stays open whole
    let p = pay(&c, json!({"customerId": cust, "amount": "10.00"})).await;
    assert_eq!(p["payment"]["ledgerEntry"]["paymentStatus"], "OPEN", "{p}");
    assert_eq!(balance(&c, &cust).await, "-60.00");
    assert_eq!(payment_count(&c).await, 4);
    // the list: by amount, largest first, with a filter and a total
    let l = c
        .ok(
            "query($c: ID!) { customerPayments(filter: {customerId: $c, paymentDateFrom: \"2026-12-05\"}, sort: AMOUNT, direction: DESC, first: 3) {
                totalCount nodes { number amount { amount } } } }",
            json!({"c": cust}),
        )
        .await;
    assert_eq!(l["customerPayments"]["totalCount"], 4, "{l}");
    let amounts: Vec<&str> = l["customerPayments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["amount"]["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["1150.00", "600.00", "500.00"]);
}

/// Every refusal has its code and field, and writes nothing: no payment number is used and
/// no balance moves. A retry with the same key returns the first payment.
#[tokio::test]
async fn payment_refusals_and_retries() {
    let app = TestApp::start().await;
    let c = app.company("RECR").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let other = customer(&c, "C-2000", &s.usd, json!({})).await;
    let e1 = opening(&c, &cust, "INV-1", "100.00", "2027-01-06").await;
    let e2 = opening(&c, &other, "INV-2", "100.00", "2027-01-06").await;
    let refused = [
        (
            json!({"customerId": cust, "amount": "0"}),
            "INVALID_VALUE",
            json!(["input", "amount"]),
        ),
        (
            json!({"customerId": cust, "amount": "-5"}),
            "INVALID_VALUE",
            json!(["input", "amount"]),
        ),
        (
            json!({"customerId": cust, "amount": "50", "applications": [{"entryId": e1, "amount": "60"}]}),
            "OVER_APPLICATION",
            json!(["input", "applications", "0", "amount"]),
        ),
        (
            json!({"customerId": cust, "amount": "200", "applications": [{"entryId": e1, "amount": "150"}]}),
            "OVER_APPLICATION",
            json!(["input", "applications", "0", "amount"]),
        ),
        (
            json!({"customerId": cust, "amount": "50", "applications": [{"entryId": e2}]}),
            "INVALID_VALUE",
            json!(["input", "applications", "0", "entryId"]),
        ),
        (
            json!({"customerId": cust, "amount": "50", "applications": [{"entryId": e1, "amount": "10"}, {"entryId": e1, "amount": "10"}]}),
            "DUPLICATE",
            json!(["input", "applications", "1", "entryId"]),
        ),
        (
            json!({"customerId": cust, "amount": "50", "paymentDate": "9999-01-01"}),
            "OUT_OF_RANGE",
            json!(["input", "paymentDate"]),
        ),
        (
            json!({"customerId": cust, "amount": "50", "reference": "x".repeat(101)}),
            "TOO_LONG",
            json!(["input", "reference"]),
        ),
    ];
    for (input, code, field) in refused {
        let p = pay(&c, input.clone()).await;
        assert_eq!(codes(&p), [code], "{input}: {p}");
        assert_eq!(p["userErrors"][0]["field"], field, "{input}: {p}");
        assert_eq!(p["payment"], Value::Null);
    }
    assert_eq!(balance(&c, &cust).await, "100.00");
    assert_eq!(payment_count(&c).await, 0);
    // settled in full: closed; a payment (a credit) is not an entry a payment settles
    let p = pay(
        &c,
        json!({"customerId": cust, "amount": "100", "applications": [{"entryId": e1}],
        "idempotencyKey": "bank-1"}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let again = pay(
        &c,
        json!({"customerId": cust, "amount": "100", "applications": [{"entryId": e1}],
        "idempotencyKey": "bank-1"}),
    )
    .await;
    assert_eq!(again["payment"]["id"], p["payment"]["id"], "{again}");
    let other_input = pay(
        &c,
        json!({"customerId": cust, "amount": "99", "idempotencyKey": "bank-1"}),
    )
    .await;
    assert_eq!(
        codes(&other_input),
        ["IDEMPOTENCY_KEY_REUSED"],
        "{other_input}"
    );
    let p2 = pay(
        &c,
        json!({"customerId": cust, "amount": "5", "applications": [{"entryId": e1}]}),
    )
    .await;
    assert_eq!(codes(&p2), ["ENTRY_CLOSED"], "{p2}");
    let credit = opening(&c, &cust, "CR-1", "-20.00", "2027-01-06").await;
    let p3 = pay(
        &c,
        json!({"customerId": cust, "amount": "5", "applications": [{"entryId": credit}]}),
    )
    .await;
    assert_eq!(codes(&p3), ["ENTRY_CLOSED"], "{p3}");
    assert_eq!(payment_count(&c).await, 1);
    assert_eq!(balance(&c, &cust).await, "-20.00");
}

/// Payments of one invoice at the same moment (PostgreSQL runs them concurrently): the entry's
/// remaining never goes below zero, every payment either applies what was open when its turn
/// came or is refused, and the numbers have no gap.
#[tokio::test]
async fn payments_of_one_invoice_at_once_never_overapply() {
    let app = TestApp::start().await;
    let c = app.company("RECC").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    // an amount each: three fit in 1,000.00, the others find less open than they ask
    let e = opening(&c, &cust, "INV-1", "1000.00", "2027-01-06").await;
    let fixed = (0..10).map(|_| {
        let (c, cust, e) = (&c, &cust, &e);
        async move {
            pay(c, json!({"customerId": cust, "amount": "300.00", "applications": [{"entryId": e, "amount": "300.00"}]})).await
        }
    });
    let results = futures_util::future::join_all(fixed).await;
    let posted = results
        .iter()
        .filter(|p| p["userErrors"] == json!([]))
        .count();
    assert_eq!(posted, 3, "{results:?}");
    for p in results.iter().filter(|p| p["userErrors"] != json!([])) {
        assert_eq!(codes(p), ["OVER_APPLICATION"], "{p}");
    }
    assert_eq!(
        entry(&c, &e).await,
        ("100.00".into(), "PARTIALLY_PAID".into())
    );
    // as much as is open: 300, 300, 300, then the last 100, then nothing left
    let e2 = opening(&c, &cust, "INV-2", "1000.00", "2027-01-06").await;
    let max = (0..8).map(|_| {
        let (c, cust, e2) = (&c, &cust, &e2);
        async move {
            pay(
                c,
                json!({"customerId": cust, "amount": "300.00", "applications": [{"entryId": e2}]}),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(max).await;
    let mut applied: Vec<String> = results
        .iter()
        .filter(|p| p["userErrors"] == json!([]))
        .map(|p| {
            p["payment"]["applications"][0]["amount"]["amount"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    applied.sort();
    assert_eq!(
        applied,
        ["100.00", "300.00", "300.00", "300.00"],
        "{results:?}"
    );
    for p in results.iter().filter(|p| p["userErrors"] != json!([])) {
        assert_eq!(codes(p), ["ENTRY_CLOSED"], "{p}");
    }
    assert_eq!(entry(&c, &e2).await, ("0.00".into(), "PAID".into()));
    // 1,000 − 900 open on INV-1, minus 200 left on the payment that took the last 100
    assert_eq!(balance(&c, &cust).await, "-100.00");
    assert_eq!(payment_count(&c).await, 7);
    let numbers = c.ok("{ glVouchers { totalCount } }", json!({})).await;
    assert_eq!(numbers["glVouchers"]["totalCount"], 7, "{numbers}");
}

async fn entry_of(c: &Client<'_>, cust: &str, number: &str) -> String {
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Customer { ledgerEntries { id documentNumber } } } }",
            json!({"id": cust}),
        )
        .await;
    d["node"]["ledgerEntries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["documentNumber"] == number)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// S7 B and C: paid by the cash discount date, 1,078.00 settles 1,100.00 (22.00 cash discount
/// to its account); after it, a residual within the tolerance (0.50 of 1.00) is written off;
/// beyond either, the rest stays open.
#[tokio::test]
async fn s7_cash_discount_and_payment_tolerance() {
    let app = TestApp::start().await;
    let c = app.company("REC7B").await;
    let s = setup(&c).await;
    let terms = c
        .mutate(
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            "paymentTerms { id }",
            json!({"code": "2-10-30", "description": "2 % 10 days, net 30", "netDays": 30,
                   "cashDiscountPercent": "2", "cashDiscountDays": 10}),
        )
        .await["paymentTerms"]["id"]
        .clone();
    let cust = customer(&c, "C-7100", &s.usd, json!({"paymentTermsId": terms})).await;
    let std = c
        .ok("{ taxCodes { edges { node { id } } } }", json!({}))
        .await["taxCodes"]["edges"][0]["node"]["id"]
        .clone();
    let invoice = async |n: &str| -> String {
        let p = c
            .mutate("freeTextInvoicePost", "FreeTextInvoiceInput", "invoice { number totalAmount { amount } dueDate }",
                json!({"customerId": cust, "invoiceDate": "2026-12-01", "lines": [
                    {"description": "Consulting", "account": "4100", "amount": "1000.00", "taxCodeId": std}]}))
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        assert_eq!(p["invoice"]["totalAmount"]["amount"], "1100.00");
        assert_eq!(p["invoice"]["number"], n);
        entry_of(&c, &cust, n).await
    };
    const APPLIED: &str =
        "payment { id applications { amount { amount } cashDiscountAmount { amount }
        writeOffAmount { amount } appliedTo { remainingAmount { amount } paymentStatus } }
        voucher { lines { account debit { amount } credit { amount } } } }";
    let post = async |input: Value| -> Value {
        let p = c
            .mutate(
                "customerPaymentPost",
                "CustomerPaymentPostInput",
                APPLIED,
                input,
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["payment"].clone()
    };
    // B: within the discount date (D+8)
    let b = invoice("FTI-000001").await;
    let p = post(
        json!({"customerId": cust, "amount": "1078.00", "paymentDate": "2026-12-09",
        "applications": [{"entryId": b}]}),
    )
    .await;
    assert_eq!(
        p["applications"][0],
        json!({"amount": {"amount": "1100.00"}, "cashDiscountAmount": {"amount": "22.00"},
               "writeOffAmount": {"amount": "0.00"},
               "appliedTo": {"remainingAmount": {"amount": "0.00"}, "paymentStatus": "PAID"}})
    );
    assert_eq!(
        p["voucher"]["lines"],
        json!([{"account": "1000", "debit": {"amount": "1078.00"}, "credit": {"amount": "0.00"}},
               {"account": "4910", "debit": {"amount": "22.00"}, "credit": {"amount": "0.00"}},
               {"account": "1200", "debit": {"amount": "0.00"}, "credit": {"amount": "1100.00"}}])
    );
    let b_payment = p["id"].as_str().unwrap().to_owned();
    // after the discount date, the same amount leaves 22.00 open
    let late = invoice("FTI-000002").await;
    let p = post(
        json!({"customerId": cust, "amount": "1078.00", "paymentDate": "2026-12-15",
        "applications": [{"entryId": late}]}),
    )
    .await;
    assert_eq!(
        p["applications"][0]["appliedTo"]["remainingAmount"]["amount"],
        "22.00"
    );
    assert_eq!(p["applications"][0]["cashDiscountAmount"]["amount"], "0.00");
    // C: a tolerance of 1.00; 0.50 short after the discount date is written off
    let u = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { paymentToleranceAmount postingAccounts { writeOff } }",
            json!({"paymentToleranceAmount": "1"}),
        )
        .await;
    assert_eq!(u["company"]["paymentToleranceAmount"], "1", "{u}");
    let cc = invoice("FTI-000003").await;
    let p = post(
        json!({"customerId": cust, "amount": "1099.50", "paymentDate": "2026-12-21",
        "applications": [{"entryId": cc}]}),
    )
    .await;
    assert_eq!(
        p["applications"][0],
        json!({"amount": {"amount": "1100.00"}, "cashDiscountAmount": {"amount": "0.00"},
               "writeOffAmount": {"amount": "0.50"},
               "appliedTo": {"remainingAmount": {"amount": "0.00"}, "paymentStatus": "PAID"}})
    );
    assert_eq!(
        p["voucher"]["lines"],
        json!([{"account": "1000", "debit": {"amount": "1099.50"}, "credit": {"amount": "0.00"}},
               {"account": "4920", "debit": {"amount": "0.50"}, "credit": {"amount": "0.00"}},
               {"account": "1200", "debit": {"amount": "0.00"}, "credit": {"amount": "1100.00"}}])
    );
    // 2.00 short is beyond the tolerance: it stays open
    let d = invoice("FTI-000004").await;
    let p = post(
        json!({"customerId": cust, "amount": "1098.00", "paymentDate": "2026-12-21",
        "applications": [{"entryId": d}]}),
    )
    .await;
    assert_eq!(
        p["applications"][0]["appliedTo"]["remainingAmount"]["amount"],
        "2.00"
    );
    assert_eq!(p["applications"][0]["writeOffAmount"]["amount"], "0.00");
    // invariant 11: the balance is what is left open (22.00 + 2.00)
    assert_eq!(balance(&c, &cust).await, "24.00");
    // B unapplied: the invoice is open whole again, the payment's 1,078.00 is the customer's
    // credit, and a voucher takes the discount back
    let p = unapply(&c, &b_payment, &b, "2026-12-21").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(entry(&c, &b).await, ("1100.00".into(), "OPEN".into()));
    assert_eq!(balance(&c, &cust).await, "46.00");
    let last = c
        .ok("{ glVouchers(last: 1) { nodes { documentNumber lines { account debit { amount } credit { amount } } } } }", json!({}))
        .await;
    assert_eq!(
        last["glVouchers"]["nodes"][0]["lines"],
        json!([{"account": "1200", "debit": {"amount": "22.00"}, "credit": {"amount": "0.00"}},
               {"account": "4910", "debit": {"amount": "0.00"}, "credit": {"amount": "22.00"}}]),
        "{last}"
    );
}

async fn unapply(c: &Client<'_>, payment: &str, entry: &str, date: &str) -> Value {
    c.mutate(
        "customerPaymentUnapply",
        "CustomerPaymentUnapplyInput",
        "payment { number ledgerEntry { remainingAmount { amount } paymentStatus }
            applications { amount { amount } isReversal } }",
        json!({"paymentId": payment, "entryId": entry, "date": date}),
    )
    .await
}

/// S7's last step: unapplying the newest application gives the invoice back what it took
/// (Partially paid again, 500.00 open) and the payment its cash; the older one waits until the
/// newer is unapplied; an unapplied application cannot be unapplied twice; a cash discount
/// unapplied is reversed in the general ledger.
#[tokio::test]
async fn unapplying_the_newest_application_reopens_the_entry() {
    let app = TestApp::start().await;
    let c = app.company("RECU").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-7000", &s.usd, json!({})).await;
    let inv7 = opening(&c, &cust, "INV-7", "1100.00", "2027-01-06").await;
    let a1 = pay(
        &c,
        json!({"customerId": cust, "amount": "600.00", "paymentDate": "2026-12-05",
        "applications": [{"entryId": inv7}]}),
    )
    .await;
    let a2 = pay(
        &c,
        json!({"customerId": cust, "amount": "500.00", "paymentDate": "2026-12-06",
        "applications": [{"entryId": inv7}]}),
    )
    .await;
    let (p1, p2) = (
        a1["payment"]["id"].as_str().unwrap().to_owned(),
        a2["payment"]["id"].as_str().unwrap().to_owned(),
    );
    assert_eq!(entry(&c, &inv7).await, ("0.00".into(), "PAID".into()));
    let vouchers = async || {
        c.ok("{ glVouchers { totalCount } }", json!({})).await["glVouchers"]["totalCount"].clone()
    };
    let before = vouchers().await;
    // the older first: refused, nothing changes
    let p = unapply(&c, &p1, &inv7, "2026-12-07").await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"], "{p}");
    assert_eq!(entry(&c, &inv7).await, ("0.00".into(), "PAID".into()));
    // before the application's date: refused
    let p = unapply(&c, &p2, &inv7, "2026-12-05").await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    let p = unapply(&c, &p2, &inv7, "2026-12-07").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        p["payment"]["ledgerEntry"],
        json!({"remainingAmount": {"amount": "-500.00"}, "paymentStatus": "OPEN"})
    );
    assert_eq!(
        p["payment"]["applications"],
        json!([{"amount": {"amount": "500.00"}, "isReversal": false},
               {"amount": {"amount": "-500.00"}, "isReversal": true}])
    );
    assert_eq!(
        entry(&c, &inv7).await,
        ("500.00".into(), "PARTIALLY_PAID".into())
    );
    assert_eq!(balance(&c, &cust).await, "0.00");
    // no discount, no write-off: nothing for the general ledger
    assert_eq!(vouchers().await, before);
    // twice: nothing is applied any more
    let p = unapply(&c, &p2, &inv7, "2026-12-07").await;
    assert_eq!(codes(&p), ["INVALID_VALUE"], "{p}");
    // now the older one may go, and the payment applies again
    let p = unapply(&c, &p1, &inv7, "2026-12-07").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(entry(&c, &inv7).await, ("1100.00".into(), "OPEN".into()));
    let p = pay(
        &c,
        json!({"customerId": cust, "amount": "1100.00", "applications": [{"entryId": inv7}]}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(entry(&c, &inv7).await, ("0.00".into(), "PAID".into()));
    assert_eq!(balance(&c, &cust).await, "-1100.00");
}

/// One payment applied to many entries runs a constant number of statements: the entries are
/// locked and read in one, their remainings written in one, the applications inserted in one.
#[tokio::test]
async fn a_payment_runs_a_constant_number_of_statements() {
    let app = TestApp::start().await;
    let c = app.company("RECS").await;
    let s = setup(&c).await;
    let cust = customer(&c, "C-1000", &s.usd, json!({})).await;
    let mut counts = Vec::new();
    // the first payment of a sequence also records its first date: warm up with one
    for n in [1usize, 2, 20, 60] {
        let mut apps = Vec::new();
        for i in 0..n {
            let e = opening(&c, &cust, &format!("OP-{n}-{i}"), "10.00", "2027-01-06").await;
            apps.push(json!({"entryId": e}));
        }
        let before = app.statements();
        let p = pay(
            &c,
            json!({"customerId": cust, "amount": format!("{}.00", 10 * n), "applications": apps}),
        )
        .await;
        let used = app.statements() - before;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        assert_eq!(p["payment"]["applications"].as_array().unwrap().len(), n);
        counts.push(used);
    }
    assert_eq!(counts[1], counts[2], "statements per payment: {counts:?}");
    assert_eq!(counts[2], counts[3], "statements per payment: {counts:?}");
    assert_eq!(balance(&c, &cust).await, "0.00");
}

/// A customer with 2 % 10 days net 30, and the company's standard tax code.
async fn discount_customer(c: &Client<'_>, usd: &str) -> (String, Value) {
    let terms = c
        .mutate(
            "paymentTermsCreate",
            "PaymentTermsCreateInput",
            "paymentTerms { id }",
            json!({"code": "2-10-30", "description": "2 % 10 days, net 30", "netDays": 30,
                   "cashDiscountPercent": "2", "cashDiscountDays": 10}),
        )
        .await["paymentTerms"]["id"]
        .clone();
    let cust = customer(c, "C-7200", usd, json!({"paymentTermsId": terms})).await;
    let std = c
        .ok("{ taxCodes { edges { node { id } } } }", json!({}))
        .await["taxCodes"]["edges"][0]["node"]["id"]
        .clone();
    (cust, std)
}

/// A 1,100.00 invoice of 2026-12-01 (cash discount 22.00 until 2026-12-11); its entry.
async fn invoice_1100(c: &Client<'_>, cust: &str, std: &Value, number: &str) -> String {
    let p = c
        .mutate("freeTextInvoicePost", "FreeTextInvoiceInput", "invoice { number }",
            json!({"customerId": cust, "invoiceDate": "2026-12-01", "lines": [
                {"description": "Consulting", "account": "4100", "amount": "1000.00", "taxCodeId": std}]}))
        .await;
    assert_eq!(p["invoice"]["number"], number, "{p}");
    entry_of(c, cust, number).await
}

/// The edges of cash discount and tolerance: both together when the payment is a little short
/// of the discounted amount; more than the discounted amount settles with the discount and
/// leaves the rest on the payment; the tolerance writes off only what a used-up payment could
/// not pay; a payment is not applied to an entry posted after it.
#[tokio::test]
async fn cash_discount_and_tolerance_edges() {
    let app = TestApp::start().await;
    let c = app.company("REC7E").await;
    let s = setup(&c).await;
    let (cust, std) = discount_customer(&c, &s.usd).await;
    let u = c
        .mutate(
            "companyUpdate",
            "CompanyUpdateInput",
            "company { paymentToleranceAmount }",
            json!({"paymentToleranceAmount": "1"}),
        )
        .await;
    assert_eq!(u["userErrors"], json!([]), "{u}");
    const SEL: &str = "payment { ledgerEntry { remainingAmount { amount } } applications { amount { amount }
        cashDiscountAmount { amount } writeOffAmount { amount } appliedTo { remainingAmount { amount } } } }";
    let post = async |input: Value| -> Value {
        let p = c
            .mutate(
                "customerPaymentPost",
                "CustomerPaymentPostInput",
                SEL,
                input,
            )
            .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        p["payment"].clone()
    };
    let figures = |p: &Value| -> Vec<String> {
        let a = &p["applications"][0];
        ["amount", "cashDiscountAmount", "writeOffAmount"]
            .iter()
            .map(|k| a[*k]["amount"].as_str().unwrap().to_owned())
            .chain([
                a["appliedTo"]["remainingAmount"]["amount"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                p["ledgerEntry"]["remainingAmount"]["amount"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ])
            .collect()
    };
    // 0.50 short of the discounted 1,078.00: discount and write-off together, paid
    let e1 = invoice_1100(&c, &cust, &std, "FTI-000001").await;
    let p = post(
        json!({"customerId": cust, "amount": "1077.50", "paymentDate": "2026-12-09",
        "applications": [{"entryId": e1}]}),
    )
    .await;
    assert_eq!(figures(&p), ["1100.00", "22.00", "0.50", "0.00", "0.00"]);
    // 1,099.50 asked for by the discount date: settled with the discount, 21.50 stays on
    // the payment
    let e2 = invoice_1100(&c, &cust, &std, "FTI-000002").await;
    let p = post(
        json!({"customerId": cust, "amount": "1099.50", "paymentDate": "2026-12-09",
        "applications": [{"entryId": e2, "amount": "1099.50"}]}),
    )
    .await;
    assert_eq!(figures(&p), ["1100.00", "22.00", "0.00", "0.00", "-21.50"]);
    // after the discount date, 1,099.00 asked for from a payment of 2,000.00: the payment is
    // not used up, so nothing is written off
    let e3 = invoice_1100(&c, &cust, &std, "FTI-000003").await;
    let p = post(
        json!({"customerId": cust, "amount": "2000.00", "paymentDate": "2026-12-15",
        "applications": [{"entryId": e3, "amount": "1099.00"}]}),
    )
    .await;
    assert_eq!(figures(&p), ["1099.00", "0.00", "0.00", "1.00", "-901.00"]);
    // a payment dated before the invoice is not applied to it
    let e4 = invoice_1100(&c, &cust, &std, "FTI-000004").await;
    let p = c
        .mutate(
            "customerPaymentPost",
            "CustomerPaymentPostInput",
            SEL,
            json!({"customerId": cust, "amount": "1078.00", "paymentDate": "2026-11-30",
                   "applications": [{"entryId": e4}]}),
        )
        .await;
    assert_eq!(codes(&p), ["OUT_OF_RANGE"], "{p}");
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "applications", "0", "entryId"])
    );
    // invariant 11: 1.00 + 1,100.00 open, 21.50 + 901.00 of credit
    assert_eq!(balance(&c, &cust).await, "178.50");
    // from an invoice: its entry, its status, its discount terms and what settled it
    let l = c
        .ok("{ customerInvoices(first: 1) { nodes { number ledgerEntry { paymentStatus cashDiscountDate
            cashDiscountAmount { amount } applications { amount { amount } cashDiscountAmount { amount } writeOffAmount { amount } } } } } }",
            json!({}))
        .await;
    assert_eq!(
        l["customerInvoices"]["nodes"][0],
        json!({"number": "FTI-000001", "ledgerEntry": {"paymentStatus": "PAID", "cashDiscountDate": "2026-12-11",
            "cashDiscountAmount": {"amount": "22.00"},
            "applications": [{"amount": {"amount": "1100.00"}, "cashDiscountAmount": {"amount": "22.00"},
                              "writeOffAmount": {"amount": "0.50"}}]}})
    );
}
