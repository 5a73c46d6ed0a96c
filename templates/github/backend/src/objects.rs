//! The object store of each repository: git objects keyed by their real SHA-1 in
//! `git_objects` (commits also in `git_commits` for history walks), refs in `git_refs`.
//! The contents API, the git data API, commits, branches and pull-request merges all read
//! and write through here, so they always agree.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Error;

use crate::git::{self, Commit, Entry, Signature};
use crate::{db, linguist};

/// Stores an object (idempotent) and returns its id.
pub(crate) async fn put(
    client: &impl GenericClient,
    repo: i64,
    kind: &str,
    data: &[u8],
) -> Result<String, Error> {
    let sha = git::hash(kind, data);
    const SQL: &str = "INSERT INTO git_objects (repo_id, sha, type, data) VALUES ($1, $2, $3, $4)
                       ON CONFLICT DO NOTHING";
    db::execute(client, SQL, &[&repo, &sha, &kind, &data]).await?;
    Ok(sha)
}

/// Stores a commit (object and history row) and returns its id.
pub(crate) async fn put_commit(
    client: &impl GenericClient,
    repo: i64,
    commit: &Commit,
) -> Result<String, Error> {
    let sha = put(client, repo, "commit", &commit.encode()).await?;
    const SQL: &str = "INSERT INTO git_commits (repo_id, sha, tree, parents, author_name, author_email,
                           author_date, committer_name, committer_email, committer_date, message)
                       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), $8, $9, to_timestamp($10), $11)
                       ON CONFLICT DO NOTHING";
    #[allow(
        clippy::cast_precision_loss,
        reason = "Unix seconds fit a double exactly"
    )]
    let (authored, committed) = (commit.author.when as f64, commit.committer.when as f64);
    db::execute(
        client,
        SQL,
        &[
            &repo,
            &sha,
            &commit.tree,
            &commit.parents,
            &commit.author.name,
            &commit.author.email,
            &authored,
            &commit.committer.name,
            &commit.committer.email,
            &committed,
            &commit.message,
        ],
    )
    .await?;
    Ok(sha)
}

/// An object's type and payload.
pub(crate) async fn get(
    client: &impl GenericClient,
    repo: i64,
    sha: &str,
) -> Result<Option<(String, Vec<u8>)>, Error> {
    const SQL: &str = "SELECT type, data FROM git_objects WHERE repo_id = $1 AND sha = $2";
    let row = db::row(client, SQL, &[&repo, &sha]).await?;
    Ok(row.map(|row| (row.get(0), row.get(1))))
}

/// A commit by id.
pub(crate) async fn commit(
    client: &impl GenericClient,
    repo: i64,
    sha: &str,
) -> Result<Option<Commit>, Error> {
    Ok(match get(client, repo, sha).await? {
        Some((kind, data)) if kind == "commit" => Commit::parse(&data),
        _ => None,
    })
}

/// A tree's entries by id.
pub(crate) async fn tree(
    client: &impl GenericClient,
    repo: i64,
    sha: &str,
) -> Result<Option<Vec<Entry>>, Error> {
    Ok(match get(client, repo, sha).await? {
        Some((kind, data)) if kind == "tree" => Some(git::parse_tree(&data)),
        _ => None,
    })
}

/// The id a ref (`refs/heads/main`) points at.
pub(crate) async fn ref_sha(
    client: &impl GenericClient,
    repo: i64,
    name: &str,
) -> Result<Option<String>, Error> {
    const SQL: &str = "SELECT sha FROM git_refs WHERE repo_id = $1 AND ref = $2";
    db::first(client, SQL, &[&repo, &name]).await
}

/// The id a ref points at, as [`ref_sha`], its row locked until the transaction ends: what a
/// write that moves the ref reads first, so two writes cannot both move it.
pub(crate) async fn lock_ref(
    client: &impl GenericClient,
    repo: i64,
    name: &str,
) -> Result<Option<String>, Error> {
    const SQL: &str = "SELECT sha FROM git_refs WHERE repo_id = $1 AND ref = $2 FOR UPDATE";
    db::first(client, SQL, &[&repo, &name]).await
}

