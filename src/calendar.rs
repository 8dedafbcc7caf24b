//! Civil dates (proleptic Gregorian, no time zone): parsing `YYYY-MM-DD`, day numbers, and adding days or months,
//! as the deadlines of data-access requests need them (src/request.rs). The shell passes today's date; nothing here
//! reads a clock.

use serde::{Serialize, Serializer};
use std::fmt;

/// A date between 1970-01-01 and 9999-12-31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A period of time in the law's own unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Months(u32),
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date, if it exists and lies between 1970 and 9999.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("{text:?} is not a date (YYYY-MM-DD)");
        let b = text.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let s = text.get(r)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => Date::new(
                y,
                u8::try_from(m).map_err(|_| bad())?,
                u8::try_from(d).map_err(|_| bad())?,
            )
            .ok_or_else(bad),
            _ => Err(bad()),
        }
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn day_number(self) -> u32 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        u32::try_from(era * 146_097 + doe - 719_468).unwrap_or(0)
    }

    /// The date of a day number (days since 1970-01-01), if it is before 10000-01-01.
    pub fn from_day_number(n: u32) -> Option<Date> {
        let z = i64::from(n) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The date `n` days later (saturating at 9999-12-31).
    pub fn plus_days(self, n: u32) -> Date {
        Date::from_day_number(self.day_number().saturating_add(n)).unwrap_or(Date::LAST)
    }

    /// The date `n` months later: the same day of that month, or its last day when it has no such day (a period of a
    /// month ends on the day of the next month with the same number, or on that month's last day: Council Regulation
    /// (EEC, Euratom) No 1182/71, Article 3(2)(c)).
    pub fn plus_months(self, n: u32) -> Date {
        let months = u32::from(self.month) - 1 + n;
        let year = u32::from(self.year) + months / 12;
        let Ok(year) = u16::try_from(year) else {
            return Date::LAST;
        };
        let month = u8::try_from(months % 12 + 1).unwrap_or(12);
        let day = self.day.min(days_in_month(year, month));
        Date::new(year, month, day).unwrap_or(Date::LAST)
    }

    /// The date a period after this one.
    pub fn plus(self, period: Period) -> Date {
        match period {
            Period::Days(n) => self.plus_days(n),
            Period::Months(n) => self.plus_months(n),
        }
    }

    /// Days from `self` to `later` (0 when `later` is not later).
    pub fn days_until(self, later: Date) -> u32 {
        later.day_number().saturating_sub(self.day_number())
    }

    pub const LAST: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date::LAST)
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(d("2026-12-05").to_string(), "2026-12-05");
        for bad in [
            "",
            "2026-2-05",
            "2026-02-30",
            "2027-02-29",
            "1969-12-31",
            "2026-13-01",
            "2026-00-10",
            "２０２６-12-05",
            "2026-12-05 ",
            "+026-12-05",
            "2026/12/05",
            "10000-01-01",
            "2026-1a-05",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2026-12-05").day_number(), 20_792);
        for n in (0..3_000_000).step_by(997) {
            if let Some(date) = Date::from_day_number(n) {
                assert_eq!(date.day_number(), n);
            }
        }
        assert_eq!(Date::from_day_number(u32::MAX), None);
    }

    #[test]
    fn months_end_on_the_same_day_or_the_last_day_of_the_month() {
        assert_eq!(d("2026-12-05").plus_months(1), d("2027-01-05"));
        assert_eq!(d("2027-01-31").plus_months(1), d("2027-02-28"));
        assert_eq!(d("2028-01-31").plus_months(1), d("2028-02-29"));
        assert_eq!(d("2026-03-31").plus_months(1), d("2026-04-30"));
        assert_eq!(d("2026-08-31").plus_months(3), d("2026-11-30"));
        assert_eq!(d("2026-11-15").plus_months(2), d("2027-01-15"));
        assert_eq!(d("9999-12-01").plus_months(1), Date::LAST);
    }

    #[test]
    fn days_add_across_months_and_years() {
        assert_eq!(d("2026-12-05").plus_days(45), d("2027-01-19"));
        assert_eq!(d("2026-02-20").plus_days(15), d("2026-03-07"));
        assert_eq!(d("2028-02-20").plus_days(15), d("2028-03-06"));
        assert_eq!(d("2026-12-31").plus_days(30), d("2027-01-30"));
        assert_eq!(d("9999-12-30").plus_days(30), Date::LAST);
        assert_eq!(d("2026-12-05").days_until(d("2027-01-05")), 31);
        assert_eq!(d("2027-01-05").days_until(d("2026-12-05")), 0);
    }
}
