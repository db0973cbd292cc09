//! GetAccountAuthorizationDetails: every user, group, role and managed policy
//! with the policies that apply to it, in one paginated listing.
//!
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>
//! Policy documents are URL-encoded, as IAM returns them. Without a `Filter`
//! every kind is listed; AWS managed policies are listed only while attached,
//! as IAM does. The marker is the offset into the combined listing (users,
//! groups, roles, then policies).

use ironiam_protocol::encoding::uri_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{
    AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PolicyVersion, PrincipalKind, Role, User,
};
use ironiam_store::{ListOptions, StoreExt, Transaction};

use super::OpCtx;
use super::output::{
    DEFAULT_MAX_ITEMS, bool_text, write_boundary, write_role_last_used, write_tags,
};
use crate::bootstrap::AWS_POLICY_PREFIX;
use crate::http::error::ApiError;
use crate::time::iso8601;

/// One entry of the listing, before its details are loaded.
enum Entry {
    User(User),
    Group(Group),
    Role(Role),
    Policy(ManagedPolicy),
}

/// An entry with the policies that apply to it.
enum Detail {
    User {
        user: User,
        inline: Vec<InlinePolicy>,
        attached: Vec<AttachedPolicy>,
        groups: Vec<String>,
    },
    Group {
        group: Group,
        inline: Vec<InlinePolicy>,
        attached: Vec<AttachedPolicy>,
    },
    Role {
        role: Role,
        inline: Vec<InlinePolicy>,
        attached: Vec<AttachedPolicy>,
    },
    Policy {
        policy: ManagedPolicy,
        versions: Vec<PolicyVersion>,
    },
}

/// Which kinds the `Filter` asks for.
struct Filter {
    users: bool,
    groups: bool,
    roles: bool,
    local: bool,
    aws: bool,
}

impl Filter {
    fn from_input(input: &Value) -> Self {
        let names: Vec<&str> = input
            .get("Filter")
            .and_then(Value::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let has = |name: &str| names.is_empty() || names.contains(&name);
        Self {
            users: has("User"),
            groups: has("Group"),
            roles: has("Role"),
            local: has("LocalManagedPolicy"),
            aws: has("AWSManagedPolicy"),
        }
    }
}

fn entries(
    tx: &mut dyn Transaction,
    account: &str,
    filter: &Filter,
) -> Result<Vec<Entry>, ApiError> {
    let all = ListOptions::all();
    let mut out = Vec::new();
    if filter.users {
        out.extend(
            tx.list_users(account, &all)?
                .items
                .into_iter()
                .map(Entry::User),
        );
    }
    if filter.groups {
        out.extend(
            tx.list_groups(account, &all)?
                .items
                .into_iter()
                .map(Entry::Group),
        );
    }
    if filter.roles {
        out.extend(
            tx.list_roles(account, &all)?
                .items
                .into_iter()
                .map(Entry::Role),
        );
    }
    if filter.local || filter.aws {
        let policies = tx.list_policies(account, &all, false)?.items;
        out.extend(
            policies
                .into_iter()
                .filter(|p| {
                    if p.arn.starts_with(AWS_POLICY_PREFIX) {
                        filter.aws && p.attachment_count > 0
                    } else {
                        filter.local
                    }
                })
                .map(Entry::Policy),
        );
    }
    Ok(out)
}

fn detail(tx: &mut dyn Transaction, account: &str, entry: Entry) -> Result<Detail, ApiError> {
    let all = ListOptions::all();
    let policies = |tx: &mut dyn Transaction,
                    kind: PrincipalKind,
                    name: &str|
     -> Result<(Vec<InlinePolicy>, Vec<AttachedPolicy>), ApiError> {
        Ok((
            tx.list_inline_policies(account, kind, name, &all)?.items,
            tx.list_attached_policies(account, kind, name, &all)?.items,
        ))
    };
    Ok(match entry {
        Entry::User(user) => {
            let (inline, attached) = policies(tx, PrincipalKind::User, &user.name)?;
            let groups = tx
                .list_groups_for_user(account, &user.name, &all)?
                .items
                .into_iter()
                .map(|g| g.name)
                .collect();
            Detail::User {
                user,
                inline,
                attached,
                groups,
            }
        }
        Entry::Group(group) => {
            let (inline, attached) = policies(tx, PrincipalKind::Group, &group.name)?;
            Detail::Group {
                group,
                inline,
                attached,
            }
        }
        Entry::Role(role) => {
            let (inline, attached) = policies(tx, PrincipalKind::Role, &role.name)?;
            Detail::Role {
                role,
                inline,
                attached,
            }
        }
        Entry::Policy(policy) => {
            let versions = tx.list_policy_versions(&policy.id)?;
            Detail::Policy { policy, versions }
        }
    })
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let filter = Filter::from_input(input);
    let start = input
        .str_member("Marker")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = input
        .get("MaxItems")
        .and_then(Value::as_i64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS);
    let account = ctx.account().to_owned();
    let (details, truncated) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let all = entries(tx, &account, &filter)?;
        let total = all.len();
        let mut details = Vec::new();
        for entry in all.into_iter().skip(start).take(limit) {
            details.push(detail(tx, &account, entry)?);
        }
        let truncated = start.saturating_add(details.len()) < total;
        Ok((details, truncated))
    })?;
    write(w, &details);
    w.element("IsTruncated", bool_text(truncated));
    if truncated {
        w.element("Marker", &(start + details.len()).to_string());
    }
    Ok(())
}

