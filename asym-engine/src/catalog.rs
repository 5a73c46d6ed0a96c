//! Template manifests and the catalog of templates this engine knows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));

/// A JSON object whose key order matters (`modes`: the first is the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(OrderedVisitor(std::marker::PhantomData))
    }
}

/// One service of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceManifest {
    /// Image reference (`asym/slack-backend:0.1.0`).
    pub image: String,
    /// Cargo package that builds the service's binary (`asym images build`).
    #[serde(default)]
    pub package: Option<String>,
    /// Port the service listens on inside its container.
    pub port: u16,
    /// Health path: 200 only when its database and Redis answer.
    pub health: String,
}

/// Where an endpoint lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointManifest {
    /// Service serving it.
    pub service: String,
    /// Path prefix appended to `http://127.0.0.1:<port>`.
    #[serde(default)]
    pub path: String,
}

/// The endpoints a template exposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsManifest {
    /// What the product's SDK takes as its base address.
    pub api: EndpointManifest,
    /// A web UI, if any.
    #[serde(default)]
    pub web: Option<EndpointManifest>,
}

/// Database settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseManifest {
    /// Directory of `*.sql` migrations, relative to the template.
    pub migrations: String,
    /// Database name template (`clone_{id}`).
    pub name_template: String,
}

/// Redis settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedisManifest {
    /// Key prefix template (`{id}:`).
    pub prefix_template: String,
}

/// Seed settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedManifest {
    /// Glob of fixture files (`./seeds/*.sql`); fixtures are named by file stem.
    pub fixtures: String,
}

/// Provisioning settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionManifest {
    /// Admin path that mints the default credentials.
    pub path: String,
}

/// A failure of the product's own that a test asks its clone for by name (the manifest's
/// `faults`): the fault the kit's `POST /api/admin/faults` takes, less the `times` and
/// `delayMs` a test chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultPreset {
    /// What it is and what the product's SDKs do with it, for people.
    pub description: String,
    /// The request paths it takes unless a test narrows it (`/v1/*`: a prefix).
    pub path: String,
    /// The method it takes (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// The status answered.
    pub status: u16,
    /// The body answered, as the product sends it.
    #[serde(default)]
    pub body: Option<Value>,
    /// Headers answered (`Retry-After`, `Stripe-Should-Retry`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl FaultPreset {
    /// The preset as `POST /api/admin/faults` takes it (once, on its own path).
    pub fn request(&self) -> Map<String, Value> {
        let mut ask = Map::new();
        ask.insert("path".into(), json!(self.path));
        if let Some(method) = &self.method {
            ask.insert("method".into(), json!(method));
        }
        ask.insert("status".into(), json!(self.status));
        if let Some(body) = &self.body {
            ask.insert("body".into(), body.clone());
        }
        if !self.headers.is_empty() {
            ask.insert("headers".into(), json!(self.headers));
        }
        ask
    }
}

/// `clone.manifest.json`: what a template is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateManifest {
    /// Template name.
    pub name: String,
    /// Name shown to people.
    pub display_name: String,
    /// The product it clones.
    pub real_product: String,
    /// Services by name.
    pub services: Ordered<ServiceManifest>,
    /// Modes (ordered; the first is the default) → services they run.
    pub modes: Ordered<Vec<String>>,
    /// Endpoints.
    pub endpoints: EndpointsManifest,
    /// Database settings.
    pub database: DatabaseManifest,
    /// Redis settings.
    pub redis: RedisManifest,
    /// Seed settings.
    pub seed: SeedManifest,
    /// Provisioning settings.
    pub provision: ProvisionManifest,
    /// Names of the credentials provisioning returns.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// The product's own failures, by name (`server_error`, `rate_limited`), that a test asks
    /// the clone for (`AnyClone::fail`, `asym fault`).
    #[serde(default)]
    pub faults: Ordered<FaultPreset>,
}

impl TemplateManifest {
    /// Parses a manifest.
    ///
    /// # Errors
    /// `Internal` when the JSON does not match the manifest schema.
    pub fn parse(json: &str, origin: &str) -> Result<Self> {
        serde_json::from_str(json)
            .map_err(|e| Error::internal(format!("invalid template manifest {origin}"), e))
    }

    /// The mode `requested`, or the default mode, with its services.
    ///
    /// # Errors
    /// `MODE_NOT_FOUND` for a mode the template lacks.
    pub fn mode(&self, requested: Option<&str>) -> Result<(&str, &[String])> {
        let found = match requested {
            None => self.modes.0.first(),
            Some(mode) => self.modes.0.iter().find(|(name, _)| name == mode),
        };
        found
            .map(|(name, services)| (name.as_str(), services.as_slice()))
            .ok_or_else(|| Error::ModeNotFound {
                template: self.name.clone(),
                mode: requested.unwrap_or_default().to_owned(),
                modes: self.modes.keys().map(str::to_owned).collect(),
            })
    }

    /// The service serving the API endpoint.
    pub fn api_service(&self) -> &str {
        &self.endpoints.api.service
    }

    /// The fault preset `name`.
    ///
    /// # Errors
    /// `FAULT_PRESET_NOT_FOUND`, listing the template's presets.
    pub fn fault(&self, name: &str) -> Result<&FaultPreset> {
        self.faults
            .get(name)
            .ok_or_else(|| Error::FaultPresetNotFound {
                template: self.name.clone(),
                name: name.to_owned(),
                presets: self.faults.keys().map(str::to_owned).collect(),
            })
    }
}

