"""HubSpot's official Python SDK (hubspot-api-client) against the clone, changing only `host`.

Env: HUBSPOT_API_BASE (http://127.0.0.1:<port>), HUBSPOT_TOKEN, HUBSPOT_DEVELOPER_KEY,
HUBSPOT_CLIENT_SECRET, HUBSPOT_CLIENT_ID, HUBSPOT_REFRESH_TOKEN, ASYM_ADMIN_URL/ASYM_ADMIN_SECRET
(the clone's admin surface, for a token of fewer scopes and rate limits switched on). Exits
non-zero on failure.
"""
import json
import os
from importlib.metadata import version
import urllib.parse
import uuid

import urllib3

import hubspot
from check import Receiver, admin, check, finish
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.associations.v4.schema import PublicAssociationDefinitionCreateRequest
from hubspot.crm.contacts.exceptions import ForbiddenException, NotFoundException
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInputUpsert,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
    PublicGdprDeleteInput,
    PublicMergeInput,
)
from hubspot.crm.imports import ApiException as ImportsApiException
from hubspot.crm.lists import ListCreateRequest, ListFolderCreateRequest, ListMoveRequest, ListSearchRequest, MembershipChangeRequest
from hubspot.crm.pipelines import PipelineInput, PipelineStageInput, PipelineStagePatchInput
from hubspot.crm.properties import PropertyCreate, PropertyGroupCreate, PropertyUpdate, OptionInput
from hubspot.communication_preferences import ApiException as PreferencesApiException, PublicUpdateSubscriptionStatusRequest
from hubspot.settings.users import ApiException as UsersApiException, PublicUserUpdate, UserProvisionRequest
from hubspot.utils.oauth import get_auth_url
from hubspot.utils.signature import Signature
from hubspot.webhooks import SettingsChangeRequest, SubscriptionCreateRequest, SubscriptionPatchRequest, ThrottlingSettings
from hubspot.crm.schemas import (
    AssociationDefinitionEgg,
    ObjectSchemaEgg,
    ObjectTypeDefinitionLabels,
    ObjectTypeDefinitionPatch,
    ObjectTypePropertyCreate,
)

client = hubspot.Client.create(access_token=os.environ["HUBSPOT_TOKEN"], host=os.environ["HUBSPOT_API_BASE"])
run = uuid.uuid4().hex[:8]


def objects():
    contacts = client.crm.contacts
    created = contacts.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"email": f"py-{run}@example.com", "firstname": "Py", "lifecyclestage": "lead"}))
    assert created.properties["hs_object_id"] == created.id
    got = contacts.basic_api.get_by_id(f"py-{run}@example.com", id_property="email",
                                       properties=["firstname", "nope"], associations=["companies"])
    assert got.id == created.id and got.properties["firstname"] == "Py" and "nope" not in got.properties
    updated = contacts.basic_api.update(created.id, SimplePublicObjectInput(properties={"lastname": "Thon"}))
    assert updated.properties["lastname"] == "Thon"
    page = contacts.basic_api.get_page(limit=2, associations=["companies"])
    assert len(page.results) == 2 and page.paging.next.after
    assert page.results[0].associations["companies"].results[0].id == "301"
    deal = client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"dealname": f"Py deal {run}", "amount": "100", "pipeline": "default",
                    "dealstage": "appointmentscheduled"}))
    assert deal.properties["amount"] == "100"
    contacts.basic_api.archive(created.id)
    try:
        contacts.basic_api.get_by_id(created.id)
        raise AssertionError("archived contact still readable")
    except ApiException as err:
        assert err.status == 404


def batch_and_search():
    contacts = client.crm.contacts
    inputs = [SimplePublicObjectBatchInputForCreate(
        properties={"email": f"b{i}-{run}@batch.example", "firstname": f"B{i}"}) for i in range(5)]
    created = contacts.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    assert created.status == "COMPLETE" and len(created.results) == 5
    ids = [o.id for o in created.results]
    read = contacts.batch_api.read(BatchReadInputSimplePublicObjectId(
        inputs=[SimplePublicObjectId(id=i) for i in ids[:2]] + [SimplePublicObjectId(id="999")],
        properties=["email"], properties_with_history=[]))
    assert len(read.results) == 2 and read.num_errors == 1, read
    upserted = contacts.batch_api.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
        SimplePublicObjectBatchInputUpsert(id_property="email", id=f"b0-{run}@batch.example", properties={"jobtitle": "CEO"}),
        SimplePublicObjectBatchInputUpsert(id_property="email", id=f"new-{run}@batch.example", properties={"firstname": "N"}),
    ]))
    assert sorted(r.new for r in upserted.results) == [False, True]
    found = contacts.search_api.do_search(PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[
            Filter(property_name="email", operator="CONTAINS_TOKEN", value=f"*-{run}@batch.example"),
            Filter(property_name="firstname", operator="HAS_PROPERTY"),
        ])],
        sorts=["-createdate"], properties=["email", "jobtitle"], limit=3))
    assert found.total == 6 and len(found.results) == 3 and found.paging.next.after == "3", found
    assert found.paging.next.link.endswith("/crm/v3/objects/contacts/search?after=3"), found.paging
    # A sort on a property contacts lack is refused, not ignored.
    try:
        contacts.search_api.do_search(PublicObjectSearchRequest(sorts=["amount"], limit=1))
        raise AssertionError("a sort on an unknown property was accepted")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and body["message"] == 'Property "amount" does not exist', (err.status, body)
    contacts.batch_api.archive(BatchInputSimplePublicObjectId(inputs=[SimplePublicObjectId(id=i) for i in ids]))
    again = contacts.search_api.do_search(PublicObjectSearchRequest(query=f"b1-{run}"))
    assert again.total == 0


def merge_gdpr_and_history():
    contacts = client.crm.contacts.basic_api
    keep = contacts.create(SimplePublicObjectInputForCreate(
        properties={"email": f"keep-{run}@merge.example", "firstname": "Keep"}))
    gone = contacts.create(SimplePublicObjectInputForCreate(
        properties={"email": f"gone-{run}@merge.example", "jobtitle": "CTO"}))
    contacts.update(keep.id, SimplePublicObjectInput(properties={"firstname": "Kept"}))
    merged = contacts.merge(PublicMergeInput(primary_object_id=keep.id, object_id_to_merge=gone.id))
    assert merged.id == keep.id and merged.properties["jobtitle"] == "CTO", merged
    history = contacts.get_by_id(keep.id, properties_with_history=["firstname"])
    assert [h.value for h in history.properties_with_history["firstname"]] == ["Kept", "Keep"], history
    for archived in (gone.id,):
        try:
            contacts.get_by_id(archived)
            raise AssertionError("the merged contact is still readable")
        except ApiException as err:
            assert err.status == 404
    contacts.purge(PublicGdprDeleteInput(object_id=f"keep-{run}@merge.example", id_property="email"))
    try:
        contacts.get_by_id(keep.id, archived=True)
        raise AssertionError("a GDPR-deleted contact is still readable")
    except ApiException as err:
        assert err.status == 404


def associations():
    v4 = client.crm.associations.v4
    default = v4.basic_api.create_default("contacts", "203", "companies", "302")
    assert default.results[0].association_spec.association_type_id == 279
    labels = v4.schema.definitions_api.create("contacts", "companies", PublicAssociationDefinitionCreateRequest(
        label=f"Champion {run}", name=f"champion_{run}"))
    type_id = labels.results[0].type_id
    pair = v4.basic_api.create("contacts", "203", "companies", "301", [
        AssociationSpec(association_category="USER_DEFINED", association_type_id=type_id)])
    assert pair.labels == [f"Champion {run}"]
    page = v4.basic_api.get_page("contacts", "203", "companies")
    assert {str(r.to_object_id) for r in page.results} == {"301", "302"}
    all_labels = v4.schema.definitions_api.get_all("contacts", "companies")
    assert any(l.type_id == type_id for l in all_labels.results)
    # Several objects' associations at once; an unknown id is reported, not an error.
    from hubspot.crm.associations.v4 import (
        BatchInputPublicFetchAssociationsBatchRequest, PublicFetchAssociationsBatchRequest)
    batch = v4.batch_api.get_page("contacts", "companies", BatchInputPublicFetchAssociationsBatchRequest(
        inputs=[PublicFetchAssociationsBatchRequest(id=i) for i in ("203", "201", "999999")]))
    by_contact = {r._from.id: sorted(str(t.to_object_id) for t in r.to) for r in batch.results}
    assert by_contact["203"] == ["301", "302"] and by_contact["201"] == ["301"], by_contact
    assert batch.num_errors == 1, batch
    # A company created already associated with a contact (HubSpot's company_to_contact, 280).
    company = client.crm.companies.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"name": f"Py assoc {run}"}, associations=[{"to": {"id": "202"}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}]}]))
    linked = client.crm.companies.basic_api.get_by_id(company.id, associations=["contacts"])
    assert [a.id for a in linked.associations["contacts"].results] == ["202"], linked.associations
    client.crm.companies.basic_api.archive(company.id)
    v4.basic_api.archive("contacts", "203", "companies", "301")
    v4.schema.definitions_api.remove("contacts", "companies", type_id)
    try:
        v4.basic_api.create("contacts", "203", "companies", "999999", [
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)])
        raise AssertionError("an association to a missing company was accepted")
    except hubspot.crm.associations.v4.ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and body["category"] == "VALIDATION_ERROR", (err.status, err.body)
        assert body["message"] == "One or more associations are invalid", body
        assert body["context"]["INVALID_OBJECT_IDS"] == ["COMPANY=999999 is not valid"], body


def associations_v3():
    from hubspot.crm.associations import (
        BatchInputPublicAssociation, BatchInputPublicObjectId as Ids, PublicAssociation,
        PublicObjectId as Ref)
    v3 = client.crm.associations
    names = {t.name for t in v3.schema.types_api.get_all("contacts", "companies").results}
    assert {"contact_to_company", "contact_to_company_unlabeled"} <= names, names
    ticket = client.crm.tickets.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"subject": f"Py {run}", "hs_pipeline": "0", "hs_pipeline_stage": "1"})).id
    created = v3.batch_api.create("tickets", "contacts", BatchInputPublicAssociation(inputs=[
        PublicAssociation(_from=Ref(id=ticket), to=Ref(id="203"), type="ticket_to_contact")]))
    assert created.results[0].type == "ticket_to_contact" and created.results[0].to.id == "203", created
    read = v3.batch_api.read("tickets", "contacts", Ids(inputs=[Ref(id=ticket), Ref(id="501")]))
    by_id = {r._from.id: sorted(t.id for t in r.to) for r in read.results}
    assert by_id == {ticket: ["203"], "501": ["201"]}, by_id
    v3.batch_api.archive("tickets", "contacts", BatchInputPublicAssociation(inputs=[
        PublicAssociation(_from=Ref(id=ticket), to=Ref(id="203"), type="ticket_to_contact")]))
    gone = v3.batch_api.read("tickets", "contacts", Ids(inputs=[Ref(id=ticket)]))
    assert gone.results == [] and gone.num_errors == 1, gone


def properties_owners_pipelines():
    props = client.crm.properties
    props.groups_api.create("contacts", PropertyGroupCreate(name=f"py_{run}", label="Python"))
    created = props.core_api.create("contacts", PropertyCreate(
        name=f"py_tier_{run}", label="Tier", type="enumeration", field_type="select", group_name=f"py_{run}",
        options=[OptionInput(label="Gold", value="gold", display_order=0, hidden=False)]))
    assert created.options[0].value == "gold"
    relabelled = props.core_api.update("contacts", f"py_tier_{run}", PropertyUpdate(label="Customer tier"))
    assert relabelled.label == "Customer tier"
    assert any(p.name == "email" for p in props.core_api.get_all("contacts").results)
    assert props.core_api.get_by_name("contacts", "lifecyclestage").type == "enumeration"
    owners = client.crm.owners.owners_api.get_page(email="alice@acme-sales.example")
    assert owners.results[0].id == "101"
    assert client.crm.owners.owners_api.get_by_id(102).first_name == "Bob"
    pipelines = client.crm.pipelines
    assert pipelines.pipelines_api.get_all("deals").results[0].id == "default"
    pipeline = pipelines.pipelines_api.create("deals", PipelineInput(label=f"Py {run}", display_order=3, stages=[
        PipelineStageInput(label="Open", display_order=0, metadata={"probability": "0.5"})]))
    stage = pipelines.pipeline_stages_api.create("deals", pipeline.id, PipelineStageInput(
        label="Won", display_order=1, metadata={"probability": "1.0"}))
    assert stage.metadata["isClosed"] == "true"
    assert len(pipelines.pipeline_stages_api.get_all("deals", pipeline.id).results) == 2
    pipelines.pipelines_api.archive("deals", pipeline.id)
    props.core_api.archive("contacts", f"py_tier_{run}")
    try:
        props.core_api.get_by_name("contacts", f"py_tier_{run}")
        raise AssertionError("an archived property is still readable")
    except hubspot.crm.properties.ApiException as err:
        assert err.status == 404


