//! The account password policy, login profiles, ChangePassword and the
//! account alias.

use ironiam_store::StoreExt;
use ironiam_store::record::{Account, Timestamp};

use crate::harness::*;

const VIOLATION: &str = "Password does not conform to the account password policy.";
const GOOD: &str = "Correct-Horse-9";

#[tokio::test]
async fn password_policy_defaults_and_validation() {
    let h = harness();
    let none = h.root("GetAccountPasswordPolicy", &[]).await;
    assert_eq!((none.status, none.code()), (404, Some("NoSuchEntity")));
    assert_eq!(
        none.message(),
        Some("The Password Policy with domain name 123456789012 cannot be found.")
    );
    let gone = h.root("DeleteAccountPasswordPolicy", &[]).await;
    assert_eq!((gone.status, gone.code()), (404, Some("NoSuchEntity")));

    let reply = h.root("UpdateAccountPasswordPolicy", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .body
            .starts_with("<UpdateAccountPasswordPolicyResponse")
    );
    let got = h.root("GetAccountPasswordPolicy", &[]).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(
        got.body.contains(
            "<PasswordPolicy><MinimumPasswordLength>6</MinimumPasswordLength>\
             <RequireSymbols>false</RequireSymbols><RequireNumbers>false</RequireNumbers>\
             <RequireUppercaseCharacters>false</RequireUppercaseCharacters>\
             <RequireLowercaseCharacters>false</RequireLowercaseCharacters>\
             <AllowUsersToChangePassword>false</AllowUsersToChangePassword>\
             <ExpirePasswords>false</ExpirePasswords></PasswordPolicy>"
        ),
        "{}",
        got.body
    );

    for (name, value) in [
        ("MinimumPasswordLength", "5"),
        ("MinimumPasswordLength", "129"),
        ("MaxPasswordAge", "0"),
        ("MaxPasswordAge", "1096"),
        ("PasswordReusePrevention", "25"),
    ] {
        let bad = h
            .root("UpdateAccountPasswordPolicy", &[(name, value)])
            .await;
        assert_eq!(
            (bad.status, bad.code()),
            (400, Some("ValidationError")),
            "{name}={value}: {}",
            bad.body
        );
    }

    let reply = h
        .root(
            "UpdateAccountPasswordPolicy",
            &[
                ("MinimumPasswordLength", "12"),
                ("RequireSymbols", "true"),
                ("RequireNumbers", "true"),
                ("RequireUppercaseCharacters", "true"),
                ("RequireLowercaseCharacters", "true"),
                ("AllowUsersToChangePassword", "true"),
                ("MaxPasswordAge", "90"),
                ("PasswordReusePrevention", "3"),
                ("HardExpiry", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = h.root("GetAccountPasswordPolicy", &[]).await;
    for (field, value) in [
        ("MinimumPasswordLength", "12"),
        ("RequireSymbols", "true"),
        ("AllowUsersToChangePassword", "true"),
        ("ExpirePasswords", "true"),
        ("MaxPasswordAge", "90"),
        ("PasswordReusePrevention", "3"),
        ("HardExpiry", "true"),
    ] {
        assert_eq!(got.field(field), Some(value), "{field}: {}", got.body);
    }

    // Omitted parameters go back to their defaults, not their previous values.
    h.root(
        "UpdateAccountPasswordPolicy",
        &[("MinimumPasswordLength", "10")],
    )
    .await;
    let got = h.root("GetAccountPasswordPolicy", &[]).await;
    assert_eq!(got.field("MinimumPasswordLength"), Some("10"));
    assert_eq!(got.field("RequireSymbols"), Some("false"));
    assert_eq!(got.field("ExpirePasswords"), Some("false"));
    assert_eq!(got.field("MaxPasswordAge"), None);
    assert_eq!(got.field("PasswordReusePrevention"), None);

    assert_eq!(h.root("DeleteAccountPasswordPolicy", &[]).await.status, 200);
    let none = h.root("GetAccountPasswordPolicy", &[]).await;
    assert_eq!(none.status, 404);
}

#[tokio::test]
async fn login_profile_lifecycle_and_argon2id_hash() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    let user_id = h
        .root("GetUser", &[("UserName", "alice")])
        .await
        .field("UserId")
        .unwrap()
        .to_owned();

    // Without a custom policy, AWS's default applies: 8 characters, 3 classes.
    let weak = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "alice"), ("Password", "password")],
        )
        .await;
    assert_eq!(
        (weak.status, weak.code(), weak.message()),
        (400, Some("PasswordPolicyViolation"), Some(VIOLATION))
    );
    let missing = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "nobody"), ("Password", GOOD)],
        )
        .await;
    assert_eq!(
        (missing.status, missing.message()),
        (404, Some("The user with name nobody cannot be found."))
    );

    let created = h
        .root(
            "CreateLoginProfile",
            &[
                ("UserName", "alice"),
                ("Password", GOOD),
                ("PasswordResetRequired", "true"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        created.body.split("<ResponseMetadata>").next().unwrap(),
        "<CreateLoginProfileResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <CreateLoginProfileResult><LoginProfile><UserName>alice</UserName>\
         <CreateDate>2023-11-14T22:13:20Z</CreateDate>\
         <PasswordResetRequired>true</PasswordResetRequired></LoginProfile>\
         </CreateLoginProfileResult>"
    );
    let stored = h
        .state
        .store
        .read(|tx| tx.get_login_profile(&user_id))
        .unwrap();
    let phc = stored.password_hash.as_phc();
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    assert!(!phc.contains(GOOD));
    assert!(stored.password_hash.verify(GOOD).unwrap());
    assert!(!created.body.contains(GOOD) && !created.body.contains(phc));

    let dup = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "alice"), ("Password", GOOD)],
        )
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.message()),
        (
            409,
            Some("EntityAlreadyExists"),
            Some("Login Profile for user alice already exists.")
        )
    );

    let got = h.root("GetLoginProfile", &[("UserName", "alice")]).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.field("PasswordResetRequired"), Some("true"));
    assert!(!got.body.contains(GOOD) && !got.body.contains("argon2"));

    let conflict = h.root("DeleteUser", &[("UserName", "alice")]).await;
    assert_eq!(
        (conflict.status, conflict.message()),
        (
            409,
            Some("Cannot delete entity, must delete login profile first.")
        )
    );

    let weak = h
        .root(
            "UpdateLoginProfile",
            &[("UserName", "alice"), ("Password", "short")],
        )
        .await;
    assert_eq!(weak.code(), Some("PasswordPolicyViolation"));
    let reply = h
        .root(
            "UpdateLoginProfile",
            &[("UserName", "alice"), ("PasswordResetRequired", "false")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = h.root("GetLoginProfile", &[("UserName", "alice")]).await;
    assert_eq!(got.field("PasswordResetRequired"), Some("false"));
    let reply = h
        .root(
            "UpdateLoginProfile",
            &[("UserName", "alice"), ("Password", "Another-Pass-7")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored = h
        .state
        .store
        .read(|tx| tx.get_login_profile(&user_id))
        .unwrap();
    assert!(stored.password_hash.verify("Another-Pass-7").unwrap());
    assert!(!stored.password_hash.verify(GOOD).unwrap());

    assert_eq!(
        h.root("DeleteLoginProfile", &[("UserName", "alice")])
            .await
            .status,
        200
    );
    let gone = h.root("GetLoginProfile", &[("UserName", "alice")]).await;
    assert_eq!(
        (gone.status, gone.code(), gone.message()),
        (
            404,
            Some("NoSuchEntity"),
            Some("Login Profile for User alice cannot be found.")
        )
    );
    let gone = h.root("DeleteLoginProfile", &[("UserName", "alice")]).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        h.root("DeleteUser", &[("UserName", "alice")]).await.status,
        200
    );
}

#[tokio::test]
async fn custom_policy_governs_new_passwords() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    h.root(
        "UpdateAccountPasswordPolicy",
        &[("MinimumPasswordLength", "6")],
    )
    .await;
    // Weaker than AWS's default, but the custom policy allows it.
    let reply = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "alice"), ("Password", "abcdef")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    h.root(
        "UpdateAccountPasswordPolicy",
        &[("MinimumPasswordLength", "8"), ("RequireSymbols", "true")],
    )
    .await;
    let reply = h
        .root(
            "UpdateLoginProfile",
            &[("UserName", "alice"), ("Password", "abcdefgh")],
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.message()),
        (400, Some("PasswordPolicyViolation"), Some(VIOLATION))
    );
}

