//! Query limits and cost reporting.
//!
//! The cost (async-graphql's complexity: one per field, lists multiplied by their page size)
//! and the depth are computed at validation. A query over the budget is refused before it
//! runs, with a message saying how far over it is; otherwise the cost is returned in
//! `extensions.cost`. The budget comes from the server configuration or the token.
//! Errors raised before execution (parse, validation) get their `extensions.code` here.
//! The extension is installed on a separate checking schema only (see
//! `graphql::build_check_schema`), so executing a request pays no per-field extension cost.

use super::errors::ErrorCode;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Budget of one request.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Largest cost allowed.
    pub max_cost: usize,
    /// Deepest nesting allowed.
    pub max_depth: usize,
}

/// In a request's data: stop after validation (the request is only being checked). The
/// response then carries the single error [`CHECK_PASSED`] when the request may run.
#[derive(Debug, Clone, Copy)]
pub struct CheckOnly;

/// Message of the error that ends a checked request which passed every check.
pub const CHECK_PASSED: &str = "__mercator_check_passed";

/// Factory of [`LimitsExt`].
pub struct Limits;

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExt {
            cost: AtomicUsize::new(usize::MAX),
            budget: AtomicUsize::new(0),
            uncounted: std::sync::Mutex::new(Uncounted::default()),
        })
    }
}

/// Per-request state: the computed cost.
pub struct LimitsExt {
    cost: AtomicUsize,
    budget: AtomicUsize,
    /// What the complexity leaves out ([`Uncounted`]).
    uncounted: std::sync::Mutex<Uncounted>,
}

/// What async-graphql's complexity leaves out, counted on the document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Uncounted {
    /// `__typename` selections, each times the page size of the lists around it (100,000
    /// aliases of it once cost nothing, and 13,000 inside a page of 100 cost 13,000).
    typenames: usize,
    /// `__schema` selections: each lists the whole schema.
    schemas: usize,
    /// `__type` selections, times the lists around them.
    types: usize,
}

/// Cost of one `__schema` selection: it answers every type, field and argument.
const SCHEMA_COST: usize = 1_000;
/// Cost of one `__type` selection.
const TYPE_COST: usize = 20;

impl Uncounted {
    fn cost(self) -> usize {
        self.typenames
            .saturating_add(self.schemas.saturating_mul(SCHEMA_COST))
            .saturating_add(self.types.saturating_mul(TYPE_COST))
    }
}

/// Counts what the complexity leaves out in a document's operations, following fragments. A
/// field with a `first` or `last` argument multiplies what is below it by that page size, a
/// connection without one by the default page (the same rule as the list fields' cost).
fn uncounted(doc: &ExecutableDocument, variables: &Variables) -> Uncounted {
    use async_graphql::parser::types::{Field, Selection, SelectionSet};
    fn page(f: &Field, variables: &Variables) -> usize {
        let n = f
            .arguments
            .iter()
            .find(|(n, _)| n.node == "first" || n.node == "last")
            .and_then(|(_, v)| {
                v.node
                    .clone()
                    .into_const_with(|name| variables.get(&name).cloned().ok_or(()))
                    .ok()
            })
            .and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                _ => None,
            });
        let connection = f.selection_set.node.items.iter().any(|s| {
            matches!(&s.node, Selection::Field(c)
                if matches!(c.node.name.node.as_str(), "nodes" | "edges"))
        });
        match n {
            Some(n) => n.clamp(1, 1_000) as usize,
            None if connection => mercator_core::paging::DEFAULT_PAGE as usize,
            None => 1,
        }
    }
    fn walk(
        doc: &ExecutableDocument,
        variables: &Variables,
        set: &SelectionSet,
        mult: usize,
        depth: usize,
        out: &mut Uncounted,
    ) {
        if depth > 64 {
            return;
        }
        for s in &set.items {
            match &s.node {
                Selection::Field(f) => match f.node.name.node.as_str() {
                    "__typename" => out.typenames = out.typenames.saturating_add(mult),
                    "__schema" => out.schemas = out.schemas.saturating_add(mult),
                    "__type" => out.types = out.types.saturating_add(mult),
                    _ => {
                        let m = mult.saturating_mul(page(&f.node, variables));
                        walk(
                            doc,
                            variables,
                            &f.node.selection_set.node,
                            m,
                            depth + 1,
                            out,
                        );
                    }
                },
                Selection::InlineFragment(i) => {
                    walk(
                        doc,
                        variables,
                        &i.node.selection_set.node,
                        mult,
                        depth + 1,
                        out,
                    );
                }
                Selection::FragmentSpread(f) => {
                    if let Some(def) = doc.fragments.get(&f.node.fragment_name.node) {
                        walk(
                            doc,
                            variables,
                            &def.node.selection_set.node,
                            mult,
                            depth + 1,
                            out,
                        );
                    }
                }
            }
        }
    }
    let mut out = Uncounted::default();
    for (_, op) in doc.operations.iter() {
        walk(doc, variables, &op.node.selection_set.node, 1, 0, &mut out);
    }
    out
}

