//! Calendar dates from TOML (`date = 2025-06-12`) or strings (`"2025-06-12"`), kept sortable and
//! printable without a clock: builds must not depend on when they run.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date, optionally with a time of day, as written by the author.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// `HH:MM:SS` with an optional offset, when the author gave a time.
    time: Option<String>,
}

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let (ymd, time) = match text.find(['T', 't', ' ']) {
            Some(i) => (&text[..i], Some(text[i + 1..].to_string())),
            None => (text, None),
        };
        let bad = || format!("日期 `{text}` 格式不对，应写成 2025-06-12");
        let mut parts = ymd.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let (year, month, day): (u16, u8, u8) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        if y.len() != 4
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(bad());
        }
        Ok(Date {
            year,
            month,
            day,
            time,
        })
    }

    /// RFC 3339, as Atom feeds want it; a date without time is taken as midnight China time.
    pub fn rfc3339(&self) -> String {
        match &self.time {
            Some(t) if t.ends_with('Z') || t.contains('+') || t.matches('-').count() > 0 => {
                format!("{self}T{t}")
            }
            Some(t) => format!("{self}T{t}+08:00"),
            None => format!("{self}T00:00:00+08:00"),
        }
    }

    /// The calendar date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date {
            year,
            month,
            day,
            time: None,
        }
    }

    /// Today in China (UTC+8), or the day `SOURCE_DATE_EPOCH` names, so a run can be pinned.
    /// `check` asks, and a build whose calendar needs the day of the build (`--date` fixes it).
    pub fn today() -> Date {
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            });
        Date::of_unix_seconds(secs)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil), the inverse of
    /// [`Date::from_unix_days`].
    pub fn unix_days(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` days later (earlier when negative), without a time of day.
    pub fn plus_days(&self, days: i64) -> Date {
        Date::from_unix_days(self.unix_days() + days)
    }

    /// 1 for Monday … 7 for Sunday.
    pub fn weekday(&self) -> u8 {
        // 1970-01-01 was a Thursday.
        ((self.unix_days() + 3).rem_euclid(7) + 1) as u8
    }

    /// The Monday of the week this day is in.
    pub fn monday(&self) -> Date {
        self.plus_days(1 - i64::from(self.weekday()))
    }

    /// `6月12日`, for dates within one year.
    pub fn month_day(&self) -> String {
        format!("{}月{}日", self.month, self.day)
    }

    /// The date of a Unix time in China (UTC+8).
    pub fn of_unix_seconds(secs: i64) -> Date {
        Date::from_unix_days((secs + 8 * 3600).div_euclid(86_400))
    }

    /// The same day a year earlier (28 February for 29 February).
    pub fn a_year_before(&self) -> Date {
        let year = self.year - 1;
        Date {
            year,
            month: self.month,
            day: self.day.min(days_in_month(year, self.month)),
            time: None,
        }
    }

    /// The date alone, without any time of day, for comparing days.
    pub fn day_only(&self) -> Date {
        Date {
            time: None,
            ..self.clone()
        }
    }

    /// `2025年6月12日`, as readers in China write it.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2025-06-12")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Date::parse(&dt.to_string()).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn civil_dates_from_unix_days() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(19_723).to_string(), "2024-01-01");
        assert_eq!(Date::from_unix_days(19_782).to_string(), "2024-02-29");
        let leap = Date::parse("2024-02-29").unwrap();
        assert_eq!(leap.a_year_before().to_string(), "2023-02-28");
    }
    use super::*;

    #[test]
    fn days_weekdays_and_mondays() {
        let d = Date::parse("2026-11-28").unwrap();
        assert_eq!(Date::from_unix_days(d.unix_days()), d);
        assert_eq!(d.weekday(), 6);
        assert_eq!(d.monday().to_string(), "2026-11-23");
        assert_eq!(
            Date::parse("2024-03-01").unwrap().plus_days(-1).to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::parse("1970-01-01").unwrap().unix_days(), 0);
    }

    #[test]
    fn parses_dates_and_times() {
        let d = Date::parse("2025-06-12").unwrap();
        assert_eq!(d.to_string(), "2025-06-12");
        assert_eq!(d.rfc3339(), "2025-06-12T00:00:00+08:00");
        assert_eq!(d.chinese(), "2025年6月12日");
        assert_eq!(
            Date::parse("2025-06-12T08:30:00Z").unwrap().rfc3339(),
            "2025-06-12T08:30:00Z"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2025-13-01").is_err());
        assert!(Date::parse("12.06.2025").is_err());
    }

    #[test]
    fn reads_toml_dates_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Date,
            b: Date,
        }
        let t: T = toml::from_str("a = 2025-06-12\nb = \"2024-01-02\"").unwrap();
        assert_eq!(
            (t.a.to_string(), t.b.to_string()),
            ("2025-06-12".into(), "2024-01-02".into())
        );
        assert!(t.b < t.a);
    }
}
