//! What an `AssumeRole` call asks of the new session beyond the role: `ExternalId`,
//! `SourceIdentity`, `Tags` and `TransitiveTagKeys`, combined with what the calling
//! session passes on when roles are chained.
//!
//! The model's constraints (lengths, patterns, at most 50 tags and 50 transitive
//! keys) are checked by the protocol layer before the operation runs, with AWS's
//! `ValidationError` wording. What is left here is what the model cannot say:
//!
//! - "Tag key–value pairs are not case sensitive, but case is preserved. This means
//!   that you cannot have separate `Department` and `department` tag keys" (STS API
//!   reference, AssumeRole, `Tags`);
//! - "if you used temporary credentials to perform this operation, the new session
//!   inherits any transitive session tags from the calling session. If you pass a
//!   session tag with the same key as an inherited tag, the operation fails" (same);
//! - a transitive key must name a tag of the request;
//! - "After a source identity is set, ... The value that is set persists when a role
//!   is used to assume another role ... The value that is set cannot be changed
//!   during the role session" (IAM User Guide, "Monitor and control actions taken with
//!   assumed roles").

use ironiam_protocol::model::Value;
use ironiam_store::record::Tag;

use crate::authz::{SessionFacts, SessionKind};
use crate::http::error::ApiError;

/// The session-shaping parameters of one `AssumeRole` call, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SessionRequest {
    /// `ExternalId` (`sts:ExternalId`).
    pub external_id: Option<String>,
    /// The new session's source identity: the one passed, or the calling session's
    /// (`sts:SourceIdentity`, then `aws:SourceIdentity` in the session).
    pub source_identity: Option<String>,
    /// The tags passed in this call (`aws:RequestTag/*`, `aws:TagKeys`).
    pub request_tags: Vec<Tag>,
    /// `TransitiveTagKeys` as passed (`sts:TransitiveTagKeys`).
    pub request_transitive_keys: Vec<String>,
    /// The new session's tags: the calling session's transitive tags, then the passed.
    pub tags: Vec<Tag>,
    /// The new session's transitive keys: the inherited ones and the passed ones.
    pub transitive_keys: Vec<String>,
}

impl SessionRequest {
    /// Whether the new session carries tags, so the trust policy (and for the caller's
    /// side, its policies) must allow `sts:TagSession`.
    pub fn tags_session(&self) -> bool {
        !self.tags.is_empty() || !self.request_transitive_keys.is_empty()
    }
}

