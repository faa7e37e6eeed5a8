//! The `[discord]` table of `default.toml`: how to reach Discord and which of its channels,
//! users and servers resolvd serves.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::ConfigError;
use crate::domain::{Directory, Role};

/// A Discord id (a snowflake), written in config as a number or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Snowflake(pub u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) if n > 0 => Ok(Snowflake(n)),
            Raw::Text(text) if text.parse::<u64>().is_ok_and(|n| n > 0) => {
                Ok(Snowflake(text.parse().unwrap_or(0)))
            }
            _ => {
                Err(serde::de::Error::custom("expected a Discord id (a positive number, e.g. 1234567890123)"))
            }
        }
    }
}

impl std::fmt::Display for Snowflake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The gateway shards this instance runs, of how many in all: `"0-1/4"` (first-last of the total)
/// or `"2/4"` (one shard). Discord sends a server's events to shard `(guild_id >> 22) % total` and
/// direct messages to shard 0, so instances with disjoint ranges receive disjoint events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Every shard of one: what an instance runs when `shards` is not set.
    pub const ALL_OF_ONE: ShardRange = ShardRange { first: 0, last: 0, total: 1 };

    /// How many shards this instance runs.
    pub fn count(&self) -> u32 {
        self.last - self.first + 1
    }

    /// The shard Discord sends a server's events to (direct messages: no server, shard 0).
    pub fn shard_of(guild: Option<u64>, total: u32) -> u32 {
        guild.map_or(0, |g| ((g >> 22) % u64::from(total.max(1))) as u32)
    }

    /// Whether this instance receives the events of `guild` (`None`: direct messages).
    pub fn receives(&self, guild: Option<u64>) -> bool {
        (self.first..=self.last).contains(&Self::shard_of(guild, self.total))
    }
}

impl std::str::FromStr for ShardRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const FORM: &str = "write first-last/total, e.g. \"0-1/4\", or one shard as \"2/4\"";
        let number = |part: &str| part.trim().parse::<u32>().map_err(|_| format!("`{text}`: {FORM}"));
        let (range, total) = text.split_once('/').ok_or_else(|| format!("`{text}`: {FORM}"))?;
        let (first, last) = match range.split_once('-') {
            Some((first, last)) => (number(first)?, number(last)?),
            None => (number(range)?, number(range)?),
        };
        let total = number(total)?;
        if total == 0 {
            return Err(format!("`{text}`: the total number of shards must be at least 1"));
        }
        if first > last {
            return Err(format!("`{text}`: the first shard comes after the last"));
        }
        if last >= total {
            return Err(format!("`{text}`: shards are numbered 0 to {} of {total}", total - 1));
        }
        Ok(ShardRange { first, last, total })
    }
}

impl std::fmt::Display for ShardRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

impl<'de> Deserialize<'de> for ShardRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A secret: its `Debug` never shows it.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Discord's own API; `api_base` replaces it.
pub const DISCORD_API: &str = "https://discord.com";

/// Within Discord's 3 seconds, with room for the round trip.
fn default_defer_after_ms() -> u64 {
    1500
}

fn default_reply_prefix() -> String {
    "!reply".to_owned()
}

