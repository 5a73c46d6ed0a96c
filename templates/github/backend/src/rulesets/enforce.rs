//! Which rulesets apply to a ref (`conditions.ref_name`: fnmatch patterns over the full ref,
//! `~DEFAULT_BRANCH`, `~ALL`), who bypasses them (`bypass_actors`), and the rules the clone
//! enforces on its writes, refused as GitHub refuses them: `Repository rule violations
//! found\n\n<violation>\n\n` for each violation.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use serde_json::Value;

use super::{Ruleset, all};
use crate::error::{ApiError, ApiResult};
use crate::repos::Repo;
use crate::requirements::{Required, expected, unmet};

/// A change to a ref.
pub(crate) enum Push {
    /// Creates it.
    Create,
    /// Moves it: `forced` when the new commit does not descend from the old, `merges` when
    /// the commits it brings hold a merge commit.
    Update { forced: bool, merges: bool },
    /// Deletes it.
    Delete,
}

/// A pull request's merge, as the checks that may refuse it read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Merge<'a> {
    /// Who merges.
    pub(crate) user: i64,
    /// The base branch merged into.
    pub(crate) branch: &'a str,
    /// The pull request's issue id and head sha.
    pub(crate) head: (i64, &'a str),
    /// Whether the method makes a merge commit (`merge`).
    pub(crate) merge_commit: bool,
}

/// How the caller may bypass a ruleset (`current_user_can_bypass`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bypass {
    Always,
    PullRequests,
    Exempt,
    Never,
}

impl Bypass {
    /// GitHub's word for it.
    pub(super) fn answer(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::PullRequests => "pull_requests_only",
            Self::Exempt => "exempt",
            Self::Never => "never",
        }
    }
}

/// The `RepositoryRole` bypass actor id of each repository role, as GitHub numbers them.
fn role_id(permission: &str) -> Option<i64> {
    match permission {
        "maintain" => Some(2),
        "write" => Some(4),
        "admin" => Some(5),
        _ => None,
    }
}

/// How `user` (the caller `repo` was resolved for) may bypass `ruleset`: the widest mode of
/// the bypass actors that name them (their repository role, an owner of the repository's
/// organization, their app, or themselves).
pub(super) async fn bypass(
    client: &impl GenericClient,
    repo: &Repo,
    ruleset: &Ruleset,
    user: Option<i64>,
) -> ApiResult<Bypass> {
    const SQL: &str =
        "SELECT EXISTS (SELECT 1 FROM repos r JOIN org_members m ON m.org_id = r.owner_id
                                      WHERE r.id = $1 AND m.user_id = $2 AND m.role = 'admin'),
                              (SELECT a.id FROM apps a WHERE a.bot_user_id = $2)";
    let Some(user) = user else {
        return Ok(Bypass::Never);
    };
    if ruleset.bypass_actors.is_empty() {
        return Ok(Bypass::Never);
    }
    let row = client.query_one(SQL, &[&repo.id, &user]).await?;
    let (org_admin, app): (bool, Option<i64>) = (row.get(0), row.get(1));
    let role = role_id(&repo.permission);
    let mut widest = Bypass::Never;
    for actor in &ruleset.bypass_actors {
        let id = actor["actor_id"].as_i64();
        let named = match actor["actor_type"].as_str() {
            Some("RepositoryRole") => id.is_some() && id == role,
            Some("OrganizationAdmin") => org_admin,
            Some("Integration") => id.is_some() && id == app,
            Some("User") => id == Some(user),
            _ => false,
        };
        if !named {
            continue;
        }
        let mode = match actor["bypass_mode"].as_str() {
            Some("pull_request") => Bypass::PullRequests,
            Some("exempt") => Bypass::Exempt,
            _ => Bypass::Always,
        };
        widest = match (widest, mode) {
            (Bypass::Never | Bypass::PullRequests, mode) => mode,
            (kept, _) => kept,
        };
    }
    Ok(widest)
}

