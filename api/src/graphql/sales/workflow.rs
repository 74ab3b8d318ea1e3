//! Holds, release and approvals of sales orders, and `nextActions`.

use super::orders::SalesOrder;
use crate::graphql::errors::{Input, internal};
use crate::graphql::ids::{Kind, encode};
use crate::graphql::scalars::ts;
use crate::graphql::scalars::{DateTime, Dec};
use crate::graphql::setup::Company;
use crate::graphql::{company_id, db, loaders, rc, read, require, write};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::{self, sales_order, workflow};

/// A hold on an order.
#[derive(Clone, Debug)]
pub struct OrderHold(pub workflow::order_hold::Model);

/// A hold on an order, active or cleared (the history stays).
#[Object]
impl OrderHold {
    /// Opaque global ID; pass it to `salesOrderHoldClear`.
    pub async fn id(&self) -> ID {
        encode(Kind::OrderHold, self.0.id)
    }
    /// The hold code, e.g. `CALLBACK`.
    async fn code(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(loaders(ctx)?
            .hold_code
            .load_one(self.0.hold_code_id)
            .await
            .map_err(internal)?
            .map(|h| h.code)
            .unwrap_or_default())
    }
    /// Whether the hold still applies.
    async fn status(&self) -> crate::graphql::enums::HoldStatus {
        self.0.status.into()
    }
    /// Why.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Who applied it (token name).
    async fn applied_by(&self) -> &str {
        &self.0.applied_by
    }
    /// When.
    async fn applied_at(&self) -> DateTime {
        ts(self.0.applied_at)
    }
    /// Who cleared it.
    async fn cleared_by(&self) -> Option<&str> {
        self.0.cleared_by.as_deref()
    }
    /// When it was cleared.
    async fn cleared_at(&self) -> Option<DateTime> {
        self.0.cleared_at.map(ts)
    }
}

/// A version of an order's confirmation journal.
#[derive(Clone, Debug)]
pub struct OrderConfirmation(
    pub mercator_core::sales::confirm::order_confirmation::Model,
    pub i64,
);

/// A version of an order's confirmation journal: what was confirmed, by whom, and the credit
/// check's result.
#[Object]
impl OrderConfirmation {
    /// Version, from 1.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Who confirmed (token name).
    async fn confirmed_by(&self) -> &str {
        &self.0.confirmed_by
    }
    /// When.
    async fn confirmed_at(&self) -> DateTime {
        ts(self.0.confirmed_at)
    }
    /// The order's total when confirmed.
    async fn total_amount(&self, ctx: &Context<'_>) -> Result<crate::graphql::money::Money> {
        crate::graphql::money::money(ctx, self.0.total_amount.value(), self.1).await
    }
    /// The credit check in words, with the figures: `passed: exposure 550 within 1000`,
    /// `warning: exposure 1100 over the limit 1000`, `skipped` or `no credit limit`.
    async fn credit_check(&self) -> &str {
        &self.0.credit_check
    }
    /// The outcome of the credit check (`creditCheck` has the figures).
    async fn credit_check_result(&self) -> crate::graphql::enums::CreditCheckResult {
        mercator_core::sales::confirm::CreditCheck::of(&self.0.credit_check).into()
    }
    /// The confirmed lines as JSON: `lineNumber`, `itemNumber`, `quantity`, `unitPrice` and
    /// `lineAmount` (decimal strings at the order currency's precisions).
    async fn lines(&self) -> crate::graphql::scalars::Json {
        crate::graphql::scalars::Json(serde_json::from_str(&self.0.lines).unwrap_or_default())
    }
}

/// An approval request of an order.
#[derive(Clone, Debug)]
pub struct ApprovalRequest(pub workflow::approval_request::Model);

