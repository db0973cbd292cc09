#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn escapes_markup_and_quotes() {
    assert_eq!(
        esc("<script>alert('x')</script> & \"q\"").to_string(),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
    );
    assert_eq!(esc("plain ünïcode").to_string(), "plain ünïcode");
    assert_eq!(esc("").to_string(), "");
}

#[test]
fn helpers_escape_every_argument() {
    let evil = "\"><img src=x onerror=alert(1)>";
    for markup in [
        input("i", evil, "text", evil, evil, ""),
        checkbox("c", evil, evil, evil, true),
        select("s", evil, evil, &[(evil.to_owned(), evil.to_owned())], evil),
        textarea("t", evil, evil, evil, 3, ""),
        table(evil, &[evil], &[]),
        link(evil, evil),
        error_block(evil),
        action_button(evil, evil, &[(evil, evil)], evil, evil, true),
        copyable("k", evil, evil),
    ] {
        assert!(!markup.contains("<img"), "{markup}");
        assert!(!markup.contains(evil), "{markup}");
    }
}

#[test]
fn inputs_have_labels_pointing_at_them() {
    let markup = input("user-name", "User name", "text", "UserName", "", "required");
    assert!(markup.contains("<label for=\"user-name\">User name</label>"));
    assert!(markup.contains("id=\"user-name\""));
}

#[test]
fn layout_has_heading_title_and_escapes_them() {
    let page = Page::new("<b>Users</b>", "<p>body</p>".to_owned());
    let chrome = Chrome {
        identity: Some("<alice>".to_owned()),
        csrf: "tok".to_owned(),
        navigation: true,
        ..Chrome::default()
    };
    let html = layout(&page, &chrome);
    assert!(html.contains("<h1>&lt;b&gt;Users&lt;/b&gt;</h1>"));
    assert!(html.contains("<title>&lt;b&gt;Users&lt;/b&gt; - ironiam console</title>"));
    assert!(html.contains("Signed in as &lt;alice&gt;"));
    assert!(html.contains("name=\"csrf\" value=\"tok\""));
    assert!(html.contains("<nav aria-label="));
}
