//! Times as the texts AWS writes them: ISO 8601, HTTP dates and log stream dates, in UTC.
//!
//! Written from chrono's calendar fields rather than with its strftime formatter, whose format
//! parser and writer were 9 KB of the web build's `.wasm` for these five fixed patterns.

use chrono::{DateTime, Datelike, Timelike, Utc};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn at(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// The year as chrono's `%Y` writes it: four digits, with a sign outside 0..=9999.
fn year(d: &DateTime<Utc>) -> String {
    match d.year() {
        y @ 0..=9999 => format!("{y:04}"),
        y => format!("{y:+05}"),
    }
}

/// `2024-01-01T00:00:00`.
fn date_time(d: &DateTime<Utc>) -> String {
    format!("{}-{:02}-{:02}T{:02}:{:02}:{:02}", year(d), d.month(), d.day(), d.hour(), d.minute(), d.second())
}

/// `2024-01-01T00:00:00.000Z` (epoch milliseconds; the epoch when out of range).
pub fn iso_millis(ms: i64) -> String {
    match at(ms) {
        Some(d) => format!("{}.{:03}Z", date_time(&d), d.timestamp_subsec_millis()),
        None => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

/// A time as the context object (`$$`, `$states.context`) gives it: ISO 8601 in UTC to the
/// millisecond, without the fraction when it is zero ("When a timestamp has zero fractional
/// seconds, Step Functions removes the trailing zeros rather than pad the output", developer guide,
/// input-output-contextobject.html: `"StartTime": "2025-08-27T10:04:42Z"` beside
/// `"EnteredTime": "2025-08-27T10:04:42.001Z"`).
pub fn iso_context(ms: i64) -> String {
    let text = iso_millis(ms);
    match text.strip_suffix(".000Z") {
        Some(whole) => format!("{whole}Z"),
        None => text,
    }
}

/// `2024-01-01T00:00:00Z` (S3's `LastModified` in a listing), or `""` when out of range.
pub fn iso_seconds(ms: i64) -> String {
    at(ms).map(|d| format!("{}Z", date_time(&d))).unwrap_or_default()
}

/// `Mon, 01 Jan 2024 00:00:00 GMT` (an HTTP `Date` header), or `""` when out of range.
pub fn http_date(ms: i64) -> String {
    at(ms)
        .map(|d| {
            let day = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
            let month = MONTHS[d.month0() as usize];
            format!(
                "{day}, {:02} {month} {} {:02}:{:02}:{:02} GMT",
                d.day(),
                year(&d),
                d.hour(),
                d.minute(),
                d.second()
            )
        })
        .unwrap_or_default()
}

/// `2024-01-01-00-00` (the minute a log stream's name starts with), or `""` when out of range.
pub fn stream_minute(ms: i64) -> String {
    at(ms)
        .map(|d| format!("{}-{:02}-{:02}-{:02}-{:02}", year(&d), d.month(), d.day(), d.hour(), d.minute()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_times_drop_a_zero_fraction_only() {
        assert_eq!(iso_context(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_context(1), "1970-01-01T00:00:00.001Z");
        assert_eq!(iso_context(1_756_289_082_000), "2025-08-27T10:04:42Z");
        assert_eq!(iso_context(1_756_289_082_001), "2025-08-27T10:04:42.001Z");
        assert_eq!(iso_context(1_756_289_082_500), "2025-08-27T10:04:42.500Z");
    }

    /// The same texts as chrono's strftime patterns they replace, over a spread of times.
    #[test]
    fn texts_match_chronos_strftime() {
        let times = [
            0,
            1,
            1_704_067_200_000,
            1_756_289_082_001,
            951_782_400_123,     // 2000-02-29
            -1,                  // 1969-12-31T23:59:59.999
            -62_135_596_800_000, // 0001-01-01
            253_402_300_799_999, // 9999-12-31T23:59:59.999
            253_402_300_800_000, // 10000-01-01
            -62_198_755_200_000, // year -1
        ];
        for ms in times {
            let d = at(ms).unwrap();
            assert_eq!(iso_millis(ms), d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "{ms}");
            assert_eq!(iso_seconds(ms), d.format("%Y-%m-%dT%H:%M:%SZ").to_string(), "{ms}");
            assert_eq!(http_date(ms), d.format("%a, %d %b %Y %H:%M:%S GMT").to_string(), "{ms}");
            assert_eq!(stream_minute(ms), d.format("%Y-%m-%d-%H-%M").to_string(), "{ms}");
        }
        assert_eq!(http_date(1_704_067_200_000), "Mon, 01 Jan 2024 00:00:00 GMT");
        assert_eq!(iso_millis(i64::MAX), "1970-01-01T00:00:00.000Z");
        assert_eq!((iso_seconds(i64::MAX), http_date(i64::MAX), stream_minute(i64::MAX)), Default::default());
    }
}