fn write_inline(w: &mut XmlWriter, list: &'static str, inline: &[InlinePolicy]) {
    w.members(list, inline, |w, p| {
        w.element("PolicyName", &p.name)
            .element("PolicyDocument", &uri_encode(p.document.as_bytes(), false));
    });
}

fn write_attached(w: &mut XmlWriter, attached: &[AttachedPolicy]) {
    w.members("AttachedManagedPolicies", attached, |w, p| {
        w.element("PolicyName", &p.policy_name)
            .element("PolicyArn", &p.policy_arn);
    });
}

fn write(w: &mut XmlWriter, details: &[Detail]) {
    let users = details.iter().filter_map(|d| match d {
        Detail::User {
            user,
            inline,
            attached,
            groups,
        } => Some((user, inline, attached, groups)),
        _ => None,
    });
    w.members(
        "UserDetailList",
        users,
        |w, (user, inline, attached, groups)| {
            w.element("Path", &user.path)
                .element("UserName", &user.name)
                .element("UserId", &user.id)
                .element("Arn", &user.arn)
                .element("CreateDate", &iso8601(user.create_date.as_secs()));
            write_inline(w, "UserPolicyList", inline);
            w.string_members("GroupList", groups.iter().map(String::as_str));
            write_attached(w, attached);
            write_boundary(w, user.permissions_boundary.as_deref());
            write_tags(w, &user.tags);
        },
    );
    let groups = details.iter().filter_map(|d| match d {
        Detail::Group {
            group,
            inline,
            attached,
        } => Some((group, inline, attached)),
        _ => None,
    });
    w.members("GroupDetailList", groups, |w, (group, inline, attached)| {
        w.element("Path", &group.path)
            .element("GroupName", &group.name)
            .element("GroupId", &group.id)
            .element("Arn", &group.arn)
            .element("CreateDate", &iso8601(group.create_date.as_secs()));
        write_inline(w, "GroupPolicyList", inline);
        write_attached(w, attached);
    });
    let roles = details.iter().filter_map(|d| match d {
        Detail::Role {
            role,
            inline,
            attached,
        } => Some((role, inline, attached)),
        _ => None,
    });
    w.members("RoleDetailList", roles, |w, (role, inline, attached)| {
        w.element("Path", &role.path)
            .element("RoleName", &role.name)
            .element("RoleId", &role.id)
            .element("Arn", &role.arn)
            .element("CreateDate", &iso8601(role.create_date.as_secs()))
            .element(
                "AssumeRolePolicyDocument",
                &uri_encode(role.assume_role_policy_document.as_bytes(), false),
            );
        // ironiam has no instance profiles yet.
        w.start("InstanceProfileList").end();
        write_inline(w, "RolePolicyList", inline);
        write_attached(w, attached);
        write_boundary(w, role.permissions_boundary.as_deref());
        write_tags(w, &role.tags);
        write_role_last_used(w, role);
    });
    let policies = details.iter().filter_map(|d| match d {
        Detail::Policy { policy, versions } => Some((policy, versions)),
        _ => None,
    });
    w.members("Policies", policies, |w, (policy, versions)| {
        super::output::write_policy_fields(w, policy);
        w.members("PolicyVersionList", versions.iter(), |w, v| {
            w.element("Document", &uri_encode(v.document.as_bytes(), false))
                .element("VersionId", &v.version_id())
                .element("IsDefaultVersion", bool_text(v.is_default(policy)))
                .element("CreateDate", &iso8601(v.create_date.as_secs()));
        });
    });
}
