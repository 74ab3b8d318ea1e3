//! The schema's roots, `Query` and `Mutation`, merged from one object per area (the only module
//! that names every area's queries and mutations).

/// The root of all queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    super::node::NodeQuery,
    super::query::CoreQuery,
    super::crm_query::CrmQuery,
    super::pricing::PricingQuery,
    super::sales::SalesQuery,
    super::sales::QuotationQuery,
    super::workflow::WorkflowQuery,
    super::sales::StandardQuery,
    super::upsell::UpsellQuery,
);

/// The root of all mutations.
#[derive(async_graphql::MergedObject, Default)]
pub struct Mutation(
    super::node::ArchiveMutation,
    super::mutation::CoreMutation,
    super::crm_mutation::CrmMutation,
    super::pricing::PricingMutation,
    super::sales::SalesMutation,
    super::sales::QuotationMutation,
    super::workflow::WorkflowMutation,
    super::sales::StandardMutation,
    super::upsell::UpsellMutation,
);
