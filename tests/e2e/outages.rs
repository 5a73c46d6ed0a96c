//! Faults a test asks a real clone for (`asym admin <id> post faults`, a handle's
//! `admin_post("faults", …)`): the clone answers them in place of its own, their set number
//! of times, and a reset forgets them, so one test's outage never reaches the next.

use serde_json::{Value, json};

use crate::common::TestHome;

/// `POST {api}/v1/customers`: the status and the JSON answered (`null` for no body).
async fn create_customer(api: &str, key: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{api}/v1/customers"))
        .bearer_auth(key)
        .form(&[("name", "Ada")])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let answer = match text.as_str() {
        "" => Value::Null,
        text => serde_json::from_str(text).unwrap_or_else(|e| panic!("{status} {text:?}: {e}")),
    };
    (status, answer)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stripe_clone_answers_the_outage_asked_for_then_a_reset_forgets_it() {
    let home = TestHome::new("4496-4499", json!({}));
    let (id, api, key) = home.spin_basic("stripe", "secretKey");
    let stripe_500 =
        json!({"error": {"type": "api_error", "message": "An unknown error occurred"}});
    let fault = json!({"method": "POST", "path": "/v1/customers", "status": 500, "times": 2,
        "body": stripe_500, "headers": {"Stripe-Should-Retry": "true"}});
    let added = home.asym_json(&["admin", &id, "post", "faults", "--data", &fault.to_string()]);
    assert_eq!(added["remaining"], 2, "{added}");

    for _ in 0..2 {
        assert_eq!(create_customer(&api, &key).await, (500, stripe_500.clone()));
    }
    let (status, customer) = create_customer(&api, &key).await;
    assert_eq!((status, &customer["object"]), (200, &json!("customer")));
    assert_eq!(
        home.asym_json(&["admin", &id, "get", "faults"]),
        json!({"faults": []})
    );

    let outage = home.asym_json(&["fault", &id, "503", "--path", "/v1/*", "--times", "always"]);
    assert_eq!(outage["remaining"], Value::Null, "{outage}");
    let kept = home.asym_json(&["fault", &id]);
    assert_eq!(kept["faults"][0]["status"], 503, "{kept}");
    assert_eq!(create_customer(&api, &key).await, (503, Value::Null));
    assert!(home.asym(&["reset", &id]).status.success());
    assert_eq!(
        create_customer(&api, &key).await.0,
        200,
        "the reset forgot the outage"
    );

    let rate_limited = home.asym_json(&["fault", &id, "rate_limited", "--method", "POST"]);
    assert_eq!(create_customer(&api, &key).await.0, 429, "{rate_limited}");
    let missing = home.asym(&["fault", &id, "rate_limted"]);
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("FAULT_PRESET_NOT_FOUND"),
        "{missing:?}"
    );
    home.asym_json(&["fault", &id, "--delay-ms", "10", "--path", "/v1/x"]);
    let dropping = home.asym_json(&["fault", &id, "--disconnect", "after", "--path", "/v1/y"]);
    assert_eq!(dropping["disconnect"], "after", "{dropping}");
    assert_eq!(home.asym_json(&["fault", &id, "--clear"])["cleared"], 2);
    let refused = home.asym(&[
        "admin",
        &id,
        "post",
        "faults",
        "--data",
        r#"{"path": "/v1/x"}"#,
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("needs a status"),
        "{refused:?}"
    );
    assert!(home.asym(&["destroy", &id]).status.success());
}

/// The product's own failures by name, from a test: the template's presets, narrowed and
/// counted as the test asks, faults of the test's own making, and connections closed with no
/// answer before or after the clone did the work (an idempotent retry survives the latter).
#[asym::clone("stripe", seed = "basic")]
async fn a_test_asks_its_clone_for_the_products_own_failures_by_name(stripe: asym::Stripe) {
    use asym::Fault;

    let api = stripe.api_url().to_owned();
    let key = stripe.secret_key().to_owned();
    let kept = stripe
        .fail(
            Fault::preset("server_error")
                .on("POST", "/v1/customers")
                .times(2),
        )
        .await
        .unwrap();
    assert_eq!(
        (&kept["path"], &kept["status"], &kept["remaining"]),
        (&json!("/v1/customers"), &json!(500), &json!(2)),
        "{kept}"
    );
    assert_eq!(kept["headers"]["Stripe-Should-Retry"], "true", "{kept}");
    for _ in 0..2 {
        let (status, answer) = create_customer(&api, &key).await;
        assert_eq!(
            (status, &answer["error"]["type"]),
            (500, &json!("api_error"))
        );
    }
    assert_eq!(create_customer(&api, &key).await.0, 200);

    let typo = stripe.fail(Fault::preset("rate_limted")).await.unwrap_err();
    assert!(
        matches!(&typo, asym::Error::FaultPresetNotFound { presets, .. } if presets.len() >= 2)
            && typo.render().contains(r#"did you mean "rate_limited""#),
        "{}",
        typo.render()
    );

    stripe
        .fail(Fault::status(503).path("/v1/*").always())
        .await
        .unwrap();
    assert_eq!(create_customer(&api, &key).await, (503, Value::Null));
    assert_eq!(create_customer(&api, &key).await.0, 503);
    assert_eq!(stripe.clear_faults().await.unwrap(), 1);
    assert_eq!(create_customer(&api, &key).await.0, 200);

    // No answer at all. Before the clone handles it: nothing is made. After: the customer is
    // made and its answer lost; the retry with the same idempotency key gets that customer.
    let create = async |name: &str| {
        reqwest::Client::new()
            .post(format!("{api}/v1/customers"))
            .bearer_auth(&key)
            .header("Idempotency-Key", format!("key-{name}"))
            .form(&[("name", name)])
            .send()
            .await
    };
    stripe
        .fail(Fault::disconnect().on("POST", "/v1/customers"))
        .await
        .unwrap();
    let dropped = create("Gone").await.unwrap_err();
    assert!(
        format!("{dropped:?}").contains("IncompleteMessage"),
        "{dropped:?}"
    );
    stripe
        .fail(Fault::lose_answer().on("POST", "/v1/customers"))
        .await
        .unwrap();
    assert!(create("Lost").await.is_err(), "the answer is lost");
    let retried: Value = create("Lost").await.unwrap().json().await.unwrap();
    let listed: Value = reqwest::Client::new()
        .get(format!("{api}/v1/customers?limit=100"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let named = |name: &str| {
        let all = listed["data"].as_array().unwrap();
        all.iter()
            .filter(|c| c["name"] == name)
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        (named("Gone"), named("Lost")),
        (vec![], vec![retried["id"].clone()])
    );
    let outcomes: Vec<String> = stripe
        .requests_to("POST", "/v1/customers")
        .await
        .unwrap()
        .iter()
        .rev()
        .take(3)
        .map(asym::SeenRequest::outcome)
        .collect();
    assert_eq!(outcomes, ["200", "dropped (200 lost)", "dropped"]);

    let refused = stripe.fail(Fault::status(99)).await.unwrap_err();
    assert!(
        matches!(&refused, asym::Error::AdminRefused { status: 400, body, .. } if body.contains("status 99")),
        "{}",
        refused.render()
    );
}
