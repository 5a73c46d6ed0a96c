// @octokit/rest, unmodified but for its baseUrl, against a GitHub clone.
// Reads GITHUB_API_BASE, GITHUB_TOKEN, GITHUB_REVIEWER_TOKEN, GITHUB_APP_TOKEN, GITHUB_APP_ID,
// GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID (the app signs its JWT with
// @octokit/auth-app), and
// ASYM_ADMIN_URL/ASYM_ADMIN_SECRET for check.mjs's `admin` (set-up GitHub does outside its API:
// rate limits switched on). Every scenario prints `ok <name>`; the first failure exits non-zero.
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { admin, withReceiver } from "./check.mjs";

const baseUrl = process.env.GITHUB_API_BASE;
const owner = new Octokit({ auth: process.env.GITHUB_TOKEN, baseUrl });
const reviewer = new Octokit({ auth: process.env.GITHUB_REVIEWER_TOKEN, baseUrl });
const app = new Octokit({ auth: process.env.GITHUB_APP_TOKEN, baseUrl });
const repo = { owner: "acme", repo: "hello-world" };

async function scenario(name, body) {
  await body();
  console.log(`ok ${name}`);
}

async function fails(status, call) {
  try {
    await call();
  } catch (err) {
    assert.equal(err.status, status, JSON.stringify(err.response?.data));
    return err;
  }
  assert.fail(`expected ${status}`);
}

await scenario("users_and_orgs", async () => {
  const me = await owner.rest.users.getAuthenticated();
  assert.equal(me.data.login, "octocat");
  assert.match(me.headers["x-oauth-scopes"], /repo/);
  assert.ok(Number(me.headers["x-ratelimit-limit"]) > 0);
  const org = await owner.rest.orgs.get({ org: "acme" });
  assert.equal(org.data.login, "acme");
  const members = await owner.paginate(owner.rest.orgs.listMembers, { org: "acme", per_page: 1 });
  assert.deepEqual(members.map((m) => m.login), ["octocat", "hubot"]);
  await fails(401, () => new Octokit({ auth: "ghp_bad", baseUrl }).rest.users.getAuthenticated());
  await fails(404, () => reviewer.rest.repos.get({ owner: "octocat", repo: "private-notes" }));
});

await scenario("installation_is_not_a_user", async () => {
  const starred = { owner: "acme", repo: "hello-world" };
  for (const [call, page] of [
    [() => app.rest.users.getAuthenticated(), "users/users#get-the-authenticated-user"],
    [() => app.rest.repos.listForAuthenticatedUser(), "repos/repos#list-repositories-for-the-authenticated-user"],
    [() => app.rest.orgs.listForAuthenticatedUser(), "orgs/orgs#list-organizations-for-the-authenticated-user"],
    [() => app.rest.repos.createForAuthenticatedUser({ name: "node-bot-repo" }), "repos/repos#create-a-repository-for-the-authenticated-user"],
    [() => app.rest.activity.starRepoForAuthenticatedUser(starred), "activity/starring#star-a-repository-for-the-authenticated-user"],
    [() => app.rest.activity.checkRepoIsStarredByAuthenticatedUser(starred), "activity/starring#check-if-a-repository-is-starred-by-the-authenticated-user"],
    [() => app.rest.issues.list({ filter: "all" }), "issues/issues#list-issues-assigned-to-the-authenticated-user"],
    [() => app.rest.issues.listForAuthenticatedUser(), "issues/issues#list-user-account-issues-assigned-to-the-authenticated-user"],
    [() => app.rest.issues.listForOrg({ org: "acme" }), "issues/issues#list-organization-issues-assigned-to-the-authenticated-user"],
  ]) {
    const err = await fails(403, call);
    assert.deepEqual(err.response.data, {
      message: "Resource not accessible by integration",
      documentation_url: `https://docs.github.com/rest/${page}`,
      status: "403",
    });
  }
  assert.equal((await app.rest.users.getById({ account_id: 2 })).data.login, "hubot");
});

await scenario("repositories", async () => {
  const made = await owner.rest.repos.createForAuthenticatedUser({ name: "sdk-node", auto_init: true });
  assert.equal(made.status, 201);
  assert.equal(made.data.full_name, "octocat/sdk-node");
  const readme = await owner.rest.repos.getReadme({ owner: "octocat", repo: "sdk-node" });
  assert.match(Buffer.from(readme.data.content, "base64").toString(), /^# sdk-node/);
  await owner.rest.repos.update({ owner: "octocat", repo: "sdk-node", description: "from octokit" });
  await owner.rest.repos.replaceAllTopics({ owner: "octocat", repo: "sdk-node", names: ["node"] });
  assert.deepEqual((await owner.rest.repos.getAllTopics({ owner: "octocat", repo: "sdk-node" })).data.names, ["node"]);
  const err = await fails(422, () => owner.rest.repos.createForAuthenticatedUser({ name: "sdk-node" }));
  assert.equal(err.response.data.errors[0].field, "name");
  await owner.rest.repos.createInOrg({ org: "acme", name: "sdk-node-org" });
  const mine = await owner.paginate(owner.rest.repos.listForAuthenticatedUser, { per_page: 1 });
  assert.ok(mine.some((r) => r.full_name === "acme/sdk-node-org"));
  assert.equal((await owner.rest.repos.delete({ owner: "octocat", repo: "sdk-node" })).status, 204);
  await fails(404, () => owner.rest.repos.get({ owner: "octocat", repo: "sdk-node" }));
});

await scenario("issues_comments_labels", async () => {
  await owner.rest.issues.createLabel({ ...repo, name: "triage", color: "fbca04" });
  const issue = await owner.rest.issues.create({ ...repo, title: "From octokit", labels: ["bug", "triage"], assignees: ["hubot"] });
  assert.equal(issue.status, 201);
  const number = issue.data.number;
  assert.deepEqual(issue.data.labels.map((l) => l.name), ["bug", "triage"]);
  await owner.rest.issues.createComment({ ...repo, issue_number: number, body: "first" });
  await reviewer.rest.issues.createComment({ ...repo, issue_number: number, body: "second" });
  const comments = await owner.paginate(owner.rest.issues.listComments, { ...repo, issue_number: number, per_page: 1 });
  assert.deepEqual(comments.map((c) => c.body), ["first", "second"]);
  const closed = await owner.rest.issues.update({ ...repo, issue_number: number, state: "closed", state_reason: "completed" });
  assert.equal(closed.data.state_reason, "completed");
  await owner.rest.issues.update({ ...repo, issue_number: number, state: "open" });
  await owner.rest.issues.addLabels({ ...repo, issue_number: number, labels: ["enhancement"] });
  await owner.rest.issues.removeLabel({ ...repo, issue_number: number, name: "triage" });
  const labels = await owner.rest.issues.listLabelsOnIssue({ ...repo, issue_number: number });
  assert.deepEqual(labels.data.map((l) => l.name), ["bug", "enhancement"]);
  for (let i = 0; i < 3; i++) await owner.rest.issues.create({ ...repo, title: `page ${i}` });
  const all = await owner.paginate(owner.rest.issues.listForRepo, { ...repo, state: "all", per_page: 2, direction: "asc" });
  assert.deepEqual(all.map((i) => i.number), [1, 2, 3, 4, 5]);
  const bugs = await owner.rest.issues.listForRepo({ ...repo, labels: "bug,enhancement" });
  assert.deepEqual(bugs.data.map((i) => i.number), [number]);
  const ms = await owner.rest.issues.createMilestone({ ...repo, title: "v1" });
  await owner.rest.issues.update({ ...repo, issue_number: number, milestone: ms.data.number });
  await owner.rest.reactions.createForIssue({ ...repo, issue_number: number, content: "heart" });
  await owner.rest.issues.lock({ ...repo, issue_number: number, lock_reason: "resolved" });
  const got = await owner.rest.issues.get({ ...repo, issue_number: number });
  assert.equal(got.data.milestone.title, "v1");
  assert.equal(got.data.reactions.heart, 1);
  assert.equal(got.data.locked, true);
  const err = await fails(422, () => owner.rest.issues.create({ ...repo, title: "" }));
  assert.equal(err.response.data.errors[0].code, "missing_field");
  // ETag: a conditional request answers 304 (octokit raises it as a RequestError).
  await fails(304, () => owner.rest.issues.get({ ...repo, issue_number: number, headers: { "if-none-match": got.headers.etag } }));
});

await scenario("contents_commits_refs", async () => {
  const made = await owner.rest.repos.createOrUpdateFileContents({
    ...repo, path: "docs/node.md", message: "Add node doc", content: Buffer.from("hello\n").toString("base64"),
  });
  assert.equal(made.status, 201);
  assert.equal(made.data.content.sha, "ce013625030ba8dba906f756967f9e9ca394464a");
  const branch = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  assert.equal(branch.data.commit.sha, made.data.commit.sha);
  const commits = await owner.rest.repos.listCommits({ ...repo, path: "docs/node.md" });
  assert.equal(commits.data.length, 1);
  await fails(409, () => owner.rest.repos.createOrUpdateFileContents({
    ...repo, path: "docs/node.md", message: "stale", content: "eA==", sha: "e97975bd8bbb070102a3d5695dc0c18070a7c9aa",
  }));
  const file = await owner.rest.repos.getContent({ ...repo, path: "docs/node.md" });
  await owner.rest.repos.deleteFile({ ...repo, path: "docs/node.md", message: "Remove", sha: file.data.sha });
  await fails(404, () => owner.rest.repos.getContent({ ...repo, path: "docs/node.md" }));
  const head = (await owner.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  const blob = await owner.rest.git.createBlob({ ...repo, content: "node\n" });
  const base = await owner.rest.git.getCommit({ ...repo, commit_sha: head });
  const tree = await owner.rest.git.createTree({ ...repo, base_tree: base.data.tree.sha, tree: [{ path: "node.txt", mode: "100644", type: "blob", sha: blob.data.sha }] });
  const commit = await owner.rest.git.createCommit({ ...repo, message: "Via git data", tree: tree.data.sha, parents: [head] });
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/node-branch", sha: head });
  await owner.rest.git.updateRef({ ...repo, ref: "heads/node-branch", sha: commit.data.sha });
  const cmp = await owner.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: "main...node-branch" });
  assert.equal(cmp.data.ahead_by, 1);
  await fails(422, () => owner.rest.git.updateRef({ ...repo, ref: "heads/node-branch", sha: base.data.parents[0]?.sha ?? head }));
  await owner.rest.git.deleteRef({ ...repo, ref: "heads/node-branch" });
});

await scenario("pull_requests_reviews_merge", async () => {
  const head = (await owner.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/node-feature", sha: head });
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: "feature.js", message: "Add feature", content: "Y29uc29sZS5sb2coMSkK", branch: "node-feature" });
  const pr = await reviewer.rest.pulls.create({ ...repo, title: "Node feature", head: "acme:node-feature", base: "main" });
  assert.equal(pr.data.mergeable, true);
  const own = await fails(422, () => reviewer.rest.pulls.createReview({ ...repo, pull_number: pr.data.number, event: "APPROVE" }));
  assert.match(JSON.stringify(own.response.data), /own pull request/);
  await owner.rest.pulls.requestReviewers({ ...repo, pull_number: pr.data.number, reviewers: ["octocat"] });
  await owner.rest.pulls.createReview({ ...repo, pull_number: pr.data.number, event: "APPROVE" });
  const reviews = await owner.rest.pulls.listReviews({ ...repo, pull_number: pr.data.number });
  assert.deepEqual(reviews.data.map((r) => r.state), ["APPROVED"]);
  const files = await owner.rest.pulls.listFiles({ ...repo, pull_number: pr.data.number });
  assert.deepEqual(files.data.map((f) => f.filename), ["feature.js"]);
  await fails(409, () => owner.rest.pulls.merge({ ...repo, pull_number: pr.data.number, sha: "0".repeat(40) }));
  const merged = await owner.rest.pulls.merge({ ...repo, pull_number: pr.data.number, merge_method: "rebase" });
  assert.equal(merged.data.merged, true);
  assert.equal((await owner.rest.pulls.checkIfMerged({ ...repo, pull_number: pr.data.number })).status, 204);
  const carrying = await owner.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: merged.data.sha });
  assert.deepEqual(carrying.data.map((p) => p.number), [pr.data.number]);
  await fails(405, () => owner.rest.pulls.merge({ ...repo, pull_number: pr.data.number }));
});

await scenario("statuses_and_checks", async () => {
  const sha = (await owner.rest.repos.getBranch({ ...repo, branch: "main" })).data.commit.sha;
  await owner.rest.repos.createCommitStatus({ ...repo, sha, state: "failure", context: "ci/node" });
  const combined = await owner.rest.repos.getCombinedStatusForRef({ ...repo, ref: "main" });
  assert.equal(combined.data.state, "failure");
  await fails(403, () => owner.rest.checks.create({ ...repo, name: "node", head_sha: sha }));
  // A check run names its commit by full sha: a branch name is an unknown sha.
  const refused = await fails(422, () => app.rest.checks.create({ ...repo, name: "node", head_sha: "main" }));
  assert.equal(refused.response.data.message, "No commit found for SHA: main");
  const run = await app.rest.checks.create({ ...repo, name: "node", head_sha: sha, status: "in_progress" });
  await app.rest.checks.update({ ...repo, check_run_id: run.data.id, conclusion: "neutral" });
  const runs = await owner.rest.checks.listForRef({ ...repo, ref: sha });
  assert.deepEqual(runs.data.check_runs.map((r) => r.conclusion), ["neutral"]);
});

await scenario("webhooks", () => withReceiver(async (url, got, until) => {
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url, content_type: "json", secret: "node-secret" }, events: ["issues"] });
  await owner.rest.issues.create({ ...repo, title: "Hooked from Node" });
  await until((d) => d.headers["x-github-event"] === "issues");
  assert.deepEqual(got.map((d) => d.headers["x-github-event"]), ["ping", "issues"]);
  for (const d of got) {
    const expected = "sha256=" + createHmac("sha256", "node-secret").update(d.body).digest("hex");
    assert.equal(d.headers["x-hub-signature-256"], expected);
  }
  const deliveries = await owner.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hook.data.id });
  assert.deepEqual(deliveries.data.map((d) => d.event), ["issues", "ping"]);
  await owner.rest.repos.redeliverWebhookDelivery({ ...repo, hook_id: hook.data.id, delivery_id: deliveries.data[0].id });
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
}));

