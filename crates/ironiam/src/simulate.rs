//! `ironiam simulate`: AWS's SimulateCustomPolicy, offline.
//!
//! One request from flags, or many from JSON Lines (`--batch`). Either way the policies
//! are compiled by `ironiam-policy` as the kinds AWS would store them as, the keys AWS
//! derives from the caller are added to the context (unless given), and the decision is
//! explained statement by statement. `SIMULATE.md` beside `Cargo.toml` is the manual.

mod batch;
mod context;
mod err;
mod render;
mod scenario;

use std::fs;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use ironiam_policy::{Caller, Context, EvalDecision};

use err::SimulateError;
use render::{Report, Text};
use scenario::{
    DEFAULT_CALLER, Policies, PolicyInputs, PolicySource, Simulation, parse_resource_owner,
};

/// Exit code when the evaluation ran (whatever the decision).
const EXIT_OK: u8 = 0;
/// Exit code when `--expect` names another decision.
const EXIT_UNEXPECTED: u8 = 1;
/// Exit code for bad input (unreadable file, malformed policy, bad flag) or an I/O error.
const EXIT_BAD_INPUT: u8 = 2;

/// The flags that describe one request, which `--batch` replaces.
const SINGLE_REQUEST: [&str; 14] = [
    "policies",
    "permissions_boundary",
    "session_policies",
    "resource_policy",
    "resource_owner",
    "scps",
    "action",
    "resource",
    "caller",
    "context",
    "context_list",
    "mfa",
    "no_mfa",
    "expect",
];

/// `ironiam simulate`'s flags.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 evaluated, 1 decision differs from --expect, 2 bad input.\n\
See crates/ironiam/SIMULATE.md for the context syntax and the batch format."
)]
pub(crate) struct Args {
    /// Identity-based policy (the caller's inline or managed policies); repeatable.
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<PathBuf>,
    /// The caller's permissions boundary.
    #[arg(long, value_name = "FILE")]
    permissions_boundary: Option<PathBuf>,
    /// Session policy passed to AssumeRole or GetFederationToken; repeatable.
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policies: Vec<PathBuf>,
    /// The resource's resource-based policy.
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<PathBuf>,
    /// The account that owns the resource: an account ID or arn:aws:iam::ACCOUNT:root
    /// (default: the caller's account).
    #[arg(long, value_name = "ACCOUNT")]
    resource_owner: Option<String>,
    /// Service control policies of one level, comma-separated; repeat for each level,
    /// from the organization root down to the account.
    #[arg(long = "scp", value_name = "FILE[,FILE...]")]
    scps: Vec<String>,
    /// The action, such as ec2:DescribeInstances.
    #[arg(long, value_name = "NAME", required_unless_present = "batch")]
    action: Option<String>,
    /// The resource ARN.
    #[arg(long, value_name = "ARN", default_value = "*")]
    resource: String,
    /// The caller: a user, role session, federated user or root ARN.
    #[arg(long, value_name = "ARN", default_value = DEFAULT_CALLER)]
    caller: String,
    /// A single-valued context key, such as aws:SourceIp=203.0.113.7 or
    /// aws:MultiFactorAuthAge:numeric=300; repeatable.
    #[arg(long = "context", value_name = "KEY[:TYPE]=VALUE")]
    context: Vec<String>,
    /// A multivalued context key, such as aws:TagKeys=env,team; repeatable.
    #[arg(long = "context-list", value_name = "KEY[:TYPE]=V1,V2,...")]
    context_list: Vec<String>,
    /// A session authenticated with MFA: aws:MultiFactorAuthPresent=true and
    /// aws:MultiFactorAuthAge=0, unless given with --context. Without --mfa or
    /// --no-mfa no MFA key is present, as with long-term access keys.
    #[arg(long, conflicts_with = "no_mfa")]
    mfa: bool,
    /// A session without MFA: aws:MultiFactorAuthPresent=false, unless given.
    #[arg(long)]
    no_mfa: bool,
    /// Print the result as one JSON object, with every statement's outcome.
    #[arg(long)]
    json: bool,
    /// Exit with 1 unless the decision is this one.
    #[arg(long, value_enum, value_name = "DECISION")]
    expect: Option<Expect>,
    /// Read requests as JSON Lines from FILE (or - for standard input) and write one
    /// JSON line per result.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = SINGLE_REQUEST)]
    batch: Option<String>,
}

/// `--expect`'s values: AWS's `EvalDecision` spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Expect {
    #[value(name = "allowed")]
    Allowed,
    #[value(name = "explicitDeny")]
    ExplicitDeny,
    #[value(name = "implicitDeny")]
    ImplicitDeny,
}

impl Expect {
    fn decision(self) -> EvalDecision {
        match self {
            Expect::Allowed => EvalDecision::Allowed,
            Expect::ExplicitDeny => EvalDecision::ExplicitDeny,
            Expect::ImplicitDeny => EvalDecision::ImplicitDeny,
        }
    }
}

