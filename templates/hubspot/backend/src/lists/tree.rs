//! The list folders model: a tree of named folders (`list_folders`) under the root folder `0`,
//! which is not stored (a folder or list whose folder is NULL is in the root), rendered as
//! HubSpot's `PublicListFolder`. Which lists a folder holds is `model`'s (`lists.folder_id`).
//! Every write to the tree's shape takes [`lock`] first, so a folder cannot be moved under
//! itself by two moves at once, nor a list or folder put in a folder being deleted.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::names;
use crate::objects::model::ISO;

/// The root folder's id: every portal has it, it cannot be renamed, moved or deleted.
pub(crate) const ROOT: i64 = 0;

/// One folder.
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    pub(crate) id: i64,
    name: String,
    /// The folder it is in; `None` for a folder in the root.
    pub(crate) parent_id: Option<i64>,
    created_at: String,
    updated_at: String,
    updated_contents_at: String,
}

impl Folder {
    fn from_row(row: &Row) -> Self {
        Self {
            id: row.get(0),
            name: row.get(1),
            parent_id: row.get(2),
            created_at: row.get(3),
            updated_at: row.get(4),
            updated_contents_at: row.get(5),
        }
    }
}

/// The whole tree, read once: what a folder's answer is rendered from.
#[derive(Debug)]
pub(crate) struct Tree(Vec<Folder>);

impl Tree {
    /// The folder `id`, `None` when there is none (the root is never one).
    pub(crate) fn get(&self, id: i64) -> Option<&Folder> {
        self.0.iter().find(|folder| folder.id == id)
    }

    /// Whether `id` is the root or a folder of the tree.
    pub(crate) fn has(&self, id: i64) -> bool {
        id == ROOT || self.get(id).is_some()
    }

    /// Whether the folder `id` is `ancestor` or inside it, at any depth.
    pub(crate) fn within(&self, id: i64, ancestor: i64) -> bool {
        let mut current = Some(id);
        while let Some(at) = current {
            if at == ancestor {
                return true;
            }
            current = self.get(at).and_then(|folder| folder.parent_id);
        }
        ancestor == ROOT
    }

    /// HubSpot's `PublicListFolder` for the folder `id` (the root for [`ROOT`]): its lists
    /// `lists` and every folder under it in `childNodes`, whose own `childLists` are empty (as
    /// HubSpot's reference says of them).
    pub(crate) fn render(&self, id: i64, lists: &[i64]) -> Value {
        let mut body = match self.get(id) {
            Some(folder) => {
                let mut body = Map::new();
                body.insert("id".to_owned(), json!(folder.id.to_string()));
                body.insert("name".to_owned(), json!(folder.name));
                let parent = folder.parent_id.unwrap_or(ROOT);
                body.insert("parentFolderId".to_owned(), json!(parent.to_string()));
                body.insert("createdAt".to_owned(), json!(folder.created_at));
                body.insert("updatedAt".to_owned(), json!(folder.updated_at));
                body.insert(
                    "updatedContentsAt".to_owned(),
                    json!(folder.updated_contents_at),
                );
                body
            }
            // The root is its own parent (the clone's choice: the field is required).
            None => {
                let mut body = Map::new();
                body.insert("id".to_owned(), json!(ROOT.to_string()));
                body.insert("parentFolderId".to_owned(), json!(ROOT.to_string()));
                body
            }
        };
        let parent = stored(id);
        let children: Vec<Value> = self
            .0
            .iter()
            .filter(|folder| folder.parent_id == parent)
            .map(|folder| self.render(folder.id, &[]))
            .collect();
        body.insert("childLists".to_owned(), json!(lists));
        body.insert("childNodes".to_owned(), Value::Array(children));
        Value::Object(body)
    }
}

/// Takes the tree's lock for the rest of `tx`'s transaction ([`names::lock`]).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn lock(tx: &impl GenericClient) -> Result<(), ApiError> {
    Ok(names::lock(tx, &["list folders".to_owned()]).await?)
}

/// Every folder, in id order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn tree(client: &impl GenericClient) -> Result<Tree, ApiError> {
    let sql = format!(
        "SELECT id, name, parent_id,
                to_char(created_at AT TIME ZONE 'UTC', {ISO}),
                to_char(updated_at AT TIME ZONE 'UTC', {ISO}),
                to_char(updated_contents_at AT TIME ZONE 'UTC', {ISO})
         FROM list_folders ORDER BY id"
    );
    let rows = client.query(&sql, &[]).await?;
    Ok(Tree(rows.iter().map(Folder::from_row).collect()))
}

