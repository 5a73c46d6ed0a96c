//! What an installation token may do: the permission each route family needs, as GitHub's
//! "Permissions required for GitHub Apps" lists it, kept as data in `permissions.tsv` (read
//! once), and whether a token's [`Grant`] holds it. A token holds what it was minted with, or
//! the app's permissions ([`APP`]) when it was not narrowed (the provisioned `app` token
//! too), and always `metadata: read`. The middleware refuses a route the token does not
//! hold with GitHub's 403 `Resource not accessible by integration` and the operation's
//! reference page, and sends `X-Accepted-GitHub-Permissions` either way.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::Method;

use crate::grant::Grant;

/// The table: method, path, accepted permissions, reference page (see its header).
const TABLE: &str = include_str!("permissions.tsv");

/// The permissions every app of the clone is granted, as `gh_app_permissions()` (migration
/// 0026) renders them: what an installation token holds unless it was minted narrower.
const APP: [(&str, Level); 6] = [
    ("checks", Level::Write),
    ("contents", Level::Write),
    ("issues", Level::Write),
    ("metadata", Level::Read),
    ("pull_requests", Level::Write),
    ("statuses", Level::Write),
];

/// The path parameters whose value may span segments (a branch, a ref, a file's path, a
/// `base...head` of branches).
const SPANNING: [&str; 4] = ["{branch}", "{ref}", "{path}", "{basehead}"];

/// A permission's level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Read,
    Write,
    Admin,
}

impl Level {
    fn parse(level: &str) -> Option<Self> {
        match level {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// One segment of a route's path.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    /// Itself.
    Literal(&'static str),
    /// Any one non-empty segment.
    One,
    /// Any number of segments (a [`SPANNING`] parameter).
    Many,
}

/// A route of the table.
#[derive(Debug)]
pub(crate) struct Route {
    method: &'static str,
    segments: Vec<Segment>,
    /// The permissions it accepts, as `X-Accepted-GitHub-Permissions` lists them.
    pub(crate) accepted: &'static str,
    /// The same, read: any one of them suffices.
    any_of: Vec<(&'static str, Level)>,
    /// The reference page its refusal names.
    pub(crate) docs: &'static str,
}

/// The table's routes, by [`key`] (its two parts, one map each).
type Routes = HashMap<&'static str, HashMap<&'static str, Vec<Route>>>;

/// The table's routes, by [`key`].
static ROUTES: LazyLock<Routes> = LazyLock::new(|| {
    let mut routes = Routes::new();
    for route in TABLE.lines().filter_map(parse) {
        let literals: Vec<&str> = route
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l,
                Segment::One | Segment::Many => "",
            })
            .collect();
        let (first, resource) = key(&literals);
        routes
            .entry(first)
            .or_default()
            .entry(resource)
            .or_default()
            .push(route);
    }
    routes
});

/// A line of the table (`None` for a comment, a blank or an unreadable line).
fn parse(line: &'static str) -> Option<Route> {
    if line.starts_with('#') {
        return None;
    }
    let mut fields = line.split('\t');
    let (method, path, accepted, docs) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let segments = path
        .split('/')
        .skip(1)
        .map(|segment| {
            if SPANNING.contains(&segment) {
                Segment::Many
            } else if segment.starts_with('{') {
                Segment::One
            } else {
                Segment::Literal(segment)
            }
        })
        .collect();
    let any_of = accepted
        .split("; ")
        .map(|one| {
            let (name, level) = one.split_once('=')?;
            Some((name, Level::parse(level)?))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Route {
        method,
        segments,
        accepted,
        any_of,
        docs,
    })
}

/// Where a path's routes are filed: its first segment and the one naming the resource
/// (the fourth below `/repos/{owner}/{repo}`, else the third).
fn key<'a>(segments: &[&'a str]) -> (&'a str, &'a str) {
    let first = segments.first().copied().unwrap_or("");
    let at = if first == "repos" { 3 } else { 2 };
    (first, segments.get(at).copied().unwrap_or(""))
}

/// Whether `path` fits `pattern`.
fn fits(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::Literal(literal), rest)) => {
            path.first() == Some(literal) && fits(rest, &path[1..])
        }
        Some((Segment::One, rest)) => {
            path.first().is_some_and(|s| !s.is_empty()) && fits(rest, &path[1..])
        }
        Some((Segment::Many, rest)) => (0..=path.len()).any(|n| fits(rest, &path[n..])),
    }
}