await scenario("collaborators_events_reactions", async () => {
  await owner.rest.repos.addCollaborator({ ...repo, username: "hubot", permission: "maintain" });
  const level = await owner.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "hubot" });
  assert.equal(level.data.role_name, "maintain");
  const collaborators = await owner.paginate(owner.rest.repos.listCollaborators, { ...repo });
  assert.ok(collaborators.some((c) => c.login === "hubot"));
  assert.equal((await owner.rest.orgs.checkMembershipForUser({ org: "acme", username: "hubot" })).status, 204);
  const branches = await owner.rest.repos.listBranches({ ...repo });
  assert.ok(branches.data.some((b) => b.name === "main"));
  await fails(404, () => owner.rest.repos.getBranchProtection({ ...repo, branch: "main" }));
  await owner.rest.issues.addAssignees({ ...repo, issue_number: 1, assignees: ["octocat"] });
  await owner.rest.issues.removeAssignees({ ...repo, issue_number: 1, assignees: ["octocat"] });
  const events = await owner.rest.issues.listEvents({ ...repo, issue_number: 1 });
  assert.deepEqual(events.data.map((e) => e.event), ["assigned", "unassigned"]);
  const forRepo = await owner.rest.issues.listEventsForRepo({ ...repo, per_page: 100 });
  assert.equal(forRepo.data[0].event, "unassigned");
  assert.equal(forRepo.data[0].issue.number, 1);
  const event = await reviewer.rest.issues.getEvent({ ...repo, event_id: forRepo.data[0].id });
  assert.equal(event.data.id, forRepo.data[0].id);
  await fails(404, () => owner.rest.issues.getEvent({ ...repo, event_id: 1 }));
  const comment = await reviewer.rest.issues.createComment({ ...repo, issue_number: 1, body: "draft" });
  const edited = await reviewer.rest.issues.updateComment({ ...repo, comment_id: comment.data.id, body: "final" });
  assert.equal(edited.data.body, "final");
  const since = await owner.rest.issues.listCommentsForRepo({ ...repo, since: comment.data.created_at });
  assert.ok(since.data.some((c) => c.id === comment.data.id));
  const heart = await owner.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.data.id, content: "heart" });
  assert.equal(heart.status, 201);
  assert.equal((await owner.rest.reactions.deleteForIssueComment({ ...repo, comment_id: comment.data.id, reaction_id: heart.data.id })).status, 204);
  const rocket = await owner.rest.reactions.createForIssue({ ...repo, issue_number: 1, content: "rocket" });
  const listed = await owner.rest.reactions.listForIssue({ ...repo, issue_number: 1, content: "rocket" });
  assert.deepEqual(listed.data.map((r) => r.id), [rocket.data.id]);
  await fails(404, () => reviewer.rest.reactions.deleteForIssue({ ...repo, issue_number: 1, reaction_id: rocket.data.id }));
  await owner.rest.reactions.deleteForIssue({ ...repo, issue_number: 1, reaction_id: rocket.data.id });
  assert.equal((await owner.rest.issues.get({ ...repo, issue_number: 1 })).data.reactions.total_count, 0);
  assert.equal((await reviewer.rest.issues.deleteComment({ ...repo, comment_id: comment.data.id })).status, 204);
  await fails(404, () => owner.rest.issues.getComment({ ...repo, comment_id: comment.data.id }));
});

// hubot's pull request `title` from `branch` (main and a new file `path`).
async function reviewerPull(branch, path, title) {
  const head = (await owner.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  await reviewer.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: head });
  const content = Buffer.from("line\n").toString("base64");
  await reviewer.rest.repos.createOrUpdateFileContents({ ...repo, path, message: `Add ${path}`, content, branch });
  return reviewer.rest.pulls.create({ ...repo, title, head: branch, base: "main" });
}

await scenario("review_comments_and_review_states", async () => {
  const pr = await reviewerPull("node-review", "review.txt", "Review me");
  const pull_number = pr.data.number;
  await reviewer.rest.pulls.requestReviewers({ ...repo, pull_number, reviewers: ["octocat"] });
  assert.deepEqual((await owner.rest.pulls.listRequestedReviewers({ ...repo, pull_number })).data.users.map((u) => u.login), ["octocat"]);
  await reviewer.rest.pulls.removeRequestedReviewers({ ...repo, pull_number, reviewers: ["octocat"] });
  assert.deepEqual((await owner.rest.pulls.listRequestedReviewers({ ...repo, pull_number })).data.users, []);
  const made = await owner.rest.pulls.createReviewComment({ ...repo, pull_number, body: "nit", commit_id: pr.data.head.sha, path: "review.txt", line: 1 });
  assert.equal(made.status, 201);
  const fetched = await reviewer.rest.pulls.getReviewComment({ ...repo, comment_id: made.data.id });
  assert.equal(fetched.data.body, "nit");
  const updated = await owner.rest.pulls.updateReviewComment({ ...repo, comment_id: made.data.id, body: "nit, reworded" });
  assert.equal(updated.data.body, "nit, reworded");
  const reply = await reviewer.rest.pulls.createReplyForReviewComment({ ...repo, pull_number, comment_id: made.data.id, body: "fixed" });
  assert.equal(reply.data.in_reply_to_id, made.data.id);
  const all = await owner.paginate(owner.rest.pulls.listReviewCommentsForRepo, { ...repo, per_page: 1 });
  assert.deepEqual(all.map((c) => c.body), ["nit, reworded", "fixed"]);
  const eyes = await reviewer.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: made.data.id, content: "eyes" });
  await reviewer.rest.reactions.deleteForPullRequestComment({ ...repo, comment_id: made.data.id, reaction_id: eyes.data.id });
  await owner.rest.pulls.deleteReviewComment({ ...repo, comment_id: reply.data.id });
  await fails(404, () => owner.rest.pulls.getReviewComment({ ...repo, comment_id: reply.data.id }));
  await fails(422, () => owner.rest.pulls.updateReviewComment({ ...repo, comment_id: made.data.id, body: "" }));
  const pending = await owner.rest.pulls.createReview({ ...repo, pull_number, body: "Changes" });
  assert.equal(pending.data.state, "PENDING");
  const submitted = await owner.rest.pulls.submitReview({ ...repo, pull_number, review_id: pending.data.id, event: "REQUEST_CHANGES", body: "Please fix" });
  assert.equal(submitted.data.state, "CHANGES_REQUESTED");
  const dismissed = await owner.rest.pulls.dismissReview({ ...repo, pull_number, review_id: pending.data.id, message: "Outdated" });
  assert.equal(dismissed.data.state, "DISMISSED");
  const sha = pr.data.head.sha;
  const run = await app.rest.checks.create({ ...repo, name: "lint", head_sha: sha, status: "completed", conclusion: "success" });
  const suites = await owner.rest.checks.listSuitesForRef({ ...repo, ref: sha });
  assert.equal(suites.data.total_count, 1);
  const suite = await owner.rest.checks.getSuite({ ...repo, check_suite_id: run.data.check_suite.id });
  assert.equal(suite.data.conclusion, "success");
  const renamed = await owner.rest.pulls.update({ ...repo, pull_number, title: "Reviewed" });
  assert.equal(renamed.data.title, "Reviewed");
});

await scenario("review_edits_and_timeline", async () => {
  const pr = await reviewerPull("node-timeline", "timeline.txt", "Timeline");
  const pull_number = pr.data.number;
  const pending = await owner.rest.pulls.createReview({ ...repo, pull_number, body: "Draft", comments: [{ path: "timeline.txt", line: 1, body: "nit" }] });
  const review_id = pending.data.id;
  const updated = await owner.rest.pulls.updateReview({ ...repo, pull_number, review_id, body: "Draft 2" });
  assert.equal(updated.data.body, "Draft 2");
  const comments = await owner.rest.pulls.listCommentsForReview({ ...repo, pull_number, review_id });
  assert.deepEqual(comments.data.map((c) => [c.body, c.pull_request_review_id]), [["nit", review_id]]);
  await fails(404, () => reviewer.rest.pulls.deletePendingReview({ ...repo, pull_number, review_id }));
  const deleted = await owner.rest.pulls.deletePendingReview({ ...repo, pull_number, review_id });
  assert.deepEqual([deleted.data.state, deleted.data.body], ["PENDING", "Draft 2"]);
  await fails(404, () => owner.rest.pulls.getReview({ ...repo, pull_number, review_id }));
  const review = await owner.rest.pulls.createReview({ ...repo, pull_number, body: "Looks fine", event: "COMMENT" });
  await fails(422, () => owner.rest.pulls.deletePendingReview({ ...repo, pull_number, review_id: review.data.id }));
  await fails(422, () => owner.rest.pulls.updateReview({ ...repo, pull_number, review_id: review.data.id, body: "" }));
  await reviewer.rest.issues.createComment({ ...repo, issue_number: pull_number, body: "Thanks" });
  await owner.rest.pulls.update({ ...repo, pull_number, title: "Timeline, renamed" });
  const timeline = await owner.paginate(owner.rest.issues.listEventsForTimeline, { ...repo, issue_number: pull_number, per_page: 2 });
  assert.deepEqual(timeline.map((e) => e.event), ["committed", "reviewed", "commented", "renamed"]);
  assert.deepEqual([timeline[1].state, timeline[2].actor.login, timeline[3].rename.to], ["commented", "hubot", "Timeline, renamed"]);
  assert.deepEqual([timeline[0].sha, timeline[0].message], [pr.data.head.sha, "Add timeline.txt"]);
});

// The deliveries of hook `hook_id` once one is `event` with `action`: that one's payload.
async function deliveredPayload(hook_id, event, action) {
  for (let i = 0; i < 100; i++) {
    const listed = (await owner.rest.repos.listWebhookDeliveries({ ...repo, hook_id })).data;
    const found = listed.find((d) => d.event === event && d.action === action);
    if (found) return (await owner.rest.repos.getWebhookDelivery({ ...repo, hook_id, delivery_id: found.id })).data.request.payload;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no ${event} ${action} delivery`);
}

await scenario("review_threads_events_and_mentions", async () => {
  const pr = await reviewerPull("node-threads", "threads.txt", "Threads");
  const pull_number = pr.data.number;
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/refused", content_type: "json" }, events: ["pull_request"] });
  for (const call of ["requestReviewers", "removeRequestedReviewers", "requestReviewers"]) {
    await reviewer.rest.pulls[call]({ ...repo, pull_number, reviewers: ["octocat"] });
  }
  // A comment on its own is a COMMENTED review of its own, which answers the request.
  const made = await owner.rest.pulls.createReviewComment({ ...repo, pull_number, body: "nit", commit_id: pr.data.head.sha, path: "threads.txt", line: 1 });
  const held = await reviewer.rest.pulls.getReview({ ...repo, pull_number, review_id: made.data.pull_request_review_id });
  assert.deepEqual([held.data.state, held.data.user.login, held.data.body], ["COMMENTED", "octocat", ""]);
  assert.deepEqual((await owner.rest.pulls.listRequestedReviewers({ ...repo, pull_number })).data.users, []);
  const reply = await reviewer.rest.pulls.createReplyForReviewComment({ ...repo, pull_number, comment_id: made.data.id, body: "done" });
  assert.notEqual(reply.data.pull_request_review_id, made.data.pull_request_review_id);
  const reviews = await owner.rest.pulls.listReviews({ ...repo, pull_number });
  assert.deepEqual(reviews.data.map((r) => [r.user.login, r.state]), [["octocat", "COMMENTED"], ["hubot", "COMMENTED"]]);
  // A pending review's comments are its author's alone.
  const pending = await owner.rest.pulls.createReview({ ...repo, pull_number, comments: [{ path: "threads.txt", line: 1, body: "draft" }] });
  const drafts = await owner.rest.pulls.listCommentsForReview({ ...repo, pull_number, review_id: pending.data.id });
  assert.deepEqual((await owner.rest.pulls.listReviewComments({ ...repo, pull_number })).data.map((c) => c.body), ["nit", "done", "draft"]);
  assert.deepEqual((await reviewer.rest.pulls.listReviewComments({ ...repo, pull_number })).data.map((c) => c.body), ["nit", "done"]);
  const inRepo = (await reviewer.rest.pulls.listReviewCommentsForRepo({ ...repo, per_page: 100 })).data;
  assert.deepEqual(inRepo.filter((c) => c.pull_request_url.endsWith(`/pulls/${pull_number}`)).map((c) => c.body), ["nit", "done"]);
  await fails(404, () => reviewer.rest.pulls.getReviewComment({ ...repo, comment_id: drafts.data[0].id }));
  assert.equal((await owner.rest.pulls.get({ ...repo, pull_number })).data.review_comments, 2);
  await fails(404, () => reviewer.rest.pulls.createReplyForReviewComment({ ...repo, pull_number, comment_id: drafts.data[0].id, body: "me too" }));
  await fails(404, () => reviewer.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: drafts.data[0].id, content: "eyes" }));
  // An edit's webhook says what changed.
  await reviewer.rest.pulls.update({ ...repo, pull_number, title: "Threads, renamed" });
  const edited = await deliveredPayload(hook.data.id, "pull_request", "edited");
  assert.deepEqual([edited.pull_request.commits, edited.pull_request.changed_files], [1, 1]);
  assert.deepEqual(edited.changes, { title: { from: "Threads" } });
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
  // Reviewer requests and milestones are issue events.
  const milestone = await owner.rest.issues.createMilestone({ ...repo, title: "v2" });
  await owner.rest.issues.update({ ...repo, issue_number: pull_number, milestone: milestone.data.number });
  const events = await owner.rest.issues.listEvents({ ...repo, issue_number: pull_number });
  assert.deepEqual(events.data.map((e) => e.event), ["review_requested", "review_request_removed", "review_requested", "renamed", "milestoned"]);
  assert.deepEqual([events.data[0].review_requester.login, events.data[0].requested_reviewer.login, events.data[4].milestone.title], ["hubot", "octocat", "v2"]);
  // Mentioned elsewhere: a cross-reference in the timeline, beside its commit.
  const citing = await reviewer.rest.issues.create({ ...repo, title: "Cites", body: `See #${pull_number}.` });
  const timeline = await owner.paginate(owner.rest.issues.listEventsForTimeline, { ...repo, issue_number: pull_number });
  assert.equal(timeline.find((e) => e.event === "committed").sha, pr.data.head.sha);
  const cited = timeline.find((e) => e.event === "cross-referenced");
  assert.deepEqual([cited.source.type, cited.source.issue.number, cited.source.issue.repository.full_name, cited.actor.login], ["issue", citing.data.number, "acme/hello-world", "hubot"]);
});

