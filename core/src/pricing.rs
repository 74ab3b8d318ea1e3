//! Price and discount resolution over trade agreements: the D365 search
//! with its nine account/item combinations and *Find next*, and BC's best price. Pure functions
//! over agreement lines already loaded for one item and customer; the order-entry services
//! load them, add the manual override, sales agreements and campaign prices in front (8.3), and
//! store the winning source on the line.
//!
//! Owns: determinism: the same inputs give the same price, discount
//! and source, whatever order the agreement lines come in (ties go to the lowest line id).

use crate::money::{RoundingMode, round_to};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which items an agreement line covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemScope {
    /// One item (by id).
    Item(i64),
    /// An item (discount) group.
    Group(String),
    /// Every item.
    All,
}

/// Which customers an agreement line covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountScope {
    /// One customer (by id).
    Customer(i64),
    /// A customer price or discount group.
    Group(String),
    /// Every customer.
    All,
}

/// What an agreement line sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// A unit price.
    Price,
    /// A line discount (amount per unit and/or percentages).
    LineDiscount,
}

/// One trade agreement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementLine {
    /// Its id (the `priceSource` / `discountSource` stored on document lines; ties go to the lowest).
    pub id: i64,
    /// Price or line discount.
    pub relation: Relation,
    /// Items covered.
    pub item: ItemScope,
    /// Customers covered.
    pub account: AccountScope,
    /// Currency code.
    pub currency: String,
    /// Unit of measure code; `None` for any.
    pub unit: Option<String>,
    /// Smallest quantity (inclusive).
    pub quantity_from: Decimal,
    /// Quantity the line stops at (exclusive); zero for no limit.
    pub quantity_to: Decimal,
    /// First day.
    pub from_date: Option<NaiveDate>,
    /// Last day.
    pub to_date: Option<NaiveDate>,
    /// Price per unit (price lines) or discount amount per unit (discount lines).
    pub amount: Decimal,
    /// First discount percentage.
    pub percent1: Decimal,
    /// Second discount percentage.
    pub percent2: Decimal,
    /// Keep searching the following combinations after this line matched.
    pub find_next: bool,
}

/// What is being priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceQuery {
    /// The customer.
    pub customer_id: i64,
    /// Its price group (price lines by group).
    pub price_group: Option<String>,
    /// Its line discount group (discount lines by group).
    pub discount_group: Option<String>,
    /// The item.
    pub item_id: i64,
    /// The item's discount group.
    pub item_group: Option<String>,
    /// Document currency.
    pub currency: String,
    /// Unit of the line.
    pub unit: String,
    /// Quantity of the line.
    pub quantity: Decimal,
    /// Date the agreements must be valid on.
    pub date: NaiveDate,
}

fn account_rank(a: &AccountScope, q: &PriceQuery, rel: Relation) -> Option<usize> {
    let group = match rel {
        Relation::Price => q.price_group.as_deref(),
        Relation::LineDiscount => q.discount_group.as_deref(),
    };
    match a {
        AccountScope::Customer(c) if *c == q.customer_id => Some(0),
        AccountScope::Group(g) if Some(g.as_str()) == group => Some(1),
        AccountScope::All => Some(2),
        _ => None,
    }
}

fn item_rank(i: &ItemScope, q: &PriceQuery) -> Option<usize> {
    match i {
        ItemScope::Item(id) if *id == q.item_id => Some(0),
        ItemScope::Group(g) if Some(g.as_str()) == q.item_group.as_deref() => Some(1),
        ItemScope::All => Some(2),
        _ => None,
    }
}

/// The D365 combination priority of a line for this query (1 = item + customer … 9 = all +
/// all), or `None` when the line does not apply (scope, currency, unit, date or quantity).
pub fn priority(l: &AgreementLine, q: &PriceQuery) -> Option<usize> {
    let a = account_rank(&l.account, q, l.relation)?;
    let i = item_rank(&l.item, q)?;
    let fits = l.currency == q.currency
        && l.unit.as_deref().is_none_or(|u| u == q.unit)
        && l.from_date.is_none_or(|d| d <= q.date)
        && l.to_date.is_none_or(|d| q.date <= d)
        && q.quantity >= l.quantity_from
        && (l.quantity_to.is_zero() || q.quantity < l.quantity_to);
    fits.then_some(a * 3 + i + 1)
}

/// The lines the D365 search finds for a relation: combinations in priority order, stopping
/// after the first combination in which a matching line has *Find next* off. Sorted by
/// priority, then id.
pub fn d365_search<'a>(
    lines: &'a [AgreementLine],
    q: &PriceQuery,
    relation: Relation,
) -> Vec<&'a AgreementLine> {
    let mut found: Vec<(usize, &AgreementLine)> = lines
        .iter()
        .filter(|l| l.relation == relation)
        .filter_map(|l| priority(l, q).map(|p| (p, l)))
        .collect();
    found.sort_by_key(|(p, l)| (*p, l.id));
    let stop = found.iter().find(|(_, l)| !l.find_next).map(|(p, _)| *p);
    found
        .into_iter()
        .filter(|(p, _)| stop.is_none_or(|s| *p <= s))
        .map(|(_, l)| l)
        .collect()
}