def errors():
    contacts = client.crm.contacts
    for props, status, category in [
        ({"email": "jane.doe@example.com"}, 409, "CONFLICT"),
        ({"lifecyclestage": "bogus"}, 400, "VALIDATION_ERROR"),
        ({"no_such_property": "x"}, 400, "VALIDATION_ERROR"),
    ]:
        try:
            contacts.basic_api.create(SimplePublicObjectInputForCreate(properties=props))
            raise AssertionError(f"{props} was accepted")
        except ApiException as err:
            body = json.loads(err.body)
            assert err.status == status and body["category"] == category, (err.status, body)
    try:
        hubspot.Client.create(access_token="pat-na1-nope", host=os.environ["HUBSPOT_API_BASE"]).crm.contacts.basic_api.get_page()
        raise AssertionError("a bad token was accepted")
    except ApiException as err:
        assert err.status == 401


def reads():
    contact = client.crm.contacts.basic_api.get_by_id("201")
    assert sorted(contact.properties) == ["createdate", "email", "firstname", "hs_object_id",
                                          "lastmodifieddate", "lastname"], contact.properties
    company = client.crm.companies.basic_api.get_by_id("301")
    assert sorted(company.properties) == ["createdate", "domain", "hs_lastmodifieddate",
                                          "hs_object_id", "name"], company.properties
    deals = client.crm.deals.get_all(properties=["dealname"], associations=["companies"])
    assert {d.id for d in deals} >= {"401", "402"}
    assert next(d for d in deals if d.id == "401").associations["companies"].results[0].id == "301"
    inputs = [SimplePublicObjectBatchInputForCreate(properties={"name": f"Py {run} {i}"}) for i in range(5)]
    made = client.crm.products.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    everything = client.crm.products.get_all(limit=3)
    assert len(everything) == 3, len(everything)
    all_products = client.crm.objects.get_all("products", properties=["name"])
    assert {p.id for p in all_products} >= {p.id for p in made.results}
    full_name = client.crm.contacts.search_api.do_search(PublicObjectSearchRequest(query="Jane Doe"))
    assert [r.id for r in full_name.results] == ["201"], full_name
    try:
        client.crm.contacts.basic_api.get_by_id("jane.doe@example.com")
        raise AssertionError("a non-numeric id was found without idProperty")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 404 and body["message"] == "Object not found.  objectId are usually numeric.", body


def unique_properties():
    from hubspot.crm.companies import (
        ApiException as CompaniesApiException, BatchInputSimplePublicObjectBatchInputUpsert as Upserts,
        SimplePublicObjectBatchInputUpsert as Upsert, SimplePublicObjectInput as Update,
        SimplePublicObjectInputForCreate as Create)
    name = f"erp_id_{run}"
    client.crm.properties.core_api.create("companies", PropertyCreate(
        name=name, label="ERP id", type="string", field_type="text", group_name="companyinformation",
        has_unique_value=True))
    companies = client.crm.companies
    first = companies.basic_api.create(Create(properties={"name": f"Py {run}", name: f"E-{run}"}))
    assert companies.basic_api.get_by_id(f"E-{run}", id_property=name).id == first.id
    renamed = companies.basic_api.update(f"E-{run}", Update(properties={"domain": f"{run}.example"}), id_property=name)
    assert renamed.id == first.id and renamed.properties["domain"] == f"{run}.example"
    try:
        companies.basic_api.create(Create(properties={"name": "Copy", name: f"E-{run}"}))
        raise AssertionError("a taken unique value was accepted")
    except CompaniesApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and "already has that value" in body["message"], body
    upserted = companies.batch_api.upsert(Upserts(inputs=[
        Upsert(id_property=name, id=f"E-{run}", properties={"description": "kept"}),
        Upsert(id_property=name, id=f"F-{run}", properties={"name": "New"})]))
    assert sorted((r.id == first.id, r.new) for r in upserted.results) == [(False, True), (True, False)], upserted
    try:
        client.crm.contacts.basic_api.update("202", SimplePublicObjectInput(properties={"email": "jane.doe@example.com"}))
        raise AssertionError("an update to a taken email was accepted")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and "propertyName=email" in body["message"], body


def deal_stages():
    from hubspot.crm.deals import ApiException as DealsApiException, SimplePublicObjectInputForCreate as Create
    deals = client.crm.deals.basic_api
    deal = deals.create(Create(properties={"dealname": f"Py stages {run}", "pipeline": "default",
                                           "dealstage": "appointmentscheduled"}))
    implicit = deals.create(Create(properties={"dealname": f"Py implicit {run}", "dealstage": "qualifiedtobuy"}))
    assert implicit.properties["pipeline"] == "default", implicit.properties
    for stage in ("qualifiedtobuy", "closedwon"):
        moved = deals.update(deal.id, SimplePublicObjectInput(properties={"dealstage": stage}))
        assert moved.properties["dealstage"] == stage
    for props, name in [({"dealname": "x", "dealstage": "won"}, "dealstage"),
                        ({"dealname": "x", "pipeline": "sales", "dealstage": "closedwon"}, "pipeline")]:
        try:
            deals.create(Create(properties=props))
            raise AssertionError(f"{props} was accepted")
        except DealsApiException as err:
            body = json.loads(err.body)
            assert err.status == 400 and body["errors"][0]["code"] == "INVALID_OPTION", body
            assert body["errors"][0]["context"]["propertyName"] == [name], body
    for made in (deal, implicit):
        deals.archive(made.id)


def traced_batch_create():
    inputs = [
        SimplePublicObjectBatchInputForCreate(object_write_trace_id="ok", properties={"email": f"traced-{run}@example.com"}),
        SimplePublicObjectBatchInputForCreate(object_write_trace_id="bad-email", properties={"email": "no-at-sign.example"}),
        SimplePublicObjectBatchInputForCreate(object_write_trace_id="unknown", properties={"missing": "1"}),
        SimplePublicObjectBatchInputForCreate(object_write_trace_id="again", properties={"email": f"Traced-{run}@example.com"}),
    ]
    answer = client.crm.contacts.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    assert [r.properties["email"] for r in answer.results] == [f"traced-{run}@example.com"], answer
    assert answer.num_errors == 3 and answer.results[0].object_write_trace_id == "ok", answer
    by_trace = {e.context["objectWriteTraceId"][0]: e for e in answer.errors}
    assert "INVALID_EMAIL" in by_trace["bad-email"].message, by_trace
    assert "PROPERTY_DOESNT_EXIST" in by_trace["unknown"].message, by_trace
    assert "already has that value" in by_trace["again"].message, by_trace
    try:
        client.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"email": "jane@example"}))
        raise AssertionError("an invalid email was accepted")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and "Email address jane@example is invalid" in body["message"], body
    client.crm.contacts.basic_api.archive(answer.results[0].id)


def line_items():
    from hubspot.crm.line_items import (
        AssociationSpec as Spec, PublicAssociationsForObject, PublicObjectId,
        SimplePublicObjectInputForCreate as Create)
    product = client.crm.products.basic_api.create(Create(properties={"name": f"Py widget {run}", "price": "12.50"}))
    item = client.crm.line_items.basic_api.create(Create(
        properties={"hs_product_id": product.id, "quantity": "3"},
        associations=[PublicAssociationsForObject(to=PublicObjectId(id="401"), types=[
            Spec(association_category="HUBSPOT_DEFINED", association_type_id=20)])]))
    assert item.properties["name"] == f"Py widget {run}" and item.properties["price"] == "12.50", item.properties
    linked = client.crm.associations.v4.basic_api.get_page("deals", "401", "line_items")
    assert item.id in [str(r.to_object_id) for r in linked.results], linked
    client.crm.line_items.basic_api.archive(item.id)


def engagements():
    from hubspot.crm.objects.calls import (
        AssociationSpec as Spec, PublicAssociationsForObject, PublicObjectId)
    objects = client.crm.objects
    contact = client.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"email": f"engaged-{run}@example.com"})).id
    made = {}
    for kind, props, type_id in [
        ("calls", {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_call_title": f"Py {run}",
                   "hs_call_direction": "OUTBOUND", "hs_call_duration": "90000"}, 194),
        ("emails", {"hs_timestamp": "1740823200000", "hs_email_subject": f"Py {run}",
                    "hs_email_direction": "EMAIL", "hs_email_status": "SENT"}, 198),
        ("meetings", {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_meeting_title": f"Py {run}",
                      "hs_meeting_outcome": "SCHEDULED"}, 200),
        ("notes", {"hs_timestamp": "2025-03-01T10:00:00Z", "hs_note_body": f"Py {run}"}, 202),
    ]:
        api = getattr(objects, kind)
        created = api.basic_api.create(SimplePublicObjectInputForCreate(properties=props, associations=[
            PublicAssociationsForObject(to=PublicObjectId(id=contact), types=[
                Spec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])]))
        assert created.properties["hs_timestamp"] == "2025-03-01T10:00:00.000Z", (kind, created.properties)
        got = api.basic_api.get_by_id(created.id, associations=["contacts"])
        assert got.associations["contacts"].results[0].id == contact, (kind, got.associations)
        made[kind] = created.id
        # Engagements are found through the contact they are associated with.
        found = api.search_api.do_search(PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=[
            Filter(property_name="associations.contact", operator="EQ", value=contact)])]))
        assert [r.id for r in found.results] == [created.id], (kind, found)
        try:
            api.basic_api.create(SimplePublicObjectInputForCreate(properties={
                k: v for k, v in props.items() if k != "hs_timestamp"}))
            raise AssertionError(f"a {kind} without hs_timestamp was accepted")
        except Exception as err:  # each object module has its own ApiException class
            if not hasattr(err, "status"):
                raise
            body = json.loads(err.body)
            assert err.status == 400 and body["context"]["properties"] == ["hs_timestamp"], body
            assert body["message"] == f"Error creating {kind[:-1].upper()}. Some required properties were not set.", body
    assert any(c.id == made["calls"] for c in objects.get_all("calls"))
    try:
        objects.calls.basic_api.create(SimplePublicObjectInputForCreate(
            properties={"hs_timestamp": "2025-03-01T10:00:00Z"}, associations=[
                PublicAssociationsForObject(to=PublicObjectId(id="999999"), types=[
                    Spec(association_category="HUBSPOT_DEFINED", association_type_id=194)])]))
        raise AssertionError("a call linked to a missing contact was created")
    except Exception as err:  # each object module has its own ApiException class
        if not hasattr(err, "status"):
            raise
        body = json.loads(err.body)
        assert err.status == 400 and body["context"]["INVALID_OBJECT_IDS"] == ["CONTACT=999999 is not valid"], body
    deals = client.crm.deals.search_api.do_search(PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=[
        Filter(property_name="associations.contact", operator="IN", values=["201", "202"])])], sorts=["hs_object_id"]))
    assert [d.id for d in deals.results][:2] == ["401", "402"], deals
    headers = {"from": {"email": "rep@acme-sales.example", "firstName": "Alice", "lastName": "Owner"},
               "to": [{"email": f"lead-{run}@example.com", "firstName": "Lead", "lastName": "Person"}], "cc": [], "bcc": []}
    objects.emails.basic_api.update(made["emails"], SimplePublicObjectInput(properties={"hs_email_headers": json.dumps(headers)}))
    read = objects.emails.basic_api.get_by_id(made["emails"], properties=["hs_email_from_firstname", "hs_email_to_email"])
    assert read.properties["hs_email_from_firstname"] == "Alice", read.properties
    assert read.properties["hs_email_to_email"] == f"lead-{run}@example.com", read.properties
    for kind, object_id in made.items():
        getattr(objects, kind).basic_api.archive(object_id)
    client.crm.contacts.basic_api.archive(contact)


