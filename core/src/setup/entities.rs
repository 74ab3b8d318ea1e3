//! Tables of the setup area: companies, currencies, tax codes, payment terms.

/// A company (legal entity). Every business row belongs to one.
pub mod company {
    use sea_orm::entity::prelude::*;
    /// A row of `companies`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "companies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub base_currency_code: String,
        pub pricing_rule: super::super::PricingRule,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
        pub approval_threshold: Option<crate::money::Amount>,
        pub tax_mode: crate::tax::TaxMode,
        pub default_tax_group: Option<String>,
        /// How much more than a line's remainder a packing slip may ship, in percent of the
        /// line's quantity.
        pub over_delivery_percent: crate::money::Rate,
        /// A remainder at most this percent of the line's quantity, left after a packing slip,
        /// closes the line.
        pub under_delivery_percent: crate::money::Rate,
        /// General-ledger account of receivables (an invoice's total is debited to it).
        pub receivable_account: String,
        /// Revenue account of item lines.
        pub revenue_account: String,
        /// Account the invoice discount is debited to.
        pub invoice_discount_account: String,
        /// Tax payable account.
        pub tax_account: String,
        /// Account of invoice rounding differences.
        pub rounding_account: String,
        /// Bank or cash account a customer payment is debited to.
        pub cash_account: String,
        /// Account a cash discount taken by a payment is debited to.
        pub cash_discount_account: String,
        /// Account a residual within the payment tolerance is written off to.
        pub write_off_account: String,
        /// Largest residual a payment may leave and still close an entry, in the base
        /// currency (0: none).
        pub payment_tolerance_amount: crate::money::Amount,
        /// Payment tolerance in percent of an entry's original amount (0: none; capped by
        /// the amount when both are set).
        pub payment_tolerance_percent: crate::money::Rate,
        /// Invoice numbers follow posting dates: a posting dated before the sequence's last
        /// posted number is refused.
        pub chronological_numbering: bool,
        /// VAT identifier printed on invoices as the seller's.
        pub vat_id: Option<String>,
        /// Legal registration identifier.
        pub legal_id: Option<String>,
        /// Address printed on invoices.
        pub street: Option<String>,
        pub city: Option<String>,
        pub postal_code: Option<String>,
        /// ISO 3166-1 alpha-2.
        pub country_code: Option<String>,
        /// Packing slips ship only what registered picking lists picked.
        pub picking_required: bool,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A currency of a company, with its rounding precisions.
pub mod currency {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `currencies`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "currencies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub name: String,
        pub amount_precision: Rate,
        pub unit_price_precision: Rate,
        pub invoice_rounding_precision: Rate,
        pub invoice_rounding_mode: super::super::RoundingModeDb,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A sales tax code with its rate.
pub mod tax_code {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `tax_codes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tax_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub name: String,
        pub rate: Rate,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Payment terms: net days and cash discount.
pub mod payment_terms {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `payment_terms`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_terms")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub description: String,
        pub net_days: i32,
        pub cash_discount_percent: Rate,
        pub cash_discount_days: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub archived_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Customer tax group × item tax group → tax code.
pub mod tax_setup {
    use sea_orm::entity::prelude::*;
    /// A row of `tax_setups`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tax_setups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub customer_tax_group: String,
        pub item_tax_group: String,
        pub tax_code_id: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// An exchange rate of a currency into the company's base currency, valid from a date until
/// the next rate of the currency.
pub mod exchange_rate {
    use crate::money::Rate;
    use sea_orm::entity::prelude::*;
    /// A row of `exchange_rates`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "exchange_rates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub currency_id: i64,
        pub valid_from: Date,
        /// Base-currency units per unit of the currency.
        pub rate: Rate,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
