//! ACH Direct Debit's routes: `GET /v1/mandates/{id}`, and, behind the admin secret,
//! `POST /api/admin/payment_intents/{id}/settle`, which settles a `processing` debit at once
//! (Stripe's test mode settles it some time later) as its test account says, and the
//! checkout session it paid with it.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use crate::cx::{Cx, strip_hidden};
use crate::dispatch::{self, Called, Pending, routes};
use crate::kinds::MANDATE;
use crate::model::{bank, checkout};
use crate::params::Params;
use asym_kit::Kit;

/// Mandates and the admin route settling a debit.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/mandates/{id}" => get(MANDATE.retrieve, 1);
    }
    .route(
        "/api/admin/payment_intents/{id}/settle",
        axum::routing::post(settle),
    )
}

/// `POST /api/admin/payment_intents/{id}/settle` (no body): the payment intent, settled.
async fn settle(State(state): State<Kit>, Path(id): Path<String>) -> Response {
    let path = format!(
        "/api/admin/payment_intents/{}/settle",
        asym_kit::form::encode(&id)
    );
    match dispatch::page(&state, &path, Params::default(), settled).await {
        Ok(mut intent) => {
            strip_hidden(&mut intent);
            axum::Json(intent).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Settles the intent the path names (its segment after `payment_intents`).
fn settled<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    Box::pin(async move {
        let intent = bank::settle(cx, called.segment(2)).await?;
        checkout::debit_settled(cx, &intent).await?;
        Ok(intent)
    })
}
