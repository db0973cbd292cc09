-- AWS Organizations: an organization created by its management account, its
-- root, organizational units, member accounts, CreateAccount requests,
-- policies and their attachments. A member account is also an `account` row:
-- its own IAM namespace.
--
-- A parent is a root or an OU; each gets its own foreign key column and
-- exactly one is set, so the database keeps the tree whole (an OU with
-- children or accounts cannot be deleted from under them). Policy targets
-- (roots, OUs, accounts) are checked by the store when attaching and their
-- attachments removed with them.

-- Several accounts each keep a copy of the AWS managed policies, under the same
-- ARN (`arn:aws:iam::aws:policy/...`): a managed policy's ARN becomes unique per
-- account instead of globally, and a permissions boundary is counted only in its
-- own account. SQLite cannot drop a column's UNIQUE, so the table is rebuilt, in
-- this migration's transaction: foreign keys are deferred to the commit, the rows
-- (and the versions that the drop cascades away) are copied aside and put back
-- under the same IDs, so every attachment still points at its policy.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE saved_managed_policy AS SELECT * FROM managed_policy;
CREATE TEMP TABLE saved_policy_version AS SELECT * FROM policy_version;
DROP VIEW managed_policy_view;
DROP TABLE managed_policy;
CREATE TABLE managed_policy (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    description TEXT,
    default_version INTEGER NOT NULL,
    latest_version INTEGER NOT NULL,
    is_attachable INTEGER NOT NULL,
    create_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL,
    tags TEXT NOT NULL,
    UNIQUE (account_id, arn)
) STRICT;
CREATE UNIQUE INDEX managed_policy_name ON managed_policy (account_id, name_key);
INSERT INTO managed_policy (id, account_id, name, name_key, path, arn, description,
        default_version, latest_version, is_attachable, create_date, update_date, tags)
    SELECT id, account_id, name, name_key, path, arn, description,
        default_version, latest_version, is_attachable, create_date, update_date, tags
    FROM saved_managed_policy;
INSERT INTO policy_version (policy_id, version, document, create_date)
    SELECT policy_id, version, document, create_date FROM saved_policy_version;
DROP TABLE saved_managed_policy;
DROP TABLE saved_policy_version;
CREATE VIEW managed_policy_view AS
SELECT p.*,
    (SELECT count(*) FROM user_policy_attachment a WHERE a.policy_id = p.id)
    + (SELECT count(*) FROM group_policy_attachment a WHERE a.policy_id = p.id)
    + (SELECT count(*) FROM role_policy_attachment a WHERE a.policy_id = p.id)
        AS attachment_count,
    (SELECT count(*) FROM iam_user u
        WHERE u.account_id = p.account_id AND u.permissions_boundary = p.arn)
    + (SELECT count(*) FROM iam_role r
        WHERE r.account_id = p.account_id AND r.permissions_boundary = p.arn)
        AS permissions_boundary_usage_count
FROM managed_policy p;

-- The organizations.

CREATE TABLE organization (
    id TEXT PRIMARY KEY,
    management_account_id TEXT NOT NULL UNIQUE REFERENCES account (id),
    feature_set TEXT NOT NULL CHECK (feature_set IN ('ALL', 'CONSOLIDATED_BILLING')),
    create_date INTEGER NOT NULL
) STRICT;

CREATE TABLE org_root (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    name TEXT NOT NULL,
    enabled_policy_types TEXT NOT NULL      -- JSON array of policy type names
) STRICT;
CREATE INDEX org_root_organization ON org_root (organization_id);

CREATE TABLE org_unit (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    parent_root_id TEXT REFERENCES org_root (id),
    parent_unit_id TEXT REFERENCES org_unit (id),
    name TEXT NOT NULL,
    tags TEXT NOT NULL,                     -- JSON array of {key, value}
    CHECK ((parent_root_id IS NULL) <> (parent_unit_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX org_unit_name
    ON org_unit (coalesce(parent_root_id, parent_unit_id), name);

CREATE TABLE org_account (
    account_id TEXT PRIMARY KEY REFERENCES account (id),
    organization_id TEXT NOT NULL REFERENCES organization (id),
    parent_root_id TEXT REFERENCES org_root (id),
    parent_unit_id TEXT REFERENCES org_unit (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,         -- the email case-folded: one account per address
    status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE')),
    joined_method TEXT NOT NULL CHECK (joined_method IN ('INVITED', 'CREATED')),
    joined_timestamp INTEGER NOT NULL,
    tags TEXT NOT NULL,
    CHECK ((parent_root_id IS NULL) <> (parent_unit_id IS NULL))
) STRICT;
CREATE INDEX org_account_organization ON org_account (organization_id);
CREATE INDEX org_account_parent ON org_account (coalesce(parent_root_id, parent_unit_id));

CREATE TABLE org_create_account_status (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    account_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'SUCCEEDED', 'FAILED')),
    requested_timestamp INTEGER NOT NULL,
    completed_timestamp INTEGER,
    account_id TEXT REFERENCES account (id),
    failure_reason TEXT
) STRICT;

CREATE TABLE org_policy (
    organization_id TEXT NOT NULL REFERENCES organization (id),
    id TEXT NOT NULL,
    arn TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    aws_managed INTEGER NOT NULL,
    content TEXT NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
) STRICT;
CREATE UNIQUE INDEX org_policy_name ON org_policy (organization_id, name);

CREATE TABLE org_policy_attachment (
    organization_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    target_id TEXT NOT NULL,               -- a root, OU or account of the organization
    PRIMARY KEY (organization_id, policy_id, target_id),
    FOREIGN KEY (organization_id, policy_id) REFERENCES org_policy (organization_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_policy_attachment_target ON org_policy_attachment (organization_id, target_id);
