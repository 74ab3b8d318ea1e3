//! DataLoaders: every relation field resolves through one of these, so a list query runs one
//! statement per relation, whatever the page size. Built per request (no cross-request cache,
//! no cross-company leak).
//!
//! Batching is deterministic: a batch is held by a [`PollGate`] until the request's current poll
//! pass has ended (a list resolver that yields cooperatively after 32 items does not count as
//! the end), so every sibling field has registered its key before the batch is taken; then it
//! runs with no timer delay. A time window alone is a race on a multi-threaded runtime
//! (measured: with a zero delay and no gate a page of 100 customers ran 305 statements instead
//! of 9; with 250 µs, 9 to 12 depending on load), and a timer costs a thread wake-up per batch.

use async_graphql::dataloader::Loader;
use mercator_core::catalog::{item, unit_of_measure};
use mercator_core::crm;
use mercator_core::db::Db;
use mercator_core::inventory::{self, warehouse};
use mercator_core::money::Quantity;
use mercator_core::parties::{self, ContactRow, address, customer, party};
use mercator_core::reads::Read;
use mercator_core::setup::{currency, payment_terms};
use sea_orm::{
    ColumnTrait, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter, Value,
};
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Loader errors must be `Clone`.
pub type LoadError = Arc<sea_orm::DbErr>;

/// Loads rows of any entity by primary key.
pub struct ById<E>(Db, PhantomData<fn() -> E>);

impl<E> Loader<i64> for ById<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, E::Model>, LoadError> {
        let Some(pk) = E::PrimaryKey::iter().next() else {
            return Ok(HashMap::new());
        };
        let col = pk.into_column();
        let rows = self
            .0
            .select_all(E::find().filter(col.is_in(keys.iter().copied())))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| match m.get(col) {
                Value::BigInt(Some(id)) => Some((id, m)),
                _ => None,
            })
            .collect())
    }
}

/// The base currency of companies, by company id (what amounts in the base currency print
/// with): one statement joining each company to its currency row.
pub struct BaseCurrency(Db);

impl Loader<i64> for BaseCurrency {
    type Value = currency::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, currency::Model>, LoadError> {
        use mercator_core::setup::company;
        use sea_orm::sea_query::{Expr, ExprTrait, Query};
        let base_code = Query::select()
            .column(company::Column::BaseCurrencyCode)
            .from(company::Entity)
            .and_where(
                Expr::col((company::Entity, company::Column::Id))
                    .equals((currency::Entity, currency::Column::CompanyId)),
            )
            .to_owned();
        let rows = self
            .0
            .select_all(
                currency::Entity::find()
                    .filter(currency::Column::CompanyId.is_in(keys.iter().copied()))
                    .filter(
                        Expr::col((currency::Entity, currency::Column::Code))
                            .in_subquery(base_code),
                    ),
            )
            .await?;
        Ok(rows.into_iter().map(|c| (c.company_id, c)).collect())
    }
}

/// Addresses by party id.
pub struct AddressesByParty(Db);

impl Loader<i64> for AddressesByParty {
    type Value = Vec<address::Model>;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let rows = self
            .0
            .select_all(
                address::Entity::find()
                    .filter(address::Column::PartyId.is_in(keys.iter().copied())),
            )
            .await?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for r in rows {
            out.entry(r.party_id).or_default().push(r);
        }
        for v in out.values_mut() {
            v.sort_by(|a, b| a.code.cmp(&b.code));
        }
        Ok(out)
    }
}

/// Active contact persons by employer party id, with their person parties.
pub struct ContactsByEmployer(Db);

impl Loader<i64> for ContactsByEmployer {
    type Value = Vec<ContactRow>;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let rows = parties::contacts_of(&self.0, keys).await.map_err(db_err)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for c in rows {
            out.entry(c.employer_party_id).or_default().push(c);
        }
        for v in out.values_mut() {
            v.sort_by_key(|c| c.id);
        }
        Ok(out)
    }
}

