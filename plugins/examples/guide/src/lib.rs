//! Acme's plugin: free samples, plain-text invoices, and ship dates from stock or lead time.

use mercator_plugin_sdk::messages::{
    CalculatorDecl, InvoiceDocument, InvoiceFormatDecl, InvoiceKind, Order, OrderTypeDecl,
    PromiseBasis, PromisedLine, PromisingRequest, Transition, TransitionAction, UserError,
};
use mercator_plugin_sdk::{Host, InvoiceFormat, OrderType, PluginError, PromisingCalculator};

/// Order type `SAMPLES`: free goods for a campaign.
pub struct Samples;

impl OrderType for Samples {
    fn declare() -> OrderTypeDecl {
        OrderTypeDecl {
            code: "SAMPLES".into(),
            label: "Free samples".into(),
            attributes_schema: serde_json::json!({
                "type": "object",
                "required": ["campaign"],
                "properties": {"campaign": {"type": "string", "minLength": 1}}
            }),
            affects_inventory: true,
        }
    }

    fn init(_host: &Host, _config: &serde_json::Value) -> Result<Self, String> {
        Ok(Samples)
    }

    // The order as it will be saved: after every change of its lines or header.
    fn validate(&self, order: &Order) -> Result<(), PluginError> {
        // A refusal names its field as a path into the order: `lines.<index>.…`.
        let priced: Vec<UserError> = order
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.unit_price.is_zero())
            .map(|(i, l)| {
                UserError::new(
                    "SAMPLES_ARE_FREE",
                    Some(&format!("lines.{i}.unitPrice")),
                    format!("line {} has a price; samples are free", l.line_number),
                )
            })
            .collect();
        if priced.is_empty() {
            Ok(())
        } else {
            Err(PluginError::Rejected(priced))
        }
    }

    // The order as it is, before each transition (release, confirm, change of type, …).
    fn check_transition(&self, order: &Order, t: &Transition) -> Result<(), PluginError> {
        if matches!(t.action, TransitionAction::Invoice) {
            let msg = format!(
                "{} holds free samples: there is nothing to invoice",
                order.number
            );
            return Err(UserError::new("SAMPLES_NOT_INVOICED", None, msg).into());
        }
        Ok(())
    }
}

/// Invoice format `PLAIN_TEXT`: a text invoice, `width` characters wide (config, 40 to 200).
pub struct PlainText {
    width: usize,
}

impl InvoiceFormat for PlainText {
    fn declare() -> InvoiceFormatDecl {
        InvoiceFormatDecl {
            code: "PLAIN_TEXT".into(),
            label: "Plain text".into(),
            media_type: "text/plain; charset=utf-8".into(),
            file_extension: "txt".into(),
        }
    }

    fn init(_host: &Host, config: &serde_json::Value) -> Result<Self, String> {
        let width = match config.get("width") {
            None => 60,
            Some(w) => {
                w.as_u64()
                    .filter(|w| (40..=200).contains(w))
                    .ok_or("width must be a whole number from 40 to 200")? as usize
            }
        };
        Ok(PlainText { width })
    }

    fn render(&self, inv: &InvoiceDocument) -> Result<Vec<u8>, PluginError> {
        if inv.lines.is_empty() {
            let e = UserError::new("PLAIN_TEXT_NO_LINES", Some("lines"), "nothing to print");
            return Err(e.into());
        }
        let title = match inv.kind {
            InvoiceKind::CreditNote => "CREDIT NOTE",
            InvoiceKind::ProForma => "PRO FORMA INVOICE",
            _ => "INVOICE",
        };
        let issued = inv.issue_date.map(|d| d.to_string()).unwrap_or_default();
        let text = self.width - 20; // room for "  12 " and a 14-character amount
        let mut out = format!("{title} {}  {issued}\n{}\n\n", inv.number, inv.buyer.name);
        for l in &inv.lines {
            let description: String = l.description.chars().take(text).collect();
            out += &format!(
                "{:>4} {description:<text$} {:>14}\n",
                l.line_number, l.line_amount
            );
        }
        let t = &inv.totals;
        for (label, amount) in [("Net", t.tax_basis_total), ("Tax", t.tax_total)] {
            out += &format!("{label:>w$} {amount:>14}\n", w = self.width - 15);
        }
        let due = format!("Due {}", inv.currency);
        out += &format!("{due:>w$} {:>14}\n", t.due_payable, w = self.width - 15);
        Ok(out.into_bytes())
    }
}

/// Promising calculator `STOCK_OR_LEAD`: a line covered by stock on hand ships after its
/// handling days, any other after its supply and handling days, never before the requested
/// date and only on open days; `arguments.extraDays` adds a safety margin.
pub struct StockOrLead;

impl PromisingCalculator for StockOrLead {
    fn declare() -> CalculatorDecl {
        CalculatorDecl {
            code: "STOCK_OR_LEAD".into(),
            label: "Stock on hand, else lead time".into(),
            arguments_schema: serde_json::json!({
                "type": "object",
                "properties": {"extraDays": {"type": "integer", "minimum": 0, "maximum": 30}}
            }),
        }
    }

    fn init(_host: &Host, _config: &serde_json::Value) -> Result<Self, String> {
        Ok(StockOrLead)
    }

    fn promise(&self, req: &PromisingRequest) -> Result<Vec<PromisedLine>, PluginError> {
        use chrono::{Datelike, Days, NaiveDate};
        // `now` is the company's wall clock with its UTC offset: today is the date it shows
        // ("2026-11-20T23:30:00-05:00" is still 20 November there).
        let today = req.now.date_naive();
        let extra = req
            .arguments
            .get("extraDays")
            .and_then(|d| d.as_u64())
            .unwrap_or(0);
        let cal = &req.calendar;
        let open = |d: NaiveDate| {
            !cal.closed_weekdays
                .contains(&d.weekday().number_from_monday())
                && !cal.holidays.contains(&d)
        };
        let closed = || UserError::new("CALENDAR_CLOSED", Some("calendar"), "no open day");
        // The first open day on or after `from`, then `days` more open days.
        let open_days_after = |from: NaiveDate, days: u64| -> Result<NaiveDate, PluginError> {
            let mut d = from;
            let mut left = days;
            for _ in 0..(days + 400) {
                if open(d) {
                    if left == 0 {
                        return Ok(d);
                    }
                    left -= 1;
                }
                d = d.checked_add_days(Days::new(1)).ok_or_else(closed)?;
            }
            Err(closed().into())
        };
        req.lines
            .iter()
            .map(|l| {
                let lt = &l.lead_times;
                let (days, basis) = if l.on_hand >= l.quantity {
                    (lt.handling_days, PromiseBasis::OnHand)
                } else {
                    (lt.supply_days + lt.handling_days, PromiseBasis::LeadTime)
                };
                let earliest = open_days_after(today, days.max(0) as u64 + extra)?;
                let ship_date = open_days_after(earliest.max(l.requested_date), 0)?;
                let transport = Days::new(lt.transport_days.max(0) as u64);
                Ok(PromisedLine {
                    line_id: l.line_id.clone(),
                    ship_date,
                    delivery_date: ship_date.checked_add_days(transport).ok_or_else(closed)?,
                    basis,
                    note: None,
                })
            })
            .collect()
    }
}

mercator_plugin_sdk::export_plugin! {
    id: "acme.samples",
    version: env!("CARGO_PKG_VERSION"),
    order_types: [Samples],
    invoice_formats: [PlainText],
    promising_calculators: [StockOrLead],
}
