//! `asym completions`.

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  asym completions bash > /etc/bash_completion.d/asym")]
pub(crate) struct Args {
    /// The shell.
    shell: clap_complete::Shell,
}

pub(crate) fn run(args: &Args, command: &mut clap::Command) {
    clap_complete::generate(args.shell, command, "asym", &mut std::io::stdout());
}
