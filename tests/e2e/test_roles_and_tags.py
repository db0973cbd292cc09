"""Roles, role policies and boundaries, tags, ListEntitiesForPolicy and
GetAccountAuthorizationDetails, driven with the AWS CLI and boto3."""

import json

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from conftest import ACCOUNT_ID

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def error_message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def test_role_lifecycle_with_the_cli(root_cli):
    created = root_cli.ok("iam", "create-role", "--role-name", "app", "--path", "/svc/",
                          "--assume-role-policy-document", json.dumps(TRUST), "--description", "the app",
                          "--max-session-duration", "7200", "--tags", "Key=team,Value=red")["Role"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/svc/app"
    assert created["RoleId"].startswith("AROA")
    # The CLI decodes the URL-encoded document back into JSON.
    assert created["AssumeRolePolicyDocument"] == TRUST
    assert created["MaxSessionDuration"] == 7200
    got = root_cli.ok("iam", "get-role", "--role-name", "app")["Role"]
    assert got["RoleLastUsed"] == {}
    assert got["Tags"] == [{"Key": "team", "Value": "red"}]
    root_cli.ok("iam", "update-role", "--role-name", "app", "--max-session-duration", "43200")
    described = root_cli.ok("iam", "update-role-description", "--role-name", "app", "--description", "new")["Role"]
    assert (described["Description"], described["MaxSessionDuration"]) == ("new", 43200)
    trust = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}}]}
    root_cli.ok("iam", "update-assume-role-policy", "--role-name", "app", "--policy-document", json.dumps(trust))
    assert root_cli.ok("iam", "get-role", "--role-name", "app")["Role"]["AssumeRolePolicyDocument"] == trust
    root_cli.ok("iam", "create-role", "--role-name", "batch", "--assume-role-policy-document", json.dumps(TRUST))
    names = [r["RoleName"] for r in root_cli.ok("iam", "list-roles")["Roles"]]
    assert names == ["app", "batch"]
    prefixed = root_cli.ok("iam", "list-roles", "--path-prefix", "/svc/")["Roles"]
    assert [r["RoleName"] for r in prefixed] == ["app"]
    assert "EntityAlreadyExists" in root_cli.fails("iam", "create-role", "--role-name", "APP",
                                                    "--assume-role-policy-document", json.dumps(TRUST))
    root_cli.ok("iam", "delete-role", "--role-name", "app")
    stderr = root_cli.fails("iam", "get-role", "--role-name", "app")
    assert "NoSuchEntity" in stderr and "The role with name app cannot be found." in stderr


def test_trust_policy_validation_with_boto3(root_iam):
    with_resource = ('{"Version":"2012-10-17",\n"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},'
                     '"Action":"sts:AssumeRole","Resource":"*"}]}')
    with pytest.raises(ClientError) as excinfo:
        root_iam.create_role(RoleName="r", AssumeRolePolicyDocument=with_resource)
    assert error_code(excinfo) == "MalformedPolicyDocument"
    assert error_message(excinfo) == "Has prohibited field Resource (at line 2, column 82)"
    root_iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as excinfo:
        root_iam.update_assume_role_policy(RoleName="r", PolicyDocument=json.dumps(DOC))
    assert error_code(excinfo) == "MalformedPolicyDocument"
    big = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Sid": "a" * 2100}]}
    with pytest.raises(ClientError) as excinfo:
        root_iam.update_assume_role_policy(RoleName="r", PolicyDocument=json.dumps(big))
    assert error_code(excinfo) == "LimitExceeded"
    with pytest.raises(ParamValidationError):
        root_iam.update_role(RoleName="r", MaxSessionDuration=100)
    role = root_iam.get_role(RoleName="r")["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert role["AssumeRolePolicyDocument"] == TRUST


def test_role_policies_and_delete_conflicts(root_cli, root_iam):
    root_iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root_cli.ok("iam", "attach-role-policy", "--role-name", "r", "--policy-arn", arn)
    attached = root_iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
    assert attached == [{"PolicyName": "p", "PolicyArn": arn}]
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_role(RoleName="r")
    assert error_code(excinfo) == "DeleteConflict"
    assert error_message(excinfo) == "Cannot delete entity, must detach all policies first."
    root_iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    root_cli.ok("iam", "put-role-policy", "--role-name", "r", "--policy-name", "inl",
                "--policy-document", json.dumps(DOC))
    got = root_iam.get_role_policy(RoleName="r", PolicyName="inl")
    assert got["PolicyDocument"] == DOC
    assert root_cli.ok("iam", "list-role-policies", "--role-name", "r")["PolicyNames"] == ["inl"]
    stderr = root_cli.fails("iam", "delete-role", "--role-name", "r")
    assert "Cannot delete entity, must delete policies first." in stderr
    big = {**DOC, "Statement": [{**DOC["Statement"][0], "Sid": "a" * 6000}]}
    root_iam.put_role_policy(RoleName="r", PolicyName="big1", PolicyDocument=json.dumps(big))
    with pytest.raises(ClientError) as excinfo:
        root_iam.put_role_policy(RoleName="r", PolicyName="big2", PolicyDocument=json.dumps(big))
    assert error_code(excinfo) == "LimitExceeded"
    root_iam.delete_role_policy(RoleName="r", PolicyName="big1")
    root_cli.ok("iam", "delete-role-policy", "--role-name", "r", "--policy-name", "inl")
    with pytest.raises(ClientError) as excinfo:
        root_iam.delete_role_policy(RoleName="r", PolicyName="inl")
    assert error_code(excinfo) == "NoSuchEntity"
    root_cli.ok("iam", "delete-role", "--role-name", "r")


def test_boundary_and_entities_for_policy(root_cli, root_iam):
    root_iam.create_role(RoleName="r", Path="/svc/", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root_cli.ok("iam", "put-role-permissions-boundary", "--role-name", "r", "--permissions-boundary", arn)
    boundary = root_iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]
    assert boundary == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    root_iam.create_user(UserName="u")
    root_iam.create_group(GroupName="g")
    root_iam.attach_user_policy(UserName="u", PolicyArn=arn)
    root_iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    listed = root_cli.ok("iam", "list-entities-for-policy", "--policy-arn", arn)
    assert [u["UserName"] for u in listed["PolicyUsers"]] == ["u"]
    assert [g["GroupName"] for g in listed["PolicyGroups"]] == ["g"]
    assert [r["RoleName"] for r in listed["PolicyRoles"]] == ["r"]
    roles = root_iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role",
                                              PolicyUsageFilter="PermissionsBoundary")
    assert (roles["PolicyUsers"], [r["RoleName"] for r in roles["PolicyRoles"]]) == ([], ["r"])
    paginator = root_iam.get_paginator("list_entities_for_policy")
    pages = list(paginator.paginate(PolicyArn=arn, PaginationConfig={"PageSize": 1}))
    assert len(pages) == 3
    root_iam.delete_role_permissions_boundary(RoleName="r")
    assert "PermissionsBoundary" not in root_iam.get_role(RoleName="r")["Role"]
    stderr = root_cli.fails("iam", "put-role-permissions-boundary", "--role-name", "r",
                            "--permissions-boundary", f"arn:aws:iam::{ACCOUNT_ID}:policy/none")
    assert "NoSuchEntity" in stderr


