//! `GET /search/commits` and `GET /search/code`: what the default branches hold. Commits:
//! words in the message, `repo:`/`org:`/`user:`, `author:`/`committer:` (a user, by commit
//! email), `author-name:`, `author-email:`, `committer-name:`, `committer-email:`,
//! `author-date:`/`committer-date:` ranges, `merge:`, `hash:`, `parent:`, `tree:`,
//! `is:public|private`. Code: the default branch's files of the repositories `repo:`,
//! `org:` or `user:` name (one is required, as GitHub requires), words in the content or the
//! path (`in:file`, `in:path`), `path:`, `filename:`, `extension:`, `language:`.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::extract::State;
use serde_json::{Value, json};

use super::{Range, Term, answer, invalid_q, terms};
use crate::commits;
use crate::error::{ApiError, ApiResult};
use crate::git::Commit;
use crate::repos::Repo;
use crate::req::Query;
use crate::viewer::Caller;
use crate::{linguist, objects};

/// Most commits read from one repository's default branch.
const HISTORY_CAP: i64 = 5000;
/// Files past this size are not searched, as GitHub indexes none larger (384 KB).
const MAX_INDEXED: usize = 384 * 1024;

/// A repository a search reads, with its minimal JSON (each item's `repository`).
struct Searched {
    repo: Repo,
    private: bool,
    json: Value,
}

/// Which repositories `repo:`, `org:` and `user:` name (any of them: GitHub takes their
/// union); both lists empty means every repository the caller can see.
#[derive(Default)]
struct Scope {
    repos: Vec<String>,
    owners: Vec<String>,
}

impl Scope {
    /// Takes `key:value` when it names repositories.
    fn take(&mut self, key: &str, value: &str) -> bool {
        match key {
            "repo" => self.repos.push(value.to_lowercase()),
            "org" | "user" => self.owners.push(value.to_lowercase()),
            _ => return false,
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.repos.is_empty() && self.owners.is_empty()
    }

    /// The repositories in scope that the caller can see, each with its default branch's head
    /// (none for an empty repository), by id.
    async fn open(
        &self,
        client: &impl GenericClient,
        base: &str,
        viewer: Option<i64>,
    ) -> ApiResult<Vec<(Searched, Option<String>)>> {
        const SQL: &str = "SELECT r.id, r.full_name, r.default_branch, r.archived, p.perm,
                                  gh_repo(r, $2, p.perm)::text, r.private, g.sha
                           FROM repos r JOIN users o ON o.id = r.owner_id
                           CROSS JOIN LATERAL (SELECT gh_permission(r.id, $1) AS perm) p
                           LEFT JOIN git_refs g ON g.repo_id = r.id
                                               AND g.ref = 'refs/heads/' || r.default_branch
                           WHERE p.perm IS NOT NULL
                             AND (($3::text[] = '{}' AND $4::text[] = '{}')
                                  OR lower(r.full_name) = ANY($3) OR lower(o.login) = ANY($4))
                           ORDER BY r.id";
        let rows = client
            .query(SQL, &[&viewer, &base, &self.repos, &self.owners])
            .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let json = serde_json::from_str(row.get(5)).unwrap_or(Value::Null);
                let repo = Repo {
                    id: row.get(0),
                    full_name: row.get(1),
                    default_branch: row.get(2),
                    archived: row.get(3),
                    permission: row.get(4),
                };
                let private = row.get(6);
                (
                    Searched {
                        repo,
                        private,
                        json,
                    },
                    row.get(7),
                )
            })
            .collect())
    }
}

/// Whether `text` holds `word`, ignoring case.
fn holds(text: &str, word: &str) -> bool {
    text.to_lowercase().contains(&word.to_lowercase())
}

/// A test one commit must pass.
type CommitTest = Box<dyn Fn(&str, &Commit) -> bool + Send>;

/// A user's commit email by login (`author:`, `committer:`); none for an unknown login.
async fn email_of(client: &impl GenericClient, login: &str) -> ApiResult<Option<String>> {
    const SQL: &str = "SELECT lower(email) FROM users WHERE lower(login) = lower($1)";
    Ok(crate::db::row(client, SQL, &[&login])
        .await?
        .and_then(|row| row.get(0)))
}

