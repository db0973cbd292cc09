"""Seed 004's two operational patterns, through the real AWS CLI and boto3:

1. A break-glass role exempt from the MFA SCP: the SCP's Deny carries a condition on the
   caller's ARN (`ArnNotLike` on `aws:PrincipalArn`), so a session of the break-glass role in
   a member account works without MFA while every other member-account principal is denied.
2. A service user restricted to the objects of one S3 bucket prefix. ironiam serves no S3,
   so the policy engine is asked through `iam simulate-principal-policy`: `s3:GetObject` and
   `s3:PutObject` on `arn:aws:s3:::BUCKET/PREFIX/*` are allowed, other prefixes, buckets and
   actions are not.

docs/compliance.md walks through both."""

import json

from conftest import ACCOUNT_ID, Cli
from mfa_cli import SessionCli, create_device, enable_device
from totp import next_code

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

# Seed 004's SCP with the break-glass exemption: the Deny applies to every principal
# except sessions of a role named BreakGlass, in any account.
BREAK_GLASS_SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RequireMFAAccess",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"},
            },
        }
    ],
}

BUCKET = "reports-bucket"
PREFIX = "exports"
# Seed 004's service-account policy, scoped to one prefix of one bucket.
SERVICE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowServiceAccountActions",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{BUCKET}/{PREFIX}/*",
        }
    ],
}


def test_break_glass_role_is_exempt_from_the_mfa_scp(root_cli, endpoint):
    root_cli.ok("organizations", "create-organization", "--feature-set", "ALL")
    root = root_cli.ok("organizations", "list-roots")["Roots"][0]["Id"]
    root_cli.ok("organizations", "enable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
    member = root_cli.ok("organizations", "create-account", "--email", "prod@example.com",
                         "--account-name", "prod")["CreateAccountStatus"]["AccountId"]

    # The management account's administrator, with MFA (the management account is
    # never bound by SCPs; MFA is needed to reach the member account once the SCP is on).
    root_cli.ok("iam", "create-user", "--user-name", "admin")
    root_cli.ok("iam", "attach-user-policy", "--user-name", "admin", "--policy-arn", ADMIN)
    key = root_cli.ok("iam", "create-access-key", "--user-name", "admin")["AccessKey"]
    admin = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])

    # Before the SCP: set up the member account through its OrganizationAccountAccessRole,
    # with a BreakGlass role that trusts the management account and a user without MFA.
    access = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    setup = SessionCli(endpoint, admin.ok("sts", "assume-role", "--role-arn", access,
                                          "--role-session-name", "setup")["Credentials"])
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                       "Action": "sts:AssumeRole"}],
    }
    setup.ok("iam", "create-role", "--role-name", "BreakGlass",
             "--assume-role-policy-document", json.dumps(trust))
    setup.ok("iam", "attach-role-policy", "--role-name", "BreakGlass", "--policy-arn", ADMIN)
    setup.ok("iam", "create-user", "--user-name", "operator")
    setup.ok("iam", "attach-user-policy", "--user-name", "operator", "--policy-arn", ADMIN)
    operator_key = setup.ok("iam", "create-access-key", "--user-name", "operator")["AccessKey"]

    scp = root_cli.ok("organizations", "create-policy", "--name", "RequireMFAExceptBreakGlass",
                      "--description", "seed 004 with a break-glass exemption",
                      "--type", "SERVICE_CONTROL_POLICY",
                      "--content", json.dumps(BREAK_GLASS_SCP))["Policy"]["PolicySummary"]
    root_cli.ok("organizations", "attach-policy", "--policy-id", scp["Id"], "--target-id", root)

    # The break-glass role: assumed without MFA, and its session administers the account.
    glass = admin.ok("sts", "assume-role", "--role-arn", f"arn:aws:iam::{member}:role/BreakGlass",
                     "--role-session-name", "incident-42")["Credentials"]
    responder = SessionCli(endpoint, glass)
    identity = responder.ok("sts", "get-caller-identity")
    assert identity["Arn"] == f"arn:aws:sts::{member}:assumed-role/BreakGlass/incident-42"
    users = responder.ok("iam", "list-users")["Users"]
    assert [u["UserName"] for u in users] == ["operator"]
    responder.ok("iam", "create-user", "--user-name", "created-in-an-incident")

    # Every other principal of the member account is still denied without MFA: the
    # organization's own access role...
    plain = SessionCli(endpoint, admin.ok("sts", "assume-role", "--role-arn", access,
                                          "--role-session-name", "plain")["Credentials"])
    stderr = plain.fails("iam", "list-users")
    assert "with an explicit deny in a service control policy" in stderr
    # ...and a user with AdministratorAccess.
    operator = Cli(endpoint, operator_key["AccessKeyId"], operator_key["SecretAccessKey"])
    stderr = operator.fails("iam", "list-users")
    assert f"arn:aws:iam::{member}:user/operator is not authorized to perform: iam:ListUsers" in stderr
    assert "with an explicit deny in a service control policy" in stderr

    # With MFA, the other principals pass again: the exemption is only for BreakGlass.
    serial, secret = create_device(admin, "admin")
    enable_device(admin, "admin", serial, secret)
    with_mfa = SessionCli(endpoint, admin.ok(
        "sts", "assume-role", "--role-arn", access, "--role-session-name", "mfa",
        "--serial-number", serial, "--token-code", next_code(secret))["Credentials"])
    listed = with_mfa.ok("iam", "list-users")["Users"]
    assert sorted(u["UserName"] for u in listed) == ["created-in-an-incident", "operator"]


