//! The eleven CRM object types: how paths name them, their type ids, scopes, default and
//! searchable properties. The object engine is the same for all; only this data differs.

use crate::error::ApiError;

/// The portal the clone plays (fixtures use it too).
pub(crate) const PORTAL_ID: &str = "62515";

/// One CRM object type.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ObjectType {
    /// The plural name stored in `objects.type` (`contacts`).
    pub(crate) name: &'static str,
    /// The singular (`contact`), used by webhooks and association names.
    pub(crate) singular: &'static str,
    /// HubSpot's object type id (`0-1`).
    pub(crate) type_id: &'static str,
    /// The scope reads need.
    pub(crate) read_scope: &'static str,
    /// The scope writes need.
    pub(crate) write_scope: &'static str,
    /// Properties returned when a request names none (beside the calculated ones).
    pub(crate) defaults: &'static [&'static str],
    /// Properties a search `query` matches.
    pub(crate) searchable: &'static [&'static str],
    /// Properties a create must set (the engagements' `hs_timestamp`).
    pub(crate) required: &'static [&'static str],
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

    /// The scope writes (`write`) or reads need.
    pub(crate) fn scope(&self, write: bool) -> &'static str {
        if write {
            self.write_scope
        } else {
            self.read_scope
        }
    }
}

/// An engagement (activity) type: read and written with the contacts' scopes, and created
/// only with its `hs_timestamp`.
const fn engagement(
    name: &'static str,
    singular: &'static str,
    type_id: &'static str,
    defaults: &'static [&'static str],
    searchable: &'static [&'static str],
) -> ObjectType {
    ObjectType {
        name,
        singular,
        type_id,
        read_scope: "crm.objects.contacts.read",
        write_scope: "crm.objects.contacts.write",
        defaults,
        searchable,
        required: &["hs_timestamp"],
    }
}

/// Every type, in HubSpot's order.
pub(crate) const TYPES: [ObjectType; 11] = [
    ObjectType {
        name: "contacts",
        singular: "contact",
        type_id: "0-1",
        read_scope: "crm.objects.contacts.read",
        write_scope: "crm.objects.contacts.write",
        defaults: &["email", "firstname", "lastname"],
        searchable: &[
            "firstname",
            "lastname",
            "email",
            "phone",
            "mobilephone",
            "company",
        ],
        required: &[],
    },
    ObjectType {
        name: "companies",
        singular: "company",
        type_id: "0-2",
        read_scope: "crm.objects.companies.read",
        write_scope: "crm.objects.companies.write",
        defaults: &["domain", "name"],
        searchable: &["name", "domain", "website", "phone"],
        required: &[],
    },
    ObjectType {
        name: "deals",
        singular: "deal",
        type_id: "0-3",
        read_scope: "crm.objects.deals.read",
        write_scope: "crm.objects.deals.write",
        defaults: &["amount", "closedate", "dealname", "dealstage", "pipeline"],
        searchable: &[
            "dealname",
            "pipeline",
            "dealstage",
            "description",
            "dealtype",
        ],
        required: &[],
    },
    ObjectType {
        name: "tickets",
        singular: "ticket",
        type_id: "0-5",
        read_scope: "tickets",
        write_scope: "tickets",
        defaults: &[
            "content",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject",
        ],
        searchable: &[
            "subject",
            "content",
            "hs_pipeline_stage",
            "hs_ticket_category",
        ],
        required: &[],
    },
    ObjectType {
        name: "products",
        singular: "product",
        type_id: "0-7",
        read_scope: "e-commerce",
        write_scope: "e-commerce",
        defaults: &["description", "name", "price"],
        searchable: &["name", "description", "price", "hs_sku"],
        required: &[],
    },
    ObjectType {
        name: "line_items",
        singular: "line_item",
        type_id: "0-8",
        read_scope: "e-commerce",
        write_scope: "e-commerce",
        defaults: &["amount", "hs_product_id", "name", "price", "quantity"],
        searchable: &["name", "description", "price", "quantity", "hs_product_id"],
        required: &[],
    },
    engagement(
        "notes",
        "note",
        "0-46",
        &["hs_timestamp", "hs_note_body"],
        &["hs_note_body"],
    ),
    engagement(
        "tasks",
        "task",
        "0-27",
        &["hs_timestamp", "hs_task_subject", "hs_task_status"],
        &["hs_task_subject", "hs_task_body"],
    ),
    engagement(
        "calls",
        "call",
        "0-48",
        &["hs_timestamp", "hs_call_title", "hs_call_body"],
        &["hs_call_title", "hs_call_body"],
    ),
    engagement(
        "emails",
        "email",
        "0-49",
        &["hs_timestamp", "hs_email_subject", "hs_email_text"],
        &["hs_email_subject", "hs_email_text"],
    ),
    engagement(
        "meetings",
        "meeting",
        "0-47",
        &["hs_timestamp", "hs_meeting_title", "hs_meeting_body"],
        &["hs_meeting_title", "hs_meeting_body"],
    ),
];

/// Properties every object carries, computed by the engine.
pub(crate) const CALCULATED: [&str; 4] = [
    "hs_object_id",
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
];

/// The type a path or body names: plural, singular, type id, any case (`contacts`,
/// `CONTACT`, `0-1`).
pub(crate) fn lookup(name: &str) -> Option<&'static ObjectType> {
    TYPES.iter().find(|t| {
        t.name.eq_ignore_ascii_case(name)
            || t.singular.eq_ignore_ascii_case(name)
            || t.type_id == name
            || (t.name == "line_items" && name.eq_ignore_ascii_case("lineitems"))
    })
}

/// [`lookup`], or HubSpot's 400 for a type it cannot infer.
pub(crate) fn resolve(name: &str) -> Result<&'static ObjectType, ApiError> {
    lookup(name)
        .ok_or_else(|| ApiError::validation(format!("Unable to infer object type from: {name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_resolves() {
        for name in ["contacts", "contact", "CONTACTS", "0-1"] {
            assert_eq!(lookup(name).map(|t| t.name), Some("contacts"));
        }
        assert_eq!(lookup("line_items").map(|t| t.type_id), Some("0-8"));
        assert!(lookup("widgets").is_none());
    }
}