await scenario("git_tags_and_hooks", async () => {
  const head = (await owner.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  const tag = await owner.rest.git.createTag({ ...repo, tag: "v1.0.0", message: "First", object: head, type: "commit", tagger: { name: "Octo", email: "o@acme.test" } });
  assert.equal((await owner.rest.git.getTag({ ...repo, tag_sha: tag.data.sha })).data.object.sha, head);
  await owner.rest.git.createRef({ ...repo, ref: "refs/tags/v1.0.0", sha: tag.data.sha });
  const tags = await owner.rest.git.listMatchingRefs({ ...repo, ref: "tags/v1" });
  assert.deepEqual(tags.data.map((r) => r.ref), ["refs/tags/v1.0.0"]);
  await fails(422, () => owner.rest.git.createRef({ ...repo, ref: "refs/tags/v1.0.0", sha: head }));
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/refused", content_type: "json" }, events: ["push"] });
  const changed = await owner.rest.repos.updateWebhook({ ...repo, hook_id: hook.data.id, add_events: ["issues"], active: true });
  assert.deepEqual(changed.data.events.sort(), ["issues", "push"]);
  assert.equal((await owner.rest.repos.pingWebhook({ ...repo, hook_id: hook.data.id })).status, 204);
  assert.equal((await owner.rest.repos.getWebhook({ ...repo, hook_id: hook.data.id })).data.id, hook.data.id);
  let failed = [];
  for (let i = 0; i < 100 && failed.length < 2; i++) {
    failed = (await owner.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hook.data.id })).data;
    if (failed.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(failed.map((d) => d.event), ["ping", "ping"]);
  const one = await owner.rest.repos.getWebhookDelivery({ ...repo, hook_id: hook.data.id, delivery_id: failed[0].id });
  assert.notEqual(one.data.status_code, 200);
  assert.equal(one.data.request.headers["X-GitHub-Event"], "ping");
  await fails(404, () => reviewer.rest.repos.getWebhook({ ...repo, hook_id: hook.data.id }));
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
  assert.ok((await owner.rest.meta.get()).data.hooks.length > 0);
  assert.match(Buffer.from((await owner.rest.meta.getOctocat()).data).toString(), /MMM/);
});

await scenario("search_and_meta", async () => {
  const found = await owner.rest.search.issuesAndPullRequests({ q: "repo:acme/hello-world is:pr is:closed" });
  assert.equal(found.data.total_count, 1);
  const repos = await owner.rest.search.repos({ q: "org:acme hello" });
  assert.equal(repos.data.items[0].full_name, "acme/hello-world");
  assert.equal((await owner.rest.rateLimit.get()).data.resources.core.limit, 5000);
  assert.equal((await owner.rest.meta.getZen()).status, 200);
});

await scenario("commit_comments", async () => {
  const commit_sha = (await owner.rest.repos.getBranch({ ...repo, branch: "main" })).data.commit.sha;
  const made = await owner.rest.repos.createCommitComment({ ...repo, commit_sha, body: "Nice", path: "README.md", position: 1 });
  assert.deepEqual([made.status, made.data.commit_id, made.data.position], [201, commit_sha, 1]);
  await reviewer.rest.repos.createCommitComment({ ...repo, commit_sha, body: "Agreed" });
  const forCommit = await owner.rest.repos.listCommentsForCommit({ ...repo, commit_sha });
  assert.deepEqual(forCommit.data.map((c) => c.body), ["Nice", "Agreed"]);
  assert.equal((await owner.rest.repos.getCommit({ ...repo, ref: commit_sha })).data.commit.comment_count, 2);
  const all = await owner.paginate(owner.rest.repos.listCommitCommentsForRepo, { ...repo, per_page: 1 });
  assert.deepEqual(all.map((c) => c.user.login), ["octocat", "hubot"]);
  const edited = await owner.rest.repos.updateCommitComment({ ...repo, comment_id: made.data.id, body: "Very nice" });
  assert.equal((await owner.rest.repos.getCommitComment({ ...repo, comment_id: edited.data.id })).data.body, "Very nice");
  const heart = await owner.rest.reactions.createForCommitComment({ ...repo, comment_id: made.data.id, content: "heart" });
  assert.equal(heart.status, 201);
  const listed = await owner.rest.reactions.listForCommitComment({ ...repo, comment_id: made.data.id });
  assert.deepEqual(listed.data.map((r) => [r.content, r.user.login]), [["heart", "octocat"]]);
  assert.equal((await owner.rest.repos.getCommitComment({ ...repo, comment_id: made.data.id })).data.reactions.heart, 1);
  await owner.rest.reactions.deleteForCommitComment({ ...repo, comment_id: made.data.id, reaction_id: heart.data.id });
  assert.equal((await owner.rest.repos.deleteCommitComment({ ...repo, comment_id: made.data.id })).status, 204);
  await fails(404, () => owner.rest.repos.getCommitComment({ ...repo, comment_id: made.data.id }));
  await fails(422, () => owner.rest.repos.createCommitComment({ ...repo, commit_sha: "0".repeat(40), body: "x" }));
});

await scenario("releases", async () => {
  const rel = (await owner.rest.repos.createRelease({ ...repo, tag_name: "n1.0.0", name: "One", body: "First" })).data;
  assert.equal(rel.draft, false);
  const tag = await owner.rest.git.getRef({ ...repo, ref: "tags/n1.0.0" });
  const main = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  assert.equal(tag.data.object.sha, main.data.commit.sha);
  assert.equal((await owner.rest.repos.getLatestRelease(repo)).data.id, rel.id);
  assert.equal((await owner.rest.repos.getReleaseByTag({ ...repo, tag: "n1.0.0" })).data.id, rel.id);
  const draft = (await owner.rest.repos.createRelease({ ...repo, tag_name: "n2.0.0", draft: true })).data;
  const all = await owner.paginate(owner.rest.repos.listReleases, { ...repo, per_page: 1 });
  // Newest first (the Python suite's releases, on the same clone, are older).
  assert.deepEqual(all.map((r) => r.tag_name).filter((t) => t.startsWith("n")), ["n2.0.0", "n1.0.0"]);
  await fails(404, () => owner.rest.repos.getReleaseByTag({ ...repo, tag: "n2.0.0" }));
  const published = (await owner.rest.repos.updateRelease({ ...repo, release_id: draft.id, draft: false })).data;
  assert.equal(published.draft, false);
  assert.equal((await owner.rest.repos.getLatestRelease(repo)).data.id, draft.id);
  assert.deepEqual((await owner.rest.repos.listReleaseAssets({ ...repo, release_id: draft.id })).data, []);
  const dup = await fails(422, () => owner.rest.repos.createRelease({ ...repo, tag_name: "n1.0.0" }));
  assert.equal(dup.response.data.errors[0].code, "already_exists");
  await owner.rest.repos.deleteRelease({ ...repo, release_id: rel.id });
  await fails(404, () => owner.rest.repos.getRelease({ ...repo, release_id: rel.id }));
});

await scenario("stars", async () => {
  await fails(404, () => owner.rest.activity.checkRepoIsStarredByAuthenticatedUser(repo));
  await owner.rest.activity.starRepoForAuthenticatedUser(repo);
  await reviewer.rest.activity.starRepoForAuthenticatedUser(repo);
  assert.equal((await owner.rest.activity.checkRepoIsStarredByAuthenticatedUser(repo)).status, 204);
  const star = { accept: "application/vnd.github.star+json" };
  const gazers = await owner.paginate(owner.rest.activity.listStargazersForRepo, { ...repo, per_page: 1, headers: star });
  assert.deepEqual(gazers.map((s) => s.user.login), ["octocat", "hubot"]);
  assert.ok(gazers[0].starred_at);
  const theirs = await reviewer.rest.activity.listReposStarredByUser({ username: "octocat" });
  assert.deepEqual(theirs.data.map((r) => r.full_name), ["acme/hello-world"]);
  const mine = await owner.rest.activity.listReposStarredByAuthenticatedUser({ headers: star });
  assert.equal(mine.data[0].repo.full_name, "acme/hello-world");
  assert.equal((await owner.rest.repos.get(repo)).data.stargazers_count, 2);
  await owner.rest.activity.unstarRepoForAuthenticatedUser(repo);
  await fails(404, () => owner.rest.activity.checkRepoIsStarredByAuthenticatedUser(repo));
  assert.equal((await owner.rest.repos.get(repo)).data.watchers_count, 1);
  await fails(403, () => app.rest.activity.starRepoForAuthenticatedUser(repo));
});

await scenario("languages_contributors_forks", async () => {
  const langs = { owner: "octocat", repo: "nlangs" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "nlangs", auto_init: true });
  assert.deepEqual((await owner.rest.repos.listLanguages(langs)).data, {});
  const content = Buffer.from("export const x = 1;\n").toString("base64");
  await owner.rest.repos.createOrUpdateFileContents({ ...langs, path: "index.ts", message: "Add", content });
  assert.deepEqual((await owner.rest.repos.listLanguages(langs)).data, { TypeScript: 20 });
  assert.equal((await owner.rest.repos.get(langs)).data.language, "TypeScript");
  const people = (await owner.rest.repos.listContributors(langs)).data;
  assert.deepEqual(people.map((c) => [c.login, c.contributions]), [["octocat", 2]]);
  assert.deepEqual((await owner.rest.repos.listForks(langs)).data, []);
});

await scenario("forks", async () => {
  const made = await reviewer.rest.repos.createFork(repo);
  assert.equal(made.status, 202);
  assert.deepEqual([made.data.full_name, made.data.fork, made.data.parent.full_name], ["hubot/hello-world", true, "acme/hello-world"]);
  const fork = { owner: "hubot", repo: "hello-world" };
  const [mine, theirs] = await Promise.all([
    reviewer.rest.repos.getBranch({ ...fork, branch: "main" }),
    owner.rest.repos.getBranch({ ...repo, branch: "main" }),
  ]);
  assert.equal(mine.data.commit.sha, theirs.data.commit.sha);
  assert.equal((await reviewer.rest.repos.get(fork)).data.source.full_name, "acme/hello-world");
  const named = await owner.rest.repos.createFork({ ...repo, organization: "acme", name: "node-fork", default_branch_only: true });
  assert.equal(named.data.full_name, "acme/node-fork");
  const err = await fails(422, () => owner.rest.repos.createFork({ owner: "acme", repo: "node-fork", organization: "acme", name: "hello-world" }));
  assert.equal(err.response.data.errors[0].field, "name");
  const parent = (await owner.rest.repos.get(repo)).data;
  assert.deepEqual([parent.forks_count, parent.forks, parent.network_count], [2, 2, 2]);
  const oldest = await owner.paginate(owner.rest.repos.listForks, { ...repo, sort: "oldest", per_page: 1 });
  assert.deepEqual(oldest.map((r) => r.full_name), ["hubot/hello-world", "acme/node-fork"]);
  const newest = await owner.rest.repos.listForks(repo);
  assert.deepEqual(newest.data.map((r) => r.full_name), ["acme/node-fork", "hubot/hello-world"]);
  await fails(403, () => app.rest.repos.createFork(repo));
  const onlyForks = await owner.rest.search.repos({ q: "hello fork:only" });
  assert.deepEqual(onlyForks.data.items.map((r) => r.full_name), ["hubot/hello-world"]);
  assert.equal((await owner.rest.search.repos({ q: "node-fork" })).data.total_count, 0);
  assert.equal((await owner.rest.search.repos({ q: "node-fork fork:true" })).data.total_count, 1);
  await fails(404, () => reviewer.rest.repos.createFork({ owner: "octocat", repo: "private-notes" }));
});

await scenario("pull_request_from_fork", async () => {
  const fork = { owner: "hubot", repo: "hello-world" };
  const put = (path, text) => reviewer.rest.repos.createOrUpdateFileContents({
    ...fork, path, message: `Add ${path}`, content: Buffer.from(text).toString("base64"), branch: "node-fork-fix",
  });
  const main = (await reviewer.rest.git.getRef({ ...fork, ref: "heads/main" })).data.object.sha;
  await reviewer.rest.git.createRef({ ...fork, ref: "refs/heads/node-fork-fix", sha: main });
  await put("node-fork.txt", "fixed\n");
  const { data: pr } = await reviewer.rest.pulls.create({ ...repo, head: "hubot:node-fork-fix", base: "main", title: "From my fork" });
  assert.deepEqual(
    [pr.head.label, pr.head.user.login, pr.head.repo.full_name, pr.base.repo.full_name],
    ["hubot:node-fork-fix", "hubot", "hubot/hello-world", "acme/hello-world"],
  );
  const listed = await owner.rest.pulls.list({ ...repo, head: "hubot:node-fork-fix" });
  assert.deepEqual(listed.data.map((p) => p.number), [pr.number]);
  const files = await owner.rest.pulls.listFiles({ ...repo, pull_number: pr.number });
  assert.deepEqual(files.data.map((f) => f.filename), ["node-fork.txt"]);
  await put("node-fork-2.txt", "more\n");
  const commits = await owner.rest.pulls.listCommits({ ...repo, pull_number: pr.number });
  assert.equal(commits.data.length, 2);
  const merged = await owner.rest.pulls.merge({ ...repo, pull_number: pr.number });
  assert.equal(merged.data.merged, true);
  const file = await owner.rest.repos.getContent({ ...repo, path: "node-fork-2.txt" });
  assert.equal(file.data.name, "node-fork-2.txt");
  const err = await fails(422, () => reviewer.rest.pulls.create({ ...repo, head: "nobody:main", base: "main", title: "x" }));
  assert.equal(err.response.data.errors[0].field, "head");
});

await scenario("branch_protection", async () => {
  const main = { ...repo, branch: "main" };
  await fails(404, () => owner.rest.repos.getBranchProtection(main));
  const set = await owner.rest.repos.updateBranchProtection({
    ...main,
    required_status_checks: { strict: false, contexts: ["ci/build"] },
    enforce_admins: true,
    required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
    restrictions: null,
  });
  assert.deepEqual(set.data.required_status_checks.contexts, ["ci/build"]);
  assert.equal(set.data.required_pull_request_reviews.dismiss_stale_reviews, true);
  assert.equal(set.data.enforce_admins.enabled, true);
  assert.equal((await owner.rest.repos.getBranch(main)).data.protected, true);
  const got = await owner.rest.repos.getBranchProtection(main);
  assert.deepEqual(got.data, set.data);
  const checks = await owner.rest.repos.getStatusChecksProtection(main);
  assert.equal(checks.data.strict, false);
  await owner.rest.repos.updateStatusCheckProtection({ ...main, strict: true });
  assert.equal((await owner.rest.repos.getStatusChecksProtection(main)).data.strict, true);
  assert.equal((await owner.rest.repos.getPullRequestReviewProtection(main)).data.required_approving_review_count, 1);
  assert.equal((await owner.rest.repos.getAdminBranchProtection(main)).data.enabled, true);
  // Even the owner is bound while admins are enforced.
  const content = Buffer.from("x").toString("base64");
  const push = await fails(409, () =>
    owner.rest.repos.createOrUpdateFileContents({ ...repo, path: "direct.txt", message: "direct", content }),
  );
  assert.equal(push.response.data.message, "Changes must be made through a pull request.");
  const head = (await owner.rest.repos.getBranch(main)).data.commit.sha;
  await reviewer.rest.git.createRef({ ...repo, ref: "refs/heads/node-protected", sha: head });
  await reviewer.rest.repos.createOrUpdateFileContents({
    ...repo, path: "node-protected.txt", message: "work", content, branch: "node-protected",
  });
  const pr = (await reviewer.rest.pulls.create({ ...repo, title: "Protected", head: "node-protected", base: "main" })).data;
  assert.equal((await reviewer.rest.pulls.get({ ...repo, pull_number: pr.number })).data.mergeable_state, "blocked");
  const refused = await fails(405, () => reviewer.rest.pulls.merge({ ...repo, pull_number: pr.number }));
  assert.equal(refused.response.data.message, "At least 1 approving review is required by reviewers with write access.");
  await owner.rest.pulls.createReview({ ...repo, pull_number: pr.number, event: "APPROVE" });
  await reviewer.rest.repos.createCommitStatus({ ...repo, sha: pr.head.sha, state: "pending", context: "ci/build" });
  const pending = await fails(405, () => reviewer.rest.pulls.merge({ ...repo, pull_number: pr.number }));
  assert.equal(pending.response.data.message, 'Required status check "ci/build" is expected.');
  await reviewer.rest.repos.createCommitStatus({ ...repo, sha: pr.head.sha, state: "success", context: "ci/build" });
  assert.equal((await reviewer.rest.pulls.merge({ ...repo, pull_number: pr.number })).data.merged, true);
  const del = await fails(422, () => reviewer.rest.git.deleteRef({ ...repo, ref: "heads/main" }));
  assert.equal(del.response.data.message, "Cannot delete this protected branch");
  await owner.rest.repos.deleteAdminBranchProtection(main);
  await owner.rest.repos.updateBranchProtection({
    ...main, required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null,
    restrictions: { users: ["hubot"], teams: [], apps: [] },
  });
  await owner.rest.repos.addUserAccessRestrictions({ ...main, users: ["octocat"] });
  const left = await owner.rest.repos.removeUserAccessRestrictions({ ...main, users: ["hubot"] });
  assert.deepEqual(left.data.map((u) => u.login), ["octocat"]);
  const set2 = await owner.rest.repos.setAppAccessRestrictions({ ...main, apps: ["acme-bot"] });
  assert.deepEqual(set2.data.map((a) => a.slug), ["acme-bot"]);
  const users = await owner.rest.repos.getUsersWithAccessToProtectedBranch(main);
  assert.deepEqual(users.data.map((u) => u.login), ["octocat"]);
  await owner.rest.repos.createCommitSignatureProtection(main);
  assert.equal((await owner.rest.repos.getCommitSignatureProtection(main)).data.enabled, true);
  await owner.rest.repos.deleteCommitSignatureProtection(main);
  await owner.rest.repos.deleteAccessRestrictions(main);
  await owner.rest.repos.deletePullRequestReviewProtection(main);
  await fails(404, () => owner.rest.repos.getPullRequestReviewProtection(main));
  assert.equal((await owner.rest.repos.deleteBranchProtection(main)).status, 204);
  assert.equal((await owner.rest.repos.getBranch(main)).data.protected, false);
});

