//! The parameters `SimulateCustomPolicy` and `SimulatePrincipalPolicy` share: policies
//! given as text, actions, resources, the caller, the resource owner, context entries,
//! `ResourceHandlingOption` and paging.

use std::sync::Arc;

use ironiam_policy::simulator::{context_entry, resource_owner_account};
use ironiam_policy::{Caller, CallerKind, Context, ContextValue, Policy, PolicyError, PolicyKind};
use ironiam_protocol::model::Value;
use ironiam_protocol::sigv4::sha256_hex;
use ironiam_store::record::PrincipalKind;

use super::source::{EntityArn, Labelled, parse_entity_arn};
use crate::http::error::ApiError;
use crate::iam::output::DEFAULT_MAX_ITEMS;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::InvalidInput(message.into())
}

/// The strings of a list member (empty when absent).
pub(super) fn strings<'v>(input: &'v Value, member: &str) -> Vec<&'v str> {
    input
        .get(member)
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// Refuses a policy as IAM words it, saying which input it was and where: the simulator
/// API reports a malformed policy as `InvalidInput`.
pub(super) fn refused(id: &str, error: &PolicyError) -> ApiError {
    let detail = error
        .detail
        .as_ref()
        .map(|detail| format!(": {detail}"))
        .unwrap_or_default();
    invalid(format!(
        "{} ({id}, at line {}, column {}{detail})",
        error.message, error.location.line, error.location.column
    ))
}

/// Compiles one policy given as text.
pub(super) fn compile(id: String, text: &str, kind: PolicyKind) -> Result<Labelled, ApiError> {
    let policy = Policy::new(id.clone(), text, kind).map_err(|error| refused(&id, &error))?;
    Ok(Labelled {
        id,
        policy: Arc::new(policy),
    })
}

/// Compiles a list member's policies, named `Member.1`, `Member.2`, ... as AWS names
/// them in `SourcePolicyId`.
pub(super) fn compile_list(
    input: &Value,
    member: &str,
    kind: PolicyKind,
) -> Result<Vec<Labelled>, ApiError> {
    strings(input, member)
        .into_iter()
        .enumerate()
        .map(|(index, text)| compile(format!("{member}.{}", index + 1), text, kind))
        .collect()
}

/// `PermissionsBoundaryPolicyInputList`: at most one policy.
pub(super) fn boundary_input(input: &Value) -> Result<Option<Labelled>, ApiError> {
    let mut boundaries = compile_list(
        input,
        "PermissionsBoundaryPolicyInputList",
        PolicyKind::Identity,
    )?;
    if boundaries.len() > 1 {
        return Err(invalid(
            "PermissionsBoundaryPolicyInputList takes at most one policy: an entity has one permissions boundary.",
        ));
    }
    Ok(boundaries.pop())
}

/// `ResourcePolicy`.
pub(super) fn resource_policy(input: &Value) -> Result<Option<Labelled>, ApiError> {
    input
        .str_member("ResourcePolicy")
        .map(|text| compile("ResourcePolicy".to_owned(), text, PolicyKind::Resource))
        .transpose()
}

/// `ActionNames`: each `service:Action`.
pub(super) fn actions(input: &Value) -> Result<Vec<&str>, ApiError> {
    let actions = strings(input, "ActionNames");
    for action in &actions {
        let well_formed = action.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty() && !name.is_empty() && !name.contains(':')
        });
        if !well_formed {
            return Err(invalid(format!(
                "Invalid action name {action}: an action name is the service prefix and the action, such as iam:CreateUser."
            )));
        }
    }
    Ok(actions)
}

/// `ResourceArns`, `*` when absent.
pub(super) fn resources(input: &Value) -> Vec<&str> {
    let resources = strings(input, "ResourceArns");
    if resources.is_empty() {
        vec!["*"]
    } else {
        resources
    }
}

/// `ResourceOwner`: the account that owns the resources and the resource policy.
pub(super) fn resource_owner(input: &Value) -> Result<Option<String>, ApiError> {
    input
        .str_member("ResourceOwner")
        .map(|owner| {
            resource_owner_account(owner).ok_or_else(|| {
                invalid(format!(
                    "Invalid ResourceOwner {owner}: expected an account ID or arn:aws:iam::ACCOUNT:root."
                ))
            })
        })
        .transpose()
}

