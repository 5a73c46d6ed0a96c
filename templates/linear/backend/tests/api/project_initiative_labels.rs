//! Project and initiative labels: created, grouped, filtered, applied (`projectAddLabel`,
//! `projectRemoveLabel`, a project's `labelIds`), retired and restored, deleted.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::{
    ADA, Writes, argument_error, ask, assert_filtered, client, create_text, delete_payload, mutate,
    not_found, refused_inputs_as, with_id,
};

/// Launch, the seeded project.
const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";

/// A label as @linear/sdk's fragment selects it.
const FIELDS: &str = "id name color description isGroup parent { id } creator { id }
    retiredBy { id } lastAppliedAt createdAt updatedAt archivedAt";

/// What Launch answers of its labels.
const OF_LAUNCH: &str =
    "query($id: String!) { project(id: $id) { labelIds labels { nodes { name } } } }";

#[asym::clone("linear", seed = "basic")]
async fn project_labels_group_filter_and_label_projects(linear: asym::Linear) {
    let api = client(&linear);
    let writes = Writes::new(&api, "ProjectLabel", "projectLabel", FIELDS);
    let made = async |input: Value| writes.create(input).await;
    let size = made(json!({"name": "Size", "isGroup": true})).await;
    let large = made(json!({"name": "Large", "parentId": size["id"], "color": "#ff0000"})).await;
    let customer =
        made(json!({"name": "Customer", "description": "Asked for by a customer"})).await;
    assert_eq!(large["parent"]["id"], size["id"]);
    assert_eq!(
        (&large["color"], &large["isGroup"], &large["creator"]["id"]),
        (&json!("#ff0000"), &json!(false), &json!(ADA))
    );
    assert_eq!(size["isGroup"], true);
    assert_eq!(customer["color"], "#bec2c8", "the default colour");
    let id = |label: &Value| label["id"].as_str().unwrap().to_owned();

    // Read by id, listed, filtered (name, group, parent), the group's children.
    let one = format!("query($id: String!) {{ projectLabel(id: $id) {{ {FIELDS} }} }}");
    assert_eq!(with_id(&api, &one, id(&large)).await["projectLabel"], large);
    assert_filtered(
        &api,
        "projectLabels",
        "ProjectLabelFilter",
        "name",
        [
            (json!({}), &["Customer", "Large", "Size"][..]),
            (json!({"isGroup": {"eq": true}}), &["Size"]),
            (json!({"parent": {"name": {"eq": "Size"}}}), &["Large"]),
            (json!({"name": {"startsWith": "Cust"}}), &["Customer"]),
        ],
    )
    .await;
    let org = ask(
        &api,
        "{ organization { projectLabels { nodes { name } } } }",
    )
    .await;
    assert_eq!(
        pluck(&org["organization"]["projectLabels"]["nodes"], "name"),
        ["Customer", "Large", "Size"]
    );
    let children = with_id(
        &api,
        "query($id: String!) { projectLabel(id: $id) { children { nodes { name } } } }",
        id(&size),
    )
    .await;
    assert_eq!(
        pluck(&children["projectLabel"]["children"]["nodes"], "name"),
        ["Large"]
    );

    // Applied to Launch (once, however often added): its labelIds and labels, the label's
    // projects and when it was last applied.
    let add =
        "mutation($id: String!, $label: String!) { projectAddLabel(id: $id, labelId: $label) {
        success lastSyncId project { id labelIds } } }";
    for _ in 0..2 {
        let added = mutate(&api, add, json!({"id": LAUNCH, "label": id(&large)})).await;
        assert_eq!(added["project"]["labelIds"], json!([id(&large)]));
    }
    let launch = with_id(&api, OF_LAUNCH, LAUNCH).await;
    assert_eq!(
        pluck(&launch["project"]["labels"]["nodes"], "name"),
        ["Large"]
    );
    let projects = with_id(
        &api,
        "query($id: String!) { projectLabel(id: $id) { lastAppliedAt projects { nodes { name } } } }",
        id(&large),
    )
    .await;
    assert_eq!(
        pluck(&projects["projectLabel"]["projects"]["nodes"], "name"),
        ["Launch"]
    );
    assert!(projects["projectLabel"]["lastAppliedAt"].is_string());
    let filtered = ask(
        &api,
        "{ projects(filter: { name: { eq: \"Launch\" } }) { nodes { labelIds } } }",
    )
    .await;
    assert_eq!(
        filtered["projects"]["nodes"][0]["labelIds"],
        json!([id(&large)])
    );
    // ProjectFilter.labels ranges over them.
    assert_filtered(
        &api,
        "projects",
        "ProjectFilter",
        "name",
        [
            (
                json!({"labels": {"some": {"name": {"eq": "Large"}}}}),
                &["Launch"][..],
            ),
            (json!({"labels": {"some": {"name": {"eq": "Size"}}}}), &[]),
            (json!({"labels": {"length": {"eq": 0}}}), &[]),
        ],
    )
    .await;

    // `projectUpdate(labelIds:)` replaces them; an unknown label is not found.
    let update =
        "mutation($id: String!, $i: ProjectUpdateInput!) { projectUpdate(id: $id, input: $i) {
        success project { labelIds } } }";
    let updated = mutate(
        &api,
        update,
        json!({"id": LAUNCH, "i": {"labelIds": [id(&customer), id(&large)]}}),
    )
    .await;
    assert_eq!(
        updated["project"]["labelIds"],
        json!([id(&customer), id(&large)])
    );
    crate::missing(
        &api,
        update,
        json!({"id": LAUNCH, "i": {"labelIds": ["nope"]}}),
        "ProjectLabel",
    )
    .await;
    crate::missing(
        &api,
        add,
        json!({"id": LAUNCH, "label": "nope"}),
        "ProjectLabel",
    )
    .await;
    let remove =
        "mutation($id: String!, $label: String!) { projectRemoveLabel(id: $id, labelId: $label) {
        success project { labelIds } } }";
    let removed = mutate(&api, remove, json!({"id": LAUNCH, "label": id(&customer)})).await;
    assert_eq!(removed["project"]["labelIds"], json!([id(&large)]));

    // Retired by the viewer, then restored.
    let retire = format!(
        "mutation($id: String!) {{ projectLabelRetire(id: $id) {{ success projectLabel {{ {FIELDS} }} }} }}"
    );
    let retired = mutate(&api, &retire, json!({"id": id(&customer)})).await;
    assert_eq!(retired["projectLabel"]["retiredBy"]["id"], ADA);
    let restore = format!(
        "mutation($id: String!) {{ projectLabelRestore(id: $id) {{ success projectLabel {{ {FIELDS} }} }} }}"
    );
    let restored = mutate(&api, &restore, json!({"id": id(&customer)})).await;
    assert!(restored["projectLabel"]["retiredBy"].is_null());

    // Linear's validators; an unknown parent is not found; teams' labels are not merged.
    refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            argument_error(json!({"name": " "}), "name should not be empty"),
            argument_error(
                json!({"name": "Tinted", "color": "red"}),
                "color must be a hexadecimal color",
            ),
            (
                json!({"name": "Orphan", "parentId": "nope"}),
                "Entity not found: ProjectLabel",
                "Could not find referenced ProjectLabel.",
            ),
        ],
    )
    .await;
    let replacing = "mutation { projectLabelCreate(input: { name: \"Merged\" }, replaceTeamLabels: true) { success } }";
    crate::refused_for(&api, replacing, json!({}), "`replaceTeamLabels`").await;

    // Deleted: Launch loses it, its children stay (at the top level), it is not found.
    delete_payload(&api, "projectLabelDelete", id(&large)).await;
    let launch = with_id(&api, OF_LAUNCH, LAUNCH).await;
    assert_eq!(launch["project"]["labelIds"], json!([]));
    not_found(&api, "projectLabel", id(&large), "ProjectLabel").await;
    delete_payload(&api, "projectLabelDelete", id(&size)).await;
}

