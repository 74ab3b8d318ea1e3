//! The schema's roots, `Query` and `Mutation`, merged from one object per area (the only module
//! that names every area's queries and mutations).

/// The root of all queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    super::node::NodeQuery,
    super::auth::AuthQuery,
    super::setup::SetupQuery,
    super::plugins::PluginsQuery,
    super::parties::PartiesQuery,
    super::purchasing::PurchasingQuery,
    super::catalog::CatalogQuery,
    super::crm::query::CrmQuery,
    super::trade::TradeQuery,
    super::sales::orders::SalesQuery,
    super::sales::quotations::QuotationQuery,
    super::sales::workflow::WorkflowQuery,
    super::sales::shipping::ShippingQuery,
    super::sales::invoicing::InvoicingQuery,
    super::sales::receivables::ReceivablesQuery,
    super::sales::standard::StandardQuery,
    super::sales::upsell::UpsellQuery,
);

/// The root of all mutations.
#[derive(async_graphql::MergedObject, Default)]
pub struct Mutation(
    super::node::ArchiveMutation,
    super::auth::AuthMutation,
    super::setup::SetupMutation,
    super::parties::PartiesMutation,
    super::purchasing::PurchasingMutation,
    super::catalog::CatalogMutation,
    super::crm::mutation::CrmMutation,
    super::trade::TradeMutation,
    super::sales::orders::SalesMutation,
    super::sales::quotations::QuotationMutation,
    super::sales::workflow::WorkflowMutation,
    super::sales::shipping::ShippingMutation,
    super::sales::invoicing::InvoicingMutation,
    super::sales::receivables::ReceivablesMutation,
    super::sales::standard::StandardMutation,
    super::sales::upsell::UpsellMutation,
);