/// The active rulesets of `repo` that apply to the ref `full` (`refs/heads/…` for branch
/// rulesets, `refs/tags/…` for tag rulesets).
pub(super) async fn active(
    client: &impl GenericClient,
    repo: &Repo,
    full: &str,
) -> ApiResult<Vec<Ruleset>> {
    let target = if full.starts_with("refs/heads/") {
        "branch"
    } else if full.starts_with("refs/tags/") {
        "tag"
    } else {
        return Ok(Vec::new());
    };
    Ok(all(client, repo)
        .await?
        .into_iter()
        .filter(|r| r.enforcement == "active" && r.target == target && applies(r, repo, full))
        .collect())
}

/// Whether `ruleset`'s ref-name condition takes `full`: one `include` pattern matches it and
/// no `exclude` pattern does.
fn applies(ruleset: &Ruleset, repo: &Repo, full: &str) -> bool {
    let (include, exclude) = ruleset.ref_names();
    let matches = |pattern: &&str| match *pattern {
        "~ALL" => true,
        "~DEFAULT_BRANCH" => full.strip_prefix("refs/heads/") == Some(repo.default_branch.as_str()),
        pattern => fnmatch(pattern.as_bytes(), full.as_bytes()),
    };
    include.iter().any(matches) && !exclude.iter().any(matches)
}

/// fnmatch as rulesets read it: `**` matches anything, `*` anything but `/`, `?` one
/// character but `/`, `[…]` one of a set (`a-z` ranges, `!` or `^` to negate).
fn fnmatch(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|skip| fnmatch(rest, &text[skip..])),
        [b'*', rest @ ..] => (0..=text.len())
            .take_while(|&skip| skip == 0 || text[skip - 1] != b'/')
            .any(|skip| fnmatch(rest, &text[skip..])),
        [b'?', rest @ ..] => {
            matches!(text, [c, tail @ ..] if *c != b'/' && fnmatch(rest, tail))
        }
        [b'[', class @ ..] => match (class.iter().position(|&c| c == b']'), text) {
            (Some(end), [c, tail @ ..]) if end > 0 => {
                in_class(&class[..end], *c) && fnmatch(&class[end + 1..], tail)
            }
            _ => matches!(text, [b'[', tail @ ..] if fnmatch(class, tail)),
        },
        [p, rest @ ..] => matches!(text, [c, tail @ ..] if c == p && fnmatch(rest, tail)),
    }
}

/// Whether `c` is in the bracket expression `set` (without its brackets).
fn in_class(set: &[u8], c: u8) -> bool {
    let (negated, set) = match set {
        [b'!' | b'^', rest @ ..] => (true, rest),
        _ => (false, set),
    };
    let mut found = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == b'-' {
            found |= (set[i]..=set[i + 2]).contains(&c);
            i += 3;
        } else {
            found |= set[i] == c;
            i += 1;
        }
    }
    found != negated
}

/// GitHub's refusal: `Repository rule violations found`, then each violation.
fn violated(status: StatusCode, violations: &[String]) -> ApiError {
    let mut message = String::from("Repository rule violations found\n\n");
    for violation in violations {
        message.push_str(violation);
        message.push_str("\n\n");
    }
    ApiError::new(status, message)
}

