//! A small JSON reader that keeps spans and rejects duplicate keys.
//!
//! General-purpose JSON crates forget where a value came from and silently keep the
//! last of two duplicate keys. IAM rejects duplicates, and our diagnostics must point at
//! a line and column, so policy text is read here. It also counts the document's size
//! the way IAM does while it reads.

use std::borrow::Cow;

use crate::loc::Span;

/// How deeply arrays and objects may nest. Policies nest four levels at most; the
/// limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 32;

/// A JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'t> {
    /// The value.
    pub kind: JsonKind<'t>,
    /// Where it is in the document.
    pub span: Span,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind<'t> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as written so that `10` and `10.0` stay distinguishable.
    Number(&'t str),
    /// A string, unescaped; borrowed from the text unless it had escapes.
    String(Cow<'t, str>),
    /// An array: its items are [`ParsedJson::items`] of this range.
    Array(Children),
    /// An object: its members, in document order, are [`ParsedJson::members`] of this
    /// range.
    Object(Children),
}

/// Where a container's children are in the parsed document: the whole tree lives in
/// two vectors, so reading a policy allocates a handful of times, not once per object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Children {
    start: u32,
    end: u32,
}

impl Children {
    /// Whether there are no children.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'t> {
    /// The key, unescaped.
    pub key: Cow<'t, str>,
    /// The span of the key, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Json<'t>,
}

impl<'t> ParsedJson<'t> {
    /// The items of an array.
    pub fn items(&self, children: Children) -> &[Json<'t>] {
        self.items.get(children.range()).unwrap_or_default()
    }

    /// The members of an object.
    pub fn members(&self, children: Children) -> &[Member<'t>] {
        self.members.get(children.range()).unwrap_or_default()
    }
}

impl Json<'_> {
    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "boolean",
            JsonKind::Number(_) => "number",
            JsonKind::String(_) => "string",
            JsonKind::Array(_) => "array",
            JsonKind::Object(_) => "object",
        }
    }
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// What is wrong, in words.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// A parsed document and its size as IAM counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedJson<'t> {
    /// The root value.
    pub root: Json<'t>,
    items: Vec<Json<'t>>,
    members: Vec<Member<'t>>,
    /// Characters in the document, not counting white space outside string literals.
    pub size: usize,
}

/// Parses `text` as one JSON value.
pub fn parse(text: &str) -> Result<ParsedJson<'_>, JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        whitespace_chars: 0,
        members: Vec::new(),
        items: Vec::new(),
        done_members: Vec::new(),
        done_items: Vec::new(),
    };
    reader.skip_whitespace();
    let root = reader.value(0).map_err(|err| *err)?;
    reader.skip_whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(*reader.error_here("unexpected text after the end of the document"));
    }
    let characters = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    let size = characters.saturating_sub(reader.whitespace_chars);
    Ok(ParsedJson {
        root,
        size,
        items: reader.done_items,
        members: reader.done_members,
    })
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    whitespace_chars: usize,
    /// Members and items of the objects and arrays being read, innermost last. Each
    /// finished object or array moves its tail into one exact-size vector: one
    /// allocation per container, no regrowth.
    members: Vec<Member<'t>>,
    items: Vec<Json<'t>>,
    /// The finished containers' children, each container's contiguous.
    done_members: Vec<Member<'t>>,
    done_items: Vec<Json<'t>>,
}

