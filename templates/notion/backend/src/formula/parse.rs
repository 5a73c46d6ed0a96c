//! Reading an expression: tokens, a recursive-descent parser, the table of functions and
//! the checks made when a schema is written (names bound, literal patterns and units valid).

use std::rc::Rc;

use super::cache::Memo;
use super::dates::UNITS;
use super::pattern::Pattern;

/// The functions an expression may call, with their least and greatest argument counts.
pub(super) const FUNCTIONS: [(&str, usize, usize); 85] = [
    // Logic.
    ("if", 3, 3),
    ("ifs", 3, 201),
    ("and", 2, 100),
    ("or", 2, 100),
    ("not", 1, 1),
    ("empty", 1, 1),
    ("equal", 2, 2),
    ("unequal", 2, 2),
    ("let", 3, 3),
    ("lets", 3, 201),
    // Text.
    ("concat", 0, 100),
    ("join", 1, 100),
    ("length", 1, 1),
    ("lower", 1, 1),
    ("upper", 1, 1),
    ("contains", 2, 2),
    ("replace", 3, 3),
    ("replaceAll", 3, 3),
    ("test", 2, 2),
    ("match", 2, 2),
    ("split", 2, 2),
    ("substring", 2, 3),
    ("repeat", 2, 2),
    ("padStart", 3, 3),
    ("padEnd", 3, 3),
    ("trim", 1, 1),
    ("format", 1, 1),
    ("toNumber", 1, 1),
    ("link", 2, 2),
    ("style", 1, 100),
    ("unstyle", 1, 2),
    // Lists (`map` … `every` and `sort`'s key see `current` and `index`).
    ("at", 2, 2),
    ("first", 1, 1),
    ("last", 1, 1),
    ("slice", 2, 3),
    ("sort", 1, 2),
    ("reverse", 1, 1),
    ("unique", 1, 1),
    ("includes", 2, 2),
    ("find", 2, 2),
    ("findIndex", 2, 2),
    ("filter", 2, 2),
    ("some", 2, 2),
    ("every", 2, 2),
    ("map", 2, 2),
    ("flat", 1, 1),
    // Numbers.
    ("abs", 1, 1),
    ("round", 1, 2),
    ("floor", 1, 1),
    ("ceil", 1, 1),
    ("sqrt", 1, 1),
    ("cbrt", 1, 1),
    ("exp", 1, 1),
    ("ln", 1, 1),
    ("log10", 1, 1),
    ("log2", 1, 1),
    ("sign", 1, 1),
    ("pi", 0, 0),
    ("e", 0, 0),
    ("mod", 2, 2),
    ("pow", 2, 2),
    ("min", 1, 100),
    ("max", 1, 100),
    ("sum", 0, 100),
    ("mean", 1, 100),
    ("median", 1, 100),
    // Dates.
    ("now", 0, 0),
    ("today", 0, 0),
    ("dateAdd", 3, 3),
    ("dateSubtract", 3, 3),
    ("dateBetween", 3, 3),
    ("dateRange", 2, 2),
    ("dateStart", 1, 1),
    ("dateEnd", 1, 1),
    ("formatDate", 1, 2),
    ("parseDate", 1, 1),
    ("timestamp", 1, 1),
    ("fromTimestamp", 1, 1),
    ("year", 1, 1),
    ("month", 1, 1),
    ("week", 1, 1),
    ("date", 1, 1),
    ("day", 1, 1),
    ("hour", 1, 1),
    ("minute", 1, 1),
];

/// The functions whose second argument is evaluated per item of the first, with the item
/// bound to `current` and its position to `index`.
pub(super) const PER_ITEM: [&str; 7] = [
    "map",
    "filter",
    "find",
    "findIndex",
    "some",
    "every",
    "sort",
];