/// The route of the table a request is, if any (`HEAD` as `GET`).
pub(crate) fn route(method: &Method, path: &str) -> Option<&'static Route> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let (first, resource) = key(&segments);
    ROUTES
        .get(first)?
        .get(resource)?
        .iter()
        .find(|route| route.method == method && fits(&route.segments, &segments))
}

/// The level of `name` an installation token with `grant` holds.
fn held(grant: &Grant, name: &str) -> Option<Level> {
    let level = if grant.permissions.is_empty() {
        APP.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
    } else {
        grant
            .permissions
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, l)| Level::parse(l))
    };
    if name == "metadata" {
        return level.max(Some(Level::Read));
    }
    level
}

/// Whether an installation token with `grant` may call `route`.
pub(crate) fn allows(grant: &Grant, route: &Route) -> bool {
    route
        .any_of
        .iter()
        .any(|(name, level)| held(grant, name).is_some_and(|held| held >= *level))
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::{Grant, ROUTES, TABLE, allows, route};

    /// A token narrowed to `permissions`.
    fn narrowed(permissions: &[(&str, &str)]) -> Grant {
        Grant {
            permissions: permissions
                .iter()
                .map(|(n, l)| ((*n).to_owned(), (*l).to_owned()))
                .collect(),
            ..Grant::default()
        }
    }

    #[test]
    fn every_line_of_the_table_reads() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        let read: usize = ROUTES.values().flat_map(|m| m.values()).map(Vec::len).sum();
        assert_eq!(read, lines);
    }

    #[test]
    fn a_request_finds_its_route() {
        for (method, path, accepted, page) in [
            (
                Method::POST,
                "/repos/acme/hello-world/issues",
                "issues=write",
                "issues/issues#create-an-issue",
            ),
            (
                Method::GET,
                "/repos/acme/hello-world/issues/comments",
                "issues=read; pull_requests=read",
                "issues/comments#list-issue-comments-for-a-repository",
            ),
            (
                Method::HEAD,
                "/repos/acme/hello-world/contents/src/lib/a.rs",
                "contents=read",
                "repos/contents#get-repository-content",
            ),
            (
                Method::GET,
                "/repos/acme/hello-world/contents/",
                "contents=read",
                "repos/contents#get-repository-content",
            ),
            (
                Method::PUT,
                "/repos/acme/hello-world/branches/feature/x/protection/required_status_checks/contexts",
                "administration=write",
                "branches/branch-protection#set-status-check-contexts",
            ),
            (
                Method::GET,
                "/repos/acme/hello-world/commits/feature/x/status",
                "statuses=read",
                "commits/statuses#get-the-combined-status-for-a-specific-reference",
            ),
            (
                Method::GET,
                "/repos/acme/hello-world/releases/latest",
                "contents=read",
                "releases/releases#get-the-latest-release",
            ),
        ] {
            let found = route(&method, path).unwrap_or_else(|| panic!("{method} {path}"));
            assert_eq!(found.accepted, accepted, "{method} {path}");
            assert_eq!(found.docs, format!("https://docs.github.com/rest/{page}"));
        }
        for (method, path) in [
            (Method::GET, "/search/issues"),
            (Method::GET, "/repos/acme/hello-world/git/refs"),
            (Method::GET, "/user"),
        ] {
            assert!(route(&method, path).is_none(), "{method} {path}");
        }
    }

    #[test]
    fn a_token_holds_its_grant_or_the_apps() {
        let route = |method, path| route(&method, path).unwrap();
        let create = route(Method::POST, "/repos/a/b/issues");
        let read = route(Method::GET, "/repos/a/b/issues/1");
        let comment = route(Method::POST, "/repos/a/b/issues/1/comments");
        let repo = route(Method::GET, "/repos/a/b");
        let hooks = route(Method::GET, "/repos/a/b/hooks");
        let app = Grant::default();
        assert!(allows(&app, create) && allows(&app, repo) && !allows(&app, hooks));
        let issues_read = narrowed(&[("issues", "read")]);
        assert!(allows(&issues_read, read) && !allows(&issues_read, create));
        let pulls = narrowed(&[("pull_requests", "write")]);
        assert!(!allows(&pulls, create) && allows(&pulls, comment) && allows(&pulls, repo));
    }
}
