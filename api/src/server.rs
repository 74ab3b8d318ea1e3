//! The HTTP server (poem): GraphQL over HTTP, GraphiQL from embedded assets, health, readiness
//! and metrics.
//!
//! Owns: the GraphQL-over-HTTP rules (media types, status codes, GET for queries only), bearer
//! authentication and company selection, and turning every failure into a JSON error with
//! `extensions.code`. Must never: send SQL, paths or panics to a client.

use crate::config::Config;
use crate::graphql::errors::ErrorCode;
use crate::graphql::extension::{Budget, CHECK_PASSED, CheckOnly, coded};
use crate::graphql::loaders::{Gated, Loaders, PollGate};
use crate::graphql::{MercatorSchema, RequestCtx, build_check_schema, build_schema};
use crate::metrics::Metrics;
use async_graphql::Variables;
use async_graphql::parser::Error as ParseError;
use async_graphql::parser::types::ExecutableDocument;
use mercator_core::auth::{self, Principal};
use mercator_core::db::Db;
use mercator_core::extension::registry::Registry;
use mercator_core::setup::{self, company};
use poem::http::{HeaderMap, StatusCode, header};
use poem::web::Data;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get, handler};
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Header that chooses the company of a request.
pub const COMPANY_HEADER: &str = "x-mercator-company";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Cache key of an authentication: the token's hash and the requested company.
type TokenKey = (String, Option<String>);
/// A cached authentication outcome and when it was made.
type CachedAuth = (Instant, Result<RequestCtx, AuthError>);

/// Everything a request handler needs.
pub struct AppState {
    /// Database.
    pub db: Db,
    /// Configuration.
    pub config: Config,
    /// The schema that executes requests.
    pub schema: MercatorSchema,
    /// The same schema with the limits extension: parses, validates and costs each request
    /// before `schema` runs it.
    pub check_schema: MercatorSchema,
    /// Counters.
    pub metrics: Metrics,
    /// Order types, invoice formats and promising calculators, built-in and from plugins.
    pub registry: Arc<Registry>,
    tokens: Arc<TokenCache>,
    documents: Mutex<HashMap<String, Arc<Parsed>>>,
    /// Automatic persisted queries: text by SHA-256.
    persisted: Mutex<Persisted>,
}

/// Authentications of this process, kept for `limits.token_cache_seconds`; emptied at once
/// when a token is revoked through this process (`apiTokenRevoke`).
#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<TokenKey, CachedAuth>>, AtomicUsize);

impl TokenCache {
    /// Forgets every cached authentication, including those being checked right now (a
    /// check that started before a revocation does not put its answer in the cache).
    pub fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            self.1.fetch_add(1, Ordering::SeqCst);
            m.clear();
        }
    }
}

/// Parsed documents kept at most (the map is emptied when full: clients send few distinct
/// query texts, so it only fills under a stream of one-off queries).
const DOCUMENTS_MAX: usize = 512;
/// Longer query texts are parsed every time, so the cache stays small.
const DOCUMENT_TEXT_MAX: usize = 16 * 1024;
/// Largest buffer an answer starts with (a larger answer grows it as it is written).
const ANSWER_HINT_MAX: usize = 1024 * 1024;

impl AppState {
    /// State over a connected, migrated database, with the built-in extensions only.
    pub fn new(db: Db, config: Config) -> Arc<AppState> {
        Self::with_registry(db, config, Arc::new(Registry::builtin()))
    }

    /// State with a registry that has the configured plugins loaded
    /// ([`Registry::load`] with [`Config::plugin_specs`]).
    pub fn with_registry(db: Db, config: Config, registry: Arc<Registry>) -> Arc<AppState> {
        let schema = build_schema(Some(db.clone()), registry.clone());
        let check_schema = build_check_schema(registry.clone());
        Arc::new(AppState {
            db,
            config,
            schema,
            check_schema,
            registry,
            metrics: Metrics::default(),
            tokens: Arc::new(TokenCache::default()),
            documents: Mutex::new(HashMap::new()),
            persisted: Mutex::new(Persisted::default()),
        })
    }

    /// The parsed document of a query text, parsed once per distinct text (the checking
    /// schema and the executing schema each get a copy of it instead of parsing it again).
    fn document(&self, query: &str) -> Result<Arc<Parsed>, ParseError> {
        if let Ok(docs) = self.documents.lock()
            && let Some(d) = docs.get(query)
        {
            return Ok(d.clone());
        }
        let doc = Arc::new(Parsed {
            doc: async_graphql::parser::parse_query(query)?,
            answer_size: AtomicUsize::new(0),
        });
        if query.len() <= DOCUMENT_TEXT_MAX
            && let Ok(mut docs) = self.documents.lock()
        {
            if docs.len() >= DOCUMENTS_MAX {
                docs.clear();
            }
            docs.insert(query.to_owned(), doc.clone());
        }
        Ok(doc)
    }
}

/// A parsed query text, with the size of its last answer (the next answer's buffer starts at
/// that size instead of growing by doubling: a page of orders is some 40 KB).
struct Parsed {
    doc: ExecutableDocument,
    answer_size: AtomicUsize,
}

#[derive(Debug, Clone)]
struct AuthError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
}

fn error_body(code: ErrorCode, message: &str) -> Vec<u8> {
    let v = serde_json::json!({"errors": [{"message": message, "extensions": {"code": code.as_str()}}]});
    serde_json::to_vec(&v).unwrap_or_default()
}