/// Which staff messages in a ticket's staff thread reach the customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayStaff {
    /// Only those that start with `reply_prefix` (and `/reply`); the rest are internal notes.
    #[default]
    Prefixed,
    /// Every message staff write there.
    All,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordSettings {
    /// The bot token; also `DISCORD_TOKEN`. Without one, `resolvd run` serves the console.
    #[serde(default)]
    pub token: Option<Secret>,
    /// Where REST calls and the gateway look-up go instead of Discord: a rate-limiting proxy in
    /// production, a fake Discord in tests.
    #[serde(default)]
    pub api_base: Option<String>,
    /// Servers to register the slash commands in; none: registered globally.
    #[serde(default)]
    pub guilds: Vec<Snowflake>,
    /// Where each ticket gets its staff thread.
    #[serde(default)]
    pub staff_channel: Option<Snowflake>,
    /// Channels where a customer's message opens a ticket in a private thread.
    #[serde(default)]
    pub intake_channels: Vec<Snowflake>,
    /// Delete the customer's message from the intake channel once its thread is open.
    #[serde(default)]
    pub delete_intake_messages: bool,
    /// Discord user id → person id in people.toml. Anyone else is `discord:<user id>`, a customer.
    #[serde(default)]
    pub users: BTreeMap<String, String>,
    /// Discord role id → the resolvd role its members hold (e.g. a "Support" role → engineer).
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
    /// A slash command not answered within this many milliseconds is deferred, then edited
    /// (0: every one is).
    #[serde(default = "default_defer_after_ms")]
    pub defer_after_ms: u64,
    /// Where S-level war rooms are opened and archived.
    #[serde(default)]
    pub war_rooms: WarRoomChannels,
    /// A staff-thread message starting with this (then a space) is written to the customer.
    #[serde(default = "default_reply_prefix")]
    pub reply_prefix: String,
    #[serde(default)]
    pub relay_staff: RelayStaff,
    /// The gateway shards this instance runs (`"0-1/4"`); none: the one shard of a single instance.
    #[serde(default)]
    pub shards: Option<ShardRange>,
    /// Catch-up after a (re)connection reads the intake channels and the channels of tickets not
    /// closed, and of those closed within this many days.
    #[serde(default = "default_catch_up_closed_days")]
    pub catch_up_closed_days: u32,
}

fn default_catch_up_closed_days() -> u32 {
    7
}

/// `[discord.war_rooms]`: a war room is a private text channel of `guild` (default: the first of
/// `guilds`), in `category` when one is set. Archiving locks it and moves it to
/// `archive_category`, or, without one, renames it `archived-…`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarRoomChannels {
    #[serde(default)]
    pub guild: Option<Snowflake>,
    #[serde(default)]
    pub category: Option<Snowflake>,
    #[serde(default)]
    pub archive_category: Option<Snowflake>,
}

impl Default for DiscordSettings {
    fn default() -> Self {
        DiscordSettings {
            token: None,
            api_base: None,
            guilds: vec![],
            staff_channel: None,
            intake_channels: vec![],
            delete_intake_messages: false,
            users: BTreeMap::new(),
            roles: BTreeMap::new(),
            defer_after_ms: default_defer_after_ms(),
            war_rooms: WarRoomChannels::default(),
            reply_prefix: default_reply_prefix(),
            relay_staff: RelayStaff::default(),
            shards: None,
            catch_up_closed_days: default_catch_up_closed_days(),
        }
    }
}

/// A named conversation (the ops digest's) on Discord: a channel id, bare or as `channel:<id>`,
/// `dm:<id>` or `thread:<id>`; any other name has no channel there.
pub fn channel_of(conversation: &str) -> Option<u64> {
    let id = ["channel:", "dm:", "thread:"]
        .iter()
        .find_map(|prefix| conversation.strip_prefix(prefix))
        .unwrap_or(conversation);
    id.parse().ok()
}

impl DiscordSettings {
    /// The API base without a trailing slash.
    pub fn api_base(&self) -> &str {
        self.api_base.as_deref().unwrap_or(DISCORD_API).trim_end_matches('/')
    }

    /// The server war rooms are opened in, when there is one.
    pub fn war_room_guild(&self) -> Option<Snowflake> {
        self.war_rooms.guild.or_else(|| self.guilds.first().copied())
    }

