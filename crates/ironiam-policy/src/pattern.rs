//! Wildcard patterns with policy variables, compiled once per policy.
//!
//! One matcher serves Action names (case-insensitive), Resource ARNs (case-sensitive,
//! colon-aware) and `StringLike` values. A pattern is a list of pieces; matching walks a
//! set of reachable text positions, so no regex is built and nothing is allocated for
//! texts up to [`STACK_BITS`] bytes.

use crate::variable::{self, Resolve, Variable};

/// Texts up to this many bytes are matched with a position set on the stack.
const STACK_BITS: usize = 512;

/// How `*` treats the colons that separate ARN segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Colons {
    /// `*` matches any run of characters (actions, condition strings).
    Free,
    /// `*` stays inside its colon-separated segment, unless it is the last character of
    /// its segment in the pattern: then it may run past colons. This is the rule on the
    /// IAM User Guide page "IAM JSON policy elements: Resource".
    Bounded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Literal(Box<str>),
    /// `*`; `crosses_colons` says whether it may match `:`.
    Star {
        crosses_colons: bool,
    },
    Question,
    Variable(Variable),
}

/// How a pattern's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax {
    /// How `*` treats colons.
    pub colons: Colons,
    /// Fold literals to lowercase, for case-insensitive matching (the text matched must
    /// then be lowercase too).
    pub lowercase: bool,
    /// Read `${...}` policy variables.
    pub variables: bool,
    /// Read `*` and `?` as wildcards; otherwise they are literal characters.
    pub wildcards: bool,
}

/// The result of matching: a mismatch caused by an absent variable is reported apart,
/// because AWS treats it as "does not match" and explanations should say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match<'p> {
    Yes,
    No,
    /// A variable's key was absent from the request and it had no default.
    Unresolved(&'p str),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pieces: Box<[Piece]>,
    shape: Shape,
}

/// Shapes with a fast path; everything else takes the position-set walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A lone `*` that crosses colons: matches everything.
    Everything,
    /// Literals, `?` and variables only.
    NoStar,
    /// Exactly one star, with non-star pieces on both sides.
    OneStar { at: usize },
    /// Several stars.
    General,
}

