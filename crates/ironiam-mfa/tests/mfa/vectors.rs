//! TOTP codes computed by other implementations, committed as data under
//! `tests/data/` together with the scripts that produced them.

use std::path::Path;

use ironiam_mfa::base32;
use ironiam_mfa::totp::{Algorithm, TotpParams};
use serde_json::Value;

fn rows(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    match json.get("rows") {
        Some(Value::Array(rows)) => rows.clone(),
        _ => panic!("{file}: no `rows` array"),
    }
}

fn field<'a>(row: &'a Value, name: &str) -> &'a Value {
    row.get(name)
        .unwrap_or_else(|| panic!("row without `{name}`: {row}"))
}

fn check(file: &str) -> usize {
    let rows = rows(file);
    for row in &rows {
        let secret = base32::decode(field(row, "secret").as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{row}: {e}"));
        let time = field(row, "time")
            .as_u64()
            .unwrap_or_else(|| panic!("{row}"));
        let algorithm = match field(row, "algorithm").as_str() {
            Some("SHA1") => Algorithm::Sha1,
            Some("SHA256") => Algorithm::Sha256,
            Some("SHA512") => Algorithm::Sha512,
            other => panic!("unknown algorithm {other:?}"),
        };
        let digits = field(row, "digits").as_u64().unwrap_or_default() as u32;
        let period = field(row, "period").as_u64().unwrap_or_default();
        let params =
            TotpParams::new(algorithm, digits, period).unwrap_or_else(|e| panic!("{row}: {e}"));
        let expected = field(row, "code").as_str().unwrap_or_default();
        let step = params.step_of(time);
        assert_eq!(
            params.code_string_at(&secret, step),
            expected,
            "{file}: {row}"
        );
        assert!(params.matches(&secret, step, expected), "{file}: {row}");
        if params == TotpParams::default() {
            assert_eq!(
                ironiam_mfa::code_at(&secret, ironiam_mfa::step_of(time)),
                expected.parse::<u32>().unwrap_or(u32::MAX),
                "{file}: {row}"
            );
        }
    }
    rows.len()
}

#[test]
fn codes_match_pyotp() {
    assert!(check("pyotp_vectors.json") >= 50);
}

#[test]
fn codes_match_oathtool() {
    assert!(check("oathtool_vectors.json") >= 50);
}
