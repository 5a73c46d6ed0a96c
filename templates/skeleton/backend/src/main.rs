//! The skeleton clone's server: everything is in the library and the kit.

fn main() -> std::process::ExitCode {
    asym_kit::run(skeleton_backend::app)
}
