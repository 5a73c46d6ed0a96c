"""Scenarios for the official Python SDK (notion-client) against a Notion clone.

Only `base_url` (and, for the 2022 scenarios, `notion_version`) differ from production use.
Reads NOTION_BASE_URL, NOTION_TOKEN, NOTION_FIXTURE (the clone's seed, `basic` unless
set: the scenarios for `restricted` run only against that fixture) and ASYM_ADMIN_URL /
ASYM_ADMIN_SECRET (the clone's admin surface, exported by scripts/sdk-lib.sh: the webhook,
OAuth, fault and rate-limit scenarios drive it, and are skipped without the secret). Runs each
scenario through the shared runner (scripts/sdk/check.py): one line each, the count at the end,
non-zero on any failure.
"""

import asyncio
import hashlib
import hmac
import importlib.metadata
import json
import logging
import os

import httpx

from check import Receiver, admin, check, finish
from notion_client import APIErrorCode, APIResponseError, AsyncClient, Client
from notion_client.client import RetryOptions
from notion_client.errors import HTTPResponseError
from notion_client.helpers import (
    async_collect_paginated_api,
    collect_data_source_templates,
    collect_paginated_api,
    extract_database_id,
    extract_page_id,
    is_full_block,
    is_full_data_source,
    is_full_database,
    is_full_page,
    is_full_user,
    iterate_paginated_api,
)

BASE = os.environ["NOTION_BASE_URL"]
TOKEN = os.environ["NOTION_TOKEN"]
FIXTURE = os.environ.get("NOTION_FIXTURE", "basic")
ADMIN_SECRET = os.environ.get("ASYM_ADMIN_SECRET")

PROJECTS = "10000000-0000-4000-8000-000000000001"
MEETING = "10000000-0000-4000-8000-000000000002"
PRIVATE = "10000000-0000-4000-8000-000000000099"
DATABASE = "20000000-0000-4000-8000-000000000001"
TASKS = "30000000-0000-4000-8000-000000000001"
TASK1 = "40000000-0000-4000-8000-000000000001"
ADA = "a0000000-0000-4000-8000-000000000001"

QUIET = logging.CRITICAL  # the expected error cases would log warnings
notion = Client(auth=TOKEN, base_url=BASE, log_level=QUIET)
legacy = Client(auth=TOKEN, base_url=BASE, notion_version="2022-06-28", log_level=QUIET)
current = Client(auth=TOKEN, base_url=BASE, notion_version="2026-03-11", log_level=QUIET)


def scenario(fn=None, *, fixture="basic", needs_admin=False):
    """Runs `fn` at once (the shared runner's `check`) when the clone holds `fixture`; one that
    `needs_admin` (webhooks, faults, the rate limit's switch) only when the admin surface's
    secret is known (run.sh exports it; the Node suite skips those alike)."""
    if fn is None:
        return lambda f: scenario(f, fixture=fixture, needs_admin=needs_admin)
    if fixture == FIXTURE and (ADMIN_SECRET or not needs_admin):
        check(fn.__name__, fn)
    return fn


def text(content):
    return [{"type": "text", "text": {"content": content}}]


def expect_error(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except APIResponseError as err:
        assert err.code == code, (err.code, str(err))
        return err
    raise AssertionError(f"expected {code}")


@scenario
def users_and_me():
    me = notion.users.me()
    assert me["type"] == "bot" and me["bot"]["owner"]["type"] == "workspace"
    people = collect_paginated_api(notion.users.list, page_size=1)
    assert {u["name"] for u in people} >= {"Ada Lovelace", "Grace Hopper"}
    assert notion.users.retrieve(user_id=ADA)["person"]["email"] == "ada@example.com"


@scenario
def auth_and_version_errors():
    expect_error(APIErrorCode.Unauthorized, Client(auth="ntn_wrong", base_url=BASE, log_level=QUIET).users.me)
    err = expect_error(APIErrorCode.ObjectNotFound, notion.pages.retrieve, page_id=PRIVATE)
    assert "shared" in str(err)
    expect_error(APIErrorCode.ValidationError, notion.pages.retrieve, page_id="not-a-uuid")


@scenario
def data_source_retrieve_and_query():
    ds = notion.data_sources.retrieve(data_source_id=TASKS)
    assert ds["object"] == "data_source"
    assert {"Name", "Status", "Assignee", "Due", "Priority", "Tags", "Related", "Done"} <= set(ds["properties"])
    db = notion.databases.retrieve(database_id=DATABASE)
    assert db["data_sources"][0]["id"] == TASKS and "properties" not in db
    pages = notion.data_sources.query(
        data_source_id=TASKS,
        filter={"and": [
            {"property": "Status", "status": {"does_not_equal": "Done"}},
            {"or": [
                {"property": "Tags", "multi_select": {"contains": "Backend"}},
                {"property": "Priority", "select": {"equals": "Medium"}},
            ]},
        ]},
        sorts=[{"property": "Name", "direction": "ascending"}],
    )
    names = [p["properties"]["Name"]["title"][0]["plain_text"] for p in pages["results"]]
    assert names == ["Build the API", "Fix the login bug"], names
    assert pages["type"] == "page_or_data_source"
    assert all(is_full_page(p) for p in pages["results"])
    assert pages["results"][0]["parent"]["type"] == "data_source_id"


@scenario
def query_pagination_and_filters():
    everything = collect_paginated_api(notion.data_sources.query, data_source_id=TASKS, page_size=1)
    assert len(everything) == 4
    due = notion.data_sources.query(
        data_source_id=TASKS,
        filter={"property": "Due", "date": {"on_or_after": "2025-02-01"}},
        sorts=[{"property": "Due", "direction": "descending"}],
    )["results"]
    assert [p["properties"]["Due"]["date"]["start"] for p in due] == ["2025-02-15", "2025-02-01"]
    mine = notion.data_sources.query(data_source_id=TASKS, filter={"property": "Assignee", "people": {"contains": ADA}})
    assert len(mine["results"]) == 2
    done = notion.data_sources.query(data_source_id=TASKS, filter={"property": "Done", "checkbox": {"equals": True}})
    assert len(done["results"]) == 1
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=TASKS,
                 filter={"property": "Done", "select": {"equals": "x"}})
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=TASKS,
                 filter={"property": "Nope", "title": {"equals": "x"}})
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=TASKS, page_size=101)


@scenario
def pages_lifecycle():
    page = notion.pages.create(
        parent={"data_source_id": TASKS},
        icon={"type": "emoji", "emoji": "🚀"},
        properties={
            "Name": {"title": text("Ship the clone")},
            "Status": {"status": {"name": "In progress"}},
            "Priority": {"select": {"name": "High"}},
            "Tags": {"multi_select": [{"name": "Backend"}, {"name": "Infra"}]},
            "Due": {"date": {"start": "2025-03-01", "end": "2025-03-05"}},
            "Assignee": {"people": [{"id": ADA}]},
            "Related": {"relation": [{"id": TASK1}]},
            "Done": {"checkbox": False},
        },
        children=[
            {"object": "block", "type": "heading_2", "heading_2": {"rich_text": text("Plan")}},
            {"type": "to_do", "to_do": {"rich_text": text("Write tests"), "checked": True}},
        ],
    )
    assert page["properties"]["Tags"]["multi_select"][1]["name"] == "Infra"
    assert page["icon"]["emoji"] == "🚀"
    assert page["url"] == "https://www.notion.so/Ship-the-clone-" + page["id"].replace("-", "")
    assert extract_page_id(page["url"]) == page["id"]
    database = notion.databases.retrieve(database_id=page["parent"]["database_id"])
    assert extract_database_id(database["url"]) == database["id"]
    got = notion.pages.retrieve(page_id=page["id"].replace("-", ""))
    assert got["properties"]["Status"]["status"]["name"] == "In progress"
    only = notion.pages.retrieve(page_id=page["id"], filter_properties=["title"])
    assert list(only["properties"]) == ["Name"]
    updated = notion.pages.update(page_id=page["id"], properties={"Done": {"checkbox": True}, "Due": {"date": None}})
    assert updated["properties"]["Done"]["checkbox"] is True and updated["properties"]["Due"]["date"] is None
    trashed = notion.pages.update(page_id=page["id"], in_trash=True)
    assert trashed["in_trash"] and trashed["archived"]
    expect_error(APIErrorCode.ValidationError, notion.pages.update, page_id=page["id"], properties={"Done": {"checkbox": False}})
    assert not notion.pages.update(page_id=page["id"], archived=False)["in_trash"]
    blocks = notion.blocks.children.list(block_id=page["id"])["results"]
    assert [b["type"] for b in blocks] == ["heading_2", "to_do"] and blocks[1]["to_do"]["checked"]
    title = notion.pages.properties.retrieve(page_id=page["id"], property_id="title")
    assert title["object"] == "list" and title["results"][0]["title"]["plain_text"] == "Ship the clone"


