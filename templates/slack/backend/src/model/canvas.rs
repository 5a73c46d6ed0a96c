//! Canvases: the markdown cut into sections (each header line, each paragraph), who may do
//! what with a canvas (its owner, its grants to people and to channels' members, a channel
//! canvas's channel), and a canvas read back as the file it is (`files.info`, `files.list`
//! with `types=canvas`, its `url_private` download as Slack's HTML).

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token::random_alnum;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::model::token::Reader;

/// One section: its id, kind (`h1`, `h2`, `h3` or `p`) and markdown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    /// `temp:C:…`.
    pub(crate) id: String,
    /// `h1`, `h2`, `h3` or `p`.
    pub(crate) kind: &'static str,
    /// Its markdown (the header line with its `#`s).
    pub(crate) markdown: String,
}

/// The kind of a section's first line.
fn kind_of(line: &str) -> &'static str {
    if line.starts_with("### ") {
        "h3"
    } else if line.starts_with("## ") {
        "h2"
    } else if line.starts_with("# ") {
        "h1"
    } else {
        "p"
    }
}

/// A stored section kind as the `'static` one.
fn stored_kind(kind: &str) -> &'static str {
    ["h1", "h2", "h3"]
        .into_iter()
        .find(|known| *known == kind)
        .unwrap_or("p")
}

/// `markdown` cut into new sections: each header line, each run of other lines up to a blank
/// line or a header.
pub(crate) fn sections_of(markdown: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut open = false;
    for line in markdown.lines() {
        let kind = kind_of(line);
        if line.trim().is_empty() {
            open = false;
        } else if kind == "p" && open {
            if let Some(last) = out.last_mut() {
                last.markdown.push('\n');
                last.markdown.push_str(line);
            }
        } else {
            out.push(Section {
                id: format!("temp:C:{}", random_alnum(28)),
                kind,
                markdown: line.to_owned(),
            });
            open = kind == "p";
        }
    }
    out
}

/// The stored sections of canvas `id`, in order.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn sections(
    client: &impl GenericClient,
    id: &str,
) -> Result<Vec<Section>, ApiError> {
    let rows = client
        .query(
            "SELECT id, kind, markdown FROM canvas_sections WHERE canvas_id = $1
             ORDER BY position",
            &[&id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Section {
            id: row.get(0),
            kind: stored_kind(row.get(1)),
            markdown: row.get(2),
        })
        .collect())
}

/// What a person may do with a canvas, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Access {
    /// Nothing: the canvas is not theirs to see.
    None,
    /// Read it.
    Read,
    /// Read and edit it.
    Write,
    /// Edit it, delete it and grant access to it.
    Owner,
}

impl Access {
    /// From the level [`CANVAS_SQL`] (or a list's query) computes: 3 owner, 2 write, 1 read.
    pub(crate) fn from_level(level: i32) -> Self {
        match level {
            3.. => Self::Owner,
            2 => Self::Write,
            1 => Self::Read,
            _ => Self::None,
        }
    }

    /// As a file's `access` names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Write => "write",
            Self::Read => "read",
            Self::None => "none",
        }
    }
}

/// A canvas as a person sees it.
#[derive(Debug)]
pub(crate) struct Canvas {
    /// `F…`.
    pub(crate) id: String,
    /// Its workspace.
    team_id: String,
    /// Its owner (creator).
    owner: String,
    /// Its title (`""` when none was given).
    title: String,
    /// The channel of a channel canvas.
    channel_id: Option<String>,
    /// When it was created and last edited (Unix seconds).
    created: i64,
    /// When it was last edited (Unix seconds), and by whom.
    updated: Option<(i64, String)>,
    /// The conversations it is granted to or is the canvas of: `(id, kind, name)`.
    channels: Vec<(String, String, String)>,
    /// What the person may do with it.
    pub(crate) access: Access,
}

