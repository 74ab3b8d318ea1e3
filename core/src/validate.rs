//! Field checks shared by every service: names, codes, decimals of each stored kind.
//! Each returns the cleaned value or a [`Violation`] naming the field; none of them
//! changes a value silently (a name is trimmed of surrounding blanks, nothing else).

use crate::error::{Rule, Violation};
use crate::money::{Amount, Quantity, Rate, StorageError, UnitPrice};
use rust_decimal::Decimal;

/// Longest name or description accepted.
pub const MAX_NAME: usize = 200;
/// Longest code (currency, tax code, item number, ...) accepted.
pub const MAX_CODE: usize = 20;

/// Longest text a list's `search` filter accepts.
pub const MAX_SEARCH: usize = 200;

/// Refuses control characters: none at all in a one-line text (at most [`MAX_NAME`]
/// characters), only line breaks and tabs in a longer one (notes). NUL in particular: SQLite
/// would store it and PostgreSQL refuses it.
fn printable(field: &str, v: &str, max: usize) -> Result<(), Violation> {
    let multiline = max > MAX_NAME;
    if v.chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(Violation::new(
            field,
            Rule::InvalidFormat,
            if multiline {
                format!(
                    "{field} must not contain control characters other than line breaks and tabs"
                )
            } else {
                format!("{field} must not contain control characters (line breaks, tabs, NUL)")
            },
        ));
    }
    Ok(())
}

/// A required free text: trimmed, not blank, at most `max` characters, without control
/// characters (a text longer than [`MAX_NAME`] may have line breaks and tabs).
pub fn name(field: &str, value: &str, max: usize) -> Result<String, Violation> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Violation::new(
            field,
            Rule::Required,
            format!("{field} must not be empty"),
        ));
    }
    if v.chars().count() > max {
        return Err(Violation::new(
            field,
            Rule::TooLong,
            format!("{field} must be at most {max} characters"),
        ));
    }
    printable(field, v, max)?;
    Ok(v.to_owned())
}

/// A list's `search` filter: trimmed, blank means none, at most [`MAX_SEARCH`] characters and
/// no control characters (a 50,000-character pattern once failed SQLite's LIKE).
pub fn search(field: &str, value: Option<&str>) -> Result<Option<String>, Violation> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => name(field, v, MAX_SEARCH).map(Some),
    }
}

/// A rounding precision of amounts or prices: a power of ten from 1 down to `places`
/// decimal places (what storage keeps), such as 0.01 or 1.
pub fn power_of_ten(field: &str, v: Decimal, places: u32) -> Result<Rate, Violation> {
    let n = v.normalize();
    if n <= Decimal::ZERO || n > Decimal::ONE {
        return Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("{field} must be greater than 0 and at most 1"),
        ));
    }
    if n.mantissa() != 1 || n.scale() > places {
        return Err(Violation::new(
            field,
            Rule::InvalidValue,
            format!(
                "{field} must be a power of ten from 1 down to {}",
                Decimal::new(1, places)
            ),
        ));
    }
    Rate::new(v).map_err(|e| storage(field, e))
}

/// An optional free text: blank becomes `None`.
pub fn opt_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, Violation> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => name(field, v, max).map(Some),
    }
}

/// A code: 1 to [`MAX_CODE`] characters of `A-Z a-z 0-9 - _ . /`, no blanks.
pub fn code(field: &str, value: &str) -> Result<String, Violation> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Violation::new(
            field,
            Rule::Required,
            format!("{field} must not be empty"),
        ));
    }
    if v.chars().count() > MAX_CODE {
        return Err(Violation::new(
            field,
            Rule::TooLong,
            format!("{field} must be at most {MAX_CODE} characters"),
        ));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(Violation::new(
            field,
            Rule::InvalidFormat,
            format!("{field} may contain only letters, digits and - _ . /"),
        ));
    }
    Ok(v.to_owned())
}

/// An ISO 4217 currency code: three capital letters.
pub fn currency_code(field: &str, value: &str) -> Result<String, Violation> {
    let v = value.trim();
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v.to_owned())
    } else {
        Err(Violation::new(
            field,
            Rule::InvalidFormat,
            format!("{field} must be an ISO 4217 code of three capital letters, e.g. USD"),
        ))
    }
}

