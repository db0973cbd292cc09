//! Virtual MFA devices through the API, and `ironiam_server::mfa`, on the
//! fixed clock. Devices get seeds from `data/mfa_codes.json`, whose codes
//! pyotp computed (`data/mfa_codes.py`); no code here comes from ironiam.

use std::collections::HashMap;
use std::path::Path;

use ironiam_server::mfa;
use ironiam_store::StoreExt;
use ironiam_store::id::OsRandom;
use ironiam_store::record::{KeyOwner, MfaVerification, Timestamp, VirtualMfaDevice, arn};
use ironiam_store::secret::MfaSeed;
use serde_json::Value;

use crate::harness::*;

/// NOW's TOTP step; NOW is 20 seconds into it.
pub const STEP: u64 = (NOW as u64) / 30;

/// A device seed with the codes pyotp gives for it.
pub struct Known {
    pub seed: Vec<u8>,
    pub secret: String,
    pub codes: HashMap<u64, String>,
}

impl Known {
    /// pyotp's code for `step` (within 40 steps of [`STEP`]).
    pub fn code(&self, step: u64) -> &str {
        self.codes
            .get(&step)
            .unwrap_or_else(|| panic!("no recorded code for step {step}"))
    }

    /// A well-formed code that is no step's code anywhere in the recorded span.
    pub fn wrong(&self) -> String {
        (0..1000)
            .map(|n| format!("{:06}", 123_457 + n * 7919))
            .find(|c| !self.codes.values().any(|v| v == c))
            .unwrap()
    }
}

pub fn known(index: usize) -> Known {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server/data/mfa_codes.json");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(json["now"].as_i64(), Some(NOW));
    let device = &json["devices"][index];
    let hex = device["seed_hex"].as_str().unwrap();
    Known {
        seed: (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect(),
        secret: device["secret"].as_str().unwrap().to_owned(),
        codes: device["codes"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(step, code)| (step.parse().unwrap(), code.as_str().unwrap().to_owned()))
            .collect(),
    }
}

/// Stores an unassigned device named `name` whose seed is known seed `index`,
/// sealed as the server seals its own, created by the root user (as an
/// administrator would for a user); returns its serial number.
pub fn provision(h: &Harness, index: usize, name: &str) -> String {
    provision_by(h, index, name, ACCOUNT)
}

/// [`provision`], created by the principal whose `aws:userid` is `creator`.
pub fn provision_by(h: &Harness, index: usize, name: &str, creator: &str) -> String {
    let serial = arn(ACCOUNT, "mfa", "/", name);
    let seed = MfaSeed::new(known(index).seed);
    let device = VirtualMfaDevice {
        serial_number: serial.clone(),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        seed: h
            .state
            .master_key
            .seal_mfa_seed(&serial, &seed, &mut OsRandom)
            .unwrap(),
        tags: Vec::new(),
        create_date: Timestamp::from_secs(NOW),
        assignment: None,
        verification: MfaVerification::default(),
        creator: Some(creator.to_owned()),
    };
    h.state
        .store
        .write(|tx| tx.insert_virtual_mfa_device(&device))
        .unwrap();
    serial
}

pub fn stored(h: &Harness, serial: &str) -> VirtualMfaDevice {
    h.state
        .store
        .read(|tx| tx.get_virtual_mfa_device(ACCOUNT, serial))
        .unwrap()
}

pub async fn enable(h: &Harness, user: &str, serial: &str, code1: &str, code2: &str) -> Reply {
    h.root(
        "EnableMFADevice",
        &[
            ("UserName", user),
            ("SerialNumber", serial),
            ("AuthenticationCode1", code1),
            ("AuthenticationCode2", code2),
        ],
    )
    .await
}

pub fn all<'a>(body: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    body.match_indices(&open)
        .filter_map(|(at, _)| between(&body[at..], &open, &close))
        .collect()
}

pub fn user_id(h: &Harness, name: &str) -> String {
    h.state
        .store
        .read(|tx| tx.get_user(ACCOUNT, name))
        .unwrap()
        .id
}

