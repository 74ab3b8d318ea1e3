//! Campaigns, their targets and responses, and telemarketing call lists.

use super::parties::prefixed;
use super::{
    CallStatus, CampaignKind, CampaignStatus, Direction, InteractionKind, LeadSource, Response,
    call_list, call_list_entry, campaign, campaign_target, get_row, illegal, invalid, lead,
    page_by_id,
};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::Amount;
use crate::numbering::SequenceKind;
use crate::numbering::number_for;
use crate::paging::{Page, PageArgs};
use crate::parties::{self, contact_person};
use crate::setup::base_currency;
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, Value};

/// A non-negative amount in the base currency's precision.
pub(crate) fn base_amount(
    v: &mut Violations,
    field: &str,
    d: Decimal,
    step: Decimal,
) -> Option<Amount> {
    let a = v.check(validate::amount(field, d))?;
    v.check(validate::fits_step(field, d, step))?;
    Some(a)
}

/// One campaign of the company.
pub async fn get_campaign(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<campaign::Model> {
    get_row::<campaign::Entity>(
        db,
        campaign::Column::CompanyId,
        campaign::Column::Id,
        company_id,
        id,
        "campaign",
    )
    .await
}

/// [`get_campaign`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_campaign(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<campaign::Model> {
    super::lock_row::<campaign::Entity>(
        db,
        campaign::Column::CompanyId,
        campaign::Column::Id,
        company_id,
        id,
        "campaign",
    )
    .await
}

/// Input of [`create_campaign`].
#[derive(Debug, Clone)]
pub struct NewCampaign {
    /// Number; drawn from the campaign sequence when absent.
    pub number: Option<String>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: CampaignKind,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day.
    pub end_date: Option<NaiveDate>,
    /// When to follow up.
    pub follow_up_date: Option<NaiveDate>,
    /// Owner (a salesperson code).
    pub owner: Option<String>,
    /// Budget in the base currency.
    pub budget: Decimal,
    /// Fixed cost in the base currency (interaction costs are added in the statistics).
    pub cost: Decimal,
    /// Who the campaign is aimed at, in words.
    pub target_description: Option<String>,
    /// The campaign group it belongs to.
    pub parent_campaign_id: Option<i64>,
}

fn check_dates(v: &mut Violations, start: Option<NaiveDate>, end: Option<NaiveDate>) {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        v.push(Violation::new(
            "endDate",
            Rule::InvalidValue,
            "endDate is before startDate",
        ));
    }
}

/// Refuses a parent that is the campaign itself or one of its descendants.
async fn check_parent(
    db: &impl ConnectionTrait,
    company_id: i64,
    me: Option<i64>,
    parent: i64,
) -> ServiceResult<Result<(), Violation>> {
    let mut cur = Some(parent);
    let mut hops = 0;
    while let Some(id) = cur {
        if Some(id) == me || hops > 100 {
            return Ok(Err(Violation::new(
                "parentCampaignId",
                Rule::InvalidValue,
                "a campaign cannot be its own parent or the parent of its parent",
            )));
        }
        match get_campaign(db, company_id, id).await {
            Ok(c) => cur = c.parent_campaign_id,
            Err(ServiceError::NotFound(_)) => {
                return Ok(Err(Violation::new(
                    "parentCampaignId",
                    Rule::NotFound,
                    "campaign not found",
                )));
            }
            Err(e) => return Err(e),
        }
        hops += 1;
    }
    Ok(Ok(()))
}