/// How deep parentheses, calls and operators may nest in one expression.
const MAX_NESTING: usize = 64;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Number(f64),
    Text(String),
    Bool(bool),
    Prop(String),
    /// A name bound by `let`/`lets`, or `current` / `index` inside a per-item function.
    Var(String),
    List(Vec<Expr>),
    Call(String, Vec<Expr>),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Word(String),
    Op(&'static str),
}

const OPERATORS: [&str; 23] = [
    "==", "!=", ">=", "<=", "&&", "||", "+", "-", "*", "/", "%", "^", ">", "<", "!", "(", ")", ",",
    ".", "?", ":", "[", "]",
];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        if let Some(comment) = rest.strip_prefix("/*") {
            let end = comment.find("*/").ok_or("unterminated comment")?;
            rest = comment[end + 2..].trim_start();
            continue;
        }
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
                    // `\"`, `\\`, `\n` and `\t` are escapes; any other backslash is kept,
                    // so that a pattern reads `"\d+"` as a regular expression does.
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => text.push('\n'),
                        Some((_, 't')) => text.push('\t'),
                        Some((_, c @ ('"' | '\\'))) => text.push(c),
                        Some((_, c)) => text.extend(['\\', c]),
                        None => return Err("unterminated string".into()),
                    },
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
    depth: usize,
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
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("expression nested too deeply".into());
        }
        let condition = self.binary(0)?;
        let expr = if self.eat("?") {
            let then = self.ternary()?;
            self.expect(":")?;
            let otherwise = self.ternary()?;
            Expr::Call("if".into(), vec![condition, then, otherwise])
        } else {
            condition
        };
        self.depth -= 1;
        Ok(expr)
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
            return Ok(Expr::Unary("-", Box::new(self.nested(Self::unary)?)));
        }
        if self.eat("!") || self.eat("not") {
            return Ok(Expr::Unary("not", Box::new(self.nested(Self::unary)?)));
        }
        let mut expr = self.primary()?;
        while self.eat(".") {
            let Some(Token::Word(name)) = self.tokens.get(self.at).cloned() else {
                return Err("expected a function name after `.`".into());
            };
            self.at += 1;
            if name == "prop" {
                return Err(
                    "`.prop()` (a property of related pages) is not supported by this clone".into(),
                );
            }
            let mut args = vec![expr];
            args.extend(self.arguments()?);
            expr = call(name, args)?;
        }
        Ok(expr)
    }

    /// `parse` one level deeper, refusing what nests past [`MAX_NESTING`].
    fn nested(&mut self, parse: fn(&mut Self) -> Result<Expr, String>) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("expression nested too deeply".into());
        }
        let expr = parse(self);
        self.depth -= 1;
        expr
    }

    /// Comma-separated expressions up to `close`, which the caller has opened.
    fn items(&mut self, close: &str) -> Result<Vec<Expr>, String> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.ternary()?);
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(",")?;
        }
    }

    fn arguments(&mut self) -> Result<Vec<Expr>, String> {
        self.expect("(")?;
        self.items(")")
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
            Token::Word(word) if matches!(self.peek(), Some(Token::Op("("))) => {
                let args = self.arguments()?;
                call(word, args)
            }
            Token::Word(word) => Ok(Expr::Var(word)),
            Token::Op("(") => {
                let inner = self.ternary()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Op("[") => Ok(Expr::List(self.items("]")?)),
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

thread_local! {
    static PARSED: Memo<Option<Rc<Expr>>> = Memo::new();
}

/// `text` parsed, or `None` when it does not parse; read once per thread ([`Memo`]).
pub(super) fn parsed(text: &str) -> Option<Rc<Expr>> {
    PARSED.with(|parsed| parsed.get(text, |text| parse(text).ok().map(Rc::new)))
}

/// Parses `text`.
///
/// # Errors
///
/// Why `text` is not an expression (its syntax, an unknown function, an argument count).
pub(super) fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
        depth: 0,
    };
    let expr = parser.ternary()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected {token:?}")),
    }
}

