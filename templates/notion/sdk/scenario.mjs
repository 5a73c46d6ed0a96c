// Scenarios for the official Node SDK (@notionhq/client) against a Notion clone.
// Only `baseUrl` (and, for the 2022 scenarios, `notionVersion`) differ from production use.
// Reads NOTION_BASE_URL, NOTION_TOKEN, NOTION_FIXTURE (the clone's seed, `basic` unless set:
// the scenarios for `restricted` run only against that fixture) and ASYM_ADMIN_URL /
// ASYM_ADMIN_SECRET (the clone's admin surface, exported by scripts/sdk-lib.sh: the webhook,
// OAuth, fault and rate-limit scenarios drive it, and are skipped without the secret). Runs
// each scenario through the shared runner (scripts/sdk/check.mjs): one line each, the count at
// the end, non-zero on any failure.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import {
  APIErrorCode,
  APIResponseError,
  Client,
  collectAllDataSourceRows,
  collectDataSourceTemplates,
  collectPaginatedAPI,
  extractDatabaseId,
  extractPageId,
  isFullBlock,
  isFullComment,
  isFullDatabase,
  isFullDataSource,
  isFullPage,
  isFullUser,
  isHTTPResponseError,
  isNotionClientError,
  iteratePaginatedAPI,
  LogLevel,
  verifyWebhookSignature,
} from "@notionhq/client";
import { admin, check, finish, withReceiver } from "./check.mjs";

const baseUrl = process.env.NOTION_BASE_URL;
const auth = process.env.NOTION_TOKEN;
const FIXTURE = process.env.NOTION_FIXTURE ?? "basic";
const PROJECTS = "10000000-0000-4000-8000-000000000001";
const PRIVATE = "10000000-0000-4000-8000-000000000099";
const DATABASE = "20000000-0000-4000-8000-000000000001";
const TASKS = "30000000-0000-4000-8000-000000000001";
const TASK1 = "40000000-0000-4000-8000-000000000001";
const ADA = "a0000000-0000-4000-8000-000000000001";

const notion = new Client({ auth, baseUrl, logLevel: LogLevel.ERROR, logger: () => {} });
const legacy = new Client({ auth, baseUrl, notionVersion: "2022-06-28", logger: () => {} });
const current = new Client({ auth, baseUrl, notionVersion: "2026-03-11", logger: () => {} });
const MEETING = "10000000-0000-4000-8000-000000000002";
const text = (content) => [{ type: "text", text: { content } }];

// Runs `fn` (the shared runner's `check`) when the clone holds `fixture`.
async function scenario(name, fn, fixture = "basic") {
  if (fixture === FIXTURE) await check(name, fn);
}

