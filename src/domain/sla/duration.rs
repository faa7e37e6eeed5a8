//! Target lengths as the policy file writes them: `"30m"`, `"24h"`, `"1h 30m"`, `"7 working days"`.
//!
//! Grammar (ASCII, case-insensitive, surrounding whitespace ignored):
//!
//! ```text
//! duration := term (whitespace? term)*
//! term     := digits whitespace? unit
//! unit     := "m" | "min" | "mins" | "minute" | "minutes"
//!           | "h" | "hr" | "hrs" | "hour" | "hours"
//!           | "d" | "day" | "days" | "working day" | "working days"
//! ```
//!
//! Minutes and hours are business time on the target's calendar. A day is always a *working* day of
//! that calendar, never 24 wall-clock hours, because a policy only ever counts time the calendar says
//! is working time; on a round-the-clock calendar a working day happens to be 24 hours. How a working
//! day is laid onto the calendar is [`crate::domain::sla::calendar::Calendar::add_working_days`].
//! A total of zero is rejected: a target that is already due when the ticket opens is a typo.

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;

/// Ten years of minutes: far beyond any sane target, small enough that no arithmetic can overflow.
const MAX_MINUTES: i64 = 10 * 366 * 24 * 60;
const MAX_DAYS: i64 = 10 * 366;

/// A target length: whole working days followed by business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SlaDuration {
    working_days: u32,
    minutes: u32,
}

/// Why a text is not a target length; the caller adds the file, key and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("is not a duration (write 24h, 30m or 7 working days)")]
    NotADuration,
    #[error("is zero (a target must be longer than that)")]
    Zero,
    #[error("is longer than ten years")]
    TooLong,
}

impl SlaDuration {
    pub fn parse(text: &str) -> Result<SlaDuration, DurationError> {
        let lowered = text.trim().to_ascii_lowercase();
        let mut rest = lowered.as_str();
        if rest.is_empty() {
            return Err(DurationError::NotADuration);
        }
        let mut days: i64 = 0;
        let mut minutes: i64 = 0;
        while !rest.is_empty() {
            let digits_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits_len == 0 {
                return Err(DurationError::NotADuration);
            }
            // Eighteen digits always fit an i64; anything longer is out of range anyway.
            if digits_len > 18 {
                return Err(DurationError::TooLong);
            }
            let amount: i64 = rest[..digits_len].parse().map_err(|_| DurationError::NotADuration)?;
            rest = rest[digits_len..].trim_start();
            let word_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            let word = &rest[..word_len];
            rest = rest[word_len..].trim_start();
            let (total, add) = match word {
                "m" | "min" | "mins" | "minute" | "minutes" => (&mut minutes, Some(amount)),
                "h" | "hr" | "hrs" | "hour" | "hours" => (&mut minutes, amount.checked_mul(60)),
                "d" | "day" | "days" => (&mut days, Some(amount)),
                "working" => {
                    let next_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
                    if !matches!(&rest[..next_len], "day" | "days") {
                        return Err(DurationError::NotADuration);
                    }
                    rest = rest[next_len..].trim_start();
                    (&mut days, Some(amount))
                }
                _ => return Err(DurationError::NotADuration),
            };
            // Checked: "307445734561825861h" must not wrap around to 43 minutes.
            *total = add.and_then(|add| total.checked_add(add)).ok_or(DurationError::TooLong)?;
            if days > MAX_DAYS || minutes > MAX_MINUTES {
                return Err(DurationError::TooLong);
            }
        }
        if days == 0 && minutes == 0 {
            return Err(DurationError::Zero);
        }
        Ok(SlaDuration {
            working_days: u32::try_from(days).map_err(|_| DurationError::NotADuration)?,
            minutes: u32::try_from(minutes).map_err(|_| DurationError::NotADuration)?,
        })
    }

    pub fn minutes(minutes: u32) -> SlaDuration {
        SlaDuration { working_days: 0, minutes }
    }

    pub fn hours(hours: u32) -> SlaDuration {
        SlaDuration::minutes(hours * 60)
    }

    pub fn working_days(days: u32) -> SlaDuration {
        SlaDuration { working_days: days, minutes: 0 }
    }

    /// The whole working days, laid onto the calendar before [`Self::business_time`].
    pub fn days_part(&self) -> u32 {
        self.working_days
    }

    /// The hours and minutes, counted in business time after the working days.
    pub fn business_time(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.minutes))
    }
}

impl FromStr for SlaDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<SlaDuration, DurationError> {
        SlaDuration::parse(text)
    }
}

/// Writes the canonical form, which [`SlaDuration::parse`] reads back unchanged.
impl fmt::Display for SlaDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        match self.working_days {
            0 => {}
            1 => parts.push("1 working day".to_owned()),
            n => parts.push(format!("{n} working days")),
        }
        let (hours, minutes) = (self.minutes / 60, self.minutes % 60);
        if hours > 0 {
            parts.push(format!("{hours}h"));
        }
        if minutes > 0 || parts.is_empty() {
            parts.push(format!("{minutes}m"));
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_lengths_parse_into_days_and_business_time() {
        let cases = [
            ("30m", 0, 30),
            ("24h", 0, 24 * 60),
            ("1h30m", 0, 90),
            ("1h 30m", 0, 90),
            ("2 hours", 0, 120),
            ("45 minutes", 0, 45),
            ("7d", 7, 0),
            ("7 working days", 7, 0),
            ("1 working day", 1, 0),
            ("1 working day 4h", 1, 240),
            ("  72H ", 0, 72 * 60),
        ];
        for (text, days, minutes) in cases {
            let parsed = SlaDuration::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.days_part(), days, "{text}");
            assert_eq!(parsed.business_time(), TimeDelta::minutes(minutes), "{text}");
        }
    }

    #[test]
    fn malformed_lengths_are_not_durations() {
        for text in
            ["", "24x", "h", "24", "immediately", "-3h", "1.5h", "7 working", "7 working hours", "3 weeks"]
        {
            assert_eq!(SlaDuration::parse(text), Err(DurationError::NotADuration), "{text:?}");
        }
    }

    #[test]
    fn lengths_past_ten_years_are_refused_never_wrapped() {
        // 307445734561825861 × 60 wraps an i64 around to 43 minutes.
        for text in
            ["307445734561825861h", "99999999999999999999h", "4000d", "6000000m", "9223372036854775807m"]
        {
            assert_eq!(SlaDuration::parse(text), Err(DurationError::TooLong), "{text:?}");
        }
    }

    #[test]
    fn a_zero_length_is_rejected_as_zero() {
        assert_eq!(SlaDuration::parse("0h"), Err(DurationError::Zero));
        assert_eq!(SlaDuration::parse("0d 0m"), Err(DurationError::Zero));
    }

    #[test]
    fn the_canonical_form_reads_back_to_the_same_length() {
        for text in ["30m", "24h", "1h 30m", "7 working days", "1 working day 4h 5m"] {
            let parsed = SlaDuration::parse(text).unwrap();
            assert_eq!(parsed.to_string(), text);
            assert_eq!(SlaDuration::parse(&parsed.to_string()), Ok(parsed));
        }
    }
}
