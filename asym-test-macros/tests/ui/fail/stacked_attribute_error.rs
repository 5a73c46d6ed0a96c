#[asym::clone("slack", seed = "basic")]
#[asym::clone("slack", sed = "basic")]
async fn two_workspaces(a: asym::Slack, b: asym::Slack) {
    let _ = (a, b);
}

fn main() {}
