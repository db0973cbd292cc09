//! From JSON text to a validated [`PolicyDocument`], refusing what IAM refuses.
//!
//! The rules and messages follow IAM's `MalformedPolicyDocument` errors as collected in
//! `docs/research/policy-validation.md`. IAM reports one error per document, chosen by
//! the order of its checks, so problems found here carry a [`Stage`] and the earliest
//! stage wins: structure, then the managed-policy version, then "legacy parsing", then
//! Sids, then missing actions and resources, then resource and action formats.
//! Locations are ironiam's addition (IAM gives none); the convention is in that file.

mod check;

use std::borrow::Cow;

use crate::document::{
    ActionElement, Condition, Effect, Located, PolicyDocument, PolicyVersion, PrincipalElement,
    PrincipalSet, PrincipalType, ResourceElement, Statement,
};
use crate::err::{PolicyError, PolicyErrorCode};
use crate::json::{self, Json, JsonKind, Member, ParsedJson};
use crate::loc::Span;
use crate::operator::{ConditionOperator, Family};

/// Where a policy document is used. Each kind has its own rules about `Principal`,
/// `Resource`, `Version` and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An inline policy of a user, group or role.
    Identity,
    /// A customer managed policy (CreatePolicy, CreatePolicyVersion).
    Managed,
    /// A resource-based policy; names a `Principal`.
    Resource,
    /// A role's trust policy (`AssumeRolePolicyDocument`); names a `Principal`, no
    /// `Resource`.
    Trust,
    /// An AWS Organizations service control policy.
    ServiceControl,
    /// An AWS Organizations resource control policy; names a `Principal`.
    ResourceControl,
    /// A permissions boundary (always a managed policy).
    PermissionsBoundary,
    /// A session policy passed to AssumeRole or GetFederationToken.
    Session,
}

impl PolicyKind {
    fn is_managed(self) -> bool {
        matches!(self, PolicyKind::Managed | PolicyKind::PermissionsBoundary)
    }

    /// IAM's own policy types restrict `Sid` to letters and digits; services' resource
    /// policies and Organizations have their own rules.
    fn alphanumeric_sids(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity
                | PolicyKind::Managed
                | PolicyKind::PermissionsBoundary
                | PolicyKind::Trust
                | PolicyKind::Session
        )
    }

    /// The quota on one document's size, the error message, and whether every character
    /// counts (Organizations counts white space when a policy is saved through the API).
    /// Inline policies' quotas apply to the sum of an entity's policies and session
    /// policies are packed by STS: their callers check those.
    pub fn size_quota(self) -> Option<(usize, &'static str, bool)> {
        match self {
            PolicyKind::Managed | PolicyKind::PermissionsBoundary => {
                Some((6144, "Cannot exceed quota for PolicySize: 6144", false))
            }
            PolicyKind::Trust => {
                Some((2048, "Cannot exceed quota for ACLSizePerRole: 2048", false))
            }
            PolicyKind::ServiceControl | PolicyKind::ResourceControl => Some((
                5120,
                "The provided policy document exceeds the maximum size of 5120 characters.",
                true,
            )),
            PolicyKind::Identity | PolicyKind::Resource | PolicyKind::Session => None,
        }
    }
}

/// When IAM runs a check; the earliest failing stage is the one reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Version,
    Legacy,
    Sid,
    MissingActions,
    MissingResources,
    ResourceFormat,
    ActionFormat,
}

const ORGANIZATIONS_MESSAGE: &str =
    "The provided policy document does not meet the requirements of the specified policy type.";
const NO_PRINCIPALS: &str = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!";

/// Parses and validates a policy document of the given kind.
pub fn parse(text: &str, kind: PolicyKind) -> Result<PolicyDocument<'_>, PolicyError> {
    let parsed = json::parse(text).map_err(|err| {
        PolicyError::new(text, err.span, "Syntax errors in policy.").with_detail(err.message)
    })?;
    let mut reader = DocumentReader {
        text,
        json: &parsed,
        kind,
        deferred: Vec::new(),
    };
    let document = reader.document(&parsed.root, parsed.size)?;
    if let Some((_, error)) = reader.deferred.into_iter().min_by_key(|(stage, _)| *stage) {
        return Err(error);
    }
    if let Some((quota, message, every_character)) = kind.size_quota() {
        let size = if every_character {
            text.chars().count()
        } else {
            document.size
        };
        if size > quota {
            let mut error = PolicyError::new(text, Span::new(0, 0), message)
                .with_detail(format!("the document counts {size} characters"));
            error.code = PolicyErrorCode::LimitExceeded;
            return Err(error);
        }
    }
    Ok(document)
}

