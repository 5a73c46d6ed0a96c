//! Formula properties: Notion's formula language (formulas 2.0), parsed when a schema is
//! written (a malformed expression, an unknown function, property or name is refused with
//! the reason) and evaluated over a page's values whenever the page is answered.
//!
//! The language: number, string and boolean literals, lists (`[1, 2]`), `prop("Name")`,
//! `+ - * / % ^`, comparisons, `and`/`or`/`not` (and `&& || !`), `c ? a : b`, method calls
//! (`prop("Name").length()`), `/* comments */`, `let`/`lets`, the list functions whose
//! second argument sees `current` and `index` (`map`, `filter`, `find`, `findIndex`,
//! `some`, `every`, `sort`), and the functions of [`parse::FUNCTIONS`]: logic
//! (`parse`), text and lists (`functions`), regular expressions (`pattern`), dates
//! (`dates`). A result is a string, a number, a boolean or a date (a list is answered as
//! text), as Notion answers them.

mod cache;
mod dates;
mod eval;
mod functions;
mod parse;
mod pattern;
mod types;
mod value;

use serde_json::{Map, Value};

use crate::rows::Meta;
use crate::schema::{self, Schema};

pub(crate) use value::number;

/// Checks `expression` against `schema`: why it cannot be evaluated, if it cannot (its
/// syntax, an unknown function, a property the schema does not hold, a name used where it
/// is not bound, a literal regular expression or date unit that is not valid).
pub(crate) fn check(expression: &str, schema: &Schema) -> Result<(), String> {
    let expr = parse::parse(expression)?;
    let mut names = Vec::new();
    parse::check_names(&expr, &mut Vec::new(), &mut names)?;
    match names.iter().find(|n| schema::find(schema, n).is_none()) {
        Some(missing) => Err(format!("property `{missing}` does not exist")),
        None => Ok(()),
    }
}

/// The type of value `expression` answers over `schema` — `string`, `number`, `boolean` or
/// `date` — as Notion types formulas before evaluating them; `None` when it cannot be told
/// (the branches of an `if` differ, an item taken from a list, a cycle of formulas, a
/// malformed expression).
pub(crate) fn result_type(expression: &str, schema: &Schema) -> Option<&'static str> {
    let expr = parse::parse(expression).ok()?;
    types::type_of(&expr, schema, 0, &mut Vec::new()).map(types::Type::answered)
}

