//! Campaign statistics (the funnel: targets → responses → leads → opportunities → won) and the
//! opportunity pipeline by stage. Both are grouped aggregates: a fixed number of statements for
//! any number of campaigns.

use crate::error::ServiceResult;
use crate::money::{Amount, Rate, RoundingMode, round_to};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::{BTreeMap, HashMap};

/// Figures of one campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignStats {
    /// Targets.
    pub targets: i64,
    /// Targets the campaign was sent to.
    pub sent: i64,
    /// Positive responses.
    pub positive: i64,
    /// Negative responses.
    pub negative: i64,
    /// Targets contacted without an answer.
    pub no_response: i64,
    /// Targets with nothing recorded yet.
    pub unanswered: i64,
    /// Leads attributed to the campaign.
    pub leads: i64,
    /// Opportunities attributed to the campaign.
    pub opportunities: i64,
    /// Of those, still open.
    pub open_opportunities: i64,
    /// Of those, won.
    pub won: i64,
    /// Of those, lost.
    pub lost: i64,
    /// Estimated value of the won opportunities per currency id.
    pub won_value: BTreeMap<i64, Decimal>,
    /// Interactions logged for the campaign.
    pub interactions: i64,
    /// Their cost (base currency).
    pub interaction_cost: Decimal,
    /// The campaign's own cost (base currency).
    pub fixed_cost: Decimal,
}

