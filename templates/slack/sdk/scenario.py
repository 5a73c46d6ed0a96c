"""Slack's Python SDK (slack_sdk) against an asym Slack clone, unmodified but for base_url.

Env: SLACK_API_URL (endpoints.api + "/"), SLACK_BOT_TOKEN, SLACK_USER_TOKEN,
SLACK_SIGNING_SECRET, SLACK_APP_TOKEN (Socket Mode), ASYM_ADMIN_URL and ASYM_ADMIN_SECRET (the clone's admin surface, exported
by scripts/sdk-lib.sh); seed `basic`. The interactivity scenario runs a Bolt for Python app in
HTTP mode on loopback. Runs each scenario through the shared runner (scripts/sdk/check.py): one
line each, the count at the end, non-zero when any fails.
"""

import contextlib
import json
import os
import socket
import threading
import time

from check import admin, check, finish
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import FileBlock
from slack_sdk.models.messages.chunk import MarkdownTextChunk, TaskUpdateChunk
from slack_sdk.version import __version__ as slack_sdk_version

BASE = os.environ["SLACK_API_URL"]
bot = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE)
user = WebClient(token=os.environ["SLACK_USER_TOKEN"], base_url=BASE)
GENERAL, RANDOM = "C0000000001", "C0000000002"



def scenario(fn):
    """Runs `fn` at once, through the shared runner's `check`."""
    check(fn.__name__, fn)
    return fn


def fails(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except SlackApiError as e:
        assert e.response["error"] == code, f"expected {code}, got {e.response['error']}"
        return e.response
    raise AssertionError(f"expected {code}, the call succeeded")


def as_user(user_id):
    """A WebClient with a user token minted for `user_id` through the admin surface."""
    return WebClient(token=admin("POST", "tokens", {"kind": "user", "user": user_id})["token"], base_url=BASE)


@contextlib.contextmanager
def socket_mode(settings, listener, client_class=None):
    """Socket Mode on with `settings` and a SocketModeClient (or `client_class`, a subclass)
    connected with the app-level token, calling `listener` for each request; yields the client,
    then closes it and turns Socket Mode off."""
    from slack_sdk.socket_mode import SocketModeClient

    admin("POST", "socket-mode", settings)
    client = (client_class or SocketModeClient)(app_token=os.environ["SLACK_APP_TOKEN"],
                                                web_client=WebClient(base_url=BASE))
    client.socket_mode_request_listeners.append(listener)
    try:
        client.connect()
        yield client
    finally:
        client.close()
        admin("DELETE", "socket-mode")


@scenario
def auth_and_meta():
    me = bot.auth_test()
    assert me["user_id"] == "U0000000002" and me["bot_id"] == "B0000000001"
    assert user.auth_test()["user_id"] == "U0000000001"
    assert bot.api_test(foo="bar")["args"]["foo"] == "bar"
    assert bot.team_info()["team"]["id"] == "T0000000001"
    assert bot.bots_info(bot="B0000000001")["bot"]["app_id"] == "A0000000001"
    fails("bot_not_found", bot.bots_info, bot="B999")
    assert bot.emoji_list()["emoji"] == {}, "the basic seed has no custom emoji"
    assert bot.team_profile_get()["profile"]["fields"] == []
    prefs_token = admin("POST", "tokens", {"kind": "bot", "scopes": ["team.preferences:read"]})["token"]
    prefs = WebClient(token=prefs_token, base_url=BASE).team_preferences_list()
    assert (prefs["msg_edit_window_mins"], prefs["who_can_post_general"]) == (-1, "everyone"), prefs.data
    assert "allow_message_deletion" not in prefs.data, prefs.data
    fails("missing_scope", bot.team_preferences_list)
    fails("invalid_auth", WebClient(token="xoxb-1-2-nope", base_url=BASE).auth_test)
    fails("not_authed", WebClient(base_url=BASE).auth_test)


@scenario
def chat_post_update_delete():
    posted = bot.chat_postMessage(
        channel=GENERAL,
        text="deploy done",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*deploy* done"}}],
        unfurl_links=False,
    )
    ts = posted["ts"]
    assert posted["message"]["blocks"][0]["block_id"]
    profile = posted["message"]["bot_profile"]
    assert (profile["id"], profile["user_id"], profile["app_id"]) == ("B0000000001", "U0000000002", "A0000000001")
    assert profile["icons"]["image_48"], profile
    reply = bot.chat_postMessage(channel=GENERAL, text="details", thread_ts=ts, reply_broadcast=True)
    assert reply["message"]["thread_ts"] == ts
    updated = bot.chat_update(channel=GENERAL, ts=ts, text="deploy done (edited)")
    assert updated["message"]["edited"]["user"] == "U0000000002"
    link = bot.chat_getPermalink(channel=GENERAL, message_ts=ts)["permalink"]
    assert "/archives/C0000000001/p" in link
    eph = bot.chat_postEphemeral(channel=GENERAL, user="U0000000003", text="psst")
    assert eph["message_ts"]
    fails("cant_update_message", bot.chat_update, channel=GENERAL, ts="1700000100.000100", text="x")
    fails("cant_delete_message", bot.chat_delete, channel=GENERAL, ts="1700000100.000100")
    assert bot.chat_delete(channel=GENERAL, ts=reply["ts"])["ts"] == reply["ts"]
    fails("message_not_found", bot.chat_delete, channel=GENERAL, ts=reply["ts"])
    fails("not_in_channel", bot.chat_postMessage, channel=RANDOM, text="x")
    fails("channel_not_found", bot.chat_postMessage, channel="C0NOPE", text="x")
    fails("no_text", bot.chat_postMessage, channel=GENERAL)
    linked = bot.chat_postMessage(channel=GENERAL, text="@here build is red", link_names=True)
    assert linked["message"]["text"] == "<!here> build is red", linked["message"]
    fails("msg_too_long", bot.chat_postMessage, channel=GENERAL, text="a" * 40001)
    fails("user_not_in_channel", bot.chat_postEphemeral, channel=GENERAL, user="USLACKBOT", text="x")
    bad = fails("invalid_blocks", bot.chat_postMessage, channel=GENERAL, text="x", blocks=[{"type": "section"}])
    assert bad["errors"] == ["must provide either text or fields [json-pointer:/blocks/0]"], bad
    # An input block is taken in a message, but not without its label.
    form = [{"type": "input", "element": {"type": "plain_text_input"},
             "label": {"type": "plain_text", "text": "Feedback"}}]
    assert bot.chat_postMessage(channel=GENERAL, text="form", blocks=form)["ok"]
    fails("invalid_blocks", bot.chat_postMessage, channel=GENERAL, text="x",
          blocks=[{"type": "input", "element": {"type": "plain_text_input"}}])


@scenario
def text_that_is_not_a_string():
    """As JSON (the body slack_sdk sends chat.postMessage and chat.update in; its typed methods
    refuse a text that is not a string themselves, so api_call): a number is posted as
    written, an object or a list is Slack's invalid_array_arg."""
    def call(method, **body):
        return bot.api_call(method, json={"channel": GENERAL, **body})

    posted = call("chat.postMessage", text=42)
    assert posted["message"]["text"] == "42", posted["message"]
    assert call("chat.update", ts=posted["ts"], text=True)["text"] == "true"
    fails("invalid_array_arg", call, "chat.postMessage", text={"a": 1})
    fails("invalid_array_arg", call, "chat.update", ts=posted["ts"], text=["x"])
    assert bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]["text"] == "true"


@scenario
def chat_scheduling():
    now = int(time.time())
    later = bot.chat_scheduleMessage(channel=GENERAL, text="tomorrow", post_at=now + 86400)
    sid = later["scheduled_message_id"]
    assert sid.startswith("Q")
    listed = bot.chat_scheduledMessages_list(channel=GENERAL)["scheduled_messages"]
    assert [m["id"] for m in listed] == [sid]
    bot.chat_deleteScheduledMessage(channel=GENERAL, scheduled_message_id=sid)
    fails("invalid_scheduled_message_id", bot.chat_deleteScheduledMessage, channel=GENERAL, scheduled_message_id=sid)
    fails("time_in_past", bot.chat_scheduleMessage, channel=GENERAL, text="x", post_at=now - 60)
    fails("time_too_far", bot.chat_scheduleMessage, channel=GENERAL, text="x", post_at=now + 200 * 86400)
    bot.chat_scheduleMessage(channel=GENERAL, text="very soon", post_at=now + 1)
    for _ in range(40):
        texts = [m["text"] for m in bot.conversations_history(channel=GENERAL, limit=5)["messages"]]
        if "very soon" in texts:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the scheduled message was not posted")


@scenario
def conversations_read():
    names = [c["name"] for c in user.conversations_list(types="public_channel")["channels"]]
    assert names == ["general", "random"], names
    # A SlackResponse iterates by turning itself into the next page: read each as it comes.
    pages = [page["channels"][0]["name"] for page in user.conversations_list(limit=1)]
    assert pages == ["general", "random"], pages
    assert bot.conversations_info(channel=GENERAL, include_num_members=True)["channel"]["num_members"] == 5
    history = user.conversations_history(channel=GENERAL, limit=2)
    assert history["has_more"] and history["response_metadata"]["next_cursor"]
    window = user.conversations_history(channel=GENERAL, oldest="1700000100.000100", latest="1700000300.000300", inclusive=True)
    assert [m["ts"] for m in window["messages"]] == ["1700000300.000300", "1700000200.000200", "1700000100.000100"]
    replies = user.conversations_replies(channel=GENERAL, ts="1700000200.000200")["messages"]
    assert [m["text"] for m in replies] == ["Morning all, standup in 10.", "On my way."]
    members = [m for page in bot.conversations_members(channel=GENERAL, limit=2) for m in page["members"]]
    assert len(members) == 5, members
    fails("channel_not_found", bot.conversations_info, channel="C0NOPE")
    fails("not_in_channel", bot.conversations_history, channel=RANDOM)
    fails("thread_not_found", bot.conversations_replies, channel=GENERAL, ts="1.000001")
    fails("invalid_cursor", user.conversations_list, cursor="bm9wZQ==")


