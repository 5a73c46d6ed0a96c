//! Custom object schemas: create a type, write and search its records through the object
//! engine, associate them, patch the schema, archive it (refused while records live) and
//! purge it; and the schema API's refusals.

use asym_kit::testing::{assert_contains, assert_prefix};
use serde_json::{Value, json};

use crate::{
    api, archive, create, delete, id, len, link_default, missing, patch, post, prop, read, scoped,
    search, strs,
};

/// A `car` schema: two properties (`vin` required and searchable), associated with contacts.
pub(crate) fn car_schema() -> Value {
    json!({
        "name": "car",
        "labels": {"singular": "Car", "plural": "Cars"},
        "primaryDisplayProperty": "model",
        "secondaryDisplayProperties": ["vin"],
        "searchableProperties": ["model", "vin"],
        "requiredProperties": ["vin"],
        "properties": [
            {"name": "model", "label": "Model", "type": "string", "fieldType": "text"},
            {"name": "vin", "label": "VIN", "type": "string", "fieldType": "text", "hasUniqueValue": true},
            {"name": "year", "label": "Year", "type": "number", "fieldType": "number"},
        ],
        "associatedObjects": ["CONTACT"],
    })
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_custom_schema_serves_records_associations_and_is_archived(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = post(&api, "/crm/v3/schemas", &car_schema(), 201).await;
    assert_prefix(&schema["objectTypeId"], "2-");
    let type_id = schema["objectTypeId"].as_str().unwrap().to_owned();
    assert_eq!(type_id, format!("2-{}", schema["id"].as_str().unwrap()));
    assert_eq!(schema["fullyQualifiedName"], "p62515_car");
    assert_eq!(schema["metaType"], "PORTAL_SPECIFIC");
    assert_eq!(
        schema["labels"],
        json!({"singular": "Car", "plural": "Cars"})
    );
    assert_eq!(schema["requiredProperties"], json!(["vin"]));
    assert_eq!(schema["archived"], false);
    let names = strs(&schema["properties"], "name");
    for name in ["model", "vin", "year", "hs_object_id", "createdate"] {
        assert!(names.contains(&name), "{name}");
    }
    let association = &schema["associations"][0];
    assert_eq!(association["fromObjectTypeId"], type_id.as_str());
    assert_eq!(association["toObjectTypeId"], "0-1");
    assert_eq!(association["name"], "car_to_contact");

    // The same schema by each of its names, and in the list (both paths).
    for name in [type_id.as_str(), "p62515_car", "p_car"] {
        let found = read(&api, &format!("/crm/v3/schemas/{name}")).await;
        assert_eq!(found["objectTypeId"], type_id.as_str(), "{name}");
    }
    // Not by its bare name, which HubSpot stopped resolving in June 2025.
    missing(&api, "/crm/v3/schemas/car").await;
    let bare = create(&api, "car", &json!({"vin": "V0"}), 400).await;
    assert_eq!(bare["message"], "Unable to infer object type from: car");
    let all = read(&api, "/crm-object-schemas/v3/schemas").await;
    assert_eq!(strs(&all["results"], "name"), ["car"]);

    // Records through the object engine, by type id and by fully qualified name.
    let car = create(
        &api,
        &type_id,
        &json!({"model": "Model T", "vin": "V1", "year": 1908}),
        201,
    )
    .await;
    assert_eq!(prop(&car, "model"), "Model T");
    let refused = create(&api, "p62515_car", &json!({"model": "No VIN"}), 400).await;
    assert_eq!(refused["context"]["properties"], json!(["vin"]));
    let err = create(&api, &type_id, &json!({"colour": "red", "vin": "V2"}), 400).await;
    assert_eq!(err["errors"][0]["code"], "PROPERTY_DOESNT_EXIST");
    create(&api, &type_id, &json!({"model": "Twin", "vin": "V1"}), 400).await;
    let car_id = id(&car);
    let got = read(
        &api,
        &format!("/crm/v3/objects/p62515_car/{car_id}?properties=vin"),
    )
    .await;
    assert_eq!(prop(&got, "vin"), "V1");
    let found = search(&api, &type_id, &json!({"query": "model t"})).await;
    assert_eq!(found["total"], 1);
    let properties = read(&api, &format!("/crm/v3/properties/{type_id}/year")).await;
    assert_eq!(properties["type"], "number");

    // Associated with a contact through the definition the schema made; a contact created
    // with a link to a car that does not exist is refused, naming the car's type.
    link_default(&api, &format!("{type_id}/{car_id}"), "contacts/201").await;
    let inverse = read(
        &api,
        &format!("/crm/v4/associations/contacts/{type_id}/labels"),
    )
    .await;
    let to_car = json!([{"associationCategory": "USER_DEFINED",
                         "associationTypeId": inverse["results"][0]["typeId"]}]);
    let dangling = post(
        &api,
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "ford@example.com"},
                "associations": [{"to": {"id": "999"}, "types": to_car}]}),
        400,
    )
    .await;
    assert_eq!(
        dangling["context"]["INVALID_OBJECT_IDS"],
        json!(["CAR=999 is not valid"])
    );
    let linked = read(
        &api,
        &format!("/crm/v4/objects/contacts/201/associations/{type_id}"),
    )
    .await;
    assert_eq!(
        linked["results"][0]["toObjectId"],
        car_id.parse::<i64>().unwrap()
    );
    let with = read(
        &api,
        &format!("/crm/v3/objects/contacts/201?associations={type_id}"),
    )
    .await;
    let entries = with["associations"].as_object().unwrap();
    assert_eq!(entries.len(), 1, "{with}");
    let cars = &entries.values().next().unwrap()["results"];
    assert_eq!(cars[0]["id"], car_id.as_str(), "{with}");

    // Patched: relabelled, another searchable property.
    let patched = patch(
        &api,
        &format!("/crm/v3/schemas/{type_id}"),
        &json!({"labels": {"singular": "Auto", "plural": "Autos"}, "searchableProperties": ["model"]}),
    )
    .await;
    assert_eq!(patched["labels"]["singular"], "Auto");
    assert_eq!(patched["searchableProperties"], json!(["model"]));
    assert_eq!(patched["portalId"], 62515);

    // Not archived while a record lives; archived once it is gone; purged, which frees the name.
    let schema_path = format!("/crm/v3/schemas/{type_id}");
    let held = delete(&api, &schema_path, 400).await;
    assert_eq!(held["category"], "VALIDATION_ERROR");
    archive(&api, &format!("/crm/v3/objects/{type_id}/{car_id}")).await;
    archive(&api, &schema_path).await;
    create(&api, &type_id, &json!({"vin": "V3"}), 400).await;
    let archived = read(&api, "/crm/v3/schemas?archived=true").await;
    assert_eq!(archived["results"][0]["archived"], true);
    let taken = post(&api, "/crm/v3/schemas", &car_schema(), 409).await;
    assert_eq!(taken["category"], "OBJECT_ALREADY_EXISTS");
    delete(&api, &format!("{schema_path}?archived=true"), 204).await;
    post(&api, "/crm/v3/schemas", &car_schema(), 201).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn association_definitions_are_created_and_removed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = post(
        &api,
        "/crm/v3/schemas",
        &json!({"name": "pet", "labels": {"singular": "Pet", "plural": "Pets"}, "properties": []}),
        201,
    )
    .await;
    let type_id = schema["objectTypeId"].as_str().unwrap().to_owned();
    assert_eq!(len(&schema["associations"]), 0);
    let path = format!("/crm/v3/schemas/{type_id}/associations");
    let defined = post(
        &api,
        &path,
        &json!({"fromObjectTypeId": type_id, "toObjectTypeId": "0-2"}),
        201,
    )
    .await;
    assert_eq!(defined["name"], "pet_to_company");
    assert_eq!(defined["toObjectTypeId"], "0-2");
    post(
        &api,
        &path,
        &json!({"fromObjectTypeId": type_id, "toObjectTypeId": "0-2"}),
        409,
    )
    .await;
    let wrong_side = post(
        &api,
        &path,
        &json!({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2"}),
        400,
    )
    .await;
    assert_eq!(wrong_side["category"], "VALIDATION_ERROR");
    let missing = post(&api, &path, &json!({"toObjectTypeId": "0-2"}), 400).await;
    assert_eq!(
        missing["message"],
        "Invalid input JSON: Cannot build AssociationDefinitionEgg, some of required attributes are not set [fromObjectTypeId]"
    );

    let pet = create(&api, &type_id, &json!({}), 201).await;
    let labels = read(
        &api,
        &format!("/crm/v4/associations/{type_id}/companies/labels"),
    )
    .await;
    assert_eq!(labels["results"][0]["category"], "USER_DEFINED");
    link_default(&api, &format!("{type_id}/{}", id(&pet)), "companies/301").await;
    let definition = defined["id"].as_str().unwrap();
    delete(&api, &format!("{path}/{definition}"), 204).await;
    delete(&api, &format!("{path}/{definition}"), 404).await;
    let after = read(&api, &format!("/crm/v3/schemas/{type_id}")).await;
    assert_eq!(len(&after["associations"]), 0);
    let linked = read(
        &api,
        &format!("/crm/v4/objects/companies/301/associations/{type_id}"),
    )
    .await;
    assert_eq!(len(&linked["results"]), 0);
}

#[asym::clone("hubspot", seed = "basic")]
async fn schema_refusals(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let unlabelled = post(
        &api,
        "/crm/v3/schemas",
        &json!({"name": "x", "properties": []}),
        400,
    )
    .await;
    assert_eq!(unlabelled["category"], "VALIDATION_ERROR");
    assert_eq!(
        unlabelled["message"],
        "Invalid input JSON: Cannot build ObjectSchemaEgg, some of required attributes are not set [labels]"
    );
    let labels = json!({"singular": "Thing", "plural": "Things"});
    for (body, fragment) in [
        (json!({"name": "1bad", "labels": labels}), "is invalid"),
        (
            json!({"name": "thing", "labels": labels, "requiredProperties": ["nope"]}),
            "nope",
        ),
        (
            json!({"name": "thing", "labels": labels, "primaryDisplayProperty": "ghost"}),
            "ghost",
        ),
        (
            json!({"name": "thing", "labels": labels, "associatedObjects": ["WIDGET"]}),
            "WIDGET",
        ),
        (
            json!({"name": "thing", "labels": labels, "properties": [{"name": "p", "label": "P", "type": "weird", "fieldType": "text"}]}),
            "Invalid type",
        ),
    ] {
        let err = post(&api, "/crm/v3/schemas", &body, 400).await;
        assert_contains(&err["message"], fragment);
    }
    // Nothing of a refused schema was kept.
    assert_eq!(len(&read(&api, "/crm/v3/schemas").await["results"]), 0);
    missing(&api, "/crm/v3/schemas/2-999999").await;
    api.patch("/crm/v3/schemas/nothing", &json!({}))
        .await
        .expect(404);
    let schema = post(
        &api,
        "/crm/v3/schemas",
        &json!({"name": "thing", "labels": labels, "properties": []}),
        201,
    )
    .await;
    let type_id = schema["objectTypeId"].as_str().unwrap();
    let unknown = api
        .patch(
            &format!("/crm/v3/schemas/{type_id}"),
            &json!({"requiredProperties": ["nope"]}),
        )
        .await
        .expect(400);
    assert_eq!(unknown["context"]["propertyName"], json!(["nope"]));
    let live = delete(
        &api,
        &format!("/crm/v3/schemas/{type_id}?archived=true"),
        400,
    )
    .await;
    assert_eq!(live["category"], "VALIDATION_ERROR");

    let reader = scoped(&hubspot, &["crm.schemas.custom.read"]).await;
    read(&reader, "/crm/v3/schemas").await;
    let refused = reader.post("/crm/v3/schemas", &json!({})).await.expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    let records = reader
        .get(&format!("/crm/v3/objects/{type_id}"))
        .await
        .expect(403);
    assert_eq!(records["category"], "MISSING_SCOPES");
}

/// The properties, history and associations a read of the `car` `car_id` was asked for
/// (`properties=model,nope&propertiesWithHistory=model`, associations to contacts when
/// `associated`), after its model went from `T` to `A`.
fn assert_read_view(car: &Value, associated: bool) {
    let mut names: Vec<&String> = car["properties"].as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(
        names,
        ["createdate", "hs_lastmodifieddate", "hs_object_id", "model"],
        "{car}"
    );
    assert_eq!(prop(car, "model"), "A");
    let history: Vec<&Value> = car["propertiesWithHistory"]["model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["value"])
        .collect();
    assert_eq!(history, [&json!("A"), &json!("T")], "{car}");
    let linked = &car["associations"]["contacts"]["results"];
    assert_eq!(associated, !linked.is_null(), "{car}");
    if associated {
        assert_eq!(strs(linked, "id"), ["201"]);
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn custom_records_take_the_read_parameters_hubspots_types_take(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = post(&api, "/crm/v3/schemas", &car_schema(), 201).await;
    let type_id = schema["objectTypeId"].as_str().unwrap().to_owned();
    let car = create(&api, &type_id, &json!({"model": "T", "vin": "V1"}), 201).await;
    let car_id = id(&car);
    patch(
        &api,
        &format!("/crm/v3/objects/{type_id}/{car_id}"),
        &json!({"properties": {"model": "A"}}),
    )
    .await;
    link_default(&api, &format!("{type_id}/{car_id}"), "contacts/201").await;
    let asked = "properties=model,nope&propertiesWithHistory=model&associations=contacts";

    let got = read(&api, &format!("/crm/v3/objects/p_car/{car_id}?{asked}")).await;
    assert_read_view(&got, true);
    let listed = read(&api, &format!("/crm/v3/objects/{type_id}?{asked}")).await;
    assert_read_view(&listed["results"][0], true);
    let batch = post(
        &api,
        "/crm/v3/objects/p62515_car/batch/read",
        &json!({"inputs": [{"id": car_id}], "properties": ["model", "nope"],
                "propertiesWithHistory": ["model"]}),
        200,
    )
    .await;
    assert_read_view(&batch["results"][0], false);
    // A search answers the properties asked for (no history or associations: HubSpot's
    // search takes neither).
    let found = search(&api, &type_id, &json!({"properties": ["model"], "sorts": ["-model"],
                "filterGroups": [{"filters": [{"propertyName": "vin", "operator": "EQ", "value": "V1"}]}]}))
    .await;
    assert_eq!(strs(&found["results"], "id"), [car_id.as_str()]);
    assert_eq!(prop(&found["results"][0], "model"), "A");
    assert!(found["results"][0]["properties"].get("vin").is_none());

    // A HubSpot type's read names the custom type by each of its names, keyed by its id.
    for name in [type_id.as_str(), "p62515_car", "p_car"] {
        let contact = read(
            &api,
            &format!("/crm/v3/objects/contacts/201?associations={name}"),
        )
        .await;
        let cars = &contact["associations"][type_id.as_str()]["results"];
        assert_eq!(strs(cars, "id"), [car_id.as_str()], "{name}: {contact}");
    }

    // HubSpot's search does not search through custom object associations: a named refusal.
    for name in [type_id.as_str(), "p62515_car", "p_car"] {
        let refused = post(
            &api,
            "/crm/v3/objects/contacts/search",
            &json!({"filterGroups": [{"filters": [{"propertyName": format!("associations.{name}"),
                                                   "operator": "EQ", "value": car_id}]}]}),
            400,
        )
        .await;
        assert_eq!(refused["subCategory"], "NOT_IMPLEMENTED", "{refused}");
        assert_contains(&refused["message"], "custom object associations");
    }
}
