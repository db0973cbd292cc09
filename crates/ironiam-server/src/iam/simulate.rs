//! The policy simulator API: `SimulateCustomPolicy`, `SimulatePrincipalPolicy`,
//! `GetContextKeysForCustomPolicy` and `GetContextKeysForPrincipalPolicy` (IAM API
//! Reference; IAM User Guide, "Testing IAM policies with the IAM policy simulator").
//!
//! A simulation evaluates each action on each resource with the engine's `explain`, the
//! same walk that authorizes real calls, and reports AWS's `EvaluationResult`: the
//! decision, the statements that decided (`MatchedStatements`, positioned as AWS
//! positions them), the context keys the applicable statements wanted but the request
//! lacked (`MissingContextValues`), and the per-type details. `docs/simulator.md` says
//! what matches AWS and what is not modelled.
//!
//! - `input`: the parameters both simulations share.
//! - `source`: `PolicySourceArn` and the stored policies it brings.
//! - `exclusion`: `PolicyExclusionList`.
//! - `organization`: the service control policies that bind an account.
//! - `run`: the evaluation; `output`: the XML.

mod exclusion;
mod input;
mod organization;
mod output;
mod run;
pub(crate) mod source;

use ironiam_policy::simulator::referenced_context_keys;
use ironiam_policy::{PolicyKind, parse};
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::StoreExt;
use ironiam_store::record::PrincipalKind;

use super::OpCtx;
use super::output::required;
use crate::http::error::ApiError;
use exclusion::Exclusions;
use input::Page;
use run::Simulation;
use source::{EntityArn, Labelled, parse_entity_arn};

/// AWS's answer when a resource policy is simulated for a caller that is not an IAM
/// user (seen in AWS's `SimulatePrincipalPolicy` responses for roles).
const CALLER_MUST_BE_USER: &str = "Invalid caller - Caller must be an IAM user in this context.";

/// `PolicySourceArn`, read.
fn policy_source(input: &Value) -> Result<EntityArn, ApiError> {
    let arn = required(input, "PolicySourceArn")?;
    parse_entity_arn(arn).ok_or_else(|| {
        ApiError::InvalidInput(format!(
            "Invalid PolicySourceArn {arn}: expected the ARN of an IAM user, group or role."
        ))
    })
}

/// `OrderedOrganizationPolicyInputList`: SCPs by level, root first.
fn organization_input(input: &Value) -> Result<Option<Vec<Vec<Labelled>>>, ApiError> {
    let Some(levels) = input
        .get("OrderedOrganizationPolicyInputList")
        .and_then(Value::as_list)
    else {
        return Ok(None);
    };
    let mut compiled = Vec::with_capacity(levels.len());
    for (level, entry) in levels.iter().enumerate() {
        let mut policies = Vec::new();
        for (index, text) in input::strings(entry, "ServiceControlPolicyInputList")
            .into_iter()
            .enumerate()
        {
            let id = format!(
                "OrderedOrganizationPolicyInputList.{}.ServiceControlPolicyInputList.{}",
                level + 1,
                index + 1
            );
            policies.push(input::compile(id, text, PolicyKind::ServiceControl)?);
        }
        compiled.push(policies);
    }
    Ok(Some(compiled))
}

/// Runs the page of `(action, resource)` pairs the request asks for and writes it.
fn respond(
    simulation: &Simulation,
    input: &Value,
    actions: &[&str],
    resources: &[&str],
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let total = actions.len().saturating_mul(resources.len());
    let page = Page::read(input, actions, resources, total)?;
    let pairs = page.pairs(actions, resources);
    check_work(simulation, input, pairs.len())?;
    let results = simulation.evaluate(&pairs);
    let marker = page.next_marker(actions, resources, total);
    output::simulation(w, &results, marker.as_deref());
    Ok(())
}

/// The most work one simulation request may ask for, in the units [`check_work`]
/// counts (about a byte compared each): about a second of one core at most.
const WORK_BUDGET: u64 = 1 << 30;

