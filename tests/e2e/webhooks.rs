//! Webhooks survive their backend: deliveries live in the clone's database (the kit's
//! outbox), so a delivery that failed while the receiver was down is sent by the restarted
//! backend once the receiver is up. A test waits for a webhook and reads how its receiver
//! answered (`webhook_sent`, `webhooks`); `asym webhooks` lists, waits and redelivers.

use std::time::Duration;

use asym_kit::testing::Receiver;
use serde_json::{Value, json};

use crate::common::TestHome;

/// A loopback port nothing listens on (yet).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn stripe_post(api: &str, key: &str, path: &str, form: &[(&str, &str)]) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{api}{path}"))
        .bearer_auth(key)
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stripe_delivery_pending_across_a_backend_restart_reaches_the_receiver() {
    let home = TestHome::new("4380-4389", json!({}));
    let spun = home.asym_json(&["spin", "stripe", "--seed", "basic"]);
    let clone = &spun[0];
    let id = clone["id"].as_str().unwrap().to_owned();
    let api = clone["endpoints"]["api"].as_str().unwrap().to_owned();
    let key = clone["tokens"]["secretKey"].as_str().unwrap().to_owned();

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    stripe_post(
        &api,
        &key,
        "/v1/webhook_endpoints",
        &[("url", &url), ("enabled_events[]", "customer.created")],
    )
    .await;
    let customer = stripe_post(&api, &key, "/v1/customers", &[("name", "Ada")]).await;

    // The receiver is down: the first attempt fails and is recorded.
    let listed = |extra: &[&str]| {
        let mut args = vec!["webhooks", id.as_str()];
        args.extend(extra);
        home.asym_json(&args)["webhooks"]
            .as_array()
            .unwrap()
            .clone()
    };
    let tried = listed(&["--event", "customer.created", "--wait", "25"]);
    assert_eq!(tried.len(), 1, "{tried:?}");
    assert_eq!(tried[0]["delivered"], false);
    assert_eq!(tried[0]["lastError"], "connection refused", "{tried:?}");

    assert!(home.asym(&["stop", &id]).status.success());
    let receiver = Receiver::start_on(port).await;
    assert!(home.asym(&["start", &id]).status.success());

    let delivery = receiver
        .next(Duration::from_secs(30))
        .await
        .expect("the restarted backend delivers the pending event");
    let event = delivery.json();
    assert_eq!(event["type"], "customer.created");
    assert_eq!(event["data"]["object"]["id"], customer["id"]);
    assert!(delivery.header("stripe-signature").is_some());

    let sent = listed(&[]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["delivered"], true, "{sent:?}");
    assert_eq!(sent[0]["lastStatus"], 200);
    let table = String::from_utf8(home.asym(&["webhooks", &id]).stdout).unwrap();
    assert!(
        table.contains("customer.created") && table.contains("delivered (200)"),
        "{table}"
    );
    let first = sent[0]["id"].to_string();
    let again = home.asym_json(&["webhooks", &id, "--redeliver", &first]);
    let resent = receiver
        .next(Duration::from_secs(30))
        .await
        .expect("redelivered");
    assert_eq!(
        resent.json()["id"],
        event["id"],
        "the same event, sent again"
    );
    assert_eq!(listed(&[]).last().unwrap()["redeliveryOf"], sent[0]["id"]);
    assert_eq!(listed(&[]).last().unwrap()["id"], again["id"]);
    assert!(home.asym(&["destroy", &id]).status.success());
}

#[asym::clone("stripe", seed = "basic")]
async fn a_test_waits_for_its_webhook_and_reads_how_the_receiver_answered(stripe: asym::Stripe) {
    let (api, key) = (stripe.api_url(), stripe.secret_key());
    let receiver = Receiver::start().await;
    let events = [
        ("url", receiver.url()),
        ("enabled_events[]", "customer.created"),
    ];
    let updated = [("enabled_events[]", "customer.updated")];
    let form: Vec<(&str, &str)> = events.into_iter().chain(updated).collect();
    stripe_post(api, key, "/v1/webhook_endpoints", &form).await;

    let customer = stripe_post(api, key, "/v1/customers", &[("name", "Ada")]).await;
    let created = stripe.webhook_sent("customer.created").await.unwrap();
    assert!(created.delivered, "{}", created.outcome());
    assert_eq!(created.last_status, Some(200));
    assert_eq!(
        created.json().unwrap()["data"]["object"]["id"],
        customer["id"]
    );
    assert_eq!(
        receiver.delivery().await.json()["id"],
        created.json().unwrap()["id"]
    );

    // The receiver fails: the test sees how, without reading the receiver's logs.
    receiver.answer(500);
    let path = format!("/v1/customers/{}", customer["id"].as_str().unwrap());
    stripe_post(api, key, &path, &[("name", "Ada L")]).await;
    let updated = stripe.webhook_sent("customer.updated").await.unwrap();
    assert!(!updated.delivered);
    assert_eq!(updated.last_status, Some(500));
    assert!(
        updated
            .outcome()
            .starts_with("failing: receiver answered 500"),
        "{}",
        updated.outcome()
    );
    let made: Vec<String> = stripe
        .webhooks()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.event)
        .collect();
    assert_eq!(made, ["customer.created", "customer.updated"]);
}
