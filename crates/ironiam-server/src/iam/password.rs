//! The account password policy (UpdateAccountPasswordPolicy,
//! GetAccountPasswordPolicy, DeleteAccountPasswordPolicy), the checks every
//! new password goes through, and ChangePassword.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>

use crate::argon::ArgonGate;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{PASSWORD_HISTORY_LEN, PasswordPolicy, Timestamp};
use ironiam_store::secret::PasswordHash;
use ironiam_store::{Entity, StoreError, StoreExt};
use zeroize::Zeroizing;

use super::OpCtx;
use super::output::{bool_text, required};
use crate::http::error::{ApiError, not_found};

/// AWS's `PasswordPolicyViolation` message for any password the policy
/// refuses, reuse included (quoted in the IAM console's error and in
/// client reports of CreateLoginProfile and ChangePassword).
pub(super) const VIOLATION: &str = "Password does not conform to the account password policy.";

/// The symbols IAM's password policy counts, from the `PasswordPolicy`
/// shape's `RequireSymbols` documentation.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// The default policy's minimum length when no custom policy is set.
const DEFAULT_MIN_LENGTH: usize = 8;

/// The `NoSuchEntity` message when the account has no custom policy, as AWS
/// words it (aws/aws-cli#7265).
fn no_policy(account: &str) -> String {
    format!("The Password Policy with domain name {account} cannot be found.")
}

/// The character classes a password contains: upper, lower, digit, symbol.
fn classes(password: &str) -> [bool; 4] {
    let mut found = [false; 4];
    for c in password.chars() {
        let class = if c.is_ascii_uppercase() {
            0
        } else if c.is_ascii_lowercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else if SYMBOLS.contains(c) {
            3
        } else {
            continue;
        };
        if let Some(slot) = found.get_mut(class) {
            *slot = true;
        }
    }
    found
}

/// Whether `password` satisfies the account's policy, or without one AWS's
/// default policy: at least 8 characters and three of the four classes.
pub(super) fn conforms(policy: Option<&PasswordPolicy>, password: &str) -> bool {
    let length = password.chars().count();
    let [upper, lower, digit, symbol] = classes(password);
    match policy {
        None => {
            let kinds = [upper, lower, digit, symbol].iter().filter(|k| **k).count();
            length >= DEFAULT_MIN_LENGTH && kinds >= 3
        }
        Some(p) => {
            let min = usize::try_from(p.minimum_password_length).unwrap_or(usize::MAX);
            length >= min
                && (!p.require_uppercase_characters || upper)
                && (!p.require_lowercase_characters || lower)
                && (!p.require_numbers || digit)
                && (!p.require_symbols || symbol)
        }
    }
}

/// Checks `password` against the account's policy.
pub(super) fn check(policy: Option<&PasswordPolicy>, password: &str) -> Result<(), ApiError> {
    if conforms(policy, password) {
        Ok(())
    } else {
        Err(ApiError::PasswordPolicyViolation(VIOLATION.to_owned()))
    }
}

/// Hashes a password with Argon2id, holding an Argon2 permit; the clear text goes no
/// further.
pub(super) fn hash(gate: &ArgonGate, password: &str) -> Result<PasswordHash, ApiError> {
    let password = Zeroizing::new(password.to_owned());
    gate.run(move || {
        crate::argon::with_memory(|m| {
            PasswordHash::create_in(&password, &mut ironiam_store::id::OsRandom, m)
        })
    })?
    .map_err(ApiError::internal)
}

fn verify(gate: &ArgonGate, hash: &PasswordHash, password: &str) -> Result<bool, ApiError> {
    let (hash, password) = (hash.clone(), Zeroizing::new(password.to_owned()));
    gate.run(move || crate::argon::with_memory(|m| hash.verify_in(&password, m)))?
        .map_err(ApiError::internal)
}

fn u32_member(input: &Value, member: &str) -> Option<u32> {
    input
        .get(member)
        .and_then(Value::as_i64)
        .and_then(|n| u32::try_from(n).ok())
}

fn bool_member(input: &Value, member: &str) -> bool {
    input.get(member).and_then(Value::as_bool).unwrap_or(false)
}

/// UpdateAccountPasswordPolicy: parameters left out take their defaults, they
/// do not keep their previous values ("If you do not specify a value for this
/// parameter, then the operation uses the default value").
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>
pub(super) fn update_policy(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let defaults = PasswordPolicy::default();
    // The model bounds the values (6–128, 1–1095, 1–24); a zero age or reuse
    // count, which the model refuses anyway, would mean "not set".
    let policy = PasswordPolicy {
        minimum_password_length: u32_member(input, "MinimumPasswordLength")
            .unwrap_or(defaults.minimum_password_length),
        require_symbols: bool_member(input, "RequireSymbols"),
        require_numbers: bool_member(input, "RequireNumbers"),
        require_uppercase_characters: bool_member(input, "RequireUppercaseCharacters"),
        require_lowercase_characters: bool_member(input, "RequireLowercaseCharacters"),
        allow_users_to_change_password: bool_member(input, "AllowUsersToChangePassword"),
        max_password_age: u32_member(input, "MaxPasswordAge").filter(|n| *n > 0),
        password_reuse_prevention: u32_member(input, "PasswordReusePrevention").filter(|n| *n > 0),
        hard_expiry: bool_member(input, "HardExpiry"),
    };
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        record.password_policy = Some(policy.clone());
        tx.update_account(&record)?;
        Ok(())
    })
}

