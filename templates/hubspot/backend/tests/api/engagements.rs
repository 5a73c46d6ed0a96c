//! The engagement objects (notes, tasks, calls, emails, meetings): `hs_timestamp` is
//! required on create (communications and postal mail take their creation time without it),
//! they associate with contacts, companies, deals and tickets through HubSpot's defined type
//! ids, and a search finds them by `associations.{type}`.

use asym_kit::testing::Api;
use serde_json::{Value, json};

use crate::{api, assert_props, create, id, len, link, post, prop, read, search};

/// The activity time the tests' engagements are created at.
const AT: &str = "2025-03-01T10:00:00Z";

/// `POST /crm/v3/objects/{kind}` of an engagement with `properties` and the required
/// `hs_timestamp` ([`AT`]), expecting `status`; the reply's body.
async fn engage(api: &Api, kind: &str, mut properties: Value, status: u16) -> Value {
    properties["hs_timestamp"] = json!(AT);
    create(api, kind, &properties, status).await
}

/// Each engagement type HubSpot's SDKs write beside notes and tasks, a create body with its
/// type to contact 201, and the type id of the way back.
fn engagements() -> [(&'static str, Value, i64); 3] {
    [
        (
            "calls",
            json!({"hs_timestamp": AT, "hs_call_title": "Intro",
                "hs_call_body": "Talked pricing", "hs_call_direction": "OUTBOUND",
                "hs_call_duration": 90_000, "hs_call_status": "COMPLETED"}),
            194,
        ),
        (
            "emails",
            json!({"hs_timestamp": 1_740_823_200_000_i64, "hs_email_subject": "Quote",
                "hs_email_text": "Attached", "hs_email_direction": "EMAIL", "hs_email_status": "SENT"}),
            198,
        ),
        (
            "meetings",
            json!({"hs_timestamp": AT, "hs_meeting_title": "Demo",
                "hs_meeting_start_time": "2025-03-01T10:00:00Z",
                "hs_meeting_end_time": "2025-03-01T11:00:00Z", "hs_meeting_outcome": "SCHEDULED"}),
            200,
        ),
    ]
}

#[asym::clone("hubspot", seed = "basic")]
async fn calls_emails_and_meetings_are_objects_associated_with_contacts(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (kind, properties, type_id) in engagements() {
        let body = json!({"properties": properties, "associations": [link("201", type_id)]});
        let created = post(&api, &format!("/crm/v3/objects/{kind}"), &body, 201).await;
        assert_eq!(
            prop(&created, "hs_timestamp"),
            "2025-03-01T10:00:00.000Z",
            "{kind}"
        );
        let engagement = id(&created);
        let fetched = read(
            &api,
            &format!("/crm/v3/objects/{kind}/{engagement}?associations=contacts"),
        )
        .await;
        assert_eq!(
            fetched["associations"]["contacts"]["results"][0]["id"], "201",
            "{kind}"
        );
        let singular = kind.trim_end_matches('s');
        let back = read(
            &api,
            &format!("/crm/v4/objects/contacts/201/associations/{kind}"),
        )
        .await;
        assert_eq!(back["results"][0]["toObjectId"].to_string(), engagement);
        assert_eq!(
            back["results"][0]["associationTypes"][0]["typeId"],
            type_id - 1,
            "{kind}"
        );
        let found = search(
            &api,
            kind,
            &json!({"filterGroups": [{"filters": [
                {"propertyName": "associations.contact", "operator": "EQ", "value": "201"}
            ]}]}),
        )
        .await;
        assert_eq!(found["total"], 1, "{singular}");
        assert_eq!(id(&found["results"][0]), engagement);
    }
    // A link to an object that does not exist is refused, naming the type its type id means.
    let missing = post(
        &api,
        "/crm/v3/objects/calls",
        &json!({"properties": {"hs_timestamp": "2025-03-01T10:00:00Z"},
                "associations": [link("999999", 194)]}),
        400,
    )
    .await;
    assert_eq!(missing["message"], "One or more associations are invalid");
    assert_eq!(
        missing["context"]["INVALID_OBJECT_IDS"],
        json!(["CONTACT=999999 is not valid"])
    );
    // An unknown option is refused as for any enumeration.
    let refused = engage(&api, "calls", json!({"hs_call_direction": "SIDEWAYS"}), 400).await;
    assert_eq!(refused["errors"][0]["code"], "INVALID_OPTION", "{refused}");
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_engagement_without_hs_timestamp_is_refused(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (kind, properties) in [
        ("notes", json!({"hs_note_body": "x"})),
        ("tasks", json!({"hs_task_subject": "x"})),
        ("calls", json!({"hs_call_title": "x"})),
        ("emails", json!({"hs_email_subject": "x"})),
        (
            "meetings",
            json!({"hs_meeting_title": "x", "hs_timestamp": ""}),
        ),
    ] {
        let singular = kind.trim_end_matches('s').to_uppercase();
        for (path, body) in [
            (
                format!("/crm/v3/objects/{kind}"),
                json!({"properties": properties}),
            ),
            (
                format!("/crm/v3/objects/{kind}/batch/create"),
                json!({"inputs": [{"properties": properties}]}),
            ),
        ] {
            let refused = post(&api, &path, &body, 400).await;
            assert_eq!(refused["category"], "VALIDATION_ERROR");
            assert_eq!(
                refused["message"],
                format!("Error creating {singular}. Some required properties were not set.")
            );
            assert_eq!(refused["context"]["properties"], json!(["hs_timestamp"]));
        }
        let listed = read(&api, &format!("/crm/v3/objects/{kind}")).await;
        assert_eq!(len(&listed["results"]), 0, "{kind}");
    }
    // An update need not repeat it.
    let note = engage(&api, "notes", json!({"hs_note_body": "x"}), 201).await;
    api.patch(
        &format!("/crm/v3/objects/notes/{}", id(&note)),
        &json!({"properties": {"hs_note_body": "y"}}),
    )
    .await
    .expect(200);
}

#[asym::clone("hubspot", seed = "basic")]
async fn email_headers_fill_the_read_only_sender_and_recipient(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let headers = json!({"from": {"email": "from@domain.com", "firstName": "Fran", "lastName": "Smith"},
        "to": [{"email": "To One<to@test.com>", "firstName": "To", "lastName": "One"}], "cc": [], "bcc": []});
    let email = engage(
        &api,
        "emails",
        json!({"hs_email_headers": headers.to_string()}),
        201,
    )
    .await;
    let read = read(
        &api,
        &format!(
            "/crm/v3/objects/emails/{}?properties=hs_email_from_email,hs_email_from_firstname,hs_email_to_email,hs_email_to_lastname",
            id(&email)
        ),
    )
    .await;
    assert_props(
        &read,
        &[
            ("hs_email_from_email", "from@domain.com"),
            ("hs_email_from_firstname", "Fran"),
            ("hs_email_to_email", "to@test.com"),
            ("hs_email_to_lastname", "One"),
        ],
    );
    let refused = engage(
        &api,
        "emails",
        json!({"hs_email_from_email": "x@y.example"}),
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "READ_ONLY_VALUE");
}

#[asym::clone("hubspot", seed = "basic")]
async fn communications_and_postal_mail_are_logged_on_records(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    // An SMS logged on contact 201 and deal 401 (HubSpot's communications guide's body); a
    // postal mail on company 301, its time a date, as the postal mail guide writes it.
    let sms = post(
        &api,
        "/crm/v3/objects/communications",
        &json!({"properties": {"hs_communication_channel_type": "SMS",
                "hs_communication_logged_from": "CRM", "hs_communication_body": "Texted Linda",
                "hs_timestamp": AT, "hubspot_owner_id": "101"},
               "associations": [link("201", 81), link("401", 85)]}),
        201,
    )
    .await;
    let sms_id = id(&sms);
    let mail = post(
        &api,
        "/crm/v3/objects/postal_mail",
        &json!({"properties": {"hs_postal_mail_body": "Sent the contract", "hs_timestamp": "2025-03-01"},
               "associations": [link("301", 459)]}),
        201,
    )
    .await;
    assert_eq!(prop(&mail, "hs_timestamp"), "2025-03-01T00:00:00.000Z");
    // Read back by plural, singular and type id, with the default properties of the type.
    for path in [
        format!("/crm/v3/objects/communications/{sms_id}"),
        format!("/crm/v3/objects/communication/{sms_id}"),
        format!("/crm/v3/objects/0-18/{sms_id}"),
    ] {
        let got = read(&api, &path).await;
        assert_props(
            &got,
            &[
                ("hs_communication_channel_type", "SMS"),
                ("hs_communication_body", "Texted Linda"),
            ],
        );
    }
    let mails = read(&api, "/crm/v3/objects/0-116?properties=hs_postal_mail_body").await;
    assert_eq!(
        prop(&mails["results"][0], "hs_postal_mail_body"),
        "Sent the contract"
    );
    // Both directions are HubSpot's defined type ids.
    for (path, type_id, to) in [
        (
            "/crm/v4/objects/contacts/201/associations/communications",
            82,
            sms_id.clone(),
        ),
        (
            "/crm/v4/objects/deals/401/associations/communications",
            86,
            sms_id.clone(),
        ),
        (
            "/crm/v4/objects/companies/301/associations/postal_mail",
            460,
            id(&mail),
        ),
    ] {
        let back = read(&api, path).await;
        assert_eq!(back["results"][0]["toObjectId"].to_string(), to, "{path}");
        assert_eq!(
            back["results"][0]["associationTypes"][0]["typeId"], type_id,
            "{path}"
        );
    }
    let found = search(
        &api,
        "communications",
        &json!({"query": "linda", "filterGroups": [{"filters": [
            {"propertyName": "associations.contact", "operator": "EQ", "value": "201"}]}]}),
    )
    .await;
    assert_eq!(found["total"], 1);
    // The channel is one of HubSpot's three.
    let refused = engage(
        &api,
        "communications",
        json!({"hs_communication_channel_type": "FAX"}),
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "INVALID_OPTION");
    // Their guides do not require a time (the other engagements' do): a create without one,
    // single or in a batch, is placed on the timeline at its creation time.
    let untimed = [
        create(
            &api,
            "postal_mail",
            &json!({"hs_postal_mail_body": "x"}),
            201,
        )
        .await,
        create(
            &api,
            "communications",
            &json!({"hs_communication_channel_type": "SMS", "hs_communication_logged_from": "CRM",
                    "hs_timestamp": ""}),
            201,
        )
        .await,
        post(
            &api,
            "/crm/v3/objects/postal_mail/batch/create",
            &json!({"inputs": [{"properties": {"hs_postal_mail_body": "y"}}]}),
            201,
        )
        .await["results"][0]
            .clone(),
    ];
    for object in untimed {
        let stamp = prop(&object, "hs_timestamp");
        assert!(stamp.as_str().is_some_and(|s| s.ends_with('Z')), "{object}");
        assert_eq!(stamp, prop(&object, "createdate"), "{object}");
    }
    let labels = read(&api, "/crm/v4/associations/communications/contacts/labels").await;
    assert_eq!(labels["results"][0]["typeId"], 81);
}
