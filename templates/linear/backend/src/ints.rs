//! GraphQL's `Int` is 32 bits, signed. async-graphql's dynamic schema takes any 64-bit integer
//! for it, where Linear (graphql-js) refuses a variable past that range before running
//! anything. [`Inputs`] finds such a value in a request's variables, through the input objects
//! and lists its variables' types reach (SDKs send values as variables; a literal past the
//! range is still async-graphql's to take).

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use async_graphql::{Request, Value};
use serde_json::Number;

use crate::sdl::SDL;

/// Each input object's fields and their types, from the SDL.
#[derive(Debug, Default)]
pub(crate) struct Inputs(HashMap<String, HashMap<String, Type>>);

impl Inputs {
    /// The input objects of [`SDL`].
    pub(crate) fn new() -> Self {
        let Ok(document) = parse_schema(SDL) else {
            return Self::default();
        };
        let mut inputs = HashMap::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let ty = ty.node;
            if let TypeKind::InputObject(object) = ty.kind {
                let fields = object.fields.into_iter().map(|field| {
                    let field = field.node;
                    (field.name.node.to_string(), field.ty.node)
                });
                inputs.insert(ty.name.node.to_string(), fields.collect());
            }
        }
        Self(inputs)
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
                let types = self.0.get(name.as_str())?;
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
