//! Checking a JSON value against an OpenAPI 3.0 schema, the subset API descriptions use:
//! local `$ref`, `type`, `nullable`, `properties`, `required`, `additionalProperties`,
//! `items`, `enum`, `anyOf`/`oneOf`/`allOf`. Of `format`, only `date-time` is checked (its
//! RFC 3339 shape), reported as [`Kind::WrongType`].
//!
//! One rule differs from JSON Schema on purpose: an object schema that lists `properties`
//! and says nothing of `additionalProperties` describes exactly those fields, so a field it
//! does not list is reported ([`Kind::UndescribedField`]). Stripe's and GitHub's
//! descriptions leave `additionalProperties` out where they mean a closed object, and a
//! clone's extra field is a deviation worth seeing.

use serde::Serialize;
use serde_json::{Map, Value};

use super::score;

/// What is wrong with a value, one kind per way a response can deviate from its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// A field the schema requires is absent.
    MissingRequired,
    /// The value has another JSON type than the schema's.
    WrongType,
    /// `null` where the schema does not allow it.
    WrongNullability,
    /// A value outside the schema's `enum`.
    NotInEnum,
    /// A field the schema does not describe.
    UndescribedField,
    /// A status the operation does not describe (and it has no `default`).
    UndescribedStatus,
    /// A request path and method the description has no operation for (listed, not scored:
    /// there is nothing to check the answer against).
    UndescribedRoute,
    /// A scenario step that could not be sent (it needed a value an earlier answer lacked).
    StepSkipped,
}

/// One deviation: where in the body (a JSON pointer), what the description expects and what
/// the response has.
pub(crate) type Violation = score::Violation<Kind>;

/// Checks values against schemas of one description, resolving its `#/…` references.
pub(crate) struct Checker<'a> {
    document: &'a Value,
}

impl<'a> Checker<'a> {
    /// A checker for schemas that refer into `document`.
    pub(crate) fn new(document: &'a Value) -> Self {
        Self { document }
    }

    /// Every way `value` deviates from `schema`, with pointers under `at`.
    pub(crate) fn check(&self, schema: &Value, value: &Value, at: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        self.walk(schema, value, at, &mut out);
        out
    }