await scenario("release_assets", async () => {
  const rel = (await owner.rest.repos.createRelease({ ...repo, tag_name: "n9.0.0" })).data;
  // uploadReleaseAsset defaults to https://uploads.github.com: point it at the clone.
  const upload = (name) =>
    owner.rest.repos.uploadReleaseAsset({
      ...repo, release_id: rel.id, name, label: "Tool", data: "hello asset", baseUrl,
      headers: { "content-type": "text/plain" },
    });
  const asset = (await upload("tool.txt")).data;
  assert.deepEqual([asset.name, asset.size, asset.label, asset.state], ["tool.txt", 11, "Tool", "uploaded"]);
  const listed = await owner.rest.repos.listReleaseAssets({ ...repo, release_id: rel.id });
  assert.deepEqual(listed.data.map((a) => a.id), [asset.id]);
  const raw = await owner.rest.repos.getReleaseAsset({
    ...repo, asset_id: asset.id, headers: { accept: "application/octet-stream" },
  });
  assert.equal(Buffer.from(raw.data).toString(), "hello asset");
  assert.equal(await (await fetch(asset.browser_download_url)).text(), "hello asset");
  assert.equal((await owner.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.id })).data.download_count, 2);
  const dup = await fails(422, () => upload("tool.txt"));
  assert.equal(dup.response.data.errors[0].code, "already_exists");
  const renamed = await owner.rest.repos.updateReleaseAsset({ ...repo, asset_id: asset.id, name: "tool-v9.txt" });
  assert.equal(renamed.data.name, "tool-v9.txt");
  const nobody = new Octokit({ baseUrl });
  await fails(401, () => nobody.rest.repos.updateReleaseAsset({ ...repo, asset_id: asset.id, name: "x.txt" }));
  await fails(401, () => nobody.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id }));
  await owner.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id });
  await fails(404, () => owner.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.id }));
});

await scenario("issue_changes_and_dismissals", async () => {
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/refused", content_type: "json" }, events: ["issues", "pull_request_review"] });
  const hook_id = hook.data.id;
  // Opened with a label and an assignee: recorded as events, announced after `opened`.
  const made = await owner.rest.issues.create({ ...repo, title: "Node changes", labels: ["bug"], assignees: ["hubot"] });
  const issue_number = made.data.number;
  assert.equal((await deliveredPayload(hook_id, "issues", "assigned")).assignee.login, "hubot");
  // An update's label, assignee and state changes: each an event and a delivery.
  await owner.rest.issues.update({ ...repo, issue_number, state: "closed", labels: ["enhancement"], assignees: [] });
  const events = await owner.rest.issues.listEvents({ ...repo, issue_number });
  assert.deepEqual(events.data.map((e) => e.event), ["labeled", "assigned", "closed", "unlabeled", "labeled", "unassigned"]);
  assert.deepEqual([events.data[3].label.name, events.data[5].assignee.login], ["bug", "hubot"]);
  const unlabeled = await deliveredPayload(hook_id, "issues", "unlabeled");
  assert.deepEqual([unlabeled.label.name, unlabeled.label.color, unlabeled.issue.number], ["bug", "d73a4a", issue_number]);
  await owner.rest.issues.lock({ ...repo, issue_number, lock_reason: "resolved" });
  assert.equal((await deliveredPayload(hook_id, "issues", "locked")).issue.active_lock_reason, "resolved");
  // A dismissed review: a `review_dismissed` event naming the state it had.
  const pr = await reviewerPull("node-dismiss", "dismiss.txt", "Dismiss me");
  const pull_number = pr.data.number;
  const review = await owner.rest.pulls.createReview({ ...repo, pull_number, event: "APPROVE" });
  await owner.rest.pulls.dismissReview({ ...repo, pull_number, review_id: review.data.id, message: "Stale" });
  const dismissed = (await owner.rest.issues.listEvents({ ...repo, issue_number: pull_number })).data.find((e) => e.event === "review_dismissed");
  assert.deepEqual(dismissed.dismissed_review, { state: "approved", review_id: review.data.id, dismissal_message: "Stale" });
  const timeline = await owner.paginate(owner.rest.issues.listEventsForTimeline, { ...repo, issue_number: pull_number });
  assert.equal(timeline.find((e) => e.event === "review_dismissed").actor.login, "octocat");
  assert.equal((await deliveredPayload(hook_id, "pull_request_review", "dismissed")).review.state, "dismissed");
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id });
});

await scenario("bad_input_refused", async () => {
  const typed = await fails(422, () => owner.rest.issues.create({ ...repo, title: "x", labels: "bug" }));
  assert.equal(typed.response.data.message, "Invalid request.\n\nFor 'properties/labels', \"bug\" is not an array.");
  const long = await fails(422, () => owner.rest.issues.createLabel({ ...repo, name: "l".repeat(51) }));
  assert.equal(long.response.data.errors[0].message, "name is too long (maximum is 50 characters)");
  const made = await owner.rest.issues.create({ ...repo, title: "No assignees yet" });
  const none = await owner.rest.issues.addAssignees({ ...repo, issue_number: made.data.number, assignees: [] });
  assert.deepEqual([none.status, none.data.assignees], [201, []]);
  const pr = await reviewerPull("node-teams", "teams.txt", "Teams");
  await fails(422, () => owner.rest.pulls.requestReviewers({ ...repo, pull_number: pr.data.number, team_reviewers: ["core"] }));
  // Milestones made at once each get a number of their own.
  const titles = [1, 2, 3, 4, 5].map((i) => `node-at-once-${i}`);
  const milestones = await Promise.all(titles.map((title) => owner.rest.issues.createMilestone({ ...repo, title })));
  assert.equal(new Set(milestones.map((m) => m.data.number)).size, 5);
});

await scenario("lookups_by_id_and_anonymous", async () => {
  const hello = (await owner.rest.repos.get(repo)).data;
  assert.equal((await owner.request("GET /repositories/{id}", { id: hello.id })).data.full_name, "acme/hello-world");
  assert.equal((await owner.rest.users.getById({ account_id: 2 })).data.login, "hubot");
  await fails(404, () => owner.rest.users.getById({ account_id: 999999 }));
  const anonymous = new Octokit({ baseUrl });
  assert.equal((await anonymous.rest.issues.get({ ...repo, issue_number: 1 })).data.number, 1);
  await fails(404, () => anonymous.rest.repos.get({ owner: "octocat", repo: "private-notes" }));
  const refused = await fails(401, () => anonymous.rest.users.getAuthenticated());
  assert.equal(refused.response.data.message, "Requires authentication");
});

await scenario("rate_limit_exceeded", async () => {
  await admin("PUT", "rate-limit", { limit: 1 });
  try {
    const err = await fails(403, () => owner.rest.users.getAuthenticated());
    assert.equal(err.response.headers["x-ratelimit-remaining"], "0");
    assert.ok(Number(err.response.headers["retry-after"]) > 0);
    assert.match(err.response.data.message, /^API rate limit exceeded/);
  } finally {
    await admin("PUT", "rate-limit", { limit: null });
  }
  assert.equal((await owner.rest.users.getAuthenticated()).data.login, "octocat");
});

await scenario("tags", async () => {
  const sha = (await owner.rest.repos.getBranch({ ...repo, branch: "main" })).data.commit.sha;
  await owner.rest.git.createRef({ ...repo, ref: "refs/tags/node-tag", sha });
  const tags = await owner.paginate(owner.rest.repos.listTags, { ...repo, per_page: 1 });
  assert.equal(tags.find((t) => t.name === "node-tag").commit.sha, sha);
  assert.match(tags[0].zipball_url, /\/zipball\/refs\/tags\//);
});

await scenario("merge_branches", async () => {
  const sha = (await owner.rest.repos.getBranch({ ...repo, branch: "main" })).data.commit.sha;
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/node-merge", sha });
  const content = Buffer.from("m\n").toString("base64");
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: "node-merge.txt", message: "Add node-merge.txt", content, branch: "node-merge" });
  const merged = await owner.rest.repos.merge({ ...repo, base: "main", head: "node-merge" });
  assert.deepEqual([merged.status, merged.data.commit.message, merged.data.parents.length], [201, "Merge node-merge into main", 2]);
  assert.equal((await owner.rest.repos.merge({ ...repo, base: "main", head: "node-merge" })).status, 204);
  const missing = await fails(404, () => owner.rest.repos.merge({ ...repo, base: "nope", head: "node-merge" }));
  assert.equal(missing.response.data.message, "Base does not exist");
});

await scenario("search_users_commits_labels_and_code", async () => {
  const users = await owner.rest.search.users({ q: "octo type:user" });
  assert.deepEqual([users.data.total_count, users.data.incomplete_results], [1, false]);
  assert.deepEqual(users.data.items.map((u) => [u.login, u.type, u.score]), [["octocat", "User", 1]]);
  const joined = await owner.paginate(owner.rest.search.users, { q: "location:francisco", sort: "joined", order: "asc", per_page: 1 });
  assert.deepEqual(joined.map((u) => u.login), ["octocat", "acme"]);
  const hello = (await owner.rest.repos.get(repo)).data;
  const labels = await owner.rest.search.labels({ repository_id: hello.id, q: "bug" });
  assert.deepEqual(labels.data.items.map((l) => [l.name, l.score]), [["bug", 1]]);
  const content = Buffer.from("export const nodeNeedle = 1;\n").toString("base64");
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: "node-search/needle.js", message: "Add needle.js", content });
  const code = await owner.rest.search.code({ q: "nodeNeedle repo:acme/hello-world language:javascript" });
  assert.deepEqual(code.data.items.map((c) => [c.path, c.name, c.repository.full_name]), [["node-search/needle.js", "needle.js", "acme/hello-world"]]);
  const blob = await owner.request(`GET ${new URL(code.data.items[0].git_url).pathname}`);
  assert.match(Buffer.from(blob.data.content, "base64").toString(), /nodeNeedle/);
  const unscoped = await fails(422, () => owner.rest.search.code({ q: "nodeNeedle" }));
  assert.equal(unscoped.response.data.errors[0].message, "Must include at least one user, organization, or repository");
  const commits = await owner.rest.search.commits({ q: "needle.js repo:acme/hello-world", sort: "author-date" });
  assert.deepEqual(commits.data.items.map((c) => [c.commit.message, c.repository.full_name, c.author.login]), [["Add needle.js", "acme/hello-world", "octocat"]]);
  // users.list pages by `since`: octokit follows GitHub's links to the end.
  const all = await owner.paginate(owner.rest.users.list, { per_page: 2 });
  assert.deepEqual(all.map((u) => u.login), ["octocat", "hubot", "acme"]);
  const page = await owner.rest.users.list({ since: 2 });
  assert.deepEqual(page.data.map((u) => u.login), ["acme"]);
});

await scenario("duplicate_hooks_merged_heads_and_nulls", async () => {
  const config = { url: "http://127.0.0.1:9/node-twice", content_type: "json" };
  const hook = await owner.rest.repos.createWebhook({ ...repo, config, events: ["push"] });
  const twice = await fails(422, () => owner.rest.repos.createWebhook({ ...repo, config, events: ["issues"] }));
  assert.deepEqual(twice.response.data.errors, [{ resource: "Hook", code: "custom", message: "Hook already exists on this repository" }]);
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
  // Merging a pull request's head into its base through the merges API merges it.
  const pr = await reviewerPull("node-landed", "node-landed.txt", "Land through merges");
  const merged = await owner.rest.repos.merge({ ...repo, base: "main", head: "node-landed" });
  const pull = (await owner.rest.pulls.get({ ...repo, pull_number: pr.data.number })).data;
  assert.deepEqual([pull.state, pull.merged, pull.merge_commit_sha, pull.merged_by.login], ["closed", true, merged.data.sha, "octocat"]);
  assert.equal((await owner.rest.pulls.checkIfMerged({ ...repo, pull_number: pr.data.number })).status, 204);
  const carrying = await owner.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: merged.data.sha });
  assert.deepEqual(carrying.data.map((p) => p.number), [pr.data.number]);
  // `null` for a field GitHub's schema does not let be null is its 422, naming the field.
  const titled = await fails(422, () => owner.rest.issues.create({ ...repo, title: null }));
  assert.equal(titled.response.data.message, "Invalid request.\n\nFor 'properties/title', nil is not a string.");
  const named = await fails(422, () => owner.rest.issues.createLabel({ ...repo, name: null }));
  assert.equal(named.response.data.message, "Invalid request.\n\nFor 'properties/name', nil is not a string.");
  // Inside an object too, the field named by its own name.
  const author = { name: null, email: "node@example.com" };
  const tree = (await owner.rest.git.getCommit({ ...repo, commit_sha: merged.data.sha })).data.tree.sha;
  const unnamed = await fails(422, () => owner.rest.git.createCommit({ ...repo, message: "m", tree, parents: [], author }));
  assert.equal(unnamed.response.data.message, "Invalid request.\n\nFor 'properties/name', nil is not a string.");
  // A null item of an array is refused as GitHub's schema refuses it.
  const labelled = await fails(422, () => owner.rest.issues.create({ ...repo, title: "x", labels: [null] }));
  assert.equal(labelled.response.data.message, "Invalid request.\n\nFor 'items', nil is not a string or object.");
  const assigned = await fails(422, () => owner.rest.issues.addAssignees({ ...repo, issue_number: 1, assignees: ["octocat", null] }));
  assert.equal(assigned.response.data.message, "Invalid request.\n\nFor 'items', nil is not a string or object.");
  // Where GitHub documents null (an issue update's body and milestone), it clears.
  const issue = await owner.rest.issues.create({ ...repo, title: "Node nulls", body: "some text" });
  const cleared = await owner.rest.issues.update({ ...repo, issue_number: issue.data.number, body: null, milestone: null });
  assert.deepEqual([cleared.data.body, cleared.data.milestone], [null, null]);
});

