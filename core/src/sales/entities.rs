//! Tables of the sales area.

use sea_orm::entity::prelude::*;

/// Where a line's unit price came from (stored as a code; the agreement line, when there is
/// one, in `price_agreement_line_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum PriceSource {
    /// Typed on the line.
    #[sea_orm(string_value = "manual")]
    Manual,
    /// The item's base sales price.
    #[sea_orm(string_value = "base_price")]
    BasePrice,
    /// A trade agreement price line.
    #[sea_orm(string_value = "trade_agreement")]
    TradeAgreement,
}
crate::enum_cell!(PriceSource);

/// A sales order header.
pub mod sales_order {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `sales_orders`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_orders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub order_type: String,
        pub customer_id: i64,
        pub invoice_customer_id: i64,
        pub currency_id: i64,
        pub order_date: Date,
        pub requested_ship_date: Option<Date>,
        pub customer_reference: Option<String>,
        pub attributes: Option<String>,
        pub status: super::super::OrderStatus,
        pub release_status: super::super::ReleaseStatus,
        pub net_amount: Amount,
        pub tax_amount: Amount,
        pub total_amount: Amount,
        pub rma_number: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub quotation_id: Option<i64>,
        pub document_status: super::super::DocumentStatus,
        pub confirmed_version: Option<i32>,
        pub needs_reconfirmation: bool,
        pub invoice_discount_amount: Amount,
        /// The client's key of the creating request (a retry returns this order).
        pub idempotency_key: Option<String>,
        /// What the creating request asked for (see `sales::create_order`).
        pub request_digest: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A sales order line with its quantity counters.
pub mod sales_order_line {
    use crate::money::{Amount, Quantity, Rate, UnitPrice};
    use sea_orm::entity::prelude::*;
    /// A row of `sales_order_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_order_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub order_id: i64,
        pub line_number: i32,
        pub item_id: i64,
        pub description: String,
        pub unit_id: i64,
        pub quantity: Quantity,
        pub unit_price: UnitPrice,
        pub price_source: super::PriceSource,
        /// The trade agreement price line, when `price_source` is `TradeAgreement`.
        pub price_agreement_line_id: Option<i64>,
        pub discount_percent: Rate,
        pub discount_amount: UnitPrice,
        pub discount_source: Option<String>,
        pub line_amount: Amount,
        pub tax_code_id: Option<i64>,
        pub tax_amount: Amount,
        pub delivered: Quantity,
        pub invoiced: Quantity,
        pub canceled: Quantity,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub invoice_discount_amount: Amount,
        pub suggested_from_line_id: Option<i64>,
        /// A subscription line's quantity per period (set at its first renewal).
        pub period_quantity: Option<Quantity>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A sales quotation header.
pub mod sales_quotation {
    use crate::money::Amount;
    use sea_orm::entity::prelude::*;
    /// A row of `sales_quotations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_quotations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub customer_id: Option<i64>,
        pub prospect_id: Option<i64>,
        pub currency_id: i64,
        pub tax_group: Option<String>,
        pub quotation_date: Date,
        pub valid_until: Option<Date>,
        pub requested_ship_date: Option<Date>,
        pub opportunity_id: Option<i64>,
        pub campaign_id: Option<i64>,
        pub status: super::super::QuotationStatus,
        pub status_reason: Option<String>,
        pub sent_count: i32,
        pub sent_at: Option<DateTimeUtc>,
        pub confirmed_at: Option<DateTimeUtc>,
        pub sales_order_id: Option<i64>,
        pub net_amount: Amount,
        pub tax_amount: Amount,
        pub total_amount: Amount,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub invoice_discount_amount: Amount,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A sales quotation line.
pub mod sales_quotation_line {
    use crate::money::{Amount, Quantity, Rate, UnitPrice};
    use sea_orm::entity::prelude::*;
    /// A row of `sales_quotation_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_quotation_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub quotation_id: i64,
        pub line_number: i32,
        pub item_id: i64,
        pub description: String,
        pub unit_id: i64,
        pub quantity: Quantity,
        pub unit_price: UnitPrice,
        pub price_source: super::PriceSource,
        /// The trade agreement price line, when `price_source` is `TradeAgreement`.
        pub price_agreement_line_id: Option<i64>,
        pub discount_percent: Rate,
        pub discount_amount: UnitPrice,
        pub discount_source: Option<String>,
        pub line_amount: Amount,
        pub tax_code_id: Option<i64>,
        pub tax_amount: Amount,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub invoice_discount_amount: Amount,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Invoice discount terms: per code and currency, the percentage from a minimum amount.
pub mod invoice_discount_term {
    use crate::money::{Amount, Rate};
    use sea_orm::entity::prelude::*;
    /// A row of `invoice_discount_terms`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invoice_discount_terms")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub code: String,
        pub currency_id: i64,
        pub minimum_amount: Amount,
        pub discount_percent: Rate,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

// The SQLite read path decodes these models field by field (core/src/reads.rs, `FastModel`):
// each list names every field (a struct literal: the compiler refuses a missing one).
crate::fast_row!(sales_order::Model {
    id,
    company_id,
    number,
    order_type,
    customer_id,
    invoice_customer_id,
    currency_id,
    order_date,
    requested_ship_date,
    customer_reference,
    attributes,
    status,
    release_status,
    net_amount,
    tax_amount,
    total_amount,
    rma_number,
    created_at,
    updated_at,
    quotation_id,
    document_status,
    confirmed_version,
    needs_reconfirmation,
    invoice_discount_amount,
    idempotency_key,
    request_digest,
});
crate::fast_model!(sales_order::Model);

crate::fast_row!(sales_order_line::Model {
    id,
    company_id,
    order_id,
    line_number,
    item_id,
    description,
    unit_id,
    quantity,
    unit_price,
    price_source,
    price_agreement_line_id,
    discount_percent,
    discount_amount,
    discount_source,
    line_amount,
    tax_code_id,
    tax_amount,
    delivered,
    invoiced,
    canceled,
    created_at,
    updated_at,
    invoice_discount_amount,
    suggested_from_line_id,
    period_quantity,
});
crate::fast_model!(sales_order_line::Model);

/// A packing slip (a posted shipment of an order; a reversal has negative quantities).
pub mod packing_slip {
    use sea_orm::entity::prelude::*;
    /// A row of `packing_slips`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "packing_slips")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub order_id: i64,
        pub customer_id: i64,
        pub warehouse_id: i64,
        pub ship_date: Date,
        /// The packing slip this one reverses.
        pub reverses_id: Option<i64>,
        /// The packing slip that reversed this one.
        pub reversed_by_id: Option<i64>,
        pub idempotency_key: Option<String>,
        pub created_at: DateTimeUtc,
        /// What a posting with an idempotency key asked for (see `shipping`).
        pub request_digest: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a packing slip: what it shipped of one order line.
pub mod packing_slip_line {
    use crate::money::Quantity;
    use sea_orm::entity::prelude::*;
    /// A row of `packing_slip_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "packing_slip_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub packing_slip_id: i64,
        pub order_line_id: i64,
        pub item_id: i64,
        /// Shipped quantity (negative on a reversal).
        pub quantity: Quantity,
        /// How much of it was invoiced.
        pub invoiced: Quantity,
        /// The stock movement, for a stocked item.
        pub item_ledger_entry_id: Option<i64>,
        /// The remainder this shipment closed (under-delivery tolerance), canceled on the line;
        /// its reversal opens it again.
        pub closed: Quantity,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A posted customer invoice (from orders or packing slips, or free text). Never updated.
pub mod customer_invoice {
    use crate::money::{Amount, Rate};
    use sea_orm::entity::prelude::*;
    /// A row of `customer_invoices`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_invoices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub kind: super::super::invoicing::InvoiceKind,
        pub number: String,
        /// The invoice account (bill-to customer).
        pub customer_id: i64,
        pub currency_id: i64,
        pub invoice_date: Date,
        pub due_date: Date,
        pub cash_discount_date: Option<Date>,
        pub cash_discount_amount: Amount,
        /// Base-currency units per document-currency unit.
        pub exchange_rate: Rate,
        /// Σ line amounts (after line discounts, before the invoice discount).
        pub line_amount: Amount,
        pub invoice_discount_amount: Amount,
        pub net_amount: Amount,
        pub tax_amount: Amount,
        pub rounding_amount: Amount,
        pub total_amount: Amount,
        pub base_net_amount: Amount,
        pub base_tax_amount: Amount,
        pub base_total_amount: Amount,
        pub voucher_id: i64,
        pub idempotency_key: Option<String>,
        pub request_digest: Option<String>,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The document of a posted invoice as it was posted (the neutral message, as JSON).
pub mod customer_invoice_document {
    use sea_orm::entity::prelude::*;
    /// A row of `customer_invoice_documents`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_invoice_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub invoice_id: i64,
        pub company_id: i64,
        pub document: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a posted customer invoice: what it bills of a packing-slip line (and so of an
/// order line), or a free text line on a revenue account.
pub mod customer_invoice_line {
    use crate::money::{Amount, Quantity, UnitPrice};
    use sea_orm::entity::prelude::*;
    /// A row of `customer_invoice_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_invoice_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub invoice_id: i64,
        pub line_number: i32,
        pub order_id: Option<i64>,
        pub order_line_id: Option<i64>,
        pub packing_slip_line_id: Option<i64>,
        pub item_id: Option<i64>,
        pub description: String,
        /// The revenue account credited.
        pub account: String,
        pub quantity: Quantity,
        pub unit_id: Option<i64>,
        /// Unit price before discounts.
        pub unit_price: UnitPrice,
        /// Net of line discounts, before the invoice discount.
        pub line_amount: Amount,
        pub invoice_discount_amount: Amount,
        pub tax_code_id: Option<i64>,
        pub tax_amount: Amount,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A picking list: what to pick of an order's lines from one warehouse.
pub mod picking_list {
    use sea_orm::entity::prelude::*;
    /// A row of `picking_lists`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "picking_lists")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub number: String,
        pub order_id: i64,
        pub warehouse_id: i64,
        pub status: super::super::picking::PickingStatus,
        pub created_at: DateTimeUtc,
        pub registered_at: Option<DateTimeUtc>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a picking list: how much of an order line to pick, and how much was picked.
pub mod picking_list_line {
    use crate::money::Quantity;
    use sea_orm::entity::prelude::*;
    /// A row of `picking_list_lines`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "picking_list_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub company_id: i64,
        pub picking_list_id: i64,
        pub order_line_id: i64,
        pub item_id: i64,
        /// To pick, in the order line's unit.
        pub quantity: Quantity,
        /// Picked (registered).
        pub picked: Quantity,
        /// How much of the picked quantity packing slips shipped.
        pub shipped: Quantity,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

// The invoice list reads these through the same typed read path as orders (`reads::FastModel`).
crate::fast_row!(customer_invoice::Model {
    id,
    company_id,
    kind,
    number,
    customer_id,
    currency_id,
    invoice_date,
    due_date,
    cash_discount_date,
    cash_discount_amount,
    exchange_rate,
    line_amount,
    invoice_discount_amount,
    net_amount,
    tax_amount,
    rounding_amount,
    total_amount,
    base_net_amount,
    base_tax_amount,
    base_total_amount,
    voucher_id,
    idempotency_key,
    request_digest,
    created_at,
});
crate::fast_model!(customer_invoice::Model);

crate::fast_row!(customer_invoice_line::Model {
    id,
    company_id,
    invoice_id,
    line_number,
    order_id,
    order_line_id,
    packing_slip_line_id,
    item_id,
    description,
    account,
    quantity,
    unit_id,
    unit_price,
    line_amount,
    invoice_discount_amount,
    tax_code_id,
    tax_amount,
});
crate::fast_model!(customer_invoice_line::Model);
