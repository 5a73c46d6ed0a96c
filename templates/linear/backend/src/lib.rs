//! asym's Linear clone: Linear's GraphQL API over Postgres.
//!
//! `POST /graphql` executes queries and mutations against a schema built from Linear's own
//! SDL (`schema.graphql`: every type and field @linear/sdk's documents select, with Linear's
//! names, types and nullability), so `@linear/sdk` works by changing only its `apiUrl`.
//! Authentication is `Authorization: lin_api_…` (personal API key, no scheme) or
//! `Authorization: Bearer …` (OAuth token). All state is in the clone's Postgres database.
//!
//! | concern | module |
//! |---|---|
//! | HTTP: auth, body limits, statuses, `X-Complexity`/`X-RateLimit-*`, `GET /graphql/schema` | `http` |
//! | documents parsed and validated once per distinct request; complexity | `prepared` |
//! | `Int` variables and literals past 32 bits refused, as graphql-js refuses them | `ints` |
//! | Linear's root fields the clone lacks, named when a request selects one | `unserved` |
//! | root lists written straight from their rows' JSON, by the query's selection | `projection` |
//! | the dynamic schema from the SDL; fields read from their parent's JSON | `schema` |
//! | which fields have their own resolver | `resolvers` |
//! | resources: tables and their JSON documents (`migrations/0002_documents.sql`) | `entity` |
//! | what resolvers read from their context: arguments, parent, viewer | `args` |
//! | Relay connections and paging | `connection` |
//! | `IssueFilter` and the other filter inputs as SQL | `filter` |
//! | root reads and object connections, `attachmentsForURL` | `queries` |
//! | `searchIssues`/`issueSearch`, `searchProjects`, `searchDocuments`, `issueVcsBranchSearch` | `search` |
//! | issue mutations (create, update, batch, labels, archive, delete) | `issues` |
//! | comment (and thread resolution), label, project, cycle, attachment, reaction, webhook, workflow-state, issue-relation, team-membership, user-profile mutations | `resources`, `simple` |
//! | `attachmentLinkDiscord`, `attachmentLinkSalesforce`, `attachmentLinkZendesk` (URL attachments); `attachmentLinkIntercom`, `attachmentLinkFront` (refused) | `attachment_links` |
//! | `issueSubscribe`, `issueUnsubscribe` | `subscriptions` |
//! | `issueReminder` (an `issueReminder` notification of the viewer's, due at its time), `createProjectUpdateReminder`/`createInitiativeUpdateReminder` | `notifications` |
//! | `issueShare`, `issueUnshare`, `issueExternalSyncDisable` (refused: every user has access, no attachment syncs) | `issue_access` |
//! | `cycleShiftAll`, `cycleStartUpcomingCycleToday` (the current cycle completed, its unfinished issues rolled over) | `cycles` |
//! | `teamCreate` (default workflow states, the creator an owner), `teamUpdate`, `teamDelete` (archives), `teamUnarchive`, `teamCyclesDelete` | `teams` |
//! | `templateCreate`/`Update`/`Delete`; an issue template applied by `issueCreate` | `templates` |
//! | `documentCreate`/`Update`/`Delete`/`Unarchive` | `documents` |
//! | project and initiative status updates: `projectUpdateCreate`, `initiativeUpdateCreate`, … | `status_updates` |
//! | `initiativeCreate`/`Update`/`Archive`/`Unarchive`/`Delete`, `initiativeToProject…` | `initiatives` |
//! | `emojiCreate`/`emojiDelete` (custom emojis) | `emojis` |
//! | `emailIntakeAddressCreate`/`Update`/`Delete`/`Rotate`, `emailIntakeAddressRefreshSesDomainStatus` (refused) | `email_intake` |
//! | Customers: `customerCreate`/`Update`/`Delete`/`Upsert`/`Merge`, customer statuses and tiers, `customerNeedCreate`/`Update`/`Delete`/`Archive`/`Unarchive` | `customers` |
//! | the Agents API: `agentSessionCreateOnIssue`/`OnComment`, `agentSessionUpdate`, `agentSessionUpdateExternalUrl`, `agentActivityCreate`, their reads; a comment mentioning the app or replying in a session's thread | `agents` |
//! | `entityExternalLinkCreate`/`Update`/`Delete` (a project's or an initiative's links) | `external_links` |
//! | project and initiative labels: `projectLabelCreate`/`Update`/`Delete`/`Retire`/`Restore`, `projectAddLabel`/`projectRemoveLabel`, the same of initiatives | `labels` |
//! | the viewer's inbox: `notificationUpdate`, `notificationArchive`/`Unarchive`, `notificationMarkReadAll`/`MarkUnreadAll`/`SnoozeAll`/`UnsnoozeAll`/`ArchiveAll` | `notifications` |
//! | `projectRelationCreate`/`Update`/`Delete` (project dependencies) | `project_relations` |
//! | `projectStatusCreate`/`Update`/`Archive`/`Unarchive` | `project_statuses` |
//! | `triageResponsibilityCreate`/`Update`/`Delete` (a team's one triage responsibility) | `triage` |
//! | what only a workspace admin may do: `organizationUpdate`, `userSuspend`/`userUnsuspend`, `userChangeRole` | `organization` |
//! | Releases: `releasePipelineCreate`/`Update`/`Delete`/`Archive`/`Unarchive`, `releaseStageCreate`/`Update`/`Archive`/`Unarchive`, `releaseCreate`/`Update`/`Delete`/`Archive`/`Unarchive`, `releaseComplete`, `releaseUpdateByPipeline`, `releaseSync`, `issueToReleaseCreate`/`Delete`/`DeleteByIssueAndRelease` | `releases` |
//! | `releaseNoteCreate`/`Update`/`Delete`, a release's notes, `releaseSearch` | `release_notes` |
//! | `organizationInviteCreate`/`Update`/`Delete`, `resendOrganizationInvite`, `resendOrganizationInviteByEmail` | `invites` |
//! | `timeScheduleCreate`/`Update`/`Delete`, `timeScheduleUpsertExternal`, `timeScheduleRefreshIntegrationSchedule` (refused) | `time_schedules` |
//! | `roadmapCreate`/`Update`/`Delete`/`Archive`/`Unarchive`, `roadmapToProjectCreate`/`Update`/`Delete` (deprecated by Linear) | `roadmaps` |
//! | `fileUpload`; the upload (`PUT /uploads/{id}`) and the asset (`GET /files/{id}/{name}`) | `uploads` |
//! | `userSettings`, `userSettingsUpdate` (the viewer's notification, email and UI preferences) | `user_settings` |
//! | `notificationSubscriptions`, `notificationSubscription`, `notificationSubscriptionCreate`/`Update`/`Delete` (the viewer's, typed by what each is on) | `notification_subscriptions` |
//! | `customViewCreate`/`Update`/`Delete`, and the reads `customViews`, `customView`, its `issues` and `projects` | `views` |
//! | mutation plumbing: input, transaction, payload, `lastSyncId` | `write` |
//! | webhook deliveries on the kit's outbox | `hooks` |
//! | rate limits (off by default) and `POST /api/admin/rate-limit` | `ratelimit` |
//! | Linear's error shape; Postgres errors as Linear's | `error` |

