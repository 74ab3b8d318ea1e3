//! Campaign target selection over 100,000 parties on SQLite (issue: under 2 seconds).
//! Run with `scripts/bench-targets` (release build). Prints one RESULT line per case.
//!
//! The data: 100,000 parties in one company (60,000 active prospects in two segments, 30,000
//! customers in three groups, 10,000 contact persons of those customers), every party with a
//! business address in one of four countries, a fifth of the prospects with an open lead and a
//! tenth with an open opportunity, so the role-at-the-time lookups have real work to do. The
//! selection is `core::crm::select_targets` in one write transaction, as the
//! `campaignTargetsSelect` mutation runs it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "bench"
)]

use mercator_core::crm::{self, CampaignKind, NewCampaign, TargetSelection};
use mercator_core::db::{Db, DbConfig};
use mercator_core::setup::{self, NewCompany};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use std::time::Instant;

const PARTIES: i64 = 100_000;

async fn exec(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) {
    db.execute_raw(mercator_core::db::sql(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await
    .unwrap();
}

async fn seed(db: &Db, company: i64) {
    let now = chrono::Utc::now();
    let t = db.conn.begin().await.unwrap();
    let series = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {PARTIES})"
    );
    exec(
        &t,
        &format!(
            "{series} INSERT INTO parties (company_id, kind, name, email, phone, language, created_at, updated_at) \
             SELECT ?, CASE WHEN i > 90000 THEN 'person' ELSE 'organization' END, 'Party ' || i, \
             CASE WHEN i % 3 = 0 THEN NULL ELSE 'p' || i || '@example.com' END, NULL, \
             CASE WHEN i % 2 = 0 THEN 'en' ELSE 'de' END, ?, ? FROM n"
        ),
        vec![company.into(), now.into(), now.into()],
    )
    .await;
    exec(
        &t,
        "INSERT INTO addresses (company_id, party_id, code, for_invoice, for_delivery, for_business, street, city, country_code, created_at, updated_at) \
         SELECT company_id, id, 'MAIN', 1, 1, 1, 'Street ' || id, 'City', \
         CASE id % 4 WHEN 0 THEN 'US' WHEN 1 THEN 'DE' WHEN 2 THEN 'CH' ELSE 'FR' END, ?, ? FROM parties WHERE company_id = ?",
        vec![now.into(), now.into(), company.into()],
    )
    .await;
    let first: i64 = {
        let r = t
            .query_one_raw(mercator_core::db::sql(
                t.get_database_backend(),
                "SELECT MIN(id) AS m FROM parties WHERE company_id = ?",
                vec![company.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        r.try_get("", "m").unwrap()
    };
    // parties first..first+59999 prospects, next 30000 customers, last 10000 contacts
    exec(
        &t,
        "INSERT INTO prospects (company_id, party_id, number, salesperson, segment, status, created_at, updated_at) \
         SELECT company_id, id, 'P-' || id, 'JANE', CASE WHEN id % 2 = 0 THEN 'SMB' ELSE 'ENT' END, 'active', ?, ? \
         FROM parties WHERE company_id = ? AND id < ?",
        vec![now.into(), now.into(), company.into(), (first + 60_000).into()],
    )
    .await;
    let usd = setup::currency_by_code(&t, company, "USD")
        .await
        .unwrap()
        .unwrap()
        .id;
    exec(
        &t,
        "INSERT INTO customers (company_id, party_id, account_number, currency_id, customer_group, credit_limit, mandatory_credit_limit, blocked, combine_shipments, prices_including_tax, created_at, updated_at) \
         SELECT company_id, id, 'C-' || id, ?, CASE id % 3 WHEN 0 THEN 'RETAIL' WHEN 1 THEN 'WHOLESALE' ELSE 'EXPORT' END, 0, 0, 'no', 0, 0, ?, ? \
         FROM parties WHERE company_id = ? AND id >= ? AND id < ?",
        vec![usd.into(), now.into(), now.into(), company.into(), (first + 60_000).into(), (first + 90_000).into()],
    )
    .await;
    exec(
        &t,
        "INSERT INTO contact_persons (company_id, party_id, employer_party_id, title, created_at, updated_at) \
         SELECT company_id, id, id - 30000, 'Buyer', ?, ? FROM parties WHERE company_id = ? AND id >= ?",
        vec![now.into(), now.into(), company.into(), (first + 90_000).into()],
    )
    .await;
    exec(
        &t,
        "INSERT INTO leads (company_id, number, party_id, subject, source, status, created_at, updated_at) \
         SELECT company_id, 'L-' || party_id, party_id, 'Lead', 'web', 'open', ?, ? FROM prospects WHERE company_id = ? AND party_id % 5 = 0",
        vec![now.into(), now.into(), company.into()],
    )
    .await;
    exec(
        &t,
        "INSERT INTO opportunities (company_id, number, party_id, subject, probability_percent, estimated_value, weighted_value, currency_id, status, created_at, updated_at) \
         SELECT company_id, 'O-' || party_id, party_id, 'Deal', 50000000, 10000000, 5000000, ?, 'open', ?, ? FROM prospects WHERE company_id = ? AND party_id % 10 = 3",
        vec![usd.into(), now.into(), now.into(), company.into()],
    )
    .await;
    t.commit().await.unwrap();
}

async fn new_campaign(db: &Db, company: i64, name: &str) -> i64 {
    let t = db.begin_write().await.unwrap();
    let c = crm::create_campaign(
        &t,
        company,
        NewCampaign {
            number: None,
            name: name.into(),
            kind: CampaignKind::Email,
            start_date: None,
            end_date: None,
            follow_up_date: None,
            owner: None,
            budget: Decimal::ZERO,
            cost: Decimal::ZERO,
            target_description: None,
            parent_campaign_id: None,
        },
    )
    .await
    .unwrap();
    t.commit().await.unwrap();
    c.id
}

async fn run(db: &Db, company: i64, case: &str, s: TargetSelection) {
    let campaign = new_campaign(db, company, case).await;
    let mut times = Vec::new();
    let mut added = 0;
    for round in 0..2 {
        let start = Instant::now();
        let t = db.begin_write().await.unwrap();
        let n = crm::select_targets(&t, company, campaign, &s)
            .await
            .unwrap();
        t.commit().await.unwrap();
        times.push(start.elapsed());
        if round == 0 {
            added = n;
        } else {
            assert_eq!(n, 0, "a second run adds nothing");
        }
    }
    println!(
        "RESULT target_selection case={case} parties={PARTIES} added={added} first_ms={:.0} rerun_ms={:.0}",
        times[0].as_secs_f64() * 1000.0,
        times[1].as_secs_f64() * 1000.0
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = Db::connect(&DbConfig {
        url,
        schema: None,
        max_connections: 4,
    })
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let t = db.begin_write().await.unwrap();
    let company = setup::create_company(
        &t,
        NewCompany {
            code: "BENCH".into(),
            name: "Bench".into(),
            base_currency: "USD".into(),
        },
    )
    .await
    .unwrap()
    .id;
    t.commit().await.unwrap();
    let start = Instant::now();
    seed(&db, company).await;
    println!(
        "seeded {PARTIES} parties in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    run(
        &db,
        company,
        "everyone",
        TargetSelection {
            prospects: true,
            customers: true,
            contacts: true,
            ..Default::default()
        },
    )
    .await;
    run(
        &db,
        company,
        "filtered",
        TargetSelection {
            prospects: true,
            customers: true,
            contacts: true,
            country_code: Some("DE".into()),
            has_email: true,
            language: Some("de".into()),
            ..Default::default()
        },
    )
    .await;
    run(
        &db,
        company,
        "smb-prospects",
        TargetSelection {
            prospects: true,
            segment: Some("SMB".into()),
            ..Default::default()
        },
    )
    .await;
}
