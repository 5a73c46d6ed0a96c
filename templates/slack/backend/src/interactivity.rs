//! Interactivity on the admin surface: the app's Interactivity Request URL and slash commands
//! (Slack's app configuration), and a person's use of the app as a test drives it — invoking
//! a command, clicking an element of a message, submitting or closing a modal — each sent to
//! the app as Slack sends it and answered with what happened. Also the `response_url`s the
//! clone hands out (`/hooks/commands/…`, `/hooks/actions/…`).

use asym_kit::deadpool_postgres::GenericClient;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::admin::{AdminError, AdminResult, invalid, json_body};
use crate::error::ApiError;
use crate::model::element::{Located, choose, find, view_state};
use crate::model::event::{AppIdentity, app_identity};
use crate::model::interaction::{
    ACK_TIMEOUT, Answer, INTERACTIVITY_URL, OPTIONS_LOAD_URL, Person, ResponseTarget,
    configured_url, interactivity_url, mint_response_url, mint_trigger, options_load_url,
    over_socket, person, post_signed, respond, send_payload, use_response_url,
};
use crate::model::view::{self, Placement, checked, find_open_modal, find_shown, open_modals};

/// The interactivity routes: configuration and interactions under `/api/admin/`, and the
/// `response_url`s.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/admin/interactivity",
            get(get_interactivity)
                .post(set_interactivity)
                .delete(delete_interactivity),
        )
        .route("/api/admin/commands", get(list_commands).post(set_command))
        .route(
            "/api/admin/commands/{name}",
            axum::routing::delete(delete_command),
        )
        .route(
            "/api/admin/shortcuts",
            get(list_shortcuts).post(set_shortcut),
        )
        .route(
            "/api/admin/shortcuts/{callback_id}",
            axum::routing::delete(delete_shortcut),
        )
        .route("/api/admin/interactions/command", post(invoke_command))
        .route("/api/admin/interactions/shortcut", post(use_shortcut))
        .route("/api/admin/interactions/action", post(click))
        .route("/api/admin/interactions/options", post(load_options))
        .route("/api/admin/interactions/view-submission", post(submit_view))
        .route("/api/admin/interactions/view-closed", post(close_view))
        .route("/api/admin/interactions/modals", get(modals))
        .route("/hooks/{kind}/{team}/{id}/{secret}", post(response_url))
}

/// `http(s)` URLs only.
fn checked_url(url: &str) -> Result<&str, AdminError> {
    let url = url.trim();
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url)
    } else {
        Err(invalid("url must be an http(s) URL"))
    }
}

/// What `POST /api/admin/interactivity` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InteractivityBody {
    /// The Interactivity Request URL.
    url: String,
    /// The Options Load URL (external selects), if any.
    #[serde(default)]
    options_load_url: Option<String>,
}

/// The interactivity configuration: `{"url", "optionsLoadUrl"}`, or `null` when unset.
async fn interactivity_config(client: &impl GenericClient) -> AdminResult {
    let url = configured_url(client, INTERACTIVITY_URL).await?;
    let options = configured_url(client, OPTIONS_LOAD_URL).await?;
    let interactivity = url.map_or(
        Value::Null,
        |url| json!({ "url": url, "optionsLoadUrl": options }),
    );
    Ok(Json(json!({ "ok": true, "interactivity": interactivity })))
}

/// `GET /api/admin/interactivity`: `{"interactivity": {"url", "optionsLoadUrl"}}`, or
/// `null` when unset.
async fn get_interactivity(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    interactivity_config(&client).await
}

/// `POST /api/admin/interactivity {"url": …, "optionsLoadUrl"?: …}`: sets the app's
/// Interactivity Request URL, where block actions, shortcuts and view submissions go, and
/// its Options Load URL, where external selects load options (Slack sends neither a
/// challenge).
async fn set_interactivity(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: InteractivityBody = json_body(&body)?;
    let url = checked_url(&request.url)?;
    let options = request
        .options_load_url
        .as_deref()
        .map(checked_url)
        .transpose()?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "DELETE FROM settings WHERE key = ANY($1)",
        &[&[INTERACTIVITY_URL, OPTIONS_LOAD_URL].as_slice()],
    )
    .await?;
    tx.execute(
        "INSERT INTO settings (key, value)
         SELECT * FROM (VALUES ($1, $2), ($3, $4)) s (key, value) WHERE value IS NOT NULL",
        &[&INTERACTIVITY_URL, &Some(url), &OPTIONS_LOAD_URL, &options],
    )
    .await?;
    let answer = interactivity_config(&tx).await;
    tx.commit().await?;
    answer
}

