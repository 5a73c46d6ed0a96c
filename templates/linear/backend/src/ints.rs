//! GraphQL's `Int` is 32 bits, signed. async-graphql's dynamic schema takes any 64-bit integer
//! for it, where Linear (graphql-js) refuses one past that range before running anything.
//! [`Inputs`] finds such a value in a request's variables ([`Inputs::out_of_range`]) and
//! among the literals of its document ([`Inputs::wide_literal`]: arguments and variables'
//! defaults), through the input objects and lists their types reach.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationType, Selection, SelectionSet, Type, TypeKind,
};
use async_graphql::{Pos, Request, ServerError, Value};
use serde_json::Number;

/// Each input object's fields and their types, and each object and interface type's fields
/// (their type's name and their arguments' types), from the SDL.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    inputs: HashMap<String, HashMap<String, Type>>,
    outputs: HashMap<String, HashMap<String, Field>>,
}

/// An output field, as far as its literals go.
#[derive(Debug)]
struct Field {
    /// Its type's name, under any list and non-null wrappers.
    ty: String,
    arguments: HashMap<String, Type>,
}

impl Inputs {
    /// The input objects of [`crate::sdl::SDL`].
    pub(crate) fn new() -> Self {
        let Ok(types) = crate::sdl::types() else {
            return Self::default();
        };
        let mut this = Self::default();
        for (name, ty) in types {
            let fields = match ty.kind {
                TypeKind::InputObject(object) => {
                    let fields = object.fields.into_iter().map(|field| {
                        let field = field.node;
                        (field.name.node.to_string(), field.ty.node)
                    });
                    this.inputs.insert(name, fields.collect());
                    continue;
                }
                TypeKind::Object(object) => object.fields,
                TypeKind::Interface(interface) => interface.fields,
                _ => continue,
            };
            let fields = fields.into_iter().map(|field| {
                let field = field.node;
                let arguments = field.arguments.into_iter().map(|argument| {
                    let argument = argument.node;
                    (argument.name.node.to_string(), argument.ty.node)
                });
                let field_type = Field {
                    ty: crate::projection::base_name(&field.ty.node).to_owned(),
                    arguments: arguments.collect(),
                };
                (field.name.node.to_string(), field_type)
            });
            this.outputs.insert(name, fields.collect());
        }
        this
    }

    /// graphql-js's refusal of the first `Int` literal past 32 bits in the operation
    /// `operation_name` of `document` (an argument's, or a variable's default), if any. Its
    /// location is the number itself, as graphql-js reports it, even inside an object or a
    /// list: found in `source`, the text `document` was parsed from.
    pub(crate) fn wide_literal(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        source: &str,
    ) -> Option<ServerError> {
        let operation = crate::projection::operation_of(document, operation_name)?;
        let operation = &operation.node;
        let defaults = operation
            .variable_definitions
            .iter()
            .find_map(|definition| {
                let definition = &definition.node;
                let default = definition.default_value.as_ref()?;
                let mut path = String::new();
                let bad = self.find(&definition.var_type.node, &default.node, &mut path)?;
                Some((bad, literal_at(source, default.pos, &default.node, &path)))
            });
        let root = match operation.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        let mut walk = Walk {
            inputs: self,
            document,
            source,
            fragments: HashSet::new(),
        };
        let (bad, pos) =
            defaults.or_else(|| walk.selection_set(root, &operation.selection_set.node))?;
        Some(ServerError::new(
            format!("Int cannot represent non 32-bit signed integer value: {bad}"),
            Some(pos),
        ))
    }

    /// graphql-js's refusal of the first `Int` in `request`'s variables past 32 bits, if any.
    pub(crate) fn out_of_range(&self, request: &mut Request) -> Option<String> {
        if !request.variables.values().any(holds_wide_integer) {
            return None;
        }
        let operation_name = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = request.parsed_query().ok()?;
        let operation = crate::projection::operation_of(document, operation_name.as_deref())?;
        operation
            .node
            .variable_definitions
            .iter()
            .find_map(|definition| {
                let name = &definition.node.name.node;
                let mut path = name.to_string();
                let value = variables.get(name)?;
                let bad = self.find(&definition.node.var_type.node, value, &mut path)?;
                Some(format!(
                    "Variable \"${name}\" got invalid value {bad} at \"{path}\"; \
                 Int cannot represent non 32-bit signed integer value: {bad}"
                ))
            })
    }

    /// The first `Int` past 32 bits in `value` of type `ty`, `path` left pointing at it.
    fn find(&self, ty: &Type, value: &Value, path: &mut String) -> Option<Number> {
        let at = path.len();
        let found = match (&ty.base, value) {
            (BaseType::List(item), Value::List(values)) => {
                values.iter().enumerate().find_map(|(index, value)| {
                    path.truncate(at);
                    path.push_str(&format!("[{index}]"));
                    self.find(item, value, path)
                })
            }
            (BaseType::List(item), value) => self.find(item, value, path),
            (BaseType::Named(name), Value::Number(number)) if name == "Int" => {
                wide(number).then(|| number.clone())
            }
            (BaseType::Named(name), Value::Object(fields)) => {
                let types = self.inputs.get(name.as_str())?;
                fields.iter().find_map(|(key, value)| {
                    path.truncate(at);
                    path.push_str(&format!(".{key}"));
                    self.find(types.get(key.as_str())?, value, path)
                })
            }
            _ => None,
        };
        if found.is_none() {
            path.truncate(at);
        }
        found
    }
}

