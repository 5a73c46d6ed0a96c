// @linear/sdk scenarios against a Linear clone: the SDK unmodified but for its apiUrl.
//   LINEAR_API_URL=http://127.0.0.1:3014/graphql LINEAR_API_KEY=lin_api_… LINEAR_OAUTH_TOKEN=… LINEAR_APP_TOKEN=… node scenario.mjs
// ASYM_ADMIN_SECRET (the clone's; with ASYM_ADMIN_URL, its admin surface, which run.sh derives from
// LINEAR_API_URL) lets the rate-limit scenario switch enforcement on, through check.mjs's `admin`.
import {
  AuthenticationLinearError, ForbiddenLinearError, GraphqlLinearError, InvalidInputLinearError, InitiativeNotification, IssueNotification, LinearClient, LinearError, LinearErrorType, NotificationCategory, NotificationChannel, ProjectNotification,
  RatelimitedLinearError, UserFlagType, UserFlagUpdateOperation, UserRoleType,
} from "@linear/sdk";
import { LinearWebhookClient } from "@linear/sdk/webhooks";
import { admin, withReceiver } from "./check.mjs";

const apiUrl = process.env.LINEAR_API_URL;
const linear = new LinearClient({ apiKey: process.env.LINEAR_API_KEY, apiUrl });
const oauth = new LinearClient({ accessToken: process.env.LINEAR_OAUTH_TOKEN, apiUrl });
// The installed app's own user (actor=app), as an agent authenticates.
const app = new LinearClient({ accessToken: process.env.LINEAR_APP_TOKEN, apiUrl });
const ENG = "c0000000-0000-4000-8000-000000000001";