/// `DELETE /api/admin/interactivity`: turns interactivity off.
async fn delete_interactivity(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    client
        .execute(
            "DELETE FROM settings WHERE key = ANY($1)",
            &[&[INTERACTIVITY_URL, OPTIONS_LOAD_URL].as_slice()],
        )
        .await?;
    Ok(Json(json!({ "ok": true, "interactivity": null })))
}

/// What `POST /api/admin/commands` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CommandConfig {
    /// `/deploy`.
    command: String,
    /// Its Request URL (none for an app in Socket Mode, required otherwise).
    #[serde(default)]
    url: String,
    /// Shown in the composer's autocomplete.
    #[serde(default)]
    description: String,
    /// Shown after the command in autocomplete (`[environment]`).
    #[serde(default)]
    usage_hint: String,
}

/// A list in the app's configuration (its slash commands, its shortcuts): a table of four
/// text columns keyed by the first, shown on the admin surface under `fields`.
struct Catalog {
    /// The table.
    table: &'static str,
    /// Its columns, the key first.
    columns: [&'static str; 4],
    /// Their names on the admin surface.
    fields: [&'static str; 4],
    /// The answer's name for the list and for one item.
    names: (&'static str, &'static str),
    /// The 404 code of a key not in the list.
    not_found: &'static str,
}

/// The app's slash commands.
const COMMANDS: Catalog = Catalog {
    table: "slash_commands",
    columns: ["command", "url", "description", "usage_hint"],
    fields: ["command", "url", "description", "usageHint"],
    names: ("commands", "command"),
    not_found: "command_not_found",
};

/// The app's shortcuts.
const SHORTCUTS: Catalog = Catalog {
    table: "shortcuts",
    columns: ["callback_id", "type", "name", "description"],
    fields: ["callbackId", "type", "name", "description"],
    names: ("shortcuts", "shortcut"),
    not_found: "shortcut_not_found",
};

impl Catalog {
    /// An item as the admin surface shows it.
    fn json(&self, row: &asym_kit::tokio_postgres::Row) -> Value {
        let fields = self.fields.iter().enumerate();
        Value::Object(
            fields
                .map(|(at, name)| ((*name).to_owned(), json!(row.get::<_, String>(at))))
                .collect(),
        )
    }

    /// 404 [`Catalog::not_found`] for `key`.
    fn missing(&self, key: &str) -> AdminError {
        ApiError::status(StatusCode::NOT_FOUND, self.not_found)
            .with(
                "message",
                format!("{key} is not one of the app's {}", self.names.0),
            )
            .into()
    }

    /// `{"<list>": [items]}`, by key.
    async fn list(&self, state: &AppState) -> AdminResult {
        let [key, ..] = self.columns;
        let columns = self.columns.join(", ");
        let client = state.kit.db().await?;
        let sql = format!("SELECT {columns} FROM {} ORDER BY {key}", self.table);
        let rows = client.query(&sql, &[]).await?;
        let items: Vec<Value> = rows.iter().map(|row| self.json(row)).collect();
        Ok(Json(json!({ "ok": true, self.names.0: items })))
    }

    /// Creates the item `values` (the key first), or changes the one with its key.
    async fn set(&self, state: &AppState, values: [&str; 4]) -> AdminResult {
        let [key, ..] = self.columns;
        let columns = self.columns.join(", ");
        let changes: Vec<String> = self.columns[1..]
            .iter()
            .map(|column| format!("{column} = EXCLUDED.{column}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({columns}, created)
             VALUES ($1, $2, $3, $4, extract(epoch FROM now())::bigint)
             ON CONFLICT ({key}) DO UPDATE SET {}
             RETURNING {columns}",
            self.table,
            changes.join(", ")
        );
        let client = state.kit.db().await?;
        let [a, b, c, d] = values;
        let row = client.query_one(&sql, &[&a, &b, &c, &d]).await?;
        Ok(Json(json!({ "ok": true, self.names.1: self.json(&row) })))
    }

    /// Removes the item `key`.
    async fn delete(&self, state: &AppState, key: &str) -> AdminResult {
        let client = state.kit.db().await?;
        let sql = format!("DELETE FROM {} WHERE {} = $1", self.table, self.columns[0]);
        if client.execute(&sql, &[&key]).await? == 0 {
            return Err(self.missing(key));
        }
        Ok(Json(json!({ "ok": true })))
    }
}

/// `GET /api/admin/commands`: `{"commands": [{command, url, description, usageHint}]}`.
async fn list_commands(State(state): State<AppState>) -> AdminResult {
    COMMANDS.list(&state).await
}

/// `POST /api/admin/commands {"command": "/deploy", "url": …, "description"?, "usageHint"?}`:
/// creates the slash command, or changes it. A command is `/` then at most 31 lowercase
/// letters, digits, `-` or `_`, as Slack requires.
async fn set_command(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: CommandConfig = json_body(&body)?;
    // An app in Socket Mode takes its commands over the socket: no Request URL.
    let socket_mode = crate::model::socket::enabled(&state.kit.db().await?).await?;
    let url = match request.url.trim() {
        "" if socket_mode => "",
        url => checked_url(url)?,
    };
    let name = request.command.trim();
    let well_formed = name.len() >= 2
        && name.len() <= 32
        && name.starts_with('/')
        && name[1..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(invalid(
            "command must be / then 1 to 31 lowercase letters, digits, - or _",
        ));
    }
    let values = [name, url, &request.description, &request.usage_hint];
    COMMANDS.set(&state, values).await
}

/// `DELETE /api/admin/commands/{name}` (the name without its `/`): removes the command.
async fn delete_command(State(state): State<AppState>, Path(name): Path<String>) -> AdminResult {
    let command = format!("/{}", name.trim_start_matches('/'));
    COMMANDS.delete(&state, &command).await
}

/// `GET /api/admin/shortcuts`: `{"shortcuts": [{callbackId, type, name, description}]}`.
async fn list_shortcuts(State(state): State<AppState>) -> AdminResult {
    SHORTCUTS.list(&state).await
}

/// `POST /api/admin/shortcuts {"callbackId", "type": "global" | "message", "name",
/// "description"?}`: creates the shortcut, or changes it.
async fn set_shortcut(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ShortcutConfig = json_body(&body)?;
    let callback_id = request.callback_id.trim();
    if callback_id.is_empty() || callback_id.len() > 255 {
        return Err(invalid("callbackId must be 1 to 255 characters"));
    }
    if !matches!(request.kind.as_str(), "global" | "message") {
        return Err(invalid("type must be \"global\" or \"message\""));
    }
    if request.name.trim().is_empty() {
        return Err(invalid("name must not be empty"));
    }
    let values = [
        callback_id,
        &request.kind,
        request.name.trim(),
        &request.description,
    ];
    SHORTCUTS.set(&state, values).await
}

/// `DELETE /api/admin/shortcuts/{callback_id}`: removes the shortcut.
async fn delete_shortcut(
    State(state): State<AppState>,
    Path(callback_id): Path<String>,
) -> AdminResult {
    SHORTCUTS.delete(&state, &callback_id).await
}

/// A conversation as an interaction names it.
struct Place {
    id: String,
    /// The name Slack sends (`directmessage` for a DM).
    name: String,
}

/// The conversation `channel`, where `person` may use the app: one they are a member of,
/// not archived.
async fn place(
    client: &impl GenericClient,
    channel: &str,
    person: &Person,
) -> Result<Place, AdminError> {
    let row = client
        .query_opt(
            "SELECT c.id, COALESCE(c.name, 'directmessage'), c.is_archived,
                    EXISTS (SELECT 1 FROM conversation_members m
                            WHERE m.conversation_id = c.id AND m.user_id = $2)
             FROM conversations c WHERE c.id = $1 AND c.team_id = $3",
            &[&channel, &person.id, &person.team_id],
        )
        .await?
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, "channel_not_found"))?;
    if row.get::<_, bool>(2) {
        return Err(ApiError::status(StatusCode::BAD_REQUEST, "is_archived").into());
    }
    if !row.get::<_, bool>(3) {
        return Err(ApiError::status(StatusCode::BAD_REQUEST, "not_in_channel")
            .with("message", format!("{} is not in {channel}", person.id))
            .into());
    }
    Ok(Place {
        id: row.get(0),
        name: row.get(1),
    })
}

/// The admin answer's account of the app's answer: its `status` and `body`, or the `error`
/// Slack would show (`operation_timeout`, `dispatch_failed` for no answer or a non-2xx).
fn answer_fields(answer: &Result<Answer, &'static str>, out: &mut Map<String, Value>) {
    match answer {
        Ok(answer) => {
            out.insert("status".into(), json!(answer.status.as_u16()));
            out.insert("body".into(), json!(answer.body));
            if !answer.acknowledged() {
                out.insert("error".into(), json!("dispatch_failed"));
            }
        }
        Err(reason) => {
            out.insert("error".into(), json!(reason));
        }
    }
}

/// Posts an app's answer (a command's body, or what it sent a `response_url`) into the
/// conversation; records what was posted in `out` (`response`), or why not (`error`).
async fn post_answer(
    state: &AppState,
    target: &ResponseTarget,
    message: &Value,
    out: &mut Map<String, Value>,
) -> Result<(), AdminError> {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    match respond(state, tx, target, message).await {
        Ok(response) => {
            out.insert("response".into(), response);
        }
        Err(err) if err.code() == "internal_error" => return Err(err.into()),
        Err(err) => {
            out.insert("error".into(), json!(err.code()));
        }
    }
    Ok(())
}

/// What `POST /api/admin/interactions/command` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandInvocation {
    /// `/deploy`.
    command: String,
    /// What follows the command.
    #[serde(default)]
    text: String,
    /// Who runs it.
    user: String,
    /// Where.
    channel: String,
}

