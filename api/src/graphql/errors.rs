//! Public error codes and their one mapping from core errors.
//!
//! Business-rule and input problems are `userErrors` in a mutation payload; malformed requests,
//! auth and server faults are top-level `errors` with `extensions.code`. Both use [`ErrorCode`].
//! The mapping from `core::error::Rule` is one exhaustive `match` with no `_` arm, so a new rule
//! cannot silently get a wrong public code.

use super::ids::IdError;
use super::scalars::Dec;
use async_graphql::{Enum, ErrorExtensions, SimpleObject};
use mercator_core::error::{Rule, ServiceError, Violation};
use mercator_core::extension::ExtensionError;
use rust_decimal::Decimal;

/// A stable, machine-readable error code. Codes are never renamed; new ones may be added.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// A required value is missing or blank.
    Required,
    /// A text is longer than allowed.
    TooLong,
    /// A value does not have the expected form (code, e-mail, country, decimal written as text).
    InvalidFormat,
    /// A value must not be negative.
    Negative,
    /// A decimal has more places than allowed; it is refused, never rounded.
    PrecisionExceeded,
    /// A number is outside its allowed range (including `first`/`last` over 100).
    OutOfRange,
    /// The record does not exist, or not in this company.
    NotFound,
    /// The referenced record is archived and cannot be used on new data.
    Archived,
    /// The code or number is already used in this company.
    Duplicate,
    /// The change would make on-hand stock negative.
    InsufficientStock,
    /// The item is a service and has no stock.
    NotStocked,
    /// The value is not allowed here (see the message).
    InvalidValue,
    /// The record's status does not allow this step (e.g. qualifying a disqualified lead,
    /// converting a prospect twice).
    IllegalTransition,
    /// Closing an opportunity, or disqualifying or postponing a lead, needs a reason.
    ReasonRequired,
    /// The party is not a target of the campaign.
    NotATarget,
    /// The stage move would skip a stage that may not be skipped, or leave the sales cycle.
    StageNotSkippable,
    /// A customer or contact cannot be merged into itself.
    MergeSameRecord,
    /// The two customers have different currencies and one of them has open ledger entries.
    MergeCurrencyConflict,
    /// Related rows of the two records would collide (e.g. both have an address `MAIN`);
    /// resolve each listed conflict by removing or renaming the duplicate's row.
    MergeConflict,
    /// A line quantity may not go below what was already delivered.
    QuantityBelowDelivered,
    /// A line with deliveries cannot be deleted (cancel its remainder instead).
    LineHasDeliveries,
    /// The document may no longer be changed (released, invoiced or canceled).
    DocumentLocked,
    /// A quotation to a prospect cannot be confirmed until the prospect is converted to a customer.
    ProspectNotCustomer,
    /// The quotation's validity date has passed; extend it first.
    QuotationExpired,
    /// The order has an active hold: it cannot be released, picked, shipped or invoiced.
    OrderOnHold,
    /// The order is over the company's approval threshold: send an approval request.
    ApprovalRequired,
    /// Only the request's approver (or their substitute) may decide it.
    NotApprover,
    /// The invoice account's mandatory credit limit would be exceeded (balance plus open orders).
    CreditLimitExceeded,
    /// The document has no lines: add a line before confirming or releasing it.
    NoLines,
    /// The customer has no tax group and the company no default tax group, while the company
    /// has a tax setup: the document would be untaxed. Set one of them.
    TaxGroupRequired,
    /// The ID is malformed or of another type than the field takes.
    InvalidId,
    /// A pagination cursor is malformed.
    InvalidCursor,
    /// More than a line's deliver remainder (ordered − delivered − canceled) would be shipped.
    OverDelivery,
    /// Nothing is left to ship on the order or the lines asked for.
    NothingToShip,
    /// The document was already reversed, or is itself a reversal.
    AlreadyReversed,
    /// The packing slip was (partly) invoiced and can no longer be reversed.
    AlreadyInvoiced,
    /// The idempotency key was already used for another request (another order or action).
    IdempotencyKeyReused,
    /// Nothing is left to invoice on the orders or packing slips given.
    NothingToInvoice,
    /// The documents belong to more than one invoice account; an invoice bills one.
    MixedInvoiceAccounts,
    /// The documents are in more than one currency; an invoice has one.
    MixedCurrencies,
    /// The currency has no exchange rate valid on the invoice date.
    NoExchangeRate,
    /// With chronological numbering, the date is before the date of the sequence's last
    /// posted number.
    NotChronological,
    /// The company requires picking: more would ship than registered picking lists picked and
    /// packing slips have not shipped yet.
    NotPicked,
    /// More would be applied than an entry has open, or than the payment brings.
    OverApplication,
    /// The entry is settled in full, or is not one a payment settles.
    EntryClosed,
    /// No valid bearer token was sent.
    Unauthenticated,
    /// The token lacks the role the operation needs.
    Forbidden,
    /// The token may not act in the requested company, or no company was chosen.
    CompanyNotAllowed,
    /// The request is not a well-formed GraphQL-over-HTTP request.
    BadRequest,
    /// An automatic persisted query (`extensions.persistedQuery`) this server does not know
    /// yet: send it again with its `query` (Apollo Client does so by itself).
    PersistedQueryNotFound,
    /// The query text could not be parsed.
    GraphqlParseFailed,
    /// The query does not match the schema.
    GraphqlValidationFailed,
    /// The query's cost is over the budget; the message says by how much.
    QueryTooComplex,
    /// The query is nested deeper than allowed.
    QueryTooDeep,
    /// A plugin failed (it panicked, or answered something malformed); the server carries on.
    PluginFault,
    /// A plugin did not answer within its deadline; the server carries on. Retrying may help
    /// if the plugin was only slow.
    PluginTimeout,
    /// The extension asked for does not support the operation.
    Unsupported,
    /// An extension (an order type's rules, an invoice format) refused; its message says why.
    RejectedByExtension,
    /// Another request changed the same document at the same moment and this one could not
    /// wait for it (a deadlock or lock timeout). Nothing was written: send the same request
    /// again. The error carries `extensions.retryable: true`.
    Conflict,
    /// The server is saturated: no database connection or writer slot came free in time.
    /// Nothing was written; send the request again in a moment (`extensions.retryable`).
    Busy,
    /// An unexpected server fault; details are in the server log, never in the response.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "REQUIRED",
            ErrorCode::TooLong => "TOO_LONG",
            ErrorCode::InvalidFormat => "INVALID_FORMAT",
            ErrorCode::Negative => "NEGATIVE",
            ErrorCode::PrecisionExceeded => "PRECISION_EXCEEDED",
            ErrorCode::OutOfRange => "OUT_OF_RANGE",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Archived => "ARCHIVED",
            ErrorCode::Duplicate => "DUPLICATE",
            ErrorCode::InsufficientStock => "INSUFFICIENT_STOCK",
            ErrorCode::NotStocked => "NOT_STOCKED",
            ErrorCode::InvalidValue => "INVALID_VALUE",
            ErrorCode::IllegalTransition => "ILLEGAL_TRANSITION",
            ErrorCode::ReasonRequired => "REASON_REQUIRED",
            ErrorCode::NotATarget => "NOT_A_TARGET",
            ErrorCode::StageNotSkippable => "STAGE_NOT_SKIPPABLE",
            ErrorCode::MergeSameRecord => "MERGE_SAME_RECORD",
            ErrorCode::MergeCurrencyConflict => "MERGE_CURRENCY_CONFLICT",
            ErrorCode::MergeConflict => "MERGE_CONFLICT",
            ErrorCode::QuantityBelowDelivered => "QUANTITY_BELOW_DELIVERED",
            ErrorCode::LineHasDeliveries => "LINE_HAS_DELIVERIES",
            ErrorCode::DocumentLocked => "DOCUMENT_LOCKED",
            ErrorCode::ProspectNotCustomer => "PROSPECT_NOT_CUSTOMER",
            ErrorCode::QuotationExpired => "QUOTATION_EXPIRED",
            ErrorCode::OrderOnHold => "ORDER_ON_HOLD",
            ErrorCode::ApprovalRequired => "APPROVAL_REQUIRED",
            ErrorCode::NotApprover => "NOT_APPROVER",
            ErrorCode::CreditLimitExceeded => "CREDIT_LIMIT_EXCEEDED",
            ErrorCode::NoLines => "NO_LINES",
            ErrorCode::TaxGroupRequired => "TAX_GROUP_REQUIRED",
            ErrorCode::InvalidId => "INVALID_ID",
            ErrorCode::InvalidCursor => "INVALID_CURSOR",
            ErrorCode::OverDelivery => "OVER_DELIVERY",
            ErrorCode::NothingToShip => "NOTHING_TO_SHIP",
            ErrorCode::AlreadyReversed => "ALREADY_REVERSED",
            ErrorCode::AlreadyInvoiced => "ALREADY_INVOICED",
            ErrorCode::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            ErrorCode::NothingToInvoice => "NOTHING_TO_INVOICE",
            ErrorCode::MixedInvoiceAccounts => "MIXED_INVOICE_ACCOUNTS",
            ErrorCode::MixedCurrencies => "MIXED_CURRENCIES",
            ErrorCode::NoExchangeRate => "NO_EXCHANGE_RATE",
            ErrorCode::NotChronological => "NOT_CHRONOLOGICAL",
            ErrorCode::NotPicked => "NOT_PICKED",
            ErrorCode::OverApplication => "OVER_APPLICATION",
            ErrorCode::EntryClosed => "ENTRY_CLOSED",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::CompanyNotAllowed => "COMPANY_NOT_ALLOWED",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::QueryTooDeep => "QUERY_TOO_DEEP",
            ErrorCode::PluginFault => "PLUGIN_FAULT",
            ErrorCode::PluginTimeout => "PLUGIN_TIMEOUT",
            ErrorCode::Unsupported => "UNSUPPORTED",
            ErrorCode::RejectedByExtension => "REJECTED_BY_EXTENSION",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Busy => "BUSY",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// A top-level GraphQL error with this code.
    pub fn error(self, message: impl Into<String>) -> async_graphql::Error {
        async_graphql::Error::new(message).extend_with(|_, e| e.set("code", self.as_str()))
    }
}

