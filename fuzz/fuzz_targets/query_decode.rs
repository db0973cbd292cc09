//! Arbitrary bytes through the Query decoder (also the console's form decoder) and
//! every structured reader; and the one-decoding invariant: SigV4's canonical query,
//! built from the decoded pairs, decodes back to exactly those pairs (sorted), so
//! what is signed is what the operation reads.
#![no_main]

use ironiam_protocol::query::QueryParams;
use ironiam_protocol::sigv4;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(params) = QueryParams::decode(data) {
        let canonical = sigv4::canonical_query(&params, false);
        let again = QueryParams::decode(canonical.as_bytes()).expect("canonical query decodes");
        let mut sent: Vec<(&str, &str)> = params.pairs().collect();
        sent.sort_unstable();
        let mut signed: Vec<(&str, &str)> = again.pairs().collect();
        signed.sort_unstable();
        assert_eq!(sent, signed, "the canonical query does not stand for the decoded pairs");
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
