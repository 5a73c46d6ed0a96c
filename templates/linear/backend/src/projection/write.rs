//! Writing a [`Plan`]'s response from the rows' JSON text, member by member.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{EdgePart, Entry, PagePart, Part, Plan, Read, Shape};
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

    fn connection(
        &mut self,
        parts: &[(String, Part)],
        rows: &[Members<'_>],
        has_next: bool,
        has_previous: bool,
    ) -> Option<()> {
        self.out.push(b'{');
        for (i, (key, part)) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.put(key);
            match part {
                Part::Typename(name) => self.put(name),
                Part::Nodes(entries) => {
                    self.out.push(b'[');
                    for (i, row) in rows.iter().enumerate() {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        self.object(entries, row)?;
                    }
                    self.out.push(b']');
                }
                Part::Edges(edge) => {
                    self.out.push(b'[');
                    for (i, row) in rows.iter().enumerate() {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        self.edge(edge, row)?;
                    }
                    self.out.push(b']');
                }
                Part::PageInfo(info) => self.page_info(info, rows, has_next, has_previous),
            }
        }
        self.out.push(b'}');
        Some(())
    }

    fn edge(&mut self, parts: &[(String, EdgePart)], row: &Members<'_>) -> Option<()> {
        self.out.push(b'{');
        for (i, (key, part)) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.put(key);
            match part {
                EdgePart::Typename(name) => self.put(name),
                EdgePart::Node(entries) => self.object(entries, row)?,
                EdgePart::Cursor => self.string(&cursor_of(&row.id()?)),
            }
        }
        self.out.push(b'}');
        Some(())
    }

    fn page_info(
        &mut self,
        parts: &[(String, PagePart)],
        rows: &[Members<'_>],
        has_next: bool,
        has_previous: bool,
    ) {
        self.out.push(b'{');
        for (i, (key, part)) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.put(key);
            let (flag, row) = match part {
                PagePart::Typename(name) => {
                    self.put(name);
                    continue;
                }
                PagePart::HasNextPage => (has_next, None),
                PagePart::HasPreviousPage => (has_previous, None),
                PagePart::StartCursor => (false, Some(rows.first())),
                PagePart::EndCursor => (false, Some(rows.last())),
            };
            match row {
                None => self.put(if flag { "true" } else { "false" }),
                Some(row) => match row.and_then(Members::id) {
                    Some(id) => self.string(&cursor_of(&id)),
                    None => self.put("null"),
                },
            }
        }
        self.out.push(b'}');
    }

    fn object(&mut self, entries: &[Entry], members: &Members<'_>) -> Option<()> {
        self.out.push(b'{');
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.put(&entry.key);
            match &entry.read {
                Read::Typename(name) => self.put(name),
                Read::Field { name, shape, slot } => {
                    let value = self.find(members, name, *slot);
                    self.value(shape, value)?;
                }
            }
        }
        self.out.push(b'}');
        Some(())
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
                self.out.push(b'[');
                for (i, value) in items.into_iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.value(item, Some(value))?;
                }
                self.out.push(b']');
                Some(())
            }
            (Shape::Object(entries), Some(value)) => {
                self.object(entries, &Members::parse(value.get())?)
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