/// Bounds the work of a simulation before running it (issue 10, found item 7: one
/// request burned 40 s of CPU). Each decision reads every policy once, and each string
/// of a policy (an action, resource or condition pattern: at most one per pair of
/// quotes) is matched against a text: an action name or ARN of at most 2,048
/// characters, or the values of one context key. Matching is linear in pattern plus
/// text, so a decision costs at most the policies' length plus, per string, the longest
/// text it can meet. AWS documents no such bound; a request beyond it is refused as
/// `InvalidInput`, and asking for a smaller page (`MaxItems`) brings it within.
fn check_work(simulation: &Simulation, input: &Value, pairs: usize) -> Result<(), ApiError> {
    let policies = simulation
        .identity
        .iter()
        .chain(&simulation.boundary)
        .chain(&simulation.resource)
        .chain(simulation.service_control.iter().flatten());
    let (mut bytes, mut strings) = (0u64, 0u64);
    for labelled in policies {
        let text = labelled.policy.text();
        bytes = bytes.saturating_add(text.len() as u64);
        strings = strings.saturating_add(text.bytes().filter(|b| *b == b'"').count() as u64 / 2);
    }
    let longest_key = input
        .get("ContextEntries")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .map(|entry| {
            input::strings(entry, "ContextKeyValues")
                .iter()
                .map(|value| value.len() as u64)
                .sum::<u64>()
        })
        .max()
        .unwrap_or(0);
    let text = longest_key.max(input::MAX_CONTEXT_VALUE_CHARS as u64);
    let per_decision = bytes.saturating_add(strings.saturating_mul(text));
    let work = per_decision.saturating_mul(pairs as u64);
    if work > WORK_BUDGET {
        return Err(ApiError::InvalidInput(format!(
            "The simulation is too large: {pairs} action-resource pairs against {bytes} bytes of policies and context values of up to {longest_key} bytes per key. Ask for fewer results per page with MaxItems, or simulate smaller policies."
        )));
    }
    Ok(())
}

/// The checks both simulations make on the caller: a resource policy's `Principal`
/// needs a user to match.
fn check_caller_for_resource_policy(
    resource: Option<&Labelled>,
    caller: Option<&EntityArn>,
) -> Result<(), ApiError> {
    match (resource, caller) {
        (Some(_), Some(entity)) if entity.kind == PrincipalKind::User => Ok(()),
        (Some(_), _) => Err(ApiError::InvalidInput(CALLER_MUST_BE_USER.to_owned())),
        (None, _) => Ok(()),
    }
}

/// `SimulateCustomPolicy`.
pub(super) fn simulate_custom(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let identity = input::compile_list(input, "PolicyInputList", PolicyKind::Identity)?;
    let boundary = input::boundary_input(input)?;
    let organization = organization_input(input)?;
    let resource = input::resource_policy(input)?;
    let actions = input::actions(input)?;
    let resources = input::resources(input);
    input::check_resource_handling(input, &resources)?;
    let resource_owner = input::resource_owner(input)?;
    let caller_arn = input::caller_arn(input)?;
    check_caller_for_resource_policy(
        resource.as_ref(),
        caller_arn.as_ref().map(|(_, entity)| entity),
    )?;
    let (caller, keys) = input::caller(
        caller_arn
            .as_ref()
            .map(|(arn, entity)| (arn.as_str(), entity)),
        ctx.account(),
    );
    let mut context = input::context(input)?;
    input::add_missing(&mut context, &keys);
    let simulation = Simulation {
        identity,
        boundary,
        resource,
        report_organizations: organization.is_some(),
        service_control: organization.unwrap_or_default(),
        caller,
        context,
        resource_owner,
    };
    respond(&simulation, input, &actions, &resources, w)
}