impl CampaignStats {
    /// Fixed cost plus interaction costs.
    pub fn total_cost(&self) -> Decimal {
        self.fixed_cost + self.interaction_cost
    }
    /// Total cost divided by won opportunities, rounded to `step`; `None` when nothing was won.
    pub fn cost_per_won(&self, step: Decimal) -> Option<Decimal> {
        (self.won > 0).then(|| {
            round_to(
                self.total_cost() / Decimal::from(self.won),
                step,
                RoundingMode::Nearest,
            )
        })
    }
    /// Positive responses per target in percent, rounded to 2 places; `None` without targets.
    pub fn response_rate(&self) -> Option<Decimal> {
        (self.targets > 0).then(|| {
            round_to(
                Decimal::from(self.positive * 100) / Decimal::from(self.targets),
                Decimal::new(1, 2),
                RoundingMode::Nearest,
            )
        })
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

#[derive(FromQueryResult)]
struct TargetRow {
    campaign_id: i64,
    response: String,
    n: i64,
    sent: i64,
}
#[derive(FromQueryResult)]
struct CountRow {
    campaign_id: i64,
    n: i64,
    total: Option<i64>,
}
#[derive(FromQueryResult)]
struct OppRow {
    campaign_id: i64,
    status: String,
    currency_id: i64,
    n: i64,
    total: Option<i64>,
}
#[derive(FromQueryResult)]
struct CostRow {
    id: i64,
    cost: i64,
}

/// Statistics of campaigns: five grouped statements whatever the number of campaigns.
pub async fn campaign_stats(
    db: &impl ConnectionTrait,
    campaign_ids: &[i64],
) -> ServiceResult<HashMap<i64, CampaignStats>> {
    let mut out: HashMap<i64, CampaignStats> = campaign_ids
        .iter()
        .map(|id| (*id, CampaignStats::default()))
        .collect();
    if campaign_ids.is_empty() {
        return Ok(out);
    }
    let b = db.get_database_backend();
    let ph = placeholders(campaign_ids.len());
    let ids: Vec<Value> = campaign_ids.iter().map(|i| (*i).into()).collect();
    let q = |sql: String| crate::db::sql(b, &sql, ids.clone());

    let rows = TargetRow::find_by_statement(q(format!(
        "SELECT campaign_id, response, COUNT(*) AS n, COUNT(sent_on) AS sent FROM campaign_targets \
         WHERE campaign_id IN ({ph}) GROUP BY campaign_id, response"
    )))
    .all(db)
    .await?;
    for r in rows {
        let s = out.entry(r.campaign_id).or_default();
        s.targets += r.n;
        s.sent += r.sent;
        match r.response.as_str() {
            "positive" => s.positive += r.n,
            "negative" => s.negative += r.n,
            "no_response" => s.no_response += r.n,
            _ => s.unanswered += r.n,
        }
    }
    let rows = CountRow::find_by_statement(q(format!(
        "SELECT campaign_id, COUNT(*) AS n, CAST(NULL AS BIGINT) AS total FROM leads \
         WHERE campaign_id IN ({ph}) GROUP BY campaign_id"
    )))
    .all(db)
    .await?;
    for r in rows {
        out.entry(r.campaign_id).or_default().leads = r.n;
    }
    let rows = OppRow::find_by_statement(q(format!(
        "SELECT campaign_id, status, currency_id, COUNT(*) AS n, CAST(SUM(estimated_value) AS BIGINT) AS total \
         FROM opportunities WHERE campaign_id IN ({ph}) GROUP BY campaign_id, status, currency_id"
    )))
    .all(db)
    .await?;
    for r in rows {
        let s = out.entry(r.campaign_id).or_default();
        s.opportunities += r.n;
        match r.status.as_str() {
            "open" => s.open_opportunities += r.n,
            "won" => {
                s.won += r.n;
                *s.won_value.entry(r.currency_id).or_default() +=
                    Amount::from_raw(r.total.unwrap_or(0)).value();
            }
            "lost" => s.lost += r.n,
            _ => {}
        }
    }
    let rows = CountRow::find_by_statement(q(format!(
        "SELECT campaign_id, COUNT(*) AS n, CAST(SUM(cost) AS BIGINT) AS total FROM interactions \
         WHERE campaign_id IN ({ph}) GROUP BY campaign_id"
    )))
    .all(db)
    .await?;
    for r in rows {
        let s = out.entry(r.campaign_id).or_default();
        s.interactions = r.n;
        s.interaction_cost = Amount::from_raw(r.total.unwrap_or(0)).value();
    }
    let rows = CostRow::find_by_statement(q(format!(
        "SELECT id, cost FROM campaigns WHERE id IN ({ph})"
    )))
    .all(db)
    .await?;
    for r in rows {
        out.entry(r.id).or_default().fixed_cost = Amount::from_raw(r.cost).value();
    }
    Ok(out)
}

/// One row of the pipeline: open opportunities of one stage in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineRow {
    /// Sales cycle (none for opportunities without one).
    pub sales_cycle_id: Option<i64>,
    /// Stage position.
    pub stage_position: Option<i32>,
    /// Stage name.
    pub stage_name: Option<String>,
    /// Stage completion in percent.
    pub completed_percent: Option<Decimal>,
    /// Currency id.
    pub currency_id: i64,
    /// Number of open opportunities.
    pub count: i64,
    /// Σ estimated value.
    pub value: Decimal,
    /// Σ weighted value (each rounded to the currency when it was computed).
    pub weighted_value: Decimal,
}

#[derive(FromQueryResult)]
struct PipeRow {
    sales_cycle_id: Option<i64>,
    stage_position: Option<i32>,
    stage_name: Option<String>,
    completed_percent: Option<i64>,
    currency_id: i64,
    n: i64,
    total: Option<i64>,
    weighted: Option<i64>,
}

/// Which opportunities the pipeline counts (always only open ones).
#[derive(Debug, Clone, Default)]
pub struct PipelineFilter {
    /// Salesperson.
    pub salesperson: Option<String>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Expected to close on or before.
    pub closing_by: Option<NaiveDate>,
}

/// The pipeline of open opportunities by sales cycle, stage and currency: one statement.
pub async fn pipeline(
    db: &impl ConnectionTrait,
    company_id: i64,
    f: &PipelineFilter,
) -> ServiceResult<Vec<PipelineRow>> {
    let mut sql = String::from(
        "SELECT o.sales_cycle_id, o.stage_position, s.name AS stage_name, s.completed_percent, o.currency_id, \
         COUNT(*) AS n, CAST(SUM(o.estimated_value) AS BIGINT) AS total, CAST(SUM(o.weighted_value) AS BIGINT) AS weighted \
         FROM opportunities o LEFT JOIN sales_cycle_stages s ON s.sales_cycle_id = o.sales_cycle_id AND s.position = o.stage_position \
         WHERE o.company_id = ? AND o.status = 'open'",
    );
    let mut vals: Vec<Value> = vec![company_id.into()];
    if let Some(sp) = &f.salesperson {
        sql.push_str(" AND o.salesperson = ?");
        vals.push(sp.as_str().into());
    }
    if let Some(c) = f.campaign_id {
        sql.push_str(" AND o.campaign_id = ?");
        vals.push(c.into());
    }
    if let Some(d) = f.closing_by {
        sql.push_str(" AND o.expected_close_date <= ?");
        vals.push(d.into());
    }
    sql.push_str(
        " GROUP BY o.sales_cycle_id, o.stage_position, s.name, s.completed_percent, o.currency_id \
         ORDER BY o.sales_cycle_id, o.stage_position, o.currency_id",
    );
    let rows = PipeRow::find_by_statement(crate::db::sql(db.get_database_backend(), &sql, vals))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| PipelineRow {
            sales_cycle_id: r.sales_cycle_id,
            stage_position: r.stage_position,
            stage_name: r.stage_name,
            completed_percent: r.completed_percent.map(|p| Rate::from_raw(p).value()),
            currency_id: r.currency_id,
            count: r.n,
            value: Amount::from_raw(r.total.unwrap_or(0)).value(),
            weighted_value: Amount::from_raw(r.weighted.unwrap_or(0)).value(),
        })
        .collect())
}
