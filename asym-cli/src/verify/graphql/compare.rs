//! The comparison: every (type, field) pair the documents select, walked against the
//! product's schema, and every input field their variables' input types reach, looked up in
//! the clone's schema with the same type: the named type, its list and non-null wrappers,
//! the arguments the documents pass (and any the clone requires), and enum values.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql_parser::types::{ExecutableDocument, Type};
use serde::Serialize;

use super::sdl::{self, Def, Schema};
use super::walk::{self, Event};
use crate::verify::score;

/// How a pair deviates from the product's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// The clone has no type of that name.
    MissingType,
    /// The clone's type has no such field.
    MissingField,
    /// The clone's field has no argument the documents pass.
    MissingArgument,
    /// The clone requires an argument the product does not have.
    ExtraRequiredArgument,
    /// Another named type, or other list wrappers.
    WrongType,
    /// The same type with other non-null wrappers (`String` for `String!`, or the reverse).
    WrongNullability,
    /// The clone's enum lacks some of the product's values.
    EnumValuesMissing,
}

/// One deviation: where (`Issue.title`, `Query.issue(id)`), what the product's schema says
/// and what the clone's says.
pub(crate) type Violation = score::Violation<Kind>;

/// A (type, field) pair the documents reach, and how the clone's schema deviates on it.
#[derive(Debug, Serialize)]
pub(crate) struct Pair {
    /// The type.
    #[serde(rename = "type")]
    pub(crate) type_name: String,
    /// The field.
    pub(crate) field: String,
    /// An input field a variable's type reaches, rather than a selected field.
    pub(crate) input: bool,
    /// Empty when the clone has it as the product does.
    pub(crate) violations: Vec<Violation>,
}

/// Every pair `documents` reach in `product`'s schema, checked against `clone`'s: selected
/// fields first, then input fields, each group sorted.
pub(crate) fn compare(
    product: &Schema,
    clone: &Schema,
    documents: &[ExecutableDocument],
) -> Vec<Pair> {
    let (selected, variables) = uses(product, documents);
    let mut pairs: Vec<Pair> = selected
        .into_iter()
        .map(|((parent, name), (field, passed))| {
            let at = format!("{parent}.{name}");
            let violations = match clone.get(parent).map(|_| clone.field(parent, name)) {
                None => vec![missing_type(&at, parent)],
                Some(None) => vec![missing(Kind::MissingField, &at, name, &field.ty)],
                Some(Some(theirs)) => {
                    let mut out = typed(product, clone, &at, &field.ty, &theirs.ty);
                    let required = theirs.args.iter().filter(|(_, a)| a.required());
                    let names: BTreeSet<&str> = passed
                        .into_iter()
                        .chain(required.map(|(n, _)| n.as_str()))
                        .collect();
                    for arg in names {
                        let at = format!("{at}({arg})");
                        match (field.args.get(arg), theirs.args.get(arg)) {
                            (Some(ours), None) => {
                                out.push(missing(Kind::MissingArgument, &at, arg, &ours.ty));
                            }
                            (None, Some(extra)) if extra.required() => out.push(Violation {
                                kind: Kind::ExtraRequiredArgument,
                                at,
                                expected: "none".into(),
                                found: format!("{arg}: {} (required)", extra.ty),
                            }),
                            (Some(ours), Some(extra)) => {
                                out.extend(typed(product, clone, &at, &ours.ty, &extra.ty));
                            }
                            _ => {}
                        }
                    }
                    out
                }
            };
            pair(parent, name, false, violations)
        })
        .collect();
    for ((parent, name), input) in inputs(product, variables) {
        let at = format!("{parent}.{name}");
        let violations = match clone.get(parent) {
            None => vec![missing_type(&at, parent)],
            Some(Def::Input(fields)) => match fields.get(name) {
                None => vec![missing(Kind::MissingField, &at, name, &input.ty)],
                Some(theirs) => typed(product, clone, &at, &input.ty, &theirs.ty),
            },
            Some(_) => vec![Violation {
                kind: Kind::WrongType,
                at,
                expected: format!("input {parent}"),
                found: "a type that is not an input object".into(),
            }],
        };
        pairs.push(pair(parent, name, true, violations));
    }
    pairs
}

/// A field selected on a type, with the product's definition and the arguments passed.
type Selected<'a> = BTreeMap<(&'a str, &'a str), (&'a sdl::Field, BTreeSet<&'a str>)>;