/// Standard base64, decoded by hand so the test does not trust the server's encoder.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for group in text.as_bytes().chunks(4) {
        let pad = group.iter().filter(|&&c| c == b'=').count();
        let bits = group
            .iter()
            .map(|&c| if c == b'=' { 0 } else { value(c) })
            .fold(0u32, |acc, v| (acc << 6) | v);
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    out
}

#[tokio::test]
async fn create_returns_the_seed_and_a_png_once() {
    let h = harness();
    let reply = h
        .root(
            "CreateVirtualMFADevice",
            &[
                ("VirtualMFADeviceName", "phone"),
                ("Path", "/team/"),
                ("Tags.member.1.Key", "owner"),
                ("Tags.member.1.Value", "alice"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/team/phone");
    assert_eq!(reply.field("SerialNumber"), Some(serial.as_str()));
    // Blobs travel in base64: the seed is 64 base32 characters (40 bytes, as AWS's).
    let seed = String::from_utf8(base64_decode(reply.field("Base32StringSeed").unwrap())).unwrap();
    assert_eq!(seed.len(), 64);
    assert!(
        seed.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    let png = base64_decode(reply.field("QRCodePNG").unwrap());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(reply.field("Key"), Some("owner"));

    // Sealed at rest: the stored bytes are not the seed.
    let device = stored(&h, &serial);
    assert!(
        !device
            .seed
            .as_bytes()
            .windows(8)
            .any(|w| seed.as_bytes().starts_with(w))
    );

    // Never again: no listing shows the seed or the image.
    for (action, params) in [
        ("ListVirtualMFADevices", vec![]),
        (
            "ListVirtualMFADevices",
            vec![("AssignmentStatus", "Unassigned")],
        ),
        ("ListMFADeviceTags", vec![("SerialNumber", serial.as_str())]),
    ] {
        let reply = h.root(action, &params).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(!reply.body.contains("Base32StringSeed") && !reply.body.contains("QRCodePNG"));
        assert!(!reply.body.contains(&seed));
    }

    let again = h
        .root(
            "CreateVirtualMFADevice",
            &[("VirtualMFADeviceName", "PHONE"), ("Path", "/team/")],
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), Some("EntityAlreadyExists"));
    assert_eq!(
        again.message(),
        Some("MFADevice entity at the same path and name already exists.")
    );
    // A serial number longer than the API accepts is refused up front.
    let long = "d".repeat(240);
    let reply = h
        .root("CreateVirtualMFADevice", &[("VirtualMFADeviceName", &long)])
        .await;
    assert_eq!(reply.code(), Some("ValidationError"), "{}", reply.body);
}

#[tokio::test]
async fn enable_takes_two_consecutive_codes_and_records_drift() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    let serial = provision(&h, 0, "alice");
    let k = known(0);

    // Wrong, reversed, non-consecutive and repeated codes are all refused.
    let wrong = k.wrong();
    for (c1, c2) in [
        (wrong.as_str(), k.code(STEP)),
        (k.code(STEP), k.code(STEP - 1)),
        (k.code(STEP - 1), k.code(STEP + 1)),
        (k.code(STEP), k.code(STEP)),
    ] {
        let reply = enable(&h, "alice", &serial, c1, c2).await;
        assert_eq!(reply.status, 403, "{}", reply.body);
        assert_eq!(reply.code(), Some("InvalidAuthenticationCode"));
        assert_eq!(
            reply.message(),
            Some("Authentication code for device is not valid.")
        );
    }
    assert!(stored(&h, &serial).assignment.is_none());
    assert_eq!(stored(&h, &serial).verification.failures, 4);

    // The device runs 3 steps ahead: the pair for STEP+2, STEP+3 is found.
    let reply = enable(&h, "alice", &serial, k.code(STEP + 2), k.code(STEP + 3)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let device = stored(&h, &serial);
    let assignment = device.assignment.unwrap();
    assert_eq!(assignment.owner, KeyOwner::User(user_id(&h, "alice")));
    assert_eq!(assignment.enable_date, Timestamp::from_secs(NOW));
    assert_eq!(device.verification.drift, 3);
    assert_eq!(device.verification.last_step, Some(STEP + 3));
    assert_eq!(device.verification.failures, 0);

    // Sign-in follows the drift: STEP+3 is used, STEP+4 is next; the server's
    // own step is outside the window now.
    let owner = KeyOwner::User(user_id(&h, "alice"));
    let check = |code: &str| mfa::authenticate(&h.state, ACCOUNT, &owner, &serial, code, NOW);
    assert!(check(k.code(STEP)).is_err());
    assert!(
        check(k.code(STEP + 3)).is_err(),
        "replay of the enable code"
    );
    check(k.code(STEP + 4)).unwrap();
}

#[tokio::test]
async fn a_device_serves_one_owner_and_eight_per_user() {
    let h = harness();
    for name in ["alice", "bob"] {
        h.root("CreateUser", &[("UserName", name)]).await;
    }
    let serials: Vec<String> = (0..9)
        .map(|i| provision(&h, i, &format!("device-{i}")))
        .collect();
    for (i, serial) in serials.iter().enumerate().take(8) {
        let k = known(i);
        let reply = enable(&h, "alice", serial, k.code(STEP - 1), k.code(STEP)).await;
        assert_eq!(reply.status, 200, "device {i}: {}", reply.body);
    }
    // Already assigned: to anyone else, or to the same user again.
    let k0 = known(0);
    for user in ["bob", "alice"] {
        let reply = enable(&h, user, &serials[0], k0.code(STEP), k0.code(STEP + 1)).await;
        assert_eq!(reply.status, 409, "{}", reply.body);
        assert_eq!(reply.code(), Some("EntityAlreadyExists"));
        assert_eq!(reply.message(), Some("MFA Device is already in use."));
    }
    // The ninth device for alice exceeds the quota; bob can have it.
    let k8 = known(8);
    let reply = enable(&h, "alice", &serials[8], k8.code(STEP - 1), k8.code(STEP)).await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.code(), Some("LimitExceeded"));
    let reply = enable(&h, "bob", &serials[8], k8.code(STEP - 1), k8.code(STEP)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let listed = h.root("ListMFADevices", &[("UserName", "alice")]).await;
    assert_eq!(all(&listed.body, "SerialNumber").len(), 8);
    assert!(all(&listed.body, "UserName").iter().all(|n| *n == "alice"));
    let page = h
        .root(
            "ListMFADevices",
            &[("UserName", "alice"), ("MaxItems", "3")],
        )
        .await;
    assert_eq!(
        all(&page.body, "SerialNumber"),
        &serials[..3].iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
    assert_eq!(page.field("IsTruncated"), Some("true"));
    let next = h
        .root(
            "ListMFADevices",
            &[
                ("UserName", "alice"),
                ("MaxItems", "3"),
                ("Marker", page.field("Marker").unwrap()),
            ],
        )
        .await;
    assert_eq!(all(&next.body, "SerialNumber")[0], serials[3]);

    // Unknown user and unknown device.
    let reply = enable(&h, "nobody", &serials[0], "123456", "234567").await;
    assert_eq!(reply.code(), Some("NoSuchEntity"));
    let missing = arn(ACCOUNT, "mfa", "/", "missing");
    let reply = enable(&h, "bob", &missing, "123456", "234567").await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.message().unwrap(),
        format!("VirtualMFADevice with serial number {missing} doesn't exist.")
    );
}

#[tokio::test]
async fn authenticate_refuses_replays_strangers_and_unknown_devices() {
    let h = harness();
    for name in ["alice", "bob"] {
        h.root("CreateUser", &[("UserName", name)]).await;
    }
    let serial = provision(&h, 1, "alice");
    let spare = provision(&h, 2, "spare");
    let k = known(1);
    assert_eq!(
        enable(&h, "alice", &serial, k.code(STEP - 1), k.code(STEP))
            .await
            .status,
        200
    );
    let alice = KeyOwner::User(user_id(&h, "alice"));
    let bob = KeyOwner::User(user_id(&h, "bob"));
    let denied = |result: Result<(), ironiam_server::http::error::ApiError>| {
        let err = result.unwrap_err();
        assert_eq!(err.code(), "AccessDenied");
        err.message()
    };
    let invalid = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

    // The enable pair's steps are spent; the next step is not.
    let at = NOW + 30;
    assert_eq!(
        denied(mfa::authenticate(
            &h.state,
            ACCOUNT,
            &alice,
            &serial,
            k.code(STEP),
            at
        )),
        invalid
    );
    mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, k.code(STEP + 1), at).unwrap();
    // Once accepted, never again, even later in its window.
    assert_eq!(
        denied(mfa::authenticate(
            &h.state,
            ACCOUNT,
            &alice,
            &serial,
            k.code(STEP + 1),
            at + 20
        )),
        invalid
    );
    // ±1 step: STEP+2 is accepted at STEP+1, STEP+4 is not.
    assert!(mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, k.code(STEP + 4), at).is_err());
    mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, k.code(STEP + 2), at).unwrap();
    // Another owner, an unassigned device, an unknown serial, the root user.
    let next = k.code(STEP + 3);
    for (owner, device) in [
        (&bob, serial.as_str()),
        (&alice, spare.as_str()),
        (&alice, "arn:aws:iam::123456789012:mfa/nothing"),
        (&KeyOwner::Root, serial.as_str()),
    ] {
        assert_eq!(
            denied(mfa::authenticate(
                &h.state,
                ACCOUNT,
                owner,
                device,
                next,
                NOW + 60
            )),
            invalid
        );
    }
    // Those did not count against alice's device.
    assert_eq!(stored(&h, &serial).verification.failures, 0);
    // Another account does not see the device at all.
    assert!(mfa::authenticate(&h.state, "999999999999", &alice, &serial, next, NOW + 60).is_err());
    mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, next, NOW + 60).unwrap();
}

