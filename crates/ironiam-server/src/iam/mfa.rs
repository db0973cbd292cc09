//! Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice,
//! ResyncMFADevice, DeactivateMFADevice, DeleteVirtualMFADevice,
//! ListMFADevices and ListVirtualMFADevices. (Their tags are in `tag.rs`.)
//!
//! The work is in [`crate::mfa`], which the console shares; these handlers
//! read the request, pick the owner, and write botocore's shapes.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_cliapi.html>:
//! the API assigns devices to IAM users only; the root user's device is
//! assigned in the console (ironiam's console calls [`crate::mfa::enable`]
//! with the root owner). Callers may omit `UserName` on DeactivateMFADevice
//! and ListMFADevices to mean themselves: a user, or the root user calling as
//! root. A role session has no devices and must name a user, as on AWS, so no
//! role reaches the root user's MFA whatever its policies allow.

use ironiam_protocol::encoding::base64_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{KeyOwner, User, VirtualMfaDevice};
use ironiam_store::{ListOptions, StoreExt};

use super::OpCtx;
use super::output::{list_options, paginate, required, tags, truncation, write_tags};
use super::tag::check_new;
use crate::http::error::ApiError;
use crate::mfa::{self, Origin};
use crate::time::iso8601;

/// Whose devices a call is about: the named user, or else the caller (root only
/// for the root user itself; a role session must name a user).
fn owner(ctx: &OpCtx<'_>, input: &Value) -> Result<(KeyOwner, Option<User>), ApiError> {
    match input.str_member("UserName") {
        Some(name) => {
            let account = ctx.account().to_owned();
            let user = ctx.state.store.read(|tx| tx.get_user(&account, name))?;
            Ok((KeyOwner::User(user.id.clone()), Some(user)))
        }
        None => {
            let (owner, user) = ctx.own_credentials()?;
            Ok((owner, user.cloned()))
        }
    }
}

fn codes(input: &Value) -> Result<(&str, &str), ApiError> {
    Ok((
        required(input, "AuthenticationCode1")?,
        required(input, "AuthenticationCode2")?,
    ))
}

fn origin(action: &str) -> Origin<'_> {
    Origin {
        event_name: Some(action),
        ..Origin::default()
    }
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "VirtualMFADeviceName")?;
    let path = input.str_member("Path").unwrap_or("/");
    let new_tags = tags(input);
    check_new(&new_tags)?;
    let account = ctx.account().to_owned();
    let creator = ctx.principal.user_id();
    let created = mfa::create(ctx.state, &account, &creator, name, path, new_tags, ctx.now)?;
    // Both are blobs (`BootstrapDatum`), which the Query protocol carries in
    // base64: the base32 seed's text, and the PNG's bytes.
    w.start("VirtualMFADevice")
        .element("SerialNumber", &created.device.serial_number)
        .element(
            "Base32StringSeed",
            &base64_encode(created.base32_seed().as_bytes()),
        )
        .element("QRCodePNG", &base64_encode(&created.qr_code_png));
    write_tags(w, &created.device.tags);
    w.end();
    Ok(())
}

pub(super) fn enable(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    required(input, "UserName")?;
    let serial = required(input, "SerialNumber")?;
    let codes = codes(input)?;
    let (owner, _) = owner(ctx, input)?;
    let account = ctx.account().to_owned();
    mfa::enable(
        ctx.state,
        &origin("EnableMFADevice"),
        &account,
        &owner,
        &ctx.principal.user_id(),
        serial,
        codes,
        ctx.now,
    )?;
    Ok(())
}

pub(super) fn resync(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    required(input, "UserName")?;
    let serial = required(input, "SerialNumber")?;
    let codes = codes(input)?;
    let (owner, _) = owner(ctx, input)?;
    let account = ctx.account().to_owned();
    mfa::resync(
        ctx.state,
        &origin("ResyncMFADevice"),
        &account,
        &owner,
        &ctx.principal.user_id(),
        serial,
        codes,
        ctx.now,
    )?;
    Ok(())
}

