//! Handles a test receives: a generic [`AnyClone`] and typed ones per template.

use std::ops::Deref;
use std::sync::Arc;

use asym_engine::{
    CloneInstance, CloneProvider as _, Error, Fault, MAX_WEBHOOK_WAIT, PoolProvider as _,
    RequestFilter, SeenRequest, Webhook, WebhookFilter,
};
use serde_json::Value;
use tokio_postgres::Row;

use crate::pool;

/// A leased clone of any template.
#[derive(Debug, Clone)]
pub struct AnyClone {
    instance: Arc<CloneInstance>,
    admin_secret: Arc<str>,
}

impl AnyClone {
    pub(crate) fn new(instance: CloneInstance, admin_secret: String) -> Self {
        Self {
            instance: Arc::new(instance),
            admin_secret: admin_secret.into(),
        }
    }

    /// The secret for the clone's admin surface: send it as `X-Asym-Admin-Secret` to
    /// `/api/admin/*` (event subscriptions, rate limits, extra tokens; see the template's README),
    /// or call [`AnyClone::admin_get`] / [`AnyClone::admin_post`], which send it for you.
    pub fn admin_secret(&self) -> &str {
        &self.admin_secret
    }

    /// The clone's id (`slack-1a2b3c`): use it with `asym logs`, `asym status`, ….
    pub fn id(&self) -> &str {
        &self.instance.record.id
    }

    /// The template (`slack`, …).
    pub fn template(&self) -> &str {
        &self.instance.record.template
    }

    /// The base address the product's official SDK takes (Slack: `http://127.0.0.1:<port>/api`).
    pub fn api_url(&self) -> &str {
        &self.instance.endpoints.api
    }

    /// `http://127.0.0.1:<port>` of one of the clone's services.
    pub fn endpoint(&self, service: &str) -> Option<String> {
        self.instance
            .record
            .ports
            .get(service)
            .map(|port| format!("http://127.0.0.1:{port}"))
    }

    /// A credential minted at spin, by name (`bot`, `user`, `secretKey`, …).
    pub fn token(&self, name: &str) -> Option<&str> {
        self.instance.record.tokens.get(name).map(String::as_str)
    }

    /// `postgres://` URL of the clone's own database.
    pub fn database_url(&self) -> &str {
        &self.instance.database_url
    }

    /// Runs `sql` on the clone's database and returns the rows, for assertions on its state.
    ///
    /// # Errors
    /// The database's error when the SQL fails.
    pub async fn query(&self, sql: &str) -> Result<Vec<Row>, Error> {
        let database = self.instance.record.database.clone();
        let sql = sql.to_owned();
        pool::on_engine(async move |provider| provider.query(&database, &sql).await).await
    }

    /// Runs `sql` on the clone's database and returns its first column, which must be text
    /// (cast with `::text`), one string a row: `clone.column("select text from messages")`.
    ///
    /// # Errors
    /// The database's error when the SQL fails; `Internal` when the column is not text.
    pub async fn column(&self, sql: &str) -> Result<Vec<String>, Error> {
        self.query(sql)
            .await?
            .iter()
            .map(|row| row.try_get::<_, String>(0))
            .collect::<Result<_, _>>()
            .map_err(|e| Error::Internal {
                context: format!("the first column of `{sql}` as text (cast it with ::text)"),
                source: e.into(),
            })
    }

    /// Puts the clone back to its seeded baseline mid-test.
    ///
    /// # Errors
    /// When the database or Redis cannot be reached.
    pub async fn reset(&self) -> Result<(), Error> {
        let record = self.instance.record.clone();
        let secret = self.admin_secret.clone();
        pool::on_engine(async move |provider| provider.reset_record(&record, &secret).await).await
    }

    /// `GET /api/admin/<path>` on the clone, with its admin secret: what the template keeps
    /// there (an event subscription, its deliveries, rate limits; the template's README lists
    /// it), as the JSON it answered.
    ///
    /// # Errors
    /// `ADMIN_REFUSED` when the clone answers a status other than 2xx (its body in the
    /// message); `INTERNAL` when it cannot be reached or answers something other than JSON.
    pub async fn admin_get(&self, path: &str) -> Result<Value, Error> {
        self.admin("GET", path, None).await
    }