/// Ship v1, the seeded initiative, by its `slugId`.
const SHIP_V1: &str = "8c2d4e6f8a0b";

#[asym::clone("linear", seed = "basic")]
async fn initiative_labels_group_filter_and_label_initiatives(linear: asym::Linear) {
    let api = client(&linear);
    let writes = Writes::new(&api, "InitiativeLabel", "initiativeLabel", FIELDS);
    let made = async |input: Value| writes.create(input).await;
    let theme = made(json!({"name": "Theme", "isGroup": true})).await;
    let growth = made(json!({"name": "Growth", "parentId": theme["id"]})).await;
    let id = |label: &Value| label["id"].as_str().unwrap().to_owned();
    assert_eq!(growth["parent"]["id"], theme["id"]);
    assert_eq!(growth["creator"]["id"], ADA);
    assert_filtered(
        &api,
        "initiativeLabels",
        "InitiativeLabelFilter",
        "name",
        [
            (json!({}), &["Growth", "Theme"][..]),
            (json!({"parent": {"name": {"eq": "Theme"}}}), &["Growth"]),
        ],
    )
    .await;

    // Added to Ship v1 (by its slugId) once; its labels; the label's initiatives.
    let add =
        "mutation($id: String!, $label: String!) { initiativeAddLabel(id: $id, labelId: $label) {
        success initiative { id labelIds labels { nodes { name } } } } }";
    let added = mutate(&api, add, json!({"id": SHIP_V1, "label": id(&growth)})).await;
    assert_eq!(added["initiative"]["labelIds"], json!([id(&growth)]));
    assert_eq!(
        pluck(&added["initiative"]["labels"]["nodes"], "name"),
        ["Growth"]
    );
    let initiatives = with_id(
        &api,
        "query($id: String!) { initiativeLabel(id: $id) { lastAppliedAt initiatives { nodes { name } } } }",
        id(&growth),
    )
    .await;
    assert_eq!(
        pluck(
            &initiatives["initiativeLabel"]["initiatives"]["nodes"],
            "name"
        ),
        ["Ship v1"]
    );
    assert_filtered(
        &api,
        "initiatives",
        "InitiativeFilter",
        "name",
        [
            (
                json!({"labels": {"some": {"name": {"eq": "Growth"}}}}),
                &["Ship v1"][..],
            ),
            (json!({"labels": {"every": {"name": {"eq": "Theme"}}}}), &[]),
        ],
    )
    .await;
    crate::missing(
        &api,
        add,
        json!({"id": SHIP_V1, "label": "nope"}),
        "InitiativeLabel",
    )
    .await;
    let update = "mutation($id: String!, $i: InitiativeUpdateInput!) { initiativeUpdate(id: $id, input: $i) {
        success initiative { labelIds } } }";
    crate::missing(
        &api,
        update,
        json!({"id": added["initiative"]["id"], "i": {"labelIds": ["nope"]}}),
        "InitiativeLabel",
    )
    .await;

    // Retired and restored; removed; deleted.
    let retire = format!(
        "mutation($id: String!) {{ initiativeLabelRetire(id: $id) {{ success initiativeLabel {{ {FIELDS} }} }} }}"
    );
    let retired = mutate(&api, &retire, json!({"id": id(&growth)})).await;
    assert_eq!(retired["initiativeLabel"]["retiredBy"]["id"], ADA);
    let remove = "mutation($id: String!, $label: String!) { initiativeRemoveLabel(id: $id, labelId: $label) {
        success initiative { labelIds } } }";
    let removed = mutate(&api, remove, json!({"id": SHIP_V1, "label": id(&growth)})).await;
    assert_eq!(removed["initiative"]["labelIds"], json!([]));
    delete_payload(&api, "initiativeLabelDelete", id(&growth)).await;
    not_found(&api, "initiativeLabel", id(&growth), "InitiativeLabel").await;
}

