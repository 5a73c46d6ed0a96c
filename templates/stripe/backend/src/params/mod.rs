//! Stripe's form encoding: `metadata[k]=v`, `items[0][price]=…`, `expand[]=…` decoded into a
//! JSON tree, and typed accessors that answer bad input the way Stripe does.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

mod takes;
mod values;

use takes::{Found, Unknown, audit, closest, received_unknown};
pub(crate) use takes::{Nested, Takes, unserved};
use values::nested;
pub(crate) use values::{
    apply_metadata, at_least, bool_at, hash_at, inside, int_at, listed, merge_metadata,
    required_at, string_at,
};

/// How many parameters a request may carry and how deep their brackets may nest (Stripe's
/// deepest objects nest five levels; 20 leaves room and keeps the tree small).
pub(crate) const LIMITS: asym_kit::body::Limits = asym_kit::body::Limits {
    max_bytes: 1 << 20,
    max_depth: 20,
    max_keys: 10_000,
};

/// Stripe's answer to a request outside [`LIMITS`].
pub(crate) fn bounded(err: asym_kit::body::BodyError) -> ApiError {
    use asym_kit::body::BodyError;
    match err {
        BodyError::NulByte | BodyError::InvalidUtf8 => ApiError::invalid(
            "Invalid string: strings must be valid UTF-8 and may not contain null bytes (\\u0000).",
        )
        .code("parameter_invalid_string"),
        BodyError::TooDeep { limit } => ApiError::invalid(format!(
            "Parameters are nested too deeply: at most {limit} levels of brackets are allowed."
        )),
        BodyError::TooManyKeys { limit } => ApiError::invalid(format!(
            "Too many parameters: at most {limit} are allowed in one request."
        )),
        BodyError::TooLarge { limit } => ApiError::invalid(format!(
            "The request body is too large: at most {limit} bytes are allowed."
        )),
        other => ApiError::invalid(other.to_string()),
    }
}

/// The three-letter codes of the currencies Stripe supports (lowercase).
const CURRENCIES: &[&str] = &[
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt",
    "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf",
    "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb",
    "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg",
    "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "krw",
    "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk",
    "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr",
    "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub",
    "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl", "thb",
    "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
];

