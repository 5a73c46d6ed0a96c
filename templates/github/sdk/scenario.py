"""PyGithub, unmodified but for its base URL, against a GitHub clone.

Reads GITHUB_API_BASE, GITHUB_TOKEN, GITHUB_REVIEWER_TOKEN, GITHUB_APP_TOKEN, GITHUB_APP_ID,
GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID, and
ASYM_ADMIN_URL/ASYM_ADMIN_SECRET for check.py's `admin` (set-up GitHub does outside its API:
rate limits switched on). Every scenario prints `ok <name>`; the first failure raises and exits non-zero.
"""

import base64
import gzip
import hashlib
import hmac
import io
import json
import os
import tempfile
import threading
import time

from check import Receiver, admin
from github import (
    Auth,
    BadCredentialsException,
    Github,
    GithubException,
    GithubIntegration,
    RateLimitExceededException,
    UnknownObjectException,
)

BASE = os.environ["GITHUB_API_BASE"]
owner = Github(auth=Auth.Token(os.environ["GITHUB_TOKEN"]), base_url=BASE, per_page=2)
reviewer = Github(auth=Auth.Token(os.environ["GITHUB_REVIEWER_TOKEN"]), base_url=BASE)
app = Github(auth=Auth.Token(os.environ["GITHUB_APP_TOKEN"]), base_url=BASE)


def scenario(fn):
    fn()
    print(f"ok {fn.__name__}")
    return fn


def raises(kind, status, call):
    try:
        call()
    except kind as err:
        assert err.status == status, (err.status, err.data)
        return err
    raise AssertionError(f"expected {kind.__name__} {status}")


@scenario
def users_and_orgs():
    me = owner.get_user()
    assert me.login == "octocat" and me.name == "The Octocat"
    assert reviewer.get_user().login == "hubot"
    org = owner.get_organization("acme")
    assert org.login == "acme" and org.name == "Acme Corp"
    assert sorted(m.login for m in org.get_members()) == ["hubot", "octocat"]
    assert [o.login for o in me.get_orgs()] == ["acme"]
    raises(BadCredentialsException, 401, lambda: Github(auth=Auth.Token("ghp_bad"), base_url=BASE).get_user().login)
    raises(UnknownObjectException, 404, lambda: owner.get_repo("acme/nope"))
    raises(UnknownObjectException, 404, lambda: reviewer.get_repo("octocat/private-notes"))


@scenario
def installation_is_not_a_user():
    bot = app.get_user()
    for call, page in [
        (lambda: bot.login, "users/users#get-the-authenticated-user"),
        (lambda: list(bot.get_repos()), "repos/repos#list-repositories-for-the-authenticated-user"),
        (lambda: list(bot.get_orgs()), "orgs/orgs#list-organizations-for-the-authenticated-user"),
        (lambda: bot.create_repo("py-bot-repo"), "repos/repos#create-a-repository-for-the-authenticated-user"),
        (lambda: list(bot.get_starred()), "activity/starring#list-repositories-starred-by-the-authenticated-user"),
        (lambda: list(bot.get_issues(filter="all")), "issues/issues#list-issues-assigned-to-the-authenticated-user"),
        (lambda: list(bot.get_user_issues()), "issues/issues#list-user-account-issues-assigned-to-the-authenticated-user"),
        (lambda: list(app.get_organization("acme").get_issues()),
         "issues/issues#list-organization-issues-assigned-to-the-authenticated-user"),
    ]:
        err = raises(GithubException, 403, call)
        assert err.data == {"message": "Resource not accessible by integration",
                            "documentation_url": f"https://docs.github.com/rest/{page}", "status": "403"}, err.data
    assert app.get_user_by_id(2).login == "hubot"


@scenario
def repositories():
    repo = owner.get_user().create_repo("sdk-py", description="from PyGithub", private=True, auto_init=True)
    assert repo.full_name == "octocat/sdk-py" and repo.private
    assert repo.get_readme().decoded_content.startswith(b"# sdk-py")
    repo.edit(description="edited", has_wiki=False)
    assert owner.get_repo("octocat/sdk-py").description == "edited"
    repo.replace_topics(["python", "asym"])
    assert repo.get_topics() == ["python", "asym"]
    assert "octocat/sdk-py" in [r.full_name for r in owner.get_user().get_repos()]
    org_repo = owner.get_organization("acme").create_repo("sdk-py-org")
    assert org_repo.organization.login == "acme"
    err = raises(GithubException, 422, lambda: owner.get_user().create_repo("sdk-py"))
    assert err.data["errors"][0]["field"] == "name"
    repo.delete()
    raises(UnknownObjectException, 404, lambda: owner.get_repo("octocat/sdk-py"))


@scenario
def issues_comments_labels():
    repo = owner.get_repo("acme/hello-world")
    label = repo.create_label("triage", "fbca04", "Needs a look")
    assert label.color == "fbca04"
    issue = repo.create_issue("From PyGithub", body="hello @hubot", labels=["bug", "triage"], assignees=["hubot"])
    assert issue.number == 2 and [l.name for l in issue.labels] == ["bug", "triage"]
    assert [a.login for a in issue.assignees] == ["hubot"] and issue.user.login == "octocat"
    comment = issue.create_comment("first")
    comment.edit("first, edited")
    reviewer.get_repo("acme/hello-world").get_issue(2).create_comment("second")
    assert [c.body for c in issue.get_comments()] == ["first, edited", "second"]
    issue.edit(state="closed", state_reason="not_planned")
    closed = repo.get_issue(2)
    assert closed.state == "closed" and closed.state_reason == "not_planned" and closed.closed_by.login == "octocat"
    issue.edit(state="open")
    issue.add_to_labels("enhancement")
    issue.remove_from_labels("triage")
    assert sorted(l.name for l in repo.get_issue(2).labels) == ["bug", "enhancement"]
    for i in range(3):
        repo.create_issue(f"page {i}")
    # per_page=2: PyGithub follows the Link headers.
    assert [i.number for i in repo.get_issues(state="all", direction="asc")] == [1, 2, 3, 4, 5]
    assert [i.number for i in repo.get_issues(labels=[repo.get_label("bug")])] == [2, 1]
    assert [i.number for i in repo.get_issues(assignee="hubot")] == [2]
    milestone = repo.create_milestone("v1", description="first")
    issue.edit(milestone=milestone)
    assert repo.get_issue(2).milestone.title == "v1"
    issue.create_reaction("rocket")
    assert repo.get_issue(2).get_reactions()[0].content == "rocket"
    issue.lock("resolved")
    assert repo.get_issue(2).locked
    issue.unlock()
    err = raises(GithubException, 422, lambda: repo.create_issue(title=""))
    assert err.data["errors"][0]["code"] == "missing_field"


@scenario
def contents_commits_refs():
    repo = owner.get_repo("acme/hello-world")
    readme = repo.get_contents("README.md")
    assert readme.decoded_content.startswith(b"# hello-world")
    made = repo.create_file("docs/guide.md", "Add guide", "hello\n", branch="main")
    assert made["content"].sha == "ce013625030ba8dba906f756967f9e9ca394464a"
    commit_sha = made["commit"].sha
    assert repo.get_branch("main").commit.sha == commit_sha
    assert [c.sha for c in repo.get_commits()][0] == commit_sha
    assert repo.get_commit(commit_sha).files[0].filename == "docs/guide.md"
    raises(GithubException, 409, lambda: repo.update_file("docs/guide.md", "stale", "x", readme.sha))
    updated = repo.update_file("docs/guide.md", "Update guide", "bye\n", made["content"].sha)
    assert repo.get_contents("docs/guide.md").decoded_content == b"bye\n"
    assert [c.name for c in repo.get_contents("docs")] == ["guide.md"]
    repo.delete_file("docs/guide.md", "Remove guide", updated["content"].sha)
    raises(UnknownObjectException, 404, lambda: repo.get_contents("docs/guide.md"))
    ref = repo.create_git_ref("refs/heads/py-branch", repo.get_branch("main").commit.sha)
    assert ref.ref == "refs/heads/py-branch"
    blob = repo.create_git_blob("data\n", "utf-8")
    tree = repo.create_git_tree([__import__("github").InputGitTreeElement("data.txt", "100644", "blob", sha=blob.sha)],
                                base_tree=repo.get_git_tree(repo.get_branch("main").commit.sha))
    commit = repo.create_git_commit("Via git data", tree, [repo.get_git_commit(repo.get_branch("main").commit.sha)])
    ref.edit(commit.sha)
    assert repo.get_branch("py-branch").commit.sha == commit.sha
    assert repo.compare("main", "py-branch").ahead_by == 1


@scenario
def pull_requests_reviews_merge():
    repo = owner.get_repo("acme/hello-world")
    main = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/py-feature", main)
    repo.create_file("feature.py", "Add feature", "print('hi')\n", branch="py-feature")
    pr = reviewer.get_repo("acme/hello-world").create_pull(title="Feature", body="please", head="py-feature", base="main")
    assert pr.mergeable and pr.mergeable_state == "clean" and pr.changed_files == 1
    err = raises(GithubException, 422, lambda: pr.create_review(event="APPROVE"))
    assert "own pull request" in json.dumps(err.data)
    owner.get_repo("acme/hello-world").get_pull(pr.number).create_review(body="LGTM", event="APPROVE")
    assert [r.state for r in pr.get_reviews()] == ["APPROVED"]
    assert [f.filename for f in pr.get_files()] == ["feature.py"]
    raises(GithubException, 409, lambda: repo.get_pull(pr.number).merge(sha="0" * 40))
    status = repo.get_pull(pr.number).merge(merge_method="squash", commit_title="Squashed")
    assert status.merged
    assert repo.get_pull(pr.number).merged
    assert repo.get_branch("main").commit.commit.message == "Squashed"
    raises(GithubException, 405, lambda: repo.get_pull(pr.number).merge())


@scenario
def statuses_and_checks():
    repo = owner.get_repo("acme/hello-world")
    sha = repo.get_branch("main").commit.sha
    repo.get_commit(sha).create_status("pending", context="ci/test", description="running")
    repo.get_commit(sha).create_status("success", context="ci/test")
    combined = repo.get_commit(sha).get_combined_status()
    assert combined.state == "success" and combined.total_count == 1
    raises(GithubException, 403, lambda: repo.create_check_run("tests", sha))
    # A check run names its commit by full sha: a branch name is an unknown sha.
    refused = raises(GithubException, 422, lambda: app.get_repo("acme/hello-world").create_check_run("tests", "main"))
    assert refused.data["message"] == "No commit found for SHA: main", refused.data
    run = app.get_repo("acme/hello-world").create_check_run("tests", sha, status="in_progress")
    run.edit(conclusion="success", output={"title": "ok", "summary": "all good"})
    runs = list(repo.get_commit(sha).get_check_runs())
    assert [(r.name, r.conclusion) for r in runs] == [("tests", "success")]


