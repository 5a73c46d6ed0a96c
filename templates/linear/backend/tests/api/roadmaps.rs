//! Roadmaps (deprecated by Linear, still in its API): `roadmapCreate`/`Update`/`Delete`/
//! `Archive`/`Unarchive`, projects on them (`roadmapToProjectCreate`/`Update`/`Delete`,
//! `roadmap.projects`), the reads and the refusals.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::{
    ADA, BEN, Writes, archive_payload, ask, client, count, create_project, delete_payload,
    not_found, refuses, with_id,
};

const ROADMAP: &str = "id name description color slugId sortOrder url archivedAt
    owner { id } creator { id } projects { nodes { name } }";

#[asym::clone("linear", seed = "basic")]
async fn a_roadmap_groups_projects(linear: asym::Linear) {
    let api = client(&linear);
    let roadmaps = Writes::new(&api, "Roadmap", "roadmap", ROADMAP);
    let made = roadmaps
        .create(
            json!({"name": "2027", "description": "The year", "color": "#5e6ad2", "ownerId": BEN}),
        )
        .await;
    assert_eq!(
        (
            &made["owner"]["id"],
            &made["creator"]["id"],
            &made["sortOrder"]
        ),
        (&json!(BEN), &json!(ADA), &json!(0))
    );
    assert!(made["url"].as_str().unwrap().ends_with(&format!(
        "/roadmap/2027-{}",
        made["slugId"].as_str().unwrap()
    )));
    let id = made["id"].as_str().unwrap();

    let launch = ask(
        &api,
        "{ projects(filter: {name: {eq: \"Launch\"}}) { nodes { id } } }",
    )
    .await;
    let launch = launch["projects"]["nodes"][0]["id"].clone();
    let other = create_project(&api, json!({"name": "Mobile", "teamIds": [crate::ENG]})).await;
    let links = Writes::new(
        &api,
        "RoadmapToProject",
        "roadmapToProject",
        "id sortOrder project { name } roadmap { id }",
    );
    let link = links
        .create(json!({"roadmapId": id, "projectId": launch, "sortOrder": 2}))
        .await;
    assert_eq!(
        (&link["sortOrder"], &link["roadmap"]["id"]),
        (&json!("2"), &json!(id))
    );
    links
        .create(json!({"roadmapId": id, "projectId": other}))
        .await;
    let moved = links
        .update(link["id"].as_str().unwrap(), json!({"sortOrder": 5}))
        .await;
    assert_eq!(moved["sortOrder"], "5");
    let one = format!("query($id: String!) {{ roadmap(id: $id) {{ {ROADMAP} }} }}");
    let got = with_id(&api, &one, made["slugId"].as_str().unwrap()).await["roadmap"].clone();
    let mut names = pluck(&got["projects"]["nodes"], "name");
    names.sort();
    assert_eq!(names, ["Launch", "Mobile"]);
    assert_eq!(count(&api, "roadmapToProjects").await, 2);
    let named = ask(&api, "{ roadmaps { nodes { name } } }").await;
    assert_eq!(pluck(&named["roadmaps"]["nodes"], "name"), ["2027"]);

    let updated = roadmaps
        .update(id, json!({"name": "Next year", "sortOrder": 3.5}))
        .await;
    assert_eq!(
        (&updated["name"], &updated["sortOrder"]),
        (&json!("Next year"), &json!(3.5))
    );
    let archived = archive_payload(&api, "roadmapArchive", id, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    assert_eq!(count(&api, "roadmaps").await, 0, "archived left out");
    let back = archive_payload(&api, "roadmapUnarchive", id, "archivedAt").await;
    assert_eq!(back["archivedAt"], Value::Null);

    // Refusals: a blank name, a colour that is not hex, an unknown owner, a project twice.
    #[rustfmt::skip]
    let cases = [
        (json!({"name": " "}), "name should not be empty"),
        (json!({"name": "x", "color": "blue"}), "color must be a hexadecimal color"),
        (json!({"name": "x", "ownerId": "nope"}), "Could not find referenced User."),
    ];
    refuses(&api, &roadmaps.create_doc, &cases).await;
    #[rustfmt::skip]
    let cases = [
        (json!({"roadmapId": id, "projectId": launch}), "The project is already on the roadmap."),
        (json!({"roadmapId": "nope", "projectId": launch}), "Could not find referenced Roadmap."),
    ];
    refuses(&api, &links.create_doc, &cases).await;

    delete_payload(&api, "roadmapToProjectDelete", link["id"].as_str().unwrap()).await;
    delete_payload(&api, "roadmapDelete", id).await;
    not_found(&api, "roadmap", id, "Roadmap").await;
    assert_eq!(
        count(&api, "roadmapToProjects").await,
        0,
        "its links go with it"
    );
    not_found(&api, "roadmapToProject", "nope", "RoadmapToProject").await;
}