def lists():
    api = client.crm.lists
    contact = client.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"email": f"listed-{run}@example.com"})).id
    created = api.lists_api.create(ListCreateRequest(
        name=f"Py list {run}", object_type_id="0-1", processing_type="MANUAL"))
    list_id = created.list.list_id
    assert created.list.processing_type == "MANUAL" and created.list.list_version == 1, created
    fetched = api.lists_api.get_by_id(list_id, include_filters=True)
    assert fetched.list.name == f"Py list {run}" and fetched.list.created_at is not None, fetched
    by_name = api.lists_api.get_by_name(f"py LIST {run}", "0-1")
    assert by_name.list.list_id == list_id, by_name
    several = api.lists_api.get_all(list_ids=[list_id, "424242"])
    assert [l.list_id for l in several.lists] == [list_id], several
    found = api.lists_api.do_search(ListSearchRequest(query=f"list {run}", processing_types=["MANUAL"], count=5, offset=0))
    assert found.total == 1 and found.lists[0].list_id == list_id and not found.has_more, found
    added = api.memberships_api.add(list_id, ["201", "202", contact, "999999", "301"])
    assert sorted(added.records_ids_added) == sorted(["201", "202", contact]), added
    assert sorted(added.record_ids_missing) == ["301", "999999"], added
    page = api.memberships_api.get_page(list_id, limit=2)
    assert [m.record_id for m in page.results] == ["201", "202"] and page.paging.next.after, page
    rest = api.memberships_api.get_page(list_id, after=page.paging.next.after, limit=2)
    assert [m.record_id for m in rest.results] == [contact], rest
    joined = api.memberships_api.get_page_ordered_by_added_to_list_date(list_id, limit=10)
    assert len(joined.results) == 3 and joined.results[0].membership_timestamp is not None, joined
    changed = api.memberships_api.add_and_remove(list_id, MembershipChangeRequest(
        record_ids_to_add=["203"], record_ids_to_remove=["202"]))
    assert changed.records_ids_added == ["203"] and changed.record_ids_removed == ["202"], changed
    in_lists = api.memberships_api.get_lists("0-1", "201")
    assert list_id in [m.list_id for m in in_lists.results], in_lists
    # Several records' lists at once (no generated method: the client's own api_request).
    batch = client.api_request({"method": "POST", "base_url": os.environ["HUBSPOT_API_BASE"],
                                "path": "/crm/v3/lists/records/memberships/batch/read",
                                "body": {"inputs": [{"objectTypeId": "0-1", "recordId": "201"},
                                                    {"objectTypeId": "0-1", "recordId": "999999"}]}})
    assert batch.status_code == 200, batch.text
    read = batch.json()
    assert read["status"] == "COMPLETE" and [r["recordId"] for r in read["results"]] == ["201", "999999"], read
    assert list_id in [m["listId"] for m in read["results"][0]["recordListMemberships"]], read
    assert read["results"][1]["recordListMemberships"] == [], read
    # A deleted contact leaves its lists.
    client.crm.contacts.basic_api.archive(contact)
    members = api.memberships_api.get_page(list_id)
    assert [m.record_id for m in members.results] == ["201", "203"], members
    removed = api.memberships_api.remove(list_id, ["203"])
    assert removed.record_ids_removed == ["203"], removed
    renamed = api.lists_api.update_name(list_id, list_name=f"Py renamed {run}")
    assert renamed.updated_list.name == f"Py renamed {run}" and renamed.updated_list.list_version == 2, renamed
    try:
        api.lists_api.create(ListCreateRequest(name=f"PY RENAMED {run}", object_type_id="0-1", processing_type="MANUAL"))
        raise AssertionError("a duplicate list name was accepted")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["category"] == "VALIDATION_ERROR", err.body
    try:
        api.lists_api.get_by_id("424242")
        raise AssertionError("an unknown list was found")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 404, err.body
    api.memberships_api.remove_all(list_id)
    assert api.memberships_api.get_page(list_id).results == []
    api.lists_api.remove(list_id)
    assert api.lists_api.get_by_id(list_id).list.deleted_at is not None
    api.lists_api.restore(list_id)
    assert api.lists_api.get_by_id(list_id).list.deleted_at is None
    api.lists_api.remove(list_id)


def list_folders():
    api = client.crm.lists
    folders = api.folders_api
    outer = folders.create(ListFolderCreateRequest(name=f"Py folder {run}")).folder
    assert outer.parent_folder_id == 0 and outer.child_lists == [] and outer.created_at is not None, outer
    inner = folders.create(ListFolderCreateRequest(name="Inner", parent_folder_id=str(outer.id))).folder
    assert inner.parent_folder_id == outer.id, inner
    # A list created in a folder (listFolderId), another moved into one.
    made = api.lists_api.create(ListCreateRequest(
        name=f"Py filed {run}", object_type_id="0-1", processing_type="MANUAL", list_folder_id=inner.id)).list
    loose = api.lists_api.create(ListCreateRequest(name=f"Py loose {run}", object_type_id="0-1", processing_type="MANUAL")).list
    folders.move_list(ListMoveRequest(list_id=loose.list_id, new_folder_id=str(outer.id)))
    got = folders.get_all(folder_id=str(outer.id)).folder
    assert got.child_lists == [int(loose.list_id)], got
    assert [n.id for n in got.child_nodes] == [inner.id] and got.child_nodes[0].child_lists == [], got
    assert folders.get_all(folder_id=str(inner.id)).folder.child_lists == [int(made.list_id)]
    root = folders.get_all().folder
    assert root.id == 0 and outer.id in [n.id for n in root.child_nodes], root
    renamed = folders.rename(str(inner.id), new_folder_name="Renamed").folder
    assert renamed.name == "Renamed" and renamed.child_lists == [int(made.list_id)], renamed
    moved = folders.move(str(inner.id), "0").folder
    assert moved.parent_folder_id == 0, moved
    for call in (lambda: folders.move(str(outer.id), str(outer.id)), lambda: folders.rename("0", new_folder_name="x")):
        try:
            call()
            raise AssertionError("a folder write HubSpot refuses was taken")
        except hubspot.crm.lists.ApiException as err:
            assert err.status == 400 and json.loads(err.body)["category"] == "VALIDATION_ERROR", err.body
    try:
        folders.get_all(folder_id="999999")
        raise AssertionError("an unknown folder was found")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 404, err.body
    # Deleting a folder puts its lists back in the root.
    folders.remove(str(outer.id))
    folders.remove(str(inner.id))
    assert int(loose.list_id) in folders.get_all(folder_id="0").folder.child_lists
    # The v1 -> v3 id mapping: contact lists have legacy ids from 1001.
    mapping = api.mapping_api
    batch = mapping.translate_legacy_list_id_to_list_id_batch([str(n) for n in range(1001, 1201)] + ["nope"])
    legacy = {m.list_id: m.legacy_list_id for m in batch.legacy_list_ids_to_ids_mapping}
    assert made.list_id in legacy and "nope" in batch.missing_legacy_list_ids, batch
    single = mapping.translate_legacy_list_id_to_list_id(legacy_list_id=legacy[made.list_id])
    assert single.list_id == made.list_id, single
    api.lists_api.remove(made.list_id)
    try:
        mapping.translate_legacy_list_id_to_list_id(legacy_list_id=legacy[made.list_id])
        raise AssertionError("a deleted list kept its mapping")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 404, err.body
    api.lists_api.remove(loose.list_id)


def dynamic_lists():
    api = client.crm.lists
    contacts = client.crm.contacts.basic_api
    tag = f"tier{run}"
    made = [contacts.create(SimplePublicObjectInputForCreate(properties={
        "email": f"dyn{i}-{run}@example.com", "jobtitle": tag if i < 2 else "other"})).id for i in range(3)]

    def by_title(operator, values):
        return {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": [{
            "filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [{
                "filterType": "PROPERTY", "property": "jobtitle",
                "operation": {"operationType": "MULTISTRING", "operator": operator, "values": values}}]}]}

    dynamic = api.lists_api.create(ListCreateRequest(
        name=f"Py dynamic {run}", object_type_id="0-1", processing_type="DYNAMIC", filter_branch=by_title("IS_EQUAL_TO", [tag])))
    snapshot = api.lists_api.create(ListCreateRequest(
        name=f"Py snapshot {run}", object_type_id="0-1", processing_type="SNAPSHOT", filter_branch=by_title("IS_EQUAL_TO", [tag])))
    assert snapshot.list.size == 2, snapshot
    members = lambda list_id: sorted(m.record_id for m in api.memberships_api.get_page(list_id.list.list_id).results)
    assert members(dynamic) == sorted(made[:2]), members(dynamic)
    contacts.update(made[2], SimplePublicObjectInput(properties={"jobtitle": tag}))
    assert members(dynamic) == sorted(made), members(dynamic)
    assert members(snapshot) == sorted(made[:2]), members(snapshot)
    fetched = api.lists_api.get_by_id(dynamic.list.list_id, include_filters=True)
    assert fetched.list.filter_branch is not None, fetched
    # Answered as HubSpot fills it in: includeObjectsWithNoValueSet false where not written.
    operation = fetched.list.filter_branch.filter_branches[0].filters[0].operation
    assert operation.include_objects_with_no_value_set is False, fetched
    updated = api.lists_api.update_list_filters(dynamic.list.list_id, {"filterBranch": by_title("IS_EQUAL_TO", ["nobody"])})
    assert updated.updated_list.list_version == 2, updated
    assert members(dynamic) == [], members(dynamic)
    try:
        api.memberships_api.add(dynamic.list.list_id, [made[0]])
        raise AssertionError("a DYNAMIC list took a manual member")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 400, err.body
    try:
        api.lists_api.create(ListCreateRequest(name=f"Py events {run}", object_type_id="0-1", processing_type="DYNAMIC",
            filter_branch={"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": [{
                "filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [],
                "filters": [{"filterType": "PAGE_VIEW", "pageUrl": "https://example.com", "operator": "HAS_PAGEVIEW_EQ"}]}]}))
        raise AssertionError("an unevaluated filter was accepted")
    except hubspot.crm.lists.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["subCategory"] == "NOT_IMPLEMENTED", err.body
    for list_ in (dynamic, snapshot):
        api.lists_api.remove(list_.list.list_id)
    for contact in made:
        contacts.archive(contact)


def custom_objects():
    schemas = client.crm.schemas.core_api
    name = f"py_car_{run}"
    schema = schemas.create(ObjectSchemaEgg(
        name=name, labels=ObjectTypeDefinitionLabels(singular="Car", plural="Cars"),
        primary_display_property="model", required_properties=["vin"], searchable_properties=["model"],
        properties=[ObjectTypePropertyCreate(name="model", label="Model", type="string", field_type="text"),
                    ObjectTypePropertyCreate(name="vin", label="VIN", type="string", field_type="text")],
        associated_objects=["CONTACT"]))
    assert schema.object_type_id == f"2-{schema.id}" and schema.fully_qualified_name == f"p62515_{name}"
    assert schema.associations[0].to_object_type_id == "0-1"
    assert {"model", "vin"} <= {p.name for p in schema.properties}
    assert schemas.get_by_id(schema.fully_qualified_name).id == schema.id
    assert schema.id in {s.id for s in schemas.get_all().results}
    objects = client.crm.objects.basic_api
    car = objects.create(schema.object_type_id, SimplePublicObjectInputForCreate(properties={"model": "T", "vin": "V1"}))
    got = objects.get_by_id(schema.fully_qualified_name, car.id, properties=["vin"])
    assert got.properties["vin"] == "V1"
    try:
        objects.create(schema.object_type_id, SimplePublicObjectInputForCreate(properties={"model": "no vin"}))
        raise AssertionError("a record without its required property was created")
    except hubspot.crm.objects.ApiException as err:
        assert err.status == 400, err.body
    defined = schemas.create_association(schema.object_type_id, AssociationDefinitionEgg(
        from_object_type_id=schema.object_type_id, to_object_type_id="0-2"))
    assert defined.to_object_type_id == "0-2"
    client.crm.associations.v4.basic_api.create_default(schema.object_type_id, car.id, "companies", "301")
    patched = schemas.update(schema.object_type_id, ObjectTypeDefinitionPatch(
        labels=ObjectTypeDefinitionLabels(singular="Auto", plural="Autos")))
    assert patched.labels.singular == "Auto"
    try:
        schemas.archive(schema.object_type_id)
        raise AssertionError("a schema holding records was archived")
    except hubspot.crm.schemas.ApiException as err:
        assert err.status == 400, err.body
    schemas.archive_association(schema.object_type_id, defined.id)
    objects.archive(schema.object_type_id, car.id)
    schemas.archive(schema.object_type_id)
    schemas.archive(schema.object_type_id, archived=True)


