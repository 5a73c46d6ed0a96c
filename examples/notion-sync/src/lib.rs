//! Keeps a local task list in sync with a Notion "Tasks" data source, over Notion's REST API
//! (`2025-09-03`) with plain `reqwest` and typed serde models.
//!
//! ```no_run
//! # async fn demo() -> Result<(), notion_sync::Error> {
//! use notion_sync::{LocalTask, NotionSync, Status};
//! let notion = NotionSync::new("https://api.notion.com", "ntn_…", "30000000-0000-4000-8000-000000000001");
//! let report = notion
//!     .sync(&[LocalTask { title: "Write the docs".into(), status: Status::InProgress, due: None, tags: vec![] }])
//!     .await?;
//! println!("{} created, {} updated", report.created, report.updated);
//! # Ok(()) }
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The API version this crate speaks.
pub const NOTION_VERSION: &str = "2025-09-03";

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Notion answered an error envelope.
    #[error("notion answered {status} {code}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Notion's error code (`object_not_found`, `validation_error`, …).
        code: String,
        /// Notion's message.
        message: String,
    },
    /// The request failed or the answer was not what the models describe.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
}

/// A task's status, as the Tasks data source's `Status` property names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// "Not started".
    NotStarted,
    /// "In progress".
    InProgress,
    /// "Done".
    Done,
}

impl Status {
    /// The option's name in Notion.
    pub fn name(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "Done" => Self::Done,
            "In progress" => Self::InProgress,
            _ => Self::NotStarted,
        }
    }
}

/// A task as the local service knows it (titles are the sync key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTask {
    /// Title (unique among tasks).
    pub title: String,
    /// Status.
    pub status: Status,
    /// Due date (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
}

/// A task as stored in Notion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The page id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: Status,
    /// Due date's start.
    pub due: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// Assigned user ids.
    pub assignees: Vec<String>,
    /// The `Done` checkbox.
    pub done: bool,
}

impl Task {
    fn matches(&self, local: &LocalTask) -> bool {
        self.status == local.status && self.due == local.due && self.tags == local.tags
    }
}

/// What a [`NotionSync::sync`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Tasks created in Notion.
    pub created: usize,
    /// Tasks whose properties were updated.
    pub updated: usize,
    /// Tasks already in sync.
    pub unchanged: usize,
}

// Typed models of the parts of Notion's answers this crate reads.

#[derive(Deserialize)]
struct List<T> {
    results: Vec<T>,
    next_cursor: Option<String>,
    has_more: bool,
}

#[derive(Deserialize)]
struct Page {
    id: String,
    properties: Properties,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(rename = "Name")]
    name: TitleValue,
    #[serde(rename = "Status")]
    status: StatusValue,
    #[serde(rename = "Due")]
    due: DateValue,
    #[serde(rename = "Tags")]
    tags: MultiSelectValue,
    #[serde(rename = "Assignee")]
    assignee: PeopleValue,
    #[serde(rename = "Done")]
    done: CheckboxValue,
}

#[derive(Deserialize)]
struct TitleValue {
    title: Vec<RichText>,
}

#[derive(Deserialize)]
struct RichText {
    plain_text: String,
}

#[derive(Deserialize)]
struct StatusValue {
    status: Option<SelectOption>,
}

#[derive(Deserialize)]
struct SelectOption {
    name: String,
}

#[derive(Deserialize)]
struct DateValue {
    date: Option<DateRange>,
}

#[derive(Deserialize)]
struct DateRange {
    start: String,
}

#[derive(Deserialize)]
struct MultiSelectValue {
    multi_select: Vec<SelectOption>,
}

#[derive(Deserialize)]
struct PeopleValue {
    people: Vec<UserRef>,
}

#[derive(Deserialize)]
struct UserRef {
    id: String,
}

#[derive(Deserialize)]
struct CheckboxValue {
    checkbox: bool,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

#[derive(Serialize)]
struct Query<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
    sorts: Value,
    page_size: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_cursor: Option<&'a str>,
}

impl From<Page> for Task {
    fn from(page: Page) -> Self {
        let p = page.properties;
        Self {
            id: page.id,
            title: p.name.title.into_iter().map(|t| t.plain_text).collect(),
            status: p
                .status
                .status
                .map_or(Status::NotStarted, |s| Status::from_name(&s.name)),
            due: p.due.date.map(|d| d.start),
            tags: p.tags.multi_select.into_iter().map(|o| o.name).collect(),
            assignees: p.assignee.people.into_iter().map(|u| u.id).collect(),
            done: p.done.checkbox,
        }
    }
}