#[tokio::test]
async fn repeated_failures_lock_the_device_with_backoff_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let h = harness_with_audit(&log);
    h.root("CreateUser", &[("UserName", "alice")]).await;
    let serial = provision(&h, 3, "alice");
    let k = known(3);
    assert_eq!(
        enable(&h, "alice", &serial, k.code(STEP - 1), k.code(STEP))
            .await
            .status,
        200
    );
    let alice = KeyOwner::User(user_id(&h, "alice"));
    let wrong = k.wrong();
    let at = NOW + 30;
    for attempt in 1..=5u32 {
        let err = mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, &wrong, at).unwrap_err();
        assert_eq!(
            err.message(),
            "MultiFactorAuthentication failed with invalid MFA one time pass code."
        );
        assert_eq!(stored(&h, &serial).verification.failures, attempt);
    }
    // The fifth failure locks for 30 s; even the right code is refused, and
    // the refusal says why and until when.
    let locked = stored(&h, &serial).verification;
    assert_eq!(locked.locked_until, Some(Timestamp::from_secs(at + 30)));
    let err = mfa::authenticate(
        &h.state,
        ACCOUNT,
        &alice,
        &serial,
        k.code(STEP + 1),
        at + 10,
    )
    .unwrap_err();
    assert_eq!(err.code(), "AccessDenied");
    assert_eq!(
        err.message(),
        "MultiFactorAuthentication failed: the MFA device is locked after repeated invalid one time pass codes. Try again after 2023-11-14T22:14:20Z."
    );
    assert_eq!(
        stored(&h, &serial).verification,
        locked,
        "attempts while locked are not counted"
    );
    // After the lock, one more failure locks again for twice as long.
    let err = mfa::authenticate(&h.state, ACCOUNT, &alice, &serial, &wrong, at + 30).unwrap_err();
    assert!(err.message().contains("invalid MFA one time pass code"));
    assert_eq!(
        stored(&h, &serial).verification.locked_until,
        Some(Timestamp::from_secs(at + 30 + 60))
    );
    // A good code after the lock resets the count.
    mfa::authenticate(
        &h.state,
        ACCOUNT,
        &alice,
        &serial,
        k.code(STEP + 4),
        at + 90,
    )
    .unwrap();
    let state = stored(&h, &serial).verification;
    assert_eq!((state.failures, state.locked_until), (0, None));

    // Every refusal is in the audit log, none with the code.
    let text = std::fs::read_to_string(&log).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|r: &Value| r["eventType"] == "AwsServiceEvent")
        .collect();
    assert_eq!(records.len(), 7, "{text}");
    for record in &records {
        assert_eq!(record["eventName"], "MFAAuthentication");
        assert_eq!(record["errorCode"], "AccessDenied");
        assert_eq!(record["userIdentity"]["userName"], "alice");
        let message = record["errorMessage"].as_str().unwrap();
        assert!(message.contains(&serial), "{message}");
    }
    assert!(
        records[4]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("locked until")
    );
    assert!(
        records[5]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("is locked")
    );
    assert!(!text.contains(&wrong) && !text.contains(k.code(STEP + 1)));
    assert!(!text.contains(&k.secret));
}

