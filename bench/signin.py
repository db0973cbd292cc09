"""Console sign-in under parallel attempts: the throttle's promise and Argon2's memory.

Starts `ironiam serve --ephemeral` on 127.0.0.1, then:

1. 60 parallel wrong passwords for one existing user (one source address): how many
   passwords were checked (401) and how many refused before any Argon2 work (429).
   The docs promise 5 free failures per user name.
2. 200 parallel attempts for unknown users, each from its own loopback address
   (127.0.0.2 ...) and with its own user name, so neither throttle stops them and
   every one needs Argon2: the server's peak RSS (VmHWM), its RSS after, and how many
   were told to try again (503) by the Argon2 gate.

Bounded: every request has a 30 s timeout, the server is stopped at the end.

usage: python bench/signin.py [path/to/ironiam]   (needs boto3: the e2e venv)
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import boto3

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/ironiam"
ACCOUNT = "111122223333"
ROOT_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PASSWORD = "Correct-Horse-9"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def attempt(port, source, path, fields, out, index):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
        conn.request("GET", path)
        page = conn.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode({"csrf": token, **fields})
        conn.request("POST", path, form, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        reply = conn.getresponse()
        reply.read()
        out[index] = reply.status
        conn.close()
    except Exception as err:  # a failed attempt is reported, not fatal
        out[index] = f"error: {err}"


def parallel(port, jobs):
    out = [None] * len(jobs)
    threads = [threading.Thread(target=attempt, args=(port, *job, out, i)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = {}
    for status in out:
        counts[status] = counts.get(status, 0) + 1
    return counts


def main():
    port = free_port()
    env = dict(os.environ, IRONIAM_ROOT_PASSWORD="Root-Passw0rd!", RUST_LOG="warn")
    server = subprocess.Popen(
        [BIN, "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}", "--account-id", ACCOUNT,
         "--root-access-key-id", ROOT_ID],
        env=dict(env, IRONIAM_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
                break
            except OSError:
                time.sleep(0.1)
        iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                           aws_access_key_id=ROOT_ID, aws_secret_access_key=ROOT_SECRET)
        iam.create_user(UserName="alice")
        iam.create_login_profile(UserName="alice", Password=PASSWORD)
        print(f"server: {BIN}, cores: {os.cpu_count()}")
        print(f"RSS at start: {status_kb(server.pid, 'VmRSS') / 1024:.0f} MiB")

        fields = {"account": ACCOUNT, "username": "alice", "password": "wrong-password"}
        started = time.monotonic()
        counts = parallel(port, [("127.0.0.1", "/console/signin", fields)] * 60)
        print(f"60 parallel wrong passwords for alice: {counts} in {time.monotonic() - started:.1f} s "
              f"(401 = password checked, 429 = throttled before Argon2)")

        print(f"RSS after the 60: {status_kb(server.pid, 'VmRSS') / 1024:.0f} MiB")
        jobs = [(f"127.0.0.{2 + i}", "/console/signin",
                 {"account": ACCOUNT, "username": f"nobody{i}", "password": "wrong-password"})
                for i in range(200)]
        started = time.monotonic()
        counts = parallel(port, jobs)
        print(f"200 parallel attempts, unknown users, 200 addresses: {counts} in {time.monotonic() - started:.1f} s "
              f"(503 = Argon2 gate full, try again)")
        print(f"peak RSS (VmHWM): {status_kb(server.pid, 'VmHWM') / 1024:.0f} MiB, "
              f"threads: {status_kb(server.pid, 'Threads')}")
        time.sleep(5)
        print(f"RSS 5 s after: {status_kb(server.pid, 'VmRSS') / 1024:.0f} MiB")
        time.sleep(10)
        print(f"RSS 15 s after (idle blocking threads gone): {status_kb(server.pid, 'VmRSS') / 1024:.0f} MiB, "
              f"threads: {status_kb(server.pid, 'Threads')}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
