//! The list folders routes (`hubspot.crm.lists.folders_api` / `crm.lists.foldersApi`): fetch a
//! folder with the folders under it, create, rename, move and delete folders, and move a list
//! into a folder. Folder ids are strings of numbers; `0` is the root, which every portal has.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use serde_json::json;

use super::tree::{self, ROOT, Tree};
use super::{READ, WRITE, folder_id, list_id, model, no_list};
use crate::error::{ApiError, ApiResult};
use crate::request::{Args, Call, JsonBody, object, optional_text};

/// The folders routes.
pub(super) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/lists/folders", get(fetch).post(create))
        .route("/crm/v3/lists/folders/move-list", put(move_list))
        .route("/crm/v3/lists/folders/{folder_id}", delete(remove))
        .route("/crm/v3/lists/folders/{folder_id}/rename", put(rename))
        .route(
            "/crm/v3/lists/folders/{folder_id}/move/{new_parent_folder_id}",
            put(move_folder),
        )
}

/// `{folder}`: the folder `id` of `tree` with its lists and the folders under it.
async fn answer(client: &impl GenericClient, tree: &Tree, id: i64) -> ApiResult {
    let lists = model::in_folder(client, tree::stored(id)).await?;
    Ok(axum::Json(json!({ "folder": tree.render(id, &lists) })).into_response())
}

/// 400 for a write HubSpot's root folder does not take (the text is the clone's).
fn root_refused(what: &str) -> ApiError {
    ApiError::validation(format!("The root folder (0) cannot be {what}."))
}

/// The folder the path's `folder_id` names, which `what` (renamed, moved, deleted) is done
/// to, after checking the write scope.
fn path_folder(call: &Call, what: &str) -> Result<i64, ApiError> {
    let id = folder_id(call.param("folder_id"))?;
    if id == ROOT {
        return Err(root_refused(what));
    }
    Ok(id)
}

/// `GET /crm/v3/lists/folders?folderId=` (`0`, the root, by default) → `{folder}`.
async fn fetch(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let id = folder_id(args.get("folderId").unwrap_or("0"))?;
    let client = call.kit.db().await?;
    let tree = tree::tree(&client).await?;
    if !tree.has(id) {
        return Err(tree::no_folder(id));
    }
    answer(&client, &tree, id).await
}

/// `POST /crm/v3/lists/folders` `{name, parentFolderId?}` → `{folder}`: a folder in the
/// parent (the root when absent).
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    object(&body)?;
    let name = optional_text(&body, "name")?
        .ok_or_else(|| ApiError::unbuilt("ListFolderCreateRequest", &["name"]))?;
    let name = folder_name(&name)?;
    let parent = optional_text(&body, "parentFolderId")?
        .map(|raw| folder_id(&raw))
        .transpose()?
        .unwrap_or(ROOT);
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    tree::locked(&tx, parent).await?;
    let id = tree::insert(&tx, name, parent).await?;
    let tree = tree::tree(&tx).await?;
    let answered = answer(&tx, &tree, id).await?;
    tx.commit().await?;
    Ok(answered)
}

/// A folder's name: not blank (the text of the refusal is the clone's).
fn folder_name(name: &str) -> Result<&str, ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::validation("A folder's name cannot be blank."));
    }
    Ok(name)
}

/// `PUT /crm/v3/lists/folders/{folderId}/rename?newFolderName=` → `{folder}`.
async fn rename(call: Call, args: Args) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let id = path_folder(&call, "renamed")?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    tree::locked(&tx, id).await?;
    let name = args
        .get("newFolderName")
        .ok_or_else(|| ApiError::validation("newFolderName is required"))?;
    tree::rename(&tx, id, folder_name(name)?).await?;
    let answered = answer(&tx, &tree::tree(&tx).await?, id).await?;
    tx.commit().await?;
    Ok(answered)
}

/// `PUT /crm/v3/lists/folders/{folderId}/move/{newParentFolderId}` → `{folder}`: the folder
/// (with the folders under it) in its new parent, which cannot be the folder itself or one
/// under it.
async fn move_folder(call: Call) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let id = path_folder(&call, "moved")?;
    let to = folder_id(call.param("new_parent_folder_id"))?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let tree = tree::locked(&tx, id).await?;
    let folder = tree.get(id).ok_or_else(|| tree::no_folder(id))?;
    if !tree.has(to) {
        return Err(tree::no_folder(to));
    }
    if tree.within(to, id) {
        return Err(ApiError::validation(format!(
            "Folder {id} cannot be moved into itself or a folder inside it ({to})."
        )));
    }
    tree::move_folder(&tx, folder, to).await?;
    let answered = answer(&tx, &tree::tree(&tx).await?, id).await?;
    tx.commit().await?;
    Ok(answered)
}

/// `PUT /crm/v3/lists/folders/move-list` `{listId, newFolderId}` (204): the live list into the
/// folder (`0`, the root).
async fn move_list(call: Call, JsonBody(body): JsonBody) -> ApiResult<Response> {
    call.authorize(&[WRITE]).await?;
    object(&body)?;
    let list = optional_text(&body, "listId")?;
    let folder = optional_text(&body, "newFolderId")?;
    let (Some(list), Some(folder)) = (list.as_ref(), folder.as_ref()) else {
        let unset: Vec<&str> = [("listId", &list), ("newFolderId", &folder)]
            .into_iter()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name)
            .collect();
        return Err(ApiError::unbuilt("ListMoveRequest", &unset));
    };
    let (list, folder) = (list_id(list)?, folder_id(folder)?);
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    tree::locked(&tx, folder).await?;
    let from = model::set_folder(&tx, list, tree::stored(folder))
        .await?
        .ok_or_else(|| no_list(list))?;
    tree::touch(&tx, &[from.unwrap_or(ROOT), folder]).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /crm/v3/lists/folders/{folderId}` (204): the folder and those under it; their lists
/// go to the root (the clone's choice: HubSpot's reference does not say).
async fn remove(call: Call) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let id = path_folder(&call, "deleted")?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let tree = tree::locked(&tx, id).await?;
    let folder = tree.get(id).ok_or_else(|| tree::no_folder(id))?;
    tree::delete(&tx, folder).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
