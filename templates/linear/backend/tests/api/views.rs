//! Custom views: `customViewCreate`, `customViewUpdate`, `customViewDelete`, `customViews`,
//! `customView`, and the issues and projects a view lists.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::{
    ADA, ENG, ask, client, delete_payload, identifiers, missing, mutate, not_found, oauth_client,
    query, refused_as, refused_inputs_as, with_id,
};

/// As @linear/sdk's `createCustomView` sends it, less the view preferences.
const CREATE: &str = "mutation($input: CustomViewCreateInput!) { customViewCreate(input: $input) {
    success lastSyncId customView { id name shared modelName slugId filterData filters
      projectFilterData team { key } owner { id } creator { id } updatedBy { id }
      viewPreferencesValues { layout } } } }";

/// A new view from `input`; answers it.
async fn view(api: &Api, input: Value) -> Value {
    mutate(api, CREATE, json!({ "input": input })).await["customView"].clone()
}

/// What view `id` lists: its issues' identifiers and its projects' names.
async fn listed(api: &Api, id: &Value) -> (Vec<String>, Vec<String>) {
    let text = "query($id: String!) { customView(id: $id) {
        issues { nodes { identifier } } projects { nodes { name } } } }";
    let got = with_id(api, text, id).await["customView"].clone();
    (
        identifiers(&got["issues"]),
        pluck(&got["projects"]["nodes"], "name"),
    )
}

#[asym::clone("linear", seed = "basic")]
async fn custom_views_save_filters_and_list_what_they_select(linear: asym::Linear) {
    let api = client(&linear);
    let ben = oauth_client(&linear);
    let urgent = view(
        &api,
        json!({"name": "Login work", "teamId": ENG, "shared": true,
               "filterData": {"title": {"containsIgnoreCase": "LOGIN"}}}),
    )
    .await;
    let filter = json!({"title": {"containsIgnoreCase": "LOGIN"}});
    assert_eq!(
        urgent,
        json!({"id": urgent["id"], "name": "Login work", "shared": true, "modelName": "Issue",
               "slugId": urgent["slugId"], "filterData": filter, "filters": filter,
               "projectFilterData": null, "team": {"key": "ENG"}, "owner": {"id": ADA},
               "creator": {"id": ADA}, "updatedBy": {"id": ADA},
               "viewPreferencesValues": null})
    );
    let no_projects: Vec<String> = Vec::new();
    assert_eq!(
        listed(&api, &urgent["id"]).await,
        (
            vec!["ENG-2".to_owned(), "ENG-1".to_owned()],
            no_projects.clone()
        )
    );
    // A view's issues take the field's own filter too.
    let narrowed = with_id(
        &api,
        "query($id: String!) { customView(id: $id) {
            issues(filter: { number: { eq: 1 } }) { nodes { identifier } } } }",
        &urgent["id"],
    )
    .await;
    assert_eq!(identifiers(&narrowed["customView"]["issues"]), ["ENG-1"]);

    // A view of projects, personal: Ada's, not Ben's to see.
    let launch = view(
        &api,
        json!({"name": "Launch", "projectFilterData": {"name": {"startsWith": "Lau"}}}),
    )
    .await;
    assert_eq!(launch["modelName"], "Project");
    assert_eq!(launch["shared"], false);
    assert_eq!(
        listed(&api, &launch["slugId"]).await,
        (Vec::new(), vec!["Launch".to_owned()])
    );
    let all = "{ customViews { nodes { name } } }";
    let adas = ask(&api, all).await;
    assert_eq!(
        pluck(&adas["customViews"]["nodes"], "name"),
        ["Launch", "Login work"]
    );
    let bens = ask(&ben, all).await;
    assert_eq!(pluck(&bens["customViews"]["nodes"], "name"), ["Login work"]);
    not_found(&ben, "customView", &launch["id"], "CustomView").await;
    let projects_only =
        "{ customViews(filter: { modelName: { eq: \"Project\" } }) { nodes { name } } }";
    let got = ask(&api, projects_only).await;
    assert_eq!(pluck(&got["customViews"]["nodes"], "name"), ["Launch"]);

    // Ben turns it into a shared view of issues; he last wrote it.
    let update = "mutation($id: String!) { customViewUpdate(id: $id, input: {
        name: \"Subtasks\", shared: true, projectFilterData: null,
        filterData: { parent: { null: false } } }) {
          success customView { name shared modelName updatedBy { id } owner { id } } } }";
    let updated = with_id(&ben, update, &launch["id"]).await["customViewUpdate"].clone();
    assert_eq!(
        updated["customView"],
        json!({"name": "Subtasks", "shared": true, "modelName": "Issue",
               "updatedBy": {"id": crate::BEN}, "owner": {"id": ADA}})
    );
    assert_eq!(
        listed(&ben, &launch["id"]).await,
        (vec!["ENG-3".to_owned(), "ENG-2".to_owned()], no_projects)
    );
    delete_payload(&api, "customViewDelete", &launch["id"]).await;
    not_found(&api, "customView", &launch["id"], "CustomView").await;
}

