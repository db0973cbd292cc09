//! A compiled policy: statements turned into matchers, indexed by service prefix.
//!
//! Compilation happens once, when a policy is stored or loaded; evaluation then does no
//! parsing and builds no matcher. The index maps each service prefix (`iam`, `ec2`) to
//! the statements whose `Action` can name it, so the cost of a decision grows with the
//! statements that can match the request's action, not with the size of the policy.

use crate::condition::CompiledCondition;
use crate::context::fast_hash;
use crate::document::{Effect, PolicyDocument, PolicyVersion, PrincipalElement};
use crate::err::PolicyError;
use crate::evaluate::Action;
use crate::loc::{LineIndex, Location};
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
    pub(crate) actions: ActionMatcher,
    /// `None` when the statement has no Resource (trust policies): it matches any.
    pub(crate) resources: Option<(bool, Box<[Pattern]>)>,
    pub(crate) principal: Option<PrincipalElement>,
    pub(crate) conditions: Box<[CompiledCondition]>,
    pub(crate) start: Location,
    pub(crate) end: Location,
}

/// A statement's action patterns: plain names in a sorted list for a binary search,
/// wildcard patterns apart.
#[derive(Debug, Clone)]
pub(crate) struct ActionMatcher {
    /// Plain names with their hashes, sorted by hash.
    names: Box<[(u64, Box<str>, ())]>,
    wildcards: Box<[Pattern]>,
}

impl ActionMatcher {
    fn new(patterns: Vec<Pattern>) -> Self {
        let (plain, wildcards): (Vec<Pattern>, Vec<Pattern>) = patterns
            .into_iter()
            .partition(|pattern| pattern.as_literal().is_some());
        let mut names: Vec<(u64, Box<str>, ())> = plain
            .iter()
            .filter_map(|p| p.as_literal())
            .map(|name| (fast_hash(name), Box::from(name), ()))
            .collect();
        names.sort_unstable();
        names.dedup();
        Self {
            names: names.into_iter().collect(),
            wildcards: wildcards.into_iter().collect(),
        }
    }

    /// Whether an action matches any pattern.
    #[inline]
    pub(crate) fn matches(&self, action: &Action, vars: &dyn crate::variable::Resolve) -> bool {
        let name = action.lowercase();
        lookup(&self.names, action.name_hash(), name).is_some()
            || self
                .wildcards
                .iter()
                .any(|pattern| pattern.matches(name, vars) == crate::pattern::Match::Yes)
    }
}

/// Finds `key` (whose hash is `hash`) in entries sorted by hash.
#[inline]
fn lookup<'a, T>(entries: &'a [(u64, Box<str>, T)], hash: u64, key: &str) -> Option<&'a T>
where
    T: 'a,
{
    // A short list is scanned: comparing a few integers beats the branches of a search.
    let start = if entries.len() <= 8 {
        entries.iter().position(|(h, _, _)| *h == hash)?
    } else {
        entries.partition_point(|(h, _, _)| *h < hash)
    };
    entries
        .get(start..)?
        .iter()
        .take_while(|(h, _, _)| *h == hash)
        .find(|(_, name, _)| crate::pattern::same_bytes(name.as_bytes(), key.as_bytes()))
        .map(|(_, _, value)| value)
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
    /// By service prefix, with the prefix's hash, sorted by hash.
    by_service: Vec<(u64, Box<str>, Candidates)>,
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
        let lines = LineIndex::new(text);
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
            let actions = ActionMatcher::new(actions.into_vec());
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
                start: lines.location(statement.span.start),
                end: lines.location(statement.span.end),
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
    pub(crate) fn candidates(&self, action: &Action) -> [&Candidates; 2] {
        static EMPTY: Candidates = Candidates {
            deny: Vec::new(),
            allow: Vec::new(),
        };
        [
            lookup(
                &self.index.by_service,
                action.service_hash(),
                action.service(),
            )
            .unwrap_or(&EMPTY),
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
            let hash = fast_hash(service);
            let at = self
                .by_service
                .partition_point(|(h, name, _)| (*h, name.as_ref()) < (hash, service));
            match self.by_service.get_mut(at) {
                Some((h, name, candidates)) if *h == hash && name.as_ref() == service => {
                    push(candidates)
                }
                _ => {
                    let mut candidates = Candidates::default();
                    push(&mut candidates);
                    self.by_service
                        .insert(at, (hash, service.into(), candidates));
                }
            }
        }
    }
}