impl Pattern {
    /// Compiles `text` under `syntax`.
    pub(crate) fn compile(text: &str, syntax: Syntax) -> Self {
        // Compiling a policy compiles hundreds of patterns: reusing the working buffers
        // leaves one exact-size allocation per piece and one for the piece list.
        thread_local! {
            static SCRATCH: std::cell::RefCell<(String, Vec<Piece>)> = const {
                std::cell::RefCell::new((String::new(), Vec::new()))
            };
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                let (literal, pieces) = &mut *scratch;
                Self::compile_into(text, syntax, literal, pieces)
            }
            Err(_) => Self::compile_into(text, syntax, &mut String::new(), &mut Vec::new()),
        })
    }

    fn compile_into(
        text: &str,
        syntax: Syntax,
        literal: &mut String,
        pieces: &mut Vec<Piece>,
    ) -> Self {
        literal.clear();
        pieces.clear();
        let Syntax {
            colons,
            lowercase,
            variables,
            wildcards,
        } = syntax;
        let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
            if !literal.is_empty() {
                // An exact-size copy: `into_boxed_str` would shrink, a second allocation.
                pieces.push(Piece::Literal(Box::from(literal.as_str())));
                literal.clear();
            }
        };
        let push_text = |literal: &mut String, text: &str| {
            if !lowercase {
                literal.push_str(text);
            } else if text.is_ascii() {
                let start = literal.len();
                literal.push_str(text);
                if let Some(added) = literal.get_mut(start..) {
                    added.make_ascii_lowercase();
                }
            } else {
                literal.push_str(&text.to_lowercase());
            }
        };
        let mut rest = text;
        loop {
            // Copy the run of ordinary characters up to the next special one at once.
            let special = rest
                .find(|ch: char| {
                    (wildcards && (ch == '*' || ch == '?')) || (variables && ch == '$')
                })
                .unwrap_or(rest.len());
            push_text(literal, rest.get(..special).unwrap_or_default());
            rest = rest.get(special..).unwrap_or_default();
            let Some(ch) = rest.chars().next() else { break };
            if ch == '$' {
                if let Some((token, after)) = variable::read(rest) {
                    match token {
                        variable::Token::Escaped(escaped) => literal.push(escaped),
                        variable::Token::Variable(var) => {
                            flush(literal, pieces);
                            pieces.push(Piece::Variable(var));
                        }
                    }
                    rest = after;
                } else {
                    literal.push('$');
                    rest = rest.get(1..).unwrap_or_default();
                }
                continue;
            }
            flush(literal, pieces);
            let after = rest.get(1..).unwrap_or_default();
            let piece = if ch == '?' {
                Piece::Question
            } else {
                let crosses_colons =
                    colons == Colons::Free || after.is_empty() || after.starts_with(':');
                Piece::Star { crosses_colons }
            };
            // `**` is `*`; merging keeps the one-star fast path reachable.
            if !(matches!(piece, Piece::Star { .. }) && pieces.last() == Some(&piece)) {
                pieces.push(piece);
            }
            rest = after;
        }
        flush(literal, pieces);
        let mut stars = pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| matches!(piece, Piece::Star { .. }));
        let first_star = stars.next().map(|(index, _)| index);
        let more_stars = stars.next().is_some();
        let shape = match (first_star, more_stars, pieces.as_slice()) {
            (None, _, _) => Shape::NoStar,
            (
                _,
                _,
                [
                    Piece::Star {
                        crosses_colons: true,
                    },
                ],
            ) => Shape::Everything,
            (Some(at), false, _) => Shape::OneStar { at },
            _ => Shape::General,
        };
        Self {
            pieces: pieces.drain(..).collect(),
            shape,
        }
    }

    /// The pattern's text if it is a plain literal (no wildcard, no variable).
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match &*self.pieces {
            [Piece::Literal(text)] => Some(text),
            [] => Some(""),
            _ => None,
        }
    }

    /// The literal text before the first wildcard or variable.
    pub(crate) fn literal_prefix(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Literal(text)) => text,
            _ => "",
        }
    }

    /// For a wildcard-free pattern, its text with variables substituted.
    pub(crate) fn render<'p>(
        &'p self,
        vars: &dyn Resolve,
    ) -> Result<std::borrow::Cow<'p, str>, &'p str> {
        match &*self.pieces {
            [] => Ok(std::borrow::Cow::Borrowed("")),
            [Piece::Literal(text)] => Ok(std::borrow::Cow::Borrowed(text)),
            pieces => {
                let mut out = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Literal(text) => out.push_str(text),
                        Piece::Variable(var) => match var.resolve(vars) {
                            Some(value) => out.push_str(value),
                            None => return Err(var.key_written()),
                        },
                        Piece::Star { .. } => out.push('*'),
                        Piece::Question => out.push('?'),
                    }
                }
                Ok(std::borrow::Cow::Owned(out))
            }
        }
    }

    /// Matches the whole of `text`.
    #[inline]
    pub(crate) fn matches<'p>(&'p self, text: &str, vars: &dyn Resolve) -> Match<'p> {
        match self.shape {
            Shape::Everything => Match::Yes,
            Shape::NoStar => match match_fixed(&self.pieces, text, vars) {
                Fixed::Matched("") => Match::Yes,
                Fixed::Unresolved(key) => Match::Unresolved(key),
                _ => Match::No,
            },
            Shape::OneStar { at } => self.match_one_star(at, text, vars),
            Shape::General => self.match_general(text, vars),
        }
    }

    fn match_one_star<'p>(&'p self, at: usize, text: &str, vars: &dyn Resolve) -> Match<'p> {
        let (before, after) = self.pieces.split_at(at);
        let Some((Piece::Star { crosses_colons }, after)) = after.split_first() else {
            return Match::No;
        };
        let rest = match match_fixed(before, text, vars) {
            Fixed::Matched(rest) => rest,
            Fixed::Unresolved(key) => return Match::Unresolved(key),
            Fixed::Failed => return Match::No,
        };
        let middle = match match_fixed_from_end(after, rest, vars) {
            Fixed::Matched(middle) => middle,
            Fixed::Unresolved(key) => return Match::Unresolved(key),
            Fixed::Failed => return Match::No,
        };
        if *crosses_colons || !middle.contains(':') {
            Match::Yes
        } else {
            Match::No
        }
    }

    fn match_general<'p>(&'p self, text: &str, vars: &dyn Resolve) -> Match<'p> {
        // Every literal piece must occur, in order and apart: a cheap test that rejects
        // most texts before the walk.
        let mut rest = text;
        for piece in self.pieces.iter() {
            if let Piece::Literal(literal) = piece {
                match rest.find(literal.as_ref()) {
                    Some(at) => rest = rest.get(at + literal.len()..).unwrap_or_default(),
                    None => return Match::No,
                }
            }
        }
        let words = text.len() / 64 + 1;
        if text.len() < STACK_BITS {
            let mut current = [0u64; STACK_BITS / 64];
            let mut next = [0u64; STACK_BITS / 64];
            let (current, next) = (current.get_mut(..words), next.get_mut(..words));
            match (current, next) {
                (Some(current), Some(next)) => walk(&self.pieces, text, vars, current, next),
                _ => Match::No,
            }
        } else {
            let mut current = vec![0u64; words];
            let mut next = vec![0u64; words];
            walk(&self.pieces, text, vars, &mut current, &mut next)
        }
    }
}