#[asym::clone("linear", seed = "basic")]
async fn custom_views_refuse_what_they_cannot_save(linear: asym::Linear) {
    let api = client(&linear);
    let timed = "Filter field `cycleTime` is not supported by the asym Linear clone";
    let feed = "Input field `feedItemFilterData` is not supported by the asym Linear clone";
    let validation = "Argument Validation Error";
    let cases = [
        (
            json!({"name": "x", "filterData": {"cycleTime": {"null": true}}}),
            timed,
            timed,
        ),
        (json!({"name": "x", "feedItemFilterData": {}}), feed, feed),
        (
            json!({"name": "x", "id": "not-a-uuid"}),
            validation,
            "id must be a UUID.",
        ),
    ];
    refused_inputs_as(&api, CREATE, cases).await;
    for (input, entity) in [
        (json!({"name": "x", "teamId": "nope"}), "Team"),
        (json!({"name": "x", "ownerId": "nope"}), "User"),
    ] {
        missing(&api, CREATE, json!({ "input": input }), entity).await;
    }
    let facets = "{ customViews(filter: { hasFacet: true }) { nodes { id } } }";
    let unsupported = "Filter field `hasFacet` is not supported by the asym Linear clone";
    refused_as(&api, facets, json!({}), unsupported, unsupported).await;
    let gone = json!({"id": "99999999-0000-4000-8000-000000000001"});
    let delete = "mutation($id: String!) { customViewDelete(id: $id) { success } }";
    missing(&api, delete, gone, "CustomView").await;
    let none = ask(&api, "{ customViews { nodes { id } } }").await;
    assert_eq!(none["customViews"]["nodes"], json!([]));
}

/// `customView.initiatives`: a view of initiatives lists those its `initiativeFilterData`
/// selects (and the field's `filter`); a view of issues lists none. `comment.createdIssues`:
/// the clone makes no issue from a comment.
#[asym::clone("linear", seed = "basic")]
async fn a_view_of_initiatives_lists_them(linear: asym::Linear) {
    let api = client(&linear);
    let initiatives = |id: &Value, filter: Value| {
        let api = &api;
        let id = id.clone();
        async move {
            let text = "query($id: String!, $f: InitiativeFilter) { customView(id: $id) {
                modelName initiatives(filter: $f) { nodes { name } } } }";
            let got = query(api, text, json!({"id": id, "f": filter})).await;
            let view = &got["customView"];
            (
                view["modelName"].as_str().unwrap().to_owned(),
                pluck(&view["initiatives"]["nodes"], "name"),
            )
        }
    };
    let active = view(
        &api,
        json!({"name": "Active", "initiativeFilterData": {"status": {"eq": "Active"}}}),
    )
    .await;
    assert_eq!(
        initiatives(&active["id"], json!(null)).await,
        ("Initiative".to_owned(), vec!["Ship v1".to_owned()])
    );
    let narrowed = json!({"name": {"eq": "Other"}});
    assert!(initiatives(&active["id"], narrowed).await.1.is_empty());
    let planned = view(
        &api,
        json!({"name": "Planned", "initiativeFilterData": {"status": {"eq": "Planned"}}}),
    )
    .await;
    assert!(initiatives(&planned["id"], json!(null)).await.1.is_empty());
    let of_issues = view(&api, json!({"name": "Issues"})).await;
    assert_eq!(
        initiatives(&of_issues["id"], json!(null)).await,
        ("Issue".to_owned(), Vec::new())
    );

    let created = ask(&api, "{ comment(id: \"30000000-0000-4000-8000-000000000001\") { createdIssues { nodes { id } } } }")
    .await;
    assert_eq!(created["comment"]["createdIssues"]["nodes"], json!([]));
}

#[asym::clone("linear", seed = "basic")]
async fn a_view_has_subscribers_while_a_subscription_to_it_is_active(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    let shared = view(&ada, json!({"name": "Shared", "shared": true})).await;
    let id = shared["id"].as_str().unwrap();
    let text = "query($id: String!) { customViewHasSubscribers(id: $id) { hasSubscribers } }";
    let has = |api: &Api, key: &str| {
        let (api, key) = (api.clone(), key.to_owned());
        async move {
            let got = with_id(&api, text, key).await;
            got["customViewHasSubscribers"]["hasSubscribers"].clone()
        }
    };
    assert_eq!(has(&ada, id).await, false);
    let subscribe = "mutation($input: NotificationSubscriptionCreateInput!) {
        notificationSubscriptionCreate(input: $input) { success notificationSubscription { id } } }";
    let input = json!({"input": {"customViewId": id}});
    let made = mutate(&ben, subscribe, input).await;
    let subscription = made["notificationSubscription"]["id"].clone();
    assert_eq!(has(&ada, id).await, true, "Ben's subscription counts");
    assert_eq!(has(&ada, shared["slugId"].as_str().unwrap()).await, true);
    let pause = "mutation($id: String!) {
        notificationSubscriptionUpdate(id: $id, input: {active: false}) { success } }";
    mutate(&ben, pause, json!({"id": subscription})).await;
    assert_eq!(has(&ada, id).await, false, "a paused one does not");

    let personal = view(&ben, json!({"name": "Ben's own"})).await;
    for key in [personal["id"].as_str().unwrap(), "nope"] {
        missing(&ada, text, json!({"id": key}), "CustomView").await;
    }
}

#[asym::clone("linear", seed = "basic")]
async fn drafts_and_initiative_history_are_empty(linear: asym::Linear) {
    let api = client(&linear);
    let got = ask(
        &api,
        "{ viewer { drafts { nodes { id } pageInfo { hasNextPage } } }
           user(id: \"b0000000-0000-4000-8000-000000000002\") { drafts(first: 5) { nodes { id } } }
           initiatives { nodes { history { nodes { id } } } } }",
    )
    .await;
    let none = json!({"nodes": []});
    assert_eq!(got["viewer"]["drafts"]["nodes"], json!([]));
    assert_eq!(got["viewer"]["drafts"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(got["user"]["drafts"], none);
    assert_eq!(got["initiatives"]["nodes"][0]["history"], none);
}
