//! Number sequences: formatted, gap-free under rollback, unique under concurrency.

use mercator_core::numbering::{self, SequenceKind};
use mercator_tests::{TestApp, codes};
use sea_orm::TransactionTrait;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn a_rolled_back_draw_leaves_no_gap() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let company = mercator_core::setup::company_by_code(&app.db.conn, "ACME")
        .await
        .unwrap()
        .unwrap();
    let txn = app.db.begin_write().await.unwrap();
    assert_eq!(
        numbering::next_number(&txn, company.id, SequenceKind::Customer)
            .await
            .unwrap(),
        "C-1000"
    );
    assert_eq!(
        numbering::next_number(&txn, company.id, SequenceKind::Customer)
            .await
            .unwrap(),
        "C-1001"
    );
    txn.rollback().await.unwrap();
    let usd = c.currency_id("USD").await;
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { accountNumber }",
            json!({"name": "A", "currencyId": usd}),
        )
        .await;
    assert_eq!(p["customer"]["accountNumber"], "C-1000");
    // A refused create draws nothing either.
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { accountNumber }",
            json!({"name": "", "currencyId": usd}),
        )
        .await;
    assert_eq!(codes(&p), ["REQUIRED"]);
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { accountNumber }",
            json!({"name": "B", "currencyId": usd}),
        )
        .await;
    assert_eq!(p["customer"]["accountNumber"], "C-1001");
    let txn = app.db.conn.begin().await.unwrap();
    let _ = numbering::next_number(&txn, company.id, SequenceKind::Item)
        .await
        .unwrap();
    drop(txn);
    assert_eq!(
        numbering::next_number(&app.db.conn, company.id, SequenceKind::Item)
            .await
            .unwrap(),
        "I-00001"
    );
}

#[tokio::test]
async fn concurrent_creates_get_distinct_consecutive_numbers() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let usd = c.currency_id("USD").await;
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let c = c.clone();
            let usd = usd.clone();
            async move {
                c.mutate(
                    "customerCreate",
                    "CustomerCreateInput",
                    "customer { accountNumber }",
                    json!({"name": format!("N{i}"), "currencyId": usd}),
                )
                .await
            }
        })
        .collect();
    let results = futures_util::future::join_all(tasks).await;
    let numbers: BTreeSet<String> = results
        .iter()
        .map(|p| {
            p["customer"]["accountNumber"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    let want: BTreeSet<String> = (1000..1012).map(|n| format!("C-{n}")).collect();
    assert_eq!(numbers, want);
}

#[tokio::test]
async fn sequences_can_be_reformatted_and_moved_forward_only() {
    let app = TestApp::start().await;
    let c = app.company("ACME").await;
    let d = c
        .ok(
            "{ numberSequences { id kind prefix width nextValue nextNumber } }",
            json!({}),
        )
        .await;
    let seqs = d["numberSequences"].as_array().unwrap();
    let cust = seqs.iter().find(|s| s["kind"] == "CUSTOMER").unwrap();
    assert_eq!(cust["nextNumber"], "C-1000");
    let p = c
        .mutate(
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            "numberSequence { nextNumber }",
            json!({"id": cust["id"], "prefix": "CUST", "width": 6, "nextValue": 5000}),
        )
        .await;
    assert_eq!(p["numberSequence"]["nextNumber"], "CUST005000");
    let p = c
        .mutate(
            "numberSequenceUpdate",
            "NumberSequenceUpdateInput",
            "numberSequence { nextNumber }",
            json!({"id": cust["id"], "nextValue": 4999}),
        )
        .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"]);
    let usd = c.currency_id("USD").await;
    // A manual number that the sequence would produce next is skipped, not duplicated.
    c.mutate(
        "customerCreate",
        "CustomerCreateInput",
        "customer { id }",
        json!({"accountNumber": "CUST005000", "name": "Manual", "currencyId": usd}),
    )
    .await;
    let p = c
        .mutate(
            "customerCreate",
            "CustomerCreateInput",
            "customer { accountNumber }",
            json!({"name": "Auto", "currencyId": usd}),
        )
        .await;
    assert_eq!(p["customer"]["accountNumber"], "CUST005001");
}
