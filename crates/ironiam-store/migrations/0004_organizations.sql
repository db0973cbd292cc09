-- AWS Organizations: an organization created by its management account, its
-- root, organizational units, member accounts, CreateAccount requests,
-- policies and their attachments. A member account is also an `account` row:
-- its own IAM namespace. Additive only.
--
-- A parent is a root or an OU; each gets its own foreign key column and
-- exactly one is set, so the database keeps the tree whole (an OU with
-- children or accounts cannot be deleted from under them). Policy targets
-- (roots, OUs, accounts) are checked by the store when attaching and their
-- attachments removed with them.

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
