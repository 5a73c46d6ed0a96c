//! The executable schema: Linear's own SDL (`schema.graphql`, the part of Linear's public
//! schema that @linear/sdk's documents select, see `sdk/schema/generate.sh`) turned into an
//! async-graphql dynamic schema. Names, types and nullability are therefore Linear's, by
//! construction. Every field resolves from its parent's JSON object by name (see
//! `migrations/0002_documents.sql`), loading a related object when more than its id is
//! selected; the fields in [`crate::resolvers`] (roots, connections, arguments) have their own.

use std::collections::{HashMap, HashSet};

use async_graphql::dynamic::{
    Enum, EnumItem, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface,
    InterfaceField, Object, ResolverContext, Scalar, Schema, SchemaError, TypeRef, Union,
};
use async_graphql::parser::types::{
    BaseType, ConstDirective, FieldDefinition, InputValueDefinition, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::parser::{Positioned, parse_schema};
use async_graphql::{Name, Value};

use crate::resolvers;
use crate::sdl::SDL;

/// Deepest selection a query may nest.
const MAX_DEPTH: usize = 15;
/// Most fields one query may select (async-graphql's count: one per field).
const MAX_COMPLEXITY: usize = 10_000;

/// Builds the schema from [`SDL`], with `data` available to every resolver.
///
/// # Errors
///
/// [`SchemaError`] when the SDL and the resolvers disagree (a bug, caught by the tests).
pub(crate) fn build(data: crate::Shared) -> Result<Schema, SchemaError> {
    let document = parse_schema(SDL).map_err(|err| SchemaError(err.to_string()))?;
    let objects = named_of(&document.definitions, |kind| {
        matches!(kind, TypeKind::Object(_))
    });
    let abstracts = named_of(&document.definitions, |kind| {
        matches!(kind, TypeKind::Interface(_) | TypeKind::Union(_))
    });
    let kinds = Kinds {
        objects: &objects,
        abstracts: &abstracts,
    };
    let interface_types = interface_types(&document.definitions);
    let mut builder = Schema::build("Query", Some("Mutation"), None)
        .data(data)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(crate::prepared::Hooks::new());
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = definition.node;
        let name = definition.name.node.to_string();
        let description = definition.description.map(|d| d.node);
        builder = match definition.kind {
            TypeKind::Scalar => builder.register(described(Scalar::new(name), description)),
            TypeKind::Enum(kind) => {
                let items = kind.values.into_iter().map(|value| {
                    let value = value.node;
                    let mut item = EnumItem::new(value.value.node.as_str());
                    if let Some(text) = value.description {
                        item = item.description(text.node);
                    }
                    deprecated(item, &value.directives)
                });
                builder.register(described(Enum::new(name).items(items), description))
            }
            TypeKind::InputObject(kind) => {
                let mut input = InputObject::new(name);
                for field in kind.fields {
                    input = input.field(input_value(field.node));
                }
                builder.register(described(input, description))
            }
            TypeKind::Union(kind) => {
                let mut union = Union::new(name);
                for member in kind.members {
                    union = union.possible_type(member.node.as_str());
                }
                builder.register(described(union, description))
            }
            TypeKind::Interface(kind) => {
                let mut interface = Interface::new(name);
                for field in kind.fields {
                    let field = field.node;
                    let mut member =
                        InterfaceField::new(field.name.node.as_str(), type_ref(&field.ty.node));
                    for argument in field.arguments {
                        member = member.argument(input_value(argument.node));
                    }
                    if let Some(text) = field.description {
                        member = member.description(text.node);
                    }
                    interface = interface.field(member);
                }
                builder.register(described(interface, description))
            }
            TypeKind::Object(kind) => {
                let mut object = Object::new(name.clone());
                for interface in &kind.implements {
                    object = object.implement(interface.node.as_str());
                }
                for field in kind.fields {
                    let mut field = field.node;
                    if let Some(ty) = kind.implements.iter().find_map(|interface| {
                        interface_types.get(&(interface.node.clone(), field.name.node.clone()))
                    }) && ty.nullable
                        && !field.ty.node.nullable
                    {
                        field.ty.node = ty.clone();
                    }
                    object = object.field(field_of(&name, field, kinds));
                }
                builder.register(described(object, description))
            }
        };
    }
    builder.finish()
}

