//! Stripe's search query language: `email:'a@b.c' AND metadata['plan']:'pro'`, `name~'jan'`,
//! `-status:'canceled'`, `created>1700000000`, parsed once and evaluated against objects.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `:` exact match (case-insensitive for strings).
    Eq,
    /// `~` substring (case-insensitive, at least three characters).
    Like,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
}

/// What a clause compares against.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    /// A quoted string.
    Text(String),
    /// A bare number.
    Number(f64),
    /// `null`: the field is unset.
    Null,
}

/// One `[-]field op value` clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    /// `metadata` fields are `["metadata", key]`, others their dotted path.
    pub(crate) field: Vec<String>,
    pub(crate) op: Op,
    pub(crate) value: Literal,
    pub(crate) negated: bool,
}

/// A parsed query: clauses joined all by `AND` or all by `OR`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub(crate) clauses: Vec<Clause>,
    pub(crate) any: bool,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid_param("query", message)
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.src.len() && self.src[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                self.pos += 1;
            } else {
                break;
            }
        }
        String::from_utf8_lossy(&self.src[start..self.pos]).into_owned()
    }

    fn quoted(&mut self) -> ApiResult<String> {
        let quote = self.peek().ok_or_else(|| bad("unexpected end of query"))?;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(bad("unterminated string in query")),
                Some(b'\\') => {
                    let next = self.src.get(self.pos + 1).copied();
                    if let Some(next) = next {
                        out.push(next);
                        self.pos += 2;
                    } else {
                        return Err(bad("unterminated string in query"));
                    }
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

/// Parses a query, checking fields against `fields` (plus `metadata[…]` when allowed).
///
/// # Errors
///
/// 400 naming what is wrong: syntax, an unsupported field, mixed `AND`/`OR`.
pub(crate) fn parse(query: &str, resource: &str, fields: &[&str]) -> ApiResult<Query> {
    let mut lx = Lexer {
        src: query.as_bytes(),
        pos: 0,
    };
    let mut clauses = Vec::new();
    let mut joiner: Option<bool> = None;
    loop {
        lx.skip_ws();
        let negated = if lx.peek() == Some(b'-') {
            lx.pos += 1;
            true
        } else {
            false
        };
        let name = lx.ident();
        if name.is_empty() {
            return Err(bad(format!(
                "Invalid query: expected a field name at position {}",
                lx.pos
            )));
        }
        let field = if name == "metadata" {
            if lx.peek() != Some(b'[') {
                return Err(bad(
                    "Invalid query: metadata fields are written metadata['key']",
                ));
            }
            lx.pos += 1;
            let key = lx.quoted()?;
            if lx.peek() != Some(b']') {
                return Err(bad("Invalid query: expected ] after the metadata key"));
            }
            lx.pos += 1;
            vec!["metadata".to_owned(), key]
        } else {
            if !fields.contains(&name.as_str()) {
                return Err(bad(format!(
                    "Field `{name}` is an unsupported search field for resource `{resource}`. \
                     See http://stripe.com/docs/search#query-fields-for-{resource} for a list of \
                     supported fields."
                )));
            }
            name.split('.').map(str::to_owned).collect()
        };
        let op = match (lx.peek(), lx.src.get(lx.pos + 1).copied()) {
            (Some(b':'), _) => (Op::Eq, 1),
            (Some(b'~'), _) => (Op::Like, 1),
            (Some(b'>'), Some(b'=')) => (Op::Ge, 2),
            (Some(b'<'), Some(b'=')) => (Op::Le, 2),
            (Some(b'>'), _) => (Op::Gt, 1),
            (Some(b'<'), _) => (Op::Lt, 1),
            _ => {
                return Err(bad(format!(
                    "Invalid query: expected an operator (:, ~, >, <, >=, <=) after `{name}`"
                )));
            }
        };
        lx.pos += op.1;
        let op = op.0;
        let value = match lx.peek() {
            Some(b'\'' | b'"') => Literal::Text(lx.quoted()?),
            _ => {
                let word = lx.ident();
                if word == "null" {
                    Literal::Null
                } else if let Ok(n) = word.parse::<f64>() {
                    Literal::Number(n)
                } else {
                    return Err(bad(format!(
                        "Invalid query: the value for `{name}` must be quoted"
                    )));
                }
            }
        };
        if op == Op::Like {
            match &value {
                Literal::Text(t) if t.chars().count() >= 3 => {}
                _ => {
                    return Err(bad(
                        "Invalid query: the ~ operator needs a string of at least 3 characters",
                    ));
                }
            }
        }
        if matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le) && !matches!(value, Literal::Number(_)) {
            return Err(bad(format!(
                "Invalid query: `{name}` range comparisons need a number"
            )));
        }
        clauses.push(Clause {
            field,
            op,
            value,
            negated,
        });
        lx.skip_ws();
        if lx.peek().is_none() {
            break;
        }
        let word = lx.ident();
        let any = match word.as_str() {
            "AND" | "and" => false,
            "OR" | "or" => true,
            _ => {
                return Err(bad(format!(
                    "Invalid query: expected AND or OR, found `{word}`"
                )));
            }
        };
        if joiner.is_some_and(|j| j != any) {
            return Err(bad(
                "Invalid query: a query cannot combine AND and OR clauses",
            ));
        }
        joiner = Some(any);
    }
    if clauses.len() > 10 {
        return Err(bad("Invalid query: at most 10 clauses are allowed"));
    }
    Ok(Query {
        clauses,
        any: joiner.unwrap_or(false),
    })
}

fn lookup<'a>(object: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut current = object;
    for key in path {
        current = current.get(key)?;
    }
    Some(current)
}

