#!/usr/bin/env python3
"""Writes pyotp_vectors.json: TOTP codes from pyotp, an implementation
independent of ironiam-mfa. Deterministic: the secrets and times come from a
seeded PRNG, so rerunning reproduces the committed file.

    /work/main/.venv/bin/python crates/ironiam-mfa/tests/data/pyotp_codes.py
"""

import base64
import hashlib
import json
import pathlib
import random

import pyotp

HERE = pathlib.Path(__file__).resolve().parent
END_2100 = 4102444800  # 2100-01-01T00:00:00Z
DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def row(rng, algorithm, digits, period, time=None):
    secret = base64.b32encode(rng.randbytes(20)).decode().rstrip("=")
    if time is None:
        time = rng.randrange(0, END_2100)
    totp = pyotp.TOTP(secret, digits=digits, digest=DIGESTS[algorithm], interval=period)
    return {
        "secret": secret,
        "time": time,
        "algorithm": algorithm,
        "digits": digits,
        "period": period,
        "code": totp.at(time),
    }


def main():
    rng = random.Random(6238)
    rows = [row(rng, "SHA1", 6, 30, t) for t in (0, 29, 30, 59, END_2100 - 1)]
    rows += [row(rng, "SHA1", 6, 30) for _ in range(60)]
    for algorithm in ("SHA1", "SHA256", "SHA512"):
        for digits, period in ((6, 30), (8, 30), (7, 60)):
            rows += [row(rng, algorithm, digits, period) for _ in range(2)]
    out = {"generator": "pyotp, via pyotp_codes.py", "rows": rows}
    (HERE / "pyotp_vectors.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