/// Each interface field's type, by interface and field. An object's field that is non-null
/// where its interface's is nullable (`CustomViewNotificationSubscription.customView:
/// CustomView!` under `NotificationSubscription.customView: CustomView`), which GraphQL
/// allows, is registered with the interface's type: async-graphql 7.2.1 checks the subtype
/// relation the wrong way round and refuses it. `GET /graphql/schema` still serves Linear's
/// SDL; a document validates the same either way.
fn interface_types(definitions: &[TypeSystemDefinition]) -> HashMap<(Name, Name), Type> {
    let mut types = HashMap::new();
    for definition in definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        if let TypeKind::Interface(kind) = &ty.node.kind {
            for field in &kind.fields {
                let key = (ty.node.name.node.clone(), field.node.name.node.clone());
                types.insert(key, field.node.ty.node.clone());
            }
        }
    }
    types
}

/// The names of the SDL's types of the kinds `wanted` picks.
fn named_of(
    definitions: &[TypeSystemDefinition],
    wanted: impl Fn(&TypeKind) -> bool,
) -> HashSet<Name> {
    definitions
        .iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) if wanted(&ty.node.kind) => {
                Some(ty.node.name.node.clone())
            }
            _ => None,
        })
        .collect()
}

/// Which of the SDL's named types are objects, and which interfaces or unions.
#[derive(Clone, Copy)]
struct Kinds<'a> {
    objects: &'a HashSet<Name>,
    abstracts: &'a HashSet<Name>,
}

/// Sets an optional description on any dynamic type.
fn described<T: Describe>(ty: T, description: Option<String>) -> T {
    match description {
        Some(text) => ty.describe(text),
        None => ty,
    }
}

/// The dynamic types that carry a description.
trait Describe {
    fn describe(self, text: String) -> Self;
}

macro_rules! describe {
    ($($ty:ty),*) => {$(
        impl Describe for $ty {
            fn describe(self, text: String) -> Self {
                self.description(text)
            }
        }
    )*};
}
describe!(Scalar, Enum, InputObject, Union, Interface, Object);

/// `item` deprecated when `directives` hold `@deprecated` (with its reason, else GraphQL's
/// default one), else as it is: async-graphql's `deprecation(None)` would still deprecate it,
/// and introspection (`fields`, `enumValues` without `includeDeprecated`) would then list
/// nothing.
fn deprecated<T: Deprecate>(item: T, directives: &[Positioned<ConstDirective>]) -> T {
    let Some(directive) = directives.iter().find(|d| d.node.name.node == "deprecated") else {
        return item;
    };
    match directive.node.get_argument("reason").map(|v| &v.node) {
        Some(Value::String(reason)) => item.deprecate(reason),
        _ => item.deprecate("No longer supported"),
    }
}

/// The dynamic schema's items that can be deprecated.
trait Deprecate {
    fn deprecate(self, reason: &str) -> Self;
}

macro_rules! deprecate {
    ($($ty:ty),*) => {$(
        impl Deprecate for $ty {
            fn deprecate(self, reason: &str) -> Self {
                self.deprecation(Some(reason))
            }
        }
    )*};
}
deprecate!(Field, EnumItem);

fn type_ref(ty: &Type) -> TypeRef {
    let inner = match &ty.base {
        BaseType::Named(name) => TypeRef::Named(name.to_string().into()),
        BaseType::List(item) => TypeRef::List(Box::new(type_ref(item))),
    };
    if ty.nullable {
        inner
    } else {
        TypeRef::NonNull(Box::new(inner))
    }
}

fn input_value(definition: InputValueDefinition) -> InputValue {
    let mut value = InputValue::new(definition.name.node.as_str(), type_ref(&definition.ty.node));
    if let Some(text) = definition.description {
        value = value.description(text.node);
    }
    if let Some(default) = definition.default_value {
        value = value.default_value(default.node);
    }
    value
}

/// A field of object `parent`: its own resolver when [`resolvers::custom`] has one, else the
/// JSON lookup of [`from_parent`]. A value of an interface or union type is answered as the
/// object its JSON's `__typename` names.
fn field_of(parent: &str, definition: FieldDefinition, kinds: Kinds<'_>) -> Field {
    let name = definition.name.node.to_string();
    let ty = type_ref(&definition.ty.node);
    let base = base_name(&definition.ty.node);
    let abstract_ = kinds.abstracts.contains(base);
    let mut field = match resolvers::custom(parent, &name) {
        Some(resolve) if abstract_ => Field::new(name.clone(), ty, move |ctx| typed(resolve(ctx))),
        Some(resolve) => Field::new(name.clone(), ty, resolve),
        None => {
            let target = named_object(&definition.ty.node);
            let shape = Shape {
                object: kinds.objects.contains(base) || abstract_,
                abstract_,
            };
            let key = name.clone();
            Field::new(name.clone(), ty, move |ctx| {
                from_parent(ctx, &key, target.as_deref(), shape)
            })
        }
    };
    for argument in definition.arguments {
        field = field.argument(input_value(argument.node));
    }
    if let Some(text) = definition.description {
        field = field.description(text.node);
    }
    deprecated(field, &definition.directives)
}