/// Runs `ironiam simulate`.
pub(crate) fn run(args: &Args) -> ExitCode {
    let outcome = match &args.batch {
        Some(path) => run_batch(path),
        None => run_single(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn read(path: &Path) -> Result<String, SimulateError> {
    fs::read_to_string(path).map_err(|source| SimulateError::Read {
        path: path.display().to_string(),
        source,
    })
}

fn source(id: String, path: &Path) -> Result<PolicySource, SimulateError> {
    Ok(PolicySource {
        id,
        file: Some(path.display().to_string()),
        text: read(path)?,
    })
}

fn numbered(prefix: &str, paths: &[PathBuf]) -> Result<Vec<PolicySource>, SimulateError> {
    paths
        .iter()
        .enumerate()
        .map(|(index, path)| source(format!("{prefix}.{}", index + 1), path))
        .collect()
}

/// Reads the policy files, naming each policy as AWS's simulator would.
fn read_inputs(args: &Args) -> Result<PolicyInputs, SimulateError> {
    let mut service_control = Vec::with_capacity(args.scps.len());
    for (level, files) in args.scps.iter().enumerate() {
        let paths: Vec<PathBuf> = files.split(',').map(PathBuf::from).collect();
        if files.split(',').any(str::is_empty) {
            return Err(SimulateError::Request(format!(
                "--scp `{files}`: expected FILE[,FILE...]"
            )));
        }
        service_control.push(numbered(
            &format!("ServiceControlPolicies.{}", level + 1),
            &paths,
        )?);
    }
    Ok(PolicyInputs {
        identity: numbered("PolicyInputList", &args.policies)?,
        boundary: args
            .permissions_boundary
            .as_deref()
            .map(|path| source("PermissionsBoundaryPolicyInputList.1".to_string(), path))
            .transpose()?,
        session: numbered("SessionPolicies", &args.session_policies)?,
        resource: args
            .resource_policy
            .as_deref()
            .map(|path| source("ResourcePolicy".to_string(), path))
            .transpose()?,
        service_control,
    })
}

/// Builds the context: explicit entries first, then `--mfa`/`--no-mfa`, then the keys
/// derived from the caller, each only where the key is still absent.
fn build_context(args: &Args, caller: &Caller) -> Result<Context, SimulateError> {
    let mut context = Context::new();
    context::add_cli_entries(&mut context, &args.context, &args.context_list)?;
    if args.mfa {
        context::add_mfa(&mut context);
    }
    if args.no_mfa {
        context::add_no_mfa(&mut context);
    }
    caller.add_derived_keys(&mut context);
    Ok(context)
}

fn run_single(args: &Args) -> Result<u8, SimulateError> {
    let Some(action) = args.action.as_deref() else {
        return Err(SimulateError::Request("missing --action".to_string()));
    };
    let policies = Policies::compile(&read_inputs(args)?)?;
    let caller = Caller::parse(&args.caller)?;
    let context = build_context(args, &caller)?;
    let resource_owner = args
        .resource_owner
        .as_deref()
        .map(parse_resource_owner)
        .transpose()?;
    let simulation = Simulation {
        policies,
        caller,
        context,
        resource_owner,
    };
    let explanation = simulation.explain(action, &args.resource);
    let report = Report {
        simulation: &simulation,
        action,
        resource: &args.resource,
        explanation: &explanation,
    };
    let mut stdout = io::stdout().lock();
    let written = if args.json {
        render::json(&report, None, true)
            .map_err(io::Error::from)
            .and_then(|text| writeln!(stdout, "{text}"))
    } else {
        write!(stdout, "{}", Text(report))
    };
    written
        .and_then(|()| stdout.flush())
        .or_else(ignore_broken_pipe)
        .map_err(|error| SimulateError::Request(format!("cannot write the result: {error}")))?;
    match args.expect {
        Some(expected) if expected.decision() != explanation.decision => {
            eprintln!(
                "expected {}, got {}",
                expected.decision().as_str(),
                explanation.decision.as_str()
            );
            Ok(EXIT_UNEXPECTED)
        }
        _ => Ok(EXIT_OK),
    }
}

fn run_batch(path: &str) -> Result<u8, SimulateError> {
    let stdout = io::stdout();
    let mut output = io::BufWriter::new(stdout.lock());
    let result = if path == "-" {
        batch::run(&mut io::stdin().lock(), &mut output)
    } else {
        let file = fs::File::open(path).map_err(|source| SimulateError::Read {
            path: path.to_string(),
            source,
        })?;
        batch::run(&mut BufReader::new(file), &mut output)
    };
    result
        .and_then(|()| output.flush())
        .or_else(ignore_broken_pipe)
        .map_err(|error| {
            SimulateError::Request(format!("batch input or output failed: {error}"))
        })?;
    Ok(EXIT_OK)
}

/// A reader that stopped reading (`| head`) is not an error.
fn ignore_broken_pipe(error: io::Error) -> io::Result<()> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(error)
    }
}

#[cfg(test)]
mod tests;
