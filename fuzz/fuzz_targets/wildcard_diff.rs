//! The engine's wildcard matcher against the dynamic-programming reference
//! (`ironiam_policy::wildcard`). Input: a flag byte (bit 0: Resource colon rule), then
//! the pattern and the text separated by the first NUL. Small inputs are compared with
//! the reference; large ones only run the matcher (the reference is quadratic).
#![no_main]

use ironiam_policy::wildcard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let (pattern, text) = rest.split_once('\0').unwrap_or((rest, ""));
    let arn = flags & 1 == 1;
    let got = wildcard::matches(pattern, text, arn);
    if pattern.len() <= 256 && text.len() <= 1024 {
        assert_eq!(
            got,
            wildcard::reference(pattern, text, arn),
            "pattern {pattern:?} text {text:?} arn {arn}"
        );
    }
});
