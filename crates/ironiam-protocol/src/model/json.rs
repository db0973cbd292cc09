//! JSON-protocol input decoding (`awsJson1_0`, `awsJson1_1`), driven by the model.
//!
//! The body is botocore's `JSONSerializer` output read backwards:
//!
//! - structures are JSON objects keyed by the member's `locationName`, or its name;
//! - lists are arrays, maps are objects;
//! - strings are strings, integers and longs are numbers without a fraction,
//!   booleans are `true` / `false`;
//! - timestamps are numbers of seconds since the epoch (botocore's default for
//!   this protocol) or strings, kept as sent;
//! - blobs are base64 strings.
//!
//! As with the Query decoder, members the model does not know are not an error
//! (AWS's JSON services ignore them); they are returned in [`Decoded::unknown`].
//! A `null` member is the member left out. What cannot be read as the model's type
//! is an [`InputError::Serialization`], AWS's `SerializationException`. An empty
//! body is an empty object: botocore sends `{}` for operations without input, and
//! some hand-written clients send nothing.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::decode::{Decoded, base64_decode};
use super::error::InputError;
use super::shape::{ShapeId, ShapeKind};
use super::value::Value;
use super::{Model, Operation};

/// The deepest nesting accepted; the models nest a few levels, and a limit keeps a
/// hostile body from recursing without bound.
const MAX_DEPTH: usize = 32;

/// Decodes a JSON request body as the input of `operation`, without validating
/// constraints.
///
/// # Errors
/// [`InputError::Serialization`] when the body is not JSON, is not an object, or a
/// member is not of its shape's type.
pub fn decode(model: &Model, operation: &Operation, body: &[u8]) -> Result<Decoded, InputError> {
    let json: Json = if body.iter().all(u8::is_ascii_whitespace) {
        Json::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(body).map_err(|err| {
            InputError::Serialization(format!("The request body is not valid JSON: {err}."))
        })?
    };
    let Json::Object(_) = &json else {
        return Err(InputError::Serialization(format!(
            "The request body must be a JSON object, not {}.",
            kind_of(&json)
        )));
    };
    let mut decoder = Decoder {
        model,
        unknown: Vec::new(),
    };
    let value = match operation.input() {
        Some(input) => decoder.value(&json, input, "", 0)?,
        None => {
            if let Json::Object(members) = &json {
                decoder.unknown.extend(members.keys().cloned());
            }
            Value::Struct(BTreeMap::new())
        }
    };
    let mut unknown = decoder.unknown;
    unknown.sort_unstable();
    Ok(Decoded { value, unknown })
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

/// How a JSON value is named in error messages.
fn kind_of(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl Decoder<'_> {
    fn value(
        &mut self,
        json: &Json,
        id: ShapeId,
        path: &str,
        depth: usize,
    ) -> Result<Value, InputError> {
        let model = self.model;
        let Some(shape) = model.shape(id) else {
            return Err(InputError::Serialization(format!(
                "The member '{path}' has no shape in the model."
            )));
        };
        if depth > MAX_DEPTH {
            return Err(InputError::Serialization(format!(
                "The request nests deeper than {MAX_DEPTH} levels at '{path}'."
            )));
        }
        let wrong = |expected: &str| {
            let at = if path.is_empty() {
                "the request body".to_owned()
            } else {
                format!("'{path}'")
            };
            InputError::Serialization(format!(
                "Expected {expected} at {at}, found {}.",
                kind_of(json)
            ))
        };
        Ok(match (shape.kind(), json) {
            (ShapeKind::Structure(structure), Json::Object(members)) => {
                let mut out = BTreeMap::new();
                for (key, member_json) in members {
                    let Some(member) = structure.members().iter().find(|m| m.wire_name() == key)
                    else {
                        self.unknown.push(join(path, key));
                        continue;
                    };
                    if member_json.is_null() {
                        continue;
                    }
                    let decoded =
                        self.value(member_json, member.shape(), &join(path, key), depth + 1)?;
                    out.insert(member.name().to_owned(), decoded);
                }
                Value::Struct(out)
            }
            (ShapeKind::List(list), Json::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    if item.is_null() {
                        return Err(InputError::Serialization(format!(
                            "The list element '{item_path}' is null."
                        )));
                    }
                    out.push(self.value(item, list.member().shape(), &item_path, depth + 1)?);
                }
                Value::List(out)
            }
            (ShapeKind::Map(map), Json::Object(entries)) => {
                let mut out = BTreeMap::new();
                for (key, entry) in entries {
                    let entry_path = join(path, key);
                    if entry.is_null() {
                        return Err(InputError::Serialization(format!(
                            "The map value '{entry_path}' is null."
                        )));
                    }
                    let decoded = self.value(entry, map.value().shape(), &entry_path, depth + 1)?;
                    out.insert(key.clone(), decoded);
                }
                Value::Map(out)
            }
            (ShapeKind::String(_), Json::String(text)) => Value::String(text.clone()),
            (ShapeKind::Integer(_), Json::Number(n)) => n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .map(|n| Value::Integer(n.into()))
                .ok_or_else(|| wrong("an integer"))?,
            (ShapeKind::Long(_), Json::Number(n)) => n
                .as_i64()
                .map(Value::Integer)
                .ok_or_else(|| wrong("a long integer"))?,
            (ShapeKind::Boolean, Json::Bool(b)) => Value::Boolean(*b),
            (ShapeKind::Timestamp { .. }, Json::Number(n)) => Value::Timestamp(n.to_string()),
            (ShapeKind::Timestamp { .. }, Json::String(text)) => Value::Timestamp(text.clone()),
            (ShapeKind::Blob(_), Json::String(text)) => {
                Value::Blob(base64_decode(text).ok_or_else(|| wrong("a base64-encoded string"))?)
            }
            (ShapeKind::Structure(_), _) => return Err(wrong("an object")),
            (ShapeKind::List(_), _) => return Err(wrong("an array")),
            (ShapeKind::Map(_), _) => return Err(wrong("an object")),
            (ShapeKind::String(_), _) => return Err(wrong("a string")),
            (ShapeKind::Integer(_), _) => return Err(wrong("an integer")),
            (ShapeKind::Long(_), _) => return Err(wrong("a long integer")),
            (ShapeKind::Boolean, _) => return Err(wrong("a boolean")),
            (ShapeKind::Timestamp { .. }, _) => return Err(wrong("a timestamp")),
            (ShapeKind::Blob(_), _) => return Err(wrong("a base64-encoded string")),
        })
    }
}
