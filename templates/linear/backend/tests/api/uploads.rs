//! File uploads: `fileUpload` declares a file, the client PUTs it to the signed `uploadUrl`,
//! and the `assetUrl` serves it (with the API's credentials unless made public).

use asym_kit::testing::{Api, Reply, pluck};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{client, invalid_argument, mutate};

const UPLOAD: &str = "mutation($name: String!, $type: String!, $size: Int!, $public: Boolean) {
    fileUpload(filename: $name, contentType: $type, size: $size, makePublic: $public) {
      success lastSyncId uploadFile { filename contentType size uploadUrl assetUrl metaData
        headers { key value } } } }";

/// Declares `name` of `size` bytes; answers its `uploadFile`.
async fn declare(api: &Api, name: &str, size: usize, public: bool) -> Value {
    let variables = json!({"name": name, "type": "text/plain", "size": size, "public": public});
    mutate(api, UPLOAD, variables).await["uploadFile"].clone()
}

/// The path (and query) of one of the clone's URLs.
fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    let start = url
        .find("/uploads/")
        .or_else(|| url.find("/files/"))
        .unwrap();
    url[start..].to_owned()
}

/// PUTs `bytes` of `content_type` to `path`.
async fn upload(api: &Api, path: &str, content_type: &str, bytes: &'static str) -> Reply {
    api.send_raw(Method::PUT, path, content_type, bytes).await
}

/// A PUT the clone refuses: its path, type and bytes, and the status it answers.
struct Refusal<'a>(&'a str, &'a str, &'static str, u16);

#[asym::clone("linear", seed = "basic")]
async fn a_file_is_uploaded_then_read_with_credentials(linear: asym::Linear) {
    let api = client(&linear);
    let anonymous = Api::new(api.base());
    let file = declare(&api, "notes v1.txt", 11, false).await;
    assert_eq!(
        (&file["filename"], &file["contentType"], &file["size"]),
        (&json!("notes v1.txt"), &json!("text/plain"), &json!(11))
    );
    let keys = pluck(&file["headers"], "key");
    assert_eq!(keys, ["Content-Disposition", "x-goog-content-length-range"]);
    assert!(
        file["assetUrl"]
            .as_str()
            .unwrap()
            .ends_with("/notes%20v1.txt")
    );
    let (put, asset) = (path_of(&file["uploadUrl"]), path_of(&file["assetUrl"]));
    assert_eq!(anonymous.get(&asset).await.status, 404, "not uploaded yet");
    assert_eq!(anonymous.get("/files/%00/x.txt").await.status, 404);

    let unsigned = put.split('?').next().unwrap().to_owned() + "?token=nope";
    let refusals = [
        Refusal(&unsigned, "text/plain", "hello world", 403),
        Refusal(&put, "image/png", "hello world", 403),
        Refusal(&put, "text/plain", "hello world!", 400),
        Refusal("/uploads/nope?token=x", "text/plain", "hello world", 404),
        Refusal("/uploads/%00?token=x", "text/plain", "hello world", 404),
    ];
    for Refusal(path, content_type, bytes, status) in refusals {
        let reply = upload(&anonymous, path, content_type, bytes).await;
        assert_eq!(reply.status, status, "{path} {content_type} {bytes}");
    }
    assert_eq!(
        upload(&anonymous, &put, "text/plain", "hello world")
            .await
            .status,
        200
    );

    let refused = anonymous.get(&asset).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let read = api.get(&asset).await;
    assert_eq!((read.status, &read.body), (200, &json!("hello world")));
    assert_eq!(read.header("content-type"), Some("text/plain"));

    let public = declare(&api, "open.txt", 2, true).await;
    let reply = upload(
        &anonymous,
        &path_of(&public["uploadUrl"]),
        "text/plain",
        "hi",
    )
    .await;
    assert_eq!(reply.status, 200);
    let open = anonymous.get(&path_of(&public["assetUrl"])).await;
    assert_eq!((open.status, &open.body), (200, &json!("hi")));

    let size = "size must be between 1 and 8388608 bytes.";
    for (name, bytes) in [("empty.txt", 0), ("huge.bin", 9 << 20)] {
        let variables = json!({"name": name, "type": "text/plain", "size": bytes});
        invalid_argument(&api, UPLOAD, variables, size).await;
    }
    let variables = json!({"name": "a/b.txt", "type": "text/plain", "size": 1});
    invalid_argument(&api, UPLOAD, variables, "filename must be a file's name.").await;
}