/// A canvas with the access of the person `$2` (workspace `$1`): 3 owner, 2 write, 1 read, 0
/// none. A channel canvas is its channel's members' to edit; a grant to a channel reaches its
/// members.
const CANVAS_SQL: &str = "SELECT c.id, c.team_id, c.owner, c.title, c.channel_id, c.created,
        c.updated, c.last_editor,
        GREATEST(
          CASE WHEN c.owner = $2 THEN 3 ELSE 0 END,
          CASE WHEN EXISTS (SELECT 1 FROM conversation_members cm
                            WHERE cm.conversation_id = c.channel_id AND cm.user_id = $2)
               THEN 2 ELSE 0 END,
          COALESCE((SELECT max(CASE a.level WHEN 'owner' THEN 3 WHEN 'write' THEN 2 ELSE 1 END)
                    FROM canvas_access a
                    WHERE a.canvas_id = c.id AND (a.principal = $2 OR EXISTS (
                          SELECT 1 FROM conversation_members cm
                          WHERE cm.conversation_id = a.principal AND cm.user_id = $2))), 0)),
        ARRAY(SELECT v.id || ' ' || v.kind || ' ' || COALESCE(v.name, '') FROM conversations v
              WHERE v.id = c.channel_id OR v.id IN (SELECT principal FROM canvas_access a
                                                    WHERE a.canvas_id = c.id)
              ORDER BY v.id)
     FROM canvases c WHERE c.team_id = $1";

impl Canvas {
    /// From a row of [`CANVAS_SQL`].
    fn from_row(row: &Row) -> Self {
        let editor: Option<String> = row.get(7);
        let updated: Option<i64> = row.get(6);
        let channels: Vec<String> = row.get(9);
        Self {
            id: row.get(0),
            team_id: row.get(1),
            owner: row.get(2),
            title: row.get(3),
            channel_id: row.get(4),
            created: row.get(5),
            updated: updated.zip(editor),
            channels: channels
                .iter()
                .filter_map(|line| {
                    let mut parts = line.splitn(3, ' ');
                    let id = parts.next()?.to_owned();
                    let kind = parts.next()?.to_owned();
                    Some((id, kind, parts.next().unwrap_or_default().to_owned()))
                })
                .collect(),
            access: Access::from_level(row.get(8)),
        }
    }

    /// Canvas `id` of workspace `team` as `user` sees it; `None` when there is none.
    ///
    /// # Errors
    ///
    /// `internal_error` when Postgres fails.
    pub(crate) async fn load(
        client: &impl GenericClient,
        team: &str,
        user: &str,
        id: &str,
    ) -> Result<Option<Self>, ApiError> {
        let sql = format!("{CANVAS_SQL} AND c.id = $3");
        let row = client.query_opt(&sql, &[&team, &user, &id]).await?;
        Ok(row.as_ref().map(Self::from_row))
    }

    /// The canvases of workspace `team` that `user` may read, newest first.
    ///
    /// # Errors
    ///
    /// `internal_error` when Postgres fails.
    pub(crate) async fn readable(
        client: &impl GenericClient,
        team: &str,
        user: &str,
    ) -> Result<Vec<Self>, ApiError> {
        let sql = format!("{CANVAS_SQL} ORDER BY c.created DESC, c.id DESC");
        let rows = client.query(&sql, &[&team, &user]).await?;
        Ok(rows
            .iter()
            .map(Self::from_row)
            .filter(|canvas| canvas.access >= Access::Read)
            .collect())
    }

    /// Whether it is shared in (or is the canvas of) conversation `channel`.
    pub(crate) fn in_channel(&self, channel: &str) -> bool {
        self.channels.iter().any(|(id, _, _)| id == channel)
    }

    /// Succeeds when the person may at least `needed`: `canvas_not_found` for one who may not
    /// see it, `restricted_action` for one who may see it but not do this.
    ///
    /// # Errors
    ///
    /// As above.
    pub(crate) fn require(&self, needed: Access) -> Result<(), ApiError> {
        match self.access {
            Access::None => Err(ApiError::new("canvas_not_found")),
            held if held < needed => Err(ApiError::new("restricted_action")),
            _ => Ok(()),
        }
    }

