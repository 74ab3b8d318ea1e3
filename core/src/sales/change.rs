//! Changing an order: the one use case every path that changes a sales order goes through,
//! so that the order type's rules (built-in or a plugin's) see every change:
//! creation (also from a quotation), line additions, changes and deletions, standard lines,
//! accepted up-sell suggestions, a type change, and the transitions release, reopen, confirm,
//! approval, pick (a picking list), ship (a packing slip, and its reversal), invoice (orders
//! or their packing slips) and cancel (a line's remainder).
//!
//! Owns: when the rules are asked, and that a change the rules did not see is never written.
//! - **Plugin order types**: the change is first made in a write transaction that is rolled
//!   back (a dry run: every rule of the services applies, and it yields the order exactly as
//!   it would be); the type's rules are then asked outside any transaction (a plugin is never
//!   called with one open); then the change is made for good in a new transaction, which
//!   first checks that no touched order changed since the dry run, and after writing that
//!   the orders are exactly the ones the rules saw (a price, an agreement or a standard code
//!   may have changed meanwhile without touching the order). If not, the whole change runs
//!   again, at most [`ATTEMPTS`] times, then `CONFLICT` (retryable). Within one node (one
//!   [`Db`]), changes of the same order take turns from the dry run to the commit (a striped
//!   in-memory lock), so they never go stale against each other; the checks are for other
//!   nodes and for the data an order is computed from.
//! - **Built-in order types**: their rules are pure code, so they are asked inside the write
//!   transaction on the order as written, and a refusal rolls the change back. The types are
//!   read again once the orders are locked: one that became a plugin's meanwhile sends the
//!   change down the plugin path.
//!
//! Which hook runs: `validate` on the order after a creation or a line change (and with the
//! new type after a type change); `check_transition` on the order before a transition, with
//! the current type.
//!
//! **Architecture invariant:** this module opens and commits its own transactions (a use case,
//! not a service): the services it calls still take the caller's transaction.

use super::confirm;
use super::types::{change_type, order_message};
use super::upsell;
use super::workflow;
use super::{LinePatch, NewOrder, NewOrderLine, sales_order, sales_quotation};
use crate::db::Db;
use crate::error::{ServiceError, ServiceResult};
use crate::extension::ExtensionError;
use crate::extension::messages::{
    Order, Transition, TransitionAction, TransitionRequest, ValidateOrderRequest,
};
use crate::extension::registry::{Provider, Registry};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseTransaction;
use sea_orm::entity::prelude::*;

/// How often a change whose order was changed by someone else during the rules' answer is
/// tried before it is given up as `CONFLICT`.
pub const ATTEMPTS: usize = 5;

/// Takes this node's turns of `ids` ([`Db::turns`]; each stripe once, in stripe order: no
/// deadlock).
async fn turns<'a>(db: &'a Db, ids: &[i64]) -> Vec<tokio::sync::MutexGuard<'a, ()>> {
    let stripes_of = db.turns.len().max(1) as i64;
    let mut stripes: Vec<usize> = ids
        .iter()
        .map(|id| id.rem_euclid(stripes_of) as usize)
        .collect();
    stripes.sort_unstable();
    stripes.dedup();
    let mut held = Vec::with_capacity(stripes.len());
    for s in stripes {
        if let Some(m) = db.turns.get(s) {
            held.push(m.lock().await);
        }
    }
    held
}