let failures = 0;
async function scenario(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (err) {
    failures += 1;
    console.log(`FAIL ${name}: ${err?.stack ?? err}`);
    if (err?.errors) console.log(JSON.stringify(err.errors, null, 1).slice(0, 1500));
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
async function expectError(promise, type, what) {
  try {
    await promise;
  } catch (err) {
    assert(err.type === type, `${what}: expected ${type}, got ${err.type} (${err.message})`);
    return err;
  }
  throw new Error(`${what}: expected an error`);
}

await scenario("viewer, organization, users", async () => {
  const me = await linear.viewer;
  assert(me.email === "ada@acme.test" && me.isMe && me.admin, "viewer is Ada");
  const other = await oauth.viewer;
  assert(other.email === "ben@acme.test", "oauth viewer is Ben");
  const org = await linear.organization;
  assert(org.name === "Acme" && org.urlKey === "acme", "organization");
  const users = await linear.users();
  assert(users.nodes.length === 3 && users.nodes.filter((u) => u.app).length === 1, "two people and the installed app");
  const ben = await linear.user(other.id);
  assert(ben.displayName === "ben" && !ben.isMe, "user by id");
});

await scenario("teams with states, labels, members, cycles, projects", async () => {
  const teams = await linear.teams();
  assert(teams.nodes.length === 1 && teams.nodes[0].key === "ENG", "one team ENG");
  const team = await linear.team(ENG);
  const states = await team.states();
  const types = states.nodes.map((s) => s.type).sort();
  assert(["backlog", "canceled", "completed", "started", "unstarted"].every((t) => types.includes(t)), "standard states");
  const labels = await team.labels();
  assert(labels.nodes.map((l) => l.name).sort().join() === "Bug,Feature,Improvement", "labels");
  const members = await team.members();
  assert(members.nodes.length === 2, "members");
  const cycle = await team.activeCycle;
  assert(cycle && cycle.isActive && cycle.number === 1, "active cycle");
  const projects = await team.projects();
  assert(projects.nodes[0].name === "Launch", "project");
  const states2 = await linear.workflowStates({ filter: { team: { key: { eq: "ENG" } }, type: { eq: "started" } } });
  assert(states2.nodes.length === 2, "workflowStates filter");
  const labels2 = await linear.issueLabels();
  assert(labels2.nodes.length === 3, "issueLabels");
});

await scenario("issue by identifier with relations, children, comments, labels", async () => {
  const issue = await linear.issue("ENG-1");
  assert(issue.identifier === "ENG-1" && issue.priority === 2 && issue.priorityLabel === "High", "issue fields");
  assert(issue.url.includes("/acme/issue/ENG-1/"), `url ${issue.url}`);
  const [team, state, assignee, project, cycle] = await Promise.all([issue.team, issue.state, issue.assignee, issue.project, issue.cycle]);
  assert(team.key === "ENG" && state.type === "started" && assignee.displayName === "ada", "relations");
  assert(project.name === "Launch" && cycle.number === 1, "project and cycle");
  const children = await issue.children();
  assert(children.nodes.map((c) => c.identifier).sort().join() === "ENG-2,ENG-3", "children");
  const comments = await issue.comments();
  assert(comments.nodes.length === 2, "comments");
  const labels = await issue.labels();
  assert(labels.nodes[0].name === "Feature", "labels");
  const attachments = await issue.attachments();
  assert(attachments.nodes[0].title === "Login mockups", "attachments");
  const parent = await children.nodes[0].parent;
  assert(parent.identifier === "ENG-1", "parent");
});

await scenario("issues: filters, ordering, Relay pagination", async () => {
  const all = await linear.issues();
  assert(all.nodes.length === 6, `six issues, got ${all.nodes.length}`);
  const bugs = await linear.issues({ filter: { labels: { name: { eq: "Bug" } } } });
  assert(bugs.nodes.length === 1 && bugs.nodes[0].identifier === "ENG-4", "label filter");
  const urgent = await linear.issues({ filter: { priority: { lte: 2, gte: 1 } } });
  assert(urgent.nodes.map((i) => i.identifier).sort().join() === "ENG-1,ENG-4", "priority filter");
  const unassigned = await linear.issues({ filter: { assignee: { null: true } } });
  assert(unassigned.nodes.length === 3, "assignee null");
  const mine = await linear.issues({ filter: { assignee: { isMe: { eq: true } } } });
  assert(mine.nodes.length === 1, "isMe");
  const started = await linear.issues({ filter: { state: { type: { in: ["started", "completed"] } } } });
  assert(started.nodes.length === 2, "state type in");
  const either = await linear.issues({ filter: { or: [{ title: { containsIgnoreCase: "LOGIN" } }, { number: { eq: 5 } }] } });
  assert(either.nodes.length === 3, `or filter: ${either.nodes.map((i) => i.identifier)}`);
  const inProject = await linear.issues({ filter: { project: { name: { eq: "Launch" } }, cycle: { number: { eq: 1 } } } });
  assert(inProject.nodes.length === 1, "project and cycle filter");
  const since = await linear.issues({ filter: { createdAt: { gt: "2024-01-04T12:30:00.000Z" } } });
  assert(since.nodes.length === 3, "createdAt comparator");
  const page1 = await linear.issues({ first: 4 });
  assert(page1.nodes.length === 4 && page1.pageInfo.hasNextPage, "first page");
  assert(page1.nodes[0].identifier === "ENG-6", "newest first");
  const cursor = page1.pageInfo.endCursor;
  const page2 = await page1.fetchNext();
  assert(page2.nodes.length === 6 && !page2.pageInfo.hasNextPage, "fetchNext appends the rest");
  const back = await linear.issues({ last: 2, before: cursor });
  assert(back.nodes.length === 2 && back.nodes[1].identifier === "ENG-4", "last/before");
  const updated = await linear.issues({ orderBy: "updatedAt", first: 1 });
  assert(updated.nodes[0].identifier === "ENG-2", "orderBy updatedAt");
});

await scenario("issueCreate, issueUpdate with state transitions and history", async () => {
  const states = await (await linear.team(ENG)).states();
  const byName = Object.fromEntries(states.nodes.map((s) => [s.name, s.id]));
  const created = await linear.createIssue({
    teamId: ENG, title: "Add dark mode", description: "Please", priority: 3,
    labelIds: ["e0000000-0000-4000-8000-000000000002"], dueDate: "2024-05-01",
  });
  assert(created.success && created.lastSyncId > 0, "payload");
  const issue = await created.issue;
  assert(issue.identifier === "ENG-7" && issue.number === 7, `numbered ${issue.identifier}`);
  assert((await issue.state).name === "Backlog", "default state");
  assert(issue.dueDate === "2024-05-01", "dueDate");
  const moved = await linear.updateIssue(issue.id, { stateId: byName["In Progress"], assigneeId: (await linear.viewer).id, estimate: 2 });
  const started = await moved.issue;
  assert(started.startedAt && !started.completedAt, "startedAt set");
  const done = await (await linear.updateIssue(issue.id, { stateId: byName.Done })).issue;
  assert(done.completedAt, "completedAt set");
  const history = await done.history();
  assert(history.nodes.length >= 2, `history ${history.nodes.length}`);
  assert(history.nodes.some((h) => h.toStateId === byName.Done && h.fromStateId === byName["In Progress"]), "state change recorded");
  const labeled = await (await linear.issueAddLabel(issue.id, "e0000000-0000-4000-8000-000000000001")).issue;
  assert(labeled.labelIds.length === 2, "issueAddLabel");
  const unlabeled = await (await linear.issueRemoveLabel(issue.id, "e0000000-0000-4000-8000-000000000002")).issue;
  assert(unlabeled.labelIds.join() === "e0000000-0000-4000-8000-000000000001", "issueRemoveLabel");
  const child = await (await linear.createIssue({ teamId: ENG, title: "Sub task", parentId: issue.id })).issue;
  assert((await child.parent).id === issue.id, "parent");
});

await scenario("archive, unarchive, delete (trash), batch update", async () => {
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Temporary" })).issue;
  const archived = await linear.archiveIssue(issue.id);
  assert(archived.success, "archived");
  const visible = await linear.issues({ filter: { title: { eq: "Temporary" } } });
  assert(visible.nodes.length === 0, "archived hidden");
  const withArchived = await linear.issues({ filter: { title: { eq: "Temporary" } }, includeArchived: true });
  assert(withArchived.nodes.length === 1 && withArchived.nodes[0].archivedAt, "includeArchived");
  await linear.unarchiveIssue(issue.id);
  assert((await linear.issues({ filter: { title: { eq: "Temporary" } } })).nodes.length === 1, "unarchived");
  await linear.deleteIssue(issue.id);
  const trashed = await linear.issue(issue.id);
  assert(trashed.trashed === true && trashed.archivedAt, "trashed");
  const batch = await linear.updateIssueBatch(["20000000-0000-4000-8000-000000000003", "20000000-0000-4000-8000-000000000005"], { priority: 1 });
  assert(batch.success && batch.issues.length === 2 && batch.issues.every((i) => i.priority === 1), "batch");
});

await scenario("comments, labels, projects, cycles, workflow states", async () => {
  // Linear takes "a UUID or issue identifier" for issueId.
  const comment = await (await linear.createComment({ issueId: "ENG-4", body: "Fixed in #42" })).comment;
  assert((await comment.issue).id === "20000000-0000-4000-8000-000000000004", "commentCreate by identifier");
  assert(comment.body === "Fixed in #42" && (await comment.user).displayName === "ada", "commentCreate");
  const edited = await (await linear.updateComment(comment.id, { body: "Fixed in #43" })).comment;
  assert(edited.body === "Fixed in #43" && edited.editedAt, "commentUpdate");
  const deleted = await linear.deleteComment(comment.id);
  assert(deleted.success && deleted.entityId === comment.id, "commentDelete");
  const label = await (await linear.createIssueLabel({ name: "Security", color: "#ff0000", teamId: ENG })).issueLabel;
  assert(label.name === "Security", "issueLabelCreate");
  await linear.updateIssueLabel(label.id, { name: "Sec" });
  assert((await linear.issueLabel(label.id)).name === "Sec", "issueLabelUpdate");
  assert((await linear.deleteIssueLabel(label.id)).success, "issueLabelDelete");
  const project = await (await linear.createProject({ name: "Mobile", teamIds: [ENG] })).project;
  assert(project.name === "Mobile" && (await project.status).type === "planned", "projectCreate");
  const renamed = await (await linear.updateProject(project.id, { name: "Mobile app", priority: 1 })).project;
  assert(renamed.name === "Mobile app" && renamed.priorityLabel === "Urgent", "projectUpdate");
  assert((await linear.archiveProject(project.id)).success, "projectArchive");
  const restored = await linear.unarchiveProject(project.slugId);
  assert(restored.success && !(await restored.entity).archivedAt, "projectUnarchive by slugId");
  const trashed = await linear.deleteProject(project.id);
  assert(trashed.success && (await trashed.entity).trashed === true, "projectDelete trashes");
  const cycle = await (await linear.createCycle({ teamId: ENG, startsAt: new Date(Date.now() + 30 * 86400e3), endsAt: new Date(Date.now() + 44 * 86400e3) })).cycle;
  assert(cycle.number === 2 && cycle.isFuture, "cycleCreate");
  const named = await (await linear.updateCycle(cycle.id, { name: "Polish" })).cycle;
  assert(named.name === "Polish", "cycleUpdate");
  const archivedCycle = await linear.archiveCycle(cycle.id);
  assert(archivedCycle.success && archivedCycle.lastSyncId > 0, "cycleArchive");
  assert((await linear.cycles()).nodes.every((c) => c.id !== cycle.id), "archived cycle hidden");
  assert((await linear.cycles({ includeArchived: true })).nodes.some((c) => c.id === cycle.id), "includeArchived");
  const state = await (await linear.createWorkflowState({ teamId: ENG, name: "QA", type: "started", color: "#00ff00" })).workflowState;
  assert(state.name === "QA" && state.type === "started", "workflowStateCreate");
  const link = await (await linear.attachmentLinkURL("20000000-0000-4000-8000-000000000004", "https://example.com/log")).attachment;
  assert(link.url === "https://example.com/log", "attachmentLinkURL");
  const again = await (await linear.createAttachment({ issueId: "20000000-0000-4000-8000-000000000004", url: "https://example.com/log", title: "Crash log" })).attachment;
  assert(again.id === link.id && again.title === "Crash log", "attachmentCreate upserts by URL");
});

await scenario("issue relations: createIssueRelation, relations, inverseRelations", async () => {
  const [a, b] = [await linear.issue("ENG-2"), await linear.issue("ENG-3")];
  const before = (await a.relations()).nodes.length;
  const created = await linear.createIssueRelation({ issueId: a.id, relatedIssueId: b.id, type: "blocks" });
  assert(created.success, "relation created");
  const id = (await created.issueRelation).id;
  const relations = (await a.relations()).nodes;
  assert(relations.length === before + 1 && relations.some((r) => r.id === id && r.type === "blocks"), "relations");
  const inverse = (await b.inverseRelations()).nodes.find((r) => r.id === id);
  assert(inverse && (await inverse.issue).id === a.id, "inverse relation");
  await linear.deleteIssueRelation(id);
  assert((await a.relations()).nodes.length === before, "relation deleted");
});

await scenario("validation: a second relation of the same issues and type, a url that is not a URL, blank names and titles, colours that are not hex", async () => {
  const refused = async (promise, what, said) => {
    const err = await expectError(promise, LinearErrorType.InvalidInput, what);
    assert(err instanceof InvalidInputLinearError && err.status === 400, `${what}: ${err.message}`);
    assert(err.errors[0].message === said, `${what}: ${JSON.stringify(err.errors)}`);
  };
  const [eng5, eng4] = [await linear.issue("ENG-5"), await linear.issue("ENG-4")];
  await refused(linear.createIssueRelation({ issueId: eng5.id, relatedIssueId: eng4.id, type: "blocks" }), "a second blocks relation", "The issues already have a relation of this type.");
  const other = await linear.createIssueRelation({ issueId: eng5.id, relatedIssueId: eng4.id, type: "related" });
  await linear.deleteIssueRelation((await other.issueRelation).id);
  await refused(linear.createAttachment({ issueId: "ENG-3", url: "not a url", title: "Spec" }), "an attachment url", "url must be a URL address");
  await refused(linear.createTeam({ name: "  " }), "a blank team name", "name should not be empty");
  await refused(linear.createProject({ name: "", teamIds: [ENG] }), "an empty project name", "name should not be empty");
  await refused(linear.createIssueLabel({ name: " ", teamId: ENG }), "a blank label name", "name should not be empty");
  await refused(linear.createCycle({ teamId: ENG, name: " ", startsAt: new Date("2031-01-01"), endsAt: new Date("2031-01-15") }), "a blank cycle name", "name should not be empty");
  await refused(linear.createIssue({ teamId: ENG, title: "" }), "an empty issue title", "title should not be empty");
  await refused(linear.updateIssue("ENG-1", { title: " " }), "a blank issue title on update", "title should not be empty");
  await refused(linear.createIssueLabel({ name: "Docs", teamId: ENG, color: "red" }), "a label colour", "color must be a hexadecimal color");
  await refused(linear.updateTeam(ENG, { color: "#12345" }), "a team colour", "color must be a hexadecimal color");
  const label = await (await linear.createIssueLabel({ name: "Docs", teamId: ENG, color: "#0a0b0c" })).issueLabel;
  assert(label.color === "#0a0b0c", "a hex colour is taken");
  await linear.deleteIssueLabel(label.id);
});

await scenario("issue filters: children, comments, attachments, subscribers, reactions, relation comparators, searchableContent, snoozes; cycles and projects by their issues, isInCooldown", async () => {
  const parent = await (await linear.createIssue({ teamId: ENG, title: "Filter parent", description: "Holds the QUARTZ token" })).issue;
  const child = await (await linear.createIssue({ teamId: ENG, title: "Filter child", parentId: parent.id })).issue;
  await linear.createComment({ issueId: child.id, body: "a comment only the child has" });
  await linear.createAttachment({ issueId: parent.id, title: "Filter spec", url: "https://example.com/filter/spec" });
  await linear.createIssueRelation({ issueId: parent.id, relatedIssueId: child.id, type: "blocks" });
  const pair = { id: { in: [parent.id, child.id] } };
  const picked = async (filter) => (await linear.issues({ filter: { ...pair, ...filter } })).nodes.map((i) => i.title).sort().join();
  assert(await picked({ children: { length: { gt: 0 } } }) === "Filter parent", "children");
  assert(await picked({ children: { some: { title: { eq: "Filter child" } } } }) === "Filter parent", "children some");
  assert(await picked({ comments: { some: { body: { contains: "only the child" } } } }) === "Filter child", "comments");
  assert(await picked({ attachments: { some: { title: { eq: "Filter spec" } } } }) === "Filter parent", "attachments");
  assert(await picked({ hasBlockingRelations: { eq: true } }) === "Filter parent", "hasBlockingRelations");
  assert(await picked({ hasBlockedByRelations: { eq: true } }) === "Filter child", "hasBlockedByRelations");
  assert(await picked({ hasDuplicateRelations: { eq: true } }) === "", "hasDuplicateRelations");
  assert(await picked({ searchableContent: { contains: "quartz" } }) === "Filter parent", "searchableContent");
  assert(await picked({ subscribers: { some: { isMe: { eq: true } } } }) === "Filter child,Filter parent", "subscribers (the creator)");
  assert(await picked({ subscribers: { some: { isMe: { eq: false } } } }) === "", "no one else subscribed");
  await linear.createReaction({ issueId: child.id, emoji: "eyes" });
  assert(await picked({ reactions: { some: { emoji: { eq: "eyes" } } } }) === "Filter child", "reactions");
  assert(await picked({ snoozedUntilAt: { null: true }, delegate: { null: true } }) === "Filter child,Filter parent", "never snoozed nor delegated");
  const cycles = await linear.cycles({ filter: { isInCooldown: { eq: false }, issues: { some: { number: { eq: 1 } } } } });
  assert(cycles.nodes.length === 1 && cycles.nodes[0].number === 1, "cycles by isInCooldown and their issues");
  const projects = await linear.projects({ filter: { issues: { some: { number: { eq: 1 } } } } });
  assert(projects.nodes.map((p) => p.name).join() === "Launch", "projects by their issues");
  await linear.deleteIssue(child.id, { permanentlyDelete: true });
  await linear.deleteIssue(parent.id, { permanentlyDelete: true });
});

await scenario("projectStatuses, rateLimitStatus, attachmentLinkSlack, attachmentLinkGitHubPR, attachmentLinkGitHubIssue", async () => {
  const statuses = await linear.projectStatuses();
  const types = statuses.nodes.map((s) => s.type).sort().join();
  assert(types === "backlog,canceled,completed,paused,planned,started", `projectStatuses: ${types}`);
  assert(statuses.nodes.find((s) => s.type === "paused").indefinite === true, "indefinite");
  const status = await linear.rateLimitStatus;
  const requests = status.limits.find((l) => l.type === "requests");
  assert(status.kind === "api" && requests && requests.allowedAmount > 0 && requests.period === 3600000 && requests.reset > Date.now(), JSON.stringify(status));
  const slack = await linear.attachmentLinkSlack("ENG-6", "https://acme.slack.com/archives/C0123/p1700000000000200");
  const slackAttachment = await slack.attachment;
  assert(slack.success && slackAttachment.url.includes("slack.com") && slackAttachment.title === slackAttachment.url, "attachmentLinkSlack");
  const pr = await linear.attachmentLinkGitHubPR("ENG-6", "https://github.com/acme/app/pull/43", { title: "Drop the export" });
  assert((await pr.attachment).title === "Drop the export", "attachmentLinkGitHubPR");
  const issue = await linear.attachmentLinkGitHubIssue("ENG-6", "https://github.com/acme/app/issues/8");
  assert((await (await issue.attachment).issue).identifier === "ENG-6", "attachmentLinkGitHubIssue");
  for (const payload of [slack, pr, issue]) await linear.deleteAttachment((await payload.attachment).id);
});

await scenario("labels: issueLabelRetire keeps a label on its issues but off new ones, issueLabelRestore", async () => {
  const label = await (await linear.createIssueLabel({ name: "Legacy", teamId: ENG })).issueLabel;
  const kept = await (await linear.createIssue({ teamId: ENG, title: "Has the legacy label", labelIds: [label.id] })).issue;
  const retired = await linear.issueLabelRetire(label.id);
  const retiredLabel = await retired.issueLabel;
  assert(retired.success && (await retiredLabel.retiredBy).email === "ada@acme.test", "retiredBy");
  assert((await kept.labels()).nodes.some((l) => l.id === label.id), "its issue keeps it");
  const err = await expectError(linear.createIssue({ teamId: ENG, title: "New", labelIds: [label.id] }), LinearErrorType.InvalidInput, "a retired label on a new issue");
  assert(err.errors[0].message === "A retired label cannot be applied to a new issue.", JSON.stringify(err.errors));
  const restored = await linear.issueLabelRestore(label.id);
  assert(restored.success && (await restored.issueLabel).retiredBy === undefined, "restored");
  await linear.createIssue({ teamId: ENG, title: "New again", labelIds: [label.id] });
});

await scenario("issue.stateHistory: a span per state, each ending when the next begins", async () => {
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Time in each state" })).issue;
  const states = (await linear.workflowStates({ filter: { team: { id: { eq: ENG } } } })).nodes;
  const started = states.find((s) => s.name === "In Progress");
  await linear.updateIssue(issue.id, { stateId: started.id });
  const spans = (await issue.stateHistory()).nodes;
  assert(spans.length === 2, `two spans: ${spans.length}`);
  assert(spans[0].stateId === started.id && spans[0].endedAt === undefined, "the open span is In Progress");
  assert(spans[1].endedAt.getTime() === spans[0].startedAt.getTime(), "Backlog ended when In Progress began");
  assert((await spans[1].state).name === "Backlog", "created in Backlog");
});

await scenario("searchIssues", async () => {
  const found = await linear.searchIssues("login");
  assert(found.nodes.length === 2 && found.totalCount === 2, `search ${found.nodes.length}`);
});

await scenario("issueSearch (deprecated): by query and filter, paged", async () => {
  const found = await linear.issueSearch({ query: "login" });
  assert(found.nodes.map((i) => i.identifier).join() === "ENG-2,ENG-1", `issueSearch ${found.nodes.length}`);
  const one = await linear.issueSearch({ query: "LOGIN", filter: { number: { eq: 1 } } });
  assert(one.nodes.length === 1 && one.nodes[0].identifier === "ENG-1", "filtered");
  const page = await linear.issueSearch({ first: 4 });
  assert(page.nodes.length === 4 && page.pageInfo.hasNextPage, "first page");
  const all = (await linear.issues()).nodes.map((i) => i.id);
  const next = await page.fetchNext();
  assert(next.nodes.length === Math.min(all.length, 8) && next.nodes.every((i, n) => i.id === all[n]), `paged ${next.nodes.length}`);
});

await scenario("searchProjects, issueVcsBranchSearch", async () => {
  const projects = await linear.searchProjects("launch");
  assert(projects.totalCount === 1 && projects.nodes[0].name === "Launch", `searchProjects ${projects.nodes.length}`);
  const issue = await linear.issueVcsBranchSearch("ada/eng-2-design-the-login-form");
  assert(issue?.identifier === "ENG-2", `branch ${issue?.identifier}`);
  assert((await linear.issueVcsBranchSearch("main")) == null, "a branch naming no issue");
});

await scenario("team memberships: createTeamMembership, updateTeamMembership, deleteTeamMembership", async () => {
  const ben = await oauth.viewer;
  const [mine] = (await ben.teamMemberships()).nodes;
  assert((await mine.team).id === ENG, "Ben is in ENG");
  const left = await linear.deleteTeamMembership(mine.id, { alsoLeaveParentTeams: false });
  assert(left.success && left.entityId === mine.id, "teamMembershipDelete");
  assert((await ben.teams()).nodes.length === 0, "Ben left ENG");
  const joined = await (await linear.createTeamMembership({ teamId: ENG, userId: ben.id, sortOrder: 2 })).teamMembership;
  assert(joined.sortOrder === 2 && !joined.owner && (await joined.user).id === ben.id, "teamMembershipCreate");
  assert((await ben.teams()).nodes.map((t) => t.key).join() === "ENG", "Ben is back in ENG");
  const updated = await (await linear.updateTeamMembership(joined.id, { owner: true })).teamMembership;
  assert(updated.owner && updated.sortOrder === 2, "teamMembershipUpdate");
  const twice = await expectError(linear.createTeamMembership({ teamId: ENG, userId: ben.id }), LinearErrorType.InvalidInput, "a second membership");
  assert(twice.message.includes("already a member"), twice.message);
});

await scenario("custom views: createCustomView, customViews, customView issues and projects, updateCustomView, deleteCustomView", async () => {
  const created = await (await linear.createCustomView({ name: "Login work", teamId: ENG, shared: true, filterData: { title: { containsIgnoreCase: "login" } } })).customView;
  assert(created.modelName === "Issue" && created.shared && (await created.owner).email === "ada@acme.test", "customViewCreate");
  assert((await created.team).key === "ENG" && created.filterData.title.containsIgnoreCase === "login", "its team and filter");
  const view = await linear.customView(created.id);
  const issues = (await view.issues()).nodes.map((i) => i.identifier);
  assert(issues.includes("ENG-1") && issues.includes("ENG-2") && issues.every((i) => i.startsWith("ENG-")), `view issues ${issues}`);
  const mine = await (await linear.createCustomView({ name: "Launch", projectFilterData: { name: { eq: "Launch" } } })).customView;
  assert(mine.modelName === "Project" && !mine.shared, "a personal view of projects");
  assert((await (await linear.customView(mine.id)).projects()).nodes.map((p) => p.name).join() === "Launch", "view projects");
  assert((await oauth.customViews()).nodes.every((v) => v.id !== mine.id), "another's personal view is hidden");
  await expectError(oauth.customView(mine.id), LinearErrorType.InvalidInput, "another's personal view");
  const renamed = await (await oauth.updateCustomView(created.id, { name: "Login" })).customView;
  assert(renamed.name === "Login" && (await renamed.updatedBy).email === "ben@acme.test", "customViewUpdate");
  const deleted = await linear.deleteCustomView(mine.id);
  assert(deleted.success && deleted.entityId === mine.id, "customViewDelete");
  assert((await linear.customViews()).nodes.map((v) => v.name).join() === "Login", "customViews");
  await linear.deleteCustomView(created.id);
});

await scenario("teams: createTeam with its workflow states, updateTeam, updateWorkflowState, archiveWorkflowState, deleteTeam, unarchiveTeam", async () => {
  const team = await (await linear.createTeam({ name: "Research", key: "rsc" })).team;
  assert(team.key === "RSC" && team.name === "Research", "teamCreate");
  const states = (await team.states()).nodes.map((s) => s.name);
  assert(["Backlog", "Todo", "In Progress", "In Review", "Done", "Canceled", "Duplicate"].every((n) => states.includes(n)), `states ${states}`);
  const [membership] = (await team.memberships()).nodes;
  assert(membership.owner && (await membership.user).email === "ada@acme.test", "the creator is an owner");
  const issue = await (await linear.createIssue({ teamId: team.id, title: "First" })).issue;
  assert(issue.identifier === "RSC-1" && (await issue.state).name === "Backlog", `issue ${issue.identifier}`);
  const updated = await (await linear.updateTeam(team.id, { description: "Reading" })).team;
  assert(updated.description === "Reading", "teamUpdate");
  const taken = await expectError(linear.createTeam({ name: "Again", key: "RSC" }), LinearErrorType.InvalidInput, "a key in use");
  assert(taken.message.includes("already exists"), taken.message);
  const review = (await team.states()).nodes.find((s) => s.name === "In Review");
  const renamed = await (await linear.updateWorkflowState(review.id, { name: "Review", color: "#00aa00" })).workflowState;
  assert(renamed.name === "Review" && renamed.color === "#00aa00", "workflowStateUpdate");
  const archived = await linear.archiveWorkflowState(review.id);
  assert(archived.success && (await archived.entity).archivedAt, "workflowStateArchive");
  const backlog = (await team.states()).nodes.find((s) => s.name === "Backlog");
  await expectError(linear.archiveWorkflowState(backlog.id), LinearErrorType.InvalidInput, "a state with issues");
  const deleted = await linear.deleteTeam(team.id);
  assert(deleted.success && deleted.entityId === team.id, "teamDelete");
  assert((await linear.teams()).nodes.every((t) => t.id !== team.id), "an archived team is not listed");
  const restored = await linear.unarchiveTeam(team.id);
  assert(restored.success && !(await restored.entity).archivedAt, "teamUnarchive");
  assert((await linear.teams()).nodes.some((t) => t.id === team.id), "listed again");
});

await scenario("triage: createTeam and updateTeam with triageEnabled, team.triageIssueState, an issue opened into triage and triaged", async () => {
  const team = await (await linear.createTeam({ name: "Support desk", triageEnabled: true })).team;
  const triage = await team.triageIssueState;
  assert(team.triageEnabled && triage.type === "triage" && triage.name === "Triage", "triage state");
  assert(triage.color === "#FC7840" && triage.description === "Issue needs to be triaged", `triage's colour ${triage.color}, ${triage.description}`);
  const issue = await (await linear.createIssue({ teamId: team.id, title: "Customer report", stateId: triage.id })).issue;
  assert((await issue.state).type === "triage", "issue in triage");
  const inbox = await team.issues({ filter: { state: { type: { eq: "triage" } } } });
  assert(inbox.nodes.length === 1 && inbox.nodes[0].id === issue.id, "the team's triage inbox");
  const backlog = (await team.states()).nodes.find((s) => s.type === "backlog");
  const triaged = await (await linear.updateIssue(issue.id, { stateId: backlog.id })).issue;
  assert(triaged.triagedAt instanceof Date, "triagedAt once it leaves triage");
  const off = await (await linear.updateTeam(team.id, { triageEnabled: false })).team;
  assert(!off.triageEnabled && off.triageIssueState === undefined, "triage off");
  await linear.deleteTeam(team.id);
});

await scenario("project relations: createProjectRelation (a dependency, anchored), project.relations and inverseRelations, projectRelations, filters on them, a second refused, update, delete", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const docs = await (await linear.createProject({ name: "Docs site", teamIds: [ENG] })).project;
  const created = await linear.createProjectRelation({ projectId: launch.id, relatedProjectId: docs.id, type: "dependency", anchorType: "end", relatedAnchorType: "start" });
  const relation = await created.projectRelation;
  assert(created.success && relation.type === "dependency" && relation.anchorType === "end" && relation.relatedAnchorType === "start", "created");
  assert(relation.projectId === launch.id && relation.relatedProjectId === docs.id && (await relation.relatedProject).name === "Docs site", "its projects");
  assert((await launch.relations()).nodes.map((r) => r.id).join() === relation.id && (await docs.inverseRelations()).nodes.map((r) => r.id).join() === relation.id, "the blocker's relation, the blocked project's inverse relation");
  assert((await linear.projectRelations()).nodes.some((r) => r.id === relation.id) && (await linear.projectRelation(relation.id)).id === relation.id, "projectRelations, projectRelation");
  const blocked = await linear.projects({ filter: { hasBlockedByRelations: { eq: true } } });
  const blocking = await linear.projects({ filter: { hasBlockingRelations: { eq: true } } });
  assert(blocked.nodes.map((p) => p.id).join() === docs.id && blocking.nodes.map((p) => p.id).join() === launch.id, "ProjectFilter's hasBlockedByRelations, hasBlockingRelations");
  const twice = await expectError(linear.createProjectRelation({ projectId: docs.id, relatedProjectId: launch.id, type: "dependency", anchorType: "end", relatedAnchorType: "start" }), LinearErrorType.InvalidInput, "a second dependency between them");
  assert(twice.errors[0].message === "A dependency of the same type already exists between the two projects", twice.errors[0].message);
  const blocks = await expectError(linear.createProjectRelation({ projectId: docs.id, relatedProjectId: launch.id, type: "blocks", anchorType: "end", relatedAnchorType: "start" }), LinearErrorType.InvalidInput, "type blocks");
  assert(blocks.errors[0].message === "type must be one of the following values: dependency", blocks.errors[0].message);
  const milestone = (await launch.projectMilestones()).nodes.find((m) => m.name === "GA");
  const updated = await (await linear.updateProjectRelation(relation.id, { anchorType: "milestone", projectMilestoneId: milestone.id })).projectRelation;
  assert(updated.anchorType === "milestone" && updated.projectMilestoneId === milestone.id, "anchored at GA");
  assert((await linear.deleteProjectRelation(relation.id)).success && (await docs.inverseRelations()).nodes.length === 0, "deleted");
  await linear.deleteProject(docs.id);
});

await scenario("project and initiative labels: createProjectLabel (a group and its child), projectLabels with a filter, projectAddLabel, project.labels and labelIds, label.projects, retire and restore, projectRemoveLabel, delete; the same of initiatives", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const size = await (await linear.createProjectLabel({ name: "Size", isGroup: true })).projectLabel;
  const large = await (await linear.createProjectLabel({ name: "Large", parentId: size.id, color: "#ff0000" })).projectLabel;
  assert(size.isGroup && large.parentId === size.id && large.color === "#ff0000", "a group and its child");
  assert((await linear.projectLabels({ filter: { parent: { name: { eq: "Size" } } } })).nodes.map((l) => l.id).join() === large.id, "projectLabels(filter)");
  assert((await (await linear.organization).projectLabels()).nodes.length === 2, "organization.projectLabels");
  const added = await (await linear.projectAddLabel(launch.id, large.id)).project;
  assert(added.labelIds.join() === large.id && (await added.labels()).nodes.map((l) => l.name).join() === "Large", "projectAddLabel, labels");
  assert((await large.projects()).nodes.map((p) => p.id).join() === launch.id, "label.projects");
  assert((await linear.projects({ filter: { labels: { some: { name: { eq: "Large" } } } } })).nodes.map((p) => p.id).join() === launch.id, "ProjectFilter.labels");
  const retired = await (await linear.projectLabelRetire(large.id)).projectLabel;
  assert(retired.retiredById === (await linear.viewer).id, "retired by the viewer");
  assert((await (await linear.projectLabelRestore(large.id)).projectLabel).retiredById === undefined, "restored");
  assert((await (await linear.projectRemoveLabel(launch.id, large.id)).project).labelIds.length === 0, "projectRemoveLabel");
  assert((await linear.deleteProjectLabel(large.id)).success && (await linear.deleteProjectLabel(size.id)).success, "deleted");
  const ship = (await linear.initiatives()).nodes.find((i) => i.name === "Ship v1");
  const growth = await (await linear.createInitiativeLabel({ name: "Growth" })).initiativeLabel;
  const labelled = await (await linear.initiativeAddLabel(ship.id, growth.id)).initiative;
  assert(labelled.labelIds.join() === growth.id && (await labelled.labels()).nodes.map((l) => l.name).join() === "Growth", "initiativeAddLabel, initiative.labels");
  assert((await linear.initiativeLabels({ filter: { name: { eq: "Growth" } } })).nodes.map((l) => l.id).join() === growth.id, "initiativeLabels(filter)");
  assert((await (await linear.initiativeRemoveLabel(ship.id, growth.id)).initiative).labelIds.length === 0 && (await linear.deleteInitiativeLabel(growth.id)).success, "initiativeRemoveLabel, deleteInitiativeLabel");
});