async function expectError(code, promise) {
  try {
    await promise;
  } catch (err) {
    assert.ok(isNotionClientError(err), String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

await scenario("users and me", async () => {
  const me = await notion.users.me({});
  assert.equal(me.type, "bot");
  assert.equal(me.bot.owner.type, "workspace");
  const users = await collectPaginatedAPI(notion.users.list, { page_size: 1 });
  assert.ok(users.some((u) => u.name === "Grace Hopper"));
  assert.equal((await notion.users.retrieve({ user_id: ADA })).name, "Ada Lovelace");
});

await scenario("errors", async () => {
  await expectError(APIErrorCode.Unauthorized, new Client({ auth: "ntn_bad", baseUrl, logger: () => {} }).users.me({}));
  await expectError(APIErrorCode.ObjectNotFound, notion.pages.retrieve({ page_id: PRIVATE }));
  await expectError(APIErrorCode.ValidationError, notion.pages.create({ parent: { data_source_id: TASKS }, properties: { Nope: { title: [] } } }));
  await expectError(APIErrorCode.InvalidRequestURL, notion.request({ path: "nowhere", method: "get" }));
});

await scenario("data sources: retrieve, compound query, pagination", async () => {
  const ds = await notion.dataSources.retrieve({ data_source_id: TASKS });
  assert.equal(ds.object, "data_source");
  assert.ok("Status" in ds.properties);
  const db = await notion.databases.retrieve({ database_id: DATABASE });
  assert.equal(db.data_sources[0].id, TASKS);
  const res = await notion.dataSources.query({
    data_source_id: TASKS,
    filter: {
      or: [
        { property: "Status", status: { equals: "Done" } },
        { and: [{ property: "Priority", select: { equals: "Low" } }, { property: "Done", checkbox: { equals: false } }] },
      ],
    },
    sorts: [{ property: "Due", direction: "ascending" }],
  });
  const titles = res.results.map((p) => p.properties.Name.title[0].plain_text);
  assert.deepEqual(titles, ["Design the schema", "Write the docs"]);
  assert.ok(res.results.every(isFullPage));
  const all = await collectPaginatedAPI(notion.dataSources.query, { data_source_id: TASKS, page_size: 1 });
  assert.equal(all.length, 4);
});

await scenario("pages: create, retrieve, update, trash, property item", async () => {
  const page = await notion.pages.create({
    parent: { type: "data_source_id", data_source_id: TASKS },
    icon: { type: "emoji", emoji: "🧪" },
    properties: {
      Name: { title: text("From Node") },
      Status: { status: { name: "Not started" } },
      Tags: { multi_select: [{ name: "Docs" }] },
      Assignee: { people: [{ id: ADA }] },
      Due: { date: { start: "2025-04-01" } },
    },
    children: [{ paragraph: { rich_text: text("hello") } }],
  });
  assert.equal(page.parent.type, "data_source_id");
  assert.equal(page.url, `https://www.notion.so/From-Node-${page.id.replaceAll("-", "")}`);
  assert.equal(extractPageId(page.url), page.id);
  const database = await notion.databases.retrieve({ database_id: page.parent.database_id });
  assert.equal(extractDatabaseId(database.url), database.id);
  const got = await notion.pages.retrieve({ page_id: page.id });
  assert.equal(got.properties.Tags.multi_select[0].name, "Docs");
  const updated = await notion.pages.update({ page_id: page.id, properties: { Done: { checkbox: true } } });
  assert.equal(updated.properties.Done.checkbox, true);
  const item = await notion.pages.properties.retrieve({ page_id: page.id, property_id: "title" });
  assert.equal(item.results[0].title.plain_text, "From Node");
  const trashed = await notion.pages.update({ page_id: page.id, in_trash: true });
  assert.equal(trashed.in_trash, true);
  const children = await notion.blocks.children.list({ block_id: page.id });
  assert.equal(children.results[0].paragraph.rich_text[0].plain_text, "hello");
});

await scenario("blocks: append, nested, after, update, delete", async () => {
  const page = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Node scratch") } } });
  const added = await notion.blocks.children.append({
    block_id: page.id,
    children: [
      { heading_1: { rich_text: text("Title") } },
      { toggle: { rich_text: text("More"), children: [{ to_do: { rich_text: text("inside"), checked: true } }] } },
      { table: { table_width: 1, children: [{ table_row: { cells: [text("cell")] } }] } },
    ],
  });
  assert.equal(added.results.length, 3);
  await notion.blocks.children.append({ block_id: page.id, children: [{ divider: {} }], position: { type: "after_block", after_block: { id: added.results[0].id } } });
  const list = await collectPaginatedAPI(notion.blocks.children.list, { block_id: page.id });
  assert.deepEqual(list.map((b) => b.type), ["heading_1", "divider", "toggle", "table"]);
  const nested = await notion.blocks.children.list({ block_id: added.results[1].id });
  assert.equal(nested.results[0].to_do.checked, true);
  const updated = await notion.blocks.update({ block_id: added.results[0].id, heading_1: { rich_text: text("Renamed") } });
  assert.equal(updated.heading_1.rich_text[0].plain_text, "Renamed");
  const deleted = await notion.blocks.delete({ block_id: added.results[0].id });
  assert.equal(deleted.in_trash, true);
  // A data source's row is a child_page block too: blocks.delete trashes it, in_trash restores.
  const row = await notion.pages.create({ parent: { data_source_id: TASKS }, properties: { Name: { title: text("Row block") } } });
  const gone = await notion.blocks.delete({ block_id: row.id });
  assert.equal(gone.type, "child_page");
  assert.equal(gone.in_trash, true);
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).in_trash, true);
  assert.equal((await notion.blocks.update({ block_id: row.id, in_trash: false })).in_trash, false);
  assert.equal((await notion.pages.retrieve({ page_id: row.id })).in_trash, false);
  await notion.blocks.delete({ block_id: row.id });
  // Nothing is written under what is in the trash.
  const binned = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Binned") } } });
  await notion.pages.update({ page_id: binned.id, in_trash: true });
  const late = await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({ block_id: binned.id, children: [{ paragraph: { rich_text: text("late") } }] }));
  assert.match(late.message, /Can't edit block that is archived/);
  const block = await notion.blocks.retrieve({ block_id: added.results[1].id });
  assert.equal(block.has_children, true);
});

await scenario("databases and data sources: create, update schema", async () => {
  const db = await notion.databases.create({
    parent: { type: "page_id", page_id: PROJECTS },
    title: text("Node DB"),
    initial_data_source: { properties: { Name: { title: {} }, Size: { number: {} } } },
  });
  const dsId = db.data_sources[0].id;
  const ds = await notion.dataSources.update({ data_source_id: dsId, properties: { Size: { name: "Weight" }, Tag: { select: {} } } });
  assert.ok("Weight" in ds.properties && "Tag" in ds.properties);
  await notion.pages.create({ parent: { data_source_id: dsId }, properties: { Name: { title: text("x") }, Weight: { number: 7 }, Tag: { select: { name: "new" } } } });
  const q = await notion.dataSources.query({ data_source_id: dsId, filter: { property: "Tag", select: { equals: "new" } } });
  assert.equal(q.results.length, 1);
  const renamed = await notion.databases.update({ database_id: db.id, title: text("Node DB 2") });
  assert.equal(renamed.title[0].plain_text, "Node DB 2");
});

await scenario("databases.update: is_locked locks and unlocks a database", async () => {
  const db = await notion.databases.create({ parent: { page_id: PROJECTS }, title: text("Lockable"), initial_data_source: { properties: { Name: { title: {} } } } });
  assert.equal(db.is_locked, false);
  assert.equal((await notion.databases.update({ database_id: db.id, is_locked: true })).is_locked, true);
  assert.equal((await notion.databases.retrieve({ database_id: db.id })).is_locked, true);
  assert.equal((await notion.databases.update({ database_id: db.id, is_locked: false })).is_locked, false);
});

await scenario("search", async () => {
  const res = await notion.search({ query: "tasks", filter: { property: "object", value: "data_source" } });
  assert.equal(res.results[0].id, TASKS);
  const pages = await collectPaginatedAPI(notion.search, { filter: { property: "object", value: "page" }, page_size: 2 });
  assert.ok(pages.length >= 6 && pages.every((p) => p.object === "page"));
  assert.ok(!pages.some((p) => p.id === PRIVATE));
});

await scenario("search: the trash (filter.in_trash) and sort by relevance", async () => {
  const binned = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Binned search") } } });
  await notion.pages.update({ page_id: binned.id, in_trash: true });
  const ids = async (params) => (await notion.search({ query: "Binned search", ...params })).results.map((r) => r.id);
  assert.deepEqual(await ids({}), []);
  assert.deepEqual(await ids({ filter: { in_trash: true } }), [binned.id]);
  assert.deepEqual(await ids({ filter: { property: "object", value: "page", in_trash: true } }), [binned.id]);
  assert.deepEqual(await ids({ filter: { property: "object", value: "data_source", in_trash: true } }), []);
  assert.deepEqual(await ids({ filter: { in_trash: false } }), []);
  assert.deepEqual(await ids({ filter: { in_trash: true }, sort: { property: "relevance" } }), [binned.id]);
  const wrong = await expectError(APIErrorCode.ValidationError, notion.search({ filter: { in_trash: "yes" } }));
  assert.match(wrong.message, /body\.filter\.in_trash should be a boolean/);
});

await scenario("comments", async () => {
  const list = await notion.comments.list({ block_id: TASK1 });
  assert.equal(list.results.length, 2);
  const c = await notion.comments.create({ parent: { page_id: TASK1 }, rich_text: text("node comment") });
  const r = await notion.comments.create({ discussion_id: c.discussion_id, rich_text: text("node reply") });
  assert.equal(r.discussion_id, c.discussion_id);
  assert.equal((await notion.comments.retrieve({ comment_id: r.id })).rich_text[0].plain_text, "node reply");
  const edited = await notion.comments.update({ comment_id: r.id, markdown: "node *edited* reply" });
  assert.equal(edited.rich_text[1].annotations.italic, true);
  const byRichText = await notion.comments.update({ comment_id: c.id, rich_text: text("node comment, edited") });
  assert.equal(byRichText.rich_text[0].plain_text, "node comment, edited");
  await expectError(APIErrorCode.ValidationError, notion.comments.update({ comment_id: c.id, rich_text: text("a"), markdown: "b" }));
  await expectError(APIErrorCode.ObjectNotFound, notion.comments.update({ comment_id: list.results[0].id, rich_text: text("not mine") }));
  const deleted = await notion.comments.delete({ comment_id: r.id });
  assert.equal(deleted.id, r.id);
  await expectError(APIErrorCode.ObjectNotFound, notion.comments.retrieve({ comment_id: r.id }));
  await expectError(APIErrorCode.ObjectNotFound, notion.comments.delete({ comment_id: list.results[0].id }));
});

await scenario("2022-06-28: databases.query, database shapes, search", async () => {
  const db = await legacy.databases.retrieve({ database_id: DATABASE });
  assert.ok("Status" in db.properties);
  const res = await legacy.request({ path: `databases/${DATABASE}/query`, method: "post", body: { filter: { property: "Assignee", people: { contains: ADA } } } });
  assert.equal(res.type, "page_or_database");
  assert.ok(res.results.length >= 2);
  assert.equal(res.results[0].parent.type, "database_id");
  const page = await legacy.pages.create({ parent: { database_id: DATABASE }, properties: { Name: { title: text("legacy node") } } });
  assert.deepEqual(page.parent, { type: "database_id", database_id: DATABASE });
  const found = await legacy.search({ filter: { property: "object", value: "database" } });
  assert.equal(found.results[0].object, "database");
});

await scenario("2026-03-11: in_trash only, position only", async () => {
  const page = await current.pages.create({ parent: { data_source_id: TASKS }, properties: { Name: { title: text("node 2026") } } });
  assert.ok(!("archived" in page));
  await expectError(APIErrorCode.ValidationError, current.pages.update({ page_id: page.id, archived: true }));
  const trashed = await current.pages.update({ page_id: page.id, in_trash: true });
  assert.equal(trashed.in_trash, true);
  const [first] = (await current.blocks.children.list({ block_id: MEETING })).results;
  await expectError(
    APIErrorCode.ValidationError,
    current.blocks.children.append({ block_id: MEETING, children: [{ paragraph: { rich_text: text("x") } }], after: first.id }),
  );
  const placed = await current.blocks.children.append({
    block_id: MEETING,
    children: [{ paragraph: { rich_text: text("second") } }],
    position: { type: "after_block", after_block: { id: first.id } },
  });
  assert.ok(!("archived" in placed.results[0]));
  const listed = await collectPaginatedAPI(current.blocks.children.list, { block_id: MEETING });
  assert.equal(listed[1].id, placed.results[0].id);
  assert.equal((await notion.pages.retrieve({ page_id: page.id })).archived, true);
});

await scenario("page markdown: create, retrieve, update", async () => {
  const page = await notion.pages.create({ parent: { page_id: PROJECTS }, markdown: "# Node plan\n- [ ] Write tests\n1. one\n2. two" });
  assert.equal(page.properties.title.title[0].plain_text, "Node plan");
  const md = await notion.pages.retrieveMarkdown({ page_id: page.id });
  assert.equal(md.markdown, "- [ ] Write tests\n1. one\n2. two");
  assert.deepEqual(md.unknown_block_ids, []);
  const ranged = await notion.pages.updateMarkdown({
    page_id: page.id,
    type: "replace_content_range",
    replace_content_range: { content: "1. uno\n2. dos", content_range: "1. one...2. two" },
  });
  assert.equal(ranged.markdown, "- [ ] Write tests\n1. uno\n2. dos");
  const inserted = await notion.pages.updateMarkdown({
    page_id: page.id,
    type: "insert_content",
    insert_content: { content: "> quoted", after: "- [ ] Write tests" },
  });
  assert.equal(inserted.markdown, "- [ ] Write tests\n> quoted\n1. uno\n2. dos");
  const blocks = await collectPaginatedAPI(notion.blocks.children.list, { block_id: page.id });
  assert.deepEqual(blocks.map((b) => b.type), ["to_do", "quote", "numbered_list_item", "numbered_list_item"]);
  const err = await expectError(
    APIErrorCode.ValidationError,
    notion.pages.updateMarkdown({ page_id: PROJECTS, type: "replace_content", replace_content: { new_str: "nothing" } }),
  );
  assert.match(err.message, /allow_deleting_content/);
});

await scenario("async tasks: markdown create and edit with allow_async", async () => {
  // allow_async: true answers 202 with an async_task; asyncTasks.retrieve polls it.
  const task = await notion.pages.create({ parent: { page_id: PROJECTS }, markdown: "# Node async\nQueued", allow_async: true });
  assert.equal(task.object, "async_task");
  assert.equal(task.status, "queued");
  assert.deepEqual(task.operation, { surface: "rest", name: "POST /v1/pages" });
  assert.ok(task.status_url.endsWith(`/v1/async_tasks/${task.id}`), task.status_url);
  const done = await notion.asyncTasks.retrieve({ task_id: task.id });
  assert.equal(done.status, "succeeded");
  assert.equal(done.result.object, "page");
  const { markdown } = await notion.pages.retrieveMarkdown({ page_id: done.result.id });
  assert.equal(markdown, "Queued");
  const edit = await notion.pages.updateMarkdown({
    page_id: done.result.id, type: "insert_content", insert_content: { content: "Done" }, allow_async: true,
  });
  const edited = await notion.asyncTasks.retrieve({ task_id: edit.id });
  assert.equal(edited.operation.name, "PATCH /v1/pages/:page_id/markdown");
  assert.equal(edited.result.markdown, "Queued\nDone");
  await expectError(APIErrorCode.ObjectNotFound, notion.asyncTasks.retrieve({ task_id: "task_unknown" }));
});

await scenario("page markdown: callouts and synced blocks round trip", async () => {
  const page = await notion.pages.create({
    parent: { page_id: PROJECTS },
    markdown: "::: callout {icon=\"💡\"}\nTip\n:::\n<synced_block>\n\tShared\n</synced_block>",
  });
  const { markdown } = await notion.pages.retrieveMarkdown({ page_id: page.id });
  assert.ok(markdown.startsWith("::: callout {icon=\"💡\"}\nTip\n:::\n<synced_block url=\""), markdown);
  const before = (await notion.blocks.children.list({ block_id: page.id })).results.map((b) => b.id);
  const same = await notion.pages.updateMarkdown({ page_id: page.id, type: "replace_content", replace_content: { new_str: markdown } });
  assert.equal(same.markdown, markdown);
  const edited = await notion.pages.updateMarkdown({
    page_id: page.id,
    type: "update_content",
    update_content: { content_updates: [{ old_str: "Tip", new_str: "Tip!" }, { old_str: "\tShared", new_str: "\tShared, edited" }] },
  });
  assert.ok(edited.markdown.endsWith("\n\tShared, edited\n</synced_block>"), edited.markdown);
  const after = (await notion.blocks.children.list({ block_id: page.id })).results;
  assert.equal(after[1].id, before[1], "the synced block keeps its id");
  const [duplicate] = (await notion.blocks.children.append({
    block_id: page.id, children: [{ synced_block: { synced_from: { block_id: before[1] } } }],
  })).results;
  const shown = await notion.pages.retrieveMarkdown({ page_id: page.id });
  assert.ok(shown.markdown.endsWith("\n\tShared, edited\n</synced_block_reference>"), shown.markdown);
  assert.equal(duplicate.synced_block.synced_from.block_id, before[1]);
  await notion.databases.create({
    parent: { page_id: page.id }, title: text("Log"), is_inline: true, icon: { type: "emoji", emoji: "📋" },
    initial_data_source: { properties: { Name: { title: {} } } },
  });
  const withDatabase = await notion.pages.retrieveMarkdown({ page_id: page.id });
  assert.ok(withDatabase.markdown.endsWith('" inline="true" icon="📋">Log</database>'), withDatabase.markdown);
});

await scenario("columns, links to pages, synced blocks, tabs and heading_4", async () => {
  const page = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Layout") } } });
  const column = (words, extra = {}) => ({ column: { children: [{ paragraph: { rich_text: text(words) } }], ...extra } });
  const { results: added } = await notion.blocks.children.append({
    block_id: page.id,
    children: [
      { column_list: { children: [column("Left", { width_ratio: 0.6 }), column("Right", { width_ratio: 0.4 })] } },
      { link_to_page: { type: "database_id", database_id: DATABASE } },
      { synced_block: { synced_from: null, children: [{ paragraph: { rich_text: text("Shared") } }] } },
      { tab: { children: [{ paragraph: { rich_text: text("First tab") } }, { paragraph: { rich_text: text("Second") } }] } },
      { heading_4: { rich_text: text("Small print") } },
    ],
  });
  assert.deepEqual(added.map((b) => b.type), ["column_list", "link_to_page", "synced_block", "tab", "heading_4"]);
  const tabItems = (await notion.blocks.children.list({ block_id: added[3].id })).results;
  assert.deepEqual(tabItems.map((b) => b.paragraph.rich_text[0].plain_text), ["First tab", "Second"]);
  const columns = (await notion.blocks.children.list({ block_id: added[0].id })).results;
  assert.deepEqual(columns.map((c) => c.column.width_ratio), [0.6, 0.4]);
  const left = (await notion.blocks.children.list({ block_id: columns[0].id })).results;
  assert.equal(left[0].paragraph.rich_text[0].plain_text, "Left");
  assert.deepEqual(added[1].link_to_page, { type: "database_id", database_id: DATABASE });
  const [duplicate] = (await notion.blocks.children.append({
    block_id: TASK1,
    children: [{ synced_block: { synced_from: { block_id: added[2].id } } }],
  })).results;
  assert.deepEqual(duplicate.synced_block.synced_from, { type: "block_id", block_id: added[2].id });
  const shown = (await notion.blocks.children.list({ block_id: duplicate.id })).results;
  assert.equal(shown[0].paragraph.rich_text[0].plain_text, "Shared");
  const { markdown } = await notion.pages.retrieveMarkdown({ page_id: page.id });
  assert.ok(markdown.includes("\t<column>\n\t\tRight\n\t</column>\n</columns>"), markdown);
  assert.ok(markdown.includes("<synced_block url="), markdown);
  await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({
    block_id: page.id, children: [{ column_list: { children: [column("a"), { column: { children: [] } }] } }],
  }));
  await expectError(APIErrorCode.ObjectNotFound, legacy.blocks.children.append({
    block_id: page.id, children: [{ link_to_page: { page_id: PRIVATE } }],
  }));
  await expectError(APIErrorCode.ValidationError, current.blocks.children.append({
    block_id: page.id, children: [{ synced_block: { synced_from: { block_id: added[0].id } } }],
  }));
});

