//! Realistic sample messages, for plugin authors' tests and the host's benchmarks. Their
//! figures add up (line totals, tax per rate, document totals).

use crate::messages::{
    Address, AllowanceCharge, Calendar, Contact, DatedQuantity, InvoiceDocument, InvoiceKind,
    InvoiceLine, InvoiceTotals, LeadTimes, MESSAGE_VERSION, Order, OrderLine, Party, PaymentTerms,
    PromisingLine, PromisingRequest, TaxLine,
};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn seller() -> Party {
    Party {
        number: "DEMO".into(),
        name: "Mercator Demo GmbH".into(),
        vat_id: Some("DE123456789".into()),
        legal_id: Some("HRB 12345".into()),
        address: Address {
            line1: "Hauptstraße 1".into(),
            line2: None,
            city: "Berlin".into(),
            postal_code: Some("10115".into()),
            region: None,
            country_code: "DE".into(),
        },
        contact: Some(Contact {
            name: Some("Anna Schmidt".into()),
            email: Some("billing@demo.example".into()),
            phone: Some("+49 30 123456".into()),
        }),
        email: Some("invoices@demo.example".into()),
    }
}

fn buyer() -> Party {
    Party {
        number: "C-000042".into(),
        name: "Müller & Söhne KG".into(),
        vat_id: Some("DE987654321".into()),
        legal_id: None,
        address: Address {
            line1: "Marktplatz 5".into(),
            line2: Some("Lager <Tor 3>".into()),
            city: "München".into(),
            postal_code: Some("80331".into()),
            region: Some("Bayern".into()),
            country_code: "DE".into(),
        },
        contact: Some(Contact {
            name: Some("Jonas Müller".into()),
            email: Some("einkauf@mueller.example".into()),
            phone: None,
        }),
        email: Some("rechnung@mueller.example".into()),
    }
}

