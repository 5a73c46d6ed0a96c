//! The CRM object types: HubSpot's seventeen (a constant table) and the portal's custom ones
//! (rows of `object_schemas`, written by the schemas API): how paths name them, their type
//! ids, scopes, default, searchable and required properties. The object engine is the same
//! for all; only this data differs.

use std::borrow::Cow;

use asym_kit::deadpool_postgres::GenericClient;

use crate::error::ApiError;

/// The portal the clone plays (fixtures use it too).
pub(crate) const PORTAL_ID: &str = "62515";

/// A name of a type: borrowed for HubSpot's types, owned for custom ones.
pub(crate) type Text = Cow<'static, str>;

/// A type a request named: one of [`TYPES`], or a custom type read from its schema.
pub(crate) type Type = Cow<'static, ObjectType>;

/// A list of property names: a constant for HubSpot's types, a schema's for custom ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Names {
    /// HubSpot's.
    Stock(&'static [&'static str]),
    /// A custom schema's.
    Custom(Vec<String>),
}

impl Names {
    /// The names.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (stock, custom): (&[&str], &[String]) = match self {
            Self::Stock(names) => (names, &[]),
            Self::Custom(names) => (&[], names),
        };
        stock
            .iter()
            .copied()
            .chain(custom.iter().map(String::as_str))
    }
}

/// One CRM object type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectType {
    /// The name stored in `objects.type` and keying its properties and association types:
    /// the plural for HubSpot's types (`contacts`), the object type id for custom ones
    /// (`2-1001`).
    pub(crate) name: Text,
    /// The singular (`contact`; a custom type's schema name), used by webhooks and
    /// association names.
    pub(crate) singular: Text,
    /// HubSpot's object type id (`0-1`, `2-1001`).
    pub(crate) type_id: Text,
    /// The scope reads need.
    pub(crate) read_scope: &'static str,
    /// The scope writes need.
    pub(crate) write_scope: &'static str,
    /// Properties returned when a request names none (beside the calculated ones).
    pub(crate) defaults: Names,
    /// Properties a search `query` matches.
    pub(crate) searchable: Names,
    /// Properties a create must set (the engagements' `hs_timestamp`).
    pub(crate) required: Names,
    /// Properties a create that sets none takes the creation time for (`hs_timestamp` of
    /// communications and postal mail, whose guides do not require it).
    pub(crate) stamped: &'static [&'static str],
}

impl ObjectType {
    /// The calculated properties every read answers beside those asked for: contacts carry
    /// `lastmodifieddate`, every other type `hs_lastmodifieddate`.
    pub(crate) fn always(&self) -> [&'static str; 3] {
        let modified = if self.name == "contacts" {
            "lastmodifieddate"
        } else {
            "hs_lastmodifieddate"
        };
        ["createdate", modified, "hs_object_id"]
    }

    /// The types one of a create's associations must name (HubSpot's leads guide: a lead is
    /// created associated with an existing contact or company); empty for every other type.
    pub(crate) fn anchors(&self) -> &'static [&'static str] {
        if self.name == "leads" {
            &["contacts", "companies"]
        } else {
            &[]
        }
    }

    /// Refuses the writes HubSpot's API does not make on this type: CRM users are created and
    /// removed with the account's users (the user provisioning API), only their properties are
    /// updated through the objects API; goals are read and searched, never written.
    ///
    /// # Errors
    ///
    /// 400 `VALIDATION_ERROR` (the clone's text: HubSpot's is not documented).
    pub(crate) fn refuse(&self, write: Write) -> Result<(), ApiError> {
        let refused = match self.name.as_ref() {
            "users" => write != Write::Update,
            "goal_targets" => true,
            _ => false,
        };
        if !refused {
            return Ok(());
        }
        let verb = match write {
            Write::Create => "created",
            Write::Update => "updated",
            Write::Archive => "archived",
        };
        Err(ApiError::validation(format!(
            "{} records cannot be {verb} through the CRM objects API",
            self.singular.to_uppercase()
        )))
    }

    /// The scope writes (`write`) or reads need.
    pub(crate) fn scope(&self, write: bool) -> &'static str {
        if write {
            self.write_scope
        } else {
            self.read_scope
        }
    }
}