@scenario
def page_errors():
    for props, fragment in [
        ({"Nope": {"title": text("x")}}, "Nope is not a property that exists"),
        ({"Done": {"checkbox": "yes"}}, "body.properties.Done.checkbox"),
        ({"Status": {"status": {"name": "Nope"}}}, "Nope"),
    ]:
        err = expect_error(APIErrorCode.ValidationError, notion.pages.create, parent={"data_source_id": TASKS}, properties=props)
        assert fragment in str(err), str(err)
    expect_error(APIErrorCode.ObjectNotFound, notion.pages.create, parent={"page_id": PRIVATE}, properties={"title": {"title": text("x")}})


@scenario
def blocks_children_and_nesting():
    page = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Scratch")}})
    assert page["parent"] == {"type": "page_id", "page_id": PROJECTS}
    first = notion.blocks.children.append(block_id=page["id"], children=[
        {"paragraph": {"rich_text": [{"text": {"content": "bold", "link": {"url": "https://example.com"}}, "annotations": {"bold": True}}]}},
        {"toggle": {"rich_text": text("More"), "children": [{"bulleted_list_item": {"rich_text": text("nested")}}]}},
        {"code": {"rich_text": text("print(1)"), "language": "python"}},
        {"table": {"table_width": 2, "has_column_header": True, "children": [
            {"table_row": {"cells": [text("a"), text("b")]}},
        ]}},
    ])["results"]
    assert first[0]["paragraph"]["rich_text"][0]["href"] == "https://example.com"
    assert first[1]["has_children"]
    inserted = notion.blocks.children.append(block_id=page["id"], after=first[0]["id"], children=[{"divider": {}}])
    order = [b["type"] for b in collect_paginated_api(notion.blocks.children.list, block_id=page["id"])]
    assert order == ["paragraph", "divider", "toggle", "code", "table"], order
    nested = notion.blocks.children.list(block_id=first[1]["id"])["results"]
    assert nested[0]["bulleted_list_item"]["rich_text"][0]["plain_text"] == "nested"
    block = notion.blocks.update(block_id=first[2]["id"], code={"rich_text": text("print(2)")})
    assert block["code"]["language"] == "python" and block["code"]["rich_text"][0]["plain_text"] == "print(2)"
    deleted = notion.blocks.delete(block_id=inserted["results"][0]["id"])
    assert deleted["in_trash"]
    # A data source's row is a child_page block too: blocks.delete trashes it, in_trash restores.
    row = notion.pages.create(parent={"data_source_id": TASKS}, properties={"Name": {"title": text("Row block")}})
    gone = notion.blocks.delete(block_id=row["id"])
    assert gone["type"] == "child_page" and gone["in_trash"], gone
    assert notion.pages.retrieve(page_id=row["id"])["in_trash"]
    assert not notion.blocks.update(block_id=row["id"], in_trash=False)["in_trash"]
    assert not notion.pages.retrieve(page_id=row["id"])["in_trash"]
    notion.blocks.delete(block_id=row["id"])
    # Nothing is written under what is in the trash.
    binned = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Binned")}})
    notion.pages.update(page_id=binned["id"], in_trash=True)
    late = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=binned["id"],
                        children=[{"paragraph": {"rich_text": text("late")}}])
    assert "Can't edit block that is archived" in str(late), str(late)
    assert notion.blocks.retrieve(block_id=first[0]["id"])["type"] == "paragraph"
    children = notion.blocks.children.list(block_id=PROJECTS)["results"]
    assert any(b["type"] == "child_page" and b["child_page"]["title"] == "Scratch" for b in children)
    expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=page["id"],
                 children=[{"paragraph": {"rich_text": text("x" * 2001)}}])
    expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=page["id"],
                 children=[{"divider": {}}] * 101)


@scenario
def columns_links_synced_blocks_tabs_and_heading_4():
    page = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Layout")}})

    def column(words, **extra):
        return {"column": {"children": [{"paragraph": {"rich_text": text(words)}}], **extra}}

    added = notion.blocks.children.append(block_id=page["id"], children=[
        {"column_list": {"children": [column("Left", width_ratio=0.6), column("Right", width_ratio=0.4)]}},
        {"link_to_page": {"type": "page_id", "page_id": MEETING}},
        {"synced_block": {"synced_from": None, "children": [{"paragraph": {"rich_text": text("Shared")}}]}},
        {"tab": {"children": [{"paragraph": {"rich_text": text("First tab"), "icon": {"emoji": "📌"}}}]}},
        {"heading_4": {"rich_text": text("Small print")}},
    ])["results"]
    kinds = [b["type"] for b in added]
    assert kinds == ["column_list", "link_to_page", "synced_block", "tab", "heading_4"], kinds
    tab_items = notion.blocks.children.list(block_id=added[3]["id"])["results"]
    assert tab_items[0]["paragraph"]["icon"]["emoji"] == "📌", tab_items
    columns = notion.blocks.children.list(block_id=added[0]["id"])["results"]
    assert [c["column"]["width_ratio"] for c in columns] == [0.6, 0.4], columns
    right = notion.blocks.children.list(block_id=columns[1]["id"])["results"]
    assert right[0]["paragraph"]["rich_text"][0]["plain_text"] == "Right"
    assert added[1]["link_to_page"] == {"type": "page_id", "page_id": MEETING}
    duplicate = notion.blocks.children.append(block_id=TASK1, children=[
        {"synced_block": {"synced_from": {"block_id": added[2]["id"]}}},
    ])["results"][0]
    shown = notion.blocks.children.list(block_id=duplicate["id"])["results"]
    assert duplicate["has_children"] and shown[0]["paragraph"]["rich_text"][0]["plain_text"] == "Shared", shown
    markdown = notion.pages.retrieve_markdown(page_id=page["id"])["markdown"]
    assert markdown.startswith("<columns>\n\t<column>\n\t\tLeft\n\t</column>") and markdown.endswith("#### Small print"), markdown
    expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=page["id"],
                 children=[{"column_list": {"children": [column("alone")]}}])
    expect_error(APIErrorCode.ObjectNotFound, current.blocks.children.append, block_id=page["id"],
                 children=[{"link_to_page": {"page_id": PRIVATE}}])
    expect_error(APIErrorCode.ValidationError, legacy.blocks.children.append, block_id=duplicate["id"],
                 children=[{"paragraph": {"rich_text": text("own")}}])


@scenario
def search_pages_and_data_sources():
    found = notion.search(query="tasks", filter={"property": "object", "value": "data_source"})["results"]
    assert [r["id"] for r in found] == [TASKS]
    pages = notion.search(query="design", filter={"property": "object", "value": "page"},
                          sort={"direction": "descending", "timestamp": "last_edited_time"})["results"]
    assert pages and pages[0]["id"] == TASK1
    everything = collect_paginated_api(notion.search, page_size=2)
    assert PRIVATE not in {r["id"] for r in everything}
    expect_error(APIErrorCode.ValidationError, notion.search, filter={"property": "object", "value": "database"})


@scenario
def search_the_trash_and_by_relevance():
    binned = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Binned search")}})
    notion.pages.update(page_id=binned["id"], in_trash=True)
    ids = lambda **kw: [r["id"] for r in notion.search(query="Binned search", **kw)["results"]]
    assert ids() == [], ids()
    assert ids(filter={"in_trash": True}) == [binned["id"]]
    assert ids(filter={"property": "object", "value": "page", "in_trash": True}) == [binned["id"]]
    assert ids(filter={"property": "object", "value": "data_source", "in_trash": True}) == []
    assert ids(filter={"in_trash": False}) == []
    assert ids(filter={"in_trash": True}, sort={"property": "relevance"}) == [binned["id"]]
    wrong = expect_error(APIErrorCode.ValidationError, notion.search, filter={"in_trash": "yes"})
    assert "body.filter.in_trash should be a boolean" in str(wrong), str(wrong)


@scenario
def databases_and_schema():
    db = notion.databases.create(
        parent={"type": "page_id", "page_id": PROJECTS},
        title=text("Bugs"),
        initial_data_source={"properties": {
            "Title": {"title": {}},
            "Severity": {"select": {"options": [{"name": "S1", "color": "red"}]}},
            "Points": {"number": {"format": "number"}},
        }},
    )
    ds_id = db["data_sources"][0]["id"]
    ds = notion.data_sources.update(data_source_id=ds_id, properties={
        "Points": {"name": "Estimate"}, "Severity": None, "Owner": {"people": {}},
    })
    assert set(ds["properties"]) == {"Title", "Estimate", "Owner"}
    notion.pages.create(parent={"data_source_id": ds_id}, properties={"Title": {"title": text("crash")}, "Estimate": {"number": 3}})
    hits = notion.data_sources.query(data_source_id=ds_id, filter={"property": "Estimate", "number": {"greater_than": 2}})
    assert len(hits["results"]) == 1
    second = notion.data_sources.create(parent={"type": "database_id", "database_id": db["id"]}, title=text("Archive"),
                                        properties={"Name": {"title": {}}})
    assert len(notion.databases.retrieve(database_id=db["id"])["data_sources"]) == 2
    assert second["parent"]["database_id"] == db["id"]
    renamed = notion.databases.update(database_id=db["id"], title=text("Bug tracker"))
    assert renamed["title"][0]["plain_text"] == "Bug tracker"