    /// `schema` with its `$ref`s followed (a broken reference is the empty schema).
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        static ANY: Value = Value::Bool(true);
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            schema = target
                .strip_prefix('#')
                .and_then(|pointer| self.document.pointer(pointer))
                .unwrap_or(&ANY);
        }
        &ANY
    }

    fn walk(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<Violation>) {
        let schema = match schema.get("$ref") {
            Some(_) => self.resolve_owned(schema),
            None => schema.clone(),
        };
        let schema = self.view(&schema);
        if value.is_null() {
            if !self.allows_null(&schema) {
                out.push(violation(
                    Kind::WrongNullability,
                    at,
                    format!("non-null {}", describe(&schema)),
                    "null".into(),
                ));
            }
            return;
        }
        for alternatives in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(alternatives).and_then(Value::as_array) {
                self.alternatives(branches, value, at, out);
                return;
            }
        }
        if let Some(expected) = declared_type(&schema)
            && !has_type(value, expected)
        {
            out.push(violation(
                Kind::WrongType,
                at,
                expected.into(),
                type_of(value).into(),
            ));
            return;
        }
        if schema.get("format") == Some(&Value::from("date-time"))
            && let Value::String(text) = value
            && !is_date_time(text)
        {
            out.push(violation(
                Kind::WrongType,
                at,
                "string (date-time, RFC 3339)".into(),
                value.to_string(),
            ));
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let listed: Vec<String> = allowed.iter().take(8).map(Value::to_string).collect();
            let more = if allowed.len() > 8 { ", …" } else { "" };
            out.push(violation(
                Kind::NotInEnum,
                at,
                format!("one of {}{more}", listed.join(", ")),
                value.to_string(),
            ));
        }
        match value {
            Value::Object(fields) => self.object(&schema, fields, at, out),
            Value::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.walk(item, v, &format!("{at}/{i}"), out);
                    }
                }
            }
            _ => {}
        }
    }

    fn resolve_owned(&self, schema: &Value) -> Value {
        let target = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| self.document.pointer(pointer));
        let mut resolved = target.map_or(Value::Bool(true), |t| self.resolve(t).clone());
        // OpenAPI 3.0 ignores a `$ref`'s siblings, but descriptions put `nullable` there.
        if schema.get("nullable") == Some(&Value::Bool(true))
            && let Some(map) = resolved.as_object_mut()
        {
            map.insert("nullable".into(), Value::Bool(true));
        }
        resolved
    }

    /// What `schema` (its `$ref` followed) asks of a value: its `allOf` branches folded in,
    /// and `items` given as a list read as Slack's description means it.
    ///
    /// Slack's description writes "any of these" as a list under `items`: at a field that may
    /// be one of several types (`{"items": [{"type": "null"}, {"type": "string"}]}`: a
    /// string or null) and in arrays whose elements may be one of several schemas
    /// (`{"type": "array", "items": [{…}, {…}]}`). JSON Schema's tuple form would check
    /// nothing at the field and each element against one position; both are read as `anyOf`.
    fn view(&self, schema: &Value) -> Value {
        let mut schema = self.merge_all_of(schema);
        let Some(fields) = schema.as_object_mut() else {
            return schema;
        };
        if !fields.get("items").is_some_and(Value::is_array) {
            return schema;
        }
        let branches = fields.remove("items").unwrap_or_default();
        if declared_type(&schema) == Some("array") {
            schema["items"] = serde_json::json!({ "anyOf": branches });
        } else if let Some(fields) = schema.as_object_mut() {
            fields.insert("anyOf".into(), branches);
        }
        schema
    }

    /// `schema` with its `allOf` branches folded in: one object view (properties, required,
    /// type, nullable, additionalProperties) that every branch constrains.
    fn merge_all_of(&self, schema: &Value) -> Value {
        let Some(branches) = schema.get("allOf").and_then(Value::as_array) else {
            return schema.clone();
        };
        let mut merged = schema.as_object().cloned().unwrap_or_default();
        merged.remove("allOf");
        for branch in branches {
            let branch = self.merge_all_of(&self.resolve_owned_or_self(branch));
            let Some(branch) = branch.as_object() else {
                continue;
            };
            for (key, value) in branch {
                match key.as_str() {
                    "properties" => {
                        let into = merged
                            .entry("properties")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let (Some(into), Some(from)) = (into.as_object_mut(), value.as_object())
                        {
                            for (name, s) in from {
                                into.entry(name.clone()).or_insert_with(|| s.clone());
                            }
                        }
                    }
                    "required" => {
                        let into = merged
                            .entry("required")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let (Some(into), Some(from)) = (into.as_array_mut(), value.as_array()) {
                            let new: Vec<Value> =
                                from.iter().filter(|r| !into.contains(r)).cloned().collect();
                            into.extend(new);
                        }
                    }
                    "nullable" => {
                        // Null is allowed only when every branch allows it.
                        let all = merged
                            .get("nullable")
                            .is_none_or(|n| n == &Value::Bool(true))
                            && value == &Value::Bool(true);
                        merged.insert(key.clone(), Value::Bool(all));
                    }
                    _ => {
                        merged.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
        }
        Value::Object(merged)
    }

    fn resolve_owned_or_self(&self, schema: &Value) -> Value {
        if schema.get("$ref").is_some() {
            self.resolve_owned(schema)
        } else {
            schema.clone()
        }
    }

    fn allows_null(&self, schema: &Value) -> bool {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            return true;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            return allowed.contains(&Value::Null);
        }
        if let Some(types) = schema.get("type") {
            return types == "null" || types.as_array().is_some_and(|t| t.contains(&"null".into()));
        }
        for alternatives in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(alternatives).and_then(Value::as_array) {
                return branches
                    .iter()
                    .any(|b| self.allows_null(&self.view(&self.resolve_owned_or_self(b))));
            }
        }
        // A schema that constrains nothing (`{}`) takes null too.
        schema.as_object().is_none_or(|s| {
            !s.contains_key("properties") && !s.contains_key("items") && !s.contains_key("enum")
        })
    }

    /// The value matches if one branch takes it; otherwise the closest branch's violations.
    fn alternatives(&self, branches: &[Value], value: &Value, at: &str, out: &mut Vec<Violation>) {
        let mut best: Option<Vec<Violation>> = None;
        for branch in branches {
            let found = self.check(branch, value, at);
            if found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| rank(&found) < rank(b)) {
                best = Some(found);
            }
        }
        out.extend(best.unwrap_or_default());
    }

    fn object(
        &self,
        schema: &Value,
        fields: &Map<String, Value>,
        at: &str,
        out: &mut Vec<Violation>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(name) {
                    let expected = properties.and_then(|p| p.get(name)).map_or_else(
                        || "present".into(),
                        |s| describe(&self.resolve_owned_or_self(s)),
                    );
                    out.push(violation(
                        Kind::MissingRequired,
                        &format!("{at}/{}", escape(name)),
                        expected,
                        "absent".into(),
                    ));
                }
            }
        }
        let additional = schema.get("additionalProperties");
        for (name, value) in fields {
            let here = format!("{at}/{}", escape(name));
            match (properties.and_then(|p| p.get(name)), additional) {
                (Some(property), _) => self.walk(property, value, &here, out),
                (None, Some(Value::Bool(true))) => {}
                (None, Some(Value::Bool(false))) => out.push(undescribed(&here, value)),
                (None, Some(extra)) => self.walk(extra, value, &here, out),
                (None, None) if properties.is_some() => out.push(undescribed(&here, value)),
                (None, None) => {}
            }
        }
    }
}

