//! Query-protocol XML responses.
//!
//! Success responses have the shape botocore's `QueryParser` expects: the
//! root `<{Action}Response>` holds `<{Action}Result>` (the operation's
//! `resultWrapper`) and `<ResponseMetadata><RequestId>`. Errors are
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`,
//! which `QueryParser._do_error_parse` reads as `Error` plus a root-level
//! `RequestId` (boto/botocore `botocore/parsers.py`).
//!
//! The writer escapes every text and attribute value. Element names are not
//! escaped: they come from the API model, never from users.

#[cfg(test)]
mod tests;

/// The namespace of IAM responses.
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// The namespace of STS responses.
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Who is at fault, the `<Type>` of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The client sent something wrong (4xx).
    Sender,
    /// The service failed (5xx).
    Receiver,
}

impl Fault {
    /// The fault a status code implies.
    pub fn from_status(status: u16) -> Self {
        if status >= 500 {
            Self::Receiver
        } else {
            Self::Sender
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Sender => "Sender",
            Self::Receiver => "Receiver",
        }
    }
}

/// Appends `text` with `&`, `<` and `>` escaped. Characters XML 1.0 cannot
/// carry at all (most C0 controls) become U+FFFD rather than producing a
/// document clients refuse to parse.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// Appends `text` escaped for a double-quoted attribute value. Whitespace
/// other than space is written as a character reference so attribute-value
/// normalization does not turn it into a space.
pub fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// The XML 1.0 `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// A small streaming writer that keeps elements balanced.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `<name>`.
    pub fn start(&mut self, name: &'static str) -> &mut Self {
        self.start_with_attrs(name, &[])
    }

    /// Opens `<name a="v" ...>` with escaped attribute values.
    pub fn start_with_attrs(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        for (attr, value) in attrs {
            self.out.push(' ');
            self.out.push_str(attr);
            self.out.push_str("=\"");
            escape_attr(value, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
        self.open.push(name);
        self
    }

    /// Closes the innermost open element; does nothing if none is open.
    pub fn end(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// Writes escaped text inside the current element.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_text(text, &mut self.out);
        self
    }

    /// Writes `<name>text</name>`.
    pub fn element(&mut self, name: &'static str, text: &str) -> &mut Self {
        self.start(name).text(text).end()
    }

    /// Writes `<name>text</name>` only when `text` is `Some`, the way AWS
    /// omits absent optional members.
    pub fn optional_element(&mut self, name: &'static str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.element(name, text);
        }
        self
    }

    /// Writes `<name><member>..</member>...</name>`, calling `each` inside
    /// every `<member>`.
    pub fn members<T>(
        &mut self,
        name: &'static str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        self.start(name);
        for item in items {
            self.start("member");
            each(self, item);
            self.end();
        }
        self.end()
    }

    /// Writes `<name><member>text</member>...</name>` for a list of strings.
    pub fn string_members<'s>(
        &mut self,
        name: &'static str,
        items: impl IntoIterator<Item = &'s str>,
    ) -> &mut Self {
        self.members(name, items, |w, item| {
            w.text(item);
        })
    }

    /// Closes whatever is still open and returns the document.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

/// The names of an action's root and result elements. Action names come
/// from the dispatch table, so they are `'static`.
#[derive(Debug, Clone, Copy)]
pub struct ActionNames {
    /// `{Action}Response`.
    pub response: &'static str,
    /// `{Action}Result`.
    pub result: &'static str,
}

/// A complete success response:
/// `<{Action}Response xmlns=..><{Action}Result>..</{Action}Result>
/// <ResponseMetadata><RequestId>..</RequestId></ResponseMetadata>
/// </{Action}Response>`. `result` writes the result's children; actions
/// without output still get an empty result element, as AWS sends none only
/// for a few actions and botocore tolerates both.
pub fn success_response(
    names: ActionNames,
    namespace: &str,
    request_id: &str,
    result: impl FnOnce(&mut XmlWriter),
) -> String {
    let mut w = XmlWriter::new();
    w.start_with_attrs(names.response, &[("xmlns", namespace)]);
    w.start(names.result);
    result(&mut w);
    w.end();
    w.start("ResponseMetadata")
        .element("RequestId", request_id)
        .end();
    w.finish()
}

/// A response for actions that return nothing (`DeleteUser`): only
/// `<ResponseMetadata>`, which is what IAM sends.
pub fn empty_response(response_name: &'static str, namespace: &str, request_id: &str) -> String {
    let mut w = XmlWriter::new();
    w.start_with_attrs(response_name, &[("xmlns", namespace)]);
    w.start("ResponseMetadata")
        .element("RequestId", request_id)
        .end();
    w.finish()
}

/// The error document IAM and STS send.
pub fn error_response(
    namespace: &str,
    fault: Fault,
    code: &str,
    message: &str,
    request_id: &str,
) -> String {
    let mut w = XmlWriter::new();
    w.start_with_attrs("ErrorResponse", &[("xmlns", namespace)]);
    w.start("Error")
        .element("Type", fault.as_str())
        .element("Code", code)
        .element("Message", message)
        .end();
    w.element("RequestId", request_id);
    w.finish()
}
