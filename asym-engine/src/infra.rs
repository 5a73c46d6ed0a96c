//! The shared Postgres and Redis every clone uses: started on first need, adopted when present.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::InspectContainerOptions;

use crate::docker::{Docker, MANAGED_LABEL};
use crate::error::{Error, Result};
use crate::home::{Config, Home};
use crate::model::PortRange;

/// The default prefix of the shared containers' names (`asym-postgres`, `asym-redis`).
const DEFAULT_NAME: &str = "asym";
/// The bridge network of bridge mode.
pub(crate) const NETWORK: &str = "asym-shared";

const PORT_LABEL: &str = "dev.asym.port";
const NETWORK_LABEL: &str = "dev.asym.network";
const OFFLINE_HINT: &str = "bash scripts/offline-images.sh";

/// How clone and infra containers reach each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// Linux host networking: everything binds its own port on 127.0.0.1; containers reach the
    /// host's loopback (webhook receivers) and skip Docker's userland proxy.
    Host,
    /// The portable `asym-shared` bridge network with ports published on 127.0.0.1.
    Bridge,
}

impl NetworkMode {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "host" => Some(Self::Host),
            "bridge" => Some(Self::Bridge),
            _ => None,
        }
    }

    /// `host` or `bridge`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Bridge => "bridge",
        }
    }
}

/// The running shared infrastructure, as this machine reaches it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Infra {
    /// Network mode of the infra (clones follow it).
    pub network: NetworkMode,
    /// Postgres port on 127.0.0.1.
    pub postgres_port: u16,
    /// Redis port on 127.0.0.1.
    pub redis_port: u16,
    /// Postgres superuser password.
    pub(crate) password: String,
    /// Password of Redis's `default` user; `None` for a shared Redis made before Redis
    /// required one (clones there get no ACL user of their own).
    #[serde(default)]
    pub(crate) redis_password: Option<String>,
    /// The prefix of the containers' names (`<name>-postgres`, `<name>-redis`).
    #[serde(default = "default_name")]
    pub(crate) name: String,
}

fn default_name() -> String {
    DEFAULT_NAME.to_owned()
}

/// The shared containers' names under `config` (`infraName`, default `asym`): Postgres, Redis.
pub(crate) fn container_names(config: &Config) -> [String; 2] {
    [
        Kind::Postgres.container(config),
        Kind::Redis.container(config),
    ]
}

impl Infra {
    /// Connection settings for database `db`, from this machine: as the superuser for
    /// `postgres` (where the engine creates and drops databases and roles), as the clone's
    /// own role for a clone database (see [`Infra::role`]).
    pub(crate) fn pg_config(&self, db: &str) -> tokio_postgres::Config {
        let (user, password) = self.login(db);
        let mut config = self.superuser_config(db);
        config.user(&user).password(password);
        config
    }

    /// Connection settings for database `db` as the superuser (clones made before per-clone
    /// roles existed, and administration).
    pub(crate) fn superuser_config(&self, db: &str) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host("127.0.0.1")
            .port(self.postgres_port)
            .user("postgres")
            .password(&self.password)
            .dbname(db)
            .application_name("asym-engine")
            .connect_timeout(Duration::from_secs(5));
        config
    }

    /// The role that owns clone database `db` (same name) and its password: derived from the
    /// installation's superuser password, so it is random per installation, never stored, and
    /// known only to whoever already holds the superuser password.
    pub(crate) fn role(&self, db: &str) -> (String, String) {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(self.password.as_bytes())
            .chain_update(b"\0asym-clone-role\0")
            .chain_update(db.as_bytes())
            .finalize();
        (db.to_owned(), hex::encode(&digest[..16]))
    }

    fn login(&self, db: &str) -> (String, String) {
        if db == "postgres" {
            ("postgres".to_owned(), self.password.clone())
        } else {
            self.role(db)
        }
    }

    /// `postgres://` URL of clone database `db` as its own role, from this machine.
    pub fn database_url(&self, db: &str) -> String {
        let (user, password) = self.login(db);
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{db}",
            self.postgres_port
        )
    }

    /// `postgres://` URL of clone database `db` as its own role, from inside a clone container.
    pub(crate) fn container_database_url(&self, db: &str) -> String {
        match self.network {
            NetworkMode::Host => self.database_url(db),
            NetworkMode::Bridge => {
                let (user, password) = self.login(db);
                format!(
                    "postgres://{user}:{password}@{}-postgres:5432/{db}",
                    self.name
                )
            }
        }
    }

    /// Redis URL from this machine, as the `default` user (the engine's own).
    pub(crate) fn redis_url(&self) -> String {
        match &self.redis_password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{}", self.redis_port),
            None => format!("redis://127.0.0.1:{}", self.redis_port),
        }
    }

    /// The Redis ACL user of clone `id` (same name) and its password, derived like
    /// [`Infra::role`]; `None` on a shared Redis without a password.
    pub(crate) fn redis_user(&self, id: &str) -> Option<(String, String)> {
        use sha2::{Digest, Sha256};
        let secret = self.redis_password.as_ref()?;
        let digest = Sha256::new()
            .chain_update(secret.as_bytes())
            .chain_update(b"\0asym-clone-redis\0")
            .chain_update(id.as_bytes())
            .finalize();
        Some((id.to_owned(), hex::encode(&digest[..16])))
    }

    /// Redis URL of clone `id` (as its own ACL user), from inside a clone container.
    pub(crate) fn container_redis_url(&self, id: &str) -> String {
        let host = match self.network {
            NetworkMode::Host => format!("127.0.0.1:{}", self.redis_port),
            NetworkMode::Bridge => format!("{}-redis:6379", self.name),
        };
        match self.redis_user(id) {
            Some((user, password)) => format!("redis://{user}:{password}@{host}"),
            None => format!("redis://{host}"),
        }
    }
}