@scenario
def webhooks():
    repo = owner.get_repo("acme/hello-world")
    with Receiver() as receiver:
        hook = repo.create_hook("web", {"url": receiver.url, "content_type": "json", "secret": "py-secret"}, events=["issues"], active=True)
        deliveries = []
        for _ in range(2):
            headers, body = receiver.next()
            expected = "sha256=" + hmac.new(b"py-secret", body, hashlib.sha256).hexdigest()
            assert headers["X-Hub-Signature-256"] == expected
            deliveries.append((headers["X-GitHub-Event"], json.loads(body)))
            if len(deliveries) == 1:
                repo.create_issue("Hooked from Python")
    assert deliveries[0][0] == "ping" and deliveries[1][0] == "issues"
    assert deliveries[1][1]["action"] == "opened" and deliveries[1][1]["issue"]["title"] == "Hooked from Python"
    assert [h.id for h in repo.get_hooks()] == [hook.id]
    hook.delete()


@scenario
def collaborators_events_reactions():
    repo = owner.get_repo("acme/hello-world")
    repo.add_to_collaborators("hubot", permission="maintain")
    assert repo.get_collaborator_permission("hubot") == "write"  # maintain's legacy name
    assert "hubot" in [c.login for c in repo.get_collaborators()]
    assert "main" in [b.name for b in repo.get_branches()]
    raises(GithubException, 404, lambda: repo.get_branch("main").get_protection())  # "Branch not protected"
    issue = repo.get_issue(1)
    issue.add_to_assignees("octocat")
    issue.remove_from_assignees("octocat")
    assert [e.event for e in issue.get_events()][-2:] == ["assigned", "unassigned"]
    latest = repo.get_issues_events()[0]
    assert latest.event == "unassigned" and latest.issue.number == 1
    assert repo.get_issues_event(latest.id).id == latest.id
    comment = reviewer.get_repo("acme/hello-world").get_issue(1).create_comment("draft")
    reaction = comment.create_reaction("heart")
    assert [r.content for r in comment.get_reactions()] == ["heart"]
    assert comment.delete_reaction(reaction.id)
    assert comment.get_reactions().totalCount == 0
    assert comment.id in [c.id for c in repo.get_issues_comments(since=comment.created_at)]
    comment.delete()
    raises(UnknownObjectException, 404, lambda: repo.get_comment(comment.id))
    plus = issue.create_reaction("+1")
    assert issue.delete_reaction(plus.id)
    assert repo.get_issue(1).reactions["total_count"] == 0


def reviewer_pull(branch, path, title):
    """hubot's pull request `title` from `branch` (main and a new file `path`): hubot's repository and it."""
    theirs = reviewer.get_repo("acme/hello-world")
    theirs.create_git_ref(f"refs/heads/{branch}", theirs.get_branch("main").commit.sha)
    theirs.create_file(path, f"Add {path}", "line\n", branch=branch)
    return theirs, theirs.create_pull(title=title, body="", head=branch, base="main")


@scenario
def review_comments_and_review_states():
    repo = owner.get_repo("acme/hello-world")
    theirs, pr = reviewer_pull("py-review", "review.txt", "Review me")
    pr.create_review_request(reviewers=["octocat"])
    users, _teams = pr.get_review_requests()
    assert [u.login for u in users] == ["octocat"]
    pr.delete_review_request(reviewers=["octocat"])
    assert list(pr.get_review_requests()[0]) == []
    mine = repo.get_pull(pr.number)
    made = mine.create_review_comment("nit", repo.get_commit(pr.head.sha), "review.txt", line=1)
    assert mine.get_review_comment(made.id).body == "nit"
    made.edit("nit, reworded")
    assert repo.get_pull(pr.number).get_review_comment(made.id).body == "nit, reworded"
    reply = pr.create_review_comment_reply(made.id, "fixed")
    assert reply.in_reply_to_id == made.id
    assert [c.body for c in repo.get_pulls_review_comments()] == ["nit, reworded", "fixed"]
    eyes = made.create_reaction("eyes")
    assert made.delete_reaction(eyes.id)
    reply.delete()
    raises(UnknownObjectException, 404, lambda: mine.get_review_comment(reply.id))
    review = mine.create_review(body="Please fix", event="REQUEST_CHANGES")
    review.dismiss("Outdated")
    # The comment and the reply were each a COMMENTED review of their own.
    assert [r.state for r in mine.get_reviews()] == ["COMMENTED", "COMMENTED", "DISMISSED"]
    run = app.get_repo("acme/hello-world").create_check_run("lint", pr.head.sha, status="completed", conclusion="success")
    suites = list(repo.get_commit(pr.head.sha).get_check_suites())
    assert len(suites) == 1 and suites[0].conclusion == "success"
    assert repo.get_check_suite(suites[0].id).head_sha == pr.head.sha
    assert run.check_suite_id == suites[0].id
    mine.edit(state="closed")


@scenario
def review_edits_and_timeline():
    repo = owner.get_repo("acme/hello-world")
    theirs, pr = reviewer_pull("py-timeline", "timeline.txt", "Timeline")
    mine = repo.get_pull(pr.number)
    pending = mine.create_review(body="Draft", comments=[{"path": "timeline.txt", "line": 1, "body": "nit"}])
    assert pending.state == "PENDING"
    raises(UnknownObjectException, 404, lambda: pr.get_review(pending.id))
    pending.edit("Draft 2")
    assert pending.body == "Draft 2"
    assert [c.body for c in mine.get_single_review_comments(pending.id)] == ["nit"]
    pending.delete()
    raises(UnknownObjectException, 404, lambda: mine.get_review(pending.id))
    review = mine.create_review(body="Looks fine", event="COMMENT")
    raises(GithubException, 422, review.delete)
    review.edit("Looks good")
    assert mine.get_review(review.id).body == "Looks good"
    theirs.get_issue(pr.number).create_comment("Thanks")
    mine.edit(title="Timeline, renamed")
    timeline = list(repo.get_issue(pr.number).get_timeline())
    assert [e.event for e in timeline] == ["committed", "reviewed", "commented", "renamed"], [e.event for e in timeline]
    assert timeline[2].actor.login == "hubot" and timeline[2].body == "Thanks"
    assert timeline[0].raw_data["sha"] == pr.head.sha
    mine.edit(state="closed")


def delivered_payload(repo, hook_id, event, action):
    """The payload of the first delivery of hook `hook_id` that is `event` with `action`, once there is one."""
    for _ in range(100):
        found = [d for d in repo.get_hook_deliveries(hook_id) if (d.event, d.action) == (event, action)]
        if found:
            return repo.get_hook_delivery(hook_id, found[0].id).request.payload
        time.sleep(0.1)
    raise AssertionError(f"no {event} {action} delivery")


@scenario
def review_threads_events_and_mentions():
    repo = owner.get_repo("acme/hello-world")
    theirs, pr = reviewer_pull("py-threads", "threads.txt", "Threads")
    hook = repo.create_hook("web", {"url": "http://127.0.0.1:9/refused", "content_type": "json"}, events=["issues"])
    pr.create_review_request(reviewers=["octocat"])
    pr.delete_review_request(reviewers=["octocat"])
    pr.create_review_request(reviewers=["octocat"])
    # A comment on its own is a COMMENTED review of its own, which answers the request.
    mine = repo.get_pull(pr.number)
    made = mine.create_review_comment("nit", repo.get_commit(pr.head.sha), "threads.txt", line=1)
    held = pr.get_review(made.pull_request_review_id)
    assert (held.state, held.user.login, held.body) == ("COMMENTED", "octocat", "")
    assert list(pr.get_review_requests()[0]) == []
    reply = pr.create_review_comment_reply(made.id, "done")
    assert reply.pull_request_review_id not in (None, made.pull_request_review_id)
    assert [(r.user.login, r.state) for r in pr.get_reviews()] == [("octocat", "COMMENTED"), ("hubot", "COMMENTED")]
    # A pending review's comments are its author's alone.
    pending = mine.create_review(comments=[{"path": "threads.txt", "line": 1, "body": "draft"}])
    draft = list(mine.get_single_review_comments(pending.id))[0]
    assert [c.body for c in mine.get_review_comments()] == ["nit", "done", "draft"]
    assert [c.body for c in pr.get_review_comments()] == ["nit", "done"]
    in_repo = theirs.get_pulls_review_comments()
    assert [c.body for c in in_repo if c.pull_request_url.endswith(f"/pulls/{pr.number}")] == ["nit", "done"]
    raises(UnknownObjectException, 404, lambda: pr.get_review_comment(draft.id))
    assert repo.get_pull(pr.number).review_comments == 2
    raises(UnknownObjectException, 404, lambda: pr.create_review_comment_reply(draft.id, "me too"))
    reactions = f"/repos/acme/hello-world/pulls/comments/{draft.id}/reactions"
    raises(UnknownObjectException, 404, lambda: reviewer.requester.requestJsonAndCheck("GET", reactions))
    # An edit's webhook says what changed.
    issue = repo.create_issue("Py edit", body="Before")
    issue.edit(title="Py edit, renamed", body="After")
    edited = delivered_payload(repo, hook.id, "issues", "edited")
    assert edited["changes"] == {"title": {"from": "Py edit"}, "body": {"from": "Before"}}, edited["changes"]
    hook.delete()
    # Reviewer requests and milestones are issue events.
    milestone = repo.create_milestone("v3")
    repo.get_issue(pr.number).edit(milestone=milestone)
    events = list(repo.get_issue(pr.number).get_events())
    assert [e.event for e in events] == ["review_requested", "review_request_removed", "review_requested", "milestoned"], [e.event for e in events]
    assert events[0].review_requester.login == "hubot" and events[0].requested_reviewer.login == "octocat"
    assert events[3].milestone.title == "v3"
    # Mentioned elsewhere: a cross-reference in the timeline, beside its commit.
    citing = theirs.create_issue("Cites", body=f"See #{pr.number}.")
    timeline = list(repo.get_issue(pr.number).get_timeline())
    committed = [e for e in timeline if e.event == "committed"]
    assert committed[0].raw_data["sha"] == pr.head.sha
    cited = [e for e in timeline if e.event == "cross-referenced"][0]
    assert (cited.source.type, cited.source.issue.number, cited.actor.login) == ("issue", citing.number, "hubot")
    assert cited.raw_data["source"]["issue"]["repository"]["full_name"] == "acme/hello-world"
    mine.edit(state="closed")