def custom_object_reads():
    schemas = client.crm.schemas.core_api
    name = f"py_van_{run}"
    schema = schemas.create(ObjectSchemaEgg(
        name=name, labels=ObjectTypeDefinitionLabels(singular="Van", plural="Vans"),
        primary_display_property="model", required_properties=[], searchable_properties=["model"],
        properties=[ObjectTypePropertyCreate(name="model", label="Model", type="string", field_type="text"),
                    ObjectTypePropertyCreate(name="plate", label="Plate", type="string", field_type="text")],
        associated_objects=["CONTACT"]))
    short = f"p_{name}"
    assert schemas.get_by_id(short).id == schema.id
    try:
        schemas.get_by_id(name)
        raise AssertionError("a schema was found by its bare name")
    except hubspot.crm.schemas.ApiException as err:
        assert err.status == 404, err.body
    objects = client.crm.objects
    van = objects.basic_api.create(short, SimplePublicObjectInputForCreate(properties={"model": "T", "plate": f"P-{run}"}))
    objects.basic_api.update(schema.object_type_id, van.id, SimplePublicObjectInput(properties={"model": "A"}))
    contact = client.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"email": f"py-van-{run}@example.com"}))
    client.crm.associations.v4.basic_api.create_default(schema.object_type_id, van.id, "contacts", contact.id)
    got = objects.basic_api.get_by_id(short, van.id, properties=["model", "nope"],
                                      properties_with_history=["model"], associations=["contacts"])
    assert got.properties["model"] == "A" and "plate" not in got.properties and "nope" not in got.properties
    assert [h.value for h in got.properties_with_history["model"]] == ["A", "T"]
    assert got.associations["contacts"].results[0].id == contact.id
    page = objects.basic_api.get_page(schema.object_type_id, properties=["model"],
                                      properties_with_history=["model"], associations=["contacts"])
    assert page.results[0].id == van.id and page.results[0].properties_with_history["model"][0].value == "A"
    batch = objects.batch_api.read(schema.fully_qualified_name, BatchReadInputSimplePublicObjectId(
        inputs=[SimplePublicObjectId(id=van.id)], properties=["model"], properties_with_history=["model"]))
    assert batch.results[0].properties["model"] == "A"
    assert batch.results[0].properties_with_history["model"][1].value == "T"
    found = objects.search_api.do_search(schema.object_type_id, PublicObjectSearchRequest(
        properties=["model"], filter_groups=[FilterGroup(filters=[
            Filter(property_name="plate", operator="EQ", value=f"P-{run}")])]))
    assert found.total == 1 and found.results[0].properties["model"] == "A"
    assert "plate" not in found.results[0].properties
    linked = client.crm.contacts.basic_api.get_by_id(contact.id, associations=[schema.fully_qualified_name])
    assert linked.associations[schema.object_type_id].results[0].id == van.id
    try:
        client.crm.contacts.search_api.do_search(PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=[
            Filter(property_name=f"associations.{schema.object_type_id}", operator="EQ", value=van.id)])]))
        raise AssertionError("a search through custom object associations was served")
    except ApiException as err:
        assert err.status == 400 and "custom object associations" in json.loads(err.body)["message"], err.body
    objects.basic_api.archive(schema.object_type_id, van.id)
    client.crm.contacts.basic_api.archive(contact.id)
    schemas.archive(schema.object_type_id)
    schemas.archive(schema.object_type_id, archived=True)


def webhooks_api():
    developer = hubspot.Client.create(api_key=os.environ["HUBSPOT_DEVELOPER_KEY"], host=os.environ["HUBSPOT_API_BASE"])
    secret = os.environ["HUBSPOT_CLIENT_SECRET"]
    app_id = 1000001
    with Receiver() as receiver:
        url = receiver.url
        settings = developer.webhooks.settings_api.configure(app_id, SettingsChangeRequest(
            target_url=url, throttling=ThrottlingSettings(max_concurrent_requests=10)))
        assert settings.target_url == url and developer.webhooks.settings_api.get_all(app_id).target_url == url
        schemas = client.crm.schemas.core_api
        schema = schemas.create(ObjectSchemaEgg(
            name=f"py_boat_{run}", labels=ObjectTypeDefinitionLabels(singular="Boat", plural="Boats"),
            required_properties=[], properties=[
                ObjectTypePropertyCreate(name="hull", label="Hull", type="string", field_type="text")]))
        subscriptions = developer.webhooks.subscriptions_api
        subscription = subscriptions.create(app_id, SubscriptionCreateRequest(
            event_type="object.creation", object_type_id=schema.object_type_id))
        assert subscription.object_type_id == schema.object_type_id and subscription.active is False
        assert subscriptions.update(subscription.id, app_id, SubscriptionPatchRequest(active=True)).active
        assert subscription.id in [s.id for s in subscriptions.get_all(app_id).results]
        legacy = subscriptions.create(app_id, SubscriptionCreateRequest(event_type="contact.creation", object_type_id="0-1"))
        assert legacy.object_type_id is None and legacy.event_type == "contact.creation"
        subscriptions.archive(legacy.id, app_id)
        boat = client.crm.objects.basic_api.create(schema.object_type_id, SimplePublicObjectInputForCreate(
            properties={"hull": "wood"}))
        headers, body = receiver.next()
        assert Signature.is_valid(signature=headers["X-HubSpot-Signature-v3"], client_secret=secret,
                                  request_body=body.decode(), http_uri=url, signature_version="v3",
                                  timestamp=headers["X-HubSpot-Request-Timestamp"])
        # The v1 signature webhooks API requests still carry, as its header says.
        assert headers["X-HubSpot-Signature-Version"] == "v1"
        assert Signature.is_valid(signature=headers["X-HubSpot-Signature"], client_secret=secret,
                                  request_body=body.decode(), signature_version="v1")
        event = json.loads(body)[0]
        assert event["subscriptionType"] == "object.creation" and event["objectTypeId"] == schema.object_type_id
        assert str(event["objectId"]) == boat.id and event["appId"] == app_id
        subscriptions.archive(subscription.id, app_id)
        merges = subscriptions.create(app_id, SubscriptionCreateRequest(event_type="contact.merge", active=True))
        contacts = client.crm.contacts.basic_api
        keep, gone = (contacts.create(SimplePublicObjectInputForCreate(properties=p)) for p in (
            {"email": f"py-keep-{run}@example.com"}, {"email": f"py-gone-{run}@example.com", "phone": "555"}))
        contacts.merge(PublicMergeInput(primary_object_id=keep.id, object_id_to_merge=gone.id))
        _, body = receiver.next()
        event = json.loads(body)[0]
        assert event["subscriptionType"] == "contact.merge" and str(event["primaryObjectId"]) == keep.id
        assert event["mergedObjectIds"] == [int(gone.id)] and event["numberOfPropertiesMoved"] == 1
        subscriptions.archive(merges.id, app_id)
        contacts.archive(keep.id)
        developer.webhooks.settings_api.clear(app_id)
    client.crm.objects.basic_api.archive(schema.object_type_id, boat.id)
    schemas.archive(schema.object_type_id)
    schemas.archive(schema.object_type_id, archived=True)


def error_fields():
    contacts = client.crm.contacts.basic_api
    try:
        contacts.get_by_id("424242")
        raise AssertionError("a missing contact was found")
    except NotFoundException as err:
        body = json.loads(err.body)
        assert err.status == 404 and err.reason == "Not Found", (err.status, err.reason)
        assert body["status"] == "error" and body["category"] == "OBJECT_NOT_FOUND" and body["correlationId"], body
        assert err.headers["Content-Type"].startswith("application/json"), err.headers
    try:
        contacts.create(SimplePublicObjectInputForCreate(properties={"email": "not-an-email"}))
        raise AssertionError("an invalid email was accepted")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and body["category"] == "VALIDATION_ERROR", (err.status, body)
        assert body["errors"][0]["code"] == "INVALID_EMAIL", body
        assert body["errors"][0]["context"]["propertyName"] == ["email"], body
    limited = hubspot.Client.create(access_token=admin("POST", "private-apps", {"scopes": ["crm.objects.contacts.read"]})["token"],
                                    host=os.environ["HUBSPOT_API_BASE"])
    assert limited.crm.contacts.basic_api.get_by_id("201").id == "201"
    try:
        limited.crm.deals.basic_api.get_page()
        raise AssertionError("a token without the deals scope read deals")
    except hubspot.crm.deals.exceptions.ForbiddenException as err:
        body = json.loads(err.body)
        assert err.status == 403 and body["category"] == "MISSING_SCOPES", (err.status, body)
        assert "crm.objects.deals.read" in body["errors"][0]["context"]["requiredGranularScopes"], body
    try:
        limited.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"firstname": "No"}))
        raise AssertionError("a read-only token wrote")
    except ForbiddenException as err:
        assert json.loads(err.body)["category"] == "MISSING_SCOPES", err.body


def rate_limits():
    _, status, headers = client.crm.contacts.basic_api.get_page_with_http_info(limit=1)
    assert status == 200 and int(headers["X-HubSpot-RateLimit-Max"]) > 0, headers
    assert "X-HubSpot-RateLimit-Remaining" in headers and "X-HubSpot-RateLimit-Daily-Remaining" in headers, headers
    admin("POST", "rate-limits", {"enforced": True, "tenSecondly": 3})
    try:
        statuses = []
        for _ in range(6):
            try:
                client.crm.contacts.basic_api.get_page(limit=1)
                statuses.append(200)
            except ApiException as err:
                statuses.append(err.status)
                refused = err
        assert 429 in statuses, statuses
        body = json.loads(refused.body)
        assert body["policyName"] == "TEN_SECONDLY_ROLLING" and body["errorType"] == "RATE_LIMIT", body
        assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0", refused.headers
    finally:
        admin("POST", "rate-limits", {"enforced": False})


def search_paging_and_batch_update():
    contacts = client.crm.contacts
    tag = f"pager-{run}"
    made = contacts.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
        SimplePublicObjectBatchInputForCreate(properties={"email": f"p{i}-{run}@pages.example", "jobtitle": tag})
        for i in range(5)]))
    ids = sorted(o.id for o in made.results)
    updated = contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
        SimplePublicObjectBatchInput(id=i, properties={"lastname": "Paged"}) for i in ids]))
    assert updated.status == "COMPLETE" and {o.properties["lastname"] for o in updated.results} == {"Paged"}, updated
    seen, after, pages = [], None, 0
    while True:
        page = contacts.search_api.do_search(PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=[Filter(property_name="jobtitle", operator="EQ", value=tag)])],
            sorts=[{"propertyName": "hs_object_id", "direction": "ASCENDING"}], properties=["lastname"],
            limit=2, after=after))
        assert page.total == 5, page.total
        seen += [r.id for r in page.results]
        pages += 1
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == ids and pages == 3, (seen, ids, pages)
    # A run of wildcards is one wildcard.
    starred = contacts.search_api.do_search(PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=[
        Filter(property_name="email", operator="CONTAINS_TOKEN", value=f"***-{run}@pages.example")])]))
    assert starred.total == 5, starred.total
    try:
        contacts.search_api.do_search(PublicObjectSearchRequest(sorts=[{"propertyName": "email", "direction": "SIDEWAYS"}]))
        raise AssertionError("a sort direction that is neither ASCENDING nor DESCENDING was accepted")
    except ApiException as err:
        assert err.status == 400 and json.loads(err.body)["category"] == "VALIDATION_ERROR", err.body
    contacts.batch_api.archive(BatchInputSimplePublicObjectId(inputs=[SimplePublicObjectId(id=i) for i in ids]))