/// An ISO 3166-1 alpha-2 country code: two capital letters.
pub fn country_code(field: &str, value: &str) -> Result<String, Violation> {
    let v = value.trim();
    if v.len() == 2 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v.to_owned())
    } else {
        Err(Violation::new(
            field,
            Rule::InvalidFormat,
            format!("{field} must be an ISO 3166 code of two capital letters, e.g. US"),
        ))
    }
}

fn storage(field: &str, e: StorageError) -> Violation {
    let rule = match e {
        StorageError::PrecisionExceeded { .. } => Rule::PrecisionExceeded,
        StorageError::OutOfRange { .. } => Rule::OutOfRange,
    };
    Violation::new(field, rule, format!("{field} {e}"))
}

fn non_negative(field: &str, v: Decimal) -> Result<(), Violation> {
    if v.is_sign_negative() && !v.is_zero() {
        Err(Violation::new(
            field,
            Rule::Negative,
            format!("{field} must not be negative"),
        ))
    } else {
        Ok(())
    }
}

/// An optional code: blank or absent means none; otherwise it must be a valid code.
pub fn opt_code(field: &str, value: Option<&str>) -> Result<Option<String>, Violation> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| code(field, s))
        .transpose()
}

/// A money amount that must not be negative.
pub fn amount(field: &str, v: Decimal) -> Result<Amount, Violation> {
    non_negative(field, v)?;
    Amount::new(v).map_err(|e| storage(field, e))
}

/// A unit price or cost that must not be negative.
pub fn unit_price(field: &str, v: Decimal) -> Result<UnitPrice, Violation> {
    non_negative(field, v)?;
    UnitPrice::new(v).map_err(|e| storage(field, e))
}

/// A signed quantity (adjustments may be negative).
pub fn quantity(field: &str, v: Decimal) -> Result<Quantity, Violation> {
    Quantity::new(v).map_err(|e| storage(field, e))
}

/// A percentage between 0 and 100.
pub fn percent(field: &str, v: Decimal) -> Result<Rate, Violation> {
    non_negative(field, v)?;
    if v > Decimal::ONE_HUNDRED {
        return Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("{field} must be at most 100"),
        ));
    }
    Rate::new(v).map_err(|e| storage(field, e))
}

/// A rounding step such as 0.01, 1 or 0.05: greater than zero, at most 1000.
pub fn step(field: &str, v: Decimal) -> Result<Rate, Violation> {
    if v <= Decimal::ZERO || v > Decimal::from(1000) {
        return Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("{field} must be greater than 0 and at most 1000"),
        ));
    }
    Rate::new(v).map_err(|e| storage(field, e))
}

/// A whole number of days between 0 and 3650.
pub fn days(field: &str, v: i32) -> Result<i32, Violation> {
    if (0..=3650).contains(&v) {
        Ok(v)
    } else {
        Err(Violation::new(
            field,
            Rule::OutOfRange,
            format!("{field} must be between 0 and 3650"),
        ))
    }
}

/// A decimal amount that must fit the currency's amount precision (e.g. 0.01 for USD).
pub fn fits_step(field: &str, v: Decimal, step: Decimal) -> Result<(), Violation> {
    if step > Decimal::ZERO && !(v % step).is_zero() {
        return Err(Violation::new(
            field,
            Rule::PrecisionExceeded,
            format!("{field} must be a multiple of {}", step.normalize()),
        ));
    }
    Ok(())
}

/// A unit price the currency can state: a whole number of its unit-price steps (`0.01` for a
/// step of `0.01`, never `553.333`); `PRECISION_EXCEEDED` otherwise, naming the step.
pub fn price_step(
    field: &str,
    price: Decimal,
    step: Decimal,
    currency: &str,
) -> Result<(), Violation> {
    if step.is_zero() || (price / step).fract().is_zero() {
        Ok(())
    } else {
        Err(Violation::new(
            field,
            Rule::PrecisionExceeded,
            format!(
                "unit prices in {currency} go in steps of {}; {price} is finer",
                step.normalize()
            ),
        ))
    }
}
