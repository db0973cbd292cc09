"""The seed tutorials end to end with real MFA: virtual devices set up through the AWS CLI,
codes from pyotp, and sessions from `aws sts get-session-token` that carry MFA context."""

import json
from pathlib import Path

import boto3
import pytest

from conftest import ACCOUNT_ID, REGION, Cli, client
from mfa_cli import SessionCli, create_device, enable_device, mfa_session
from totp import enable_codes, next_code, wrong_code

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_000 = (EXAMPLES / "seed-000-force-mfa.json").read_text()
SEED_001 = (EXAMPLES / "seed-001-force-mfa.json").read_text()
FORCE_MFA = (EXAMPLES / "seed-003-force-mfa.json").read_text()


def user_with_keys(root_cli, name, *, managed=(), inline=None):
    root_cli.ok("iam", "create-user", "--user-name", name)
    for arn in managed:
        root_cli.ok("iam", "attach-user-policy", "--user-name", name, "--policy-arn", arn)
    if inline:
        root_cli.ok("iam", "put-user-policy", "--user-name", name, "--policy-name", "ForceMFA",
                    "--policy-document", inline)
    key = root_cli.ok("iam", "create-access-key", "--user-name", name)["AccessKey"]
    return Cli(root_cli.env["AWS_ENDPOINT_URL"], key["AccessKeyId"], key["SecretAccessKey"])


def test_seed_000_admin_can_do_nothing_but_set_up_mfa_until_authenticated(root_cli):
    """Seed 000: AdministratorAccess plus the force-MFA policy."""
    alice = user_with_keys(root_cli, "alice", managed=["arn:aws:iam::aws:policy/AdministratorAccess"],
                           inline=SEED_000)
    # Long-term keys: explicitly denied.
    stderr = alice.fails("iam", "list-users")
    assert "AccessDenied" in stderr and "with an explicit deny in an identity-based policy" in stderr

    # The user sets up MFA on itself: allowed by the listed actions.
    serial, secret = create_device(alice, "alice")
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/alice"
    enable_device(alice, "alice", serial, secret)
    devices = alice.ok("iam", "list-mfa-devices", "--user-name", "alice")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]

    # A session without MFA is still denied; IAM refuses its token outright, as AWS does.
    plain = SessionCli(alice.env["AWS_ENDPOINT_URL"], alice.ok("sts", "get-session-token")["Credentials"])
    assert "InvalidClientTokenId" in plain.fails("iam", "list-users")

    # A wrong code is refused, in AWS's words.
    stderr = alice.fails("sts", "get-session-token", "--serial-number", serial, "--token-code", wrong_code(secret))
    assert "AccessDenied" in stderr
    assert "MultiFactorAuthentication failed with invalid MFA one time pass code" in stderr

    # With the device and a fresh code, the session carries MFA and the admin is an admin.
    code = next_code(secret)
    session = mfa_session(alice, serial, secret, code)
    users = session.ok("iam", "list-users")["Users"]
    assert [u["UserName"] for u in users] == ["alice"]
    session.ok("iam", "create-user", "--user-name", "bob")
    identity = session.ok("sts", "get-caller-identity")
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/alice"

    # The code just used cannot be used again.
    stderr = alice.fails("sts", "get-session-token", "--serial-number", serial, "--token-code", code)
    assert "MultiFactorAuthentication failed" in stderr


def test_seed_001_enabling_a_device_for_someone_else_is_denied(root_cli):
    """Seed 001's policy lets a user handle only its own MFA device."""
    root_cli.ok("iam", "create-policy", "--policy-name", "ForceMFA", "--policy-document", SEED_001)
    policy = f"arn:aws:iam::{ACCOUNT_ID}:policy/ForceMFA"
    root_cli.ok("iam", "create-group", "--group-name", "PowerConsultants")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "PowerConsultants",
                "--policy-arn", "arn:aws:iam::aws:policy/PowerUserAccess")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "PowerConsultants", "--policy-arn", policy)
    john = user_with_keys(root_cli, "john")
    root_cli.ok("iam", "add-user-to-group", "--group-name", "PowerConsultants", "--user-name", "john")
    root_cli.ok("iam", "create-user", "--user-name", "mary")

    # John's own device: created and enabled with two consecutive codes.
    serial, secret = create_device(john, "john")
    enable_device(john, "john", serial, secret)
    # Another device, which John may create (mfa/*) but not enable for Mary.
    other, other_secret = create_device(john, "for-mary")
    code1, code2 = enable_codes(other_secret)
    stderr = john.fails("iam", "enable-mfa-device", "--user-name", "mary", "--serial-number", other,
                        "--authentication-code1", code1, "--authentication-code2", code2)
    assert "AccessDenied" in stderr and "iam:EnableMFADevice" in stderr
    assert f"arn:aws:iam::{ACCOUNT_ID}:user/mary" in stderr
    assert root_cli.ok("iam", "list-mfa-devices", "--user-name", "mary")["MFADevices"] == []

    # ListRoles (PowerUserAccess) is blocked without MFA and allowed with it.
    assert "explicit deny" in john.fails("iam", "list-roles")
    session = mfa_session(john, serial, secret)
    session.ok("iam", "list-roles")


