//! Release assets: upload at the release's `upload_url`, list, get, download (the API with
//! `Accept: application/octet-stream`, and `browser_download_url`), rename, delete; errors.

use reqwest::Method;
use serde_json::json;

use crate::common::{
    REPO, anonymous, api, code, delete, error, fetch, fields, new_repo, release, reviewer, updated,
};

/// Creates release `tag` on the fixture repository: its id.
async fn release_id(api: &asym_kit::testing::Api, tag: &str, draft: bool) -> i64 {
    let body = json!({ "tag_name": tag, "draft": draft });
    release(api, REPO, body).await["id"].as_i64().unwrap()
}

/// Uploads `bytes` as `name` to release `id`.
async fn upload(
    api: &asym_kit::testing::Api,
    id: i64,
    name: &str,
    bytes: &'static [u8],
) -> asym_kit::testing::Reply {
    let path = format!("{REPO}/releases/{id}/assets?name={name}&label=Build");
    api.send_raw(Method::POST, &path, "application/zip", bytes)
        .await
}

#[asym::clone("github", seed = "basic")]
async fn assets_are_uploaded_listed_downloaded_renamed_and_deleted(gh: asym::GitHub) {
    let api = api(&gh);
    let id = release_id(&api, "v1.0.0", false).await;
    let asset = upload(&api, id, "app%20v1.zip", b"PK\x03\x04zip")
        .await
        .expect(201);
    let asset_id = asset["id"].as_i64().unwrap();
    let base = gh.api_url();
    assert_eq!(
        fields(
            &asset,
            [
                "/name",
                "/label",
                "/state",
                "/content_type",
                "/size",
                "/download_count",
                "/uploader/login",
                "/url",
                "/browser_download_url"
            ]
        ),
        json!([
            "app.v1.zip",
            "Build",
            "uploaded",
            "application/zip",
            7,
            0,
            "octocat",
            format!("{base}{REPO}/releases/assets/{asset_id}"),
            format!("{base}/acme/hello-world/releases/download/v1.0.0/app.v1.zip")
        ])
    );
    assert!(asset["digest"].as_str().unwrap().starts_with("sha256:"));
    // The release shows it; its list has it.
    let shown = fetch(&api, &format!("{REPO}/releases/{id}")).await;
    assert_eq!(shown["assets"][0]["id"], asset_id);
    let listed = fetch(&anonymous(&gh), &format!("{REPO}/releases/{id}/assets")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // Downloads: the API with octet-stream, then the browser URL; both count.
    let path = format!("{REPO}/releases/assets/{asset_id}");
    let raw = anonymous(&gh)
        .with_header("Accept", "application/octet-stream")
        .get(&path)
        .await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.header("content-type"), Some("application/zip"));
    assert_eq!(raw.body, json!("PK\u{3}\u{4}zip"));
    let browser = anonymous(&gh)
        .get("/acme/hello-world/releases/download/v1.0.0/app.v1.zip")
        .await;
    assert_eq!(
        (browser.status, &browser.body),
        (200, &json!("PK\u{3}\u{4}zip"))
    );
    assert_eq!(fetch(&api, &path).await["download_count"], 2);

    // A duplicate name is refused; renaming and relabelling work.
    assert_eq!(
        code(upload(&api, id, "app%20v1.zip", b"again").await),
        "already_exists"
    );
    upload(&api, id, "notes.txt", b"notes").await.expect(201);
    assert_eq!(
        code(api.patch(&path, &json!({ "name": "notes.txt" })).await),
        "already_exists"
    );
    let renamed = updated(&api, &path, &json!({ "name": "app.zip", "label": "" })).await;
    assert_eq!(
        (&renamed["name"], &renamed["label"]),
        (&json!("app.zip"), &json!(""))
    );
    // `label` may not be null (GitHub's schema): 422 naming it.
    let nulled = api.patch(&path, &json!({ "label": null })).await;
    assert!(error(nulled, 422).ends_with("'properties/label', nil is not a string."));
    // Without credentials an asset's writes answer 401, as GitHub's do, not 403.
    let nobody = anonymous(&gh);
    let rename = json!({ "name": "x.zip" });
    error(nobody.patch(&path, &rename).await, 401);
    error(delete(&nobody, &path).await, 401);
    delete(&api, &path).await.expect(204);
    error(api.get(&path).await, 404);
    let left = fetch(&api, &format!("{REPO}/releases/{id}/assets")).await;
    assert_eq!(left[0]["name"], "notes.txt");
    // Deleting the release deletes its assets.
    let notes = format!("{REPO}/releases/assets/{}", left[0]["id"]);
    delete(&api, &format!("{REPO}/releases/{id}"))
        .await
        .expect(204);
    error(api.get(&notes).await, 404);
}

#[asym::clone("github", seed = "basic")]
async fn asset_errors_are_githubs(gh: asym::GitHub) {
    let api = api(&gh);
    let id = release_id(&api, "v2.0.0", false).await;
    let draft = release_id(&api, "v3.0.0", true).await;
    // Unknown releases, assets and downloads; a name is required.
    error(upload(&api, 99999, "a.zip", b"x").await, 404);
    error(api.get(&format!("{REPO}/releases/99999/assets")).await, 404);
    error(api.get(&format!("{REPO}/releases/assets/99999")).await, 404);
    error(api.get(&format!("{REPO}/releases/assets/abc")).await, 404);
    assert_eq!(
        code(
            api.send_raw(
                Method::POST,
                &format!("{REPO}/releases/{id}/assets"),
                "text/plain",
                "x"
            )
            .await
        ),
        "missing_field"
    );
    error(
        anonymous(&gh)
            .get("/acme/hello-world/releases/download/v2.0.0/none.zip")
            .await,
        404,
    );
    // Uploading needs push access; a read-only caller or anonymous one is refused.
    error(
        anonymous(&gh)
            .send_raw(
                Method::POST,
                &format!("{REPO}/releases/{id}/assets?name=a"),
                "text/plain",
                "x",
            )
            .await,
        401,
    );
    let mine = new_repo(&api, "tools").await;
    let rel = release(&api, "/repos/octocat/tools", json!({ "tag_name": "v1" })).await;
    let path = format!(
        "/repos/octocat/tools/releases/{}/assets?name=a.txt",
        rel["id"]
    );
    error(
        reviewer(&gh)
            .send_raw(Method::POST, &path, "text/plain", "x")
            .await,
        403,
    );
    assert_eq!(mine["name"], "tools");
    // A draft's assets are hidden from those who cannot push.
    let hidden = upload(&api, draft, "d.zip", b"d").await.expect(201);
    let hidden = format!("{REPO}/releases/assets/{}", hidden["id"]);
    fetch(&api, &hidden).await;
    error(anonymous(&gh).get(&hidden).await, 404);
    error(
        anonymous(&gh)
            .get(&format!("{REPO}/releases/{draft}/assets"))
            .await,
        404,
    );
}