def concurrent_writes():
    from concurrent.futures import ThreadPoolExecutor
    contacts = client.crm.contacts
    email = f"race-{run}@example.com"
    upsert = BatchInputSimplePublicObjectBatchInputUpsert(inputs=[SimplePublicObjectBatchInputUpsert(
        id_property="email", id=email, properties={"firstname": "Race"})])
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: contacts.batch_api.upsert(upsert), range(8)))
    assert len({a.results[0].id for a in answers}) == 1, [a.results[0].id for a in answers]
    assert sum(a.results[0].new for a in answers) == 1, [a.results[0].new for a in answers]
    keep = answers[0].results[0].id
    gone = contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"email": f"race-gone-{run}@example.com"})).id

    def merge(_):
        try:
            contacts.basic_api.merge(PublicMergeInput(primary_object_id=keep, object_id_to_merge=gone))
            return 200
        except NotFoundException as err:
            return err.status
    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(merge, range(6)))
    assert statuses == [200] + [404] * 5, statuses
    contacts.basic_api.archive(keep)


def refusals():
    # A JSON body sent as text/plain (the client's own api_request with its header replaced):
    # HubSpot's JSON routes answer 415; sent as JSON, the same body is read.
    raw = {"method": "POST", "base_url": os.environ["HUBSPOT_API_BASE"], "path": "/crm/v3/objects/contacts",
           "body": json.dumps({"properties": {"email": f"py-plain-{run}@example.com"}})}
    plain = client.api_request({**raw, "headers": {"Content-Type": "text/plain"}})
    assert plain.status_code == 415 and plain.json()["category"] == "VALIDATION_ERROR", plain.text
    sent = client.api_request(raw)
    assert sent.status_code == 201, sent.text
    client.crm.contacts.basic_api.archive(sent.json()["id"])
    # Without a valid token the caller is refused first: 401, not the body's 415.
    stranger = hubspot.Client.create(access_token="pat-na1-00000000-0000-0000-0000-000000000000",
                                     host=os.environ["HUBSPOT_API_BASE"])
    unknown = stranger.api_request({**raw, "headers": {"Content-Type": "text/plain"}})
    assert unknown.status_code == 401 and unknown.json()["category"] == "INVALID_AUTHENTICATION", unknown.text
    # A valid token without the route's scope: 403 MISSING_SCOPES, not the body's 415.
    reader = hubspot.Client.create(access_token=admin("POST", "private-apps", {"scopes": ["crm.objects.contacts.read"]})["token"],
                                   host=os.environ["HUBSPOT_API_BASE"])
    unscoped = reader.api_request({**raw, "headers": {"Content-Type": "text/plain"}})
    assert unscoped.status_code == 403 and unscoped.json()["category"] == "MISSING_SCOPES", unscoped.text
    # A number shown as a checkbox is refused; a number shown as a number is not.
    props = client.crm.properties.core_api
    try:
        props.create("contacts", PropertyCreate(name=f"py_pair_{run}", label="Pair", type="number",
                                                field_type="checkbox", group_name="contactinformation"))
        raise AssertionError("type number with fieldType checkbox was accepted")
    except hubspot.crm.properties.ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and body["category"] == "VALIDATION_ERROR", err.body
        assert "fieldType checkbox" in body["message"], body
    made = props.create("contacts", PropertyCreate(name=f"py_pair_{run}", label="Pair", type="number",
                                                   field_type="number", group_name="contactinformation"))
    assert made.field_type == "number"
    try:
        props.update("contacts", f"py_pair_{run}", PropertyUpdate(field_type="select"))
        raise AssertionError("an update to fieldType select of a number was accepted")
    except hubspot.crm.properties.ApiException as err:
        assert err.status == 400, err.body
    props.archive("contacts", f"py_pair_{run}")
    # A pipeline's stage labels are unique.
    pipelines = client.crm.pipelines
    stage = lambda label: PipelineStageInput(label=label, display_order=0, metadata={"probability": "0.5"})
    try:
        pipelines.pipelines_api.create("deals", PipelineInput(label=f"Py twice {run}", display_order=4,
                                                              stages=[stage("Open"), stage("Open")]))
        raise AssertionError("a stage label given twice was accepted")
    except hubspot.crm.pipelines.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["category"] == "VALIDATION_ERROR", err.body
    pipeline = pipelines.pipelines_api.create("deals", PipelineInput(label=f"Py once {run}", display_order=4,
                                                                     stages=[stage("Open")]))
    try:
        pipelines.pipeline_stages_api.create("deals", pipeline.id, stage("Open"))
        raise AssertionError("a stage label the pipeline has was accepted")
    except hubspot.crm.pipelines.ApiException as err:
        assert err.status == 400, err.body
    # A rename to a taken label of a stage that does not exist: the stage's 404 comes first.
    try:
        pipelines.pipeline_stages_api.update("deals", pipeline.id, "999999", PipelineStagePatchInput(label="Open"))
        raise AssertionError("a rename of an unknown stage was accepted")
    except hubspot.crm.pipelines.ApiException as err:
        assert err.status == 404, err.body
    pipelines.pipelines_api.archive("deals", pipeline.id)
    # propertiesWithHistory: at most 50 objects a read (fetch_all pages by 50 when asked).
    contacts = client.crm.contacts
    inputs = [SimplePublicObjectId(id=str(201 + i % 3)) for i in range(51)]
    try:
        contacts.batch_api.read(BatchReadInputSimplePublicObjectId(
            inputs=inputs, properties=["email"], properties_with_history=["email"]))
        raise AssertionError("a batch read of 51 with history was accepted")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and "property histories is 50" in body["message"], err.body
    read = contacts.batch_api.read(BatchReadInputSimplePublicObjectId(
        inputs=inputs[:50], properties=["email"], properties_with_history=["email"]))
    assert read.results[0].properties_with_history["email"][0].value, read.results[0]
    try:
        contacts.basic_api.get_page(limit=51, properties_with_history=["email"])
        raise AssertionError("a page of 51 with history was accepted")
    except ApiException as err:
        assert err.status == 400, err.body
    every = contacts.get_all(properties_with_history=["email"])
    assert len(every) >= 3 and every[0].properties_with_history is not None


def oauth_token_metadata():
    # What an app reads after an install: the token's account, user and scopes.
    info = client.oauth.access_tokens_api.get(os.environ["HUBSPOT_TOKEN"])
    assert (info.hub_id, info.app_id, info.token_type) == (62515, 1000001, "access"), info
    assert info.token == os.environ["HUBSPOT_TOKEN"] and info.user and info.user_id, info
    assert "crm.objects.contacts.write" in info.scopes and info.expires_in > 0, info
    try:
        client.oauth.access_tokens_api.get("pat-na1-00000000-0000-0000-0000-000000000000")
        raise AssertionError("an unknown token's metadata was answered")
    except hubspot.oauth.ApiException as err:
        assert err.status == 404, err.body
    # A refresh: the app's client credentials and its refresh token give a new access token.
    credentials = {"client_id": os.environ["HUBSPOT_CLIENT_ID"], "client_secret": os.environ["HUBSPOT_CLIENT_SECRET"]}
    granted = client.oauth.tokens_api.create(grant_type="refresh_token", refresh_token=os.environ["HUBSPOT_REFRESH_TOKEN"],
                                             **credentials)
    assert granted.token_type == "bearer" and granted.expires_in > 0, granted
    fresh = hubspot.Client.create(access_token=granted.access_token, host=os.environ["HUBSPOT_API_BASE"])
    assert fresh.crm.contacts.basic_api.get_page(limit=1).results
    try:
        client.oauth.tokens_api.create(grant_type="refresh_token", refresh_token="na1-nope", **credentials)
        raise AssertionError("an unknown refresh token was exchanged")
    except hubspot.oauth.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["status"] == "BAD_REFRESH_TOKEN", err.body


def oauth_install():
    # The install page: get_auth_url builds it on app.hubspot.com; the test swaps in the clone's origin.
    credentials = {"client_id": os.environ["HUBSPOT_CLIENT_ID"], "client_secret": os.environ["HUBSPOT_CLIENT_SECRET"]}
    redirect_uri = "http://127.0.0.1:9/py-callback"
    url = get_auth_url(credentials["client_id"], redirect_uri, scope=("crm.objects.contacts.read", "oauth"),
                       optional_scope=("crm.lists.read",), state=f"py-{run}")
    parts = urllib.parse.urlsplit(url)
    page = urllib3.PoolManager().request("GET", f"{os.environ['HUBSPOT_API_BASE']}{parts.path}?{parts.query}", redirect=False)
    assert page.status == 302, page.data
    back = urllib.parse.urlsplit(page.headers["Location"])
    query = urllib.parse.parse_qs(back.query)
    assert f"{back.scheme}://{back.netloc}{back.path}" == redirect_uri and query["state"] == [f"py-{run}"], page.headers
    code = query["code"][0]
    tokens = client.oauth.tokens_api
    try:
        tokens.create(grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1:9/other", **credentials)
        raise AssertionError("a code was exchanged for another redirect URI")
    except hubspot.oauth.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["status"] == "BAD_REDIRECT_URI", err.body
    granted = tokens.create(grant_type="authorization_code", code=code, redirect_uri=redirect_uri, **credentials)
    installed = hubspot.Client.create(access_token=granted.access_token, host=os.environ["HUBSPOT_API_BASE"])
    assert installed.crm.contacts.basic_api.get_page(limit=1).results
    try:
        installed.crm.deals.basic_api.get_page(limit=1)
        raise AssertionError("the install's token read deals it was not granted")
    except hubspot.crm.deals.exceptions.ForbiddenException as err:
        assert json.loads(err.body)["category"] == "MISSING_SCOPES", err.body
    try:
        tokens.create(grant_type="authorization_code", code=code, redirect_uri=redirect_uri, **credentials)
        raise AssertionError("a code was exchanged twice")
    except hubspot.oauth.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["status"] == "BAD_AUTH_CODE", err.body
    refresh = client.oauth.refresh_tokens_api
    meta = refresh.get(granted.refresh_token)
    assert (meta.client_id, meta.hub_id, meta.token_type, meta.token) == (
        credentials["client_id"], 62515, "refresh", granted.refresh_token), meta
    assert meta.scopes == ["crm.objects.contacts.read", "oauth", "crm.lists.read"] and meta.user and meta.user_id, meta
    refresh.archive(granted.refresh_token)
    try:
        refresh.get(granted.refresh_token)
        raise AssertionError("a deleted refresh token's metadata was answered")
    except hubspot.oauth.ApiException as err:
        assert err.status == 404, err.body
    try:
        tokens.create(grant_type="refresh_token", refresh_token=granted.refresh_token, **credentials)
        raise AssertionError("a deleted refresh token was exchanged")
    except hubspot.oauth.ApiException as err:
        assert json.loads(err.body)["status"] == "BAD_REFRESH_TOKEN", err.body
    assert installed.crm.contacts.basic_api.get_page(limit=1).results  # access tokens outlive it
    minted = admin("POST", "oauth/codes", {"redirectUri": redirect_uri, "scopes": ["crm.objects.deals.read"]})
    deals = tokens.create(grant_type="authorization_code", code=minted["code"], redirect_uri=redirect_uri, **credentials)
    hubspot.Client.create(access_token=deals.access_token, host=os.environ["HUBSPOT_API_BASE"]).crm.deals.basic_api.get_page(limit=1)


def quotes():
    api = client.crm.quotes
    try:
        api.basic_api.create(SimplePublicObjectInputForCreate(properties={"hs_title": f"Py quote {run}"}))
        raise AssertionError("a quote without hs_expiration_date was created")
    except hubspot.crm.quotes.ApiException as err:
        body = json.loads(err.body)
        assert err.status == 400 and "Error creating QUOTE" in body["message"], err.body
    item = client.crm.line_items.basic_api.create(SimplePublicObjectInputForCreate(properties={"name": "Audit", "price": "900"}))
    link = lambda to, type_id: {"to": {"id": to}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]}
    quote = api.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"hs_title": f"Py quote {run}", "hs_expiration_date": "2026-12-31", "hs_status": "DRAFT"},
        associations=[link("402", 64), link(item.id, 67)]))
    got = api.basic_api.get_by_id(quote.id, associations=["deals"])
    assert got.properties["hs_title"] == f"Py quote {run}" and got.properties["hs_status"] == "DRAFT", got.properties
    assert [r.id for r in got.associations["deals"].results] == ["402"], got.associations
    on_item = client.crm.associations.v4.basic_api.get_page("line_items", item.id, "quotes")
    assert [(str(r.to_object_id), r.association_types[0].type_id) for r in on_item.results] == [(quote.id, 68)], on_item
    found = api.search_api.do_search(PublicObjectSearchRequest(query=f"quote {run}", limit=10))
    assert [r.id for r in found.results] == [quote.id], found
    assert len([q for q in api.get_all() if q.id == quote.id]) == 1
    api.basic_api.archive(quote.id)
    client.crm.line_items.basic_api.archive(item.id)


