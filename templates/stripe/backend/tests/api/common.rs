//! What the tests share: a minimal Stripe client, the seeded objects they use, set-ups that
//! several tests make, and assertions on Stripe's answers.

use asym_kit::testing::assert_prefix;
use serde_json::Value;

/// Seeded customers and the seeded monthly price of Asym Pro ($20).
pub(crate) const ALICE: &str = "cus_SEEDalice00001";
pub(crate) const BOB: &str = "cus_SEEDbob0000001";
pub(crate) const PRO_MONTHLY: &str = "price_SEEDproMonth1";

/// A minimal Stripe client: form bodies, bearer auth, JSON answers.
pub(crate) struct Api {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl Api {
    /// A client with `stripe`'s secret key; one per test.
    pub(crate) fn new(stripe: &asym::Stripe) -> Self {
        Self {
            base: stripe.api_url().to_owned(),
            key: stripe.secret_key().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Sends `method path` with `form` (in the query of a GET or DELETE) and `headers`; the
    /// status, the JSON answer and its headers.
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let body = encode(form);
        let mut url = format!("{}{path}", self.base);
        let mut request = if method == reqwest::Method::GET || method == reqwest::Method::DELETE {
            if !body.is_empty() {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(&body);
            }
            self.http.request(method, url)
        } else {
            self.http
                .request(method, url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
        };
        request = request.bearer_auth(&self.key);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the clone answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let json = response.json().await.expect("every answer is JSON");
        (status, json, headers)
    }

    /// `POST path` with `form`: the status and the answer.
    pub(crate) async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let (s, v, _) = self.send(reqwest::Method::POST, path, form, &[]).await;
        (s, v)
    }

    /// `POST path` with `form`, asserting 200; the answer.
    pub(crate) async fn ok(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let (status, body) = self.post(path, form).await;
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }

    /// `POST path` with `form`, which must succeed creating an object whose id starts with
    /// `prefix` (Stripe's id format for it): the object.
    pub(crate) async fn created(&self, path: &str, form: &[(&str, &str)], prefix: &str) -> Value {
        let object = self.ok(path, form).await;
        assert_prefix(&object["id"], prefix);
        object
    }

    /// `POST path` with `form`, asserting the Stripe error `refusal` (see [`expect_refusal`]);
    /// the answer, for what else a test checks of it.
    pub(crate) async fn refused(
        &self,
        path: &str,
        form: &[(&str, &str)],
        refusal: Refusal<'_>,
    ) -> Value {
        expect_refusal(self.post(path, form).await, refusal)
    }

    /// `GET path` with `query`: the status and the answer.
    pub(crate) async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let (s, v, _) = self.send(reqwest::Method::GET, path, query, &[]).await;
        (s, v)
    }

    /// `DELETE path`: the status and the answer.
    pub(crate) async fn delete(&self, path: &str) -> (u16, Value) {
        let (s, v, _) = self.send(reqwest::Method::DELETE, path, &[], &[]).await;
        (s, v)
    }

    /// Object `id` of `collection` (`/v1/subscriptions`, …) as it is now.
    pub(crate) async fn current(&self, collection: &str, id: &str) -> Value {
        self.retrieve(collection, id, &[]).await
    }

    /// Object `id` of `collection` as it is now, with its field `field` expanded.
    pub(crate) async fn expanded(&self, collection: &str, id: &str, field: &str) -> Value {
        self.retrieve(collection, id, &[("expand[]", field)]).await
    }

    /// `GET collection/id` with `query`, asserting 200; the object.
    async fn retrieve(&self, collection: &str, id: &str, query: &[(&str, &str)]) -> Value {
        let (status, now) = self.get(&format!("{collection}/{id}"), query).await;
        assert_eq!(status, 200, "GET {collection}/{id}: {now}");
        now
    }

    /// The latest invoice of subscription `sub` as it is now.
    pub(crate) async fn latest_invoice(&self, sub: &Value) -> Value {
        let invoice = sub["latest_invoice"].as_str().expect("an invoice");
        self.current("/v1/invoices", invoice).await
    }

    /// The `amount` of `invoice`'s payment intent as it is now: what paying the invoice charges.
    pub(crate) async fn charged_for(&self, invoice: &Value) -> Value {
        let intent = invoice["payment_intent"]
            .as_str()
            .expect("a payment intent");
        self.current("/v1/payment_intents", intent).await["amount"].clone()
    }

