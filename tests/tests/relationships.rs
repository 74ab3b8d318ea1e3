//! Relationships and marketing end to end through GraphQL: scenario S1 steps 1–2 with the
//! campaign statistics, every illegal transition with its own code (and nothing written),
//! target selection, stages and the pipeline, and company isolation.

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

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

async fn prospect(c: &Client<'_>, name: &str, extra: Value) -> (String, String) {
    let mut input = json!({"party": {"name": name, "email": format!("info@{}.example", name.to_lowercase().replace(' ', "")),
        "addresses": [{"code": "MAIN", "purposes": ["BUSINESS"], "street": "1 Main St", "city": "Seattle", "countryCode": "US"}]}});
    if let (Some(o), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    let p = ok(
        c,
        "prospectCreate",
        input,
        "prospect { id number party { id } }",
    )
    .await;
    (s(&p["prospect"]["id"]), s(&p["prospect"]["party"]["id"]))
}

async fn campaign(c: &Client<'_>, name: &str, kind: &str) -> String {
    let p = ok(
        c,
        "campaignCreate",
        json!({"name": name, "kind": kind, "budget": "5000.00", "cost": "1200.00", "owner": "JANE"}),
        "campaign { id }",
    )
    .await;
    s(&p["campaign"]["id"])
}

async fn activate(c: &Client<'_>, id: &str) {
    ok(
        c,
        "campaignSetStatus",
        json!({"id": id, "status": "ACTIVE"}),
        "campaign { status }",
    )
    .await;
}

const STATS: &str = "statistics { targets sent positiveResponses negativeResponses unanswered leads opportunities openOpportunities wonOpportunities
    wonValue { amount currency } fixedCost { amount } interactionCost { amount } totalCost { amount currency } costPerWonOpportunity { amount } responseRatePercent }";

