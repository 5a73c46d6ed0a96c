// Slack's Node SDKs (@slack/web-api, @slack/bolt) against an asym Slack clone, unmodified but
// for slackApiUrl. Env: SLACK_API_URL (endpoints.api + "/"), SLACK_BOT_TOKEN, SLACK_USER_TOKEN,
// SLACK_SIGNING_SECRET, SLACK_APP_TOKEN (Socket Mode), ASYM_ADMIN_URL and ASYM_ADMIN_SECRET (the clone's admin surface, exported
// by scripts/sdk-lib.sh); seed `basic`. The interactivity scenario runs a Bolt app in HTTP mode
// on loopback. Runs each scenario through the shared runner (scripts/sdk/check.mjs): one line
// each, the count at the end, non-zero when any fails.

import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import bolt from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import { ErrorCode, LogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import { admin, check, finish } from './check.mjs';

const slackApiUrl = process.env.SLACK_API_URL;
const options = { slackApiUrl, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } };
const bot = new WebClient(process.env.SLACK_BOT_TOKEN, options);
const user = new WebClient(process.env.SLACK_USER_TOKEN, options);
const GENERAL = 'C0000000001';
const RANDOM = 'C0000000002';

async function fails(code, promise) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.data?.error, code, `expected ${code}, got ${error.data?.error ?? error}`);
    return error.data;
  }
  throw new Error(`expected ${code}, the call succeeded`);
}

await check('auth and meta', async () => {
  const me = await bot.auth.test();
  assert.equal(me.user_id, 'U0000000002');
  assert.equal(me.bot_id, 'B0000000001');
  assert.equal((await user.auth.test()).user_id, 'U0000000001');
  assert.equal((await bot.api.test({ foo: 'bar' })).args.foo, 'bar');
  assert.equal((await bot.team.info()).team.domain, 'acme');
  const prefsToken = (await admin('POST', 'tokens', { kind: 'bot', scopes: ['team.preferences:read'] })).token;
  const prefs = await new WebClient(prefsToken, options).team.preferences.list();
  assert.deepEqual([prefs.msg_edit_window_mins, prefs.display_real_names, prefs.disable_file_uploads], [-1, false, 'allow_all']);
  await fails('missing_scope', bot.team.preferences.list());
  assert.equal((await bot.bots.info({ bot: 'B0000000001' })).bot.user_id, 'U0000000002');
  await fails('bot_not_found', bot.bots.info({ bot: 'B999' }));
  assert.deepEqual((await user.emoji.list()).emoji, {});
  assert.deepEqual((await bot.team.profile.get()).profile.fields, []);
  await fails('invalid_auth', new WebClient('xoxb-1-2-nope', options).auth.test());
});

// @slack/web-api sends a form body: a number or an object arrives as its text.
await check('text that is not a string', async () => {
  const posted = await bot.chat.postMessage({ channel: GENERAL, text: 42 });
  assert.equal(posted.message.text, '42');
  const updated = await bot.chat.update({ channel: GENERAL, ts: posted.ts, text: { a: 1 } });
  assert.equal(updated.text, '{"a":1}');
  const { messages } = await bot.conversations.history({ channel: GENERAL, limit: 1 });
  assert.equal(messages[0].text, '{"a":1}');
});

await check('chat', async () => {
  const posted = await bot.chat.postMessage({
    channel: '#general',
    text: 'deploy done',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*deploy* done' } }],
    attachments: [{ text: 'details', color: '#36a64f' }],
    mrkdwn: true,
  });
  assert.equal(posted.channel, GENERAL);
  assert.equal(posted.message.attachments[0].color, '#36a64f');
  assert.equal(posted.message.bot_profile.user_id, 'U0000000002');
  assert.ok(posted.message.bot_profile.icons.image_72);
  const reply = await bot.chat.postMessage({ channel: GENERAL, text: 'in thread', thread_ts: posted.ts });
  assert.equal(reply.message.thread_ts, posted.ts);
  const updated = await bot.chat.update({ channel: GENERAL, ts: posted.ts, text: 'edited' });
  assert.equal(updated.text, 'edited');
  const { permalink } = await bot.chat.getPermalink({ channel: GENERAL, message_ts: reply.ts });
  assert.match(permalink, /thread_ts=/);
  assert.ok((await bot.chat.postEphemeral({ channel: GENERAL, user: 'U0000000004', text: 'psst' })).message_ts);
  await bot.chat.delete({ channel: GENERAL, ts: reply.ts });
  await fails('message_not_found', bot.chat.delete({ channel: GENERAL, ts: reply.ts }));
  await fails('cant_update_message', bot.chat.update({ channel: GENERAL, ts: '1700000100.000100', text: 'x' }));
  await fails('not_in_channel', bot.chat.postMessage({ channel: RANDOM, text: 'x' }));
  await fails('no_text', bot.chat.postMessage({ channel: GENERAL, text: '' }));
  await fails('channel_not_found', bot.chat.postMessage({ channel: 'C0NOPE', text: 'x' }));
  const bad = await fails('invalid_blocks', bot.chat.postMessage({
    channel: GENERAL, text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }],
  }));
  assert.deepEqual(bad.response_metadata.messages,
    ['[ERROR] must be a plain_text text object [json-pointer:/blocks/0/text]']);

  const now = Math.floor(Date.now() / 1000);
  const scheduled = await bot.chat.scheduleMessage({ channel: GENERAL, text: 'later', post_at: now + 3600 });
  const listed = await bot.chat.scheduledMessages.list({ channel: GENERAL });
  assert.deepEqual(listed.scheduled_messages.map((m) => m.id), [scheduled.scheduled_message_id]);
  await bot.chat.deleteScheduledMessage({ channel: GENERAL, scheduled_message_id: scheduled.scheduled_message_id });
  await fails('time_in_past', bot.chat.scheduleMessage({ channel: GENERAL, text: 'x', post_at: now - 10 }));
  await fails('invalid_scheduled_message_id',
    bot.chat.deleteScheduledMessage({ channel: GENERAL, scheduled_message_id: 'Q0NOPE' }));
});

await check('conversations', async () => {
  const all = [];
  for await (const page of user.paginate('conversations.list', { limit: 1 })) {
    all.push(...page.channels.map((c) => c.name));
  }
  assert.deepEqual(all, ['general', 'random']);
  const info = await bot.conversations.info({ channel: GENERAL, include_num_members: true });
  assert.equal(info.channel.num_members, 5);
  const history = await user.conversations.history({ channel: GENERAL, limit: 2 });
  assert.equal(history.messages.length, 2);
  assert.equal(history.has_more, true);
  const next = await user.conversations.history({ channel: GENERAL, limit: 2, cursor: history.response_metadata.next_cursor });
  assert.ok(next.messages[0].ts < history.messages[1].ts);
  const replies = await user.conversations.replies({ channel: GENERAL, ts: '1700000200.000200' });
  assert.equal(replies.messages[0].reply_count, 1);
  const members = [];
  for await (const page of bot.paginate('conversations.members', { channel: GENERAL, limit: 2 })) {
    members.push(...page.members);
  }
  assert.equal(members.length, 5);
  await fails('not_in_channel', bot.conversations.history({ channel: RANDOM }));
  await fails('invalid_cursor', user.conversations.list({ cursor: 'bm9wZQ==' }));

  const created = await bot.conversations.create({ name: 'sdk-node', is_private: false });
  const id = created.channel.id;
  await fails('name_taken', bot.conversations.create({ name: 'sdk-node' }));
  await fails('invalid_name_specials', bot.conversations.create({ name: 'Not Valid' }));
  await bot.conversations.invite({ channel: id, users: 'U0000000003,U0000000004' });
  await fails('already_in_channel', bot.conversations.invite({ channel: id, users: 'U0000000003' }));
  await bot.conversations.kick({ channel: id, user: 'U0000000004' });
  await fails('cant_kick_self', bot.conversations.kick({ channel: id, user: 'U0000000002' }));
  assert.equal((await bot.conversations.rename({ channel: id, name: 'sdk-node-2' })).channel.name, 'sdk-node-2');
  await bot.conversations.setTopic({ channel: id, topic: 'T' });
  await bot.conversations.setPurpose({ channel: id, purpose: 'P' });
  await bot.conversations.mark({ channel: id, ts: '1700000000.000001' });
  await bot.conversations.archive({ channel: id });
  await fails('already_archived', bot.conversations.archive({ channel: id }));
  await bot.conversations.unarchive({ channel: id });
  await fails('not_archived', bot.conversations.unarchive({ channel: id }));
  await bot.conversations.join({ channel: RANDOM });
  const again = await bot.conversations.join({ channel: RANDOM });
  assert.deepEqual(again.response_metadata.warnings, ['already_in_channel']);
  await bot.conversations.leave({ channel: RANDOM });
  await fails('cant_leave_general', bot.conversations.leave({ channel: GENERAL }));
  const dm = await bot.conversations.open({ users: 'U0000000005' });
  assert.match(dm.channel.id, /^D/);
  assert.equal((await bot.conversations.open({ users: 'U0000000005' })).already_open, true);
  await fails('user_not_found', bot.conversations.open({ users: 'U0NOPE' }));
  const mine = await bot.users.conversations({ types: 'public_channel,im' });
  assert.ok(mine.channels.some((c) => c.id === dm.channel.id));
});

