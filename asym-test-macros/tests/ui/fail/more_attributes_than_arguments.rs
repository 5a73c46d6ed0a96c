#[asym::clone("slack")]
#[asym::clone("slack")]
fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
