//! `POST /v1/blocks/meeting_notes/query`: a clone's workspace holds no meeting notes (Notion
//! makes them in its app; the API cannot), so a well-formed query answers none; a malformed
//! one is Notion's validation error naming the member.

use serde_json::json;

use crate::common::{api, invalid, post};

const PATH: &str = "/v1/blocks/meeting_notes/query";

#[asym::clone("notion", seed = "basic")]
async fn meeting_notes_query_answers_none(notion: asym::Notion) {
    let api = api(&notion);
    let title = json!({ "property": "title", "filter": { "operator": "string_contains", "value": { "type": "exact", "value": "Weekly sync" } } });
    for body in [
        json!({}),
        json!({
            "filter": { "operator": "and", "filters": [title, { "operator": "or", "filters": [] }] },
            "sort": [{ "property": "created_time", "direction": "descending" }],
            "limit": 10
        }),
    ] {
        let answer = post(&api, PATH, &body).await;
        assert_eq!(answer["results"], json!([]), "{answer}");
        assert_eq!(answer["has_more"], false, "{answer}");
    }
    for (body, says) in [
        (
            json!({ "limit": 51 }),
            "body.limit should be ≤ `50`, instead was `51`.",
        ),
        (
            json!({ "limit": 0 }),
            "body.limit should be a positive integer, instead was `0`.",
        ),
        (
            json!({ "limit": "5" }),
            "body.limit should be a positive integer, instead was `\"5\"`.",
        ),
        (
            json!({ "filter": [] }),
            "body.filter should be an object, instead was `[]`.",
        ),
        (
            json!({ "filter": {} }),
            "body.filter.operator should be defined, instead was `undefined`.",
        ),
        (
            json!({ "filter": { "operator": "xor" } }),
            "body.filter.operator should be `\"and\"` or `\"or\"`, instead was `\"xor\"`.",
        ),
        (
            json!({ "filter": { "operator": "and", "filters": [{ "filter": {} }] } }),
            "body.filter.filters[0].property should be defined, instead was `undefined`.",
        ),
        (
            json!({ "sort": {} }),
            "body.sort should be an array, instead was `{}`.",
        ),
        (
            json!({ "sort": [{ "property": "created_time", "direction": "up" }] }),
            "body.sort[0].direction should be `\"ascending\"` or `\"descending\"`, instead was `\"up\"`.",
        ),
    ] {
        let message = invalid(api.post(PATH, &body).await);
        assert_eq!(message, format!("body failed validation: {says}"), "{body}");
    }
}
