"""Prints a wrk Lua script that replays one SigV4-signed IAM request.

A SigV4 signature stays valid for 15 minutes and carries no nonce (as in AWS), so wrk can
send the same signed request over and over: the server verifies the signature, resolves
the caller, evaluates its policies and runs the operation every time.

usage: sign.py ENDPOINT ACCESS_KEY_ID SECRET 'Action=GetUser&Version=2010-05-08' [SESSION_TOKEN]

With a session token (temporary credentials), the request carries X-Amz-Security-Token.
"""

import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, key_id, secret, body = sys.argv[1:5]
token = sys.argv[5] if len(sys.argv) > 5 else None
request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials(key_id, secret, token), "iam", "us-east-1").add_auth(request)


def lua(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


print('wrk.method = "POST"')
print(f"wrk.body = {lua(body)}")
for name, value in request.headers.items():
    if name.lower() != "host":
        print(f"wrk.headers[{lua(name)}] = {lua(value)}")
