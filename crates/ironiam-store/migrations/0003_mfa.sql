-- Virtual MFA devices and the credential report. Additive only.
--
-- A device's serial number is its ARN (`arn:aws:iam::ACCOUNT:mfa/PATH/NAME`);
-- `serial_key` is the serial case-folded by the store, which uniqueness,
-- lookups and ordering use, as for every other IAM name. The seed is sealed
-- with the master key (XChaCha20-Poly1305), bound to the serial number.
--
-- A device is assigned to at most one owner: an IAM user (`user_id`) or the
-- account's root user (`assigned_to_root`). The user reference restricts
-- deletion (DeleteUser answers DeleteConflict first; this is the backstop).
--
-- The verify state is ironiam-mfa's MfaState: the drift measured by the
-- last enable or resync, the last accepted TOTP step (replay protection),
-- consecutive failures and the lock they caused.

CREATE TABLE virtual_mfa_device (
    serial_number TEXT PRIMARY KEY,
    serial_key TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    seed BLOB NOT NULL,                      -- XChaCha20-Poly1305, bound to serial_number
    tags TEXT NOT NULL,                      -- JSON array of {key, value}
    create_date INTEGER NOT NULL,
    user_id TEXT REFERENCES iam_user (id),   -- assigned IAM user, if any
    assigned_to_root INTEGER NOT NULL DEFAULT 0,
    enable_date INTEGER,                     -- set exactly when assigned
    drift INTEGER NOT NULL DEFAULT 0,        -- steps ahead (+) or behind (-) the server
    last_step INTEGER,                       -- last accepted TOTP step
    failures INTEGER NOT NULL DEFAULT 0,     -- consecutive failed attempts
    locked_until INTEGER,                    -- seconds since the UNIX epoch
    CHECK (NOT (user_id IS NOT NULL AND assigned_to_root)),
    CHECK ((user_id IS NOT NULL OR assigned_to_root) = (enable_date IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX virtual_mfa_device_serial ON virtual_mfa_device (account_id, serial_key);
CREATE INDEX virtual_mfa_device_user ON virtual_mfa_device (user_id) WHERE user_id IS NOT NULL;

-- One credential report per account: the latest snapshot, replaced when a
-- new one is generated.
CREATE TABLE credential_report (
    account_id TEXT PRIMARY KEY REFERENCES account (id),
    generated_time INTEGER NOT NULL,
    content TEXT NOT NULL                    -- the CSV, exactly as GetCredentialReport returns it
) STRICT;
