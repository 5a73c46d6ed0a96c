#[asym::clone("slack", seed = "tests/seeds/missing.sql")]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
