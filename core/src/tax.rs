//! Document arithmetic shared by quotations, orders, invoices and credit notes:
//! allocating a document amount to lines, sales tax per (document, tax code) or per
//! line, and invoice rounding. Pure functions over `Decimal`; every rounding goes through
//! [`round_to`], half away from zero.
//!
//! Owns: the rule that line shares always add up to the document amount (largest remainder),
//! so Σ line tax = document tax and Σ line discount = document discount after every change.

use crate::money::{RoundingMode, round_to};
use rust_decimal::Decimal;
use sea_orm::entity::prelude::StringLen;

/// Splits `total` (already a multiple of `step`) over lines in proportion to `weights`, each
/// share a multiple of `step`, the shares adding up to `total` exactly (largest-remainder
/// method; ties go to the earlier line). With all weights zero the split is even. Shares carry
/// the sign of `total`; weights are taken by absolute value.
pub fn allocate(total: Decimal, weights: &[Decimal], step: Decimal) -> Vec<Decimal> {
    if weights.is_empty() {
        return Vec::new();
    }
    let step = if step > Decimal::ZERO {
        step
    } else {
        Decimal::new(1, 28)
    };
    let total = round_to(total, step, RoundingMode::Nearest);
    let sign = if total.is_sign_negative() {
        -Decimal::ONE
    } else {
        Decimal::ONE
    };
    let units = (total.abs() / step).trunc();
    let abs: Vec<Decimal> = weights.iter().map(|w| w.abs()).collect();
    let sum: Decimal = abs.iter().sum();
    let exact: Vec<Decimal> = if sum.is_zero() {
        let n = Decimal::from(weights.len());
        vec![units / n; weights.len()]
    } else {
        // units × w can pass Decimal's 7.9e28 for amounts near the storage limit (a 1e14
        // line at 0.01 is 1e16 units, times a 1e14 weight); w / sum is at most 1, so the
        // share is then taken the other way round, to 28 significant digits.
        abs.iter()
            .map(|w| {
                units
                    .checked_mul(*w)
                    .map_or_else(|| units * (*w / sum), |p| p / sum)
            })
            .collect()
    };
    let mut whole: Vec<Decimal> = exact.iter().map(|e| e.trunc()).collect();
    let given: Decimal = whole.iter().sum();
    let mut left = units - given;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // largest fractional part first; the stable sort keeps earlier lines first on ties
    order.sort_by(|a, b| (exact[*b] - whole[*b]).cmp(&(exact[*a] - whole[*a])));
    for i in order {
        if left <= Decimal::ZERO {
            break;
        }
        whole[i] += Decimal::ONE;
        left -= Decimal::ONE;
    }
    whole
        .into_iter()
        .map(|u| (u * step * sign).normalize())
        .collect()
}

/// How sales tax is computed; a company setting.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TaxMode {
    /// Per (document, tax code) on Σ net, rounded once, allocated to lines (the default).
    #[default]
    #[sea_orm(string_value = "document")]
    Document,
    /// Per line, each rounded; the document tax is the sum.
    #[sea_orm(string_value = "per_line")]
    PerLine,
}

/// One taxable line: its net amount (after discounts) and its tax code and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxableLine {
    /// Net amount of the line, rounded to the currency.
    pub net: Decimal,
    /// The tax code (any key that identifies it on the document).
    pub tax_code: String,
    /// Rate in percent, e.g. 10.
    pub rate: Decimal,
}

/// Tax of one code on a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxTotal {
    /// The tax code.
    pub tax_code: String,
    /// Rate in percent.
    pub rate: Decimal,
    /// Σ net of its lines.
    pub base: Decimal,
    /// Tax, rounded to the currency.
    pub tax: Decimal,
}

/// The tax of a document: per line (adding up to the totals) and per code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentTax {
    /// Tax of each line, in the order given.
    pub lines: Vec<Decimal>,
    /// Tax per code, in the order the codes first appear.
    pub totals: Vec<TaxTotal>,
    /// Σ tax.
    pub total: Decimal,
}