await check('system messages', async () => {
  // What Slack posts into a channel as people come and go and its settings change.
  const { channel } = await user.conversations.create({ name: 'sdk-node-system', is_private: true });
  await user.conversations.invite({ channel: channel.id, users: 'U0000000002' });
  await bot.conversations.setTopic({ channel: channel.id, topic: 'Pager rota' });
  await user.conversations.rename({ channel: channel.id, name: 'sdk-node-system-2' });
  await user.conversations.setPurpose({ channel: channel.id, purpose: 'On call' });
  await bot.conversations.leave({ channel: channel.id });
  await user.conversations.archive({ channel: channel.id });
  const messages = [];
  for await (const page of user.paginate('conversations.history', { channel: channel.id, limit: 2 })) {
    messages.push(...page.messages);
  }
  messages.reverse();
  assert.deepEqual(messages.map((m) => [m.subtype, m.user]), [
    ['channel_join', 'U0000000001'],
    ['channel_join', 'U0000000002'],
    ['channel_topic', 'U0000000002'],
    ['channel_name', 'U0000000001'],
    ['channel_purpose', 'U0000000001'],
    ['channel_leave', 'U0000000002'],
    ['channel_archive', 'U0000000001'],
  ]);
  assert.equal(messages[1].inviter, 'U0000000001');
  assert.equal(messages[1].text, '<@U0000000002> has joined the channel');
  assert.equal(messages[2].topic, 'Pager rota');
  assert.equal(messages[2].text, '<@U0000000002> set the channel topic: Pager rota');
  assert.equal(messages[3].old_name, 'sdk-node-system');
  assert.equal(messages[3].name, 'sdk-node-system-2');
  assert.equal(messages[3].text, '<@U0000000001> has renamed the channel from "sdk-node-system" to "sdk-node-system-2"');
  assert.equal(messages[4].purpose, 'On call');
  assert.equal(messages[5].text, '<@U0000000002> has left the channel');
  assert.equal(messages[6].text, '<@U0000000001> archived the channel');
  // The bot no longer sees the private channel it left.
  await fails('channel_not_found', bot.conversations.history({ channel: channel.id }));
});

await check('users', async () => {
  const names = [];
  for await (const page of bot.paginate('users.list', { limit: 2 })) {
    names.push(...page.members.map((m) => m.name));
  }
  assert.ok(['admin', 'alice', 'bob', 'carol', 'asym', 'slackbot'].every((n) => names.includes(n)), names.join());
  assert.equal((await bot.users.info({ user: 'U0000000003' })).user.real_name, 'Alice Archer');
  assert.equal((await bot.users.info({ user: 'U0000000003', include_locale: true })).user.locale, 'en-US');
  assert.equal((await bot.users.lookupByEmail({ email: 'carol@acme.test' })).user.id, 'U0000000005');
  await fails('users_not_found', bot.users.lookupByEmail({ email: 'nobody@acme.test' }));
  await fails('user_not_found', bot.users.info({ user: 'U0NOPE' }));
  assert.equal((await bot.users.profile.get({ user: 'U0000000004' })).profile.real_name, 'Bob Baker');
  assert.equal((await bot.users.getPresence({ user: 'U0000000004' })).presence, 'active');
});

await check('reactions and pins', async () => {
  const target = { channel: GENERAL, timestamp: '1700000100.000100' };
  await bot.reactions.add({ ...target, name: 'thumbsup' });
  await fails('already_reacted', bot.reactions.add({ ...target, name: 'thumbsup' }));
  const got = await bot.reactions.get(target);
  assert.equal(got.message.reactions[0].count, 1);
  assert.match(got.message.permalink, /\/archives\/C0000000001\/p1700000100000100$/);
  await bot.reactions.remove({ ...target, name: 'thumbsup' });
  await fails('no_reaction', bot.reactions.remove({ ...target, name: 'thumbsup' }));
  await bot.pins.add(target);
  await fails('already_pinned', bot.pins.add(target));
  assert.equal((await bot.pins.list({ channel: GENERAL })).items.length, 1);
  await bot.pins.remove(target);
  await fails('no_pin', bot.pins.remove(target));
});

await check('files', async () => {
  const done = await bot.filesUploadV2({
    channel_id: GENERAL,
    content: 'hello from node',
    filename: 'hello.txt',
    title: 'Hello',
    initial_comment: 'A file',
  });
  const file = done.files[0].files[0];
  assert.equal(file.title, 'Hello');
  assert.equal(file.size, 15);
  const info = await bot.files.info({ file: file.id });
  assert.deepEqual(info.file.channels, [GENERAL]);
  const listed = await bot.files.list({ channel: GENERAL });
  assert.deepEqual(listed.files.map((f) => f.id), [file.id]);
  await bot.files.delete({ file: file.id });
  await fails('file_deleted', bot.files.info({ file: file.id }));
  await fails('file_not_found', bot.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }] }));
});

await check('pagination helpers', async () => {
  const pages = async (client, method, args) => {
    const out = [];
    for await (const page of client.paginate(method, args)) out.push(page);
    return out;
  };
  const history = (await pages(user, 'conversations.history', { channel: GENERAL, limit: 2 }))
    .flatMap((p) => p.messages.map((m) => m.ts));
  assert.ok(history.length >= 4 && new Set(history).size === history.length, history.join());
  const thread = (await pages(user, 'conversations.replies', { channel: GENERAL, ts: '1700000200.000200', limit: 1 }))
    .flatMap((p) => p.messages.map((m) => m.ts));
  assert.deepEqual(thread.slice(0, 2), ['1700000200.000200', '1700000250.000100']);
  const mine = (await pages(user, 'users.conversations', { limit: 1 })).flatMap((p) => p.channels.map((c) => c.id));
  assert.deepEqual(mine.slice(0, 2), [GENERAL, RANDOM]);
  const names = await user.paginate('conversations.list', { limit: 1 }, () => false,
    (acc, page) => (acc ?? []).concat(page.channels.map((c) => c.name)));
  assert.deepEqual(names.slice(0, 2), ['general', 'random']);
});

await check('direct messages by user id', async () => {
  const first = await bot.chat.postMessage({ channel: 'U0000000004', text: 'hello bob' });
  assert.match(first.channel, /^D/);
  assert.equal((await bot.chat.postMessage({ channel: 'U0000000004', text: 'again' })).channel, first.channel);
  const { messages } = await bot.conversations.history({ channel: first.channel });
  assert.deepEqual(messages.map((m) => m.text), ['again', 'hello bob']);
  await fails('channel_not_found', bot.chat.postMessage({ channel: 'U0NOPE', text: 'x' }));
  const me = await bot.chat.meMessage({ channel: GENERAL, text: 'waves' });
  const newest = (await bot.conversations.history({ channel: GENERAL, limit: 1 })).messages[0];
  assert.deepEqual([newest.ts, newest.subtype], [me.ts, 'me_message']);
  await bot.conversations.close({ channel: first.channel });
  assert.equal((await bot.conversations.close({ channel: first.channel })).already_closed, true);
});

await check('reactions list', async () => {
  for (const timestamp of ['1700000100.000100', '1700000300.000300']) {
    await bot.reactions.add({ channel: GENERAL, timestamp, name: 'eyes' });
  }
  const items = [];
  for await (const page of bot.paginate('reactions.list', { limit: 1 })) items.push(...page.items);
  assert.deepEqual(items.map((i) => i.message.ts), ['1700000300.000300', '1700000100.000100']);
  const paged = await user.reactions.list({ user: 'U0000000002', count: 1, page: 2 });
  assert.deepEqual(paged.paging, { count: 1, total: 2, page: 2, pages: 2 });
});

await check('profile and presence', async () => {
  const set = await user.users.profile.set({ profile: { status_text: 'riding a train', status_emoji: ':train:' } });
  assert.equal(set.profile.status_text, 'riding a train');
  await user.users.profile.set({ name: 'title', value: 'Chief' });
  const { profile } = await bot.users.profile.get({ user: 'U0000000001' });
  assert.deepEqual([profile.status_emoji, profile.title], [':train:', 'Chief']);
  await fails('not_allowed_token_type', bot.users.profile.set({ profile: { status_text: 'x' } }));
  await user.users.setPresence({ presence: 'away' });
  assert.equal((await bot.users.getPresence({ user: 'U0000000001' })).presence, 'away');
  await user.users.setPresence({ presence: 'auto' });
  await fails('invalid_presence', user.users.setPresence({ presence: 'busy' }));
});

await check('profile photos', async () => {
  // @slack/web-api sends users.setPhoto as multipart, its image a Buffer.
  const set = await user.users.setPhoto({ image: png(512, 512), crop_x: 0, crop_y: 0, crop_w: 512 });
  const { profile } = await bot.users.profile.get({ user: 'U0000000001' });
  assert.ok(profile.is_custom_image && profile.image_72.endsWith('_72.png'), JSON.stringify(profile));
  assert.equal(set.profile.image_72, profile.image_72);
  assert.equal(set.profile.avatar_hash, profile.avatar_hash);
  const got = await fetch(profile.image_72);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), png(512, 512));
  await fails('bad_image', user.users.setPhoto({ image: Buffer.from('not an image') }));
  await fails('too_large', user.users.setPhoto({ image: png(20000, 10) }));
  await fails('not_allowed_token_type', bot.users.setPhoto({ image: png(100, 100) }));
  assert.equal((await user.users.deletePhoto()).ok, true);
  assert.equal((await bot.users.profile.get({ user: 'U0000000001' })).profile.is_custom_image, undefined);
});

