//! Keyset pagination shared by every list: a sort key plus the row id as tie-breaker.
//!
//! The API turns Relay arguments into [`PageArgs`]; a service applies a [`Keyset`] to its
//! filtered select, runs it, and gets a [`Page`] back. Cursors are values of the sort key and
//! the id, so pages stay stable while rows are inserted.

use crate::error::{Rule, Violation};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{Condition, Order, QueryFilter, QueryOrder, QuerySelect, Value};
use serde::{Deserialize, Serialize};

/// The largest page a client may ask for.
pub const MAX_PAGE: u64 = 100;
/// The page size when a client names none.
pub const DEFAULT_PAGE: u64 = 20;

/// A sort key value stored in a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Key {
    /// A number (an id, or a stored amount).
    Int(i64),
    /// A text (a name, or a number padded for numeric order).
    Str(String),
    /// A date.
    Date {
        /// The date.
        d: chrono::NaiveDate,
    },
    /// A point in time.
    Time {
        /// The time.
        t: chrono::DateTime<chrono::Utc>,
    },
}

impl Key {
    /// Whether a date or time key lies in the years the API accepts (1900 to 9999, as the
    /// `Date` and `DateTime` scalars): a cursor with another one was not made by a list, and
    /// PostgreSQL would refuse to compare with it (`timestamp out of range`).
    fn in_range(&self) -> bool {
        use chrono::Datelike;
        let year = match self {
            Key::Date { d } => d.year(),
            Key::Time { t } => t.year(),
            Key::Int(_) | Key::Str(_) => return true,
        };
        (1900..=9999).contains(&year)
    }
}

/// The kind of value a list is sorted by: a cursor of another kind did not come from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// [`Key::Int`].
    Int,
    /// [`Key::Str`].
    Str,
    /// [`Key::Date`].
    Date,
    /// [`Key::Time`].
    Time,
}

impl Key {
    /// Its kind.
    pub fn kind(&self) -> KeyKind {
        match self {
            Key::Int(_) => KeyKind::Int,
            Key::Str(_) => KeyKind::Str,
            Key::Date { .. } => KeyKind::Date,
            Key::Time { .. } => KeyKind::Time,
        }
    }
}

impl From<Key> for Value {
    fn from(k: Key) -> Value {
        match k {
            Key::Int(i) => Value::BigInt(Some(i)),
            Key::Str(s) => Value::String(Some(s)),
            Key::Date { d } => Value::ChronoDate(Some(d)),
            Key::Time { t } => Value::ChronoDateTimeUtc(Some(t)),
        }
    }
}

/// Width document and account numbers are padded to for numeric order (the number columns
/// hold 20 characters).
const NUMBER_WIDTH: usize = 25;

/// A number column in numeric order within its sequence (`SO-2` before `SO-10`): the number
/// left-padded with zeros to a fixed width, in SQL both engines understand.
pub fn number_order(table: &str, column: &str) -> SimpleExpr {
    Expr::cust(format!(
        "SUBSTR('{zeros}' || \"{table}\".\"{column}\", LENGTH(\"{table}\".\"{column}\") + 1)",
        zeros = "0".repeat(NUMBER_WIDTH)
    ))
}

/// The cursor key of a number under [`number_order`].
pub fn number_key(number: &str) -> Key {
    Key::Str(format!("{number:0>NUMBER_WIDTH$}"))
}

/// A position in a sorted list: the sort key of a row and its id, and which list and sort
/// order it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key of the row.
    pub k: Key,
    /// Id of the row.
    pub id: i64,
    /// The list and sort order it came from ([`Keyset::tag`]); a cursor is refused by any
    /// other (`INVALID_CURSOR`). Set by [`Keyset::finish`].
    #[serde(default)]
    pub s: u32,
}

impl Cursor {
    /// The cursor of a row; [`Keyset::finish`] stamps it with its list and order.
    pub fn new(k: Key, id: i64) -> Cursor {
        Cursor { k, id, s: 0 }
    }
}

/// Longest text sort value a cursor may carry (names and padded numbers are far shorter).
const KEY_TEXT_MAX: usize = 1024;

/// Relay pagination arguments, already decoded.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Take this many from the start (after `after`).
    pub first: Option<u64>,
    /// Take this many from the end (before `before`).
    pub last: Option<u64>,
    /// Start after this cursor.
    pub after: Option<Cursor>,
    /// End before this cursor.
    pub before: Option<Cursor>,
}

