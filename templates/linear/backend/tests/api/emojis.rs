//! Custom emojis: `emojiCreate`, `emojiDelete`, and the reads (`emojis` with its filter,
//! `emoji` by id or name).

use asym_kit::testing::pluck;
use serde_json::json;

use crate::{
    ADA, argument_error, ask, assert_filtered, client, create_text, delete_payload, mutate,
    not_found, refused_for, refused_inputs_as, with_id,
};

/// An emoji as @linear/sdk's fragment selects it.
const FIELDS: &str = "id name url source creator { id } createdAt updatedAt archivedAt";

#[asym::clone("linear", seed = "basic")]
async fn a_custom_emoji_is_found_by_id_or_name(linear: asym::Linear) {
    let api = client(&linear);
    let create = create_text("emojiCreate", "EmojiCreateInput", "emoji", FIELDS);
    let input = json!({"name": "shipit", "url": "https://example.com/shipit.png"});
    let emoji = mutate(&api, &create, json!({ "input": input })).await["emoji"].clone();
    let id = emoji["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (&emoji["name"], &emoji["url"], &emoji["source"]),
        (
            &json!("shipit"),
            &json!("https://example.com/shipit.png"),
            &json!("user")
        )
    );
    assert_eq!(emoji["creator"]["id"], ADA);

    let one = format!("query($id: String!) {{ emoji(id: $id) {{ {FIELDS} }} }}");
    assert_eq!(with_id(&api, &one, &id).await["emoji"], emoji);
    assert_eq!(
        with_id(&api, &one, "shipit").await["emoji"],
        emoji,
        "by name"
    );
    let all = ask(&api, "{ emojis { nodes { id } } }").await;
    assert_eq!(pluck(&all["emojis"]["nodes"], "id"), [id.as_str()]);
    assert_filtered(
        &api,
        "emojis",
        "EmojiFilter",
        "name",
        [
            (json!({"name": {"startsWith": "ship"}}), &["shipit"][..]),
            (json!({"name": {"eq": "party"}}), &[]),
        ],
    )
    .await;
    refused_for(
        &api,
        "{ emojis(sort: [{ createdAt: { order: Descending } }]) { nodes { id } } }",
        json!({}),
        "`sort`",
    )
    .await;

    // A name is the workspace's once, not blank; the image is at a URL.
    refused_inputs_as(
        &api,
        &create,
        [
            (
                json!({"name": "shipit", "url": "https://example.com/other.png"}),
                "An emoji with this name already exists.",
                "An emoji with this name already exists.",
            ),
            argument_error(
                json!({"name": " ", "url": "https://example.com/blank.png"}),
                "name should not be empty",
            ),
            argument_error(
                json!({"name": "nourl", "url": "shipit.png"}),
                "url must be a URL address",
            ),
        ],
    )
    .await;

    delete_payload(&api, "emojiDelete", &id).await;
    not_found(&api, "emoji", "shipit", "Emoji").await;
}