/// The top-level error for an extension call that failed. Business refusals keep the
/// extension's own code in `extensions.extensionCode`; faults are logged in full.
pub fn extension_error(e: &ExtensionError) -> async_graphql::Error {
    match e {
        ExtensionError::Rejected(errors) => {
            let first = errors.first().map(|u| u.code.clone()).unwrap_or_default();
            ErrorCode::RejectedByExtension
                .error(e.to_string())
                .extend_with(|_, x| x.set("extensionCode", first.clone()))
        }
        ExtensionError::UnknownCode { .. } => ErrorCode::NotFound.error(e.to_string()),
        ExtensionError::Unsupported { .. } => ErrorCode::Unsupported.error(e.to_string()),
        ExtensionError::Fault { .. } | ExtensionError::Malformed { .. } => {
            tracing::error!("{e}");
            ErrorCode::PluginFault.error(e.to_string())
        }
        ExtensionError::Timeout { .. } => ErrorCode::PluginTimeout.error(e.to_string()),
    }
}

/// Where in a mutation's input an extension's path into the order can point: the input's
/// top-level fields that mirror the order's (`orderType`, `attributes`, `lines`), and how many
/// lines the input has (an order can have more: a customer's automatic standard lines).
#[derive(Debug, Clone, Copy, Default)]
pub struct InputPlaces {
    /// Top-level input fields named like the order's.
    pub fields: &'static [&'static str],
    /// Lines in the input's `lines`, the order's first lines in the same order.
    pub lines: usize,
}