await scenario("installation_repositories", async () => {
  const listed = await app.rest.apps.listReposAccessibleToInstallation({ per_page: 100 });
  const names = listed.data.repositories.map((r) => r.full_name);
  assert.ok(names.includes("acme/hello-world") && names.every((n) => n.startsWith("acme/")), names.join());
  assert.equal(listed.data.total_count, names.length);
  const refused = await fails(403, () => owner.rest.apps.listReposAccessibleToInstallation());
  assert.equal(refused.response.data.message, "You must authenticate with an installation access token in order to list repositories for an installation.");
});

await scenario("repository_dispatch", async () => {
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/node-dispatch", content_type: "json" }, events: ["repository_dispatch"] });
  const sent = await owner.rest.repos.createDispatchEvent({ ...repo, event_type: "node-deploy", client_payload: { env: "staging" } });
  assert.equal(sent.status, 204);
  const payload = await deliveredPayload(hook.data.id, "repository_dispatch", "node-deploy");
  assert.deepEqual([payload.branch, payload.client_payload, payload.sender.login], ["main", { env: "staging" }, "octocat"]);
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
});

await scenario("label_webhooks", async () => {
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/node-labels", content_type: "json" }, events: ["label"] });
  await owner.rest.issues.createLabel({ ...repo, name: "node-hooked", color: "00ff00", description: "to sort" });
  const created = await deliveredPayload(hook.data.id, "label", "created");
  assert.deepEqual([created.label.name, created.label.description, created.sender.login], ["node-hooked", "to sort", "octocat"]);
  await owner.rest.issues.updateLabel({ ...repo, name: "node-hooked", new_name: "node-sorted", color: "00ff00", description: "sorted" });
  const edited = await deliveredPayload(hook.data.id, "label", "edited");
  assert.deepEqual(edited.changes, { name: { from: "node-hooked" }, description: { from: "to sort" } });
  await owner.rest.issues.deleteLabel({ ...repo, name: "node-sorted" });
  const deleted = await deliveredPayload(hook.data.id, "label", "deleted");
  assert.deepEqual([deleted.label.name, deleted.label.color], ["node-sorted", "00ff00"]);
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
});

await scenario("hook_test_sends_the_latest_push", async () => {
  const hook = await owner.rest.repos.createWebhook({ ...repo, config: { url: "http://127.0.0.1:9/node-test", content_type: "json" }, events: ["push"] });
  const head = (await owner.rest.repos.getBranch({ ...repo, branch: "main" })).data.commit.sha;
  assert.equal((await owner.rest.repos.testPushWebhook({ ...repo, hook_id: hook.data.id })).status, 204);
  const pushed = await deliveredPayload(hook.data.id, "push", null);
  assert.deepEqual([pushed.ref, pushed.after, pushed.head_commit.id], ["refs/heads/main", head, head]);
  await owner.rest.repos.deleteWebhook({ ...repo, hook_id: hook.data.id });
});

await scenario("renamed_repository_redirects", async () => {
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-before", auto_init: true });
  await owner.rest.repos.update({ owner: "octocat", repo: "node-before", name: "node-after" });
  // GitHub redirects the old name (301) and Octokit's fetch follows it.
  const moved = await owner.rest.repos.get({ owner: "octocat", repo: "node-before" });
  assert.equal(moved.data.full_name, "octocat/node-after");
  const readme = await owner.rest.repos.getReadme({ owner: "octocat", repo: "node-before" });
  assert.equal(readme.data.path, "README.md");
  // The redirect names /repositories/{id}/…; a write is redirected with 307 and followed too.
  const made = await owner.rest.issues.create({ owner: "octocat", repo: "node-before", title: "Made by the old name" });
  assert.equal(made.data.repository_url.endsWith("/repos/octocat/node-after"), true);
  const byId = await owner.request("GET /repositories/{id}/issues/{n}", { id: moved.data.id, n: made.data.number });
  assert.equal(byId.data.title, "Made by the old name");
});

await scenario("update_pull_request_branch", async () => {
  const pr = await reviewerPull("node-behind", "node-behind.txt", "Behind");
  const head = pr.data.head.sha;
  const content = Buffer.from("m\n").toString("base64");
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: "node-main-moves.txt", message: "Main moves", content });
  const stale = await fails(422, () => owner.rest.pulls.updateBranch({ ...repo, pull_number: pr.data.number, expected_head_sha: "0".repeat(40) }));
  assert.equal(stale.response.data.message, "expected head sha didn't match current head ref.");
  const queued = await owner.rest.pulls.updateBranch({ ...repo, pull_number: pr.data.number, expected_head_sha: head });
  assert.deepEqual([queued.status, queued.data.message], [202, "Updating pull request branch."]);
  const updated = (await owner.rest.pulls.get({ ...repo, pull_number: pr.data.number })).data;
  const commit = (await owner.rest.repos.getCommit({ ...repo, ref: updated.head.sha })).data;
  assert.equal(commit.commit.message, "Merge branch 'main' into node-behind");
  assert.equal(commit.parents[0].sha, head);
  const current = await fails(422, () => owner.rest.pulls.updateBranch({ ...repo, pull_number: pr.data.number }));
  assert.equal(current.response.data.message, "There are no new commits on the base branch.");
});

await scenario("organization_memberships", async () => {
  const mine = (await owner.rest.orgs.getMembershipForAuthenticatedUser({ org: "acme" })).data;
  assert.deepEqual([mine.state, mine.role, mine.organization.login, mine.user.login], ["active", "admin", "acme", "octocat"]);
  const theirs = (await owner.rest.orgs.getMembershipForUser({ org: "acme", username: "hubot" })).data;
  assert.equal(theirs.role, "member");
  const listed = await reviewer.paginate(reviewer.rest.orgs.listMembershipsForAuthenticatedUser);
  assert.deepEqual(listed.map((m) => m.role), ["member"]);
  await fails(404, () => owner.rest.orgs.getMembershipForUser({ org: "acme", username: "nobody" }));
});

await scenario("organization_issues", async () => {
  const titles = (await owner.paginate(owner.rest.issues.listForOrg, { org: "acme", filter: "all", state: "all" })).map((i) => i.title);
  assert.ok(titles.includes("Found a bug"), titles.join());
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-org-issues" });
  await owner.rest.issues.create({ owner: "octocat", repo: "node-org-issues", title: "Not acme's" });
  const again = (await owner.paginate(owner.rest.issues.listForOrg, { org: "acme", filter: "all", state: "all" })).map((i) => i.title);
  assert.ok(!again.includes("Not acme's"));
  await fails(404, () => owner.rest.issues.listForOrg({ org: "nope" }));
});

await scenario("search_topics", async () => {
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-topics" });
  await owner.rest.repos.replaceAllTopics({ owner: "octocat", repo: "node-topics", names: ["node-topic-one", "node-topic-two"] });
  const found = await owner.rest.search.topics({ q: "node-topic" });
  assert.deepEqual(found.data.items.map((t) => [t.name, t.repository_count, t.featured]).sort(), [["node-topic-one", 1, false], ["node-topic-two", 1, false]]);
  assert.equal((await owner.rest.search.topics({ q: "node-topic is:featured" })).data.total_count, 0);
});

await scenario("organization_membership_writes", async () => {
  const hubot = { org: "acme", username: "hubot" };
  const promoted = await owner.rest.orgs.setMembershipForUser({ ...hubot, role: "admin" });
  assert.deepEqual([promoted.data.state, promoted.data.role, promoted.data.user.login], ["active", "admin", "hubot"]);
  const demoted = await fails(403, () => owner.rest.orgs.setMembershipForUser({ org: "acme", username: "octocat", role: "member" }));
  assert.equal(demoted.response.data.message, "You cannot demote yourself. Admins must be demoted by another admin.");
  assert.equal((await owner.rest.orgs.removeMembershipForUser(hubot)).status, 204);
  await fails(404, () => owner.rest.orgs.checkMembershipForUser(hubot));
  // A user who is not a member is invited: pending until they accept.
  const invited = await owner.rest.orgs.setMembershipForUser({ ...hubot, role: "member" });
  assert.deepEqual([invited.data.state, invited.data.role], ["pending", "member"]);
  await fails(404, () => owner.rest.orgs.checkMembershipForUser(hubot));
  await reviewer.rest.orgs.updateMembershipForAuthenticatedUser({ org: "acme", state: "active" });
  assert.equal((await owner.rest.orgs.removeMember(hubot)).status, 204);
  assert.deepEqual((await owner.rest.orgs.listMembers({ org: "acme" })).data.map((m) => m.login), ["octocat"]);
  await owner.rest.orgs.setMembershipForUser(hubot);
  await reviewer.rest.orgs.updateMembershipForAuthenticatedUser({ org: "acme", state: "active" });
  const back = (await owner.rest.orgs.getMembershipForUser(hubot)).data;
  assert.deepEqual([back.state, back.role], ["active", "member"]);
});

await scenario("organization_invitations", async () => {
  const acme = { org: "acme" };
  const team = (await owner.rest.teams.create({ ...acme, name: "node-invitees" })).data;
  await owner.rest.orgs.removeMembershipForUser({ ...acme, username: "hubot" });
  const invitation = (await owner.rest.orgs.createInvitation({ ...acme, invitee_id: 2, role: "direct_member", team_ids: [team.id] })).data;
  assert.deepEqual(
    [invitation.login, invitation.email, invitation.role, invitation.team_count, invitation.inviter.login, invitation.failed_at],
    ["hubot", null, "direct_member", 1, "octocat", null],
  );
  const again = await owner.rest.orgs.createInvitation({ ...acme, invitee_id: 2 });
  assert.deepEqual([again.status, again.data.id], [201, invitation.id]);
  const pending = await owner.paginate(owner.rest.orgs.listPendingInvitations, acme);
  assert.deepEqual(pending.map((i) => i.id), [invitation.id]);
  assert.deepEqual((await owner.rest.orgs.listPendingInvitations({ ...acme, role: "admin" })).data, []);
  const teams = await owner.rest.orgs.listInvitationTeams({ ...acme, invitation_id: invitation.id });
  assert.deepEqual(teams.data.map((t) => t.name), ["node-invitees"]);
  assert.deepEqual((await owner.rest.orgs.listFailedInvitations(acme)).data, []);
  // Pending, as hubot and the owner see it.
  const mine = (await reviewer.rest.orgs.getMembershipForAuthenticatedUser(acme)).data;
  assert.deepEqual([mine.state, mine.role], ["pending", "member"]);
  const listed = await reviewer.rest.orgs.listMembershipsForAuthenticatedUser({ state: "pending" });
  assert.deepEqual(listed.data.map((m) => m.organization.login), ["acme"]);
  await fails(404, () => owner.rest.orgs.checkMembershipForUser({ ...acme, username: "hubot" }));
  // GitHub's refusals.
  const member = await fails(422, () => owner.rest.orgs.createInvitation({ ...acme, email: "octocat@acme.test" }));
  assert.equal(member.response.data.errors[0].message, "A user with this email address is already a part of this organization");
  const self = await fails(422, () => owner.rest.orgs.createInvitation({ ...acme, invitee_id: 1 }));
  assert.equal(self.response.data.errors[0].message, "Invitee is already a part of this organization");
  await fails(422, () => owner.rest.orgs.createInvitation({ ...acme, email: "node@example.test", role: "owner" }));
  await fails(422, () => reviewer.rest.orgs.updateMembershipForAuthenticatedUser({ ...acme, state: "pending" }));
  await fails(403, () => reviewer.rest.orgs.createInvitation({ ...acme, email: "node@example.test" }));
  await fails(404, () => owner.rest.orgs.cancelInvitation({ ...acme, invitation_id: 99999 }));
  // An address, cancelled (twice: 204 each time, as GitHub answers).
  const byEmail = (await owner.rest.orgs.createInvitation({ ...acme, email: "node@example.test", role: "admin" })).data;
  assert.deepEqual([byEmail.login, byEmail.email, byEmail.role], [null, "node@example.test", "admin"]);
  assert.equal((await owner.rest.orgs.cancelInvitation({ ...acme, invitation_id: byEmail.id })).status, 204);
  assert.equal((await owner.rest.orgs.cancelInvitation({ ...acme, invitation_id: byEmail.id })).status, 204);
  // Accepted: a member, in the invitation's team; nothing pending.
  const joined = (await reviewer.rest.orgs.updateMembershipForAuthenticatedUser({ ...acme, state: "active" })).data;
  assert.deepEqual([joined.state, joined.role, joined.user.login], ["active", "member", "hubot"]);
  assert.equal((await owner.rest.orgs.checkMembershipForUser({ ...acme, username: "hubot" })).status, 204);
  const members = await owner.rest.teams.listMembersInOrg({ ...acme, team_slug: team.slug });
  assert.ok(members.data.map((m) => m.login).includes("hubot"));
  assert.deepEqual((await owner.rest.orgs.listPendingInvitations(acme)).data, []);
  await fails(404, () => owner.rest.orgs.listInvitationTeams({ ...acme, invitation_id: invitation.id }));
  await owner.rest.teams.deleteInOrg({ ...acme, team_slug: team.slug }); // for the suites that follow
});

