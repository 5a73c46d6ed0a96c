//! Formula properties: Notion's formula language for simple expressions, parsed when a
//! schema is written (a malformed expression, an unknown function or property is refused)
//! and evaluated over a page's values whenever the page is answered.
//!
//! Supported: number, string and boolean literals, `prop("Name")`, `+ - * / % ^`,
//! comparisons, `and`/`or`/`not` (and `&& || !`), `c ? a : b`, method calls
//! (`prop("Name").length()`), and the functions of [`FUNCTIONS`]. A result is a string, a
//! number, a boolean or a date, as Notion answers them.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use crate::rows::Meta;
use crate::schema::{self, Schema};

/// The functions an expression may call, with their least and greatest argument counts.
const FUNCTIONS: [(&str, usize, usize); 30] = [
    ("if", 3, 3),
    ("concat", 0, 100),
    ("join", 1, 100),
    ("length", 1, 1),
    ("lower", 1, 1),
    ("upper", 1, 1),
    ("contains", 2, 2),
    ("replaceAll", 3, 3),
    ("format", 1, 1),
    ("toNumber", 1, 1),
    ("empty", 1, 1),
    ("not", 1, 1),
    ("abs", 1, 1),
    ("round", 1, 2),
    ("floor", 1, 1),
    ("ceil", 1, 1),
    ("sqrt", 1, 1),
    ("min", 1, 100),
    ("max", 1, 100),
    ("sum", 0, 100),
    ("now", 0, 0),
    ("today", 0, 0),
    ("dateAdd", 3, 3),
    ("dateSubtract", 3, 3),
    ("dateBetween", 3, 3),
    ("dateStart", 1, 1),
    ("dateEnd", 1, 1),
    ("year", 1, 1),
    ("month", 1, 1),
    ("formatDate", 1, 2),
];

/// How deep formulas may refer to formulas (a cycle evaluates to empty at this depth).
const MAX_DEPTH: usize = 8;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Text(String),
    Bool(bool),
    Prop(String),
    Call(String, Vec<Expr>),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
}

/// A value while evaluating.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDateTime, bool),
    List(Vec<Val>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Word(String),
    Op(&'static str),
}

const OPERATORS: [&str; 21] = [
    "==", "!=", ">=", "<=", "&&", "||", "+", "-", "*", "/", "%", "^", ">", "<", "!", "(", ")", ",",
    ".", "?", ":",
];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_ascii_digit() {
            let len = rest
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(rest.len());
            let number = rest[..len]
                .parse()
                .map_err(|_| format!("invalid number `{}`", &rest[..len]))?;
            out.push(Token::Number(number));
            rest = &rest[len..];
        } else if c == '"' {
            let mut text = String::new();
            let mut chars = rest[1..].char_indices();
            let end = loop {
                match chars.next() {
                    None => return Err("unterminated string".into()),
                    Some((i, '"')) => break i + 2,
                    Some((_, '\\')) => text.extend(chars.next().map(|(_, c)| c)),
                    Some((_, c)) => text.push(c),
                }
            };
            out.push(Token::Text(text));
            rest = &rest[end..];
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            out.push(Token::Word(rest[..len].to_owned()));
            rest = &rest[len..];
        } else {
            let op = OPERATORS
                .into_iter()
                .find(|op| rest.starts_with(op))
                .ok_or_else(|| format!("unexpected `{c}`"))?;
            out.push(Token::Op(op));
            rest = &rest[op.len()..];
        }
        rest = rest.trim_start();
    }
    Ok(out)
}

