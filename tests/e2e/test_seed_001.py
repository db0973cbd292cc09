"""Seed tutorial 001 through the AWS CLI: the PowerConsultants group (PowerUserAccess plus
the seed's force-MFA policy), and a member using long-term access keys, which carry no
aws:MultiFactorAuthPresent key at all."""

import json
from pathlib import Path

import pytest

from conftest import ACCOUNT_ID, Cli

SEED_001 = (Path(__file__).resolve().parents[2] / "examples" / "seed-001-force-mfa.json").read_text()


def setup_group(root_cli, policy_document):
    """What Alice does in the seed: a policy, a group with PowerUserAccess and the policy,
    and John in the group with access keys."""
    policy = root_cli.ok("iam", "create-policy", "--policy-name", "ForceMFA", "--policy-document", policy_document)
    policy_arn = policy["Policy"]["Arn"]
    assert policy_arn == f"arn:aws:iam::{ACCOUNT_ID}:policy/ForceMFA"
    root_cli.ok("iam", "create-group", "--group-name", "PowerConsultants")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "PowerConsultants",
                "--policy-arn", "arn:aws:iam::aws:policy/PowerUserAccess")
    root_cli.ok("iam", "attach-group-policy", "--group-name", "PowerConsultants", "--policy-arn", policy_arn)
    root_cli.ok("iam", "create-user", "--user-name", "john")
    root_cli.ok("iam", "add-user-to-group", "--group-name", "PowerConsultants", "--user-name", "john")
    key = root_cli.ok("iam", "create-access-key", "--user-name", "john")["AccessKey"]
    return Cli(root_cli.env["AWS_ENDPOINT_URL"], key["AccessKeyId"], key["SecretAccessKey"])


def test_group_policies_are_attached_as_the_seed_describes(root_cli):
    setup_group(root_cli, SEED_001)
    attached = root_cli.ok("iam", "list-attached-group-policies", "--group-name", "PowerConsultants")
    names = sorted(policy["PolicyName"] for policy in attached["AttachedPolicies"])
    assert names == ["ForceMFA", "PowerUserAccess"]
    groups = root_cli.ok("iam", "list-groups-for-user", "--user-name", "john")
    assert [group["GroupName"] for group in groups["Groups"]] == ["PowerConsultants"]


def test_long_term_keys_are_denied_everything_but_mfa_setup(root_cli):
    john = setup_group(root_cli, SEED_001)
    # Not in the NotAction list: the BoolIfExists Deny applies, since the key is absent.
    stderr = john.fails("iam", "create-user", "--user-name", "mallory")
    assert "AccessDenied" in stderr
    assert (f"User: arn:aws:iam::{ACCOUNT_ID}:user/john is not authorized to perform: iam:CreateUser "
            f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/mallory with an explicit deny in an identity-based policy") in stderr
    stderr = john.fails("iam", "list-groups")
    assert "with an explicit deny in an identity-based policy" in stderr
    # GetUser is not in seed 001's NotAction list either (seed 000's has it).
    assert "explicit deny" in john.fails("iam", "get-user")
    # Nothing was created.
    users = [user["UserName"] for user in root_cli.ok("iam", "list-users")["Users"]]
    assert users == ["john"]


def test_listed_actions_still_need_an_allow(root_cli):
    """ListUsers is exempt from the Deny and allowed by AllowListUsers; ChangePassword is
    exempt but nothing allows it, so it is an implicit deny (the seed's riddle)."""
    john = setup_group(root_cli, SEED_001)
    listed = john.ok("iam", "list-users")
    assert [user["UserName"] for user in listed["Users"]] == ["john"]
    stderr = john.fails("iam", "change-password", "--old-password", "a", "--new-password", "b")
    assert "because no identity-based policy allows the iam:ChangePassword action" in stderr


BOOL_NOT_IF_EXISTS = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "BlockEverythingUnlessSignedInWithMFA",
        "Effect": "Deny",
        "NotAction": ["iam:ListUsers"],
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    }],
})


def test_bool_without_if_exists_does_not_stop_long_term_keys(root_cli):
    """With Bool, a request without the key does not match the condition, so the Deny
    does not apply: what remains is PowerUserAccess, which grants no IAM action."""
    john = setup_group(root_cli, BOOL_NOT_IF_EXISTS)
    stderr = john.fails("iam", "list-groups")
    assert "because no identity-based policy allows the iam:ListGroups action" in stderr
    assert "explicit deny" not in stderr


def test_bool_if_exists_denies_explicitly(root_cli):
    policy = json.loads(BOOL_NOT_IF_EXISTS)
    policy["Statement"][0]["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    john = setup_group(root_cli, json.dumps(policy))
    assert "with an explicit deny in an identity-based policy" in john.fails("iam", "list-groups")
