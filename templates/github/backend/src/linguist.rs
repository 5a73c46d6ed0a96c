//! Which language a file counts toward in a repository's languages (`GET …/languages`, the
//! repository's `language`), as GitHub's linguist maps the common cases: by file name or
//! extension only, never by content. Only programming and markup languages count (linguist
//! leaves data and prose out: JSON, YAML, TOML, XML, SQL, Markdown, plain text), and files
//! under vendored or documentation directories are skipped. Ambiguous extensions take
//! linguist's most common answer (`.h` is C, `.m` Objective-C, `.fs` F#, `.pl` Perl) where
//! linguist would read the file's content to decide.

/// Languages by exact file name.
const NAMES: [(&str, &str); 8] = [
    ("Dockerfile", "Dockerfile"),
    ("Makefile", "Makefile"),
    ("makefile", "Makefile"),
    ("GNUmakefile", "Makefile"),
    ("CMakeLists.txt", "CMake"),
    ("Rakefile", "Ruby"),
    ("Gemfile", "Ruby"),
    ("Jenkinsfile", "Groovy"),
];

/// Languages by extension (lowercase, without the dot).
const EXTENSIONS: [(&str, &str); 68] = [
    ("rs", "Rust"),
    ("py", "Python"),
    ("pyi", "Python"),
    ("pyw", "Python"),
    ("js", "JavaScript"),
    ("mjs", "JavaScript"),
    ("cjs", "JavaScript"),
    ("jsx", "JavaScript"),
    ("ts", "TypeScript"),
    ("mts", "TypeScript"),
    ("cts", "TypeScript"),
    ("tsx", "TSX"),
    ("go", "Go"),
    ("java", "Java"),
    ("kt", "Kotlin"),
    ("kts", "Kotlin"),
    ("rb", "Ruby"),
    ("php", "PHP"),
    ("c", "C"),
    ("h", "C"),
    ("cc", "C++"),
    ("cpp", "C++"),
    ("cxx", "C++"),
    ("c++", "C++"),
    ("hpp", "C++"),
    ("hh", "C++"),
    ("hxx", "C++"),
    ("cs", "C#"),
    ("swift", "Swift"),
    ("m", "Objective-C"),
    ("mm", "Objective-C++"),
    ("scala", "Scala"),
    ("sh", "Shell"),
    ("bash", "Shell"),
    ("zsh", "Shell"),
    ("ps1", "PowerShell"),
    ("psm1", "PowerShell"),
    ("pl", "Perl"),
    ("pm", "Perl"),
    ("lua", "Lua"),
    ("r", "R"),
    ("dart", "Dart"),
    ("ex", "Elixir"),
    ("exs", "Elixir"),
    ("erl", "Erlang"),
    ("hs", "Haskell"),
    ("clj", "Clojure"),
    ("cljs", "Clojure"),
    ("ml", "OCaml"),
    ("fs", "F#"),
    ("groovy", "Groovy"),
    ("zig", "Zig"),
    ("nix", "Nix"),
    ("vim", "Vim Script"),
    ("jl", "Julia"),
    ("tf", "HCL"),
    ("cmake", "CMake"),
    ("mk", "Makefile"),
    ("html", "HTML"),
    ("htm", "HTML"),
    ("css", "CSS"),
    ("scss", "SCSS"),
    ("sass", "Sass"),
    ("less", "Less"),
    ("vue", "Vue"),
    ("svelte", "Svelte"),
    ("tex", "TeX"),
    ("ipynb", "Jupyter Notebook"),
];

/// Directories whose files linguist leaves out (vendored code and documentation).
const SKIPPED: [&str; 6] = [
    "vendor/",
    "node_modules/",
    "third_party/",
    "docs/",
    "doc/",
    "Documentation/",
];

/// The language the file at `path` counts toward, if any.
pub(crate) fn language(path: &str) -> Option<&'static str> {
    if SKIPPED
        .iter()
        .any(|dir| path.starts_with(dir) || path.contains(&format!("/{dir}")))
    {
        return None;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, language)) = NAMES.iter().find(|(n, _)| *n == name) {
        return Some(language);
    }
    let (stem, extension) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    let extension = extension.to_ascii_lowercase();
    EXTENSIONS
        .iter()
        .find(|(e, _)| *e == extension)
        .map(|(_, language)| *language)
}

/// Bytes per language from `(language, bytes)` of each file: most bytes first (ties by
/// name), as GitHub orders them.
pub(crate) fn tally(
    files: impl IntoIterator<Item = (&'static str, i64)>,
) -> Vec<(&'static str, i64)> {
    let mut totals: Vec<(&'static str, i64)> = Vec::new();
    for (language, bytes) in files {
        match totals.iter_mut().find(|(l, _)| *l == language) {
            Some((_, total)) => *total += bytes,
            None => totals.push((language, bytes)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    totals
}

#[cfg(test)]
mod tests {
    use super::{language, tally};

    #[test]
    fn files_map_by_name_or_extension_and_data_prose_vendored_are_left_out() {
        assert_eq!(language("src/main.rs"), Some("Rust"));
        assert_eq!(language("web/App.TSX"), Some("TSX"));
        assert_eq!(language("Dockerfile"), Some("Dockerfile"));
        assert_eq!(language("build/Makefile"), Some("Makefile"));
        assert_eq!(language("README.md"), None);
        assert_eq!(language("package.json"), None);
        assert_eq!(language(".bashrc"), None);
        assert_eq!(language("vendor/lib.go"), None);
        assert_eq!(language("web/node_modules/x/index.js"), None);
        assert_eq!(language("docs/conf.py"), None);
    }

    #[test]
    fn totals_are_summed_and_ordered_by_bytes() {
        assert_eq!(
            tally([("Python", 10), ("Rust", 7), ("Python", 2), ("C", 12)]),
            [("C", 12), ("Python", 12), ("Rust", 7)]
        );
    }
}
