//! The sync against a HubSpot clone: each test starts from the `basic` seed (Jane Doe at Acme
//! Inc, John Smith at Globex, Ada Lovelace without a company; the default sales pipeline).

use hubspot_crm_sync::{CrmSync, Signup, SyncError};

/// The sync as a user would build it, with only the base URL pointed at the clone.
fn sync(hubspot: &asym::HubSpot) -> CrmSync {
    CrmSync::new(hubspot.api_url(), hubspot.token())
}

fn signup(email: &str, company: Option<(&str, &str)>, amount: Option<u64>) -> Signup {
    Signup {
        email: email.to_owned(),
        first_name: "Grace".to_owned(),
        last_name: "Hopper".to_owned(),
        company: company.map(|(n, d)| (n.to_owned(), d.to_owned())),
        plan_amount: amount,
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_new_signup_creates_contact_company_and_deal(hubspot: asym::HubSpot) {
    let crm = sync(&hubspot);
    let outcome = crm
        .sync_signup(&signup(
            "grace@navy.example",
            Some(("US Navy", "navy.example")),
            Some(1200),
        ))
        .await
        .unwrap();
    assert!(outcome.created);
    assert_eq!(outcome.contact.get("lifecyclestage"), Some("opportunity"));
    let company = outcome.company.unwrap();
    assert_eq!(company.get("domain"), Some("navy.example"));
    assert_eq!(
        crm.companies_of(&outcome.contact.id).await.unwrap(),
        vec![company.id.clone()]
    );
    let deal = outcome.deal.unwrap();
    assert_eq!(deal.get("amount"), Some("1200"));
    assert_eq!(deal.get("dealstage"), Some("appointmentscheduled"));
    let found = crm
        .find_contact("GRACE@navy.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, outcome.contact.id);
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_existing_contact_is_updated_and_joins_the_existing_company(hubspot: asym::HubSpot) {
    let crm = sync(&hubspot);
    let ada = signup("ada@lovelace.example", Some(("Acme", "acme.example")), None);
    let outcome = crm.sync_signup(&ada).await.unwrap();
    assert!(!outcome.created);
    assert_eq!(outcome.contact.id, "203");
    assert_eq!(outcome.contact.get("firstname"), Some("Grace"));
    assert_eq!(
        outcome.company.unwrap().id,
        "301",
        "found by domain, not created"
    );
    assert!(outcome.deal.is_none());
    // Running the same sync again changes nothing.
    let again = crm.sync_signup(&ada).await.unwrap();
    assert_eq!(again.contact.id, "203");
    assert_eq!(
        crm.companies_of("203").await.unwrap(),
        vec!["301".to_owned()]
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn hubspot_refusals_are_typed(hubspot: asym::HubSpot) {
    let crm = sync(&hubspot);
    assert!(
        crm.find_contact("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    // HubSpot refuses an association naming an object that does not exist with 400
    // `One or more associations are invalid` (HubSpot/hubspot-api-nodejs#646).
    match crm.attach("203", "999999").await.unwrap_err() {
        SyncError::Api {
            status,
            category,
            message,
        } => {
            assert_eq!((status, category.as_str()), (400, "VALIDATION_ERROR"));
            assert_eq!(message, "One or more associations are invalid");
        }
        other => panic!("unexpected {other}"),
    }
    let stranger = CrmSync::new(hubspot.api_url(), "pat-na1-not-a-token");
    match stranger
        .find_contact("ada@lovelace.example")
        .await
        .unwrap_err()
    {
        SyncError::Api {
            status, category, ..
        } => {
            assert_eq!((status, category.as_str()), (401, "INVALID_AUTHENTICATION"));
        }
        other => panic!("unexpected {other}"),
    }
}
