//! A ruleset body checked against GitHub's schema for it (@octokit/openapi's
//! `repository-ruleset-*` and `repository-rule-*`): `Invalid request.\n\nInvalid property
//! /enforcement: `x` is not a possible value. Must be one of the following: …` for an enum,
//! `Invalid property /rules/N: data matches no possible input.` for a rule that matches none of
//! the rule schemas (an unknown `type`, a parameter missing, of the wrong type or out of range),
//! as GitHub answers them.

use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::req::Body;

/// What a parameter (or a field of an object in a parameter's array) must be.
enum Kind {
    Bool,
    /// An integer within these bounds.
    Int(i64, i64),
    Str,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An array of strings.
    Strings,
    /// An array of objects with these fields.
    Objects(&'static [Field]),
    Object,
}

/// A field: its name, what it must be, whether it is required.
type Field = (&'static str, Kind, bool);

/// The parameters of the pattern rules.
const PATTERN: &[Field] = &[
    ("name", Kind::Str, false),
    ("negate", Kind::Bool, false),
    (
        "operator",
        Kind::Enum(&["starts_with", "ends_with", "contains", "regex"]),
        true,
    ),
    ("pattern", Kind::Str, true),
];

/// Every rule type with its parameters, as the description defines them.
const RULES: &[(&str, &[Field])] = &[
    ("creation", &[]),
    (
        "update",
        &[("update_allows_fetch_and_merge", Kind::Bool, true)],
    ),
    ("deletion", &[]),
    ("required_linear_history", &[]),
    (
        "merge_queue",
        &[
            ("check_response_timeout_minutes", Kind::Int(1, 360), true),
            (
                "grouping_strategy",
                Kind::Enum(&["ALLGREEN", "HEADGREEN"]),
                true,
            ),
            ("max_entries_to_build", Kind::Int(0, 100), true),
            ("max_entries_to_merge", Kind::Int(0, 100), true),
            (
                "merge_method",
                Kind::Enum(&["MERGE", "SQUASH", "REBASE"]),
                true,
            ),
            ("min_entries_to_merge", Kind::Int(0, 100), true),
            ("min_entries_to_merge_wait_minutes", Kind::Int(0, 360), true),
        ],
    ),
    (
        "required_deployments",
        &[("required_deployment_environments", Kind::Strings, true)],
    ),
    ("required_signatures", &[]),
    (
        "pull_request",
        &[
            ("allowed_merge_methods", Kind::Strings, false),
            ("dismiss_stale_reviews_on_push", Kind::Bool, true),
            ("dismissal_restriction", Kind::Object, false),
            ("require_code_owner_review", Kind::Bool, true),
            ("require_last_push_approval", Kind::Bool, true),
            ("required_approving_review_count", Kind::Int(0, 10), true),
            ("required_review_thread_resolution", Kind::Bool, true),
            (
                "required_reviewers",
                Kind::Objects(&[
                    ("file_patterns", Kind::Strings, true),
                    ("minimum_approvals", Kind::Int(0, i64::MAX), true),
                    ("reviewer", Kind::Object, true),
                ]),
                false,
            ),
        ],
    ),
    (
        "required_status_checks",
        &[
            ("do_not_enforce_on_create", Kind::Bool, false),
            (
                "required_status_checks",
                Kind::Objects(&[
                    ("context", Kind::Str, true),
                    ("integration_id", Kind::Int(i64::MIN, i64::MAX), false),
                ]),
                true,
            ),
            ("strict_required_status_checks_policy", Kind::Bool, true),
        ],
    ),
    ("non_fast_forward", &[]),
    ("commit_message_pattern", PATTERN),
    ("commit_author_email_pattern", PATTERN),
    ("committer_email_pattern", PATTERN),
    ("branch_name_pattern", PATTERN),
    ("tag_name_pattern", PATTERN),
    (
        "workflows",
        &[
            ("do_not_enforce_on_create", Kind::Bool, false),
            (
                "workflows",
                Kind::Objects(&[
                    ("path", Kind::Str, true),
                    ("ref", Kind::Str, false),
                    ("repository_id", Kind::Int(i64::MIN, i64::MAX), true),
                    ("sha", Kind::Str, false),
                ]),
                true,
            ),
        ],
    ),
    (
        "code_scanning",
        &[(
            "code_scanning_tools",
            Kind::Objects(&[
                ("alerts_threshold", Kind::Str, true),
                ("security_alerts_threshold", Kind::Str, true),
                ("tool", Kind::Str, true),
            ]),
            true,
        )],
    ),
    (
        "copilot_code_review",
        &[
            ("review_draft_pull_requests", Kind::Bool, false),
            ("review_on_push", Kind::Bool, false),
        ],
    ),
    ("license_compliance_scanning", &[]),
    (
        "file_path_restriction",
        &[("restricted_file_paths", Kind::Strings, true)],
    ),
    (
        "max_file_path_length",
        &[("max_file_path_length", Kind::Int(1, 32767), true)],
    ),
    (
        "file_extension_restriction",
        &[("restricted_file_extensions", Kind::Strings, true)],
    ),
    (
        "max_file_size",
        &[("max_file_size", Kind::Int(1, 100), true)],
    ),
];

/// The fields of a ruleset body, each as given (JSON text for the structured ones).
pub(super) struct Given {
    pub(super) name: Option<String>,
    pub(super) target: Option<String>,
    pub(super) enforcement: Option<String>,
    pub(super) bypass_actors: Option<String>,
    pub(super) conditions: Option<String>,
    pub(super) rules: Option<String>,
}

impl Given {
    /// Its fields as statement parameters, in declaration order.
    pub(super) fn params(&self) -> [&(dyn ToSql + Sync); 6] {
        [
            &self.name,
            &self.target,
            &self.enforcement,
            &self.bypass_actors,
            &self.conditions,
            &self.rules,
        ]
    }
}

/// Reads and checks a ruleset body; `creating` requires `name` and `enforcement`.
pub(super) fn read(body: &Body, creating: bool) -> ApiResult<Given> {
    let name = if creating {
        Some(body.required("name", "Ruleset")?.to_owned())
    } else {
        body.str("name")?.map(str::to_owned)
    };
    if creating && body.str("enforcement")?.is_none() {
        return Err(ApiError::invalid(
            "Invalid request.\n\n\"enforcement\" wasn't supplied.",
        ));
    }
    let target = choice(body, "target", &["branch", "tag", "push"])?;
    let enforcement = choice(body, "enforcement", &["disabled", "active", "evaluate"])?;
    let bypass_actors = match body.0.get("bypass_actors") {
        None | Some(Value::Null) => None,
        Some(given) => Some(actors(given)?.to_string()),
    };
    let conditions = match body.0.get("conditions") {
        None | Some(Value::Null) => None,
        Some(given) => Some(ref_names(given)?.to_string()),
    };
    let rules = match body.0.get("rules") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let rules: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(at, rule)| self::rule(rule).ok_or_else(|| no_input(&format!("/rules/{at}"))))
                .collect::<ApiResult<_>>()?;
            Some(Value::Array(rules).to_string())
        }
        Some(other) => return Err(not_of_type("/rules", other, "array")),
    };
    Ok(Given {
        name,
        target,
        enforcement,
        bypass_actors,
        conditions,
        rules,
    })
}

