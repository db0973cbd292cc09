//! Query-protocol input decoding, driven by the model.
//!
//! The key grammar is botocore's `QuerySerializer` (`botocore/serialize.py`)
//! read backwards:
//!
//! - structure members: `Parent.Member`, the member's `locationName` if set;
//! - lists: `Name.member.N` (the element's `locationName` replaces
//!   `member`), or `Name.N` when `flattened`; an empty list is `Name=`;
//! - maps: `Name.entry.N.key` / `Name.entry.N.value` (key and value
//!   `locationName`s replace `key` / `value`), or `Name.N.key` when
//!   `flattened`;
//! - scalars: strings as sent, integers in decimal, booleans `true` /
//!   `false`, blobs in base64, timestamps as sent.
//!
//! AWS's Query services ignore parameters their model does not know (the
//! SDKs never send any, and hand-written requests with extra parameters
//! succeed), so unknown keys are not an error: they are returned in
//! [`Decoded::unknown`] for the server to log. Structural mistakes in keys
//! the model does know (a gap in list indices, a duplicate, a scalar sent
//! where a list belongs) are errors, as in [`crate::query`].

use std::collections::BTreeMap;

use crate::query::{QueryError, QueryParams};

use super::error::InputError;
use super::shape::{Member, ShapeId, ShapeKind};
use super::value::Value;
use super::{Model, Operation};

/// Parameters that belong to the protocol, not to any operation's input.
const PROTOCOL_PARAMETERS: &[&str] = &["Action", "Version"];

/// A decoded request input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The input structure (an empty `Struct` for operations without input).
    pub value: Value,
    /// Keys the model does not know, in key order; AWS ignores these.
    pub unknown: Vec<String>,
}

/// Decodes `params` as the input of `operation`, without validating
/// constraints.
pub fn decode(
    model: &Model,
    operation: &Operation,
    params: &QueryParams,
) -> Result<Decoded, InputError> {
    let mut root = Node::default();
    for (key, value) in params.pairs() {
        if PROTOCOL_PARAMETERS.contains(&key) {
            continue;
        }
        let node = key.split('.').fold(&mut root, |node, segment| {
            node.children.entry(segment).or_default()
        });
        if node.value.replace((key, value)).is_some() {
            return Err(QueryError::Duplicate {
                name: key.to_owned(),
            }
            .into());
        }
    }
    let mut decoder = Decoder {
        model,
        unknown: Vec::new(),
    };
    let value = match operation.input() {
        Some(input) => decoder
            .structure(&root, input, "")?
            .unwrap_or_else(|| Value::Struct(BTreeMap::new())),
        None => {
            root.collect_keys(&mut decoder.unknown);
            Value::Struct(BTreeMap::new())
        }
    };
    let mut unknown = decoder.unknown;
    unknown.sort_unstable();
    Ok(Decoded { value, unknown })
}

/// A trie of parameter keys split on `.`.
#[derive(Debug, Default)]
struct Node<'a> {
    /// `(full key, value)` when a parameter ends here.
    value: Option<(&'a str, &'a str)>,
    children: BTreeMap<&'a str, Node<'a>>,
}

impl<'a> Node<'a> {
    fn collect_keys(&self, out: &mut Vec<String>) {
        if let Some((key, _)) = self.value {
            out.push(key.to_owned());
        }
        for child in self.children.values() {
            child.collect_keys(out);
        }
    }

    fn text(&self) -> Option<&'a str> {
        self.value.map(|(_, v)| v)
    }
}

struct Decoder<'m> {
    model: &'m Model,
    unknown: Vec<String>,
}

fn join(prefix: &str, segment: &str) -> String {
    if prefix.is_empty() {
        segment.to_owned()
    } else {
        format!("{prefix}.{segment}")
    }
}

