//! A downstream service that keeps HubSpot in step with a product's signups: upsert the
//! contact by email, find or create their company by domain and attach them to it, and open
//! a deal in the sales pipeline — over plain `reqwest` with typed serde models, the way a
//! team that does not want an SDK dependency writes it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hubspot_crm_sync::SyncError> {
//! use hubspot_crm_sync::{CrmSync, Signup};
//! let crm = CrmSync::new("https://api.hubapi.com", "pat-na1-…");
//! let outcome = crm
//!     .sync_signup(&Signup {
//!         email: "ada@lovelace.example".into(),
//!         first_name: "Ada".into(),
//!         last_name: "Lovelace".into(),
//!         company: Some(("Analytical Engines".into(), "engines.example".into())),
//!         plan_amount: Some(4_900),
//!     })
//!     .await?;
//! println!("contact {} deal {:?}", outcome.contact.id, outcome.deal.map(|d| d.id));
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Why a sync step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// HubSpot could not be reached, or answered something that is not its JSON.
    #[error("HubSpot request failed")]
    Http(#[from] reqwest::Error),
    /// HubSpot refused the call (`category` is HubSpot's, e.g. `VALIDATION_ERROR`).
    #[error("HubSpot answered {status} {category}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// HubSpot's error category.
        category: String,
        /// HubSpot's message.
        message: String,
    },
}

/// A CRM object as HubSpot returns it (contact, company or deal).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CrmObject {
    /// Its id (numeric, as a string).
    pub id: String,
    /// Its property values (`null` for requested properties without one).
    pub properties: BTreeMap<String, Option<String>>,
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
}

impl CrmObject {
    /// A property's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(Option::as_deref)
    }
}

/// A signup to push into the CRM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    /// The contact's email (the sync key).
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The company's name and domain, if the signup named one.
    pub company: Option<(String, String)>,
    /// The plan's yearly amount in whole currency units, if the signup chose a paid plan.
    pub plan_amount: Option<u64>,
}

/// What [`CrmSync::sync_signup`] did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The contact, after the upsert.
    pub contact: CrmObject,
    /// Whether the contact was new.
    pub created: bool,
    /// The company it is attached to.
    pub company: Option<CrmObject>,
    /// The deal opened for a paid plan.
    pub deal: Option<CrmObject>,
}

#[derive(Debug, Deserialize)]
struct Page<T> {
    results: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Upserted {
    #[serde(flatten)]
    object: CrmObject,
    new: bool,
}

#[derive(Debug, Deserialize)]
struct HubSpotError {
    #[serde(default)]
    category: String,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Serialize)]
struct Filter<'a> {
    #[serde(rename = "propertyName")]
    property_name: &'a str,
    operator: &'a str,
    value: &'a str,
}

/// The sync, against one HubSpot account (or a clone of it).
#[derive(Debug, Clone)]
pub struct CrmSync {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// HubSpot's unlabelled deal→contact and deal→company association types.
const DEAL_TO_CONTACT: u32 = 3;
const DEAL_TO_COMPANY: u32 = 341;

impl CrmSync {
    /// A sync talking to `base` (`https://api.hubapi.com`, or a clone's URL) with a private
    /// app token.
    pub fn new(base: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_owned(),
            token: token.into(),
        }
    }

