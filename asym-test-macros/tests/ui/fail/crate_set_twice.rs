#[asym::clone("slack")]
#[asym::clone("slack", crate = "my_asym")]
fn posts(a: asym::Slack, b: asym::Slack) {
    let _ = (a, b);
}

fn main() {}
