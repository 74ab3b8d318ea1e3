//! Shipping: packing slips posted from an order, their reversal, and cancelling what is left
//! to deliver on a line (DOMAIN.md §3.3, §3.4, §4).
//!
//! Owns: the delivered and canceled counters of order lines (only postings change them), the
//! stock a shipment issues, and the packing slip numbers.
//! - A packing slip ships, per order line, at most its deliver remainder
//!   (ordered − delivered − canceled) plus the company's over-delivery tolerance (a percentage
//!   of the line's quantity): `OVER_DELIVERY` otherwise. A remainder left within the
//!   under-delivery tolerance closes the line (it is canceled, and the packing slip line
//!   records it so that a reversal opens it again). A stocked item's quantity
//!   leaves the chosen warehouse through an item ledger entry in the same transaction; stock
//!   never goes negative (`INSUFFICIENT_STOCK`). A service ships without stock.
//! - An order on hold or waiting for approval ships nothing (`ORDER_ON_HOLD`,
//!   `APPROVAL_REQUIRED`).
//! - A posted packing slip never changes: it is corrected by a reversal, a new packing slip
//!   with the same lines negated, which takes the stock back; only while nothing of it was
//!   invoiced (`ALREADY_INVOICED`), and once (`ALREADY_REVERSED`).
//! - The header status is recomputed from the lines' counters after every posting; the
//!   document status becomes `PACKING_SLIP` and falls back only when every packing slip of the
//!   order was reversed.
//! - An idempotency key makes a retried posting return the first packing slip and post
//!   nothing; the same key for another order, warehouse or lines is refused
//!   (`IDEMPOTENCY_KEY_REUSED`).
//!
//! Every posting takes the caller's write transaction and locks the order first
//! ([`super::lock_order`]), so concurrent postings of one order take turns; the parts a
//! posting is made of ([`plan`], [`count_shipped`], [`use_picks`], [`move_stock`],
//! [`insert_slip`]) rely on that lock, taken by their caller. The rows every posting shares
//! are locked last, in one order: the items whose stock moves (in id order), then the number
//! sequences (packing slip, invoice, voucher).

use super::{
    DocumentStatus, header_status, line_status, lines_of, lock_order, packing_slip,
    packing_slip_line, sales_order, sales_order_line, workflow,
};
use crate::catalog::unit_of_measure;
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::inventory;
use crate::money::Quantity;
use crate::numbering::{self, SequenceKind};
use crate::refs::{self, Table};
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{QueryOrder, Set};
use std::collections::{HashMap, HashSet};

/// Longest idempotency key.
pub const KEY_MAX: usize = 100;

/// One order line and how much of it to ship.
#[derive(Debug, Clone)]
pub struct ShipLine {
    /// The order line.
    pub line_id: i64,
    /// How much (in the line's unit), more than zero.
    pub quantity: Decimal,
}

/// A shipment to post as one packing slip.
#[derive(Debug, Clone)]
pub struct Shipment {
    /// The order.
    pub order_id: i64,
    /// The warehouse the goods leave from.
    pub warehouse_id: i64,
    /// The ship date (the posting date of the stock movements).
    pub ship_date: NaiveDate,
    /// The lines and quantities; `None` ships every line's whole deliver remainder.
    pub lines: Option<Vec<ShipLine>>,
    /// A client's key for this posting: a retry with the same key returns the first packing
    /// slip and posts nothing.
    pub idempotency_key: Option<String>,
}

fn remainder(l: &sales_order_line::Model) -> i64 {
    l.quantity
        .raw()
        .saturating_sub(l.delivered.raw())
        .saturating_sub(l.canceled.raw())
}

pub(crate) fn check_key(key: Option<&str>) -> Result<Option<String>, Violation> {
    let Some(k) = key else { return Ok(None) };
    if k.is_empty() || k.chars().count() > KEY_MAX || k.chars().any(char::is_control) {
        return Err(Violation::new(
            "idempotencyKey",
            Rule::InvalidFormat,
            format!("an idempotency key has 1 to {KEY_MAX} characters and no control characters"),
        ));
    }
    Ok(Some(k.to_owned()))
}

