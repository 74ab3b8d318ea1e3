//! What plugin authors implement ([`OrderType`], [`InvoiceFormat`], [`PromisingCalculator`]),
//! what they get from the host ([`Host`]), and the machinery behind [`crate::export_plugin!`].

use crate::abi::{self, Buffer, HostApi, Manifest, PluginApi};
use crate::messages::{
    Ack, CalculatorDecl, Capabilities, InvoiceDocument, InvoiceFormatDecl, MESSAGE_VERSION, Order,
    OrderTypeDecl, PromisedLine, PromisingRequest, PromisingResponse, RenderInvoiceRequest,
    Transition, TransitionRequest, UserError, UserErrors, ValidateOrderRequest,
};
use serde::de::DeserializeOwned;
use std::ffi::{CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

/// Why a plugin operation did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginError {
    /// Refused by business rules; the host shows these to the user as `userErrors`.
    Rejected(Vec<UserError>),
    /// This plugin does not do that (or does not know the code asked for).
    Unsupported,
    /// Something is wrong in the plugin; the host reports `PLUGIN_FAULT`.
    Fault(String),
}

impl From<UserError> for PluginError {
    fn from(e: UserError) -> Self {
        PluginError::Rejected(vec![e])
    }
}

/// Log levels for [`Host::log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Error.
    Error,
    /// Warning.
    Warn,
    /// Information.
    Info,
    /// Debug.
    Debug,
}

/// The host as a plugin sees it. Cheap to clone; usable from any thread.
#[derive(Debug, Clone, Default)]
pub struct Host {
    abi_major: u16,
    abi_minor: u16,
    log: Option<abi::LogFn>,
}

impl Host {
    /// Reads the host table, taking only the fields its size says are there.
    ///
    /// # Safety
    /// `api` is null or points to a valid [`HostApi`] of at least `struct_size` bytes.
    pub unsafe fn from_raw(api: *const HostApi) -> Host {
        if api.is_null() {
            return Host::default();
        }
        // SAFETY: non-null and valid per the contract; struct_size is the first field.
        let size = unsafe { (*api).struct_size } as usize;
        let mut h = Host::default();
        if size >= abi::HOST_API_SIZE_1_0 {
            // SAFETY: the 1.0 part is present.
            unsafe {
                h.abi_major = (*api).abi_major;
                h.abi_minor = (*api).abi_minor;
            }
        }
        if size >= std::mem::size_of::<HostApi>() {
            // SAFETY: the 1.1 part (log) is present.
            h.log = unsafe { (*api).log };
        }
        h
    }

    /// The host's ABI version (major, minor).
    pub fn abi_version(&self) -> (u16, u16) {
        (self.abi_major, self.abi_minor)
    }

    /// Writes a line to the host's log (a no-op on hosts older than ABI 1.1).
    pub fn log(&self, level: LogLevel, message: &str) {
        let l = match level {
            LogLevel::Error => abi::LOG_ERROR,
            LogLevel::Warn => abi::LOG_WARN,
            LogLevel::Info => abi::LOG_INFO,
            LogLevel::Debug => abi::LOG_DEBUG,
        };
        if let Some(f) = self.log {
            // SAFETY: the host promises the function is callable from any thread with a
            // pointer and length it only reads during the call.
            unsafe { f(l, message.as_ptr(), message.len()) }
        }
    }
}

/// An order type. The host validates `attributes` against [`OrderTypeDecl::attributes_schema`]
/// before it calls [`OrderType::validate`].
pub trait OrderType: Send + Sync + 'static {
    /// Code, label, attribute schema. Called when the manifest is built, before init.
    fn declare() -> OrderTypeDecl
    where
        Self: Sized;
    /// Builds the order type from the plugin's configuration (the `config` table of its
    /// `[[plugins]]` entry, as JSON). An error stops the host's start-up with this message.
    fn init(host: &Host, config: &serde_json::Value) -> Result<Self, String>
    where
        Self: Sized;
    /// Checks an order of this type before it is saved.
    fn validate(&self, order: &Order) -> Result<(), PluginError>;
    /// Allows or vetoes a transition; the default allows every transition the host allows.
    fn check_transition(&self, order: &Order, transition: &Transition) -> Result<(), PluginError> {
        let _ = (order, transition);
        Ok(())
    }
}

