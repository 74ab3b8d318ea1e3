//! GraphQL enums and their conversions from core enums (exhaustive both ways).

use async_graphql::Enum;
use mercator_core as core_;

/// Organisation or person.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::PartyKind")]
pub enum PartyKind {
    /// A company, association or authority.
    Organization,
    /// A natural person.
    Person,
}

/// Which transactions are blocked for a customer.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::Blocked")]
pub enum Blocked {
    /// Not blocked.
    No,
    /// Invoicing is blocked; orders and shipments are allowed.
    Invoice,
    /// Every transaction is blocked.
    All,
}

/// Whether an item is kept in stock.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::ItemKind")]
pub enum ItemKind {
    /// Physical goods with on-hand stock per warehouse.
    Stocked,
    /// A service; it has no stock.
    Service,
}

/// Direction of a rounding to a precision step.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::money::RoundingMode")]
pub enum RoundingMode {
    /// To the nearest step; a tie goes away from zero (never banker's rounding).
    Nearest,
    /// Away from zero.
    Up,
    /// Towards zero.
    Down,
}

/// What an address is used for.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::parties::AddressPurpose")]
pub enum AddressPurpose {
    /// Invoices are sent here.
    Invoice,
    /// Goods are delivered here.
    Delivery,
    /// Registered or visiting address.
    Business,
}

/// A role of an API token.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::auth::Role")]
pub enum Role {
    /// Read only.
    Viewer,
    /// Creates and changes master data and draft documents.
    Clerk,
    /// Posts documents.
    Poster,
    /// Approves documents waiting for approval.
    Approver,
    /// Everything, including setup and merges.
    Admin,
}

/// The document kind a number sequence numbers.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::SequenceKind")]
pub enum SequenceKind {
    /// Customer account numbers.
    Customer,
    /// Vendor account numbers.
    Vendor,
    /// Item numbers.
    Item,
    /// Prospect numbers.
    Prospect,
    /// Campaign numbers.
    Campaign,
    /// Lead numbers.
    Lead,
    /// Opportunity numbers.
    Opportunity,
    /// Sales order numbers.
    SalesOrder,
    /// RMA numbers of returned orders.
    Rma,
    /// Sales quotation numbers.
    Quotation,
    /// Packing slip numbers.
    PackingSlip,
    /// Picking list numbers.
    PickingList,
    /// Posted customer invoice numbers (continuous: no gaps).
    Invoice,
    /// Posted free text invoice numbers (continuous: no gaps).
    FreeTextInvoice,
    /// General-ledger voucher numbers (continuous: no gaps).
    Voucher,
    /// Customer payment numbers (continuous: no gaps).
    Payment,
}

/// Why stock moved.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::EntryType")]
pub enum EntryType {
    /// A manual inventory adjustment (count, write-off, opening balance).
    Adjustment,
    /// Shipped to a customer on a packing slip (negative), or back from its reversal.
    Sale,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SortDirection {
    /// Smallest first (A to Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z to A, newest first).
    Desc,
}

/// Which rows a list shows with respect to archiving.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ArchivedFilter {
    /// Only rows in use (the default).
    #[default]
    Active,
    /// Only archived rows.
    Archived,
    /// Both.
    All,
}

impl ArchivedFilter {
    /// As core's `Option<bool>`.
    pub fn as_opt(self) -> Option<bool> {
        match self {
            ArchivedFilter::Active => Some(false),
            ArchivedFilter::Archived => Some(true),
            ArchivedFilter::All => None,
        }
    }
}

/// How a company resolves prices and line discounts.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::setup::PricingRule")]
pub enum PricingRule {
    /// D365 trade agreements: combinations in priority order (customer, group, all × item,
    /// group, all) with Find next; the lowest price among those found; discounts added.
    TradeAgreements,
    /// BC best price: the lowest permissible price and the highest single line discount.
    BestPrice,
}
/// How sales tax is computed on a company's documents.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "core_::tax::TaxMode")]
pub enum TaxMode {
    /// Per document and tax code on the sum of the net amounts, rounded once (half away from
    /// zero) and allocated to the lines by largest remainder (the default).
    Document,
    /// Per line, each rounded; the document tax is the sum of the lines.
    PerLine,
}