fn json_response(status: StatusCode, media: &str, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .content_type(format!("{media}; charset=utf-8"))
        .body(body)
}

fn fail(status: StatusCode, media: &str, code: ErrorCode, message: &str) -> Response {
    let mut r = json_response(status, media, error_body(code, message));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            poem::http::HeaderValue::from_static("Bearer"),
        );
    }
    r
}

async fn resolve_auth(state: &AppState, headers: &HeaderMap) -> Result<RequestCtx, AuthError> {
    let unauth = |m: &str| AuthError {
        status: StatusCode::UNAUTHORIZED,
        code: ErrorCode::Unauthenticated,
        message: m.to_owned(),
    };
    let Some(h) = headers.get(header::AUTHORIZATION) else {
        return Err(unauth(
            "send a token in the Authorization header: Bearer <token>",
        ));
    };
    // The scheme is case-insensitive (RFC 7235): `bearer`, `BEARER` and `Bearer` alike.
    let Some(token) = h
        .to_str()
        .ok()
        .and_then(|s| s.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
    else {
        return Err(unauth("the Authorization header must be: Bearer <token>"));
    };
    let company_code = headers
        .get(COMPANY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned());
    let key = (auth::hash_token(token), company_code.clone());
    let ttl = Duration::from_secs(state.config.limits.token_cache_seconds);
    if let Ok(cache) = state.tokens.0.lock()
        && let Some((at, r)) = cache.get(&key)
        && at.elapsed() < ttl
    {
        return r.clone();
    }
    let generation = state.tokens.1.load(Ordering::SeqCst);
    let r = authenticate(state, token, company_code.as_deref()).await;
    // Server faults are not cached; answers (valid or refused) are, for `ttl`.
    if r.as_ref()
        .err()
        .is_none_or(|e| e.code != ErrorCode::Internal)
        && let Ok(mut cache) = state.tokens.0.lock()
        && state.tokens.1.load(Ordering::SeqCst) == generation
    {
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), r.clone()));
    }
    r
}

async fn authenticate(
    state: &AppState,
    token: &str,
    company_code: Option<&str>,
) -> Result<RequestCtx, AuthError> {
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "authentication failed on the database");
        AuthError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: ErrorCode::Internal,
            message: "internal server error".into(),
        }
    };
    let principal: Principal = match auth::verify(&state.db.conn, token).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(AuthError {
                status: StatusCode::UNAUTHORIZED,
                code: ErrorCode::Unauthenticated,
                message: "the token is unknown or revoked".into(),
            });
        }
        Err(e) => return Err(internal(&e)),
    };
    let not_allowed = |code: &str| AuthError {
        status: StatusCode::FORBIDDEN,
        code: ErrorCode::CompanyNotAllowed,
        message: format!("this token may not act in company {code}"),
    };
    let company: Option<company::Model> = match company_code {
        Some(code) => match setup::company_by_code(&state.db.conn, code).await {
            Ok(Some(c)) if principal.may_act_in(c.id) => Some(c),
            Ok(_) => return Err(not_allowed(code)),
            Err(e) => return Err(internal(&e)),
        },
        None if !principal.all_companies && principal.company_ids.len() == 1 => {
            let id = principal
                .company_ids
                .iter()
                .next()
                .copied()
                .unwrap_or_default();
            match company::Entity::find_by_id(id).one(&state.db.conn).await {
                Ok(c) => c,
                Err(e) => return Err(internal(&e)),
            }
        }
        None => None,
    };
    Ok(RequestCtx { principal, company })
}

use sea_orm::EntityTrait;

#[derive(Deserialize)]
struct GqlBody {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
    /// Request extensions: only `persistedQuery` (Apollo's automatic persisted queries) is
    /// read; anything else must at least be an object.
    extensions: Option<serde_json::Value>,
}

/// Query texts by their SHA-256, for automatic persisted queries: at most this many texts and
/// this many bytes of text in all (emptied when either would be passed). Only a text within
/// `limits.max_query_bytes` is remembered, so a client cannot park large texts here.
const PERSISTED_MAX: usize = 4096;
const PERSISTED_MAX_BYTES: usize = 32 << 20;

/// The remembered texts of automatic persisted queries.
#[derive(Debug, Default)]
struct Persisted {
    texts: HashMap<String, String>,
    bytes: usize,
}