/// The names `let` (`lets`) binds in `args` — every other argument but the last — or why
/// one is not a name.
pub(super) fn bound_names(args: &[Expr]) -> Result<Vec<&str>, String> {
    args[..args.len() - 1]
        .iter()
        .step_by(2)
        .map(|arg| match arg {
            Expr::Var(name) => Ok(name.as_str()),
            _ => Err("let() and lets() name each variable with a bare word".to_owned()),
        })
        .collect()
}

/// Checks what a schema cannot: every name `expr` uses is bound where it is used (`current`
/// and `index` inside a per-item function's second argument, `let` names in their body),
/// every literal pattern is one the clone reads and every literal date unit is Notion's.
/// The properties it names are pushed onto `props`.
pub(super) fn check_names<'e>(
    expr: &'e Expr,
    scope: &mut Vec<&'e str>,
    props: &mut Vec<&'e str>,
) -> Result<(), String> {
    match expr {
        Expr::Prop(name) => props.push(name),
        Expr::Var(name) if !scope.contains(&name.as_str()) => {
            return Err(if matches!(name.as_str(), "current" | "index") {
                format!(
                    "`{name}` is only defined inside map(), filter() and the other list functions"
                )
            } else {
                format!("unknown name `{name}`")
            });
        }
        Expr::List(items) => {
            for item in items {
                check_names(item, scope, props)?;
            }
        }
        Expr::Unary(_, inner) => check_names(inner, scope, props)?,
        Expr::Binary(_, left, right) => {
            check_names(left, scope, props)?;
            check_names(right, scope, props)?;
        }
        Expr::Call(name, args) => return check_call(name, args, scope, props),
        Expr::Number(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Var(_) => {}
    }
    Ok(())
}

fn check_call<'e>(
    name: &str,
    args: &'e [Expr],
    scope: &mut Vec<&'e str>,
    props: &mut Vec<&'e str>,
) -> Result<(), String> {
    let outer = scope.len();
    match name {
        "let" | "lets" => {
            let names = bound_names(args)?;
            if name == "let" && names.len() != 1 || args.len().is_multiple_of(2) {
                return Err(format!(
                    "{name}() takes names and values in pairs, then an expression"
                ));
            }
            for (bound, value) in names.into_iter().zip(args.iter().skip(1).step_by(2)) {
                check_names(value, scope, props)?;
                scope.push(bound);
            }
            check_names(&args[args.len() - 1], scope, props)?;
        }
        _ if PER_ITEM.contains(&name) => {
            check_names(&args[0], scope, props)?;
            scope.extend(["current", "index"]);
            args[1..]
                .iter()
                .try_for_each(|arg| check_names(arg, scope, props))?;
        }
        _ => {
            args.iter()
                .try_for_each(|arg| check_names(arg, scope, props))?;
            check_literals(name, args)?;
        }
    }
    scope.truncate(outer);
    Ok(())
}

/// Refuses a literal pattern the clone cannot read or a literal unit Notion does not have.
fn check_literals(name: &str, args: &[Expr]) -> Result<(), String> {
    let literal = |i: usize| match args.get(i) {
        Some(Expr::Text(text)) => Some(text.as_str()),
        _ => None,
    };
    match name {
        "ifs" if args.len().is_multiple_of(2) => {
            return Err("ifs() takes conditions and values in pairs, then a default".into());
        }
        "test" | "match" | "replace" | "replaceAll" => {
            if let Some(source) = literal(1) {
                Pattern::new(source).map_err(|reason| {
                    format!("{name}(): invalid regular expression `{source}`: {reason}")
                })?;
            }
        }
        "dateAdd" | "dateSubtract" | "dateBetween" => {
            if let Some(unit) = literal(2)
                && !UNITS.contains(&unit)
            {
                return Err(format!(
                    "{name}(): unknown unit `{unit}` (one of {})",
                    UNITS.join(", ")
                ));
            }
        }
        _ => {}
    }
    Ok(())
}
