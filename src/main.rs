use std::process::ExitCode;

use clap::Parser;
use gatelint::cli::{Cli, run, with_default_subcommand};

fn main() -> ExitCode {
    let args = with_default_subcommand(std::env::args().collect());
    run(Cli::parse_from(args))
}
