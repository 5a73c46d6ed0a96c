//! The Slack clone's server: the kit's start-up around [`slack_backend::app`], on one thread
//! (its calls wait on Postgres: see `asym_kit::run_single_threaded`).

fn main() -> std::process::ExitCode {
    asym_kit::run_single_threaded(|kit| {
        let state = slack_backend::AppState::new(kit);
        state.spawn_worker();
        slack_backend::app(state)
    })
}
