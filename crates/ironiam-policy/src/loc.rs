//! Source locations, so every diagnostic points at the text that caused it.

use std::fmt;

/// A byte range in a policy document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span covering `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The line and column of this span's start in `text`.
    pub fn location(&self, text: &str) -> Location {
        Location::of(text, self.start)
    }
}

/// A 1-based line and column; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    /// Line number, from 1.
    pub line: usize,
    /// Column number in characters, from 1.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`. Offsets past the end, or inside a
    /// multi-byte character, are clamped to the nearest preceding character.
    pub fn of(text: &str, offset: usize) -> Self {
        let mut line = 1;
        let mut column = 1;
        for (index, ch) in text.char_indices() {
            if index >= offset {
                break;
            }
            if ch == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        Self { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Line starts of a text, for many location lookups without rescanning it.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Box<[usize]>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        Self { starts }
    }

    /// The same answer as [`Location::of`], in logarithmic time plus the line's length.
    pub(crate) fn location(&self, text: &str, offset: usize) -> Location {
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..)
            .unwrap_or_default()
            .char_indices()
            .take_while(|(index, ch)| start + index < offset && *ch != '\n')
            .count()
            + 1;
        Location { line, column }
    }
}
