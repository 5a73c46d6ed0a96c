//! Writing JSON straight into a byte buffer, for the responses that carry many messages;
//! and [`row_object`], a row as the JSON object its columns name.
//!
//! Building a `serde_json::Value` tree per message and serializing it costs an allocation per
//! key and value; a page of history is hundreds of them. [`Object`] writes the same bytes
//! `serde_json` would for the same object with its keys in the same order: strings go
//! through `serde_json`'s own escaping, and embedded JSON values through its serializer.

use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::Type;
use serde_json::{Map, Value, json};

/// A row as a JSON object: one member per column, named as the query names it, in order;
/// text, booleans and integers as themselves, NULL as `null`.
pub(crate) fn row_object(row: &Row) -> Value {
    let mut object = Map::with_capacity(row.len());
    for (index, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::BOOL => json!(row.get::<_, Option<bool>>(index)),
            Type::INT2 => json!(row.get::<_, Option<i16>>(index)),
            Type::INT4 => json!(row.get::<_, Option<i32>>(index)),
            Type::INT8 => json!(row.get::<_, Option<i64>>(index)),
            _ => json!(row.try_get::<_, Option<String>>(index).ok().flatten()),
        };
        object.insert(column.name().to_owned(), value);
    }
    Value::Object(object)
}

/// Appends `value` as a JSON string, escaped exactly as `serde_json` escapes it.
pub(crate) fn string(out: &mut Vec<u8>, value: &str) {
    // Writing a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends `value` as `serde_json` serializes it.
pub(crate) fn value(out: &mut Vec<u8>, value: &Value) {
    // Serializing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends `value` in decimal, as `serde_json` writes integers.
pub(crate) fn int(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(value.to_string().as_bytes());
}

/// A JSON object being written: `{`, then one member per call, then `}` on [`Object::end`].
pub(crate) struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens an object at the end of `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, empty: true }
    }

    /// Writes `"key":` (after a comma unless first) and returns the buffer for the value.
    pub(crate) fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        string(self.out, key);
        self.out.push(b':');
        self.out
    }

    /// `"key":"value"`.
    pub(crate) fn str(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    /// `"key":"value"`, or `"key":null` for `None`.
    pub(crate) fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(value) => self.str(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// `"key":true` or `"key":false`.
    pub(crate) fn bool(&mut self, key: &str, value: bool) {
        self.raw(key, if value { "true" } else { "false" });
    }

    /// `"key":<integer>`.
    pub(crate) fn int(&mut self, key: &str, value: i64) {
        int(self.key(key), value);
    }

    /// `"key":<value>` for an embedded JSON value.
    pub(crate) fn value(&mut self, key: &str, value: &Value) {
        self::value(self.key(key), value);
    }

    /// `"key":<text>` where `text` is already JSON.
    pub(crate) fn raw(&mut self, key: &str, text: &str) {
        self.key(key).extend_from_slice(text.as_bytes());
    }

    /// `"key":[...]` of strings.
    pub(crate) fn strs<'s>(&mut self, key: &str, items: impl IntoIterator<Item = &'s str>) {
        let out = self.key(key);
        out.push(b'[');
        for (index, item) in items.into_iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            string(out, item);
        }
        out.push(b']');
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_match_serde_json_byte_for_byte() {
        let mut out = Vec::new();
        let mut object = Object::new(&mut out);
        object.str(
            "text",
            "quote \" slash \\ / tab\t nl\n bell\u{7} é 🚀 </script>",
        );
        object.opt_str("none", None);
        object.bool("yes", true);
        object.int("n", -42);
        object.value("nested", &json!({"b": [1, 2.5, null], "a": "x"}));
        object.strs("list", ["U1", "U\"2"]);
        object.end();
        let expected = json!({
            "text": "quote \" slash \\ / tab\t nl\n bell\u{7} é 🚀 </script>",
            "none": null,
            "yes": true,
            "n": -42,
            "nested": {"b": [1, 2.5, null], "a": "x"},
            "list": ["U1", "U\"2"],
        });
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }
}