mod agents;
mod args;
mod attachment_links;
mod case;
mod connection;
mod customers;
mod cycles;
mod documents;
mod email_intake;
mod emojis;
mod entity;
mod error;
mod external_links;
mod filter;
mod hooks;
mod http;
mod initiatives;
mod ints;
mod invites;
mod issue_access;
mod issues;
mod labels;
mod notification_subscriptions;
mod notifications;
mod organization;
mod prepared;
mod project_relations;
mod project_statuses;
mod projection;
mod queries;
mod ratelimit;
mod release_notes;
mod releases;
mod resolvers;
mod resources;
mod roadmaps;
mod schema;
mod sdl;
mod search;
mod simple;
mod status_updates;
mod subscriptions;
mod teams;
mod templates;
mod time_schedules;
mod triage;
mod unserved;
mod uploads;
mod user_settings;
mod views;
mod write;

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post, put};

/// The seeded admin (`apiKey`'s user) in every fixture.
const ADMIN_USER: &str = "b0000000-0000-4000-8000-000000000001";
/// The second seeded user (`oauthToken`'s user).
const SECOND_USER: &str = "b0000000-0000-4000-8000-000000000002";
/// The OAuth app's own user, installed in every fixture (`appToken`'s user, `actor=app`).
const APP_USER: &str = "b0000000-0000-4000-8000-0000000000a1";
/// The OAuth client of that app, as its `AgentSessionEvent` webhooks name it.
const OAUTH_CLIENT_ID: &str = "a1a00000-0000-4000-8000-0000000000a1";

