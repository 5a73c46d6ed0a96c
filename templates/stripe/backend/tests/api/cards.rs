//! Stripe's test cards (<https://docs.stripe.com/testing>): what paying with each does, by
//! its `pm_card_…` and `tok_…` names, and the 3-D Secure flow through the clone's test page.

use serde_json::Value;

use crate::common::{
    Api, MISSING, assert_error, assert_events, assert_retryable, expect_refusal, id,
};

/// What paying on-session with a test card does.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Succeeds, with Radar's `risk_level`.
    Paid(&'static str),
    /// 402 with `code`, `decline_code` and the charge's `outcome.type`.
    Declined(&'static str, &'static str, &'static str),
    /// `requires_action`, waiting for 3-D Secure.
    Authenticate,
}

use Expect::{Authenticate, Declined, Paid};

/// Declined by the issuer with `decline_code`, as the error code `card_declined`.
const fn declined(decline_code: &'static str) -> Expect {
    Declined("card_declined", decline_code, "issuer_declined")
}

/// Declined by the issuer with an error code of its own, the same as its `decline_code`.
const fn failed(code: &'static str) -> Expect {
    Declined(code, code, "issuer_declined")
}

/// Blocked by Radar as fraudulent.
const BLOCKED: Expect = Declined("card_declined", "fraudulent", "blocked");

/// Stripe's documented test cards and what each does when a payment intent is confirmed
/// with it on-session.
#[rustfmt::skip]
const TABLE: &[(&str, Expect)] = &[
    ("visa", Paid("normal")),
    ("us", Paid("normal")),
    ("visa_debit", Paid("normal")),
    ("mastercard", Paid("normal")),
    ("mastercard_debit", Paid("normal")),
    ("mastercard_prepaid", Paid("normal")),
    ("amex", Paid("normal")),
    ("amex_threeDSecureNotSupported", Paid("normal")),
    ("discover", Paid("normal")),
    ("diners", Paid("normal")),
    ("jcb", Paid("normal")),
    ("unionpay", Paid("normal")),
    ("br", Paid("normal")),
    ("gb_debit", Paid("normal")),
    ("ae_mastercard", Paid("normal")),
    ("jp", Paid("normal")),
    ("visa_chargeDeclined", declined("generic_decline")),
    ("chargeDeclined", declined("generic_decline")),
    ("visa_chargeDeclinedInsufficientFunds", declined("insufficient_funds")),
    ("chargeDeclinedInsufficientFunds", declined("insufficient_funds")),
    ("visa_chargeDeclinedLostCard", declined("lost_card")),
    ("visa_chargeDeclinedStolenCard", declined("stolen_card")),
    ("chargeDeclinedExpiredCard", failed("expired_card")),
    ("chargeDeclinedIncorrectCvc", failed("incorrect_cvc")),
    ("chargeDeclinedProcessingError", failed("processing_error")),
    ("visa_chargeDeclinedVelocityLimitExceeded", declined("card_velocity_exceeded")),
    ("chargeCustomerFail", declined("generic_decline")),
    ("radarBlock", BLOCKED),
    ("riskLevelHighest", BLOCKED),
    ("riskLevelElevated", Paid("elevated")),
    ("cvcCheckFail", failed("incorrect_cvc")),
    ("avsFail", Paid("normal")),
    ("avsLine1Fail", Paid("normal")),
    ("avsZipFail", Paid("normal")),
    ("avsUnchecked", Paid("normal")),
    ("createDispute", Paid("normal")),
    ("createDisputeProductNotReceived", Paid("normal")),
    ("createDisputeInquiry", Paid("normal")),
    ("threeDSecure2Required", Authenticate),
    ("threeDSecureRequired", Authenticate),
    ("threeDSecureRequiredChargeDeclined", Authenticate),
    ("threeDSecureRequiredProcessingError", failed("processing_error")),
    ("threeDSecureOptional", Paid("normal")),
    ("threeDSecureOptionalProcessingError", Paid("normal")),
    ("authenticationRequiredOnSetup", Authenticate),
    ("authenticationRequired", Authenticate),
    ("authenticationRequiredSetupForOffSession", Authenticate),
    ("authenticationRequiredChargeDeclinedInsufficientFunds", Authenticate),
];

/// Confirms a new 10.00 USD payment intent with `pay` (extra form fields) on-session.
async fn confirm(api: &Api, pay: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("amount", "1000"),
        ("currency", "usd"),
        ("confirm", "true"),
        ("payment_method_types[]", "card"),
        ("expand[]", "latest_charge"),
    ];
    form.extend_from_slice(pay);
    api.post("/v1/payment_intents", &form).await
}

