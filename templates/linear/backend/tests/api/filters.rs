//! `IssueFilter`'s collections (`children`, `comments`, `attachments`, `subscribers`), its
//! relation comparators (`hasBlockingRelations`, …) and `searchableContent`; a cycle's and a
//! project's `issues`, `CycleFilter.isInCooldown`, `DocumentFilter.searchableContent`.

use serde_json::{Value, json};

use crate::{ADA, ask, client, query};

/// The identifiers of the issues `filter` selects, sorted.
async fn selected(api: &asym_kit::testing::Api, filter: Value) -> Vec<String> {
    let got = query(
        api,
        "query($f: IssueFilter) { issues(filter: $f) { nodes { identifier } } }",
        json!({ "f": filter }),
    )
    .await;
    let mut ids: Vec<String> = got["issues"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["identifier"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[asym::clone("linear", seed = "basic")]
async fn issues_filter_on_their_collections_relations_and_content(linear: asym::Linear) {
    let api = client(&linear);
    let everyone = ["ENG-1", "ENG-2", "ENG-3", "ENG-4", "ENG-5", "ENG-6"];
    // The seed: ENG-1 has children ENG-2 and ENG-3, comments (Ben's and Ada's) and the
    // "Login mockups" attachment; ENG-4 has Ben's comment; ENG-5 blocks ENG-4; ENG-6 is
    // related to ENG-1.
    for (filter, expected) in [
        (json!({"children": {"length": {"gt": 0}}}), &["ENG-1"][..]),
        (
            json!({"children": {"some": {"title": {"containsIgnoreCase": "RESET"}}}}),
            &["ENG-1"],
        ),
        (
            json!({"children": {"every": {"number": {"lt": 3}}}, "parent": {"null": true}}),
            &["ENG-4", "ENG-5", "ENG-6"],
        ),
        (
            json!({"comments": {"length": {"gt": 0}}}),
            &["ENG-1", "ENG-4"],
        ),
        (
            json!({"comments": {"some": {"body": {"contains": "TypeError"}}}}),
            &["ENG-4"],
        ),
        (
            json!({"comments": {"user": {"displayName": {"eq": "ada"}}}}),
            &["ENG-1"],
        ),
        (
            json!({"attachments": {"some": {"title": {"eq": "Login mockups"}}}}),
            &["ENG-1"],
        ),
        (
            json!({"attachments": {"length": {"eq": 0}}, "number": {"lte": 2}}),
            &["ENG-2"],
        ),
        (json!({"hasBlockingRelations": {"eq": true}}), &["ENG-5"]),
        (json!({"hasBlockedByRelations": {"eq": true}}), &["ENG-4"]),
        (
            json!({"hasRelatedRelations": {"eq": true}}),
            &["ENG-1", "ENG-6"],
        ),
        (json!({"hasDuplicateRelations": {"eq": true}}), &[]),
        (json!({"hasDuplicateRelations": {"eq": false}}), &everyone),
        (
            json!({"hasBlockingRelations": {"neq": true}, "number": {"gte": 5}}),
            &["ENG-6"],
        ),
        (json!({"hasSuggestedLabels": {"eq": true}}), &[]),
        (
            json!({"searchableContent": {"contains": "STACK TRACE"}}),
            &["ENG-4"],
        ),
        (
            json!({"searchableContent": {"contains": "login"}}),
            &["ENG-1", "ENG-2"],
        ),
        (json!({"searchableContent": {"notContains": "e"}}), &[]),
        // What the clone never sets (snoozes, triage, delegation) compares as null.
        (json!({"snoozedUntilAt": {"null": true}}), &everyone),
        (json!({"triagedAt": {"gt": "-P1Y"}}), &[]),
        (json!({"snoozedBy": {"null": false}}), &[]),
        (json!({"delegate": {"id": {"eq": ADA}}}), &[]),
        (
            json!({"lastAppliedTemplate": {"null": true}, "number": {"eq": 3}}),
            &["ENG-3"],
        ),
        (json!({"reactions": {"length": {"gt": 0}}}), &[]),
        (
            json!({"slaStatus": {"null": true}, "number": {"eq": 2}}),
            &["ENG-2"],
        ),
        (json!({"slaBreachesAt": {"lt": "P1D"}}), &[]),
        (
            json!({"customerCount": {"eq": 0}, "number": {"eq": 5}}),
            &["ENG-5"],
        ),
        (json!({"customerImportantCount": {"gt": 0}}), &[]),
    ] {
        assert_eq!(selected(&api, filter.clone()).await, expected, "{filter}");
    }
    // Subscribers filter as `Issue.subscribers` lists them.
    let mut ada_follows = Vec::new();
    for issue in everyone {
        let got = query(
            &api,
            "query($id: String!) { issue(id: $id) { subscribers { nodes { id } } } }",
            json!({"id": issue}),
        )
        .await;
        if got["issue"]["subscribers"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|user| user["id"] == ADA)
        {
            ada_follows.push(issue.to_owned());
        }
    }
    assert!(
        !ada_follows.is_empty() && ada_follows.len() < everyone.len(),
        "{ada_follows:?}"
    );
    let mine = json!({"subscribers": {"some": {"isMe": {"eq": true}}}});
    assert_eq!(selected(&api, mine).await, ada_follows);
    let by_id = json!({"subscribers": {"id": {"eq": ADA}}});
    assert_eq!(selected(&api, by_id).await, ada_follows);
    // Reactions: an issue's, and a comment's.
    let react =
        "mutation($input: ReactionCreateInput!) { reactionCreate(input: $input) { success } }";
    crate::mutate(
        &api,
        react,
        json!({"input": {"issueId": "ENG-2", "emoji": "eyes"}}),
    )
    .await;
    let eyes = json!({"reactions": {"some": {"emoji": {"eq": "eyes"}}}});
    assert_eq!(selected(&api, eyes).await, ["ENG-2"]);
    let comment = "30000000-0000-4000-8000-000000000003";
    crate::mutate(
        &api,
        react,
        json!({"input": {"commentId": comment, "emoji": "+1"}}),
    )
    .await;
    let liked = ask(
        &api,
        "{ comments(filter: { reactions: { emoji: { eq: \"+1\" } } }) { nodes { id } } }",
    )
    .await;
    assert_eq!(liked["comments"]["nodes"], json!([{"id": comment}]));

    // A field the related rows lack is refused by name.
    let refused = crate::refused(
        &api,
        "query($f: IssueFilter) { issues(filter: $f) { nodes { id } } }",
        json!({"f": {"children": {"cycleTime": {"null": true}}}}),
    )
    .await;
    assert!(refused.contains("`cycleTime`"), "{refused}");
}

/// The `field` of each node of root list `root` that `filter` (a `ty`) selects.
async fn listed(
    api: &asym_kit::testing::Api,
    (root, ty, field): (&str, &str, &str),
    filter: Value,
) -> Vec<String> {
    let text = format!("query($f: {ty}) {{ {root}(filter: $f) {{ nodes {{ {field} }} }} }}");
    let got = query(api, &text, json!({ "f": filter })).await;
    got[root]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node[field].as_str().unwrap().to_owned())
        .collect()
}

#[asym::clone("linear", seed = "basic")]
async fn cycles_projects_and_documents_filter_on_their_issues_and_content(linear: asym::Linear) {
    let api = client(&linear);
    let cycles = ("cycles", "CycleFilter", "name");
    let projects = ("projects", "ProjectFilter", "name");
    let documents = ("documents", "DocumentFilter", "title");
    for (list, filter, expected) in [
        (
            cycles,
            json!({"isInCooldown": {"eq": false}}),
            &["Cycle 1"][..],
        ),
        (cycles, json!({"isInCooldown": {"eq": true}}), &[]),
        (
            cycles,
            json!({"issues": {"some": {"number": {"eq": 1}}}}),
            &["Cycle 1"],
        ),
        (
            cycles,
            json!({"issues": {"some": {"number": {"eq": 6}}}}),
            &[],
        ),
        (
            projects,
            json!({"issues": {"some": {"number": {"eq": 1}}}}),
            &["Launch"],
        ),
        (projects, json!({"issues": {"length": {"eq": 0}}}), &[]),
        (
            documents,
            json!({"searchableContent": {"contains": "- [ ] GA"}}),
            &["Launch plan"],
        ),
        (
            documents,
            json!({"searchableContent": {"contains": "launch PLAN"}}),
            &["Launch plan"],
        ),
        (
            documents,
            json!({"searchableContent": {"contains": "nowhere"}}),
            &[],
        ),
    ] {
        assert_eq!(
            listed(&api, list, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
}