/// Copies into `to` the git objects and commits of `from` that it does not hold yet: how a
/// fork gets its parent's history and a pull request's base repository its fork's head.
pub(crate) async fn share(client: &impl GenericClient, from: i64, to: i64) -> Result<(), Error> {
    const OBJECTS: &str = "INSERT INTO git_objects (repo_id, sha, type, data)
                           SELECT $2, sha, type, data FROM git_objects WHERE repo_id = $1
                           ON CONFLICT DO NOTHING";
    const COMMITS: &str = "INSERT INTO git_commits (repo_id, sha, tree, parents, author_name,
                               author_email, author_date, committer_name, committer_email,
                               committer_date, message)
                           SELECT $2, sha, tree, parents, author_name, author_email, author_date,
                                  committer_name, committer_email, committer_date, message
                           FROM git_commits WHERE repo_id = $1
                           ON CONFLICT DO NOTHING";
    db::execute(client, OBJECTS, &[&from, &to]).await?;
    db::execute(client, COMMITS, &[&from, &to]).await?;
    Ok(())
}

/// Points `name` at `sha` (creating it).
pub(crate) async fn set_ref(
    client: &impl GenericClient,
    repo: i64,
    name: &str,
    sha: &str,
) -> Result<(), Error> {
    const SQL: &str = "INSERT INTO git_refs (repo_id, ref, sha) VALUES ($1, $2, $3)
                       ON CONFLICT (repo_id, ref) DO UPDATE SET sha = EXCLUDED.sha";
    db::execute(client, SQL, &[&repo, &name, &sha]).await?;
    if name.starts_with("refs/heads/") {
        refresh_language(client, repo, Some(name)).await?;
    }
    Ok(())
}