/// A recursive-descent parser over [`tokens`], lowest precedence first.
struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Op(o)) if *o == op)
            || matches!(self.peek(), Some(Token::Word(w)) if w == op);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(format!("expected `{op}`"))
        }
    }

    fn ternary(&mut self) -> Result<Expr, String> {
        let condition = self.binary(0)?;
        if !self.eat("?") {
            return Ok(condition);
        }
        let then = self.ternary()?;
        self.expect(":")?;
        let otherwise = self.ternary()?;
        Ok(Expr::Call("if".into(), vec![condition, then, otherwise]))
    }

    /// Binary operators by level: or, and, comparisons, sums, products, powers.
    fn binary(&mut self, level: usize) -> Result<Expr, String> {
        const LEVELS: [&[(&str, &str)]; 6] = [
            &[("or", "or"), ("||", "or")],
            &[("and", "and"), ("&&", "and")],
            &[
                ("==", "=="),
                ("!=", "!="),
                (">=", ">="),
                ("<=", "<="),
                (">", ">"),
                ("<", "<"),
            ],
            &[("+", "+"), ("-", "-")],
            &[("*", "*"), ("/", "/"), ("%", "%")],
            &[("^", "^")],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(&(_, op)) = ops.iter().find(|(token, _)| self.eat(token)) {
            let right = self.binary(level + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("-") {
            return Ok(Expr::Unary("-", Box::new(self.unary()?)));
        }
        if self.eat("!") || self.eat("not") {
            return Ok(Expr::Unary("not", Box::new(self.unary()?)));
        }
        let mut expr = self.primary()?;
        while self.eat(".") {
            let Some(Token::Word(name)) = self.tokens.get(self.at).cloned() else {
                return Err("expected a function name after `.`".into());
            };
            self.at += 1;
            let mut args = vec![expr];
            args.extend(self.arguments()?);
            expr = call(name, args)?;
        }
        Ok(expr)
    }

    fn arguments(&mut self) -> Result<Vec<Expr>, String> {
        self.expect("(")?;
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            args.push(self.ternary()?);
            if self.eat(")") {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or("unexpected end of expression")?;
        self.at += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Text(text) => Ok(Expr::Text(text)),
            Token::Word(word) if word == "true" || word == "false" => {
                Ok(Expr::Bool(word == "true"))
            }
            Token::Word(word) if word == "prop" => match self.arguments()?.as_slice() {
                [Expr::Text(name)] => Ok(Expr::Prop(name.clone())),
                _ => Err("prop() takes one property name".into()),
            },
            Token::Word(word) => {
                let args = self.arguments()?;
                call(word, args)
            }
            Token::Op("(") => {
                let inner = self.ternary()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Op(op) => Err(format!("unexpected `{op}`")),
        }
    }
}

fn call(name: String, args: Vec<Expr>) -> Result<Expr, String> {
    let (_, least, most) = FUNCTIONS
        .iter()
        .find(|(f, _, _)| *f == name)
        .ok_or_else(|| format!("unknown function `{name}`"))?;
    if !(*least..=*most).contains(&args.len()) {
        return Err(format!("{name}() takes {least} to {most} arguments"));
    }
    Ok(Expr::Call(name, args))
}

fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
    };
    let expr = parser.ternary()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected {token:?}")),
    }
}

fn props_named(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Prop(name) => out.push(name.clone()),
        Expr::Call(_, args) => args.iter().for_each(|a| props_named(a, out)),
        Expr::Unary(_, inner) => props_named(inner, out),
        Expr::Binary(_, left, right) => {
            props_named(left, out);
            props_named(right, out);
        }
        Expr::Number(_) | Expr::Text(_) | Expr::Bool(_) => {}
    }
}

/// Checks `expression` against `schema`: why it cannot be evaluated, if it cannot (its
/// syntax, an unknown function, a property the schema does not hold).
pub(crate) fn check(expression: &str, schema: &Schema) -> Result<(), String> {
    let expr = parse(expression)?;
    let mut names = Vec::new();
    props_named(&expr, &mut names);
    match names.iter().find(|n| schema::find(schema, n).is_none()) {
        Some(missing) => Err(format!("property `{missing}` does not exist")),
        None => Ok(()),
    }
}

/// The type of value `expression` answers over `schema` — `string`, `number`, `boolean` or
/// `date` — as Notion types formulas before evaluating them; `None` when it cannot be told
/// (the branches of an `if` differ, a cycle of formulas, a malformed expression).
pub(crate) fn result_type(expression: &str, schema: &Schema) -> Option<&'static str> {
    type_of(&parse(expression).ok()?, schema, 0)
}

