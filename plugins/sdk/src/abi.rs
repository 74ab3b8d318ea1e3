//! The C ABI, mirrored from `include/mercator_plugin.h` with `#[repr(C)]`. The header is the
//! specification; a unit test checks that the sizes and constants here agree with it.

use std::ffi::{c_char, c_void};

/// The eight magic bytes at the start of every manifest.
pub const MAGIC: [u8; 8] = *b"MRCPLUG\0";
/// ABI major version: a host loads only plugins of its own major.
pub const ABI_MAJOR: u16 = 1;
/// ABI minor version: a host loads plugins of this minor or older.
pub const ABI_MINOR: u16 = 1;
/// Name of the manifest entry point.
pub const MANIFEST_SYMBOL: &[u8] = b"mercator_plugin_manifest\0";
/// Name of the init entry point.
pub const INIT_SYMBOL: &[u8] = b"mercator_plugin_init\0";

/// The response holds the response message.
pub const STATUS_OK: i32 = 0;
/// The request was refused by business rules; the response is a user-error list.
pub const STATUS_BUSINESS_ERROR: i32 = 1;
/// The plugin failed; the response is a UTF-8 message.
pub const STATUS_PLUGIN_FAULT: i32 = 2;
/// The operation or code is not provided by this plugin.
pub const STATUS_UNSUPPORTED: i32 = 3;

/// Log level: error.
pub const LOG_ERROR: i32 = 1;
/// Log level: warning.
pub const LOG_WARN: i32 = 2;
/// Log level: information.
pub const LOG_INFO: i32 = 3;
/// Log level: debug.
pub const LOG_DEBUG: i32 = 4;

/// A byte buffer allocated by the plugin and freed by the plugin's `free_buffer`.
#[repr(C)]
#[derive(Debug)]
pub struct Buffer {
    /// Start of the bytes (may be null when `len` is 0).
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// The allocator's bookkeeping (the Vec capacity for Rust plugins).
    pub cap: usize,
}

impl Buffer {
    /// An empty buffer.
    pub const fn empty() -> Buffer {
        Buffer {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }
}

/// The manifest every plugin exports.
#[repr(C)]
#[derive(Debug)]
pub struct Manifest {
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// ABI major the plugin was built against.
    pub abi_major: u16,
    /// ABI minor the plugin was built against.
    pub abi_minor: u16,
    /// `size_of::<Manifest>()` as the plugin built it.
    pub struct_size: u32,
    /// Plugin id (NUL-terminated UTF-8).
    pub plugin_id: *const c_char,
    /// Plugin version.
    pub plugin_version: *const c_char,
    /// SDK version the plugin was built with.
    pub sdk_version: *const c_char,
    /// Capabilities as JSON.
    pub capabilities_json: *const c_char,
}

/// One operation: request bytes in, status out, response written into `response`.
pub type CallFn = unsafe extern "C" fn(
    instance: *mut c_void,
    request: *const u8,
    request_len: usize,
    response: *mut Buffer,
) -> i32;

/// The host's log function (ABI 1.1).
pub type LogFn = unsafe extern "C" fn(level: i32, message: *const u8, message_len: usize);

/// Host -> plugin table.
#[repr(C)]
#[derive(Debug)]
pub struct HostApi {
    /// `size_of::<HostApi>()` as the host built it.
    pub struct_size: u32,
    /// The host's ABI major.
    pub abi_major: u16,
    /// The host's ABI minor.
    pub abi_minor: u16,
    /// Since 1.1: log a line through the host.
    pub log: Option<LogFn>,
}

/// Plugin -> host table, returned by init.
#[repr(C)]
#[derive(Debug)]
pub struct PluginApi {
    /// `size_of::<PluginApi>()` as the plugin built it.
    pub struct_size: u32,
    /// Passed back as the first argument of every call.
    pub instance: *mut c_void,
    /// Frees a response buffer.
    pub free_buffer: Option<unsafe extern "C" fn(buffer: Buffer)>,
    /// Validate an order of one of the plugin's order types.
    pub order_type_validate: Option<CallFn>,
    /// Allow or veto a transition of such an order.
    pub order_type_transition: Option<CallFn>,
    /// Render an invoice document.
    pub invoice_render: Option<CallFn>,
    /// Promise dates for a batch of lines.
    pub promising_calculate: Option<CallFn>,
}

/// The manifest entry point.
pub type ManifestFn = unsafe extern "C" fn() -> *const Manifest;
/// The init entry point.
pub type InitFn = unsafe extern "C" fn(
    host: *const HostApi,
    config_json: *const u8,
    config_len: usize,
    error: *mut c_char,
    error_cap: usize,
) -> *const PluginApi;

/// Size of the manifest's ABI 1.0 part (all of it: the manifest has not grown).
pub const MANIFEST_SIZE_1_0: usize = std::mem::size_of::<Manifest>();
/// Size of the plugin table's ABI 1.0 part (all of it: the table has not grown).
pub const PLUGIN_API_SIZE_1_0: usize = std::mem::size_of::<PluginApi>();
/// Size of the host table in ABI 1.0 (before `log`).
pub const HOST_API_SIZE_1_0: usize = std::mem::offset_of!(HostApi, log);

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants and layouts match `include/mercator_plugin.h`.
    #[test]
    fn mirrors_the_header() {
        let h = include_str!("../include/mercator_plugin.h");
        assert!(h.contains(&format!("#define MERCATOR_ABI_MAJOR {ABI_MAJOR}")));
        assert!(h.contains(&format!("#define MERCATOR_ABI_MINOR {ABI_MINOR}")));
        assert!(h.contains("{'M', 'R', 'C', 'P', 'L', 'U', 'G', 0}"));
        for (name, v) in [
            ("MERCATOR_OK", STATUS_OK),
            ("MERCATOR_BUSINESS_ERROR", STATUS_BUSINESS_ERROR),
            ("MERCATOR_PLUGIN_FAULT", STATUS_PLUGIN_FAULT),
            ("MERCATOR_UNSUPPORTED", STATUS_UNSUPPORTED),
        ] {
            assert!(h.contains(&format!("#define {name} {v}\n")), "{name}");
        }
        assert!(h.contains("\"mercator_plugin_manifest\""));
        assert!(h.contains("\"mercator_plugin_init\""));
        let p = std::mem::size_of::<usize>();
        assert_eq!(std::mem::size_of::<Manifest>(), 16 + 4 * p);
        assert_eq!(std::mem::size_of::<PluginApi>(), 7 * p);
        assert_eq!(std::mem::size_of::<HostApi>(), 8 + p);
        assert_eq!(std::mem::size_of::<Buffer>(), 3 * p);
    }
}