/// `POST /api/admin/interactions/command {"command", "text", "user", "channel"}`: `user`
/// runs the slash command in `channel`. The clone sends the command's Request URL Slack's
/// signed form POST, waits three seconds, and posts the app's answer as Slack does (a body,
/// text or a JSON message, is shown to `user` alone, or posted in the channel with
/// `"response_type": "in_channel"`). Answers `{triggerId, responseUrl, status, body,
/// response?, error?}`.
async fn invoke_command(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: CommandInvocation = json_body(&body)?;
    let mut client = state.kit.db().await?;
    let command = client
        .query_opt(
            "SELECT url FROM slash_commands WHERE command = $1",
            &[&request.command.trim()],
        )
        .await?
        .ok_or_else(|| COMMANDS.missing(&request.command))?;
    let url: String = command.get(0);
    let person = person(&client, request.user.trim()).await?;
    let place = place(&client, request.channel.trim(), &person).await?;
    let app = app_identity(&client).await?;
    let target = ResponseTarget {
        kind: "commands",
        channel_id: place.id.clone(),
        user_id: person.id.clone(),
        message_ts: None,
        ephemeral: false,
    };
    let tx = client.transaction().await?;
    let trigger_id = mint_trigger(&tx, &person.id, None).await?;
    let response_url = mint_response_url(&state, &tx, &person.team_id, &target).await?;
    tx.commit().await?;
    drop(client);
    let fields = [
        ("token", app.verification_token.as_str()),
        ("team_id", &person.team_id),
        ("team_domain", &person.team_domain),
        ("channel_id", &place.id),
        ("channel_name", &place.name),
        ("user_id", &person.id),
        ("user_name", &person.name),
        ("command", request.command.trim()),
        ("text", &request.text),
        ("api_app_id", &app.app_id),
        ("is_enterprise_install", "false"),
        ("response_url", &response_url),
        ("trigger_id", &trigger_id),
    ];
    let form = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", asym_kit::form::encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let content_type = "application/x-www-form-urlencoded";
    // Over a socket, the same fields as a JSON object.
    let object = fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)));
    let payload = Value::Object(object.collect());
    let answer = match over_socket(&state, "slash_commands", &payload).await {
        Some(answer) => answer,
        None => {
            let secret = &app.signing_secret;
            post_signed(&state, secret, &url, content_type, &form, ACK_TIMEOUT).await
        }
    };
    let mut out = Map::new();
    out.insert("ok".into(), json!(true));
    out.insert("triggerId".into(), json!(trigger_id));
    out.insert("responseUrl".into(), json!(response_url));
    answer_fields(&answer, &mut out);
    out.insert("response".into(), Value::Null);
    if let Some(answer) = answer.as_ref().ok().filter(|answer| answer.acknowledged()) {
        let message = match answer.json() {
            Some(message) => Some(message),
            None if answer.body.trim().is_empty() => None,
            None => Some(json!({ "text": answer.body })),
        };
        if let Some(message) = message {
            post_answer(&state, &target, &message, &mut out).await?;
        }
    }
    Ok(Json(Value::Object(out)))
}

