//! The programme's clock: deadlines, dates on letters and exports are Beijing time
//! (Asia/Shanghai, from the IANA database through `chrono-tz`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The programme's time zone.
pub const ZONE: Tz = chrono_tz::Asia::Shanghai;

/// An instant in Beijing time.
pub fn local(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&ZONE)
}

/// The Beijing calendar date of an instant (the date printed on letters).
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date_naive()
}

/// A Beijing wall-clock time as an instant (`None` only for a time the zone skips, which
/// Asia/Shanghai has not done since 1991).
pub fn from_local(dt: NaiveDateTime) -> Option<DateTime<Utc>> {
    ZONE.from_local_datetime(&dt)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Midnight at the start of a Beijing calendar date, as an instant.
pub fn start_of(d: NaiveDate) -> Option<DateTime<Utc>> {
    from_local(d.and_hms_opt(0, 0, 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_is_utc_plus_eight() {
        let t = Utc.with_ymd_and_hms(2022, 11, 30, 16, 0, 0).unwrap();
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2022, 12, 1).unwrap());
        let d = NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
        assert_eq!(start_of(d), Some(t));
    }
}
