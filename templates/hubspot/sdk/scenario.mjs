// HubSpot's official Node SDK (@hubspot/api-client) against the clone, changing only basePath.
// Env: HUBSPOT_API_BASE (http://127.0.0.1:<port>), HUBSPOT_TOKEN, HUBSPOT_DEVELOPER_KEY,
// HUBSPOT_CLIENT_SECRET, HUBSPOT_CLIENT_ID, HUBSPOT_REFRESH_TOKEN, ASYM_ADMIN_URL/ASYM_ADMIN_SECRET
// (the clone's admin surface, for a token of fewer scopes and rate limits switched on). Exits
// non-zero on failure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Signature } from '@hubspot/api-client';
import { admin, check, finish, withReceiver } from './check.mjs';

const basePath = process.env.HUBSPOT_API_BASE;
const hubspot = new Client({ accessToken: process.env.HUBSPOT_TOKEN, basePath });
const run = randomUUID().slice(0, 8);

async function rejects(promise, code, category) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.code, code, String(err));
    if (category) assert.equal(err.body.category, category);
    return err;
  }
  assert.fail(`expected HTTP ${code}`);
}

await check('objects: create, get by email, update (by id and by email), list with associations, archive', async () => {
  const contacts = hubspot.crm.contacts;
  const created = await contacts.basicApi.create({
    properties: { email: `node-${run}@example.com`, firstname: 'Node', lifecyclestage: 'lead' },
    associations: [{ to: { id: '301' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
  });
  assert.equal(created.properties.hs_object_id, created.id);
  assert.ok(created.createdAt instanceof Date);
  const got = await contacts.basicApi.getById(`node-${run}@example.com`, ['firstname', 'nope'], undefined, ['companies'], false, 'email');
  assert.equal(got.id, created.id);
  assert.equal(got.associations.companies.results[0].id, '301');
  assert.ok(!('nope' in got.properties));
  const updated = await contacts.basicApi.update(created.id, { properties: { lastname: 'Js' } });
  assert.equal(updated.properties.lastname, 'Js');
  const byEmail = await contacts.basicApi.update(`node-${run}@example.com`, { properties: { jobtitle: 'Dev' } }, 'email');
  assert.equal(byEmail.id, created.id);
  assert.equal(byEmail.properties.jobtitle, 'Dev');
  const page = await contacts.basicApi.getPage(2, undefined, ['email', 'phone']);
  assert.equal(page.results.length, 2);
  assert.ok(page.paging.next.after);
  const ticket = await hubspot.crm.tickets.basicApi.create({ properties: { subject: `Node ${run}`, hs_pipeline: '0', hs_pipeline_stage: '1' } });
  assert.equal(ticket.properties.subject, `Node ${run}`);
  await contacts.basicApi.archive(created.id);
  await rejects(contacts.basicApi.getById(created.id), 404, 'OBJECT_NOT_FOUND');
});

await check('batch create/read/update and search with filters and sorts', async () => {
  const contacts = hubspot.crm.contacts;
  const inputs = Array.from({ length: 5 }, (_, i) => ({ properties: { email: `n${i}-${run}@batch.example`, firstname: `N${i}` }, associations: [] }));
  const created = await contacts.batchApi.create({ inputs });
  assert.equal(created.status, 'COMPLETE');
  const ids = created.results.map((o) => o.id);
  const read = await contacts.batchApi.read({ inputs: [{ id: ids[0] }, { id: '999' }], properties: ['email'], propertiesWithHistory: [] });
  assert.equal(read.results.length, 1);
  assert.equal(read.numErrors, 1);
  const updated = await contacts.batchApi.update({ inputs: [{ id: ids[1], properties: { lastname: 'Upd' } }] });
  assert.equal(updated.results[0].properties.lastname, 'Upd');
  const found = await contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: `*-${run}@batch.example` }] }],
    sorts: ['firstname'], properties: ['email', 'firstname'], limit: 2, after: '0',
  });
  assert.equal(found.total, 5);
  assert.equal(found.results[0].properties.firstname, 'N0');
  assert.equal(found.paging.next.after, '2');
  assert.ok(found.paging.next.link.endsWith('/crm/v3/objects/contacts/search?after=2'), found.paging.next.link);
  const deals = await hubspot.crm.deals.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GTE', value: '10000' }] }, { filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'qualifiedtobuy' }] }],
    sorts: [{ propertyName: 'amount', direction: 'ASCENDING' }], properties: ['amount'], limit: 10, after: '0',
  });
  assert.deepEqual(deals.results.map((d) => d.id), ['402', '401']);
  // A filter on a property contacts lack is refused, not matched against nothing.
  const unknown = await rejects(contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GTE', value: '1' }] }], sorts: [], properties: [], limit: 1, after: '0',
  }), 400, 'VALIDATION_ERROR');
  assert.equal(unknown.body.message, 'Property "amount" does not exist');
  await contacts.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
});