await check('usergroups', async () => {
  const { usergroup } = await bot.usergroups.create({ name: 'On Call', handle: 'oncall', channels: GENERAL });
  assert.match(usergroup.id, /^S/);
  await fails('name_already_exists', bot.usergroups.create({ name: 'On Call' }));
  const updated = await bot.usergroups.users.update({ usergroup: usergroup.id, users: 'U0000000004,U0000000003' });
  assert.deepEqual(updated.usergroup.users, ['U0000000003', 'U0000000004']);
  assert.deepEqual((await bot.usergroups.users.list({ usergroup: usergroup.id })).users, ['U0000000003', 'U0000000004']);
  const alert = await bot.chat.postMessage({ channel: GENERAL, text: '@oncall @channel build is red', link_names: true });
  assert.equal(alert.message.text, `<!subteam^${usergroup.id}> <!channel> build is red`);
  const listed = await bot.usergroups.list({ include_users: true, include_count: true });
  assert.deepEqual(listed.usergroups.map((g) => [g.handle, g.user_count]), [['oncall', 2]]);
  await bot.usergroups.disable({ usergroup: usergroup.id });
  assert.deepEqual((await bot.usergroups.list()).usergroups, []);
  await bot.usergroups.enable({ usergroup: usergroup.id });
  await fails('no_such_subteam', bot.usergroups.users.list({ usergroup: 'S0NOPE' }));
});

await check('public file links and auth.teams.list', async () => {
  const done = await user.filesUploadV2({ content: 'public', filename: 'public.txt' });
  const file = done.files[0].files[0];
  const shared = await user.files.sharedPublicURL({ file: file.id });
  assert.equal(shared.file.public_url_shared, true);
  assert.ok(shared.file.permalink_public);
  await fails('not_allowed_token_type', bot.files.sharedPublicURL({ file: file.id }));
  await fails('file_not_found', bot.files.revokePublicURL({ file: file.id })); // unshared: not the bot's to see
  await fails('file_not_found', user.files.revokePublicURL({ file: 'F0NOPE' }));
  assert.equal((await user.files.revokePublicURL({ file: file.id })).file.public_url_shared, false);
  const { teams } = await bot.auth.teams.list({ include_icon: true });
  assert.deepEqual(teams.map((t) => [t.id, t.name]), [['T0000000001', 'Acme']]);
  assert.equal(teams[0].icon.image_default, true);
});

// The first bytes of a PNG of w x h: its signature and IHDR chunk.
function png(w, h) {
  const size = Buffer.alloc(8);
  size.writeUInt32BE(w, 0);
  size.writeUInt32BE(h, 4);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR', 'latin1'), size, Buffer.from([8, 6, 0, 0, 0])]);
}

// files.remote.*: a Buffer argument makes @slack/web-api send multipart/form-data.
await check('remote files', async () => {
  const { file: added } = await bot.files.remote.add({
    external_id: 'js-doc-1',
    external_url: 'https://docs.example.com/js/1',
    title: 'Remote budget',
    filetype: 'gsheet',
    indexable_file_contents: Buffer.from('nougat forecast'),
    preview_image: png(1200, 600),
  });
  assert.equal(added.is_external, true);
  // The preview is kept: Slack's thumbnails, served to a token of the workspace.
  assert.equal(added.has_rich_preview, true);
  assert.deepEqual([added.original_h, added.thumb_480_w, added.thumb_480_h, added.thumb_1024_w], [600, 480, 240, 1024]);
  const thumb = await fetch(added.thumb_360, { headers: { Authorization: `Bearer ${process.env.SLACK_BOT_TOKEN}` } });
  assert.equal(thumb.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await thumb.arrayBuffer()), png(1200, 600));
  await fails('too_large', bot.files.remote.update({ external_id: 'js-doc-1', preview_image: png(20000, 10) }));
  await fails('bad_image', bot.files.remote.add({
    external_id: 'js-doc-2', external_url: 'https://docs.example.com/js/2', title: 'Gif', preview_image: Buffer.from('GIF89a'),
  }));
  await fails('bad_title', bot.files.remote.update({ external_id: 'js-doc-1', title: 't'.repeat(256) }));
  await fails('bad_title', bot.files.remote.add({ external_id: 'js-doc-3', external_url: 'https://docs.example.com/js/3', title: 't'.repeat(256) }));
  await fails('invalid_external_id', bot.files.remote.add({ external_id: 'e'.repeat(256), external_url: 'https://docs.example.com/js/3', title: 'Long' }));
  assert.deepEqual(
    [added.external_type, added.external_id, added.url_private, added.filetype, added.mode],
    ['app', 'js-doc-1', 'https://docs.example.com/js/1', 'gsheet', 'external'],
  );
  assert.equal((await bot.files.remote.info({ external_id: 'js-doc-1' })).file.id, added.id);
  assert.equal((await user.files.remote.info({ file: added.id })).file.title, 'Remote budget');
  await fails('file_not_found', bot.files.remote.info({ external_id: 'js-nope' }));
  const shared = await bot.files.remote.share({ file: added.id, channels: GENERAL });
  assert.deepEqual(shared.file.channels, [GENERAL]);
  const [latest] = (await bot.conversations.history({ channel: GENERAL, limit: 1 })).messages;
  assert.equal(latest.files[0].external_id, 'js-doc-1');
  await fails('not_in_channel', bot.files.remote.share({ external_id: 'js-doc-1', channels: RANDOM }));
  // A file block (@slack/types' FileBlock) posts the remote file in a message; views refuse it.
  const fileBlock = (externalId) => ({ type: 'file', external_id: externalId, source: 'remote' });
  const posted = await bot.chat.postMessage({ channel: GENERAL, text: 'the budget', blocks: [fileBlock('js-doc-1')] });
  assert.equal(posted.message.files[0].id, added.id);
  const refused = await fails('invalid_blocks', bot.chat.postMessage({ channel: GENERAL, text: 'x', blocks: [fileBlock('js-nope')] }));
  assert.deepEqual(refused.errors, ['unknown remote file: js-nope [json-pointer:/blocks/0/external_id]']);
  await fails('invalid_blocks', bot.views.publish({ user_id: 'U0000000003', view: { type: 'home', blocks: [fileBlock('js-doc-1')] } }));
  const listed = await bot.files.remote.list({ channel: GENERAL });
  assert.ok(listed.files.some((f) => f.id === added.id));
  assert.equal((await bot.files.info({ file: added.id })).file.is_external, true);
  const found = await user.search.files({ query: 'nougat' });
  assert.deepEqual(found.files.matches.map((f) => f.id), [added.id]);
  const { file: updated } = await bot.files.remote.update({ external_id: 'js-doc-1', title: 'Remote plan' });
  assert.equal(updated.title, 'Remote plan');
  await bot.files.remote.remove({ file: added.id });
  await fails('file_not_found', bot.files.remote.info({ file: added.id }));
});

await check('filesUploadV2 several and threaded', async () => {
  const done = await bot.filesUploadV2({
    channel_id: GENERAL,
    initial_comment: 'two files',
    file_uploads: [{ content: 'a', filename: 'a.txt' }, { file: Buffer.from('bb'), filename: 'b.txt', title: 'B' }],
  });
  const files = done.files[0].files;
  assert.deepEqual(files.map((f) => [f.name, f.title, f.size]), [['a.txt', 'a.txt', 1], ['b.txt', 'B', 2]]);
  const threaded = await bot.filesUploadV2({ channel_id: GENERAL, thread_ts: '1700000200.000200', content: 't', filename: 't.txt' });
  const replies = await user.conversations.replies({ channel: GENERAL, ts: '1700000200.000200' });
  assert.equal(replies.messages.at(-1).files[0].id, threaded.files[0].files[0].id);
});

await check('search messages', async () => {
  const posted = await user.chat.postMessage({ channel: GENERAL, text: 'Quarterly numbers are in' });
  const found = await user.search.messages({ query: 'quarterly from:me in:general' });
  assert.deepEqual(found.messages.matches.map((m) => m.ts), [posted.ts]);
  assert.equal(found.messages.total, 1);
  const started = Date.now();
  const long = await user.search.messages({ query: Array(15000).fill('quarterly zebra').join(' ') });
  assert.equal(long.messages.total, 0);
  assert.ok(Date.now() - started < 2000, 'a 30,000-word query answers promptly');
  await fails('not_allowed_token_type', bot.search.messages({ query: 'x' }));
});

await check('search files and all', async () => {
  const done = await bot.filesUploadV2({
    channel_id: GENERAL, content: 'x', filename: 'roadmap-node.md', title: 'Roadmap', initial_comment: 'roadmap attached',
  });
  const file = done.files[0].files[0];
  const found = await user.search.files({ query: 'roadmap-node in:#general' });
  assert.deepEqual(found.files.matches.map((f) => f.id), [file.id]);
  assert.equal(found.files.total, 1);
  const both = await user.search.all({ query: 'roadmap-node' });
  assert.deepEqual(both.files.matches.map((f) => f.id), [file.id]);
  await fails('not_allowed_token_type', bot.search.files({ query: 'x' }));
});

await check('bookmarks', async () => {
  const { bookmark } = await bot.bookmarks.add({ channel_id: GENERAL, title: 'Runbook', type: 'link', link: 'https://example.com/r' });
  assert.match(bookmark.id, /^Bk/);
  const edited = await bot.bookmarks.edit({ channel_id: GENERAL, bookmark_id: bookmark.id, title: 'On-call runbook' });
  assert.equal(edited.bookmark.title, 'On-call runbook');
  assert.deepEqual((await user.bookmarks.list({ channel_id: GENERAL })).bookmarks.map((b) => b.id), [bookmark.id]);
  await bot.bookmarks.remove({ channel_id: GENERAL, bookmark_id: bookmark.id });
  await fails('not_found', bot.bookmarks.remove({ channel_id: GENERAL, bookmark_id: bookmark.id }));
});