@scenario
def conversations_write():
    channel = bot.conversations_create(name="sdk-python")["channel"]
    cid = channel["id"]
    fails("name_taken", bot.conversations_create, name="sdk-python")
    fails("invalid_name_specials", bot.conversations_create, name="Bad Name")
    assert bot.conversations_invite(channel=cid, users=["U0000000003", "U0000000004"])["channel"]["num_members"] == 3
    fails("already_in_channel", bot.conversations_invite, channel=cid, users="U0000000003")
    bot.conversations_kick(channel=cid, user="U0000000004")
    fails("cant_kick_self", bot.conversations_kick, channel=cid, user="U0000000002")
    assert bot.conversations_rename(channel=cid, name="sdk-python-2")["channel"]["name"] == "sdk-python-2"
    assert bot.conversations_setTopic(channel=cid, topic="Topic!")["channel"]["topic"]["value"] == "Topic!"
    assert bot.conversations_setPurpose(channel=cid, purpose="Purpose!")["channel"]["purpose"]["value"] == "Purpose!"
    bot.conversations_mark(channel=cid, ts="1700000000.000001")
    bot.conversations_archive(channel=cid)
    fails("already_archived", bot.conversations_archive, channel=cid)
    bot.conversations_unarchive(channel=cid)
    fails("cant_archive_general", user.conversations_archive, channel=GENERAL)
    joined = bot.conversations_join(channel=RANDOM)
    again = bot.conversations_join(channel=RANDOM)
    assert again["warning"] == "already_in_channel" and "warning" not in joined.data
    bot.conversations_leave(channel=RANDOM)
    assert bot.conversations_leave(channel=RANDOM)["not_in_channel"] is True
    fails("cant_leave_general", bot.conversations_leave, channel=GENERAL)
    dm = bot.conversations_open(users="U0000000003")["channel"]["id"]
    assert dm.startswith("D")
    assert bot.conversations_open(users=["U0000000003"])["already_open"] is True
    assert bot.conversations_open(users="U0000000003,U0000000004")["channel"]["is_mpim"] is True
    fails("users_list_not_supplied", bot.api_call, "conversations.open")
    assert bot.chat_postMessage(channel=dm, text="hi")["channel"] == dm


@scenario
def system_messages():
    """What Slack posts into a channel as people come and go and its settings change."""
    cid = bot.conversations_create(name="sdk-python-system")["channel"]["id"]
    bot.conversations_invite(channel=cid, users="U0000000003,U0000000004")
    bot.conversations_kick(channel=cid, user="U0000000004")
    bot.conversations_rename(channel=cid, name="sdk-python-system-2")
    bot.conversations_setTopic(channel=cid, topic="Topic!")
    user.conversations_join(channel=cid)
    bot.conversations_setPurpose(channel=cid, purpose="")
    user.conversations_leave(channel=cid)
    bot.conversations_archive(channel=cid)
    user.conversations_unarchive(channel=cid)
    messages = [m for page in user.conversations_history(channel=cid, limit=4) for m in page["messages"]]
    seen = [(m["subtype"], m["user"], m["text"]) for m in reversed(messages)]
    assert seen == [
        ("channel_join", "U0000000002", "<@U0000000002> has joined the channel"),
        ("channel_join", "U0000000003", "<@U0000000003> has joined the channel"),
        ("channel_join", "U0000000004", "<@U0000000004> has joined the channel"),
        ("channel_leave", "U0000000004", "<@U0000000004> has left the channel"),
        ("channel_name", "U0000000002",
         '<@U0000000002> has renamed the channel from "sdk-python-system" to "sdk-python-system-2"'),
        ("channel_topic", "U0000000002", "<@U0000000002> set the channel topic: Topic!"),
        ("channel_join", "U0000000001", "<@U0000000001> has joined the channel"),
        ("channel_purpose", "U0000000002", "<@U0000000002> cleared channel purpose"),
        ("channel_leave", "U0000000001", "<@U0000000001> has left the channel"),
        ("channel_archive", "U0000000002", "<@U0000000002> archived the channel"),
        ("channel_unarchive", "U0000000001", "<@U0000000001> un-archived the channel"),
    ], seen
    by_subtype = {}
    for m in reversed(messages):
        by_subtype.setdefault(m["subtype"], []).append(m)
    assert "inviter" not in by_subtype["channel_join"][0]
    assert [m["inviter"] for m in by_subtype["channel_join"][1:3]] == ["U0000000002"] * 2
    renamed = by_subtype["channel_name"][0]
    assert (renamed["old_name"], renamed["name"]) == ("sdk-python-system", "sdk-python-system-2")
    assert by_subtype["channel_topic"][0]["topic"] == "Topic!"
    assert by_subtype["channel_purpose"][0]["purpose"] == ""
    assert all(m["type"] == "message" and "bot_id" not in m for m in messages)


@scenario
def users_methods():
    members = [m["name"] for page in bot.users_list(limit=3) for m in page["members"]]
    assert {"admin", "alice", "bob", "carol", "asym", "slackbot"} <= set(members), members
    alice = bot.users_info(user="U0000000003")["user"]
    assert alice["profile"]["email"] == "alice@acme.test" and "locale" not in alice
    assert bot.users_info(user="U0000000003", include_locale=True)["user"]["locale"] == "en-US"
    assert bot.users_lookupByEmail(email="bob@acme.test")["user"]["id"] == "U0000000004"
    fails("users_not_found", bot.users_lookupByEmail, email="nobody@acme.test")
    fails("user_not_found", bot.users_info, user="U0NOPE")
    assert bot.users_profile_get(user="U0000000005")["profile"]["real_name"] == "Carol Chen"
    assert bot.users_getPresence(user="U0000000003")["presence"] == "active"
    assert user.users_getPresence(user="U0000000001")["online"] is True
    channels = [c["id"] for c in bot.users_conversations()["channels"]]
    assert GENERAL in channels and RANDOM not in channels, channels


@scenario
def reactions_and_pins():
    ts = "1700000300.000300"
    bot.reactions_add(channel=GENERAL, timestamp=ts, name="tada")
    fails("already_reacted", bot.reactions_add, channel=GENERAL, timestamp=ts, name="tada")
    got = bot.reactions_get(channel=GENERAL, timestamp=ts)
    assert got["message"]["reactions"] == [{"name": "tada", "users": ["U0000000002"], "count": 1}]
    assert got["message"]["permalink"].endswith("/archives/C0000000001/p1700000300000300"), got["message"]
    bot.reactions_remove(channel=GENERAL, timestamp=ts, name="tada")
    fails("no_reaction", bot.reactions_remove, channel=GENERAL, timestamp=ts, name="tada")
    fails("message_not_found", bot.reactions_add, channel=GENERAL, timestamp="1.000001", name="tada")
    bot.pins_add(channel=GENERAL, timestamp=ts)
    fails("already_pinned", bot.pins_add, channel=GENERAL, timestamp=ts)
    items = bot.pins_list(channel=GENERAL)["items"]
    assert items[0]["message"]["ts"] == ts
    bot.pins_remove(channel=GENERAL, timestamp=ts)
    fails("no_pin", bot.pins_remove, channel=GENERAL, timestamp=ts)


@scenario
def files_upload_v2():
    done = bot.files_upload_v2(channel=GENERAL, content="a,b\n1,2\n", filename="report.csv",
                               title="Report", initial_comment="Weekly report")
    file = done["file"]
    assert file["title"] == "Report" and file["size"] == 8, file
    info = bot.files_info(file=file["id"])["file"]
    assert info["channels"] == [GENERAL]
    listed = bot.files_list(channel=GENERAL)["files"]
    assert [f["id"] for f in listed] == [file["id"]]
    history = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
    assert history["files"][0]["id"] == file["id"] and history["text"] == "Weekly report"
    assert history["files"][0]["is_public"] is True, history["files"][0]
    bot.files_delete(file=file["id"])
    fails("file_deleted", bot.files_info, file=file["id"])
    fails("file_not_found", bot.files_info, file="F0NOPE")
    fails("file_not_found", bot.files_completeUploadExternal, files=[{"id": "F0NOPE"}])


@scenario
def pagination_helpers():
    """Iterating a SlackResponse follows response_metadata.next_cursor, method by method."""
    history = [m["ts"] for page in user.conversations_history(channel=GENERAL, limit=2) for m in page["messages"]]
    assert history == sorted(history, reverse=True) and len(set(history)) == len(history) >= 4, history
    thread = [m["ts"] for page in user.conversations_replies(channel=GENERAL, ts="1700000200.000200", limit=1)
              for m in page["messages"]]
    assert thread[:2] == ["1700000200.000200", "1700000250.000100"], thread
    mine = [c["id"] for page in user.users_conversations(limit=1) for c in page["channels"]]
    assert mine[:2] == [GENERAL, RANDOM], mine
    people = [m["id"] for page in bot.users_list(limit=2) for m in page["members"]]
    assert len(people) == len(set(people)) and "USLACKBOT" in people, people


@scenario
def direct_messages_by_user_id():
    first = bot.chat_postMessage(channel="U0000000005", text="hello carol")
    dm = first["channel"]
    assert dm.startswith("D"), dm
    assert bot.chat_postMessage(channel="U0000000005", text="again")["channel"] == dm
    assert bot.conversations_open(users="U0000000005")["channel"]["id"] == dm
    texts = [m["text"] for m in bot.conversations_history(channel=dm)["messages"]]
    assert texts == ["again", "hello carol"], texts
    fails("channel_not_found", bot.chat_postMessage, channel="U0NOPE", text="x")
    me = bot.chat_meMessage(channel=GENERAL, text="waves")
    newest = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
    assert (newest["ts"], newest["subtype"], newest["text"]) == (me["ts"], "me_message", "waves"), newest
    assert bot.conversations_close(channel=dm).get("no_op") is None
    assert bot.conversations_close(channel=dm)["already_closed"] is True
    fails("method_not_supported_for_channel_type", bot.conversations_close, channel=GENERAL)


@scenario
def reactions_list_pages():
    for ts in ["1700000100.000100", "1700000300.000300"]:
        bot.reactions_add(channel=GENERAL, timestamp=ts, name="eyes")
    items = [i for page in bot.reactions_list(limit=1) for i in page["items"]]
    assert [(i["channel"], i["message"]["ts"]) for i in items] == [
        (GENERAL, "1700000300.000300"), (GENERAL, "1700000100.000100")], items
    assert items[0]["message"]["reactions"][0]["users"] == ["U0000000002"]
    paged = user.reactions_list(user="U0000000002", count=1, page=2)
    assert paged["paging"] == {"count": 1, "total": 2, "page": 2, "pages": 2}, paged["paging"]
    for ts in ["1700000100.000100", "1700000300.000300"]:
        bot.reactions_remove(channel=GENERAL, timestamp=ts, name="eyes")