/// A walk over one operation's selections, each fragment visited once.
struct Walk<'a> {
    inputs: &'a Inputs,
    document: &'a ExecutableDocument,
    /// The text `document` was parsed from.
    source: &'a str,
    fragments: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    /// The first `Int` literal past 32 bits among the arguments of `set`, selected on the
    /// type named `parent`, and where it is.
    fn selection_set(&mut self, parent: &str, set: &'a SelectionSet) -> Option<(Number, Pos)> {
        set.items
            .iter()
            .find_map(|selection| match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let definition = self
                        .inputs
                        .outputs
                        .get(parent)?
                        .get(field.name.node.as_str())?;
                    let argument = field.arguments.iter().find_map(|(name, value)| {
                        let ty = definition.arguments.get(name.node.as_str())?;
                        let literal = value
                            .node
                            .clone()
                            .into_const_with(|_| Ok::<_, ()>(Value::Null))
                            .ok()?;
                        let mut path = String::new();
                        let bad = self.inputs.find(ty, &literal, &mut path)?;
                        Some((bad, literal_at(self.source, value.pos, &literal, &path)))
                    });
                    argument
                        .or_else(|| self.selection_set(&definition.ty, &field.selection_set.node))
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment
                        .type_condition
                        .as_ref()
                        .map_or(parent, |on| on.node.on.node.as_str());
                    self.selection_set(on, &fragment.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let fragment = &self.document.fragments.get(name)?.node;
                    if !self.fragments.insert(name) {
                        return None;
                    }
                    self.selection_set(
                        fragment.type_condition.node.on.node.as_str(),
                        &fragment.selection_set.node,
                    )
                }
            })
    }
}

/// Where the number at `path` in `value`, a literal written in `source` from `start`, is
/// written: async-graphql locates only the whole literal. Its numbers are written in the order
/// `value` holds them (objects and lists keep their order), so the one at `path` is the
/// number token of that rank from `start`. `start` when it cannot be found.
fn literal_at(source: &str, start: Pos, value: &Value, path: &str) -> Pos {
    let mut rank = 0;
    if !numbers_before(value, path, &mut String::new(), &mut rank) {
        return start;
    }
    number_token(source, start, rank).unwrap_or(start)
}

/// Whether the number at `path` is in `value` (at `at`), counting in `rank` the numbers before
/// it.
fn numbers_before(value: &Value, path: &str, at: &mut String, rank: &mut usize) -> bool {
    let len = at.len();
    let found = match value {
        Value::Number(_) if at == path => true,
        Value::Number(_) => {
            *rank += 1;
            false
        }
        Value::List(values) => values.iter().enumerate().any(|(index, value)| {
            at.truncate(len);
            at.push_str(&format!("[{index}]"));
            numbers_before(value, path, at, rank)
        }),
        Value::Object(fields) => fields.iter().any(|(key, value)| {
            at.truncate(len);
            at.push_str(&format!(".{key}"));
            numbers_before(value, path, at, rank)
        }),
        _ => false,
    };
    at.truncate(len);
    found
}

/// Where the number token of `rank` (0 the first) at or after `start` in `source` begins,
/// skipping strings, block strings, comments and names (GraphQL's lexical grammar).
fn number_token(source: &str, start: Pos, mut rank: usize) -> Option<Pos> {
    let line_start: usize = source
        .split_inclusive('\n')
        .take(start.line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let (offset, _) = source
        .get(line_start..)?
        .char_indices()
        .nth(start.column.checked_sub(1)?)?;
    let text: Vec<char> = source.get(line_start + offset..)?.chars().collect();
    let at = |i: usize| text.get(i).copied().unwrap_or_default();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        let begin = i;
        i += 1;
        if c == '#' {
            while i < text.len() && !matches!(text[i], '\n' | '\r') {
                i += 1;
            }
        } else if c == '"' && at(i) == '"' && at(i + 1) == '"' {
            i += 2;
            while i < text.len() && !(at(i) == '"' && at(i + 1) == '"' && at(i + 2) == '"') {
                i += if at(i) == '\\' && at(i + 1) == '"' {
                    2
                } else {
                    1
                };
            }
            i += 3;
        } else if c == '"' {
            while i < text.len() && !matches!(text[i], '"' | '\n') {
                i += if text[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '_' || c.is_ascii_alphabetic() {
            while at(i) == '_' || at(i).is_ascii_alphanumeric() {
                i += 1;
            }
        } else if c == '-' || c.is_ascii_digit() {
            while at(i).is_ascii_alphanumeric()
                || at(i) == '.'
                || (matches!(at(i), '+' | '-') && matches!(at(i - 1), 'e' | 'E'))
            {
                i += 1;
            }
            if rank == 0 {
                let before = &text[..begin];
                return Some(match before.iter().rposition(|&c| c == '\n') {
                    Some(newline) => Pos {
                        line: start.line + before.iter().filter(|&&c| c == '\n').count(),
                        column: begin - newline,
                    },
                    None => Pos {
                        line: start.line,
                        column: start.column + begin,
                    },
                });
            }
            rank -= 1;
        }
    }
    None
}

/// Whether `number` is an integer past 32 bits.
fn wide(number: &Number) -> bool {
    match number.as_i64() {
        Some(n) => i32::try_from(n).is_err(),
        None => number.as_u64().is_some(),
    }
}

/// Whether `value` holds an integer past 32 bits anywhere (the cheap test every request takes:
/// only one that does is checked against its variables' types).
fn holds_wide_integer(value: &Value) -> bool {
    match value {
        Value::Number(number) => wide(number),
        Value::List(values) => values.iter().any(holds_wide_integer),
        Value::Object(fields) => fields.values().any(holds_wide_integer),
        _ => false,
    }
}
