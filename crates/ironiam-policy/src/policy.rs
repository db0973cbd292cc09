//! A compiled policy: statements turned into matchers, indexed by service prefix.
//!
//! Compilation happens once, when a policy is stored or loaded; evaluation then does no
//! parsing and builds no matcher. The index maps each service prefix (`iam`, `ec2`) to
//! the statements whose `Action` can name it, so the cost of a decision grows with the
//! statements that can match the request's action, not with the size of the policy.

use crate::condition::CompiledCondition;
use crate::context::fast_hash;
use std::borrow::Cow;
use std::sync::OnceLock;

use crate::document::{Effect, Located, PolicyDocument, PolicyVersion, PrincipalElement};
use crate::err::PolicyError;
use crate::evaluate::Action;
use crate::loc::{LineIndex, Location, Span};
use crate::parse::{self, PolicyKind};
use crate::pattern::{Arena, Colons, Pattern, Syntax, Text};

/// A parsed, validated and compiled policy. It keeps its text, so explanations can
/// quote it and [`Policy::document`] can give the parsed tree back.
#[derive(Debug, Clone)]
pub struct Policy {
    id: String,
    kind: PolicyKind,
    text: Box<str>,
    size: usize,
    pub(crate) statements: Box<[CompiledStatement]>,
    /// The literal text and pieces of every pattern.
    pub(crate) arena: Arena,
    index: ActionIndex,
    /// Line starts, built on the first explanation: locations are for people, not for
    /// the hot path.
    lines: OnceLock<LineIndex>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub(crate) sid: Option<Text>,
    pub(crate) effect: Effect,
    pub(crate) actions_negated: bool,
    pub(crate) actions: ActionMatcher,
    /// `None` when the statement has no Resource (trust policies): it matches any.
    pub(crate) resources: Option<(bool, Box<[Pattern]>)>,
    pub(crate) principal: Option<PrincipalElement<'static>>,
    pub(crate) conditions: Box<[CompiledCondition]>,
    /// Where the statement is in the policy's text.
    pub(crate) span: Span,
}

/// A statement's action patterns: plain names in a sorted list for a binary search,
/// wildcard patterns apart.
#[derive(Debug, Clone)]
pub(crate) struct ActionMatcher {
    /// Plain names (lowercase, in the arena) with their hashes, sorted by hash.
    names: Box<[(u64, Text)]>,
    wildcards: Box<[Pattern]>,
}

