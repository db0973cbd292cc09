"""Prints a wrk Lua script that sends COUNT distinct SigV4-signed CreateUser requests
(unique user names), split between wrk's threads, so that a load test measures durable
writes rather than a client's signing speed. Signatures stay valid for 15 minutes.

usage: sign_many.py ENDPOINT ACCESS_KEY_ID SECRET COUNT
"""

import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, key_id, secret, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
auth = SigV4Auth(Credentials(key_id, secret), "iam", "us-east-1")


def lua(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# LuaJIT caps the constants of one function, so the table is filled by many small ones.
print("local requests = {}")
print("local function add(r) requests[#requests + 1] = r end")
for n in range(count):
    if n % 1000 == 0:
        print("fill = function()" if n == 0 else "end\nfill()\nfill = function()")
    body = f"Action=CreateUser&Version=2010-05-08&UserName=load-{n}"
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    auth.add_auth(request)
    # wrk.format runs before wrk knows the host, so the signed Host header goes in too.
    host = endpoint.split("://", 1)[1]
    headers = ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in [("Host", host), *request.headers.items()] if k != "host")
    print(f'  add(wrk.format("POST", "/", {{{headers}}}, {lua(body)}))')
if count:
    print("end\nfill()")
print("""
local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end
function init(args)
  stride = 2
  index = tonumber(first)
end
function request()
  local r = requests[(index % #requests) + 1]
  index = index + stride
  return r
end
""")