/// A resolved price and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Unit price.
    pub unit_price: Decimal,
    /// The agreement line, or `None` for the item's base price.
    pub source: Option<i64>,
}

/// D365 price: the lowest price among the lines found; the base price when none.
pub fn d365_price(lines: &[AgreementLine], q: &PriceQuery, base_price: Decimal) -> Resolved {
    d365_search(lines, q, Relation::Price)
        .into_iter()
        .min_by_key(|l| (l.amount, l.id))
        .map(|l| Resolved {
            unit_price: l.amount,
            source: Some(l.id),
        })
        .unwrap_or(Resolved {
            unit_price: base_price,
            source: None,
        })
}

/// A line discount: amount per unit and percentage, and the lines it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Discount {
    /// Discount amount per unit.
    pub amount: Decimal,
    /// Discount percentage.
    pub percent: Decimal,
    /// The agreement lines, by priority.
    pub sources: Vec<i64>,
}

/// D365 line discount: the amounts and percentages of the lines found are added.
pub fn d365_line_discount(lines: &[AgreementLine], q: &PriceQuery) -> Discount {
    let found = d365_search(lines, q, Relation::LineDiscount);
    Discount {
        amount: found.iter().map(|l| l.amount).sum(),
        percent: found.iter().map(|l| l.percent1 + l.percent2).sum(),
        sources: found.iter().map(|l| l.id).collect(),
    }
}

/// BC best price: the lowest permissible price and the highest single permissible line
/// discount percentage, ignoring *Find next*.
pub fn bc_best_price(
    lines: &[AgreementLine],
    q: &PriceQuery,
    base_price: Decimal,
) -> (Resolved, Discount) {
    let price = lines
        .iter()
        .filter(|l| l.relation == Relation::Price && priority(l, q).is_some())
        .min_by_key(|l| (l.amount, l.id))
        .map(|l| Resolved {
            unit_price: l.amount,
            source: Some(l.id),
        })
        .unwrap_or(Resolved {
            unit_price: base_price,
            source: None,
        });
    let disc = lines
        .iter()
        .filter(|l| l.relation == Relation::LineDiscount && priority(l, q).is_some())
        .max_by_key(|l| (l.percent1, std::cmp::Reverse(l.id)))
        .map(|l| Discount {
            amount: Decimal::ZERO,
            percent: l.percent1,
            sources: vec![l.id],
        })
        .unwrap_or_default();
    (price, disc)
}

/// D365 line amount: `round(((price − discount amount) × qty / price unit) × (1 − pct/100))`;
/// `None` when it does not fit a `Decimal` (the caller reports `OUT_OF_RANGE`).
pub fn d365_line_amount(
    unit_price: Decimal,
    quantity: Decimal,
    price_unit: Decimal,
    d: &Discount,
    step: Decimal,
) -> Option<Decimal> {
    let per = if price_unit > Decimal::ZERO {
        price_unit
    } else {
        Decimal::ONE
    };
    let net = unit_price
        .checked_sub(d.amount)?
        .checked_mul(quantity)?
        .checked_div(per)?
        .checked_mul(Decimal::ONE.checked_sub(d.percent.checked_div(Decimal::ONE_HUNDRED)?)?)?;
    Some(round_to(net, step, RoundingMode::Nearest))
}

