use asym::{AnyClone, Linear};

#[asym::clone("slack")]
#[asym::clone("slack")]
#[asym::clone("slack")]
async fn three_workspaces(first: asym::Slack, second: Linear, any: AnyClone) {
    let _ = (first, second, any);
}

fn main() {}
