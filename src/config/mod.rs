//! Typed, layered config: `default.toml`, the files it names, then `RESOLVD_…` environment
//! variables. Every error names the file and the key that is wrong.

mod discord;
mod outbound;
mod scheduler;
mod source;

use crate::domain::text::count;
use std::collections::{BTreeMap, HashMap, HashSet};

use regex::Regex;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::command::{CommandSet, CommandSpec};
use crate::domain::classify::{Rule, RuleSet};
use crate::domain::routing::Routing;
use crate::domain::sla::SlaPolicy;
use crate::domain::{Directory, Kind, Person, Role, RoomLeads, Severity, Tier};

pub use discord::{DISCORD_API, DiscordSettings, Secret, ShardRange, Snowflake, WarRoomChannels, channel_of};
pub use outbound::{
    DeliverySettings, GITHUB_API, HandoffSettings, OUTBOUND_EVENTS, SALES_TARGET, SalesHandoff,
    TRACKER_TARGET, Tracker, Webhook,
};
pub use scheduler::SchedulerSettings;
use source::ConfigFile;
pub use source::ConfigSource;

/// Environment variables with this prefix override `default.toml`; `__` separates nested keys
/// (`RESOLVD_DATABASE_URL`, `RESOLVD_INTAKE__QUOTE_CHARS`).
pub const ENV_PREFIX: &str = "RESOLVD_";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}: {key}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub key: String,
    pub message: String,
}

impl ConfigError {
    /// Each part cleaned and elided: a key or value from a hostile file or environment variable
    /// may hold escapes, NUL or a megabyte.
    pub fn new(file: impl Into<String>, key: impl Into<String>, message: impl Into<String>) -> Self {
        use crate::domain::text::elide;
        ConfigError {
            file: elide(&file.into(), 300),
            key: elide(&key.into(), 120),
            message: elide(&message.into(), 400),
        }
    }

    fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::new(file, "(file)", message)
    }
}

/// `default.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`; when absent, a SQLite file in the data dir.
    #[serde(default)]
    pub database_url: Option<String>,
    /// The command definitions, relative to the config folder.
    pub commands_dir: String,
    /// The knowledge-base articles, relative to the config folder; left out, no knowledge base.
    #[serde(default)]
    pub kb_dir: Option<String>,
    pub files: Files,
    pub intake: IntakeSettings,
    pub ops: OpsSettings,
    /// The Discord channel; without a token, `resolvd run` serves the console.
    #[serde(default)]
    pub discord: DiscordSettings,
    #[serde(default)]
    pub war_room: WarRoomSettings,
    #[serde(default)]
    pub confirmation: ConfirmationSettings,
    #[serde(default)]
    pub scheduler: SchedulerSettings,
    #[serde(default)]
    pub outbox: OutboxSettings,
    #[serde(default)]
    pub assignment: AssignmentSettings,
    #[serde(default)]
    pub kb: KbSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    #[serde(default)]
    pub web: WebSettings,
    #[serde(default)]
    pub storm: StormSettings,
    /// Subscribers to outbound events (`[[webhooks]]`).
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
    /// How each outbound delivery is tried.
    #[serde(default)]
    pub deliveries: DeliverySettings,
    /// Voice of customer: the tracker accepted items go to.
    #[serde(default)]
    pub voc: VocSettings,
    /// Hand-offs: inquiries to sales.
    #[serde(default)]
    pub handoff: HandoffSettings,
    #[serde(default)]
    pub revisit: RevisitSettings,
    /// The language of whoever has no other (README: the locale rules), and of the posts staff
    /// share: staff threads, the ops channel, war rooms.
    #[serde(default)]
    pub default_locale: crate::domain::Locale,
}

/// `[storm]`: when similar new tickets of one domain are proposed to its owners as one incident.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StormSettings {
    /// How many similar new tickets make a storm.
    #[serde(default = "default_storm_threshold")]
    pub threshold: u32,
    /// Within how many minutes of each other they opened.
    #[serde(default = "default_storm_window_minutes")]
    pub window_minutes: u32,
    /// How alike two tickets' first messages must be (0 to 1: the share of terms they have in
    /// common, as the Dice coefficient of their knowledge-base terms).
    #[serde(default = "default_storm_similarity")]
    pub similarity: f64,
}

fn default_storm_threshold() -> u32 {
    5
}

fn default_storm_window_minutes() -> u32 {
    15
}

fn default_storm_similarity() -> f64 {
    0.3
}

impl Default for StormSettings {
    fn default() -> Self {
        StormSettings {
            threshold: default_storm_threshold(),
            window_minutes: default_storm_window_minutes(),
            similarity: default_storm_similarity(),
        }
    }
}

