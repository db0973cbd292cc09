-- Password reuse prevention and password age (IAM's PasswordReusePrevention
-- and MaxPasswordAge): a login profile remembers its previous password hashes
-- and when its password last changed. Additive only.

ALTER TABLE login_profile
    ADD COLUMN password_history TEXT NOT NULL DEFAULT '[]'; -- JSON array of Argon2id PHC strings, newest first
ALTER TABLE login_profile
    ADD COLUMN password_changed INTEGER;                     -- seconds since the UNIX epoch; NULL before migration 2
