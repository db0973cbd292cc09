#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use ironiam_protocol::xml::XmlWriter;

use super::*;

#[test]
fn reads_back_what_the_writer_wrote() {
    let mut w = XmlWriter::new();
    w.start("User")
        .element("UserName", "a<b>&\"c'")
        .element("Path", "/")
        .end();
    w.members("Items", ["x", "y"], |w, item| {
        w.element("Name", item);
    });
    w.element("Carriage", "a\rb");
    w.element("IsTruncated", "false");
    let node = parse(&w.finish()).unwrap();
    assert_eq!(node.path(&["User", "UserName"]).unwrap().text, "a<b>&\"c'");
    assert_eq!(node.text_of("IsTruncated"), "false");
    assert_eq!(node.text_of("Carriage"), "a\rb");
    let names: Vec<&str> = node.members("Items").map(|m| m.text_of("Name")).collect();
    assert_eq!(names, ["x", "y"]);
    assert_eq!(node.text_of("Missing"), "");
}

#[test]
fn reads_maps() {
    let text = "<SummaryMap><entry><key>Users</key><value>3</value></entry>\
                <entry><key>AccountMFAEnabled</key><value>0</value></entry></SummaryMap>";
    let node = parse(text).unwrap();
    let map: Vec<(&str, &str)> = node.entries("SummaryMap").collect();
    assert_eq!(map, [("Users", "3"), ("AccountMFAEnabled", "0")]);
}

#[test]
fn refuses_unbalanced_input() {
    assert!(parse("<a><b></a>").is_err());
    assert!(parse("<a>").is_err());
    assert!(parse("</a>").is_err());
    assert!(parse("<a>&bogus;</a>").is_err());
    assert_eq!(parse("").unwrap().children.len(), 0);
}

#[test]
fn decodes_base64() {
    assert_eq!(base64_decode("").unwrap(), b"");
    assert_eq!(base64_decode("Zg==").unwrap(), b"f");
    assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
    assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
    assert_eq!(base64_decode("Zm9vYmFy\n").unwrap(), b"foobar");
    assert!(base64_decode("Zm9").is_none());
    assert!(base64_decode("Z!==").is_none());
}
