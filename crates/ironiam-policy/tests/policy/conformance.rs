//! Runs the data-driven conformance corpus in `tests/data/conformance/` (its README
//! defines the format). Every case is run, every failure is reported, then the test
//! fails if any case did.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use ironiam_policy::{
    Action, Caller, Context, ContextValue, EvalDecision, Policy, PolicyKind, PolicySet, Request,
    SetKind, StatementRef, ValueType, decide, explain,
};
use serde_json::Value;

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance")
}

/// Every case of every file: (file name, case).
pub fn load_cases() -> Vec<(String, Value)> {
    let mut files: Vec<_> = fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for case in doc["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no cases"))
        {
            cases.push((name.clone(), case.clone()));
        }
    }
    cases
}

/// The policy's text: a string is used as is, an object is pretty-printed.
pub fn policy_text(policy: &Value) -> String {
    match policy {
        Value::String(text) => text.clone(),
        other => serde_json::to_string_pretty(other).unwrap(),
    }
}

fn compile(id: String, policy: &Value, kind: PolicyKind) -> Result<Policy, String> {
    Policy::new(id.clone(), &policy_text(policy), kind)
        .map_err(|err| format!("policy {id} does not parse: {err}"))
}

fn context_value(value: &Value) -> ContextValue {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Array(items) => {
            ContextValue::list(ValueType::String, items.iter().map(text).collect())
        }
        other => ContextValue::string(text(other)),
    }
}

/// The name `expect.matched` uses for a statement: its Sid, else its position.
fn statement_name(statement: &StatementRef) -> String {
    if let Some(sid) = statement.sid.as_ref().filter(|sid| !sid.is_empty()) {
        return sid.clone();
    }
    let set = match statement.set {
        SetKind::Identity => format!("identity[{}]", statement.policy_index),
        SetKind::PermissionsBoundary => format!("boundary[{}]", statement.policy_index),
        SetKind::Session => format!("session[{}]", statement.policy_index),
        SetKind::Resource => "resource".to_string(),
        SetKind::ServiceControl(level) => format!("scp[{level}][{}]", statement.policy_index),
        SetKind::ResourceControl(level) => format!("rcp[{level}][{}]", statement.policy_index),
    };
    format!("{set}.Statement[{}]", statement.statement_index)
}