@scenario
def profile_and_presence():
    set_ = user.users_profile_set(profile={"status_text": "riding a train", "status_emoji": ":train:"})
    assert set_["profile"]["status_text"] == "riding a train"
    user.users_profile_set(name="title", value="Chief")
    profile = bot.users_profile_get(user="U0000000001")["profile"]
    assert (profile["status_emoji"], profile["title"]) == (":train:", "Chief"), profile
    fails("not_allowed_token_type", bot.users_profile_set, profile={"status_text": "x"})
    fails("invalid_profile", user.users_profile_set, profile="{oops")
    user.users_setPresence(presence="away")
    assert bot.users_getPresence(user="U0000000001")["presence"] == "away"
    user.users_setPresence(presence="auto")
    assert bot.users_getPresence(user="U0000000001")["presence"] == "active"
    fails("invalid_presence", user.users_setPresence, presence="busy")


@scenario
def usergroups():
    group = bot.usergroups_create(name="On Call", handle="oncall", description="pager", channels=[GENERAL])["usergroup"]
    sid = group["id"]
    assert sid.startswith("S") and group["prefs"]["channels"] == [GENERAL], group
    fails("name_already_exists", bot.usergroups_create, name="On Call")
    fails("handle_already_exists", bot.usergroups_create, name="Other", handle="oncall")
    updated = bot.usergroups_users_update(usergroup=sid, users=["U0000000004", "U0000000003"], include_count=True)
    assert updated["usergroup"]["users"] == ["U0000000003", "U0000000004"]
    assert updated["usergroup"]["user_count"] == 2
    assert bot.usergroups_users_list(usergroup=sid)["users"] == ["U0000000003", "U0000000004"]
    assert bot.usergroups_update(usergroup=sid, name="Pager")["usergroup"]["name"] == "Pager"
    listed = bot.usergroups_list(include_users=True, include_count=True)["usergroups"]
    assert [(g["id"], g["user_count"]) for g in listed] == [(sid, 2)], listed
    bot.usergroups_disable(usergroup=sid)
    assert bot.usergroups_list()["usergroups"] == []
    assert [g["id"] for g in bot.usergroups_list(include_disabled=True)["usergroups"]] == [sid]
    assert bot.usergroups_enable(usergroup=sid)["usergroup"]["date_delete"] == 0
    fails("no_such_subteam", bot.usergroups_users_list, usergroup="S0NOPE")
    fails("invalid_users", bot.usergroups_users_update, usergroup=sid, users=["U0NOPE"])


@scenario
def files_upload_v2_several_and_threaded():
    done = bot.files_upload_v2(channel=GENERAL, initial_comment="two files", file_uploads=[
        {"content": "a", "filename": "a.txt"}, {"content": b"bb", "filename": "b.txt", "title": "B"}])
    assert [(f["name"], f["title"], f["size"]) for f in done["files"]] == [("a.txt", "a.txt", 1), ("b.txt", "B", 2)]
    message = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
    assert message["text"] == "two files" and [f["name"] for f in message["files"]] == ["a.txt", "b.txt"]
    threaded = bot.files_upload_v2(channel=GENERAL, content="t", filename="t.txt", thread_ts="1700000200.000200")
    replies = user.conversations_replies(channel=GENERAL, ts="1700000200.000200")["messages"]
    assert replies[-1]["files"][0]["id"] == threaded["file"]["id"], replies[-1]
    unshared = bot.files_upload_v2(content="p", filename="p.txt")["file"]
    assert unshared["channels"] == [] and unshared["is_public"] is False, unshared
    fails("not_in_channel", bot.files_upload_v2, channel=RANDOM, content="x", filename="x.txt")


@scenario
def search_messages():
    posted = user.chat_postMessage(channel=GENERAL, text="Quarterly numbers are in: 42% up")
    found = user.search_messages(query="quarterly in:#general from:me")
    matches = found["messages"]["matches"]
    assert [m["ts"] for m in matches] == [posted["ts"]], matches
    assert matches[0]["channel"]["name"] == "general" and matches[0]["permalink"], matches[0]
    assert found["messages"]["paging"]["total"] == 1
    welcome = user.search_messages(query='"welcome to acme"', sort="timestamp")["messages"]["matches"]
    assert [m["user"] for m in welcome] == ["U0000000003"], welcome
    started = time.monotonic()
    assert user.search_messages(query=" ".join(["quarterly", "zebra"] * 15000))["messages"]["total"] == 0
    assert time.monotonic() - started < 2, "a 30,000-word query answers promptly"
    fails("not_allowed_token_type", bot.search_messages, query="x")


@scenario
def search_files_and_all():
    # search.files matches file names and titles; search.all answers messages and files.
    done = bot.files_upload_v2(channel=GENERAL, content="x", filename="roadmap-2026.md", title="Roadmap",
                               initial_comment="roadmap attached")
    found = user.search_files(query="roadmap in:#general")["files"]
    assert [f["id"] for f in found["matches"]] == [done["file"]["id"]] and found["total"] == 1, found
    both = user.search_all(query="roadmap")
    assert [f["id"] for f in both["files"]["matches"]] == [done["file"]["id"]], both["files"]
    assert [m["text"] for m in both["messages"]["matches"]] == ["roadmap attached"], both["messages"]
    fails("not_allowed_token_type", bot.search_files, query="x")


@scenario
def bookmarks():
    added = bot.bookmarks_add(channel_id=GENERAL, title="Runbook", type="link", link="https://example.com/runbook")
    bid = added["bookmark"]["id"]
    assert bid.startswith("Bk") and added["bookmark"]["channel_id"] == GENERAL, added["bookmark"]
    edited = bot.bookmarks_edit(channel_id=GENERAL, bookmark_id=bid, title="On-call runbook", emoji=":book:")
    assert (edited["bookmark"]["title"], edited["bookmark"]["emoji"]) == ("On-call runbook", ":book:")
    assert [b["id"] for b in user.bookmarks_list(channel_id=GENERAL)["bookmarks"]] == [bid]
    bot.bookmarks_remove(channel_id=GENERAL, bookmark_id=bid)
    fails("not_found", bot.bookmarks_remove, channel_id=GENERAL, bookmark_id=bid)
    fails("invalid_link", bot.bookmarks_add, channel_id=GENERAL, title="x", type="link", link="example.com")


@scenario
def stars_saved_items():
    ts = user.chat_postMessage(channel=GENERAL, text="save me for later")["ts"]
    user.stars_add(channel=GENERAL, timestamp=ts)
    fails("already_starred", user.stars_add, channel=GENERAL, timestamp=ts)
    file_id = user.files_upload_v2(channel=GENERAL, content="notes", filename="notes.txt")["files"][0]["id"]
    user.stars_add(file=file_id)
    user.stars_add(channel=RANDOM)
    listed = user.stars_list()
    assert [i["type"] for i in listed["items"]] == ["channel", "file", "message"], listed
    assert listed["items"][0]["channel"] == RANDOM and listed["items"][1]["file"]["id"] == file_id
    assert listed["items"][2]["message"]["text"] == "save me for later"
    assert listed["paging"]["total"] == 3 and all(i["date_create"] > 0 for i in listed["items"])
    first = user.stars_list(limit=2)
    assert len(first["items"]) == 2 and first["response_metadata"]["next_cursor"]
    rest = user.stars_list(limit=2, cursor=first["response_metadata"]["next_cursor"])
    assert [i["type"] for i in rest["items"]] == ["message"] and rest["response_metadata"]["next_cursor"] == ""
    user.stars_remove(channel=GENERAL, timestamp=ts)
    fails("not_starred", user.stars_remove, channel=GENERAL, timestamp=ts)
    fails("no_item_specified", user.stars_add)
    fails("bad_timestamp", user.stars_add, channel=GENERAL, timestamp="soon")
    fails("message_not_found", user.stars_add, channel=GENERAL, timestamp="1.000001")
    fails("channel_not_found", user.stars_add, channel="C0000099999")
    fails("file_not_found", user.stars_add, file="F0000099999")
    fails("file_comment_not_found", user.stars_add, file_comment="Fc0000000001")
    fails("not_allowed_token_type", bot.stars_list)


@scenario
def calls_api():
    guest = {"external_id": "py-ext", "display_name": "Guest"}
    call = bot.calls_add(external_unique_id="py-meet", join_url="https://meet.example.com/py", created_by="U0000000003",
                         title="Py sync", date_start=1700000000, users=[{"slack_id": "U0000000003"}, guest])["call"]
    assert call["id"].startswith("R") and call["date_start"] == 1700000000 and call["title"] == "Py sync", call
    assert call["users"] == [{"slack_id": "U0000000003"}, guest], call
    assert bot.calls_update(id=call["id"], title="Py sync 2")["call"]["title"] == "Py sync 2"
    bot.calls_participants_add(id=call["id"], users=[{"slack_id": "U0000000004"}])
    fails("bad_users", bot.calls_participants_add, id=call["id"], users=[{"slack_id": "U0000000004"}])
    bot.calls_participants_remove(id=call["id"], users=[guest])
    fails("bad_users", bot.calls_participants_remove, id=call["id"], users=[guest])
    info = user.calls_info(id=call["id"])["call"]
    assert info["users"] == [{"slack_id": "U0000000003"}, {"slack_id": "U0000000004"}], info
    bot.calls_end(id=call["id"], duration=600)
    assert bot.calls_info(id=call["id"])["call"]["date_end"] == 1700000600
    fails("inactive_call", bot.calls_end, id=call["id"])
    fails("invalid_call_id", bot.calls_info, id="R0NOPE")
    fails("invalid_created_by", bot.calls_add, external_unique_id="py-2", join_url="https://meet.example.com/2")
    fails("user_not_found", bot.calls_add, external_unique_id="py-2", join_url="https://meet.example.com/2",
          created_by="U0000000003", users=[{"slack_id": "U0000099999"}])
    assert user.calls_add(external_unique_id="py-3", join_url="https://meet.example.com/3")["call"]["id"].startswith("R")


@scenario
def home_tab_views():
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Welcome*"}}]}
    view = bot.views_publish(user_id="U0000000003", view=home)["view"]
    assert view["id"].startswith("V") and view["type"] == "home" and view["blocks"][0]["block_id"], view
    again = bot.views_publish(user_id="U0000000003", view=home, hash=view["hash"])["view"]
    assert again["id"] == view["id"] and again["hash"] != view["hash"]
    fails("hash_conflict", bot.views_publish, user_id="U0000000003", view=home, hash=view["hash"])
    updated = bot.views_update(view_id=view["id"], view={"type": "home", "blocks": [{"type": "divider"}]})
    assert updated["view"]["blocks"][0]["type"] == "divider"
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Note"}, "blocks": []}
    fails("invalid_trigger_id", bot.views_open, trigger_id="12345.98765.abcd", view=modal)


