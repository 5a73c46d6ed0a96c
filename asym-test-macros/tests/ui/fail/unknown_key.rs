#[asym::clone("slack", sed = "basic")]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