/// The text of an automatic persisted query: the body's own query (checked against its hash
/// and remembered), or the one remembered for the hash; `Err` with the refusal otherwise.
fn persisted_query(
    state: &AppState,
    body: &GqlBody,
) -> Result<Option<String>, (ErrorCode, &'static str, String)> {
    let Some(ext) = &body.extensions else {
        return Ok(body.query.clone());
    };
    let Some(pq) = ext.get("persistedQuery") else {
        return Ok(body.query.clone());
    };
    let hash = pq
        .get("sha256Hash")
        .and_then(serde_json::Value::as_str)
        .map(str::to_ascii_lowercase);
    let (Some(hash), Some(1)) = (hash, pq.get("version").and_then(serde_json::Value::as_i64))
    else {
        return Err((
            ErrorCode::BadRequest,
            "",
            "extensions.persistedQuery must be {\"version\": 1, \"sha256Hash\": \"…\"}".into(),
        ));
    };
    match &body.query {
        Some(q) => {
            if mercator_core::digest::sha256_hex(q.as_bytes()) != hash {
                return Err((
                    ErrorCode::BadRequest,
                    "",
                    "provided sha does not match query".into(),
                ));
            }
            // A text over the size limit is refused later, with the usual message; it is
            // never remembered.
            if q.len() <= state.config.limits.max_query_bytes
                && let Ok(mut p) = state.persisted.lock()
                && !p.texts.contains_key(&hash)
            {
                if p.texts.len() >= PERSISTED_MAX || p.bytes + q.len() > PERSISTED_MAX_BYTES {
                    p.texts.clear();
                    p.bytes = 0;
                }
                p.bytes += q.len();
                p.texts.insert(hash, q.clone());
            }
            Ok(Some(q.clone()))
        }
        None => match state
            .persisted
            .lock()
            .ok()
            .and_then(|p| p.texts.get(&hash).cloned())
        {
            Some(q) => Ok(Some(q)),
            None => Err((
                ErrorCode::PersistedQueryNotFound,
                "PersistedQueryNotFound",
                String::new(),
            )),
        },
    }
}

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(GRAPHQL_RESPONSE))
}

fn op_kind(query: &str) -> &'static str {
    let mut rest = query.trim_start();
    while let Some(r) = rest.strip_prefix('#') {
        rest = r.split_once('\n').map(|x| x.1).unwrap_or("").trim_start();
    }
    if rest.starts_with("mutation") {
        "mutation"
    } else if rest.starts_with("subscription") {
        "subscription"
    } else {
        "query"
    }
}

fn count_user_errors(m: &Metrics, v: &async_graphql::Value) {
    if let async_graphql::Value::Object(o) = v {
        for (k, val) in o {
            if k.as_str() == "userErrors" {
                if let async_graphql::Value::List(l) = val {
                    for e in l {
                        if let async_graphql::Value::Object(eo) = e
                            && let Some(async_graphql::Value::Enum(c)) = eo.get("code")
                        {
                            m.error(c.as_str());
                        }
                    }
                }
            } else {
                count_user_errors(m, val);
            }
        }
    }
}

