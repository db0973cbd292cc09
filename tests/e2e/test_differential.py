"""Differential test: every real call's decision equals `ironiam simulate` on the
request context AWS documents for it (issue 10).

A seeded generator builds a small world (users and roles with paths and tags, tagged
managed policies, an organization) and gives every user random identity policies whose
conditions read resource tags, principal tags, request tags, MFA, the organization,
ExternalId and the principal's ARN. Each user then makes real calls with boto3 against
real targets, and assumes roles with right and wrong ExternalIds and calls again as the
role. For every call the test computes, from its own model of the world and AWS's
documentation (Service Authorization Reference, global condition keys), the resource
ARN and the context AWS would evaluate, and asks `ironiam simulate --batch` for the
decision; the server's answer (allowed, or AccessDenied with an explicit or implicit
deny) must be the same. The model is independent of the server, so a key the server
forgets to put in the context (resource tags, principal tags, ExternalId, the
organization) shows up as a disagreement.

Set IRONIAM_DIFF_SEED and IRONIAM_DIFF_CALLS to explore further.
"""

import json
import os
import random
import subprocess
import uuid

import botocore.exceptions
import pytest

from conftest import ACCOUNT_ID, ROOT, ROOT_KEY_ID, ROOT_SECRET, client, start_server, stop_server

SEED = int(os.environ.get("IRONIAM_DIFF_SEED", "20261204"))
CALLS = int(os.environ.get("IRONIAM_DIFF_CALLS", "3000"))
A = ACCOUNT_ID
PATHS = ["/", "/admin/", "/eng/"]
TEAMS = ["red", "blue"]


def arn(kind, path, name):
    return f"arn:aws:iam::{A}:{kind}{path}{name}"


class World:
    """What the test knows, independently of the server."""

    def __init__(self, rng):
        self.rng = rng
        self.users = {}  # name -> {path, tags, id, arn, policies, key}
        self.roles = {}  # name -> {path, tags, arn, trust, policies, external_id}
        self.policies = {}  # name -> {arn, tags}
        self.org_id = None

    def tags(self):
        tags = {}
        if self.rng.random() < 0.8:
            tags["team"] = self.rng.choice(TEAMS)
        if self.rng.random() < 0.4:
            tags["protected"] = self.rng.choice(["true", "false"])
        return tags


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def condition(rng, world):
    """One random condition block entry: (operator, key, values)."""
    choices = [
        ("StringEquals", "aws:ResourceTag/team", [rng.choice(TEAMS)]),
        ("StringEquals", "iam:ResourceTag/protected", ["true"]),
        ("StringNotEqualsIfExists", "aws:ResourceTag/protected", ["true"]),
        ("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team}"]),
        ("StringEquals", "aws:PrincipalTag/team", [rng.choice(TEAMS)]),
        ("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"]),
        ("Bool", "aws:MultiFactorAuthPresent", ["true"]),
        ("Null", "aws:ResourceTag/team", [rng.choice(["true", "false"])]),
        ("StringEquals", "aws:PrincipalOrgID", [rng.choice([world.org_id, "o-aaaaaaaaaa"])]),
        ("ForAnyValue:StringEquals", "aws:TagKeys", ["note"]),
        ("StringEquals", "aws:RequestTag/note", [rng.choice(["x", "y"])]),
        ("ArnLike", "aws:PrincipalArn", [f"arn:aws:iam::{A}:user/admin/*"]),
        ("StringLike", "aws:username", ["u?"]),
    ]
    return rng.choice(choices)


ACTIONS = [
    "iam:GetUser", "iam:ListUserTags", "iam:GetRole", "iam:ListRoleTags", "iam:GetPolicy",
    "iam:TagUser", "iam:Get*", "iam:List*Tags", "iam:*", "sts:AssumeRole",
]
RESOURCES = [
    "*", f"arn:aws:iam::{A}:user/*", f"arn:aws:iam::{A}:user/admin/*", f"arn:aws:iam::{A}:role/*",
    f"arn:aws:iam::{A}:policy/*", f"arn:aws:iam::{A}:user/${{aws:username}}", "arn:aws:iam::*:role/r?",
    f"arn:aws:iam::{A}:role/admin/*",
]


def random_policies(rng, world, count):
    """`count` random inline policies within IAM's quota for one user's inline
    policies together (2,048 characters, white space not counted)."""
    while True:
        documents = [random_document(rng, world) for _ in range(count)]
        if sum(len(d.replace(" ", "")) for d in documents) <= 2000:
            return documents


