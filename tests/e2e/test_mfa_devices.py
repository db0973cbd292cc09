"""Virtual MFA devices, GetAccountSummary and the credential report through the real
AWS CLI and boto3. Codes come from pyotp, checked against Debian's oathtool; the QR code
is read back with Debian's zbarimg. The server runs on real time, so each test computes
two consecutive codes as the previous step's and the current step's (the enable window
accepts them) instead of waiting for a step to pass."""

import base64
import csv
import io
import json
import subprocess
import time
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, Cli, client

SERIAL_PREFIX = f"arn:aws:iam::{ACCOUNT_ID}:mfa/"
HEADER = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def pair(secret, ahead=0):
    """Two consecutive codes ending at the current step (shifted `ahead` steps)."""
    totp = pyotp.TOTP(secret)
    now = time.time() + 30 * ahead
    return totp.at(now - 30), totp.at(now)


def new_device(iam, name, **kwargs):
    """CreateVirtualMFADevice with boto3; returns (serial number, base32 secret)."""
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, **kwargs)["VirtualMFADevice"]
    return device["SerialNumber"], device["Base32StringSeed"].decode()


def enable(iam, user, serial, secret, ahead=0):
    code1, code2 = pair(secret, ahead)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=code1,
                          AuthenticationCode2=code2)


def zbarimg(path):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def oathtool(secret, at):
    result = subprocess.run(["oathtool", "--totp", "-b", secret, "--now", f"@{at}"], capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout.strip()


def test_qr_code_decodes_to_the_otpauth_uri_and_its_secret_agrees_with_oathtool(root_cli, tmp_path):
    qr = tmp_path / "qr.png"
    created = root_cli.ok("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "phone",
                          "--outfile", str(qr), "--bootstrap-method", "QRCodePNG")["VirtualMFADevice"]
    assert created["SerialNumber"] == SERIAL_PREFIX + "phone"
    assert qr.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    uri = zbarimg(qr)
    parsed = urlparse(uri)
    assert (parsed.scheme, parsed.netloc) == ("otpauth", "totp")
    # Google's Key URI format: ISSUER:NAME@ACCOUNT (no alias yet), issuer again as a parameter.
    assert unquote(parsed.path) == f"/ironiam:phone@{ACCOUNT_ID}"
    query = parse_qs(parsed.query)
    assert query["issuer"] == ["ironiam"]
    assert (query["algorithm"], query["digits"], query["period"]) == (["SHA1"], ["6"], ["30"])
    secret = query["secret"][0]
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) >= 20
    otp = pyotp.parse_uri(uri)
    assert (otp.name, otp.issuer) == (f"phone@{ACCOUNT_ID}", "ironiam")
    # Two independent TOTP implementations agree on this secret.
    for at in (0, 59, 1_700_000_000, int(time.time())):
        assert otp.at(at) == oathtool(secret, at)

    # The QR code carries the same secret as Base32StringSeed; with an alias, the label uses it.
    root_cli.ok("iam", "create-account-alias", "--account-alias", "example-corp")
    seed_file = tmp_path / "seed.txt"
    qr2 = tmp_path / "qr2.png"
    root_cli.ok("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "tablet",
                "--outfile", str(seed_file), "--bootstrap-method", "Base32StringSeed")
    root_cli.ok("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "laptop",
                "--outfile", str(qr2), "--bootstrap-method", "QRCodePNG")
    assert len(seed_file.read_text().strip()) == 64
    assert unquote(urlparse(zbarimg(qr2)).path) == "/ironiam:laptop@example-corp"


