//! A list's `filterBranch` as the object search's `filterGroups`, for the part of HubSpot's
//! list filter language the search's operators express exactly: a root `OR` branch of `AND`
//! branches of `PROPERTY` filters whose operations are
//!
//! | `operationType` | operators | search operator |
//! |---|---|---|
//! | `ALL_PROPERTY` | `IS_KNOWN`, `IS_NOT_KNOWN` (or `IS_UNKNOWN`) | `HAS_PROPERTY`, `NOT_HAS_PROPERTY` |
//! | `BOOL`, `STRING`, `NUMBER` | `IS_EQUAL_TO`, `IS_NOT_EQUAL_TO` | `EQ`, `NEQ` |
//! | `NUMBER` | `IS_GREATER_THAN(_OR_EQUAL_TO)`, `IS_LESS_THAN(_OR_EQUAL_TO)`, `IS_BETWEEN` (`value`, `highValue`) | `GT`, `GTE`, `LT`, `LTE`, `BETWEEN` |
//! | `MULTISTRING` | `IS_EQUAL_TO`, `IS_NOT_EQUAL_TO` (any of `values`) | `IN`, `NOT_IN` |
//! | `ENUMERATION` | `IS_ANY_OF`, `IS_NONE_OF` | `IN`, `NOT_IN` |
//!
//! `includeObjectsWithNoValueSet` is honoured: a negative operator keeps objects without a
//! value only when it is `true` (absent, it is `false`, the default of the boolean HubSpot
//! reads it into; then `HAS_PROPERTY` joins the group); a positive one with it `true` would
//! need an OR inside a group, and is refused. Everything else (nested branches,
//! `NOT_ALL`/`NOT_ANY`, association, event, list-membership filters, other operators) is
//! refused with the clone's not-implemented error rather than evaluated approximately.

use serde_json::{Value, json};

use crate::error::ApiError;

/// The clone's refusal of list filters it does not evaluate: 400 `VALIDATION_ERROR`,
/// `subCategory: NOT_IMPLEMENTED`, naming what.
pub(crate) fn not_implemented(what: &str) -> ApiError {
    ApiError::validation(format!(
        "List filters: {what} is not implemented by this HubSpot clone (it evaluates an OR \
         branch of AND branches of PROPERTY filters with the object search's operators)."
    ))
    .with("subCategory", json!("NOT_IMPLEMENTED"))
}

/// A branch's `filterBranchType`.
fn branch_type(branch: &Value) -> &str {
    branch["filterBranchType"].as_str().unwrap_or_default()
}

/// A branch's array field (`filters`, `filterBranches`), empty when absent.
fn items<'a>(branch: &'a Value, name: &str) -> Result<&'a [Value], ApiError> {
    match branch.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ApiError::validation(format!("{name} must be an array"))),
    }
}

/// The search operator for `operator` of `operation_type`, and whether it is negative
/// (keeps objects without a value).
fn operator(operation_type: &str, operator: &str) -> Option<(&'static str, bool)> {
    let comparison = |op: &str| match op {
        "IS_EQUAL_TO" => Some(("EQ", false)),
        "IS_NOT_EQUAL_TO" => Some(("NEQ", true)),
        _ => None,
    };
    match (operation_type, operator) {
        ("ALL_PROPERTY", "IS_KNOWN") => Some(("HAS_PROPERTY", false)),
        ("ALL_PROPERTY", "IS_NOT_KNOWN" | "IS_UNKNOWN") => Some(("NOT_HAS_PROPERTY", false)),
        ("BOOL" | "STRING", op) => comparison(op),
        ("NUMBER", "IS_GREATER_THAN") => Some(("GT", false)),
        ("NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO") => Some(("GTE", false)),
        ("NUMBER", "IS_LESS_THAN") => Some(("LT", false)),
        ("NUMBER", "IS_LESS_THAN_OR_EQUAL_TO") => Some(("LTE", false)),
        ("NUMBER", "IS_BETWEEN") => Some(("BETWEEN", false)),
        ("NUMBER", op) => comparison(op),
        ("MULTISTRING", "IS_EQUAL_TO") | ("ENUMERATION", "IS_ANY_OF") => Some(("IN", false)),
        ("MULTISTRING", "IS_NOT_EQUAL_TO") | ("ENUMERATION", "IS_NONE_OF") => {
            Some(("NOT_IN", true))
        }
        _ => None,
    }
}

/// One `PROPERTY` filter as search filters (one, or two with `HAS_PROPERTY`).
fn property_filter(f: &Value) -> Result<Vec<Value>, ApiError> {
    let kind = f["filterType"].as_str().unwrap_or_default();
    if kind != "PROPERTY" {
        return Err(not_implemented(&format!("filterType {kind}")));
    }
    let property = f["property"]
        .as_str()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::validation("a PROPERTY filter needs a property"))?;
    let operation = &f["operation"];
    let operation_type = operation["operationType"].as_str().unwrap_or_default();
    let raw = operation["operator"].as_str().unwrap_or_default();
    let (op, negative) = operator(operation_type, raw).ok_or_else(|| {
        not_implemented(&format!("operator {raw} of operationType {operation_type}"))
    })?;
    let mut search = json!({ "propertyName": property, "operator": op });
    match op {
        "IN" | "NOT_IN" => search["values"] = operation["values"].clone(),
        "HAS_PROPERTY" | "NOT_HAS_PROPERTY" => {}
        "BETWEEN" => {
            search["value"] = operation["value"].clone();
            search["highValue"] = operation["highValue"].clone();
        }
        _ => search["value"] = operation["value"].clone(),
    }
    let include_unset = operation["includeObjectsWithNoValueSet"]
        .as_bool()
        .unwrap_or(false);
    match (negative, include_unset) {
        (true, false) => Ok(vec![
            search,
            json!({ "propertyName": property, "operator": "HAS_PROPERTY" }),
        ]),
        (false, true) if !op.ends_with("HAS_PROPERTY") => Err(not_implemented(
            "includeObjectsWithNoValueSet on a positive operator",
        )),
        _ => Ok(vec![search]),
    }
}