await scenario("validationErrors: every field a validator refused, as class-validator reports it (property, constraints, children)", async () => {
  const errorsOf = async (promise, what) => {
    const err = await expectError(promise, LinearErrorType.InvalidInput, what);
    assert(err.raw?.response?.errors?.[0]?.message === "Argument Validation Error", `${what}: ${err.message}`);
    return err.raw.response.errors[0].extensions.validationErrors;
  };
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const values = "must be one of the following values: start, end, milestone";
  const anchors = await errorsOf(linear.createProjectRelation({ projectId: launch.id, relatedProjectId: launch.id, type: "dependency", anchorType: "project", relatedAnchorType: "project" }), "both anchors");
  assert(JSON.stringify(anchors) === JSON.stringify([
    { property: "anchorType", constraints: { isEnum: `anchorType ${values}` }, children: [] },
    { property: "relatedAnchorType", constraints: { isEnum: `relatedAnchorType ${values}` }, children: [] },
  ]), JSON.stringify(anchors));
  const team = await errorsOf(linear.createTeam({ name: "", color: "blue" }), "a team's name and colour");
  assert(team.map((e) => `${e.property}:${Object.keys(e.constraints)}`).join() === "name:isNotEmpty,color:isHexColor", JSON.stringify(team));
  const action = await errorsOf(linear.createTriageResponsibility({ teamId: ENG, action: "ping" }), "a triage action");
  assert(action[0].constraints.isEnum === "action must be one of the following values: assign, notify", JSON.stringify(action));
});

await scenario("retired project and initiative labels stay where they are and go on nothing new (projectAddLabel, labelIds); restored, they do", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const legacy = await (await linear.createProjectLabel({ name: "Legacy" })).projectLabel;
  await linear.projectAddLabel(launch.id, legacy.id);
  await linear.projectLabelRetire(legacy.id);
  assert((await (await linear.updateProject(launch.id, { labelIds: [legacy.id] })).project).labelIds.join() === legacy.id, "it stays on Launch");
  const refusedWith = async (promise, what, said) => {
    const err = await expectError(promise, LinearErrorType.InvalidInput, what);
    assert(err.errors[0].message === said, `${what}: ${err.errors[0].message}`);
  };
  const onProjects = "A retired label cannot be applied to new projects.";
  await refusedWith(linear.createProject({ name: "Beta", teamIds: [ENG], labelIds: [legacy.id] }), "on a new project", onProjects);
  const beta = await (await linear.createProject({ name: "Beta", teamIds: [ENG] })).project;
  await refusedWith(linear.projectAddLabel(beta.id, legacy.id), "added to another", onProjects);
  await refusedWith(linear.updateProject(beta.id, { labelIds: [legacy.id] }), "set on another", onProjects);
  await linear.projectLabelRestore(legacy.id);
  assert((await (await linear.projectAddLabel(beta.id, legacy.id)).project).labelIds.join() === legacy.id, "restored, it goes on");
  await linear.deleteProject(beta.id);
  await linear.projectRemoveLabel(launch.id, legacy.id);
  await linear.deleteProjectLabel(legacy.id);
  const old = await (await linear.createInitiativeLabel({ name: "Old" })).initiativeLabel;
  await linear.initiativeLabelRetire(old.id);
  await refusedWith(linear.createInitiative({ name: "Grow", labelIds: [old.id] }), "on a new initiative", "A retired label cannot be applied to new initiatives.");
  await linear.deleteInitiativeLabel(old.id);
});

await scenario("ProjectFilter: hasViolatedRelations (a dependency whose blocker ends after the blocked project starts), projectMilestones, projectUpdates, initiatives; InitiativeFilter.initiativeUpdates", async () => {
  const early = await (await linear.createProject({ name: "Early", teamIds: [ENG], targetDate: "2030-03-01" })).project;
  const late = await (await linear.createProject({ name: "Late", teamIds: [ENG], startDate: "2030-02-01" })).project;
  const relation = await (await linear.createProjectRelation({ projectId: early.id, relatedProjectId: late.id, type: "dependency", anchorType: "end", relatedAnchorType: "start" })).projectRelation;
  const names = async (filter) => (await linear.projects({ filter })).nodes.map((p) => p.name).join();
  assert(await names({ hasViolatedRelations: { eq: true } }) === "Late,Early", "both ends violated");
  await linear.updateProject(late.id, { startDate: "2030-03-02" });
  assert(await names({ hasViolatedRelations: { eq: true } }) === "", "no longer violated");
  // Anchored at its start in the projectId slot, Early waits for Late's end: it is the one blocked.
  const reversed = await linear.createProjectRelation({ projectId: early.id, relatedProjectId: late.id, type: "dependency", anchorType: "start", relatedAnchorType: "end" }).catch(() => null);
  assert(reversed === null, "a second dependency between the same projects is refused");
  await linear.updateProjectRelation(relation.id, { anchorType: "start", relatedAnchorType: "end" });
  assert(await names({ and: [{ hasBlockedByRelations: { eq: true } }, { name: { in: ["Early", "Late"] } }] }) === "Early", "the start-anchored end waits");
  assert(await names({ and: [{ hasBlockingRelations: { eq: true } }, { name: { in: ["Early", "Late"] } }] }) === "Late", "the other blocks");
  assert(await names({ projectMilestones: { some: { name: { eq: "GA" } } } }) === "Launch", "ProjectFilter.projectMilestones");
  assert(await names({ initiatives: { some: { name: { eq: "Ship v1" } } } }) === "Launch", "ProjectFilter.initiatives");
  assert(await names({ and: [{ projectUpdates: { length: { eq: 0 } } }, { name: { in: ["Early", "Late"] } }] }) === "Late,Early", "ProjectFilter.projectUpdates");
  const quiet = await linear.initiatives({ filter: { initiativeUpdates: { length: { gte: 0 } } } });
  assert(quiet.nodes.some((i) => i.name === "Ship v1"), "InitiativeFilter.initiativeUpdates");
  await linear.deleteProjectRelation(relation.id);
  await linear.deleteProject(early.id);
  await linear.deleteProject(late.id);
});

await scenario("project statuses: createProjectStatus, updateProjectStatus, archiveProjectStatus (kept by its projects, listed with includeArchived), unarchiveProjectStatus; viewer.delegatedIssues (none)", async () => {
  const created = await linear.createProjectStatus({ name: "Review", type: "started", color: "#aa00ff", position: 2.5, description: "Waiting on sign-off" });
  const status = await created.status;
  assert(created.success && status.name === "Review" && status.type === "started" && status.description === "Waiting on sign-off" && status.indefinite === false, "created");
  const updated = await (await linear.updateProjectStatus(status.id, { name: "In review", indefinite: true })).status;
  assert(updated.name === "In review" && updated.indefinite === true, "updated");
  const project = await (await linear.createProject({ name: "Reviewed", teamIds: [ENG], statusId: status.id })).project;
  const archived = await linear.archiveProjectStatus(status.id);
  assert(archived.success && (await archived.entity).archivedAt instanceof Date, "archived");
  assert(!(await linear.projectStatuses()).nodes.some((s) => s.id === status.id) && (await linear.projectStatuses({ includeArchived: true })).nodes.some((s) => s.id === status.id), "listed only with includeArchived");
  assert((await (await linear.project(project.id)).status).id === status.id, "its project keeps it");
  const back = await linear.unarchiveProjectStatus(status.id);
  assert(back.success && (await back.entity).archivedAt === undefined, "unarchived");
  const blank = await expectError(linear.createProjectStatus({ name: " ", type: "started", color: "#aa00ff", position: 1 }), LinearErrorType.InvalidInput, "a blank name");
  assert(blank.errors[0].message === "name should not be empty", blank.errors[0].message);
  await linear.deleteProject(project.id);
  assert((await (await linear.viewer).delegatedIssues()).nodes.length === 0, "delegatedIssues");
});

await scenario("external links: createEntityExternalLink of a project and of an initiative, entityExternalLink, project.externalLinks, initiative.links, update, delete", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const [ship] = (await linear.initiatives()).nodes;
  const created = await linear.createEntityExternalLink({ url: "https://example.com/spec", label: "Spec", projectId: launch.id });
  const link = await created.entityExternalLink;
  assert(created.success && link.url === "https://example.com/spec" && link.label === "Spec" && (await link.project).id === launch.id && (await link.creator).email === "ada@acme.test", "created");
  const okrs = await (await linear.createEntityExternalLink({ url: "https://example.com/okrs", label: "OKRs", initiativeId: ship.id })).entityExternalLink;
  assert((await linear.entityExternalLink(link.id)).label === "Spec", "entityExternalLink");
  assert((await launch.externalLinks()).nodes.map((l) => l.id).join() === link.id && (await ship.links()).nodes.map((l) => l.id).join() === okrs.id, "project.externalLinks, initiative.links");
  assert((await (await linear.updateEntityExternalLink(link.id, { label: "Design spec" })).entityExternalLink).label === "Design spec", "updated");
  const both = await expectError(linear.createEntityExternalLink({ url: "https://example.com", label: "Both", projectId: launch.id, initiativeId: ship.id }), LinearErrorType.InvalidInput, "two parents");
  assert(both.errors[0].message === "Exactly one of projectId or initiativeId must be defined.", both.errors[0].message);
  assert((await linear.deleteEntityExternalLink(link.id)).success && (await linear.deleteEntityExternalLink(okrs.id)).success, "deleted");
});

await scenario("customView.initiatives: a view of initiatives lists what its initiativeFilterData selects; comment.createdIssues (none)", async () => {
  const view = await (await linear.createCustomView({ name: "Active initiatives", initiativeFilterData: { status: { eq: "Active" } } })).customView;
  assert(view.modelName === "Initiative", view.modelName);
  assert((await view.initiatives()).nodes.map((i) => i.name).join() === "Ship v1", "customView.initiatives");
  assert((await view.initiatives({ filter: { name: { eq: "Other" } } })).nodes.length === 0, "with a filter");
  await linear.deleteCustomView(view.id);
  const [comment] = (await linear.comments()).nodes;
  // The SDK's Comment.createdIssues sends only the variables it is given: the comment's id too.
  assert((await comment.createdIssues({ id: comment.id })).nodes.length === 0, "comment.createdIssues");
});

await scenario("issue.needs, formerNeeds, formerAttachments: empty connections of a new issue (no customer needs, no attachment moved off an issue); attachments stay", async () => {
  const issue = await linear.issue("ENG-1");
  const needs = await issue.needs({ first: 5 });
  assert(needs.nodes.length === 0 && !needs.pageInfo.hasNextPage && !needs.pageInfo.hasPreviousPage, "needs");
  assert((await issue.formerNeeds()).nodes.length === 0, "formerNeeds");
  assert((await issue.formerAttachments({ includeArchived: true })).nodes.length === 0, "formerAttachments");
  assert((await issue.attachments()).nodes.length === 1, "its attachment");
});

await scenario("comments with no issue: createComment on a project update, an initiative update and a document, their comments, exactly one parent", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const [ship] = (await linear.initiatives()).nodes;
  const update = await (await linear.createProjectUpdate({ projectId: launch.id, body: "Beta is out" })).projectUpdate;
  const note = await (await linear.createInitiativeUpdate({ initiativeId: ship.id, body: "On track" })).initiativeUpdate;
  const doc = await linear.document((await (await linear.createDocument({ title: "Commented", projectId: launch.id })).document).id);
  assert(doc.documentContentId && doc.documentContentId !== doc.id, "document.documentContentId");
  const onUpdate = await (await linear.createComment({ body: "Nice", projectUpdateId: update.id })).comment;
  assert(onUpdate.projectUpdateId === update.id && (await onUpdate.projectUpdate).id === update.id && !onUpdate.issueId && onUpdate.url.startsWith(update.url + "#comment-"), "comment on a project update");
  const onNote = await (await linear.createComment({ body: "Agreed", initiativeUpdateId: note.id })).comment;
  assert(onNote.initiativeUpdateId === note.id && (await onNote.initiativeUpdate).id === note.id, "comment on an initiative update");
  const onDoc = await (await linear.createComment({ body: "Typo", documentContentId: doc.documentContentId })).comment;
  assert(onDoc.documentContentId === doc.documentContentId && onDoc.url.startsWith(doc.url + "#comment-"), "comment on a document");
  assert((await update.comments()).nodes.map((c) => c.id).join() === onUpdate.id, "projectUpdate.comments");
  assert((await note.comments()).nodes.map((c) => c.id).join() === onNote.id, "initiativeUpdate.comments");
  assert((await doc.comments()).nodes.map((c) => c.id).join() === onDoc.id, "document.comments");
  const orphan = await expectError(linear.createComment({ body: "Orphan" }), LinearErrorType.InvalidInput, "no parent");
  assert(orphan.errors[0].message === "Exactly one of issueId, projectUpdateId, initiativeUpdateId, documentContentId, projectId or initiativeId must be defined.", orphan.errors[0].message);
  assert((await linear.deleteProjectUpdate(update.id)).success && (await linear.archiveInitiativeUpdate(note.id)).success && (await linear.deleteDocument(doc.id)).success, "cleaned up");
});

await scenario("project and initiative threads: createComment with projectId and initiativeId, project.comments, comment.project and initiative", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const [ship] = (await linear.initiatives()).nodes;
  const onProject = await (await linear.createComment({ body: "Kick-off notes", projectId: launch.id })).comment;
  assert(onProject.projectId === launch.id && (await onProject.project).name === "Launch" && !onProject.issueId && onProject.url.startsWith(launch.url + "#comment-"), "comment on a project");
  const onInitiative = await (await linear.createComment({ body: "Scope agreed", initiativeId: ship.id })).comment;
  assert(onInitiative.initiativeId === ship.id && (await onInitiative.initiative).id === ship.id && onInitiative.url.startsWith(ship.url + "#comment-"), "comment on an initiative");
  assert((await launch.comments()).nodes.map((c) => c.id).join() === onProject.id, "project.comments");
  await expectError(linear.createComment({ body: "Both", projectId: launch.id, initiativeId: ship.id }), LinearErrorType.InvalidInput, "two parents");
  assert((await linear.deleteComment(onProject.id)).success && (await linear.deleteComment(onInitiative.id)).success, "deleteComment");
  assert((await launch.comments()).nodes.length === 0, "none left");
});

await scenario("documentContent: a project's and an initiative's content as its own object, a comment's on a document", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const before = launch.content;
  await linear.updateProject(launch.id, { content: "# Plan\nShip it." });
  const project = await linear.project(launch.id);
  assert(project.documentContent?.content === "# Plan\nShip it." && (await project.documentContent.project).id === launch.id && !project.documentContent.contentState, "project.documentContent");
  const [ship] = (await linear.initiatives()).nodes;
  assert(ship.documentContent && (await ship.documentContent.initiative).id === ship.id && ship.documentContent.id !== project.documentContent.id, "initiative.documentContent");
  const doc = await linear.document((await (await linear.createDocument({ title: "Content", content: "Draft", projectId: launch.id })).document).id);
  const comment = await (await linear.createComment({ body: "Typo", documentContentId: doc.documentContentId })).comment;
  assert(comment.documentContent?.id === doc.documentContentId && comment.documentContent.content === "Draft" && (await comment.documentContent.document).id === doc.id, "comment.documentContent");
  assert((await linear.deleteDocument(doc.id)).success && (await linear.updateProject(launch.id, { content: before ?? "" })).success, "cleaned up");
});

await scenario("favorites: createFavorite of a folder, an issue by identifier and a project, favorites, favorite, issue.favorite, project.favorite (also in issues and projects lists), children, updateFavorite, exactly one target, deleteFavorite", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const folder = await (await linear.createFavorite({ folderName: "Launch work" })).favorite;
  assert(folder.type === "folder" && folder.folderName === "Launch work" && !folder.url && (await folder.owner).email === "ada@acme.test", "folder");
  const issue = await (await linear.createFavorite({ issueId: "ENG-1", parentId: folder.id })).favorite;
  assert(issue.type === "issue" && (await issue.issue).identifier === "ENG-1" && (await issue.parent).id === folder.id && issue.url.includes("/issue/ENG-1/"), "issue favorite");
  const project = await (await linear.createFavorite({ projectId: launch.id })).favorite;
  assert(project.type === "project" && (await project.project).id === launch.id, "project favorite");
  assert((await linear.favorites()).nodes.length === 3, "favorites");
  assert((await linear.issue("ENG-1")).favoriteId === issue.id && (await linear.issue("ENG-2")).favoriteId === undefined, "issue.favorite");
  assert((await (await linear.project(launch.id)).favorite).type === "project" && (await linear.project(launch.id)).favoriteId === project.id, "project.favorite");
  const listed = (await linear.issues({ filter: { team: { key: { eq: "ENG" } }, number: { in: [1, 2] } } })).nodes.map((i) => `${i.identifier}:${i.favoriteId ?? "-"}`).sort().join();
  assert(listed === `ENG-1:${issue.id},ENG-2:-`, `issues lists the viewer's favorite: ${listed}`);
  assert((await linear.projects({ filter: { id: { eq: launch.id } } })).nodes[0].favoriteId === project.id, "projects too");
  assert((await oauth.issue("ENG-1")).favoriteId === undefined, "another user's favorite is not theirs");
  assert((await linear.favorite(issue.id)).type === "issue", "favorite");
  assert((await folder.children()).nodes.map((f) => f.id).join() === issue.id, "children");
  assert((await (await linear.updateFavorite(folder.id, { folderName: "Shipped" })).favorite).folderName === "Shipped", "updateFavorite");
  const none = await expectError(linear.createFavorite({}), LinearErrorType.InvalidInput, "no target");
  assert(none.errors[0].message === "Exactly one of folderName or the id of the entity to favorite must be defined.", none.errors[0].message);
  for (const f of [issue, project, folder]) assert((await linear.deleteFavorite(f.id)).success, "deleteFavorite");
  assert((await linear.favorites()).nodes.length === 0, "none left");
  assert((await linear.issue("ENG-1")).favoriteId === undefined, "issue.favorite after deleteFavorite");
});

await scenario("custom emojis: createEmoji, emoji by id and by name, emojis with a filter, a taken name refused, deleteEmoji", async () => {
  const created = await linear.createEmoji({ name: "shipit", url: "https://example.com/shipit.png" });
  const emoji = await created.emoji;
  assert(created.success && emoji.name === "shipit" && emoji.url === "https://example.com/shipit.png" && emoji.source === "user", "created");
  assert((await emoji.creator).email === "ada@acme.test", "its creator");
  assert((await linear.emoji("shipit")).id === emoji.id && (await linear.emoji(emoji.id)).name === "shipit", "by name and by id");
  assert((await linear.emojis({ filter: { name: { eq: "shipit" } } })).nodes.map((e) => e.id).join() === emoji.id, "emojis(filter)");
  const taken = await expectError(linear.createEmoji({ name: "shipit", url: "https://example.com/again.png" }), LinearErrorType.InvalidInput, "a taken name");
  assert(taken.errors[0].message === "An emoji with this name already exists.", taken.errors[0].message);
  assert((await linear.deleteEmoji(emoji.id)).success && (await linear.emojis()).nodes.length === 0, "deleted");
});

