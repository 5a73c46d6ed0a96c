#[asym::clone("slack")]
#[test]
fn posts(slack: asym::Slack) {
    let _ = slack;
}

fn main() {}
