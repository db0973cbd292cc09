//! A generic, model-typed value: what a request's parameters decode to.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// A decoded input value. Structures are keyed by model member name
/// (`UserName`), not by wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A structure's members that were sent.
    Struct(BTreeMap<String, Value>),
    /// A list's elements in index order.
    List(Vec<Value>),
    /// A map's entries (keys are strings in every IAM and STS map).
    Map(BTreeMap<String, Value>),
    /// A string.
    String(String),
    /// An integer or long.
    Integer(i64),
    /// A boolean.
    Boolean(bool),
    /// A timestamp, as the text sent (no IAM or STS input has one).
    Timestamp(String),
    /// Bytes, decoded from base64.
    Blob(Vec<u8>),
}

impl Value {
    /// The member of a structure.
    pub fn get(&self, member: &str) -> Option<&Value> {
        match self {
            Self::Struct(members) => members.get(member),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) | Self::Timestamp(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Self::List(items) => Some(items),
            _ => None,
        }
    }

    /// Convenience: a string member of a structure.
    pub fn str_member(&self, member: &str) -> Option<&str> {
        self.get(member).and_then(Value::as_str)
    }
}

/// How AWS's Java validator prints a value inside `Value '...' at`: its
/// `toString()`. Lists print as `[a, b]` and maps as `{k=v}` (Java's
/// collection formats, seen in AWS messages such as
/// `Value '[list, of, ten, items]' at 'names'`). How AWS prints a structure
/// element was not found; `{Key=k, Value=v}` is a guess in the same style.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(s) | Self::Timestamp(s) => f.write_str(s),
            Self::Integer(n) => write!(f, "{n}"),
            Self::Boolean(b) => write!(f, "{b}"),
            Self::Blob(bytes) => write!(f, "<{} bytes>", bytes.len()),
            Self::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Self::Struct(entries) | Self::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={v}")?;
                }
                f.write_char('}')
            }
        }
    }
}