@scenario
def git_tags_and_hooks():
    import github

    repo = owner.get_repo("acme/hello-world")
    head = repo.get_branch("main").commit.sha
    tag = repo.create_git_tag("v2.0.0", "Second", head, "commit", tagger=github.InputGitAuthor("Octo", "o@acme.test"))
    assert repo.get_git_tag(tag.sha).object.sha == head
    repo.create_git_ref("refs/tags/v2.0.0", tag.sha)
    assert [r.ref for r in repo.get_git_matching_refs("tags/v2")] == ["refs/tags/v2.0.0"]
    raises(GithubException, 422, lambda: repo.create_git_ref("refs/tags/v2.0.0", head))
    hook = repo.create_hook("web", {"url": "http://127.0.0.1:9/refused", "content_type": "json"}, events=["push"])
    hook.edit("web", {"url": "http://127.0.0.1:9/refused", "content_type": "json"}, add_events=["issues"])
    assert sorted(repo.get_hook(hook.id).events) == ["issues", "push"]
    hook.ping()
    deliveries = []
    for _ in range(100):
        deliveries = list(repo.get_hook_deliveries(hook.id))
        if len(deliveries) >= 2:
            break
        threading.Event().wait(0.1)
    assert [d.event for d in deliveries] == ["ping", "ping"]
    one = repo.get_hook_delivery(hook.id, deliveries[0].id)
    assert one.status_code != 200 and one.request.headers["X-GitHub-Event"] == "ping"
    raises(UnknownObjectException, 404, lambda: reviewer.get_repo("acme/hello-world").get_hook(hook.id))
    hook.delete()


@scenario
def search_and_meta():
    assert owner.search_issues("repo:acme/hello-world is:open is:issue").totalCount >= 1
    assert owner.search_repositories("hello org:acme").totalCount == 1
    assert owner.get_rate_limit().resources.core.limit == 5000
    assert owner.get_user("hubot").login == "hubot"
    _ = base64


@scenario
def releases():
    repo = owner.get_repo("acme/hello-world")
    rel = repo.create_git_release("v1.0.0", "One", "First release")
    assert rel.tag_name == "v1.0.0" and not rel.draft and rel.published_at is not None
    assert repo.get_git_ref("tags/v1.0.0").object.sha == repo.get_branch("main").commit.sha
    assert repo.get_latest_release().id == rel.id
    assert repo.get_release("v1.0.0").id == rel.id
    draft = repo.create_git_release("v2.0.0", "Two", "", draft=True)
    assert [r.tag_name for r in repo.get_releases()] == ["v2.0.0", "v1.0.0"]
    published = draft.update_release("Two", "Second", draft=False)
    assert not published.draft and repo.get_latest_release().id == draft.id
    assert list(published.get_assets()) == []
    err = raises(GithubException, 422, lambda: repo.create_git_release("v1.0.0", "dup", ""))
    assert err.data["errors"][0]["code"] == "already_exists"
    rel.delete_release()
    raises(UnknownObjectException, 404, lambda: repo.get_release(rel.id))


@scenario
def stars():
    repo = owner.get_repo("acme/hello-world")
    me = owner.get_user()
    assert not me.has_in_starred(repo)
    me.add_to_starred(repo)
    reviewer.get_user().add_to_starred(repo)
    assert me.has_in_starred(repo)
    assert owner.get_repo("acme/hello-world").stargazers_count == 2
    assert [u.login for u in repo.get_stargazers()] == ["octocat", "hubot"]
    dated = list(repo.get_stargazers_with_dates())
    assert [s.user.login for s in dated] == ["octocat", "hubot"] and dated[0].starred_at is not None
    assert [r.full_name for r in me.get_starred()] == ["acme/hello-world"]
    assert [r.full_name for r in owner.get_user("hubot").get_starred()] == ["acme/hello-world"]
    me.remove_from_starred(repo)
    assert not me.has_in_starred(repo)
    assert owner.get_repo("acme/hello-world").stargazers_count == 1
    raises(GithubException, 403, lambda: app.get_user().add_to_starred(repo))


@scenario
def languages_contributors_forks():
    repo = owner.get_user().create_repo("langs", auto_init=True)
    # PyGithub adds the request's "url" to every GET answer that is an object.
    def languages():
        return [(name, size) for name, size in repo.get_languages().items() if name != "url"]

    assert languages() == [] and repo.language is None
    repo.create_file("src/app.py", "Add app", "print('hi')\n")
    repo.create_file("web/index.html", "Add page", "<p>hi</p>\n")
    assert languages() == [("Python", 12), ("HTML", 10)]
    assert owner.get_repo("octocat/langs").language == "Python"
    assert [(c.login, c.contributions) for c in repo.get_contributors()] == [("octocat", 3)]
    assert list(repo.get_forks()) == []


@scenario
def forks():
    parent = reviewer.get_repo("acme/hello-world")
    fork = parent.create_fork()
    assert (fork.full_name, fork.fork) == ("hubot/hello-world", True)
    assert fork.parent.full_name == "acme/hello-world" and fork.source.full_name == "acme/hello-world"
    again = reviewer.get_repo("hubot/hello-world")
    assert again.fork and again.parent.full_name == "acme/hello-world"
    assert again.get_branch("main").commit.sha == parent.get_branch("main").commit.sha
    assert again.get_contents("README.md").decoded_content == parent.get_contents("README.md").decoded_content
    err = raises(GithubException, 422, lambda: owner.get_repo("acme/hello-world").create_fork(organization="acme"))
    assert err.data["errors"][0]["message"] == "name already exists on this account"
    org_fork = owner.get_repo("acme/hello-world").create_fork(
        organization=owner.get_organization("acme"), name="hello-py-fork", default_branch_only=True
    )
    assert org_fork.full_name == "acme/hello-py-fork" and org_fork.organization.login == "acme"
    mine = owner.get_user().create_fork(owner.get_repo("acme/hello-world"))
    assert mine.full_name == "octocat/hello-world"
    listed = owner.get_repo("acme/hello-world")
    assert listed.forks_count == 3 and listed.forks == 3
    assert [f.full_name for f in listed.get_forks()] == ["octocat/hello-world", "acme/hello-py-fork", "hubot/hello-world"]
    raises(GithubException, 403, lambda: app.get_repo("acme/hello-world").create_fork())
    assert sorted(r.full_name for r in owner.search_repositories("hello fork:only")) == [
        "acme/hello-py-fork", "hubot/hello-world", "octocat/hello-world"
    ]
    assert "hubot/hello-world" not in [r.full_name for r in owner.search_repositories("hello")]


@scenario
def pull_request_from_fork():
    fork = reviewer.get_repo("hubot/hello-world")
    fork.create_git_ref("refs/heads/py-fork-fix", fork.get_branch("main").commit.sha)
    fork.create_file("py-fork.txt", "Fix from a fork", "fixed\n", branch="py-fork-fix")
    upstream = reviewer.get_repo("acme/hello-world")
    pr = upstream.create_pull(
        base="main", head="hubot:py-fork-fix", title="From my fork", body="", maintainer_can_modify=True
    )
    assert (pr.head.label, pr.head.ref, pr.head.user.login) == ("hubot:py-fork-fix", "py-fork-fix", "hubot")
    assert (pr.head.repo.full_name, pr.base.repo.full_name) == ("hubot/hello-world", "acme/hello-world")
    assert pr.maintainer_can_modify
    assert [f.filename for f in pr.get_files()] == ["py-fork.txt"]
    mine = owner.get_repo("acme/hello-world")
    assert [p.number for p in mine.get_pulls(head="hubot:py-fork-fix")] == [pr.number]
    assert list(mine.get_pulls(head="acme:py-fork-fix")) == []
    fork.create_file("py-fork-2.txt", "More from a fork", "more\n", branch="py-fork-fix")
    # The base repository's admin may push to the branch: the pull request allows maintainer edits.
    owner.get_repo("hubot/hello-world").create_file("py-maintainer.txt", "Maintainer edit", "m\n", branch="py-fork-fix")
    pr = mine.get_pull(pr.number)
    assert pr.commits == 3 and pr.head.sha == fork.get_branch("py-fork-fix").commit.sha
    assert pr.merge(merge_method="squash").merged
    assert mine.get_contents("py-fork-2.txt").decoded_content == b"more\n"
    err = raises(GithubException, 422, lambda: mine.create_pull(base="main", head="nobody:main", title="x", body=""))
    assert err.data["errors"][0] == {"resource": "PullRequest", "field": "head", "code": "invalid"}


@scenario
def branch_protection():
    repo = owner.get_repo("acme/hello-world")
    main = repo.get_branch("main")
    assert not main.protected
    raises(GithubException, 404, main.get_protection)
    prot = main.edit_protection(strict=True, contexts=["ci/build"], required_approving_review_count=1)
    assert prot.required_status_checks.contexts == ["ci/build"] and prot.required_status_checks.strict
    assert prot.required_pull_request_reviews.required_approving_review_count == 1
    assert not prot.enforce_admins and not prot.allow_force_pushes
    main = repo.get_branch("main")
    assert main.protected
    assert main.get_protection().required_status_checks.contexts == ["ci/build"]
    assert main.get_required_status_checks().contexts == ["ci/build"]
    assert main.get_required_pull_request_reviews().required_approving_review_count == 1
    main.edit_required_pull_request_reviews(required_approving_review_count=2)
    assert main.get_required_pull_request_reviews().required_approving_review_count == 2
    assert not main.get_admin_enforcement()
    main.set_admin_enforcement()
    assert main.get_admin_enforcement()
    # A write collaborator's push and merge are refused as GitHub refuses them.
    theirs = reviewer.get_repo("acme/hello-world")
    err = raises(GithubException, 409, lambda: theirs.create_file("direct.txt", "direct", "x", branch="main"))
    assert err.data["message"] == "Changes must be made through a pull request."
    theirs.create_git_ref("refs/heads/py-protected", repo.get_branch("main").commit.sha)
    theirs.create_file("py-protected.txt", "work", "x", branch="py-protected")
    pr = theirs.create_pull(title="Protected", body="", head="py-protected", base="main")
    assert theirs.get_pull(pr.number).mergeable_state == "blocked"
    err = raises(GithubException, 405, lambda: pr.merge())
    assert err.data["message"] == "At least 2 approving reviews are required by reviewers with write access."
    main.remove_required_pull_request_reviews()
    err = raises(GithubException, 405, lambda: pr.merge())
    assert err.data["message"] == 'Required status check "ci/build" is expected.'
    theirs.get_commit(pr.head.sha).create_status("success", context="ci/build")
    assert pr.merge().merged
    err = raises(GithubException, 422, theirs.get_git_ref("heads/main").delete)
    assert err.data["message"] == "Cannot delete this protected branch"
    main.remove_admin_enforcement()
    main.remove_required_status_checks()
    main.edit_protection(user_push_restrictions=["hubot"])
    assert [u.login for u in main.get_user_push_restrictions()] == ["hubot"]
    main.add_user_push_restrictions("octocat")
    main.remove_user_push_restrictions("hubot")
    assert [u.login for u in main.get_user_push_restrictions()] == ["octocat"]
    main.remove_push_restrictions()
    assert not main.get_required_signatures()
    main.add_required_signatures()
    assert main.get_required_signatures() and main.get_protection().required_signatures
    main.remove_required_signatures()
    main.remove_protection()
    assert not repo.get_branch("main").protected


