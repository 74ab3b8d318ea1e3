//! The registry: every order type, invoice format and promising calculator of this process,
//! built-in or from a plugin, under a unique code. Built once at start-up, then read-only.

use super::loader::{self, CallLimits, LoadError, LoadedPlugin, Operation, PluginSpec};
use super::messages::{
    Ack, CalculatorDecl, InvoiceFormatDecl, OrderTypeDecl, PromisingRequest, PromisingResponse,
    RenderInvoiceRequest, TransitionRequest, ValidateOrderRequest,
};
use super::{ExtensionError, InvoiceFormat, OrderTypeRules, PromisingCalculator, builtin};
use std::sync::Arc;

/// Who provides an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// Mercator itself.
    BuiltIn,
    /// A plugin, by id.
    Plugin(String),
}

impl Provider {
    /// `builtin` or the plugin id.
    pub fn name(&self) -> &str {
        match self {
            Provider::BuiltIn => "builtin",
            Provider::Plugin(id) => id,
        }
    }
}

/// A registered extension: its declaration, provider and implementation.
pub struct Entry<D, T: ?Sized> {
    /// Code, label and schema as declared.
    pub decl: D,
    /// Who provides it.
    pub provider: Provider,
    /// The implementation.
    pub imp: Arc<T>,
}

impl<D: std::fmt::Debug, T: ?Sized> std::fmt::Debug for Entry<D, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("decl", &self.decl)
            .field("provider", &self.provider)
            .finish()
    }
}

/// A registered order type.
pub type OrderTypeEntry = Entry<OrderTypeDecl, dyn OrderTypeRules>;
/// A registered invoice format.
pub type InvoiceFormatEntry = Entry<InvoiceFormatDecl, dyn InvoiceFormat>;
/// A registered promising calculator.
pub type CalculatorEntry = Entry<CalculatorDecl, dyn PromisingCalculator>;

/// The registry.
#[derive(Debug, Default)]
pub struct Registry {
    plugins: Vec<Arc<LoadedPlugin>>,
    order_types: Vec<OrderTypeEntry>,
    /// Each order type's attribute schema, compiled when it was registered.
    attribute_schemas: std::collections::HashMap<String, Arc<super::schema::AttributeSchema>>,
    invoice_formats: Vec<InvoiceFormatEntry>,
    calculators: Vec<CalculatorEntry>,
}

/// A rendered invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The document.
    pub bytes: Vec<u8>,
    /// Its media type.
    pub media_type: String,
    /// A file name: the invoice number and the format's extension.
    pub file_name: String,
}

/// A declaration registered under a code.
trait Coded {
    fn code(&self) -> &str;
}

impl Coded for OrderTypeDecl {
    fn code(&self) -> &str {
        &self.code
    }
}

impl Coded for InvoiceFormatDecl {
    fn code(&self) -> &str {
        &self.code
    }
}

impl Coded for CalculatorDecl {
    fn code(&self) -> &str {
        &self.code
    }
}

/// Adds an entry unless its code is taken.
fn add<D: Coded, T: ?Sized>(
    list: &mut Vec<Entry<D, T>>,
    kind: &str,
    decl: D,
    provider: Provider,
    imp: Arc<T>,
) -> Result<(), String> {
    if let Some(e) = list.iter().find(|e| e.decl.code() == decl.code()) {
        return Err(format!(
            "{kind} code {} is provided twice: by {} and by {}",
            decl.code(),
            e.provider.name(),
            provider.name()
        ));
    }
    list.push(Entry {
        decl,
        provider,
        imp,
    });
    Ok(())
}

impl Registry {
    /// A registry with the built-ins only.
    pub fn builtin() -> Registry {
        let mut r = Registry::default();
        builtin::register(&mut r);
        r
    }

    /// The built-ins plus every configured plugin, in configuration order, with the default
    /// call limits. The first plugin that cannot load (or clashes with a registered code) is
    /// the error.
    pub fn load(specs: &[PluginSpec]) -> Result<Registry, LoadError> {
        Self::load_with(specs, CallLimits::default())
    }