/// The deepest nesting of `{`, `[` and `(` in a query text, outside strings and comments,
/// or `None` once it passes `max` (the scan stops there). Counted on the raw text, before the
/// parser runs: the parser recurses once per level of a list or object value and its stack
/// overflowed at some 2,000 levels.
fn nesting_over(query: &str, max: usize) -> bool {
    let b = query.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i] == b'\\' && b[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// True when a JSON value holds a string with a NUL character anywhere (PostgreSQL cannot
/// store it and no field of this API has a use for it).
fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

/// The status of a request refused before execution: 400 for
/// `application/graphql-response+json`, 200 for `application/json` (GraphQL over HTTP).
fn request_error_status(media: &str) -> StatusCode {
    if media == GRAPHQL_RESPONSE {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

fn media_of(headers: &HeaderMap) -> &'static str {
    if wants_graphql_response(headers) {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    }
}

/// The refusal of a request that failed authentication (no token read, parsed or costed).
fn auth_failed(state: &AppState, e: AuthError, media: &str, started: Instant) -> Response {
    state.metrics.error(e.code.as_str());
    state
        .metrics
        .request("unknown", e.status.as_u16(), started.elapsed());
    fail(e.status, media, e.code, &e.message)
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    rc: RequestCtx,
    body: GqlBody,
    is_get: bool,
    at: &Attempt<'_>,
) -> Response {
    let Attempt {
        started,
        info,
        spent,
    } = *at;
    let media = media_of(headers);
    if let Some(e) = &body.extensions
        && !e.is_object()
        && !e.is_null()
    {
        state.metrics.error(ErrorCode::BadRequest.as_str());
        return fail(
            StatusCode::BAD_REQUEST,
            media,
            ErrorCode::BadRequest,
            "extensions must be a JSON object",
        );
    }
    let query = match persisted_query(state, &body) {
        Ok(q) => q,
        Err((code, message, detail)) => {
            state.metrics.error(code.as_str());
            let status = if code == ErrorCode::PersistedQueryNotFound {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let text = if message.is_empty() {
                detail.as_str()
            } else {
                message
            };
            return fail(status, media, code, text);
        }
    };
    let Some(query) = query.filter(|q| !q.trim().is_empty()) else {
        state.metrics.error(ErrorCode::BadRequest.as_str());
        return fail(
            StatusCode::BAD_REQUEST,
            media,
            ErrorCode::BadRequest,
            "the request has no query",
        );
    };
    let nul_in_variables = body.variables.as_ref().is_some_and(json_has_nul);
    let variables = match body.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => {
            state.metrics.error(ErrorCode::BadRequest.as_str());
            return fail(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadRequest,
                "variables must be a JSON object",
            );
        }
    };
    let kind = op_kind(&query);
    let max_bytes = state.config.limits.max_query_bytes;
    if query.len() > max_bytes {
        state.metrics.error(ErrorCode::QueryTooComplex.as_str());
        return fail(
            request_error_status(media),
            media,
            ErrorCode::QueryTooComplex,
            &format!(
                "the query text is {} bytes, over the limit of {max_bytes} (limits.max_query_bytes); \
                 send data in variables",
                query.len()
            ),
        );
    }
    if nesting_over(&query, state.config.limits.max_nesting) {
        state.metrics.error(ErrorCode::QueryTooDeep.as_str());
        return fail(
            request_error_status(media),
            media,
            ErrorCode::QueryTooDeep,
            &format!(
                "the query nests brackets more than {} deep; it was not parsed",
                state.config.limits.max_nesting
            ),
        );
    }
    if query.contains('\0') || query.contains("\\u0000") || nul_in_variables {
        state.metrics.error(ErrorCode::InvalidFormat.as_str());
        return fail(
            request_error_status(media),
            media,
            ErrorCode::InvalidFormat,
            "a string of the request contains a NUL character (\\u0000), which no field accepts",
        );
    }
    // A text that does not parse goes to the checking schema as text: it answers with the
    // parse error, coded, as for any other invalid request.
    let document = state.document(&query).ok();
    if is_get {
        match &document {
            Some(doc) => {
                let is_mutation = doc.doc.operations.iter().any(|(name, op)| {
                    let selected = match (&body.operation_name, name) {
                        (Some(want), Some(n)) => want == n.as_str(),
                        _ => true,
                    };
                    selected && op.node.ty != async_graphql::parser::types::OperationType::Query
                });
                if is_mutation {
                    let mut r = fail(
                        StatusCode::METHOD_NOT_ALLOWED,
                        media,
                        ErrorCode::BadRequest,
                        "mutations must be sent with POST",
                    );
                    r.headers_mut()
                        .insert(header::ALLOW, poem::http::HeaderValue::from_static("POST"));
                    return r;
                }
            }
            None => {
                let message = match async_graphql::parser::parse_query(&query) {
                    Err(e) => e.to_string(),
                    Ok(_) => "the query does not parse".to_owned(),
                };
                state.metrics.error(ErrorCode::GraphqlParseFailed.as_str());
                let status = if media == GRAPHQL_RESPONSE {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::OK
                };
                return fail(status, media, ErrorCode::GraphqlParseFailed, &message);
            }
        }
    }
    // async-graphql picks the operation only when it executes, after validation: a name that
    // is not in the document, or several operations and no name, would come back as an
    // execution error with `data: null`. They are request errors.
    if let Some(doc) = &document
        && let Some(message) = operation_error(&doc.doc, body.operation_name.as_deref())
    {
        state.metrics.error(ErrorCode::BadRequest.as_str());
        return fail(
            request_error_status(media),
            media,
            ErrorCode::BadRequest,
            &message,
        );
    }
    // A batch shares one budget: each request gets what the ones before it left.
    let budget = Budget {
        max_cost: rc
            .principal
            .max_query_cost
            .map(|c| c.max(0) as usize)
            .unwrap_or(state.config.limits.max_cost)
            .saturating_sub(spent.load(Ordering::Relaxed)),
        max_depth: state.config.limits.max_depth,
    };
    // Parse, validate and cost the request on the checking schema first; it stops there.
    let mut check = async_graphql::Request::new(query.clone()).variables(variables.clone());
    if let Some(op) = &body.operation_name {
        check = check.operation_name(op.clone());
    }
    if let Some(doc) = &document {
        check.set_parsed_query(doc.doc.clone());
    }
    let checked = state
        .check_schema
        .execute(check.data(budget).data(CheckOnly))
        .await;
    let passed = checked.errors.len() == 1 && checked.errors[0].message == CHECK_PASSED;
    let cost = checked
        .extensions
        .get("cost")
        .and_then(|c| match c {
            async_graphql::Value::Object(o) => o.get("requested"),
            _ => None,
        })
        .and_then(|v| match v {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        });
    if let Some(c) = cost {
        spent.fetch_add(c as usize, Ordering::Relaxed);
    }
    if let Some(info) = info {
        info.set(body.operation_name.as_deref(), cost.map(|c| c.to_string()));
    }
    let resp = if passed {
        let mut req = async_graphql::Request::new(query).variables(variables);
        if let Some(op) = body.operation_name {
            req = req.operation_name(op);
        }
        if let Some(doc) = &document {
            req.set_parsed_query(doc.doc.clone());
        }
        let gate = Arc::new(PollGate::default());
        let req = req
            .data(rc)
            .data(Loaders::new(&state.db, &gate))
            .data(budget)
            .data(state.tokens.clone());
        let mut resp = Gated::new(state.schema.execute(req), gate).await;
        if let Some(cost) = checked.extensions.get("cost") {
            resp.extensions.insert("cost".to_owned(), cost.clone());
        }
        resp.errors = std::mem::take(&mut resp.errors)
            .into_iter()
            .map(|e| coded(e, ErrorCode::BadRequest))
            .collect();
        resp
    } else {
        checked
    };
    for e in &resp.errors {
        let code = e
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .and_then(|c| {
                if let async_graphql::Value::String(s) = c {
                    Some(s.clone())
                } else {
                    None
                }
            })
            .unwrap_or_else(|| "UNKNOWN".into());
        state.metrics.error(&code);
    }
    if kind == "mutation" {
        count_user_errors(&state.metrics, &resp.data);
    }
    // A text can make thousands of validation errors; 50 say enough.
    let mut resp = resp;
    if resp.errors.len() > ERRORS_MAX {
        let left = resp.errors.len() - ERRORS_MAX;
        resp.errors.truncate(ERRORS_MAX);
        resp.errors.push(coded(
            async_graphql::ServerError::new(format!("{left} more errors left out"), None),
            ErrorCode::BadRequest,
        ));
    }
    // Refused before execution (parse, validation, budget): a request error, answered without
    // a `data` entry; 400 with application/graphql-response+json (GraphQL over HTTP).
    let request_error = !passed;
    // Acting in a company the token may not act in is 403 on every path (the header check,
    // a field that needs a company when none was given), whatever else the answer holds.
    let only_company = resp.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| {
                *c == async_graphql::Value::from(ErrorCode::CompanyNotAllowed.as_str())
            })
    });
    let status = if only_company {
        // Like the header check's refusal: no data because no company may be acted in.
        StatusCode::FORBIDDEN
    } else if request_error && media == GRAPHQL_RESPONSE {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let hint = document
        .as_ref()
        .map_or(0, |d| d.answer_size.load(Ordering::Relaxed));
    let mut bytes = Vec::with_capacity(hint.clamp(1024, ANSWER_HINT_MAX));
    let written = if request_error {
        #[derive(serde::Serialize)]
        struct RequestError<'a> {
            errors: &'a [async_graphql::ServerError],
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
        }
        serde_json::to_writer(
            &mut bytes,
            &RequestError {
                errors: &resp.errors,
                extensions: &resp.extensions,
            },
        )
    } else {
        serde_json::to_writer(&mut bytes, &resp)
    };
    if let Some(d) = &document {
        d.answer_size.store(bytes.len(), Ordering::Relaxed);
    }
    let bytes = match written {
        Ok(()) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                ErrorCode::Internal,
                "internal server error",
            );
        }
    };
    state
        .metrics
        .request(kind, status.as_u16(), started.elapsed());
    json_response(status, media, bytes)
}