@scenario
def do_not_disturb():
    assert user.dnd_info()["snooze_enabled"] is False
    snoozed = user.dnd_setSnooze(num_minutes=30)
    assert snoozed["snooze_enabled"] is True and 1790 <= snoozed["snooze_remaining"] <= 1800, snoozed
    assert user.dnd_info()["snooze_endtime"] == snoozed["snooze_endtime"]
    assert "snooze_enabled" not in bot.dnd_info(user="U0000000001").data
    assert bot.dnd_teamInfo(users=["U0000000001"])["users"]["U0000000001"]["dnd_enabled"] is False
    user.dnd_endSnooze()
    fails("snooze_not_active", user.dnd_endSnooze)
    fails("not_allowed_token_type", bot.dnd_setSnooze, num_minutes=5)


@scenario
def reminders():
    banana = user.reminders_add(text="eat a banana", time="in 5 minutes")["reminder"]
    assert banana["id"].startswith("Rm") and banana["user"] == "U0000000001" and not banana["recurring"], banana
    assert banana["time"] - time.time() <= 301 and banana["complete_ts"] == 0, banana
    weekly = {"frequency": "weekly", "weekdays": ["monday"]}
    stretch = user.reminders_add(text="stretch", time=int(time.time()) + 86_400 * 3, recurrence=json.dumps(weekly))
    assert stretch["reminder"]["recurrence"] == weekly
    assert [r["text"] for r in user.reminders_list()["reminders"]] == ["eat a banana", "stretch"]
    user.reminders_complete(reminder=banana["id"])
    assert user.reminders_info(reminder=banana["id"])["reminder"]["complete_ts"] > 0
    fails("cannot_complete_recurring", user.reminders_complete, reminder=stretch["reminder"]["id"])
    user.reminders_delete(reminder=banana["id"])
    fails("not_found", user.reminders_info, reminder=banana["id"])
    fails("cannot_parse", user.reminders_add, text="x", time="tomorrow at noon")
    fails("not_allowed_token_type", bot.reminders_list)


@scenario
def reminders_come_due():
    """Slackbot posts a reminder in the person's DM with it when due (made due now through the
    admin surface, as the clone has no clock to move); a one-off stays incomplete, a recurring
    one is posted at each occurrence."""
    plants = user.reminders_add(text="water the plants", time="in 10 minutes")["reminder"]
    weekly = {"frequency": "weekly", "weekdays": ["tuesday"]}
    standup = user.reminders_add(text="standup", time=int(time.time()) + 3600, recurrence=json.dumps(weekly))["reminder"]
    assert plants["id"] in admin("POST", f"reminders/{plants['id']}/due")["posted"]
    for _ in range(2):
        admin("POST", f"reminders/{standup['id']}/due")
    dm = user.conversations_open(users="USLACKBOT")["channel"]["id"]
    messages = user.conversations_history(channel=dm)["messages"]
    assert [m["text"] for m in messages][:3] == ["Reminder: standup.", "Reminder: standup.", "Reminder: water the plants."], messages
    assert all(m["user"] == "USLACKBOT" and m["bot_id"] == "B01" and "subtype" not in m for m in messages[:3]), messages
    assert user.reminders_info(reminder=plants["id"])["reminder"] == plants
    assert user.reminders_info(reminder=standup["id"])["reminder"]["recurrence"] == weekly


@scenario
def public_file_links_and_teams_list():
    # files.sharedPublicURL (user tokens) / files.revokePublicURL by the file's owner;
    # auth.teams.list names the workspace.
    file = user.files_upload_v2(content="public", filename="public.txt")["file"]
    shared = user.files_sharedPublicURL(file=file["id"])["file"]
    assert shared["public_url_shared"] is True and shared["permalink_public"], shared
    fails("not_allowed_token_type", bot.files_sharedPublicURL, file=file["id"])
    fails("file_not_found", bot.files_revokePublicURL, file=file["id"])  # unshared: not the bot's to see
    fails("file_not_found", user.files_revokePublicURL, file="F0NOPE")
    assert user.files_revokePublicURL(file=file["id"])["file"]["public_url_shared"] is False
    teams = bot.auth_teams_list(include_icon=True)["teams"]
    assert [(t["id"], t["name"]) for t in teams] == [("T0000000001", "Acme")], teams
    assert teams[0]["icon"]["image_default"] is True, teams


def png(w, h):
    """The first bytes of a PNG of w x h: its signature and IHDR chunk."""
    return b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR" + w.to_bytes(4, "big") + h.to_bytes(4, "big") + b"\x08\x06\0\0\0"


@scenario
def profile_photos():
    """users.setPhoto (multipart, as slack_sdk sends it: a file or bytes) and users.deletePhoto:
    the profile shows the photo at avatar URLs, then the default one again."""
    import io
    import urllib.request

    answered = user.users_setPhoto(image=io.BytesIO(png(512, 512)), crop_x=0, crop_y=0, crop_w=512)["profile"]
    profile = bot.users_profile_get(user="U0000000001")["profile"]
    assert profile["is_custom_image"] is True and profile["image_192"].endswith("_192.png"), profile
    assert answered["image_192"] == profile["image_192"] and answered["avatar_hash"] == profile["avatar_hash"], answered
    with urllib.request.urlopen(profile["image_192"]) as got:
        assert got.headers["Content-Type"] == "image/png" and got.read() == png(512, 512)
    fails("bad_image", user.users_setPhoto, image=io.BytesIO(b"not an image"))
    fails("too_large", user.users_setPhoto, image=io.BytesIO(png(20000, 10)))
    fails("invalid_arguments", user.users_setPhoto, image=io.BytesIO(png(100, 100)), crop_x=50, crop_y=0, crop_w=60)
    fails("not_allowed_token_type", bot.users_setPhoto, image=io.BytesIO(png(100, 100)))
    assert user.users_deletePhoto()["ok"]
    assert "is_custom_image" not in bot.users_profile_get(user="U0000000001")["profile"]


@scenario
def remote_files():
    # files.remote.*: the bot adds a remote file (multipart, with indexable contents and a
    # preview), reads it by id and external id, shares it, lists, updates and removes it.
    added = bot.files_remote_add(external_id="py-doc-1", external_url="https://docs.example.com/py/1",
                                 title="Remote roadmap", indexable_file_contents=b"marzipan quarterly",
                                 preview_image=png(800, 400))["file"]
    assert added["is_external"] is True and added["external_type"] == "app", added
    # The preview is kept: Slack's thumbnails, served to a token of the workspace.
    assert added["has_rich_preview"] is True, added
    assert (added["original_w"], added["thumb_360_w"], added["thumb_360_h"]) == (800, 360, 180), added
    import urllib.request
    thumb = urllib.request.Request(added["thumb_64"], headers={"Authorization": f"Bearer {os.environ['SLACK_BOT_TOKEN']}"})
    with urllib.request.urlopen(thumb) as reply:
        assert reply.headers["Content-Type"] == "image/png" and reply.read() == png(800, 400)
    fails("bad_image", bot.files_remote_update, external_id="py-doc-1", preview_image=b"GIF89a")
    fails("bad_title", bot.files_remote_add, external_id="py-doc-2", external_url="https://docs.example.com/py/2",
          title="t" * 256)
    fails("invalid_external_id", bot.files_remote_add, external_id="e" * 256,
          external_url="https://docs.example.com/py/2", title="Long")
    fails("bad_title", bot.files_remote_update, external_id="py-doc-1", title="t" * 256)
    assert (added["external_id"], added["url_private"]) == ("py-doc-1", "https://docs.example.com/py/1"), added
    assert (added["mimetype"], added["filetype"], added["mode"]) == ("application/vnd.slack-remote", "remote", "external")
    assert bot.files_remote_info(external_id="py-doc-1")["file"]["id"] == added["id"]
    assert user.files_remote_info(file=added["id"])["file"]["title"] == "Remote roadmap"
    fails("too_many_ids", bot.files_remote_info, file=added["id"], external_id="py-doc-1")
    fails("file_not_found", bot.files_remote_info, external_id="py-nope")
    shared = bot.files_remote_share(external_id="py-doc-1", channels=[GENERAL])["file"]
    assert shared["channels"] == [GENERAL], shared
    assert bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]["files"][0]["id"] == added["id"]
    fails("not_in_channel", bot.files_remote_share, file=added["id"], channels=RANDOM)
    # A file block (slack_sdk's FileBlock) posts the remote file in a message; views refuse it.
    posted = bot.chat_postMessage(channel=GENERAL, text="the roadmap", blocks=[FileBlock(external_id="py-doc-1")])
    assert posted["message"]["files"][0]["id"] == added["id"], posted
    assert posted["message"]["blocks"][0]["type"] == "file", posted
    refused = fails("invalid_blocks", bot.chat_postMessage, channel=GENERAL, text="x", blocks=[FileBlock(external_id="py-nope")])
    assert refused["errors"] == ["unknown remote file: py-nope [json-pointer:/blocks/0/external_id]"], refused
    fails("invalid_blocks", bot.views_publish, user_id="U0000000003",
          view={"type": "home", "blocks": [FileBlock(external_id="py-doc-1").to_dict()]})
    assert added["id"] in [f["id"] for f in bot.files_remote_list(channel=GENERAL)["files"]]
    assert bot.files_info(file=added["id"])["file"]["is_external"] is True
    found = user.search_files(query="marzipan")["files"]["matches"]
    assert [f["id"] for f in found] == [added["id"]], found
    updated = bot.files_remote_update(file=added["id"], title="Remote plan")["file"]
    assert updated["title"] == "Remote plan" and updated["external_url"] == "https://docs.example.com/py/1"
    bot.files_remote_remove(external_id="py-doc-1")
    fails("file_not_found", bot.files_remote_info, file=added["id"])


@scenario
def retired_and_unserved_methods():
    fails("method_deprecated", bot.files_upload, channels=GENERAL, content="hello", filename="a.txt")
    assert fails("unknown_method", bot.rtm_connect)["req_method"] == "rtm.connect"
    fails("unknown_method", bot.workflows_featured_list, channel_ids=[GENERAL])


@scenario
def team_billing():
    """team.billing.info (team.billing:read) and team.billableInfo (a person's token holding
    admin), paged through the SDK's cursor iteration."""
    def minted(kind, scopes):
        return WebClient(token=admin("POST", "tokens", {"kind": kind, "scopes": scopes})["token"], base_url=BASE)

    assert minted("bot", ["team.billing:read"]).team_billing_info()["plan"] == "std"
    fails("missing_scope", bot.team_billing_info)
    owner = minted("user", ["admin"])
    info = owner.team_billableInfo()["billable_info"]
    assert info["U0000000001"] == {"billing_active": True}, info
    assert info["U0000000002"] == info["USLACKBOT"] == {"billing_active": False}, info
    paged = {}
    for page in owner.team_billableInfo(limit=2):
        assert len(page["billable_info"]) <= 2, page.data
        paged.update(page["billable_info"])
    assert paged == info
    one = owner.team_billableInfo(user="U0000000003")["billable_info"]
    assert one == {"U0000000003": {"billing_active": True}}, one
    fails("user_not_found", owner.team_billableInfo, user="U0NOPE")
    fails("invalid_cursor", owner.team_billableInfo, cursor="bm9wZQ==")
    fails("missing_scope", user.team_billableInfo)
    fails("not_allowed_token_type", minted("bot", ["admin"]).team_billableInfo)