enum Fixed<'t, 'p> {
    /// The pieces matched; this is the rest of the text.
    Matched(&'t str),
    Failed,
    Unresolved(&'p str),
}

/// Matches star-free pieces at the start of `text`.
fn match_fixed<'t, 'p>(
    pieces: &'p [Piece],
    mut text: &'t str,
    vars: &dyn Resolve,
) -> Fixed<'t, 'p> {
    for piece in pieces {
        let literal = match piece {
            Piece::Literal(literal) => literal.as_ref(),
            Piece::Variable(var) => match var.resolve(vars) {
                Some(value) => value,
                None => return Fixed::Unresolved(var.key_written()),
            },
            Piece::Question => {
                let Some(ch) = text.chars().next() else {
                    return Fixed::Failed;
                };
                text = text.get(ch.len_utf8()..).unwrap_or_default();
                continue;
            }
            Piece::Star { .. } => return Fixed::Failed,
        };
        if !has_prefix(text, literal) {
            return Fixed::Failed;
        }
        text = text.get(literal.len()..).unwrap_or_default();
    }
    Fixed::Matched(text)
}

/// Matches star-free pieces at the end of `text`; returns what precedes them.
fn match_fixed_from_end<'t, 'p>(
    pieces: &'p [Piece],
    mut text: &'t str,
    vars: &dyn Resolve,
) -> Fixed<'t, 'p> {
    for piece in pieces.iter().rev() {
        let literal = match piece {
            Piece::Literal(literal) => literal.as_ref(),
            Piece::Variable(var) => match var.resolve(vars) {
                Some(value) => value,
                None => return Fixed::Unresolved(var.key_written()),
            },
            Piece::Question => {
                let Some(ch) = text.chars().next_back() else {
                    return Fixed::Failed;
                };
                text = text.get(..text.len() - ch.len_utf8()).unwrap_or_default();
                continue;
            }
            Piece::Star { .. } => return Fixed::Failed,
        };
        if !has_suffix(text, literal) {
            return Fixed::Failed;
        }
        text = text.get(..text.len() - literal.len()).unwrap_or_default();
    }
    Fixed::Matched(text)
}

/// Byte-wise equality without a call into libc's `memcmp`: the strings compared here
/// are a few dozen bytes at most, where the call costs more than the comparison.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn has_prefix(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| same_bytes(head, prefix.as_bytes()))
}

fn has_suffix(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text
            .as_bytes()
            .get(text.len() - suffix.len()..)
            .is_some_and(|tail| same_bytes(tail, suffix.as_bytes()))
}

fn set_bit(bits: &mut [u64], index: usize) {
    if let Some(word) = bits.get_mut(index / 64) {
        *word |= 1 << (index % 64);
    }
}

fn bit(bits: &[u64], index: usize) -> bool {
    bits.get(index / 64)
        .is_some_and(|word| word & (1 << (index % 64)) != 0)
}

/// Sets every bit from `from` to `to`, both included.
fn set_range(bits: &mut [u64], from: usize, to: usize) {
    for index in from / 64..=to / 64 {
        let Some(word) = bits.get_mut(index) else {
            break;
        };
        let low = if index == from / 64 { from % 64 } else { 0 };
        let high = if index == to / 64 { to % 64 } else { 63 };
        let mask = (u64::MAX >> (63 - high)) & (u64::MAX << low);
        *word |= mask;
    }
}

/// The set positions, in increasing order.
fn positions(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(index, word)| {
        let mut rest = *word;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let offset = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                index * 64 + offset
            })
        })
    })
}

