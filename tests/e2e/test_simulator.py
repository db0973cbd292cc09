"""The policy simulator API through the real AWS CLI and boto3: seed 004's
`aws iam simulate-principal-policy` with and without the MFA context key, the response
shapes (MatchedStatements with AWS's positions, MissingContextValues, the decision
details, ResourceSpecificResults), paging, GetContextKeysFor*Policy, and AWS's errors."""

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, Cli, client

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_000 = (EXAMPLES / "seed-000-force-mfa.json").read_text()
SEED_004_SCP = (EXAMPLES / "seed-004-require-mfa-scp.json").read_text()

# Seed 004's force-MFA policy, as the tutorial prints it.
SEED_004 = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyAllExceptListedIfNotMFAAuthenticated",
        "Effect": "Deny",
        "NotAction": [
            "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
            "iam:ResyncMFADevice", "iam:ListVirtualMFADevices", "iam:DeleteVirtualMFADevice",
            "iam:DeactivateMFADevice",
        ],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }],
}, indent=2)

# AWS's AdministratorAccess document as GetPolicyVersion returns it. AWS's simulator
# reports its statement from line 3, column 17 to line 8, column 6 (published
# simulate-principal-policy outputs).
AWS_ADMINISTRATOR_ACCESS = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"""

MFA_TRUE = "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=true,ContextKeyType=boolean"
FULL_AWS_ACCESS = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def error_message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def user_with(root_cli, name, policy_name, document):
    """A user with AWS's AdministratorAccess and a customer managed force-MFA policy."""
    root_cli.ok("iam", "create-user", "--user-name", name)
    root_cli.ok("iam", "attach-user-policy", "--user-name", name,
                "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
    arn = root_cli.ok("iam", "create-policy", "--policy-name", policy_name,
                      "--policy-document", document)["Policy"]["Arn"]
    root_cli.ok("iam", "attach-user-policy", "--user-name", name, "--policy-arn", arn)
    return f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


def test_seed_004_simulate_principal_policy(root_cli):
    """The seed's own command: without MFA in the context the force-MFA Deny decides,
    and the simulator says which key it missed; with aws:MultiFactorAuthPresent=true,
    AdministratorAccess allows."""
    source = user_with(root_cli, "X", "ForceMFA", SEED_004)
    result = root_cli.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                         "--action-names", "ec2:DescribeInstances")["EvaluationResults"]
    assert len(result) == 1
    result = result[0]
    assert result["EvalActionName"] == "ec2:DescribeInstances"
    assert result["EvalResourceName"] == "*"
    assert result["EvalDecision"] == "explicitDeny"
    assert result["MatchedStatements"] == [{
        "SourcePolicyId": "ForceMFA",
        "SourcePolicyType": "IAM Policy",
        # json.dumps(indent=2): `"Statement": [` on line 3; the statement's `}` on line 22.
        "StartPosition": {"Line": 3, "Column": 17},
        "EndPosition": {"Line": 22, "Column": 6},
    }]
    assert result["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    # The account is in no organization: no SCP restricts it.
    assert result["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    assert "PermissionsBoundaryDecisionDetail" not in result
    assert "EvalDecisionDetails" not in result

    result = root_cli.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                         "--action-names", "ec2:DescribeInstances",
                         "--context-entries", MFA_TRUE)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert [s["SourcePolicyId"] for s in result["MatchedStatements"]] == ["AdministratorAccess"]
    assert result["MissingContextValues"] == []

    # A session without MFA says false: still denied, nothing missing.
    result = root_cli.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                         "--action-names", "ec2:DescribeInstances", "--context-entries",
                         "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=false,ContextKeyType=boolean",
                         )["EvaluationResults"][0]
    assert (result["EvalDecision"], result["MissingContextValues"]) == ("explicitDeny", [])

    # What the policy leaves open without MFA: setting MFA up.
    results = root_cli.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                          "--action-names", "iam:EnableMFADevice", "iam:CreateUser")["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("iam:EnableMFADevice", "allowed"), ("iam:CreateUser", "explicitDeny")]


def test_seed_000_policy_with_boto3(root_cli, root_iam):
    source = user_with(root_cli, "alice", "Force_MFA", SEED_000)
    without = root_iam.simulate_principal_policy(PolicySourceArn=source, ActionNames=["ec2:DescribeInstances"])
    result = without["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert [s["SourcePolicyId"] for s in result["MatchedStatements"]] == ["Force_MFA"]
    # The Deny is the policy's fourth statement: it starts just after the third one's `}`.
    assert result["MatchedStatements"][0]["StartPosition"] == {"Line": 30, "Column": 2}
    assert result["MatchedStatements"][0]["EndPosition"] == {"Line": 47, "Column": 2}
    assert result["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    assert without["IsTruncated"] is False

    with_mfa = root_iam.simulate_principal_policy(
        PolicySourceArn=source, ActionNames=["ec2:DescribeInstances"],
        ContextEntries=[{"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"],
                         "ContextKeyType": "boolean"}])
    assert with_mfa["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_positions_are_aws_positions(root_iam):
    compact = json.dumps(json.loads(AWS_ADMINISTRATOR_ACCESS), separators=(",", ":"))
    spaced = json.dumps(json.loads(AWS_ADMINISTRATOR_ACCESS))
    response = root_iam.simulate_custom_policy(
        PolicyInputList=[AWS_ADMINISTRATOR_ACCESS, compact, spaced], ActionNames=["s3:ListBucket"])
    matched = response["EvaluationResults"][0]["MatchedStatements"]
    positions = {s["SourcePolicyId"]: (s["StartPosition"], s["EndPosition"]) for s in matched}
    assert positions == {
        "PolicyInputList.1": ({"Line": 3, "Column": 17}, {"Line": 8, "Column": 6}),
        # `{"Version":"2012-10-17","Statement":[` is 37 characters.
        "PolicyInputList.2": ({"Line": 1, "Column": 38}, {"Line": 1, "Column": 38 + len('{"Effect":"Allow","Action":"*","Resource":"*"}')}),
        # With json.dumps' default separators it is 40.
        "PolicyInputList.3": ({"Line": 1, "Column": 41}, {"Line": 1, "Column": 41 + len('{"Effect": "Allow", "Action": "*", "Resource": "*"}')}),
    }
    assert {s["SourcePolicyType"] for s in matched} == {"IAM Policy"}


def test_resources_cross_account_and_boundary(root_iam):
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::shared/*"},
    ]})
    s3_user = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    response = root_iam.simulate_custom_policy(
        PolicyInputList=[s3_user], ActionNames=["s3:GetObject", "s3:DeleteObject"],
        ResourceArns=["arn:aws:s3:::shared/report.csv"], ResourcePolicy=bucket_policy,
        ResourceOwner="arn:aws:iam::444455556666:root", CallerArn=f"arn:aws:iam::{ACCOUNT_ID}:user/alice")
    get, delete = response["EvaluationResults"]
    assert get["EvalDecision"] == "allowed"
    assert get["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "allowed"}
    assert get["ResourceSpecificResults"] == [{
        "EvalResourceName": "arn:aws:s3:::shared/report.csv",
        "EvalResourceDecision": "allowed",
        "MatchedStatements": get["MatchedStatements"],
        "MissingContextValues": [],
        "EvalDecisionDetails": {"IAM Policy": "allowed", "Resource Policy": "allowed"},
    }]
    assert {s["SourcePolicyType"] for s in get["MatchedStatements"]} == {"IAM Policy", "Resource Policy"}
    assert delete["EvalDecision"] == "explicitDeny"
    assert delete["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "explicitDeny"}
    assert [s["SourcePolicyId"] for s in delete["MatchedStatements"]] == ["ResourcePolicy"]
    # The bucket policy's second statement starts where the first one ends.
    first = get["MatchedStatements"][[s["SourcePolicyId"] for s in get["MatchedStatements"]].index("ResourcePolicy")]
    assert delete["MatchedStatements"][0]["StartPosition"] == first["EndPosition"]

    boundary = root_iam.simulate_custom_policy(
        PolicyInputList=[FULL_AWS_ACCESS], PermissionsBoundaryPolicyInputList=[s3_user],
        ActionNames=["s3:PutObject", "ec2:RunInstances"])
    decisions = [(r["EvalDecision"], r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"])
                 for r in boundary["EvaluationResults"]]
    assert decisions == [("allowed", True), ("implicitDeny", False)]


def test_service_control_policies_by_level(root_iam):
    """Seed 004's SCP under FullAWSAccess, given level by level."""
    levels = [{"ServiceControlPolicyInputList": [FULL_AWS_ACCESS]},
              {"ServiceControlPolicyInputList": [FULL_AWS_ACCESS, SEED_004_SCP]}]
    denied = root_iam.simulate_custom_policy(
        PolicyInputList=[AWS_ADMINISTRATOR_ACCESS], ActionNames=["ec2:DescribeInstances"],
        OrderedOrganizationPolicyInputList=levels)["EvaluationResults"][0]
    assert denied["EvalDecision"] == "explicitDeny"
    assert denied["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert [s["SourcePolicyId"] for s in denied["MatchedStatements"]] == [
        "OrderedOrganizationPolicyInputList.2.ServiceControlPolicyInputList.2"]
    assert denied["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    allowed = root_iam.simulate_custom_policy(
        PolicyInputList=[AWS_ADMINISTRATOR_ACCESS], ActionNames=["ec2:DescribeInstances"],
        OrderedOrganizationPolicyInputList=levels,
        ContextEntries=[{"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"],
                         "ContextKeyType": "boolean"}])["EvaluationResults"][0]
    assert allowed["EvalDecision"] == "allowed"
    assert allowed["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}


def test_paging_with_the_paginator_and_the_cli(root_cli, root_iam):
    actions = [f"s3:{name}" for name in ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy")]
    first = root_iam.simulate_custom_policy(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] is True
    assert [r["EvalActionName"] for r in first["EvaluationResults"]] == actions[:2]
    second = root_iam.simulate_custom_policy(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=actions,
                                             MaxItems=2, Marker=first["Marker"])
    assert [r["EvalActionName"] for r in second["EvaluationResults"]] == actions[2:4]
    paginator = root_iam.get_paginator("simulate_custom_policy")
    pages = list(paginator.paginate(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=actions,
                                    PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3
    assert [r["EvalActionName"] for page in pages for r in page["EvaluationResults"]] == actions
    # The CLI pages through everything by itself.
    everything = root_cli.ok("iam", "simulate-custom-policy", "--policy-input-list", FULL_AWS_ACCESS,
                             "--action-names", *actions, "--page-size", "2")["EvaluationResults"]
    assert [r["EvalActionName"] for r in everything] == actions
    # A marker from another request is refused.
    with pytest.raises(ClientError) as excinfo:
        root_iam.simulate_custom_policy(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=["s3:GetObject"],
                                        Marker=first["Marker"])
    assert error_code(excinfo) == "InvalidInput"


def test_context_keys(root_cli, root_iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "dynamodb:*",
        "Resource": "arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}}})
    keys = root_cli.ok("iam", "get-context-keys-for-custom-policy", "--policy-input-list", policy)
    assert sorted(keys["ContextKeyNames"]) == ["aws:CurrentTime", "aws:username"]
    source = user_with(root_cli, "alice", "Force_MFA", SEED_000)
    # Seed 000's policy: `${aws:username}` in a Resource, and the MFA condition key.
    # AdministratorAccess has none.
    keys = root_iam.get_context_keys_for_principal_policy(PolicySourceArn=source)["ContextKeyNames"]
    assert keys == ["aws:username", "aws:MultiFactorAuthPresent"]
    # The extra policy's keys follow, listed for that policy even where they repeat.
    keys = root_iam.get_context_keys_for_principal_policy(PolicySourceArn=source, PolicyInputList=[policy])
    assert keys["ContextKeyNames"] == ["aws:username", "aws:MultiFactorAuthPresent", "aws:username", "aws:CurrentTime"]


def test_errors_are_aws_errors(root_cli, root_iam):
    with pytest.raises(ClientError) as excinfo:
        root_iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/nobody",
                                           ActionNames=["s3:GetObject"])
    assert (error_code(excinfo), error_message(excinfo)) == ("NoSuchEntity", "The user with name nobody cannot be found.")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as excinfo:
        root_iam.get_context_keys_for_principal_policy(PolicySourceArn="this-is-not-an-iam-source-arn")
    assert error_code(excinfo) == "InvalidInput"
    stderr = root_cli.fails("iam", "simulate-custom-policy", "--policy-input-list", '{"Version":"2012-10-17"',
                            "--action-names", "s3:GetObject")
    assert "(InvalidInput)" in stderr and "Syntax errors in policy." in stderr
    with pytest.raises(ClientError) as excinfo:
        root_iam.simulate_custom_policy(
            PolicyInputList=[FULL_AWS_ACCESS], ActionNames=["s3:GetObject"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}])
    assert error_code(excinfo) == "InvalidInput" and "not-an-ip" in error_message(excinfo)
    with pytest.raises(ClientError) as excinfo:
        root_iam.simulate_custom_policy(
            PolicyInputList=[FULL_AWS_ACCESS], ActionNames=["s3:GetObject"],
            ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}),
            CallerArn=f"arn:aws:iam::{ACCOUNT_ID}:role/app")
    assert error_message(excinfo) == "Invalid caller - Caller must be an IAM user in this context."
    # The model's constraints come first, as a ValidationError.
    with pytest.raises(ClientError) as excinfo:
        root_iam.simulate_custom_policy(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=["s3:GetObject"], MaxItems=5000)
    assert error_code(excinfo) == "ValidationError"


def test_simulating_another_user_needs_permission_on_that_user(root_cli, endpoint):
    root_cli.ok("iam", "create-user", "--user-name", "alice")
    root_cli.ok("iam", "create-user", "--user-name", "bob")
    root_cli.ok("iam", "create-user", "--user-name", "auditor")
    root_cli.ok("iam", "put-user-policy", "--user-name", "auditor", "--policy-name", "SimulateAlice",
                "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "iam:SimulatePrincipalPolicy",
                    "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"}]}))
    key = root_cli.ok("iam", "create-access-key", "--user-name", "auditor")["AccessKey"]
    auditor = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    result = auditor.ok("iam", "simulate-principal-policy", "--policy-source-arn",
                        f"arn:aws:iam::{ACCOUNT_ID}:user/alice", "--action-names", "s3:GetObject")
    assert result["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    stderr = auditor.fails("iam", "simulate-principal-policy", "--policy-source-arn",
                           f"arn:aws:iam::{ACCOUNT_ID}:user/bob", "--action-names", "s3:GetObject")
    assert (f"User: arn:aws:iam::{ACCOUNT_ID}:user/auditor is not authorized to perform: "
            f"iam:SimulatePrincipalPolicy on resource: arn:aws:iam::{ACCOUNT_ID}:user/bob") in stderr
    boto = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        boto.simulate_custom_policy(PolicyInputList=[FULL_AWS_ACCESS], ActionNames=["s3:GetObject"])
    assert error_code(excinfo) == "AccessDenied"
