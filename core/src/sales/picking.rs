//! Picking lists (DOMAIN.md §4): an optional step before packing slips, required when the
//! company's `picking_required` is on.
//!
//! Owns: the picked quantities of order lines.
//! - Posting a picking list names order lines and quantities to pick from one warehouse: at
//!   most what is left to deliver and not already on a picking list (open, or registered and
//!   not yet shipped) (`OVER_DELIVERY`). Holds and pending approvals block it
//!   (`ORDER_ON_HOLD`, `APPROVAL_REQUIRED`); it releases an open order as any posting does.
//! - Registering records what was picked (the whole list, or less per line); what was not
//!   picked is dropped and may go on a new list. An open list may be canceled instead.
//! - With picking required, a packing slip ships per line at most what registered lists picked
//!   and packing slips have not shipped yet (`NOT_PICKED`).
//!
//! Every function takes the caller's write transaction and locks the order first.

use super::{
    DocumentStatus, lock_order, picking_list, picking_list_line, sales_order, sales_order_line,
    workflow,
};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::Quantity;
use crate::numbering::{self, SequenceKind};
use crate::refs::{self, Table};
use crate::validate;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, Set};
use std::collections::{HashMap, HashSet};

/// Where a picking list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PickingStatus {
    /// Posted, being picked.
    #[sea_orm(string_value = "open")]
    Open,
    /// Picked quantities registered.
    #[sea_orm(string_value = "registered")]
    Registered,
    /// Canceled before registering.
    #[sea_orm(string_value = "canceled")]
    Canceled,
}

/// One order line and how much of it to pick (or, registering, was picked).
pub use super::shipping::ShipLine as PickLine;

/// A picking list to post.
#[derive(Debug, Clone)]
pub struct NewPickingList {
    /// The order.
    pub order_id: i64,
    /// The warehouse to pick from.
    pub warehouse_id: i64,
    /// Lines and quantities; every line's pickable rest when absent.
    pub lines: Option<Vec<PickLine>>,
}

/// Per order line: what registered lists picked and packing slips have not shipped yet, and
/// what open lists hold (raw units).
#[derive(Debug, Clone, Copy, Default)]
pub struct Picks {
    /// Σ picked − shipped on registered lists.
    pub picked: i64,
    /// Σ quantity on open lists.
    pub open: i64,
}

/// The picks of order lines (two statements), of one warehouse's lists when given.
pub async fn picks_of_lines(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
    warehouse_id: Option<i64>,
) -> ServiceResult<HashMap<i64, Picks>> {
    let mut q = picking_list::Entity::find()
        .filter(picking_list::Column::OrderId.is_in(order_ids.iter().copied()));
    if let Some(w) = warehouse_id {
        q = q.filter(picking_list::Column::WarehouseId.eq(w));
    }
    let lists: HashMap<i64, PickingStatus> = q
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.status))
        .collect();
    if lists.is_empty() {
        return Ok(HashMap::new());
    }
    let lines = picking_list_line::Entity::find()
        .filter(picking_list_line::Column::PickingListId.is_in(lists.keys().copied()))
        .all(db)
        .await?;
    let mut out: HashMap<i64, Picks> = HashMap::new();
    for l in lines {
        let e = out.entry(l.order_line_id).or_default();
        match lists.get(&l.picking_list_id) {
            Some(PickingStatus::Registered) => e.picked += l.picked.raw() - l.shipped.raw(),
            Some(PickingStatus::Open) => e.open += l.quantity.raw(),
            _ => {}
        }
    }
    Ok(out)
}

/// What may still go on a picking list of a line: what is left to deliver, less what open lists
/// hold and what was picked and not shipped yet.
fn pickable(l: &sales_order_line::Model, p: Picks) -> i64 {
    let left = l.quantity.raw() - l.delivered.raw() - l.canceled.raw();
    (left - p.open - p.picked).max(0)
}

/// A shipment of picked goods: the quantities shipped (and any rest the shipment closed)
/// consume the registered picks of their order lines in the shipping warehouse, oldest list
/// first (whether or not the company requires picking, so that picks never count twice).
pub(crate) async fn consume(
    db: &impl ConnectionTrait,
    order_id: i64,
    warehouse_id: i64,
    shipped: &[(i64, i64)],
) -> ServiceResult<()> {
    let registered: Vec<i64> = picking_list::Entity::find()
        .filter(picking_list::Column::OrderId.eq(order_id))
        .filter(picking_list::Column::WarehouseId.eq(warehouse_id))
        .filter(picking_list::Column::Status.eq(PickingStatus::Registered))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    if registered.is_empty() {
        return Ok(());
    }
    let rows = picking_list_line::Entity::find()
        .filter(picking_list_line::Column::PickingListId.is_in(registered))
        .filter(picking_list_line::Column::OrderLineId.is_in(shipped.iter().map(|(l, _)| *l)))
        .order_by_asc(picking_list_line::Column::Id)
        .all(db)
        .await?;
    for (line, q) in shipped {
        let mut left = *q;
        for r in rows.iter().filter(|r| r.order_line_id == *line) {
            if left <= 0 {
                break;
            }
            let open = r.picked.raw() - r.shipped.raw();
            if open <= 0 {
                continue;
            }
            let take = open.min(left);
            left -= take;
            let mut am: picking_list_line::ActiveModel = r.clone().into();
            am.shipped = Set(Quantity::from_raw(r.shipped.raw() + take));
            am.update(db).await?;
        }
    }
    Ok(())
}