@scenario
def assistant_threads():
    dm = bot.conversations_open(users="U0000000004")["channel"]["id"]
    thread = bot.chat_postMessage(channel=dm, text="How can I help?")["ts"]
    assert bot.assistant_threads_setStatus(channel_id=dm, thread_ts=thread, status="is thinking...")["ok"]
    assert bot.assistant_threads_setTitle(channel_id=dm, thread_ts=thread, title="Help")["ok"]
    prompts = [{"title": "Summarize", "message": "Summarize #general"}]
    assert bot.assistant_threads_setSuggestedPrompts(channel_id=dm, thread_ts=thread, prompts=prompts)["ok"]
    fails("channel_not_found", bot.assistant_threads_setStatus, channel_id="D0NOPE", thread_ts=thread, status="x")


@scenario
def custom_function_completion():
    """functions.completeSuccess / completeError on executions started through the admin
    surface (Slack starts them from a workflow step), each completed once."""
    def start(required):
        body = {"callbackId": "triage", "requiredOutputs": required}
        return admin("POST", "functions/executions", body)["execution"]["id"]

    done = start(["assignee"])
    fails("parameter_validation_failed", bot.functions_completeSuccess,
          function_execution_id=done, outputs={"note": "no assignee"})
    assert bot.functions_completeSuccess(function_execution_id=done, outputs={"assignee": "U0000000003"})["ok"]
    execution = admin("GET", f"functions/executions/{done}")["execution"]
    assert (execution["state"], execution["outputs"]) == ("completed", {"assignee": "U0000000003"}), execution
    fails("execution_not_in_running_state", bot.functions_completeError, function_execution_id=done, error="late")
    failed = start([])
    assert bot.functions_completeError(function_execution_id=failed, error="no one is on call")["ok"]
    assert admin("GET", f"functions/executions/{failed}")["execution"]["error"] == "no one is on call"
    fails("function_execution_not_found", bot.functions_completeSuccess,
          function_execution_id="Fx0000000999", outputs={})


@scenario
def markdown_text_messages():
    posted = bot.chat_postMessage(channel=GENERAL, markdown_text="## Done\n**3** checks passed")
    block = posted["message"]["blocks"][0]
    assert (block["type"], block["text"]) == ("markdown", "## Done\n**3** checks passed"), block
    edited = bot.chat_update(channel=GENERAL, ts=posted["ts"], markdown_text="_edited_")
    assert edited["message"]["blocks"][0]["text"] == "_edited_", edited["message"]
    fails("markdown_text_conflict", bot.chat_postMessage, channel=GENERAL, text="x", markdown_text="**x**")
    fails("msg_too_long", bot.chat_postMessage, channel=GENERAL, markdown_text="a" * 12001)


@scenario
def streaming_a_reply():
    question = bot.chat_postMessage(channel=GENERAL, text="what broke?")["ts"]
    streamer = bot.chat_stream(channel=GENERAL, thread_ts=question,
                               recipient_team_id="T0000000001", recipient_user_id="U0000000003",
                               buffer_size=8)
    streamer.append(markdown_text="The **deploy** ")
    streamer.append(markdown_text="failed on step 3.")
    stopped = streamer.stop(markdown_text=" Retrying.")
    message = stopped["message"]
    assert message["text"] == "The **deploy** failed on step 3. Retrying.", message
    assert message["blocks"][0]["type"] == "markdown" and message["thread_ts"] == question
    replies = bot.conversations_replies(channel=GENERAL, ts=question)["messages"]
    assert replies[-1]["text"] == message["text"], replies
    fails("message_not_in_streaming_state", bot.chat_appendStream, channel=GENERAL,
          ts=streamer.ts, markdown_text="late")
    fails("missing_recipient_team_id", bot.chat_startStream, channel=GENERAL, thread_ts=question,
          markdown_text="x")
    dm = bot.conversations_open(users="U0000000004")["channel"]["id"]
    started = bot.chat_startStream(channel=dm, thread_ts=question, markdown_text="hi")
    chunks = [MarkdownTextChunk(text=" there"),
              TaskUpdateChunk(id="t1", title="Reading the logs", status="complete")]
    assert bot.chat_appendStream(channel=dm, ts=started["ts"], chunks=chunks)["ok"]
    fails("streaming_state_conflict", bot.chat_update, channel=dm, ts=started["ts"], text="x")
    assert bot.chat_stopStream(channel=dm, ts=started["ts"])["message"]["text"] == "hi there"


@scenario
def revoking_the_user_token():
    """Last: the user token stops working."""
    assert user.auth_revoke(test=True)["revoked"] is False
    assert user.auth_test()["user_id"] == "U0000000001"
    assert user.auth_revoke()["revoked"] is True
    fails("token_revoked", user.auth_test)
    fails("invalid_auth", WebClient(token="xoxp-1-2-3-nope", base_url=BASE).auth_test)


@scenario
def bolt_oauth_install_flow():
    """Bolt's OAuth flow, its install page and its redirect URL, with a code the person's
    consent (the admin surface) gave: oauth.v2.access, then auth.test, then the store."""
    import re
    import tempfile

    from slack_bolt import App, BoltRequest
    from slack_bolt.oauth.oauth_settings import OAuthSettings
    from slack_sdk.oauth.installation_store import FileInstallationStore
    from slack_sdk.oauth.state_store import FileOAuthStateStore

    client = admin("GET", "oauth")
    files = tempfile.mkdtemp()
    scopes, user_scopes = ["chat:write", "channels:read"], ["search:read"]
    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=WebClient(base_url=BASE),
        oauth_settings=OAuthSettings(
            client_id=client["clientId"], client_secret=client["clientSecret"],
            scopes=scopes, user_scopes=user_scopes,
            installation_store=FileInstallationStore(base_dir=files),
            state_store=FileOAuthStateStore(expiration_seconds=600, base_dir=files),
        ),
    )
    flow = app.oauth_flow

    def install(code):
        page = flow.handle_installation(BoltRequest(body="", query="", headers={}))
        cookie = page.headers["set-cookie"][0].split(";")[0]
        state = re.search(r"state=([A-Za-z0-9_-]+)", page.body).group(1)
        return flow.handle_callback(BoltRequest(body="", query=f"code={code}&state={state}",
                                                headers={"cookie": cookie}))

    code = admin("POST", "oauth/codes", {"user": "U0000000003", "scopes": scopes,
                                         "userScopes": user_scopes})["code"]
    assert install(code).status == 200
    found = flow.settings.installation_store.find_installation(enterprise_id=None, team_id="T0000000001")
    assert (found.bot_user_id, found.bot_id, found.user_id) == ("U0000000002", "B0000000001", "U0000000003")
    assert found.bot_scopes == scopes and found.user_scopes == user_scopes and found.team_name == "Acme"
    posted = WebClient(token=found.bot_token, base_url=BASE).chat_postMessage(channel=GENERAL, text="installed")
    assert posted["message"]["text"] == "installed"
    assert WebClient(token=found.user_token, base_url=BASE).auth_test()["user_id"] == "U0000000003"
    assert install(code).status != 200, "a code is exchanged once"
    exchange = WebClient(base_url=BASE).oauth_v2_access
    fails("invalid_code", lambda: exchange(client_id=client["clientId"], client_secret=client["clientSecret"], code=code))
    fails("bad_client_secret", lambda: exchange(client_id=client["clientId"], client_secret="nope", code=code))