await scenario("fork_merges_upstream", async () => {
  const parent = { owner: "octocat", repo: "node-upstream" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-upstream", auto_init: true });
  await reviewer.rest.repos.createFork(parent);
  const fork = { owner: "hubot", repo: "node-upstream", branch: "main" };
  assert.equal((await reviewer.rest.repos.mergeUpstream(fork)).data.merge_type, "none");
  const content = Buffer.from("u\n").toString("base64");
  await owner.rest.repos.createOrUpdateFileContents({ ...parent, path: "upstream.txt", message: "Upstream moves", content });
  await reviewer.rest.repos.createOrUpdateFileContents({ owner: "hubot", repo: "node-upstream", path: "mine.txt", message: "Mine", content });
  const synced = (await reviewer.rest.repos.mergeUpstream(fork)).data;
  assert.deepEqual(synced, { message: "Successfully fetched and merged from upstream octocat:main.", merge_type: "merge", base_branch: "octocat:main" });
  const head = (await reviewer.rest.repos.getCommit({ owner: "hubot", repo: "node-upstream", ref: "main" })).data;
  assert.equal(head.commit.message, "Merge branch 'octocat:main' into main");
  const err = await fails(422, () => owner.rest.repos.mergeUpstream({ ...parent, branch: "main" }));
  assert.equal(err.response.data.message, "This repository is not a fork.");
});

await scenario("actions_workflow_runs", async () => {
  const repo = { owner: "octocat", repo: "node-actions" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-actions", auto_init: true });
  const file = async (name, text) => owner.rest.repos.createOrUpdateFileContents({
    ...repo, path: `.github/workflows/${name}`, message: name, content: Buffer.from(text).toString("base64") });
  await file("ci.yml", "name: CI\non: push\n");
  await file("deploy.yml", "name: Deploy\non: [workflow_dispatch]\n");
  const listed = (await owner.rest.actions.listRepoWorkflows(repo)).data;
  assert.deepEqual([listed.total_count, listed.workflows.map((w) => w.name)], [2, ["CI", "Deploy"]]);
  const deploy = (await owner.rest.actions.getWorkflow({ ...repo, workflow_id: "deploy.yml" })).data;
  assert.equal((await owner.rest.actions.getWorkflow({ ...repo, workflow_id: deploy.id })).data.path, ".github/workflows/deploy.yml");
  const refused = await fails(422, () => owner.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: "ci.yml", ref: "main" }));
  assert.equal(refused.response.data.message, "Workflow does not have 'workflow_dispatch' trigger");
  const dispatched = await owner.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: deploy.id, ref: "main", inputs: { env: "prod" } });
  assert.equal(dispatched.status, 204);
  const runs = (await owner.rest.actions.listWorkflowRunsForRepo({ ...repo, branch: "main", event: "workflow_dispatch" })).data;
  assert.equal(runs.total_count, 1);
  const run = runs.workflow_runs[0];
  assert.deepEqual([run.name, run.status, run.conclusion, run.run_number, run.workflow_id], ["Deploy", "queued", null, 1, deploy.id]);
  const ofDeploy = (await owner.rest.actions.listWorkflowRuns({ ...repo, workflow_id: "deploy.yml" })).data;
  assert.deepEqual(ofDeploy.workflow_runs.map((r) => r.id), [run.id]);
  const ids = { ...repo, run_id: run.id };
  await fails(403, () => owner.rest.actions.reRunWorkflow(ids));
  await admin("POST", `actions/runs/${run.id}`, { conclusion: "failure" });
  await fails(409, () => owner.rest.actions.cancelWorkflowRun(ids));
  assert.equal((await owner.rest.actions.reRunWorkflow(ids)).status, 201);
  assert.equal((await owner.rest.actions.cancelWorkflowRun(ids)).status, 202);
  const got = (await owner.rest.actions.getWorkflowRun(ids)).data;
  assert.deepEqual([got.status, got.conclusion, got.run_attempt], ["completed", "cancelled", 2]);
  const nobody = new Octokit({ baseUrl });
  await fails(401, () => nobody.rest.actions.deleteWorkflowRun(ids));
  await fails(401, () => nobody.rest.actions.cancelWorkflowRun(ids));
  await fails(401, () => nobody.rest.actions.reRunWorkflow(ids));
  assert.equal((await owner.rest.actions.deleteWorkflowRun(ids)).status, 204);
  await fails(404, () => owner.rest.actions.getWorkflowRun(ids));
});

await scenario("repository_rulesets", async () => {
  const repo = { owner: "octocat", repo: "node-rulesets" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-rulesets", auto_init: true });
  const main = (await owner.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/release/1", sha: main });
  const created = (await owner.rest.repos.createRepoRuleset({
    ...repo, name: "releases", enforcement: "active",
    conditions: { ref_name: { include: ["refs/heads/release/*"], exclude: [] } },
    rules: [{ type: "deletion" }, { type: "non_fast_forward" }],
  })).data;
  assert.deepEqual([created.source_type, created.source, created.current_user_can_bypass],
    ["Repository", "octocat/node-rulesets", "never"]);
  assert.deepEqual((await owner.rest.repos.getRepoRulesets(repo)).data.map((r) => r.id), [created.id]);
  assert.equal((await owner.rest.repos.getRepoRuleset({ ...repo, ruleset_id: created.id })).data.rules.length, 2);
  const rules = (await owner.rest.repos.getBranchRules({ ...repo, branch: "release/1" })).data;
  assert.deepEqual(rules.map((r) => [r.type, r.ruleset_id, r.ruleset_source_type, r.ruleset_source]), [
    ["deletion", created.id, "Repository", "octocat/node-rulesets"],
    ["non_fast_forward", created.id, "Repository", "octocat/node-rulesets"],
  ]);
  assert.deepEqual((await owner.rest.repos.getBranchRules({ ...repo, branch: "main" })).data, []);
  const refused = await fails(422, () => owner.rest.git.deleteRef({ ...repo, ref: "heads/release/1" }));
  assert.equal(refused.response.data.message, "Repository rule violations found\n\nCannot delete this branch\n\n");
  const bad = await fails(422, () => owner.rest.repos.createRepoRuleset({ ...repo, name: "x", enforcement: "enabled" }));
  assert.equal(bad.response.data.message,
    "Invalid request.\n\nInvalid property /enforcement: `enabled` is not a possible value. Must be one of the following: disabled, active, evaluate.");
  const updated = (await owner.rest.repos.updateRepoRuleset({ ...repo, ruleset_id: created.id, enforcement: "disabled" })).data;
  assert.deepEqual([updated.name, updated.enforcement], ["releases", "disabled"]);
  assert.equal((await owner.rest.git.deleteRef({ ...repo, ref: "heads/release/1" })).status, 204);
  assert.equal((await owner.rest.repos.deleteRepoRuleset({ ...repo, ruleset_id: created.id })).status, 204);
  await fails(404, () => owner.rest.repos.getRepoRuleset({ ...repo, ruleset_id: created.id }));
});

// The secrets and variables of a repository (`kind` "Repo", `where` {owner, repo}), of one of
// its environments ("Environment", with `environment_name`) or of an organization ("Org",
// {org}, `shown` {visibility}: what its writes take and its reads answer besides): Octokit's
// `actions.*Repo*`, `actions.*Environment*` and `actions.*Org*` methods take the same steps.
async function secretsAndVariables(kind, where, shown = {}) {
  const call = (method, params = {}) => owner.rest.actions[method.replace("*", kind)]({ ...where, ...params });
  const key = (await call("get*PublicKey")).data;
  assert.equal(Buffer.from(key.key, "base64").length, 32);
  const sealed = Buffer.from("sealed-elsewhere").toString("base64");
  const put = { secret_name: "npm_token", encrypted_value: sealed, key_id: key.key_id, ...shown };
  assert.equal((await call("createOrUpdate*Secret", put)).status, 201);
  assert.equal((await call("createOrUpdate*Secret", put)).status, 204);
  const secret = (await call("get*Secret", { secret_name: "NPM_TOKEN" })).data;
  assert.deepEqual(Object.keys(secret), ["name", "created_at", "updated_at", ...Object.keys(shown)]);
  const secrets = (await call("list*Secrets")).data;
  assert.deepEqual([secrets.total_count, secrets.secrets.map((s) => s.name)], [1, ["NPM_TOKEN"]]);
  assert.equal((await call("delete*Secret", { secret_name: "NPM_TOKEN" })).status, 204);
  await fails(404, () => call("get*Secret", { secret_name: "NPM_TOKEN" }));
  assert.equal((await call("create*Variable", { name: "stage", value: "prod", ...shown })).status, 201);
  const clash = await fails(409, () => call("create*Variable", { name: "STAGE", value: "x", ...shown }));
  assert.equal(clash.response.data.message, "Already exists - Variable already exists.");
  await call("update*Variable", { name: "STAGE", value: "staging" });
  const variable = (await call("get*Variable", { name: "stage" })).data;
  assert.deepEqual([variable.name, variable.value], ["STAGE", "staging"]);
  const variables = (await call("list*Variables")).data;
  assert.deepEqual(variables.variables.map((v) => v.name), ["STAGE"]);
  assert.equal((await call("delete*Variable", { name: "STAGE" })).status, 204);
}

await scenario("actions_secrets_and_variables", () => secretsAndVariables("Repo", { owner: "acme", repo: "hello-world" }));

await scenario("environment_secrets_and_variables", async () => {
  const repo = { owner: "acme", repo: "hello-world" };
  const environment = { ...repo, environment_name: "node-production" };
  await owner.rest.repos.createOrUpdateEnvironment(environment);
  const key = (await owner.rest.actions.getEnvironmentPublicKey(environment)).data;
  assert.notEqual(key.key, (await owner.rest.actions.getRepoPublicKey(repo)).data.key);
  await secretsAndVariables("Environment", environment);
  await fails(404, () => owner.rest.actions.listEnvironmentVariables({ ...repo, environment_name: "node-missing" }));
});

await scenario("organization_secrets_and_variables", async () => {
  const org = { org: "acme" };
  await secretsAndVariables("Org", org, { visibility: "all" });
  const actions = owner.rest.actions;
  const hello = (await owner.rest.repos.get(repo)).data;
  const vault = (await owner.rest.repos.createInOrg({ ...org, name: "node-vault", private: true })).data;
  const inVault = { owner: "acme", repo: "node-vault" };
  const key = (await actions.getOrgPublicKey(org)).data;
  assert.notEqual(key.key, (await actions.getRepoPublicKey(repo)).data.key);
  const sealed = { encrypted_value: Buffer.from("sealed").toString("base64"), key_id: key.key_id };
  const picked = { ...org, secret_name: "NODE_PICKED" };
  const put = await actions.createOrUpdateOrgSecret({ ...picked, ...sealed, visibility: "selected", selected_repository_ids: [hello.id] });
  assert.equal(put.status, 201);
  const secret = (await actions.getOrgSecret(picked)).data;
  assert.deepEqual([secret.visibility, secret.selected_repositories_url],
    ["selected", `${baseUrl}/orgs/acme/actions/secrets/NODE_PICKED/repositories`]);
  const selected = async (list, params) => (await list(params)).data.repositories.map((r) => r.name);
  assert.equal((await actions.addSelectedRepoToOrgSecret({ ...picked, repository_id: vault.id })).status, 204);
  assert.deepEqual(await selected(actions.listSelectedReposForOrgSecret, picked), ["hello-world", "node-vault"]);
  await actions.removeSelectedRepoFromOrgSecret({ ...picked, repository_id: vault.id });
  assert.deepEqual(await selected(actions.listSelectedReposForOrgSecret, picked), ["hello-world"]);
  await actions.setSelectedReposForOrgSecret({ ...picked, selected_repository_ids: [vault.id] });
  const shared = async (list, where, kind) => (await list(where)).data[kind].map((s) => s.name);
  assert.deepEqual(await shared(actions.listRepoOrganizationSecrets, inVault, "secrets"), ["NODE_PICKED"]);
  assert.deepEqual(await shared(actions.listRepoOrganizationSecrets, repo, "secrets"), []);
  assert.equal((await actions.createOrUpdateOrgSecret({ ...picked, ...sealed, visibility: "private" })).status, 204);
  await fails(409, () => actions.addSelectedRepoToOrgSecret({ ...picked, repository_id: hello.id }));
  await fails(409, () => actions.listSelectedReposForOrgSecret(picked));
  await fails(422, () => actions.createOrUpdateOrgSecret({ ...picked, ...sealed, visibility: "everyone" }));
  const refused = await fails(403, () => reviewer.rest.actions.listOrgSecrets(org));
  assert.equal(refused.response.data.message, "You must be an org admin or have the actions secrets fine-grained permission.");
  assert.equal((await actions.deleteOrgSecret(picked)).status, 204);

  const region = { ...org, name: "NODE_REGION" };
  await actions.createOrgVariable({ ...region, value: "eu", visibility: "selected", selected_repository_ids: [hello.id] });
  await actions.addSelectedRepoToOrgVariable({ ...region, repository_id: vault.id });
  assert.deepEqual(await selected(actions.listSelectedReposForOrgVariable, region), ["hello-world", "node-vault"]);
  await actions.removeSelectedRepoFromOrgVariable({ ...region, repository_id: hello.id });
  const seen = (await actions.listRepoOrganizationVariables(inVault)).data;
  assert.deepEqual([seen.total_count, seen.variables[0].name, seen.variables[0].value], [1, "NODE_REGION", "eu"]);
  await actions.setSelectedReposForOrgVariable({ ...region, selected_repository_ids: [hello.id, vault.id] });
  assert.deepEqual(await shared(actions.listRepoOrganizationVariables, repo, "variables"), ["NODE_REGION"]);
  await actions.updateOrgVariable({ ...region, value: "us", visibility: "all" });
  await fails(409, () => actions.listSelectedReposForOrgVariable(region));
  assert.equal((await actions.getOrgVariable(region)).data.value, "us");
  assert.equal((await actions.deleteOrgVariable(region)).status, 204);
  await owner.rest.repos.delete(inVault);
});

await scenario("actions_jobs_and_attempts", async () => {
  const repo = { owner: "octocat", repo: "node-jobs" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-jobs", auto_init: true });
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: ".github/workflows/build.yml", message: "Build",
    content: Buffer.from("name: Build\non: workflow_dispatch\n").toString("base64") });
  await owner.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: "build.yml", ref: "main" });
  const run = (await owner.rest.actions.listWorkflowRunsForRepo(repo)).data.workflow_runs[0];
  const ids = { ...repo, run_id: run.id };
  const queued = (await owner.rest.actions.listJobsForWorkflowRun(ids)).data;
  assert.deepEqual([queued.total_count, queued.jobs[0].status, queued.jobs[0].steps], [1, "queued", []]);
  await admin("POST", `actions/runs/${run.id}`, { conclusion: "failure" });
  const job = (await owner.rest.actions.getJobForWorkflowRun({ ...repo, job_id: queued.jobs[0].id })).data;
  assert.deepEqual([job.conclusion, job.steps.map((s) => s.conclusion)], ["failure", ["success", "failure"]]);
  assert.equal((await owner.rest.actions.reRunWorkflow(ids)).status, 201);
  await admin("POST", `actions/runs/${run.id}`, { conclusion: "success" });
  const all = (await owner.rest.actions.listJobsForWorkflowRun({ ...ids, filter: "all" })).data;
  assert.deepEqual(all.jobs.map((j) => [j.run_attempt, j.conclusion]), [[2, "success"], [1, "failure"]]);
  const first = (await owner.rest.actions.getWorkflowRunAttempt({ ...ids, attempt_number: 1 })).data;
  assert.deepEqual([first.run_attempt, first.conclusion], [1, "failure"]);
  const firstJobs = (await owner.rest.actions.listJobsForWorkflowRunAttempt({ ...ids, attempt_number: 1 })).data;
  assert.equal(firstJobs.jobs[0].id, job.id);
});

await scenario("actions_artifacts", async () => {
  const repo = { owner: "octocat", repo: "node-artifacts" };
  await owner.rest.repos.createForAuthenticatedUser({ name: "node-artifacts", auto_init: true });
  await owner.rest.repos.createOrUpdateFileContents({ ...repo, path: ".github/workflows/build.yml", message: "Build",
    content: Buffer.from("name: Build\non: workflow_dispatch\n").toString("base64") });
  await owner.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: "build.yml", ref: "main" });
  const run = (await owner.rest.actions.listWorkflowRunsForRepo(repo)).data.workflow_runs[0];
  // What the run would upload, recorded through the admin route.
  const dist = await admin("POST", `actions/runs/${run.id}/artifacts`, { name: "dist", size_in_bytes: 2048 });
  await admin("POST", `actions/runs/${run.id}/artifacts`, { name: "coverage" });
  const ofRun = (await owner.rest.actions.listWorkflowRunArtifacts({ ...repo, run_id: run.id })).data;
  assert.deepEqual([ofRun.total_count, ofRun.artifacts.map((a) => a.name)], [2, ["coverage", "dist"]]);
  const named = (await owner.rest.actions.listArtifactsForRepo({ ...repo, name: "dist" })).data;
  assert.deepEqual(named.artifacts.map((a) => a.id), [dist.id]);
  const got = (await owner.rest.actions.getArtifact({ ...repo, artifact_id: dist.id })).data;
  assert.deepEqual([got.size_in_bytes, got.expired, got.workflow_run.id], [2048, false, run.id]);
  assert.equal((await owner.rest.actions.deleteArtifact({ ...repo, artifact_id: dist.id })).status, 204);
  await fails(404, () => owner.rest.actions.getArtifact({ ...repo, artifact_id: dist.id }));
});