def test_device_lifecycle_with_the_cli(root_cli, tmp_path):
    root_cli.ok("iam", "create-user", "--user-name", "alice")
    seed = tmp_path / "seed.txt"
    serial = root_cli.ok("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "alice",
                         "--path", "/staff/", "--tags", "Key=team,Value=blue",
                         "--outfile", str(seed), "--bootstrap-method", "Base32StringSeed")["VirtualMFADevice"]["SerialNumber"]
    assert serial == SERIAL_PREFIX + "staff/alice"
    secret = seed.read_text().strip()
    code1, code2 = pair(secret)
    root_cli.ok("iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial,
                "--authentication-code1", code1, "--authentication-code2", code2)
    devices = root_cli.ok("iam", "list-mfa-devices", "--user-name", "alice")["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in devices] == [("alice", serial)]
    assert devices[0]["EnableDate"]
    # Resync with two fresh codes (the device is now a step ahead).
    code1, code2 = pair(secret, ahead=2)
    root_cli.ok("iam", "resync-mfa-device", "--user-name", "alice", "--serial-number", serial,
                "--authentication-code1", code1, "--authentication-code2", code2)
    # Tags.
    root_cli.ok("iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=kind,Value=phone")
    tags = root_cli.ok("iam", "list-mfa-device-tags", "--serial-number", serial)["Tags"]
    assert tags == [{"Key": "team", "Value": "blue"}, {"Key": "kind", "Value": "phone"}]
    root_cli.ok("iam", "untag-mfa-device", "--serial-number", serial, "--tag-keys", "team")
    assert root_cli.ok("iam", "list-mfa-device-tags", "--serial-number", serial)["Tags"] == [
        {"Key": "kind", "Value": "phone"}]
    # While assigned, neither the device nor the user can be deleted.
    stderr = root_cli.fails("iam", "delete-virtual-mfa-device", "--serial-number", serial)
    assert "DeleteConflict" in stderr
    stderr = root_cli.fails("iam", "delete-user", "--user-name", "alice")
    assert "Cannot delete entity, must delete MFA device first." in stderr
    root_cli.ok("iam", "deactivate-mfa-device", "--user-name", "alice", "--serial-number", serial)
    assert root_cli.ok("iam", "list-mfa-devices", "--user-name", "alice")["MFADevices"] == []
    root_cli.ok("iam", "delete-virtual-mfa-device", "--serial-number", serial)
    root_cli.ok("iam", "delete-user", "--user-name", "alice")
    stderr = root_cli.fails("iam", "delete-virtual-mfa-device", "--serial-number", serial)
    assert f"VirtualMFADevice with serial number {serial} doesn't exist." in stderr


def test_wrong_and_replayed_codes_are_refused(root_iam):
    root_iam.create_user(UserName="alice")
    serial, secret = new_device(root_iam, "alice")
    code1, code2 = pair(secret)
    # A code that is no step's code within the server's widest window.
    totp, now = pyotp.TOTP(secret), time.time()
    window = {totp.at(now + 30 * k) for k in range(-12, 13)}
    wrong = next(c for c in (f"{n:06d}" for n in range(100_000, 1_000_000, 7919)) if c not in window)
    for bad in ((code1, wrong), (code2, code1), (code1, code1)):
        with pytest.raises(ClientError) as excinfo:
            root_iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=bad[0],
                                       AuthenticationCode2=bad[1])
        assert error(excinfo) == ("InvalidAuthenticationCode", "Authentication code for device is not valid.")
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    root_iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=code1,
                               AuthenticationCode2=code2)
    # The same pair again, to resync: its steps are spent.
    with pytest.raises(ClientError) as excinfo:
        root_iam.resync_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=code1,
                                   AuthenticationCode2=code2)
    assert error(excinfo)[0] == "InvalidAuthenticationCode"
    # Spent steps stay spent across deactivation: re-enabling with them fails, later ones work.
    root_iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    with pytest.raises(ClientError) as excinfo:
        root_iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=code1,
                                   AuthenticationCode2=code2)
    assert error(excinfo)[0] == "InvalidAuthenticationCode"
    enable(root_iam, "alice", serial, secret, ahead=2)
    assert [d["SerialNumber"] for d in root_iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [serial]
    # Malformed codes are the model's ValidationError.
    with pytest.raises(ClientError) as excinfo:
        root_iam.resync_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                                   AuthenticationCode2="abcdef")
    assert error(excinfo)[0] == "ValidationError"


