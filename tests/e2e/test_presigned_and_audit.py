"""The presigned (query-string) form of SigV4, and the audit log: every call is one
CloudTrail-shaped JSON line, and no secret ever appears in it."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, client, free_port

BINARY = os.environ.get("IRONIAM_BIN")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_presigned_get_is_verified_like_a_signed_post(endpoint, root_iam):
    root_iam.create_user(UserName="presigned-alice")
    url = root_iam.generate_presigned_url("list_users", Params={}, ExpiresIn=300, HttpMethod="GET")
    assert "X-Amz-Signature=" in url and "X-Amz-Credential=" in url
    status, body = fetch(url)
    assert status == 200, body
    assert "<UserName>presigned-alice</UserName>" in body
    # One changed byte of the signature and the request is refused.
    tampered = url.replace("X-Amz-Signature=", "X-Amz-Signature=0", 1)
    status, body = fetch(tampered[: tampered.index("X-Amz-Signature=") + len("X-Amz-Signature=") + 64])
    assert status == 403
    assert "SignatureDoesNotMatch" in body


@pytest.mark.skipif(not BINARY, reason="IRONIAM_BIN is set by scripts/test.sh")
def test_audit_log_records_every_call_without_secrets(tmp_path):
    audit = tmp_path / "audit.jsonl"
    port = free_port()
    server = subprocess.Popen(
        [BINARY, "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}", "--account-id", ACCOUNT_ID,
         "--root-access-key-id", ROOT_KEY_ID, "--root-secret-access-key", ROOT_SECRET,
         "--audit-log", str(audit)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
        iam.create_user(UserName="audited")
        key = iam.create_access_key(UserName="audited")["AccessKey"]
        iam.create_login_profile(UserName="audited", Password="Corr3ct-Horse-Battery!")
        user = client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(Exception) as denied:
            user.create_user(UserName="not-allowed")
        assert "AccessDenied" in str(denied.value)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = audit.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    names = [record["eventName"] for record in records]
    assert names == ["CreateUser", "CreateAccessKey", "CreateLoginProfile", "CreateUser"]
    for record in records:
        assert record["eventSource"] == "iam.amazonaws.com"
        assert record["requestID"] and record["eventTime"] and record["sourceIPAddress"]
        assert record["userIdentity"]["accountId"] == ACCOUNT_ID
    assert records[0]["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert records[-1]["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/audited"
    assert records[-1]["errorCode"] == "AccessDenied"
    assert records[-1]["decision"] == "implicitDeny"
    # No secret access key, root secret or password anywhere in the trail.
    for secret in (key["SecretAccessKey"], ROOT_SECRET, "Corr3ct-Horse-Battery!"):
        assert secret not in text