/// Posts a picking list. Returns the order as written and the list.
pub(crate) async fn post_picking_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    n: &NewPickingList,
) -> ServiceResult<(sales_order::Model, picking_list::Model)> {
    let o = lock_order(db, company_id, n.order_id).await?;
    let o = workflow::ready_to_post(db, company_id, o).await?;
    let mut v = Violations::new();
    v.check(
        refs::usable(
            db,
            company_id,
            Table::Warehouse,
            n.warehouse_id,
            "warehouseId",
        )
        .await?,
    );
    let lines = super::lines_of(db, &[o.id]).await?;
    let picks = picks_of_lines(db, &[o.id], None).await?;
    let units = super::shipping::unit_decimals(db, lines.iter().map(|l| l.unit_id)).await?;
    let by_id: HashMap<i64, &sales_order_line::Model> = lines.iter().map(|l| (l.id, l)).collect();
    let mut plan: Vec<(&sales_order_line::Model, i64)> = Vec::new();
    match &n.lines {
        None => {
            for l in &lines {
                let r = pickable(l, picks.get(&l.id).copied().unwrap_or_default());
                if r > 0 {
                    plan.push((l, r));
                }
            }
        }
        Some(asked) => {
            if asked.is_empty() {
                v.push(Violation::new(
                    "lines",
                    Rule::NothingToShip,
                    "no lines were given; leave `lines` out to pick every line's rest",
                ));
            }
            let mut seen = HashSet::new();
            for (i, a) in asked.iter().enumerate() {
                let field = format!("lines.{i}.quantity");
                let Some((l, q)) =
                    super::shipping::asked_line(&mut v, &mut seen, &by_id, &units, i, a)
                else {
                    continue;
                };
                let r = pickable(l, picks.get(&l.id).copied().unwrap_or_default());
                if q.raw() > r {
                    v.push(Violation::new(
                        &field,
                        Rule::OverDelivery,
                        format!(
                            "line {} has {} left to pick; {} is more",
                            l.line_number,
                            Quantity::from_raw(r).value(),
                            q.value()
                        ),
                    ));
                    continue;
                }
                plan.push((l, q.raw()));
            }
        }
    }
    v.finish()?;
    if plan.is_empty() {
        return Err(Violation::new(
            "orderId",
            Rule::NothingToShip,
            format!("sales order {} has nothing left to pick", o.number),
        )
        .into());
    }
    let number = numbering::next_number(db, company_id, SequenceKind::PickingList).await?;
    let list = picking_list::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        order_id: Set(o.id),
        warehouse_id: Set(n.warehouse_id),
        status: Set(PickingStatus::Open),
        created_at: Set(Utc::now()),
        registered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let rows: Vec<picking_list_line::ActiveModel> = plan
        .iter()
        .map(|(l, q)| picking_list_line::ActiveModel {
            company_id: Set(company_id),
            picking_list_id: Set(list.id),
            order_line_id: Set(l.id),
            item_id: Set(l.item_id),
            quantity: Set(Quantity::from_raw(*q)),
            picked: Set(Quantity::ZERO),
            shipped: Set(Quantity::ZERO),
            ..Default::default()
        })
        .collect();
    picking_list_line::Entity::insert_many(rows)
        .exec(db)
        .await?;
    let doc = o.document_status.max(DocumentStatus::PickingList);
    let o = super::shipping::restate(db, o, doc).await?;
    Ok((o, list))
}

/// The order of a picking list (read without a lock, to choose the order to lock).
pub async fn order_of_picking_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<i64> {
    picking_list::Entity::find_by_id(id)
        .filter(picking_list::Column::CompanyId.eq(company_id))
        .one(db)
        .await?
        .map(|p| p.order_id)
        .ok_or(ServiceError::NotFound("picking list"))
}

