//! The templates the macro validates against, read from disk at expansion time through the
//! template contract (`asym-contract`): the same search path as the engine's (this
//! checkout's `templates/`, then `templatePath` in `$ASYM_HOME/config.json`, then
//! `ASYM_TEMPLATE_PATH`), the same fixture rule.
//!
//! Nothing is cached: rust-analyzer keeps the macro loaded for hours, and a template added
//! meanwhile must be seen by the next expansion.

use std::path::PathBuf;

use asym_contract::catalog::{self as contract, Summary};

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
    /// Fixture names; `None` when the fixture glob is not one the contract understands.
    pub(crate) fixtures: Option<Vec<String>>,
    /// Its typed handle's name (the manifest's `displayName`: `asym::GitHub`).
    pub(crate) handle: Option<String>,
}

impl From<Summary> for Template {
    fn from(summary: Summary) -> Self {
        Self {
            name: summary.name,
            modes: summary.modes,
            fixtures: summary.fixtures,
            handle: summary.display_name,
        }
    }
}

impl Catalog {
    /// The templates on the contract's search path.
    pub(crate) fn load() -> Self {
        let configured = contract::config_template_path(&contract::home_dir());
        Self::from_dirs(&contract::search_path(&configured))
    }

    /// The templates in `dirs` (each holding `<name>/clone.manifest.json`); later ones win.
    pub(crate) fn from_dirs(dirs: &[PathBuf]) -> Self {
        Self {
            templates: contract::templates(dirs)
                .into_iter()
                .map(Template::from)
                .collect(),
        }
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

    /// The template whose typed handle is called `handle`.
    pub(crate) fn by_handle(&self, handle: &str) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| t.handle.as_deref() == Some(handle))
    }

    /// Every template's name, sorted.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_slack_template_is_found() {
        let catalog = Catalog::from_dirs(&[contract::builtin_dir()]);
        let slack = catalog.get("slack").expect("templates/slack");
        assert_eq!(slack.modes.as_deref(), Some(&["api".to_owned()][..]));
        assert!(catalog.get("kit").is_none(), "kit has no manifest");
    }

    #[test]
    fn missing_directories_give_an_empty_catalog() {
        let catalog = Catalog::from_dirs(&[PathBuf::from("/nonexistent/asym/templates")]);
        assert!(catalog.is_empty());
    }
}
