#!/usr/bin/env python3
"""Writes oathtool_vectors.json: TOTP codes from Debian's oathtool
(liboath), an implementation independent of ironiam-mfa and of pyotp.
Deterministic: secrets and times come from a seeded PRNG.

    apt-get install -y oathtool
    python3 crates/ironiam-mfa/tests/data/oathtool_codes.py
"""

import base64
import json
import pathlib
import random
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
END_2100 = 4102444800  # 2100-01-01T00:00:00Z


def row(rng, algorithm, digits, period):
    secret = base64.b32encode(rng.randbytes(20)).decode()
    time = rng.randrange(0, END_2100)
    code = subprocess.run(
        [
            "oathtool",
            f"--totp={algorithm}",
            "--base32",
            f"--digits={digits}",
            f"--time-step-size={period}s",
            f"--now=@{time}",
            secret,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "secret": secret.rstrip("="),
        "time": time,
        "algorithm": algorithm,
        "digits": digits,
        "period": period,
        "code": code,
    }


def main():
    rng = random.Random(4226)
    rows = [row(rng, "SHA1", 6, 30) for _ in range(50)]
    for algorithm in ("SHA1", "SHA256", "SHA512"):
        for digits, period in ((8, 30), (7, 60)):
            rows += [row(rng, algorithm, digits, period) for _ in range(2)]
    version = subprocess.run(
        ["oathtool", "--version"], check=True, capture_output=True, text=True
    ).stdout.splitlines()[0]
    out = {"generator": f"{version}, via oathtool_codes.py", "rows": rows}
    (HERE / "oathtool_vectors.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
