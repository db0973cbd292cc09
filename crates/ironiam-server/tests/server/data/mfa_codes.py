#!/usr/bin/env python3
"""Writes mfa_codes.json: TOTP codes from pyotp (independent of ironiam) for a
few fixed seeds, at every 30-second step around the server tests' fixed clock
(tests/server/harness.rs: NOW = 1_700_000_000). The server tests store these
seeds in virtual MFA devices and submit these codes; nothing in them comes
from ironiam's own TOTP code. Deterministic: rerunning reproduces the file.

    /work/main/.venv/bin/python crates/ironiam-server/tests/server/data/mfa_codes.py
"""

import base64
import importlib.metadata
import json
import pathlib
import random

import pyotp

HERE = pathlib.Path(__file__).resolve().parent
NOW = 1_700_000_000
SPAN = 40  # steps either side of NOW's step


def device(rng, length):
    seed = rng.randbytes(length)
    secret = base64.b32encode(seed).decode().rstrip("=")
    totp = pyotp.TOTP(secret)  # SHA1, 6 digits, 30 s: AWS's parameters
    step = NOW // 30
    codes = {str(s): totp.at(s * 30) for s in range(step - SPAN, step + SPAN + 1)}
    return {"secret": secret, "seed_hex": seed.hex(), "codes": codes}


def main():
    rng = random.Random(4226)
    # Nine devices: one user may have eight in use, so the ninth is refused.
    devices = [device(rng, 40 if i % 2 == 0 else 20) for i in range(9)]
    out = {
        "generator": "pyotp " + importlib.metadata.version("pyotp") + ", via mfa_codes.py",
        "now": NOW,
        "devices": devices,
    }
    (HERE / "mfa_codes.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