#[tokio::test]
async fn change_password_checks_old_password_policy_and_reuse() {
    let h = harness();
    let root = h
        .root(
            "ChangePassword",
            &[("OldPassword", "x"), ("NewPassword", "y")],
        )
        .await;
    assert_eq!((root.status, root.code()), (400, Some("InvalidUserType")));

    let (id, secret) = h.user_with_key("bob").await;
    let key = (id.as_str(), secret.as_str());
    let change = |old: &'static str, new: &'static str| {
        let h = &h;
        async move {
            h.call_as(
                key,
                "ChangePassword",
                &[("OldPassword", old), ("NewPassword", new)],
            )
            .await
        }
    };
    // No policy allows it yet.
    let denied = change("Old-Pass-1", "New-Pass-2").await;
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert_eq!(
        denied.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ChangePassword on resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the iam:ChangePassword action"
        )
    );

    // AllowUsersToChangePassword grants ChangePassword on oneself and
    // GetAccountPasswordPolicy, without any attached policy.
    h.root(
        "UpdateAccountPasswordPolicy",
        &[
            ("MinimumPasswordLength", "8"),
            ("RequireNumbers", "true"),
            ("AllowUsersToChangePassword", "true"),
            ("PasswordReusePrevention", "2"),
        ],
    )
    .await;
    let policy = h.call_as(key, "GetAccountPasswordPolicy", &[]).await;
    assert_eq!(policy.status, 200, "{}", policy.body);
    let other = h
        .call_as(key, "GetLoginProfile", &[("UserName", "bob")])
        .await;
    assert_eq!(other.code(), Some("AccessDenied"));

    let none = change("Old-Pass-1", "New-Pass-2").await;
    assert_eq!(
        (none.status, none.message()),
        (404, Some("Login Profile for User bob cannot be found."))
    );
    h.root(
        "CreateLoginProfile",
        &[
            ("UserName", "bob"),
            ("Password", "Old-Pass-1"),
            ("PasswordResetRequired", "true"),
        ],
    )
    .await;

    let wrong = change("Not-It-1", "New-Pass-2").await;
    assert_eq!((wrong.status, wrong.code()), (403, Some("AccessDenied")));
    let weak = change("Old-Pass-1", "no-digits").await;
    assert_eq!(
        (weak.status, weak.code(), weak.message()),
        (400, Some("PasswordPolicyViolation"), Some(VIOLATION))
    );
    let same = change("Old-Pass-1", "Old-Pass-1").await;
    assert_eq!(same.code(), Some("PasswordPolicyViolation"));

    let ok = change("Old-Pass-1", "New-Pass-2").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.starts_with("<ChangePasswordResponse"));
    let profile = h.root("GetLoginProfile", &[("UserName", "bob")]).await;
    assert_eq!(profile.field("PasswordResetRequired"), Some("false"));

    // Reuse prevention 2: the current and the previous password are refused.
    let reused = change("New-Pass-2", "Old-Pass-1").await;
    assert_eq!(reused.code(), Some("PasswordPolicyViolation"));
    assert_eq!(change("New-Pass-2", "Third-Pass-3").await.status, 200);
    // Old-Pass-1 is now three passwords back.
    assert_eq!(change("Third-Pass-3", "Old-Pass-1").await.status, 200);
    let old = change("New-Pass-2", "Fourth-Pass-4").await;
    assert_eq!(old.code(), Some("AccessDenied"));
}

