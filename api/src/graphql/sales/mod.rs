//! Sales: orders, quotations, standard sales codes, the order workflow (holds, approvals,
//! confirmations), shipping (packing slips) and up-sell suggestions.

pub mod invoicing;
pub mod orders;
pub mod quotations;
pub mod receivables;
pub mod shipping;
pub mod standard;
pub mod upsell;
pub mod workflow;
