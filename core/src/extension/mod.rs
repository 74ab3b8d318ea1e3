//! The extension host: the traits behind every extension point, the registry that holds the
//! built-in implementations and the plugins' side by side, and the loader for plugins.
//!
//! Owns: [`OrderTypeRules`], [`InvoiceFormat`], [`PromisingCalculator`] (what the rest of core
//! calls), [`registry::Registry`] (one per process, read-only once built) and
//! [`loader`] (hash check, manifest check, init, calls through the C ABI).
//! Must never: hold a database transaction while an extension runs, or call a plugin on an
//! async worker thread (the registry's async methods move plugin calls to the blocking pool).
//!
//! Built-in behaviour implements the same traits and registers in the same registry as plugins
//! do, so there is one mechanism. The messages are the SDK's ([`mercator_plugin_sdk::messages`]).

pub mod builtin;
pub mod loader;
pub mod registry;
pub mod schema;

pub use mercator_plugin_sdk::messages;
use messages::{
    PromisingRequest, PromisingResponse, RenderInvoiceRequest, TransitionRequest, UserError,
    ValidateOrderRequest,
};

/// Why an extension call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    /// Refused by the extension's business rules.
    #[error("refused: {}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Rejected(Vec<UserError>),
    /// No extension of this kind is registered under that code.
    #[error("no {kind} with code {code} is registered")]
    UnknownCode {
        /// `order type`, `invoice format` or `promising calculator`.
        kind: &'static str,
        /// The code asked for.
        code: String,
    },
    /// The provider does not implement the operation.
    #[error("{provider} does not support {operation}")]
    Unsupported {
        /// Who was asked.
        provider: String,
        /// What was asked.
        operation: &'static str,
    },
    /// The plugin failed (a panic, a bug, a request it could not read).
    #[error("plugin {plugin} failed in {operation}: {message}")]
    Fault {
        /// Plugin id.
        plugin: String,
        /// Operation.
        operation: &'static str,
        /// What it said.
        message: String,
    },
    /// The plugin did not answer within the call deadline (`[plugin_limits] call_timeout_ms`).
    #[error("plugin {plugin} did not answer within {after_ms} ms")]
    Timeout {
        /// Plugin id.
        plugin: String,
        /// The deadline, in milliseconds.
        after_ms: u64,
    },
    /// The plugin answered something that is not the message it should be.
    #[error("plugin {plugin} returned a malformed response to {operation}: {message}")]
    Malformed {
        /// Plugin id.
        plugin: String,
        /// Operation.
        operation: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl ExtensionError {
    /// The public error code: `PLUGIN_FAULT` for faults and malformed answers, `UNSUPPORTED`,
    /// `NOT_FOUND` for an unknown code, `REJECTED` for business refusals (whose own codes go
    /// to `userErrors`).
    pub fn code(&self) -> &'static str {
        match self {
            ExtensionError::Rejected(_) => "REJECTED_BY_EXTENSION",
            ExtensionError::UnknownCode { .. } => "NOT_FOUND",
            ExtensionError::Unsupported { .. } => "UNSUPPORTED",
            ExtensionError::Fault { .. } | ExtensionError::Malformed { .. } => "PLUGIN_FAULT",
            ExtensionError::Timeout { .. } => "PLUGIN_TIMEOUT",
        }
    }

    /// A refusal with one user error.
    pub fn reject(code: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        ExtensionError::Rejected(vec![UserError::new(code, field, message)])
    }
}

/// Rules of an order type: validation of an order and a veto on its transitions.
pub trait OrderTypeRules: Send + Sync {
    /// Checks an order of this type before it is saved.
    fn validate(&self, request: &ValidateOrderRequest) -> Result<(), ExtensionError>;
    /// Allows or vetoes a transition the status machine would allow.
    fn check_transition(&self, request: &TransitionRequest) -> Result<(), ExtensionError>;
}

/// An invoice format: renders an invoice document to bytes.
pub trait InvoiceFormat: Send + Sync {
    /// Renders the invoice.
    fn render(&self, request: &RenderInvoiceRequest) -> Result<Vec<u8>, ExtensionError>;
}

/// A promising-date calculator: a batch of lines in, promised dates out (same order).
pub trait PromisingCalculator: Send + Sync {
    /// Promises dates.
    fn promise(&self, request: &PromisingRequest) -> Result<PromisingResponse, ExtensionError>;
}
