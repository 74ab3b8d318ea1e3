//! Example promising calculator: **working-day calendar with an order cut-off time**.
//!
//! For every line: the earliest day the warehouse can pick is today, or the next working day
//! when the order comes in after the cut-off time or today is not a working day. Stock is
//! available-to-promise from the earliest date from which on-hand plus scheduled receipts minus
//! scheduled demands (and the quantities promised to earlier lines of the same batch) stay at
//! or above the quantity for good; failing that, after the supply lead time. The ship date is
//! the latest of that date and the requested date, moved to a working day, plus the handling
//! days; delivery adds the transport days. Only working days count.
//!
//! Configuration: `{ "cutoff": "14:00", "closedWeekdays": [6, 7], "holidays": ["2026-12-25"] }`
//! (defaults: 14:00, Saturday and Sunday, none). The company calendar in each request is added.
//! Argument: `{ "ignoreCutoff": true }` to promise as if before the cut-off.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use mercator_plugin_sdk::messages::{
    CalculatorDecl, PromiseBasis, PromisedLine, PromisingLine, PromisingRequest,
};
use mercator_plugin_sdk::{Host, PluginError, PromisingCalculator};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

/// The calculator code.
pub const CODE: &str = "WORKDAY_CUTOFF";

/// The calculator with its configured calendar.
#[derive(Debug)]
pub struct WorkdayCalendar {
    cutoff: NaiveTime,
    closed_weekdays: BTreeSet<u32>,
    holidays: BTreeSet<NaiveDate>,
}

struct Calendar {
    closed: BTreeSet<u32>,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    fn is_working(&self, d: NaiveDate) -> bool {
        !self.closed.contains(&d.weekday().number_from_monday()) && !self.holidays.contains(&d)
    }

    /// The same day if it is a working day, else the next one.
    fn on_or_after(&self, mut d: NaiveDate) -> Result<NaiveDate, PluginError> {
        for _ in 0..3660 {
            if self.is_working(d) {
                return Ok(d);
            }
            d = next(d)?;
        }
        Err(PluginError::Fault(
            "no working day within ten years: check the calendar".into(),
        ))
    }

    /// `n` working days after a working day.
    fn add_working(&self, mut d: NaiveDate, n: i32) -> Result<NaiveDate, PluginError> {
        for _ in 0..n.max(0) {
            d = self.on_or_after(next(d)?)?;
        }
        Ok(d)
    }
}

fn next(d: NaiveDate) -> Result<NaiveDate, PluginError> {
    d.checked_add_days(Days::new(1))
        .ok_or_else(|| PluginError::Fault("date out of range".into()))
}

fn config_error(what: &str) -> String {
    format!("workday calendar configuration: {what}")
}