await check('stars (saved items)', async () => {
  const { ts } = await user.chat.postMessage({ channel: GENERAL, text: 'save me for later' });
  await user.stars.add({ channel: GENERAL, timestamp: ts });
  await fails('already_starred', user.stars.add({ channel: GENERAL, timestamp: ts }));
  const uploaded = await user.filesUploadV2({ channel_id: GENERAL, content: 'notes', filename: 'notes.txt' });
  const fileId = uploaded.files[0].files[0].id;
  await user.stars.add({ file: fileId });
  await user.stars.add({ channel: RANDOM });
  const listed = await user.stars.list();
  assert.deepEqual(listed.items.map((i) => i.type), ['channel', 'file', 'message']);
  assert.equal(listed.items[1].file.id, fileId);
  assert.equal(listed.items[2].message.ts, ts);
  assert.equal(listed.paging.total, 3);
  const first = await user.stars.list({ limit: 2 });
  assert.equal(first.items.length, 2);
  const rest = await user.stars.list({ limit: 2, cursor: first.response_metadata.next_cursor });
  assert.deepEqual(rest.items.map((i) => i.type), ['message']);
  assert.equal(rest.response_metadata.next_cursor, '');
  await user.stars.remove({ channel: GENERAL, timestamp: ts });
  await fails('not_starred', user.stars.remove({ channel: GENERAL, timestamp: ts }));
  await fails('no_item_specified', user.apiCall('stars.add', {}));
  await fails('bad_timestamp', user.stars.add({ channel: GENERAL, timestamp: 'soon' }));
  await fails('message_not_found', user.stars.add({ channel: GENERAL, timestamp: '1.000001' }));
  await fails('channel_not_found', user.stars.remove({ channel: 'C0000099999' }));
  await fails('file_not_found', user.stars.add({ file: 'F0000099999' }));
  await fails('file_comment_not_found', user.stars.add({ file_comment: 'Fc0000000001' }));
  await fails('not_allowed_token_type', bot.stars.list());
});

await check('calls API', async () => {
  const guest = { external_id: 'js-ext', display_name: 'Guest' };
  const { call } = await bot.calls.add({
    external_unique_id: 'js-meet', join_url: 'https://meet.example.com/js', created_by: 'U0000000003',
    title: 'JS sync', date_start: 1700000000, users: [{ slack_id: 'U0000000003' }, guest],
  });
  assert.match(call.id, /^R/);
  assert.deepEqual(call.users, [{ slack_id: 'U0000000003' }, guest]);
  assert.equal((await bot.calls.update({ id: call.id, join_url: 'https://meet.example.com/js2' })).call.join_url, 'https://meet.example.com/js2');
  await bot.calls.participants.add({ id: call.id, users: [{ slack_id: 'U0000000004' }] });
  await fails('bad_users', bot.calls.participants.add({ id: call.id, users: [{ slack_id: 'U0000000004' }] }));
  await bot.calls.participants.remove({ id: call.id, users: [guest] });
  await fails('bad_users', bot.calls.participants.remove({ id: call.id, users: [guest] }));
  const info = await user.calls.info({ id: call.id });
  assert.deepEqual(info.call.users, [{ slack_id: 'U0000000003' }, { slack_id: 'U0000000004' }]);
  await bot.calls.end({ id: call.id, duration: 600 });
  assert.equal((await bot.calls.info({ id: call.id })).call.date_end, 1700000600);
  await fails('inactive_call', bot.calls.end({ id: call.id }));
  await fails('invalid_call_id', bot.calls.info({ id: 'R0NOPE' }));
  await fails('invalid_created_by', bot.calls.add({ external_unique_id: 'js-2', join_url: 'https://meet.example.com/2' }));
  await fails('invalid_start_time', bot.calls.add({
    external_unique_id: 'js-2', join_url: 'https://meet.example.com/2', created_by: 'U0000000003', date_start: 'soon',
  }));
});

