//! Custom emojis: `emojiCreate` (a unique name, the image's URL) and `emojiDelete`. Reads
//! (`emojis`, `emoji` by id or name) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::error::Result;
use crate::simple::{self, Spec};
use crate::write::Rule;

/// A workspace's custom emoji, under a name no other has.
const EMOJI: Spec = Spec {
    fields: &[("text", &["id", "name", "url"])],
    required: &["name", "url"],
    rules: &[("name", Rule::NotBlank), ("url", Rule::Url)],
    creator: Some("creator_id"),
    ..Spec::new("Emoji", "emojis", "emoji")
};

simple::delegate!(
    create => simple::create_plain, EMOJI, "emojiCreate(input:)";
    delete => simple::delete, EMOJI, "emojiDelete(id:)";
);
