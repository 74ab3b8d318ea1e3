//! Example order-type plugin: **consignment orders**. Goods go to a consignee's site and stay
//! ours until the consignee reports them sold; then they are invoiced.
//!
//! - Attributes: `consigneeSite` (required, 1–40 characters), `settlementDays` (required,
//!   1 to the configured `maxSettlementDays`, default 90), `replenish` and
//!   `consumptionReported` (optional booleans).
//! - Validation: the attributes as above; every line is a stocked item with a positive quantity.
//! - Extra transition rules: once anything is delivered the order cannot be canceled (the stock
//!   sits at the consignee and must be returned first), nor changed to a journal; and it is
//!   invoiced only once `consumptionReported` is true (`CONSUMPTION_NOT_REPORTED`).
//!
//! Configuration (`config` of its `[[plugins]]` entry): `{ "maxSettlementDays": 60 }`.

use mercator_plugin_sdk::messages::{
    Order, OrderTypeDecl, Transition, TransitionAction, UserError,
};
use mercator_plugin_sdk::{Host, LogLevel, OrderType, PluginError};
use rust_decimal::Decimal;

/// The order type code.
pub const CODE: &str = "CONSIGNMENT";

/// The consignment order type.
#[derive(Debug)]
pub struct Consignment {
    max_settlement_days: i64,
}

impl OrderType for Consignment {
    fn declare() -> OrderTypeDecl {
        OrderTypeDecl {
            code: CODE.into(),
            label: "Consignment order (stock at the customer's site)".into(),
            attributes_schema: serde_json::json!({
                "type": "object",
                "required": ["consigneeSite", "settlementDays"],
                "additionalProperties": false,
                "properties": {
                    "consigneeSite": {"type": "string", "minLength": 1, "maxLength": 40,
                        "description": "Code of the consignee's site holding the stock"},
                    "settlementDays": {"type": "integer", "minimum": 1, "maximum": 365,
                        "description": "Days between a reported sale and its invoice"},
                    "replenish": {"type": "boolean",
                        "description": "Replenish automatically what the consignee sold"},
                    "consumptionReported": {"type": "boolean",
                        "description": "The consignee reported what was used or sold: the order may be invoiced"}
                }
            }),
            affects_inventory: true,
        }
    }

    fn init(host: &Host, config: &serde_json::Value) -> Result<Self, String> {
        let max = match config.get("maxSettlementDays") {
            None => 90,
            Some(v) => v
                .as_i64()
                .filter(|d| (1..=365).contains(d))
                .ok_or("maxSettlementDays must be a whole number from 1 to 365")?,
        };
        host.log(
            LogLevel::Info,
            &format!("consignment orders: settlement within {max} days"),
        );
        Ok(Consignment {
            max_settlement_days: max,
        })
    }

