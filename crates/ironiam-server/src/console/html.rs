//! Server-rendered HTML: escaping, the page layout, and form helpers that always pair
//! an input with its `<label>`.
//!
//! Every piece of text that did not come from this file goes through [`esc`]; helpers
//! take plain text and escape it themselves, and only return markup.

use std::fmt;

/// Text escaped for HTML element content and double- or single-quoted attributes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Esc<'a>(pub(crate) &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut start = 0;
        for (at, c) in self.0.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(self.0.get(start..at).unwrap_or_default())?;
            f.write_str(entity)?;
            start = at + c.len_utf8();
        }
        f.write_str(self.0.get(start..).unwrap_or_default())
    }
}

/// Escapes `text`.
pub(crate) fn esc(text: &str) -> Esc<'_> {
    Esc(text)
}

/// Percent-encodes `text` for a query-string value or a path segment.
pub(crate) fn url_part(text: &str) -> String {
    ironiam_protocol::encoding::uri_encode(text.as_bytes(), false)
}

/// What the layout shows about the signed-in caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chrome {
    /// "alice @ 111122223333", or `None` before sign-in.
    pub(crate) identity: Option<String>,
    /// Whether the session passed an MFA check.
    pub(crate) mfa: bool,
    /// The CSRF token for the sign-out form.
    pub(crate) csrf: String,
    /// Whether to show the navigation (only for fully signed-in sessions).
    pub(crate) navigation: bool,
    /// A one-time notice carried over a redirect.
    pub(crate) flash: Option<super::session::Flash>,
}

/// A rendered page body and its title.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// HTTP status.
    pub(crate) status: u16,
    /// `<title>` and `<h1>`.
    pub(crate) title: String,
    /// The markup under the heading.
    pub(crate) body: String,
}

impl Page {
    /// A 200 page.
    pub(crate) fn new(title: impl Into<String>, body: String) -> Self {
        Self {
            status: 200,
            title: title.into(),
            body,
        }
    }

    /// The same page with another status.
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

const NAVIGATION: &[(&str, &str)] = &[
    ("/console/home", "Dashboard"),
    ("/console/users", "Users"),
    ("/console/groups", "User groups"),
    ("/console/roles", "Roles"),
    ("/console/policies", "Policies"),
    ("/console/account", "Account settings"),
    ("/console/credentials", "My security credentials"),
    ("/console/compliance", "MFA compliance"),
];

/// The whole document around `page`.
pub(crate) fn layout(page: &Page, chrome: &Chrome) -> String {
    let mut out = String::with_capacity(page.body.len() + 2048);
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} - ironiam console</title>\
         <link rel=\"stylesheet\" href=\"/console/static/console.css\">\
         <script src=\"/console/static/console.js\" defer></script></head><body>",
        esc(&page.title)
    ));
    out.push_str("<header class=\"top\"><a class=\"brand\" href=\"/console/home\">ironiam</a>");
    if let Some(identity) = &chrome.identity {
        let badge = if chrome.mfa {
            "<span class=\"badge ok\">MFA</span>"
        } else {
            "<span class=\"badge warn\">no MFA</span>"
        };
        out.push_str(&format!(
            "<div class=\"who\"><span>Signed in as {}</span> {badge}\
             <form method=\"post\" action=\"/console/signout\">{}\
             <button type=\"submit\">Sign out</button></form></div>",
            esc(identity),
            csrf_field(&chrome.csrf)
        ));
    }
    out.push_str("</header><div class=\"frame\">");
    if chrome.navigation {
        out.push_str("<nav aria-label=\"Identity and Access Management\"><ul>");
        for (href, label) in NAVIGATION {
            out.push_str(&format!("<li><a href=\"{href}\">{label}</a></li>"));
        }
        out.push_str("</ul></nav>");
    }
    out.push_str(&format!("<main><h1>{}</h1>", esc(&page.title)));
    if let Some(flash) = &chrome.flash {
        if flash.error {
            out.push_str(&error_block(&flash.text));
        } else {
            out.push_str(&format!(
                "<p class=\"flash\" role=\"status\">{}</p>",
                esc(&flash.text)
            ));
        }
    }
    out.push_str(&page.body);
    out.push_str("</main></div></body></html>\n");
    out
}

/// The hidden CSRF token every form carries.
pub(crate) fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
}

/// Opens a POST form to `action` with the CSRF token.
pub(crate) fn form_open(action: &str, csrf: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\">{}",
        esc(action),
        csrf_field(csrf)
    )
}

/// A labelled input. `kind` is the input type; `extra` is trusted attribute markup
/// written by the caller (`required`, `autocomplete="..."`).
pub(crate) fn input(
    id: &str,
    label: &str,
    kind: &str,
    name: &str,
    value: &str,
    extra: &str,
) -> String {
    format!(
        "<div class=\"field\"><label for=\"{id}\">{}</label>\
         <input id=\"{id}\" type=\"{kind}\" name=\"{}\" value=\"{}\" {extra}></div>",
        esc(label),
        esc(name),
        esc(value),
        id = esc(id),
        kind = esc(kind),
    )
}