/// `filterBranch` as search `filterGroups`.
///
/// # Errors
///
/// [`not_implemented`] for what it does not translate; 400 for a malformed branch.
pub(crate) fn filter_groups(branch: &Value) -> Result<Vec<Value>, ApiError> {
    if branch_type(branch) != "OR" || !items(branch, "filters")?.is_empty() {
        return Err(not_implemented(
            "a root branch other than an OR branch without filters of its own",
        ));
    }
    items(branch, "filterBranches")?
        .iter()
        .map(|and| {
            if branch_type(and) != "AND" || !items(and, "filterBranches")?.is_empty() {
                return Err(not_implemented(&format!(
                    "a {} branch under the OR branch (only AND branches without branches \
                     of their own are)",
                    branch_type(and)
                )));
            }
            let mut filters = Vec::new();
            for f in items(and, "filters")? {
                filters.extend(property_filter(f)?);
            }
            Ok(json!({ "filters": filters }))
        })
        .collect()
}

/// `branch` as HubSpot answers it back (its Lists guide's example answers): every branch with
/// its `filterBranchOperator` (its `filterBranchType` when not given) and its `filters` and
/// `filterBranches` (empty when not given), every filter's `operation` with its
/// `includeObjectsWithNoValueSet` (`false` when not given, as it is evaluated). What was given
/// is kept as written.
pub(crate) fn answered(branch: &Value) -> Value {
    let mut branch = branch.clone();
    complete(&mut branch);
    branch
}

/// [`answered`] in place.
fn complete(branch: &mut Value) {
    let Some(fields) = branch.as_object_mut() else {
        return;
    };
    if let Some(kind) = fields.get("filterBranchType").cloned() {
        fields.entry("filterBranchOperator").or_insert(kind);
    }
    for name in ["filterBranches", "filters"] {
        fields.entry(name).or_insert_with(|| json!([]));
    }
    if let Some(Value::Array(filters)) = fields.get_mut("filters") {
        for operation in filters.iter_mut().filter_map(|f| f.get_mut("operation")) {
            if let Some(operation) = operation.as_object_mut() {
                operation
                    .entry("includeObjectsWithNoValueSet")
                    .or_insert(json!(false));
            }
        }
    }
    if let Some(Value::Array(branches)) = fields.get_mut("filterBranches") {
        branches.iter_mut().for_each(complete);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branch(filters: Value) -> Value {
        json!({"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
               "filterBranches": [{"filterBranchType": "AND", "filterBranchOperator": "AND",
                                   "filterBranches": [], "filters": filters}]})
    }

    #[test]
    fn property_filters_become_search_filters() {
        let groups = filter_groups(&branch(json!([
            {"filterType": "PROPERTY", "property": "lifecyclestage",
             "operation": {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead"]}},
            {"filterType": "PROPERTY", "property": "firstname",
             "operation": {"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO", "value": "Jo",
                           "includeObjectsWithNoValueSet": false}},
        ])))
        .unwrap();
        assert_eq!(
            groups,
            vec![json!({"filters": [
                {"propertyName": "lifecyclestage", "operator": "IN", "values": ["lead"]},
                {"propertyName": "firstname", "operator": "NEQ", "value": "Jo"},
                {"propertyName": "firstname", "operator": "HAS_PROPERTY"},
            ]})]
        );
    }

    #[test]
    fn a_branch_is_answered_with_what_hubspot_fills_in() {
        let written = json!({"filterBranchType": "OR", "filterBranches": [
            {"filterBranchType": "AND", "filters": [
                {"filterType": "PROPERTY", "property": "email",
                 "operation": {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"}},
                {"filterType": "PROPERTY", "property": "firstname",
                 "operation": {"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO",
                               "value": "Jo", "includeObjectsWithNoValueSet": true}}]}]});
        assert_eq!(
            answered(&written),
            json!({"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
                   "filterBranches": [{"filterBranchType": "AND", "filterBranchOperator": "AND",
                       "filterBranches": [], "filters": [
                {"filterType": "PROPERTY", "property": "email",
                 "operation": {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN",
                               "includeObjectsWithNoValueSet": false}},
                {"filterType": "PROPERTY", "property": "firstname",
                 "operation": {"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO",
                               "value": "Jo", "includeObjectsWithNoValueSet": true}}]}]})
        );
    }

    #[test]
    fn what_it_cannot_evaluate_is_refused_by_name() {
        for (filters, named) in [
            (
                json!([{"filterType": "ASSOCIATION", "operator": "IN_LIST"}]),
                "filterType ASSOCIATION",
            ),
            (
                json!([{"filterType": "PROPERTY", "property": "email",
                        "operation": {"operationType": "STRING", "operator": "CONTAINS", "value": "x"}}]),
                "operator CONTAINS of operationType STRING",
            ),
            (
                json!([{"filterType": "PROPERTY", "property": "email",
                        "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": "x",
                                      "includeObjectsWithNoValueSet": true}}]),
                "includeObjectsWithNoValueSet",
            ),
        ] {
            let refused = filter_groups(&branch(filters)).unwrap_err();
            assert!(refused.message().contains(named), "{}", refused.message());
        }
        let and_root = json!({"filterBranchType": "AND", "filters": [], "filterBranches": []});
        assert!(filter_groups(&and_root).is_err());
    }
}