@pytest.mark.parametrize("kind", ["user", "role", "policy"])
def test_tags(root_cli, root_iam, kind):
    root_iam.create_user(UserName="u")
    root_iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    target = {"user": ("--user-name", "u"), "role": ("--role-name", "r"), "policy": ("--policy-arn", arn)}[kind]
    kwargs = {"user": {"UserName": "u"}, "role": {"RoleName": "r"}, "policy": {"PolicyArn": arn}}[kind]
    root_cli.ok("iam", f"tag-{kind}", *target, "--tags", "Key=Dept,Value=a", "Key=env,Value=")
    getattr(root_iam, f"tag_{kind}")(**kwargs, Tags=[{"Key": "dept", "Value": "b"}])
    tags = root_cli.ok("iam", f"list-{kind}-tags", *target)["Tags"]
    assert tags == [{"Key": "dept", "Value": "b"}, {"Key": "env", "Value": ""}]
    first = getattr(root_iam, f"list_{kind}_tags")(**kwargs, MaxItems=1)
    assert (first["IsTruncated"], first["Marker"]) == (True, "dept")
    getattr(root_iam, f"untag_{kind}")(**kwargs, TagKeys=["DEPT", "absent"])
    root_cli.ok("iam", f"untag-{kind}", *target, "--tag-keys", "env")
    assert getattr(root_iam, f"list_{kind}_tags")(**kwargs)["Tags"] == []


def test_tag_limits(root_cli, root_iam):
    root_iam.create_user(UserName="u")
    root_iam.tag_user(UserName="u", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as excinfo:
        root_iam.tag_user(UserName="u", Tags=[{"Key": "k50", "Value": "v"}])
    assert error_code(excinfo) == "LimitExceeded"
    stderr = root_cli.fails("iam", "tag-user", "--user-name", "u", "--tags", "Key=a,Value=1", "Key=A,Value=2")
    assert "InvalidInput" in stderr and "Duplicate tag keys found" in stderr
    with pytest.raises(ClientError) as excinfo:
        root_iam.tag_user(UserName="u", Tags=[{"Key": "a*b", "Value": "1"}])
    assert error_code(excinfo) == "ValidationError"
    with pytest.raises(ClientError) as excinfo:
        root_iam.tag_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess", Tags=[{"Key": "a", "Value": "b"}])
    assert error_code(excinfo) == "InvalidInput"


def test_account_authorization_details(root_cli, root_iam):
    root_iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = root_iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root_iam.create_user(UserName="u")
    root_iam.create_group(GroupName="g")
    root_iam.add_user_to_group(GroupName="g", UserName="u")
    root_iam.attach_user_policy(UserName="u", PolicyArn=arn)
    root_iam.put_user_policy(UserName="u", PolicyName="inl", PolicyDocument=json.dumps(DOC))
    root_iam.put_role_policy(RoleName="r", PolicyName="rinl", PolicyDocument=json.dumps(DOC))
    details = root_cli.ok("iam", "get-account-authorization-details")
    [user] = details["UserDetailList"]
    assert user["GroupList"] == ["g"]
    assert user["UserPolicyList"] == [{"PolicyName": "inl", "PolicyDocument": DOC}]
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "p", "PolicyArn": arn}]
    assert [g["GroupName"] for g in details["GroupDetailList"]] == ["g"]
    [role] = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert role["RolePolicyList"] == [{"PolicyName": "rinl", "PolicyDocument": DOC}]
    [policy] = details["Policies"]
    assert policy["PolicyVersionList"][0]["Document"] == DOC
    assert policy["PolicyVersionList"][0]["IsDefaultVersion"] is True
    only_roles = root_iam.get_account_authorization_details(Filter=["Role"])
    assert (only_roles["UserDetailList"], len(only_roles["RoleDetailList"])) == ([], 1)
    paginator = root_iam.get_paginator("get_account_authorization_details")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
    assert len(pages) == 4
    assert sum(len(p["RoleDetailList"]) for p in pages) == 1
