//! Marketing forms (the Forms v3 API: list, create, read, update, replace, archive, with their
//! refusals) and submissions (the public and secure submit routes, every documented error type,
//! the contact they create or update with its webhooks, the submissions read back).

use asym_kit::testing::{Api, assert_contains};
use serde_json::{Value, json};

use crate::webhooks::{next, subscribed, subscription_types};
use crate::{api, delete, id, len, patch, post, read, scoped, strs};

/// The forms route.
const FORMS: &str = "/marketing/v3/forms/";

/// A form with a required, domain-blocking email, a first name, a dropdown, a number and a
/// company name, thanking the visitor with `message`.
fn contact_form(message: &str) -> Value {
    json!({
        "name": "Contact us",
        "formType": "hubspot",
        "fieldGroups": [
            {"groupType": "default_group", "richTextType": "text", "fields": [
                {"objectTypeId": "0-1", "name": "email", "label": "Email", "required": true,
                 "hidden": false, "fieldType": "email",
                 "validation": {"blockedEmailDomains": ["spam.example"], "useDefaultBlockList": false}},
                {"objectTypeId": "0-1", "name": "firstname", "label": "First name",
                 "required": false, "hidden": false, "fieldType": "single_line_text"},
            ]},
            {"groupType": "default_group", "richTextType": "text", "fields": [
                {"name": "hs_lead_status", "fieldType": "dropdown", "options": [
                    {"label": "New", "value": "NEW", "displayOrder": 0},
                    {"label": "Open", "value": "OPEN", "displayOrder": 1},
                ]},
                {"name": "annualrevenue", "fieldType": "number"},
                {"objectTypeId": "0-2", "name": "name", "fieldType": "single_line_text"},
            ]},
        ],
        "configuration": {"postSubmitAction": {"type": "thank_you", "value": message}},
        "legalConsentOptions": {"type": "none"},
    })
}

/// The public submit path of form `form`.
fn submit_path(form: &str) -> String {
    format!("/submissions/v3/integration/submit/62515/{form}")
}

/// A client without credentials, as a website posts a form.
fn anonymous(hubspot: &asym::HubSpot) -> Api {
    Api::new(hubspot.api_url())
}

/// The `errorType`s of a refused submission, after checking its envelope.
fn error_types(reply: &Value) -> Vec<&str> {
    assert_eq!(reply["status"], "error");
    assert_eq!(reply["message"], "The request is not valid");
    assert!(reply["correlationId"].is_string());
    strs(&reply["errors"], "errorType")
}

#[asym::clone("hubspot", seed = "basic")]
async fn forms_are_created_read_listed_updated_and_archived(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let form = post(&api, FORMS, &contact_form("Thanks!"), 201).await;
    let form_id = id(&form);
    assert_eq!(form_id.len(), 36);
    assert_eq!(form["formType"], "hubspot");
    assert_eq!(form["archived"], false);
    assert_eq!(form["fieldGroups"][0]["fields"][1]["label"], "First name");
    assert_eq!(form["fieldGroups"][1]["fields"][0]["objectTypeId"], "0-1");
    assert_eq!(form["configuration"]["language"], "en");
    assert_eq!(form["configuration"]["recaptchaEnabled"], false);
    assert_eq!(form["displayOptions"]["submitButtonText"], "Submit");
    assert_eq!(form["legalConsentOptions"]["type"], "none");

    let path = format!("{FORMS}{form_id}");
    assert_eq!(read(&api, &path).await, form);
    let phone = json!({"name": "phone", "fieldType": "phone"});
    let newsletter = json!({"name": "Newsletter", "fieldGroups": [{"fields": [phone]}]});
    let second = post(&api, FORMS, &newsletter, 201).await;
    let phone = &second["fieldGroups"][0]["fields"][0];
    assert_eq!(phone["validation"]["minAllowedDigits"], 7);
    assert_eq!(phone["useCountryCodeSelect"], false);
    let page = read(&api, "/marketing/v3/forms/?limit=1").await;
    assert_eq!(len(&page["results"]), 1);
    assert_eq!(page["results"][0]["id"], form["id"]);
    let after = page["paging"]["next"]["after"].as_str().unwrap().to_owned();
    let rest = read(&api, &format!("{FORMS}?limit=1&after={after}")).await;
    assert_eq!(rest["results"][0]["id"], second["id"]);
    assert!(rest.get("paging").is_none());
    let captured = read(&api, &format!("{FORMS}?formTypes=captured")).await;
    assert_eq!(len(&captured["results"]), 0);
    let all = read(&api, &format!("{FORMS}?formTypes=all")).await;
    assert_eq!(len(&all["results"]), 2);

    let patched = patch(
        &api,
        &path,
        &json!({"name": "Talk to sales", "configuration": {"postSubmitAction":
            {"type": "redirect_url", "value": "https://acme.example/thanks"}}}),
    )
    .await;
    assert_eq!(patched["name"], "Talk to sales");
    assert_eq!(patched["fieldGroups"], form["fieldGroups"]);
    assert_eq!(
        patched["configuration"]["postSubmitAction"]["type"],
        "redirect_url"
    );
    let replaced = api
        .put(
            &path,
            &json!({"name": "Bare", "formType": "hubspot", "fieldGroups": []}),
        )
        .await
        .expect(200);
    assert_eq!(replaced["fieldGroups"], json!([]));
    assert_eq!(replaced["createdAt"], form["createdAt"]);

    delete(&api, &path, 204).await;
    api.get(&path).await.expect(404);
    let archived = read(&api, &format!("{path}?archived=true")).await;
    assert_eq!(archived["archived"], true);
    assert!(archived["archivedAt"].is_string());
    let archived_list = read(&api, &format!("{FORMS}?archived=true")).await;
    assert_eq!(len(&archived_list["results"]), 1);
    delete(&api, &path, 404).await;
    let restored = patch(&api, &path, &json!({"archived": false})).await;
    assert_eq!(restored["archived"], false);
    assert!(restored.get("archivedAt").is_none());
}