/// An enum field of the body.
fn choice(body: &Body, key: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
    match body.str(key)? {
        None => Ok(None),
        Some(value) if allowed.contains(&value) => Ok(Some(value.to_owned())),
        Some(value) => Err(not_possible(&format!("/{key}"), value, allowed)),
    }
}

/// The bypass actors, each `{actor_id, actor_type, bypass_mode}` (`bypass_mode` defaults to
/// `always`).
fn actors(given: &Value) -> ApiResult<Value> {
    const TYPES: [&str; 6] = [
        "Integration",
        "OrganizationAdmin",
        "RepositoryRole",
        "Team",
        "DeployKey",
        "User",
    ];
    const MODES: [&str; 3] = ["always", "pull_request", "exempt"];
    let Value::Array(items) = given else {
        return Err(not_of_type("/bypass_actors", given, "array"));
    };
    let mut out = Vec::new();
    for (at, item) in items.iter().enumerate() {
        let path = format!("/bypass_actors/{at}");
        let Value::Object(actor) = item else {
            return Err(not_of_type(&path, item, "object"));
        };
        let kind = match actor.get("actor_type") {
            Some(Value::String(kind)) if TYPES.contains(&kind.as_str()) => kind,
            Some(Value::String(kind)) => {
                return Err(not_possible(&format!("{path}/actor_type"), kind, &TYPES));
            }
            Some(other) => return Err(not_of_type(&format!("{path}/actor_type"), other, "string")),
            None => {
                return Err(ApiError::invalid(format!(
                    "Invalid request.\n\nInvalid property {path}: \"actor_type\" wasn't supplied."
                )));
            }
        };
        let mode = match actor.get("bypass_mode") {
            None | Some(Value::Null) => "always",
            Some(Value::String(mode)) if MODES.contains(&mode.as_str()) => mode,
            Some(Value::String(mode)) => {
                return Err(not_possible(&format!("{path}/bypass_mode"), mode, &MODES));
            }
            Some(other) => {
                return Err(not_of_type(&format!("{path}/bypass_mode"), other, "string"));
            }
        };
        let id = match actor.get("actor_id") {
            None | Some(Value::Null) => Value::Null,
            Some(Value::Number(n)) if n.is_i64() => Value::Number(n.clone()),
            Some(other) => return Err(not_of_type(&format!("{path}/actor_id"), other, "integer")),
        };
        out.push(json!({ "actor_id": id, "actor_type": kind, "bypass_mode": mode }));
    }
    Ok(Value::Array(out))
}