fn type_of(expr: &Expr, schema: &Schema, depth: usize) -> Option<&'static str> {
    match expr {
        Expr::Number(_) => Some("number"),
        Expr::Text(_) => Some("string"),
        Expr::Bool(_) => Some("boolean"),
        Expr::Prop(name) => {
            let (_, prop) = schema::find(schema, name)?;
            match schema::kind(prop) {
                "number" | "unique_id" => Some("number"),
                "checkbox" => Some("boolean"),
                "date" | "created_time" | "last_edited_time" => Some("date"),
                "formula" if depth < MAX_DEPTH => {
                    let inner = parse(prop["formula"]["expression"].as_str()?).ok()?;
                    type_of(&inner, schema, depth + 1)
                }
                "formula" => None,
                _ => Some("string"),
            }
        }
        Expr::Unary("-", _) => Some("number"),
        Expr::Unary(..) => Some("boolean"),
        Expr::Binary("+", left, right) => {
            let sides = [type_of(left, schema, depth), type_of(right, schema, depth)];
            if sides.contains(&Some("string")) {
                Some("string")
            } else if sides.contains(&None) {
                None
            } else {
                Some("number")
            }
        }
        Expr::Binary("-" | "*" | "/" | "%" | "^", ..) => Some("number"),
        Expr::Binary(..) => Some("boolean"),
        Expr::Call(name, args) => match name.as_str() {
            "if" => {
                let then = type_of(&args[1], schema, depth);
                (then == type_of(&args[2], schema, depth))
                    .then_some(then)
                    .flatten()
            }
            "concat" | "join" | "lower" | "upper" | "replaceAll" | "format" | "formatDate" => {
                Some("string")
            }
            "contains" | "empty" | "not" => Some("boolean"),
            "now" | "today" | "dateAdd" | "dateSubtract" | "dateStart" | "dateEnd" => Some("date"),
            _ => Some("number"),
        },
    }
}

/// What a formula sees of one page: its schema, stored values and edit stamps.
struct Page<'a> {
    schema: &'a Schema,
    props: &'a Map<String, Value>,
    meta: Meta<'a>,
}

/// The value of the formula property `prop` of a page, as answered:
/// `{type: "string" | "number" | "boolean" | "date", <type>: …}`.
pub(crate) fn evaluate(
    prop: &Value,
    schema: &Schema,
    props: &Map<String, Value>,
    meta: Meta<'_>,
) -> Value {
    let page = Page {
        schema,
        props,
        meta,
    };
    let expression = prop["formula"]["expression"].as_str().unwrap_or_default();
    let value = parse(expression).map_or(Val::Empty, |expr| page.eval(&expr, 0));
    answer(value)
}

/// `n` as Notion answers a number: whole numbers without a fraction, `null` if not finite.
pub(crate) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a whole number below 2^53 converts exactly"
        )]
        return json!(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn date_text(at: NaiveDateTime, has_time: bool) -> String {
    if has_time {
        at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        at.format("%Y-%m-%d").to_string()
    }
}

fn answer(value: Val) -> Value {
    match value {
        Val::Number(n) if n.is_finite() => json!({ "type": "number", "number": number(n) }),
        Val::Number(_) => json!({ "type": "number", "number": null }),
        Val::Bool(b) => json!({ "type": "boolean", "boolean": b }),
        Val::Date(at, time) => json!({ "type": "date", "date": {
            "start": date_text(at, time), "end": null, "time_zone": null
        } }),
        Val::Empty => json!({ "type": "string", "string": null }),
        other => json!({ "type": "string", "string": other.text() }),
    }
}

fn parse_date(text: &str) -> Option<Val> {
    if let Ok(day) = NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d")
        && text.len() == 10
    {
        return Some(Val::Date(day.and_hms_opt(0, 0, 0)?, false));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|at| Val::Date(at.with_timezone(&Utc).naive_utc(), true))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map(|at| Val::Date(at, true))
        })
        .ok()
}

