//! Root lists answered straight from the documents Postgres rendered. async-graphql resolves
//! a page of 50 issues with @linear/sdk's selection (about 90 fields each) through some 4,500
//! resolver calls, each with its own boxed future and copied value. Every one of those fields
//! is a plain read of the issue's JSON, so a query made only of such reads under one root
//! list (`issues`, `users`, `teams`, …) is worked out once per document as a [`Plan`]; each
//! request then runs the list's one statement and writes the selected fields of each row's
//! JSON text, in the selection's order, into the response.
//!
//! The plan covers what a read from the parent's JSON answers: scalars and enums (copied as
//! Postgres rendered them), embedded objects and lists, related objects of which only `id`
//! and `__typename` are selected, `__typename`, and the connection's `nodes`, `edges` and
//! `pageInfo`. A document with anything else (a field with its own resolver, a related
//! object selected beyond its id, a directive) gets no plan; a request whose data a plan
//! cannot write as async-graphql would (a null in a non-null field, a union's value, an
//! error from the list) is left to async-graphql, which answers it as it always does.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType,
    Selection, SelectionSet, Type, TypeKind,
};
use async_graphql::{Name, Value, Variables};

use crate::args::Args;
use crate::filter::Kind;
use crate::{Shared, Viewer, entity, queries, resolvers};

mod write;

/// What a plan needs to know of the schema: each named type's kind and each object type's
/// fields, from the SDL (and GraphQL's built-in scalars).
#[derive(Debug)]
pub(crate) struct Types(HashMap<String, Named>);

/// A named type, as far as writing its values goes.
#[derive(Debug)]
enum Named {
    /// An object type: its fields and the interfaces it implements.
    Object {
        fields: HashMap<String, FieldType>,
        implements: HashSet<String>,
    },
    /// A union or interface: which object a value is shows only at run time.
    Abstract,
    /// A scalar or enum: its value is written as it is.
    Leaf,
    /// An input object (never an output).
    Input,
}

/// A field of an object type.
#[derive(Debug)]
struct FieldType {
    ty: Type,
    /// It has its own resolver ([`resolvers::custom`]) rather than reading its parent's JSON.
    custom: bool,
    /// Its arguments' default values.
    defaults: Vec<(Name, Value)>,
}

impl Types {
    /// The types of [`crate::sdl::SDL`].
    ///
    /// # Errors
    ///
    /// The parser's message when the SDL does not parse (a build defect the tests catch).
    pub(crate) fn new() -> Result<Self, String> {
        let mut types: HashMap<String, Named> = ["Int", "Float", "String", "Boolean", "ID"]
            .into_iter()
            .map(|scalar| (scalar.to_owned(), Named::Leaf))
            .collect();
        for (name, definition) in crate::sdl::types()? {
            let named = match definition.kind {
                TypeKind::Object(object) => Named::Object {
                    fields: object
                        .fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let defaults = field
                                .arguments
                                .into_iter()
                                .filter_map(|argument| {
                                    let argument = argument.node;
                                    Some((argument.name.node, argument.default_value?.node))
                                })
                                .collect();
                            let key = field.name.node.to_string();
                            let custom = resolvers::custom(&name, &key).is_some();
                            let ty = field.ty.node;
                            (
                                key,
                                FieldType {
                                    ty,
                                    custom,
                                    defaults,
                                },
                            )
                        })
                        .collect(),
                    implements: object
                        .implements
                        .into_iter()
                        .map(|interface| interface.node.to_string())
                        .collect(),
                },
                TypeKind::Interface(_) | TypeKind::Union(_) => Named::Abstract,
                TypeKind::Scalar | TypeKind::Enum(_) => Named::Leaf,
                TypeKind::InputObject(_) => Named::Input,
            };
            types.insert(name, named);
        }
        Ok(Self(types))
    }

    fn field(&self, object: &str, field: &str) -> Option<&FieldType> {
        match self.0.get(object)? {
            Named::Object { fields, .. } => fields.get(field),
            _ => None,
        }
    }

    /// Whether a fragment on `condition` applies to object type `object`.
    fn applies(&self, condition: &str, object: &str) -> bool {
        condition == object
            || matches!(self.0.get(object), Some(Named::Object { implements, .. })
                if implements.contains(condition))
    }
}