/// A retired project or initiative label stays where it is but is applied to nothing else
/// (Linear's schema: "Retired labels cannot be applied to new projects but remain on existing
/// ones"), by `…AddLabel`, a create's or an update's `labelIds`; restored, it may be again.
#[asym::clone("linear", seed = "basic")]
async fn a_retired_label_stays_on_its_projects_and_initiatives_and_goes_on_no_other(
    linear: asym::Linear,
) {
    let api = client(&linear);
    for (of, owner, made, existing, create_owner) in [
        (
            "project",
            "Project",
            "projects",
            LAUNCH,
            json!({"name": "Beta", "teamIds": [crate::ENG]}),
        ),
        (
            "initiative",
            "Initiative",
            "initiatives",
            SHIP_V1,
            json!({"name": "Grow"}),
        ),
    ] {
        let label = mutate(
            &api,
            &create_text(
                &format!("{of}LabelCreate"),
                &format!("{owner}LabelCreateInput"),
                &format!("{of}Label"),
                "id",
            ),
            json!({"input": {"name": "Legacy"}}),
        )
        .await[format!("{of}Label")]["id"]
            .clone();
        let add = format!(
            "mutation($id: String!, $label: String!) {{ {of}AddLabel(id: $id, labelId: $label) {{
               success {of} {{ id labelIds }} }} }}"
        );
        let on = mutate(&api, &add, json!({"id": existing, "label": label})).await;
        let existing = on[of]["id"].clone();
        mutate(
            &api,
            &format!("mutation($id: String!) {{ {of}LabelRetire(id: $id) {{ success }} }}"),
            json!({"id": label}),
        )
        .await;

        // It stays where it was, and may be named there again.
        let update = format!(
            "mutation($id: String!, $i: {owner}UpdateInput!) {{ {of}Update(id: $id, input: $i) {{
               success {of} {{ labelIds }} }} }}"
        );
        let kept = mutate(
            &api,
            &update,
            json!({"id": existing, "i": {"labelIds": [label]}}),
        )
        .await;
        assert_eq!(kept[of]["labelIds"], json!([label]));
        mutate(&api, &add, json!({"id": existing, "label": label})).await;

        // Nowhere else: not on a new one, nor added to or set on another.
        let refusal = format!("A retired label cannot be applied to new {made}.");
        let create = create_text(
            &format!("{of}Create"),
            &format!("{owner}CreateInput"),
            of,
            "id",
        );
        let mut labelled = create_owner.clone();
        labelled["labelIds"] = json!([label]);
        let validation = "Argument Validation Error";
        crate::refused_as(
            &api,
            &create,
            json!({"input": labelled}),
            validation,
            &refusal,
        )
        .await;
        let other = mutate(&api, &create, json!({"input": create_owner})).await[of]["id"].clone();
        let to_other = json!({"id": other, "label": label});
        crate::refused_as(&api, &add, to_other.clone(), validation, &refusal).await;
        let set = json!({"id": other, "i": {"labelIds": [label]}});
        crate::refused_as(&api, &update, set, validation, &refusal).await;
        let unlabelled = with_id(
            &api,
            &format!("query($id: String!) {{ {of}(id: $id) {{ labelIds }} }}"),
            &other,
        )
        .await;
        assert_eq!(unlabelled[of]["labelIds"], json!([]));

        // Restored, it goes on again.
        mutate(
            &api,
            &format!("mutation($id: String!) {{ {of}LabelRestore(id: $id) {{ success }} }}"),
            json!({"id": label}),
        )
        .await;
        let added = mutate(&api, &add, to_other).await;
        assert_eq!(added[of]["labelIds"], json!([label]));
    }
}