    /// [`Registry::load`] with the configured call limits.
    pub fn load_with(specs: &[PluginSpec], limits: CallLimits) -> Result<Registry, LoadError> {
        let mut r = Registry::builtin();
        for s in specs {
            let p = loader::load(s, limits)?;
            r.add_plugin(p).map_err(|reason| LoadError {
                path: s.path.clone(),
                reason,
            })?;
        }
        Ok(r)
    }

    /// Registers an order type; a code already taken is refused.
    pub fn add_order_type(
        &mut self,
        decl: OrderTypeDecl,
        provider: Provider,
        imp: Arc<dyn OrderTypeRules>,
    ) -> Result<(), String> {
        let schema = super::schema::compile(&decl.attributes_schema)
            .map_err(|e| format!("order type {}: {e}", decl.code))?;
        let code = decl.code.clone();
        add(&mut self.order_types, "order type", decl, provider, imp)?;
        self.attribute_schemas.insert(code, Arc::new(schema));
        Ok(())
    }

    /// The compiled attribute schema of a registered order type.
    pub fn attribute_schema(&self, code: &str) -> Option<&super::schema::AttributeSchema> {
        self.attribute_schemas.get(code).map(|s| &**s)
    }

    /// Registers an invoice format; a code already taken is refused.
    pub fn add_invoice_format(
        &mut self,
        decl: InvoiceFormatDecl,
        provider: Provider,
        imp: Arc<dyn InvoiceFormat>,
    ) -> Result<(), String> {
        add(
            &mut self.invoice_formats,
            "invoice format",
            decl,
            provider,
            imp,
        )
    }

    /// Registers a promising calculator; a code already taken is refused.
    pub fn add_calculator(
        &mut self,
        decl: CalculatorDecl,
        provider: Provider,
        imp: Arc<dyn PromisingCalculator>,
    ) -> Result<(), String> {
        add(
            &mut self.calculators,
            "promising calculator",
            decl,
            provider,
            imp,
        )
    }

    /// Registers everything a loaded plugin declares. Nothing is registered if any code clashes.
    pub fn add_plugin(&mut self, plugin: LoadedPlugin) -> Result<(), String> {
        let id = plugin.manifest.id.clone();
        if self.plugins.iter().any(|p| p.manifest.id == id) {
            return Err(format!("plugin id {id} is loaded twice"));
        }
        let caps = plugin.manifest.capabilities.clone();
        let plugin = Arc::new(plugin);
        let provider = Provider::Plugin(id);
        let register = || -> Result<(), String> {
            for d in caps.order_types {
                let imp = Arc::new(PluginCall(plugin.clone()));
                self.add_order_type(d, provider.clone(), imp)?;
            }
            for d in caps.invoice_formats {
                let imp = Arc::new(PluginCall(plugin.clone()));
                self.add_invoice_format(d, provider.clone(), imp)?;
            }
            for d in caps.promising_calculators {
                let imp = Arc::new(PluginCall(plugin.clone()));
                self.add_calculator(d, provider.clone(), imp)?;
            }
            Ok(())
        };
        if let Err(e) = register() {
            // Take back whatever this plugin had registered before the clash.
            self.order_types.retain(|e| e.provider != provider);
            let codes: std::collections::HashSet<&str> = self
                .order_types
                .iter()
                .map(|e| e.decl.code.as_str())
                .collect();
            self.attribute_schemas
                .retain(|c, _| codes.contains(c.as_str()));
            self.invoice_formats.retain(|e| e.provider != provider);
            self.calculators.retain(|e| e.provider != provider);
            return Err(e);
        }
        self.plugins.push(plugin);
        Ok(())
    }

    /// The loaded plugins, in load order.
    pub fn plugins(&self) -> &[Arc<LoadedPlugin>] {
        &self.plugins
    }
    /// Order types: built-ins first, then plugins'.
    pub fn order_types(&self) -> &[OrderTypeEntry] {
        &self.order_types
    }
    /// Invoice formats.
    pub fn invoice_formats(&self) -> &[InvoiceFormatEntry] {
        &self.invoice_formats
    }
    /// Promising calculators.
    pub fn calculators(&self) -> &[CalculatorEntry] {
        &self.calculators
    }
    /// An order type by code.
    pub fn order_type(&self, code: &str) -> Option<&OrderTypeEntry> {
        self.order_types.iter().find(|e| e.decl.code == code)
    }
    /// An invoice format by code.
    pub fn invoice_format(&self, code: &str) -> Option<&InvoiceFormatEntry> {
        self.invoice_formats.iter().find(|e| e.decl.code == code)
    }
    /// A calculator by code.
    pub fn calculator(&self, code: &str) -> Option<&CalculatorEntry> {
        self.calculators.iter().find(|e| e.decl.code == code)
    }

