//! Objects whose fields are answered in place, by their own resolvers.
//!
//! Owns: [`Fast`]. async-graphql resolves every field of every object through a boxed future,
//! a field context and an insert into the response map, joined with the object's other fields;
//! for an item or an amount of money with two fields that was about 3,400 instructions per
//! object, more than reading its row (docs/performance.md, "Leaf objects"). A [`Fast`] object
//! calls each selected scalar, enum or value-object field's own resolver
//! (`ContainerType::resolve_field`, what `#[Object]` generates from the one declaration of the
//! field) and polls it once, in place: a field whose value is at hand (a column, a value
//! computed from the row, an amount whose currency is loaded) is ready at once and goes
//! straight into the answer. A field that has to wait, and every relation, is resolved the
//! ordinary way, concurrently with the object's other waiting fields, so every row of a page
//! still registers its keys before a loader batch runs; the answer keeps the selection's order. A field whose
//! resolver fails is resolved again the ordinary way, which reports the error as async-graphql
//! does. When the selection holds anything this does not handle (a directive, a fragment on
//! another type, one response key for two selections with sub-selections) the whole object
//! goes the ordinary way, so the answer is the same either way (a differential test checks it).
//! There is no list of fields here: a new field is answered in place as soon as its resolver
//! exists.
//!
//! Each try creates the object's `resolve_field` future, a state machine as large as the
//! largest of the object's field resolvers, and moves it: a field that runs a service call
//! (a rendered document, the next actions) boxes its body, so the future every other field
//! pays for stays small (an invoice's fell from 7,008 to 832 bytes; docs/performance.md).

use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContainerType, ContextSelectionSet, OutputType, Positioned, ServerResult, Value,
    indexmap::IndexMap,
};
use std::borrow::Cow;
use std::future::Future;
use std::task::{Context as TaskContext, Poll, Waker};

/// The output of a future that is ready when first polled; `None` when it would wait (it is
/// then dropped: a loader key it registered is loaded by the batch anyway, and asked again by
/// the ordinary resolution).
fn ready_now<F: Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// Object types made from their parent's row, never loaded: a field of one of these types is
/// tried in place like a scalar.
const VALUE_OBJECTS: &[&str] = &["Money"];

/// The answer being built: fields answered in place, the others as placeholders to fill.
struct Plan<'a> {
    /// The object's type in the schema, looked up when a field with a sub-selection first
    /// needs it (an amount of money never does).
    meta: Option<Option<&'a async_graphql::registry::MetaType>>,
    out: IndexMap<async_graphql::Name, Value>,
    /// Fields to resolve the ordinary way, with their place in `out`.
    rest: Vec<(usize, &'a Positioned<Field>)>,
}

impl<'a> Plan<'a> {
    fn new(ctx: &ContextSelectionSet<'a>) -> Self {
        Plan {
            meta: None,
            out: IndexMap::with_capacity(ctx.item.node.items.len()),
            rest: Vec::new(),
        }
    }

    /// Walks a selection set; `None` when the object must go the ordinary way.
    fn collect<T: ContainerType>(
        &mut self,
        obj: &T,
        type_name: &str,
        ctx: &ContextSelectionSet<'a>,
        set: &'a SelectionSet,
    ) -> Option<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let f = &field.node;
                    if !f.directives.is_empty() {
                        return None;
                    }
                    let key = &f.response_key().node;
                    if self.out.contains_key(key) {
                        // The same response key twice is one field (validation made them
                        // equal); with sub-selections they would have to be merged: left to
                        // async-graphql.
                        if f.selection_set.node.items.is_empty() {
                            continue;
                        }
                        return None;
                    }
                    if f.name.node == "__typename" {
                        self.out
                            .insert(key.clone(), Value::String(type_name.to_owned()));
                        continue;
                    }
                    // Scalars, enums and value objects are tried in place; a relation would
                    // only start a load to drop it.
                    let try_now = f.selection_set.node.items.is_empty() || {
                        let meta = *self.meta.get_or_insert_with(|| {
                            let env: &'a async_graphql::SchemaEnv = ctx.schema_env;
                            env.registry.types.get(type_name)
                        });
                        meta.and_then(|m| m.field_by_name(&f.name.node))
                            .is_some_and(|m| VALUE_OBJECTS.contains(&m.ty.trim_end_matches('!')))
                    };
                    let now = if try_now {
                        ready_now(obj.resolve_field(&ctx.with_field(field)))
                    } else {
                        None
                    };
                    match now {
                        Some(Ok(v)) => {
                            self.out.insert(key.clone(), v.unwrap_or_default());
                        }
                        _ => {
                            let (i, _) = self.out.insert_full(key.clone(), Value::Null);
                            self.rest.push((i, field));
                        }
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let applies = fragment
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| c.node.on.node == type_name);
                    if !applies || !fragment.directives.is_empty() {
                        return None;
                    }
                    self.collect(obj, type_name, ctx, &fragment.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => {
                    if !spread.node.directives.is_empty() {
                        return None;
                    }
                    let env: &'a async_graphql::QueryEnv = ctx.query_env;
                    let fragment = env.fragments.get(&spread.node.fragment_name.node)?;
                    if fragment.node.type_condition.node.on.node != type_name
                        || !fragment.node.directives.is_empty()
                    {
                        return None;
                    }
                    self.collect(obj, type_name, ctx, &fragment.node.selection_set.node)?;
                }
            }
        }
        Some(())
    }
}

/// An object answered in place where it can be (see the module), its other fields by `T`'s
/// own resolvers. Same GraphQL type as `T`: the schema does not change.
#[derive(Clone, Debug)]
pub struct Fast<T>(pub T);

impl<T: ContainerType> OutputType for Fast<T> {
    fn type_name() -> Cow<'static, str> {
        <T as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <T as OutputType>::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        <T as OutputType>::introspection_type_name(&self.0)
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <T as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let obj = &self.0;
        let type_name = obj.introspection_type_name();
        let mut plan = Plan::new(ctx);
        if plan.collect(obj, &type_name, ctx, &ctx.item.node).is_none() {
            // boxed: rare, and kept out of the size of every future that awaits a `Fast`
            return Box::pin(<T as OutputType>::resolve(obj, ctx, field)).await;
        }
        if !plan.rest.is_empty() {
            // Concurrently, as async-graphql resolves an object's fields: every relation of
            // every row of a page registers its key before a loader batch runs.
            let rest = std::mem::take(&mut plan.rest);
            let answers =
                futures_util::future::join_all(rest.into_iter().map(|(i, f)| async move {
                    let ctx_field = ctx.with_field(f);
                    (i, obj.resolve_field(&ctx_field).await)
                }))
                .await;
            let mut failed = Vec::new();
            for (i, answer) in answers {
                match answer {
                    Ok(v) => {
                        if let Some((_, slot)) = plan.out.get_index_mut(i) {
                            *slot = v.unwrap_or_default();
                        }
                    }
                    // As async-graphql does: the error is reported and the field left out.
                    Err(e) => {
                        ctx.add_error(e);
                        failed.push(i);
                    }
                }
            }
            for i in failed.into_iter().rev() {
                plan.out.shift_remove_index(i);
            }
        }
        Ok(if plan.out.is_empty() {
            Value::Null
        } else {
            Value::Object(plan.out)
        })
    }
}
