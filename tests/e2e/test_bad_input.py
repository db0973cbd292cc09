"""Requests a client gets wrong get AWS's error, never a 500 and never a crash: unsigned,
badly signed, from a clock off by more than 15 minutes, malformed, oversized, or for the
wrong API version."""

import datetime
from unittest import mock
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import REGION, ROOT_KEY_ID, ROOT_SECRET

NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"


def send(endpoint, body, headers=None, method="POST"):
    request = urllib.request.Request(endpoint + "/", data=body.encode() if body is not None else None,
                                     method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed(endpoint, body, secret=ROOT_SECRET, when=None):
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    auth = SigV4Auth(Credentials(ROOT_KEY_ID, secret), "iam", REGION)
    if when is None:
        auth.add_auth(request)
    else:
        # botocore stamps the current time; sign as if at `when` instead.
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(request)
    return dict(request.headers.items())


def error_code(body):
    root = ET.fromstring(body)
    code = root.find(f"{NS}Error/{NS}Code")
    if code is None:
        code = root.find("Error/Code")
    return code.text if code is not None else None


def test_unsigned_request_is_missing_authentication_token(endpoint):
    status, body = send(endpoint, "Action=ListUsers&Version=2010-05-08",
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert error_code(body) == "MissingAuthenticationToken"


def test_wrong_secret_is_signature_does_not_match(endpoint):
    body = "Action=ListUsers&Version=2010-05-08"
    status, response = send(endpoint, body, signed(endpoint, body, secret="not-the-secret"))
    assert status == 403
    assert error_code(response) == "SignatureDoesNotMatch"


def test_clock_skew_beyond_fifteen_minutes_is_refused(endpoint):
    body = "Action=ListUsers&Version=2010-05-08"
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    status, response = send(endpoint, body, signed(endpoint, body, when=when))
    assert status == 403
    assert error_code(response) == "SignatureDoesNotMatch"
    assert "Signature expired" in response


def test_signed_but_tampered_body_is_refused(endpoint):
    body = "Action=ListUsers&Version=2010-05-08"
    headers = signed(endpoint, body)
    status, response = send(endpoint, "Action=ListUsers&Version=2010-05-08&MaxItems=5", headers)
    assert status in (400, 403)
    assert error_code(response) is not None


def test_wrong_version_and_unknown_action_are_client_errors(endpoint):
    for body in ("Action=ListUsers&Version=2001-01-01", "Action=NoSuchThing&Version=2010-05-08"):
        status, response = send(endpoint, body, signed(endpoint, body))
        assert 400 <= status < 500, response
        assert error_code(response) is not None


def test_malformed_and_invalid_parameters_are_validation_errors(endpoint):
    for body in ("Action=CreateUser&Version=2010-05-08&UserName=" + "a" * 65,
                 "Action=ListUsers&Version=2010-05-08&MaxItems=0",
                 "Action=CreateUser&Version=2010-05-08&UserName=%ZZ"):
        status, response = send(endpoint, body, signed(endpoint, body))
        assert 400 <= status < 500, response
        assert error_code(response) is not None


def test_oversized_body_is_refused_without_a_server_error(endpoint):
    body = "Action=ListUsers&Version=2010-05-08&Pad=" + "x" * (2 * 1024 * 1024)
    status, _ = send(endpoint, body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= status < 500


def test_server_is_still_healthy_after_bad_input(endpoint):
    with urllib.request.urlopen(endpoint + "/health", timeout=5) as response:
        assert response.status == 200
