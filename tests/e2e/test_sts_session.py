"""AssumeRole's session parameters through boto3: ExternalId, session tags (with
sts:TagSession, transitive through chaining), SourceIdentity (with
sts:SetSourceIdentity, echoed, immutable), and trust that does not survive the
deletion of the trusted user."""

import json
from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, client


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def make_user(root_iam, endpoint, name):
    root_iam.create_user(UserName=name)
    key = root_iam.create_access_key(UserName=name)["AccessKey"]
    return client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="sts"), key


def session(endpoint, reply, service="iam"):
    creds = reply["Credentials"]
    return client(endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], service=service,
                  token=creds["SessionToken"])


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_external_id_is_checked_by_the_trust_policy(endpoint, root_iam):
    sts, _ = make_user(root_iam, endpoint, "vendor")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/vendor"},
                 "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "Ext-7f3a"}}})
    arn = root_iam.create_role(RoleName="ThirdParty", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    assert sts.assume_role(RoleArn=arn, RoleSessionName="v1", ExternalId="Ext-7f3a")["Credentials"]
    for extra in ({"ExternalId": "Ext-0000"}, {}):
        with pytest.raises(ClientError) as denied:
            sts.assume_role(RoleArn=arn, RoleSessionName="v1", **extra)
        assert code(denied) == "AccessDenied"
    with pytest.raises(ClientError) as bad:
        sts.assume_role(RoleArn=arn, RoleSessionName="v1", ExternalId="has space")
    assert code(bad) == "ValidationError"


def test_session_tags_need_tag_session_and_pass_through_chaining(endpoint, root_iam):
    sts, _ = make_user(root_iam, endpoint, "eng")
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/eng"
    first_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/First"
    root_iam.create_role(RoleName="NoTags", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}))
    root_iam.create_role(RoleName="First", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}))
    root_iam.put_role_policy(RoleName="First", PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    root_iam.create_role(RoleName="Second", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": first_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}))
    root_iam.put_role_policy(RoleName="Second", PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/Dept": "eng"}}},
        {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/Project": "x"}}}))
    tags = [{"Key": "Dept", "Value": "eng"}, {"Key": "Project", "Value": "x"}]

    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/NoTags", RoleSessionName="t1", Tags=tags)
    assert code(denied) == "AccessDenied"
    assert "sts:TagSession" in denied.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as dup:
        sts.assume_role(RoleArn=first_arn, RoleSessionName="t1",
                        Tags=[{"Key": "Dept", "Value": "a"}, {"Key": "dept", "Value": "b"}])
    assert code(dup) == "InvalidParameterValue"

    first = sts.assume_role(RoleArn=first_arn, RoleSessionName="t1", Tags=tags, TransitiveTagKeys=["Dept"])
    chained = session(endpoint, first, "sts")
    second = session(endpoint, chained.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Second", RoleSessionName="t2"))
    assert second.list_users()["Users"]
    with pytest.raises(ClientError) as dropped:
        second.list_roles()
    assert code(dropped) == "AccessDenied"
    with pytest.raises(ClientError) as overridden:
        chained.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Second", RoleSessionName="t2",
                            Tags=[{"Key": "Dept", "Value": "ops"}])
    assert code(overridden) == "InvalidParameterValue"


def test_source_identity_is_echoed_present_and_immutable(endpoint, root_iam):
    sts, _ = make_user(root_iam, endpoint, "alice")
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
    first_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/Audited"
    policy = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
                 {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:SourceIdentity": "alice"}}})
    root_iam.create_role(RoleName="Plain", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}))
    root_iam.create_role(RoleName="Audited", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:SetSourceIdentity",
         "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}}}))
    root_iam.put_role_policy(RoleName="Audited", PolicyName="p", PolicyDocument=policy)
    root_iam.create_role(RoleName="Next", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": first_arn}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}))
    root_iam.put_role_policy(RoleName="Next", PolicyName="p", PolicyDocument=policy)

    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Plain", RoleSessionName="s1",
                        SourceIdentity="alice")
    assert "sts:SetSourceIdentity" in denied.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as impersonating:
        sts.assume_role(RoleArn=first_arn, RoleSessionName="s1", SourceIdentity="bob")
    assert code(impersonating) == "AccessDenied"

    reply = sts.assume_role(RoleArn=first_arn, RoleSessionName="s1", SourceIdentity="alice")
    assert reply["SourceIdentity"] == "alice"
    assert session(endpoint, reply).list_users()["Users"]
    chained = session(endpoint, reply, "sts")
    nxt = chained.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Next", RoleSessionName="s2")
    assert nxt["SourceIdentity"] == "alice"
    assert session(endpoint, nxt).list_users()["Users"]
    with pytest.raises(ClientError) as changed:
        chained.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Next", RoleSessionName="s2",
                            SourceIdentity="mallory")
    assert code(changed) == "AccessDenied"


def test_a_deleted_user_shows_as_its_id_and_a_new_one_is_not_trusted(endpoint, root_iam):
    sts, key = make_user(root_iam, endpoint, "temp")
    user_id = root_iam.get_user(UserName="temp")["User"]["UserId"]
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/temp"
    arn = root_iam.create_role(RoleName="Ops", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}))["Role"]["Arn"]
    assert sts.assume_role(RoleArn=arn, RoleSessionName="a1")["Credentials"]
    root_iam.delete_access_key(UserName="temp", AccessKeyId=key["AccessKeyId"])
    root_iam.delete_user(UserName="temp")
    stored = root_iam.get_role(RoleName="Ops")["Role"]["AssumeRolePolicyDocument"]
    if isinstance(stored, str):
        stored = json.loads(unquote(stored))
    assert stored["Statement"][0]["Principal"]["AWS"] == user_id
    again, _ = make_user(root_iam, endpoint, "temp")
    with pytest.raises(ClientError) as denied:
        again.assume_role(RoleArn=arn, RoleSessionName="a1")
    assert code(denied) == "AccessDenied"