/// S1 steps 1–2 and the campaign statistics, with the numbers of DOMAIN.md section 14.
#[tokio::test]
async fn s1_campaign_response_lead_opportunity_and_statistics() {
    let app = TestApp::start().await;
    let c = app.company("S1").await;
    let usd = c.currency_id("USD").await;
    // 1. Prospect P-1 (party "Fabrikam", no customer); e-mail campaign CMP-1 targeting it.
    let (p1, party) = prospect(&c, "Fabrikam", json!({})).await;
    let d = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Prospect { number status party { name customer { id } prospect { number } } } } }",
            json!({"id": p1}),
        )
        .await;
    assert_eq!(d["node"]["number"], "P-1");
    assert_eq!(d["node"]["party"]["customer"], Value::Null);
    assert_eq!(d["node"]["party"]["prospect"]["number"], "P-1");
    let cmp = campaign(&c, "Spring e-mail", "EMAIL").await;
    let sel = ok(
        &c,
        "campaignTargetsSelect",
        json!({"campaignId": cmp, "prospects": true}),
        "campaign { number } count",
    )
    .await;
    assert_eq!(sel["campaign"]["number"], "CMP-1");
    assert_eq!(sel["count"], 1);
    activate(&c, &cmp).await;
    ok(
        &c,
        "campaignMarkSent",
        json!({"campaignId": cmp, "sentOn": "2026-11-02"}),
        "count",
    )
    .await;
    let r = ok(
        &c,
        "campaignResponseRecord",
        json!({"campaignId": cmp, "partyId": p1, "response": "POSITIVE", "responseCode": "WANTS-QUOTE"}),
        "campaignTarget { id response responseCode roleAtTime sentOn }",
    )
    .await;
    let t = &r["campaignTarget"];
    assert_eq!(t["response"], "POSITIVE");
    assert_eq!(t["roleAtTime"], "PROSPECT");
    assert_eq!(t["sentOn"], "2026-11-02");
    // 2. Generate lead L-1 from the target: open, campaign CMP-1. Qualify: O-1 open,
    // 1,000.00 at 50 %, weighted 500.00.
    let g = ok(
        &c,
        "campaignTargetGenerateLead",
        json!({"targetId": t["id"]}),
        "lead { id number status source campaign { number } party { id } responsible } campaignTarget { generatedLead { number } }",
    )
    .await;
    let lead = &g["lead"];
    assert_eq!(lead["number"], "L-1");
    assert_eq!(lead["status"], "OPEN");
    assert_eq!(lead["source"], "CAMPAIGN");
    assert_eq!(lead["campaign"]["number"], "CMP-1");
    assert_eq!(lead["party"]["id"], party.as_str());
    assert_eq!(lead["responsible"], "JANE");
    assert_eq!(g["campaignTarget"]["generatedLead"]["number"], "L-1");
    let q = ok(
        &c,
        "leadQualify",
        json!({"id": lead["id"], "reason": "Budget confirmed",
               "opportunity": {"subject": "Fabrikam first order", "estimatedValue": "1000.00", "probabilityPercent": "50", "currencyId": usd}}),
        "lead { status statusReason } opportunity { id number status estimatedValue { amount currency } probabilityPercent weightedValue { amount currency } lead { number } campaign { number } party { name } }",
    )
    .await;
    assert_eq!(q["lead"]["status"], "QUALIFIED");
    assert_eq!(q["lead"]["statusReason"], "Budget confirmed");
    let o = &q["opportunity"];
    assert_eq!(o["number"], "O-1");
    assert_eq!(o["status"], "OPEN");
    assert_eq!(
        o["estimatedValue"],
        json!({"amount": "1000.00", "currency": "USD"})
    );
    assert_eq!(o["probabilityPercent"], "50");
    assert_eq!(
        o["weightedValue"],
        json!({"amount": "500.00", "currency": "USD"})
    );
    assert_eq!(o["lead"]["number"], "L-1");
    assert_eq!(o["campaign"]["number"], "CMP-1");
    assert_eq!(o["party"]["name"], "Fabrikam");
    // the funnel so far
    let q = format!("query($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ {STATS} }} }} }}");
    let st = c.ok(&q, json!({"id": cmp})).await["node"]["statistics"].clone();
    assert_eq!(st["targets"], 1);
    assert_eq!(st["sent"], 1);
    assert_eq!(st["positiveResponses"], 1);
    assert_eq!(st["leads"], 1);
    assert_eq!(st["opportunities"], 1);
    assert_eq!(st["openOpportunities"], 1);
    assert_eq!(st["wonOpportunities"], 0);
    assert_eq!(st["costPerWonOpportunity"], Value::Null);
    assert_eq!(st["responseRatePercent"], "100");
    // step 4 (the quotation arrives with order entry): convert P-1 to customer C-2000 on the
    // same party, and the opportunity is won; the statistics then show 1 opportunity won.
    let cv = ok(
        &c,
        "prospectConvert",
        json!({"id": p1, "customer": {"accountNumber": "C-2000", "currencyId": usd}}),
        "prospect { status convertedCustomer { accountNumber } } customer { accountNumber name party { id } addresses { code } }",
    )
    .await;
    assert_eq!(cv["prospect"]["status"], "CONVERTED");
    assert_eq!(cv["customer"]["accountNumber"], "C-2000");
    assert_eq!(cv["customer"]["name"], "Fabrikam");
    assert_eq!(cv["customer"]["party"]["id"], party.as_str());
    assert_eq!(cv["customer"]["addresses"], json!([{"code": "MAIN"}]));
    ok(
        &c,
        "opportunityClose",
        json!({"id": o["id"], "outcome": "WON", "reason": "Quotation Q-1 confirmed", "closedOn": "2026-11-20"}),
        "opportunity { status }",
    )
    .await;
    ok(
        &c,
        "interactionLog",
        json!({"partyId": party, "campaignId": cmp, "kind": "EMAIL", "direction": "OUTBOUND", "subject": "Spring offer", "cost": "0.80"}),
        "interaction { id }",
    )
    .await;
    let st = c.ok(&q, json!({"id": cmp})).await["node"]["statistics"].clone();
    assert_eq!(st["targets"], 1);
    assert_eq!(st["positiveResponses"], 1);
    assert_eq!(st["leads"], 1);
    assert_eq!(st["opportunities"], 1);
    assert_eq!(st["wonOpportunities"], 1);
    assert_eq!(
        st["wonValue"],
        json!([{"amount": "1000.00", "currency": "USD"}])
    );
    assert_eq!(st["fixedCost"]["amount"], "1200.00");
    assert_eq!(st["interactionCost"]["amount"], "0.80");
    assert_eq!(
        st["totalCost"],
        json!({"amount": "1200.80", "currency": "USD"})
    );
    assert_eq!(st["costPerWonOpportunity"]["amount"], "1200.80");
}