/// BC line amount: `round(qty × price) − round(round(qty × price) × pct/100)`; `None` when it
/// does not fit a `Decimal`.
pub fn bc_line_amount(
    unit_price: Decimal,
    quantity: Decimal,
    percent: Decimal,
    step: Decimal,
) -> Option<Decimal> {
    let gross = round_to(
        quantity.checked_mul(unit_price)?,
        step,
        RoundingMode::Nearest,
    );
    let off = gross
        .checked_mul(percent)?
        .checked_div(Decimal::ONE_HUNDRED)?;
    gross.checked_sub(round_to(off, step, RoundingMode::Nearest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    const ITEM_A: i64 = 1;
    const C1000: i64 = 1000;

    fn agreement(
        id: i64,
        relation: Relation,
        account: AccountScope,
        from: &str,
        amount: &str,
        pct: &str,
        find_next: bool,
    ) -> AgreementLine {
        AgreementLine {
            id,
            relation,
            item: ItemScope::Item(ITEM_A),
            account,
            currency: "USD".into(),
            unit: None,
            quantity_from: d(from),
            quantity_to: Decimal::ZERO,
            from_date: None,
            to_date: None,
            amount: d(amount),
            percent1: d(pct),
            percent2: Decimal::ZERO,
            find_next,
        }
    }

    /// S10's agreements: prices (a) all customers ≥ 1: 25.00; (b) RETAIL ≥ 50: 23.00, Find
    /// next off; (c) C-1000 ≥ 100: 21.00, Find next on. Line discounts C-1000 5 % (Find next
    /// on), RETAIL 3 % (off).
    fn s10() -> Vec<AgreementLine> {
        use AccountScope::*;
        // deliberately not in priority order: the result must not depend on it
        vec![
            agreement(
                3,
                Relation::Price,
                Customer(C1000),
                "100",
                "21.00",
                "0",
                true,
            ),
            agreement(1, Relation::Price, All, "1", "25.00", "0", true),
            agreement(
                5,
                Relation::LineDiscount,
                Group("RETAIL".into()),
                "0",
                "0",
                "3",
                false,
            ),
            agreement(
                2,
                Relation::Price,
                Group("RETAIL".into()),
                "50",
                "23.00",
                "0",
                false,
            ),
            agreement(
                4,
                Relation::LineDiscount,
                Customer(C1000),
                "0",
                "0",
                "5",
                true,
            ),
        ]
    }

    fn query(qty: &str) -> PriceQuery {
        PriceQuery {
            customer_id: C1000,
            price_group: Some("RETAIL".into()),
            discount_group: Some("RETAIL".into()),
            item_id: ITEM_A,
            item_group: None,
            currency: "USD".into(),
            unit: "PCS".into(),
            quantity: d(qty),
            date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
        }
    }

    /// S10, D365 rules: qty 10 → 25.00 less 8 % = 230.00; qty 60 → 23.00 (b stops) = 1,269.60;
    /// qty 120 → (c) then (b) stops, lowest 21.00 = 2,318.40.
    #[test]
    fn s10_d365_trade_agreements() {
        let lines = s10();
        let cent = d("0.01");
        for (qty, price, source, net) in [
            ("10", "25.00", 1, "230.00"),
            ("60", "23.00", 2, "1269.60"),
            ("120", "21.00", 3, "2318.40"),
        ] {
            let q = query(qty);
            let p = d365_price(&lines, &q, d("25.00"));
            assert_eq!(
                (p.unit_price, p.source),
                (d(price), Some(source)),
                "qty {qty}"
            );
            let disc = d365_line_discount(&lines, &q);
            assert_eq!(disc.percent, d("8"), "qty {qty}");
            assert_eq!(disc.sources, [4, 5]);
            assert_eq!(
                d365_line_amount(p.unit_price, q.quantity, Decimal::ONE, &disc, cent).unwrap(),
                d(net)
            );
        }
        // a quantity no agreement covers falls back to the base price
        let none = d365_price(&lines, &query("0.5"), d("25.00"));
        assert_eq!(
            none,
            Resolved {
                unit_price: d("25.00"),
                source: None
            }
        );
    }

    /// S10, BC best price for qty 120: lowest price 21.00, highest single discount 5 %:
    /// 2,520.00 − 126.00 = 2,394.00.
    #[test]
    fn s10_bc_best_price() {
        let lines = s10();
        let (p, disc) = bc_best_price(&lines, &query("120"), d("25.00"));
        assert_eq!((p.unit_price, p.source), (d("21.00"), Some(3)));
        assert_eq!((disc.percent, disc.sources.clone()), (d("5"), vec![4]));
        assert_eq!(
            bc_line_amount(p.unit_price, d("120"), disc.percent, d("0.01")).unwrap(),
            d("2394.00")
        );
    }

    /// Currency, unit, dates and quantity ranges must all fit.
    #[test]
    fn lines_apply_only_where_they_fit() {
        let mut l = agreement(9, Relation::Price, AccountScope::All, "1", "20", "0", true);
        let q = query("10");
        assert_eq!(priority(&l, &q), Some(7));
        l.currency = "EUR".into();
        assert_eq!(priority(&l, &q), None);
        l.currency = "USD".into();
        l.unit = Some("BOX".into());
        assert_eq!(priority(&l, &q), None);
        l.unit = Some("PCS".into());
        l.quantity_to = d("10");
        assert_eq!(priority(&l, &q), None, "quantity_to is exclusive");
        l.quantity_to = Decimal::ZERO;
        l.to_date = NaiveDate::from_ymd_opt(2026, 11, 21);
        assert_eq!(priority(&l, &q), None);
        l.to_date = None;
        l.item = ItemScope::Group("BIKES".into());
        assert_eq!(priority(&l, &q), None);
        l.item = ItemScope::All;
        l.account = AccountScope::All;
        assert_eq!(priority(&l, &q), Some(9));
    }
}