@scenario
def databases_lock_and_unlock():
    db = notion.databases.create(
        parent={"page_id": PROJECTS}, title=text("Lockable"), initial_data_source={"properties": {"Name": {"title": {}}}}
    )
    assert db["is_locked"] is False
    assert notion.databases.update(database_id=db["id"], is_locked=True)["is_locked"] is True
    assert notion.databases.retrieve(database_id=db["id"])["is_locked"] is True
    assert notion.databases.update(database_id=db["id"], is_locked=False)["is_locked"] is False


@scenario
def comments_threads():
    listed = notion.comments.list(block_id=TASK1)["results"]
    assert len(listed) == 2 and listed[0]["discussion_id"] == listed[1]["discussion_id"]
    new = notion.comments.create(parent={"page_id": TASK1}, rich_text=text("From the SDK"))
    reply = notion.comments.create(discussion_id=new["discussion_id"], rich_text=text("A reply"))
    assert reply["parent"] == {"type": "page_id", "page_id": TASK1}
    assert len(notion.comments.list(block_id=TASK1)["results"]) == 4
    assert notion.comments.retrieve(comment_id=reply["id"])["rich_text"][0]["plain_text"] == "A reply"
    edited = notion.comments.update(comment_id=reply["id"], rich_text=text("An edited reply"))
    assert edited["rich_text"][0]["plain_text"] == "An edited reply" and edited["id"] == reply["id"]
    by_markdown = notion.comments.update(comment_id=reply["id"], markdown="A **bold** reply")
    assert by_markdown["rich_text"][1]["annotations"]["bold"] is True, by_markdown
    deleted = notion.comments.delete(comment_id=reply["id"])
    assert deleted["id"] == reply["id"]
    expect_error(APIErrorCode.ObjectNotFound, notion.comments.retrieve, comment_id=reply["id"])
    seeded = listed[0]["id"]  # written by a person: not the integration's to change
    expect_error(APIErrorCode.ObjectNotFound, notion.comments.update, comment_id=seeded, rich_text=text("x"))
    expect_error(APIErrorCode.ObjectNotFound, notion.comments.delete, comment_id=seeded)
    assert len(notion.comments.list(block_id=TASK1)["results"]) == 3


@scenario
def legacy_2022_database_shapes():
    db = legacy.databases.retrieve(database_id=DATABASE)
    assert "Status" in db["properties"] and "data_sources" not in db
    pages = legacy.request(path=f"databases/{DATABASE}/query", method="POST",
                           body={"filter": {"property": "Tags", "multi_select": {"contains": "Docs"}}})
    assert pages["type"] == "page_or_database" and len(pages["results"]) == 1, pages["results"]
    assert pages["results"][0]["parent"] == {"type": "database_id", "database_id": DATABASE}
    created = legacy.pages.create(parent={"database_id": DATABASE}, properties={"Name": {"title": text("Legacy")}})
    assert created["parent"]["type"] == "database_id"
    found = legacy.search(filter={"property": "object", "value": "database"})["results"]
    assert found[0]["object"] == "database" and "properties" in found[0]
    # notion-client 3 no longer forwards `properties` from databases.update: a raw request.
    updated = legacy.request(path=f"databases/{DATABASE}", method="PATCH",
                             body={"properties": {"Estimate": {"number": {}}}})
    assert "Estimate" in updated["properties"]
    expect_error(APIErrorCode.InvalidRequestURL, notion.request, path=f"databases/{DATABASE}/query", method="POST", body={})


@scenario
def version_2026_03_11_in_trash_and_position():
    page = current.pages.create(parent={"data_source_id": TASKS}, properties={"Name": {"title": text("2026")}})
    assert "archived" not in page and page["in_trash"] is False
    err = expect_error(APIErrorCode.ValidationError, current.pages.update, page_id=page["id"], archived=True)
    assert "body.archived" in str(err), err
    assert current.pages.update(page_id=page["id"], in_trash=True)["in_trash"] is True
    first = current.blocks.children.list(block_id=MEETING)["results"][0]
    assert "archived" not in first
    expect_error(APIErrorCode.ValidationError, current.blocks.children.append, block_id=MEETING,
                 children=[{"paragraph": {"rich_text": text("x")}}], after=first["id"])
    placed = current.blocks.children.append(block_id=MEETING, children=[{"paragraph": {"rich_text": text("second")}}],
                                            position={"type": "after_block", "after_block": {"id": first["id"]}})
    listed = current.blocks.children.list(block_id=MEETING)["results"]
    assert listed[1]["id"] == placed["results"][0]["id"]
    # The SDK's default version still answers `archived`.
    assert notion.pages.retrieve(page_id=page["id"])["archived"] is True


@scenario
def page_markdown_read_and_edit():
    page = notion.pages.create(parent={"page_id": PROJECTS}, markdown="# Launch plan\nShip **Friday**.\n- [ ] Draft proposal")
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Launch plan"
    md = notion.pages.retrieve_markdown(page_id=page["id"])
    assert md["object"] == "page_markdown" and md["truncated"] is False, md
    assert md["markdown"] == "Ship **Friday**.\n- [ ] Draft proposal", md
    updated = notion.pages.update_markdown(page_id=page["id"], type="update_content", update_content={
        "content_updates": [{"old_str": "Draft proposal", "new_str": "Draft proposal (due Friday)"}]})
    assert updated["markdown"].endswith("- [ ] Draft proposal (due Friday)"), updated
    notion.pages.update_markdown(page_id=page["id"], type="insert_content",
                                 insert_content={"content": "## Notes", "position": {"type": "start"}})
    kids = notion.blocks.children.list(block_id=page["id"])["results"]
    assert [b["type"] for b in kids] == ["heading_2", "paragraph", "to_do"], kids
    expect_error(APIErrorCode.ValidationError, notion.pages.update_markdown, page_id=page["id"],
                 type="update_content", update_content={"content_updates": [{"old_str": "absent", "new_str": "x"}]})
    callout = "::: callout {icon=\"🎯\" color=\"blue_bg\"}\nDone\n- and dusted\n:::"
    replaced = notion.pages.update_markdown(page_id=page["id"], type="replace_content",
                                            replace_content={"new_str": callout})
    assert replaced["markdown"] == callout, replaced
    block = notion.blocks.children.list(block_id=page["id"])["results"][0]
    assert block["callout"]["icon"]["emoji"] == "🎯" and block["callout"]["color"] == "blue_background", block
    assert block["has_children"] is True, block


@scenario
def async_markdown_writes():
    # allow_async: true answers 202 with an async_task, polled to `succeeded` with the result.
    # notion-client 3.1.0 (PyPI) neither passes allow_async nor has async_tasks (its main
    # branch does): then the SDK's own request() sends them.
    def retrieve(task_id):
        if hasattr(notion, "async_tasks"):
            return notion.async_tasks.retrieve(task_id=task_id)
        return notion.request(path=f"async_tasks/{task_id}", method="GET")

    body = {"parent": {"page_id": PROJECTS}, "markdown": "# Async\nIn the background", "allow_async": True}
    task = notion.request(path="pages", method="POST", body=body)
    assert task["object"] == "async_task" and task["status"] == "queued", task
    assert task["operation"] == {"surface": "rest", "name": "POST /v1/pages"}, task
    assert task["status_url"].endswith(f"/v1/async_tasks/{task['id']}"), task
    done = retrieve(task["id"])
    assert done["status"] == "succeeded" and done["result"]["object"] == "page", done
    page_id = done["result"]["id"]
    assert notion.pages.retrieve_markdown(page_id=page_id)["markdown"] == "In the background"
    edit = {"type": "insert_content", "insert_content": {"content": "Later"}, "allow_async": True}
    task = notion.request(path=f"pages/{page_id}/markdown", method="PATCH", body=edit)
    done = retrieve(task["id"])
    assert done["result"]["markdown"] == "In the background\nLater", done
    assert done["operation"]["name"] == "PATCH /v1/pages/:page_id/markdown", done
    expect_error(APIErrorCode.ObjectNotFound, retrieve, "task_unknown")