/// Checks what confirming with `reference` answered against `expect`.
fn check(reference: &str, expect: Expect, status: u16, body: &Value) {
    match expect {
        Paid(risk) => {
            assert_eq!(
                (status, body["status"].as_str()),
                (200, Some("succeeded")),
                "{reference}: {body}"
            );
            let outcome = &body["latest_charge"]["outcome"];
            assert_eq!(outcome["type"], "authorized", "{reference}: {body}");
            assert_eq!(outcome["risk_level"], risk, "{reference}: {body}");
        }
        Declined(code, decline_code, _) => {
            assert_error(status, body, "code", (402, code));
            assert_eq!(body["error"]["decline_code"], decline_code, "{reference}");
            let intent = &body["error"]["payment_intent"];
            assert_eq!(intent["status"], "requires_payment_method", "{reference}");
            assert_eq!(
                intent["last_payment_error"]["decline_code"], decline_code,
                "{reference}"
            );
            assert!(
                body["error"]["charge"].is_string(),
                "{reference}: a failed charge"
            );
        }
        Authenticate => {
            assert_eq!(
                (status, body["status"].as_str()),
                (200, Some("requires_action")),
                "{reference}: {body}"
            );
            assert_eq!(body["next_action"]["type"], "use_stripe_sdk", "{reference}");
            assert_eq!(
                body["latest_charge"],
                Value::Null,
                "{reference}: nothing charged"
            );
        }
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn every_test_card_pays_as_documented_by_pm_card_and_tok_names(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for &(name, expect) in TABLE {
        let pm = format!("pm_card_{name}");
        let (status, body) = confirm(&api, &[("payment_method", &pm)]).await;
        check(&pm, expect, status, &body);
        if let Declined(_, _, outcome) = expect {
            let charge = body["error"]["charge"].as_str().unwrap();
            let (_, charge) = api.get(&format!("/v1/charges/{charge}"), &[]).await;
            assert_eq!(charge["outcome"]["type"], outcome, "{pm}: {charge}");
            assert_eq!(charge["status"], "failed", "{pm}");
        }
        let tok = format!("tok_{name}");
        let (status, body) = confirm(
            &api,
            &[
                ("payment_method_data[type]", "card"),
                ("payment_method_data[card][token]", &tok),
            ],
        )
        .await;
        check(&tok, expect, status, &body);
    }
    let nonsense = [("payment_method", "pm_card_nonsense")];
    expect_refusal(confirm(&api, &nonsense).await, MISSING);
}

/// A payment method made from test token `token` (`tok_…`).
async fn method_from(api: &Api, token: &str) -> Value {
    api.ok(
        "/v1/payment_methods",
        &[("type", "card"), ("card[token]", token)],
    )
    .await
}

#[asym::clone("stripe", seed = "basic")]
async fn test_cards_carry_their_country_and_checks(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let checks = [
        ("tok_avsZipFail", ["pass", "pass", "fail"]),
        ("tok_avsLine1Fail", ["pass", "fail", "pass"]),
        ("tok_avsFail", ["pass", "fail", "fail"]),
        ("tok_avsUnchecked", ["pass", "unavailable", "unavailable"]),
        ("tok_cvcCheckFail", ["fail", "", ""]),
    ];
    for (token, [cvc, line1, zip]) in checks {
        let method = method_from(&api, token).await;
        let got = &method["card"]["checks"];
        let shown = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        assert_eq!(
            [
                shown(&got["cvc_check"]),
                shown(&got["address_line1_check"]),
                shown(&got["address_postal_code_check"])
            ],
            [cvc, line1, zip],
            "{token}"
        );
    }
    let issued = [
        ("tok_gb", "GB", "visa", "credit"),
        ("tok_ae_mastercard", "AE", "mastercard", "credit"),
        ("tok_th_debit", "TH", "visa", "debit"),
        ("tok_mx", "MX", "visa", "credit"),
        ("tok_visa", "US", "visa", "credit"),
    ];
    for (token, country, brand, funding) in issued {
        let method = method_from(&api, token).await;
        let card = &method["card"];
        assert_eq!(
            (&card["country"], &card["brand"], &card["funding"]),
            (
                &Value::from(country),
                &Value::from(brand),
                &Value::from(funding)
            ),
            "{token}"
        );
    }
    let amex = method_from(&api, "tok_amex_threeDSecureNotSupported").await;
    assert_eq!(amex["card"]["three_d_secure_usage"]["supported"], false);
}

/// The test-page URL of `intent`'s (or a setup intent's) `redirect_to_url` next action.
fn redirect_url(intent: &Value) -> &str {
    intent["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .expect("a redirect_to_url next action")
}

/// A browser that does not follow redirects, for the 3-D Secure test page.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Presses `outcome` (`complete` or `fail`) on the test page at `url` (the `next_action`
/// URL, whose query carries the client secret): answers the status and `Location`.
async fn press(url: &str, outcome: &str) -> (u16, Option<String>) {
    let (action, query) = url.split_once('?').unwrap();
    let secret = query.strip_prefix("client_secret=").unwrap();
    let response = browser()
        .post(action)
        .form(&[("client_secret", secret), ("outcome", outcome)])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (response.status().as_u16(), location)
}

#[asym::clone("stripe", seed = "basic")]
async fn three_d_secure_is_completed_or_failed_on_the_test_page(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let back = "https://shop.example/back?order=7";
    let (_, intent) = confirm(
        &api,
        &[
            ("payment_method", "pm_card_threeDSecure2Required"),
            ("return_url", back),
        ],
    )
    .await;
    assert_eq!(intent["status"], "requires_action", "{intent}");
    let action = &intent["next_action"];
    assert_eq!(action["type"], "redirect_to_url");
    assert_eq!(action["redirect_to_url"]["return_url"], back);
    let url = redirect_url(&intent).to_owned();
    assert!(
        url.starts_with(stripe.api_url()),
        "{url} is served by the clone"
    );

    let page = browser().get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Complete authentication") && html.contains("Fail authentication"));
    let wrong = url.replace("_secret_", "_secret_x");
    assert_eq!(browser().get(&wrong).send().await.unwrap().status(), 404);

    let (status, location) = press(&url, "complete").await;
    let secret = intent["client_secret"].as_str().unwrap();
    assert_eq!(status, 303);
    assert_eq!(
        location.unwrap(),
        format!(
            "{back}&payment_intent={}&payment_intent_client_secret={secret}&redirect_status=succeeded",
            id(&intent)
        )
    );
    let paid = api
        .expanded("/v1/payment_intents", id(&intent), "latest_charge")
        .await;
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["next_action"], Value::Null);
    let secured = &paid["latest_charge"]["payment_method_details"]["card"]["three_d_secure"];
    assert_eq!(secured["result"], "authenticated", "{paid}");
    let (status, _) = press(&url, "complete").await;
    assert_eq!(status, 400, "an authentication is decided once");

    // Without a return_url: Stripe.js's use_stripe_sdk, and a failed authentication.
    let (_, intent) = confirm(
        &api,
        &[("payment_method", "pm_card_authenticationRequired")],
    )
    .await;
    let sdk = &intent["next_action"]["use_stripe_sdk"];
    assert_eq!(sdk["type"], "three_d_secure_redirect");
    let (status, location) = press(sdk["stripe_js"].as_str().unwrap(), "fail").await;
    assert_eq!((status, location), (200, None));
    assert_retryable(
        &api,
        id(&intent),
        ("code", "payment_intent_authentication_failure"),
    )
    .await;

    // Authenticated, then declined by the issuer.
    let (_, intent) = confirm(
        &api,
        &[
            (
                "payment_method",
                "pm_card_threeDSecureRequiredChargeDeclined",
            ),
            ("return_url", "https://shop.example/back"),
        ],
    )
    .await;
    let (_, location) = press(redirect_url(&intent), "complete").await;
    assert!(location.unwrap().ends_with("&redirect_status=failed"));
    assert_retryable(&api, id(&intent), ("decline_code", "generic_decline")).await;

    // Asked for by the intent: an optional card authenticates.
    let (_, intent) = confirm(
        &api,
        &[
            ("payment_method", "pm_card_threeDSecureOptional"),
            (
                "payment_method_options[card][request_three_d_secure]",
                "any",
            ),
        ],
    )
    .await;
    assert_eq!(intent["status"], "requires_action");

    assert_events(
        &stripe,
        &[
            "payment_intent.requires_action",
            "payment_intent.payment_failed",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn off_session_payments_need_a_card_set_up_for_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let customer = "cus_SEEDcarol00001";
    let setup = api
        .ok(
            "/v1/setup_intents",
            &[
                ("customer", customer),
                ("payment_method", "pm_card_authenticationRequiredOnSetup"),
                ("confirm", "true"),
                ("return_url", "https://shop.example/saved"),
            ],
        )
        .await;
    assert_eq!(setup["status"], "requires_action");
    let (_, location) = press(redirect_url(&setup), "complete").await;
    assert!(
        location
            .unwrap()
            .contains(&format!("setup_intent={}", id(&setup)))
    );
    let setup = api.current("/v1/setup_intents", id(&setup)).await;
    assert_eq!(setup["status"], "succeeded");
    let method = setup["payment_method"].as_str().unwrap();

    let off_session = [
        ("customer", customer),
        ("payment_method", method),
        ("off_session", "true"),
    ];
    let (status, paid) = confirm(&api, &off_session).await;
    assert_eq!(
        (status, paid["status"].as_str()),
        (200, Some("succeeded")),
        "{paid}"
    );
    let (status, on_session) = confirm(&api, &off_session[..2]).await;
    assert_eq!(
        (status, on_session["status"].as_str()),
        (200, Some("requires_action"))
    );

    let always = api
        .ok(
            "/v1/payment_methods/pm_card_authenticationRequired/attach",
            &[("customer", customer)],
        )
        .await;
    // Off-session, a card that asks for authentication is declined for it, and one that
    // would then be declined by its issuer is declined as that.
    let cases = [
        (
            vec![
                ("customer", customer),
                ("payment_method", id(&always)),
                ("off_session", "true"),
            ],
            "authentication_required",
        ),
        (
            vec![
                ("payment_method", "pm_card_threeDSecure2Required"),
                ("off_session", "recurring"),
            ],
            "authentication_required",
        ),
        (
            vec![
                ("payment_method", "pm_card_threeDSecure2Required"),
                ("error_on_requires_action", "true"),
            ],
            "authentication_required",
        ),
        (
            vec![
                (
                    "payment_method",
                    "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
                ),
                ("off_session", "true"),
            ],
            "insufficient_funds",
        ),
    ];
    for (form, decline_code) in cases {
        let refusal = ("decline_code", (402, decline_code));
        let err = expect_refusal(confirm(&api, &form).await, refusal);
        assert_eq!(
            err["error"]["payment_intent"]["status"],
            "requires_payment_method"
        );
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_waits_for_3d_secure_then_activates(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let customer = api
        .ok(
            "/v1/customers",
            &[("payment_method", "pm_card_threeDSecure2Required")],
        )
        .await;
    let (_, methods) = api
        .get("/v1/payment_methods", &[("customer", id(&customer))])
        .await;
    let method = methods["data"][0]["id"].as_str().unwrap().to_owned();
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", id(&customer)),
                ("items[0][price]", "price_SEEDproMonth1"),
                ("default_payment_method", &method),
                ("expand[]", "latest_invoice.payment_intent"),
            ],
        )
        .await;
    assert_eq!(sub["status"], "incomplete");
    let intent = &sub["latest_invoice"]["payment_intent"];
    assert_eq!(intent["status"], "requires_action", "{sub}");
    let url = intent["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .unwrap();
    press(url, "complete").await;
    let sub = api
        .expanded("/v1/subscriptions", id(&sub), "latest_invoice")
        .await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["latest_invoice"]["status"], "paid");
}