fn clause_matches(clause: &Clause, object: &Value) -> bool {
    let found = lookup(object, &clause.field).filter(|v| !v.is_null());
    let hit = match (&clause.value, found) {
        (Literal::Null, found) => found.is_none(),
        (_, None) => false,
        (Literal::Text(want), Some(have)) => {
            let have = match have {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match clause.op {
                Op::Eq => {
                    have.eq_ignore_ascii_case(want) || have.to_lowercase() == want.to_lowercase()
                }
                Op::Like => have.to_lowercase().contains(&want.to_lowercase()),
                _ => false,
            }
        }
        (Literal::Number(want), Some(have)) => {
            let have = match have {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            };
            have.is_some_and(|have| match clause.op {
                Op::Eq => (have - want).abs() < f64::EPSILON,
                Op::Gt => have > *want,
                Op::Ge => have >= *want,
                Op::Lt => have < *want,
                Op::Le => have <= *want,
                Op::Like => false,
            })
        }
    };
    hit != clause.negated
}

impl Query {
    /// Whether `object` matches.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        if self.any {
            self.clauses.iter().any(|c| clause_matches(c, object))
        } else {
            self.clauses.iter().all(|c| clause_matches(c, object))
        }
    }
}

/// Runs the request's `query` over every live object of `kind`: Stripe's search envelope
/// `{object:"search_result",data,has_more,next_page,url}`, paged by `limit` and `page`.
pub(crate) async fn run(
    cx: &crate::cx::Cx<'_>,
    kind: &str,
    resource: &str,
    fields: &[&str],
) -> ApiResult<Value> {
    cx.params.allow(&["query", "limit", "page"])?;
    let text = cx.params.required("query")?;
    let query = parse(text, resource, fields)?;
    let limit = usize::try_from(cx.limit()?).unwrap_or(10);
    let offset = match cx.params.str("page")?.filter(|p| !p.is_empty()) {
        None => 0,
        Some(page) => asym_kit::cursor::decode(page)
            .ok()
            .and_then(|inner| inner.strip_prefix("offset:").and_then(|n| n.parse().ok()))
            .ok_or_else(|| {
                ApiError::invalid_param("page", "Invalid page: the page token is not valid.")
            })?,
    };
    let matching: Vec<Value> = cx
        .all(kind, &[])
        .await?
        .into_iter()
        .filter(|object| query.matches(object))
        .collect();
    let total = matching.len();
    let data: Vec<Value> = matching.into_iter().skip(offset).take(limit).collect();
    let has_more = offset + data.len() < total;
    let next_page = if has_more {
        Value::String(asym_kit::cursor::encode(&format!(
            "offset:{}",
            offset + limit
        )))
    } else {
        Value::Null
    };
    let mut out = serde_json::json!({
        "object": "search_result",
        "data": data,
        "has_more": has_more,
        "next_page": next_page,
        "url": format!("/v1/{resource}/search"),
    });
    if cx.params.expand().iter().any(|p| p == "total_count") {
        out["total_count"] = Value::from(total);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[&str] = &["email", "name", "created"];

    fn q(query: &str) -> Query {
        parse(query, "customers", FIELDS).unwrap()
    }

    #[test]
    fn parses_clauses_and_joiners() {
        let query = q("email:'jenny@example.com' AND metadata['plan']:\"pro\"");
        assert_eq!(query.clauses.len(), 2);
        assert!(!query.any);
        assert_eq!(query.clauses[1].field, ["metadata", "plan"]);
        assert_eq!(query.clauses[1].value, Literal::Text("pro".into()));
        let query = q("-name~'Jen' OR created>=1700000000");
        assert!(query.any);
        assert!(query.clauses[0].negated);
        assert_eq!(query.clauses[1].op, Op::Ge);
    }

    #[test]
    fn rejects_bad_queries() {
        for bad in [
            "",
            "email",
            "email:jenny",
            "phone:'1'",
            "name~'ab'",
            "email:'a' AND name:'b' OR name:'c'",
            "email:'unterminated",
            "created>'x'",
            "metadata.plan:'x'",
        ] {
            assert!(parse(bad, "customers", FIELDS).is_err(), "{bad}");
        }
    }

    #[test]
    fn evaluates_against_objects() {
        let jenny = json!({"email": "Jenny@Example.com", "name": "Jenny Rosen",
                           "created": 1_700_000_100, "metadata": {"plan": "pro"}, "phone": null});
        assert!(q("email:'jenny@example.com'").matches(&jenny));
        assert!(q("name~'rose'").matches(&jenny));
        assert!(q("metadata['plan']:'pro' AND created>1700000000").matches(&jenny));
        assert!(!q("metadata['plan']:'free'").matches(&jenny));
        assert!(q("metadata['missing']:null").matches(&jenny));
        assert!(q("-email:'x@y.z'").matches(&jenny));
        assert!(q("email:'x@y.z' OR name:'jenny rosen'").matches(&jenny));
        assert!(!q("created<1700000000").matches(&jenny));
    }
}