#[tokio::test]
async fn account_alias_lifecycle() {
    let h = harness();
    let list = h.root("ListAccountAliases", &[]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body
            .contains("<AccountAliases></AccountAliases><IsTruncated>false</IsTruncated>"),
        "{}",
        list.body
    );

    for bad in [
        "Upper",
        "ab",
        "-lead",
        "trail-",
        "dou--ble",
        "under_score",
        "123456789012",
    ] {
        let reply = h.root("CreateAccountAlias", &[("AccountAlias", bad)]).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, Some("ValidationError")),
            "{bad}"
        );
    }

    let reply = h
        .root("CreateAccountAlias", &[("AccountAlias", "example-corp")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let list = h.root("ListAccountAliases", &[]).await;
    assert!(
        list.body
            .contains("<AccountAliases><member>example-corp</member></AccountAliases>")
    );
    let dup = h
        .root("CreateAccountAlias", &[("AccountAlias", "example-corp")])
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.message()),
        (
            409,
            Some("EntityAlreadyExists"),
            Some("The account alias example-corp already exists.")
        )
    );

    // Aliases are unique across accounts.
    h.state
        .store
        .write(|tx| {
            tx.insert_account(&Account {
                id: "210987654321".to_owned(),
                alias: Some("taken".to_owned()),
                password_policy: None,
                root_password: None,
                create_date: Timestamp::from_secs(NOW),
            })
        })
        .unwrap();
    let taken = h
        .root("CreateAccountAlias", &[("AccountAlias", "taken")])
        .await;
    assert_eq!(
        (taken.status, taken.code()),
        (409, Some("EntityAlreadyExists"))
    );

    // A second alias replaces the first: one per account.
    assert_eq!(
        h.root("CreateAccountAlias", &[("AccountAlias", "renamed")])
            .await
            .status,
        200
    );
    let list = h.root("ListAccountAliases", &[]).await;
    assert!(
        list.body
            .contains("<AccountAliases><member>renamed</member></AccountAliases>")
    );

    let wrong = h
        .root("DeleteAccountAlias", &[("AccountAlias", "example-corp")])
        .await;
    assert_eq!(
        (wrong.status, wrong.code(), wrong.message()),
        (
            404,
            Some("NoSuchEntity"),
            Some("The account alias example-corp cannot be found.")
        )
    );
    assert_eq!(
        h.root("DeleteAccountAlias", &[("AccountAlias", "renamed")])
            .await
            .status,
        200
    );
    let list = h.root("ListAccountAliases", &[]).await;
    assert!(
        list.body.contains("<AccountAliases></AccountAliases>"),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn account_summary_counts_and_quotas() {
    let h = harness();
    h.user_with_key("bob").await;
    h.root("CreateGroup", &[("GroupName", "devs")]).await;
    h.root(
        "AttachUserPolicy",
        &[
            ("UserName", "bob"),
            ("PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword"),
        ],
    )
    .await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    h.root(
        "CreatePolicy",
        &[("PolicyName", "mine"), ("PolicyDocument", doc)],
    )
    .await;
    let reply = h.root("GetAccountSummary", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let entry =
        |key: &str, value: &str| format!("<entry><key>{key}</key><value>{value}</value></entry>");
    for (key, value) in [
        ("Users", "1"),
        ("Groups", "1"),
        ("Roles", "0"),
        ("Policies", "1"),
        ("PolicyVersionsInUse", "1"),
        ("AccountAccessKeysPresent", "1"),
        ("AccountMFAEnabled", "0"),
        ("MFADevices", "0"),
        ("UsersQuota", "5000"),
        ("AccessKeysPerUserQuota", "2"),
        ("AttachedPoliciesPerUserQuota", "10"),
        ("VersionsPerPolicyQuota", "5"),
    ] {
        assert!(
            reply.body.contains(&entry(key, value)),
            "{key}: {}",
            reply.body
        );
    }
}