impl StormSettings {
    /// The domain's rule with these settings.
    pub fn rule(&self) -> crate::domain::storm::StormRule {
        crate::domain::storm::StormRule {
            threshold: self.threshold as usize,
            window: chrono::TimeDelta::minutes(i64::from(self.window_minutes)),
            similarity: self.similarity,
        }
    }

    fn check(&self, file: &str) -> Result<(), ConfigError> {
        if !(2..=1000).contains(&self.threshold) {
            return Err(ConfigError::new(
                file,
                "storm.threshold",
                format!("`{}` is out of range; use 2 to 1000 tickets", self.threshold),
            ));
        }
        if !(1..=1440).contains(&self.window_minutes) {
            return Err(ConfigError::new(
                file,
                "storm.window_minutes",
                format!("`{}` is out of range; use 1 to 1440 minutes (a day)", self.window_minutes),
            ));
        }
        if !(self.similarity > 0.0 && self.similarity <= 1.0) {
            return Err(ConfigError::new(
                file,
                "storm.similarity",
                format!("`{}` is out of range; use a number above 0 and at most 1", self.similarity),
            ));
        }
        Ok(())
    }
}

/// `[voc]`: when a customer's suggestion joins a voice-of-customer item, and the tracker an
/// accepted item goes to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocSettings {
    /// How alike a new suggestion and one of an open or accepted item of its domain must be to
    /// join it (0 to 1: the Dice coefficient of their knowledge-base terms, as storms compare).
    #[serde(default = "default_voc_similarity")]
    pub similarity: f64,
    /// Where an accepted item is handed to engineering; left out, nowhere (webhooks still hear
    /// `voc.accepted`).
    #[serde(default)]
    pub tracker: Option<Tracker>,
}

fn default_voc_similarity() -> f64 {
    0.5
}

impl Default for VocSettings {
    fn default() -> Self {
        VocSettings { similarity: default_voc_similarity(), tracker: None }
    }
}

impl VocSettings {
    pub fn rule(&self) -> crate::domain::voc::VocRule {
        crate::domain::voc::VocRule { similarity: self.similarity }
    }

    fn check(&self, file: &str) -> Result<(), ConfigError> {
        if !(self.similarity > 0.0 && self.similarity <= 1.0) {
            return Err(ConfigError::new(
                file,
                "voc.similarity",
                format!("`{}` is out of range; use a number above 0 and at most 1", self.similarity),
            ));
        }
        Ok(())
    }
}

/// `[revisit]`: some days after a ticket is closed, the bot asks its customer whether it is still
/// working: every S-level ticket, and `share` of the others.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisitSettings {
    /// Days after the close.
    #[serde(default = "default_revisit_after_days")]
    pub after_days: u32,
    /// 0 to 1: the share of tickets that are not S-level (picked by a stable hash of the ticket).
    #[serde(default = "default_revisit_share")]
    pub share: f64,
}

fn default_revisit_after_days() -> u32 {
    7
}

fn default_revisit_share() -> f64 {
    0.2
}

impl Default for RevisitSettings {
    fn default() -> Self {
        RevisitSettings { after_days: default_revisit_after_days(), share: default_revisit_share() }
    }
}

impl RevisitSettings {
    pub fn rule(&self) -> crate::domain::revisit::RevisitRule {
        crate::domain::revisit::RevisitRule {
            after: chrono::TimeDelta::days(i64::from(self.after_days)),
            share: self.share,
        }
    }

    fn check(&self, file: &str) -> Result<(), ConfigError> {
        if !(1..=366).contains(&self.after_days) {
            return Err(ConfigError::new(
                file,
                "revisit.after_days",
                format!("`{}` is out of range; use 1 to 366 days", self.after_days),
            ));
        }
        if !(0.0..=1.0).contains(&self.share) {
            return Err(ConfigError::new(
                file,
                "revisit.share",
                format!("`{}` is out of range; use 0 (S-level tickets only) to 1 (every ticket)", self.share),
            ));
        }
        Ok(())
    }
}

/// `[web]`: the managers' cockpit (dashboard, REST API, metrics) served beside the chat.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// `HOST:PORT` to serve on; empty turns the web server off.
    #[serde(default = "default_web_listen")]
    pub listen: String,
    /// Where people reach it (`https://support.example.com`), for sign-in links; left out, the
    /// address it listens on.
    #[serde(default)]
    pub public_url: Option<String>,
    /// How long a sign-in lasts, in hours.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
}

fn default_web_listen() -> String {
    "127.0.0.1:8080".to_owned()
}

fn default_session_hours() -> u32 {
    12
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings { listen: default_web_listen(), public_url: None, session_hours: default_session_hours() }
    }
}

impl WebSettings {
    /// The address to listen on; `None` when the web server is off. Checked at load.
    pub fn listen_addr(&self) -> Option<std::net::SocketAddr> {
        self.listen.trim().parse().ok()
    }

