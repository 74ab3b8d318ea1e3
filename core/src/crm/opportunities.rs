//! Leads and their status machine, sales cycles with stages, and opportunities.

use super::parties::prefixed;
use super::{
    LeadSource, LeadStatus, OpportunityStatus, ProspectStatus, get_row, illegal, invalid, lead,
    opportunity, prospect, sales_cycle, sales_cycle_stage,
};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::money::{Amount, Rate, RoundingMode, round_to};
use crate::numbering::SequenceKind;
use crate::numbering::number_for;
use crate::paging::{Page, PageArgs};
use crate::parties::{self, NewCustomer, customer};
use crate::refs::{self, Table};
use crate::setup;
use crate::validate;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder};

async fn party_ref(
    db: &impl ConnectionTrait,
    v: &mut Violations,
    company_id: i64,
    party_id: i64,
) -> ServiceResult<()> {
    match parties::get_party(db, company_id, party_id).await {
        Ok(_) => Ok(()),
        Err(ServiceError::NotFound(_)) => {
            v.push(Violation::new("partyId", Rule::NotFound, "party not found"));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

async fn campaign_ref(
    db: &impl ConnectionTrait,
    v: &mut Violations,
    company_id: i64,
    id: Option<i64>,
) -> ServiceResult<()> {
    if let Some(id) = id {
        match super::get_campaign(db, company_id, id).await {
            Ok(_) => {}
            Err(ServiceError::NotFound(_)) => v.push(Violation::new(
                "campaignId",
                Rule::NotFound,
                "campaign not found",
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// An amount that must fit a currency's precision.
async fn money_in(
    db: &impl ConnectionTrait,
    v: &mut Violations,
    company_id: i64,
    field: &str,
    value: Decimal,
    currency_id: i64,
) -> ServiceResult<Option<Amount>> {
    let a = v.check(validate::amount(field, value));
    if a.is_some()
        && let Ok(c) = setup::get_currency(db, company_id, currency_id).await
        && let Err(e) = validate::fits_step(field, value, c.amount_precision.value())
    {
        v.push(e);
        return Ok(None);
    }
    Ok(a)
}

// ---------------------------------------------------------------- leads

/// One lead of the company.
pub async fn get_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<lead::Model> {
    get_row::<lead::Entity>(
        db,
        lead::Column::CompanyId,
        lead::Column::Id,
        company_id,
        id,
        "lead",
    )
    .await
}

/// [`get_lead`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<lead::Model> {
    super::lock_row::<lead::Entity>(
        db,
        lead::Column::CompanyId,
        lead::Column::Id,
        company_id,
        id,
        "lead",
    )
    .await
}

/// Input of [`create_lead`].
#[derive(Debug, Clone)]
pub struct NewLead {
    /// Number; drawn from the lead sequence when absent.
    pub number: Option<String>,
    /// The party (prospect, customer or plain party).
    pub party_id: i64,
    /// What it is about.
    pub subject: String,
    /// Where it came from.
    pub source: LeadSource,
    /// The campaign it came from.
    pub campaign_id: Option<i64>,
    /// Who works on it (a salesperson code).
    pub responsible: Option<String>,
    /// Estimated value.
    pub estimated_value: Option<Decimal>,
    /// Currency of the estimated value (required with it).
    pub currency_id: Option<i64>,
}

/// Creates an open lead.
pub async fn create_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewLead,
) -> ServiceResult<lead::Model> {
    let mut v = Violations::new();
    let subject = v.check(validate::name("subject", &i.subject, validate::MAX_NAME));
    let resp = v.check(validate::opt_code("responsible", i.responsible.as_deref()));
    party_ref(db, &mut v, company_id, i.party_id).await?;
    campaign_ref(db, &mut v, company_id, i.campaign_id).await?;
    if i.source == LeadSource::Campaign && i.campaign_id.is_none() {
        v.push(Violation::new(
            "campaignId",
            Rule::Required,
            "a lead from a campaign names the campaign",
        ));
    }
    let mut value = None;
    match (i.estimated_value, i.currency_id) {
        (Some(val), Some(cur)) => {
            v.check(refs::usable(db, company_id, Table::Currency, cur, "currencyId").await?);
            value = money_in(db, &mut v, company_id, "estimatedValue", val, cur).await?;
        }
        (Some(_), None) => v.push(Violation::new(
            "currencyId",
            Rule::Required,
            "an estimated value needs a currency",
        )),
        (None, Some(cur)) => {
            v.check(refs::usable(db, company_id, Table::Currency, cur, "currencyId").await?);
        }
        (None, None) => {}
    }
    v.finish()?;
    let (Some(subject), Some(resp)) = (subject, resp) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let number = number_for::<lead::Entity>(
        db,
        company_id,
        SequenceKind::Lead,
        i.number.as_deref(),
        (lead::Column::CompanyId, lead::Column::Number),
        "lead",
    )
    .await?;
    let now = Utc::now();
    Ok(lead::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        party_id: Set(i.party_id),
        subject: Set(subject),
        source: Set(i.source),
        campaign_id: Set(i.campaign_id),
        responsible: Set(resp),
        estimated_value: Set(value),
        currency_id: Set(i.currency_id),
        status: Set(LeadStatus::Open),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Patch of an open or postponed lead.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    /// Subject.
    pub subject: Option<String>,
    /// Responsible.
    pub responsible: Option<Option<String>>,
}

/// Changes an open or postponed lead.
pub async fn update_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: LeadPatch,
) -> ServiceResult<lead::Model> {
    let row = lock_lead(db, company_id, id).await?;
    if matches!(row.status, LeadStatus::Qualified | LeadStatus::Disqualified) {
        return Err(illegal(
            "id",
            format!(
                "lead {} is {} and read-only",
                row.number,
                row.status.as_str()
            ),
        ));
    }
    let mut v = Violations::new();
    let subject = p
        .subject
        .as_deref()
        .map(|s| v.check(validate::name("subject", s, validate::MAX_NAME)));
    let resp = p
        .responsible
        .as_ref()
        .map(|r| v.check(validate::opt_code("responsible", r.as_deref())));
    v.finish()?;
    let mut am: lead::ActiveModel = row.into();
    if let Some(Some(s)) = subject {
        am.subject = Set(s);
    }
    if let Some(Some(r)) = resp {
        am.responsible = Set(r);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

fn reason(r: Option<&str>, required: bool) -> ServiceResult<Option<String>> {
    let r = validate::opt_text("reason", r, validate::MAX_NAME)?;
    if required && r.is_none() {
        return Err(invalid("reason", Rule::ReasonRequired, "give a reason"));
    }
    Ok(r)
}

async fn move_lead(
    db: &impl ConnectionTrait,
    row: lead::Model,
    to: LeadStatus,
    reason: Option<String>,
) -> ServiceResult<lead::Model> {
    use LeadStatus::*;
    let ok = matches!(
        (row.status, to),
        (Open, Qualified)
            | (Open, Disqualified)
            | (Open, Postponed)
            | (Postponed, Open)
            | (Postponed, Disqualified)
    );
    if !ok {
        return Err(illegal(
            "id",
            format!(
                "lead {} is {} and cannot become {}",
                row.number,
                row.status.as_str(),
                to.as_str()
            ),
        ));
    }
    let mut am: lead::ActiveModel = row.into();
    am.status = Set(to);
    if reason.is_some() || to == Open {
        am.status_reason = Set(reason);
    }
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Disqualifies an open or postponed lead; needs a reason.
pub async fn disqualify_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    r: Option<String>,
) -> ServiceResult<lead::Model> {
    let row = lock_lead(db, company_id, id).await?;
    let r = reason(r.as_deref(), true)?;
    move_lead(db, row, LeadStatus::Disqualified, r).await
}

/// Postpones an open lead.
pub async fn postpone_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    r: Option<String>,
) -> ServiceResult<lead::Model> {
    let row = lock_lead(db, company_id, id).await?;
    let r = reason(r.as_deref(), false)?;
    move_lead(db, row, LeadStatus::Postponed, r).await
}

/// Reopens a postponed lead.
pub async fn reactivate_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<lead::Model> {
    let row = lock_lead(db, company_id, id).await?;
    move_lead(db, row, LeadStatus::Open, None).await
}

/// What qualifying a lead creates.
#[derive(Debug, Clone, Default)]
pub struct Qualification {
    /// Why it is qualified.
    pub reason: Option<String>,
    /// Create an opportunity (party, lead and campaign come from the lead).
    pub opportunity: Option<NewOpportunity>,
    /// Create a customer on the lead's party (converting its prospect, if any).
    pub customer: Option<NewCustomer>,
}

/// What [`qualify_lead`] produced.
#[derive(Debug, Clone)]
pub struct Qualified {
    /// The lead, now qualified.
    pub lead: lead::Model,
    /// The opportunity, when asked for.
    pub opportunity: Option<opportunity::Model>,
    /// The customer, when asked for.
    pub customer: Option<customer::Model>,
}

/// Qualifies an open lead, creating an opportunity and/or a customer in the same transaction.
pub async fn qualify_lead(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    q: Qualification,
) -> ServiceResult<Qualified> {
    let row = lock_lead(db, company_id, id).await?;
    let r = reason(q.reason.as_deref(), false)?;
    let party_id = row.party_id;
    let lead_id = row.id;
    let campaign_id = row.campaign_id;
    let lead = move_lead(db, row, LeadStatus::Qualified, r).await?;
    let customer = match q.customer {
        None => None,
        Some(c) => {
            let existing = customer::Entity::find()
                .filter(customer::Column::PartyId.eq(party_id))
                .one(db)
                .await?;
            if existing.is_some() {
                return Err(illegal(
                    "customer",
                    "the lead's party is already a customer",
                ));
            }
            let pros = prospect::Entity::find()
                .filter(prospect::Column::PartyId.eq(party_id))
                .filter(prospect::Column::Status.eq(ProspectStatus::Active))
                .one(db)
                .await?;
            Some(match pros {
                Some(p) => super::convert_prospect(db, company_id, p.id, c).await?.1,
                None => prefixed(
                    parties::create_customer_on(db, company_id, c, Some(party_id)).await,
                    "customer.",
                )?,
            })
        }
    };
    let opportunity = match q.opportunity {
        None => None,
        Some(o) => Some(prefixed(
            create_opportunity(
                db,
                company_id,
                NewOpportunity {
                    party_id,
                    lead_id: Some(lead_id),
                    campaign_id,
                    ..o
                },
            )
            .await,
            "opportunity.",
        )?),
    };
    Ok(Qualified {
        lead,
        opportunity,
        customer,
    })
}

/// Which leads a list shows.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// Part of the number or subject.
    pub search: Option<String>,
    /// Status.
    pub status: Option<LeadStatus>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Party.
    pub party_id: Option<i64>,
    /// Responsible.
    pub responsible: Option<String>,
}

fn lead_query(company_id: i64, f: &LeadFilter) -> Select<lead::Entity> {
    let mut q = lead::Entity::find().filter(lead::Column::CompanyId.eq(company_id));
    if let Some(c) = super::search_any(
        f.search.as_deref(),
        &[lead::Column::Number, lead::Column::Subject],
    ) {
        q = q.filter(c);
    }
    if let Some(s) = f.status {
        q = q.filter(lead::Column::Status.eq(s));
    }
    if let Some(c) = f.campaign_id {
        q = q.filter(lead::Column::CampaignId.eq(c));
    }
    if let Some(p) = f.party_id {
        q = q.filter(lead::Column::PartyId.eq(p));
    }
    if let Some(r) = &f.responsible {
        q = q.filter(lead::Column::Responsible.eq(r.as_str()));
    }
    q
}

/// Sort of the lead list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadSort {
    /// Number, in numeric order.
    #[default]
    Number,
    /// Creation.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One page of leads in the given order, the id breaking ties.
pub async fn list_leads(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &LeadFilter,
    sort: LeadSort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<lead::Model>> {
    use super::SortKey;
    use lead::Column as C;
    let key = match sort {
        LeadSort::Number => SortKey::Number(C::Number),
        LeadSort::CreatedAt => SortKey::Time(C::CreatedAt),
        LeadSort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    super::page_sorted(db, lead_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of leads matching the filter.
pub async fn count_leads(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &LeadFilter,
) -> ServiceResult<u64> {
    Ok(lead_query(company_id, f).count(db).await?)
}

// ---------------------------------------------------------------- sales cycles

/// A stage of a new sales cycle.
#[derive(Debug, Clone)]
pub struct NewStage {
    /// Name.
    pub name: String,
    /// How far the sale is when this stage is reached, in percent.
    pub completed_percent: Decimal,
    /// Chance of success at this stage, in percent; becomes the opportunity's probability.
    pub chance_percent: Decimal,
    /// A quotation is needed in this stage.
    pub quote_required: bool,
    /// The stage may be skipped.
    pub allow_skip: bool,
}

/// Creates a sales cycle with its stages (positions 1, 2, … in the order given).
pub async fn create_sales_cycle(
    db: &impl ConnectionTrait,
    company_id: i64,
    code: String,
    name: String,
    stages: Vec<NewStage>,
) -> ServiceResult<(sales_cycle::Model, Vec<sales_cycle_stage::Model>)> {
    let mut v = Violations::new();
    let code = v.check(validate::code("code", &code));
    let name = v.check(validate::name("name", &name, validate::MAX_NAME));
    if stages.is_empty() {
        v.push(Violation::new(
            "stages",
            Rule::Required,
            "a sales cycle needs at least one stage",
        ));
    }
    let mut checked = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        let f = |x: &str| format!("stages.{i}.{x}");
        let n = v.check(validate::name(&f("name"), &s.name, validate::MAX_NAME));
        let c = v.check(validate::percent(
            &f("completedPercent"),
            s.completed_percent,
        ));
        let ch = v.check(validate::percent(&f("chancePercent"), s.chance_percent));
        checked.push((n, c, ch));
    }
    if let Some(c) = &code
        && sales_cycle::Entity::find()
            .filter(sales_cycle::Column::CompanyId.eq(company_id))
            .filter(sales_cycle::Column::Code.eq(c.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        v.push(Violation::new(
            "code",
            Rule::Duplicate,
            format!("sales cycle {c} already exists"),
        ));
    }
    v.finish()?;
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    let cycle = sales_cycle::ActiveModel {
        company_id: Set(company_id),
        code: Set(code),
        name: Set(name),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut out = Vec::new();
    for (i, (s, (n, c, ch))) in stages.into_iter().zip(checked).enumerate() {
        let (Some(n), Some(c), Some(ch)) = (n, c, ch) else {
            return Err(ServiceError::Invalid(vec![]));
        };
        out.push(
            sales_cycle_stage::ActiveModel {
                company_id: Set(company_id),
                sales_cycle_id: Set(cycle.id),
                position: Set(i as i32 + 1),
                name: Set(n),
                completed_percent: Set(c),
                chance_percent: Set(ch),
                quote_required: Set(s.quote_required),
                allow_skip: Set(s.allow_skip),
                ..Default::default()
            }
            .insert(db)
            .await?,
        );
    }
    Ok((cycle, out))
}

/// The stages of sales cycles, in position order (one statement for many cycles).
pub async fn stages_of(
    db: &impl ConnectionTrait,
    cycle_ids: &[i64],
) -> ServiceResult<Vec<sales_cycle_stage::Model>> {
    Ok(sales_cycle_stage::Entity::find()
        .filter(sales_cycle_stage::Column::SalesCycleId.is_in(cycle_ids.iter().copied()))
        .order_by_asc(sales_cycle_stage::Column::SalesCycleId)
        .order_by_asc(sales_cycle_stage::Column::Position)
        .all(db)
        .await?)
}

/// The company's sales cycles by code.
pub async fn list_sales_cycles(
    db: &impl ConnectionTrait,
    company_id: i64,
) -> ServiceResult<Vec<sales_cycle::Model>> {
    Ok(sales_cycle::Entity::find()
        .filter(sales_cycle::Column::CompanyId.eq(company_id))
        .order_by_asc(sales_cycle::Column::Code)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- opportunities

/// One opportunity of the company.
pub async fn get_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<opportunity::Model> {
    get_row::<opportunity::Entity>(
        db,
        opportunity::Column::CompanyId,
        opportunity::Column::Id,
        company_id,
        id,
        "opportunity",
    )
    .await
}

/// [`get_opportunity`], locked until the transaction ends: for services that change it.
pub(crate) async fn lock_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<opportunity::Model> {
    super::lock_row::<opportunity::Entity>(
        db,
        opportunity::Column::CompanyId,
        opportunity::Column::Id,
        company_id,
        id,
        "opportunity",
    )
    .await
}

/// Input of [`create_opportunity`].
#[derive(Debug, Clone, Default)]
pub struct NewOpportunity {
    /// Number; drawn from the opportunity sequence when absent.
    pub number: Option<String>,
    /// The party (set from the lead or target when generated).
    pub party_id: i64,
    /// What it is about.
    pub subject: String,
    /// The lead it came from.
    pub lead_id: Option<i64>,
    /// The campaign it is attributed to.
    pub campaign_id: Option<i64>,
    /// Salesperson code.
    pub salesperson: Option<String>,
    /// Sales cycle; the opportunity starts at its first stage.
    pub sales_cycle_id: Option<i64>,
    /// Chance of success in percent; the first stage's chance when left out with a cycle, else 0.
    pub probability_percent: Option<Decimal>,
    /// Estimated value.
    pub estimated_value: Decimal,
    /// Currency of the value.
    pub currency_id: i64,
    /// Expected close date.
    pub expected_close_date: Option<NaiveDate>,
}

/// `estimated × probability / 100`, rounded to the currency's precision (half away from zero).
pub fn weighted(estimated: Decimal, probability: Decimal, step: Decimal) -> Decimal {
    round_to(
        estimated * probability / Decimal::ONE_HUNDRED,
        step,
        RoundingMode::Nearest,
    )
}

async fn stage(
    db: &impl ConnectionTrait,
    cycle: i64,
    position: i32,
) -> ServiceResult<Option<sales_cycle_stage::Model>> {
    Ok(sales_cycle_stage::Entity::find()
        .filter(sales_cycle_stage::Column::SalesCycleId.eq(cycle))
        .filter(sales_cycle_stage::Column::Position.eq(position))
        .one(db)
        .await?)
}

/// Creates an open opportunity.
pub async fn create_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewOpportunity,
) -> ServiceResult<opportunity::Model> {
    let mut v = Violations::new();
    let subject = v.check(validate::name("subject", &i.subject, validate::MAX_NAME));
    let sp = v.check(validate::opt_code("salesperson", i.salesperson.as_deref()));
    party_ref(db, &mut v, company_id, i.party_id).await?;
    campaign_ref(db, &mut v, company_id, i.campaign_id).await?;
    if let Some(l) = i.lead_id
        && let Err(ServiceError::NotFound(_)) = get_lead(db, company_id, l).await
    {
        v.push(Violation::new("leadId", Rule::NotFound, "lead not found"));
    }
    v.check(refs::usable(db, company_id, Table::Currency, i.currency_id, "currencyId").await?);
    let value = money_in(
        db,
        &mut v,
        company_id,
        "estimatedValue",
        i.estimated_value,
        i.currency_id,
    )
    .await?;
    let mut first_stage = None;
    if let Some(c) = i.sales_cycle_id {
        match get_row::<sales_cycle::Entity>(
            db,
            sales_cycle::Column::CompanyId,
            sales_cycle::Column::Id,
            company_id,
            c,
            "sales cycle",
        )
        .await
        {
            Ok(_) => first_stage = stage(db, c, 1).await?,
            Err(ServiceError::NotFound(_)) => v.push(Violation::new(
                "salesCycleId",
                Rule::NotFound,
                "sales cycle not found",
            )),
            Err(e) => return Err(e),
        }
    }
    let prob = match i.probability_percent {
        Some(p) => v.check(validate::percent("probabilityPercent", p)),
        None => Some(
            first_stage
                .as_ref()
                .map(|s| s.chance_percent)
                .unwrap_or(Rate::ZERO),
        ),
    };
    v.finish()?;
    let (Some(subject), Some(sp), Some(value), Some(prob)) = (subject, sp, value, prob) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let cur = setup::get_currency(db, company_id, i.currency_id).await?;
    let w = Amount::new(weighted(
        value.value(),
        prob.value(),
        cur.amount_precision.value(),
    ))
    .map_err(|_| {
        invalid(
            "estimatedValue",
            Rule::OutOfRange,
            "estimatedValue is too large",
        )
    })?;
    let number = number_for::<opportunity::Entity>(
        db,
        company_id,
        SequenceKind::Opportunity,
        i.number.as_deref(),
        (opportunity::Column::CompanyId, opportunity::Column::Number),
        "opportunity",
    )
    .await?;
    let now = Utc::now();
    Ok(opportunity::ActiveModel {
        company_id: Set(company_id),
        number: Set(number),
        party_id: Set(i.party_id),
        subject: Set(subject),
        lead_id: Set(i.lead_id),
        campaign_id: Set(i.campaign_id),
        salesperson: Set(sp),
        sales_cycle_id: Set(i.sales_cycle_id),
        stage_position: Set(first_stage.map(|s| s.position)),
        probability_percent: Set(prob),
        estimated_value: Set(value),
        weighted_value: Set(w),
        currency_id: Set(i.currency_id),
        expected_close_date: Set(i.expected_close_date),
        status: Set(OpportunityStatus::Open),
        close_reason: Set(None),
        closed_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

fn open_only(o: &opportunity::Model) -> ServiceResult<()> {
    if o.status != OpportunityStatus::Open {
        return Err(illegal(
            "id",
            format!(
                "opportunity {} is {} and read-only",
                o.number,
                o.status.as_str()
            ),
        ));
    }
    Ok(())
}

async fn reweigh(
    db: &impl ConnectionTrait,
    company_id: i64,
    mut am: opportunity::ActiveModel,
    currency_id: i64,
    value: Amount,
    prob: Rate,
) -> ServiceResult<opportunity::Model> {
    let cur = setup::get_currency(db, company_id, currency_id).await?;
    let w = Amount::new(weighted(
        value.value(),
        prob.value(),
        cur.amount_precision.value(),
    ))
    .map_err(|_| {
        invalid(
            "estimatedValue",
            Rule::OutOfRange,
            "estimatedValue is too large",
        )
    })?;
    am.weighted_value = Set(w);
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Patch of an open opportunity ("Update": values only, the stage stays).
#[derive(Debug, Clone, Default)]
pub struct OpportunityPatch {
    /// Subject.
    pub subject: Option<String>,
    /// Salesperson.
    pub salesperson: Option<Option<String>>,
    /// Estimated value in the opportunity's currency.
    pub estimated_value: Option<Decimal>,
    /// Probability in percent.
    pub probability_percent: Option<Decimal>,
    /// Expected close date.
    pub expected_close_date: Option<Option<NaiveDate>>,
}

/// Changes an open opportunity's values.
pub async fn update_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    p: OpportunityPatch,
) -> ServiceResult<opportunity::Model> {
    let row = lock_opportunity(db, company_id, id).await?;
    open_only(&row)?;
    let mut v = Violations::new();
    let subject = p
        .subject
        .as_deref()
        .map(|s| v.check(validate::name("subject", s, validate::MAX_NAME)));
    let sp = p
        .salesperson
        .as_ref()
        .map(|s| v.check(validate::opt_code("salesperson", s.as_deref())));
    let value = match p.estimated_value {
        Some(x) => money_in(db, &mut v, company_id, "estimatedValue", x, row.currency_id).await?,
        None => Some(row.estimated_value),
    };
    let prob = match p.probability_percent {
        Some(x) => v.check(validate::percent("probabilityPercent", x)),
        None => Some(row.probability_percent),
    };
    v.finish()?;
    let (Some(value), Some(prob)) = (value, prob) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let cur = row.currency_id;
    let mut am: opportunity::ActiveModel = row.into();
    if let Some(Some(s)) = subject {
        am.subject = Set(s);
    }
    if let Some(Some(s)) = sp {
        am.salesperson = Set(s);
    }
    if let Some(d) = p.expected_close_date {
        am.expected_close_date = Set(d);
    }
    am.estimated_value = Set(value);
    am.probability_percent = Set(prob);
    reweigh(db, company_id, am, cur, value, prob).await
}

/// A move through the sales cycle (BC: Next, Previous, Skip n, Jump back n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageMove {
    /// To the next stage.
    Next,
    /// To the previous stage.
    Previous,
    /// Forward over `n` stages, each of which must allow skipping.
    Skip(i32),
    /// Back `n` stages.
    JumpBack(i32),
}

/// Moves an open opportunity through its sales cycle; its probability becomes the new stage's
/// chance of success.
pub async fn move_stage(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    m: StageMove,
) -> ServiceResult<opportunity::Model> {
    let row = lock_opportunity(db, company_id, id).await?;
    open_only(&row)?;
    let (Some(cycle), Some(pos)) = (row.sales_cycle_id, row.stage_position) else {
        return Err(illegal(
            "id",
            format!("opportunity {} has no sales cycle", row.number),
        ));
    };
    let target = match m {
        StageMove::Next => pos + 1,
        StageMove::Previous => pos - 1,
        StageMove::Skip(n) if n >= 1 => pos + n + 1,
        StageMove::JumpBack(n) if n >= 1 => pos - n,
        _ => {
            return Err(invalid(
                "count",
                Rule::OutOfRange,
                "count must be at least 1",
            ));
        }
    };
    if let StageMove::Skip(n) = m {
        for p in pos + 1..=pos + n {
            match stage(db, cycle, p).await? {
                Some(s) if s.allow_skip => {}
                Some(s) => {
                    return Err(invalid(
                        "count",
                        Rule::StageNotSkippable,
                        format!("stage {} ({}) may not be skipped", s.position, s.name),
                    ));
                }
                None => break,
            }
        }
    }
    let Some(st) = stage(db, cycle, target).await? else {
        return Err(invalid(
            "count",
            Rule::StageNotSkippable,
            format!("the sales cycle has no stage {target}"),
        ));
    };
    let (cur, value) = (row.currency_id, row.estimated_value);
    let mut am: opportunity::ActiveModel = row.into();
    am.stage_position = Set(Some(st.position));
    am.probability_percent = Set(st.chance_percent);
    reweigh(db, company_id, am, cur, value, st.chance_percent).await
}

/// Closes an open opportunity as won, lost or canceled; needs a reason.
pub async fn close_opportunity(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
    to: OpportunityStatus,
    r: Option<String>,
    on: Option<NaiveDate>,
) -> ServiceResult<opportunity::Model> {
    let row = lock_opportunity(db, company_id, id).await?;
    open_only(&row)?;
    if to == OpportunityStatus::Open {
        return Err(invalid(
            "status",
            Rule::InvalidValue,
            "close as won, lost or canceled",
        ));
    }
    let r = reason(r.as_deref(), true)?;
    let mut am: opportunity::ActiveModel = row.into();
    am.status = Set(to);
    am.close_reason = Set(r);
    am.closed_on = Set(Some(on.unwrap_or_else(|| Utc::now().date_naive())));
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}

/// Which opportunities a list shows.
#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    /// Part of the number or subject.
    pub search: Option<String>,
    /// Status.
    pub status: Option<OpportunityStatus>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Party.
    pub party_id: Option<i64>,
    /// Salesperson.
    pub salesperson: Option<String>,
}

fn opportunity_query(company_id: i64, f: &OpportunityFilter) -> Select<opportunity::Entity> {
    let mut q = opportunity::Entity::find().filter(opportunity::Column::CompanyId.eq(company_id));
    if let Some(c) = super::search_any(
        f.search.as_deref(),
        &[opportunity::Column::Number, opportunity::Column::Subject],
    ) {
        q = q.filter(c);
    }
    if let Some(s) = f.status {
        q = q.filter(opportunity::Column::Status.eq(s));
    }
    if let Some(c) = f.campaign_id {
        q = q.filter(opportunity::Column::CampaignId.eq(c));
    }
    if let Some(p) = f.party_id {
        q = q.filter(opportunity::Column::PartyId.eq(p));
    }
    if let Some(s) = &f.salesperson {
        q = q.filter(opportunity::Column::Salesperson.eq(s.as_str()));
    }
    q
}

/// Sort of the opportunity list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpportunitySort {
    /// Number, in numeric order.
    #[default]
    Number,
    /// Expected close date (opportunities without one last ascending).
    ExpectedCloseDate,
    /// Estimated value.
    EstimatedValue,
    /// Weighted value (estimated value × probability).
    WeightedValue,
    /// Creation.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One page of opportunitys in the given order, the id breaking ties.
pub async fn list_opportunities(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &OpportunityFilter,
    sort: OpportunitySort,
    desc: bool,
    args: &PageArgs,
) -> ServiceResult<Page<opportunity::Model>> {
    use super::SortKey;
    use opportunity::Column as C;
    let key = match sort {
        OpportunitySort::Number => SortKey::Number(C::Number),
        OpportunitySort::ExpectedCloseDate => SortKey::DateOrLast(C::ExpectedCloseDate),
        OpportunitySort::EstimatedValue => SortKey::Int(C::EstimatedValue),
        OpportunitySort::WeightedValue => SortKey::Int(C::WeightedValue),
        OpportunitySort::CreatedAt => SortKey::Time(C::CreatedAt),
        OpportunitySort::UpdatedAt => SortKey::Time(C::UpdatedAt),
    };
    super::page_sorted(db, opportunity_query(company_id, f), key, C::Id, desc, args).await
}

/// Number of opportunities matching the filter.
pub async fn count_opportunities(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &OpportunityFilter,
) -> ServiceResult<u64> {
    Ok(opportunity_query(company_id, f).count(db).await?)
}
