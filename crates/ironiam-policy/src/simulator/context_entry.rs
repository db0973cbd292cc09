//! AWS's `ContextEntry`: a key, its values and a `ContextKeyType` (IAM API Reference,
//! "ContextEntry"): `string`, `numeric`, `boolean`, `date`, `ip`, `binary`, each with a
//! `...List` form.
//!
//! The engine reads values leniently (a value it cannot read never matches); a
//! simulation refuses them instead, so that a typo does not silently turn into a
//! non-match. When no type is given, the type AWS documents for a well-known global key
//! is used ("AWS global condition context keys"), and `string` otherwise.

use crate::context::{ContextValue, ValueType};

/// Why a context entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextEntryError {
    /// `ContextKeyType` is not one of AWS's names.
    #[error(
        "unknown ContextKeyType `{0}`: expected one of string, numeric, boolean, date, ip, binary (each also as ...List)"
    )]
    UnknownType(String),
    /// A value does not read as the declared type.
    #[error("`{value}` is not a valid {type_name} value")]
    BadValue {
        /// The value as given.
        value: String,
        /// AWS's name of the type.
        type_name: &'static str,
    },
    /// A single-valued type was given zero or several values.
    #[error("type `{type_name}` takes exactly one value, got {count}")]
    NotSingle {
        /// AWS's name of the type.
        type_name: &'static str,
        /// How many values were given.
        count: usize,
    },
}

/// The type AWS documents for some global condition keys, so that a value for
/// `aws:MultiFactorAuthAge` needs no declared type to be numeric.
pub fn known_key_type(key: &str) -> Option<ValueType> {
    let value_type = match key.to_ascii_lowercase().as_str() {
        "aws:multifactorauthpresent"
        | "aws:securetransport"
        | "aws:viaawsservice"
        | "aws:principalisawsservice"
        | "aws:isthirdparty" => ValueType::Boolean,
        "aws:multifactorauthage" => ValueType::Numeric,
        "aws:sourceip" | "aws:vpcsourceip" => ValueType::Ip,
        "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime" => ValueType::Date,
        _ => return None,
    };
    Some(value_type)
}

/// Global keys AWS documents as multivalued.
fn known_list_key(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "aws:tagkeys" | "aws:calledvia" | "aws:principalservicenameslist" | "aws:principalorgpaths"
    )
}

impl ValueType {
    /// AWS's `ContextKeyType` name, without the `List` suffix.
    pub fn aws_name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Numeric => "numeric",
            ValueType::Boolean => "boolean",
            ValueType::Date => "date",
            ValueType::Ip => "ip",
            ValueType::Binary => "binary",
        }
    }
}

/// A value of `value_type` (a list when `list`), every element checked against the type.
pub fn typed_value(
    value_type: ValueType,
    list: bool,
    values: Vec<String>,
) -> Result<ContextValue, ContextEntryError> {
    if let Some(bad) = values.iter().find(|value| !value_type.accepts(value)) {
        return Err(ContextEntryError::BadValue {
            value: bad.clone(),
            type_name: value_type.aws_name(),
        });
    }
    if list {
        return Ok(ContextValue::list(value_type, values));
    }
    match <[String; 1]>::try_from(values) {
        Ok([value]) => Ok(ContextValue::typed(value_type, value)),
        Err(values) => Err(ContextEntryError::NotSingle {
            type_name: value_type.aws_name(),
            count: values.len(),
        }),
    }
}

/// One of AWS's `ContextEntries` as a context value. With `ContextKeyType`, the type and
/// whether the key is a list come from it; without, the type is the one AWS documents
/// for a well-known key (else `string`), and the key is a list unless it has exactly one
/// value.
pub fn context_entry(
    key: &str,
    values: Vec<String>,
    declared_type: Option<&str>,
) -> Result<ContextValue, ContextEntryError> {
    let (value_type, list) = match declared_type {
        Some(name) => ValueType::parse_aws(name)
            .ok_or_else(|| ContextEntryError::UnknownType(name.to_string()))?,
        None => (
            known_key_type(key).unwrap_or(ValueType::String),
            values.len() != 1 || known_list_key(key),
        ),
    };
    typed_value(value_type, list, values)
}