    /// A draft invoice for `customer` billing one new invoice item of `amount` cents (usd).
    pub(crate) async fn invoice_for_item(&self, customer: &str, amount: &str) -> Value {
        let item = [
            ("customer", customer),
            ("amount", amount),
            ("currency", "usd"),
        ];
        self.ok("/v1/invoiceitems", &item).await;
        let include = [
            ("customer", customer),
            ("pending_invoice_items_behavior", "include"),
        ];
        self.ok("/v1/invoices", &include).await
    }

    /// [`Api::invoice_for_item`], finalized: an open invoice.
    pub(crate) async fn open_invoice_for_item(&self, customer: &str, amount: &str) -> Value {
        let draft = self.invoice_for_item(customer, amount).await;
        self.ok(&format!("/v1/invoices/{}/finalize", id(&draft)), &[])
            .await
    }

    /// A payment intent of `amount` cents (usd) confirmed with Visa, with `extra` parameters.
    pub(crate) async fn visa_intent(&self, amount: &str, extra: &[(&str, &str)]) -> Value {
        self.card_intent(amount, "pm_card_visa", extra).await
    }

    /// A payment intent of `amount` cents (usd) confirmed with test card `card`, with `extra`
    /// parameters.
    pub(crate) async fn card_intent(
        &self,
        amount: &str,
        card: &str,
        extra: &[(&str, &str)],
    ) -> Value {
        let mut form = vec![
            ("amount", amount),
            ("currency", "usd"),
            ("payment_method", card),
            ("confirm", "true"),
        ];
        form.extend_from_slice(extra);
        self.ok("/v1/payment_intents", &form).await
    }

    /// Creates a monthly usd price of Asym Pro (the seeded product) at `unit_amount` cents,
    /// with `extra` parameters.
    pub(crate) async fn monthly_price(&self, unit_amount: &str, extra: &[(&str, &str)]) -> Value {
        let mut form = vec![
            ("product", "prod_SEEDpro000001"),
            ("unit_amount", unit_amount),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
        ];
        form.extend_from_slice(extra);
        self.ok("/v1/prices", &form).await
    }

    /// Creates a test clock frozen at `frozen_time` (Unix seconds).
    pub(crate) async fn test_clock(&self, frozen_time: i64) -> Value {
        let form = [("frozen_time", frozen_time.to_string())];
        let form = form.each_ref().map(|(k, v)| (*k, v.as_str()));
        self.ok("/v1/test_helpers/test_clocks", &form).await
    }

    /// Advances test clock `clock` to `frozen_time` (Unix seconds).
    pub(crate) async fn advance(&self, clock: &str, frozen_time: &str) -> Value {
        self.ok(
            &format!("/v1/test_helpers/test_clocks/{clock}/advance"),
            &[("frozen_time", frozen_time)],
        )
        .await
    }

    /// Creates a tax rate of `percentage`, inclusive or not.
    pub(crate) async fn tax_rate(&self, name: &str, percentage: &str, inclusive: bool) -> Value {
        let inclusive = inclusive.to_string();
        let form = [
            ("display_name", name),
            ("percentage", percentage),
            ("inclusive", &inclusive),
        ];
        self.ok("/v1/tax_rates", &form).await
    }

    /// Creates a customer on test clock `clock` with `extra` parameters, paying with Visa by
    /// default (Stripe's documented one-call set-up: the test method attached and made the
    /// default).
    pub(crate) async fn visa_customer_on(&self, clock: &str, extra: &[(&str, &str)]) -> Value {
        let mut form = vec![
            ("test_clock", clock),
            ("payment_method", "pm_card_visa"),
            ("invoice_settings[default_payment_method]", "pm_card_visa"),
        ];
        form.extend_from_slice(extra);
        self.ok("/v1/customers", &form).await
    }
}

/// The form subscribing Alice (Visa by default) to Asym Pro monthly ($20) with `extra`
/// parameters, the first invoice expanded.
pub(crate) fn alice_subscription<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("customer", ALICE),
        ("items[0][price]", PRO_MONTHLY),
        ("expand[]", "latest_invoice"),
    ];
    form.extend_from_slice(extra);
    form
}

