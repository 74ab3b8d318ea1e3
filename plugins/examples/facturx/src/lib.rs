//! Example invoice format: **EN 16931 CII XML as Factur-X / ZUGFeRD uses it** (profile
//! EN 16931, guideline `urn:cen.eu:en16931:2017`). The output is the XML that goes into a
//! Factur-X PDF/A-3 or travels alone as an XRechnung-style CII file; it validates against the
//! official Factur-X 1.0.9 EN 16931 XSD (in `xsd/`; the tests validate with libxml2).
//!
//! Refusals (user errors) for what EN 16931 requires and the document lacks: seller and buyer
//! names and country codes, at least one line, the seller's VAT id when a line is taxed, an
//! issue date; for amounts finer than the currency (`FACTURX_AMOUNT_PRECISION`: an amount is
//! stated as the host computed it, never rounded here), currencies with more than two decimals
//! (`FACTURX_CURRENCY_PRECISION`, EN 16931 allows two) and totals that do not add up
//! (`FACTURX_TOTALS_INCONSISTENT`, naming the EN 16931 rule: the sums, each breakdown's basis
//! and tax, one breakdown per category and rate); for the VAT category rules
//! (`FACTURX_TAX_CATEGORY`, `FACTURX_TAX_RATE`, `FACTURX_EXEMPTION_REASON`,
//! `FACTURX_SELLER_VAT_ID_REQUIRED`, `FACTURX_BUYER_VAT_ID_REQUIRED`,
//! `FACTURX_NOT_SUBJECT_WITH_VAT_ID`, `FACTURX_DELIVERY_REQUIRED`); and for values outside
//! EN 16931's code lists or rules (`FACTURX_COUNTRY_UNKNOWN`, `FACTURX_CURRENCY_UNKNOWN`,
//! `FACTURX_UNIT_CODE`, `FACTURX_ITEM_NAME_REQUIRED`, `FACTURX_NEGATIVE_PRICE`). The tests
//! check that every invoice is either refused or valid against the official XSD and the
//! official EN 16931 Schematron.
//!
//! Configuration: none needed; `{ "includeNotes": false }` leaves the document notes out.

use mercator_plugin_sdk::messages::{
    InvoiceDocument, InvoiceFormatDecl, InvoiceKind, Party, UserError,
};
use mercator_plugin_sdk::{Host, InvoiceFormat, PluginError};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The format code.
pub const CODE: &str = "FACTURX_EN16931";

/// The format.
#[derive(Debug)]
pub struct FacturX {
    include_notes: bool,
}

/// XML text escaping.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 does not allow are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// An amount at exactly the currency's places. [`check`] has refused amounts finer than the
/// currency, so this pads and never rounds.
fn amount(d: Decimal, places: u32) -> String {
    let mut d = d;
    d.rescale(places);
    d.to_string()
}

/// True if `d` has no digits below the currency's smallest unit (`12.50` is fine for two places,
/// `13.4` is not for none).
fn fits(d: Decimal, places: u32) -> bool {
    d.normalize().scale() <= places
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The rate element of a category: none for "not subject to VAT" (BR-O-05, BR-O-06).
fn rate(category: &str, rate: Decimal) -> String {
    if category == "O" {
        String::new()
    } else {
        format!(
            "<ram:RateApplicablePercent>{}</ram:RateApplicablePercent>",
            plain(rate)
        )
    }
}

fn date(d: chrono::NaiveDate) -> String {
    format!(
        "<udt:DateTimeString format=\"102\">{}</udt:DateTimeString>",
        d.format("%Y%m%d")
    )
}

fn opt(out: &mut String, tag: &str, v: Option<&str>) {
    if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
        let _ = write!(out, "<ram:{tag}>{}</ram:{tag}>", esc(v));
    }
}

