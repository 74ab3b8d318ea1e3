//! Mercator plugin SDK: the C ABI, the versioned message types and the export macro that
//! partner plugins (order types, invoice formats, promising calculators) are built with.
//!
//! **Architecture invariant:** this crate depends on nothing internal and never on sea-orm,
//! poem or async-graphql (`scripts/check-deps` enforces it), so a plugin links none of them.
//!
//! Status: skeleton. The ABI, the header `include/mercator_plugin.h` and the export macro are
//! built by the plugin-platform issue; nothing here is a promise yet.