impl ActionMatcher {
    /// Splits an `Action`/`NotAction` list into plain names (folded to lowercase and
    /// hashed) and wildcard patterns.
    fn new<'a>(
        patterns: impl Iterator<Item = &'a str> + Clone,
        syntax: Syntax,
        arena: &mut Arena,
    ) -> Self {
        // Sized exactly, so that boxing them does not reallocate.
        let wildcard_count = patterns
            .clone()
            .filter(|pattern| pattern.contains(['*', '?']))
            .count();
        let mut names = Vec::with_capacity(patterns.clone().count() - wildcard_count);
        let mut wildcards = Vec::with_capacity(wildcard_count);
        for pattern in patterns {
            if pattern.contains(['*', '?']) {
                wildcards.push(Pattern::compile(pattern, syntax, arena));
            } else {
                let name = arena.push_text(pattern, true);
                names.push((fast_hash(arena.text(name)), name));
            }
        }
        names.sort_unstable_by_key(|(hash, _)| *hash);
        Self {
            names: names.into_boxed_slice(),
            wildcards: wildcards.into_boxed_slice(),
        }
    }

    /// Whether an action matches any pattern.
    #[inline]
    pub(crate) fn matches(
        &self,
        arena: &Arena,
        action: &Action,
        vars: &dyn crate::variable::Resolve,
    ) -> bool {
        let name = action.lowercase();
        let hash = action.name_hash();
        self.names.iter().any(|(h, text)| {
            *h == hash && crate::pattern::same_bytes(arena.text(*text).as_bytes(), name.as_bytes())
        }) || self
            .wildcards
            .iter()
            .any(|pattern| pattern.matches(arena, name, vars) == crate::pattern::Match::Yes)
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
        Ok(Self::compile(id.into(), kind, &document, text))
    }

    fn compile(id: String, kind: PolicyKind, document: &PolicyDocument<'_>, text: &str) -> Self {
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
        let mut arena = Arena::default();
        let mut index = ActionIndex::default();
        let mut statements = Vec::with_capacity(document.statements.len());
        for (number, statement) in document.statements.iter().enumerate() {
            let patterns = || {
                statement
                    .action
                    .patterns
                    .iter()
                    .map(|pattern| pattern.value.as_ref())
            };
            let number = u32::try_from(number).unwrap_or(u32::MAX);
            index.add(
                number,
                statement.effect,
                statement.action.negated,
                &statement.action.patterns,
            );
            let actions = ActionMatcher::new(patterns(), action_syntax, &mut arena);
            statements.push(CompiledStatement {
                sid: statement
                    .sid
                    .as_deref()
                    .map(|sid| arena.push_text(sid, false)),
                effect: statement.effect,
                actions_negated: statement.action.negated,
                actions,
                resources: statement.resource.as_ref().map(|resource| {
                    (
                        resource.negated,
                        resource
                            .patterns
                            .iter()
                            .map(|pattern| {
                                Pattern::compile(&pattern.value, resource_syntax, &mut arena)
                            })
                            .collect(),
                    )
                }),
                principal: statement
                    .principal
                    .clone()
                    .map(PrincipalElement::into_owned),
                conditions: statement
                    .conditions
                    .iter()
                    .map(|condition| CompiledCondition::compile(condition, variables, &mut arena))
                    .collect(),
                span: statement.span,
            });
        }
        Self {
            id,
            kind,
            text: text.into(),
            size: document.size,
            statements: statements.into_boxed_slice(),
            arena,
            index,
            lines: OnceLock::new(),
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

    /// The policy's text, as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed document, read again from the text (it parsed when the policy was
    /// made, so this cannot fail; the `Option` only avoids a panic path).
    pub fn document(&self) -> Option<PolicyDocument<'_>> {
        parse::parse(&self.text, self.kind).ok()
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The size IAM counts against its quotas.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The line and column of a byte offset in the policy's text.
    pub(crate) fn location(&self, offset: usize) -> Location {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .location(&self.text, offset)
    }

    /// The JSON string at `span` in the policy's text (a key or a value), unescaped.
    pub(crate) fn string_at(&self, span: crate::loc::Span) -> String {
        let raw = self.text.get(span.start..span.end).unwrap_or_default();
        match crate::json::parse(raw) {
            Ok(parsed) => match parsed.root.kind {
                crate::json::JsonKind::String(text) => text.into_owned(),
                _ => raw.to_string(),
            },
            Err(_) => raw.to_string(),
        }
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
    fn add(
        &mut self,
        number: u32,
        effect: Effect,
        negated: bool,
        actions: &[Located<Cow<'_, str>>],
    ) {
        // The service is the text before the `:`, if no wildcard comes first.
        fn service_of(pattern: &str) -> Option<&str> {
            let literal_prefix = pattern.split(['*', '?']).next().unwrap_or_default();
            literal_prefix.split_once(':').map(|(service, _)| service)
        }
        let any_service = negated
            || actions
                .iter()
                .any(|pattern| service_of(&pattern.value).is_none());
        let push = |candidates: &mut Candidates| {
            let list = match effect {
                Effect::Deny => &mut candidates.deny,
                Effect::Allow => &mut candidates.allow,
            };
            // A statement naming a service twice is listed once.
            if list.last() != Some(&number) {
                list.push(number);
            }
        };
        if any_service {
            push(&mut self.any_service);
            return;
        }
        for service in actions
            .iter()
            .filter_map(|pattern| service_of(&pattern.value))
        {
            // Action names compare case-insensitively: index by the folded prefix.
            let mut buffer = [0u8; 64];
            let folded: Cow<'_, str> = match buffer.get_mut(..service.len()) {
                Some(slot) if service.is_ascii() => {
                    slot.copy_from_slice(service.as_bytes());
                    slot.make_ascii_lowercase();
                    Cow::Borrowed(std::str::from_utf8(slot).unwrap_or_default())
                }
                _ => Cow::Owned(service.to_ascii_lowercase()),
            };
            let hash = fast_hash(&folded);
            let at = self
                .by_service
                .partition_point(|(h, name, _)| (*h, name.as_ref()) < (hash, folded.as_ref()));
            match self.by_service.get_mut(at) {
                Some((h, name, candidates)) if *h == hash && name.as_ref() == folded.as_ref() => {
                    push(candidates)
                }
                _ => {
                    let mut candidates = Candidates::default();
                    push(&mut candidates);
                    self.by_service
                        .insert(at, (hash, folded.as_ref().into(), candidates));
                }
            }
        }
    }
}