/// A change of one or more orders.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new order.
    Create(NewOrder),
    /// A created or sent quotation confirmed into a new order (on `today`).
    ConfirmQuotation {
        /// The quotation.
        quotation_id: i64,
        /// The order date.
        today: NaiveDate,
    },
    /// A line added.
    AddLine {
        /// The order.
        order_id: i64,
        /// The line.
        line: NewOrderLine,
    },
    /// A line changed.
    UpdateLine {
        /// The line.
        line_id: i64,
        /// What changes.
        patch: LinePatch,
    },
    /// A line deleted.
    DeleteLine {
        /// The line.
        line_id: i64,
    },
    /// The recurring lines of a standard sales code inserted.
    InsertStandardLines {
        /// The order.
        order_id: i64,
        /// The standard code.
        code: String,
    },
    /// An up-sell or cross-sell suggestion accepted (a line replaced or added).
    AcceptSuggestion {
        /// The suggestion.
        suggestion_id: i64,
    },
    /// The order's type (and its attributes) changed.
    ChangeType {
        /// The order.
        order_id: i64,
        /// The new type's code.
        to: String,
        /// The attributes for the new type; the current ones when absent.
        attributes: Option<serde_json::Value>,
    },
    /// Released to the warehouse.
    Release {
        /// The order.
        order_id: i64,
    },
    /// Reopened for changes.
    Reopen {
        /// The order.
        order_id: i64,
    },
    /// Sent for approval (a release that needs approval first).
    RequestApproval {
        /// The order.
        order_id: i64,
        /// The requester (token name).
        by: String,
    },
    /// An approval request approved (the order is released when the approver's limit covers
    /// it).
    Approve {
        /// The request.
        request_id: i64,
        /// The approver (token name).
        by: String,
    },
    /// A packing slip posted.
    Ship {
        /// What ships.
        shipment: super::shipping::Shipment,
    },
    /// A packing slip reversed (on `date`).
    ReverseShipment {
        /// The packing slip.
        packing_slip_id: i64,
        /// The date of the reversal.
        date: NaiveDate,
    },
    /// A picking list posted.
    Pick {
        /// What to pick.
        list: super::picking::NewPickingList,
    },
    /// An invoice posted from orders or packing slips.
    Invoice {
        /// What it bills.
        request: super::invoicing::InvoiceRequest,
    },
    /// What is left to deliver on a line canceled.
    CancelRemainder {
        /// The line.
        line_id: i64,
    },
    /// Confirmed to the customer (several orders of one invoice account: a summary
    /// confirmation).
    Confirm {
        /// The orders.
        ids: Vec<i64>,
        /// Skip the credit check (impossible with a mandatory limit).
        skip_credit_check: bool,
        /// Who confirms (token name).
        by: String,
    },
}

/// What a change wrote.
#[derive(Debug, Clone, Default)]
pub struct Changed {
    /// The orders changed or created, as written.
    pub orders: Vec<sales_order::Model>,
    /// The quotation confirmed, for [`Change::ConfirmQuotation`].
    pub quotation: Option<sales_quotation::Model>,
    /// The packing slip posted, for [`Change::Ship`] and [`Change::ReverseShipment`].
    pub packing_slip: Option<super::packing_slip::Model>,
    /// The picking list posted, for [`Change::Pick`].
    pub picking_list: Option<super::picking_list::Model>,
    /// The invoice posted, for [`Change::Invoice`], with its figures.
    pub invoice: Option<(super::customer_invoice::Model, super::invoicing::Draft)>,
}

impl Change {
    /// The transitions this change makes, in the order they happen: an invoice from orders
    /// first ships what is left (`SHIP`, then `INVOICE`), so a type that refuses shipping
    /// refuses it there too.
    fn transitions(&self) -> Vec<Transition> {
        let plain = |action| Transition {
            action,
            to_order_type: None,
        };
        match self {
            Change::Invoice { request }
                if matches!(request.source, super::invoicing::InvoiceSource::Orders(_)) =>
            {
                vec![
                    plain(TransitionAction::Ship),
                    plain(TransitionAction::Invoice),
                ]
            }
            _ => self.transition().into_iter().collect(),
        }
    }

    /// The transition this change is, if it is one.
    fn transition(&self) -> Option<Transition> {
        let action = match self {
            Change::ChangeType { to, .. } => {
                return Some(Transition {
                    action: TransitionAction::ChangeType,
                    to_order_type: Some(to.clone()),
                });
            }
            Change::Release { .. } | Change::RequestApproval { .. } | Change::Approve { .. } => {
                TransitionAction::Release
            }
            Change::Reopen { .. } => TransitionAction::Reopen,
            Change::Confirm { .. } => TransitionAction::Confirm,
            Change::Ship { .. } | Change::ReverseShipment { .. } => TransitionAction::Ship,
            Change::CancelRemainder { .. } => TransitionAction::Cancel,
            Change::Invoice { .. } => TransitionAction::Invoice,
            Change::Pick { .. } => TransitionAction::Pick,
            _ => return None,
        };
        Some(Transition {
            action,
            to_order_type: None,
        })
    }

    /// Whether the order after the change is validated by its type.
    fn validates(&self) -> bool {
        !matches!(
            self,
            Change::Release { .. }
                | Change::Reopen { .. }
                | Change::RequestApproval { .. }
                | Change::Approve { .. }
                | Change::Confirm { .. }
                | Change::Ship { .. }
                | Change::ReverseShipment { .. }
                | Change::CancelRemainder { .. }
                | Change::Invoice { .. }
                | Change::Pick { .. }
        )
    }
}

