#[asym::clone("slack")]
async fn posts() {}

fn main() {}
