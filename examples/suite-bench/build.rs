//! Generates the benchmark's 200 tests, three ways each (see `src/lib.rs`).

use std::fmt::Write as _;

fn main() {
    let count: usize = 200;
    let mut code = String::new();
    for i in 0..count {
        let _ = write!(
            code,
            r#"
#[asym::clone("slack", seed = "basic")]
#[ignore = "benchmark: bash scripts/bench-suite.sh"]
async fn pooled_{i:03}(slack: asym::Slack) {{
    suite_bench::post_and_read(slack.api_url(), slack.bot_token(), "pooled_{i:03}", true).await;
}}

#[tokio::test]
#[ignore = "benchmark: bash scripts/bench-suite.sh"]
async fn shared_{i:03}() {{
    let (api, token) = suite_bench::shared_clone();
    suite_bench::post_and_read(&api, &token, "shared_{i:03}", false).await;
}}

#[tokio::test]
#[ignore = "benchmark: bash scripts/bench-suite.sh"]
async fn fresh_{i:03}() {{
    suite_bench::with_fresh_clone("fresh_{i:03}").await;
}}
"#
        );
    }
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("suite.rs");
    std::fs::write(out, code).expect("write suite.rs");
    println!("cargo:rerun-if-changed=build.rs");
}
