//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, and the
//! escapes `${*}`, `${?}` and `${$}`, as the IAM User Guide page "IAM policy elements:
//! Variables and tags" describes them. They exist only in `2012-10-17` documents.

use crate::context::KeyName;

/// Looks up the single value of a context key for substitution.
pub trait Resolve {
    /// The value of `key`, if the request has exactly one.
    fn single_value(&self, key: &KeyName) -> Option<&str>;
}

/// A variable reference in a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    key_written: Box<str>,
    key: KeyName,
    default: Option<Box<str>>,
}

impl Variable {
    /// The key as written in the policy.
    pub fn key_written(&self) -> &str {
        &self.key_written
    }

    /// The key folded to lowercase (keys compare case-insensitively).
    pub fn key_lowercase(&self) -> &str {
        self.key.as_str()
    }

    /// The value to substitute: the request's, else the default. `None` means the
    /// pattern cannot match: an absent key never becomes the empty string.
    pub fn resolve<'a>(&'a self, vars: &'a dyn Resolve) -> Option<&'a str> {
        vars.single_value(&self.key).or(self.default.as_deref())
    }
}

/// What a `${...}` stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// `${*}`, `${?}` or `${$}`: the character itself, not a wildcard.
    Escaped(char),
    /// A context key to substitute.
    Variable(Variable),
}

/// Reads a `${...}` at the start of `text`. Returns the token and the text after it, or
/// `None` when there is no well-formed reference (the text is then literal).
pub(crate) fn read(text: &str) -> Option<(Token, &str)> {
    let body_and_rest = text.strip_prefix("${")?;
    let close = body_and_rest.find('}')?;
    let body = body_and_rest.get(..close)?;
    let rest = body_and_rest.get(close + 1..)?;
    let token = match body {
        "*" => Token::Escaped('*'),
        "?" => Token::Escaped('?'),
        "$" => Token::Escaped('$'),
        _ => Token::Variable(parse_reference(body)?),
    };
    Some((token, rest))
}

/// `key` or `key, 'default'` (white space around the comma is allowed).
fn parse_reference(body: &str) -> Option<Variable> {
    let (key, default) = match body.split_once(',') {
        None => (body.trim(), None),
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim(), Some(quoted.into()))
        }
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Variable {
        key_written: key.into(),
        key: KeyName::new(key),
        default,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn reads_plain_default_and_escapes() {
        let (Token::Variable(var), rest) = read("${aws:username}/x").unwrap() else {
            panic!()
        };
        assert_eq!((var.key_lowercase(), rest), ("aws:username", "/x"));
        let (Token::Variable(var), _) = read("${aws:userid, 'anonymous'}").unwrap() else {
            panic!()
        };
        assert_eq!(var.default.as_deref(), Some("anonymous"));
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