/// An approval request of an order: `open`, `approved`, `rejected` or `delegated`.
#[Object]
impl ApprovalRequest {
    /// Opaque global ID; pass it to the approval mutations.
    pub async fn id(&self) -> ID {
        encode(Kind::ApprovalRequest, self.0.id)
    }
    /// Position in the chain (1 for the first approver).
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }
    /// Where the request stands.
    async fn status(&self) -> crate::graphql::enums::ApprovalRequestStatus {
        self.0.status.into()
    }
    /// Who asked (token name).
    async fn requested_by(&self) -> &str {
        &self.0.requested_by
    }
    /// Who decides (token name).
    async fn approver(&self) -> &str {
        &self.0.approver_name
    }
    /// The order's net amount when it was asked, in the order's currency.
    async fn amount(&self, ctx: &Context<'_>) -> Result<crate::graphql::money::Money> {
        let order = loaders(ctx)?
            .sales_order
            .load_one(self.0.order_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("the order of an approval request is gone"))?;
        crate::graphql::money::money(ctx, self.0.amount.value(), order.currency_id).await
    }
    /// The approver's comment.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// When it was asked.
    async fn created_at(&self) -> DateTime {
        ts(self.0.created_at)
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(ts)
    }
    /// The order.
    async fn sales_order(&self, ctx: &Context<'_>) -> Result<Option<SalesOrder>> {
        Ok(loaders(ctx)?
            .sales_order
            .load_one(self.0.order_id)
            .await
            .map_err(internal)?
            .map(SalesOrder))
    }
}

pub(crate) async fn holds_of(ctx: &Context<'_>, order: i64) -> Result<Vec<OrderHold>> {
    let mut v = loaders(ctx)?
        .holds
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|h| h.id);
    Ok(v.into_iter().map(OrderHold).collect())
}

pub(crate) async fn requests_of(ctx: &Context<'_>, order: i64) -> Result<Vec<ApprovalRequest>> {
    let mut v = loaders(ctx)?
        .approval_requests
        .load_one(order)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    v.sort_by_key(|r| r.id);
    Ok(v.into_iter().map(ApprovalRequest).collect())
}

/// Something a client may do with an order now.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrderAction {
    /// Add, change or delete lines.
    EditLines,
    /// Change the order type.
    ChangeType,
    /// Release it (at or under the approval threshold, no active hold).
    Release,
    /// Ask for approval (over the threshold, no active hold).
    RequestApproval,
    /// Reopen a released order.
    Reopen,
    /// Put it on hold.
    ApplyHold,
    /// Clear an active hold.
    ClearHold,
    /// Post a packing slip (something is left to deliver; no active hold; released, or open
    /// and at or under the approval threshold, since a packing slip releases it; not a
    /// journal). The order's type may still refuse.
    Ship,
}

pub(crate) async fn next_actions(
    ctx: &Context<'_>,
    o: &sales_order::Model,
) -> Result<Vec<OrderAction>> {
    let holds = holds_of(ctx, o.id).await?;
    let held = holds
        .iter()
        .any(|h| h.0.status == mercator_core::sales::workflow::HoldStatus::Active);
    let closed = matches!(
        o.status,
        sales::OrderStatus::Invoiced | sales::OrderStatus::Canceled
    );
    let threshold = rc(ctx)?.company.as_ref().and_then(|c| c.approval_threshold);
    let over = match threshold {
        None => false,
        Some(_) => {
            read(
                mercator_core::sales::workflow::needs_approval(&db(ctx)?.conn, o.company_id, o)
                    .await,
            )
            .await?
        }
    };
    let mut out = Vec::new();
    if closed {
        return Ok(out);
    }
    match o.release_status {
        sales::ReleaseStatus::Open => {
            out.push(OrderAction::EditLines);
            out.push(OrderAction::ChangeType);
            if !held {
                out.push(if over {
                    OrderAction::RequestApproval
                } else {
                    OrderAction::Release
                });
            }
        }
        sales::ReleaseStatus::Released => out.push(OrderAction::Reopen),
        sales::ReleaseStatus::PendingApproval => {}
    }
    let releasable = match o.release_status {
        sales::ReleaseStatus::Released => true,
        sales::ReleaseStatus::Open => !over,
        sales::ReleaseStatus::PendingApproval => false,
    };
    if !held
        && releasable
        && o.status == sales::OrderStatus::OpenOrder
        && o.order_type != mercator_core::extension::builtin::JOURNAL
    {
        out.push(OrderAction::Ship);
    }
    out.push(OrderAction::ApplyHold);
    if held {
        out.push(OrderAction::ClearHold);
    }
    Ok(out)
}

/// A hold code.
#[derive(SimpleObject)]
pub struct HoldCode {
    /// Code, e.g. `CALLBACK`.
    pub code: String,
    /// Description.
    pub description: String,
}