fn round(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// An invoice in EUR with `lines` lines at 19% and 7% VAT and a 10.00 total discount at 19%.
pub fn invoice(lines: usize) -> InvoiceDocument {
    invoice_in(lines, "EUR", 2)
}

/// The same invoice in another currency with `places` decimal places (`"JPY", 0`,
/// `"KWD", 3`): unit prices of 1,250 to 5,150 smallest units (12.50 EUR, 1,250 JPY, 1.250 KWD),
/// every amount rounded to the currency's places, the discount 1,000 smallest units.
pub fn invoice_in(lines: usize, currency: &str, places: u32) -> InvoiceDocument {
    let mut ls = Vec::with_capacity(lines);
    let (mut base19, mut base7) = (Decimal::ZERO, Decimal::ZERO);
    for i in 0..lines {
        let qty = Decimal::from(i % 7 + 1);
        let price = Decimal::new(1250 + 100 * (i as i64 % 40), places);
        let net = round(qty * price, places);
        let (code, rate) = if i % 2 == 0 {
            ("STD", Decimal::from(19))
        } else {
            ("RED", Decimal::from(7))
        };
        if i % 2 == 0 {
            base19 += net;
        } else {
            base7 += net;
        }
        ls.push(InvoiceLine {
            line_number: i as i32 + 1,
            item_number: Some(format!("ITEM-{:03}", i % 20)),
            description: format!("Artikel {} \"Premium\" & Zubehör", i + 1),
            quantity: qty,
            unit: "pcs".into(),
            unit_code: "H87".into(),
            unit_price: price,
            gross_unit_price: None,
            discount_amount: Decimal::ZERO,
            line_amount: net,
            tax_code: code.into(),
            tax_category: "S".into(),
            tax_rate: rate,
        });
    }
    let allowance = if lines > 0 {
        Decimal::new(1000, places)
    } else {
        Decimal::ZERO
    };
    let line_total = base19 + base7;
    let basis19 = base19 - allowance;
    let tax19 = round(basis19 * Decimal::new(19, 2), places);
    let tax7 = round(base7 * Decimal::new(7, 2), places);
    let mut taxes = vec![TaxLine {
        tax_code: "STD".into(),
        tax_category: "S".into(),
        rate: Decimal::from(19),
        taxable_amount: basis19,
        tax_amount: tax19,
        exemption_reason: None,
    }];
    if lines > 1 {
        taxes.push(TaxLine {
            tax_code: "RED".into(),
            tax_category: "S".into(),
            rate: Decimal::from(7),
            taxable_amount: base7,
            tax_amount: tax7,
            exemption_reason: None,
        });
    }
    let tax_total: Decimal = taxes.iter().map(|t| t.tax_amount).sum();
    let basis = line_total - allowance;
    InvoiceDocument {
        kind: InvoiceKind::Invoice,
        number: "INV-2026-000123".into(),
        issue_date: Some(date(2026, 11, 21)),
        due_date: Some(date(2026, 12, 21)),
        delivery_date: Some(date(2026, 11, 20)),
        currency: currency.into(),
        currency_precision: places,
        seller: seller(),
        buyer: buyer(),
        ship_to: None,
        buyer_reference: Some("PO-4711".into()),
        order_references: vec!["SO-000017".into()],
        preceding_invoice: None,
        payment_terms: Some(PaymentTerms {
            code: "NET30".into(),
            description: "Net 30 days".into(),
            net_days: 30,
            discount_percent: Decimal::ZERO,
            discount_days: 0,
        }),
        notes: vec!["Thank you for your order.".into()],
        lines: ls,
        allowance_charges: if lines > 0 {
            vec![AllowanceCharge {
                charge: false,
                reason: "Total discount".into(),
                amount: allowance,
                tax_code: "STD".into(),
                tax_category: "S".into(),
                tax_rate: Decimal::from(19),
            }]
        } else {
            vec![]
        },
        taxes,
        totals: InvoiceTotals {
            line_total,
            allowance_total: allowance,
            charge_total: Decimal::ZERO,
            tax_basis_total: basis,
            tax_total,
            rounding_amount: Decimal::ZERO,
            grand_total: basis + tax_total,
            prepaid_amount: Decimal::ZERO,
            due_payable: basis + tax_total,
        },
    }
}

/// A sales order of the given type with three stocked lines.
pub fn order(order_type: &str) -> Order {
    let line = |n: i32, item: &str, qty: i64, price: i64| OrderLine {
        line_number: n,
        item_number: item.into(),
        item_kind: "STOCKED".into(),
        description: format!("{item} description"),
        quantity: Decimal::from(qty),
        unit: "pcs".into(),
        unit_price: Decimal::new(price, 2),
        line_amount: Decimal::new(price * qty, 2),
        warehouse: Some("MAIN".into()),
        requested_ship_date: Some(date(2026, 11, 30)),
        ..OrderLine::default()
    };
    let lines = vec![
        line(1, "ITEM-A", 10, 1250),
        line(2, "ITEM-B", 4, 9900),
        line(3, "ITEM-C", 1, 24999),
    ];
    Order {
        number: "SO-000017".into(),
        order_type: order_type.into(),
        customer: buyer(),
        currency: "EUR".into(),
        order_date: Some(date(2026, 11, 21)),
        requested_ship_date: Some(date(2026, 11, 30)),
        status: "OPEN".into(),
        release_status: "OPEN".into(),
        origin: "manual".into(),
        attributes: serde_json::json!({}),
        net_amount: lines.iter().map(|l| l.line_amount).sum(),
        lines,
    }
}

/// A promising request for `lines` lines, taken on Friday 2026-11-20 at 10:30 (+01:00).
pub fn promising_request(calculator: &str, lines: usize) -> PromisingRequest {
    PromisingRequest {
        v: MESSAGE_VERSION,
        calculator: calculator.into(),
        now: chrono::DateTime::parse_from_rfc3339("2026-11-20T10:30:00+01:00").unwrap_or_default(),
        calendar: Calendar {
            closed_weekdays: vec![6, 7],
            holidays: vec![date(2026, 12, 25)],
        },
        arguments: serde_json::json!({}),
        lines: (0..lines)
            .map(|i| PromisingLine {
                line_id: format!("{}", i + 1),
                item_number: format!("ITEM-{}", ["A", "B", "C"][i % 3]),
                quantity: Decimal::from(5 + i as i64),
                requested_date: date(2026, 11, 23),
                warehouse: Some("MAIN".into()),
                on_hand: Decimal::from(12),
                scheduled_receipts: vec![DatedQuantity {
                    date: date(2026, 11, 27),
                    quantity: Decimal::from(20),
                }],
                scheduled_demands: vec![DatedQuantity {
                    date: date(2026, 11, 25),
                    quantity: Decimal::from(3),
                }],
                lead_times: LeadTimes {
                    supply_days: 14,
                    handling_days: 1,
                    transport_days: 2,
                },
            })
            .collect(),
    }
}