    /// Its file object, as `files.info` and `files.list` answer it; `size` is its HTML's.
    pub(crate) fn file_json(&self, public_url: &str, sections: &[Section]) -> Value {
        let (team, id) = (&self.team_id, &self.id);
        let title = if self.title.is_empty() {
            "Untitled"
        } else {
            &self.title
        };
        let kind_of = |wanted: &[&str]| -> Vec<&str> {
            let channels = self.channels.iter();
            channels
                .filter(|(_, kind, _)| wanted.contains(&kind.as_str()))
                .map(|(id, _, _)| id.as_str())
                .collect()
        };
        let public = kind_of(&["public_channel"]);
        let private = kind_of(&["private_channel", "mpim"]);
        let share = |(channel, _, name): &(String, String, String)| {
            let access = if self.channel_id.as_deref() == Some(channel) {
                "write"
            } else {
                "read"
            };
            let share = json!([{
                "ts": format!("{}.000000", self.created),
                "channel_name": name,
                "team_id": team,
                "share_user_id": self.owner,
                "access": access,
                "source": if access == "write" { "CHANNEL_TAB" } else { "UNKNOWN" },
                "is_silent_share": true,
                "reply_users": [],
                "reply_users_count": 0,
                "reply_count": 0,
            }]);
            (channel.clone(), share)
        };
        let shares_of = |ids: &[&str]| -> serde_json::Map<String, Value> {
            self.channels
                .iter()
                .filter(|(id, _, _)| ids.contains(&id.as_str()))
                .map(share)
                .collect()
        };
        let mut shares = serde_json::Map::new();
        if !public.is_empty() {
            shares.insert("public".into(), Value::Object(shares_of(&public)));
        }
        if !private.is_empty() {
            shares.insert("private".into(), Value::Object(shares_of(&private)));
        }
        let updated = self.updated.as_ref();
        let mut file = json!({
            "id": id,
            "created": self.created,
            "timestamp": self.created,
            "name": "-",
            "title": title,
            "mimetype": "application/vnd.slack-docs",
            "filetype": "quip",
            "pretty_type": "Canvas",
            "user": self.owner,
            "user_team": team,
            "editable": true,
            "size": html(sections).len(),
            "mode": "quip",
            "is_external": false,
            "external_type": "",
            "is_public": !public.is_empty(),
            "public_url_shared": false,
            "display_as_bot": false,
            "username": "",
            "url_private": format!("{public_url}/files-pri/{team}-{id}/canvas"),
            "url_private_download": format!("{public_url}/files-pri/{team}-{id}/download/canvas"),
            "permalink": format!("{public_url}/docs/{team}/{id}"),
            "comments_count": 0,
            "is_starred": false,
            "shares": shares,
            "channels": public,
            "groups": private,
            "ims": [],
            "has_more_shares": false,
            "has_rich_preview": false,
            "file_access": "visible",
            "access": self.access.name(),
            "org_or_workspace_access": "none",
            "canvas_creator_id": self.owner,
            "is_channel_space": self.channel_id.is_some(),
            "last_editor": updated.map_or(self.owner.as_str(), |(_, who)| who.as_str()),
            "date_updated": updated.map_or(self.created, |(at, _)| *at),
            "update_notification": 0,
        });
        if let Some(channel) = &self.channel_id {
            file["linked_channel_id"] = json!(channel);
        }
        file
    }
}

/// Who is looking: their workspace and their user id.
pub(crate) type Viewer<'a> = (&'a str, &'a str);

/// The file object of canvas `id` as `viewer` sees it (`files.info`), `None` when there is
/// no such canvas.
///
/// # Errors
///
/// `file_not_found` for a canvas the viewer may not see; `internal_error` when Postgres fails.
pub(crate) async fn file(
    client: &impl GenericClient,
    (team, user): Viewer<'_>,
    id: &str,
    public_url: &str,
) -> Result<Option<Value>, ApiError> {
    let Some(canvas) = Canvas::load(client, team, user, id.trim()).await? else {
        return Ok(None);
    };
    if canvas.access == Access::None {
        return Err(ApiError::new("file_not_found"));
    }
    let sections = sections(client, &canvas.id).await?;
    Ok(Some(canvas.file_json(public_url, &sections)))
}

