//! A GraphQL schema read from its SDL: each type by name with what the comparison and the
//! validation look up (fields and their arguments, input fields, enum values, union members,
//! the interfaces an object implements). `extend` definitions merge into their type.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_graphql_parser::types::{
    BaseType, FieldDefinition, InputValueDefinition, OperationType, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql_parser::{Positioned, parse_schema};

/// One type of a schema.
#[derive(Debug)]
pub(crate) enum Def {
    /// A scalar (the five built-in ones are always there).
    Scalar,
    /// An object or an interface: its fields, and the interfaces it implements.
    Composite {
        fields: BTreeMap<String, Field>,
        implements: Vec<String>,
        interface: bool,
    },
    /// A union's members.
    Union(Vec<String>),
    /// An enum's values.
    Enum(BTreeSet<String>),
    /// An input object's fields.
    Input(BTreeMap<String, Input>),
}

/// A field of an object or an interface.
#[derive(Debug)]
pub(crate) struct Field {
    /// Its type.
    pub(crate) ty: Type,
    /// Its arguments by name.
    pub(crate) args: BTreeMap<String, Input>,
}

/// An argument or an input field.
#[derive(Debug)]
pub(crate) struct Input {
    /// Its type.
    pub(crate) ty: Type,
    /// Whether it has a default value.
    pub(crate) defaulted: bool,
}

impl Input {
    /// Whether a document must give it: non-null without a default.
    pub(crate) fn required(&self) -> bool {
        !self.ty.nullable && !self.defaulted
    }
}

/// A schema: its types by name and its root operation types.
#[derive(Debug)]
pub(crate) struct Schema {
    types: HashMap<String, Def>,
    roots: [Option<String>; 3],
}

impl Schema {
    /// Reads a schema from SDL.
    ///
    /// # Errors
    /// The parser's sentence when `sdl` is not GraphQL SDL.
    pub(crate) fn parse(sdl: &str) -> Result<Self, String> {
        let document = parse_schema(sdl).map_err(|e| e.to_string())?;
        let mut types: HashMap<String, Def> = ["String", "Int", "Float", "Boolean", "ID"]
            .into_iter()
            .map(|name| (name.to_owned(), Def::Scalar))
            .collect();
        let mut roots = [None, None, None];
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    for (root, name) in
                        roots
                            .iter_mut()
                            .zip([schema.query, schema.mutation, schema.subscription])
                    {
                        if let Some(name) = name {
                            *root = Some(name.node.to_string());
                        }
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let def = Def::new(ty.kind);
                    match types.get_mut(ty.name.node.as_str()) {
                        Some(known) => known.merge(def),
                        None => {
                            types.insert(ty.name.node.to_string(), def);
                        }
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        for (root, name) in roots.iter_mut().zip(["Query", "Mutation", "Subscription"]) {
            if root.is_none() && types.contains_key(name) {
                *root = Some(name.to_owned());
            }
        }
        Ok(Self { types, roots })
    }

    /// The type named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Def> {
        self.types.get(name)
    }

    /// The field `name` of the object or interface `parent`.
    pub(crate) fn field(&self, parent: &str, name: &str) -> Option<&Field> {
        match self.get(parent)? {
            Def::Composite { fields, .. } => fields.get(name),
            _ => None,
        }
    }

    /// The name of the root type for operations of type `ty`.
    pub(crate) fn root(&self, ty: OperationType) -> Option<&str> {
        let index = match ty {
            OperationType::Query => 0,
            OperationType::Mutation => 1,
            OperationType::Subscription => 2,
        };
        self.roots[index].as_deref()
    }

    /// The object types a value of type `name` can be: itself for an object, its
    /// implementations for an interface, its members for a union.
    pub(crate) fn possible(&self, name: &str) -> BTreeSet<&str> {
        match self.types.get_key_value(name) {
            Some((
                name,
                Def::Composite {
                    interface: false, ..
                },
            )) => BTreeSet::from([name.as_str()]),
            Some((
                _,
                Def::Composite {
                    interface: true, ..
                },
            )) => self
                .types
                .iter()
                .filter(|(_, def)| {
                    matches!(def, Def::Composite { implements, interface: false, .. }
                        if implements.iter().any(|i| i == name))
                })
                .map(|(object, _)| object.as_str())
                .collect(),
            Some((_, Def::Union(members))) => members.iter().map(String::as_str).collect(),
            _ => BTreeSet::new(),
        }
    }
}

impl Def {
    fn new(kind: TypeKind) -> Self {
        match kind {
            TypeKind::Scalar => Self::Scalar,
            TypeKind::Object(object) => Self::Composite {
                fields: fields(object.fields),
                implements: names(object.implements),
                interface: false,
            },
            TypeKind::Interface(interface) => Self::Composite {
                fields: fields(interface.fields),
                implements: names(interface.implements),
                interface: true,
            },
            TypeKind::Union(union) => Self::Union(names(union.members)),
            TypeKind::Enum(e) => Self::Enum(
                e.values
                    .into_iter()
                    .map(|v| v.node.value.node.to_string())
                    .collect(),
            ),
            TypeKind::InputObject(input) => Self::Input(inputs(input.fields)),
        }
    }

