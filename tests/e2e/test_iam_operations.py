"""Every IAM operation in the server's dispatch table (crates/ironiam-server/src/iam.rs),
driven through the real AWS CLI and boto3: users, access keys, managed policies and
their versions, attachments, inline policies, groups and user permissions boundaries.
Roles, tags, passwords, login profiles and the account alias are in the other modules;
`test_every_operation_is_driven_by_both_clients` checks the union."""

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, Cli, client, free_port

ROOT = Path(__file__).resolve().parents[2]
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
IAM_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def doc(sid):
    return json.dumps({**DOC, "Statement": [{**DOC["Statement"][0], "Sid": sid}]})


# ---------------------------------------------------------------- users


def test_user_lifecycle_cli(root_cli):
    created = root_cli.ok("iam", "create-user", "--user-name", "alice", "--path", "/eng/",
                          "--tags", "Key=team,Value=blue")["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/eng/alice"
    assert (created["UserName"], created["Path"]) == ("alice", "/eng/")
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", created["CreateDate"])
    got = root_cli.ok("iam", "get-user", "--user-name", "alice")["User"]
    assert (got["UserId"], got["Arn"]) == (created["UserId"], created["Arn"])
    assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
    root_cli.ok("iam", "create-user", "--user-name", "bob")
    assert [u["UserName"] for u in root_cli.ok("iam", "list-users")["Users"]] == ["alice", "bob"]
    assert [u["UserName"] for u in root_cli.ok("iam", "list-users", "--path-prefix", "/eng/")["Users"]] == ["alice"]
    assert "EntityAlreadyExists" in root_cli.fails("iam", "create-user", "--user-name", "ALICE")
    root_cli.ok("iam", "update-user", "--user-name", "alice", "--new-user-name", "alicia", "--new-path", "/ops/")
    renamed = root_cli.ok("iam", "get-user", "--user-name", "alicia")["User"]
    assert renamed["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/ops/alicia"
    assert renamed["UserId"] == created["UserId"]
    stderr = root_cli.fails("iam", "get-user", "--user-name", "alice")
    assert "NoSuchEntity" in stderr and "The user with name alice cannot be found." in stderr
    root_cli.ok("iam", "create-access-key", "--user-name", "alicia")
    stderr = root_cli.fails("iam", "delete-user", "--user-name", "alicia")
    assert "DeleteConflict" in stderr and "must delete access keys first" in stderr
    root_cli.ok("iam", "delete-user", "--user-name", "bob")
    assert [u["UserName"] for u in root_cli.ok("iam", "list-users")["Users"]] == ["alicia"]


def test_user_lifecycle_boto3(root_iam, endpoint):
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        root_iam.create_user(UserName=name, Path="/p/" if name in ("u2", "u4") else "/")
    first = root_iam.list_users(MaxItems=2)
    assert first["IsTruncated"] is True and [u["UserName"] for u in first["Users"]] == ["u1", "u2"]
    pages = list(root_iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2}))
    assert [[u["UserName"] for u in p["Users"]] for p in pages] == [["u1", "u2"], ["u3", "u4"], ["u5"]]
    limited = root_iam.get_paginator("list_users").paginate(PaginationConfig={"MaxItems": 3, "PageSize": 2})
    assert [u["UserName"] for u in limited.build_full_result()["Users"]] == ["u1", "u2", "u3"]
    assert [u["UserName"] for u in root_iam.list_users(PathPrefix="/p/")["Users"]] == ["u2", "u4"]
    got = root_iam.get_user(UserName="u2")["User"]
    assert got["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/p/u2" and got["Path"] == "/p/"
    root_iam.update_user(UserName="u2", NewPath="/q/")
    assert root_iam.get_user(UserName="u2")["User"]["Path"] == "/q/"
    root_iam.update_user(UserName="u2", NewUserName="u22")
    # GetUser without a name describes the calling IAM user.
    key = root_iam.create_access_key(UserName="u22")["AccessKey"]
    me = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    root_iam.attach_user_policy(UserName="u22", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert me.get_user()["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/q/u22"
    root_iam.put_user_policy(UserName="u1", PolicyName="inl", PolicyDocument=json.dumps(DOC))
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_user(UserName="u1")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete policies first.")
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_user(UserName="u22")
    assert error(excinfo)[0] == "DeleteConflict"
    root_iam.delete_user(UserName="u3")
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_user(UserName="u3")
    assert error(excinfo) == ("NoSuchEntity", "The user with name u3 cannot be found.")


def test_get_user_without_name_as_iam_user_cli(root_cli, root_iam):
    root_iam.create_user(UserName="carol", Path="/x/")
    root_iam.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    key = root_iam.create_access_key(UserName="carol")["AccessKey"]
    carol = Cli(root_cli.env["AWS_ENDPOINT_URL"], key["AccessKeyId"], key["SecretAccessKey"])
    user = carol.ok("iam", "get-user")["User"]
    assert (user["UserName"], user["Arn"]) == ("carol", f"arn:aws:iam::{ACCOUNT_ID}:user/x/carol")


def test_user_name_too_long(root_cli, root_iam):
    name = "a" * 65
    message = (f"1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: "
               "Member must have length less than or equal to 64")
    stderr = root_cli.fails("iam", "create-user", "--user-name", name)
    assert "ValidationError" in stderr and message in stderr
    loose = boto3.client("iam", endpoint_url=root_iam.meta.endpoint_url, region_name=REGION,
                         aws_access_key_id=ROOT_KEY_ID, aws_secret_access_key=ROOT_SECRET,
                         config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as excinfo:
        loose.create_user(UserName=name)
    assert error(excinfo) == ("ValidationError", message)


# ---------------------------------------------------------------- access keys


def test_access_keys_cli(root_cli):
    root_cli.ok("iam", "create-user", "--user-name", "dan")
    first = root_cli.ok("iam", "create-access-key", "--user-name", "dan")["AccessKey"]
    assert first["UserName"] == "dan" and first["Status"] == "Active"
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40
    second = root_cli.ok("iam", "create-access-key", "--user-name", "dan")["AccessKey"]
    stderr = root_cli.fails("iam", "create-access-key", "--user-name", "dan")
    assert "LimitExceeded" in stderr and "Cannot exceed quota for AccessKeysPerUser: 2" in stderr
    listed = root_cli.ok("iam", "list-access-keys", "--user-name", "dan")["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted([first["AccessKeyId"], second["AccessKeyId"]])
    assert all(set(k) == {"UserName", "AccessKeyId", "Status", "CreateDate"} for k in listed)
    dan = Cli(root_cli.env["AWS_ENDPOINT_URL"], first["AccessKeyId"], first["SecretAccessKey"])
    root_cli.ok("iam", "attach-user-policy", "--user-name", "dan",
                "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert dan.ok("iam", "get-user")["User"]["UserName"] == "dan"
    used = root_cli.ok("iam", "get-access-key-last-used", "--access-key-id", first["AccessKeyId"])
    assert used["UserName"] == "dan"
    assert used["AccessKeyLastUsed"]["ServiceName"] == "iam"
    assert used["AccessKeyLastUsed"]["Region"] == "us-east-1"
    assert "LastUsedDate" in used["AccessKeyLastUsed"]
    root_cli.ok("iam", "update-access-key", "--user-name", "dan", "--access-key-id", first["AccessKeyId"],
                "--status", "Inactive")
    stderr = dan.fails("iam", "get-user")
    assert "InvalidClientTokenId" in stderr
    statuses = {k["AccessKeyId"]: k["Status"]
                for k in root_cli.ok("iam", "list-access-keys", "--user-name", "dan")["AccessKeyMetadata"]}
    assert statuses == {first["AccessKeyId"]: "Inactive", second["AccessKeyId"]: "Active"}
    root_cli.ok("iam", "delete-access-key", "--user-name", "dan", "--access-key-id", first["AccessKeyId"])
    listed = root_cli.ok("iam", "list-access-keys", "--user-name", "dan")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [second["AccessKeyId"]]
    assert "NoSuchEntity" in root_cli.fails("iam", "delete-access-key", "--user-name", "dan",
                                             "--access-key-id", first["AccessKeyId"])


def test_access_keys_boto3(root_iam, endpoint):
    root_iam.create_user(UserName="eve")
    key = root_iam.create_access_key(UserName="eve")["AccessKey"]
    root_iam.create_access_key(UserName="eve")
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_access_key(UserName="eve")
    assert error(excinfo) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
    never = root_iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert never["UserName"] == "eve"
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    eve = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    root_iam.attach_user_policy(UserName="eve", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert len(eve.list_access_keys()["AccessKeyMetadata"]) == 2
    used = root_iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")
    root_iam.update_access_key(UserName="eve", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        eve.get_user()
    assert error(excinfo)[0] == "InvalidClientTokenId"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    root_iam.update_access_key(UserName="eve", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert eve.get_user()["User"]["UserName"] == "eve"
    root_iam.delete_access_key(UserName="eve", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as excinfo:
        eve.get_user()
    assert error(excinfo)[0] == "InvalidClientTokenId"
    assert len(root_iam.list_access_keys(UserName="eve")["AccessKeyMetadata"]) == 1


# ---------------------------------------------------------------- managed policies


def test_managed_policy_versions_cli(root_cli):
    policy = root_cli.ok("iam", "create-policy", "--policy-name", "p", "--path", "/team/",
                         "--description", "desc", "--policy-document", json.dumps(DOC))["Policy"]
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/team/p"
    assert (policy["Arn"], policy["DefaultVersionId"], policy["AttachmentCount"]) == (arn, "v1", 0)
    assert policy["PolicyId"].startswith("ANPA") and policy["IsAttachable"] is True
    got = root_cli.ok("iam", "get-policy", "--policy-arn", arn)["Policy"]
    assert (got["PolicyName"], got["Path"], got["Description"]) == ("p", "/team/", "desc")
    for i in range(2, 6):
        version = root_cli.ok("iam", "create-policy-version", "--policy-arn", arn,
                              "--policy-document", doc(f"v{i}"))["PolicyVersion"]
        assert (version["VersionId"], version["IsDefaultVersion"]) == (f"v{i}", False)
    stderr = root_cli.fails("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", doc("x"))
    assert "LimitExceeded" in stderr and "A managed policy can have up to 5 versions." in stderr
    root_cli.ok("iam", "set-default-policy-version", "--policy-arn", arn, "--version-id", "v3")
    assert root_cli.ok("iam", "get-policy", "--policy-arn", arn)["Policy"]["DefaultVersionId"] == "v3"
    versions = root_cli.ok("iam", "list-policy-versions", "--policy-arn", arn)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v1", "v2", "v3", "v4", "v5"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v3"]
    got = root_cli.ok("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v3")["PolicyVersion"]
    assert got["Document"] == json.loads(doc("v3")) and got["IsDefaultVersion"] is True
    stderr = root_cli.fails("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v3")
    assert "DeleteConflict" in stderr and "Cannot delete the default version of a policy." in stderr
    root_cli.ok("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v1")
    versions = root_cli.ok("iam", "list-policy-versions", "--policy-arn", arn)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v2", "v3", "v4", "v5"]
    assert "NoSuchEntity" in root_cli.fails("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")
    listed = root_cli.ok("iam", "list-policies", "--scope", "Local")["Policies"]
    assert [p["Arn"] for p in listed] == [arn]
    aws = root_cli.ok("iam", "list-policies", "--scope", "AWS")["Policies"]
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in [p["Arn"] for p in aws]
    assert root_cli.ok("iam", "list-policies", "--only-attached", "--scope", "Local")["Policies"] == []
    root_cli.ok("iam", "create-user", "--user-name", "u")
    root_cli.ok("iam", "attach-user-policy", "--user-name", "u", "--policy-arn", arn)
    attached = root_cli.ok("iam", "list-policies", "--only-attached")["Policies"]
    assert [(p["Arn"], p["AttachmentCount"]) for p in attached] == [(arn, 1)]
    stderr = root_cli.fails("iam", "delete-policy", "--policy-arn", arn)
    assert "DeleteConflict" in stderr and "Cannot delete a policy attached to entities." in stderr
    root_cli.ok("iam", "detach-user-policy", "--user-name", "u", "--policy-arn", arn)
    stderr = root_cli.fails("iam", "delete-policy", "--policy-arn", arn)
    assert "DeleteConflict" in stderr and "you must delete the policy's versions" in stderr
    for version in ("v2", "v4", "v5"):
        root_cli.ok("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", version)
    root_cli.ok("iam", "delete-policy", "--policy-arn", arn)
    assert "NoSuchEntity" in root_cli.fails("iam", "get-policy", "--policy-arn", arn)


def test_managed_policy_versions_boto3(root_iam):
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:policy/p"
    for i in range(2, 6):
        root_iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(f"v{i}"), SetAsDefault=(i == 4))
    assert root_iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v4"
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc("x"))
    assert error(excinfo) == ("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a "
                              "new version, you must delete an existing version.")
    root_iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
    versions = root_iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert {v["VersionId"]: v["IsDefaultVersion"] for v in versions} == {
        "v1": False, "v2": True, "v3": False, "v4": False, "v5": False}
    assert root_iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"] == json.loads(doc("v2"))
    assert root_iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == DOC
    root_iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
    version = root_iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc("v6"))["PolicyVersion"]
    assert version["VersionId"] == "v6"
    with pytest.raises(ClientError) as excinfo:
        root_iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    assert error(excinfo)[0] == "NoSuchEntity"
    local = root_iam.list_policies(Scope="Local")["Policies"]
    assert [(p["PolicyName"], p["DefaultVersionId"]) for p in local] == [("p", "v2")]
    pages = list(root_iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={"PageSize": 3}))
    assert len(pages) > 1 and all(p["Arn"].startswith("arn:aws:iam::aws:policy/")
                                  for page in pages for p in page["Policies"])
    root_iam.create_group(GroupName="g")
    root_iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    assert [p["Arn"] for p in root_iam.list_policies(OnlyAttached=True)["Policies"]] == [arn]
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", "Cannot delete a policy attached to entities.")
    root_iam.detach_group_policy(GroupName="g", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_policy(PolicyArn=arn)
    assert error(excinfo) == ("DeleteConflict", "This policy has more than one version. Before you delete a "
                              "policy, you must delete the policy's versions. The default version is deleted "
                              "with the policy.")
    for version in ("v1", "v3", "v4", "v6"):
        root_iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    root_iam.delete_policy(PolicyArn=arn)
    assert root_iam.list_policies(Scope="Local")["Policies"] == []


def test_malformed_managed_policy(root_cli, root_iam):
    bad = '{"Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}'
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_policy(PolicyName="bad", PolicyDocument=bad)
    code, message = error(excinfo)
    assert code == "MalformedPolicyDocument" and re.search(r"\(at line \d+, column \d+\)", message)
    stderr = root_cli.fails("iam", "create-policy", "--policy-name", "bad", "--policy-document", bad)
    assert "MalformedPolicyDocument" in stderr


# ---------------------------------------------------------------- attachments


def test_attach_detach_list_attached_cli(root_cli):
    root_cli.ok("iam", "create-user", "--user-name", "u")
    root_cli.ok("iam", "create-group", "--group-name", "g")
    arn = root_cli.ok("iam", "create-policy", "--policy-name", "p",
                      "--policy-document", json.dumps(DOC))["Policy"]["Arn"]
    for kind, flag, name in (("user", "--user-name", "u"), ("group", "--group-name", "g")):
        root_cli.ok("iam", f"attach-{kind}-policy", flag, name, "--policy-arn", arn)
        root_cli.ok("iam", f"attach-{kind}-policy", flag, name,
                    "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        attached = root_cli.ok("iam", f"list-attached-{kind}-policies", flag, name)["AttachedPolicies"]
        assert sorted((p["PolicyName"], p["PolicyArn"]) for p in attached) == [
            ("IAMReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"), ("p", arn)]
        root_cli.ok("iam", f"detach-{kind}-policy", flag, name, "--policy-arn", arn)
        attached = root_cli.ok("iam", f"list-attached-{kind}-policies", flag, name)["AttachedPolicies"]
        assert [p["PolicyName"] for p in attached] == ["IAMReadOnlyAccess"]
        stderr = root_cli.fails("iam", f"detach-{kind}-policy", flag, name, "--policy-arn", arn)
        assert "NoSuchEntity" in stderr
    assert root_cli.ok("iam", "get-policy", "--policy-arn", arn)["Policy"]["AttachmentCount"] == 0


def test_attach_detach_list_attached_boto3(root_iam):
    root_iam.create_user(UserName="u")
    root_iam.create_group(GroupName="g")
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root_iam.attach_user_policy(UserName="u", PolicyArn=arn)
    root_iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    assert root_iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 2
    assert root_iam.list_attached_user_policies(UserName="u")["AttachedPolicies"] == [
        {"PolicyName": "p", "PolicyArn": arn}]
    assert root_iam.list_attached_group_policies(GroupName="g")["AttachedPolicies"] == [
        {"PolicyName": "p", "PolicyArn": arn}]
    with pytest.raises(ClientError) as excinfo:
        root_iam.attach_user_policy(UserName="u", PolicyArn=f"arn:aws:iam::{ACCOUNT_ID}:policy/none")
    assert error(excinfo)[0] == "NoSuchEntity"
    root_iam.detach_user_policy(UserName="u", PolicyArn=arn)
    root_iam.detach_group_policy(GroupName="g", PolicyArn=arn)
    assert root_iam.list_attached_user_policies(UserName="u")["AttachedPolicies"] == []
    assert root_iam.list_attached_group_policies(GroupName="g")["AttachedPolicies"] == []


# ---------------------------------------------------------------- inline policies


@pytest.mark.parametrize("kind", ["user", "group"])
def test_inline_policies_cli(root_cli, kind):
    flag = f"--{kind}-name"
    root_cli.ok("iam", f"create-{kind}", flag, "x")
    root_cli.ok("iam", f"put-{kind}-policy", flag, "x", "--policy-name", "b", "--policy-document", json.dumps(DOC))
    root_cli.ok("iam", f"put-{kind}-policy", flag, "x", "--policy-name", "a", "--policy-document", doc("A"))
    got = root_cli.ok("iam", f"get-{kind}-policy", flag, "x", "--policy-name", "b")
    key = {"user": "UserName", "group": "GroupName"}[kind]
    assert (got[key], got["PolicyName"], got["PolicyDocument"]) == ("x", "b", DOC)
    assert root_cli.ok("iam", f"list-{kind}-policies", flag, "x")["PolicyNames"] == ["a", "b"]
    bad = '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",\n "Bogus": 1}]}'
    stderr = root_cli.fails("iam", f"put-{kind}-policy", flag, "x", "--policy-name", "c", "--policy-document", bad)
    assert "MalformedPolicyDocument" in stderr and re.search(r"\(at line 3, column 2\b", stderr)
    root_cli.ok("iam", f"delete-{kind}-policy", flag, "x", "--policy-name", "a")
    assert root_cli.ok("iam", f"list-{kind}-policies", flag, "x")["PolicyNames"] == ["b"]
    stderr = root_cli.fails("iam", f"get-{kind}-policy", flag, "x", "--policy-name", "a")
    assert "NoSuchEntity" in stderr


@pytest.mark.parametrize("kind", ["user", "group"])
def test_inline_policies_boto3(root_iam, kind):
    key = {"user": "UserName", "group": "GroupName"}[kind]
    getattr(root_iam, f"create_{kind}")(**{key: "x"})
    put = getattr(root_iam, f"put_{kind}_policy")
    put(**{key: "x"}, PolicyName="p", PolicyDocument=json.dumps(DOC))
    put(**{key: "x"}, PolicyName="p", PolicyDocument=doc("replaced"))
    got = getattr(root_iam, f"get_{kind}_policy")(**{key: "x"}, PolicyName="p")
    assert got["PolicyDocument"] == json.loads(doc("replaced"))
    assert getattr(root_iam, f"list_{kind}_policies")(**{key: "x"})["PolicyNames"] == ["p"]
    bad = '{"Version": "2012-10-17",\n"Statement": {"Effect": "Allow", "Action": "s3:*"}}'
    with pytest.raises(ClientError) as excinfo:
        put(**{key: "x"}, PolicyName="q", PolicyDocument=bad)
    code, message = error(excinfo)
    assert code == "MalformedPolicyDocument" and re.search(r"\(at line 2, column \d+\)", message)
    getattr(root_iam, f"delete_{kind}_policy")(**{key: "x"}, PolicyName="p")
    assert getattr(root_iam, f"list_{kind}_policies")(**{key: "x"})["PolicyNames"] == []
    with pytest.raises(ClientError) as excinfo:
        getattr(root_iam, f"delete_{kind}_policy")(**{key: "x"}, PolicyName="p")
    assert error(excinfo)[0] == "NoSuchEntity"


# ---------------------------------------------------------------- groups


def test_groups_cli(root_cli):
    group = root_cli.ok("iam", "create-group", "--group-name", "devs", "--path", "/eng/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/eng/devs" and group["GroupId"].startswith("AGPA")
    root_cli.ok("iam", "create-group", "--group-name", "ops")
    assert "EntityAlreadyExists" in root_cli.fails("iam", "create-group", "--group-name", "DEVS")
    assert [g["GroupName"] for g in root_cli.ok("iam", "list-groups")["Groups"]] == ["devs", "ops"]
    assert [g["GroupName"] for g in root_cli.ok("iam", "list-groups", "--path-prefix", "/eng/")["Groups"]] == ["devs"]
    root_cli.ok("iam", "create-user", "--user-name", "u")
    root_cli.ok("iam", "add-user-to-group", "--group-name", "devs", "--user-name", "u")
    root_cli.ok("iam", "add-user-to-group", "--group-name", "ops", "--user-name", "u")
    got = root_cli.ok("iam", "get-group", "--group-name", "devs")
    assert got["Group"]["GroupId"] == group["GroupId"] and [u["UserName"] for u in got["Users"]] == ["u"]
    groups = root_cli.ok("iam", "list-groups-for-user", "--user-name", "u")["Groups"]
    assert [g["GroupName"] for g in groups] == ["devs", "ops"]
    stderr = root_cli.fails("iam", "delete-group", "--group-name", "devs")
    assert "DeleteConflict" in stderr and "Cannot delete entity, must remove users from group first." in stderr
    root_cli.ok("iam", "remove-user-from-group", "--group-name", "devs", "--user-name", "u")
    assert root_cli.ok("iam", "get-group", "--group-name", "devs")["Users"] == []
    root_cli.ok("iam", "delete-group", "--group-name", "devs")
    stderr = root_cli.fails("iam", "get-group", "--group-name", "devs")
    assert "NoSuchEntity" in stderr and "The group with name devs cannot be found." in stderr


def test_groups_boto3(root_iam):
    root_iam.create_group(GroupName="g1")
    root_iam.create_group(GroupName="g2", Path="/p/")
    for name in ("a", "b", "c"):
        root_iam.create_user(UserName=name)
        root_iam.add_user_to_group(GroupName="g1", UserName=name)
    got = root_iam.get_group(GroupName="g1")
    assert got["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/g1"
    assert [u["UserName"] for u in got["Users"]] == ["a", "b", "c"]
    pages = list(root_iam.get_paginator("get_group").paginate(GroupName="g1", PaginationConfig={"PageSize": 2}))
    assert [[u["UserName"] for u in p["Users"]] for p in pages] == [["a", "b"], ["c"]]
    assert [g["GroupName"] for g in root_iam.list_groups()["Groups"]] == ["g1", "g2"]
    assert [g["GroupName"] for g in root_iam.list_groups(PathPrefix="/p/")["Groups"]] == ["g2"]
    root_iam.add_user_to_group(GroupName="g2", UserName="a")
    assert [g["GroupName"] for g in root_iam.list_groups_for_user(UserName="a")["Groups"]] == ["g1", "g2"]
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_user(UserName="a")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must remove user from all groups first.")
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_group(GroupName="g1")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must remove users from group first.")
    root_iam.remove_user_from_group(GroupName="g2", UserName="a")
    assert [g["GroupName"] for g in root_iam.list_groups_for_user(UserName="a")["Groups"]] == ["g1"]
    root_iam.put_group_policy(GroupName="g2", PolicyName="inl", PolicyDocument=json.dumps(DOC))
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_group(GroupName="g2")
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete policies first.")
    root_iam.delete_group_policy(GroupName="g2", PolicyName="inl")
    root_iam.delete_group(GroupName="g2")
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_group(GroupName="g2")
    assert error(excinfo) == ("NoSuchEntity", "The group with name g2 cannot be found.")


# ---------------------------------------------------------------- permissions boundaries


def boundary_setup(root_iam, endpoint):
    """A user allowed iam:* whose boundary only allows reading users."""
    root_iam.create_user(UserName="bounded")
    root_iam.put_user_policy(UserName="bounded", PolicyName="all", PolicyDocument=json.dumps(IAM_ALL))
    boundary = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers"], "Resource": "*"}]}
    arn = root_iam.create_policy(PolicyName="boundary", PolicyDocument=json.dumps(boundary))["Policy"]["Arn"]
    key = root_iam.create_access_key(UserName="bounded")["AccessKey"]
    return arn, key


def test_user_permissions_boundary_boto3(root_iam, endpoint):
    arn, key = boundary_setup(root_iam, endpoint)
    me = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    me.create_group(GroupName="before")
    root_iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=arn)
    assert root_iam.get_user(UserName="bounded")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    assert me.get_user()["User"]["UserName"] == "bounded"
    with pytest.raises(ClientError) as excinfo:
        me.create_group(GroupName="after")
    code, message = error(excinfo)
    assert code == "AccessDenied"
    assert message == (f"User: arn:aws:iam::{ACCOUNT_ID}:user/bounded is not authorized to perform: "
                       f"iam:CreateGroup on resource: arn:aws:iam::{ACCOUNT_ID}:group/after "
                       "because no permissions boundary allows the iam:CreateGroup action")
    root_iam.delete_user_permissions_boundary(UserName="bounded")
    assert "PermissionsBoundary" not in root_iam.get_user(UserName="bounded")["User"]
    me.create_group(GroupName="after")
    with pytest.raises(ClientError) as excinfo:
        root_iam.put_user_permissions_boundary(UserName="bounded",
                                               PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_ID}:policy/none")
    assert error(excinfo)[0] == "NoSuchEntity"


def test_user_permissions_boundary_cli(root_cli, root_iam, endpoint):
    arn, key = boundary_setup(root_iam, endpoint)
    me = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    root_cli.ok("iam", "put-user-permissions-boundary", "--user-name", "bounded", "--permissions-boundary", arn)
    assert root_cli.ok("iam", "get-user", "--user-name", "bounded")["User"]["PermissionsBoundary"][
        "PermissionsBoundaryArn"] == arn
    assert [u["UserName"] for u in me.ok("iam", "list-users")["Users"]] == ["bounded"]
    stderr = me.fails("iam", "list-groups")
    assert "AccessDenied" in stderr
    assert "because no permissions boundary allows the iam:ListGroups action" in stderr
    root_cli.ok("iam", "delete-user-permissions-boundary", "--user-name", "bounded")
    assert "PermissionsBoundary" not in root_cli.ok("iam", "get-user", "--user-name", "bounded")["User"]
    assert me.ok("iam", "list-groups")["Groups"] == []


# ---------------------------------------------------------------- the other client for roles


TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def test_role_operations_with_the_other_client(root_cli, root_iam):
    """test_roles_and_tags drives these role operations through one client; this one
    drives each through the other."""
    root_iam.create_role(RoleName="b", AssumeRolePolicyDocument=json.dumps(TRUST))
    root_iam.create_role(RoleName="a", Path="/svc/", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert [r["RoleName"] for r in root_iam.list_roles()["Roles"]] == ["a", "b"]
    assert [r["RoleName"] for r in root_iam.list_roles(PathPrefix="/svc/")["Roles"]] == ["a"]
    role = root_iam.update_role_description(RoleName="a", Description="described")["Role"]
    assert (role["RoleName"], role["Description"]) == ("a", "described")
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root_iam.put_role_permissions_boundary(RoleName="a", PermissionsBoundary=arn)
    assert root_cli.ok("iam", "get-role", "--role-name", "a")["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    root_cli.ok("iam", "delete-role-permissions-boundary", "--role-name", "a")
    assert "PermissionsBoundary" not in root_iam.get_role(RoleName="a")["Role"]
    root_iam.attach_role_policy(RoleName="a", PolicyArn=arn)
    attached = root_cli.ok("iam", "list-attached-role-policies", "--role-name", "a")["AttachedPolicies"]
    assert attached == [{"PolicyName": "p", "PolicyArn": arn}]
    root_cli.ok("iam", "detach-role-policy", "--role-name", "a", "--policy-arn", arn)
    assert root_iam.list_attached_role_policies(RoleName="a")["AttachedPolicies"] == []
    root_iam.put_role_policy(RoleName="a", PolicyName="inl", PolicyDocument=json.dumps(DOC))
    got = root_cli.ok("iam", "get-role-policy", "--role-name", "a", "--policy-name", "inl")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == ("a", "inl", DOC)
    assert root_iam.list_role_policies(RoleName="a")["PolicyNames"] == ["inl"]
    root_iam.update_account_password_policy(MinimumPasswordLength=8)
    assert root_iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 8
    root_iam.delete_account_password_policy()
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_account_password_policy()
    assert error(excinfo) == ("NoSuchEntity", f"The Password Policy with domain name {ACCOUNT_ID} cannot be found.")


# ---------------------------------------------------------------- coverage


def dispatched_operations():
    source = (ROOT / "crates" / "ironiam-server" / "src" / "iam.rs").read_text()
    return re.findall(r'\("([A-Z][A-Za-z]+)", [a-z_]+::[a-z_]+\)', source)


def snake(name):
    # botocore's own name mapping, which keeps acronyms whole: CreateVirtualMFADevice
    # is create_virtual_mfa_device (and the CLI's create-virtual-mfa-device).
    return xform_name(name)


def test_every_operation_is_driven_by_both_clients():
    """Every dispatched operation appears as an AWS CLI command and as a boto3 call (a
    method call or a paginator) somewhere in tests/e2e. Parametrised names (f"tag-{kind}")
    are expanded by hand below."""
    operations = dispatched_operations()
    assert len(operations) > 70
    text = "\n".join(p.read_text() for p in sorted((ROOT / "tests" / "e2e").glob("test_*.py")))
    # Names these modules build with f-strings over a `kind`.
    expanded = set()
    for kind, kinds in (("kind", ("user", "role", "policy", "group")),):
        for template in re.findall(r'f"([a-z_-]*\{kind\}[a-z_-]*)"', text):
            for value in kinds:
                expanded.add(template.replace("{kind}", value))
    missing = []
    for op in operations:
        cli_name = snake(op).replace("_", "-")
        py_name = snake(op)
        cli = f'"{cli_name}"' in text or cli_name in expanded
        py = f".{py_name}(" in text or f'"{py_name}"' in text or py_name in expanded
        if not (cli and py):
            missing.append((op, "cli" if cli else "NO CLI", "boto3" if py else "NO BOTO3"))
    assert missing == []


# ---------------------------------------------------------------- --managed-policies-dir


def test_managed_policies_dir(tmp_path):
    """`serve --managed-policies-dir` adds AWS managed policies next to the bundled ones,
    replaces a bundled one with the same ARN, and refuses to start on a bad file."""
    bundled = json.loads((ROOT / "data" / "aws-managed-policies" / "IAMReadOnlyAccess.json").read_text())
    (tmp_path / "IAMReadOnlyAccess.json").write_text(json.dumps({**bundled, "Description": "replaced"}))
    (tmp_path / "SqsReader.json").write_text(json.dumps({
        **bundled, "PolicyName": "SqsReader", "Arn": "arn:aws:iam::aws:policy/SqsReader", "DefaultVersionId": "v2",
        "Document": {"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}]}}))
    binary = os.environ.get("IRONIAM_BIN", str(ROOT / "target" / "debug" / "ironiam"))
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    args = [binary, "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}", "--account-id", ACCOUNT_ID,
            "--root-access-key-id", ROOT_KEY_ID, "--root-secret-access-key", ROOT_SECRET]
    env = {**os.environ, "IRONIAM_MANAGED_POLICIES_DIR": str(tmp_path)}
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/health", timeout=1):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        cli = Cli(endpoint, ROOT_KEY_ID, ROOT_SECRET)
        policy = cli.ok("iam", "get-policy", "--policy-arn", "arn:aws:iam::aws:policy/SqsReader")["Policy"]
        assert (policy["PolicyName"], policy["DefaultVersionId"]) == ("SqsReader", "v2")
        version = cli.ok("iam", "get-policy-version", "--policy-arn", "arn:aws:iam::aws:policy/SqsReader",
                         "--version-id", "v2")["PolicyVersion"]
        assert version["Document"]["Statement"][0]["Action"] == "sqs:ReceiveMessage"
        iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
        replaced = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")["Policy"]
        assert replaced["Description"] == "replaced"
        names = [p["PolicyName"] for p in iam.list_policies(Scope="AWS")["Policies"]]
        assert names.count("IAMReadOnlyAccess") == 1 and "SqsReader" in names and "PowerUserAccess" in names
    finally:
        process.terminate()
        process.wait(timeout=10)
    (tmp_path / "Broken.json").write_text("{")
    failed = subprocess.run([*args, "--managed-policies-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=30)
    assert failed.returncode != 0
    assert f"managed policy file `{tmp_path / 'Broken.json'}`" in failed.stderr
