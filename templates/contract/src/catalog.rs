//! Where templates are found and what the catalog knows of each without a full parse: its
//! name, modes (in order) and fixtures.
//!
//! The search path is, in order, later directories winning by template name:
//! 1. the `templates/` directory of the asym checkout these crates were built from;
//! 2. `templatePath` in `$ASYM_HOME/config.json`;
//! 3. `ASYM_TEMPLATE_PATH` (colon-separated).
//!
//! A template is a subdirectory holding `clone.manifest.json`; its fixtures are the file stems
//! matched by the manifest's `seed.fixtures` glob (`./seeds/*.sql` by default).

use std::path::{Path, PathBuf};

use crate::json::{Json, field};

/// The manifest's file name inside a template directory.
pub const MANIFEST_FILE: &str = "clone.manifest.json";

/// The fixture glob when a manifest names none.
pub const DEFAULT_FIXTURES: &str = "./seeds/*.sql";

/// The templates shipped in the checkout these crates were built from.
pub fn builtin_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// `$ASYM_HOME`, else `~/.asymmetric`.
pub fn home_dir() -> PathBuf {
    std::env::var_os("ASYM_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/tmp"))
                .join(".asymmetric")
        })
}

/// `templatePath` of `<home>/config.json` (empty when the file or key is absent).
pub fn config_template_path(home: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(home.join("config.json")) else {
        return Vec::new();
    };
    let Some(Json::Object(config)) = Json::parse(&text) else {
        return Vec::new();
    };
    match field(&config, "templatePath") {
        Some(Json::Array(dirs)) => dirs
            .iter()
            .filter_map(|dir| match dir {
                Json::String(dir) => Some(PathBuf::from(dir)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The whole search path: [`builtin_dir`], then `configured` (the home's `templatePath`),
/// then `ASYM_TEMPLATE_PATH`.
pub fn search_path(configured: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = vec![builtin_dir()];
    dirs.extend(configured.iter().cloned());
    if let Ok(extra) = std::env::var("ASYM_TEMPLATE_PATH") {
        dirs.extend(
            extra
                .split(':')
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
        );
    }
    dirs
}

/// What the catalog knows of one template without a full parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The manifest's `name` (the directory's name when the manifest has none).
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
    /// The keys of `modes`, in order; `None` when the manifest could not be read.
    pub modes: Option<Vec<String>>,
    /// Fixture names; `None` when the fixture glob is not one [`fixtures`] understands.
    pub fixtures: Option<Vec<String>>,
    /// The manifest's `displayName` (`GitHub`): also the name of its typed test handle.
    pub display_name: Option<String>,
}

/// The templates in `dirs` (each holding `<name>/clone.manifest.json`), later directories
/// winning by name, sorted by name.
pub fn templates(dirs: &[PathBuf]) -> Vec<Summary> {
    let mut templates: Vec<Summary> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut found: Vec<Summary> = entries
            .flatten()
            .filter_map(|entry| summary(&entry.path()))
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        for template in found {
            templates.retain(|t| t.name != template.name);
            templates.push(template);
        }
    }
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    templates
}

/// Reads the template in `dir`, if it has a manifest.
fn summary(dir: &Path) -> Option<Summary> {
    let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
    let dir_name = dir.file_name()?.to_string_lossy().into_owned();
    let Some(Json::Object(manifest)) = Json::parse(&text) else {
        return Some(Summary {
            name: dir_name,
            dir: dir.to_owned(),
            modes: None,
            fixtures: None,
            display_name: None,
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
    let display_name = match field(&manifest, "displayName") {
        Some(Json::String(display)) => Some(display.clone()),
        _ => None,
    };
    Some(Summary {
        name,
        dir: dir.to_owned(),
        modes,
        fixtures: fixtures(dir, glob),
        display_name,
    })
}

/// Splits a fixture glob `[./]<dir>/*<suffix>` into its directory and suffix; `None` for
/// any other shape.
fn split_glob(glob: &str) -> Option<(&str, &str)> {
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    let (dir, pattern) = glob.rsplit_once('/').unwrap_or(("", glob));
    let suffix = pattern.strip_prefix('*')?;
    (!dir.contains('*') && !suffix.contains('*')).then_some((dir, suffix))
}

/// The stems of the files matching `glob` under `root`, sorted; `None` when the glob is
/// not of the form `[./]<dir>/*<suffix>`.
pub fn fixtures(root: &Path, glob: &str) -> Option<Vec<String>> {
    let (dir, suffix) = split_glob(glob)?;
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

/// The file of fixture `name` under `root` by `glob`; `None` for a name that is not a plain
/// file stem or a glob [`fixtures`] does not understand.
pub fn fixture_file(root: &Path, glob: &str, name: &str) -> Option<PathBuf> {
    let (dir, suffix) = split_glob(glob)?;
    let plain = !name.is_empty() && !name.contains(['/', '.', '\\']);
    plain.then(|| root.join(dir).join(format!("{name}{suffix}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn builtin_slack_template_is_found() {
        let all = templates(&[builtin_dir()]);
        let slack = all
            .iter()
            .find(|t| t.name == "slack")
            .expect("templates/slack");
        assert_eq!(slack.modes.as_deref(), Some(&["api".to_owned()][..]));
        assert!(
            slack
                .fixtures
                .as_ref()
                .is_some_and(|f| f.iter().any(|f| f == "basic")),
            "{slack:?}"
        );
        assert!(all.iter().all(|t| t.name != "kit"), "kit has no manifest");
    }

    #[test]
    fn missing_directories_give_no_templates() {
        assert!(templates(&[PathBuf::from("/nonexistent/asym/templates")]).is_empty());
    }

    #[test]
    fn fixture_globs() {
        let slack = builtin_dir().join("slack");
        let stems = fixtures(&slack, "seeds/*.sql").expect("simple glob");
        assert!(stems.contains(&"basic".to_owned()));
        assert_eq!(fixtures(&slack, "seeds/**/*.sql"), None);
        assert_eq!(fixtures(&slack, "seeds/basic.sql"), None);
        assert_eq!(fixtures(&slack, "./nowhere/*.sql"), Some(Vec::new()));
        assert_eq!(
            fixture_file(&slack, "./seeds/*.sql", "basic"),
            Some(slack.join("seeds/basic.sql"))
        );
        assert_eq!(fixture_file(&slack, "./seeds/*.sql", "../x"), None);
    }

    #[test]
    fn config_template_path_is_read() {
        let home = std::env::temp_dir().join(format!("asym-contract-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join("config.json"),
            r#"{"portRange": {"start": 1, "end": 2}, "templatePath": ["/a", "/b"]}"#,
        )
        .unwrap();
        assert_eq!(
            config_template_path(&home),
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
        std::fs::remove_dir_all(&home).unwrap();
        assert!(config_template_path(&home).is_empty());
    }
}