fn string_set(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn levels(value: &Value, kind: PolicyKind, name: &str) -> Result<Vec<Vec<Policy>>, String> {
    value
        .as_array()
        .ok_or(format!("{name} must be an array of levels"))?
        .iter()
        .enumerate()
        .map(|(level, policies)| {
            policies
                .as_array()
                .ok_or(format!("{name}[{level}] must be an array"))?
                .iter()
                .enumerate()
                .map(|(i, policy)| compile(format!("{name}[{level}][{i}]"), policy, kind))
                .collect()
        })
        .collect()
}

fn run_evaluation(case: &Value) -> Result<(), String> {
    let policies = &case["policies"];
    let list = |name: &str, kind: PolicyKind| -> Result<Option<Vec<Policy>>, String> {
        match &policies[name] {
            Value::Null => Ok(None),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, policy)| compile(format!("{name}[{i}]"), policy, kind))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            _ => Err(format!("policies.{name} must be an array")),
        }
    };
    let identity = list("identity", PolicyKind::Identity)?.unwrap_or_default();
    let boundary = list("boundary", PolicyKind::PermissionsBoundary)?;
    let session = list("session", PolicyKind::Session)?;
    let resource = match &policies["resource"] {
        Value::Null => None,
        policy => Some(compile("resource".into(), policy, PolicyKind::Resource)?),
    };
    let scp = match &policies["scp"] {
        Value::Null => None,
        value => Some(levels(value, PolicyKind::ServiceControl, "scp")?),
    };
    let rcp = match &policies["rcp"] {
        Value::Null => None,
        value => Some(levels(value, PolicyKind::ResourceControl, "rcp")?),
    };

    let request = &case["request"];
    let caller = Caller::parse(
        request["principal"]
            .as_str()
            .ok_or("request.principal is required")?,
    )
    .map_err(|err| err.to_string())?;
    let mut context = Context::new();
    if let Some(entries) = request["context"].as_object() {
        for (key, value) in entries {
            context.insert(key, context_value(value));
        }
    }
    caller.add_derived_keys(&mut context);
    let action = Action::new(
        request["action"]
            .as_str()
            .ok_or("request.action is required")?,
    );
    let request_value = Request {
        caller: &caller,
        action: &action,
        resource: request["resource"].as_str().unwrap_or("*"),
        resource_account: request["resource_account"].as_str(),
        context: &context,
    };

    let identity_refs: Vec<&Policy> = identity.iter().collect();
    let boundary_ref = boundary.as_ref().and_then(|list| list.first());
    let session_refs: Option<Vec<&Policy>> = session.as_ref().map(|list| list.iter().collect());
    let management = request["management_account"].as_bool().unwrap_or(false);
    let scp_refs: Option<Vec<Vec<&Policy>>> = scp
        .as_ref()
        .filter(|_| !management)
        .map(|levels| levels.iter().map(|level| level.iter().collect()).collect());
    let rcp_refs: Option<Vec<Vec<&Policy>>> = rcp
        .as_ref()
        .map(|levels| levels.iter().map(|level| level.iter().collect()).collect());
    let set = PolicySet {
        identity: &identity_refs,
        permissions_boundary: boundary_ref,
        session: session_refs.as_deref(),
        resource: resource.as_ref(),
        service_control: scp_refs.as_deref(),
        resource_control: rcp_refs.as_deref(),
    };

    let fast = decide(&set, &request_value);
    let full = explain(&set, &request_value);
    let expect = &case["expect"];
    let wanted = expect["decision"]
        .as_str()
        .ok_or("expect.decision is required")?;
    let mut problems = Vec::new();
    if fast.decision != full.decision {
        problems.push(format!(
            "decide() says {} but explain() says {}",
            fast.decision.as_str(),
            full.decision.as_str()
        ));
    }
    if full.decision.as_str() != wanted {
        problems.push(format!(
            "decision {} (reason {:?}), expected {wanted}",
            full.decision.as_str(),
            full.reason
        ));
    }
    if !expect["matched"].is_null() {
        let got: BTreeSet<String> = full.matched.iter().map(statement_name).collect();
        let want = string_set(&expect["matched"]);
        if got != want {
            problems.push(format!("matched {got:?}, expected {want:?}"));
        }
    }
    if !expect["missing"].is_null() {
        let got: BTreeSet<String> = full
            .missing_context_values
            .iter()
            .map(|k| k.to_lowercase())
            .collect();
        let want: BTreeSet<String> = string_set(&expect["missing"])
            .iter()
            .map(|k| k.to_lowercase())
            .collect();
        if got != want {
            problems.push(format!("missing {got:?}, expected {want:?}"));
        }
    }
    if full.decision == EvalDecision::ImplicitDeny && !full.matched.is_empty() {
        problems.push("an implicit deny names matched statements".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

pub fn kind_named(name: &str) -> Option<PolicyKind> {
    Some(match name {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "trust" => PolicyKind::Trust,
        "scp" => PolicyKind::ServiceControl,
        "rcp" => PolicyKind::ResourceControl,
        "boundary" => PolicyKind::PermissionsBoundary,
        "session" => PolicyKind::Session,
        _ => return None,
    })
}

fn run_validation(case: &Value) -> Result<(), String> {
    let text = case["policy_text"]
        .as_str()
        .ok_or("policy_text must be a string")?;
    let kind_name = case["policy_type"].as_str().unwrap_or("identity");
    let kind = kind_named(kind_name).ok_or(format!("unknown policy_type {kind_name}"))?;
    let expect = &case["expect"];
    let result = Policy::new("case", text, kind);
    if expect["valid"].as_bool() == Some(true) {
        let policy = result.map_err(|err| format!("rejected a valid document: {err}"))?;
        if let Some(size) = expect["size"].as_u64()
            && policy.size() as u64 != size
        {
            return Err(format!("size {}, expected {size}", policy.size()));
        }
        return Ok(());
    }
    let wanted = expect["error"]
        .as_str()
        .ok_or("expect needs error or valid")?;
    let err = match result {
        Ok(_) => return Err(format!("accepted a document IAM rejects with `{wanted}`")),
        Err(err) => err,
    };
    let mut problems = Vec::new();
    if !err.message.contains(wanted) {
        problems.push(format!(
            "message `{}`, expected it to contain `{wanted}`",
            err
        ));
    }
    if let Some(at) = expect["at"].as_str()
        && err.location.to_string() != at
    {
        problems.push(format!("at {}, expected {at} ({err})", err.location));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn conformance_corpus() {
    let cases = load_cases();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for (file, case) in &cases {
        let name = case["name"].as_str().unwrap_or("<unnamed>").to_string();
        assert!(
            names.insert(name.clone()),
            "{file}: duplicate case name {name}"
        );
        assert!(
            case["doc"].as_str().is_some_and(|doc| !doc.is_empty()),
            "{file}: {name} has no doc"
        );
        let result = if case.get("policy_text").is_some() {
            run_validation(case)
        } else {
            run_evaluation(case)
        };
        if let Err(problem) = result {
            failures.push(format!("{file}: {name}: {problem}"));
        }
    }
    eprintln!(
        "conformance: {} cases, {} failed",
        cases.len(),
        failures.len()
    );
    for failure in &failures {
        eprintln!("  {failure}");
    }
    assert!(
        cases.len() >= 400,
        "the corpus must hold at least 400 cases"
    );
    assert!(
        failures.is_empty(),
        "{} conformance cases failed",
        failures.len()
    );
}
