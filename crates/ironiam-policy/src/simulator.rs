//! What AWS's policy simulator API reports, derived from the engine: the pieces that
//! `SimulateCustomPolicy`, `SimulatePrincipalPolicy` and `GetContextKeysFor*Policy`
//! share with `ironiam simulate`, so that the server and the command line say the same
//! thing in the same words.
//!
//! - [`Policy::simulator_position`]: a statement's `StartPosition` and `EndPosition`,
//!   in the convention AWS's responses show.
//! - [`source_policy_type`]: `SourcePolicyType` for a kind of policy.
//! - [`Explanation::simulator_matched`]: the statements `MatchedStatements` lists.
//! - [`Explanation::decision_of`] and [`Explanation::allowed_by_service_control`]:
//!   the per-type results behind `EvalDecisionDetails`,
//!   `PermissionsBoundaryDecisionDetail` and `OrganizationsDecisionDetail`.
//! - [`resource_owner_account`]: the `ResourceOwner` parameter.
//! - [`context_entry`]: AWS's `ContextEntry` (key, values, `ContextKeyType`).
//! - [`referenced_context_keys`]: what `GetContextKeysFor*Policy` lists for a policy.

mod context_entry;
mod context_keys;

use crate::document::Effect;
use crate::evaluate::{EvalDecision, SetKind};
use crate::explain::{Explanation, StatementOutcome};
use crate::loc::Location;
use crate::policy::Policy;

pub use context_entry::{ContextEntryError, context_entry, known_key_type, typed_value};
pub use context_keys::referenced_context_keys;

/// White space between JSON tokens.
fn json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Policy {
    /// Where AWS's policy simulator says statement `statement_index` (from 0) starts and
    /// ends, as its `MatchedStatements` report it.
    ///
    /// AWS's positions are those of a streaming JSON parser just before it reads the
    /// statement and just after: the end is the character after the statement's `}`,
    /// and the start is the character after the token read before the statement, that
    /// is after the `[` for the first statement of a list, and after the previous
    /// statement's `}` for the others (the `,` is read with the next token). A
    /// `Statement` written as a single object is read together with the `"Statement":`
    /// name, so it starts after its own `{`. Lines and columns count from 1.
    ///
    /// This reproduces every position in the AWS responses we could find: AWS's
    /// AdministratorAccess document (`"Statement": [` on line 3) gives 3:17 to 8:6;
    /// `{"Version":"2012-10-17","Statement":[{...` starts at column 38; a bucket
    /// policy's second statement starts where the first ends.
    pub fn simulator_position(&self, statement_index: usize) -> Option<(Location, Location)> {
        let span = self.statements.get(statement_index)?.span;
        let text = self.text();
        let before = text.get(..span.start)?.trim_end_matches(json_space);
        let start = match before.chars().next_back() {
            Some('[') => before.len(),
            Some(',') => before
                .get(..before.len() - 1)
                .map_or(span.start, |previous| {
                    previous.trim_end_matches(json_space).len()
                }),
            Some(':') => span.start + 1,
            _ => span.start,
        };
        Some((self.location(start), self.location(span.end)))
    }
}

/// AWS's `SourcePolicyType` for a kind of policy.
///
/// AWS's responses say `IAM Policy` for identity-based policies (inline, managed, or
/// given in `PolicyInputList`), `Resource Policy` for `ResourcePolicy` and `Permissions
/// Boundary Policy` for a boundary, although botocore's model lists other values
/// (`user`, `aws-managed`, ...) that AWS does not send. The kinds the simulator API
/// never reports (SCPs, session and resource control policies) get names in the same
/// style.
pub fn source_policy_type(set: SetKind) -> &'static str {
    match set {
        SetKind::Identity => "IAM Policy",
        SetKind::PermissionsBoundary => "Permissions Boundary Policy",
        SetKind::Resource => "Resource Policy",
        SetKind::ServiceControl(_) => "Service Control Policy",
        SetKind::Session => "Session Policy",
        SetKind::ResourceControl(_) => "Resource Control Policy",
    }
}

impl Explanation {
    /// The statements AWS lists in `MatchedStatements`: for an explicit deny, every Deny
    /// that applies, whatever its kind of policy; for an allow, the Allow statements of
    /// the identity-based and resource-based policies that grant it, but not those of
    /// the permissions boundary or SCPs, which only permit (AWS's answers for accounts
    /// under `FullAWSAccess` list the identity-based statement alone); none for an
    /// implicit deny.
    pub fn simulator_matched(&self) -> impl Iterator<Item = &crate::StatementRef> {
        let allowed = self.decision == EvalDecision::Allowed;
        self.matched.iter().filter(move |statement| {
            !allowed || matches!(statement.set, SetKind::Identity | SetKind::Resource)
        })
    }

    /// What the policies of the kinds `set` selects say on their own: `explicitDeny` if
    /// one of their Deny statements applies, `allowed` if one of their Allow statements
    /// applies, else `implicitDeny`. This is the per-type result of AWS's
    /// `EvalDecisionDetails`; for the permissions boundary, `allowed` is
    /// `AllowedByPermissionsBoundary`.
    pub fn decision_of(&self, set: impl Fn(SetKind) -> bool) -> EvalDecision {
        let applied = |effect: Effect| {
            self.statements.iter().any(|trace| {
                set(trace.statement.set)
                    && trace.statement.effect == effect
                    && trace.outcome == StatementOutcome::Applied
            })
        };
        if applied(Effect::Deny) {
            EvalDecision::ExplicitDeny
        } else if applied(Effect::Allow) {
            EvalDecision::Allowed
        } else {
            EvalDecision::ImplicitDeny
        }
    }

    /// AWS's `AllowedByOrganizations`: no service control policy denies, and at every
    /// one of the `levels` levels (organization root, OUs, account) one allows. With no
    /// levels (no organization, or its management account), nothing restricts.
    pub fn allowed_by_service_control(&self, levels: usize) -> bool {
        let denied = self.decision_of(|set| matches!(set, SetKind::ServiceControl(_)))
            == EvalDecision::ExplicitDeny;
        !denied
            && (0..levels).all(|level| {
                self.decision_of(|set| set == SetKind::ServiceControl(level))
                    == EvalDecision::Allowed
            })
    }
}

/// Reads AWS's `ResourceOwner`: a 12-digit account ID or `arn:PARTITION:iam::ACCOUNT:root`.
/// Returns the account ID.
pub fn resource_owner_account(text: &str) -> Option<String> {
    let account = match text.strip_prefix("arn:") {
        Some(rest) => {
            let mut parts = rest.splitn(5, ':');
            match (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) {
                (Some(partition), Some("iam"), Some(""), Some(account), Some("root"))
                    if !partition.is_empty() =>
                {
                    account
                }
                _ => return None,
            }
        }
        None => text,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

#[cfg(test)]
mod tests;