/// The fields every interaction payload carries for `person` and the app.
fn payload_base(kind: &str, person: &Person, app: &AppIdentity, trigger_id: Option<&str>) -> Value {
    let mut payload = json!({
        "type": kind,
        "user": person.user_json(),
        "api_app_id": app.app_id,
        "token": app.verification_token,
        "team": person.team_json(),
        "enterprise": null,
        "is_enterprise_install": false,
    });
    if let Some(trigger_id) = trigger_id {
        payload["trigger_id"] = json!(trigger_id);
    }
    payload
}

/// Sends `payload` to the Interactivity Request URL; answers the admin answer's fields (with
/// the `response_url` the payload carries, if any).
async fn send(
    state: &AppState,
    app: &AppIdentity,
    url: &str,
    payload: Value,
    response_url: Option<String>,
) -> (Result<Answer, &'static str>, Map<String, Value>) {
    let answer = send_payload(state, app, url, &payload).await;
    let mut out = Map::new();
    out.insert("ok".into(), json!(true));
    if let Some(trigger_id) = payload.get("trigger_id") {
        out.insert("triggerId".into(), trigger_id.clone());
    }
    if let Some(response_url) = response_url {
        out.insert("responseUrl".into(), json!(response_url));
    }
    answer_fields(&answer, &mut out);
    out.insert("payload".into(), payload);
    (answer, out)
}