/// The most context entries one simulation takes. Botocore's model sets no bound; a real
/// request's context holds a few dozen global keys plus one per tag (50 tags per
/// resource, IAM User Guide, "IAM and AWS STS quotas"), for request, resource and
/// principal tags: 256 covers every context AWS builds.
pub(super) const MAX_CONTEXT_ENTRIES: usize = 256;
/// The most values one context key takes: a multivalued key such as `aws:TagKeys`
/// holds at most the 50 tags a resource may carry.
pub(super) const MAX_CONTEXT_VALUES: usize = 50;
/// The longest context value, in characters: the longest string the simulator takes
/// elsewhere (`ResourceArns`, `CallerArn`, `ResourceOwner`: 2,048 in botocore's model).
pub(super) const MAX_CONTEXT_VALUE_CHARS: usize = 2048;

/// `ContextEntries`, typed and checked; a key given twice (keys ignore case) is refused.
/// Sizes are capped (AWS's model leaves them open): every wildcard match costs time
/// linear in the value, and each condition matches each of its key's values.
pub(super) fn context(input: &Value) -> Result<Context, ApiError> {
    let mut context = Context::new();
    let entries = input
        .get("ContextEntries")
        .and_then(Value::as_list)
        .unwrap_or_default();
    if entries.len() > MAX_CONTEXT_ENTRIES {
        return Err(invalid(format!(
            "ContextEntries has {} entries; the simulator takes at most {MAX_CONTEXT_ENTRIES}.",
            entries.len()
        )));
    }
    for entry in entries {
        let Some(key) = entry.str_member("ContextKeyName") else {
            return Err(invalid("Each context entry needs a ContextKeyName."));
        };
        let values = strings(entry, "ContextKeyValues");
        if values.len() > MAX_CONTEXT_VALUES {
            return Err(invalid(format!(
                "Invalid context entry {key}: {} values; a context key takes at most {MAX_CONTEXT_VALUES}.",
                values.len()
            )));
        }
        if values
            .iter()
            .any(|value| value.chars().count() > MAX_CONTEXT_VALUE_CHARS)
        {
            return Err(invalid(format!(
                "Invalid context entry {key}: a value is longer than {MAX_CONTEXT_VALUE_CHARS} characters."
            )));
        }
        let values = values.into_iter().map(str::to_owned).collect();
        let value = context_entry(key, values, entry.str_member("ContextKeyType"))
            .map_err(|error| invalid(format!("Invalid context entry {key}: {error}.")))?;
        if context.contains(key) {
            return Err(invalid(format!(
                "The context key {key} is given more than once."
            )));
        }
        context.insert(key, value);
    }
    Ok(context)
}

/// The EC2 resource types each `ResourceHandlingOption` scenario needs (IAM API
/// Reference, "SimulateCustomPolicy").
const SCENARIOS: [(&str, &[&str]); 4] = [
    (
        "EC2-VPC-InstanceStore",
        &["instance", "image", "security-group", "network-interface"],
    ),
    (
        "EC2-VPC-InstanceStore-Subnet",
        &[
            "instance",
            "image",
            "security-group",
            "network-interface",
            "subnet",
        ],
    ),
    (
        "EC2-VPC-EBS",
        &[
            "instance",
            "image",
            "security-group",
            "network-interface",
            "volume",
        ],
    ),
    (
        "EC2-VPC-EBS-Subnet",
        &[
            "instance",
            "image",
            "security-group",
            "network-interface",
            "subnet",
            "volume",
        ],
    ),
];

/// `ResourceHandlingOption`: a known scenario, whose resource types must all be among
/// `ResourceArns`.
pub(super) fn check_resource_handling(input: &Value, resources: &[&str]) -> Result<(), ApiError> {
    let Some(option) = input.str_member("ResourceHandlingOption") else {
        return Ok(());
    };
    let Some((_, needed)) = SCENARIOS.iter().find(|(name, _)| *name == option) else {
        let names: Vec<&str> = SCENARIOS.iter().map(|(name, _)| *name).collect();
        return Err(invalid(format!(
            "Invalid ResourceHandlingOption {option}: expected one of {}.",
            names.join(", ")
        )));
    };
    let ec2_type = |arn: &str| -> Option<String> {
        let mut parts = arn.splitn(6, ':');
        match (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (Some("arn"), Some(_), Some("ec2"), Some(_), Some(_), Some(resource)) => {
                resource.split('/').next().map(str::to_owned)
            }
            _ => None,
        }
    };
    let given: Vec<String> = resources.iter().filter_map(|arn| ec2_type(arn)).collect();
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|kind| !given.iter().any(|have| have == kind))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(invalid(format!(
            "ResourceHandlingOption {option} needs ResourceArns of these EC2 resource types: {}; missing: {}.",
            needed.join(", "),
            missing.join(", ")
        )))
    }
}