fn party(out: &mut String, tag: &str, p: &Party) {
    let _ = write!(out, "<ram:{tag}>");
    opt(out, "ID", Some(&p.number));
    let _ = write!(out, "<ram:Name>{}</ram:Name>", esc(&p.name));
    if let Some(l) = p.legal_id.as_deref().filter(|s| !s.is_empty()) {
        let _ = write!(
            out,
            "<ram:SpecifiedLegalOrganization><ram:ID>{}</ram:ID></ram:SpecifiedLegalOrganization>",
            esc(l)
        );
    }
    if let Some(c) = &p.contact
        && (c.name.is_some() || c.phone.is_some() || c.email.is_some())
    {
        out.push_str("<ram:DefinedTradeContact>");
        opt(out, "PersonName", c.name.as_deref());
        if let Some(ph) = c.phone.as_deref().filter(|s| !s.is_empty()) {
            let _ = write!(
                out,
                "<ram:TelephoneUniversalCommunication><ram:CompleteNumber>{}</ram:CompleteNumber></ram:TelephoneUniversalCommunication>",
                esc(ph)
            );
        }
        if let Some(em) = c.email.as_deref().filter(|s| !s.is_empty()) {
            let _ = write!(
                out,
                "<ram:EmailURIUniversalCommunication><ram:URIID>{}</ram:URIID></ram:EmailURIUniversalCommunication>",
                esc(em)
            );
        }
        out.push_str("</ram:DefinedTradeContact>");
    }
    let a = &p.address;
    out.push_str("<ram:PostalTradeAddress>");
    opt(out, "PostcodeCode", a.postal_code.as_deref());
    opt(out, "LineOne", Some(&a.line1));
    opt(out, "LineTwo", a.line2.as_deref());
    opt(out, "CityName", Some(&a.city));
    let _ = write!(
        out,
        "<ram:CountryID>{}</ram:CountryID>",
        esc(&a.country_code)
    );
    opt(out, "CountrySubDivisionName", a.region.as_deref());
    out.push_str("</ram:PostalTradeAddress>");
    if let Some(em) = p.email.as_deref().filter(|s| !s.is_empty()) {
        let _ = write!(
            out,
            "<ram:URIUniversalCommunication><ram:URIID schemeID=\"EM\">{}</ram:URIID></ram:URIUniversalCommunication>",
            esc(em)
        );
    }
    if let Some(v) = p.vat_id.as_deref().filter(|s| !s.is_empty()) {
        let _ = write!(
            out,
            "<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{}</ram:ID></ram:SpecifiedTaxRegistration>",
            esc(v)
        );
    }
    let _ = write!(out, "</ram:{tag}>");
}

fn check(inv: &InvoiceDocument) -> Vec<UserError> {
    let mut e = Vec::new();
    let mut need = |ok: bool, code: &str, field: &str, msg: &str| {
        if !ok {
            e.push(UserError::new(code, Some(field), msg));
        }
    };
    need(
        !inv.number.trim().is_empty(),
        "FACTURX_NUMBER_REQUIRED",
        "number",
        "the invoice number is required (BT-1)",
    );
    need(
        inv.issue_date.is_some(),
        "FACTURX_ISSUE_DATE_REQUIRED",
        "issueDate",
        "the issue date is required (BT-2)",
    );
    need(
        inv.currency.len() == 3,
        "FACTURX_CURRENCY_REQUIRED",
        "currency",
        "an ISO 4217 currency code is required (BT-5)",
    );
    need(
        !inv.seller.name.trim().is_empty(),
        "FACTURX_SELLER_NAME_REQUIRED",
        "seller.name",
        "the seller's name is required (BT-27)",
    );
    need(
        inv.seller.address.country_code.len() == 2,
        "FACTURX_SELLER_COUNTRY_REQUIRED",
        "seller.address.countryCode",
        "the seller's country code is required (BT-40)",
    );
    need(
        !inv.buyer.name.trim().is_empty(),
        "FACTURX_BUYER_NAME_REQUIRED",
        "buyer.name",
        "the buyer's name is required (BT-44)",
    );
    need(
        inv.buyer.address.country_code.len() == 2,
        "FACTURX_BUYER_COUNTRY_REQUIRED",
        "buyer.address.countryCode",
        "the buyer's country code is required (BT-55)",
    );
    need(
        !inv.lines.is_empty(),
        "FACTURX_LINES_REQUIRED",
        "lines",
        "an invoice needs at least one line (BG-25)",
    );
    for (p, field) in [(&inv.seller, "seller"), (&inv.buyer, "buyer")] {
        let c = &p.address.country_code;
        need(
            c.len() != 2 || ISO_3166.split(' ').any(|k| k == c),
            "FACTURX_COUNTRY_UNKNOWN",
            &format!("{field}.address.countryCode"),
            "the country code must be an ISO 3166-1 alpha-2 code in capitals (BR-CL-14)",
        );
    }
    need(
        inv.currency.len() != 3 || ISO_4217.split(' ').any(|k| k == inv.currency),
        "FACTURX_CURRENCY_UNKNOWN",
        "currency",
        "the currency must be an ISO 4217 code in capitals (BR-CL-04)",
    );
    for (i, l) in inv.lines.iter().enumerate() {
        need(
            !l.description.trim().is_empty(),
            "FACTURX_ITEM_NAME_REQUIRED",
            &format!("lines.{i}.description"),
            "every line needs the item's name (BR-25)",
        );
        need(
            !l.unit_price.is_sign_negative()
                && !l.gross_unit_price.is_some_and(|g| g.is_sign_negative()),
            "FACTURX_NEGATIVE_PRICE",
            &format!("lines.{i}.unitPrice"),
            "a price cannot be negative (BR-27, BR-28); state a credit note or a negative quantity",
        );
        need(
            l.unit_code.is_empty()
                || (2..=3).contains(&l.unit_code.len())
                    && l.unit_code
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "FACTURX_UNIT_CODE",
            &format!("lines.{i}.unitCode"),
            "the unit code must be a UN/ECE Recommendation 20 code such as H87 or KGM",
        );
    }
    need(
        !inv.taxes.is_empty(),
        "FACTURX_TAX_BREAKDOWN_REQUIRED",
        "taxes",
        "the VAT breakdown is required (BG-23)",
    );
    categories(inv, &mut e);
    amounts(inv, &mut e);
    e
}

