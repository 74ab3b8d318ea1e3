//! Built-in extensions, registered through the same traits and registry as plugins: the five
//! standard order types and the `MERCATOR_JSON` invoice format.

use super::messages::{
    InvoiceFormatDecl, Order, OrderTypeDecl, RenderInvoiceRequest, TransitionAction,
    TransitionRequest, ValidateOrderRequest,
};
use super::registry::{Provider, Registry};
use super::{ExtensionError, InvoiceFormat, OrderTypeRules};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Code of the standard sales order type.
pub const SALES: &str = "SALES";
/// Code of the journal (draft) order type: no stock effect.
pub const JOURNAL: &str = "JOURNAL";
/// Code of the subscription order type.
pub const SUBSCRIPTION: &str = "SUBSCRIPTION";
/// Code of the returned order type (RMA).
pub const RETURNED: &str = "RETURNED";
/// Code of the item-requirements order type (created by projects).
pub const ITEM_REQUIREMENTS: &str = "ITEM_REQUIREMENTS";
/// Code of the built-in JSON invoice format.
pub const MERCATOR_JSON: &str = "MERCATOR_JSON";

/// The rules of one standard order type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardType(&'static str);

fn decl(code: &str, label: &str, affects_inventory: bool) -> OrderTypeDecl {
    OrderTypeDecl {
        code: code.into(),
        label: label.into(),
        attributes_schema: serde_json::json!({"type": "object", "additionalProperties": false}),
        affects_inventory,
    }
}

fn any_activity(o: &Order) -> bool {
    o.lines.iter().any(|l| {
        l.picked_quantity != Decimal::ZERO
            || l.delivered_quantity != Decimal::ZERO
            || l.invoiced_quantity != Decimal::ZERO
    })
}

impl OrderTypeRules for StandardType {
    fn validate(&self, req: &ValidateOrderRequest) -> Result<(), ExtensionError> {
        let o = &req.order;
        match self.0 {
            RETURNED => {
                let wrong: Vec<_> = o
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.quantity > Decimal::ZERO)
                    .map(|(i, l)| {
                        super::messages::UserError::new(
                            "RETURN_QUANTITY_POSITIVE",
                            Some(&format!("lines.{i}.quantity")),
                            format!(
                                "line {}: a returned order receives goods, so its quantity must \
                                 be negative",
                                l.line_number
                            ),
                        )
                    })
                    .collect();
                if !wrong.is_empty() {
                    return Err(ExtensionError::Rejected(wrong));
                }
            }
            ITEM_REQUIREMENTS if o.origin != "project" => {
                return Err(ExtensionError::reject(
                    "ITEM_REQUIREMENTS_PROJECT_ONLY",
                    Some("orderType"),
                    "item-requirements orders are created by projects only",
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads `req.order` beyond its type only for a type change ([`reads_order`]).
    fn check_transition(&self, req: &TransitionRequest) -> Result<(), ExtensionError> {
        let o = &req.order;
        let t = &req.transition;
        match (self.0, t.action) {
            (
                JOURNAL,
                TransitionAction::Pick | TransitionAction::Ship | TransitionAction::Invoice,
            ) => Err(ExtensionError::reject(
                "JOURNAL_NOT_EXECUTABLE",
                None,
                "a journal order cannot be picked, shipped or invoiced: change its type to \
                     SALES first",
            )),
            (ITEM_REQUIREMENTS, TransitionAction::ChangeType) if o.status == "DELIVERED" => {
                Err(ExtensionError::reject(
                    "TYPE_CHANGE_BLOCKED",
                    Some("orderType"),
                    "the type of a delivered item-requirements order cannot be changed",
                ))
            }
            (code, TransitionAction::ChangeType)
                if code != JOURNAL
                    && t.to_order_type.as_deref() == Some(JOURNAL)
                    && any_activity(o) =>
            {
                Err(ExtensionError::reject(
                    "TYPE_CHANGE_BLOCKED",
                    Some("orderType"),
                    "an order becomes a journal only while nothing is picked, delivered or \
                     invoiced",
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Whether the built-in types' transition rules read the order itself for `action`: only a
/// type change looks at its status and activity; picking, shipping and invoicing are decided
/// by the type alone. The built-in path of `sales::change` builds the full order message
/// only when this says so (eight statements saved on every posting).
pub(crate) fn reads_order(action: TransitionAction) -> bool {
    matches!(action, TransitionAction::ChangeType)
}

/// The built-in JSON rendering of an invoice document: the message itself, pretty-printed.
#[derive(Debug, Clone, Copy)]
pub struct JsonInvoice;

impl InvoiceFormat for JsonInvoice {
    fn render(&self, req: &RenderInvoiceRequest) -> Result<Vec<u8>, ExtensionError> {
        serde_json::to_vec_pretty(&req.invoice).map_err(|e| ExtensionError::Fault {
            plugin: "builtin".into(),
            operation: "invoice_render",
            message: e.to_string(),
        })
    }
}

/// Registers the built-ins. Their codes are fixed and distinct, so this cannot clash.
pub(super) fn register(r: &mut Registry) {
    let types = [
        (SALES, "Sales order", true),
        (JOURNAL, "Journal (draft, no stock effect)", false),
        (SUBSCRIPTION, "Subscription (recurring)", true),
        (RETURNED, "Returned order (RMA)", true),
        (ITEM_REQUIREMENTS, "Item requirements (from projects)", true),
    ];
    for (code, label, stock) in types {
        let _ = r.add_order_type(
            decl(code, label, stock),
            Provider::BuiltIn,
            Arc::new(StandardType(code)),
        );
    }
    let _ = r.add_invoice_format(
        InvoiceFormatDecl {
            code: MERCATOR_JSON.into(),
            label: "Mercator JSON (the invoice message)".into(),
            media_type: "application/json".into(),
            file_extension: "json".into(),
        },
        Provider::BuiltIn,
        Arc::new(JsonInvoice),
    );
}
