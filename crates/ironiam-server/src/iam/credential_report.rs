//! GenerateCredentialReport and GetCredentialReport.
//!
//! The report is AWS's CSV ("Getting credential reports for your AWS
//! account", IAM User Guide): the columns below in this order, a
//! `<root_account>` row first and then one row per user by name, dates as
//! `2017-06-10T02:35:07+00:00`, and `true`/`false`, `N/A`, `no_information`
//! and `not_supported` where AWS writes them (lowercase booleans, as real
//! reports have them, although the guide prints `TRUE`).
//!
//! It is a snapshot: generated once and then served as it was. AWS
//! regenerates at most every four hours: GenerateCredentialReport answers
//! `COMPLETE` and keeps the report while it is younger than that, and makes
//! a new one (`STARTED`) when there is none or it is older. ironiam reads a
//! report older than four hours as expired (`ReportExpired`), the same
//! window, since AWS names expiry without giving its age. Generation runs
//! inside the GenerateCredentialReport call, in one read of the store, so
//! `ReportInProgress` never happens here: a report is complete as soon as
//! `STARTED` is answered.

use ironiam_protocol::encoding::base64_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{
    AccessKey, AccessKeyStatus, CredentialReport, KeyOwner, PasswordPolicy, Timestamp,
};
use ironiam_store::{ListOptions, StoreError, StoreExt, Transaction};

use super::OpCtx;
use crate::http::error::ApiError;
use crate::time::iso8601;

/// The report's columns, in AWS's order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// How long a report is reused, and then how long it is served: four hours.
pub const REPORT_LIFETIME_SECS: i64 = 4 * 60 * 60;

const NOT_APPLICABLE: &str = "N/A";