/// What `POST /api/admin/interactions/action` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Click {
    /// The message's conversation (with `ts`).
    #[serde(default)]
    channel: Option<String>,
    /// The message.
    #[serde(default)]
    ts: Option<String>,
    /// Or the view (a Home tab, an open modal) the element is in.
    #[serde(default, alias = "view_id")]
    view_id: Option<String>,
    /// The element.
    #[serde(alias = "action_id")]
    action_id: String,
    /// Its block, when the `action_id` is not enough.
    #[serde(default, alias = "block_id")]
    block_id: Option<String>,
    /// Who clicks.
    user: String,
    /// What they choose: an option's value (a list for a multi-select or checkboxes), a
    /// user, conversation or channel id (or a list), a date, a time, text.
    #[serde(default)]
    value: Option<Value>,
}

/// Where an element was clicked: a stored message, or a view.
enum Surface {
    /// The message in its conversation.
    Message(Place, crate::ts::Ts, Value),
    /// An ephemeral message shown to the person, in its conversation.
    Ephemeral(Place, crate::ts::Ts, Value),
    /// The view object.
    View(Value),
}

impl Surface {
    /// Names the surface in `payload`: its `container`, and the `channel` and `message`, or
    /// the `view`.
    fn describe(&self, payload: &mut Value) {
        match self {
            Self::Message(place, ts, message) => {
                payload["container"] = json!({
                    "type": "message", "message_ts": ts.to_string(), "channel_id": place.id,
                    "is_ephemeral": false,
                });
                payload["channel"] = json!({ "id": place.id, "name": place.name });
                payload["message"] = message.clone();
            }
            Self::Ephemeral(place, ts, _) => {
                payload["container"] = json!({
                    "type": "message", "message_ts": ts.to_string(), "channel_id": place.id,
                    "is_ephemeral": true,
                });
                payload["channel"] = json!({ "id": place.id, "name": place.name });
            }
            Self::View(view) => {
                payload["container"] = json!({ "type": "view", "view_id": view["id"] });
                payload["view"] = view.clone();
            }
        }
    }

    /// The element a [`Click`] names.
    fn element(&self, request: &Click) -> Result<Located<'_>, ApiError> {
        let blocks = match self {
            Self::Message(_, _, message) | Self::Ephemeral(_, _, message) => &message["blocks"],
            Self::View(view) => &view["blocks"],
        };
        find(blocks, &request.action_id, request.block_id.as_deref())
    }
}

/// The person a [`Click`] names and the surface they use: the message `channel` and `ts`,
/// or the view `viewId`.
async fn surface(
    client: &impl GenericClient,
    request: &Click,
) -> Result<(Person, Surface), AdminError> {
    let person = person(client, request.user.trim()).await?;
    if let Some(view_id) = &request.view_id {
        let view = find_shown(client, view_id.trim(), &person.id).await?;
        return Ok((person, Surface::View(view)));
    }
    let hint = "name the message (channel and ts) or the view (viewId)";
    let named = (&request.channel, &request.ts);
    let not_found = match message_at(client, named, &person, hint).await {
        Ok((place, ts, message)) => return Ok((person, Surface::Message(place, ts, message))),
        Err(not_found) => not_found,
    };
    // Or an ephemeral message shown to the person there.
    let (Some(channel), Some(ts)) = named else {
        return Err(not_found);
    };
    let place = place(client, channel.trim(), &person).await?;
    let find = crate::model::message::find_ephemeral(client, &place.id, ts.trim(), &person.id);
    match (find.await, crate::ts::Ts::parse(ts.trim())) {
        (Ok(message), Some(ts)) => Ok((person, Surface::Ephemeral(place, ts, message))),
        _ => Err(not_found),
    }
}

/// The stored message `ts` in `channel`, where `person` may use the app; 400
/// `invalid_arguments` saying `hint` when either is missing.
async fn message_at(
    client: &impl GenericClient,
    (channel, ts): (&Option<String>, &Option<String>),
    person: &Person,
    hint: &str,
) -> Result<(Place, crate::ts::Ts, Value), AdminError> {
    let (Some(channel), Some(ts)) = (channel, ts) else {
        return Err(invalid(hint));
    };
    let place = place(client, channel.trim(), person).await?;
    let ts = crate::ts::Ts::parse(ts.trim())
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, "message_not_found"))?;
    let message = crate::model::message::find(client, &place.id, ts, false)
        .await
        .map_err(|err| err.with_status(StatusCode::NOT_FOUND))?;
    Ok((place, ts, message))
}

