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
    /// The document has no lines (confirming or releasing it would mean nothing).
    NoLines,
    /// The customer has no tax group and the company no default, while the company taxes.
    TaxGroupRequired,
    /// A pagination cursor of another list or sort order.
    InvalidCursor,
    /// More than the line's deliver remainder would be shipped.
    OverDelivery,
    /// Nothing is left to ship.
    NothingToShip,
    /// The document was already reversed, or is itself a reversal.
    AlreadyReversed,
    /// A packing slip that was (partly) invoiced cannot be reversed.
    AlreadyInvoiced,
    /// An idempotency key already used for another request.
    IdempotencyKeyReused,
    /// Nothing is left to invoice.
    NothingToInvoice,
    /// Documents of several invoice accounts in one invoice.
    MixedInvoiceAccounts,
    /// Documents in several currencies in one invoice.
    MixedCurrencies,
    /// No exchange rate of the currency is valid on the date.
    NoExchangeRate,
    /// The posting date is before the last posted number's (chronological numbering).
    NotChronological,
    /// With picking required: more would ship than was picked and not yet shipped.
    NotPicked,
    /// More would be applied than an entry has open, or than the payment brings.
    OverApplication,
    /// The entry is settled in full (or is not one that a payment settles).
    EntryClosed,
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
    /// Another transaction held what this one needed (a deadlock, a serialisation failure, a
    /// lock or busy timeout). Nothing was written; the same call may simply be sent again.
    #[error("concurrent update: {0}")]
    Conflict(DbErr),
    /// An order type's rules (an extension) refused the change, or failed; nothing was
    /// written.
    #[error("{0}")]
    Extension(crate::extension::ExtensionError),
    /// The server is saturated: no database connection (or writer slot) came free in time.
    /// Nothing was written; the same call may be sent again a moment later.
    #[error("busy: {0}")]
    Busy(DbErr),
    /// The database failed. Logged, never shown to a client.
    #[error("database error: {0}")]
    Db(DbErr),
}

/// The SQLSTATE (PostgreSQL) or extended result code (SQLite) of a database error.
fn db_code(e: &DbErr) -> Option<String> {
    use sea_orm::RuntimeErr;
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x)) => x
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned()),
        _ => None,
    }
}

/// The input field a unique constraint stands for, from the database's message: SQLite names
/// the columns (`UNIQUE constraint failed: customers.company_id, customers.account_number`),
/// PostgreSQL the constraint (`customers_company_id_account_number_key`). The last column is
/// the one a caller chose; `company_id` and the parent's id are never it.
fn unique_field(message: &str) -> Option<&'static str> {
    const COLUMNS: [(&str, &str); 14] = [
        ("account_number", "accountNumber"),
        ("line_number", "lineNumber"),
        ("user_name", "userName"),
        ("minimum_amount", "minimumAmount"),
        ("item_tax_group", "itemTaxGroup"),
        ("standard_code_id", "code"),
        ("rule_id", "ruleId"),
        ("party_id", "partyId"),
        ("position", "position"),
        ("token_hash", "token"),
        ("number", "number"),
        ("code", "code"),
        ("version", "version"),
        ("kind", "kind"),
    ];
    let key = match message.split_once("UNIQUE constraint failed:") {
        Some((_, cols)) => cols.rsplit(['.', ' ']).next().unwrap_or("").to_owned(),
        None => message
            .split('"')
            .nth(1)
            .unwrap_or("")
            .trim_end_matches("_key")
            .to_owned(),
    };
    COLUMNS
        .iter()
        .find(|(col, _)| key.ends_with(col))
        .map(|(_, field)| *field)
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(m)) = e.sql_err() {
            // A concurrent insert of the same code won the race past the pre-check.
            let field = unique_field(&m).unwrap_or("");
            let what = if field.is_empty() { "value" } else { field };
            return ServiceError::Invalid(vec![Violation::new(
                field,
                Rule::Duplicate,
                format!("another record of this company already has this {what}"),
            )]);
        }
        match &e {
            DbErr::ConnectionAcquire(_) => return ServiceError::Busy(e),
            // The row an update aimed at went away meanwhile (a concurrent delete).
            DbErr::RecordNotUpdated => return ServiceError::NotFound("record"),
            _ => {}
        }
        let code = db_code(&e);
        match code.as_deref() {
            // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available;
            // SQLite: SQLITE_BUSY and SQLITE_LOCKED with their extended codes.
            Some("40001" | "40P01" | "55P03" | "5" | "6" | "261" | "262" | "517" | "773") => {
                ServiceError::Conflict(e)
            }
            _ => ServiceError::Db(e),
        }
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