@scenario
def page_markdown_round_trips_synced_blocks():
    page = notion.pages.create(parent={"page_id": PROJECTS},
                               markdown="Intro\n<synced_block>\n\tShared text\n</synced_block>\nOutro")
    text = notion.pages.retrieve_markdown(page_id=page["id"])["markdown"]
    assert "\n<synced_block url=\"" in text and text.endswith("\n\tShared text\n</synced_block>\nOutro"), text
    before = notion.blocks.children.list(block_id=page["id"])["results"]
    same = notion.pages.update_markdown(page_id=page["id"], type="replace_content", replace_content={"new_str": text})
    assert same["markdown"] == text, same
    assert [b["id"] for b in notion.blocks.children.list(block_id=page["id"])["results"]] == [b["id"] for b in before]
    edited = notion.pages.update_markdown(page_id=page["id"], type="update_content", update_content={
        "content_updates": [{"old_str": "Shared text", "new_str": "Shared **edit**"}]})
    assert "\n\tShared **edit**\n</synced_block>" in edited["markdown"], edited
    synced = notion.blocks.children.list(block_id=page["id"])["results"][1]
    assert synced["id"] == before[1]["id"] and synced["synced_block"]["synced_from"] is None, synced
    inner = notion.blocks.children.list(block_id=synced["id"])["results"]
    assert inner[0]["paragraph"]["rich_text"][1]["annotations"]["bold"] is True, inner
    notion.databases.create(parent={"page_id": page["id"]}, title=[{"text": {"content": "Log"}}], is_inline=True,
                            icon={"type": "emoji", "emoji": "📋"},
                            initial_data_source={"properties": {"Name": {"title": {}}}})
    text_now = notion.pages.retrieve_markdown(page_id=page["id"])["markdown"]
    assert text_now.endswith("\" inline=\"true\" icon=\"📋\">Log</database>"), text_now


@scenario
def templates_and_custom_emojis():
    listed = notion.data_sources.list_templates(data_source_id=TASKS)
    names = [(t["name"], t["is_default"]) for t in listed["templates"]]
    assert names == [("Bug report", True), ("Feature request", False)], listed
    first = notion.data_sources.list_templates(data_source_id=TASKS, page_size=1)
    rest = notion.data_sources.list_templates(data_source_id=TASKS, start_cursor=first["next_cursor"])
    assert rest["templates"][0]["name"] == "Feature request" and rest["has_more"] is False
    # A template is a page too: its properties and content are read as a page's.
    template = notion.pages.retrieve(page_id=first["templates"][0]["id"])
    assert template["object"] == "page" and template["properties"]["Priority"]["select"]["name"] == "High", template
    kinds = [b["type"] for b in notion.blocks.children.list(block_id=template["id"])["results"]]
    assert kinds == ["heading_2", "numbered_list_item", "to_do"], kinds
    queried = collect_paginated_api(notion.data_sources.query, data_source_id=TASKS)
    assert template["id"] not in [p["id"] for p in queried], "queries leave templates out"
    emojis = collect_paginated_api(notion.custom_emojis.list, page_size=1)
    assert [e["name"] for e in emojis] == ["shipit", "rocket-cat"], emojis
    found = notion.custom_emojis.list(name="shipit")["results"]
    assert len(found) == 1 and found[0]["url"].startswith("https://"), found


@scenario
def templates_applied():
    page = notion.pages.create(parent={"data_source_id": TASKS}, properties={"Name": {"title": text("Crash")}},
                               template={"type": "default"})
    assert page["properties"]["Priority"]["select"]["name"] == "High", page["properties"]
    kinds = [b["type"] for b in notion.blocks.children.list(block_id=page["id"])["results"]]
    assert kinds == ["heading_2", "numbered_list_item", "to_do"], kinds
    feature = notion.data_sources.list_templates(data_source_id=TASKS, name="feature")["templates"][0]
    updated = current.pages.update(page_id=page["id"], erase_content=True,
                                   template={"type": "template_id", "template_id": feature["id"]})
    assert updated["properties"]["Priority"]["select"]["name"] == "Low", updated["properties"]
    kinds = [b["type"] for b in notion.blocks.children.list(block_id=page["id"])["results"]]
    assert kinds == ["heading_2", "column_list"], kinds
    expect_error(APIErrorCode.ValidationError, notion.pages.create, parent={"page_id": PROJECTS},
                 properties={"title": {"title": text("x")}}, template={"type": "default"})
    expect_error(APIErrorCode.ObjectNotFound, legacy.pages.create, parent={"database_id": DATABASE},
                 properties={"Name": {"title": text("x")}},
                 template={"type": "template_id", "template_id": "00000000-0000-4000-8000-000000000000"})


@scenario
def page_created_at_a_position():
    top = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("On top")}},
                              position={"type": "page_start"})
    first = notion.blocks.children.list(block_id=PROJECTS, page_size=1)["results"][0]
    assert first["id"] == top["id"] and first["type"] == "child_page", first
    expect_error(APIErrorCode.ValidationError, notion.pages.create, parent={"data_source_id": TASKS},
                 properties={"Name": {"title": text("x")}}, position={"type": "page_start"})


@scenario
def move_page():
    page = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Mover")}})
    moved = notion.pages.move(page_id=page["id"], parent={"type": "page_id", "page_id": MEETING})
    assert moved["parent"]["page_id"] == MEETING
    into = notion.pages.move(page_id=page["id"], parent={"type": "data_source_id", "data_source_id": TASKS})
    assert into["properties"]["Name"]["title"][0]["plain_text"] == "Mover"
    # Nothing moves under itself: a page under its own child is refused.
    outer = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Outer")}})
    inner = notion.pages.create(parent={"page_id": outer["id"]}, properties={"title": {"title": text("Inner")}})
    expect_error(APIErrorCode.ValidationError, notion.pages.move, page_id=outer["id"],
                 parent={"type": "page_id", "page_id": inner["id"]})

@scenario
def formulas_rollups_and_dual_relations():
    TASK2 = "40000000-0000-4000-8000-000000000002"
    notion.data_sources.update(data_source_id=TASKS, properties={
        "Estimate": {"number": {}},
        "Double": {"formula": {"expression": 'prop("Estimate") * 2'}},
        "Summary": {"formula": {"expression": 'concat(prop("Name"), " (", format(prop("Estimate")), ")")'}},
    })
    notion.pages.update(page_id=TASK1, properties={"Estimate": {"number": 3}})
    notion.pages.update(page_id=TASK2, properties={"Estimate": {"number": 4}})
    task = notion.pages.retrieve(page_id=TASK1)["properties"]
    assert task["Double"]["formula"] == {"type": "number", "number": 6}, task["Double"]
    assert task["Summary"]["formula"]["string"] == "Design the schema (3)", task["Summary"]
    expect_error(APIErrorCode.ValidationError, notion.pages.update, page_id=TASK1,
                 properties={"Double": {"formula": {"number": 1}}})
    expect_error(APIErrorCode.ValidationError, notion.data_sources.update, data_source_id=TASKS,
                 properties={"Bad": {"formula": {"expression": 'prop("Nope")'}}})
    db = notion.databases.create(
        parent={"type": "page_id", "page_id": PROJECTS}, title=text("Sprints"),
        initial_data_source={"properties": {
            "Name": {"title": {}},
            "Tasks": {"relation": {"data_source_id": TASKS, "type": "dual_property", "dual_property": {}}},
        }},
    )
    sprints = db["data_sources"][0]["id"]
    relation = notion.data_sources.retrieve(data_source_id=sprints)["properties"]["Tasks"]["relation"]
    synced = relation["dual_property"]["synced_property_name"]
    ds = notion.data_sources.update(data_source_id=sprints, properties={
        "Total": {"rollup": {"relation_property_name": "Tasks", "rollup_property_name": "Estimate", "function": "sum"}},
        "Titles": {"rollup": {"relation_property_name": "Tasks", "rollup_property_name": "Name", "function": "show_original"}},
    })
    assert ds["properties"]["Total"]["rollup"]["rollup_property_name"] == "Estimate"
    sprint = notion.pages.create(parent={"data_source_id": sprints}, properties={
        "Name": {"title": text("Sprint 1")}, "Tasks": {"relation": [{"id": TASK1}, {"id": TASK2}]},
    })
    assert sprint["properties"]["Total"]["rollup"] == {"type": "number", "number": 7, "function": "sum"}
    titles = sprint["properties"]["Titles"]["rollup"]["array"]
    assert [t["title"][0]["plain_text"] for t in titles] == ["Design the schema", "Build the API"], titles
    back = notion.pages.retrieve(page_id=TASK2)["properties"][synced]
    assert back["relation"] == [{"id": sprint["id"]}], back
    item = notion.pages.properties.retrieve(page_id=sprint["id"], property_id=ds["properties"]["Total"]["id"])
    assert item["property_item"]["rollup"]["number"] == 7 and len(item["results"]) == 2, item