/// Rows of an entity grouped by an `i64` column (e.g. stages by sales cycle), in id order.
pub struct ByColumn<E: EntityTrait>(Db, E::Column);

impl<E> Loader<i64> for ByColumn<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
    E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let mut rows = self
            .0
            .select_all(E::find().filter(self.1.is_in(keys.iter().copied())))
            .await?;
        let pk = E::PrimaryKey::iter().next().map(|p| p.into_column());
        if let Some(pk) = pk {
            rows.sort_by_key(|m| match m.get(pk) {
                Value::BigInt(Some(i)) => i,
                _ => 0,
            });
        }
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for m in rows {
            if let Value::BigInt(Some(k)) = m.get(self.1) {
                out.entry(k).or_default().push(m);
            }
        }
        Ok(out)
    }
}

fn db_err(e: mercator_core::error::ServiceError) -> LoadError {
    match e {
        mercator_core::error::ServiceError::Db(d)
        | mercator_core::error::ServiceError::Conflict(d)
        | mercator_core::error::ServiceError::Busy(d) => Arc::new(d),
        other => Arc::new(sea_orm::DbErr::Custom(other.to_string())),
    }
}

/// Contact persons (with their person parties) by contact id.
pub struct ContactById(Db);

impl Loader<i64> for ContactById {
    type Value = ContactRow;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let rows = parties::contacts_by_id(&self.0, keys)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|c| (c.id, c)).collect())
    }
}

/// Customers by id as list rows (account number and party name in one narrow statement).
pub struct CustomerBriefById(Db);

impl Loader<i64> for CustomerBriefById {
    type Value = (parties::CustomerBrief, parties::PartyBrief);
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let rows = parties::customers_brief_by_id(&self.0, keys)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| (r.0.id, r)).collect())
    }
}

/// Campaign statistics by campaign id: five grouped statements per batch.
pub struct CampaignStatsById(Db);

impl Loader<i64> for CampaignStatsById {
    type Value = crm::CampaignStats;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        crm::campaign_stats(&self.0.conn, keys)
            .await
            .map_err(db_err)
    }
}

/// Customer balances by customer id.
pub struct BalanceByCustomer(Db);

impl Loader<i64> for BalanceByCustomer {
    type Value = rust_decimal::Decimal;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        crm::balances(&self.0.conn, keys).await.map_err(db_err)
    }
}

/// On-hand per warehouse by item id.
pub struct OnHandByItem(Db);

impl Loader<i64> for OnHandByItem {
    type Value = Vec<(i64, Quantity)>;
    type Error = LoadError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, LoadError> {
        let m = inventory::on_hand(&self.0.conn, keys)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for ((item, wh), q) in m {
            out.entry(item).or_default().push((wh, q));
        }
        for v in out.values_mut() {
            v.sort_by_key(|(w, _)| *w);
        }
        Ok(out)
    }
}

/// Opens after each poll of the request's execution future; batches wait for it.
#[derive(Default)]
pub struct PollGate {
    generation: AtomicU64,
    /// Bumped after every write of the request: loaded values older than it are dropped.
    epoch: AtomicU64,
    waiters: Mutex<Vec<Waker>>,
}

impl PollGate {
    fn open(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let waiters = self
            .waiters
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        for w in waiters {
            w.wake();
        }
    }

