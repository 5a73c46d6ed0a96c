#[asym::clone]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