/// The network mode new infra is created with: `config.network`, else host on Linux.
pub(crate) fn preferred_network(config: &Config) -> NetworkMode {
    config
        .network
        .as_deref()
        .and_then(NetworkMode::parse)
        .unwrap_or(if cfg!(target_os = "linux") {
            NetworkMode::Host
        } else {
            NetworkMode::Bridge
        })
}

/// Ensures both shared containers run and answer; adopts existing ones. Safe to race.
pub(crate) async fn ensure(docker: &Docker, home: &Home, config: &Config) -> Result<Infra> {
    let network = preferred_network(config);
    let pg = ensure_container(docker, home, config, Kind::Postgres, network).await?;
    let redis = ensure_container(docker, home, config, Kind::Redis, pg.network).await?;
    let infra = Infra {
        network: pg.network,
        postgres_port: pg.port,
        redis_port: redis.port,
        password: pg.password.unwrap_or_default(),
        redis_password: redis.password,
        name: config.infra_name().to_owned(),
    };
    wait_ready(&infra, config).await?;
    infra.save(home);
    Ok(infra)
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Postgres,
    Redis,
}

struct Adopted {
    network: NetworkMode,
    port: u16,
    password: Option<String>,
}

impl Kind {
    fn container(self, config: &Config) -> String {
        let kind = match self {
            Self::Postgres => "postgres",
            Self::Redis => "redis",
        };
        format!("{}-{kind}", config.infra_name())
    }

    fn inner_port(self) -> u16 {
        match self {
            Self::Postgres => 5432,
            Self::Redis => 6379,
        }
    }

    fn host_ports(self) -> PortRange {
        match self {
            Self::Postgres => PortRange {
                start: 54_320,
                end: 54_399,
            },
            Self::Redis => PortRange {
                start: 63_790,
                end: 63_869,
            },
        }
    }

    fn images(self, config: &Config) -> Vec<String> {
        let (configured, official, offline) = match self {
            Self::Postgres => (
                &config.postgres_image,
                "postgres:16",
                "asym-offline/postgres:15",
            ),
            Self::Redis => (&config.redis_image, "redis:7", "asym-offline/redis:7"),
        };
        match configured {
            Some(image) => vec![image.clone()],
            None => vec![official.to_owned(), offline.to_owned()],
        }
    }

