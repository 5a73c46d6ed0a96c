//! Environments: groups of clones spun together from an environment file.
//!
//! ```yaml
//! name: checkout
//! clones:
//!   - template: slack
//!     seed: basic
//!     name: alerts
//!   - template: slack
//!     mode: api
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::local::LocalDockerProvider;
use crate::model::{CloneSpec, CloneState, EnvSpin, Environment, PortRange, SeedSpec};
use crate::provider::{CloneProvider, Environments};
use crate::time::Timestamp;

const TOP_KEYS: &[&str] = &["name", "clones"];
const CLONE_KEYS: &[&str] = &["template", "seed", "mode", "name", "expose", "portRange"];

/// One clone of an environment file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvClone {
    /// Template.
    pub template: String,
    /// Seed fixture or `.sql` path (relative to the file).
    #[serde(default)]
    pub seed: Option<String>,
    /// Mode.
    #[serde(default)]
    pub mode: Option<String>,
    /// Human name.
    #[serde(default)]
    pub name: Option<String>,
    /// Bind all interfaces.
    #[serde(default)]
    pub expose: bool,
    /// Port range `A-B`.
    #[serde(default)]
    pub port_range: Option<String>,
}

/// An environment file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvSpec {
    /// Environment name.
    pub name: String,
    /// Clones, spun in order.
    pub clones: Vec<EnvClone>,
}

impl EnvSpec {
    /// Reads and strictly validates an environment file.
    ///
    /// # Errors
    /// `ENV_SPEC_INVALID` saying exactly what to fix.
    pub fn load(path: &Path) -> Result<Self> {
        let invalid = |problem: String| Error::EnvSpecInvalid {
            path: path.to_owned(),
            problem,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot read it ({e})")))?;
        let value: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).map_err(|e| invalid(format!("not valid YAML: {e}")))?;
        let top = value
            .as_mapping()
            .ok_or_else(|| invalid("expected a mapping with `name` and `clones`".into()))?;
        let check_keys = |map: &serde_yaml_ng::Mapping, allowed: &[&str], at: &str| -> Result<()> {
            for key in map.keys() {
                let key = key.as_str().unwrap_or_default();
                if !allowed.contains(&key) {
                    let hint = asym_contract::closest(key, allowed.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("; allowed: {}", allowed.join(", ")));
                    return Err(invalid(format!("unknown key `{key}`{at}{hint}")));
                }
            }
            Ok(())
        };
        check_keys(top, TOP_KEYS, "")?;
        if let Some(clones) = top.get("clones").and_then(|c| c.as_sequence()) {
            for (i, clone) in clones.iter().enumerate() {
                let map = clone.as_mapping().ok_or_else(|| {
                    invalid(format!("clones[{i}] must be a mapping with `template`"))
                })?;
                check_keys(map, CLONE_KEYS, &format!(" in clones[{i}]"))?;
            }
        }
        let spec: Self = serde_yaml_ng::from_value(value).map_err(|e| invalid(e.to_string()))?;
        if spec.name.trim().is_empty() {
            return Err(invalid("`name` is empty".into()));
        }
        if spec.clones.is_empty() {
            return Err(invalid("`clones` is empty; list at least one clone".into()));
        }
        for (i, clone) in spec.clones.iter().enumerate() {
            if let Some(range) = &clone.port_range {
                range
                    .parse::<PortRange>()
                    .map_err(|e| invalid(format!("clones[{i}].portRange: {e}")))?;
            }
        }
        Ok(spec)
    }
}

fn roll_up(states: &[CloneState], declared: usize) -> &'static str {
    if states.is_empty() {
        "failed"
    } else if states.len() < declared {
        "partial"
    } else if states.iter().all(|s| *s == CloneState::Running) {
        "running"
    } else if states.iter().all(|s| *s == CloneState::Stopped) {
        "stopped"
    } else if states.iter().all(|s| *s == CloneState::Failed) {
        "failed"
    } else {
        "partial"
    }
}

impl LocalDockerProvider {
    /// Adds clone `id` to environment `name`, creating it if new.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    pub fn join_environment(
        &self,
        name: &str,
        id: &str,
        spec: Option<PathBuf>,
        declared: usize,
    ) -> Result<()> {
        self.registry.update(|reg| {
            let now = Timestamp::now();
            let position = reg.environments.iter().position(|e| e.name == name);
            let env = match position {
                Some(i) => &mut reg.environments[i],
                None => {
                    reg.environments.push(Environment {
                        name: name.to_owned(),
                        members: Vec::new(),
                        spec: spec.clone(),
                        state: "running".into(),
                        declared: 0,
                        created_at: now,
                        updated_at: now,
                    });
                    let last = reg.environments.len() - 1;
                    &mut reg.environments[last]
                }
            };
            if !env.members.iter().any(|m| m == id) {
                env.members.push(id.to_owned());
            }
            env.declared = env.declared.max(declared).max(env.members.len());
            env.updated_at = now;
            Ok(())
        })
    }
    /// Environment `name`.
    ///
    /// # Errors
    /// `ENV_NOT_FOUND` listing the environments that exist.
    pub fn environment(&self, name: &str) -> Result<Environment> {
        let all = self.environments()?;
        all.iter()
            .find(|e| e.name == name)
            .cloned()
            .ok_or_else(|| Error::EnvNotFound {
                name: name.to_owned(),
                available: all.iter().map(|e| e.name.clone()).collect(),
            })
    }
}