/// Why a request body could not be read.
enum BodyError {
    /// Over `http.max_body_bytes`.
    TooLarge,
    /// Not complete within `http.body_timeout_seconds`, or the connection failed.
    Unread,
}

/// Reads a body of at most `limit` bytes within `timeout`. A larger body is read on (and
/// dropped) up to four times the limit, so that the client reads the refusal instead of a
/// reset connection.
async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Vec<u8>, BodyError> {
    use tokio::io::AsyncReadExt;
    let read = async {
        let mut r = body.into_async_read();
        let mut buf = Vec::new();
        (&mut r)
            .take(limit as u64 + 1)
            .read_to_end(&mut buf)
            .await
            .map_err(|_| BodyError::Unread)?;
        if buf.len() > limit {
            let _ = tokio::io::copy(&mut r.take(limit as u64 * 4), &mut tokio::io::sink()).await;
            return Err(BodyError::TooLarge);
        }
        Ok(buf)
    };
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or(Err(BodyError::Unread))
}

#[handler]
async fn graphql_post(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    let started = Instant::now();
    let headers = req.headers();
    let media = media_of(headers);
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        state.metrics.error(ErrorCode::BadRequest.as_str());
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            ErrorCode::BadRequest,
            "send the request as Content-Type: application/json",
        );
    }
    // The token is checked before the body is even read: an unauthenticated client costs a
    // header lookup and a hash, whatever it sends.
    let http = &state.config.http;
    let limit = http.max_body_bytes;
    let body_timeout = Duration::from_secs(http.body_timeout_seconds.max(1));
    let rc = match resolve_auth(&state, headers).await {
        Ok(rc) => rc,
        Err(e) => {
            // Read and dropped unparsed (within the size limit and at most two seconds), so
            // the client gets its 401 instead of a reset; the connection is then closed.
            let _ = read_body(body, limit, body_timeout.min(Duration::from_secs(2))).await;
            let mut r = auth_failed(&state, e, media, started);
            r.headers_mut().insert(
                header::CONNECTION,
                poem::http::HeaderValue::from_static("close"),
            );
            return r;
        }
    };
    let bytes = match read_body(body, limit, body_timeout).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            state.metrics.error(ErrorCode::BadRequest.as_str());
            return fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                ErrorCode::BadRequest,
                &format!("the request body is over {limit} bytes (http.max_body_bytes)"),
            );
        }
        Err(BodyError::Unread) => {
            state.metrics.error(ErrorCode::BadRequest.as_str());
            let mut r = fail(
                StatusCode::REQUEST_TIMEOUT,
                media,
                ErrorCode::BadRequest,
                &format!(
                    "the request body did not arrive within {} seconds (http.body_timeout_seconds)",
                    http.body_timeout_seconds
                ),
            );
            r.headers_mut().insert(
                header::CONNECTION,
                poem::http::HeaderValue::from_static("close"),
            );
            return r;
        }
    };
    let parsed: Batch = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(e) => {
            state.metrics.error(ErrorCode::BadRequest.as_str());
            return fail(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadRequest,
                &format!("the body is not a GraphQL request: {e}"),
            );
        }
    };
    answer(&state, req, rc, parsed, started).await
}