/// Computes a document's sales tax at the currency's amount precision `step`.
pub fn compute(lines: &[TaxableLine], step: Decimal, mode: TaxMode) -> DocumentTax {
    let mut codes: Vec<(String, Decimal)> = Vec::new();
    for l in lines {
        if !codes.iter().any(|(c, r)| *c == l.tax_code && *r == l.rate) {
            codes.push((l.tax_code.clone(), l.rate));
        }
    }
    let mut line_tax = vec![Decimal::ZERO; lines.len()];
    let mut totals = Vec::new();
    for (code, rate) in codes {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|i| lines[*i].tax_code == code && lines[*i].rate == rate)
            .collect();
        let base: Decimal = idx.iter().map(|i| lines[*i].net).sum();
        let tax = match mode {
            TaxMode::Document => {
                let tax = round_to(
                    base * rate / Decimal::ONE_HUNDRED,
                    step,
                    RoundingMode::Nearest,
                );
                let nets: Vec<Decimal> = idx.iter().map(|i| lines[*i].net).collect();
                for (i, t) in idx.iter().zip(allocate(tax, &nets, step)) {
                    line_tax[*i] = t;
                }
                tax
            }
            TaxMode::PerLine => {
                let mut sum = Decimal::ZERO;
                for i in &idx {
                    let t = round_to(
                        lines[*i].net * rate / Decimal::ONE_HUNDRED,
                        step,
                        RoundingMode::Nearest,
                    );
                    line_tax[*i] = t;
                    sum += t;
                }
                sum
            }
        };
        totals.push(TaxTotal {
            tax_code: code,
            rate,
            base: base.normalize(),
            tax: tax.normalize(),
        });
    }
    let total = totals.iter().map(|t| t.tax).sum::<Decimal>().normalize();
    DocumentTax {
        lines: line_tax.into_iter().map(|t| t.normalize()).collect(),
        totals,
        total,
    }
}

