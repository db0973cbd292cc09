"""Fixtures for the end-to-end tests: a live `ironiam serve --ephemeral` on 127.0.0.1,
driven by the real AWS CLI and boto3 (pinned in requirements.txt)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCOUNT_ID = "111122223333"
REGION = "us-east-1"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(*extra):
    """Starts `ironiam serve --ephemeral` on a free port; returns (process, endpoint)."""
    binary = os.environ.get("IRONIAM_BIN", str(ROOT / "target" / "debug" / "ironiam"))
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            binary, "serve", "--ephemeral",
            "--listen", f"127.0.0.1:{port}",
            "--account-id", ACCOUNT_ID,
            "--root-access-key-id", ROOT_KEY_ID,
            "--root-secret-access-key", ROOT_SECRET,
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/health", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"ironiam serve did not become healthy:\n{output}")
        time.sleep(0.1)
    return process, endpoint


def stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server():
    """One server for the session; each test resets it to its first-start state."""
    process, endpoint = start_server()
    yield endpoint
    stop_server(process)


@pytest.fixture
def endpoint(server):
    request = urllib.request.Request(
        f"{server}/_ironiam/reset", method="POST", data=b"", headers={"X-Ironiam-Reset": "1"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status in (200, 204)
    return server


def client(endpoint, key_id, secret, service="iam", token=None):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )


@pytest.fixture
def root_iam(endpoint):
    return client(endpoint, ROOT_KEY_ID, ROOT_SECRET)


class Cli:
    """The real AWS CLI, as a user would run it."""

    def __init__(self, endpoint, key_id, secret):
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": key_id,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        self.aws = str(Path(sys.executable).parent / "aws")

    def run(self, *args):
        """Runs `aws ARGS --output json`; returns (exit code, parsed stdout or None, stderr)."""
        result = subprocess.run(
            [self.aws, *args, "--output", "json"], env=self.env, capture_output=True, text=True, timeout=60
        )
        body = json.loads(result.stdout) if result.stdout.strip() else None
        return result.returncode, body, result.stderr

    def ok(self, *args):
        code, body, stderr = self.run(*args)
        assert code == 0, f"aws {' '.join(args)} failed: {stderr}"
        return body

    def fails(self, *args):
        code, _, stderr = self.run(*args)
        assert code != 0, f"aws {' '.join(args)} unexpectedly succeeded"
        return stderr


@pytest.fixture
def root_cli(endpoint):
    return Cli(endpoint, ROOT_KEY_ID, ROOT_SECRET)