await scenario("triage responsibility: createTriageResponsibility (assign, a manual selection), currentUser, team.triageResponsibility, triageResponsibilities, update, delete; administrableTeams", async () => {
  const [ada, ben] = [await linear.viewer, await oauth.viewer];
  const team = await (await linear.createTeam({ name: "Triage rota", triageEnabled: true })).team;
  const created = await linear.createTriageResponsibility({ teamId: team.id, action: "assign", manualSelection: { userIds: [ada.id, ben.id], assignmentIndex: 1 } });
  const responsibility = await created.triageResponsibility;
  assert(created.success && responsibility.action === "assign" && responsibility.manualSelection.userIds.join() === [ada.id, ben.id].join(), "created");
  assert(responsibility.currentUserId === ben.id && (await responsibility.currentUser).email === "ben@acme.test", "Ben's turn");
  assert((await (await linear.team(team.id)).triageResponsibility).id === responsibility.id, "team.triageResponsibility");
  assert((await linear.triageResponsibilities()).nodes.some((r) => r.id === responsibility.id), "triageResponsibilities");
  await expectError(linear.createTriageResponsibility({ teamId: team.id, action: "notify" }), LinearErrorType.InvalidInput, "a second for the team");
  const bad = await expectError(linear.createTriageResponsibility({ teamId: ENG, action: "escalate" }), LinearErrorType.InvalidInput, "an unknown action");
  assert(bad.errors[0].message === "action must be one of the following values: assign, notify", bad.errors[0].message);
  const updated = await (await linear.updateTriageResponsibility(responsibility.id, { action: "notify", manualSelection: { userIds: [ada.id] } })).triageResponsibility;
  assert(updated.action === "notify" && updated.currentUserId === ada.id, "updated");
  assert((await linear.deleteTriageResponsibility(responsibility.id)).success, "deleted");
  assert((await linear.team(team.id)).triageResponsibilityId === undefined, "the team has none");
  await expectError(linear.triageResponsibility(responsibility.id), LinearErrorType.InvalidInput, "a deleted one");
  assert((await linear.administrableTeams()).nodes.some((t) => t.id === team.id), "administrableTeams");
  assert((await linear.externalUsers()).nodes.length === 0, "externalUsers: none without integrations");
  await linear.deleteTeam(team.id);
});

await scenario("users: updateUser (me and by id), a status that lapses", async () => {
  const me = await (await linear.updateUser("me", { title: "CTO", statusEmoji: ":palm_tree:", statusLabel: "Away", statusUntilAt: new Date("2099-01-01T00:00:00Z") })).user;
  assert(me.title === "CTO" && me.statusLabel === "Away" && me.statusUntilAt?.toISOString() === "2099-01-01T00:00:00.000Z", "userUpdate me");
  assert((await linear.viewer).title === "CTO", "viewer.title");
  const ben = await oauth.viewer;
  const lapsed = await (await linear.updateUser(ben.id, { description: "Builds", statusLabel: "Out", statusUntilAt: new Date("2000-01-01T00:00:00Z") })).user;
  assert(lapsed.description === "Builds" && lapsed.statusLabel == null && lapsed.statusUntilAt == null, "a lapsed status");
  await expectError(linear.updateUser("nope", { title: "x" }), LinearErrorType.InvalidInput, "an unknown user");
});

await scenario("errors: bad key, API key as Bearer, unknown ids, invalid input", async () => {
  const bad = new LinearClient({ apiKey: "lin_api_nope", apiUrl });
  const err = await expectError(bad.viewer, LinearErrorType.AuthenticationError, "bad key");
  assert(err.status === 401, "401");
  const bearer = new LinearClient({ accessToken: process.env.LINEAR_API_KEY, apiUrl });
  await expectError(bearer.viewer, LinearErrorType.AuthenticationError, "API key as Bearer");
  const missing = await expectError(linear.issue("ENG-999"), LinearErrorType.InvalidInput, "unknown identifier");
  assert(JSON.stringify(missing.errors[0].path) === '["issue"]', `error path ${JSON.stringify(missing.errors[0].path)}`);
  await expectError(linear.issues({ filter: { createdAt: { gt: "2024-13-45T00:00:00Z" } } }), LinearErrorType.InvalidInput, "impossible date");
  await expectError(linear.updateIssue("ENG-1", { parentId: "20000000-0000-4000-8000-000000000002" }), LinearErrorType.InvalidInput, "parent cycle");
  await expectError(linear.createIssue({ teamId: ENG, title: "x", priority: 9 }), LinearErrorType.InvalidInput, "priority");
  await expectError(linear.createIssue({ teamId: ENG, title: "x", stateId: "nope" }), LinearErrorType.InvalidInput, "state");
  await expectError(linear.issues({ after: "!!!" }), LinearErrorType.InvalidInput, "cursor");
});

await scenario("errors Postgres raises are worded as Linear words them", async () => {
  const cases = [
    [() => linear.createCycle({ teamId: ENG, startsAt: new Date("2031-02-07"), endsAt: new Date("2031-01-21") }), "endsAt must be after startsAt."],
    [() => linear.createWorkflowState({ teamId: ENG, name: "X", type: "limbo", color: "#000" }), "type must be one of triage, backlog, unstarted, started, completed, canceled."],
    [() => linear.createIssue({ id: "not-a-uuid", teamId: ENG, title: "x" }), "id must be a UUID."],
    [() => linear.createIssue({ teamId: ENG, title: "x", dueDate: "soon" }), "A date or time in the input is not valid."],
  ];
  for (const [send, presentable] of cases) {
    const err = await expectError(send(), LinearErrorType.InvalidInput, presentable);
    assert(err.errors[0].message === presentable && err.errors[0].userError === true, `presentable: ${err.errors[0].message}`);
    const raw = err.raw?.response?.errors?.[0];
    assert(raw?.message === "Argument Validation Error", `message: ${raw?.message}`);
    const body = JSON.stringify(err.raw?.response?.errors);
    // (`constraints` is class-validator's key under validationErrors, not Postgres's word.)
    assert(!/violates|constraint\b|syntax|relation "|for type|out of range:/.test(body), `Postgres text: ${body}`);
  }
});

await scenario("signed webhooks to a loopback receiver", () => withReceiver(async (url, received, until) => {
  const hook = await (await linear.createWebhook({ url, teamId: ENG, resourceTypes: ["Issue", "Comment"], secret: "s3cret" })).webhook;
  assert(hook.enabled && hook.secret === "s3cret", "webhookCreate");
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Hooked" })).issue;
  await linear.createComment({ issueId: issue.id, body: "hello" });
  await until(() => received.length >= 2);
  assert(received.length >= 2, `deliveries ${received.length}`);
  const verifier = new LinearWebhookClient("s3cret");
  const first = received.find((r) => r.headers["linear-event"] === "Issue");
  const payload = verifier.parseData(Buffer.from(first.body), first.headers["linear-signature"]);
  assert(payload.action === "create" && payload.type === "Issue" && payload.data.identifier === issue.identifier, "issue payload");
  assert(first.headers["linear-delivery"], "Linear-Delivery");
  const comment = received.find((r) => r.headers["linear-event"] === "Comment");
  assert(JSON.parse(comment.body).data.body === "hello", "comment payload");
  // Archiving a cycle takes its issues out first, each announced as an Issue update.
  const cycle = await (await linear.createCycle({ teamId: ENG, startsAt: new Date(Date.now() + 60 * 86400e3), endsAt: new Date(Date.now() + 74 * 86400e3) })).cycle;
  await linear.updateIssue(issue.id, { cycleId: cycle.id });
  assert((await linear.archiveCycle(cycle.id)).success, "cycleArchive");
  const left = () => received.find((r) => r.headers["linear-event"] === "Issue" && JSON.parse(r.body).updatedFrom?.cycleId === cycle.id);
  assert(await until(left), "an Issue update for the issue that left the archived cycle");
  const update = verifier.parseData(Buffer.from(left().body), left().headers["linear-signature"]);
  assert(update.action === "update" && update.data.identifier === issue.identifier, "cycle leave payload");
  await linear.updateWebhook(hook.id, { enabled: false });
  assert((await linear.deleteWebhook(hook.id)).success, "webhookDelete");
}));

await scenario("templates: list, team templates, organization templates, create, update, delete, createIssue from one", async () => {
  const all = await linear.templates;
  const bug = all.find((t) => t.name === "Bug report");
  assert(all.length === 2 && bug && bug.type === "issue", `templates ${all.map((t) => t.name)}`);
  assert(bug.templateData.priority === 2 && bug.content.startsWith("## Steps"), "templateData parsed by the SDK");
  assert((await bug.team).key === "ENG" && (await bug.creator).email === "ada@acme.test", "team and creator");
  const team = await linear.team(ENG);
  assert((await team.templates()).nodes.map((t) => t.name).join() === "Bug report", "team.templates");
  assert((await (await linear.organization).templates()).nodes.map((t) => t.name).join() === "Feature request", "organization.templates: the workspace's own");
  const created = await linear.createTemplate({ name: "Spike", type: "issue", teamId: "ENG", templateData: { title: "Spike: ", estimate: 2 } });
  assert(created.success, "templateCreate");
  const spike = await created.template;
  assert(spike.templateData.estimate === 2 && (await linear.template(spike.id)).name === "Spike", "template by id");
  const updated = await oauth.updateTemplate(spike.id, { description: "Time-boxed research" });
  const after = await updated.template;
  assert(after.description === "Time-boxed research" && (await after.lastUpdatedBy).email === "ben@acme.test", "templateUpdate");
  const issue = await (await linear.createIssue({ teamId: ENG, templateId: bug.id, title: "Crash on save" })).issue;
  assert(issue.title === "Crash on save" && issue.priority === 2 && issue.description.startsWith("## Steps"), "template applied under the input");
  assert(issue.labelIds.includes("e0000000-0000-4000-8000-000000000001"), "template labels");
  assert((await linear.template(bug.id)).lastAppliedAt instanceof Date, "lastAppliedAt");
  assert((await linear.deleteTemplate(spike.id)).success, "templateDelete");
  await expectError(linear.template(spike.id), LinearErrorType.InvalidInput, "deleted template");
});

await scenario("documents: project and issue documents, create, read by slug, filter, page, update, trash, restore", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const plan = (await launch.documents()).nodes[0];
  assert(plan.title === "Launch plan" && plan.url.endsWith(`/acme/document/launch-plan-${plan.slugId}`), `seeded document ${plan.url}`);
  assert((await plan.creator).email === "ada@acme.test" && (await plan.updatedBy).email === "ben@acme.test", "creator, updatedBy");
  assert((await plan.project).id === launch.id && plan.content.startsWith("# Launch plan"), "project, content");
  const created = await linear.createDocument({ title: "Release notes", content: "# Notes\n\nShipped.", icon: "📝", color: "#5e6ad2", projectId: launch.id });
  assert(created.success, "documentCreate");
  const notes = await created.document;
  assert(notes.content === "# Notes\n\nShipped." && notes.icon === "📝" && notes.createdAt instanceof Date, "created document");
  assert((await notes.owner).email === "ada@acme.test", "the creator owns it");
  assert((await linear.project(launch.id)).resourceCount === 2, "project.resourceCount counts its documents");
  assert((await linear.document(notes.slugId)).id === notes.id, "document by slugId");
  const issue = await linear.issue("ENG-1");
  await linear.createDocument({ title: "Debug log", issueId: issue.id });
  const onIssue = await issue.documents();
  assert(onIssue.nodes.length === 1 && (await onIssue.nodes[0].issue).identifier === "ENG-1", "issue.documents");
  const found = await linear.documents({ filter: { title: { containsIgnoreCase: "release" }, project: { id: { eq: launch.id } } } });
  assert(found.nodes.map((d) => d.id).join() === notes.id, "filtered");
  const first = await linear.documents({ first: 2 });
  assert(first.nodes.length === 2 && first.pageInfo.hasNextPage, "first page");
  await first.fetchNext();
  assert(first.nodes.length === 3 && !first.pageInfo.hasNextPage, "fetchNext");
  const updated = await oauth.updateDocument(notes.id, { title: "Release notes 1.0", content: "# 1.0" });
  const after = await updated.document;
  assert(after.title === "Release notes 1.0" && (await after.updatedBy).email === "ben@acme.test", "documentUpdate");
  const deleted = await linear.deleteDocument(notes.id);
  assert(deleted.success && (await deleted.entity).trashed === true, "documentDelete trashes");
  assert(!(await linear.documents()).nodes.some((d) => d.id === notes.id), "trashed: not listed");
  assert((await linear.documents({ includeArchived: true })).nodes.some((d) => d.id === notes.id), "includeArchived");
  const restored = await linear.unarchiveDocument(notes.id);
  assert(restored.success && !(await restored.entity).archivedAt, "documentUnarchive");
  const searched = await linear.searchDocuments("notes 1.0");
  assert(searched.totalCount === 1 && searched.nodes[0].id === notes.id, `searchDocuments ${searched.totalCount}`);
  const orphan = await expectError(linear.createDocument({ title: "Orphan" }), LinearErrorType.InvalidInput, "no parent");
  assert(orphan.message.includes("Exactly one of"), orphan.message);
  await expectError(linear.document("nope"), LinearErrorType.InvalidInput, "unknown document");
});

await scenario("Document webhooks verify with LinearWebhookClient", () => withReceiver(async (url, received, until) => {
  const hook = await (await linear.createWebhook({ url, allPublicTeams: true, resourceTypes: ["Document"], secret: "d0cs" })).webhook;
  const launch = (await linear.projects()).nodes.find((p) => p.name === "Launch");
  const doc = await (await linear.createDocument({ title: "Hooked doc", projectId: launch.id })).document;
  await linear.updateDocument(doc.id, { content: "edited" });
  await until(() => received.length >= 2);
  const verifier = new LinearWebhookClient("d0cs");
  const payloads = received.map((r) => verifier.parseData(Buffer.from(r.body), r.headers["linear-signature"]));
  const created = payloads.find((p) => p.action === "create");
  const updated = payloads.find((p) => p.action === "update");
  assert(created?.type === "Document" && created.data.id === doc.id, "create payload");
  assert(created.data.projectId === launch.id && created.url === doc.url, "payload data");
  assert(updated?.data.content === "edited" && updated.updatedFrom && "content" in updated.updatedFrom, "update payload with updatedFrom");
  await linear.deleteWebhook(hook.id);
}));

await scenario("initiatives: list, read by slug, projects, create, status times, update, archive, delete, initiativeToProject, sub-initiatives", async () => {
  const [ship] = (await linear.initiatives()).nodes;
  assert(ship.name === "Ship v1" && ship.status === "Active" && ship.startedAt instanceof Date, "seeded initiative");
  assert(ship.url.endsWith(`/acme/initiative/ship-v1-${ship.slugId}`), ship.url);
  assert((await ship.owner).email === "ada@acme.test" && (await ship.leadTeam).key === "ENG", "owner, leadTeam");
  assert((await linear.initiative(ship.slugId)).id === ship.id, "initiative by slugId");
  assert((await ship.projects()).nodes.map((p) => p.name).join() === "Launch", "initiative.projects");
  const launch = (await linear.projects()).nodes.find((p) => p.name === "Launch");
  assert((await launch.initiatives()).nodes.map((i) => i.name).join() === "Ship v1", "project.initiatives");
  const created = await linear.createInitiative({ name: "Grow revenue", description: "More customers", ownerId: (await oauth.viewer).id, targetDate: "2025-03-31", priority: 1 });
  assert(created.success, "initiativeCreate");
  const grow = await created.initiative;
  assert(grow.status === "Planned" && grow.priority === 1 && (await grow.owner).email === "ben@acme.test", "created initiative");
  const started = await (await linear.updateInitiative(grow.id, { status: "Active" })).initiative;
  assert(started.startedAt instanceof Date && !started.completedAt, "Active stamps startedAt");
  const done = await (await linear.updateInitiative(grow.id, { status: "Completed" })).initiative;
  assert(done.completedAt instanceof Date, "Completed stamps completedAt");
  const link = await (await linear.createInitiativeToProject({ initiativeId: grow.id, projectId: launch.id })).initiativeToProject;
  assert((await link.initiative).id === grow.id && (await link.project).id === launch.id, "initiativeToProjectCreate");
  assert((await linear.initiativeToProjects()).nodes.length === 2, "initiativeToProjects");
  await linear.createDocument({ title: "Revenue plan", initiativeId: grow.id });
  assert((await grow.documents()).nodes.map((d) => d.title).join() === "Revenue plan", "initiative.documents");
  const filtered = await linear.initiatives({ filter: { status: { eq: "Completed" } } });
  assert(filtered.nodes.map((i) => i.id).join() === grow.id, "filter by status");
  assert((await linear.deleteInitiativeToProject(link.id)).success, "initiativeToProjectDelete");
  assert((await grow.projects()).nodes.length === 0, "left the initiative");
  const archived = await linear.archiveInitiative(grow.id);
  assert(archived.success && (await archived.entity).archivedAt instanceof Date, "initiativeArchive");
  assert(!(await linear.initiatives()).nodes.some((i) => i.id === grow.id), "archived: not listed");
  assert((await linear.unarchiveInitiative(grow.id)).success, "initiativeUnarchive");
  const deleted = await linear.deleteInitiative(grow.id);
  assert(deleted.success && deleted.entityId === grow.id, "initiativeDelete");
  assert((await linear.initiative(grow.id)).trashed === true, "deleted initiatives are trashed");
  await expectError(linear.createInitiative({ name: "x", ownerId: "nope" }), LinearErrorType.InvalidInput, "unknown owner");
  const api = await (await linear.createInitiative({ name: "Public API" })).initiative;
  const relation = await (await linear.createInitiativeRelation({ initiativeId: ship.id, relatedInitiativeId: api.id })).initiativeRelation;
  assert((await relation.relatedInitiative).id === api.id, "initiativeRelationCreate");
  assert((await ship.subInitiatives()).nodes.map((i) => i.name).join() === "Public API", "initiative.subInitiatives");
  assert((await (await linear.initiative(api.id)).parentInitiative).id === ship.id, "parentInitiative");
  assert((await linear.deleteInitiativeRelation(relation.id)).success, "initiativeRelationDelete");
});

await scenario("project updates: createProjectUpdate, project health, list, read, edit, archive, delete", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const posted = await linear.createProjectUpdate({ projectId: launch.id, body: "Beta shipped; GA at risk", health: "atRisk" });
  assert(posted.success, "projectUpdateCreate");
  const update = await posted.projectUpdate;
  assert(update.health === "atRisk" && update.slugId === update.id.slice(0, 8) && update.url.endsWith(`#project-update-${update.slugId}`), `created ${update.url}`);
  assert((await update.user).email === "ada@acme.test" && (await update.project).id === launch.id, "user, project");
  const project = await linear.project(launch.id);
  assert(project.health === "atRisk" && (await project.lastUpdate).id === update.id, "project health follows its latest update");
  assert((await project.projectUpdates()).nodes.map((u) => u.id).join() === update.id, "project.projectUpdates");
  assert((await linear.projectUpdates({ filter: { project: { id: { eq: launch.id } } } })).nodes.length === 1, "projectUpdates filtered");
  const edited = await (await oauth.updateProjectUpdate(update.id, { body: "GA on track again", health: "onTrack" })).projectUpdate;
  assert(edited.editedAt instanceof Date && edited.body === "GA on track again", "projectUpdateUpdate");
  assert((await linear.projectUpdate(update.id)).health === "onTrack", "projectUpdate by id");
  assert((await linear.archiveProjectUpdate(update.id)).success, "projectUpdateArchive");
  assert(!(await linear.project(launch.id)).health, "no update left: no health");
  assert((await linear.unarchiveProjectUpdate(update.id)).success, "projectUpdateUnarchive");
  assert((await linear.deleteProjectUpdate(update.id)).success, "projectUpdateDelete");
  await expectError(linear.projectUpdate(update.id), LinearErrorType.InvalidInput, "deleted update");
});

