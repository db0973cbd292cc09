//! The AWS Config API subset that MFA compliance needs, over the JSON 1.1 protocol
//! (`X-Amz-Target: StarlingDoveService.<Operation>`, SigV4 service `config`), with the
//! shapes and errors of botocore's `config/2014-11-12` model.
//!
//! - [`rule`]: PutConfigRule, DescribeConfigRules, DeleteConfigRule.
//! - [`evaluation`]: StartConfigRulesEvaluation, DescribeComplianceByConfigRule,
//!   GetComplianceDetailsByConfigRule.
//! - [`authz`]: the resources and condition keys each call is authorized with.
//!
//! Rules belong to the caller's account and the request's region, as in AWS Config.
//! Only AWS managed rules that [`crate::compliance`] evaluates are accepted. A rule is
//! evaluated when it is put, when `StartConfigRulesEvaluation` names it, and after
//! every IAM call that can change one of its verdicts (see
//! [`crate::compliance::engine`]), so results are never older than the last change.

pub(crate) mod authz;
mod error;
mod evaluation;
mod output;
mod rule;

use std::collections::HashMap;
use std::sync::LazyLock;

use ironiam_protocol::model::{Model, Value};
use serde_json::Value as Json;

use crate::http::json::{JsonFault, JsonOperation, JsonService};
use crate::iam::OpCtx;

/// The Config entry of the JSON services table.
pub static SERVICE: JsonService = JsonService {
    target_prefix: "StarlingDoveService",
    signing_name: "config",
    action_prefix: "config",
    event_source: "config.amazonaws.com",
    model: Model::config,
    operation: lookup,
    authorize: authz::request,
    invalid_input: error::invalid_input,
    internal_error: "InternalFailure",
};

/// Adapts an operation returning [`error::ConfigResult`] to the table's handler type.
macro_rules! op {
    ($f:path) => {
        |ctx: &mut OpCtx<'_>, input: &Value| -> Result<Json, JsonFault> {
            $f(ctx, input).map_err(JsonFault::from)
        }
    };
}

static OPS: LazyLock<HashMap<&'static str, JsonOperation>> = LazyLock::new(|| {
    // (operation, handler). No Config call changes what a caller may do, so none
    // bumps the caller cache. Append new operations at the end.
    let table: &[(&'static str, crate::http::json::JsonHandler)] = &[
        ("PutConfigRule", op!(rule::put)),
        ("DescribeConfigRules", op!(rule::describe)),
        ("DeleteConfigRule", op!(rule::delete)),
        ("StartConfigRulesEvaluation", op!(evaluation::start)),
        (
            "DescribeComplianceByConfigRule",
            op!(evaluation::describe_compliance),
        ),
        (
            "GetComplianceDetailsByConfigRule",
            op!(evaluation::get_compliance_details),
        ),
    ];
    table
        .iter()
        .map(|(name, handler)| {
            (
                *name,
                JsonOperation {
                    handler: *handler,
                    mutates: false,
                },
            )
        })
        .collect()
});

fn lookup(operation: &str) -> Option<&'static JsonOperation> {
    OPS.get(operation)
}

/// The names of every implemented operation.
pub fn implemented() -> Vec<&'static str> {
    let mut names: Vec<_> = OPS.keys().copied().collect();
    names.sort_unstable();
    names
}

/// The `ConfigRuleNames` member, if given.
fn rule_names(input: &Value) -> Vec<String> {
    input
        .get("ConfigRuleNames")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