async fn lead_status(c: &Client<'_>, id: &Value) -> Value {
    c.ok(
        "query($id: ID!) { node(id: $id) { ... on Lead { status statusReason } } }",
        json!({"id": id}),
    )
    .await["node"]
        .clone()
}

/// Every illegal step gets its own code and writes nothing.
#[tokio::test]
async fn illegal_transitions_have_their_own_codes_and_change_nothing() {
    let app = TestApp::start().await;
    let c = app.company("ILL").await;
    let usd = c.currency_id("USD").await;
    let (p1, party) = prospect(&c, "Contoso", json!({})).await;
    // a disqualified lead cannot be qualified
    let l = ok(
        &c,
        "leadCreate",
        json!({"partyId": party, "subject": "Web enquiry", "source": "WEB"}),
        "lead { id }",
    )
    .await["lead"]["id"]
        .clone();
    let p = m(&c, "leadDisqualify", json!({"id": l}), "lead { status }").await;
    assert_eq!(codes(&p), ["REASON_REQUIRED"]);
    assert_eq!(lead_status(&c, &l).await["status"], "OPEN");
    ok(
        &c,
        "leadDisqualify",
        json!({"id": l, "reason": "No budget"}),
        "lead { status }",
    )
    .await;
    let p = m(
        &c,
        "leadQualify",
        json!({"id": l, "opportunity": {"subject": "x", "estimatedValue": "10", "currencyId": usd}}),
        "lead { status }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    assert_eq!(
        lead_status(&c, &l).await,
        json!({"status": "DISQUALIFIED", "statusReason": "No budget"})
    );
    let n =
        c.ok("{ opportunities { totalCount } }", json!({})).await["opportunities"]["totalCount"]
            .clone();
    assert_eq!(n, 0, "the refused qualification created no opportunity");
    let p = m(&c, "leadReactivate", json!({"id": l}), "lead { status }").await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    // postpone → reactivate is allowed, and a qualification that fails half-way writes nothing
    let l2 = ok(
        &c,
        "leadCreate",
        json!({"partyId": p1, "subject": "Trade fair"}),
        "lead { id }",
    )
    .await["lead"]["id"]
        .clone();
    ok(&c, "leadPostpone", json!({"id": l2}), "lead { status }").await;
    ok(&c, "leadReactivate", json!({"id": l2}), "lead { status }").await;
    let p = m(
        &c,
        "leadQualify",
        json!({"id": l2, "customer": {"currencyId": usd, "accountNumber": "C 1"}}),
        "lead { status }",
    )
    .await;
    assert_eq!(codes(&p), ["INVALID_FORMAT"]);
    assert_eq!(
        p["userErrors"][0]["field"],
        json!(["input", "customer", "accountNumber"])
    );
    assert_eq!(lead_status(&c, &l2).await["status"], "OPEN");
    // closing an opportunity without a reason
    let o = ok(
        &c,
        "opportunityCreate",
        json!({"partyId": party, "opportunity": {"subject": "Deal", "estimatedValue": "250.00", "probabilityPercent": "20", "currencyId": usd}}),
        "opportunity { id weightedValue { amount } }",
    )
    .await["opportunity"]
        .clone();
    assert_eq!(o["weightedValue"]["amount"], "50.00");
    let p = m(
        &c,
        "opportunityClose",
        json!({"id": o["id"], "outcome": "LOST"}),
        "opportunity { status }",
    )
    .await;
    assert_eq!(codes(&p), ["REASON_REQUIRED"]);
    let st = c
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Opportunity { status closeReason closedOn } } }",
            json!({"id": o["id"]}),
        )
        .await;
    assert_eq!(
        st["node"],
        json!({"status": "OPEN", "closeReason": null, "closedOn": null})
    );
    ok(
        &c,
        "opportunityClose",
        json!({"id": o["id"], "outcome": "LOST", "reason": "Price"}),
        "opportunity { status }",
    )
    .await;
    let p = m(
        &c,
        "opportunityClose",
        json!({"id": o["id"], "outcome": "WON", "reason": "changed my mind"}),
        "opportunity { status }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    // responding for a party that is not a target
    let cmp = campaign(&c, "Autumn", "MAILING").await;
    let (_, other) = prospect(&c, "Northwind", json!({})).await;
    ok(
        &c,
        "campaignTargetAdd",
        json!({"campaignId": cmp, "partyId": p1}),
        "campaignTarget { id }",
    )
    .await;
    let p = m(
        &c,
        "campaignResponseRecord",
        json!({"campaignId": cmp, "partyId": p1, "response": "POSITIVE"}),
        "campaignTarget { id }",
    )
    .await;
    assert_eq!(
        codes(&p),
        ["ILLEGAL_TRANSITION"],
        "a planned campaign takes no responses"
    );
    activate(&c, &cmp).await;
    let p = m(
        &c,
        "campaignResponseRecord",
        json!({"campaignId": cmp, "partyId": other, "response": "POSITIVE"}),
        "campaignTarget { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_A_TARGET"]);
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "partyId"]));
    // a negative response generates no lead
    let t = ok(
        &c,
        "campaignResponseRecord",
        json!({"campaignId": cmp, "partyId": p1, "response": "NEGATIVE"}),
        "campaignTarget { id }",
    )
    .await["campaignTarget"]["id"]
        .clone();
    let p = m(
        &c,
        "campaignTargetGenerateLead",
        json!({"targetId": t}),
        "lead { id }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    // a target with a response stays on record; a completed campaign only takes a cost
    let p = m(
        &c,
        "campaignTargetRemove",
        json!({"id": t}),
        "campaignTarget { id }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    ok(
        &c,
        "campaignSetStatus",
        json!({"id": cmp, "status": "COMPLETED"}),
        "campaign { status }",
    )
    .await;
    let p = m(
        &c,
        "campaignSetStatus",
        json!({"id": cmp, "status": "ACTIVE"}),
        "campaign { status }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    let p = m(
        &c,
        "campaignUpdate",
        json!({"id": cmp, "name": "Renamed"}),
        "campaign { name }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    ok(
        &c,
        "campaignUpdate",
        json!({"id": cmp, "cost": "99.50"}),
        "campaign { cost { amount } }",
    )
    .await;
    let p = m(
        &c,
        "campaignTargetAdd",
        json!({"campaignId": cmp, "partyId": other}),
        "campaignTarget { id }",
    )
    .await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    // converting a prospect twice; a prospect on a customer's party
    let cv = json!({"id": p1, "customer": {"currencyId": usd}});
    let first = ok(&c, "prospectConvert", cv.clone(), "customer { id }").await;
    let p = m(&c, "prospectConvert", cv, "customer { id }").await;
    assert_eq!(codes(&p), ["ILLEGAL_TRANSITION"]);
    let p = m(
        &c,
        "prospectCreate",
        json!({"partyId": party}),
        "prospect { id }",
    )
    .await;
    assert_eq!(codes(&p), ["INVALID_VALUE"]);
    let cust = first["customer"]["id"].clone();
    // merging a customer into itself
    let p = m(
        &c,
        "customerMerge",
        json!({"keepId": cust, "duplicateId": cust}),
        "customer { id }",
    )
    .await;
    assert_eq!(codes(&p), ["MERGE_SAME_RECORD"]);
    // bad input: wrong ID kinds, bad decimals, percent over 100
    let p = m(
        &c,
        "opportunityCreate",
        json!({"partyId": usd, "opportunity": {"subject": "x", "estimatedValue": "1.001", "probabilityPercent": "120", "currencyId": usd}}),
        "opportunity { id }",
    )
    .await;
    assert_eq!(codes(&p), ["INVALID_ID"]);
    let p = m(
        &c,
        "opportunityCreate",
        json!({"partyId": party, "opportunity": {"subject": "x", "estimatedValue": "1.001", "probabilityPercent": "120", "currencyId": usd}}),
        "opportunity { id }",
    )
    .await;
    let mut got = codes(&p);
    got.sort();
    assert_eq!(got, ["OUT_OF_RANGE", "PRECISION_EXCEEDED"]);
}