    /// `POST /api/admin/<path>` on the clone with `body` as JSON (`Value::Null`: no body) and
    /// its admin secret: set up
    /// what the product configures outside its API (Slack's event subscription, rate limits,
    /// one more token; the template's README lists its routes). Answers the JSON it returned.
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn admin_post(&self, path: &str, body: Value) -> Result<Value, Error> {
        self.admin("POST", path, Some(body)).await
    }

    /// `DELETE /api/admin/<path>` on the clone, with its admin secret.
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn admin_delete(&self, path: &str) -> Result<Value, Error> {
        self.admin("DELETE", path, None).await
    }

    /// Asks the clone for `fault` (the product's own failure by name, or one of the test's
    /// making): the requests it matches get its answer in place of the clone's, or the
    /// clone's late. Answers the fault as the clone keeps it (`id`, `remaining`, `hits`).
    /// A reset forgets every fault, so none outlives its test; [`AnyClone::clear_faults`]
    /// ends them sooner.
    ///
    /// ```no_run
    /// # async fn f(stripe: asym::Stripe) -> Result<(), asym::Error> {
    /// use asym::Fault;
    /// // Stripe's own 500 (its body and `Stripe-Should-Retry`), twice, on customer creates.
    /// stripe.fail(Fault::preset("server_error").on("POST", "/v1/customers").times(2)).await?;
    /// // A 503 with a body of the test's choosing on every path under /v1/, until a reset.
    /// stripe.fail(Fault::status(503).path("/v1/*").always()).await?;
    /// // The clone's own answer, three seconds late.
    /// stripe.fail(Fault::slow(std::time::Duration::from_secs(3)).path("/v1/charges")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `FAULT_PRESET_NOT_FOUND` for a preset the template lacks (naming those it has);
    /// `ADMIN_REFUSED` for a fault the clone cannot serve (its answer says why: a path
    /// without `/`, a status outside 200-599, a delay over five minutes, …).
    pub async fn fail(&self, fault: Fault) -> Result<Value, Error> {
        let (instance, secret) = (Arc::clone(&self.instance), self.admin_secret.clone());
        pool::on_engine(async move |provider| {
            asym_engine::add_fault(provider.catalog(), &instance, &secret, &fault).await
        })
        .await
    }

    /// Forgets every fault asked of the clone; answers how many there were.
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn clear_faults(&self) -> Result<u64, Error> {
        let (instance, secret) = (Arc::clone(&self.instance), self.admin_secret.clone());
        let cleared =
            pool::on_engine(async move |_| asym_engine::clear_faults(&instance, &secret).await)
                .await?;
        Ok(cleared["cleared"].as_u64().unwrap_or_default())
    }