/// The stored folder of something in the folder `folder` (NULL for the root).
pub(crate) fn stored(folder: i64) -> Option<i64> {
    Some(folder).filter(|id| *id != ROOT)
}

/// 404 for a folder id that names no folder (the text is the clone's).
pub(crate) fn no_folder(id: i64) -> ApiError {
    ApiError::missing(format!("Folder {id} does not exist."))
}

/// Takes the tree's [`lock`] and reads it, checking that the folder `id` is in it (the root
/// always is).
///
/// # Errors
///
/// 404 when it is not; the statements' errors.
pub(crate) async fn locked(tx: &impl GenericClient, id: i64) -> Result<Tree, ApiError> {
    lock(tx).await?;
    let tree = tree(tx).await?;
    if tree.has(id) {
        Ok(tree)
    } else {
        Err(no_folder(id))
    }
}

/// Runs the write `sql` with `params`, then marks the contents of each of `touched` (folders;
/// the root's are not stored) as changed now; the rows `sql` returns.
async fn write(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    touched: &[i64],
) -> Result<Vec<Row>, ApiError> {
    let rows = client.query(sql, params).await?;
    touch(client, touched).await?;
    Ok(rows)
}

/// Creates a folder named `name` in `parent`; its id.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn insert(
    client: &impl GenericClient,
    name: &str,
    parent: i64,
) -> Result<i64, ApiError> {
    let sql = "INSERT INTO list_folders (name, parent_id) VALUES ($1, $2) RETURNING id";
    let rows = write(client, sql, &[&name, &stored(parent)], &[parent]).await?;
    Ok(rows.first().map_or(ROOT, |row| row.get(0)))
}

/// Renames the folder `id`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn rename(
    client: &impl GenericClient,
    id: i64,
    name: &str,
) -> Result<(), ApiError> {
    let sql = "UPDATE list_folders SET name = $2, updated_at = now() WHERE id = $1";
    write(client, sql, &[&id, &name], &[]).await.map(drop)
}

/// Moves the folder `folder` into `to`.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn move_folder(
    client: &impl GenericClient,
    folder: &Folder,
    to: i64,
) -> Result<(), ApiError> {
    let sql = "UPDATE list_folders SET parent_id = $2, updated_at = now() WHERE id = $1";
    let touched = [folder.parent_id.unwrap_or(ROOT), to];
    write(client, sql, &[&folder.id, &stored(to)], &touched)
        .await
        .map(drop)
}

/// Deletes the folder `folder` and those under it; their lists go to the root.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn delete(client: &impl GenericClient, folder: &Folder) -> Result<(), ApiError> {
    let sql = "DELETE FROM list_folders WHERE id = $1";
    let touched = [folder.parent_id.unwrap_or(ROOT)];
    write(client, sql, &[&folder.id], &touched).await.map(drop)
}

/// Marks the contents of each of `folders` (the root's are not stored) as changed now.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn touch(client: &impl GenericClient, folders: &[i64]) -> Result<(), ApiError> {
    let sql = "UPDATE list_folders SET updated_contents_at = now() WHERE id = ANY($1)";
    client.execute(sql, &[&folders]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(id: i64, parent_id: Option<i64>) -> Folder {
        Folder {
            id,
            name: format!("F{id}"),
            parent_id,
            created_at: String::new(),
            updated_at: String::new(),
            updated_contents_at: String::new(),
        }
    }

    #[test]
    fn folders_are_within_their_ancestors_only() {
        let tree = Tree(vec![folder(1, None), folder(2, Some(1)), folder(3, None)]);
        assert!(tree.within(2, 1) && tree.within(2, 2) && tree.within(3, ROOT));
        assert!(!tree.within(1, 2) && !tree.within(3, 1));
        assert!(tree.has(ROOT) && tree.has(3) && !tree.has(4));
    }

    #[test]
    fn only_the_fetched_folder_lists_its_lists() {
        let tree = Tree(vec![folder(1, None), folder(2, Some(1))]);
        let root = tree.render(ROOT, &[7]);
        assert_eq!(root["id"], "0");
        assert_eq!(root["childLists"], json!([7]));
        let child = &root["childNodes"][0];
        assert_eq!(child["parentFolderId"], "0");
        assert_eq!(child["childLists"], json!([]));
        assert_eq!(child["childNodes"][0]["id"], "2");
    }
}
