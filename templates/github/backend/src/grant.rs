//! What an installation access token carries: when it expires, the repositories it was
//! narrowed to, and the permissions it holds. It is kept in the credential's scopes
//! (`expires:<unix>`, `repository:<id>`, `permission:<name>:<level>`), so the lookup that
//! authenticates a token reads it too. The permissions are always written out: a token minted
//! by `POST /app/installations/{id}/access_tokens` without `permissions`, and the `app` token
//! provisioning makes, carry the app's ([`app_permissions`], which reads them from
//! `gh_app_permissions()`, their one source), so nothing reading a grant needs a fallback.

use asym_kit::deadpool_postgres::GenericClient;

/// A minted token's limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Unix seconds after which the token is refused (`None`: the provisioned `app` token).
    pub(crate) expires: Option<i64>,
    /// The repositories it reaches (`None`: every repository of the installation).
    pub(crate) repositories: Option<Vec<i64>>,
    /// The permissions it holds, `(name, level)` (`metadata: read` besides, always).
    pub(crate) permissions: Vec<(String, String)>,
}

impl Grant {
    /// The scopes that store it.
    pub(crate) fn scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = self
            .expires
            .map(|at| format!("expires:{at}"))
            .into_iter()
            .collect();
        if let Some(ids) = &self.repositories {
            // An empty narrowing still narrows (to nothing): mark it.
            scopes.push("repositories".to_owned());
            scopes.extend(ids.iter().map(|id| format!("repository:{id}")));
        }
        scopes.extend(
            self.permissions
                .iter()
                .map(|(name, level)| format!("permission:{name}:{level}")),
        );
        scopes
    }

    /// Reads it back from a credential's scopes.
    pub(crate) fn from_scopes(scopes: &[String]) -> Self {
        let mut grant = Self::default();
        for scope in scopes {
            if let Some(at) = scope.strip_prefix("expires:") {
                grant.expires = at.parse().ok();
            } else if scope == "repositories" {
                grant.repositories.get_or_insert_with(Vec::new);
            } else if let Some(id) = scope.strip_prefix("repository:") {
                if let Ok(id) = id.parse() {
                    grant.repositories.get_or_insert_with(Vec::new).push(id);
                }
            } else if let Some((name, level)) = scope
                .strip_prefix("permission:")
                .and_then(|rest| rest.split_once(':'))
            {
                grant.permissions.push((name.to_owned(), level.to_owned()));
            }
        }
        grant
    }

    /// Whether the token has expired at `now` (Unix seconds).
    pub(crate) fn expired(&self, now: i64) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }

    /// Whether it reaches the repository `id`.
    pub(crate) fn reaches(&self, id: i64) -> bool {
        self.repositories
            .as_ref()
            .is_none_or(|ids| ids.contains(&id))
    }
}

/// The permissions the clone's app is granted, `(name, level)` by name, as the migrations'
/// `gh_app_permissions()` holds them: what provisioning and minting store in a token that is
/// not narrowed.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn app_permissions(
    client: &impl GenericClient,
) -> Result<Vec<(String, String)>, asym_kit::tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT key, value FROM jsonb_each_text(gh_app_permissions()) ORDER BY key",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

#[cfg(test)]
mod tests {
    use super::Grant;

    #[test]
    fn a_grant_survives_its_scopes() {
        let grant = Grant {
            expires: Some(1_700_003_600),
            repositories: Some(vec![1, 10_001]),
            permissions: vec![("issues".into(), "read".into())],
        };
        assert_eq!(Grant::from_scopes(&grant.scopes()), grant);
        let nothing = Grant {
            repositories: Some(Vec::new()),
            ..Grant::default()
        };
        assert_eq!(Grant::from_scopes(&nothing.scopes()), nothing);
        assert!(!nothing.reaches(1));
        assert!(Grant::default().reaches(1));
        assert!(grant.expired(1_700_003_600) && !grant.expired(1_700_003_599));
    }
}