@scenario
def commit_comments():
    repo = owner.get_repo("acme/hello-world")
    commit = repo.get_commit(repo.get_branch("main").commit.sha)
    made = commit.create_comment("Nice", path="README.md", position=1)
    assert (made.commit_id, made.path, made.position, made.user.login) == (commit.sha, "README.md", 1, "octocat")
    reviewer.get_repo("acme/hello-world").get_commit(commit.sha).create_comment("Agreed")
    assert [c.body for c in commit.get_comments()] == ["Nice", "Agreed"]
    assert [c.body for c in repo.get_comments()] == ["Nice", "Agreed"]
    assert repo.get_commit(commit.sha).raw_data["commit"]["comment_count"] == 2
    made.edit("Very nice")
    assert repo.get_comment(made.id).body == "Very nice"
    heart = made.create_reaction("heart")
    assert [r.content for r in made.get_reactions()] == ["heart"]
    assert repo.get_comment(made.id).raw_data["reactions"]["heart"] == 1
    assert made.delete_reaction(heart.id)
    assert made.get_reactions().totalCount == 0
    made.delete()
    raises(UnknownObjectException, 404, lambda: repo.get_comment(made.id))
    raises(GithubException, 422, lambda: commit.create_comment(""))


@scenario
def release_assets():
    repo = owner.get_repo("acme/hello-world")
    rel = repo.create_git_release("v9.0.0", "Nine", "")
    path = os.path.join(tempfile.mkdtemp(), "tool build.txt")
    with open(path, "wb") as f:
        f.write(b"hello asset")
    asset = rel.upload_asset(path, label="Tool", content_type="text/plain")
    assert (asset.name, asset.size, asset.label, asset.content_type) == ("tool.build.txt", 11, "Tool", "text/plain")
    assert [a.name for a in rel.get_assets()] == ["tool.build.txt"]
    assert [a.id for a in repo.get_release(rel.id).assets] == [asset.id]
    _, _, chunks = asset.download_asset()
    assert b"".join(chunks) == b"hello asset"
    assert repo.get_release_asset(asset.id).download_count == 1
    err = raises(GithubException, 422, lambda: rel.upload_asset(path, content_type="text/plain"))
    assert err.data["errors"][0]["code"] == "already_exists"
    memo = rel.upload_asset_from_memory(io.BytesIO(b"abc"), 3, "notes.bin")
    assert memo.size == 3 and memo.content_type == "application/octet-stream"
    renamed = asset.update_asset("tool.txt", "Tool v9")
    assert (renamed.name, renamed.label) == ("tool.txt", "Tool v9")
    seen = Github(base_url=BASE).get_repo("acme/hello-world").get_release_asset(asset.id)
    raises(GithubException, 401, lambda: seen.update_asset("x.txt"))
    raises(GithubException, 401, seen.delete_asset)
    assert asset.delete_asset()
    raises(UnknownObjectException, 404, lambda: repo.get_release_asset(asset.id))


@scenario
def issue_changes_and_dismissals():
    repo = owner.get_repo("acme/hello-world")
    hook = repo.create_hook("web", {"url": "http://127.0.0.1:9/refused", "content_type": "json"}, ["issues", "pull_request", "pull_request_review"])
    # Opened with a label and an assignee: recorded as events, announced after `opened`.
    issue = repo.create_issue("Python changes", labels=["bug"], assignees=["hubot"])
    assert delivered_payload(repo, hook.id, "issues", "labeled")["label"]["name"] == "bug"
    # An update's label, assignee and state changes: each an event and a delivery.
    issue.edit(state="closed", labels=["enhancement"], assignees=[])
    events = list(issue.get_events())
    assert [e.event for e in events] == ["labeled", "assigned", "closed", "unlabeled", "labeled", "unassigned"], [e.event for e in events]
    assert (events[3].label.name, events[5].assignee.login) == ("bug", "hubot")
    unassigned = delivered_payload(repo, hook.id, "issues", "unassigned")
    assert (unassigned["assignee"]["login"], unassigned["issue"]["assignees"]) == ("hubot", [])
    issue.lock("resolved")
    assert delivered_payload(repo, hook.id, "issues", "locked")["issue"]["locked"] is True
    # A dismissed review: a `review_dismissed` event naming the state it had.
    _, pr = reviewer_pull("py-dismiss", "dismiss.txt", "Dismiss me")
    opened = delivered_payload(repo, hook.id, "pull_request", "opened")["pull_request"]
    assert (opened["commits"], opened["changed_files"], opened["additions"]) == (1, 1, 1)
    review = repo.get_pull(pr.number).create_review(event="APPROVE")
    review.dismiss("Stale")
    dismissed = [e for e in repo.get_issue(pr.number).get_events() if e.event == "review_dismissed"]
    assert dismissed[0].dismissed_review == {"state": "approved", "review_id": review.id, "dismissal_message": "Stale"}
    assert dismissed[0].actor.login == "octocat"
    assert "review_dismissed" in [e.event for e in repo.get_issue(pr.number).get_timeline()]
    assert delivered_payload(repo, hook.id, "pull_request_review", "dismissed")["review"]["state"] == "dismissed"
    hook.delete()


