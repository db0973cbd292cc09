//! A compiled policy: statements turned into matchers, indexed by service prefix.
//!
//! Compilation happens once, when a policy is stored or loaded; evaluation then does no
//! parsing and builds no matcher. The index maps each service prefix (`iam`, `ec2`) to
//! the statements whose `Action` can name it, so the cost of a decision grows with the
//! statements that can match the request's action, not with the size of the policy.

use crate::condition::CompiledCondition;
use crate::context::FnvMap;
use crate::document::{Effect, PolicyDocument, PolicyVersion, PrincipalElement};
use crate::err::PolicyError;
use crate::loc::Location;
use crate::parse::{self, PolicyKind};
use crate::pattern::{Colons, Pattern, Syntax};

/// A parsed, validated and compiled policy.
#[derive(Debug, Clone)]
pub struct Policy {
    id: String,
    kind: PolicyKind,
    document: PolicyDocument,
    pub(crate) statements: Box<[CompiledStatement]>,
    index: ActionIndex,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub(crate) effect: Effect,
    pub(crate) actions_negated: bool,
    pub(crate) actions: Box<[Pattern]>,
    /// `None` when the statement has no Resource (trust policies): it matches any.
    pub(crate) resources: Option<(bool, Box<[Pattern]>)>,
    pub(crate) principal: Option<PrincipalElement>,
    pub(crate) conditions: Box<[CompiledCondition]>,
    pub(crate) start: Location,
    pub(crate) end: Location,
}

/// Statement numbers for one service prefix, Deny statements apart so that the fast
/// path can look for an explicit deny first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Candidates {
    pub(crate) deny: Vec<u32>,
    pub(crate) allow: Vec<u32>,
}

#[derive(Debug, Clone, Default)]
struct ActionIndex {
    by_service: FnvMap<Box<str>, Candidates>,
    /// Statements that can match any service: `NotAction`, `*`, `*:Get*`.
    any_service: Candidates,
}

impl Policy {
    /// Parses, validates and compiles `text` as a policy of `kind`. `id` names the
    /// policy in explanations (an ARN, a name, or `PolicyInputList.1`).
    pub fn new(id: impl Into<String>, text: &str, kind: PolicyKind) -> Result<Self, PolicyError> {
        let document = parse::parse(text, kind)?;
        Ok(Self::compile(id.into(), kind, document, text))
    }

    fn compile(id: String, kind: PolicyKind, document: PolicyDocument, text: &str) -> Self {
        let variables = document.version == PolicyVersion::V2012_10_17;
        let action_syntax = Syntax {
            colons: Colons::Free,
            lowercase: true,
            variables: false,
            wildcards: true,
        };
        let resource_syntax = Syntax {
            colons: Colons::Bounded,
            lowercase: false,
            variables,
            wildcards: true,
        };
        let mut index = ActionIndex::default();
        let mut statements = Vec::with_capacity(document.statements.len());
        for (number, statement) in document.statements.iter().enumerate() {
            let actions: Box<[Pattern]> = statement
                .action
                .patterns
                .iter()
                .map(|pattern| Pattern::compile(&pattern.value, action_syntax))
                .collect();
            let number = u32::try_from(number).unwrap_or(u32::MAX);
            index.add(number, statement.effect, statement.action.negated, &actions);
            statements.push(CompiledStatement {
                effect: statement.effect,
                actions_negated: statement.action.negated,
                actions,
                resources: statement.resource.as_ref().map(|resource| {
                    (
                        resource.negated,
                        resource
                            .patterns
                            .iter()
                            .map(|pattern| Pattern::compile(&pattern.value, resource_syntax))
                            .collect(),
                    )
                }),
                principal: statement.principal.clone(),
                conditions: statement
                    .conditions
                    .iter()
                    .map(|condition| CompiledCondition::compile(condition, variables))
                    .collect(),
                start: statement.span.location(text),
                end: Location::of(text, statement.span.end),
            });
        }
        Self {
            id,
            kind,
            document,
            statements: statements.into_boxed_slice(),
            index,
        }
    }

    /// The name given at creation.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The kind it was validated as.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The parsed document.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The size IAM counts against its quotas.
    pub fn size(&self) -> usize {
        self.document.size
    }

    /// The statements that can match an action of `service` (lowercase), as two lists
    /// each of Deny and Allow statement numbers.
    pub(crate) fn candidates(&self, service: &str) -> [&Candidates; 2] {
        static EMPTY: Candidates = Candidates {
            deny: Vec::new(),
            allow: Vec::new(),
        };
        [
            self.index.by_service.get(service).unwrap_or(&EMPTY),
            &self.index.any_service,
        ]
    }
}

impl ActionIndex {
    fn add(&mut self, number: u32, effect: Effect, negated: bool, actions: &[Pattern]) {
        let mut services: Vec<&str> = Vec::new();
        let mut any_service = negated;
        for pattern in actions {
            // The service is the text before the first `:`, if no wildcard precedes it.
            match pattern.literal_prefix().split_once(':') {
                Some((service, _)) if !any_service => services.push(service),
                _ => any_service = true,
            }
        }
        let push = |candidates: &mut Candidates| match effect {
            Effect::Deny => candidates.deny.push(number),
            Effect::Allow => candidates.allow.push(number),
        };
        if any_service {
            push(&mut self.any_service);
            return;
        }
        services.sort_unstable();
        services.dedup();
        for service in services {
            push(self.by_service.entry(service.into()).or_default());
        }
    }
}
