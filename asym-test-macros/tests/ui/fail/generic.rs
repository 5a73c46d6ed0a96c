#[asym::clone("slack")]
async fn posts<C: Send>(clone: C) {
    let _ = clone;
}

fn main() {}