    /// The requests the clone answered since the test began (its reset), oldest first, each
    /// with its answer: what the test's code sent, to assert on as a mock's verify would.
    /// The clone keeps the last 1,000; bodies up to 8 KiB each.
    ///
    /// ```no_run
    /// # async fn f(slack: asym::Slack) -> Result<(), asym::Error> {
    /// // … the code under test posts to Slack …
    /// let posts = slack.requests_to("POST", "/api/chat.postMessage").await?;
    /// assert_eq!(posts.len(), 1);
    /// assert_eq!(posts[0].param("channel").as_deref(), Some("C0000000001"));
    /// assert_eq!(posts[0].response_json().unwrap()["ok"], true);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn requests(&self) -> Result<Vec<SeenRequest>, Error> {
        self.journal(RequestFilter::default()).await
    }

    /// As [`AnyClone::requests`], only those of `method` on `path` (ending in `*`: a prefix;
    /// the query is not compared).
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn requests_to(&self, method: &str, path: &str) -> Result<Vec<SeenRequest>, Error> {
        self.journal(RequestFilter {
            method: Some(method.to_owned()),
            path: Some(path.to_owned()),
            ..RequestFilter::default()
        })
        .await
    }

    /// Forgets the requests the clone answered so far (after a test's own set-up, say);
    /// answers how many there were.
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn clear_requests(&self) -> Result<u64, Error> {
        let (instance, secret) = (Arc::clone(&self.instance), self.admin_secret.clone());
        pool::on_engine(async move |_| asym_engine::clear_requests(&instance, &secret).await).await
    }

    /// The webhooks the clone made since its reset, oldest first: each delivery's event,
    /// URL, exact body, and how the receiver answered (`delivered`, `last_status`,
    /// `last_error`, `outcome()`). The clone's worker sends them just after the write that
    /// made them, so one may still be pending: [`AnyClone::webhook_sent`] waits for it.
    ///
    /// # Errors
    /// As [`AnyClone::admin_get`].
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, Error> {
        self.outbox(WebhookFilter::default()).await
    }

    /// Waits (up to 25 s) until the clone has tried to deliver a webhook of `event` (its
    /// receiver answered, or the attempt failed), and answers the first one tried: what a test
    /// of a webhook handler awaits before it looks at what the handler did.
    ///
    /// ```no_run
    /// # async fn f(stripe: asym::Stripe) -> Result<(), asym::Error> {
    /// // … a webhook endpoint registered for the test's receiver, a customer created …
    /// let sent = stripe.webhook_sent("customer.created").await?;
    /// assert!(sent.delivered, "{}", sent.outcome());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `WEBHOOK_NOT_SENT` naming what the clone did send when none was tried in time; else
    /// as [`AnyClone::admin_get`].
    pub async fn webhook_sent(&self, event: &str) -> Result<Webhook, Error> {
        let filter = WebhookFilter {
            event: Some(event.to_owned()),
            wait: Some(MAX_WEBHOOK_WAIT),
            ..WebhookFilter::default()
        };
        if let Some(first) = self.outbox(filter).await?.into_iter().find(Webhook::tried) {
            return Ok(first);
        }
        let made: Vec<String> = self
            .webhooks()
            .await?
            .iter()
            .map(|w| format!("{} ({})", w.event, w.outcome()))
            .collect();
        Err(Error::WebhookNotSent {
            id: self.id().to_owned(),
            event: event.to_owned(),
            seconds: MAX_WEBHOOK_WAIT.as_secs(),
            made: if made.is_empty() {
                "it made none (is a webhook endpoint registered?)".to_owned()
            } else {
                format!("it made: {}", made.join(", "))
            },
        })
    }

    async fn outbox(&self, filter: WebhookFilter) -> Result<Vec<Webhook>, Error> {
        let (instance, secret) = (Arc::clone(&self.instance), self.admin_secret.clone());
        pool::on_engine(async move |_| asym_engine::webhooks(&instance, &secret, &filter).await)
            .await
    }

    async fn journal(&self, filter: RequestFilter) -> Result<Vec<SeenRequest>, Error> {
        let (instance, secret) = (Arc::clone(&self.instance), self.admin_secret.clone());
        let journal = pool::on_engine(async move |_| {
            asym_engine::requests(&instance, &secret, &filter).await
        })
        .await?;
        Ok(journal.requests)
    }

    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Error> {
        asym_engine::admin_call(
            &self.instance,
            &self.admin_secret,
            method,
            path,
            body.as_ref(),
        )
        .await
    }

    fn required(&self, name: &str) -> &str {
        self.token(name).unwrap_or_else(|| {
            panic!(
                "clone {} ({}) has no `{name}` credential; its template provisions: {:?}",
                self.id(),
                self.template(),
                self.instance.record.tokens.keys().collect::<Vec<_>>()
            )
        })
    }
}

/// Turns a leased clone into the argument type a test asked for.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive a clone",
    label = "use `asym::AnyClone` or a typed handle such as `asym::Slack`",
    note = "#[asym::clone] arguments must be `asym::AnyClone`, `asym::Slack`, `asym::Stripe`, `asym::GitHub`, `asym::Notion`, `asym::HubSpot` or `asym::Linear`"
)]
pub trait FromClone: Sized {
    /// The conversion.
    fn from_clone(clone: AnyClone) -> Self;
}

impl FromClone for AnyClone {
    fn from_clone(clone: AnyClone) -> Self {
        clone
    }
}

