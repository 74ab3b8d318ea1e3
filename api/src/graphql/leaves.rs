//! Objects answered without a future per field when a query asks only for their plain fields.
//!
//! Owns: [`Leaves`], [`Fast`] and [`resolve_leaves`]. async-graphql resolves every field of
//! every object through a boxed future, a field context and an insert into the response map;
//! for an item or an amount of money with two fields that was about 3,400 instructions per
//! object, more than reading its row (docs/performance.md, "Leaf objects"). When every field
//! selected on such an object is a plain value of the object (no arguments, no directive, no
//! sub-selection, no fragment on another type), the object's value is built directly, in
//! selection order; otherwise, or when one field is not plain, the object goes the ordinary
//! way, so the answer is the same either way.
//! Must never: answer a field whose value needs I/O, a check or an argument; [`Leaves::leaf`]
//! returns `None` for those and the ordinary path runs.

use async_graphql::parser::types::{Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value, indexmap::IndexMap,
};
use std::borrow::Cow;

/// An object some of whose fields are plain values.
pub trait Leaves: Send + Sync {
    /// The GraphQL type name (for `__typename` and fragment type conditions).
    fn graphql_type(&self) -> Cow<'static, str>;
    /// The value of field `name` when it is plain: what the ordinary resolver answers for it,
    /// with no I/O. `None` for any other field.
    fn leaf(&self, name: &str) -> Option<Value>;
}

/// The object's value when every selected field is a [`Leaves::leaf`]; `None` otherwise.
pub fn resolve_leaves<T: Leaves>(obj: &T, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
    let mut out = IndexMap::with_capacity(ctx.item.node.items.len());
    let type_name = obj.graphql_type();
    collect(obj, &type_name, ctx, &ctx.item.node, &mut out)?;
    Some(if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    })
}

fn collect<T: Leaves>(
    obj: &T,
    type_name: &str,
    ctx: &ContextSelectionSet<'_>,
    set: &SelectionSet,
    out: &mut IndexMap<Name, Value>,
) -> Option<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(f) => {
                let f = &f.node;
                if !f.arguments.is_empty()
                    || !f.directives.is_empty()
                    || !f.selection_set.node.items.is_empty()
                {
                    return None;
                }
                let value = if f.name.node == "__typename" {
                    Value::String(type_name.to_owned())
                } else {
                    obj.leaf(&f.name.node)?
                };
                // The same response key twice is one field (validation made them equal): the
                // first keeps its place, as in async-graphql's own merge.
                out.entry(f.response_key().node.clone()).or_insert(value);
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
                collect(obj, type_name, ctx, &fragment.selection_set.node, out)?;
            }
            Selection::FragmentSpread(spread) => {
                if !spread.node.directives.is_empty() {
                    return None;
                }
                let fragment = ctx
                    .query_env
                    .fragments
                    .get(&spread.node.fragment_name.node)?;
                if fragment.node.type_condition.node.on.node != type_name
                    || !fragment.node.directives.is_empty()
                {
                    return None;
                }
                collect(obj, type_name, ctx, &fragment.node.selection_set.node, out)?;
            }
        }
    }
    Some(())
}

/// An object resolved through [`Leaves`] when it can be, else as `T` itself. Same GraphQL
/// type as `T`: the schema does not change.
#[derive(Clone, Debug)]
pub struct Fast<T>(pub T);

impl<T: Leaves + OutputType> OutputType for Fast<T> {
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
        field: &Positioned<async_graphql::parser::types::Field>,
    ) -> ServerResult<Value> {
        match resolve_leaves(&self.0, ctx) {
            Some(v) => Ok(v),
            None => <T as OutputType>::resolve(&self.0, ctx, field).await,
        }
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
