"""MFA compliance through the real AWS CLI and boto3: seed 004's AWS Config rule, put with
`aws configservice put-config-rule --config-rule file://rule.json` exactly as the seed
gives it, flips from NON_COMPLIANT to COMPLIANT when the user enables a virtual MFA device
(codes from pyotp) and back when the device is deactivated; Config's errors; and
`ironiam report` on the data directory of a running server."""

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, ROOT, ROOT_KEY_ID, ROOT_SECRET, Cli, client, free_port
from mfa_cli import create_device, enable_device

# Seed 004's rule definition, verbatim.
SEED_004_RULE = {
    "ConfigRuleName": "mfa-enabled-for-iam-console-access",
    "Description": "Checks whether AWS Multi-Factor Authentication (MFA) is enabled for all IAM users that use a console password.",
    "Scope": {
        "ComplianceResourceTypes": [
            "AWS::IAM::User"
        ]
    },
    "Source": {
        "Owner": "AWS",
        "SourceIdentifier": "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"
    },
    "InputParameters": "{}"
}
RULE = SEED_004_RULE["ConfigRuleName"]


@pytest.fixture
def config(endpoint):
    return client(endpoint, ROOT_KEY_ID, ROOT_SECRET, service="config")


def verdicts(config, rule=RULE):
    """{resource ID: compliance} from GetComplianceDetailsByConfigRule, every page."""
    out = {}
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(ConfigRuleName=rule)
    for page in pages:
        for result in page["EvaluationResults"]:
            qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            assert qualifier["ConfigRuleName"] == rule
            out[qualifier["ResourceId"]] = result["ComplianceType"]
    return out


def put_seed_rule(cli):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "rule.json"
        path.write_text(json.dumps(SEED_004_RULE, indent=2))
        return cli.ok("configservice", "put-config-rule", "--config-rule", f"file://{path}")


def test_seed_004_rule_flips_with_the_users_mfa(root_cli, root_iam, config):
    root_cli.ok("iam", "create-user", "--user-name", "alice")
    root_cli.ok("iam", "create-login-profile", "--user-name", "alice", "--password", "Correct-Horse-42!")
    root_cli.ok("iam", "create-user", "--user-name", "svc")
    alice = root_iam.get_user(UserName="alice")["User"]["UserId"]
    svc = root_iam.get_user(UserName="svc")["User"]["UserId"]
    # PutConfigRule answers with no body: the CLI prints nothing.
    assert put_seed_rule(root_cli) is None

    rules = root_cli.ok("configservice", "describe-config-rules")["ConfigRules"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["ConfigRuleName"] == RULE
    assert rule["Source"] == SEED_004_RULE["Source"]
    assert rule["Scope"] == SEED_004_RULE["Scope"]
    assert rule["ConfigRuleState"] == "ACTIVE"
    assert rule["ConfigRuleArn"] == f"arn:aws:config:us-east-1:{ACCOUNT_ID}:config-rule/{rule['ConfigRuleId']}"

    # Evaluated on creation: alice uses a console password without MFA; svc has none.
    assert verdicts(config) == {alice: "NON_COMPLIANT", svc: "NOT_APPLICABLE"}
    summary = root_cli.ok("configservice", "describe-compliance-by-config-rule",
                          "--config-rule-names", RULE)["ComplianceByConfigRules"]
    assert summary == [{"ConfigRuleName": RULE, "Compliance": {
        "ComplianceType": "NON_COMPLIANT",
        "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": False}}}]
    failing = root_cli.ok("configservice", "get-compliance-details-by-config-rule",
                          "--config-rule-name", RULE, "--compliance-types", "NON_COMPLIANT")
    result = failing["EvaluationResults"][0]
    assert result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceType"] == "AWS::IAM::User"
    assert result["Annotation"] == "The user has a console password and no MFA device."

    # alice sets up a virtual MFA device with two consecutive pyotp codes: compliant.
    serial, secret = create_device(root_cli, "alice")
    enable_device(root_cli, "alice", serial, secret)
    assert verdicts(config) == {alice: "COMPLIANT", svc: "NOT_APPLICABLE"}
    compliance = config.describe_compliance_by_config_rule(ConfigRuleNames=[RULE])
    assert compliance["ComplianceByConfigRules"][0]["Compliance"] == {"ComplianceType": "COMPLIANT"}

    # Deactivating the device flips the verdict back.
    root_cli.ok("iam", "deactivate-mfa-device", "--user-name", "alice", "--serial-number", serial)
    assert verdicts(config) == {alice: "NON_COMPLIANT", svc: "NOT_APPLICABLE"}

    # On demand too, and the other managed rules alongside.
    config.put_config_rule(ConfigRule={
        "ConfigRuleName": "iam-user-mfa-enabled",
        "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"},
    })
    root_cli.ok("configservice", "start-config-rules-evaluation", "--config-rule-names",
                RULE, "iam-user-mfa-enabled")
    assert verdicts(config, "iam-user-mfa-enabled") == {alice: "NON_COMPLIANT", svc: "NON_COMPLIANT"}
    listed = config.describe_compliance_by_config_rule(ComplianceTypes=["NON_COMPLIANT"])
    assert sorted(r["ConfigRuleName"] for r in listed["ComplianceByConfigRules"]) == [
        "iam-user-mfa-enabled", RULE]

    root_cli.ok("configservice", "delete-config-rule", "--config-rule-name", RULE)
    assert [r["ConfigRuleName"] for r in config.describe_config_rules()["ConfigRules"]] == [
        "iam-user-mfa-enabled"]