/// Gives an error `code` unless it already has one.
pub(crate) fn coded(mut e: ServerError, code: ErrorCode) -> ServerError {
    let has = e
        .extensions
        .as_ref()
        .is_some_and(|x| x.get("code").is_some());
    if !has {
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
    e
}

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExt {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        let cost = self.cost.load(Ordering::Relaxed);
        if cost != usize::MAX {
            let budget = self.budget.load(Ordering::Relaxed);
            let mut m = async_graphql::indexmap::IndexMap::new();
            m.insert(
                async_graphql::Name::new("requested"),
                Value::from(cost as u64),
            );
            m.insert(
                async_graphql::Name::new("budget"),
                Value::from(budget as u64),
            );
            resp.extensions.insert("cost".to_owned(), Value::Object(m));
        }
        resp.errors = resp
            .errors
            .into_iter()
            .map(|e| coded(e, ErrorCode::BadRequest))
            .collect();
        resp
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next
            .run(ctx, query, variables)
            .await
            .map_err(|e| coded(e, ErrorCode::GraphqlParseFailed))?;
        let u = uncounted(&doc, variables);
        if u.schemas > 1 {
            return Err(coded(
                ServerError::new(
                    "introspect the schema (__schema) at most once per request",
                    None,
                ),
                ErrorCode::QueryTooComplex,
            ));
        }
        if let Ok(mut m) = self.uncounted.lock() {
            *m = u;
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let r = next.run(ctx).await.map_err(|es| {
            es.into_iter()
                .map(|e| coded(e, ErrorCode::GraphqlValidationFailed))
                .collect::<Vec<_>>()
        })?;
        let extra = self.uncounted.lock().map(|u| u.cost()).unwrap_or(0);
        let complexity = r.complexity.saturating_add(extra);
        self.cost.store(complexity, Ordering::Relaxed);
        if let Some(b) = ctx.data_opt::<Budget>() {
            self.budget.store(b.max_cost, Ordering::Relaxed);
            if complexity > b.max_cost {
                return Err(vec![coded(
                    ServerError::new(
                        format!(
                            "query cost {} is over the budget of {} by {}; ask for smaller pages or fewer fields",
                            complexity,
                            b.max_cost,
                            complexity - b.max_cost
                        ),
                        None,
                    ),
                    ErrorCode::QueryTooComplex,
                )]);
            }
            if r.depth > b.max_depth {
                return Err(vec![coded(
                    ServerError::new(
                        format!(
                            "query depth {} is over the limit of {} by {}",
                            r.depth,
                            b.max_depth,
                            r.depth - b.max_depth
                        ),
                        None,
                    ),
                    ErrorCode::QueryTooDeep,
                )]);
            }
        }
        if ctx.data_opt::<CheckOnly>().is_some() {
            return Err(vec![ServerError::new(CHECK_PASSED, None)]);
        }
        Ok(r)
    }
}