await check('merge, GDPR delete, batch upsert by email', async () => {
  const contacts = hubspot.crm.contacts;
  const keep = await contacts.basicApi.create({ properties: { email: `keep-${run}@merge.example`, firstname: 'Keep' }, associations: [] });
  const gone = await contacts.basicApi.create({
    properties: { email: `gone-${run}@merge.example`, jobtitle: 'CTO' },
    associations: [{ to: { id: '302' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
  });
  const merged = await contacts.basicApi.merge({ primaryObjectId: keep.id, objectIdToMerge: gone.id });
  assert.equal(merged.id, keep.id);
  assert.equal(merged.properties.jobtitle, 'CTO');
  const companies = await hubspot.crm.associations.v4.basicApi.getPage('contacts', keep.id, 'companies');
  assert.deepEqual(companies.results.map((r) => String(r.toObjectId)), ['302']);
  await rejects(contacts.basicApi.getById(gone.id), 404, 'OBJECT_NOT_FOUND');
  const upserted = await contacts.batchApi.upsert({ inputs: [
    { idProperty: 'email', id: `keep-${run}@merge.example`, properties: { lastname: 'Upserted' } },
  ] });
  assert.equal(upserted.results[0].id, keep.id);
  assert.equal(upserted.results[0].properties.lastname, 'Upserted');
  await contacts.basicApi.purge({ objectId: `keep-${run}@merge.example`, idProperty: 'email' });
  await rejects(contacts.basicApi.getById(keep.id, undefined, undefined, undefined, true), 404, 'OBJECT_NOT_FOUND');
});

await check('associations v4: batch create, read, labels, archive, a missing object reported', async () => {
  const v4 = hubspot.crm.associations.v4;
  const created = await v4.batchApi.create('deals', 'contacts', {
    inputs: [{ _from: { id: '401' }, to: { id: '203' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
  });
  assert.equal(created.results[0].toObjectId, 203);
  const read = await v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: '401' }] });
  assert.deepEqual(read.results[0].to.map((t) => String(t.toObjectId)).sort(), ['201', '203']);
  const labels = await v4.schema.definitionsApi.create('deals', 'companies', { label: `Reseller ${run}`, name: `reseller_${run}`, inverseLabel: 'Resold deal' });
  const typeId = labels.results.find((l) => l.label === `Reseller ${run}`).typeId;
  const pair = await v4.basicApi.create('deals', '402', 'companies', '302', [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }]);
  assert.deepEqual(pair.labels, [`Reseller ${run}`]);
  const page = await v4.basicApi.getPage('companies', '302', 'deals');
  assert.ok(page.results[0].associationTypes.some((t) => t.label === 'Resold deal'));
  await v4.batchApi.archive('deals', 'contacts', { inputs: [{ _from: { id: '401' }, to: [{ id: '203' }] }] });
  const after = await v4.basicApi.getPage('deals', '401', 'contacts');
  assert.deepEqual(after.results.map((r) => String(r.toObjectId)), ['201']);
  const missing = await v4.batchApi.create('deals', 'contacts', {
    inputs: [{ _from: { id: '401' }, to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
  });
  assert.equal(missing.numErrors, 1);
  assert.equal(missing.errors[0].category, 'VALIDATION_ERROR');
  assert.deepEqual(missing.errors[0].context.INVALID_OBJECT_IDS, ['CONTACT=999999 is not valid']);
  const refused = await rejects(v4.basicApi.create('deals', '401', 'contacts', '999999', [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }]), 400, 'VALIDATION_ERROR');
  assert.equal(refused.body.message, 'One or more associations are invalid');
  assert.deepEqual(refused.body.context, { INVALID_OBJECT_IDS: ['CONTACT=999999 is not valid'], objectId: ['999999'], objectType: ['CONTACT'] });
});

await check('associations v3: types, batch create, read, archive', async () => {
  const v3 = hubspot.crm.associations;
  const types = await v3.schema.typesApi.getAll('deals', 'companies');
  assert.ok(types.results.some((t) => t.name === 'deal_to_company_unlabeled' && t.id === '341'), JSON.stringify(types.results));
  const company = (await hubspot.crm.companies.basicApi.create({ properties: { name: `Node ${run}` }, associations: [] })).id;
  const created = await v3.batchApi.create('companies', 'deals', { inputs: [{ _from: { id: company }, to: { id: '402' }, type: 'company_to_deal_unlabeled' }] });
  assert.equal(created.results[0].to.id, '402');
  const read = await v3.batchApi.read('companies', 'deals', { inputs: [{ id: company }] });
  assert.deepEqual(read.results[0].to.map((t) => [t.id, t.type]), [['402', 'company_to_deal_unlabeled']]);
  await v3.batchApi.archive('companies', 'deals', { inputs: [{ _from: { id: company }, to: { id: '402' }, type: 'company_to_deal_unlabeled' }] });
  const after = await hubspot.crm.associations.v4.basicApi.getPage('deals', '402', 'companies');
  assert.deepEqual(after.results.map((r) => String(r.toObjectId)), ['302']);
});

await check('properties, owners, pipelines', async () => {
  const props = await hubspot.crm.properties.coreApi.getAll('deals');
  assert.ok(props.results.some((p) => p.name === 'dealstage'));
  const created = await hubspot.crm.properties.coreApi.create('deals', {
    name: `node_score_${run}`, label: 'Score', type: 'number', fieldType: 'number', groupName: 'dealinformation',
  });
  assert.equal(created.type, 'number');
  await rejects(hubspot.crm.deals.basicApi.create({ properties: { [`node_score_${run}`]: 'high' } }), 400, 'VALIDATION_ERROR');
  const owners = await hubspot.crm.owners.ownersApi.getPage(undefined, undefined, 1);
  assert.equal(owners.results.length, 1);
  assert.equal(owners.paging.next.after, '101');
  const bob = await hubspot.crm.owners.ownersApi.getById(102);
  assert.equal(bob.email, 'bob@acme-sales.example');
  const tickets = await hubspot.crm.pipelines.pipelinesApi.getAll('tickets');
  assert.equal(tickets.results[0].stages.length, 4);
  const pipeline = await hubspot.crm.pipelines.pipelinesApi.create('tickets', {
    label: `Node ${run}`, displayOrder: 2, stages: [{ label: 'Open', displayOrder: 0, metadata: { ticketState: 'OPEN' } }],
  });
  const replaced = await hubspot.crm.pipelines.pipelinesApi.replace('tickets', pipeline.id, {
    label: `Node ${run} v2`, displayOrder: 2, stages: [{ label: 'New', displayOrder: 0, metadata: { ticketState: 'OPEN' } }, { label: 'Done', displayOrder: 1, metadata: { ticketState: 'CLOSED' } }],
  });
  assert.equal(replaced.stages.length, 2);
  await hubspot.crm.pipelines.pipelinesApi.archive('tickets', pipeline.id);
});

await check('errors: duplicate email 409, bad token 401, unknown object 404', async () => {
  const err = await rejects(hubspot.crm.contacts.basicApi.create({ properties: { email: 'jane.doe@example.com' } }), 409, 'CONFLICT');
  assert.match(err.body.message, /Existing ID: 201/);
  const stranger = new Client({ accessToken: 'pat-na1-nope', basePath });
  await rejects(stranger.crm.contacts.basicApi.getPage(), 401, 'INVALID_AUTHENTICATION');
  await rejects(hubspot.crm.companies.basicApi.getById('424242'), 404, 'OBJECT_NOT_FOUND');
});

await check('reads: default properties per type, getAll paging, full-name query, non-numeric id', async () => {
  const contact = await hubspot.crm.contacts.basicApi.getById('201');
  assert.deepEqual(Object.keys(contact.properties).sort(), ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
  const company = await hubspot.crm.companies.basicApi.getById('301');
  assert.deepEqual(Object.keys(company.properties).sort(), ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
  const made = await hubspot.crm.lineItems.batchApi.create({ inputs: Array.from({ length: 3 }, (_, i) => ({ properties: { name: `Node ${run} ${i}`, quantity: '1' }, associations: [] })) });
  const all = await hubspot.crm.lineItems.getAll(1, undefined, ['name', 'quantity']);
  assert.ok(made.results.every((m) => all.some((a) => a.id === m.id && a.properties.quantity === '1')), 'getAll pages through every line item');
  const fullName = await hubspot.crm.contacts.searchApi.doSearch({ query: 'ada lovelace', filterGroups: [], sorts: [], properties: [], limit: 10, after: '0' });
  assert.deepEqual(fullName.results.map((r) => r.id), ['203']);
  const err = await rejects(hubspot.crm.contacts.basicApi.getById('jane.doe@example.com'), 404, 'OBJECT_NOT_FOUND');
  assert.equal(err.body.message, 'Object not found.  objectId are usually numeric.');
});

await check('unique properties: read, update, upsert by a custom unique id; taken values refused', async () => {
  const name = `sku_key_${run}`;
  await hubspot.crm.properties.coreApi.create('products', { name, label: 'SKU key', type: 'string', fieldType: 'text', groupName: 'productinformation', hasUniqueValue: true });
  const first = await hubspot.crm.products.basicApi.create({ properties: { name: `Node ${run}`, [name]: `K-${run}` }, associations: [] });
  const got = await hubspot.crm.products.basicApi.getById(`K-${run}`, ['name'], undefined, undefined, false, name);
  assert.equal(got.id, first.id);
  const err = await rejects(hubspot.crm.products.basicApi.create({ properties: { name: 'Copy', [name]: `K-${run}` }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.match(err.body.message, /already has that value/);
  const upserted = await hubspot.crm.products.batchApi.upsert({ inputs: [{ idProperty: name, id: `K-${run}`, properties: { price: '12' } }] });
  assert.equal(upserted.results[0].id, first.id);
  assert.equal(upserted.results[0].properties.price, '12');
  const email = await rejects(hubspot.crm.contacts.basicApi.update('202', { properties: { email: 'jane.doe@example.com' } }), 400, 'VALIDATION_ERROR');
  assert.match(email.body.message, /propertyName=email/);
});

await check('ticket stages: the default pipeline when none is given; moved through the pipeline; a stage of another pipeline refused', async () => {
  const tickets = hubspot.crm.tickets.basicApi;
  const ticket = await tickets.create({ properties: { subject: `Node stages ${run}`, hs_pipeline: '0', hs_pipeline_stage: '1' }, associations: [] });
  const implicit = await tickets.create({ properties: { subject: `Node implicit ${run}`, hs_pipeline_stage: '2' }, associations: [] });
  assert.equal(implicit.properties.hs_pipeline, '0');
  const closed = await tickets.update(ticket.id, { properties: { hs_pipeline_stage: '4' } });
  assert.equal(closed.properties.hs_pipeline_stage, '4');
  const err = await rejects(tickets.create({ properties: { subject: 'x', hs_pipeline: '0', hs_pipeline_stage: 'closedwon' }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.equal(err.body.errors[0].code, 'INVALID_OPTION');
  assert.deepEqual(err.body.errors[0].context.propertyName, ['hs_pipeline_stage']);
});

await check('batch create with objectWriteTraceId: valid inputs created, the others reported (207); invalid email', async () => {
  const answer = await hubspot.crm.companies.batchApi.create({ inputs: [
    { objectWriteTraceId: 'a', properties: { name: `Node traced ${run}` }, associations: [] },
    { objectWriteTraceId: 'b', properties: { name: 'x', numberofemployees: 'many' }, associations: [] },
  ] });
  const emails = await hubspot.crm.contacts.batchApi.create({ inputs: [
    { objectWriteTraceId: 'first', properties: { email: `twice-${run}@example.com` }, associations: [] },
    { objectWriteTraceId: 'second', properties: { email: `TWICE-${run}@example.com` }, associations: [] },
  ] });
  assert.deepEqual(emails.results.map((r) => r.objectWriteTraceId), ['first']);
  assert.deepEqual(emails.errors[0].context.objectWriteTraceId, ['second']);
  await hubspot.crm.contacts.basicApi.archive(emails.results[0].id);
  assert.deepEqual(answer.results.map((r) => r.properties.name), [`Node traced ${run}`]);
  assert.equal(answer.numErrors, 1);
  assert.equal(answer.results[0].objectWriteTraceId, 'a');
  assert.deepEqual(answer.errors[0].context.objectWriteTraceId, ['b']);
  assert.match(answer.errors[0].message, /INVALID_INTEGER/);
  const err = await rejects(hubspot.crm.contacts.basicApi.create({ properties: { email: 'dsfsafas@' }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.equal(err.body.message, 'Property values were not valid: [{"isValid":false,"message":"Email address dsfsafas@ is invalid","error":"INVALID_EMAIL","name":"email"}]');
  await hubspot.crm.companies.basicApi.archive(answer.results[0].id);
});

await check('line items: a product\'s name and price, associated with a deal', async () => {
  const product = await hubspot.crm.products.basicApi.create({ properties: { name: `Node widget ${run}`, price: '4.25' }, associations: [] });
  const item = await hubspot.crm.lineItems.basicApi.create({
    properties: { hs_product_id: product.id, quantity: '2' },
    associations: [{ to: { id: '402' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] }],
  });
  assert.equal(item.properties.name, `Node widget ${run}`);
  assert.equal(item.properties.price, '4.25');
  const items = await hubspot.crm.associations.v4.basicApi.getPage('deals', '402', 'line_items');
  assert.ok(items.results.some((r) => String(r.toObjectId) === item.id));
  await hubspot.crm.lineItems.basicApi.archive(item.id);
});

await check('engagements: calls, emails, meetings, tasks with associations; hs_timestamp required; associations.contact search', async () => {
  const contact = (await hubspot.crm.contacts.basicApi.create({ properties: { email: `engaged-${run}@example.com` }, associations: [] })).id;
  for (const [kind, properties, typeId] of [
    ['calls', { hs_timestamp: '2025-03-01T10:00:00Z', hs_call_title: `Node ${run}`, hs_call_status: 'COMPLETED' }, 194],
    ['emails', { hs_timestamp: '1740823200000', hs_email_subject: `Node ${run}`, hs_email_direction: 'INCOMING_EMAIL' }, 198],
    ['meetings', { hs_timestamp: '2025-03-01T10:00:00Z', hs_meeting_title: `Node ${run}`, hs_meeting_end_time: '2025-03-01T11:00:00Z' }, 200],
    ['tasks', { hs_timestamp: '2025-03-01T10:00:00Z', hs_task_subject: `Node ${run}`, hs_task_status: 'NOT_STARTED' }, 204],
  ]) {
    const api = hubspot.crm.objects[kind];
    const created = await api.basicApi.create({
      properties, associations: [{ to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }],
    });
    assert.equal(created.properties.hs_timestamp, '2025-03-01T10:00:00.000Z', kind);
    const got = await api.basicApi.getById(created.id, undefined, undefined, ['contacts']);
    assert.equal(got.associations.contacts.results[0].id, contact, kind);
    const found = await api.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contact }] }], sorts: [], properties: [], limit: 10, after: '0',
    });
    assert.deepEqual(found.results.map((r) => r.id), [created.id], kind);
    const { hs_timestamp: _, ...untimed } = properties;
    const err = await rejects(api.basicApi.create({ properties: untimed, associations: [] }), 400, 'VALIDATION_ERROR');
    assert.deepEqual(err.body.context.properties, ['hs_timestamp']);
    assert.equal(err.body.message, `Error creating ${kind.slice(0, -1).toUpperCase()}. Some required properties were not set.`);
    const batch = await rejects(api.batchApi.create({ inputs: [{ properties: untimed, associations: [] }] }), 400, 'VALIDATION_ERROR');
    assert.deepEqual(batch.body.context.properties, ['hs_timestamp']);
    await api.basicApi.archive(created.id);
  }
  const headers = { from: { email: 'rep@acme-sales.example', firstName: 'Alice', lastName: 'Owner' }, to: [{ email: `Lead <lead-${run}@example.com>`, firstName: 'Lead', lastName: 'Person' }], cc: [], bcc: [] };
  const logged = await hubspot.crm.objects.emails.basicApi.create({ properties: { hs_timestamp: '2025-03-01T10:00:00Z', hs_email_direction: 'EMAIL', hs_email_headers: JSON.stringify(headers) }, associations: [] });
  const read = await hubspot.crm.objects.emails.basicApi.getById(logged.id, ['hs_email_from_email', 'hs_email_to_email']);
  assert.equal(read.properties.hs_email_from_email, 'rep@acme-sales.example');
  assert.equal(read.properties.hs_email_to_email, `lead-${run}@example.com`);
  await hubspot.crm.objects.emails.basicApi.archive(logged.id);
  await hubspot.crm.contacts.basicApi.archive(contact);
});

await check('lists: create, get by id/name/ids, search, memberships (add, page, join order, add-and-remove, add from a list, a record\'s lists, a deleted contact leaves), rename, errors, delete, restore', async () => {
  const { listsApi, membershipsApi } = hubspot.crm.lists;
  const contact = (await hubspot.crm.contacts.basicApi.create({ properties: { email: `listed-${run}@example.com` }, associations: [] })).id;
  const created = await listsApi.create({ name: `Node list ${run}`, objectTypeId: '0-1', processingType: 'SNAPSHOT' });
  const listId = created.list.listId;
  assert.equal(created.list.processingType, 'SNAPSHOT');
  assert.ok(created.list.createdAt instanceof Date);
  assert.equal((await listsApi.getById(listId, true)).list.name, `Node list ${run}`);
  assert.equal((await listsApi.getByName(`NODE list ${run}`, '0-1')).list.listId, listId);
  const several = await listsApi.getAll([listId, '424242']);
  assert.deepEqual(several.lists.map((l) => l.listId), [listId]);
  const found = await listsApi.doSearch({ query: `list ${run}`, processingTypes: ['SNAPSHOT'], count: 5, offset: 0 });
  assert.equal(found.total, 1);
  assert.equal(found.lists[0].listId, listId);
  const added = await membershipsApi.add(listId, ['201', contact, '999999']);
  assert.deepEqual([...added.recordsIdsAdded].sort(), ['201', contact].sort());
  assert.deepEqual(added.recordIdsMissing, ['999999']);
  const page = await membershipsApi.getPage(listId, undefined, undefined, 1);
  assert.deepEqual(page.results.map((m) => m.recordId), ['201']);
  assert.ok(page.results[0].membershipTimestamp instanceof Date);
  const rest = await membershipsApi.getPage(listId, page.paging.next.after, undefined, 1);
  assert.deepEqual(rest.results.map((m) => m.recordId), [contact]);
  const joined = await membershipsApi.getPageOrderedByAddedToListDate(listId, undefined, undefined, 10);
  assert.equal(joined.results.length, 2);
  const changed = await membershipsApi.addAndRemove(listId, { recordIdsToAdd: ['202'], recordIdsToRemove: ['201'] });
  assert.deepEqual(changed.recordsIdsAdded, ['202']);
  assert.deepEqual(changed.recordIdsRemoved, ['201']);
  const inLists = await membershipsApi.getLists('0-1', '202');
  assert.ok(inLists.results.some((m) => m.listId === listId));
  // Several records' lists at once (no generated method: the client's own apiRequest).
  const batch = await hubspot.apiRequest({ method: 'POST', path: '/crm/v3/lists/records/memberships/batch/read', body: { inputs: [{ objectTypeId: '0-1', recordId: '202' }, { objectTypeId: '0-1', recordId: '999999' }] } });
  assert.equal(batch.status, 200);
  const read = await batch.json();
  assert.equal(read.status, 'COMPLETE');
  assert.deepEqual(read.results.map((r) => r.recordId), ['202', '999999']);
  assert.ok(read.results[0].recordListMemberships.some((m) => m.listId === listId));
  assert.deepEqual(read.results[1].recordListMemberships, []);
  await hubspot.crm.contacts.basicApi.archive(contact);
  assert.deepEqual((await membershipsApi.getPage(listId)).results.map((m) => m.recordId), ['202']);
  const copy = (await listsApi.create({ name: `Node copy ${run}`, objectTypeId: '0-1', processingType: 'MANUAL' })).list.listId;
  await membershipsApi.addAllFromList(copy, listId);
  assert.deepEqual((await membershipsApi.getPage(copy)).results.map((m) => m.recordId), ['202']);
  const removed = await membershipsApi.remove(copy, ['202']);
  assert.deepEqual(removed.recordIdsRemoved, ['202']);
  const renamed = await listsApi.updateName(listId, `Node renamed ${run}`);
  assert.equal(renamed.updatedList.name, `Node renamed ${run}`);
  assert.equal(renamed.updatedList.listVersion, 2);
  await rejects(listsApi.create({ name: `node RENAMED ${run}`, objectTypeId: '0-1', processingType: 'MANUAL' }), 400, 'VALIDATION_ERROR');
  await rejects(listsApi.getById('424242'), 404);
  await membershipsApi.removeAll(listId);
  assert.equal((await membershipsApi.getPage(listId)).results.length, 0);
  await listsApi.remove(listId);
  assert.ok((await listsApi.getById(listId)).list.deletedAt instanceof Date);
  await listsApi.restore(listId);
  assert.equal((await listsApi.getById(listId)).list.deletedAt, undefined);
  await listsApi.remove(listId);
  await listsApi.remove(copy);
});

await check('list folders: created (nested), a list created in one and another moved into one, fetched with their folders, renamed, moved, deleted (lists back to the root), refusals; legacy list ids translated one and many at a time', async () => {
  const { listsApi, foldersApi, mappingApi } = hubspot.crm.lists;
  const outer = (await foldersApi.create({ name: `Node folder ${run}` })).folder;
  assert.equal(String(outer.parentFolderId), '0');
  assert.ok(outer.createdAt instanceof Date);
  const inner = (await foldersApi.create({ name: 'Inner', parentFolderId: String(outer.id) })).folder;
  assert.equal(String(inner.parentFolderId), String(outer.id));
  // A list created in a folder (listFolderId), another moved into one.
  const filed = (await listsApi.create({ name: `Node filed ${run}`, objectTypeId: '0-1', processingType: 'MANUAL', listFolderId: Number(inner.id) })).list;
  const loose = (await listsApi.create({ name: `Node loose ${run}`, objectTypeId: '0-1', processingType: 'MANUAL' })).list;
  await foldersApi.moveList({ listId: loose.listId, newFolderId: String(outer.id) });
  const got = (await foldersApi.getAll(String(outer.id))).folder;
  assert.deepEqual(got.childLists, [Number(loose.listId)]);
  assert.deepEqual(got.childNodes.map((n) => String(n.id)), [String(inner.id)]);
  assert.deepEqual(got.childNodes[0].childLists, []);
  assert.deepEqual((await foldersApi.getAll(String(inner.id))).folder.childLists, [Number(filed.listId)]);
  const root = (await foldersApi.getAll()).folder;
  assert.equal(String(root.id), '0');
  assert.ok(root.childNodes.some((n) => String(n.id) === String(outer.id)));
  const renamed = (await foldersApi.rename(String(inner.id), 'Renamed')).folder;
  assert.equal(renamed.name, 'Renamed');
  const moved = (await foldersApi.move(String(inner.id), '0')).folder;
  assert.equal(String(moved.parentFolderId), '0');
  await rejects(foldersApi.move(String(outer.id), String(outer.id)), 400, 'VALIDATION_ERROR');
  await rejects(foldersApi.remove('0'), 400, 'VALIDATION_ERROR');
  await rejects(foldersApi.getAll('999999'), 404, 'OBJECT_NOT_FOUND');
  await rejects(foldersApi.moveList({ listId: loose.listId, newFolderId: '999999' }), 404);
  // Deleting a folder puts its lists back in the root.
  await foldersApi.remove(String(outer.id));
  await foldersApi.remove(String(inner.id));
  assert.ok((await foldersApi.getAll('0')).folder.childLists.includes(Number(loose.listId)));
  // The v1 -> v3 id mapping: contact lists have legacy ids from 1001.
  const legacyIds = Array.from({ length: 200 }, (_, i) => String(1001 + i));
  const batch = await mappingApi.translateLegacyListIdToListIdBatch([...legacyIds, 'nope']);
  const mapped = batch.legacyListIdsToIdsMapping.find((m) => m.listId === filed.listId);
  assert.ok(mapped, JSON.stringify(batch));
  assert.ok(batch.missingLegacyListIds.includes('nope'));
  assert.equal((await mappingApi.translateLegacyListIdToListId(mapped.legacyListId)).listId, filed.listId);
  await listsApi.remove(filed.listId);
  await rejects(mappingApi.translateLegacyListIdToListId(mapped.legacyListId), 404, 'OBJECT_NOT_FOUND');
  await listsApi.remove(loose.listId);
});

await check('lists with filters: a DYNAMIC list follows its contacts, a SNAPSHOT list keeps its first members, filters read back and updated, unevaluated filters refused', async () => {
  const { listsApi, membershipsApi } = hubspot.crm.lists;
  const contacts = hubspot.crm.contacts.basicApi;
  const made = [];
  for (const amount of [50, 150, 250]) {
    made.push((await contacts.create({ properties: { email: `amount${amount}-${run}@example.com`, hs_lead_status: 'NEW', jobtitle: `n${run}`, company: String(amount) }, associations: [] })).id);
  }
  const branch = (filters) => ({ filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters }] });
  const title = { filterType: 'PROPERTY', property: 'jobtitle', operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: `n${run}` } };
  const known = { filterType: 'PROPERTY', property: 'company', operation: { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN' } };
  const dynamic = (await listsApi.create({ name: `Node dynamic ${run}`, objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: branch([title, known]) })).list;
  const snapshot = (await listsApi.create({ name: `Node snapshot ${run}`, objectTypeId: '0-1', processingType: 'SNAPSHOT', filterBranch: branch([title]) })).list;
  assert.equal(snapshot.size, 3);
  const members = async (id) => (await membershipsApi.getPage(id)).results.map((m) => m.recordId).sort();
  assert.deepEqual(await members(dynamic.listId), [...made].sort());
  await contacts.update(made[0], { properties: { company: '' } });
  assert.deepEqual(await members(dynamic.listId), made.slice(1).sort());
  assert.deepEqual(await members(snapshot.listId), [...made].sort());
  const fetched = await listsApi.getById(dynamic.listId, true);
  assert.equal(fetched.list.filterBranch.filterBranchType, 'OR');
  // Answered as HubSpot fills it in: includeObjectsWithNoValueSet false where not written.
  assert.equal(fetched.list.filterBranch.filterBranches[0].filters[1].operation.includeObjectsWithNoValueSet, false);
  const updated = await listsApi.updateListFilters(dynamic.listId, { filterBranch: branch([title, { filterType: 'PROPERTY', property: 'company', operation: { operationType: 'ALL_PROPERTY', operator: 'IS_NOT_KNOWN' } }]) });
  assert.equal(updated.updatedList.listVersion, 2);
  assert.deepEqual(await members(dynamic.listId), [made[0]]);
  await rejects(membershipsApi.add(dynamic.listId, [made[1]]), 400, 'VALIDATION_ERROR');
  const refused = await rejects(listsApi.create({ name: `Node nested ${run}`, objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: branch([{ filterType: 'PROPERTY', property: 'jobtitle', operation: { operationType: 'STRING', operator: 'CONTAINS', value: 'x' } }]) }), 400, 'VALIDATION_ERROR');
  assert.equal(refused.body.subCategory, 'NOT_IMPLEMENTED');
  await listsApi.remove(dynamic.listId);
  await listsApi.remove(snapshot.listId);
  for (const id of made) await contacts.archive(id);
});

await check('custom objects: schema create/get/list, records by type id and name, required properties, association definition, patch, archive refused with records, archive, purge', async () => {
  const schemas = hubspot.crm.schemas.coreApi;
  const name = `node_car_${run.replace(/-/g, '')}`;
  const schema = await schemas.create({
    name, labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model',
    requiredProperties: ['vin'], searchableProperties: ['model'], associatedObjects: ['CONTACT'],
    properties: [
      { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
      { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text' },
    ],
  });
  assert.equal(schema.objectTypeId, `2-${schema.id}`);
  assert.equal(schema.fullyQualifiedName, `p62515_${name}`);
  assert.ok(schema.createdAt instanceof Date);
  assert.equal(schema.associations[0].toObjectTypeId, '0-1');
  assert.equal((await schemas.getById(schema.objectTypeId)).name, name);
  assert.ok((await schemas.getAll()).results.some((s) => s.id === schema.id));
  const objects = hubspot.crm.objects.basicApi;
  const car = await objects.create(schema.objectTypeId, { properties: { model: 'T', vin: 'V1' } });
  const got = await objects.getById(schema.fullyQualifiedName, car.id, ['vin']);
  assert.equal(got.properties.vin, 'V1');
  await rejects(objects.create(schema.objectTypeId, { properties: { model: 'no vin' } }), 400, 'VALIDATION_ERROR');
  const defined = await schemas.createAssociation(schema.objectTypeId, { fromObjectTypeId: schema.objectTypeId, toObjectTypeId: '0-2' });
  assert.equal(defined.toObjectTypeId, '0-2');
  await hubspot.crm.associations.v4.basicApi.createDefault(schema.objectTypeId, car.id, 'companies', '301');
  const patched = await schemas.update(schema.objectTypeId, { labels: { singular: 'Auto', plural: 'Autos' } });
  assert.equal(patched.labels.singular, 'Auto');
  await rejects(schemas.archive(schema.objectTypeId), 400, 'VALIDATION_ERROR');
  await schemas.archiveAssociation(schema.objectTypeId, defined.id);
  await objects.archive(schema.objectTypeId, car.id);
  await schemas.archive(schema.objectTypeId);
  await schemas.archive(schema.objectTypeId, true);
});

await check("custom object reads: the p_ short-hand name (not the bare one), properties, propertiesWithHistory and associations on get/list/batch read, search properties, a HubSpot type's associations by fully qualified name, associations.{custom} search refused", async () => {
  const schemas = hubspot.crm.schemas.coreApi;
  const name = `node_van_${run.replace(/-/g, '')}`;
  const schema = await schemas.create({
    name, labels: { singular: 'Van', plural: 'Vans' }, primaryDisplayProperty: 'model',
    requiredProperties: [], searchableProperties: ['model'], associatedObjects: ['CONTACT'],
    properties: [
      { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
      { name: 'plate', label: 'Plate', type: 'string', fieldType: 'text' },
    ],
  });
  const short = `p_${name}`;
  assert.equal((await schemas.getById(short)).id, schema.id);
  await rejects(schemas.getById(name), 404);
  const objects = hubspot.crm.objects;
  const van = await objects.basicApi.create(short, { properties: { model: 'T', plate: `P-${run}` } });
  await objects.basicApi.update(schema.objectTypeId, van.id, { properties: { model: 'A' } });
  const contact = await hubspot.crm.contacts.basicApi.create({ properties: { email: `node-van-${run}@example.com` } });
  await hubspot.crm.associations.v4.basicApi.createDefault(schema.objectTypeId, van.id, 'contacts', contact.id);
  const got = await objects.basicApi.getById(short, van.id, ['model', 'nope'], ['model'], ['contacts']);
  assert.equal(got.properties.model, 'A');
  assert.ok(!('plate' in got.properties) && !('nope' in got.properties));
  assert.deepEqual(got.propertiesWithHistory.model.map((h) => h.value), ['A', 'T']);
  assert.equal(got.associations.contacts.results[0].id, contact.id);
  const page = await objects.basicApi.getPage(schema.objectTypeId, 10, undefined, ['model'], ['model'], ['contacts']);
  assert.equal(page.results[0].id, van.id);
  assert.equal(page.results[0].propertiesWithHistory.model[0].value, 'A');
  const batch = await objects.batchApi.read(schema.fullyQualifiedName, {
    inputs: [{ id: van.id }], properties: ['model'], propertiesWithHistory: ['model'],
  });
  assert.equal(batch.results[0].properties.model, 'A');
  assert.equal(batch.results[0].propertiesWithHistory.model[1].value, 'T');
  const found = await objects.searchApi.doSearch(schema.objectTypeId, {
    properties: ['model'], filterGroups: [{ filters: [{ propertyName: 'plate', operator: 'EQ', value: `P-${run}` }] }],
  });
  assert.equal(found.total, 1);
  assert.equal(found.results[0].properties.model, 'A');
  assert.ok(!('plate' in found.results[0].properties));
  const linked = await hubspot.crm.contacts.basicApi.getById(contact.id, undefined, undefined, [schema.fullyQualifiedName]);
  assert.equal(linked.associations[schema.objectTypeId].results[0].id, van.id);
  const refused = await rejects(hubspot.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: `associations.${schema.objectTypeId}`, operator: 'EQ', value: van.id }] }],
  }), 400, 'VALIDATION_ERROR');
  assert.match(refused.body.message, /custom object associations/);
  await objects.basicApi.archive(schema.objectTypeId, van.id);
  await hubspot.crm.contacts.basicApi.archive(contact.id);
  await schemas.archive(schema.objectTypeId);
  await schemas.archive(schema.objectTypeId, true);
});

await check('webhooks API (developer API key): settings, a legacy subscription repeating its objectTypeId, a generic object.creation subscription for a custom type, paused then activated, its event signed v3 and v1 (Signature.isValid); an object.merge event for contacts', () => withReceiver(async (url, received, until) => {
  const developer = new Client({ developerApiKey: process.env.HUBSPOT_DEVELOPER_KEY, basePath });
  const appId = 1000001;
  const settings = await developer.webhooks.settingsApi.configure(appId, { targetUrl: url, throttling: { maxConcurrentRequests: 10 } });
  assert.equal(settings.targetUrl, url);
  assert.equal((await developer.webhooks.settingsApi.getAll(appId)).throttling.maxConcurrentRequests, 10);
  const schemas = hubspot.crm.schemas.coreApi;
  const schema = await schemas.create({
    name: `node_boat_${run.replace(/-/g, '')}`, labels: { singular: 'Boat', plural: 'Boats' },
    requiredProperties: [], properties: [{ name: 'hull', label: 'Hull', type: 'string', fieldType: 'text' }],
  });
  const subscriptions = developer.webhooks.subscriptionsApi;
  const subscription = await subscriptions.create(appId, { eventType: 'object.creation', objectTypeId: schema.objectTypeId });
  assert.equal(subscription.objectTypeId, schema.objectTypeId);
  assert.equal(subscription.active, false);
  assert.ok(subscription.createdAt instanceof Date);
  const legacy = await subscriptions.create(appId, { eventType: 'contact.creation', objectTypeId: '0-1' });
  assert.equal(legacy.objectTypeId, undefined);
  await subscriptions.archive(Number(legacy.id), appId);
  const batch = await subscriptions.updateBatch(appId, { inputs: [{ id: Number(subscription.id), active: true }] });
  assert.equal(batch.results[0].active, true);
  const boat = await hubspot.crm.objects.basicApi.create(schema.objectTypeId, { properties: { hull: 'steel' } });
  const created = await until((d) => JSON.parse(d.body)[0].subscriptionType === 'object.creation');
  assert.ok(created, 'no object.creation event');
  const { headers, body } = created;
  assert.ok(Signature.isValid({
    signatureVersion: 'v3', signature: headers['x-hubspot-signature-v3'], clientSecret: process.env.HUBSPOT_CLIENT_SECRET,
    requestBody: body, url, method: 'POST', timestamp: Number(headers['x-hubspot-request-timestamp']),
  }));
  // The v1 signature webhooks API requests still carry: Signature.isValid's default version.
  assert.equal(headers['x-hubspot-signature-version'], 'v1');
  assert.ok(Signature.isValid({ signature: headers['x-hubspot-signature'], clientSecret: process.env.HUBSPOT_CLIENT_SECRET, requestBody: body }));
  const [event] = JSON.parse(body);
  assert.equal(event.subscriptionType, 'object.creation');
  assert.equal(event.objectTypeId, schema.objectTypeId);
  assert.equal(String(event.objectId), boat.id);
  await subscriptions.archive(Number(subscription.id), appId);
  await rejects(subscriptions.getById(Number(subscription.id), appId), 404);
  const merges = await subscriptions.create(appId, { eventType: 'object.merge', objectTypeId: '0-1', active: true });
  const contacts = hubspot.crm.contacts.basicApi;
  const keep = await contacts.create({ properties: { email: `node-keep-${run}@example.com` } });
  const gone = await contacts.create({ properties: { email: `node-gone-${run}@example.com`, phone: '555' } });
  await contacts.merge({ primaryObjectId: keep.id, objectIdToMerge: gone.id });
  const mergedDelivery = await until((d) => JSON.parse(d.body)[0].subscriptionType === 'object.merge');
  assert.ok(mergedDelivery, 'no object.merge event');
  const [merged] = JSON.parse(mergedDelivery.body);
  assert.equal(merged.subscriptionType, 'object.merge');
  assert.equal(merged.objectTypeId, '0-1');
  assert.equal(String(merged.primaryObjectId), keep.id);
  assert.deepEqual(merged.mergedObjectIds, [Number(gone.id)]);
  await subscriptions.archive(Number(merges.id), appId);
  await contacts.archive(keep.id);
  await developer.webhooks.settingsApi.clear(appId);
  await hubspot.crm.objects.basicApi.archive(schema.objectTypeId, boat.id);
  await schemas.archive(schema.objectTypeId);
  await schemas.archive(schema.objectTypeId, true);
}));

await check("errors: ApiException's code, body (category, correlationId, errors[].code and context) and headers; 403 MISSING_SCOPES for a token without the scope", async () => {
  const missing = await rejects(hubspot.crm.contacts.basicApi.getById('424242'), 404, 'OBJECT_NOT_FOUND');
  assert.equal(missing.body.status, 'error');
  assert.ok(missing.body.correlationId);
  assert.match(missing.headers['content-type'], /^application\/json/);
  const invalid = await rejects(hubspot.crm.contacts.basicApi.create({ properties: { email: 'not-an-email' }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.equal(invalid.body.errors[0].code, 'INVALID_EMAIL');
  assert.deepEqual(invalid.body.errors[0].context.propertyName, ['email']);
  const { token } = await admin('POST', 'private-apps', { scopes: ['crm.objects.contacts.read'] });
  const limited = new Client({ accessToken: token, basePath });
  assert.equal((await limited.crm.contacts.basicApi.getById('201')).id, '201');
  const forbidden = await rejects(limited.crm.deals.basicApi.getPage(), 403, 'MISSING_SCOPES');
  assert.ok(forbidden.body.errors[0].context.requiredGranularScopes.includes('crm.objects.deals.read'));
  await rejects(limited.crm.contacts.basicApi.create({ properties: { firstname: 'No' }, associations: [] }), 403, 'MISSING_SCOPES');
});

await check('rate limits: X-HubSpot-RateLimit-* headers (getPageWithHttpInfo); 429 TEN_SECONDLY_ROLLING once enforced, which numberOfApiCallRetries waits out', async () => {
  const info = await hubspot.crm.contacts.basicApi.getPageWithHttpInfo(1);
  assert.equal(info.httpStatusCode, 200);
  assert.ok(Number(info.headers['x-hubspot-ratelimit-max']) > 0, JSON.stringify(info.headers));
  assert.ok('x-hubspot-ratelimit-remaining' in info.headers);
  await admin('POST', 'rate-limits', { enforced: true, tenSecondly: 3 });
  try {
    let refused;
    for (let i = 0; i < 6 && !refused; i += 1) {
      refused = await hubspot.crm.contacts.basicApi.getPage(1).then(() => undefined, (err) => err);
    }
    assert.ok(refused, 'no request was refused');
    assert.equal(refused.code, 429);
    assert.equal(refused.body.policyName, 'TEN_SECONDLY_ROLLING');
    // The SDK's own retry: on TEN_SECONDLY_ROLLING it waits 10 s and asks again, in a new window.
    const patient = new Client({ accessToken: process.env.HUBSPOT_TOKEN, basePath, numberOfApiCallRetries: 2 });
    const page = await patient.crm.contacts.basicApi.getPage(1);
    assert.equal(page.results.length, 1);
  } finally {
    await admin('POST', 'rate-limits', { enforced: false });
  }
});

await check('batch update, then search paged through paging.next.after to the last page; a run of wildcards; an unknown sort direction refused', async () => {
  const contacts = hubspot.crm.contacts;
  const tag = `pager-${run}`;
  const made = await contacts.batchApi.create({ inputs: Array.from({ length: 5 }, (_, i) => ({ properties: { email: `p${i}-${run}@pages.example`, jobtitle: tag }, associations: [] })) });
  const ids = made.results.map((o) => o.id).sort();
  const updated = await contacts.batchApi.update({ inputs: ids.map((id) => ({ id, properties: { lastname: 'Paged' } })) });
  assert.deepEqual([...new Set(updated.results.map((o) => o.properties.lastname))], ['Paged']);
  const seen = [];
  let after;
  let pages = 0;
  do {
    const page = await contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: tag }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: ['lastname'], limit: 2, after,
    });
    assert.equal(page.total, 5);
    seen.push(...page.results.map((r) => r.id));
    pages += 1;
    after = page.paging?.next?.after;
  } while (after);
  assert.deepEqual(seen, ids);
  assert.equal(pages, 3);
  // A run of wildcards is one wildcard.
  const starred = await contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: `***-${run}@pages.example` }] }], sorts: [], properties: [], limit: 10, after: '0' });
  assert.equal(starred.total, 5);
  await rejects(contacts.searchApi.doSearch({ filterGroups: [], sorts: [{ propertyName: 'email', direction: 'SIDEWAYS' }], properties: [], limit: 1, after: '0' }), 400, 'VALIDATION_ERROR');
  await contacts.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
});

