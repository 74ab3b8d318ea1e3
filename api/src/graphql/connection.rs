//! Relay connections: `PageInfo`, opaque cursors, and the argument checks every list shares.

use super::enums::{ArchivedFilter, SortDirection};
use super::errors::ErrorCode;
use super::{company_id, db, read};
use async_graphql::SimpleObject;
use async_graphql::connection::{CursorType, OpaqueCursor};
use async_graphql::{Context, Enum, InputObject, Result};
use mercator_core::paging::Page;
use mercator_core::paging::{Cursor, MAX_PAGE, PageArgs};
use mercator_core::setup::{CodeFilter, CodeTable};

/// Where a page sits in the whole list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// There are more rows after this page (pass `endCursor` as `after`).
    pub has_next_page: bool,
    /// There are more rows before this page (pass `startCursor` as `before`).
    pub has_previous_page: bool,
    /// Cursor of the first row of this page.
    pub start_cursor: Option<String>,
    /// Cursor of the last row of this page.
    pub end_cursor: Option<String>,
}

/// Encodes a cursor: async-graphql's [`OpaqueCursor`] (URL-safe base64 of its JSON).
pub fn encode_cursor(c: &Cursor) -> String {
    OpaqueCursor(c.clone()).encode_cursor()
}

fn decode_cursor(name: &str, s: &str) -> async_graphql::Result<Cursor> {
    OpaqueCursor::<Cursor>::decode_cursor(s)
        .map(|c| c.0)
        .map_err(|_| {
            ErrorCode::InvalidCursor.error(format!("{name} is not a cursor this list issued"))
        })
}

/// Checks a list's `search` filter (at most 200 characters, no control characters): a
/// top-level error with the rule's code otherwise.
pub fn search_filter(search: Option<String>) -> async_graphql::Result<Option<String>> {
    mercator_core::validate::search("filter.search", search.as_deref())
        .map_err(|v| super::errors::code_of(v.rule).error(v.message))
}

/// Checks and decodes Relay arguments.
pub fn page_args(
    first: Option<i32>,
    last: Option<i32>,
    after: Option<String>,
    before: Option<String>,
) -> async_graphql::Result<PageArgs> {
    let size =
        |name: &str, v: Option<i32>| -> async_graphql::Result<Option<u64>> {
            match v {
                None => Ok(None),
                Some(n) if n < 0 => {
                    Err(ErrorCode::OutOfRange.error(format!("{name} must not be negative")))
                }
                Some(n) if n as u64 > MAX_PAGE => Err(ErrorCode::OutOfRange
                    .error(format!("{name} must be at most {MAX_PAGE}, got {n}"))),
                Some(n) => Ok(Some(n as u64)),
            }
        };
    if first.is_some() && last.is_some() {
        return Err(ErrorCode::InvalidValue.error("pass either first or last, not both"));
    }
    Ok(PageArgs {
        first: size("first", first)?,
        last: size("last", last)?,
        after: after.map(|a| decode_cursor("after", &a)).transpose()?,
        before: before.map(|b| decode_cursor("before", &b)).transpose()?,
    })
}

/// Complexity of a list field: the page size times its children.
pub fn list_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let n = first
        .or(last)
        .unwrap_or(mercator_core::paging::DEFAULT_PAGE as i32)
        .clamp(0, MAX_PAGE as i32) as usize;
    1 + n.max(1) * child
}