/// The userErrors of an extension's refusal, or the top-level error of a fault. The
/// extension's own code and path are kept (`extensionCode`, `extensionField`: a path into the
/// order it was shown); `field` points into the input only where the input has that place
/// ([`InputPlaces`]).
pub fn extension_user_errors(
    e: ExtensionError,
    places: InputPlaces,
) -> async_graphql::Result<Vec<UserError>> {
    match e {
        ExtensionError::Rejected(errors) => Ok(errors
            .into_iter()
            .map(|u| UserError {
                code: ErrorCode::RejectedByExtension,
                field: u.field.as_deref().and_then(|f| input_path(f, places)),
                message: u.message,
                extension_code: Some(u.code),
                extension_field: u.field,
            })
            .collect()),
        other => Err(extension_error(&other)),
    }
}

/// An extension's path into the order (`attributes.site`, `lines.0.itemNumber`) as a path into
/// the input, when the input has that place. A line's fields take their input names
/// (`itemNumber` → `itemId`, `unit` → `unitId`); one the input does not have stops at the
/// line. A path with an empty part, or a line index that is not plain digits, has none.
fn input_path(path: &str, places: InputPlaces) -> Option<Vec<String>> {
    if path.split('.').any(str::is_empty) {
        return None;
    }
    let mut parts = path.split('.');
    let head = parts.next().filter(|h| places.fields.contains(h))?;
    let mut out = vec!["input".to_owned(), head.to_owned()];
    if head != "lines" {
        out.extend(parts.map(str::to_owned));
        return Some(out);
    }
    let index = parts
        .next()
        .filter(|i| i.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|i| i.parse::<usize>().ok())
        .filter(|i| *i < places.lines)?;
    out.push(index.to_string());
    let input_name = match parts.next() {
        Some("itemNumber" | "itemKind") => Some("itemId"),
        Some("unit") => Some("unitId"),
        Some(f @ ("quantity" | "unitPrice" | "description" | "discountPercent")) => Some(f),
        _ => None,
    };
    out.extend(input_name.map(str::to_owned));
    Some(out)
}

