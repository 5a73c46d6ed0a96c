//! The markdown routes under random and mutated markdown: never a 5xx; what a successful
//! edit answers is a fixed point (sent back, it changes nothing) and parses back to itself
//! (a page made from it renders the same).

use asym_kit::testing::Api;
use serde_json::json;

use crate::common::{PROJECTS, api, from_markdown, markdown_path, markdown_text};

/// Fragments of enhanced markdown, well-formed and not.
const PIECES: &[&str] = &[
    "\n",
    "\t",
    " ",
    "# ",
    "#### ",
    "####### ",
    "- ",
    "- [ ] ",
    "- [x] ",
    "1. ",
    "> ",
    "```",
    "```rust",
    "$$",
    "$",
    "$`",
    "`$",
    "`",
    "**",
    "*",
    "~~",
    "\\",
    "[",
    "](",
    ")",
    "<br>",
    "<details>",
    "<summary>",
    "</summary>",
    "</details>",
    "::: callout",
    "::: callout {icon=\"💡\" color=\"red_bg\"}",
    ":::",
    "<callout icon=\"x\">",
    "</callout>",
    "<columns>",
    "<column>",
    "</column>",
    "</columns>",
    "<table header-row=\"true\">",
    "<tr>",
    "<td>",
    "</td>",
    "</tr>",
    "</table>",
    "| a | b |",
    "|---|---|",
    "<empty-block/>",
    "<synced_block>",
    "</synced_block>",
    "<synced_block url=\"http://c/p#b0000000000040008000000000000001\">",
    "<synced_block_reference url=\"http://c/b0000000000040008000000000000001\">",
    "</synced_block_reference>",
    "<span color=\"blue\">",
    "<span underline=\"true\">",
    "</span>",
    "<mention-user url=\"user://a0000000000040008000000000000001\">",
    "</mention-user>",
    "<mention-date start=\"2025-01-01\" startTime=\"10:00\" timeZone=\"Europe/Paris\"/>",
    "<mention-date start=\"x\"/>",
    "<mention-page url=\"\"/>",
    "<file src=\"https://x/f\">",
    "</file>",
    "![cap](https://x/i.png)",
    "<table_of_contents/>",
    "<page url=\"x\">",
    "{color=\"blue\"}",
    " {toggle=\"true\"}",
    "{",
    "}",
    "\"",
    "é",
    "🎯",
    "\u{0}",
    "text",
    "---",
];

/// A page of most block types, for mutating.
const SEED: &str = "# Title {color=\"blue\"}\n<details>\n<summary>More</summary>\n\t**in** it\n</details>\n::: callout {icon=\"💡\"}\nNote\n- [x] done\n:::\n<columns>\n\t<column>\n\t\ta\n\t</column>\n\t<column>\n\t\tb\n\t</column>\n</columns>\n<synced_block>\n\tshared\n</synced_block>\n<table header-row=\"true\">\n\t<tr>\n\t\t<td>a</td>\n\t</tr>\n</table>\n```py\nx = 1\n```\n$$\ne\n$$\n| a | b |\n|---|---|\n| 1 | 2 |";

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// Random fragments joined, or [`SEED`] with fragments inserted and lines dropped or
    /// doubled.
    fn markdown(&mut self, mutate: bool) -> String {
        if !mutate {
            return (0..self.below(40))
                .map(|_| PIECES[self.below(PIECES.len())])
                .collect();
        }
        let mut text = SEED.to_owned();
        for _ in 0..1 + self.below(6) {
            let mut at = self.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match self.below(3) {
                0 => text.insert_str(at, PIECES[self.below(PIECES.len())]),
                1 => {
                    let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
                    text.replace_range(at..end, "");
                }
                _ => {
                    let line = text[at..].split('\n').next().unwrap_or_default().to_owned();
                    text.insert_str(at, &format!("{line}\n"));
                }
            }
        }
        text
    }
}

/// `PATCH /v1/pages/{id}/markdown` replacing the content with `markdown`.
async fn replace(api: &Api, id: &str, markdown: &str) -> asym_kit::testing::Reply {
    let body = json!({ "type": "replace_content", "replace_content": {
        "new_str": markdown, "allow_deleting_content": true } });
    api.patch(&markdown_path(id), &body).await
}

#[asym::clone("notion", seed = "basic")]
async fn random_markdown_never_fails_the_server(notion: asym::Notion) {
    let api = api(&notion);
    let page = from_markdown(&api, json!({ "page_id": PROJECTS }), "start").await;
    let id = page["id"].as_str().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..1_000 {
        let markdown = rng.markdown(round % 2 == 1);
        let reply = if round % 4 < 2 {
            api.post(
                "/v1/pages",
                &json!({ "parent": { "page_id": PROJECTS }, "markdown": markdown }),
            )
            .await
        } else {
            replace(&api, id, &markdown).await
        };
        assert!(
            reply.status < 500,
            "{markdown:?} → {} {}",
            reply.status,
            reply.body
        );
        if reply.status != 200 || round % 4 < 2 {
            continue;
        }
        // What the edit answers, sent back, is answered unchanged; a page made from it reads
        // the same (unless it names a synced block: a copy shows that one, as a reference).
        let answered = reply.body["markdown"].as_str().unwrap().to_owned();
        let again = replace(&api, id, &answered).await;
        assert_eq!(
            again.status, 200,
            "{markdown:?} → {answered:?} → {}",
            again.body
        );
        assert_eq!(again.body["markdown"], answered, "{markdown:?}");
        if answered.contains("<synced_block url") {
            continue;
        }
        let source = format!("# Copy\n{answered}");
        let copy = from_markdown(&api, json!({ "page_id": PROJECTS }), &source).await;
        let copied = markdown_text(&api, copy["id"].as_str().unwrap()).await;
        assert_eq!(copied, answered, "{markdown:?}");
    }
}