def simulate(cli, source, action, resource):
    result = cli.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                    "--action-names", action, "--resource-arns", resource)["EvaluationResults"][0]
    assert result["EvalActionName"] == action
    assert result["EvalResourceName"] == resource
    return result


def test_service_user_is_restricted_to_one_bucket_prefix(root_cli, root_iam):
    root_cli.ok("iam", "create-user", "--user-name", "report-exporter", "--path", "/service/")
    root_cli.ok("iam", "put-user-policy", "--user-name", "report-exporter",
                "--policy-name", "ExportsPrefixOnly", "--policy-document", json.dumps(SERVICE_POLICY))
    source = f"arn:aws:iam::{ACCOUNT_ID}:user/service/report-exporter"

    for action in ("s3:GetObject", "s3:PutObject"):
        allowed = simulate(root_cli, source, action, f"arn:aws:s3:::{BUCKET}/{PREFIX}/2026/11/summary.csv")
        assert allowed["EvalDecision"] == "allowed"
        # The simulator names an inline user policy user_<user>_<policy>, as AWS does.
        assert allowed["MatchedStatements"][0]["SourcePolicyId"] == "user_report-exporter_ExportsPrefixOnly"

    for resource in (f"arn:aws:s3:::{BUCKET}/private/payroll.csv",
                     f"arn:aws:s3:::{BUCKET}/{PREFIX}",
                     f"arn:aws:s3:::{BUCKET}/exports-old/a.csv",
                     f"arn:aws:s3:::other-bucket/{PREFIX}/a.csv"):
        denied = simulate(root_cli, source, "s3:GetObject", resource)
        assert denied["EvalDecision"] == "implicitDeny", resource
        assert denied["MatchedStatements"] == []

    for action in ("s3:DeleteObject", "s3:ListBucket", "iam:ListUsers"):
        resource = f"arn:aws:s3:::{BUCKET}/{PREFIX}/2026/11/summary.csv"
        assert simulate(root_cli, source, action, resource)["EvalDecision"] == "implicitDeny", action

    # The same answers through boto3, several resources in one call.
    results = root_iam.simulate_principal_policy(
        PolicySourceArn=source, ActionNames=["s3:GetObject"],
        ResourceArns=[f"arn:aws:s3:::{BUCKET}/{PREFIX}/a.csv", f"arn:aws:s3:::{BUCKET}/b.csv"],
    )["EvaluationResults"]
    decisions = {r["EvalResourceName"]: r["EvalDecision"] for r in results}
    assert decisions == {f"arn:aws:s3:::{BUCKET}/{PREFIX}/a.csv": "allowed",
                         f"arn:aws:s3:::{BUCKET}/b.csv": "implicitDeny"}
