//! The `#[asym::clone]` attribute of [asym](https://docs.rs/asym-test): a test function that
//! receives local clones of SaaS APIs.
//!
//! Use it through the `asym-test` crate, which re-exports it as `asym::clone` and provides the
//! runtime the expansion calls; this crate only parses, validates and expands.

use proc_macro::TokenStream;

mod catalog;
mod expand;

/// Makes a function a test that receives leased, freshly reset clones.
///
/// ```no_run
/// #[asym::clone("slack", seed = "basic")]
/// async fn alert_is_posted(slack: asym::Slack) {
///     let _token = slack.bot_token();
/// }
/// # fn main() {}
/// ```
///
/// # Arguments
///
/// - the template name, first, as a string literal: `"slack"`;
/// - `seed = "..."`: a fixture of the template (`"basic"`), or a path to your own `.sql` file
///   relative to the crate's `Cargo.toml` (any value ending in `.sql` or containing `/`);
/// - `mode = "..."`: one of the template's modes (default: its first);
/// - `crate = "..."`: the name under which your `Cargo.toml` renamed the `asym-test`
///   dependency (default `asym`).
///
/// # Several clones
///
/// Stack one attribute per clone; the n-th attribute's clone goes to the n-th argument:
///
/// ```no_run
/// #[asym::clone("slack", seed = "basic")]
/// #[asym::clone("slack")]
/// fn two_workspaces(a: asym::Slack, b: asym::AnyClone) -> Result<(), String> {
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// # Function
///
/// A plain or `async` `fn` without `self` or generics, returning `()` or `Result<(), E>` with
/// `E: Debug`. Each argument is `asym::AnyClone` or the typed handle of its template
/// (`asym::Slack` for `"slack"`, …). The attribute makes the function a `#[test]`, so do not add
/// `#[test]` or `#[tokio::test]`; `#[ignore]`, `#[should_panic]`, docs and lint levels apply
/// to the test as usual.
///
/// Mistakes are compile errors at the offending token: an unknown template, fixture, mode or
/// argument, a missing seed file, an argument count or handle type that does not match the
/// attributes, or a signature a test cannot have. Templates, fixtures and modes are checked
/// against the asym checkout this macro was built from plus the templates under
/// `ASYM_TEMPLATE_PATH`.
#[proc_macro_attribute]
pub fn clone(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::clone(args.into(), item.into()).into()
}