await scenario("initiative updates: createInitiativeUpdate, initiative health, list, edit, archive", async () => {
  const ship = (await linear.initiatives({ filter: { name: { eq: "Ship v1" } } })).nodes[0];
  const update = await (await linear.createInitiativeUpdate({ initiativeId: ship.id, body: "On track for GA", health: "onTrack" })).initiativeUpdate;
  assert(update.url.endsWith(`/initiative/ship-v1-${ship.slugId}/updates#initiative-update-${update.slugId}`), update.url);
  assert((await update.initiative).id === ship.id && (await update.user).email === "ada@acme.test", "initiative, user");
  const after = await linear.initiative(ship.id);
  assert(after.health === "onTrack" && (await after.lastUpdate).id === update.id, "initiative health");
  assert((await after.initiativeUpdates()).nodes.length === 1 && (await linear.initiativeUpdates()).nodes.length === 1, "lists");
  const edited = await (await oauth.updateInitiativeUpdate(update.id, { health: "atRisk" })).initiativeUpdate;
  assert(edited.health === "atRisk" && edited.editedAt instanceof Date, "initiativeUpdateUpdate");
  assert((await linear.initiativeUpdate(update.id)).health === "atRisk", "initiativeUpdate by id");
  assert((await linear.archiveInitiativeUpdate(update.id)).success && !(await linear.initiative(ship.id)).health, "archived: no health");
  assert((await linear.unarchiveInitiativeUpdate(update.id)).success, "initiativeUpdateUnarchive");
});

await scenario("createIssueBatch: all or nothing, at most 50", async () => {
  const batch = await linear.createIssueBatch({ issues: [
    { teamId: ENG, title: "Batch one", priority: 1 },
    { teamId: ENG, title: "Batch two", labelIds: ["e0000000-0000-4000-8000-000000000001"] },
  ] });
  assert(batch.success && batch.lastSyncId > 0 && batch.issues.length === 2, "issueBatchCreate");
  const [one, two] = batch.issues;
  assert(one.title === "Batch one" && one.priorityLabel === "Urgent", "first issue");
  assert(Number(two.identifier.split("-")[1]) === one.number + 1, `numbered in order: ${one.identifier}, ${two.identifier}`);
  assert((await two.labels()).nodes[0].name === "Bug", "second issue's label");
  const before = (await linear.issues({ first: 250 })).nodes.length;
  const err = await expectError(linear.createIssueBatch({ issues: [{ teamId: ENG, title: "Kept?" }, { teamId: ENG, title: "Bad", stateId: "d0000000-0000-4000-8000-0000000000ff" }] }), LinearErrorType.InvalidInput, "unknown state");
  assert(err.message.includes("Entity not found: WorkflowState"), err.message);
  await expectError(linear.createIssueBatch({ issues: Array(51).fill({ teamId: ENG, title: "Many" }) }), LinearErrorType.InvalidInput, "51 issues");
  assert((await linear.issues({ first: 250 })).nodes.length === before, "a refused batch creates nothing");
});

await scenario("attachments: updateAttachment, attachmentsForURL, attachmentIssue, deleteAttachment", async () => {
  const url = "https://example.com/sdk/spec";
  const created = await (await linear.createAttachment({ issueId: "ENG-3", url, title: "Spec" })).attachment;
  const updated = await (await linear.updateAttachment(created.id, { title: "Spec v2", subtitle: "draft", metadata: { pages: 2 } })).attachment;
  assert(updated.title === "Spec v2" && updated.subtitle === "draft" && updated.metadata.pages === 2, "attachmentUpdate");
  const found = await linear.attachmentsForURL(url);
  assert(found.nodes.length === 1 && found.nodes[0].id === created.id, "attachmentsForURL");
  assert((await found.nodes[0].issue).identifier === "ENG-3", "its issue");
  assert((await linear.attachmentIssue(created.id)).identifier === "ENG-3", "attachmentIssue");
  const deleted = await linear.deleteAttachment(created.id);
  assert(deleted.success && deleted.entityId === created.id, "attachmentDelete");
  assert((await linear.attachmentsForURL(url)).nodes.length === 0, "gone from attachmentsForURL");
  const err = await expectError(linear.updateAttachment(created.id, { title: "x" }), LinearErrorType.InvalidInput, "deleted attachment");
  assert(err.message.includes("Entity not found: Attachment"), err.message);
});

await scenario("comment threads: commentResolve with a reply, commentUnresolve", async () => {
  const question = await (await linear.createComment({ issueId: "ENG-2", body: "Which provider?" })).comment;
  const answer = await (await oauth.createComment({ issueId: "ENG-2", body: "Postmark.", parentId: question.id })).comment;
  const resolved = await (await linear.commentResolve(question.id, { resolvingCommentId: answer.id })).comment;
  assert(resolved.resolvedAt instanceof Date, "resolvedAt");
  assert((await resolved.resolvingUser).email === "ada@acme.test", "resolvingUser");
  assert((await resolved.resolvingComment).id === answer.id && resolved.resolvingCommentId === answer.id, "resolvingComment");
  const reopened = await (await linear.commentUnresolve(question.id)).comment;
  assert(!reopened.resolvedAt && !reopened.resolvingCommentId, "commentUnresolve");
  await expectError(linear.commentResolve(answer.id), LinearErrorType.InvalidInput, "a reply heads no thread");
});

await scenario("reactions: createReaction on an issue and a comment, reactions, deleteReaction", async () => {
  const reaction = await (await linear.createReaction({ issueId: "ENG-4", emoji: "+1" })).reaction;
  assert(reaction.emoji === "+1" && (await reaction.user).email === "ada@acme.test", "reactionCreate");
  assert((await reaction.issue).identifier === "ENG-4", "its issue");
  const issue = await linear.issue("ENG-4");
  assert(issue.reactions.length === 1 && issue.reactions[0].id === reaction.id, "issue.reactions");
  const comment = (await issue.comments()).nodes[0];
  const eyes = await (await oauth.createReaction({ commentId: comment.id, emoji: "eyes" })).reaction;
  assert((await linear.comment({ id: comment.id })).reactions.map((r) => r.emoji).join() === "eyes", "comment.reactions");
  const both = await (await oauth.createReaction({ issueId: "ENG-4", emoji: "+1" })).reaction;
  const summary = (await linear.issue("ENG-4")).reactionData;
  const ids = [(await linear.viewer).id, (await oauth.viewer).id];
  const [plus] = summary;
  assert(summary.length === 1 && plus.emoji === "+1" && plus.count === 2 && plus.userIds.join() === ids.join(), `reactionData ${JSON.stringify(summary)}`);
  const onComment = (await linear.comment({ id: comment.id })).reactionData;
  assert(onComment.length === 1 && onComment[0].emoji === "eyes" && onComment[0].count === 1, "comment.reactionData");
  await linear.deleteReaction(both.id);
  const deleted = await linear.deleteReaction(reaction.id);
  assert(deleted.success && deleted.entityId === reaction.id, "reactionDelete");
  const cleared = await linear.issue("ENG-4");
  assert(cleared.reactions.length === 0 && cleared.reactionData.length === 0, "gone from issue.reactions and reactionData");
  await linear.deleteReaction(eyes.id);
  const err = await expectError(linear.createReaction({ emoji: "+1" }), LinearErrorType.InvalidInput, "no target");
  assert(err.message.includes("Argument Validation Error"), err.message);
});

await scenario("notifications: an issue assigned, a comment mentioning and a status change notify the other user (IssueNotification), never the actor; notification, updateNotification, notificationMarkReadAll/MarkUnreadAll, snooze and unsnooze, archive, unarchive, archive all", async () => {
  const ben = await oauth.viewer;
  const ada = await linear.viewer;
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Inbox check", assigneeId: ben.id })).issue;
  await linear.createComment({ issueId: issue.id, body: "@ben have a look" });
  const done = (await (await linear.team(ENG)).states()).nodes.find((s) => s.name === "Done");
  await linear.updateIssue(issue.id, { stateId: done.id });
  const got = (await oauth.notifications({ first: 3 })).nodes;
  assert(got.map((n) => n.type).join() === "issueStatusChanged,issueCommentMention,issueAssignedToYou", got.map((n) => n.type).join());
  assert(got.every((n) => n instanceof IssueNotification && n.issueId === issue.id), "IssueNotifications of the issue");
  assert(got.map((n) => n.category).join() === "statusChanges,mentions,assignments", got.map((n) => n.category).join());
  assert((await got[0].actor).id === ada.id && (await got[0].user).id === ben.id, "actor and recipient");
  assert((await got[1].comment).body === "@ben have a look" && (await got[0].issue).identifier === issue.identifier, "comment and issue");
  assert((await got[0].team).key === "ENG" && !got[0].readAt, "team, unread");
  const adas = (await linear.notifications({ first: 50 })).nodes.filter((n) => n.issueId === issue.id);
  assert(adas.length === 0, "never the actor");
  const one = await oauth.notification(got[0].id);
  assert(one instanceof IssueNotification && one.id === got[0].id, "notification");
  await expectError(linear.notification(got[0].id), LinearErrorType.InvalidInput, "another user's notification");
  assert((await oauth.updateNotification(got[0].id, { readAt: new Date() })).success, "updateNotification");
  assert((await oauth.notification(got[0].id)).readAt instanceof Date, "read");
  const count = async () => (await oauth.client.rawRequest("query { notificationsUnreadCount }")).data.notificationsUnreadCount;
  const unread = await count();
  const marked = await oauth.notificationMarkReadAll({ issueId: issue.id }, new Date());
  assert(marked.success && marked.notifications.length === 2 && marked.notifications.every((n) => n.readAt), "notificationMarkReadAll: the unread ones");
  assert((await count()) === unread - 2, "unread count");
  assert((await oauth.notificationMarkUnreadAll({ issueId: issue.id })).notifications.length === 3, "notificationMarkUnreadAll");
  const later = new Date(Date.now() + 86400000);
  const snoozed = await oauth.notificationSnoozeAll({ id: got[1].id }, later);
  assert(snoozed.notifications.length === 1 && snoozed.notifications[0].snoozedUntilAt.getTime() === later.getTime(), "notificationSnoozeAll");
  const woken = await oauth.notificationUnsnoozeAll({ issueId: issue.id }, new Date());
  assert(woken.notifications.length === 1 && !woken.notifications[0].snoozedUntilAt && woken.notifications[0].unsnoozedAt, "notificationUnsnoozeAll");
  assert((await oauth.archiveNotification(got[2].id)).success && (await oauth.notification(got[2].id)).archivedAt, "archiveNotification");
  assert((await oauth.unarchiveNotification(got[2].id)).success && !(await oauth.notification(got[2].id)).archivedAt, "unarchiveNotification");
  assert((await oauth.notificationArchiveAll({ issueId: issue.identifier })).notifications.length === 3, "notificationArchiveAll by identifier");
  const err = await expectError(oauth.notificationArchiveAll({}), LinearErrorType.InvalidInput, "no entity");
  assert(err.message.includes("Argument Validation Error"), err.message);
});

await scenario("notification subscriptions: createNotificationSubscription on a project and a team, notificationSubscriptions (the viewer's own), notificationSubscription, updateNotificationSubscription, exactly one entity, deleteNotificationSubscription", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  assert((await linear.createNotificationSubscription({ projectId: launch.id, notificationSubscriptionTypes: ["projectUpdateCreated"] })).success, "on a project");
  assert((await linear.createNotificationSubscription({ teamId: ENG, contextViewType: "activeIssues" })).success, "on a team");
  const listed = (await linear.notificationSubscriptions()).nodes;
  const onProject = listed.find((s) => s.projectId === launch.id);
  const onTeam = listed.find((s) => s.teamId === ENG);
  assert(listed.length === 2 && onProject && onTeam && onTeam.contextViewType === "activeIssues" && onProject.active, `listed: ${listed.length}`);
  assert((await onProject.project).name === "Launch" && (await onProject.subscriber).email === "ada@acme.test", "project and subscriber");
  assert((await linear.notificationSubscription(onTeam.id)).teamId === ENG, "notificationSubscription");
  assert((await oauth.notificationSubscriptions()).nodes.length === 0, "Ben has none");
  assert((await linear.updateNotificationSubscription(onTeam.id, { active: false })).success && (await linear.notificationSubscription(onTeam.id)).active === false, "updateNotificationSubscription");
  const err = await expectError(linear.createNotificationSubscription({}), LinearErrorType.InvalidInput, "no entity");
  assert(err.message.includes("Argument Validation Error"), err.message);
  for (const s of [onProject, onTeam]) assert((await linear.deleteNotificationSubscription(s.id)).success, "deleteNotificationSubscription");
  assert((await linear.notificationSubscriptions()).nodes.length === 0, "none left");
});

await scenario("what the clone lacks is named: agent skills, issue imports, document history", async () => {
  const calls = [
    [() => linear.agentSkills(), "Query.agentSkills"],
    [() => linear.issueImportCheckCSV("https://example.com/a.csv", "jira"), "Query.issueImportCheckCSV"],
    [() => linear.documentContentHistory("x"), "Query.documentContentHistory"],
  ];
  for (const [call, name] of calls) {
    const err = await expectError(call(), LinearErrorType.GraphqlError, name);
    assert(err.message.includes(`\`${name}\` is not implemented by the asym Linear clone`), `${name}: ${err.message}`);
  }
});

// Each data-change type Linear sends that the other webhook scenarios do not hear, through
// @linear/sdk's own handler (signature verified, then dispatched by `type`); the types Linear
// sends none for (teams, workflow states, custom views) stay silent though subscribed.
await scenario("webhooks of every type Linear sends, dispatched by LinearWebhookClient; teams, states, views silent", () => withReceiver(async (url, received, until) => {
  const sent = ["User", "IssueLabel", "Attachment", "Reaction", "Project", "Cycle", "Initiative", "ProjectUpdate", "InitiativeUpdate", "ProjectLabel"];
  const unsent = ["Team", "WorkflowState", "CustomView", "InitiativeLabel"];
  const hook = await (await linear.createWebhook({ url, allPublicTeams: true, resourceTypes: [...sent, ...unsent], secret: "a11types" })).webhook;
  const handler = new LinearWebhookClient("a11types").createHandler();
  const heard = [];
  for (const type of sent) handler.on(type, (payload) => heard.push(payload));
  const dispatch = async (delivery) => {
    const headers = { "content-type": "application/json", "linear-signature": delivery.headers["linear-signature"] };
    const response = await handler(new Request(url, { method: "POST", headers, body: delivery.body }));
    assert(response.status === 200, `${delivery.headers["linear-event"]} answered ${response.status}`);
    return heard.at(-1);
  };
  const me = await linear.viewer;
  const launch = (await linear.projects()).nodes.find((p) => p.name === "Launch");
  const [ship] = (await linear.initiatives()).nodes;
  const writes = {
    User: () => linear.updateUser("me", { title: "Founder" }),
    IssueLabel: () => linear.createIssueLabel({ name: "Webhooked", teamId: ENG }),
    Attachment: () => linear.createAttachment({ issueId: "ENG-2", url: "https://example.com/hooked", title: "Hooked" }),
    Reaction: () => linear.createReaction({ issueId: "ENG-2", emoji: "tada" }),
    Project: () => linear.createProject({ name: "Webhooked", teamIds: [ENG] }),
    Cycle: () => linear.createCycle({ teamId: ENG, startsAt: new Date(Date.now() + 90 * 86400e3), endsAt: new Date(Date.now() + 104 * 86400e3) }),
    Initiative: () => linear.createInitiative({ name: "Webhooked" }),
    ProjectUpdate: () => linear.createProjectUpdate({ projectId: launch.id, body: "Hooked" }),
    InitiativeUpdate: () => linear.createInitiativeUpdate({ initiativeId: ship.id, body: "Hooked" }),
    ProjectLabel: () => linear.createProjectLabel({ name: "Webhooked" }),
  };
  for (const type of sent) {
    assert((await writes[type]()).success, `${type} write`);
    const delivery = await until((r) => r.headers["linear-event"] === type);
    assert(delivery, `a ${type} delivery`);
    const payload = await dispatch(delivery);
    assert(payload?.type === type && payload.webhookId === hook.id && payload.organizationId && payload.data.id, `${type} payload`);
    assert(payload.action === (type === "User" ? "update" : "create"), `${type} action ${payload.action}`);
  }
  const user = heard.find((p) => p.type === "User");
  assert(user.data.id === me.id && user.data.email === me.email && user.data.title === "Founder", "User data");
  assert(user.updatedFrom && "title" in user.updatedFrom && user.url === user.data.url, "User updatedFrom and url");
  await linear.updateTeam(ENG, { description: "Quiet" });
  const [state] = (await (await linear.team(ENG)).states()).nodes;
  await linear.updateWorkflowState(state.id, { color: "#123456" });
  await linear.createCustomView({ name: "Quiet" });
  await linear.createInitiativeLabel({ name: "Quiet" });
  await linear.updateUser("me", { title: "CEO" });
  assert(await until((r) => r.headers["linear-event"] === "User" && JSON.parse(r.body).data.title === "CEO"), "a second User delivery");
  const loud = received.filter((r) => unsent.includes(r.headers["linear-event"]));
  assert(loud.length === 0, `deliveries for ${loud.map((r) => r.headers["linear-event"])}`);
  await linear.deleteWebhook(hook.id);
}));

// What a team's first scripts do (Linear's SDK getting-started): my open issues, my created
// issues a page at a time, a team's issues by a filter.
await scenario("getting started: viewer.assignedIssues with a filter, createdIssues, team.issues", async () => {
  const me = await linear.viewer;
  const open = await me.assignedIssues({ filter: { state: { type: { nin: ["completed", "canceled"] } } } });
  assert(open.nodes.length > 0, "assigned issues");
  for (const issue of open.nodes) {
    assert((await issue.assignee).id === me.id && !["completed", "canceled"].includes((await issue.state).type), issue.identifier);
  }
  const created = await me.createdIssues({ first: 2 });
  assert(created.nodes.length === 2 && created.pageInfo.hasNextPage, "createdIssues, a page of two");
  assert((await Promise.all(created.nodes.map((i) => i.creator))).every((u) => u.id === me.id), "created by me");
  const high = await (await linear.team(ENG)).issues({ filter: { priority: { eq: 2 } } });
  assert(high.nodes.some((i) => i.identifier === "ENG-1") && high.nodes.every((i) => i.priority === 2), "team.issues filtered");
});

