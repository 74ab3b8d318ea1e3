//! Exact decimal storage and the one rounding function.
//!
//! Owns: how money, unit prices, quantities and rates are stored (64-bit integers at a fixed
//! scale per kind, so both SQLite and PostgreSQL hold them exactly and can `SUM` them in SQL),
//! the checks that refuse a value beyond its kind's precision or range, and rounding
//! (half away from zero).
//!
//! Must never: accept or produce a binary float. There is deliberately no `From<f64>`.

use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::DeriveValueType;
use serde::{Deserialize, Serialize};

/// Why a decimal cannot be stored in a given kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// More decimal places than the kind declares; the value would have to be rounded.
    #[error("has more than {scale} decimal places")]
    PrecisionExceeded {
        /// The number of decimal places the kind keeps.
        scale: u32,
    },
    /// The value does not fit into the kind's range.
    #[error("is outside the range ±{max}")]
    OutOfRange {
        /// The largest magnitude the kind holds.
        max: Decimal,
    },
}

fn to_scaled(value: Decimal, scale: u32) -> Result<i64, StorageError> {
    let normalized = value.normalize();
    if normalized.scale() > scale {
        return Err(StorageError::PrecisionExceeded { scale });
    }
    let factor = Decimal::from(10_i64.pow(scale));
    let max = Decimal::from(i64::MAX) / factor;
    let scaled = normalized
        .checked_mul(factor)
        .ok_or(StorageError::OutOfRange { max: max.trunc() })?;
    i64::try_from(scaled).map_err(|_| StorageError::OutOfRange { max: max.trunc() })
}

fn from_scaled(raw: i64, scale: u32) -> Decimal {
    Decimal::new(raw, scale)
}

macro_rules! scaled_kind {
    ($(#[$doc:meta])* $name:ident, $scale:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, DeriveValueType, Serialize, Deserialize)]
        pub struct $name(i64);

        impl $name {
            /// Decimal places this kind keeps.
            pub const SCALE: u32 = $scale;
            /// Zero.
            pub const ZERO: Self = Self(0);

            /// Converts a decimal, refusing more decimal places than [`Self::SCALE`] or a value
            /// out of range. Never rounds.
            pub fn new(value: Decimal) -> Result<Self, StorageError> {
                to_scaled(value, Self::SCALE).map(Self)
            }

            /// The exact decimal value, with its trailing zeros removed.
            pub fn value(self) -> Decimal {
                from_scaled(self.0, Self::SCALE).normalize()
            }

            /// The stored integer (value × 10^SCALE), for SQL aggregates.
            pub fn raw(self) -> i64 {
                self.0
            }

            /// Rebuilds a value from the stored integer, e.g. a SQL `SUM`.
            pub fn from_raw(raw: i64) -> Self {
                Self(raw)
            }

            /// Checked addition.
            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            /// True when below zero.
            pub fn is_negative(self) -> bool {
                self.0 < 0
            }
        }
    };
}

scaled_kind!(
    /// A money amount: 4 decimal places (documents round further to the currency precision).
    Amount,
    4
);
scaled_kind!(
    /// A unit price or unit cost: 6 decimal places.
    UnitPrice,
    6
);
scaled_kind!(
    /// A quantity in some unit of measure: 6 decimal places.
    Quantity,
    6
);
scaled_kind!(
    /// A rate or percentage (tax rate, discount %, precision steps such as 0.05): 6 decimal places.
    Rate,
    6
);

/// Which way [`round_to`] goes on a tie or a remainder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundingMode {
    /// Half away from zero (BC "Nearest", D365 "Normal"). Never banker's rounding.
    Nearest,
    /// Away from zero.
    Up,
    /// Towards zero.
    Down,
}

/// The one rounding function: rounds `value` to a multiple of `step` (e.g. 0.01, 1, 0.05).
/// A step of zero or below leaves the value unchanged.
pub fn round_to(value: Decimal, step: Decimal, mode: RoundingMode) -> Decimal {
    if step <= Decimal::ZERO {
        return value;
    }
    // past Decimal's range (an amount near 7.9e28 at a step of 0.01) the value stays as it is:
    // no stored amount is that large, so the caller's range check refuses it
    let Some(units) = value.checked_div(step) else {
        return value;
    };
    let strategy = match mode {
        RoundingMode::Nearest => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
        RoundingMode::Down => RoundingStrategy::ToZero,
    };
    units
        .round_dp_with_strategy(0, strategy)
        .checked_mul(step)
        .map_or(value, |r| r.normalize())
}

/// `d` written with exactly the places of `step` (`20.4` at a step of `0.01` is `20.40`;
/// `553` at `1` stays `553`); never rounds: a value finer than the step keeps its digits.
pub fn at_step(d: Decimal, step: Decimal) -> Decimal {
    let places = step.normalize().scale();
    let mut d = d.normalize();
    if d.scale() <= places {
        d.rescale(places);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn exact_round_trips() {
        for s in [
            "0.1",
            "-0.005",
            "12345678901.2345",
            "0",
            "-922337203685477.5807",
        ] {
            let a = Amount::new(d(s));
            assert_eq!(a.map(Amount::value), Ok(d(s).normalize()), "{s}");
        }
        assert_eq!(
            Quantity::new(d("0.000001")).map(Quantity::value),
            Ok(d("0.000001"))
        );
        assert_eq!(UnitPrice::new(d("1.10")).map(|p| p.raw()), Ok(1_100_000));
    }

    #[test]
    fn refuses_instead_of_rounding() {
        assert_eq!(
            Amount::new(d("0.00001")),
            Err(StorageError::PrecisionExceeded { scale: 4 })
        );
        assert_eq!(
            Quantity::new(d("0.0000001")),
            Err(StorageError::PrecisionExceeded { scale: 6 })
        );
        assert!(matches!(
            Amount::new(d("1000000000000000")),
            Err(StorageError::OutOfRange { .. })
        ));
        // trailing zeros are not precision
        assert_eq!(
            Amount::new(d("1.230000000")).map(Amount::value),
            Ok(d("1.23"))
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(
            round_to(d("2.345"), d("0.01"), RoundingMode::Nearest),
            d("2.35")
        );
        assert_eq!(
            round_to(d("2.355"), d("0.01"), RoundingMode::Nearest),
            d("2.36")
        );
        assert_eq!(
            round_to(d("-2.345"), d("0.01"), RoundingMode::Nearest),
            d("-2.35")
        );
        assert_eq!(
            round_to(d("1.02"), d("0.05"), RoundingMode::Nearest),
            d("1")
        );
        assert_eq!(
            round_to(d("1.025"), d("0.05"), RoundingMode::Nearest),
            d("1.05")
        );
        assert_eq!(round_to(d("1.01"), d("0.05"), RoundingMode::Up), d("1.05"));
        assert_eq!(round_to(d("1.04"), d("0.05"), RoundingMode::Down), d("1"));
        assert_eq!(
            round_to(d("1234.5"), d("1"), RoundingMode::Nearest),
            d("1235")
        );
    }
}
