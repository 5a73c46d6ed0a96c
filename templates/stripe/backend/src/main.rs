//! The Stripe clone's server: the kit's start-up around [`stripe_backend::app`], on one thread
//! (its calls wait on Postgres: see `asym_kit::run_single_threaded`).

fn main() -> std::process::ExitCode {
    asym_kit::run_single_threaded(stripe_backend::app)
}