await scenario("model methods: issue.update, archive, unarchive, delete; comment.update, delete", async () => {
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Model" })).issue;
  const updated = await (await issue.update({ title: "Model 2", priority: 4 })).issue;
  assert(updated.title === "Model 2" && updated.priorityLabel === "Low", "issue.update");
  assert((await (await issue.archive()).entity).archivedAt instanceof Date, "issue.archive");
  assert((await issue.unarchive()).success && !(await linear.issue(issue.id)).archivedAt, "issue.unarchive");
  const comment = await (await linear.createComment({ issueId: issue.id, body: "First" })).comment;
  assert((await (await comment.update({ body: "Second" })).comment).body === "Second", "comment.update");
  assert((await comment.delete()).success && (await issue.comments()).nodes.length === 0, "comment.delete");
  const trashed = await issue.delete();
  assert(trashed.success && (await trashed.entity).trashed === true, "issue.delete trashes");
});

await scenario("pagination helpers: linear.paginate, fetchNext to the end, last and fetchPrevious", async () => {
  const everything = (await linear.issues({ first: 250 })).nodes.map((i) => i.id);
  const all = await linear.paginate(linear.issues, { first: 3 });
  assert(all.map((i) => i.id).join() === everything.join(), `paginate ${all.length}/${everything.length}`);
  let page = await linear.issues({ first: 5 });
  while (page.pageInfo.hasNextPage) page = await page.fetchNext();
  assert(page.nodes.map((i) => i.id).join() === everything.join(), "fetchNext to the end");
  const last = await linear.issues({ last: 3 });
  const tail = last.nodes.map((i) => i.id);
  assert(tail.join() === everything.slice(-3).join() && last.pageInfo.hasPreviousPage, "the last three");
  const grown = await last.fetchPrevious();
  assert(grown.nodes.map((i) => i.id).join() === everything.slice(-6).join(), "fetchPrevious prepends the three before");
});

await scenario("custom GraphQL through linear.client: rawRequest and its headers, request with variables, introspection, GraphqlLinearErrors", async () => {
  const raw = await linear.client.rawRequest("query Me { viewer { id email } }");
  assert(raw.status === 200 && raw.data.viewer.email === "ada@acme.test", "rawRequest");
  assert(Number(raw.headers.get("x-ratelimit-requests-limit")) > 0 && Number(raw.headers.get("x-complexity")) > 0, "rate-limit headers");
  const got = await linear.client.request("query Issue($id: String!) { issue(id: $id) { identifier state { name } } }", { id: "ENG-1" });
  assert(got.issue.identifier === "ENG-1" && got.issue.state.name === "In Progress", "request");
  const err = await expectError(linear.client.rawRequest("query { viewer { nope } }"), LinearErrorType.GraphqlError, "an unknown field");
  assert(err instanceof GraphqlLinearError && err.status === 400 && err.message.includes("nope"), err.message);
  const empty = await expectError(linear.client.rawRequest(""), LinearErrorType.GraphqlError, "an empty query");
  assert(empty.status === 400 && empty.message.includes("Must provide a query string"), empty.message);
  const introspected = await linear.client.request('{ __type(name: "Issue") { fields { name } } }');
  const fields = introspected.__type.fields.map((f) => f.name);
  assert(fields.includes("title") && !fields.includes("boardOrder"), `introspection lists Issue's fields, less the deprecated: ${fields.length}`);
});

await scenario("typed errors: InvalidInputLinearError (status, errors, path, query, variables), an Int variable and an Int literal past 32 bits, AuthenticationLinearError", async () => {
  const id = "00000000-0000-4000-8000-000000000000";
  const missing = await expectError(linear.issue(id), LinearErrorType.InvalidInput, "an unknown issue");
  assert(missing instanceof InvalidInputLinearError && missing instanceof LinearError && missing.status === 400, "class and status");
  const [first] = missing.errors;
  assert(first.message === "Could not find referenced Issue." && first.userError && first.path.join() === "issue", JSON.stringify(first));
  assert(missing.message.startsWith("Entity not found: Issue") && missing.query.includes("issue(id: $id)") && missing.variables.id === id, missing.message);
  const update = await expectError(linear.updateIssue("ENG-999", { title: "x" }), LinearErrorType.InvalidInput, "updating an unknown issue");
  assert(update.errors[0].path.join() === "issueUpdate", JSON.stringify(update.errors));
  const notFound = update.raw.response.errors[0];
  assert(notFound.message === "Entity not found: Issue" && notFound.extensions.code === "INPUT_ERROR" && notFound.extensions.userPresentableMessage === "Could not find referenced Issue.", JSON.stringify(notFound));
  const wide = await expectError(linear.createIssue({ teamId: ENG, title: "x", estimate: 2 ** 31 }), LinearErrorType.GraphqlError, "an Int past 32 bits");
  assert(wide.status === 400 && wide.message.includes("Int cannot represent non 32-bit signed integer value: 2147483648"), wide.message);
  const literal = await expectError(linear.client.rawRequest("query { issues(first: 9999999999) { nodes { id } } }"), LinearErrorType.GraphqlError, "an Int literal past 32 bits");
  assert(literal instanceof GraphqlLinearError && literal.status === 400 && literal.message.includes("Int cannot represent non 32-bit signed integer value: 9999999999"), literal.message);
  const nested = await expectError(linear.client.rawRequest(`mutation {\n  issueCreate(input: { teamId: "${ENG}", title: "1", estimate: 4294967296 }) { success }\n}`), LinearErrorType.GraphqlError, "an Int literal past 32 bits inside an input");
  assert(JSON.stringify(nested.raw.response.errors[0].locations) === JSON.stringify([{ line: 2, column: 94 }]), `located at the number: ${JSON.stringify(nested.raw.response.errors[0].locations)}`);
  const revoked = new LinearClient({ apiKey: "lin_api_revoked0000000000000000000000000000", apiUrl });
  const denied = await expectError(revoked.createIssue({ teamId: ENG, title: "x" }), LinearErrorType.AuthenticationError, "an unknown key");
  assert(denied instanceof AuthenticationLinearError && denied.status === 401 && denied.errors[0].userError, denied.message);
  assert(denied.message === "Authentication required, not authenticated - You need to authenticate to access this operation." && denied.errors[0].message === "You need to authenticate to access this operation.", `${denied.message} / ${denied.errors[0].message}`);
  const raw = denied.raw.response;
  assert(raw.errors[0].extensions.http.status === 401 && JSON.stringify(raw.errors[0].extensions.meta) === "{}" && raw.data === undefined, JSON.stringify(raw));
  const keyAsBearer = new LinearClient({ accessToken: process.env.LINEAR_API_KEY, apiUrl });
  const bearer = await expectError(keyAsBearer.viewer, LinearErrorType.AuthenticationError, "an API key sent as Bearer");
  assert(bearer.message === denied.message, bearer.message);
});

await scenario("rate limits: RatelimitedLinearError says retryAfter, the limits, what is left and when they reset", async () => {
  if (!process.env.ASYM_ADMIN_SECRET) return console.log("     (no ASYM_ADMIN_SECRET: rate limits left off)");
  await admin("POST", "rate-limit", { enforce: true, requestsLimit: 2 });
  try {
    await linear.viewer;
    await linear.viewer;
    const err = await expectError(linear.viewer, LinearErrorType.Ratelimited, "the third request");
    assert(err instanceof RatelimitedLinearError && err.status === 429, "class and status");
    assert(err.retryAfter > 0 && err.retryAfter <= 3600, `retryAfter ${err.retryAfter}`);
    assert(err.requestsLimit === 2 && err.requestsRemaining === 0 && err.requestsResetAt > Date.now(), `requests ${err.requestsLimit} ${err.requestsRemaining} ${err.requestsResetAt}`);
    assert(err.complexityLimit > 0 && err.complexityRemaining >= 0 && err.complexityResetAt === err.requestsResetAt, "complexity");
  } finally {
    await admin("POST", "rate-limit", { enforce: false });
  }
});

await scenario("webhooks: webhooks, team.webhooks, webhook by id, a minted secret; a tampered delivery fails LinearWebhookClient; rotateSecretWebhook signs the next", () => withReceiver(async (url, received, until) => {
  const hook = await (await linear.createWebhook({ url, teamId: ENG, resourceTypes: ["Issue"] })).webhook;
  assert(hook.secret?.startsWith("lin_wh_"), `minted secret ${hook.secret}`);
  assert((await linear.webhooks()).nodes.some((h) => h.id === hook.id), "webhooks");
  assert((await (await linear.team(ENG)).webhooks()).nodes.some((h) => h.id === hook.id), "team.webhooks");
  assert((await linear.webhook(hook.id)).resourceTypes.join() === "Issue", "webhook by id");
  await linear.createIssue({ teamId: ENG, title: "Signed" });
  const delivery = await until((r) => r.headers["linear-event"] === "Issue");
  const handler = new LinearWebhookClient(hook.secret).createHandler();
  const post = (body) => handler(new Request(url, { method: "POST", headers: { "content-type": "application/json", "linear-signature": delivery.headers["linear-signature"] }, body }));
  assert((await post(delivery.body)).status === 200, "the delivery verifies with the minted secret");
  assert((await post(delivery.body.replace("Signed", "Forged"))).status === 400, "a tampered body does not");
  const rotated = await linear.rotateSecretWebhook(hook.id);
  assert(rotated.success && rotated.secret.startsWith("lin_wh_") && rotated.secret !== hook.secret, "rotateSecretWebhook");
  assert((await linear.webhook(hook.id)).secret === rotated.secret, "the new secret is the webhook's");
  await linear.createIssue({ teamId: ENG, title: "Signed anew" });
  const next = await until((r) => r.headers["linear-event"] === "Issue" && r.body.includes("Signed anew"));
  assert((await new LinearWebhookClient(rotated.secret).createHandler()(new Request(url, { method: "POST", headers: { "content-type": "application/json", "linear-signature": next.headers["linear-signature"] }, body: next.body }))).status === 200, "signed with the new secret");
  await linear.deleteWebhook(hook.id);
}));

await scenario("subscribers: issue.subscribers, issueSubscribe and issueUnsubscribe by user id", async () => {
  const ben = await oauth.viewer;
  const subscribers = async () => (await (await linear.issue("ENG-3")).subscribers()).nodes.map((u) => u.id);
  assert(!(await subscribers()).includes(ben.id), "Ben is not subscribed");
  assert((await linear.issueSubscribe("ENG-3", { userId: ben.id })).success && (await subscribers()).includes(ben.id), "issueSubscribe");
  assert((await linear.issueUnsubscribe("ENG-3", { userId: ben.id })).success && !(await subscribers()).includes(ben.id), "issueUnsubscribe");
});

await scenario("project milestones: create, project.projectMilestones, an issue in one, update, delete", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const rc = await (await linear.createProjectMilestone({ projectId: launch.id, name: "RC", targetDate: "2099-01-01" })).projectMilestone;
  assert((await launch.projectMilestones()).nodes.some((m) => m.id === rc.id), "project.projectMilestones");
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Release candidate", projectId: launch.id, projectMilestoneId: rc.id })).issue;
  assert((await issue.projectMilestone).id === rc.id && (await rc.issues()).nodes.map((i) => i.id).join() === issue.id, "issue in the milestone");
  assert((await (await linear.updateProjectMilestone(rc.id, { name: "RC1" })).projectMilestone).name === "RC1", "projectMilestoneUpdate");
  assert((await linear.deleteProjectMilestone(rc.id)).success, "projectMilestoneDelete");
  assert((await launch.projectMilestones()).nodes.every((m) => m.id !== rc.id), "gone from the project");
  assert((await (await linear.issue(issue.id)).project).id === launch.id, "the issue keeps its project");
});

await scenario("createIssue with assignee, state, estimate, cycle, project, labels, due date; filters on them, cycles by isActive, projects by status and team; permanentlyDelete", async () => {
  const me = await linear.viewer;
  const todo = (await (await linear.team(ENG)).states()).nodes.find((s) => s.name === "Todo");
  const [cycle] = (await linear.cycles({ filter: { isActive: { eq: true } } })).nodes;
  const [launch] = (await linear.projects({ filter: { status: { type: { eq: "started" } } } })).nodes;
  assert(launch?.name === "Launch", "projects by status type");
  const engProjects = (await linear.projects({ filter: { accessibleTeams: { some: { key: { eq: "ENG" } } } } })).nodes.map((p) => p.name);
  assert(engProjects.includes("Launch"), `projects by team: ${engProjects}`);
  const bug = "e0000000-0000-4000-8000-000000000001";
  const issue = await (await linear.createIssue({
    teamId: ENG, title: "Everything", assigneeId: me.id, stateId: todo.id, estimate: 3, cycleId: cycle.id,
    projectId: launch.id, labelIds: [bug], dueDate: "2099-01-01", priority: 1,
  })).issue;
  const [state, assignee, inCycle, project] = await Promise.all([issue.state, issue.assignee, issue.cycle, issue.project]);
  assert(state.name === "Todo" && assignee.id === me.id && inCycle.id === cycle.id && project.id === launch.id, "relations");
  assert(issue.estimate === 3 && issue.labelIds.join() === bug && issue.dueDate === "2099-01-01" && issue.priorityLabel === "Urgent", "fields");
  const found = await linear.issues({ filter: { assignee: { email: { eq: me.email } }, dueDate: { gt: "2098-12-31" }, state: { name: { eq: "Todo" } } } });
  assert(found.nodes.map((i) => i.id).join() === issue.id, `filters: ${found.nodes.map((i) => i.identifier)}`);
  assert((await linear.deleteIssue(issue.id, { permanentlyDelete: true })).success, "permanentlyDelete");
  await expectError(linear.issue(issue.id), LinearErrorType.InvalidInput, "a permanently deleted issue");
});

await scenario("userSettings: the viewer's settings (Linear's defaults), updateUserSettings merges notification preferences, another user's not found", async () => {
  const settings = await linear.userSettings;
  assert(settings.userId === (await linear.viewer).id && settings.id, "the viewer's");
  const channels = settings.notificationChannelPreferences;
  assert(channels.desktop && channels.email && channels.mobile && !channels.slack, "default channels");
  assert(settings.notificationCategoryPreferences.loops.email && settings.theme === undefined && settings.subscribedToChangelog, "defaults");
  const first = await linear.updateUserSettings(settings.id, { notificationChannelPreferences: { slack: true }, notificationCategoryPreferences: { assignments: { email: false } }, feedSummarySchedule: "daily" });
  assert(first.success && first.lastSyncId > 0, "updateUserSettings");
  await linear.updateUserSettings(settings.id, { notificationCategoryPreferences: { assignments: { mobile: false } }, subscribedToChangelog: false });
  const after = await (await linear.updateUserSettings(settings.id, {})).userSettings;
  const assignments = after.notificationCategoryPreferences.assignments;
  assert(!assignments.email && !assignments.mobile && assignments.desktop && after.notificationChannelPreferences.slack, "merged over what was written");
  assert(after.feedSummarySchedule === "daily" && !after.subscribedToChangelog && after.notificationCategoryPreferences.mentions.email, "the rest kept");
  const ben = await oauth.userSettings;
  assert(ben.id !== settings.id && ben.notificationChannelPreferences.email, "Ben's own, untouched");
  const err = await expectError(linear.updateUserSettings(ben.id, { subscribedToChangelog: false }), LinearErrorType.InvalidInput, "another user's settings");
  assert(err.message.includes("Entity not found: UserSettings"), err.message);
});

await scenario("updateUserFlag counts, locks and clears the viewer's flags; userSettingsFlagsReset puts them back (named ones, or all)", async () => {
  const flag = async (type, operation) => {
    const payload = await linear.updateUserFlag(type, operation);
    assert(payload.success && payload.lastSyncId > 0 && payload.flag === type, `updateUserFlag ${type} ${operation}`);
    return payload.value;
  };
  assert((await flag(UserFlagType.CompletedOnboarding, UserFlagUpdateOperation.Incr)) === 1, "incr from nothing");
  assert((await flag(UserFlagType.CompletedOnboarding, UserFlagUpdateOperation.Incr)) === 2, "incr");
  assert((await flag(UserFlagType.CompletedOnboarding, UserFlagUpdateOperation.Decr)) === 1, "decr");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Incr)) === 1, "another flag");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Lock)) === 1, "lock keeps the value");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Incr)) === 1, "a locked flag does not count");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Clear)) === 1, "nor clear");
  const one = await linear.userSettingsFlagsReset({ flags: [UserFlagType.CompletedOnboarding] });
  assert(one.success && one.lastSyncId > 0, "userSettingsFlagsReset");
  assert((await flag(UserFlagType.CompletedOnboarding, UserFlagUpdateOperation.Incr)) === 1, "the reset flag counts from 0");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Incr)) === 1, "the other still locked");
  const all = await linear.userSettingsFlagsReset();
  assert(all.success && all.lastSyncId > one.lastSyncId, "every flag reset");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Incr)) === 1, "unlocked, counting from 0");
  assert((await flag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Clear)) === 0, "clear");
  assert((await oauth.updateUserFlag(UserFlagType.ListSelectionTip, UserFlagUpdateOperation.Incr)).value === 1, "Ben's flags are his own");
  await expectError(linear.updateUserFlag(UserFlagType.All, UserFlagUpdateOperation.Incr), LinearErrorType.InvalidInput, "`all` is only reset");
});

await scenario("project.members (memberIds on createProject and updateProject); project.needs (of a new project), attachments and history: empty connections", async () => {
  const [ada, ben] = (await linear.users()).nodes.filter((u) => !u.app).sort((a, b) => a.email.localeCompare(b.email));
  const project = await (await linear.createProject({ name: "Crew", teamIds: [ENG], memberIds: [ada.id, ben.id] })).project;
  const members = await project.members();
  assert(members.nodes.map((u) => u.id).sort().join() === [ada.id, ben.id].sort().join(), "both members");
  assert((await project.members({ filter: { displayName: { eq: "ben" } } })).nodes.map((u) => u.id).join() === ben.id, "filtered");
  await linear.updateProject(project.id, { memberIds: [ben.id] });
  assert((await project.members()).nodes.map((u) => u.id).join() === ben.id, "memberIds replaces them");
  await expectError(linear.updateProject(project.id, { memberIds: ["b0000000-0000-4000-8000-0000000000ff"] }), LinearErrorType.InvalidInput, "a member who is no user");
  const needs = await project.needs({ first: 5 });
  assert(needs.nodes.length === 0 && !needs.pageInfo.hasNextPage, "no customer needs");
  const attachments = await project.attachments({ includeArchived: true });
  assert(attachments.nodes.length === 0 && !attachments.pageInfo.hasPreviousPage, "no attachments");
  assert((await project.history()).nodes.length === 0, "no recorded history");
});