/// The userError of an input field holding an ID that is not one (`INVALID_ID`).
pub fn id_error(field: &str, e: &super::ids::IdError) -> UserError {
    UserError {
        code: ErrorCode::InvalidId,
        field: Some(vec!["input".into(), field.into()]),
        message: e.message(field),
        extension_code: None,
        extension_field: None,
    }
}

/// The public code of a core rule.
pub fn code_of(rule: Rule) -> ErrorCode {
    match rule {
        Rule::Required => ErrorCode::Required,
        Rule::TooLong => ErrorCode::TooLong,
        Rule::InvalidFormat => ErrorCode::InvalidFormat,
        Rule::Negative => ErrorCode::Negative,
        Rule::PrecisionExceeded => ErrorCode::PrecisionExceeded,
        Rule::OutOfRange => ErrorCode::OutOfRange,
        Rule::NotFound => ErrorCode::NotFound,
        Rule::Archived => ErrorCode::Archived,
        Rule::Duplicate => ErrorCode::Duplicate,
        Rule::InsufficientStock => ErrorCode::InsufficientStock,
        Rule::NotStocked => ErrorCode::NotStocked,
        Rule::InvalidValue => ErrorCode::InvalidValue,
        Rule::IllegalTransition => ErrorCode::IllegalTransition,
        Rule::ReasonRequired => ErrorCode::ReasonRequired,
        Rule::NotATarget => ErrorCode::NotATarget,
        Rule::StageNotSkippable => ErrorCode::StageNotSkippable,
        Rule::MergeSameRecord => ErrorCode::MergeSameRecord,
        Rule::MergeCurrencyConflict => ErrorCode::MergeCurrencyConflict,
        Rule::MergeConflict => ErrorCode::MergeConflict,
        Rule::QuantityBelowDelivered => ErrorCode::QuantityBelowDelivered,
        Rule::LineHasDeliveries => ErrorCode::LineHasDeliveries,
        Rule::DocumentLocked => ErrorCode::DocumentLocked,
        Rule::ProspectNotCustomer => ErrorCode::ProspectNotCustomer,
        Rule::QuotationExpired => ErrorCode::QuotationExpired,
        Rule::OrderOnHold => ErrorCode::OrderOnHold,
        Rule::ApprovalRequired => ErrorCode::ApprovalRequired,
        Rule::NotApprover => ErrorCode::NotApprover,
        Rule::CreditLimitExceeded => ErrorCode::CreditLimitExceeded,
        Rule::NoLines => ErrorCode::NoLines,
        Rule::TaxGroupRequired => ErrorCode::TaxGroupRequired,
        Rule::InvalidCursor => ErrorCode::InvalidCursor,
        Rule::OverDelivery => ErrorCode::OverDelivery,
        Rule::NothingToShip => ErrorCode::NothingToShip,
        Rule::AlreadyReversed => ErrorCode::AlreadyReversed,
        Rule::AlreadyInvoiced => ErrorCode::AlreadyInvoiced,
        Rule::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
        Rule::NothingToInvoice => ErrorCode::NothingToInvoice,
        Rule::MixedInvoiceAccounts => ErrorCode::MixedInvoiceAccounts,
        Rule::MixedCurrencies => ErrorCode::MixedCurrencies,
        Rule::NoExchangeRate => ErrorCode::NoExchangeRate,
        Rule::NotChronological => ErrorCode::NotChronological,
        Rule::NotPicked => ErrorCode::NotPicked,
        Rule::OverApplication => ErrorCode::OverApplication,
        Rule::EntryClosed => ErrorCode::EntryClosed,
    }
}

