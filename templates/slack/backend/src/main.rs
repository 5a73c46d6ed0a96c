//! The Slack clone's server: the kit's start-up around [`slack_backend::app`].

fn main() -> std::process::ExitCode {
    asym_kit::run(|kit| {
        let state = slack_backend::AppState::new(kit);
        state.spawn_worker();
        slack_backend::app(state)
    })
}
