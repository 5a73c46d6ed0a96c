//! Walking a selection set against a schema: each field with its definition (or none), each
//! fragment spread and each inline fragment's type condition, with the type it sits in.

use std::collections::HashMap;

use async_graphql_parser::types::{
    ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet,
};

use super::sdl::{self, Schema};

/// What a walk meets.
pub(crate) enum Event<'a> {
    /// A field selected on `parent`; `def` is none when `parent` has no such field.
    Field {
        parent: &'a str,
        field: &'a Field,
        def: Option<&'a sdl::Field>,
    },
    /// `...name` inside `parent` (the walk does not enter it).
    Spread { parent: &'a str, name: &'a str },
    /// `... on on { }` inside `parent` (the walk enters it when the schema has `on`).
    Condition { parent: &'a str, on: &'a str },
}

/// Calls `visit` for everything `set` selects on `parent`, depth first; introspection fields
/// (`__typename`, …) are left out.
pub(crate) fn selections<'a>(
    schema: &'a Schema,
    set: &'a SelectionSet,
    parent: &'a str,
    visit: &mut impl FnMut(Event<'a>),
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                if field.name.node.starts_with("__") {
                    continue;
                }
                let def = schema.field(parent, &field.name.node);
                visit(Event::Field { parent, field, def });
                if let Some(def) = def {
                    let ty = sdl::named(&def.ty);
                    if schema.get(ty).is_some_and(|t| !t.leaf()) {
                        selections(schema, &field.selection_set.node, ty, visit);
                    }
                }
            }
            Selection::FragmentSpread(spread) => visit(Event::Spread {
                parent,
                name: &spread.node.fragment_name.node,
            }),
            Selection::InlineFragment(inline) => {
                let inline = &inline.node;
                let on = match &inline.type_condition {
                    Some(condition) => {
                        let on = condition.node.on.node.as_str();
                        visit(Event::Condition { parent, on });
                        on
                    }
                    None => parent,
                };
                if schema.get(on).is_some() {
                    selections(schema, &inline.selection_set.node, on, visit);
                }
            }
        }
    }
}

/// The fragments `documents` define, by name: any document may spread any of them.
pub(crate) fn fragments(documents: &[ExecutableDocument]) -> HashMap<&str, &FragmentDefinition> {
    documents
        .iter()
        .flat_map(|d| d.fragments.iter())
        .map(|(name, f)| (name.as_str(), &f.node))
        .collect()
}
