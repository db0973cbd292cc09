//! The output structures of botocore's Organizations model, as JSON, and pagination.
//!
//! Member names are the model's (`Organization`, `Root`, `OrganizationalUnit`,
//! `Account`, `CreateAccountStatus`, `Policy`, `PolicySummary`); timestamps are
//! seconds since the epoch, the JSON protocol's default.

use ironiam_protocol::encoding::hex_lower;
use ironiam_protocol::model::Value;
use ironiam_store::Transaction;
use ironiam_store::record::{
    CreateAccountStatus, OrgAccount, OrgNode, OrgPolicy, OrgRoot, OrgUnit, Organization,
    SERVICE_CONTROL_POLICY,
};
use serde_json::{Map, Value as Json, json};

use super::error::{OrgResult, invalid};

/// The largest `MaxResults` the model allows, and the page size when none is given.
const MAX_RESULTS: usize = 20;

/// How deep a parent chain may go before the tree is taken for corrupt: the root and
/// five levels of OUs (the Organizations quota), with room to spare.
const MAX_DEPTH: usize = 8;

/// `Organization`.
pub(super) fn organization(org: &Organization, management_email: &str) -> Json {
    json!({
        "Id": org.id,
        "Arn": org.arn(),
        "FeatureSet": org.feature_set.as_str(),
        "MasterAccountArn": org.entity_arn("account", &org.management_account_id),
        "MasterAccountId": org.management_account_id,
        "MasterAccountEmail": management_email,
        // Deprecated in the model; AWS lists the types the feature set makes
        // available, which for all features is the SCP type ironiam implements.
        "AvailablePolicyTypes": match org.feature_set {
            ironiam_store::record::FeatureSet::All => json!([
                {"Type": SERVICE_CONTROL_POLICY, "Status": "ENABLED"}
            ]),
            ironiam_store::record::FeatureSet::ConsolidatedBilling => json!([]),
        },
    })
}

/// `Root`.
pub(super) fn root(org: &Organization, root: &OrgRoot) -> Json {
    let types: Vec<Json> = root
        .enabled_policy_types
        .iter()
        .map(|t| json!({"Type": t, "Status": "ENABLED"}))
        .collect();
    json!({
        "Id": root.id,
        "Arn": org.entity_arn("root", &root.id),
        "Name": root.name,
        "PolicyTypes": types,
    })
}

/// `OrganizationalUnit`; `path` is the OU's `Path`.
pub(super) fn unit(org: &Organization, unit: &OrgUnit, path: &str) -> Json {
    json!({
        "Id": unit.id,
        "Arn": org.entity_arn("ou", &unit.id),
        "Name": unit.name,
        "Path": path,
    })
}

/// `Account`; `path` is the account's `Path`.
pub(super) fn account(org: &Organization, account: &OrgAccount, path: &str) -> Json {
    json!({
        "Id": account.account_id,
        "Arn": org.entity_arn("account", &account.account_id),
        "Email": account.email,
        "Name": account.name,
        "Status": account.status.as_str(),
        "State": account.status.as_str(),
        "Paths": [path],
        "JoinedMethod": account.joined_method.as_str(),
        "JoinedTimestamp": account.joined_timestamp.as_secs(),
    })
}

/// `CreateAccountStatus`.
pub(super) fn create_account_status(status: &CreateAccountStatus) -> Json {
    let mut out = Map::new();
    out.insert("Id".to_owned(), json!(status.id));
    out.insert("AccountName".to_owned(), json!(status.account_name));
    out.insert("State".to_owned(), json!(status.state.as_str()));
    out.insert(
        "RequestedTimestamp".to_owned(),
        json!(status.requested_timestamp.as_secs()),
    );
    if let Some(done) = status.completed_timestamp {
        out.insert("CompletedTimestamp".to_owned(), json!(done.as_secs()));
    }
    if let Some(account) = &status.account_id {
        out.insert("AccountId".to_owned(), json!(account));
    }
    if let Some(reason) = &status.failure_reason {
        out.insert("FailureReason".to_owned(), json!(reason));
    }
    Json::Object(out)
}

/// `PolicySummary`.
pub(super) fn policy_summary(policy: &OrgPolicy) -> Json {
    json!({
        "Id": policy.id,
        "Arn": policy.arn,
        "Name": policy.name,
        "Description": policy.description,
        "Type": policy.policy_type,
        "AwsManaged": policy.aws_managed,
    })
}

/// `Policy`: the summary and the document.
pub(super) fn policy(policy: &OrgPolicy) -> Json {
    json!({
        "PolicySummary": policy_summary(policy),
        "Content": policy.content,
    })
}

/// The `Path` of a root, OU or account's parent chain ending at `id`:
/// `o-…/r-…/ou-…/` (an account's ends with its ID and `/` too).
pub(super) fn path_of(
    tx: &mut dyn Transaction,
    org: &Organization,
    id: &str,
    parent: &str,
) -> OrgResult<String> {
    let mut chain = vec![id.to_owned()];
    let mut next = parent.to_owned();
    while OrgNode::of(&next) == Some(OrgNode::Unit) {
        if chain.len() > MAX_DEPTH {
            break;
        }
        let unit = tx.get_org_unit(&org.id, &next)?;
        chain.push(next);
        next = unit.parent_id;
    }
    if OrgNode::of(&next) == Some(OrgNode::Root) {
        chain.push(next);
    }
    chain.reverse();
    let mut path = format!("{}/", org.id);
    for part in chain {
        path.push_str(&part);
        path.push('/');
    }
    Ok(path)
}

/// One page of `items` (ordered by `key`) after the request's `NextToken`, at most
/// `MaxResults` long, and the token of the next page. The token is the last key
/// returned, hex-encoded: opaque to clients, stable while items are added or removed.
pub(super) fn paginate<T>(
    items: Vec<T>,
    input: &Value,
    key: impl Fn(&T) -> &str,
) -> OrgResult<(Vec<T>, Option<String>)> {
    let after = match input.str_member("NextToken") {
        Some(token) => Some(decode_token(token).ok_or_else(|| {
            invalid(
                "INVALID_NEXT_TOKEN",
                "You specified an invalid value for NextToken. Get the value for the NextToken parameter from the response to a previous call of the operation.",
            )
        })?),
        None => None,
    };
    let limit = input
        .get("MaxResults")
        .and_then(Value::as_i64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(MAX_RESULTS);
    let mut rest: Vec<T> = items
        .into_iter()
        .filter(|item| after.as_deref().is_none_or(|a| key(item) > a))
        .collect();
    let more = rest.len() > limit;
    rest.truncate(limit);
    let token = if more {
        rest.last().map(|last| hex_lower(key(last).as_bytes()))
    } else {
        None
    };
    Ok((rest, token))
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

/// A listing's output: `{member: items, "NextToken": token}`.
pub(super) fn listing(member: &str, items: Vec<Json>, token: Option<String>) -> Json {
    let mut out = Map::new();
    out.insert(member.to_owned(), Json::Array(items));
    if let Some(token) = token {
        out.insert("NextToken".to_owned(), Json::String(token));
    }
    Json::Object(out)
}