impl PromisingCalculator for WorkdayCalendar {
    fn declare() -> CalculatorDecl {
        CalculatorDecl {
            code: CODE.into(),
            label: "Working days with order cut-off time".into(),
            arguments_schema: serde_json::json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "ignoreCutoff": {"type": "boolean",
                        "description": "Promise as if the order came in before the cut-off"}
                }
            }),
        }
    }

    fn init(_host: &Host, config: &serde_json::Value) -> Result<Self, String> {
        let cutoff = match config.get("cutoff") {
            None => NaiveTime::from_hms_opt(14, 0, 0).ok_or_else(|| config_error("cutoff"))?,
            Some(v) => v
                .as_str()
                .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok())
                .ok_or_else(|| config_error("cutoff must be \"HH:MM\""))?,
        };
        let closed_weekdays = match config.get("closedWeekdays") {
            None => BTreeSet::from([6, 7]),
            Some(v) => v
                .as_array()
                .ok_or_else(|| config_error("closedWeekdays must be a list of 1 to 7"))?
                .iter()
                .map(|d| {
                    d.as_u64()
                        .filter(|d| (1..=7).contains(d))
                        .map(|d| d as u32)
                        .ok_or_else(|| config_error("closedWeekdays must be a list of 1 to 7"))
                })
                .collect::<Result<_, _>>()?,
        };
        if closed_weekdays.len() == 7 {
            return Err(config_error("every weekday is closed"));
        }
        let holidays = match config.get("holidays") {
            None => BTreeSet::new(),
            Some(v) => v
                .as_array()
                .ok_or_else(|| config_error("holidays must be a list of YYYY-MM-DD dates"))?
                .iter()
                .map(|d| {
                    d.as_str()
                        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                        .ok_or_else(|| config_error("holidays must be a list of YYYY-MM-DD dates"))
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(WorkdayCalendar {
            cutoff,
            closed_weekdays,
            holidays,
        })
    }

    fn promise(&self, req: &PromisingRequest) -> Result<Vec<PromisedLine>, PluginError> {
        let cal = Calendar {
            closed: self
                .closed_weekdays
                .iter()
                .chain(req.calendar.closed_weekdays.iter())
                .copied()
                .collect(),
            holidays: self
                .holidays
                .iter()
                .chain(req.calendar.holidays.iter())
                .copied()
                .collect(),
        };
        if cal.closed.len() >= 7 {
            return Err(PluginError::Rejected(vec![
                mercator_plugin_sdk::messages::UserError::new(
                    "CALENDAR_CLOSED",
                    Some("calendar.closedWeekdays"),
                    "every weekday is closed",
                ),
            ]));
        }
        let ignore_cutoff = req
            .arguments
            .get("ignoreCutoff")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let today = req.now.date_naive();
        let after_cutoff = !ignore_cutoff && req.now.time() >= self.cutoff;
        let first_pick = if after_cutoff || !cal.is_working(today) {
            cal.on_or_after(next(today)?)?
        } else {
            today
        };
        // Quantities promised to earlier lines of this batch, per item and warehouse.
        let mut promised: HashMap<(String, Option<String>), Promised> = HashMap::new();
        let mut out = Vec::with_capacity(req.lines.len());
        for (i, line) in req.lines.iter().enumerate() {
            if line.quantity <= Decimal::ZERO {
                return Err(mercator_plugin_sdk::messages::UserError::new(
                    "QUANTITY_NOT_POSITIVE",
                    Some(&format!("lines.{i}.quantity")),
                    format!("line {}: the quantity must be positive", line.line_id),
                )
                .into());
            }
            let key = (line.item_number.clone(), line.warehouse.clone());
            let earlier = promised.entry(key).or_default();
            let (available, basis) = available_from(line, earlier, first_pick, &cal, today)?;
            let start = available.max(line.requested_date).max(first_pick);
            let pick = cal.on_or_after(start)?;
            let ship = cal.add_working(pick, line.lead_times.handling_days)?;
            let delivery = cal.add_working(ship, line.lead_times.transport_days)?;
            earlier.push((ship, line.quantity));
            let note = match (after_cutoff, basis) {
                (true, _) => Some(format!(
                    "ordered after the {} cut-off: picking starts {first_pick}",
                    self.cutoff.format("%H:%M")
                )),
                (false, PromiseBasis::LeadTime) => Some(format!(
                    "not covered by stock or receipts: supply lead time of {} days",
                    line.lead_times.supply_days
                )),
                _ => None,
            };
            out.push(PromisedLine {
                line_id: line.line_id.clone(),
                ship_date: ship,
                delivery_date: delivery,
                basis,
                note,
            });
        }
        Ok(out)
    }
}

/// Quantities promised to earlier lines, by ship date.
type Promised = Vec<(NaiveDate, Decimal)>;

/// The earliest date from which the line's quantity stays available, and how.
fn available_from(
    line: &PromisingLine,
    earlier: &[(NaiveDate, Decimal)],
    first: NaiveDate,
    cal: &Calendar,
    today: NaiveDate,
) -> Result<(NaiveDate, PromiseBasis), PluginError> {
    // Events after `first` change the projected balance; everything up to `first` is netted.
    let mut events: Vec<(NaiveDate, Decimal)> = line
        .scheduled_receipts
        .iter()
        .map(|r| (r.date, r.quantity))
        .chain(line.scheduled_demands.iter().map(|d| (d.date, -d.quantity)))
        .chain(earlier.iter().map(|(d, q)| (*d, -*q)))
        .collect();
    events.sort_by_key(|e| e.0);
    let mut balance = line.on_hand;
    let mut future = Vec::new();
    for (d, q) in events {
        if d <= first {
            balance += q;
        } else {
            future.push((d, q));
        }
    }
    // Candidate dates: `first`, then each event date; a date works if the balance minus the
    // quantity stays >= 0 from that date on.
    let covered_from = |start_idx: usize, start_balance: Decimal| {
        let mut b = start_balance;
        if b < line.quantity {
            return false;
        }
        for (_, q) in &future[start_idx..] {
            b += *q;
            if b < line.quantity {
                return false;
            }
        }
        true
    };
    if covered_from(0, balance) {
        let uses_receipts = line
            .scheduled_receipts
            .iter()
            .any(|r| r.date <= first && r.date > today);
        let basis = if uses_receipts && line.on_hand < line.quantity {
            PromiseBasis::ScheduledReceipt
        } else {
            PromiseBasis::OnHand
        };
        return Ok((first, basis));
    }
    let mut b = balance;
    for (i, (d, q)) in future.iter().enumerate() {
        b += *q;
        if *q > Decimal::ZERO && covered_from(i + 1, b) {
            return Ok((*d, PromiseBasis::ScheduledReceipt));
        }
    }
    let supply = today
        .checked_add_days(Days::new(line.lead_times.supply_days.max(0) as u64))
        .ok_or_else(|| PluginError::Fault("date out of range".into()))?;
    Ok((cal.on_or_after(supply.max(first))?, PromiseBasis::LeadTime))
}

mercator_plugin_sdk::export_plugin! {
    id: "example.workday-calendar",
    version: env!("CARGO_PKG_VERSION"),
    promising_calculators: [WorkdayCalendar],
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use mercator_plugin_sdk::messages::{Calendar as Cal, DatedQuantity, LeadTimes};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn calc() -> WorkdayCalendar {
        WorkdayCalendar::init(
            &Host::default(),
            &serde_json::json!({"cutoff": "14:00", "holidays": ["2026-12-25", "2026-12-28"]}),
        )
        .unwrap()
    }

    fn line(id: &str, qty: Decimal, requested: &str, on_hand: Decimal) -> PromisingLine {
        PromisingLine {
            line_id: id.into(),
            item_number: "ITEM-A".into(),
            quantity: qty,
            requested_date: d(requested),
            warehouse: Some("MAIN".into()),
            on_hand,
            scheduled_receipts: vec![],
            scheduled_demands: vec![],
            lead_times: LeadTimes {
                supply_days: 10,
                handling_days: 1,
                transport_days: 2,
            },
        }
    }

    fn req(now: &str, lines: Vec<PromisingLine>) -> PromisingRequest {
        PromisingRequest {
            v: 1,
            calculator: CODE.into(),
            now: chrono::DateTime::parse_from_rfc3339(now).unwrap(),
            calendar: Cal::default(),
            arguments: serde_json::json!({}),
            lines,
        }
    }

    #[test]
    fn before_cutoff_on_stock() {
        // Tuesday 2026-11-24, 09:00: pick today, ship +1 working day, deliver +2.
        let r = calc()
            .promise(&req(
                "2026-11-24T09:00:00+01:00",
                vec![line("1", Decimal::from(5), "2026-11-24", Decimal::from(10))],
            ))
            .unwrap();
        assert_eq!(r[0].ship_date, d("2026-11-25"));
        assert_eq!(r[0].delivery_date, d("2026-11-27"));
        assert_eq!(r[0].basis, PromiseBasis::OnHand);
        assert_eq!(r[0].note, None);
    }

    #[test]
    fn after_cutoff_on_friday_skips_the_weekend() {
        // Friday 2026-11-27, 15:30: picking Monday 30th, ship Tue 1st, deliver Thu 3rd.
        let r = calc()
            .promise(&req(
                "2026-11-27T15:30:00+01:00",
                vec![line("1", Decimal::from(5), "2026-11-27", Decimal::from(10))],
            ))
            .unwrap();
        assert_eq!(r[0].ship_date, d("2026-12-01"));
        assert_eq!(r[0].delivery_date, d("2026-12-03"));
        assert!(r[0].note.as_deref().unwrap().contains("14:00"));
    }

    #[test]
    fn holidays_are_not_working_days() {
        // Thursday 2026-12-24 10:00: pick 24th, ship: 25th holiday, 26/27 weekend, 28th
        // holiday -> 29th; deliver 30th, 31st.
        let r = calc()
            .promise(&req(
                "2026-12-24T10:00:00+01:00",
                vec![line("1", Decimal::from(1), "2026-12-24", Decimal::from(1))],
            ))
            .unwrap();
        assert_eq!(r[0].ship_date, d("2026-12-29"));
        assert_eq!(r[0].delivery_date, d("2026-12-31"));
    }

    #[test]
    fn receipts_then_lead_time_and_batch_lines_consume_stock() {
        let mut a = line("a", Decimal::from(6), "2026-11-24", Decimal::from(10));
        a.scheduled_receipts = vec![DatedQuantity {
            date: d("2026-12-02"),
            quantity: Decimal::from(5),
        }];
        let mut b = a.clone();
        b.line_id = "b".into();
        let mut c = a.clone();
        c.line_id = "c".into();
        c.quantity = Decimal::from(50);
        let r = calc()
            .promise(&req("2026-11-24T09:00:00+01:00", vec![a, b, c]))
            .unwrap();
        // a: 6 of 10 on hand.
        assert_eq!(
            (r[0].ship_date, r[0].basis),
            (d("2026-11-25"), PromiseBasis::OnHand)
        );
        // b: 4 left, the receipt of 5 on Wed 2 Dec covers it: pick 2nd, ship 3rd.
        assert_eq!(
            (r[1].ship_date, r[1].basis),
            (d("2026-12-03"), PromiseBasis::ScheduledReceipt)
        );
        // c: nothing covers 50: today + 10 days = Fri 4 Dec, ship Mon 7th.
        assert_eq!(
            (r[2].ship_date, r[2].basis),
            (d("2026-12-07"), PromiseBasis::LeadTime)
        );
    }

    #[test]
    fn a_later_demand_takes_stock_back() {
        let mut a = line("a", Decimal::from(8), "2026-11-24", Decimal::from(10));
        a.scheduled_demands = vec![DatedQuantity {
            date: d("2026-11-30"),
            quantity: Decimal::from(5),
        }];
        a.scheduled_receipts = vec![DatedQuantity {
            date: d("2026-12-09"),
            quantity: Decimal::from(20),
        }];
        let r = calc()
            .promise(&req("2026-11-24T09:00:00+01:00", vec![a]))
            .unwrap();
        // 10 - 8 = 2 would go to -3 on the 30th: wait for the receipt on the 9th.
        assert_eq!(r[0].basis, PromiseBasis::ScheduledReceipt);
        assert_eq!(r[0].ship_date, d("2026-12-10"));
    }

    #[test]
    fn bad_configuration_is_refused() {
        for cfg in [
            serde_json::json!({"cutoff": "2pm"}),
            serde_json::json!({"closedWeekdays": [8]}),
            serde_json::json!({"closedWeekdays": [1, 2, 3, 4, 5, 6, 7]}),
            serde_json::json!({"holidays": ["25.12.2026"]}),
        ] {
            assert!(
                WorkdayCalendar::init(&Host::default(), &cfg).is_err(),
                "{cfg}"
            );
        }
    }
}
