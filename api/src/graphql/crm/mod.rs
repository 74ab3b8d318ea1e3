//! CRM: campaigns, call lists, leads, opportunities, sales cycles, interactions, merges.

pub mod mutation;
pub mod query;
pub mod types;