fn other_unit(l: &sales_order_line::Model, field: &str) -> Violation {
    Violation::new(
        field,
        Rule::InvalidValue,
        format!(
            "line {} is in another unit than its item's base unit; shipping it needs unit \
             conversions, which come later",
            l.line_number
        ),
    )
}

/// The order line and quantity a request line asks for (a shipment's or a picking list's),
/// or `None` with the violation recorded: the line must be on the order and listed once, the
/// quantity more than zero and within the decimals of the line's unit.
pub(crate) fn asked_line<'a>(
    v: &mut Violations,
    seen: &mut HashSet<i64>,
    by_id: &HashMap<i64, &'a sales_order_line::Model>,
    units: &HashMap<i64, i32>,
    i: usize,
    a: &ShipLine,
) -> Option<(&'a sales_order_line::Model, Quantity)> {
    let field = format!("lines.{i}.quantity");
    let Some(l) = by_id.get(&a.line_id).copied() else {
        v.push(Violation::new(
            &format!("lines.{i}.lineId"),
            Rule::NotFound,
            "no such line on this order",
        ));
        return None;
    };
    if !seen.insert(l.id) {
        v.push(Violation::new(
            &format!("lines.{i}.lineId"),
            Rule::InvalidValue,
            format!("line {} is listed twice", l.line_number),
        ));
        return None;
    }
    let q = v.check(validate::quantity(&field, a.quantity))?;
    if q.raw() <= 0 {
        v.push(Violation::new(
            &field,
            Rule::InvalidValue,
            "a quantity must be more than zero",
        ));
        return None;
    }
    if let Some(d) = units.get(&l.unit_id)
        && a.quantity.normalize().scale() > (*d).max(0) as u32
    {
        v.push(Violation::new(
            &field,
            Rule::PrecisionExceeded,
            format!("the line's unit allows {d} decimal places"),
        ));
        return None;
    }
    Some((l, q))
}

/// The decimal places of units, by id (one statement).
pub(crate) async fn unit_decimals(
    db: &impl ConnectionTrait,
    unit_ids: impl IntoIterator<Item = i64>,
) -> ServiceResult<HashMap<i64, i32>> {
    Ok(unit_of_measure::Entity::find()
        .filter(unit_of_measure::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.decimals))
        .collect())
}

/// What a shipment asks for, as a digest: the order, the warehouse and the lines with their
/// quantities (in any order; every remainder when none are given). The ship date is left out,
/// since it defaults to the day of the request and a retry may come a day later.
fn request_digest(s: &Shipment) -> String {
    let mut lines: Vec<(i64, String)> = s
        .lines
        .iter()
        .flatten()
        .map(|l| (l.line_id, l.quantity.normalize().to_string()))
        .collect();
    lines.sort();
    let text = format!(
        "{}|{}|{}|{:?}",
        s.order_id,
        s.warehouse_id,
        s.lines.is_some(),
        lines
    );
    crate::digest::sha256_hex(text.as_bytes())
}

