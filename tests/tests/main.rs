//! The one integration-test binary: every module drives the real server over HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "tests"
)]

mod approvals;
mod auth;
mod bench;
mod cli;
mod concurrency;
mod crash;
mod decimals;
mod docs;
mod fuzz;
mod hardening;
mod http;
mod inventory;
mod invoicing;
mod masterdata;
mod merge;
mod numbering;
mod order_types;
mod orders;
mod pagination;
mod plugins;
mod pricing;
mod quotations;
mod receivables;
mod relationships;
mod schema;
mod shipping;
mod sqlite;
mod statements;
mod tidy;