    /// Whether `listen` was left at its default (a busy default port then turns the server off
    /// with a warning instead of stopping start-up).
    pub fn listen_is_default(&self) -> bool {
        self.listen == default_web_listen()
    }

    fn check(&self, file: &str) -> Result<(), ConfigError> {
        if !self.listen.trim().is_empty() && self.listen_addr().is_none() {
            return Err(ConfigError::new(
                file,
                "web.listen",
                format!(
                    "`{}` is not an address; write HOST:PORT (127.0.0.1:8080), or \"\" to turn the web server off",
                    crate::domain::text::elide(&self.listen, 64)
                ),
            ));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::new(
                file,
                "web.public_url",
                format!("`{}` is not an http(s) URL", crate::domain::text::elide(url, 64)),
            ));
        }
        if !(1..=24 * 30).contains(&self.session_hours) {
            return Err(ConfigError::new(
                file,
                "web.session_hours",
                format!("`{}` is out of range; use 1 to 720", self.session_hours),
            ));
        }
        Ok(())
    }
}

/// `[retention]`: how long what only guards against repeats is kept (sent posts, handled
/// command ids, scheduler ticks, closed tickets' SLA notices). Tickets, messages and timelines are
/// never pruned.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days; 0 keeps everything.
    #[serde(default = "default_retention_days")]
    pub days: u32,
}

fn default_retention_days() -> u32 {
    90
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings { days: default_retention_days() }
    }
}

/// `[kb]`: how customers reach the articles offered to them, and how often the index follows the
/// shared knowledge base.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbSettings {
    /// Where the articles are published for customers (`https://help.example.com/kb`); an
    /// offer links each article as `<public_url>/<article id>`. Left out, offers carry no link.
    #[serde(default)]
    pub public_url: Option<String>,
    /// How often this instance's search index follows the shared knowledge base (articles
    /// published and tickets resolved on any instance), in seconds.
    #[serde(default = "default_kb_follow_seconds")]
    pub follow_seconds: u64,
}

fn default_kb_follow_seconds() -> u64 {
    2
}

impl Default for KbSettings {
    fn default() -> Self {
        KbSettings { public_url: None, follow_seconds: default_kb_follow_seconds() }
    }
}

/// `[assignment]`: taking a ticket someone else has, and giving one to an engineer outside its
/// domain's queues.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSettings {
    #[serde(default)]
    pub claim_taken: ClaimTaken,
    #[serde(default)]
    pub outside_queue: OutsideQueue,
}

/// What `/claim` of a ticket someone else has does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimTaken {
    /// Allowed with `reason:…`; the previous owner is told.
    #[default]
    Reason,
    /// Refused: the owner gives it up, or someone `/assign`s it.
    Refuse,
}

/// What giving a ticket to an engineer in none of its domain's queues does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideQueue {
    /// Allowed; the ticket keeps its tier.
    #[default]
    Allow,
    Refuse,
}

/// `[outbox]`: how hard a post is tried before it becomes a dead letter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    /// Failed sends before a post is a dead letter (listed by `resolvd outbox list --dead`); a
    /// permanent refusal (403, 404) makes one at once.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
}

fn default_max_attempts() -> u32 {
    10
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings { max_attempts: default_max_attempts() }
    }
}

/// `[war_room]`: how S-level war rooms are kept going.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarRoomSettings {
    /// A war room silent this long is reminded to post progress.
    #[serde(default = "default_reminder_minutes")]
    pub reminder_minutes: u32,
}

fn default_reminder_minutes() -> u32 {
    60
}

impl Default for WarRoomSettings {
    fn default() -> Self {
        WarRoomSettings { reminder_minutes: default_reminder_minutes() }
    }
}

/// `[confirmation]`: how long a resolution card waits for the customer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationSettings {
    /// An unanswered card is followed by one reminder after this many hours.
    #[serde(default = "default_remind_after_hours")]
    pub remind_after_hours: u32,
    /// And the ticket closes as `auto_confirmed` this many days after the card.
    #[serde(default = "default_auto_confirm_after_days")]
    pub auto_confirm_after_days: u32,
    /// Minutes instead of `remind_after_hours`, for demos and trials that cannot wait a day.
    #[serde(default)]
    pub remind_after_minutes: Option<u32>,
    /// Minutes instead of `auto_confirm_after_days`.
    #[serde(default)]
    pub auto_confirm_after_minutes: Option<u32>,
}

fn default_remind_after_hours() -> u32 {
    24
}

fn default_auto_confirm_after_days() -> u32 {
    3
}

impl Default for ConfirmationSettings {
    fn default() -> Self {
        ConfirmationSettings {
            remind_after_hours: default_remind_after_hours(),
            auto_confirm_after_days: default_auto_confirm_after_days(),
            remind_after_minutes: None,
            auto_confirm_after_minutes: None,
        }
    }
}