/// A client for one Tasks data source.
#[derive(Debug, Clone)]
pub struct NotionSync {
    http: reqwest::Client,
    base: String,
    token: String,
    data_source: String,
}

impl NotionSync {
    /// A client for data source `data_source` at `base` (`https://api.notion.com`, or a
    /// clone's address) with integration token `token`.
    pub fn new(
        base: impl Into<String>,
        token: impl Into<String>,
        data_source: impl Into<String>,
    ) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_owned(),
            token: token.into(),
            data_source: data_source.into(),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, Error> {
        let response = self
            .http
            .request(method, format!("{}/v1/{path}", self.base))
            .bearer_auth(&self.token)
            .header("Notion-Version", NOTION_VERSION)
            .json(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        if status >= 400 {
            let body: ErrorBody = response.json().await?;
            return Err(Error::Api {
                status,
                code: body.code,
                message: body.message,
            });
        }
        Ok(response.json().await?)
    }

    /// Every task matching `filter` (a Notion filter object; `None` for all), by title,
    /// following `next_cursor` through every page.
    pub async fn tasks(&self, filter: Option<Value>) -> Result<Vec<Task>, Error> {
        let mut tasks = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let query = Query {
                filter: filter.clone(),
                sorts: json!([{ "property": "Name", "direction": "ascending" }]),
                page_size: 100,
                start_cursor: cursor.as_deref(),
            };
            let list: List<Page> = self
                .call(
                    reqwest::Method::POST,
                    &format!("data_sources/{}/query", self.data_source),
                    &query,
                )
                .await?;
            tasks.extend(list.results.into_iter().map(Task::from));
            match (list.has_more, list.next_cursor) {
                (true, Some(next)) => cursor = Some(next),
                _ => return Ok(tasks),
            }
        }
    }

    /// Tasks not yet done (status other than "Done").
    pub async fn open_tasks(&self) -> Result<Vec<Task>, Error> {
        self.tasks(Some(
            json!({ "property": "Status", "status": { "does_not_equal": "Done" } }),
        ))
        .await
    }

    fn properties(task: &LocalTask) -> Value {
        json!({
            "Name": { "title": [{ "text": { "content": task.title } }] },
            "Status": { "status": { "name": task.status.name() } },
            "Due": { "date": task.due.as_ref().map(|d| json!({ "start": d })) },
            "Tags": { "multi_select": task.tags.iter().map(|t| json!({ "name": t })).collect::<Vec<_>>() },
            "Done": { "checkbox": task.status == Status::Done },
        })
    }

    /// Creates `task` in the data source.
    pub async fn create(&self, task: &LocalTask) -> Result<Task, Error> {
        let body = json!({ "parent": { "data_source_id": self.data_source }, "properties": Self::properties(task) });
        let page: Page = self.call(reqwest::Method::POST, "pages", &body).await?;
        Ok(page.into())
    }

    /// Marks task `id` done.
    pub async fn complete(&self, id: &str) -> Result<Task, Error> {
        let body = json!({ "properties": { "Status": { "status": { "name": "Done" } }, "Done": { "checkbox": true } } });
        let page: Page = self
            .call(reqwest::Method::PATCH, &format!("pages/{id}"), &body)
            .await?;
        Ok(page.into())
    }

    /// Makes Notion hold `local`: creates missing tasks, updates differing ones (matched by
    /// title), leaves the rest.
    pub async fn sync(&self, local: &[LocalTask]) -> Result<SyncReport, Error> {
        let remote = self.tasks(None).await?;
        let mut report = SyncReport::default();
        for task in local {
            match remote.iter().find(|r| r.title == task.title) {
                Some(existing) if existing.matches(task) => report.unchanged += 1,
                Some(existing) => {
                    let body = json!({ "properties": Self::properties(task) });
                    let _: Page = self
                        .call(
                            reqwest::Method::PATCH,
                            &format!("pages/{}", existing.id),
                            &body,
                        )
                        .await?;
                    report.updated += 1;
                }
                None => {
                    self.create(task).await?;
                    report.created += 1;
                }
            }
        }
        Ok(report)
    }
}
