//! Mercator plugin SDK: the C ABI, the versioned message types and the export macro that
//! partner plugins (order types, invoice formats, promising calculators) are built with.
//!
//! **Architecture invariant:** this crate depends on nothing internal and never on sea-orm,
//! poem or async-graphql (the workspace's tidy test enforces it), so a plugin links none of them.
//!
//! A plugin is a `cdylib` crate that implements one or more of [`OrderType`],
//! [`InvoiceFormat`] and [`PromisingCalculator`] and exports them with [`export_plugin!`]:
//!
//! ```ignore
//! mercator_plugin_sdk::export_plugin! {
//!     id: "acme.consignment",
//!     version: env!("CARGO_PKG_VERSION"),
//!     order_types: [Consignment],
//! }
//! ```
//!
//! The macro generates the two C entry points of `include/mercator_plugin.h`, builds the
//! manifest (magic, ABI version, ids, capabilities JSON), decodes requests, dispatches them by
//! code, encodes responses, frees buffers, and turns every panic into a plugin-fault status.
//! docs/plugins.md is the author's guide.

pub mod abi;
pub mod messages;
mod plugin;
pub mod samples;

pub use plugin::{
    __private, Host, InvoiceFormat, LogLevel, OrderType, Parts, PluginError, PromisingCalculator,
};
#[doc(hidden)]
pub use serde_json;

/// The SDK version recorded in every manifest built with it.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Exports a plugin: generates `mercator_plugin_manifest` and `mercator_plugin_init`.
///
/// The lists are optional but, when present, come in this order. Each listed type implements
/// the matching trait; init builds one instance of each from the plugin's configuration.
#[macro_export]
macro_rules! export_plugin {
    (
        id: $id:expr,
        version: $version:expr
        $(, order_types: [$($ot:ty),* $(,)?])?
        $(, invoice_formats: [$($fmt:ty),* $(,)?])?
        $(, promising_calculators: [$($calc:ty),* $(,)?])?
        $(,)?
    ) => {
        fn __mercator_capabilities() -> $crate::messages::Capabilities {
            $crate::messages::Capabilities {
                order_types: vec![$($(<$ot as $crate::OrderType>::declare()),*)?],
                invoice_formats: vec![$($(<$fmt as $crate::InvoiceFormat>::declare()),*)?],
                promising_calculators: vec![
                    $($(<$calc as $crate::PromisingCalculator>::declare()),*)?
                ],
            }
        }

        #[allow(
            unused_variables,
            unused_mut,
            reason = "a plugin that declares no part of some kind leaves its loop empty"
        )]
        fn __mercator_parts(
            host: &$crate::Host,
            config: &$crate::serde_json::Value,
        ) -> ::std::result::Result<$crate::Parts, ::std::string::String> {
            let mut parts = $crate::Parts::default();
            $($(
                parts.add_order_type(
                    <$ot as $crate::OrderType>::declare().code,
                    ::std::boxed::Box::new(<$ot as $crate::OrderType>::init(host, config)?),
                );
            )*)?
            $($(
                parts.add_invoice_format(
                    <$fmt as $crate::InvoiceFormat>::declare().code,
                    ::std::boxed::Box::new(<$fmt as $crate::InvoiceFormat>::init(host, config)?),
                );
            )*)?
            $($(
                parts.add_calculator(
                    <$calc as $crate::PromisingCalculator>::declare().code,
                    ::std::boxed::Box::new(
                        <$calc as $crate::PromisingCalculator>::init(host, config)?,
                    ),
                );
            )*)?
            Ok(parts)
        }

        /// The plugin's manifest (see `mercator_plugin.h`).
        #[unsafe(no_mangle)]
        pub extern "C" fn mercator_plugin_manifest() -> *const $crate::abi::Manifest {
            static CELL: $crate::__private::ManifestCell = $crate::__private::ManifestCell::new();
            CELL.get($id, $version, __mercator_capabilities)
        }

        /// Initialises the plugin (see `mercator_plugin.h`).
        ///
        /// # Safety
        /// The pointers are as `mercator_plugin.h` describes for `mercator_plugin_init`.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn mercator_plugin_init(
            host: *const $crate::abi::HostApi,
            config: *const u8,
            config_len: usize,
            error: *mut ::std::ffi::c_char,
            error_cap: usize,
        ) -> *const $crate::abi::PluginApi {
            // SAFETY: forwarded under the header's contract.
            unsafe {
                $crate::__private::init(
                    host,
                    config,
                    config_len,
                    error,
                    error_cap,
                    __mercator_parts,
                )
            }
        }
    };
}