await scenario("teams", async () => {
  const org = "acme";
  await owner.rest.repos.createInOrg({ org, name: "js-team-vault", private: true });
  const vault = { owner: org, repo: "js-team-vault" };
  const { data: team } = await owner.rest.teams.create({
    org, name: "JS Ops", description: "Operations", privacy: "closed", repo_names: ["acme/js-team-vault"], permission: "push",
  });
  assert.deepEqual([team.slug, team.privacy, team.permission, team.members_count, team.repos_count], ["js-ops", "closed", "push", 1, 1]);
  const ops = { org, team_slug: "js-ops" };
  assert.equal((await owner.rest.teams.getByName(ops)).data.id, team.id);
  assert.ok((await owner.rest.teams.list({ org })).data.some((t) => t.slug === "js-ops"));
  const { data: child } = await owner.rest.teams.create({ org, name: "JS Oncall", parent_team_id: team.id });
  assert.deepEqual([child.parent.slug, child.privacy], ["js-ops", "closed"]);
  assert.deepEqual((await owner.rest.teams.listChildInOrg(ops)).data.map((t) => t.slug), ["js-oncall"]);
  const taken = await fails(422, () => owner.rest.teams.create({ org, name: "js ops" }));
  assert.equal(taken.response.data.errors[0].message, "Name must be unique for this org");
  await fails(422, () => owner.rest.teams.create({ org, name: "JS Bad", privacy: "open" }));
  await fails(404, () => owner.rest.teams.getByName({ org, team_slug: "nope" }));

  const role = async () => (await owner.rest.repos.getCollaboratorPermissionLevel({ ...vault, username: "hubot" })).data.role_name;
  assert.equal(await role(), "read");
  const oncall = { org, team_slug: "js-oncall", username: "hubot" };
  const added = await owner.rest.teams.addOrUpdateMembershipForUserInOrg({ ...oncall, role: "maintainer" });
  assert.deepEqual([added.data.role, added.data.state], ["maintainer", "active"]);
  assert.equal((await owner.rest.teams.getMembershipForUserInOrg(oncall)).data.role, "maintainer");
  const members = (await owner.rest.teams.listMembersInOrg(ops)).data;
  assert.deepEqual(members.map((m) => [m.login, m.inherited]), [["octocat", false], ["hubot", true]]);
  await fails(422, () => owner.rest.teams.addOrUpdateMembershipForUserInOrg({ ...oncall, role: "owner" }));
  // The parent's repository, through the child team: push.
  assert.equal(await role(), "write");
  assert.deepEqual((await reviewer.rest.teams.listForAuthenticatedUser()).data.map((t) => t.slug), ["js-oncall"]);
  const onRepo = { ...ops, ...vault };
  assert.equal((await owner.rest.teams.checkPermissionsForRepoInOrg(onRepo)).status, 204);
  assert.deepEqual((await owner.rest.teams.listReposInOrg(ops)).data.map((r) => r.full_name), ["acme/js-team-vault"]);
  await owner.rest.teams.addOrUpdateRepoPermissionsInOrg({ ...onRepo, permission: "maintain" });
  const full = await owner.rest.teams.checkPermissionsForRepoInOrg({ ...onRepo, headers: { accept: "application/vnd.github.v3.repository+json" } });
  assert.deepEqual([full.status, full.data.role_name, full.data.permissions.maintain], [200, "maintain", true]);
  assert.equal(await role(), "maintain");
  assert.deepEqual((await owner.rest.repos.listTeams(vault)).data.map((t) => [t.slug, t.permission]), [["js-ops", "maintain"]]);
  await fails(422, () => owner.rest.teams.addOrUpdateRepoPermissionsInOrg({ ...onRepo, permission: "write" }));

  const renamed = await owner.rest.teams.updateInOrg({ ...ops, name: "JS Operations", description: "Ops, renamed" });
  assert.deepEqual([renamed.data.slug, renamed.data.description], ["js-operations", "Ops, renamed"]);
  const operations = { org, team_slug: "js-operations" };
  assert.equal((await owner.rest.teams.removeRepoInOrg({ ...operations, ...vault })).status, 204);
  await fails(404, () => owner.rest.teams.checkPermissionsForRepoInOrg({ ...operations, ...vault }));
  assert.equal(await role(), "read");
  assert.equal((await owner.rest.teams.removeMembershipForUserInOrg(oncall)).status, 204);
  await fails(404, () => owner.rest.teams.getMembershipForUserInOrg(oncall));
  assert.equal((await owner.rest.teams.deleteInOrg(operations)).status, 204);
  await fails(404, () => owner.rest.teams.getByName(operations));
  await fails(404, () => owner.rest.teams.getByName({ org, team_slug: "js-oncall" }));
});

await scenario("deployments_and_environments", () => withReceiver(async (url, got, until) => {
  const { data: made } = await owner.rest.repos.createForAuthenticatedUser({ name: "js-deploys", auto_init: true });
  const target = { owner: made.owner.login, repo: made.name };
  await owner.rest.repos.createWebhook({ ...target, config: { url, content_type: "json" }, events: ["deployment", "deployment_status"] });
  const sha = (await owner.rest.repos.getBranch({ ...target, branch: "main" })).data.commit.sha;
  await owner.rest.repos.createCommitStatus({ ...target, sha, state: "failure", context: "ci/build" });
  const refused = await fails(409, () => owner.rest.repos.createDeployment({ ...target, ref: "main" }));
  assert.deepEqual(refused.response.data.errors[0].contexts, [{ context: "ci/build", state: "failure" }]);
  await fails(422, () => owner.rest.repos.createDeployment({ ...target, ref: "nope" }));
  const { data: deployment } = await owner.rest.repos.createDeployment({
    ...target, ref: "main", required_contexts: [], environment: "staging", payload: { app: "web" }, description: "js", auto_merge: false,
  });
  assert.deepEqual([deployment.sha, deployment.environment, deployment.payload.app, deployment.task], [sha, "staging", "web", "deploy"]);
  const deployment_id = deployment.id;
  const { data: status } = await owner.rest.repos.createDeploymentStatus({
    ...target, deployment_id, state: "success", log_url: "https://ci.example/js", environment_url: "https://staging.example",
  });
  assert.deepEqual([status.state, status.environment, status.target_url], ["success", "staging", "https://ci.example/js"]);
  assert.equal((await owner.rest.repos.getDeploymentStatus({ ...target, deployment_id, status_id: status.id })).data.environment_url, "https://staging.example");
  assert.deepEqual((await owner.rest.repos.listDeployments({ ...target, environment: "staging" })).data.map((d) => d.id), [deployment_id]);
  assert.equal((await owner.rest.repos.getDeployment({ ...target, deployment_id })).data.description, "js");
  const { data: newer } = await owner.rest.repos.createDeployment({ ...target, ref: "main", required_contexts: [], environment: "staging", auto_merge: false });
  const active = await fails(422, () => owner.rest.repos.deleteDeployment({ ...target, deployment_id }));
  assert.match(active.response.data.message, /^We cannot delete an active deployment/);
  await owner.rest.repos.createDeploymentStatus({ ...target, deployment_id: newer.id, state: "success" });
  assert.deepEqual((await owner.rest.repos.listDeploymentStatuses({ ...target, deployment_id })).data.map((s) => s.state), ["inactive", "success"]);
  assert.equal((await owner.rest.repos.deleteDeployment({ ...target, deployment_id })).status, 204);
  await fails(404, () => owner.rest.repos.getDeployment({ ...target, deployment_id }));
  const payload = await until((d) => d.headers["x-github-event"] === "deployment_status");
  assert.equal(JSON.parse(payload.body).deployment_status.state, "success");
  assert.ok(await until((d) => d.headers["x-github-event"] === "deployment"));

  const environments = (await owner.rest.repos.getAllEnvironments(target)).data;
  assert.deepEqual([environments.total_count, environments.environments.map((e) => e.name)], [1, ["staging"]]);
  const { data: production } = await owner.rest.repos.createOrUpdateEnvironment({ ...target, environment_name: "production", wait_timer: 15 });
  assert.deepEqual([production.name, production.protection_rules[0].wait_timer], ["production", 15]);
  assert.equal((await owner.rest.repos.getEnvironment({ ...target, environment_name: "production" })).data.id, production.id);
  assert.equal((await owner.rest.repos.deleteAnEnvironment({ ...target, environment_name: "production" })).status, 204);
  await fails(404, () => owner.rest.repos.getEnvironment({ ...target, environment_name: "production" }));
}));

await scenario("app_authentication", async () => {
  // The app signs its own JWT with @octokit/auth-app and trades it for installation tokens.
  const auth = { appId: Number(process.env.GITHUB_APP_ID), privateKey: process.env.GITHUB_APP_PRIVATE_KEY };
  const installationId = Number(process.env.GITHUB_APP_INSTALLATION_ID);
  const appOctokit = new Octokit({ authStrategy: createAppAuth, auth, baseUrl });
  assert.equal((await appOctokit.rest.apps.getAuthenticated()).data.slug, "acme-bot");
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations);
  assert.deepEqual(installations.map((i) => i.id), [installationId]);
  for (const call of [
    () => appOctokit.rest.apps.getInstallation({ installation_id: installationId }),
    () => appOctokit.rest.apps.getRepoInstallation(repo),
    () => appOctokit.rest.apps.getOrgInstallation({ org: "acme" }),
    () => appOctokit.rest.apps.getUserInstallation({ username: "acme" }),
  ]) {
    const { data } = await call();
    assert.deepEqual([data.id, data.account.login], [installationId, "acme"]);
  }
  await fails(404, () => appOctokit.rest.apps.getRepoInstallation({ owner: "octocat", repo: "private-notes" }));

  const { data: minted } = await appOctokit.rest.apps.createInstallationAccessToken({
    installation_id: installationId, repositories: ["hello-world"], permissions: { issues: "write" },
  });
  assert.deepEqual([minted.repository_selection, minted.permissions], ["selected", { issues: "write" }]);
  const narrow = new Octokit({ auth: minted.token, baseUrl });
  const { data: listed } = await narrow.rest.apps.listReposAccessibleToInstallation();
  assert.deepEqual(listed.repositories.map((r) => r.full_name), ["acme/hello-world"]);
  const outside = await fails(422, () => appOctokit.rest.apps.createInstallationAccessToken({
    installation_id: installationId, repositories: ["nope"],
  }));
  assert.equal(outside.response.data.message,
    "There is at least one repository that does not exist or is not accessible to the parent installation.");

  const bot = new Octokit({ authStrategy: createAppAuth, auth: { ...auth, installationId }, baseUrl });
  const { data: issue } = await bot.rest.issues.create({ ...repo, title: "opened by the app (node)" });
  assert.equal(issue.user.login, "acme-bot[bot]");
  const token = await bot.auth({ type: "installation" });
  assert.ok(token.token.startsWith("ghs_") && token.repositorySelection === "all", JSON.stringify(token));

  // A token narrowed to `contents: read` reads a file; a write is GitHub's 403, which names
  // the permission it lacked.
  const narrowed = await bot.auth({ type: "installation", installationId, permissions: { contents: "read" } });
  assert.deepEqual(narrowed.permissions, { contents: "read" });
  const reader = new Octokit({ auth: narrowed.token, baseUrl });
  assert.equal((await reader.rest.repos.getContent({ ...repo, path: "README.md" })).data.name, "README.md");
  const write = await fails(403, () => reader.rest.repos.createOrUpdateFileContents({
    ...repo, path: "refused.txt", message: "refused", content: Buffer.from("no\n").toString("base64"),
  }));
  assert.deepEqual(
    [write.response.data.message, write.response.data.documentation_url, write.response.headers["x-accepted-github-permissions"]],
    ["Resource not accessible by integration", "https://docs.github.com/rest/repos/contents#create-or-update-file-contents", "contents=write"],
  );

  const stranger = new Octokit({ authStrategy: createAppAuth, auth: { ...auth, appId: 999 }, baseUrl });
  const refused = await fails(401, () => stranger.rest.apps.getAuthenticated());
  assert.equal(refused.response.data.message, "A JSON web token could not be decoded");
  const jwtOnRepo = await fails(401, () => new Octokit({ auth: process.env.GITHUB_APP_TOKEN, baseUrl }).request("GET /app"));
  assert.equal(jwtOnRepo.response.data.message, "A JSON web token could not be decoded");
});

await scenario("sub_issues", async () => {
  const open = async (title) => (await owner.rest.issues.create({ ...repo, title })).data;
  const [parent, first, second] = [await open("an epic (node)"), await open("a task"), await open("another task")];
  const on = { ...repo, issue_number: parent.number };
  const added = await owner.rest.issues.addSubIssue({ ...on, sub_issue_id: first.id });
  assert.equal(added.status, 201);
  await owner.rest.issues.addSubIssue({ ...on, sub_issue_id: second.id });
  await owner.rest.issues.reprioritizeSubIssue({ ...on, sub_issue_id: second.id, before_id: first.id });
  const listed = await owner.paginate(owner.rest.issues.listSubIssues, { ...on, per_page: 1 });
  assert.deepEqual(listed.map((i) => i.number), [second.number, first.number]);
  const { data: up } = await owner.rest.issues.getParent({ ...repo, issue_number: first.number });
  assert.equal(up.number, parent.number);
  assert.deepEqual((await owner.rest.issues.get(on)).data.sub_issues_summary, { total: 2, completed: 0, percent_completed: 0 });
  const twice = await fails(422, () => owner.rest.issues.addSubIssue({ ...repo, issue_number: second.number, sub_issue_id: first.id }));
  assert.equal(twice.response.data.errors[0].message, "Sub issue may only have one parent");
  await owner.rest.issues.addSubIssue({ ...repo, issue_number: second.number, sub_issue_id: first.id, replace_parent: true });
  await owner.rest.issues.removeSubIssue({ ...repo, issue_number: second.number, sub_issue_id: first.id });
  await fails(404, () => owner.rest.issues.getParent({ ...repo, issue_number: first.number }));
});

await scenario("issue_dependencies", async () => {
  const open = async (title) => (await owner.rest.issues.create({ ...repo, title })).data;
  const [blocked, blocker] = [await open("blocked (node)"), await open("blocker (node)")];
  const on = { ...repo, issue_number: blocked.number };
  assert.equal((await owner.rest.issues.addBlockedByDependency({ ...on, issue_id: blocker.id })).status, 201);
  const listed = await owner.paginate(owner.rest.issues.listDependenciesBlockedBy, on);
  assert.deepEqual(listed.map((i) => i.number), [blocker.number]);
  const blocking = await owner.rest.issues.listDependenciesBlocking({ ...repo, issue_number: blocker.number });
  assert.deepEqual(blocking.data.map((i) => i.number), [blocked.number]);
  assert.equal((await owner.rest.issues.get(on)).data.issue_dependencies_summary.blocked_by, 1);
  await fails(422, () => owner.rest.issues.addBlockedByDependency({ ...on, issue_id: blocked.id }));
  const { data: after } = await owner.rest.issues.removeDependencyBlockedBy({ ...on, issue_id: blocker.id });
  assert.equal(after.issue_dependencies_summary.total_blocked_by, 0);
  await fails(404, () => owner.rest.issues.removeDependencyBlockedBy({ ...on, issue_id: blocker.id }));
});