pub(super) fn deactivate(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let serial = required(input, "SerialNumber")?;
    let (owner, _) = owner(ctx, input)?;
    let account = ctx.account().to_owned();
    mfa::deactivate(ctx.state, &account, &owner, serial)
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let serial = required(input, "SerialNumber")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let device = tx.get_virtual_mfa_device(&account, serial)?;
        // "You must deactivate a user's virtual MFA device before you can
        // delete it" (DeleteVirtualMFADevice).
        if device.assignment.is_some() {
            return Err(ApiError::DeleteConflict(
                "Cannot delete entity, must deactivate MFA device first.".to_owned(),
            ));
        }
        tx.delete_virtual_mfa_device(&account, &device.serial_number)?;
        Ok(())
    })
}

/// ListMFADevices: the devices of the named user, or of the caller (the
/// root user's own when root calls without `UserName`).
pub(super) fn list_mfa_devices(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let (owner, user) = owner(ctx, input)?;
    let account = ctx.account().to_owned();
    let mut devices = mfa::devices_of(ctx.state, &account, &owner)?;
    // Ordered by serial number, so that a marker (the last serial of a page)
    // resumes where the page ended.
    devices.sort_by_key(|d| d.serial_number.to_lowercase());
    // `MFADevice.UserName` is required. AWS documents no value for the root
    // user; its account ID stands in (docs/mfa.md).
    let user_name = user.map_or_else(|| account.clone(), |u| u.name);
    let options = list_options(input);
    let page = paginate(devices, &options, |d| &d.serial_number);
    w.members("MFADevices", &page.items, |w, device| {
        w.element("UserName", &user_name)
            .element("SerialNumber", &device.serial_number);
        if let Some(assignment) = &device.assignment {
            w.element("EnableDate", &iso8601(assignment.enable_date.as_secs()));
        }
    });
    truncation(w, &page, |d| &d.serial_number);
    Ok(())
}

/// A device in a listing, with the user it is assigned to.
struct Listed {
    device: VirtualMfaDevice,
    user: Option<User>,
}

/// ListVirtualMFADevices: every device, or only the assigned or unassigned
/// ones, ordered by serial number. Never the seed or the QR code, and no tags
/// ("IAM resource-listing operations return a subset of the available
/// attributes").
pub(super) fn list_virtual(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let assigned = match input.str_member("AssignmentStatus") {
        Some("Assigned") => Some(true),
        Some("Unassigned") => Some(false),
        // "Any", or nothing: "the operation returns a list of all virtual MFA devices".
        _ => None,
    };
    let options = ListOptions {
        path_prefix: None,
        ..list_options(input)
    };
    let account = ctx.account().to_owned();
    let (page, account_created) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let page = tx.list_virtual_mfa_devices(&account, &options, assigned)?;
        let mut listed = Vec::with_capacity(page.items.len());
        for device in page.items {
            let user = match device.assignment.as_ref().map(|a| &a.owner) {
                Some(KeyOwner::User(id)) => Some(tx.get_user_by_id(id)?),
                _ => None,
            };
            listed.push(Listed { device, user });
        }
        let created = tx.get_account(&account)?.create_date;
        Ok((
            ironiam_store::Page {
                items: listed,
                is_truncated: page.is_truncated,
            },
            created,
        ))
    })?;
    w.members("VirtualMFADevices", &page.items, |w, listed| {
        let device = &listed.device;
        w.element("SerialNumber", &device.serial_number);
        let Some(assignment) = &device.assignment else {
            return;
        };
        w.start("User");
        match &listed.user {
            Some(user) => {
                w.element("Path", &user.path)
                    .element("UserName", &user.name)
                    .element("UserId", &user.id)
                    .element("Arn", &user.arn)
                    .element("CreateDate", &iso8601(user.create_date.as_secs()));
                if let Some(used) = user.password_last_used {
                    w.element("PasswordLastUsed", &iso8601(used.as_secs()));
                }
            }
            // The root user as AWS lists it: its account ID and root ARN.
            None => {
                w.element("UserId", &account)
                    .element("Arn", &format!("arn:aws:iam::{account}:root"))
                    .element("CreateDate", &iso8601(account_created.as_secs()));
            }
        }
        w.end();
        w.element("EnableDate", &iso8601(assignment.enable_date.as_secs()));
    });
    truncation(w, &page, |l| &l.device.serial_number);
    Ok(())
}
