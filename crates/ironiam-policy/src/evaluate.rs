//! The decision across policy types, as the IAM User Guide's "Policy evaluation logic"
//! pages describe it for a request:
//!
//! 1. An explicit Deny in any applicable policy wins.
//! 2. Service control policies: every level from the organization root down to the
//!    account must allow (the management account is exempt: its caller passes no SCPs).
//! 3. Resource control policies: likewise.
//! 4. The account's root user is then allowed (identity policies do not bind it).
//! 5. A same-account resource-based policy that names the caller (user or session ARN)
//!    allows on its own; one that names the caller's role is still bounded by the
//!    permissions boundary and session policies; one that names the account delegates
//!    to identity policies. Across accounts both sides must allow.
//! 6. Otherwise the permissions boundary and the session policies, if any, and the
//!    identity-based policies must all allow.
//! 7. Anything else is an implicit deny.
//!
//! One walk serves both [`decide`] (the fast path: indexed candidates, stops at the first
//! Deny) and [`explain`](crate::explain) (every statement, with reasons): an
//! [`Observer`] chooses.

use crate::condition::Failure;
use crate::context::{Context, fast_hash};
use crate::document::Effect;
use crate::pattern::{Arena, Match};
use crate::policy::{CompiledStatement, Policy};
use crate::principal::{Caller, PrincipalMatch};

/// An action name prepared for matching: lowercased once, service split off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    written: String,
    lowercase: String,
    service_len: usize,
    /// Hashes of the lowercase name and service, so that the indexes compare integers.
    name_hash: u64,
    service_hash: u64,
}

impl Action {
    /// Prepares `service:Name`. Text without a colon is kept and matches only `*`-like
    /// patterns.
    pub fn new(action: &str) -> Self {
        let lowercase = action.to_ascii_lowercase();
        let service_len = lowercase.find(':').unwrap_or(lowercase.len());
        let name_hash = fast_hash(&lowercase);
        let service_hash = fast_hash(lowercase.get(..service_len).unwrap_or_default());
        Self {
            written: action.to_string(),
            lowercase,
            service_len,
            name_hash,
            service_hash,
        }
    }

    /// The action as given.
    pub fn as_str(&self) -> &str {
        &self.written
    }

    pub(crate) fn lowercase(&self) -> &str {
        &self.lowercase
    }

    pub(crate) fn service(&self) -> &str {
        self.lowercase.get(..self.service_len).unwrap_or_default()
    }

    pub(crate) fn name_hash(&self) -> u64 {
        self.name_hash
    }

    pub(crate) fn service_hash(&self) -> u64 {
        self.service_hash
    }
}

/// One request to authorize.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Who is calling.
    pub caller: &'a Caller,
    /// What they want to do.
    pub action: &'a Action,
    /// The resource ARN, or `*`.
    pub resource: &'a str,
    /// The account that owns the resource; `None` means the caller's account.
    pub resource_account: Option<&'a str>,
    /// The condition keys.
    pub context: &'a Context,
}

impl Request<'_> {
    fn same_account(&self) -> bool {
        match self.resource_account {
            None => true,
            Some(account) => self.caller.account.as_deref() == Some(account),
        }
    }
}

/// The policies that apply to a request, by type.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicySet<'a> {
    /// Identity-based policies: the caller's inline and managed policies, and its
    /// groups' (or, for a role session, the role's).
    pub identity: &'a [&'a Policy],
    /// The permissions boundary, if one is set.
    pub permissions_boundary: Option<&'a Policy>,
    /// Session policies, if the session has any. One of them must allow.
    pub session: Option<&'a [&'a Policy]>,
    /// The resource's resource-based policy, if it has one.
    pub resource: Option<&'a Policy>,
    /// Service control policies by level, from the organization root down to the
    /// account; `None` when the account is not in an organization or is its
    /// management account.
    pub service_control: Option<&'a [Vec<&'a Policy>]>,
    /// Resource control policies by level, like `service_control`.
    pub resource_control: Option<&'a [Vec<&'a Policy>]>,
}

/// AWS's `EvalDecision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvalDecision {
    /// `allowed`.
    Allowed,
    /// `explicitDeny`.
    ExplicitDeny,
    /// `implicitDeny`.
    ImplicitDeny,
}