    /// Resolves once the generation has moved past `seen`.
    async fn passed(&self, seen: u64) {
        std::future::poll_fn(|cx| {
            if self.generation.load(Ordering::SeqCst) > seen {
                return Poll::Ready(());
            }
            if let Ok(mut w) = self.waiters.lock() {
                w.push(cx.waker().clone());
            }
            if self.generation.load(Ordering::SeqCst) > seen {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

pin_project_lite::pin_project! {
    /// A request's execution future that opens its gate after every poll.
    pub struct Gated<F> {
        #[pin]
        inner: F,
        gate: Arc<PollGate>,
    }
}

impl<F> Gated<F> {
    /// Wraps the execution future of a request.
    pub fn new(inner: F, gate: Arc<PollGate>) -> Self {
        Gated { inner, gate }
    }
}

/// Forwards wake-ups and notes whether one came while the request was being polled.
struct NoteWake {
    inner: Waker,
    woken: std::sync::atomic::AtomicBool,
}

impl futures_util::task::ArcWake for NoteWake {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::SeqCst);
        arc_self.inner.wake_by_ref();
    }
}

impl<F: Future> Future for Gated<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let note = Arc::new(NoteWake {
            inner: cx.waker().clone(),
            woken: false.into(),
        });
        let waker = futures_util::task::waker(note.clone());
        let r = this.inner.poll(&mut Context::from_waker(&waker));
        // A future that woke itself (a list resolver yielding cooperatively after 32 items)
        // has not registered all its keys yet; it is polled again at once, so keep the gate shut.
        if r.is_ready() || !note.woken.load(Ordering::SeqCst) {
            this.gate.open();
        }
        r
    }
}

/// A per-request batching loader over an async-graphql [`Loader`].
///
/// Replaces async-graphql's `DataLoader` on the hot path (measured in docs/performance.md: about
/// 9 µs per `load_one` there, from a `HashSet`, a `HashMap` and a oneshot channel per call, a
/// spawned batch task and a model cloned into a map per caller). Here a call for a key that is
/// already loaded returns at once; otherwise it joins the open batch, a shared future polled
/// inside the request itself (no spawned task, one wake-up for all callers), which waits for the
/// [`PollGate`] so every sibling field has added its key, then loads all of them in one call.
/// Loaded values are kept for the rest of the request; [`Loaders::clear`] drops them after a
/// write, so a mutation's payload never shows what was read before it.
pub struct Batch<L: Loader<i64>> {
    inner: Arc<BatchInner<L>>,
}

type BatchFuture<E> =
    futures_util::future::Shared<futures_util::future::BoxFuture<'static, Result<(), E>>>;
type WeakBatch<E> =
    futures_util::future::WeakShared<futures_util::future::BoxFuture<'static, Result<(), E>>>;

struct BatchInner<L: Loader<i64>> {
    loader: L,
    gate: Arc<PollGate>,
    state: Mutex<BatchState<L::Value, L::Error>>,
}

/// The state only holds weak handles of batches: the callers waiting on a batch own it, so a
/// request dropped half-way drops its batches too (no reference cycle through the state).
struct BatchState<V, E> {
    /// The gate's write epoch the loaded values belong to.
    epoch: u64,
    /// Loaded keys; `None` for a key the loader did not return.
    done: IdMap<Option<V>>,
    /// Keys waiting for the open batch (a set: a page of 100 rows may ask for the same key
    /// many times).
    pending: std::collections::HashSet<i64, IdHash>,
    /// The open batch (not started yet), if any.
    open: Option<WeakBatch<E>>,
    /// Keys being loaded, with their batch: a caller asking for one joins it.
    inflight: IdMap<WeakBatch<E>>,
}

/// Row ids are hashed with rustc-hash's Fx hash (keys no client chooses freely within a
/// request's maps: SipHash was a measurable share of every cached relation lookup).
type IdHash = rustc_hash::FxBuildHasher;
type IdMap<V> = HashMap<i64, V, IdHash>;

impl<L> Batch<L>
where
    L: Loader<i64>,
    L::Error: Sync,
{
    fn new(loader: L, gate: &Arc<PollGate>) -> Batch<L> {
        Batch {
            inner: Arc::new(BatchInner {
                loader,
                gate: gate.clone(),
                state: Mutex::new(BatchState {
                    epoch: 0,
                    done: IdMap::default(),
                    pending: std::collections::HashSet::default(),
                    open: None,
                    inflight: IdMap::default(),
                }),
            }),
        }
    }

    /// The value of one key (`None` when there is no such row).
    pub async fn load_one(&self, key: i64) -> Result<Option<L::Value>, L::Error> {
        self.load_with(key, L::Value::clone).await
    }

    /// `f` of the value of one key, without copying the value (`None` when there is no such
    /// row): for a field that needs one part of a row, such as a currency's code. A key
    /// already loaded is answered at once; otherwise the caller waits on one batch (no key
    /// list, no result map: one row per caller is the common case on a list page).
    pub async fn load_with<R>(
        &self,
        key: i64,
        f: impl Fn(&L::Value) -> R,
    ) -> Result<Option<R>, L::Error> {
        loop {
            let wait = {
                let mut st = lock(&self.inner.state);
                self.current(&mut st);
                if let Some(v) = st.done.get(&key) {
                    return Ok(v.as_ref().map(&f));
                }
                self.wait_for(&mut st, key)
            };
            wait.await?;
        }
    }

    /// Drops the loaded values when the request has written since they were loaded.
    fn current(&self, st: &mut BatchState<L::Value, L::Error>) {
        let epoch = self.inner.gate.epoch.load(Ordering::SeqCst);
        if st.epoch != epoch {
            st.done.clear();
            st.epoch = epoch;
        }
    }

    /// The batch that loads `key` (not loaded yet): the one loading it now, else the open one,
    /// which the key joins.
    fn wait_for(&self, st: &mut BatchState<L::Value, L::Error>, key: i64) -> BatchFuture<L::Error> {
        if let Some(b) = st.inflight.get(&key).and_then(|w| w.upgrade()) {
            return b;
        }
        st.pending.insert(key);
        match st.open.as_ref().and_then(|w| w.upgrade()) {
            Some(b) => b,
            None => {
                let b = self.start();
                st.open = b.downgrade();
                b
            }
        }
    }

    /// The values of the keys that exist.
    pub async fn load_many<I: IntoIterator<Item = i64>>(
        &self,
        keys: I,
    ) -> Result<HashMap<i64, L::Value>, L::Error> {
        let keys: Vec<i64> = keys.into_iter().collect();
        self.prime(&keys).await?;
        let mut st = lock(&self.inner.state);
        self.current(&mut st);
        Ok(keys
            .iter()
            .filter_map(|k| st.done.get(k).cloned().flatten().map(|v| (*k, v)))
            .collect())
    }

    /// Loads the keys not loaded yet (in the open batch), so that fields answered in place
    /// ([`super::leaves::Fast`]) find them ready.
    pub async fn prime(&self, keys: &[i64]) -> Result<(), L::Error> {
        loop {
            let mut waits: Vec<BatchFuture<L::Error>> = Vec::new();
            {
                let mut st = lock(&self.inner.state);
                self.current(&mut st);
                for k in keys {
                    if st.done.contains_key(k) {
                        continue;
                    }
                    let b = self.wait_for(&mut st, *k);
                    if !waits.iter().any(|x| x.ptr_eq(&b)) {
                        waits.push(b);
                    }
                }
                if waits.is_empty() {
                    return Ok(());
                }
            }
            futures_util::future::try_join_all(waits).await?;
        }
    }

    fn start(&self) -> BatchFuture<L::Error> {
        let inner = self.inner.clone();
        let seen = inner.gate.generation.load(Ordering::SeqCst);
        let fut: futures_util::future::BoxFuture<'static, Result<(), L::Error>> =
            Box::pin(async move {
                inner.gate.passed(seen).await;
                let keys = {
                    let mut st = lock(&inner.state);
                    let me = st.open.take();
                    let mut keys: Vec<i64> = std::mem::take(&mut st.pending).into_iter().collect();
                    keys.sort_unstable();
                    if let Some(me) = me {
                        for k in &keys {
                            st.inflight.insert(*k, me.clone());
                        }
                    }
                    keys
                };
                if keys.is_empty() {
                    return Ok(());
                }
                let res = inner.loader.load(&keys).await;
                let mut st = lock(&inner.state);
                for k in &keys {
                    st.inflight.remove(k);
                }
                let mut found = res?;
                for k in keys {
                    let v = found.remove(&k);
                    st.done.insert(k, v);
                }
                Ok(())
            });
        futures_util::FutureExt::shared(fut)
    }
}

/// Locks a batch state; a poisoned lock only means another resolver panicked, and the maps
/// are still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn dl<L>(l: L, gate: &Arc<PollGate>) -> Batch<L>
where
    L: Loader<i64>,
    L::Error: Sync,
{
    Batch::new(l, gate)
}

/// The loaders of one request.
pub struct Loaders {
    gate: Arc<PollGate>,
    /// Parties by id.
    pub party: Batch<ById<party::Entity>>,
    /// Currencies by id.
    pub currency: Batch<ById<currency::Entity>>,
    /// Payment terms by id.
    pub payment_terms: Batch<ById<payment_terms::Entity>>,
    /// Customers by id.
    pub customer: Batch<ById<customer::Entity>>,
    /// Customers by id as list rows (a full row loads only when other fields are asked for).
    pub customer_brief: Batch<CustomerBriefById>,
    /// Units by id.
    pub unit: Batch<ById<unit_of_measure::Entity>>,
    /// Items by id.
    pub item: Batch<ById<item::Entity>>,
    /// Warehouses by id.
    pub warehouse: Batch<ById<warehouse::Entity>>,
    /// Addresses by party.
    pub addresses: Batch<AddressesByParty>,
    /// Contacts by employer party.
    pub contacts: Batch<ContactsByEmployer>,
    /// On-hand by item.
    pub on_hand: Batch<OnHandByItem>,
    /// Contact persons by id.
    pub contact: Batch<ContactById>,
    /// Customers by party.
    pub customers_by_party: Batch<ByColumn<customer::Entity>>,
    /// Prospects by party.
    pub prospects_by_party: Batch<ByColumn<crm::prospect::Entity>>,
    /// Prospects by id.
    pub prospect: Batch<ById<crm::prospect::Entity>>,
    /// Campaigns by id.
    pub campaign: Batch<ById<crm::campaign::Entity>>,
    /// Leads by id.
    pub lead: Batch<ById<crm::lead::Entity>>,
    /// Opportunities by id.
    pub opportunity: Batch<ById<crm::opportunity::Entity>>,
    /// Sales cycles by id.
    pub sales_cycle: Batch<ById<crm::sales_cycle::Entity>>,
    /// Stages by sales cycle.
    pub stages: Batch<ByColumn<crm::sales_cycle_stage::Entity>>,
    /// Call list entries by call list.
    pub call_list_entries: Batch<ByColumn<crm::call_list_entry::Entity>>,
    /// Call lists by campaign.
    pub call_lists_by_campaign: Batch<ByColumn<crm::call_list::Entity>>,
    /// Ledger entries by customer.
    pub ledger_entries: Batch<ByColumn<crm::ledger_entry::Entity>>,
    /// Balances by customer.
    pub balance: Batch<BalanceByCustomer>,
    /// Campaign statistics by campaign.
    pub campaign_stats: Batch<CampaignStatsById>,
    /// Base currency by company.
    pub base_currency: Batch<BaseCurrency>,
    /// Sales order lines by order.
    pub order_lines: Batch<ByColumn<mercator_core::sales::sales_order_line::Entity>>,
    /// Tax codes by id.
    pub tax_code: Batch<ById<mercator_core::setup::tax_code::Entity>>,
    /// Quotation lines by quotation.
    pub quotation_lines: Batch<ByColumn<mercator_core::sales::sales_quotation_line::Entity>>,
    /// Sales orders by id.
    pub sales_order: Batch<ById<mercator_core::sales::sales_order::Entity>>,
    /// Holds by order.
    pub holds: Batch<ByColumn<mercator_core::sales::workflow::order_hold::Entity>>,
    /// Packing slips by order.
    pub packing_slips: Batch<ByColumn<mercator_core::sales::packing_slip::Entity>>,
    /// Packing slips by id.
    pub packing_slip: Batch<ById<mercator_core::sales::packing_slip::Entity>>,
    /// Packing slip lines by packing slip.
    pub packing_slip_lines: Batch<ByColumn<mercator_core::sales::packing_slip_line::Entity>>,
    /// Sales order lines by id.
    pub order_line: Batch<ById<mercator_core::sales::sales_order_line::Entity>>,
    /// Packing slip lines by id.
    pub packing_slip_line: Batch<ById<mercator_core::sales::packing_slip_line::Entity>>,
    /// Picking lists by order.
    pub picking_lists: Batch<ByColumn<mercator_core::sales::picking_list::Entity>>,
    /// Picking list lines by picking list.
    pub picking_list_lines: Batch<ByColumn<mercator_core::sales::picking_list_line::Entity>>,
    /// Invoices by id.
    pub invoice: Batch<ById<mercator_core::sales::customer_invoice::Entity>>,
    /// Invoice lines by invoice.
    pub invoice_lines: Batch<ByColumn<mercator_core::sales::customer_invoice_line::Entity>>,
    /// Invoice lines by order.
    pub invoice_lines_by_order:
        Batch<ByColumn<mercator_core::sales::customer_invoice_line::Entity>>,
    /// Vouchers by id.
    pub voucher: Batch<ById<mercator_core::gl::gl_voucher::Entity>>,
    /// Voucher lines by voucher.
    pub voucher_lines: Batch<ByColumn<mercator_core::gl::gl_voucher_line::Entity>>,
    /// Approval requests by order.
    pub approval_requests:
        Batch<ByColumn<mercator_core::sales::workflow::approval_request::Entity>>,
    /// Hold codes by id.
    pub hold_code: Batch<ById<mercator_core::sales::workflow::hold_code::Entity>>,
    /// Up-sell/cross-sell suggestions by order.
    pub suggestions: Batch<ByColumn<mercator_core::sales::upsell::upsell_suggestion::Entity>>,
    /// Up-sell/cross-sell rules by id.
    pub upsell_rule: Batch<ById<mercator_core::sales::upsell::upsell_rule::Entity>>,
    /// Trade agreement lines by id.
    pub trade_agreement: Batch<ById<mercator_core::trade::trade_agreement::Entity>>,
    /// Confirmation journal entries by order.
    pub confirmations: Batch<ByColumn<mercator_core::sales::confirm::order_confirmation::Entity>>,
    /// Customer ledger entries by id.
    pub ledger_entry: Batch<ById<crm::ledger_entry::Entity>>,
    /// Customer ledger entries by the invoice they were posted from.
    pub invoice_entries: Batch<ByColumn<crm::ledger_entry::Entity>>,
    /// Applications by the settling entry (a payment's).
    pub applications_by_entry:
        Batch<ByColumn<mercator_core::receivables::ledger_application::Entity>>,
    /// Applications by the settled entry (an invoice's).
    pub applications_to_entry:
        Batch<ByColumn<mercator_core::receivables::ledger_application::Entity>>,
}

impl Loaders {
    /// Drops every value loaded so far in this request (called after each write, so a
    /// mutation's payload is read afresh).
    pub fn clear(&self) {
        self.gate.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Fresh loaders for one request; run the request inside [`Gated`] with the same gate.
    pub fn new(db: &Db, gate: &Arc<PollGate>) -> Loaders {
        let g = gate;
        Loaders {
            gate: gate.clone(),
            party: dl(ById(db.clone(), PhantomData), g),
            currency: dl(ById(db.clone(), PhantomData), g),
            payment_terms: dl(ById(db.clone(), PhantomData), g),
            customer: dl(ById(db.clone(), PhantomData), g),
            customer_brief: dl(CustomerBriefById(db.clone()), g),
            unit: dl(ById(db.clone(), PhantomData), g),
            item: dl(ById(db.clone(), PhantomData), g),
            warehouse: dl(ById(db.clone(), PhantomData), g),
            addresses: dl(AddressesByParty(db.clone()), g),
            contacts: dl(ContactsByEmployer(db.clone()), g),
            on_hand: dl(OnHandByItem(db.clone()), g),
            contact: dl(ContactById(db.clone()), g),
            customers_by_party: dl(ByColumn(db.clone(), customer::Column::PartyId), g),
            prospects_by_party: dl(ByColumn(db.clone(), crm::prospect::Column::PartyId), g),
            prospect: dl(ById(db.clone(), PhantomData), g),
            campaign: dl(ById(db.clone(), PhantomData), g),
            lead: dl(ById(db.clone(), PhantomData), g),
            opportunity: dl(ById(db.clone(), PhantomData), g),
            sales_cycle: dl(ById(db.clone(), PhantomData), g),
            stages: dl(
                ByColumn(db.clone(), crm::sales_cycle_stage::Column::SalesCycleId),
                g,
            ),
            call_list_entries: dl(
                ByColumn(db.clone(), crm::call_list_entry::Column::CallListId),
                g,
            ),
            call_lists_by_campaign: dl(ByColumn(db.clone(), crm::call_list::Column::CampaignId), g),
            ledger_entries: dl(
                ByColumn(db.clone(), crm::ledger_entry::Column::CustomerId),
                g,
            ),
            balance: dl(BalanceByCustomer(db.clone()), g),
            campaign_stats: dl(CampaignStatsById(db.clone()), g),
            base_currency: dl(BaseCurrency(db.clone()), g),
            order_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::sales_order_line::Column::OrderId,
                ),
                g,
            ),
            tax_code: dl(ById(db.clone(), PhantomData), g),
            quotation_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::sales_quotation_line::Column::QuotationId,
                ),
                g,
            ),
            sales_order: dl(ById(db.clone(), PhantomData), g),
            packing_slips: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::packing_slip::Column::OrderId,
                ),
                g,
            ),
            packing_slip: dl(ById(db.clone(), PhantomData), g),
            packing_slip_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::packing_slip_line::Column::PackingSlipId,
                ),
                g,
            ),
            order_line: dl(ById(db.clone(), PhantomData), g),
            packing_slip_line: dl(ById(db.clone(), PhantomData), g),
            picking_lists: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::picking_list::Column::OrderId,
                ),
                g,
            ),
            picking_list_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::picking_list_line::Column::PickingListId,
                ),
                g,
            ),
            invoice: dl(ById(db.clone(), PhantomData), g),
            invoice_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::customer_invoice_line::Column::InvoiceId,
                ),
                g,
            ),
            invoice_lines_by_order: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::customer_invoice_line::Column::OrderId,
                ),
                g,
            ),
            voucher: dl(ById(db.clone(), PhantomData), g),
            voucher_lines: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::gl::gl_voucher_line::Column::VoucherId,
                ),
                g,
            ),
            holds: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::workflow::order_hold::Column::OrderId,
                ),
                g,
            ),
            approval_requests: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::workflow::approval_request::Column::OrderId,
                ),
                g,
            ),
            hold_code: dl(ById(db.clone(), PhantomData), g),
            suggestions: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::upsell::upsell_suggestion::Column::OrderId,
                ),
                g,
            ),
            upsell_rule: dl(ById(db.clone(), PhantomData), g),
            trade_agreement: dl(ById(db.clone(), PhantomData), g),
            confirmations: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::sales::confirm::order_confirmation::Column::OrderId,
                ),
                g,
            ),
            ledger_entry: dl(ById(db.clone(), PhantomData), g),
            invoice_entries: dl(
                ByColumn(db.clone(), crm::ledger_entry::Column::InvoiceId),
                g,
            ),
            applications_by_entry: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::receivables::ledger_application::Column::EntryId,
                ),
                g,
            ),
            applications_to_entry: dl(
                ByColumn(
                    db.clone(),
                    mercator_core::receivables::ledger_application::Column::AppliedToId,
                ),
                g,
            ),
        }
    }
}
