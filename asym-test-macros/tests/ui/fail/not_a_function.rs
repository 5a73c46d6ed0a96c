#[asym::clone("slack")]
struct Posts {
    slack: asym::Slack,
}

fn main() {}
