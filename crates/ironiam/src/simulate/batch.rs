//! `--batch`: JSON Lines in, JSON Lines out.
//!
//! Each input line is one request with AWS's SimulateCustomPolicy parameter names
//! (IAM API Reference, "SimulateCustomPolicy"), plus `ServiceControlPolicies` and
//! `SessionPolicies`, and an `Id` echoed back. Each result is written as soon as it is
//! known, in input order; a line that cannot be evaluated yields an `Error` object and
//! the run goes on. Blank lines are skipped.

use std::io::{BufRead, Write};

use ironiam_policy::{Caller, Context};
use serde::{Deserialize, Serialize};

use super::context::{ContextEntry, add_aws_entries};
use super::err::SimulateError;
use super::render::{Report, json};
use super::scenario::{
    DEFAULT_CALLER, Policies, PolicyInputs, PolicySource, Simulation, parse_resource_owner,
};

/// One input line.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct BatchRequest {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    policy_input_list: Vec<String>,
    #[serde(default)]
    permissions_boundary_policy_input_list: Vec<String>,
    #[serde(default)]
    resource_policy: Option<String>,
    #[serde(default)]
    resource_owner: Option<String>,
    #[serde(default)]
    caller_arn: Option<String>,
    #[serde(default)]
    action_name: Option<String>,
    #[serde(default)]
    action_names: Option<Vec<String>>,
    #[serde(default)]
    resource_arn: Option<String>,
    #[serde(default)]
    resource_arns: Option<Vec<String>>,
    #[serde(default)]
    context_entries: Vec<ContextEntry>,
    /// Levels from the organization root down to the account, each a list of SCPs.
    #[serde(default)]
    service_control_policies: Vec<Vec<String>>,
    #[serde(default)]
    session_policies: Vec<String>,
}

/// A line that could not be evaluated.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    error: String,
    /// The input line number, from 1.
    line: usize,
}

fn sources(prefix: &str, texts: Vec<String>) -> Vec<PolicySource> {
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| PolicySource {
            id: format!("{prefix}.{}", index + 1),
            file: None,
            text,
        })
        .collect()
}

/// `ActionName`/`ActionNames` (or the resource pair): one of them, not both.
fn one_or_many(
    one: Option<String>,
    many: Option<Vec<String>>,
    names: (&str, &str),
    default: Option<&str>,
) -> Result<Vec<String>, SimulateError> {
    let (one_name, many_name) = names;
    match (one, many) {
        (Some(_), Some(_)) => Err(SimulateError::Request(format!(
            "give `{one_name}` or `{many_name}`, not both"
        ))),
        (Some(one), None) => Ok(vec![one]),
        (None, Some(many)) if many.is_empty() => {
            Err(SimulateError::Request(format!("`{many_name}` is empty")))
        }
        (None, Some(many)) => Ok(many),
        (None, None) => match default {
            Some(default) => Ok(vec![default.to_string()]),
            None => Err(SimulateError::Request(format!(
                "missing `{one_name}` (or `{many_name}`)"
            ))),
        },
    }
}

/// Evaluates one request: one result per action and resource, actions outermost.
fn evaluate(request: BatchRequest) -> Result<Vec<String>, SimulateError> {
    let actions = one_or_many(
        request.action_name,
        request.action_names,
        ("ActionName", "ActionNames"),
        None,
    )?;
    let resources = one_or_many(
        request.resource_arn,
        request.resource_arns,
        ("ResourceArn", "ResourceArns"),
        Some("*"),
    )?;
    let mut boundaries = sources(
        "PermissionsBoundaryPolicyInputList",
        request.permissions_boundary_policy_input_list,
    );
    if boundaries.len() > 1 {
        return Err(SimulateError::Request(
            "`PermissionsBoundaryPolicyInputList` takes at most one policy".to_string(),
        ));
    }
    let inputs = PolicyInputs {
        identity: sources("PolicyInputList", request.policy_input_list),
        boundary: boundaries.pop(),
        session: sources("SessionPolicies", request.session_policies),
        resource: request.resource_policy.map(|text| PolicySource {
            id: "ResourcePolicy".to_string(),
            file: None,
            text,
        }),
        service_control: request
            .service_control_policies
            .into_iter()
            .enumerate()
            .map(|(level, texts)| sources(&format!("ServiceControlPolicies.{}", level + 1), texts))
            .collect(),
    };
    let policies = Policies::compile(&inputs)?;
    let caller = Caller::parse(request.caller_arn.as_deref().unwrap_or(DEFAULT_CALLER))?;
    let resource_owner = request
        .resource_owner
        .as_deref()
        .map(parse_resource_owner)
        .transpose()?;
    let mut context = Context::new();
    add_aws_entries(&mut context, request.context_entries)?;
    caller.add_derived_keys(&mut context);
    let simulation = Simulation {
        policies,
        caller,
        context,
        resource_owner,
    };
    let mut results = Vec::with_capacity(actions.len() * resources.len());
    for action in &actions {
        for resource in &resources {
            let explanation = simulation.explain(action, resource);
            let report = Report {
                simulation: &simulation,
                action,
                resource,
                explanation: &explanation,
            };
            let line = json(&report, request.id.as_ref(), false).map_err(|error| {
                SimulateError::Request(format!("cannot write the result: {error}"))
            })?;
            results.push(line);
        }
    }
    Ok(results)
}

/// The results of one line (an error object when it cannot be evaluated).
pub(crate) fn process_line(text: &str, line: usize) -> Vec<String> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return vec![error_line(None, format!("invalid JSON: {error}"), line)],
    };
    let id = value.get("Id").filter(|id| !id.is_null()).cloned();
    let outcome = serde_json::from_value::<BatchRequest>(value)
        .map_err(|error| SimulateError::Request(format!("invalid request: {error}")))
        .and_then(evaluate);
    match outcome {
        Ok(results) => results,
        Err(error) => vec![error_line(id.as_ref(), error.to_string(), line)],
    }
}

fn error_line(id: Option<&serde_json::Value>, error: String, line: usize) -> String {
    let fallback = format!("{{\"Error\":\"unprintable error\",\"Line\":{line}}}");
    serde_json::to_string(&ErrorLine { id, error, line }).unwrap_or(fallback)
}

/// Reads requests from `input` and writes one JSON line per result to `output`.
pub(crate) fn run(input: &mut dyn BufRead, output: &mut dyn Write) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut line = 0;
    loop {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        line += 1;
        let results = match std::str::from_utf8(&buffer) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => process_line(text.trim(), line),
            Err(_) => vec![error_line(None, "line is not UTF-8".to_string(), line)],
        };
        for result in results {
            writeln!(output, "{result}")?;
        }
        output.flush()?;
    }
    Ok(())
}
