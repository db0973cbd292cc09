//! One authorization contract per action: what `service:Action` is authorized on and
//! with which condition keys, from the bundled Service Authorization Reference
//! ([`super::reference`]) and the request.
//!
//! - **Resources.** Every resource the action is authorized on ([`Target`]), each of
//!   which must be allowed, each evaluated with its own tags: AWS "evaluates each
//!   resource separately" (IAM User Guide, "Policy evaluation logic"). UpdateUser is
//!   authorized on the user as it is and as it will be (`NewPath`/`NewUserName`): "the
//!   requester must have appropriate permissions on both the source object and the
//!   target object" (IAM API Reference, UpdateUser; UpdateGroup likewise);
//!   AddUserToGroup on the group, as the reference's row says.
//! - **Keys.** Every condition key the reference lists for the action (its row, its
//!   resource rows, and its resource types' own keys such as `aws:ResourceTag/*`) has a
//!   [`KeySource`]: where the server takes its value from, or why no request to
//!   ironiam can carry it ([`KeySource::Absent`]). The contract test walks every
//!   implemented action and accepts no key without one.
//!
//! The Query endpoint, the console, the denial explanations and `AssumeRole`'s
//! context all go through [`of`] and [`Contract::resolve`]; Organizations and Config
//! name their resources in their own authorizers, over the same reference tables.

use std::collections::HashMap;
use std::sync::LazyLock;

use ironiam_policy::{Context, ContextValue, ValueType};
use ironiam_protocol::model::Value;
use ironiam_store::Transaction;
use ironiam_store::record::Tag;

use super::Principal;
use super::reference::{self, ServiceRef};
use crate::http::error::ApiError;

/// How one resource of an action is found from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `UserName`, or the caller when the member is absent (calls that act on the
    /// caller by default).
    User,
    /// The user to be created: `Path` and `UserName`.
    NewUser,
    /// The user as UpdateUser leaves it: `NewPath`/`NewUserName`, else the old ones.
    RenamedUser,
    /// The owner of `AccessKeyId`, looked up in the caller's account only; the caller
    /// for a key that is not there (another account's key is a nonexistent one).
    KeyOwner,
    /// `GroupName`.
    Group,
    /// The group to be created.
    NewGroup,
    /// The group as UpdateGroup leaves it: `NewPath`/`NewGroupName`.
    RenamedGroup,
    /// `RoleName`, or `RoleArn` (AssumeRole).
    Role,
    /// The role to be created.
    NewRole,
    /// `PolicyArn`.
    Policy,
    /// The policy to be created: `Path` and `PolicyName`.
    NewPolicy,
    /// The virtual MFA device `SerialNumber` names.
    Mfa,
    /// The device to be created: `Path` and `VirtualMFADeviceName`.
    NewMfa,
    /// The simulator's `PolicySourceArn`: a user, group or role.
    PolicySource,
    /// A list call: the type's ARN with `PathPrefix`, as AWS's denials show
    /// (`iam:ListUsers on resource: arn:aws:iam::123456789012:user/`).
    PathPrefix(&'static str),
    /// Named by the service's own authorizer (Organizations, Config), which
    /// resolves these resource types.
    Service(&'static [&'static str]),
}

impl Target {
    /// The reference's resource types this target stands for.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Self::User | Self::NewUser | Self::RenamedUser | Self::KeyOwner => &["user"],
            Self::Group | Self::NewGroup | Self::RenamedGroup => &["group"],
            Self::Role | Self::NewRole => &["role"],
            Self::Policy | Self::NewPolicy => &["policy"],
            Self::Mfa | Self::NewMfa => &["mfa"],
            Self::PolicySource => &["user", "group", "role"],
            Self::PathPrefix(kind) => match kind {
                "user" => &["user"],
                "group" => &["group"],
                "role" => &["role"],
                _ => &["policy"],
            },
            Self::Service(kinds) => kinds,
        }
    }

    /// Whether the target names a resource that does not exist before the call:
    /// it has no tags yet (tags in the request are `aws:RequestTag/*`).
    pub fn is_new(self) -> bool {
        matches!(
            self,
            Self::NewUser | Self::NewGroup | Self::NewRole | Self::NewPolicy | Self::NewMfa
        )
    }
}

