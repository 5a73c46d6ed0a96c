#[asym::clone("slack", mode = "ap")]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