    fn cmd(self, network: NetworkMode, port: u16, password: &str) -> Vec<String> {
        let (listen, port) = match network {
            NetworkMode::Host => ("127.0.0.1", port),
            NetworkMode::Bridge => ("*", self.inner_port()),
        };
        let args: Vec<String> = match self {
            // Test-speed settings: nothing here needs to survive a power cut.
            Self::Postgres => [
                "postgres",
                "-c",
                &format!("listen_addresses={listen}"),
                "-c",
                &format!("port={port}"),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=1000",
                // Statements and Postgres time per request, which the templates' bench.sh
                // print (`CREATE EXTENSION pg_stat_statements` in the `postgres` database).
                "-c",
                "shared_preload_libraries=pg_stat_statements",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            Self::Redis => [
                "redis-server",
                "--bind",
                if listen == "*" { "0.0.0.0" } else { listen },
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                // Clones get ACL users restricted to their own prefix; `default` is the
                // engine's.
                "--requirepass",
                password,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        };
        args
    }
}

async fn adopt(docker: &Docker, config: &Config, kind: Kind) -> Result<Option<Adopted>> {
    let name = &kind.container(config);
    let inspected = match docker
        .api
        .inspect_container(name, None::<InspectContainerOptions>)
        .await
    {
        Ok(c) => c,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => return Ok(None),
        Err(e) => return Err(crate::docker::fail(format!("inspecting {name}"), e)),
    };
    let config = inspected.config.unwrap_or_default();
    let labels = config.labels.unwrap_or_default();
    let env = config.env.unwrap_or_default();
    let password = match kind {
        Kind::Postgres => env
            .iter()
            .find_map(|kv| kv.strip_prefix("POSTGRES_PASSWORD="))
            .map(str::to_owned),
        Kind::Redis => {
            let cmd = config.cmd.unwrap_or_default();
            cmd.iter()
                .position(|arg| arg == "--requirepass")
                .and_then(|i| cmd.get(i + 1).cloned())
        }
    };
    let (Some(network), Some(port)) = (
        labels
            .get(NETWORK_LABEL)
            .and_then(|n| NetworkMode::parse(n)),
        labels.get(PORT_LABEL).and_then(|p| p.parse().ok()),
    ) else {
        return Err(Error::internal(
            format!("container {name} exists but was not made by asym"),
            format!("remove it (`docker rm -f {name}`) or let `asym doctor` repair it"),
        ));
    };
    let running = inspected.state.and_then(|s| s.running).unwrap_or(false);
    if !running {
        docker.start(name).await?;
    }
    Ok(Some(Adopted {
        network,
        port,
        password,
    }))
}

async fn ensure_container(
    docker: &Docker,
    home: &Home,
    config: &Config,
    kind: Kind,
    network: NetworkMode,
) -> Result<Adopted> {
    if let Some(found) = adopt(docker, config, kind).await? {
        return Ok(found);
    }
    let mut image = None;
    for candidate in kind.images(config) {
        if docker.image_digest(&candidate).await?.is_some() {
            image = Some(candidate);
            break;
        }
    }
    let image = match image {
        Some(image) => image,
        None => {
            let candidates = kind.images(config);
            let first = candidates[0].clone();
            match docker.resolve_image(&first, OFFLINE_HINT, || {}).await {
                Ok(_) => first,
                // Neither image is here and no registry answers: build the stand-ins.
                Err(Error::ImageUnavailable { .. }) if candidates.len() > 1 => {
                    crate::images::build_stand_ins(&first, OFFLINE_HINT).await?;
                    candidates[1].clone()
                }
                Err(err) => return Err(err),
            }
        }
    };
    let port = crate::ports::allocate(kind.host_ports(), &BTreeSet::new(), 1)?[0];
    let password = crate::ids::random_hex(16);
    let mut env = vec![];
    if matches!(kind, Kind::Postgres) {
        env.push(format!("POSTGRES_PASSWORD={password}"));
        let listen_port = match network {
            NetworkMode::Host => port,
            NetworkMode::Bridge => kind.inner_port(),
        };
        env.push(format!("PGPORT={listen_port}"));
        // initdb without fsync: ~2-3 s faster first start; the data is disposable.
        env.push("POSTGRES_INITDB_ARGS=--no-sync".to_owned());
        store_password(home, &password);
    }
    let labels = HashMap::from([
        (MANAGED_LABEL.to_owned(), "1".to_owned()),
        ("dev.asym.infra".to_owned(), kind.container(config)),
        (NETWORK_LABEL.to_owned(), network.as_str().to_owned()),
        (PORT_LABEL.to_owned(), port.to_string()),
    ]);
    let host_config = match network {
        NetworkMode::Host => HostConfig {
            network_mode: Some("host".to_owned()),
            restart_policy: Some(crate::docker::unless_stopped()),
            ..Default::default()
        },
        NetworkMode::Bridge => {
            ensure_network(docker).await?;
            HostConfig {
                network_mode: Some(NETWORK.to_owned()),
                restart_policy: Some(crate::docker::unless_stopped()),
                port_bindings: Some(HashMap::from([(
                    format!("{}/tcp", kind.inner_port()),
                    Some(vec![PortBinding {
                        host_ip: Some("127.0.0.1".to_owned()),
                        host_port: Some(port.to_string()),
                    }]),
                )])),
                ..Default::default()
            }
        }
    };
    let body = ContainerCreateBody {
        image: Some(image),
        cmd: Some(kind.cmd(network, port, &password)),
        env: Some(env),
        labels: Some(labels),
        host_config: Some(host_config),
        // Postgres waits for every client on SIGTERM; SIGINT is its fast shutdown.
        stop_signal: matches!(kind, Kind::Postgres).then(|| "SIGINT".to_owned()),
        exposed_ports: Some(HashMap::from([(
            format!("{}/tcp", kind.inner_port()),
            HashMap::new(),
        )])),
        ..Default::default()
    };
    let name = kind.container(config);
    if !docker.create(&name, body).await? {
        // Another process won the race: use its container. Docker reserves the name before
        // the container can be inspected, so give the winner a moment.
        for _ in 0..100 {
            if let Some(found) = adopt(docker, config, kind).await? {
                return Ok(found);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        return Err(Error::internal(
            format!("adopting {name}"),
            "another process reserved the name but no container appeared within 5 s",
        ));
    }
    docker.start(&name).await?;
    Ok(Adopted {
        network,
        port,
        password: Some(password),
    })
}

fn store_password(home: &Home, password: &str) {
    let path = home.root().join("postgres-password");
    let _ = crate::home::write_private(&path, format!("{password}\n").as_bytes());
}

async fn ensure_network(docker: &Docker) -> Result<()> {
    let request = bollard::models::NetworkCreateRequest {
        name: NETWORK.to_owned(),
        labels: Some(HashMap::from([(MANAGED_LABEL.to_owned(), "1".to_owned())])),
        ..Default::default()
    };
    match docker.api.create_network(request).await {
        Ok(_) => Ok(()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => Ok(()),
        Err(e) => Err(crate::docker::fail(
            format!("creating network {NETWORK}"),
            e,
        )),
    }
}

/// Waits until Postgres accepts the superuser and Redis answers PING (first start runs initdb).
async fn wait_ready(infra: &Infra, config: &Config) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match infra.probe().await {
            Ok(()) => return Ok(()),
            Err(why) if Instant::now() > deadline => {
                return Err(Error::internal(
                    format!(
                        "shared Postgres/Redis did not become ready within 90 s; see `docker logs {}`",
                        Kind::Postgres.container(config)
                    ),
                    why,
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

impl Infra {
    /// Checks that Postgres accepts the superuser and Redis answers PING.
    pub(crate) async fn probe(&self) -> std::result::Result<(), String> {
        let pg = async {
            let (client, conn) = self
                .pg_config("postgres")
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(|e| format!("postgres: {e}"))?;
            tokio::spawn(conn);
            client
                .simple_query("SELECT 1")
                .await
                .map(|_| ())
                .map_err(|e| format!("postgres: {e}"))
        };
        let redis = async {
            let client =
                redis::Client::open(self.redis_url()).map_err(|e| format!("redis: {e}"))?;
            let mut conn = client
                .get_multiplexed_async_connection()
                .await
                .map_err(|e| format!("redis: {e}"))?;
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .map(|_| ())
                .map_err(|e| format!("redis: {e}"))
        };
        let checks = async { tokio::try_join!(pg, redis).map(|_| ()) };
        tokio::time::timeout(Duration::from_secs(2), checks)
            .await
            .unwrap_or_else(|_| Err("no answer within 2 s".to_owned()))
    }

    /// The facts `infra.json` recorded, unchecked: enough to build URLs.
    pub(crate) fn load(home: &Home) -> Option<Self> {
        let text = std::fs::read_to_string(cache_path(home)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// The infra last seen running, from `infra.json`, if its ports still answer (no Docker
    /// and no Postgres login: the hot path of a fresh test process, where a SCRAM login in an
    /// unoptimised test build costs ~100 ms). A stale password is caught at the first login.
    pub(crate) async fn cached(home: &Home) -> Option<Self> {
        let infra = Self::load(home)?;
        let pg = tokio::net::TcpStream::connect(("127.0.0.1", infra.postgres_port));
        let redis = async {
            let client = redis::Client::open(infra.redis_url()).ok()?;
            let mut conn = client.get_multiplexed_async_connection().await.ok()?;
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .ok()
        };
        let (pg, redis) =
            tokio::time::timeout(Duration::from_secs(1), async { tokio::join!(pg, redis) })
                .await
                .ok()?;
        (pg.is_ok() && redis.is_some()).then_some(infra)
    }

    fn save(&self, home: &Home) {
        if let Ok(json) = serde_json::to_vec(self) {
            let _ = crate::home::write_private(&cache_path(home), &json);
        }
    }
}

fn cache_path(home: &Home) -> std::path::PathBuf {
    home.root().join("infra.json")
}