/// `conditions`: `{ref_name: {include: [...], exclude: [...]}}`, both lists strings.
fn ref_names(given: &Value) -> ApiResult<Value> {
    let Value::Object(conditions) = given else {
        return Err(not_of_type("/conditions", given, "object"));
    };
    let mut names = Map::new();
    match conditions.get("ref_name") {
        None | Some(Value::Null) => {}
        Some(Value::Object(ref_name)) => {
            for key in ["exclude", "include"] {
                let path = format!("/conditions/ref_name/{key}");
                let list = match ref_name.get(key) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(items)) => items
                        .iter()
                        .map(|item| match item {
                            Value::String(_) => Ok(item.clone()),
                            other => Err(not_of_type(&path, other, "string")),
                        })
                        .collect::<ApiResult<_>>()?,
                    Some(other) => return Err(not_of_type(&path, other, "array")),
                };
                names.insert(key.to_owned(), Value::Array(list));
            }
        }
        Some(other) => return Err(not_of_type("/conditions/ref_name", other, "object")),
    }
    Ok(json!({ "ref_name": names }))
}

/// A rule as stored (`type`, and `parameters` when given; a `pull_request` rule without
/// them gets GitHub's defaults), or `None` when it matches no rule schema.
fn rule(given: &Value) -> Option<Value> {
    let rule = given.as_object()?;
    let kind = rule.get("type")?.as_str()?;
    let (_, fields) = RULES.iter().find(|(name, _)| *name == kind)?;
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    match rule.get("parameters") {
        None if kind == "pull_request" => {
            // What GitHub gives a `pull_request` rule created without parameters.
            let defaults = json!({
                "dismiss_stale_reviews_on_push": false,
                "require_code_owner_review": false,
                "require_last_push_approval": false,
                "required_approving_review_count": 0,
                "required_review_thread_resolution": false,
            });
            out.insert("parameters".into(), defaults);
        }
        None => {}
        Some(Value::Object(parameters)) if fits(parameters, fields) => {
            out.insert("parameters".into(), Value::Object(parameters.clone()));
        }
        Some(_) => return None,
    }
    Some(Value::Object(out))
}

/// Whether `object` has every required field of `fields`, each of its kind.
fn fits(object: &Map<String, Value>, fields: &[Field]) -> bool {
    fields
        .iter()
        .all(|(name, kind, required)| match object.get(*name) {
            None => !required,
            Some(value) => is(value, kind),
        })
}

/// Whether `value` is of `kind`.
fn is(value: &Value, kind: &Kind) -> bool {
    match kind {
        Kind::Bool => value.is_boolean(),
        Kind::Int(low, high) => value.as_i64().is_some_and(|n| (*low..=*high).contains(&n)),
        Kind::Str => value.is_string(),
        Kind::Enum(allowed) => value.as_str().is_some_and(|s| allowed.contains(&s)),
        Kind::Strings => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        Kind::Objects(fields) => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|item| item.as_object().is_some_and(|o| fits(o, fields)))
        }),
        Kind::Object => value.is_object(),
    }
}

/// `Invalid property <path>: data matches no possible input.`
fn no_input(path: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid request.\n\nInvalid property {path}: data matches no possible input. See `documentation_url`."
    ))
}

/// `Invalid property <path>: `<value>` is not a possible value. Must be one of the following: …`
fn not_possible(path: &str, value: &str, allowed: &[&str]) -> ApiError {
    ApiError::invalid(format!(
        "Invalid request.\n\nInvalid property {path}: `{value}` is not a possible value. Must be one of the following: {}.",
        allowed.join(", ")
    ))
}

/// `Invalid property <path>: `<value>` is not of type `<kind>`.`
fn not_of_type(path: &str, value: &Value, kind: &str) -> ApiError {
    let shown: String = value.to_string().chars().take(60).collect();
    ApiError::invalid(format!(
        "Invalid request.\n\nInvalid property {path}: `{shown}` is not of type `{kind}`."
    ))
}