/// How to write one query's data: the root list it reads and what to write of its page.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The root field's response key, as a JSON key (`"issues":`).
    key: String,
    /// The entity listed and its filter input.
    entity: &'static str,
    kind: Option<Kind>,
    /// The root field as written in the document, for its arguments (variables unresolved).
    field: Field,
    /// The root field's argument defaults, from the SDL.
    defaults: Vec<(Name, Value)>,
    /// The operation's variables, with the value each takes when the request has none.
    variables: Vec<(Name, Option<Value>)>,
    /// The selected fields of the connection.
    connection: Fields<Part>,
    /// How many object fields the plan reads ([`Read::Field`]'s `slot`s).
    slots: usize,
    /// The rows' members that are the viewer's own (`favorite`) are read: only then does the
    /// statement look up the viewer's favorites ([`entity::unviewed`]).
    viewed: bool,
}

/// Selected fields in the selection's order, each under its JSON key (`"title":`).
type Fields<T> = Vec<(String, T)>;

/// A selected field of a connection object.
#[derive(Debug)]
enum Part {
    /// `__typename`, as a JSON string.
    Typename(String),
    /// `nodes`: each row's document.
    Nodes(Fields<Read>),
    /// `edges`: per row, its selected fields.
    Edges(Fields<EdgePart>),
    /// `pageInfo`: its selected fields.
    PageInfo(Fields<PagePart>),
}

/// A selected field of an edge.
#[derive(Debug)]
enum EdgePart {
    Typename(String),
    Node(Fields<Read>),
    Cursor,
}

/// A selected field of `pageInfo`.
#[derive(Debug)]
enum PagePart {
    Typename(String),
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
}

/// A selected field of an object read from its JSON.
#[derive(Debug)]
enum Read {
    /// `__typename`, as a JSON string.
    Typename(String),
    /// The JSON member `name`, written as `shape` says. `slot` numbers the reads of a plan,
    /// so a request can remember where in a row each member was found.
    Field {
        name: String,
        shape: Shape,
        slot: usize,
    },
}

/// A field's type, as far as writing its value goes.
#[derive(Debug)]
enum Shape {
    NonNull(Box<Shape>),
    List(Box<Shape>),
    Leaf,
    Object(Fields<Read>),
    Abstract,
}

/// A field a selection set selects (its first occurrence), with every selection set its
/// response key gathers.
struct Collected<'d> {
    key: &'d str,
    name: &'d str,
    field: &'d Field,
    sets: Vec<&'d SelectionSet>,
}

/// Builds a [`Plan`]: the document and the schema, and how many reads so far.
struct Planner<'d> {
    types: &'d Types,
    document: &'d ExecutableDocument,
    slots: usize,
    /// Selections left to visit: a plan is made before validation, so a document whose
    /// fragments spread each other many times over must not make it visit them all.
    budget: Cell<usize>,
    /// How many objects deep the plan is. A fragment that spreads itself inside a field
    /// (`fragment A on Issue { parent { ...A } }`) nests without end; validation refuses it,
    /// but the plan is made first, so it stops at [`MAX_NESTING`].
    depth: usize,
}

/// Deepest a plan goes: async-graphql's own recursion limit, past the depth validation
/// allows (`schema.rs`), so no query that validates is refused a plan by it.
const MAX_NESTING: usize = 32;

/// Most selections a plan visits (as many as a query may select fields).
const MAX_VISITS: usize = 10_000;