/// Reads and checks the session parameters of `input`; `calling` is the session of
/// the caller, if it has one (a role session when roles are chained).
///
/// # Errors
/// `InvalidParameterValue` for duplicate tag keys, a transitive key that names no tag,
/// or a tag that would override an inherited transitive tag; `AccessDenied` for a
/// source identity different from the calling session's.
pub(crate) fn session_request(
    input: &Value,
    calling: Option<&SessionFacts>,
) -> Result<SessionRequest, ApiError> {
    let chained = calling.filter(|s| s.kind == SessionKind::AssumedRole);
    let request_tags = tags(input)?;
    let request_transitive_keys = transitive_keys(input, &request_tags)?;

    // The calling session's transitive tags pass on, and a passed tag may not
    // override one (case-insensitively, as tag keys compare).
    let inherited: Vec<Tag> = chained
        .map(|s| {
            s.tags
                .iter()
                .filter(|t| contains_key(&s.transitive_tag_keys, &t.key))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(tag) = request_tags
        .iter()
        .find(|t| inherited.iter().any(|i| i.key.eq_ignore_ascii_case(&t.key)))
    {
        return Err(ApiError::InvalidParameterValue(format!(
            "The tag key {} is already set as a transitive tag by the calling session and cannot be overridden.",
            tag.key
        )));
    }
    let mut transitive_keys: Vec<String> = inherited.iter().map(|t| t.key.clone()).collect();
    transitive_keys.extend(request_transitive_keys.iter().cloned());
    let mut session_tags = inherited;
    session_tags.extend(request_tags.iter().cloned());

    let passed = input.str_member("SourceIdentity").map(str::to_owned);
    let held = chained.and_then(|s| s.source_identity.clone());
    let source_identity = match (passed, held) {
        (Some(passed), Some(held)) if passed != held => {
            return Err(ApiError::AccessDenied(format!(
                "Cannot change the source identity of the session from {held} to {passed}: a source identity is set once and persists through role chaining."
            )));
        }
        (passed, held) => held.or(passed),
    };

    Ok(SessionRequest {
        external_id: input.str_member("ExternalId").map(str::to_owned),
        source_identity,
        request_tags,
        request_transitive_keys,
        tags: session_tags,
        transitive_keys,
    })
}

/// `Tags`, with no two keys equal regardless of case.
fn tags(input: &Value) -> Result<Vec<Tag>, ApiError> {
    let mut out: Vec<Tag> = Vec::new();
    for tag in input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
    {
        let (Some(key), Some(value)) = (tag.str_member("Key"), tag.str_member("Value")) else {
            // The model requires both; the protocol layer has refused a missing one.
            continue;
        };
        if contains_key_of(&out, key) {
            return Err(ApiError::InvalidParameterValue(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                    .to_owned(),
            ));
        }
        out.push(Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(out)
}

/// `TransitiveTagKeys`, each naming one of `tags`, spelled as the tag is; repeats
/// dropped.
fn transitive_keys(input: &Value, tags: &[Tag]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for key in input
        .get("TransitiveTagKeys")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
    {
        let Some(tag) = tags.iter().find(|t| t.key.eq_ignore_ascii_case(key)) else {
            return Err(ApiError::InvalidParameterValue(
                "The specified transitive tag key must be included in the requested tags."
                    .to_owned(),
            ));
        };
        if !contains_key(&out, &tag.key) {
            out.push(tag.key.clone());
        }
    }
    Ok(out)
}

fn contains_key(keys: &[String], key: &str) -> bool {
    keys.iter().any(|k| k.eq_ignore_ascii_case(key))
}

fn contains_key_of(tags: &[Tag], key: &str) -> bool {
    tags.iter().any(|t| t.key.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn input(pairs: &[(&str, &str)], transitive: &[&str], source: Option<&str>) -> Value {
        let mut members = std::collections::BTreeMap::new();
        let tags = pairs
            .iter()
            .map(|(k, v)| {
                Value::Struct(
                    [
                        ("Key".to_owned(), Value::String((*k).to_owned())),
                        ("Value".to_owned(), Value::String((*v).to_owned())),
                    ]
                    .into(),
                )
            })
            .collect();
        members.insert("Tags".to_owned(), Value::List(tags));
        members.insert(
            "TransitiveTagKeys".to_owned(),
            Value::List(
                transitive
                    .iter()
                    .map(|k| Value::String((*k).to_owned()))
                    .collect(),
            ),
        );
        if let Some(source) = source {
            members.insert(
                "SourceIdentity".to_owned(),
                Value::String(source.to_owned()),
            );
        }
        Value::Struct(members)
    }

    fn role_session(
        tags: &[(&str, &str)],
        transitive: &[&str],
        source: Option<&str>,
    ) -> SessionFacts {
        SessionFacts {
            kind: SessionKind::AssumedRole,
            issued_at: 0,
            expires_at: 3600,
            mfa_authenticated_at: None,
            policy: None,
            policy_arns: Vec::new(),
            source_identity: source.map(str::to_owned),
            tags: tags
                .iter()
                .map(|(k, v)| Tag {
                    key: (*k).to_owned(),
                    value: (*v).to_owned(),
                })
                .collect(),
            transitive_tag_keys: transitive.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn tag_keys_that_differ_only_in_case_are_refused() {
        let err = session_request(&input(&[("Dept", "a"), ("dept", "b")], &[], None), None);
        assert!(
            matches!(err, Err(ApiError::InvalidParameterValue(_))),
            "{err:?}"
        );
    }

    #[test]
    fn transitive_keys_must_name_a_passed_tag_and_take_its_spelling() {
        let err = session_request(&input(&[("Dept", "a")], &["Team"], None), None);
        assert!(
            matches!(err, Err(ApiError::InvalidParameterValue(_))),
            "{err:?}"
        );
        let ok = session_request(&input(&[("Dept", "a")], &["dept", "DEPT"], None), None).unwrap();
        assert_eq!(ok.transitive_keys, vec!["Dept".to_owned()]);
    }

    #[test]
    fn chaining_keeps_transitive_tags_and_drops_the_others() {
        let calling = role_session(
            &[("Dept", "eng"), ("Project", "x")],
            &["Dept"],
            Some("alice"),
        );
        let next = session_request(&input(&[("Team", "blue")], &[], None), Some(&calling)).unwrap();
        let keys: Vec<&str> = next.tags.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["Dept", "Team"]);
        assert_eq!(next.transitive_keys, vec!["Dept".to_owned()]);
        assert_eq!(next.source_identity.as_deref(), Some("alice"));
        assert!(next.tags_session());
        // Overriding an inherited transitive tag, in any case, fails.
        let err = session_request(&input(&[("DEPT", "ops")], &[], None), Some(&calling));
        assert!(
            matches!(err, Err(ApiError::InvalidParameterValue(_))),
            "{err:?}"
        );
        // A non-transitive tag of the calling session may be passed again.
        assert!(session_request(&input(&[("Project", "y")], &[], None), Some(&calling)).is_ok());
    }

    #[test]
    fn the_source_identity_is_set_once() {
        let calling = role_session(&[], &[], Some("alice"));
        let same = session_request(&input(&[], &[], Some("alice")), Some(&calling)).unwrap();
        assert_eq!(same.source_identity.as_deref(), Some("alice"));
        let err = session_request(&input(&[], &[], Some("mallory")), Some(&calling));
        assert!(matches!(err, Err(ApiError::AccessDenied(_))), "{err:?}");
        // A session that has none may be given one.
        let fresh = role_session(&[], &[], None);
        let set = session_request(&input(&[], &[], Some("bob")), Some(&fresh)).unwrap();
        assert_eq!(set.source_identity.as_deref(), Some("bob"));
        assert!(!set.tags_session());
    }
}
