-- The initial IAM schema.
--
-- Every name has a `name_key` beside it: the name case-folded by the store
-- (Rust's `to_lowercase`, Unicode-aware and identical in every backend).
-- Uniqueness and ordering use it, because IAM names are unique
-- case-insensitively within an account, per entity type.
--
-- Child rows refer to their parents with foreign keys that restrict deletion
-- (IAM's DeleteConflict is checked by the caller first; these are the
-- database's backstop). Policy versions go with their policy.

CREATE TABLE account (
    id TEXT PRIMARY KEY,
    alias TEXT UNIQUE,
    password_policy TEXT,               -- JSON; NULL when none is set
    root_password TEXT,                 -- Argon2id PHC string
    create_date INTEGER NOT NULL        -- seconds since the UNIX epoch
) STRICT;

CREATE TABLE iam_user (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date INTEGER NOT NULL,
    permissions_boundary TEXT,
    tags TEXT NOT NULL,                 -- JSON array of {key, value}
    password_last_used INTEGER
) STRICT;
CREATE UNIQUE INDEX iam_user_name ON iam_user (account_id, name_key);
CREATE INDEX iam_user_boundary ON iam_user (permissions_boundary)
    WHERE permissions_boundary IS NOT NULL;

CREATE TABLE iam_group (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX iam_group_name ON iam_group (account_id, name_key);

CREATE TABLE iam_role (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date INTEGER NOT NULL,
    assume_role_policy_document TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary TEXT,
    tags TEXT NOT NULL,
    last_used_date INTEGER,
    last_used_region TEXT
) STRICT;
CREATE UNIQUE INDEX iam_role_name ON iam_role (account_id, name_key);
CREATE INDEX iam_role_boundary ON iam_role (permissions_boundary)
    WHERE permissions_boundary IS NOT NULL;

CREATE TABLE group_membership (
    group_id TEXT NOT NULL REFERENCES iam_group (id),
    user_id TEXT NOT NULL REFERENCES iam_user (id),
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_membership_user ON group_membership (user_id);

CREATE TABLE managed_policy (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    description TEXT,
    default_version INTEGER NOT NULL,
    latest_version INTEGER NOT NULL,
    is_attachable INTEGER NOT NULL,
    create_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL,
    tags TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX managed_policy_name ON managed_policy (account_id, name_key);

CREATE TABLE policy_version (
    policy_id TEXT NOT NULL REFERENCES managed_policy (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    create_date INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE user_policy_attachment (
    principal_id TEXT NOT NULL REFERENCES iam_user (id),
    policy_id TEXT NOT NULL REFERENCES managed_policy (id),
    PRIMARY KEY (principal_id, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_policy_attachment_policy ON user_policy_attachment (policy_id);

CREATE TABLE group_policy_attachment (
    principal_id TEXT NOT NULL REFERENCES iam_group (id),
    policy_id TEXT NOT NULL REFERENCES managed_policy (id),
    PRIMARY KEY (principal_id, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_policy_attachment_policy ON group_policy_attachment (policy_id);

CREATE TABLE role_policy_attachment (
    principal_id TEXT NOT NULL REFERENCES iam_role (id),
    policy_id TEXT NOT NULL REFERENCES managed_policy (id),
    PRIMARY KEY (principal_id, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_policy_attachment_policy ON role_policy_attachment (policy_id);

CREATE TABLE user_inline_policy (
    principal_id TEXT NOT NULL REFERENCES iam_user (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (principal_id, name_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_inline_policy (
    principal_id TEXT NOT NULL REFERENCES iam_group (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (principal_id, name_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE role_inline_policy (
    principal_id TEXT NOT NULL REFERENCES iam_role (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (principal_id, name_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_key (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    user_id TEXT REFERENCES iam_user (id),   -- NULL for the root user
    secret BLOB NOT NULL,                    -- XChaCha20-Poly1305, bound to id
    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    create_date INTEGER NOT NULL,
    last_used_date INTEGER,
    last_used_service TEXT,
    last_used_region TEXT
) STRICT;
CREATE INDEX access_key_owner ON access_key (account_id, user_id);

CREATE TABLE login_profile (
    user_id TEXT PRIMARY KEY REFERENCES iam_user (id),
    password_hash TEXT NOT NULL,             -- Argon2id PHC string
    password_reset_required INTEGER NOT NULL,
    create_date INTEGER NOT NULL
) STRICT;

-- Managed policies with the counts IAM reports, derived so they can never
-- drift from the attachments themselves.
CREATE VIEW managed_policy_view AS
SELECT p.*,
    (SELECT count(*) FROM user_policy_attachment a WHERE a.policy_id = p.id)
    + (SELECT count(*) FROM group_policy_attachment a WHERE a.policy_id = p.id)
    + (SELECT count(*) FROM role_policy_attachment a WHERE a.policy_id = p.id)
        AS attachment_count,
    (SELECT count(*) FROM iam_user u WHERE u.permissions_boundary = p.arn)
    + (SELECT count(*) FROM iam_role r WHERE r.permissions_boundary = p.arn)
        AS permissions_boundary_usage_count
FROM managed_policy p;