/// `POST /api/admin/interactions/action {"channel", "ts" | "viewId", "actionId", "blockId"?,
/// "user", "value"?}`: `user` uses the element `actionId` of the message `ts` (or of their
/// Home tab or open modal `viewId`): a button, a select, a date picker, … The clone sends the
/// Interactivity Request URL Slack's `block_actions` payload, with a `trigger_id` (from the
/// view, for `views.push`) and, for a message, a `response_url`. Answers `{triggerId,
/// responseUrl?, status, body, error?, payload}`.
async fn click(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: Click = json_body(&body)?;
    let mut client = state.kit.db().await?;
    let url = interactivity_url(&client).await?;
    let (person, surface) = surface(&client, &request).await?;
    let located = surface.element(&request)?;
    let mut action = choose(located.element, request.value.as_ref())?;
    action.insert("action_id".into(), json!(request.action_id));
    action.insert("block_id".into(), json!(located.block_id));
    if let Some(placeholder) = located.element.get("placeholder") {
        action.insert("placeholder".into(), placeholder.clone());
    }
    action.insert("action_ts".into(), json!(crate::ts::event_ts()));
    let app = app_identity(&client).await?;
    let tx = client.transaction().await?;
    let view_id = match &surface {
        Surface::View(view) => view["id"].as_str(),
        Surface::Message(..) | Surface::Ephemeral(..) => None,
    };
    let trigger_id = mint_trigger(&tx, &person.id, view_id).await?;
    let mut payload = payload_base("block_actions", &person, &app, Some(&trigger_id));
    surface.describe(&mut payload);
    let response_url = match &surface {
        Surface::Message(place, ts, _) | Surface::Ephemeral(place, ts, _) => {
            let target = ResponseTarget {
                kind: "actions",
                channel_id: place.id.clone(),
                user_id: person.id.clone(),
                message_ts: Some(ts.to_string()),
                ephemeral: matches!(surface, Surface::Ephemeral(..)),
            };
            let response_url = mint_response_url(&state, &tx, &person.team_id, &target).await?;
            payload["state"] = json!({ "values": {} });
            payload["response_url"] = json!(response_url);
            Some(response_url)
        }
        Surface::View(_) => None,
    };
    tx.commit().await?;
    drop(client);
    payload["actions"] = json!([action]);
    let (_, out) = send(&state, &app, &url, payload, response_url).await;
    Ok(Json(Value::Object(out)))
}

/// `POST /api/admin/interactions/options {"channel", "ts" | "viewId", "actionId",
/// "blockId"?, "user", "value": "<typed text>"}`: `user` types into the external select
/// `actionId`. The clone sends Slack's `block_suggestion` payload to the Options Load URL and
/// answers the app's `options` (or `option_groups`) with `{status, body, options?,
/// optionGroups?, error?, payload}`; choose one with `interactions/action`, passing the
/// option as its `value`.
async fn load_options(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: Click = json_body(&body)?;
    let client = state.kit.db().await?;
    let url = options_load_url(&client).await?;
    let (person, surface) = surface(&client, &request).await?;
    let located = surface.element(&request)?;
    let kind = located.element["type"].as_str().unwrap_or_default();
    if !matches!(kind, "external_select" | "multi_external_select") {
        return Err(
            ApiError::status(StatusCode::BAD_REQUEST, "not_external_select")
                .with(
                    "message",
                    format!("{} is a {kind}, which loads no options", request.action_id),
                )
                .into(),
        );
    }
    let typed = match &request.value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => return Err(invalid("value is the text typed into the select")),
    };
    let app = app_identity(&client).await?;
    drop(client);
    let mut payload = payload_base("block_suggestion", &person, &app, None);
    surface.describe(&mut payload);
    payload["action_id"] = json!(request.action_id);
    payload["block_id"] = json!(located.block_id);
    payload["value"] = json!(typed);
    let (answer, mut out) = send(&state, &app, &url, payload, None).await;
    if let Some(reply) = answer.ok().and_then(|answer| answer.json()) {
        for (field, name) in [("options", "options"), ("option_groups", "optionGroups")] {
            if let Some(found) = reply.get(field) {
                out.insert(name.into(), found.clone());
            }
        }
    }
    Ok(Json(Value::Object(out)))
}

/// What `POST /api/admin/shortcuts` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ShortcutConfig {
    /// What the app's handler matches.
    callback_id: String,
    /// `global` (the shortcuts menu) or `message` (a message's menu).
    #[serde(rename = "type")]
    kind: String,
    /// Shown in the menu.
    name: String,
    /// Shown under the name.
    #[serde(default)]
    description: String,
}

/// What `POST /api/admin/interactions/shortcut` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ShortcutUse {
    /// The shortcut.
    #[serde(alias = "callback_id")]
    callback_id: String,
    /// Who uses it.
    user: String,
    /// For a message shortcut: the message's conversation.
    #[serde(default)]
    channel: Option<String>,
    /// For a message shortcut: the message.
    #[serde(default)]
    ts: Option<String>,
}

