//! Loading plugins: hash check before `dlopen`, manifest check before anything else, init, and
//! the calls through the C ABI.
//!
//! Order of checks (each failure is a [`LoadError`] naming the file):
//! 1. the file is read and its SHA-256 compared with the configured one; only then is it
//!    opened as a library, and what is opened is exactly the bytes that were hashed: on Linux
//!    a sealed in-memory copy (`memfd_create`, then `F_SEAL_WRITE | F_SEAL_SHRINK |
//!    F_SEAL_GROW | F_SEAL_SEAL`) opened through `/proc/self/fd`, so neither swapping the file
//!    nor overwriting it in place (`cp` over it) changes the code that runs;
//! 2. `mercator_plugin_manifest` must exist and return a manifest with the magic bytes, this
//!    host's ABI major, a minor no newer than the host's, and a size covering ABI 1.0;
//! 3. the manifest's strings must be UTF-8 and its capabilities valid JSON of the right shape;
//! 4. `mercator_plugin_init` must exist and return a function table (or its error message)
//!    within [`CallLimits::init_timeout`].
//!
//! Every call is bounded ([`CallLimits`]): the answer's size, the number of user errors, the
//! length of a fault message. The deadline and the concurrency limit are kept by the
//! registry, which runs calls on the blocking pool. While a call runs, its thread knows which
//! plugin it is in: the host's log callback tags the plugin's lines with its id, and a crash
//! (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) inside it is reported with the plugin's id and
//! operation on standard error before the process dies.
//!
//! Libraries are never unloaded: thread-local destructors make `dlclose` unsound, so the
//! handle is deliberately leaked.

use super::ExtensionError;
use super::messages::{Capabilities, UserErrors};
use mercator_plugin_sdk::abi::{self, Buffer, CallFn, HostApi, InitFn, Manifest, ManifestFn};
use std::cell::Cell;
use std::ffi::{CStr, c_char};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The host's ABI version.
pub const HOST_ABI: (u16, u16) = (abi::ABI_MAJOR, abi::ABI_MINOR);

/// Limits of the calls into one plugin (configured in `[plugin_limits]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLimits {
    /// How long a call may take before the caller gets `PLUGIN_TIMEOUT` (the plugin's thread
    /// cannot be stopped; it keeps its concurrency slot until it returns).
    pub timeout: Duration,
    /// How long init may take at start-up.
    pub init_timeout: Duration,
    /// Largest answer, in bytes.
    pub max_answer_bytes: usize,
    /// Most user errors in one answer.
    pub max_errors: usize,
    /// Calls into the plugin at the same time.
    pub max_concurrent_calls: usize,
}

impl Default for CallLimits {
    fn default() -> Self {
        CallLimits {
            timeout: Duration::from_secs(5),
            init_timeout: Duration::from_secs(10),
            max_answer_bytes: 16 * 1024 * 1024,
            max_errors: 100,
            max_concurrent_calls: 8,
        }
    }
}

/// Longest fault message or user-error message kept from a plugin (longer ones are cut, with
/// the full length said).
pub const MAX_MESSAGE: usize = 1024;

