//! Every implemented action's authorization contract against the bundled Service
//! Authorization Reference: no resource type and no condition key AWS lists for the
//! action may be missing. A key or type that cannot occur in ironiam must be named
//! as such, with its reason; these are the only exceptions accepted.

use std::collections::BTreeSet;

use ironiam_server::authz::contract::{self, KeySource, absent_resource_type};
use ironiam_server::authz::reference;

/// The exceptions this test accepts, each by key or type: anything else absent fails.
const ACCEPTED_ABSENT: &[&str] = &[
    "iam:RoleTemplateARN",
    "iam:FIDO-certification",
    "iam:FIDO-FIPS-140-2-certification",
    "iam:FIDO-FIPS-140-3-certification",
    "iam:RegisterSecurityKey",
    "sms-mfa",
    // AssumeRole's row lists web-identity and SAML claims.
    "accounts.google.com:aud",
    "accounts.google.com:sub",
    "cognito-identity.amazonaws.com:amr",
    "cognito-identity.amazonaws.com:aud",
    "cognito-identity.amazonaws.com:sub",
    "graph.facebook.com:app_id",
    "graph.facebook.com:id",
    "saml:namequalifier",
    "saml:sub",
    "saml:sub_type",
    "www.amazon.com:app_id",
    "www.amazon.com:user_id",
];

fn implemented() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    out.extend(
        ironiam_server::iam::implemented()
            .into_iter()
            .map(|a| ("iam", a)),
    );
    out.extend(
        ironiam_server::sts::implemented()
            .into_iter()
            .map(|a| ("sts", a)),
    );
    out.extend(
        ironiam_server::organizations::implemented()
            .into_iter()
            .map(|a| ("organizations", a)),
    );
    out.extend(
        ironiam_server::configservice::implemented()
            .into_iter()
            .map(|a| ("config", a)),
    );
    out
}

#[test]
fn every_implemented_action_covers_the_reference() {
    let mut problems = Vec::new();
    let mut absent_seen = BTreeSet::new();
    let mut checked = 0;
    for (service, action) in implemented() {
        let table = reference::service(service);
        let Some(row) = table.action(action) else {
            problems.push(format!("{service}:{action}: not in the bundled reference"));
            continue;
        };
        checked += 1;
        let contract = contract::of(service, action);
        assert_eq!(contract.service, service);
        let covered: BTreeSet<&str> = contract
            .targets
            .iter()
            .flat_map(|t| t.kinds().iter().copied())
            .collect();
        for resource in &row.resources {
            if covered.contains(resource.kind.as_str()) {
                continue;
            }
            match absent_resource_type(&resource.kind) {
                Some(reason) if !reason.is_empty() => {
                    absent_seen.insert(resource.kind.clone());
                }
                _ => problems.push(format!(
                    "{service}:{action}: resource type `{}` ({}) has no target",
                    resource.kind,
                    if resource.required {
                        "required"
                    } else {
                        "optional"
                    }
                )),
            }
        }
        // Every key of the row, of its resource rows, and of its resource types.
        let mut listed: BTreeSet<&str> = row.condition_keys.iter().map(String::as_str).collect();
        for resource in &row.resources {
            listed.extend(resource.condition_keys.iter().map(String::as_str));
            listed.extend(
                table
                    .resource_type_keys(&resource.kind)
                    .iter()
                    .map(String::as_str),
            );
        }
        for key in listed {
            match contract.keys.iter().find(|(k, _)| k == key) {
                None | Some((_, None)) => {
                    problems.push(format!("{service}:{action}: key `{key}` has no source"));
                }
                Some((_, Some(KeySource::Absent(reason)))) => {
                    assert!(!reason.is_empty());
                    absent_seen.insert(key.to_owned());
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 130, "only {checked} actions checked");
    let unexpected: Vec<_> = absent_seen
        .iter()
        .filter(|k| !ACCEPTED_ABSENT.contains(&k.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "absent without acceptance: {unexpected:?}"
    );
}

#[test]
fn contracts_name_the_resources_aws_evaluates() {
    use contract::Target;
    let targets = |service, action| contract::of(service, action).targets.clone();
    assert_eq!(
        targets("iam", "UpdateUser"),
        [Target::User, Target::RenamedUser]
    );
    assert_eq!(
        targets("iam", "UpdateGroup"),
        [Target::Group, Target::RenamedGroup]
    );
    assert_eq!(targets("iam", "AddUserToGroup"), [Target::Group]);
    assert_eq!(targets("iam", "RemoveUserFromGroup"), [Target::Group]);
    assert_eq!(targets("iam", "AttachUserPolicy"), [Target::User]);
    assert_eq!(targets("iam", "CreateUser"), [Target::NewUser]);
    assert_eq!(targets("iam", "GetAccessKeyLastUsed"), [Target::KeyOwner]);
    assert_eq!(targets("sts", "AssumeRole"), [Target::Role]);
    let keys = |service, action| {
        contract::of(service, action)
            .keys
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
    };
    for key in [
        "iam:PolicyARN",
        "iam:PermissionsBoundary",
        "aws:ResourceTag/${TagKey}",
        "iam:ResourceTag/${TagKey}",
    ] {
        assert!(
            keys("iam", "AttachUserPolicy").iter().any(|k| k == key),
            "{key}"
        );
    }
    for key in [
        "sts:ExternalId",
        "sts:SourceIdentity",
        "iam:ResourceTag/${TagKey}",
    ] {
        assert!(keys("sts", "AssumeRole").iter().any(|k| k == key), "{key}");
    }
}
