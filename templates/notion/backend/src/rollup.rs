//! Rollup functions: what a rollup property answers for the values of the property it
//! rolls up, one per related page (`{type, <type>: value}` items), as Notion computes them.
//! `count_per_group` and `percent_per_group` (a count or share per option of a select,
//! status or checkbox, which Notion shows in its app) have no value type in the API, whose
//! rollup values are a number, a date or an array: they answer `{type: "unsupported",
//! unsupported: {}}`, the API's type for a rollup it cannot express.

use serde_json::{Value, json};

/// The rollup functions Notion offers.
pub(crate) const FUNCTIONS: [&str; 24] = [
    "count",
    "count_values",
    "empty",
    "not_empty",
    "unique",
    "show_unique",
    "percent_empty",
    "percent_not_empty",
    "sum",
    "average",
    "median",
    "min",
    "max",
    "range",
    "earliest_date",
    "latest_date",
    "date_range",
    "checked",
    "unchecked",
    "percent_checked",
    "percent_unchecked",
    "show_original",
    "count_per_group",
    "percent_per_group",
];

/// The type of value `function` answers: `number`, `date`, `array` or `unsupported`.
pub(crate) fn result_type(function: &str) -> &'static str {
    match function {
        "earliest_date" | "latest_date" | "date_range" => "date",
        "show_original" | "show_unique" => "array",
        "count_per_group" | "percent_per_group" => "unsupported",
        _ => "number",
    }
}

/// A rollup's value before anything is rolled up (no related page).
pub(crate) fn empty(prop: &Value) -> Value {
    aggregate(
        prop["rollup"]["function"]
            .as_str()
            .unwrap_or("show_original"),
        Vec::new(),
    )
}

/// The inner value of one rolled-up item (`{type, <type>: value}`).
fn inner(item: &Value) -> &Value {
    let kind = item["type"].as_str().unwrap_or_default();
    let value = &item[kind];
    match kind {
        "formula" | "rollup" => &value[value["type"].as_str().unwrap_or_default()],
        _ => value,
    }
}

