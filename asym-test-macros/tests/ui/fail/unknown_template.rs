#[asym::clone("slak")]
async fn posts(slack: asym::AnyClone) {
    let _ = slack;
}

fn main() {}