/// A kind of write, for [`ObjectType::refuse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// A create (single, batch, or an upsert's).
    Create,
    /// An update (single, batch, or an upsert's).
    Update,
    /// An archive (single, batch), a merge or a GDPR delete.
    Archive,
}

/// Whether an engagement type's create must set `hs_timestamp`.
#[derive(Clone, Copy)]
enum Timestamp {
    /// Required, as the guides of notes, tasks, calls, emails and meetings say.
    Required,
    /// Listed without being required (communications, postal mail): a create that sets none
    /// is placed on the timeline at its creation time (`hs_timestamp` = `createdate`).
    Stamped,
}

/// One of HubSpot's types named `[name, singular, type_id]`, read and written with `scopes`
/// (`[read, write]`), with its `defaults`, `searchable` and `required` properties.
const fn stock(
    [name, singular, type_id]: [&'static str; 3],
    [read_scope, write_scope]: [&'static str; 2],
    defaults: &'static [&'static str],
    searchable: &'static [&'static str],
    required: &'static [&'static str],
) -> ObjectType {
    ObjectType {
        name: Cow::Borrowed(name),
        singular: Cow::Borrowed(singular),
        type_id: Cow::Borrowed(type_id),
        read_scope,
        write_scope,
        defaults: Names::Stock(defaults),
        searchable: Names::Stock(searchable),
        required: Names::Stock(required),
        stamped: &[],
    }
}

/// An engagement (activity) type named `[name, singular, type_id]`: read and written with the
/// contacts' scopes, its `hs_timestamp` as `timestamp` says.
const fn engagement(
    names: [&'static str; 3],
    defaults: &'static [&'static str],
    searchable: &'static [&'static str],
    timestamp: Timestamp,
) -> ObjectType {
    const TIMESTAMP: &[&str] = &["hs_timestamp"];
    const SCOPES: [&str; 2] = ["crm.objects.contacts.read", "crm.objects.contacts.write"];
    let (required, stamped): (&[&str], &[&str]) = match timestamp {
        Timestamp::Required => (TIMESTAMP, &[]),
        Timestamp::Stamped => (&[], TIMESTAMP),
    };
    let mut engagement = stock(names, SCOPES, defaults, searchable, required);
    engagement.stamped = stamped;
    engagement
}

