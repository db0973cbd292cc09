"""The account password policy, login profiles, ChangePassword and the account alias,
driven through the AWS CLI and boto3; and seed 001's ChangePassword riddle solved with
AWS's IAMUserChangePassword managed policy."""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, Cli, client
from test_seed_001 import SEED_001, setup_group

VIOLATION = "Password does not conform to the account password policy."
NO_POLICY = f"The Password Policy with domain name {ACCOUNT_ID} cannot be found."


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def user_with_key(root_iam, name):
    root_iam.create_user(UserName=name)
    key = root_iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_password_policy_defaults_and_lifecycle_cli(root_cli):
    assert NO_POLICY in root_cli.fails("iam", "get-account-password-policy")
    assert NO_POLICY in root_cli.fails("iam", "delete-account-password-policy")
    root_cli.ok("iam", "update-account-password-policy")
    assert root_cli.ok("iam", "get-account-password-policy")["PasswordPolicy"] == {
        "MinimumPasswordLength": 6,
        "RequireSymbols": False,
        "RequireNumbers": False,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": False,
    }
    root_cli.ok("iam", "update-account-password-policy", "--minimum-password-length", "14",
                "--require-symbols", "--require-numbers", "--require-uppercase-characters",
                "--require-lowercase-characters", "--allow-users-to-change-password",
                "--max-password-age", "90", "--password-reuse-prevention", "24", "--hard-expiry")
    policy = root_cli.ok("iam", "get-account-password-policy")["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14
    assert policy["ExpirePasswords"] is True
    assert (policy["MaxPasswordAge"], policy["PasswordReusePrevention"], policy["HardExpiry"]) == (90, 24, True)
    root_cli.ok("iam", "delete-account-password-policy")
    assert NO_POLICY in root_cli.fails("iam", "get-account-password-policy")


def test_password_policy_ranges_boto3(endpoint):
    """boto3 validates the model's ranges itself; the server does too when a client does not."""
    loose = boto3.client("iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ROOT_KEY_ID,
                         aws_secret_access_key=ROOT_SECRET, config=Config(parameter_validation=False))
    for params in ({"MinimumPasswordLength": 5}, {"MaxPasswordAge": 1096}, {"PasswordReusePrevention": 25}):
        with pytest.raises(ClientError) as excinfo:
            loose.update_account_password_policy(**params)
        assert error(excinfo)[0] == "ValidationError", params


def test_login_profile_lifecycle_boto3(root_iam):
    root_iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_login_profile(UserName="alice", Password="password")
    assert error(excinfo) == ("PasswordPolicyViolation", VIOLATION)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    profile = root_iam.create_login_profile(
        UserName="alice", Password="Correct-Horse-9", PasswordResetRequired=True)["LoginProfile"]
    assert profile["UserName"] == "alice" and profile["PasswordResetRequired"] is True
    assert "Password" not in profile
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    assert error(excinfo) == ("EntityAlreadyExists", "Login Profile for user alice already exists.")

    got = root_iam.get_login_profile(UserName="alice")["LoginProfile"]
    assert set(got) == {"UserName", "CreateDate", "PasswordResetRequired"}
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_user(UserName="alice")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete login profile first.")

    root_iam.update_login_profile(UserName="alice", Password="Another-Pass-7", PasswordResetRequired=False)
    assert root_iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    root_iam.delete_login_profile(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_login_profile(UserName="alice")
    assert error(excinfo) == ("NoSuchEntity", "Login Profile for User alice cannot be found.")
    root_iam.delete_user(UserName="alice")


def test_login_profile_cli(root_cli):
    root_cli.ok("iam", "create-user", "--user-name", "carol")
    assert VIOLATION in root_cli.fails("iam", "create-login-profile", "--user-name", "carol", "--password", "weak")
    body = root_cli.ok("iam", "create-login-profile", "--user-name", "carol",
                       "--password", "Str0ng-Pass!", "--password-reset-required")
    assert body["LoginProfile"]["PasswordResetRequired"] is True
    root_cli.ok("iam", "update-login-profile", "--user-name", "carol", "--no-password-reset-required")
    assert root_cli.ok("iam", "get-login-profile", "--user-name", "carol")["LoginProfile"]["PasswordResetRequired"] is False
    root_cli.ok("iam", "delete-login-profile", "--user-name", "carol")
    assert "NoSuchEntity" in root_cli.fails("iam", "get-login-profile", "--user-name", "carol")


def test_change_password_boto3(root_iam):
    with pytest.raises(ClientError) as excinfo:
        root_iam.change_password(OldPassword="Old-Pass-1", NewPassword="New-Pass-2")
    assert error(excinfo)[0] == "InvalidUserType"

    key_id, secret = user_with_key(root_iam, "bob")
    bob = client(root_iam.meta.endpoint_url, key_id, secret)
    with pytest.raises(ClientError) as excinfo:
        bob.change_password(OldPassword="Old-Pass-1", NewPassword="New-Pass-2")
    assert error(excinfo) == ("AccessDenied", (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/bob is not authorized to perform: iam:ChangePassword "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/bob because no identity-based policy allows "
        "the iam:ChangePassword action"))

    # AllowUsersToChangePassword: ChangePassword on oneself without any attached policy.
    root_iam.update_account_password_policy(
        MinimumPasswordLength=8, RequireNumbers=True, AllowUsersToChangePassword=True, PasswordReusePrevention=2)
    assert bob.get_account_password_policy()["PasswordPolicy"]["PasswordReusePrevention"] == 2
    root_iam.create_login_profile(UserName="bob", Password="Old-Pass-1", PasswordResetRequired=True)

    with pytest.raises(ClientError) as excinfo:
        bob.change_password(OldPassword="Wrong-Pass-1", NewPassword="New-Pass-2")
    assert error(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        bob.change_password(OldPassword="Old-Pass-1", NewPassword="no-digits-here")
    assert error(excinfo) == ("PasswordPolicyViolation", VIOLATION)

    bob.change_password(OldPassword="Old-Pass-1", NewPassword="New-Pass-2")
    assert root_iam.get_login_profile(UserName="bob")["LoginProfile"]["PasswordResetRequired"] is False
    # Reuse prevention: the last two passwords are refused.
    with pytest.raises(ClientError) as excinfo:
        bob.change_password(OldPassword="New-Pass-2", NewPassword="Old-Pass-1")
    assert error(excinfo) == ("PasswordPolicyViolation", VIOLATION)
    bob.change_password(OldPassword="New-Pass-2", NewPassword="Third-Pass-3")
    bob.change_password(OldPassword="Third-Pass-3", NewPassword="Old-Pass-1")


def test_change_password_cli_as_iam_user(root_cli, root_iam):
    key_id, secret = user_with_key(root_iam, "dave")
    root_iam.create_login_profile(UserName="dave", Password="Str0ng-Pass!")
    root_iam.attach_user_policy(UserName="dave", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    dave = Cli(root_cli.env["AWS_ENDPOINT_URL"], key_id, secret)
    assert "AccessDenied" in dave.fails("iam", "change-password", "--old-password", "wrong-Pass1!",
                                        "--new-password", "N3w-Pass!!x")
    dave.ok("iam", "change-password", "--old-password", "Str0ng-Pass!", "--new-password", "N3w-Pass!!x")
    assert "InvalidUserType" in root_cli.fails("iam", "change-password", "--old-password", "a", "--new-password", "b")


def test_seed_001_change_password_needs_an_allow(root_cli, root_iam):
    """Seed 001's riddle: ChangePassword is exempt from the force-MFA Deny but nothing in
    PowerUserAccess allows it; AWS's IAMUserChangePassword supplies the allow, and the
    change then succeeds with long-term keys."""
    john = setup_group(root_cli, SEED_001)
    root_iam.create_login_profile(UserName="john", Password="Initial-Pass-1", PasswordResetRequired=True)
    stderr = john.fails("iam", "change-password", "--old-password", "Initial-Pass-1",
                        "--new-password", "Changed-Pass-2")
    assert (f"User: arn:aws:iam::{ACCOUNT_ID}:user/john is not authorized to perform: iam:ChangePassword "
            f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/john because no identity-based policy allows "
            "the iam:ChangePassword action") in stderr
    root_cli.ok("iam", "attach-group-policy", "--group-name", "PowerConsultants",
                "--policy-arn", "arn:aws:iam::aws:policy/IAMUserChangePassword")
    john.ok("iam", "change-password", "--old-password", "Initial-Pass-1", "--new-password", "Changed-Pass-2")
    assert root_iam.get_login_profile(UserName="john")["LoginProfile"]["PasswordResetRequired"] is False


def test_account_alias_lifecycle(root_cli, root_iam):
    assert root_cli.ok("iam", "list-account-aliases") == {"AccountAliases": []}
    assert "ValidationError" in root_cli.fails("iam", "create-account-alias", "--account-alias", "Bad_Alias")
    root_cli.ok("iam", "create-account-alias", "--account-alias", "example-corp")
    assert root_cli.ok("iam", "list-account-aliases")["AccountAliases"] == ["example-corp"]
    stderr = root_cli.fails("iam", "create-account-alias", "--account-alias", "example-corp")
    assert "The account alias example-corp already exists." in stderr
    # One alias per account: a new one replaces the old.
    root_iam.create_account_alias(AccountAlias="renamed")
    assert root_iam.list_account_aliases()["AccountAliases"] == ["renamed"]
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_account_alias(AccountAlias="example-corp")
    assert error(excinfo)[0] == "NoSuchEntity"
    root_cli.ok("iam", "delete-account-alias", "--account-alias", "renamed")
    assert root_iam.list_account_aliases()["AccountAliases"] == []


def test_account_summary(root_cli, root_iam):
    root_iam.create_user(UserName="erin")
    summary = root_iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1 and summary["Groups"] == 0 and summary["Policies"] == 0
    assert (summary["AccountMFAEnabled"], summary["MFADevices"]) == (0, 0)
    assert (summary["UsersQuota"], summary["AccessKeysPerUserQuota"], summary["GroupsPerUserQuota"]) == (5000, 2, 10)
    assert root_cli.ok("iam", "get-account-summary")["SummaryMap"] == summary
