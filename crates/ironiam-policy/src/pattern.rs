//! Wildcard patterns with policy variables, compiled once per policy.
//!
//! One matcher serves Action names (case-insensitive), Resource ARNs (case-sensitive,
//! colon-aware) and `StringLike` values. A pattern is a list of pieces. Common shapes
//! (one literal, one star) have fast paths; the rest take one of two matchers whose work
//! is bounded whatever the input (issue 10, found item 7: a backtracking-free but
//! position-set walk took N x M steps on `"*a"*N + "*b"`):
//!
//! - [`greedy`] when every star may cross colons (actions, condition values, most ARN
//!   patterns): the classic leftmost-segment greedy, linear in pattern plus text, with a
//!   bit-parallel Shift-And search for segments holding `?`;
//! - [`bitwalk`] when a Resource star must stay inside its ARN segment: the set of
//!   reachable text offsets as a bitset, every piece a few word operations per 64
//!   offsets, so O(pattern x text / 64) with texts of ARN length (at most 2,048).
//!
//! [`reference`] is the dynamic-programming definition both are tested against.
//!
//! The pieces and literal text of every pattern of a policy live in one [`Arena`]: a
//! pattern is a range of it. A policy of a few hundred patterns then costs a handful of
//! allocations instead of several per pattern, which is most of the cost of compiling.

use crate::variable::{self, Resolve, Variable};

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

/// A range of an [`Arena`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Literal(Text),
    /// `*`; `crosses_colons` says whether it may match `:`.
    Star {
        crosses_colons: bool,
    },
    Question,
    Variable(Variable),
}

/// The pieces and literal text of a policy's patterns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Arena {
    text: String,
    pieces: Vec<Piece>,
}

impl Arena {
    /// The text of a literal.
    pub(crate) fn text(&self, range: Text) -> &str {
        self.text
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// Appends `text` (folded to lowercase if asked) and returns its range.
    pub(crate) fn push_text(&mut self, text: &str, lowercase: bool) -> Text {
        let start = self.text.len();
        if !lowercase {
            self.text.push_str(text);
        } else if text.is_ascii() {
            self.text.push_str(text);
            if let Some(added) = self.text.get_mut(start..) {
                added.make_ascii_lowercase();
            }
        } else {
            self.text.push_str(&text.to_lowercase());
        }
        Text {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(self.text.len()).unwrap_or(u32::MAX),
        }
    }

    fn pieces(&self, pattern: &Pattern) -> &[Piece] {
        self.pieces
            .get(pattern.first as usize..pattern.end as usize)
            .unwrap_or_default()
    }
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

/// A compiled wildcard pattern: a range of its policy's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pattern {
    first: u32,
    end: u32,
    shape: Shape,
}

/// Shapes with a fast path; everything else takes the position-set walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A single literal (no wildcard, no variable), compared as a whole.
    Exact(Text),
    /// A lone `*` that crosses colons: matches everything.
    Everything,
    /// Literals, `?` and variables only.
    NoStar,
    /// Exactly one star, with non-star pieces on both sides.
    OneStar { at: u32 },
    /// Several stars.
    General,
}

