//! Writing a [`Plan`]'s response from the rows' JSON text, member by member.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{EdgePart, PagePart, Part, Plan, Read, Shape};
use crate::connection::cursor_of;

impl Plan {
    /// The response body for a page of `documents` (rows' JSON, in order) that rows follow
    /// (`has_next`) or precede (`has_previous`); `None` when async-graphql should answer.
    pub(super) fn write(
        &self,
        documents: &[&str],
        has_next: bool,
        has_previous: bool,
    ) -> Option<Vec<u8>> {
        let rows = documents
            .iter()
            .map(|text| Members::parse(text))
            .collect::<Option<Vec<_>>>()?;
        let mut writer = Writer {
            out: Vec::with_capacity(256 + documents.iter().map(|text| text.len()).sum::<usize>()),
            hints: vec![0; self.slots],
        };
        writer.put("{\"data\":{");
        writer.put(&self.key);
        writer.connection(&self.connection, &rows, has_next, has_previous)?;
        writer.put("}}");
        Some(writer.out)
    }
}

/// The members of one JSON object, in its order, borrowed from its text.
struct Members<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'a> Members<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let members = deserializer.deserialize_map(MembersVisitor).ok()?;
        deserializer.end().ok()?;
        Some(members)
    }

    fn id(&self) -> Option<String> {
        let (_, id) = self.0.iter().find(|(key, _)| *key == "id")?;
        serde_json::from_str(id.get()).ok()
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(key) = map.next_key::<&'de str>()? {
            members.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Members(members))
    }
}

/// Writes one response. `hints` holds, per read of the plan, where in its object the member
/// was last found: the rows of a statement share their members' order, so after the first
/// row each read finds its member at the first look.
struct Writer {
    out: Vec<u8>,
    hints: Vec<usize>,
}

impl Writer {
    fn put(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
    }

    fn string(&mut self, text: &str) {
        // Writing a `&str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut self.out, text);
    }

