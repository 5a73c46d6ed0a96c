//! `#[asym::clone]` as users meet it: a compile error for every mistake (trybuild, with the
//! expected messages in `tests/ui/fail/*.stderr`), and the accepted shapes compiled as real
//! tests against the runtime.
//!
//! Messages name the closest template, fixture or mode rather than listing them all, so adding
//! one does not change these files; if a message changes on purpose,
//! regenerate with `TRYBUILD=overwrite cargo test -p asym-test-macros --test ui` and review the
//! `.stderr` diff.

#![deny(clippy::all, clippy::pedantic)]

// A renamed dependency, as `crate = "my_asym"` is for.
extern crate asym as my_asym;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}

/// Tests as users write them, expanded and type-checked against `asym::__private` and linted
/// (clippy `--all-targets`). Ignored: running them needs Docker, which the examples' tests use.
mod expanded {
    #[derive(Debug)]
    struct Failure;

    /// An async test returning a `Result`, with every argument.
    #[asym::clone("slack", seed = "basic", mode = "api")]
    #[ignore = "needs Docker; compiled to check the expansion"]
    async fn async_with_result(slack: asym::Slack) -> Result<(), Failure> {
        let rows = slack.query("select 1").await.map_err(|_| Failure)?;
        if rows.is_empty() || slack.bot_token().is_empty() {
            return Err(Failure);
        }
        Ok(())
    }

    #[asym::clone("slack", seed = "../templates/slack/seeds/basic.sql")]
    #[ignore = "needs Docker; compiled to check the expansion"]
    fn plain_fn_with_a_seed_file(clone: asym::AnyClone) {
        assert!(!clone.api_url().is_empty());
    }

    #[asym::clone("slack", seed = "basic")]
    #[::asym::clone("slack")]
    #[ignore = "needs Docker; compiled to check the expansion"]
    async fn stacked(first: asym::Slack, second: ::asym::AnyClone) {
        second.reset().await.expect("reset");
        assert_ne!(first.api_url(), second.api_url());
    }

    #[my_asym::clone("slack", crate = "my_asym")]
    #[ignore = "needs Docker; compiled to check the expansion"]
    fn renamed_dependency(slack: my_asym::Slack) -> Result<(), String> {
        slack
            .bot_token()
            .starts_with("xoxb-")
            .then_some(())
            .ok_or_else(String::new)
    }
}
