//! Formatting times the way IAM responses and CloudTrail records show them.

use ironiam_protocol::time::UnixTime;

/// ISO 8601 with seconds and `Z`: `2024-01-01T00:00:00Z`.
pub fn iso8601(secs: i64) -> String {
    let amz = UnixTime::from_secs(secs).to_amz_date();
    // `to_amz_date` is `YYYYMMDDTHHMMSSZ`.
    match (
        amz.get(0..4),
        amz.get(4..6),
        amz.get(6..8),
        amz.get(9..11),
        amz.get(11..13),
        amz.get(13..15),
    ) {
        (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) => {
            format!("{y}-{mo}-{d}T{h}:{mi}:{s}Z")
        }
        _ => amz,
    }
}

/// Parses `2024-01-01T00:00:00Z` (the format the AWS managed policy files use).
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let compact: String = text.chars().filter(|c| *c != '-' && *c != ':').collect();
    UnixTime::parse_amz_date(&compact).map(UnixTime::as_secs)
}
