//! What an installation token may do: the permissions each route family needs, as GitHub's
//! "Permissions required for GitHub Apps" lists them, kept as data in `permissions.tsv` (read
//! once), and whether a token's [`Grant`] holds them. A route accepts one or more sets of
//! permissions (`; ` between sets, as `X-Accepted-GitHub-Permissions` writes them); a set
//! needs every permission in it (`,` between them). A token holds what its grant says (the
//! grant always names its permissions: see [`crate::grant`]) and always `metadata: read`. The
//! middleware refuses a route the token does not hold with GitHub's 403 `Resource not
//! accessible by integration` and the operation's reference page, and sends
//! `X-Accepted-GitHub-Permissions` either way.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::Method;

use crate::grant::Grant;

/// The table: method, path, accepted permissions, reference page (see its header).
const TABLE: &str = include_str!("permissions.tsv");

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
    /// The same, read: any one set suffices, and a set needs all of its permissions.
    any_of: Vec<Vec<(&'static str, Level)>>,
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
        .map(|set| {
            set.split(',')
                .map(|one| {
                    let (name, level) = one.split_once('=')?;
                    Some((name, Level::parse(level)?))
                })
                .collect::<Option<Vec<_>>>()
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

/// The level of `name` an installation token with `grant` holds (`metadata` at least
/// `read`, which GitHub grants every installation).
fn held(grant: &Grant, name: &str) -> Option<Level> {
    let level = grant
        .permissions
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, l)| Level::parse(l));
    if name == "metadata" {
        return level.max(Some(Level::Read));
    }
    level
}

/// Whether an installation token with `grant` may call `route`: it holds every permission
/// of one of the route's sets, each at the level the set names or above.
pub(crate) fn allows(grant: &Grant, route: &Route) -> bool {
    route.any_of.iter().any(|set| {
        set.iter()
            .all(|(name, level)| held(grant, name).is_some_and(|held| held >= *level))
    })
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::{Grant, Level, ROUTES, TABLE, allows, parse, route};

    /// A token holding `permissions` (`name=level`, separated by `,`; `""` for none).
    fn holding(permissions: &str) -> Grant {
        Grant {
            permissions: permissions
                .split(',')
                .filter_map(|one| one.split_once('='))
                .map(|(n, l)| (n.to_owned(), l.to_owned()))
                .collect(),
            ..Grant::default()
        }
    }

    /// The route of the table a call (`"METHOD /path"`) is.
    fn route_of(call: &str) -> &'static super::Route {
        let (method, path) = call.split_once(' ').unwrap_or_default();
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        route(&method, path).unwrap_or_else(|| panic!("{call}"))
    }

    #[test]
    fn every_line_of_the_table_reads() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        let read: usize = ROUTES.values().flat_map(|m| m.values()).map(Vec::len).sum();
        assert_eq!(read, lines);
    }

    /// Calls and the line of the table each is: `call | accepted | page below
    /// https://docs.github.com/rest/`.
    const FOUND: &str = "\
POST /repos/o/r/issues | issues=write | issues/issues#create-an-issue
GET /repos/o/r/issues/comments | issues=read; pull_requests=read | issues/comments#list-issue-comments-for-a-repository
HEAD /repos/o/r/contents/src/lib/a.rs | contents=read | repos/contents#get-repository-content
GET /repos/o/r/contents/ | contents=read | repos/contents#get-repository-content
PUT /repos/o/r/branches/f/x/protection/required_status_checks/contexts | administration=write | branches/branch-protection#set-status-check-contexts
GET /repos/o/r/commits/f/x/status | statuses=read | commits/statuses#get-the-combined-status-for-a-specific-reference
GET /repos/o/r/releases/latest | contents=read | releases/releases#get-the-latest-release
POST /repos/o/r/forks | administration=write,contents=read | repos/forks#create-a-fork
GET /teams/7/members/hubot | members=read | teams/members#get-team-member-legacy
PATCH /teams/7 | members=write | teams/teams#update-a-team-legacy
GET /organizations/2/team/7/repos | members=read | teams/teams#list-team-repositories
PUT /organizations/2/team/7/repos/o/r | administration=write | teams/teams#add-or-update-team-repository-permissions
PUT /repos/o/r/pulls/3/update-branch | pull_requests=write | pulls/pulls#update-a-pull-request-branch
POST /repos/o/r/pulls/3/comments/1/replies | pull_requests=write | pulls/comments#create-a-reply-for-a-review-comment";

    #[test]
    fn a_request_finds_its_route() {
        for line in FOUND.lines() {
            let fields: Vec<&str> = line.split(" | ").collect();
            let found = route_of(fields[0]);
            assert_eq!(found.accepted, fields[1], "{line}");
            assert_eq!(
                found.docs,
                format!("https://docs.github.com/rest/{}", fields[2])
            );
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
    fn a_line_reads_its_sets() {
        let line = "POST\t/a/{b}\tx=write,y=read; z=admin\thttps://docs.github.com/rest/a";
        let read = parse(line).unwrap_or_else(|| panic!("{line}"));
        let (x, y, z) = (("x", Level::Write), ("y", Level::Read), ("z", Level::Admin));
        assert_eq!(read.any_of, vec![vec![x, y], vec![z]]);
        assert_eq!(read.accepted, "x=write,y=read; z=admin");
        for bad in [
            "GET\t/a\tx=own\tpage",
            "GET\t/a\tx=read,\tpage",
            "GET\t/a\tx",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    /// What a token holding some permissions may call: `held | call | allowed` (`-` for
    /// none held).
    const ALLOWED: &str = "\
- | GET /repos/o/r | yes
- | GET /repos/o/r/issues/1 | no
contents=write,issues=write | POST /repos/o/r/issues | yes
contents=write,issues=write | GET /repos/o/r/hooks | no
issues=read | GET /repos/o/r/issues/1 | yes
issues=read | POST /repos/o/r/issues | no
pull_requests=write | POST /repos/o/r/issues/1/comments | yes
pull_requests=write | POST /repos/o/r/issues | no
administration=write | POST /repos/o/r/forks | no
contents=write | POST /repos/o/r/forks | no
administration=write,contents=read | POST /repos/o/r/forks | yes
administration=admin,contents=write | POST /repos/o/r/forks | yes
administration=read,contents=write | POST /repos/o/r/forks | no
organization_secrets=write | PUT /orgs/o/actions/secrets/S/repositories/7 | yes
- | GET /teams/7/members | no
members=read | GET /teams/7/members | yes
members=read | PUT /teams/7/members/hubot | no
members=write | PUT /organizations/2/team/7/memberships/hubot | yes
members=read | DELETE /organizations/2/team/7 | no
actions_variables=read | GET /repos/o/r/environments/prod/variables | yes";

    /// Nothing named holds `metadata: read` alone (GitHub grants it every installation, and a
    /// set naming it holds with it); either set of a route suffices (an issue's comments take
    /// `issues` or `pull_requests`), all of a set are needed (a fork: `administration: write`
    /// and `contents: read`), a higher level holds a lower; the legacy team paths need
    /// `members` as the org-name ones do.
    #[test]
    fn a_grant_holds_only_what_it_names() {
        for line in ALLOWED.lines() {
            let fields: Vec<&str> = line.split(" | ").collect();
            let allowed = allows(&holding(fields[0]), route_of(fields[1]));
            assert_eq!(allowed, fields[2] == "yes", "{line}");
        }
    }
}