await scenario("data source templates and custom emojis", async () => {
  const { templates } = await notion.dataSources.listTemplates({ data_source_id: TASKS });
  assert.deepEqual(templates.map((t) => t.name), ["Bug report", "Feature request"]);
  assert.equal(templates.find((t) => t.is_default).name, "Bug report");
  const feature = await notion.pages.retrieve({ page_id: templates[1].id });
  assert.equal(feature.properties.Status.status.name, "Not started");
  assert.equal((await notion.pages.retrieveMarkdown({ page_id: feature.id })).markdown.split("\n")[0], "## Problem");
  const filtered = await notion.dataSources.listTemplates({ data_source_id: TASKS, name: "bug" });
  assert.equal(filtered.templates.length, 1);
  const emojis = await collectPaginatedAPI(notion.customEmojis.list, { page_size: 1 });
  assert.deepEqual(emojis.map((e) => e.name), ["shipit", "rocket-cat"]);
  const { results } = await notion.customEmojis.list({ name: "rocket-cat" });
  assert.equal(results[0].id, emojis[1].id);
  await expectError(APIErrorCode.ObjectNotFound, notion.dataSources.listTemplates({ data_source_id: PRIVATE }));
  const onlyPages = await notion.dataSources.query({ data_source_id: TASKS, result_type: "page", page_size: 1 });
  assert.equal(onlyPages.results[0].object, "page");
  const childSources = await notion.dataSources.query({ data_source_id: TASKS, result_type: "data_source" });
  assert.deepEqual(childSources.results, []);
});

await scenario("templates applied", async () => {
  const page = await notion.pages.create({
    parent: { data_source_id: TASKS },
    properties: { Name: { title: text("Crash") } },
    template: { type: "template_id", template_id: "90000000-0000-4000-8000-000000000002" },
  });
  assert.equal(page.properties.Status.status.name, "Not started");
  const kinds = async () => (await notion.blocks.children.list({ block_id: page.id })).results.map((b) => b.type);
  assert.deepEqual(await kinds(), ["heading_2", "column_list"]);
  const updated = await legacy.pages.update({ page_id: page.id, template: { type: "default" }, erase_content: true });
  assert.equal(updated.properties.Priority.select.name, "High");
  assert.deepEqual(await kinds(), ["heading_2", "numbered_list_item", "to_do"]);
  await current.pages.update({ page_id: page.id, erase_content: true });
  assert.deepEqual(await kinds(), []);
  await expectError(APIErrorCode.ValidationError, notion.pages.create({
    parent: { data_source_id: TASKS },
    properties: { Name: { title: text("x") } },
    template: { type: "default" },
    children: [{ divider: {} }],
  }));
  await expectError(APIErrorCode.ObjectNotFound, notion.pages.create({
    parent: { data_source_id: TASKS },
    template: { type: "template_id", template_id: "00000000-0000-4000-8000-000000000000" },
  }));
});

await scenario("pages.create position after a block", async () => {
  const [first] = (await notion.blocks.children.list({ block_id: PROJECTS, page_size: 1 })).results;
  const page = await notion.pages.create({
    parent: { page_id: PROJECTS },
    properties: { title: { title: text("Second") } },
    position: { type: "after_block", after_block: { id: first.id } },
  });
  const listed = await collectPaginatedAPI(notion.blocks.children.list, { block_id: PROJECTS });
  assert.equal(listed[1].id, page.id);
  assert.equal(listed[1].child_page.title, "Second");
});

