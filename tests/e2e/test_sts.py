"""STS through the AWS CLI and boto3, on the same endpoint as IAM."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, client
from mfa_cli import SessionCli


def test_get_caller_identity_for_root_user_and_session(root_cli):
    me = root_cli.ok("sts", "get-caller-identity")
    assert me == {"UserId": ACCOUNT_ID, "Account": ACCOUNT_ID, "Arn": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    creds = root_cli.ok("sts", "get-session-token", "--duration-seconds", "900")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    session = SessionCli(root_cli.env["AWS_ENDPOINT_URL"], creds)
    assert session.ok("sts", "get-caller-identity")["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    # No IAM without MFA, and GetSessionToken only with long-term keys.
    assert "InvalidClientTokenId" in session.fails("iam", "list-users")
    assert "Cannot call GetSessionToken with session credentials" in session.fails("sts", "get-session-token")


def test_assume_role_with_boto3_and_session_policy(endpoint, root_iam):
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/app"},
        "Action": "sts:AssumeRole"}]}
    # IAM binds the trusted user when the policy is saved: it must exist first.
    root_iam.create_user(UserName="app")
    role = root_iam.create_role(RoleName="Deployer", AssumeRolePolicyDocument=json.dumps(trust),
                                MaxSessionDuration=7200)["Role"]
    root_iam.attach_role_policy(RoleName="Deployer", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    key = root_iam.create_access_key(UserName="app")["AccessKey"]
    sts = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="sts")

    reply = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="deploy-42", DurationSeconds=7200)
    assumed = reply["AssumedRoleUser"]
    assert assumed["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Deployer/deploy-42"
    assert assumed["AssumedRoleId"] == f"{role['RoleId']}:deploy-42"
    creds = reply["Credentials"]
    iam = client(endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], token=creds["SessionToken"])
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["app"]
    with pytest.raises(ClientError) as denied:
        iam.create_user(UserName="x")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    who = client(endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], service="sts",
                 token=creds["SessionToken"]).get_caller_identity()
    assert who["UserId"] == f"{role['RoleId']}:deploy-42"

    # A session policy narrows the session to what both allow.
    narrow = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}
    reply = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="narrow", Policy=json.dumps(narrow))
    assert 0 < reply["PackedPolicySize"] <= 100
    creds = reply["Credentials"]
    iam = client(endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], token=creds["SessionToken"])
    assert iam.get_user(UserName="app")["User"]["UserName"] == "app"
    with pytest.raises(ClientError) as denied:
        iam.list_users()
    assert denied.value.response["Error"]["Code"] == "AccessDenied"

    # Beyond MaxSessionDuration, and a role that does not trust the caller.
    with pytest.raises(ClientError) as too_long:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="long", DurationSeconds=7201)
    assert too_long.value.response["Error"]["Code"] == "ValidationError"
    root_iam.create_user(UserName="other")
    other_key = root_iam.create_access_key(UserName="other")["AccessKey"]
    other = client(endpoint, other_key["AccessKeyId"], other_key["SecretAccessKey"], service="sts")
    with pytest.raises(ClientError) as untrusted:
        other.assume_role(RoleArn=role["Arn"], RoleSessionName="nope")
    assert untrusted.value.response["Error"]["Code"] == "AccessDenied"


def test_get_access_key_info(endpoint, root_iam):
    root_iam.create_user(UserName="app")
    key = root_iam.create_access_key(UserName="app")["AccessKey"]
    sts = client(endpoint, ROOT_KEY_ID, ROOT_SECRET, service="sts")
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == ACCOUNT_ID
    session = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=session["AccessKeyId"])["Account"] == ACCOUNT_ID
