//! Every shape `#[asym::clone]` accepts. trybuild compiles this as a binary, where the tests
//! themselves are compiled out; `tests/ui.rs` compiles the same shapes as tests.
#![deny(warnings)]

extern crate asym as my_asym;

/// A documented async test returning a `Result`, with every argument.
#[asym::clone("slack", seed = "basic", mode = "api")]
#[ignore = "needs Docker"]
async fn async_with_result(slack: asym::Slack) -> Result<(), String> {
    let _ = slack.bot_token();
    Ok(())
}

#[asym::clone("slack")]
fn plain_fn(clone: asym::AnyClone) {
    let _ = clone.api_url();
}

#[asym::clone("slack", seed = "basic")]
#[::asym::clone("slack")]
#[asym::clone("slack",)]
#[allow(clippy::similar_names)]
async fn stacked(a: asym::Slack, b: ::asym::AnyClone, c: asym::Slack) {
    let _ = (a, b, c);
}

#[my_asym::clone("slack", crate = "my_asym")]
#[my_asym::clone("slack")]
async fn renamed_dependency(a: my_asym::Slack, b: my_asym::AnyClone) {
    let _ = (a, b);
}

mod nested {
    #[asym::clone("slack")]
    #[should_panic(expected = "boom")]
    fn should_panic(_: asym::Slack) {
        panic!("boom");
    }
}

fn main() {}