/// The file objects of the canvases `viewer` may read, as `files.list` filters them
/// (`channel`: shared there; `user`: its owner; `ts_from`/`ts_to`: its creation), newest
/// first.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn files(
    client: &impl GenericClient,
    (team, user): Viewer<'_>,
    filters: (Option<&str>, Option<&str>, Option<i64>, Option<i64>),
    public_url: &str,
) -> Result<Vec<Value>, ApiError> {
    let (channel, owner, from, to) = filters;
    let mut files = Vec::new();
    for canvas in Canvas::readable(client, team, user).await? {
        let kept = channel.is_none_or(|channel| canvas.in_channel(channel))
            && owner.is_none_or(|owner| canvas.owner == owner)
            && from.is_none_or(|from| canvas.created >= from)
            && to.is_none_or(|to| canvas.created <= to);
        if kept {
            let sections = sections(client, &canvas.id).await?;
            files.push(canvas.file_json(public_url, &sections));
        }
    }
    Ok(files)
}

/// Escapes `text` for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The canvas as Slack serves its `url_private`: HTML under a `quip-canvas-content` root, a
/// header element or a `<p class="line">` per section, each with its section id.
pub(crate) fn html(sections: &[Section]) -> String {
    let mut out = String::from("<div class=\"quip-canvas-content\">");
    for section in sections {
        let id = escape(&section.id);
        if section.kind == "p" {
            for line in section.markdown.lines() {
                let line = escape(line);
                out.push_str(&format!("<p id=\"{id}\" class=\"line\">{line}</p>"));
            }
        } else {
            let kind = section.kind;
            let text = escape(section.markdown.trim_start_matches('#').trim_start());
            out.push_str(&format!("<{kind} id=\"{id}\">{text}</{kind}>"));
        }
    }
    out.push_str("</div>");
    out
}

/// The canvas as markdown (`canvases.getContent`): its sections' markdown, a blank line
/// between each two.
pub(crate) fn markdown(sections: &[Section]) -> String {
    let parts: Vec<&str> = sections.iter().map(|s| s.markdown.as_str()).collect();
    parts.join("\n\n")
}

/// The HTML of canvas `id` for `reader`, when they may read it.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn download(
    client: &impl GenericClient,
    reader: &Reader,
    id: &str,
) -> Result<Option<String>, ApiError> {
    let canvas = Canvas::load(client, &reader.team, &reader.user, id).await?;
    if canvas.is_none_or(|canvas| canvas.access < Access::Read) {
        return Ok(None);
    }
    Ok(Some(html(&sections(client, id).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_cut_at_headers_and_blank_lines() {
        let sections = sections_of("# Plan\nfirst line\nsecond line\n\n## Risks\nnone");
        let kinds: Vec<&str> = sections.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, ["h1", "p", "h2", "p"]);
        assert_eq!(sections[1].markdown, "first line\nsecond line");
        assert_ne!(sections[0].id, sections[1].id);
    }

    #[test]
    fn a_canvas_is_served_as_slacks_html() {
        let sections = sections_of("# Plan <1>\nfirst & last");
        let html = html(&sections);
        assert!(html.starts_with("<div class=\"quip-canvas-content\"><h1 id=\"temp:C:"));
        assert!(html.contains(">Plan &lt;1&gt;</h1>"), "{html}");
        assert!(
            html.contains("class=\"line\">first &amp; last</p>"),
            "{html}"
        );
    }

    #[test]
    fn access_levels_order() {
        assert!(Access::from_level(3) > Access::Write);
        assert_eq!(Access::from_level(0), Access::None);
        assert_eq!(Access::from_level(1).name(), "read");
    }
}
