//! GitHub Actions workflows: the `.github/workflows/*.yml` (`.yaml`) files of the default
//! branch's tree, read from git on every call. A workflow's id is derived from its
//! repository and path (stable across calls and resets; GitHub's are opaque numbers); its
//! `name` is the file's `name:` (the path when none), and it accepts dispatches when its
//! `on:` names `workflow_dispatch`.

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::repos::Repo;
use crate::{git, objects};

/// The folder GitHub reads workflows from.
const FOLDER: [&str; 2] = [".github", "workflows"];

/// One workflow file.
pub(crate) struct Workflow {
    /// Its id.
    pub(crate) id: i64,
    /// `name:`, else the path.
    pub(crate) name: String,
    /// `.github/workflows/<file>`.
    pub(crate) path: String,
    /// Whether `on:` names `workflow_dispatch`.
    pub(crate) dispatchable: bool,
}

impl Workflow {
    /// From a file's path and text.
    fn parse(repo: i64, path: String, text: &str) -> Self {
        let name = top_level(text, &["name"])
            .and_then(|(inline, _)| scalar(inline))
            .unwrap_or_else(|| path.clone());
        // YAML 1.1 readers take a bare `on` for `true`: GitHub reads it as the key `on`.
        let dispatchable = top_level(text, &["on", "\"on\"", "'on'", "true"])
            .is_some_and(|(inline, block)| names_dispatch(inline, &block));
        let hash = git::hash("workflow", format!("{repo}:{path}").as_bytes());
        let id = i64::from_str_radix(&hash[..11], 16).unwrap_or(0);
        Self {
            id,
            name,
            path,
            dispatchable,
        }
    }

    /// The file name (what `/actions/workflows/{file}` names it by).
    pub(crate) fn file(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// GitHub's JSON for it.
    pub(crate) fn json(&self, base: &str, repo: &Repo, created: &str) -> Value {
        let ru = repo.url(base);
        let full = &repo.full_name;
        json!({
            "id": self.id,
            "node_id": format!("W_kwDO{:X}", self.id),
            "name": self.name,
            "path": self.path,
            "state": "active",
            "created_at": created,
            "updated_at": created,
            "url": format!("{ru}/actions/workflows/{}", self.id),
            "html_url": format!("{base}/{full}/blob/{}/{}", repo.default_branch, self.path),
            "badge_url": format!("{base}/{full}/workflows/{}/badge.svg", self.file()),
        })
    }
}

/// The first top-level key of `keys` in a YAML document: the text after its colon and the
/// indented lines under it, as written (comments and blank lines left out).
fn top_level<'a>(text: &'a str, keys: &[&str]) -> Option<(&'a str, Vec<&'a str>)> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if line.starts_with([' ', '\t', '#']) || !keys.contains(&key.trim_end()) {
            continue;
        }
        let block = lines
            .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t', '#']))
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect();
        return Some((rest.trim(), block));
    }
    None
}

/// A plain or quoted scalar (a trailing comment left out); `None` when empty.
fn scalar(text: &str) -> Option<String> {
    let text = text.split(" #").next().unwrap_or(text).trim();
    let text = text.trim_matches(|c| c == '"' || c == '\'');
    (!text.is_empty()).then(|| text.to_owned())
}

/// Whether an `on:` value names `workflow_dispatch`: inline (a name or a `[…]` list) or as
/// a block (a `- name` list, or a map whose key it is).
fn names_dispatch(inline: &str, block: &[&str]) -> bool {
    const EVENT: &str = "workflow_dispatch";
    let named = |item: &str| item.trim().trim_matches(|c| c == '"' || c == '\'') == EVENT;
    let inline = inline.split(" #").next().unwrap_or(inline);
    if inline.trim_start().starts_with(['[', '{']) {
        return inline
            .trim_matches(|c: char| {
                c == '[' || c == ']' || c == '{' || c == '}' || c.is_whitespace()
            })
            .split(',')
            .any(|item| named(item.split(':').next().unwrap_or(item)));
    }
    if !inline.trim().is_empty() {
        return named(inline);
    }
    // Only the block's own entries, not what is nested under them.
    let depth = |l: &str| l.len() - l.trim_start().len();
    let top = block.iter().map(|l| depth(l)).min().unwrap_or(0);
    block.iter().filter(|l| depth(l) == top).any(|line| {
        let line = line.trim();
        let item = line.strip_prefix("- ").unwrap_or(line);
        named(item.split(':').next().unwrap_or(item))
    })
}

/// The workflows of `repo`'s default branch, by path (none for an empty repository).
pub(crate) async fn all(client: &impl GenericClient, repo: &Repo) -> ApiResult<Vec<Workflow>> {
    let Some(head) = objects::resolve(client, repo.id, &repo.default_branch).await? else {
        return Ok(Vec::new());
    };
    let Some(commit) = objects::commit(client, repo.id, &head).await? else {
        return Ok(Vec::new());
    };
    let Some(folder) = objects::lookup(client, repo.id, &commit.tree, &FOLDER).await? else {
        return Ok(Vec::new());
    };
    let entries = objects::tree(client, repo.id, &folder.sha)
        .await?
        .unwrap_or_default();
    let mut found = Vec::new();
    for entry in entries {
        let yaml = entry.name.ends_with(".yml") || entry.name.ends_with(".yaml");
        if entry.kind() != "blob" || !yaml {
            continue;
        }
        let data = objects::get(client, repo.id, &entry.sha)
            .await?
            .map(|(_, d)| d)
            .unwrap_or_default();
        let path = format!("{}/{}", FOLDER.join("/"), entry.name);
        found.push(Workflow::parse(
            repo.id,
            path,
            &String::from_utf8_lossy(&data),
        ));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The workflow `key` names (its id or its file name): 404 when none.
pub(crate) async fn find(
    client: &impl GenericClient,
    repo: &Repo,
    key: &str,
) -> ApiResult<Workflow> {
    let id: Option<i64> = key.parse().ok();
    all(client, repo)
        .await?
        .into_iter()
        .find(|w| Some(w.id) == id || w.file() == key)
        .ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use super::Workflow;

    #[test]
    fn dispatch_triggers_are_read_from_every_form_of_on() {
        let read = |text: &str| Workflow::parse(1, ".github/workflows/ci.yml".into(), text);
        assert!(read("on: workflow_dispatch\n").dispatchable);
        assert!(read("on: [push, workflow_dispatch]\n").dispatchable);
        assert!(read("name: Deploy\non:\n  workflow_dispatch:\n    inputs: {}\n").dispatchable);
        assert!(
            read("name: 'D'\n\"on\":\n  - push\n  - workflow_dispatch\njobs: {}\n").dispatchable
        );
        assert!(read("on: {push: {}, workflow_dispatch: {}}\n").dispatchable);
        assert!(
            !read("on:\n  push:\n    branches: [main]\njobs:\n  workflow_dispatch:\n").dispatchable
        );
        assert!(!read("on:\n  push:\n    branches:\n      - workflow_dispatch\n").dispatchable);
        assert!(!read("on: push # not workflow_dispatch\n").dispatchable);
        assert!(!read("not: [valid").dispatchable);
        assert_eq!(read("name: \"Quoted\" # c\non: push\n").name, "Quoted");
        assert_eq!(read("name: Deploy\non: push\n").name, "Deploy");
        assert_eq!(read("on: push\n").name, ".github/workflows/ci.yml");
        let other = Workflow::parse(2, ".github/workflows/ci.yml".into(), "on: push\n");
        let id = read("on: push\n").id;
        assert_ne!(id, other.id);
        assert!(id > 0 && id < (1 << 53));
    }
}