/// `POST /api/admin/interactions/shortcut {"callbackId", "user", "channel"?, "ts"?}`: `user`
/// picks the shortcut, a global one from the shortcuts menu, or a message one from the menu
/// of the message `ts` in `channel`. The clone sends Slack's `shortcut` or `message_action`
/// payload (the latter with the `message`, `channel` and a `response_url` into it). Answers
/// `{triggerId, responseUrl?, status, body, error?, payload}`.
async fn use_shortcut(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ShortcutUse = json_body(&body)?;
    let mut client = state.kit.db().await?;
    let callback_id = request.callback_id.trim();
    let kind: String = client
        .query_opt(
            "SELECT type FROM shortcuts WHERE callback_id = $1",
            &[&callback_id],
        )
        .await?
        .ok_or_else(|| SHORTCUTS.missing(callback_id))?
        .get(0);
    let url = interactivity_url(&client).await?;
    let person = person(&client, request.user.trim()).await?;
    let on_message = if kind == "message" {
        let hint = "a message shortcut is used on a message: name its channel and ts";
        let message = (&request.channel, &request.ts);
        Some(message_at(&client, message, &person, hint).await?)
    } else {
        None
    };
    let app = app_identity(&client).await?;
    let tx = client.transaction().await?;
    let trigger_id = mint_trigger(&tx, &person.id, None).await?;
    let kind = if on_message.is_some() {
        "message_action"
    } else {
        "shortcut"
    };
    let mut payload = payload_base(kind, &person, &app, Some(&trigger_id));
    payload["callback_id"] = json!(callback_id);
    payload["action_ts"] = json!(crate::ts::event_ts());
    let mut response_url = None;
    if let Some((place, ts, message)) = on_message {
        let target = ResponseTarget {
            kind: "actions",
            channel_id: place.id.clone(),
            user_id: person.id.clone(),
            message_ts: None,
            ephemeral: false,
        };
        let url = mint_response_url(&state, &tx, &person.team_id, &target).await?;
        payload["channel"] = json!({ "id": place.id, "name": place.name });
        payload["message_ts"] = json!(ts.to_string());
        payload["message"] = message;
        payload["response_url"] = json!(url);
        response_url = Some(url);
    }
    tx.commit().await?;
    drop(client);
    let (_, out) = send(&state, &app, &url, payload, response_url).await;
    Ok(Json(Value::Object(out)))
}

/// What `POST /api/admin/interactions/view-submission` and `…/view-closed` take.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ViewInteraction {
    /// The open modal.
    view_id: String,
    /// Whose it is.
    user: String,
    /// For a submission: each input's value by its `action_id`.
    #[serde(default)]
    values: Map<String, Value>,
}

/// `POST /api/admin/interactions/view-submission {"viewId", "user", "values"}`: `user`
/// submits their open modal with `values` (by `action_id`, as [`Click`]'s `value`). The
/// clone sends Slack's `view_submission` payload and does what the app answers:
/// `response_action` `errors` keeps the modal open (the answer carries `errors`), `update`
/// replaces it, `push` pushes a new view, `clear` closes the whole stack; an empty answer
/// closes the modal. Answers `{triggerId, status, body, responseAction, errors?, view?,
/// modals}` (`modals`: the person's open stack afterwards).
async fn submit_view(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ViewInteraction = json_body(&body)?;
    let mut client = state.kit.db().await?;
    let url = interactivity_url(&client).await?;
    let person = person(&client, request.user.trim()).await?;
    let app = app_identity(&client).await?;
    let tx = client.transaction().await?;
    let mut submitted = find_open_modal(&tx, request.view_id.trim(), &person.id).await?;
    if submitted["submit"].is_null() {
        return Err(
            ApiError::status(StatusCode::BAD_REQUEST, "no_submit_button")
                .with("message", "the modal has no submit button")
                .into(),
        );
    }
    let state_values = view_state(&submitted["blocks"], &request.values)?;
    let view_id = submitted["id"].as_str().unwrap_or_default().to_owned();
    view::set_state(&tx, &view_id, &state_values).await?;
    submitted["state"] = state_values;
    let trigger_id = mint_trigger(&tx, &person.id, Some(&view_id)).await?;
    tx.commit().await?;
    let mut payload = payload_base("view_submission", &person, &app, Some(&trigger_id));
    payload["view"] = submitted;
    payload["response_urls"] = json!([]);
    // The app may call back (views.update, chat.postMessage) before it answers: hold no
    // pooled connection while it runs.
    drop(client);
    let (answer, mut out) = send(&state, &app, &url, payload, None).await;
    let Some(answer) = answer.as_ref().ok().filter(|answer| answer.acknowledged()) else {
        return Ok(Json(Value::Object(out)));
    };
    let reply = answer.json().unwrap_or_default();
    let action = reply["response_action"].as_str().unwrap_or_default();
    out.insert("responseAction".into(), json!(reply["response_action"]));
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    match action {
        "errors" => {
            out.insert("errors".into(), reply["errors"].clone());
        }
        "update" | "push" => {
            let new = match checked(reply["view"].clone()) {
                Ok(new) => new,
                Err(err) => {
                    out.insert("error".into(), json!(err.code()));
                    return Ok(Json(Value::Object(out)));
                }
            };
            let shown = if action == "update" {
                let external = new.get("external_id").and_then(Value::as_str);
                view::replace(&tx, &view_id, &new, &app.bot_id, external).await?
            } else {
                let placement = Placement {
                    team_id: &person.team_id,
                    user_id: &person.id,
                    bot_id: &app.bot_id,
                    onto: Some(&view_id),
                };
                view::open_modal(&tx, &placement, &new).await?
            };
            out.insert("view".into(), shown);
        }
        _ => view::close(&tx, &view_id, action == "clear").await?,
    }
    out.insert("modals".into(), json!(open_modals(&tx, &person.id).await?));
    state.commit(tx).await?;
    Ok(Json(Value::Object(out)))
}

