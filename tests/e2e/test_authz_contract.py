"""The authorization contract through real clients: resource tags reach conditions, a
rename is authorized on the new ARN too, and an access key ID of another account answers
exactly as a key that does not exist (issue 10, items 2, 3 and 9)."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, Cli, ROOT_KEY_ID, ROOT_SECRET, client

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
PROTECTED = [{"Key": "protected", "Value": "true"}]


def user_with_policy(root_iam, name, document):
    root_iam.create_user(UserName=name)
    root_iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    return root_iam.create_access_key(UserName=name)["AccessKey"]


def denied(excinfo, action, resource):
    error = excinfo.value.response["Error"]
    assert error["Code"] == "AccessDenied", error
    assert f"iam:{action} on resource: {resource}" in error["Message"], error["Message"]


def test_a_deny_on_resource_tags_protects_tagged_users_roles_and_policies(endpoint, root_iam):
    guard = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}}},
        ],
    }
    key = user_with_policy(root_iam, "alice", guard)
    alice = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    root_iam.create_user(UserName="target", Tags=PROTECTED)
    root_iam.create_user(UserName="plain")
    root_iam.create_role(RoleName="guarded", AssumeRolePolicyDocument=json.dumps(TRUST), Tags=PROTECTED)
    policy = root_iam.create_policy(PolicyName="kept", PolicyDocument=json.dumps(DOC), Tags=PROTECTED)["Policy"]

    with pytest.raises(ClientError) as excinfo:
        alice.create_access_key(UserName="target")
    denied(excinfo, "CreateAccessKey", f"arn:aws:iam::{ACCOUNT_ID}:user/target")
    with pytest.raises(ClientError) as excinfo:
        alice.put_role_policy(RoleName="guarded", PolicyName="x", PolicyDocument=json.dumps(DOC))
    denied(excinfo, "PutRolePolicy", f"arn:aws:iam::{ACCOUNT_ID}:role/guarded")
    with pytest.raises(ClientError) as excinfo:
        alice.delete_role(RoleName="guarded")
    denied(excinfo, "DeleteRole", f"arn:aws:iam::{ACCOUNT_ID}:role/guarded")
    with pytest.raises(ClientError) as excinfo:
        alice.delete_policy(PolicyArn=policy["Arn"])
    denied(excinfo, "DeletePolicy", policy["Arn"])
    # Nothing was changed, and untagged resources stay reachable.
    assert root_iam.get_role(RoleName="guarded")["Role"]["RoleName"] == "guarded"
    assert root_iam.list_access_keys(UserName="target")["AccessKeyMetadata"] == []
    assert alice.create_access_key(UserName="plain")["AccessKey"]["UserName"] == "plain"


def test_update_user_into_admin_needs_permission_on_the_new_arn(endpoint, root_iam):
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:UpdateUser", "iam:UpdateGroup"],
                       "NotResource": [f"arn:aws:iam::{ACCOUNT_ID}:user/admin/*",
                                       f"arn:aws:iam::{ACCOUNT_ID}:group/admin/*"]}],
    }
    key = user_with_policy(root_iam, "alice", document)
    cli = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    root_iam.create_user(UserName="mallory")
    stderr = cli.fails("iam", "update-user", "--user-name", "mallory", "--new-path", "/admin/")
    assert "AccessDenied" in stderr
    assert f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/admin/mallory" in stderr
    assert root_iam.get_user(UserName="mallory")["User"]["Path"] == "/"
    root_iam.create_group(GroupName="ops")
    stderr = cli.fails("iam", "update-group", "--group-name", "ops", "--new-path", "/admin/")
    assert f"on resource: arn:aws:iam::{ACCOUNT_ID}:group/admin/ops" in stderr
    cli.ok("iam", "update-group", "--group-name", "ops", "--new-path", "/teams/")
    assert root_iam.get_group(GroupName="ops")["Group"]["Path"] == "/teams/"
    # A rename keeps the members.
    root_iam.add_user_to_group(GroupName="ops", UserName="mallory")
    root_iam.update_group(GroupName="ops", NewGroupName="operations")
    renamed = root_iam.get_group(GroupName="operations")
    assert renamed["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/teams/operations"
    assert [u["UserName"] for u in renamed["Users"]] == ["mallory"]


def test_another_accounts_access_key_answers_as_a_missing_one(endpoint, root_iam):
    # A member account of the organization, with a user and an access key of its own.
    orgs = client(endpoint, ROOT_KEY_ID, ROOT_SECRET, service="organizations")
    orgs.create_organization(FeatureSet="ALL")
    member = orgs.create_account(Email="dev@example.com", AccountName="dev")["CreateAccountStatus"]["AccountId"]
    # Roles may not be assumed by root: an administrator of the management account does it.
    root_iam.create_user(UserName="admin")
    root_iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    admin = root_iam.create_access_key(UserName="admin")["AccessKey"]
    sts = client(endpoint, admin["AccessKeyId"], admin["SecretAccessKey"], service="sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                            RoleSessionName="setup")["Credentials"]
    member_iam = client(endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], token=creds["SessionToken"])
    member_iam.create_user(UserName="secret-owner")
    foreign = member_iam.create_access_key(UserName="secret-owner")["AccessKey"]["AccessKeyId"]
    missing = "AKIAIOSFODNN7MISSING"

    # Without permission: the same AccessDenied, naming the caller, never the owner.
    key = user_with_policy(root_iam, "alice", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}],
    })
    alice = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    answers = []
    for key_id in (foreign, missing):
        with pytest.raises(ClientError) as excinfo:
            alice.get_access_key_last_used(AccessKeyId=key_id)
        error = excinfo.value.response["Error"]
        assert member not in error["Message"] and "secret-owner" not in error["Message"], error
        answers.append((error["Code"], error["Message"].replace(key_id, "KEY")))
    assert answers[0] == answers[1]

    # With permission (root): NoSuchEntity for both, word for word.
    for call in (
        lambda k: root_iam.get_access_key_last_used(AccessKeyId=k),
        lambda k: root_iam.update_access_key(AccessKeyId=k, Status="Inactive"),
        lambda k: root_iam.delete_access_key(AccessKeyId=k),
    ):
        answers = []
        for key_id in (foreign, missing):
            with pytest.raises(ClientError) as excinfo:
                call(key_id)
            error = excinfo.value.response["Error"]
            answers.append((error["Code"], error["Message"].replace(key_id, "KEY")))
        assert answers[0] == answers[1]
        assert answers[0][0] == "NoSuchEntity"
    # The member's key is untouched.
    listed = member_iam.list_access_keys(UserName="secret-owner")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(foreign, "Active")]
