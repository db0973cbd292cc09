#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use super::*;
use crate::loc::Location;

fn error_at(text: &str) -> (String, Location) {
    let err = parse(text).unwrap_err();
    (err.message, err.span.location(text))
}

#[test]
fn reads_every_kind_of_value() {
    let parsed =
        parse(r#"{"a": [true, false, null, -1.5e3, "x\n\u00e9\ud83d\ude00"], "b": {}}"#).unwrap();
    let JsonKind::Object(members) = parsed.root.kind else {
        panic!()
    };
    let members = parsed.members(members);
    assert_eq!(members[0].key, "a");
    let JsonKind::Array(items) = &members[0].value.kind else {
        panic!()
    };
    let items = parsed.items(*items);
    assert_eq!(items[0].kind, JsonKind::Bool(true));
    assert_eq!(items[2].kind, JsonKind::Null);
    assert_eq!(items[3].kind, JsonKind::Number("-1.5e3"));
    assert_eq!(items[4].kind, JsonKind::String("x\n\u{e9}\u{1f600}".into()));
}

#[test]
fn keeps_spans_of_keys_and_values() {
    let text = "{\n  \"Effect\": \"Allow\"\n}";
    let parsed = parse(text).unwrap();
    let JsonKind::Object(members) = parsed.root.kind else {
        panic!()
    };
    let members = parsed.members(members);
    assert_eq!(
        members[0].key_span.location(text),
        Location { line: 2, column: 3 }
    );
    assert_eq!(
        members[0].value.span.location(text),
        Location {
            line: 2,
            column: 13
        }
    );
}

#[test]
fn rejects_duplicate_keys_at_the_second_key() {
    let (message, at) = error_at("{\"a\": 1,\n \"a\": 2}");
    assert_eq!(message, "duplicate key `a`");
    assert_eq!(at, Location { line: 2, column: 2 });
}

#[test]
fn points_at_the_first_offending_character() {
    assert_eq!(error_at("{\"a\": 1,}").1, Location { line: 1, column: 9 });
    assert_eq!(error_at("[1 2]").1, Location { line: 1, column: 4 });
    assert_eq!(error_at("{\"a\": tru}").1, Location { line: 1, column: 7 });
    assert_eq!(error_at("\"unterminated").0, "unterminated string");
    assert_eq!(error_at("").0, "unexpected end of the document");
    assert_eq!(
        error_at("{} {}").0,
        "unexpected text after the end of the document"
    );
}

#[test]
fn refuses_what_json_refuses() {
    for bad in [
        "01",
        "1.",
        "-",
        "1e",
        "\"\\x\"",
        "\"\u{1}\"",
        "\"\\ud800\"",
        "'a'",
        "{a: 1}",
        "[1,]",
        "nul",
    ] {
        assert!(parse(bad).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn stops_deep_nesting_without_overflowing() {
    let deep = "[".repeat(10_000);
    assert_eq!(
        parse(&deep).unwrap_err().message,
        "the document nests too deeply"
    );
}

#[test]
fn counts_size_without_whitespace_outside_strings() {
    let parsed = parse("{ \"a b\" :\n\t[ 1 , 2 ] }").unwrap();
    assert_eq!(parsed.size, "{\"a b\":[1,2]}".len());
}

#[test]
fn line_index_agrees_with_scanning() {
    let text = "{\n  \"é\": [1,\n\n 2]\r\n}";
    let index = crate::loc::LineIndex::new(text);
    for offset in 0..=text.len() + 2 {
        assert_eq!(
            index.location(text, offset),
            Location::of(text, offset),
            "offset {offset}"
        );
    }
}

#[test]
fn plain_runs_stop_at_quotes_backslashes_and_control_characters() {
    for text in [
        "",
        "abc",
        "abcdefgh\"",
        "abcdefghijklmnop",
        "é日本\"x",
        "a\\b",
        "line\nbreak",
        "0123456\u{1f}",
    ] {
        let expected = text
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(text.len());
        assert_eq!(super::plain_run(text.as_bytes()), expected, "{text:?}");
    }
    // Every position of every special byte, in and across 8-byte words.
    for special in [b'"', b'\\', 0x00, 0x1f] {
        for at in 0..20 {
            let mut bytes = vec![b'x'; 24];
            bytes[at] = special;
            assert_eq!(super::plain_run(&bytes), at);
        }
    }
    // Bytes with the high bit set never count as control characters.
    assert_eq!(
        super::plain_run(&[0x80, 0xff, 0xa0, 0x9f, 0xc3, 0xa9, b'a', b'b', b'"']),
        8
    );
}
