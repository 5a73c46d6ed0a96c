#[asym::clone("slack")]
async fn posts(slack: asym::Stripe) {
    let _ = slack;
}

fn main() {}