/// Where a condition key's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// `iam:PolicyARN`: the `PolicyArn` member.
    PolicyArn,
    /// `iam:PermissionsBoundary`: the `PermissionsBoundary` member, else the target
    /// user's or role's stored boundary.
    PermissionsBoundary,
    /// `aws:RequestTag/<key>`: each of the `Tags` member.
    RequestTag,
    /// `aws:TagKeys`: the keys of `Tags`, and the `TagKeys` member.
    TagKeys,
    /// `aws:ResourceTag/<key>`, `iam:ResourceTag/<key>`: the target's stored tags.
    ResourceTag,
    /// A string member of the request (`sts:ExternalId` from `ExternalId`).
    Member(&'static str),
    /// A list member of the request (`sts:TransitiveTagKeys`).
    ListMember(&'static str),
    /// Built by the service's own authorizer (`organizations:PolicyType`).
    Service,
    /// No request to ironiam can carry the key, for the reason given.
    Absent(&'static str),
}

const NO_ROLE_TEMPLATES: &str = "role templates (AcquireRole, role-template ARNs) are not \
     implemented, so no request names one";
const NO_FIDO: &str = "ironiam registers virtual (TOTP) MFA devices only; the key describes \
     a FIDO security key";
const NO_FEDERATION: &str = "an identity provider's claim: AssumeRoleWithWebIdentity and \
     AssumeRoleWithSAML are not implemented, and AssumeRole never carries one";
const NO_DELEGATION: &str = "delegation requests are not implemented";

/// Identity providers whose claims the STS rows list (`accounts.google.com:aud`, ...).
const PROVIDER_PREFIXES: &[&str] = &[
    "accounts.google.com:",
    "cognito-identity.amazonaws.com:",
    "graph.facebook.com:",
    "www.amazon.com:",
    "saml:",
];

/// The source of a key the reference lists, or `None` for a key ironiam does not know.
pub fn key_source(key: &str) -> Option<KeySource> {
    Some(match key {
        "iam:PolicyARN" => KeySource::PolicyArn,
        "iam:PermissionsBoundary" => KeySource::PermissionsBoundary,
        "aws:RequestTag/${TagKey}" => KeySource::RequestTag,
        "aws:TagKeys" => KeySource::TagKeys,
        "aws:ResourceTag/${TagKey}" | "iam:ResourceTag/${TagKey}" => KeySource::ResourceTag,
        "sts:ExternalId" => KeySource::Member("ExternalId"),
        "sts:RoleSessionName" => KeySource::Member("RoleSessionName"),
        "sts:SourceIdentity" => KeySource::Member("SourceIdentity"),
        "sts:TransitiveTagKeys" => KeySource::ListMember("TransitiveTagKeys"),
        "iam:AWSServiceName" => KeySource::Member("AWSServiceName"),
        "iam:OrganizationsPolicyId" => KeySource::Member("OrganizationsPolicyId"),
        "organizations:PolicyType" => KeySource::Service,
        "iam:RoleTemplateARN" => KeySource::Absent(NO_ROLE_TEMPLATES),
        "iam:FIDO-certification"
        | "iam:FIDO-FIPS-140-2-certification"
        | "iam:FIDO-FIPS-140-3-certification"
        | "iam:RegisterSecurityKey" => KeySource::Absent(NO_FIDO),
        "iam:DelegationRequestOwner" => KeySource::Absent(NO_DELEGATION),
        _ if PROVIDER_PREFIXES.iter().any(|p| key.starts_with(p)) => {
            KeySource::Absent(NO_FEDERATION)
        }
        _ => return None,
    })
}

/// Resource types an action's row names that ironiam cannot resolve, and why.
pub fn absent_resource_type(kind: &str) -> Option<&'static str> {
    match kind {
        "sms-mfa" => Some(
            "SMS MFA devices cannot be created (AWS retired them); a serial names a \
             virtual device",
        ),
        "role-template" => Some(NO_ROLE_TEMPLATES),
        _ => None,
    }
}

/// One action's contract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contract {
    /// The service prefix: `iam`, `sts`, `organizations`, `config`.
    pub service: &'static str,
    /// How each resource the action is authorized on is found; none means `*`.
    pub targets: Vec<Target>,
    /// Every key the reference lists for the action (its row, its resource rows and
    /// its targets' resource types), each with its source; `None` for a key ironiam
    /// does not know (the contract test refuses those).
    pub keys: Vec<(String, Option<KeySource>)>,
}

impl Contract {
    /// Whether some key of the contract takes its value from `source`.
    fn sources(&self, source: KeySource) -> bool {
        self.keys.iter().any(|(_, s)| *s == Some(source))
    }
}

/// Per service prefix, per action.
type Contracts = HashMap<&'static str, HashMap<String, Contract>>;

static CONTRACTS: LazyLock<Contracts> = LazyLock::new(|| {
    let mut out = HashMap::new();
    for service in ["iam", "sts", "organizations", "config"] {
        let table = reference::service(service);
        let contracts = table
            .action_names()
            .map(|action| (action.to_owned(), build(service, table, action)))
            .collect();
        out.insert(service, contracts);
    }
    out
});