await scenario("updateOrganization: an admin's settings read back through organization and viewer.organization; a member refused (ForbiddenLinearError), bad values refused", async () => {
  const payload = await linear.updateOrganization({
    name: "Acme Labs", urlKey: "acme-labs", logoUrl: "https://cdn.example.com/acme.png", gitBranchFormat: "{issueIdentifier}-{issueTitle}",
    fiscalYearStartMonth: 6, projectUpdateRemindersHour: 9, pullRequestIssueMode: "suggest", roadmapEnabled: true,
    securitySettings: { teamCreationRole: "admin" }, authSettings: { allowedAuthServices: ["google"] },
  });
  assert(payload.success && payload.lastSyncId > 0, "updateOrganization");
  const org = await payload.organization;
  assert(org.name === "Acme Labs" && org.urlKey === "acme-labs" && org.previousUrlKeys.join() === "acme", `the payload's workspace: ${org.urlKey} ${org.previousUrlKeys}`);
  assert(org.logoUrl === "https://cdn.example.com/acme.png" && org.gitBranchFormat === "{issueIdentifier}-{issueTitle}", "logo and branch format");
  assert(org.fiscalYearStartMonth === 6 && org.projectUpdateRemindersHour === 9 && org.pullRequestIssueMode === "suggest" && org.roadmapEnabled, "settings");
  assert(org.securitySettings.teamCreationRole === "admin" && org.restrictTeamCreationToAdmins && org.allowedAuthServices.join() === "google", "security and auth settings");
  const mine = await (await linear.viewer).organization;
  assert(mine.id === org.id && mine.name === "Acme Labs", "viewer.organization");
  const issue = await linear.issue("ENG-1");
  assert(issue.url.includes("/acme-labs/issue/ENG-1/"), `URLs carry the new key: ${issue.url}`);
  const forbidden = await expectError(oauth.updateOrganization({ name: "Ben's" }), LinearErrorType.Forbidden, "a member");
  assert(forbidden instanceof ForbiddenLinearError && forbidden.status === 403 && forbidden.message.startsWith("Invalid role: admin required"), `${forbidden.status} ${forbidden.message}`);
  for (const [input, what] of [[{ urlKey: "Acme Labs" }, "urlKey"], [{ fiscalYearStartMonth: 12 }, "fiscalYearStartMonth"], [{ logoUrl: "logo" }, "logoUrl"], [{ workingDays: [1] }, "workingDays"]]) {
    const err = await expectError(linear.updateOrganization(input), LinearErrorType.InvalidInput, what);
    assert(err.message.includes(what), err.message);
  }
  const back = await linear.updateOrganization({ name: "Acme", urlKey: "acme", logoUrl: null, gitBranchFormat: null });
  const restored = await linear.organization;
  assert(back.success && restored.name === "Acme" && restored.urlKey === "acme" && restored.logoUrl === undefined && restored.previousUrlKeys.join() === "acme-labs", `restored: ${restored.previousUrlKeys}`);
});

await scenario("suspendUser, unsuspendUser and userChangeRole: an admin's, of another user; a member refused (ForbiddenLinearError)", async () => {
  const ben = await oauth.viewer;
  assert((await linear.suspendUser(ben.id)).success, "suspendUser");
  assert(!(await linear.users()).nodes.some((u) => u.id === ben.id), "a suspended user is not listed");
  assert(!(await linear.users({ includeDisabled: true })).nodes.find((u) => u.id === ben.id).active, "listed with includeDisabled, inactive");
  assert((await linear.unsuspendUser(ben.id)).success && (await linear.user(ben.id)).active, "unsuspendUser");
  assert((await linear.userChangeRole(ben.id, UserRoleType.Admin)).success && (await linear.user(ben.id)).admin, "made an admin");
  assert((await oauth.updateOrganization({ roadmapEnabled: false })).success, "an admin now, Ben may update the workspace");
  assert((await linear.userChangeRole(ben.id, UserRoleType.User)).success && !(await linear.user(ben.id)).admin, "a member again");
  const me = await linear.viewer;
  // Each call made only when its refusal is awaited: two at once would leave the second's
  // rejection unhandled while the first is awaited.
  for (const [call, what] of [[() => oauth.suspendUser(me.id), "suspendUser"], [() => oauth.userChangeRole(ben.id, UserRoleType.Admin), "userChangeRole"]]) {
    const err = await expectError(call(), LinearErrorType.Forbidden, what);
    assert(err instanceof ForbiddenLinearError && err.status === 403, `${what}: ${err.status}`);
  }
  await expectError(linear.suspendUser(me.id), LinearErrorType.InvalidInput, "oneself");
  await expectError(linear.userChangeRole(ben.id, UserRoleType.Guest), LinearErrorType.InvalidInput, "a guest (the clone has none)");
});

await scenario("customers: customerStatuses (the seeded ones), createCustomerTier, createCustomer (the first status), customer by slugId, customers with a filter, a taken domain refused, customerUpsert by externalId, updateCustomer, customerMerge, deleteCustomerTier, deleteCustomer", async () => {
  const statuses = await linear.customerStatuses();
  assert(statuses.nodes.map((s) => s.name).sort().join() === "Active,Inactive", `seeded statuses ${statuses.nodes.map((s) => s.name)}`);
  const tier = await (await linear.createCustomerTier({ name: "Enterprise", color: "#5e6ad2" })).tier;
  assert(tier.displayName === "Enterprise" && tier.color === "#5e6ad2", "a tier");
  assert((await linear.customerTiers()).nodes.some((t) => t.id === tier.id), "customerTiers");
  const created = await linear.createCustomer({ name: "Globex", domains: ["globex.com"], externalIds: ["crm-1"], tierId: tier.id, revenue: 120000, size: 40 });
  const globex = await created.customer;
  assert(created.success && globex.name === "Globex" && globex.domains.join() === "globex.com" && globex.size === 40, "created");
  assert(globex.approximateNeedCount === 0 && globex.needs.length === 0 && globex.url.endsWith(globex.slugId), "no needs yet");
  assert((await globex.status).name === "Active" && (await globex.tier).id === tier.id, "the first status, its tier");
  assert((await linear.customer(globex.slugId)).id === globex.id, "by slugId");
  const filtered = await linear.customers({ filter: { domains: { some: { eq: "globex.com" } }, tier: { id: { eq: tier.id } } } });
  assert(filtered.nodes.map((c) => c.id).join() === globex.id, "filtered");
  const taken = await expectError(linear.createCustomer({ name: "Copy", domains: ["globex.com"] }), LinearErrorType.InvalidInput, "a taken domain");
  assert(taken.message.includes("A customer with this domain already exists."), taken.message);
  const upserted = await (await linear.customerUpsert({ externalId: "crm-1", revenue: 130000 })).customer;
  assert(upserted.id === globex.id && upserted.revenue === 130000, "upsert matched by externalId");
  const updated = await (await linear.updateCustomer(globex.id, { slackChannelId: "C042" })).customer;
  assert(updated.slackChannelId === "C042", "updated");
  const hooli = await (await linear.createCustomer({ name: "Hooli", externalIds: ["crm-2"] })).customer;
  const merged = await (await linear.customerMerge(hooli.id, globex.id)).customer;
  assert(merged.externalIds.join() === "crm-1,crm-2", `merged ${merged.externalIds}`);
  await expectError(linear.customer(hooli.id), LinearErrorType.InvalidInput, "the merged source is gone");
  assert((await linear.deleteCustomerTier(tier.id)).success, "tier deleted");
  assert((await linear.customer(globex.id)).tierId === undefined, "its customers have no tier");
  assert((await linear.deleteCustomer(globex.id)).success, "deleted");
});

await scenario("customer needs: createCustomerNeed on an issue (by customerExternalId, with attachmentUrl) and on a project, issue.needs, project.needs, customer.needs, customerNeeds with a filter, updateCustomerNeed moving it (issue.formerNeeds), archive, unarchive, delete; Customer and CustomerNeed webhooks verify with LinearWebhookClient", () => withReceiver(async (url, received, until) => {
  const hook = await (await linear.createWebhook({ url, allPublicTeams: true, resourceTypes: ["Customer", "CustomerNeed"], secret: "needs" })).webhook;
  const handler = new LinearWebhookClient("needs").createHandler();
  const heard = [];
  handler.on("Customer", (payload) => heard.push(payload));
  handler.on("CustomerNeed", (payload) => heard.push(payload));
  const dispatch = async (type) => {
    const delivery = await until((r) => r.headers["linear-event"] === type);
    assert(delivery, `a ${type} delivery`);
    const headers = { "content-type": "application/json", "linear-signature": delivery.headers["linear-signature"] };
    const response = await handler(new Request(url, { method: "POST", headers, body: delivery.body }));
    assert(response.status === 200, `${type} answered ${response.status}`);
    return heard.at(-1);
  };
  const customer = await (await linear.createCustomer({ name: "Acme Rockets", externalIds: ["crm-9"] })).customer;
  const heardCustomer = await dispatch("Customer");
  assert(heardCustomer.type === "Customer" && heardCustomer.action === "create" && heardCustomer.data.id === customer.id, "Customer create");
  const issue = await (await linear.createIssue({ teamId: ENG, title: "Single sign-on" })).issue;
  const other = await (await linear.createIssue({ teamId: ENG, title: "SAML" })).issue;
  const project = await (await linear.createProject({ name: "Enterprise", teamIds: [ENG] })).project;
  const payload = await linear.createCustomerNeed({ customerExternalId: "crm-9", issueId: issue.identifier, body: "Needs SSO", priority: 1, attachmentUrl: "https://support.example/tickets/9" });
  const need = await payload.need;
  assert(need.priority === 1 && need.body === "Needs SSO" && need.url === "https://support.example/tickets/9", "the need");
  assert(need.customerId === customer.id && need.issueId === issue.id && (await need.attachment).url === need.url, "its customer, issue and attachment");
  const heardNeed = await dispatch("CustomerNeed");
  assert(heardNeed.type === "CustomerNeed" && heardNeed.action === "create" && heardNeed.data.id === need.id, "CustomerNeed create");
  const onProject = await (await linear.createCustomerNeed({ customerId: customer.id, projectId: project.id })).need;
  assert((await issue.needs()).nodes.map((n) => n.id).join() === need.id, "issue.needs");
  assert((await project.needs()).nodes.map((n) => n.id).join() === onProject.id, "project.needs");
  const again = await linear.customer(customer.id);
  assert(again.needs.length === 2 && again.approximateNeedCount === 2, "customer.needs");
  const important = await linear.customerNeeds({ filter: { priority: { eq: 1 }, customer: { id: { eq: customer.id } } } });
  assert(important.nodes.map((n) => n.id).join() === need.id, "customerNeeds filtered");
  assert((await linear.customerNeed({ id: need.id })).id === need.id, "customerNeed");
  await expectError(linear.createCustomerNeed({ customerId: customer.id }), LinearErrorType.InvalidInput, "neither an issue nor a project");
  const moved = await linear.updateCustomerNeed(need.id, { issueId: other.id, priority: 0 });
  assert(moved.success && moved.updatedRelatedNeeds.length === 0 && (await moved.need).issueId === other.id, "moved");
  assert((await issue.formerNeeds()).nodes.map((n) => n.id).join() === need.id && (await issue.needs()).nodes.length === 0, "formerNeeds");
  assert((await linear.archiveCustomerNeed(onProject.id)).success, "archived");
  assert(!(await linear.customerNeeds()).nodes.some((n) => n.id === onProject.id), "archived left out");
  assert((await linear.unarchiveCustomerNeed(onProject.id)).success, "unarchived");
  assert((await linear.deleteCustomerNeed(need.id, { keepAttachment: true })).success, "deleted");
  assert((await other.needs()).nodes.length === 0, "gone");
  await linear.deleteWebhook(hook.id);
}));

await scenario("20 createIssue (and 20 createCycle) at once are numbered apart; 20 updates of one issue at once all land", async () => {
  const issues = await Promise.all(Array.from({ length: 20 }, (_, n) => linear.createIssue({ teamId: ENG, title: `Burst ${n}` }).then((p) => p.issue)));
  const numbers = issues.map((i) => i.number).sort((a, b) => a - b);
  assert(new Set(numbers).size === 20 && numbers[19] - numbers[0] === 19, `numbers ${numbers}`);
  const updates = await Promise.all(issues.map((_, n) => linear.updateIssue(issues[0].id, { estimate: n + 1 })));
  assert(updates.every((u) => u.success), "every update succeeded");
  const estimate = (await linear.issue(issues[0].id)).estimate;
  assert(estimate >= 1 && estimate <= 20, `estimate ${estimate}`);
  const day = (n) => new Date(Date.UTC(2070, 0, 1 + n));
  const cycles = await Promise.all(Array.from({ length: 20 }, (_, n) => linear.createCycle({ teamId: ENG, startsAt: day(n), endsAt: day(n + 14) }).then((p) => p.cycle)));
  assert(new Set(cycles.map((c) => c.number)).size === 20, `cycle numbers ${cycles.map((c) => c.number)}`);
});

await scenario("agents: agentSessionCreateOnIssue, createAgentActivity moving the session (thought, action, elicitation, response), agentSession, activities, agentActivities, agentActivity; updateAgentSession, agentSessionUpdateExternalUrl; a person refused", async () => {
  const agent = await app.viewer;
  assert(agent.app && agent.supportsAgentSessions, "the app's own user");
  const created = await app.agentSessionCreateOnIssue({ issueId: "ENG-2", externalUrls: [{ label: "Run", url: "https://agent.example/run/2" }] });
  const session = await created.agentSession;
  assert(created.success && session.status === "pending" && (await session.appUser).id === agent.id, "created, pending");
  assert((await session.issue).identifier === "ENG-2" && session.externalLinks[0].url === "https://agent.example/run/2", "issue, external links");
  const steps = [
    [{ type: "thought", body: "Looking into it" }, "active"],
    [{ type: "action", action: "Searching", parameter: "flaky test", result: "3 hits" }, "active"],
    [{ type: "elicitation", body: "Which branch?" }, "awaitingInput"],
    [{ type: "response", body: "Fixed on main" }, "complete"],
  ];
  const made = [];
  for (const [content, status] of steps) {
    const payload = await app.createAgentActivity({ agentSessionId: session.id, content });
    const activity = await payload.agentActivity;
    made.push(activity);
    assert(payload.success && activity.content.type === content.type && activity.content.__typename.endsWith("Content"), `${content.type} created`);
    assert((await linear.agentSession(session.id)).status === status, `${content.type} -> ${status}`);
  }
  const done = await linear.agentSession(session.id);
  assert(done.startedAt instanceof Date && done.endedAt instanceof Date, "started and ended");
  const activities = await done.activities();
  assert(activities.nodes.map((a) => a.content.type).join() === "response,elicitation,action,thought", "session.activities, newest first");
  const action = await linear.agentActivity(made[1].id);
  assert(action.content.action === "Searching" && action.content.result === "3 hits" && (await action.agentSession).id === session.id, "agentActivity");
  assert((await linear.agentActivities({ filter: { type: { eq: "thought" } } })).nodes.map((a) => a.id).join() === made[0].id, "agentActivities(filter)");
  assert((await linear.agentSessions()).nodes.some((s) => s.id === session.id), "agentSessions");
  const planned = await (await app.updateAgentSession(session.id, { plan: { steps: [{ content: "Fix", status: "completed" }] }, addedExternalUrls: [{ label: "PR", url: "https://git.example/pr/1" }] })).agentSession;
  assert(planned.plan.steps[0].status === "completed" && planned.externalLinks.length === 2, "updateAgentSession: plan, added link");
  assert((await app.agentSessionUpdateExternalUrl(session.id, { externalLink: "https://agent.example/live" })).success, "agentSessionUpdateExternalUrl");
  assert((await linear.agentSession(session.id)).externalLink === "https://agent.example/live", "externalLink");
  const refused = await expectError(linear.createAgentActivity({ agentSessionId: session.id, content: { type: "thought", body: "me too" } }), LinearErrorType.Forbidden, "a person's activity");
  assert(refused instanceof ForbiddenLinearError && refused.status === 403, `${refused.status}`);
  await expectError(app.createAgentActivity({ agentSessionId: session.id, content: { type: "response", body: "x" }, ephemeral: true }), LinearErrorType.InvalidInput, "an ephemeral response");
  await expectError(linear.agentSession("nope"), LinearErrorType.InvalidInput, "an unknown session");
});

await scenario("agents: a mention of the app in a comment starts a session (AgentSessionEvent created, with promptContext), a reply in its thread prompts it (prompted), assigning it an issue starts one; each verifies with LinearWebhookClient; comment.agentSession", () => withReceiver(async (url, received, until) => {
  const hook = await (await linear.createWebhook({ url, allPublicTeams: true, resourceTypes: ["AgentSessionEvent"], secret: "ag3nt" })).webhook;
  const verifier = new LinearWebhookClient("ag3nt");
  const root = await (await linear.createComment({ issueId: "ENG-3", body: "@agent please triage this" })).comment;
  const createdHook = await until((r) => r.body.includes('"created"'));
  const created = verifier.parseData(Buffer.from(createdHook.body), createdHook.headers["linear-signature"]);
  assert(created.type === "AgentSessionEvent" && created.action === "created" && created.agentSession.commentId === root.id, "created event");
  assert(created.promptContext.includes('<issue identifier="ENG-3">') && created.agentSession.issue.identifier === "ENG-3", "promptContext");
  const session = await (await linear.comment({ id: root.id })).agentSession;
  assert(session.id === created.agentSession.id && (await session.creator).email === "ada@acme.test", "comment.agentSession");
  await app.createAgentActivity({ agentSessionId: session.id, content: { type: "elicitation", body: "Which release?" } });
  const reply = await (await linear.createComment({ issueId: "ENG-3", parentId: root.id, body: "The next one" })).comment;
  const promptedHook = await until((r) => r.body.includes('"prompted"'));
  const prompted = verifier.parseData(Buffer.from(promptedHook.body), promptedHook.headers["linear-signature"]);
  assert(prompted.agentActivity.content.body === "The next one" && prompted.agentActivity.sourceCommentId === reply.id, "prompted event");
  const latest = (await (await linear.agentSession(session.id)).activities()).nodes[0];
  assert(latest.content.type === "prompt" && latest.content.__typename === "AgentActivityPromptContent", "the prompt activity");
  const agent = await app.viewer;
  const assigned = await (await linear.createIssue({ teamId: ENG, title: "Agent, take this one", assigneeId: agent.id })).issue;
  const assignedHook = await until((r) => r.body.includes(assigned.id));
  const started = verifier.parseData(Buffer.from(assignedHook.body), assignedHook.headers["linear-signature"]);
  assert(started.action === "created" && started.agentSession.issueId === assigned.id && started.promptContext.includes("Agent, take this one"), "assigning the app starts a session");
  await linear.deleteWebhook(hook.id);
}));

