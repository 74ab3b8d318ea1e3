//! The custom scalars: `Decimal`, `Date`, `DateTime`.
//!
//! `Decimal` input is taken as written and checked by the resolver, so a value such as `"abc"`
//! or `1.5` (a JSON float) becomes a `userError` on its field instead of failing the request.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime as ChronoDateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// An exact decimal number, always written as a JSON string such as `"1234.50"` or `"-0.005"`.
/// Never a float. Input also accepts a JSON integer. Amounts keep up to 4 decimal places,
/// unit prices, quantities and rates up to 6; more places are refused, never rounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dec(pub Result<Decimal, String>);

impl Dec {
    /// An output value.
    pub fn of(d: Decimal) -> Dec {
        Dec(Ok(d.normalize()))
    }
}

/// An exact decimal number, always written as a JSON string such as `"1234.50"` or `"-0.005"`.
/// Never a float. Input also accepts a JSON integer. Amounts keep up to 4 decimal places,
/// unit prices, quantities and rates up to 6; more places are refused, never rounded.
#[Scalar(name = "Decimal")]
impl ScalarType for Dec {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Ok(Dec(Decimal::from_str_exact(s.trim())
                .or_else(|_| Decimal::from_scientific(s.trim()))
                .map_err(|_| s.clone()))),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(Dec(Ok(Decimal::from(i)))),
                None => Ok(Dec(Err(n.to_string()))),
            },
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        match &self.0 {
            Ok(d) => Value::String(d.to_string()),
            Err(s) => Value::String(s.clone()),
        }
    }
}

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, from 1900-01-01 to 9999-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// Years a `Date` or `DateTime` may have: year 0, negative or five-digit years are typing
/// errors, and not every engine stores them.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, from 1900-01-01 to 9999-12-31.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        use chrono::Datelike;
        match &value {
            Value::String(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if s.len() == 10 && YEARS.contains(&d.year()) => Ok(Date(d)),
                Ok(d) if s.len() == 10 || !YEARS.contains(&d.year()) => Err(
                    InputValueError::custom(format!("{s:?} is outside 1900-01-01 to 9999-12-31")),
                ),
                _ => Err(InputValueError::custom(format!(
                    "{s:?} is not a date of the form YYYY-MM-DD"
                ))),
            },
            _ => Err(InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A point in time in RFC 3339 form, always in UTC, e.g. `2026-11-21T09:30:00Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub ChronoDateTime<Utc>);

/// A point in time in RFC 3339 form, always in UTC, e.g. `2026-11-21T09:30:00Z`; years 1900
/// to 9999.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        use chrono::Datelike;
        match &value {
            Value::String(s) => ChronoDateTime::parse_from_rfc3339(s)
                .map_err(|_| InputValueError::custom(format!("{s:?} is not an RFC 3339 date-time")))
                .and_then(|d| {
                    let d = d.with_timezone(&Utc);
                    if YEARS.contains(&d.year()) {
                        Ok(DateTime(d))
                    } else {
                        Err(InputValueError::custom(format!(
                            "{s:?} is outside the years 1900 to 9999"
                        )))
                    }
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

/// Any JSON value, written as JSON itself (not as a string): JSON Schemas and plugin
/// capabilities use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// Any JSON value, written as JSON itself (not as a string): JSON Schemas and plugin
/// capabilities use it.
#[Scalar(name = "JSON")]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(Json)
            .map_err(|e| InputValueError::custom(format!("not JSON: {e}")))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// A stored date as the `Date` scalar.
pub(crate) fn dt(d: chrono::NaiveDate) -> Date {
    Date(d)
}

pub(crate) fn ts(d: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime(d)
}
