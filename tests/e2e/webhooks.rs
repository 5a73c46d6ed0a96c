//! Webhooks survive their backend: deliveries live in the clone's database (the kit's
//! outbox), so a delivery that failed while the receiver was down is sent by the restarted
//! backend once the receiver is up.

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
    let attempted = "SELECT count(*) FROM asym_outbox WHERE attempts > 0 AND delivered_at IS NULL";
    let mut tried = false;
    for _ in 0..100 {
        let out = home.asym_json(&["query", &id, attempted]);
        // Numbers may print as strings or as numbers.
        if out[0]["count"].to_string().trim_matches('"') == "1" {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(tried, "the first delivery attempt was never made");

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
    assert!(home.asym(&["destroy", &id]).status.success());
}