def random_document(rng, world):
    statements = []
    for _ in range(rng.randint(1, 4)):
        statement = {
            "Effect": "Deny" if rng.random() < 0.3 else "Allow",
            "Action": rng.sample(ACTIONS, rng.randint(1, 3)),
            "Resource": rng.sample(RESOURCES, rng.randint(1, 2)),
        }
        conditions = {}
        for _ in range(rng.choice([0, 1, 1, 2])):
            op, key, values = condition(rng, world)
            conditions.setdefault(op, {})[key] = values
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def trust_policy(rng, external_id):
    condition = rng.choice([
        {"StringEquals": {"sts:ExternalId": external_id}},
        {"StringEqualsIfExists": {"sts:ExternalId": external_id}},
        {"StringLike": {"sts:ExternalId": external_id[:6] + "*"}},
        {},
    ])
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def build(endpoint, rng):
    root = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
    orgs = client(endpoint, ROOT_KEY_ID, ROOT_SECRET, service="organizations")
    world = World(rng)
    world.org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    for i in range(4):
        name = f"p{i}"
        tags = world.tags()
        created = root.create_policy(
            PolicyName=name,
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}),
            Tags=tag_list(tags),
        )["Policy"]
        world.policies[name] = {"arn": created["Arn"], "tags": tags}
    for i in range(4):
        name = f"r{i}"
        path = rng.choice(PATHS)
        tags = world.tags()
        external_id = f"ext-{uuid.UUID(int=rng.getrandbits(128))}"
        trust = trust_policy(rng, external_id)
        created = root.create_role(
            RoleName=name, Path=path, AssumeRolePolicyDocument=trust, Tags=tag_list(tags)
        )["Role"]
        policies = random_policies(rng, world, rng.randint(1, 2))
        for n, document in enumerate(policies):
            root.put_role_policy(RoleName=name, PolicyName=f"p{n}", PolicyDocument=document)
        world.roles[name] = {
            "path": path, "tags": tags, "arn": created["Arn"], "id": created["RoleId"],
            "trust": trust, "policies": policies, "external_id": external_id,
        }
    for i in range(6):
        name = f"u{i}"
        path = rng.choice(PATHS)
        tags = world.tags()
        created = root.create_user(UserName=name, Path=path, Tags=tag_list(tags))["User"]
        key = root.create_access_key(UserName=name)["AccessKey"]
        policies = random_policies(rng, world, rng.randint(1, 3))
        for n, document in enumerate(policies):
            root.put_user_policy(UserName=name, PolicyName=f"p{n}", PolicyDocument=document)
        world.users[name] = {
            "path": path, "tags": tags, "id": created["UserId"], "arn": created["Arn"],
            "policies": policies,
            "client": client(endpoint, key["AccessKeyId"], key["SecretAccessKey"]),
            "sts": client(endpoint, key["AccessKeyId"], key["SecretAccessKey"], service="sts"),
        }
        assert created["Arn"] == arn("user", path, name)
    return world