/// What every resolver reads: the kit and the clone's public URL.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    kit: Kit,
    /// `ASYM_PUBLIC_URL` without a trailing slash: the base of every `url` field.
    base: String,
}

/// The authenticated user of one request.
#[derive(Clone, Debug)]
pub(crate) struct Viewer {
    /// Their user id.
    pub(crate) user_id: String,
}

/// The router's state.
#[derive(Clone)]
pub(crate) struct App {
    shared: Shared,
    schema: async_graphql::dynamic::Schema,
    documents: prepared::Documents,
    inputs: std::sync::Arc<ints::Inputs>,
}

impl Shared {
    fn new(kit: Kit) -> Self {
        let base = kit.config().public_url.trim_end_matches('/').to_owned();
        Self { kit, base }
    }

    #[cfg(test)]
    fn offline() -> Self {
        Self::new(asym_kit::testing::offline_kit("linear-test"))
    }
}

/// The Linear clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
///
/// # Panics
///
/// When the embedded SDL and the resolvers disagree — a build defect the unit tests catch.
pub fn app(kit: Kit) -> Router {
    let shared = Shared::new(kit);
    #[allow(
        clippy::expect_used,
        reason = "the schema is fixed at build time and unit-tested"
    )]
    let schema = schema::build(shared.clone()).expect("schema.graphql builds");
    #[allow(
        clippy::expect_used,
        reason = "the schema is fixed at build time and unit-tested"
    )]
    let types = projection::Types::new().expect("schema.graphql parses");
    let inputs = std::sync::Arc::new(ints::Inputs::new());
    let app = App {
        shared,
        schema,
        documents: prepared::Documents::new(types, inputs.clone()),
        inputs,
    };
    Router::new()
        .route(
            "/graphql",
            post(http::graphql).fallback(|| async { http::method_not_allowed("POST") }),
        )
        .route(
            "/graphql/schema",
            get(http::schema).fallback(|| async { http::method_not_allowed("GET") }),
        )
        .route("/uploads/{id}", put(uploads::put))
        .route("/files/{id}/{filename}", get(uploads::get))
        .route("/api/admin/provision", post(provision))
        .route("/api/admin/rate-limit", post(ratelimit::configure))
        .fallback(http::not_found)
        .with_state(app)
}

/// `POST /api/admin/provision`: `apiKey` (a personal API key of the admin), `oauthToken`
/// (an OAuth access token of the second user) and `appToken` (an OAuth access token of the
/// installed app, `actor=app`: its own user acts).
async fn provision(State(app): State<App>, body: Bytes) -> Response {
    credentials::provision(&app.shared.kit, &body, || {
        vec![
            Mint::new("apiKey", asym_kit::token::mint("lin_api_"))
                .subject(ADMIN_USER)
                .kind(http::API_KEY)
                .scopes(["read", "write", "admin"]),
            Mint::new("oauthToken", asym_kit::token::mint("lin_oauth_"))
                .subject(SECOND_USER)
                .kind(http::OAUTH)
                .scopes(["read", "write"]),
            Mint::new("appToken", asym_kit::token::mint("lin_oauth_"))
                .subject(APP_USER)
                .kind(http::OAUTH)
                .scopes(["read", "write", "app:assignable", "app:mentionable"]),
        ]
    })
    .await
}