/// `CallerArn`: an IAM user, group or role.
pub(super) fn caller_arn(input: &Value) -> Result<Option<(String, EntityArn)>, ApiError> {
    input
        .str_member("CallerArn")
        .map(|arn| {
            parse_entity_arn(arn)
                .map(|entity| (arn.to_owned(), entity))
                .ok_or_else(|| {
                    invalid(format!(
                        "Invalid CallerArn {arn}: the caller is an IAM user, group or role ARN (not an assumed role, federated user or service)."
                    ))
                })
        })
        .transpose()
}

/// The simulated caller and the context keys AWS derives from it.
///
/// A user is an IAM user caller (`aws:username`, `aws:PrincipalArn`, ...). A role acts
/// through its sessions, so `aws:PrincipalArn` is the role and `aws:PrincipalType` is
/// `AssumedRole`. A group is never a principal and carries no key; nor does a custom
/// simulation without `CallerArn`, whose caller is only "someone in `account`" (never
/// the root user, whom identity policies do not bind).
pub(super) fn caller(entity: Option<(&str, &EntityArn)>, account: &str) -> (Caller, Context) {
    let mut keys = Context::new();
    let anonymous_in = |account: &str| Caller {
        arn: String::new(),
        partition: Some("aws".to_owned()),
        account: Some(account.to_owned()),
        kind: CallerKind::Other,
    };
    let Some((arn, entity)) = entity else {
        return (anonymous_in(account), keys);
    };
    // The engine reads a user ARN as an IAM user, and a group's or role's as another
    // ARN; `parse_entity_arn` has already checked the form.
    let caller = Caller::parse(arn).unwrap_or_else(|_| anonymous_in(&entity.account));
    match entity.kind {
        PrincipalKind::User => caller.add_derived_keys(&mut keys),
        PrincipalKind::Role => {
            keys.insert("aws:PrincipalArn", ContextValue::string(arn));
            keys.insert(
                "aws:PrincipalAccount",
                ContextValue::string(entity.account.clone()),
            );
            keys.insert("aws:PrincipalType", ContextValue::string("AssumedRole"));
        }
        PrincipalKind::Group => {}
    }
    (caller, keys)
}

/// Adds `keys` to `context` where the request did not give them: entries win.
pub(super) fn add_missing(context: &mut Context, keys: &Context) {
    for (key, value) in keys.iter() {
        context.insert_if_absent(key, value.clone());
    }
}

/// Where a page of results starts and how long it is. The marker carries the index of
/// the next result and a fingerprint of the actions and resources, so that a marker from
/// another request is refused instead of silently skipping results.
#[derive(Debug, Clone, Copy)]
pub(super) struct Page {
    pub(super) start: usize,
    pub(super) limit: usize,
}

fn fingerprint(actions: &[&str], resources: &[&str]) -> String {
    let mut text = actions.join("\n");
    text.push('\0');
    text.push_str(&resources.join("\n"));
    sha256_hex(text.as_bytes())
        .get(..16)
        .unwrap_or_default()
        .to_owned()
}

impl Page {
    /// The `(action, resource)` pairs of this page, actions outermost as AWS lists them,
    /// found by index: a `Marker` far into a large product costs nothing to reach.
    pub(super) fn pairs<'a>(
        &self,
        actions: &[&'a str],
        resources: &[&'a str],
    ) -> Vec<(&'a str, &'a str)> {
        let total = actions.len().saturating_mul(resources.len());
        let end = self.start.saturating_add(self.limit).min(total);
        (self.start..end)
            .filter_map(|index| {
                let action = actions.get(index / resources.len().max(1))?;
                let resource = resources.get(index % resources.len().max(1))?;
                Some((*action, *resource))
            })
            .collect()
    }

    /// Reads `Marker` and `MaxItems` for `total` results.
    pub(super) fn read(
        input: &Value,
        actions: &[&str],
        resources: &[&str],
        total: usize,
    ) -> Result<Self, ApiError> {
        let limit = input
            .get("MaxItems")
            .and_then(Value::as_i64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(DEFAULT_MAX_ITEMS);
        let start = match input.str_member("Marker") {
            None => 0,
            Some(marker) => marker
                .split_once('.')
                .filter(|(_, print)| *print == fingerprint(actions, resources))
                .and_then(|(index, _)| index.parse::<usize>().ok())
                .filter(|index| *index <= total)
                .ok_or_else(|| {
                    invalid(format!(
                        "Invalid Marker {marker}: pass the Marker of the previous response, with the same ActionNames and ResourceArns."
                    ))
                })?,
        };
        Ok(Self { start, limit })
    }

    /// The marker for the page after this one, if there are more results.
    pub(super) fn next_marker(
        &self,
        actions: &[&str],
        resources: &[&str],
        total: usize,
    ) -> Option<String> {
        let next = self.start.saturating_add(self.limit);
        (next < total).then(|| format!("{next}.{}", fingerprint(actions, resources)))
    }
}