await scenario("reactions_deleted_and_on_releases", async () => {
  const { data: issue } = await owner.rest.issues.create({ ...repo, title: "react to me (node)" });
  const on = { ...repo, issue_number: issue.number };
  const { data: mine } = await owner.rest.reactions.createForIssue({ ...on, content: "rocket" });
  await owner.rest.reactions.deleteForIssue({ ...on, reaction_id: mine.id });
  assert.equal((await owner.rest.reactions.listForIssue(on)).data.length, 0);
  const { data: comment } = await owner.rest.issues.createComment({ ...on, body: "and to me" });
  const { data: heart } = await owner.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "heart" });
  await owner.rest.reactions.deleteForIssueComment({ ...repo, comment_id: comment.id, reaction_id: heart.id });
  const { data: release } = await owner.rest.repos.createRelease({ ...repo, tag_name: "v7.0.0-node" });
  const at = { ...repo, release_id: release.id };
  const made = await owner.rest.reactions.createForRelease({ ...at, content: "hooray" });
  assert.equal(made.status, 201);
  assert.equal((await owner.rest.reactions.createForRelease({ ...at, content: "hooray" })).status, 200);
  await fails(422, () => owner.rest.reactions.createForRelease({ ...at, content: "confused" }));
  assert.deepEqual((await owner.rest.reactions.listForRelease(at)).data.map((r) => r.content), ["hooray"]);
  assert.equal((await owner.rest.repos.getRelease(at)).data.reactions.hooray, 1);
  await owner.rest.reactions.deleteForRelease({ ...at, reaction_id: made.data.id });
  await fails(404, () => owner.rest.reactions.deleteForRelease({ ...at, reaction_id: made.data.id }));
});

await scenario("webhook_config", async () => {
  const { data: hook } = await owner.rest.repos.createWebhook({
    ...repo, config: { url: "https://example.com/node-config", content_type: "json", secret: "s3cret" }, events: ["push"],
  });
  const at = { ...repo, hook_id: hook.id };
  const { data: config } = await owner.rest.repos.getWebhookConfigForRepo(at);
  assert.deepEqual(config, { content_type: "json", insecure_ssl: "0", secret: "********", url: "https://example.com/node-config" });
  const { data: changed } = await owner.rest.repos.updateWebhookConfigForRepo({ ...at, content_type: "form" });
  assert.equal(changed.content_type, "form");
  assert.equal((await owner.rest.repos.getWebhook(at)).data.config.content_type, "form");
  await fails(422, () => owner.rest.repos.updateWebhookConfigForRepo({ ...at, content_type: "xml" }));
  await fails(404, () => owner.rest.repos.getWebhookConfigForRepo({ ...repo, hook_id: 999999 }));
  await owner.rest.repos.deleteWebhook(at);
});

await scenario("check_suites_on_their_own", async () => {
  const { data: branch } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  const head_sha = branch.commit.sha;
  const { data: suite } = await app.rest.checks.createSuite({ ...repo, head_sha });
  assert.equal(suite.head_sha, head_sha);
  assert.equal((await app.rest.checks.createSuite({ ...repo, head_sha })).data.id, suite.id);
  await app.rest.checks.create({ ...repo, name: "node-suite-run", head_sha, status: "in_progress" });
  const runs = await owner.paginate(owner.rest.checks.listForSuite, { ...repo, check_suite_id: suite.id, check_name: "node-suite-run", per_page: 1 });
  assert.deepEqual(runs.map((r) => r.name), ["node-suite-run"]);
  await fails(403, () => owner.rest.checks.createSuite({ ...repo, head_sha }));
  await fails(404, () => owner.rest.checks.listForSuite({ ...repo, check_suite_id: 999999 }));
});

await scenario("required_status_check_contexts", async () => {
  const at = { ...repo, branch: "main" };
  await owner.rest.repos.updateBranchProtection({
    ...at, required_status_checks: { strict: true, contexts: ["ci/build"] }, enforce_admins: null,
    required_pull_request_reviews: null, restrictions: null,
  });
  assert.deepEqual((await owner.rest.repos.addStatusCheckContexts({ ...at, contexts: ["lint"] })).data, ["ci/build", "lint"]);
  assert.deepEqual((await owner.rest.repos.setStatusCheckContexts({ ...at, contexts: ["e2e"] })).data, ["e2e"]);
  assert.deepEqual((await owner.rest.repos.removeStatusCheckContexts({ ...at, contexts: ["e2e"] })).data, []);
  assert.deepEqual((await owner.rest.repos.getAllStatusCheckContexts(at)).data, []);
  await owner.rest.repos.deleteBranchProtection(at);
  await fails(404, () => owner.rest.repos.addStatusCheckContexts({ ...at, contexts: ["lint"] }));
});

await scenario("check_run_annotations", async () => {
  const { data: branch } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  const note = { path: "README.md", start_line: 1, end_line: 1, annotation_level: "failure", message: "typo" };
  const output = { title: "Lint", summary: "one", annotations: [note] };
  const { data: run } = await app.rest.checks.create({ ...repo, name: "node-annotated", head_sha: branch.commit.sha, output });
  assert.equal(run.output.annotations_count, 1);
  const notes = await owner.paginate(owner.rest.checks.listAnnotations, { ...repo, check_run_id: run.id });
  assert.deepEqual(notes.map((n) => [n.annotation_level, n.message]), [["failure", "typo"]]);
});

await scenario("check_rerequests_and_preferences", async () => {
  // A commit of its own: the suite has no other run.
  const { data: branch } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/node-rerun", sha: branch.commit.sha });
  const content = Buffer.from("x").toString("base64");
  const file = { ...repo, path: "node-rerun.txt", message: "rerun", content, branch: "node-rerun" };
  const head_sha = (await owner.rest.repos.createOrUpdateFileContents(file)).data.commit.sha;
  const { data: run } = await app.rest.checks.create({ ...repo, name: "node-rerun", head_sha, conclusion: "failure" });
  assert.equal((await app.rest.checks.rerequestRun({ ...repo, check_run_id: run.id })).status, 201);
  const at = { ...repo, check_suite_id: run.check_suite.id };
  const { data: suite } = await owner.rest.checks.getSuite(at);
  assert.deepEqual([suite.status, suite.conclusion], ["queued", null]);
  await app.rest.checks.update({ ...repo, check_run_id: run.id, conclusion: "success" });
  assert.equal((await owner.rest.checks.getSuite(at)).data.conclusion, "success");
  assert.equal((await app.rest.checks.rerequestSuite(at)).status, 201);
  assert.equal((await owner.rest.checks.getSuite(at)).data.status, "queued");
  const { data: queued } = await app.rest.checks.create({ ...repo, name: "node-queued", head_sha });
  await fails(422, () => app.rest.checks.rerequestRun({ ...repo, check_run_id: queued.id }));
  await fails(403, () => owner.rest.checks.rerequestSuite(at));
  const auto_trigger_checks = [{ app_id: 1, setting: false }];
  const { data: prefs } = await owner.rest.checks.setSuitesPreferences({ ...repo, auto_trigger_checks });
  assert.deepEqual(prefs.preferences.auto_trigger_checks, auto_trigger_checks);
  assert.equal(prefs.repository.full_name, "acme/hello-world");
});

await scenario("team_push_restrictions_and_branch_renames", async () => {
  const { data: platform } = await owner.rest.teams.create({ org: "acme", name: "js-platform" });
  await owner.rest.teams.create({ org: "acme", name: "js-storage", parent_team_id: platform.id });
  await owner.rest.teams.create({ org: "acme", name: "js-docs" });
  const { data: main } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  await owner.rest.git.createRef({ ...repo, ref: "refs/heads/js-guarded", sha: main.commit.sha });
  const guarded = { ...repo, branch: "js-guarded" };
  const { data: set } = await owner.rest.repos.updateBranchProtection({
    ...guarded,
    required_status_checks: null,
    enforce_admins: null,
    required_pull_request_reviews: null,
    restrictions: { users: ["octocat"], teams: ["js-docs"] },
  });
  assert.deepEqual(set.restrictions.teams.map((t) => t.slug), ["js-docs"]);
  const push = () => reviewer.rest.repos.createOrUpdateFileContents({
    ...repo, path: "js-team.txt", message: "team", content: Buffer.from("x").toString("base64"), branch: "js-guarded",
  });
  await fails(409, push);
  const slugs = (r) => r.data.map((t) => t.slug);
  assert.deepEqual(slugs(await owner.rest.repos.addTeamAccessRestrictions({ ...guarded, teams: ["js-platform"] })), ["js-docs", "js-platform"]);
  await owner.rest.teams.addOrUpdateMembershipForUserInOrg({ org: "acme", team_slug: "js-storage", username: "hubot" });
  assert.equal((await push()).status, 201);
  assert.deepEqual(slugs(await owner.rest.repos.setTeamAccessRestrictions({ ...guarded, teams: ["js-storage", "js-docs"] })), ["js-storage", "js-docs"]);
  assert.deepEqual(slugs(await owner.rest.repos.removeTeamAccessRestrictions({ ...guarded, teams: ["js-docs"] })), ["js-storage"]);
  assert.deepEqual(slugs(await owner.rest.repos.getTeamsWithAccessToProtectedBranch(guarded)), ["js-storage"]);
  await fails(422, () => owner.rest.repos.addTeamAccessRestrictions({ ...guarded, teams: ["js-ghosts"] }));
  await fails(403, () => reviewer.rest.repos.renameBranch({ ...guarded, new_name: "js-mine" }));
  const { data: renamed, status } = await owner.rest.repos.renameBranch({ ...guarded, new_name: "js-guarded-2" });
  assert.deepEqual([status, renamed.name, renamed.protected], [201, "js-guarded-2", true]);
  await fails(404, () => owner.rest.repos.getBranch(guarded));
  await fails(422, () => owner.rest.repos.renameBranch({ ...repo, branch: "js-guarded-2", new_name: "main" }));
  await fails(404, () => owner.rest.repos.renameBranch({ ...repo, branch: "js-nope", new_name: "x" }));
  await owner.rest.repos.deleteBranchProtection({ ...repo, branch: "js-guarded-2" });
});

await scenario("code_scanning_sarifs_and_analyses", async () => {
  const { gzipSync } = await import("node:zlib");
  const sarif = {
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "js-scanner", rules: [{ id: "js/rule" }] } },
      results: [{ ruleId: "js/rule", message: { text: "a finding" }, locations: [{ physicalLocation: { artifactLocation: { uri: "README.md" }, region: { startLine: 1 } } }] }],
    }],
  };
  const { data: main } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  const upload = {
    ...repo, commit_sha: main.commit.sha, ref: "refs/heads/main",
    sarif: gzipSync(JSON.stringify(sarif)).toString("base64"), tool_name: "js-scanner",
  };
  const { data: receipt, status } = await owner.rest.codeScanning.uploadSarif(upload);
  assert.equal(status, 202);
  const { data: processed } = await owner.rest.codeScanning.getSarif({ ...repo, sarif_id: receipt.id });
  assert.deepEqual([processed.processing_status, processed.errors], ["complete", null]);
  const { data: analyses } = await owner.rest.codeScanning.listRecentAnalyses({ ...repo, sarif_id: receipt.id });
  assert.deepEqual(analyses.map((a) => [a.tool.name, a.results_count, a.rules_count]), [["js-scanner", 1, 1]]);
  const { data: one } = await owner.rest.codeScanning.getAnalysis({ ...repo, analysis_id: analyses[0].id });
  assert.equal(one.sarif_id, receipt.id);
  await fails(400, () => owner.rest.codeScanning.uploadSarif({ ...upload, sarif: "nope" }));
  await fails(404, () => owner.rest.codeScanning.uploadSarif({ ...upload, commit_sha: "0".repeat(40) }));
  await fails(404, () => owner.rest.codeScanning.getSarif({ ...repo, sarif_id: "no-such-upload" }));
  await fails(400, () => owner.rest.codeScanning.deleteAnalysis({ ...repo, analysis_id: one.id }));
  const { data: gone } = await owner.rest.codeScanning.deleteAnalysis({ ...repo, analysis_id: one.id, confirm_delete: "true" });
  assert.deepEqual(gone, { next_analysis_url: null, confirm_delete_url: null });
});

await scenario("code_scanning_alerts", async () => {
  const { gzipSync } = await import("node:zlib");
  const { data: main } = await owner.rest.repos.getBranch({ ...repo, branch: "main" });
  const upload = (lines) => owner.rest.codeScanning.uploadSarif({
    ...repo, commit_sha: main.commit.sha, ref: "refs/heads/main",
    sarif: gzipSync(JSON.stringify({
      version: "2.1.0",
      runs: [{
        tool: { driver: { name: "js-alerts", rules: [{ id: "js/a", defaultConfiguration: { level: "warning" } }] } },
        results: lines.map((n) => ({ ruleId: "js/a", message: { text: `finding ${n}` }, locations: [{ physicalLocation: { artifactLocation: { uri: "README.md" }, region: { startLine: n } } }] })),
      }],
    })).toString("base64"),
  });
  await upload([1, 2]);
  const { data: open } = await owner.rest.codeScanning.listAlertsForRepo({ ...repo, tool_name: "js-alerts", state: "open", severity: "warning" });
  assert.deepEqual(open.map((a) => a.most_recent_instance.location.start_line).sort(), [1, 2]);
  const first = open.find((a) => a.most_recent_instance.location.start_line === 1);
  const { data: one } = await owner.rest.codeScanning.getAlert({ ...repo, alert_number: first.number });
  assert.deepEqual([one.rule.id, one.rule.severity, one.tool.name, one.state], ["js/a", "warning", "js-alerts", "open"]);
  const { data: dismissed } = await owner.rest.codeScanning.updateAlert({
    ...repo, alert_number: first.number, state: "dismissed", dismissed_reason: "won't fix", dismissed_comment: "known",
  });
  assert.deepEqual([dismissed.state, dismissed.dismissed_reason, dismissed.dismissed_by.login], ["dismissed", "won't fix", "octocat"]);
  await fails(400, () => owner.rest.codeScanning.updateAlert({ ...repo, alert_number: first.number, state: "dismissed" }));
  await fails(404, () => owner.rest.codeScanning.getAlert({ ...repo, alert_number: 9999 }));
  await upload([1]);
  const { data: fixed } = await owner.rest.codeScanning.listAlertsForRepo({ ...repo, tool_name: "js-alerts", state: "fixed" });
  assert.deepEqual(fixed.map((a) => a.most_recent_instance.location.start_line), [2]);
  const { data: instances } = await owner.rest.codeScanning.listAlertInstances({ ...repo, alert_number: fixed[0].number });
  assert.deepEqual(instances.map((i) => [i.ref, i.state]), [["refs/heads/main", "fixed"]]);
});
