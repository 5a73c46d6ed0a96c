//! Customers (customer requests): `customerCreate`/`Update`/`Delete`/`Upsert`/`Merge`,
//! customer statuses and tiers, customer needs on issues and projects, their reads and
//! filters, and their webhooks.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::{
    ADA, Writes, archive_payload, argument_error, ask, assert_fields, assert_filtered, client,
    delete_payload, delivered, missing, mutate, not_found, query, refused_as, refused_for,
    refused_inputs_as, subscribed_to, with_id,
};

/// A customer as @linear/sdk's fragment selects it (less its needs' project attachment).
const CUSTOMER: &str = "id name slugId domains externalIds slackChannelId url revenue size
    approximateNeedCount mainSourceId logoUrl status { id } tier { id } owner { id }
    integration { id } needs { id body priority issue { id } project { id } customer { id } }
    createdAt updatedAt archivedAt";
/// A need as @linear/sdk's fragment selects it.
const NEED: &str = "id body content priority url customer { id } issue { id } project { id }
    originalIssue { id } attachment { id } comment { id } creator { id } projectAttachment { id }
    createdAt updatedAt archivedAt";
/// The seeded statuses.
const ACTIVE: &str = "c5000000-0000-4000-8000-000000000001";
const INACTIVE: &str = "c5000000-0000-4000-8000-000000000002";
/// ENG-1, ENG-2 and the project Launch of the `basic` fixture.
const ENG_1: &str = "20000000-0000-4000-8000-000000000001";
const ENG_2: &str = "20000000-0000-4000-8000-000000000002";

fn customers(api: &asym_kit::testing::Api) -> Writes<'_> {
    Writes::new(api, "Customer", "customer", CUSTOMER)
}

fn needs(api: &asym_kit::testing::Api) -> Writes<'_> {
    Writes::new(api, "CustomerNeed", "need", NEED)
}

fn id(object: &Value) -> String {
    object["id"].as_str().unwrap().to_owned()
}

/// Launch's id.
async fn launch(api: &asym_kit::testing::Api) -> String {
    let got = ask(
        api,
        r#"{ projects(filter: {name: {eq: "Launch"}}) { nodes { id } } }"#,
    )
    .await;
    id(&got["projects"]["nodes"][0])
}

