//! The parsed form of a policy document: what the author wrote, with spans.
//!
//! This tree is the result of [`crate::parse`]. It is validated but not yet compiled:
//! [`crate::Policy`] compiles it into matchers for evaluation. Its strings borrow from
//! the policy text where the JSON had no escapes, so parsing copies almost nothing;
//! [`PolicyDocument::into_owned`] detaches it from the text.

use std::borrow::Cow;

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
pub struct PolicyDocument<'t> {
    /// The language version in force.
    pub version: PolicyVersion,
    /// Whether `Version` was written (an absent one means 2008-10-17).
    pub version_written: bool,
    /// The optional `Id`.
    pub id: Option<Cow<'t, str>>,
    /// The statements in document order.
    pub statements: Vec<Statement<'t>>,
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
pub struct Statement<'t> {
    /// Position in the document's `Statement` list, from 0.
    pub index: usize,
    /// The statement's span in the text.
    pub span: Span,
    /// The optional `Sid`.
    pub sid: Option<Cow<'t, str>>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, in resource-based and trust policies.
    pub principal: Option<PrincipalElement<'t>>,
    /// `Action` or `NotAction`.
    pub action: ActionElement<'t>,
    /// `Resource` or `NotResource`; trust policies may omit it.
    pub resource: Option<ResourceElement<'t>>,
    /// The `Condition` block, flattened: one entry per operator and key.
    pub conditions: Vec<Condition<'t>>,
}

/// `Action` (`negated: false`) or `NotAction` (`negated: true`).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionElement<'t> {
    /// `NotAction`.
    pub negated: bool,
    /// The patterns, as written.
    pub patterns: Vec<Located<Cow<'t, str>>>,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceElement<'t> {
    /// `NotResource`.
    pub negated: bool,
    /// The patterns, as written.
    pub patterns: Vec<Located<Cow<'t, str>>>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalElement<'t> {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"*"`, or the principals by type.
    pub principals: PrincipalSet<'t>,
}

/// What a `Principal` element names.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalSet<'t> {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Everyone,
    /// `{"AWS": [...], "Service": [...], ...}`.
    ByType(Vec<(PrincipalType, Vec<Located<Cow<'t, str>>>)>),
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
pub struct Condition<'t> {
    /// The operator, parsed.
    pub operator: ConditionOperator,
    /// The operator as written, with its span.
    pub operator_text: Located<Cow<'t, str>>,
    /// The condition key as written (keys compare case-insensitively).
    pub key: Located<Cow<'t, str>>,
    /// The values, as text (`true` and `10` are kept as the text `true` and `10`).
    pub values: Vec<Located<Cow<'t, str>>>,
}

fn owned<'t>(text: Cow<'t, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

fn owned_all<'t>(items: Vec<Located<Cow<'t, str>>>) -> Vec<Located<Cow<'static, str>>> {
    items
        .into_iter()
        .map(|item| Located {
            value: owned(item.value),
            span: item.span,
        })
        .collect()
}

impl PrincipalElement<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> PrincipalElement<'static> {
        PrincipalElement {
            negated: self.negated,
            principals: match self.principals {
                PrincipalSet::Everyone => PrincipalSet::Everyone,
                PrincipalSet::ByType(by_type) => PrincipalSet::ByType(
                    by_type
                        .into_iter()
                        .map(|(kind, values)| (kind, owned_all(values)))
                        .collect(),
                ),
            },
        }
    }
}

impl PolicyDocument<'_> {
    /// A copy that owns its strings, detached from the policy text.
    pub fn into_owned(self) -> PolicyDocument<'static> {
        PolicyDocument {
            version: self.version,
            version_written: self.version_written,
            id: self.id.map(owned),
            size: self.size,
            statements: self
                .statements
                .into_iter()
                .map(|statement| Statement {
                    index: statement.index,
                    span: statement.span,
                    sid: statement.sid.map(owned),
                    effect: statement.effect,
                    principal: statement.principal.map(PrincipalElement::into_owned),
                    action: ActionElement {
                        negated: statement.action.negated,
                        patterns: owned_all(statement.action.patterns),
                    },
                    resource: statement.resource.map(|resource| ResourceElement {
                        negated: resource.negated,
                        patterns: owned_all(resource.patterns),
                    }),
                    conditions: statement
                        .conditions
                        .into_iter()
                        .map(|condition| Condition {
                            operator: condition.operator,
                            operator_text: Located {
                                value: owned(condition.operator_text.value),
                                span: condition.operator_text.span,
                            },
                            key: Located {
                                value: owned(condition.key.value),
                                span: condition.key.span,
                            },
                            values: owned_all(condition.values),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