    fn validate(&self, order: &Order) -> Result<(), PluginError> {
        let mut errors = Vec::new();
        let a = &order.attributes;
        match a.get("consigneeSite").and_then(|v| v.as_str()) {
            Some(s) if !s.trim().is_empty() && s.chars().count() <= 40 => {}
            _ => errors.push(UserError::new(
                "CONSIGNEE_SITE_REQUIRED",
                Some("attributes.consigneeSite"),
                "a consignment order needs the consignee's site (1 to 40 characters)",
            )),
        }
        match a.get("settlementDays").and_then(|v| v.as_i64()) {
            Some(d) if (1..=self.max_settlement_days).contains(&d) => {}
            _ => errors.push(UserError::new(
                "SETTLEMENT_DAYS_OUT_OF_RANGE",
                Some("attributes.settlementDays"),
                format!(
                    "settlement days must be a whole number from 1 to {}",
                    self.max_settlement_days
                ),
            )),
        }
        for (i, l) in order.lines.iter().enumerate() {
            if l.item_kind != "STOCKED" {
                errors.push(UserError::new(
                    "CONSIGNMENT_NEEDS_STOCKED_ITEM",
                    Some(&format!("lines.{i}.itemNumber")),
                    format!(
                        "line {}: {} is not a stocked item and cannot be held on consignment",
                        l.line_number, l.item_number
                    ),
                ));
            }
            if l.quantity <= Decimal::ZERO {
                errors.push(UserError::new(
                    "QUANTITY_NOT_POSITIVE",
                    Some(&format!("lines.{i}.quantity")),
                    format!("line {}: the quantity must be positive", l.line_number),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PluginError::Rejected(errors))
        }
    }

    fn check_transition(&self, order: &Order, t: &Transition) -> Result<(), PluginError> {
        let delivered = order
            .lines
            .iter()
            .any(|l| l.delivered_quantity > Decimal::ZERO);
        let to_journal = t.action == TransitionAction::ChangeType
            && t.to_order_type.as_deref() == Some("JOURNAL");
        // consigned goods are billed once the consignee reports them used or sold
        let reported = order
            .attributes
            .get("consumptionReported")
            .and_then(|v| v.as_bool())
            == Some(true);
        if t.action == TransitionAction::Invoice && !reported {
            return Err(UserError::new(
                "CONSUMPTION_NOT_REPORTED",
                Some("attributes.consumptionReported"),
                "a consignment order is invoiced only after the consignee reports what was \
                 used or sold (attributes.consumptionReported)",
            )
            .into());
        }
        if delivered && (t.action == TransitionAction::Cancel || to_journal) {
            return Err(UserError::new(
                "CONSIGNMENT_STOCK_AT_CONSIGNEE",
                None,
                "goods of this order sit at the consignee: return them before canceling the \
                 order or making it a journal",
            )
            .into());
        }
        Ok(())
    }
}

mercator_plugin_sdk::export_plugin! {
    id: "example.consignment",
    version: env!("CARGO_PKG_VERSION"),
    order_types: [Consignment],
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use mercator_plugin_sdk::messages::OrderLine;

    fn order() -> Order {
        Order {
            order_type: CODE.into(),
            attributes: serde_json::json!({"consigneeSite": "SITE-7", "settlementDays": 30}),
            lines: vec![OrderLine {
                line_number: 1,
                item_number: "ITEM-A".into(),
                item_kind: "STOCKED".into(),
                quantity: Decimal::from(10),
                ..OrderLine::default()
            }],
            ..Order::default()
        }
    }

    fn plugin(cfg: serde_json::Value) -> Consignment {
        Consignment::init(&Host::default(), &cfg).unwrap()
    }

    #[test]
    fn valid_order_passes() {
        plugin(serde_json::json!({})).validate(&order()).unwrap();
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut o = order();
        o.attributes = serde_json::json!({"settlementDays": 120});
        o.lines[0].item_kind = "SERVICE".into();
        o.lines[0].quantity = Decimal::from(0);
        let Err(PluginError::Rejected(e)) = plugin(serde_json::json!({})).validate(&o) else {
            panic!("expected a rejection")
        };
        let codes: Vec<_> = e.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "CONSIGNEE_SITE_REQUIRED",
                "SETTLEMENT_DAYS_OUT_OF_RANGE",
                "CONSIGNMENT_NEEDS_STOCKED_ITEM",
                "QUANTITY_NOT_POSITIVE"
            ]
        );
        assert_eq!(e[3].field.as_deref(), Some("lines.0.quantity"));
    }

    #[test]
    fn configuration_limits_settlement() {
        let mut o = order();
        o.attributes["settlementDays"] = 45.into();
        assert!(
            plugin(serde_json::json!({"maxSettlementDays": 30}))
                .validate(&o)
                .is_err()
        );
        assert!(
            Consignment::init(
                &Host::default(),
                &serde_json::json!({"maxSettlementDays": 0})
            )
            .is_err()
        );
    }

    #[test]
    fn cancel_is_vetoed_after_delivery_only() {
        let p = plugin(serde_json::json!({}));
        let cancel = Transition {
            action: TransitionAction::Cancel,
            to_order_type: None,
        };
        let mut o = order();
        p.check_transition(&o, &cancel).unwrap();
        o.lines[0].delivered_quantity = Decimal::from(2);
        assert!(p.check_transition(&o, &cancel).is_err());
        let ship = Transition {
            action: TransitionAction::Ship,
            to_order_type: None,
        };
        p.check_transition(&o, &ship).unwrap();
    }

    #[test]
    fn the_manifest_is_well_formed() {
        let m = mercator_plugin_manifest();
        assert!(!m.is_null());
        let m = unsafe { &*m };
        assert_eq!(m.magic, mercator_plugin_sdk::abi::MAGIC);
        let caps = unsafe { std::ffi::CStr::from_ptr(m.capabilities_json) };
        let v: serde_json::Value = serde_json::from_str(caps.to_str().unwrap()).unwrap();
        assert_eq!(v["orderTypes"][0]["code"], CODE);
    }
}