@scenario
def sign_in_with_slack():
    """Sign in with Slack: a code approved with openid/email/profile (the admin surface),
    openid_connect_token, the id_token's RS256 signature checked against the published JWKS,
    openid_connect_userInfo; then users_identity for a legacy identity.* token."""
    import base64
    import hashlib
    import urllib.request

    def part(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    client = admin("GET", "oauth")
    code = admin("POST", "oauth/codes", {"user": "U0000000005", "scopes": [], "nonce": "py-nonce",
                                         "userScopes": ["openid", "email", "profile"]})["code"]
    anonymous = WebClient(base_url=BASE)
    got = anonymous.openid_connect_token(client_id=client["clientId"],
                                         client_secret=client["clientSecret"], code=code)
    assert got["access_token"].startswith("xoxp-") and got["token_type"] == "Bearer", got.data
    header, payload, signature = got["id_token"].split(".")
    claims = json.loads(part(payload))
    assert claims["iss"] == "https://slack.com" and claims["aud"] == client["clientId"], claims
    assert claims["https://slack.com/user_id"] == "U0000000005", claims
    assert (claims["email"], claims["nonce"]) == ("carol@acme.test", "py-nonce"), claims
    root = BASE.rstrip("/").removesuffix("/api")
    with urllib.request.urlopen(f"{root}/openid/connect/keys") as reply:
        key = next(k for k in json.load(reply)["keys"] if k["kid"] == json.loads(part(header))["kid"])
    n, e = (int.from_bytes(part(key[name]), "big") for name in ("n", "e"))
    digest = hashlib.sha256(f"{header}.{payload}".encode()).digest()
    recovered = pow(int.from_bytes(part(signature), "big"), e, n).to_bytes(256, "big")
    assert recovered.endswith(digest) and recovered.startswith(b"\x00\x01\xff"), "RS256 verifies"
    fails("invalid_code", lambda: anonymous.openid_connect_token(
        client_id=client["clientId"], client_secret=client["clientSecret"], code=code))
    signed_in = WebClient(token=got["access_token"], base_url=BASE)
    info = signed_in.openid_connect_userInfo()
    assert (info["sub"], info["name"]) == ("U0000000005", "Carol Chen"), info.data
    fails("not_allowed_token_type", bot.openid_connect_userInfo)

    legacy = admin("POST", "tokens", {"kind": "user", "user": "U0000000005",
                                      "scopes": ["identity.basic", "identity.email"]})["token"]
    me = WebClient(token=legacy, base_url=BASE).users_identity()
    assert me["user"] == {"name": "Carol Chen", "id": "U0000000005", "email": "carol@acme.test"}, me.data
    assert me["team"] == {"id": "T0000000001"}, me.data
    fails("missing_scope", signed_in.users_identity)


@scenario
def canvases():
    """canvases.create, sections.lookup, edit (insert_after, replace, delete), access.set and
    .delete, conversations.canvases.create once per channel, delete; Slack's errors."""
    def md(text):
        return {"type": "markdown", "markdown": text}

    canvas = bot.canvases_create(title="Plan", document_content=md("# Plan\nSteps.\n\n## Risks\nNone."))["canvas_id"]
    assert canvas.startswith("F"), canvas

    def lookup(**criteria):
        return [s["id"] for s in bot.canvases_sections_lookup(canvas_id=canvas, criteria=criteria)["sections"]]

    headers = lookup(section_types=["any_header"])
    assert len(headers) == 2 and all(h.startswith("temp:C:") for h in headers), headers
    assert lookup(section_types=["h2"]) == headers[1:]
    bot.canvases_edit(canvas_id=canvas, changes=[{"operation": "insert_after", "section_id": headers[1],
                                                  "document_content": md("Scope creep.")}])
    creep = lookup(contains_text="creep")
    assert len(creep) == 1, creep
    bot.canvases_edit(canvas_id=canvas, changes=[{"operation": "replace", "section_id": creep[0],
                                                  "document_content": md("Slipping dates.")}])
    assert lookup(contains_text="creep") == [] and len(lookup(contains_text="slipping")) == 1
    bot.canvases_edit(canvas_id=canvas, changes=[{"operation": "delete", "section_id": headers[1]}])
    assert lookup(section_types=["h2"]) == []
    fails("canvas_editing_failed", lambda: bot.canvases_edit(
        canvas_id=canvas, changes=[{"operation": "delete", "section_id": headers[1]}]))
    fails("canvas_not_found", lambda: bot.canvases_edit(
        canvas_id="F0NOPE", changes=[{"operation": "insert_at_end", "document_content": md("x")}]))
    # Read back whole: markdown by default, or the HTML its url_private serves.
    content = bot.canvases_getContent(canvas_id=canvas)["content"]
    assert content.startswith("# Plan\n\nSteps."), content
    html = bot.canvases_getContent(canvas_id=canvas, content_type="html")["content"]
    assert html.startswith('<div class="quip-canvas-content">') and ">Plan</h1>" in html, html
    fails("invalid_arguments", bot.canvases_getContent, canvas_id=canvas, content_type="pdf")
    fails("canvas_not_found", bot.canvases_getContent, canvas_id="F0NOPE")
    # Read back as the file it is.
    file = bot.files_info(file=canvas)["file"]
    assert (file["filetype"], file["mimetype"], file["title"]) == ("quip", "application/vnd.slack-docs", "Plan"), file
    assert [f["id"] for f in bot.files_list(types="canvas")["files"]] == [canvas]
    # Grants decide who edits: bob has none, then write through #random (he is in it).
    bob = as_user("U0000000004")
    more = [{"operation": "insert_at_end", "document_content": md("Bob was here.")}]
    fails("canvas_not_found", bob.canvases_edit, canvas_id=canvas, changes=more)
    bot.canvases_access_set(canvas_id=canvas, access_level="read", user_ids=["U0000000004"])
    fails("restricted_action", bob.canvases_edit, canvas_id=canvas, changes=more)
    bot.canvases_access_set(canvas_id=canvas, access_level="write", channel_ids=[RANDOM])
    bob.canvases_edit(canvas_id=canvas, changes=more)
    assert bot.files_info(file=canvas)["file"]["last_editor"] == "U0000000004"
    fails("invalid_arguments", bot.canvases_edit, canvas_id=canvas, changes=more + more)
    bot.canvases_access_delete(canvas_id=canvas, user_ids=["U0000000004"])
    bot.canvases_delete(canvas_id=canvas)
    fails("canvas_not_found", lambda: bot.canvases_delete(canvas_id=canvas))
    channel_canvas = bot.conversations_canvases_create(channel_id=RANDOM, document_content=md("# Hi"))
    assert channel_canvas["canvas_id"].startswith("F"), channel_canvas.data
    fails("channel_canvas_already_exists", lambda: bot.conversations_canvases_create(
        channel_id=RANDOM, document_content=md("again")))


def serve(app):
    """Starts Bolt `app` in HTTP mode on a free loopback port; its Request URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    threading.Thread(target=app.start, kwargs={"port": port, "http_server_logger_enabled": False},
                     daemon=True).start()
    for _ in range(100):  # wait for the server to listen
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return f"http://127.0.0.1:{port}/slack/events"


@scenario
def bolt_app_unfurls_shared_links():
    from slack_bolt import App

    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE))
    shared = []

    @app.event("link_shared")
    def unfurl(event, client):
        shared.append(event)
        unfurls = {link["url"]: {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{link['domain']}*"}}]}
                   for link in event["links"]}
        client.chat_unfurl(unfurl_id=event["unfurl_id"], source=event["source"], unfurls=unfurls)

    admin("POST", "unfurl-domains", {"domains": ["example.com"]})
    admin("POST", "events", {"url": serve(app), "events": ["link_shared"]})
    try:
        alice = as_user("U0000000003")
        posted = alice.chat_postMessage(channel=GENERAL, text="look: https://docs.example.com/a and https://example.org/b")
        for _ in range(100):
            message = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
            if message.get("attachments"):
                break
            time.sleep(0.05)
        assert [link["url"] for link in shared[0]["links"]] == ["https://docs.example.com/a"], shared
        attachment = message["attachments"][0]
        assert attachment["app_unfurl_url"] == "https://docs.example.com/a" and attachment["is_app_unfurl"], attachment
        assert attachment["blocks"][0]["text"]["text"] == "*example.com*", attachment
        again = {"https://docs.example.com/a": {"title": "Doc A", "text": "Updated"}}
        bot.chat_unfurl(channel=GENERAL, ts=posted["ts"], unfurls=again)
        message = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
        assert [a.get("title") for a in message["attachments"]] == ["Doc A"], message
        fails("cannot_unfurl_url", bot.chat_unfurl, channel=GENERAL, ts=posted["ts"],
              unfurls={"https://example.org/b": {"text": "x"}})
        fails("cannot_unfurl_message", bot.chat_unfurl, channel=GENERAL, ts=posted["ts"],
              unfurls={"https://example.com/elsewhere": {"text": "x"}})
        fails("cannot_find_channel", bot.chat_unfurl, channel="C0NOPE", ts=posted["ts"], unfurls=again)
    finally:
        admin("DELETE", "events")


SHIP = {
    "type": "modal", "callback_id": "ship", "notify_on_close": True,
    "title": {"type": "plain_text", "text": "Ship"},
    "submit": {"type": "plain_text", "text": "Go"},
    "blocks": [{"type": "input", "block_id": "t", "label": {"type": "plain_text", "text": "Title"},
                "element": {"type": "plain_text_input", "action_id": "title"}}],
}


@scenario
def bolt_app_takes_commands_actions_shortcuts_options_and_modals():
    from slack_bolt import App

    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE))
    seen = {}

    @app.command("/deploy")
    def deploy(ack, body, client):
        seen["command"] = body
        client.views_open(trigger_id=body["trigger_id"], view=SHIP)
        ack(f"Deploying {body['text']}")

    @app.action("approve")
    def approve(ack, body, respond):
        seen["action"] = body
        respond(replace_original=True, text=f"Approved by <@{body['user']['id']}>")
        ack()

    @app.view("ship")
    def ship(ack, view):
        title = view["state"]["values"]["t"]["title"]["value"]
        if title == "bad":
            ack(response_action="errors", errors={"t": "Not that title"})
        else:
            seen["shipped"] = title
            ack()

    @app.shortcut("new_ticket")
    def new_ticket(ack, shortcut, client):
        client.views_open(trigger_id=shortcut["trigger_id"], view={**SHIP, "callback_id": "ticket"})
        ack()

    @app.shortcut("file_it")
    def file_it(ack, shortcut, respond):
        seen["filed"] = shortcut["message"]["text"]
        respond(text="Filed", response_type="in_channel")
        ack()

    @app.options("ticket")
    def tickets(ack, payload):
        typed = payload["value"]
        ack(options=[{"text": {"type": "plain_text", "text": f"Ticket {typed}"}, "value": f"T-{typed}"}])

    @app.view_closed("ship")
    def closed(ack, body):
        seen["closed"] = body["view"]["id"]
        ack()

    url = serve(app)
    admin("POST", "interactivity", {"url": url, "optionsLoadUrl": url})
    admin("POST", "commands", {"command": "/deploy", "url": url, "description": "Ships it"})

    ran = admin("POST", "interactions/command",
                {"command": "/deploy", "text": "prod", "user": "U0000000003", "channel": GENERAL})
    assert ran["status"] == 200, ran
    assert ran["response"]["responseType"] == "ephemeral", ran
    assert ran["response"]["message"]["text"] == "Deploying prod", ran
    assert seen["command"]["user_id"] == "U0000000003" and seen["command"]["channel_name"] == "general"
    modals = admin("GET", "interactions/modals?user=U0000000003")["views"]
    assert [m["callback_id"] for m in modals] == ["ship"], modals
    view_id = modals[0]["id"]

    refused = admin("POST", "interactions/view-submission",
                    {"viewId": view_id, "user": "U0000000003", "values": {"title": "bad"}})
    assert refused["responseAction"] == "errors" and refused["errors"] == {"t": "Not that title"}, refused
    done = admin("POST", "interactions/view-submission",
                 {"viewId": view_id, "user": "U0000000003", "values": {"title": "v1.2"}})
    assert done["status"] == 200 and done["modals"] == [], done
    assert seen["shipped"] == "v1.2"

    posted = bot.chat_postMessage(channel=GENERAL, text="Ship v1.2?", blocks=[
        {"type": "actions", "block_id": "ship", "elements": [
            {"type": "button", "action_id": "approve", "value": "v1.2",
             "text": {"type": "plain_text", "text": "Approve"}}]}])
    clicked = admin("POST", "interactions/action",
                    {"channel": GENERAL, "ts": posted["ts"], "actionId": "approve", "user": "U0000000003"})
    assert clicked["status"] == 200, clicked
    assert seen["action"]["actions"][0]["value"] == "v1.2"
    edited = bot.conversations_history(channel=GENERAL, latest=posted["ts"], inclusive=True, limit=1)
    assert edited["messages"][0]["text"] == "Approved by <@U0000000003>", edited["messages"][0]

    again = admin("POST", "interactions/command",
                  {"command": "/deploy", "text": "qa", "user": "U0000000003", "channel": GENERAL})
    view_id = admin("GET", "interactions/modals?user=U0000000003")["views"][0]["id"]
    fails("exchanged_trigger_id", bot.views_open, trigger_id=again["triggerId"], view=SHIP)
    dismissed = admin("POST", "interactions/view-closed", {"viewId": view_id, "user": "U0000000003"})
    assert dismissed["notified"] and dismissed["status"] == 200, dismissed
    assert seen["closed"] == view_id

    admin("POST", "shortcuts", {"callbackId": "new_ticket", "type": "global", "name": "New ticket"})
    admin("POST", "shortcuts", {"callbackId": "file_it", "type": "message", "name": "File it"})
    used = admin("POST", "interactions/shortcut", {"callbackId": "new_ticket", "user": "U0000000003"})
    assert used["status"] == 200, used
    modals = admin("GET", "interactions/modals?user=U0000000003")["views"]
    assert [m["callback_id"] for m in modals] == ["ticket"], modals
    used = admin("POST", "interactions/shortcut", {"callbackId": "file_it", "user": "U0000000003",
                                                    "channel": GENERAL, "ts": "1700000100.000100"})
    assert used["status"] == 200 and seen["filed"] == "Welcome to Acme!", used
    latest = bot.conversations_history(channel=GENERAL, limit=1)["messages"][0]
    assert latest["text"] == "Filed" and latest["bot_id"] == "B0000000001", latest

    picker = bot.chat_postMessage(channel=GENERAL, text="Which ticket?", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "Which ticket?"},
         "accessory": {"type": "external_select", "action_id": "ticket",
                       "placeholder": {"type": "plain_text", "text": "Ticket"}}}])
    loaded = admin("POST", "interactions/options", {"channel": GENERAL, "ts": picker["ts"],
                                                     "actionId": "ticket", "user": "U0000000003", "value": "42"})
    assert loaded["status"] == 200 and loaded["options"][0]["value"] == "T-42", loaded



@scenario
def errors_carry_the_fields_the_sdk_exposes():
    """SlackApiError: HTTP 200, ok false, the code; missing_scope names what was needed."""
    reader = WebClient(token=admin("POST", "tokens", {"kind": "bot", "scopes": ["channels:read"]})["token"],
                       base_url=BASE)
    try:
        reader.chat_postMessage(channel=GENERAL, text="x")
        raise AssertionError("a token without chat:write posted")
    except SlackApiError as e:
        assert e.response.status_code == 200 and e.response["ok"] is False, e.response
        assert e.response["error"] == "missing_scope" and e.response["needed"] == "chat:write", e.response
        assert e.response["provided"] == "channels:read", e.response
        assert "missing_scope" in str(e)
    assert reader.conversations_info(channel=GENERAL)["channel"]["name"] == "general"


@scenario
def rate_limited_calls_raise_or_are_retried():
    """Slack's 429 with Retry-After: SlackApiError without a retry handler, a success after
    RateLimitErrorRetryHandler waited (chat.postMessage: one a second per channel)."""
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    admin("POST", "rate-limits", {"enabled": True})
    try:
        bot.chat_postMessage(channel=GENERAL, text="first")
        try:
            for _ in range(3):  # the posts may straddle a second
                bot.chat_postMessage(channel=GENERAL, text="too soon")
            raise AssertionError("no post was rate limited")
        except SlackApiError as e:
            assert e.response.status_code == 429 and e.response["error"] == "ratelimited", e.response
            assert e.response.headers["Retry-After"] == "1", e.response.headers
        patient = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE)
        patient.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        texts = [patient.chat_postMessage(channel=GENERAL, text=f"patient {n}")["message"]["text"]
                 for n in range(3)]
        assert texts == ["patient 0", "patient 1", "patient 2"], texts
    finally:
        admin("POST", "rate-limits", {"enabled": False})


@scenario
def bolt_app_hears_messages_and_mentions():
    """Events API: Bolt's message and app_mention listeners, say() in the thread, and
    slack_sdk's SignatureVerifier on the raw request."""
    from slack_bolt import App
    from slack_sdk.signature import SignatureVerifier

    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE))
    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])
    heard = {}

    @app.message("hello")
    def greet(message, say, request):
        heard["verified"] = verifier.is_valid_request(
            request.raw_body, {k: v[0] for k, v in request.headers.items()})
        heard["message"] = message
        say(text=f"Hi <@{message['user']}>", thread_ts=message["ts"])

    @app.event("app_mention")
    def mentioned(event):
        heard["mention"] = event

    @app.event("reaction_added")
    def reacted(event):
        heard["reaction"] = event

    admin("POST", "events", {"url": serve(app),
                             "events": ["message.channels", "app_mention", "reaction_added"]})
    try:
        alice = as_user("U0000000003")
        asked = alice.chat_postMessage(channel=GENERAL, text="hello <@U0000000002>")["ts"]
        alice.reactions_add(channel=GENERAL, timestamp=asked, name="wave")
        for _ in range(100):
            replies = bot.conversations_replies(channel=GENERAL, ts=asked)["messages"]
            if len(replies) == 2 and {"mention", "reaction"} <= heard.keys():
                break
            time.sleep(0.05)
        assert [m["text"] for m in replies] == ["hello <@U0000000002>", "Hi <@U0000000003>"], replies
        assert heard["verified"] is True
        assert heard["message"]["channel"] == GENERAL and heard["message"]["user"] == "U0000000003"
        assert heard["mention"]["ts"] == asked and heard["mention"]["text"] == "hello <@U0000000002>"
        assert heard["reaction"]["reaction"] == "wave" and heard["reaction"]["item"]["ts"] == asked
        assert not verifier.is_valid_request(b'{"forged":true}', {
            "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"})
    finally:
        admin("DELETE", "events")


