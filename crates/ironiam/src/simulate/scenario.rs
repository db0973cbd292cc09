//! A simulation's fixed inputs (policies, caller, context, resource owner), compiled
//! once and evaluated for one or more actions and resources.

use std::collections::BTreeMap;

use ironiam_policy::simulator;
use ironiam_policy::{
    Action, Caller, Context, Explanation, Policy, PolicyKind, PolicySet, Request, SetKind, explain,
};

use super::err::SimulateError;

/// The caller when none is given: an IAM user in the account AWS's documentation uses
/// for examples. A user, not a role session, so that `aws:username` is set for policies
/// such as "manage your own MFA device".
pub(crate) const DEFAULT_CALLER: &str = "arn:aws:iam::123456789012:user/simulated-user";

/// The text of one policy and the names it goes by.
#[derive(Debug, Clone)]
pub(crate) struct PolicySource {
    /// AWS's simulator id: `PolicyInputList.1`, `ResourcePolicy`, ...
    pub(crate) id: String,
    /// The file it was read from, on the command line.
    pub(crate) file: Option<String>,
    /// The JSON text.
    pub(crate) text: String,
}

impl PolicySource {
    fn label(&self) -> &str {
        self.file.as_deref().unwrap_or(&self.id)
    }
}

/// The policies of a request, as text, by type.
#[derive(Debug, Default)]
pub(crate) struct PolicyInputs {
    pub(crate) identity: Vec<PolicySource>,
    pub(crate) boundary: Option<PolicySource>,
    pub(crate) session: Vec<PolicySource>,
    pub(crate) resource: Option<PolicySource>,
    /// From the organization root down to the account.
    pub(crate) service_control: Vec<Vec<PolicySource>>,
}

/// The policies of a request, compiled.
#[derive(Debug)]
pub(crate) struct Policies {
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    session: Vec<Policy>,
    resource: Option<Policy>,
    service_control: Vec<Vec<Policy>>,
    /// Policy id to file name, for policies read from files.
    files: BTreeMap<String, String>,
}

fn compile(source: &PolicySource, kind: PolicyKind) -> Result<Policy, SimulateError> {
    Policy::new(source.id.clone(), &source.text, kind)
        .map_err(|error| SimulateError::policy(source.label(), &error))
}

impl Policies {
    /// Parses, validates and compiles every policy as its kind.
    pub(crate) fn compile(inputs: &PolicyInputs) -> Result<Self, SimulateError> {
        let compile_all = |sources: &[PolicySource], kind| {
            sources
                .iter()
                .map(|source| compile(source, kind))
                .collect::<Result<Vec<_>, _>>()
        };
        let mut files = BTreeMap::new();
        let all = inputs
            .identity
            .iter()
            .chain(&inputs.boundary)
            .chain(&inputs.session)
            .chain(&inputs.resource)
            .chain(inputs.service_control.iter().flatten());
        for source in all {
            if let Some(file) = &source.file {
                files.insert(source.id.clone(), file.clone());
            }
        }
        Ok(Self {
            identity: compile_all(&inputs.identity, PolicyKind::Identity)?,
            boundary: inputs
                .boundary
                .as_ref()
                .map(|source| compile(source, PolicyKind::PermissionsBoundary))
                .transpose()?,
            session: compile_all(&inputs.session, PolicyKind::Session)?,
            resource: inputs
                .resource
                .as_ref()
                .map(|source| compile(source, PolicyKind::Resource))
                .transpose()?,
            service_control: inputs
                .service_control
                .iter()
                .map(|level| compile_all(level, PolicyKind::ServiceControl))
                .collect::<Result<_, _>>()?,
            files,
        })
    }

    /// The file a policy came from, if any.
    pub(crate) fn file(&self, policy_id: &str) -> Option<&str> {
        self.files.get(policy_id).map(String::as_str)
    }

    /// Whether a permissions boundary was given.
    pub(crate) fn has_boundary(&self) -> bool {
        self.boundary.is_some()
    }

    /// Whether session policies were given.
    pub(crate) fn has_session(&self) -> bool {
        !self.session.is_empty()
    }

    /// The compiled policy a statement of an explanation came from.
    pub(crate) fn policy(&self, set: SetKind, index: usize) -> Option<&Policy> {
        match set {
            SetKind::Identity => self.identity.get(index),
            SetKind::PermissionsBoundary => self.boundary.as_ref().filter(|_| index == 0),
            SetKind::Session => self.session.get(index),
            SetKind::Resource => self.resource.as_ref().filter(|_| index == 0),
            SetKind::ServiceControl(level) => self.service_control.get(level)?.get(index),
            SetKind::ResourceControl(_) => None,
        }
    }

    fn explain(&self, request: &Request<'_>) -> Explanation {
        let identity: Vec<&Policy> = self.identity.iter().collect();
        let session: Vec<&Policy> = self.session.iter().collect();
        let service_control: Vec<Vec<&Policy>> = self
            .service_control
            .iter()
            .map(|level| level.iter().collect())
            .collect();
        let set = PolicySet {
            identity: &identity,
            permissions_boundary: self.boundary.as_ref(),
            // No session policies means a session without them, not one that allows
            // nothing.
            session: (!session.is_empty()).then_some(session.as_slice()),
            resource: self.resource.as_ref(),
            service_control: (!service_control.is_empty()).then_some(service_control.as_slice()),
            resource_control: None,
        };
        explain(&set, request)
    }
}

/// Reads `ResourceOwner`/`--resource-owner`: an account ID or `arn:PARTITION:iam::ACCOUNT:root`.
pub(crate) fn parse_resource_owner(text: &str) -> Result<String, SimulateError> {
    simulator::resource_owner_account(text)
        .ok_or_else(|| SimulateError::ResourceOwner(text.to_string()))
}

/// Everything about a request but the action and the resource.
#[derive(Debug)]
pub(crate) struct Simulation {
    pub(crate) policies: Policies,
    pub(crate) caller: Caller,
    /// The context, with the keys derived from the caller already added.
    pub(crate) context: Context,
    /// `None`: the caller's account.
    pub(crate) resource_owner: Option<String>,
}

impl Simulation {
    /// Explains one action on one resource.
    pub(crate) fn explain(&self, action: &str, resource: &str) -> Explanation {
        let action = Action::new(action);
        let request = Request {
            caller: &self.caller,
            action: &action,
            resource,
            resource_account: self.resource_owner.as_deref(),
            context: &self.context,
        };
        self.policies.explain(&request)
    }
}