#[asym::clone("linear", seed = "basic")]
async fn a_customer_is_kept_found_and_refused_as_linear_does(linear: asym::Linear) {
    let api = client(&linear);
    let writes = customers(&api);
    let input = json!({"name": "Globex", "domains": ["globex.com", "globex.com", "gx.io"],
                       "externalIds": ["crm-1"], "mainSourceId": "crm-1", "revenue": 50000,
                       "size": 20, "ownerId": ADA, "slackChannelId": "C01"});
    let globex = writes.create(input).await;
    assert_fields(
        &globex,
        &json!({"name": "Globex", "domains": ["globex.com", "gx.io"], "externalIds": ["crm-1"],
                "revenue": 50000, "size": 20, "owner": {"id": ADA},
                "status": {"id": ACTIVE}, "tier": null, "integration": null,
                "approximateNeedCount": 0, "needs": [], "archivedAt": null}),
    );
    let slug = globex["slugId"].as_str().unwrap();
    assert!(
        globex["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/customers/{slug}"))
    );
    let one = format!("query($id: String!) {{ customer(id: $id) {{ {CUSTOMER} }} }}");
    assert_eq!(with_id(&api, &one, id(&globex)).await["customer"], globex);
    assert_eq!(
        with_id(&api, &one, slug).await["customer"],
        globex,
        "by slugId"
    );
    let initech = writes
        .create(json!({"name": "Initech", "statusId": INACTIVE}))
        .await;
    let cases = [
        (json!({}), &["Initech", "Globex"][..]),
        (json!({"domains": {"some": {"eq": "gx.io"}}}), &["Globex"]),
        (json!({"domains": {"length": {"eq": 0}}}), &["Initech"]),
        (
            json!({"externalIds": {"every": {"startsWith": "crm"}}}),
            &["Initech", "Globex"],
        ),
        (
            json!({"status": {"name": {"eq": "Inactive"}}}),
            &["Initech"],
        ),
        (json!({"owner": {"null": true}}), &["Initech"]),
        (
            json!({"revenue": {"gt": 1000}, "slackChannelId": {"eq": "C01"}}),
            &["Globex"],
        ),
    ];
    assert_filtered(&api, "customers", "CustomerFilter", "name", cases).await;
    refused_for(
        &api,
        "{ customers(sorts: [{ name: { order: Ascending } }]) { nodes { id } } }",
        json!({}),
        "`sorts`",
    )
    .await;

    // Domains, external ids and a Slack channel are one customer's; a name is not blank, a
    // logo at a URL, the main source one of its external ids, a status one of the workspace's.
    let duplicate = |input, message| (input, message, message);
    refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            duplicate(
                json!({"name": "Copy", "domains": ["GX.io", "gx.io"]}),
                "A customer with this domain already exists.",
            ),
            duplicate(
                json!({"name": "Copy", "externalIds": ["crm-1"]}),
                "A customer with this external ID already exists.",
            ),
            duplicate(
                json!({"name": "Copy", "slackChannelId": "C01"}),
                "A customer with this Slack channel already exists.",
            ),
            argument_error(json!({"name": " "}), "name should not be empty"),
            argument_error(
                json!({"name": "Logo", "logoUrl": "logo.png"}),
                "logoUrl must be a URL address",
            ),
            argument_error(
                json!({"name": "Main", "externalIds": ["a"], "mainSourceId": "b"}),
                "mainSourceId must be one of the values in externalIds.",
            ),
            argument_error(json!({"name": "Id", "id": "nope"}), "id must be a UUID."),
        ],
    )
    .await;
    missing(
        &api,
        &writes.create_doc,
        json!({"input": {"name": "Lost", "statusId": "nope"}}),
        "CustomerStatus",
    )
    .await;

    let updated = writes
        .update(
            id(&initech),
            json!({"domains": ["initech.com"], "revenue": 7}),
        )
        .await;
    assert_fields(&updated, &json!({"domains": ["initech.com"], "revenue": 7}));
    let taken = "A customer with this domain already exists.";
    let variables = json!({"id": id(&globex), "input": {"domains": ["initech.com"]}});
    refused_as(&api, &writes.update_doc, variables, taken, taken).await;
    delete_payload(&api, "customerDelete", id(&initech)).await;
    not_found(&api, "customer", id(&initech), "Customer").await;
    let count = ask(&api, "{ organization { customerCount } }").await;
    assert_eq!(count["organization"]["customerCount"], 1);
}

