#[asym::clone("slack", seed = "basc")]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
