//! Pausing a subscription's collection (`pause_collection`): its renewals' invoices are left
//! drafts, voided or marked uncollectible and nothing is charged, until `resumes_at` or until
//! the pause is cleared. Subscriptions start on a test clock as in `prorations`.

use serde_json::json;

use crate::common::{Api, id};
use crate::prorations::{END, HALF, invoices_of, subscribed};

/// 2026-03-01 00:00 UTC: the end of the second period.
const MARCH: i64 = END + 28 * 86_400;

#[asym::clone("stripe", seed = "basic")]
async fn a_paused_subscription_invoices_without_charging_until_it_resumes(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for behavior in ["keep_as_draft", "void", "mark_uncollectible"] {
        let (clock, sub, _) = subscribed(&api, &[], HALF).await;
        let path = format!("/v1/subscriptions/{}", id(&sub));
        let resumes = MARCH.to_string();
        let paused = api
            .ok(
                &path,
                &[
                    ("pause_collection[behavior]", behavior),
                    ("pause_collection[resumes_at]", &resumes),
                ],
            )
            .await;
        let pause = json!({"behavior": behavior, "resumes_at": MARCH});
        assert_eq!(paused["pause_collection"], pause, "{paused}");
        // The February renewal: an invoice in the pause's state, nothing charged.
        api.advance(&clock, &(END + 3600).to_string()).await;
        let renewed = api.current("/v1/subscriptions", id(&sub)).await;
        assert_eq!(renewed["status"], "active", "{renewed}");
        let invoices = invoices_of(&api, &sub).await;
        let status = match behavior {
            "keep_as_draft" => "draft",
            "void" => "void",
            _ => "uncollectible",
        };
        let latest = (
            invoices[0]["status"].as_str(),
            invoices[0]["amount_paid"].as_i64(),
        );
        assert_eq!(
            latest,
            (Some(status), Some(0)),
            "{behavior}: {}",
            invoices[0]
        );
        // The March renewal is at resumes_at: collection is back and the invoice paid.
        api.advance(&clock, &(MARCH + 3600).to_string()).await;
        let resumed = api.current("/v1/subscriptions", id(&sub)).await;
        assert!(resumed["pause_collection"].is_null(), "{resumed}");
        let invoices = invoices_of(&api, &sub).await;
        let latest = (
            invoices[0]["status"].as_str(),
            invoices[0]["amount_paid"].as_i64(),
        );
        assert_eq!(
            latest,
            (Some("paid"), Some(2000)),
            "{behavior}: {}",
            invoices[0]
        );
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn a_cleared_pause_collects_again(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (clock, sub, _) = subscribed(&api, &[], HALF).await;
    let path = format!("/v1/subscriptions/{}", id(&sub));
    api.ok(&path, &[("pause_collection[behavior]", "void")])
        .await;
    let cleared = api.ok(&path, &[("pause_collection", "")]).await;
    assert!(cleared["pause_collection"].is_null(), "{cleared}");
    api.advance(&clock, &(END + 3600).to_string()).await;
    let invoices = invoices_of(&api, &sub).await;
    assert_eq!(invoices[0]["status"], "paid", "{}", invoices[0]);
}