await check('home tab views', async () => {
  const home = { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Welcome*' } }] };
  const { view } = await bot.views.publish({ user_id: 'U0000000003', view: home });
  assert.match(view.id, /^V/);
  const again = await bot.views.publish({ user_id: 'U0000000003', view: home, hash: view.hash });
  assert.equal(again.view.id, view.id);
  await fails('hash_conflict', bot.views.publish({ user_id: 'U0000000003', view: home, hash: view.hash }));
  const updated = await bot.views.update({ view_id: view.id, view: { type: 'home', blocks: [{ type: 'divider' }] } });
  assert.equal(updated.view.blocks[0].type, 'divider');
});

await check('do not disturb', async () => {
  const snoozed = await user.dnd.setSnooze({ num_minutes: 30 });
  assert.equal(snoozed.snooze_enabled, true);
  assert.equal((await user.dnd.info()).snooze_endtime, snoozed.snooze_endtime);
  assert.equal((await bot.dnd.info({ user: 'U0000000001' })).snooze_enabled, undefined);
  await user.dnd.endSnooze();
  await fails('snooze_not_active', user.dnd.endSnooze());
});

await check('reminders', async () => {
  const { reminder: banana } = await user.reminders.add({ text: 'eat a banana', time: 'in 5 minutes' });
  assert.ok(banana.id.startsWith('Rm'));
  assert.equal(banana.recurring, false);
  const weekly = { frequency: 'weekly', weekdays: ['monday'] };
  const time = Math.floor(Date.now() / 1000) + 3 * 86400;
  const { reminder: stretch } = await user.reminders.add({ text: 'stretch', time, recurrence: weekly });
  assert.deepEqual(stretch.recurrence, weekly);
  assert.deepEqual((await user.reminders.list()).reminders.map((r) => r.text), ['eat a banana', 'stretch']);
  await user.reminders.complete({ reminder: banana.id });
  assert.ok((await user.reminders.info({ reminder: banana.id })).reminder.complete_ts > 0);
  await fails('cannot_complete_recurring', user.reminders.complete({ reminder: stretch.id }));
  await user.reminders.delete({ reminder: banana.id });
  await fails('not_found', user.reminders.info({ reminder: banana.id }));
  await fails('cannot_parse', user.reminders.add({ text: 'x', time: 'next week' }));
  await fails('not_allowed_token_type', bot.reminders.list());
});

await check('reminders come due', async () => {
  // Made due now through the admin surface: the clone has no clock to move.
  const { reminder: plants } = await user.reminders.add({ text: 'water the plants', time: 'in 10 minutes' });
  const daily = { frequency: 'daily' };
  const time = Math.floor(Date.now() / 1000) + 3600;
  const { reminder: standup } = await user.reminders.add({ text: 'standup', time, recurrence: daily });
  assert.ok((await admin('POST', `reminders/${plants.id}/due`)).posted.includes(plants.id));
  await admin('POST', `reminders/${standup.id}/due`);
  await admin('POST', `reminders/${standup.id}/due`);
  const { channel } = await user.conversations.open({ users: 'USLACKBOT' });
  const { messages } = await user.conversations.history({ channel: channel.id });
  assert.deepEqual(messages.slice(0, 3).map((m) => [m.text, m.user, m.bot_id, m.subtype]), [
    ['Reminder: standup.', 'USLACKBOT', 'B01', undefined],
    ['Reminder: standup.', 'USLACKBOT', 'B01', undefined],
    ['Reminder: water the plants.', 'USLACKBOT', 'B01', undefined],
  ]);
  assert.deepEqual((await user.reminders.info({ reminder: plants.id })).reminder, plants);
  assert.deepEqual((await user.reminders.info({ reminder: standup.id })).reminder, standup);
});

await check('retired and unserved methods', async () => {
  await fails('method_deprecated', bot.apiCall('files.upload', { channels: GENERAL, content: 'hello' }));
  assert.equal((await fails('unknown_method', bot.rtm.connect())).req_method, 'rtm.connect');
  await fails('unknown_method', bot.workflows.featured.list({ channel_ids: [GENERAL] }));
});

await check('team billing', async () => {
  const minted = async (kind, scopes) => new WebClient((await admin('POST', 'tokens', { kind, scopes })).token, options);
  assert.equal((await (await minted('user', ['team.billing:read'])).team.billing.info()).plan, 'std');
  await fails('missing_scope', bot.team.billing.info());
  const owner = await minted('user', ['admin']);
  const info = (await owner.team.billableInfo()).billable_info;
  assert.deepEqual([info.U0000000001, info.U0000000002], [{ billing_active: true }, { billing_active: false }]);
  const paged = {};
  for await (const page of owner.paginate('team.billableInfo', { limit: 2 })) {
    assert.ok(Object.keys(page.billable_info).length <= 2);
    Object.assign(paged, page.billable_info);
  }
  assert.deepEqual(paged, info);
  assert.deepEqual((await owner.team.billableInfo({ user: 'U0000000004' })).billable_info, { U0000000004: { billing_active: true } });
  await fails('user_not_found', owner.team.billableInfo({ user: 'U0NOPE' }));
  await fails('missing_scope', user.team.billableInfo());
  await fails('not_allowed_token_type', (await minted('bot', ['admin'])).team.billableInfo());
});

await check('assistant threads', async () => {
  const { channel } = await bot.conversations.open({ users: 'U0000000003' });
  const { ts } = await bot.chat.postMessage({ channel: channel.id, text: 'How can I help?' });
  assert.equal((await bot.assistant.threads.setStatus({ channel_id: channel.id, thread_ts: ts, status: 'is thinking...' })).ok, true);
  await bot.assistant.threads.setTitle({ channel_id: channel.id, thread_ts: ts, title: 'Help' });
  await bot.assistant.threads.setSuggestedPrompts({
    channel_id: channel.id, thread_ts: ts, prompts: [{ title: 'Summarize', message: 'Summarize #general' }],
  });
  await fails('channel_not_found', bot.assistant.threads.setTitle({ channel_id: 'D0NOPE', thread_ts: ts, title: 'x' }));
});

// Executions are started through the admin surface (Slack starts them from a workflow step).
await check('custom function completion', async () => {
  const start = async (requiredOutputs) =>
    (await admin('POST', 'functions/executions', { callbackId: 'triage', requiredOutputs })).execution.id;
  const done = await start(['assignee']);
  await fails('parameter_validation_failed',
    bot.functions.completeSuccess({ function_execution_id: done, outputs: { note: 'no assignee' } }));
  await bot.functions.completeSuccess({ function_execution_id: done, outputs: { assignee: 'U0000000003' } });
  const execution = (await admin('GET', `functions/executions/${done}`)).execution;
  assert.deepEqual([execution.state, execution.outputs], ['completed', { assignee: 'U0000000003' }]);
  await fails('execution_not_in_running_state',
    bot.functions.completeError({ function_execution_id: done, error: 'late' }));
  const failed = await start([]);
  await bot.functions.completeError({ function_execution_id: failed, error: 'no one is on call' });
  assert.equal((await admin('GET', `functions/executions/${failed}`)).execution.error, 'no one is on call');
  await fails('function_execution_not_found',
    bot.functions.completeSuccess({ function_execution_id: 'Fx0000000999', outputs: {} }));
});

await check('markdown_text messages', async () => {
  const posted = await bot.chat.postMessage({ channel: GENERAL, markdown_text: '## Done\n**3** checks passed' });
  const block = posted.message.blocks[0];
  assert.deepEqual([block.type, block.text], ['markdown', '## Done\n**3** checks passed']);
  await fails('markdown_text_conflict',
    bot.chat.postMessage({ channel: GENERAL, text: 'x', markdown_text: '**x**' }));
  await fails('msg_too_long', bot.chat.postMessage({ channel: GENERAL, markdown_text: 'a'.repeat(12001) }));
});

await check('streaming a reply', async () => {
  const question = (await bot.chat.postMessage({ channel: GENERAL, text: 'what broke?' })).ts;
  const streamer = bot.chatStream({
    channel: GENERAL, thread_ts: question,
    recipient_team_id: 'T0000000001', recipient_user_id: 'U0000000003',
  }, { buffer_size: 8 });
  await streamer.append({ markdown_text: 'The **deploy** ' });
  await streamer.append({ markdown_text: 'failed on step 3.' });
  const stopped = await streamer.stop({ markdown_text: ' Retrying.' });
  assert.equal(stopped.message.text, 'The **deploy** failed on step 3. Retrying.');
  assert.equal(stopped.message.blocks[0].type, 'markdown');
  const replies = (await bot.conversations.replies({ channel: GENERAL, ts: question })).messages;
  assert.equal(replies.at(-1).text, stopped.message.text);
  await fails('message_not_in_streaming_state',
    bot.chat.appendStream({ channel: GENERAL, ts: stopped.ts, markdown_text: 'late' }));
  await fails('missing_recipient_user_id', bot.chat.startStream({
    channel: GENERAL, thread_ts: question, recipient_team_id: 'T0000000001', markdown_text: 'x',
  }));
});

await check('revoking the user token (last)', async () => {
  assert.equal((await user.auth.revoke({ test: true })).revoked, false);
  assert.equal((await user.auth.revoke()).revoked, true);
  await fails('token_revoked', user.auth.test());
});

await check('oauth install flow', async () => {
  const client = await admin('GET', 'oauth');
  const installs = [];
  const installer = new InstallProvider({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    stateSecret: 'not-a-secret',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl, logLevel: LogLevel.ERROR },
    installationStore: {
      storeInstallation: async (installation) => { installs.push(installation); },
      fetchInstallation: async () => installs.at(-1),
      deleteInstallation: async () => {},
    },
  });
  const scopes = ['chat:write', 'channels:read'];
  const url = new URL(await installer.generateInstallUrl({ scopes, userScopes: ['search:read'] }));
  const state = url.searchParams.get('state');
  const { code } = await admin('POST', 'oauth/codes', { user: 'U0000000004', scopes, userScopes: ['search:read'] });
  const outcome = await new Promise((resolve) => {
    const req = {
      url: `/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
      headers: { host: 'app.test', cookie: `slack-app-oauth-state=${state}` },
    };
    const res = { setHeader() {}, getHeader() {}, writeHead() {}, end() {} };
    installer.handleCallback(req, res, {
      success: (installation) => resolve(['installed', installation]),
      failure: (error) => resolve(['failed', error]),
    });
  });
  assert.equal(outcome[0], 'installed', String(outcome[1]));
  const installation = installs.at(-1);
  assert.equal(installation.team.id, 'T0000000001');
  assert.equal(installation.bot.userId, 'U0000000002');
  assert.equal(installation.bot.id, 'B0000000001');
  assert.deepEqual(installation.bot.scopes, scopes);
  assert.equal(installation.user.id, 'U0000000004');
  const installed = new WebClient(installation.bot.token, options);
  assert.equal((await installed.chat.postMessage({ channel: GENERAL, text: 'installed' })).ok, true);
  const anonymous = new WebClient(undefined, options);
  await fails('invalid_code', anonymous.oauth.v2.access({ client_id: client.clientId, client_secret: client.clientSecret, code }));
  await fails('invalid_client_id', anonymous.oauth.v2.access({ client_id: '1.2', client_secret: client.clientSecret, code }));
});

await check('sign in with slack', async () => {
  const { createHash, createPublicKey, verify } = await import('node:crypto');
  const client = await admin('GET', 'oauth');
  const { code } = await admin('POST', 'oauth/codes', { user: 'U0000000004', scopes: [], nonce: 'js-nonce', userScopes: ['openid', 'email', 'profile'] });
  const anonymous = new WebClient(undefined, options);
  const got = await anonymous.openid.connect.token({ client_id: client.clientId, client_secret: client.clientSecret, code });
  assert.match(got.access_token, /^xoxp-/);
  assert.equal(got.token_type, 'Bearer');
  const [header, payload, signature] = got.id_token.split('.');
  const part = (text) => JSON.parse(Buffer.from(text, 'base64url').toString());
  const claims = part(payload);
  assert.equal(claims.iss, 'https://slack.com');
  assert.equal(claims.aud, client.clientId);
  assert.equal(claims.nonce, 'js-nonce');
  assert.equal(claims['https://slack.com/user_id'], 'U0000000004');
  assert.equal(claims.email, 'bob@acme.test');
  assert.equal(claims.at_hash, createHash('sha256').update(got.access_token).digest().subarray(0, 16).toString('base64url'));
  const root = slackApiUrl.replace(/\/api\/?$/, '');
  const { keys } = await (await fetch(`${root}/openid/connect/keys`)).json();
  const jwk = keys.find((key) => key.kid === part(header).kid);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')), 'RS256 verifies');
  assert.ok(!verify('sha256', Buffer.from(`${header}.${payload}x`), key, Buffer.from(signature, 'base64url')));
  await fails('invalid_code', anonymous.openid.connect.token({ client_id: client.clientId, client_secret: client.clientSecret, code }));
  const signedIn = new WebClient(got.access_token, options);
  const info = await signedIn.openid.connect.userInfo();
  assert.equal(info.sub, 'U0000000004');
  assert.equal(info.name, 'Bob Baker');
  assert.equal(info['https://slack.com/team_domain'], 'acme');
  await fails('not_allowed_token_type', bot.openid.connect.userInfo());

  const { token } = await admin('POST', 'tokens', { kind: 'user', user: 'U0000000004', scopes: ['identity.basic', 'identity.team'] });
  const me = await new WebClient(token, options).users.identity();
  assert.deepEqual(me.user, { name: 'Bob Baker', id: 'U0000000004' });
  assert.equal(me.team.domain, 'acme');
  await fails('missing_scope', signedIn.users.identity());
});

await check('canvases', async () => {
  const md = (markdown) => ({ type: 'markdown', markdown });
  const { canvas_id: canvas } = await bot.canvases.create({ title: 'Plan', document_content: md('# Plan\nSteps.\n\n## Risks\nNone.') });
  assert.match(canvas, /^F/);
  const lookup = async (criteria) => (await bot.canvases.sections.lookup({ canvas_id: canvas, criteria })).sections.map((s) => s.id);
  const headers = await lookup({ section_types: ['any_header'] });
  assert.equal(headers.length, 2);
  assert.deepEqual(await lookup({ section_types: ['h1'] }), [headers[0]]);
  await bot.canvases.edit({ canvas_id: canvas, changes: [{ operation: 'insert_before', section_id: headers[1], document_content: md('Context first.') }] });
  const context = await lookup({ contains_text: 'context' });
  assert.equal(context.length, 1);
  await bot.canvases.edit({ canvas_id: canvas, changes: [{ operation: 'insert_at_end', document_content: md('### Appendix') }] });
  assert.equal((await lookup({ section_types: ['h3'] })).length, 1);
  await bot.canvases.edit({ canvas_id: canvas, changes: [{ operation: 'replace', document_content: md('Just this.') }] });
  assert.deepEqual(await lookup({ section_types: ['any_header'] }), []);
  await fails('canvas_editing_failed', bot.canvases.edit({ canvas_id: canvas, changes: [{ operation: 'delete', section_id: context[0] }] }));
  // Read back as the file it is.
  // Read back whole (canvases.getContent is newer than this @slack/web-api: its apiCall).
  assert.equal((await bot.apiCall('canvases.getContent', { canvas_id: canvas })).content, 'Just this.');
  const html = (await bot.apiCall('canvases.getContent', { canvas_id: canvas, content_type: 'html' })).content;
  assert.ok(html.startsWith('<div class="quip-canvas-content">') && html.includes('>Just this.</p>'), html);
  await fails('invalid_arguments', bot.apiCall('canvases.getContent', { canvas_id: canvas, content_type: 'pdf' }));
  await fails('canvas_not_found', bot.apiCall('canvases.getContent', { canvas_id: 'F0NOPE' }));
  const { file } = await bot.files.info({ file: canvas });
  assert.deepEqual([file.filetype, file.mimetype, file.title], ['quip', 'application/vnd.slack-docs', 'Plan']);
  assert.deepEqual((await bot.files.list({ types: 'canvas' })).files.map((f) => f.id), [canvas]);
  // Grants decide who edits: bob has none, then write through #general (he is in it).
  const bob = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000004' })).token, options);
  const more = [{ operation: 'insert_at_end', document_content: md('Bob was here.') }];
  await fails('canvas_not_found', bob.canvases.edit({ canvas_id: canvas, changes: more }));
  await bot.canvases.access.set({ canvas_id: canvas, access_level: 'write', channel_ids: [GENERAL] });
  await bob.canvases.edit({ canvas_id: canvas, changes: more });
  assert.equal((await bot.files.info({ file: canvas })).file.last_editor, 'U0000000004');
  await fails('invalid_arguments', bot.canvases.edit({ canvas_id: canvas, changes: [...more, ...more] }));
  await bot.canvases.access.delete({ canvas_id: canvas, channel_ids: [GENERAL] });
  await fails('canvas_not_found', bob.canvases.edit({ canvas_id: canvas, changes: more }));
  await bot.canvases.delete({ canvas_id: canvas });
  await fails('canvas_not_found', bot.canvases.delete({ canvas_id: canvas }));
  const channelCanvas = await bot.conversations.canvases.create({ channel_id: GENERAL, document_content: md('# Hello') });
  assert.match(channelCanvas.canvas_id, /^F/);
  await fails('channel_canvas_already_exists', bot.conversations.canvases.create({ channel_id: GENERAL }));
});

await check('slack lists', async () => {
  const { token } = await admin('POST', 'tokens', { kind: 'bot', scopes: ['lists:read', 'lists:write'] });
  const lists = new WebClient(token, options);
  const rich = (text) => [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }];
  const created = await lists.slackLists.create({
    name: 'Hiring',
    schema: [
      { key: 'name', name: 'Name', type: 'text', is_primary_column: true },
      { key: 'owner', name: 'Owner', type: 'user' },
      { key: 'start', name: 'Start', type: 'date' },
    ],
  });
  const listId = created.list_id;
  const cols = Object.fromEntries(created.list_metadata.schema.map((c) => [c.key, c.id]));
  assert.match(listId, /^F/);
  const { item } = await lists.slackLists.items.create({
    list_id: listId,
    initial_fields: [
      { column_id: cols.name, rich_text: rich('Ada') },
      { column_id: cols.owner, user: ['U0000000003'] },
    ],
  });
  assert.match(item.id, /^Rec/);
  assert.deepEqual(item.fields.map((f) => f.key), ['name', 'owner']);
  const sub = await lists.slackLists.items.create({ list_id: listId, parent_item_id: item.id });
  await lists.slackLists.items.update({ list_id: listId, cells: [{ row_id: item.id, column_id: cols.start, date: ['2027-01-04'] }] });
  const info = await lists.slackLists.items.info({ list_id: listId, id: item.id });
  assert.equal(info.record.fields[2].value, '2027-01-04');
  assert.deepEqual(info.subtasks.map((s) => s.id), [sub.item.id]);
  assert.equal(info.list.id, listId);
  const all = await lists.slackLists.items.list({ list_id: listId });
  assert.deepEqual(all.items.map((i) => i.id), [item.id, sub.item.id]);
  await lists.slackLists.update({ id: listId, description_blocks: rich('Open roles') });
  const { job_id: jobId } = await lists.slackLists.download.start({ list_id: listId });
  const got = await lists.slackLists.download.get({ list_id: listId, job_id: jobId });
  const csv = await (await fetch(got.download_url, { headers: { Authorization: `Bearer ${token}` } })).text();
  assert.deepEqual(csv.split('\r\n').slice(0, 2), ['Name,Owner,Start', 'Ada,U0000000003,2027-01-04']);
  await lists.slackLists.access.set({ list_id: listId, access_level: 'write', channel_ids: [GENERAL] });
  await lists.slackLists.access.delete({ list_id: listId, channel_ids: [GENERAL] });
  await lists.slackLists.items.deleteMultiple({ list_id: listId, ids: [sub.item.id] });
  await lists.slackLists.items.delete({ list_id: listId, id: item.id });
  assert.deepEqual((await lists.slackLists.items.list({ list_id: listId })).items, []);
  const chatty = new WebClient((await admin('POST', 'tokens', { kind: 'bot', scopes: ['chat:write'] })).token, options);
  await fails('missing_scope', chatty.slackLists.items.list({ list_id: listId }));
  await fails('invalid_date', lists.slackLists.items.update({ list_id: listId, cells: [{ row_id: item.id, column_id: cols.start, date: ['someday'] }] }));
  await fails('record_not_found', lists.slackLists.items.delete({ list_id: listId, id: item.id }));
  await fails('missing_arg_copy_from_list_id', lists.slackLists.create({ name: 'X', include_copied_list_records: true }));
  await fails('invalid_column_type', lists.slackLists.create({ name: 'X', schema: [{ key: 'k', name: 'K', type: 'hologram' }] }));
  await fails('user_not_found', lists.slackLists.access.set({ list_id: listId, access_level: 'read', user_ids: ['U0NOPE'] }));
});

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A Bolt app in HTTP mode with the bot token, calling the clone.
function boltApp() {
  return new bolt.App({
    token: process.env.SLACK_BOT_TOKEN,
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    clientOptions: { slackApiUrl },
    logLevel: bolt.LogLevel.ERROR,
  });
}

await check('bolt app unfurls shared links', async () => {
  const app = boltApp();
  const shared = [];
  app.event('link_shared', async ({ event, client }) => {
    shared.push(event);
    const unfurls = Object.fromEntries(event.links.map((link) => [link.url, { title: link.domain, text: 'Preview' }]));
    await client.chat.unfurl({ unfurl_id: event.unfurl_id, source: event.source, unfurls });
  });
  const port = await freePort();
  await app.start(port);
  try {
    await admin('POST', 'unfurl-domains', { domains: ['example.com'] });
    await admin('POST', 'events', { url: `http://127.0.0.1:${port}/slack/events`, events: ['link_shared'] });
    const alice = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000003' })).token, options);
    const posted = await alice.chat.postMessage({ channel: GENERAL, text: 'see <https://example.com/x|this> and https://example.net/y' });
    let message;
    for (let i = 0; i < 100; i += 1) {
      [message] = (await bot.conversations.history({ channel: GENERAL, limit: 1 })).messages;
      if (message.attachments) break;
      await new Promise((resolve) => { setTimeout(resolve, 50); });
    }
    assert.deepEqual(shared[0].links, [{ domain: 'example.com', url: 'https://example.com/x' }]);
    assert.equal(shared[0].message_ts, posted.ts);
    assert.equal(message.attachments[0].app_unfurl_url, 'https://example.com/x');
    assert.equal(message.attachments[0].title, 'example.com');
    const unfurls = { 'https://example.net/y': { text: 'x' } };
    await fails('cannot_unfurl_url', bot.chat.unfurl({ channel: GENERAL, ts: posted.ts, unfurls }));
    await fails('cannot_find_message', bot.chat.unfurl({ channel: GENERAL, ts: '1.000001', unfurls }));
  } finally {
    await admin('DELETE', 'events');
    await app.stop();
  }
});

await check('bolt app takes commands, actions, shortcuts, options and modals', async () => {
  const ship = {
    type: 'modal', callback_id: 'ship', notify_on_close: true,
    title: { type: 'plain_text', text: 'Ship' },
    submit: { type: 'plain_text', text: 'Go' },
    blocks: [{ type: 'input', block_id: 't', label: { type: 'plain_text', text: 'Title' },
      element: { type: 'plain_text_input', action_id: 'title' } }],
  };
  const app = boltApp();
  const seen = {};
  app.command('/deploy', async ({ ack, body, client }) => {
    seen.command = body;
    await client.views.open({ trigger_id: body.trigger_id, view: ship });
    await ack(`Deploying ${body.text}`);
  });
  app.action('approve', async ({ ack, body, respond }) => {
    seen.action = body;
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
    await ack();
  });
  app.view('ship', async ({ ack, view }) => {
    const title = view.state.values.t.title.value;
    if (title === 'bad') {
      await ack({ response_action: 'errors', errors: { t: 'Not that title' } });
    } else {
      seen.shipped = title;
      await ack();
    }
  });
  app.shortcut('new_ticket', async ({ ack, shortcut, client }) => {
    await client.views.open({ trigger_id: shortcut.trigger_id, view: { ...ship, callback_id: 'ticket' } });
    await ack();
  });
  app.shortcut('file_it', async ({ ack, shortcut, respond }) => {
    seen.filed = shortcut.message.text;
    await respond({ text: 'Filed', response_type: 'in_channel' });
    await ack();
  });
  app.options('ticket', async ({ ack, payload }) => {
    await ack({ options: [{ text: { type: 'plain_text', text: `Ticket ${payload.value}` }, value: `T-${payload.value}` }] });
  });
  app.view({ callback_id: 'ship', type: 'view_closed' }, async ({ ack, body }) => {
    seen.closed = body.view.id;
    await ack();
  });
  const port = await freePort();
  await app.start(port);
  try {
    const url = `http://127.0.0.1:${port}/slack/events`;
    await admin('POST', 'interactivity', { url, optionsLoadUrl: url });
    await admin('POST', 'commands', { command: '/deploy', url, usageHint: '[env]' });
    const alice = 'U0000000003';
    const ran = await admin('POST', 'interactions/command', { command: '/deploy', text: 'prod', user: alice, channel: GENERAL });
    assert.equal(ran.status, 200, JSON.stringify(ran));
    assert.equal(ran.response.responseType, 'ephemeral');
    assert.equal(ran.response.message.text, 'Deploying prod');
    assert.equal(seen.command.channel_name, 'general');
    let modals = (await admin('GET', `interactions/modals?user=${alice}`)).views;
    assert.deepEqual(modals.map((m) => m.callback_id), ['ship']);
    const viewId = modals[0].id;
    const refused = await admin('POST', 'interactions/view-submission', { viewId, user: alice, values: { title: 'bad' } });
    assert.equal(refused.responseAction, 'errors');
    assert.deepEqual(refused.errors, { t: 'Not that title' });
    const done = await admin('POST', 'interactions/view-submission', { viewId, user: alice, values: { title: 'v2' } });
    assert.deepEqual(done.modals, []);
    assert.equal(seen.shipped, 'v2');

    const posted = await bot.chat.postMessage({ channel: GENERAL, text: 'Ship v2?', blocks: [
      { type: 'actions', block_id: 'ship', elements: [
        { type: 'button', action_id: 'approve', value: 'v2', text: { type: 'plain_text', text: 'Approve' } }] }] });
    const clicked = await admin('POST', 'interactions/action', { channel: GENERAL, ts: posted.ts, actionId: 'approve', user: alice });
    assert.equal(clicked.status, 200, JSON.stringify(clicked));
    assert.equal(seen.action.actions[0].value, 'v2');
    const history = await bot.conversations.history({ channel: GENERAL, latest: posted.ts, inclusive: true, limit: 1 });
    assert.equal(history.messages[0].text, `Approved by <@${alice}>`);

    const again = await admin('POST', 'interactions/command', { command: '/deploy', text: 'qa', user: alice, channel: GENERAL });
    await fails('exchanged_trigger_id', bot.views.open({ trigger_id: again.triggerId, view: ship }));
    modals = (await admin('GET', `interactions/modals?user=${alice}`)).views;
    const dismissed = await admin('POST', 'interactions/view-closed', { viewId: modals[0].id, user: alice });
    assert.ok(dismissed.notified && dismissed.status === 200, JSON.stringify(dismissed));
    assert.equal(seen.closed, modals[0].id);

    await admin('POST', 'shortcuts', { callbackId: 'new_ticket', type: 'global', name: 'New ticket' });
    await admin('POST', 'shortcuts', { callbackId: 'file_it', type: 'message', name: 'File it' });
    let used = await admin('POST', 'interactions/shortcut', { callbackId: 'new_ticket', user: alice });
    assert.equal(used.status, 200, JSON.stringify(used));
    modals = (await admin('GET', `interactions/modals?user=${alice}`)).views;
    assert.deepEqual(modals.map((m) => m.callback_id), ['ticket']);
    used = await admin('POST', 'interactions/shortcut', { callbackId: 'file_it', user: alice, channel: GENERAL, ts: '1700000100.000100' });
    assert.equal(used.status, 200, JSON.stringify(used));
    assert.equal(seen.filed, 'Welcome to Acme!');
    const latest = (await bot.conversations.history({ channel: GENERAL, limit: 1 })).messages[0];
    assert.equal(latest.text, 'Filed');
    assert.equal(latest.bot_id, 'B0000000001');

    const picker = await bot.chat.postMessage({ channel: GENERAL, text: 'Which ticket?', blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Which ticket?' },
        accessory: { type: 'external_select', action_id: 'ticket', placeholder: { type: 'plain_text', text: 'Ticket' } } }] });
    const loaded = await admin('POST', 'interactions/options', { channel: GENERAL, ts: picker.ts, actionId: 'ticket', user: alice, value: '42' });
    assert.equal(loaded.status, 200, JSON.stringify(loaded));
    assert.equal(loaded.options[0].value, 'T-42');
  } finally {
    await app.stop();
  }
});