/// Bytes per language ([`linguist`]) of the files in commit `head`'s tree, most first.
pub(crate) async fn languages(
    client: &impl GenericClient,
    repo: i64,
    head: &str,
) -> Result<Vec<(&'static str, i64)>, Error> {
    const SQL: &str = "SELECT sha, octet_length(data)::bigint FROM git_objects
                       WHERE repo_id = $1 AND sha = ANY($2) AND type = 'blob'";
    let Some(commit) = commit(client, repo, head).await? else {
        return Ok(Vec::new());
    };
    let counted: Vec<(&'static str, String)> = files(client, repo, &commit.tree)
        .await?
        .into_iter()
        .filter_map(|(path, sha)| linguist::language(&path).map(|language| (language, sha)))
        .collect();
    let shas: Vec<&str> = counted.iter().map(|(_, sha)| sha.as_str()).collect();
    let statement = client.prepare_cached(SQL).await?;
    let sizes: std::collections::HashMap<String, i64> = client
        .query(&statement, &[&repo, &shas])
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    Ok(linguist::tally(counted.into_iter().filter_map(
        |(language, sha)| sizes.get(&sha).map(|bytes| (language, *bytes)),
    )))
}

/// Keeps `repos.language` (the language with the most bytes on the default branch) after
/// the default branch changed (`moved` `None`) or the branch ref `moved` was set (nothing to
/// do unless it is the default branch's).
pub(crate) async fn refresh_language(
    client: &impl GenericClient,
    repo: i64,
    moved: Option<&str>,
) -> Result<(), Error> {
    const HEAD: &str = "SELECT g.sha FROM repos r
                        LEFT JOIN git_refs g ON g.repo_id = r.id AND g.ref = 'refs/heads/' || r.default_branch
                        WHERE r.id = $1 AND ($2::text IS NULL OR 'refs/heads/' || r.default_branch = $2)";
    const SET: &str =
        "UPDATE repos SET language = $2 WHERE id = $1 AND language IS DISTINCT FROM $2";
    let Some(row) = db::row(client, HEAD, &[&repo, &moved]).await? else {
        return Ok(());
    };
    let language = match row.get::<_, Option<String>>(0) {
        Some(head) => languages(client, repo, &head)
            .await?
            .first()
            .map(|(l, _)| *l),
        None => None,
    };
    db::execute(client, SET, &[&repo, &language]).await?;
    Ok(())
}

/// The commit a revision names: a branch, a tag, a full ref, or a (full) commit id.
pub(crate) async fn resolve(
    client: &impl GenericClient,
    repo: i64,
    rev: &str,
) -> Result<Option<String>, Error> {
    if git::is_sha(rev) {
        return Ok(commit(client, repo, rev).await?.map(|_| rev.to_owned()));
    }
    // `main`, `heads/main` (octocrab's Reference::Branch) and `refs/heads/main` all name it.
    for name in [
        rev.to_owned(),
        format!("refs/{rev}"),
        format!("refs/heads/{rev}"),
        format!("refs/tags/{rev}"),
    ] {
        if name.starts_with("refs/")
            && let Some(sha) = ref_sha(client, repo, &name).await?
        {
            return Ok(Some(peel(client, repo, sha).await?));
        }
    }
    Ok(None)
}

/// Follows annotated tags to what they point at.
async fn peel(client: &impl GenericClient, repo: i64, mut sha: String) -> Result<String, Error> {
    for _ in 0..8 {
        match get(client, repo, &sha).await? {
            Some((kind, data)) if kind == "tag" => {
                let text = String::from_utf8_lossy(&data);
                match text.lines().next().and_then(|l| l.strip_prefix("object ")) {
                    Some(target) => sha = target.to_owned(),
                    None => break,
                }
            }
            _ => break,
        }
    }
    Ok(sha)
}

/// Splits a content path into its segments; `None` for traversal or empty segments.
pub(crate) fn segments(path: &str) -> Option<Vec<&str>> {
    let path = path.trim_matches('/');
    if path.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<&str> = path.split('/').collect();
    parts
        .iter()
        .all(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains('\0'))
        .then_some(parts)
}

/// What a path names in a tree: the entry (mode, kind, sha); the root is a tree entry.
pub(crate) async fn lookup(
    client: &impl GenericClient,
    repo: i64,
    root: &str,
    path: &[&str],
) -> Result<Option<Entry>, Error> {
    let mut current = Entry {
        mode: "040000".to_owned(),
        name: String::new(),
        sha: root.to_owned(),
    };
    for segment in path {
        if current.kind() != "tree" {
            return Ok(None);
        }
        let Some(entries) = tree(client, repo, &current.sha).await? else {
            return Ok(None);
        };
        match entries.into_iter().find(|e| e.name == *segment) {
            Some(entry) => current = entry,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// The tree `root` with `path` set to `entry` (or removed when `None`); returns the new
/// root id, or `None` when a removal finds nothing or a parent is a file.
pub(crate) async fn write_path(
    client: &impl GenericClient,
    repo: i64,
    root: Option<&str>,
    path: &[&str],
    entry: Option<(&str, &str)>,
) -> Result<Option<String>, Error> {
    let Some((name, rest)) = path.split_first() else {
        return Ok(None);
    };
    let mut entries = match root {
        Some(sha) => tree(client, repo, sha).await?.unwrap_or_default(),
        None => Vec::new(),
    };
    let position = entries.iter().position(|e| e.name == *name);
    let replacement = if rest.is_empty() {
        entry.map(|(mode, sha)| (mode.to_owned(), sha.to_owned()))
    } else {
        let child = match position.map(|i| &entries[i]) {
            Some(e) if e.kind() == "tree" => Some(e.sha.clone()),
            Some(_) => return Ok(None),
            None if entry.is_none() => return Ok(None),
            None => None,
        };
        match Box::pin(write_path(client, repo, child.as_deref(), rest, entry)).await? {
            Some(sha) if is_empty_tree(&sha) => None,
            Some(sha) => Some(("040000".to_owned(), sha)),
            None => return Ok(None),
        }
    };
    match (position, replacement) {
        (Some(i), Some((mode, sha))) => {
            entries[i] = Entry {
                mode,
                name: (*name).to_owned(),
                sha,
            }
        }
        (None, Some((mode, sha))) => entries.push(Entry {
            mode,
            name: (*name).to_owned(),
            sha,
        }),
        (Some(i), None) => {
            entries.remove(i);
        }
        (None, None) => return Ok(None),
    }
    put(client, repo, "tree", &git::encode_tree(&mut entries))
        .await
        .map(Some)
}

fn is_empty_tree(sha: &str) -> bool {
    sha == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
}

/// Every file under a tree: (path, blob id).
pub(crate) async fn files(
    client: &impl GenericClient,
    repo: i64,
    root: &str,
) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), root.to_owned())];
    while let Some((prefix, sha)) = stack.pop() {
        for entry in tree(client, repo, &sha).await?.unwrap_or_default() {
            let path = format!("{prefix}{}", entry.name);
            match entry.kind() {
                "tree" => stack.push((format!("{path}/"), entry.sha)),
                _ => out.push((path, entry.sha)),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// One changed file between two trees.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// Its path.
    pub(crate) path: String,
    /// Blob before (none when added).
    pub(crate) before: Option<String>,
    /// Blob after (none when removed).
    pub(crate) after: Option<String>,
}

impl Change {
    /// `added`, `removed` or `modified`.
    pub(crate) fn status(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "modified",
        }
    }
}

/// The files that differ between two trees, by path.
pub(crate) async fn diff(
    client: &impl GenericClient,
    repo: i64,
    before: &str,
    after: &str,
) -> Result<Vec<Change>, Error> {
    let old = files(client, repo, before).await?;
    let new = files(client, repo, after).await?;
    let old_map: std::collections::BTreeMap<_, _> = old.into_iter().collect();
    let new_map: std::collections::BTreeMap<_, _> = new.into_iter().collect();
    let mut paths: Vec<&String> = old_map.keys().chain(new_map.keys()).collect();
    paths.sort();
    paths.dedup();
    Ok(paths
        .into_iter()
        .filter(|p| old_map.get(*p) != new_map.get(*p))
        .map(|p| Change {
            path: p.clone(),
            before: old_map.get(p).cloned(),
            after: new_map.get(p).cloned(),
        })
        .collect())
}

/// Commits reachable from `head`, newest first (at most `cap`).
pub(crate) async fn history(
    client: &impl GenericClient,
    repo: i64,
    head: &str,
    cap: i64,
) -> Result<Vec<(String, Commit)>, Error> {
    let statement = client
        .prepare_cached(
            "WITH RECURSIVE walk(sha) AS (
                 SELECT $2::text
                 UNION SELECT unnest(c.parents) FROM walk w
                       JOIN git_commits c ON c.repo_id = $1 AND c.sha = w.sha)
             SELECT c.sha, c.tree, c.parents, c.author_name, c.author_email,
                    extract(epoch FROM c.author_date)::bigint, c.committer_name,
                    c.committer_email, extract(epoch FROM c.committer_date)::bigint, c.message
             FROM git_commits c JOIN walk USING (sha)
             WHERE c.repo_id = $1
             ORDER BY c.committer_date DESC, c.author_date DESC, c.sha LIMIT $3",
        )
        .await?;
    let rows = client.query(&statement, &[&repo, &head, &cap]).await?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                row.get(0),
                Commit {
                    tree: row.get(1),
                    parents: row.get(2),
                    author: Signature {
                        name: row.get(3),
                        email: row.get(4),
                        when: row.get(5),
                    },
                    committer: Signature {
                        name: row.get(6),
                        email: row.get(7),
                        when: row.get(8),
                    },
                    message: row.get(9),
                },
            )
        })
        .collect())
}