/// The orders a change touches that exist before it, read without locking (to choose the path
/// and to be checked again under lock).
async fn touched(
    db: &impl ConnectionTrait,
    company_id: i64,
    change: &Change,
) -> ServiceResult<Vec<i64>> {
    Ok(match change {
        Change::Create(_) | Change::ConfirmQuotation { .. } => vec![],
        Change::AddLine { order_id, .. }
        | Change::InsertStandardLines { order_id, .. }
        | Change::ChangeType { order_id, .. }
        | Change::Release { order_id }
        | Change::Reopen { order_id }
        | Change::RequestApproval { order_id, .. } => vec![*order_id],
        Change::Ship { shipment } => vec![shipment.order_id],
        Change::Pick { list } => vec![list.order_id],
        Change::Invoice { request } => {
            // refused before one order is locked
            super::invoicing::check_request(request)?;
            super::invoicing::orders_of_request(db, company_id, request).await?
        }
        Change::ReverseShipment {
            packing_slip_id, ..
        } => vec![super::shipping::order_of_packing_slip(db, company_id, *packing_slip_id).await?],
        Change::UpdateLine { line_id, .. }
        | Change::DeleteLine { line_id }
        | Change::CancelRemainder { line_id } => {
            vec![super::order_of_line(db, company_id, *line_id).await?]
        }
        Change::AcceptSuggestion { suggestion_id } => {
            match upsell::upsell_suggestion::Entity::find_by_id(*suggestion_id)
                .filter(upsell::upsell_suggestion::Column::CompanyId.eq(company_id))
                .one(db)
                .await?
            {
                Some(s) => vec![s.order_id],
                None => return Err(ServiceError::NotFound("suggestion")),
            }
        }
        Change::Approve { request_id, .. } => {
            match workflow::approval_request::Entity::find_by_id(*request_id)
                .filter(workflow::approval_request::Column::CompanyId.eq(company_id))
                .one(db)
                .await?
            {
                Some(r) => vec![r.order_id],
                None => return Err(ServiceError::NotFound("approval request")),
            }
        }
        Change::Confirm { ids, .. } => {
            let mut v = ids.clone();
            v.sort_unstable();
            v.dedup();
            v
        }
    })
}