await check('errors carry the fields the SDK exposes', async () => {
  const reader = new WebClient((await admin('POST', 'tokens', { kind: 'bot', scopes: ['channels:read'] })).token, options);
  const error = await reader.chat.postMessage({ channel: GENERAL, text: 'x' }).catch((e) => e);
  assert.equal(error.code, ErrorCode.PlatformError);
  assert.equal(error.data.ok, false);
  assert.equal(error.data.error, 'missing_scope');
  assert.equal(error.data.needed, 'chat:write');
  assert.equal(error.data.provided, 'channels:read');
  assert.match(error.message, /missing_scope/);
  assert.equal((await reader.conversations.info({ channel: GENERAL })).channel.name, 'general');
});

await check('rate limited calls reject or are retried', async () => {
  await admin('POST', 'rate-limits', { enabled: true });
  try {
    const impatient = new WebClient(process.env.SLACK_BOT_TOKEN, { ...options, rejectRateLimitedCalls: true });
    let error;
    for (let i = 0; i < 3 && !error; i += 1) { // the posts may straddle a second
      error = await impatient.chat.postMessage({ channel: GENERAL, text: 'too soon' }).then(() => undefined, (e) => e);
    }
    assert.equal(error?.code, ErrorCode.RateLimitedError, String(error));
    assert.equal(error.retryAfter, 1);
    const patient = new WebClient(process.env.SLACK_BOT_TOKEN, { slackApiUrl, logLevel: LogLevel.ERROR });
    const waits = [];
    patient.on(WebClientEvent.RATE_LIMITED, (seconds) => waits.push(seconds));
    const texts = [];
    for (let n = 0; n < 3; n += 1) {
      texts.push((await patient.chat.postMessage({ channel: GENERAL, text: `patient ${n}` })).message.text);
    }
    assert.deepEqual(texts, ['patient 0', 'patient 1', 'patient 2']);
    assert.ok(waits.length >= 1 && waits.every((s) => s === 1), String(waits));
  } finally {
    await admin('POST', 'rate-limits', { enabled: false });
  }
});

