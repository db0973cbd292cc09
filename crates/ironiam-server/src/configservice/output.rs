//! Config's output shapes (`ConfigRule`, `EvaluationResult`) and its paging tokens.
//! Timestamps are epoch seconds, as the JSON protocol sends them.

use ironiam_store::record::{ConfigRule, EvaluationResult};
use serde_json::{Map, Value as Json, json};

use super::error::{ConfigResult, invalid_token};

/// Rules are described (and summed up) 25 to a page, AWS Config's page size for both
/// listings, which take no limit.
pub(super) const RULE_PAGE: usize = 25;

/// The evaluation mode of every rule: managed rules run on recorded state.
pub(super) const DETECTIVE: &str = "DETECTIVE";

/// A `ConfigRule` structure.
pub(super) fn rule(rule: &ConfigRule) -> Json {
    let mut out = Map::new();
    out.insert("ConfigRuleName".to_owned(), json!(rule.name));
    out.insert("ConfigRuleArn".to_owned(), json!(rule.arn));
    out.insert("ConfigRuleId".to_owned(), json!(rule.id));
    if let Some(description) = &rule.description {
        out.insert("Description".to_owned(), json!(description));
    }
    if let Some(scope) = &rule.scope {
        let mut s = Map::new();
        if !scope.resource_types.is_empty() {
            s.insert(
                "ComplianceResourceTypes".to_owned(),
                json!(scope.resource_types),
            );
        }
        if let Some(key) = &scope.tag_key {
            s.insert("TagKey".to_owned(), json!(key));
        }
        if let Some(value) = &scope.tag_value {
            s.insert("TagValue".to_owned(), json!(value));
        }
        if let Some(id) = &scope.resource_id {
            s.insert("ComplianceResourceId".to_owned(), json!(id));
        }
        out.insert("Scope".to_owned(), Json::Object(s));
    }
    out.insert(
        "Source".to_owned(),
        json!({"Owner": "AWS", "SourceIdentifier": rule.source_identifier}),
    );
    if let Some(parameters) = &rule.input_parameters {
        out.insert("InputParameters".to_owned(), json!(parameters));
    }
    if let Some(frequency) = &rule.maximum_execution_frequency {
        out.insert("MaximumExecutionFrequency".to_owned(), json!(frequency));
    }
    out.insert("ConfigRuleState".to_owned(), json!(rule.state.as_str()));
    out.insert("EvaluationModes".to_owned(), json!([{"Mode": DETECTIVE}]));
    Json::Object(out)
}

/// An `EvaluationResult` structure for `rule`'s result.
pub(super) fn evaluation_result(rule: &ConfigRule, result: &EvaluationResult) -> Json {
    let mut out = json!({
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule.name,
                "ResourceType": result.resource_type,
                "ResourceId": result.resource_id,
                "EvaluationMode": DETECTIVE,
            },
            "OrderingTimestamp": result.ordering_time.as_secs(),
        },
        "ComplianceType": result.compliance.as_str(),
        "ResultRecordedTime": result.recorded_time.as_secs(),
        "ConfigRuleInvokedTime": result.invoked_time.as_secs(),
    });
    if let (Some(annotation), Json::Object(map)) = (&result.annotation, &mut out) {
        map.insert("Annotation".to_owned(), json!(annotation));
    }
    out
}

/// The items after the page the request's `NextToken` ends (items are ordered by
/// `key`), at most `limit`, and the token of the next page: the hex of the last key
/// returned, so a page resumes after it even when items were added or removed.
pub(super) fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    token: Option<&str>,
    limit: usize,
) -> ConfigResult<(Vec<T>, Option<String>)> {
    let after = token
        .map(|t| decode_token(t).ok_or_else(invalid_token))
        .transpose()?;
    let mut rest: Vec<T> = match &after {
        Some(after) => items.into_iter().filter(|i| key(i) > *after).collect(),
        None => items,
    };
    let more = rest.len() > limit;
    rest.truncate(limit);
    let next = if more {
        rest.last()
            .map(|last| ironiam_protocol::encoding::hex_lower(key(last).as_bytes()))
    } else {
        None
    };
    Ok((rest, next))
}

fn decode_token(token: &str) -> Option<String> {
    if token.is_empty() || !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// `{member: items}` with `NextToken` when more follow.
pub(super) fn listing(member: &str, items: Vec<Json>, token: Option<String>) -> Json {
    let mut out = Map::new();
    out.insert(member.to_owned(), Json::Array(items));
    if let Some(token) = token {
        out.insert("NextToken".to_owned(), Json::String(token));
    }
    Json::Object(out)
}
