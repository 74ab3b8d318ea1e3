//! Objects whose plain fields are answered without a future per field.
//!
//! Owns: [`Leaves`], [`Fast`], [`resolve_leaves`] and [`nested`]. async-graphql resolves every
//! field of every object through a boxed future, a field context and an insert into the
//! response map; for an item or an amount of money with two fields that was about 3,400
//! instructions per object, more than reading its row (docs/performance.md, "Leaf objects").
//! A field selected plainly (no argument, no directive) whose value the object has at hand
//! ([`Leaves::leaf_field`]: a column, or an amount of money whose currency is already loaded)
//! is answered directly; the other fields of a [`Fast`] object (its relations) are resolved by
//! the object's own resolvers, concurrently, and the answer keeps the selection's order. When
//! the selection holds anything else (a fragment on another type, a directive on a relation,
//! one response key for two relation selections) the whole object goes the ordinary way, so
//! the answer is the same either way (a differential test checks it).
//! Must never: answer a field whose value needs I/O, a check or an argument; `leaf_field`
//! returns `None` for those and the ordinary resolver runs.

use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContainerType, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
    indexmap::IndexMap,
};
use std::borrow::Cow;

/// An object some of whose fields are plain values.
pub trait Leaves: Send + Sync {
    /// The GraphQL type name (for `__typename` and fragment type conditions).
    fn graphql_type(&self) -> Cow<'static, str>;
    /// The value of field `name` when it is a plain scalar: what the ordinary resolver answers
    /// for it, with no I/O. `None` for any other field.
    fn leaf(&self, name: &str) -> Option<Value>;
    /// The value of a selected field (no argument, no directive) when the object has it at
    /// hand, with the field's own sub-selection applied (see [`nested`]); by default the
    /// scalar [`Leaves::leaf`] of its name. `None` runs the ordinary resolver.
    fn leaf_field<'a>(
        &self,
        ctx: &ContextSelectionSet<'a>,
        field: &'a Positioned<Field>,
    ) -> Option<Value> {
        let _ = ctx;
        self.leaf(&field.node.name.node)
    }
}

impl<T: Leaves + ?Sized> Leaves for &T {
    fn graphql_type(&self) -> Cow<'static, str> {
        T::graphql_type(self)
    }
    fn leaf(&self, name: &str) -> Option<Value> {
        T::leaf(self, name)
    }
    fn leaf_field<'a>(
        &self,
        ctx: &ContextSelectionSet<'a>,
        field: &'a Positioned<Field>,
    ) -> Option<Value> {
        T::leaf_field(self, ctx, field)
    }
}

/// The value of an object-typed field whose object is at hand (an amount of money): the
/// object answered through its leaves for the field's sub-selection; `None` when it cannot be.
pub fn nested<'a, T: Leaves>(
    ctx: &ContextSelectionSet<'a>,
    field: &'a Positioned<Field>,
    obj: &T,
) -> Option<Value> {
    let ctx_field = ctx.with_field(field);
    resolve_leaves(
        obj,
        &ctx_field.with_selection_set(&field.node.selection_set),
    )
}

/// The object's value when every selected field is a leaf; `None` otherwise.
pub fn resolve_leaves<T: Leaves>(obj: &T, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
    let mut plan = Plan::new(ctx);
    let type_name = obj.graphql_type();
    plan.collect(obj, &type_name, ctx, &ctx.item.node, false)?;
    Some(plan.finish())
}

/// The answer being built: leaves in place, relations as placeholders to fill.
struct Plan<'a> {
    out: IndexMap<Name, Value>,
    /// Fields to resolve the ordinary way, with their place in `out`.
    rest: Vec<(usize, &'a Positioned<Field>)>,
}

impl<'a> Plan<'a> {
    fn new(ctx: &ContextSelectionSet<'a>) -> Self {
        Plan {
            out: IndexMap::with_capacity(ctx.item.node.items.len()),
            rest: Vec::new(),
        }
    }

    /// Walks a selection set; `None` when the object must go the ordinary way.
    fn collect<T: Leaves>(
        &mut self,
        obj: &T,
        type_name: &str,
        ctx: &ContextSelectionSet<'a>,
        set: &'a SelectionSet,
        relations: bool,
    ) -> Option<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let f = &field.node;
                    let key = &f.response_key().node;
                    let leaf = if f.name.node == "__typename" {
                        Some(Value::String(type_name.to_owned()))
                    } else if f.arguments.is_empty() && f.directives.is_empty() {
                        obj.leaf_field(ctx, field)
                    } else {
                        None
                    };
                    match leaf {
                        // The same response key twice is one field (validation made them
                        // equal): the first keeps its place, as in async-graphql's own merge.
                        Some(value) => {
                            self.out.entry(key.clone()).or_insert(value);
                        }
                        // A relation selected twice under one key merges two sub-selections:
                        // left to async-graphql.
                        None if relations
                            && f.directives.is_empty()
                            && !self.out.contains_key(key) =>
                        {
                            let (i, _) = self.out.insert_full(key.clone(), Value::Null);
                            self.rest.push((i, field));
                        }
                        None => return None,
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
                    self.collect(obj, type_name, ctx, &fragment.selection_set.node, relations)?;
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
                    self.collect(
                        obj,
                        type_name,
                        ctx,
                        &fragment.node.selection_set.node,
                        relations,
                    )?;
                }
            }
        }
        Some(())
    }

    fn finish(self) -> Value {
        if self.out.is_empty() {
            Value::Null
        } else {
            Value::Object(self.out)
        }
    }
}

/// An object resolved through [`Leaves`] where it can be, its other fields by `T`'s own
/// resolvers. Same GraphQL type as `T`: the schema does not change.
#[derive(Clone, Debug)]
pub struct Fast<T>(pub T);

impl<T: Leaves + ContainerType> OutputType for Fast<T> {
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
        let mut plan = Plan::new(ctx);
        let type_name = obj.graphql_type();
        if plan
            .collect(obj, &type_name, ctx, &ctx.item.node, true)
            .is_none()
        {
            return <T as OutputType>::resolve(obj, ctx, field).await;
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
        Ok(plan.finish())
    }
}

/// A string field's value.
pub fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// An optional string field's value.
pub fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

/// A scalar field's value, as its resolver answers it.
pub fn scalar<S: async_graphql::ScalarType>(s: &S) -> Value {
    s.to_value()
}