/// `GET /search/commits`: the default branches' commits (at most 5,000 a repository), each
/// as `GET …/commits/{sha}` answers it without `stats` and `files`, with its `repository`
/// and `score`. `sort` `author-date` or `committer-date` (the default order is by committer
/// date, newest first).
pub(crate) async fn commits(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    query: Query,
) -> ApiResult {
    let client = kit.db().await?;
    let mut scope = Scope::default();
    let mut tests: Vec<CommitTest> = Vec::new();
    let mut visibility = None;
    for Term { key, value, word } in terms(&query)? {
        if scope.take(&key, &value) {
            continue;
        }
        let lower = value.to_lowercase();
        let test: CommitTest = match key.as_str() {
            "author" | "committer" => {
                let email = email_of(&client, &value).await?;
                let author = key == "author";
                Box::new(move |_, c| {
                    let who = if author { &c.author } else { &c.committer };
                    email.as_deref() == Some(who.email.to_lowercase().as_str())
                })
            }
            "author-name" => Box::new(move |_, c| holds(&c.author.name, &lower)),
            "committer-name" => Box::new(move |_, c| holds(&c.committer.name, &lower)),
            "author-email" => Box::new(move |_, c| c.author.email.to_lowercase() == lower),
            "committer-email" => Box::new(move |_, c| c.committer.email.to_lowercase() == lower),
            "author-date" => {
                let range = Range::date(&value)?;
                Box::new(move |_, c| range.holds(c.author.when))
            }
            "committer-date" => {
                let range = Range::date(&value)?;
                Box::new(move |_, c| range.holds(c.committer.when))
            }
            "merge" => {
                let merge = match lower.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(invalid_q()),
                };
                Box::new(move |_, c| (c.parents.len() > 1) == merge)
            }
            "hash" => Box::new(move |sha, _| sha.starts_with(&lower)),
            "parent" => Box::new(move |_, c| c.parents.iter().any(|p| p.starts_with(&lower))),
            "tree" => Box::new(move |_, c| c.tree.starts_with(&lower)),
            "is" => {
                visibility = Some(match lower.as_str() {
                    "public" => false,
                    "private" => true,
                    _ => return Err(invalid_q()),
                });
                continue;
            }
            _ => Box::new(move |_, c| holds(&c.message, &word)),
        };
        tests.push(test);
    }
    let by_author = match query.get("sort") {
        None | Some("best-match" | "committer-date") => false,
        Some("author-date") => true,
        Some(_) => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let ascending = super::direction(&query)? == "ASC";
    let base = kit.config().public_url.clone();
    let uid = viewer.as_ref().map(|v| v.user_id);
    let repos = scope.open(&client, &base, uid).await?;
    let mut hits = Vec::new();
    for (index, (searched, head)) in repos.iter().enumerate() {
        let (Some(head), true) = (head, visibility.is_none_or(|p| p == searched.private)) else {
            continue;
        };
        for (sha, commit) in objects::history(&client, searched.repo.id, head, HISTORY_CAP).await? {
            if tests.iter().all(|test| test(&sha, &commit)) {
                hits.push((index, sha, commit));
            }
        }
    }
    hits.sort_by(|a, b| {
        let when = |c: &Commit| {
            if by_author {
                c.author.when
            } else {
                c.committer.when
            }
        };
        let order = when(&b.2).cmp(&when(&a.2)).then_with(|| a.1.cmp(&b.1));
        if ascending { order.reverse() } else { order }
    });
    let (total, page) = query.slice(hits);
    let mut items = Vec::with_capacity(page.len());
    for (index, sha, commit) in page {
        let searched = &repos[index].0;
        let rendered =
            commits::render_list(&client, &base, &searched.repo, &[(sha, commit)]).await?;
        if let Value::Array(rendered) = rendered {
            for mut item in rendered {
                item["repository"] = searched.json.clone();
                item["score"] = json!(1.0);
                items.push(item);
            }
        }
    }
    let items = Value::Array(items).to_string();
    Ok(answer(
        &kit,
        "/search/commits",
        &query,
        total,
        &items,
        Value::Null,
    ))
}

/// What `GET /search/code` looks for in each file.
#[derive(Default)]
struct CodeQuery {
    words: Vec<String>,
    in_file: bool,
    in_path: bool,
    path: Option<String>,
    filename: Option<String>,
    extension: Option<String>,
    language: Option<String>,
}

impl CodeQuery {
    /// Whether the file at `path` may match, before its content is read.
    fn wants(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
        let dir = path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
            .to_lowercase();
        let under = |wanted: &String| {
            let wanted = wanted.trim_matches('/').to_lowercase();
            wanted.is_empty() && dir.is_empty()
                || dir == wanted
                || dir.starts_with(&format!("{wanted}/"))
                || path.to_lowercase() == wanted
        };
        let named = |wanted: &String| {
            let wanted = wanted.to_lowercase();
            name == wanted
                || name
                    .rsplit_once('.')
                    .is_some_and(|(stem, _)| stem == wanted)
        };
        let extended = |wanted: &String| {
            let wanted = wanted.trim_start_matches('.').to_lowercase();
            name.rsplit_once('.').is_some_and(|(_, ext)| ext == wanted)
        };
        let spoken = |wanted: &String| {
            linguist::language(path).is_some_and(|l| l.eq_ignore_ascii_case(wanted))
        };
        self.path.as_ref().is_none_or(under)
            && self.filename.as_ref().is_none_or(named)
            && self.extension.as_ref().is_none_or(extended)
            && self.language.as_ref().is_none_or(spoken)
    }

