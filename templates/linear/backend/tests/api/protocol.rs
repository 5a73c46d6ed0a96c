//! The protocol around queries: bad bodies and queries get Linear's error shape (never a
//! 5xx) and change nothing; depth and complexity limits; unknown routes; the SDL; rate-limit
//! headers and their enforcement switch.

use asym_kit::testing::{assert_contains, pluck};
use axum::http::Method;
use serde_json::{Value, json};

use crate::{ENG, ask, client, data, error, gql};

/// The number of issues, to show that refused requests wrote nothing.
async fn issue_count(api: &asym_kit::testing::Api) -> usize {
    crate::count(api, "issues(includeArchived: true)").await
}

#[asym::clone("linear", seed = "basic")]
async fn bad_bodies_answer_linear_errors(linear: asym::Linear) {
    let api = client(&linear);
    let before = issue_count(&api).await;
    let mutation = format!(
        "mutation {{ issueCreate(input: {{ teamId: \"{ENG}\", title: \"x\" }}) {{ success }} }}"
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let many_keys = {
        let keys: Vec<String> = (0..10_001).map(|i| format!("\"k{i}\": 1")).collect();
        format!(
            "{{\"query\": \"{{ viewer {{ id }} }}\", \"variables\": {{{}}}}}",
            keys.join(",")
        )
    };
    let nul = json!({"query": mutation, "variables": {"t": "a\u{0}b"}}).to_string();
    let huge = format!("{{\"query\": \"{}\"}}", "x".repeat((1 << 20) + 1000));
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"{not json".to_vec(), 400, "INPUT_ERROR"),
        (deep.into_bytes(), 400, "INPUT_ERROR"),
        (many_keys.into_bytes(), 400, "INPUT_ERROR"),
        (nul.into_bytes(), 400, "INPUT_ERROR"),
        (b"{\"query\": \"\xff\xfe\"}".to_vec(), 400, "INPUT_ERROR"),
        (huge.into_bytes(), 400, "INPUT_ERROR"),
        (b"[1, 2]".to_vec(), 400, "GRAPHQL_VALIDATION_FAILED"),
        (
            b"{\"variables\": {}}".to_vec(),
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (body, status, code) in cases {
        let reply = api
            .send_raw(Method::POST, "/graphql", "application/json", body)
            .await;
        error(&reply, status, code);
    }
    assert_eq!(issue_count(&api).await, before);
}

#[asym::clone("linear", seed = "basic")]
async fn bad_queries_answer_graphql_errors(linear: asym::Linear) {
    let api = client(&linear);
    let before = issue_count(&api).await;
    let deep_query = format!(
        "{{ issue(id: \"ENG-2\") {}id{} }}",
        "{ parent ".repeat(20),
        " }".repeat(20)
    );
    let wide_filter: Vec<Value> = (0..10_000).map(|i| json!(format!("id-{i}"))).collect();
    for (query, variables, code, message) in [
        (
            "{ viewer { id",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "expected",
        ),
        (
            "{ viewer { nope } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "Unknown field \"nope\" on type \"User\".",
        ),
        (
            "query($p: Int) { issues(filter: { priority: { eq: $p } }) { nodes { id } } }",
            json!({"p": "high"}),
            "GRAPHQL_VALIDATION_FAILED",
            "Invalid value for argument",
        ),
        (
            "mutation { issueCreate(input: { title: \"no team\" }) { success } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "teamId",
        ),
        (
            deep_query.as_str(),
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "nested too deep",
        ),
        (
            "{ issues { nodes { ...A } } } fragment A on Issue { parent { ...A } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "recursion depth",
        ),
        (
            "{ viewer { id } agentSkills { nodes { id } } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "`Query.agentSkills` is not implemented by the asym Linear clone",
        ),
        (
            "mutation { customerUnsync(id: \"x\") { success } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
            "`Mutation.customerUnsync` is not implemented by the asym Linear clone",
        ),
    ] {
        let reply = gql(&api, query, variables).await;
        let got = error(&reply, 400, code);
        assert!(got.contains(message), "{query}: {got}");
    }
    let reply = gql(
        &api,
        "query($ids: [ID!]) { issues(filter: { id: { in: $ids } }) { nodes { id } } }",
        json!({"ids": wide_filter}),
    )
    .await;
    assert_eq!(data(reply)["issues"]["nodes"], json!([]));
    assert_eq!(issue_count(&api).await, before);
}

#[asym::clone("linear", seed = "basic")]
async fn routes_schema_and_rate_limits(linear: asym::Linear) {
    let api = client(&linear);
    let reply = api.get("/nope").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let sdl = asym_kit::testing::Api::new(linear.endpoint("backend").unwrap())
        .get("/graphql/schema")
        .await;
    assert_eq!(sdl.status, 200);
    let sdl = sdl.body.as_str().unwrap().to_owned();
    assert!(sdl.contains("type Issue {") && sdl.contains("input IssueFilter {"));
    // Clients generate from the file the clone serves (examples/linear-triage does).
    assert_eq!(
        sdl.trim_end(),
        include_str!("../../vendor/schema.graphql").trim_end(),
        "GET /graphql/schema serves backend/vendor/schema.graphql"
    );

    let reply = gql(&api, "{ viewer { id } }", json!({})).await;
    assert_eq!(reply.header("x-ratelimit-requests-limit"), Some("5000"));
    assert_eq!(
        reply.header("x-ratelimit-requests-remaining"),
        Some("5000"),
        "not counted while off"
    );
    assert!(
        reply
            .header("x-complexity")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    assert!(reply.header("x-ratelimit-requests-reset").is_some());

    let set = rate_limit(&linear, json!({"enforce": true, "requestsLimit": 2})).await;
    assert_eq!(set["enforce"], true);
    let first = gql(&api, "{ viewer { id } }", json!({})).await;
    assert_eq!(first.header("x-ratelimit-requests-remaining"), Some("1"));
    gql(&api, "{ viewer { id } }", json!({})).await.expect(200);
    let limited = gql(&api, "{ viewer { id } }", json!({})).await;
    error(&limited, 429, "RATELIMITED");
    assert_eq!(
        limited.body["errors"][0]["extensions"]["type"],
        "ratelimited"
    );
    rate_limit(&linear, json!({"enforce": false})).await;
    gql(&api, "{ viewer { id } }", json!({})).await.expect(200);
}

/// Sets the clone's rate limits through `POST /api/admin/rate-limit`; answers the settings.
async fn rate_limit(linear: &asym::Linear, settings: Value) -> Value {
    asym_kit::testing::Api::new(linear.endpoint("backend").unwrap())
        .with_header("X-Asym-Admin-Secret", linear.admin_secret())
        .post("/api/admin/rate-limit", &settings)
        .await
        .expect(200)
}

/// @linear/sdk's `RatelimitedLinearError` reads its `retryAfter`, limits and resets from the
/// 429's headers, so the refusal carries them as every other answer does.
#[asym::clone("linear", seed = "basic")]
async fn a_rate_limited_answer_says_its_limits_and_when_to_retry(linear: asym::Linear) {
    let api = client(&linear);
    rate_limit(&linear, json!({"enforce": true, "requestsLimit": 1})).await;
    let counted = gql(&api, "{ viewer { id } }", json!({})).await;
    assert_eq!(counted.header("x-ratelimit-requests-remaining"), Some("0"));
    let limited = gql(&api, "{ viewer { id } }", json!({})).await;
    error(&limited, 429, "RATELIMITED");
    let number = |name: &str| -> u64 {
        let value = limited.header(name);
        value
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {value:?}"))
    };
    assert_eq!(number("x-ratelimit-requests-limit"), 1);
    assert_eq!(number("x-ratelimit-requests-remaining"), 0);
    assert_eq!(number("x-ratelimit-complexity-limit"), 3_000_000);
    let reset = number("x-ratelimit-requests-reset");
    assert_eq!(number("x-ratelimit-complexity-reset"), reset);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let retry = number("retry-after");
    assert!((1..=3600).contains(&retry), "Retry-After {retry}");
    assert!(
        reset / 1000 >= now && reset / 1000 - now <= retry,
        "reset {reset}, now {now}, retry {retry}"
    );
    rate_limit(&linear, json!({"enforce": false})).await;
}

#[asym::clone("linear", seed = "basic")]
async fn values_postgres_refuses_are_user_errors_with_their_path(linear: asym::Linear) {
    let api = client(&linear);
    let before = issue_count(&api).await;
    let filtered = "query($filter: IssueFilter) { issues(filter: $filter) { nodes { id } } }";
    let create = format!(
        "mutation {{ issueCreate(input: {{ teamId: \"{ENG}\", title: \"a\\u0000b\" }}) {{ success }} }}"
    );
    let too_many = format!(
        "{{ issues(filter: {{ or: [{}] }}) {{ nodes {{ id }} }} }}",
        vec!["{id:{in:[]}}"; 66_000].join(",")
    );
    for (query, variables, path) in [
        (
            filtered,
            json!({"filter": {"createdAt": {"gt": "2024-13-45T00:00:00Z"}}}),
            "issues",
        ),
        (
            filtered,
            json!({"filter": {"dueDate": {"eq": "2024-02-30"}}}),
            "issues",
        ),
        (
            filtered,
            json!({"filter": {"updatedAt": {"gt": "-P2X"}}}),
            "issues",
        ),
        (
            "{ issues(filter: { title: { eq: \"a\\u0000b\" } }) { nodes { id } } }",
            json!({}),
            "issues",
        ),
        (create.as_str(), json!({}), "issueCreate"),
        (too_many.as_str(), json!({}), "issues"),
        ("{ issue(id: \"ENG-999\") { id } }", json!({}), "issue"),
    ] {
        let reply = gql(&api, query, variables).await;
        error(&reply, 400, "INPUT_ERROR");
        assert_eq!(
            reply.body["errors"][0]["path"],
            json!([path]),
            "{}",
            reply.body
        );
    }
    let partial = gql(
        &api,
        "{ viewer { id } missing: issue(id: \"ENG-999\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(partial.status, 200, "{}", partial.body);
    assert!(partial.body["data"]["viewer"]["id"].is_string());
    assert_eq!(partial.body["errors"][0]["path"], json!(["missing"]));
    assert_eq!(issue_count(&api).await, before);
}

#[asym::clone("linear", seed = "basic")]
async fn refusals_postgres_makes_are_worded_as_linear_words_them(linear: asym::Linear) {
    let api = client(&linear);
    let write = |mutation: &str, input: &str| {
        format!("mutation($i: {input}!) {{ {mutation}(input: $i) {{ success }} }}")
    };
    for (mutation, input, variables, message, presentable) in [
        (
            "cycleCreate",
            "CycleCreateInput",
            json!({"teamId": ENG, "startsAt": "2030-02-07T00:00:00Z", "endsAt": "2030-01-21T00:00:00Z"}),
            "Argument Validation Error",
            "endsAt must be after startsAt.",
        ),
        (
            "cycleCreate",
            "CycleCreateInput",
            json!({"teamId": ENG, "startsAt": "next week", "endsAt": "2030-01-21T00:00:00Z"}),
            "Argument Validation Error",
            "A date or time in the input is not valid.",
        ),
        (
            "workflowStateCreate",
            "WorkflowStateCreateInput",
            json!({"teamId": ENG, "name": "X", "type": "limbo", "color": "#000"}),
            "Argument Validation Error",
            "type must be one of triage, backlog, unstarted, started, completed, canceled.",
        ),
        (
            "issueRelationCreate",
            "IssueRelationCreateInput",
            json!({"issueId": "ENG-1", "relatedIssueId": "ENG-1", "type": "blocks"}),
            "Argument Validation Error",
            "An issue cannot be related to itself.",
        ),
        (
            "projectMilestoneCreate",
            "ProjectMilestoneCreateInput",
            json!({"name": "m", "projectId": "f0000000-0000-4000-8000-000000000001", "targetDate": "2024-02-31"}),
            "Argument Validation Error",
            "A date or time in the input is not valid.",
        ),
        (
            "issueCreate",
            "IssueCreateInput",
            json!({"id": "not-a-uuid", "teamId": ENG, "title": "x"}),
            "Argument Validation Error",
            "id must be a UUID.",
        ),
        (
            "issueCreate",
            "IssueCreateInput",
            json!({"id": "20000000-0000-4000-8000-000000000001", "teamId": ENG, "title": "x"}),
            "An entity with this identifier already exists",
            "An entity with this identifier already exists",
        ),
        (
            "commentCreate",
            "CommentCreateInput",
            json!({"issueId": "ENG-1", "body": "x", "parentId": "nope"}),
            "Entity not found: Comment",
            "Could not find referenced Comment.",
        ),
        (
            "issueLabelCreate",
            "IssueLabelCreateInput",
            json!({"name": "x", "parentId": "nope"}),
            "Entity not found: IssueLabel",
            "Could not find referenced IssueLabel.",
        ),
        (
            "projectCreate",
            "ProjectCreateInput",
            json!({"name": "x", "teamIds": [ENG], "leadId": "nope"}),
            "Entity not found: User",
            "Could not find referenced User.",
        ),
    ] {
        let reply = gql(&api, &write(mutation, input), json!({"i": variables})).await;
        assert_eq!(error(&reply, 400, "INPUT_ERROR"), message, "{}", reply.body);
        let first = &reply.body["errors"][0];
        assert_eq!(first["path"], json!([mutation]), "{}", reply.body);
        assert_eq!(
            first["extensions"]["userPresentableMessage"], presentable,
            "{}",
            reply.body
        );
        assert_eq!(first["extensions"]["type"], "invalid input");
        assert_eq!(first["extensions"]["userError"], true);
    }
}

/// Introspection (how GraphQL code generators read an endpoint) lists each type's fields and
/// enum values, deprecating only what Linear's schema deprecates, with its reason.
#[asym::clone("linear", seed = "basic")]
async fn introspection_deprecates_only_what_linear_deprecates(linear: asym::Linear) {
    let api = client(&linear);
    let got = ask(
        &api,
        "{ query: __type(name: \"Query\") { fields { name } }
           issue: __type(name: \"Issue\") { fields { name }
             all: fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
           order: __type(name: \"PaginationOrderBy\") { enumValues { name isDeprecated } } }",
    )
    .await;
    let roots = pluck(&got["query"]["fields"], "name");
    assert!(
        ["viewer", "issues", "issue"]
            .iter()
            .all(|f| roots.iter().any(|r| r == f)),
        "{roots:?}"
    );
    let fields = pluck(&got["issue"]["fields"], "name");
    assert!(fields.iter().any(|f| f == "title"), "{fields:?}");
    assert!(
        !fields.iter().any(|f| f == "boardOrder"),
        "deprecated by Linear: {fields:?}"
    );
    let all = got["issue"]["all"].as_array().unwrap();
    let of = |name: &str| all.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(of("title")["isDeprecated"], false);
    assert_eq!(of("boardOrder")["isDeprecated"], true);
    assert_contains(&of("boardOrder")["deprecationReason"], "sortOrder");
    assert_eq!(
        got["order"]["enumValues"],
        json!([{"name": "createdAt", "isDeprecated": false}, {"name": "updatedAt", "isDeprecated": false}])
    );
}

/// A method the GraphQL endpoint or the SDL does not serve is a 405 in Linear's error shape
/// (never an empty body), its `Allow` naming the method that is served.
#[asym::clone("linear", seed = "basic")]
async fn a_method_a_route_does_not_serve_is_a_405_in_linears_shape(linear: asym::Linear) {
    let api = client(&linear);
    for (method, path, allowed) in [
        (
            Method::GET,
            "/graphql?query=%7B%20viewer%20%7B%20id%20%7D%20%7D",
            "POST",
        ),
        (Method::PUT, "/graphql", "POST"),
        (Method::DELETE, "/graphql", "POST"),
        (Method::PATCH, "/graphql", "POST"),
        (Method::POST, "/graphql/schema", "GET"),
    ] {
        let reply = api
            .send_raw(method.clone(), path, "application/json", b"{}".to_vec())
            .await;
        let message = error(&reply, 405, "METHOD_NOT_ALLOWED");
        assert!(message.contains(allowed), "{method} {path}: {message}");
        assert_eq!(reply.header("allow"), Some(allowed), "{method} {path}");
    }
}

/// A body without a query (an empty object, an array, a blank query) is asked for its query by
/// name, not answered with the parser's complaint about an empty document.
#[asym::clone("linear", seed = "basic")]
async fn a_body_without_a_query_is_asked_for_one(linear: asym::Linear) {
    let api = client(&linear);
    for body in [
        "{}",
        "[]",
        "[{\"query\": \"{ viewer { id } }\"}]",
        "{\"query\": \"\"}",
        "{\"query\": \"  \", \"variables\": {}}",
        "{\"variables\": {}}",
    ] {
        let reply = api
            .send_raw(
                Method::POST,
                "/graphql",
                "application/json",
                body.as_bytes().to_vec(),
            )
            .await;
        let message = error(&reply, 400, "GRAPHQL_VALIDATION_FAILED");
        assert!(
            message.starts_with("Must provide a query string"),
            "{body}: {message}"
        );
    }
}

/// An `Int` variable past 32 bits (inside an input object, or on its own) is refused before
/// anything runs, as graphql-js refuses it; a `Float` that large, and an `Int` at the edge,
/// are taken.
#[asym::clone("linear", seed = "basic")]
async fn an_int_variable_past_32_bits_is_refused_as_graphql_js_refuses_it(linear: asym::Linear) {
    let api = client(&linear);
    let before = issue_count(&api).await;
    let create = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success } }";
    let page = "query($n: Int) { issues(first: $n) { nodes { id } } }";
    for (query, variables, path, value) in [
        (
            create,
            json!({"input": {"teamId": ENG, "title": "x", "estimate": 2_147_483_648_i64}}),
            "input.estimate",
            "2147483648",
        ),
        (
            create,
            json!({"input": {"teamId": ENG, "title": "x", "priority": u64::MAX}}),
            "input.priority",
            "18446744073709551615",
        ),
        (page, json!({"n": -2_147_483_649_i64}), "n", "-2147483649"),
    ] {
        let message = error(
            &gql(&api, query, variables).await,
            400,
            "GRAPHQL_VALIDATION_FAILED",
        );
        let expected = format!(
            "got invalid value {value} at \"{path}\"; Int cannot represent non 32-bit signed integer value: {value}"
        );
        assert!(message.contains(&expected), "{message}");
    }
    assert_eq!(issue_count(&api).await, before, "nothing was created");
    let edge = gql(&api, page, json!({"n": 2_147_483_647})).await;
    assert_contains(&edge.body["errors"][0]["message"], "between 0 and 250");
    let float = json!({"input": {"teamId": ENG, "title": "x", "sortOrder": 2_147_483_648_i64}});
    data(gql(&api, create, float).await);
}

/// An `Int` literal past 32 bits in the document (an argument, inside an input object, a
/// variable's default) fails validation as graphql-js's `Int` refuses it: HTTP 400,
/// `GRAPHQL_VALIDATION_FAILED`, nothing run; a `Float` literal that large is taken.
#[asym::clone("linear", seed = "basic")]
async fn an_int_literal_past_32_bits_is_refused_as_graphql_js_refuses_it(linear: asym::Linear) {
    let api = client(&linear);
    let before = issue_count(&api).await;
    // graphql-js locates the refusal at the number itself: inside an input object too, past
    // a string and a `Float` field holding the same digits, lines below the field.
    let nested = format!(
        "mutation {{\n  issueCreate(input: {{teamId: \"{ENG}\", title: \"2147483648 # x\", sortOrder: 2147483648,\n    estimate: 2147483648}}) {{ success }}\n}}"
    );
    for (query, value, (line, column)) in [
        (
            "{ issues(first: 9999999999) { nodes { id } } }",
            "9999999999",
            (1, 17),
        ),
        (
            "query($n: Int = -2147483649) { issues(first: $n) { nodes { id } } }",
            "-2147483649",
            (1, 17),
        ),
        (
            "mutation { issueBatchCreate(input: { issues: [{ teamId: \"x\", title: \"a\", estimate: 1 }, { teamId: \"x\", title: \"b\", estimate: 3000000000 }] }) { success } }",
            "3000000000",
            (1, 126),
        ),
        (nested.as_str(), "2147483648", (3, 15)),
    ] {
        let reply = gql(&api, query, json!({})).await;
        let message = error(&reply, 400, "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(
            message,
            format!("Int cannot represent non 32-bit signed integer value: {value}"),
            "{query}"
        );
        let extensions = json!({"http": {"status": 400, "headers": {}},
            "code": "GRAPHQL_VALIDATION_FAILED", "type": "graphql error", "userError": true});
        assert_eq!(
            reply.body["errors"][0]["extensions"], extensions,
            "as Linear answers it"
        );
        assert_eq!(
            reply.body["errors"][0]["locations"],
            json!([{"line": line, "column": column}]),
            "{query}"
        );
        assert!(
            reply.body.get("data").is_none_or(Value::is_null),
            "{}",
            reply.body
        );
    }
    assert_eq!(issue_count(&api).await, before, "nothing was created");
    let float = format!(
        "mutation {{ issueCreate(input: {{teamId: \"{ENG}\", title: \"x\", sortOrder: 9999999999}}) {{ success }} }}"
    );
    data(gql(&api, &float, json!({})).await);
    data(gql(&api, "{ issues(first: 250) { nodes { id } } }", json!({})).await);
}
