//! The format checks IAM applies to action, resource and principal strings.

use crate::document::PrincipalType;

/// Partitions IAM knows. A wildcard partition is accepted too.
const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// The resource types an IAM ARN may name, as IAM's message lists them.
const IAM_RESOURCE_TYPES: [&str; 13] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// `*`, or `vendor:action`: one colon, a vendor of letters, digits, `-` and `.`, no
/// wildcard in the vendor. The action name is free (IAM accepts unknown actions).
pub(super) fn action(action: &str) -> Result<(), String> {
    if action == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = action.split_once(':') else {
        return Err(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
                .to_string(),
        );
    };
    if name.contains(':') {
        return Err("Actions/Condition can contain only one colon.".to_string());
    }
    if vendor.is_empty() {
        return Err(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
                .to_string(),
        );
    }
    if vendor.contains(['*', '?']) {
        return Err("Action vendors (e.g., aws, ec2, etc.) must not contain wildcards".to_string());
    }
    if !vendor
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
    {
        return Err(format!("Vendor {vendor} is not valid"));
    }
    Ok(())
}

/// `*` or an ARN. On failure, says whether IAM reports it from its legacy parser (true)
/// or from the resource format check (false), and the message.
pub(super) fn resource(resource: &str) -> Result<(), (bool, String)> {
    if resource == "*" {
        return Ok(());
    }
    let mut parts = [""; 6];
    let mut count = 0;
    for (slot, part) in parts.iter_mut().zip(resource.splitn(6, ':')) {
        *slot = part;
        count += 1;
    }
    let [prefix, partition, service, region, _account, path] = parts;
    if count < 2 || prefix != "arn" {
        return Err((
            false,
            format!("Resource {resource} must be in ARN format or \"*\"."),
        ));
    }
    if !PARTITIONS.contains(&partition) && !partition.contains(['*', '?']) {
        return Err((
            false,
            format!("Partition \"{partition}\" is not valid for resource \"{resource}\"."),
        ));
    }
    if service.is_empty() || service.contains(['*', '?']) {
        return Err((
            false,
            "Resource vendor must be fully qualified and cannot contain regexes.".to_string(),
        ));
    }
    if count < 6 {
        // A short ARN with an empty field (`arn:aws:s3::bucket`) trips IAM's legacy
        // parser; other short ARNs are accepted and simply match nothing.
        return if resource.contains("::") {
            Err((true, "The policy failed legacy parsing".to_string()))
        } else {
            Ok(())
        };
    }
    if service == "iam" {
        if !region.is_empty() {
            return Err((
                false,
                format!("IAM resource {resource} cannot contain region information."),
            ));
        }
        if path != "*"
            && !IAM_RESOURCE_TYPES
                .iter()
                .any(|prefix| path.starts_with(prefix))
        {
            return Err((
                false,
                format!(
                    "IAM resource path must either be \"*\" or start with {}.",
                    IAM_RESOURCE_TYPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a principal value has a shape IAM can resolve: `*`, an account ID, or an IAM
/// or STS ARN for AWS principals; a host-like name for services; a provider ARN or host
/// name for federation. (IAM also resolves ARNs to existing entities; a policy engine
/// without the account's state can only check the shape.)
pub(super) fn principal(principal_type: PrincipalType, value: &str) -> bool {
    match principal_type {
        PrincipalType::Aws => {
            value == "*"
                || (value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()))
                || is_principal_arn(value)
                || is_unique_id(value)
        }
        PrincipalType::Service | PrincipalType::Federated => {
            !value.is_empty()
                && !value.contains(char::is_whitespace)
                && (value.contains('.') || value.starts_with("arn:"))
        }
        PrincipalType::CanonicalUser => {
            !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit())
        }
    }
}

/// A user's or role's unique ID (`AIDA…`, `AROA…`): what IAM shows in place of a
/// principal ARN once that principal is deleted ("If you delete the user, then the
/// relationship is broken ... the policy shows the principal's unique ID", IAM User
/// Guide, "AWS JSON policy elements: Principal"). A document read back with one must
/// be accepted again; the ID names no live caller, so it matches nothing.
fn is_unique_id(value: &str) -> bool {
    (value.starts_with("AIDA") || value.starts_with("AROA"))
        && (16..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_principal_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [prefix, partition, service, _region, account, resource] = parts.as_slice() else {
        return false;
    };
    *prefix == "arn"
        && !partition.is_empty()
        && matches!(*service, "iam" | "sts")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !resource.is_empty()
}
