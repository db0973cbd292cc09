//! A rule's compliance from its results (`DescribeComplianceByConfigRule`).
//!
//! AWS Config: "A rule is compliant if all of the evaluated resources comply with
//! it. It is noncompliant if any of these resources do not comply. If Config has no
//! current evaluation results for the rule, it returns INSUFFICIENT_DATA", which
//! includes a rule whose results are all NOT_APPLICABLE. The count of
//! noncompliant resources is capped at 100 (`ComplianceContributorCount`).

use ironiam_store::record::ComplianceType;

/// The largest `CappedCount` AWS Config reports.
pub const CONTRIBUTOR_CAP: usize = 100;

/// A rule's compliance (`Compliance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleCompliance {
    /// `COMPLIANT`: at least one resource complies and none fails.
    Compliant,
    /// `NON_COMPLIANT`, with how many resources fail.
    NonCompliant {
        /// The number of noncompliant resources.
        count: usize,
    },
    /// `INSUFFICIENT_DATA`: no result that is COMPLIANT or NON_COMPLIANT.
    InsufficientData,
}

impl RuleCompliance {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "COMPLIANT",
            Self::NonCompliant { .. } => "NON_COMPLIANT",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// A rule's compliance from its results' verdicts.
pub fn summarize(verdicts: impl IntoIterator<Item = ComplianceType>) -> RuleCompliance {
    let mut compliant = false;
    let mut failing = 0usize;
    for verdict in verdicts {
        match verdict {
            ComplianceType::Compliant => compliant = true,
            ComplianceType::NonCompliant => failing += 1,
            ComplianceType::NotApplicable => {}
        }
    }
    if failing > 0 {
        RuleCompliance::NonCompliant { count: failing }
    } else if compliant {
        RuleCompliance::Compliant
    } else {
        RuleCompliance::InsufficientData
    }
}