await scenario("move (a page under its own child refused)", async () => {
  const page = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Node mover") } } });
  const moved = await notion.pages.move({ page_id: page.id, parent: { type: "data_source_id", data_source_id: TASKS } });
  assert.equal(moved.parent.data_source_id, TASKS);
  // Nothing moves under itself: a page under its own child is refused.
  const outer = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Node outer") } } });
  const inner = await notion.pages.create({ parent: { page_id: outer.id }, properties: { title: { title: text("Node inner") } } });
  await expectError("validation_error", notion.pages.move({ page_id: outer.id, parent: { type: "page_id", page_id: inner.id } }));
});

await scenario("formulas, rollups, dual relations", async () => {
  const TASK2 = "40000000-0000-4000-8000-000000000002";
  await notion.dataSources.update({
    data_source_id: TASKS,
    properties: {
      Hours: { number: {} },
      Overtime: { formula: { expression: 'prop("Hours") > 8' } },
      Minutes: { formula: { expression: 'prop("Hours") * 60' } },
    },
  });
  await notion.pages.update({ page_id: TASK1, properties: { Hours: { number: 10 } } });
  await notion.pages.update({ page_id: TASK2, properties: { Hours: { number: 2 } } });
  const task = (await notion.pages.retrieve({ page_id: TASK1 })).properties;
  assert.deepEqual(task.Overtime.formula, { type: "boolean", boolean: true });
  assert.deepEqual(task.Minutes.formula, { type: "number", number: 600 });
  await expectError(APIErrorCode.ValidationError, notion.dataSources.update({ data_source_id: TASKS, properties: { Bad: { formula: { expression: "1 +" } } } }));
  const db = await notion.databases.create({
    parent: { type: "page_id", page_id: PROJECTS },
    title: text("Node sprints"),
    initial_data_source: { properties: { Name: { title: {} }, Work: { relation: { data_source_id: TASKS, type: "dual_property", dual_property: {} } } } },
  });
  const sprints = db.data_sources[0].id;
  const ds = await notion.dataSources.update({
    data_source_id: sprints,
    properties: {
      Longest: { rollup: { relation_property_name: "Work", rollup_property_name: "Hours", function: "max" } },
      Count: { rollup: { relation_property_name: "Work", rollup_property_name: "Name", function: "count" } },
    },
  });
  const synced = ds.properties.Work.relation.dual_property.synced_property_name;
  const sprint = await notion.pages.create({
    parent: { data_source_id: sprints },
    properties: { Name: { title: text("Node sprint") }, Work: { relation: [{ id: TASK1 }, { id: TASK2 }] } },
  });
  assert.deepEqual(sprint.properties.Longest.rollup, { type: "number", number: 10, function: "max" });
  assert.equal(sprint.properties.Count.rollup.number, 2);
  const back = (await notion.pages.retrieve({ page_id: TASK1 })).properties[synced];
  assert.deepEqual(back.relation, [{ id: sprint.id }]);
  await notion.pages.update({ page_id: sprint.id, properties: { Work: { relation: [] } } });
  assert.deepEqual((await notion.pages.retrieve({ page_id: TASK1 })).properties[synced].relation, []);
});

await scenario("queries on formulas and rollups", async () => {
  const db = await notion.databases.create({
    parent: { type: "page_id", page_id: PROJECTS },
    title: text("Node scores"),
    initial_data_source: {
      properties: { Name: { title: {} }, Points: { number: {} }, Double: { formula: { expression: 'prop("Points") * 2' } } },
    },
  });
  const ds = db.data_sources[0].id;
  await notion.dataSources.update({
    data_source_id: ds,
    properties: { Parts: { relation: { data_source_id: ds, type: "single_property", single_property: {} } } },
  });
  await notion.dataSources.update({
    data_source_id: ds,
    properties: {
      Total: { rollup: { relation_property_name: "Parts", rollup_property_name: "Points", function: "sum" } },
      Names: { rollup: { relation_property_name: "Parts", rollup_property_name: "Name", function: "show_original" } },
      Groups: { rollup: { relation_property_name: "Parts", rollup_property_name: "Points", function: "count_per_group" } },
      Code: { formula: { expression: 'replace(prop("Name"), "^(?<l>\\w)$", "$<l>$<l>")' } },
    },
  });
  const ids = {};
  for (const [name, points] of [["a", 1], ["b", 5], ["c", null]]) {
    const page = await notion.pages.create({
      parent: { data_source_id: ds },
      properties: { Name: { title: text(name) }, Points: { number: points } },
    });
    ids[name] = page.id;
  }
  await notion.pages.update({ page_id: ids.c, properties: { Parts: { relation: [{ id: ids.a }, { id: ids.b }] } } });
  const names = async (query) =>
    (await notion.dataSources.query({ data_source_id: ds, ...query })).results.map((p) => p.properties.Name.title[0].plain_text);
  assert.deepEqual(await names({ filter: { property: "Double", formula: { number: { greater_than: 5 } } } }), ["b"]);
  assert.deepEqual(await names({ filter: { property: "Total", rollup: { number: { equals: 6 } } } }), ["c"]);
  const noA = { property: "Names", rollup: { none: { rich_text: { equals: "a" } } } };
  assert.deepEqual(await names({ filter: noA, sorts: [{ property: "Name", direction: "ascending" }] }), ["a", "b"]);
  const either = {
    or: [
      { property: "Double", formula: { number: { equals: 2 } } },
      { property: "Names", rollup: { any: { rich_text: { equals: "b" } } } },
    ],
  };
  assert.deepEqual(await names({ filter: either, sorts: [{ property: "Double", direction: "descending" }] }), ["a", "c"]);
  const byTotal = [{ property: "Total", direction: "descending" }, { property: "Name", direction: "descending" }];
  assert.deepEqual(await names({ sorts: byTotal }), ["c", "b", "a"]);
  await expectError(APIErrorCode.ValidationError, names({ filter: { property: "Double", formula: { checkbox: { equals: true } } } }));
  await expectError(APIErrorCode.ValidationError, names({ filter: { property: "Total", rollup: { any: { number: { equals: 1 } } } } }));
  // Per-group rollups answer `unsupported`; regular expressions read JavaScript's syntax.
  const c = await notion.pages.retrieve({ page_id: ids.c });
  assert.deepEqual(c.properties.Groups.rollup, { type: "unsupported", unsupported: {}, function: "count_per_group" });
  await expectError(APIErrorCode.ValidationError, names({ filter: { property: "Groups", rollup: { number: { equals: 1 } } } }));
  assert.deepEqual(await names({ filter: { property: "Code", formula: { string: { equals: "bb" } } } }), ["b"]);
  await expectError(
    APIErrorCode.ValidationError,
    notion.dataSources.update({ data_source_id: ds, properties: { Bad: { formula: { expression: 'test(prop("Name"), "(?=a)")' } } } }),
  );
});

await scenario("formulas 2.0: list functions, let, regular expressions, dates", async () => {
  const db = await notion.databases.create({
    parent: { type: "page_id", page_id: PROJECTS },
    title: text("Node formulas"),
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Tags: { multi_select: { options: [{ name: "Red" }, { name: "Blue" }] } },
        Due: { date: {} },
        Tagged: { formula: { expression: 'prop("Tags").map(lower(current)).sort().join(", ")' } },
        Count: { formula: { expression: 'let(tags, prop("Tags"), tags.filter(current != "Blue").length() + 10)' } },
        Code: { formula: { expression: 'match(prop("Name"), "\\d+").first()' } },
        Upper: { formula: { expression: 'test(prop("Name"), "^[A-Z]")' } },
        Span: { formula: { expression: 'dateRange(prop("Due"), dateAdd(prop("Due"), 1, "weeks"))' } },
        Shown: { formula: { expression: 'formatDate(prop("Due"), "YYYY-MM-DD [week] W")' } },
      },
    },
  });
  const ds = db.data_sources[0].id;
  const make = (name, tags, due) =>
    notion.pages.create({
      parent: { data_source_id: ds },
      properties: { Name: { title: text(name) }, Tags: { multi_select: tags.map((n) => ({ name: n })) }, Due: { date: { start: due } } },
    });
  const alpha = (await make("Alpha 12", ["Red", "Blue"], "2025-03-03")).properties;
  await make("beta 7", ["Blue"], "2025-01-06");
  assert.deepEqual(alpha.Tagged.formula, { type: "string", string: "blue, red" });
  assert.deepEqual(alpha.Count.formula, { type: "number", number: 11 });
  assert.deepEqual(alpha.Code.formula, { type: "string", string: "12" });
  assert.deepEqual(alpha.Upper.formula, { type: "boolean", boolean: true });
  assert.deepEqual(alpha.Span.formula, { type: "date", date: { start: "2025-03-03", end: "2025-03-10", time_zone: null } });
  assert.deepEqual(alpha.Shown.formula, { type: "string", string: "2025-03-03 week 10" });
  const names = async (query) =>
    (await notion.dataSources.query({ data_source_id: ds, ...query })).results.map((p) => p.properties.Name.title[0].plain_text);
  assert.deepEqual(await names({ filter: { property: "Upper", formula: { checkbox: { equals: false } } } }), ["beta 7"]);
  assert.deepEqual(await names({ filter: { property: "Span", formula: { date: { after: "2025-02-01" } } } }), ["Alpha 12"]);
  assert.deepEqual(await names({ sorts: [{ property: "Tagged", direction: "ascending" }] }), ["beta 7", "Alpha 12"]);
  await expectError(APIErrorCode.ValidationError, names({ filter: { property: "Span", formula: { string: { equals: "x" } } } }));
  for (const expression of ["current + 1", 'dateAdd(now(), 1, "fortnights")', 'test(prop("Name"), "(")', "toBase64(1)"]) {
    await expectError(APIErrorCode.ValidationError, notion.dataSources.update({ data_source_id: ds, properties: { Bad: { formula: { expression } } } }));
  }
});