/// Fewer violations is closer; at equal counts, a branch whose type matched (no
/// `wrong_type` at the top) is closer.
fn rank(found: &[Violation]) -> (usize, usize) {
    let top_type = found.iter().filter(|v| v.kind == Kind::WrongType).count();
    (top_type, found.len())
}

fn undescribed(at: &str, value: &Value) -> Violation {
    violation(
        Kind::UndescribedField,
        at,
        "no such field".into(),
        type_of(value).into(),
    )
}

fn violation(kind: Kind, at: &str, expected: String, found: String) -> Violation {
    Violation {
        kind,
        at: at.to_owned(),
        expected,
        found,
    }
}

/// JSON pointer escaping of one reference token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The schema's `type`, or `object` when it lists properties.
fn declared_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        _ if schema.get("properties").is_some() => Some("object"),
        _ => None,
    }
}

fn describe(schema: &Value) -> String {
    if let Some(t) = declared_type(schema) {
        return t.to_owned();
    }
    if schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .is_some()
    {
        return "one of several schemas".into();
    }
    "a value".into()
}

/// Whether `text` has RFC 3339's date-time shape: `2024-01-02T03:04:05`, optional fraction,
/// then `Z` or an offset.
fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c));
    let head = digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19);
    if !head {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6) && i + 6 == b.len()
        }
        _ => false,
    }
}

fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(document: &Value, schema: &Value, value: &Value) -> Vec<(Kind, String)> {
        Checker::new(document)
            .check(schema, value, "")
            .into_iter()
            .map(|v| (v.kind, v.at))
            .collect()
    }

    fn customer() -> Value {
        json!({"components": {"schemas": {"customer": {
            "type": "object",
            "required": ["id", "object", "email"],
            "properties": {
                "id": {"type": "string"},
                "object": {"type": "string", "enum": ["customer"]},
                "email": {"type": "string", "nullable": true},
                "balance": {"type": "integer"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "default_source": {"nullable": true, "anyOf": [
                    {"type": "string"}, {"$ref": "#/components/schemas/source"}
                ]}
            }
        }, "source": {
            "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}
        }}}})
    }

    fn reference() -> Value {
        json!({"$ref": "#/components/schemas/customer"})
    }

    #[test]
    fn a_conforming_value_has_no_violations() {
        let body = json!({"id": "cus_1", "object": "customer", "email": null, "balance": 0,
            "metadata": {"k": "v"}, "tags": ["a"], "default_source": {"id": "src_1"}});
        assert_eq!(kinds(&customer(), &reference(), &body), []);
        let expanded_as_id = json!({"id": "cus_1", "object": "customer", "email": "a@b.c",
            "default_source": "src_1"});
        assert_eq!(kinds(&customer(), &reference(), &expanded_as_id), []);
    }

    #[test]
    fn each_kind_is_reported_at_its_pointer() {
        let cases = [
            (
                json!({"id": "c", "object": "customer"}),
                Kind::MissingRequired,
                "/email",
            ),
            (
                json!({"id": 1, "object": "customer", "email": null}),
                Kind::WrongType,
                "/id",
            ),
            (
                json!({"id": "c", "object": "customer", "email": null, "balance": 1.5}),
                Kind::WrongType,
                "/balance",
            ),
            (
                json!({"id": "c", "object": "customer", "email": null, "tags": [1]}),
                Kind::WrongType,
                "/tags/0",
            ),
            (
                json!({"id": "c", "object": "customer", "email": null, "metadata": {"k": 2}}),
                Kind::WrongType,
                "/metadata/k",
            ),
            (
                json!({"id": null, "object": "customer", "email": null}),
                Kind::WrongNullability,
                "/id",
            ),
            (
                json!({"id": "c", "object": "charge", "email": null}),
                Kind::NotInEnum,
                "/object",
            ),
            (
                json!({"id": "c", "object": "customer", "email": null, "a/b": 1}),
                Kind::UndescribedField,
                "/a~1b",
            ),
            (
                json!({"id": "c", "object": "customer", "email": null, "default_source": {}}),
                Kind::MissingRequired,
                "/default_source/id",
            ),
        ];
        for (body, kind, pointer) in cases {
            assert_eq!(
                kinds(&customer(), &reference(), &body),
                [(kind, pointer.to_owned())],
                "{body}"
            );
        }
    }

    #[test]
    fn date_times_are_checked_for_their_shape() {
        let schema = json!({"type": "string", "format": "date-time"});
        for good in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.123+01:00",
            "2024-01-02t03:04:05z",
        ] {
            assert_eq!(kinds(&json!({}), &schema, &json!(good)), [], "{good}");
        }
        for bad in [
            "2024-01-02",
            "2024-01-02 03:04:05Z",
            "2024-01-02T03:04:05",
            "1700000000",
            "2024-01-02T03:04:05.Z",
        ] {
            assert_eq!(
                kinds(&json!({}), &schema, &json!(bad)),
                [(Kind::WrongType, String::new())],
                "{bad}"
            );
        }
    }

    #[test]
    fn all_of_branches_describe_one_object() {
        let document = json!({"components": {"schemas": {"base": {
            "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}
        }}}});
        let schema = json!({"allOf": [
            {"$ref": "#/components/schemas/base"},
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        ]});
        assert_eq!(
            kinds(&document, &schema, &json!({"id": 1, "name": "x"})),
            []
        );
        assert_eq!(
            kinds(&document, &schema, &json!({"id": 1, "extra": true})),
            [
                (Kind::MissingRequired, "/name".to_owned()),
                (Kind::UndescribedField, "/extra".to_owned())
            ]
        );
    }

    #[test]
    fn open_objects_take_any_field_and_closed_ones_none() {
        let open = json!({"type": "object", "properties": {"a": {}}, "additionalProperties": true});
        assert_eq!(kinds(&json!({}), &open, &json!({"b": 1})), []);
        let free = json!({"type": "object"});
        assert_eq!(kinds(&json!({}), &free, &json!({"b": 1})), []);
        let closed = json!({"type": "object", "additionalProperties": false});
        assert_eq!(
            kinds(&json!({}), &closed, &json!({"b": 1})),
            [(Kind::UndescribedField, "/b".to_owned())]
        );
    }

    #[test]
    fn a_value_no_alternative_takes_reports_the_closest_one() {
        let schema = json!({"oneOf": [
            {"type": "string"},
            {"type": "object", "required": ["id", "name"],
             "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
        ]});
        assert_eq!(
            kinds(&json!({}), &schema, &json!({"id": "x"})),
            [(Kind::MissingRequired, "/name".to_owned())]
        );
        assert_eq!(
            kinds(&json!({}), &schema, &json!(null)),
            [(Kind::WrongNullability, String::new())]
        );
    }

    #[test]
    fn a_list_under_items_is_any_of_its_schemas() {
        let document = json!({"definitions": {"id": {"type": "string"}}});
        let field = json!({"items": [{"type": "null"}, {"$ref": "#/definitions/id"}]});
        assert!(kinds(&document, &field, &json!(null)).is_empty());
        assert!(kinds(&document, &field, &json!("U1")).is_empty());
        assert_eq!(
            kinds(&document, &field, &json!(7)),
            [(Kind::WrongType, String::new())]
        );
        let list = json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}]});
        assert!(kinds(&document, &list, &json!(["a", 1, "b"])).is_empty());
        assert_eq!(
            kinds(&document, &list, &json!(["a", true])),
            [(Kind::WrongType, "/1".to_owned())]
        );
    }
}