@scenario
def query_formulas_and_rollups():
    db = notion.databases.create(
        parent={"type": "page_id", "page_id": PROJECTS}, title=text("Scores"),
        initial_data_source={"properties": {
            "Name": {"title": {}}, "Points": {"number": {}},
            "Double": {"formula": {"expression": 'prop("Points") * 2'}},
        }},
    )
    ds = db["data_sources"][0]["id"]
    notion.data_sources.update(data_source_id=ds, properties={
        "Parts": {"relation": {"data_source_id": ds, "type": "single_property", "single_property": {}}},
    })
    notion.data_sources.update(data_source_id=ds, properties={
        "Total": {"rollup": {"relation_property_name": "Parts", "rollup_property_name": "Points", "function": "sum"}},
        "Names": {"rollup": {"relation_property_name": "Parts", "rollup_property_name": "Name", "function": "show_original"}},
        "Groups": {"rollup": {"relation_property_name": "Parts", "rollup_property_name": "Points", "function": "percent_per_group"}},
        "Code": {"formula": {"expression": 'replace(prop("Name"), "^(?<l>\\w)$", "$<l>$<l>")'}},
    })
    ids = {}
    for name, points in [("a", 1), ("b", 5), ("c", None)]:
        page = notion.pages.create(parent={"data_source_id": ds}, properties={
            "Name": {"title": text(name)}, "Points": {"number": points},
        })
        ids[name] = page["id"]
    notion.pages.update(page_id=ids["c"], properties={"Parts": {"relation": [{"id": ids["a"]}, {"id": ids["b"]}]}})

    def names(**query):
        found = notion.data_sources.query(data_source_id=ds, **query)["results"]
        return [p["properties"]["Name"]["title"][0]["plain_text"] for p in found]

    assert names(filter={"property": "Double", "formula": {"number": {"greater_than": 5}}}) == ["b"]
    assert names(filter={"property": "Total", "rollup": {"number": {"equals": 6}}}) == ["c"]
    assert names(filter={"property": "Names", "rollup": {"any": {"rich_text": {"equals": "b"}}}}) == ["c"]
    either = {"or": [
        {"property": "Double", "formula": {"number": {"equals": 2}}},
        {"property": "Total", "rollup": {"number": {"greater_than": 0}}},
    ]}
    assert names(filter=either, sorts=[{"property": "Double", "direction": "ascending"}]) == ["c", "a"]
    by_total = [{"property": "Total", "direction": "descending"}, {"property": "Name", "direction": "ascending"}]
    assert names(sorts=by_total) == ["c", "a", "b"]
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=ds,
                 filter={"property": "Double", "formula": {"string": {"contains": "2"}}})
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=ds,
                 filter={"property": "Names", "rollup": {"number": {"equals": 1}}})
    # Per-group rollups answer `unsupported`; regular expressions read JavaScript's syntax.
    c = notion.pages.retrieve(page_id=ids["c"])
    assert c["properties"]["Groups"]["rollup"] == {
        "type": "unsupported", "unsupported": {}, "function": "percent_per_group"}, c["properties"]["Groups"]
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=ds,
                 filter={"property": "Groups", "rollup": {"number": {"equals": 1}}})
    assert names(filter={"property": "Code", "formula": {"string": {"equals": "bb"}}}) == ["b"]
    expect_error(APIErrorCode.ValidationError, notion.data_sources.update, data_source_id=ds,
                 properties={"Bad": {"formula": {"expression": 'test(prop("Name"), "(a)\\1")'}}})


@scenario
def formulas_2_0_lists_let_patterns_dates():
    db = notion.databases.create(
        parent={"type": "page_id", "page_id": PROJECTS}, title=text("Formulas"),
        initial_data_source={"properties": {
            "Name": {"title": {}},
            "Tags": {"multi_select": {"options": [{"name": "Red"}, {"name": "Blue"}]}},
            "Due": {"date": {}},
            "Tagged": {"formula": {"expression": 'prop("Tags").map(lower(current)).sort().join(", ")'}},
            "Count": {"formula": {"expression": 'lets(tags, prop("Tags"), n, tags.length(), n * 10)'}},
            "Swapped": {"formula": {"expression": r'replace(prop("Name"), "(\w+) (\d+)", "$2-$1")'}},
            "Padded": {"formula": {"expression": 'padStart(format(week(prop("Due"))), 3, "0")'}},
            "Weekday": {"formula": {"expression": 'day(prop("Due"))'}},
            "End": {"formula": {"expression": 'dateEnd(dateRange(prop("Due"), parseDate("2025-12-31")))'}},
        }},
    )
    ds = db["data_sources"][0]["id"]

    def make(name, tags, due):
        return notion.pages.create(parent={"data_source_id": ds}, properties={
            "Name": {"title": text(name)}, "Tags": {"multi_select": [{"name": t} for t in tags]},
            "Due": {"date": {"start": due}},
        })["properties"]

    alpha = make("Alpha 12", ["Red", "Blue"], "2025-03-03")
    make("Beta 7", ["Blue"], "2025-01-05")
    assert alpha["Tagged"]["formula"] == {"type": "string", "string": "blue, red"}, alpha["Tagged"]
    assert alpha["Count"]["formula"] == {"type": "number", "number": 20}, alpha["Count"]
    assert alpha["Swapped"]["formula"] == {"type": "string", "string": "12-Alpha"}, alpha["Swapped"]
    assert alpha["Padded"]["formula"] == {"type": "string", "string": "010"}, alpha["Padded"]
    assert alpha["Weekday"]["formula"] == {"type": "number", "number": 1}, alpha["Weekday"]
    assert alpha["End"]["formula"]["date"]["start"] == "2025-12-31", alpha["End"]

    def names(**query):
        found = notion.data_sources.query(data_source_id=ds, **query)["results"]
        return [p["properties"]["Name"]["title"][0]["plain_text"] for p in found]

    # 2025-01-05 is a Sunday: 7 in Notion's days (Monday 1).
    assert names(filter={"property": "Weekday", "formula": {"number": {"equals": 7}}}) == ["Beta 7"]
    assert names(filter={"property": "Swapped", "formula": {"string": {"starts_with": "7-"}}}) == ["Beta 7"]
    assert names(sorts=[{"property": "Count", "direction": "descending"}]) == ["Alpha 12", "Beta 7"]
    expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=ds,
                 filter={"property": "Count", "formula": {"checkbox": {"equals": True}}})
    for expression in ["index * 2", "let(1, 2, 3)", 'match(prop("Name"), "[z-a]")', "frobnicate()"]:
        expect_error(APIErrorCode.ValidationError, notion.data_sources.update, data_source_id=ds,
                     properties={"Bad": {"formula": {"expression": expression}}})


@scenario
def file_uploads_single_part_attached_and_downloaded():
    created = notion.file_uploads.create(filename="notes.txt", content_type="text/plain")
    assert created["object"] == "file_upload" and created["status"] == "pending", created
    sent = notion.file_uploads.send(file_upload_id=created["id"], file=("notes.txt", b"hello from python", "text/plain"))
    assert sent["status"] == "uploaded" and sent["content_length"] == 17, sent
    block = notion.blocks.children.append(block_id=PROJECTS, children=[
        {"type": "pdf", "pdf": {"type": "file_upload", "file_upload": {"id": created["id"]}}},
    ])["results"][0]
    assert block["pdf"]["type"] == "file", block
    download = httpx.get(block["pdf"]["file"]["url"])
    assert download.status_code == 200 and download.content == b"hello from python", download
    assert notion.file_uploads.retrieve(file_upload_id=created["id"])["expiry_time"] is None

    cover = notion.file_uploads.create()
    notion.file_uploads.send(file_upload_id=cover["id"], file=("cover.jpg", b"jpeg"))
    page = notion.pages.create(parent={"page_id": PROJECTS}, cover={"type": "file_upload", "file_upload": {"id": cover["id"]}},
                               properties={"title": {"title": text("Covered")}})
    assert page["cover"]["type"] == "file" and page["cover"]["file"]["url"].endswith("/cover.jpg"), page["cover"]
    listed = collect_paginated_api(notion.file_uploads.list, status="uploaded", page_size=1)
    assert {created["id"], cover["id"]} <= {u["id"] for u in listed}, listed
    comment = notion.comments.create(parent={"page_id": PROJECTS}, rich_text=text("With a cover"),
                                     attachments=[{"file_upload_id": cover["id"]}],
                                     display_name={"type": "custom", "custom": {"name": "Cover bot"}})
    assert comment["attachments"][0]["category"] == "image", comment
    assert comment["display_name"] == {"type": "custom", "resolved_name": "Cover bot"}, comment


@scenario
def file_uploads_multi_part_and_refusals():
    created = notion.file_uploads.create(mode="multi_part", number_of_parts=2, filename="big.txt")
    assert created["number_of_parts"] == {"total": 2, "sent": 0}, created
    expect_error(APIErrorCode.ValidationError, notion.file_uploads.complete, file_upload_id=created["id"])
    notion.file_uploads.send(file_upload_id=created["id"], part_number="1", file=("big.txt", b"a" * (5 << 20), "text/plain"))
    notion.file_uploads.send(file_upload_id=created["id"], part_number="2", file=("big.txt", b"tail", "text/plain"))
    done = notion.file_uploads.complete(file_upload_id=created["id"])
    assert done["status"] == "uploaded" and done["content_length"] == (5 << 20) + 4, done

    pending = notion.file_uploads.create()
    err = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                       children=[{"video": {"type": "file_upload", "file_upload": {"id": pending["id"]}}}])
    assert "pending" in str(err), err
    expect_error(APIErrorCode.ValidationError, notion.file_uploads.create, mode="multi_part", filename="x.mp4")
    expect_error(APIErrorCode.ObjectNotFound, notion.file_uploads.retrieve, file_upload_id="f0000000-0000-4000-8000-000000000001")
    external = notion.file_uploads.create(mode="external_url", external_url="https://example.com/a.png", filename="a.png")
    assert external["status"] == "failed" and external["file_import_result"]["type"] == "error", external