/// Answers a parsed POST body: one request, or a JSON array of them (a batch, as Apollo's
/// `BatchHttpLink` sends), each answered in order into one array.
async fn answer(
    state: &AppState,
    req: &Request,
    rc: RequestCtx,
    parsed: Batch,
    started: Instant,
) -> Response {
    let headers = req.headers();
    let info = req.extensions().get::<Arc<RequestInfo>>().map(|i| &**i);
    let items = match parsed {
        Batch::One(b) => {
            let spent = AtomicUsize::new(0);
            let at = Attempt {
                started,
                info,
                spent: &spent,
            };
            return execute(state, headers, rc, *b, false, &at).await;
        }
        Batch::Many(items) => items,
    };
    let media = media_of(headers);
    if items.is_empty() || items.len() > BATCH_MAX {
        state.metrics.error(ErrorCode::BadRequest.as_str());
        return fail(
            StatusCode::BAD_REQUEST,
            media,
            ErrorCode::BadRequest,
            &format!("a batch holds 1 to {BATCH_MAX} requests"),
        );
    }
    let mut out = Vec::with_capacity(items.len() * 256);
    out.push(b'[');
    let spent = AtomicUsize::new(0);
    let at = Attempt {
        started,
        info,
        spent: &spent,
    };
    let mut forbidden = false;
    for (i, b) in items.into_iter().enumerate() {
        let one = execute(state, headers, rc.clone(), b, false, &at).await;
        forbidden |= one.status() == StatusCode::FORBIDDEN;
        if i > 0 {
            out.push(b',');
        }
        match one.into_body().into_vec().await {
            Ok(v) => out.extend_from_slice(&v),
            Err(_) => {
                out.extend_from_slice(&error_body(ErrorCode::Internal, "internal server error"))
            }
        }
    }
    out.push(b']');
    // A company the token may not act in refuses the batch as it refuses a single request.
    let status = if forbidden {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    json_response(status, media, out)
}

/// What an answer is counted against: when the HTTP request started, its log record, and the
/// cost its earlier batch items spent.
#[derive(Clone, Copy)]
struct Attempt<'a> {
    started: Instant,
    info: Option<&'a RequestInfo>,
    spent: &'a AtomicUsize,
}

/// Most requests in one batch.
const BATCH_MAX: usize = 20;

/// Why the operation to run cannot be chosen: a name the document does not have, or several
/// operations and no name.
fn operation_error(
    doc: &async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<String> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, name) {
        (DocumentOperations::Single(_), None) => None,
        (DocumentOperations::Multiple(ops), None) => (ops.len() > 1)
            .then(|| "the document has several operations: name one in operationName".to_owned()),
        (ops, Some(want)) => {
            let found = ops
                .iter()
                .any(|(n, _)| n.is_some_and(|n| n.as_str() == want));
            (!found).then(|| format!("the document has no operation named \"{want}\""))
        }
    }
}

/// Most errors in one answer (the rest are counted in one more error).
const ERRORS_MAX: usize = 50;

/// A POST body: one GraphQL request or a batch.
#[derive(Deserialize)]
#[serde(untagged)]
enum Batch {
    One(Box<GqlBody>),
    Many(Vec<GqlBody>),
}

/// What the request log line says about a GraphQL request, filled in by its handler.
#[derive(Default)]
pub struct RequestInfo(Mutex<(Option<String>, Option<String>)>);

impl RequestInfo {
    fn set(&self, operation: Option<&str>, cost: Option<String>) {
        if let Ok(mut m) = self.0.lock() {
            if m.0.is_none() {
                m.0 = operation.map(str::to_owned);
            }
            m.1 = cost;
        }
    }
}

/// The request id: the client's `X-Request-Id` when it is 1 to 128 visible ASCII characters,
/// otherwise a new one.
fn request_id(headers: &HeaderMap) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    if let Some(v) = headers.get("x-request-id").and_then(|v| v.to_str().ok())
        && (1..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_graphic())
    {
        return v.to_owned();
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) as u64;
    format!("{:016x}", nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Gives every request an id (echoed in `X-Request-Id`) and logs one line per request on the
/// `mercator::request` target: id, method, path, status, duration, and for GraphQL the
/// operation name and cost. Health and metrics probes log at debug.
async fn log_requests(
    next: Arc<poem::endpoint::BoxEndpoint<'static>>,
    mut req: Request,
) -> poem::Result<Response> {
    let started = Instant::now();
    let id = request_id(req.headers());
    let info = Arc::new(RequestInfo::default());
    req.extensions_mut().insert(info.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut resp = next.get_response(req).await;
    if let Ok(v) = poem::http::HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let (operation, cost) = info.0.lock().map(|m| m.clone()).unwrap_or_default();
    let status = resp.status().as_u16();
    let ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    if matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics") {
        tracing::debug!(target: "mercator::request", request_id = %id, %method, path, status, ms);
    } else {
        tracing::info!(
            target: "mercator::request",
            request_id = %id,
            %method,
            path,
            status,
            ms,
            operation = operation.as_deref().unwrap_or(""),
            cost = cost.as_deref().unwrap_or(""),
        );
    }
    Ok(resp)
}

#[handler]
async fn graphql_get(req: &Request, state: Data<&Arc<AppState>>) -> Response {
    let headers = req.headers();
    let params: HashMap<String, String> = req.params().unwrap_or_default();
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if html && !params.contains_key("query") {
        return crate::graphiql::page().into_response();
    }
    let media = if wants_graphql_response(headers) {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    let started = Instant::now();
    let rc = match resolve_auth(&state, headers).await {
        Ok(rc) => rc,
        Err(e) => return auth_failed(&state, e, media, started),
    };
    let variables = match params
        .get("variables")
        .map(|v| serde_json::from_str::<serde_json::Value>(v))
    {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return fail(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadRequest,
                "variables must be JSON",
            );
        }
    };
    let extensions = match params
        .get("extensions")
        .map(|v| serde_json::from_str::<serde_json::Value>(v))
    {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return fail(
                StatusCode::BAD_REQUEST,
                media,
                ErrorCode::BadRequest,
                "extensions must be JSON",
            );
        }
    };
    let body = GqlBody {
        query: params.get("query").cloned(),
        operation_name: params.get("operationName").cloned(),
        variables,
        extensions,
    };
    let info = req.extensions().get::<Arc<RequestInfo>>().map(|i| &**i);
    let spent = AtomicUsize::new(0);
    let at = Attempt {
        started,
        info,
        spent: &spent,
    };
    execute(&state, headers, rc, body, true, &at).await
}

