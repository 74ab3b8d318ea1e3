//! The rendered XML is validated against the official Factur-X 1.0.9 EN 16931 XSD (in
//! `xsd/`) with libxml2, the validator most Factur-X tools use.
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
}

/// Ok if the XML is well-formed and valid against the XSD; Err with libxml2's verdict.
fn validate(xml: &str) -> Result<(), String> {
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

    let mut jpy = samples::invoice(3);
    jpy.currency = "JPY".into();
    jpy.currency_precision = 0;
    let xml = fx().xml(&jpy).unwrap();
    validate(&xml).unwrap();
    assert!(xml.contains("<ram:TaxTotalAmount currencyID=\"JPY\">"));
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