/// Stages: next, skip over skippable stages only, jump back; probability follows the stage;
/// the pipeline sums per stage and currency in one statement.
#[tokio::test]
async fn sales_cycle_stages_and_pipeline() {
    let app = TestApp::start().await;
    let c = app.company("PIPE").await;
    let usd = c.currency_id("USD").await;
    let cycle = ok(
        &c,
        "salesCycleCreate",
        json!({"code": "STD", "name": "Standard", "stages": [
            {"name": "Qualify", "completedPercent": "10", "chancePercent": "10", "allowSkip": true},
            {"name": "Demo", "completedPercent": "40", "chancePercent": "30", "allowSkip": true},
            {"name": "Proposal", "completedPercent": "70", "chancePercent": "60", "quoteRequired": true},
            {"name": "Negotiation", "completedPercent": "90", "chancePercent": "80"}]}),
        "salesCycle { id stages { position name chancePercent allowSkip } }",
    )
    .await["salesCycle"]["id"]
        .clone();
    let (_, party) = prospect(&c, "Litware", json!({})).await;
    let mk = |v: &str| json!({"partyId": party, "opportunity": {"subject": "Deal", "estimatedValue": v, "currencyId": usd, "salesCycleId": cycle, "salesperson": "JANE"}});
    let a = ok(
        &c,
        "opportunityCreate",
        mk("1000.00"),
        "opportunity { id probabilityPercent stage { name } }",
    )
    .await["opportunity"]
        .clone();
    assert_eq!(a["probabilityPercent"], "10");
    assert_eq!(a["stage"]["name"], "Qualify");
    let b =
        ok(&c, "opportunityCreate", mk("333.33"), "opportunity { id }").await["opportunity"]["id"]
            .clone();
    let sel = "opportunity { probabilityPercent weightedValue { amount } stage { position name } }";
    let r = ok(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "SKIP", "count": 1}),
        sel,
    )
    .await;
    assert_eq!(r["opportunity"]["stage"]["name"], "Proposal");
    assert_eq!(r["opportunity"]["weightedValue"]["amount"], "600.00");
    let p = m(
        &c,
        "opportunityMoveStage",
        json!({"id": b, "move": "SKIP", "count": 2}),
        sel,
    )
    .await;
    assert_eq!(
        codes(&p),
        ["STAGE_NOT_SKIPPABLE"],
        "Proposal may not be skipped"
    );
    let r = ok(
        &c,
        "opportunityMoveStage",
        json!({"id": b, "move": "NEXT"}),
        sel,
    )
    .await;
    // 333.33 × 30 % = 99.999 → 100.00
    assert_eq!(r["opportunity"]["weightedValue"]["amount"], "100.00");
    let r = ok(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "JUMP_BACK", "count": 2}),
        sel,
    )
    .await;
    assert_eq!(r["opportunity"]["stage"]["name"], "Qualify");
    ok(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "NEXT"}),
        sel,
    )
    .await;
    let p = m(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "PREVIOUS"}),
        sel,
    )
    .await;
    assert!(codes(&p).is_empty());
    let p = m(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "PREVIOUS"}),
        sel,
    )
    .await;
    assert_eq!(codes(&p), ["STAGE_NOT_SKIPPABLE"], "there is no stage 0");
    ok(
        &c,
        "opportunityMoveStage",
        json!({"id": a["id"], "move": "NEXT"}),
        sel,
    )
    .await;
    c.ok("{ schemaVersion }", json!({})).await;
    let before = app.statements();
    c.ok("{ schemaVersion }", json!({})).await;
    let baseline = app.statements() - before;
    let before = app.statements();
    let d = c
        .ok(
            "{ pipeline(filter: {salesperson: \"JANE\"}) { stagePosition stageName count value { amount currency } weightedValue { amount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        app.statements() - before,
        baseline + 2,
        "the pipeline is one statement, plus one for the currencies of its rows"
    );
    assert_eq!(
        d["pipeline"],
        json!([{"stagePosition": 2, "stageName": "Demo", "count": 2, "value": {"amount": "1333.33", "currency": "USD"}, "weightedValue": {"amount": "400.00"}}])
    );
}