@scenario
def cursors_are_result_ids_and_code_languages_are_notions():
    # A list's next_cursor is the id of the first result the page left off.
    every = collect_paginated_api(notion.blocks.children.list, block_id=MEETING)
    first = notion.blocks.children.list(block_id=MEETING, page_size=2)
    assert first["next_cursor"] == every[2]["id"], first
    rest = notion.blocks.children.list(block_id=MEETING, start_cursor=first["next_cursor"], page_size=2)
    assert [b["id"] for b in rest["results"]] == [b["id"] for b in every[2:4]], rest
    people = notion.users.list(page_size=1)
    assert people["next_cursor"] == notion.users.list()["results"][1]["id"], people
    for cursor in ["garbage", PRIVATE]:
        err = expect_error(APIErrorCode.ValidationError, notion.blocks.children.list, block_id=MEETING,
                           start_cursor=cursor)
        assert "start_cursor" in str(err) and cursor in str(err), str(err)
    code = notion.blocks.children.append(block_id=PROJECTS, children=[
        {"code": {"rich_text": text("fn main() {}"), "language": "rust"}}])["results"][0]
    assert code["code"]["language"] == "rust", code
    err = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                       children=[{"code": {"rich_text": text("x"), "language": "klingon"}}])
    assert "code.language" in str(err) and '"plain text"' in str(err) and "klingon" in str(err), str(err)
    retyped = {"block_id": code["id"], "code": {"language": "Rust"}}
    expect_error(APIErrorCode.ValidationError, lambda: notion.blocks.update(**retyped))
    # A new code block names its language (no default); an update may leave it out.
    err = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                       children=[{"code": {"rich_text": text("x")}}])
    assert "code.language should be defined" in str(err), str(err)
    kept = notion.blocks.update(block_id=code["id"], code={"rich_text": text("fn main() { }")})
    assert kept["code"]["language"] == "rust", kept


@scenario
def deep_block_lists_page_by_keyed_cursors():
    # 250 children paged 100 at a time by the SDK's helper; a cursor whose block was
    # trashed since carries on from where that block was.
    page = notion.pages.create(parent={"page_id": MEETING}, properties={"title": {"title": text("Deep")}})
    for start in range(0, 250, 100):
        notion.blocks.children.append(block_id=page["id"], children=[
            {"paragraph": {"rich_text": text(f"p{i}")}} for i in range(start, min(start + 100, 250))])
    every = collect_paginated_api(notion.blocks.children.list, block_id=page["id"], page_size=100)
    assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in every] == [f"p{i}" for i in range(250)]
    notion.blocks.delete(block_id=every[120]["id"])
    rest = notion.blocks.children.list(block_id=page["id"], start_cursor=every[120]["id"], page_size=2)
    assert [b["id"] for b in rest["results"]] == [every[121]["id"], every[122]["id"]], rest


@scenario
def views_and_view_queries():
    # Every data source has its "Default view"; views list in tab order; a view query runs
    # the view's filter and sorts, keeps the result set and pages through it.
    listed = notion.views.list(database_id=DATABASE)
    assert listed["object"] == "list" and listed["type"] == "view" and len(listed["results"]) == 1, listed
    default = notion.views.retrieve(view_id=listed["results"][0]["id"])
    assert (default["name"], default["type"], default["data_source_id"]) == ("Default view", "table", TASKS), default
    assert default["parent"] == {"type": "database_id", "database_id": DATABASE}, default
    undone = {"property": "Done", "checkbox": {"equals": False}}
    by_name = [{"property": "Name", "direction": "ascending"}]
    view = notion.views.create(data_source_id=TASKS, database_id=DATABASE, name="Open work", type="table",
                               filter=undone, sorts=by_name, position={"type": "start"})
    assert notion.views.list(database_id=DATABASE)["results"][0]["id"] == view["id"]
    board = notion.views.create(data_source_id=TASKS, name="By status", type="board", configuration={
        "type": "board", "group_by": {"type": "status", "property_id": "Status", "group_by": "option",
                                      "sort": {"type": "manual"}}})
    assert board["configuration"]["group_by"]["property_name"] == "Status", board
    assert len(collect_paginated_api(notion.views.list, data_source_id=TASKS, page_size=1)) == 3
    expected = [p["id"] for p in collect_paginated_api(notion.data_sources.query, data_source_id=TASKS,
                                                       filter=undone, sorts=by_name)]
    run = notion.views.queries.create(view_id=view["id"], page_size=1)
    assert run["object"] == "view_query" and run["total_count"] == len(expected) > 1, run
    assert [r["id"] for r in run["results"]] == expected[:1] and run["has_more"], run
    kept = collect_paginated_api(notion.views.queries.results, view_id=view["id"], query_id=run["id"], page_size=2)
    assert [r["id"] for r in kept] == expected, kept
    renamed = notion.views.update(view_id=view["id"], name="Everything", filter=None)
    assert renamed["name"] == "Everything" and renamed["filter"] is None and renamed["sorts"] == by_name, renamed
    deleted = notion.views.queries.delete(view_id=view["id"], query_id=run["id"])
    assert deleted == {"object": "view_query", "id": run["id"], "deleted": True}, deleted
    expect_error(APIErrorCode.ObjectNotFound, notion.views.queries.results, view_id=view["id"], query_id=run["id"])
    assert notion.views.delete(view_id=board["id"])["type"] == "board"
    expect_error(APIErrorCode.ObjectNotFound, notion.views.retrieve, view_id=board["id"])
    err = expect_error(APIErrorCode.ValidationError, notion.views.create, data_source_id=TASKS, name="X",
                       type="table", filter={"property": "Nope", "checkbox": {"equals": True}})
    assert "Nope" in str(err), str(err)


@scenario
def paginators_and_type_guards():
    blocks = list(iterate_paginated_api(notion.blocks.children.list, block_id=TASK1, page_size=1))
    assert len(blocks) >= 2 and all(is_full_block(b) for b in blocks), blocks
    templates = collect_data_source_templates(notion.data_sources.list_templates, data_source_id=TASKS, page_size=1)
    assert [t["name"] for t in templates] == ["Bug report", "Feature request"], templates
    assert all(is_full_user(u) for u in collect_paginated_api(notion.users.list, page_size=1))
    assert is_full_database(notion.databases.retrieve(database_id=DATABASE))
    assert is_full_data_source(notion.data_sources.retrieve(data_source_id=TASKS))
    comments = collect_paginated_api(notion.comments.list, block_id=TASK1, page_size=1)
    # notion-client's is_full_comment looks for a `type` key, which no comment object has: not asserted.
    assert len(comments) == len(notion.comments.list(block_id=TASK1)["results"]), comments
    related = notion.data_sources.retrieve(data_source_id=TASKS)["properties"]["Related"]["id"]
    linked = ["40000000-0000-4000-8000-000000000002", "40000000-0000-4000-8000-000000000003"]
    page = notion.pages.create(parent={"data_source_id": TASKS}, properties={
        "Name": {"title": text("Linked twice")}, "Related": {"relation": [{"id": i} for i in linked]}})
    items = collect_paginated_api(notion.pages.properties.retrieve, page_id=page["id"], property_id=related, page_size=1)
    assert [item["relation"]["id"] for item in items] == linked, items
    found = list(iterate_paginated_api(notion.search, query="the", page_size=1))
    assert len(found) >= 4 and {r["object"] for r in found} <= {"page", "data_source"}, found


@scenario
def async_client_and_async_paginator():
    async def run():
        async with AsyncClient(auth=TOKEN, base_url=BASE, log_level=QUIET) as client:
            rows = await async_collect_paginated_api(client.data_sources.query, data_source_id=TASKS, page_size=1)
            page = await client.pages.create(parent={"data_source_id": TASKS},
                                             properties={"Name": {"title": text("Async")}})
            try:
                await client.pages.retrieve(page_id=PRIVATE)
            except APIResponseError as err:
                return rows, page, err
        raise AssertionError("expected object_not_found")

    rows, page, err = asyncio.run(run())
    assert len(rows) == len(collect_paginated_api(notion.data_sources.query, data_source_id=TASKS)) - 1, rows
    assert page["properties"]["Name"]["title"][0]["plain_text"] == "Async"
    assert err.code == APIErrorCode.ObjectNotFound and err.status == 404, err