/// Cuts a plugin's text to [`MAX_MESSAGE`] bytes (on a character boundary), saying how long
/// it was.
fn clip(text: &[u8]) -> String {
    if text.len() <= MAX_MESSAGE {
        return String::from_utf8_lossy(text).into_owned();
    }
    let mut end = MAX_MESSAGE;
    while end > 0 && (text[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    format!(
        "{}… ({} bytes in all)",
        String::from_utf8_lossy(&text[..end]),
        text.len()
    )
}

/// The plugin a thread is calling into: its id and operation, as static text (ids are leaked
/// once per loaded plugin, which is never unloaded), for the log callback and the crash report.
#[derive(Clone, Copy)]
struct InPlugin {
    id: &'static str,
    operation: &'static str,
}

thread_local! {
    static IN_PLUGIN: Cell<Option<InPlugin>> = const { Cell::new(None) };
}

/// Marks the current thread as inside a plugin until dropped.
struct Inside(Option<InPlugin>);

impl Inside {
    fn enter(id: &'static str, operation: &'static str) -> Inside {
        #[cfg(unix)]
        crash::install();
        Inside(IN_PLUGIN.replace(Some(InPlugin { id, operation })))
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        IN_PLUGIN.set(self.0);
    }
}

/// Reports a crash inside a plugin. A signal handler for the signals a crashing library
/// raises writes `plugin <id> crashed with signal <n> in <operation>` to standard error (with
/// `write(2)` only, which is async-signal-safe), puts back the handler it replaced and
/// returns: the faulting instruction runs again and the previous handler (Rust's stack
/// overflow check, or the default action) ends the process as before.
#[cfg(unix)]
mod crash {
    use super::IN_PLUGIN;
    use std::sync::Once;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const SIGNALS: [libc::c_int; 5] = [
        libc::SIGSEGV,
        libc::SIGBUS,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGABRT,
    ];
    static INSTALL: Once = Once::new();
    /// The handlers replaced, by position in `SIGNALS` (pointers to leaked `sigaction`s).
    static PREVIOUS: [AtomicUsize; 5] = [const { AtomicUsize::new(0) }; 5];

    fn write_all(parts: &[&[u8]]) {
        for p in parts {
            // SAFETY: writing a valid buffer to standard error; async-signal-safe.
            unsafe { libc::write(2, p.as_ptr().cast(), p.len()) };
        }
    }

    extern "C" fn on_signal(sig: libc::c_int) {
        // A `const`-initialised thread local without destructor is a plain TLS read.
        if let Some(p) = IN_PLUGIN.with(|c| c.get()) {
            let mut digits = [0u8; 4];
            let mut n = sig.unsigned_abs() as usize;
            let mut i = digits.len();
            while i > 0 {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            write_all(&[
                b"mercator: plugin ",
                p.id.as_bytes(),
                b" crashed with signal ",
                &digits[i..],
                b" in ",
                p.operation.as_bytes(),
                b"; the process stops\n",
            ]);
        }
        if let Some(k) = SIGNALS.iter().position(|s| *s == sig) {
            let prev = PREVIOUS[k].load(Ordering::Acquire) as *const libc::sigaction;
            // SAFETY: `prev` is null or the leaked action saved at install; restoring it is
            // async-signal-safe.
            unsafe {
                if prev.is_null() {
                    libc::signal(sig, libc::SIG_DFL);
                } else {
                    libc::sigaction(sig, prev, std::ptr::null_mut());
                }
            }
        }
    }

    /// Installs the handler once per process (at the first call into a plugin).
    pub(super) fn install() {
        INSTALL.call_once(|| {
            for (k, sig) in SIGNALS.iter().enumerate() {
                // SAFETY: a zeroed sigaction is valid; the handler is an `extern "C" fn(int)`;
                // the previous action is leaked so the handler can restore it at any time.
                unsafe {
                    let mut act: libc::sigaction = std::mem::zeroed();
                    act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                    act.sa_flags = libc::SA_ONSTACK;
                    libc::sigemptyset(&mut act.sa_mask);
                    let prev: *mut libc::sigaction =
                        Box::into_raw(Box::new(std::mem::zeroed::<libc::sigaction>()));
                    if libc::sigaction(*sig, &act, prev) == 0 {
                        PREVIOUS[k].store(prev as usize, Ordering::Release);
                    }
                }
            }
        });
    }
}

/// One `[[plugins]]` entry of the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginSpec {
    /// The shared library.
    pub path: PathBuf,
    /// Its expected SHA-256, hex.
    pub sha256: String,
    /// The `config` table, handed to the plugin's init as JSON.
    pub config: serde_json::Value,
}

/// Why a plugin could not be loaded. The message names the file and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {}: {reason}", path.display())]
pub struct LoadError {
    /// The library file.
    pub path: PathBuf,
    /// What is wrong.
    pub reason: String,
}

/// What a manifest says.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestInfo {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// SDK (or header) version it was built with.
    pub sdk_version: String,
    /// ABI (major, minor) it was built against.
    pub abi: (u16, u16),
    /// Capabilities, parsed.
    pub capabilities: Capabilities,
    /// Capabilities as the plugin wrote them.
    pub capabilities_json: serde_json::Value,
}

impl ManifestInfo {
    /// The manifest as JSON (what `mercator plugins check` prints).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "version": self.version,
            "sdkVersion": self.sdk_version,
            "abiVersion": format!("{}.{}", self.abi.0, self.abi.1),
            "capabilities": self.capabilities_json,
        })
    }
}

