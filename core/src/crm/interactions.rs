//! The interaction log: every touch with a party, and the follow-ups still to do.

use super::campaigns::base_amount;
use super::{Direction, InteractionKind, illegal, interaction, page_by_id};
use crate::error::{Rule, ServiceError, ServiceResult, Violation, Violations};
use crate::paging::{Page, PageArgs};
use crate::parties::{self, contact_person};
use crate::setup::base_currency;
use crate::validate;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, ConnectionTrait, QueryOrder, QuerySelect};

/// Input of [`log_interaction`].
#[derive(Debug, Clone)]
pub struct NewInteraction {
    /// The party (for a contact person: its own person party or its organisation).
    pub party_id: i64,
    /// The contact person spoken to.
    pub contact_person_id: Option<i64>,
    /// The campaign it belongs to.
    pub campaign_id: Option<i64>,
    /// The lead it is about.
    pub lead_id: Option<i64>,
    /// The opportunity it is about.
    pub opportunity_id: Option<i64>,
    /// E-mail, call, letter, meeting, document.
    pub kind: InteractionKind,
    /// Inbound or outbound.
    pub direction: Direction,
    /// What it was about.
    pub subject: String,
    /// When; now by default.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Salesperson code.
    pub salesperson: Option<String>,
    /// Cost in the base currency.
    pub cost: Decimal,
    /// Minutes spent.
    pub duration_minutes: i32,
    /// When to follow up.
    pub follow_up_on: Option<NaiveDate>,
}

/// Logs an interaction.
pub async fn log_interaction(
    db: &impl ConnectionTrait,
    company_id: i64,
    i: NewInteraction,
) -> ServiceResult<interaction::Model> {
    let step = base_currency(db, company_id)
        .await?
        .amount_precision
        .value();
    let mut v = Violations::new();
    let subject = v.check(validate::name("subject", &i.subject, validate::MAX_NAME));
    let sp = v.check(validate::opt_code("salesperson", i.salesperson.as_deref()));
    let cost = base_amount(&mut v, "cost", i.cost, step);
    if !(0..=100_000).contains(&i.duration_minutes) {
        v.push(Violation::new(
            "durationMinutes",
            Rule::OutOfRange,
            "durationMinutes must be between 0 and 100000",
        ));
    }
    if let Err(ServiceError::NotFound(_)) = parties::get_party(db, company_id, i.party_id).await {
        v.push(Violation::new("partyId", Rule::NotFound, "party not found"));
    }
    if let Some(cp) = i.contact_person_id {
        let found = contact_person::Entity::find_by_id(cp)
            .filter(contact_person::Column::CompanyId.eq(company_id))
            .one(db)
            .await?;
        match found {
            None => v.push(Violation::new(
                "contactPersonId",
                Rule::NotFound,
                "contact person not found",
            )),
            Some(c) if c.party_id != i.party_id && c.employer_party_id != i.party_id => {
                v.push(Violation::new(
                    "contactPersonId",
                    Rule::InvalidValue,
                    "the contact person does not belong to the party",
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(c) = i.campaign_id
        && let Err(ServiceError::NotFound(_)) = super::get_campaign(db, company_id, c).await
    {
        v.push(Violation::new(
            "campaignId",
            Rule::NotFound,
            "campaign not found",
        ));
    }
    if let Some(l) = i.lead_id
        && let Err(ServiceError::NotFound(_)) = super::get_lead(db, company_id, l).await
    {
        v.push(Violation::new("leadId", Rule::NotFound, "lead not found"));
    }
    if let Some(o) = i.opportunity_id
        && let Err(ServiceError::NotFound(_)) = super::get_opportunity(db, company_id, o).await
    {
        v.push(Violation::new(
            "opportunityId",
            Rule::NotFound,
            "opportunity not found",
        ));
    }
    v.finish()?;
    let (Some(subject), Some(sp), Some(cost)) = (subject, sp, cost) else {
        return Err(ServiceError::Invalid(vec![]));
    };
    let now = Utc::now();
    Ok(interaction::ActiveModel {
        company_id: Set(company_id),
        party_id: Set(i.party_id),
        contact_person_id: Set(i.contact_person_id),
        campaign_id: Set(i.campaign_id),
        lead_id: Set(i.lead_id),
        opportunity_id: Set(i.opportunity_id),
        kind: Set(i.kind),
        direction: Set(i.direction),
        subject: Set(subject),
        occurred_at: Set(i.occurred_at.unwrap_or(now)),
        salesperson: Set(sp),
        cost: Set(cost),
        duration_minutes: Set(i.duration_minutes),
        follow_up_on: Set(i.follow_up_on),
        follow_up_done: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Marks an interaction's follow-up as done.
pub async fn complete_follow_up(
    db: &impl ConnectionTrait,
    company_id: i64,
    id: i64,
) -> ServiceResult<interaction::Model> {
    let row = super::lock_row::<interaction::Entity>(
        db,
        interaction::Column::CompanyId,
        interaction::Column::Id,
        company_id,
        id,
        "interaction",
    )
    .await?;
    if row.follow_up_on.is_none() {
        return Err(illegal("id", "the interaction has no follow-up"));
    }
    if row.follow_up_done {
        return Err(illegal("id", "the follow-up is already done"));
    }
    let mut am: interaction::ActiveModel = row.into();
    am.follow_up_done = Set(true);
    Ok(am.update(db).await?)
}

/// Which interactions a list shows.
#[derive(Debug, Clone, Default)]
pub struct InteractionFilter {
    /// Party.
    pub party_id: Option<i64>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Salesperson.
    pub salesperson: Option<String>,
}

fn interaction_query(company_id: i64, f: &InteractionFilter) -> Select<interaction::Entity> {
    let mut q = interaction::Entity::find().filter(interaction::Column::CompanyId.eq(company_id));
    if let Some(p) = f.party_id {
        q = q.filter(interaction::Column::PartyId.eq(p));
    }
    if let Some(c) = f.campaign_id {
        q = q.filter(interaction::Column::CampaignId.eq(c));
    }
    if let Some(s) = &f.salesperson {
        q = q.filter(interaction::Column::Salesperson.eq(s.as_str()));
    }
    q
}

/// One page of interactions, newest first.
pub async fn list_interactions(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &InteractionFilter,
    args: &PageArgs,
) -> ServiceResult<Page<interaction::Model>> {
    page_by_id(
        db,
        interaction_query(company_id, f),
        interaction::Column::Id,
        true,
        args,
    )
    .await
}

/// Number of interactions matching the filter.
pub async fn count_interactions(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &InteractionFilter,
) -> ServiceResult<u64> {
    Ok(interaction_query(company_id, f).count(db).await?)
}

/// Open follow-ups (not done) of a salesperson, or of everyone, due on or before a date,
/// earliest first; at most `limit`.
pub async fn follow_ups(
    db: &impl ConnectionTrait,
    company_id: i64,
    salesperson: Option<&str>,
    until: Option<NaiveDate>,
    limit: u64,
) -> ServiceResult<Vec<interaction::Model>> {
    let mut q = interaction::Entity::find()
        .filter(interaction::Column::CompanyId.eq(company_id))
        .filter(interaction::Column::FollowUpDone.eq(false))
        .filter(interaction::Column::FollowUpOn.is_not_null());
    if let Some(s) = salesperson {
        q = q.filter(interaction::Column::Salesperson.eq(s));
    }
    if let Some(d) = until {
        q = q.filter(interaction::Column::FollowUpOn.lte(d));
    }
    Ok(q.order_by_asc(interaction::Column::FollowUpOn)
        .order_by_asc(interaction::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
