-- The web console's per-account settings, which AWS has no API for (so they live
-- beside the account rather than in it): today one, "require MFA enrollment at
-- first sign-in". A missing row means every setting is off. Additive only.

CREATE TABLE console_setting (
    account_id TEXT PRIMARY KEY REFERENCES account (id),
    require_mfa_enrollment INTEGER NOT NULL     -- 0 or 1
) STRICT;