#[tokio::test]
async fn resync_measures_drift_afresh_and_deactivate_frees_the_device() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    let serial = provision(&h, 4, "alice");
    let k = known(4);
    assert_eq!(
        enable(&h, "alice", &serial, k.code(STEP - 1), k.code(STEP))
            .await
            .status,
        200
    );
    let resync = |c1: String, c2: String| {
        let serial = serial.clone();
        let h = &h;
        async move {
            h.root(
                "ResyncMFADevice",
                &[
                    ("UserName", "alice"),
                    ("SerialNumber", &serial),
                    ("AuthenticationCode1", &c1),
                    ("AuthenticationCode2", &c2),
                ],
            )
            .await
        }
    };
    // The enable pair cannot be replayed to resync.
    let reply = resync(k.code(STEP - 1).into(), k.code(STEP).into()).await;
    assert_eq!(
        reply.code(),
        Some("InvalidAuthenticationCode"),
        "{}",
        reply.body
    );
    // A device 5 steps behind a clock 10 minutes on.
    h.clock.set(NOW + 600);
    let reply = resync(k.code(STEP + 14).into(), k.code(STEP + 15).into()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(stored(&h, &serial).verification.drift, -5);
    let alice = KeyOwner::User(user_id(&h, "alice"));
    mfa::authenticate(
        &h.state,
        ACCOUNT,
        &alice,
        &serial,
        k.code(STEP + 16),
        NOW + 630,
    )
    .unwrap();

    // Deleting the user or the device is refused while it is assigned.
    let reply = h.root("DeleteUser", &[("UserName", "alice")]).await;
    assert_eq!(reply.code(), Some("DeleteConflict"));
    assert_eq!(
        reply.message(),
        Some("Cannot delete entity, must delete MFA device first.")
    );
    let reply = h
        .root("DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.code(), Some("DeleteConflict"));

    // Deactivate: only for the owner it is assigned to.
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let reply = h
        .root(
            "DeactivateMFADevice",
            &[("UserName", "bob"), ("SerialNumber", &serial)],
        )
        .await;
    assert_eq!(reply.code(), Some("NoSuchEntity"));
    assert_eq!(reply.message(), Some("MFA Device invalid for user."));
    let reply = h
        .root(
            "DeactivateMFADevice",
            &[("UserName", "alice"), ("SerialNumber", &serial)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        mfa::authenticate(
            &h.state,
            ACCOUNT,
            &alice,
            &serial,
            k.code(STEP + 17),
            NOW + 630
        )
        .is_err()
    );
    // Its spent steps stay spent if it is enabled again.
    assert_eq!(stored(&h, &serial).verification.last_step, Some(STEP + 16));

    assert_eq!(
        h.root("DeleteUser", &[("UserName", "alice")]).await.status,
        200
    );
    let reply = h
        .root("DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = h
        .root("DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_root_user_can_hold_a_device() {
    let h = harness();
    let serial = provision(&h, 5, "root-account-mfa-device");
    let k = known(5);
    mfa::enable(
        &h.state,
        &mfa::Origin::default(),
        ACCOUNT,
        &KeyOwner::Root,
        ACCOUNT,
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
        NOW,
    )
    .unwrap();
    // ListMFADevices without UserName, as root: root's own devices.
    let reply = h.root("ListMFADevices", &[]).await;
    assert_eq!(all(&reply.body, "SerialNumber"), [serial.as_str()]);
    assert_eq!(reply.field("UserName"), Some(ACCOUNT));
    // ListVirtualMFADevices shows the root user as AWS does: account ID and root ARN.
    let reply = h
        .root("ListVirtualMFADevices", &[("AssignmentStatus", "Assigned")])
        .await;
    assert!(reply.body.contains(&format!(
        "<User><UserId>{ACCOUNT}</UserId><Arn>arn:aws:iam::{ACCOUNT}:root</Arn>"
    )));
    mfa::authenticate(
        &h.state,
        ACCOUNT,
        &KeyOwner::Root,
        &serial,
        k.code(STEP + 1),
        NOW + 30,
    )
    .unwrap();
    // Root deactivates its own device by omitting UserName.
    let reply = h
        .root("DeactivateMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        mfa::devices_of(&h.state, ACCOUNT, &KeyOwner::Root)
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn virtual_devices_list_by_assignment_and_carry_tags() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    let serials: Vec<String> = ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, n)| provision(&h, i, n))
        .collect();
    let k = known(1);
    enable(&h, "alice", &serials[1], k.code(STEP - 1), k.code(STEP)).await;
    let list = |status: Option<&'static str>, extra: Vec<(&'static str, String)>| {
        let h = &h;
        async move {
            let mut params: Vec<(&str, String)> = extra;
            if let Some(status) = status {
                params.push(("AssignmentStatus", status.to_owned()));
            }
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            h.root("ListVirtualMFADevices", &params).await
        }
    };
    let any = list(None, vec![]).await;
    assert_eq!(
        all(&any.body, "SerialNumber"),
        serials.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(
        list(Some("Any"), vec![])
            .await
            .body
            .matches("<SerialNumber>")
            .count(),
        3
    );
    let assigned = list(Some("Assigned"), vec![]).await;
    assert_eq!(all(&assigned.body, "SerialNumber"), [serials[1].as_str()]);
    assert_eq!(assigned.field("UserName"), Some("alice"));
    assert!(assigned.field("EnableDate").is_some());
    let free = list(Some("Unassigned"), vec![]).await;
    assert_eq!(
        all(&free.body, "SerialNumber"),
        [serials[0].as_str(), serials[2].as_str()]
    );
    assert!(!free.body.contains("<User>"));
    let page = list(None, vec![("MaxItems", "2".to_owned())]).await;
    assert_eq!(page.field("IsTruncated"), Some("true"));
    let marker = page.field("Marker").unwrap().to_owned();
    let rest = list(None, vec![("Marker", marker)]).await;
    assert_eq!(all(&rest.body, "SerialNumber"), [serials[2].as_str()]);

    // Tags on devices: add, replace case-insensitively, remove.
    let serial = serials[0].as_str();
    let reply = h
        .root(
            "TagMFADevice",
            &[
                ("SerialNumber", serial),
                ("Tags.member.1.Key", "Team"),
                ("Tags.member.1.Value", "blue"),
                ("Tags.member.2.Key", "kind"),
                ("Tags.member.2.Value", "phone"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    h.root(
        "TagMFADevice",
        &[
            ("SerialNumber", serial),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "red"),
        ],
    )
    .await;
    let tags = h
        .root("ListMFADeviceTags", &[("SerialNumber", serial)])
        .await;
    assert_eq!(all(&tags.body, "Key"), ["team", "kind"]);
    assert_eq!(all(&tags.body, "Value"), ["red", "phone"]);
    h.root(
        "UntagMFADevice",
        &[("SerialNumber", serial), ("TagKeys.member.1", "TEAM")],
    )
    .await;
    let tags = h
        .root("ListMFADeviceTags", &[("SerialNumber", serial)])
        .await;
    assert_eq!(all(&tags.body, "Key"), ["kind"]);
    let reply = h
        .root(
            "ListMFADeviceTags",
            &[("SerialNumber", "arn:aws:iam::123456789012:mfa/none")],
        )
        .await;
    assert_eq!(reply.code(), Some("NoSuchEntity"));
}

/// A harness whose audit log goes to `path`.
fn harness_with_audit(path: &Path) -> Harness {
    use std::sync::Arc;

    use ironiam_server::clock::FixedClock;
    use ironiam_server::config::AuditTarget;
    use ironiam_server::{AppState, Config, router};

    let config = Config {
        audit: AuditTarget::File(path.to_owned()),
        ..Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET)
    };
    let clock = FixedClock::at(NOW);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
    Harness {
        app: router(state.clone()),
        clock,
        state,
    }
}