impl<'m> Decoder<'m> {
    /// The shape's kind, borrowed from the model rather than from `self`,
    /// so decoding can recurse while it is held.
    fn kind(&self, id: ShapeId) -> Option<&'m ShapeKind> {
        let model: &'m Model = self.model;
        model.shape(id).map(|s| s.kind())
    }

    /// Decodes whatever `node` holds as shape `id`; `None` if nothing of
    /// that shape was sent there.
    fn value(
        &mut self,
        node: &Node<'_>,
        id: ShapeId,
        path: &str,
    ) -> Result<Option<Value>, InputError> {
        let Some(kind) = self.kind(id) else {
            return Ok(None);
        };
        match kind {
            ShapeKind::Structure(_) => self.structure(node, id, path),
            ShapeKind::List(list) => self.list(node, list.member(), list.is_flattened(), path),
            ShapeKind::Map(map) => self.map(node, map.key(), map.value(), map.is_flattened(), path),
            scalar => self.scalar(node, scalar, path),
        }
    }

    fn structure(
        &mut self,
        node: &Node<'_>,
        id: ShapeId,
        path: &str,
    ) -> Result<Option<Value>, InputError> {
        let Some(ShapeKind::Structure(shape)) = self.kind(id) else {
            return Ok(None);
        };
        let members = shape.members();
        if let Some((key, _)) = node.value {
            self.unknown.push(key.to_owned());
        }
        let mut out = BTreeMap::new();
        for (segment, child) in &node.children {
            match members.iter().find(|m| m.wire_name() == *segment) {
                Some(member) => {
                    if let Some(v) = self.value(child, member.shape(), &join(path, segment))? {
                        out.insert(member.name().to_owned(), v);
                    }
                }
                None => child.collect_keys(&mut self.unknown),
            }
        }
        if out.is_empty() && !path.is_empty() {
            return Ok(None);
        }
        Ok(Some(Value::Struct(out)))
    }

    /// The numbered children of `container`, checked to run 1..=n.
    fn numbered<'n, 'a>(
        &mut self,
        container: &'n Node<'a>,
        prefix: &str,
    ) -> Result<Vec<&'n Node<'a>>, InputError> {
        let mut items: BTreeMap<u32, &Node<'a>> = BTreeMap::new();
        for (segment, child) in &container.children {
            let index = parse_index(segment).ok_or_else(|| QueryError::BadIndex {
                key: join(prefix, segment),
            })?;
            items.insert(index, child);
        }
        for (expected, index) in (1u32..).zip(items.keys()) {
            if *index != expected {
                return Err(QueryError::Gap {
                    name: join(prefix, &expected.to_string()),
                }
                .into());
            }
        }
        Ok(items.into_values().collect())
    }

    fn list(
        &mut self,
        node: &Node<'_>,
        member: &Member,
        flattened: bool,
        path: &str,
    ) -> Result<Option<Value>, InputError> {
        let (container, prefix) = if flattened {
            (Some(node), path.to_owned())
        } else {
            let wrapper = member.wire_name();
            if let Some(extra) = node.children.keys().find(|k| **k != wrapper) {
                return Err(QueryError::BadIndex {
                    key: join(path, extra),
                }
                .into());
            }
            (node.children.get(wrapper), join(path, wrapper))
        };
        let elements = match container {
            Some(c) if !c.children.is_empty() || flattened => self.numbered(c, &prefix)?,
            _ => Vec::new(),
        };
        if let Some(text) = node.text()
            && (!text.is_empty() || !elements.is_empty())
        {
            return Err(QueryError::NotAList {
                name: path.to_owned(),
            }
            .into());
        }
        if node.value.is_none() && elements.is_empty() {
            return Ok(None);
        }
        let mut items = Vec::with_capacity(elements.len());
        for (i, element) in elements.into_iter().enumerate() {
            let element_path = join(&prefix, &(i + 1).to_string());
            match self.value(element, member.shape(), &element_path)? {
                Some(v) => items.push(v),
                None => {
                    return Err(QueryError::BadIndex { key: element_path }.into());
                }
            }
        }
        Ok(Some(Value::List(items)))
    }

    fn map(
        &mut self,
        node: &Node<'_>,
        key: &Member,
        value: &Member,
        flattened: bool,
        path: &str,
    ) -> Result<Option<Value>, InputError> {
        let (container, prefix) = if flattened {
            (Some(node), path.to_owned())
        } else {
            (node.children.get("entry"), join(path, "entry"))
        };
        let entries = match container {
            Some(c) => self.numbered(c, &prefix)?,
            None => Vec::new(),
        };
        if let Some(text) = node.text()
            && (!text.is_empty() || !entries.is_empty())
        {
            return Err(QueryError::NotAList {
                name: path.to_owned(),
            }
            .into());
        }
        if node.value.is_none() && entries.is_empty() {
            return Ok(None);
        }
        let mut out = BTreeMap::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let entry_path = join(&prefix, &(i + 1).to_string());
            let part = |m: &Member| {
                entry
                    .children
                    .get(m.wire_name())
                    .ok_or_else(|| QueryError::IncompleteEntry {
                        name: join(&entry_path, m.wire_name()),
                    })
            };
            let key_node = part(key)?;
            let value_node = part(value)?;
            let key_path = join(&entry_path, key.wire_name());
            let Some(k) = key_node.text() else {
                return Err(QueryError::IncompleteEntry { name: key_path }.into());
            };
            let value_path = join(&entry_path, value.wire_name());
            let v = self
                .value(value_node, value.shape(), &value_path)?
                .ok_or(QueryError::IncompleteEntry { name: value_path })?;
            if out.insert(k.to_owned(), v).is_some() {
                return Err(QueryError::Duplicate { name: key_path }.into());
            }
        }
        Ok(Some(Value::Map(out)))
    }

    fn scalar(
        &mut self,
        node: &Node<'_>,
        kind: &ShapeKind,
        path: &str,
    ) -> Result<Option<Value>, InputError> {
        for child in node.children.values() {
            child.collect_keys(&mut self.unknown);
        }
        let Some(text) = node.text() else {
            return Ok(None);
        };
        let malformed = |expected| InputError::Malformed {
            parameter: path.to_owned(),
            value: text.to_owned(),
            expected,
        };
        let value = match kind {
            ShapeKind::Integer(_) => text
                .parse::<i32>()
                .map(|n| Value::Integer(n.into()))
                .map_err(|_| malformed("integer"))?,
            ShapeKind::Long(_) => text
                .parse::<i64>()
                .map(Value::Integer)
                .map_err(|_| malformed("long"))?,
            ShapeKind::Boolean => {
                if text.eq_ignore_ascii_case("true") {
                    Value::Boolean(true)
                } else if text.eq_ignore_ascii_case("false") {
                    Value::Boolean(false)
                } else {
                    return Err(malformed("boolean"));
                }
            }
            ShapeKind::Blob(_) => {
                Value::Blob(base64_decode(text).ok_or_else(|| malformed("base64 blob"))?)
            }
            ShapeKind::Timestamp { .. } => Value::Timestamp(text.to_owned()),
            _ => Value::String(text.to_owned()),
        };
        Ok(Some(value))
    }
}

/// A 1-based decimal index without sign or leading zero.
fn parse_index(text: &str) -> Option<u32> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Standard base64 with padding (RFC 4648 section 4), as botocore sends
/// blobs.
pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.chunks_exact(4);
    let last = chunks.len().checked_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && Some(i) != last) {
            return None;
        }
        let mut n = 0u32;
        for &c in chunk.iter().take(4 - pad) {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let [_, a, b, c] = n.to_be_bytes();
        out.push(a);
        if pad < 2 {
            out.push(b);
        }
        if pad < 1 {
            out.push(c);
        }
    }
    Some(out)
}
