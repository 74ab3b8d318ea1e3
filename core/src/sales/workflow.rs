//! Holds, release, and approval of large orders.
//!
//! Owns: whether an order may be executed (released, picked, shipped, invoiced): not while a
//! hold is active, not while approval is pending. Approval requests go up a chain of approvers
//! (by token name) until one whose limit covers the order approves.

use super::{ReleaseStatus, lock_order, sales_order, violation};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::setup::company;
use crate::validate;
use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

/// Whether a hold still applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum HoldStatus {
    /// Applies: the order cannot be executed.
    #[sea_orm(string_value = "active")]
    Active,
    /// Cleared; kept as history.
    #[sea_orm(string_value = "cleared")]
    Cleared,
}

/// Where an approval request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RequestStatus {
    /// Waiting for the approver.
    #[sea_orm(string_value = "open")]
    Open,
    /// Approved (released, or passed up the chain).
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Rejected: the order went back to Open.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// Handed to another user.
    #[sea_orm(string_value = "delegated")]
    Delegated,
}

impl HoldStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            HoldStatus::Active => "active",
            HoldStatus::Cleared => "cleared",
        }
    }
}

impl RequestStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Delegated => "delegated",
        }
    }
}

/// Hold codes.
pub mod hold_code {
    use sea_orm::entity::prelude::*;
    /// A row of `hold_codes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "hold_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub description: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Holds on orders, with their history.
pub mod order_hold {
    use sea_orm::entity::prelude::*;
    /// A row of `order_holds`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_holds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub order_id: i64,
        pub hold_code_id: i64,
        pub status: super::HoldStatus,
        pub reason: Option<String>,
        pub applied_by: String,
        pub applied_at: DateTimeUtc,
        pub cleared_by: Option<String>,
        pub cleared_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Who approves whose orders, up to which amount.
pub mod approver {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `approvers`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "approvers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub user_name: String,
        pub approver_name: Option<String>,
        pub approval_limit: Option<Amount>,
        pub substitute_name: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Approval requests of orders.
pub mod approval_request {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `approval_requests`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "approval_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub order_id: i64,
        pub sequence: i32,
        pub status: super::RequestStatus,
        pub requested_by: String,
        pub approver_name: String,
        pub amount: Amount,
        pub comment: Option<String>,
        pub created_at: DateTimeUtc,
        pub decided_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Active holds of orders (one statement for many orders).
pub async fn holds_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<order_hold::Model>> {
    Ok(order_hold::Entity::find()
        .filter(order_hold::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_hold::Column::Id)
        .all(db)
        .await?)
}

/// Refuses an order that may not be executed (released, picked, shipped, invoiced): an active
/// hold, or approval pending.
pub async fn ensure_executable(
    db: &impl ConnectionTrait,
    o: &sales_order::Model,
    field: &str,
) -> ServiceResult<()> {
    let active = holds_of(db, &[o.id])
        .await?
        .into_iter()
        .any(|h| h.status == HoldStatus::Active);
    if active {
        return Err(violation(
            field,
            Rule::OrderOnHold,
            format!("sales order {} is on hold", o.number),
        ));
    }
    if o.release_status == ReleaseStatus::PendingApproval {
        return Err(violation(
            field,
            Rule::ApprovalRequired,
            format!("sales order {} is waiting for approval", o.number),
        ));
    }
    Ok(())
}

/// Creates a hold code.
pub async fn create_hold_code(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: &str,
    description: &str,
) -> ServiceResult<hold_code::Model> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", code));
    let desc = v.check(validate::name(
        "description",
        description,
        validate::MAX_NAME,
    ));
    if let Some(c) = &code
        && hold_code::Entity::find()
            .filter(hold_code::Column::CompanyId.eq(company_id))
            .filter(hold_code::Column::Code.eq(c.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("hold code {c} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(desc)) = (code, desc) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(hold_code::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        description: Set(desc),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The company's hold codes.
pub async fn list_hold_codes(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<hold_code::Model>> {
    Ok(hold_code::Entity::find()
        .filter(hold_code::Column::CompanyId.eq(company_id))
        .order_by_asc(hold_code::Column::Code)
        .all(db)
        .await?)
}

/// Puts an order on hold with a hold code.
pub async fn apply_hold(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    code: &str,
    reason: Option<String>,
    by: &str,
) -> ServiceResult<order_hold::Model> {
    let o = lock_order(db, company_id, order_id).await?;
    let Some(hc) = hold_code::Entity::find()
        .filter(hold_code::Column::CompanyId.eq(company_id))
        .filter(hold_code::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Err(violation(
            "holdCode",
            Rule::NotFound,
            format!("hold code {code} not found"),
        ));
    };
    if hc.archived_at.is_some() {
        return Err(violation(
            "holdCode",
            Rule::Archived,
            format!("hold code {code} is archived"),
        ));
    }
    let reason = validate::opt_text("reason", reason.as_deref(), validate::MAX_NAME)?;
    let dup = holds_of(db, &[o.id])
        .await?
        .into_iter()
        .any(|h| h.status == HoldStatus::Active && h.hold_code_id == hc.id);
    if dup {
        return Err(violation(
            "holdCode",
            Rule::Duplicate,
            format!("sales order {} already has an active {code} hold", o.number),
        ));
    }
    Ok(order_hold::ActiveModel {
        company_id: Set(company_id),
        order_id: Set(o.id),
        hold_code_id: Set(hc.id),
        status: Set(HoldStatus::Active),
        reason: Set(reason),
        applied_by: Set(by.to_owned()),
        applied_at: Set(Utc::now()),
        cleared_by: Set(None),
        cleared_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Clears an active hold (it stays in the history).
pub async fn clear_hold(
    db: &impl ConnectionTrait,
    company_id: i64,
    hold_id: i64,
    by: &str,
) -> ServiceResult<order_hold::Model> {
    let find = || {
        order_hold::Entity::find_by_id(hold_id).filter(order_hold::Column::CompanyId.eq(company_id))
    };
    let order_id = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("hold"))?
        .order_id;
    // The order first (every change of an order takes its lock), then the hold as it is now.
    lock_order(db, company_id, order_id).await?;
    let h = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("hold"))?;
    if h.status != HoldStatus::Active {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            "the hold is already cleared",
        ));
    }
    let mut am: order_hold::ActiveModel = h.into();
    am.status = Set(HoldStatus::Cleared);
    am.cleared_by = Set(Some(by.to_owned()));
    am.cleared_at = Set(Some(Utc::now()));
    Ok(am.update(db).await?)
}

/// Sets the company's approval threshold (orders with a larger net amount need approval);
/// `None` switches approvals off.
pub async fn set_approval_threshold(
    db: &impl ConnectionTrait,
    company_id: i64,
    threshold: Option<Decimal>,
) -> ServiceResult<company::Model> {
    let t = match threshold {
        Some(t) => Some(validate::amount("approvalThreshold", t)?),
        None => None,
    };
    let c = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    let mut am: company::ActiveModel = c.into();
    am.approval_threshold = Set(t);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Sets who approves a user's orders, that user's own approval limit (`None`: unlimited) and
/// substitute.
pub async fn set_approver(
    db: &impl ConnectionTrait,
    company_id: i64,
    user: &str,
    approver: Option<String>,
    limit: Option<Decimal>,
    substitute: Option<String>,
) -> ServiceResult<approver::Model> {
    let mut v = Violations::new();
    let user = v.check(validate::name("userName", user, validate::MAX_NAME));
    let approver_name = v.check(validate::opt_text(
        "approverName",
        approver.as_deref(),
        validate::MAX_NAME,
    ));
    let substitute = v.check(validate::opt_text(
        "substituteName",
        substitute.as_deref(),
        validate::MAX_NAME,
    ));
    let limit = v.check(
        limit
            .map(|l| validate::amount("approvalLimit", l))
            .transpose(),
    );
    v.finish()?;
    let (Some(user), Some(approver_name), Some(substitute), Some(limit)) =
        (user, approver_name, substitute, limit)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    if approver_name.as_deref() == Some(user.as_str()) {
        return Err(violation(
            "approverName",
            Rule::InvalidValue,
            "a user cannot approve their own orders",
        ));
    }
    crate::setup::lock_company(db, company_id).await?;
    let now = Utc::now();
    let existing = approver::Entity::find()
        .filter(approver::Column::CompanyId.eq(company_id))
        .filter(approver::Column::UserName.eq(user.as_str()))
        .one(db)
        .await?;
    Ok(match existing {
        Some(row) => {
            let mut am: approver::ActiveModel = row.into();
            am.approver_name = Set(approver_name);
            am.approval_limit = Set(limit);
            am.substitute_name = Set(substitute);
            am.updated_at = Set(now);
            am.update(db).await?
        }
        None => {
            approver::ActiveModel {
                company_id: Set(company_id),
                user_name: Set(user),
                approver_name: Set(approver_name),
                approval_limit: Set(limit),
                substitute_name: Set(substitute),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    })
}

async fn approver_of(
    db: &impl ConnectionTrait,
    company_id: i64,
    user: &str,
) -> ServiceResult<Option<approver::Model>> {
    Ok(approver::Entity::find()
        .filter(approver::Column::CompanyId.eq(company_id))
        .filter(approver::Column::UserName.eq(user))
        .one(db)
        .await?)
}

/// Whether an order's net amount in the base currency (`None` when it has no exchange rate on
/// the order date) is over the company's approval threshold. Threshold and approval limits are
/// in the base currency; an amount that cannot be converted fails closed: while a threshold is
/// set it needs approval, and only an unlimited approver covers it. It is never waved through
/// on a number in the wrong currency.
pub fn over_threshold(threshold: Option<Decimal>, base_net: Option<Decimal>) -> bool {
    threshold.is_some_and(|t| base_net.is_none_or(|n| n > t))
}

/// Whether an approver's limit (`None`: unlimited) covers an order's net amount in the base
/// currency; see [`over_threshold`] for an amount without an exchange rate.
pub fn limit_covers(limit: Option<Decimal>, base_net: Option<Decimal>) -> bool {
    limit.is_none_or(|l| base_net.is_some_and(|n| l >= n))
}

/// The company, and the order's net amount in its base currency at the exchange rate of the
/// order date (`None` without a rate).
async fn company_and_base_net(
    db: &impl ConnectionTrait,
    company_id: i64,
    o: &sales_order::Model,
) -> ServiceResult<(company::Model, Option<Decimal>)> {
    let c = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    let net = base_net(db, &c, o).await?;
    Ok((c, net))
}

/// The order's net amount in the company's base currency at the exchange rate of the order
/// date (`None` without a rate).
async fn base_net(
    db: &impl ConnectionTrait,
    c: &company::Model,
    o: &sales_order::Model,
) -> ServiceResult<Option<Decimal>> {
    let cur = crate::setup::get_currency(db, c.id, o.currency_id).await?;
    let rate = crate::setup::rate_on(db, c, &cur, o.order_date).await?;
    Ok(rate.map(|r| o.net_amount.value() * r))
}

/// Whether an order needs approval before release: its net amount, in the base currency, is
/// over the company's threshold (or cannot be converted while a threshold is set).
pub async fn needs_approval(
    db: &impl ConnectionTrait,
    company_id: i64,
    o: &sales_order::Model,
) -> ServiceResult<bool> {
    let c = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    needs_approval_in(db, &c, o).await
}

/// [`needs_approval`] with the company at hand.
pub(crate) async fn needs_approval_in(
    db: &impl ConnectionTrait,
    c: &company::Model,
    o: &sales_order::Model,
) -> ServiceResult<bool> {
    // without a threshold nothing needs approval: no amount to convert
    let Some(threshold) = c.approval_threshold else {
        return Ok(false);
    };
    let base_net = base_net(db, c, o).await?;
    Ok(over_threshold(Some(threshold.value()), base_net))
}

async fn set_release(
    db: &impl ConnectionTrait,
    o: sales_order::Model,
    to: ReleaseStatus,
) -> ServiceResult<sales_order::Model> {
    let mut am: sales_order::ActiveModel = o.into();
    am.release_status = Set(to);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// What every posting of an order (picking list, packing slip) checks first, with the order
/// locked: no active hold or pending approval, a customer not blocked for everything; then the
/// order is released if it is open ([`release_for_posting`]).
pub(crate) async fn ready_to_post(
    db: &impl ConnectionTrait,
    company_id: i64,
    o: sales_order::Model,
) -> ServiceResult<sales_order::Model> {
    ensure_executable(db, &o, "orderId").await?;
    let blocked = crate::parties::customer::Entity::find_by_id(o.customer_id)
        .one(db)
        .await?
        .is_some_and(|c| c.blocked == crate::parties::Blocked::All);
    if blocked {
        return Err(violation(
            "orderId",
            Rule::InvalidValue,
            format!("the customer of sales order {} is blocked", o.number),
        ));
    }
    if o.release_status != ReleaseStatus::Open {
        return Ok(o);
    }
    let company = company::Entity::find_by_id(company_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("company"))?;
    release_for_posting(db, &company, o).await
}

/// Releases an open order as part of a posting (a packing slip releases the order, DOMAIN.md
/// §3.4): refused over the approval threshold (`APPROVAL_REQUIRED`); a released order stays
/// as it is. The caller has locked the order and checked holds ([`ensure_executable`]).
pub(crate) async fn release_for_posting(
    db: &impl ConnectionTrait,
    company: &company::Model,
    o: sales_order::Model,
) -> ServiceResult<sales_order::Model> {
    if o.release_status != ReleaseStatus::Open {
        return Ok(o);
    }
    if needs_approval_in(db, company, &o).await? {
        return Err(violation(
            "orderId",
            Rule::ApprovalRequired,
            format!(
                "sales order {} is over the approval threshold: request approval",
                o.number
            ),
        ));
    }
    set_release(db, o, ReleaseStatus::Released).await
}

/// Releases an open order: refused while on hold, or when it is over the approval threshold
/// (request approval instead).
pub(crate) async fn release_order(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
) -> ServiceResult<sales_order::Model> {
    let o = lock_order(db, company_id, order_id).await?;
    ensure_executable(db, &o, "id").await?;
    if o.release_status != ReleaseStatus::Open {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            format!("sales order {} is not open", o.number),
        ));
    }
    if super::lines_of(db, &[o.id]).await?.is_empty() {
        return Err(violation(
            "id",
            Rule::NoLines,
            format!("sales order {} has no lines to release", o.number),
        ));
    }
    if needs_approval(db, company_id, &o).await? {
        return Err(violation(
            "id",
            Rule::ApprovalRequired,
            format!(
                "sales order {} is over the approval threshold: request approval",
                o.number
            ),
        ));
    }
    set_release(db, o, ReleaseStatus::Released).await
}

/// Reopens a released order for changes.
pub(crate) async fn reopen_order(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
) -> ServiceResult<sales_order::Model> {
    let o = lock_order(db, company_id, order_id).await?;
    if o.release_status != ReleaseStatus::Released {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            format!("sales order {} is not released", o.number),
        ));
    }
    set_release(db, o, ReleaseStatus::Open).await
}

async fn open_request(
    db: &impl ConnectionTrait,
    company_id: i64,
    o: &sales_order::Model,
    sequence: i32,
    requested_by: &str,
    approver: &str,
) -> ServiceResult<approval_request::Model> {
    Ok(approval_request::ActiveModel {
        company_id: Set(company_id),
        order_id: Set(o.id),
        sequence: Set(sequence),
        status: Set(RequestStatus::Open),
        requested_by: Set(requested_by.to_owned()),
        approver_name: Set(approver.to_owned()),
        amount: Set(o.net_amount),
        comment: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Sends an approval request for an open order over the threshold to the requester's approver;
/// the order becomes Pending approval (no edit, no release, no execution).
pub(crate) async fn request_approval(
    db: &impl ConnectionTrait,
    company_id: i64,
    order_id: i64,
    by: &str,
) -> ServiceResult<sales_order::Model> {
    let o = lock_order(db, company_id, order_id).await?;
    ensure_executable(db, &o, "id").await?;
    if o.release_status != ReleaseStatus::Open {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            format!("sales order {} is not open", o.number),
        ));
    }
    if !needs_approval(db, company_id, &o).await? {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            format!("sales order {} needs no approval: release it", o.number),
        ));
    }
    let Some(approver) = approver_of(db, company_id, by)
        .await?
        .and_then(|a| a.approver_name)
    else {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            format!("no approver is set up for {by}"),
        ));
    };
    open_request(db, company_id, &o, 1, by, &approver).await?;
    set_release(db, o, ReleaseStatus::PendingApproval).await
}

async fn request_for(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    by: &str,
) -> ServiceResult<(approval_request::Model, sales_order::Model)> {
    let find = || {
        approval_request::Entity::find_by_id(id)
            .filter(approval_request::Column::CompanyId.eq(company_id))
    };
    let order_id = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("approval request"))?
        .order_id;
    // The order first, then the request as it is once this transaction holds the order.
    let o = lock_order(db, company_id, order_id).await?;
    let r = find()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("approval request"))?;
    if r.status != RequestStatus::Open {
        return Err(violation(
            "id",
            Rule::IllegalTransition,
            format!("the request is {}", r.status.as_str()),
        ));
    }
    let substitute = approver_of(db, company_id, &r.approver_name)
        .await?
        .and_then(|a| a.substitute_name);
    if r.approver_name != by && substitute.as_deref() != Some(by) {
        return Err(violation(
            "id",
            Rule::NotApprover,
            format!("the request waits for {}", r.approver_name),
        ));
    }
    Ok((r, o))
}

async fn decide(
    db: &impl ConnectionTrait,
    r: approval_request::Model,
    status: RequestStatus,
    comment: Option<String>,
) -> ServiceResult<approval_request::Model> {
    let mut am: approval_request::ActiveModel = r.into();
    am.status = Set(status);
    am.comment = Set(comment);
    am.decided_at = Set(Some(Utc::now()));
    Ok(am.update(db).await?)
}

/// Approves a request. If the approver's limit covers the order it is released; otherwise the
/// request passes up to the approver's own approver.
pub(crate) async fn approve(
    db: &impl ConnectionTrait,
    company_id: i64,
    request_id: i64,
    by: &str,
) -> ServiceResult<sales_order::Model> {
    let (r, o) = request_for(db, company_id, request_id, by).await?;
    let who = r.approver_name.clone();
    let me = approver_of(db, company_id, &who).await?;
    let base_net = company_and_base_net(db, company_id, &o).await?.1;
    let covers = me
        .as_ref()
        .is_some_and(|a| limit_covers(a.approval_limit.map(|l| l.value()), base_net));
    let seq = r.sequence;
    let requested_by = r.requested_by.clone();
    decide(db, r, RequestStatus::Approved, None).await?;
    if covers {
        return set_release(db, o, ReleaseStatus::Released).await;
    }
    let Some(next) = me.and_then(|a| a.approver_name) else {
        return Err(violation(
            "id",
            Rule::InvalidValue,
            format!("{who}'s limit does not cover the order and nobody is above {who}"),
        ));
    };
    open_request(db, company_id, &o, seq + 1, &requested_by, &next).await?;
    Ok(o)
}

/// Rejects a request: the order goes back to Open.
pub async fn reject(
    db: &impl ConnectionTrait,
    company_id: i64,
    request_id: i64,
    by: &str,
    comment: Option<String>,
) -> ServiceResult<sales_order::Model> {
    let (r, o) = request_for(db, company_id, request_id, by).await?;
    let comment = validate::opt_text("comment", comment.as_deref(), validate::MAX_NAME)?;
    decide(db, r, RequestStatus::Rejected, comment).await?;
    set_release(db, o, ReleaseStatus::Open).await
}

/// Delegates a request to another user, who then decides it.
pub async fn delegate(
    db: &impl ConnectionTrait,
    company_id: i64,
    request_id: i64,
    by: &str,
    to: &str,
) -> ServiceResult<sales_order::Model> {
    let (r, o) = request_for(db, company_id, request_id, by).await?;
    let to = validate::name("to", to, validate::MAX_NAME)?;
    let (seq, requested_by) = (r.sequence, r.requested_by.clone());
    decide(
        db,
        r,
        RequestStatus::Delegated,
        Some(format!("delegated to {to}")),
    )
    .await?;
    open_request(db, company_id, &o, seq + 1, &requested_by, &to).await?;
    Ok(o)
}

/// Approval requests of orders (one statement).
pub async fn requests_of(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> ServiceResult<Vec<approval_request::Model>> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(approval_request::Column::Id)
        .all(db)
        .await?)
}

/// Open requests waiting for a user (or whose substitute they are), oldest first.
pub async fn requests_waiting_for(
    db: &impl ConnectionTrait,
    company_id: i64,
    user: &str,
) -> ServiceResult<Vec<approval_request::Model>> {
    let substituted: Vec<String> = approver::Entity::find()
        .filter(approver::Column::CompanyId.eq(company_id))
        .filter(approver::Column::SubstituteName.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.user_name)
        .collect();
    let mut names = substituted;
    names.push(user.to_owned());
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::CompanyId.eq(company_id))
        .filter(approval_request::Column::Status.eq(RequestStatus::Open))
        .filter(approval_request::Column::ApproverName.is_in(names))
        .order_by_asc(approval_request::Column::Id)
        .all(db)
        .await?)
}