impl Val {
    fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Number(n) => number(*n).to_string(),
            Self::Text(text) => text.clone(),
            Self::Bool(b) => b.to_string(),
            Self::Date(at, time) => date_text(*at, *time),
            Self::List(items) => items.iter().map(Self::text).collect::<Vec<_>>().join(","),
        }
    }

    fn number(&self) -> f64 {
        match self {
            Self::Number(n) => *n,
            Self::Bool(b) => f64::from(u8::from(*b)),
            Self::Text(text) => text.trim().parse().unwrap_or(f64::NAN),
            Self::Empty => 0.0,
            Self::Date(..) | Self::List(_) => f64::NAN,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Self::Bool(b) => *b,
            Self::Number(n) => *n != 0.0,
            Self::Text(text) => !text.is_empty(),
            Self::List(items) => !items.is_empty(),
            Self::Date(..) => true,
            Self::Empty => false,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.is_empty(),
            Self::List(items) => items.is_empty(),
            Self::Number(n) => *n == 0.0,
            Self::Bool(b) => !b,
            Self::Date(..) => false,
        }
    }

    fn from_stored(kind: &str, value: &Value) -> Self {
        match kind {
            "title" | "rich_text" => Self::Text(crate::richtext::plain(value)),
            "number" => value.as_f64().map_or(Self::Empty, Self::Number),
            "checkbox" => Self::Bool(value.as_bool().unwrap_or(false)),
            "select" | "status" => value["name"]
                .as_str()
                .map_or(Self::Empty, |n| Self::Text(n.into())),
            "multi_select" | "files" | "people" | "relation" => {
                let key = if matches!(kind, "people" | "relation") {
                    "id"
                } else {
                    "name"
                };
                Self::List(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|item| Self::Text(item[key].as_str().unwrap_or_default().into()))
                        .collect(),
                )
            }
            "date" => value["start"]
                .as_str()
                .and_then(parse_date)
                .unwrap_or(Self::Empty),
            "created_time" | "last_edited_time" => {
                value.as_str().and_then(parse_date).unwrap_or(Self::Empty)
            }
            "unique_id" => value["number"].as_f64().map_or(Self::Empty, Self::Number),
            "url" | "email" | "phone_number" | "created_by" | "last_edited_by" => value
                .as_str()
                .or_else(|| value["id"].as_str())
                .map_or(Self::Empty, |t| Self::Text(t.into())),
            _ => Self::Empty,
        }
    }
}

impl Page<'_> {
    fn prop(&self, name: &str, depth: usize) -> Val {
        let Some((id, prop)) = schema::find(self.schema, name) else {
            return Val::Empty;
        };
        let kind = schema::kind(prop);
        match kind {
            "formula" if depth < MAX_DEPTH => {
                let expression = prop["formula"]["expression"].as_str().unwrap_or_default();
                parse(expression).map_or(Val::Empty, |expr| self.eval(&expr, depth + 1))
            }
            "created_time" => Val::from_stored(kind, &self.meta.created_time.into()),
            "last_edited_time" => Val::from_stored(kind, &self.meta.last_edited_time.into()),
            "created_by" => Val::Text(self.meta.created_by.into()),
            "last_edited_by" => Val::Text(self.meta.last_edited_by.into()),
            _ => self
                .props
                .get(id)
                .map_or(Val::Empty, |value| Val::from_stored(kind, value)),
        }
    }

    fn eval(&self, expr: &Expr, depth: usize) -> Val {
        match expr {
            Expr::Number(n) => Val::Number(*n),
            Expr::Text(text) => Val::Text(text.clone()),
            Expr::Bool(b) => Val::Bool(*b),
            Expr::Prop(name) => self.prop(name, depth),
            Expr::Unary("-", inner) => Val::Number(-self.eval(inner, depth).number()),
            Expr::Unary(_, inner) => Val::Bool(!self.eval(inner, depth).truthy()),
            Expr::Binary(op, left, right) => {
                binary(op, self.eval(left, depth), self.eval(right, depth))
            }
            Expr::Call(name, args) if name == "if" => {
                let branch = if self.eval(&args[0], depth).truthy() {
                    &args[1]
                } else {
                    &args[2]
                };
                self.eval(branch, depth)
            }
            Expr::Call(name, args) => {
                let args: Vec<Val> = args.iter().map(|a| self.eval(a, depth)).collect();
                function(name, &args)
            }
        }
    }
}