/// Queries of holds and approvals.
#[derive(Default)]
pub struct WorkflowQuery;

/// Queries of holds and approvals.
#[Object]
impl WorkflowQuery {
    /// The company's hold codes.
    async fn hold_codes(&self, ctx: &Context<'_>) -> Result<Vec<HoldCode>> {
        let cid = company_id(ctx)?;
        let db = &db(ctx)?.conn;
        Ok(read(workflow::list_hold_codes(db, cid).await)
            .await?
            .into_iter()
            .map(|h| HoldCode {
                code: h.code,
                description: h.description,
            })
            .collect())
    }

    /// Open approval requests waiting for the caller (or for someone the caller substitutes).
    async fn approval_requests_waiting(&self, ctx: &Context<'_>) -> Result<Vec<ApprovalRequest>> {
        let cid = company_id(ctx)?;
        let who = rc(ctx)?.principal.name.clone();
        let db = &db(ctx)?.conn;
        Ok(read(workflow::requests_waiting_for(db, cid, &who).await)
            .await?
            .into_iter()
            .map(ApprovalRequest)
            .collect())
    }
}

payload!(
    OrderHoldPayload,
    order_hold,
    OrderHold,
    "Result of a hold mutation.",
    "The hold, when the mutation succeeded."
);

payload!(
    HoldCodePayload,
    hold_code,
    HoldCode,
    "Result of `holdCodeCreate`.",
    "The hold code, when the mutation succeeded."
);

payload!(
    OrderReleasePayload,
    sales_order,
    SalesOrder,
    "Result of a release or approval mutation.",
    "The order, when the mutation succeeded."
);

payload!(
    CompanySettingsPayload,
    company,
    Company,
    "Result of `approvalThresholdSet`.",
    "The company, when the mutation succeeded."
);

/// Who approves a user's orders.
#[derive(SimpleObject)]
pub struct ApproverSetup {
    /// The user (token name).
    pub user_name: String,
    /// Who approves this user's orders.
    pub approver_name: Option<String>,
    /// This user's own approval limit; null for unlimited.
    pub approval_limit: Option<Dec>,
    /// Who decides in this user's place.
    pub substitute_name: Option<String>,
}

payload!(
    ApproverSetupPayload,
    approver_setup,
    ApproverSetup,
    "Result of `approverSet`.",
    "The setup, when the mutation succeeded."
);

/// Input of `holdCodeCreate`.
#[derive(InputObject)]
pub struct HoldCodeCreateInput {
    /// Code, e.g. `CALLBACK`.
    pub code: String,
    /// Description.
    pub description: String,
}

/// Input of `salesOrderHoldApply`.
#[derive(InputObject)]
pub struct SalesOrderHoldApplyInput {
    /// The order.
    pub order_id: ID,
    /// The hold code.
    pub hold_code: String,
    /// Why.
    pub reason: Option<String>,
}

/// Input of `salesOrderHoldClear`.
#[derive(InputObject)]
pub struct SalesOrderHoldClearInput {
    /// The hold.
    pub id: ID,
}

/// Input of `salesOrderRelease`.
#[derive(InputObject)]
pub struct SalesOrderReleaseInput {
    /// The order (OPEN, no active hold, at or under the approval threshold).
    pub id: ID,
}

/// Input of `salesOrderReopen`.
#[derive(InputObject)]
pub struct SalesOrderReopenInput {
    /// The order (RELEASED).
    pub id: ID,
}

/// Input of `salesOrderRequestApproval`.
#[derive(InputObject)]
pub struct SalesOrderRequestApprovalInput {
    /// The order (OPEN, over the approval threshold).
    pub id: ID,
}

/// Input of `approvalRequestApprove`.
#[derive(InputObject)]
pub struct ApprovalRequestApproveInput {
    /// The request (open, waiting for the caller or someone the caller substitutes).
    pub id: ID,
}

/// Input of `approvalRequestReject`.
#[derive(InputObject)]
pub struct ApprovalRequestRejectInput {
    /// The request.
    pub id: ID,
    /// Why.
    pub comment: Option<String>,
}

/// Input of `approvalRequestDelegate`.
#[derive(InputObject)]
pub struct ApprovalRequestDelegateInput {
    /// The request.
    pub id: ID,
    /// Who decides instead (token name).
    pub to: String,
}

