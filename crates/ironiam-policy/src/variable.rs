//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, and the
//! escapes `${*}`, `${?}` and `${$}`, as the IAM User Guide page "IAM policy elements:
//! Variables and tags" describes them. They exist only in `2012-10-17` documents.

use crate::context::fast_hash;
use crate::pattern::{Arena, Text};

/// Looks up the single value of a context key for substitution.
pub trait Resolve {
    /// The value of the key folded to `key_lowercase` (whose [`crate::KeyName`] hash is
    /// `hash`), if the request has exactly one.
    fn single_value(&self, hash: u64, key_lowercase: &str) -> Option<&str>;
}

/// A variable reference in a pattern; its strings live in the policy's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Variable {
    key_written: Text,
    key_lowercase: Text,
    key_hash: u64,
    default: Option<Text>,
}

impl Variable {
    /// Stores a reference's key and default in `arena`.
    pub(crate) fn new(key: &str, default: Option<&str>, arena: &mut Arena) -> Self {
        let key_written = arena.push_text(key, false);
        let key_lowercase = arena.push_text(key, true);
        Self {
            key_written,
            key_lowercase,
            key_hash: fast_hash(arena.text(key_lowercase)),
            default: default.map(|default| arena.push_text(default, false)),
        }
    }

    /// The key as written in the policy.
    pub(crate) fn key_written<'a>(&self, arena: &'a Arena) -> &'a str {
        arena.text(self.key_written)
    }

    /// The value to substitute: the request's, else the default. `None` means the
    /// pattern cannot match: an absent key never becomes the empty string.
    pub(crate) fn resolve<'a>(&self, arena: &'a Arena, vars: &'a dyn Resolve) -> Option<&'a str> {
        vars.single_value(self.key_hash, arena.text(self.key_lowercase))
            .or_else(|| self.default.map(|default| arena.text(default)))
    }
}

/// What a `${...}` stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'t> {
    /// `${*}`, `${?}` or `${$}`: the character itself, not a wildcard.
    Escaped(char),
    /// A context key to substitute, with its default.
    Variable {
        key: &'t str,
        default: Option<&'t str>,
    },
}

/// Reads a `${...}` at the start of `text`. Returns the token and the text after it, or
/// `None` when there is no well-formed reference (the text is then literal).
pub(crate) fn read(text: &str) -> Option<(Token<'_>, &str)> {
    let body_and_rest = text.strip_prefix("${")?;
    let close = body_and_rest.find('}')?;
    let body = body_and_rest.get(..close)?;
    let rest = body_and_rest.get(close + 1..)?;
    let token = match body {
        "*" => Token::Escaped('*'),
        "?" => Token::Escaped('?'),
        "$" => Token::Escaped('$'),
        _ => parse_reference(body)?,
    };
    Some((token, rest))
}

/// `key` or `key, 'default'` (white space around the comma is allowed).
fn parse_reference(body: &str) -> Option<Token<'_>> {
    let (key, default) = match body.split_once(',') {
        None => (body.trim(), None),
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim(), Some(quoted))
        }
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Token::Variable { key, default })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn reads_plain_default_and_escapes() {
        let (token, rest) = read("${aws:username}/x").unwrap();
        assert_eq!(
            token,
            Token::Variable {
                key: "aws:username",
                default: None
            }
        );
        assert_eq!(rest, "/x");
        let (token, _) = read("${aws:userid, 'anonymous'}").unwrap();
        assert_eq!(
            token,
            Token::Variable {
                key: "aws:userid",
                default: Some("anonymous")
            }
        );
        assert_eq!(read("${*}").unwrap().0, Token::Escaped('*'));
        assert_eq!(read("${?}").unwrap().0, Token::Escaped('?'));
        assert_eq!(read("${$}").unwrap().0, Token::Escaped('$'));
    }

    #[test]
    fn malformed_references_stay_literal() {
        assert!(read("${aws:username").is_none());
        assert!(read("${}").is_none());
        assert!(read("${a, unquoted}").is_none());
    }
}