impl EvalDecision {
    /// AWS's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalDecision::Allowed => "allowed",
            EvalDecision::ExplicitDeny => "explicitDeny",
            EvalDecision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// Which kind of policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// Identity-based.
    Identity,
    /// The permissions boundary.
    PermissionsBoundary,
    /// A session policy.
    Session,
    /// The resource-based policy.
    Resource,
    /// A service control policy at a level (0 is the organization root).
    ServiceControl(usize),
    /// A resource control policy at a level.
    ResourceControl(usize),
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A Deny statement matched in this kind of policy.
    ExplicitDeny(SetKind),
    /// No service control policy at this level allows the action.
    ServiceControlNoAllow(usize),
    /// No resource control policy at this level allows the action.
    ResourceControlNoAllow(usize),
    /// The caller is the account's root user.
    RootUser,
    /// The resource-based policy allows the caller.
    ResourcePolicy,
    /// Identity-based policies allow, and the boundary and session policies permit.
    IdentityPolicy,
    /// No identity-based policy allows the action.
    NoIdentityAllow,
    /// The permissions boundary does not allow the action.
    PermissionsBoundaryNoAllow,
    /// No session policy allows the action.
    SessionNoAllow,
    /// Across accounts, the resource-based policy does not allow the caller.
    ResourcePolicyNoAllow,
}

/// A fast decision: the result and why, without the per-statement trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The result.
    pub decision: EvalDecision,
    /// Why.
    pub reason: Reason,
}

/// The outcome of one statement for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome<'p> {
    Applies(PrincipalMatch),
    ActionNotMatched,
    ResourceNotMatched,
    ResourceVariableMissing(&'p str),
    PrincipalNotMatched,
    ConditionNotMet {
        condition: usize,
        failure: Failure<'p>,
    },
}

/// Sees every statement evaluated, and decides whether the walk may take shortcuts.
pub(crate) trait Observer {
    /// Whether every statement must be visited (explanations) or only candidates until
    /// the decision is known (the fast path).
    const EXHAUSTIVE: bool;

    fn statement(
        &mut self,
        set: SetKind,
        policy_index: usize,
        policy: &Policy,
        statement: usize,
        outcome: &Outcome<'_>,
    );
}

/// The fast path's observer: sees nothing.
struct Quiet;

impl Observer for Quiet {
    const EXHAUSTIVE: bool = false;

    fn statement(&mut self, _: SetKind, _: usize, _: &Policy, _: usize, _: &Outcome<'_>) {}
}

/// What one kind of policy said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SetVerdict {
    pub(crate) deny: bool,
    /// The best principal match among applying Allow statements.
    pub(crate) allow: Option<PrincipalMatch>,
}

/// Decides a request. This is the hot path: no allocation, indexed statements, and it
/// stops at the first explicit Deny.
pub fn decide(policies: &PolicySet<'_>, request: &Request<'_>) -> Decision {
    walk(policies, request, &mut Quiet)
}

pub(crate) fn statement_outcome<'p>(
    arena: &'p Arena,
    statement: &'p CompiledStatement,
    request: &Request<'_>,
) -> Outcome<'p> {
    let action_matches = statement
        .actions
        .matches(arena, request.action, request.context);
    if action_matches == statement.actions_negated {
        return Outcome::ActionNotMatched;
    }
    if let Some((negated, patterns)) = &statement.resources {
        let mut unresolved = None;
        let mut resource_matches = false;
        for pattern in patterns.iter() {
            match pattern.matches(arena, request.resource, request.context) {
                Match::Yes => {
                    resource_matches = true;
                    break;
                }
                Match::No => {}
                Match::Unresolved(key) => unresolved = Some(key),
            }
        }
        if resource_matches == *negated {
            // An absent variable makes its pattern match nothing, so for NotResource
            // the pattern cannot exclude the resource either.
            return match unresolved {
                Some(key) if !negated => Outcome::ResourceVariableMissing(key),
                _ => Outcome::ResourceNotMatched,
            };
        }
    }
    let principal_match = match &statement.principal {
        None => PrincipalMatch::Exact,
        Some(element) => match request.caller.match_element(element) {
            Some(matched) => matched,
            None => return Outcome::PrincipalNotMatched,
        },
    };
    for (condition, compiled) in statement.conditions.iter().enumerate() {
        if let Err(failure) = compiled.evaluate(arena, request.context) {
            return Outcome::ConditionNotMet { condition, failure };
        }
    }
    Outcome::Applies(principal_match)
}

/// Evaluates one kind of policy.
fn evaluate_set<O: Observer>(
    set: SetKind,
    policies: &[&Policy],
    request: &Request<'_>,
    observer: &mut O,
) -> SetVerdict {
    let mut verdict = SetVerdict::default();
    for (policy_index, policy) in policies.iter().enumerate() {
        if O::EXHAUSTIVE {
            for (number, statement) in policy.statements.iter().enumerate() {
                let outcome = statement_outcome(&policy.arena, statement, request);
                observer.statement(set, policy_index, policy, number, &outcome);
                if let Outcome::Applies(matched) = outcome {
                    match statement.effect {
                        Effect::Deny => verdict.deny = true,
                        Effect::Allow => verdict.allow = verdict.allow.max(Some(matched)),
                    }
                }
            }
            continue;
        }
        let lists = policy.candidates(request.action);
        for list in lists {
            for number in &list.deny {
                if let Some(statement) = policy.statements.get(*number as usize)
                    && matches!(
                        statement_outcome(&policy.arena, statement, request),
                        Outcome::Applies(_)
                    )
                {
                    verdict.deny = true;
                    return verdict;
                }
            }
        }
        if verdict.allow == Some(PrincipalMatch::Exact) {
            continue;
        }
        for list in lists {
            for number in &list.allow {
                if let Some(statement) = policy.statements.get(*number as usize)
                    && let Outcome::Applies(matched) =
                        statement_outcome(&policy.arena, statement, request)
                {
                    verdict.allow = verdict.allow.max(Some(matched));
                }
            }
        }
    }
    verdict
}