/// Whether `ancestor` is reachable from `head`.
pub(crate) async fn is_ancestor(
    client: &impl GenericClient,
    repo: i64,
    ancestor: &str,
    head: &str,
) -> Result<bool, Error> {
    Ok(history(client, repo, head, 100_000)
        .await?
        .iter()
        .any(|(sha, _)| sha == ancestor))
}

/// Whether moving a ref from `old` to `new` brings a merge commit: one reachable from `new`
/// and not from `old` that has more than one parent.
pub(crate) async fn brings_merge(
    client: &impl GenericClient,
    repo: i64,
    old: &str,
    new: &str,
) -> Result<bool, Error> {
    let had: std::collections::HashSet<String> = history(client, repo, old, 100_000)
        .await?
        .into_iter()
        .map(|(sha, _)| sha)
        .collect();
    Ok(history(client, repo, new, 100_000)
        .await?
        .iter()
        .any(|(sha, commit)| commit.parents.len() > 1 && !had.contains(sha)))
}

/// The commit reachable from both that is nearest to `b`, walking `b`'s parents breadth
/// first. (Commit dates cannot order them: commits made within one second share a date.)
pub(crate) async fn merge_base(
    client: &impl GenericClient,
    repo: i64,
    a: &str,
    b: &str,
) -> Result<Option<String>, Error> {
    let from_a: std::collections::HashSet<String> = history(client, repo, a, 100_000)
        .await?
        .into_iter()
        .map(|(sha, _)| sha)
        .collect();
    let parents: std::collections::HashMap<String, Vec<String>> = history(client, repo, b, 100_000)
        .await?
        .into_iter()
        .map(|(sha, commit)| (sha, commit.parents))
        .collect();
    let mut queue = std::collections::VecDeque::from([b.to_owned()]);
    let mut seen = std::collections::HashSet::new();
    while let Some(sha) = queue.pop_front() {
        if from_a.contains(&sha) {
            return Ok(Some(sha));
        }
        if seen.insert(sha.clone()) {
            queue.extend(parents.get(&sha).into_iter().flatten().cloned());
        }
    }
    Ok(None)
}

