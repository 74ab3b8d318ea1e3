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
            typenames: AtomicUsize::new(0),
        })
    }
}

/// Per-request state: the computed cost.
pub struct LimitsExt {
    cost: AtomicUsize,
    budget: AtomicUsize,
    /// `__typename` selections in the document: async-graphql's complexity leaves them out,
    /// so 100,000 aliases of it once cost nothing. Each costs 1 here.
    typenames: AtomicUsize,
}

/// Counts the `__typename` selections of a document's operations and fragments.
fn typenames(doc: &ExecutableDocument) -> usize {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) if f.node.name.node == "__typename" => 1,
                Selection::Field(f) => walk(&f.node.selection_set.node),
                Selection::InlineFragment(i) => walk(&i.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    doc.operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|f| walk(&f.node.selection_set.node)),
        )
        .sum()
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
        self.typenames.store(typenames(&doc), Ordering::Relaxed);
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
        let complexity = r
            .complexity
            .saturating_add(self.typenames.load(Ordering::Relaxed));
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