def test_seed_001_change_password_is_exactly_what_the_policy_says(root_cli):
    """ChangePassword is outside seed 001's Deny but nothing allows it: an implicit deny,
    until the account's password policy lets users change their own password."""
    root_cli.ok("iam", "create-policy", "--policy-name", "ForceMFA", "--policy-document", SEED_001)
    john = user_with_keys(root_cli, "john", inline=SEED_001)
    root_cli.ok("iam", "create-login-profile", "--user-name", "john", "--password", "Initial-Passw0rd!")
    stderr = john.fails("iam", "change-password", "--old-password", "Initial-Passw0rd!",
                        "--new-password", "Changed-Passw0rd!")
    assert "because no identity-based policy allows the iam:ChangePassword action" in stderr
    root_cli.ok("iam", "update-account-password-policy", "--allow-users-to-change-password")
    john.ok("iam", "change-password", "--old-password", "Initial-Passw0rd!",
            "--new-password", "Changed-Passw0rd!")


def test_seed_003_ec2mfa_group(root_cli):
    """Seed 003: group EC2MFA with AmazonEC2FullAccess and Force_MFA (the IAM User Guide's
    "manage their own credentials" policy)."""
    root_cli.ok("iam", "create-policy", "--policy-name", "Force_MFA", "--policy-document", FORCE_MFA)
    root_cli.ok("iam", "create-group", "--group-name", "EC2MFA")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "EC2MFA",
                "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2FullAccess")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "EC2MFA",
                "--policy-arn", f"arn:aws:iam::{ACCOUNT_ID}:policy/Force_MFA")
    user = user_with_keys(root_cli, "MFAUser")
    root_cli.ok("iam", "add-user-to-group", "--group-name", "EC2MFA", "--user-name", "MFAUser")

    # Without MFA: GetUser is listed and allowed; managing its own keys is not listed.
    assert user.ok("iam", "get-user")["User"]["UserName"] == "MFAUser"
    assert "explicit deny" in user.fails("iam", "list-access-keys")
    assert "explicit deny" in user.fails("iam", "get-account-summary")
    # The device must be named after the user (mfa/${aws:username}).
    assert "AccessDenied" in user.fails("iam", "create-virtual-mfa-device",
                                        "--virtual-mfa-device-name", "someone-else",
                                        "--outfile", "/dev/null", "--bootstrap-method", "Base32StringSeed")
    serial, secret = create_device(user, "MFAUser")
    enable_device(user, "MFAUser", serial, secret)

    session = mfa_session(user, serial, secret)
    keys = session.ok("iam", "list-access-keys")["AccessKeyMetadata"]
    assert len(keys) == 1
    session.ok("iam", "get-account-summary")
    # EC2 full access grants nothing in IAM beyond the policy's own statements.
    stderr = session.fails("iam", "list-users")
    assert "because no identity-based policy allows the iam:ListUsers action" in stderr


def check_mfa_compliance(iam):
    """Seed 004's compliance script, unmodified but for the client passed in."""
    non_compliant = []

    users = iam.list_users()['Users']
    for user in users:
        mfa_devices = iam.list_mfa_devices(UserName=user['UserName'])
        if not mfa_devices['MFADevices']:
            non_compliant.append(user['UserName'])

    return non_compliant


def test_seed_004_compliance_script_lists_users_without_mfa(root_cli, root_iam):
    for name in ["carol", "dave", "erin"]:
        root_cli.ok("iam", "create-user", "--user-name", name)
    serial, secret = create_device(root_cli, "dave")
    enable_device(root_cli, "dave", serial, secret)
    assert sorted(check_mfa_compliance(root_iam)) == ["carol", "erin"]
    devices = root_cli.ok("iam", "list-mfa-devices", "--user-name", "dave")["MFADevices"]
    assert devices[0]["UserName"] == "dave" and devices[0]["SerialNumber"] == serial


def test_seed_004_a_role_that_requires_mfa_is_assumed_only_with_a_code(root_cli, endpoint):
    trust = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                          "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        }],
    })
    role = root_cli.ok("iam", "create-role", "--role-name", "Admin",
                       "--assume-role-policy-document", trust)["Role"]["Arn"]
    root_cli.ok("iam", "attach-role-policy", "--role-name", "Admin",
                "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
    allow_assume = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}]})
    ops = user_with_keys(root_cli, "ops", inline=allow_assume)
    serial, secret = create_device(root_cli, "ops")
    enable_device(root_cli, "ops", serial, secret)

    stderr = ops.fails("sts", "assume-role", "--role-arn", role, "--role-session-name", "no-mfa")
    assert "AccessDenied" in stderr and "sts:AssumeRole" in stderr

    # boto3 with the code: a role session with MFA context.
    sts = client(endpoint, ops.env["AWS_ACCESS_KEY_ID"], ops.env["AWS_SECRET_ACCESS_KEY"], service="sts")
    code = next_code(secret)
    reply = sts.assume_role(RoleArn=role, RoleSessionName="with-mfa", SerialNumber=serial, TokenCode=code)
    assert reply["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Admin/with-mfa"
    creds = reply["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    admin = boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                         aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])
    names = [u["UserName"] for u in admin.list_users()["Users"]]
    assert names == ["ops"]
    with pytest.raises(Exception) as refused:
        sts.assume_role(RoleArn=role, RoleSessionName="replay", SerialNumber=serial,
                        TokenCode=code)
    assert "AccessDenied" in str(refused.value)