@scenario
def error_objects():
    missing = "40000000-0000-4000-8000-000000000009"
    err = expect_error(APIErrorCode.ObjectNotFound, notion.pages.retrieve, page_id=missing)
    assert err.status == 404 and f"Could not find page with ID: {missing}" in str(err), str(err)
    body = json.loads(err.body)
    assert body["object"] == "error" and body["code"] == "object_not_found", body
    assert err.request_id and err.request_id == body["request_id"], err.request_id
    bad = expect_error(APIErrorCode.ValidationError, notion.data_sources.query, data_source_id=TASKS, page_size=0)
    assert bad.status == 400 and "page_size" in str(bad), str(bad)
    typo = expect_error(APIErrorCode.ValidationError, notion.pages.update, page_id=TASK1,
                        properties={"Done": {"checkbox": "yes"}})
    assert "Done" in str(typo), str(typo)
    denied = expect_error(APIErrorCode.Unauthorized,
                          Client(auth="secret_nope", base_url=BASE, log_level=QUIET).search)
    assert denied.status == 401 and str(denied) == "API token is invalid.", str(denied)
    expect_error(APIErrorCode.ObjectNotFound, notion.blocks.children.list, block_id=missing)
    expect_error(APIErrorCode.ObjectNotFound, notion.data_sources.query, data_source_id=missing)
    expect_error(APIErrorCode.ValidationError, notion.blocks.retrieve, block_id="not-an-id")
    icon = expect_error(APIErrorCode.ValidationError, notion.pages.update, page_id=TASK1,
                        icon={"type": "emoji", "emoji": "smile"})
    assert "body.icon.emoji" in str(icon), str(icon)
    ragged = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS, children=[
        {"table": {"table_width": 2, "children": [{"table_row": {"cells": [text("only one")]}}]}}])
    assert "must match the table width" in str(ragged), str(ragged)
    colour = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                          children=[{"paragraph": {"rich_text": text("x"), "color": "teal"}}])
    assert "paragraph.color" in str(colour), str(colour)
    filtered = expect_error(APIErrorCode.ValidationError, notion.search, filter={"property": "title", "value": "page"})
    assert 'body.filter.property should be `"object"`' in str(filtered), str(filtered)
    expect_error(APIErrorCode.ValidationError, notion.databases.create, parent={"page_id": PROJECTS}, title=text("x"),
                 initial_data_source={"properties": {"Name": {"title": 0}}})


@scenario
def size_limits_are_notions_validation_errors():
    long_link = [{"text": {"content": "x", "link": {"url": "https://example.com/" + "x" * 1981}}}]
    link = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                        children=[{"paragraph": {"rich_text": long_link}}])
    assert "body.children[0].paragraph.rich_text[0].text.link.url.length should be ≤ `2000`, instead was `2001`" in str(link), str(link)
    equation = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                            children=[{"equation": {"expression": "x" * 1001}}])
    assert "equation.expression.length should be ≤ `1000`" in str(equation), str(equation)
    tags = [{"name": f"t{i}"} for i in range(101)]
    options = expect_error(APIErrorCode.ValidationError, notion.pages.create, parent={"data_source_id": TASKS},
                           properties={"Name": {"title": text("Tagged")}, "Tags": {"multi_select": tags}})
    assert "multi_select.length should be ≤ `100`, instead was `101`" in str(options), str(options)
    # 1000 block elements a request, children counted: 10 toggles of 100 paragraphs are 1010.
    toggles = [{"toggle": {"rich_text": text("t"), "children": [{"paragraph": {"rich_text": text("in")}}] * 100}}] * 10
    big = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS, children=toggles)
    assert "1010 block elements" in str(big), str(big)
    # 500KB a request's payload: 3 paragraphs of 100 rich text items of 2,000 characters
    # (about 620KB) are refused whole; 2 (about 413KB) are taken.
    paragraphs = lambda n: [{"paragraph": {"rich_text": text("x" * 2000) * 100}}] * n
    before = len(collect_paginated_api(notion.blocks.children.list, block_id=PROJECTS))
    heavy = expect_error(APIErrorCode.ValidationError, notion.blocks.children.append, block_id=PROJECTS,
                         children=paragraphs(3))
    assert heavy.status == 400 and "at most 500KB" in str(heavy), str(heavy)
    assert len(collect_paginated_api(notion.blocks.children.list, block_id=PROJECTS)) == before
    taken = notion.blocks.children.append(block_id=PROJECTS, children=paragraphs(2))
    assert len(taken["results"]) == 2, len(taken["results"])


def subscribed(hook, **choices):
    """Subscribes `hook` (with `choices`: api_version, event_types) and answers Notion's
    handshake as the subscription's owner does; returns the subscription and its token."""
    subscription = admin("POST", "webhooks", {"url": hook.url, **choices})
    token = json.loads(hook.next()[1])["verification_token"]
    admin("POST", f"webhooks/{subscription['id']}/verify", {"verification_token": token})
    return subscription, token


def signed(body, signature, token):
    """Notion's documented check: `sha256=` + the hex HMAC-SHA256 of the raw body."""
    expected = "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@scenario(needs_admin=True)
def webhooks_handshake_and_signature():
    with Receiver() as hook:
        subscription, token = subscribed(hook)
        page = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Hooked")}})
        headers, body = hook.next()
        event = json.loads(body)
        assert event["type"] == "page.created" and event["entity"] == {"id": page["id"], "type": "page"}, event
        assert signed(body, headers["X-Notion-Signature"], token), headers
        assert not signed(body.replace(b"page.created", b"page.deleted"), headers["X-Notion-Signature"], token)
        assert event["api_version"] == "2025-09-03", event
        # Views and file uploads announce themselves too.
        view = notion.views.create(data_source_id=TASKS, name="Hooked view", type="table")
        headers, body = hook.next()
        event = json.loads(body)
        assert event["type"] == "view.created" and event["entity"] == {"id": view["id"], "type": "view"}, event
        assert event["data"]["view_type"] == "table" and event["data"]["parent"]["data_source_id"] == TASKS, event
        assert signed(body, headers["X-Notion-Signature"], token)
        notion.views.delete(view_id=view["id"])
        assert json.loads(hook.next()[1])["type"] == "view.deleted"
        upload = notion.file_uploads.create(mode="single_part", filename="hook.txt", content_type="text/plain")
        event = json.loads(hook.next()[1])
        assert event["type"] == "file_upload.created" and event["entity"]["id"] == upload["id"], event
        notion.file_uploads.send(file_upload_id=upload["id"], file=("hook.txt", b"hooked", "text/plain"))
        assert json.loads(hook.next()[1])["type"] == "file_upload.completed"
        notion.pages.update(page_id=page["id"], is_locked=True)
        event = json.loads(hook.next()[1])
        assert event["type"] == "page.locked" and event["data"]["parent"] == {"id": PROJECTS, "type": "page"}, event
        admin("DELETE", f"webhooks/{subscription['id']}")


@scenario(needs_admin=True)
def webhooks_rows_moves_expiry_and_legacy_subscriptions():
    with Receiver() as hook:
        # Two subscriptions to one receiver: the SDK's default version, and 2022-06-28, which
        # hears the deprecated database.* events instead of data_source.* ones.
        now, old = subscribed(hook)[0]["id"], subscribed(hook, api_version="2022-06-28")[0]["id"]
        seen = []

        def heard(subscription, kind, entity):
            for event in seen:
                if (event["subscription_id"], event["type"], event["entity"]["id"]) == (subscription, kind, entity):
                    return event
            while True:
                event = json.loads(hook.next()[1])
                seen.append(event)
                if (event["subscription_id"], event["type"], event["entity"]["id"]) == (subscription, kind, entity):
                    return event

        home = notion.pages.create(parent={"page_id": PROJECTS}, properties={"title": {"title": text("Hook home")}})

        def in_home(title):
            return notion.databases.create(
                parent={"page_id": home["id"]},
                title=text(title),
                initial_data_source={"properties": {"Name": {"title": {}}}},
            )

        db = in_home("Hooked rows")
        source = db["data_sources"][0]["id"]
        # A view made before the row: 2022-06-28 hears no view.* (views are 2025-09-03's).
        view = notion.views.create(data_source_id=source, name="Hooked rows view", type="table")
        assert heard(now, "view.created", view["id"])["data"]["parent"]["data_source_id"] == source
        row = notion.pages.create(parent={"data_source_id": source}, properties={"Name": {"title": text("Row")}})
        content = heard(now, "data_source.content_updated", source)
        assert content["data"] == {
            "parent": {"id": db["id"], "type": "database"},
            "updated_blocks": [{"id": row["id"], "type": "page"}],
        }, content
        legacy_content = heard(old, "database.content_updated", db["id"])
        assert legacy_content["api_version"] == "2022-06-28", legacy_content
        assert legacy_content["data"]["parent"] == {"id": home["id"], "type": "page"}, legacy_content
        assert not [e for e in seen if e["subscription_id"] == old and e["type"].startswith("view.")], seen
        moved = notion.databases.update(database_id=db["id"], parent={"type": "workspace", "workspace": True})
        assert moved["parent"] == {"type": "workspace", "workspace": True}, moved["parent"]
        event = heard(now, "database.moved", db["id"])
        assert event["data"]["parent"] == {"id": event["workspace_id"], "type": "space"}, event
        notion.databases.update(database_id=db["id"], parent={"type": "page_id", "page_id": home["id"]})
        second = notion.data_sources.create(
            parent={"database_id": db["id"]}, title=text("Second"), properties={"Name": {"title": {}}}
        )
        other = in_home("Other rows")
        moved = notion.data_sources.update(
            data_source_id=second["id"], parent={"type": "database_id", "database_id": other["id"]}
        )
        assert moved["parent"]["database_id"] == other["id"], moved["parent"]
        event = heard(now, "data_source.moved", second["id"])
        assert event["data"]["parent"] == {"id": other["id"], "type": "database"}, event
        upload = notion.file_uploads.create(mode="single_part", filename="late.txt", content_type="text/plain")
        admin("POST", f"file_uploads/{upload['id']}/expire", {})
        event = heard(now, "file_upload.expired", upload["id"])
        assert event["entity"] == {"id": upload["id"], "type": "file_upload"}, event
        assert notion.file_uploads.retrieve(file_upload_id=upload["id"])["status"] == "expired"
        assert not [e for e in seen if e["subscription_id"] == old and e["type"].startswith("data_source.")], seen
        admin("DELETE", f"webhooks/{now}")
        admin("DELETE", f"webhooks/{old}")


