//! AWS Config rules and their evaluation results: what MFA compliance keeps.
//!
//! Fields follow botocore's Config model (`config/2014-11-12`): `ConfigRule`,
//! `Scope`, `EvaluationResult` and `EvaluationResultIdentifier`. Only AWS managed
//! rules are kept, so a rule's source is its managed-rule identifier alone.

use serde::{Deserialize, Serialize};

use super::{Tag, Timestamp};

/// A rule's `Scope`: which resources it evaluates. Empty lists and `None` mean
/// "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRuleScope {
    /// `ComplianceResourceTypes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<String>,
    /// `TagKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_key: Option<String>,
    /// `TagValue` (only with a tag key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_value: Option<String>,
    /// `ComplianceResourceId` (only with exactly one resource type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// A Config rule's state (`ConfigRuleState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigRuleState {
    /// `ACTIVE`.
    Active,
    /// `EVALUATING`: an evaluation is running.
    Evaluating,
    /// `DELETING`: the rule is being deleted.
    Deleting,
    /// `DELETING_RESULTS`: its results are being deleted.
    DeletingResults,
}

impl ConfigRuleState {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Evaluating => "EVALUATING",
            Self::Deleting => "DELETING",
            Self::DeletingResults => "DELETING_RESULTS",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(Self::Active),
            "EVALUATING" => Some(Self::Evaluating),
            "DELETING" => Some(Self::Deleting),
            "DELETING_RESULTS" => Some(Self::DeletingResults),
            _ => None,
        }
    }
}

/// An AWS Config rule of one account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRule {
    /// `ConfigRuleId`: `config-rule-` and 6 characters; unique in the store.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The region it was created in (rules are regional in AWS Config).
    pub region: String,
    /// `ConfigRuleName`, unique (exactly) within the account and region.
    pub name: String,
    /// `ConfigRuleArn`: `arn:aws:config:REGION:ACCOUNT:config-rule/ID`.
    pub arn: String,
    /// `Description`, if any.
    pub description: Option<String>,
    /// `Source.SourceIdentifier`: the AWS managed rule (`Source.Owner` is `AWS`).
    pub source_identifier: String,
    /// `InputParameters`: the JSON text as the caller sent it.
    pub input_parameters: Option<String>,
    /// `Scope`, if one was given.
    pub scope: Option<ConfigRuleScope>,
    /// `MaximumExecutionFrequency`, if one was given.
    pub maximum_execution_frequency: Option<String>,
    /// `ConfigRuleState`.
    pub state: ConfigRuleState,
    /// The tags given at creation (PutConfigRule never changes them).
    pub tags: Vec<Tag>,
    /// When the rule was created.
    pub create_date: Timestamp,
    /// When the rule last ran, if ever.
    pub last_evaluated: Option<Timestamp>,
}

/// A verdict (`ComplianceType` of an `EvaluationResult`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceType {
    /// `COMPLIANT`.
    Compliant,
    /// `NON_COMPLIANT`.
    NonCompliant,
    /// `NOT_APPLICABLE`: the rule does not apply to the resource.
    NotApplicable,
}

impl ComplianceType {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "COMPLIANT",
            Self::NonCompliant => "NON_COMPLIANT",
            Self::NotApplicable => "NOT_APPLICABLE",
        }
    }

    /// Parses the wire name (`INSUFFICIENT_DATA` is never a result's verdict).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "COMPLIANT" => Some(Self::Compliant),
            "NON_COMPLIANT" => Some(Self::NonCompliant),
            "NOT_APPLICABLE" => Some(Self::NotApplicable),
            _ => None,
        }
    }
}

/// The latest verdict of one rule on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationResult {
    /// The rule's ID.
    pub rule_id: String,
    /// `AWS::IAM::User` or `AWS::::Account`.
    pub resource_type: String,
    /// The user's unique ID, or the account ID.
    pub resource_id: String,
    /// The verdict.
    pub compliance: ComplianceType,
    /// `Annotation`: why, in a sentence (at most 256 characters).
    pub annotation: Option<String>,
    /// `OrderingTimestamp`: when the change (or request) that caused it happened.
    pub ordering_time: Timestamp,
    /// `ConfigRuleInvokedTime`.
    pub invoked_time: Timestamp,
    /// `ResultRecordedTime`.
    pub recorded_time: Timestamp,
}
