#[asym::clone(slack)]
async fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
