//! Reads back what an IAM operation wrote.
//!
//! The console runs the same operation handlers as the Query API, and they write the
//! children of `<{Action}Result>` with [`ironiam_protocol::xml::XmlWriter`]: elements,
//! escaped text, no mixed content. This reader turns that back into a small tree the
//! pages read by botocore's member names. It is not a general XML parser and does not
//! need to be: its only input is the writer's output.

/// An element: its name, its text (for leaves) and its children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    /// The element name.
    pub(crate) name: String,
    /// The unescaped text directly inside it.
    pub(crate) text: String,
    /// The child elements, in order.
    pub(crate) children: Vec<Node>,
}

impl Node {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`, or "".
    pub(crate) fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }

    /// The text at a path of child names.
    pub(crate) fn path(&self, names: &[&str]) -> Option<&Node> {
        let mut node = self;
        for name in names {
            node = node.child(name)?;
        }
        Some(node)
    }

    /// The `<member>` children of the list element `name`.
    pub(crate) fn members(&self, name: &str) -> impl Iterator<Item = &Node> {
        self.child(name)
            .into_iter()
            .flat_map(|list| list.children.iter().filter(|c| c.name == "member"))
    }

    /// The `<entry><key>..</key><value>..</value></entry>` pairs of the map `name`.
    pub(crate) fn entries(&self, name: &str) -> impl Iterator<Item = (&str, &str)> {
        self.child(name).into_iter().flat_map(|map| {
            map.children
                .iter()
                .filter(|c| c.name == "entry")
                .map(|e| (e.text_of("key"), e.text_of("value")))
        })
    }
}

/// Why the reader gave up: the writer never produces such input, so this means a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("operation output is not well-formed at byte {0}")]
pub(crate) struct XmlError(pub(crate) usize);

/// Parses a sequence of sibling elements into a node named `Result`.
pub(crate) fn parse(text: &str) -> Result<Node, XmlError> {
    let mut stack = vec![Node {
        name: "Result".to_owned(),
        ..Node::default()
    }];
    let mut rest = text;
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or(XmlError(at))?;
            let name = after.get(..end).ok_or(XmlError(at))?;
            let node = stack.pop().ok_or(XmlError(at))?;
            if node.name != name || stack.is_empty() {
                return Err(XmlError(at));
            }
            stack.last_mut().ok_or(XmlError(at))?.children.push(node);
            rest = after.get(end + 1..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').ok_or(XmlError(at))?;
            let tag = after.get(..end).ok_or(XmlError(at))?;
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            // Attributes (only ever namespaces) are not needed by any page.
            let name = tag.split_whitespace().next().ok_or(XmlError(at))?;
            let node = Node {
                name: name.to_owned(),
                ..Node::default()
            };
            if self_closing {
                stack.last_mut().ok_or(XmlError(at))?.children.push(node);
            } else {
                stack.push(node);
            }
            rest = after.get(end + 1..).unwrap_or_default();
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = rest.get(..end).unwrap_or_default();
            let text = unescape(raw).ok_or(XmlError(at))?;
            stack.last_mut().ok_or(XmlError(at))?.text.push_str(&text);
            rest = rest.get(end..).unwrap_or_default();
        }
    }
    if stack.len() != 1 {
        return Err(XmlError(text.len()));
    }
    stack.pop().ok_or(XmlError(text.len()))
}

fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at)?);
        let after = rest.get(at + 1..)?;
        let end = after.find(';')?;
        let entity = after.get(..end)?;
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    entity.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = after.get(end + 1..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// Decodes standard base64 (blobs such as the credential report's `Content`).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let trimmed = clean
        .strip_suffix(b"==")
        .or_else(|| clean.strip_suffix(b"="))
        .unwrap_or(&clean);
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    for chunk in trimmed.chunks(4) {
        let mut acc = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            acc |= value(*b)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        let take = chunk.len().saturating_sub(1);
        out.extend(bytes.iter().skip(1).take(take));
    }
    Some(out)
}

#[cfg(test)]
mod tests;
