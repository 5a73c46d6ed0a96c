//! The Slack clone's server: the kit's start-up around [`slack_backend::app`].

fn main() -> std::process::ExitCode {
    asym_kit::run(|kit| slack_backend::app(slack_backend::AppState::new(kit)))
}