/// Applies `changes` onto the tree `root`; `None` when a change cannot apply.
pub(crate) async fn apply(
    client: &impl GenericClient,
    repo: i64,
    root: &str,
    changes: &[Change],
) -> Result<Option<String>, Error> {
    let mut tree = root.to_owned();
    for change in changes {
        let Some(path) = segments(&change.path) else {
            return Ok(None);
        };
        let entry = change.after.as_deref().map(|sha| ("100644", sha));
        match write_path(client, repo, Some(&tree), &path, entry).await? {
            Some(next) => tree = next,
            None if entry.is_none() => {}
            None => return Ok(None),
        }
    }
    Ok(Some(tree))
}

/// A three-way merge of `theirs` into `ours`: the tree, or `None` on a conflict (a file
/// changed differently on both sides since their merge base).
pub(crate) async fn merge_trees(
    client: &impl GenericClient,
    repo: i64,
    ours: &str,
    theirs: &str,
) -> Result<Option<String>, Error> {
    let base = merge_base(client, repo, ours, theirs).await?;
    let (Some(ours_commit), Some(theirs_commit)) = (
        commit(client, repo, ours).await?,
        commit(client, repo, theirs).await?,
    ) else {
        return Ok(None);
    };
    let base_tree = match &base {
        Some(sha) => match commit(client, repo, sha).await? {
            Some(c) => c.tree,
            None => return Ok(None),
        },
        None => "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_owned(),
    };
    let mine = diff(client, repo, &base_tree, &ours_commit.tree).await?;
    let theirs_changes = diff(client, repo, &base_tree, &theirs_commit.tree).await?;
    for change in &theirs_changes {
        if let Some(other) = mine.iter().find(|c| c.path == change.path)
            && other.after != change.after
        {
            return Ok(None);
        }
    }
    apply(client, repo, &ours_commit.tree, &theirs_changes).await
}