/// A loaded, initialised plugin.
#[derive(Debug)]
pub struct LoadedPlugin {
    /// Its manifest.
    pub manifest: ManifestInfo,
    /// The file it came from.
    pub path: PathBuf,
    /// The file's SHA-256.
    pub sha256: String,
    /// The limits of its calls.
    pub limits: CallLimits,
    /// Its concurrency slots ([`CallLimits::max_concurrent_calls`]): the registry holds one
    /// for each call until the plugin returns.
    pub slots: std::sync::Arc<tokio::sync::Semaphore>,
    /// Its id, as static text for the thread marker.
    id: &'static str,
    table: Table,
}

/// The plugin's function table, copied out of the plugin's memory.
#[derive(Debug, Clone, Copy)]
struct Table {
    instance: usize,
    free_buffer: unsafe extern "C" fn(Buffer),
    order_type_validate: Option<CallFn>,
    order_type_transition: Option<CallFn>,
    invoice_render: Option<CallFn>,
    promising_calculate: Option<CallFn>,
}

pub use crate::digest::sha256_hex;

fn err(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// A file's bytes, hashed, ready to be opened as a library.
struct Hashed {
    bytes: Vec<u8>,
    sha256: String,
}

fn hash_file(path: &Path) -> Result<Hashed, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| err(path, format!("cannot open the file: {e}")))?;
    Ok(Hashed {
        sha256: sha256_hex(&bytes),
        bytes,
    })
}

