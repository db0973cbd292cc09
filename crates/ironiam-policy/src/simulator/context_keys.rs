//! The context keys a policy refers to, as `GetContextKeysForCustomPolicy` and
//! `GetContextKeysForPrincipalPolicy` list them.
//!
//! AWS's answers, recorded from live calls, show the rules followed here:
//!
//! - every condition key, as written (a key that is itself `${...}` is listed as is);
//! - in `2012-10-17` documents, the key of every policy variable in `Resource`,
//!   `NotResource` and condition values, without its default (`${aws:username, 'x'}`
//!   lists `aws:username`); the escapes `${*}`, `${?}` and `${$}` list `*`, `?` and `$`;
//! - not the variables in `Action` or `Principal`, nor any in a `2008-10-17` document,
//!   where `${...}` is literal text;
//! - each key once per policy, compared exactly (`aws:username` and `AWS:username` are
//!   two entries). Keys are not merged across policies: the callers concatenate the
//!   lists of distinct policies.
//!
//! AWS's order is unspecified (it changes between calls); this is document order.

use crate::document::{PolicyDocument, PolicyVersion};
use crate::variable::{self, Token};

/// The context keys `document` refers to, each once, in document order.
pub fn referenced_context_keys(document: &PolicyDocument<'_>) -> Vec<String> {
    let variables = document.version == PolicyVersion::V2012_10_17;
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        if !keys.iter().any(|known| known == key) {
            keys.push(key.to_string());
        }
    };
    for statement in &document.statements {
        if variables && let Some(resource) = &statement.resource {
            for pattern in &resource.patterns {
                variable_keys(&pattern.value, &mut add);
            }
        }
        for condition in &statement.conditions {
            add(&condition.key.value);
            if variables {
                for value in &condition.values {
                    variable_keys(&value.value, &mut add);
                }
            }
        }
    }
    keys
}

/// Calls `add` with the key of every `${...}` in `text`.
fn variable_keys(text: &str, add: &mut impl FnMut(&str)) {
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let Some(from) = rest.get(at..) else {
            return;
        };
        match variable::read(from) {
            Some((Token::Variable { key, .. }, after)) => {
                add(key);
                rest = after;
            }
            Some((Token::Escaped(escaped), after)) => {
                add(escaped.encode_utf8(&mut [0; 4]));
                rest = after;
            }
            None => rest = from.get(2..).unwrap_or_default(),
        }
    }
}
