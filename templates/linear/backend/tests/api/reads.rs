//! Queries: viewer, organization, teams and their connections, issues with filters and
//! Relay paging, issue relations, search.

use asym_kit::testing::{assert_suffix, pluck};
use serde_json::{Value, json};

use crate::{
    ENG, ask, assert_filtered, client, create_project, error, gql, identifiers, mutate, not_found,
    query, refused,
};

#[asym::clone("linear", seed = "basic")]
async fn viewer_organization_and_teams(linear: asym::Linear) {
    let api = client(&linear);
    let got = ask(
        &api,
        "{ viewer { id name isMe admin url }
               organization { name urlKey userCount projectStatuses { type } }
               teams { nodes { key name issueCount
                 states { nodes { name type } }
                 labels { nodes { name } }
                 members { nodes { displayName } }
                 activeCycle { number isActive }
                 projects { nodes { name } } } } }",
    )
    .await;
    assert_eq!(got["viewer"]["isMe"], true);
    assert!(
        got["viewer"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert_eq!(got["organization"]["urlKey"], "acme");
    assert_eq!(got["organization"]["userCount"], 2);
    let team = &got["teams"]["nodes"][0];
    assert_eq!(team["key"], "ENG");
    assert_eq!(team["issueCount"], 6);
    let types = pluck(&team["states"]["nodes"], "type");
    for kind in ["backlog", "unstarted", "started", "completed", "canceled"] {
        assert!(types.iter().any(|t| t == kind), "{kind} in {types:?}");
    }
    assert_eq!(team["labels"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(team["members"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(team["activeCycle"], json!({"number": 1, "isActive": true}));
    assert_eq!(team["projects"]["nodes"][0]["name"], "Launch");
}

#[asym::clone("linear", seed = "basic")]
async fn issue_by_identifier_with_relations(linear: asym::Linear) {
    let api = client(&linear);
    let got = query(
        &api,
        "query($id: String!) { issue(id: $id) { identifier priorityLabel branchName url
                state { type } team { key } assignee { displayName } project { name }
                cycle { number } labels { nodes { name } }
                children { nodes { identifier parent { identifier } } }
                comments { nodes { body user { displayName } } }
                attachments { nodes { title } } } }",
        json!({"id": "eng-1"}),
    )
    .await;
    let issue = &got["issue"];
    assert_eq!(issue["identifier"], "ENG-1");
    assert_eq!(issue["priorityLabel"], "High");
    assert_eq!(issue["branchName"], "eng-1-build-the-login-page");
    assert_suffix(&issue["url"], "/acme/issue/ENG-1/build-the-login-page");
    assert_eq!(issue["state"]["type"], "started");
    assert_eq!(issue["labels"]["nodes"][0]["name"], "Feature");
    let mut children = identifiers(&issue["children"]);
    children.sort();
    assert_eq!(children, ["ENG-2", "ENG-3"]);
    assert_eq!(issue["comments"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(issue["attachments"]["nodes"][0]["title"], "Login mockups");

    for id in ["ENG-404", "00000000-0000-4000-8000-000000000000"] {
        not_found(&api, "issue", id, "Issue").await;
    }
}

#[asym::clone("linear", seed = "basic")]
async fn issue_filters(linear: asym::Linear) {
    let api = client(&linear);
    let filtered =
        "query($filter: IssueFilter) { issues(filter: $filter) { nodes { identifier } } }";
    for (filter, expected) in [
        (
            json!({"team": {"key": {"eq": "ENG"}}}),
            vec!["ENG-1", "ENG-2", "ENG-3", "ENG-4", "ENG-5", "ENG-6"],
        ),
        (
            json!({"state": {"type": {"eq": "unstarted"}}}),
            vec!["ENG-3", "ENG-4"],
        ),
        (
            json!({"state": {"name": {"in": ["Done", "Canceled"]}}}),
            vec!["ENG-2", "ENG-6"],
        ),
        (
            json!({"assignee": {"email": {"eq": "ben@acme.test"}}}),
            vec!["ENG-2", "ENG-4"],
        ),
        (json!({"assignee": {"isMe": {"eq": true}}}), vec!["ENG-1"]),
        (
            json!({"assignee": {"null": true}}),
            vec!["ENG-3", "ENG-5", "ENG-6"],
        ),
        (
            json!({"labels": {"name": {"eq": "Feature"}}}),
            vec!["ENG-1", "ENG-3"],
        ),
        (
            json!({"labels": {"every": {"name": {"neq": "Feature"}}}}),
            vec!["ENG-2", "ENG-4", "ENG-5", "ENG-6"],
        ),
        (
            json!({"labels": {"length": {"eq": 0}}}),
            vec!["ENG-2", "ENG-6"],
        ),
        (
            json!({"priority": {"gte": 1, "lte": 2}}),
            vec!["ENG-1", "ENG-4"],
        ),
        (
            json!({"project": {"name": {"eq": "Launch"}}}),
            vec!["ENG-1", "ENG-2"],
        ),
        (
            json!({"cycle": {"number": {"eq": 1}}}),
            vec!["ENG-1", "ENG-4"],
        ),
        (
            json!({"title": {"containsIgnoreCase": "LOGIN"}}),
            vec!["ENG-1", "ENG-2"],
        ),
        (
            json!({"createdAt": {"gte": "2024-01-04T13:00:00Z"}}),
            vec!["ENG-4", "ENG-5", "ENG-6"],
        ),
        (
            json!({"updatedAt": {"lt": "2024-01-04T13:00:00.000Z"}}),
            vec!["ENG-3"],
        ),
        (
            json!({"parent": {"id": {"eq": "20000000-0000-4000-8000-000000000001"}}}),
            vec!["ENG-2", "ENG-3"],
        ),
        (
            json!({"or": [{"number": {"eq": 5}}, {"and": [{"priority": {"eq": 1}}, {"estimate": {"null": true}}]}]}),
            vec!["ENG-4", "ENG-5"],
        ),
        (json!({"dueDate": {"lt": "P1D"}}), vec!["ENG-1"]),
    ] {
        let got = query(&api, filtered, json!({"filter": filter})).await;
        let mut found = identifiers(&got["issues"]);
        found.sort();
        assert_eq!(found, expected, "{filter}");
    }
    for (filter, code) in [
        (json!({"dueDate": {"eq": "20-20"}}), "INPUT_ERROR"),
        (json!({"cycleTime": {"null": true}}), "INPUT_ERROR"),
        (json!({"createdAt": {"gt": "yesterday"}}), "INPUT_ERROR"),
        (json!({"nope": {"eq": 1}}), "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let reply = gql(&api, filtered, json!({"filter": filter})).await;
        error(&reply, 400, code);
    }
}

#[asym::clone("linear", seed = "basic")]
async fn relay_paging(linear: asym::Linear) {
    let api = client(&linear);
    let page = |args: Value| {
        let api = api.clone();
        async move {
            let paged = "query($first: Int, $after: String, $last: Int, $before: String, $orderBy: PaginationOrderBy) {
                issues(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
                  nodes { identifier } edges { cursor node { identifier } }
                  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
            query(&api, paged, args).await["issues"].clone()
        }
    };
    let first = page(json!({"first": 4})).await;
    assert_eq!(identifiers(&first), ["ENG-6", "ENG-5", "ENG-4", "ENG-3"]);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["edges"][3]["cursor"], first["pageInfo"]["endCursor"]);
    assert_eq!(first["edges"][0]["node"]["identifier"], "ENG-6");
    let rest = page(json!({"first": 4, "after": first["pageInfo"]["endCursor"]})).await;
    assert_eq!(identifiers(&rest), ["ENG-2", "ENG-1"]);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    let back = page(json!({"last": 2, "before": first["pageInfo"]["endCursor"]})).await;
    assert_eq!(identifiers(&back), ["ENG-5", "ENG-4"]);
    let updated = page(json!({"first": 1, "orderBy": "updatedAt"})).await;
    assert_eq!(identifiers(&updated), ["ENG-2"]);
    let creates: String = (0..50)
        .map(|i| {
            format!("c{i}: issueCreate(input: {{ teamId: \"{ENG}\", title: \"Paged {i}\" }}) {{ success }} ")
        })
        .collect();
    ask(&api, &format!("mutation {{ {creates}}}")).await;
    let all = page(json!({})).await;
    assert_eq!(identifiers(&all).len(), 50, "default page of 50");
    assert_eq!(identifiers(&all)[0], "ENG-56");
    assert_eq!(all["pageInfo"]["hasNextPage"], true);
    let tail = page(json!({"after": all["pageInfo"]["endCursor"]})).await;
    assert_eq!(
        identifiers(&tail),
        ["ENG-6", "ENG-5", "ENG-4", "ENG-3", "ENG-2", "ENG-1"]
    );

    let ids = "query($first: Int, $after: String) { issues(first: $first, after: $after) { nodes { id } } }";
    refused(
        &api,
        "{ issues(sort: [{ priority: { order: Ascending } }]) { nodes { id } } }",
        json!({}),
    )
    .await;
    for args in [
        json!({"after": "not a cursor"}),
        json!({"first": 251}),
        json!({"first": -1}),
    ] {
        refused(&api, ids, args).await;
    }
}

/// @linear/sdk's selection of an issue (its `Issue` fragment, less what the clone answers
/// alike for every issue), and of a user.
const SDK_ISSUE: &str = "fragment I on Issue { __typename trashed reactionData labelIds url
    identifier priorityLabel previousIdentifiers customerTicketCount branchName dueDate estimate
    description title number updatedAt boardOrder sortOrder prioritySortOrder subIssueSortOrder
    priority archivedAt createdAt addedToCycleAt addedToProjectAt addedToTeamAt canceledAt
    completedAt startedAt slaType id inheritsSharedAccess integrationSourceType
    reactions { id emoji user { id } }
    sharedAccess { __typename isShared sharedWithCount sharedWithUsers { id name } }
    syncedWith { id metadata { __typename } } botActor { id name }
    cycle { id } parent { id } project { id } team { id } assignee { id } creator { id }
    state { id __typename } delegate { id } snoozedBy { id } favorite { id } }";

/// The same page answered by projection and by async-graphql's resolvers: `@include(if:
/// true)` on the root field changes nothing in the answer but keeps the query from having a
/// plan.
#[asym::clone("linear", seed = "basic")]
async fn projected_pages_answer_as_resolvers_do(linear: asym::Linear) {
    let api = client(&linear);
    let issues = format!(
        "query($first: Int, $after: String, $last: Int, $before: String,
               $filter: IssueFilter, $includeArchived: Boolean, $orderBy: PaginationOrderBy) {{
           page: issues(first: $first, after: $after, last: $last, before: $before,
                        filter: $filter, includeArchived: $includeArchived, orderBy: $orderBy) ROOT {{
             __typename nodes {{ ...I }} edges {{ __typename cursor node {{ id ...I }} }}
             pageInfo {{ __typename hasNextPage hasPreviousPage startCursor endCursor }} }} }}
         {SDK_ISSUE}"
    );
    let archived = "mutation { issueArchive(id: \"ENG-5\") { success } }";
    assert_eq!(ask(&api, archived).await["issueArchive"]["success"], true);
    let first = query(&api, &issues.replace("ROOT", ""), json!({"first": 2})).await;
    let cursor = first["page"]["pageInfo"]["endCursor"].clone();
    assert!(cursor.is_string());
    let users = "{ page: users ROOT { nodes { __typename id name email isMe admin url
                   avatarBackgroundColor createdIssueCount } } }";
    for (document, variables) in [
        (issues.as_str(), json!({})),
        (issues.as_str(), json!({"first": 2, "after": cursor})),
        (issues.as_str(), json!({"last": 2, "before": cursor})),
        (
            issues.as_str(),
            json!({"includeArchived": true, "orderBy": "updatedAt"}),
        ),
        (
            issues.as_str(),
            json!({"filter": {"assignee": {"isMe": {"eq": true}}}}),
        ),
        (users, json!({})),
    ] {
        let projected = query(&api, &document.replace("ROOT", ""), variables.clone()).await;
        let resolved = query(
            &api,
            &document.replace("ROOT", "@include(if: true)"),
            variables.clone(),
        )
        .await;
        assert!(!projected["page"]["nodes"].as_array().unwrap().is_empty());
        assert_eq!(projected, resolved, "{variables}");
    }
}

#[asym::clone("linear", seed = "basic")]
async fn other_lists_and_search(linear: asym::Linear) {
    let api = client(&linear);
    let got = ask(&api, "{ users { nodes { email } } workflowStates(filter: { type: { eq: \"canceled\" } }) { nodes { name } }
               issueLabels { nodes { name } } projects { nodes { name state progress teams { nodes { key } } } }
               cycles { nodes { number issues { nodes { identifier } } } }
               comments(filter: { body: { contains: \"SSO\" } }) { nodes { body } }
               attachments { nodes { url } } webhooks { nodes { id } }
               issuePriorityValues { priority label }
               searchIssues(term: \"password\") { totalCount nodes { identifier } } }").await;
    // Ada, Ben and the installed app's user.
    assert_eq!(got["users"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(got["workflowStates"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(got["issueLabels"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(got["projects"]["nodes"][0]["state"], "started");
    assert_eq!(got["projects"]["nodes"][0]["progress"], 0.5);
    assert_eq!(
        got["cycles"]["nodes"][0]["issues"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        got["comments"]["nodes"][0]["body"],
        "Should we support SSO too?"
    );
    assert_eq!(
        got["issuePriorityValues"][1],
        json!({"priority": 1, "label": "Urgent"})
    );
    assert_eq!(identifiers(&got["searchIssues"]), ["ENG-3", "ENG-1"]);
    assert_eq!(got["searchIssues"]["totalCount"].as_f64(), Some(2.0));
}

/// @linear/sdk's `issueSearch` arguments, less ordering and archived issues.
const ISSUE_SEARCH: &str = "query($q: String, $f: IssueFilter, $first: Int, $after: String) {
    issueSearch(query: $q, filter: $f, first: $first, after: $after) {
      nodes { identifier } pageInfo { hasNextPage endCursor } } }";

/// `issueSearch` with `variables`: its connection.
async fn issue_search(api: &asym_kit::testing::Api, variables: Value) -> Value {
    query(api, ISSUE_SEARCH, variables).await["issueSearch"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn issue_search_is_searchissues_as_a_plain_connection(linear: asym::Linear) {
    let api = client(&linear);
    // By title or description, case-insensitively, or by identifier; newest first.
    let login = issue_search(&api, json!({"q": "LOGIN"})).await;
    assert_eq!(identifiers(&login), ["ENG-2", "ENG-1"]);
    let by_identifier = issue_search(&api, json!({"q": "eng-4"})).await;
    assert_eq!(identifiers(&by_identifier), ["ENG-4"]);
    let filtered = json!({"q": "login", "f": {"number": {"eq": 1}}});
    assert_eq!(identifiers(&issue_search(&api, filtered).await), ["ENG-1"]);
    let nothing = issue_search(&api, json!({"q": "no such words"})).await;
    assert_eq!(identifiers(&nothing), Vec::<String>::new());
    // Without a query, every issue the filter selects, paged as any connection.
    let first = issue_search(&api, json!({"first": 4})).await;
    assert_eq!(identifiers(&first), ["ENG-6", "ENG-5", "ENG-4", "ENG-3"]);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let after = first["pageInfo"]["endCursor"].clone();
    let rest = issue_search(&api, json!({"first": 4, "after": after})).await;
    assert_eq!(identifiers(&rest), ["ENG-2", "ENG-1"]);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let unsupported = "Filter field `cycleTime` is not supported by the asym Linear clone";
    let timed = json!({"f": {"cycleTime": {"null": true}}});
    crate::refused_as(&api, ISSUE_SEARCH, timed, unsupported, unsupported).await;
}

#[asym::clone("linear", seed = "basic")]
async fn projects_are_searched_and_branches_name_their_issues(linear: asym::Linear) {
    let api = client(&linear);
    let search = "query($term: String!) { searchProjects(term: $term) {
        totalCount nodes { name slugId metadata resourceCount } archivePayload { totalCount } } }";
    for term in ["LAUNCH", "8a1f2c3d4e5f"] {
        let found = query(&api, search, json!({"term": term})).await["searchProjects"].clone();
        assert_eq!(found["totalCount"], 1.0, "{term}");
        assert_eq!(
            found["nodes"],
            json!([{"name": "Launch", "slugId": "8a1f2c3d4e5f", "metadata": {}, "resourceCount": 1}]),
            "{term}"
        );
    }
    let none = query(&api, search, json!({"term": "nothing like it"})).await;
    assert_eq!(none["searchProjects"]["totalCount"], 0.0);

    let branch = "query($b: String!) { issueVcsBranchSearch(branchName: $b) { identifier } }";
    for (name, expected) in [
        (
            "eng-2-design-the-login-form",
            json!({"identifier": "ENG-2"}),
        ),
        ("ada/ENG-4-fix", json!({"identifier": "ENG-4"})),
        // The first identifier that names an issue.
        ("feature/eng-99_eng-3", json!({"identifier": "ENG-3"})),
        ("main", Value::Null),
        ("eng-99-missing", Value::Null),
    ] {
        let found = query(&api, branch, json!({"b": name})).await;
        assert_eq!(found["issueVcsBranchSearch"], expected, "{name}");
    }
}

/// `CycleFilter`'s flags select cycles as they render: the seeded Cycle 1 is active, the
/// earlier of two cycles to come is next, the last ended is previous.
#[asym::clone("linear", seed = "basic")]
async fn cycles_filter_on_being_active_next_previous_future_or_past(linear: asym::Linear) {
    let api = client(&linear);
    let create = "mutation($i: CycleCreateInput!) { cycleCreate(input: $i) { success } }";
    for (name, starts, ends) in [
        ("Later", "2041-01-01T00:00:00Z", "2041-01-15T00:00:00Z"),
        ("Soon", "2040-01-01T00:00:00Z", "2040-01-15T00:00:00Z"),
        ("Older", "2019-01-01T00:00:00Z", "2019-01-15T00:00:00Z"),
        ("Gone", "2020-01-01T00:00:00Z", "2020-01-15T00:00:00Z"),
    ] {
        let input = json!({"teamId": ENG, "name": name, "startsAt": starts, "endsAt": ends});
        mutate(&api, create, json!({ "i": input })).await;
    }
    let cases: [(Value, &[&str]); 7] = [
        (json!({"isActive": {"eq": true}}), &["Cycle 1"]),
        (json!({"isNext": {"eq": true}}), &["Soon"]),
        (json!({"isPrevious": {"eq": true}}), &["Gone"]),
        (json!({"isFuture": {"eq": true}}), &["Soon", "Later"]),
        (json!({"isPast": {"eq": true}}), &["Gone", "Older"]),
        (
            json!({"isActive": {"neq": true}, "isPast": {"eq": false}}),
            &["Soon", "Later"],
        ),
        (
            json!({"team": {"key": {"eq": "ENG"}}, "isPrevious": {"eq": false}, "isPast": {"eq": true}}),
            &["Older"],
        ),
    ];
    assert_filtered(&api, "cycles", "CycleFilter", "name", cases).await;
}

/// `ProjectFilter.status` selects projects by their status (a `ProjectStatusFilter`: name,
/// type, position, dates): Launch is In Progress, a new project Planned.
#[asym::clone("linear", seed = "basic")]
async fn projects_filter_on_their_status(linear: asym::Linear) {
    let api = client(&linear);
    create_project(&api, json!({"name": "Mobile", "teamIds": [ENG]})).await;
    let cases: [(Value, &[&str]); 4] = [
        (json!({"status": {"type": {"eq": "started"}}}), &["Launch"]),
        (json!({"status": {"name": {"eq": "Planned"}}}), &["Mobile"]),
        (
            json!({"status": {"type": {"in": ["planned", "started"]}, "updatedAt": {"lte": "P1D"}}}),
            &["Mobile", "Launch"],
        ),
        (json!({"status": {"position": {"gt": 3}}}), &[]),
    ];
    assert_filtered(&api, "projects", "ProjectFilter", "name", cases).await;
}

/// `ProjectFilter.accessibleTeams` ranges over a project's teams as `IssueFilter.labels` does
/// over an issue's labels (`some`, `every`, `length`, or the team's `id` and dates).
#[asym::clone("linear", seed = "basic")]
async fn projects_filter_on_their_teams(linear: asym::Linear) {
    let api = client(&linear);
    let team = mutate(
        &api,
        "mutation { teamCreate(input: { name: \"Design\", key: \"DES\" }) { success team { id } } }",
        json!({}),
    )
    .await;
    let design = team["team"]["id"].clone();
    create_project(&api, json!({"name": "Both", "teamIds": [ENG, design]})).await;
    create_project(&api, json!({"name": "Design only", "teamIds": [design]})).await;
    let cases: [(Value, &[&str]); 5] = [
        (
            json!({"accessibleTeams": {"id": {"eq": ENG}}}),
            &["Both", "Launch"],
        ),
        (
            json!({"accessibleTeams": {"some": {"key": {"eq": "DES"}}}}),
            &["Design only", "Both"],
        ),
        (
            json!({"accessibleTeams": {"every": {"key": {"eq": "DES"}}}}),
            &["Design only"],
        ),
        (
            json!({"accessibleTeams": {"length": {"gte": 2}}}),
            &["Both"],
        ),
        (
            json!({"accessibleTeams": {"some": {"name": {"eq": "Design"}}}, "name": {"neq": "Both"}}),
            &["Design only"],
        ),
    ];
    assert_filtered(&api, "projects", "ProjectFilter", "name", cases).await;
}