/// A labelled input with a hint under it, referenced by `aria-describedby`.
pub(crate) fn input_with_hint(
    id: &str,
    label: &str,
    kind: &str,
    name: &str,
    value: &str,
    extra: &str,
    hint: &str,
) -> String {
    format!(
        "<div class=\"field\"><label for=\"{id}\">{}</label>\
         <input id=\"{id}\" type=\"{kind}\" name=\"{}\" value=\"{}\" aria-describedby=\"{id}-hint\" {extra}>\
         <p class=\"hint\" id=\"{id}-hint\">{}</p></div>",
        esc(label),
        esc(name),
        esc(value),
        esc(hint),
        id = esc(id),
        kind = esc(kind),
    )
}

/// A labelled checkbox.
pub(crate) fn checkbox(id: &str, label: &str, name: &str, value: &str, checked: bool) -> String {
    format!(
        "<div class=\"check\"><input id=\"{id}\" type=\"checkbox\" name=\"{}\" value=\"{}\"{}>\
         <label for=\"{id}\">{}</label></div>",
        esc(name),
        esc(value),
        if checked { " checked" } else { "" },
        esc(label),
        id = esc(id),
    )
}

/// A labelled radio button.
pub(crate) fn radio(id: &str, label: &str, name: &str, value: &str, checked: bool) -> String {
    format!(
        "<div class=\"check\"><input id=\"{id}\" type=\"radio\" name=\"{}\" value=\"{}\"{}>\
         <label for=\"{id}\">{}</label></div>",
        esc(name),
        esc(value),
        if checked { " checked" } else { "" },
        esc(label),
        id = esc(id),
    )
}

/// A labelled drop-down of `(value, text)` options.
pub(crate) fn select(
    id: &str,
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
) -> String {
    let mut out = format!(
        "<div class=\"field\"><label for=\"{id}\">{}</label><select id=\"{id}\" name=\"{}\">",
        esc(label),
        esc(name),
        id = esc(id),
    );
    for (value, text) in options {
        out.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            esc(value),
            if value == selected { " selected" } else { "" },
            esc(text)
        ));
    }
    out.push_str("</select></div>");
    out
}

/// A labelled multi-line text box (policy documents).
pub(crate) fn textarea(
    id: &str,
    label: &str,
    name: &str,
    value: &str,
    rows: u32,
    extra: &str,
) -> String {
    format!(
        "<div class=\"field\"><label for=\"{id}\">{}</label>\
         <textarea id=\"{id}\" name=\"{}\" rows=\"{rows}\" spellcheck=\"false\" {extra}>{}</textarea></div>",
        esc(label),
        esc(name),
        esc(value),
        id = esc(id),
    )
}

/// A submit button.
pub(crate) fn submit(label: &str) -> String {
    format!("<button type=\"submit\">{}</button>", esc(label))
}

/// A one-button POST form with hidden fields: row actions (Delete, Deactivate...).
/// `label` is the visible text; `accessible` the full accessible name when the
/// visible text alone would be ambiguous in a table ("Delete access key AKIA...").
pub(crate) fn action_button(
    action: &str,
    csrf: &str,
    hidden: &[(&str, &str)],
    label: &str,
    accessible: &str,
    danger: bool,
) -> String {
    let mut out = format!(
        "<form class=\"inline\" method=\"post\" action=\"{}\">{}",
        esc(action),
        csrf_field(csrf)
    );
    for (name, value) in hidden {
        out.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        ));
    }
    out.push_str(&format!(
        "<button type=\"submit\" class=\"{}\" aria-label=\"{}\">{}</button></form>",
        if danger { "danger" } else { "secondary" },
        esc(accessible),
        esc(label)
    ));
    out
}

/// A table with a caption; cells are markup the caller escaped.
pub(crate) fn table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", esc(caption));
    for header in headers {
        out.push_str(&format!("<th scope=\"col\">{}</th>", esc(header)));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        out.push_str(&format!(
            "<tr><td colspan=\"{}\" class=\"empty\">None.</td></tr>",
            headers.len().max(1)
        ));
    }
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// A link.
pub(crate) fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

/// An error message block, announced to assistive technology.
pub(crate) fn error_block(message: &str) -> String {
    format!(
        "<div class=\"error\" role=\"alert\"><p>{}</p></div>",
        esc(message)
    )
}

/// A section with its own heading.
pub(crate) fn section(id: &str, heading: &str, body: &str) -> String {
    format!(
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{}</h2>{body}</section>",
        esc(heading),
        id = esc(id),
    )
}

/// A read-only value with a copy button (the button needs JavaScript; the value is
/// selectable without it).
pub(crate) fn copyable(id: &str, label: &str, value: &str) -> String {
    format!(
        "<div class=\"field\"><label for=\"{id}\">{}</label>\
         <div class=\"copy\"><input id=\"{id}\" type=\"text\" readonly value=\"{}\">\
         <button type=\"button\" data-copy=\"{id}\" aria-label=\"Copy {}\">Copy</button></div></div>",
        esc(label),
        esc(value),
        esc(label),
        id = esc(id),
    )
}

#[cfg(test)]
mod tests;