impl ConfirmationSettings {
    pub fn remind_after(&self) -> chrono::TimeDelta {
        match self.remind_after_minutes {
            Some(minutes) => chrono::TimeDelta::minutes(i64::from(minutes)),
            None => chrono::TimeDelta::hours(i64::from(self.remind_after_hours)),
        }
    }

    pub fn auto_confirm_after(&self) -> chrono::TimeDelta {
        match self.auto_confirm_after_minutes {
            Some(minutes) => chrono::TimeDelta::minutes(i64::from(minutes)),
            None => chrono::TimeDelta::days(i64::from(self.auto_confirm_after_days)),
        }
    }

    /// `auto_confirm_after` as people read it: `3 days`, `2 minutes`.
    pub fn auto_confirm_wait(&self) -> String {
        match self.auto_confirm_after_minutes {
            Some(minutes) => count(minutes, "minute", "minutes"),
            None => count(self.auto_confirm_after_days, "day", "days"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    pub people: String,
    pub domains: String,
    pub classification: String,
    /// The SLA policy: calendars, targets, OLA shares and warnings.
    pub sla: String,
    /// The spare-parts catalogue (CSV: part,name,unit_cost,stock,reorder_level); left out, none.
    #[serde(default)]
    pub parts: Option<String>,
}

/// Where the scheduler's reports go, and when.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSettings {
    /// The conversation the daily digest is posted to (opaque, like every conversation id).
    pub conversation: String,
    /// The local time of the daily digest, `HH:MM` (or `HH:MM:SS`).
    pub digest_at: String,
    /// The time zone `digest_at` is read in, e.g. `Asia/Shanghai`.
    pub time_zone: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSettings {
    /// How much of a customer's text a ticket's title keeps.
    pub title_chars: usize,
    /// How much of a customer's text staff notices quote; the rest stays on the ticket.
    pub quote_chars: usize,
    /// How many messages a customer may send in a minute before they are asked to slow down (each
    /// is still stored on their ticket).
    #[serde(default = "default_max_per_minute")]
    pub max_per_minute: u32,
    /// How much of a message the knowledge base reads to suggest articles (and of a `/kb search`
    /// query): the whole message is stored, the search sees this prefix, so a huge message costs
    /// no more than a long one.
    #[serde(default = "default_search_chars")]
    pub search_chars: usize,
}

fn default_search_chars() -> usize {
    1_000
}

fn default_max_per_minute() -> u32 {
    20
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeopleFile {
    people: Vec<Person>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainsFile {
    /// Engineers who take tickets no rule could give a domain.
    triage: Vec<String>,
    domains: Vec<DomainDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub owners: Vec<String>,
    /// Members of each tier's queue, in round-robin order.
    pub queues: BTreeMap<Tier, Vec<String>>,
    /// Who a war room of this domain starts with, besides the assignee and the managers.
    #[serde(default)]
    pub war_room: RoomLeads,
}

impl DomainDef {
    /// The war room's resolution leader: `war_room.leader`, else the first owner.
    pub fn room_leader(&self) -> Option<&str> {
        self.war_room.leader.as_deref().or(self.owners.first().map(String::as_str))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassificationFile {
    rules: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    pattern: String,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    severity: Option<Severity>,
}

/// Everything the engine needs from config, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub source: ConfigSource,
    pub settings: Settings,
    pub directory: Directory,
    pub domains: Vec<DomainDef>,
    pub routing: Routing,
    pub rules: RuleSet,
    pub commands: CommandSet,
    pub sla: SlaPolicy,
    /// `ops.digest_at` and `ops.time_zone`, checked.
    pub digest: Digest,
    /// The spare-parts catalogue (`files.parts`), checked; empty when config names none.
    pub parts: Vec<crate::domain::parts::Part>,
}

/// When the daily digest goes out: a local time in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    pub at: chrono::NaiveTime,
    pub time_zone: chrono_tz::Tz,
}

impl Config {
    /// What is valid but will not work as meant, each naming the file, the key and the person:
    /// with Discord configured, people the bot must reach who have no `[discord.users]` id, and
    /// war rooms with no server to open them in.
    pub fn warnings(&self) -> Vec<String> {
        let discord = &self.settings.discord;
        if discord.token().is_none() {
            return Vec::new();
        }
        let default = self.source.display_of("default.toml");
        let domains_file = self.source.display_of(&self.settings.files.domains);
        let known = |person: &str| {
            person.starts_with("discord:") || discord.users.values().any(|mapped| mapped == person)
        };
        let mut warnings = Vec::new();
        let mut unmapped = |key: String, person: &str, why: &str| {
            if !known(person) {
                warnings.push(format!(
                    "{domains_file}: {key}: `{person}` has no id in discord.users ({default}); {why}"
                ));
            }
        };
        for (i, domain) in self.domains.iter().enumerate() {
            for (j, owner) in domain.owners.iter().enumerate() {
                unmapped(
                    format!("domains[{i}].owners[{j}]"),
                    owner,
                    "they are never asked to confirm S-level",
                );
            }
            for (tier, members) in &domain.queues {
                for (j, member) in members.iter().enumerate() {
                    unmapped(
                        format!("domains[{i}].queues.{tier}[{j}]"),
                        member,
                        "tickets routed to them reach nobody",
                    );
                }
            }
            let leads = [
                ("leader", &domain.war_room.leader),
                ("market", &domain.war_room.market),
                ("manufacturing", &domain.war_room.manufacturing),
                ("service", &domain.war_room.service),
            ];
            for (role, lead) in leads {
                if let Some(lead) = lead {
                    unmapped(
                        format!("domains[{i}].war_room.{role}"),
                        lead,
                        "they are never let into a war room",
                    );
                }
            }
        }
        let ops = &self.settings.ops.conversation;
        if channel_of(ops).is_none() {
            warnings.push(format!(
                "{default}: ops.conversation: `{ops}` is not a Discord channel (write channel:<id>); \
                 the daily digest will be a dead letter"
            ));
        }
        if discord.war_room_guild().is_none() {
            warnings.push(format!(
                "{default}: discord.war_rooms.guild: no server for war rooms (set it or discord.guilds); \
                 S-level tickets get no war room"
            ));
        }
        warnings
    }

    /// Loads and checks the config, with overrides from `env` (pass `std::env::vars()`), for the
    /// engine's built-in commands.
    pub fn load(
        source: ConfigSource,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        Config::load_handling(source, env, &crate::engine::commands::CommandRegistry::builtin().paths())
    }

    /// Loads and checks the config for an engine that handles the commands at `handled` (paths
    /// like `classify` or `kb search`): a definition without a handler, or a handler without a
    /// definition, is an error.
    pub fn load_handling(
        source: ConfigSource,
        env: impl IntoIterator<Item = (String, String)>,
        handled: &[&str],
    ) -> Result<Config, ConfigError> {
        // The message catalogues are built in, but a build with one incomplete must not serve.
        crate::i18n::check().map_err(|e| {
            let key = e.line.map_or_else(|| "(catalogue)".to_owned(), |line| format!("line {line}"));
            ConfigError::new(e.file, key, e.problem)
        })?;
        let default = source.read("default.toml")?;
        let mut value: toml::Value = parse_toml(&default)?;
        apply_env_overrides(&mut value, env, &default.display)?;
        let settings: Settings = deserialize(&default.display, value)?;

        let people_file = source.read(&settings.files.people)?;
        let people: PeopleFile = deserialize(&people_file.display, parse_toml(&people_file)?)?;
        check_people(&people_file.display, &people.people)?;

        let domains_file = source.read(&settings.files.domains)?;
        let domains: DomainsFile = deserialize(&domains_file.display, parse_toml(&domains_file)?)?;
        let (routing, owners) = check_domains(&domains_file.display, &domains, &people.people)?;
        let directory = Directory::new(people.people, owners);
        settings.discord.check(&default.display, &directory)?;

        let rules_file = source.read(&settings.files.classification)?;
        let rules: ClassificationFile = deserialize(&rules_file.display, parse_toml(&rules_file)?)?;
        let domain_ids: Vec<String> = domains.domains.iter().map(|d| d.id.clone()).collect();
        let rules = compile_rules(&rules_file.display, rules.rules, &domain_ids)?;

        let mut specs = Vec::new();
        for (stem, file) in source.command_files(&settings.commands_dir)? {
            let spec: CommandSpec = deserialize(&file.display, parse_toml(&file)?)?;
            specs.push((stem, file.display, spec));
        }
        let commands = CommandSet::build(specs, &domain_ids, handled)?;

        let sla_file = source.read(&settings.files.sla)?;
        let sla = SlaPolicy::from_toml_str(&sla_file.text, &sla_file.display)
            .and_then(|policy| policy.validate(&domain_ids).map(|()| policy))
            .map_err(|e| {
                let key = if e.key.is_empty() { "(file)".to_owned() } else { e.key };
                ConfigError::new(e.file, key, e.problem.to_string())
            })?;
        let digest = check_ops(&default.display, &settings.ops)?;
        check_timers(&default.display, &settings)?;
        settings.scheduler.check(&default.display)?;
        settings.web.check(&default.display)?;
        settings.storm.check(&default.display)?;
        outbound::check(
            &default.display,
            &settings.webhooks,
            &settings.voc,
            &settings.handoff,
            &settings.deliveries,
        )?;
        settings.voc.check(&default.display)?;
        settings.revisit.check(&default.display)?;
        let parts = match &settings.files.parts {
            Some(name) => {
                let file = source.read(name)?;
                crate::domain::parts::parse_catalogue(&file.text)
                    .map_err(|e| ConfigError::new(&file.display, format!("line {}", e.line), e.message))?
            }
            None => Vec::new(),
        };
        if let Some(url) = &settings.database_url
            && !["sqlite:", "postgres:", "postgresql:"].iter().any(|scheme| url.starts_with(scheme))
        {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(ConfigError::new(
                &default.display,
                "database_url",
                format!(
                    "`{}:` is not a database resolvd speaks; use sqlite://… or postgres://…",
                    crate::domain::text::elide(scheme, 40)
                ),
            ));
        }
        if !(1..=1000).contains(&settings.outbox.max_attempts) {
            return Err(ConfigError::new(
                &default.display,
                "outbox.max_attempts",
                format!("`{}` is out of range; use 1 to 1000", settings.outbox.max_attempts),
            ));
        }

        Ok(Config {
            source,
            settings,
            directory,
            domains: domains.domains,
            routing,
            rules,
            commands,
            sla,
            digest,
            parts,
        })
    }

    /// The folder of knowledge-base articles, when config names one and it is on disk (the
    /// built-in sample config has none: its articles are files to edit).
    pub fn kb_articles_dir(&self) -> Option<std::path::PathBuf> {
        match (&self.source, &self.settings.kb_dir) {
            (ConfigSource::Dir(dir), Some(kb)) => Some(dir.join(kb)),
            _ => None,
        }
    }

    pub fn domain_ids(&self) -> Vec<String> {
        self.domains.iter().map(|d| d.id.clone()).collect()
    }
}

fn parse_toml(file: &ConfigFile) -> Result<toml::Value, ConfigError> {
    file.text.parse::<toml::Table>().map(toml::Value::Table).map_err(|e| {
        let key = match e.span() {
            Some(span) => {
                let line = file.text[..span.start].matches('\n').count() + 1;
                format!("line {line}")
            }
            None => "(syntax)".to_owned(),
        };
        ConfigError::new(&file.display, key, e.message().trim().replace('\n', "; "))
    })
}

/// Deserializes with the path of the failing key in the error, e.g. `people[2].roles[0]`.
fn deserialize<T: DeserializeOwned>(file: &str, value: toml::Value) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e.path().to_string();
        let key = if key == "." { "(top level)".to_owned() } else { key };
        ConfigError::new(file, key, e.into_inner().to_string())
    })
}

/// The top-level keys of `default.toml` an environment variable may set.
const TOP_LEVEL_KEYS: &[&str] = &[
    "database_url",
    "commands_dir",
    "kb_dir",
    "files",
    "intake",
    "ops",
    "discord",
    "war_room",
    "confirmation",
    "scheduler",
    "outbox",
    "assignment",
    "kb",
    "retention",
    "web",
    "storm",
    "webhooks",
    "deliveries",
    "voc",
    "handoff",
    "revisit",
    "default_locale",
];

/// Sets `RESOLVD_A__B=v` as key `a.b`. Values are read as TOML when they parse (numbers, booleans,
/// arrays) and as strings otherwise. Only variables naming a top-level key of `default.toml` take
/// part, so unrelated `RESOLVD_…` variables (the data dir, test settings) are left alone.
fn apply_env_overrides(
    value: &mut toml::Value,
    env: impl IntoIterator<Item = (String, String)>,
    file: &str,
) -> Result<(), ConfigError> {
    /// Read as text whatever they look like.
    const TEXT_KEYS: &[&str] = &[
        "discord.token",
        "discord.api_base",
        "discord.shards",
        "database_url",
        "web.listen",
        "web.public_url",
        "voc.tracker.token",
        "voc.tracker.secret",
        "voc.tracker.repository",
        "voc.tracker.api_url",
        "voc.tracker.url",
        "handoff.sales.secret",
        "handoff.sales.url",
    ];
    // `DISCORD_TOKEN` is the usual name for a bot's token; `RESOLVD_DISCORD__TOKEN` wins over it.
    let mut env: Vec<(String, String)> = env.into_iter().collect();
    env.sort_by_key(|(name, _)| name != "DISCORD_TOKEN");
    for (name, raw) in env {
        let rest = match name.strip_prefix(ENV_PREFIX) {
            Some(rest) => rest,
            None if name == "DISCORD_TOKEN" => "DISCORD__TOKEN",
            None => continue,
        };
        let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        if !TOP_LEVEL_KEYS.contains(&path[0].as_str()) {
            continue;
        }
        let parsed = if TEXT_KEYS.contains(&path.join(".").as_str()) {
            toml::Value::String(raw.clone())
        } else {
            format!("v = {raw}")
                .parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(raw.clone()))
        };
        let mut node = &mut *value;
        for (depth, key) in path.iter().enumerate() {
            let table = node.as_table_mut().ok_or_else(|| {
                ConfigError::new(format!("{file} (via ${name})"), path[..depth].join("."), "is not a table")
            })?;
            if depth == path.len() - 1 {
                table.insert(key.clone(), parsed.clone());
                break;
            }
            node = table.entry(key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        }
    }
    Ok(())
}

fn check_ops(file: &str, ops: &OpsSettings) -> Result<Digest, ConfigError> {
    let at = chrono::NaiveTime::parse_from_str(&ops.digest_at, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(&ops.digest_at, "%H:%M:%S"))
        .map_err(|_| {
            ConfigError::new(file, "ops.digest_at", format!("`{}` is not a time; write HH:MM", ops.digest_at))
        })?;
    let time_zone = ops.time_zone.parse().map_err(|_| {
        ConfigError::new(
            file,
            "ops.time_zone",
            format!("`{}` is not a time zone; write an IANA name such as Asia/Shanghai", ops.time_zone),
        )
    })?;
    if ops.conversation.trim().is_empty() {
        return Err(ConfigError::new(file, "ops.conversation", "name the conversation digests go to"));
    }
    Ok(Digest { at, time_zone })
}

/// Every count and duration in `default.toml` within what makes sense, so no instant computed
/// from one can overflow and nothing sized by one can grow without end.
fn check_timers(file: &str, settings: &Settings) -> Result<(), ConfigError> {
    const YEAR_IN_MINUTES: u64 = 366 * 24 * 60;
    let confirmation = &settings.confirmation;
    let bounded: [(&str, u64, u64, &str); 9] = [
        (
            "war_room.reminder_minutes",
            settings.war_room.reminder_minutes.into(),
            YEAR_IN_MINUTES,
            "minutes (a year)",
        ),
        ("intake.max_per_minute", settings.intake.max_per_minute.into(), 100_000, "messages"),
        ("intake.title_chars", settings.intake.title_chars as u64, 500, "characters"),
        ("intake.quote_chars", settings.intake.quote_chars as u64, 10_000, "characters"),
        (
            "confirmation.remind_after_hours",
            confirmation.remind_after_hours.into(),
            366 * 24,
            "hours (a year)",
        ),
        (
            "confirmation.auto_confirm_after_days",
            confirmation.auto_confirm_after_days.into(),
            366,
            "days (a year)",
        ),
        (
            "confirmation.remind_after_minutes",
            confirmation.remind_after_minutes.unwrap_or(1).into(),
            YEAR_IN_MINUTES,
            "minutes (a year)",
        ),
        (
            "confirmation.auto_confirm_after_minutes",
            confirmation.auto_confirm_after_minutes.unwrap_or(1).into(),
            YEAR_IN_MINUTES,
            "minutes (a year)",
        ),
        ("intake.search_chars", settings.intake.search_chars as u64, 2_000, "characters"),
    ];
    for (key, value, most, unit) in bounded {
        if value == 0 {
            return Err(ConfigError::new(file, key, "must be at least 1"));
        }
        if value > most {
            return Err(ConfigError::new(
                file,
                key,
                format!("`{value}` is too large: at most {most} {unit}"),
            ));
        }
    }
    if confirmation.remind_after() >= confirmation.auto_confirm_after() {
        return Err(ConfigError::new(
            file,
            "confirmation.remind_after_hours",
            "the reminder must come before the ticket closes as auto-confirmed",
        ));
    }
    Ok(())
}

fn check_people(file: &str, people: &[Person]) -> Result<(), ConfigError> {
    let mut seen = HashSet::new();
    for (i, person) in people.iter().enumerate() {
        if person.id.trim().is_empty() || person.id.chars().any(char::is_whitespace) {
            return Err(ConfigError::new(file, format!("people[{i}].id"), "must be one word"));
        }
        if !seen.insert(person.id.as_str()) {
            return Err(ConfigError::new(
                file,
                format!("people[{i}].id"),
                format!("`{}` is listed twice", person.id),
            ));
        }
        if let Some(tz) = &person.time_zone
            && tz.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(ConfigError::new(
                file,
                format!("people[{i}].time_zone"),
                format!("`{tz}` is not a time zone; write an IANA name such as Europe/Berlin"),
            ));
        }
        if person.roles.contains(&Role::Engineer) && person.tier.is_none() {
            return Err(ConfigError::new(
                file,
                format!("people[{i}].tier"),
                format!("engineer `{}` needs a tier (L1, L2 or RnD)", person.id),
            ));
        }
    }
    Ok(())
}

type Owners = HashMap<String, Vec<String>>;

fn check_domains(
    file: &str,
    domains: &DomainsFile,
    people: &[Person],
) -> Result<(Routing, Owners), ConfigError> {
    let is_engineer = |id: &str| people.iter().any(|p| p.id == id && p.roles.contains(&Role::Engineer));
    for (i, member) in domains.triage.iter().enumerate() {
        if !is_engineer(member) {
            return Err(ConfigError::new(
                file,
                format!("triage[{i}]"),
                format!("`{member}` is not an engineer in people"),
            ));
        }
    }
    if domains.triage.is_empty() {
        return Err(ConfigError::new(file, "triage", "list at least one engineer"));
    }
    // Domain ids are the choices of `/classify domain:`; Discord takes at most 25, each 1 to 100
    // characters.
    const MAX_DOMAINS: usize = 25;
    if domains.domains.len() > MAX_DOMAINS {
        return Err(ConfigError::new(
            file,
            "domains",
            format!(
                "{} domains; at most {MAX_DOMAINS} (they are the choices of /classify domain:)",
                domains.domains.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut queues = HashMap::new();
    let mut owners = HashMap::new();
    for (i, domain) in domains.domains.iter().enumerate() {
        let id = &domain.id;
        let valid = (1..=100).contains(&id.chars().count())
            && !id
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || crate::domain::text::is_bidi_control(c))
            && !id.contains(['@', '<', '>', '#']);
        if !valid {
            return Err(ConfigError::new(
                file,
                format!("domains[{i}].id"),
                "must be 1 to 100 characters, one word, with no control characters, @, <, > or #",
            ));
        }
        if !seen.insert(domain.id.as_str()) {
            return Err(ConfigError::new(
                file,
                format!("domains[{i}].id"),
                format!("`{}` is listed twice", domain.id),
            ));
        }
        for (j, owner) in domain.owners.iter().enumerate() {
            if !people.iter().any(|p| &p.id == owner) {
                return Err(ConfigError::new(
                    file,
                    format!("domains[{i}].owners[{j}]"),
                    format!("`{owner}` is not in people"),
                ));
            }
        }
        for tier in [Tier::L1, Tier::L2, Tier::RnD] {
            let members = domain.queues.get(&tier).cloned().unwrap_or_default();
            if members.is_empty() {
                return Err(ConfigError::new(
                    file,
                    format!("domains[{i}].queues.{tier}"),
                    "no members; list at least one engineer so tickets can be routed and escalated",
                ));
            }
            for (j, member) in members.iter().enumerate() {
                if !is_engineer(member) {
                    return Err(ConfigError::new(
                        file,
                        format!("domains[{i}].queues.{tier}[{j}]"),
                        format!("`{member}` is not an engineer in people"),
                    ));
                }
            }
            queues.insert((domain.id.clone(), tier), members);
        }
        let leads = [
            ("leader", &domain.war_room.leader),
            ("market", &domain.war_room.market),
            ("manufacturing", &domain.war_room.manufacturing),
            ("service", &domain.war_room.service),
        ];
        for (role, person) in leads {
            if let Some(person) = person
                && !people.iter().any(|p| &p.id == person)
            {
                return Err(ConfigError::new(
                    file,
                    format!("domains[{i}].war_room.{role}"),
                    format!("`{person}` is not in people"),
                ));
            }
        }
        owners.insert(domain.id.clone(), domain.owners.clone());
    }
    Ok((Routing::new(queues, domains.triage.clone()), owners))
}

fn compile_rules(file: &str, defs: Vec<RuleDef>, domains: &[String]) -> Result<RuleSet, ConfigError> {
    let mut rules = Vec::with_capacity(defs.len());
    for (i, def) in defs.into_iter().enumerate() {
        let pattern = Regex::new(&def.pattern).map_err(|e| {
            ConfigError::new(file, format!("rules[{i}].pattern"), format!("not a valid regex: {e}"))
        })?;
        if let Some(domain) = &def.domain
            && !domains.contains(domain)
        {
            return Err(ConfigError::new(
                file,
                format!("rules[{i}].domain"),
                format!("`{domain}` is not a domain; the domains are {}", domains.join(", ")),
            ));
        }
        if def.severity == Some(Severity::S) {
            return Err(ConfigError::new(
                file,
                format!("rules[{i}].severity"),
                "S-level is confirmed by a domain owner, never set by a rule; use P1, P2 or P3",
            ));
        }
        if def.domain.is_none() && def.kind.is_none() && def.severity.is_none() {
            return Err(ConfigError::new(
                file,
                format!("rules[{i}]"),
                "sets nothing: give a domain, kind or severity",
            ));
        }
        rules.push(Rule { pattern, domain: def.domain, kind: def.kind, severity: def.severity });
    }
    Ok(RuleSet::new(rules))
}

#[cfg(test)]
mod tests {
    use super::TOP_LEVEL_KEYS;

    #[test]
    fn every_key_of_the_sample_default_toml_can_be_set_from_the_environment() {
        let sample: toml::Table = include_str!("../../config/default.toml").parse().unwrap();
        for key in sample.keys() {
            assert!(
                TOP_LEVEL_KEYS.contains(&key.as_str()),
                "RESOLVD_{}… would be ignored",
                key.to_uppercase()
            );
        }
    }
}