fn binary(op: &str, left: Val, right: Val) -> Val {
    let (l, r) = (left.number(), right.number());
    match op {
        "+" if matches!(left, Val::Text(_)) || matches!(right, Val::Text(_)) => {
            Val::Text(left.text() + &right.text())
        }
        "+" => Val::Number(l + r),
        "-" => Val::Number(l - r),
        "*" => Val::Number(l * r),
        "/" => Val::Number(l / r),
        "%" => Val::Number(l % r),
        "^" => Val::Number(l.powf(r)),
        "and" => Val::Bool(left.truthy() && right.truthy()),
        "or" => Val::Bool(left.truthy() || right.truthy()),
        "==" => Val::Bool(left == right || (left.is_empty() && right.is_empty())),
        "!=" => Val::Bool(!(left == right || (left.is_empty() && right.is_empty()))),
        _ => {
            let order = match (&left, &right) {
                (Val::Text(a), Val::Text(b)) => a.partial_cmp(b),
                (Val::Date(a, _), Val::Date(b, _)) => a.partial_cmp(b),
                _ => l.partial_cmp(&r),
            };
            Val::Bool(order.is_some_and(|order| match op {
                ">" => order.is_gt(),
                "<" => order.is_lt(),
                ">=" => order.is_ge(),
                _ => order.is_le(),
            }))
        }
    }
}

/// `at` moved by `amount` `unit`s (negative to go back).
fn shift(at: NaiveDateTime, amount: f64, unit: &str) -> Option<NaiveDateTime> {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "a date offset is a small whole number"
    )]
    let n = amount.trunc() as i64;
    let months = |m: i64| {
        let by = Months::new(u32::try_from(m.unsigned_abs()).ok()?);
        if m >= 0 {
            at.checked_add_months(by)
        } else {
            at.checked_sub_months(by)
        }
    };
    match unit {
        "years" => months(n.checked_mul(12)?),
        "quarters" => months(n.checked_mul(3)?),
        "months" => months(n),
        "weeks" => at.checked_add_signed(Duration::try_weeks(n)?),
        "days" => at.checked_add_signed(Duration::try_days(n)?),
        "hours" => at.checked_add_signed(Duration::try_hours(n)?),
        "minutes" => at.checked_add_signed(Duration::try_minutes(n)?),
        _ => None,
    }
}