/// Every type, in HubSpot's order.
pub(crate) static TYPES: [ObjectType; 17] = [
    stock(
        ["contacts", "contact", "0-1"],
        ["crm.objects.contacts.read", "crm.objects.contacts.write"],
        &["email", "firstname", "lastname"],
        &[
            "firstname",
            "lastname",
            "email",
            "phone",
            "mobilephone",
            "company",
        ],
        &[],
    ),
    stock(
        ["companies", "company", "0-2"],
        ["crm.objects.companies.read", "crm.objects.companies.write"],
        &["domain", "name"],
        &["name", "domain", "website", "phone"],
        &[],
    ),
    stock(
        ["deals", "deal", "0-3"],
        ["crm.objects.deals.read", "crm.objects.deals.write"],
        &["amount", "closedate", "dealname", "dealstage", "pipeline"],
        &[
            "dealname",
            "pipeline",
            "dealstage",
            "description",
            "dealtype",
        ],
        &[],
    ),
    stock(
        ["tickets", "ticket", "0-5"],
        ["tickets", "tickets"],
        &[
            "content",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject",
        ],
        &[
            "subject",
            "content",
            "hs_pipeline_stage",
            "hs_ticket_category",
        ],
        &[],
    ),
    stock(
        ["products", "product", "0-7"],
        ["e-commerce", "e-commerce"],
        &["description", "name", "price"],
        &["name", "description", "price", "hs_sku"],
        &[],
    ),
    stock(
        ["line_items", "line_item", "0-8"],
        ["e-commerce", "e-commerce"],
        &["amount", "hs_product_id", "name", "price", "quantity"],
        &["name", "description", "price", "quantity", "hs_product_id"],
        &[],
    ),
    // HubSpot's quotes guide: a create must set the quote's name and expiration date.
    stock(
        ["quotes", "quote", "0-14"],
        ["crm.objects.quotes.read", "crm.objects.quotes.write"],
        &["hs_expiration_date", "hs_status", "hs_title"],
        &["hs_title"],
        &["hs_title", "hs_expiration_date"],
    ),
    // HubSpot's leads guide: a create must set the lead's name.
    stock(
        ["leads", "lead", "0-136"],
        ["crm.objects.leads.read", "crm.objects.leads.write"],
        &["hs_lead_name", "hs_pipeline", "hs_pipeline_stage"],
        &["hs_lead_name"],
        &["hs_lead_name"],
    ),
    // HubSpot's users guide: a read answers the creation date by its `hs_` name.
    stock(
        ["users", "user", "0-115"],
        ["crm.objects.users.read", "crm.objects.users.write"],
        &["hs_createdate"],
        &[
            "hs_email",
            "hs_given_name",
            "hs_family_name",
            "hs_job_title",
        ],
        &[],
    ),
    stock(
        ["goal_targets", "goal_target", "0-74"],
        ["crm.objects.goals.read", "crm.objects.goals.write"],
        &[
            "hs_goal_name",
            "hs_target_amount",
            "hs_start_datetime",
            "hs_end_datetime",
        ],
        &["hs_goal_name"],
        &[],
    ),
    engagement(
        ["notes", "note", "0-46"],
        &["hs_timestamp", "hs_note_body"],
        &["hs_note_body"],
        Timestamp::Required,
    ),
    engagement(
        ["tasks", "task", "0-27"],
        &["hs_timestamp", "hs_task_subject", "hs_task_status"],
        &["hs_task_subject", "hs_task_body"],
        Timestamp::Required,
    ),
    engagement(
        ["calls", "call", "0-48"],
        &["hs_timestamp", "hs_call_title", "hs_call_body"],
        &["hs_call_title", "hs_call_body"],
        Timestamp::Required,
    ),
    engagement(
        ["emails", "email", "0-49"],
        &["hs_timestamp", "hs_email_subject", "hs_email_text"],
        &["hs_email_subject", "hs_email_text"],
        Timestamp::Required,
    ),
    engagement(
        ["meetings", "meeting", "0-47"],
        &["hs_timestamp", "hs_meeting_title", "hs_meeting_body"],
        &["hs_meeting_title", "hs_meeting_body"],
        Timestamp::Required,
    ),
    engagement(
        ["communications", "communication", "0-18"],
        &[
            "hs_timestamp",
            "hs_communication_channel_type",
            "hs_communication_body",
        ],
        &["hs_communication_body"],
        Timestamp::Stamped,
    ),
    engagement(
        ["postal_mail", "postal_mail", "0-116"],
        &["hs_timestamp", "hs_postal_mail_body"],
        &["hs_postal_mail_body"],
        Timestamp::Stamped,
    ),
];

/// Properties every object carries, computed by the engine.
pub(crate) const CALCULATED: [&str; 4] = [
    "hs_object_id",
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
];

/// One of HubSpot's types a path or body names: plural, singular, type id, any case
/// (`contacts`, `CONTACT`, `0-1`).
pub(crate) fn lookup(name: &str) -> Option<&'static ObjectType> {
    TYPES.iter().find(|t| {
        t.name.eq_ignore_ascii_case(name)
            || t.singular.eq_ignore_ascii_case(name)
            || t.type_id == name
            || (t.name == "line_items" && name.eq_ignore_ascii_case("lineitems"))
            || (t.name == "goal_targets" && name.eq_ignore_ascii_case("goals"))
    })
}

/// HubSpot's 400 for a type it cannot infer.
fn unknown(name: &str) -> ApiError {
    ApiError::validation(format!("Unable to infer object type from: {name}"))
}

/// The type a path or body names: one of HubSpot's ([`lookup`], no statement), else a live
/// custom type by object type id (`2-1001`), fully qualified name (`p62515_car`) or
/// short-hand name (`p_car`), as [`schema_key`] reads them.
///
/// # Errors
///
/// HubSpot's 400 for a type it cannot infer; the statement's error.
pub(crate) async fn resolve(client: &impl GenericClient, name: &str) -> Result<Type, ApiError> {
    find(client, name).await?.ok_or_else(|| unknown(name))
}

