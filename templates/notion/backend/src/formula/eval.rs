//! Evaluating an expression over one page: properties read from its values, names bound by
//! `let`/`lets` and by the per-item list functions (`current`, `index`), and the functions
//! whose arguments are evaluated lazily (`if`, `ifs`, `and`, `or`, the per-item ones).

use serde_json::{Map, Value};

use super::functions;
use super::parse::{Expr, bound_names, parsed};
use super::value::Val;
use crate::rows::Meta;
use crate::schema::{self, Schema};

/// How deep formulas may refer to formulas (a cycle evaluates to empty at this depth).
pub(super) const MAX_DEPTH: usize = 8;

/// The most items a list may hold (a larger one evaluates to empty).
const MAX_ITEMS: usize = 10_000;

/// What a formula sees of one page: its schema, stored values and edit stamps.
pub(super) struct Page<'a> {
    pub(super) schema: &'a Schema,
    pub(super) props: &'a Map<String, Value>,
    pub(super) meta: Meta<'a>,
}

/// A name bound while evaluating, and the names bound around it.
struct Scope<'a> {
    name: &'a str,
    value: Val,
    outer: Option<&'a Scope<'a>>,
}

impl Scope<'_> {
    fn get(scope: Option<&Self>, name: &str) -> Val {
        let mut at = scope;
        while let Some(here) = at {
            if here.name == name {
                return here.value.clone();
            }
            at = here.outer;
        }
        Val::Empty
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
                parsed(expression).map_or(Val::Empty, |expr| self.eval(&expr, depth + 1))
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

    /// The value of `expr` (a formula `depth` formulas deep).
    pub(super) fn eval(&self, expr: &Expr, depth: usize) -> Val {
        self.within(expr, depth, None)
    }

    fn within(&self, expr: &Expr, depth: usize, scope: Option<&Scope<'_>>) -> Val {
        let eval = |e: &Expr| self.within(e, depth, scope);
        match expr {
            Expr::Number(n) => Val::Number(*n),
            Expr::Text(text) => Val::Text(text.clone()),
            Expr::Bool(b) => Val::Bool(*b),
            Expr::Prop(name) => self.prop(name, depth),
            Expr::Var(name) => Scope::get(scope, name),
            Expr::List(items) => Val::List(items.iter().map(eval).collect()),
            Expr::Unary("-", inner) => Val::Number(-eval(inner).number()),
            Expr::Unary(_, inner) => Val::Bool(!eval(inner).truthy()),
            Expr::Binary("and", left, right) => {
                Val::Bool(eval(left).truthy() && eval(right).truthy())
            }
            Expr::Binary("or", left, right) => {
                Val::Bool(eval(left).truthy() || eval(right).truthy())
            }
            Expr::Binary(op, left, right) => functions::binary(op, eval(left), eval(right)),
            Expr::Call(name, args) => match name.as_str() {
                "if" | "ifs" => {
                    let chosen = args
                        .chunks(2)
                        .find(|pair| pair.len() == 1 || eval(&pair[0]).truthy())
                        .map_or(&args[args.len() - 1], |pair| &pair[pair.len() - 1]);
                    eval(chosen)
                }
                "and" => Val::Bool(args.iter().all(|a| eval(a).truthy())),
                "or" => Val::Bool(args.iter().any(|a| eval(a).truthy())),
                "let" | "lets" => self.bind(args, depth, scope),
                name if super::parse::PER_ITEM.contains(&name) => {
                    let items = eval(&args[0]).items();
                    self.per_item(name, items, args.get(1), depth, scope)
                }
                name => {
                    let values: Vec<Val> = args.iter().map(eval).collect();
                    let value = functions::call(name, &values);
                    match &value {
                        Val::List(items) if items.len() > MAX_ITEMS => Val::Empty,
                        _ => value,
                    }
                }
            },
        }
    }

    /// `let(name, value, body)` / `lets(name, value, …, body)`.
    fn bind(&self, args: &[Expr], depth: usize, scope: Option<&Scope<'_>>) -> Val {
        let Ok(names) = bound_names(args) else {
            return Val::Empty;
        };
        let Some((name, rest)) = names.split_first() else {
            return self.within(&args[args.len() - 1], depth, scope);
        };
        let inner = Scope {
            name,
            value: self.within(&args[1], depth, scope),
            outer: scope,
        };
        if rest.is_empty() {
            self.within(&args[args.len() - 1], depth, Some(&inner))
        } else {
            self.bind(&args[2..], depth, Some(&inner))
        }
    }

    /// `body` over each item, with `current` and `index` bound.
    fn each<'s>(
        &'s self,
        items: &'s [Val],
        body: &'s Expr,
        depth: usize,
        scope: Option<&'s Scope<'s>>,
    ) -> impl Iterator<Item = Val> + 's {
        items.iter().enumerate().map(move |(i, item)| {
            let current = Scope {
                name: "current",
                value: item.clone(),
                outer: scope,
            };
            #[allow(
                clippy::cast_precision_loss,
                reason = "a list's index is far below 2^53"
            )]
            let index = Scope {
                name: "index",
                value: Val::Number(i as f64),
                outer: Some(&current),
            };
            self.within(body, depth, Some(&index))
        })
    }

    fn per_item(
        &self,
        name: &str,
        items: Vec<Val>,
        body: Option<&Expr>,
        depth: usize,
        scope: Option<&Scope<'_>>,
    ) -> Val {
        let Some(body) = body else {
            // `sort(list)`: by the items themselves.
            let mut items = items;
            items.sort_by(Val::order);
            return Val::List(items);
        };
        let mut results = self.each(&items, body, depth, scope);
        match name {
            "map" => Val::List(results.collect()),
            "filter" => Val::List(
                items
                    .iter()
                    .zip(results)
                    .filter(|(_, keep)| keep.truthy())
                    .map(|(item, _)| item.clone())
                    .collect(),
            ),
            "find" => items
                .iter()
                .zip(results)
                .find(|(_, hit)| hit.truthy())
                .map_or(Val::Empty, |(item, _)| item.clone()),
            #[allow(
                clippy::cast_precision_loss,
                reason = "a list's index is far below 2^53"
            )]
            "findIndex" => Val::Number(
                results
                    .position(|hit| hit.truthy())
                    .map_or(-1.0, |i| i as f64),
            ),
            "some" => Val::Bool(results.any(|hit| hit.truthy())),
            "every" => Val::Bool(results.all(|hit| hit.truthy())),
            _ => {
                let keys: Vec<Val> = results.collect();
                let mut order: Vec<usize> = (0..items.len()).collect();
                order.sort_by(|a, b| keys[*a].order(&keys[*b]));
                Val::List(order.into_iter().map(|i| items[i].clone()).collect())
            }
        }
    }
}