def test_password_policy_rule_with_parameters(root_cli, config):
    config.put_config_rule(ConfigRule={
        "ConfigRuleName": "iam-password-policy",
        "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_PASSWORD_POLICY"},
        "InputParameters": json.dumps({"MinimumPasswordLength": "12", "RequireSymbols": "false",
                                       "PasswordReusePrevention": "5", "MaxPasswordAge": "180"}),
    })
    assert verdicts(config, "iam-password-policy") == {ACCOUNT_ID: "NON_COMPLIANT"}
    root_cli.ok("iam", "update-account-password-policy", "--minimum-password-length", "12",
                "--require-uppercase-characters", "--require-lowercase-characters", "--require-numbers",
                "--password-reuse-prevention", "5", "--max-password-age", "180")
    assert verdicts(config, "iam-password-policy") == {ACCOUNT_ID: "COMPLIANT"}


def test_config_errors_through_boto3_and_the_cli(root_cli, config, endpoint):
    with pytest.raises(ClientError) as excinfo:
        config.get_compliance_details_by_config_rule(ConfigRuleName="nope")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchConfigRuleException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as excinfo:
        config.put_config_rule(ConfigRule={
            "ConfigRuleName": "custom",
            "Source": {"Owner": "CUSTOM_LAMBDA",
                       "SourceIdentifier": "arn:aws:lambda:us-east-1:111122223333:function:check",
                       "SourceDetails": [{"EventSource": "aws.config",
                                          "MessageType": "ConfigurationItemChangeNotification"}]},
        })
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValueException"
    stderr = root_cli.fails("configservice", "put-config-rule", "--config-rule", json.dumps({
        "ConfigRuleName": "keys",
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"maxAccessKeyAge": "ninety"})}))
    assert "InvalidParameterValueException" in stderr
    assert "maxAccessKeyAge" in stderr
    stderr = root_cli.fails("configservice", "delete-config-rule", "--config-rule-name", "nope")
    assert "NoSuchConfigRuleException" in stderr
    # A principal without Config permissions is refused by the policy engine.
    iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="config")
    with pytest.raises(ClientError) as excinfo:
        nobody.describe_config_rules()
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "config:DescribeConfigRules" in excinfo.value.response["Error"]["Message"]


@pytest.fixture
def persistent_server():
    """`ironiam serve` on a data directory of its own, for `ironiam report` to read beside it."""
    binary = os.environ.get("IRONIAM_BIN", str(ROOT / "target" / "debug" / "ironiam"))
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [binary, "serve", "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}",
             "--account-id", ACCOUNT_ID, "--root-access-key-id", ROOT_KEY_ID,
             "--root-secret-access-key", ROOT_SECRET, "--audit-log", os.devnull],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail("ironiam serve did not start")
                time.sleep(0.1)
        try:
            yield endpoint, binary, data_dir
        finally:
            process.terminate()
            process.wait(timeout=10)


def report(binary, data_dir, *args):
    return subprocess.run([binary, "report", "--data-dir", data_dir, *args],
                          capture_output=True, text=True, timeout=60)


def test_ironiam_report_gates_ci_beside_a_running_server(persistent_server):
    endpoint, binary, data_dir = persistent_server
    cli = Cli(endpoint, ROOT_KEY_ID, ROOT_SECRET)
    cli.ok("iam", "create-user", "--user-name", "alice")
    cli.ok("iam", "create-login-profile", "--user-name", "alice", "--password", "Correct-Horse-42!")
    put_seed_rule(cli)

    out = report(binary, data_dir)
    assert out.returncode == 1, out.stderr
    bob_line = next(line for line in out.stdout.splitlines() if " alice " in line)
    assert "NON_COMPLIANT" in bob_line
    parsed = json.loads(report(binary, data_dir, "--format", "json").stdout)
    [account] = parsed["accounts"]
    assert account["account_id"] == ACCOUNT_ID
    assert account["rules"][0]["name"] == RULE
    assert account["rules"][0]["compliance"] == "NON_COMPLIANT"
    csv_lines = report(binary, data_dir, "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("account_id,rule_name,region,source_identifier")
    assert any(",alice,NON_COMPLIANT," in line for line in csv_lines)

    # The user enables MFA: the stored rule passes and the gate opens.
    serial, secret = create_device(cli, "alice")
    enable_device(cli, "alice", serial, secret)
    out = report(binary, data_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Nothing is NON_COMPLIANT (1 rules)." in out.stdout
    # The five defaults still find the root user without MFA and no password policy.
    out = report(binary, data_dir, "--rules", "defaults", "--format", "json")
    assert out.returncode == 1
    by_rule = {r["source_identifier"]: r for r in json.loads(out.stdout)["accounts"][0]["rules"]}
    assert by_rule["ROOT_ACCOUNT_MFA_ENABLED"]["compliance"] == "NON_COMPLIANT"
    assert by_rule["IAM_PASSWORD_POLICY"]["compliance"] == "NON_COMPLIANT"
    assert by_rule["MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"]["compliance"] == "COMPLIANT"
    # The server keeps serving after the reads.
    assert cli.ok("iam", "list-users")["Users"][0]["UserName"] == "alice"
