#[asym::clone("slak")]
async fn posts(slack: asym::Clone) {
    let _ = slack;
}

fn main() {}
