//! The XML of `SimulatePolicyResponse` and `GetContextKeysForPolicyResponse`, member
//! names and order from botocore's output shapes.

use ironiam_protocol::xml::XmlWriter;

use super::run::{Evaluated, Matched};
use crate::iam::output::bool_text;

fn statements(w: &mut XmlWriter, matched: &[Matched]) {
    w.members("MatchedStatements", matched, |w, statement| {
        w.element("SourcePolicyId", &statement.source_policy_id)
            .element("SourcePolicyType", statement.source_policy_type);
        w.start("StartPosition")
            .element("Line", &statement.start.line.to_string())
            .element("Column", &statement.start.column.to_string())
            .end();
        w.start("EndPosition")
            .element("Line", &statement.end.line.to_string())
            .element("Column", &statement.end.column.to_string())
            .end();
    });
}

fn boundary_detail(w: &mut XmlWriter, allowed: Option<bool>) {
    if let Some(allowed) = allowed {
        w.start("PermissionsBoundaryDecisionDetail")
            .element("AllowedByPermissionsBoundary", bool_text(allowed))
            .end();
    }
}

fn decision_details(w: &mut XmlWriter, result: &Evaluated) {
    if let Some(details) = &result.details {
        w.start("EvalDecisionDetails");
        for (source, decision) in details {
            w.start("entry")
                .element("key", source)
                .element("value", decision.as_str())
                .end();
        }
        w.end();
    }
}

/// One `EvaluationResult`.
fn result(w: &mut XmlWriter, result: &Evaluated) {
    w.element("EvalActionName", &result.action)
        .element("EvalResourceName", &result.resource)
        .element("EvalDecision", result.decision.as_str());
    statements(w, &result.matched);
    w.string_members(
        "MissingContextValues",
        result.missing.iter().map(String::as_str),
    );
    if let Some(allowed) = result.organizations {
        w.start("OrganizationsDecisionDetail")
            .element("AllowedByOrganizations", bool_text(allowed))
            .end();
    }
    boundary_detail(w, result.boundary);
    decision_details(w, result);
    if result.resource_specific {
        w.members("ResourceSpecificResults", [result], |w, result| {
            w.element("EvalResourceName", &result.resource)
                .element("EvalResourceDecision", result.decision.as_str());
            statements(w, &result.matched);
            w.string_members(
                "MissingContextValues",
                result.missing.iter().map(String::as_str),
            );
            decision_details(w, result);
            boundary_detail(w, result.boundary);
        });
    }
}

/// `EvaluationResults`, `IsTruncated` and `Marker`.
pub(super) fn simulation(w: &mut XmlWriter, results: &[Evaluated], marker: Option<&str>) {
    w.members("EvaluationResults", results, result);
    w.element("IsTruncated", bool_text(marker.is_some()));
    w.optional_element("Marker", marker);
}

/// `ContextKeyNames`.
pub(super) fn context_keys(w: &mut XmlWriter, keys: &[String]) {
    w.string_members("ContextKeyNames", keys.iter().map(String::as_str));
}
