//! The clone's few HTML pages (the 3-D Secure test page, Checkout's page): a page's frame,
//! text escaped into it, and an error shown as a page.

use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::error::ApiError;

/// A page titled `title` around `body` (HTML).
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

/// `text` made safe inside HTML, an attribute's value included.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `err` shown as a page titled `title`, with its status; `after` (HTML) follows the message.
pub(crate) fn refusal(title: &str, err: &ApiError, after: &str) -> Response {
    let message = err
        .body
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let body = format!("<p>{}</p>{after}", escape(message));
    (err.status, Html(page(title, &body))).into_response()
}