/// `GET /documents/invoices/{id}?format=CODE`: a posted invoice rendered in an invoice format
/// (`MERCATOR_JSON` when no format is given), with the format's media type and a file name.
/// `{id}` is the invoice's GraphQL ID. The same bearer token, company header and roles as the
/// API: viewer or above, and only invoices of the request's company (another company's ID
/// answers 404, like one that does not exist).
#[handler]
async fn invoice_document(req: &Request, state: Data<&Arc<AppState>>) -> Response {
    let started = Instant::now();
    let media = "application/json";
    let rc = match resolve_auth(&state, req.headers()).await {
        Ok(rc) => rc,
        Err(e) => return auth_failed(&state, e, media, started),
    };
    if !rc.principal.has(mercator_core::auth::Role::Viewer) {
        return fail(
            StatusCode::FORBIDDEN,
            media,
            ErrorCode::Forbidden,
            "this download needs the viewer role",
        );
    }
    let Some(company) = rc.company else {
        return fail(
            StatusCode::FORBIDDEN,
            media,
            ErrorCode::CompanyNotAllowed,
            "this token may act in several companies: choose one with the X-Mercator-Company header",
        );
    };
    let raw = req.path_params::<String>().unwrap_or_default();
    let not_found = || {
        fail(
            StatusCode::NOT_FOUND,
            media,
            ErrorCode::NotFound,
            "no such invoice in this company",
        )
    };
    let Ok(id) = crate::graphql::ids::decode(
        &async_graphql::ID(raw),
        crate::graphql::ids::Kind::CustomerInvoice,
    ) else {
        return not_found();
    };
    #[derive(Deserialize)]
    struct DocumentQuery {
        format: Option<String>,
    }
    let format = req
        .params::<DocumentQuery>()
        .ok()
        .and_then(|q| q.format)
        .unwrap_or_else(|| mercator_core::extension::builtin::MERCATOR_JSON.to_owned());
    use mercator_core::sales::invoicing;
    let inv = match invoicing::get_invoice(&state.db.conn, company.id, id).await {
        Ok(i) => i,
        Err(mercator_core::error::ServiceError::NotFound(_)) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "invoice document");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                ErrorCode::Internal,
                "the invoice could not be read",
            );
        }
    };
    // as posted: a later change of the customer or a tax rate does not change it
    let doc = match invoicing::document_of_posted(&state.db.conn, &inv).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "invoice document");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                ErrorCode::Internal,
                "the invoice could not be read",
            );
        }
    };
    match state
        .registry
        .render_invoice(mercator_core::extension::messages::RenderInvoiceRequest {
            v: 1,
            format,
            invoice: doc,
        })
        .await
    {
        Ok(r) => {
            // the file name as a plugin made it, reduced to characters safe in a header
            let name: String = r
                .file_name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, r.media_type)
                .header(
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                )
                .header(header::CACHE_CONTROL, "no-store")
                .header("x-content-type-options", "nosniff")
                .body(r.bytes)
        }
        Err(e) => {
            use mercator_core::extension::ExtensionError as X;
            let (status, code) = match &e {
                X::UnknownCode { .. } => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
                X::Unsupported { .. } => (StatusCode::NOT_IMPLEMENTED, ErrorCode::Unsupported),
                X::Rejected(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::RejectedByExtension,
                ),
                X::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, ErrorCode::PluginTimeout),
                X::Fault { .. } | X::Malformed { .. } => {
                    tracing::error!("{e}");
                    (StatusCode::BAD_GATEWAY, ErrorCode::PluginFault)
                }
            };
            fail(status, media, code, &e.to_string())
        }
    }
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[handler]
async fn readyz(state: Data<&Arc<AppState>>) -> Response {
    match (state.db.ping().await, state.db.is_migrated().await) {
        (Ok(()), Ok(true)) => Response::builder().status(StatusCode::OK).body("ready"),
        (Ok(()), Ok(false)) => Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .body("migrations pending"),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .body("database unreachable")
        }
    }
}

#[handler]
fn metrics(state: Data<&Arc<AppState>>) -> Response {
    let body = state
        .metrics
        .render(&state.db, state.config.database_max_connections);
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}

/// Headers a browser may send cross-origin: the API's own, and the tracing and correlation
/// headers front-end libraries add (`cors_allowed_headers` adds more).
const CORS_HEADERS: [&str; 8] = [
    "authorization",
    "content-type",
    COMPANY_HEADER,
    "x-request-id",
    "traceparent",
    "tracestate",
    "baggage",
    "sentry-trace",
];