/// A page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows, in sort order, each with its cursor.
    pub items: Vec<(Cursor, T)>,
    /// There are rows before the first one.
    pub has_previous: bool,
    /// There are rows after the last one.
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Maps the rows, keeping cursors and flags.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        let mut f = f;
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
        }
    }
}

impl PageArgs {
    /// Checks the sizes: at most [`MAX_PAGE`], never negative, not both `first` and `last`.
    pub fn validate(&self) -> Result<(), Violation> {
        for (name, v) in [("first", self.first), ("last", self.last)] {
            if let Some(v) = v
                && v > MAX_PAGE
            {
                return Err(Violation::new(
                    name,
                    Rule::OutOfRange,
                    format!("{name} must be at most {MAX_PAGE}, got {v}"),
                ));
            }
        }
        if self.first.is_some() && self.last.is_some() {
            return Err(Violation::new(
                "last",
                Rule::InvalidValue,
                "pass either first or last, not both",
            ));
        }
        Ok(())
    }
}

/// How a list is ordered: a sort expression, its direction, and the id column.
#[derive(Debug, Clone)]
pub struct Keyset {
    /// The sort expression (a column, possibly of a joined table).
    pub sort: SimpleExpr,
    /// The row id column.
    pub id: SimpleExpr,
    /// Descending order.
    pub desc: bool,
    /// The kind of the sort values (text unless [`Keyset::of`] says otherwise).
    pub kind: KeyKind,
}

/// What [`Keyset::apply`] decided, needed by [`Keyset::finish`].
#[derive(Debug, Clone, Copy)]
pub struct Window {
    limit: u64,
    backwards: bool,
    had_after: bool,
    had_before: bool,
}

impl Keyset {
    /// A keyset on `sort` (text) then `id`.
    pub fn new(sort: SimpleExpr, id: SimpleExpr, desc: bool) -> Self {
        Self {
            sort,
            id,
            desc,
            kind: KeyKind::Str,
        }
    }

    /// The same keyset over values of another kind.
    pub fn of(self, kind: KeyKind) -> Self {
        Self { kind, ..self }
    }

    /// Which list and sort order this is: a hash of the sort and id expressions (their tables
    /// and columns: callers name both) and the kind of the values. The direction is
    /// left out: a position is the same either way.
    pub fn tag(&self) -> u32 {
        // FNV-1a: stable across processes and releases of the standard library.
        let text = format!("{:?}|{:?}|{:?}", self.sort, self.id, self.kind);
        text.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }

    fn beyond(&self, c: &Cursor, forward: bool) -> Condition {
        // forward in list order means "greater" when ascending
        let greater = forward != self.desc;
        let k: Value = c.k.clone().into();
        let (s, i) = (self.sort.clone(), self.id.clone());
        let (cmp_k, cmp_i) = if greater {
            (Expr::expr(s.clone()).gt(k.clone()), Expr::expr(i).gt(c.id))
        } else {
            (Expr::expr(s.clone()).lt(k.clone()), Expr::expr(i).lt(c.id))
        };
        Condition::any()
            .add(cmp_k)
            .add(Condition::all().add(Expr::expr(s).eq(k)).add(cmp_i))
    }

    /// Adds the cursor conditions, the order and the limit (one more row than asked, to know
    /// whether there are more). A cursor of another list (another kind of sort value) is
    /// refused (`INVALID_CURSOR`) rather than compared with the wrong type.
    pub fn apply<S>(&self, select: S, args: &PageArgs) -> Result<(S, Window), Violation>
    where
        S: QueryFilter + QueryOrder + QuerySelect,
    {
        let tag = self.tag();
        for (name, c) in [("after", &args.after), ("before", &args.before)] {
            if let Some(c) = c
                && (c.s != tag
                    || c.k.kind() != self.kind
                    || matches!(&c.k, Key::Str(s) if s.len() > KEY_TEXT_MAX || s.contains('\0'))
                    || !c.k.in_range())
            {
                return Err(Violation::new(
                    name,
                    Rule::InvalidCursor,
                    format!("{name} is a cursor of another list or sort order"),
                ));
            }
        }
        let backwards = args.last.is_some() && args.first.is_none();
        let limit = if backwards { args.last } else { args.first }.unwrap_or(DEFAULT_PAGE);
        let mut s = select;
        if let Some(a) = &args.after {
            s = s.filter(self.beyond(a, true));
        }
        if let Some(b) = &args.before {
            s = s.filter(self.beyond(b, false));
        }
        let asc = self.desc == backwards;
        let ord = if asc { Order::Asc } else { Order::Desc };
        s = s
            .order_by(self.sort.clone(), ord.clone())
            .order_by(self.id.clone(), ord)
            .limit(limit + 1);
        Ok((
            s,
            Window {
                limit,
                backwards,
                had_after: args.after.is_some(),
                had_before: args.before.is_some(),
            },
        ))
    }

