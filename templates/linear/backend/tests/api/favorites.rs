//! Favorites: a folder and favorited entities, each typed by what it favorites,
//! listed for their owner only, a folder's children, updated and deleted; exactly one target.

use serde_json::{Value, json};

use crate::{
    ADA, ENG, ask, client, count, delete_payload, gql, invalid_input, missing, mutate,
    oauth_client, with_id,
};

const ISSUE: &str = "20000000-0000-4000-8000-000000000001";
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

const FIELDS: &str = "id type url folderName sortOrder owner { id } parent { id }
    issue { id } project { id } team { id }";

/// `favoriteCreate(input)`'s favorite.
async fn favorite(api: &asym_kit::testing::Api, input: Value) -> Value {
    let text = format!(
        "mutation($input: FavoriteCreateInput!) {{
           favoriteCreate(input: $input) {{ success lastSyncId favorite {{ {FIELDS} }} }} }}"
    );
    mutate(api, &text, json!({ "input": input })).await["favorite"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn favorites_are_the_viewers_own(linear: asym::Linear) {
    let api = client(&linear);
    let folder = favorite(&api, json!({"folderName": "Launch work"})).await;
    assert_eq!(folder["type"], "folder");
    assert_eq!(folder["folderName"], "Launch work");
    assert_eq!(folder["url"], Value::Null);
    assert_eq!(folder["owner"]["id"], ADA);
    let issue = favorite(&api, json!({"issueId": "ENG-1", "parentId": folder["id"]})).await;
    assert_eq!(issue["type"], "issue");
    assert_eq!(issue["issue"]["id"], ISSUE, "an identifier names the issue");
    assert!(
        issue["url"].as_str().unwrap().contains("/issue/ENG-1/"),
        "{issue}"
    );
    assert_eq!(issue["parent"]["id"], folder["id"]);
    let project = favorite(&api, json!({"projectId": LAUNCH, "sortOrder": 2.0})).await;
    assert_eq!(
        (&project["type"], &project["project"]["id"]),
        (&json!("project"), &json!(LAUNCH))
    );
    let team = favorite(&api, json!({"teamId": ENG})).await;
    assert_eq!(team["type"], "team");

    assert_eq!(count(&api, "favorites").await, 4);
    let children = with_id(
        &api,
        "query($id: String!) { favorite(id: $id) { children { nodes { id } } } }",
        &folder["id"],
    )
    .await;
    assert_eq!(
        children["favorite"]["children"]["nodes"],
        json!([{"id": issue["id"]}])
    );

    let renamed = mutate(
        &api,
        &format!(
            "mutation($id: String!, $input: FavoriteUpdateInput!) {{
               favoriteUpdate(id: $id, input: $input) {{ success favorite {{ {FIELDS} }} }} }}"
        ),
        json!({"id": folder["id"], "input": {"folderName": "Shipped", "sortOrder": 5.0}}),
    )
    .await;
    assert_eq!(renamed["favorite"]["folderName"], "Shipped");
    assert_eq!(renamed["favorite"]["sortOrder"], 5.0);
    // Ada's favorites are hers alone: to Ben, updating or deleting one finds nothing.
    let ben = oauth_client(&linear);
    let update = "mutation($id: String!) {
        favoriteUpdate(id: $id, input: {folderName: \"Ben's\"}) { success } }";
    let delete = "mutation($id: String!) { favoriteDelete(id: $id) { success } }";
    for text in [update, delete] {
        missing(&ben, text, json!({"id": folder["id"]}), "Favorite").await;
    }

    let one = "Exactly one of folderName or the id of the entity to favorite must be defined.";
    let create =
        "mutation($input: FavoriteCreateInput!) { favoriteCreate(input: $input) { success } }";
    for input in [json!({}), json!({"projectId": LAUNCH, "teamId": ENG})] {
        let reply = gql(&api, create, json!({ "input": input })).await;
        invalid_input(&reply, "Argument Validation Error", one);
    }

    delete_payload(&api, "favoriteDelete", &project["id"]).await;
    assert_eq!(count(&api, "favorites").await, 3);
}

/// The types a favorite links to that the clone does not store (`Customer`, `Release`, …)
/// carry the fields the SDK's fragments of them select, and a favorite of the clone links none.
#[asym::clone("linear", seed = "basic")]
async fn linked_types_the_clone_lacks_have_their_fields(linear: asym::Linear) {
    let api = client(&linear);
    for (ty, field) in [
        ("Customer", "domains"),
        ("CustomerNeed", "priority"),
        ("Release", "version"),
        ("ReleasePipeline", "slugId"),
        ("AgentSession", "status"),
        ("TimeSchedule", "entries"),
    ] {
        let text = format!("{{ __type(name: \"{ty}\") {{ fields {{ name }} }} }}");
        let fields = ask(&api, &text).await["__type"]["fields"].clone();
        let names: Vec<&str> = fields
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"id") && names.contains(&field),
            "{ty}: {names:?}"
        );
    }
    let made = favorite(&api, json!({"folderName": "Customers"})).await;
    let text = "query($id: String!) { favorite(id: $id) { customer { id name domains }
        release { id name version } } }";
    let got = with_id(&api, text, &made["id"]).await;
    assert_eq!(
        got["favorite"],
        json!({"customer": null, "release": null}),
        "{got}"
    );
}