def entry(key, value, kind="string"):
    if isinstance(value, list):
        return {"ContextKeyName": key, "ContextKeyValues": value, "ContextKeyType": kind + "List"}
    return {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": kind}


def principal_context(world, caller):
    """The global keys AWS documents for the caller (IAM User Guide, "AWS global
    condition context keys"): principal tags, organization, MFA for sessions."""
    context = [entry(f"aws:PrincipalTag/{k}", v) for k, v in caller["tags"].items()]
    context.append(entry("aws:PrincipalOrgID", world.org_id))
    context.append(entry("aws:PrincipalArn", caller["principal_arn"]))
    context.append(entry("aws:userid", caller["userid"]))
    if caller["session"]:
        context.append(entry("aws:MultiFactorAuthPresent", "false", "boolean"))
    return context


def resource_context(tags):
    """A tagged IAM resource's keys: both namespaces (Service Authorization Reference)."""
    out = []
    for k, v in tags.items():
        out.append(entry(f"aws:ResourceTag/{k}", v))
        out.append(entry(f"iam:ResourceTag/{k}", v))
    return out


def one_call(world, rng, caller):
    """Makes one random call as `caller`; returns (server outcome, simulate request)."""
    kind = rng.choice(["user", "user", "role", "policy", "tag"])
    if kind in ("user", "tag"):
        name = rng.choice(list(world.users))
        target = world.users[name]
        resource = target["arn"]
        context = resource_context(target["tags"])
        if kind == "tag":
            value = rng.choice(["x", "y"])
            action = "TagUser"
            call = lambda: caller["client"].tag_user(UserName=name, Tags=[{"Key": "note", "Value": value}])
            context += [entry("aws:RequestTag/note", value), entry("aws:TagKeys", ["note"])]
        else:
            action = rng.choice(["GetUser", "ListUserTags"])
            method = {"GetUser": "get_user", "ListUserTags": "list_user_tags"}[action]
            call = lambda: getattr(caller["client"], method)(UserName=name)
    elif kind == "role":
        name = rng.choice(list(world.roles))
        target = world.roles[name]
        resource = target["arn"]
        context = resource_context(target["tags"])
        action = rng.choice(["GetRole", "ListRoleTags"])
        method = {"GetRole": "get_role", "ListRoleTags": "list_role_tags"}[action]
        call = lambda: getattr(caller["client"], method)(RoleName=name)
    else:
        name = rng.choice(list(world.policies))
        target = world.policies[name]
        resource = target["arn"]
        context = resource_context(target["tags"])
        action = "GetPolicy"
        call = lambda: caller["client"].get_policy(PolicyArn=target["arn"])
    outcome = outcome_of(call)
    if outcome == "allowed" and kind == "tag":
        target["tags"]["note"] = value
    request = {
        "PolicyInputList": caller["policies"],
        "CallerArn": caller["arn"],
        "ActionName": f"iam:{action}",
        "ResourceArn": resource,
        "ContextEntries": principal_context(world, caller) + context,
    }
    return outcome, request


LAST_REQUEST_ID = []


def outcome_of(call):
    """The server's decision for `call`; its request ID goes to LAST_REQUEST_ID."""
    try:
        response = call()
        LAST_REQUEST_ID[:] = [response["ResponseMetadata"]["RequestId"]]
        return "allowed"
    except botocore.exceptions.ClientError as err:
        LAST_REQUEST_ID[:] = [err.response["ResponseMetadata"]["RequestId"]]
        error = err.response["Error"]
        if error["Code"] != "AccessDenied":
            # Authorized, then refused for another reason (e.g. a tag quota).
            return "allowed"
        return "explicitDeny" if "explicit deny" in error["Message"] else "implicitDeny"


def user_caller(world, name):
    user = world.users[name]
    return {
        "client": user["client"], "policies": user["policies"], "arn": user["arn"],
        "principal_arn": user["arn"], "userid": user["id"], "tags": user["tags"],
        "session": False,
    }


def assume(world, rng, endpoint, user_name):
    """AssumeRole with a right, wrong or missing ExternalId; returns (outcome, request,
    role caller or None)."""
    user = world.users[user_name]
    role_name = rng.choice(list(world.roles))
    role = world.roles[role_name]
    external_id = rng.choice([role["external_id"], "ext-wrong", None])
    session_name = f"s{rng.randrange(100)}"
    params = {"RoleArn": role["arn"], "RoleSessionName": session_name}
    if external_id is not None:
        params["ExternalId"] = external_id
    issued = {}

    def call():
        response = user["sts"].assume_role(**params)
        issued.update(response["Credentials"])
        return response

    outcome = outcome_of(call)
    context = principal_context(world, user_caller(world, user_name))
    context.append(entry("sts:RoleSessionName", session_name))
    if external_id is not None:
        context.append(entry("sts:ExternalId", external_id))
    context += resource_context(role["tags"])
    # The trust policy is the role's resource-based policy; the simulator validates a
    # resource policy as one that names its resource, so it gets the role's ARN.
    trust = json.loads(role["trust"])
    for statement in trust["Statement"]:
        statement["Resource"] = role["arn"]
    request = {
        "PolicyInputList": user["policies"],
        "ResourcePolicy": json.dumps(trust),
        "CallerArn": user["arn"],
        "ActionName": "sts:AssumeRole",
        "ResourceArn": role["arn"],
        "ContextEntries": context,
    }
    caller = None
    if outcome == "allowed":
        caller = {
            "client": client(endpoint, issued["AccessKeyId"], issued["SecretAccessKey"],
                             token=issued["SessionToken"]),
            "policies": role["policies"],
            "arn": f"arn:aws:sts::{A}:assumed-role/{role_name}/{session_name}",
            "principal_arn": role["arn"],
            "userid": f"{role['id']}:{session_name}",
            "tags": role["tags"],
            "session": True,
        }
    return outcome, request, caller


def simulate(requests):
    binary = os.environ.get("IRONIAM_BIN", str(ROOT / "target" / "debug" / "ironiam"))
    lines = "\n".join(json.dumps({"Id": i, **r}) for i, r in enumerate(requests)) + "\n"
    result = subprocess.run(
        [binary, "simulate", "--batch", "-"], input=lines, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    out = {}
    for line in result.stdout.splitlines():
        answer = json.loads(line)
        assert "Error" not in answer, answer
        decision = answer["EvalDecision"]
        request = requests[answer["Id"]]
        # AssumeRole is allowed only when the trust policy itself allows the caller: an
        # identity policy alone never suffices, unlike other resource-based policies
        # (IAM User Guide, "Granting a user permissions to switch roles").
        if (request["ActionName"] == "sts:AssumeRole" and decision == "allowed"
                and not any(m.get("SourcePolicyType") == "Resource Policy"
                            for m in answer.get("MatchedStatements", []))):
            decision = "implicitDeny"
        out[answer["Id"]] = decision
    return out


@pytest.fixture
def audited(tmp_path):
    """A server of its own whose audit log records every decision's context."""
    log = tmp_path / "audit.jsonl"
    process, endpoint = start_server("--audit-log", str(log))
    yield endpoint, log
    stop_server(process)


def logged_evaluations(log):
    """Request ID -> the decisions the server logged for it."""
    out = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        if record.get("evaluations"):
            out[record["requestID"]] = record["evaluations"]
    return out


def key_diff(model, logged):
    """Keys (and values) the model has and the server's context lacks, and the reverse."""
    fold = lambda entries: {e["ContextKeyName"].lower(): sorted(e["ContextKeyValues"]) for e in entries}
    mine, theirs = fold(model), fold(logged)
    return {
        "missing_on_server": {k: v for k, v in mine.items() if theirs.get(k) != v},
        "extra_on_server": sorted(set(theirs) - set(mine)),
    }


def test_server_decisions_equal_the_simulator_on_the_documented_context(audited):
    endpoint, log = audited
    rng = random.Random(SEED)
    world = build(endpoint, rng)
    observed, requests, request_ids = [], [], []
    sessions = []
    for _ in range(CALLS):
        if rng.random() < 0.1:
            outcome, request, session = assume(world, rng, endpoint, rng.choice(list(world.users)))
            if session:
                sessions.append(session)
        elif sessions and rng.random() < 0.3:
            outcome, request = one_call(world, rng, rng.choice(sessions))
        else:
            outcome, request = one_call(world, rng, user_caller(world, rng.choice(list(world.users))))
        observed.append(outcome)
        requests.append(request)
        request_ids.append(LAST_REQUEST_ID[0])
    expected = simulate(requests)
    # The generator must exercise all three outcomes, or it proves little.
    kinds = set(observed)
    assert kinds == {"allowed", "explicitDeny", "implicitDeny"}, kinds
    assert any(r["ActionName"] == "sts:AssumeRole" for r in requests)

    # 1. The server's own record of each IAM decision replays to the same decision.
    logged = logged_evaluations(log)
    replays, replayed_from = [], []
    for i, request in enumerate(requests):
        if request["ActionName"].startswith("iam:"):
            evaluations = logged.get(request_ids[i], [])
            assert evaluations, f"no evaluation logged for call {i} ({request['ActionName']})"
            for evaluation in evaluations:
                replays.append({
                    "PolicyInputList": request["PolicyInputList"],
                    "CallerArn": request["CallerArn"],
                    "ActionName": evaluation["ActionName"],
                    "ResourceArn": evaluation["ResourceArn"],
                    "ContextEntries": evaluation["ContextEntries"],
                })
                replayed_from.append(evaluation["EvalDecision"])
    replayed = simulate(replays)
    differing = [i for i in range(len(replays)) if replayed[i] != replayed_from[i]]
    assert not differing, (
        f"{len(differing)} logged decisions replay differently; first: "
        + json.dumps({"logged": replayed_from[differing[0]], "replayed": replayed[differing[0]],
                      "request": replays[differing[0]]}, indent=1)
    )

    # 2. Each decision equals the simulator's on the context AWS documents.
    mismatches = [i for i in range(len(requests)) if observed[i] != expected[i]]
    if mismatches:
        first = mismatches[0]
        evaluations = logged.get(request_ids[first], [])
        diff = key_diff(requests[first]["ContextEntries"],
                        evaluations[-1]["ContextEntries"] if evaluations else [])
        by_action = {}
        for i in mismatches:
            by_action[requests[i]["ActionName"]] = by_action.get(requests[i]["ActionName"], 0) + 1
        pytest.fail(
            f"{len(mismatches)} of {len(requests)} decisions differ (seed {SEED}), by action "
            f"{by_action}; first, call {first}: server {observed[first]}, simulator "
            f"{expected[first]}; context keys {json.dumps(diff)}; request "
            + json.dumps(requests[first], indent=1)
        )