/// Creates a campaign in status planned.
pub async fn create_campaign(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewCampaign,
) -> ServiceResult<campaign::Model> {
    let step = base_currency(db, company_id)
        .await?
        .amount_precision
        .value();
    let mut v = Violations::new();
    let name = v.check(validate::name("name", &i.name, validate::MAX_NAME));
    let owner = v.check(validate::opt_code("owner", i.owner.as_deref()));
    let budget = base_amount(&mut v, "budget", i.budget, step);
    let cost = base_amount(&mut v, "cost", i.cost, step);
    let desc = v.check(validate::opt_text(
        "targetDescription",
        i.target_description.as_deref(),
        validate::MAX_NAME,
    ));
    check_dates(&mut v, i.start_date, i.end_date);
    if let Some(p) = i.parent_campaign_id {
        v.check(check_parent(db, company_id, None, p).await?);
    }
    v.finish()?;
    let (Some(name), Some(owner), Some(budget), Some(cost), Some(desc)) =
        (name, owner, budget, cost, desc)
    else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = number_for::<campaign::Entity>(
        db,
        company_id,
        SequenceKind::Campaign,
        i.number.as_deref(),
        (campaign::Column::CompanyId, campaign::Column::Number),
        "campaign",
    )
    .await?;
    let now = Utc::now();
    Ok(campaign::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        name: Set(name),
        kind: Set(i.kind),
        status: Set(CampaignStatus::Planned),
        start_date: Set(i.start_date),
        end_date: Set(i.end_date),
        follow_up_date: Set(i.follow_up_date),
        owner: Set(owner),
        budget: Set(budget),
        cost: Set(cost),
        target_description: Set(desc),
        parent_campaign_id: Set(i.parent_campaign_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Patch of a campaign.
#[derive(Debug, Clone, Default)]
pub struct CampaignPatch {
    /// Name.
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<CampaignKind>,
    /// Start date.
    pub start_date: Option<Option<NaiveDate>>,
    /// End date.
    pub end_date: Option<Option<NaiveDate>>,
    /// Follow-up date.
    pub follow_up_date: Option<Option<NaiveDate>>,
    /// Owner.
    pub owner: Option<Option<String>>,
    /// Budget.
    pub budget: Option<Decimal>,
    /// Fixed cost.
    pub cost: Option<Decimal>,
    /// Target description.
    pub target_description: Option<Option<String>>,
    /// Parent campaign.
    pub parent_campaign_id: Option<Option<i64>>,
}

/// Changes a campaign. Completed and canceled campaigns are read-only except for their cost.
pub async fn update_campaign(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: CampaignPatch,
) -> ServiceResult<campaign::Model> {
    let row = lock_campaign(db, company_id, id).await?;
    let step = base_currency(db, company_id)
        .await?
        .amount_precision
        .value();
    let closed = matches!(
        row.status,
        CampaignStatus::Completed | CampaignStatus::Canceled
    );
    let only_cost = p.name.is_none()
        && p.kind.is_none()
        && p.start_date.is_none()
        && p.end_date.is_none()
        && p.follow_up_date.is_none()
        && p.owner.is_none()
        && p.budget.is_none()
        && p.target_description.is_none()
        && p.parent_campaign_id.is_none();
    if closed && !only_cost {
        return Err(illegal(
            "id",
            format!(
                "campaign {} is {}; only its cost may change",
                row.number,
                row.status.as_str()
            ),
        ));
    }
    let mut v = Violations::new();
    let name = p
        .name
        .as_deref()
        .map(|n| v.check(validate::name("name", n, validate::MAX_NAME)));
    let owner = p
        .owner
        .as_ref()
        .map(|o| v.check(validate::opt_code("owner", o.as_deref())));
    let budget = p.budget.map(|b| base_amount(&mut v, "budget", b, step));
    let cost = p.cost.map(|b| base_amount(&mut v, "cost", b, step));
    let desc = p.target_description.as_ref().map(|d| {
        v.check(validate::opt_text(
            "targetDescription",
            d.as_deref(),
            validate::MAX_NAME,
        ))
    });
    let start = p.start_date.unwrap_or(row.start_date);
    let end = p.end_date.unwrap_or(row.end_date);
    check_dates(&mut v, start, end);
    if let Some(Some(parent)) = p.parent_campaign_id {
        v.check(check_parent(db, company_id, Some(row.id), parent).await?);
    }
    v.finish()?;
    let mut am: campaign::ActiveModel = row.into();
    if let Some(Some(x)) = name {
        am.name = Set(x);
    }
    if let Some(k) = p.kind {
        am.kind = Set(k);
    }
    am.start_date = Set(start);
    am.end_date = Set(end);
    if let Some(f) = p.follow_up_date {
        am.follow_up_date = Set(f);
    }
    if let Some(Some(x)) = owner {
        am.owner = Set(x);
    }
    if let Some(Some(x)) = budget {
        am.budget = Set(x);
    }
    if let Some(Some(x)) = cost {
        am.cost = Set(x);
    }
    if let Some(Some(x)) = desc {
        am.target_description = Set(x);
    }
    if let Some(x) = p.parent_campaign_id {
        am.parent_campaign_id = Set(x);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Moves a campaign: planned → active | canceled; active → completed | canceled.
pub async fn set_campaign_status(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    to: CampaignStatus,
) -> ServiceResult<campaign::Model> {
    use CampaignStatus::*;
    let row = lock_campaign(db, company_id, id).await?;
    let ok = matches!(
        (row.status, to),
        (Planned, Active) | (Planned, Canceled) | (Active, Completed) | (Active, Canceled)
    );
    if !ok {
        return Err(illegal(
            "status",
            format!(
                "campaign {} is {} and cannot become {}",
                row.number,
                row.status.as_str(),
                to.as_str()
            ),
        ));
    }
    let mut am: campaign::ActiveModel = row.into();
    am.status = Set(to);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Which campaigns a list shows.
#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    /// Part of the number or name.
    pub search: Option<String>,
    /// Status.
    pub status: Option<CampaignStatus>,
    /// Kind.
    pub kind: Option<CampaignKind>,
    /// Sub-campaigns of this campaign.
    pub parent_campaign_id: Option<i64>,
}

fn campaign_query(company_id: i64, f: &CampaignFilter) -> Select<campaign::Entity> {
    let mut q = campaign::Entity::find().filter(campaign::Column::CompanyId.eq(company_id));
    if let Some(c) = super::search_any(
        f.search.as_deref(),
        &[campaign::Column::Number, campaign::Column::Name],
    ) {
        q = q.filter(c);
    }
    if let Some(s) = f.status {
        q = q.filter(campaign::Column::Status.eq(s));
    }
    if let Some(k) = f.kind {
        q = q.filter(campaign::Column::Kind.eq(k));
    }
    if let Some(p) = f.parent_campaign_id {
        q = q.filter(campaign::Column::ParentCampaignId.eq(p));
    }
    q
}

/// Sort of the campaign list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CampaignSort {
    /// Number, in numeric order.
    #[default]
    Number,
    /// Name.
    Name,
    /// Start date (campaigns without one last ascending).
    StartDate,
    /// End date (campaigns without one last ascending).
    EndDate,
    /// Last change.
    UpdatedAt,
}

/// One page of campaigns in the given order, the id breaking ties.
pub async fn list_campaigns(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &CampaignFilter,
    sort: CampaignSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<campaign::Model>> {
    use super::SortKey;
    use campaign::Column as C;
    let key = match sort {
        CampaignSort::Number => SortKey::Number(C::Number),
        CampaignSort::Name => SortKey::Text(C::Name),
        CampaignSort::StartDate => SortKey::DateOrLast(C::StartDate),
        CampaignSort::EndDate => SortKey::DateOrLast(C::EndDate),
        CampaignSort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    super::page_sorted(db, campaign_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of campaigns matching the filter.
pub async fn count_campaigns(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &CampaignFilter,
) -> ServiceResult<u64> {
    Ok(campaign_query(company_id, f).count(db).await?)
}

// ---------------------------------------------------------------- targets

/// Which parties [`select_targets`] adds. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct TargetSelection {
    /// Active prospects.
    pub prospects: bool,
    /// Customers that are not archived or blocked for everything.
    pub customers: bool,
    /// Contact persons (not archived) of organisations.
    pub contacts: bool,
    /// Customer group (customers only).
    pub customer_group: Option<String>,
    /// Prospect segment (prospects only).
    pub segment: Option<String>,
    /// Prospect salesperson (prospects only).
    pub salesperson: Option<String>,
    /// The party (for a contact: its organisation) has an address in this country.
    pub country_code: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Only parties with an e-mail address.
    pub has_email: bool,
    /// Part of the name.
    pub search: Option<String>,
}

fn check_open_for_targets(c: &campaign::Model) -> ServiceResult<()> {
    if matches!(c.status, CampaignStatus::Planned | CampaignStatus::Active) {
        Ok(())
    } else {
        Err(illegal(
            "campaignId",
            format!(
                "campaign {} is {}; targets can only be added while it is planned or active",
                c.number,
                c.status.as_str()
            ),
        ))
    }
}

/// One `INSERT … SELECT` of [`select_targets`]: the role expression, the FROM/JOIN clause, the
/// role's own conditions with their values, whose addresses count for the country, and the
/// contact person column.
type Run = (
    String,
    String,
    Vec<(String, Value)>,
    &'static str,
    &'static str,
);

const ROLE_CASE: &str = "CASE WHEN EXISTS (SELECT 1 FROM opportunities o WHERE o.party_id = pa.id AND o.status = 'open') THEN 'opportunity' \
     WHEN EXISTS (SELECT 1 FROM leads l WHERE l.party_id = pa.id AND l.status = 'open') THEN 'lead' ELSE 'prospect' END";

/// Adds every party matching the selection as a target of a planned or active campaign, with
/// the role it has now; parties already targeted are left as they are. Set-based: one
/// `INSERT … SELECT` per role, whatever the number of parties. Returns how many were added.
pub async fn select_targets(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: i64,
    s: &TargetSelection,
) -> ServiceResult<u64> {
    let c = lock_campaign(db, company_id, campaign_id).await?;
    check_open_for_targets(&c)?;
    let mut v = Violations::new();
    let country = v.check(
        s.country_code
            .as_deref()
            .map(|c| validate::country_code("selection.countryCode", c))
            .transpose(),
    );
    v.check(validate::search("selection.search", s.search.as_deref()));
    if !(s.prospects || s.customers || s.contacts) {
        v.push(Violation::new(
            "selection",
            Rule::Required,
            "choose at least one of prospects, customers and contacts",
        ));
    }
    v.finish()?;
    let country = country.flatten();
    let backend = db.get_database_backend();
    let now = Utc::now();
    let mut added = 0;
    let mut runs: Vec<Run> = Vec::new();
    if s.prospects {
        let mut own = vec![("r.status = ?".to_owned(), Value::from("active"))];
        if let Some(seg) = &s.segment {
            own.push(("r.segment = ?".into(), Value::from(seg.as_str())));
        }
        if let Some(sp) = &s.salesperson {
            own.push(("r.salesperson = ?".into(), Value::from(sp.as_str())));
        }
        runs.push((
            ROLE_CASE.to_owned(),
            "FROM prospects r JOIN parties pa ON pa.id = r.party_id".into(),
            own,
            "pa.id",
            "NULL",
        ));
    }
    if s.customers {
        let mut own = vec![
            (
                "r.archived_at IS NULL".to_owned(),
                Value::from(None::<String>),
            ),
            ("r.blocked <> ?".to_owned(), Value::from("all")),
        ];
        if let Some(g) = &s.customer_group {
            own.push(("r.customer_group = ?".into(), Value::from(g.as_str())));
        }
        runs.push((
            "'customer'".into(),
            "FROM customers r JOIN parties pa ON pa.id = r.party_id".into(),
            own,
            "pa.id",
            "NULL",
        ));
    }
    if s.contacts {
        runs.push((
            "'contact'".into(),
            "FROM contact_persons r JOIN parties pa ON pa.id = r.party_id".into(),
            vec![(
                "r.archived_at IS NULL".to_owned(),
                Value::from(None::<String>),
            )],
            "r.employer_party_id",
            "r.id",
        ));
    }
    for (role, from, own, addr_party, contact) in runs {
        let mut sql = format!(
            "INSERT INTO campaign_targets (company_id, campaign_id, party_id, contact_person_id, role_at_time, response, created_at, updated_at) \
             SELECT ?, ?, pa.id, {contact}, {role}, 'none', ?, ? {from} \
             WHERE r.company_id = ? \
             AND NOT EXISTS (SELECT 1 FROM campaign_targets t WHERE t.campaign_id = ? AND t.party_id = pa.id)"
        );
        let mut vals: Vec<Value> = vec![
            company_id.into(),
            campaign_id.into(),
            now.into(),
            now.into(),
            company_id.into(),
            campaign_id.into(),
        ];
        for (cond, val) in own {
            sql.push_str(" AND ");
            sql.push_str(&cond);
            if cond.contains('?') {
                vals.push(val);
            }
        }
        if let Some(cc) = &country {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM addresses a WHERE a.party_id = {addr_party} AND a.country_code = ?)"
            ));
            vals.push(cc.as_str().into());
        }
        if let Some(l) = &s.language {
            sql.push_str(" AND pa.language = ?");
            vals.push(l.as_str().into());
        }
        if s.has_email {
            sql.push_str(" AND pa.email IS NOT NULL");
        }
        if let Some(q) = s.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            sql.push_str(" AND LOWER(pa.name) LIKE ?");
            vals.push(format!("%{}%", q.to_lowercase()).into());
        }
        // a concurrent selection for the same campaign may have added the party meanwhile
        sql.push_str(" ON CONFLICT (campaign_id, party_id) DO NOTHING");
        let res = db.execute_raw(crate::db::sql(backend, &sql, vals)).await?;
        added += res.rows_affected();
    }
    Ok(added)
}

/// The role a party has now, for a target added by hand.
async fn role_now(
    db: &impl ConnectionTrait,
    party_id: i64,
    contact: bool,
) -> ServiceResult<super::TargetRole> {
    use super::{LeadStatus, OpportunityStatus, TargetRole, opportunity};
    if contact {
        return Ok(TargetRole::Contact);
    }
    if parties::customer::Entity::find()
        .filter(parties::customer::Column::PartyId.eq(party_id))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(TargetRole::Customer);
    }
    if opportunity::Entity::find()
        .filter(opportunity::Column::PartyId.eq(party_id))
        .filter(opportunity::Column::Status.eq(OpportunityStatus::Open))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(TargetRole::Opportunity);
    }
    if lead::Entity::find()
        .filter(lead::Column::PartyId.eq(party_id))
        .filter(lead::Column::Status.eq(LeadStatus::Open))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(TargetRole::Lead);
    }
    Ok(TargetRole::Prospect)
}

