//! A clone reaches only its own data: its database role owns its database and nothing else,
//! and its Redis user sees only its own prefix.

use std::process::Command;

use tokio_postgres::NoTls;

/// `REDIS_URL` as the engine injected it into the clone's backend container.
fn backend_redis_url(clone: &asym::AnyClone) -> String {
    let out = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{range .Config.Env}}{{println .}}{{end}}",
            &format!("asym-{}-backend", clone.id()),
        ])
        .output()
        .expect("docker inspect");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("REDIS_URL="))
        .expect("the backend has REDIS_URL")
        .to_owned()
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

fn sql_state(err: &tokio_postgres::Error) -> String {
    err.code().map(|c| c.code().to_owned()).unwrap_or_default()
}

#[asym::clone("slack", seed = "basic")]
#[asym::clone("stripe", seed = "basic")]
async fn a_clone_reaches_only_its_own_database(slack: asym::AnyClone, stripe: asym::AnyClone) {
    let url = slack.database_url();
    assert!(
        !url.starts_with("postgres://postgres:"),
        "databaseUrl must not carry the superuser: {url}"
    );
    let own = connect(url).await.expect("the clone's role logs in");
    let row = own
        .query_one(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
             FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await
        .unwrap();
    for i in 0..5 {
        assert!(!row.get::<_, bool>(i), "attribute {i} of the clone's role");
    }
    let owner: String = own
        .query_one(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        owner,
        own.query_one("SELECT current_user::text", &[])
            .await
            .unwrap()
            .get::<_, String>(0)
    );

    // Another clone's database refuses this role.
    let (base, _) = url.rsplit_once('/').unwrap();
    let other_db = stripe.database_url().rsplit_once('/').unwrap().1.to_owned();
    let err = connect(&format!("{base}/{other_db}")).await.unwrap_err();
    assert_eq!(sql_state(&err), "42501", "{err}");

    // No way out through the server: extensions that reach other databases, server programs.
    for (sql, states) in [
        ("CREATE EXTENSION dblink", &["42501", "0A000", "58P01"][..]),
        ("COPY (SELECT 1) TO PROGRAM 'true'", &["42501"][..]),
        ("CREATE ROLE intruder", &["42501"][..]),
        ("CREATE DATABASE intruder", &["42501"][..]),
        ("ALTER ROLE CURRENT_USER SUPERUSER", &["42501"][..]),
    ] {
        let err = own.batch_execute(sql).await.unwrap_err();
        assert!(states.contains(&sql_state(&err).as_str()), "{sql}: {err}");
    }
}

#[asym::clone("slack", seed = "basic")]
#[asym::clone("stripe", seed = "basic")]
async fn a_clone_reaches_only_its_own_redis_keys(slack: asym::AnyClone, stripe: asym::AnyClone) {
    let url = backend_redis_url(&slack);
    let mut own = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("the clone's Redis user logs in");
    let mine = format!("{}:probe", slack.id());
    let () = redis::cmd("SET")
        .arg(&mine)
        .arg("1")
        .query_async(&mut own)
        .await
        .unwrap();
    let theirs = format!("{}:probe", stripe.id());
    for command in [
        redis::cmd("GET").arg(&theirs).clone(),
        redis::cmd("SET").arg(&theirs).arg("x").clone(),
        redis::cmd("FLUSHALL").clone(),
        redis::cmd("KEYS").arg("*").clone(),
        redis::cmd("CONFIG").arg("GET").arg("requirepass").clone(),
    ] {
        let err = command
            .query_async::<redis::Value>(&mut own)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("NOPERM"), "{err}");
    }

    // Without credentials, Redis answers nothing.
    let anonymous = url
        .split_once('@')
        .map(|(_, host)| format!("redis://{host}"))
        .unwrap();
    let mut anon = redis::Client::open(anonymous.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let err = redis::cmd("GET")
        .arg(&mine)
        .query_async::<redis::Value>(&mut anon)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("NOAUTH"), "{err}");
}

/// A write committing while a reset runs is wholly undone by it or wholly kept and recorded
/// (so the next reset undoes it): never kept and forgotten, leaking into every later test.
/// The write changes `conversations` (which the reset restores first) and holds a row of
/// `users` the reset must restore too, and commits only once the reset waits on it.
#[asym::clone("slack", seed = "basic")]
async fn a_write_racing_a_reset_is_never_kept_and_forgotten(slack: asym::AnyClone) {
    let names = "SELECT string_agg(name, ',' ORDER BY id) FROM conversations";
    let real_names = "SELECT string_agg(real_name, ',' ORDER BY id) FROM users";
    let baseline = (
        slack.column(names).await.unwrap(),
        slack.column(real_names).await.unwrap(),
    );
    let writer = connect(slack.database_url()).await.unwrap();
    let resetter = connect(slack.database_url()).await.unwrap();
    // Recorded and committed before the reset starts: the reset restores this row of users.
    writer
        .batch_execute(
            "UPDATE users SET real_name = 'before' WHERE id = (SELECT min(id) FROM users)",
        )
        .await
        .unwrap();
    writer
        .batch_execute(
            "BEGIN;
             UPDATE conversations SET name = name || '-raced' WHERE id = (SELECT min(id) FROM conversations);
             UPDATE users SET real_name = 'raced' WHERE id = (SELECT min(id) FROM users);",
        )
        .await
        .unwrap();
    let pid: i32 = resetter
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    let reset = tokio::spawn(async move {
        resetter
            .batch_execute("SELECT asym_snap_baseline.restore()")
            .await
    });
    let waiting =
        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'";
    loop {
        let row = writer.query_one(waiting, &[&pid]).await.unwrap();
        if row.get::<_, i64>(0) == 1 {
            break;
        }
        assert!(
            !reset.is_finished(),
            "the reset did not wait for the write in flight"
        );
        tokio::task::yield_now().await;
    }
    writer.batch_execute("COMMIT").await.unwrap();
    reset.await.unwrap().unwrap();
    assert_eq!(
        (
            slack.column(names).await.unwrap(),
            slack.column(real_names).await.unwrap()
        ),
        baseline,
        "the reset undid the write that committed while it waited"
    );
    let records = slack
        .column("SELECT count(*)::text FROM asym_track.rows")
        .await
        .unwrap();
    assert_eq!(records, ["0"], "nothing recorded outlives the reset");
}

/// Two `ASYM_HOME`s spinning at once in one port range never pick the same port.
#[test]
fn two_homes_spinning_at_once_share_the_port_range() {
    use crate::common::{TestHome, spun};
    let homes = [
        TestHome::new("4300-4311", serde_json::json!({})),
        TestHome::new("4300-4311", serde_json::json!({})),
    ];
    let children: Vec<_> = homes
        .iter()
        .flat_map(|h| h.spawn_spins("slack", 2))
        .collect();
    let ports: Vec<String> = children
        .into_iter()
        .map(|child| {
            spun(child)[0]["endpoints"]["api"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let distinct: std::collections::BTreeSet<_> = ports.iter().collect();
    assert_eq!(distinct.len(), ports.len(), "{ports:?}");
    for home in &homes {
        assert!(home.asym(&["destroy", "--all"]).status.success());
    }
}