/// The general matcher: `current` holds the byte offsets of `text` reachable after the
/// pieces seen so far; each piece maps it to `next`. Offsets inside a multi-byte
/// character may be marked by a star; no literal or `?` can continue from them and the
/// end of the text is a boundary, so they never produce a match.
fn walk<'p>(
    pieces: &'p [Piece],
    text: &str,
    vars: &dyn Resolve,
    current: &mut [u64],
    next: &mut [u64],
) -> Match<'p> {
    let bytes = text.as_bytes();
    let len = text.len();
    current.fill(0);
    set_bit(current, 0);
    for piece in pieces {
        next.fill(0);
        match piece {
            Piece::Star {
                crosses_colons: true,
            } => {
                if let Some(first) = positions(current).next() {
                    set_range(next, first, len);
                }
            }
            Piece::Star {
                crosses_colons: false,
            } => {
                // From each reachable offset up to the next colon (the star stops before it).
                let mut covered_to = None;
                for pos in positions(current) {
                    if covered_to.is_some_and(|end| pos <= end) {
                        continue;
                    }
                    let stop = bytes
                        .get(pos..)
                        .and_then(|rest| rest.iter().position(|b| *b == b':'))
                        .map_or(len, |offset| pos + offset);
                    set_range(next, pos, stop);
                    covered_to = Some(stop);
                }
            }
            Piece::Question => {
                for pos in positions(current) {
                    if let Some(ch) = text.get(pos..).and_then(|rest| rest.chars().next()) {
                        set_bit(next, pos + ch.len_utf8());
                    }
                }
            }
            Piece::Literal(_) | Piece::Variable(_) => {
                let literal = match piece {
                    Piece::Literal(literal) => literal.as_ref(),
                    Piece::Variable(var) => match var.resolve(vars) {
                        Some(value) => value,
                        None => return Match::Unresolved(var.key_written()),
                    },
                    _ => "",
                };
                for pos in positions(current) {
                    if text
                        .get(pos..)
                        .is_some_and(|rest| has_prefix(rest, literal))
                    {
                        set_bit(next, pos + literal.len());
                    }
                }
            }
        }
        if next.iter().all(|word| *word == 0) {
            return Match::No;
        }
        current.copy_from_slice(next);
    }
    if bit(current, len) {
        Match::Yes
    } else {
        Match::No
    }
}

#[cfg(test)]
mod tests;