fn function(name: &str, args: &[Val]) -> Val {
    let numbers = || args.iter().map(Val::number);
    let first = args.first().cloned().unwrap_or(Val::Empty);
    let text = first.text();
    match name {
        "concat" | "sum" if args.iter().any(|a| matches!(a, Val::List(_))) => {
            let items: Vec<Val> = args
                .iter()
                .flat_map(|a| match a {
                    Val::List(items) => items.clone(),
                    other => vec![other.clone()],
                })
                .collect();
            if name == "sum" {
                Val::Number(items.iter().map(Val::number).sum())
            } else {
                Val::List(items)
            }
        }
        "concat" => Val::Text(args.iter().map(Val::text).collect()),
        "join" => match (&first, args.get(1)) {
            (Val::List(items), Some(sep)) => Val::Text(
                items
                    .iter()
                    .map(Val::text)
                    .collect::<Vec<_>>()
                    .join(&sep.text()),
            ),
            _ => Val::Text(
                args[1..]
                    .iter()
                    .map(Val::text)
                    .collect::<Vec<_>>()
                    .join(&text),
            ),
        },
        "length" => Val::Number(match &first {
            Val::List(items) => items.len() as f64,
            _ => text.chars().count() as f64,
        }),
        "lower" => Val::Text(text.to_lowercase()),
        "upper" => Val::Text(text.to_uppercase()),
        "contains" => Val::Bool(match &first {
            Val::List(items) => items.contains(&args[1]),
            _ => text.contains(&args[1].text()),
        }),
        "replaceAll" => Val::Text(text.replace(&args[1].text(), &args[2].text())),
        "format" => Val::Text(text),
        "toNumber" => Val::Number(first.number()),
        "empty" => Val::Bool(first.is_empty()),
        "not" => Val::Bool(!first.truthy()),
        "abs" => Val::Number(first.number().abs()),
        "round" => {
            let places = args.get(1).map_or(0.0, Val::number);
            let scale = 10f64.powf(places);
            Val::Number((first.number() * scale).round() / scale)
        }
        "floor" => Val::Number(first.number().floor()),
        "ceil" => Val::Number(first.number().ceil()),
        "sqrt" => Val::Number(first.number().sqrt()),
        "min" => Val::Number(numbers().fold(f64::INFINITY, f64::min)),
        "max" => Val::Number(numbers().fold(f64::NEG_INFINITY, f64::max)),
        "sum" => Val::Number(numbers().sum()),
        "now" => Val::Date(Utc::now().naive_utc(), true),
        "today" => Val::Date(Utc::now().date_naive().and_time(Default::default()), false),
        "dateAdd" | "dateSubtract" => match first {
            Val::Date(at, time) => {
                let sign = if name == "dateAdd" { 1.0 } else { -1.0 };
                shift(at, sign * args[1].number(), &args[2].text())
                    .map_or(Val::Empty, |moved| Val::Date(moved, time))
            }
            _ => Val::Empty,
        },
        "dateBetween" => match (&first, &args[1]) {
            (Val::Date(a, _), Val::Date(b, _)) => {
                let minutes = (*a - *b).num_minutes() as f64;
                let per = match args[2].text().as_str() {
                    "years" => 525_960.0,
                    "months" => 43_830.0,
                    "weeks" => 10_080.0,
                    "days" => 1_440.0,
                    "hours" => 60.0,
                    "minutes" => 1.0,
                    _ => f64::NAN,
                };
                Val::Number((minutes / per).trunc())
            }
            _ => Val::Empty,
        },
        "dateStart" | "dateEnd" => first,
        "year" | "month" => match first {
            Val::Date(at, _) if name == "year" => Val::Number(f64::from(at.year())),
            Val::Date(at, _) => Val::Number(f64::from(at.month())),
            _ => Val::Empty,
        },
        "formatDate" => match first {
            Val::Date(at, _) => Val::Text(at.format("%B %-d, %Y").to_string()),
            _ => Val::Empty,
        },
        _ => Val::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_schema() -> Schema {
        schema::create(
            Some(&json!({
                "Name": { "title": {} },
                "Points": { "number": {} },
                "Done": { "checkbox": {} },
                "Due": { "date": {} },
                "Tags": { "multi_select": {} }
            })),
            "p",
        )
        .unwrap()
    }

    fn run(expression: &str) -> Value {
        let schema = page_schema();
        let id = |name: &str| schema::find(&schema, name).unwrap().0.to_owned();
        let mut props = Map::new();
        props.insert(
            "title".into(),
            crate::richtext::normalize(&json!([{ "text": { "content": "Ship" } }]), "p").unwrap(),
        );
        props.insert(id("Points"), json!(3));
        props.insert(id("Done"), json!(true));
        props.insert(
            id("Due"),
            json!({ "start": "2025-01-30", "end": null, "time_zone": null }),
        );
        props.insert(id("Tags"), json!([{ "name": "a" }, { "name": "b" }]));
        let meta = Meta {
            created_time: "2025-01-10T09:11:00.000Z",
            last_edited_time: "2025-01-10T09:11:00.000Z",
            created_by: "u",
            last_edited_by: "u",
        };
        assert_eq!(check(expression, &schema), Ok(()), "{expression}");
        evaluate(
            &json!({ "formula": { "expression": expression } }),
            &schema,
            &props,
            meta,
        )
    }

    #[test]
    fn expressions_answer_their_types() {
        let cases = [
            (
                r#"prop("Points") * 2 + 1"#,
                json!({ "type": "number", "number": 7 }),
            ),
            (
                r#"prop("Points") / 2"#,
                json!({ "type": "number", "number": 1.5 }),
            ),
            (
                r#"2 ^ 3 ^ 1 - -1"#,
                json!({ "type": "number", "number": 9 }),
            ),
            (
                r#"prop("Name") + " now""#,
                json!({ "type": "string", "string": "Ship now" }),
            ),
            (
                r#"concat(upper(prop("Name")), "-", format(prop("Points")))"#,
                json!({ "type": "string", "string": "SHIP-3" }),
            ),
            (
                r#"prop("Name").length()"#,
                json!({ "type": "number", "number": 4 }),
            ),
            (
                r#"prop("Done") and prop("Points") > 2"#,
                json!({ "type": "boolean", "boolean": true }),
            ),
            (
                r#"not prop("Done") || prop("Points") == 4"#,
                json!({ "type": "boolean", "boolean": false }),
            ),
            (
                r#"if(prop("Done"), "yes", "no")"#,
                json!({ "type": "string", "string": "yes" }),
            ),
            (
                r#"prop("Points") >= 3 ? "big" : "small""#,
                json!({ "type": "string", "string": "big" }),
            ),
            (
                r#"prop("Tags").join(", ")"#,
                json!({ "type": "string", "string": "a, b" }),
            ),
            (
                r#"prop("Tags").contains("b")"#,
                json!({ "type": "boolean", "boolean": true }),
            ),
            (
                r#"round(10 / 3, 2)"#,
                json!({ "type": "number", "number": 3.33 }),
            ),
            (
                r#"dateAdd(prop("Due"), 3, "days")"#,
                json!({ "type": "date", "date": { "start": "2025-02-02", "end": null, "time_zone": null } }),
            ),
            (
                r#"dateBetween(prop("Due"), dateSubtract(prop("Due"), 2, "weeks"), "days")"#,
                json!({ "type": "number", "number": 14 }),
            ),
            (
                r#"empty(prop("Points"))"#,
                json!({ "type": "boolean", "boolean": false }),
            ),
        ];
        for (expression, expected) in cases {
            assert_eq!(run(expression), expected, "{expression}");
        }
    }

    #[test]
    fn result_types_are_told_before_evaluating() {
        let schema = page_schema();
        for (expression, expected) in [
            (r#"prop("Points") * 2"#, Some("number")),
            (r#"prop("Name") + 1"#, Some("string")),
            (r#"prop("Done") and true"#, Some("boolean")),
            (r#"dateAdd(prop("Due"), 1, "days")"#, Some("date")),
            (r#"if(prop("Done"), "a", "b")"#, Some("string")),
            (r#"if(prop("Done"), 1, "b")"#, None),
            (r#"prop("Tags").length()"#, Some("number")),
            ("1 +", None),
        ] {
            assert_eq!(result_type(expression, &schema), expected, "{expression}");
            if let Some(kind) = expected {
                assert_eq!(run(expression)["type"], kind, "{expression}");
            }
        }
    }

    #[test]
    fn malformed_expressions_are_refused_with_the_reason() {
        let schema = page_schema();
        for (expression, reason) in [
            ("prop(\"Nope\") + 1", "property `Nope` does not exist"),
            ("frobnicate(1)", "unknown function `frobnicate`"),
            ("1 +", "unexpected end of expression"),
            ("\"open", "unterminated string"),
            ("if(1, 2)", "if() takes 3 to 3 arguments"),
            ("1 2", "unexpected Number(2.0)"),
        ] {
            assert_eq!(
                check(expression, &schema),
                Err(reason.to_owned()),
                "{expression}"
            );
        }
    }
}