/// The VAT categories EN 16931 knows (UNCL 5305 as it restricts them): standard, zero rated,
/// exempt, reverse charge, intra-community, export, not subject to VAT, and the Canary Islands'
/// and Ceuta and Melilla taxes.
const CATEGORIES: [&str; 9] = ["S", "Z", "E", "AE", "K", "G", "O", "L", "M"];

/// The rules of each category (BR-S-*, BR-Z-*, BR-E-*, BR-AE-*, BR-IC-*, BR-G-*, BR-O-*): its
/// rate, whether its breakdown needs or forbids an exemption reason, and the VAT identifiers
/// the parties need.
fn categories(inv: &InvoiceDocument, e: &mut Vec<UserError>) {
    let mut err = |code: &str, field: String, msg: String| {
        e.push(UserError::new(code, Some(&field), msg));
    };
    let rated = inv
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("lines.{i}"), &l.tax_category, l.tax_rate))
        .chain(
            inv.allowance_charges
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("allowanceCharges.{i}"), &a.tax_category, a.tax_rate)),
        )
        .chain(
            inv.taxes
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("taxes.{i}"), &t.tax_category, t.rate)),
        );
    let mut used = std::collections::BTreeSet::new();
    for (at, cat, rate) in rated {
        if !CATEGORIES.contains(&cat.as_str()) {
            err(
                "FACTURX_TAX_CATEGORY",
                format!("{at}.taxCategory"),
                format!(
                    "{cat} is not a VAT category EN 16931 knows ({})",
                    CATEGORIES.join(", ")
                ),
            );
            continue;
        }
        used.insert(cat.as_str());
        let ok = match cat.as_str() {
            "S" => rate > Decimal::ZERO,
            "L" | "M" => !rate.is_sign_negative(),
            _ => rate.is_zero(),
        };
        if !ok {
            let why = if cat == "S" {
                "a standard rate is above zero, BR-S-05; zero rated is category Z"
            } else {
                "its rate is 0, BR-x-05"
            };
            err(
                "FACTURX_TAX_RATE",
                format!("{at}.taxRate"),
                format!("category {cat} cannot have the rate {rate} % ({why})"),
            );
        }
    }
    for (i, t) in inv.taxes.iter().enumerate() {
        let reason = t
            .exemption_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        let needs = matches!(t.tax_category.as_str(), "E" | "AE" | "K" | "G" | "O");
        if reason != needs {
            err(
                "FACTURX_EXEMPTION_REASON",
                format!("taxes.{i}.exemptionReason"),
                format!(
                    "a breakdown of category {} {} an exemption reason (BR-x-10)",
                    t.tax_category,
                    if needs { "needs" } else { "cannot have" }
                ),
            );
        }
    }
    let has = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    if used.contains("O") {
        if has(&inv.seller.vat_id) || has(&inv.buyer.vat_id) {
            err(
                "FACTURX_NOT_SUBJECT_WITH_VAT_ID",
                "seller.vatId".into(),
                "an invoice with items not subject to VAT (O) cannot state VAT identifiers (BR-O-02 to BR-O-04)".into(),
            );
        }
        if used.iter().any(|c| *c != "O") {
            err(
                "FACTURX_TAX_CATEGORY",
                "taxes".into(),
                "category O (not subject to VAT) cannot be mixed with other categories (BR-O-11 to BR-O-14)".into(),
            );
        }
    } else if !used.is_empty() && !has(&inv.seller.vat_id) {
        err(
            "FACTURX_SELLER_VAT_ID_REQUIRED",
            "seller.vatId".into(),
            "lines subject to VAT need the seller's VAT identifier (BR-S-02, BR-Z-02, BR-E-02, …)"
                .into(),
        );
    }
    if used.contains("K")
        && (inv.delivery_date.is_none()
            || inv
                .ship_to
                .as_ref()
                .is_none_or(|p| p.address.country_code.len() != 2))
    {
        err(
            "FACTURX_DELIVERY_REQUIRED",
            "shipTo".into(),
            "an intra-community supply needs the delivery date and the deliver-to country (BR-IC-11, BR-IC-12)".into(),
        );
    }
    if (used.contains("K") && !has(&inv.buyer.vat_id))
        || (used.contains("AE") && !has(&inv.buyer.vat_id) && !has(&inv.buyer.legal_id))
    {
        err(
            "FACTURX_BUYER_VAT_ID_REQUIRED",
            "buyer.vatId".into(),
            "reverse charge and intra-community supplies need the buyer's VAT identifier (BR-AE-02, BR-IC-02)".into(),
        );
    }
}

