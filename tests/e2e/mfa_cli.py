"""The AWS CLI steps the seed tutorials take to set up and use a virtual MFA device."""

import tempfile
from pathlib import Path

from conftest import Cli
from totp import enable_codes, next_code


class SessionCli(Cli):
    """The AWS CLI with temporary credentials (AWS_SESSION_TOKEN)."""

    def __init__(self, endpoint, credentials):
        super().__init__(endpoint, credentials["AccessKeyId"], credentials["SecretAccessKey"])
        self.env["AWS_SESSION_TOKEN"] = credentials["SessionToken"]


def create_device(cli, name):
    """`aws iam create-virtual-mfa-device --bootstrap-method Base32StringSeed`: the seed goes to
    the outfile, as the CLI writes it. Returns (serial number, base32 seed)."""
    with tempfile.TemporaryDirectory() as scratch:
        outfile = Path(scratch) / "seed.txt"
        device = cli.ok("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", name,
                        "--outfile", str(outfile), "--bootstrap-method", "Base32StringSeed")
        secret = outfile.read_text().strip()
    return device["VirtualMFADevice"]["SerialNumber"], secret


def enable_device(cli, user, serial, secret):
    code1, code2 = enable_codes(secret)
    cli.ok("iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
           "--authentication-code1", code1, "--authentication-code2", code2)


def mfa_session(cli, serial, secret, code=None):
    """`aws sts get-session-token` with the device; returns a CLI with the session's credentials."""
    token = code or next_code(secret)
    reply = cli.ok("sts", "get-session-token", "--serial-number", serial, "--token-code", token)
    return SessionCli(cli.env["AWS_ENDPOINT_URL"], reply["Credentials"])