@scenario
def bad_input_refused():
    repo = owner.get_repo("acme/hello-world")
    long = raises(GithubException, 422, lambda: repo.create_label("l" * 51, "ffffff"))
    assert long.data["errors"][0]["message"] == "name is too long (maximum is 50 characters)", long.data
    issue = repo.create_issue("No assignees yet")
    issue.add_to_assignees()  # an empty list: the issue as it was
    assert repo.get_issue(issue.number).assignees == []
    on_issue = raises(GithubException, 422, lambda: issue.add_to_labels("x" * 51))
    assert on_issue.data["errors"][0]["code"] == "invalid", on_issue.data
    _, pr = reviewer_pull("py-teams", "teams.txt", "Teams")
    raises(GithubException, 422, lambda: repo.get_pull(pr.number).create_review_request(team_reviewers=["core"]))
    # Milestones made at once each get a number of their own.
    threads = [threading.Thread(target=repo.create_milestone, args=(f"py-at-once-{i}",)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [m.number for m in repo.get_milestones(state="all") if m.title.startswith("py-at-once-")]
    assert len(set(made)) == 5, made


@scenario
def lookups_by_id_and_anonymous():
    hello = owner.get_repo("acme/hello-world")
    assert owner.get_repo(hello.id).full_name == "acme/hello-world"
    assert owner.get_user_by_id(2).login == "hubot"
    hidden = owner.get_repo("octocat/private-notes").id
    raises(UnknownObjectException, 404, lambda: reviewer.get_repo(hidden))
    anonymous = Github(base_url=BASE)
    assert anonymous.get_repo("acme/hello-world").get_issue(1).number == 1
    raises(UnknownObjectException, 404, lambda: anonymous.get_repo("octocat/private-notes"))
    refused = raises(GithubException, 401, lambda: anonymous.get_user().login)
    assert refused.data["message"] == "Requires authentication"


@scenario
def rate_limit_exceeded():
    admin("PUT", "rate-limit", {"limit": 1})
    try:
        # PyGithub's default retry waits out the limit (retry-after); a script that wants the
        # error turns it off.
        strict = Github(auth=Auth.Token(os.environ["GITHUB_TOKEN"]), base_url=BASE, retry=None)
        err = raises(RateLimitExceededException, 403, lambda: strict.get_user().login)
        assert err.headers["x-ratelimit-remaining"] == "0" and int(err.headers["retry-after"]) > 0, err.headers
        assert err.data["message"].startswith("API rate limit exceeded"), err.data
    finally:
        admin("PUT", "rate-limit", {"limit": None})
    assert owner.get_user().login == "octocat"


@scenario
def tags():
    repo = owner.get_repo("acme/hello-world")
    sha = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/tags/py-tag", sha)
    # per_page=2: PyGithub follows the Link headers through every page.
    tagged = {t.name: t.commit.sha for t in repo.get_tags()}
    assert tagged["py-tag"] == sha, tagged
    assert repo.get_tags().totalCount == len(tagged)


@scenario
def merge_branches():
    repo = owner.get_repo("acme/hello-world")
    repo.create_git_ref("refs/heads/py-merge", repo.get_branch("main").commit.sha)
    repo.create_file("py-merge.txt", "Add py-merge.txt", "m\n", branch="py-merge")
    merged = repo.merge("main", "py-merge", "Merge py-merge")
    assert merged.commit.message == "Merge py-merge" and len(merged.parents) == 2
    assert repo.get_branch("main").commit.sha == merged.sha
    assert repo.merge("main", "py-merge") is None  # nothing to merge: 204
    raises(GithubException, 404, lambda: repo.merge("main", "py-nope"))


@scenario
def search_users_commits_and_code():
    found = owner.search_users("octo", type="user")
    assert found.totalCount == 1 and [(u.login, u.score) for u in found] == [("octocat", 1.0)]
    assert [u.login for u in owner.search_users("acme", type="org")] == ["acme"]
    assert [u.login for u in owner.search_users("location:francisco", sort="joined", order="asc")] == ["octocat", "acme"]
    repo = owner.get_repo("acme/hello-world")
    repo.create_file("py-search/find_me.py", "Add find_me", "def py_needle():\n    pass\n")
    code = list(owner.search_code("py_needle", repo="acme/hello-world"))
    assert [(c.path, c.name, c.repository.full_name) for c in code] == [
        ("py-search/find_me.py", "find_me.py", "acme/hello-world")
    ], code
    assert b"def py_needle" in code[0].decoded_content  # PyGithub fetches the item's url
    assert owner.search_code("py_needle", repo="acme/hello-world", extension="md").totalCount == 0
    err = raises(GithubException, 422, lambda: owner.search_code("py_needle").totalCount)
    assert err.data["errors"][0]["message"] == "Must include at least one user, organization, or repository", err.data
    commits = list(owner.search_commits("find_me", repo="acme/hello-world"))
    assert [(c.commit.message, c.repository.full_name, c.score) for c in commits] == [
        ("Add find_me", "acme/hello-world", 1.0)
    ], commits
    assert commits[0].sha == repo.get_branch("main").commit.sha
    assert owner.search_commits("find_me", author="hubot").totalCount == 0
    # per_page=2: PyGithub follows GitHub's `since` links through every page.
    assert [u.login for u in owner.get_users()] == ["octocat", "hubot", "acme"]
    assert [u.login for u in owner.get_users(since=2)] == ["acme"]


@scenario
def duplicate_hooks_merged_heads_and_nulls():
    repo = owner.get_repo("acme/hello-world")
    config = {"url": "http://127.0.0.1:9/py-twice", "content_type": "json"}
    hook = repo.create_hook("web", config, events=["push"])
    err = raises(GithubException, 422, lambda: repo.create_hook("web", config, events=["issues"]))
    assert err.data["errors"] == [
        {"resource": "Hook", "code": "custom", "message": "Hook already exists on this repository"}
    ], err.data
    hook.delete()
    # Merging a pull request's head into its base through the merges API merges it.
    _, pr = reviewer_pull("py-landed", "py-landed.txt", "Land through merges")
    merged = repo.merge("main", "py-landed")
    pull = repo.get_pull(pr.number)
    assert (pull.state, pull.merged, pull.merge_commit_sha) == ("closed", True, merged.sha), pull.raw_data
    assert pull.merged_by.login == "octocat" and pull.merged_at is not None
    assert [p.number for p in repo.get_commit(merged.sha).get_pulls()] == [pr.number]
    # `null` for a field GitHub's schema does not let be null is its 422, naming the field.
    err = raises(
        GithubException,
        422,
        lambda: owner.requester.requestJsonAndCheck("POST", f"{repo.url}/issues", input={"title": None}),
    )
    assert err.data["message"] == "Invalid request.\n\nFor 'properties/title', nil is not a string.", err.data
    raises(GithubException, 422, lambda: owner.requester.requestJsonAndCheck("POST", f"{repo.url}/labels", input={"name": None}))
    # Inside an object too, the field named by its own name.
    err = raises(GithubException, 422, lambda: repo.create_hook("web", {"url": None, "content_type": "json"}, events=["push"]))
    assert err.data["message"] == "Invalid request.\n\nFor 'properties/url', nil is not a string.", err.data
    # A null item of an array is refused as GitHub's schema refuses it.
    topics = repo.get_topics()
    err = raises(GithubException, 422, lambda: repo.replace_topics(["py", None]))
    assert err.data["message"] == "Invalid request.\n\nFor 'items', nil is not a string.", err.data
    labelled = {"title": "x", "labels": [None]}
    err = raises(GithubException, 422, lambda: owner.requester.requestJsonAndCheck("POST", f"{repo.url}/issues", input=labelled))
    assert err.data["message"] == "Invalid request.\n\nFor 'items', nil is not a string or object.", err.data
    assert repo.get_topics() == topics, repo.get_topics()
    # Where GitHub documents null (an issue update's body and milestone), it clears.
    issue = repo.create_issue("Py nulls", body="some text")
    owner.requester.requestJsonAndCheck("PATCH", issue.url, input={"body": None})
    issue.edit(milestone=None)
    assert repo.get_issue(issue.number).body is None


@scenario
def installation_repositories():
    # PyGithub's own paginator over the list Installation.get_repos reads.
    import github.PaginatedList
    import github.Repository

    repos = github.PaginatedList.PaginatedList(
        github.Repository.Repository, app.requester, "/installation/repositories", None, list_item="repositories"
    )
    names = [r.full_name for r in repos]
    assert "acme/hello-world" in names and all(n.startswith("acme/") for n in names), names
    assert repos.totalCount == len(names)
    raises(GithubException, 403, lambda: owner.requester.requestJsonAndCheck("GET", "/installation/repositories"))


@scenario
def repository_dispatch():
    repo = owner.get_repo("acme/hello-world")
    config = {"url": "http://127.0.0.1:9/py-dispatch", "content_type": "json"}
    hook = repo.create_hook("web", config, events=["repository_dispatch"])
    assert repo.create_repository_dispatch("py-deploy", {"env": "staging"})
    payload = delivered_payload(repo, hook.id, "repository_dispatch", "py-deploy")
    assert (payload["branch"], payload["client_payload"], payload["sender"]["login"]) == (
        "main",
        {"env": "staging"},
        "octocat",
    ), payload
    hook.delete()


@scenario
def label_webhooks():
    repo = owner.get_repo("acme/hello-world")
    hook = repo.create_hook("web", {"url": "http://127.0.0.1:9/py-labels", "content_type": "json"}, events=["label"])
    label = repo.create_label("py-hooked", "00ff00", "to sort")
    created = delivered_payload(repo, hook.id, "label", "created")
    assert (created["label"]["name"], created["label"]["description"], created["sender"]["login"]) == (
        "py-hooked", "to sort", "octocat"), created
    label.edit("py-sorted", "00ff00", "sorted")
    edited = delivered_payload(repo, hook.id, "label", "edited")
    assert edited["changes"] == {"name": {"from": "py-hooked"}, "description": {"from": "to sort"}}, edited
    label.delete()
    deleted = delivered_payload(repo, hook.id, "label", "deleted")
    assert (deleted["label"]["name"], deleted["label"]["color"]) == ("py-sorted", "00ff00"), deleted
    hook.delete()


@scenario
def hook_test_sends_the_latest_push():
    repo = owner.get_repo("acme/hello-world")
    hook = repo.create_hook("web", {"url": "http://127.0.0.1:9/py-test", "content_type": "json"}, events=["push"])
    head = repo.get_branch(repo.default_branch).commit.sha
    hook.test()
    pushed = delivered_payload(repo, hook.id, "push", None)
    assert (pushed["ref"], pushed["after"], pushed["head_commit"]["id"]) == ("refs/heads/main", head, head), pushed
    hook.delete()


@scenario
def renamed_repository_redirects():
    made = owner.get_user().create_repo("py-before", auto_init=True)
    made.edit(name="py-after")
    # GitHub redirects the old name (301) and PyGithub follows it.
    moved = owner.get_repo("octocat/py-before")
    assert moved.full_name == "octocat/py-after", moved.full_name
    assert moved.get_readme().decoded_content.startswith(b"# py-before")
    # A route under the old name is redirected to /repositories/{id}/…, which PyGithub follows.
    old = owner.get_repo("octocat/py-before", lazy=True)
    assert old.get_readme().decoded_content.startswith(b"# py-before")
    issue = moved.create_issue(title="Found by the old name")
    assert old.get_issue(issue.number).title == "Found by the old name"


@scenario
def update_pull_request_branch():
    repo = owner.get_repo("acme/hello-world")
    _, pr = reviewer_pull("py-behind", "py-behind.txt", "Behind")
    head = pr.head.sha
    repo.create_file("py-main-moves.txt", "Main moves", "m\n", branch="main")
    # PyGithub answers the 202 as True and a refusal (422) as False.
    assert not pr.update_branch(repo.get_branch("main").commit.sha)  # not the head
    assert pr.update_branch(head)
    updated = repo.get_pull(pr.number)
    commit = repo.get_commit(updated.head.sha)
    assert commit.commit.message == "Merge branch 'main' into py-behind", commit.commit.message
    assert [p.sha for p in commit.parents] == [head, repo.get_branch("main").commit.sha]
    assert not pr.update_branch()  # nothing new on the base


@scenario
def organization_memberships():
    mine = owner.get_user().get_organization_membership("acme")
    assert (mine.state, mine.role, mine.organization.login, mine.user.login) == ("active", "admin", "acme", "octocat")
    theirs = owner.get_user("hubot").get_organization_membership("acme")
    assert theirs.role == "member"
    assert [m.role for m in reviewer.get_user().get_organization_memberships()] == ["member"]
    raises(UnknownObjectException, 404, lambda: owner.get_user().get_organization_membership("nope"))


@scenario
def organization_issues():
    titles = [i.title for i in owner.get_organization("acme").get_issues(filter="all", state="all")]
    assert "Found a bug" in titles, titles
    mine = owner.get_user().create_repo("py-org-issues")
    mine.create_issue("Not acme's")
    assert "Not acme's" not in [i.title for i in owner.get_organization("acme").get_issues(filter="all", state="all")]


@scenario
def search_topics():
    repo = owner.get_user().create_repo("py-topics")
    repo.replace_topics(["py-topic-one", "py-topic-two"])
    found = owner.search_topics("py-topic")
    assert sorted((t.name, t.repository_count) for t in found) == [("py-topic-one", 1), ("py-topic-two", 1)]
    assert owner.search_topics("py-topic is:featured").totalCount == 0


def accept_acme():
    """hubot accepts its invitation to acme (PATCH /user/memberships/orgs/acme, which PyGithub
    has no method for, through its own requester): the membership it answers."""
    _, membership = reviewer.requester.requestJsonAndCheck(
        "PATCH", "/user/memberships/orgs/acme", input={"state": "active"}
    )
    return membership


@scenario
def organization_membership_writes():
    org = owner.get_organization("acme")
    hubot = owner.get_user("hubot")
    org.add_to_members(hubot, "admin")
    assert hubot.get_organization_membership("acme").role == "admin"
    err = raises(GithubException, 403, lambda: org.add_to_members(owner.get_user("octocat"), "member"))
    assert err.data["message"] == "You cannot demote yourself. Admins must be demoted by another admin.", err.data
    org.remove_from_membership(hubot)
    assert not org.has_in_members(hubot)
    org.add_to_members(hubot, "member")  # an invitation: pending until hubot accepts
    assert hubot.get_organization_membership("acme").state == "pending"
    assert not org.has_in_members(hubot)
    accept_acme()
    org.remove_from_members(hubot)
    assert [m.login for m in org.get_members()] == ["octocat"]
    org.add_to_members(hubot)
    accept_acme()  # back as a member, for the suites that follow
    membership = hubot.get_organization_membership("acme")
    assert (membership.state, membership.role) == ("active", "member")


@scenario
def organization_invitations():
    org = owner.get_organization("acme")
    hubot = owner.get_user("hubot")
    team = org.create_team("py-invitees")
    org.remove_from_membership(hubot)
    org.invite_user(user=hubot, role="direct_member", teams=[team])
    invitations = list(org.invitations())
    assert [(i.login, i.role, i.team_count, i.inviter.login, i.invitation_source) for i in invitations] == [
        ("hubot", "direct_member", 1, "octocat", "member")
    ], invitations
    _, teams = owner.requester.requestJsonAndCheck("GET", f"/orgs/acme/invitations/{invitations[0].id}/teams")
    assert [t["name"] for t in teams] == ["py-invitees"], teams
    # Pending, as hubot and the owner see it; not a member yet.
    mine = reviewer.get_user().get_organization_membership("acme")
    assert (mine.state, mine.role) == ("pending", "member")
    assert hubot.get_organization_membership("acme").state == "pending"
    assert not org.has_in_members(hubot)
    # GitHub's refusals: a member by address or by user, a token without admin:org.
    err = raises(GithubException, 422, lambda: org.invite_user(email="octocat@acme.test"))
    assert err.data["errors"][0]["message"] == "A user with this email address is already a part of this organization", err.data
    err = raises(GithubException, 422, lambda: org.invite_user(user=owner.get_user("octocat")))
    assert err.data["errors"][0]["message"] == "Invitee is already a part of this organization", err.data
    raises(GithubException, 403, lambda: reviewer.get_organization("acme").invite_user(email="py@example.test"))
    # An address: no login; cancelled.
    org.invite_user(email="py-invitee@example.test", role="admin")
    by_email = [i for i in org.invitations() if i.email == "py-invitee@example.test"]
    assert [(i.login, i.role) for i in by_email] == [(None, "admin")]
    assert org.cancel_invitation(by_email[0])
    assert [i.login for i in org.invitations()] == ["hubot"]
    # Accepted: a member, in the invitation's team.
    joined = accept_acme()
    assert (joined["state"], joined["role"]) == ("active", "member"), joined
    assert org.has_in_members(hubot)
    assert hubot in list(team.get_members())
    assert list(org.invitations()) == []
    _, failed = owner.requester.requestJsonAndCheck("GET", "/orgs/acme/failed_invitations")
    assert failed == []
    team.delete()  # for the suites that follow


@scenario
def fork_merges_upstream():
    parent = owner.get_user().create_repo("py-upstream", auto_init=True)
    fork = reviewer.get_repo("octocat/py-upstream").create_fork()
    assert fork.merge_upstream("main").merge_type == "none"
    parent.create_file("upstream.txt", "Upstream moves", "u\n", branch="main")
    synced = fork.merge_upstream("main")
    assert (synced.merge_type, synced.base_branch) == ("fast-forward", "octocat:main"), synced.raw_data
    assert synced.message == "Successfully fetched and fast-forwarded from upstream octocat:main.", synced.message
    assert fork.get_branch("main").commit.sha == parent.get_branch("main").commit.sha
    err = raises(GithubException, 422, lambda: parent.merge_upstream("main"))
    assert err.data["message"] == "This repository is not a fork.", err.data


@scenario
def actions_workflow_runs():
    repo = owner.get_user().create_repo("py-actions", auto_init=True)
    repo.create_file(".github/workflows/ci.yml", "CI", "name: CI\non: push\n")
    repo.create_file(".github/workflows/deploy.yml", "Deploy",
                     "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      env: {}\n")
    assert [w.name for w in repo.get_workflows()] == ["CI", "Deploy"]
    deploy = repo.get_workflow("deploy.yml")
    assert repo.get_workflow(deploy.id).path == ".github/workflows/deploy.yml"
    err = raises(GithubException, 422, lambda: repo.get_workflow("ci.yml").create_dispatch("main", throw=True))
    assert err.data["message"] == "Workflow does not have 'workflow_dispatch' trigger", err.data
    assert deploy.create_dispatch("main", {"env": "prod"})
    runs = repo.get_workflow_runs(branch="main", status="queued")
    assert runs.totalCount == 1
    run = runs[0]
    assert (run.name, run.event, run.status, run.run_number) == ("Deploy", "workflow_dispatch", "queued", 1)
    assert run.head_sha == repo.get_branch("main").commit.sha
    assert [r.id for r in deploy.get_runs()] == [run.id]
    assert run.cancel()
    run = repo.get_workflow_run(run.id)
    assert (run.status, run.conclusion) == ("completed", "cancelled")
    assert run.rerun()
    admin("POST", f"actions/runs/{run.id}", {"conclusion": "success"})
    run = repo.get_workflow_run(run.id)
    assert (run.conclusion, run.run_attempt) == ("success", 2)
    assert repo.get_workflow_runs(status="success").totalCount == 1
    nobody = Github(base_url=BASE)
    seen = nobody.get_repo(repo.full_name).get_workflow_run(run.id)
    assert (seen.delete(), seen.cancel(), seen.rerun()) == (False, False, False)
    assert nobody.requester.requestJson("DELETE", run.url)[0] == 401
    assert run.delete()
    assert repo.get_workflow_runs().totalCount == 0


@scenario
def repository_rulesets():
    # PyGithub has no ruleset methods: its requester writes them; its objects meet the rules.
    repo = owner.get_user().create_repo("py-rulesets", auto_init=True)
    rules = [{"type": "required_linear_history"},
             {"type": "pull_request", "parameters": {
                 "dismiss_stale_reviews_on_push": False, "require_code_owner_review": False,
                 "require_last_push_approval": False, "required_approving_review_count": 1,
                 "required_review_thread_resolution": False}}]
    body = {"name": "main", "enforcement": "active", "rules": rules,
            "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}}}
    _, created = owner.requester.requestJsonAndCheck("POST", f"{repo.url}/rulesets", input=body)
    assert (created["source"], created["enforcement"]) == ("octocat/py-rulesets", "active"), created
    _, listed = owner.requester.requestJsonAndCheck("GET", f"{repo.url}/rulesets")
    assert [r["id"] for r in listed] == [created["id"]], listed
    _, applied = owner.requester.requestJsonAndCheck("GET", f"{repo.url}/rules/branches/main")
    assert [(r["type"], r["ruleset_id"]) for r in applied] == [
        ("required_linear_history", created["id"]), ("pull_request", created["id"])], applied
    err = raises(GithubException, 409, lambda: repo.create_file("direct.txt", "Direct", "d\n"))
    assert err.data["message"] == "Repository rule violations found\n\nChanges must be made through a pull request.\n\n", err.data
    main = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/feature", main)
    repo.create_file("feature.txt", "Feature", "f\n", branch="feature")
    pull = repo.create_pull(title="Feature", body="", head="feature", base="main")
    err = raises(GithubException, 405, lambda: pull.merge())
    assert err.data["message"] == "Repository rule violations found\n\nThis branch must not contain merge commits.\n\n", err.data
    err = raises(GithubException, 405, lambda: pull.merge(merge_method="squash"))
    assert err.data["message"] == ("Repository rule violations found\n\nAt least 1 approving review is required by "
                                   "reviewers with write access.\n\n"), err.data
    repo.add_to_collaborators("hubot", permission="push")
    reviewer.get_repo("octocat/py-rulesets").get_pull(pull.number).create_review(event="APPROVE")
    assert pull.merge(merge_method="squash").merged
    owner.requester.requestJsonAndCheck("DELETE", f"{repo.url}/rulesets/{created['id']}")
    raises(GithubException, 404, lambda: owner.requester.requestJsonAndCheck("GET", f"{repo.url}/rulesets/{created['id']}"))


def secrets_and_variables(holder):
    """The secrets and variables of `holder`, a repository or one of its environments (PyGithub
    serves both alike): its key, a secret put twice, listed, read and deleted, a variable
    created, refused again, edited, listed and deleted."""
    key = holder.get_public_key()
    assert len(key.key) == 44 and key.key_id.isdigit(), (key.key, key.key_id)
    holder.create_secret("deploy_token", "s3cret")  # sealed with PyNaCl to the clone's key
    holder.create_secret("deploy_token", "again")
    assert [s.name for s in holder.get_secrets()] == ["DEPLOY_TOKEN"]
    assert holder.get_secret("deploy_token").name == "DEPLOY_TOKEN"
    assert holder.delete_secret("deploy_token")
    raises(UnknownObjectException, 404, lambda: holder.get_secret("deploy_token").created_at)
    variable = holder.create_variable("region", "eu-west-1")
    assert holder.get_variable("REGION").value == "eu-west-1"
    raises(GithubException, 409, lambda: holder.create_variable("REGION", "x"))
    assert variable.edit("us-east-1")
    assert [(v.name, v.value) for v in holder.get_variables()] == [("REGION", "us-east-1")]
    assert holder.delete_variable("region")
    assert holder.get_variables().totalCount == 0


@scenario
def actions_secrets_and_variables():
    secrets_and_variables(owner.get_repo("acme/hello-world"))


@scenario
def environment_secrets_and_variables():
    repo = owner.get_repo("acme/hello-world")
    repo.create_secret("repository_only", "s3cret")
    environment = repo.create_environment("py-production")
    assert environment.get_public_key().key != repo.get_public_key().key
    secrets_and_variables(environment)
    assert [s.name for s in repo.get_secrets()] == ["REPOSITORY_ONLY"]
    assert repo.delete_secret("repository_only")
    raises(UnknownObjectException, 404, lambda: repo.get_environment("py-missing").get_variables().totalCount)


@scenario
def organization_secrets_and_variables():
    """An organization's secrets and variables: its own key, each `all`, `private` or
    `selected` (a list of repositories PyGithub adds to and removes from), and what each
    repository may use (no PyGithub method: read through its requester)."""
    org, repo = owner.get_organization("acme"), owner.get_repo("acme/hello-world")
    key = org.get_public_key()
    assert len(key.key) == 44 and key.key != repo.get_public_key().key
    vault = org.create_repo("py-vault", private=True)
    org.create_secret("py_everyone", "s3cret")
    org.create_secret("py_hidden", "s3cret", "private")
    picked = org.create_secret("py_picked", "s3cret", "selected", [repo])
    listed = [(s.name, s.visibility) for s in org.get_secrets()]
    assert listed == [("PY_EVERYONE", "all"), ("PY_HIDDEN", "private"), ("PY_PICKED", "selected")], listed
    assert [r.full_name for r in picked.selected_repositories] == ["acme/hello-world"]
    secret = org.get_secret("PY_PICKED")
    assert secret.visibility == "selected" and secret.add_repo(vault)
    assert [r.name for r in secret.selected_repositories] == ["hello-world", "py-vault"]
    assert secret.remove_repo(repo)
    assert [r.name for r in secret.selected_repositories] == ["py-vault"]

    def shared(repository, kind):
        _, data = owner.requester.requestJsonAndCheck("GET", f"{repository.url}/actions/organization-{kind}")
        return [item["name"] for item in data[kind]]

    assert shared(repo, "secrets") == ["PY_EVERYONE"]
    assert shared(vault, "secrets") == ["PY_EVERYONE", "PY_HIDDEN", "PY_PICKED"]
    everyone = org.get_secret("PY_EVERYONE")
    assert everyone.visibility == "all" and not everyone.add_repo(repo)  # PyGithub checks first
    raises(GithubException, 409, lambda: owner.requester.requestJsonAndCheck("PUT", f"{everyone.url}/repositories/{repo.id}"))
    assert everyone.edit("again", visibility="selected", selected_repositories=[repo])
    assert shared(repo, "secrets") == ["PY_EVERYONE"]
    member = reviewer.get_organization("acme")
    err = raises(GithubException, 403, lambda: member.get_secrets().totalCount)
    assert err.data["message"] == "You must be an org admin or have the actions secrets fine-grained permission.", err.data
    for name in ("PY_EVERYONE", "PY_HIDDEN", "PY_PICKED"):
        org.get_secret(name).delete()
    raises(UnknownObjectException, 404, lambda: org.get_secret("PY_PICKED").visibility)

    variable = org.create_variable("py_region", "eu-west-1", "selected", [repo])
    assert variable.add_repo(vault)
    fetched = org.get_variable("PY_REGION")
    assert (fetched.value, fetched.visibility) == ("eu-west-1", "selected")
    assert [r.name for r in fetched.selected_repositories] == ["hello-world", "py-vault"]
    raises(GithubException, 409, lambda: org.create_variable("PY_REGION", "x"))
    assert shared(repo, "variables") == ["PY_REGION"]
    assert fetched.remove_repo(repo)
    assert shared(repo, "variables") == []
    assert fetched.edit("us-east-1", visibility="private")
    assert [(v.name, v.value, v.visibility) for v in org.get_variables()] == [("PY_REGION", "us-east-1", "private")]
    assert shared(vault, "variables") == ["PY_REGION"]
    fetched.delete()
    assert org.get_variables().totalCount == 0
    vault.delete()


def dispatched_run(name):
    """A new repository `name` of octocat's with a dispatchable `build.yml`, dispatched once:
    the repository and its run."""
    repo = owner.get_user().create_repo(name, auto_init=True)
    repo.create_file(".github/workflows/build.yml", "Build", "name: Build\non: workflow_dispatch\n")
    assert repo.get_workflow("build.yml").create_dispatch("main")
    return repo, repo.get_workflow_runs()[0]


@scenario
def actions_jobs_and_attempts():
    repo, run = dispatched_run("py-jobs")
    admin("POST", f"actions/runs/{run.id}", {"status": "in_progress"})
    [job] = list(run.jobs())
    assert (job.status, job.run_id, [s.name for s in job.steps]) == ("in_progress", run.id, ["Set up job", "Run Build"])
    admin("POST", f"actions/runs/{run.id}", {"conclusion": "failure"})
    assert repo.get_workflow_job(job.id).conclusion == "failure"
    assert repo.get_workflow_run(run.id).rerun()
    admin("POST", f"actions/runs/{run.id}", {"conclusion": "success"})
    assert [(j.run_attempt, j.conclusion) for j in run.jobs("all")] == [(2, "success"), (1, "failure")]
    first = run.get_attempt(1)
    assert (first.run_attempt, first.conclusion) == (1, "failure")


@scenario
def actions_artifacts():
    repo, run = dispatched_run("py-artifacts")
    # What the run would upload, recorded through the admin route.
    uploaded = admin("POST", f"actions/runs/{run.id}/artifacts", {"name": "dist", "size_in_bytes": 2048})
    admin("POST", f"actions/runs/{run.id}/artifacts", {"name": "coverage", "size_in_bytes": 10})
    assert [a.name for a in run.get_artifacts()] == ["coverage", "dist"]
    [dist] = list(repo.get_artifacts(name="dist"))
    assert (dist.id, dist.size_in_bytes, dist.expired, dist.workflow_run.id) == (uploaded["id"], 2048, False, run.id)
    assert repo.get_artifact(dist.id).name == "dist"
    assert dist.delete()
    raises(UnknownObjectException, 404, lambda: repo.get_artifact(dist.id))
    assert repo.get_artifacts().totalCount == 1


@scenario
def teams():
    org = owner.get_organization("acme")
    vault = org.create_repo("py-team-vault", private=True)
    team = org.create_team("Py Ops", description="Operations", privacy="closed", repo_names=[vault], permission="push")
    assert (team.slug, team.privacy, team.permission, team.members_count, team.repos_count) == ("py-ops", "closed", "push", 1, 1)
    assert org.get_team_by_slug("py-ops").id == team.id
    assert org.get_team(team.id).slug == "py-ops"
    assert "py-ops" in [t.slug for t in org.get_teams()]
    child = org.create_team("Py Oncall", parent_team_id=team.id)
    assert (child.parent.slug, child.privacy) == ("py-ops", "closed")
    assert [t.slug for t in team.get_teams()] == ["py-oncall"]
    err = raises(GithubException, 422, lambda: org.create_team("py ops"))
    assert err.data["errors"][0]["message"] == "Name must be unique for this org", err.data
    raises(GithubException, 422, lambda: org.create_team("Py Bad", privacy="open"))

    hubot = owner.get_user("hubot")
    assert vault.get_collaborator_role_name("hubot") == "read"
    child.add_membership(hubot, "maintainer")
    membership = child.get_team_membership("hubot")
    assert (membership.role, membership.state) == ("maintainer", "active")
    assert child.has_in_members(hubot) and team.has_in_members(hubot)
    assert [m.login for m in team.get_members()] == ["octocat", "hubot"]
    # The parent's repository, through the child team: push.
    assert vault.get_collaborator_role_name("hubot") == "write"
    assert [t.slug for t in reviewer.get_user().get_teams()] == ["py-oncall"]
    assert team.has_in_repos(vault)
    assert [r.full_name for r in team.get_repos()] == ["acme/py-team-vault"]
    team.update_team_repository(vault, "maintain")
    assert team.get_repo_permission(vault).maintain
    assert vault.get_collaborator_role_name("hubot") == "maintain"
    assert [(t.slug, t.permission) for t in vault.get_teams()] == [("py-ops", "maintain")]
    assert not team.update_team_repository(vault, "write")  # a 422: PyGithub answers False

    team.edit("Py Operations", description="Ops, renamed")
    assert (team.slug, team.description) == ("py-operations", "Ops, renamed")
    team.remove_from_repos(vault)
    assert not team.has_in_repos(vault) and team.get_repo_permission(vault) is None
    assert vault.get_collaborator_role_name("hubot") == "read"
    child.remove_membership(hubot)
    assert not child.has_in_members(hubot)
    raises(UnknownObjectException, 404, lambda: child.get_team_membership("hubot"))
    team.delete()
    raises(UnknownObjectException, 404, lambda: org.get_team_by_slug("py-operations"))
    raises(UnknownObjectException, 404, lambda: org.get_team(child.id))


@scenario
def deployments_and_environments():
    repo = owner.get_user().create_repo("py-deploys", auto_init=True)
    sha = repo.get_branch("main").commit.sha
    with Receiver() as receiver:
        repo.create_hook("web", {"url": receiver.url, "content_type": "json"}, ["deployment", "deployment_status"])
        repo.get_commit(sha).create_status("failure", context="ci/build")
        err = raises(GithubException, 409, lambda: repo.create_deployment("main"))
        assert err.data["errors"][0]["contexts"] == [{"context": "ci/build", "state": "failure"}], err.data
        raises(GithubException, 422, lambda: repo.create_deployment("nope"))
        deployment = repo.create_deployment(
            "main", required_contexts=[], environment="staging", payload={"app": "web"}, description="py", auto_merge=False
        )
        assert (deployment.sha, deployment.environment, deployment.payload, deployment.task) == (sha, "staging", {"app": "web"}, "deploy")
        status = deployment.create_status("success", target_url="https://ci.example/py", environment_url="https://staging.example")
        assert (status.state, status.environment, status.target_url) == ("success", "staging", "https://ci.example/py")
        assert deployment.get_status(status.id).environment_url == "https://staging.example"
        assert [d.id for d in repo.get_deployments(environment="staging")] == [deployment.id]
        assert repo.get_deployment(deployment.id).description == "py"
        newer = repo.create_deployment("main", required_contexts=[], environment="staging", auto_merge=False)
        err = raises(GithubException, 422, lambda: repo._requester.requestJsonAndCheck("DELETE", deployment.url))
        assert err.data["message"].startswith("We cannot delete an active deployment"), err.data
        newer.create_status("success")
        assert [s.state for s in deployment.get_statuses()] == ["inactive", "success"]
        events = sorted(receiver.next()[0]["X-GitHub-Event"] for _ in range(5))
    assert events == ["deployment", "deployment", "deployment_status", "deployment_status", "ping"], events

    assert [e.name for e in repo.get_environments()] == ["staging"]
    production = repo.create_environment("production", wait_timer=15)
    assert (production.name, production.protection_rules[0].wait_timer) == ("production", 15)
    assert repo.get_environment("production").id == production.id
    assert [e.name for e in repo.get_environments()] == ["production", "staging"]
    repo.delete_environment("production")
    raises(UnknownObjectException, 404, lambda: repo.get_environment("production"))


@scenario
def app_authentication():
    # The app signs its own JWT (PyGithub's AppAuth: iat 60 s back, 5 minutes) and trades
    # it for an installation token, as a GitHub App does.
    app_auth = Auth.AppAuth(int(os.environ["GITHUB_APP_ID"]), os.environ["GITHUB_APP_PRIVATE_KEY"])
    installation_id = int(os.environ["GITHUB_APP_INSTALLATION_ID"])
    integration = GithubIntegration(auth=app_auth, base_url=BASE)
    assert integration.get_app().slug == "acme-bot"
    assert [i.id for i in integration.get_installations()] == [installation_id]
    for installation in [
        integration.get_repo_installation("acme", "hello-world"),
        integration.get_org_installation("acme"),
        integration.get_user_installation("acme"),
        integration.get_app_installation(installation_id),
    ]:
        assert (installation.id, installation.target_type) == (installation_id, "Organization")
    raises(UnknownObjectException, 404, lambda: integration.get_user_installation("octocat"))
    minted = integration.get_access_token(installation_id, permissions={"issues": "read"})
    assert minted.token.startswith("ghs_") and minted.permissions == {"issues": "read"}, minted.raw_data
    assert minted.expires_at > minted.expires_at.now(minted.expires_at.tzinfo)
    err = raises(GithubException, 422, lambda: integration.get_access_token(installation_id, permissions={"administration": "write"}))
    assert err.data["message"] == "The permissions requested are not granted to this installation.", err.data

    bot = Github(auth=app_auth.get_installation_auth(installation_id), base_url=BASE)
    issue = bot.get_repo("acme/hello-world").create_issue("opened by the app")
    assert issue.user.login == "acme-bot[bot]"

    # A token narrowed to `issues: read` reads issues; a write is GitHub's 403, which names
    # the permission it lacked.
    reader = Github(auth=Auth.AppInstallationAuth(app_auth, installation_id, token_permissions={"issues": "read"}), base_url=BASE)
    assert reader.get_repo("acme/hello-world").get_issue(issue.number).title == "opened by the app"
    err = raises(GithubException, 403, lambda: reader.get_repo("acme/hello-world").create_issue("refused"))
    assert (err.data["message"], err.data["documentation_url"]) == (
        "Resource not accessible by integration", "https://docs.github.com/rest/issues/issues#create-an-issue"), err.data
    assert err.headers["x-accepted-github-permissions"] == "issues=write", err.headers

    # Refusals in GitHub's words: another app's id, an installation token on an app route.
    stranger = GithubIntegration(auth=Auth.AppAuth(999, os.environ["GITHUB_APP_PRIVATE_KEY"]), base_url=BASE)
    err = raises(GithubException, 401, stranger.get_app)
    assert err.data["message"] == "A JSON web token could not be decoded", err.data
    err = raises(GithubException, 403, lambda: Github(auth=app_auth, base_url=BASE).get_repo("acme/hello-world"))
    assert err.data["message"] == "Resource not accessible by integration", err.data


@scenario
def sub_issues():
    repo = owner.get_repo("acme/hello-world")
    parent = repo.create_issue("an epic")
    first, second = repo.create_issue("a task"), repo.create_issue("another task")
    assert parent.sub_issues_summary.total == 0
    parent.add_sub_issue(first)
    parent.add_sub_issue(second.id)
    assert [s.number for s in parent.get_sub_issues()] == [first.number, second.number]
    parent.prioritize_sub_issue(second, first)
    assert [s.number for s in parent.get_sub_issues()] == [first.number, second.number]
    first.edit(state="closed")
    summary = repo.get_issue(parent.number).sub_issues_summary
    assert (summary.total, summary.completed, summary.percent_completed) == (2, 1, 50)
    assert repo.get_issue(second.number).parent_issue_url == parent.url
    err = raises(GithubException, 422, lambda: repo.get_issue(second.number).add_sub_issue(parent))
    assert err.data["message"] == "Validation Failed", err.data
    parent.remove_sub_issue(second)
    assert [s.number for s in parent.get_sub_issues()] == [first.number]


@scenario
def issue_dependencies():
    repo = owner.get_repo("acme/hello-world")
    blocked, blocker = repo.create_issue("blocked"), repo.create_issue("blocker")
    blocked.add_blocked_by(blocker)
    assert [i.number for i in blocked.get_blocked_by()] == [blocker.number]
    assert [i.number for i in blocker.get_blocking()] == [blocked.number]
    summary = repo.get_issue(blocked.number).issue_dependencies_summary
    assert (summary.blocked_by, summary.total_blocked_by) == (1, 1)
    err = raises(GithubException, 422, lambda: blocked.add_blocked_by(blocker))
    assert err.data["message"] == "Validation Failed", err.data
    blocked.remove_blocked_by(blocker)
    assert list(blocked.get_blocked_by()) == []
    raises(UnknownObjectException, 404, lambda: blocked.remove_blocked_by(blocker))


@scenario
def reactions_deleted_and_on_releases():
    repo = owner.get_repo("acme/hello-world")
    issue = repo.create_issue("react to me")
    mine = issue.create_reaction("rocket")
    theirs = reviewer.get_repo("acme/hello-world").get_issue(issue.number).create_reaction("eyes")
    # Another's reaction is not the caller's to delete: 404, which PyGithub answers False.
    assert not issue.delete_reaction(theirs.id)
    assert issue.delete_reaction(mine.id)
    assert [r.content for r in issue.get_reactions()] == ["eyes"]
    comment = issue.create_comment("and to me")
    heart = comment.create_reaction("heart")
    assert comment.delete_reaction(heart.id)
    assert comment.get_reactions().totalCount == 0
    # PyGithub has no release reaction methods; a release's rollup is read as GitHub sends it.
    release = repo.create_git_release("v7.0.0-py", "py", "a release to react to")
    owner.requester.requestJsonAndCheck("POST", f"{release.url}/reactions", input={"content": "hooray"})
    assert repo.get_release(release.id).reactions["hooray"] == 1


@scenario
def check_suites_on_their_own():
    repo = app.get_repo("acme/hello-world")
    head = repo.get_branch("main").commit.sha
    suite = repo.create_check_suite(head)
    assert (suite.head_sha, suite.status, suite.app.slug) == (head, "queued", "acme-bot")
    assert repo.create_check_suite(head).id == suite.id
    repo.create_check_run("py-suite-run", head, status="in_progress")
    runs = owner.get_repo("acme/hello-world").get_check_suite(suite.id).get_check_runs(check_name="py-suite-run")
    assert [r.name for r in runs] == ["py-suite-run"]
    err = raises(GithubException, 403, lambda: owner.get_repo("acme/hello-world").create_check_suite(head))
    assert err.data["message"] == "You must authenticate via a GitHub App.", err.data


@scenario
def check_run_annotations():
    repo = app.get_repo("acme/hello-world")
    head = repo.get_branch("main").commit.sha
    note = {"path": "README.md", "start_line": 1, "end_line": 1, "annotation_level": "warning", "message": "spelling"}
    run = repo.create_check_run("py-annotated", head, output={"title": "Lint", "summary": "one", "annotations": [note]})
    assert run.output.annotations_count == 1
    notes = list(owner.get_repo("acme/hello-world").get_check_run(run.id).get_annotations())
    assert [(n.path, n.annotation_level, n.message) for n in notes] == [("README.md", "warning", "spelling")]


@scenario
def check_rerequests_and_preferences():
    # A commit of its own: the suite has no other run.
    mine = owner.get_repo("acme/hello-world")
    mine.create_git_ref("refs/heads/py-rerun", mine.get_branch("main").commit.sha)
    head = mine.create_file("py-rerun.txt", "rerun", "x", branch="py-rerun")["commit"].sha
    repo = app.get_repo("acme/hello-world")
    run = repo.create_check_run("py-rerun", head, status="completed", conclusion="failure")
    # PyGithub has no CheckRun.rerequest: its route through the requester.
    status, _, _ = app.requester.requestJson("POST", f"{run.url}/rerequest")
    assert status == 201
    suite = repo.get_check_suite(run.check_suite.id)
    assert (suite.status, suite.conclusion) == ("queued", None)
    run.edit(conclusion="success")
    assert repo.get_check_suite(suite.id).conclusion == "success"
    assert suite.rerequest()
    assert owner.get_repo("acme/hello-world").get_check_suite(suite.id).status == "queued"
    prefs = owner.get_repo("acme/hello-world").update_check_suites_preferences([{"app_id": 1, "setting": False}])
    assert prefs.preferences == {"auto_trigger_checks": [{"app_id": 1, "setting": False}]}
    assert prefs.repository.full_name == "acme/hello-world"
    err = raises(GithubException, 403, lambda: reviewer.get_repo("acme/hello-world").update_check_suites_preferences([]))
    assert err.data["message"] == "Must have admin rights to Repository.", err.data


@scenario
def team_push_restrictions_and_branch_renames():
    org = owner.get_organization("acme")
    platform = org.create_team("py-platform")
    storage = org.create_team("py-storage", parent_team_id=platform.id)
    org.create_team("py-docs")
    repo = owner.get_repo("acme/hello-world")
    repo.create_git_ref("refs/heads/py-guarded", repo.get_branch("main").commit.sha)
    guarded = repo.get_branch("py-guarded")
    guarded.edit_protection(user_push_restrictions=["octocat"], team_push_restrictions=["py-docs"])
    assert [t.slug for t in guarded.get_team_push_restrictions()] == ["py-docs"]
    assert [t.slug for t in guarded.get_protection().get_team_push_restrictions()] == ["py-docs"]
    theirs = reviewer.get_repo("acme/hello-world")
    push = lambda: theirs.create_file("py-team.txt", "team", "x", branch="py-guarded")  # noqa: E731
    err = raises(GithubException, 409, push)
    assert err.data["message"].startswith("You're not authorized to push to this branch."), err.data
    # A member of a child team of an allowed team may push.
    guarded.add_team_push_restrictions("py-platform")
    storage.add_membership(owner.get_user("hubot"))
    push()
    guarded.replace_team_push_restrictions("py-docs", "py-storage")
    guarded.remove_team_push_restrictions("py-docs")
    assert [t.slug for t in guarded.get_team_push_restrictions()] == ["py-storage"]
    err = raises(GithubException, 422, lambda: guarded.add_team_push_restrictions("py-ghosts"))
    assert err.data["errors"][0]["field"] == "teams", err.data
    # Renamed by an administrator (it is protected), its protection with it.
    assert repo.rename_branch("py-guarded", "py-guarded-2")
    renamed = repo.get_branch("py-guarded-2")
    assert renamed.protected
    assert [t.slug for t in renamed.get_team_push_restrictions()] == ["py-storage"]
    raises(GithubException, 404, lambda: repo.get_branch("py-guarded"))
    raises(GithubException, 403, lambda: theirs.rename_branch("py-guarded-2", "py-mine"))
    renamed.remove_protection()
    assert theirs.rename_branch(theirs.get_branch("py-guarded-2"), "py-mine")
    assert repo.get_branch("py-mine").commit.sha == renamed.commit.sha


@scenario
def code_scanning_sarifs_and_analyses():
    # PyGithub has no method for SARIF uploads or analyses: its requester sends them.
    repo = owner.get_repo("acme/hello-world")
    request = owner.requester.requestJsonAndCheck
    sarif = {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "py-scanner", "semanticVersion": "1.0.0", "rules": [{"id": "py/rule"}]}},
        "results": [{"ruleId": "py/rule", "message": {"text": "a finding"},
                     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "README.md"}, "region": {"startLine": 1}}}]}],
    }]}
    upload = {
        "commit_sha": repo.get_branch("main").commit.sha,
        "ref": "refs/heads/main",
        "sarif": base64.b64encode(gzip.compress(json.dumps(sarif).encode())).decode(),
    }
    _, receipt = request("POST", f"{repo.url}/code-scanning/sarifs", input=upload)
    _, status = request("GET", receipt["url"])
    assert status["processing_status"] == "complete" and status["errors"] is None, status
    _, analyses = request("GET", status["analyses_url"])
    assert [(a["tool"]["name"], a["results_count"], a["deletable"]) for a in analyses] == [("py-scanner", 1, True)]
    err = raises(GithubException, 400, lambda: request("POST", f"{repo.url}/code-scanning/sarifs", input={**upload, "sarif": "nope"}))
    assert err.data["message"].startswith("Invalid sarif"), err.data
    raises(GithubException, 422, lambda: request("POST", f"{repo.url}/code-scanning/sarifs", input={**upload, "ref": "main"}))
    err = raises(GithubException, 400, lambda: request("DELETE", analyses[0]["url"]))
    assert err.data["message"].startswith("Analysis is last of its type"), err.data
    _, gone = request("DELETE", analyses[0]["url"], parameters={"confirm_delete": "true"})
    assert gone == {"next_analysis_url": None, "confirm_delete_url": None}, gone
    raises(UnknownObjectException, 404, lambda: request("GET", analyses[0]["url"]))


