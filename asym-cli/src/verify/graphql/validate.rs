//! Whether each operation of the documents (with the fragments it spreads) validates against
//! the clone's schema, by the rules whose outcome depends on the schema: fields exist on their
//! type, arguments exist and the required ones are given, leaves have no selection and the
//! rest have one, fragments' type conditions exist and can apply where they are spread,
//! variables have input types that fit where they are used. Rules that hold whatever the
//! schema (unused variables, unique names) are the product's concern; literal argument values
//! are not checked (the SDK's documents pass every value in a variable).

use std::collections::{BTreeSet, HashMap};

use async_graphql_parser::types::{
    BaseType, ExecutableDocument, FragmentDefinition, SelectionSet, Type, VariableDefinition,
};
use async_graphql_value::{ConstValue, Value};
use serde::Serialize;

use super::sdl::{self, Def, Schema};
use super::walk::{self, Event};

/// One operation and why the clone's schema rejects it.
#[derive(Debug, Serialize)]
pub(crate) struct Operation {
    /// `query Issue`, `mutation IssueCreate`.
    pub(crate) name: String,
    /// Empty when it validates.
    pub(crate) errors: Vec<String>,
}

/// Every operation of `documents`, sorted by name, validated against `clone`; a fragment any
/// document defines may be spread by any other.
pub(crate) fn validate(clone: &Schema, documents: &[ExecutableDocument]) -> Vec<Operation> {
    let fragments = walk::fragments(documents);
    let mut out: Vec<Operation> = documents
        .iter()
        .flat_map(|d| d.operations.iter())
        .map(|(name, operation)| {
            let operation = &operation.node;
            let name = format!(
                "{} {}",
                operation.ty,
                name.map_or("(anonymous)", |n| n.as_str())
            );
            let errors = match clone.root(operation.ty) {
                None => vec![format!("the schema has no {} type", operation.ty)],
                Some(root) => {
                    let mut check = Check::new(clone, &fragments);
                    check.selections(&operation.selection_set.node, root);
                    check.variables(operation.variable_definitions.iter().map(|v| &v.node));
                    check.errors
                }
            };
            Operation { name, errors }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// One operation's validation: its errors and where its variables are used.
struct Check<'a> {
    clone: &'a Schema,
    fragments: &'a HashMap<&'a str, &'a FragmentDefinition>,
    errors: Vec<String>,
    /// Each variable used: its name, the type where it is used, whether that place has a
    /// default.
    usages: Vec<(&'a str, &'a Type, bool)>,
}

impl<'a> Check<'a> {
    fn new(clone: &'a Schema, fragments: &'a HashMap<&'a str, &'a FragmentDefinition>) -> Self {
        Self {
            clone,
            fragments,
            errors: Vec::new(),
            usages: Vec::new(),
        }
    }

    /// Walks `set` on `root` and every fragment it spreads (each once).
    fn selections(&mut self, set: &'a SelectionSet, root: &'a str) {
        let mut todo = vec![(set, root)];
        let mut entered = BTreeSet::new();
        while let Some((set, parent)) = todo.pop() {
            let mut spread = Vec::new();
            walk::selections(self.clone, set, parent, &mut |event| match event {
                Event::Field { parent, field, def } => {
                    let name = field.name.node.as_str();
                    let Some(def) = def else {
                        self.errors.push(format!("{parent} has no field {name}"));
                        return;
                    };
                    for (arg, value) in &field.arguments {
                        match def.args.get(arg.node.as_str()) {
                            Some(input) => self.used(&value.node, &input.ty, input.defaulted),
                            None => self
                                .errors
                                .push(format!("{parent}.{name} has no argument {}", arg.node)),
                        }
                    }
                    for (arg, input) in &def.args {
                        if input.required() && field.get_argument(arg).is_none() {
                            self.errors.push(format!(
                                "{parent}.{name} requires argument {arg}: {}",
                                input.ty
                            ));
                        }
                    }
                    let selects = !field.selection_set.node.items.is_empty();
                    let ty = sdl::named(&def.ty);
                    match self.clone.get(ty).map(Def::leaf) {
                        None => self
                            .errors
                            .push(format!("{parent}.{name} has unknown type {ty}")),
                        Some(true) if selects => self
                            .errors
                            .push(format!("{parent}.{name} is a {ty}: it takes no selection")),
                        Some(false) if !selects => self
                            .errors
                            .push(format!("{parent}.{name} is a {ty}: it needs a selection")),
                        Some(_) => {}
                    }
                }
                Event::Spread { parent, name } => match self.fragments.get(name) {
                    None => self.errors.push(format!("no fragment named {name}")),
                    Some(fragment) => {
                        let on = fragment.type_condition.node.on.node.as_str();
                        if self.applies(parent, on) && entered.insert(name) {
                            spread.push((&fragment.selection_set.node, on));
                        }
                    }
                },
                Event::Condition { parent, on } => {
                    self.applies(parent, on);
                }
            });
            todo.extend(spread);
        }
    }

    /// Whether a fragment on `on` can apply inside `parent` (recording why not).
    fn applies(&mut self, parent: &str, on: &str) -> bool {
        let error = match self.clone.get(on) {
            None => format!("fragment on unknown type {on}"),
            Some(def) if def.input() => format!("fragment on {on}, which is not an output object"),
            // A type always overlaps itself, even an interface none of whose object types
            // the clone has (graphql-js's `doTypesOverlap`).
            Some(_)
                if on != parent
                    && self
                        .clone
                        .possible(on)
                        .is_disjoint(&self.clone.possible(parent)) =>
            {
                format!("fragment on {on} cannot apply within {parent}")
            }
            Some(_) => return true,
        };
        self.errors.push(error);
        false
    }

    /// Records the variables in `value`, passed where `ty` (with a default or not) is taken.
    fn used(&mut self, value: &'a Value, ty: &'a Type, defaulted: bool) {
        match value {
            Value::Variable(name) => self.usages.push((name.as_str(), ty, defaulted)),
            Value::List(items) => {
                let item = match &ty.base {
                    BaseType::List(item) => item,
                    BaseType::Named(_) => ty,
                };
                for value in items {
                    self.used(value, item, false);
                }
            }
            Value::Object(fields) => {
                if let Some(Def::Input(inputs)) = self.clone.get(sdl::named(ty)) {
                    for (name, value) in fields {
                        if let Some(input) = inputs.get(name.as_str()) {
                            self.used(value, &input.ty, input.defaulted);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Checks the operation's variables: input types the clone has, fitting every place
    /// they are used.
    fn variables(&mut self, definitions: impl Iterator<Item = &'a VariableDefinition>) {
        let mut types = HashMap::new();
        for variable in definitions {
            let (name, ty) = (variable.name.node.as_str(), &variable.var_type.node);
            let named = sdl::named(ty);
            match self.clone.get(named) {
                Some(def) if def.input() => {}
                Some(_) => self
                    .errors
                    .push(format!("${name}: {named} is not an input type")),
                None => self.errors.push(format!("${name}: unknown type {named}")),
            }
            let defaulted = variable
                .default_value
                .as_ref()
                .is_some_and(|v| !matches!(v.node, ConstValue::Null));
            types.insert(name, (ty, defaulted));
        }
        for (name, place, place_defaulted) in std::mem::take(&mut self.usages) {
            if let Some((ty, defaulted)) = types.get(name)
                && !fits(ty, place, *defaulted || place_defaulted)
            {
                self.errors.push(format!(
                    "${name}: {ty} cannot be passed where {place} is taken"
                ));
            }
        }
    }
}

/// Whether a variable of type `var` may be used where `place` is taken (GraphQL's "variable
/// usage allowed"): a nullable variable goes to a non-null place only with a default.
fn fits(var: &Type, place: &Type, defaulted: bool) -> bool {
    if !place.nullable && var.nullable && !defaulted {
        return false;
    }
    match (&var.base, &place.base) {
        (BaseType::Named(a), BaseType::Named(b)) => a == b,
        (BaseType::List(a), BaseType::List(b)) => fits(a, b, false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use async_graphql_parser::parse_query;

    use super::*;

    #[test]
    fn each_schema_dependent_rule_rejects_its_operation() {
        let clone = Schema::parse(
            "type Query { issue(id: String!): Issue teams(first: Int!): [Team!]! alert: Alert }
             type Issue { id: ID! team: Team }
             type Team { id: ID! }
             interface Alert { id: ID! }",
        )
        .unwrap();
        let documents = parse_query(
            r#"
            query a { issue { id } }
            query b($first: Int) { teams(first: $first) { id } }
            query c { issue(id: "1") { id { x } } }
            query d { issue(id: "1") { team } }
            query e { issue(id: "1") { ...T } }
            query f($id: String!, $first: Int = 5) {
                issue(id: $id) { ...I }
                teams(first: $first) { id }
            }
            query g($id: Issue) { issue(id: "1") { id title ...Nope ... on Label { id } } }
            mutation h { issue }
            query i { alert { ...A } }
            fragment A on Alert { id }
            fragment T on Team { id }
            fragment I on Issue { __typename id team { id } }"#,
        )
        .unwrap();
        let errors: Vec<(String, Vec<String>)> = validate(&clone, &[documents])
            .into_iter()
            .map(|o| (o.name, o.errors))
            .collect();
        let expected: Vec<(&str, Vec<&str>)> = vec![
            ("mutation h", vec!["the schema has no mutation type"]),
            ("query a", vec!["Query.issue requires argument id: String!"]),
            (
                "query b",
                vec!["$first: Int cannot be passed where Int! is taken"],
            ),
            ("query c", vec!["Issue.id is a ID: it takes no selection"]),
            (
                "query d",
                vec!["Issue.team is a Team: it needs a selection"],
            ),
            (
                "query e",
                vec!["fragment on Team cannot apply within Issue"],
            ),
            ("query f", vec![]),
            (
                "query g",
                vec![
                    "Issue has no field title",
                    "no fragment named Nope",
                    "fragment on unknown type Label",
                    "$id: Issue is not an input type",
                ],
            ),
            ("query i", vec![]),
        ];
        assert_eq!(
            errors,
            expected
                .into_iter()
                .map(|(n, e)| (n.to_owned(), e.into_iter().map(str::to_owned).collect()))
                .collect::<Vec<_>>()
        );
    }
}