await scenario("file uploads: single part, attached to a block, an icon and a files value, downloaded", async () => {
  const created = await notion.fileUploads.create({ filename: "notes.txt", content_type: "text/plain" });
  assert.equal(created.object, "file_upload");
  assert.equal(created.status, "pending");
  assert.ok(created.upload_url.endsWith(`/v1/file_uploads/${created.id}/send`));
  const sent = await notion.fileUploads.send({
    file_upload_id: created.id,
    file: { filename: "notes.txt", data: new Blob(["hello from node"], { type: "text/plain" }) },
  });
  assert.equal(sent.status, "uploaded");
  assert.equal(sent.content_length, 15);
  const { results } = await notion.blocks.children.append({
    block_id: PROJECTS,
    children: [{ type: "file", file: { type: "file_upload", file_upload: { id: created.id } } }],
  });
  assert.equal(results[0].type, "file");
  assert.equal(results[0].file.type, "file");
  assert.equal(results[0].file.name, "notes.txt");
  const download = await fetch(results[0].file.file.url);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "hello from node");
  assert.equal((await notion.fileUploads.retrieve({ file_upload_id: created.id })).expiry_time, null);

  // A string body (no type): the type comes from the file name.
  const icon = await notion.fileUploads.create({});
  const png = await notion.fileUploads.send({ file_upload_id: icon.id, file: { filename: "icon.png", data: "png" } });
  assert.equal(png.content_type, "image/png");
  await notion.dataSources.update({ data_source_id: TASKS, properties: { Files: { files: {} } } });
  const page = await notion.pages.create({
    parent: { data_source_id: TASKS },
    icon: { type: "file_upload", file_upload: { id: icon.id } },
    properties: {
      Name: { title: text("With an upload") },
      Files: { files: [{ name: "Notes", type: "file_upload", file_upload: { id: created.id } }] },
    },
  });
  assert.equal(page.icon.type, "file");
  assert.equal(page.properties.Files.files[0].type, "file");
  assert.equal(page.properties.Files.files[0].name, "Notes");

  const uploaded = await collectPaginatedAPI(notion.fileUploads.list, { status: "uploaded", page_size: 1 });
  assert.ok(uploaded.some((u) => u.id === created.id));
  assert.ok(uploaded.every((u) => u.status === "uploaded"));
});

await scenario("file uploads: multi-part, complete, refusals", async () => {
  const created = await notion.fileUploads.create({ mode: "multi_part", number_of_parts: 2, filename: "big.txt" });
  assert.deepEqual(created.number_of_parts, { total: 2, sent: 0 });
  assert.ok(created.complete_url.endsWith("/complete"));
  await expectError(APIErrorCode.ValidationError, notion.fileUploads.complete({ file_upload_id: created.id }));
  const part = (data) => ({ filename: "big.txt", data: new Blob([data], { type: "text/plain" }) });
  await notion.fileUploads.send({ file_upload_id: created.id, part_number: "2", file: part("tail") });
  await notion.fileUploads.send({ file_upload_id: created.id, part_number: "1", file: part("a".repeat(5 << 20)) });
  const done = await notion.fileUploads.complete({ file_upload_id: created.id });
  assert.equal(done.status, "uploaded");
  assert.equal(done.content_length, (5 << 20) + 4);

  const pending = await notion.fileUploads.create({});
  const err = await expectError(
    APIErrorCode.ValidationError,
    notion.blocks.children.append({
      block_id: PROJECTS,
      children: [{ image: { type: "file_upload", file_upload: { id: pending.id } } }],
    }),
  );
  assert.match(err.message, /pending/);
  await expectError(APIErrorCode.ValidationError, notion.fileUploads.create({ mode: "multi_part", filename: "x.mp4" }));
  await expectError(APIErrorCode.ValidationError, notion.fileUploads.create({ content_type: "application/x-msdownload" }));
  await expectError(APIErrorCode.ObjectNotFound, notion.fileUploads.retrieve({ file_upload_id: "f0000000-0000-4000-8000-000000000001" }));
  const external = await notion.fileUploads.create({ mode: "external_url", external_url: "https://example.com/a.png", filename: "a.png" });
  assert.equal(external.status, "failed");
  assert.equal(external.file_import_result.type, "error");
});

await scenario("cursors are result ids; code blocks take Notion's languages", async () => {
  // A list's next_cursor is the id of the first result the page left off.
  const every = await collectPaginatedAPI(notion.blocks.children.list, { block_id: MEETING });
  const first = await notion.blocks.children.list({ block_id: MEETING, page_size: 2 });
  assert.equal(first.next_cursor, every[2].id);
  const rest = await notion.blocks.children.list({ block_id: MEETING, start_cursor: first.next_cursor, page_size: 2 });
  assert.deepEqual(rest.results.map((b) => b.id), every.slice(2, 4).map((b) => b.id));
  const people = await notion.users.list({ page_size: 1 });
  assert.equal(people.next_cursor, (await notion.users.list({})).results[1].id);
  for (const cursor of ["garbage", PRIVATE]) {
    const err = await expectError(APIErrorCode.ValidationError, notion.blocks.children.list({ block_id: MEETING, start_cursor: cursor }));
    assert.ok(err.message.includes("start_cursor") && err.message.includes(cursor), err.message);
  }
  const [code] = (await notion.blocks.children.append({
    block_id: PROJECTS,
    children: [{ code: { rich_text: text("fn main() {}"), language: "rust" } }],
  })).results;
  assert.equal(code.code.language, "rust");
  const err = await expectError(
    APIErrorCode.ValidationError,
    notion.blocks.children.append({ block_id: PROJECTS, children: [{ code: { rich_text: text("x"), language: "klingon" } }] }),
  );
  assert.match(err.message, /code\.language should be .*"plain text".*instead was `"klingon"`/);
  await expectError(APIErrorCode.ValidationError, notion.blocks.update({ block_id: code.id, code: { language: "Rust" } }));
  // A new code block names its language (no default); an update may leave it out.
  const unnamed = await expectError(
    APIErrorCode.ValidationError,
    notion.blocks.children.append({ block_id: PROJECTS, children: [{ code: { rich_text: text("x") } }] }),
  );
  assert.match(unnamed.message, /code\.language should be defined, instead was `undefined`/);
  const kept = await notion.blocks.update({ block_id: code.id, code: { rich_text: text("fn main() { }") } });
  assert.equal(kept.code.language, "rust");
});

await scenario("deep block lists: keyed cursors through 250 children, a trashed cursor carries on", async () => {
  const page = await notion.pages.create({ parent: { page_id: MEETING }, properties: { title: { title: text("Deep") } } });
  for (let start = 0; start < 250; start += 100) {
    const children = [];
    for (let i = start; i < Math.min(start + 100, 250); i++) children.push({ paragraph: { rich_text: text(`p${i}`) } });
    await notion.blocks.children.append({ block_id: page.id, children });
  }
  const every = await collectPaginatedAPI(notion.blocks.children.list, { block_id: page.id, page_size: 100 });
  assert.deepEqual(every.map((b) => b.paragraph.rich_text[0].plain_text), Array.from({ length: 250 }, (_, i) => `p${i}`));
  await notion.blocks.delete({ block_id: every[120].id });
  const rest = await notion.blocks.children.list({ block_id: page.id, start_cursor: every[120].id, page_size: 2 });
  assert.deepEqual(rest.results.map((b) => b.id), [every[121].id, every[122].id]);
});