async function until(ready) {
  for (let i = 0; i < 100 && !(await ready()); i += 1) {
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
}

await check('bolt app hears messages and mentions', async () => {
  const app = boltApp();
  const heard = {};
  app.message('hello', async ({ message, say }) => {
    heard.message = message;
    await say({ text: `Hi <@${message.user}>`, thread_ts: message.ts });
  });
  app.event('app_mention', async ({ event }) => { heard.mention = event; });
  app.event('reaction_added', async ({ event }) => { heard.reaction = event; });
  const port = await freePort();
  await app.start(port);
  const alice = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000003' })).token, options);
  try {
    await admin('POST', 'events', {
      url: `http://127.0.0.1:${port}/slack/events`, events: ['message.channels', 'app_mention', 'reaction_added'],
    });
    const asked = (await alice.chat.postMessage({ channel: GENERAL, text: 'hello <@U0000000002>' })).ts;
    await alice.reactions.add({ channel: GENERAL, timestamp: asked, name: 'wave' });
    let replies;
    await until(async () => {
      replies = (await bot.conversations.replies({ channel: GENERAL, ts: asked })).messages;
      return replies.length === 2 && heard.mention && heard.reaction;
    });
    assert.deepEqual(replies.map((m) => m.text), ['hello <@U0000000002>', 'Hi <@U0000000003>']);
    assert.equal(heard.message.user, 'U0000000003');
    assert.equal(heard.mention.ts, asked);
    assert.equal(heard.reaction.reaction, 'wave');
    assert.equal(heard.reaction.item.ts, asked);
  } finally {
    await admin('DELETE', 'events');
    await app.stop();
  }
  // A service of one's own checks each delivery with Bolt's verifySlackRequest.
  const verified = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      try {
        bolt.verifySlackRequest({ signingSecret: process.env.SLACK_SIGNING_SECRET, body, headers: req.headers });
        verified.push(JSON.parse(body));
      } catch (error) {
        verified.push(error);
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ challenge: JSON.parse(body).challenge }));
    });
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  try {
    await admin('POST', 'events', { url: `http://127.0.0.1:${server.address().port}/`, events: ['message.channels'] });
    await alice.chat.postMessage({ channel: GENERAL, text: 'signed?' });
    await until(() => verified.length === 2);
    assert.deepEqual(verified.map((v) => v.type ?? String(v)), ['url_verification', 'event_callback']);
    assert.equal(verified[1].event.text, 'signed?');
    assert.throws(() => bolt.verifySlackRequest({
      signingSecret: process.env.SLACK_SIGNING_SECRET,
      body: '{"forged":true}',
      headers: { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': Math.floor(Date.now() / 1000) },
    }));
  } finally {
    await admin('DELETE', 'events');
    server.close();
  }
});