/// [`resolve`], `None` for a type that is not (or no longer) served.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn find(
    client: &impl GenericClient,
    name: &str,
) -> Result<Option<Type>, ApiError> {
    if let Some(stock) = lookup(name) {
        return Ok(Some(Cow::Borrowed(stock)));
    }
    let Some((id, schema)) = schema_key(name) else {
        return Ok(None);
    };
    let statement = client
        .prepare_cached(
            "SELECT id, name, searchable_properties, required_properties FROM object_schemas
             WHERE NOT archived AND (id = $1 OR lower(name) = lower($2))",
        )
        .await?;
    let row = client.query_opt(&statement, &[&id, &schema]).await?;
    Ok(row.map(|row| Cow::Owned(custom(row.get(0), row.get(1), row.get(2), row.get(3)))))
}

/// What names a custom type: its schema id (from `2-1001`) or its schema name (from the
/// fully qualified `p62515_car` or the short-hand `p_car`); `None` for anything else, the
/// bare `car` included: HubSpot stopped resolving custom types by their base name in June
/// 2025 (its changelog's "removed support for referencing custom object types by base name").
pub(crate) fn schema_key(name: &str) -> Option<(Option<i64>, &str)> {
    if let Some(id) = custom_id(name) {
        return Some((Some(id), ""));
    }
    [qualified(""), "p_".to_owned()]
        .iter()
        .find_map(|prefix| match name.get(..prefix.len()) {
            Some(head) if head.eq_ignore_ascii_case(prefix) => Some((None, &name[prefix.len()..])),
            _ => None,
        })
}

/// Whether `name` can only name a custom type: an object type id of meta type 2
/// (`2-1001`), a fully qualified name (`p62515_car`) or a short-hand one (`p_car`).
pub(crate) fn names_custom(name: &str) -> bool {
    schema_key(name).is_some()
}

/// The schema id of a custom type's object type id (`2-1001` → 1001).
pub(crate) fn custom_id(name: &str) -> Option<i64> {
    name.strip_prefix("2-")?.parse().ok()
}

/// The object type id of the custom type of schema `id` (`2-1001`), also its stored name.
pub(crate) fn custom_type_id(id: i64) -> String {
    format!("2-{id}")
}

/// A custom type's fully qualified name (`p62515_car`).
pub(crate) fn qualified(name: &str) -> String {
    format!("p{PORTAL_ID}_{name}")
}

/// The custom type of schema `id` named `name`: stored as its object type id, read and
/// written with the custom-object scopes, reads answering the calculated properties only.
pub(crate) fn custom(
    id: i64,
    name: String,
    searchable: Vec<String>,
    required: Vec<String>,
) -> ObjectType {
    let type_id = custom_type_id(id);
    ObjectType {
        name: Cow::Owned(type_id.clone()),
        singular: Cow::Owned(name),
        type_id: Cow::Owned(type_id),
        read_scope: "crm.objects.custom.read",
        write_scope: "crm.objects.custom.write",
        defaults: Names::Custom(Vec::new()),
        searchable: Names::Custom(searchable),
        required: Names::Custom(required),
        stamped: &[],
    }
}

/// The object type id of the type stored as `stored` (a custom type is stored as its id).
pub(crate) fn type_id_of(stored: &str) -> &str {
    lookup(stored).map_or(stored, |t| t.type_id.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_resolves() {
        for name in ["contacts", "contact", "CONTACTS", "0-1"] {
            assert_eq!(lookup(name).map(|t| t.name.as_ref()), Some("contacts"));
        }
        assert_eq!(
            lookup("line_items").map(|t| t.type_id.as_ref()),
            Some("0-8")
        );
        assert!(lookup("widgets").is_none());
    }

    #[test]
    fn custom_types_are_named_by_id_or_name() {
        assert_eq!(schema_key("2-1001"), Some((Some(1001), "")));
        assert_eq!(schema_key("P62515_car"), Some((None, "car")));
        assert_eq!(schema_key("p_Car"), Some((None, "Car")));
        assert_eq!(schema_key("car"), None);
        assert!(names_custom("p_car") && names_custom("2-7") && !names_custom("car"));
        assert_eq!(type_id_of("contacts"), "0-1");
        assert_eq!(type_id_of("2-1001"), "2-1001");
    }
}
