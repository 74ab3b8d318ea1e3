//! Receivables: customer payments and their applications to open ledger entries.

use super::invoicing::GlVoucher;
use super::orders::customer;
use crate::connection;
use crate::graphql::connection::{filter_id, list_cost, page_args, wants_total};
use crate::graphql::enums::SortDirection;
use crate::graphql::errors::Input;
use crate::graphql::errors::internal;
use crate::graphql::ids::{Kind, encode};
use crate::graphql::leaves::Fast;
use crate::graphql::money::{Money, money};
use crate::graphql::parties::{Customer, CustomerLedgerEntry, LedgerApplication};
use crate::graphql::scalars::{Date, DateTime, Dec, ts};
use crate::graphql::setup::{Currency, currency_of};
use crate::graphql::{company_id, db, loaders, read, require, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use mercator_core::auth::Role;
use mercator_core::receivables::{self, NewApplication, NewPayment, customer_payment};

/// A customer payment.
#[derive(Clone, Debug)]
pub struct CustomerPayment(pub customer_payment::Model);

/// A posted customer payment: money received from a customer, with its ledger entry (what it
/// has not applied stays open there, a credit of the customer), the entries it settles and its
/// general-ledger voucher (cash against receivables). Never changed once posted.
#[Object]
impl CustomerPayment {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::CustomerPayment, self.0.id)
    }
    /// Payment number (PAY-…), from a continuous sequence: no gaps, no duplicates.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The customer who paid.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Fast<Customer>> {
        customer(ctx, self.0.customer_id).await
    }
    /// Currency (the customer's ledger currency).
    async fn currency(&self, ctx: &Context<'_>) -> Result<Currency> {
        currency_of(ctx, self.0.currency_id).await
    }
    /// Date received.
    async fn payment_date(&self) -> Date {
        Date(self.0.payment_date)
    }
    /// Amount received.
    async fn amount(&self, ctx: &Context<'_>) -> Result<Money> {
        money(ctx, self.0.amount.value(), self.0.currency_id).await
    }
    /// The bank's or the customer's reference.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    /// Its customer ledger entry (negative; what is not applied stays open on it).
    async fn ledger_entry(&self, ctx: &Context<'_>) -> Result<CustomerLedgerEntry> {
        load!(
            ctx,
            ledger_entry,
            self.0.ledger_entry_id,
            CustomerLedgerEntry,
            "ledger entry"
        )
    }
    /// What it settles, in the order applied.
    async fn applications(&self, ctx: &Context<'_>) -> Result<Vec<LedgerApplication>> {
        let mut v = loaders(ctx)?
            .applications_by_entry
            .load_one(self.0.ledger_entry_id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        v.sort_by_key(|a| a.id);
        let cur = self.0.currency_id;
        Ok(v.into_iter().map(|a| LedgerApplication(a, cur)).collect())
    }
    /// The general-ledger voucher of its posting.
    async fn voucher(&self, ctx: &Context<'_>) -> Result<GlVoucher> {
        load!(ctx, voucher, self.0.voucher_id, GlVoucher, "voucher")
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
}

/// One entry a payment settles.
#[derive(InputObject)]
pub struct PaymentApplicationInput {
    /// The open customer ledger entry (an invoice's or an opening item's).
    pub entry_id: ID,
    /// How much of it; as much as is open, up to what the payment has left, when left out.
    pub amount: Option<Dec>,
}

/// Input of `customerPaymentPost`.
#[derive(InputObject)]
pub struct CustomerPaymentPostInput {
    /// The customer who paid; the payment is in its ledger currency.
    pub customer_id: ID,
    /// Amount received (more than zero, at the currency's precision).
    pub amount: Dec,
    /// Date received (today when left out; at most 31 days ahead).
    pub payment_date: Option<Date>,
    /// The bank's or the customer's reference (at most 100 characters).
    pub reference: Option<String>,
    /// Entries it settles, in this order (at most 1,000); what is not applied stays open on
    /// the payment's entry.
    #[graphql(default)]
    pub applications: Vec<PaymentApplicationInput>,
    /// A retry with the same key returns the first payment and posts nothing; the same key
    /// for another payment is `IDEMPOTENCY_KEY_REUSED`.
    pub idempotency_key: Option<String>,
}

payload!(
    CustomerPaymentPayload,
    payment,
    CustomerPayment,
    "Result of a payment posting.",
    "The payment, when posted."
);

/// Receivables mutations.
#[derive(Default)]
pub struct ReceivablesMutation;

#[Object]
impl ReceivablesMutation {
    /// Posts a customer payment and applies it to open entries, in one transaction: each
    /// application lowers the entry's remaining amount and the payment's; an entry settled at
    /// the same moment by another payment is applied after it (`OVER_APPLICATION` when less is
    /// open than asked, `ENTRY_CLOSED` when nothing is). Poster.
    async fn customer_payment_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerPaymentPostInput,
    ) -> Result<CustomerPaymentPayload> {
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let customer_id = inp.id("customerId", &input.customer_id, Kind::Customer);
        let amount = inp.dec("amount", &input.amount);
        let mut applications = Vec::with_capacity(input.applications.len());
        for (i, a) in input.applications.iter().enumerate() {
            applications.push(NewApplication {
                entry_id: inp.id(
                    &format!("applications.{i}.entryId"),
                    &a.entry_id,
                    Kind::CustomerLedgerEntry,
                ),
                amount: inp.opt_dec(&format!("applications.{i}.amount"), a.amount.as_ref()),
            });
        }
        decoded!(inp, CustomerPaymentPayload);
        let p = NewPayment {
            customer_id,
            amount,
            payment_date: input
                .payment_date
                .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0),
            reference: input.reference.clone(),
            applications,
            idempotency_key: input.idempotency_key.clone(),
        };
        let res = write(ctx, "customerId", async |txn| {
            receivables::post_payment(txn, cid, &p).await
        })
        .await?;
        Ok(CustomerPaymentPayload::done(
            res.map(|(payment, _)| CustomerPayment(payment)),
        ))
    }

    /// Unapplies what a payment applied to an entry: the entry gets back all the application
    /// took (its cash discount and write-off too, reversed by a voucher) and the payment's
    /// entry the cash, which it may apply again. Only the newest standing application of an
    /// entry may be unapplied (`ILLEGAL_TRANSITION`). Poster.
    async fn customer_payment_unapply(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: CustomerPaymentUnapplyInput,
    ) -> Result<CustomerPaymentPayload> {
        let cid = require(ctx, Role::Poster)?;
        let mut inp = Input::default();
        let payment_id = inp.id("paymentId", &input.payment_id, Kind::CustomerPayment);
        let entry_id = inp.id("entryId", &input.entry_id, Kind::CustomerLedgerEntry);
        decoded!(inp, CustomerPaymentPayload);
        let date = input
            .date
            .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0);
        let res = write(ctx, "paymentId", async |txn| {
            receivables::unapply(txn, cid, payment_id, entry_id, date).await
        })
        .await?;
        Ok(CustomerPaymentPayload::done(res.map(CustomerPayment)))
    }
}