def test_eight_devices_per_user_and_one_user_per_device(root_iam):
    for user in ("alice", "bob"):
        root_iam.create_user(UserName=user)
    devices = [new_device(root_iam, f"device-{i}") for i in range(9)]
    for serial, secret in devices[:8]:
        enable(root_iam, "alice", serial, secret)
    serial, secret = devices[8]
    with pytest.raises(ClientError) as excinfo:
        enable(root_iam, "alice", serial, secret)
    assert error(excinfo)[0] == "LimitExceeded"
    enable(root_iam, "bob", serial, secret)
    # A device assigned to one user cannot be enabled for another.
    taken_serial, taken_secret = devices[0]
    with pytest.raises(ClientError) as excinfo:
        enable(root_iam, "bob", taken_serial, taken_secret, ahead=2)
    assert error(excinfo) == ("EntityAlreadyExists", "MFA Device is already in use.")
    assert len(root_iam.list_mfa_devices(UserName="alice")["MFADevices"]) == 8
    pages = root_iam.get_paginator("list_mfa_devices").paginate(UserName="alice", PaginationConfig={"PageSize": 3})
    assert [len(page["MFADevices"]) for page in pages] == [3, 3, 2]
    summary = root_iam.get_account_summary()["SummaryMap"]
    assert (summary["MFADevices"], summary["MFADevicesInUse"], summary["AccountMFAEnabled"]) == (9, 9, 0)


def test_list_virtual_mfa_devices_never_shows_the_seed(root_cli, root_iam):
    root_iam.create_user(UserName="alice")
    assigned, secret = new_device(root_iam, "assigned")
    free, _ = new_device(root_iam, "free")
    enable(root_iam, "alice", assigned, secret)
    listings = {status: root_iam.list_virtual_mfa_devices(AssignmentStatus=status)["VirtualMFADevices"]
                for status in ("Assigned", "Unassigned", "Any")}
    listings["default"] = root_cli.ok("iam", "list-virtual-mfa-devices")["VirtualMFADevices"]
    for status, devices in listings.items():
        for device in devices:
            assert "Base32StringSeed" not in device and "QRCodePNG" not in device, status
            assert secret not in str(device)
    assert [d["SerialNumber"] for d in listings["Assigned"]] == [assigned]
    assert [d["SerialNumber"] for d in listings["Unassigned"]] == [free]
    assert [d["SerialNumber"] for d in listings["Any"]] == [assigned, free]
    assert [d["SerialNumber"] for d in listings["default"]] == [assigned, free]
    user = listings["Assigned"][0]["User"]
    assert (user["UserName"], user["Arn"]) == ("alice", f"arn:aws:iam::{ACCOUNT_ID}:user/alice")
    assert "User" not in listings["Unassigned"][0] and "EnableDate" not in listings["Unassigned"][0]
    page = root_cli.ok("iam", "list-virtual-mfa-devices", "--assignment-status", "Any", "--max-items", "1")
    assert len(page["VirtualMFADevices"]) == 1 and page["NextToken"]