/// An invoice format.
pub trait InvoiceFormat: Send + Sync + 'static {
    /// Code, label, media type, file extension.
    fn declare() -> InvoiceFormatDecl
    where
        Self: Sized;
    /// Builds the format from the plugin's configuration.
    fn init(host: &Host, config: &serde_json::Value) -> Result<Self, String>
    where
        Self: Sized;
    /// Renders an invoice document to bytes of the declared media type.
    fn render(&self, invoice: &InvoiceDocument) -> Result<Vec<u8>, PluginError>;
}

/// A promising-date calculator.
pub trait PromisingCalculator: Send + Sync + 'static {
    /// Code, label, argument schema.
    fn declare() -> CalculatorDecl
    where
        Self: Sized;
    /// Builds the calculator from the plugin's configuration.
    fn init(host: &Host, config: &serde_json::Value) -> Result<Self, String>
    where
        Self: Sized;
    /// Promises a date for every line, in request order.
    fn promise(&self, request: &PromisingRequest) -> Result<Vec<PromisedLine>, PluginError>;
}

/// The plugin's instances, built by init; the `instance` of the function table.
#[derive(Default)]
pub struct Parts {
    order_types: Vec<(String, Box<dyn OrderType>)>,
    invoice_formats: Vec<(String, Box<dyn InvoiceFormat>)>,
    calculators: Vec<(String, Box<dyn PromisingCalculator>)>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("order_types", &self.order_types.len())
            .field("invoice_formats", &self.invoice_formats.len())
            .field("calculators", &self.calculators.len())
            .finish()
    }
}

impl Parts {
    /// Adds an order type under its code.
    pub fn add_order_type(&mut self, code: String, t: Box<dyn OrderType>) {
        self.order_types.push((code, t));
    }
    /// Adds an invoice format under its code.
    pub fn add_invoice_format(&mut self, code: String, f: Box<dyn InvoiceFormat>) {
        self.invoice_formats.push((code, f));
    }
    /// Adds a promising calculator under its code.
    pub fn add_calculator(&mut self, code: String, c: Box<dyn PromisingCalculator>) {
        self.calculators.push((code, c));
    }
}

fn find<'a, T: ?Sized>(list: &'a [(String, Box<T>)], code: &str) -> Option<&'a T> {
    list.iter().find(|(c, _)| c == code).map(|(_, t)| &**t)
}

#[doc(hidden)]
pub mod __private {
    use super::*;

    struct Holder {
        manifest: Manifest,
        _strings: [CString; 4],
    }
    // SAFETY: the manifest's pointers point into the CStrings it owns, which never change.
    unsafe impl Send for Holder {}
    // SAFETY: as above; the holder is immutable once built.
    unsafe impl Sync for Holder {}

    /// The lazily built, never freed manifest of a plugin.
    pub struct ManifestCell(OnceLock<Option<Holder>>);

    impl ManifestCell {
        /// An empty cell for a `static`.
        pub const fn new() -> ManifestCell {
            ManifestCell(OnceLock::new())
        }

        /// Builds the manifest once and returns it; null if building it failed (a panic in a
        /// `declare`, a NUL in a string).
        pub fn get(
            &'static self,
            id: &str,
            version: &str,
            caps: fn() -> Capabilities,
        ) -> *const Manifest {
            let h = self.0.get_or_init(|| {
                catch_unwind(AssertUnwindSafe(|| {
                    let json = serde_json::to_string(&caps()).ok()?;
                    let strings = [
                        CString::new(id).ok()?,
                        CString::new(version).ok()?,
                        CString::new(crate::SDK_VERSION).ok()?,
                        CString::new(json).ok()?,
                    ];
                    let manifest = Manifest {
                        magic: abi::MAGIC,
                        abi_major: abi::ABI_MAJOR,
                        abi_minor: abi::ABI_MINOR,
                        struct_size: std::mem::size_of::<Manifest>() as u32,
                        plugin_id: strings[0].as_ptr(),
                        plugin_version: strings[1].as_ptr(),
                        sdk_version: strings[2].as_ptr(),
                        capabilities_json: strings[3].as_ptr(),
                    };
                    Some(Holder {
                        manifest,
                        _strings: strings,
                    })
                }))
                .ok()
                .flatten()
            });
            match h {
                Some(h) => &h.manifest,
                None => std::ptr::null(),
            }
        }
    }