    /// Turns the fetched rows into a page; `cursor` reads a row's sort key and id.
    pub fn finish<T>(&self, rows: Vec<T>, w: Window, cursor: impl Fn(&T) -> Cursor) -> Page<T> {
        let mut rows = rows;
        let more = rows.len() as u64 > w.limit;
        rows.truncate(w.limit as usize);
        if w.backwards {
            rows.reverse();
        }
        let tag = self.tag();
        let items = rows
            .into_iter()
            .map(|r| {
                let mut c = cursor(&r);
                c.s = tag;
                (c, r)
            })
            .collect();
        if w.backwards {
            Page {
                items,
                has_previous: more,
                has_next: w.had_before,
            }
        } else {
            Page {
                items,
                has_previous: w.had_after,
                has_next: more,
            }
        }
    }
}

#[cfg(test)]
mod tag_tests {
    use super::*;

    /// Cursors of two lists, or of two sort orders of one list, differ in their tag; the
    /// direction does not change it.
    #[test]
    fn every_list_and_sort_order_has_its_own_tag() {
        let col = |t: &'static str, c: &'static str| -> SimpleExpr {
            Expr::col((
                sea_orm::sea_query::Alias::new(t),
                sea_orm::sea_query::Alias::new(c),
            ))
        };
        let orders_date = Keyset::new(
            col("sales_orders", "order_date"),
            col("sales_orders", "id"),
            false,
        )
        .of(KeyKind::Date);
        let orders_ship = Keyset::new(
            col("sales_orders", "requested_ship_date"),
            col("sales_orders", "id"),
            false,
        )
        .of(KeyKind::Date);
        let quotes_date = Keyset::new(
            col("sales_quotations", "quotation_date"),
            col("sales_quotations", "id"),
            false,
        )
        .of(KeyKind::Date);
        let ids = Keyset::new(col("interactions", "id"), col("interactions", "id"), false)
            .of(KeyKind::Int);
        let ledger = Keyset::new(
            col("item_ledger_entries", "id"),
            col("item_ledger_entries", "id"),
            false,
        )
        .of(KeyKind::Int);
        let tags = [
            orders_date.tag(),
            orders_ship.tag(),
            quotes_date.tag(),
            ids.tag(),
            ledger.tag(),
        ];
        for (i, a) in tags.iter().enumerate() {
            for b in &tags[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let desc = Keyset::new(
            col("sales_orders", "order_date"),
            col("sales_orders", "id"),
            true,
        )
        .of(KeyKind::Date);
        assert_eq!(desc.tag(), orders_date.tag());
        // A cursor of another order is refused, as is a forged text with a NUL.
        let args = |c: Cursor| PageArgs {
            first: Some(5),
            after: Some(c),
            ..PageArgs::default()
        };
        let mut c = Cursor::new(
            Key::Date {
                d: chrono::NaiveDate::default(),
            },
            1,
        );
        c.s = orders_date.tag();
        assert!(
            orders_date
                .apply(
                    <crate::sales::sales_order::Entity as sea_orm::EntityTrait>::find(),
                    &args(c.clone())
                )
                .is_ok()
        );
        assert!(
            orders_ship
                .apply(
                    <crate::sales::sales_order::Entity as sea_orm::EntityTrait>::find(),
                    &args(c)
                )
                .is_err()
        );
        let mut nul = Cursor::new(Key::Str("a\0b".into()), 1);
        let by_name = Keyset::new(col("items", "name"), col("items", "id"), false);
        nul.s = by_name.tag();
        assert!(
            by_name
                .apply(
                    <crate::sales::sales_order::Entity as sea_orm::EntityTrait>::find(),
                    &args(nul)
                )
                .is_err()
        );
    }
}
