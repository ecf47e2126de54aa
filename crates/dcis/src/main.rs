//! The `dcis` binary. `main` parses the command line and hands over to
//! `cli::run`; everything else lives in the library crates.

mod cli;
mod config;
mod geo;
mod import;
mod report;
mod serve;

fn main() -> std::process::ExitCode {
    cli::main()
}