/// Adds one party (or a contact person, by its person party) as a target.
pub async fn add_target(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: i64,
    party_id: i64,
) -> ServiceResult<campaign_target::Model> {
    let c = lock_campaign(db, company_id, campaign_id).await?;
    check_open_for_targets(&c)?;
    let p = match parties::get_party(db, company_id, party_id).await {
        Ok(p) => p,
        Err(ServiceError::NotFound(_)) => {
            return Err(invalid("partyId", Rule::NotFound, "party not found"));
        }
        Err(e) => return Err(e),
    };
    if find_target(db, campaign_id, p.id).await?.is_some() {
        return Err(invalid(
            "partyId",
            Rule::Duplicate,
            format!("{} is already a target of campaign {}", p.name, c.number),
        ));
    }
    let contact = contact_person::Entity::find()
        .filter(contact_person::Column::PartyId.eq(p.id))
        .one(db)
        .await?;
    let role = role_now(db, p.id, contact.is_some()).await?;
    let now = Utc::now();
    Ok(campaign_target::ActiveModel {
        company_id: Set(company_id),
        campaign_id: Set(campaign_id),
        party_id: Set(p.id),
        contact_person_id: Set(contact.map(|c| c.id)),
        role_at_time: Set(role),
        sent_on: Set(None),
        response: Set(Response::None),
        response_code: Set(None),
        responded_on: Set(None),
        follow_up_date: Set(None),
        generated_lead_id: Set(None),
        generated_opportunity_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn find_target(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    party_id: i64,
) -> ServiceResult<Option<campaign_target::Model>> {
    Ok(campaign_target::Entity::find()
        .filter(campaign_target::Column::CampaignId.eq(campaign_id))
        .filter(campaign_target::Column::PartyId.eq(party_id))
        .one(db)
        .await?)
}

/// Removes a target that has no response and generated nothing.
pub async fn remove_target(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<campaign_target::Model> {
    let t = lock_target(db, company_id, id).await?;
    if t.response != Response::None
        || t.generated_lead_id.is_some()
        || t.generated_opportunity_id.is_some()
    {
        return Err(illegal(
            "id",
            "a target with a response or a generated lead or opportunity stays on record",
        ));
    }
    campaign_target::Entity::delete_by_id(t.id).exec(db).await?;
    Ok(t)
}

/// One target of the company.
pub async fn get_target(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<campaign_target::Model> {
    get_row::<campaign_target::Entity>(
        db,
        campaign_target::Column::CompanyId,
        campaign_target::Column::Id,
        company_id,
        id,
        "campaign target",
    )
    .await
}

/// [`get_target`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_target(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<campaign_target::Model> {
    super::lock_row::<campaign_target::Entity>(
        db,
        campaign_target::Column::CompanyId,
        campaign_target::Column::Id,
        company_id,
        id,
        "campaign target",
    )
    .await
}

/// Marks every target not sent yet as sent on a date (the mailing went out). Active only.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: i64,
    on: NaiveDate,
) -> ServiceResult<u64> {
    let c = lock_campaign(db, company_id, campaign_id).await?;
    if c.status != CampaignStatus::Active {
        return Err(illegal(
            "campaignId",
            format!("campaign {} is {}, not active", c.number, c.status.as_str()),
        ));
    }
    let r = campaign_target::Entity::update_many()
        .col_expr(campaign_target::Column::SentOn, Expr::val(on))
        .col_expr(campaign_target::Column::UpdatedAt, Expr::val(Utc::now()))
        .filter(campaign_target::Column::CampaignId.eq(campaign_id))
        .filter(campaign_target::Column::SentOn.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// Input of [`record_response`].
#[derive(Debug, Clone)]
pub struct NewResponse {
    /// The campaign.
    pub campaign_id: i64,
    /// The party that responded (a contact person's own party for contacts).
    pub party_id: i64,
    /// The response.
    pub response: Response,
    /// A free response code, e.g. `WANTS-DEMO`.
    pub response_code: Option<String>,
    /// When; today by default.
    pub responded_on: Option<NaiveDate>,
    /// When to follow up.
    pub follow_up_date: Option<NaiveDate>,
}

/// Records a target's response. The party must be a target; the campaign active or completed.
pub async fn record_response(
    db: &impl ConnectionTrait,
    company_id: i64,
    r: NewResponse,
) -> ServiceResult<campaign_target::Model> {
    let c = lock_campaign(db, company_id, r.campaign_id).await?;
    if !matches!(c.status, CampaignStatus::Active | CampaignStatus::Completed) {
        return Err(illegal(
            "campaignId",
            format!(
                "campaign {} is {}; responses are recorded once it is active",
                c.number,
                c.status.as_str()
            ),
        ));
    }
    let mut v = Violations::new();
    let code = v.check(validate::opt_code(
        "responseCode",
        r.response_code.as_deref(),
    ));
    if r.response == Response::None {
        v.push(Violation::new(
            "response",
            Rule::InvalidValue,
            "record a positive, negative or no-response answer",
        ));
    }
    v.finish()?;
    let Some(t) = find_target(db, c.id, r.party_id).await? else {
        return Err(invalid(
            "partyId",
            Rule::NotATarget,
            format!("the party is not a target of campaign {}", c.number),
        ));
    };
    if t.company_id != company_id {
        return Err(ServiceError::NotFound("campaign target"));
    }
    // The target as it is once locked (removing it or generating a lead from it takes the
    // same lock), so a response never races those.
    let Ok(t) = lock_target(db, company_id, t.id).await else {
        return Err(invalid(
            "partyId",
            Rule::NotATarget,
            format!("the party is no longer a target of campaign {}", c.number),
        ));
    };
    let mut am: campaign_target::ActiveModel = t.into();
    am.response = Set(r.response);
    am.response_code = Set(code.flatten());
    am.responded_on = Set(Some(
        r.responded_on.unwrap_or_else(|| Utc::now().date_naive()),
    ));
    if r.follow_up_date.is_some() {
        am.follow_up_date = Set(r.follow_up_date);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// The party a lead or opportunity from a target is for: the organisation of a contact.
async fn target_party(db: &impl ConnectionTrait, t: &campaign_target::Model) -> ServiceResult<i64> {
    match t.contact_person_id {
        Some(cp) => Ok(contact_person::Entity::find_by_id(cp)
            .one(db)
            .await?
            .map(|c| c.employer_party_id)
            .unwrap_or(t.party_id)),
        None => Ok(t.party_id),
    }
}

fn positive(t: &campaign_target::Model, what: &str) -> ServiceResult<()> {
    if t.response != Response::Positive {
        return Err(illegal(
            "targetId",
            format!("only a positive response generates {what}"),
        ));
    }
    if t.generated_lead_id.is_some() || t.generated_opportunity_id.is_some() {
        return Err(illegal(
            "targetId",
            "this response already generated a lead or an opportunity",
        ));
    }
    Ok(())
}

/// Generates a lead from a positive response; the lead keeps the campaign.
pub async fn generate_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    target_id: i64,
    subject: Option<String>,
    responsible: Option<String>,
) -> ServiceResult<(campaign_target::Model, lead::Model)> {
    let t = lock_target(db, company_id, target_id).await?;
    positive(&t, "a lead")?;
    let c = get_campaign(db, company_id, t.campaign_id).await?;
    let party_id = target_party(db, &t).await?;
    let l = super::create_lead(
        db,
        company_id,
        super::NewLead {
            number: None,
            party_id,
            subject: subject.unwrap_or_else(|| format!("Response to campaign {}", c.name)),
            source: LeadSource::Campaign,
            campaign_id: Some(c.id),
            responsible: responsible.or(c.owner.clone()),
            estimated_value: None,
            currency_id: None,
        },
    )
    .await?;
    let mut am: campaign_target::ActiveModel = t.into();
    am.generated_lead_id = Set(Some(l.id));
    am.updated_at = Set(Utc::now());
    Ok((am.update(db).await?, l))
}

/// Generates an opportunity straight from a positive response, skipping the lead.
pub async fn generate_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    target_id: i64,
    o: super::NewOpportunity,
) -> ServiceResult<(campaign_target::Model, super::opportunity::Model)> {
    let t = lock_target(db, company_id, target_id).await?;
    positive(&t, "an opportunity")?;
    let party_id = target_party(db, &t).await?;
    let opp = prefixed(
        super::create_opportunity(
            db,
            company_id,
            super::NewOpportunity {
                party_id,
                campaign_id: Some(t.campaign_id),
                ..o
            },
        )
        .await,
        "opportunity.",
    )?;
    let mut am: campaign_target::ActiveModel = t.into();
    am.generated_opportunity_id = Set(Some(opp.id));
    am.updated_at = Set(Utc::now());
    Ok((am.update(db).await?, opp))
}

/// Which targets a list shows.
#[derive(Debug, Clone, Default)]
pub struct TargetFilter {
    /// Only this response.
    pub response: Option<Response>,
    /// Only sent (`true`) or not sent (`false`).
    pub sent: Option<bool>,
}

fn target_query(
    company_id: i64,
    campaign_id: i64,
    f: &TargetFilter,
) -> Select<campaign_target::Entity> {
    let mut q = campaign_target::Entity::find()
        .filter(campaign_target::Column::CompanyId.eq(company_id))
        .filter(campaign_target::Column::CampaignId.eq(campaign_id));
    if let Some(r) = f.response {
        q = q.filter(campaign_target::Column::Response.eq(r));
    }
    match f.sent {
        Some(true) => q = q.filter(campaign_target::Column::SentOn.is_not_null()),
        Some(false) => q = q.filter(campaign_target::Column::SentOn.is_null()),
        None => {}
    }
    q
}

/// One page of a campaign's targets in the order they were added.
pub async fn list_targets(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: i64,
    f: &TargetFilter,
    args: &PageArgs,
) -> ServiceResult<Page<campaign_target::Model>> {
    page_by_id(
        db,
        target_query(company_id, campaign_id, f),
        campaign_target::Column::Id,
        false,
        args,
    )
    .await
}

/// Number of a campaign's targets matching the filter.
pub async fn count_targets(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: i64,
    f: &TargetFilter,
) -> ServiceResult<u64> {
    Ok(target_query(company_id, campaign_id, f).count(db).await?)
}

// ---------------------------------------------------------------- call lists

/// Input of [`create_call_list`].
#[derive(Debug, Clone)]
pub struct NewCallList {
    /// The campaign, if any.
    pub campaign_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Who calls (a salesperson code).
    pub responsible: Option<String>,
    /// Questionnaire to use (informational).
    pub questionnaire: Option<String>,
    /// First day (informational).
    pub start_date: Option<NaiveDate>,
    /// Last day (informational).
    pub end_date: Option<NaiveDate>,
    /// Copy the campaign's targets (not yet answered) as entries.
    pub from_targets: bool,
}

/// Creates a call list, optionally filled from its campaign's unanswered targets.
pub async fn create_call_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewCallList,
) -> ServiceResult<call_list::Model> {
    let mut v = Violations::new();
    let name = v.check(validate::name("name", &i.name, validate::MAX_NAME));
    let resp = v.check(validate::opt_code("responsible", i.responsible.as_deref()));
    let qn = v.check(validate::opt_text(
        "questionnaire",
        i.questionnaire.as_deref(),
        validate::MAX_NAME,
    ));
    check_dates(&mut v, i.start_date, i.end_date);
    if let Some(c) = i.campaign_id {
        match get_campaign(db, company_id, c).await {
            Ok(c) => {
                if c.kind != CampaignKind::Telemarketing {
                    v.push(Violation::new(
                        "campaignId",
                        Rule::InvalidValue,
                        format!("campaign {} is not a telemarketing campaign", c.number),
                    ));
                }
            }
            Err(ServiceError::NotFound(_)) => v.push(Violation::new(
                "campaignId",
                Rule::NotFound,
                "campaign not found",
            )),
            Err(e) => return Err(e),
        }
    } else if i.from_targets {
        v.push(Violation::new(
            "fromTargets",
            Rule::InvalidValue,
            "fromTargets needs a campaignId",
        ));
    }
    v.finish()?;
    let (Some(name), Some(resp), Some(qn)) = (name, resp, qn) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    let list = call_list::ActiveModel {
        company_id: Set(company_id),
        campaign_id: Set(i.campaign_id),
        name: Set(name),
        responsible: Set(resp),
        questionnaire: Set(qn),
        start_date: Set(i.start_date),
        end_date: Set(i.end_date),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if let (true, Some(c)) = (i.from_targets, i.campaign_id) {
        let sql = "INSERT INTO call_list_entries (company_id, call_list_id, party_id, contact_person_id, call_status, updated_at) \
                   SELECT ?, ?, t.party_id, t.contact_person_id, 'not_called', ? FROM campaign_targets t \
                   WHERE t.campaign_id = ? AND t.response = 'none'";
        db.execute_raw(crate::db::sql(
            db.get_database_backend(),
            sql,
            vec![company_id.into(), list.id.into(), now.into(), c.into()],
        ))
        .await?;
    }
    Ok(list)
}

/// One call list of the company.
pub async fn get_call_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<call_list::Model> {
    get_row::<call_list::Entity>(
        db,
        call_list::Column::CompanyId,
        call_list::Column::Id,
        company_id,
        id,
        "call list",
    )
    .await
}

/// [`get_call_list`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_call_list(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<call_list::Model> {
    super::lock_row::<call_list::Entity>(
        db,
        call_list::Column::CompanyId,
        call_list::Column::Id,
        company_id,
        id,
        "call list",
    )
    .await
}

/// Adds a party to a call list.
pub async fn add_call_list_entry(
    db: &impl ConnectionTrait,
    company_id: i64,
    call_list_id: i64,
    party_id: i64,
) -> ServiceResult<call_list_entry::Model> {
    let list = lock_call_list(db, company_id, call_list_id).await?;
    let p = match parties::get_party(db, company_id, party_id).await {
        Ok(p) => p,
        Err(ServiceError::NotFound(_)) => {
            return Err(invalid("partyId", Rule::NotFound, "party not found"));
        }
        Err(e) => return Err(e),
    };
    let exists = call_list_entry::Entity::find()
        .filter(call_list_entry::Column::CallListId.eq(list.id))
        .filter(call_list_entry::Column::PartyId.eq(p.id))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(invalid(
            "partyId",
            Rule::Duplicate,
            format!("{} is already on the call list", p.name),
        ));
    }
    let contact = contact_person::Entity::find()
        .filter(contact_person::Column::PartyId.eq(p.id))
        .one(db)
        .await?;
    Ok(call_list_entry::ActiveModel {
        company_id: Set(company_id),
        call_list_id: Set(list.id),
        party_id: Set(p.id),
        contact_person_id: Set(contact.map(|c| c.id)),
        call_status: Set(CallStatus::NotCalled),
        notes: Set(None),
        call_back_on: Set(None),
        last_called_at: Set(None),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Input of [`record_call`].
#[derive(Debug, Clone)]
pub struct NewCall {
    /// The call list entry.
    pub entry_id: i64,
    /// Outcome.
    pub status: CallStatus,
    /// Notes.
    pub notes: Option<String>,
    /// For call back: when.
    pub call_back_on: Option<NaiveDate>,
    /// Minutes on the phone.
    pub duration_minutes: i32,
    /// Cost of the call in the base currency.
    pub cost: Decimal,
}

/// Records a call on a call list entry and logs it as an outbound call interaction.
pub async fn record_call(
    db: &impl ConnectionTrait,
    company_id: i64,
    c: NewCall,
) -> ServiceResult<call_list_entry::Model> {
    let e = super::lock_row::<call_list_entry::Entity>(
        db,
        call_list_entry::Column::CompanyId,
        call_list_entry::Column::Id,
        company_id,
        c.entry_id,
        "call list entry",
    )
    .await?;
    let list = get_call_list(db, company_id, e.call_list_id).await?;
    let mut v = Violations::new();
    let notes = v.check(validate::opt_text("notes", c.notes.as_deref(), 2000));
    if c.status == CallStatus::NotCalled {
        v.push(Violation::new(
            "status",
            Rule::InvalidValue,
            "record the outcome of the call: call back, completed or no answer",
        ));
    }
    if c.status == CallStatus::CallBack && c.call_back_on.is_none() {
        v.push(Violation::new(
            "callBackOn",
            Rule::Required,
            "a call back needs a date",
        ));
    }
    v.finish()?;
    let now = Utc::now();
    super::log_interaction(
        db,
        company_id,
        super::NewInteraction {
            party_id: e.party_id,
            contact_person_id: e.contact_person_id,
            campaign_id: list.campaign_id,
            lead_id: None,
            opportunity_id: None,
            kind: InteractionKind::Call,
            direction: Direction::Outbound,
            subject: format!("Call from list {}", list.name),
            occurred_at: Some(now),
            salesperson: list.responsible.clone(),
            cost: c.cost,
            duration_minutes: c.duration_minutes,
            follow_up_on: if c.status == CallStatus::CallBack {
                c.call_back_on
            } else {
                None
            },
        },
    )
    .await?;
    let mut am: call_list_entry::ActiveModel = e.into();
    am.call_status = Set(c.status);
    am.notes = Set(notes.flatten());
    am.call_back_on = Set(if c.status == CallStatus::CallBack {
        c.call_back_on
    } else {
        None
    });
    am.last_called_at = Set(Some(now));
    am.updated_at = Set(now);
    Ok(am.update(db).await?)
}

/// Entries of call lists, in one statement for many lists (for the API's loader).
pub async fn entries_of_call_lists(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ServiceResult<Vec<call_list_entry::Model>> {
    use sea_orm::QueryOrder;
    Ok(call_list_entry::Entity::find()
        .filter(call_list_entry::Column::CallListId.is_in(ids.iter().copied()))
        .order_by_asc(call_list_entry::Column::Id)
        .all(db)
        .await?)
}

/// One page of call lists, newest first.
pub async fn list_call_lists(
    db: &impl ConnectionTrait,
    company_id: i64,
    campaign_id: Option<i64>,
    args: &PageArgs,
) -> ServiceResult<Page<call_list::Model>> {
    let mut q = call_list::Entity::find().filter(call_list::Column::CompanyId.eq(company_id));
    if let Some(c) = campaign_id {
        q = q.filter(call_list::Column::CampaignId.eq(c));
    }
    page_by_id(db, q, call_list::Column::Id, true, args).await
}