/// The open list, read again under its order's lock.
async fn open_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<(sales_order::Model, picking_list::Model)> {
    let order_id = order_of_picking_list(db, company_id, id).await?;
    let o = lock_order(db, company_id, order_id).await?;
    let list = picking_list::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("picking list"))?;
    if list.status != PickingStatus::Open {
        return Err(Violation::new(
            "id",
            Rule::InvalidValue,
            format!(
                "picking list {} was registered or canceled already",
                list.number
            ),
        )
        .into());
    }
    Ok((o, list))
}

/// Registers a picking list: every line picked in full, or the quantities given (at most each
/// line's quantity; lines left out picked nothing).
pub async fn register_picking_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    lines: Option<Vec<PickLine>>,
) -> ServiceResult<picking_list::Model> {
    let (o, list) = open_list(db, company_id, id).await?;
    workflow::ensure_executable(db, &o, "id").await?;
    let rows = lines_of_picking_lists(db, &[list.id]).await?;
    // the units of the listed order lines, for the decimals a picked quantity may have
    let unit_of: HashMap<i64, i64> = sales_order_line::Entity::find()
        .filter(sales_order_line::Column::Id.is_in(rows.iter().map(|r| r.order_line_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.unit_id))
        .collect();
    let units = super::shipping::unit_decimals(db, unit_of.values().copied()).await?;
    let mut picked: HashMap<i64, i64> = HashMap::new();
    match &lines {
        None => {
            for r in &rows {
                picked.insert(r.id, r.quantity.raw());
            }
        }
        Some(asked) => {
            let mut v = Violations::new();
            for (i, a) in asked.iter().enumerate() {
                let field = format!("lines.{i}.quantity");
                let Some(r) = rows.iter().find(|r| r.order_line_id == a.line_id) else {
                    v.push(Violation::new(
                        &format!("lines.{i}.lineId"),
                        Rule::NotFound,
                        "no such line on this picking list",
                    ));
                    continue;
                };
                let Some(q) = v.check(validate::quantity(&field, a.quantity)) else {
                    continue;
                };
                // what was listed fits the unit; a picked quantity must fit it too
                let places = unit_of
                    .get(&r.order_line_id)
                    .and_then(|u| units.get(u))
                    .map_or(0, |d| (*d).max(0) as u32);
                if a.quantity.normalize().scale() > places {
                    v.push(Violation::new(
                        &field,
                        Rule::PrecisionExceeded,
                        "the line's unit allows fewer decimal places",
                    ));
                    continue;
                }
                if q.raw() < 0 || q.raw() > r.quantity.raw() {
                    v.push(Violation::new(
                        &field,
                        Rule::OutOfRange,
                        format!("picked is between 0 and the line's {}", r.quantity.value()),
                    ));
                    continue;
                }
                if picked.insert(r.id, q.raw()).is_some() {
                    v.push(Violation::new(
                        &format!("lines.{i}.lineId"),
                        Rule::InvalidValue,
                        "this line is listed twice",
                    ));
                }
            }
            v.finish()?;
        }
    }
    for r in rows {
        let q = picked.get(&r.id).copied().unwrap_or(0);
        let mut am: picking_list_line::ActiveModel = r.into();
        am.picked = Set(Quantity::from_raw(q));
        am.update(db).await?;
    }
    let mut am: picking_list::ActiveModel = list.into();
    am.status = Set(PickingStatus::Registered);
    am.registered_at = Set(Some(Utc::now()));
    let list = am.update(db).await?;
    touch(db, o).await?;
    Ok(list)
}

/// Cancels an open picking list (its quantities may go on another list).
pub async fn cancel_picking_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<picking_list::Model> {
    let (o, list) = open_list(db, company_id, id).await?;
    let mut am: picking_list::ActiveModel = list.into();
    am.status = Set(PickingStatus::Canceled);
    let list = am.update(db).await?;
    if o.document_status == DocumentStatus::PickingList {
        let doc = fallback_status(db, &o).await?;
        let mut am: sales_order::ActiveModel = o.into();
        am.document_status = Set(doc);
        am.updated_at = Set(Utc::now());
        am.update(db).await?;
    } else {
        touch(db, o).await?;
    }
    Ok(list)
}

/// The document status an order falls back to when its last packing slip is reversed or a
/// picking list canceled: `PICKING_LIST` while an open or registered list stands, else
/// `CONFIRMATION` when it was confirmed, else none.
pub(crate) async fn fallback_status(
    db: &impl ConnectionTrait,
    o: &sales_order::Model,
) -> ServiceResult<DocumentStatus> {
    let standing = picking_list::Entity::find()
        .filter(picking_list::Column::OrderId.eq(o.id))
        .filter(picking_list::Column::Status.ne(PickingStatus::Canceled))
        .one(db)
        .await?
        .is_some();
    Ok(if standing {
        DocumentStatus::PickingList
    } else if o.confirmed_version.is_some() {
        DocumentStatus::Confirmation
    } else {
        DocumentStatus::None
    })
}

/// Refuses a line's quantity going below what is delivered, canceled and held by picking lists
/// (open, or picked and not shipped): `to` is the new ordered quantity less what is canceled.
pub(crate) async fn ensure_unpicked(
    db: &impl ConnectionTrait,
    l: &sales_order_line::Model,
    to: i64,
    field: &str,
) -> ServiceResult<()> {
    let p = picks_of_lines(db, &[l.order_id], None)
        .await?
        .get(&l.id)
        .copied()
        .unwrap_or_default();
    let held = p.open + p.picked.max(0);
    if held > 0 && to - l.canceled.raw().min(to) < l.delivered.raw() + held {
        return Err(Violation::new(
            field,
            Rule::InvalidValue,
            format!(
                "line {} has {} on picking lists (open, or picked and not shipped): ship it, \
                 or cancel the open lists, first",
                l.line_number,
                Quantity::from_raw(held).value()
            ),
        )
        .into());
    }
    Ok(())
}

/// Marks the order changed (what it may ship changed), so a change checked against its
/// previous state runs again.
async fn touch(db: &impl ConnectionTrait, o: sales_order::Model) -> ServiceResult<()> {
    let mut am: sales_order::ActiveModel = o.into();
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(())
}

/// The lines of picking lists (one statement).
pub async fn lines_of_picking_lists(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<picking_list_line::Model>> {
    Ok(picking_list_line::Entity::find()
        .filter(picking_list_line::Column::PickingListId.is_in(ids.iter().copied()))
        .order_by_asc(picking_list_line::Column::Id)
        .all(db)
        .await?)
}

/// With picking required, what each line of an order may ship now from a warehouse: picked on
/// its registered lists and not yet shipped (raw units; a service line, which has nothing to
/// pick, its whole quantity); `None` when the company does not require picking.
pub(crate) async fn shippable(
    db: &impl ConnectionTrait,
    company: &crate::setup::company::Model,
    lines: &[sales_order_line::Model],
    warehouse_id: i64,
) -> ServiceResult<Option<HashMap<i64, i64>>> {
    if !company.picking_required {
        return Ok(None);
    }
    let mut orders: Vec<i64> = lines.iter().map(|l| l.order_id).collect();
    orders.sort_unstable();
    orders.dedup();
    let picks = picks_of_lines(db, &orders, Some(warehouse_id)).await?;
    // services have nothing to pick: they ship their whole remainder
    let services: HashSet<i64> = crate::catalog::item::Entity::find()
        .filter(crate::catalog::item::Column::Id.is_in(lines.iter().map(|l| l.item_id)))
        .filter(crate::catalog::item::Column::Kind.eq(crate::catalog::ItemKind::Service))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    Ok(Some(
        lines
            .iter()
            .map(|l| {
                let n = if services.contains(&l.item_id) {
                    l.quantity.raw().max(0)
                } else {
                    picks.get(&l.id).map_or(0, |p| p.picked.max(0))
                };
                (l.id, n)
            })
            .collect(),
    ))
}

/// Which picking lists a list shows.
#[derive(Debug, Clone, Default)]
pub struct PickingListFilter {
    /// Of this order.
    pub order_id: Option<i64>,
    /// In this status.
    pub status: Option<PickingStatus>,
    /// Number contains.
    pub search: Option<String>,
}

fn picking_query(company_id: i64, f: &PickingListFilter) -> sea_orm::Select<picking_list::Entity> {
    use picking_list::Column as C;
    let mut q = picking_list::Entity::find().filter(C::CompanyId.eq(company_id));
    if let Some(c) = crate::crm::search_any(f.search.as_deref(), &[C::Number]) {
        q = q.filter(c);
    }
    if let Some(o) = f.order_id {
        q = q.filter(C::OrderId.eq(o));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s));
    }
    q
}

/// One page of picking lists, by number.
pub async fn list_picking_lists(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PickingListFilter,
    desc: bool,
    args: &crate::paging::PageArgs,
) -> ServiceResult<crate::paging::Page<picking_list::Model>> {
    crate::crm::page_sorted(
        db,
        picking_query(company_id, f),
        crate::crm::SortKey::Number(picking_list::Column::Number),
        picking_list::Column::Id,
        desc,
        args,
    )
    .await
}

/// Number of picking lists matching the filter.
pub async fn count_picking_lists(
    db: &impl crate::reads::Read,
    company_id: i64,
    f: &PickingListFilter,
) -> ServiceResult<u64> {
    Ok(crate::reads::count(db, picking_query(company_id, f)).await?)
}
