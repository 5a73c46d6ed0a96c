//! `asym pin`.

use std::path::{Path, PathBuf};

use asym_engine::{Error, Provider, lock_path, read_pins, write_pins};

/// Show or refresh the image digests pinned in a crate's asym.lock.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Run inside a crate (asym.lock sits beside its Cargo.toml).\n\nExamples:\n  asym pin\n  asym pin --update slack"
)]
pub(crate) struct Args {
    /// Re-resolve the digests (of the named templates, or all pinned ones).
    #[arg(long)]
    update: bool,
    /// Templates to update (all pinned ones when absent).
    templates: Vec<String>,
}

/// The nearest directory holding a Cargo.toml, from the current directory up.
fn crate_dir() -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::Internal {
        context: "reading the current directory".into(),
        source: e.into(),
    })?;
    cwd.ancestors()
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::Internal {
            context: "no Cargo.toml here or above".into(),
            source: "run `asym pin` inside the crate whose tests use asym".into(),
        })
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    let dir = crate_dir()?;
    let path = lock_path(&dir.to_string_lossy());
    let mut pins = read_pins(&path);
    if args.update {
        let names: Vec<String> = if args.templates.is_empty() {
            pins.keys().cloned().collect()
        } else {
            args.templates
        };
        for name in names {
            let digest = provider.resolve_image(&name).await?;
            println!(
                "{name}: {} -> {digest}",
                pins.get(&name).map_or("(none)", String::as_str)
            );
            pins.insert(name, digest);
        }
        write_pins(&path, &pins).map_err(|e| Error::Internal {
            context: format!("writing {}", path.display()),
            source: e.into(),
        })?;
        return Ok(());
    }
    if pins.is_empty() {
        println!(
            "{}: no pins yet (the first test run writes them)",
            path.display()
        );
    }
    for (name, digest) in &pins {
        println!("{name} = {digest}");
    }
    Ok(())
}
