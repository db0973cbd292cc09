//! The request context: the condition keys and values a request carries.
//!
//! Key names are case-insensitive (IAM User Guide, "IAM JSON policy elements:
//! Condition"), so keys are folded to lowercase once, when the context is built, and
//! compiled policies look them up by their folded name.

use std::hash::Hasher;

use crate::pattern::same_bytes;
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

impl ValueType {
    /// Whether `text` reads as a value of this type, exactly as the condition operators
    /// read it (numbers, ISO 8601 dates or epoch seconds, `true`/`false`, IP addresses or
    /// CIDR ranges, base64). The engine treats an unreadable value as matching nothing;
    /// tools that take values from people use this to refuse them instead.
    pub fn accepts(self, text: &str) -> bool {
        match self {
            ValueType::String => true,
            ValueType::Numeric => crate::value::number(text).is_some(),
            ValueType::Boolean => crate::value::boolean(text).is_some(),
            ValueType::Date => crate::value::date_millis(text).is_some(),
            ValueType::Ip => crate::value::Cidr::parse(text).is_some(),
            ValueType::Binary => crate::value::base64(text).is_some(),
        }
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

/// A multiply-rotate hash over 8-byte words (the "Fx" scheme). Context keys are short
/// and not attacker-chosen in bulk, so a fast hash beats SipHash on the hot path.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHash(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, byte) in word.iter_mut().zip(rest) {
                *slot = *byte;
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
}

/// The [`FastHash`] of a string, for indexes keyed by precomputed hashes.
pub(crate) fn fast_hash(text: &str) -> u64 {
    let mut hasher = FastHash::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// A context key name folded to lowercase, with its hash computed once (when a policy
/// is compiled), so that lookups on the hot path hash nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyName {
    lowercase: Box<str>,
    hash: u64,
}

impl KeyName {
    /// Folds and hashes `key`.
    pub fn new(key: &str) -> Self {
        let lowercase: Box<str> = key.to_lowercase().into();
        let hash = fast_hash(&lowercase);
        Self { lowercase, hash }
    }

    /// The folded name.
    pub fn as_str(&self) -> &str {
        &self.lowercase
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    hash: u64,
    key_lowercase: Box<str>,
    key_written: String,
    value: ContextValue,
}

/// The condition keys of one request, sorted by the hash of their folded names: a
/// request has a few dozen keys at most, and a binary search over integers beats hashing
/// the name at every lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<Entry>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (any case) to `value`, replacing what was there.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let name = KeyName::new(key);
        let entry = Entry {
            hash: name.hash,
            key_lowercase: name.lowercase,
            key_written: key.to_string(),
            value,
        };
        match self.position(entry.hash, &entry.key_lowercase) {
            Ok(at) => {
                if let Some(slot) = self.entries.get_mut(at) {
                    *slot = entry;
                }
            }
            Err(at) => self.entries.insert(at, entry),
        }
    }

    /// Where a key is, or where it would go.
    fn position(&self, hash: u64, key_lowercase: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|entry| {
            entry
                .hash
                .cmp(&hash)
                .then_with(|| entry.key_lowercase.as_ref().cmp(key_lowercase))
        })
    }

    /// Sets `key` unless it is already set (explicit entries beat derived ones).
    pub fn insert_if_absent(&mut self, key: &str, value: ContextValue) {
        if !self.contains(key) {
            self.insert(key, value);
        }
    }

    /// Whether `key` (any case) is set.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The values of a key by its prepared name.
    pub fn get_key(&self, key: &KeyName) -> Option<&ContextValue> {
        self.get_hashed(key.hash, &key.lowercase)
    }

    /// The values of a key by its folded name and that name's hash: the hot path, where
    /// compiled policies hash their keys once.
    #[inline]
    pub(crate) fn get_hashed(&self, hash: u64, lowercase: &str) -> Option<&ContextValue> {
        // A short context is scanned: comparing a few integers beats a search's branches.
        let start = if self.entries.len() <= 8 {
            self.entries.iter().position(|entry| entry.hash == hash)?
        } else {
            self.entries.partition_point(|entry| entry.hash < hash)
        };
        self.entries
            .get(start..)?
            .iter()
            .take_while(|entry| entry.hash == hash)
            .find(|entry| same_bytes(entry.key_lowercase.as_bytes(), lowercase.as_bytes()))
            .map(|entry| &entry.value)
    }

    /// The values of `key`, in any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_key(&KeyName::new(key))
    }

    /// Every key as it was written, with its values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries
            .iter()
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
    fn single_value(&self, hash: u64, key_lowercase: &str) -> Option<&str> {
        let value = self.get_hashed(hash, key_lowercase)?;
        match value.values.as_slice() {
            [only] if !value.multivalued => Some(only),
            _ => None,
        }
    }
}
