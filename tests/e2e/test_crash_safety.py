"""Durability: SIGKILL the server in the middle of a burst of CreateUser calls, restart it
on the same data directory, and every user whose CreateUser got a 200 must exist."""

import os
import signal
import subprocess
import threading
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from conftest import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, client, free_port

BINARY = os.environ.get("IRONIAM_BIN")


def start(data_dir, port):
    process = subprocess.Popen(
        [BINARY, "serve", "--data-dir", str(data_dir), "--listen", f"127.0.0.1:{port}",
         "--account-id", ACCOUNT_ID, "--root-access-key-id", ROOT_KEY_ID,
         "--root-secret-access-key", ROOT_SECRET],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("ironiam serve did not start")


@pytest.mark.skipif(not BINARY, reason="IRONIAM_BIN is set by scripts/test.sh")
def test_acknowledged_creates_survive_sigkill(tmp_path):
    port = free_port()
    server = start(tmp_path, port)
    endpoint = f"http://127.0.0.1:{port}"
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(worker):
        iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
        n = 0
        while not stop.is_set():
            name = f"user-{worker}-{n}"
            n += 1
            try:
                iam.create_user(UserName=name)
            except (ClientError, EndpointConnectionError, Exception):  # noqa: BLE001 - the server dies mid-call
                continue
            with lock:
                acknowledged.append(name)

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 10, "the burst should have created users before the kill"

    server = start(tmp_path, port)
    try:
        iam = client(endpoint, ROOT_KEY_ID, ROOT_SECRET)
        existing = set()
        for page in iam.get_paginator("list_users").paginate():
            existing.update(user["UserName"] for user in page["Users"])
        missing = sorted(set(acknowledged) - existing)
        assert not missing, f"{len(missing)} acknowledged users lost, e.g. {missing[:5]}"
    finally:
        server.terminate()
        server.wait(timeout=10)