await scenario("views: the Default view, create/list/update/delete, view queries paged through", async () => {
  const listed = await notion.views.list({ database_id: DATABASE });
  assert.equal(listed.type, "view");
  assert.equal(listed.results.length, 1);
  const byDefault = await notion.views.retrieve({ view_id: listed.results[0].id });
  assert.deepEqual([byDefault.name, byDefault.type, byDefault.data_source_id], ["Default view", "table", TASKS]);
  assert.deepEqual(byDefault.parent, { type: "database_id", database_id: DATABASE });
  const undone = { property: "Done", checkbox: { equals: false } };
  const byName = [{ property: "Name", direction: "ascending" }];
  const view = await notion.views.create({
    data_source_id: TASKS, database_id: DATABASE, name: "Open work", type: "table",
    filter: undone, sorts: byName, position: { type: "start" },
  });
  assert.equal((await notion.views.list({ database_id: DATABASE })).results[0].id, view.id);
  const board = await notion.views.create({
    data_source_id: TASKS, name: "By status", type: "board",
    configuration: { type: "board", group_by: { type: "status", property_id: "Status", group_by: "option", sort: { type: "manual" } } },
  });
  assert.equal(board.configuration.group_by.property_name, "Status");
  assert.equal((await collectPaginatedAPI(notion.views.list, { data_source_id: TASKS, page_size: 1 })).length, 3);
  const expected = (await collectPaginatedAPI(notion.dataSources.query, { data_source_id: TASKS, filter: undone, sorts: byName }))
    .map((p) => p.id);
  const run = await notion.views.queries.create({ view_id: view.id, page_size: 1 });
  assert.equal(run.object, "view_query");
  assert.ok(expected.length > 1);
  assert.equal(run.total_count, expected.length);
  assert.deepEqual(run.results.map((r) => r.id), expected.slice(0, 1));
  const kept = await collectPaginatedAPI(notion.views.queries.results, { view_id: view.id, query_id: run.id, page_size: 2 });
  assert.deepEqual(kept.map((r) => r.id), expected);
  const renamed = await notion.views.update({ view_id: view.id, name: "Everything", filter: null });
  assert.equal(renamed.name, "Everything");
  assert.equal(renamed.filter, null);
  assert.deepEqual(renamed.sorts, byName);
  const deleted = await notion.views.queries.delete({ view_id: view.id, query_id: run.id });
  assert.deepEqual(deleted, { object: "view_query", id: run.id, deleted: true });
  await expectError(APIErrorCode.ObjectNotFound, notion.views.queries.results({ view_id: view.id, query_id: run.id }));
  assert.equal((await notion.views.delete({ view_id: board.id })).type, "board");
  await expectError(APIErrorCode.ObjectNotFound, notion.views.retrieve({ view_id: board.id }));
  const err = await expectError(
    APIErrorCode.ValidationError,
    notion.views.create({ data_source_id: TASKS, name: "X", type: "table", filter: { property: "Nope", checkbox: { equals: true } } }),
  );
  assert.match(err.message, /Nope/);
});

await scenario("paginators and type guards: iteratePaginatedAPI, collectAllDataSourceRows, templates", async () => {
  const blocks = [];
  for await (const block of iteratePaginatedAPI(notion.blocks.children.list, { block_id: TASK1, page_size: 1 })) {
    blocks.push(block);
  }
  assert.ok(blocks.length >= 2 && blocks.every(isFullBlock), JSON.stringify(blocks));
  const pages = await collectPaginatedAPI(notion.dataSources.query, { data_source_id: TASKS });
  const rows = await collectAllDataSourceRows(notion, { data_source_id: TASKS, page_size: 2 });
  assert.deepEqual(rows.map((p) => p.id).sort(), pages.map((p) => p.id).sort());
  const undone = { and: [{ property: "Done", checkbox: { equals: false } }] };
  const open = await collectAllDataSourceRows(notion, { data_source_id: TASKS, filter: undone });
  assert.equal(open.length, pages.filter((p) => !p.properties.Done.checkbox).length);
  const created = open.map((p) => p.created_time);
  assert.deepEqual(created, [...created].sort(), "rows come by created_time");
  const templates = await collectDataSourceTemplates(notion, { data_source_id: TASKS, page_size: 1 });
  assert.deepEqual(templates.map((t) => t.name), ["Bug report", "Feature request"]);
  const users = await collectPaginatedAPI(notion.users.list, { page_size: 1 });
  assert.ok(users.every(isFullUser));
  assert.ok(isFullDatabase(await notion.databases.retrieve({ database_id: DATABASE })));
  assert.ok(isFullDataSource(await notion.dataSources.retrieve({ data_source_id: TASKS })));
  const comments = await collectPaginatedAPI(notion.comments.list, { block_id: TASK1, page_size: 1 });
  assert.equal(comments.length, (await notion.comments.list({ block_id: TASK1 })).results.length);
  assert.ok(comments.every(isFullComment));
  const related = (await notion.dataSources.retrieve({ data_source_id: TASKS })).properties.Related.id;
  const linked = ["40000000-0000-4000-8000-000000000002", "40000000-0000-4000-8000-000000000003"];
  const page = await notion.pages.create({
    parent: { data_source_id: TASKS },
    properties: { Name: { title: text("Linked twice") }, Related: { relation: linked.map((id) => ({ id })) } },
  });
  const items = await collectPaginatedAPI(notion.pages.properties.retrieve, { page_id: page.id, property_id: related, page_size: 1 });
  assert.deepEqual(items.map((item) => item.relation.id), linked);
  const found = await collectPaginatedAPI(notion.search, { query: "the", page_size: 1 });
  assert.ok(found.length >= 4 && found.every((r) => r.object === "page" || r.object === "data_source"));
});

await scenario("error objects: status, code, message, body, request_id", async () => {
  const missing = "40000000-0000-4000-8000-000000000009";
  const err = await expectError(APIErrorCode.ObjectNotFound, notion.pages.retrieve({ page_id: missing }));
  assert.ok(APIResponseError.isAPIResponseError(err));
  assert.equal(err.status, 404);
  assert.match(err.message, /Could not find page with ID: 40000000-0000-4000-8000-000000000009/);
  const body = JSON.parse(err.body);
  assert.equal(body.object, "error");
  assert.equal(body.code, "object_not_found");
  assert.ok(err.request_id && err.request_id === body.request_id, err.request_id);
  const bad = await expectError(APIErrorCode.ValidationError, notion.dataSources.query({ data_source_id: TASKS, page_size: 0 }));
  assert.equal(bad.status, 400);
  assert.match(bad.message, /page_size/);
  const typo = await expectError(
    APIErrorCode.ValidationError,
    notion.pages.update({ page_id: TASK1, properties: { Done: { checkbox: "yes" } } }),
  );
  assert.match(typo.message, /Done/);
  const denied = await expectError(APIErrorCode.Unauthorized, new Client({ auth: "secret_nope", baseUrl, logger: () => {} }).search({}));
  assert.equal(denied.status, 401);
  assert.equal(denied.message, "API token is invalid.");
  await expectError(APIErrorCode.ObjectNotFound, notion.blocks.children.list({ block_id: missing }));
  await expectError(APIErrorCode.ObjectNotFound, notion.dataSources.query({ data_source_id: missing }));
  await expectError(APIErrorCode.ValidationError, notion.blocks.retrieve({ block_id: "not-an-id" }));
  const icon = await expectError(
    APIErrorCode.ValidationError,
    notion.pages.update({ page_id: TASK1, icon: { type: "emoji", emoji: "smile" } }),
  );
  assert.match(icon.message, /body\.icon\.emoji/);
  const ragged = await expectError(
    APIErrorCode.ValidationError,
    notion.blocks.children.append({
      block_id: PROJECTS,
      children: [{ table: { table_width: 2, children: [{ table_row: { cells: [text("only one")] } }] } }],
    }),
  );
  assert.match(ragged.message, /must match the table width/);
  const colour = await expectError(
    APIErrorCode.ValidationError,
    notion.blocks.children.append({ block_id: PROJECTS, children: [{ paragraph: { rich_text: text("x"), color: "teal" } }] }),
  );
  assert.match(colour.message, /paragraph\.color/);
  const filter = await expectError(APIErrorCode.ValidationError, notion.search({ filter: { property: "title", value: "page" } }));
  assert.match(filter.message, /body\.filter\.property should be `"object"`/);
  await expectError(
    APIErrorCode.ValidationError,
    notion.databases.create({ parent: { page_id: PROJECTS }, title: text("x"), initial_data_source: { properties: { Name: { title: 0 } } } }),
  );
});

