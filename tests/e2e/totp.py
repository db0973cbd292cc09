"""One-time codes for the end-to-end tests, from pyotp: an implementation independent of
ironiam's, so a test never checks ironiam's TOTP against itself."""

import time

import pyotp

STEP = 30


# The last step each secret's codes were used for, so the next code is always a later one.
_USED = {}


def _step(at):
    return int(at // STEP)


def enable_codes(secret):
    """Two consecutive codes, as EnableMFADevice wants them: the previous step's and the
    current step's, so the test never waits for a step to pass."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    _USED[secret] = _step(now)
    return totp.at(now - STEP), totp.at(now)


def next_code(secret):
    """A code not used before, inside the server's sign-in window.

    The server accepts its current step plus or minus one, shifted by the drift it
    measured at EnableMFADevice. When the enable request crossed a step boundary on its
    way, the server saw the codes one step late and recorded a drift of -1; the step
    after the current one is then outside its window. The step after the last used one,
    or the current step once that is later, is inside the window in both cases, even
    when this request too crosses a boundary."""
    now = time.time()
    used = _USED.get(secret)
    step = _step(now) + 1 if used is None else max(used + 1, _step(now))
    _USED[secret] = step
    return pyotp.TOTP(secret).at(step * STEP)


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
