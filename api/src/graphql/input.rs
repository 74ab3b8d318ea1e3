//! Shared input pieces of mutations: patch fields and postal addresses.

use super::enums::AddressPurpose;
use async_graphql::{InputObject, MaybeUndefined};
use mercator_core::parties::NewAddress;

/// `MaybeUndefined` as a patch field: `None` leaves it, `Some(None)` clears it.
pub(crate) fn mu<T>(m: MaybeUndefined<T>) -> Option<Option<T>> {
    match m {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// A postal address.
#[derive(InputObject, Clone)]
pub struct AddressInput {
    /// Code, unique per customer or vendor, e.g. `MAIN`.
    pub code: String,
    /// What it is used for; at least one.
    pub purposes: Vec<AddressPurpose>,
    /// Street and number.
    pub street: String,
    /// Second address line.
    pub street2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// ISO 3166 country code, e.g. `US`.
    pub country_code: String,
}

impl From<AddressInput> for NewAddress {
    fn from(a: AddressInput) -> Self {
        NewAddress {
            code: a.code,
            purposes: a.purposes.into_iter().map(Into::into).collect(),
            street: a.street,
            street2: a.street2,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country_code: a.country_code,
        }
    }
}