/// ISO 3166-1 alpha-2 country codes (the code list EN 16931 uses).
const ISO_3166: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW 1A XI";

/// ISO 4217 currency codes.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWL";

/// The amounts: none finer than the currency, and the sums EN 16931 checks hold (BR-CO-10 to
/// BR-CO-16 and the per-rate basis, BR-S-08 and its siblings), so a document never fails the
/// Schematron for arithmetic the host got wrong. Amounts are stated, never rounded here: rounding
/// each amount on its own breaks the sums (JPY lines 12.6 + 26.6 + 43.5 = 82.7 print as
/// 13 + 27 + 44 = 84 against a line total of 83).
fn amounts(inv: &InvoiceDocument, e: &mut Vec<UserError>) {
    let places = inv.currency_precision;
    if places > 2 {
        e.push(UserError::new(
            "FACTURX_CURRENCY_PRECISION",
            Some("currency"),
            format!(
                "EN 16931 states amounts with at most two decimals (BR-DEC-01 to BR-DEC-23); {} has {places}",
                inv.currency
            ),
        ));
        return;
    }
    let mut fine = |d: Decimal, field: String| {
        if !fits(d, places) {
            e.push(UserError::new(
                "FACTURX_AMOUNT_PRECISION",
                Some(&field),
                format!(
                    "{d} has more decimal places than {} allows ({places}); amounts must be rounded before the invoice is rendered",
                    inv.currency
                ),
            ));
        }
    };
    for (i, l) in inv.lines.iter().enumerate() {
        fine(l.line_amount, format!("lines.{i}.lineAmount"));
    }
    for (i, a) in inv.allowance_charges.iter().enumerate() {
        fine(a.amount, format!("allowanceCharges.{i}.amount"));
    }
    for (i, t) in inv.taxes.iter().enumerate() {
        fine(t.taxable_amount, format!("taxes.{i}.taxableAmount"));
        fine(t.tax_amount, format!("taxes.{i}.taxAmount"));
    }
    let t = &inv.totals;
    for (d, f) in [
        (t.line_total, "lineTotal"),
        (t.allowance_total, "allowanceTotal"),
        (t.charge_total, "chargeTotal"),
        (t.tax_basis_total, "taxBasisTotal"),
        (t.tax_total, "taxTotal"),
        (t.rounding_amount, "roundingAmount"),
        (t.grand_total, "grandTotal"),
        (t.prepaid_amount, "prepaidAmount"),
        (t.due_payable, "duePayable"),
    ] {
        fine(d, format!("totals.{f}"));
    }
    let mut sum = |ok: bool, field: &str, rule: &str, what: String| {
        if !ok {
            e.push(UserError::new(
                "FACTURX_TOTALS_INCONSISTENT",
                Some(field),
                format!("{what} ({rule})"),
            ));
        }
    };
    let lines: Decimal = inv.lines.iter().map(|l| l.line_amount).sum();
    sum(
        lines == t.line_total,
        "totals.lineTotal",
        "BR-CO-10",
        format!(
            "the line total {} is not the sum of the line amounts {lines}",
            t.line_total
        ),
    );
    let (charges, allowances) =
        inv.allowance_charges
            .iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(c, a), x| {
                if x.charge {
                    (c + x.amount, a)
                } else {
                    (c, a + x.amount)
                }
            });
    sum(
        charges == t.charge_total && allowances == t.allowance_total,
        "totals.allowanceTotal",
        "BR-CO-11, BR-CO-12",
        format!(
            "allowances {} and charges {} are not the sums of the document's allowances {allowances} and charges {charges}",
            t.allowance_total, t.charge_total
        ),
    );
    sum(
        t.tax_basis_total == t.line_total - t.allowance_total + t.charge_total,
        "totals.taxBasisTotal",
        "BR-CO-13",
        format!(
            "the total without VAT {} is not line total − allowances + charges",
            t.tax_basis_total
        ),
    );
    let taxes: Decimal = inv.taxes.iter().map(|x| x.tax_amount).sum();
    sum(
        taxes == t.tax_total,
        "totals.taxTotal",
        "BR-CO-14",
        format!(
            "the VAT total {} is not the sum of the breakdown {taxes}",
            t.tax_total
        ),
    );
    sum(
        t.grand_total == t.tax_basis_total + t.tax_total,
        "totals.grandTotal",
        "BR-CO-15",
        format!(
            "the total with VAT {} is not the basis plus VAT",
            t.grand_total
        ),
    );
    sum(
        t.due_payable == t.grand_total - t.prepaid_amount + t.rounding_amount,
        "totals.duePayable",
        "BR-CO-16",
        format!(
            "the amount due {} is not total − prepaid + rounding",
            t.due_payable
        ),
    );
    // Per category and rate: lines + charges − allowances is that breakdown's basis.
    let mut basis: BTreeMap<(String, Decimal), Decimal> = BTreeMap::new();
    for l in &inv.lines {
        *basis
            .entry((l.tax_category.clone(), l.tax_rate.normalize()))
            .or_default() += l.line_amount;
    }
    for a in &inv.allowance_charges {
        let v = basis
            .entry((a.tax_category.clone(), a.tax_rate.normalize()))
            .or_default();
        if a.charge {
            *v += a.amount;
        } else {
            *v -= a.amount;
        }
    }
    let mut stated: BTreeMap<(String, Decimal), Decimal> = BTreeMap::new();
    for (i, x) in inv.taxes.iter().enumerate() {
        let key = (x.tax_category.clone(), x.rate.normalize());
        if stated.insert(key, x.taxable_amount).is_some() {
            sum(
                false,
                &format!("taxes.{i}"),
                "BR-CO-18",
                format!(
                    "category {} at {} % has two breakdowns; state one per category and rate",
                    x.tax_category,
                    x.rate.normalize()
                ),
            );
        }
        // The tax of a breakdown is its basis at its rate, to the cent (within one unit, as
        // the Schematron allows for rounding).
        let exact = (x.taxable_amount.abs() * x.rate / Decimal::ONE_HUNDRED).round_dp(2);
        sum(
            (x.tax_amount.abs() - exact).abs() <= Decimal::ONE,
            &format!("taxes.{i}.taxAmount"),
            "BR-CO-17",
            format!(
                "the tax {} is not {} at {} % of {}",
                x.tax_amount,
                exact,
                x.rate.normalize(),
                x.taxable_amount
            ),
        );
    }
    for (cat, rate) in stated.keys() {
        sum(
            basis.contains_key(&(cat.clone(), *rate)),
            "taxes",
            &format!("BR-{cat}-08"),
            format!("a breakdown of category {cat} at {rate} % has no line, allowance or charge"),
        );
    }
    for ((cat, rate), b) in &basis {
        let s = stated.get(&(cat.clone(), *rate));
        sum(
            s == Some(b),
            "taxes",
            &format!("BR-{cat}-08"),
            match s {
                Some(s) => format!(
                    "the basis of category {cat} at {rate} % is {s}, the lines and allowances/charges make {b}"
                ),
                None => format!("category {cat} at {rate} % has no VAT breakdown"),
            },
        );
    }
}

