//! CRM imports: a multipart `importRequest` and CSV file write records (found by email, a
//! company's domain or the record id, as HubSpot's imports dedupe them), the import is `DONE`
//! with its counters, and the rows HubSpot would refuse are listed by `…/errors`.

use asym_kit::testing::{Api, Reply};
use serde_json::{Value, json};

use crate::{api, contact_count, prop, read, scoped, strs};

/// The boundary of the tests' multipart bodies.
const BOUNDARY: &str = "asym-import-boundary";

/// A `multipart/form-data` body of `request` (the `importRequest` part) and `files`
/// (`(file name, CSV)`, each a `files` part).
fn multipart(request: &Value, files: &[(&str, &str)]) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"importRequest\"\r\n\r\n{request}\r\n"
    );
    for (name, csv) in files {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

/// `POST /crm/v3/imports` of `request` and `files` with `api`.
async fn upload(api: &Api, request: &Value, files: &[(&str, &str)]) -> Reply {
    api.send_raw(
        reqwest::Method::POST,
        "/crm/v3/imports",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(request, files),
    )
    .await
}

/// An import request of one CSV file `file` mapping `columns` (`(column, type id,
/// property)`), with `extra` fields merged in.
fn request(file: &str, columns: &[(&str, &str, &str)], extra: &Value) -> Value {
    let mappings: Vec<Value> = columns
        .iter()
        .map(|(column, type_id, property)| {
            if *property == "hs_object_id" {
                json!({"columnName": column, "columnObjectTypeId": type_id,
                    "idColumnType": "HUBSPOT_OBJECT_ID"})
            } else {
                json!({"columnName": column, "columnObjectTypeId": type_id,
                    "propertyName": property})
            }
        })
        .collect();
    let mut request = json!({
        "name": format!("{file} import"),
        "files": [{"fileName": file, "fileFormat": "CSV",
            "fileImportPage": {"hasHeader": true, "columnMappings": mappings}}],
    });
    for (key, value) in extra.as_object().into_iter().flatten() {
        request[key] = value.clone();
    }
    request
}

/// The contact columns of the tests' contact files.
const CONTACT_COLUMNS: [(&str, &str, &str); 4] = [
    ("First Name", "0-1", "firstname"),
    ("Last Name", "0-1", "lastname"),
    ("Email", "0-1", "email"),
    ("Lifecycle", "0-1", "lifecyclestage"),
];

/// The contact with `email`, by `idProperty`.
async fn contact(api: &Api, email: &str) -> Value {
    read(
        api,
        &format!("/crm/v3/objects/contacts/{email}?idProperty=email&properties=firstname,lastname"),
    )
    .await
}

/// The errors of import `id`, with messages and row data.
async fn errors(api: &Api, id: &str) -> Value {
    read(
        api,
        &format!("/crm/v3/imports/{id}/errors?includeErrorMessage=true&includeRowData=true"),
    )
    .await
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_import_creates_and_updates_contacts_and_reports_the_rows_it_refuses(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    let csv = "First Name,Last Name,Email,Lifecycle\r\n\
               Jane,Updated,JANE.DOE@example.com,customer\r\n\
               Grace,Hopper,grace@example.com,lead\r\n\
               Bad,Email,not-an-email,lead\r\n\
               Too,Few\r\n\
               \"Quoted, Name\",Stage,opt@example.com,nonsense\r\n";
    let request = request("contacts.csv", &CONTACT_COLUMNS, &json!({}));
    let import = upload(&api, &request, &[("contacts.csv", csv)])
        .await
        .expect(200);
    assert_eq!(import["state"], "DONE");
    assert_eq!(import["importName"], "contacts.csv import");
    assert_eq!(import["mappedObjectTypeIds"], json!(["0-1"]));
    assert_eq!(import["importRequestJson"], request);
    assert_eq!(
        import["metadata"]["counters"],
        json!({"TOTAL_ROWS": 5, "CREATED_OBJECTS": 1, "UPDATED_OBJECTS": 1,
            "UNIQUE_OBJECTS_WRITTEN": 2, "PROPERTY_VALUES_EMITTED": 8})
    );
    let id = import["id"].as_str().unwrap();
    assert_eq!(read(&api, &format!("/crm/v3/imports/{id}")).await, import);

    // Found by its email (any case), updated; the new address created.
    let jane = contact(&api, "jane.doe@example.com").await;
    assert_eq!(jane["id"], "201");
    assert_eq!(prop(&jane, "lastname"), "Updated");
    assert_eq!(
        prop(&contact(&api, "grace@example.com").await, "firstname"),
        "Grace"
    );
    assert_eq!(contact_count(&api).await, 4);

    let refused = errors(&api, id).await;
    let results = &refused["results"];
    assert_eq!(
        strs(results, "errorType"),
        [
            "INVALID_EMAIL",
            "INCORRECT_NUMBER_OF_COLUMNS",
            "INVALID_ENUMERATION_OPTION"
        ]
    );
    let lines: Vec<&Value> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["sourceData"]["lineNumber"])
        .collect();
    assert_eq!(lines, [4, 5, 6]);
    let email = &results[0];
    assert_eq!(email["invalidValue"], "not-an-email");
    assert_eq!(email["knownColumnNumber"], 3);
    assert_eq!(email["objectTypeId"], "0-1");
    assert_eq!(email["objectType"], "CONTACT");
    assert_eq!(
        email["errorMessage"],
        "Email address not-an-email is invalid"
    );
    assert_eq!(
        email["sourceData"]["rowData"],
        json!(["Bad", "Email", "not-an-email", "lead"])
    );
    assert_eq!(
        results[2]["sourceData"]["rowData"][0], "Quoted, Name",
        "a quoted field keeps its comma"
    );
    assert_eq!(
        email["sourceData"]["fileId"].as_i64().unwrap().to_string(),
        import["metadata"]["fileIds"][0].as_str().unwrap()
    );

    // Without the flags: no message, no row data; paged by `after`.
    let bare = read(&api, &format!("/crm/v3/imports/{id}/errors?limit=2")).await;
    assert_eq!(bare["results"][0].get("errorMessage"), None);
    assert_eq!(bare["results"][0]["sourceData"]["rowData"], json!([]));
    let after = bare["paging"]["next"]["after"].as_str().unwrap();
    let rest = read(
        &api,
        &format!("/crm/v3/imports/{id}/errors?limit=2&after={after}"),
    )
    .await;
    assert_eq!(
        strs(&rest["results"], "errorType"),
        ["INVALID_ENUMERATION_OPTION"]
    );
    assert_eq!(rest.get("paging"), None);
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_import_of_two_types_finds_records_by_id_and_domain_and_associates_a_row(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    let columns = [
        ("Record ID", "0-1", "hs_object_id"),
        ("Email", "0-1", "email"),
        ("Company", "0-2", "name"),
        ("Domain", "0-2", "domain"),
    ];
    let csv = "Record ID,Email,Company,Domain\n\
               ,ada2@example.com,Initech,initech.example\n\
               202,,Acme Renamed,acme.example\n\
               999999,,Nobody,nobody.example\n";
    let extra = json!({"importOperations": {"0-1": "UPSERT", "0-2": "CREATE"}});
    let import = upload(
        &api,
        &request("mixed.csv", &columns, &extra),
        &[("mixed.csv", csv)],
    )
    .await
    .expect(200);
    assert_eq!(import["mappedObjectTypeIds"], json!(["0-1", "0-2"]));
    let counters = &import["metadata"]["counters"];
    assert_eq!(
        (&counters["CREATED_OBJECTS"], &counters["UPDATED_OBJECTS"]),
        (&json!(3), &json!(1)),
        "{counters}"
    );
    let id = import["id"].as_str().unwrap();

    // Row 2: a contact and a company, associated by their default type.
    let ada = contact(&api, "ada2@example.com").await;
    let linked = read(
        &api,
        &format!(
            "/crm/v4/objects/contacts/{}/associations/companies",
            ada["id"].as_str().unwrap()
        ),
    )
    .await;
    let company = &linked["results"][0]["toObjectId"];
    let initech = read(&api, &format!("/crm/v3/objects/companies/{company}")).await;
    assert_eq!(prop(&initech, "name"), "Initech");

    // Row 3: contact 202 by its record id; the company its domain finds is refused by the
    // create-only operation. Row 4: a record id that names nothing; its company is created.
    let acme = read(&api, "/crm/v3/objects/companies/301").await;
    assert_eq!(prop(&acme, "name"), "Acme Inc");
    let refused = errors(&api, id).await;
    assert_eq!(
        strs(&refused["results"], "errorType"),
        ["CREATE_ONLY_IMPORT", "INVALID_OBJECT_ID"]
    );
    assert_eq!(refused["results"][0]["objectType"], "COMPANY");
    assert_eq!(refused["results"][1]["invalidValue"], "999999");
}

#[asym::clone("hubspot", seed = "basic")]
async fn imports_are_listed_read_cancelled_and_refused_as_hubspot_refuses_them(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    let csv = "First Name,Last Name,Email,Lifecycle\nAl,One,al@example.com,lead\n";
    let request = request("one.csv", &CONTACT_COLUMNS, &json!({}));
    let mut ids = Vec::new();
    for _ in 0..2 {
        let import = upload(&api, &request, &[("one.csv", csv)])
            .await
            .expect(200);
        ids.push(import["id"].as_str().unwrap().to_owned());
    }
    let first = read(&api, "/crm/v3/imports?limit=1").await;
    assert_eq!(strs(&first["results"], "id"), [ids[0].as_str()]);
    let after = first["paging"]["next"]["after"].as_str().unwrap();
    let second = read(&api, &format!("/crm/v3/imports/?limit=1&after={after}")).await;
    assert_eq!(strs(&second["results"], "id"), [ids[1].as_str()]);
    // The second import updated what the first created.
    assert_eq!(contact_count(&api).await, 4);

    let cancelled = api
        .post(&format!("/crm/v3/imports/{}/cancel", ids[0]), &json!({}))
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "COMPLETE");
    let import = read(&api, &format!("/crm/v3/imports/{}", ids[0])).await;
    assert_eq!(import["state"], "DONE");

    for path in [
        "/crm/v3/imports/424242",
        "/crm/v3/imports/424242/errors",
        "/crm/v3/imports/abc",
    ] {
        api.get(path).await.expect(404);
    }

    // The caller first, then the body.
    let anonymous = Api::new(hubspot.api_url());
    upload(&anonymous, &request, &[("one.csv", csv)])
        .await
        .expect(401);
    let contacts_only = scoped(&hubspot, &["crm.objects.contacts.write"]).await;
    let refused = upload(&contacts_only, &request, &[("one.csv", csv)])
        .await
        .expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    contacts_only.get("/crm/v3/imports").await.expect(403);
    api.post("/crm/v3/imports", &request).await.expect(415);

    let unknown = request_with(&request, "propertyName", "no_such_property");
    let cases = [
        (json!({"files": request["files"]}), "[name]"),
        (unknown, "Property \"no_such_property\" does not exist"),
        (
            request_with(&request, "columnObjectTypeId", "0-999"),
            "Unable to infer object type from: 0-999",
        ),
    ];
    for (body, fragment) in cases {
        let refused = upload(&api, &body, &[("one.csv", csv)]).await.expect(400);
        assert!(
            refused["message"].as_str().unwrap().contains(fragment),
            "{refused}"
        );
    }
    let unclosed = upload(&api, &request, &[("one.csv", "Email\n\"open\n")])
        .await
        .expect(400);
    assert!(unclosed["message"].as_str().unwrap().contains("line 2"));
    // A NUL (which no stored value may hold) or bytes that are not UTF-8: the file is refused.
    let nul = "First Name,Last Name,Email,Lifecycle\nA\u{0},B,nul@example.com,lead\n";
    upload(&api, &request, &[("one.csv", nul)])
        .await
        .expect(400);
    let mut latin1 = multipart(
        &request,
        &[(
            "one.csv",
            "First Name,Last Name,Email,Lifecycle\nJos\u{e9},B,j@example.com,lead\n",
        )],
    )
    .into_bytes();
    let at = latin1.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
    latin1.splice(at..at + 2, [0xe9]);
    api.send_raw(
        reqwest::Method::POST,
        "/crm/v3/imports",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        latin1,
    )
    .await
    .expect(400);
    assert_eq!(
        read(&api, "/crm/v3/imports").await["results"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// `request` with the field `field` of its first column mapping set to `value`.
fn request_with(request: &Value, field: &str, value: &str) -> Value {
    let mut changed = request.clone();
    changed["files"][0]["fileImportPage"]["columnMappings"][0][field] = json!(value);
    changed
}

/// Starts a `VIEW` export of `body`'s fields with `api`, expecting 202; its status.
async fn export(api: &Api, body: &Value) -> Value {
    let started = api
        .post("/crm/v3/exports/export/async", body)
        .await
        .expect(202);
    let id = started["id"].as_str().unwrap();
    read(
        api,
        &format!("/crm/v3/exports/export/async/tasks/{id}/status"),
    )
    .await
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_export_writes_a_types_filtered_records_as_csv_at_a_signed_url(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = json!({
        "exportType": "VIEW", "format": "CSV", "exportName": "Leads, first",
        "objectType": "CONTACT", "objectProperties": ["firstname", "email", "lifecyclestage"],
        "language": "EN",
        "publicCrmSearchRequest": {"filters": [
            {"propertyName": "lifecyclestage", "operator": "NEQ", "value": "subscriber"}]},
    });
    let status = export(&api, &body).await;
    assert_eq!(status["status"], "COMPLETE");
    let url = status["result"].as_str().unwrap();
    assert!(url.ends_with("/Leads__first.csv"), "{url}");
    // The file needs no token, as a signed URL does not.
    let file = reqwest::get(url).await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert!(
        file.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = file.text().await.unwrap();
    assert_eq!(
        csv,
        "Record ID,First Name,Email,Lifecycle Stage\r\n\
         201,Jane,jane.doe@example.com,customer\r\n\
         202,John,john.smith@example.com,lead\r\n"
    );
    let (rest, file) = url.rsplit_once('/').unwrap();
    let (rest, secret) = rest.rsplit_once('/').unwrap();
    let wrong = format!("{rest}/{}/{file}", "0".repeat(secret.len()));
    assert_eq!(reqwest::get(&wrong).await.unwrap().status().as_u16(), 404);

    // Refused: another format or export type (not served), an unknown property or type; the
    // scope first.
    for (field, value) in [
        ("format", json!("XLSX")),
        ("exportType", json!("LIST")),
        ("objectProperties", json!(["no_such_property"])),
        ("objectType", json!("0-999")),
    ] {
        let mut refused = body.clone();
        refused[field] = value;
        api.post("/crm/v3/exports/export/async", &refused)
            .await
            .expect(400);
    }
    let contacts_only = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    contacts_only
        .post("/crm/v3/exports/export/async", &body)
        .await
        .expect(403);
    api.get("/crm/v3/exports/export/async/tasks/999999/status")
        .await
        .expect(404);
}

#[asym::clone("hubspot", seed = "basic")]
async fn concurrent_imports_of_the_same_new_emails_make_each_contact_once(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    const EMAILS: usize = 40;
    let mut csv = "First Name,Last Name,Email,Lifecycle\n".to_owned();
    for n in 0..EMAILS {
        csv.push_str(&format!("Sam,Same,same{n}@example.com,lead\n"));
    }
    let request = request("same.csv", &CONTACT_COLUMNS, &json!({}));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (api, request, csv) = (api.clone(), request.clone(), csv.clone());
        calls.spawn(async move { upload(&api, &request, &[("same.csv", &csv)]).await.status });
    }
    let statuses = calls.join_all().await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    // One import created each; the others found it and updated it.
    let page = read(&api, "/crm/v3/objects/contacts?limit=100").await;
    assert_eq!(page["results"].as_array().unwrap().len(), 3 + EMAILS);
    let imports = read(&api, "/crm/v3/imports").await;
    let created: i64 = imports["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["metadata"]["counters"]["CREATED_OBJECTS"]
                .as_i64()
                .unwrap()
        })
        .sum();
    assert_eq!(created, i64::try_from(EMAILS).unwrap());
}