/// Defines `<Name>Connection` and `<Name>Edge` for a node type. With `fast` first, the nodes
/// are answered in place ([`Fast`](crate::graphql::leaves::Fast)): what their resolvers have
/// at hand at once, the rest the ordinary way.
#[macro_export]
macro_rules! connection {
    (fast $conn:ident, $edge:ident, $node:ty, $what:literal) => {
        $crate::connection!(@define $conn, $edge, $node, $what,
            $crate::graphql::leaves::Fast<&$node>, $crate::graphql::leaves::Fast);
    };
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        $crate::connection!(@define $conn, $edge, $node, $what, &$node, std::convert::identity);
    };
    (@define $conn:ident, $edge:ident, $node:ty, $what:literal, $out:ty, $wrap:path) => {
        #[doc = concat!("A page of ", $what, ", with cursors and the total count.")]
        pub struct $conn {
            /// Rows of this page with their cursors.
            pub edges: Vec<$edge>,
            /// Paging information.
            pub page_info: $crate::graphql::connection::PageInfo,
            /// Rows matching the filter on all pages, when asked for.
            pub total: Option<u64>,
        }

        #[doc = concat!("A page of ", $what, ", with cursors and the total count.")]
        #[async_graphql::Object(serial)]
        impl $conn {
            /// The rows of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }
            /// The rows of this page (the same as `edges { node }`).
            async fn nodes(&self) -> Vec<$out> {
                self.edges.iter().map(|e| $wrap(&e.node)).collect()
            }
            /// Paging information.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.page_info
            }
            /// Number of rows matching the filter, on all pages.
            async fn total_count(&self) -> i64 {
                self.total.map(|t| t as i64).unwrap_or(-1)
            }
        }

        #[doc = concat!("One row of a page of ", $what, ", with its cursor.")]
        pub struct $edge {
            /// Position of this row (encoded only when a client asks for it).
            pub cursor: mercator_core::paging::Cursor,
            /// The row.
            pub node: $node,
        }

        #[doc = concat!("One row of a page of ", $what, ", with its cursor.")]
        #[async_graphql::Object(serial)]
        impl $edge {
            /// Opaque position of this row; pass it as `after` or `before`.
            async fn cursor(&self) -> String {
                $crate::graphql::connection::encode_cursor(&self.cursor)
            }
            /// The row.
            async fn node(&self) -> $out {
                $wrap(&self.node)
            }
        }

        impl $conn {
            /// Builds a connection from a core page.
            pub fn from_page<T>(
                page: mercator_core::paging::Page<T>,
                total: Option<u64>,
                f: impl Fn(T) -> $node,
            ) -> Self {
                let edges: Vec<$edge> = page
                    .items
                    .into_iter()
                    .map(|(c, t)| $edge {
                        cursor: c,
                        node: f(t),
                    })
                    .collect();
                let page_info = $crate::graphql::connection::PageInfo {
                    has_next_page: page.has_next,
                    has_previous_page: page.has_previous,
                    start_cursor: edges
                        .first()
                        .map(|e| $crate::graphql::connection::encode_cursor(&e.cursor)),
                    end_cursor: edges
                        .last()
                        .map(|e| $crate::graphql::connection::encode_cursor(&e.cursor)),
                };
                $conn {
                    edges,
                    page_info,
                    total,
                }
            }
        }
    };
}

/// A list filter's ID of the kind it must be; a top-level `INVALID_ID` error otherwise.
pub(crate) fn filter_id(
    field: &str,
    id: Option<&async_graphql::ID>,
    kind: super::ids::Kind,
) -> async_graphql::Result<Option<i64>> {
    id.map(|i| {
        super::ids::decode(i, kind).map_err(|e| ErrorCode::InvalidId.error(e.message(field)))
    })
    .transpose()
}

/// Whether the selection asks for `totalCount` (computed only then).
pub(crate) fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Filter of a list of coded setup records (currencies, tax codes, units, ...).
#[derive(InputObject, Default)]
pub struct CodeListFilter {
    /// Case-insensitive part of the code or name.
    pub search: Option<String>,
    /// Active (default), archived, or all.
    #[graphql(default)]
    pub archived: ArchivedFilter,
}

impl CodeListFilter {
    fn core(&self) -> Result<CodeFilter> {
        Ok(CodeFilter {
            search: super::connection::search_filter(self.search.clone())?,
            archived: self.archived.as_opt(),
        })
    }
}

/// Field a list of coded setup records is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CodeSortField {
    /// By code.
    #[default]
    Code,
}

/// Order of a list of coded setup records.
#[derive(InputObject, Default)]
pub struct CodeListSort {
    /// Sort field.
    #[graphql(default)]
    pub field: CodeSortField,
    /// Direction.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// One page of a coded setup table (currencies, tax codes, payment terms, units, warehouses).
#[allow(
    clippy::too_many_arguments,
    reason = "a list field takes the Relay arguments, a filter and a sort"
)]
pub(crate) async fn code_list<E>(
    ctx: &Context<'_>,
    table: &CodeTable<E>,
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
    filter: Option<CodeListFilter>,
    sort: Option<CodeListSort>,
) -> Result<(Page<E::Model>, Option<u64>)>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    let cid = company_id(ctx)?;
    let args = page_args(first, last, after, before)?;
    let db = &db(ctx)?.conn;
    let f = filter.unwrap_or_default().core()?;
    let desc = sort.unwrap_or_default().direction == SortDirection::Desc;
    let page = read(table.page(db, cid, &f, desc, &args).await).await?;
    let total = if wants_total(ctx) {
        Some(read(table.count(db, cid, &f).await).await?)
    } else {
        None
    };
    Ok((page, total))
}
