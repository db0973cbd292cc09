//! Evaluates a simulation with the engine's `explain`, and turns each explanation into
//! AWS's `EvaluationResult`.

use ironiam_policy::simulator::source_policy_type;
use ironiam_policy::{
    Action, Caller, Context, EvalDecision, Explanation, Location, Policy, PolicySet, Request,
    SetKind, explain,
};

use super::source::Labelled;

/// Everything about a simulation but the actions and resources.
#[derive(Debug)]
pub(super) struct Simulation {
    /// Identity-based policies: the source's and `PolicyInputList`.
    pub(super) identity: Vec<Labelled>,
    /// The permissions boundary, given or the source's.
    pub(super) boundary: Option<Labelled>,
    /// `ResourcePolicy`.
    pub(super) resource: Option<Labelled>,
    /// Service control policies by level, from the organization root down.
    pub(super) service_control: Vec<Vec<Labelled>>,
    /// Whether the result reports `OrganizationsDecisionDetail`.
    pub(super) report_organizations: bool,
    /// The simulated caller.
    pub(super) caller: Caller,
    /// The request's context, the caller's keys included.
    pub(super) context: Context,
    /// `ResourceOwner`; `None` is the caller's account.
    pub(super) resource_owner: Option<String>,
}

/// A matched statement as AWS's `Statement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Matched {
    pub(super) source_policy_id: String,
    pub(super) source_policy_type: &'static str,
    pub(super) start: Location,
    pub(super) end: Location,
}

/// AWS's `EvaluationResult` for one action on one resource.
#[derive(Debug, Clone)]
pub(super) struct Evaluated {
    pub(super) action: String,
    pub(super) resource: String,
    pub(super) decision: EvalDecision,
    pub(super) matched: Vec<Matched>,
    pub(super) missing: Vec<String>,
    /// `AllowedByOrganizations`, when reported.
    pub(super) organizations: Option<bool>,
    /// `AllowedByPermissionsBoundary`, when a boundary is simulated.
    pub(super) boundary: Option<bool>,
    /// `EvalDecisionDetails`, when reported (possibly empty).
    pub(super) details: Option<Vec<(&'static str, EvalDecision)>>,
    /// Whether the result carries `ResourceSpecificResults` (a resource ARN was given).
    pub(super) resource_specific: bool,
}

impl Simulation {
    /// Evaluates each `(action, resource)` pair.
    pub(super) fn evaluate(&self, pairs: &[(&str, &str)]) -> Vec<Evaluated> {
        let identity: Vec<&Policy> = self.identity.iter().map(|l| l.policy.as_ref()).collect();
        let levels: Vec<Vec<&Policy>> = self
            .service_control
            .iter()
            .map(|level| level.iter().map(|l| l.policy.as_ref()).collect())
            .collect();
        let set = PolicySet {
            identity: &identity,
            permissions_boundary: self.boundary.as_ref().map(|l| l.policy.as_ref()),
            session: None,
            resource: self.resource.as_ref().map(|l| l.policy.as_ref()),
            service_control: (!levels.is_empty()).then_some(levels.as_slice()),
            resource_control: None,
        };
        pairs
            .iter()
            // A client that left does not get the rest (crate::cancel).
            .take_while(|_| !crate::cancel::requested())
            .map(|(action, resource)| {
                let prepared = Action::new(action);
                let request = Request {
                    caller: &self.caller,
                    action: &prepared,
                    resource,
                    resource_account: self.resource_owner.as_deref(),
                    context: &self.context,
                };
                let explanation = explain(&set, &request);
                self.result(action, resource, &explanation)
            })
            .collect()
    }

    /// The policy a statement of an explanation came from.
    fn labelled(&self, set: SetKind, index: usize) -> Option<&Labelled> {
        match set {
            SetKind::Identity => self.identity.get(index),
            SetKind::PermissionsBoundary => self.boundary.as_ref().filter(|_| index == 0),
            SetKind::Resource => self.resource.as_ref().filter(|_| index == 0),
            SetKind::ServiceControl(level) => self.service_control.get(level)?.get(index),
            SetKind::Session | SetKind::ResourceControl(_) => None,
        }
    }

    fn cross_account(&self) -> bool {
        self.resource_owner
            .as_deref()
            .is_some_and(|owner| self.caller.account.as_deref() != Some(owner))
    }

    fn result(&self, action: &str, resource: &str, explanation: &Explanation) -> Evaluated {
        let matched = explanation
            .simulator_matched()
            .filter_map(|statement| {
                let labelled = self.labelled(statement.set, statement.policy_index)?;
                let (start, end) = labelled
                    .policy
                    .simulator_position(statement.statement_index)
                    .unwrap_or((statement.start, statement.end));
                Some(Matched {
                    source_policy_id: labelled.id.clone(),
                    source_policy_type: source_policy_type(statement.set),
                    start,
                    end,
                })
            })
            .collect();
        let allowed_by_organizations =
            explanation.allowed_by_service_control(self.service_control.len());
        let decision_of = |wanted: SetKind| explanation.decision_of(|set| set == wanted);
        let resource_specific = resource != "*";
        // EvalDecisionDetails (IAM API Reference, "EvaluationResult"): per policy type for
        // a cross-account simulation; present but empty for a resource of the caller's
        // account; absent for `*` in the caller's account, and absent when an SCP
        // stopped the evaluation.
        let details = if !allowed_by_organizations {
            None
        } else if self.cross_account() {
            let mut details = vec![(
                source_policy_type(SetKind::Identity),
                decision_of(SetKind::Identity),
            )];
            if self.resource.is_some() {
                details.push((
                    source_policy_type(SetKind::Resource),
                    decision_of(SetKind::Resource),
                ));
            }
            if self.boundary.is_some() {
                details.push((
                    source_policy_type(SetKind::PermissionsBoundary),
                    decision_of(SetKind::PermissionsBoundary),
                ));
            }
            Some(details)
        } else if resource_specific {
            Some(Vec::new())
        } else {
            None
        };
        Evaluated {
            action: action.to_owned(),
            resource: resource.to_owned(),
            decision: explanation.decision,
            matched,
            missing: explanation.missing_context_values.clone(),
            organizations: self
                .report_organizations
                .then_some(allowed_by_organizations),
            boundary: self
                .boundary
                .as_ref()
                .map(|_| decision_of(SetKind::PermissionsBoundary) == EvalDecision::Allowed),
            details,
            resource_specific,
        }
    }
}