    /// Runs an extension call: built-ins inline (they are pure and fast), plugins on the
    /// blocking pool so that a slow plugin never stalls the async workers, one of the
    /// plugin's concurrency slots held until the plugin returns, and the caller answered
    /// `PLUGIN_TIMEOUT` after the call deadline (waiting for a slot counts). A plugin thread
    /// cannot be stopped: a call that never returns keeps its slot, so a hung plugin takes at
    /// most `max_concurrent_calls` threads and later calls time out without starting.
    async fn run<T: ?Sized + Send + Sync + 'static, R: Send + 'static>(
        &self,
        provider: &Provider,
        imp: Arc<T>,
        f: impl FnOnce(&T) -> Result<R, ExtensionError> + Send + 'static,
    ) -> Result<R, ExtensionError> {
        let Provider::Plugin(id) = provider else {
            return f(&imp);
        };
        let Some(plugin) = self.plugins.iter().find(|p| &p.manifest.id == id) else {
            return Err(Self::unknown("plugin", id));
        };
        let limits = plugin.limits;
        let slots = plugin.slots.clone();
        let call = async move {
            let slot = slots.acquire_owned().await.map_err(|_| "closed")?;
            tokio::task::spawn_blocking(move || {
                let r = f(&imp);
                drop(slot);
                r
            })
            .await
            .map_err(|_| "did not complete")
        };
        match tokio::time::timeout(limits.timeout, call).await {
            Ok(Ok(r)) => r,
            Ok(Err(why)) => Err(ExtensionError::Fault {
                plugin: id.clone(),
                operation: "call",
                message: format!("the call {why}"),
            }),
            Err(_) => {
                tracing::error!(
                    plugin = %id,
                    timeout_ms = limits.timeout.as_millis() as u64,
                    "a plugin call passed its deadline; its thread keeps its slot until it returns"
                );
                Err(ExtensionError::Timeout {
                    plugin: id.clone(),
                    after_ms: limits.timeout.as_millis() as u64,
                })
            }
        }
    }

    /// Validates an order with a built-in type's rules, synchronously (they are pure code, so
    /// they may run inside a transaction); a plugin's type is `UNSUPPORTED` here.
    pub fn validate_order_built_in(
        &self,
        req: &ValidateOrderRequest,
    ) -> Result<(), ExtensionError> {
        let e = self
            .order_type(&req.order_type)
            .ok_or_else(|| Self::unknown("order type", &req.order_type))?;
        match e.provider {
            Provider::BuiltIn => e.imp.validate(req),
            Provider::Plugin(_) => Err(Self::not_here(&e.provider)),
        }
    }

    /// Asks a built-in type's rules about a transition, synchronously (see
    /// [`Registry::validate_order_built_in`]).
    pub fn check_transition_built_in(&self, req: &TransitionRequest) -> Result<(), ExtensionError> {
        let e = self
            .order_type(&req.order_type)
            .ok_or_else(|| Self::unknown("order type", &req.order_type))?;
        match e.provider {
            Provider::BuiltIn => e.imp.check_transition(req),
            Provider::Plugin(_) => Err(Self::not_here(&e.provider)),
        }
    }

    fn not_here(p: &Provider) -> ExtensionError {
        ExtensionError::Unsupported {
            provider: p.name().to_owned(),
            operation: "a call inside a transaction",
        }
    }

    fn unknown(kind: &'static str, code: &str) -> ExtensionError {
        ExtensionError::UnknownCode {
            kind,
            code: code.to_owned(),
        }
    }

    /// Validates an order with its type's rules (plugins run on the blocking pool).
    pub async fn validate_order(&self, req: ValidateOrderRequest) -> Result<(), ExtensionError> {
        let e = self
            .order_type(&req.order_type)
            .ok_or_else(|| Self::unknown("order type", &req.order_type))?;
        self.run(&e.provider, e.imp.clone(), move |imp| imp.validate(&req))
            .await
    }