await check('concurrent writes: upserts of one email make one contact; merges of one object merge it once (the others 404)', async () => {
  const contacts = hubspot.crm.contacts;
  const email = `node-race-${run}@example.com`;
  const upsert = () => contacts.batchApi.upsert({ inputs: [{ idProperty: 'email', id: email, properties: { firstname: 'Race' } }] });
  const answers = await Promise.all(Array.from({ length: 8 }, upsert));
  assert.equal(new Set(answers.map((a) => a.results[0].id)).size, 1);
  assert.equal(answers.filter((a) => a.results[0]._new).length, 1);
  const keep = answers[0].results[0].id;
  const gone = (await contacts.basicApi.create({ properties: { email: `node-race-gone-${run}@example.com` }, associations: [] })).id;
  const merge = () => contacts.basicApi.merge({ primaryObjectId: keep, objectIdToMerge: gone }).then(() => 200, (err) => err.code);
  const statuses = (await Promise.all(Array.from({ length: 6 }, merge))).sort();
  assert.deepEqual(statuses, [200, 404, 404, 404, 404, 404]);
  await contacts.basicApi.archive(keep);
});

await check("oauth: a token's metadata (account, app, user, scopes), an unknown token 404; a refresh token exchanged for an access token, an unknown one refused", async () => {
  // What an app reads after an install: the token's account, user and scopes.
  const info = await hubspot.oauth.accessTokensApi.get(process.env.HUBSPOT_TOKEN);
  assert.deepEqual([info.hubId, info.appId, info.tokenType, info.token], [62515, 1000001, 'access', process.env.HUBSPOT_TOKEN]);
  assert.ok(info.user && info.userId && info.expiresIn > 0);
  assert.ok(info.scopes.includes('crm.objects.contacts.write'));
  await rejects(hubspot.oauth.accessTokensApi.get('pat-na1-00000000-0000-0000-0000-000000000000'), 404);
  // A refresh: the app's client credentials and its refresh token give a new access token.
  const { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret, HUBSPOT_REFRESH_TOKEN: refreshToken } = process.env;
  const granted = await hubspot.oauth.tokensApi.create('refresh_token', undefined, undefined, clientId, clientSecret, refreshToken);
  assert.equal(granted.tokenType, 'bearer');
  assert.ok(granted.expiresIn > 0);
  const fresh = new Client({ accessToken: granted.accessToken, basePath });
  assert.ok((await fresh.crm.contacts.basicApi.getPage(1)).results.length);
  const err = await rejects(hubspot.oauth.tokensApi.create('refresh_token', undefined, undefined, clientId, clientSecret, 'na1-nope'), 400);
  assert.equal(err.body.status, 'BAD_REFRESH_TOKEN');
});

