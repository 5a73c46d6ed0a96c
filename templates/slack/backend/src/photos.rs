//! Profile photos: `users.setPhoto` and `users.deletePhoto` (user tokens holding
//! `users.profile:write`, each for the token's own person), and the avatar URLs a photo is
//! served at (`GET /avatars/<user>-<key>_<size>.<kind>`: public, as Slack's avatar CDN is).

use asym_kit::token::random_hex;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::auth::person;
use crate::error::{ApiError, ApiResult};
use crate::files::served;
use crate::model::preview::image_kind;
use crate::users::{announce_change, photo_images};
use crate::{AppState, Call};

/// The avatar route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/avatars/{name}", get(avatar))
}

/// The crop box `crop_x`, `crop_y`, `crop_w` (a square), checked to lie in a `width`×`height`
/// image. Slack takes it or none; the clone keeps the whole image either way.
///
/// # Errors
///
/// `invalid_arguments` for a value that is not an integer, a box given in part, or one
/// reaching outside the image.
fn check_crop(call: &Call, width: i32, height: i32) -> Result<(), ApiError> {
    let (x, y, w) = (
        call.args.int("crop_x")?,
        call.args.int("crop_y")?,
        call.args.int("crop_w")?,
    );
    match (x, y, w) {
        (None, None, None) => Ok(()),
        (Some(x), Some(y), Some(w))
            if x >= 0 && y >= 0 && w > 0 && x + w <= width.into() && y + w <= height.into() =>
        {
            Ok(())
        }
        _ => Err(ApiError::invalid_arguments(
            "crop_x, crop_y and crop_w must give a square inside the image",
        )),
    }
}

/// `users.setPhoto`: the multipart `image` (a PNG, a JPEG or a GIF; `bad_image` otherwise,
/// `too_large` for a side over 10,000 pixels) becomes the person's profile photo: their
/// profile then answers `is_custom_image`, `avatar_hash` and `image_24` … `image_1024`,
/// `image_original` at its avatar URLs, and `user_change` goes out.
pub(crate) async fn set(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "users.profile:write").await?;
    let image = call
        .args
        .upload("image")
        .ok_or_else(|| ApiError::invalid_arguments("missing required field: image"))?;
    let (kind, width, height) = image_kind(&image, true)?;
    check_crop(call, width, height)?;
    let key = random_hex(12);
    let url = format!(
        "{}/avatars/{}-{key}",
        state.kit.config().public_url,
        caller.user_id
    );
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO user_photos (user_id, key, url, kind, image, width, height)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) DO UPDATE SET key = $2, url = $3, kind = $4, image = $5,
                                             width = $6, height = $7",
        &[&caller.user_id, &key, &url, &kind, &image, &width, &height],
    )
    .await?;
    announce_change(&tx, &caller, &caller.user_id).await?;
    state.commit(tx).await?;
    // As Slack answers (the SDKs' `UsersSetPhotoResponse`): the new photo's hash and URLs.
    let mut profile = photo_images(&url, kind);
    profile.insert("avatar_hash".into(), json!(key));
    Ok(Map::from_iter([("profile".into(), Value::Object(profile))]))
}

/// `users.deletePhoto`: the person's profile photo is removed (their default avatar shows
/// again) and `user_change` goes out; without one, nothing changes.
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "users.profile:write").await?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let removed = tx
        .execute(
            "DELETE FROM user_photos WHERE user_id = $1",
            &[&caller.user_id],
        )
        .await?;
    if removed > 0 {
        announce_change(&tx, &caller, &caller.user_id).await?;
    }
    state.commit(tx).await?;
    Ok(Map::new())
}

/// `GET /avatars/<user>-<key>_<size>.<kind>`: the photo as set, at each of its sizes (the clone
/// scales nothing); 404 for a photo replaced or deleted since.
async fn avatar(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    // `<user>-<key>_<size>.<kind>`: the user and the key name the photo.
    let named = name
        .split_once('-')
        .and_then(|(user, rest)| Some((user, rest.split_once('_')?.0)));
    let found = async {
        let Some((user, key)) = named else {
            return Ok(None);
        };
        let sql = "SELECT image, kind FROM user_photos WHERE user_id = $1 AND key = $2";
        let row = state.kit.db().await?.query_opt(sql, &[&user, &key]).await?;
        Ok(row.map(|row| {
            let mimetype = match row.get::<_, &str>(1) {
                "png" => "image/png",
                "gif" => "image/gif",
                _ => "image/jpeg",
            };
            (row.get::<_, Vec<u8>>(0), mimetype)
        }))
    }
    .await;
    served(found)
}
