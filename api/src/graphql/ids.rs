//! Opaque global IDs: base64url of `Type:number`. Clients never parse them; the server refuses
//! an ID that is malformed, of another type than expected, or of a row in another company
//! (that last one reads as "not found", so no company learns what another one holds).

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The kinds of objects that have a global ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Company
    Company,
    /// Currency
    Currency,
    /// TaxCode
    TaxCode,
    /// PaymentTerms
    PaymentTerms,
    /// UnitOfMeasure
    UnitOfMeasure,
    /// Warehouse
    Warehouse,
    /// Customer
    Customer,
    /// Vendor
    Vendor,
    /// ContactPerson
    ContactPerson,
    /// Address
    Address,
    /// Item
    Item,
    /// ItemLedgerEntry
    ItemLedgerEntry,
    /// NumberSequence
    NumberSequence,
    /// Party
    Party,
    /// Prospect
    Prospect,
    /// Campaign
    Campaign,
    /// CampaignTarget
    CampaignTarget,
    /// CallList
    CallList,
    /// CallListEntry
    CallListEntry,
    /// Lead
    Lead,
    /// Opportunity
    Opportunity,
    /// SalesCycle
    SalesCycle,
    /// Interaction
    Interaction,
    /// CustomerLedgerEntry
    CustomerLedgerEntry,
    /// TradeAgreement
    TradeAgreement,
    /// SalesOrder
    SalesOrder,
    /// SalesOrderLine
    SalesOrderLine,
    /// SalesQuotation
    SalesQuotation,
    /// SalesQuotationLine
    SalesQuotationLine,
    /// OrderHold
    OrderHold,
    /// ApprovalRequest
    ApprovalRequest,
    /// UpsellSuggestion
    UpsellSuggestion,
    /// PackingSlip
    PackingSlip,
    /// PackingSlipLine
    PackingSlipLine,
    /// CustomerInvoice
    CustomerInvoice,
    /// CustomerInvoiceLine
    CustomerInvoiceLine,
    /// GlVoucher
    GlVoucher,
    /// ExchangeRate
    ExchangeRate,
    /// CustomerPayment
    CustomerPayment,
    /// PickingList
    PickingList,
    /// PickingListLine
    PickingListLine,
}

impl Kind {
    const ALL: [Kind; 41] = [
        Kind::Company,
        Kind::Currency,
        Kind::TaxCode,
        Kind::PaymentTerms,
        Kind::UnitOfMeasure,
        Kind::Warehouse,
        Kind::Customer,
        Kind::Vendor,
        Kind::ContactPerson,
        Kind::Address,
        Kind::Item,
        Kind::ItemLedgerEntry,
        Kind::NumberSequence,
        Kind::Party,
        Kind::Prospect,
        Kind::Campaign,
        Kind::CampaignTarget,
        Kind::CallList,
        Kind::CallListEntry,
        Kind::Lead,
        Kind::Opportunity,
        Kind::SalesCycle,
        Kind::Interaction,
        Kind::CustomerLedgerEntry,
        Kind::TradeAgreement,
        Kind::SalesOrder,
        Kind::SalesOrderLine,
        Kind::SalesQuotation,
        Kind::SalesQuotationLine,
        Kind::OrderHold,
        Kind::ApprovalRequest,
        Kind::UpsellSuggestion,
        Kind::PackingSlip,
        Kind::PackingSlipLine,
        Kind::CustomerInvoice,
        Kind::CustomerInvoiceLine,
        Kind::GlVoucher,
        Kind::ExchangeRate,
        Kind::PickingList,
        Kind::PickingListLine,
        Kind::CustomerPayment,
    ];

