//! The host's JSON Schema check of order `attributes` against an order type's declared schema,
//! before any extension sees the order: the `jsonschema` crate, so partners write full JSON
//! Schema (the draft the schema's `$schema` names, 2020-12 when it names none) and every keyword
//! holds: `pattern`, `format` (asserted), `oneOf`/`anyOf`/`allOf`/`not`, `if`/`then`/`else`,
//! `$ref` to `$defs` inside the schema, … The schema is compiled once, when the order type is
//! registered; one that does not compile is a load error of its plugin. Two limits, for a
//! server: a `$ref` to anything outside the schema is refused (nothing is fetched), and
//! `pattern` runs on the linear-time `regex` engine (look-around and back-references are
//! refused at load, so no attribute value can make a check take exponential time).

use jsonschema::error::ValidationErrorKind as Kind;
use serde_json::Value;

/// What is wrong with an attribute; the caller maps it to its error codes (sales gives
/// `REQUIRED`, `INVALID_FORMAT`, `TOO_LONG`, `OUT_OF_RANGE`, `INVALID_VALUE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A required property is missing, or a text is empty that must not be.
    Required,
    /// Wrong type, or a `pattern` or `format` mismatch.
    InvalidFormat,
    /// Text over `maxLength`.
    TooLong,
    /// A bound, an item count or a property count.
    OutOfRange,
    /// Anything else: `enum`, `const`, an unknown property, a combinator.
    InvalidValue,
}

/// One problem: where (the path under the checked value's path), what, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path segments, e.g. `["attributes", "settlementDays"]` (a property name with a `.` in
    /// it stays one segment).
    pub field: Vec<String>,
    /// What is wrong.
    pub rule: Rule,
    /// A sentence for people.
    pub message: String,
}

impl Violation {
    fn new(field: Vec<String>, rule: Rule, message: String) -> Violation {
        Violation {
            field,
            rule,
            message,
        }
    }
}

/// A compiled attribute schema.
pub struct AttributeSchema(jsonschema::Validator);

impl std::fmt::Debug for AttributeSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AttributeSchema")
    }
}

/// Compiles a declared schema; the error says why it is not one this host can check.
pub fn compile(schema: &Value) -> Result<AttributeSchema, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .map(AttributeSchema)
        .map_err(|e| format!("attributesSchema is not a JSON Schema this host can check: {e}"))
}

/// A JSON pointer of the checked value (`/settlementDays`, `/lines/0`) as a dotted path under
/// `path` (`attributes.settlementDays`).
fn dotted(path: &str, pointer: &str) -> String {
    segments(path, pointer).join(".")
}

/// The path segments of a JSON pointer of the checked value under `path`.
fn segments(path: &str, pointer: &str) -> Vec<String> {
    let mut out: Vec<String> = path.split('.').map(str::to_owned).collect();
    out.extend(
        pointer
            .split('/')
            .skip(1)
            .map(|part| part.replace("~1", "/").replace("~0", "~")),
    );
    out
}

/// `segments` plus one property name.
fn with(mut segments: Vec<String>, name: &str) -> Vec<String> {
    segments.push(name.to_owned());
    segments
}

/// Checks `value` against `schema`; every problem is a violation whose field starts with
/// `path` (e.g. `attributes.settlementDays`), with the code of its kind: a missing property
/// `REQUIRED`, a wrong type or a `pattern`/`format` mismatch `INVALID_FORMAT`, text over
/// `maxLength` `TOO_LONG`, a bound or an item count `OUT_OF_RANGE`, anything else
/// (`enum`, `const`, an unknown property, a combinator) `INVALID_VALUE`.
pub fn check(schema: &AttributeSchema, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let start = out.len();
    let cut = |out: &mut Vec<Violation>| {
        if out.len() - start > MAX_VIOLATIONS {
            out.truncate(start + MAX_VIOLATIONS);
            out.push(Violation::new(
                segments(path, ""),
                Rule::InvalidValue,
                format!("{path} has more problems; only the first {MAX_VIOLATIONS} are listed"),
            ));
            return true;
        }
        false
    };
    for e in schema.0.iter_errors(value) {
        if cut(out) {
            return;
        }
        let at = dotted(path, e.instance_path().as_str());
        let at_path = segments(path, e.instance_path().as_str());
        let message = e.to_string();
        match e.kind() {
            Kind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let p = format!("{at}.{name}");
                out.push(Violation::new(
                    with(at_path.clone(), name),
                    Rule::Required,
                    format!("{p} is required"),
                ));
            }
            Kind::AdditionalProperties { unexpected }
            | Kind::UnevaluatedProperties { unexpected } => {
                for k in unexpected {
                    let p = format!("{at}.{k}");
                    out.push(Violation::new(
                        with(at_path.clone(), k),
                        Rule::InvalidValue,
                        format!("{p} is not an attribute of this order type"),
                    ));
                }
            }
            // `additionalProperties: false` with no `properties` fails once for the object:
            // name each of its properties.
            Kind::FalseSchema if is_additional_properties(e.schema_path().as_str()) => {
                let object = value_at(value, e.instance_path().as_str()).and_then(Value::as_object);
                let keys: Vec<&String> = object.into_iter().flat_map(|o| o.keys()).collect();
                if keys.is_empty() {
                    out.push(Violation::new(
                        at_path.clone(),
                        Rule::InvalidValue,
                        format!("{at}: {message}"),
                    ));
                }
                for k in keys {
                    let p = format!("{at}.{k}");
                    out.push(Violation::new(
                        with(at_path.clone(), k),
                        Rule::InvalidValue,
                        format!("{p} is not an attribute of this order type"),
                    ));
                }
            }
            kind => {
                let rule = match kind {
                    Kind::Type { .. } | Kind::Pattern { .. } | Kind::Format { .. } => {
                        Rule::InvalidFormat
                    }
                    Kind::MaxLength { .. } => Rule::TooLong,
                    Kind::MinLength { .. }
                        if value_at(value, e.instance_path().as_str())
                            .and_then(Value::as_str)
                            .is_some_and(str::is_empty) =>
                    {
                        Rule::Required
                    }
                    Kind::Minimum { .. }
                    | Kind::Maximum { .. }
                    | Kind::ExclusiveMinimum { .. }
                    | Kind::ExclusiveMaximum { .. }
                    | Kind::MinItems { .. }
                    | Kind::MaxItems { .. }
                    | Kind::MinProperties { .. }
                    | Kind::MaxProperties { .. } => Rule::OutOfRange,
                    _ => Rule::InvalidValue,
                };
                out.push(Violation::new(at_path, rule, format!("{at}: {message}")));
            }
        }
    }
    cut(out);
}

