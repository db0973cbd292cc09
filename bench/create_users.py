"""Durable CreateUser throughput: PROCESSES clients, each signing with botocore and sending
over one keep-alive connection, create users with unique names against a server that
commits every write to SQLite (synchronous=FULL) before it answers.

The client runs on the same 2 cores as the server, and Python signing costs about as much
as the server's work, so the figure is a lower bound; the same client sending signed
GetAccessKeyLastUsed calls (a read) is reported beside it as the baseline.

usage: create_users.py ENDPOINT KEY_ID SECRET [SECONDS] [PROCESSES]
"""

import http.client
import multiprocessing
import sys
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def worker(args):
    endpoint, key_id, secret, seconds, index, action = args
    url = urllib.parse.urlparse(endpoint)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    auth = SigV4Auth(Credentials(key_id, secret), "iam", "us-east-1")
    done = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if action == "CreateUser":
            body = f"Action=CreateUser&Version=2010-05-08&UserName=load-{index}-{done + errors}"
        else:
            body = f"Action=GetAccessKeyLastUsed&Version=2010-05-08&AccessKeyId={key_id}"
        request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        auth.add_auth(request)
        connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            done += 1
        else:
            errors += 1
    return done, errors


def run(endpoint, key_id, secret, seconds, processes, action):
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(worker, [(endpoint, key_id, secret, seconds, i, action) for i in range(processes)])
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    print(f"{action}: {done / seconds:.0f} per second ({done} in {seconds}s, {errors} errors, {processes} clients)")


if __name__ == "__main__":
    endpoint, key_id, secret = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 10
    processes = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    run(endpoint, key_id, secret, seconds, processes, "CreateUser")
    run(endpoint, key_id, secret, seconds, processes, "GetAccessKeyLastUsed")