/// A sealed in-memory file holding `bytes`: nothing can write, grow or shrink it any more.
#[cfg(target_os = "linux")]
fn sealed_copy(bytes: &[u8]) -> std::io::Result<std::fs::File> {
    use std::io::Write;
    use std::os::fd::FromRawFd;
    // SAFETY: a static NUL-terminated name and flags; the result is checked.
    let fd = unsafe {
        libc::memfd_create(
            c"mercator-plugin".as_ptr(),
            libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a descriptor we just created and own.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    file.write_all(bytes)?;
    let seals = libc::F_SEAL_WRITE | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on our own descriptor; the result is checked.
    if unsafe { libc::fcntl(fd, libc::F_ADD_SEALS, seals) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(file)
}

/// Opens the hashed bytes as a library. The handle is never closed (see the module docs), so
/// it is returned as `ManuallyDrop`.
fn open_library(
    path: &Path,
    hashed: Hashed,
) -> Result<std::mem::ManuallyDrop<libloading::Library>, LoadError> {
    // Open exactly the bytes that were hashed: on Linux a sealed in-memory copy, opened
    // through its descriptor. The descriptor stays open for the life of the process: the
    // dynamic loader knows the library by this `/proc/self/fd/N` name, and a reused number
    // would make it hand out an earlier library for a later file.
    #[cfg(target_os = "linux")]
    let (target, keep) = {
        use std::os::fd::AsRawFd;
        let copy = sealed_copy(&hashed.bytes).map_err(|e| {
            err(
                path,
                format!("cannot make a sealed in-memory copy of the library: {e}"),
            )
        })?;
        (
            PathBuf::from(format!("/proc/self/fd/{}", copy.as_raw_fd())),
            Some(copy),
        )
    };
    #[cfg(not(target_os = "linux"))]
    let (target, keep) = {
        // Elsewhere the file is opened by name right after it was hashed.
        drop(hashed.bytes);
        (path.to_path_buf(), None::<std::fs::File>)
    };
    // SAFETY: loading a library runs its initialisers. Only files whose hash the operator
    // approved reach this point (or, for `plugins check`, the file a partner asked to check).
    let lib = unsafe { libloading::Library::new(&target) }
        .map_err(|e| err(path, format!("not a loadable shared library: {e}")))?;
    std::mem::forget(keep);
    Ok(std::mem::ManuallyDrop::new(lib))
}

fn c_str(path: &Path, field: &str, p: *const c_char) -> Result<String, LoadError> {
    if p.is_null() {
        return Err(err(path, format!("the manifest's {field} is null")));
    }
    // SAFETY: the manifest promises NUL-terminated strings that live as long as the library.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map(str::to_owned)
        .map_err(|_| err(path, format!("the manifest's {field} is not UTF-8")))
}

fn valid_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

/// A registry code: `[A-Z0-9_]{2,40}`.
pub fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Reads and checks the manifest of an opened library.
fn read_manifest(path: &Path, lib: &libloading::Library) -> Result<ManifestInfo, LoadError> {
    // SAFETY: the symbol's type is the header's `MercatorManifestFn`.
    let f = unsafe { lib.get::<ManifestFn>("mercator_plugin_manifest") }.map_err(|_| {
        err(
            path,
            "no `mercator_plugin_manifest` symbol: not a Mercator plugin (export it with \
             mercator_plugin_sdk::export_plugin! or as mercator_plugin.h declares)",
        )
    })?;
    // SAFETY: calling the plugin's manifest function, which takes no arguments.
    let m: *const Manifest = unsafe { f() };
    if m.is_null() {
        return Err(err(path, "mercator_plugin_manifest returned no manifest"));
    }
    // The magic and versions (the first 16 bytes) are read before anything else.
    // SAFETY: every manifest of every version starts with these fields.
    let (magic, major, minor, size) = unsafe {
        (
            (*m).magic,
            (*m).abi_major,
            (*m).abi_minor,
            (*m).struct_size as usize,
        )
    };
    if magic != abi::MAGIC {
        return Err(err(
            path,
            format!(
                "wrong magic bytes {:?} (expected {:?}): not a Mercator plugin manifest",
                String::from_utf8_lossy(&magic),
                String::from_utf8_lossy(&abi::MAGIC)
            ),
        ));
    }
    let (hmaj, hmin) = HOST_ABI;
    if major != hmaj {
        return Err(err(
            path,
            format!(
                "built for plugin ABI {major}.{minor}, this host supports ABI {hmaj}.{hmin} \
                 (the major version must match): rebuild the plugin with an SDK for ABI {hmaj}.x"
            ),
        ));
    }
    if minor > hmin {
        return Err(err(
            path,
            format!(
                "built for plugin ABI {major}.{minor}, newer than this host's ABI {hmaj}.{hmin}: \
                 upgrade Mercator or rebuild the plugin with an older SDK"
            ),
        ));
    }
    if size < abi::MANIFEST_SIZE_1_0 {
        return Err(err(
            path,
            format!(
                "manifest is {size} bytes, smaller than ABI {major}.0's {} bytes",
                abi::MANIFEST_SIZE_1_0
            ),
        ));
    }
    // SAFETY: the size covers the 1.0 fields.
    let (id, ver, sdk, caps) = unsafe {
        (
            (*m).plugin_id,
            (*m).plugin_version,
            (*m).sdk_version,
            (*m).capabilities_json,
        )
    };
    let id = c_str(path, "plugin id", id)?;
    if !valid_id(&id) {
        return Err(err(
            path,
            format!("plugin id {id:?} is not 3 to 64 characters of a-z, 0-9, '.', '_', '-'"),
        ));
    }
    let version = c_str(path, "plugin version", ver)?;
    let sdk_version = c_str(path, "SDK version", sdk)?;
    let caps_text = c_str(path, "capabilities", caps)?;
    let capabilities_json: serde_json::Value = serde_json::from_str(&caps_text)
        .map_err(|e| err(path, format!("the capabilities are not valid JSON: {e}")))?;
    let capabilities: Capabilities =
        serde_json::from_value(capabilities_json.clone()).map_err(|e| {
            err(
                path,
                format!("the capabilities do not have the right shape: {e}"),
            )
        })?;
    for t in &capabilities.order_types {
        super::schema::compile(&t.attributes_schema)
            .map_err(|e| err(path, format!("order type {}: {e}", t.code)))?;
    }
    let codes = capabilities
        .order_types
        .iter()
        .map(|d| &d.code)
        .chain(capabilities.invoice_formats.iter().map(|d| &d.code))
        .chain(capabilities.promising_calculators.iter().map(|d| &d.code));
    for c in codes {
        if !valid_code(c) {
            return Err(err(
                path,
                format!("capability code {c:?} is not 2 to 40 characters of A-Z, 0-9, '_'"),
            ));
        }
    }
    Ok(ManifestInfo {
        id,
        version,
        sdk_version,
        abi: (major, minor),
        capabilities,
        capabilities_json,
    })
}

/// What `mercator plugins check` reports on a file.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The file's SHA-256 (when it could be read).
    pub sha256: Option<String>,
    /// The manifest (when it could be read and passed every check).
    pub manifest: Option<ManifestInfo>,
    /// Every problem found; empty means the file can be listed in the configuration.
    pub problems: Vec<String>,
}

/// Checks a file as the host would load it, without initialising the plugin: readable, a
/// shared library, the manifest, the init symbol. Opening the library runs its initialisers.
pub fn check(path: &Path) -> CheckReport {
    let mut r = CheckReport {
        sha256: None,
        manifest: None,
        problems: Vec::new(),
    };
    let hashed = match hash_file(path) {
        Ok(h) => h,
        Err(e) => {
            r.problems.push(e.reason);
            return r;
        }
    };
    r.sha256 = Some(hashed.sha256.clone());
    let lib = match open_library(path, hashed) {
        Ok(l) => l,
        Err(e) => {
            r.problems.push(e.reason);
            return r;
        }
    };
    match read_manifest(path, &lib) {
        Ok(m) => r.manifest = Some(m),
        Err(e) => r.problems.push(e.reason),
    }
    // SAFETY: only looks the symbol up.
    if unsafe { lib.get::<InitFn>("mercator_plugin_init") }.is_err() {
        r.problems
            .push("no `mercator_plugin_init` symbol: the host cannot initialise it".into());
    }
    r
}

unsafe extern "C" fn host_log(level: i32, message: *const u8, len: usize) {
    if message.is_null() {
        return;
    }
    // SAFETY: the plugin passes `len` readable bytes for the duration of the call.
    let bytes = unsafe { std::slice::from_raw_parts(message, len) };
    let text = clip(bytes);
    // The plugin whose call (or init) this thread is in; a line from a thread of the plugin's
    // own is tagged `unknown`.
    let plugin = IN_PLUGIN.with(|c| c.get()).map_or("unknown", |p| p.id);
    match level {
        abi::LOG_ERROR => tracing::error!(target: "mercator::plugin", plugin, "{text}"),
        abi::LOG_WARN => tracing::warn!(target: "mercator::plugin", plugin, "{text}"),
        abi::LOG_INFO => tracing::info!(target: "mercator::plugin", plugin, "{text}"),
        _ => tracing::debug!(target: "mercator::plugin", plugin, "{text}"),
    }
}

static HOST_API: HostApi = HostApi {
    struct_size: std::mem::size_of::<HostApi>() as u32,
    abi_major: abi::ABI_MAJOR,
    abi_minor: abi::ABI_MINOR,
    log: Some(host_log),
};

/// Loads a configured plugin: hash, open, manifest, init.
pub fn load(spec: &PluginSpec, limits: CallLimits) -> Result<LoadedPlugin, LoadError> {
    let path = spec.path.as_path();
    let expected = spec.sha256.trim().to_ascii_lowercase();
    if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err(
            path,
            "the configured sha256 is not 64 hexadecimal digits (take it from \
             `mercator plugins check <file>`)",
        ));
    }
    let hashed = hash_file(path)?;
    if hashed.sha256 != expected {
        return Err(err(
            path,
            format!(
                "SHA-256 mismatch: the configuration approves {expected}, the file is {}; \
                 the library was not opened",
                hashed.sha256
            ),
        ));
    }
    let sha256 = hashed.sha256.clone();
    let lib = open_library(path, hashed)?;
    let manifest = read_manifest(path, &lib)?;
    // SAFETY: the symbol's type is the header's `MercatorInitFn`.
    let init = unsafe { lib.get::<InitFn>("mercator_plugin_init") }
        .map_err(|_| err(path, "no `mercator_plugin_init` symbol"))?;
    let config = serde_json::to_vec(&spec.config)
        .map_err(|e| err(path, format!("the configuration cannot be encoded: {e}")))?;
    let init: InitFn = *init;
    // The plugin id lives as long as the library: for ever.
    let id: &'static str = Box::leak(manifest.id.clone().into_boxed_str());
    // Init runs on a thread of its own so that one that never returns cannot hang start-up.
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("init {id}"))
        .spawn(move || {
            let _inside = Inside::enter(id, "init");
            let mut msg = vec![0u8; 1024];
            // SAFETY: per the header: our static host table, the config bytes, a writable
            // error buffer.
            let t = unsafe {
                init(
                    &HOST_API,
                    config.as_ptr(),
                    config.len(),
                    msg.as_mut_ptr().cast::<c_char>(),
                    msg.len(),
                )
            };
            let _ = tx.send((t as usize, msg));
        });
    if let Err(e) = spawned {
        return Err(err(path, format!("cannot start the init thread: {e}")));
    }
    let (t, msg) = match rx.recv_timeout(limits.init_timeout) {
        Ok((t, msg)) => (t as *const abi::PluginApi, msg),
        Err(_) => {
            return Err(err(
                path,
                format!(
                    "plugin {id} did not finish initialising within {} ms ([plugin_limits] \
                     init_timeout_ms)",
                    limits.init_timeout.as_millis()
                ),
            ));
        }
    };
    if t.is_null() {
        let end = msg.iter().position(|&b| b == 0).unwrap_or(msg.len());
        let text = String::from_utf8_lossy(&msg[..end]);
        let text = if text.is_empty() {
            "no reason given".into()
        } else {
            text
        };
        return Err(err(
            path,
            format!(
                "plugin {} failed to initialise: {}",
                manifest.id,
                clip(text.as_bytes())
            ),
        ));
    }
    // SAFETY: a non-null table; struct_size comes first in every version.
    let size = unsafe { (*t).struct_size } as usize;
    if size < abi::PLUGIN_API_SIZE_1_0 {
        return Err(err(
            path,
            format!(
                "function table is {size} bytes, smaller than ABI 1.0's {}",
                abi::PLUGIN_API_SIZE_1_0
            ),
        ));
    }
    // SAFETY: the size covers the 1.0 fields; the table lives as long as the library.
    let table = unsafe {
        let t = &*t;
        Table {
            instance: t.instance as usize,
            free_buffer: t
                .free_buffer
                .ok_or_else(|| err(path, "the function table has no free_buffer"))?,
            order_type_validate: t.order_type_validate,
            order_type_transition: t.order_type_transition,
            invoice_render: t.invoice_render,
            promising_calculate: t.promising_calculate,
        }
    };
    Ok(LoadedPlugin {
        manifest,
        path: spec.path.clone(),
        sha256,
        slots: std::sync::Arc::new(tokio::sync::Semaphore::new(
            limits.max_concurrent_calls.max(1),
        )),
        limits,
        id,
        table,
    })
}