impl FacturX {
    /// Renders the CII XML.
    pub fn xml(&self, inv: &InvoiceDocument) -> Result<String, PluginError> {
        let errors = check(inv);
        if !errors.is_empty() {
            return Err(PluginError::Rejected(errors));
        }
        let places = inv.currency_precision;
        let cur = esc(&inv.currency);
        let type_code = match inv.kind {
            InvoiceKind::CreditNote => "381",
            InvoiceKind::ProForma => "325",
            _ => "380",
        };
        let mut o = String::with_capacity(2048 + inv.lines.len() * 1100);
        o.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
"#);
        let issue = inv.issue_date.map(date).unwrap_or_default();
        let _ = write!(
            o,
            "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode><ram:IssueDateTime>{issue}</ram:IssueDateTime>",
            esc(&inv.number)
        );
        if self.include_notes {
            for n in inv.notes.iter().filter(|n| !n.trim().is_empty()) {
                let _ = write!(
                    o,
                    "<ram:IncludedNote><ram:Content>{}</ram:Content></ram:IncludedNote>",
                    esc(n)
                );
            }
        }
        o.push_str("</rsm:ExchangedDocument>\n<rsm:SupplyChainTradeTransaction>\n");
        for l in &inv.lines {
            let _ = write!(
                o,
                "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument><ram:SpecifiedTradeProduct>",
                l.line_number
            );
            opt(&mut o, "SellerAssignedID", l.item_number.as_deref());
            let _ = write!(
                o,
                "<ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement>",
                esc(&l.description)
            );
            if let Some(g) = l.gross_unit_price {
                let _ = write!(
                    o,
                    "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:GrossPriceProductTradePrice>",
                    plain(g)
                );
            }
            let _ = write!(
                o,
                "<ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement><ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"{}\">{}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{}</ram:CategoryCode>{}</ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>",
                plain(l.unit_price),
                esc(if l.unit_code.is_empty() {
                    "H87"
                } else {
                    &l.unit_code
                }),
                plain(l.quantity),
                esc(&l.tax_category),
                rate(&l.tax_category, l.tax_rate),
                amount(l.line_amount, places),
            );
            o.push('\n');
        }
        o.push_str("<ram:ApplicableHeaderTradeAgreement>");
        opt(&mut o, "BuyerReference", inv.buyer_reference.as_deref());
        party(&mut o, "SellerTradeParty", &inv.seller);
        party(&mut o, "BuyerTradeParty", &inv.buyer);
        if let Some(r) = inv.order_references.first() {
            let _ = write!(
                o,
                "<ram:SellerOrderReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:SellerOrderReferencedDocument>",
                esc(r)
            );
        }
        o.push_str("</ram:ApplicableHeaderTradeAgreement>\n<ram:ApplicableHeaderTradeDelivery>");
        if let Some(s) = &inv.ship_to {
            party(&mut o, "ShipToTradeParty", s);
        }
        if let Some(d) = inv.delivery_date {
            let _ = write!(
                o,
                "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>{}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>",
                date(d)
            );
        }
        let _ = write!(
            o,
            "</ram:ApplicableHeaderTradeDelivery>\n<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>{cur}</ram:InvoiceCurrencyCode>"
        );
        for t in &inv.taxes {
            let _ = write!(
                o,
                "<ram:ApplicableTradeTax><ram:CalculatedAmount>{}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>",
                amount(t.tax_amount, places)
            );
            opt(&mut o, "ExemptionReason", t.exemption_reason.as_deref());
            let _ = write!(
                o,
                "<ram:BasisAmount>{}</ram:BasisAmount><ram:CategoryCode>{}</ram:CategoryCode>{}</ram:ApplicableTradeTax>",
                amount(t.taxable_amount, places),
                esc(&t.tax_category),
                rate(&t.tax_category, t.rate)
            );
        }
        for a in &inv.allowance_charges {
            let _ = write!(
                o,
                "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>{}</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>{}</ram:ActualAmount>",
                a.charge,
                amount(a.amount, places)
            );
            opt(&mut o, "Reason", Some(&a.reason));
            let _ = write!(
                o,
                "<ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{}</ram:CategoryCode>{}</ram:CategoryTradeTax></ram:SpecifiedTradeAllowanceCharge>",
                esc(&a.tax_category),
                rate(&a.tax_category, a.tax_rate)
            );
        }
        if let Some(p) = &inv.payment_terms {
            o.push_str("<ram:SpecifiedTradePaymentTerms>");
            opt(&mut o, "Description", Some(&p.description));
            if let Some(d) = inv.due_date {
                let _ = write!(o, "<ram:DueDateDateTime>{}</ram:DueDateDateTime>", date(d));
            }
            o.push_str("</ram:SpecifiedTradePaymentTerms>");
        } else if let Some(d) = inv.due_date {
            let _ = write!(
                o,
                "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>{}</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>",
                date(d)
            );
        }
        let t = &inv.totals;
        let _ = write!(
            o,
            "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount>",
            amount(t.line_total, places)
        );
        if !inv.allowance_charges.is_empty() {
            let _ = write!(
                o,
                "<ram:ChargeTotalAmount>{}</ram:ChargeTotalAmount><ram:AllowanceTotalAmount>{}</ram:AllowanceTotalAmount>",
                amount(t.charge_total, places),
                amount(t.allowance_total, places)
            );
        }
        let _ = write!(
            o,
            "<ram:TaxBasisTotalAmount>{}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"{cur}\">{}</ram:TaxTotalAmount>",
            amount(t.tax_basis_total, places),
            amount(t.tax_total, places)
        );
        if !t.rounding_amount.is_zero() {
            let _ = write!(
                o,
                "<ram:RoundingAmount>{}</ram:RoundingAmount>",
                amount(t.rounding_amount, places)
            );
        }
        let _ = write!(
            o,
            "<ram:GrandTotalAmount>{}</ram:GrandTotalAmount><ram:TotalPrepaidAmount>{}</ram:TotalPrepaidAmount><ram:DuePayableAmount>{}</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
            amount(t.grand_total, places),
            amount(t.prepaid_amount, places),
            amount(t.due_payable, places)
        );
        if let Some(p) = inv.preceding_invoice.as_deref().filter(|s| !s.is_empty()) {
            let _ = write!(
                o,
                "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>",
                esc(p)
            );
        }
        o.push_str("</ram:ApplicableHeaderTradeSettlement>\n</rsm:SupplyChainTradeTransaction>\n</rsm:CrossIndustryInvoice>\n");
        Ok(o)
    }
}

impl InvoiceFormat for FacturX {
    fn declare() -> InvoiceFormatDecl {
        InvoiceFormatDecl {
            code: CODE.into(),
            label: "Factur-X / ZUGFeRD EN 16931 (CII XML)".into(),
            media_type: "application/xml".into(),
            file_extension: "xml".into(),
        }
    }

    fn init(_host: &Host, config: &serde_json::Value) -> Result<Self, String> {
        let include_notes = match config.get("includeNotes") {
            None => true,
            Some(v) => v.as_bool().ok_or("includeNotes must be true or false")?,
        };
        Ok(FacturX { include_notes })
    }

    fn render(&self, invoice: &InvoiceDocument) -> Result<Vec<u8>, PluginError> {
        self.xml(invoice).map(String::into_bytes)
    }
}

mercator_plugin_sdk::export_plugin! {
    id: "example.facturx",
    version: env!("CARGO_PKG_VERSION"),
    invoice_formats: [FacturX],
}

#[cfg(test)]
mod tests;