@scenario
def socket_mode_client_receives_and_acks():
    """Socket Mode: slack_sdk's SocketModeClient (its builtin WebSocket client) opens a
    connection with the app-level token, receives an events_api envelope and acks it, and
    answers a slash command in its ack."""
    from slack_sdk.socket_mode.response import SocketModeResponse

    fails("not_allowed_token_type", bot.apps_connections_open, app_token=os.environ["SLACK_BOT_TOKEN"])
    heard = {}
    seen, refreshed = threading.Event(), threading.Event()

    def listener(client, req):
        if req.type == "slash_commands":
            heard["command"] = req.payload
            answer = {"response_type": "in_channel", "text": f"deploying {req.payload['text']}"}
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id, payload=answer))
            return
        client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
        if req.type == "events_api" and req.payload["event"].get("text") == "over the socket":
            heard["event"], heard["retry"] = req.payload, req.retry_attempt
            seen.set()
        if req.type == "events_api" and req.payload["event"].get("text") == "after the refresh":
            refreshed.set()

    with socket_mode({}, listener):
        # A command without a URL: Socket Mode is on, so it goes over the socket.
        admin("POST", "commands", {"command": "/deploy"})
        alice = as_user("U0000000003")
        alice.chat_postMessage(channel=GENERAL, text="over the socket")
        assert seen.wait(10), "the event came over the socket"
        assert heard["event"]["type"] == "event_callback" and heard["event"]["api_app_id"] == "A0000000001"
        assert heard["event"]["event"]["user"] == "U0000000003" and heard["retry"] == 0
        # The envelope's event_context names the installations it is visible to.
        context = heard["event"]["event_context"]
        reader = WebClient(token=admin("POST", "tokens", {"kind": "app", "scopes": ["authorizations:read"]})["token"],
                           base_url=BASE)
        listed = reader.apps_event_authorizations_list(event_context=context)["authorizations"]
        assert listed == heard["event"]["authorizations"], listed
        fails("invalid_event_context", reader.apps_event_authorizations_list, event_context="4-nope")
        fails("missing_scope", WebClient(token=os.environ["SLACK_APP_TOKEN"], base_url=BASE)
              .apps_event_authorizations_list, event_context=context)
        fails("not_allowed_token_type", bot.apps_event_authorizations_list, event_context=context)
        ran = admin("POST", "interactions/command",
                    {"command": "/deploy", "text": "prod", "user": "U0000000003", "channel": GENERAL})
        assert heard["command"]["command"] == "/deploy" and heard["command"]["user_id"] == "U0000000003"
        assert ran["response"]["message"]["text"] == "deploying prod", ran
        for _ in range(100):
            envelopes = admin("GET", "socket-mode/envelopes")["envelopes"]
            if all(e["status"] == "acked" for e in envelopes):
                break
            time.sleep(0.05)
        assert any(e["event"]["text"] == "over the socket" for e in envelopes), envelopes
        assert all(e["status"] == "acked" for e in envelopes), envelopes
        # Slack's refresh: the `warning` disconnect, then `refresh_requested`; the client opens
        # a new connection each time and keeps hearing events.
        assert admin("POST", "socket-mode/refresh", {"warningMs": 200})["disconnected"] == 1
        alice.chat_postMessage(channel=GENERAL, text="after the refresh")
        assert refreshed.wait(15), "an event came over the new connection"


@scenario
def socket_mode_debug_reconnects():
    """Socket Mode's debug_reconnects=true (appended to the WebSocket URL, as Slack's docs
    suggest while developing): the clone's connection is short-lived (debugConnectionMs here,
    Slack's 360 s by default) and refreshed; SocketModeClient reconnects each time and keeps
    hearing events. An envelope sent as a connection closes is lost and retried, as Slack
    retries an unacked one: here within a second (Slack's own retries wait a minute, then five)."""
    from slack_sdk.socket_mode import SocketModeClient
    from slack_sdk.socket_mode.response import SocketModeResponse

    opened = []

    class DebugReconnects(SocketModeClient):
        def issue_new_wss_url(self):
            opened.append(1)
            return super().issue_new_wss_url() + "&debug_reconnects=true"

    heard = threading.Event()

    def listener(client, req):
        client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
        if req.type == "events_api" and req.payload["event"].get("text") == "after debug reconnects":
            heard.set()

    settings = {"debugConnectionMs": 1000, "retryDelaysMs": [0, 200, 400, 800, 1600], "ackTimeoutMs": 1000}
    with socket_mode(settings, listener, DebugReconnects):
        for _ in range(200):
            if len(opened) >= 3:
                break
            time.sleep(0.05)
        assert len(opened) >= 3, f"reconnected {len(opened) - 1} times"
        as_user("U0000000003").chat_postMessage(channel=GENERAL, text="after debug reconnects")
        assert heard.wait(15), "an event came over a later connection"


