"""One-time codes for the end-to-end tests, from pyotp: an implementation independent of
ironiam's, so a test never checks ironiam's TOTP against itself."""

import time

import pyotp

STEP = 30


def enable_codes(secret):
    """Two consecutive codes, as EnableMFADevice wants them: the previous step's and the
    current step's, so the test never waits for a step to pass."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    return totp.at(now - STEP), totp.at(now)


def next_code(secret):
    """A code enable_codes did not use: the next step's, inside the sign-in window of
    the current step plus or minus one."""
    return pyotp.TOTP(secret).at(time.time() + STEP)


def wrong_code(secret):
    """A well-formed code that is valid for none of the steps near now."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    near = {totp.at(now + offset * STEP) for offset in range(-3, 4)}
    for candidate in range(1_000_000):
        code = f"{candidate:06d}"
        if code not in near:
            return code
    raise AssertionError("unreachable")
