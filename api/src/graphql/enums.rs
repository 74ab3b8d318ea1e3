//! GraphQL enums and their conversions from core enums (exhaustive both ways).

use async_graphql::Enum;
use mercator_core as core_;

/// Organisation or person.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PartyKind {
    /// A company, association or authority.
    Organization,
    /// A natural person.
    Person,
}
impl From<core_::PartyKind> for PartyKind {
    fn from(k: core_::PartyKind) -> Self {
        match k {
            core_::PartyKind::Organization => PartyKind::Organization,
            core_::PartyKind::Person => PartyKind::Person,
        }
    }
}
impl From<PartyKind> for core_::PartyKind {
    fn from(k: PartyKind) -> Self {
        match k {
            PartyKind::Organization => core_::PartyKind::Organization,
            PartyKind::Person => core_::PartyKind::Person,
        }
    }
}

/// Which transactions are blocked for a customer.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// Not blocked.
    No,
    /// Invoicing is blocked; orders and shipments are allowed.
    Invoice,
    /// Every transaction is blocked.
    All,
}
impl From<core_::Blocked> for Blocked {
    fn from(k: core_::Blocked) -> Self {
        match k {
            core_::Blocked::No => Blocked::No,
            core_::Blocked::Invoice => Blocked::Invoice,
            core_::Blocked::All => Blocked::All,
        }
    }
}
impl From<Blocked> for core_::Blocked {
    fn from(k: Blocked) -> Self {
        match k {
            Blocked::No => core_::Blocked::No,
            Blocked::Invoice => core_::Blocked::Invoice,
            Blocked::All => core_::Blocked::All,
        }
    }
}

/// Whether an item is kept in stock.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// Physical goods with on-hand stock per warehouse.
    Stocked,
    /// A service; it has no stock.
    Service,
}
impl From<core_::ItemKind> for ItemKind {
    fn from(k: core_::ItemKind) -> Self {
        match k {
            core_::ItemKind::Stocked => ItemKind::Stocked,
            core_::ItemKind::Service => ItemKind::Service,
        }
    }
}
impl From<ItemKind> for core_::ItemKind {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Stocked => core_::ItemKind::Stocked,
            ItemKind::Service => core_::ItemKind::Service,
        }
    }
}

/// Direction of a rounding to a precision step.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// To the nearest step; a tie goes away from zero (never banker's rounding).
    Nearest,
    /// Away from zero.
    Up,
    /// Towards zero.
    Down,
}
impl From<core_::money::RoundingMode> for RoundingMode {
    fn from(k: core_::money::RoundingMode) -> Self {
        match k {
            core_::money::RoundingMode::Nearest => RoundingMode::Nearest,
            core_::money::RoundingMode::Up => RoundingMode::Up,
            core_::money::RoundingMode::Down => RoundingMode::Down,
        }
    }
}
impl From<RoundingMode> for core_::money::RoundingMode {
    fn from(k: RoundingMode) -> Self {
        match k {
            RoundingMode::Nearest => core_::money::RoundingMode::Nearest,
            RoundingMode::Up => core_::money::RoundingMode::Up,
            RoundingMode::Down => core_::money::RoundingMode::Down,
        }
    }
}

/// What an address is used for.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AddressPurpose {
    /// Invoices are sent here.
    Invoice,
    /// Goods are delivered here.
    Delivery,
    /// Registered or visiting address.
    Business,
}
impl From<AddressPurpose> for core_::parties::AddressPurpose {
    fn from(k: AddressPurpose) -> Self {
        match k {
            AddressPurpose::Invoice => core_::parties::AddressPurpose::Invoice,
            AddressPurpose::Delivery => core_::parties::AddressPurpose::Delivery,
            AddressPurpose::Business => core_::parties::AddressPurpose::Business,
        }
    }
}

/// A role of an API token.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
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
impl From<core_::auth::Role> for Role {
    fn from(k: core_::auth::Role) -> Self {
        match k {
            core_::auth::Role::Viewer => Role::Viewer,
            core_::auth::Role::Clerk => Role::Clerk,
            core_::auth::Role::Poster => Role::Poster,
            core_::auth::Role::Approver => Role::Approver,
            core_::auth::Role::Admin => Role::Admin,
        }
    }
}