/// Input of `approvalThresholdSet`.
#[derive(InputObject)]
pub struct ApprovalThresholdSetInput {
    /// Orders with a larger net amount need approval; null switches approvals off.
    pub amount: Option<Dec>,
}

/// Input of `approverSet`.
#[derive(InputObject)]
pub struct ApproverSetInput {
    /// The user (token name).
    pub user_name: String,
    /// Who approves this user's orders.
    pub approver_name: Option<String>,
    /// This user's own approval limit; null for unlimited.
    pub approval_limit: Option<Dec>,
    /// Who decides in this user's place.
    pub substitute_name: Option<String>,
}

/// Input of `salesOrderConfirm`.
#[derive(InputObject)]
pub struct SalesOrderConfirmInput {
    /// The orders: one, or several of one invoice account and currency (a summary confirmation).
    pub ids: Vec<ID>,
    /// Skip the credit check (not possible with a mandatory credit limit).
    #[graphql(default)]
    pub skip_credit_check: bool,
}

/// Result of `salesOrderConfirm`.
#[derive(SimpleObject)]
pub struct SalesOrderConfirmPayload {
    /// The confirmed orders.
    pub sales_orders: Vec<SalesOrder>,
    /// Problems with the input or broken business rules. When not empty, nothing was written.
    pub user_errors: Vec<crate::graphql::errors::UserError>,
}

/// Mutations of holds and approvals.
#[derive(Default)]
pub struct WorkflowMutation;

fn who(ctx: &Context<'_>) -> Result<String> {
    Ok(rc(ctx)?.principal.name.clone())
}

