//! `ironiam report`: MFA compliance of every account in a data directory, for people
//! and for CI. `REPORT.md` beside `Cargo.toml` is the manual.
//!
//! The store is opened read-only, beside a server that may be running on it; the
//! rules run fresh on the current state and nothing is written.

mod render;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::ValueEnum;
use ironiam_server::compliance::{self, Report, RuleSource};
use ironiam_store::SqliteStore;
use ironiam_store::record::Timestamp;

/// Exit code when nothing is NON_COMPLIANT.
const EXIT_COMPLIANT: u8 = 0;
/// Exit code when at least one resource is NON_COMPLIANT: what CI gates on.
const EXIT_NON_COMPLIANT: u8 = 1;
/// Exit code when no report could be made (no database, unknown account, I/O).
const EXIT_ERROR: u8 = 2;

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, a line per resource, and a summary per rule.
    Table,
    /// One JSON document.
    Json,
    /// RFC 4180 CSV, a row per resource.
    Csv,
}

/// Which rules run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rules {
    /// Each account's own Config rules (PutConfigRule).
    Stored,
    /// The five managed rules with AWS's default parameters.
    Defaults,
}

/// `ironiam report`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data directory `ironiam serve` uses.
    #[arg(
        long,
        env = "IRONIAM_DATA_DIR",
        default_value = "./ironiam-data",
        value_name = "DIR"
    )]
    data_dir: PathBuf,
    /// Only this account (repeatable); every account of the data directory by default.
    #[arg(long = "account", value_name = "ID")]
    accounts: Vec<String>,
    /// The account's stored Config rules, or the five managed rules with defaults.
    #[arg(long, value_enum, default_value = "stored")]
    rules: Rules,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Runs the report and prints it; the exit code says whether anything failed.
pub fn run(args: &Args) -> ExitCode {
    let now = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => Timestamp::from_secs(i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)),
        Err(_) => {
            eprintln!("error: the system clock is before 1970");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let report = match make(args, now) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let text = match args.format {
        Format::Table => render::table(&report),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => text + "\n",
            Err(err) => {
                eprintln!("error: cannot write JSON: {err}");
                return ExitCode::from(EXIT_ERROR);
            }
        },
        Format::Csv => render::csv(&report),
    };
    if let Err(err) = io::stdout().lock().write_all(text.as_bytes()) {
        // A closed pipe (`| head`) is the reader's choice, not a failure to report.
        if err.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    ExitCode::from(if report.any_non_compliant() {
        EXIT_NON_COMPLIANT
    } else {
        EXIT_COMPLIANT
    })
}

fn make(args: &Args, now: Timestamp) -> Result<Report, String> {
    let store = SqliteStore::open_read_only(&args.data_dir)
        .map_err(|err| format!("cannot open {}: {err}", args.data_dir.display()))?;
    let source = match args.rules {
        Rules::Stored => RuleSource::Stored,
        Rules::Defaults => RuleSource::Defaults,
    };
    compliance::report(&store, &args.accounts, source, now).map_err(|err| err.to_string())
}
