//! Matching a Resource pattern with a star that must stay inside its ARN segment (IAM
//! User Guide, "IAM JSON policy elements: Resource": only a star that ends its segment
//! expands past colons). Greedy search is not enough here: which occurrence of a
//! segment to take depends on where the colons fall. So the matcher keeps the set of
//! text offsets reachable after each piece as a bitset (bit `i`: the pieces so far
//! match `text[..i]`) and maps it through each piece with whole-word operations:
//!
//! - a literal byte `b`: `set = (set & at[b]) << 1`, where `at[b]` marks where `b` is;
//! - `?`: one character forward (one byte for ASCII text, to the next boundary else);
//! - a star that stays in its segment: each offset extended up to the next colon, by
//!   one carry-propagating addition (`set | ((free + (set & free)) ^ free)`);
//! - a star that crosses colons: everything from the first reachable offset on.
//!
//! Work: a few word operations per pattern byte per 64 text bytes, whatever the input;
//! Resource texts are ARNs of at most 2,048 characters (33 words).

use super::{Arena, Match, Piece, work};
use crate::variable::Resolve;

/// The masks of one text, built on demand.
struct Text<'t> {
    bytes: &'t [u8],
    words: usize,
    /// Per byte value, the index of its mask in `store` plus one (0: not built yet).
    index: [u32; 256],
    store: Vec<u64>,
}

impl<'t> Text<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            bytes: text.as_bytes(),
            words: text.len() / 64 + 1,
            index: [0; 256],
            store: Vec::new(),
        }
    }

    /// Marks the offsets whose byte satisfies `test` (the end offset never does).
    fn mask_where(&self, test: impl Fn(usize, u8) -> bool) -> Vec<u64> {
        let mut mask = vec![0u64; self.words];
        for (offset, byte) in self.bytes.iter().enumerate() {
            if test(offset, *byte)
                && let Some(word) = mask.get_mut(offset / 64)
            {
                *word |= 1 << (offset % 64);
            }
        }
        work::add(self.bytes.len());
        mask
    }

    /// Where `byte` occurs: the row of `store` that marks it, built on first use.
    fn row(&mut self, byte: u8) -> usize {
        let slot = usize::from(byte);
        let built = self.index.get(slot).copied().unwrap_or(0);
        if built == 0 {
            let row = self.store.len() / self.words.max(1);
            let mask = self.mask_where(|_, b| b == byte);
            self.store.extend_from_slice(&mask);
            if let Some(entry) = self.index.get_mut(slot) {
                *entry = u32::try_from(row + 1).unwrap_or(u32::MAX);
            }
            row
        } else {
            built as usize - 1
        }
    }
}

/// Shifts `set` one offset up, dropping what passes the end of the text.
fn shift_up(set: &mut [u64], len: usize) {
    let mut carry = 0;
    for word in set.iter_mut() {
        let next_carry = *word >> 63;
        *word = (*word << 1) | carry;
        carry = next_carry;
    }
    clear_past(set, len);
}

/// Clears the bits past offset `len`.
fn clear_past(set: &mut [u64], len: usize) {
    if let Some(last) = set.get_mut(len / 64) {
        let keep = len % 64;
        *last &= if keep == 63 {
            u64::MAX
        } else {
            (1u64 << (keep + 1)) - 1
        };
    }
    for word in set.iter_mut().skip(len / 64 + 1) {
        *word = 0;
    }
}

/// Extends each offset of `set` through the offsets marked in `free` (those a step may
/// leave), stopping at the first unmarked one: `set | ((free + (set & free)) ^ free)`.
/// The carry of the addition runs from each set bit through its run of `free` bits.
fn extend(set: &mut [u64], free: &[u64]) {
    let mut carry = false;
    for (word, free) in set.iter_mut().zip(free) {
        let (sum, first) = free.overflowing_add(*word & free);
        let (sum, second) = sum.overflowing_add(u64::from(carry));
        carry = first || second;
        *word |= sum ^ free;
    }
}