def communications_and_postal_mail():
    from hubspot.crm.objects.communications import (
        AssociationSpec as Spec, PublicAssociationsForObject, PublicObjectId,
        SimplePublicObjectInputForCreate as CommunicationCreate)
    from hubspot.crm.objects.postal_mail import SimplePublicObjectInputForCreate as MailCreate
    objects = client.crm.objects
    link = lambda to, type_id: PublicAssociationsForObject(to=PublicObjectId(id=to), types=[
        Spec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])
    sms = objects.communications.basic_api.create(CommunicationCreate(properties={
        "hs_communication_channel_type": "WHATS_APP", "hs_communication_logged_from": "CRM",
        "hs_communication_body": f"Py message {run}", "hs_timestamp": "2025-03-01T10:00:00Z"},
        associations=[link("202", 81)]))
    got = objects.communications.basic_api.get_by_id(sms.id, associations=["contacts"])
    assert got.properties["hs_communication_channel_type"] == "WHATS_APP", got.properties
    assert got.associations["contacts"].results[0].id == "202", got.associations
    found = objects.communications.search_api.do_search(PublicObjectSearchRequest(query=f"message {run}"))
    assert [r.id for r in found.results] == [sms.id], found
    mail = objects.postal_mail.basic_api.create(MailCreate(properties={
        "hs_postal_mail_body": f"Py letter {run}", "hs_timestamp": "2025-03-01T10:00:00Z"},
        associations=[link("202", 453)]))
    back = client.crm.associations.v4.basic_api.get_page("contacts", "202", "postal_mail")
    assert (mail.id, 454) in [(str(r.to_object_id), r.association_types[0].type_id) for r in back.results], back
    # Their guides do not require hs_timestamp: without it, the creation time.
    untimed = objects.postal_mail.basic_api.create(MailCreate(properties={"hs_postal_mail_body": f"Py untimed {run}"}))
    assert untimed.properties["hs_timestamp"] == untimed.properties["createdate"], untimed.properties
    objects.postal_mail.basic_api.archive(untimed.id)
    try:
        objects.communications.basic_api.create(CommunicationCreate(properties={
            "hs_communication_channel_type": "FAX", "hs_timestamp": "2025-03-01T10:00:00Z"}))
        raise AssertionError("a communication on channel FAX was accepted")
    except hubspot.crm.objects.communications.ApiException as err:
        assert err.status == 400 and json.loads(err.body)["errors"][0]["code"] == "INVALID_OPTION", err.body
    objects.communications.basic_api.archive(sms.id)
    objects.postal_mail.basic_api.archive(mail.id)


def imports():
    import tempfile
    email = f"imp-{run}@example.com"
    request = {"name": f"python import {run}", "files": [{"fileName": "contacts.csv", "fileFormat": "CSV",
        "fileImportPage": {"hasHeader": True, "columnMappings": [
            {"columnName": "First Name", "columnObjectTypeId": "0-1", "propertyName": "firstname"},
            {"columnName": "Email", "columnObjectTypeId": "0-1", "propertyName": "email"}]}}]}
    path = os.path.join(tempfile.mkdtemp(), "contacts.csv")
    with open(path, "w") as file:
        file.write(f"First Name,Email\nImported,{email}\nJane,jane.doe@example.com\nBad,not-an-email\n")
    imports = client.crm.imports
    started = imports.core_api.create(files=path, import_request=json.dumps(request))
    assert started.state == "DONE", started
    counters = started.metadata.counters
    assert (counters["TOTAL_ROWS"], counters["CREATED_OBJECTS"], counters["UPDATED_OBJECTS"]) == (3, 1, 1), counters
    assert started.mapped_object_type_ids == ["0-1"]
    assert imports.core_api.get_by_id(import_id=int(started.id)).import_name == f"python import {run}"
    assert started.id in [i.id for i in imports.core_api.get_page(limit=100).results]
    errors = imports.public_imports_api.get_errors(import_id=int(started.id), include_error_message=True, include_row_data=True)
    assert [e.error_type for e in errors.results] == ["INVALID_EMAIL"], errors
    assert errors.results[0].source_data.row_data == ["Bad", "not-an-email"]
    assert errors.results[0].source_data.line_number == 4
    contact = client.crm.contacts.basic_api.get_by_id(email, id_property="email", properties=["firstname"])
    assert contact.properties["firstname"] == "Imported"
    assert client.crm.contacts.basic_api.get_by_id("201", properties=["firstname"]).properties["firstname"] == "Jane"
    assert imports.core_api.cancel(import_id=int(started.id)).status == "COMPLETE"
    try:
        imports.core_api.get_by_id(import_id=999999)
        raise AssertionError("expected 404")
    except ImportsApiException as err:
        assert err.status == 404
    bad = dict(request, files=[dict(request["files"][0], fileImportPage={"hasHeader": True, "columnMappings": [
        {"columnName": "Email", "columnObjectTypeId": "0-1", "propertyName": "no_such_property"}]})])
    try:
        imports.core_api.create(files=path, import_request=json.dumps(bad))
        raise AssertionError("expected 400")
    except ImportsApiException as err:
        assert err.status == 400 and "no_such_property" in json.loads(err.body)["message"]


def oauth_expiry():
    # An access token lives its expires_in (1800 s) on the clone's clock, which the admin surface moves on.
    credentials = {"client_id": os.environ["HUBSPOT_CLIENT_ID"], "client_secret": os.environ["HUBSPOT_CLIENT_SECRET"]}
    refresh = {"grant_type": "refresh_token", "refresh_token": os.environ["HUBSPOT_REFRESH_TOKEN"], **credentials}
    granted = client.oauth.tokens_api.create(**refresh)
    assert granted.expires_in == 1800, granted
    fresh = hubspot.Client.create(access_token=granted.access_token, host=os.environ["HUBSPOT_API_BASE"])
    assert fresh.crm.contacts.basic_api.get_page(limit=1).results
    admin("POST", "oauth/advance", {"seconds": 1860})
    try:
        fresh.crm.contacts.basic_api.get_page(limit=1)
        raise AssertionError("an expired access token was taken")
    except ApiException as err:
        body = json.loads(err.body)
        assert err.status == 401 and body["category"] == "EXPIRED_AUTHENTICATION", err.body
        assert body["message"] == "The OAuth token used to make this call expired 1 minute(s) ago.", err.body
    renewed = client.oauth.tokens_api.create(**refresh)
    again = hubspot.Client.create(access_token=renewed.access_token, host=os.environ["HUBSPOT_API_BASE"])
    assert again.crm.contacts.basic_api.get_page(limit=1).results


def timeline():
    from hubspot.crm.timeline import (ApiException as TimelineApiException, BatchInputTimelineEvent, TimelineEvent,
                                      TimelineEventTemplateCreateRequest, TimelineEventTemplateToken,
                                      TimelineEventTemplateTokenOption)
    developer = hubspot.Client.create(api_key=os.environ["HUBSPOT_DEVELOPER_KEY"], host=os.environ["HUBSPOT_API_BASE"])
    stage = TimelineEventTemplateToken(name="stage", label="Stage", type="enumeration", object_property_name="lifecyclestage",
                                       options=[TimelineEventTemplateTokenOption(label="Lead", value="lead"),
                                                TimelineEventTemplateTokenOption(label="Customer", value="customer")])
    template = developer.crm.timeline.templates_api.create(app_id=1000001, timeline_event_template_create_request=TimelineEventTemplateCreateRequest(
        name=f"python webinar {run}", object_type="contacts", header_template="Registered for {{webinarName}}",
        detail_template="Seats: {{seats}}", tokens=[
            TimelineEventTemplateToken(name="webinarName", label="Webinar", type="string", options=[]),
            TimelineEventTemplateToken(name="seats", label="Seats", type="number", options=[]), stage]))
    assert template.object_type == "contacts" and [t.name for t in template.tokens] == ["webinarName", "seats", "stage"]
    assert template.id in [t.id for t in developer.crm.timeline.templates_api.get_all(app_id=1000001).results]
    events = client.crm.timeline.events_api
    event = events.create(TimelineEvent(event_template_id=template.id, id=f"py-{run}", object_id="203",
                                        tokens={"webinarName": "Rust 101", "seats": "3", "stage": "customer"}))
    assert (event.object_id, event.object_type, event.tokens["seats"]) == ("203", "contacts", "3"), event
    assert events.get_by_id(template.id, f"py-{run}").tokens["webinarName"] == "Rust 101"
    assert events.get_detail_by_id(template.id, f"py-{run}").details == "Seats: 3"
    assert events.get_render_by_id(template.id, f"py-{run}") == "Registered for Rust 101"
    contact = client.crm.contacts.basic_api.get_by_id("203", properties=["lifecyclestage"])
    assert contact.properties["lifecyclestage"] == "customer"
    # The Python SDK maps no answer of create_batch to a model: its status, then the event read back.
    _, status, _ = events.create_batch_with_http_info(BatchInputTimelineEvent(inputs=[
        TimelineEvent(event_template_id=template.id, id=f"py-b-{run}", email=f"tl-{run}@example.com", tokens={"seats": "1"})]))
    assert status == 201, status
    batched = events.get_by_id(template.id, f"py-b-{run}")
    created = client.crm.contacts.basic_api.get_by_id(f"tl-{run}@example.com", id_property="email")
    assert batched.object_id == created.id, (batched, created)
    try:
        events.create(TimelineEvent(event_template_id=template.id, id=f"py-x-{run}", object_id="203", tokens={"seats": "many"}))
        raise AssertionError("a bad token value was taken")
    except TimelineApiException as err:
        assert err.status == 400, err.body
    developer.crm.timeline.templates_api.archive(template.id, app_id=1000001)


def exports():
    exports = client.crm.exports.public_exports_api
    started = exports.start({"exportType": "VIEW", "format": "CSV", "exportName": f"python export {run}", "objectType": "0-1",
                             "objectProperties": ["email", "firstname"], "language": "EN",
                             "exportInternalValuesOptions": ["VALUES"], "overrideAssociatedObjectsPerDefinitionPerRowLimit": False,
                             "publicCrmSearchRequest": {"filters": [
                                 {"propertyName": "email", "operator": "EQ", "value": "jane.doe@example.com"}]}})
    status = exports.get_status(task_id=int(started.id))
    assert status.status == "COMPLETE" and status.result, status
    csv = urllib3.PoolManager().request("GET", status.result)
    assert csv.status == 200, csv.status
    lines = csv.data.decode().splitlines()
    assert lines[0] == "Record ID,Email,First Name" and lines[1].startswith("201,jane.doe@example.com,"), lines
    assert len(lines) == 2, lines