@scenario(needs_admin=True)
def version_2026_03_11_subscription_hears_its_version():
    with Receiver() as hook:
        subscription, token = subscribed(hook, api_version="2026-03-11", event_types=["page.created"])
        assert subscription["api_version"] == "2026-03-11", subscription
        page = current.pages.create(parent={"data_source_id": TASKS}, properties={"Name": {"title": text("heard 2026")}})
        headers, body = hook.next()
        event = json.loads(body)
        assert event["type"] == "page.created" and event["entity"] == {"id": page["id"], "type": "page"}, event
        assert event["api_version"] == "2026-03-11", event
        assert signed(body, headers["X-Notion-Signature"], token), headers
        admin("DELETE", f"webhooks/{subscription['id']}")


@scenario(needs_admin=True)
def rate_limited_and_retried():
    once = Client(auth=TOKEN, base_url=BASE, log_level=QUIET, retry=False)
    admin("POST", "rate-limit", {"enabled": True})
    try:
        err = None
        for _ in range(40):
            try:
                once.users.me()
            except APIResponseError as limited:
                err = limited
                break
        assert err is not None, "limited within 40 requests"
        assert err.code == APIErrorCode.RateLimited and err.status == 429, err
        assert 1 <= int(err.headers["retry-after"]) <= 10, err.headers
        # Notion's "Request limits": which limit was exceeded (the per-connection one).
        reason = json.loads(err.body).get("additional_data", {}).get("rate_limit_reason")
        assert reason == "public_api_request_rate_limit", err.body
        patient = Client(auth=TOKEN, base_url=BASE, log_level=QUIET,
                         retry=RetryOptions(max_retries=2, max_retry_delay_ms=11_000))
        assert patient.users.me()["type"] == "bot"
    finally:
        admin("POST", "rate-limit", {"enabled": False})


@scenario(needs_admin=True)
def service_unavailable_is_retried_for_reads_only():
    # Notion's 503 `service_unavailable`, asked of the clone as a fault (its body as the README
    # gives it): the SDK raises it as ServiceUnavailable, and its retry repeats a read (GET)
    # but never a write (POST), which may have been done.
    unavailable = {"object": "error", "status": 503, "code": "service_unavailable",
                   "message": "Notion is unavailable. Try again later."}
    retrying = Client(auth=TOKEN, base_url=BASE, log_level=QUIET,
                      retry=RetryOptions(max_retries=1, initial_retry_delay_ms=50))
    try:
        admin("POST", "faults", {"path": "/v1/users/me", "method": "GET", "status": 503, "body": unavailable})
        assert retrying.users.me()["type"] == "bot"
        admin("POST", "faults", {"path": "/v1/pages", "method": "POST", "status": 503, "body": unavailable})
        err = expect_error(APIErrorCode.ServiceUnavailable, retrying.pages.create,
                           parent={"page_id": PROJECTS}, properties={"title": {"title": text("Unavailable")}})
        assert err.status == 503 and str(err) == unavailable["message"], err
        assert notion.users.me()["type"] == "bot"
    finally:
        admin("DELETE", "faults")


@scenario(needs_admin=True)
def oauth_token_refresh_introspect_revoke():
    # A public integration's OAuth: the client secret and a code from the admin surface (what
    # Notion's integration settings and consent redirect give), then oauth.token / introspect /
    # revoke under HTTP Basic client authentication.
    app = admin("POST", "oauth/client", {})
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    redirect = "https://example.com/callback"
    code = admin("POST", "oauth/codes", {"redirect_uri": redirect})["code"]
    tokens = notion.oauth.token(**creds, grant_type="authorization_code", code=code, redirect_uri=redirect)
    assert tokens["token_type"] == "bearer" and tokens["access_token"].startswith("ntn_"), tokens
    assert tokens["owner"]["type"] == "user" and tokens["owner"]["user"]["id"] == ADA, tokens
    installed = Client(auth=tokens["access_token"], base_url=BASE, log_level=QUIET)
    assert installed.users.me()["id"] == tokens["bot_id"]
    try:
        notion.oauth.token(**creds, grant_type="authorization_code", code=code, redirect_uri=redirect)
    except HTTPResponseError as err:
        assert err.status == 400 and "invalid_grant" in err.body, err.body
    else:
        raise AssertionError("a code was exchanged twice")
    seen = notion.oauth.introspect(**creds, token=tokens["access_token"])
    assert seen["active"] is True and "read_content" in seen["scope"] and seen["iat"] > 0, seen
    renewed = notion.oauth.token(**creds, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert renewed["access_token"] != tokens["access_token"], renewed
    notion.oauth.revoke(**creds, token=renewed["access_token"])
    assert notion.oauth.introspect(**creds, token=renewed["access_token"])["active"] is False
    revoked = Client(auth=renewed["access_token"], base_url=BASE, log_level=QUIET)
    expect_error(APIErrorCode.Unauthorized, revoked.users.me)


@scenario
def meeting_notes_query():
    # The workspace holds no meeting notes (Notion makes them in its app): a query answers
    # none; a malformed one is a validation_error naming the member.
    found = notion.blocks.meeting_notes.query(
        filter={"operator": "and", "filters": [{"property": "title", "filter": {
            "operator": "string_contains", "value": {"type": "exact", "value": "Weekly sync"}}}]},
        sort=[{"property": "created_time", "direction": "descending"}], limit=10)
    assert found["results"] == [] and found["has_more"] is False, found
    err = expect_error(APIErrorCode.ValidationError, notion.blocks.meeting_notes.query, limit=51)
    assert "body.limit" in str(err), str(err)


@scenario(fixture="restricted")
def restricted_capabilities():
    # The `restricted` fixture's integration may read content and comments, nothing more.
    assert notion.users.me()["type"] == "bot"
    assert notion.pages.retrieve(page_id=TASK1)["id"] == TASK1
    assert notion.comments.list(block_id=TASK1)["object"] == "list"
    err = expect_error(APIErrorCode.RestrictedResource, notion.users.list)
    assert err.status == 403 and "permissions" in str(err), err
    expect_error(APIErrorCode.RestrictedResource, notion.users.retrieve, user_id=ADA)
    expect_error(APIErrorCode.RestrictedResource, notion.pages.create,
                 parent={"data_source_id": TASKS}, properties={"Name": {"title": text("Refused")}})
    expect_error(APIErrorCode.RestrictedResource, notion.pages.update,
                 page_id=TASK1, properties={"Done": {"checkbox": False}})
    expect_error(APIErrorCode.RestrictedResource, notion.blocks.children.append,
                 block_id=TASK1, children=[{"paragraph": {"rich_text": text("Refused")}}])
    expect_error(APIErrorCode.RestrictedResource, notion.comments.create,
                 parent={"page_id": TASK1}, rich_text=text("Refused"))
    found = notion.data_sources.query(data_source_id=TASKS, filter={"property": "Name", "title": {"equals": "Refused"}})
    assert found["results"] == [], found
    assert notion.pages.retrieve(page_id=TASK1)["properties"]["Done"]["checkbox"] is True
    expect_error(APIErrorCode.RestrictedResource, notion.file_uploads.create)
    assert notion.pages.retrieve_markdown(page_id=TASK1)["markdown"].startswith("## Notes")
    expect_error(APIErrorCode.RestrictedResource, notion.pages.update_markdown, page_id=TASK1,
                 type="replace_content", replace_content={"new_str": "Refused"})
    assert notion.file_uploads.list()["object"] == "list"


finish(f"python notion-client {importlib.metadata.version('notion-client')}, fixture {FIXTURE}")
