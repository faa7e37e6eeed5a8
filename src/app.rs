//! Start-up shared by every subcommand: find the config, open the store, build the engine (and,
//! for Discord, the channel's memory over the same database).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::config::{Config, ConfigSource};
use crate::engine::Engine;
use crate::kb::KnowledgeBase;
use crate::store::discord::DiscordState;
use crate::store::{self, Store};

/// Whether this process writes the knowledge base (it serves chat, or an operator imports) or
/// only reads it beside a process that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KbAccess {
    Write,
    Read,
}

/// Where config is read and data kept.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `None`: `./config` when it exists, otherwise the sample config built into the binary.
    pub config: Option<PathBuf>,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn config_source(&self) -> ConfigSource {
        match &self.config {
            Some(dir) => ConfigSource::Dir(dir.clone()),
            None if Path::new("config/default.toml").is_file() => ConfigSource::Dir(PathBuf::from("config")),
            None => ConfigSource::Embedded,
        }
    }

    pub fn load_config(&self) -> anyhow::Result<Config> {
        Ok(Config::load(self.config_source(), std::env::vars())?)
    }

    /// The configured database, or a SQLite file in the data dir (which is created).
    pub fn database_url(&self, config: &Config) -> anyhow::Result<String> {
        if config.settings.database_url.is_none() {
            std::fs::create_dir_all(&self.data_dir)
                .with_context(|| format!("cannot create the data dir {}", self.data_dir.display()))?;
        }
        Ok(self.configured_database_url(config))
    }

    /// The configured database, or a SQLite file in the data dir, creating nothing.
    fn configured_database_url(&self, config: &Config) -> String {
        match &config.settings.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("resolvd.db").display()),
        }
    }

    /// The store, its schema brought up to date (the database created when it is a new SQLite file).
    pub async fn open_store(&self, config: &Config) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.database_url(config)?;
        store::open(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))
    }

    /// The store for an operator's read: never migrated, nothing created. A database that is not
    /// there, or whose schema is behind this build, is refused with an error naming `resolvd migrate`.
    pub async fn open_store_for_reading(&self, config: &Config) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.configured_database_url(config);
        store::open_current(&url).await.with_context(|| format!("cannot read the database {}", redact(&url)))
    }

    /// The knowledge base over the configured articles, its index in the data dir; `None` when
    /// config names no article folder or it is not there.
    pub fn open_knowledge_base(
        &self,
        config: &Config,
        access: KbAccess,
    ) -> anyhow::Result<Option<KnowledgeBase>> {
        let Some(articles) = config.kb_articles_dir().filter(|dir| dir.is_dir()) else {
            tracing::info!("no knowledge-base folder; answering without articles");
            return Ok(None);
        };
        let index = self.data_dir.join("kb-index");
        std::fs::create_dir_all(&index).with_context(|| format!("cannot create {}", index.display()))?;
        let progress = crate::kb::progress::terminal_or_log("indexing the knowledge base");
        let kb = match access {
            KbAccess::Write => KnowledgeBase::open_with_progress(&articles, &index, &progress),
            KbAccess::Read => KnowledgeBase::open_read_only(&articles, &index),
        };
        let kb = kb.map_err(|e| match e {
            // tantivy's lock file: another process (a running bot) holds the writer.
            crate::kb::KbError::Index(tantivy::TantivyError::LockFailure(..)) => anyhow::anyhow!(
                "the knowledge base in {} is being written by another resolvd process (a running bot?); \
                 stop it first",
                index.display()
            ),
            e => anyhow::Error::new(e)
                .context(format!("cannot open the knowledge base in {}", articles.display())),
        })?;
        Ok(Some(kb))
    }

    /// Config, store, knowledge base and engine, with messages a failure left untaken taken in:
    /// a process that serves chat.
    pub async fn start(&self) -> anyhow::Result<Arc<Engine>> {
        let config = self.load_config()?;
        let store = self.open_store(&config).await?;
        self.start_on(config, store, KbAccess::Write).await
    }

    /// An engine for an operator's one-off command beside a running bot: the knowledge base
    /// read-only, untaken messages left to the bot's job.
    pub async fn start_beside(&self) -> anyhow::Result<Arc<Engine>> {
        let config = self.load_config()?;
        let store = self.open_store(&config).await?;
        self.start_on(config, store, KbAccess::Read).await
    }

    /// As `start`, with the Discord channel's memory over the same database and pool.
    pub async fn start_with_discord_state(&self) -> anyhow::Result<(Arc<Engine>, Arc<dyn DiscordState>)> {
        let config = self.load_config()?;
        let url = self.database_url(&config)?;
        let (store, memory) = store::discord::open_with_discord_state(&url)
            .await
            .with_context(|| format!("cannot open the database {}", redact(&url)))?;
        Ok((self.start_on(config, store, KbAccess::Write).await?, memory))
    }

    async fn start_on(
        &self,
        config: Config,
        store: Arc<dyn Store>,
        access: KbAccess,
    ) -> anyhow::Result<Arc<Engine>> {
        let kb = self.open_knowledge_base(&config, access)?;
        // The indicators' rollups follow the ops time zone: built (or rebuilt, when the zone or
        // their format changed) before the process serves, then kept in step by every write.
        if access == KbAccess::Write {
            let zone = config.digest.time_zone;
            let started = std::time::Instant::now();
            if let Some(tickets) = store::prepare_indicator_rollups(store.as_ref(), zone)
                .await
                .context("cannot build the indicators' rollups")?
            {
                tracing::info!(tickets, zone = %zone, secs = started.elapsed().as_secs_f64(), "built the indicators' rollups");
            }
        }
        // The parts catalogue seeds the stock of parts new to the database; a part there already
        // keeps the stock it has moved to (README, "Spare parts").
        if access == KbAccess::Write && !config.parts.is_empty() {
            let seeded =
                store.seed_parts(&config.parts).await.context("cannot take in the parts catalogue")?;
            tracing::info!(added = seeded.added, updated = seeded.updated, "took in the parts catalogue");
        }
        let mut engine = Engine::new(store, Arc::new(config));
        if let Some(kb) = kb {
            engine = engine.with_knowledge_base(Arc::new(kb));
        }
        let engine = Arc::new(engine);
        // The shared knowledge base: what was published or resolved (here or on another
        // instance) since this index last followed it, before the process serves.
        if access == KbAccess::Write {
            let applied =
                engine.follow_knowledge_base().await.context("cannot follow the shared knowledge base")?;
            if applied > 0 {
                tracing::info!(applied, "took in the shared knowledge base's documents");
            }
        }
        // A process beside the bot leaves them to the bot's `untaken_messages` job.
        if access == KbAccess::Write {
            let untaken = engine.take_in_untaken().await?;
            if untaken > 0 {
                tracing::info!(untaken, "took in messages stored before a failure");
            }
            // Tickets from before migration 0025 get the SLA marks the digest reads, once.
            let marked =
                engine.mark_sla_facts(chrono::Utc::now()).await.context("cannot mark the SLA clocks")?;
            if marked > 0 {
                tracing::info!(marked, "computed the SLA marks of tickets from before migration 0025");
            }
        }
        // Start-up's reads (rollups over every ticket, the knowledge base) are done with.
        crate::memory::release_freed();
        Ok(engine)
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redact("sqlite://data/resolvd.db"), "sqlite://data/resolvd.db");
    }
}