/// The order types a change involves: the touched orders' current types, a new order's type,
/// and the target type of a type change.
async fn types_of(
    db: &impl ConnectionTrait,
    company_id: i64,
    change: &Change,
    orders: &[i64],
) -> ServiceResult<Vec<String>> {
    let mut types: Vec<String> = sales_order::Entity::find()
        .filter(sales_order::Column::CompanyId.eq(company_id))
        .filter(sales_order::Column::Id.is_in(orders.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.order_type)
        .collect();
    types.extend(new_type(change).map(str::to_owned));
    Ok(types)
}

/// The type a change brings in besides the touched orders' own: a new order's, or the target
/// of a type change.
fn new_type(change: &Change) -> Option<&str> {
    match change {
        Change::Create(n) => Some(&n.order_type),
        Change::ConfirmQuotation { .. } => Some(crate::extension::builtin::SALES),
        Change::ChangeType { to, .. } => Some(to),
        _ => None,
    }
}

/// Makes the change in `txn` (every service rule applies) and returns what it wrote.
/// `locked`: the touched orders, when `txn` has locked them already (an invoice posting then
/// does not lock and read them again).
async fn apply(
    txn: &DatabaseTransaction,
    registry: &Registry,
    company_id: i64,
    change: &Change,
    locked: Option<&[sales_order::Model]>,
) -> ServiceResult<Changed> {
    let one = |o: sales_order::Model| Changed {
        orders: vec![o],
        ..Default::default()
    };
    Ok(match change {
        Change::Create(n) => one(super::create_order(txn, registry, company_id, n.clone()).await?),
        Change::ConfirmQuotation {
            quotation_id,
            today,
        } => {
            let (q, o) = super::confirm_quotation(txn, company_id, *quotation_id, *today).await?;
            Changed {
                orders: vec![o],
                quotation: Some(q),
                ..Default::default()
            }
        }
        Change::AddLine { order_id, line } => {
            one(super::add_line(txn, company_id, *order_id, line.clone()).await?)
        }
        Change::UpdateLine { line_id, patch } => {
            one(super::update_line(txn, company_id, *line_id, patch.clone()).await?)
        }
        Change::DeleteLine { line_id } => one(super::delete_line(txn, company_id, *line_id).await?),
        Change::InsertStandardLines { order_id, code } => {
            one(super::standard::insert_standard_lines(txn, company_id, *order_id, code).await?)
        }
        Change::AcceptSuggestion { suggestion_id } => {
            one(upsell::accept(txn, company_id, *suggestion_id).await?)
        }
        Change::ChangeType {
            order_id,
            to,
            attributes,
        } => one(change_type(txn, registry, company_id, *order_id, to, attributes.clone()).await?),
        Change::Release { order_id } => {
            one(workflow::release_order(txn, company_id, *order_id).await?)
        }
        Change::Reopen { order_id } => {
            one(workflow::reopen_order(txn, company_id, *order_id).await?)
        }
        Change::RequestApproval { order_id, by } => {
            one(workflow::request_approval(txn, company_id, *order_id, by).await?)
        }
        Change::Approve { request_id, by } => {
            one(workflow::approve(txn, company_id, *request_id, by).await?)
        }
        Change::Confirm {
            ids,
            skip_credit_check,
            by,
        } => Changed {
            orders: confirm::confirm_orders(txn, company_id, ids, *skip_credit_check, by).await?,
            ..Default::default()
        },
        Change::Ship { shipment } => {
            // the postings are boxed: each is a large future, and `apply` would otherwise be as
            // large as the largest of them on every path
            let (o, ps) = Box::pin(super::shipping::post_packing_slip(
                txn, company_id, shipment,
            ))
            .await?;
            Changed {
                orders: vec![o],
                packing_slip: Some(ps),
                ..Default::default()
            }
        }
        Change::ReverseShipment {
            packing_slip_id,
            date,
        } => {
            let (o, ps) = Box::pin(super::shipping::reverse_packing_slip(
                txn,
                company_id,
                *packing_slip_id,
                *date,
            ))
            .await?;
            Changed {
                orders: vec![o],
                packing_slip: Some(ps),
                ..Default::default()
            }
        }
        Change::CancelRemainder { line_id } => {
            one(super::shipping::cancel_remainder(txn, company_id, *line_id).await?)
        }
        Change::Pick { list } => {
            let (o, l) = Box::pin(super::picking::post_picking_list(txn, company_id, list)).await?;
            Changed {
                orders: vec![o],
                picking_list: Some(l),
                ..Default::default()
            }
        }
        Change::Invoice { request } => {
            let (orders, inv, draft) = Box::pin(super::invoicing::post_invoice(
                txn,
                company_id,
                request,
                locked.map(<[_]>::to_vec),
            ))
            .await?;
            Changed {
                orders,
                invoice: Some((inv, draft)),
                ..Default::default()
            }
        }
    })
}

/// The rules' requests for a change: each touched order before it (transitions, with its
/// current type) and each order after it (validation, with its type then).
fn requests(
    change: &Change,
    before: &[Order],
    after: &[Order],
) -> (Vec<TransitionRequest>, Vec<ValidateOrderRequest>) {
    let transitions = change
        .transitions()
        .into_iter()
        .flat_map(|t| {
            before.iter().map(move |o| TransitionRequest {
                v: 1,
                order_type: o.order_type.clone(),
                order: o.clone(),
                transition: t.clone(),
            })
        })
        .collect();
    let validations = if change.validates() {
        after
            .iter()
            .map(|o| ValidateOrderRequest {
                v: 1,
                order_type: o.order_type.clone(),
                order: o.clone(),
            })
            .collect()
    } else {
        vec![]
    };
    (transitions, validations)
}

async fn messages(
    db: &impl ConnectionTrait,
    company_id: i64,
    ids: &[i64],
) -> ServiceResult<Vec<(Order, DateTime<Utc>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(order_message(db, company_id, *id).await?);
    }
    Ok(out)
}

fn ids_of(done: &Changed) -> Vec<i64> {
    done.orders.iter().map(|o| o.id).collect()
}

fn rejected(e: ExtensionError) -> ServiceError {
    ServiceError::Extension(e)
}