/// A problem with a mutation's input or a business rule it broke. Nothing was written.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct UserError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Path to the input field at fault, e.g. `["input", "addresses", "0", "city"]`; null when
    /// the error concerns the whole input.
    pub field: Option<Vec<String>>,
    /// A sentence to show to a person.
    pub message: String,
    /// For `REJECTED_BY_EXTENSION`: the extension's own code (e.g. `CONSIGNEE_SITE_REQUIRED`).
    pub extension_code: Option<String>,
    /// For `REJECTED_BY_EXTENSION`: what the extension's refusal concerns, as a path into the
    /// order it was shown (`attributes.consigneeSite`; `lines.0.unitPrice`, where `0` is the
    /// line's position in the order's lines, from 0, in line-number order). `field` repeats it
    /// under `input` when the input has that place (`attributes`, `orderType`, and a create's
    /// `lines`).
    pub extension_field: Option<String>,
}

impl UserError {
    pub(crate) fn at(code: ErrorCode, path: &[&str], message: String) -> UserError {
        let mut field = vec!["input".to_owned()];
        field.extend(
            path.iter()
                .filter(|s| !s.is_empty())
                .map(|s| (*s).to_owned()),
        );
        UserError {
            code,
            field: Some(field),
            message,
            extension_code: None,
            extension_field: None,
        }
    }
}

impl From<Violation> for UserError {
    fn from(v: Violation) -> Self {
        let field = if v.field.is_empty() {
            None
        } else {
            let mut f = vec!["input".to_owned()];
            f.extend(v.field);
            Some(f)
        };
        UserError {
            code: code_of(v.rule),
            field,
            message: v.message,
            extension_code: None,
            extension_field: None,
        }
    }
}

/// Collects problems found while decoding a mutation's input (IDs, decimals).
#[derive(Debug, Default)]
pub struct Input {
    /// Problems so far.
    pub errors: Vec<UserError>,
}

impl Input {
    /// Decodes a required global ID of a kind.
    pub fn id(&mut self, field: &str, id: &async_graphql::ID, kind: super::ids::Kind) -> i64 {
        match super::ids::decode(id, kind) {
            Ok(n) => n,
            Err(e) => {
                self.id_error(field, &e);
                0
            }
        }
    }

    /// Decodes an optional global ID.
    pub fn opt_id(
        &mut self,
        field: &str,
        id: Option<&async_graphql::ID>,
        kind: super::ids::Kind,
    ) -> Option<i64> {
        id.map(|i| self.id(field, i, kind))
    }

    fn id_error(&mut self, field: &str, e: &IdError) {
        let path: Vec<&str> = field.split('.').collect();
        self.errors
            .push(UserError::at(ErrorCode::InvalidId, &path, e.message(field)));
    }

    /// Reads a decimal written by the client.
    pub fn dec(&mut self, field: &str, d: &Dec) -> Decimal {
        match &d.0 {
            Ok(v) => *v,
            Err(raw) => {
                let path: Vec<&str> = field.split('.').collect();
                self.errors.push(UserError::at(
                    ErrorCode::InvalidFormat,
                    &path,
                    format!("{field} must be a decimal number written as a string, e.g. \"12.50\"; got {raw}"),
                ));
                Decimal::ZERO
            }
        }
    }

    /// Reads an optional decimal.
    pub fn opt_dec(&mut self, field: &str, d: Option<&Dec>) -> Option<Decimal> {
        d.map(|d| self.dec(field, d))
    }