@scenario
def token_rotation():
    """Token rotation: an install answers an expiring xoxe.xoxb- token with refresh_token and
    expires_in; once expired it raises token_expired; grant_type=refresh_token mints a new
    one; oauth.v2.exchange trades a long-lived token."""
    oauth = admin("GET", "oauth")
    client_id, client_secret = oauth["clientId"], oauth["clientSecret"]
    anon = WebClient(base_url=BASE)
    admin("POST", "oauth/rotation", {"enabled": True})
    try:
        code = admin("POST", "oauth/codes", {"scopes": ["chat:write"]})["code"]
        got = anon.oauth_v2_access(client_id=client_id, client_secret=client_secret, code=code)
        token = got["access_token"]
        assert token.startswith("xoxe.xoxb-") and got["expires_in"] == 43200, got.data
        assert got["refresh_token"].startswith("xoxe-1-"), got.data
        admin("POST", "tokens/expire", {"token": token})
        fails("token_expired", WebClient(token=token, base_url=BASE).auth_test)
        refreshed = anon.oauth_v2_access(client_id=client_id, client_secret=client_secret,
                                         grant_type="refresh_token", refresh_token=got["refresh_token"])
        assert refreshed["token_type"] == "bot" and refreshed["access_token"] != token
        assert WebClient(token=refreshed["access_token"], base_url=BASE).auth_test()["user_id"] == "U0000000002"
        # The bot's long-lived token (the user token is revoked by an earlier scenario).
        traded = anon.oauth_v2_exchange(token=os.environ["SLACK_BOT_TOKEN"], client_id=client_id,
                                        client_secret=client_secret)
        assert traded["access_token"].startswith("xoxe.xoxb-") and traded["expires_in"] == 43200
        fails("invalid_refresh_token", anon.oauth_v2_access, client_id=client_id, client_secret=client_secret,
              grant_type="refresh_token", refresh_token="xoxe-1-nope")
        # A refresh and an exchange check in one order: the client before what is presented.
        fails("bad_client_secret", anon.oauth_v2_access, client_id=client_id, client_secret="nope",
              grant_type="refresh_token", refresh_token="xoxe-1-nope")
        fails("bad_client_secret", anon.oauth_v2_exchange, token="xoxb-nope", client_id=client_id,
              client_secret="nope")
        fails("invalid_auth", anon.oauth_v2_exchange, token="xoxb-nope", client_id=client_id,
              client_secret=client_secret)
    finally:
        admin("POST", "oauth/rotation", {"enabled": False})


@scenario
def twenty_calls_at_once():
    """Twenty calls from a thread pool: each channel made; of one name, one archive, one delete,
    exactly one succeeds."""
    from concurrent.futures import ThreadPoolExecutor

    def outcome(call, **args):
        try:
            return call(**args)["ok"]
        except SlackApiError as e:
            return e.response["error"]

    def twenty(call, **args):
        with ThreadPoolExecutor(20) as pool:
            return sorted(map(str, pool.map(lambda _: outcome(call, **args), range(20))))

    with ThreadPoolExecutor(20) as pool:
        names = [f"py-at-once-{n}" for n in range(20)]
        made = pool.map(lambda name: bot.conversations_create(name=name)["channel"]["name"], names)
        assert list(made) == names
    assert twenty(bot.conversations_create, name="py-one-name") == ["True"] + ["name_taken"] * 19
    channel = bot.conversations_create(name="py-archived-once")["channel"]["id"]
    assert twenty(bot.conversations_archive, channel=channel) == ["True"] + ["already_archived"] * 19
    ts = bot.chat_postMessage(channel=GENERAL, text="gone soon")["ts"]
    assert twenty(bot.chat_delete, channel=GENERAL, ts=ts) == ["True"] + ["message_not_found"] * 19


@scenario
def async_web_client():
    """slack_sdk's AsyncWebClient (aiohttp): the same calls, its async paginator and errors."""
    import asyncio

    from slack_sdk.web.async_client import AsyncWebClient

    async def run():
        client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=BASE)
        assert (await client.auth_test())["user_id"] == "U0000000002"
        posted = await client.chat_postMessage(channel=GENERAL, text="from asyncio")
        assert posted["message"]["text"] == "from asyncio"
        members = [m async for page in await client.conversations_members(channel=GENERAL, limit=2)
                   for m in page["members"]]
        assert len(members) == 5, members
        uploaded = await client.files_upload_v2(channel=GENERAL, content="abc", filename="a.txt")
        assert uploaded["file"]["size"] == 3, uploaded["file"]
        made = await asyncio.gather(*[client.conversations_create(name=f"py-async-{n}") for n in range(10)])
        assert [m["channel"]["name"] for m in made] == [f"py-async-{n}" for n in range(10)]
        try:
            await client.conversations_info(channel="C0NOPE")
            raise AssertionError("an unknown channel was found")
        except SlackApiError as e:
            assert e.response["error"] == "channel_not_found", e.response

    asyncio.run(run())


@scenario
def slack_lists():
    """slackLists.create with a schema, items.create/update/info/list/delete(Multiple),
    update, download.start/get (the CSV served at its URL), access.set/delete; Slack's
    errors, and missing_scope for a token without the lists scopes."""
    import urllib.request

    token = admin("POST", "tokens", {"kind": "bot", "scopes": ["lists:read", "lists:write"]})["token"]
    lists = WebClient(token=token, base_url=BASE)

    def rich(text):
        return [{"type": "rich_text", "elements": [{"type": "rich_text_section",
                                                    "elements": [{"type": "text", "text": text}]}]}]

    created = lists.slackLists_create(name="Roadmap", description_blocks=rich("Next quarter"), schema=[
        {"key": "title", "name": "Title", "type": "text", "is_primary_column": True},
        {"key": "stage", "name": "Stage", "type": "select", "options": {"choices": [
            {"value": "idea", "label": "Idea", "color": "blue"}, {"value": "built", "label": "Built", "color": "green"}]}},
        {"key": "done", "name": "Done", "type": "checkbox"},
    ])
    list_id = created["list_id"]
    cols = {c["key"]: c["id"] for c in created["list_metadata"]["schema"]}
    assert list_id.startswith("F") and cols["title"].startswith("Col"), created.data
    item = lists.slackLists_items_create(list_id=list_id, initial_fields=[
        {"column_id": cols["title"], "rich_text": rich("Dark mode")},
        {"column_id": cols["stage"], "select": ["idea"]}])["item"]
    assert item["id"].startswith("Rec") and item["fields"][0]["text"] == "Dark mode", item
    other = lists.slackLists_items_create(list_id=list_id, duplicated_item_id=item["id"])["item"]
    lists.slackLists_items_update(list_id=list_id, cells=[
        {"row_id": item["id"], "column_id": cols["stage"], "select": ["built"]},
        {"row_id": item["id"], "column_id": cols["done"], "checkbox": True}])
    info = lists.slackLists_items_info(list_id=list_id, id=item["id"], include_is_subscribed=True)
    assert [f["value"] for f in info["record"]["fields"]] == ["Dark mode", "built", True], info.data
    assert info["list"]["filetype"] == "list" and info["list"]["title"] == "Roadmap", info["list"]
    page = lists.slackLists_items_list(list_id=list_id, limit=1)
    assert [i["id"] for i in page["items"]] == [item["id"]], page.data
    rest = lists.slackLists_items_list(list_id=list_id, cursor=page["response_metadata"]["next_cursor"])
    assert [i["id"] for i in rest["items"]] == [other["id"]] and rest["response_metadata"]["next_cursor"] == ""
    lists.slackLists_update(id=list_id, name="Roadmap 2027", todo_mode=True)
    job = lists.slackLists_download_start(list_id=list_id)["job_id"]
    got = lists.slackLists_download_get(list_id=list_id, job_id=job)
    assert got["status"] == "completed", got.data
    request = urllib.request.Request(got["download_url"], headers={"Authorization": f"Bearer {token}"})
    csv = urllib.request.urlopen(request).read().decode()
    assert csv.splitlines()[:2] == ["Title,Stage,Done,Completed,Assignee,Due date", "Dark mode,built,true,,,"], csv
    # Access: alice sees nothing until granted, then reads but may not write.
    alice = WebClient(token=admin("POST", "tokens", {"kind": "user", "user": "U0000000003",
                                                     "scopes": ["lists:read", "lists:write"]})["token"], base_url=BASE)
    fails("list_not_found", alice.slackLists_items_list, list_id=list_id)
    lists.slackLists_access_set(list_id=list_id, access_level="read", user_ids=["U0000000003"])
    assert len(alice.slackLists_items_list(list_id=list_id)["items"]) == 2
    fails("permission_denied", alice.slackLists_items_delete, list_id=list_id, id=item["id"])
    lists.slackLists_access_delete(list_id=list_id, user_ids=["U0000000003"])
    fails("list_not_found", alice.slackLists_items_list, list_id=list_id)
    lists.slackLists_items_deleteMultiple(list_id=list_id, ids=[other["id"]])
    lists.slackLists_items_delete(list_id=list_id, id=item["id"])
    fails("record_deleted", lists.slackLists_items_info, list_id=list_id, id=item["id"])
    # Errors.
    chatty = WebClient(token=admin("POST", "tokens", {"kind": "bot", "scopes": ["chat:write"]})["token"], base_url=BASE)
    fails("missing_scope", chatty.slackLists_create, name="Nope")
    assert bot.slackLists_items_list(list_id=list_id)["items"] == []  # the provisioned bot holds them
    fails("invalid_copy_and_schema_args", lists.slackLists_create, name="X", copy_from_list_id=list_id, schema=[])
    fails("invalid_primary_column", lists.slackLists_create, name="X",
          schema=[{"key": "n", "name": "N", "type": "number", "is_primary_column": True}])
    fails("invalid_option_id", lists.slackLists_items_create, list_id=list_id,
          initial_fields=[{"column_id": cols["stage"], "select": ["shipped"]}])
    fails("row_not_found", lists.slackLists_items_update, list_id=list_id,
          cells=[{"row_id": item["id"], "column_id": cols["done"], "checkbox": False}])
    fails("missing_arguments", lists.slackLists_update, id=list_id)
    fails("job_not_found", lists.slackLists_download_get, list_id=list_id, job_id="LE0NOPE")
    fails("invalid_parameters", lists.slackLists_access_set, list_id=list_id, access_level="read")
    fails("list_not_found", lists.slackLists_items_list, list_id="F0NOPE")


@scenario
def uninstalling_the_app():
    """Last: apps.uninstall, with the app's client id and secret, revokes every token of the
    install."""
    client = admin("GET", "oauth")
    fails("bad_client_secret", bot.apps_uninstall, client_id=client["clientId"], client_secret="nope")
    fails("invalid_client_id", bot.apps_uninstall, client_id="1.2", client_secret=client["clientSecret"])
    alice = as_user("U0000000003")
    assert bot.apps_uninstall(client_id=client["clientId"], client_secret=client["clientSecret"])["ok"]
    fails("token_revoked", bot.auth_test)
    fails("token_revoked", alice.auth_test)


finish(f"python slack_sdk {slack_sdk_version}")
