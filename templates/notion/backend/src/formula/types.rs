//! The type of value an expression answers, told before evaluating it as Notion types
//! formulas, for the filters and sorts on a formula (`formula: {number: …}`).

use super::eval::MAX_DEPTH;
use super::parse::{Expr, PER_ITEM, bound_names, parse};
use crate::schema::{self, Schema};

/// A type an expression may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
    Number,
    Text,
    Bool,
    Date,
    /// A list, answered as text.
    List,
}

impl Type {
    /// How the `formula` property answers a value of this type.
    pub(super) fn answered(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Bool => "boolean",
            Self::Date => "date",
            Self::Text | Self::List => "string",
        }
    }
}

/// The types of the names bound where an expression is (`None`: not known).
type Names<'e> = Vec<(&'e str, Option<Type>)>;

/// The type of `expr` over `schema` (`None` when it cannot be told: the branches of an
/// `if` differ, an item of a list, a cycle of formulas).
pub(super) fn type_of<'e>(
    expr: &'e Expr,
    schema: &Schema,
    depth: usize,
    names: &mut Names<'e>,
) -> Option<Type> {
    match expr {
        Expr::Number(_) => Some(Type::Number),
        Expr::Text(_) => Some(Type::Text),
        Expr::Bool(_) => Some(Type::Bool),
        Expr::List(_) => Some(Type::List),
        Expr::Var(name) => names.iter().rev().find(|(n, _)| n == name)?.1,
        Expr::Prop(name) => prop_type(name, schema, depth),
        Expr::Unary("-", _) => Some(Type::Number),
        Expr::Unary(..) => Some(Type::Bool),
        Expr::Binary("+", left, right) => {
            let sides = [
                type_of(left, schema, depth, names),
                type_of(right, schema, depth, names),
            ];
            if sides.contains(&Some(Type::Text)) {
                Some(Type::Text)
            } else if sides.contains(&None) {
                None
            } else {
                Some(Type::Number)
            }
        }
        Expr::Binary("-" | "*" | "/" | "%" | "^", ..) => Some(Type::Number),
        Expr::Binary(..) => Some(Type::Bool),
        Expr::Call(name, args) => call_type(name, args, schema, depth, names),
    }
}

fn prop_type(name: &str, schema: &Schema, depth: usize) -> Option<Type> {
    let (_, prop) = schema::find(schema, name)?;
    match schema::kind(prop) {
        "number" | "unique_id" => Some(Type::Number),
        "checkbox" => Some(Type::Bool),
        "date" | "created_time" | "last_edited_time" => Some(Type::Date),
        "multi_select" | "people" | "relation" | "files" => Some(Type::List),
        "formula" if depth < MAX_DEPTH => {
            let inner = parse(prop["formula"]["expression"].as_str()?).ok()?;
            type_of(&inner, schema, depth + 1, &mut Vec::new())
        }
        "formula" | "rollup" => None,
        _ => Some(Type::Text),
    }
}

fn call_type<'e>(
    name: &str,
    args: &'e [Expr],
    schema: &Schema,
    depth: usize,
    names: &mut Names<'e>,
) -> Option<Type> {
    let of = |expr: &'e Expr, names: &mut Names<'e>| type_of(expr, schema, depth, names);
    Some(match name {
        "if" | "ifs" => {
            let mut branches = args
                .iter()
                .skip(1)
                .step_by(2)
                .chain(args.last())
                .map(|branch| of(branch, names));
            let first = branches.next()?;
            return branches.all(|b| b == first).then_some(first).flatten();
        }
        "let" | "lets" => {
            let outer = names.len();
            let bound = bound_names(args).ok()?;
            for (bound, value) in bound.into_iter().zip(args.iter().skip(1).step_by(2)) {
                let value = of(value, names);
                names.push((bound, value));
            }
            let body = of(&args[args.len() - 1], names);
            names.truncate(outer);
            return body;
        }
        "at" | "first" | "last" | "find" => return None,
        _ if PER_ITEM.contains(&name)
            && name != "findIndex"
            && name != "some"
            && name != "every" =>
        {
            Type::List
        }
        "slice" => of(&args[0], names)?,
        "concat" => {
            let list = args.iter().any(|a| of(a, names) == Some(Type::List));
            if list { Type::List } else { Type::Text }
        }
        "join" | "lower" | "upper" | "replace" | "replaceAll" | "format" | "formatDate"
        | "substring" | "repeat" | "padStart" | "padEnd" | "trim" | "link" | "style"
        | "unstyle" => Type::Text,
        "contains" | "empty" | "not" | "and" | "or" | "equal" | "unequal" | "test" | "includes"
        | "some" | "every" => Type::Bool,
        "now" | "today" | "dateAdd" | "dateSubtract" | "dateStart" | "dateEnd" | "dateRange"
        | "parseDate" | "fromTimestamp" => Type::Date,
        "match" | "split" | "reverse" | "unique" | "flat" => Type::List,
        _ => Type::Number,
    })
}