/// The required status check contexts of a `required_status_checks` rule.
fn contexts(rule: &Value) -> Vec<String> {
    rule["parameters"]["required_status_checks"]
        .as_array()
        .map(|checks| {
            checks
                .iter()
                .filter_map(|c| c["context"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Refuses `push` to the ref `full` by `user` (the caller `repo` was resolved for) when an
/// active ruleset they do not bypass forbids it, with `status` (422 from the git refs API,
/// 409 from the contents API and merges).
pub(crate) async fn check_ref(
    client: &impl GenericClient,
    repo: &Repo,
    user: i64,
    full: &str,
    push: &Push,
    status: StatusCode,
) -> ApiResult<()> {
    let mut violations: Vec<String> = Vec::new();
    for ruleset in active(client, repo, full).await? {
        if matches!(
            bypass(client, repo, &ruleset, Some(user)).await?,
            Bypass::Always | Bypass::Exempt
        ) {
            continue;
        }
        for rule in &ruleset.rules {
            let violation = match (rule["type"].as_str().unwrap_or(""), push) {
                ("creation", Push::Create) => {
                    "Cannot create ref due to creations being restricted.".to_owned()
                }
                ("deletion", Push::Delete) if full.starts_with("refs/heads/") => {
                    "Cannot delete this branch".to_owned()
                }
                ("deletion", Push::Delete) => "Cannot delete this protected ref.".to_owned(),
                ("update", Push::Update { .. }) => "Cannot update this protected ref.".to_owned(),
                ("non_fast_forward", Push::Update { forced: true, .. }) => {
                    "Cannot force-push to this branch".to_owned()
                }
                ("required_linear_history", Push::Update { merges: true, .. }) => {
                    "This branch must not contain merge commits.".to_owned()
                }
                ("pull_request", Push::Update { .. }) => {
                    "Changes must be made through a pull request.".to_owned()
                }
                ("required_status_checks", Push::Update { .. }) => {
                    // A pushed commit has no statuses yet.
                    let contexts = contexts(rule);
                    if contexts.is_empty() {
                        continue;
                    }
                    expected(&contexts, contexts.len())
                }
                _ => continue,
            };
            if !violations.contains(&violation) {
                violations.push(violation);
            }
        }
    }
    match violations.is_empty() {
        true => Ok(()),
        false => Err(violated(status, &violations)),
    }
}

/// Refuses (405) `merge` when an active ruleset its user does not bypass (`pull_request`
/// bypass included) forbids it: `update`, `required_linear_history` for a merge commit, then
/// what its `pull_request` and `required_status_checks` rules require that is missing.
pub(crate) async fn check_merge(
    client: &impl GenericClient,
    repo: &Repo,
    merge: &Merge<'_>,
) -> ApiResult<()> {
    let Merge {
        user,
        branch,
        head,
        merge_commit,
    } = *merge;
    let status = StatusCode::METHOD_NOT_ALLOWED;
    let mut required = Required {
        contexts: Vec::new(),
        approvals: None,
        strict: false,
    };
    let mut violations = Vec::new();
    for ruleset in active(client, repo, &format!("refs/heads/{branch}")).await? {
        if bypass(client, repo, &ruleset, Some(user)).await? != Bypass::Never {
            continue;
        }
        for rule in &ruleset.rules {
            let parameters = &rule["parameters"];
            match rule["type"].as_str().unwrap_or("") {
                "update" => violations.push("Cannot update this protected ref.".to_owned()),
                "required_linear_history" if merge_commit => {
                    violations.push("This branch must not contain merge commits.".to_owned());
                }
                "pull_request" => {
                    let count = parameters["required_approving_review_count"]
                        .as_i64()
                        .unwrap_or(0);
                    required.approvals = required.approvals.max(Some(count));
                }
                "required_status_checks" => {
                    for context in contexts(rule) {
                        if !required.contexts.contains(&context) {
                            required.contexts.push(context);
                        }
                    }
                    required.strict |= parameters["strict_required_status_checks_policy"]
                        .as_bool()
                        .unwrap_or(false);
                }
                _ => {}
            }
        }
    }
    if !violations.is_empty() {
        violations.dedup();
        return Err(violated(status, &violations));
    }
    match unmet(client, repo, &required, branch, head).await? {
        Some((message, _)) => Err(violated(status, &[message])),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::fnmatch;

    #[test]
    fn fnmatch_reads_rulesets_patterns() {
        for (pattern, text, matched) in [
            ("refs/heads/main", "refs/heads/main", true),
            ("refs/heads/main", "refs/heads/mainline", false),
            ("refs/heads/release/*", "refs/heads/release/1.0", true),
            (
                "refs/heads/release/*",
                "refs/heads/release/1.0/hotfix",
                false,
            ),
            (
                "refs/heads/release/**",
                "refs/heads/release/1.0/hotfix",
                true,
            ),
            ("refs/heads/dev*", "refs/heads/develop", true),
            ("refs/heads/v?", "refs/heads/v1", true),
            ("refs/heads/v?", "refs/heads/v10", false),
            ("refs/heads/[a-c]x", "refs/heads/bx", true),
            ("refs/heads/[!a-c]x", "refs/heads/bx", false),
            ("refs/tags/v*", "refs/heads/v1", false),
        ] {
            assert_eq!(
                fnmatch(pattern.as_bytes(), text.as_bytes()),
                matched,
                "{pattern} ~ {text}"
            );
        }
    }
}