/// Which operation of the table to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `order_type_validate`.
    ValidateOrder,
    /// `order_type_transition`.
    CheckTransition,
    /// `invoice_render`.
    RenderInvoice,
    /// `promising_calculate`.
    Promise,
}

impl Operation {
    /// Name as in the header.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ValidateOrder => "order_type_validate",
            Operation::CheckTransition => "order_type_transition",
            Operation::RenderInvoice => "invoice_render",
            Operation::Promise => "promising_calculate",
        }
    }
}

impl LoadedPlugin {
    /// Calls an operation with a JSON request; on OK, `ok` reads the response bytes (before
    /// they are freed). Blocking: call it off the async workers.
    pub fn call<T>(
        &self,
        op: Operation,
        request: &[u8],
        ok: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<T, ExtensionError> {
        let plugin = &self.manifest.id;
        let f = match op {
            Operation::ValidateOrder => self.table.order_type_validate,
            Operation::CheckTransition => self.table.order_type_transition,
            Operation::RenderInvoice => self.table.invoice_render,
            Operation::Promise => self.table.promising_calculate,
        };
        let Some(f) = f else {
            return Err(ExtensionError::Unsupported {
                provider: format!("plugin {plugin}"),
                operation: op.name(),
            });
        };
        let mut out = Buffer::empty();
        let inside = Inside::enter(self.id, op.name());
        // SAFETY: the table's function with the instance init returned, a readable request and
        // a writable response; the plugin promises thread safety.
        let status = unsafe {
            f(
                self.table.instance as *mut std::ffi::c_void,
                request.as_ptr(),
                request.len(),
                &mut out,
            )
        };
        drop(inside);
        let bytes: &[u8] = if out.ptr.is_null() || out.len == 0 {
            &[]
        } else {
            // SAFETY: the plugin filled `len` bytes at `ptr`; they stay until free_buffer.
            unsafe { std::slice::from_raw_parts(out.ptr, out.len) }
        };
        let malformed = |message: String| ExtensionError::Malformed {
            plugin: plugin.clone(),
            operation: op.name(),
            message,
        };
        let limits = &self.limits;
        let result = match status {
            _ if bytes.len() > limits.max_answer_bytes => Err(malformed(format!(
                "an answer of {} bytes, over the limit of {} ([plugin_limits] max_answer_bytes)",
                bytes.len(),
                limits.max_answer_bytes
            ))),
            abi::STATUS_OK => ok(bytes).map_err(|m| malformed(clip(m.as_bytes()))),
            abi::STATUS_BUSINESS_ERROR => match serde_json::from_slice::<UserErrors>(bytes) {
                Ok(e) if e.errors.len() > limits.max_errors => Err(malformed(format!(
                    "{} user errors, over the limit of {} ([plugin_limits] max_errors)",
                    e.errors.len(),
                    limits.max_errors
                ))),
                Ok(e) if !e.errors.is_empty() => Err(ExtensionError::Rejected(
                    e.errors
                        .into_iter()
                        .map(|mut u| {
                            u.message = clip(u.message.as_bytes());
                            u.code = clip(u.code.as_bytes());
                            u
                        })
                        .collect(),
                )),
                Ok(_) => Err(malformed("a business error without errors".into())),
                Err(e) => Err(malformed(format!("unreadable user errors: {e}"))),
            },
            abi::STATUS_PLUGIN_FAULT => Err(ExtensionError::Fault {
                plugin: plugin.clone(),
                operation: op.name(),
                message: clip(bytes),
            }),
            abi::STATUS_UNSUPPORTED => Err(ExtensionError::Unsupported {
                provider: format!("plugin {plugin}"),
                operation: op.name(),
            }),
            other => Err(malformed(format!("unknown status code {other}"))),
        };
        if !out.ptr.is_null() {
            // SAFETY: handing the plugin's own buffer back to its free function, once.
            unsafe { (self.table.free_buffer)(out) };
        }
        result
    }
}
