//! The error a master-data service returns, and the violation codes it reports.
//!
//! Owns: `ServiceError` (what went wrong for the caller) and `Rule` (which rule a field broke).
//! The API maps each `Rule` to a public `ErrorCode` with one exhaustive `match`.
//! Must never: carry SQL text to a client. `Db` is for logging only; the API reports it as an
//! internal error.

use sea_orm::{DbErr, SqlErr};

/// Which rule an input field broke. Stable: the API exposes each as a public error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A required value is missing or blank.
    Required,
    /// A text is longer than allowed.
    TooLong,
    /// A value does not have the expected form (a code with spaces, a bad country code, ...).
    InvalidFormat,
    /// A value must not be negative.
    Negative,
    /// A decimal has more places than its kind or currency keeps; it is not rounded silently.
    PrecisionExceeded,
    /// A number is outside its allowed range.
    OutOfRange,
    /// A referenced record does not exist in this company.
    NotFound,
    /// A referenced record is archived and cannot be used on new data.
    Archived,
    /// A code or number is already used in this company.
    Duplicate,
    /// The operation would make on-hand stock negative.
    InsufficientStock,
    /// The item kind does not allow the operation (e.g. stock for a service item).
    NotStocked,
    /// The value is not allowed in this state (e.g. a customer as its own invoice account).
    InvalidValue,
    /// The record's status does not allow this step (e.g. qualifying a disqualified lead).
    IllegalTransition,
    /// Closing, disqualifying or losing needs a reason.
    ReasonRequired,
    /// The party is not a target of the campaign.
    NotATarget,
    /// A stage move would skip a stage that may not be skipped, or leave the sales cycle.
    StageNotSkippable,
    /// A record cannot be merged into itself.
    MergeSameRecord,
    /// The two customers have different currencies and open ledger entries.
    MergeCurrencyConflict,
    /// Related rows of the two records would collide; resolve each conflict first.
    MergeConflict,
    /// A line quantity may not go below what was delivered.
    QuantityBelowDelivered,
    /// A line with deliveries cannot be deleted.
    LineHasDeliveries,
    /// The document may no longer be changed (released, invoiced or canceled).
    DocumentLocked,
    /// A quotation to a prospect cannot become an order until the prospect is a customer.
    ProspectNotCustomer,
    /// The quotation's validity has passed.
    QuotationExpired,
    /// The order has an active hold.
    OrderOnHold,
    /// The order is over the approval threshold: request approval instead.
    ApprovalRequired,
    /// The caller is not the approver of the request.
    NotApprover,
    /// The customer's mandatory credit limit would be exceeded.
    CreditLimitExceeded,
}

/// One broken rule, tied to the input field that broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the input field, e.g. `["addresses", "0", "countryCode"]`.
    pub field: Vec<String>,
    /// The rule that was broken.
    pub rule: Rule,
    /// A sentence for a person.
    pub message: String,
}

impl Violation {
    /// A violation at a dotted field path such as `"addresses.0.city"`.
    pub fn new(field: &str, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            field: field
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            rule,
            message: message.into(),
        }
    }
}

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input broke one or more rules; nothing was written.
    #[error("invalid input: {}", .0.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Violation>),
    /// The record addressed by the call does not exist in this company.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The database failed. Logged, never shown to a client.
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
            // A concurrent insert won the race past our pre-check.
            return ServiceError::Invalid(vec![Violation::new(
                "",
                Rule::Duplicate,
                "a record with this code or number already exists",
            )]);
        }
        ServiceError::Db(e)
    }
}

impl From<Violation> for ServiceError {
    fn from(v: Violation) -> Self {
        ServiceError::Invalid(vec![v])
    }
}

/// Result of a service call.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Collects violations so a call can report every broken rule at once.
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one.
    pub fn push(&mut self, v: Violation) {
        self.0.push(v);
    }
    /// Keeps the value of a check, or records its violation.
    pub fn check<T>(&mut self, r: Result<T, Violation>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(v) => {
                self.0.push(v);
                None
            }
        }
    }
    /// `Ok(())` when empty, otherwise `ServiceError::Invalid` with all of them.
    pub fn finish(self) -> ServiceResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }
    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
