//! The models' `pattern` constraints: Java regular expressions, run with the
//! `regex` crate.
//!
//! AWS validates with `java.util.regex` and `Matcher.matches()`, so a value
//! must match the whole pattern: every pattern is anchored here. The
//! translation keeps Java's meaning where the two dialects differ:
//!
//! - `\uXXXX` takes exactly four hex digits, as in Java. (STS's
//!   `\u10000-\u10FFFF` therefore reads as `\u1000`, `0-\u10FF`, `F`, `F`,
//!   exactly as AWS's Java validator reads it.)
//! - `\w`, `\d` and `\s` are ASCII-only in Java unless
//!   `UNICODE_CHARACTER_CLASS` is set; in `regex` they are Unicode. They are
//!   spelled out as ASCII sets.
//! - `\p{L}`, `\p{Z}`, `\p{N}` mean the same in both.
//! - Lookaround, which `regex` lacks, is handled by a rewrite table: a pattern
//!   the crate cannot express is replaced by an equivalent pair of an
//!   accepting expression and a forbidden substring.

use regex::Regex;

use super::error::ModelError;

/// Patterns with lookaround, rewritten as `(accept, forbidden substring)`.
/// Each rewrite is equivalent to the Java original; the reasoning is beside
/// it, and `model::tests` checks the examples.
const REWRITES: &[(&str, &str, &str)] = &[
    // A DNS-label-like name: `-(?!-)` forbids a hyphen followed by a hyphen
    // inside the repetition, and the first and last characters cannot be
    // hyphens at all, so "no `--` anywhere" is exactly the lookahead's effect.
    (
        "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$",
        "--",
    ),
];

/// A compiled `pattern` constraint.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    accept: Regex,
    forbid: Option<Regex>,
}

impl Pattern {
    /// Compiles a pattern exactly as it appears in the model.
    pub fn compile(source: &str) -> Result<Self, ModelError> {
        let (accept, forbid) = match REWRITES.iter().find(|(java, _, _)| *java == source) {
            Some((_, accept, forbid)) => (*accept, Some(*forbid)),
            None => (source, None),
        };
        let compile = |java: &str, anchored: bool| -> Result<Regex, ModelError> {
            let body = translate(java).map_err(|reason| ModelError::Pattern {
                pattern: source.to_owned(),
                reason,
            })?;
            let text = if anchored {
                format!("^(?:{body})$")
            } else {
                body
            };
            Regex::new(&text).map_err(|e| ModelError::Pattern {
                pattern: source.to_owned(),
                reason: e.to_string(),
            })
        };
        Ok(Self {
            source: source.to_owned(),
            accept: compile(accept, true)?,
            forbid: forbid.map(|f| compile(f, false)).transpose()?,
        })
    }

    /// The pattern as written in the model, which is what AWS quotes in its
    /// error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.accept.is_match(value) && !self.forbid.as_ref().is_some_and(|f| f.is_match(value))
    }
}

const WORD: &str = "0-9A-Za-z_";
const DIGIT: &str = "0-9";
const SPACE: &str = r" \t\n\x0B\f\r";

/// Rewrites Java regex syntax into `regex` syntax with the same meaning.
pub(super) fn translate(java: &str) -> Result<String, String> {
    let mut out = String::with_capacity(java.len() + 16);
    let mut chars = java.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    return Err("trailing backslash".to_owned());
                };
                let in_class = class_depth > 0;
                match escaped {
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                            return Err(format!("bad `\\u{hex}` escape"));
                        }
                        out.push_str(&format!("\\x{{{hex}}}"));
                    }
                    'w' | 'd' | 's' => {
                        let set = match escaped {
                            'w' => WORD,
                            'd' => DIGIT,
                            _ => SPACE,
                        };
                        if in_class {
                            out.push_str(set);
                        } else {
                            out.push('[');
                            out.push_str(set);
                            out.push(']');
                        }
                    }
                    'W' | 'D' | 'S' => {
                        // Inside a class this is a nested negated class, which `regex`
                        // unites with the rest of the class as Java does
                        // (`[\s\S]`, any character, in the Organizations model).
                        let set = match escaped {
                            'W' => WORD,
                            'D' => DIGIT,
                            _ => SPACE,
                        };
                        out.push_str("[^");
                        out.push_str(set);
                        out.push(']');
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '(' if chars.peek() == Some(&'?') => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("?=")
                    || rest.starts_with("?!")
                    || rest.starts_with("?<=")
                    || rest.starts_with("?<!")
                {
                    return Err("lookaround is not supported".to_owned());
                }
                out.push('(');
            }
            other => out.push(other),
        }
    }
    if class_depth != 0 {
        return Err("unclosed character class".to_owned());
    }
    Ok(out)
}
