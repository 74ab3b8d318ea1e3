//! Mercator's domain: entities, migrations, domain services and (soon) the extension host.
//!
//! **Architecture invariant:** this crate never depends on async-graphql or poem. Services take
//! a connection or transaction (`&impl ConnectionTrait`) and return a typed error; the API
//! decides transactions and maps errors to public codes.

pub mod auth;
pub mod catalog;
pub mod codes;
pub mod crm;
pub mod db;
pub mod demo;
pub mod digest;
pub mod error;
pub mod extension;
pub mod gl;
pub mod inventory;
pub mod migration;
pub mod money;
pub mod numbering;
pub mod paging;
pub mod parties;
pub mod pricing;
pub mod purchasing;
pub mod reads;
pub mod receivables;
pub mod refs;
pub mod sales;
pub mod setup;
pub mod stats;
pub mod tax;
pub mod trade;
pub mod validate;

pub use catalog::ItemKind;
pub use inventory::EntryType;
pub use numbering::SequenceKind;
pub use parties::{Blocked, PartyKind};
pub use setup::RoundingModeDb;