/// GetAccountPasswordPolicy: `MaxPasswordAge`, `PasswordReusePrevention` and
/// `HardExpiry` appear only when set, as in AWS's answers (aws/aws-cli#7265).
pub(super) fn get_policy(
    ctx: &mut OpCtx<'_>,
    _: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let record = ctx.state.store.read(|tx| tx.get_account(&account))?;
    let Some(p) = record.password_policy else {
        return Err(ApiError::NoSuchEntity(no_policy(&account)));
    };
    w.start("PasswordPolicy")
        .element(
            "MinimumPasswordLength",
            &p.minimum_password_length.to_string(),
        )
        .element("RequireSymbols", bool_text(p.require_symbols))
        .element("RequireNumbers", bool_text(p.require_numbers))
        .element(
            "RequireUppercaseCharacters",
            bool_text(p.require_uppercase_characters),
        )
        .element(
            "RequireLowercaseCharacters",
            bool_text(p.require_lowercase_characters),
        )
        .element(
            "AllowUsersToChangePassword",
            bool_text(p.allow_users_to_change_password),
        )
        .element("ExpirePasswords", bool_text(p.expire_passwords()));
    if let Some(age) = p.max_password_age {
        w.element("MaxPasswordAge", &age.to_string());
    }
    if let Some(reuse) = p.password_reuse_prevention {
        w.element("PasswordReusePrevention", &reuse.to_string());
    }
    if p.hard_expiry {
        w.element("HardExpiry", bool_text(true));
    }
    w.end();
    Ok(())
}

/// DeleteAccountPasswordPolicy: back to AWS's default policy.
pub(super) fn delete_policy(
    ctx: &mut OpCtx<'_>,
    _: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        if record.password_policy.take().is_none() {
            return Err(ApiError::NoSuchEntity(no_policy(&account)));
        }
        tx.update_account(&record)?;
        Ok(())
    })
}

/// ChangePassword: the calling IAM user changes its own console password.
/// The root user is refused with `InvalidUserType` (the AWS CLI's
/// `change-password` documentation); the policy's `PasswordReusePrevention`
/// counts the current password as the first of the previous ones.
pub(super) fn change(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let old = required(input, "OldPassword")?;
    let new = required(input, "NewPassword")?;
    let Some(user) = ctx.principal.user.clone() else {
        return Err(ApiError::InvalidUserType(
            "Only IAM users can change their own password; the root user cannot call ChangePassword."
                .to_owned(),
        ));
    };
    let account = ctx.account().to_owned();
    let now = ctx.now;
    // Hashed once, outside the transaction, which may run more than once.
    let new_hash = hash(&ctx.state.argon, new)?;
    let gate = &ctx.state.argon;
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut profile = match tx.get_login_profile(&user.id) {
            Err(StoreError::NotFound { .. }) => {
                return Err(ApiError::NoSuchEntity(not_found(
                    Entity::LoginProfile,
                    &user.name,
                )));
            }
            other => other?,
        };
        if !verify(gate, &profile.password_hash, old)? {
            return Err(ApiError::AccessDenied(WRONG_OLD_PASSWORD.to_owned()));
        }
        let policy = tx.get_account(&account)?.password_policy;
        check(policy.as_ref(), new)?;
        let remembered = policy
            .as_ref()
            .and_then(|p| p.password_reuse_prevention)
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let recent = std::iter::once(&profile.password_hash)
            .chain(&profile.password_history)
            .take(remembered);
        for previous in recent {
            if verify(gate, previous, new)? {
                return Err(ApiError::PasswordPolicyViolation(VIOLATION.to_owned()));
            }
        }
        let current = std::mem::replace(&mut profile.password_hash, new_hash.clone());
        profile.password_history.insert(0, current);
        profile.password_history.truncate(PASSWORD_HISTORY_LEN);
        profile.password_reset_required = false;
        profile.password_changed = Some(Timestamp::from_secs(now));
        tx.update_login_profile(&profile)?;
        Ok(())
    })
}

/// The answer to a wrong `OldPassword`. AWS does not document this case;
/// ironiam refuses the change as access denied and names the cause.
const WRONG_OLD_PASSWORD: &str = "The old password is incorrect.";

#[cfg(test)]
mod tests;
