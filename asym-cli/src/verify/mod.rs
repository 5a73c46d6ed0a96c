//! `asym verify`'s parts: for OpenAPI products, the description ([`spec`]), the schema
//! checker ([`schema`]), the built-in scenarios ([`scenario`]) and their report ([`report`]);
//! for GraphQL products, the schema comparison ([`graphql`]). Both reports are a [`score`].
//!
//! [`fuzz`] drives the same scenarios with each request gone wrong first.
//!
//! Which products have a scenario or a schema, and where their descriptions come from, is
//! [`product`].

pub(crate) mod errata;
pub(crate) mod fuzz;
pub(crate) mod graphql;
pub(crate) mod report;
pub(crate) mod scenario;
pub(crate) mod schema;
pub(crate) mod score;
pub(crate) mod spec;

/// What `verify` can do for a template.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Support {
    /// A built-in scenario, and where to get the product's description.
    Scenario {
        /// The scenario file.
        scenario: &'static str,
        /// Where to get the description `--spec` takes.
        source: &'static str,
    },
    /// A GraphQL product: its clone's schema is compared with the product's published one.
    Schema {
        /// Where the clone serves its SDL, under its API address.
        sdl: &'static str,
        /// Where to get the schema `--spec` takes and the documents `--documents` takes.
        source: &'static str,
    },
    /// A description exists but there is no scenario for it yet.
    NoScenario(&'static str),
}

/// What `verify` can do for `template`.
pub(crate) fn product(template: &str) -> Support {
    match template {
        "skeleton" => Support::Scenario {
            scenario: include_str!("scenarios/skeleton.json"),
            source: "the skeleton is an API of your own: write its OpenAPI description \
                     (tests/fixtures/verify/skeleton.json is one for its notes)",
        },
        "stripe" => Support::Scenario {
            scenario: include_str!("scenarios/stripe.json"),
            source: "Stripe publishes it as openapi/spec3.json in the stripe/openapi \
                     repository on GitHub (its tags hold earlier API versions)",
        },
        "github" => Support::Scenario {
            scenario: include_str!("scenarios/github.json"),
            source: "GitHub publishes it on npm: `npm pack @octokit/openapi`, then \
                     generated/api.github.com.json from the archive (or the \
                     github/rest-api-description repository)",
        },
        "notion" => Support::Scenario {
            scenario: include_str!("scenarios/notion.json"),
            source: "Notion publishes its description only in pieces, one per reference \
                     page, but its Node SDK types every answer: `bash \
                     templates/notion/sdk/openapi.sh notion.json` writes one from \
                     @notionhq/client's types",
        },
        "slack" => Support::Scenario {
            scenario: include_str!("scenarios/slack.json"),
            source: "Slack publishes a Swagger 2 description of its Web API (last updated \
                     2021) as web-api/slack_web_openapi_v2.json in the slackapi/slack-api-specs \
                     repository on GitHub",
        },
        "hubspot" => Support::Scenario {
            scenario: include_str!("scenarios/hubspot.json"),
            source: "HubSpot publishes one description per API in the \
                     HubSpot/HubSpot-public-api-spec-collection repository on GitHub \
                     (PublicApiSpecs/CRM/…/v3/*.json); pass each with its own --spec: Contacts, \
                     Companies, Deals, Tickets, Properties, Pipelines, Crm Owners, Associations v4 \
                     and Associations Schema v4",
        },
        "linear" => Support::Schema {
            sdl: "/schema",
            source: "Linear publishes its schema as packages/sdk/src/schema.graphql in the \
                     linear/linear repository on GitHub (--spec), and the documents @linear/sdk \
                     sends beside it as packages/sdk/src/_generated_documents.graphql \
                     (--documents); take both from the release of the @linear/sdk version you \
                     use (the npm package ships only the bundled JavaScript)",
        },
        _ => Support::NoScenario("a verify scenario for this template"),
    }
}

/// The scenario `verify --fuzz` drives for `template`: its verify scenario, or for a product
/// that publishes no description (Notion), one kept for fuzzing alone.
pub(crate) fn fuzz_scenario(template: &str) -> Option<&'static str> {
    match product(template) {
        Support::Scenario { scenario, .. } => Some(scenario),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_scenario_parses() {
        for template in ["skeleton", "stripe", "github", "hubspot", "slack", "notion"] {
            let Some(scenario) = fuzz_scenario(template) else {
                panic!("{template} has a scenario");
            };
            if let Err(why) = scenario::Scenario::parse(scenario) {
                panic!("{template}: {why}");
            }
        }
    }
}