impl Pattern {
    /// Compiles `text` under `syntax` into `arena`.
    pub(crate) fn compile(text: &str, syntax: Syntax, arena: &mut Arena) -> Self {
        let Syntax {
            colons,
            lowercase,
            variables,
            wildcards,
        } = syntax;
        let first = arena.pieces.len();
        // The literal being read: its start in the arena's text.
        let mut literal_start: Option<usize> = None;
        let flush = |arena: &mut Arena, literal_start: &mut Option<usize>| {
            if let Some(start) = literal_start.take()
                && arena.text.len() > start
            {
                let range = Text {
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    end: u32::try_from(arena.text.len()).unwrap_or(u32::MAX),
                };
                arena.pieces.push(Piece::Literal(range));
            }
        };
        let mut rest = text;
        loop {
            // Copy the run of ordinary characters up to the next special one at once.
            // The special characters are ASCII: a byte search finds them.
            let special = rest
                .bytes()
                .position(|b| (wildcards && (b == b'*' || b == b'?')) || (variables && b == b'$'))
                .unwrap_or(rest.len());
            literal_start.get_or_insert(arena.text.len());
            arena.push_text(rest.get(..special).unwrap_or_default(), lowercase);
            rest = rest.get(special..).unwrap_or_default();
            let Some(ch) = rest.chars().next() else { break };
            if ch == '$' {
                if let Some((token, after)) = variable::read(rest) {
                    match token {
                        variable::Token::Escaped(escaped) => arena.text.push(escaped),
                        variable::Token::Variable { key, default } => {
                            flush(arena, &mut literal_start);
                            let var = Variable::new(key, default, arena);
                            arena.pieces.push(Piece::Variable(var));
                        }
                    }
                    rest = after;
                } else {
                    arena.text.push('$');
                    rest = rest.get(1..).unwrap_or_default();
                }
                continue;
            }
            flush(arena, &mut literal_start);
            let after = rest.get(1..).unwrap_or_default();
            let piece = if ch == '?' {
                Piece::Question
            } else {
                let crosses_colons =
                    colons == Colons::Free || after.is_empty() || after.starts_with(':');
                Piece::Star { crosses_colons }
            };
            // `**` is `*`; merging keeps the one-star fast path reachable.
            let repeated_star = matches!(piece, Piece::Star { .. })
                && arena.pieces.len() > first
                && arena.pieces.last() == Some(&piece);
            if !repeated_star {
                arena.pieces.push(piece);
            }
            rest = after;
        }
        flush(arena, &mut literal_start);
        let pieces = arena.pieces.get(first..).unwrap_or_default();
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut stars = pieces
            .iter()
            .enumerate()
            .filter(|(_, piece)| matches!(piece, Piece::Star { .. }));
        let first_star = stars.next().map(|(index, _)| index);
        let more_stars = stars.next().is_some();
        let shape = match (first_star, more_stars, pieces) {
            (None, _, [Piece::Literal(range)]) => Shape::Exact(*range),
            (None, _, []) => Shape::Exact(Text { start: 0, end: 0 }),
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
            (Some(at), false, _) => Shape::OneStar { at: as_u32(at) },
            _ => Shape::General,
        };
        Self {
            first: as_u32(first),
            end: as_u32(arena.pieces.len()),
            shape,
        }
    }

    /// For a wildcard-free pattern, its text with variables substituted.
    pub(crate) fn render<'p>(
        &self,
        arena: &'p Arena,
        vars: &dyn Resolve,
    ) -> Result<std::borrow::Cow<'p, str>, &'p str> {
        if let Shape::Exact(range) = self.shape {
            return Ok(std::borrow::Cow::Borrowed(arena.text(range)));
        }
        let mut out = String::new();
        for piece in arena.pieces(self) {
            match piece {
                Piece::Literal(range) => out.push_str(arena.text(*range)),
                Piece::Variable(var) => match var.resolve(arena, vars) {
                    Some(value) => out.push_str(value),
                    None => return Err(var.key_written(arena)),
                },
                Piece::Star { .. } => out.push('*'),
                Piece::Question => out.push('?'),
            }
        }
        Ok(std::borrow::Cow::Owned(out))
    }

    /// Matches the whole of `text`.
    #[inline]
    pub(crate) fn matches<'p>(
        &self,
        arena: &'p Arena,
        text: &str,
        vars: &dyn Resolve,
    ) -> Match<'p> {
        match self.shape {
            Shape::Exact(range) => {
                if same_bytes(text.as_bytes(), arena.text(range).as_bytes()) {
                    Match::Yes
                } else {
                    Match::No
                }
            }
            Shape::Everything => Match::Yes,
            Shape::NoStar => match match_fixed(arena, arena.pieces(self), text, vars) {
                Fixed::Matched("") => Match::Yes,
                Fixed::Unresolved(key) => Match::Unresolved(key),
                _ => Match::No,
            },
            Shape::OneStar { at } => self.match_one_star(arena, at as usize, text, vars),
            Shape::General => self.match_general(arena, text, vars),
        }
    }

    fn match_one_star<'p>(
        &self,
        arena: &'p Arena,
        at: usize,
        text: &str,
        vars: &dyn Resolve,
    ) -> Match<'p> {
        let (before, after) = arena
            .pieces(self)
            .split_at(at.min(arena.pieces(self).len()));
        let Some((Piece::Star { crosses_colons }, after)) = after.split_first() else {
            return Match::No;
        };
        let rest = match match_fixed(arena, before, text, vars) {
            Fixed::Matched(rest) => rest,
            Fixed::Unresolved(key) => return Match::Unresolved(key),
            Fixed::Failed => return Match::No,
        };
        let middle = match match_fixed_from_end(arena, after, rest, vars) {
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

    fn match_general<'p>(&self, arena: &'p Arena, text: &str, vars: &dyn Resolve) -> Match<'p> {
        let pieces = arena.pieces(self);
        // Every literal piece must occur, in order and apart: a cheap test that rejects
        // most texts before the match. Each search starts where the last one ended, so
        // together they read the text once.
        let mut rest = text;
        for piece in pieces {
            if let Piece::Literal(range) = piece {
                let literal = arena.text(*range);
                match find(rest, literal) {
                    Some(at) => {
                        work::add(at + literal.len());
                        rest = rest.get(at + literal.len()..).unwrap_or_default();
                    }
                    None => {
                        work::add(rest.len());
                        return Match::No;
                    }
                }
            }
        }
        let all_cross = pieces.iter().all(|piece| {
            !matches!(
                piece,
                Piece::Star {
                    crosses_colons: false
                }
            )
        });
        if all_cross {
            greedy::matches(arena, pieces, text, vars)
        } else {
            bitwalk::matches(arena, pieces, text, vars)
        }
    }
}