await check("oauth install: getAuthorizationUrl on the clone's origin redirects with a code; tokensApi.create exchanges it (authorization_code) once; refreshTokensApi.get names the app, archive deletes the refresh token; an admin-minted code", async () => {
  const { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret } = process.env;
  const redirectUri = 'http://127.0.0.1:9/node-callback';
  const url = new URL(hubspot.oauth.getAuthorizationUrl(clientId, redirectUri, 'crm.objects.contacts.read oauth', 'crm.lists.read', `node-${run}`));
  const page = await fetch(`${basePath}${url.pathname}${url.search}`, { redirect: 'manual' });
  assert.equal(page.status, 302);
  const back = new URL(page.headers.get('location'));
  assert.equal(`${back.origin}${back.pathname}`, redirectUri);
  assert.equal(back.searchParams.get('state'), `node-${run}`);
  const code = back.searchParams.get('code');
  const wrong = await rejects(hubspot.oauth.tokensApi.create('authorization_code', code, 'http://127.0.0.1:9/other', clientId, clientSecret), 400);
  assert.equal(wrong.body.status, 'BAD_REDIRECT_URI');
  const granted = await hubspot.oauth.tokensApi.create('authorization_code', code, redirectUri, clientId, clientSecret);
  assert.equal(granted.tokenType, 'bearer');
  const installed = new Client({ accessToken: granted.accessToken, basePath });
  assert.ok((await installed.crm.contacts.basicApi.getPage(1)).results.length);
  await rejects(installed.crm.deals.basicApi.getPage(1), 403, 'MISSING_SCOPES');
  const spent = await rejects(hubspot.oauth.tokensApi.create('authorization_code', code, redirectUri, clientId, clientSecret), 400);
  assert.equal(spent.body.status, 'BAD_AUTH_CODE');
  const meta = await hubspot.oauth.refreshTokensApi.get(granted.refreshToken);
  assert.deepEqual([meta.clientId, meta.hubId, meta.tokenType, meta.token], [clientId, 62515, 'refresh', granted.refreshToken]);
  assert.deepEqual(meta.scopes, ['crm.objects.contacts.read', 'oauth', 'crm.lists.read']);
  await hubspot.oauth.refreshTokensApi.archive(granted.refreshToken);
  await rejects(hubspot.oauth.refreshTokensApi.get(granted.refreshToken), 404);
  const gone = await rejects(hubspot.oauth.tokensApi.create('refresh_token', undefined, undefined, clientId, clientSecret, granted.refreshToken), 400);
  assert.equal(gone.body.status, 'BAD_REFRESH_TOKEN');
  assert.ok((await installed.crm.contacts.basicApi.getPage(1)).results.length, 'access tokens outlive their refresh token');
  const minted = await admin('POST', 'oauth/codes', { redirectUri, scopes: ['crm.objects.deals.read'] });
  const deals = await hubspot.oauth.tokensApi.create('authorization_code', minted.code, redirectUri, clientId, clientSecret);
  assert.ok(await new Client({ accessToken: deals.accessToken, basePath }).crm.deals.basicApi.getPage(1));
});

