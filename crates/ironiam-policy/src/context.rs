//! The request context: the condition keys and values a request carries.
//!
//! Key names are case-insensitive (IAM User Guide, "IAM JSON policy elements:
//! Condition"), so keys are folded to lowercase once, when the context is built, and
//! compiled policies look them up by their folded name.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::variable::Resolve;

/// The type of a context value, as AWS's `ContextKeyType` names it (without the
/// `List` suffix: whether a key is multivalued is kept apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `string`.
    String,
    /// `numeric`.
    Numeric,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// `ip`.
    Ip,
    /// `binary`.
    Binary,
}

impl ValueType {
    /// Reads AWS's `ContextKeyType` (`string`, `stringList`, `numeric`, ...). Returns the
    /// type and whether it is a list.
    pub fn parse_aws(name: &str) -> Option<(Self, bool)> {
        let (base, list) = match name.strip_suffix("List") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let value_type = match base {
            "string" => ValueType::String,
            "numeric" => ValueType::Numeric,
            "boolean" => ValueType::Boolean,
            "date" => ValueType::Date,
            "ip" => ValueType::Ip,
            "binary" => ValueType::Binary,
            _ => return None,
        };
        Some((value_type, list))
    }
}

/// The values of one context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextValue {
    /// The values as text; operators read them as numbers, dates and so on.
    pub values: Vec<String>,
    /// Whether the key is multivalued (a list), even if it holds one value.
    pub multivalued: bool,
    /// The declared type.
    pub value_type: ValueType,
}

impl ContextValue {
    /// A single string value.
    pub fn string(value: impl Into<String>) -> Self {
        Self {
            values: vec![value.into()],
            multivalued: false,
            value_type: ValueType::String,
        }
    }

    /// A single value of a given type.
    pub fn typed(value_type: ValueType, value: impl Into<String>) -> Self {
        Self {
            values: vec![value.into()],
            multivalued: false,
            value_type,
        }
    }

    /// A multivalued key.
    pub fn list(value_type: ValueType, values: Vec<String>) -> Self {
        Self {
            values,
            multivalued: true,
            value_type,
        }
    }

    /// A boolean.
    pub fn boolean(value: bool) -> Self {
        Self::typed(ValueType::Boolean, value.to_string())
    }
}

/// FNV-1a: context keys are short and trusted-length, so a simple fast hash beats
/// SipHash on the hot path.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key_written: String,
    value: ContextValue,
}

/// The condition keys of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: FnvMap<Box<str>, Entry>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (any case) to `value`, replacing what was there.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        self.entries.insert(
            key.to_lowercase().into_boxed_str(),
            Entry {
                key_written: key.to_string(),
                value,
            },
        );
    }

    /// Sets `key` unless it is already set (explicit entries beat derived ones).
    pub fn insert_if_absent(&mut self, key: &str, value: ContextValue) {
        if !self.contains(key) {
            self.insert(key, value);
        }
    }

    /// Whether `key` (any case) is set.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key.to_lowercase().as_str())
    }

    /// The values of `key`, by its lowercase name.
    pub fn get_lowercase(&self, key_lowercase: &str) -> Option<&ContextValue> {
        self.entries.get(key_lowercase).map(|entry| &entry.value)
    }

    /// The values of `key`, in any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_lowercase(&key.to_lowercase())
    }

    /// Every key as it was written, with its values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries
            .values()
            .map(|entry| (entry.key_written.as_str(), &entry.value))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Resolve for Context {
    fn single_value(&self, key_lowercase: &str) -> Option<&str> {
        let value = self.get_lowercase(key_lowercase)?;
        match value.values.as_slice() {
            [only] if !value.multivalued => Some(only),
            _ => None,
        }
    }
}
