//! A test process for the harness end-to-end tests: `hold <marker>` leases a Slack clone, dirties
//! it, writes the clone id to `<marker>` and waits to be killed; `check <marker>` leases one and
//! writes `<id> clean` or `<id> dirty` depending on whether it is back at the seed; `dirty`
//! dirties one, writes its id and passes; `fail` leases one, writes its id, sends it a
//! message to a channel that does not exist and fails;
//! `should-panic` does the same as a `#[should_panic(expected = "on purpose")]` test.

use std::time::Duration;

use asym::__private::{Request, Test, run_async};

const SLACK: &[Request] = &[Request {
    template: "slack",
    seed: Some("basic"),
    mode: None,
}];

const DIRTY: &str = "written by a process that was then killed";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, marker) = match args.as_slice() {
        [_, mode, marker] => (mode.clone(), marker.clone()),
        _ => {
            eprintln!("usage: asym-e2e-child hold|dirty|check|fail|should-panic <marker-file>");
            std::process::exit(2);
        }
    };
    run_async(
        Test {
            name: "e2e::child",
            manifest_dir: env!("CARGO_MANIFEST_DIR"),
            should_panic: (mode == "should-panic").then_some("on purpose"),
        },
        SLACK,
        |mut clones| {
            let slack: asym::Slack = clones.next();
            async move {
                let dirty = slack
                    .query(&format!(
                        "select count(*) from messages where text = '{DIRTY}'"
                    ))
                    .await
                    .expect("query")[0]
                    .get::<_, i64>(0);
                if mode == "hold" || mode == "dirty" {
                    slack
                        .query(&format!(
                            "insert into messages (channel_id, ts, team_id, text) \
                         select channel_id, ts + 1, team_id, '{DIRTY}' from messages limit 1"
                        ))
                        .await
                        .expect("dirty the clone");
                    std::fs::write(&marker, slack.id()).expect("write marker");
                    if mode == "hold" {
                        tokio::time::sleep(Duration::from_secs(600)).await;
                    }
                } else if mode == "fail" || mode == "should-panic" {
                    std::fs::write(&marker, slack.id()).expect("write marker");
                    // A request whose answer the failure report shows.
                    reqwest::Client::new()
                        .post(format!("{}/chat.postMessage", slack.api_url()))
                        .bearer_auth(slack.bot_token())
                        .form(&[("channel", "C404"), ("text", "hi")])
                        .send()
                        .await
                        .expect("post");
                    panic!("this test fails on purpose");
                } else {
                    let state = if dirty == 0 { "clean" } else { "dirty" };
                    std::fs::write(&marker, format!("{} {state}", slack.id()))
                        .expect("write marker");
                }
            }
        },
    );
}