/// The contract of `service:action`; an empty one (authorized on `*`, no keys) for an
/// action the reference does not list. A lookup, no allocation: it is on every call.
pub fn of(service: &str, action: &str) -> &'static Contract {
    static EMPTY: LazyLock<Contract> = LazyLock::new(Contract::default);
    CONTRACTS
        .get(service)
        .and_then(|actions| actions.get(action))
        .unwrap_or(&EMPTY)
}

/// The targets of an IAM or STS action: AWS's exceptions to "the row's required
/// resource type, named by the request" first.
fn targets(service: &str, table: &ServiceRef, action: &str) -> Vec<Target> {
    match service {
        "organizations" => {
            return vec![Target::Service(crate::organizations::authz::RESOURCE_TYPES)];
        }
        "config" => return vec![Target::Service(crate::configservice::authz::RESOURCE_TYPES)],
        _ => {}
    }
    let fixed: &[Target] = match (service, action) {
        ("iam", "UpdateUser") => &[Target::User, Target::RenamedUser],
        ("iam", "UpdateGroup") => &[Target::Group, Target::RenamedGroup],
        ("iam", "CreateUser") => &[Target::NewUser],
        ("iam", "CreateGroup") => &[Target::NewGroup],
        ("iam", "CreateRole" | "CreateServiceLinkedRole") => &[Target::NewRole],
        ("iam", "CreatePolicy") => &[Target::NewPolicy],
        ("iam", "CreateVirtualMFADevice") => &[Target::NewMfa],
        ("iam", "GetAccessKeyLastUsed") => &[Target::KeyOwner],
        ("iam", "SimulatePrincipalPolicy" | "GetContextKeysForPrincipalPolicy") => {
            &[Target::PolicySource]
        }
        ("iam", "ListUsers") => &[Target::PathPrefix("user")],
        ("iam", "ListGroups") => &[Target::PathPrefix("group")],
        ("iam", "ListRoles") => &[Target::PathPrefix("role")],
        ("iam", "ListPolicies") => &[Target::PathPrefix("policy")],
        // Resources the row marks optional, which IAM still evaluates: the device
        // (`mfa*` in AWS's MFA policies) and the user, named or the caller.
        ("iam", "DeleteVirtualMFADevice") => &[Target::Mfa],
        ("iam", "ListMFADevices") => &[Target::User],
        _ => &[],
    };
    if !fixed.is_empty() {
        return fixed.to_vec();
    }
    let Some(row) = table.action(action) else {
        return Vec::new();
    };
    row.resources
        .iter()
        .filter(|r| r.required)
        .filter_map(|r| match r.kind.as_str() {
            "user" => Some(Target::User),
            "group" => Some(Target::Group),
            "role" => Some(Target::Role),
            "policy" => Some(Target::Policy),
            "mfa" => Some(Target::Mfa),
            _ => None,
        })
        .collect()
}

fn build(service: &'static str, table: &ServiceRef, action: &str) -> Contract {
    let targets = targets(service, table, action);
    let mut keys: Vec<String> = Vec::new();
    if let Some(row) = table.action(action) {
        keys.extend(row.condition_keys.iter().cloned());
        for resource in &row.resources {
            keys.extend(resource.condition_keys.iter().cloned());
            keys.extend(table.resource_type_keys(&resource.kind).iter().cloned());
        }
    }
    // The keys of the types the targets resolve to, where the row does not list them
    // (ListMFADevices' optional user, the simulator's source). A list call's prefix and
    // a service's own resources carry no tags beyond their row's types.
    for target in targets
        .iter()
        .filter(|t| !matches!(t, Target::PathPrefix(_) | Target::Service(_)))
    {
        for kind in target.kinds() {
            keys.extend(table.resource_type_keys(kind).iter().cloned());
        }
    }
    keys.sort();
    keys.dedup();
    Contract {
        service,
        targets,
        keys: keys
            .into_iter()
            .map(|k| {
                let source = key_source(&k);
                (k, source)
            })
            .collect(),
    }
}

/// One resource a call is authorized on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The reference's type (`user`), or `""` for `*`.
    pub kind: &'static str,
    /// The ARN.
    pub arn: String,
    /// Its stored tags; none for a resource that does not exist (yet).
    pub tags: Vec<Tag>,
    /// A user's or role's stored permissions boundary.
    pub boundary: Option<String>,
}