/// The value of the formula property `prop` of a page, as answered:
/// `{type: "string" | "number" | "boolean" | "date", <type>: …}`.
pub(crate) fn evaluate(
    prop: &Value,
    schema: &Schema,
    props: &Map<String, Value>,
    meta: Meta<'_>,
) -> Value {
    let page = eval::Page {
        schema,
        props,
        meta,
    };
    let expression = prop["formula"]["expression"].as_str().unwrap_or_default();
    let value = parse::parsed(expression).map_or(value::Val::Empty, |expr| page.eval(&expr, 0));
    value::answer(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn page_schema() -> Schema {
        schema::create(
            Some(&json!({
                "Name": { "title": {} },
                "Points": { "number": {} },
                "Done": { "checkbox": {} },
                "Due": { "date": {} },
                "Tags": { "multi_select": {} }
            })),
            "p",
        )
        .unwrap()
    }

    fn run(expression: &str) -> Value {
        let schema = page_schema();
        let id = |name: &str| schema::find(&schema, name).unwrap().0.to_owned();
        let mut props = Map::new();
        props.insert(
            "title".into(),
            crate::richtext::normalize(&json!([{ "text": { "content": "Ship" } }]), "p").unwrap(),
        );
        props.insert(id("Points"), json!(3));
        props.insert(id("Done"), json!(true));
        props.insert(
            id("Due"),
            json!({ "start": "2025-01-30", "end": null, "time_zone": null }),
        );
        props.insert(id("Tags"), json!([{ "name": "a" }, { "name": "b" }]));
        let meta = Meta {
            created_time: "2025-01-10T09:11:00.000Z",
            last_edited_time: "2025-01-10T09:11:00.000Z",
            created_by: "u",
            last_edited_by: "u",
        };
        assert_eq!(check(expression, &schema), Ok(()), "{expression}");
        evaluate(
            &json!({ "formula": { "expression": expression } }),
            &schema,
            &props,
            meta,
        )
    }

    #[test]
    fn expressions_answer_their_types() {
        let cases = [
            (
                r#"prop("Points") * 2 + 1"#,
                json!({ "type": "number", "number": 7 }),
            ),
            (
                r#"prop("Points") / 2"#,
                json!({ "type": "number", "number": 1.5 }),
            ),
            (
                r#"2 ^ 3 ^ 1 - -1"#,
                json!({ "type": "number", "number": 9 }),
            ),
            (
                r#"prop("Name") + " now""#,
                json!({ "type": "string", "string": "Ship now" }),
            ),
            (
                r#"concat(upper(prop("Name")), "-", format(prop("Points")))"#,
                json!({ "type": "string", "string": "SHIP-3" }),
            ),
            (
                r#"prop("Name").length()"#,
                json!({ "type": "number", "number": 4 }),
            ),
            (
                r#"prop("Done") and prop("Points") > 2"#,
                json!({ "type": "boolean", "boolean": true }),
            ),
            (
                r#"not prop("Done") || prop("Points") == 4"#,
                json!({ "type": "boolean", "boolean": false }),
            ),
            (
                r#"if(prop("Done"), "yes", "no")"#,
                json!({ "type": "string", "string": "yes" }),
            ),
            (
                r#"prop("Points") >= 3 ? "big" : "small""#,
                json!({ "type": "string", "string": "big" }),
            ),
            (
                r#"prop("Tags").join(", ")"#,
                json!({ "type": "string", "string": "a, b" }),
            ),
            (
                r#"prop("Tags").contains("b")"#,
                json!({ "type": "boolean", "boolean": true }),
            ),
            (
                r#"round(10 / 3, 2)"#,
                json!({ "type": "number", "number": 3.33 }),
            ),
            (
                r#"dateAdd(prop("Due"), 3, "days")"#,
                json!({ "type": "date", "date": { "start": "2025-02-02", "end": null, "time_zone": null } }),
            ),
            (
                r#"dateBetween(prop("Due"), dateSubtract(prop("Due"), 2, "weeks"), "days")"#,
                json!({ "type": "number", "number": 14 }),
            ),
            (
                r#"empty(prop("Points"))"#,
                json!({ "type": "boolean", "boolean": false }),
            ),
        ];
        for (expression, expected) in cases {
            assert_eq!(run(expression), expected, "{expression}");
        }
    }

    fn text(value: &str) -> Value {
        json!({ "type": "string", "string": value })
    }

    fn num(value: f64) -> Value {
        json!({ "type": "number", "number": number(value) })
    }

    fn day(start: &str, end: Option<&str>) -> Value {
        json!({ "type": "date", "date": { "start": start, "end": end, "time_zone": null } })
    }

    #[test]
    fn list_functions_bind_current_and_index() {
        let yes = json!({ "type": "boolean", "boolean": true });
        for (expression, expected) in [
            ("[1, 2, 3].map(current * 2)", text("2,4,6")),
            (r#"prop("Tags").map(upper(current)).join("-")"#, text("A-B")),
            ("map([10, 20], current + index)", text("10,21")),
            (r#"[3, 1, 2].sort().join(" ")"#, text("1 2 3")),
            (
                r#"["bb", "a", "ccc"].sort(length(current)).first()"#,
                text("a"),
            ),
            ("[1, 2, 3, 4].filter(current % 2 == 0).length()", num(2.0)),
            ("[1, 2, 3].find(current > 1)", num(2.0)),
            ("[1, 2, 3].findIndex(current > 5)", num(-1.0)),
            ("[1, 2, 3].some(current > 2)", yes.clone()),
            ("[1, 2, 3].every(current > 0 and index < 3)", yes.clone()),
            ("at([5, 6, 7], 1) + last([5, 6, 7])", num(13.0)),
            (r#"prop("Tags").first()"#, text("a")),
            (r#"["b", "a", "b"].unique().length()"#, num(2.0)),
            (r#"prop("Tags").includes("b")"#, yes.clone()),
            ("[[1, 2], [3]].flat().reverse().first()", num(3.0)),
            (
                "sum([1, 2], 3) + median([1, 5, 2]) + mean([2, 4])",
                num(11.0),
            ),
            (r#"[1, 2, 3, 4].slice(1, 3).join(",")"#, text("2,3")),
            (r#"let(x, prop("Points") * 2, x + 1)"#, num(7.0)),
            (
                r#"lets(a, "Hello", b, a + " world", b + "!")"#,
                text("Hello world!"),
            ),
            ("[1, 2].map(let(d, current * 10, d + index))", text("10,21")),
            (
                r#"ifs(prop("Points") > 5, "big", prop("Points") > 2, "mid", "small")"#,
                text("mid"),
            ),
        ] {
            assert_eq!(run(expression), expected, "{expression}");
        }
    }

    #[test]
    fn text_functions_follow_notions_reference() {
        let yes = json!({ "type": "boolean", "boolean": true });
        for (expression, expected) in [
            (r#"contains("Notion", "ot")"#, yes.clone()),
            (r#"test("Notion", "^N.t")"#, yes.clone()),
            (
                r#"test(prop("Name"), "\\d")"#,
                json!({ "type": "boolean", "boolean": false }),
            ),
            (
                r#"match("Call 123-456-7890", "\d+").join("|")"#,
                text("123|456|7890"),
            ),
            (r#"replace("dog dog", "d(o)g", "c$1t")"#, text("cot dog")),
            (r#"replaceAll("dog dog", "dog", "cat")"#, text("cat cat")),
            (
                r#"replaceAll("John Smith", "(\w+) (\w+)", "$2, $1")"#,
                text("Smith, John"),
            ),
            (r#"split("a,b,c", ",").at(1)"#, text("b")),
            (
                r#"substring("Notion", 0, 3) + substring("Notion", 3)"#,
                text("Notion"),
            ),
            (r#"repeat("ab", 3)"#, text("ababab")),
            (
                r#"padStart("7", 3, "0") + padEnd("7", 3, "-")"#,
                text("0077--"),
            ),
            (r#"trim("  spaced  ")"#, text("spaced")),
            (r#"lower("MiXeD") + upper("x")"#, text("mixedX")),
            (r#"format(prop("Due"))"#, text("January 30, 2025")),
            ("format(1 / 4)", text("0.25")),
            (r#"link("Docs", "https://notion.so")"#, text("Docs")),
            (r#"length(repeat("x", 200000))"#, num(0.0)),
        ] {
            assert_eq!(run(expression), expected, "{expression}");
        }
    }

    #[test]
    fn date_functions_follow_notions_reference() {
        for (expression, expected) in [
            (r#"parseDate("2023-07-29")"#, day("2023-07-29", None)),
            (
                r#"parseDate("2023-07-29T10:30+02:00")"#,
                day("2023-07-29T08:30:00.000Z", None),
            ),
            (
                r#"parseDate("not a date")"#,
                json!({ "type": "string", "string": null }),
            ),
            (
                r#"dateRange(prop("Due"), dateAdd(prop("Due"), 2, "days"))"#,
                day("2025-01-30", Some("2025-02-01")),
            ),
            (
                r#"dateEnd(dateRange(prop("Due"), parseDate("2025-03-01")))"#,
                day("2025-03-01", None),
            ),
            (
                r#"dateStart(dateRange(prop("Due"), parseDate("2025-03-01")))"#,
                day("2025-01-30", None),
            ),
            (
                r#"dateSubtract(prop("Due"), 1, "quarters")"#,
                day("2024-10-30", None),
            ),
            (
                r#"dateBetween(parseDate("2022-09-07"), parseDate("2023-09-07"), "days")"#,
                num(-365.0),
            ),
            (
                r#"dateBetween(parseDate("2023-03-31"), parseDate("2023-01-31"), "months")"#,
                num(2.0),
            ),
            (
                r#"formatDate(prop("Due"), "YYYY/MM/DD dddd")"#,
                text("2025/01/30 Thursday"),
            ),
            (r#"formatDate(prop("Due"))"#, text("January 30, 2025")),
            (
                r#"[year(prop("Due")), month(prop("Due")), week(prop("Due")), date(prop("Due")), day(prop("Due"))].join("/")"#,
                text("2025/1/5/30/4"),
            ),
            (
                r#"hour(parseDate("2023-07-29T10:30Z")) * 100 + minute(parseDate("2023-07-29T10:30Z"))"#,
                num(1030.0),
            ),
            (r#"timestamp(parseDate("1970-01-02"))"#, num(86_400_000.0)),
            ("fromTimestamp(0)", day("1970-01-01T00:00:00.000Z", None)),
            (
                r#"now() > parseDate("2020") and today() <= now()"#,
                json!({ "type": "boolean", "boolean": true }),
            ),
        ] {
            assert_eq!(run(expression), expected, "{expression}");
        }
    }

    #[test]
    fn result_types_of_the_new_functions() {
        let schema = page_schema();
        for (expression, expected) in [
            ("[1, 2].map(current * 2)", Some("string")),
            ("let(x, 1, x + 1)", Some("number")),
            (r#"lets(a, "x", b, 2, a + b)"#, Some("string")),
            (r#"prop("Tags").first()"#, None),
            (r#"dateRange(now(), now())"#, Some("date")),
            (r#"parseDate("2023")"#, Some("date")),
            (r#"split("a", ",").length()"#, Some("number")),
            (r#"prop("Tags").some(current == "a")"#, Some("boolean")),
            (r#"test("a", "a")"#, Some("boolean")),
            (r#"ifs(true, 1, false, 2, 3)"#, Some("number")),
            (r#"ifs(true, 1, false, "2", 3)"#, None),
        ] {
            assert_eq!(result_type(expression, &schema), expected, "{expression}");
        }
    }

    #[test]
    fn result_types_are_told_before_evaluating() {
        let schema = page_schema();
        for (expression, expected) in [
            (r#"prop("Points") * 2"#, Some("number")),
            (r#"prop("Name") + 1"#, Some("string")),
            (r#"prop("Done") and true"#, Some("boolean")),
            (r#"dateAdd(prop("Due"), 1, "days")"#, Some("date")),
            (r#"if(prop("Done"), "a", "b")"#, Some("string")),
            (r#"if(prop("Done"), 1, "b")"#, None),
            (r#"prop("Tags").length()"#, Some("number")),
            ("1 +", None),
        ] {
            assert_eq!(result_type(expression, &schema), expected, "{expression}");
            if let Some(kind) = expected {
                assert_eq!(run(expression)["type"], kind, "{expression}");
            }
        }
    }

    #[test]
    fn malformed_expressions_are_refused_with_the_reason() {
        let schema = page_schema();
        for (expression, reason) in [
            ("prop(\"Nope\") + 1", "property `Nope` does not exist"),
            ("frobnicate(1)", "unknown function `frobnicate`"),
            ("1 +", "unexpected end of expression"),
            ("\"open", "unterminated string"),
            ("if(1, 2)", "if() takes 3 to 3 arguments"),
            ("1 2", "unexpected Number(2.0)"),
            (
                "current * 2",
                "`current` is only defined inside map(), filter() and the other list functions",
            ),
            ("x + 1", "unknown name `x`"),
            ("let(x, 1, y)", "unknown name `y`"),
            (
                "let(1, 2, 3)",
                "let() and lets() name each variable with a bare word",
            ),
            (
                "lets(a, 1, b, 2)",
                "lets() takes names and values in pairs, then an expression",
            ),
            (
                "ifs(true, 1, false, 2)",
                "ifs() takes conditions and values in pairs, then a default",
            ),
            (
                r#"test("a", "(b")"#,
                "test(): invalid regular expression `(b`: unterminated group",
            ),
            (
                r#"dateAdd(now(), 1, "fortnights")"#,
                "dateAdd(): unknown unit `fortnights` (one of years, quarters, months, weeks, days, hours, minutes)",
            ),
            (
                r#"prop("Tags").prop("Name")"#,
                "`.prop()` (a property of related pages) is not supported by this clone",
            ),
            ("toBase64(1)", "unknown function `toBase64`"),
            (&"(".repeat(100), "expression nested too deeply"),
        ] {
            assert_eq!(
                check(expression, &schema),
                Err(reason.to_owned()),
                "{expression}"
            );
        }
    }
}
