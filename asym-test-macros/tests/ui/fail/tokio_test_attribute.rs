#[asym::clone("slack")]
#[tokio::test]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
