//! Shared input readers and XML writers for the operations.

use ironiam_protocol::encoding::uri_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{Group, ManagedPolicy, Role, Tag, User};
use ironiam_store::{ListOptions, Page};

use crate::http::error::ApiError;
use crate::time::iso8601;

/// IAM's default `MaxItems`.
pub const DEFAULT_MAX_ITEMS: usize = 100;

/// A required string member (the model already checked it is there).
pub fn required<'v>(input: &'v Value, member: &str) -> Result<&'v str, ApiError> {
    input.str_member(member).ok_or_else(|| {
        ApiError::Validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            ironiam_protocol::model::lower_camel(member)
        ))
    })
}

/// The `Tags` member as records.
pub fn tags(input: &Value) -> Vec<Tag> {
    input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some(Tag {
                key: t.str_member("Key")?.to_owned(),
                value: t.str_member("Value").unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// `Marker` and `MaxItems` as store list options (the marker is the last
/// name of the previous page).
pub fn list_options<'v>(input: &'v Value) -> ListOptions<'v> {
    let limit = input
        .get("MaxItems")
        .and_then(Value::as_i64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS);
    ListOptions {
        path_prefix: input.str_member("PathPrefix"),
        after: input.str_member("Marker"),
        limit,
    }
}

/// Writes `IsTruncated` and, when truncated, `Marker`.
pub fn truncation<T>(w: &mut XmlWriter, page: &Page<T>, name: impl Fn(&T) -> &str) {
    w.element("IsTruncated", bool_text(page.is_truncated));
    if page.is_truncated
        && let Some(last) = page.items.last()
    {
        w.element("Marker", name(last));
    }
}

/// Paginates an in-memory, name-ordered list.
pub fn paginate<T>(items: Vec<T>, options: &ListOptions<'_>, name: impl Fn(&T) -> &str) -> Page<T> {
    let after = options.after.map(str::to_lowercase);
    let mut rest: Vec<T> = items
        .into_iter()
        .filter(|item| {
            after
                .as_deref()
                .is_none_or(|a| name(item).to_lowercase().as_str() > a)
        })
        .collect();
    let is_truncated = rest.len() > options.limit;
    rest.truncate(options.limit);
    Page {
        items: rest,
        is_truncated,
    }
}

/// `true` / `false`.
pub fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// Writes a `Tags` list when there are tags.
pub fn write_tags(w: &mut XmlWriter, tags: &[Tag]) {
    if tags.is_empty() {
        return;
    }
    w.members("Tags", tags, |w, tag| {
        w.element("Key", &tag.key).element("Value", &tag.value);
    });
}

/// The members of botocore's `User` shape.
pub fn write_user(w: &mut XmlWriter, user: &User) {
    w.element("Path", &user.path)
        .element("UserName", &user.name)
        .element("UserId", &user.id)
        .element("Arn", &user.arn)
        .element("CreateDate", &iso8601(user.create_date.as_secs()));
    if let Some(used) = user.password_last_used {
        w.element("PasswordLastUsed", &iso8601(used.as_secs()));
    }
    if let Some(boundary) = &user.permissions_boundary {
        w.start("PermissionsBoundary")
            .element("PermissionsBoundaryType", "Policy")
            .element("PermissionsBoundaryArn", boundary)
            .end();
    }
    write_tags(w, &user.tags);
}

/// The members of botocore's `Group` shape.
pub fn write_group(w: &mut XmlWriter, group: &Group) {
    w.element("Path", &group.path)
        .element("GroupName", &group.name)
        .element("GroupId", &group.id)
        .element("Arn", &group.arn)
        .element("CreateDate", &iso8601(group.create_date.as_secs()));
}

/// The members of botocore's `Policy` shape.
pub fn write_policy(w: &mut XmlWriter, policy: &ManagedPolicy) {
    write_policy_fields(w, policy);
    write_tags(w, &policy.tags);
}

/// The members `Policy` shares with `ManagedPolicyDetail` (which has no tags).
pub fn write_policy_fields(w: &mut XmlWriter, policy: &ManagedPolicy) {
    w.element("PolicyName", &policy.name)
        .element("PolicyId", &policy.id)
        .element("Arn", &policy.arn)
        .element("Path", &policy.path)
        .element("DefaultVersionId", &policy.default_version_id())
        .element("AttachmentCount", &policy.attachment_count.to_string())
        .element(
            "PermissionsBoundaryUsageCount",
            &policy.permissions_boundary_usage_count.to_string(),
        )
        .element("IsAttachable", bool_text(policy.is_attachable))
        .optional_element("Description", policy.description.as_deref())
        .element("CreateDate", &iso8601(policy.create_date.as_secs()))
        .element("UpdateDate", &iso8601(policy.update_date.as_secs()));
}

/// Writes an `AttachedPermissionsBoundary` when there is one.
pub fn write_boundary(w: &mut XmlWriter, boundary: Option<&str>) {
    if let Some(boundary) = boundary {
        w.start("PermissionsBoundary")
            .element("PermissionsBoundaryType", "Policy")
            .element("PermissionsBoundaryArn", boundary)
            .end();
    }
}

/// Which members of botocore's `Role` shape a response carries.
///
/// `ListRoles` leaves out `PermissionsBoundary`, `Tags` and `RoleLastUsed`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html>);
/// only `GetRole` reports `RoleLastUsed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleView {
    /// `ListRoles`.
    Listed,
    /// `CreateRole` and `UpdateRoleDescription`.
    Created,
    /// `GetRole`.
    Full,
}

/// The members of botocore's `Role` shape; the trust policy is URL-encoded,
/// as IAM returns it.
pub fn write_role(w: &mut XmlWriter, role: &Role, view: RoleView) {
    w.element("Path", &role.path)
        .element("RoleName", &role.name)
        .element("RoleId", &role.id)
        .element("Arn", &role.arn)
        .element("CreateDate", &iso8601(role.create_date.as_secs()))
        .element(
            "AssumeRolePolicyDocument",
            &uri_encode(role.assume_role_policy_document.as_bytes(), false),
        )
        .optional_element("Description", role.description.as_deref())
        .element("MaxSessionDuration", &role.max_session_duration.to_string());
    if view == RoleView::Listed {
        return;
    }
    write_boundary(w, role.permissions_boundary.as_deref());
    write_tags(w, &role.tags);
    if view == RoleView::Full {
        write_role_last_used(w, role);
    }
}

/// `RoleLastUsed`: empty when the role was never assumed, as in IAM.
pub fn write_role_last_used(w: &mut XmlWriter, role: &Role) {
    w.start("RoleLastUsed");
    if let Some(used) = &role.role_last_used {
        w.element("LastUsedDate", &iso8601(used.last_used_date.as_secs()))
            .element("Region", &used.region);
    }
    w.end();
}