await scenario("size limits: Notion's validation_error for a long link, equation, 101 options, 1010 blocks, 500KB", async () => {
  const longLink = [{ text: { content: "x", link: { url: "https://example.com/" + "x".repeat(1981) } } }];
  const link = await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({ block_id: PROJECTS, children: [{ paragraph: { rich_text: longLink } }] }));
  assert.ok(link.message.includes("body.children[0].paragraph.rich_text[0].text.link.url.length should be ≤ `2000`, instead was `2001`"), link.message);
  const equation = await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({ block_id: PROJECTS, children: [{ equation: { expression: "x".repeat(1001) } }] }));
  assert.ok(equation.message.includes("equation.expression.length should be ≤ `1000`"), equation.message);
  const tags = Array.from({ length: 101 }, (_, i) => ({ name: `t${i}` }));
  const options = await expectError(APIErrorCode.ValidationError, notion.pages.create({ parent: { data_source_id: TASKS }, properties: { Name: { title: text("Tagged") }, Tags: { multi_select: tags } } }));
  assert.ok(options.message.includes("multi_select.length should be ≤ `100`, instead was `101`"), options.message);
  // 1000 block elements a request, children counted: 10 toggles of 100 paragraphs are 1010.
  const toggle = { toggle: { rich_text: text("t"), children: Array(100).fill({ paragraph: { rich_text: text("in") } }) } };
  const big = await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({ block_id: PROJECTS, children: Array(10).fill(toggle) }));
  assert.ok(big.message.includes("1010 block elements"), big.message);
  // 500KB a request's payload: 3 paragraphs of 100 rich text items of 2,000 characters
  // (about 620KB) are refused whole; 2 (about 413KB) are taken.
  const paragraphs = (n) => Array(n).fill({ paragraph: { rich_text: Array(100).fill(text("x".repeat(2000))[0]) } });
  const count = async () => (await collectPaginatedAPI(notion.blocks.children.list, { block_id: PROJECTS })).length;
  const before = await count();
  const heavy = await expectError(APIErrorCode.ValidationError, notion.blocks.children.append({ block_id: PROJECTS, children: paragraphs(3) }));
  assert.equal(heavy.status, 400);
  assert.ok(heavy.message.includes("at most 500KB"), heavy.message);
  assert.equal(await count(), before);
  const taken = await notion.blocks.children.append({ block_id: PROJECTS, children: paragraphs(2) });
  assert.equal(taken.results.length, 2);
});

// Subscribes the receiver at `url` (with `choices`: api_version, event_types) and answers
// Notion's handshake as the subscription's owner does (the first handshake whose token is not
// among `seen`); resolves with the subscription and its verification token.
async function subscribed(url, until, choices = {}, seen = []) {
  const subscription = await admin("POST", "webhooks", { url, ...choices });
  const handshake = await until((d) => {
    const token = JSON.parse(d.body).verification_token;
    return token && !seen.includes(token);
  });
  assert.ok(handshake, "the verification request came");
  const { verification_token } = JSON.parse(handshake.body);
  seen.push(verification_token);
  await admin("POST", `webhooks/${subscription.id}/verify`, { verification_token });
  return { subscription, verification_token };
}