await check('quotes: hs_title and hs_expiration_date required; created with a deal and a line item (64, 67), read back, the deal\'s quotes (63) and the line item\'s (68), searched, batch read, archived', async () => {
  const quotes = hubspot.crm.quotes;
  const missing = await rejects(quotes.basicApi.create({ properties: { hs_title: `Node quote ${run}` }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.match(missing.body.message, /Error creating QUOTE/);
  const item = await hubspot.crm.lineItems.basicApi.create({ properties: { name: 'Audit', price: '900', quantity: '1' }, associations: [] });
  const link = (id, associationTypeId) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] });
  const quote = await quotes.basicApi.create({
    properties: { hs_title: `Node quote ${run}`, hs_expiration_date: '2026-12-31', hs_status: 'DRAFT' },
    associations: [link('401', 64), link(item.id, 67)],
  });
  const got = await quotes.basicApi.getById(quote.id, undefined, undefined, ['deals']);
  assert.equal(got.properties.hs_title, `Node quote ${run}`);
  assert.equal(got.properties.hs_status, 'DRAFT');
  assert.deepEqual(got.associations.deals.results.map((r) => r.id), ['401']);
  const onItem = await hubspot.crm.associations.v4.basicApi.getPage('line_items', item.id, 'quotes');
  assert.deepEqual(onItem.results.map((r) => [String(r.toObjectId), r.associationTypes[0].typeId]), [[quote.id, 68]]);
  const onDeal = await hubspot.crm.associations.v4.basicApi.getPage('deals', '401', 'quotes');
  assert.deepEqual(onDeal.results.map((r) => [String(r.toObjectId), r.associationTypes[0].typeId]), [[quote.id, 63]]);
  const found = await quotes.searchApi.doSearch({ query: `quote ${run}`, filterGroups: [], sorts: [], properties: ['hs_title'], limit: 10, after: '0' });
  assert.deepEqual(found.results.map((r) => r.id), [quote.id]);
  const batch = await quotes.batchApi.read({ inputs: [{ id: quote.id }], properties: ['hs_status'], propertiesWithHistory: [] });
  assert.equal(batch.results[0].properties.hs_status, 'DRAFT');
  await quotes.basicApi.archive(quote.id);
  await rejects(quotes.basicApi.getById(quote.id), 404);
  await hubspot.crm.lineItems.basicApi.archive(item.id);
});

