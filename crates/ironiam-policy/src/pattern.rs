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
        let Syntax {
            colons,
            lowercase,
            variables,
            wildcards,
        } = syntax;
        let mut pieces: Vec<Piece> = Vec::new();
        let mut literal = String::new();
        let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(literal).into_boxed_str()));
            }
        };
        let mut rest = text;
        while let Some(ch) = rest.chars().next() {
            if variables
                && rest.starts_with("${")
                && let Some((token, after)) = variable::read(rest)
            {
                match token {
                    variable::Token::Escaped(escaped) => literal.push(escaped),
                    variable::Token::Variable(var) => {
                        flush(&mut literal, &mut pieces);
                        pieces.push(Piece::Variable(var));
                    }
                }
                rest = after;
                continue;
            }
            match ch {
                '*' if wildcards => {
                    flush(&mut literal, &mut pieces);
                    let crosses_colons = match colons {
                        Colons::Free => true,
                        Colons::Bounded => {
                            let next = rest.get(1..).unwrap_or_default();
                            next.is_empty() || next.starts_with(':')
                        }
                    };
                    pieces.push(Piece::Star { crosses_colons });
                }
                '?' if wildcards => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Question);
                }
                _ if lowercase => literal.extend(ch.to_lowercase()),
                _ => literal.push(ch),
            }
            rest = rest.get(ch.len_utf8()..).unwrap_or_default();
        }
        flush(&mut literal, &mut pieces);
        // `**` is `*`; merging keeps the one-star fast path reachable.
        pieces.dedup_by(|later, earlier| {
            matches!((earlier, later), (Piece::Star { crosses_colons: a }, Piece::Star { crosses_colons: b }) if a == b)
        });
        let stars: Vec<usize> = pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| matches!(piece, Piece::Star { .. }))
            .map(|(index, _)| index)
            .collect();
        let shape = match (stars.as_slice(), pieces.as_slice()) {
            ([], _) => Shape::NoStar,
            (
                _,
                [
                    Piece::Star {
                        crosses_colons: true,
                    },
                ],
            ) => Shape::Everything,
            ([at], _) => Shape::OneStar { at: *at },
            _ => Shape::General,
        };
        Self {
            pieces: pieces.into_boxed_slice(),
            shape,
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
        match text.strip_prefix(literal) {
            Some(rest) => text = rest,
            None => return Fixed::Failed,
        }
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
        match text.strip_suffix(literal) {
            Some(rest) => text = rest,
            None => return Fixed::Failed,
        }
    }
    Fixed::Matched(text)
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

/// The general matcher: `current` holds the byte offsets of `text` reachable after the
/// pieces seen so far; each piece maps it to `next`.
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
        let mut any = false;
        match piece {
            Piece::Star { crosses_colons } => {
                // Every position from a reachable one onwards, up to a colon if bounded.
                let mut reachable = false;
                for pos in 0..=len {
                    if bit(current, pos) {
                        reachable = true;
                    }
                    if reachable && text.is_char_boundary(pos) {
                        set_bit(next, pos);
                        any = true;
                    }
                    if !crosses_colons && bytes.get(pos) == Some(&b':') {
                        reachable = false;
                    }
                }
            }
            Piece::Question => {
                for (pos, ch) in text.char_indices() {
                    if bit(current, pos) {
                        set_bit(next, pos + ch.len_utf8());
                        any = true;
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
                for pos in 0..=len {
                    if bit(current, pos)
                        && text
                            .get(pos..)
                            .is_some_and(|rest| rest.starts_with(literal))
                    {
                        set_bit(next, pos + literal.len());
                        any = true;
                    }
                }
            }
        }
        if !any {
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
