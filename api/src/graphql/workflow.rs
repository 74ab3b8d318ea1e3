//! Holds, release and approvals of sales orders, and `nextActions`.

use super::errors::Input;
use super::ids::Kind;
use super::sales::{ApprovalRequest, OrderHold, SalesOrder};
use super::scalars::Dec;
use super::types::Company;
use super::{company_id, db, rc, read, require, write};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use mercator_core::auth::Role;
use mercator_core::sales::change::Change;
use mercator_core::sales::workflow;

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
    pub user_errors: Vec<super::errors::UserError>,
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
        let res = super::change(ctx, cid, "ids", c).await?;
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
        let res = super::the_order(
            super::change(ctx, cid, "id", Change::Release { order_id: id }).await?,
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
        let res = super::the_order(
            super::change(ctx, cid, "id", Change::Reopen { order_id: id }).await?,
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
        let res = super::the_order(super::change(ctx, cid, "id", c).await?)?;
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
        let res = super::the_order(super::change(ctx, cid, "id", c).await?)?;
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
