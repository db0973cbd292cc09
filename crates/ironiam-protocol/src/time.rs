//! Time as SigV4 sees it: whole UNIX seconds in UTC.
//!
//! The clock is never read here. The server reads it once per request and
//! passes a [`UnixTime`] in, so tests can put "now" anywhere (for example at
//! the test suite's `20150830T123600Z`).
//!
//! Calendar conversion uses the days-from-civil arithmetic for the proleptic
//! Gregorian calendar, so no date library is needed.

#[cfg(test)]
mod tests;

use std::fmt;
use std::time::SystemTime;

/// Seconds since 1970-01-01T00:00:00Z, ignoring leap seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// Wraps a count of seconds since the UNIX epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the UNIX epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// Converts a `SystemTime` the server read from its clock. `None` before
    /// 1970 or beyond `i64` seconds.
    pub fn from_system_time(time: SystemTime) -> Option<Self> {
        let secs = time.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
        i64::try_from(secs).ok().map(Self)
    }

    /// This time shifted by `secs`, saturating instead of overflowing.
    pub const fn saturating_add(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }

    /// Parses the ISO 8601 basic format SigV4 uses: `20150830T123600Z`.
    pub fn parse_amz_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
            return None;
        }
        let year = digits(b, 0, 4)?;
        let month = digits(b, 4, 2)?;
        let day = digits(b, 6, 2)?;
        let hour = digits(b, 9, 2)?;
        let minute = digits(b, 11, 2)?;
        let second = digits(b, 13, 2)?;
        from_fields(year, month, day, hour, minute, second)
    }

    /// Parses an HTTP `Date` header in IMF-fixdate form
    /// (`Mon, 09 Sep 2011 23:36:00 GMT`, RFC 9110 section 5.6.7). The weekday
    /// is not checked against the date; AWS clients never get it wrong and a
    /// mismatch is harmless because the date is what gets signed.
    pub fn parse_http_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 29 || b.get(3) != Some(&b',') || text.get(25..) != Some(" GMT") {
            return None;
        }
        let expect = [
            (4, b' '),
            (7, b' '),
            (11, b' '),
            (16, b' '),
            (19, b':'),
            (22, b':'),
        ];
        if expect.iter().any(|&(at, ch)| b.get(at) != Some(&ch)) {
            return None;
        }
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month_name = text.get(8..11)?;
        let month = MONTHS.iter().position(|m| *m == month_name)?;
        let month = u32::try_from(month).ok()? + 1;
        let day = digits(b, 5, 2)?;
        let year = digits(b, 12, 4)?;
        let hour = digits(b, 17, 2)?;
        let minute = digits(b, 20, 2)?;
        let second = digits(b, 23, 2)?;
        from_fields(year, month, day, hour, minute, second)
    }

    /// Formats as `20150830T123600Z`. Years outside 0..=9999 are clamped,
    /// which only matters for absurd inputs.
    pub fn to_amz_date(self) -> String {
        let days = self.0.div_euclid(86_400);
        let secs_of_day = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let year = year.clamp(0, 9999);
        format!(
            "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
            secs_of_day / 3600,
            (secs_of_day / 60) % 60,
            secs_of_day % 60
        )
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_amz_date())
    }
}

/// Reads `len` ASCII digits starting at `start`.
fn digits(bytes: &[u8], start: usize, len: usize) -> Option<u32> {
    let slice = bytes.get(start..start.checked_add(len)?)?;
    slice.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn from_fields(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<UnixTime> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Some(UnixTime(secs))
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
