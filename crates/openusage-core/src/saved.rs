//! Serde for the instants and dates of what is saved between runs, as
//! numbers rather than chrono's RFC 3339 strings: a kept counting holds
//! hundreds of thousands of them, and parsing them back as text was most
//! of the time it took to load.

/// A `DateTime<Utc>` as whole seconds and nanoseconds since the epoch.
pub mod instant {
    use chrono::{DateTime, Utc};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `(seconds, nanoseconds)`.
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        (at.timestamp(), at.timestamp_subsec_nanos()).serialize(s)
    }

    /// Reads what [`serialize`] wrote; an instant chrono cannot hold does
    /// not decode.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
        DateTime::from_timestamp(secs, nanos).ok_or_else(|| D::Error::custom("not an instant"))
    }
}

/// A `NaiveDate` as its day number from 1 January of year 1 (day 1).
pub mod date {
    use chrono::{Datelike, NaiveDate};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the day number.
    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        date.num_days_from_ce().serialize(s)
    }

    /// Reads what [`serialize`] wrote; a day chrono cannot hold does not
    /// decode.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let days = i32::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| D::Error::custom("not a date"))
    }
}