impl Resource {
    /// `*`: an action without a resource type.
    pub fn any() -> Self {
        Self::bare("", "*".to_owned())
    }

    /// A resource of `kind` with its stored `tags` (Organizations nodes and policies,
    /// Config rules).
    pub fn tagged(kind: &'static str, arn: String, tags: Vec<Tag>) -> Self {
        Self {
            kind,
            arn,
            tags,
            boundary: None,
        }
    }

    /// A resource with no tags: one that does not exist (yet), or carries none.
    pub fn bare(kind: &'static str, arn: String) -> Self {
        Self {
            kind,
            arn,
            tags: Vec::new(),
            boundary: None,
        }
    }
}

impl Contract {
    /// The resources the call is authorized on, each with what the store holds about
    /// it: at least one (`*` when the action names none).
    ///
    /// # Errors
    /// A store fault.
    pub fn resolve(
        &self,
        tx: &mut dyn Transaction,
        principal: &Principal,
        input: &Value,
    ) -> Result<Vec<Resource>, ApiError> {
        let mut out = Vec::with_capacity(self.targets.len().max(1));
        for target in &self.targets {
            if let Some(resource) = resolve_one(tx, principal, *target, input)? {
                out.push(resource);
            }
        }
        if out.is_empty() {
            out.push(Resource::any());
        }
        Ok(out)
    }

    /// The action's keys from the request (not the resources'): `iam:PolicyARN`,
    /// `iam:PermissionsBoundary`, `aws:RequestTag/*`, `aws:TagKeys`, members.
    pub fn add_request_keys(&self, context: &mut Context, input: &Value, first: &Resource) {
        for (key, source) in &self.keys {
            match source {
                Some(KeySource::PolicyArn) => {
                    if let Some(value) = input.str_member("PolicyArn") {
                        context.insert(key, ContextValue::string(value));
                    }
                }
                Some(KeySource::PermissionsBoundary) => {
                    let value = input
                        .str_member("PermissionsBoundary")
                        .map(str::to_owned)
                        .or_else(|| first.boundary.clone());
                    if let Some(value) = value {
                        context.insert(key, ContextValue::string(value));
                    }
                }
                Some(KeySource::Member(member)) => {
                    if let Some(value) = input.str_member(member) {
                        context.insert(key, ContextValue::string(value));
                    }
                }
                Some(KeySource::ListMember(member)) => {
                    if let Some(list) = input.get(member).and_then(Value::as_list) {
                        let values = list
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect();
                        context.insert(key, ContextValue::list(ValueType::String, values));
                    }
                }
                _ => {}
            }
        }
        if self.sources(KeySource::RequestTag) || self.sources(KeySource::TagKeys) {
            add_tag_keys(context, input, self.sources(KeySource::TagKeys));
        }
    }

    /// The resource's own keys: `aws:ResourceTag/<key>` and `iam:ResourceTag/<key>`
    /// from its stored tags, for the types whose reference entry lists them.
    pub fn add_resource_keys(&self, context: &mut Context, resource: &Resource) {
        if resource.tags.is_empty() {
            return;
        }
        let table = reference::service(self.service);
        for key in table.resource_type_keys(resource.kind) {
            let prefix = match key.as_str() {
                "aws:ResourceTag/${TagKey}" => "aws:ResourceTag/",
                "iam:ResourceTag/${TagKey}" => "iam:ResourceTag/",
                _ => continue,
            };
            for tag in &resource.tags {
                context.insert(
                    &format!("{prefix}{}", tag.key),
                    ContextValue::string(tag.value.clone()),
                );
            }
        }
    }
}

/// `aws:RequestTag/<key>` for each tag of the request and, when `with_keys`,
/// `aws:TagKeys` (the `Tags` keys, then `TagKeys`: UntagUser names keys only).
fn add_tag_keys(context: &mut Context, input: &Value, with_keys: bool) {
    let mut tag_keys = Vec::new();
    for tag in input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
    {
        if let Some(key) = tag.str_member("Key") {
            let value = tag.str_member("Value").unwrap_or_default();
            context.insert(
                &format!("aws:RequestTag/{key}"),
                ContextValue::string(value),
            );
            tag_keys.push(key.to_owned());
        }
    }
    if let Some(keys) = input.get("TagKeys").and_then(Value::as_list) {
        tag_keys.extend(keys.iter().filter_map(|k| k.as_str().map(str::to_owned)));
    }
    if with_keys && !tag_keys.is_empty() {
        context.insert(
            "aws:TagKeys",
            ContextValue::list(ValueType::String, tag_keys),
        );
    }
}

mod resolve;
pub use resolve::key_in_account;
use resolve::resolve_one;
