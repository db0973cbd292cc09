//! Matching when every star may match any run of characters: the pattern is a head, a
//! tail and star-separated segments between them. The head must match at the start, the
//! tail at the end, and each middle segment at its leftmost occurrence after the one
//! before. Taking the leftmost occurrence is never wrong: a star that follows can absorb
//! anything a later occurrence would have skipped. Every search starts where the last
//! one ended, so the text is read once; no position is revisited and nothing backtracks.

use super::{
    Arena, Fixed, Match, Piece, find as find_text, match_fixed, match_fixed_from_end, work,
};
use crate::variable::Resolve;

/// Matches the whole of `text` against `pieces`, whose stars all cross colons.
pub(super) fn matches<'p>(
    arena: &'p Arena,
    pieces: &'p [Piece],
    text: &str,
    vars: &dyn Resolve,
) -> Match<'p> {
    let is_star = |piece: &Piece| matches!(piece, Piece::Star { .. });
    let (Some(first), Some(last)) = (
        pieces.iter().position(is_star),
        pieces.iter().rposition(is_star),
    ) else {
        return match match_fixed(arena, pieces, text, vars) {
            Fixed::Matched("") => Match::Yes,
            Fixed::Unresolved(key) => Match::Unresolved(key),
            _ => Match::No,
        };
    };
    let head = pieces.get(..first).unwrap_or_default();
    let tail = pieces.get(last + 1..).unwrap_or_default();
    let middle = pieces.get(first + 1..last).unwrap_or_default();
    let rest = match match_fixed(arena, head, text, vars) {
        Fixed::Matched(rest) => rest,
        Fixed::Failed => return Match::No,
        Fixed::Unresolved(key) => return Match::Unresolved(key),
    };
    let mut rest = match match_fixed_from_end(arena, tail, rest, vars) {
        Fixed::Matched(middle_text) => middle_text,
        Fixed::Failed => return Match::No,
        Fixed::Unresolved(key) => return Match::Unresolved(key),
    };
    let mut scratch = Scratch::default();
    for segment in middle.split(is_star) {
        if segment.is_empty() {
            continue;
        }
        match find(arena, segment, rest, vars, &mut scratch) {
            Found::At(end) => rest = rest.get(end..).unwrap_or_default(),
            Found::Nowhere => return Match::No,
            Found::Unresolved(key) => return Match::Unresolved(key),
        }
    }
    Match::Yes
}

pub(super) enum Found<'p> {
    /// The leftmost occurrence ends at this byte offset.
    At(usize),
    Nowhere,
    Unresolved(&'p str),
}

/// One unit of a segment: a character, or `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Char(char),
    Any,
}

/// Buffers for [`shift_and`], kept across the segments of one match so a pattern of
/// many short `?` segments allocates once, not per segment.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    units: Vec<Unit>,
    chars: Vec<char>,
    masks: Vec<u64>,
    any: Vec<u64>,
    state: Vec<u64>,
}

/// The leftmost occurrence of a star-free `segment` in `text`.
pub(super) fn find<'p>(
    arena: &'p Arena,
    segment: &'p [Piece],
    text: &str,
    vars: &dyn Resolve,
    scratch: &mut Scratch,
) -> Found<'p> {
    // A plain string: memchr's substring search, linear in both.
    let single = match segment {
        [Piece::Literal(range)] => Some(arena.text(*range)),
        [Piece::Variable(var)] => match var.resolve(arena, vars) {
            Some(value) => Some(value),
            None => return Found::Unresolved(var.key_written(arena)),
        },
        _ => None,
    };
    if let Some(needle) = single {
        return match find_text(text, needle) {
            Some(at) => {
                work::add(at + needle.len() + 1);
                Found::At(at + needle.len())
            }
            None => {
                work::add(text.len() + needle.len() + 1);
                Found::Nowhere
            }
        };
    }
    let mut units = std::mem::take(&mut scratch.units);
    units.clear();
    for piece in segment {
        match piece {
            Piece::Question => units.push(Unit::Any),
            Piece::Literal(range) => units.extend(arena.text(*range).chars().map(Unit::Char)),
            Piece::Variable(var) => match var.resolve(arena, vars) {
                Some(value) => units.extend(value.chars().map(Unit::Char)),
                None => return Found::Unresolved(var.key_written(arena)),
            },
            Piece::Star { .. } => return Found::Nowhere,
        }
    }
    work::add(units.len());
    let found = shift_and(&units, text, scratch);
    scratch.units = units;
    match found {
        Some(end) => Found::At(end),
        None => Found::Nowhere,
    }
}

/// The leftmost occurrence of `units` in `text` by Shift-And (Baeza-Yates and Gonnet):
/// bit `i` of the state says the first `i + 1` units match the text ending here. One
/// pass over the text, `ceil(units / 64)` word operations per character. Returns the
/// byte offset where the occurrence ends.
pub(super) fn shift_and(units: &[Unit], text: &str, scratch: &mut Scratch) -> Option<usize> {
    let len = units.len();
    if len == 0 {
        return Some(0);
    }
    // A segment longer than the text cannot occur (counted in bytes: a char is at least one).
    if len > text.len() {
        return None;
    }
    let words = len.div_ceil(64);
    // The pattern's distinct characters; a text character outside them matches only `?`.
    let Scratch {
        chars,
        masks,
        any,
        state,
        ..
    } = scratch;
    chars.clear();
    chars.extend(units.iter().filter_map(|unit| match unit {
        Unit::Char(ch) => Some(*ch),
        Unit::Any => None,
    }));
    chars.sort_unstable();
    chars.dedup();
    let mut ascii = [0usize; 128];
    for (index, ch) in chars.iter().enumerate() {
        if let Some(slot) = ascii.get_mut(*ch as usize) {
            *slot = index + 1;
        }
    }
    // Row `k + 1` marks where character `k` is wanted; row 0 (a character the segment
    // does not name) marks nothing. `any` marks the `?`s, which take every character.
    masks.clear();
    masks.resize((chars.len() + 1) * words, 0);
    any.clear();
    any.resize(words, 0);
    for (bit, unit) in units.iter().enumerate() {
        let word = match unit {
            Unit::Any => any.get_mut(bit / 64),
            Unit::Char(ch) => {
                let row = chars.binary_search(ch).map_or(0, |index| index + 1);
                masks.get_mut(row * words + bit / 64)
            }
        };
        if let Some(word) = word {
            *word |= 1 << (bit % 64);
        }
    }
    work::add(masks.len());
    let top_word = (len - 1) / 64;
    let top_bit = 1u64 << ((len - 1) % 64);
    state.clear();
    state.resize(words, 0);
    for (offset, ch) in text.char_indices() {
        let row = if ch.is_ascii() {
            ascii.get(ch as usize).copied().unwrap_or(0)
        } else {
            chars.binary_search(&ch).map_or(0, |index| index + 1)
        };
        let mask = masks
            .get(row * words..(row + 1) * words)
            .unwrap_or_default();
        work::add(words);
        // state = ((state << 1) | 1) & mask, word by word from the low end.
        let mut carry = 1u64;
        for ((word, bits), wild) in state.iter_mut().zip(mask).zip(any.iter()) {
            let shifted = (*word << 1) | carry;
            carry = *word >> 63;
            *word = shifted & (bits | wild);
        }
        if state.get(top_word).is_some_and(|word| word & top_bit != 0) {
            return Some(offset + ch.len_utf8());
        }
    }
    None
}
