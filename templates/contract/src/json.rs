//! Just enough JSON to read manifests and `config.json` without a dependency (the
//! proc-macro crate reads the catalog through this crate at compile time).

/// Just enough JSON to read a manifest: objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    String(String),
    /// A number, `true`, `false` or `null`: the manifest keys read here are never one.
    Scalar,
}

impl Json {
    /// Parses a whole document; `None` if it is not valid JSON.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut reader = Reader {
            chars: text.chars().collect(),
            at: 0,
        };
        let value = reader.value()?;
        reader.skip_ws();
        (reader.at == reader.chars.len()).then_some(value)
    }
}

/// A cursor over a JSON document.
struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self) -> Option<Json> {
        self.skip_ws();
        match self.peek()? {
            '{' => self.object(),
            '[' => self.array(),
            '"' => self.string().map(Json::String),
            c if c == '-' || c.is_ascii_alphanumeric() => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
                    self.at += 1;
                }
                Some(Json::Scalar)
            }
            _ => None,
        }
    }

    fn object(&mut self) -> Option<Json> {
        self.bump();
        let mut fields = Vec::new();
        if self.eat('}') {
            return Some(Json::Object(fields));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            if !self.eat(':') {
                return None;
            }
            fields.push((key, self.value()?));
            if self.eat('}') {
                return Some(Json::Object(fields));
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    fn array(&mut self) -> Option<Json> {
        self.bump();
        let mut items = Vec::new();
        if self.eat(']') {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(']') {
                return Some(Json::Array(items));
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.bump()? != '"' {
            return None;
        }
        let mut out = String::new();
        loop {
            match self.bump()? {
                '"' => return Some(out),
                '\\' => match self.bump()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let code = u32::from_str_radix(&hex, 16).ok()?;
                        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
    }
}

/// The value of `key` in an object's fields.
pub(crate) fn field<'a>(object: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    object.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_key_order() {
        let json =
            Json::parse(r#" { "modes": { "web": ["a"], "api": [] }, "n": -1.5e3, "ok": true } "#);
        let Some(Json::Object(fields)) = json else {
            panic!("not an object: {json:?}");
        };
        let Some(Json::Object(modes)) = field(&fields, "modes") else {
            panic!("no modes");
        };
        let keys: Vec<&str> = modes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["web", "api"]);
    }

    #[test]
    fn strings_unescape() {
        assert_eq!(
            Json::parse(r#""a\"b\\c\u0041\n""#),
            Some(Json::String("a\"b\\cA\n".to_owned()))
        );
    }

    #[test]
    fn invalid_json_is_none() {
        assert_eq!(Json::parse(r#"{"a": }"#), None);
        assert_eq!(Json::parse(r#"{"a": 1} x"#), None);
        assert_eq!(Json::parse(r#"["a""#), None);
    }
}
