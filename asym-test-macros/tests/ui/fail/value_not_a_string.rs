#[asym::clone("slack", seed = basic)]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