await check("communications and postal mail: an SMS-style message and a letter logged on a contact with HubSpot's type ids, read back, searched, an unknown channel refused", async () => {
  const objects = hubspot.crm.objects;
  const link = (id, associationTypeId) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] });
  const sms = await objects.communications.basicApi.create({
    properties: { hs_communication_channel_type: 'SMS', hs_communication_logged_from: 'CRM', hs_communication_body: `Node message ${run}`, hs_timestamp: '2025-03-01T10:00:00Z' },
    associations: [link('202', 81)],
  });
  const got = await objects.communications.basicApi.getById(sms.id, undefined, undefined, ['contacts']);
  assert.equal(got.properties.hs_communication_channel_type, 'SMS');
  assert.equal(got.associations.contacts.results[0].id, '202');
  const found = await objects.communications.searchApi.doSearch({ query: `message ${run}`, filterGroups: [], sorts: [], properties: [], limit: 10, after: '0' });
  assert.deepEqual(found.results.map((r) => r.id), [sms.id]);
  const mail = await objects.postalMail.basicApi.create({ properties: { hs_postal_mail_body: `Node letter ${run}`, hs_timestamp: '2025-03-01T10:00:00Z' }, associations: [link('202', 453)] });
  const back = await hubspot.crm.associations.v4.basicApi.getPage('contacts', '202', 'postal_mail');
  assert.deepEqual(back.results.filter((r) => String(r.toObjectId) === mail.id).map((r) => r.associationTypes[0].typeId), [454]);
  // Their guides do not require hs_timestamp: without it, the creation time.
  const untimed = await objects.postalMail.basicApi.create({ properties: { hs_postal_mail_body: `Node untimed ${run}` }, associations: [] });
  assert.equal(untimed.properties.hs_timestamp, untimed.properties.createdate);
  await objects.postalMail.basicApi.archive(untimed.id);
  await rejects(objects.communications.basicApi.create({ properties: { hs_communication_channel_type: 'FAX', hs_timestamp: '2025-03-01T10:00:00Z' }, associations: [] }), 400, 'VALIDATION_ERROR');
  await objects.communications.basicApi.archive(sms.id);
  await objects.postalMail.basicApi.archive(mail.id);
});