/// Matches the whole of `text` against `pieces`.
pub(super) fn matches<'p>(
    arena: &'p Arena,
    pieces: &'p [Piece],
    text: &str,
    vars: &dyn Resolve,
) -> Match<'p> {
    let len = text.len();
    let mut masks = Text::new(text);
    let words = masks.words;
    let ascii = text.is_ascii();
    // Offsets a star that stays in its segment may step over: not a colon.
    let mut no_colon: Option<Vec<u64>> = None;
    // Offsets inside a multi-byte character (non-ASCII texts only), and boundaries.
    let mut inside: Option<(Vec<u64>, Vec<u64>)> = None;
    let mut set = vec![0u64; words];
    if let Some(word) = set.first_mut() {
        *word = 1;
    }
    for piece in pieces {
        work::add(words);
        match piece {
            Piece::Star {
                crosses_colons: true,
            } => {
                let Some(first) = first_set(&set) else {
                    return Match::No;
                };
                set.fill(0);
                set_from(&mut set, first);
                clear_past(&mut set, len);
            }
            Piece::Star {
                crosses_colons: false,
            } => {
                let free = no_colon.get_or_insert_with(|| masks.mask_where(|_, byte| byte != b':'));
                extend(&mut set, free);
            }
            Piece::Question => {
                if ascii {
                    shift_up(&mut set, len);
                } else {
                    let (inside, boundary) = inside.get_or_insert_with(|| {
                        let inside = masks.mask_where(|offset, _| !text.is_char_boundary(offset));
                        let mut boundary =
                            masks.mask_where(|offset, _| text.is_char_boundary(offset));
                        if let Some(word) = boundary.get_mut(len / 64) {
                            *word |= 1 << (len % 64);
                        }
                        (inside, boundary)
                    });
                    for (word, boundary) in set.iter_mut().zip(boundary.iter()) {
                        *word &= boundary;
                    }
                    shift_up(&mut set, len);
                    extend(&mut set, inside);
                    for (word, boundary) in set.iter_mut().zip(boundary.iter()) {
                        *word &= boundary;
                    }
                }
            }
            Piece::Literal(_) | Piece::Variable(_) => {
                let literal = match piece {
                    Piece::Literal(range) => arena.text(*range),
                    Piece::Variable(var) => match var.resolve(arena, vars) {
                        Some(value) => value,
                        None => return Match::Unresolved(var.key_written(arena)),
                    },
                    _ => "",
                };
                for byte in literal.bytes() {
                    work::add(words);
                    let row = masks.row(byte);
                    let at = masks
                        .store
                        .get(row * words..(row + 1) * words)
                        .unwrap_or_default();
                    // set = (set & at) << 1, in one pass.
                    let mut carry = 0;
                    for (word, at) in set.iter_mut().zip(at) {
                        let kept = *word & at;
                        *word = (kept << 1) | carry;
                        carry = kept >> 63;
                    }
                    clear_past(&mut set, len);
                }
            }
        }
        if set.iter().all(|word| *word == 0) {
            return Match::No;
        }
    }
    let reached = set
        .get(len / 64)
        .is_some_and(|word| word & (1 << (len % 64)) != 0);
    if reached { Match::Yes } else { Match::No }
}

fn first_set(set: &[u64]) -> Option<usize> {
    set.iter()
        .enumerate()
        .find(|(_, word)| **word != 0)
        .map(|(index, word)| index * 64 + word.trailing_zeros() as usize)
}

/// Sets every bit from `from` on (the caller clears past the end).
fn set_from(set: &mut [u64], from: usize) {
    for (index, word) in set.iter_mut().enumerate().skip(from / 64) {
        *word = if index == from / 64 {
            u64::MAX << (from % 64)
        } else {
            u64::MAX
        };
    }
}