pub(super) enum Fixed<'t, 'p> {
    /// The pieces matched; this is the rest of the text.
    Matched(&'t str),
    Failed,
    Unresolved(&'p str),
}

/// Matches star-free pieces at the start of `text`.
pub(super) fn match_fixed<'t, 'p>(
    arena: &'p Arena,
    pieces: &'p [Piece],
    mut text: &'t str,
    vars: &dyn Resolve,
) -> Fixed<'t, 'p> {
    for piece in pieces {
        let literal = match piece {
            Piece::Literal(range) => arena.text(*range),
            Piece::Variable(var) => match var.resolve(arena, vars) {
                Some(value) => value,
                None => return Fixed::Unresolved(var.key_written(arena)),
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
        work::add(literal.len() + 1);
        if !has_prefix(text, literal) {
            return Fixed::Failed;
        }
        text = text.get(literal.len()..).unwrap_or_default();
    }
    Fixed::Matched(text)
}

/// Matches star-free pieces at the end of `text`; returns what precedes them.
pub(super) fn match_fixed_from_end<'t, 'p>(
    arena: &'p Arena,
    pieces: &'p [Piece],
    mut text: &'t str,
    vars: &dyn Resolve,
) -> Fixed<'t, 'p> {
    for piece in pieces.iter().rev() {
        let literal = match piece {
            Piece::Literal(range) => arena.text(*range),
            Piece::Variable(var) => match var.resolve(arena, vars) {
                Some(value) => value,
                None => return Fixed::Unresolved(var.key_written(arena)),
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
        work::add(literal.len() + 1);
        if !has_suffix(text, literal) {
            return Fixed::Failed;
        }
        text = text.get(..text.len() - literal.len()).unwrap_or_default();
    }
    Fixed::Matched(text)
}

/// The byte offset of the first occurrence of `needle` in `hay`: memchr's SIMD search
/// (an offset of a valid UTF-8 needle in valid UTF-8 text is always a char boundary).
pub(super) fn find(hay: &str, needle: &str) -> Option<usize> {
    match needle.as_bytes() {
        [] => Some(0),
        [byte] => memchr::memchr(*byte, hay.as_bytes()),
        bytes => memchr::memmem::find(hay.as_bytes(), bytes),
    }
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

mod bitwalk;
mod greedy;
pub(crate) mod reference;
mod work;

#[cfg(test)]
mod tests;
