//! The templates the macro validates against, read from disk at expansion time.
//!
//! The catalog is the `templates/` directory of the asym checkout this crate was built from
//! (`concat!(env!("CARGO_MANIFEST_DIR"), "/../templates")`), then the directories of
//! `ASYM_TEMPLATE_PATH` (colon-separated), later entries winning by name, as in the engine's
//! `Catalog::load`. A template is a subdirectory holding `clone.manifest.json`; its modes are the
//! keys of the manifest's `"modes"` object, in order; its fixtures are the file stems matched by
//! the manifest's `seed.fixtures` glob (`./seeds/*.sql` by default).
//!
//! Nothing is cached: rust-analyzer keeps the macro loaded for hours, and a template added
//! meanwhile must be seen by the next expansion.

use std::path::{Path, PathBuf};

/// Where this crate's own checkout keeps its templates.
const BUILTIN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates");

/// The manifest's default fixture glob.
const DEFAULT_FIXTURES: &str = "./seeds/*.sql";

/// The templates known at expansion time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalog {
    templates: Vec<Template>,
}

/// One template: its name, modes and fixtures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// The manifest's `name` (the directory's name when the manifest has none).
    pub(crate) name: String,
    /// The keys of `modes`, in order; `None` when the manifest could not be read.
    pub(crate) modes: Option<Vec<String>>,
    /// Fixture names; `None` when the fixture glob is not one this reader understands.
    pub(crate) fixtures: Option<Vec<String>>,
}

impl Catalog {
    /// The built-in templates plus those under `ASYM_TEMPLATE_PATH`.
    pub(crate) fn load() -> Self {
        let mut dirs = vec![PathBuf::from(BUILTIN_DIR)];
        if let Ok(extra) = std::env::var("ASYM_TEMPLATE_PATH") {
            dirs.extend(
                extra
                    .split(':')
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from),
            );
        }
        Self::from_dirs(&dirs)
    }

    /// The templates in `dirs` (each holding `<name>/clone.manifest.json`); later ones win.
    pub(crate) fn from_dirs(dirs: &[PathBuf]) -> Self {
        let mut templates: Vec<Template> = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut found: Vec<Template> = entries
                .flatten()
                .filter_map(|entry| Template::read(&entry.path()))
                .collect();
            found.sort_by(|a, b| a.name.cmp(&b.name));
            for template in found {
                templates.retain(|t| t.name != template.name);
                templates.push(template);
            }
        }
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        Self { templates }
    }

    /// A catalog of the given templates (for tests).
    #[cfg(test)]
    pub(crate) fn new(templates: Vec<Template>) -> Self {
        Self { templates }
    }

    /// Whether no template could be found (then the macro validates nothing by name).
    pub(crate) fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The template called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.name == name)
    }

    /// Every template's name, sorted.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.name.as_str())
    }
}

impl Template {
    /// Reads the template in `dir`, if it has a manifest.
    fn read(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(dir.join("clone.manifest.json")).ok()?;
        let dir_name = dir.file_name()?.to_string_lossy().into_owned();
        let Some(Json::Object(manifest)) = Json::parse(&text) else {
            return Some(Self {
                name: dir_name,
                modes: None,
                fixtures: None,
            });
        };
        let name = match field(&manifest, "name") {
            Some(Json::String(name)) => name.clone(),
            _ => dir_name,
        };
        let modes = match field(&manifest, "modes") {
            Some(Json::Object(modes)) => Some(modes.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        };
        let glob = match field(&manifest, "seed").and_then(|seed| match seed {
            Json::Object(seed) => field(seed, "fixtures"),
            _ => None,
        }) {
            Some(Json::String(glob)) => glob.as_str(),
            _ => DEFAULT_FIXTURES,
        };
        Some(Self {
            name,
            modes,
            fixtures: fixtures(dir, glob),
        })
    }
}

/// The stems of the files matching `glob` (`[./]<dir>/*<suffix>`) under `root`, sorted.
fn fixtures(root: &Path, glob: &str) -> Option<Vec<String>> {
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    let (dir, pattern) = glob.rsplit_once('/').unwrap_or(("", glob));
    let suffix = pattern.strip_prefix('*')?;
    if dir.contains('*') || suffix.contains('*') {
        return None;
    }
    let mut stems: Vec<String> = match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.path().is_file())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(suffix)
                    .filter(|stem| !stem.is_empty())
                    .map(str::to_owned)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    stems.sort();
    Some(stems)
}

/// The value of `key` in an object's fields.
fn field<'a>(object: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    object.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Just enough JSON to read a manifest: objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    String(String),
    /// A number, `true`, `false` or `null`: the manifest keys read here are never one.
    Scalar,
}

impl Json {
    /// Parses a whole document; `None` if it is not valid JSON.
    fn parse(text: &str) -> Option<Self> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_keep_key_order() {
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
    fn json_strings_unescape() {
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

    #[test]
    fn builtin_slack_template_is_found() {
        let catalog = Catalog::from_dirs(&[PathBuf::from(BUILTIN_DIR)]);
        let slack = catalog.get("slack").expect("templates/slack");
        assert_eq!(slack.modes.as_deref(), Some(&["api".to_owned()][..]));
        assert!(
            slack
                .fixtures
                .as_ref()
                .is_some_and(|f| f.iter().any(|f| f == "basic")),
            "{slack:?}"
        );
        assert!(catalog.get("kit").is_none(), "kit has no manifest");
    }

    #[test]
    fn missing_directories_give_an_empty_catalog() {
        let catalog = Catalog::from_dirs(&[PathBuf::from("/nonexistent/asym/templates")]);
        assert!(catalog.is_empty());
    }

    #[test]
    fn fixture_globs() {
        let slack = Path::new(BUILTIN_DIR).join("slack");
        let stems = fixtures(&slack, "seeds/*.sql").expect("simple glob");
        assert!(stems.contains(&"basic".to_owned()));
        assert_eq!(fixtures(&slack, "seeds/**/*.sql"), None);
        assert_eq!(fixtures(&slack, "seeds/basic.sql"), None);
        assert_eq!(fixtures(&slack, "./nowhere/*.sql"), Some(Vec::new()));
    }
}