    /// The first of the `results` a `POST` of `body` to `path` answers.
    async fn first<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Value,
    ) -> Result<Option<T>, SyncError> {
        let page: Option<Page<T>> = self.call(reqwest::Method::POST, path, Some(body)).await?;
        Ok(page.and_then(|p| p.results.into_iter().next()))
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Option<T>, SyncError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            let err: HubSpotError = response.json().await?;
            return Err(SyncError::Api {
                status: status.as_u16(),
                category: err.category,
                message: err.message,
            });
        }
        if status == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        Ok(Some(response.json().await?))
    }

    /// The contact with `email`, if any.
    ///
    /// # Errors
    ///
    /// [`SyncError`] when HubSpot fails or refuses.
    pub async fn find_contact(&self, email: &str) -> Result<Option<CrmObject>, SyncError> {
        let path = format!(
            "/crm/v3/objects/contacts/{email}?idProperty=email&properties=email,firstname,lastname,lifecyclestage"
        );
        self.call(reqwest::Method::GET, &path, None).await
    }

    /// Creates or updates the contact keyed by `email` (one batch upsert); `true` when new.
    ///
    /// # Errors
    ///
    /// [`SyncError`] when HubSpot refuses a value.
    pub async fn upsert_contact(&self, signup: &Signup) -> Result<(CrmObject, bool), SyncError> {
        let body = json!({"inputs": [{
            "idProperty": "email",
            "id": signup.email,
            "properties": {
                "firstname": signup.first_name,
                "lastname": signup.last_name,
                "lifecyclestage": if signup.plan_amount.is_some() { "opportunity" } else { "lead" },
            },
        }]});
        let upserted: Upserted = self
            .first("/crm/v3/objects/contacts/batch/upsert", body)
            .await?
            .ok_or_else(|| missing("the upserted contact"))?;
        Ok((upserted.object, upserted.new))
    }

    /// The company with `domain`, created with `name` when there is none.
    ///
    /// # Errors
    ///
    /// [`SyncError`] when HubSpot fails or refuses.
    pub async fn company_for(&self, name: &str, domain: &str) -> Result<CrmObject, SyncError> {
        let search = json!({
            "filterGroups": [{"filters": [Filter { property_name: "domain", operator: "EQ", value: domain }]}],
            "properties": ["name", "domain"],
            "limit": 1,
        });
        let found = self
            .first("/crm/v3/objects/companies/search", search)
            .await?;
        if let Some(company) = found {
            return Ok(company);
        }
        let created = json!({"properties": {"name": name, "domain": domain}});
        self.call(
            reqwest::Method::POST,
            "/crm/v3/objects/companies",
            Some(created),
        )
        .await?
        .ok_or_else(|| missing("the created company"))
    }

    /// Attaches a contact to a company (HubSpot's default association, both directions).
    ///
    /// # Errors
    ///
    /// [`SyncError`] when either does not exist.
    pub async fn attach(&self, contact_id: &str, company_id: &str) -> Result<(), SyncError> {
        let path = format!(
            "/crm/v4/objects/contacts/{contact_id}/associations/default/companies/{company_id}"
        );
        let done: Option<Value> = self.call(reqwest::Method::PUT, &path, None).await?;
        done.map(drop)
            .ok_or_else(|| missing("the contact or company"))
    }

    /// The ids of the companies a contact is attached to.
    ///
    /// # Errors
    ///
    /// [`SyncError`] when HubSpot fails.
    pub async fn companies_of(&self, contact_id: &str) -> Result<Vec<String>, SyncError> {
        #[derive(Deserialize)]
        struct Associated {
            #[serde(rename = "toObjectId")]
            to_object_id: Value,
        }
        let path = format!("/crm/v4/objects/contacts/{contact_id}/associations/companies");
        let page: Option<Page<Associated>> = self.call(reqwest::Method::GET, &path, None).await?;
        Ok(page
            .map(|p| {
                p.results
                    .into_iter()
                    .map(|a| match a.to_object_id {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Opens a deal in the default pipeline's first stage, associated with the contact (and
    /// the company).
    ///
    /// # Errors
    ///
    /// [`SyncError`] when HubSpot refuses.
    pub async fn open_deal(
        &self,
        name: &str,
        amount: u64,
        contact_id: &str,
        company_id: Option<&str>,
    ) -> Result<CrmObject, SyncError> {
        let spec = |id: &str, type_id: u32| json!({"to": {"id": id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]});
        let mut associations = vec![spec(contact_id, DEAL_TO_CONTACT)];
        associations.extend(company_id.map(|id| spec(id, DEAL_TO_COMPANY)));
        let body = json!({
            "properties": {
                "dealname": name,
                "amount": amount.to_string(),
                "pipeline": "default",
                "dealstage": "appointmentscheduled",
            },
            "associations": associations,
        });
        self.call(reqwest::Method::POST, "/crm/v3/objects/deals", Some(body))
            .await?
            .ok_or_else(|| missing("the created deal"))
    }

    /// The whole sync for one signup: contact, company, association, deal.
    ///
    /// # Errors
    ///
    /// The first step HubSpot refuses.
    pub async fn sync_signup(&self, signup: &Signup) -> Result<Outcome, SyncError> {
        let (contact, created) = self.upsert_contact(signup).await?;
        let company = match &signup.company {
            Some((name, domain)) => {
                let company = self.company_for(name, domain).await?;
                self.attach(&contact.id, &company.id).await?;
                Some(company)
            }
            None => None,
        };
        let deal = match signup.plan_amount {
            Some(amount) => {
                let name = format!("{} {} — signup", signup.first_name, signup.last_name);
                let company_id = company.as_ref().map(|c| c.id.as_str());
                Some(
                    self.open_deal(&name, amount, &contact.id, company_id)
                        .await?,
                )
            }
            None => None,
        };
        Ok(Outcome {
            contact,
            created,
            company,
            deal,
        })
    }
}

fn missing(what: &str) -> SyncError {
    SyncError::Api {
        status: 404,
        category: "OBJECT_NOT_FOUND".to_owned(),
        message: format!("{what} was not returned"),
    }
}
