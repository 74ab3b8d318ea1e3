//! GraphQL over HTTP: media types, status codes, GET, health, metrics, GraphiQL.

use mercator_tests::{TestApp, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn get_runs_queries_and_refuses_mutations() {
    let app = TestApp::start().await;
    let url = format!("{}/graphql", app.url);
    let r = app
        .http
        .get(&url)
        .query(&[("query", "{ schemaVersion }")])
        .bearer_auth(&app.root_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["data"]["schemaVersion"].is_string(), "{body}");

    let r = app
        .http
        .get(&url)
        .query(&[(
            "query",
            "mutation { archive(input: {id: \"x\"}) { userErrors { code } } }",
        )])
        .bearer_auth(&app.root_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn post_needs_json_and_a_query() {
    let app = TestApp::start().await;
    let url = format!("{}/graphql", app.url);
    let r = app
        .http
        .post(&url)
        .bearer_auth(&app.root_token)
        .body("{ schemaVersion }")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_REQUEST");

    let r = app
        .http
        .post(&url)
        .bearer_auth(&app.root_token)
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = app
        .http
        .post(&url)
        .bearer_auth(&app.root_token)
        .json(&json!({"variables": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn graphql_response_media_type_uses_4xx_for_request_errors() {
    let app = TestApp::start().await;
    let url = format!("{}/graphql", app.url);
    let send = |accept: &'static str, q: &'static str| {
        app.http
            .post(&url)
            .bearer_auth(&app.root_token)
            .header("accept", accept)
            .json(&json!({"query": q}))
            .send()
    };
    let r = send("application/graphql-response+json", "{ schemaVersion")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED");

    let r = send("application/graphql-response+json", "{ noSuchField }")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");

    // application/json keeps 200 for well-formed GraphQL responses
    let r = send("application/json", "{ noSuchField }").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );

    let r = send("application/graphql-response+json", "{ schemaVersion }")
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn cost_is_reported_and_a_query_over_budget_is_refused_with_the_excess() {
    let (mut cfg, dir) = mercator_tests::fresh_config();
    cfg.limits.max_cost = 50;
    cfg.limits.max_depth = 4;
    let app = TestApp::start_with(cfg, dir).await;
    let c = app.company("ACME").await;
    let body = c
        .q("{ currencies(first: 2) { nodes { code } } }", json!({}))
        .await;
    assert_eq!(body["extensions"]["cost"]["budget"], 50, "{body}");
    assert!(body["extensions"]["cost"]["requested"].as_u64().unwrap() > 0);

    let body = c
        .q(
            "{ customers(first: 100) { nodes { accountNumber name } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("over the budget of 50 by"), "{msg}");

    let body = c.q("{ customers(first: 1) { nodes { invoiceAccount { invoiceAccount { invoiceAccount { name } } } } } }", json!({})).await;
    assert_eq!(error_code(&body), "QUERY_TOO_DEEP", "{body}");
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::start().await;
    let r = app
        .http
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .http
        .get(format!("{}/readyz", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");

    let c = app.company("ACME").await;
    c.ok("{ schemaVersion }", json!({})).await;
    let p = c
        .mutate(
            "taxCodeCreate",
            "TaxCodeCreateInput",
            "taxCode { id }",
            json!({"code": "", "name": "x", "rate": "5"}),
        )
        .await;
    assert_eq!(mercator_tests::codes(&p), ["REQUIRED"]);
    let _ = app
        .http
        .post(format!("{}/graphql", app.url))
        .json(&json!({"query": "{ schemaVersion }"}))
        .send()
        .await
        .unwrap();

    let text = app
        .http
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "mercator_graphql_requests_total{operation=\"query\",status=\"200\"}",
        "mercator_graphql_request_duration_seconds_bucket{le=\"+Inf\"}",
        "mercator_errors_total{code=\"REQUIRED\"} 1",
        "mercator_errors_total{code=\"UNAUTHENTICATED\"} 1",
        "mercator_db_statements_total",
        "mercator_db_pool_connections{state=\"idle\"}",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_without_external_urls() {
    let app = TestApp::start().await;
    let r = app
        .http
        .get(format!("{}/graphql", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("GraphiQL"));
    let mut assets = 0;
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            assert!(
                !url.starts_with("http://")
                    && !url.starts_with("https://")
                    && !url.starts_with("//"),
                "external asset {url}"
            );
            let r = app
                .http
                .get(format!("{}{url}", app.url))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{url}");
            assert!(r.bytes().await.unwrap().len() > 1000, "{url}");
            assets += 1;
        }
    }
    assert_eq!(assets, 4);
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let (mut cfg, dir) = mercator_tests::fresh_config();
    cfg.cors_origins = vec!["http://localhost:3000".into()];
    let app = TestApp::start_with(cfg, dir).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type,x-mercator-company",
            )
            .send()
    };
    let r = preflight("http://localhost:3000").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-mercator-company") && allowed.contains("authorization"),
        "{allowed}"
    );
    let r = preflight("http://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // Without configuration no CORS headers are sent.
    let plain = TestApp::start().await;
    let r = plain
        .http
        .post(format!("{}/graphql", plain.url))
        .header("origin", "http://localhost:3000")
        .bearer_auth(&plain.root_token)
        .json(&json!({"query": "{ schemaVersion }"}))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

/// The HTTP promises of the "promises kept" issue, each of which failed before: same-origin
/// POSTs (the built-in GraphiQL's) pass when CORS is configured, the tracing headers and
/// configured ones may be sent cross-origin, `bearer` in any case is accepted, request ids are
/// echoed, a request error has no `data` entry, `extensions` must be an object, automatic
/// persisted queries work, JSON batches are answered, and `COMPANY_NOT_ALLOWED` is 403 on
/// every path.
#[tokio::test]
async fn http_promises_kept() {
    let (mut cfg, dir) = mercator_tests::fresh_config();
    cfg.cors_origins = vec!["http://localhost:3000".into()];
    cfg.cors_allowed_headers = vec!["x-tenant-hint".into()];
    let app = TestApp::start_with(cfg, dir).await;
    let url = format!("{}/graphql", app.url);
    let own_origin = app.url.clone();
    let post = |body: Value| app.http.post(&url).bearer_auth(&app.root_token).json(&body);

    // Same origin (GraphiQL served by this server): answered, though the origin is not listed.
    let r = post(json!({"query": "{ schemaVersion }"}))
        .header("origin", &own_origin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Behind a TLS proxy the browser's origin is https:// while the request arrives as http.
    let r = post(json!({"query": "{ schemaVersion }"}))
        .header("origin", own_origin.replace("http://", "https://"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Another origin is refused like any other refusal: JSON with a code.
    let r = post(json!({"query": "{ schemaVersion }"}))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let r = app
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,traceparent,baggage,sentry-trace,x-request-id,x-tenant-hint",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for h in [
        "traceparent",
        "baggage",
        "sentry-trace",
        "x-request-id",
        "x-tenant-hint",
    ] {
        assert!(allowed.contains(h), "{h} not allowed: {allowed}");
    }

    // The scheme is case-insensitive.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = app
            .http
            .post(&url)
            .header("authorization", format!("{scheme} {}", app.root_token))
            .json(&json!({"query": "{ schemaVersion }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }

    // X-Request-Id: echoed when given, made up when not.
    let r = post(json!({"query": "{ schemaVersion }"}))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-42");
    let r = post(json!({"query": "{ schemaVersion }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"].len(), 16);

    // A request error has no data entry; extensions must be an object.
    let r = post(json!({"query": "{ schemaVersion"}))
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(body.get("data").is_none(), "{body}");
    let r = post(json!({"query": "{ schemaVersion }", "extensions": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Choosing the operation is part of the request: an unknown name, or several operations
    // and no name, are request errors too (they came as execution errors with data: null).
    for (body, says) in [
        (
            json!({"query": "query A { schemaVersion }", "operationName": "B"}),
            "no operation named \"B\"",
        ),
        (
            json!({"query": "query A { schemaVersion } query B { schemaVersion }"}),
            "several operations",
        ),
        (
            json!({"query": "{ schemaVersion }", "operationName": "A"}),
            "no operation named \"A\"",
        ),
    ] {
        let r = post(body)
            .header("accept", "application/graphql-response+json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let body: Value = r.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(says),
            "{body}"
        );
    }
    let body: Value = post(json!({"query": "query A { schemaVersion } query B { viewer { tokenName } }", "operationName": "B"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["data"]["viewer"]["tokenName"].is_string(), "{body}");

    // Automatic persisted queries, as Apollo Client sends them.
    let q = "{ schemaVersion }";
    let hash = mercator_core::digest::sha256_hex(q.as_bytes());
    let pq = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let body: Value = post(json!({"extensions": pq}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    let body: Value = post(json!({"query": q, "extensions": pq}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["data"]["schemaVersion"].is_string(), "{body}");
    let r = app
        .http
        .get(&url)
        .bearer_auth(&app.root_token)
        .query(&[("extensions", pq.to_string())])
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(body["data"]["schemaVersion"].is_string(), "{body}");
    // A text over the size limit is refused and never remembered (a client could otherwise
    // park megabytes per hash in the server's memory).
    let big = format!("{{ schemaVersion }} #{}", "x".repeat(300 * 1024));
    let big_hash = mercator_core::digest::sha256_hex(big.as_bytes());
    let big_pq = json!({"persistedQuery": {"version": 1, "sha256Hash": big_hash}});
    let body: Value = post(json!({"query": big, "extensions": big_pq}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let body: Value = post(json!({"extensions": big_pq}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    let wrong = json!({"persistedQuery": {"version": 1, "sha256Hash": "00"}});
    let r = post(json!({"query": q, "extensions": wrong}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A JSON batch gets an array of answers, in order.
    let body: Value = post(json!([
        {"query": "{ schemaVersion }"},
        {"query": "{ nope }"},
        {"query": "query($n: Int) { companies { code } schemaVersion __typename }", "variables": {"n": 1}}
    ]))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let a = body.as_array().unwrap();
    assert_eq!(a.len(), 3, "{body}");
    assert!(a[0]["data"]["schemaVersion"].is_string());
    assert_eq!(error_code(&a[1]), "GRAPHQL_VALIDATION_FAILED");

    // A batch shares one budget: 20 requests of cost 1,500 each fit 13 times in 20,000.
    let costly = json!({"query": "{ a: customers(first: 100) { nodes { name contacts { name } addresses { city } } } b: customers(first: 100) { nodes { name contacts { name } addresses { city } } } c: customers(first: 100) { nodes { name contacts { name } addresses { city } } } d: customers(first: 100) { nodes { name contacts { name } addresses { city } } } }"});
    let cost: u64 = {
        let body: Value = post(costly.clone())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["extensions"]["cost"]["requested"].as_u64().unwrap()
    };
    assert!(cost > 1_000, "{cost}");
    let n = 20.min(20_000 / cost as usize + 3);
    let body: Value = post(Value::Array(vec![costly; n]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refused = body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| error_code(a) == "QUERY_TOO_COMPLEX")
        .count();
    assert_eq!(refused, n - 20_000 / cost as usize, "cost {cost}: {body}");

    // A query with thousands of validation errors answers 50 and says how many more.
    let bad = format!(
        "{{ {} }}",
        (0..2_000)
            .map(|i| format!("x{i}: nope"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let body: Value = post(json!({"query": bad}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 51, "{}", errors.len());
    assert!(
        errors[50]["message"]
            .as_str()
            .unwrap()
            .contains("1950 more errors")
    );

    // COMPANY_NOT_ALLOWED is 403 whether it comes from the header or from the query.
    let r = post(json!({"query": "{ customers { totalCount } }"}))
        .header("x-mercator-company", "NOPE")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = post(json!({"query": "{ customers { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "COMPANY_NOT_ALLOWED");
    // ... also when another field of the request needs no company, and inside a batch.
    let r = post(json!({"query": "{ viewer { tokenName } customers { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "COMPANY_NOT_ALLOWED", "{body}");
    let r =
        post(json!([{"query": "{ schemaVersion }"}, {"query": "{ customers { totalCount } }"}]))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 403);
}