impl Environments for LocalDockerProvider {
    /// Every environment, with its state rolled up from its members now.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn environments(&self) -> Result<Vec<Environment>> {
        let contents = self.registry.read()?;
        Ok(contents
            .environments
            .iter()
            .map(|env| {
                let states: Vec<CloneState> = env
                    .members
                    .iter()
                    .filter_map(|m| contents.get(m).ok().map(|e| e.record.state))
                    .collect();
                Environment {
                    state: roll_up(&states, env.declared).to_owned(),
                    ..env.clone()
                }
            })
            .collect())
    }

    /// Spins an environment file's clones in order, joining each before the next; continues
    /// past a failed member (the environment is then `partial`).
    ///
    /// # Errors
    /// `ENV_SPEC_INVALID` before anything is spun; member failures are reported in the result.
    async fn env_spin(&self, path: &Path) -> Result<EnvSpin> {
        let spec = EnvSpec::load(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut clones = Vec::new();
        for clone in &spec.clones {
            let seed = clone.seed.as_deref().map(|s| match SeedSpec::parse(s) {
                SeedSpec::File(p) => SeedSpec::File(base.join(p)),
                fixture => fixture,
            });
            let port_range = clone.port_range.as_deref().map(str::parse).transpose()?;
            let clone_spec = CloneSpec {
                template: clone.template.clone(),
                mode: clone.mode.clone(),
                name: clone.name.clone(),
                group: Some(spec.name.clone()),
                seed,
                port_range,
                expose: clone.expose,
                ..CloneSpec::default()
            };
            match self.create(clone_spec).await {
                Ok(instance) => {
                    self.join_environment(
                        &spec.name,
                        &instance.record.id,
                        Some(path.to_owned()),
                        spec.clones.len(),
                    )?;
                    clones.push(Ok(instance));
                }
                Err(err) => clones.push(Err(err.render())),
            }
        }
        if clones.iter().all(std::result::Result::is_err) {
            // Record the attempt so `env status` shows it failed.
            self.registry.update(|reg| {
                if !reg.environments.iter().any(|e| e.name == spec.name) {
                    let now = Timestamp::now();
                    reg.environments.push(Environment {
                        name: spec.name.clone(),
                        members: Vec::new(),
                        spec: Some(path.to_owned()),
                        state: "failed".into(),
                        declared: spec.clones.len(),
                        created_at: now,
                        updated_at: now,
                    });
                }
                Ok(())
            })?;
        }
        Ok(EnvSpin {
            environment: self.environment(&spec.name)?,
            clones,
        })
    }

    /// Resets every member of an environment.
    ///
    /// # Errors
    /// `ENV_NOT_FOUND`, or the first member that fails.
    async fn env_reset(&self, name: &str) -> Result<Vec<String>> {
        let env = self.environment(name)?;
        for id in &env.members {
            self.reset(id).await?;
        }
        Ok(env.members)
    }

    /// Destroys every member of an environment and the environment.
    ///
    /// # Errors
    /// `ENV_NOT_FOUND`, or the first member that fails.
    async fn env_destroy(&self, name: &str) -> Result<Vec<String>> {
        let env = self.environment(name)?;
        for id in &env.members {
            match self.destroy(id).await {
                Ok(()) | Err(Error::CloneNotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        self.registry.update(|reg| {
            reg.environments.retain(|e| e.name != name);
            Ok(())
        })?;
        Ok(env.members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Result<EnvSpec> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev.env.yaml");
        std::fs::write(&path, yaml).unwrap();
        EnvSpec::load(&path)
    }

    #[test]
    fn environment_files_are_validated_strictly() {
        let ok = load("name: dev\nclones:\n  - template: slack\n    seed: basic\n").unwrap();
        assert_eq!(ok.clones[0].template, "slack");
        let err = load("name: dev\nclones:\n  - tempalte: slack\n").unwrap_err();
        assert_eq!(err.code(), "ENV_SPEC_INVALID");
        assert!(err.to_string().contains("did you mean `template`"), "{err}");
        let err = load("name: dev\nclone: []\n").unwrap_err();
        assert!(err.to_string().contains("did you mean `clones`"), "{err}");
        let err = load("name: dev\nclones: []\n").unwrap_err();
        assert!(err.to_string().contains("`clones` is empty"), "{err}");
        let err =
            load("name: dev\nclones:\n  - template: slack\n    portRange: 9-1\n").unwrap_err();
        assert!(err.to_string().contains("portRange"), "{err}");
    }

    #[test]
    fn states_roll_up() {
        use CloneState::{Running, Stopped};
        assert_eq!(roll_up(&[Running, Running], 2), "running");
        assert_eq!(roll_up(&[Running], 2), "partial");
        assert_eq!(roll_up(&[Stopped, Running], 2), "partial");
        assert_eq!(roll_up(&[Stopped], 1), "stopped");
        assert_eq!(roll_up(&[], 1), "failed");
    }
}
