"""AWS Organizations through the real AWS CLI and boto3: the organization, an OU and a
member account, seed 004's MFA SCP attached with the Organizations API; member-account
principals (reached through AssumeRole of OrganizationAccountAccessRole) denied without
MFA and allowed in an MFA session; the management account never bound.

The member account's root user has no credentials from the API; SCPs binding it are
covered by the Rust server tests (crates/ironiam-server/tests/server/scp.rs)."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, ROOT, ROOT_KEY_ID, ROOT_SECRET, Cli, client
from mfa_cli import SessionCli, create_device, enable_device, mfa_session
from totp import next_code

SEED_004_SCP = ROOT / "examples" / "seed-004-require-mfa-scp.json"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def error(excinfo):
    return excinfo.value.response["Error"]


@pytest.fixture
def orgs(endpoint):
    return client(endpoint, ROOT_KEY_ID, ROOT_SECRET, service="organizations")


def test_organization_ou_account_and_the_seed_004_scp_with_the_cli(root_cli, orgs):
    org = root_cli.ok("organizations", "create-organization", "--feature-set", "ALL")["Organization"]
    assert org["MasterAccountId"] == ACCOUNT_ID
    assert org["Id"].startswith("o-")
    assert root_cli.ok("organizations", "describe-organization")["Organization"]["Id"] == org["Id"]
    root = root_cli.ok("organizations", "list-roots")["Roots"][0]
    assert root["Arn"] == f"arn:aws:organizations::{ACCOUNT_ID}:root/{org['Id']}/{root['Id']}"
    enabled = root_cli.ok("organizations", "enable-policy-type", "--root-id", root["Id"],
                          "--policy-type", "SERVICE_CONTROL_POLICY")["Root"]
    assert enabled["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]

    ou = orgs.create_organizational_unit(ParentId=root["Id"], Name="workloads")["OrganizationalUnit"]
    assert ou["Path"] == f"{org['Id']}/{root['Id']}/{ou['Id']}/"
    status = root_cli.ok("organizations", "create-account", "--email", "dev@example.com",
                         "--account-name", "dev")["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED"
    described = root_cli.ok("organizations", "describe-create-account-status",
                            "--create-account-request-id", status["Id"])["CreateAccountStatus"]
    member = described["AccountId"]
    assert member != ACCOUNT_ID and len(member) == 12
    root_cli.ok("organizations", "move-account", "--account-id", member,
                "--source-parent-id", root["Id"], "--destination-parent-id", ou["Id"])
    children = root_cli.ok("organizations", "list-children", "--parent-id", ou["Id"], "--child-type", "ACCOUNT")
    assert children["Children"] == [{"Id": member, "Type": "ACCOUNT"}]
    assert orgs.list_parents(ChildId=member)["Parents"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    accounts = {a["Id"]: a for a in root_cli.ok("organizations", "list-accounts")["Accounts"]}
    assert set(accounts) == {ACCOUNT_ID, member}
    assert accounts[member]["JoinedMethod"] == "CREATED"
    assert accounts[member]["Paths"] == [f"{org['Id']}/{root['Id']}/{ou['Id']}/{member}/"]

    # Seed 004's SCP, attached to the OU with the Organizations API.
    policy = root_cli.ok("organizations", "create-policy", "--name", "RequireMFA",
                         "--description", "Deny everything without MFA (seed 004)",
                         "--type", "SERVICE_CONTROL_POLICY",
                         "--content", f"file://{SEED_004_SCP}")["Policy"]
    policy_id = policy["PolicySummary"]["Id"]
    assert json.loads(policy["Content"]) == json.loads(SEED_004_SCP.read_text())
    root_cli.ok("organizations", "attach-policy", "--policy-id", policy_id, "--target-id", ou["Id"])
    on_ou = root_cli.ok("organizations", "list-policies-for-target", "--target-id", ou["Id"],
                        "--filter", "SERVICE_CONTROL_POLICY")["Policies"]
    assert sorted(p["Name"] for p in on_ou) == ["FullAWSAccess", "RequireMFA"]
    targets = orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]
    assert targets == [{"TargetId": ou["Id"], "Type": "ORGANIZATIONAL_UNIT", "Name": "workloads",
                        "Arn": ou["Arn"]}]

    # The member account is its own IAM namespace, with the role that trusts the
    # management account (its IAM calls wait for AssumeRole; see the module docstring).
    stderr = root_cli.fails("organizations", "delete-organizational-unit", "--organizational-unit-id", ou["Id"])
    assert "OrganizationalUnitNotEmptyException" in stderr


def test_the_management_account_is_never_bound_by_scps(root_cli, root_iam, orgs, endpoint):
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    # An administrator of the management account, with long-term keys and no MFA:
    # exactly whom seed 004's SCP would deny.
    root_iam.create_user(UserName="admin")
    root_iam.attach_user_policy(UserName="admin", PolicyArn=ADMIN)
    key = root_iam.create_access_key(UserName="admin")["AccessKey"]
    admin_iam = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    admin_orgs = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="organizations")
    policy = orgs.create_policy(Name="RequireMFA", Description="seed 004", Type="SERVICE_CONTROL_POLICY",
                                Content=SEED_004_SCP.read_text())["Policy"]["PolicySummary"]
    # At the root (every account below it) and on the management account itself.
    orgs.attach_policy(PolicyId=policy["Id"], TargetId=root)
    orgs.attach_policy(PolicyId=policy["Id"], TargetId=ACCOUNT_ID)
    assert "admin" in [u["UserName"] for u in admin_iam.list_users()["Users"]]
    admin_iam.create_user(UserName="created-under-the-scp")
    assert admin_orgs.describe_organization()["Organization"]["MasterAccountId"] == ACCOUNT_ID
    listed = root_cli.ok("iam", "list-users")["Users"]
    assert {"admin", "created-under-the-scp"} <= {u["UserName"] for u in listed}


def test_organizations_errors_through_boto3_and_the_cli(root_cli, orgs, endpoint):
    with pytest.raises(ClientError) as excinfo:
        orgs.list_accounts()
    assert error(excinfo)["Code"] == "AWSOrganizationsNotInUseException"
    assert error(excinfo)["Message"] == "Your account is not a member of an organization."
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    orgs.create_organization()
    root = orgs.list_roots()["Roots"][0]["Id"]
    with pytest.raises(ClientError) as excinfo:
        orgs.create_organization()
    assert error(excinfo)["Code"] == "AlreadyInOrganizationException"
    with pytest.raises(ClientError) as excinfo:
        orgs.describe_account(AccountId="12345")
    assert error(excinfo)["Code"] == "InvalidInputException"
    assert error(excinfo)["Message"].startswith("You provided a value that does not match the required pattern.")
    assert excinfo.value.response["Reason"] == "INVALID_PATTERN"
    with pytest.raises(ClientError) as excinfo:
        orgs.attach_policy(PolicyId="p-FullAWSAccess", TargetId=root)
    assert error(excinfo)["Code"] == "PolicyTypeNotEnabledException"
    orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    stderr = root_cli.fails("organizations", "detach-policy", "--policy-id", "p-FullAWSAccess",
                            "--target-id", root)
    assert "ConstraintViolationException" in stderr
    with pytest.raises(ClientError) as excinfo:
        orgs.create_policy(Name="bad", Description="", Type="SERVICE_CONTROL_POLICY",
                           Content='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                   '"Principal": "*", "Action": "*", "Resource": "*"}]}')
    assert error(excinfo)["Code"] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as excinfo:
        orgs.update_policy(PolicyId="p-FullAWSAccess", Name="Mine")
    assert error(excinfo)["Code"] == "InvalidInputException"
    # A principal without Organizations permissions is refused by the policy engine.
    iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="organizations")
    with pytest.raises(ClientError) as excinfo:
        nobody.list_roots()
    assert error(excinfo)["Code"] == "AccessDeniedException"
    assert "organizations:ListRoots" in error(excinfo)["Message"]


def test_the_cli_pages_through_accounts(root_cli, orgs):
    orgs.create_organization()
    created = set()
    for n in range(4):
        status = orgs.create_account(Email=f"a{n}@example.com", AccountName=f"a{n}")["CreateAccountStatus"]
        created.add(status["AccountId"])
    # --page-size makes the CLI send MaxResults=1 and follow every NextToken.
    accounts = root_cli.ok("organizations", "list-accounts", "--page-size", "1")["Accounts"]
    assert {a["Id"] for a in accounts} == created | {ACCOUNT_ID}
    assert len(accounts) == 5


def test_seed_004_scp_binds_member_accounts_until_mfa(root_cli, endpoint):
    """Seed 004 organization-wide: the SCP denies every member-account principal without
    MFA; an MFA session passes; the management account is untouched."""
    root_cli.ok("organizations", "create-organization", "--feature-set", "ALL")
    root = root_cli.ok("organizations", "list-roots")["Roots"][0]["Id"]
    root_cli.ok("organizations", "enable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
    ou = root_cli.ok("organizations", "create-organizational-unit", "--parent-id", root,
                     "--name", "workloads")["OrganizationalUnit"]["Id"]
    member = root_cli.ok("organizations", "create-account", "--email", "dev@example.com",
                         "--account-name", "dev")["CreateAccountStatus"]["AccountId"]
    root_cli.ok("organizations", "move-account", "--account-id", member,
                "--source-parent-id", root, "--destination-parent-id", ou)
    scp = root_cli.ok("organizations", "create-policy", "--name", "RequireMFA", "--description", "seed 004",
                      "--type", "SERVICE_CONTROL_POLICY",
                      "--content", f"file://{SEED_004_SCP}")["Policy"]["PolicySummary"]
    root_cli.ok("organizations", "attach-policy", "--policy-id", scp["Id"], "--target-id", ou)

    # The management account's administrator, with a virtual MFA device.
    root_cli.ok("iam", "create-user", "--user-name", "admin")
    root_cli.ok("iam", "attach-user-policy", "--user-name", "admin", "--policy-arn", ADMIN)
    key = root_cli.ok("iam", "create-access-key", "--user-name", "admin")["AccessKey"]
    admin = Cli(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    serial, secret = create_device(admin, "admin")
    enable_device(admin, "admin", serial, secret)
    # Not bound by the SCP, even without MFA.
    assert "admin" in [u["UserName"] for u in admin.ok("iam", "list-users")["Users"]]

    role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    # A role session in the member account without MFA: denied by the SCP.
    plain = admin.ok("sts", "assume-role", "--role-arn", role, "--role-session-name", "plain")["Credentials"]
    stderr = SessionCli(endpoint, plain).fails("iam", "list-users")
    assert "AccessDenied" in stderr
    assert "with an explicit deny in a service control policy" in stderr
    assert scp["Arn"] in stderr

    # With MFA, the same role administers the member account.
    with_mfa = admin.ok("sts", "assume-role", "--role-arn", role, "--role-session-name", "mfa",
                        "--serial-number", serial, "--token-code", next_code(secret))["Credentials"]
    operator = SessionCli(endpoint, with_mfa)
    assert operator.ok("sts", "get-caller-identity")["Account"] == member
    assert operator.ok("iam", "list-users")["Users"] == []
    operator.ok("iam", "create-user", "--user-name", "dev")
    operator.ok("iam", "attach-user-policy", "--user-name", "dev", "--policy-arn", ADMIN)
    dev_key = operator.ok("iam", "create-access-key", "--user-name", "dev")["AccessKey"]
    dev_serial, dev_secret = create_device(operator, "dev")
    assert dev_serial == f"arn:aws:iam::{member}:mfa/dev"
    enable_device(operator, "dev", dev_serial, dev_secret)

    # A member-account user without MFA is denied, even with AdministratorAccess...
    dev = Cli(endpoint, dev_key["AccessKeyId"], dev_key["SecretAccessKey"])
    stderr = dev.fails("iam", "list-users")
    assert f"User: arn:aws:iam::{member}:user/dev is not authorized to perform: iam:ListUsers" in stderr
    assert "with an explicit deny in a service control policy" in stderr
    # ...and allowed once in an MFA session.
    session = mfa_session(dev, dev_serial, dev_secret)
    assert [u["UserName"] for u in session.ok("iam", "list-users")["Users"]] == ["dev"]

    # Seed 004's check of effective permissions: the simulator reports the SCP's
    # decision for the member user, without MFA context and with it.
    source = f"arn:aws:iam::{member}:user/dev"
    simulated = session.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                           "--action-names", "ec2:DescribeInstances")["EvaluationResults"][0]
    assert simulated["EvalDecision"] == "explicitDeny"
    assert simulated["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert simulated["MatchedStatements"][0]["SourcePolicyId"] == "RequireMFA"
    assert simulated["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    simulated = session.ok("iam", "simulate-principal-policy", "--policy-source-arn", source,
                           "--action-names", "ec2:DescribeInstances", "--context-entries",
                           "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=true,ContextKeyType=boolean",
                           )["EvaluationResults"][0]
    assert simulated["EvalDecision"] == "allowed"
    assert simulated["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}

    # The management account still sees only its own users.
    assert [u["UserName"] for u in admin.ok("iam", "list-users")["Users"]] == ["admin"]