/// An invoice total rounded to the currency's invoice rounding (e.g. CHF 0.05 nearest), and the
/// rounding line that gets it there (posted to the rounding account).
pub fn invoice_rounding(total: Decimal, step: Decimal, mode: RoundingMode) -> (Decimal, Decimal) {
    let rounded = round_to(total, step, mode);
    (rounded.normalize(), (rounded - total).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn line(net: &str) -> TaxableLine {
        TaxableLine {
            net: d(net),
            tax_code: "STD".into(),
            rate: d("10"),
        }
    }

    /// S11: invoice discount 2 % of 1,019.93 = 20.3986 → 20.40, allocated 1.40 / 15.00 / 4.00;
    /// net 999.53; tax 99.953 → 99.95 = 6.85 + 73.50 + 19.60; total 1,099.48.
    /// Amounts near the storage limit (about 9.2e14) allocate without overflowing: a line of
    /// 1e14 once panicked with "Multiplication overflowed".
    #[test]
    fn allocates_amounts_near_the_storage_limit() {
        let cent = d("0.01");
        let big = d("100000000000000.00");
        let s = allocate(d("10000000000000.00"), &[big, d("0.01"), big], cent);
        assert_eq!(s.iter().copied().sum::<Decimal>(), d("10000000000000.00"));
        assert_eq!(s[1], Decimal::ZERO);
        assert_eq!(s[0], d("5000000000000"));
        let t = compute(
            &[TaxableLine {
                net: d("922337203685477.58"),
                tax_code: "STD".into(),
                rate: d("25"),
            }],
            cent,
            TaxMode::Document,
        );
        assert_eq!(t.total, d("230584300921369.40"));
        assert_eq!(t.lines, vec![t.total]);
    }

    #[test]
    fn s11_discount_and_tax_allocation() {
        let cent = d("0.01");
        let gross = [d("69.93"), d("750.00"), d("200.00")];
        let subtotal: Decimal = gross.iter().sum();
        assert_eq!(subtotal, d("1019.93"));
        let discount = round_to(
            subtotal * d("2") / Decimal::ONE_HUNDRED,
            cent,
            RoundingMode::Nearest,
        );
        assert_eq!(discount, d("20.40"));
        let shares = allocate(discount, &gross, cent);
        assert_eq!(shares, [d("1.4"), d("15"), d("4")]);
        let nets: Vec<Decimal> = gross.iter().zip(&shares).map(|(g, s)| g - s).collect();
        let net: Decimal = nets.iter().sum();
        assert_eq!(net, d("999.53"));
        let lines: Vec<TaxableLine> = nets
            .iter()
            .map(|n| TaxableLine {
                net: *n,
                tax_code: "STD".into(),
                rate: d("10"),
            })
            .collect();
        let tax = compute(&lines, cent, TaxMode::Document);
        assert_eq!(tax.total, d("99.95"));
        assert_eq!(tax.lines, [d("6.85"), d("73.5"), d("19.6")]);
        assert_eq!(net + tax.total, d("1099.48"));
    }

    /// S11: three lines of 0.15 at 10 %: document tax 0.045 → 0.05 (banker's rounding would
    /// give 0.04); per line 3 × 0.02 = 0.06.
    #[test]
    fn s11_rounding_trap_and_per_line_mode() {
        let cent = d("0.01");
        let lines = vec![line("0.15"), line("0.15"), line("0.15")];
        let doc = compute(&lines, cent, TaxMode::Document);
        assert_eq!(doc.total, d("0.05"));
        assert_ne!(doc.total, d("0.04"), "banker's rounding");
        assert_eq!(doc.lines.iter().sum::<Decimal>(), doc.total);
        assert_eq!(doc.lines, [d("0.02"), d("0.02"), d("0.01")]);
        let per_line = compute(&lines, cent, TaxMode::PerLine);
        assert_eq!(per_line.total, d("0.06"));
    }

    /// S11: JPY (precision 1): 3 × 1,234 = 3,702; tax 370.2 → 370; total 4,072.
    #[test]
    fn s11_jpy() {
        let yen = Decimal::ONE;
        let doc = compute(&[line("3702")], yen, TaxMode::Document);
        assert_eq!(doc.total, d("370"));
        assert_eq!(d("3702") + doc.total, d("4072"));
    }

    /// S11: CHF invoice rounding 0.05 nearest: 107.63 → 107.65, rounding line +0.02.
    #[test]
    fn s11_chf_invoice_rounding() {
        assert_eq!(
            invoice_rounding(d("107.63"), d("0.05"), RoundingMode::Nearest),
            (d("107.65"), d("0.02"))
        );
        assert_eq!(
            invoice_rounding(d("107.62"), d("0.05"), RoundingMode::Nearest),
            (d("107.6"), d("-0.02"))
        );
        assert_eq!(
            invoice_rounding(d("107.61"), d("0.05"), RoundingMode::Up),
            (d("107.65"), d("0.04"))
        );
    }

    /// Several codes are taxed separately; credit notes (negative amounts) allocate with their
    /// sign; zero weights split evenly; shares always add up.
    #[test]
    fn codes_signs_and_sums() {
        let cent = d("0.01");
        let lines = vec![
            line("100.00"),
            TaxableLine {
                net: d("50.00"),
                tax_code: "RED".into(),
                rate: d("5"),
            },
            line("0.05"),
        ];
        let doc = compute(&lines, cent, TaxMode::Document);
        assert_eq!(doc.totals.len(), 2);
        assert_eq!(doc.totals[0].base, d("100.05"));
        assert_eq!(doc.totals[0].tax, d("10.01"));
        assert_eq!(doc.totals[1].tax, d("2.5"));
        assert_eq!(doc.total, d("12.51"));
        // 10.005 and 0.005 exact: the larger remainder (0.5003 vs 0.4997) gets the cent
        assert_eq!(doc.lines, [d("10"), d("2.5"), d("0.01")]);
        assert_eq!(
            allocate(d("-10.00"), &[d("1"), d("1"), d("1")], cent),
            [d("-3.34"), d("-3.33"), d("-3.33")]
        );
        assert_eq!(
            allocate(d("1.00"), &[Decimal::ZERO, Decimal::ZERO], cent),
            [d("0.5"), d("0.5")]
        );
        assert_eq!(allocate(d("5"), &[], cent), Vec::<Decimal>::new());
        // a property over many splits: shares are multiples of the step and add up
        for n in 1..12 {
            for total in ["0.01", "0.99", "1234.57", "-7.03"] {
                let w: Vec<Decimal> = (1..=n).map(|i| Decimal::from(i * 7 % 5 + 1)).collect();
                let s = allocate(d(total), &w, cent);
                assert_eq!(s.iter().sum::<Decimal>(), d(total), "{total} over {n}");
                assert!(s.iter().all(|x| (x % cent).is_zero()));
            }
        }
    }
}
