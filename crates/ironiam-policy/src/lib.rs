//! # ironiam-policy
//!
//! AWS IAM policies, parsed, validated, compiled and evaluated as AWS documents them.
//! Pure: no I/O, no async, no clock, and no panic on any input.
//!
//! Policies go through stages, each with its own type:
//!
//! 1. [`parse`] reads JSON text into a [`PolicyDocument`] that keeps every span, and
//!    refuses what IAM refuses with IAM's `MalformedPolicyDocument` wording and a
//!    line and column ([`PolicyError`]).
//! 2. [`Policy::new`] compiles a document into matchers and an index by service prefix,
//!    once, when the policy is stored or loaded.
//! 3. [`decide`] evaluates a [`Request`] against a [`PolicySet`] (identity policies,
//!    permissions boundary, session policies, resource policy, SCPs and RCPs) without
//!    allocating; [`explain`] does the same walk and returns an [`Explanation`] of every
//!    statement.
//!
//! ```
//! use ironiam_policy::{decide, Action, Caller, Context, ContextValue, EvalDecision, Policy, PolicyKind, PolicySet, Request};
//!
//! let force_mfa = Policy::new("force-mfa", r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "*", "Resource": "*"},
//!     {"Effect": "Deny", "NotAction": "iam:ListMFADevices", "Resource": "*",
//!      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
//!   ]
//! }"#, PolicyKind::Identity)?;
//! let caller = Caller::parse("arn:aws:iam::111122223333:user/alice")?;
//! let action = Action::new("ec2:DescribeInstances");
//! let mut context = Context::new();
//! caller.add_derived_keys(&mut context);
//! let policies = PolicySet { identity: &[&force_mfa], ..PolicySet::default() };
//!
//! // Long-term access keys carry no aws:MultiFactorAuthPresent: BoolIfExists denies.
//! let request = Request { caller: &caller, action: &action, resource: "*", resource_account: None, context: &context };
//! assert_eq!(decide(&policies, &request).decision, EvalDecision::ExplicitDeny);
//!
//! context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(true));
//! let request = Request { caller: &caller, action: &action, resource: "*", resource_account: None, context: &context };
//! assert_eq!(decide(&policies, &request).decision, EvalDecision::Allowed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod condition;
mod context;
mod document;
mod err;
mod evaluate;
mod explain;
mod json;
mod loc;
mod operator;
mod parse;
mod pattern;
mod policy;
mod principal;
pub mod simulator;
mod value;
mod variable;

pub use condition::Failure;
pub use context::{Context, ContextValue, KeyName, ValueType};
pub use document::{
    ActionElement, Condition, Effect, Located, PolicyDocument, PolicyVersion, PrincipalElement,
    PrincipalSet, PrincipalType, ResourceElement, Statement,
};
pub use err::PolicyError;
pub use evaluate::{Action, Decision, EvalDecision, PolicySet, Reason, Request, SetKind, decide};
pub use explain::{
    ConditionFailure, Explanation, StatementOutcome, StatementRef, StatementTrace, explain,
};
pub use loc::{Location, Span};
pub use operator::{BaseOperator, ConditionOperator, Family, SetQualifier};
pub use parse::{PolicyKind, parse};
pub use policy::Policy;
pub use principal::{Caller, CallerError, CallerKind, PrincipalMatch};
pub use variable::Resolve;

/// Wildcard matching on its own, for the differential fuzz target and the worst-case
/// benchmarks: the engine's matcher and the dynamic-programming reference it is tested
/// against. Policies reach the same matcher through [`Policy`].
pub mod wildcard {
    use crate::pattern::{Arena, Colons, Match, Pattern, Syntax};

    /// Whether `pattern` (with `*` and `?`, no variables) matches the whole of `text`,
    /// by the engine's matcher. With `arn`, stars follow the Resource element's colon
    /// rule; without, they behave as in `StringLike`.
    pub fn matches(pattern: &str, text: &str, arn: bool) -> bool {
        let mut arena = Arena::default();
        let syntax = Syntax {
            colons: if arn { Colons::Bounded } else { Colons::Free },
            lowercase: false,
            variables: false,
            wildcards: true,
        };
        let compiled = Pattern::compile(pattern, syntax, &mut arena);
        compiled.matches(&arena, text, &NoVariables) == Match::Yes
    }

    pub use crate::pattern::reference::matches as reference;

    struct NoVariables;

    impl crate::Resolve for NoVariables {
        fn single_value(&self, _hash: u64, _key: &str) -> Option<&str> {
            None
        }
    }
}
