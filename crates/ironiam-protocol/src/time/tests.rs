#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use proptest::prelude::*;

#[test]
fn parses_the_test_suite_date() {
    let t = UnixTime::parse_amz_date("20150830T123600Z").unwrap();
    assert_eq!(t.as_secs(), 1_440_938_160);
    assert_eq!(t.to_amz_date(), "20150830T123600Z");
}

#[test]
fn parses_http_dates() {
    let t = UnixTime::parse_http_date("Mon, 09 Sep 2011 23:36:00 GMT").unwrap();
    assert_eq!(t.to_amz_date(), "20110909T233600Z");
    assert_eq!(
        UnixTime::parse_http_date("Mon, 09 Sep 2011 23:36:00 UTC"),
        None
    );
    assert_eq!(
        UnixTime::parse_http_date("Mon, 09 Foo 2011 23:36:00 GMT"),
        None
    );
}

#[test]
fn rejects_malformed_amz_dates() {
    for bad in [
        "",
        "20150830T123600",
        "20150830 123600Z",
        "20151330T123600Z",
        "20150230T123600Z",
        "20150830T243600Z",
        "2015083OT123600Z",
        "+0150830T123600Z",
    ] {
        assert_eq!(UnixTime::parse_amz_date(bad), None, "{bad}");
    }
    assert!(UnixTime::parse_amz_date("20160229T000000Z").is_some());
    assert!(UnixTime::parse_amz_date("21000229T000000Z").is_none());
}

proptest! {
    #[test]
    fn amz_date_round_trips(secs in 0i64..253_402_300_799) {
        let t = UnixTime::from_secs(secs);
        prop_assert_eq!(UnixTime::parse_amz_date(&t.to_amz_date()), Some(t));
    }

    #[test]
    fn parsers_never_panic(text in any::<String>()) {
        let _ = UnixTime::parse_amz_date(&text);
        let _ = UnixTime::parse_http_date(&text);
    }
}