/// Mutations of holds and approvals.
#[Object]
impl WorkflowMutation {
    /// Confirms orders: a new version of each one's confirmation journal, the
    /// credit check of the invoice account (`CREDIT_LIMIT_EXCEEDED` with a mandatory limit), and
    /// document status CONFIRMATION. Held orders and orders waiting for approval are refused. Clerk.
    async fn sales_order_confirm(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderConfirmInput,
    ) -> Result<SalesOrderConfirmPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let ids: Vec<i64> = input
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| inp.id(&format!("ids.{i}"), id, Kind::SalesOrder))
            .collect();
        if let Err(e) = inp.finish() {
            return Ok(SalesOrderConfirmPayload {
                sales_orders: vec![],
                user_errors: e,
            });
        }
        let skip = input.skip_credit_check;
        let c = Change::Confirm {
            ids,
            skip_credit_check: skip,
            by,
        };
        let res = crate::graphql::change(ctx, cid, "ids", c).await?;
        Ok(match res {
            Ok(done) => SalesOrderConfirmPayload {
                sales_orders: done.orders.into_iter().map(SalesOrder).collect(),
                user_errors: vec![],
            },
            Err(e) => SalesOrderConfirmPayload {
                sales_orders: vec![],
                user_errors: e,
            },
        })
    }

    /// Creates a hold code. Admin.
    async fn hold_code_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: HoldCodeCreateInput,
    ) -> Result<HoldCodePayload> {
        let cid = require(ctx, Role::Admin)?;
        let res = write(ctx, "", async |t| {
            workflow::create_hold_code(t, cid, &input.code, &input.description).await
        })
        .await?;
        Ok(HoldCodePayload::done(res.map(|h| HoldCode {
            code: h.code,
            description: h.description,
        })))
    }

    /// Puts an order on hold. Clerk.
    async fn sales_order_hold_apply(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderHoldApplyInput,
    ) -> Result<OrderHoldPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("orderId", &input.order_id, Kind::SalesOrder);
        decoded!(inp, OrderHoldPayload);
        let (code, reason) = (input.hold_code, input.reason);
        let res = write(ctx, "orderId", async |t| {
            workflow::apply_hold(t, cid, id, &code, reason, &by).await
        })
        .await?;
        Ok(OrderHoldPayload::done(res.map(OrderHold)))
    }

    /// Clears an active hold; it stays in the order's history. Clerk.
    async fn sales_order_hold_clear(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderHoldClearInput,
    ) -> Result<OrderHoldPayload> {
        let cid = require(ctx, Role::Clerk)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::OrderHold);
        decoded!(inp, OrderHoldPayload);
        let res = write(ctx, "id", async |t| {
            workflow::clear_hold(t, cid, id, &by).await
        })
        .await?;
        Ok(OrderHoldPayload::done(res.map(OrderHold)))
    }

    /// Releases an open order (`ORDER_ON_HOLD` while held, `APPROVAL_REQUIRED` over the
    /// threshold). Clerk.
    async fn sales_order_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderReleaseInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrder);
        decoded!(inp, OrderReleasePayload);
        let res = crate::graphql::the_order(
            crate::graphql::change(ctx, cid, "id", Change::Release { order_id: id }).await?,
        )?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Reopens a released order. Clerk.
    async fn sales_order_reopen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderReopenInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrder);
        decoded!(inp, OrderReleasePayload);
        let res = crate::graphql::the_order(
            crate::graphql::change(ctx, cid, "id", Change::Reopen { order_id: id }).await?,
        )?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Sends an approval request for an order over the threshold to the caller's approver; the
    /// order becomes PENDING_APPROVAL. Clerk.
    async fn sales_order_request_approval(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: SalesOrderRequestApprovalInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Clerk)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::SalesOrder);
        decoded!(inp, OrderReleasePayload);
        let c = Change::RequestApproval { order_id: id, by };
        let res = crate::graphql::the_order(crate::graphql::change(ctx, cid, "id", c).await?)?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Approves a request: the order is released if the caller's limit covers it, otherwise the
    /// request passes to the caller's approver. Approver.
    async fn approval_request_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApprovalRequestApproveInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Approver)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::ApprovalRequest);
        decoded!(inp, OrderReleasePayload);
        let c = Change::Approve { request_id: id, by };
        let res = crate::graphql::the_order(crate::graphql::change(ctx, cid, "id", c).await?)?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Rejects a request: the order goes back to OPEN. Approver.
    async fn approval_request_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApprovalRequestRejectInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Approver)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::ApprovalRequest);
        decoded!(inp, OrderReleasePayload);
        let c = input.comment;
        let res = write(ctx, "id", async |t| {
            workflow::reject(t, cid, id, &by, c).await
        })
        .await?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Delegates a request to another user. Approver.
    async fn approval_request_delegate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApprovalRequestDelegateInput,
    ) -> Result<OrderReleasePayload> {
        let cid = require(ctx, Role::Approver)?;
        let by = who(ctx)?;
        let mut inp = Input::default();
        let id = inp.id("id", &input.id, Kind::ApprovalRequest);
        decoded!(inp, OrderReleasePayload);
        let to = input.to;
        let res = write(ctx, "id", async |t| {
            workflow::delegate(t, cid, id, &by, &to).await
        })
        .await?;
        Ok(OrderReleasePayload::done(res.map(SalesOrder)))
    }

    /// Sets the company's approval threshold (net amount). Admin.
    async fn approval_threshold_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApprovalThresholdSetInput,
    ) -> Result<CompanySettingsPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let amount = inp.opt_dec("amount", input.amount.as_ref());
        decoded!(inp, CompanySettingsPayload);
        let res = write(ctx, "amount", async |t| {
            workflow::set_approval_threshold(t, cid, amount).await
        })
        .await?;
        Ok(CompanySettingsPayload::done(res.map(Company)))
    }

    /// Sets who approves a user's orders, the user's own limit and substitute. Admin.
    async fn approver_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; see the input type.")] input: ApproverSetInput,
    ) -> Result<ApproverSetupPayload> {
        let cid = require(ctx, Role::Admin)?;
        let mut inp = Input::default();
        let limit = inp.opt_dec("approvalLimit", input.approval_limit.as_ref());
        decoded!(inp, ApproverSetupPayload);
        let (u, a, s) = (input.user_name, input.approver_name, input.substitute_name);
        let res = write(ctx, "", async |t| {
            workflow::set_approver(t, cid, &u, a, limit, s).await
        })
        .await?;
        Ok(ApproverSetupPayload::done(res.map(|r| ApproverSetup {
            user_name: r.user_name,
            approver_name: r.approver_name,
            approval_limit: r.approval_limit.map(|l| Dec::of(l.value())),
            substitute_name: r.substitute_name,
        })))
    }
}