/// At most this many problems are reported for one value (a request with thousands of unknown
/// attributes gets a short answer, not one userError per key).
pub const MAX_VIOLATIONS: usize = 50;

/// Whether a schema location is the `additionalProperties` keyword itself, not a property of
/// that name under `properties` (or a definition of that name).
fn is_additional_properties(schema_path: &str) -> bool {
    let mut parts = schema_path.rsplit('/');
    parts.next() == Some("additionalProperties")
        && !matches!(
            parts.next(),
            Some("properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas")
        )
}

/// The part of `value` a JSON pointer names.
fn value_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    value.pointer(pointer)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(schema: &Value, v: &Value) -> Vec<(String, Rule)> {
        let mut out = Vec::new();
        check(&compile(schema).unwrap(), v, "attributes", &mut out);
        let mut got: Vec<(String, Rule)> = out
            .into_iter()
            .map(|v| (v.field.join("."), v.rule))
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        got
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
                ("attributes.colour".to_owned(), Rule::InvalidValue),
                ("attributes.consigneeSite".to_owned(), Rule::Required),
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
                &json!({"type": "object", "additionalProperties": false}),
                &json!({"x": 1, "y": 2})
            ),
            vec![
                ("attributes.x".to_owned(), Rule::InvalidValue),
                ("attributes.y".to_owned(), Rule::InvalidValue),
            ]
        );
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

    /// What the subset ignored holds now: `pattern`, `format`, combinators and `$ref`.
    #[test]
    fn full_json_schema() {
        let s = json!({
            "type": "object",
            "$defs": {"site": {"type": "string", "pattern": "^SITE-[0-9]+$"}},
            "properties": {
                "site": {"$ref": "#/$defs/site"},
                "contact": {"type": "string", "format": "email"},
                "mode": {"oneOf": [{"const": "A"}, {"const": "B"}]},
                "weird/key": {"type": "integer"}
            }
        });
        assert_eq!(
            codes(
                &s,
                &json!({"site": "SITE-7", "contact": "a@b.example", "mode": "A"})
            ),
            vec![]
        );
        assert_eq!(
            codes(
                &s,
                &json!({"site": "X", "contact": "nope", "mode": "C", "weird/key": "x"})
            ),
            vec![
                ("attributes.contact".to_owned(), Rule::InvalidFormat),
                ("attributes.mode".to_owned(), Rule::InvalidValue),
                ("attributes.site".to_owned(), Rule::InvalidFormat),
                ("attributes.weird/key".to_owned(), Rule::InvalidFormat),
            ]
        );
    }

    /// A property named like a keyword is a property; another draft is read as that draft;
    /// a flood of problems is cut short.
    #[test]
    fn keyword_named_properties_drafts_and_floods() {
        let s = json!({"properties": {"additionalProperties": {"const": false}, "n": {"type": "integer"}},
                       "required": ["n"]});
        assert_eq!(
            codes(&s, &json!({"n": 3, "additionalProperties": 5})),
            vec![(
                "attributes.additionalProperties".to_owned(),
                Rule::InvalidValue
            )]
        );
        let draft7 = json!({"$schema": "http://json-schema.org/draft-07/schema#",
                            "type": "object", "properties": {"pair": {"items": [{"type": "string"}, {"type": "integer"}]}}});
        assert_eq!(codes(&draft7, &json!({"pair": ["a", 1]})), vec![]);
        assert_eq!(
            codes(&draft7, &json!({"pair": ["a", "b"]})),
            vec![("attributes.pair.1".to_owned(), Rule::InvalidFormat)]
        );
        let closed = json!({"type": "object", "additionalProperties": false});
        let many: serde_json::Map<String, Value> =
            (0..1000).map(|i| (format!("k{i}"), json!(i))).collect();
        let got = codes(&closed, &Value::Object(many));
        assert_eq!(got.len(), MAX_VIOLATIONS + 1, "{}", got.len());
    }

    /// A property whose name holds a `.` stays one segment of the path.
    #[test]
    fn property_names_with_dots_stay_whole() {
        let closed = json!({"type": "object", "additionalProperties": false});
        let mut out = Vec::new();
        check(
            &compile(&closed).unwrap(),
            &json!({"a.b": 1}),
            "attributes",
            &mut out,
        );
        assert_eq!(
            out[0].field,
            vec!["attributes".to_owned(), "a.b".to_owned()]
        );
    }

    /// A schema the host cannot check safely is refused when it is registered.
    #[test]
    fn unsafe_or_broken_schemas_are_refused() {
        for bad in [
            json!({"$ref": "https://example.com/schema.json"}),
            json!({"type": "string", "pattern": "^(?=a)"}),
            json!({"type": "no-such-type"}),
            json!({"minLength": -1}),
        ] {
            assert!(compile(&bad).is_err(), "{bad}");
        }
    }
}
