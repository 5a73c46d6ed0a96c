#[asym::clone("slack")]
async fn posts(clone: impl Send) {
    let _ = clone;
}

fn main() {}