@scenario
def code_scanning_alerts():
    repo = owner.get_repo("acme/hello-world")
    request = owner.requester.requestJsonAndCheck

    def upload(lines):
        results = [{"ruleId": "py/a", "message": {"text": f"finding {n}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "README.md"}, "region": {"startLine": n}}}]}
                   for n in lines]
        run = {"tool": {"driver": {"name": "py-alerts", "rules": [{"id": "py/a", "defaultConfiguration": {"level": "error"}}]}},
               "results": results}
        sarif = base64.b64encode(gzip.compress(json.dumps({"version": "2.1.0", "runs": [run]}).encode())).decode()
        body = {"commit_sha": repo.get_branch("main").commit.sha, "ref": "refs/heads/main", "sarif": sarif}
        request("POST", f"{repo.url}/code-scanning/sarifs", input=body)

    upload([1, 2])
    alerts = list(repo.get_codescan_alerts(tool_name="py-alerts", state="open", severity="error"))
    assert sorted(a.most_recent_instance.location.start_line for a in alerts) == [1, 2]
    first = next(a for a in alerts if a.most_recent_instance.location.start_line == 1)
    assert (first.rule.id, first.rule.severity, first.tool.name, first.state) == ("py/a", "error", "py-alerts", "open")
    # PyGithub has no method to dismiss an alert: its requester sends the PATCH.
    _, dismissed = request("PATCH", first.url, input={"state": "dismissed", "dismissed_reason": "false positive"})
    assert dismissed["state"] == "dismissed" and dismissed["dismissed_by"]["login"] == "octocat", dismissed
    err = raises(GithubException, 400, lambda: request("PATCH", first.url, input={"state": "dismissed", "dismissed_reason": "false positive"}))
    assert err.data["message"] == "Alert is already dismissed.", err.data
    upload([1])
    fixed = list(repo.get_codescan_alerts(tool_name="py-alerts", state="fixed"))
    assert [a.most_recent_instance.location.start_line for a in fixed] == [2]
    assert fixed[0].fixed_at is not None
    assert [(i.ref, i.state) for i in fixed[0].get_instances()] == [("refs/heads/main", "fixed")]