await scenario("cycle schedules: cycleShiftAll, cycleStartUpcomingCycleToday (the current cycle completed, its unfinished issues rolled over: uncompletedIssuesUponClose), deleteTeamCycles; issueReminder; issueShare, issueUnshare and issueExternalSyncDisable refused", async () => {
  const current = await (await linear.team(ENG)).activeCycle;
  // A week back first, so the current cycle began before today whatever the day.
  const back = await (await linear.cycleShiftAll({ id: current.id, daysToShift: -7 })).cycle;
  assert(back.id === current.id && back.isActive && back.startsAt.getTime() === current.startsAt.getTime() - 7 * 86400e3, "cycleShiftAll back a week");
  const created = await (await linear.createCycle({ teamId: ENG, startsAt: new Date("2033-03-01T00:00:00Z"), endsAt: new Date("2033-03-15T00:00:00Z") })).cycle;
  const moved = await (await linear.cycleShiftAll({ id: created.id, daysToShift: 1.5 })).cycle;
  assert(moved.startsAt.toISOString() === "2033-03-02T12:00:00.000Z" && moved.endsAt.toISOString() === "2033-03-16T12:00:00.000Z", "cycleShiftAll by a day and a half");
  const upcoming = (await linear.cycles({ filter: { team: { id: { eq: ENG } }, isFuture: { eq: true } } })).nodes.sort((a, b) => a.startsAt - b.startsAt);
  const next = upcoming[0];
  if (upcoming.length > 1) {
    await expectError(linear.cycleStartUpcomingCycleToday(upcoming[1].id), LinearErrorType.InvalidInput, "only the next cycle starts");
  }
  const unfinished = (await current.issues()).nodes.filter((i) => !i.completedAt && !i.canceledAt).map((i) => i.identifier).sort();
  const started = await (await linear.cycleStartUpcomingCycleToday(next.id)).cycle;
  assert(started.id === next.id && started.isActive && started.startsAt.getUTCHours() === 0, "cycleStartUpcomingCycleToday");
  const closed = await linear.cycle(current.id);
  assert(closed.completedAt && closed.isPast && closed.endsAt.getTime() === started.startsAt.getTime(), "the current cycle completed at midnight");
  const rolled = (await closed.uncompletedIssuesUponClose()).nodes.map((i) => i.identifier).sort();
  assert(JSON.stringify(rolled) === JSON.stringify(unfinished), `uncompletedIssuesUponClose: ${rolled} / ${unfinished}`);
  const carried = (await started.issues()).nodes.map((i) => i.identifier);
  assert(unfinished.every((id) => carried.includes(id)), "rolled over to the started cycle");

  const due = await linear.issueReminder("ENG-5", new Date("2024-01-01T09:00:00Z"));
  assert(due.success && (await due.issue).identifier === "ENG-5", "issueReminder");
  const reminders = (await linear.notifications({ filter: { type: { eq: "issueReminder" } } })).nodes;
  assert(reminders.length === 1 && reminders[0].category === "reminders" && (await reminders[0].issue).identifier === "ENG-5", "the reminder in the inbox");
  await linear.issueReminder("ENG-5", new Date("2099-01-01T09:00:00Z"));
  assert((await linear.notifications({ filter: { type: { eq: "issueReminder" } } })).nodes.length === 1, "a reminder not yet due is not in the inbox");
  const ben = await oauth.viewer;
  const share = await expectError(linear.issueShare("ENG-5", ben.id), LinearErrorType.InvalidInput, "issueShare");
  assert(share.message.includes("already has access"), share.message);
  await expectError(linear.issueUnshare("ENG-5", ben.id), LinearErrorType.InvalidInput, "issueUnshare");
  await expectError(linear.issueExternalSyncDisable("nope"), LinearErrorType.InvalidInput, "issueExternalSyncDisable");

  const off = await linear.deleteTeamCycles(ENG);
  const team = await off.team;
  assert(off.success && team.cyclesEnabled === false && (await team.cycles()).nodes.length === 0, "deleteTeamCycles");
  await expectError(linear.cycle(current.id), LinearErrorType.InvalidInput, "a deleted cycle");
});

await scenario("email intake addresses: createEmailIntakeAddress (a team's, a template's), updateEmailIntakeAddress, emailIntakeAddressRotate, emailIntakeAddress, deleteEmailIntakeAddress; emailIntakeAddressRefreshSesDomainStatus refused", async () => {
  const created = await (await linear.createEmailIntakeAddress({ teamId: ENG, senderName: "Acme support", repliesEnabled: false })).emailIntakeAddress;
  assert(created.type === "team" && created.address.startsWith("eng-") && created.enabled && !created.repliesEnabled && created.senderName === "Acme support", "createEmailIntakeAddress");
  assert((await created.team).key === "ENG" && (await created.creator).email === "ada@acme.test" && created.sesDomainIdentity === undefined, "its team and creator");
  const updated = await (await linear.updateEmailIntakeAddress(created.id, { enabled: false, issueCompletedAutoReplyEnabled: true, issueCompletedAutoReply: "Done!" })).emailIntakeAddress;
  assert(!updated.enabled && updated.issueCompletedAutoReplyEnabled && updated.issueCompletedAutoReply === "Done!", "updateEmailIntakeAddress");
  const rotated = await (await linear.emailIntakeAddressRotate(created.id)).emailIntakeAddress;
  assert(rotated.id === created.id && rotated.address !== created.address && !rotated.enabled, "emailIntakeAddressRotate");
  const read = await linear.emailIntakeAddress(created.id);
  assert(read.address === rotated.address && read.issueCompletedAutoReply === "Done!", "emailIntakeAddress");
  await expectError(linear.createEmailIntakeAddress({ teamId: ENG }), LinearErrorType.InvalidInput, "a second address for the team");
  const template = (await linear.templates).find((t) => t.name === "Bug report");
  const forTemplate = await (await linear.createEmailIntakeAddress({ templateId: template.id })).emailIntakeAddress;
  assert(forTemplate.type === "template" && (await forTemplate.template).id === template.id, "a template's address");
  await expectError(linear.emailIntakeAddressRefreshSesDomainStatus(created.id), LinearErrorType.InvalidInput, "no custom sending domain");
  const deleted = await linear.deleteEmailIntakeAddress(created.id);
  assert(deleted.success && deleted.entityId === created.id, "deleteEmailIntakeAddress");
  await expectError(linear.emailIntakeAddress(created.id), LinearErrorType.InvalidInput, "a deleted address");
});

await scenario("customViewHasSubscribers, viewer.drafts and initiative.history (none: the clone keeps no drafts nor initiative history)", async () => {
  const view = await (await linear.createCustomView({ name: "Watched", shared: true })).customView;
  assert((await linear.customViewHasSubscribers(view.id)).hasSubscribers === false, "no subscribers yet");
  await oauth.createNotificationSubscription({ customViewId: view.id });
  assert((await linear.customViewHasSubscribers(view.id)).hasSubscribers === true, "customViewHasSubscribers");
  assert((await (await linear.viewer).drafts()).nodes.length === 0, "viewer.drafts");
  const initiative = (await linear.initiatives()).nodes[0];
  assert((await initiative.history()).nodes.length === 0, "initiative.history");
  await linear.deleteCustomView(view.id);
});

await scenario("support links: attachmentLinkDiscord, attachmentLinkSalesforce, attachmentLinkZendesk (with its url) as attachments; attachmentLinkIntercom, attachmentLinkFront and a Zendesk link without a url refused", async () => {
  const discord = await (await linear.attachmentLinkDiscord("C1", "ENG-6", "M1", "https://discord.com/channels/1/2/3")).attachment;
  assert(discord.url === "https://discord.com/channels/1/2/3" && (await discord.issue).identifier === "ENG-6", "attachmentLinkDiscord");
  const salesforce = await (await linear.attachmentLinkSalesforce("ENG-6", "https://acme.my.salesforce.com/500000000000001", { title: "Case 00001" })).attachment;
  assert(salesforce.title === "Case 00001", "attachmentLinkSalesforce");
  const zendesk = await (await linear.attachmentLinkZendesk("ENG-6", "17", { url: "https://acme.zendesk.com/agent/tickets/17" })).attachment;
  assert(zendesk.url.endsWith("/tickets/17"), "attachmentLinkZendesk");
  await expectError(linear.attachmentLinkZendesk("ENG-6", "18"), LinearErrorType.InvalidInput, "a Zendesk link without its url");
  await expectError(linear.attachmentLinkIntercom("9", "ENG-6"), LinearErrorType.InvalidInput, "attachmentLinkIntercom");
  await expectError(linear.attachmentLinkFront("cnv_1", "ENG-6"), LinearErrorType.InvalidInput, "attachmentLinkFront");
});

await scenario("fileUpload: PUT to the signed uploadUrl with its headers, read back from assetUrl with the API key (401 without), used in a comment", async () => {
  const body = "release notes, draft 1";
  const upload = await linear.fileUpload("text/plain", "notes.txt", body.length);
  const file = upload.uploadFile;
  assert(upload.success && file.filename === "notes.txt" && file.size === body.length, "fileUpload");
  const headers = { "Content-Type": "text/plain", "Cache-Control": "public, max-age=31536000" };
  for (const { key, value } of file.headers) headers[key] = value;
  const put = await fetch(file.uploadUrl, { method: "PUT", headers, body });
  assert(put.ok, `PUT ${put.status}`);
  const anonymous = await fetch(file.assetUrl);
  assert(anonymous.status === 401, `an asset needs credentials: ${anonymous.status}`);
  const read = await fetch(file.assetUrl, { headers: { Authorization: process.env.LINEAR_API_KEY } });
  assert(read.ok && (await read.text()) === body, "assetUrl with the API key");
  const comment = await (await linear.createComment({ issueId: "ENG-6", body: `[notes](${file.assetUrl})` })).comment;
  assert(comment.body.includes(file.assetUrl), "the asset in a comment");
  await expectError(linear.fileUpload("text/plain", "empty.txt", 0), LinearErrorType.InvalidInput, "an empty file");
});

await scenario("updateNotificationCategoryChannelSubscription: one category on one channel of the viewer's settings", async () => {
  const payload = await linear.updateNotificationCategoryChannelSubscription(NotificationCategory.Reminders, NotificationChannel.Email, false);
  const settings = await payload.userSettings;
  assert(payload.success && settings.notificationCategoryPreferences.reminders.email === false && settings.notificationCategoryPreferences.reminders.desktop === true, "reminders off by email");
  const read = await linear.userSettings;
  assert(read.notificationCategoryPreferences.reminders.email === false, "as read back");
  await linear.updateNotificationCategoryChannelSubscription(NotificationCategory.Reminders, NotificationChannel.Email, true);
});

await scenario("createProjectUpdateReminder and createInitiativeUpdateReminder: a ProjectNotification to the lead, an InitiativeNotification to the user named", async () => {
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  const sent = await oauth.createProjectUpdateReminder(launch.id);
  assert(sent.success && sent.lastSyncId > 0, "createProjectUpdateReminder");
  const prompts = (await linear.notifications({ filter: { type: { eq: "projectUpdatePrompt" } } })).nodes;
  assert(prompts.length === 1 && prompts[0] instanceof ProjectNotification && prompts[0].projectId === launch.id && (await prompts[0].project).name === "Launch", `the lead's ProjectNotification: ${prompts.length} ${prompts[0]?.constructor?.name}`);
  const initiative = (await linear.initiatives()).nodes[0];
  const ben = await oauth.viewer;
  assert((await linear.createInitiativeUpdateReminder(initiative.id, { userId: ben.id })).success, "createInitiativeUpdateReminder");
  const bens = (await oauth.notifications({ filter: { type: { eq: "initiativeUpdatePrompt" } } })).nodes;
  assert(bens.length === 1 && bens[0] instanceof InitiativeNotification && bens[0].initiativeId === initiative.id, `Ben's InitiativeNotification: ${bens.length} ${bens[0]?.constructor?.name}`);
  await expectError(linear.createProjectUpdateReminder("nope"), LinearErrorType.InvalidInput, "an unknown project");
});

await scenario("releases: createReleasePipeline (its four default stages, its team), createRelease (a scheduled pipeline's: started), createIssueToRelease by identifier, issue.releases, release.issues, releaseComplete, releases filtered by stage, a taken version refused, createReleaseNote, releaseNotes, releaseSearch, releaseSync, archiveRelease, issueToReleaseDeleteByIssueAndRelease", async () => {
  const pipeline = await (await linear.createReleasePipeline({ name: "App", type: "scheduled", teamIds: [ENG] })).releasePipeline;
  const stages = (await pipeline.stages()).nodes;
  assert(stages.length === 4 && stages.some((stage) => stage.type === "started"), `default stages: ${stages.map((stage) => stage.type)}`);
  assert((await pipeline.teams()).nodes.map((team) => team.key).join() === "ENG", "pipeline.teams");
  const release = await (await linear.createRelease({ pipelineId: pipeline.id, name: "Sprint 1", version: "1.0" })).release;
  assert((await release.stage).type === "started" && release.startedAt instanceof Date && release.slugId, "a scheduled pipeline's release starts");
  assert((await linear.createIssueToRelease({ issueId: "ENG-3", releaseId: release.id })).success, "createIssueToRelease");
  const issue = await linear.issue("ENG-3");
  assert((await issue.releases()).nodes.some((shipped) => shipped.id === release.id), "issue.releases");
  assert((await release.issues()).nodes.map((shipped) => shipped.identifier).join() === "ENG-3", "release.issues");
  const done = await (await linear.releaseComplete({ pipelineId: pipeline.id })).release;
  assert(done.id === release.id && done.completedAt instanceof Date && (await done.stage).type === "completed", "releaseComplete");
  const completed = (await linear.releases({ filter: { stage: { type: { eq: "completed" } }, pipeline: { id: { eq: pipeline.id } } } })).nodes;
  assert(completed.map((found) => found.id).join() === release.id, "releases by stage");
  await expectError(linear.createRelease({ pipelineId: pipeline.id, name: "again", version: "1.0" }), LinearErrorType.InvalidInput, "a taken version");
  const note = await (await linear.createReleaseNote({ pipelineId: pipeline.id, releaseIds: [release.id], title: "Sprint 1 notes", content: "Shipped ENG-3" })).releaseNote;
  assert(note.releaseCount === 1 && (await note.lastRelease).id === release.id && note.documentContent.content === "Shipped ENG-3", "createReleaseNote");
  assert((await linear.releaseNotes({ filter: { pipeline: { id: { eq: pipeline.id } } } })).nodes.map((found) => found.id).join() === note.id, "releaseNotes");
  assert((await linear.releaseSearch({ term: "sprint" })).some((found) => found.id === release.id), "releaseSearch");
  const synced = await (await linear.releaseSync({ pipelineId: pipeline.id, commitSha: "0a1b2c3d4e", issueReferences: [{ identifier: "ENG-4", commitSha: "0a1b2c3d4e" }] })).release;
  assert((await synced.stage).type === "started" && (await synced.issues()).nodes.map((shipped) => shipped.identifier).join() === "ENG-4", "releaseSync: a scheduled pipeline's started release");
  assert((await linear.issueToReleaseDeleteByIssueAndRelease("ENG-3", release.id)).success, "issueToReleaseDeleteByIssueAndRelease");
  assert((await linear.archiveRelease(release.id)).success, "archiveRelease");
  assert((await linear.releases()).nodes.every((found) => found.id !== release.id), "archived: left out");
});

await scenario("roadmaps (deprecated by Linear): createRoadmap, createRoadmapToProject, roadmap by slugId, roadmap.projects, a project twice refused, archiveRoadmap, deleteRoadmap", async () => {
  const roadmap = await (await linear.createRoadmap({ name: "2027", color: "#5e6ad2" })).roadmap;
  const launch = (await linear.projects({ filter: { name: { eq: "Launch" } } })).nodes[0];
  assert((await linear.createRoadmapToProject({ roadmapId: roadmap.id, projectId: launch.id })).success, "createRoadmapToProject");
  const read = await linear.roadmap(roadmap.slugId);
  assert(read.id === roadmap.id && (await read.projects()).nodes.map((project) => project.name).join() === "Launch", "roadmap.projects");
  await expectError(linear.createRoadmapToProject({ roadmapId: roadmap.id, projectId: launch.id }), LinearErrorType.InvalidInput, "a project twice");
  assert((await linear.archiveRoadmap(roadmap.id)).success && (await linear.roadmaps()).nodes.length === 0, "archiveRoadmap");
  assert((await linear.deleteRoadmap(roadmap.id)).success, "deleteRoadmap");
});

await scenario("invites: createOrganizationInvite, organizationInvites, resendOrganizationInviteByEmail, a second pending invite refused, deleteOrganizationInvite", async () => {
  const invite = await (await linear.createOrganizationInvite({ email: "dana@example.com", teamIds: [ENG] })).organizationInvite;
  assert(invite.email === "dana@example.com" && invite.role === "user" && (await invite.inviter).id === (await linear.viewer).id, "createOrganizationInvite");
  assert((await linear.organizationInvites()).nodes.some((found) => found.id === invite.id), "organizationInvites");
  assert((await linear.resendOrganizationInviteByEmail("Dana@example.com")).success, "resendOrganizationInviteByEmail");
  await expectError(linear.createOrganizationInvite({ email: "dana@example.com" }), LinearErrorType.InvalidInput, "a second pending invite");
  assert((await linear.deleteOrganizationInvite(invite.id)).success, "deleteOrganizationInvite");
  assert((await linear.organizationInvites()).nodes.every((found) => found.id !== invite.id), "deleted: left out");
});

await scenario("time schedules: createTimeSchedule with its entries, timeSchedules, timeScheduleUpsertExternal (made, then updated), an entry ending before it starts refused", async () => {
  const entries = [{ startsAt: new Date("2027-01-04T09:00:00Z"), endsAt: new Date("2027-01-08T17:00:00Z"), userEmail: "ben@acme.test" }];
  const schedule = await (await linear.createTimeSchedule({ name: "Primary", entries })).timeSchedule;
  assert(schedule.entries.length === 1 && schedule.entries[0].userEmail === "ben@acme.test", "createTimeSchedule");
  assert((await linear.timeSchedules()).nodes.some((found) => found.id === schedule.id), "timeSchedules");
  const made = await (await linear.timeScheduleUpsertExternal("OG-1", { name: "Opsgenie", entries: [] })).timeSchedule;
  const again = await (await linear.timeScheduleUpsertExternal("OG-1", { name: "Opsgenie 2" })).timeSchedule;
  assert(made.id === again.id && again.name === "Opsgenie 2", "timeScheduleUpsertExternal");
  const backwards = [{ startsAt: new Date("2027-01-08T09:00:00Z"), endsAt: new Date("2027-01-04T09:00:00Z") }];
  await expectError(linear.createTimeSchedule({ name: "Backwards", entries: backwards }), LinearErrorType.InvalidInput, "an entry ending before it starts");
});

console.log(failures === 0 ? "all scenarios passed" : `${failures} scenario(s) failed`);
process.exit(failures === 0 ? 0 : 1);