/// The reader's result: the error is boxed, so the values moved on the hot path stay small.
type Read<T> = Result<T, Box<JsonError>>;

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error_here(&self, message: &str) -> Box<JsonError> {
        let end = self.next_char_end();
        Box::new(JsonError {
            message: message.to_string(),
            span: Span::new(self.pos, end),
        })
    }

    fn next_char_end(&self) -> usize {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(self.pos, |ch| self.pos + ch.len_utf8())
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let count = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        self.pos += count;
        self.whitespace_chars += count;
    }

    fn value(&mut self, depth: usize) -> Read<Json<'t>> {
        if depth > MAX_DEPTH {
            return Err(self.error_here("the document nests too deeply"));
        }
        let start = self.pos;
        let kind = match self.peek() {
            None => return Err(self.error_here("unexpected end of the document")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.literal("true", JsonKind::Bool(true))?,
            Some(b'f') => self.literal("false", JsonKind::Bool(false))?,
            Some(b'n') => self.literal("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            Some(_) => return Err(self.error_here("expected a JSON value")),
        };
        Ok(Json {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, kind: JsonKind<'t>) -> Read<JsonKind<'t>> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error_here("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Read<&'t str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error_here("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error_here("expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Read<Cow<'t, str>> {
        // The caller saw the opening quote.
        self.pos += 1;
        let start = self.pos;
        let mut out: Option<String> = None;
        loop {
            let run_start = self.pos;
            self.pos += plain_run(self.bytes.get(self.pos..).unwrap_or_default());
            let run = self.text.get(run_start..self.pos).unwrap_or_default();
            if let Some(out) = out.as_mut() {
                out.push_str(run);
            }
            match self.peek() {
                None => return Err(self.error_here("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    // Without escapes the string is a slice of the text: no allocation.
                    return Ok(match out {
                        Some(out) => Cow::Owned(out),
                        None => {
                            Cow::Borrowed(self.text.get(start..self.pos - 1).unwrap_or_default())
                        }
                    });
                }
                Some(b'\\') => {
                    let out = out.get_or_insert_with(|| {
                        self.text
                            .get(start..self.pos)
                            .unwrap_or_default()
                            .to_string()
                    });
                    self.pos += 1;
                    let ch = self.escape()?;
                    out.push(ch);
                }
                Some(_) => {
                    return Err(self.error_here("control characters must be escaped in strings"));
                }
            }
        }
    }

    fn escape(&mut self) -> Read<char> {
        let ch = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.error_here("invalid escape sequence")),
        };
        self.pos += 1;
        Ok(ch)
    }

    fn unicode_escape(&mut self) -> Read<char> {
        let first = self.hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            return char::from_u32(first).ok_or_else(|| self.error_here("invalid \\u escape"));
        }
        // A high surrogate must be followed by an escaped low surrogate.
        if self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with("\\u"))
        {
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return char::from_u32(code).ok_or_else(|| self.error_here("invalid \\u escape"));
            }
        }
        Err(self.error_here("unpaired surrogate in \\u escape"))
    }

    fn hex4(&mut self) -> Read<u32> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error_here("invalid \\u escape"))?;
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.error_here("invalid \\u escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error_here("invalid \\u escape"));
        }
        self.pos += 4;
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Read<JsonKind<'t>> {
        self.pos += 1;
        let base = self.items.len();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonKind::Array(Children { start: 0, end: 0 }));
        }
        loop {
            self.skip_whitespace();
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    let start = self.done_items.len();
                    self.done_items.extend(self.items.drain(base..));
                    return Ok(JsonKind::Array(children(start, self.done_items.len())));
                }
                _ => return Err(self.error_here("expected `,` or `]` in an array")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Read<JsonKind<'t>> {
        self.pos += 1;
        let base = self.members.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonKind::Object(Children { start: 0, end: 0 }));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error_here("expected a string key in an object"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            if self
                .members
                .get(base..)
                .unwrap_or_default()
                .iter()
                .any(|m| m.key == key)
            {
                return Err(Box::new(JsonError {
                    message: format!("duplicate key `{key}`"),
                    span: key_span,
                }));
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here("expected `:` after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            self.members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let start = self.done_members.len();
                    self.done_members.extend(self.members.drain(base..));
                    return Ok(JsonKind::Object(children(start, self.done_members.len())));
                }
                _ => return Err(self.error_here("expected `,` or `}` in an object")),
            }
        }
    }
}

fn children(start: usize, end: usize) -> Children {
    Children {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
    }
}

/// The length of the run of bytes that need no attention inside a string: up to the
/// first `"`, `\\` or control character. Eight bytes at a time (SWAR), since strings
/// are most of a policy's text.
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut buffer = [0u8; 8];
        buffer.copy_from_slice(chunk);
        let word = u64::from_le_bytes(buffer);
        let quote = has_zero(word ^ (ONES * u64::from(b'"')));
        let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
        // Bytes below 0x20: subtracting 0x20 borrows into the high bit; bytes with the
        // high bit already set (UTF-8) are excluded.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let found = quote | backslash | control;
        if found != 0 {
            return offset + (found.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    offset
        + chunks
            .remainder()
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(chunks.remainder().len())
}

#[cfg(test)]
mod tests;
