//! Mercator's API: the GraphQL schema, the HTTP server, configuration and the CLI.
//!
//! **Architecture invariant:** this crate never writes an ActiveModel itself; it calls core
//! services. It owns HTTP, GraphQL, auth headers, metrics and configuration.

pub mod cli;
pub mod config;
pub mod graphiql;
pub mod graphql;
pub mod metrics;
pub mod server;