#[asym::clone("linear", seed = "basic")]
async fn statuses_and_tiers_rank_the_workspaces_customers(linear: asym::Linear) {
    let (api, fields) = (
        client(&linear),
        "id name displayName color description position type archivedAt",
    );
    let list = format!("{{ customerStatuses {{ nodes {{ {fields} }} }} }}");
    let seeded = ask(&api, &list).await;
    assert_eq!(
        pluck(&seeded["customerStatuses"]["nodes"], "name"),
        ["Inactive", "Active"],
        "newest first"
    );
    assert_fields(
        &seeded["customerStatuses"]["nodes"][1],
        &json!({"id": ACTIVE, "displayName": "Active", "position": 1, "type": null}),
    );
    let statuses = Writes::new(&api, "CustomerStatus", "status", fields);
    let trial = statuses
        .create(json!({"displayName": "Trial", "color": "#00f"}))
        .await;
    assert_fields(
        &trial,
        &json!({"name": "Trial", "displayName": "Trial", "position": 3}),
    );
    let tiers = Writes::new(&api, "CustomerTier", "tier", &fields.replace(" type", ""));
    let enterprise = tiers
        .create(json!({"name": "Enterprise", "color": "#ff0000", "position": 5}))
        .await;
    assert_fields(
        &enterprise,
        &json!({"displayName": "Enterprise", "position": 5}),
    );
    let renamed = tiers
        .update(
            id(&enterprise),
            json!({"displayName": "Big", "description": "Large"}),
        )
        .await;
    assert_fields(
        &renamed,
        &json!({"name": "Enterprise", "displayName": "Big"}),
    );
    let both = "At least one of name or displayName must be provided.";
    for writes in [&statuses, &tiers] {
        refused_inputs_as(
            &api,
            &writes.create_doc,
            [
                argument_error(json!({"color": "#fff"}), both),
                argument_error(
                    json!({"name": "Red", "color": "red"}),
                    "color must be a hexadecimal color",
                ),
            ],
        )
        .await;
    }
    let taken = "A customer tier with this name already exists.";
    let again = json!({"input": {"name": "Enterprise", "color": "#fff"}});
    refused_as(&api, &tiers.create_doc, again, taken, taken).await;

    // A customer of a status deleted moves to the first left; of a tier deleted, has none.
    let customer = customers(&api)
        .create(json!({"name": "Globex", "statusId": ACTIVE, "tierId": id(&enterprise)}))
        .await;
    let cases = [
        (
            json!({"tier": {"displayName": {"eq": "Big"}}}),
            &["Globex"][..],
        ),
        (json!({"status": {"type": {"eq": "active"}}}), &[]),
    ];
    assert_filtered(&api, "customers", "CustomerFilter", "name", cases).await;
    delete_payload(&api, "customerStatusDelete", ACTIVE).await;
    delete_payload(&api, "customerTierDelete", id(&enterprise)).await;
    let text = "query($id: String!) { customer(id: $id) { status { name } tier { id } } }";
    let after = with_id(&api, text, id(&customer)).await["customer"].clone();
    assert_eq!(after, json!({"status": {"name": "Inactive"}, "tier": null}));
    not_found(&api, "customerTier", id(&enterprise), "CustomerTier").await;
    let one = "query($id: String!) { customerStatus(id: $id) { name } }";
    assert_eq!(
        with_id(&api, one, id(&trial)).await["customerStatus"]["name"],
        "Trial"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn needs_are_on_one_issue_or_project_of_a_customer(linear: asym::Linear) {
    let api = client(&linear);
    let project = launch(&api).await;
    let globex = id(&customers(&api)
        .create(json!({"name": "Globex", "externalIds": ["crm-1"]}))
        .await);
    let writes = needs(&api);
    let sso = writes
        .create(
            json!({"customerExternalId": "crm-1", "issueId": "ENG-1", "body": "SSO please",
                       "priority": 1, "attachmentUrl": "https://support.example/t/1"}),
        )
        .await;
    assert_fields(
        &sso,
        &json!({"body": "SSO please", "content": "SSO please", "priority": 1,
                "url": "https://support.example/t/1", "customer": {"id": globex},
                "issue": {"id": ENG_1}, "project": {"id": project}, "originalIssue": null,
                "creator": {"id": ADA}, "projectAttachment": null}),
    );
    let attachment = sso["attachment"]["id"].as_str().unwrap().to_owned();
    let own = writes
        .create(json!({"customerId": globex, "projectId": project}))
        .await;
    assert_fields(
        &own,
        &json!({"issue": null, "project": {"id": project}, "priority": 0}),
    );

    let reads = query(
        &api,
        "query($id: String!, $c: String!) {
           issue(id: \"ENG-1\") { needs { nodes { id } } formerNeeds { nodes { id } } }
           project(id: $id) { needs { nodes { id } } }
           customer(id: $c) { approximateNeedCount needs { id } } }",
        json!({"id": project, "c": globex}),
    )
    .await;
    assert_eq!(pluck(&reads["issue"]["needs"]["nodes"], "id"), [id(&sso)]);
    assert_eq!(
        pluck(&reads["project"]["needs"]["nodes"], "id"),
        [id(&own), id(&sso)]
    );
    assert_eq!(
        pluck(&reads["customer"]["needs"], "id"),
        [id(&own), id(&sso)]
    );
    assert_eq!(reads["customer"]["approximateNeedCount"], 2);
    assert_filtered(
        &api,
        "customerNeeds",
        "CustomerNeedFilter",
        "id",
        [
            (json!({"priority": {"eq": 1}}), &[id(&sso).as_str()][..]),
            (json!({"issue": {"null": true}}), &[id(&own).as_str()]),
            (json!({"customer": {"name": {"eq": "Globex"}}, "project": {"name": {"eq": "Launch"}}}),
             &[id(&own).as_str(), id(&sso).as_str()]),
        ],
    )
    .await;
    assert_filtered(
        &api,
        "issues",
        "IssueFilter",
        "identifier",
        [
            (json!({"customerImportantCount": {"eq": 1}}), &["ENG-1"][..]),
            (
                json!({"needs": {"some": {"customer": {"name": {"eq": "Globex"}}}}}),
                &["ENG-1"],
            ),
        ],
    )
    .await;

    // Exactly one of an issue and a project; a priority of 0 or 1; one way to the customer.
    refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            argument_error(
                json!({"customerId": globex}),
                "Exactly one of issueId or projectId must be defined.",
            ),
            argument_error(
                json!({"issueId": "ENG-1", "projectId": project}),
                "Exactly one of issueId or projectId must be defined.",
            ),
            argument_error(
                json!({"issueId": "ENG-1", "priority": 0.5}),
                "priority must be 0 or 1.",
            ),
            argument_error(
                json!({"issueId": "ENG-1", "customerId": globex, "customerExternalId": "crm-1"}),
                "Only one of customerId or customerExternalId may be defined.",
            ),
            argument_error(
                json!({"issueId": "ENG-1", "attachmentUrl": "ticket"}),
                "attachmentUrl must be a URL address",
            ),
        ],
    )
    .await;
    for (input, entity) in [
        (json!({"issueId": "ENG-99"}), "Issue"),
        (
            json!({"issueId": "ENG-1", "customerExternalId": "crm-9"}),
            "Customer",
        ),
        (json!({"projectId": "nope"}), "Project"),
    ] {
        missing(&api, &writes.create_doc, json!({ "input": input }), entity).await;
    }

    // Moved to another issue, a need is the first issue's former need.
    let update = "mutation($id: String!, $input: CustomerNeedUpdateInput!) {
        customerNeedUpdate(id: $id, input: $input, clearAttachment: true) {
          success updatedRelatedNeeds { id } need { issue { id } originalIssue { id } attachment { id } } } }";
    let moved = mutate(
        &api,
        update,
        json!({"id": id(&sso), "input": {"issueId": "ENG-2"}}),
    )
    .await;
    assert_eq!(
        (&moved["need"], &moved["updatedRelatedNeeds"]),
        (
            &json!({"issue": {"id": ENG_2}, "originalIssue": {"id": ENG_1}, "attachment": null}),
            &json!([])
        )
    );
    let former = "{ issue(id: \"ENG-1\") { formerNeeds { nodes { id } } } }";
    let former = ask(&api, former).await["issue"]["formerNeeds"]["nodes"].clone();
    assert_eq!(pluck(&former, "id"), [id(&sso)], "moved off ENG-1");

    let archived = archive_payload(&api, "customerNeedArchive", id(&own), "id archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let listed = ask(&api, "{ customerNeeds { nodes { id } } }").await;
    assert_eq!(pluck(&listed["customerNeeds"]["nodes"], "id"), [id(&sso)]);
    archive_payload(&api, "customerNeedUnarchive", id(&own), "id").await;
    delete_payload(&api, "customerNeedDelete", id(&sso)).await;
    let one = "query($id: String!) { customerNeed(id: $id) { id } }";
    missing(&api, one, json!({"id": id(&sso)}), "CustomerNeed").await;
    // Its attachment, let go of by `clearAttachment`, stays on the issue.
    let kept = "query($id: String!) { attachment(id: $id) { id } }";
    assert_eq!(
        with_id(&api, kept, &attachment).await["attachment"]["id"],
        attachment
    );

    // Deleted, a need takes its attachment with it (unless `keepAttachment: true`).
    let ticket = json!({"issueId": "ENG-3", "attachmentUrl": "https://support.example/t/2"});
    let ticket = writes.create(ticket).await;
    delete_payload(&api, "customerNeedDelete", id(&ticket)).await;
    let source = ticket["attachment"]["id"].clone();
    missing(&api, kept, json!({ "id": source }), "Attachment").await;

    // The clone keeps no subscriptions to a customer.
    let subscribe = "mutation($i: NotificationSubscriptionCreateInput!) {
        notificationSubscriptionCreate(input: $i) { success } }";
    refused_for(
        &api,
        subscribe,
        json!({"i": {"customerId": globex}}),
        "`customerId`",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn an_upsert_matches_and_a_merge_moves_the_needs(linear: asym::Linear) {
    let api = client(&linear);
    let upsert = format!(
        "mutation($input: CustomerUpsertInput!) {{ customerUpsert(input: $input) {{
            success customer {{ {CUSTOMER} }} }} }}"
    );
    let made = mutate(
        &api,
        &upsert,
        json!({"input": {"externalId": "crm-1", "name": "Globex"}}),
    )
    .await["customer"]
        .clone();
    assert_eq!(made["externalIds"], json!(["crm-1"]));
    let matched = mutate(
        &api,
        &upsert,
        json!({"input": {"externalId": "crm-1", "revenue": 9}}),
    )
    .await["customer"]
        .clone();
    assert_eq!(
        (&matched["id"], &matched["revenue"]),
        (&made["id"], &json!(9))
    );
    let by_id = json!({"input": {"id": made["id"], "externalId": "crm-2", "domains": ["g.com"]}});
    let added = mutate(&api, &upsert, by_id).await["customer"].clone();
    assert_eq!(added["externalIds"], json!(["crm-1", "crm-2"]));
    let by_domain = json!({"input": {"domains": ["g.com"], "size": 3}});
    let found = mutate(&api, &upsert, by_domain).await["customer"].clone();
    assert_eq!((&found["id"], &found["size"]), (&made["id"], &json!(3)));
    refused_for(
        &api,
        &upsert,
        json!({"input": {"externalId": "crm-9"}}),
        "`name`",
    )
    .await;
    refused_for(
        &api,
        &upsert,
        json!({"input": {"name": "Tiered", "tierName": "Gold"}}),
        "`tierName`",
    )
    .await;

    let hooli = customers(&api)
        .create(json!({"name": "Hooli", "domains": ["hooli.com"], "externalIds": ["crm-3"]}))
        .await;
    needs(&api)
        .create(json!({"customerId": id(&hooli), "issueId": "ENG-1"}))
        .await;
    let merge = "mutation($s: String!, $t: String!) { customerMerge(sourceCustomerId: $s,
        targetCustomerId: $t) { success customer { domains externalIds approximateNeedCount } } }";
    let merged = mutate(&api, merge, json!({"s": id(&hooli), "t": made["id"]})).await;
    assert_eq!(
        merged["customer"],
        json!({"domains": ["g.com", "hooli.com"], "externalIds": ["crm-1", "crm-2", "crm-3"],
               "approximateNeedCount": 1})
    );
    not_found(&api, "customer", id(&hooli), "Customer").await;
    missing(
        &api,
        merge,
        json!({"s": id(&hooli), "t": made["id"]}),
        "Customer",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn customers_and_needs_send_their_webhooks(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = subscribed_to(&api, &["Customer", "CustomerNeed"], None).await;
    let customer = customers(&api).create(json!({"name": "Globex"})).await;
    let body = delivered(&receiver, "Customer", "create").await;
    assert_eq!(body["data"]["name"], "Globex");
    customers(&api)
        .update(id(&customer), json!({"revenue": 5}))
        .await;
    let body = delivered(&receiver, "Customer", "update").await;
    assert!(body["updatedFrom"].get("revenue").is_some(), "{body}");
    let need = needs(&api)
        .create(json!({"customerId": id(&customer), "issueId": "ENG-1", "body": "More"}))
        .await;
    let body = delivered(&receiver, "CustomerNeed", "create").await;
    assert_eq!(body["data"]["issue"]["id"], ENG_1);
    delete_payload(&api, "customerNeedDelete", id(&need)).await;
    delivered(&receiver, "CustomerNeed", "remove").await;
}