def test_list_mfa_devices_without_user_name_lists_the_callers_own(endpoint, root_iam):
    for user in ("alice", "bob"):
        root_iam.create_user(UserName=user)
    own = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListMFADevices", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
    root_iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=json.dumps(own))
    key = root_iam.create_access_key(UserName="alice")["AccessKey"]
    serial, secret = new_device(root_iam, "alice")
    enable(root_iam, "alice", serial, secret)
    other, other_secret = new_device(root_iam, "bob")
    enable(root_iam, "bob", other, other_secret)

    alice = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    devices = alice.list_mfa_devices()["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in devices] == [("alice", serial)]
    cli = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    assert [d["SerialNumber"] for d in cli.ok("iam", "list-mfa-devices")["MFADevices"]] == [serial]
    with pytest.raises(ClientError) as excinfo:
        alice.list_mfa_devices(UserName="bob")
    assert error(excinfo)[0] == "AccessDenied"
    assert f"iam:ListMFADevices on resource: arn:aws:iam::{ACCOUNT_ID}:user/bob" in error(excinfo)[1]
    # The root user without UserName: root's own devices, of which it has none here.
    assert root_iam.list_mfa_devices()["MFADevices"] == []


def test_account_summary_has_every_botocore_key(root_cli, root_iam):
    keys = set(root_iam.meta.service_model.shape_for("summaryKeyType").enum)
    summary = root_iam.get_account_summary()["SummaryMap"]
    assert set(summary) == keys
    assert all(isinstance(value, int) for value in summary.values())
    assert summary["UsersQuota"] == 5000 and summary["AccessKeysPerUserQuota"] == 2
    root_iam.create_user(UserName="alice")
    serial, secret = new_device(root_iam, "alice")
    new_device(root_iam, "spare")
    enable(root_iam, "alice", serial, secret)
    summary = root_cli.ok("iam", "get-account-summary")["SummaryMap"]
    assert (summary["Users"], summary["MFADevices"], summary["MFADevicesInUse"]) == (1, 2, 1)
    assert summary["AccountMFAEnabled"] == 0


def report(iam):
    content = iam.get_credential_report()
    assert content["ReportFormat"] == "text/csv"
    return list(csv.reader(io.StringIO(content["Content"].decode())))


def test_credential_report_columns_and_snapshot(root_cli, root_iam):
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_credential_report()
    assert error(excinfo)[0] == "ReportNotPresent"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410

    for user in ("alice", "bob"):
        root_iam.create_user(UserName=user)
    root_iam.create_login_profile(UserName="bob", Password="correct-horse-battery-9")
    root_iam.create_access_key(UserName="bob")
    serial, secret = new_device(root_iam, "alice")
    enable(root_iam, "alice", serial, secret)

    started = root_cli.ok("iam", "generate-credential-report")
    assert started == {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}
    rows = report(root_iam)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["<root_account>", "alice", "bob"]
    assert all(len(row) == len(HEADER) for row in rows)
    by_user = {row[0]: dict(zip(HEADER, row)) for row in rows[1:]}
    root = by_user["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert (root["password_enabled"], root["password_last_changed"], root["password_next_rotation"]) == (
        "not_supported", "not_supported", "not_supported")
    assert (root["mfa_active"], root["access_key_1_active"], root["access_key_1_last_used_service"]) == (
        "false", "true", "iam")
    alice, bob = by_user["alice"], by_user["bob"]
    assert (alice["mfa_active"], bob["mfa_active"]) == ("true", "false")
    assert (alice["password_enabled"], alice["password_last_used"], alice["access_key_1_active"]) == (
        "false", "N/A", "false")
    assert (bob["password_enabled"], bob["password_last_used"], bob["access_key_1_active"]) == (
        "true", "no_information", "true")
    assert bob["access_key_1_last_rotated"].endswith("+00:00") and bob["access_key_1_last_used_date"] == "N/A"
    assert [alice[c] for c in ("cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated")] == [
        "false", "N/A", "false", "N/A"]

    # A snapshot: bob enables MFA, alice deactivates; within four hours nothing is
    # regenerated and the report still says what it said.
    bob_serial, bob_secret = new_device(root_iam, "bob")
    enable(root_iam, "bob", bob_serial, bob_secret)
    root_iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    again = root_iam.generate_credential_report()
    assert again["State"] == "COMPLETE" and "Description" not in again
    assert report(root_iam) == rows
    # The CLI carries the blob as base64 text.
    content = root_cli.ok("iam", "get-credential-report")["Content"]
    assert list(csv.reader(io.StringIO(base64.b64decode(content).decode()))) == rows


def test_tags_and_deletion_with_boto3(root_iam):
    serial, _ = new_device(root_iam, "tablet", Tags=[{"Key": "team", "Value": "blue"}])
    root_iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "Team", "Value": "red"}, {"Key": "os", "Value": "x"}])
    assert root_iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [
        {"Key": "Team", "Value": "red"}, {"Key": "os", "Value": "x"}]
    root_iam.untag_mfa_device(SerialNumber=serial, TagKeys=["team"])
    assert root_iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "os", "Value": "x"}]
    with pytest.raises(ClientError) as excinfo:
        root_iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert error(excinfo)[0] == "InvalidInput"
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_virtual_mfa_device(VirtualMFADeviceName="TABLET")
    assert error(excinfo) == ("EntityAlreadyExists", "MFADevice entity at the same path and name already exists.")
    root_iam.delete_virtual_mfa_device(SerialNumber=serial)
    with pytest.raises(ClientError) as excinfo:
        root_iam.list_mfa_device_tags(SerialNumber=serial)
    assert error(excinfo)[0] == "NoSuchEntity"
    assert root_iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
