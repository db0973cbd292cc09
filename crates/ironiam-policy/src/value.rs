//! Reading condition values as numbers, dates, booleans, IP ranges and binary.
//!
//! Policy authors and callers write these as strings; each operator family reads both
//! sides its own way. A value that cannot be read never matches.

use std::net::IpAddr;

/// A number. IAM's numeric operators take integers and decimals; `f64` holds every
/// integer up to 2^53 exactly, which covers the keys AWS defines.
pub(crate) fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    // Rust also reads `inf` and `NaN`; IAM does not.
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `true` or `false`, in any case.
pub(crate) fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A date, as milliseconds since the UNIX epoch. Accepts what the IAM User Guide shows
/// for date conditions: ISO 8601 (`2020-04-01`, `2020-04-01T00:00:00Z`, with fractional
/// seconds or a `±hh:mm` offset) and epoch seconds (`1585699200`).
pub(crate) fn date_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok()?.checked_mul(1000);
    }
    let bytes = text.as_bytes();
    let year = digits(bytes, 0, 4)?;
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(bytes, 5, 2)?;
    let day = digits(bytes, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut millis = days.checked_mul(86_400_000)?;
    let Some(&separator) = bytes.get(10) else {
        return Some(millis);
    };
    if separator != b'T' && separator != b't' {
        return None;
    }
    let hour = digits(bytes, 11, 2)?;
    if bytes.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(bytes, 14, 2)?;
    let mut pos = 16;
    let mut second = 0;
    if bytes.get(pos) == Some(&b':') {
        second = digits(bytes, 17, 2)?;
        pos = 19;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut fraction_millis = 0;
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == start {
            return None;
        }
        let fraction = text.get(start..pos.min(start + 3))?;
        fraction_millis =
            fraction.parse::<i64>().ok()? * 10_i64.pow(3 - u32::try_from(fraction.len()).ok()?);
    }
    let offset_minutes = match bytes.get(pos) {
        None => 0,
        Some(b'Z' | b'z') if pos + 1 == bytes.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits(bytes, pos + 1, 2)?;
            let minutes = match bytes.get(pos + 3) {
                Some(b':') if pos + 6 == bytes.len() => digits(bytes, pos + 4, 2)?,
                None => 0,
                _ if pos + 5 == bytes.len() => digits(bytes, pos + 3, 2)?,
                _ => return None,
            };
            let total = hours * 60 + minutes;
            if *sign == b'+' { total } else { -total }
        }
        _ => return None,
    };
    millis += ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + fraction_millis;
    Some(millis)
}

fn digits(bytes: &[u8], start: usize, count: usize) -> Option<i64> {
    let slice = bytes.get(start..start + count)?;
    slice.iter().try_fold(0i64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// An IP range; a bare address is a range of one (`/32` or `/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { network, prefix })
    }

    pub(crate) fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            _ => false,
        }
    }
}

/// Decodes standard base64 (with or without padding).
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in trimmed.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_in_every_accepted_form_agree() {
        let midnight = date_millis("2020-04-01T00:00:00Z").unwrap();
        assert_eq!(date_millis("2020-04-01"), Some(midnight));
        assert_eq!(date_millis("1585699200"), Some(midnight));
        assert_eq!(date_millis("2020-04-01T02:00:00+02:00"), Some(midnight));
        assert_eq!(date_millis("2020-03-31T22:00:00-0200"), Some(midnight));
        assert_eq!(
            date_millis("2020-04-01T00:00:00.250Z"),
            Some(midnight + 250)
        );
        assert_eq!(date_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(date_millis("2020-02-30"), None);
        assert_eq!(date_millis("yesterday"), None);
    }

    #[test]
    fn cidr_ranges_and_bare_addresses() {
        let range = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(range.contains("203.0.113.9".parse().unwrap()));
        assert!(!range.contains("203.0.114.9".parse().unwrap()));
        let single = Cidr::parse("203.0.113.9").unwrap();
        assert!(single.contains("203.0.113.9".parse().unwrap()));
        assert!(!single.contains("203.0.113.8".parse().unwrap()));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(v6.contains("2001:db8:1234:5678::1".parse().unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(Cidr::parse("10.0.0.0/33").is_none());
    }

    #[test]
    fn numbers_reject_words() {
        assert_eq!(number("10"), Some(10.0));
        assert_eq!(number("-2.5"), Some(-2.5));
        assert_eq!(number("inf"), None);
        assert_eq!(number("NaN"), None);
    }

    #[test]
    fn base64_round() {
        assert_eq!(
            base64("QmluYXJ5VmFsdWVJbkJhc2U2NA==").unwrap(),
            b"BinaryValueInBase64"
        );
        assert_eq!(base64("not base64!"), None);
    }
}
