//! The host's JSON Schema check of order `attributes` against an order type's declared schema,
//! before any extension sees the order. A subset of draft 2020-12, the part order attributes
//! need: `type` (object, string, integer, number, boolean, array, null, or a list of them),
//! `properties`, `required`, `additionalProperties: false`, `enum`, `const`, `minLength`,
//! `maxLength`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `items`,
//! `minItems`, `maxItems`. Other keywords are not checked (docs/plugins.md says so).

use crate::error::{Rule, Violation};
use serde_json::Value;

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "string" => v.is_string(),
        "integer" => {
            v.as_i64().is_some()
                || v.as_u64().is_some()
                || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Checks `value` against `schema`; every problem is a violation whose field starts with
/// `path` (e.g. `attributes.settlementDays`).
pub fn check(schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let Some(s) = schema.as_object() else {
        return;
    };
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, value),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_ok(t, value)),
            _ => true,
        };
        if !ok {
            out.push(Violation::new(
                path,
                Rule::InvalidFormat,
                format!(
                    "{path} must be of type {}",
                    t.as_str().unwrap_or("(one of the listed types)")
                ),
            ));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(value)
    {
        out.push(Violation::new(
            path,
            Rule::InvalidValue,
            format!("{path} must be one of {}", Value::Array(e.clone())),
        ));
    }
    if let Some(c) = s.get("const")
        && c != value
    {
        out.push(Violation::new(
            path,
            Rule::InvalidValue,
            format!("{path} must be {c}"),
        ));
    }
    if let Some(text) = value.as_str() {
        let n = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64)
            && n < min
        {
            let rule = if n == 0 {
                Rule::Required
            } else {
                Rule::InvalidValue
            };
            out.push(Violation::new(
                path,
                rule,
                format!("{path} must have at least {min} characters"),
            ));
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
            && n > max
        {
            out.push(Violation::new(
                path,
                Rule::TooLong,
                format!("{path} must have at most {max} characters"),
            ));
        }
    }
    if let Some(x) = num(value).filter(|_| value.is_number()) {
        let bound = |k: &str| s.get(k).and_then(num);
        let below = bound("minimum").is_some_and(|m| x < m)
            || bound("exclusiveMinimum").is_some_and(|m| x <= m);
        let above = bound("maximum").is_some_and(|m| x > m)
            || bound("exclusiveMaximum").is_some_and(|m| x >= m);
        if below || above {
            out.push(Violation::new(
                path,
                Rule::OutOfRange,
                format!("{path} is out of range"),
            ));
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            out.push(Violation::new(
                path,
                Rule::OutOfRange,
                format!("{path} needs at least {min} entries"),
            ));
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            out.push(Violation::new(
                path,
                Rule::OutOfRange,
                format!("{path} takes at most {max} entries"),
            ));
        }
        if let Some(item_schema) = s.get("items") {
            for (i, v) in items.iter().enumerate() {
                check(item_schema, v, &format!("{path}.{i}"), out);
            }
        }
    }
    if let Some(obj) = value.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    let p = format!("{path}.{r}");
                    out.push(Violation::new(
                        &p,
                        Rule::Required,
                        format!("{p} is required"),
                    ));
                }
            }
        }
        for (k, v) in obj {
            let p = format!("{path}.{k}");
            match props.and_then(|ps| ps.get(k)) {
                Some(ps) => check(ps, v, &p, out),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(Violation::new(
                        &p,
                        Rule::InvalidValue,
                        format!("{p} is not an attribute of this order type"),
                    ))
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(schema: &Value, v: &Value) -> Vec<(String, Rule)> {
        let mut out = Vec::new();
        check(schema, v, "attributes", &mut out);
        out.into_iter()
            .map(|v| (v.field.join("."), v.rule))
            .collect()
    }

    #[test]
    fn the_consignment_schema() {
        let s = json!({"type": "object", "required": ["consigneeSite", "settlementDays"], "additionalProperties": false,
            "properties": {"consigneeSite": {"type": "string", "minLength": 1, "maxLength": 40},
                           "settlementDays": {"type": "integer", "minimum": 1, "maximum": 365},
                           "replenish": {"type": "boolean"}}});
        assert_eq!(
            codes(&s, &json!({"consigneeSite": "S-7", "settlementDays": 30})),
            vec![]
        );
        assert_eq!(
            codes(
                &s,
                &json!({"settlementDays": 400, "colour": "red", "replenish": "yes"})
            ),
            vec![
                ("attributes.consigneeSite".to_owned(), Rule::Required),
                ("attributes.colour".to_owned(), Rule::InvalidValue),
                ("attributes.replenish".to_owned(), Rule::InvalidFormat),
                ("attributes.settlementDays".to_owned(), Rule::OutOfRange),
            ]
        );
        assert_eq!(
            codes(&s, &json!({"consigneeSite": "", "settlementDays": 1.5})).len(),
            2
        );
        assert_eq!(
            codes(&s, &json!([1])),
            vec![("attributes".to_owned(), Rule::InvalidFormat)]
        );
        assert_eq!(codes(&json!({"type": "object"}), &json!({"x": 1})), vec![]);
        assert_eq!(
            codes(
                &json!({"type": "object", "properties": {"k": {"enum": ["A", "B"]}, "l": {"type": "array", "maxItems": 1, "items": {"type": "string"}}}}),
                &json!({"k": "C", "l": [1, "x"]})
            ),
            vec![
                ("attributes.k".to_owned(), Rule::InvalidValue),
                ("attributes.l".to_owned(), Rule::OutOfRange),
                ("attributes.l.0".to_owned(), Rule::InvalidFormat),
            ]
        );
    }
}