/// Makes a change of orders, asking their type's rules as the module docs say. Returns what
/// was written, or why nothing was (a service's violation, an extension's refusal or fault,
/// or `CONFLICT` after [`ATTEMPTS`] tries).
pub async fn change_orders(
    db: &Db,
    registry: &Registry,
    company_id: i64,
    change: Change,
) -> ServiceResult<Changed> {
    for _ in 0..ATTEMPTS {
        let ids = touched(&db.conn, company_id, &change).await?;
        // with no plugin order type registered, every order takes the built-in path (which
        // checks the types again under lock): nothing to read to choose it
        let types = if registry
            .order_types()
            .iter()
            .all(|e| e.provider == Provider::BuiltIn)
        {
            vec![]
        } else {
            types_of(&db.conn, company_id, &change, &ids).await?
        };
        let plugin = types.iter().any(|t| {
            registry
                .order_type(t)
                .is_some_and(|e| e.provider != Provider::BuiltIn)
        });
        if !plugin {
            match built_in(db, registry, company_id, &change, &ids).await? {
                Some(done) => return Ok(done),
                // An order became a plugin's type before it was locked: ask again.
                None => continue,
            }
        }
        let _turns = turns(db, &ids).await;
        // The dry run: the change made and rolled back, for the orders before and after it.
        let txn = db.begin_write().await?;
        let before = messages(&txn, company_id, &ids).await;
        let dry = match before {
            Ok(before) => match apply(&txn, registry, company_id, &change, None).await {
                Ok(done) => messages(&txn, company_id, &ids_of(&done))
                    .await
                    .map(|after| (before, after)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        txn.rollback().await?;
        let (before, after) = dry?;
        let seen: Vec<DateTime<Utc>> = before.iter().map(|(_, t)| *t).collect();
        let before: Vec<Order> = before.into_iter().map(|(o, _)| o).collect();
        let after: Vec<Order> = after.into_iter().map(|(o, _)| o).collect();
        // The rules, outside any transaction.
        let (transitions, validations) = requests(&change, &before, &after);
        for t in transitions {
            registry.check_transition(t).await.map_err(rejected)?;
        }
        for v in validations {
            registry.validate_order(v).await.map_err(rejected)?;
        }
        // For good, unless an order changed meanwhile.
        let txn = db.begin_write().await?;
        let mut stale = false;
        let mut locked = Vec::with_capacity(ids.len());
        for (id, at) in ids.iter().zip(&seen) {
            match super::lock_order(&txn, company_id, *id).await {
                Ok(o) if o.updated_at == *at => locked.push(o),
                _ => {
                    stale = true;
                    break;
                }
            }
        }
        if stale {
            txn.rollback().await?;
            continue;
        }
        // The change made for good must be the one the rules saw: prices, agreements or
        // standard codes may have changed since the dry run without touching the order.
        let written = match apply(&txn, registry, company_id, &change, Some(&locked)).await {
            Ok(done) => messages(&txn, company_id, &ids_of(&done))
                .await
                .map(|now| (done, now)),
            Err(e) => Err(e),
        };
        match written {
            Ok((done, now)) if now.iter().map(|(o, _)| o).eq(after.iter()) => {
                txn.commit().await?;
                return Ok(done);
            }
            Ok(_) => {
                txn.rollback().await?;
                continue;
            }
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    }
    Err(ServiceError::Conflict(DbErr::Custom(
        "the order kept changing while its type's rules were asked".into(),
    )))
}

/// The built-in path: one write transaction, the rules asked inside it (they are pure code).
/// `None` when an order's type became a plugin's between the choice of this path and the
/// lock: the caller starts over.
async fn built_in(
    db: &Db,
    registry: &Registry,
    company_id: i64,
    change: &Change,
    ids: &[i64],
) -> ServiceResult<Option<Changed>> {
    let txn = db.begin_write().await?;
    let result = async {
        // Locked before they are read, in id order like every multi-order change.
        let mut locked = Vec::with_capacity(ids.len());
        for id in ids {
            locked.push(super::lock_order(&txn, company_id, *id).await?);
        }
        let mut types: Vec<&str> = locked.iter().map(|o| o.order_type.as_str()).collect();
        types.extend(new_type(change));
        if types.iter().any(|t| {
            registry
                .order_type(t)
                .is_some_and(|e| e.provider != Provider::BuiltIn)
        }) {
            return Ok(None);
        }
        let transitions = change.transitions();
        let before: Vec<Order> = if transitions
            .iter()
            .any(|t| crate::extension::builtin::reads_order(t.action))
        {
            messages(&txn, company_id, ids)
                .await?
                .into_iter()
                .map(|(o, _)| o)
                .collect()
        } else {
            // the built-in rules decide these transitions by the type alone
            locked
                .iter()
                .map(|o| Order {
                    number: o.number.clone(),
                    order_type: o.order_type.clone(),
                    ..Order::default()
                })
                .collect()
        };
        let done = apply(&txn, registry, company_id, change, Some(&locked)).await?;
        let after: Vec<Order> = if change.validates() {
            messages(&txn, company_id, &ids_of(&done))
                .await?
                .into_iter()
                .map(|(o, _)| o)
                .collect()
        } else {
            vec![]
        };
        let (transitions, validations) = requests(change, &before, &after);
        for t in transitions {
            registry.check_transition_built_in(&t).map_err(rejected)?;
        }
        for v in validations {
            registry.validate_order_built_in(&v).map_err(rejected)?;
        }
        Ok::<_, ServiceError>(Some(done))
    }
    .await;
    match result {
        Ok(Some(done)) => {
            txn.commit().await?;
            Ok(Some(done))
        }
        Ok(None) => {
            txn.rollback().await?;
            Ok(None)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}
