//! `[scheduler]`: how often the minute-scale jobs (the SLA sweep, resolution cards, war-room
//! reminders) tick.

use serde::Deserialize;

use super::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerSettings {
    /// Seconds between ticks of the SLA sweep, the confirmation job and the war-room reminders;
    /// a divisor of 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60). The daily digest keeps
    /// `ops.digest_at`.
    #[serde(default = "default_tick_seconds")]
    pub tick_seconds: u32,
}

fn default_tick_seconds() -> u32 {
    60
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings { tick_seconds: default_tick_seconds() }
    }
}

impl SchedulerSettings {
    /// The six-field cron (seconds first) of the minute-scale jobs.
    pub fn cron(&self) -> String {
        if self.tick_seconds >= 60 {
            "0 * * * * *".to_owned()
        } else {
            format!("*/{} * * * * *", self.tick_seconds)
        }
    }

    pub(super) fn check(&self, file: &str) -> Result<(), ConfigError> {
        if self.tick_seconds == 0 || 60 % self.tick_seconds != 0 {
            return Err(ConfigError::new(
                file,
                "scheduler.tick_seconds",
                format!(
                    "`{}` does not divide a minute; use 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60",
                    self.tick_seconds
                ),
            ));
        }
        Ok(())
    }
}
