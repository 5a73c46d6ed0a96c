//! Bad input answered as Stripe answers it: found by sweeping every route with malformed
//! bodies, values out of range and strings too long.

use serde_json::{Value, json};

use crate::common::{ALICE, Api, assert_error, assert_fields, data, expect_refusal, id, invalid};

/// Stripe's 400 for an integer parameter out of its range or not an integer.
const NOT_AN_INTEGER: (&str, (u16, &str)) = ("code", (400, "parameter_invalid_integer"));

#[asym::clone("stripe", seed = "basic")]
async fn a_non_integer_amount_is_parameter_invalid_integer(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for amount in ["abc", "12.5", "1e3"] {
        let form = [("amount", amount), ("currency", "usd")];
        let body = expect_refusal(api.post("/v1/payment_intents", &form).await, NOT_AN_INTEGER);
        assert_eq!(body["error"]["param"], "amount", "{body}");
        assert_eq!(
            body["error"]["message"],
            format!("Invalid integer: {amount}")
        );
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn values_below_their_minimum_are_parameter_invalid_integer(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let intent = api.visa_intent("1000", &[]).await;
    let refund = [("payment_intent", id(&intent)), ("amount", "0")];
    let body = expect_refusal(api.post("/v1/refunds", &refund).await, NOT_AN_INTEGER);
    let said = "This value must be greater than or equal to 1.";
    assert_fields(&body["error"], json!({"param": "amount", "message": said}));
    let line = [
        ("mode", "payment"),
        ("success_url", "https://example.com/ok"),
        ("line_items[0][price]", "price_SEEDshirt001"),
        ("line_items[0][quantity]", "-1"),
    ];
    let body = expect_refusal(
        api.post("/v1/checkout/sessions", &line).await,
        NOT_AN_INTEGER,
    );
    assert_eq!(body["error"]["param"], "line_items[0][quantity]", "{body}");
    let (status, body) = api.get("/v1/customers", &[("limit", "0")]).await;
    assert_error(status, &body, NOT_AN_INTEGER.0, NOT_AN_INTEGER.1);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_string_longer_than_5000_characters_is_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let long = "a".repeat(5001);
    let body = api
        .refused("/v1/customers", &[("name", &long)], invalid("name"))
        .await;
    let said = "Invalid string: aaaaaaaaaa...; must be at most 5000 characters";
    assert_eq!(body["error"]["message"], said, "{body}");
    let nested = [("address[line1]", long.as_str())];
    let path = format!("/v1/customers/{ALICE}");
    api.refused(&path, &nested, invalid("address[line1]")).await;
    let five_thousand = "b".repeat(5000);
    let kept = api
        .ok("/v1/customers", &[("description", &five_thousand)])
        .await;
    assert_eq!(kept["description"].as_str().map(str::len), Some(5000));
}

/// `POST path` with `body` sent as `content_type`: the status and the answer.
async fn post_as(
    stripe: &asym::Stripe,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", stripe.api_url()))
        .bearer_auth(stripe.secret_key())
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("the clone answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("every answer is JSON"))
}

#[asym::clone("stripe", seed = "basic")]
async fn a_body_sent_as_json_or_text_is_an_unsupported_content_type(stripe: asym::Stripe) {
    for (content_type, body) in [
        ("application/json", r#"{"email":"json@example.com"}"#),
        ("text/plain; charset=utf-8", "email=text@example.com"),
    ] {
        let (status, answer) = post_as(&stripe, "/v1/customers", content_type, body).await;
        let said = format!(
            "Invalid request: unsupported Content-Type {content_type}. If error persists and you \
             need assistance, please contact support@stripe.com."
        );
        assert_eq!(
            (status, answer["error"]["message"].as_str()),
            (400, Some(said.as_str()))
        );
        assert_eq!(answer["error"]["type"], "invalid_request_error");
    }
    let form = "application/x-www-form-urlencoded; charset=utf-8";
    let (status, created) = post_as(&stripe, "/v1/customers", form, "email=form@example.com").await;
    assert_eq!(
        (status, created["email"].as_str()),
        (200, Some("form@example.com"))
    );
}

/// The ids of a list answer's objects.
fn ids(list: &Value) -> Vec<&str> {
    data(list).iter().map(id).collect()
}

#[asym::clone("stripe", seed = "basic")]
async fn a_sessions_line_items_page_both_ways(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let amounts: Vec<String> = (1..=12).map(|n| (n * 100).to_string()).collect();
    let keys: Vec<[String; 4]> = (0..12)
        .map(|n| {
            let item = format!("line_items[{n}]");
            [
                format!("{item}[quantity]"),
                format!("{item}[price_data][currency]"),
                format!("{item}[price_data][unit_amount]"),
                format!("{item}[price_data][product]"),
            ]
        })
        .collect();
    let mut form = vec![
        ("mode", "payment"),
        ("success_url", "https://example.com/ok"),
    ];
    for (key, amount) in keys.iter().zip(&amounts) {
        let values = ["1", "usd", amount.as_str(), "prod_SEEDshirt0001"];
        form.extend(key.iter().map(String::as_str).zip(values));
    }
    let session = api.ok("/v1/checkout/sessions", &form).await;
    let path = format!("/v1/checkout/sessions/{}/line_items", id(&session));
    let (_, all) = api.get(&path, &[("limit", "100")]).await;
    let all = ids(&all);
    assert_eq!(all.len(), 12);
    type Case<'a> = (Option<(&'a str, &'a str)>, &'a [&'a str], bool);
    let cases: [Case<'_>; 4] = [
        (None, &all[..5], true),
        (Some(("starting_after", all[4])), &all[5..10], true),
        (Some(("starting_after", all[9])), &all[10..], false),
        (Some(("ending_before", all[7])), &all[2..7], true),
    ];
    for (cursor, expected, more) in cases {
        let mut query = vec![("limit", "5")];
        query.extend(cursor);
        let (_, page) = api.get(&path, &query).await;
        let got = (ids(&page), page["has_more"].as_bool());
        assert_eq!(got, (expected.to_vec(), Some(more)), "{cursor:?}");
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn a_checkout_line_above_stripes_largest_amount_is_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for quantity in ["40000", "9223372036854775807"] {
        let line = [
            ("mode", "payment"),
            ("success_url", "https://example.com/ok"),
            ("line_items[0][price]", "price_SEEDshirt001"),
            ("line_items[0][quantity]", quantity),
        ];
        let refusal = ("code", (400, "amount_too_large"));
        let body = expect_refusal(api.post("/v1/checkout/sessions", &line).await, refusal);
        assert_eq!(body["error"]["param"], "line_items[0][quantity]", "{body}");
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn an_api_version_that_is_not_one_is_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let get = reqwest::Method::GET;
    for version in ["garbage", "2024-6-20", "latest"] {
        let header = [("stripe-version", version)];
        let (status, body, _) = api.send(get.clone(), "/v1/customers", &[], &header).await;
        let said = format!("Invalid Stripe API version: {version}");
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (400, Some(said.as_str()))
        );
    }
    let header = [("stripe-version", "2024-09-30.acacia")];
    let (status, _, _) = api.send(get, "/v1/customers", &[], &header).await;
    assert_eq!(status, 200);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_return_address_that_is_not_a_web_url_is_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let line = [
        ("mode", "payment"),
        ("line_items[0][price]", "price_SEEDshirt001"),
        ("line_items[0][quantity]", "1"),
    ];
    for (param, url) in [
        ("success_url", "not a url"),
        ("cancel_url", "javascript:alert(1)"),
    ] {
        let mut form = line.to_vec();
        form.push((param, url));
        let body = api
            .refused("/v1/checkout/sessions", &form, invalid(param))
            .await;
        assert_eq!(body["error"]["code"], "url_invalid", "{body}");
    }
    let portal = [("customer", ALICE), ("return_url", "ftp://example.com")];
    let path = "/v1/billing_portal/sessions";
    api.refused(path, &portal, invalid("return_url")).await;
    let portal = [
        ("customer", ALICE),
        ("return_url", "https://example.com/account"),
    ];
    assert_eq!(api.ok(path, &portal).await["return_url"], portal[1].1);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_legacy_charge_without_source_or_customer_is_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let bare = [("amount", "1000"), ("currency", "usd")];
    let body = expect_refusal(
        api.post("/v1/charges", &bare).await,
        ("code", (400, "parameter_missing")),
    );
    assert_eq!(
        body["error"]["message"], "Must provide source or customer.",
        "{body}"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_list_status_outside_stripes_is_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (status, body) = api.get("/v1/subscriptions", &[("status", "live")]).await;
    assert_error(status, &body, "param", (400, "status"));
    let said = "Invalid status: must be one of active, all, canceled, ended, incomplete, \
                incomplete_expired, past_due, paused, trialing, or unpaid";
    assert_eq!(body["error"]["message"], said);
    for status in ["all", "ended", "canceled", ""] {
        let (code, page) = api.get("/v1/subscriptions", &[("status", status)]).await;
        assert_eq!(code, 200, "{status}: {page}");
    }
}