await check("refusals: a JSON body sent as text/plain (415; 401 first without a valid token, 403 first without the scope), a type/fieldType pair HubSpot refuses, a stage label twice in a pipeline (an unknown stage's 404 first), propertiesWithHistory past 50 objects", async () => {
  // A JSON body sent as text/plain (the client's own apiRequest with its header replaced):
  // HubSpot's JSON routes answer 415; sent as JSON, the same body is read.
  const raw = { method: 'POST', path: '/crm/v3/objects/contacts', body: { properties: { email: `node-plain-${run}@example.com` } } };
  const plain = await hubspot.apiRequest({ ...raw, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(plain.status, 415);
  assert.equal((await plain.json()).category, 'VALIDATION_ERROR');
  const sent = await hubspot.apiRequest(raw);
  assert.equal(sent.status, 201);
  await hubspot.crm.contacts.basicApi.archive((await sent.json()).id);
  // Without a valid token the caller is refused first: 401, not the body's 415.
  const stranger = new Client({ accessToken: 'pat-na1-00000000-0000-0000-0000-000000000000', basePath });
  const unknown = await stranger.apiRequest({ ...raw, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(unknown.status, 401);
  assert.equal((await unknown.json()).category, 'INVALID_AUTHENTICATION');
  // A valid token without the route's scope: 403 MISSING_SCOPES, not the body's 415.
  const { token: reader } = await admin('POST', 'private-apps', { scopes: ['crm.objects.contacts.read'] });
  const unscoped = await new Client({ accessToken: reader, basePath }).apiRequest({ ...raw, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(unscoped.status, 403);
  assert.equal((await unscoped.json()).category, 'MISSING_SCOPES');
  // A number shown as a checkbox is refused; a number shown as a number is not.
  const props = hubspot.crm.properties.coreApi;
  const pair = { name: `node_pair_${run}`, label: 'Pair', type: 'number', groupName: 'contactinformation' };
  const err = await rejects(props.create('contacts', { ...pair, fieldType: 'checkbox' }), 400, 'VALIDATION_ERROR');
  assert.match(err.body.message, /fieldType checkbox/);
  assert.equal((await props.create('contacts', { ...pair, fieldType: 'number' })).fieldType, 'number');
  await rejects(props.update('contacts', pair.name, { fieldType: 'select' }), 400, 'VALIDATION_ERROR');
  await props.archive('contacts', pair.name);
  // A pipeline's stage labels are unique.
  const pipelines = hubspot.crm.pipelines;
  const stage = (label) => ({ label, displayOrder: 0, metadata: { probability: '0.5' } });
  await rejects(pipelines.pipelinesApi.create('deals', { label: `Node twice ${run}`, displayOrder: 4, stages: [stage('Open'), stage('Open')] }), 400, 'VALIDATION_ERROR');
  const pipeline = await pipelines.pipelinesApi.create('deals', { label: `Node once ${run}`, displayOrder: 4, stages: [stage('Open')] });
  await rejects(pipelines.pipelineStagesApi.create('deals', pipeline.id, stage('Open')), 400, 'VALIDATION_ERROR');
  // A rename to a taken label of a stage that does not exist: the stage's 404 comes first.
  await rejects(pipelines.pipelineStagesApi.update('deals', pipeline.id, '999999', { label: 'Open' }), 404);
  await pipelines.pipelinesApi.archive('deals', pipeline.id);
  // propertiesWithHistory: at most 50 objects a read.
  const contacts = hubspot.crm.contacts;
  const inputs = Array.from({ length: 51 }, (_, i) => ({ id: String(201 + (i % 3)) }));
  const tooMany = await rejects(contacts.batchApi.read({ inputs, properties: ['email'], propertiesWithHistory: ['email'] }), 400, 'VALIDATION_ERROR');
  assert.match(tooMany.body.message, /property histories is 50/);
  const read = await contacts.batchApi.read({ inputs: inputs.slice(0, 50), properties: ['email'], propertiesWithHistory: ['email'] });
  assert.ok(read.results[0].propertiesWithHistory.email[0].value);
  await rejects(contacts.basicApi.getPage(51, undefined, undefined, ['email']), 400, 'VALIDATION_ERROR');
  const page = await contacts.basicApi.getPage(50, undefined, undefined, ['email']);
  assert.ok(page.results.length >= 3);
});

await check('imports: a CSV of contacts (multipart importRequest + files) creates one, updates one by email, reports a bad email row (getErrors), read, listed, cancelled; an unknown property refused', async () => {
  const email = `node-imp-${run}@example.com`;
  const mappings = [
    { columnName: 'First Name', columnObjectTypeId: '0-1', propertyName: 'firstname' },
    { columnName: 'Email', columnObjectTypeId: '0-1', propertyName: 'email' },
  ];
  const request = (columnMappings) => JSON.stringify({ name: `node import ${run}`, files: [{ fileName: 'contacts.csv', fileFormat: 'CSV', fileImportPage: { hasHeader: true, columnMappings } }] });
  const file = { data: Buffer.from(`First Name,Email\nImported,${email}\nJane,jane.doe@example.com\nBad,not-an-email\n`), name: 'contacts.csv' };
  const imports = hubspot.crm.imports;
  const started = await imports.coreApi.create(file, request(mappings));
  assert.equal(started.state, 'DONE');
  const { counters } = started.metadata;
  assert.deepEqual([counters.TOTAL_ROWS, counters.CREATED_OBJECTS, counters.UPDATED_OBJECTS], [3, 1, 1]);
  assert.ok(started.createdAt instanceof Date);
  assert.equal((await imports.coreApi.getById(Number(started.id))).importName, `node import ${run}`);
  assert.ok((await imports.coreApi.getPage(undefined, undefined, 100)).results.some((i) => i.id === started.id));
  const errors = await imports.publicImportsApi.getErrors(Number(started.id), undefined, undefined, true, true);
  assert.deepEqual(errors.results.map((e) => e.errorType), ['INVALID_EMAIL']);
  assert.deepEqual(errors.results[0].sourceData.rowData, ['Bad', 'not-an-email']);
  assert.equal(errors.results[0].errorMessage, 'Email address not-an-email is invalid');
  const contact = await hubspot.crm.contacts.basicApi.getById(email, ['firstname'], undefined, undefined, false, 'email');
  assert.equal(contact.properties.firstname, 'Imported');
  assert.equal((await imports.coreApi.cancel(Number(started.id))).status, 'COMPLETE');
  await rejects(imports.coreApi.getById(999999), 404);
  const err = await rejects(imports.coreApi.create(file, request([{ columnName: 'Email', columnObjectTypeId: '0-1', propertyName: 'no_such_property' }])), 400, 'VALIDATION_ERROR');
  assert.match(err.body.message, /no_such_property/);
});

await check('oauth expiry: an access token refused with 401 EXPIRED_AUTHENTICATION once its expires_in has passed (the clock moved on by the admin surface); a refresh gives a working one', async () => {
  const { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret, HUBSPOT_REFRESH_TOKEN: refreshToken } = process.env;
  const refresh = () => hubspot.oauth.tokensApi.create('refresh_token', undefined, undefined, clientId, clientSecret, refreshToken);
  const granted = await refresh();
  assert.equal(granted.expiresIn, 1800);
  const fresh = new Client({ accessToken: granted.accessToken, basePath });
  assert.ok((await fresh.crm.contacts.basicApi.getPage(1)).results.length);
  await admin('POST', 'oauth/advance', { seconds: 1860 });
  const err = await rejects(fresh.crm.contacts.basicApi.getPage(1), 401, 'EXPIRED_AUTHENTICATION');
  assert.equal(err.body.message, 'The OAuth token used to make this call expired 1 minute(s) ago.');
  const again = new Client({ accessToken: (await refresh()).accessToken, basePath });
  assert.ok((await again.crm.contacts.basicApi.getPage(1)).results.length);
});

await check("timeline: an event template with tokens (developer API key), events on a contact by id and (batch) by email, read, detail, rendered; an enumeration token sets the contact's property; a bad token value refused", async () => {
  const developer = new Client({ developerApiKey: process.env.HUBSPOT_DEVELOPER_KEY, basePath });
  const template = await developer.crm.timeline.templatesApi.create(1000001, {
    name: `node webinar ${run}`, objectType: 'contacts', headerTemplate: 'Registered for {{webinarName}}', detailTemplate: 'Seats: {{seats}}',
    tokens: [
      { name: 'webinarName', label: 'Webinar', type: 'string', options: [] },
      { name: 'seats', label: 'Seats', type: 'number', options: [] },
      { name: 'stage', label: 'Stage', type: 'enumeration', objectPropertyName: 'lifecyclestage', options: [{ label: 'Lead', value: 'lead' }, { label: 'Customer', value: 'customer' }] },
    ],
  });
  assert.deepEqual(template.tokens.map((t) => t.name), ['webinarName', 'seats', 'stage']);
  assert.ok((await developer.crm.timeline.templatesApi.getAll(1000001)).results.some((t) => t.id === template.id));
  const events = hubspot.crm.timeline.eventsApi;
  const event = await events.create({ eventTemplateId: template.id, id: `node-${run}`, objectId: '203', tokens: { webinarName: 'Rust 101', seats: '3', stage: 'customer' } });
  assert.deepEqual([event.objectId, event.objectType, event.tokens.seats], ['203', 'contacts', '3']);
  assert.ok(event.createdAt instanceof Date);
  assert.equal((await events.getById(template.id, `node-${run}`)).tokens.webinarName, 'Rust 101');
  assert.equal((await events.getDetailById(template.id, `node-${run}`)).details, 'Seats: 3');
  assert.equal(await events.getRenderById(template.id, `node-${run}`), 'Registered for Rust 101');
  const contact = await hubspot.crm.contacts.basicApi.getById('203', ['lifecyclestage']);
  assert.equal(contact.properties.lifecyclestage, 'customer');
  const batch = await events.createBatch({ inputs: [{ eventTemplateId: template.id, id: `node-b-${run}`, email: `tl-node-${run}@example.com`, tokens: { seats: '1' } }] });
  assert.equal(batch.results[0].objectType, 'contacts');
  await rejects(events.create({ eventTemplateId: template.id, id: `node-x-${run}`, objectId: '203', tokens: { seats: 'many' } }), 400);
  await developer.crm.timeline.templatesApi.archive(template.id, 1000001);
});

await check('exports: a VIEW export of contacts filtered by email, COMPLETE with a result URL whose CSV holds the one contact', async () => {
  // The Node SDK cannot serialize its own PublicExportRequest (a oneOf type alias: "typeMap[type].getAttributeTypeMap is
  // not a function", as HubSpot/hubspot-api-nodejs#649 reports of others), so the export starts through apiRequest.
  const exports = hubspot.crm.exports.publicExportsApi;
  const response = await hubspot.apiRequest({ method: 'POST', path: '/crm/v3/exports/export/async', body: {
    exportType: 'VIEW', format: 'CSV', exportName: `node export ${run}`, objectType: '0-1', objectProperties: ['email', 'firstname'],
    language: 'EN', exportInternalValuesOptions: ['VALUES'], overrideAssociatedObjectsPerDefinitionPerRowLimit: false,
    publicCrmSearchRequest: { filters: [{ propertyName: 'email', operator: 'EQ', value: 'jane.doe@example.com' }] },
  } });
  assert.equal(response.status, 202);
  const started = await response.json();
  const status = await exports.getStatus(Number(started.id));
  assert.equal(status.status, 'COMPLETE');
  const file = await fetch(status.result);
  assert.equal(file.status, 200);
  const lines = (await file.text()).trim().split('\r\n');
  assert.equal(lines[0], 'Record ID,Email,First Name');
  assert.ok(lines[1].startsWith('201,jane.doe@example.com,'));
  assert.equal(lines.length, 2);
});

await check('settings users: listed and paged, roles and teams, a user created with a role and teams (an owner too), read by email, its role and teams replaced, a taken email and an unknown team refused, removed', async () => {
  const users = hubspot.settings.users;
  const page = await users.usersApi.getPage(1);
  assert.equal(page.results[0].id, '9001');
  assert.equal(page.paging.next.after, '9001');
  const roles = Object.fromEntries((await users.rolesApi.getAll()).results.map((role) => [role.name, role.id]));
  const teams = Object.fromEntries((await users.teamsApi.getAll()).results.map((team) => [team.name, team.id]));
  const email = `node-user-${run}@acme-sales.example`;
  const created = await users.usersApi.create({ email, sendWelcomeEmail: false, roleId: roles['Sales Rep'], primaryTeamId: teams.Sales });
  assert.deepEqual(created.roleIds, [roles['Sales Rep']]);
  assert.equal(created.primaryTeamId, teams.Sales);
  assert.equal(created.superAdmin, false);
  const owner = await hubspot.crm.owners.ownersApi.getById(Number(created.id), 'userId');
  assert.equal(owner.email, email);
  assert.equal((await users.usersApi.getById(email, 'EMAIL')).id, created.id);
  const replaced = await users.usersApi.replace(created.id, { primaryTeamId: teams.Support, secondaryTeamIds: [teams.Sales] });
  assert.equal(replaced.primaryTeamId, teams.Support);
  assert.deepEqual(replaced.secondaryTeamIds, [teams.Sales]);
  assert.equal(replaced.roleId, roles['Sales Rep']);
  const support = (await users.teamsApi.getAll()).results.find((team) => team.id === teams.Support);
  assert.ok(support.userIds.includes(created.id), JSON.stringify(support));
  await rejects(users.usersApi.create({ email: email.toUpperCase(), sendWelcomeEmail: false }), 409, 'CONFLICT');
  await rejects(users.usersApi.replace(created.id, { primaryTeamId: '77' }), 400, 'VALIDATION_ERROR');
  await users.usersApi.archive(created.id);
  await rejects(users.usersApi.getById(created.id), 404, 'OBJECT_NOT_FOUND');
});

await check("leads: created with their primary contact (578), read with it, moved to a stage of the lead pipeline, searched, the contact's side (579), batch created with a company (610), one without a contact or company refused, archived", async () => {
  const leads = hubspot.crm.objects.leads;
  const link = (id, associationTypeId) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] });
  const lead = await leads.basicApi.create({ properties: { hs_lead_name: `Node lead ${run}`, hs_lead_type: 'NEW BUSINESS', hs_lead_label: 'WARM' }, associations: [link('203', 578)] });
  const got = await leads.basicApi.getById(lead.id, ['hs_lead_label'], undefined, ['contacts']);
  assert.equal(got.properties.hs_lead_label, 'WARM');
  assert.equal(got.associations.contacts.results[0].id, '203');
  const moved = await leads.basicApi.update(lead.id, { properties: { hs_pipeline: 'lead-pipeline-id', hs_pipeline_stage: 'qualified-stage-id' } });
  assert.equal(moved.properties.hs_pipeline_stage, 'qualified-stage-id');
  const found = await leads.searchApi.doSearch({ query: `lead ${run}`, filterGroups: [], sorts: [], properties: [], limit: 10, after: '0' });
  assert.deepEqual(found.results.map((r) => r.id), [lead.id]);
  const back = await hubspot.crm.associations.v4.basicApi.getPage('contacts', '203', 'leads');
  assert.deepEqual(back.results.filter((r) => String(r.toObjectId) === lead.id).map((r) => r.associationTypes[0].typeId), [579]);
  const pipeline = await hubspot.crm.pipelines.pipelinesApi.getById('leads', 'lead-pipeline-id');
  assert.deepEqual(pipeline.stages.map((s) => s.id).slice(0, 2), ['new-stage-id', 'attempting-stage-id']);
  const made = await leads.batchApi.create({ inputs: [{ properties: { hs_lead_name: `Node batch lead ${run}` }, associations: [link('302', 610)] }] });
  assert.equal(made.results[0].properties.hs_lead_name, `Node batch lead ${run}`);
  const refused = await rejects(leads.basicApi.create({ properties: { hs_lead_name: 'Unlinked' }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.match(refused.body.message, /must be associated/);
  await leads.batchApi.archive({ inputs: [{ id: lead.id }, { id: made.results[0].id }] });
});

await check("crm users (0-115, through the generic objects API): listed, a user's record updated (job title, availability), read by hs_internal_user_id, searched; a create refused", async () => {
  const objects = hubspot.crm.objects;
  const page = await objects.basicApi.getPage('users', undefined, undefined, ['hs_email', 'hs_internal_user_id']);
  const bob = page.results.find((u) => u.properties.hs_internal_user_id === '9002');
  assert.equal(bob.properties.hs_email, 'bob@acme-sales.example');
  assert.notEqual(bob.id, '9002');
  const title = `Node rep ${run}`;
  const updated = await objects.basicApi.update('users', bob.id, { properties: { hs_job_title: title, hs_availability_status: 'away' } });
  assert.equal(updated.properties.hs_job_title, title);
  const byUser = await objects.basicApi.getById('users', '9002', ['hs_job_title'], undefined, undefined, undefined, 'hs_internal_user_id');
  assert.equal(byUser.id, bob.id);
  assert.equal(byUser.properties.hs_job_title, title);
  const found = await objects.searchApi.doSearch('users', { filterGroups: [{ filters: [{ propertyName: 'hs_job_title', operator: 'EQ', value: title }] }], sorts: [], properties: [], limit: 10, after: '0' });
  assert.deepEqual(found.results.map((u) => u.id), [bob.id]);
  const refused = await rejects(objects.basicApi.create('users', { properties: { hs_job_title: 'x' }, associations: [] }), 400, 'VALIDATION_ERROR');
  assert.match(refused.body.message, /cannot be created/);
});

await check('goals (goal_targets): listed, read, searched; an update refused', async () => {
  const goals = hubspot.crm.objects.goals;
  const page = await goals.basicApi.getPage(undefined, undefined, ['hs_goal_name', 'hs_target_amount']);
  assert.deepEqual(page.results.map((g) => g.id), ['601', '602']);
  const got = await goals.basicApi.getById('602', ['hs_target_amount', 'hubspot_owner_id']);
  assert.equal(got.properties.hs_target_amount, '12000');
  assert.equal(got.properties.hubspot_owner_id, '101');
  const found = await goals.searchApi.doSearch({ query: 'revenue', filterGroups: [], sorts: [], properties: [], limit: 10, after: '0' });
  assert.equal(found.total, 2);
  const refused = await rejects(goals.basicApi.update('601', { properties: { hs_target_amount: '1' } }), 400, 'VALIDATION_ERROR');
  assert.match(refused.body.message, /cannot be updated/);
});

await check("communication preferences: subscription definitions, an address's statuses (NOT_SUBSCRIBED until it opts in), subscribed with a legal basis, unsubscribed; subscribing it again and an unknown subscription refused", async () => {
  const prefs = hubspot.communicationPreferences;
  const definitions = (await prefs.definitionApi.getPage()).subscriptionDefinitions;
  const marketing = definitions.find((d) => d.name === 'Marketing Information');
  assert.equal(marketing.isDefault, true);
  const email = `node-prefs-${run}@example.com`;
  const before = await prefs.statusApi.getEmailStatus(email);
  assert.equal(before.recipient, email);
  assert.ok(before.subscriptionStatuses.every((s) => s.status === 'NOT_SUBSCRIBED'));
  const subscribed = await prefs.statusApi.subscribe({ emailAddress: email, subscriptionId: marketing.id, legalBasis: 'LEGITIMATE_INTEREST_CLIENT', legalBasisExplanation: 'A customer' });
  assert.equal(subscribed.status, 'SUBSCRIBED');
  assert.equal(subscribed.sourceOfStatus, 'SUBSCRIPTION_STATUS');
  const after = await prefs.statusApi.getEmailStatus(email);
  assert.equal(after.subscriptionStatuses.find((s) => s.id === marketing.id).status, 'SUBSCRIBED');
  assert.equal((await prefs.statusApi.unsubscribe({ emailAddress: email, subscriptionId: marketing.id })).status, 'NOT_SUBSCRIBED');
  const refused = await rejects(prefs.statusApi.subscribe({ emailAddress: email, subscriptionId: marketing.id }), 400, 'VALIDATION_ERROR');
  assert.equal(refused.body.message, 'You cannot subscribe an unsubscribed address.');
  await rejects(prefs.statusApi.subscribe({ emailAddress: email, subscriptionId: '999' }), 400, 'VALIDATION_ERROR');
});

await check('communication preferences v4 batches: statuses read and written (207 for refused inputs, a resubscribe without consent among them), addresses opted out of all email, their portal-wide status read, one resubscribed with its consent', async () => {
  // No generated method for v4 in the SDK: the client's own apiRequest.
  const send = async (path, body) => {
    const response = await hubspot.apiRequest({ method: 'POST', path: `/communication-preferences/v4/statuses/batch/${path}`, body });
    return { status: response.status, body: await response.json() };
  };
  const email = `node-batch-${run}@example.com`;
  const other = `node-batch2-${run}@example.com`;
  const state = (address, statusState, subscriptionId = 7001) => ({ channel: 'EMAIL', statusState, subscriberIdString: address, subscriptionId });
  const written = await send('write', { inputs: [{ ...state(email, 'SUBSCRIBED'), legalBasis: 'NON_GDPR' }, state(other, 'UNSUBSCRIBED', 7003)] });
  assert.equal(written.status, 200);
  assert.equal(written.body.numErrors, undefined);
  assert.deepEqual(written.body.results.map((r) => [r.subscriberIdString, r.status, r.setStatusSuccessReason]),
    [[email, 'SUBSCRIBED', 'REQUESTED_CHANGE_OCCURRED'], [other, 'UNSUBSCRIBED', 'REQUESTED_CHANGE_OCCURRED']]);
  assert.equal(written.body.results[0].legalBasis, 'NON_GDPR');
  const statuses = (await hubspot.communicationPreferences.statusApi.getEmailStatus(email)).subscriptionStatuses;
  assert.equal(statuses.find((s) => s.id === '7001').status, 'SUBSCRIBED');
  const partial = await send('write', { inputs: [state(email, 'SUBSCRIBED'), state(other, 'SUBSCRIBED', 7003), state('not-an-address', 'SUBSCRIBED'), state(email, 'SUBSCRIBED', 999)] });
  assert.equal(partial.status, 207);
  assert.equal(partial.body.numErrors, 3);
  assert.equal(partial.body.results[0].setStatusSuccessReason, 'NO_STATUS_CHANGE');
  assert.deepEqual(partial.body.errors.map((e) => e.message), ["You cannot subscribe an unsubscribed address without the contact's consent: a resubscribe needs a legalBasis and its legalBasisExplanation.", 'Email address not-an-address is invalid', 'Subscription 999 does not exist']);
  assert.deepEqual(partial.body.errors[1].context.subscriberIdString, ['not-an-address']);
  // A batch read reports an invalid address in a 207 too, the others read.
  const read = await send('read?channel=EMAIL', { inputs: [email, 'not-an-address'] });
  assert.equal(read.status, 207);
  assert.equal(read.body.numErrors, 1);
  assert.equal(read.body.errors[0].message, 'Email address not-an-address is invalid');
  assert.deepEqual(read.body.results.map((r) => r.subscriberIdString), [email]);
  assert.equal(read.body.results[0].statuses.find((s) => s.subscriptionId === 7001).status, 'SUBSCRIBED');
  // Opting out of all email: every type unsubscribed, the portal-wide status read back.
  const before = await send('unsubscribe-all/read?channel=EMAIL', { inputs: [email] });
  assert.equal(before.status, 200);
  assert.deepEqual(before.body.results[0].wideStatuses, []);
  const out = await send('unsubscribe-all?channel=EMAIL&verbose=true', { inputs: [email, 'bad'] });
  assert.equal(out.status, 207);
  assert.equal(out.body.numErrors, 1);
  assert.equal(out.body.results[0].subscriberIdString, email);
  assert.ok(out.body.results[0].statuses.every((s) => s.status === 'UNSUBSCRIBED'));
  const wide = await send('unsubscribe-all/read?channel=EMAIL', { inputs: [email.toUpperCase(), other] });
  assert.equal(wide.status, 200);
  assert.deepEqual(wide.body.results[0].wideStatuses.map((w) => [w.wideStatusType, w.status]), [['PORTAL_WIDE', 'UNSUBSCRIBED']]);
  assert.deepEqual(wide.body.results[1].wideStatuses, []);
  await rejects(hubspot.communicationPreferences.statusApi.subscribe({ emailAddress: email, subscriptionId: '7003' }), 400, 'VALIDATION_ERROR');
  // v4 resubscribes it with the contact's consent on record, lifting its opt-out of all email.
  const again = await send('write', { inputs: [{ ...state(email, 'SUBSCRIBED', 7003), legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'Asked to hear from us again' }] });
  assert.equal(again.status, 200);
  assert.equal(again.body.results[0].setStatusSuccessReason, 'RESUBSCRIBE_OCCURRED');
  assert.deepEqual((await send('unsubscribe-all/read?channel=EMAIL', { inputs: [email] })).body.results[0].wideStatuses, []);
  assert.equal((await send('unsubscribe-all', { inputs: [email] })).status, 400);
  assert.equal((await send('write', { inputs: 'x' })).status, 400);
});

await check('communication preferences v4: one address opted out of all email (verbose: each type\'s status), its portal-wide status read', async () => {
  // No generated method for v4 in the SDK: the client's own apiRequest.
  const email = `node-optout-${run}@example.com`;
  const path = `/communication-preferences/v4/statuses/${email}/unsubscribe-all?channel=EMAIL`;
  const before = await hubspot.apiRequest({ method: 'GET', path });
  assert.equal(before.status, 200);
  assert.deepEqual((await before.json()).results, []);
  const out = await hubspot.apiRequest({ method: 'POST', path: `${path}&verbose=true` });
  assert.equal(out.status, 200);
  assert.ok((await out.json()).results.every((s) => s.setStatusSuccessReason === 'UNSUBSCRIBE_FROM_ALL_OCCURRED'));
  const after = await (await hubspot.apiRequest({ method: 'GET', path })).json();
  assert.deepEqual(after.results.map((w) => [w.wideStatusType, w.status, w.subscriberIdString]), [['PORTAL_WIDE', 'UNSUBSCRIBED', email]]);
  const statuses = (await hubspot.communicationPreferences.statusApi.getEmailStatus(email)).subscriptionStatuses;
  assert.ok(statuses.every((s) => s.status === 'NOT_SUBSCRIBED'));
});

await check('marketing forms: created, read, listed, replaced (PUT), submitted through the secure route (plain HTTP, the contact updated), its submissions read, archived', async () => {
  const api = hubspot.marketing.forms.formsApi;
  const email = { objectTypeId: '0-1', name: 'email', label: 'Email', required: true, hidden: false,
    fieldType: 'email', dependentFields: [], validation: { blockedEmailDomains: [], useDefaultBlockList: false } };
  const created = await api.create({
    formType: 'hubspot', name: `Node form ${run}`, archived: false,
    fieldGroups: [{ groupType: 'default_group', richTextType: 'text', fields: [email] }],
    configuration: { postSubmitAction: { type: 'redirect_url', value: 'https://acme.example/thanks' } },
    legalConsentOptions: { type: 'none' },
  });
  assert.equal(created.formType, 'hubspot');
  assert.ok(created.createdAt instanceof Date);
  const got = await api.getById(created.id);
  assert.equal(got.fieldGroups[0].fields[0].name, 'email');
  const page = await api.getPage(undefined, 500, undefined, ['hubspot']);
  assert.ok(page.results.some((f) => f.id === created.id));
  const first = { objectTypeId: '0-1', name: 'firstname', label: 'First name', required: false, hidden: false,
    fieldType: 'single_line_text', dependentFields: [] };
  const replaced = await api.replace(created.id, {
    ...got, name: `Node form ${run} v2`,
    fieldGroups: [{ groupType: 'default_group', richTextType: 'text', fields: [email, first] }],
  });
  assert.equal(replaced.name, `Node form ${run} v2`);
  assert.equal(replaced.fieldGroups[0].fields.length, 2);
  // The secure submit route has no SDK client: plain HTTP with the token.
  const submit = (fields) => fetch(`${basePath}/submissions/v3/integration/secure/submit/62515/${created.id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${process.env.HUBSPOT_TOKEN}` },
    body: JSON.stringify({ fields, context: { pageUri: 'https://acme.example/node' } }),
  });
  const address = `node-form-${run}@web.example`;
  await hubspot.crm.contacts.basicApi.create({ properties: { email: address, firstname: 'Before' } });
  const answer = await submit([{ name: 'email', value: address }, { name: 'firstname', value: 'After' }]);
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { redirectUri: 'https://acme.example/thanks' });
  const contact = await hubspot.crm.contacts.basicApi.getById(address, ['firstname'], undefined, undefined, false, 'email');
  assert.equal(contact.properties.firstname, 'After');
  const missing = await submit([{ name: 'firstname', value: 'No email' }]);
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).errors[0].errorType, 'REQUIRED_FIELD');
  const read = await fetch(`${basePath}/form-integrations/v1/submissions/forms/${created.id}`, {
    headers: { Authorization: `Bearer ${process.env.HUBSPOT_TOKEN}` },
  });
  const submissions = await read.json();
  assert.equal(submissions.results.length, 1);
  assert.equal(submissions.results[0].pageUrl, 'https://acme.example/node');
  await api.archive(created.id);
  await assert.rejects(api.getById(created.id), (err) => err.code === 404);
  assert.equal((await api.getById(created.id, true)).archived, true);
});

finish('node @hubspot/api-client');