    impl Default for ManifestCell {
        fn default() -> Self {
            ManifestCell::new()
        }
    }

    fn write_error(error: *mut c_char, cap: usize, msg: &str) {
        if error.is_null() || cap == 0 {
            return;
        }
        let mut n = msg.len().min(cap - 1);
        while !msg.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: the host gave `cap` writable bytes at `error`; we write n + 1 <= cap.
        unsafe {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), error.cast::<u8>(), n);
            *error.add(n) = 0;
        }
    }

    /// The body of `mercator_plugin_init`.
    ///
    /// # Safety
    /// The pointers are as the header's `mercator_plugin_init` describes.
    pub unsafe fn init(
        host: *const HostApi,
        config: *const u8,
        config_len: usize,
        error: *mut c_char,
        error_cap: usize,
        make: fn(&Host, &serde_json::Value) -> Result<Parts, String>,
    ) -> *const PluginApi {
        let r = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: per the contract.
            let host = unsafe { Host::from_raw(host) };
            let cfg = if config.is_null() || config_len == 0 {
                serde_json::Value::Object(Default::default())
            } else {
                // SAFETY: the host passes config_len readable bytes.
                let bytes = unsafe { std::slice::from_raw_parts(config, config_len) };
                serde_json::from_slice(bytes)
                    .map_err(|e| format!("the configuration is not valid JSON: {e}"))?
            };
            let parts = make(&host, &cfg)?;
            let api = PluginApi {
                struct_size: std::mem::size_of::<PluginApi>() as u32,
                instance: Box::into_raw(Box::new(parts)).cast::<c_void>(),
                free_buffer: Some(free_buffer),
                order_type_validate: Some(order_type_validate),
                order_type_transition: Some(order_type_transition),
                invoice_render: Some(invoice_render),
                promising_calculate: Some(promising_calculate),
            };
            Ok::<_, String>(Box::into_raw(Box::new(api)) as *const PluginApi)
        }));
        match r {
            Ok(Ok(p)) => p,
            Ok(Err(msg)) => {
                write_error(error, error_cap, &msg);
                std::ptr::null()
            }
            Err(panic) => {
                write_error(
                    error,
                    error_cap,
                    &format!("init panicked: {}", panic_message(&*panic)),
                );
                std::ptr::null()
            }
        }
    }

    fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
        if let Some(s) = p.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = p.downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic without a message".to_owned()
        }
    }

    unsafe extern "C" fn free_buffer(b: Buffer) {
        if !b.ptr.is_null() {
            // SAFETY: every buffer handed out below comes from a Vec<u8> with this ptr, len, cap.
            drop(unsafe { Vec::from_raw_parts(b.ptr, b.len, b.cap) });
        }
    }

    /// Runs one operation: decode, dispatch, encode; every panic becomes a plugin fault.
    unsafe fn call<Req: DeserializeOwned>(
        instance: *mut c_void,
        request: *const u8,
        request_len: usize,
        response: *mut Buffer,
        op: impl FnOnce(&Parts, Req) -> Result<Vec<u8>, PluginError>,
    ) -> i32 {
        if response.is_null() || instance.is_null() || (request.is_null() && request_len > 0) {
            return abi::STATUS_PLUGIN_FAULT;
        }
        let r = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: instance is the Parts leaked by init; requests are read-only bytes.
            let parts = unsafe { &*instance.cast::<Parts>() };
            let bytes = if request_len == 0 {
                &[][..]
            } else {
                // SAFETY: the host passes request_len readable bytes.
                unsafe { std::slice::from_raw_parts(request, request_len) }
            };
            // One UTF-8 check up front, then parsing from &str: a quarter faster than
            // from_slice, which validates each string again (tests/benches/plugin_calls.rs).
            let text = std::str::from_utf8(bytes)
                .map_err(|e| PluginError::Fault(format!("unreadable request: not UTF-8: {e}")))?;
            let req: Req = serde_json::from_str(text)
                .map_err(|e| PluginError::Fault(format!("unreadable request: {e}")))?;
            op(parts, req)
        }));
        let (status, body) = match r {
            Ok(Ok(b)) => (abi::STATUS_OK, b),
            Ok(Err(PluginError::Rejected(errors))) => (
                abi::STATUS_BUSINESS_ERROR,
                serde_json::to_vec(&UserErrors {
                    v: MESSAGE_VERSION,
                    errors,
                })
                .unwrap_or_default(),
            ),
            Ok(Err(PluginError::Unsupported)) => (abi::STATUS_UNSUPPORTED, Vec::new()),
            Ok(Err(PluginError::Fault(m))) => (abi::STATUS_PLUGIN_FAULT, m.into_bytes()),
            Err(p) => (
                abi::STATUS_PLUGIN_FAULT,
                format!("plugin panicked: {}", panic_message(&*p)).into_bytes(),
            ),
        };
        let mut body = std::mem::ManuallyDrop::new(body);
        // SAFETY: response is non-null and writable per the contract.
        unsafe {
            *response = Buffer {
                ptr: body.as_mut_ptr(),
                len: body.len(),
                cap: body.capacity(),
            };
        }
        status
    }

    fn ack() -> Result<Vec<u8>, PluginError> {
        serde_json::to_vec(&Ack::default()).map_err(|e| PluginError::Fault(e.to_string()))
    }

    unsafe extern "C" fn order_type_validate(
        i: *mut c_void,
        r: *const u8,
        n: usize,
        out: *mut Buffer,
    ) -> i32 {
        // SAFETY: forwarded from the host under the same contract.
        unsafe {
            call(i, r, n, out, |p, req: ValidateOrderRequest| {
                let t = find(&p.order_types, &req.order_type).ok_or(PluginError::Unsupported)?;
                t.validate(&req.order)?;
                ack()
            })
        }
    }

    unsafe extern "C" fn order_type_transition(
        i: *mut c_void,
        r: *const u8,
        n: usize,
        out: *mut Buffer,
    ) -> i32 {
        // SAFETY: forwarded from the host under the same contract.
        unsafe {
            call(i, r, n, out, |p, req: TransitionRequest| {
                let t = find(&p.order_types, &req.order_type).ok_or(PluginError::Unsupported)?;
                t.check_transition(&req.order, &req.transition)?;
                ack()
            })
        }
    }

    unsafe extern "C" fn invoice_render(
        i: *mut c_void,
        r: *const u8,
        n: usize,
        out: *mut Buffer,
    ) -> i32 {
        // SAFETY: forwarded from the host under the same contract.
        unsafe {
            call(i, r, n, out, |p, req: RenderInvoiceRequest| {
                let f = find(&p.invoice_formats, &req.format).ok_or(PluginError::Unsupported)?;
                f.render(&req.invoice)
            })
        }
    }

    unsafe extern "C" fn promising_calculate(
        i: *mut c_void,
        r: *const u8,
        n: usize,
        out: *mut Buffer,
    ) -> i32 {
        // SAFETY: forwarded from the host under the same contract.
        unsafe {
            call(i, r, n, out, |p, req: PromisingRequest| {
                let c = find(&p.calculators, &req.calculator).ok_or(PluginError::Unsupported)?;
                let lines = c.promise(&req)?;
                if lines.len() != req.lines.len() {
                    return Err(PluginError::Fault(format!(
                        "calculator {} answered {} lines for {}",
                        req.calculator,
                        lines.len(),
                        req.lines.len()
                    )));
                }
                serde_json::to_vec(&PromisingResponse {
                    v: MESSAGE_VERSION,
                    lines,
                })
                .map_err(|e| PluginError::Fault(e.to_string()))
            })
        }
    }
}