    /// `Err` with the collected problems, if any.
    pub fn finish(self) -> Result<(), Vec<UserError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// Maps a core service error: input problems become userErrors; database faults are logged
/// and become a top-level `INTERNAL` error without details.
pub fn map_service(e: ServiceError, id_field: &str) -> async_graphql::Result<Vec<UserError>> {
    match e {
        ServiceError::Invalid(vs) => Ok(vs.into_iter().map(UserError::from).collect()),
        ServiceError::NotFound(what) => Ok(vec![UserError::at(
            ErrorCode::NotFound,
            &[id_field],
            format!("{what} not found"),
        )]),
        ServiceError::Conflict(db) => Err(conflict(db)),
        ServiceError::Busy(db) => Err(busy(db)),
        ServiceError::Extension(e) => extension_user_errors(e, InputPlaces::default()),
        ServiceError::Db(db) => Err(internal(db)),
    }
}

/// Logs a saturated server and returns the retryable error a client sees.
pub fn busy(e: impl std::fmt::Display) -> async_graphql::Error {
    tracing::warn!(error = %e, "no database connection or writer slot came free in time");
    ErrorCode::Busy
        .error("the server is busy; nothing was written, send the request again in a moment")
        .extend_with(|_, x| x.set("retryable", true))
}

/// Logs a concurrency conflict and returns the retryable error a client sees.
pub fn conflict(e: impl std::fmt::Display) -> async_graphql::Error {
    tracing::warn!(error = %e, "concurrent update; the client may retry");
    ErrorCode::Conflict
        .error("another request changed the same record at the same moment; nothing was written, send the request again")
        .extend_with(|_, x| x.set("retryable", true))
}

/// Logs a server fault and returns the error a client sees; a database that had no free
/// connection in time (a read under a saturated pool) is `BUSY` instead, retryable.
pub fn internal<E: std::fmt::Display + 'static>(e: E) -> async_graphql::Error {
    use std::any::Any;
    let any: &dyn Any = &e;
    let db = any.downcast_ref::<sea_orm::DbErr>().or_else(|| {
        any.downcast_ref::<std::sync::Arc<sea_orm::DbErr>>()
            .map(|a| &**a)
    });
    if let Some(sea_orm::DbErr::ConnectionAcquire(_)) = db {
        return busy(e);
    }
    tracing::error!(error = %e, "internal error");
    ErrorCode::Internal.error("internal server error; see the server log")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use mercator_core::extension::messages::UserError as ExtUserError;

    /// An extension's path into the order becomes a path into the input only where the
    /// input has that place.
    #[test]
    fn extension_paths_point_into_the_input_where_it_has_them() {
        let create = InputPlaces {
            fields: &["orderType", "attributes", "lines"],
            lines: 3,
        };
        let p = |f: &str, places: InputPlaces| input_path(f, places).map(|v| v.join("."));
        assert_eq!(
            p("attributes.site", create).as_deref(),
            Some("input.attributes.site")
        );
        assert_eq!(
            p("lines.2.itemNumber", create).as_deref(),
            Some("input.lines.2.itemId")
        );
        assert_eq!(
            p("lines.0.unitPrice", create).as_deref(),
            Some("input.lines.0.unitPrice")
        );
        assert_eq!(
            p("lines.0.pickedQuantity", create).as_deref(),
            Some("input.lines.0")
        );
        // a line the order has beyond the input's (a standard line added to it)
        assert_eq!(p("lines.3.quantity", create), None);
        assert_eq!(p("lines.x.quantity", create), None);
        assert_eq!(p("lines.+1.quantity", create), None);
        assert_eq!(p("attributes..x", create), None);
        let change_type = InputPlaces {
            fields: &["orderType", "attributes"],
            lines: 0,
        };
        assert_eq!(p("lines.0.unitPrice", change_type), None);
        assert_eq!(p("customer.number", create), None);
        assert_eq!(p("attributes.site", InputPlaces::default()), None);
    }

    /// The API's codes for extension failures are the ones core names, and a refusal carries
    /// the extension's own code.
    #[test]
    fn extension_errors_keep_their_codes() {
        let cases = [
            ExtensionError::Rejected(vec![ExtUserError::new(
                "CONSIGNEE_SITE_REQUIRED",
                None,
                "x",
            )]),
            ExtensionError::UnknownCode {
                kind: "order type",
                code: "NOPE".into(),
            },
            ExtensionError::Unsupported {
                provider: "plugin p".into(),
                operation: "invoice_render",
            },
            ExtensionError::Fault {
                plugin: "p".into(),
                operation: "x",
                message: "boom".into(),
            },
            ExtensionError::Malformed {
                plugin: "p".into(),
                operation: "x",
                message: "{".into(),
            },
            ExtensionError::Timeout {
                plugin: "p".into(),
                after_ms: 5000,
            },
        ];
        for e in &cases {
            let err = extension_error(e);
            let ext = err.extensions.as_ref().unwrap();
            assert_eq!(
                ext.get("code").unwrap().to_string(),
                format!("\"{}\"", e.code())
            );
            assert_eq!(err.message, e.to_string());
        }
        let err = extension_error(&cases[0]);
        assert_eq!(
            err.extensions
                .unwrap()
                .get("extensionCode")
                .unwrap()
                .to_string(),
            "\"CONSIGNEE_SITE_REQUIRED\""
        );
    }
}