/// Input of `customerPaymentUnapply`.
#[derive(InputObject)]
pub struct CustomerPaymentUnapplyInput {
    /// The payment.
    pub payment_id: ID,
    /// The entry it settled.
    pub entry_id: ID,
    /// Date of the unapplication (today when left out; not before the application).
    pub date: Option<Date>,
}

connection!(
    CustomerPaymentConnection,
    CustomerPaymentEdge,
    CustomerPayment,
    "customer payments"
);

/// Filter of the payment list.
#[derive(InputObject, Default)]
pub struct CustomerPaymentFilter {
    /// Case-insensitive part of the number or the reference.
    pub search: Option<String>,
    /// Only this customer's payments.
    pub customer_id: Option<ID>,
    /// Only payments received on or after this day.
    pub payment_date_from: Option<Date>,
    /// Only payments received on or before this day.
    pub payment_date_to: Option<Date>,
}

/// How the payment list is sorted.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CustomerPaymentSort {
    /// By number, numerically within the sequence.
    #[default]
    Number,
    /// By payment date.
    PaymentDate,
    /// By amount.
    Amount,
}

/// Receivables queries.
#[derive(Default)]
pub struct ReceivablesQuery;

#[Object]
impl ReceivablesQuery {
    /// Posted customer payments of the company.
    #[graphql(complexity = "list_cost(first, last, child_complexity)")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a list field takes the Relay arguments, a filter, a sort and a direction"
    )]
    async fn customer_payments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Rows before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (max 100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "At most this many from the end (max 100).")] last: Option<i32>,
        #[graphql(desc = "Which rows; all when left out.")] filter: Option<CustomerPaymentFilter>,
        #[graphql(desc = "By number when left out.")] sort: Option<CustomerPaymentSort>,
        #[graphql(desc = "Ascending when left out.")] direction: Option<SortDirection>,
    ) -> Result<CustomerPaymentConnection> {
        let cid = company_id(ctx)?;
        let args = page_args(first, last, after, before)?;
        let f = filter.unwrap_or_default();
        let f = receivables::PaymentFilter {
            search: crate::graphql::connection::search_filter(f.search)?,
            customer_id: filter_id("filter.customerId", f.customer_id.as_ref(), Kind::Customer)?,
            date_from: f.payment_date_from.map(|d| d.0),
            date_to: f.payment_date_to.map(|d| d.0),
        };
        let sort = match sort.unwrap_or_default() {
            CustomerPaymentSort::Number => receivables::PaymentSort::Number,
            CustomerPaymentSort::PaymentDate => receivables::PaymentSort::PaymentDate,
            CustomerPaymentSort::Amount => receivables::PaymentSort::Amount,
        };
        let desc = direction == Some(SortDirection::Desc);
        let db = db(ctx)?;
        let page = read(receivables::list_payments(db, cid, &f, sort, desc, &args).await).await?;
        let total = if wants_total(ctx) {
            Some(read(receivables::count_payments(db, cid, &f).await).await?)
        } else {
            None
        };
        Ok(CustomerPaymentConnection::from_page(
            page,
            total,
            CustomerPayment,
        ))
    }
}
