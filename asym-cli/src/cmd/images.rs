//! `asym images`.

use asym_engine::{Error, Provider, build_images};

use crate::output;

/// Manage clone images.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: ImagesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ImagesCommand {
    /// Build clone images from source (static binaries in `FROM scratch` images).
    #[command(
        after_help = "Example:\n  asym images build\n  asym images build slack\n  asym images build slack --tag before"
    )]
    Build {
        /// Templates to build (all when absent).
        templates: Vec<String>,
        /// Tag the images TAG instead of the manifests' tags, leaving the images clones run
        /// untouched (e.g. to compare two checkouts' images).
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<(), Error> {
    match args.command {
        ImagesCommand::Build {
            templates,
            tag,
            json,
        } => {
            let built = build_images(provider.catalog(), &templates, tag.as_deref(), |line| {
                eprintln!("asym: {line}");
            })
            .await?;
            if json {
                return output::json(&built);
            }
            for image in &built {
                println!(
                    "{}  {}  {:.1} MB",
                    image.image,
                    image.digest,
                    image.size as f64 / 1e6
                );
            }
            Ok(())
        }
    }
}