/// A GraphQL mirror of a core enum, variant by variant: async-graphql's `remote` derives the
/// conversions both ways (exhaustive: a new core variant does not compile until it is named
/// here).
macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident from $core:tt { $($(#[$vmeta:meta])* $v:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(remote = $core)]
        pub enum $name {
            $($(#[$vmeta])* $v),*
        }
    };
}

mirror! {
    /// Whether a hold still applies to its order.
    HoldStatus from "core_::sales::workflow::HoldStatus" {
        /// Applies: the order cannot be released, picked, shipped or invoiced.
        Active,
        /// Cleared; kept as history.
        Cleared,
    }
}

mirror! {
    /// Where an approval request stands.
    ApprovalRequestStatus from "core_::sales::workflow::RequestStatus" {
        /// Waiting for its approver.
        Open,
        /// Approved: the order was released, or the request passed up the chain.
        Approved,
        /// Rejected: the order went back to Open.
        Rejected,
        /// Handed to another approver.
        Delegated,
    }
}

mirror! {
    /// Where an up-sell or cross-sell suggestion stands.
    SuggestionStatus from "core_::sales::upsell::SuggestionStatus" {
        /// Made, not decided yet.
        Offered,
        /// Accepted (the line was replaced or a linked line added).
        Accepted,
        /// Declined.
        Declined,
    }
}

mirror! {
    /// The highest document posted for an order so far.
    DocumentStatus from "core_::sales::DocumentStatus" {
        /// Nothing posted yet.
        None,
        /// A confirmation was posted (see `confirmedVersion`).
        Confirmation,
        /// A picking list was posted (see `pickingLists`).
        PickingList,
        /// A packing slip was posted (see `packingSlips`).
        PackingSlip,
        /// An invoice was posted (see `invoices`).
        Invoice,
    }
}

mirror! {
    /// What a merge joined.
    MergeKind from "core_::crm::merge::DuplicateKind" {
        /// Two customers.
        Customer,
        /// Two contact persons.
        Contact,
    }
}

mirror! {
    /// When a customer's standard sales code reaches its orders.
    StandardCodeInsert from "core_::sales::standard::InsertOnOrder" {
        /// Into every new order of the customer, when the order is created.
        Automatic,
        /// Only when a clerk inserts it (`salesOrderStandardLinesInsert`).
        Manual,
    }
}

mirror! {
    /// The outcome of a confirmation's credit check.
    CreditCheckResult from "core_::sales::confirm::CreditCheck" {
        /// The exposure stays within the credit limit.
        Passed,
        /// Over a credit limit that is not mandatory: confirmed with a warning.
        Warning,
        /// Skipped on request (only for a limit that is not mandatory).
        Skipped,
        /// The bill-to customer has no credit limit.
        NoCreditLimit,
    }
}

mirror! {
    /// Status of a prospect.
    ProspectStatus from "mercator_core::crm::ProspectStatus" {
        /// Being worked on.
        Active,
        /// Became a customer on the same party (`convertedCustomer`).
        Converted,
        /// No longer pursued.
        Inactive,
    }
}

mirror! {
    /// Kind of customer ledger entry.
    LedgerEntryType from "mercator_core::crm::LedgerEntryType" {
        /// An open item taken over from a previous system.
        Opening,
        /// A posted invoice.
        Invoice,
        /// A posted credit note.
        CreditNote,
        /// A payment.
        Payment,
    }
}

/// Payment status of a customer ledger entry, derived from what is left open of it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "mercator_core::receivables::PaymentStatus")]
pub enum PaymentStatus {
    /// Nothing settled yet.
    Open,
    /// Partly settled.
    PartiallyPaid,
    /// Settled in full.
    Paid,
    /// Not settled in full, and due before today.
    Overdue,
}