/// Target selection: the roles a party has now, filters, no duplicates on a second run.
#[tokio::test]
async fn target_selection_records_roles_and_filters() {
    let app = TestApp::start().await;
    let c = app.company("SEL").await;
    let usd = c.currency_id("USD").await;
    let (_, pa) = prospect(&c, "Alpha", json!({"segment": "SMB"})).await;
    let (_, _pb) = prospect(&c, "Beta", json!({"segment": "ENT"})).await;
    ok(
        &c,
        "leadCreate",
        json!({"partyId": pa, "subject": "x"}),
        "lead { id }",
    )
    .await;
    let cust = c.customer("Gamma Ltd", &usd).await;
    ok(
        &c,
        "addressCreate",
        json!({"ownerId": cust, "address": {"code": "HQ", "purposes": ["BUSINESS"], "street": "Bahnhofstr. 1", "city": "Zürich", "countryCode": "CH"}}),
        "address { id }",
    )
    .await;
    ok(
        &c,
        "contactPersonCreate",
        json!({"ownerId": cust, "name": "Greta Gamma", "email": "greta@gamma.example"}),
        "contactPerson { id }",
    )
    .await;
    let cmp = campaign(&c, "All", "EMAIL").await;
    let sel = |x: Value| {
        let mut i = json!({"campaignId": cmp});
        if let (Some(o), Some(e)) = (i.as_object_mut(), x.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        i
    };
    let p = m(&c, "campaignTargetsSelect", sel(json!({})), "count").await;
    assert_eq!(codes(&p), ["REQUIRED"]);
    let p = ok(
        &c,
        "campaignTargetsSelect",
        sel(json!({"prospects": true, "segment": "SMB"})),
        "count",
    )
    .await;
    assert_eq!(p["count"], 1);
    let p = ok(
        &c,
        "campaignTargetsSelect",
        sel(json!({"contacts": true, "countryCode": "CH", "hasEmail": true})),
        "count",
    )
    .await;
    assert_eq!(p["count"], 1);
    let p = ok(
        &c,
        "campaignTargetsSelect",
        sel(json!({"prospects": true, "customers": true, "contacts": true})),
        "count",
    )
    .await;
    assert_eq!(
        p["count"], 2,
        "Beta and Gamma are new; Alpha and Greta were already targets"
    );
    let p = ok(
        &c,
        "campaignTargetsSelect",
        sel(json!({"prospects": true, "customers": true, "contacts": true})),
        "count",
    )
    .await;
    assert_eq!(p["count"], 0);
    let d = c
        .ok(
            "query($id: ID!) { campaignTargets(campaignId: $id, first: 10) { totalCount nodes { roleAtTime party { name } contactPerson { name } response } } }",
            json!({"id": cmp}),
        )
        .await;
    let mut got: Vec<(String, String)> = d["campaignTargets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (s(&n["party"]["name"]), s(&n["roleAtTime"])))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Alpha".to_owned(), "LEAD".to_owned()),
            ("Beta".into(), "PROSPECT".into()),
            ("Gamma Ltd".into(), "CUSTOMER".into()),
            ("Greta Gamma".into(), "CONTACT".into())
        ]
    );
    // a telemarketing call list from the targets, one call recorded and logged
    let tm = campaign(&c, "Calls", "TELEMARKETING").await;
    ok(
        &c,
        "campaignTargetsSelect",
        json!({"campaignId": tm, "prospects": true}),
        "count",
    )
    .await;
    let p = m(
        &c,
        "callListCreate",
        json!({"campaignId": cmp, "name": "x", "fromTargets": true}),
        "callList { id }",
    )
    .await;
    assert_eq!(
        codes(&p),
        ["INVALID_VALUE"],
        "only telemarketing campaigns have call lists"
    );
    let cl = ok(
        &c,
        "callListCreate",
        json!({"campaignId": tm, "name": "Week 47", "responsible": "JOE", "fromTargets": true}),
        "callList { id entries { id party { name } callStatus } }",
    )
    .await["callList"]
        .clone();
    assert_eq!(cl["entries"].as_array().map(Vec::len), Some(2));
    let e = cl["entries"][0]["id"].clone();
    let p = m(
        &c,
        "callRecord",
        json!({"entryId": e, "status": "CALL_BACK"}),
        "callListEntry { id }",
    )
    .await;
    assert_eq!(codes(&p), ["REQUIRED"]);
    ok(
        &c,
        "callRecord",
        json!({"entryId": e, "status": "CALL_BACK", "callBackOn": "2026-12-01", "notes": "Ask for Tom", "durationMinutes": 4, "cost": "1.20"}),
        "callListEntry { callStatus callBackOn }",
    )
    .await;
    let d = c
        .ok(
            "{ followUps(salesperson: \"JOE\") { kind subject followUpOn cost { amount } campaign { number } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["followUps"][0]["kind"], "CALL");
    assert_eq!(d["followUps"][0]["followUpOn"], "2026-12-01");
    assert_eq!(d["followUps"][0]["cost"]["amount"], "1.20");
}