/// The named type under any list and non-null wrappers.
fn base_name(ty: &Type) -> &Name {
    match &ty.base {
        BaseType::Named(name) => name,
        BaseType::List(item) => base_name(item),
    }
}

/// The named type of a non-list field (a related object's type), if it is not a scalar.
fn named_object(ty: &Type) -> Option<String> {
    match &ty.base {
        BaseType::Named(name) if crate::entity::is_entity(name) => Some(name.to_string()),
        _ => None,
    }
}

/// What a field's values are: objects (or lists of them), and of an interface or union type.
#[derive(Clone, Copy)]
struct Shape {
    object: bool,
    abstract_: bool,
}

/// `value` as a field's answer. Objects (and lists of them) are lent, not copied: their own
/// fields read from them in turn, so a page of issues is never cloned. Scalars, enums and
/// JSON values are copied, as async-graphql resolves those from owned values. An object of
/// an interface or union type is answered as the object type its `__typename` names.
fn lend(value: &Value, shape: Shape) -> FieldValue<'_> {
    match value {
        Value::Object(_) if shape.object => {
            let lent = FieldValue::borrowed_any(value);
            match typename(value) {
                Some(name) if shape.abstract_ => lent.with_type(name),
                _ => lent,
            }
        }
        Value::List(items) if shape.object => {
            FieldValue::list(items.iter().map(|item| lend(item, shape)))
        }
        other => FieldValue::value(other.clone()),
    }
}

/// The object type a JSON object says it is (its `__typename`).
fn typename(value: &Value) -> Option<String> {
    match value {
        Value::Object(fields) => match fields.get("__typename") {
            Some(Value::String(name)) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A custom resolver's answer of an interface or union type, as the object its `__typename`
/// names.
fn typed(answer: FieldFuture<'_>) -> FieldFuture<'_> {
    fn tag(value: FieldValue<'_>) -> FieldValue<'_> {
        match value.as_value().and_then(typename) {
            Some(name) => value.with_type(name),
            None => value,
        }
    }
    match answer {
        FieldFuture::Value(value) => FieldFuture::Value(value.map(tag)),
        FieldFuture::Future(future) => {
            FieldFuture::Future(Box::pin(async move { Ok(future.await?.map(tag)) }))
        }
    }
}

/// Resolves `key` from the parent's JSON object; a related entity given as `{"id": …}` is
/// loaded when the query selects more than its id. `shape`: whether the field's type is an
/// object type (or a list of one), so the value is lent rather than copied, and whether it
/// is an interface or union.
fn from_parent<'a>(
    ctx: ResolverContext<'a>,
    key: &str,
    target: Option<&str>,
    shape: Shape,
) -> FieldFuture<'a> {
    let Some(Value::Object(parent)) = crate::args::parent_json(ctx.parent_value) else {
        return FieldFuture::Value(None);
    };
    let value = match parent.get(key) {
        None | Some(Value::Null) => return FieldFuture::Value(None),
        Some(value) => value,
    };
    if let (Some(entity), Value::Object(fields)) = (target, value)
        && fields.len() == 1
        && needs_more_than_id(&ctx)
        && let Some(Value::String(id)) = fields.get(&Name::new("id"))
    {
        let (entity, id) = (entity.to_owned(), id.clone());
        return FieldFuture::new(async move {
            let shared = ctx.data::<crate::Shared>()?;
            let viewer = ctx.data::<crate::Viewer>()?;
            let loaded = crate::entity::load(shared, viewer, &entity, &id).await?;
            Ok(loaded.map(FieldValue::value))
        });
    }
    FieldFuture::Value(Some(lend(value, shape)))
}

/// Whether the current field's selection asks for anything besides `id` and `__typename`.
fn needs_more_than_id(ctx: &ResolverContext<'_>) -> bool {
    ctx.field()
        .selection_set()
        .any(|field| !matches!(field.name(), "id" | "__typename"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdl_builds_into_a_schema() {
        let schema = build(crate::Shared::offline()).unwrap();
        let sdl = schema.sdl();
        assert!(sdl.contains("type Issue"));
        assert!(sdl.contains("issueCreate("));
        assert!(sdl.contains("type IssueNotification implements Notification"));
    }
}