await check('bolt socket mode app hears events and answers commands', async () => {
  const appToken = process.env.SLACK_APP_TOKEN;
  await fails('not_allowed_token_type', bot.apps.connections.open());
  await admin('POST', 'socket-mode', {});
  await admin('POST', 'commands', { command: '/deploy' });
  // Socket Mode: the app-level token opens the connection, through the same slackApiUrl.
  const app = new bolt.App({
    token: process.env.SLACK_BOT_TOKEN,
    appToken,
    socketMode: true,
    clientOptions: { slackApiUrl },
    installerOptions: { clientOptions: { slackApiUrl } },
    logLevel: bolt.LogLevel.ERROR,
  });
  const heard = {};
  app.message('over the socket', async ({ message, say }) => {
    heard.message = message;
    await say({ text: 'heard it', thread_ts: message.ts });
  });
  app.command('/deploy', async ({ command, ack }) => {
    heard.command = command;
    await ack({ response_type: 'in_channel', text: `deploying ${command.text}` });
  });
  await app.start();
  try {
    const alice = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000003' })).token, options);
    const asked = (await alice.chat.postMessage({ channel: GENERAL, text: 'over the socket' })).ts;
    let replies;
    await until(async () => {
      replies = (await bot.conversations.replies({ channel: GENERAL, ts: asked })).messages;
      return replies.length === 2;
    });
    assert.deepEqual(replies.map((m) => m.text), ['over the socket', 'heard it']);
    assert.equal(heard.message.user, 'U0000000003');
    const ran = await admin('POST', 'interactions/command', {
      command: '/deploy', text: 'prod', user: 'U0000000003', channel: GENERAL,
    });
    assert.equal(heard.command.text, 'prod');
    assert.equal(ran.response.message.text, 'deploying prod');
    let envelopes;
    await until(async () => {
      envelopes = (await admin('GET', 'socket-mode/envelopes')).envelopes;
      return envelopes.every((e) => e.status === 'acked');
    });
    assert.ok(envelopes.some((e) => e.event.text === 'over the socket'), JSON.stringify(envelopes));
    assert.ok(envelopes.every((e) => e.status === 'acked'), JSON.stringify(envelopes));
    // Slack's refresh: the `warning` disconnect, then `refresh_requested`; the app's client
    // opens a new connection and keeps hearing messages.
    assert.equal((await admin('POST', 'socket-mode/refresh', { warningMs: 200 })).disconnected, 1);
    const later = (await alice.chat.postMessage({ channel: GENERAL, text: 'over the socket again' })).ts;
    replies = [];
    // Up to 15 s: an envelope sent to the connection being replaced comes again after 3 s.
    for (let tries = 0; tries < 3 && replies.length !== 2; tries += 1) {
      await until(async () => {
        replies = (await bot.conversations.replies({ channel: GENERAL, ts: later })).messages;
        return replies.length === 2;
      });
    }
    assert.equal(replies[1]?.text, 'heard it', JSON.stringify(replies));
  } finally {
    await app.stop();
    await admin('DELETE', 'socket-mode');
  }
});

// Socket Mode's debug_reconnects=true (appended to the WebSocket URL, as Slack's docs suggest
// while developing): the clone's connection is short-lived (debugConnectionMs here, Slack's
// 360 s by default) and refreshed; @slack/socket-mode reconnects and keeps hearing events. An
// envelope sent as a connection closes is lost and retried, as Slack retries an unacked one:
// here within a second (Slack's own retries wait a minute, then five).
await check('socket mode debug_reconnects reconnects a short-lived connection', async () => {
  await admin('POST', 'socket-mode', {
    debugConnectionMs: 1000, retryDelaysMs: [0, 200, 400, 800, 1600], ackTimeoutMs: 1000,
  });
  const { SocketModeClient } = createRequire(import.meta.url)('@slack/socket-mode');
  const client = new SocketModeClient({
    appToken: process.env.SLACK_APP_TOKEN, clientOptions: { slackApiUrl }, logLevel: LogLevel.ERROR,
  });
  const retrieve = client.retrieveWSSURL.bind(client);
  client.retrieveWSSURL = async () => `${await retrieve()}&debug_reconnects=true`;
  let connections = 0;
  client.on('connected', () => { connections += 1; });
  const heard = [];
  let envelope;
  client.on('message', async ({ ack, event, body }) => {
    await ack();
    heard.push(event.text);
    if (event.text === 'after debug reconnects') envelope = body;
  });
  await client.start();
  try {
    for (let tries = 0; tries < 3 && connections < 3; tries += 1) await until(async () => connections >= 3);
    assert.ok(connections >= 3, `connected ${connections} times`);
    const alice = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000003' })).token, options);
    await alice.chat.postMessage({ channel: GENERAL, text: 'after debug reconnects' });
    for (let tries = 0; tries < 3 && !heard.includes('after debug reconnects'); tries += 1) {
      await until(async () => heard.includes('after debug reconnects'));
    }
    assert.ok(heard.includes('after debug reconnects'), JSON.stringify(heard));
    // The envelope's event_context names the installations it is visible to.
    const reader = new WebClient((await admin('POST', 'tokens', { kind: 'app', scopes: ['authorizations:read'] })).token, options);
    const listed = await reader.apps.event.authorizations.list({ event_context: envelope.event_context });
    assert.deepEqual(listed.authorizations, envelope.authorizations);
    await fails('invalid_event_context', reader.apps.event.authorizations.list({ event_context: '4-nope' }));
    await fails('not_allowed_token_type', bot.apps.event.authorizations.list({ event_context: envelope.event_context }));
  } finally {
    await client.disconnect();
    await admin('DELETE', 'socket-mode');
  }
});

await check('token rotation', async () => {
  const { clientId: client_id, clientSecret: client_secret } = await admin('GET', 'oauth');
  const anon = new WebClient(undefined, options);
  await admin('POST', 'oauth/rotation', { enabled: true });
  try {
    const { code } = await admin('POST', 'oauth/codes', { scopes: ['chat:write'] });
    const got = await anon.oauth.v2.access({ client_id, client_secret, code });
    assert.match(got.access_token, /^xoxe\.xoxb-/);
    assert.equal(got.expires_in, 43200);
    assert.match(got.refresh_token, /^xoxe-1-/);
    await admin('POST', 'tokens/expire', { token: got.access_token });
    await fails('token_expired', new WebClient(got.access_token, options).auth.test());
    const refreshed = await anon.oauth.v2.access({ client_id, client_secret, grant_type: 'refresh_token', refresh_token: got.refresh_token });
    assert.equal(refreshed.token_type, 'bot');
    assert.equal((await new WebClient(refreshed.access_token, options).auth.test()).user_id, 'U0000000002');
    // The bot's long-lived token (the user token is revoked by an earlier scenario).
    const traded = await anon.oauth.v2.exchange({ client_id, client_secret, token: process.env.SLACK_BOT_TOKEN });
    assert.match(traded.access_token, /^xoxe\.xoxb-/);
    // A refresh and an exchange check in one order: the client before what is presented.
    await fails('invalid_client_id', anon.oauth.v2.access({
      client_id: '1.2', client_secret, grant_type: 'refresh_token', refresh_token: 'xoxe-1-nope',
    }));
    await fails('invalid_client_id', anon.oauth.v2.exchange({ client_id: '1.2', client_secret, token: 'xoxb-nope' }));
    await fails('invalid_refresh_token', anon.oauth.v2.access({
      client_id, client_secret, grant_type: 'refresh_token', refresh_token: 'xoxe-1-nope',
    }));
  } finally {
    await admin('POST', 'oauth/rotation', { enabled: false });
  }
});

await check('twenty calls at once', async () => {
  const names = Array.from({ length: 20 }, (_, n) => `node-at-once-${n}`);
  const made = await Promise.all(names.map((name) => bot.conversations.create({ name })));
  assert.deepEqual(made.map((r) => r.channel.name), names);
  const twenty = async (call) => (await Promise.all(names.map(() => call().then(() => '', (e) => e.data?.error ?? String(e))))).sort();
  const once = (error) => ['', ...Array(19).fill(error)];
  assert.deepEqual(await twenty(() => bot.conversations.create({ name: 'node-one-name' })), once('name_taken'));
  const { channel } = await bot.conversations.create({ name: 'node-archived-once' });
  assert.deepEqual(await twenty(() => bot.conversations.archive({ channel: channel.id })), once('already_archived'));
  const { ts } = await bot.chat.postMessage({ channel: GENERAL, text: 'gone soon' });
  assert.deepEqual(await twenty(() => bot.chat.delete({ channel: GENERAL, ts })), once('message_not_found'));
});

await check('uninstalling the app (last)', async () => {
  const { clientId: client_id, clientSecret: client_secret } = await admin('GET', 'oauth');
  await fails('bad_client_secret', bot.apps.uninstall({ client_id, client_secret: 'nope' }));
  await fails('invalid_client_id', bot.apps.uninstall({ client_id: '1.2', client_secret }));
  const alice = new WebClient((await admin('POST', 'tokens', { kind: 'user', user: 'U0000000003' })).token, options);
  assert.equal((await bot.apps.uninstall({ client_id, client_secret })).ok, true);
  await fails('token_revoked', bot.auth.test());
  await fails('token_revoked', alice.auth.test());
});

const version = (name) => createRequire(import.meta.url)(`${name}/package.json`).version;
finish(`node @slack/web-api ${version('@slack/web-api')}, @slack/bolt ${version('@slack/bolt')}`);
