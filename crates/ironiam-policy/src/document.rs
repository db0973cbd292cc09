//! The parsed form of a policy document: what the author wrote, with spans.
//!
//! This tree is the result of [`crate::parse`]. It is validated but not yet compiled:
//! [`crate::Policy`] compiles it into matchers for evaluation.

use crate::loc::Span;
use crate::operator::ConditionOperator;

/// The policy language version. It changes how `${...}` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    /// `2012-10-17`: policy variables are substituted.
    V2012_10_17,
    /// `2008-10-17`, or no `Version` at all: `${...}` is literal text.
    V2008_10_17,
}

/// A string from the document with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// The language version in force.
    pub version: PolicyVersion,
    /// Whether `Version` was written (an absent one means 2008-10-17).
    pub version_written: bool,
    /// The optional `Id`.
    pub id: Option<String>,
    /// The statements in document order.
    pub statements: Vec<Statement>,
    /// The size IAM counts against its quotas: characters, not counting white space
    /// outside string literals.
    pub size: usize,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, and beats every Allow.
    Deny,
}

impl Effect {
    /// The word as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the document's `Statement` list, from 0.
    pub index: usize,
    /// The statement's span in the text.
    pub span: Span,
    /// The optional `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, in resource-based and trust policies.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`.
    pub action: ActionElement,
    /// `Resource` or `NotResource`; trust policies may omit it.
    pub resource: Option<ResourceElement>,
    /// The `Condition` block, flattened: one entry per operator and key.
    pub conditions: Vec<Condition>,
}

/// `Action` (`negated: false`) or `NotAction` (`negated: true`).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionElement {
    /// `NotAction`.
    pub negated: bool,
    /// The patterns, as written.
    pub patterns: Vec<Located<String>>,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceElement {
    /// `NotResource`.
    pub negated: bool,
    /// The patterns, as written.
    pub patterns: Vec<Located<String>>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalElement {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"*"`, or the principals by type.
    pub principals: PrincipalSet,
}

/// What a `Principal` element names.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalSet {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Everyone,
    /// `{"AWS": [...], "Service": [...], ...}`.
    ByType(Vec<(PrincipalType, Vec<Located<String>>)>),
}

/// The keys of a `Principal` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    /// `AWS`: accounts, users, roles, sessions, or `*`.
    Aws,
    /// `Service`: service principals such as `ec2.amazonaws.com`.
    Service,
    /// `Federated`: identity providers.
    Federated,
    /// `CanonicalUser`: S3 canonical user IDs.
    CanonicalUser,
}

impl PrincipalType {
    /// The key as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One operator and key of a `Condition` block with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator, parsed.
    pub operator: ConditionOperator,
    /// The operator as written, with its span.
    pub operator_text: Located<String>,
    /// The condition key as written (keys compare case-insensitively).
    pub key: Located<String>,
    /// The values, as text (`true` and `10` are kept as the text `true` and `10`).
    pub values: Vec<Located<String>>,
}