def settings_users():
    users = client.settings.users
    page = users.users_api.get_page(limit=1)
    assert page.results[0].id == "9001" and page.results[0].super_admin, page
    assert page.paging.next.after == "9001"
    roles = {role.name: role.id for role in users.roles_api.get_all().results}
    teams = {team.name: team.id for team in users.teams_api.get_all().results}
    email = f"py-user-{run}@acme-sales.example"
    created = users.users_api.create(UserProvisionRequest(
        email=email, send_welcome_email=False, role_id=roles["Sales Rep"],
        primary_team_id=teams["Support"], secondary_team_ids=[teams["Sales"]]))
    assert created.role_ids == [roles["Sales Rep"]] and created.primary_team_id == teams["Support"], created
    assert created.secondary_team_ids == [teams["Sales"]], created
    # The user is an owner, found by its user id.
    owner = client.crm.owners.owners_api.get_by_id(int(created.id), id_property="userId")
    assert owner.email == email and [t.id for t in owner.teams] == [teams["Support"], teams["Sales"]], owner
    assert users.users_api.get_by_id(email.upper(), id_property="EMAIL").id == created.id
    team = next(t for t in users.teams_api.get_all().results if t.id == teams["Support"])
    assert created.id in team.user_ids, team
    replaced = users.users_api.replace(created.id, PublicUserUpdate(role_id=roles["Sales Manager"], secondary_team_ids=[]))
    assert replaced.role_id == roles["Sales Manager"] and replaced.secondary_team_ids == [], replaced
    assert replaced.primary_team_id == teams["Support"], replaced
    for call, status in [
        (lambda: users.users_api.create(UserProvisionRequest(email=email)), 409),
        (lambda: users.users_api.create(UserProvisionRequest(email="not-an-address")), 400),
        (lambda: users.users_api.replace(created.id, PublicUserUpdate(role_id="999")), 400),
    ]:
        try:
            call()
            raise AssertionError(f"expected {status}")
        except UsersApiException as err:
            assert err.status == status, err
    users.users_api.archive(created.id)
    try:
        users.users_api.get_by_id(created.id)
        raise AssertionError("removed user still readable")
    except UsersApiException as err:
        assert err.status == 404 and json.loads(err.body)["category"] == "OBJECT_NOT_FOUND", err


def communication_preferences():
    prefs = client.communication_preferences
    definitions = prefs.definition_api.get_page().subscription_definitions
    marketing = next(d for d in definitions if d.name == "Marketing Information")
    service = next(d for d in definitions if d.name == "Customer Service Communication")
    email = f"py-prefs-{run}@example.com"
    before = prefs.status_api.get_email_status(email)
    assert before.recipient == email and {s.status for s in before.subscription_statuses} == {"NOT_SUBSCRIBED"}, before
    subscribed = prefs.status_api.subscribe(PublicUpdateSubscriptionStatusRequest(
        email_address=email, subscription_id=marketing.id, legal_basis="CONSENT_WITH_NOTICE",
        legal_basis_explanation="Signed up on the site"))
    assert subscribed.status == "SUBSCRIBED" and subscribed.legal_basis == "CONSENT_WITH_NOTICE", subscribed
    after = {s.id: s.status for s in prefs.status_api.get_email_status(email.upper()).subscription_statuses}
    assert after[marketing.id] == "SUBSCRIBED" and after[service.id] == "NOT_SUBSCRIBED", after
    assert prefs.status_api.unsubscribe(PublicUpdateSubscriptionStatusRequest(
        email_address=email, subscription_id=marketing.id)).status == "NOT_SUBSCRIBED"
    for call, text in [
        (prefs.status_api.subscribe, "You cannot subscribe an unsubscribed address."),
        (prefs.status_api.unsubscribe, "already unsubscribed"),
    ]:
        try:
            call(PublicUpdateSubscriptionStatusRequest(email_address=email, subscription_id=marketing.id))
            raise AssertionError(f"expected 400: {text}")
        except PreferencesApiException as err:
            assert err.status == 400 and text in json.loads(err.body)["message"], err.body



def preference_batches():
    # v4's batch writes: no generated method in the SDK, so the client's own api_request.
    def send(path, body, qs=None):
        return client.api_request({"method": "POST", "base_url": os.environ["HUBSPOT_API_BASE"],
                                   "path": f"/communication-preferences/v4/statuses/batch/{path}",
                                   "qs": qs or {}, "body": body})
    email, other = f"py-batch-{run}@example.com", f"py-batch2-{run}@example.com"

    def state(address, status, subscription=7001):
        return {"channel": "EMAIL", "statusState": status, "subscriberIdString": address,
                "subscriptionId": subscription}
    written = send("write", {"inputs": [dict(state(email, "SUBSCRIBED"), legalBasis="NON_GDPR"),
                                        state(other, "UNSUBSCRIBED", 7003)]})
    assert written.status_code == 200, written.text
    body = written.json()
    assert body["status"] == "COMPLETE" and "numErrors" not in body, body
    assert [(r["subscriberIdString"], r["status"], r["setStatusSuccessReason"]) for r in body["results"]] == [
        (email, "SUBSCRIBED", "REQUESTED_CHANGE_OCCURRED"), (other, "UNSUBSCRIBED", "REQUESTED_CHANGE_OCCURRED")], body
    statuses = {s.id: s.status for s in client.communication_preferences.status_api.get_email_status(email).subscription_statuses}
    assert statuses["7001"] == "SUBSCRIBED", statuses
    partial = send("write", {"inputs": [state(email, "SUBSCRIBED"), state(other, "SUBSCRIBED", 7003),
                                        state("not-an-address", "SUBSCRIBED"), state(email, "SUBSCRIBED", 999)]})
    assert partial.status_code == 207, partial.text
    body = partial.json()
    assert body["numErrors"] == 3 and body["results"][0]["setStatusSuccessReason"] == "NO_STATUS_CHANGE", body
    assert [e["message"] for e in body["errors"]] == [
        "You cannot subscribe an unsubscribed address without the contact's consent: a resubscribe needs a legalBasis "
        "and its legalBasisExplanation.", "Email address not-an-address is invalid",
        "Subscription 999 does not exist"], body
    assert body["errors"][1]["context"]["subscriberIdString"] == ["not-an-address"], body
    # A batch read reports an invalid address in a 207 too, the others read.
    read = send("read", {"inputs": [email, "not-an-address"]}, {"channel": "EMAIL"})
    assert read.status_code == 207, read.text
    body = read.json()
    assert body["numErrors"] == 1 and body["errors"][0]["message"] == "Email address not-an-address is invalid", body
    [result] = body["results"]
    assert result["subscriberIdString"] == email, body
    assert [s["status"] for s in result["statuses"] if s["subscriptionId"] == 7001] == ["SUBSCRIBED"], body
    # Opting out of all email: every type unsubscribed, the portal-wide status read back.
    wide = send("unsubscribe-all/read", {"inputs": [email]}, {"channel": "EMAIL"})
    assert wide.status_code == 200 and wide.json()["results"][0]["wideStatuses"] == [], wide.text
    out = send("unsubscribe-all", {"inputs": [email, "bad"]}, {"channel": "EMAIL", "verbose": "true"})
    assert out.status_code == 207, out.text
    body = out.json()
    assert body["numErrors"] == 1 and body["results"][0]["subscriberIdString"] == email, body
    assert {s["status"] for s in body["results"][0]["statuses"]} == {"UNSUBSCRIBED"}, body
    wide = send("unsubscribe-all/read", {"inputs": [email.upper(), other]}, {"channel": "EMAIL"})
    assert wide.status_code == 200, wide.text
    first, second = wide.json()["results"]
    assert [(w["wideStatusType"], w["status"]) for w in first["wideStatuses"]] == [("PORTAL_WIDE", "UNSUBSCRIBED")], first
    assert second["wideStatuses"] == [], second
    try:
        client.communication_preferences.status_api.subscribe(
            PublicUpdateSubscriptionStatusRequest(email_address=email, subscription_id="7003"))
        raise AssertionError("expected 400 after unsubscribe-all")
    except PreferencesApiException as err:
        assert err.status == 400, err.body
    # v4 resubscribes it with the contact's consent on record, lifting its opt-out of all email.
    again = send("write", {"inputs": [dict(state(email, "SUBSCRIBED", 7003), legalBasis="CONSENT_WITH_NOTICE",
                                           legalBasisExplanation="Asked to hear from us again")]})
    assert again.status_code == 200 and again.json()["results"][0]["setStatusSuccessReason"] == "RESUBSCRIBE_OCCURRED", again.text
    wide = send("unsubscribe-all/read", {"inputs": [email]}, {"channel": "EMAIL"})
    assert wide.json()["results"][0]["wideStatuses"] == [], wide.text
    assert send("unsubscribe-all", {"inputs": [email]}).status_code == 400  # no channel
    assert send("write", {"inputs": "x"}).status_code == 400

def preference_opt_out():
    # v4's single-subscriber opt-out: no generated method in the SDK, so the client's own api_request.
    email = f"py-optout-{run}@example.com"

    def send(method, qs=None):
        return client.api_request({"method": method, "base_url": os.environ["HUBSPOT_API_BASE"],
                                   "path": f"/communication-preferences/v4/statuses/{email}/unsubscribe-all",
                                   "qs": {"channel": "EMAIL", **(qs or {})}})
    before = send("GET")
    assert before.status_code == 200 and before.json()["results"] == [], before.text
    out = send("POST", {"verbose": "true"})
    assert out.status_code == 200, out.text
    assert {s["setStatusSuccessReason"] for s in out.json()["results"]} == {"UNSUBSCRIBE_FROM_ALL_OCCURRED"}, out.text
    after = send("GET")
    assert [(w["wideStatusType"], w["status"], w["subscriberIdString"]) for w in after.json()["results"]] == [
        ("PORTAL_WIDE", "UNSUBSCRIBED", email)], after.text
    statuses = client.communication_preferences.status_api.get_email_status(email).subscription_statuses
    assert {s.status for s in statuses} == {"NOT_SUBSCRIBED"}, statuses

def leads():
    from hubspot.crm.objects.leads import (
        ApiException as LeadsApiException, AssociationSpec as Spec,
        BatchInputSimplePublicObjectBatchInputForCreate as LeadBatch, BatchInputSimplePublicObjectId as LeadIds,
        PublicAssociationsForObject, PublicObjectId, PublicObjectSearchRequest as LeadSearch,
        SimplePublicObjectBatchInputForCreate as LeadBatchInput, SimplePublicObjectInput as LeadUpdate,
        SimplePublicObjectInputForCreate as LeadCreate, SimplePublicObjectId as LeadId)
    leads = client.crm.objects.leads
    link = lambda to, type_id: PublicAssociationsForObject(to=PublicObjectId(id=to), types=[
        Spec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])
    lead = leads.basic_api.create(LeadCreate(properties={
        "hs_lead_name": f"Py lead {run}", "hs_lead_type": "NEW BUSINESS", "hs_lead_label": "WARM"},
        associations=[link("202", 578)]))
    got = leads.basic_api.get_by_id(lead.id, properties=["hs_lead_label"], associations=["contacts"])
    assert got.properties["hs_lead_label"] == "WARM" and got.associations["contacts"].results[0].id == "202", got
    moved = leads.basic_api.update(lead.id, LeadUpdate(properties={
        "hs_pipeline": "lead-pipeline-id", "hs_pipeline_stage": "qualified-stage-id"}))
    assert moved.properties["hs_pipeline_stage"] == "qualified-stage-id", moved.properties
    found = leads.search_api.do_search(LeadSearch(query=f"lead {run}"))
    assert [r.id for r in found.results] == [lead.id], found
    back = client.crm.associations.v4.basic_api.get_page("contacts", "202", "leads")
    assert (lead.id, 579) in [(str(r.to_object_id), r.association_types[0].type_id) for r in back.results], back
    stages = client.crm.pipelines.pipelines_api.get_by_id("leads", "lead-pipeline-id").stages
    assert [s.id for s in stages][:2] == ["new-stage-id", "attempting-stage-id"], stages
    made = leads.batch_api.create(LeadBatch(inputs=[LeadBatchInput(
        properties={"hs_lead_name": f"Py batch lead {run}"}, associations=[link("302", 610)])]))
    assert made.results[0].properties["hs_lead_name"] == f"Py batch lead {run}", made
    try:
        leads.basic_api.create(LeadCreate(properties={"hs_lead_name": "Unlinked"}, associations=[]))
        raise AssertionError("a lead without a contact or company was accepted")
    except LeadsApiException as err:
        assert err.status == 400 and "must be associated" in json.loads(err.body)["message"], err.body
    leads.batch_api.archive(LeadIds(inputs=[LeadId(id=lead.id), LeadId(id=made.results[0].id)]))


