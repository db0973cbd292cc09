//! Seed tutorials 000 and 001: what their force-MFA policies let a user do
//! with virtual MFA devices using long-term access keys. The resource each
//! action is authorized on decides it: the device for CreateVirtualMFADevice
//! and DeleteVirtualMFADevice, the user for EnableMFADevice and ListMFADevices.

use std::path::Path;

use crate::harness::*;

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const POWER_USER: &str = "arn:aws:iam::aws:policy/PowerUserAccess";

/// A user with an access key, a customer policy made of `document`, and the
/// AWS managed policy `managed`, as the seed tutorials set them up.
async fn user_with_policy(
    h: &Harness,
    name: &str,
    document: &str,
    managed: &str,
) -> (String, String) {
    let key = h.user_with_key(name).await;
    let policy = format!("force-mfa-{name}");
    let reply = h
        .root(
            "CreatePolicy",
            &[("PolicyName", &policy), ("PolicyDocument", document)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let arn = reply.field("Arn").unwrap().to_owned();
    for policy in [arn.as_str(), managed] {
        let reply = h
            .root(
                "AttachUserPolicy",
                &[("UserName", name), ("PolicyArn", policy)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    key
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(name),
    )
    .unwrap()
}

fn enable_params<'a>(user: &'a str, serial: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("UserName", user),
        ("SerialNumber", serial),
        ("AuthenticationCode1", "000000"),
        ("AuthenticationCode2", "000001"),
    ]
}

#[tokio::test]
async fn seed_000_leaves_only_mfa_setup_to_long_term_keys() {
    let h = harness();
    let (id, secret) =
        user_with_policy(&h, "alice", &example("seed-000-force-mfa.json"), ADMIN).await;
    let alice = (id.as_str(), secret.as_str());

    // Authorized on the device to be created (the seed allows arn:aws:iam::*:mfa/*).
    let created = h
        .call_as(
            alice,
            "CreateVirtualMFADevice",
            &[("VirtualMFADeviceName", "alice")],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let serial = created.field("SerialNumber").unwrap().to_owned();
    // Everything not listed is denied without MFA, AdministratorAccess or not.
    let reply = h.call_as(alice, "ListUsers", &[]).await;
    assert!(
        reply.message().unwrap().contains("explicit deny"),
        "{}",
        reply.body
    );
    // DeleteVirtualMFADevice is evaluated on the device, and is not exempt.
    let reply = h
        .call_as(
            alice,
            "DeleteVirtualMFADevice",
            &[("SerialNumber", &serial)],
        )
        .await;
    assert_eq!(reply.code(), Some("AccessDenied"));
    assert!(reply.message().unwrap().contains(&format!(
        "iam:DeleteVirtualMFADevice on resource: {serial} with an explicit deny"
    )));
    // EnableMFADevice passes the policies and then fails on the codes.
    let reply = h
        .call_as(alice, "EnableMFADevice", &enable_params("alice", &serial))
        .await;
    assert_eq!(
        reply.code(),
        Some("InvalidAuthenticationCode"),
        "{}",
        reply.body
    );
    assert_eq!(h.call_as(alice, "ListMFADevices", &[]).await.status, 200);
    assert_eq!(
        h.call_as(alice, "ListVirtualMFADevices", &[]).await.status,
        200
    );
}

#[tokio::test]
async fn seed_001_scopes_mfa_setup_to_the_user_itself() {
    let h = harness();
    let (id, secret) =
        user_with_policy(&h, "john", &example("seed-001-force-mfa.json"), POWER_USER).await;
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let john = (id.as_str(), secret.as_str());
    let created = h
        .call_as(
            john,
            "CreateVirtualMFADevice",
            &[("VirtualMFADeviceName", "john")],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let serial = created.field("SerialNumber").unwrap().to_owned();

    // EnableMFADevice is authorized on the user: john's own is allowed by
    // arn:aws:iam::*:user/${aws:username}, bob's by nothing.
    let reply = h
        .call_as(john, "EnableMFADevice", &enable_params("john", &serial))
        .await;
    assert_eq!(
        reply.code(),
        Some("InvalidAuthenticationCode"),
        "{}",
        reply.body
    );
    let reply = h
        .call_as(john, "EnableMFADevice", &enable_params("bob", &serial))
        .await;
    assert_eq!(reply.code(), Some("AccessDenied"));
    assert_eq!(
        reply.message().unwrap(),
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/john is not authorized to perform: iam:EnableMFADevice on resource: arn:aws:iam::{ACCOUNT}:user/bob because no identity-based policy allows the iam:EnableMFADevice action"
        )
    );
    // ListMFADevices without UserName is evaluated on john's own user.
    assert_eq!(h.call_as(john, "ListMFADevices", &[]).await.status, 200);
    let reply = h
        .call_as(john, "ListMFADevices", &[("UserName", "bob")])
        .await;
    assert_eq!(reply.code(), Some("AccessDenied"));
    // The seed allows DeleteVirtualMFADevice on arn:aws:iam::*:mfa/* and exempts it.
    let reply = h
        .call_as(john, "DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}