/// `SimulatePrincipalPolicy`.
pub(super) fn simulate_principal(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let entity = policy_source(input)?;
    let exclusions = Exclusions::read(input)?;
    let extra = input::compile_list(input, "PolicyInputList", PolicyKind::Identity)?;
    let given_boundary = input::boundary_input(input)?;
    let resource = input::resource_policy(input)?;
    let actions = input::actions(input)?;
    let resources = input::resources(input);
    input::check_resource_handling(input, &resources)?;
    let resource_owner = input::resource_owner(input)?;
    let caller_arn = input::caller_arn(input)?;
    let mut context = input::context(input)?;
    let account = ctx.account().to_owned();
    let state = ctx.state;
    let (source, levels) = state.store.read(|tx| -> Result<_, ApiError> {
        let source = source::load(tx, &state.cache, &account, &entity, &exclusions)?;
        let levels = if exclusions.excludes_service_control() {
            Vec::new()
        } else {
            organization::service_control_policies(tx, &state.cache, &account)?
        };
        Ok((source, levels))
    })?;
    // Without CallerArn, the source itself is the caller (IAM API Reference,
    // "SimulatePrincipalPolicy", CallerArn).
    let caller_arn = caller_arn.unwrap_or_else(|| (source.arn.clone(), entity.clone()));
    check_caller_for_resource_policy(resource.as_ref(), Some(&caller_arn.1))?;
    let (caller, keys) = input::caller(Some((caller_arn.0.as_str(), &caller_arn.1)), &account);
    input::add_missing(&mut context, &keys);
    let mut identity = source.identity;
    identity.extend(extra);
    let simulation = Simulation {
        identity,
        // A boundary given as text replaces the entity's (IAM API Reference,
        // PermissionsBoundaryPolicyInputList).
        boundary: given_boundary.or(source.boundary),
        resource,
        service_control: levels
            .into_iter()
            .map(|level| {
                level
                    .into_iter()
                    .map(|policy| Labelled {
                        id: policy.id().to_owned(),
                        policy,
                    })
                    .collect()
            })
            .collect(),
        report_organizations: true,
        caller,
        context,
        resource_owner,
    };
    respond(&simulation, input, &actions, &resources, w)
}

/// The context keys of a policy given as text. The simulator takes identity-based
/// policies; one that names a `Principal` is read as a resource-based policy, as AWS
/// lists its keys too.
fn custom_policy_keys(id: &str, text: &str) -> Result<Vec<String>, ApiError> {
    match parse(text, PolicyKind::Identity) {
        Ok(document) => Ok(referenced_context_keys(&document)),
        Err(identity_error) => match parse(text, PolicyKind::Resource) {
            Ok(document) => Ok(referenced_context_keys(&document)),
            Err(_) => Err(input::refused(id, &identity_error)),
        },
    }
}

/// The keys of every policy given in `PolicyInputList`, policy by policy.
fn input_list_keys(input: &Value) -> Result<Vec<String>, ApiError> {
    let mut keys = Vec::new();
    for (index, text) in input::strings(input, "PolicyInputList")
        .into_iter()
        .enumerate()
    {
        keys.extend(custom_policy_keys(
            &format!("PolicyInputList.{}", index + 1),
            text,
        )?);
    }
    Ok(keys)
}

/// `GetContextKeysForCustomPolicy`.
pub(super) fn context_keys_custom(
    _ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let keys = input_list_keys(input)?;
    output::context_keys(w, &keys);
    Ok(())
}

/// `GetContextKeysForPrincipalPolicy`: the keys of the entity's policies (its groups' and
/// its permissions boundary included, as AWS answers), then of `PolicyInputList`. Not
/// those of SCPs (IAM API Reference).
pub(super) fn context_keys_principal(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let entity = policy_source(input)?;
    let extra = input_list_keys(input)?;
    let account = ctx.account().to_owned();
    let state = ctx.state;
    let source = state
        .store
        .read(|tx| source::load(tx, &state.cache, &account, &entity, &Exclusions::default()))?;
    let mut keys = Vec::new();
    for labelled in source.identity.iter().chain(&source.boundary) {
        if let Some(document) = labelled.policy.document() {
            keys.extend(referenced_context_keys(&document));
        }
    }
    keys.extend(extra);
    output::context_keys(w, &keys);
    Ok(())
}
