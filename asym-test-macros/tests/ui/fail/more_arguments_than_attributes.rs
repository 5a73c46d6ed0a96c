#[asym::clone("slack")]
async fn posts(slack: asym::Slack, other: asym::Slack) {
    let _ = (slack, other);
}

fn main() {}
