//! The Stripe clone's server: the kit's start-up around [`stripe_backend::app`].

fn main() -> std::process::ExitCode {
    asym_kit::run(|kit| stripe_backend::app(stripe_backend::AppState::new(kit)))
}