/// A token of another company sees nothing of this one and changes nothing.
#[tokio::test]
async fn another_company_cannot_read_or_change_relationships() {
    let app = TestApp::start().await;
    let a = app.company("AAA").await;
    let b = app.company("BBB").await;
    let usd = a.currency_id("USD").await;
    let (pr, party) = prospect(&a, "Secret Prospect", json!({})).await;
    let cmp = campaign(&a, "Secret", "EMAIL").await;
    let lead = ok(
        &a,
        "leadCreate",
        json!({"partyId": party, "subject": "x"}),
        "lead { id }",
    )
    .await["lead"]["id"]
        .clone();
    let opp = ok(
        &a,
        "opportunityCreate",
        json!({"partyId": party, "opportunity": {"subject": "x", "estimatedValue": "1", "currencyId": usd}}),
        "opportunity { id }",
    )
    .await["opportunity"]["id"]
        .clone();
    for id in [
        json!(pr),
        json!(party),
        json!(cmp),
        lead.clone(),
        opp.clone(),
    ] {
        let d = b
            .ok(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(d["node"], Value::Null, "{id}");
    }
    for list in [
        "parties",
        "prospects",
        "campaigns",
        "leads",
        "opportunities",
        "interactions",
    ] {
        let d = b
            .ok(&format!("{{ {list} {{ totalCount }} }}"), json!({}))
            .await;
        assert_eq!(d[list]["totalCount"], 0, "{list}");
    }
    let p = m(
        &b,
        "leadDisqualify",
        json!({"id": lead, "reason": "x"}),
        "lead { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let p = m(
        &b,
        "opportunityClose",
        json!({"id": opp, "outcome": "WON", "reason": "x"}),
        "opportunity { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let p = m(
        &b,
        "campaignTargetAdd",
        json!({"campaignId": cmp, "partyId": party}),
        "campaignTarget { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let p = m(
        &b,
        "prospectConvert",
        json!({"id": pr, "customer": {"currencyId": b.currency_id("USD").await}}),
        "customer { id }",
    )
    .await;
    assert_eq!(codes(&p), ["NOT_FOUND"]);
    let body = b
        .q(
            "query($id: ID!) { campaignTargets(campaignId: $id) { totalCount } }",
            json!({"id": cmp}),
        )
        .await;
    assert_eq!(body["data"]["campaignTargets"]["totalCount"], 0);
    assert!(body.get("errors").is_none(), "{body}");
}

/// Campaign statistics and the funnel run a constant number of statements whatever the
/// number of campaigns on the page.
#[tokio::test]
async fn campaign_statistics_run_a_constant_number_of_statements() {
    let app = TestApp::start().await;
    let c = app.company("STAT").await;
    let usd = c.currency_id("USD").await;
    let (p1, party) = prospect(&c, "Wide World", json!({})).await;
    let parent = campaign(&c, "Group", "OTHER").await;
    for i in 0..24 {
        let id = ok(
            &c,
            "campaignCreate",
            json!({"name": format!("Wave {i}"), "kind": "EMAIL", "parentCampaignId": parent, "cost": "10.00"}),
            "campaign { id }",
        )
        .await["campaign"]["id"]
            .clone();
        ok(
            &c,
            "campaignTargetAdd",
            json!({"campaignId": id, "partyId": p1}),
            "campaignTarget { id }",
        )
        .await;
        activate(&c, id.as_str().unwrap()).await;
        ok(
            &c,
            "campaignResponseRecord",
            json!({"campaignId": id, "partyId": p1, "response": "POSITIVE"}),
            "campaignTarget { id }",
        )
        .await;
        ok(
            &c,
            "opportunityCreate",
            json!({"partyId": party, "campaignId": id, "opportunity": {"subject": "x", "estimatedValue": "100", "currencyId": usd}}),
            "opportunity { id }",
        )
        .await;
        ok(&c, "interactionLog", json!({"partyId": party, "campaignId": id, "kind": "EMAIL", "direction": "OUTBOUND", "subject": "x", "cost": "0.10"}), "interaction { id }").await;
    }
    let q = format!(
        "query($n: Int) {{ campaigns(first: $n, filter: {{kind: EMAIL}}) {{ nodes {{ number parentCampaign {{ number }} callLists {{ name }} {STATS} }} }} }}"
    );
    let mut used = Vec::new();
    for n in [1, 5, 24] {
        c.ok(&q, json!({"n": n})).await;
        let before = app.statements();
        let d = c.ok(&q, json!({"n": n})).await;
        used.push(app.statements() - before);
        let nodes = d["campaigns"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n);
        assert_eq!(nodes[0]["statistics"]["targets"], 1);
        assert_eq!(nodes[0]["statistics"]["opportunities"], 1);
        assert_eq!(nodes[0]["statistics"]["totalCost"]["amount"], "10.10");
        assert_eq!(nodes[0]["parentCampaign"]["number"], "CMP-1");
    }
    assert!(
        used.windows(2).all(|w| w[0] == w[1]),
        "statements per page size: {used:?}"
    );
}

/// Selections running at the same time for one campaign add every party exactly once and
/// none of them fails.
#[tokio::test]
async fn concurrent_target_selections_add_each_party_once() {
    let app = TestApp::start().await;
    let c = app.company("CONC").await;
    for i in 0..30 {
        prospect(&c, &format!("Prospect{i:02}"), json!({})).await;
    }
    let cmp = campaign(&c, "Race", "EMAIL").await;
    let runs = (0..4).map(|_| {
        let c = c.clone();
        let cmp = cmp.clone();
        async move {
            m(
                &c,
                "campaignTargetsSelect",
                json!({"campaignId": cmp, "prospects": true}),
                "count",
            )
            .await
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let mut total = 0;
    for r in &results {
        assert_eq!(r["userErrors"], json!([]), "{r}");
        total += r["count"].as_i64().unwrap();
    }
    assert_eq!(total, 30, "{results:?}");
    let d = c
        .ok(
            "query($id: ID!) { campaignTargets(campaignId: $id) { totalCount } }",
            json!({"id": cmp}),
        )
        .await;
    assert_eq!(d["campaignTargets"]["totalCount"], 30);
}
