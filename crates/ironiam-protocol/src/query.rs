//! AWS Query protocol decoding.
//!
//! IAM and STS take their input as `application/x-www-form-urlencoded`
//! key/value pairs: `Action=CreateUser&Version=2010-05-08&UserName=bob`.
//! Structure is spelled in the keys:
//!
//! - lists: `Name.member.1`, `Name.member.2`, ... (an empty list is sent as
//!   a bare `Name=`), see [`QueryParams::list`];
//! - maps: `Name.entry.1.key` / `Name.entry.1.value`, see
//!   [`QueryParams::map`];
//! - lists of structures: `Tags.member.1.Key` / `Tags.member.1.Value`, see
//!   [`QueryParams::structs`], which hands back each element as its own
//!   [`QueryParams`] so nesting works to any depth.
//!
//! Indices start at 1 and must be contiguous; a gap, a zero, a leading zero
//! or a non-number is an error rather than silently dropped data. Every error
//! maps to an AWS code through [`QueryError::code`].

mod error;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::encoding::form_decode;

pub use error::QueryError;

/// Decoded parameters, in the order they arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Decodes one form-encoded string (a body or a query string).
    pub fn decode(input: &[u8]) -> Result<Self, QueryError> {
        let mut params = Self::default();
        params.extend_from(input)?;
        Ok(params)
    }

    /// Decodes a request's query string and then its form body. AWS SDKs put
    /// everything in the body for POST and in the query string for GET;
    /// accepting both covers presigned and hand-written requests.
    pub fn decode_request(query: &str, body: &[u8]) -> Result<Self, QueryError> {
        let mut params = Self::decode(query.as_bytes())?;
        params.extend_from(body)?;
        Ok(params)
    }

    /// These parameters (a request's query string) followed by those of a form body:
    /// what the operation reads, built from the same decoded pairs SigV4 verified.
    pub fn with_body(mut self, body: &[u8]) -> Result<Self, QueryError> {
        self.extend_from(body)?;
        Ok(self)
    }

    /// The pair named `name`, when it appears exactly once.
    pub fn single(&self, name: &str) -> Option<&str> {
        self.get(name).ok().flatten()
    }

    fn extend_from(&mut self, input: &[u8]) -> Result<(), QueryError> {
        for (index, part) in input.split(|&b| b == b'&').enumerate() {
            if part.is_empty() {
                continue;
            }
            let (key, value) = match part.iter().position(|&b| b == b'=') {
                Some(at) => (
                    part.get(..at).unwrap_or_default(),
                    part.get(at + 1..).unwrap_or_default(),
                ),
                None => (part, &[][..]),
            };
            let malformed = |reason| QueryError::Malformed {
                pair: index + 1,
                reason,
            };
            let key = form_decode(key).map_err(malformed)?;
            let value = form_decode(value).map_err(malformed)?;
            self.pairs.push((key, value));
        }
        Ok(())
    }

    /// Builds parameters from already-decoded pairs (tests, sub-structures).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// All pairs in arrival order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The `Action` parameter; `MissingAction` when absent or empty.
    pub fn action(&self) -> Result<&str, QueryError> {
        match self.get("Action") {
            Ok(Some(action)) if !action.is_empty() => Ok(action),
            Ok(_) => Err(QueryError::MissingAction),
            Err(e) => Err(e),
        }
    }

    /// The `Version` parameter, if sent.
    pub fn version(&self) -> Result<Option<&str>, QueryError> {
        self.get("Version")
    }

    /// A scalar parameter; an error when it appears more than once, because
    /// picking one copy would hide a client bug.
    pub fn get(&self, name: &str) -> Result<Option<&str>, QueryError> {
        let mut found = self
            .pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(QueryError::Duplicate {
                name: name.to_owned(),
            });
        }
        Ok(first)
    }

    /// A scalar parameter that must be present.
    pub fn required(&self, name: &str) -> Result<&str, QueryError> {
        self.get(name)?.ok_or_else(|| QueryError::MissingParameter {
            name: name.to_owned(),
        })
    }

    /// A list of scalars, `Name.member.N`. Absent or `Name=` gives an empty
    /// list.
    pub fn list(&self, name: &str) -> Result<Vec<&str>, QueryError> {
        let prefix = format!("{name}.member.");
        let mut items: BTreeMap<u32, &str> = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix(&prefix) else {
                continue;
            };
            let index =
                parse_index(rest).ok_or_else(|| QueryError::BadIndex { key: key.clone() })?;
            if items.insert(index, value).is_some() {
                return Err(QueryError::Duplicate { name: key.clone() });
            }
        }
        check_contiguous(&prefix, items.keys().copied())?;
        self.check_empty_marker(name, items.is_empty())?;
        Ok(items.into_values().collect())
    }

    /// A map, `Name.entry.N.key` / `Name.entry.N.value`, in index order.
    pub fn map(&self, name: &str) -> Result<Vec<(&str, &str)>, QueryError> {
        let prefix = format!("{name}.entry.");
        let mut entries: BTreeMap<u32, (Option<&str>, Option<&str>)> = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix(&prefix) else {
                continue;
            };
            let bad = || QueryError::BadIndex { key: key.clone() };
            let (index, field) = rest.split_once('.').ok_or_else(bad)?;
            let index = parse_index(index).ok_or_else(bad)?;
            let entry = entries.entry(index).or_default();
            let slot = match field {
                "key" => &mut entry.0,
                "value" => &mut entry.1,
                _ => return Err(bad()),
            };
            if slot.replace(value).is_some() {
                return Err(QueryError::Duplicate { name: key.clone() });
            }
        }
        check_contiguous(&prefix, entries.keys().copied())?;
        self.check_empty_marker(name, entries.is_empty())?;
        entries
            .into_iter()
            .map(|(index, pair)| match pair {
                (Some(k), Some(v)) => Ok((k, v)),
                (None, _) => Err(QueryError::IncompleteEntry {
                    name: format!("{prefix}{index}.key"),
                }),
                (_, None) => Err(QueryError::IncompleteEntry {
                    name: format!("{prefix}{index}.value"),
                }),
            })
            .collect()
    }

    /// A list of structures, `Name.member.N.Field...`. Each element comes
    /// back as its own parameters with the `Name.member.N.` prefix removed,
    /// so `element.required("Key")` or `element.list("Sub")` work on it.
    pub fn structs(&self, name: &str) -> Result<Vec<QueryParams>, QueryError> {
        let prefix = format!("{name}.member.");
        let mut items: BTreeMap<u32, QueryParams> = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix(&prefix) else {
                continue;
            };
            let bad = || QueryError::BadIndex { key: key.clone() };
            let (index, field) = rest.split_once('.').ok_or_else(bad)?;
            let index = parse_index(index).ok_or_else(bad)?;
            if field.is_empty() {
                return Err(bad());
            }
            items
                .entry(index)
                .or_default()
                .pairs
                .push((field.to_owned(), value.clone()));
        }
        check_contiguous(&prefix, items.keys().copied())?;
        self.check_empty_marker(name, items.is_empty())?;
        Ok(items.into_values().collect())
    }

    /// `Name=` is how an empty list is sent; `Name=x` next to no members is
    /// a scalar where a list belongs.
    fn check_empty_marker(&self, name: &str, no_members: bool) -> Result<(), QueryError> {
        match self.get(name)? {
            Some(value) if !value.is_empty() || !no_members => Err(QueryError::NotAList {
                name: name.to_owned(),
            }),
            _ => Ok(()),
        }
    }
}

/// A 1-based decimal index without sign or leading zero.
fn parse_index(text: &str) -> Option<u32> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Indices, already sorted, must be exactly 1..=n.
fn check_contiguous(prefix: &str, indices: impl Iterator<Item = u32>) -> Result<(), QueryError> {
    for (expected, index) in (1u32..).zip(indices) {
        if index != expected {
            return Err(QueryError::Gap {
                name: format!("{prefix}{expected}"),
            });
        }
    }
    Ok(())
}