/// The packing slip posted with an idempotency key, if any.
pub async fn by_idempotency_key(
    db: &impl ConnectionTrait,
    company_id: i64,
    key: &str,
) -> ServiceResult<Option<packing_slip::Model>> {
    Ok(packing_slip::Entity::find()
        .filter(packing_slip::Column::CompanyId.eq(company_id))
        .filter(packing_slip::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// Recomputes the order's status from its lines (and sets the document status), touches it.
pub(crate) async fn restate(
    db: &impl ConnectionTrait,
    o: sales_order::Model,
    document_status: DocumentStatus,
) -> ServiceResult<sales_order::Model> {
    let lines = lines_of(db, &[o.id]).await?;
    restate_from(db, o, document_status, &lines).await
}

/// As [`restate`], from the order's lines as they are now (every one of them, with its
/// counters as written).
pub(crate) async fn restate_from(
    db: &impl ConnectionTrait,
    o: sales_order::Model,
    document_status: DocumentStatus,
    lines: &[sales_order_line::Model],
) -> ServiceResult<sales_order::Model> {
    let statuses: Vec<_> = lines
        .iter()
        .map(|l| {
            line_status(
                l.quantity.value(),
                l.delivered.value(),
                l.invoiced.value(),
                l.canceled.value(),
            )
        })
        .collect();
    let mut am: sales_order::ActiveModel = o.into();
    am.status = Set(header_status(&statuses));
    am.document_status = Set(document_status);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Writes the delivered, canceled and invoiced counters of order lines as given (the lines
/// as a posting leaves them), in one statement whatever their number.
pub(crate) async fn write_counters(
    db: &impl ConnectionTrait,
    lines: &[sales_order_line::Model],
) -> ServiceResult<()> {
    use sales_order_line::Column as C;
    if lines.is_empty() {
        return Ok(());
    }
    let (mut delivered, mut canceled, mut invoiced) = (
        CaseStatement::new(),
        CaseStatement::new(),
        CaseStatement::new(),
    );
    for l in lines {
        delivered = delivered.case(C::Id.eq(l.id), Expr::val(l.delivered.raw()));
        canceled = canceled.case(C::Id.eq(l.id), Expr::val(l.canceled.raw()));
        invoiced = invoiced.case(C::Id.eq(l.id), Expr::val(l.invoiced.raw()));
    }
    sales_order_line::Entity::update_many()
        .col_expr(
            C::Delivered,
            delivered.finally(Expr::col(C::Delivered)).into(),
        )
        .col_expr(C::Canceled, canceled.finally(Expr::col(C::Canceled)).into())
        .col_expr(C::Invoiced, invoiced.finally(Expr::col(C::Invoiced)).into())
        .col_expr(C::UpdatedAt, Expr::val(Utc::now()))
        .filter(C::Id.is_in(lines.iter().map(|l| l.id)))
        .exec(db)
        .await?;
    Ok(())
}

/// One line of a packing slip to write ([`write_slip`]).
#[derive(Debug, Clone)]
pub(crate) struct SlipLine {
    /// The order line, as read before the packing slip.
    pub line: sales_order_line::Model,
    /// Shipped (negative on a reversal), raw units.
    pub quantity: i64,
    /// The rest closed by the under-delivery tolerance (negative on a reversal), raw units.
    pub closed: i64,
    /// Whether the line moves stock (a reversal moves it back only where the slip moved it).
    pub moves_stock: bool,
    /// The input field a refusal names.
    pub field: String,
}

/// The order lines' counters after packing slip lines ([`after_shipping`]), in one
/// statement.
pub(crate) async fn count_shipped(
    db: &impl ConnectionTrait,
    lines: &[SlipLine],
) -> ServiceResult<()> {
    let own: Vec<sales_order_line::Model> = lines.iter().map(|l| l.line.clone()).collect();
    write_counters(db, &after_shipping(&own, lines)).await
}

/// Order lines after packing slip lines: delivered and canceled grow by what each ships and
/// closes.
pub(crate) fn after_shipping(
    lines: &[sales_order_line::Model],
    shipped: &[SlipLine],
) -> Vec<sales_order_line::Model> {
    lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            for s in shipped.iter().filter(|s| s.line.id == l.id) {
                l.delivered = Quantity::from_raw(l.delivered.raw() + s.quantity);
                l.canceled = Quantity::from_raw(l.canceled.raw() + s.closed);
            }
            l
        })
        .collect()
}

/// A packing slip to write ([`write_slip`]).
pub(crate) struct NewSlip<'a> {
    /// The order.
    pub order_id: i64,
    /// Its customer.
    pub customer_id: i64,
    /// Shipped from.
    pub warehouse_id: i64,
    /// Ship date (the stock moves' posting date).
    pub ship_date: NaiveDate,
    /// The packing slip it reverses.
    pub reverses_id: Option<i64>,
    /// Idempotency key and request digest.
    pub key: Option<(String, String)>,
    /// Its lines.
    pub lines: &'a [SlipLine],
    /// Whether its lines are invoiced as they are written (an invoice from an order).
    pub invoiced: bool,
}

/// Writes a packing slip in a constant number of statements whatever its number of lines:
/// the stock moves (the items locked), the number, the slip, its lines (returned in the order
/// of `n.lines`). The counters are the caller's ([`count_shipped`]): this is the part of a
/// posting that holds the rows every posting shares (items, the number sequence) locked
/// until the commit, so callers write it last.
pub(crate) async fn write_slip(
    db: &impl ConnectionTrait,
    company_id: i64,
    n: &NewSlip<'_>,
) -> ServiceResult<(packing_slip::Model, Vec<packing_slip_line::Model>)> {
    let entries = move_stock(db, company_id, n.warehouse_id, n.ship_date, n.lines).await?;
    insert_slip(db, company_id, n, &entries).await
}

/// The stock moves of packing slip lines out of (or back into) one warehouse, the items
/// locked in id order ([`inventory::move_for_sale`]): the ledger entry of each order line
/// that moved stock. Every lock a posting takes on items comes before its numbers (packing
/// slip, invoice, voucher), in one call for all its packing slips, so two postings never wait
/// for each other in a cycle.
pub(crate) async fn move_stock(
    db: &impl ConnectionTrait,
    company_id: i64,
    warehouse_id: i64,
    date: NaiveDate,
    lines: &[SlipLine],
) -> ServiceResult<HashMap<i64, i64>> {
    let moving: Vec<&SlipLine> = lines.iter().filter(|l| l.moves_stock).collect();
    let moves: Vec<inventory::SaleMove> = moving
        .iter()
        .map(|l| inventory::SaleMove {
            item_id: l.line.item_id,
            quantity: Quantity::from_raw(-l.quantity),
            field: &l.field,
        })
        .collect();
    let entries = inventory::move_for_sale(db, company_id, warehouse_id, date, &moves).await?;
    Ok(moving
        .iter()
        .zip(entries)
        .filter_map(|(l, e)| e.map(|e| (l.line.id, e.id)))
        .collect())
}

/// The packing slip and its lines, after their stock moved ([`move_stock`]; `entry_of`:
/// the ledger entry of each order line that moved stock): its number drawn, one insert each.
pub(crate) async fn insert_slip(
    db: &impl ConnectionTrait,
    company_id: i64,
    n: &NewSlip<'_>,
    entry_of: &HashMap<i64, i64>,
) -> ServiceResult<(packing_slip::Model, Vec<packing_slip_line::Model>)> {
    let number = numbering::next_number(db, company_id, SequenceKind::PackingSlip).await?;
    let (idempotency_key, request_digest) = match &n.key {
        Some((k, d)) => (Some(k.clone()), Some(d.clone())),
        None => (None, None),
    };
    let ps = packing_slip::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        order_id: Set(n.order_id),
        customer_id: Set(n.customer_id),
        warehouse_id: Set(n.warehouse_id),
        ship_date: Set(n.ship_date),
        reverses_id: Set(n.reverses_id),
        reversed_by_id: Set(None),
        request_digest: Set(request_digest),
        idempotency_key: Set(idempotency_key),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let rows = n.lines.iter().map(|l| packing_slip_line::ActiveModel {
        company_id: Set(company_id),
        packing_slip_id: Set(ps.id),
        order_line_id: Set(l.line.id),
        item_id: Set(l.line.item_id),
        quantity: Set(Quantity::from_raw(l.quantity)),
        invoiced: Set(if n.invoiced {
            Quantity::from_raw(l.quantity)
        } else {
            Quantity::ZERO
        }),
        item_ledger_entry_id: Set(entry_of.get(&l.line.id).copied()),
        closed: Set(Quantity::from_raw(l.closed)),
        ..Default::default()
    });
    let mut written = packing_slip_line::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await?;
    // ids grow in the order of the insert's rows
    written.sort_by_key(|l| l.id);
    Ok((ps, written))
}

/// `percent` of a line's quantity, in raw quantity units, rounded down (a tolerance never
/// rounds up into more than it allows).
fn share(l: &sales_order_line::Model, percent: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    // a subscription line's tolerance is of one period, not of all periods together
    let base = l.period_quantity.unwrap_or(l.quantity).raw().max(0);
    (Decimal::from(base) * percent / Decimal::ONE_HUNDRED)
        .floor()
        .to_i64()
        .unwrap_or(0)
}

/// The most lines a shipment names (an order has at most as many).
pub const MAX_LINES: usize = 500;

/// Posts a packing slip. Returns the order as written and the packing slip (the first one,
/// for a retried idempotency key).
pub(crate) async fn post_packing_slip(
    db: &impl ConnectionTrait,
    company_id: i64,
    s: &Shipment,
) -> ServiceResult<(sales_order::Model, packing_slip::Model)> {
    let key = check_key(s.idempotency_key.as_deref())?;
    super::invoicing::check_posting_date(s.ship_date, "shipDate", "a packing slip")?;
    if s.lines.as_ref().is_some_and(|l| l.len() > MAX_LINES) {
        return Err(Violation::new(
            "lines",
            Rule::OutOfRange,
            format!("at most {MAX_LINES} lines per packing slip"),
        )
        .into());
    }
    let o = lock_order(db, company_id, s.order_id).await?;
    // with a key, postings take turns on the company row too (after the order: the order of
    // locks every posting keeps), so two attempts with one key on different orders see each
    // other; looked up under the locks, a retry racing its first attempt sees it committed
    let locked = match &key {
        Some(_) => Some(crate::setup::lock_company(db, company_id).await?),
        None => None,
    };
    if let Some(k) = &key
        && let Some(ps) = by_idempotency_key(db, company_id, k).await?
    {
        if ps.order_id != o.id || ps.request_digest.as_deref() != Some(&request_digest(s)) {
            return Err(Violation::new(
                "idempotencyKey",
                Rule::IdempotencyKeyReused,
                "this idempotency key was used for another posting (another order, warehouse \
                 or lines)",
            )
            .into());
        }
        return Ok((o, ps));
    }
    let o = workflow::ready_to_post(db, company_id, o).await?;
    let company = match locked {
        Some(c) => c,
        None => crate::setup::company::Entity::find_by_id(company_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("company"))?,
    };
    let lines = lines_of(db, &[o.id]).await?;
    let slip = plan(db, &company, &o, &lines, s).await?;
    count_shipped(db, &slip).await?;
    use_picks(db, o.id, s.warehouse_id, &slip).await?;
    let (ps, _) = write_slip(
        db,
        company_id,
        &NewSlip {
            order_id: o.id,
            customer_id: o.customer_id,
            warehouse_id: s.warehouse_id,
            ship_date: s.ship_date,
            reverses_id: None,
            key: key.map(|k| (k, request_digest(s))),
            lines: &slip,
            invoiced: false,
        },
    )
    .await?;
    let doc = o.document_status.max(DocumentStatus::PackingSlip);
    let o = restate_from(db, o, doc, &after_shipping(&lines, &slip)).await?;
    Ok((o, ps))
}

/// The picks a packing slip uses up, a closed rest's with it.
pub(crate) async fn use_picks(
    db: &impl ConnectionTrait,
    order_id: i64,
    warehouse_id: i64,
    slip: &[SlipLine],
) -> ServiceResult<()> {
    let shipped: Vec<(i64, i64)> = slip
        .iter()
        .map(|l| (l.line.id, l.quantity + l.closed))
        .collect();
    super::picking::consume(db, order_id, warehouse_id, &shipped).await
}

/// Plans a packing slip of an order locked by the caller and ready to post
/// ([`workflow::ready_to_post`]), whose lines are `lines`: every check of the shipment,
/// nothing written. The caller writes it with [`count_shipped`], [`use_picks`] and
/// [`write_slip`]. An invoice from an order plans its shipment through this with what it
/// loaded already.
pub(crate) async fn plan(
    db: &impl ConnectionTrait,
    company: &crate::setup::company::Model,
    o: &sales_order::Model,
    lines: &[sales_order_line::Model],
    s: &Shipment,
) -> ServiceResult<Vec<SlipLine>> {
    let company_id = company.id;
    let (over_pct, under_pct) = (
        company.over_delivery_percent.value(),
        company.under_delivery_percent.value(),
    );
    let mut v = Violations::new();
    v.check(
        refs::usable(
            db,
            company_id,
            Table::Warehouse,
            s.warehouse_id,
            "warehouseId",
        )
        .await?,
    );
    let by_id: HashMap<i64, &sales_order_line::Model> = lines.iter().map(|l| (l.id, l)).collect();
    let items: HashMap<i64, crate::catalog::item::Model> = crate::catalog::item::Entity::find()
        .filter(crate::catalog::item::Column::Id.is_in(lines.iter().map(|l| l.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    // stock moves in the item's base unit, and units do not convert yet
    let unit_ok = |l: &sales_order_line::Model| {
        items.get(&l.item_id).is_none_or(|i| {
            i.kind != crate::catalog::ItemKind::Stocked || i.base_unit_id == l.unit_id
        })
    };
    // with picking required: what each line may ship now (picked, not yet shipped)
    let picked = super::picking::shippable(db, company, lines, s.warehouse_id).await?;
    let picked_of =
        |l: &sales_order_line::Model| picked.as_ref().map(|m| m.get(&l.id).copied().unwrap_or(0));
    // (line, quantity to ship in raw units, the input field it came from)
    let mut plan: Vec<(&sales_order_line::Model, i64, String)> = Vec::new();
    match &s.lines {
        None => {
            for l in lines {
                let r = picked_of(l).map_or(remainder(l), |p| remainder(l).min(p));
                if r > 0 {
                    if !unit_ok(l) {
                        v.push(other_unit(l, "orderId"));
                        continue;
                    }
                    plan.push((l, r, "orderId".to_owned()));
                }
            }
        }
        Some(asked) => {
            // the units' decimals, for the quantities asked (a whole remainder is in them)
            let units = unit_decimals(db, lines.iter().map(|l| l.unit_id)).await?;
            if asked.is_empty() {
                v.push(Violation::new(
                    "lines",
                    Rule::NothingToShip,
                    "no lines were given; leave `lines` out to ship every remainder",
                ));
            }
            let mut seen = HashSet::new();
            for (i, a) in asked.iter().enumerate() {
                let field = format!("lines.{i}.quantity");
                let Some((l, q)) = asked_line(&mut v, &mut seen, &by_id, &units, i, a) else {
                    continue;
                };
                if !unit_ok(l) {
                    v.push(other_unit(l, &format!("lines.{i}.lineId")));
                    continue;
                }
                let r = remainder(l);
                // the over-delivery tolerance lets the shipment that finishes a line go beyond
                // its remainder by a share of its quantity (never ship a closed line again)
                let allowed = if r > 0 {
                    r.saturating_add(share(l, over_pct))
                } else {
                    r
                };
                if q.raw() > allowed {
                    v.push(Violation::new(
                        &field,
                        Rule::OverDelivery,
                        format!(
                            "line {} has {} left to deliver (with the over-delivery tolerance \
                             {}); {} is more",
                            l.line_number,
                            Quantity::from_raw(r.max(0)).value(),
                            Quantity::from_raw(allowed.max(0)).value(),
                            q.value()
                        ),
                    ));
                    continue;
                }
                if let Some(p) = picked_of(l)
                    && q.raw() > p
                {
                    v.push(Violation::new(
                        &field,
                        Rule::NotPicked,
                        format!(
                            "line {} has {} picked and not yet shipped; the company ships only \
                             what was picked",
                            l.line_number,
                            Quantity::from_raw(p).value()
                        ),
                    ));
                    continue;
                }
                plan.push((l, q.raw(), field));
            }
        }
    }
    v.finish()?;
    if plan.is_empty() && picked.is_some() && lines.iter().any(|l| remainder(l) > 0) {
        return Err(Violation::new(
            "orderId",
            Rule::NotPicked,
            format!(
                "sales order {} has nothing picked that is not shipped yet; the company ships \
                 only what was picked",
                o.number
            ),
        )
        .into());
    }
    if plan.is_empty() {
        return Err(Violation::new(
            "orderId",
            Rule::NothingToShip,
            format!("sales order {} has nothing left to ship", o.number),
        )
        .into());
    }
    Ok(plan
        .into_iter()
        .map(|(l, q, field)| {
            // a remainder left within the under-delivery tolerance closes the line
            let left = remainder(l) - q;
            let closed = if left > 0 && left <= share(l, under_pct) {
                left
            } else {
                0
            };
            SlipLine {
                line: l.clone(),
                quantity: q,
                closed,
                moves_stock: true,
                field,
            }
        })
        .collect())
}

/// The lines of packing slips (one statement).
pub async fn lines_of_packing_slips(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<packing_slip_line::Model>> {
    Ok(packing_slip_line::Entity::find()
        .filter(packing_slip_line::Column::PackingSlipId.is_in(ids.iter().copied()))
        .order_by_asc(packing_slip_line::Column::PackingSlipId)
        .order_by_asc(packing_slip_line::Column::Id)
        .all(db)
        .await?)
}

/// The packing slips of orders, oldest first (one statement).
pub async fn packing_slips_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<packing_slip::Model>> {
    Ok(packing_slip::Entity::find()
        .filter(packing_slip::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(packing_slip::Column::Id)
        .all(db)
        .await?)
}

/// The order a packing slip belongs to (read without a lock, to choose the order to lock).
pub async fn order_of_packing_slip(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<i64> {
    packing_slip::Entity::find_by_id(id)
        .filter(packing_slip::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .map(|p| p.order_id)
        .ok_or(ServiceError::NotFound("packing slip"))
}

/// Reverses a packing slip: a new packing slip with its lines negated, dated `date`, which
/// takes the stock back and lowers the lines' delivered quantities.
pub(crate) async fn reverse_packing_slip(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    date: NaiveDate,
) -> ServiceResult<(sales_order::Model, packing_slip::Model)> {
    super::invoicing::check_posting_date(date, "date", "a reversal")?;
    let order_id = order_of_packing_slip(db, company_id, id).await?;
    let o = lock_order(db, company_id, order_id).await?;
    // read again under the order's lock: a concurrent reversal has committed or waits
    let ps = packing_slip::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("packing slip"))?;
    if ps.reverses_id.is_some() || ps.reversed_by_id.is_some() {
        return Err(Violation::new(
            "id",
            Rule::AlreadyReversed,
            format!(
                "packing slip {} was reversed already or is a reversal",
                ps.number
            ),
        )
        .into());
    }
    if date < ps.ship_date {
        return Err(Violation::new(
            "date",
            Rule::OutOfRange,
            format!(
                "a reversal is dated on or after the packing slip it reverses ({} shipped on {})",
                ps.number, ps.ship_date
            ),
        )
        .into());
    }
    let slip_lines = lines_of_packing_slips(db, &[ps.id]).await?;
    if slip_lines.iter().any(|l| l.invoiced.raw() != 0) {
        return Err(Violation::new(
            "id",
            Rule::AlreadyInvoiced,
            format!("packing slip {} was invoiced", ps.number),
        )
        .into());
    }
    let lines = lines_of(db, &[o.id]).await?;
    let by_id: HashMap<i64, &sales_order_line::Model> = lines.iter().map(|l| (l.id, l)).collect();
    let mut back = Vec::with_capacity(slip_lines.len());
    for sl in &slip_lines {
        let l = by_id
            .get(&sl.order_line_id)
            .copied()
            .ok_or(ServiceError::NotFound("sales order line"))?;
        back.push(SlipLine {
            line: l.clone(),
            quantity: -sl.quantity.raw(),
            closed: -sl.closed.raw(),
            moves_stock: sl.item_ledger_entry_id.is_some(),
            field: "id".to_owned(),
        });
    }
    // the document status falls back only when no other packing slip of the order stands
    // (read before the shared rows are locked: the order's lock keeps it true)
    let standing = packing_slips_of(db, &[o.id])
        .await?
        .iter()
        .any(|p| p.id != ps.id && p.reverses_id.is_none() && p.reversed_by_id.is_none());
    let doc = if standing || o.document_status > DocumentStatus::PackingSlip {
        o.document_status
    } else {
        super::picking::fallback_status(db, &o).await?
    };
    count_shipped(db, &back).await?;
    let (rev, _) = write_slip(
        db,
        company_id,
        &NewSlip {
            order_id: o.id,
            customer_id: ps.customer_id,
            warehouse_id: ps.warehouse_id,
            ship_date: date,
            reverses_id: Some(ps.id),
            key: None,
            lines: &back,
            invoiced: false,
        },
    )
    .await?;
    let mut am: packing_slip::ActiveModel = ps.into();
    am.reversed_by_id = Set(Some(rev.id));
    am.update(db).await?;
    let o = restate_from(db, o, doc, &after_shipping(&lines, &back)).await?;
    Ok((o, rev))
}

/// Cancels what is left to deliver on a line (D365 *cancel quantity*): its canceled quantity
/// grows by the deliver remainder. With nothing delivered the line becomes canceled; otherwise
/// it goes on as delivered (and invoiced) with the smaller quantity.
pub(crate) async fn cancel_remainder(
    db: &impl ConnectionTrait,
    company_id: i64,
    line_id: i64,
) -> ServiceResult<sales_order::Model> {
    let order_id = super::order_of_line(db, company_id, line_id).await?;
    let o = lock_order(db, company_id, order_id).await?;
    let l = sales_order_line::Entity::find_by_id(line_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("sales order line"))?;
    let r = remainder(&l);
    if r <= 0 {
        return Err(Violation::new(
            "lineId",
            Rule::NothingToShip,
            format!("line {} has nothing left to deliver", l.line_number),
        )
        .into());
    }
    super::picking::ensure_unpicked(db, &l, l.quantity.raw() - r, "lineId").await?;
    let canceled = l.canceled.raw() + r;
    let mut am: sales_order_line::ActiveModel = l.into();
    am.canceled = Set(Quantity::from_raw(canceled));
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    let doc = o.document_status;
    restate(db, o, doc).await
}

/// Which packing slips a list shows.
#[derive(Debug, Clone, Default)]
pub struct PackingSlipFilter {
    /// Of this order.
    pub order_id: Option<i64>,
    /// Of this customer.
    pub customer_id: Option<i64>,
    /// Shipped on or after.
    pub ship_date_from: Option<NaiveDate>,
    /// Shipped on or before.
    pub ship_date_to: Option<NaiveDate>,
    /// Number contains.
    pub search: Option<String>,
}

fn packing_slip_query(
    company_id: i64,
    f: &PackingSlipFilter,
) -> sea_orm::Select<packing_slip::Entity> {
    use packing_slip::Column as C;
    let mut q = packing_slip::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[C::Number]) {
        q = q.filter(c);
    }
    if let Some(o) = f.order_id {
        q = q.filter(C::OrderId.eq(o));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(C::CustomerId.eq(c));
    }
    if let Some(d) = f.ship_date_from {
        q = q.filter(C::ShipDate.gte(d));
    }
    if let Some(d) = f.ship_date_to {
        q = q.filter(C::ShipDate.lte(d));
    }
    q
}

/// One page of packing slips, by number (numeric order within the sequence).
pub async fn list_packing_slips(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PackingSlipFilter,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<packing_slip::Model>> {
    crate::crm::page_sorted(
        db,
        packing_slip_query(company_id, f),
        crate::crm::SortKey::Number(packing_slip::Column::Number),
        packing_slip::Column::Id,
        desc,
        args,
    )
    .await
}

/// Number of packing slips matching the filter.
pub async fn count_packing_slips(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PackingSlipFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, packing_slip_query(company_id, f)).await?)
}
