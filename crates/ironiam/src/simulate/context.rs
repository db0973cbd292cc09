//! Context entries: the command line's `KEY[:TYPE]=VALUE` syntax and AWS's
//! `ContextEntries`, both checked against the declared type.
//!
//! Types are AWS's `ContextKeyType` names (IAM API Reference, "ContextEntry"): `string`,
//! `numeric`, `boolean`, `date`, `ip`, `binary`, each with a `...List` form. When no type
//! is given, the type AWS documents for a well-known global key is used
//! ("AWS global condition context keys"), and `string` otherwise.

use ironiam_policy::simulator::{self, ContextEntryError, known_key_type, typed_value};
use ironiam_policy::{Context, ContextValue, ValueType};
use serde::Deserialize;

use super::err::SimulateError;

/// AWS's name for a type, with `List` for a multivalued key.
pub(crate) fn type_name(value_type: ValueType, list: bool) -> String {
    if list {
        format!("{}List", value_type.aws_name())
    } else {
        value_type.aws_name().to_string()
    }
}

/// Builds a value, checking every element against the type (the engine's rules for
/// AWS's `ContextEntry`).
fn build(
    entry: &str,
    value_type: ValueType,
    list: bool,
    values: Vec<String>,
) -> Result<ContextValue, SimulateError> {
    typed_value(value_type, list, values).map_err(|error| entry_error(entry, &error))
}

fn entry_error(entry: &str, error: &ContextEntryError) -> SimulateError {
    SimulateError::context(entry, error.to_string())
}

/// A command-line entry's key, declared type (with whether it is a list) and value.
type Split<'a> = (&'a str, Option<(ValueType, bool)>, &'a str);

/// Splits `KEY[:TYPE]=VALUE` into key, optional type and value. The type is recognised
/// only when the text after the key's last `:` is one of AWS's type names, so keys such
/// as `aws:SourceIp` read as they are.
fn split_entry(entry: &str) -> Result<Split<'_>, SimulateError> {
    let Some((left, value)) = entry.split_once('=') else {
        return Err(SimulateError::context(
            entry,
            "expected KEY=VALUE or KEY:TYPE=VALUE",
        ));
    };
    let (key, declared) = match left.rsplit_once(':') {
        Some((key, suffix)) => match ValueType::parse_aws(suffix) {
            Some(declared) => (key, Some(declared)),
            None => (left, None),
        },
        None => (left, None),
    };
    if key.is_empty() || !key.contains(':') {
        return Err(SimulateError::context(
            entry,
            "a condition key looks like `service:Name` (for example `aws:SourceIp`)",
        ));
    }
    Ok((key, declared, value))
}

/// `--context KEY[:TYPE]=VALUE`: one value.
fn parse_single(entry: &str) -> Result<(String, ContextValue), SimulateError> {
    let (key, declared, value) = split_entry(entry)?;
    let value_type = match declared {
        Some((_, true)) => {
            return Err(SimulateError::context(
                entry,
                "a list type needs --context-list KEY:TYPE=V1,V2,...",
            ));
        }
        Some((value_type, false)) => value_type,
        None => known_key_type(key).unwrap_or(ValueType::String),
    };
    Ok((
        key.to_string(),
        build(entry, value_type, false, vec![value.to_string()])?,
    ))
}

/// `--context-list KEY[:TYPE]=V1,V2,...`: a multivalued key; an empty value is the
/// empty list.
fn parse_list(entry: &str) -> Result<(String, ContextValue), SimulateError> {
    let (key, declared, value) = split_entry(entry)?;
    let value_type = declared
        .map(|(value_type, _)| value_type)
        .or_else(|| known_key_type(key))
        .unwrap_or(ValueType::String);
    let values = if value.is_empty() {
        Vec::new()
    } else {
        value.split(',').map(str::to_string).collect()
    };
    Ok((key.to_string(), build(entry, value_type, true, values)?))
}

fn insert_new(context: &mut Context, key: &str, value: ContextValue) -> Result<(), SimulateError> {
    if context.contains(key) {
        return Err(SimulateError::DuplicateKey(key.to_string()));
    }
    context.insert(key, value);
    Ok(())
}

/// Adds the command line's `--context` and `--context-list` entries.
pub(crate) fn add_cli_entries(
    context: &mut Context,
    singles: &[String],
    lists: &[String],
) -> Result<(), SimulateError> {
    for entry in singles {
        let (key, value) = parse_single(entry)?;
        insert_new(context, &key, value)?;
    }
    for entry in lists {
        let (key, value) = parse_list(entry)?;
        insert_new(context, &key, value)?;
    }
    Ok(())
}

/// One of AWS's `ContextEntries`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct ContextEntry {
    context_key_name: String,
    #[serde(default)]
    context_key_values: Vec<serde_json::Value>,
    #[serde(default)]
    context_key_type: Option<String>,
}

/// Adds AWS's `ContextEntries`. Values may be JSON strings, numbers or booleans. Without
/// `ContextKeyType`, the type is the one AWS documents for a well-known key (else
/// `string`), and the key is a list unless it has exactly one value.
pub(crate) fn add_aws_entries(
    context: &mut Context,
    entries: Vec<ContextEntry>,
) -> Result<(), SimulateError> {
    for entry in entries {
        let key = entry.context_key_name;
        let mut values = Vec::with_capacity(entry.context_key_values.len());
        for value in entry.context_key_values {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(flag) => flag.to_string(),
                other => {
                    return Err(SimulateError::context(
                        &key,
                        format!("ContextKeyValues holds `{other}`: expected strings"),
                    ));
                }
            };
            values.push(text);
        }
        let value = simulator::context_entry(&key, values, entry.context_key_type.as_deref())
            .map_err(|error| entry_error(&key, &error))?;
        insert_new(context, &key, value)?;
    }
    Ok(())
}

/// `--mfa`: a session whose credentials were obtained with MFA, just now. Explicit
/// entries win.
pub(crate) fn add_mfa(context: &mut Context) {
    context.insert_if_absent("aws:MultiFactorAuthPresent", ContextValue::boolean(true));
    context.insert_if_absent(
        "aws:MultiFactorAuthAge",
        ContextValue::typed(ValueType::Numeric, "0"),
    );
}

/// `--no-mfa`: temporary credentials obtained without MFA. AWS sends the key as `false`
/// for those; long-term access keys carry no key at all ("AWS global condition context
/// keys", aws:MultiFactorAuthPresent).
pub(crate) fn add_no_mfa(context: &mut Context) {
    context.insert_if_absent("aws:MultiFactorAuthPresent", ContextValue::boolean(false));
}

#[cfg(test)]
mod tests;
