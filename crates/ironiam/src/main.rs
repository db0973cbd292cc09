//! `ironiam`: a self-hostable, AWS-compatible IAM.
//!
//! `main` only parses the command line and dispatches: each command lives in its own
//! module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod report;
mod serve;
mod simulate;

/// Self-hostable, AWS-compatible IAM with real MFA.
#[derive(Debug, Parser)]
#[command(name = "ironiam", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate policies against a request offline, like AWS's SimulateCustomPolicy.
    Simulate(Box<simulate::Args>),
    /// Serve the AWS IAM Query API.
    Serve(Box<ironiam_server::ServeArgs>),
    /// Run the MFA compliance rules on a data directory (exit 1 if anything is NON_COMPLIANT).
    Report(Box<report::Args>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Simulate(args) => simulate::run(&args),
        Command::Serve(args) => serve::run(*args),
        Command::Report(args) => report::run(&args),
    }
}