/// The one walk behind [`decide`] and [`crate::explain`].
pub(crate) fn walk<O: Observer>(
    policies: &PolicySet<'_>,
    request: &Request<'_>,
    observer: &mut O,
) -> Decision {
    let root = request.caller.is_root();
    let deny = |reason| Decision {
        decision: EvalDecision::ExplicitDeny,
        reason,
    };
    let implicit = |reason| Decision {
        decision: EvalDecision::ImplicitDeny,
        reason,
    };
    let allowed = |reason| Decision {
        decision: EvalDecision::Allowed,
        reason,
    };
    let mut first_deny: Option<SetKind> = None;
    let mut note_deny = |set: SetKind, verdict: &SetVerdict| {
        if verdict.deny && first_deny.is_none() {
            first_deny = Some(set);
        }
    };

    let mut scp_levels = Vec::new();
    for (level, policies_at_level) in policies
        .service_control
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let verdict = evaluate_set(
            SetKind::ServiceControl(level),
            policies_at_level,
            request,
            observer,
        );
        note_deny(SetKind::ServiceControl(level), &verdict);
        if verdict.deny && !O::EXHAUSTIVE {
            return deny(Reason::ExplicitDeny(SetKind::ServiceControl(level)));
        }
        scp_levels.push(verdict.allow.is_some());
    }
    let mut rcp_levels = Vec::new();
    for (level, policies_at_level) in policies
        .resource_control
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let verdict = evaluate_set(
            SetKind::ResourceControl(level),
            policies_at_level,
            request,
            observer,
        );
        note_deny(SetKind::ResourceControl(level), &verdict);
        if verdict.deny && !O::EXHAUSTIVE {
            return deny(Reason::ExplicitDeny(SetKind::ResourceControl(level)));
        }
        rcp_levels.push(verdict.allow.is_some());
    }
    let mut run = |set: SetKind, list: &[&Policy]| -> SetVerdict {
        let verdict = evaluate_set(set, list, request, observer);
        note_deny(set, &verdict);
        verdict
    };
    let resource = policies
        .resource
        .map(|policy| run(SetKind::Resource, &[policy]));
    // Identity policies, boundaries and session policies do not bind the root user.
    let (identity, boundary, session) = if root {
        (SetVerdict::default(), None, None)
    } else {
        (
            run(SetKind::Identity, policies.identity),
            policies
                .permissions_boundary
                .map(|policy| run(SetKind::PermissionsBoundary, &[policy])),
            policies.session.map(|list| run(SetKind::Session, list)),
        )
    };
    if let Some(set) = first_deny {
        return deny(Reason::ExplicitDeny(set));
    }
    if let Some(level) = scp_levels.iter().position(|allows| !allows) {
        return implicit(Reason::ServiceControlNoAllow(level));
    }
    if let Some(level) = rcp_levels.iter().position(|allows| !allows) {
        return implicit(Reason::ResourceControlNoAllow(level));
    }
    let resource_match = resource.and_then(|verdict| verdict.allow);
    if !request.same_account() {
        if resource_match.is_none() {
            return implicit(Reason::ResourcePolicyNoAllow);
        }
        if root {
            return allowed(Reason::ResourcePolicy);
        }
    } else if root {
        return allowed(Reason::RootUser);
    } else {
        match resource_match {
            Some(PrincipalMatch::Exact) => return allowed(Reason::ResourcePolicy),
            Some(PrincipalMatch::Role) => {
                return match (
                    boundary.map(|v| v.allow.is_some()),
                    session.map(|v| v.allow.is_some()),
                ) {
                    (Some(false), _) => implicit(Reason::PermissionsBoundaryNoAllow),
                    (_, Some(false)) => implicit(Reason::SessionNoAllow),
                    _ => allowed(Reason::ResourcePolicy),
                };
            }
            Some(PrincipalMatch::Account) | None => {}
        }
    }
    if identity.allow.is_none() {
        return implicit(Reason::NoIdentityAllow);
    }
    if boundary.is_some_and(|verdict| verdict.allow.is_none()) {
        return implicit(Reason::PermissionsBoundaryNoAllow);
    }
    if session.is_some_and(|verdict| verdict.allow.is_none()) {
        return implicit(Reason::SessionNoAllow);
    }
    allowed(Reason::IdentityPolicy)
}