/// Drops the `Origin` header of a same-origin request (its origin is the server's own address,
/// as the built-in GraphiQL's POSTs are), so CORS applies to other origins only.
async fn same_origin(mut req: Request) -> poem::Result<Request> {
    if is_same_origin(req.headers()) {
        req.headers_mut().remove(header::ORIGIN);
    }
    Ok(req)
}

/// True when the `Origin` names this server as the client reached it: the same host and port
/// as the `Host` header, over `http` or `https` (behind a TLS proxy the browser's origin is
/// `https://…` while the request reaches this server as plain HTTP).
fn is_same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let (Some(host), Some(origin)) = (host, origin) else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .or_else(|| origin.strip_prefix("HTTP://"))
        .or_else(|| origin.strip_prefix("HTTPS://"));
    authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

/// A request refused by CORS, answered like every other refusal: JSON with a code.
async fn cors_refused(e: poem::error::CorsError) -> Response {
    fail(
        StatusCode::FORBIDDEN,
        "application/json",
        ErrorCode::Forbidden,
        &format!("{e}: this origin is not in cors_origins"),
    )
}

/// The routes of the server: request ids and the request log around everything, CORS when
/// origins are configured (same-origin requests exempt).
pub fn routes(state: Arc<AppState>) -> poem::endpoint::BoxEndpoint<'static> {
    let origins = state.config.cors_origins.clone();
    let extra_headers = state.config.cors_allowed_headers.clone();
    let app = Route::new()
        .at("/graphql", get(graphql_get).post(graphql_post))
        .at("/graphiql/:file", get(crate::graphiql::asset))
        .at("/documents/invoices/:id", get(invoice_document))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/metrics", get(metrics))
        .data(state);
    let app = if origins.is_empty() {
        app.boxed()
    } else {
        // Tokens travel in the Authorization header, never in cookies: no credentials.
        let mut cors = poem::middleware::Cors::new()
            .allow_methods([poem::http::Method::GET, poem::http::Method::POST])
            .allow_headers(
                CORS_HEADERS
                    .iter()
                    .map(|h| (*h).to_owned())
                    .chain(extra_headers),
            )
            .expose_header("x-request-id")
            .max_age(600);
        if !origins.iter().any(|o| o == "*") {
            cors = cors.allow_origins(origins);
        }
        app.with(cors)
            .catch_error(cors_refused)
            .before(same_origin)
            .boxed()
    };
    app.around(log_requests).boxed()
}

/// Binds the listening socket; returns it with the address it got (port 0 picks a free one).
pub async fn bind(addr: &str) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// Serves until `shutdown` completes, then lets requests in flight finish for up to
/// `http.shutdown_grace_seconds`.
///
/// The connection loop is hyper's own (the one poem runs), set up with what poem does not
/// expose: a header-read timeout (a client that does not finish its request line and headers
/// in time, or keeps a connection idle that long, is disconnected) and a cap on open
/// connections (one over the cap is closed at once, so the process never runs out of file
/// descriptors and `/healthz` stays reachable). The body has its own timeout in the handler.
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use poem::web::{LocalAddr, RemoteAddr};
    use tokio::sync::{Semaphore, watch};

    let http = state.config.http.clone();
    let endpoint = Arc::new(routes(state.clone()));
    let local = LocalAddr(poem::Addr::SocketAddr(listener.local_addr()?));
    let slots = Arc::new(Semaphore::new(http.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let header_timeout = Duration::from_secs(http.header_timeout_seconds.max(1));
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was taken:
                    // wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            state.metrics.connection_refused();
            // A short answer instead of a bare reset: the 503 is written, the sending side shut,
            // and what the client sent read and dropped for at most 200 ms (closing with
            // unread data would reset the connection and lose the answer).
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut stream = stream;
                let refuse = async {
                    stream
                        .write_all(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                        .await?;
                    stream.shutdown().await?;
                    let mut sink = [0u8; 1024];
                    while stream.read(&mut sink).await? > 0 {}
                    Ok::<(), std::io::Error>(())
                };
                let _ = tokio::time::timeout(Duration::from_millis(200), refuse).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let endpoint = endpoint.clone();
        let local = local.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let remote = RemoteAddr(poem::Addr::SocketAddr(remote));
            let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                let endpoint = endpoint.clone();
                let req: Request = (
                    req,
                    local.clone(),
                    remote.clone(),
                    poem::http::uri::Scheme::HTTP,
                )
                    .into();
                async move {
                    let resp = endpoint.get_response(req).await;
                    Ok::<_, std::convert::Infallible>(poem::http::Response::from(resp))
                }
            });
            // HTTP/1.1 only: hyper's version detection for cleartext HTTP/2 waits for bytes with
            // no timeout (a client that sends nothing would hold its slot for ever), and
            // HTTP/2 connections have no header timeout. The header timer starts as soon as
            // the connection is open, so a silent client is closed like a slow one.
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let conn = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            // Edition 2024: the guard `wait_for` returns is dropped before the block ends, so
            // the future stays `Send`.
            let stopping = async move { stop.wait_for(|s| *s).await.is_ok() };
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopping => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection gives its slot back when it ends; wait for all of them, within grace.
    let all = u32::try_from(http.max_connections.max(1)).unwrap_or(u32::MAX);
    let grace = Duration::from_secs(http.shutdown_grace_seconds);
    if tokio::time::timeout(grace, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            grace_seconds = http.shutdown_grace_seconds,
            "requests still running after the shutdown grace period; stopping anyway"
        );
    }
    Ok(())
}