#[asym::clone("hubspot", seed = "basic")]
async fn form_writes_are_refused_as_hubspot_refuses_them(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let four = json!({"name": "email", "fieldType": "email"});
    let field = |f: Value| json!({"name": "x", "fieldGroups": [{"fields": [f]}]});
    let refusals = [
        (
            json!({"formType": "hubspot"}),
            "some of required attributes are not set [name]",
        ),
        (
            json!({"name": "x", "formType": "captured"}),
            "formType must be one of hubspot",
        ),
        (field(json!({"name": "email"})), "[fieldType]"),
        (
            field(json!({"name": "email", "fieldType": "slider"})),
            "fieldType must be one of",
        ),
        (
            field(json!({"name": "nope", "fieldType": "number"})),
            "Property \"nope\" does not exist on object type 0-1",
        ),
        (
            json!({"name": "x", "fieldGroups": [{"fields": [four, four, four, four]}]}),
            "at most 3 fields",
        ),
        (
            json!({"name": "x", "fieldGroups": [{"fields": [four]}, {"fields": [four]}]}),
            "more than once",
        ),
        (
            json!({"name": "x", "legalConsentOptions": {"type": "maybe"}}),
            "legalConsentOptions.type must be one of",
        ),
        (
            json!({"name": "x", "configuration": {"postSubmitAction": {"type": "popup"}}}),
            "postSubmitAction.type",
        ),
        (
            json!({"name": "x", "fieldGroups": {}}),
            "fieldGroups must be an array",
        ),
        (
            json!({"name": "x", "configuration": {"language": "klingon"}}),
            "configuration.language must be one of",
        ),
    ];
    for (body, text) in refusals {
        form_refused(&api, body, text).await;
    }

    api.get(&format!("{FORMS}not-a-form")).await.expect(404);
    let unknown = format!("{FORMS}00000000-0000-4000-8000-000000000000");
    let reply = api.get(&unknown).await.expect(404);
    assert_eq!(reply["category"], "OBJECT_NOT_FOUND");
    api.patch(&unknown, &json!({"name": "x"})).await.expect(404);
    api.put(&unknown, &json!({"name": "x"})).await.expect(404);
    api.get(&format!("{FORMS}?formTypes=poll"))
        .await
        .expect(400);
    api.get(&format!("{FORMS}?limit=0")).await.expect(400);

    anonymous(&hubspot).get(FORMS).await.expect(401);
    let narrow = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    let reply = narrow.get(FORMS).await.expect(403);
    assert_eq!(reply["category"], "MISSING_SCOPES");
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_submission_creates_then_updates_the_contact_with_its_webhooks(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let form = id(&post(&api, FORMS, &contact_form("Thanks!"), 201).await);
    let creation = json!({"eventType": "contact.creation"});
    let change = json!({"eventType": "contact.propertyChange", "propertyName": "firstname"});
    let receiver = subscribed(&hubspot, &[creation, change]).await;
    let web = anonymous(&hubspot);
    let body = json!({
        "submittedAt": "1704067200000",
        "fields": [
            {"objectTypeId": "0-1", "name": "email", "value": "visitor@web.example"},
            {"objectTypeId": "0-1", "name": "firstname", "value": "Vi"},
            {"name": "hs_lead_status", "value": "NEW"},
            {"objectTypeId": "0-2", "name": "name", "value": "Web Co"},
        ],
        "legalConsentOptions": {"consent": {"consentToProcess": true, "text": "I agree",
            "communications": [{"value": true, "subscriptionTypeId": 7001, "text": "Marketing"},
                               {"value": false, "subscriptionTypeId": 7003, "text": "Service"}]}},
        "context": {"hutk": "0123456789abcdef0123456789abcdef", "pageUri": "https://acme.example/contact",
                    "pageName": "Contact", "ipAddress": "192.0.2.1"},
    });
    let thanks = post(&web, &submit_path(&form), &body, 200).await;
    assert_eq!(thanks, json!({"inlineMessage": "Thanks!"}));
    let contact = read(
        &api,
        "/crm/v3/objects/contacts/visitor@web.example?idProperty=email&properties=firstname,hs_lead_status",
    )
    .await;
    assert_eq!(contact["properties"]["firstname"], "Vi");
    assert_eq!(contact["properties"]["hs_lead_status"], "NEW");
    let events = next(&receiver).await;
    assert_eq!(
        subscription_types(&events),
        ["contact.creation", "contact.propertyChange"]
    );
    // The consent given subscribed the address to the types it chose.
    let statuses = read(
        &api,
        "/communication-preferences/v3/status/email/visitor@web.example",
    )
    .await;
    let status = |id: &str| {
        statuses["subscriptionStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(status("7001")["status"], "SUBSCRIBED");
    assert_eq!(status("7001")["legalBasis"], "CONSENT_WITH_NOTICE");
    assert_eq!(status("7003")["status"], "NOT_SUBSCRIBED");
    // The company values made the contact's primary company.
    let contact_id = id(&contact);
    let linked = read(
        &api,
        &format!("/crm/v4/objects/contacts/{contact_id}/associations/companies"),
    )
    .await;
    assert_eq!(len(&linked["results"]), 1);
    let type_ids: Vec<i64> = linked["results"][0]["associationTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["typeId"].as_i64().unwrap())
        .collect();
    assert!(type_ids.contains(&1), "{linked}");
    let company = linked["results"][0]["toObjectId"].as_i64().unwrap();
    let company_path = format!("/crm/v3/objects/companies/{company}");
    assert_eq!(
        read(&api, &company_path).await["properties"]["name"],
        "Web Co"
    );

    let secure = format!("/submissions/v3/integration/secure/submit/62515/{form}");
    let again = json!({"fields": [
        {"name": "email", "value": "visitor@web.example"},
        {"name": "firstname", "value": "Vivian"},
        {"objectTypeId": "0-2", "name": "name", "value": "Web Company"},
    ]});
    post(&api, &secure, &again, 200).await;
    let updated = read(
        &api,
        "/crm/v3/objects/contacts/visitor@web.example?idProperty=email&properties=firstname",
    )
    .await;
    assert_eq!(updated["id"], contact["id"]);
    assert_eq!(updated["properties"]["firstname"], "Vivian");
    let events = next(&receiver).await;
    assert_eq!(subscription_types(&events), ["contact.propertyChange"]);
    assert_eq!(events[0]["propertyValue"], "Vivian");
    assert_eq!(
        read(&api, &company_path).await["properties"]["name"],
        "Web Company"
    );

    let read_back = submissions(&api, &form, "").await;
    assert_eq!(len(&read_back["results"]), 2);
    assert_eq!(
        read_back["results"][1]["submittedAt"],
        1_704_067_200_000_i64
    );
    assert_eq!(
        read_back["results"][1]["pageUrl"],
        "https://acme.example/contact"
    );
    assert_eq!(read_back["results"][0]["values"][1]["value"], "Vivian");
    let page = submissions(&api, &form, "?limit=1").await;
    let after = page["paging"]["next"]["after"].as_str().unwrap().to_owned();
    let rest = submissions(&api, &form, &format!("?limit=1&after={after}")).await;
    assert_eq!(
        rest["results"][0]["pageUrl"],
        "https://acme.example/contact"
    );
    api.get("/form-integrations/v1/submissions/forms/00000000-0000-4000-8000-000000000000")
        .await
        .expect(404);

    // The secure route needs a token with the forms scope.
    web.post(&secure, &again).await.expect(401);
    let narrow = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    narrow.post(&secure, &again).await.expect(403);

    // A redirecting form answers its redirect.
    patch(
        &api,
        &format!("{FORMS}{form}"),
        &json!({"configuration": {"postSubmitAction": {"type": "redirect_url", "value": "https://acme.example/thanks"}}}),
    )
    .await;
    let redirect = post(&web, &submit_path(&form), &again, 200).await;
    assert_eq!(
        redirect,
        json!({"redirectUri": "https://acme.example/thanks"})
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn every_documented_submission_error_is_answered(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let form = id(&post(&api, FORMS, &contact_form(""), 201).await);
    let web = anonymous(&hubspot);
    let path = submit_path(&form);
    let refused = |body: Value| submission_refused(&web, &path, body);
    let email = |value: &str| json!({"name": "email", "value": value});

    let reply = refused(json!({"fields": [email("not-an-email")]})).await;
    assert_eq!(error_types(&reply), ["INVALID_EMAIL"]);
    assert_eq!(
        reply["errors"][0]["message"],
        "Error in 'fields.email'. Invalid email address"
    );
    let reply = refused(json!({"fields": [email("x@spam.example")]})).await;
    assert_eq!(error_types(&reply), ["BLOCKED_EMAIL"]);
    let reply = refused(json!({"fields": [{"name": "firstname", "value": "No email"}]})).await;
    assert_eq!(error_types(&reply), ["REQUIRED_FIELD"]);
    assert_eq!(
        reply["errors"][0]["message"],
        "Error in 'fields.email'. Required field 'email' is missing"
    );
    let reply =
        refused(json!({"fields": [email("a@b.example"), {"name": "jobtitle", "value": "x"}]}))
            .await;
    assert_eq!(error_types(&reply), ["FIELD_NOT_IN_FORM_DEFINITION"]);
    let reply = refused(json!({"fields": [email("a@b.example"),
        {"objectTypeId": "0-2", "name": "domain", "value": "x"}]}))
    .await;
    assert_contains(&reply["errors"][0]["message"], "fields.0-2/domain");
    let reply = refused(
        json!({"fields": [email("a@b.example"), {"name": "annualrevenue", "value": "lots"}]}),
    )
    .await;
    assert_eq!(error_types(&reply), ["INVALID_NUMBER"]);
    let reply = refused(
        json!({"fields": [email("a@b.example"), {"name": "hs_lead_status", "value": "MAYBE"}]}),
    )
    .await;
    assert_eq!(error_types(&reply), ["VALUE_NOT_IN_FIELD_DEFINITION"]);
    let huge = "x".repeat(65_537);
    let reply =
        refused(json!({"fields": [email("a@b.example"), {"name": "firstname", "value": huge}]}))
            .await;
    assert_eq!(error_types(&reply), ["INPUT_TOO_LARGE"]);
    let many: Vec<Value> = (0..1001).map(|_| email("a@b.example")).collect();
    let reply = refused(json!({ "fields": many })).await;
    assert_eq!(
        error_types(&reply),
        ["MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED"]
    );

    let with = |extra: Value| {
        let mut body = json!({"fields": [email("a@b.example")]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let reply = refused(with(json!({"context": {"referrer": "x"}}))).await;
    assert_eq!(error_types(&reply), ["INVALID_METADATA"]);
    let reply = refused(with(json!({"context": {"hutk": "nope"}}))).await;
    assert_eq!(error_types(&reply), ["INVALID_HUTK"]);
    let reply = refused(with(json!({"context": {"ipAddress": "300.1.1.1"}}))).await;
    assert_eq!(error_types(&reply), ["INVALID_IP_ADDRESS"]);
    let reply = refused(with(json!({"context": {"pageUri": "not a uri"}}))).await;
    assert_eq!(error_types(&reply), ["INVALID_PAGE_URI"]);
    let reply = refused(with(json!({"legalConsentOptions": {}}))).await;
    assert_eq!(error_types(&reply), ["INVALID_LEGAL_OPTION_FORMAT"]);
    let both = json!({"consent": {"consentToProcess": true, "text": "ok"},
                      "legitimateInterest": {"value": true, "text": "ok"}});
    let reply = refused(with(json!({ "legalConsentOptions": both }))).await;
    assert_eq!(error_types(&reply), ["INVALID_LEGAL_OPTION_FORMAT"]);
    let reply = refused(with(
        json!({"legalConsentOptions": {"consent": {"consentToProcess": false, "text": "ok"}}}),
    ))
    .await;
    assert_eq!(error_types(&reply), ["MISSING_PROCESSING_CONSENT"]);
    let reply = refused(with(
        json!({"legalConsentOptions": {"consent": {"consentToProcess": true}}}),
    ))
    .await;
    assert_eq!(error_types(&reply), ["MISSING_PROCESSING_CONSENT_TEXT"]);
    let communications = json!([
        {"value": true, "subscriptionTypeId": 999, "text": "News"},
        {"value": true, "subscriptionTypeId": 999},
    ]);
    let reply = refused(with(json!({"legalConsentOptions": {"consent": {
        "consentToProcess": true, "text": "ok", "communications": communications}}})))
    .await;
    assert_eq!(
        error_types(&reply),
        [
            "MISSING_COMMUNICATION_CONSENT_TEXT",
            "DUPLICATE_SUBSCRIPTION_TYPE_ID"
        ]
    );
    let reply = refused(with(
        json!({"legalConsentOptions": {"legitimateInterest": {"value": true}}}),
    ))
    .await;
    assert_eq!(error_types(&reply), ["MISSING_LEGITIMATE_INTEREST_TEXT"]);
    let consented = with(json!({"legalConsentOptions": {"legitimateInterest": {
        "value": true, "subscriptionTypeId": 999, "legalBasis": "CUSTOMER", "text": "ok"}}}));
    let thanks = post(&web, &path, &consented, 200).await;
    assert_eq!(thanks["inlineMessage"], "Thanks for submitting the form.");

    // A form asking for explicit consent refuses a submission without it.
    patch(
        &api,
        &format!("{FORMS}{form}"),
        &json!({"legalConsentOptions": {"type": "explicit_consent_to_process",
            "communicationsCheckboxes": [], "privacyText": "Privacy"}}),
    )
    .await;
    let reply = refused(with(json!({}))).await;
    assert_eq!(error_types(&reply), ["MISSING_PROCESSING_CONSENT"]);

    patch(
        &api,
        &format!("{FORMS}{form}"),
        &json!({"configuration": {"recaptchaEnabled": true}}),
    )
    .await;
    let reply = refused(with(json!({}))).await;
    assert_eq!(error_types(&reply), ["FORM_HAS_RECAPTCHA_ENABLED"]);

    // An unknown portal or form, and an archived form: 404.
    web.post(
        &format!("/submissions/v3/integration/submit/1/{form}"),
        &with(json!({})),
    )
    .await
    .expect(404);
    web.post(
        "/submissions/v3/integration/submit/62515/00000000-0000-4000-8000-000000000000",
        &with(json!({})),
    )
    .await
    .expect(404);
    // A body without fields, or with a field that is not `{name, value}`.
    let reply = web.post(&path, &json!({})).await.expect(400);
    assert_contains(&reply["message"], "[fields]");
    web.post(&path, &json!({"fields": [{"name": "email"}]}))
        .await
        .expect(400);
    delete(&api, &format!("{FORMS}{form}"), 204).await;
    web.post(&path, &with(json!({}))).await.expect(404);
}

/// Asserts that creating a form with `body` is refused with 400 `VALIDATION_ERROR` saying
/// `text`.
async fn form_refused(api: &Api, body: Value, text: &str) {
    let reply = api.post(FORMS, &body).await.expect(400);
    assert_eq!(reply["category"], "VALIDATION_ERROR");
    assert_contains(&reply["message"], text);
}

/// `POST path` with `body` from `web`, asserting HTTP 400; the body.
async fn submission_refused(web: &Api, path: &str, body: Value) -> Value {
    web.post(path, &body).await.expect(400)
}

/// The submissions of `form` (`query` appended to the path), asserting HTTP 200.
async fn submissions(api: &Api, form: &str, query: &str) -> Value {
    let path = format!("/form-integrations/v1/submissions/forms/{form}{query}");
    read(api, &path).await
}