    /// The GraphQL type name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Company => "Company",
            Kind::Currency => "Currency",
            Kind::TaxCode => "TaxCode",
            Kind::PaymentTerms => "PaymentTerms",
            Kind::UnitOfMeasure => "UnitOfMeasure",
            Kind::Warehouse => "Warehouse",
            Kind::Customer => "Customer",
            Kind::Vendor => "Vendor",
            Kind::ContactPerson => "ContactPerson",
            Kind::Address => "Address",
            Kind::Item => "Item",
            Kind::ItemLedgerEntry => "ItemLedgerEntry",
            Kind::NumberSequence => "NumberSequence",
            Kind::Party => "Party",
            Kind::Prospect => "Prospect",
            Kind::Campaign => "Campaign",
            Kind::CampaignTarget => "CampaignTarget",
            Kind::CallList => "CallList",
            Kind::CallListEntry => "CallListEntry",
            Kind::Lead => "Lead",
            Kind::Opportunity => "Opportunity",
            Kind::SalesCycle => "SalesCycle",
            Kind::Interaction => "Interaction",
            Kind::CustomerLedgerEntry => "CustomerLedgerEntry",
            Kind::TradeAgreement => "TradeAgreement",
            Kind::SalesOrder => "SalesOrder",
            Kind::SalesOrderLine => "SalesOrderLine",
            Kind::SalesQuotation => "SalesQuotation",
            Kind::SalesQuotationLine => "SalesQuotationLine",
            Kind::PackingSlip => "PackingSlip",
            Kind::PackingSlipLine => "PackingSlipLine",
            Kind::CustomerInvoice => "CustomerInvoice",
            Kind::CustomerInvoiceLine => "CustomerInvoiceLine",
            Kind::GlVoucher => "GlVoucher",
            Kind::ExchangeRate => "ExchangeRate",
            Kind::CustomerPayment => "CustomerPayment",
            Kind::PickingList => "PickingList",
            Kind::PickingListLine => "PickingListLine",
            Kind::OrderHold => "OrderHold",
            Kind::ApprovalRequest => "ApprovalRequest",
            Kind::UpsellSuggestion => "UpsellSuggestion",
        }
    }
}

/// Encodes a global ID.
pub fn encode(kind: Kind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Why an ID was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Not an ID this server issued.
    Malformed,
    /// An ID of another type.
    WrongKind {
        /// What the field takes.
        expected: &'static str,
        /// What was given.
        got: &'static str,
    },
}

impl IdError {
    /// A sentence for a person.
    pub fn message(&self, field: &str) -> String {
        match self {
            IdError::Malformed => format!("{field} is not a valid ID"),
            IdError::WrongKind { expected, got } => {
                format!("{field} must be the ID of a {expected}, not of a {got}")
            }
        }
    }
}

/// Decodes any global ID.
pub fn decode_any(id: &str) -> Result<(Kind, i64), IdError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(id.trim())
        .map_err(|_| IdError::Malformed)?;
    let s = String::from_utf8(bytes).map_err(|_| IdError::Malformed)?;
    let (name, num) = s.split_once(':').ok_or(IdError::Malformed)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or(IdError::Malformed)?;
    let n: i64 = num.parse().map_err(|_| IdError::Malformed)?;
    if n <= 0 {
        return Err(IdError::Malformed);
    }
    Ok((kind, n))
}

/// Decodes an ID that must be of `kind`.
pub fn decode(id: &str, kind: Kind) -> Result<i64, IdError> {
    let (k, n) = decode_any(id)?;
    if k != kind {
        return Err(IdError::WrongKind {
            expected: kind.name(),
            got: k.name(),
        });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let id = encode(Kind::Customer, 42);
        assert_eq!(decode(&id, Kind::Customer), Ok(42));
        assert_eq!(
            decode(&id, Kind::Item),
            Err(IdError::WrongKind {
                expected: "Item",
                got: "Customer"
            })
        );
        assert_eq!(decode("not-an-id", Kind::Item), Err(IdError::Malformed));
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode("Customer:-1"), Kind::Customer),
            Err(IdError::Malformed)
        );
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode("Secret:1"), Kind::Customer),
            Err(IdError::Malformed)
        );
    }
}