    /// The token when one is set and not blank.
    /// What a staff-thread message tells the customer, if anything: messages are internal unless
    /// `relay_staff = "all"` or they start with the reply prefix (which is dropped).
    pub fn to_customer<'t>(&self, text: &'t str) -> Option<&'t str> {
        if self.relay_staff == RelayStaff::All {
            return Some(text);
        }
        let rest = text.trim_start().strip_prefix(self.reply_prefix.as_str())?;
        rest.starts_with(char::is_whitespace).then(|| rest.trim_start())
    }

    /// The shards this instance runs: config's range, or the one shard of a single instance.
    pub fn shard_range(&self) -> ShardRange {
        self.shards.unwrap_or(ShardRange::ALL_OF_ONE)
    }

    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref().filter(|t| !t.0.trim().is_empty())
    }

    pub(super) fn check(&self, file: &str, directory: &Directory) -> Result<(), ConfigError> {
        for (discord_id, person) in &self.users {
            let key = format!("discord.users.{discord_id}");
            if discord_id.parse::<u64>().is_err() {
                return Err(ConfigError::new(file, key, "the key must be a Discord user id (a number)"));
            }
            if !directory.is_known(person) {
                return Err(ConfigError::new(file, key, format!("`{person}` is not in people")));
            }
        }
        for role_id in self.roles.keys() {
            if role_id.parse::<u64>().is_err() {
                let key = format!("discord.roles.{role_id}");
                return Err(ConfigError::new(file, key, "the key must be a Discord role id (a number)"));
            }
        }
        if self.reply_prefix.trim().is_empty() || self.reply_prefix.starts_with('/') {
            return Err(ConfigError::new(
                file,
                "discord.reply_prefix",
                "must be a word such as !reply (not empty, and not a / slash command)",
            ));
        }
        if let Some(base) = &self.api_base
            && !(base.starts_with("http://") || base.starts_with("https://"))
        {
            return Err(ConfigError::new(file, "discord.api_base", "must start with http:// or https://"));
        }
        if self.token().is_some() && self.staff_channel.is_none() {
            return Err(ConfigError::new(
                file,
                "discord.staff_channel",
                "set the channel where tickets get their staff threads (a Discord channel id)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_thread_message_reaches_the_customer_only_with_the_prefix_or_relay_all() {
        let mut settings = DiscordSettings::default();
        assert_eq!(settings.to_customer("!reply  Please restart it"), Some("Please restart it"));
        assert_eq!(settings.to_customer("she sounds upset"), None);
        assert_eq!(settings.to_customer("!replying to myself"), None);
        settings.relay_staff = RelayStaff::All;
        assert_eq!(settings.to_customer("she sounds upset"), Some("she sounds upset"));
    }
}

#[cfg(test)]
mod shard_tests {
    use super::ShardRange;

    #[test]
    fn a_shard_range_reads_first_last_and_total_or_one_shard() {
        assert_eq!("0-1/4".parse(), Ok(ShardRange { first: 0, last: 1, total: 4 }));
        assert_eq!(" 2 / 4".parse(), Ok(ShardRange { first: 2, last: 2, total: 4 }));
        assert_eq!("0-1/4".parse::<ShardRange>().unwrap().count(), 2);
    }

    #[test]
    fn a_shard_range_outside_its_total_or_backwards_is_refused_with_the_form() {
        for (text, says) in [
            ("4/4", "numbered 0 to 3 of 4"),
            ("2-1/4", "comes after the last"),
            ("0/0", "at least 1"),
            ("0-1", "e.g. \"0-1/4\""),
            ("a-b/2", "e.g."),
        ] {
            let error = text.parse::<ShardRange>().unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn a_servers_events_go_to_its_shard_and_direct_messages_to_shard_0() {
        let guild = 5u64 << 22 | 12345;
        assert_eq!(ShardRange::shard_of(Some(guild), 4), 1);
        assert_eq!(ShardRange::shard_of(None, 4), 0);
        let first_half: ShardRange = "0-1/4".parse().unwrap();
        let second_half: ShardRange = "2-3/4".parse().unwrap();
        assert!(first_half.receives(Some(guild)) && !second_half.receives(Some(guild)));
        assert!(first_half.receives(None) && !second_half.receives(None));
    }
}

#[cfg(test)]
mod conversation_tests {
    use super::channel_of;

    #[test]
    fn a_named_conversation_is_a_discord_channel_only_when_it_names_one() {
        assert_eq!(channel_of("channel:123"), Some(123));
        assert_eq!(channel_of("456"), Some(456));
        assert_eq!(channel_of("ops"), None);
    }
}