    /// Writes `{"key":value,…}` for `fields`, each value by `value`.
    fn fields<T>(
        &mut self,
        fields: &[(String, T)],
        mut value: impl FnMut(&mut Self, &T) -> Option<()>,
    ) -> Option<()> {
        self.out.push(b'{');
        for (i, (key, field)) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.put(key);
            value(self, field)?;
        }
        self.out.push(b'}');
        Some(())
    }

    /// Writes `[item,…]` for `items`, each by `item`.
    fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Self, T) -> Option<()>,
    ) -> Option<()> {
        self.out.push(b'[');
        for (i, value) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            item(self, value)?;
        }
        self.out.push(b']');
        Some(())
    }

    fn connection(
        &mut self,
        parts: &[(String, Part)],
        rows: &[Members<'_>],
        has_next: bool,
        has_previous: bool,
    ) -> Option<()> {
        self.fields(parts, |writer, part| match part {
            Part::Typename(name) => {
                writer.put(name);
                Some(())
            }
            Part::Nodes(reads) => writer.list(rows, |writer, row| writer.object(reads, row)),
            Part::Edges(edge) => writer.list(rows, |writer, row| {
                writer.fields(edge, |writer, part| {
                    match part {
                        EdgePart::Typename(name) => writer.put(name),
                        EdgePart::Node(reads) => writer.object(reads, row)?,
                        EdgePart::Cursor => writer.string(&cursor_of(&row.id()?)),
                    }
                    Some(())
                })
            }),
            Part::PageInfo(info) => writer.fields(info, |writer, part| {
                match part {
                    PagePart::Typename(name) => writer.put(name),
                    PagePart::HasNextPage => writer.flag(has_next),
                    PagePart::HasPreviousPage => writer.flag(has_previous),
                    PagePart::StartCursor => writer.cursor(rows.first()),
                    PagePart::EndCursor => writer.cursor(rows.last()),
                }
                Some(())
            }),
        })
    }

    fn flag(&mut self, flag: bool) {
        self.put(if flag { "true" } else { "false" });
    }

    /// The cursor of `row`, or null for no row (an empty page).
    fn cursor(&mut self, row: Option<&Members<'_>>) {
        match row.and_then(Members::id) {
            Some(id) => self.string(&cursor_of(&id)),
            None => self.put("null"),
        }
    }

    fn object(&mut self, reads: &[(String, Read)], members: &Members<'_>) -> Option<()> {
        self.fields(reads, |writer, read| match read {
            Read::Typename(name) => {
                writer.put(name);
                Some(())
            }
            Read::Field { name, shape, slot } => {
                let value = writer.find(members, name, *slot);
                writer.value(shape, value)
            }
        })
    }

    /// Member `name` of `members`, looked for first where read `slot` last found it.
    fn find<'a>(&mut self, members: &Members<'a>, name: &str, slot: usize) -> Option<&'a RawValue> {
        if let Some((key, value)) = members.0.get(self.hints[slot])
            && *key == name
        {
            return Some(value);
        }
        let at = members.0.iter().position(|(key, _)| *key == name)?;
        self.hints[slot] = at;
        Some(members.0[at].1)
    }

    /// Writes `value` (absent reads as null) as `shape` says; `None` when async-graphql
    /// would not answer it as written: a null in a non-null field, an abstract type's value,
    /// or a value of another kind than the type's.
    fn value(&mut self, shape: &Shape, value: Option<&RawValue>) -> Option<()> {
        let value = value.filter(|value| value.get() != "null");
        match (shape, value) {
            (Shape::NonNull(_), None) | (Shape::Abstract, Some(_)) => None,
            (Shape::NonNull(inner), Some(_)) => self.value(inner, value),
            (_, None) => {
                self.put("null");
                Some(())
            }
            (Shape::Leaf, Some(value)) => {
                self.put(value.get());
                Some(())
            }
            (Shape::List(item), Some(value)) => {
                let items: Vec<&RawValue> = serde_json::from_str(value.get()).ok()?;
                self.list(items, |writer, value| writer.value(item, Some(value)))
            }
            (Shape::Object(reads), Some(value)) => {
                self.object(reads, &Members::parse(value.get())?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;
    use crate::projection::Types;

    fn write(query: &str, documents: &[serde_json::Value]) -> Option<serde_json::Value> {
        let texts: Vec<String> = documents.iter().map(ToString::to_string).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let document = parse_query(query).unwrap();
        let plan = Plan::new(&Types::new().unwrap(), &document, None).unwrap();
        let body = plan.write(&texts, true, false)?;
        Some(serde_json::from_slice(&body).unwrap())
    }

    #[test]
    fn a_page_is_written_in_the_selections_order_with_its_types_and_cursors() {
        let documents = [
            json!({"id": "i1", "title": "One", "estimate": null, "labelIds": ["l1"],
                   "team": {"id": "t1"}, "sharedAccess": {"isShared": false, "sharedWithCount": 0}}),
            json!({"title": "Two", "id": "i2", "labelIds": [], "estimate": 2,
                   "team": {"id": "t1"}, "sharedAccess": {"isShared": true}}),
        ];
        let got = write(
            "{ list: issues { __typename
                nodes { __typename title id estimate dueDate labelIds team { id }
                        shared: sharedAccess { isShared } ... on Issue { id team { __typename } } }
                edges { cursor node { id } }
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
            &documents,
        )
        .unwrap();
        let expected = json!({"data": {"list": {
            "__typename": "IssueConnection",
            "nodes": [
                {"__typename": "Issue", "title": "One", "id": "i1", "estimate": null,
                 "dueDate": null, "labelIds": ["l1"],
                 "team": {"id": "t1", "__typename": "Team"}, "shared": {"isShared": false}},
                {"__typename": "Issue", "title": "Two", "id": "i2", "estimate": 2,
                 "dueDate": null, "labelIds": [],
                 "team": {"id": "t1", "__typename": "Team"}, "shared": {"isShared": true}},
            ],
            "edges": [
                {"cursor": cursor_of("i1"), "node": {"id": "i1"}},
                {"cursor": cursor_of("i2"), "node": {"id": "i2"}},
            ],
            "pageInfo": {"hasNextPage": true, "hasPreviousPage": false,
                         "startCursor": cursor_of("i1"), "endCursor": cursor_of("i2")},
        }}});
        assert_eq!(got, expected);
        let order: Vec<&String> = got["data"]["list"]["nodes"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            order,
            [
                "__typename",
                "title",
                "id",
                "estimate",
                "dueDate",
                "labelIds",
                "team",
                "shared"
            ]
        );
    }

    #[test]
    fn an_empty_page_has_no_cursors() {
        let got = write(
            "{ issues { nodes { id } pageInfo { startCursor endCursor } } }",
            &[],
        );
        assert_eq!(
            got.unwrap(),
            json!({"data": {"issues": {"nodes": [],
                "pageInfo": {"startCursor": null, "endCursor": null}}}})
        );
    }

    #[test]
    fn what_async_graphql_would_answer_otherwise_is_left_to_it() {
        for (query, document) in [
            ("{ issues { nodes { title } } }", json!({"id": "i1"})),
            (
                "{ issues { nodes { title } } }",
                json!({"id": "i1", "title": null}),
            ),
            (
                "{ issues { nodes { labelIds } } }",
                json!({"labelIds": [null]}),
            ),
            (
                "{ issues { nodes { labelIds } } }",
                json!({"labelIds": "l1"}),
            ),
            (
                "{ issues { nodes { syncedWith { metadata { __typename } } } } }",
                json!({"syncedWith": [{"metadata": {"number": 1}}]}),
            ),
            ("{ issues { edges { cursor } } }", json!({"title": "no id"})),
        ] {
            assert_eq!(
                write(query, std::slice::from_ref(&document)),
                None,
                "{query} {document}"
            );
        }
        let unions = "{ issues { nodes { syncedWith { metadata { __typename } } } } }";
        assert!(write(unions, &[json!({"syncedWith": null})]).is_some());
    }
}