/// The document kind a number sequence numbers.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
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
}
impl From<core_::SequenceKind> for SequenceKind {
    fn from(k: core_::SequenceKind) -> Self {
        match k {
            core_::SequenceKind::Customer => SequenceKind::Customer,
            core_::SequenceKind::Vendor => SequenceKind::Vendor,
            core_::SequenceKind::Item => SequenceKind::Item,
            core_::SequenceKind::Prospect => SequenceKind::Prospect,
            core_::SequenceKind::Campaign => SequenceKind::Campaign,
            core_::SequenceKind::Lead => SequenceKind::Lead,
            core_::SequenceKind::Opportunity => SequenceKind::Opportunity,
            core_::SequenceKind::SalesOrder => SequenceKind::SalesOrder,
            core_::SequenceKind::Rma => SequenceKind::Rma,
            core_::SequenceKind::Quotation => SequenceKind::Quotation,
        }
    }
}

/// Why stock moved.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EntryType {
    /// A manual inventory adjustment (count, write-off, opening balance).
    Adjustment,
}
impl From<core_::EntryType> for EntryType {
    fn from(k: core_::EntryType) -> Self {
        match k {
            core_::EntryType::Adjustment => EntryType::Adjustment,
        }
    }
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
pub enum PricingRule {
    /// D365 trade agreements: combinations in priority order (customer, group, all × item,
    /// group, all) with Find next; the lowest price among those found; discounts added.
    TradeAgreements,
    /// BC best price: the lowest permissible price and the highest single line discount.
    BestPrice,
}
impl From<core_::setup::PricingRule> for PricingRule {
    fn from(k: core_::setup::PricingRule) -> Self {
        match k {
            core_::setup::PricingRule::TradeAgreements => PricingRule::TradeAgreements,
            core_::setup::PricingRule::BestPrice => PricingRule::BestPrice,
        }
    }
}
/// How sales tax is computed on a company's documents.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TaxMode {
    /// Per document and tax code on the sum of the net amounts, rounded once (half away from
    /// zero) and allocated to the lines by largest remainder (the default).
    Document,
    /// Per line, each rounded; the document tax is the sum of the lines.
    PerLine,
}
impl From<core_::tax::TaxMode> for TaxMode {
    fn from(k: core_::tax::TaxMode) -> Self {
        match k {
            core_::tax::TaxMode::Document => TaxMode::Document,
            core_::tax::TaxMode::PerLine => TaxMode::PerLine,
        }
    }
}
impl From<TaxMode> for core_::tax::TaxMode {
    fn from(k: TaxMode) -> Self {
        match k {
            TaxMode::Document => core_::tax::TaxMode::Document,
            TaxMode::PerLine => core_::tax::TaxMode::PerLine,
        }
    }
}
impl From<PricingRule> for core_::setup::PricingRule {
    fn from(k: PricingRule) -> Self {
        match k {
            PricingRule::TradeAgreements => core_::setup::PricingRule::TradeAgreements,
            PricingRule::BestPrice => core_::setup::PricingRule::BestPrice,
        }
    }
}

/// Maps a core enum onto its GraphQL mirror, variant by variant (exhaustive: a new core
/// variant does not compile until it is named here).
macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident from $core:path { $($(#[$vmeta:meta])* $v:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $v),*
        }
        impl From<$core> for $name {
            fn from(s: $core) -> Self {
                use $core as C;
                match s {
                    $(C::$v => $name::$v),*
                }
            }
        }
    };
}

mirror! {
    /// Whether a hold still applies to its order.
    HoldStatus from core_::sales::workflow::HoldStatus {
        /// Applies: the order cannot be released, picked, shipped or invoiced.
        Active,
        /// Cleared; kept as history.
        Cleared,
    }
}

mirror! {
    /// Where an approval request stands.
    ApprovalRequestStatus from core_::sales::workflow::RequestStatus {
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
    SuggestionStatus from core_::sales::upsell::SuggestionStatus {
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
    DocumentStatus from core_::sales::DocumentStatus {
        /// Nothing posted yet.
        None,
        /// A confirmation was posted (see `confirmedVersion`).
        Confirmation,
    }
}

mirror! {
    /// What a merge joined.
    MergeKind from core_::crm::merge::DuplicateKind {
        /// Two customers.
        Customer,
        /// Two contact persons.
        Contact,
    }
}

mirror! {
    /// When a customer's standard sales code reaches its orders.
    StandardCodeInsert from core_::sales::standard::InsertOnOrder {
        /// Into every new order of the customer, when the order is created.
        Automatic,
        /// Only when a clerk inserts it (`salesOrderStandardLinesInsert`).
        Manual,
    }
}

mirror! {
    /// The outcome of a confirmation's credit check.
    CreditCheckResult from core_::sales::confirm::CreditCheck {
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