/// What the operations of `documents` select in `product`, with the fragments they spread
/// (each walked once, on its type condition; a fragment no operation spreads is never sent),
/// and the named types of their variables.
fn uses<'a>(
    product: &'a Schema,
    documents: &'a [ExecutableDocument],
) -> (Selected<'a>, BTreeSet<&'a str>) {
    let fragments = walk::fragments(documents);
    let mut selected = Selected::new();
    let mut variables = BTreeSet::new();
    let mut todo = Vec::new();
    for (_, operation) in documents.iter().flat_map(|d| d.operations.iter()) {
        let operation = &operation.node;
        variables.extend(
            operation
                .variable_definitions
                .iter()
                .map(|v| sdl::named(&v.node.var_type.node)),
        );
        if let Some(root) = product.root(operation.ty) {
            todo.push((&operation.selection_set.node, root));
        }
    }
    let mut entered = BTreeSet::new();
    while let Some((set, parent)) = todo.pop() {
        let mut spread = Vec::new();
        walk::selections(product, set, parent, &mut |event| match event {
            Event::Field {
                parent,
                field,
                def: Some(def),
            } => {
                let passed = field.arguments.iter().map(|(name, _)| name.node.as_str());
                selected
                    .entry((parent, field.name.node.as_str()))
                    .or_insert_with(|| (def, BTreeSet::new()))
                    .1
                    .extend(passed);
            }
            Event::Spread { name, .. } => spread.push(name),
            _ => {}
        });
        for name in spread {
            if let Some(fragment) = fragments.get(name)
                && entered.insert(name)
            {
                let on = fragment.type_condition.node.on.node.as_str();
                todo.push((&fragment.selection_set.node, on));
            }
        }
    }
    (selected, variables)
}

/// Every field of the input objects among `named`, and of those their fields reach, sorted.
fn inputs<'a>(
    product: &'a Schema,
    named: BTreeSet<&'a str>,
) -> BTreeMap<(&'a str, &'a str), &'a sdl::Input> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = named.into_iter().collect();
    let mut out = BTreeMap::new();
    while let Some(name) = todo.pop() {
        let Some(Def::Input(fields)) = product.get(name) else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        for (field, input) in fields {
            out.insert((name, field.as_str()), input);
            todo.push(sdl::named(&input.ty));
        }
    }
    out
}

fn pair(parent: &str, name: &str, input: bool, violations: Vec<Violation>) -> Pair {
    Pair {
        type_name: parent.to_owned(),
        field: name.to_owned(),
        input,
        violations,
    }
}

fn missing_type(at: &str, parent: &str) -> Violation {
    Violation {
        kind: Kind::MissingType,
        at: at.to_owned(),
        expected: format!("type {parent}"),
        found: "none".into(),
    }
}

fn missing(kind: Kind, at: &str, name: &str, ty: &Type) -> Violation {
    Violation {
        kind,
        at: at.to_owned(),
        expected: format!("{name}: {ty}"),
        found: "none".into(),
    }
}

/// How the clone's type `found` deviates from the product's `expected` at `at`: the
/// wrappers, the named type, and an enum's values.
fn typed(
    product: &Schema,
    clone: &Schema,
    at: &str,
    expected: &Type,
    found: &Type,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if expected != found {
        let erased = |t: &Type| t.to_string().replace('!', "");
        let kind = if erased(expected) == erased(found) {
            Kind::WrongNullability
        } else {
            Kind::WrongType
        };
        out.push(Violation {
            kind,
            at: at.to_owned(),
            expected: expected.to_string(),
            found: found.to_string(),
        });
        if kind == Kind::WrongType {
            return out;
        }
    }
    let name = sdl::named(expected);
    if let (Some(Def::Enum(ours)), Some(Def::Enum(theirs))) = (product.get(name), clone.get(name)) {
        let lacking: Vec<&str> = ours.difference(theirs).map(String::as_str).collect();
        if !lacking.is_empty() {
            let more = if lacking.len() > 8 { ", …" } else { "" };
            out.push(Violation {
                kind: Kind::EnumValuesMissing,
                at: format!("{at}: {name}"),
                expected: format!(
                    "{}{more} ({} values the clone lacks)",
                    lacking[..lacking.len().min(8)].join(", "),
                    lacking.len()
                ),
                found: format!(
                    "{} of its {} values",
                    ours.len() - lacking.len(),
                    ours.len()
                ),
            });
        }
    }
    out
}
