-- Who created each virtual MFA device. Additive only.
--
-- A failed EnableMFADevice against an unassigned device counts towards its
-- lockout only when the device's creator makes it, so that nobody else can lock
-- a device somebody is about to enable (issue 10, docs/mfa.md). The column holds
-- the creator's `aws:userid` (a user ID, `ROLEID:session`, or the account ID for
-- the root user); devices created before this migration have none, and then no
-- caller's failures count while they stay unassigned.
ALTER TABLE virtual_mfa_device ADD COLUMN creator TEXT;