/// `POST /api/admin/interactions/view-closed {"viewId", "user"}`: `user` dismisses their
/// open modal (its close button). It closes (with its whole stack when it has
/// `clear_on_close`), and only a modal with `notify_on_close` sends the app Slack's
/// `view_closed` payload. Answers `{notified, status?, body?, error?, modals}`.
async fn close_view(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: ViewInteraction = json_body(&body)?;
    let mut client = state.kit.db().await?;
    let person = person(&client, request.user.trim()).await?;
    let app = app_identity(&client).await?;
    let tx = client.transaction().await?;
    let closed = find_open_modal(&tx, request.view_id.trim(), &person.id).await?;
    let cleared = closed["clear_on_close"].as_bool().unwrap_or(false);
    view::close(&tx, request.view_id.trim(), cleared).await?;
    let modals = open_modals(&tx, &person.id).await?;
    let url = interactivity_url(&tx).await.ok();
    state.commit(tx).await?;
    drop(client);
    let mut out = Map::new();
    let notify = closed["notify_on_close"].as_bool().unwrap_or(false);
    if let Some(url) = url.filter(|_| notify) {
        let mut payload = payload_base("view_closed", &person, &app, None);
        payload["view"] = closed;
        payload["is_cleared"] = json!(cleared);
        (_, out) = send(&state, &app, &url, payload, None).await;
    }
    out.insert("ok".into(), json!(true));
    out.insert("notified".into(), json!(out.contains_key("payload")));
    out.insert("modals".into(), json!(modals));
    Ok(Json(Value::Object(out)))
}

/// What `GET /api/admin/interactions/modals` takes.
#[derive(Debug, Deserialize)]
struct ModalsQuery {
    /// Whose.
    user: String,
}

/// `GET /api/admin/interactions/modals?user=U…`: the person's open modal stack, bottom first.
async fn modals(State(state): State<AppState>, Query(query): Query<ModalsQuery>) -> AdminResult {
    let client = state.kit.db().await?;
    let views = open_modals(&client, query.user.trim()).await?;
    Ok(Json(json!({ "ok": true, "views": views })))
}

/// `POST /hooks/{commands|actions}/T…/…/<secret>`: a `response_url`. Takes Slack's JSON
/// message (`text`, `blocks`, `attachments`, `response_type`, `replace_original`,
/// `delete_original`, `thread_ts`) five times within thirty minutes; answers
/// `{"ok":true}`, or Slack's plain-text error (`expired_url`, `used_url`,
/// `invalid_payload`, `no_text`, `invalid_blocks`, …) with a 4xx status.
async fn response_url(
    State(state): State<AppState>,
    Path((kind, _team, _id, secret)): Path<(String, String, String, String)>,
    body: Bytes,
) -> Response {
    let refused = |status: StatusCode, code: &str| (status, code.to_owned()).into_response();
    let Ok(message) = asym_kit::body::json(&body, &crate::args::LIMITS) else {
        return refused(StatusCode::BAD_REQUEST, "invalid_payload");
    };
    let outcome = async {
        let mut client = state.kit.db().await?;
        let tx = client.transaction().await?;
        let target = use_response_url(&tx, &secret).await?;
        if target.kind != kind {
            return Err(ApiError::status(StatusCode::NOT_FOUND, "expired_url"));
        }
        // The use counts even when the message is refused.
        tx.commit().await?;
        let tx = client.transaction().await?;
        respond(&state, tx, &target, &message).await
    }
    .await;
    match outcome {
        Ok(_) => ([(CONTENT_TYPE, "application/json")], r#"{"ok":true}"#).into_response(),
        Err(err) if err.code() == "internal_error" => err.into_response(),
        Err(err) => {
            let status = match err.status_code() {
                StatusCode::OK => StatusCode::BAD_REQUEST,
                status => status,
            };
            refused(status, err.code())
        }
    }
}
