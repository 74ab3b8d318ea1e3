//! The extension registry in GraphQL: loaded plugins, order types, invoice formats and
//! promising calculators. Plugins add rows here, never types: the schema is the same with or
//! without plugins.

use super::scalars::Json;
use super::{rc, registry};
use async_graphql::{Context, Object, Result, SimpleObject};
use mercator_core::extension::registry::{Provider, Registry};

/// A plugin loaded by this server (listed in its configuration, hash-checked, initialised).
#[derive(SimpleObject, Debug, Clone)]
pub struct Plugin {
    /// The plugin's id, e.g. `example.consignment`.
    pub id: String,
    /// The plugin's own version.
    pub version: String,
    /// The plugin ABI it was built against, `major.minor`.
    pub abi_version: String,
    /// The SDK (or C header) version it was built with.
    pub sdk_version: String,
    /// SHA-256 of the loaded file.
    pub sha256: String,
    /// What it provides, as declared in its manifest: `orderTypes`, `invoiceFormats`,
    /// `promisingCalculators`.
    pub capabilities: Json,
}

/// An order type: one of the five standard types or one a plugin adds.
#[derive(SimpleObject, Debug, Clone)]
pub struct OrderType {
    /// Code, e.g. `SALES`, `JOURNAL` or a plugin's `CONSIGNMENT`.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// `builtin` or the id of the plugin that provides it.
    pub provider: String,
    /// Whether orders of this type move stock (a journal does not).
    pub affects_inventory: bool,
    /// JSON Schema of the order's `attributes` for this type.
    pub attributes_schema: Json,
}

/// An invoice format: the built-in JSON or one a plugin adds (e-invoice XML, CSV, ...).
#[derive(SimpleObject, Debug, Clone)]
pub struct InvoiceFormat {
    /// Code, e.g. `MERCATOR_JSON`.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// `builtin` or the id of the plugin that provides it.
    pub provider: String,
    /// Media type of a rendered invoice, e.g. `application/xml`.
    pub media_type: String,
    /// File extension of a rendered invoice, without the dot.
    pub file_extension: String,
}

/// A promising-date calculator.
#[derive(SimpleObject, Debug, Clone)]
pub struct PromisingCalculator {
    /// Code.
    pub code: String,
    /// Label for people.
    pub label: String,
    /// `builtin` or the id of the plugin that provides it.
    pub provider: String,
    /// JSON Schema of the calculator's `arguments`.
    pub arguments_schema: Json,
}

fn provider(p: &Provider) -> String {
    p.name().to_owned()
}

/// The loaded plugins.
pub fn plugins(r: &Registry) -> Vec<Plugin> {
    r.plugins()
        .iter()
        .map(|p| Plugin {
            id: p.manifest.id.clone(),
            version: p.manifest.version.clone(),
            abi_version: format!("{}.{}", p.manifest.abi.0, p.manifest.abi.1),
            sdk_version: p.manifest.sdk_version.clone(),
            sha256: p.sha256.clone(),
            capabilities: Json(p.manifest.capabilities_json.clone()),
        })
        .collect()
}

/// The order types.
pub fn order_types(r: &Registry) -> Vec<OrderType> {
    r.order_types()
        .iter()
        .map(|e| OrderType {
            code: e.decl.code.clone(),
            label: e.decl.label.clone(),
            provider: provider(&e.provider),
            affects_inventory: e.decl.affects_inventory,
            attributes_schema: Json(e.decl.attributes_schema.clone()),
        })
        .collect()
}

/// The invoice formats.
pub fn invoice_formats(r: &Registry) -> Vec<InvoiceFormat> {
    r.invoice_formats()
        .iter()
        .map(|e| InvoiceFormat {
            code: e.decl.code.clone(),
            label: e.decl.label.clone(),
            provider: provider(&e.provider),
            media_type: e.decl.media_type.clone(),
            file_extension: e.decl.file_extension.clone(),
        })
        .collect()
}

/// The promising calculators.
pub fn promising_calculators(r: &Registry) -> Vec<PromisingCalculator> {
    r.calculators()
        .iter()
        .map(|e| PromisingCalculator {
            code: e.decl.code.clone(),
            label: e.decl.label.clone(),
            provider: provider(&e.provider),
            arguments_schema: Json(e.decl.arguments_schema.clone()),
        })
        .collect()
}

/// Queries of the loaded plugins and what they add.
#[derive(Default)]
pub struct PluginsQuery;

/// Queries of the loaded plugins and what they add.
#[Object]
impl PluginsQuery {
    /// The plugins this server loaded (any authenticated caller may read the registry).
    async fn plugins(&self, ctx: &Context<'_>) -> Result<Vec<self::Plugin>> {
        rc(ctx)?;
        Ok(self::plugins(registry(ctx)?))
    }

    /// Order types: the five standard ones (`builtin`) and those plugins add.
    async fn order_types(&self, ctx: &Context<'_>) -> Result<Vec<self::OrderType>> {
        rc(ctx)?;
        Ok(self::order_types(registry(ctx)?))
    }

    /// Invoice formats: the built-in ones and those plugins add.
    async fn invoice_formats(&self, ctx: &Context<'_>) -> Result<Vec<self::InvoiceFormat>> {
        rc(ctx)?;
        Ok(self::invoice_formats(registry(ctx)?))
    }

    /// Promising-date calculators: built-in and from plugins.
    async fn promising_calculators(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<self::PromisingCalculator>> {
        rc(ctx)?;
        Ok(self::promising_calculators(registry(ctx)?))
    }
}