impl Plan {
    /// The plan of `document`'s operation `operation` (picked as async-graphql picks it), or
    /// `None` when the query is not a projection of one root list.
    pub(crate) fn new(
        types: &Types,
        document: &ExecutableDocument,
        operation: Option<&str>,
    ) -> Option<Self> {
        let operation = &operation_of(document, operation)?.node;
        if operation.ty != OperationType::Query || !operation.directives.is_empty() {
            return None;
        }
        let mut planner = Planner {
            types,
            document,
            slots: 0,
            budget: Cell::new(MAX_VISITS),
            depth: 0,
        };
        let [root] = &planner.collect("Query", &[&operation.selection_set.node])?[..] else {
            return None;
        };
        let (entity, kind) = queries::root_list(root.name)?;
        let field = types.field("Query", root.name)?;
        let connection = planner.connection(base_name(&field.ty), &root.sets)?;
        let viewed = reads_viewers_own(&connection);
        Some(Self {
            key: json_key(root.key),
            entity,
            kind,
            field: root.field.clone(),
            defaults: field.defaults.clone(),
            variables: operation
                .variable_definitions
                .iter()
                .map(|variable| {
                    let variable = &variable.node;
                    (
                        variable.name.node.clone(),
                        variable.default_value().cloned(),
                    )
                })
                .collect(),
            connection,
            slots: planner.slots,
            viewed,
        })
    }

    /// The root field's arguments under `variables`, as async-graphql would hand them to
    /// its resolver: variables resolved (a missing one takes its default), then the SDL's
    /// defaults for arguments not given.
    pub(crate) fn arguments(&self, variables: &Variables) -> IndexMap<Name, Value> {
        let variable = |name: Name| {
            let value = variables.get(&name).cloned().or_else(|| {
                self.variables
                    .iter()
                    .find(|(declared, _)| *declared == name)
                    .and_then(|(_, default)| default.clone())
            });
            Ok::<_, std::convert::Infallible>(value.unwrap_or(Value::Null))
        };
        let mut arguments: IndexMap<Name, Value> = self
            .field
            .arguments
            .iter()
            .map(|(name, value)| {
                let value = value.node.clone().into_const_with(variable);
                (name.node.clone(), value.unwrap_or_default())
            })
            .collect();
        for (name, default) in &self.defaults {
            if !arguments.contains_key(name) {
                arguments.insert(name.clone(), default.clone());
            }
        }
        arguments
    }

    /// The response body (`{"data": …}`) for the root field's `arguments`
    /// ([`Self::arguments`]), or `None` when async-graphql should answer instead: the list
    /// failed (its error is async-graphql's to report) or a row holds what the plan does not
    /// write.
    pub(crate) async fn answer(
        &self,
        shared: &Shared,
        viewer: &Viewer,
        arguments: &IndexMap<Name, Value>,
    ) -> Option<Vec<u8>> {
        let page = queries::page(
            shared,
            viewer,
            Args(arguments),
            self.entity,
            self.kind,
            None,
            self.viewed,
        )
        .await
        .ok()?;
        let documents: Vec<&str> = page.documents().collect();
        self.write(&documents, page.has_next, page.has_previous)
    }
}

/// Whether the rows' reads under `nodes` or `edges { node }` take a member that is the
/// viewer's own (`favorite`: [`entity::unviewed`] leaves it out).
fn reads_viewers_own(connection: &Fields<Part>) -> bool {
    let own = |reads: &Fields<Read>| {
        reads
            .iter()
            .any(|(_, read)| matches!(read, Read::Field { name, .. } if name == "favorite"))
    };
    connection.iter().any(|(_, part)| match part {
        Part::Nodes(reads) => own(reads),
        Part::Edges(edge) => edge.iter().any(|(_, part)| match part {
            EdgePart::Node(reads) => own(reads),
            _ => false,
        }),
        _ => false,
    })
}