/// `POST /api/admin/{path}` on `stripe` with JSON `body` and the admin secret: the status and
/// the answer.
pub(crate) async fn admin_post(stripe: &asym::Stripe, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/admin/{path}", stripe.api_url()))
        .header("X-Asym-Admin-Secret", stripe.admin_secret())
        .json(body)
        .send()
        .await
        .expect("the clone answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

/// A refusal a test expects: `error[field]` and the status (see [`assert_error`]).
pub(crate) type Refusal<'a> = (&'a str, (u16, &'a str));

/// Stripe's 404 for an id it does not know.
pub(crate) const MISSING: Refusal<'static> = ("code", (404, "resource_missing"));

/// Stripe's 400 for a parameter the route does not take.
pub(crate) const UNKNOWN: Refusal<'static> = ("code", (400, "parameter_unknown"));

/// Stripe's 400 naming parameter `param`.
pub(crate) const fn invalid(param: &str) -> Refusal<'_> {
    ("param", (400, param))
}

/// The fields `keys` of `object` as one JSON object (`null` for a missing one), to check
/// several fields in one `assert_eq!` against a `json!({…})`.
pub(crate) fn pick<const N: usize>(object: &Value, keys: [&str; N]) -> Value {
    let fields = keys.map(|key| (key.to_owned(), object[key].clone()));
    Value::Object(fields.into_iter().collect())
}

/// Asserts the fields of `object` that `expected` (a JSON object) names have its values
/// (`null` for a missing one): several fields checked in one assertion, each named once.
#[track_caller]
pub(crate) fn assert_fields(object: &Value, expected: Value) {
    let expected = expected
        .as_object()
        .expect("the fields expected, as a JSON object");
    let got: serde_json::Map<String, Value> = expected
        .keys()
        .map(|key| (key.clone(), object[key].clone()))
        .collect();
    assert_eq!(&got, expected, "{object}");
}

/// The integer fields `keys` of `object` (`None` where one is missing or not an integer).
pub(crate) fn amounts<const N: usize>(object: &Value, keys: [&str; N]) -> [Option<i64>; N] {
    keys.map(|key| object[key].as_i64())
}

/// `form` URL-encoded as Stripe's SDKs encode it (brackets left as they are).
fn encode(form: &[(&str, &str)]) -> String {
    let esc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z'
                | b'a'..=b'z'
                | b'0'..=b'9'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
                | b'['
                | b']' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter()
        .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Asserts `answer` (a status and a body, as [`Api::get`] and [`Api::delete`] give them) is
/// the Stripe error `refusal`; the body, for what else a test checks of it.
#[track_caller]
pub(crate) fn expect_refusal(
    (status, body): (u16, Value),
    (field, expected): Refusal<'_>,
) -> Value {
    assert_error(status, &body, field, expected);
    body
}

/// Asserts an answer is a Stripe error: `status`, and `error[field]` as expected.
#[track_caller]
pub(crate) fn assert_error(status: u16, body: &Value, field: &str, expected: (u16, &str)) {
    let got = (status, body["error"][field].as_str());
    assert_eq!(got, (expected.0, Some(expected.1)), "{body}");
}

/// Asserts the clone recorded an event of each type in `expected`.
pub(crate) async fn assert_events(stripe: &asym::Stripe, expected: &[&str]) {
    let types: Vec<String> = stripe
        .query("select data->>'type' from objects where object = 'event' order by seq")
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for expected in expected {
        assert!(
            types.iter().any(|t| t == expected),
            "{expected} in {types:?}"
        );
    }
}

/// Asserts payment intent `intent` is back at `requires_payment_method` (it may be confirmed
/// again), with `last_payment_error[field]` as expected.
pub(crate) async fn assert_retryable(api: &Api, intent: &str, (field, expected): (&str, &str)) {
    let stored = api.current("/v1/payment_intents", intent).await;
    assert_eq!(stored["status"], "requires_payment_method", "{stored}");
    assert_eq!(stored["last_payment_error"][field], expected, "{stored}");
}

/// The `id` of an object.
pub(crate) fn id(value: &Value) -> &str {
    value["id"].as_str().expect("an id")
}

/// The objects of a list answer.
pub(crate) fn data(list: &Value) -> &[Value] {
    list["data"].as_array().expect("a list")
}