fn is_empty(item: &Value) -> bool {
    match inner(item) {
        Value::Null | Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

fn number_of(item: &Value) -> Option<f64> {
    let value = inner(item);
    value.as_f64().or_else(|| value["number"].as_f64())
}

fn date_of(item: &Value) -> Option<String> {
    let value = inner(item);
    value
        .as_str()
        .or_else(|| value["start"].as_str())
        .map(str::to_owned)
}

fn number(n: Option<f64>) -> Value {
    n.map_or(Value::Null, crate::formula::number)
}

/// `function` over the rolled-up `items`: `{type: "number" | "date" | "array", …, function}`.
pub(crate) fn aggregate(function: &str, items: Vec<Value>) -> Value {
    let total = items.len() as f64;
    let count = |test: &dyn Fn(&Value) -> bool| items.iter().filter(|i| test(i)).count() as f64;
    let share = |n: f64| if total == 0.0 { 0.0 } else { n / total };
    let mut numbers: Vec<f64> = items.iter().filter_map(number_of).collect();
    numbers.sort_by(f64::total_cmp);
    let mut dates: Vec<String> = items.iter().filter_map(date_of).collect();
    dates.sort();
    let unique = || {
        let mut seen: Vec<Value> = Vec::new();
        for item in items.iter().filter(|i| !is_empty(i)) {
            if !seen.contains(item) {
                seen.push(item.clone());
            }
        }
        seen
    };
    let (kind, value) = match function {
        "count" => ("number", number(Some(total))),
        "count_values" => {
            let n: usize = items
                .iter()
                .map(|i| match inner(i) {
                    Value::Array(values) => values.len(),
                    _ => usize::from(!is_empty(i)),
                })
                .sum();
            ("number", number(Some(n as f64)))
        }
        "empty" => ("number", number(Some(count(&is_empty)))),
        "not_empty" => ("number", number(Some(count(&|i| !is_empty(i))))),
        "unique" => ("number", number(Some(unique().len() as f64))),
        "percent_empty" => ("number", number(Some(share(count(&is_empty))))),
        "percent_not_empty" => ("number", number(Some(share(count(&|i| !is_empty(i)))))),
        "checked" => (
            "number",
            number(Some(count(&|i| inner(i) == &Value::Bool(true)))),
        ),
        "unchecked" => (
            "number",
            number(Some(count(&|i| inner(i) != &Value::Bool(true)))),
        ),
        "percent_checked" => (
            "number",
            number(Some(share(count(&|i| inner(i) == &Value::Bool(true))))),
        ),
        "percent_unchecked" => (
            "number",
            number(Some(share(count(&|i| inner(i) != &Value::Bool(true))))),
        ),
        "sum" => ("number", number(Some(numbers.iter().sum()))),
        "average" => (
            "number",
            number(
                (!numbers.is_empty()).then(|| numbers.iter().sum::<f64>() / numbers.len() as f64),
            ),
        ),
        "median" => (
            "number",
            number((!numbers.is_empty()).then(|| {
                let mid = numbers.len() / 2;
                if numbers.len().is_multiple_of(2) {
                    f64::midpoint(numbers[mid - 1], numbers[mid])
                } else {
                    numbers[mid]
                }
            })),
        ),
        "min" => ("number", number(numbers.first().copied())),
        "max" => ("number", number(numbers.last().copied())),
        "range" => (
            "number",
            number(numbers.first().zip(numbers.last()).map(|(lo, hi)| hi - lo)),
        ),
        "earliest_date" | "latest_date" | "date_range" => {
            let pick = if function == "latest_date" {
                dates.last()
            } else {
                dates.first()
            };
            let end = (function == "date_range").then(|| dates.last()).flatten();
            let date = pick.map_or(
                Value::Null,
                |start| json!({ "start": start, "end": end, "time_zone": null }),
            );
            ("date", date)
        }
        "show_unique" => ("array", Value::Array(unique())),
        "count_per_group" | "percent_per_group" => ("unsupported", json!({})),
        _ => ("array", Value::Array(items)),
    };
    json!({ "type": kind, kind: value, "function": function })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_aggregate_as_notion_answers() {
        let numbers = || {
            [Some(3), None, Some(5), Some(3)]
                .map(|n| json!({ "type": "number", "number": n }))
                .to_vec()
        };
        let checks = || {
            [true, false, true, true]
                .map(|b| json!({ "type": "checkbox", "checkbox": b }))
                .to_vec()
        };
        let dates = || {
            ["2025-03-01", "2025-01-02"]
                .map(|d| json!({ "type": "date", "date": { "start": d, "end": null } }))
                .to_vec()
        };
        let number = |n: Value| json!({ "type": "number", "number": n });
        let date = |start: &str, end: Value| json!({ "type": "date", "date": { "start": start, "end": end, "time_zone": null } });
        let cases = [
            ("count", numbers(), number(json!(4))),
            ("count_values", numbers(), number(json!(3))),
            ("empty", numbers(), number(json!(1))),
            ("unique", numbers(), number(json!(2))),
            ("percent_not_empty", numbers(), number(json!(0.75))),
            ("sum", numbers(), number(json!(11))),
            ("average", numbers(), number(json!(3.666_666_666_666_666_5))),
            ("median", numbers(), number(json!(3))),
            ("range", numbers(), number(json!(2))),
            ("max", Vec::new(), number(Value::Null)),
            ("checked", checks(), number(json!(3))),
            ("percent_unchecked", checks(), number(json!(0.25))),
            ("earliest_date", dates(), date("2025-01-02", Value::Null)),
            (
                "date_range",
                dates(),
                date("2025-01-02", json!("2025-03-01")),
            ),
            (
                "count_per_group",
                checks(),
                json!({ "type": "unsupported", "unsupported": {} }),
            ),
            (
                "percent_per_group",
                Vec::new(),
                json!({ "type": "unsupported", "unsupported": {} }),
            ),
            (
                "show_original",
                dates()[..1].to_vec(),
                json!({ "type": "array", "array": [dates()[0]] }),
            ),
        ];
        for (function, items, mut expected) in cases {
            assert_eq!(result_type(function), expected["type"], "{function}");
            expected["function"] = function.into();
            assert_eq!(aggregate(function, items), expected, "{function}");
        }
    }
}