    /// Asks an order's type whether a transition may happen.
    pub async fn check_transition(&self, req: TransitionRequest) -> Result<(), ExtensionError> {
        let e = self
            .order_type(&req.order_type)
            .ok_or_else(|| Self::unknown("order type", &req.order_type))?;
        self.run(&e.provider, e.imp.clone(), move |imp| {
            imp.check_transition(&req)
        })
        .await
    }

    /// Renders an invoice in a format.
    pub async fn render_invoice(
        &self,
        req: RenderInvoiceRequest,
    ) -> Result<Rendered, ExtensionError> {
        let e = self
            .invoice_format(&req.format)
            .ok_or_else(|| Self::unknown("invoice format", &req.format))?;
        let file_name = format!(
            "{}.{}",
            safe_file_stem(&req.invoice.number),
            e.decl.file_extension
        );
        let media_type = e.decl.media_type.clone();
        let bytes = self
            .run(&e.provider, e.imp.clone(), move |imp| imp.render(&req))
            .await?;
        Ok(Rendered {
            bytes,
            media_type,
            file_name,
        })
    }

    /// Promises dates for a batch of lines.
    pub async fn promise(
        &self,
        req: PromisingRequest,
    ) -> Result<PromisingResponse, ExtensionError> {
        let e = self
            .calculator(&req.calculator)
            .ok_or_else(|| Self::unknown("promising calculator", &req.calculator))?;
        self.run(&e.provider, e.imp.clone(), move |imp| imp.promise(&req))
            .await
    }
}

fn safe_file_stem(number: &str) -> String {
    let s: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "invoice".into() } else { s }
}

/// A plugin behind the host traits: each call is one ABI call with a JSON message.
#[derive(Debug)]
pub struct PluginCall(pub Arc<LoadedPlugin>);

fn encode<T: serde::Serialize>(
    plugin: &LoadedPlugin,
    op: Operation,
    v: &T,
) -> Result<Vec<u8>, ExtensionError> {
    // Sized for a typical invoice message, so encoding rarely reallocates.
    let mut buf = Vec::with_capacity(16 * 1024);
    serde_json::to_writer(&mut buf, v)
        .map(|()| buf)
        .map_err(|e| ExtensionError::Fault {
            plugin: plugin.manifest.id.clone(),
            operation: op.name(),
            message: format!("the request could not be encoded: {e}"),
        })
}

/// Parses a plugin's JSON answer: one UTF-8 check, then from `&str` (faster than `from_slice`).
fn parse<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn ack(bytes: &[u8]) -> Result<(), String> {
    parse::<Ack>(bytes)
        .map(|_| ())
        .map_err(|e| format!("expected {{\"v\":1}}: {e}"))
}

impl OrderTypeRules for PluginCall {
    fn validate(&self, request: &ValidateOrderRequest) -> Result<(), ExtensionError> {
        let op = Operation::ValidateOrder;
        let req = encode(&self.0, op, request)?;
        self.0.call(op, &req, ack)
    }

    fn check_transition(&self, request: &TransitionRequest) -> Result<(), ExtensionError> {
        let op = Operation::CheckTransition;
        let req = encode(&self.0, op, request)?;
        self.0.call(op, &req, ack)
    }
}

impl InvoiceFormat for PluginCall {
    fn render(&self, request: &RenderInvoiceRequest) -> Result<Vec<u8>, ExtensionError> {
        let op = Operation::RenderInvoice;
        let req = encode(&self.0, op, request)?;
        self.0.call(op, &req, |b| {
            if b.is_empty() {
                Err("an empty document".into())
            } else {
                Ok(b.to_vec())
            }
        })
    }
}

impl PromisingCalculator for PluginCall {
    fn promise(&self, request: &PromisingRequest) -> Result<PromisingResponse, ExtensionError> {
        let op = Operation::Promise;
        let req = encode(&self.0, op, request)?;
        let n = request.lines.len();
        self.0.call(op, &req, |b| {
            let r: PromisingResponse = parse(b).map_err(|e| format!("unreadable response: {e}"))?;
            if r.lines.len() != n {
                return Err(format!("{} lines answered for {n} asked", r.lines.len()));
            }
            Ok(r)
        })
    }
}