struct DocumentReader<'j, 't> {
    text: &'t str,
    /// The JSON tree: containers' children are looked up here.
    json: &'j ParsedJson<'t>,
    kind: PolicyKind,
    /// Problems found during the structural pass that IAM reports only after later
    /// checks have passed.
    deferred: Vec<(Stage, PolicyError)>,
}

type Parsed<T> = Result<T, PolicyError>;

impl<'j, 't> DocumentReader<'j, 't> {
    fn error(&self, span: Span, message: impl Into<String>) -> PolicyError {
        PolicyError::new(self.text, span, message)
    }

    fn syntax(&self, span: Span, detail: impl Into<String>) -> PolicyError {
        self.error(span, "Syntax errors in policy.")
            .with_detail(detail)
    }

    fn defer(&mut self, stage: Stage, error: PolicyError) {
        self.deferred.push((stage, error));
    }

    fn document(&mut self, root: &Json<'t>, size: usize) -> Parsed<PolicyDocument<'t>> {
        let JsonKind::Object(members) = &root.kind else {
            return Err(self.syntax(root.span, "a policy document must be a JSON object"));
        };
        let members = self.json.members(*members);
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for member in members {
            match member.key.as_ref() {
                "Version" => version = Some(member),
                "Id" => id = Some(self.string(member)?),
                "Statement" => statement = Some(member),
                other => {
                    return Err(self.syntax(
                        member.key_span,
                        format!("unknown top-level element `{other}`"),
                    ));
                }
            }
        }
        let version = match version {
            None => None,
            Some(member) => Some((self.version(member)?, member.key_span)),
        };
        let Some(statement) = statement else {
            return Err(self.syntax(root.span, "missing required element `Statement`"));
        };
        let items: &[Json] = match &statement.value.kind {
            JsonKind::Object(_) => std::slice::from_ref(&statement.value),
            JsonKind::Array(items) if !items.is_empty() => self.json.items(*items),
            JsonKind::Array(_) => {
                return Err(self.syntax(statement.key_span, "`Statement` must not be empty"));
            }
            _ => {
                return Err(self.syntax(
                    statement.key_span,
                    "`Statement` must be an object or an array of objects",
                ));
            }
        };
        let statements = items
            .iter()
            .enumerate()
            .map(|(index, item)| self.statement(item, index))
            .collect::<Parsed<Vec<_>>>()?;
        if self.kind.is_managed() && version.is_none_or(|(v, _)| v != PolicyVersion::V2012_10_17) {
            let span = version.map_or(root.span, |(_, span)| span);
            let error = self.error(
                span,
                "Policy document must be version 2012-10-17 or greater.",
            );
            self.defer(Stage::Version, error);
        }
        self.check_sids(items);
        Ok(PolicyDocument {
            version: version.map_or(PolicyVersion::V2008_10_17, |(v, _)| v),
            version_written: version.is_some(),
            id,
            statements,
            size,
        })
    }

    fn version(&self, member: &Member<'t>) -> Parsed<PolicyVersion> {
        match &member.value.kind {
            JsonKind::String(text) if text == "2012-10-17" => Ok(PolicyVersion::V2012_10_17),
            JsonKind::String(text) if text == "2008-10-17" => Ok(PolicyVersion::V2008_10_17),
            _ => Err(self.syntax(
                member.key_span,
                "`Version` must be \"2012-10-17\" or \"2008-10-17\"",
            )),
        }
    }

    fn string(&self, member: &Member<'t>) -> Parsed<Cow<'t, str>> {
        match &member.value.kind {
            JsonKind::String(text) => Ok(text.clone()),
            _ => Err(self.syntax(
                member.key_span,
                format!(
                    "`{}` must be a string, not {}",
                    member.key,
                    member.value.type_name()
                ),
            )),
        }
    }

    fn statement(&mut self, value: &Json<'t>, index: usize) -> Parsed<Statement<'t>> {
        let JsonKind::Object(members) = &value.kind else {
            return Err(self.syntax(value.span, "each statement must be a JSON object"));
        };
        let members = self.json.members(*members);
        let mut sid = None;
        let mut effect: Option<&Member> = None;
        let mut principal: Option<&Member> = None;
        let mut action: Option<&Member> = None;
        let mut resource: Option<&Member> = None;
        let mut condition: Option<&Member> = None;
        for member in members {
            let slot = match member.key.as_ref() {
                "Sid" => {
                    sid = Some(self.string(member)?);
                    continue;
                }
                "Effect" => &mut effect,
                "Condition" => &mut condition,
                "Principal" | "NotPrincipal" => &mut principal,
                "Action" | "NotAction" => &mut action,
                "Resource" | "NotResource" => &mut resource,
                other => {
                    return Err(self.syntax(member.key_span, format!("unknown element `{other}`")));
                }
            };
            if let Some(previous) = slot {
                return Err(self.syntax(
                    member.key_span,
                    format!(
                        "`{}` and `{}` cannot both appear in a statement",
                        previous.key, member.key
                    ),
                ));
            }
            *slot = Some(member);
        }
        let Some(effect_member) = effect else {
            return Err(self.syntax(value.span, "every statement needs `Effect`"));
        };
        let effect = self.effect(effect_member)?;
        let action = match action {
            Some(member) => self.actions(member)?,
            None => {
                let error = self.error(value.span, "Policy statement must contain actions.");
                self.defer(Stage::MissingActions, error);
                ActionElement {
                    negated: false,
                    patterns: Vec::new(),
                }
            }
        };
        let resource = self.resource_element(value, resource)?;
        let conditions = match condition {
            Some(block) => self.conditions(block)?,
            None => Vec::new(),
        };
        let principal = self.principal_element(value, principal)?;
        if self.kind == PolicyKind::ResourceControl && effect == Effect::Allow {
            // Only the AWS-managed RCPFullAWSAccess allows, and it allows everything:
            // a custom RCP may only deny.
            let full_access = !action.negated
                && action.patterns.iter().map(|p| p.value.as_ref()).eq(["*"])
                && resource.as_ref().is_some_and(|r| {
                    !r.negated && r.patterns.iter().map(|p| p.value.as_ref()).eq(["*"])
                })
                && principal
                    .as_ref()
                    .is_some_and(|p| !p.negated && p.principals == PrincipalSet::Everyone)
                && conditions.is_empty();
            if !full_access {
                return Err(self
                    .error(effect_member.key_span, ORGANIZATIONS_MESSAGE)
                    .with_detail("a custom resource control policy may only deny"));
            }
        }
        Ok(Statement {
            index,
            span: value.span,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    fn effect(&mut self, member: &Member<'t>) -> Parsed<Effect> {
        match &member.value.kind {
            JsonKind::String(text) if text == "Allow" => Ok(Effect::Allow),
            JsonKind::String(text) if text == "Deny" => Ok(Effect::Deny),
            JsonKind::String(text)
                if text.eq_ignore_ascii_case("allow") || text.eq_ignore_ascii_case("deny") =>
            {
                let error = self
                    .error(member.key_span, "The policy failed legacy parsing")
                    .with_detail(format!(
                        "`Effect` is case-sensitive: write `Allow` or `Deny`, not `{text}`"
                    ));
                self.defer(Stage::Legacy, error);
                Ok(if text.eq_ignore_ascii_case("allow") {
                    Effect::Allow
                } else {
                    Effect::Deny
                })
            }
            _ => Err(self.syntax(member.key_span, "`Effect` must be \"Allow\" or \"Deny\"")),
        }
    }

    /// A string or an array of strings; an empty array is returned as empty.
    fn string_list(&self, member: &Member<'t>) -> Parsed<Vec<Located<Cow<'t, str>>>> {
        let items: &[Json] = match &member.value.kind {
            JsonKind::String(_) => std::slice::from_ref(&member.value),
            JsonKind::Array(items) => self.json.items(*items),
            _ => {
                return Err(self.syntax(
                    member.key_span,
                    format!("`{}` must be a string or an array of strings", member.key),
                ));
            }
        };
        items
            .iter()
            .map(|item| match &item.kind {
                JsonKind::String(text) => Ok(Located {
                    value: text.clone(),
                    span: item.span,
                }),
                _ => Err(self.syntax(
                    item.span,
                    format!(
                        "`{}` entries must be strings, not {}",
                        member.key,
                        item.type_name()
                    ),
                )),
            })
            .collect()
    }

    fn actions(&mut self, member: &Member<'t>) -> Parsed<ActionElement<'t>> {
        let patterns = self.string_list(member)?;
        if patterns.is_empty() {
            let error = self.error(member.key_span, "Policy statement must contain actions.");
            self.defer(Stage::MissingActions, error);
        }
        for pattern in &patterns {
            if let Err(message) = check::action(&pattern.value) {
                let error = self.error(pattern.span, message);
                self.defer(Stage::ActionFormat, error);
            }
        }
        Ok(ActionElement {
            negated: member.key == "NotAction",
            patterns,
        })
    }

    fn resource_element(
        &mut self,
        statement: &Json<'t>,
        member: Option<&Member<'t>>,
    ) -> Parsed<Option<ResourceElement<'t>>> {
        let Some(member) = member else {
            match self.kind {
                PolicyKind::Trust | PolicyKind::ServiceControl => {}
                _ => {
                    let error =
                        self.error(statement.span, "Policy statement must contain resources.");
                    self.defer(Stage::MissingResources, error);
                }
            }
            return Ok(None);
        };
        if self.kind == PolicyKind::Trust {
            return Err(self.error(
                member.key_span,
                format!("Has prohibited field {}", member.key),
            ));
        }
        let patterns = self.string_list(member)?;
        if patterns.is_empty() {
            let error = self.error(member.key_span, "Policy statement must contain resources.");
            self.defer(Stage::MissingResources, error);
        }
        for pattern in &patterns {
            if let Err((stage, message)) = check::resource(&pattern.value) {
                let error = self.error(pattern.span, message);
                self.defer(
                    if stage {
                        Stage::Legacy
                    } else {
                        Stage::ResourceFormat
                    },
                    error,
                );
            }
        }
        Ok(Some(ResourceElement {
            negated: member.key == "NotResource",
            patterns,
        }))
    }

    fn principal_element(
        &mut self,
        statement: &Json<'t>,
        member: Option<&Member<'t>>,
    ) -> Parsed<Option<PrincipalElement<'t>>> {
        match (self.kind, member) {
            (
                PolicyKind::Identity
                | PolicyKind::Managed
                | PolicyKind::PermissionsBoundary
                | PolicyKind::Session,
                Some(member),
            ) => Err(self.error(
                member.key_span,
                "Policy document should not specify a principal.",
            )),
            (PolicyKind::ServiceControl, Some(member)) => {
                Err(self.error(member.key_span, ORGANIZATIONS_MESSAGE))
            }
            (PolicyKind::Trust, None) => Err(self.error(statement.span, NO_PRINCIPALS)),
            (PolicyKind::Resource, None) => {
                Err(self.error(statement.span, "Missing required field Principal"))
            }
            (PolicyKind::ResourceControl, None) => {
                Err(self.error(statement.span, ORGANIZATIONS_MESSAGE))
            }
            (_, Some(member)) => Ok(Some(self.principal(member)?)),
            (_, None) => Ok(None),
        }
    }

    fn principal(&self, member: &Member<'t>) -> Parsed<PrincipalElement<'t>> {
        let negated = member.key == "NotPrincipal";
        let principals = match &member.value.kind {
            JsonKind::String(text) if text == "*" => PrincipalSet::Everyone,
            JsonKind::Object(entries) if !entries.is_empty() => {
                let entries = self.json.members(*entries);
                let mut by_type = Vec::with_capacity(entries.len());
                for entry in entries {
                    let principal_type = match entry.key.as_ref() {
                        "AWS" => PrincipalType::Aws,
                        "Service" => PrincipalType::Service,
                        "Federated" => PrincipalType::Federated,
                        "CanonicalUser" => PrincipalType::CanonicalUser,
                        other => {
                            return Err(self
                                .error(entry.key_span, "Invalid principal in policy")
                                .with_detail(format!("unknown principal type `{other}`")));
                        }
                    };
                    let values = self.string_list(entry)?;
                    if values.is_empty() {
                        return Err(self.error(entry.key_span, "Invalid principal in policy"));
                    }
                    for value in &values {
                        if !check::principal(principal_type, &value.value) {
                            let message = format!(
                                "Invalid principal in policy: \"{}\":\"{}\"",
                                entry.key, value.value
                            );
                            return Err(self.error(value.span, message));
                        }
                    }
                    by_type.push((principal_type, values));
                }
                PrincipalSet::ByType(by_type)
            }
            _ => {
                return Err(self
                    .error(member.value.span, "Invalid principal in policy")
                    .with_detail("a principal is \"*\" or an object such as {\"AWS\": \"...\"}"));
            }
        };
        Ok(PrincipalElement {
            negated,
            principals,
        })
    }

    fn conditions(&mut self, member: &Member<'t>) -> Parsed<Vec<Condition<'t>>> {
        let JsonKind::Object(operators) = &member.value.kind else {
            return Err(self.syntax(member.key_span, "`Condition` must be an object"));
        };
        let operators = self.json.members(*operators);
        let mut conditions = Vec::new();
        for entry in operators {
            let JsonKind::Object(keys) = &entry.value.kind else {
                return Err(self.syntax(
                    entry.key_span,
                    format!(
                        "the value of condition operator `{}` must be an object of keys",
                        entry.key
                    ),
                ));
            };
            let keys = self.json.members(*keys);
            let Some(operator) = ConditionOperator::parse(&entry.key) else {
                // IAM accepts an unknown operator with nothing under it.
                if keys.is_empty() {
                    continue;
                }
                return Err(self.syntax(
                    entry.key_span,
                    format!("unknown condition operator `{}`", entry.key),
                ));
            };
            for key in keys {
                let values = self.condition_values(&key.value)?;
                if operator.base.family() == Family::Date {
                    for value in &values {
                        if crate::value::date_millis(&value.value).is_none() {
                            let error = self
                                .error(value.span, "The policy failed legacy parsing")
                                .with_detail(format!(
                                    "`{}` is not an ISO 8601 date or an epoch time",
                                    value.value
                                ));
                            self.defer(Stage::Legacy, error);
                        }
                    }
                }
                conditions.push(Condition {
                    operator,
                    operator_text: Located {
                        value: entry.key.clone(),
                        span: entry.key_span,
                    },
                    key: Located {
                        value: key.key.clone(),
                        span: key.key_span,
                    },
                    values,
                });
            }
        }
        Ok(conditions)
    }

    fn condition_values(&self, value: &Json<'t>) -> Parsed<Vec<Located<Cow<'t, str>>>> {
        let scalar = |item: &Json<'t>| -> Parsed<Located<Cow<'t, str>>> {
            let text = match &item.kind {
                JsonKind::String(text) => text.clone(),
                JsonKind::Bool(true) => Cow::Borrowed("true"),
                JsonKind::Bool(false) => Cow::Borrowed("false"),
                JsonKind::Number(number) => Cow::Borrowed(*number),
                _ => {
                    return Err(self.syntax(
                        item.span,
                        format!(
                            "condition values must be strings, booleans or numbers, not {}",
                            item.type_name()
                        ),
                    ));
                }
            };
            Ok(Located {
                value: text,
                span: item.span,
            })
        };
        match &value.kind {
            JsonKind::Array(items) => self.json.items(*items).iter().map(scalar).collect(),
            _ => Ok(vec![scalar(value)?]),
        }
    }

    /// Sids: unique when not empty, and letters and digits only in IAM's own policies.
    fn check_sids(&mut self, items: &[Json<'t>]) {
        let mut seen: Vec<&str> = Vec::new();
        for item in items {
            let JsonKind::Object(members) = &item.kind else {
                continue;
            };
            let members = self.json.members(*members);
            let Some(member) = members.iter().find(|m| m.key == "Sid") else {
                continue;
            };
            let JsonKind::String(sid) = &member.value.kind else {
                continue;
            };
            if sid.is_empty() {
                continue;
            }
            if self.kind.alphanumeric_sids() && !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                let error = self.error(
                    member.key_span,
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
                );
                self.defer(Stage::Sid, error);
            }
            if seen.contains(&sid.as_ref()) {
                let error = self.error(
                    member.key_span,
                    "Statement IDs (SID) in a single policy must be unique.",
                );
                self.defer(Stage::Sid, error);
            }
            seen.push(sid);
        }
    }
}