macro_rules! typed_handle {
    ($(#[$doc:meta])* $name:ident($template:literal) { $($(#[$mdoc:meta])* $method:ident => $token:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(AnyClone);

        impl $name {
            $($(#[$mdoc])* pub fn $method(&self) -> &str { self.0.required($token) })*

            /// The template this handle is for and the manifest tokens its methods read.
            #[cfg(test)]
            const TOKENS: (&'static str, &'static [&'static str]) = ($template, &[$($token),*]);
        }

        impl Deref for $name {
            type Target = AnyClone;
            fn deref(&self) -> &AnyClone {
                &self.0
            }
        }

        impl FromClone for $name {
            fn from_clone(clone: AnyClone) -> Self {
                Self(clone)
            }
        }
    };
}

typed_handle!(
    /// A Slack clone: `api_url()` is what `slack_api_url` / `base_url` takes.
    Slack("slack") {
        /// Bot token (`xoxb-…`).
        bot_token => "bot",
        /// User token (`xoxp-…`) of the workspace admin.
        user_token => "user",
        /// Signing secret for Events API signatures.
        signing_secret => "signingSecret",
        /// App-level token (`xapp-1-…`, `connections:write`) that opens Socket Mode
        /// connections through `apps.connections.open`.
        app_token => "appToken",
    }
);
typed_handle!(
    /// A Stripe clone.
    Stripe("stripe") {
        /// Secret key (`sk_test_…`).
        secret_key => "secretKey",
        /// Publishable key (`pk_test_…`).
        publishable_key => "publishableKey",
    }
);
typed_handle!(
    /// A GitHub clone.
    GitHub("github") {
        /// Personal access token (`ghp_…`) of the seeded owner, an admin of the org.
        token => "token",
        /// Personal access token (`ghp_…`) of a second seeded user, an org member and
        /// collaborator of the fixture repository.
        reviewer_token => "reviewer",
        /// Installation token (`ghs_…`) of the seeded GitHub App on the org.
        app_token => "app",
        /// The seeded GitHub App's id (digits), the `iss` of its JWT.
        app_id => "appId",
        /// The seeded GitHub App's client id (`Iv23…`), which a JWT's `iss` may name instead.
        app_client_id => "appClientId",
        /// The seeded GitHub App's private key, PKCS#1 PEM as GitHub's download is: random per
        /// clone; it signs the RS256 JWT that `POST /app/installations/{id}/access_tokens`
        /// exchanges for an installation token (octocrab's `app_auth`, Octokit's
        /// `createAppAuth`).
        app_private_key => "appPrivateKey",
        /// The id of the seeded app's installation on the org.
        app_installation_id => "appInstallationId",
    }
);
typed_handle!(
    /// A Notion clone.
    Notion("notion") {
        /// Integration token (`ntn_…`).
        token => "token",
    }
);
typed_handle!(
    /// A HubSpot clone.
    HubSpot("hubspot") {
        /// Private app token (`pat-na1-…`).
        token => "token",
        /// Developer API key of the seeded app (`hapikey`), for HubSpot's webhooks API.
        developer_api_key => "developerApiKey",
        /// The seeded app's client secret, which signs its webhooks (`X-HubSpot-Signature-v3`).
        client_secret => "clientSecret",
        /// The seeded app's client id, which `POST /oauth/v1/token` takes with the secret.
        client_id => "clientId",
        /// A refresh token of the seeded app's install, which `POST /oauth/v1/token`
        /// (`grant_type=refresh_token`) turns into a new access token.
        refresh_token => "refreshToken",
    }
);
typed_handle!(
    /// A Linear clone.
    Linear("linear") {
        /// Personal API key (`lin_api_…`) of the seeded admin, sent without a scheme.
        api_key => "apiKey",
        /// OAuth access token of a second user, sent as `Bearer`.
        oauth_token => "oauthToken",
        /// OAuth access token (`actor=app`) of the seeded agent app ("Acme Agent"), sent as
        /// `Bearer`: what creates agent activities and receives `AgentSessionEvent` webhooks.
        app_token => "appToken",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every typed handle's token is one its template's manifest lists: a renamed or dropped
    /// token would otherwise surface only as a panic in a user's test.
    #[test]
    fn typed_handles_read_tokens_their_manifests_list() {
        for (template, tokens) in [
            Slack::TOKENS,
            Stripe::TOKENS,
            GitHub::TOKENS,
            Notion::TOKENS,
            HubSpot::TOKENS,
            Linear::TOKENS,
        ] {
            let path = format!(
                "{}/../templates/{template}/clone.manifest.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let manifest: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let listed: Vec<&str> = manifest["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect();
            for token in tokens {
                assert!(
                    listed.contains(token),
                    "{template}: {token} not in {listed:?}"
                );
            }
        }
    }
}