pub(super) fn generate(ctx: &mut OpCtx<'_>, _: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let now = ctx.now;
    let (state, description) = ctx.state.store.write(|tx| -> Result<_, ApiError> {
        let existed = match tx.get_credential_report(&account) {
            Ok(report) if !expired(&report, now) => return Ok(("COMPLETE", None)),
            Ok(_) => true,
            Err(StoreError::NotFound { .. }) => false,
            Err(err) => return Err(err.into()),
        };
        let content = csv(tx, &account)?;
        tx.put_credential_report(&CredentialReport {
            account_id: account.clone(),
            generated_time: Timestamp::from_secs(now),
            content,
        })?;
        // AWS's description of a first report (the IAM User Guide's example).
        let description =
            (!existed).then_some("No report exists. Starting a new report generation task");
        Ok(("STARTED", description))
    })?;
    w.element("State", state)
        .optional_element("Description", description);
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, _: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let report = match ctx
        .state
        .store
        .read(|tx| tx.get_credential_report(&account))
    {
        Ok(report) => report,
        Err(StoreError::NotFound { .. }) => {
            return Err(ApiError::ReportNotPresent(
                "The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport."
                    .to_owned(),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    if expired(&report, ctx.now) {
        return Err(ApiError::ReportExpired(
            "The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport."
                .to_owned(),
        ));
    }
    w.element("Content", &base64_encode(report.content.as_bytes()))
        .element("ReportFormat", "text/csv")
        .element("GeneratedTime", &iso8601(report.generated_time.as_secs()));
    Ok(())
}

/// Whether `report` is four hours old or more at `now`. A clock set back
/// keeps the report current rather than expiring it early.
fn expired(report: &CredentialReport, now: i64) -> bool {
    now.saturating_sub(report.generated_time.as_secs()) >= REPORT_LIFETIME_SECS
}

/// The report's CSV for the account as it is now.
fn csv(tx: &mut dyn Transaction, account: &str) -> Result<String, ApiError> {
    let record = tx.get_account(account)?;
    let policy = record.password_policy.as_ref();
    let mut rows = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];

    let root = KeyOwner::Root;
    let mut row = vec![
        "<root_account>".to_owned(),
        format!("arn:aws:iam::{account}:root"),
        date(record.create_date),
        // The guide: "always not_supported" for the root user's password
        // columns, except when it was last used, which ironiam does not track.
        "not_supported".to_owned(),
        "no_information".to_owned(),
        "not_supported".to_owned(),
        "not_supported".to_owned(),
        boolean(!tx.list_assigned_mfa_devices(account, &root)?.is_empty()),
    ];
    row.extend(key_columns(&tx.list_access_keys(account, &root)?));
    row.extend(certificate_columns());
    rows.push(row);

    for user in tx.list_users(account, &ListOptions::all())?.items {
        let owner = KeyOwner::User(user.id.clone());
        let profile = match tx.get_login_profile(&user.id) {
            Ok(profile) => Some(profile),
            Err(StoreError::NotFound { .. }) => None,
            Err(err) => return Err(err.into()),
        };
        let changed = profile
            .as_ref()
            .map(|p| p.password_changed.unwrap_or(p.create_date));
        let last_used = match (user.password_last_used, &profile) {
            (Some(used), _) => date(used),
            (None, Some(_)) => "no_information".to_owned(),
            (None, None) => NOT_APPLICABLE.to_owned(),
        };
        let mut row = vec![
            user.name.clone(),
            user.arn.clone(),
            date(user.create_date),
            boolean(profile.is_some()),
            last_used,
            changed.map_or_else(|| NOT_APPLICABLE.to_owned(), date),
            next_rotation(changed, policy),
            boolean(!tx.list_assigned_mfa_devices(account, &owner)?.is_empty()),
        ];
        row.extend(key_columns(&tx.list_access_keys(account, &owner)?));
        row.extend(certificate_columns());
        rows.push(row);
    }
    Ok(rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|field| escape(field))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// When the password must next change: its last change plus the policy's
/// `MaxPasswordAge`, if passwords expire and the user has one.
fn next_rotation(changed: Option<Timestamp>, policy: Option<&PasswordPolicy>) -> String {
    match (changed, policy.and_then(|p| p.max_password_age)) {
        (Some(changed), Some(days)) => date(Timestamp::from_secs(
            changed
                .as_secs()
                .saturating_add(i64::from(days).saturating_mul(86_400)),
        )),
        _ => NOT_APPLICABLE.to_owned(),
    }
}

/// The five columns of each of the first two access keys, oldest first.
fn key_columns(keys: &[AccessKey]) -> Vec<String> {
    let mut out = Vec::with_capacity(10);
    for slot in 0..2 {
        match keys.get(slot) {
            Some(key) => {
                let used = key.last_used.as_ref();
                out.push(boolean(key.status == AccessKeyStatus::Active));
                out.push(date(key.create_date));
                out.push(
                    used.map_or_else(|| NOT_APPLICABLE.to_owned(), |u| date(u.last_used_date)),
                );
                out.push(used.map_or_else(|| NOT_APPLICABLE.to_owned(), |u| u.region.clone()));
                out.push(
                    used.map_or_else(|| NOT_APPLICABLE.to_owned(), |u| u.service_name.clone()),
                );
            }
            None => {
                out.push(boolean(false));
                out.extend((0..4).map(|_| NOT_APPLICABLE.to_owned()));
            }
        }
    }
    out
}

/// ironiam has no X.509 signing certificates.
fn certificate_columns() -> [String; 4] {
    [
        boolean(false),
        NOT_APPLICABLE.to_owned(),
        boolean(false),
        NOT_APPLICABLE.to_owned(),
    ]
}

fn boolean(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

/// ISO 8601 with an explicit UTC offset: `2017-06-10T02:35:07+00:00`.
fn date(at: Timestamp) -> String {
    let text = iso8601(at.as_secs());
    match text.strip_suffix('Z') {
        Some(stem) => format!("{stem}+00:00"),
        None => text,
    }
}

/// RFC 4180 quoting for the rare field that needs it: IAM names may contain
/// commas (`[\w+=,.@-]+`).
fn escape(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