    /// Whether every word is in the file's content or its path (as `in:` chooses).
    fn matches(&self, path: &str, content: &str) -> bool {
        let (in_file, in_path) = match (self.in_file, self.in_path) {
            (false, false) => (true, true),
            chosen => chosen,
        };
        self.words
            .iter()
            .all(|word| (in_file && holds(content, word)) || (in_path && holds(path, word)))
    }
}

/// `GET /search/code`: files on the default branches of the repositories the query names
/// (forks left out unless named by `repo:`), each as GitHub's code search item (`name`, `path`,
/// blob `sha`, `url`, `git_url`, `html_url`, `repository`, `score`), ordered by repository
/// and path. Requires authentication; 422 `Must include at least one user, organization, or
/// repository` without `repo:`, `org:` or `user:`; 422 when none of those the caller can see.
pub(crate) async fn code(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    query: Query,
) -> ApiResult {
    let Some(viewer) = viewer else {
        return Err(ApiError::requires_authentication());
    };
    let mut scope = Scope::default();
    let mut wanted = CodeQuery::default();
    for Term { key, value, word } in terms(&query)? {
        if scope.take(&key, &value) {
            continue;
        }
        match key.as_str() {
            "in" => {
                for field in value.split(',') {
                    match field.to_lowercase().as_str() {
                        "file" => wanted.in_file = true,
                        "path" => wanted.in_path = true,
                        _ => return Err(invalid_q()),
                    }
                }
            }
            "path" => wanted.path = Some(value),
            "filename" => wanted.filename = Some(value),
            "extension" => wanted.extension = Some(value),
            "language" => wanted.language = Some(value),
            _ => wanted.words.push(word),
        }
    }
    if scope.is_empty() {
        return Err(refused(
            "Must include at least one user, organization, or repository",
        ));
    }
    let client = kit.db().await?;
    let base = kit.config().public_url.clone();
    let repos = scope.open(&client, &base, Some(viewer.user_id)).await?;
    if repos.is_empty() {
        return Err(refused(
            "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
        ));
    }
    let mut hits = Vec::new();
    for (searched, head) in &repos {
        let named = scope
            .repos
            .contains(&searched.repo.full_name.to_lowercase());
        let fork = searched.json["fork"].as_bool().unwrap_or(false);
        let (Some(head), false) = (head, fork && !named) else {
            continue;
        };
        for (path, sha) in code_in(&client, searched.repo.id, head, &wanted).await? {
            hits.push((searched, head.clone(), path, sha));
        }
    }
    let (total, page) = query.slice(hits);
    let items: Vec<Value> = page
        .into_iter()
        .map(|(searched, head, path, sha)| {
            let ru = searched.repo.url(&base);
            let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
            json!({
                "name": name,
                "path": path,
                "sha": sha,
                "url": format!("{ru}/contents/{path}?ref={head}"),
                "git_url": format!("{ru}/git/blobs/{sha}"),
                "html_url": format!("{base}/{}/blob/{head}/{path}", searched.repo.full_name),
                "repository": searched.json,
                "score": 1.0,
            })
        })
        .collect();
    let items = Value::Array(items).to_string();
    Ok(answer(
        &kit,
        "/search/code",
        &query,
        total,
        &items,
        Value::Null,
    ))
}

/// The files of commit `head` in repository `repo` that match `wanted`: (path, blob id).
async fn code_in(
    client: &impl GenericClient,
    repo: i64,
    head: &str,
    wanted: &CodeQuery,
) -> ApiResult<Vec<(String, String)>> {
    const BLOBS: &str = "SELECT sha, data FROM git_objects
                         WHERE repo_id = $1 AND sha = ANY($2) AND type = 'blob'";
    let Some(commit) = objects::commit(client, repo, head).await? else {
        return Ok(Vec::new());
    };
    let files: Vec<(String, String)> = objects::files(client, repo, &commit.tree)
        .await?
        .into_iter()
        .filter(|(path, _)| wanted.wants(path))
        .collect();
    let shas: Vec<&str> = files.iter().map(|(_, sha)| sha.as_str()).collect();
    let contents: std::collections::HashMap<String, Vec<u8>> = client
        .query(BLOBS, &[&repo, &shas])
        .await?
        .into_iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    Ok(files
        .into_iter()
        .filter(|(path, sha)| {
            contents.get(sha).is_some_and(|data| {
                data.len() <= MAX_INDEXED && wanted.matches(path, &String::from_utf8_lossy(data))
            })
        })
        .collect())
}

/// GitHub's 422 for a code search it will not run: `Validation Failed` with `message` on
/// `q`.
fn refused(message: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "Validation Failed",
    )
    .with_error(
        json!({ "message": message, "resource": "Search", "field": "q", "code": "invalid" }),
    )
}
