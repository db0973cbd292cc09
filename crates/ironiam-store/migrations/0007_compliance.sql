-- AWS Config rules and their evaluation results (MFA compliance). Additive only.
--
-- A rule belongs to one account and one region, as in AWS Config: its name is
-- unique within them (AWS compares rule names exactly, so no case-folded key).
-- `id` is Config's `config-rule-` and 6 characters; the ARN is
-- `arn:aws:config:REGION:ACCOUNT:config-rule/ID`. Only AWS managed rules are
-- stored (the owner is always `AWS`): `source_identifier` names one, and
-- `input_parameters` keeps the JSON text the caller sent, so it is returned as
-- it was given. `scope` is the rule's Scope as JSON, NULL when none was given.
--
-- Each evaluation result is the latest verdict of one rule on one resource
-- (`AWS::IAM::User` by user ID, `AWS::::Account` by account ID); results go
-- with their rule.

CREATE TABLE config_rule (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id),
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    description TEXT,
    source_identifier TEXT NOT NULL,
    input_parameters TEXT,
    scope TEXT,                              -- JSON ConfigRuleScope, or NULL
    maximum_execution_frequency TEXT,
    state TEXT NOT NULL,
    tags TEXT NOT NULL,                      -- JSON array of {key, value}
    create_date INTEGER NOT NULL,
    last_evaluated INTEGER                   -- when the rule last ran, if ever
) STRICT;
CREATE UNIQUE INDEX config_rule_name ON config_rule (account_id, region, name);

CREATE TABLE evaluation_result (
    rule_id TEXT NOT NULL REFERENCES config_rule (id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    compliance TEXT NOT NULL CHECK (compliance IN ('COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE')),
    annotation TEXT,
    ordering_time INTEGER NOT NULL,          -- the change (or request) that caused the evaluation
    invoked_time INTEGER NOT NULL,           -- when the rule ran
    recorded_time INTEGER NOT NULL,          -- when the result was stored
    PRIMARY KEY (rule_id, resource_type, resource_id)
) STRICT;