/// The operation async-graphql executes for `name` (`Unknown operation` and the like are its
/// errors to report: no operation then).
pub(crate) fn operation_of<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d Positioned<OperationDefinition>> {
    match (&document.operations, name) {
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Single(operation), None) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

impl<'d> Planner<'d> {
    /// The fields `sets` select on object type `object`, merged by response key in the
    /// order first seen (GraphQL's CollectFields); `None` on a directive or an unknown or
    /// cyclic fragment.
    fn collect(&self, object: &str, sets: &[&'d SelectionSet]) -> Option<Vec<Collected<'d>>> {
        let mut fields: Vec<Collected<'d>> = Vec::new();
        let mut fragments = Vec::new();
        for set in sets {
            self.gather(object, set, &mut fields, &mut fragments)?;
        }
        Some(fields)
    }

    fn gather(
        &self,
        object: &str,
        set: &'d SelectionSet,
        fields: &mut Vec<Collected<'d>>,
        fragments: &mut Vec<&'d str>,
    ) -> Option<()> {
        for item in &set.items {
            self.budget.set(self.budget.get().checked_sub(1)?);
            let (condition, inner) = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if !field.directives.is_empty() {
                        return None;
                    }
                    let key = field.response_key().node.as_str();
                    match fields.iter_mut().find(|seen| seen.key == key) {
                        Some(seen) => seen.sets.push(&field.selection_set.node),
                        None => fields.push(Collected {
                            key,
                            name: field.name.node.as_str(),
                            field,
                            sets: vec![&field.selection_set.node],
                        }),
                    }
                    continue;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let fragment = &self.document.fragments.get(name)?.node;
                    if !spread.node.directives.is_empty()
                        || !fragment.directives.is_empty()
                        || fragments.contains(&name)
                    {
                        return None;
                    }
                    fragments.push(name);
                    let condition = fragment.type_condition.node.on.node.as_str();
                    if self.types.applies(condition, object) {
                        self.gather(object, &fragment.selection_set.node, fields, fragments)?;
                    }
                    fragments.pop();
                    continue;
                }
                Selection::InlineFragment(fragment) => {
                    if !fragment.node.directives.is_empty() {
                        return None;
                    }
                    let condition = fragment.node.type_condition.as_ref();
                    (
                        condition.map(|c| c.node.on.node.as_str()),
                        &fragment.node.selection_set.node,
                    )
                }
            };
            if condition.is_none_or(|condition| self.types.applies(condition, object)) {
                self.gather(object, inner, fields, fragments)?;
            }
        }
        Some(())
    }

    /// The fields `sets` select on type `ty`, each as `read` makes it of the collected field
    /// (`None`: no plan).
    fn fields<T>(
        &mut self,
        ty: &str,
        sets: &[&'d SelectionSet],
        mut read: impl FnMut(&mut Self, &Collected<'d>) -> Option<T>,
    ) -> Option<Fields<T>> {
        self.collect(ty, sets)?
            .iter()
            .map(|field| Some((json_key(field.key), read(self, field)?)))
            .collect()
    }

    /// The selected fields of connection type `connection`.
    fn connection(&mut self, connection: &str, sets: &[&'d SelectionSet]) -> Option<Fields<Part>> {
        let types = self.types;
        let inner = |field: &str| Some(base_name(&types.field(connection, field)?.ty));
        self.fields(connection, sets, |planner, field| {
            Some(match field.name {
                "__typename" => Part::Typename(json_string(connection)),
                "nodes" => Part::Nodes(planner.object(inner("nodes")?, &field.sets)?),
                "edges" => {
                    let edge = inner("edges")?;
                    let node = base_name(&types.field(edge, "node")?.ty);
                    Part::Edges(planner.fields(edge, &field.sets, |planner, part| {
                        Some(match part.name {
                            "__typename" => EdgePart::Typename(json_string(edge)),
                            "cursor" => EdgePart::Cursor,
                            "node" => EdgePart::Node(planner.object(node, &part.sets)?),
                            _ => return None,
                        })
                    })?)
                }
                "pageInfo" => {
                    let info = inner("pageInfo")?;
                    Part::PageInfo(planner.fields(info, &field.sets, |_, part| {
                        Some(match part.name {
                            "__typename" => PagePart::Typename(json_string(info)),
                            "hasNextPage" => PagePart::HasNextPage,
                            "hasPreviousPage" => PagePart::HasPreviousPage,
                            "startCursor" => PagePart::StartCursor,
                            "endCursor" => PagePart::EndCursor,
                            _ => return None,
                        })
                    })?)
                }
                _ => return None,
            })
        })
    }

    /// The reads of object type `object` for what `sets` select.
    fn object(&mut self, object: &str, sets: &[&'d SelectionSet]) -> Option<Fields<Read>> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let reads = self.object_reads(object, sets);
        self.depth -= 1;
        reads
    }

    /// [`Self::object`] one level down.
    fn object_reads(&mut self, object: &str, sets: &[&'d SelectionSet]) -> Option<Fields<Read>> {
        let types = self.types;
        self.fields(object, sets, |planner, field| {
            if field.name == "__typename" {
                return Some(Read::Typename(json_string(object)));
            }
            let definition = types.field(object, field.name)?;
            if definition.custom {
                return None;
            }
            let shape = planner.shape(&definition.ty, &field.sets, true)?;
            planner.slots += 1;
            Some(Read::Field {
                name: field.name.to_owned(),
                shape,
                slot: planner.slots - 1,
            })
        })
    }

    /// How to write a value of type `ty` selected by `sets`. `own`: `ty` is the field's own
    /// type rather than a list's item type; such an object, when it is a stored entity, is
    /// only a reference (`{"id"}`) in its parent's JSON, which the schema loads when more
    /// than its id is selected, so the plan refuses that.
    fn shape(&mut self, ty: &Type, sets: &[&'d SelectionSet], own: bool) -> Option<Shape> {
        let shape = match &ty.base {
            BaseType::List(item) => Shape::List(Box::new(self.shape(item, sets, false)?)),
            BaseType::Named(name) => match self.types.0.get(name.as_str())? {
                Named::Leaf => Shape::Leaf,
                Named::Abstract => Shape::Abstract,
                Named::Input => return None,
                Named::Object { .. } => {
                    let reads = self.object(name, sets)?;
                    let beyond_id = reads
                        .iter()
                        .any(|(_, read)| matches!(read, Read::Field { name, .. } if name != "id"));
                    if own && beyond_id && entity::is_entity(name) {
                        return None;
                    }
                    Shape::Object(reads)
                }
            },
        };
        Some(if ty.nullable {
            shape
        } else {
            Shape::NonNull(Box::new(shape))
        })
    }
}

/// The named type under any list and non-null wrappers.
pub(crate) fn base_name(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => base_name(item),
    }
}

/// `name` as a JSON object key with its colon: `"name":`.
fn json_key(name: &str) -> String {
    format!("{}:", json_string(name))
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;

    fn plan(query: &str) -> Option<Plan> {
        let document = parse_query(query).unwrap();
        Plan::new(&Types::new().unwrap(), &document, None)
    }

    /// A document whose fragment `F0` spreads `F1` twice, which spreads `F2` twice, … `n`
    /// deep: 2^n selections of `id` in all.
    fn spreads_doubling(n: usize) -> String {
        let mut document = "{ issues { nodes { ...F0 } } }".to_owned();
        for i in 0..n {
            let next = i + 1;
            document.push_str(&format!(
                " fragment F{i} on Issue {{ ...F{next} ...F{next} }}"
            ));
        }
        document.push_str(&format!(" fragment F{n} on Issue {{ id }}"));
        document
    }

    #[test]
    fn only_reads_of_the_parents_json_under_one_root_list_are_planned() {
        for (query, planned) in [
            ("{ issues { nodes { id title } } }", true),
            (
                "{ users { nodes { id name } pageInfo { hasNextPage } } }",
                true,
            ),
            ("{ issues { nodes { team { id __typename } } } }", true),
            (
                "{ issues { nodes { sharedAccess { sharedWithUsers { name } } } } }",
                true,
            ),
            (
                "query Q { issues { ...C } } fragment C on IssueConnection { nodes { id } }",
                true,
            ),
            ("{ issues { nodes { labels { nodes { id } } } } }", false),
            ("{ issues { nodes { team { name } } } }", false),
            ("{ issues { nodes { id @include(if: true) } } }", false),
            ("{ issues { nodes { id } } teams { nodes { id } } }", false),
            ("{ issue(id: \"ENG-1\") { id } }", false),
            ("{ searchIssues(term: \"a\") { nodes { id } } }", false),
            ("mutation { issueArchive(id: \"x\") { success } }", false),
            (
                "{ issues { ...A } } fragment A on IssueConnection { ...A }",
                false,
            ),
            (
                "{ issues { nodes { ...A } } } fragment A on Issue { parent { ...A } }",
                false,
            ),
            (&spreads_doubling(20), false),
            (&spreads_doubling(3), true),
            ("{ issues { ...Missing } }", false),
        ] {
            assert_eq!(plan(query).is_some(), planned, "{query}");
        }
    }

    /// @linear/sdk's `issues` document (bench.sh's list) selects `favorite { id }`: it is
    /// read from the row's JSON, so the document still runs as the projection's one
    /// statement.
    #[test]
    fn the_sdks_issues_document_is_planned() {
        let document = include_str!("../tests/sdk/issues.graphql");
        assert!(document.contains("favorite {"), "{document}");
        assert!(plan(document).is_some_and(|plan| plan.viewed), "{document}");
    }

    /// Only a selection reading `favorite` (under `nodes` or `edges { node }`) has the
    /// statement look up the viewer's favorites.
    #[test]
    fn only_a_selection_of_favorite_looks_the_favorites_up() {
        for (query, viewed) in [
            ("{ issues { nodes { id title } } }", false),
            ("{ issues { nodes { id favorite { id } } } }", true),
            ("{ projects { edges { node { favorite { id } } } } }", true),
            (
                "{ projects { edges { cursor node { id } } pageInfo { hasNextPage } } }",
                false,
            ),
            (
                "query { issues { ...F } } fragment F on IssueConnection { nodes { favorite { id } } }",
                true,
            ),
        ] {
            assert_eq!(plan(query).map(|plan| plan.viewed), Some(viewed), "{query}");
        }
    }

    #[test]
    fn an_operation_is_picked_as_async_graphql_picks_it() {
        let types = Types::new().unwrap();
        let single = parse_query("{ issues { nodes { id } } }").unwrap();
        assert!(Plan::new(&types, &single, None).is_some());
        assert!(Plan::new(&types, &single, Some("Q")).is_none());
        let named =
            parse_query("query A { issues { nodes { id } } } query B { issue(id: \"x\") { id } }")
                .unwrap();
        assert!(Plan::new(&types, &named, Some("A")).is_some());
        assert!(Plan::new(&types, &named, Some("B")).is_none());
        assert!(Plan::new(&types, &named, None).is_none());
    }

    #[test]
    fn arguments_resolve_variables_and_their_defaults() {
        let plan = plan(
            "query($first: Int, $after: String = \"abc\", $filter: IssueFilter) {
                issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
                    nodes { id } } }",
        )
        .unwrap();
        let variables = Variables::from_json(json!({ "first": 5 }));
        let arguments = Value::Object(plan.arguments(&variables));
        assert_eq!(
            arguments.into_json().unwrap(),
            json!({ "first": 5, "after": "abc", "filter": null, "orderBy": "updatedAt" })
        );
    }
}
