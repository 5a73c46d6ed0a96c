//! What a test asks for, as the macro writes it: the test itself and one request per
//! `#[asym::clone(...)]` attribute.

/// The test being run.
#[derive(Debug, Clone, Copy)]
pub struct Test {
    /// Its path (`module::name`), named in lease files and failure messages.
    pub name: &'static str,
    /// Its crate's directory (where `asym.lock` and seed files are).
    pub manifest_dir: &'static str,
    /// `#[should_panic]`: the `expected` text (`""` for any panic).
    pub should_panic: Option<&'static str>,
}

/// One `#[asym::clone(...)]` attribute.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// Template name.
    pub template: &'static str,
    /// Fixture name, or path of a `.sql` file relative to the crate.
    pub seed: Option<&'static str>,
    /// Mode (default: the template's first).
    pub mode: Option<&'static str>,
}