/// `issue.favorite` and `project.favorite` (and of their search results) are the viewer's
/// favorite of that issue or project, null before one is made and after it is deleted.
#[asym::clone("linear", seed = "basic")]
async fn issues_and_projects_name_the_viewers_favorite_of_them(linear: asym::Linear) {
    let api = client(&linear);
    let text = "query($id: String!) { issue(id: $id) { favorite { id type } }
        project(id: \"f0000000-0000-4000-8000-000000000001\") { favorite { id type } }
        issues(filter: {number: {in: [1, 2]}}) { nodes { identifier favorite { id } } }
        searchIssues(term: \"login page\") { nodes { favorite { id } } }
        searchProjects(term: \"Launch\") { nodes { favorite { id } } } }";
    let none = with_id(&api, text, ISSUE).await;
    assert_eq!(none["issue"]["favorite"], Value::Null, "{none}");
    assert_eq!(none["project"]["favorite"], Value::Null, "{none}");

    let issue = favorite(&api, json!({"issueId": "ENG-1"})).await;
    let project = favorite(&api, json!({"projectId": LAUNCH})).await;
    favorite(&api, json!({"folderName": "Other"})).await;
    let got = with_id(&api, text, ISSUE).await;
    assert_eq!(
        got["issue"]["favorite"],
        json!({"id": issue["id"], "type": "issue"})
    );
    assert_eq!(
        got["project"]["favorite"],
        json!({"id": project["id"], "type": "project"})
    );
    for node in got["issues"]["nodes"].as_array().unwrap() {
        let expected = match node["identifier"].as_str() {
            Some("ENG-1") => json!({"id": issue["id"]}),
            _ => Value::Null,
        };
        assert_eq!(
            node["favorite"], expected,
            "only ENG-1 is a favorite: {got}"
        );
    }
    assert_eq!(
        got["searchIssues"]["nodes"][0]["favorite"]["id"],
        issue["id"]
    );
    assert_eq!(
        got["searchProjects"]["nodes"][0]["favorite"]["id"],
        project["id"]
    );

    let ben = with_id(&oauth_client(&linear), text, ISSUE).await;
    assert_eq!(
        ben["issue"]["favorite"],
        Value::Null,
        "Ada's, not Ben's: {ben}"
    );
    assert_eq!(ben["project"]["favorite"], Value::Null, "{ben}");

    delete_payload(&api, "favoriteDelete", &issue["id"]).await;
    let after = with_id(&api, text, ISSUE).await;
    assert_eq!(after["issue"]["favorite"], Value::Null, "{after}");
}