/// A template known to the catalog.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its manifest.
    pub manifest: TemplateManifest,
    /// Its source directory, when one is on this machine (for `asym images build`).
    pub source: Option<PathBuf>,
}

/// The templates this engine can spin: the built-in ones plus those under `ASYM_TEMPLATE_PATH`.
/// A built-in manifest is parsed when first asked for: a test process needs one template.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// By name.
    entries: Vec<Entry>,
}

/// One template of the catalog, parsed or not yet.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    /// The built-in manifest's JSON; `None` for templates found on the search path, parsed
    /// when loaded.
    builtin: Option<&'static str>,
    parsed: OnceLock<Template>,
}

impl Entry {
    fn template(&self) -> Result<&Template> {
        if let Some(template) = self.parsed.get() {
            return Ok(template);
        }
        let json = self.builtin.unwrap_or_default();
        let manifest = TemplateManifest::parse(json, &self.name)?;
        let source = source_root()
            .map(|root| root.join("templates").join(&self.name))
            .filter(|dir| dir.is_dir());
        Ok(self.parsed.get_or_init(|| Template { manifest, source }))
    }
}

impl Catalog {
    /// Loads the built-in templates and those in `extra` directories (each holds
    /// `<name>/clone.manifest.json`; later entries win over earlier and built-in ones).
    ///
    /// # Errors
    /// `Internal` when a manifest on the search path does not parse.
    ///
    /// The directories are the contract's search path (`asym_contract::catalog`): the
    /// built-in templates (embedded in this binary, so an installed `asym` knows them without
    /// its source), then `extra` (`templatePath` of `config.json`), then `ASYM_TEMPLATE_PATH`.
    pub fn load(extra: &[PathBuf]) -> Result<Self> {
        let mut entries: Vec<Entry> = BUILTIN
            .iter()
            .map(|(name, json)| Entry {
                name: (*name).to_owned(),
                builtin: Some(json),
                parsed: OnceLock::new(),
            })
            .collect();
        // The first directory of the search path is the built-in one, embedded above.
        let dirs = asym_contract::catalog::search_path(extra);
        for found in asym_contract::catalog::templates(&dirs[1..]) {
            let path = found.dir.join(asym_contract::catalog::MANIFEST_FILE);
            let json = std::fs::read_to_string(&path)
                .map_err(|e| Error::internal(format!("reading {}", path.display()), e))?;
            let manifest = TemplateManifest::parse(&json, &path.display().to_string())?;
            entries.retain(|e| e.name != manifest.name);
            entries.push(Entry {
                name: manifest.name.clone(),
                builtin: None,
                parsed: OnceLock::from(Template {
                    manifest,
                    source: Some(found.dir),
                }),
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Self { entries })
    }

    /// All templates, by name.
    ///
    /// # Errors
    /// `Internal` when a built-in manifest does not parse (a defect of this build).
    pub fn templates(&self) -> Result<Vec<&Template>> {
        self.entries.iter().map(Entry::template).collect()
    }

    /// The template `name`.
    ///
    /// # Errors
    /// `TEMPLATE_NOT_FOUND`, listing the templates that exist.
    pub fn get(&self, name: &str) -> Result<&Template> {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| Error::TemplateNotFound {
                name: name.to_owned(),
                available: self.entries.iter().map(|e| e.name.clone()).collect(),
            })?
            .template()
    }
}

/// The asym source checkout (for building images): `ASYM_SOURCE_DIR`, else where this crate was built.
pub fn source_root() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ASYM_SOURCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    built
        .join("templates")
        .is_dir()
        .then(|| built.canonicalize().unwrap_or(built))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_manifest_parses_under_its_own_name() {
        let catalog = Catalog::load(&[]).unwrap();
        let templates = catalog.templates().unwrap();
        assert_eq!(templates.len(), BUILTIN.len());
        for (template, (name, _)) in templates.iter().zip(BUILTIN) {
            assert_eq!(&template.manifest.name, name);
        }
    }

    #[test]
    fn builtin_slack_manifest_parses_with_ordered_modes() {
        let catalog = Catalog::load(&[]).unwrap();
        let slack = &catalog.get("slack").unwrap().manifest;
        assert_eq!(slack.mode(None).unwrap().0, "api");
        assert_eq!(slack.api_service(), "backend");
        let err = slack.mode(Some("desktop")).unwrap_err();
        assert_eq!(err.code(), "MODE_NOT_FOUND");
        assert!(err.to_string().contains("api"));
        assert_eq!(
            catalog.get("myspace").unwrap_err().code(),
            "TEMPLATE_NOT_FOUND"
        );
    }

    #[test]
    fn every_product_names_its_own_server_error_and_rate_limit() {
        let catalog = Catalog::load(&[]).unwrap();
        for template in catalog.templates().unwrap() {
            let manifest = &template.manifest;
            if manifest.name == "skeleton" {
                continue;
            }
            for name in ["server_error", "rate_limited"] {
                let preset = manifest.fault(name).unwrap();
                let request = preset.request();
                assert!(request["path"].as_str().unwrap().starts_with('/'));
                assert!((200..=599).contains(&preset.status), "{}", manifest.name);
                assert!(preset.body.is_some(), "{} {name}", manifest.name);
            }
        }
        let stripe = &catalog.get("stripe").unwrap().manifest;
        let err = stripe.fault("server_eror").unwrap_err();
        assert_eq!(err.code(), "FAULT_PRESET_NOT_FOUND");
        assert!(
            err.to_string().contains(
                r#"(did you mean "server_error"?); its presets: server_error, rate_limited"#
            ),
            "{err}"
        );
    }
}