if (process.env.ASYM_ADMIN_SECRET) {
  await scenario("webhooks: handshake, page.created, verifyWebhookSignature", () => withReceiver(async (url, received, until) => {
    const { subscription, verification_token } = await subscribed(url, until);
    const page = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Hooked") } } });
    const delivery = await until((d) => JSON.parse(d.body).type === "page.created");
    assert.ok(delivery, "page.created came");
    const event = JSON.parse(delivery.body);
    assert.equal(event.type, "page.created");
    assert.deepEqual(event.entity, { id: page.id, type: "page" });
    const signature = delivery.headers["x-notion-signature"];
    assert.ok(await verifyWebhookSignature({ body: delivery.body, signature, verificationToken: verification_token }));
    const forged = delivery.body.replace("page.created", "page.deleted");
    assert.equal(await verifyWebhookSignature({ body: forged, signature, verificationToken: verification_token }), false);
    assert.equal(await verifyWebhookSignature({ body: delivery.body, signature, verificationToken: "secret_wrong" }), false);
    assert.equal(event.api_version, "2025-09-03");
    // Views and file uploads announce themselves too.
    const view = await notion.views.create({ data_source_id: TASKS, name: "Hooked view", type: "table" });
    const made = await until((d) => JSON.parse(d.body).type === "view.created");
    assert.ok(made, "view.created came");
    const viewEvent = JSON.parse(made.body);
    assert.deepEqual(viewEvent.entity, { id: view.id, type: "view" });
    assert.equal(viewEvent.data.view_type, "table");
    assert.ok(await verifyWebhookSignature({ body: made.body, signature: made.headers["x-notion-signature"], verificationToken: verification_token }));
    await notion.views.update({ view_id: view.id, name: "Renamed hook" });
    const renamed = await until((d) => JSON.parse(d.body).type === "view.updated");
    assert.deepEqual(JSON.parse(renamed.body).data.updated_fields, ["name"]);
    const upload = await notion.fileUploads.create({ mode: "single_part", filename: "hook.txt", content_type: "text/plain" });
    await notion.fileUploads.send({ file_upload_id: upload.id, file: { filename: "hook.txt", data: new Blob(["hooked"], { type: "text/plain" }) } });
    const done = await until((d) => JSON.parse(d.body).type === "file_upload.completed");
    assert.ok(done, "file_upload.completed came");
    assert.deepEqual(JSON.parse(done.body).entity, { id: upload.id, type: "file_upload" });
    await notion.pages.update({ page_id: page.id, is_locked: true });
    const locked = await until((d) => JSON.parse(d.body).type === "page.locked");
    assert.ok(locked, "page.locked came");
    assert.deepEqual(JSON.parse(locked.body).data.parent, { id: PROJECTS, type: "page" });
    await admin("DELETE", `webhooks/${subscription.id}`);
  }));

  await scenario("webhooks: data_source.content_updated, database.moved, data_source.moved, file_upload.expired, a 2022-06-28 subscription", () => withReceiver(async (url, received, until) => {
    // Two subscriptions to one receiver (told apart by subscription_id): the SDK's default
    // version, and 2022-06-28, which hears the deprecated database.* events instead.
    const tokens = [];
    const now = (await subscribed(url, until, {}, tokens)).subscription.id;
    const old = (await subscribed(url, until, { api_version: "2022-06-28" }, tokens)).subscription.id;
    const heard = async (subscription, type, id) => {
      const delivery = await until((d) => {
        const e = JSON.parse(d.body);
        return e.subscription_id === subscription && e.type === type && e.entity.id === id;
      });
      assert.ok(delivery, `${type} came`);
      return JSON.parse(delivery.body);
    };
    // Databases of the scenario's own, under a page of its own.
    const home = await notion.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Hook home") } } });
    const inHome = (title) => notion.databases.create({ parent: { page_id: home.id }, title: text(title), initial_data_source: { properties: { Name: { title: {} } } } });
    const db = await inHome("Hooked rows");
    const source = db.data_sources[0].id;
    // A view made before the row: 2022-06-28 hears no view.* (views are 2025-09-03's).
    const view = await notion.views.create({ data_source_id: source, name: "Hooked rows view", type: "table" });
    assert.equal((await heard(now, "view.created", view.id)).data.parent.data_source_id, source);
    const row = await notion.pages.create({ parent: { data_source_id: source }, properties: { Name: { title: text("Row") } } });
    const content = await heard(now, "data_source.content_updated", source);
    assert.deepEqual(content.data, { parent: { id: db.id, type: "database" }, updated_blocks: [{ id: row.id, type: "page" }] });
    const legacyContent = await heard(old, "database.content_updated", db.id);
    assert.equal(legacyContent.api_version, "2022-06-28");
    assert.deepEqual(legacyContent.entity, { id: db.id, type: "database" });
    assert.deepEqual(legacyContent.data.parent, { id: home.id, type: "page" });
    assert.ok(!received.some((d) => JSON.parse(d.body).subscription_id === old && JSON.parse(d.body).type.startsWith("view.")), "2022-06-28 hears no view.* event");
    await notion.dataSources.update({ data_source_id: source, properties: { Size: { number: {} } } });
    const schema = await heard(old, "database.schema_updated", db.id);
    assert.equal(schema.data.updated_properties[0].name, "Size");
    // databases.update with parent moves the database; dataSources.update with parent moves
    // a data source to another database.
    const moved = await notion.databases.update({ database_id: db.id, parent: { type: "workspace", workspace: true } });
    assert.deepEqual(moved.parent, { type: "workspace", workspace: true });
    const dbMoved = await heard(now, "database.moved", db.id);
    assert.deepEqual(dbMoved.data.parent, { id: dbMoved.workspace_id, type: "space" });
    await notion.databases.update({ database_id: db.id, parent: { type: "page_id", page_id: home.id } });
    const second = await notion.dataSources.create({ parent: { database_id: db.id }, title: text("Second"), properties: { Name: { title: {} } } });
    const other = await inHome("Other rows");
    const movedSource = await notion.dataSources.update({ data_source_id: second.id, parent: { type: "database_id", database_id: other.id } });
    assert.equal(movedSource.parent.database_id, other.id);
    const sourceMoved = await heard(now, "data_source.moved", second.id);
    assert.deepEqual(sourceMoved.data.parent, { id: other.id, type: "database" });
    assert.deepEqual((await notion.databases.retrieve({ database_id: other.id })).data_sources.map((d) => d.id), [other.data_sources[0].id, second.id]);
    // An upload left pending past its expiry_time (the admin surface makes the hour pass).
    const upload = await notion.fileUploads.create({ mode: "single_part", filename: "late.txt", content_type: "text/plain" });
    await admin("POST", `file_uploads/${upload.id}/expire`, {});
    const expired = await heard(now, "file_upload.expired", upload.id);
    assert.deepEqual(expired.entity, { id: upload.id, type: "file_upload" });
    assert.equal((await notion.fileUploads.retrieve({ file_upload_id: upload.id })).status, "expired");
    assert.ok(!received.some((d) => JSON.parse(d.body).subscription_id === old && JSON.parse(d.body).type.startsWith("data_source.")), "2022-06-28 hears no data_source.* event");
    await admin("DELETE", `webhooks/${now}`);
    await admin("DELETE", `webhooks/${old}`);
  }));

  await scenario("2026-03-11: a subscription on 2026-03-11 hears events in that version", () => withReceiver(async (url, received, until) => {
    const { subscription, verification_token } = await subscribed(url, until, { api_version: "2026-03-11", event_types: ["page.created"] });
    assert.equal(subscription.api_version, "2026-03-11");
    const page = await current.pages.create({ parent: { data_source_id: TASKS }, properties: { Name: { title: text("heard in 2026") } } });
    const delivery = await until((d) => JSON.parse(d.body).type === "page.created");
    assert.ok(delivery, "page.created came");
    assert.ok(await verifyWebhookSignature({ body: delivery.body, signature: delivery.headers["x-notion-signature"], verificationToken: verification_token }));
    const event = JSON.parse(delivery.body);
    assert.equal(event.api_version, "2026-03-11");
    assert.deepEqual(event.entity, { id: page.id, type: "page" });
    // Only the chosen type: no data_source.content_updated for the new row.
    assert.ok(!received.some((d) => JSON.parse(d.body).type === "data_source.content_updated"));
    await admin("DELETE", `webhooks/${subscription.id}`);
  }));

  await scenario("rate limit: rate_limited with Retry-After, the SDK's retry waits it out", async () => {
    const once = new Client({ auth, baseUrl, retry: false, logger: () => {} });
    await admin("POST", "rate-limit", { enabled: true });
    try {
      let err;
      for (let i = 0; i < 40 && !err; i++) {
        err = await once.users.me({}).then(() => undefined, (e) => e);
      }
      assert.ok(err, "limited within 40 requests");
      assert.equal(err.code, APIErrorCode.RateLimited);
      assert.equal(err.status, 429);
      // Notion's "Request limits": which limit was exceeded (the per-connection one).
      assert.equal(err.additional_data?.rate_limit_reason, "public_api_request_rate_limit");
      const wait = Number(err.headers.get("retry-after"));
      assert.ok(wait >= 1 && wait <= 10, String(wait));
      const patient = new Client({ auth, baseUrl, retry: { maxRetries: 2, maxRetryDelayMs: 11_000 }, logger: () => {} });
      assert.equal((await patient.users.me({})).type, "bot");
    } finally {
      await admin("POST", "rate-limit", { enabled: false });
    }
  });

  await scenario("service_unavailable: a 503 is ServiceUnavailable, retried for a read, not a write", async () => {
    // Notion's 503, asked of the clone as a fault (its body as the README gives it).
    const unavailable = {
      object: "error", status: 503, code: "service_unavailable", message: "Notion is unavailable. Try again later.",
    };
    const retrying = new Client({ auth, baseUrl, retry: { maxRetries: 1, initialRetryDelayMs: 50 }, logger: () => {} });
    try {
      await admin("POST", "faults", { path: "/v1/users/me", method: "GET", status: 503, body: unavailable });
      assert.equal((await retrying.users.me({})).type, "bot");
      await admin("POST", "faults", { path: "/v1/pages", method: "POST", status: 503, body: unavailable });
      const err = await expectError(
        APIErrorCode.ServiceUnavailable,
        retrying.pages.create({ parent: { page_id: PROJECTS }, properties: { title: { title: text("Unavailable") } } }),
      );
      assert.equal(err.status, 503);
      assert.equal(err.message, unavailable.message);
      assert.equal((await notion.users.me({})).type, "bot");
    } finally {
      await admin("DELETE", "faults");
    }
  });

  await scenario("oauth: token (authorization_code, refresh_token), introspect, revoke", async () => {
    // The client secret and a code come from the admin surface (what Notion's integration
    // settings and consent redirect give); oauth.* authenticate the client with HTTP Basic.
    const app = await admin("POST", "oauth/client", {});
    const creds = { client_id: app.client_id, client_secret: app.client_secret };
    const redirect_uri = "https://example.com/callback";
    const { code } = await admin("POST", "oauth/codes", { redirect_uri });
    const tokens = await notion.oauth.token({ ...creds, grant_type: "authorization_code", code, redirect_uri });
    assert.equal(tokens.token_type, "bearer");
    assert.ok(tokens.access_token.startsWith("ntn_"));
    assert.equal(tokens.owner.type, "user");
    assert.equal(tokens.owner.user.id, ADA);
    const installed = new Client({ auth: tokens.access_token, baseUrl, logger: () => {} });
    assert.equal((await installed.users.me({})).id, tokens.bot_id);
    const twice = await notion.oauth.token({ ...creds, grant_type: "authorization_code", code, redirect_uri })
      .then(() => assert.fail("a code was exchanged twice"), (e) => e);
    assert.ok(isHTTPResponseError(twice), String(twice));
    assert.equal(twice.status, 400);
    assert.match(twice.body, /invalid_grant/);
    const seen = await notion.oauth.introspect({ ...creds, token: tokens.access_token });
    assert.equal(seen.active, true);
    assert.match(seen.scope, /read_content/);
    assert.ok(seen.iat > 0);
    const renewed = await notion.oauth.token({ ...creds, grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    assert.notEqual(renewed.access_token, tokens.access_token);
    await notion.oauth.revoke({ ...creds, token: renewed.access_token });
    assert.equal((await notion.oauth.introspect({ ...creds, token: renewed.access_token })).active, false);
    const revoked = new Client({ auth: renewed.access_token, baseUrl, logger: () => {} });
    await expectError(APIErrorCode.Unauthorized, revoked.users.me({}));
  });
}

await scenario("meeting notes: a query answers none, a malformed one is refused", async () => {
  const found = await notion.blocks.meetingNotes.query({
    filter: {
      operator: "and",
      filters: [{ property: "title", filter: { operator: "string_contains", value: { type: "exact", value: "Weekly sync" } } }],
    },
    sort: [{ property: "created_time", direction: "descending" }],
    limit: 10,
  });
  assert.deepEqual(found.results, []);
  assert.equal(found.has_more, false);
  const err = await expectError(APIErrorCode.ValidationError, notion.blocks.meetingNotes.query({ limit: 51 }));
  assert.match(err.message, /body\.limit should be ≤ `50`/);
});

await scenario(
  "restricted capabilities",
  async () => {
    // The `restricted` fixture's integration may read content and comments, nothing more.
    assert.equal((await notion.users.me({})).type, "bot");
    assert.equal((await notion.pages.retrieve({ page_id: TASK1 })).id, TASK1);
    assert.equal((await notion.comments.list({ block_id: TASK1 })).object, "list");
    const err = await expectError(APIErrorCode.RestrictedResource, notion.users.list({}));
    assert.equal(err.status, 403);
    await expectError(APIErrorCode.RestrictedResource, notion.users.retrieve({ user_id: ADA }));
    await expectError(
      APIErrorCode.RestrictedResource,
      notion.pages.create({ parent: { data_source_id: TASKS }, properties: { Name: { title: text("Refused") } } }),
    );
    await expectError(
      APIErrorCode.RestrictedResource,
      notion.pages.update({ page_id: TASK1, properties: { Done: { checkbox: false } } }),
    );
    await expectError(
      APIErrorCode.RestrictedResource,
      notion.blocks.children.append({ block_id: TASK1, children: [{ paragraph: { rich_text: text("Refused") } }] }),
    );
    await expectError(
      APIErrorCode.RestrictedResource,
      notion.comments.create({ parent: { page_id: TASK1 }, rich_text: text("Refused") }),
    );
    const found = await notion.dataSources.query({
      data_source_id: TASKS,
      filter: { property: "Name", title: { equals: "Refused" } },
    });
    assert.deepEqual(found.results, []);
    assert.equal((await notion.pages.retrieve({ page_id: TASK1 })).properties.Done.checkbox, true);
    await expectError(APIErrorCode.RestrictedResource, notion.fileUploads.create({}));
    assert.ok((await notion.pages.retrieveMarkdown({ page_id: TASK1 })).markdown.startsWith("## Notes"));
    await expectError(
      APIErrorCode.RestrictedResource,
      notion.pages.updateMarkdown({ page_id: TASK1, type: "replace_content", replace_content: { new_str: "Refused" } }),
    );
    assert.equal((await notion.fileUploads.list({})).object, "list");
  },
  "restricted",
);

const { version } = createRequire(import.meta.url)("@notionhq/client/package.json");
finish(`node @notionhq/client ${version}, fixture ${FIXTURE}`);
