//! Arbitrary bytes through the Query decoder and every structured reader.
#![no_main]

use ironiam_protocol::query::QueryParams;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(params) = QueryParams::decode(data) {
        let _ = params.action();
        let _ = params.version();
        for name in ["A", "Tags", "Names", "Attrs"] {
            let _ = params.get(name);
            let _ = params.list(name);
            let _ = params.map(name);
            if let Ok(items) = params.structs(name) {
                for item in items {
                    let _ = item.list("A");
                    let _ = item.required("Key");
                }
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = QueryParams::decode_request(text, data);
    }
});