def crm_users():
    from hubspot.crm.objects import (
        ApiException as ObjectsApiException, Filter as ObjectFilter, FilterGroup as ObjectFilterGroup,
        PublicObjectSearchRequest as ObjectSearch, SimplePublicObjectInput as ObjectUpdate,
        SimplePublicObjectInputForCreate as ObjectCreate)
    objects = client.crm.objects
    page = objects.basic_api.get_page("users", properties=["hs_email", "hs_internal_user_id"])
    alice = next(u for u in page.results if u.properties["hs_internal_user_id"] == "9001")
    assert alice.properties["hs_email"] == "alice@acme-sales.example" and alice.id != "9001", alice
    title = f"Py rep {run}"
    updated = objects.basic_api.update("users", alice.id, ObjectUpdate(properties={
        "hs_job_title": title, "hs_availability_status": "available"}))
    assert updated.properties["hs_job_title"] == title, updated.properties
    by_user = objects.basic_api.get_by_id("users", "9001", id_property="hs_internal_user_id", properties=["hs_job_title"])
    assert by_user.id == alice.id and by_user.properties["hs_job_title"] == title, by_user
    found = objects.search_api.do_search("users", ObjectSearch(filter_groups=[ObjectFilterGroup(filters=[
        ObjectFilter(property_name="hs_job_title", operator="EQ", value=title)])]))
    assert [u.id for u in found.results] == [alice.id], found
    try:
        objects.basic_api.create("users", ObjectCreate(properties={"hs_job_title": "x"}, associations=[]))
        raise AssertionError("a CRM user was created through the objects API")
    except ObjectsApiException as err:
        assert err.status == 400 and "cannot be created" in json.loads(err.body)["message"], err.body


def goals():
    from hubspot.crm.objects.goals import (
        ApiException as GoalsApiException, PublicObjectSearchRequest as GoalSearch,
        SimplePublicObjectInput as GoalUpdate)
    goals = client.crm.objects.goals
    page = goals.basic_api.get_page(properties=["hs_goal_name", "hs_target_amount"])
    assert [g.id for g in page.results] == ["601", "602"], page
    got = goals.basic_api.get_by_id("602", properties=["hs_target_amount", "hubspot_owner_id"])
    assert got.properties["hs_target_amount"] == "12000" and got.properties["hubspot_owner_id"] == "101", got
    found = goals.search_api.do_search(GoalSearch(query="revenue"))
    assert found.total == 2, found
    try:
        goals.basic_api.update("601", GoalUpdate(properties={"hs_target_amount": "1"}))
        raise AssertionError("a goal target was updated")
    except GoalsApiException as err:
        assert err.status == 400 and "cannot be updated" in json.loads(err.body)["message"], err.body


def forms():
    from hubspot.marketing.forms import (
        ApiException as FormsApiException, EmailField, FieldGroup, FormDefinitionCreateRequestBase,
        HubSpotFormConfiguration, FormPostSubmitAction, HubSpotFormDefinitionPatchRequest,
        SingleLineTextField)
    api = client.marketing.forms.forms_api
    created = api.create(FormDefinitionCreateRequestBase(
        form_type="hubspot", name=f"Python form {run}", archived=False,
        field_groups=[FieldGroup(group_type="default_group", rich_text_type="text", fields=[
            EmailField(object_type_id="0-1", name="email", label="Email", required=True, hidden=False,
                       field_type="email", dependent_fields=[]),
            SingleLineTextField(object_type_id="0-1", name="firstname", label="First name", required=False,
                                hidden=False, field_type="single_line_text", dependent_fields=[]),
        ])],
        configuration=HubSpotFormConfiguration(
            post_submit_action=FormPostSubmitAction(type="thank_you", value="Merci!"))))
    assert created.form_type == "hubspot" and len(created.id) == 36, created
    assert created.field_groups[0].fields[0].name == "email", created
    got = api.get_by_id(created.id)
    assert got.name == f"Python form {run}" and got.configuration.post_submit_action.value == "Merci!", got
    page = api.get_page(limit=500)
    assert created.id in [f.id for f in page.results], page
    patched = api.update(created.id, HubSpotFormDefinitionPatchRequest(name=f"Renamed {run}"))
    assert patched.name == f"Renamed {run}" and patched.field_groups[0].fields[1].name == "firstname", patched
    # The submit route has no SDK client: plain HTTP, without credentials.
    email = f"form-{run}@web.example"
    http = urllib3.PoolManager()
    url = f"{os.environ['HUBSPOT_API_BASE']}/submissions/v3/integration/submit/62515/{created.id}"
    answer = http.request("POST", url, body=json.dumps({
        "fields": [{"objectTypeId": "0-1", "name": "email", "value": email},
                   {"objectTypeId": "0-1", "name": "firstname", "value": "Formy"}],
        "context": {"pageUri": "https://acme.example/form", "pageName": "Form"}}),
        headers={"Content-Type": "application/json"})
    assert answer.status == 200 and json.loads(answer.data) == {"inlineMessage": "Merci!"}, answer.data
    contact = client.crm.contacts.basic_api.get_by_id(email, id_property="email", properties=["firstname"])
    assert contact.properties["firstname"] == "Formy", contact
    bad = http.request("POST", url, body=json.dumps({"fields": [{"name": "email", "value": "nope"}]}),
                       headers={"Content-Type": "application/json"})
    assert bad.status == 400 and json.loads(bad.data)["errors"][0]["errorType"] == "INVALID_EMAIL", bad.data
    api.archive(created.id)
    try:
        api.get_by_id(created.id)
        raise AssertionError("an archived form was read")
    except FormsApiException as err:
        assert err.status == 404, err
    assert api.get_by_id(created.id, archived=True).archived is True


check("objects: create, get by email, update, list with associations, archive", objects)
check("batch create/read/upsert/archive and search", batch_and_search)
check("merge, GDPR delete, propertiesWithHistory", merge_gdpr_and_history)
check("associations v4: default, labels, list, batch read, a create with associations, archive, a missing object refused", associations)
check("associations v3: types, batch create, read, archive", associations_v3)
check("properties (create, update, archive), groups, owners, pipelines and stages", properties_owners_pipelines)
check("errors: 409 duplicate, 400 validation, 401", errors)
check("reads: default properties per type, get_all paging, full-name query, non-numeric id", reads)
check("unique properties: read, update, upsert by a custom unique id; taken values refused", unique_properties)
check("deal stages: the default pipeline when none is given; moved through the pipeline; unknown stages and pipelines refused", deal_stages)
check("batch create with objectWriteTraceId: valid inputs created, the others reported (207); invalid email", traced_batch_create)
check("line items: a product's name and price, associated with a deal", line_items)
check("engagements: calls, emails, meetings, notes with associations; hs_timestamp required; associations.contact search", engagements)
check("lists: create, get by id/name/ids, search, memberships (add, page, join order, add-and-remove, a record's lists, a deleted contact leaves), rename, duplicate name, delete, restore", lists)
check("list folders: created (nested), a list created in one and another moved into one, fetched with their folders, renamed, moved, deleted (lists back to the root), refusals; legacy list ids translated one and many at a time", list_folders)
check("lists with filters: a DYNAMIC list follows its contacts, a SNAPSHOT list keeps its first members, filters read back and updated, unevaluated filters refused", dynamic_lists)
check("custom objects: schema create/get/list, records by type id and name, required properties, association definition, patch, archive refused with records, archive, purge", custom_objects)
check("custom object reads: the p_ short-hand name (not the bare one), properties, propertiesWithHistory and associations on get/list/batch read, search properties, a HubSpot type's associations by fully qualified name, associations.{custom} search refused", custom_object_reads)
check("webhooks API (developer API key): settings, a legacy subscription repeating its objectTypeId, a generic object.creation subscription for a custom type, paused then activated, its event signed v3 and v1 (Signature.is_valid); a contact.merge event", webhooks_api)
check("errors: NotFoundException's status, reason, body (category, correlationId) and headers; a property's error code; 403 MISSING_SCOPES (ForbiddenException) for a token without the scope", error_fields)
check("rate limits: X-HubSpot-RateLimit-* headers (get_page_with_http_info); 429 TEN_SECONDLY_ROLLING once enforced", rate_limits)
check("batch update, then search paged through paging.next.after to the last page; a run of wildcards; an unknown sort direction refused", search_paging_and_batch_update)
check("concurrent writes: upserts of one email make one contact; merges of one object merge it once (the others NotFoundException)", concurrent_writes)
check("oauth: a token's metadata (account, app, user, scopes), an unknown token 404; a refresh token exchanged for an access token, an unknown one refused", oauth_token_metadata)
check("oauth install: get_auth_url on the clone's origin redirects with a code; tokens_api.create exchanges it (authorization_code) once; refresh_tokens_api.get names the app, archive deletes the refresh token; an admin-minted code", oauth_install)
check("quotes: hs_title and hs_expiration_date required; created with a deal and a line item (64, 67), read back with its deal, the line item's quotes (68), searched, listed, archived", quotes)
check("communications and postal mail: an SMS-style message and a letter logged on a contact with HubSpot's type ids, read back, searched, an unknown channel refused", communications_and_postal_mail)
check("refusals: a JSON body sent as text/plain (415; 401 first without a valid token, 403 first without the scope), a type/fieldType pair HubSpot refuses, a stage label twice in a pipeline (an unknown stage's 404 first), propertiesWithHistory past 50 objects", refusals)
check("imports: a CSV of contacts (multipart importRequest + files) creates one, updates one by email, reports a bad email row (get_errors), read, listed, cancelled; an unknown property refused", imports)
check("oauth expiry: an access token refused with 401 EXPIRED_AUTHENTICATION once its expires_in has passed (the clock moved on by the admin surface); a refresh gives a working one", oauth_expiry)
check("timeline: an event template with tokens (developer API key), events on a contact by id and (batch) by email, read, detail, rendered; an enumeration token sets the contact's property; a bad token value refused", timeline)
check("exports: a VIEW export of contacts filtered by email, COMPLETE with a result URL whose CSV holds the one contact", exports)
check("settings users: listed and paged, roles and teams, a user created with a role and teams (an owner too), read by email, its role and teams replaced, a taken email, a bad address and an unknown role refused, removed", settings_users)
check("leads: created with their primary contact (578), read with it, moved to a stage of the lead pipeline, searched, the contact's side (579), batch created with a company (610), one without a contact or company refused, archived", leads)
check("crm users (0-115, through the generic objects API): listed, a user's record updated (job title, availability), read by hs_internal_user_id, searched; a create refused", crm_users)
check("goals (goal_targets): listed, read, searched; an update refused", goals)
check("communication preferences: subscription definitions, an address's statuses (NOT_SUBSCRIBED until it opts in), subscribed with a legal basis, unsubscribed; subscribing it again and unsubscribing it twice refused", communication_preferences)
check("communication preferences v4 batches: statuses read and written (207 for refused inputs, a resubscribe without consent among them), addresses opted out of all email, their portal-wide status read, one resubscribed with its consent", preference_batches)
check("communication preferences v4: one address opted out of all email (verbose: each type's status), its portal-wide status read", preference_opt_out)
check("marketing forms: created with an email and a text field, read, listed, renamed (PATCH), submitted without credentials (plain HTTP: the contact created, INVALID_EMAIL refused), archived", forms)
finish(f"python hubspot-api-client {version('hubspot-api-client')}")