/// Refuses a top-level `currency` Stripe does not support, as Stripe does.
fn check_currency(params: &Params) -> ApiResult<()> {
    match params.0.get("currency") {
        Some(Value::String(code)) if !CURRENCIES.contains(&code.to_lowercase().as_str()) => {
            Err(ApiError::invalid_param(
                "currency",
                format!(
                    "Invalid currency: {}. Stripe currently supports these currencies: {}",
                    code.to_lowercase(),
                    CURRENCIES.join(", ")
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The decoded parameters of one request (query string and body merged).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub(crate) Map<String, Value>);

/// One bracket segment of a parameter name.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Append,
}

/// Splits `a[b][]` into `a`, `[Key(b), Append]`; `None` when the brackets do not balance.
fn split_name(name: &str) -> Option<(String, Vec<Segment>)> {
    let (head, mut rest) = match name.find('[') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let key = &inner[..close];
        segments.push(if key.is_empty() {
            Segment::Append
        } else {
            Segment::Key(key.to_owned())
        });
        rest = &inner[close + 1..];
    }
    if head.is_empty() {
        return None;
    }
    Some((head.to_owned(), segments))
}

/// Builds the tree from decoded `name=value` pairs. Numeric keys (`items[0]`) and `[]` make
/// arrays, in index order; a name used both as a value and as a hash is an error.
pub(crate) fn decode(pairs: Vec<(String, String)>) -> ApiResult<Params> {
    let mut root = Map::new();
    for (name, value) in pairs {
        check_length(&name, &value)?;
        let (head, segments) = split_name(&name)
            .ok_or_else(|| ApiError::invalid(format!("Invalid parameter name: {name}")))?;
        insert(&mut root, &head, &segments, value)
            .map_err(|()| ApiError::invalid_param(&head, format!("Invalid hash: {name}")))?;
    }
    let mut value = Value::Object(root);
    arrays(&mut value);
    match value {
        Value::Object(map) => Ok(Params(map)),
        _ => Ok(Params::default()),
    }
}

/// The longest string Stripe takes in a parameter (`maxLength` of nearly every string in its
/// API description); metadata values have their own, shorter limit ([`merge_metadata`]).
const MAX_STRING: usize = 5000;

/// Refuses a value of `name` longer than [`MAX_STRING`] characters, in Stripe's words.
fn check_length(name: &str, value: &str) -> ApiResult<()> {
    if value.len() <= MAX_STRING
        || name.contains("metadata[")
        || value.chars().count() <= MAX_STRING
    {
        return Ok(());
    }
    let shown: String = value.chars().take(10).collect();
    Err(ApiError::invalid_param(
        name,
        format!("Invalid string: {shown}...; must be at most {MAX_STRING} characters"),
    ))
}

fn insert(
    map: &mut Map<String, Value>,
    key: &str,
    rest: &[Segment],
    value: String,
) -> Result<(), ()> {
    let Some((first, tail)) = rest.split_first() else {
        match map.get(key) {
            Some(Value::Object(_)) => return Err(()),
            _ => {
                map.insert(key.to_owned(), Value::String(value));
                return Ok(());
            }
        }
    };
    let child = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(child) = child else {
        return Err(());
    };
    let next = match first {
        Segment::Key(k) => k.clone(),
        // `a[]=x`: the next free index; `a[][b]=…` groups under the latest one unless `b`
        // is already there.
        Segment::Append => {
            let n = child.len();
            if tail.is_empty() || n == 0 {
                n.to_string()
            } else {
                let last = (n - 1).to_string();
                let taken = match (child.get(&last), &tail[0]) {
                    (Some(Value::Object(m)), Segment::Key(k)) => m.contains_key(k),
                    _ => true,
                };
                if taken { n.to_string() } else { last }
            }
        }
    };
    insert(child, &next, tail, value)
}

/// Turns every object whose keys are all decimal indices into an array, in index order.
fn arrays(value: &mut Value) {
    if let Value::Object(map) = value {
        for child in map.values_mut() {
            arrays(child);
        }
        let numeric = !map.is_empty() && map.keys().all(|k| k.parse::<u32>().is_ok());
        if numeric {
            let mut items: Vec<(u32, Value)> = std::mem::take(map)
                .into_iter()
                .filter_map(|(k, v)| k.parse::<u32>().ok().map(|i| (i, v)))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            *value = Value::Array(items.into_iter().map(|(_, v)| v).collect());
        }
    }
}

impl Params {
    /// Parses a query string and a body (`application/x-www-form-urlencoded`).
    ///
    /// The pairs are bounded first ([`LIMITS`]): too many, nested too deep, NUL bytes or
    /// bytes that are not UTF-8 answer 400 before anything is built.
    pub(crate) fn parse(query: Option<&str>, body: &[u8]) -> ApiResult<Self> {
        let mut pairs = query
            .map(|q| asym_kit::form::parse(q.as_bytes()))
            .unwrap_or_default();
        pairs.extend(asym_kit::form::parse(body));
        asym_kit::body::check_pairs(&pairs, &LIMITS).map_err(bounded)?;
        let params = decode(pairs)?;
        check_currency(&params)?;
        Ok(params)
    }

    /// Fails with `parameter_unknown` on a top-level name outside `allowed` (`expand` is
    /// always allowed).
    pub(crate) fn allow(&self, allowed: &[&str]) -> ApiResult<()> {
        let unknown: Vec<Unknown<'_>> = self
            .0
            .keys()
            .filter(|key| *key != "expand" && !allowed.contains(&key.as_str()))
            .map(|key| (key.clone(), closest(key, allowed.iter().copied())))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(received_unknown(&unknown))
        }
    }

    /// Checks the request against what `route` takes, nested hashes included: an unknown
    /// parameter anywhere is `parameter_unknown` (`items[0][pricee]`), else the first one not
    /// served is refused by name ([`unserved`]).
    pub(crate) fn take(&self, route: &Takes) -> ApiResult<()> {
        let mut found = Found::default();
        audit(&self.0, route, None, &mut found);
        match (found.unknown.is_empty(), found.refused) {
            (false, _) => Err(received_unknown(&found.unknown)),
            (true, Some((name, on))) => Err(unserved(&name, on)),
            (true, None) => Ok(()),
        }
    }

    /// The raw value under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Whether `key` was sent at all (even empty).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// A string parameter; `None` when absent. An empty string is returned as `Some("")`.
    pub(crate) fn str(&self, key: &str) -> ApiResult<Option<&str>> {
        string_at(self.0.get(key), key)
    }

    /// A URL parameter (`url`, `success_url`, `return_url`, …); `None` when absent or empty.
    /// Anything but an `http://` or `https://` address is refused by name.
    pub(crate) fn url(&self, key: &str) -> ApiResult<Option<&str>> {
        let Some(url) = self.str(key)?.filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"));
        if rest.is_some_and(|rest| !rest.is_empty()) {
            Ok(Some(url))
        } else {
            Err(ApiError::invalid_param(
                key,
                format!("Invalid URL: {url}. URLs must begin with http:// or https://."),
            )
            .code("url_invalid"))
        }
    }

    /// A non-empty string parameter, or `parameter_missing`.
    pub(crate) fn required(&self, key: &str) -> ApiResult<&str> {
        match self.str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    /// A string that becomes `null` when sent empty (`description=` unsets it).
    pub(crate) fn nullable(&self, key: &str) -> ApiResult<Option<Value>> {
        Ok(self.str(key)?.map(|s| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.to_owned())
            }
        }))
    }

    /// Copies each of `keys` that was sent onto `target` (an empty value as `null`).
    pub(crate) fn copy_nullable(&self, target: &mut Value, keys: &[&str]) -> ApiResult<()> {
        for key in keys {
            if let Some(value) = self.nullable(key)? {
                target[*key] = value;
            }
        }
        Ok(())
    }

    /// A string parameter that must be one of `allowed` (`Invalid <key>: <value>` otherwise).
    pub(crate) fn one_of(&self, key: &str, allowed: &[&str]) -> ApiResult<Option<&str>> {
        match self.str(key)? {
            Some(value) if !allowed.contains(&value) => Err(ApiError::invalid_param(
                key,
                format!("Invalid {key}: must be one of {}", listed(allowed)),
            )),
            value => Ok(value),
        }
    }

    /// An integer parameter.
    pub(crate) fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        int_at(self.0.get(key), key)
    }

    /// A boolean parameter (`true`/`false`).
    pub(crate) fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        bool_at(self.0.get(key), key)
    }

    /// A hash parameter (`address[city]=…`) as its map; `None` when absent or sent empty.
    pub(crate) fn hash(&self, key: &str) -> ApiResult<Option<&Map<String, Value>>> {
        hash_at(self.0.get(key), key)
    }

    /// An array parameter (`items[0][…]`, `expand[]`); `None` when absent or empty.
    pub(crate) fn array(&self, key: &str) -> ApiResult<Option<&Vec<Value>>> {
        nested(
            self.0.get(key),
            key,
            Value::as_array,
            "Invalid array: {} must be an array",
        )
    }

    /// The `expand[]` paths.
    pub(crate) fn expand(&self) -> Vec<String> {
        match self.0.get("expand") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// A string array such as `enabled_events[]` or `lookup_keys[]`.
    pub(crate) fn strings(&self, key: &str) -> ApiResult<Option<Vec<String>>> {
        match self.array(key)? {
            None => Ok(None),
            Some(items) => items
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        ApiError::invalid_param(key, format!("Invalid array: {key}"))
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(input: &str) -> Value {
        Value::Object(Params::parse(None, input.as_bytes()).unwrap().0)
    }

    #[test]
    fn nested_hashes_and_indexed_arrays() {
        assert_eq!(
            parse(
                "metadata[order_id]=6735&items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2"
            ),
            json!({
                "metadata": {"order_id": "6735"},
                "items": [{"price": "price_1", "quantity": "2"}, {"price": "price_2"}],
            })
        );
    }

    #[test]
    fn append_brackets_and_encoded_brackets() {
        assert_eq!(
            parse("expand[]=customer&expand[]=latest_invoice.payment_intent"),
            json!({"expand": ["customer", "latest_invoice.payment_intent"]})
        );
        assert_eq!(
            parse("expand%5B0%5D=customer&expand%5B1%5D=x"),
            json!({"expand": ["customer", "x"]})
        );
        assert_eq!(
            parse("items[][price]=a&items[][price]=b&items[][quantity]=3"),
            json!({"items": [{"price": "a"}, {"price": "b", "quantity": "3"}]})
        );
    }

    #[test]
    fn indices_sort_numerically() {
        let mut query = String::new();
        for i in (0..12).rev() {
            query.push_str(&format!("expand[{i}]=f{i}&"));
        }
        let value = parse(&query);
        assert_eq!(value["expand"][10], "f10");
        assert_eq!(value["expand"][2], "f2");
    }

    #[test]
    fn conflicting_shapes_and_bad_names_are_400() {
        assert!(Params::parse(None, b"a=1&a[b]=2").is_err());
        assert!(Params::parse(None, b"a[b]=2&a=1").is_err());
        assert!(Params::parse(None, b"a[b=2").is_err());
        assert!(Params::parse(None, b"[x]=2").is_err());
    }

    #[test]
    fn typed_accessors() {
        let p = Params::parse(Some("limit=3"), b"flag=true&n=x&description=&name=Jo").unwrap();
        assert_eq!(p.int("limit").unwrap(), Some(3));
        assert!(p.int("n").is_err());
        assert_eq!(p.bool("flag").unwrap(), Some(true));
        assert_eq!(p.nullable("description").unwrap(), Some(Value::Null));
        assert_eq!(p.required("name").unwrap(), "Jo");
        assert_eq!(
            p.required("email").unwrap_err().code_str(),
            Some("parameter_missing")
        );
        assert_eq!(
            p.allow(&["limit"]).unwrap_err().code_str(),
            Some("parameter_unknown")
        );
    }

    #[test]
    fn a_route_serves_its_table_and_refuses_the_rest_by_name() {
        const ROUTE: Takes = Takes {
            route: "widget creation",
            serves: &[&["name"], &["size"]],
            refuses: &[&["colour", "weight"]],
            nested: &[("size", &SIZE)],
        };
        const SIZE: Takes = Takes {
            route: "widget sizes",
            serves: &[&["width", "metadata"]],
            refuses: &[&["depth"]],
            nested: &[],
        };
        let take = |form: &str| Params::parse(None, form.as_bytes()).unwrap().take(&ROUTE);
        assert!(take("name=a&size=2&expand[]=b").is_ok());
        let refused = take("name=a&weight[kg]=2").unwrap_err().to_json();
        assert_eq!(
            (&refused["error"]["param"], &refused["error"]["type"]),
            (&json!("weight"), &json!("invalid_request_error"))
        );
        assert_eq!(
            refused["error"]["message"],
            "This Stripe clone does not serve weight on widget creation (not implemented)."
        );
        // An unknown parameter is Stripe's parameter_unknown, whatever else is refused.
        let unknown = take("colour=red&zz=1").unwrap_err();
        assert_eq!(unknown.code_str(), Some("parameter_unknown"));
        // Inside a served hash, and in each hash of an array, keys are checked the same way;
        // an unknown one anywhere wins over a refusal, and a hash not in the table is free.
        assert!(take("size[width]=2&size[metadata][any]=1").is_ok());
        for (form, param, code) in [
            ("size[widht]=2", "size[widht]", Some("parameter_unknown")),
            (
                "size[0][width]=1&size[1][x]=2",
                "size[1][x]",
                Some("parameter_unknown"),
            ),
            ("colour=red&size[x]=1", "size[x]", Some("parameter_unknown")),
            ("size[depth]=2", "size[depth]", None),
        ] {
            let err = take(form).unwrap_err();
            assert_eq!(
                (err.to_json()["error"]["param"].as_str(), err.code_str()),
                (Some(param), code),
                "{form}"
            );
        }
        assert_eq!(
            take("size[depth]=2").unwrap_err().to_json()["error"]["message"],
            "This Stripe clone does not serve size[depth] on widget sizes (not implemented)."
        );
        // A typo names the key it is closest to, as Stripe's "Did you mean"; several unknown
        // parameters are named together, the first as `param`.
        let message = |form: &str| {
            let body = take(form).unwrap_err().to_json();
            (
                body["error"]["param"].clone(),
                body["error"]["message"].clone(),
            )
        };
        for (form, param, said) in [
            (
                "nam=a",
                "nam",
                "Received unknown parameter: nam. Did you mean name?",
            ),
            (
                "size[widht]=1",
                "size[widht]",
                "Received unknown parameter: size[widht]. Did you mean width?",
            ),
            (
                "size[depht]=1",
                "size[depht]",
                "Received unknown parameter: size[depht]. Did you mean depth?",
            ),
            ("zz=1", "zz", "Received unknown parameter: zz"),
            (
                "a=1&name=x&b[c]=2",
                "a",
                "Received unknown parameters: a, b",
            ),
        ] {
            assert_eq!(message(form), (json!(param), json!(said)), "{form}");
        }
    }

    #[test]
    fn metadata_merges_removes_and_clears() {
        let mut obj = json!({"metadata": {"a": "1", "b": "2"}});
        apply_metadata(
            &mut obj,
            &Params::parse(None, b"metadata[b]=&metadata[c]=3").unwrap(),
        )
        .unwrap();
        assert_eq!(obj["metadata"], json!({"a": "1", "c": "3"}));
        apply_metadata(&mut obj, &Params::parse(None, b"metadata=").unwrap()).unwrap();
        assert_eq!(obj["metadata"], json!({}));
    }
}