    /// Adds an extension's fields, members or values.
    fn merge(&mut self, extension: Self) {
        match (self, extension) {
            (
                Self::Composite {
                    fields, implements, ..
                },
                Self::Composite {
                    fields: more,
                    implements: also,
                    ..
                },
            ) => {
                fields.extend(more);
                implements.extend(also);
            }
            (Self::Union(members), Self::Union(more)) => members.extend(more),
            (Self::Enum(values), Self::Enum(more)) => values.extend(more),
            (Self::Input(fields), Self::Input(more)) => fields.extend(more),
            _ => {}
        }
    }

    /// Whether values of this type are leaves: scalars and enums.
    pub(crate) fn leaf(&self) -> bool {
        matches!(self, Self::Scalar | Self::Enum(_))
    }

    /// Whether variables may have this type: scalars, enums and input objects.
    pub(crate) fn input(&self) -> bool {
        matches!(self, Self::Scalar | Self::Enum(_) | Self::Input(_))
    }
}

fn names<T: ToString>(names: Vec<Positioned<T>>) -> Vec<String> {
    names.into_iter().map(|n| n.node.to_string()).collect()
}

fn fields(defs: Vec<Positioned<FieldDefinition>>) -> BTreeMap<String, Field> {
    defs.into_iter()
        .map(|f| {
            let f = f.node;
            let field = Field {
                ty: f.ty.node,
                args: inputs(f.arguments),
            };
            (f.name.node.to_string(), field)
        })
        .collect()
}

fn inputs(defs: Vec<Positioned<InputValueDefinition>>) -> BTreeMap<String, Input> {
    defs.into_iter()
        .map(|i| {
            let i = i.node;
            let input = Input {
                ty: i.ty.node,
                defaulted: i.default_value.is_some(),
            };
            (i.name.node.to_string(), input)
        })
        .collect()
}

/// The named type under `ty`'s list and non-null wrappers.
pub(crate) fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_merge_and_roots_default_to_their_names() {
        let schema = Schema::parse(
            "type Query { node(id: ID!, first: Int = 50): Node }
             interface Node { id: ID! }
             type Issue implements Node { id: ID! }
             type Team implements Node { id: ID! }
             union Entity = Issue
             extend union Entity = Team
             enum Priority { low }
             extend enum Priority { high }
             extend type Issue { title: String! }",
        )
        .unwrap();
        assert_eq!(schema.root(OperationType::Query), Some("Query"));
        assert_eq!(schema.root(OperationType::Mutation), None);
        let node = schema.field("Query", "node").unwrap();
        assert!(node.args["id"].required() && !node.args["first"].required());
        assert_eq!(
            schema.field("Issue", "title").unwrap().ty.to_string(),
            "String!"
        );
        assert_eq!(schema.possible("Node"), BTreeSet::from(["Issue", "Team"]));
        assert_eq!(schema.possible("Entity"), BTreeSet::from(["Issue", "Team"]));
        assert!(matches!(schema.get("Priority"), Some(Def::Enum(v)) if v.len() == 2));
        assert!(schema.get("String").is_some_and(Def::leaf));
    }
}
