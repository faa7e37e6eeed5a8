//! The command line: `resolvd [--config DIR] [--data-dir DIR] [COMMAND]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::io::BufReader;

use crate::app::{KbAccess, Paths};
use crate::chat;
use crate::chat::console::Console;
use crate::domain::TicketRef;
use crate::inspect;
use crate::scheduler::Scheduler;
use crate::store::{Resend, StatusFilter, TicketFilter};

#[derive(Debug, Parser)]
#[command(name = "resolvd", version, about = "A chat-bot driven ticket orchestrator (Issue to Resolved)")]
pub struct Cli {
    /// Config folder [default: ./config, or the built-in sample config when there is none]
    #[arg(long, global = true, value_name = "DIR")]
    pub config: Option<PathBuf>,
    /// Where data is kept (the default SQLite database)
    #[arg(long, global = true, value_name = "DIR", env = "RESOLVD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the orchestrator (the default): Discord when a bot token is configured, else the console
    Run,
    /// Chat on the console, interactively or from a script of `USER: TEXT` lines
    Chat {
        /// A script to read instead of the terminal; `-` reads standard input
        #[arg(long, value_name = "FILE")]
        script: Option<String>,
    },
    /// Check the config and the command definitions
    Check,
    /// Bring the database schema up to date
    Migrate,
    /// Look at tickets
    Ticket {
        #[command(subcommand)]
        action: TicketCmd,
    },
    /// Look at voice-of-customer items (customers' suggestions a product manager decides)
    Voc {
        #[command(subcommand)]
        action: VocCmd,
    },
    /// The customer registry: import it from CSV, look a customer up
    Customers {
        #[command(subcommand)]
        action: CustomersCmd,
    },
    /// Search and maintain the knowledge base
    Kb {
        #[command(subcommand)]
        action: KbCmd,
    },
    /// Scheduled jobs (the SLA sweep, the daily digest)
    Jobs {
        #[command(subcommand)]
        action: JobsCmd,
    },
    /// Posts waiting to be sent, and dead letters (posts the chat platform would not take)
    Outbox {
        #[command(subcommand)]
        action: OutboxCmd,
    },
    /// Outbound deliveries (webhooks, the VOC tracker, sales): waiting, dead letters, resend
    Webhooks {
        #[command(subcommand)]
        action: WebhooksCmd,
    },
    /// Spare parts: stock, reservations and reorder levels
    Parts {
        #[command(subcommand)]
        action: PartsCmd,
    },
    /// Print a sign-in link to the dashboard for a staff member (it works once, for 10 minutes)
    LoginLink {
        /// The person's id in people.toml
        #[arg(long, value_name = "ID")]
        person: String,
    },
    /// API tokens for tools: the REST API and /metrics (Authorization: Bearer TOKEN)
    Token {
        #[command(subcommand)]
        action: TokenCmd,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartsCmd {
    /// Every part: free stock, reserved for tickets, reorder level (LOW when below it)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add delivered stock to a part (the catalogue's stock seeds only parts new to the database)
    Restock {
        /// The part's code, as `parts list` shows it
        part: String,
        /// How many arrived
        #[arg(value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
        qty: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token speaking for a staff member, printed once
    Create {
        /// The person's id in people.toml: the token may do what they may
        #[arg(long, value_name = "ID")]
        person: String,
        /// What the token is for (e.g. grafana)
        #[arg(long, value_name = "NAME", default_value = "api")]
        name: String,
    },
    /// Tokens issued, revoked ones included (never the tokens themselves)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it stops working at once
    Revoke {
        /// The token's id, as `token list` shows it
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCmd {
    /// Posts not sent yet, oldest first
    List {
        /// Only dead letters: posts that will not be tried again until resent
        #[arg(long)]
        dead: bool,
        #[arg(long)]
        json: bool,
    },
    /// The backlog: posts waiting to be sent, dead letters, and how long the oldest has waited
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Send posts again now, their attempts counted from zero
    Retry {
        /// The post's id, as `outbox list` shows it
        #[arg(value_name = "ID", required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every dead letter
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCmd {
    /// Deliveries not delivered yet (waiting for a try, and dead letters), oldest first
    List {
        /// Only dead letters: deliveries not tried again until resent
        #[arg(long, conflicts_with = "all")]
        dead: bool,
        /// Delivered ones as well
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Try a delivery again now (a dead letter, or one waiting for its next try), its tries
    /// counted from zero
    Resend {
        /// The delivery's id, as `webhooks list` shows it
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum CustomersCmd {
    /// Add or update customers from a CSV file (columns: id, name, organisation, tier,
    /// warranty_until, discord_ids, email, account_owner, and optionally locale)
    Import {
        /// The registry file; a customer already there (by id) is updated
        file: PathBuf,
    },
    /// One customer's card: organisation, tier, warranty, their last five tickets
    Show {
        /// Their id in the registry, or a chat name (discord:1234)
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KbCmd {
    /// Articles and resolved tickets, best match first
    Search {
        /// What to look for, in English or Chinese
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Copy a folder of articles into the knowledge base and index them
    Import {
        /// A folder of Markdown articles with front matter
        dir: PathBuf,
    },
    /// Rebuild the search index from the article files and the shared knowledge base
    Reindex,
    /// Print an article of the shared knowledge base (published with /kb publish) as Markdown
    Show {
        /// The article's id, e.g. ticket-t-12
        id: String,
    },
    /// Articles by use (offered, solved, cited by staff), most used first, and their authors
    Stats {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsCmd {
    /// Run every job that is due at that instant, once, and exit
    RunOnce {
        /// The instant to run at: RFC 3339 (2026-11-23T09:00:00+08:00), or a local time without an
        /// offset (2026-11-23 09:00), read in the ops time zone [default: now]
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Allow a --now more than a minute ahead of the clock: it claims those ticks and moves
        /// alarms on the live database, so the running bot will not run them again
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum VocCmd {
    /// One item with its suggestions and customers, times in the ops time zone
    Show {
        /// The item, as V-3
        item: String,
        #[arg(long)]
        json: bool,
    },
    /// Items, oldest first
    List {
        /// Only items with this status: open, accepted, rejected or shipped
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TicketCmd {
    /// One ticket with its timeline, times in the ops time zone
    Show {
        /// The ticket, as T-12
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Tickets, oldest first
    List {
        /// Only tickets with this status (new, waiting_customer, resolved, closed), or `open`:
        /// every status but closed
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Only tickets assigned to this person (their id in people.toml)
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        /// Only tickets of this domain (its id in domains.toml)
        #[arg(long, value_name = "ID")]
        domain: Option<String>,
        /// At most this many tickets (a page; the next starts with --after the last one shown)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
        limit: Option<i64>,
        /// Only tickets after this one, as T-12
        #[arg(long, value_name = "T-N")]
        after: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths { config: cli.config, data_dir: cli.data_dir };
    match cli.command.unwrap_or(Cmd::Run) {
        Cmd::Run => run_channel(&paths).await,
        Cmd::Chat { script } => chat(&paths, script).await,
        Cmd::Check => {
            let config = paths.load_config()?;
            println!(
                "config is valid ({}): {} domains, {} classification rules, {} commands, SLA targets for {} domains",
                config.source.describe(),
                config.domains.len(),
                config.rules.len(),
                config.commands.iter().count(),
                config.sla.domains().count()
            );
            for warning in config.warnings() {
                println!("warning: {warning}");
            }
            // The database as it is: `check` migrates nothing and creates no file.
            match paths.open_store_for_reading(&config).await {
                Ok(_) => println!("database schema is up to date"),
                Err(e) => println!("warning: {}", crate::domain::text::clean(&format!("{e:#}"))),
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate => {
            let config = paths.load_config()?;
            paths.open_store(&config).await?;
            println!("database schema is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Customers { action } => customers(&paths, action).await,
        Cmd::Kb { action } => kb(&paths, action).await,
        Cmd::Outbox { action } => outbox(&paths, action).await,
        Cmd::Webhooks { action } => webhooks(&paths, action).await,
        Cmd::Ticket { action } => ticket(&paths, action).await,
        Cmd::Voc { action } => voc(&paths, action).await,
        Cmd::Jobs { action: JobsCmd::RunOnce { now, force } } => run_once(&paths, now, force).await,
        Cmd::LoginLink { person } => login_link(&paths, &person).await,
        Cmd::Token { action } => token(&paths, action).await,
        Cmd::Parts { action } => parts(&paths, action).await,
    }
}

/// The person's staff roles in people.toml, or why they get no access to the cockpit.
fn staff_person(config: &crate::config::Config, person: &str) -> anyhow::Result<()> {
    let mut roles = config.directory.configured_roles(person);
    roles.remove(&crate::domain::Role::Customer);
    if roles.is_empty() {
        let shown = crate::domain::text::clean(&crate::domain::text::elide(person, 64));
        anyhow::bail!("{shown} is not staff in people.toml: only staff get a sign-in link or a token");
    }
    Ok(())
}

/// `login-link --person ID`: the same link `/dashboard` gives in chat.
async fn login_link(paths: &Paths, person: &str) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    staff_person(&config, person)?;
    let base = match (&config.settings.web.public_url, config.settings.web.listen_addr()) {
        (Some(url), _) => url.clone(),
        (None, Some(addr)) => format!("http://{addr}"),
        (None, None) => {
            anyhow::bail!("the web server is off (web.listen is empty): there is nothing to sign in to")
        }
    };
    let store = paths.open_store(&config).await?;
    let signer = crate::access::Signer::load(&*store).await?;
    println!("{}", signer.login_link(&base, person, chrono::Utc::now()));
    eprintln!("resolvd: the link works once, for {} minutes", crate::access::LINK_MINUTES);
    Ok(ExitCode::SUCCESS)
}

async fn token(paths: &Paths, action: TokenCmd) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    let store = paths.open_store(&config).await?;
    match action {
        TokenCmd::Create { person, name } => {
            staff_person(&config, &person)?;
            let name = crate::domain::text::one_line(&crate::domain::text::elide(&name, 64));
            let (token, hash) = crate::access::new_api_token();
            let id = store.create_api_token(&person, &name, &hash, chrono::Utc::now()).await?;
            println!("{token}");
            eprintln!(
                "resolvd: token {id} for {person} ({name}); it is shown only now, keep it somewhere safe"
            );
        }
        TokenCmd::List { json } => {
            let tokens = store.api_tokens().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else if tokens.is_empty() {
                println!("no tokens");
            } else {
                for t in &tokens {
                    let state = t
                        .revoked_at
                        .map_or_else(|| "live".to_owned(), |at| format!("revoked {}", at.to_rfc3339()));
                    println!(
                        "{:>4}  {:<16} {:<16} created {}  {state}",
                        t.id,
                        chat::render::terminal_safe(&t.person),
                        chat::render::terminal_safe(&t.name),
                        t.created_at.to_rfc3339()
                    );
                }
            }
        }
        TokenCmd::Revoke { id } => {
            if !store.revoke_api_token(id, chrono::Utc::now()).await? {
                eprintln!("resolvd: there is no live token {id} (see resolvd token list)");
                return Ok(ExitCode::FAILURE);
            }
            println!("token {id} is revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `ticket show|list`: reads only, from a database already migrated.
async fn ticket(paths: &Paths, action: TicketCmd) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    match action {
        TicketCmd::Show { reference, json } => {
            let reference: TicketRef = reference.parse()?;
            let store = paths.open_store_for_reading(&config).await?;
            let sla = inspect::SlaAt {
                policy: &config.sla,
                now: chrono::Utc::now(),
                zone: config.digest.time_zone,
            };
            match inspect::ticket_view(&*store, sla, reference).await? {
                Some(view) if json => println!("{}", serde_json::to_string_pretty(&view)?),
                Some(view) => print!("{}", inspect::ticket_text(&view, config.digest.time_zone)),
                None => {
                    eprintln!("resolvd: there is no ticket {reference}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        TicketCmd::List { status, assignee, domain, limit, after, json } => {
            let status = status.map(|s| s.parse::<StatusFilter>()).transpose().map_err(anyhow::Error::msg)?;
            let after = after
                .map(|a| a.parse::<TicketRef>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("--after takes a ticket, as T-12"))?;
            let filter = TicketFilter { status, assignee, domain, after, limit, ..TicketFilter::default() };
            let store = paths.open_store_for_reading(&config).await?;
            let sla = inspect::SlaAt {
                policy: &config.sla,
                now: chrono::Utc::now(),
                zone: config.digest.time_zone,
            };
            let views = inspect::ticket_list(&*store, sla, &filter).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                for view in &views {
                    println!("{}", inspect::ticket_line(view));
                }
            }
            if let (Some(limit), Some(last)) = (limit, views.last())
                && views.len() as i64 == limit
            {
                eprintln!("resolvd: {limit} shown; the next page: --after {}", last.ticket.reference);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `voc show|list`: reads only, from a database already migrated.
async fn voc(paths: &Paths, action: VocCmd) -> anyhow::Result<ExitCode> {
    use crate::domain::voc::{VocRef, VocStatus};
    use inspect::voc::{VocView, voc_line, voc_text};
    let config = paths.load_config()?;
    match action {
        VocCmd::Show { item, json } => {
            let item: VocRef = item.parse()?;
            let store = paths.open_store_for_reading(&config).await?;
            match store.voc_item(item).await?.map(VocView::from) {
                Some(view) if json => println!("{}", serde_json::to_string_pretty(&view)?),
                Some(view) => print!("{}", voc_text(&view, config.digest.time_zone)),
                None => {
                    eprintln!("resolvd: there is no voice-of-customer item {item}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        VocCmd::List { status, json } => {
            let status = status
                .map(|s| s.parse::<VocStatus>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("--status takes open, accepted, rejected or shipped"))?;
            let store = paths.open_store_for_reading(&config).await?;
            let views: Vec<VocView> =
                store.voc_items(status, i64::MAX).await?.into_iter().map(VocView::from).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                for view in &views {
                    println!("{}", voc_line(view));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `customers import|show`: importing writes (and migrates first); showing only reads.
async fn customers(paths: &Paths, action: CustomersCmd) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    let now = chrono::Utc::now();
    match action {
        CustomersCmd::Import { file } => {
            let store = paths.open_store(&config).await?;
            let progress = crate::kb::progress::terminal_or_log("importing customers");
            let report = crate::registry::import_file(&*store, &config.sla, &file, now, &progress).await?;
            for (line, reason) in &report.refused {
                println!("  line {line}: refused, {}", chat::render::terminal_safe(reason));
            }
            for tier in &report.tiers_without_targets {
                println!("  note: sla.toml has no customer_tiers.{tier}: its customers get the base targets");
            }
            if report.retiered > 0 {
                let tickets = crate::domain::text::count(report.retiered, "open ticket", "open tickets");
                println!("  {tickets} took their customer's new tier");
            }
            println!("{}", report.summary(&file));
            if !report.refused.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        CustomersCmd::Show { id, json } => {
            let store = paths.open_store_for_reading(&config).await?;
            let customer = match store.customer(&id).await? {
                Some(customer) => Some(customer),
                None => store.customer_of(&id).await?,
            };
            let Some(customer) = customer else {
                let shown = crate::domain::text::clean(&crate::domain::text::elide(&id, 64));
                eprintln!("resolvd: {shown} is not in the customer registry (see resolvd customers import)");
                return Ok(ExitCode::FAILURE);
            };
            let today = now.with_timezone(&config.digest.time_zone).date_naive();
            let warranty = crate::domain::Warranty::of(Some(&customer), today);
            let tickets =
                store.customer_history(&customer.id, None, crate::engine::CUSTOMER_CARD_TICKETS).await?;
            if json {
                let view = serde_json::json!({
                    "customer": customer,
                    "warranty": warranty,
                    "tickets": tickets,
                });
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                let card = crate::engine::customer_card_text(
                    &customer,
                    warranty,
                    &tickets,
                    config.settings.default_locale,
                );
                println!("{}", chat::render::terminal_safe(&card));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `parts list` reads the database as it is; `parts restock` adds to a part's stock.
async fn parts(paths: &Paths, action: PartsCmd) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    match action {
        PartsCmd::List { json } => {
            let store = paths.open_store_for_reading(&config).await?;
            let parts = store.parts().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&parts)?);
            } else if parts.is_empty() {
                println!("no parts (config names no catalogue, or no serving resolvd has read it yet)");
            } else {
                println!(
                    "{:<12} {:>8} {:>8} {:>8} {:>10}  name",
                    "part", "stock", "reserved", "reorder", "unit cost"
                );
                for p in &parts {
                    let low = if p.stock < p.reorder_level { "  LOW" } else { "" };
                    println!(
                        "{:<12} {:>8} {:>8} {:>8} {:>10}  {}{low}",
                        chat::render::terminal_safe(&p.part),
                        p.stock,
                        p.reserved,
                        p.reorder_level,
                        p.unit_cost.to_string(),
                        chat::render::terminal_safe(&p.name)
                    );
                }
            }
        }
        PartsCmd::Restock { part, qty } => {
            let store = paths.open_store(&config).await?;
            match store.restock_part(&part, qty).await? {
                Some(p) => println!(
                    "{}: {} in stock ({} reserved)",
                    chat::render::terminal_safe(&p.part),
                    p.stock,
                    p.reserved
                ),
                None => {
                    let shown = chat::render::terminal_safe(&crate::domain::text::elide(&part, 64));
                    eprintln!("resolvd: there is no part {shown} (see resolvd parts list)");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `jobs run-once`: every job due at `now`, then what they posted.
async fn run_once(paths: &Paths, now: Option<String>, force: bool) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    let clock = chrono::Utc::now();
    let now = match now {
        Some(text) => parse_instant(&text, config.digest.time_zone).map_err(anyhow::Error::msg)?,
        None => clock,
    };
    if now > clock + chrono::Duration::minutes(1) && !force {
        eprintln!(
            "resolvd: --now {} is ahead of the clock ({}): running the jobs then claims those ticks and moves \
             alarms on the live database; add --force if that is meant (a trial, a test database)",
            now.to_rfc3339(),
            clock.to_rfc3339()
        );
        return Ok(ExitCode::FAILURE);
    }
    let engine = paths.start_beside().await?;
    let store = engine.store().clone();
    let scheduler = Scheduler::new(engine)?;
    let before = store.last_post_id().await?;
    let mut status = ExitCode::SUCCESS;
    for run in scheduler.run_due(now).await? {
        let tick = run.tick.to_rfc3339();
        match (run.summary, run.failed) {
            (Some(summary), _) => println!("{} (tick {tick}): {summary}", run.job),
            (None, Some(failed)) => {
                println!(
                    "{} (tick {tick}): FAILED, runs again next time: {}",
                    run.job,
                    crate::domain::text::clean(&failed)
                );
                status = ExitCode::FAILURE;
            }
            (None, None) => println!("{} (tick {tick}): already run", run.job),
        }
    }
    // Every job enqueues at `now`: posts after the newest before the run, at that instant, are
    // this run's (not those a bot running beside it enqueued meanwhile).
    let posts = store.posts_enqueued_at(before, now).await?;
    match posts.len() {
        0 => println!("posted nothing"),
        1 => println!("posted 1:"),
        n => println!("posted {n}:"),
    }
    for enqueued in &posts {
        println!("  {}", inspect::post_line(&enqueued.post));
    }
    Ok(status)
}

/// `--now`: an RFC 3339 instant, or a local time without an offset (`2026-11-23 09:00`, seconds
/// optional, `T` or a space between date and time) read in `zone`. A time the clocks skip (the
/// change to summer time) is an error; a time they pass twice is the earlier.
pub fn parse_instant(text: &str, zone: chrono_tz::Tz) -> Result<chrono::DateTime<chrono::Utc>, String> {
    use chrono::TimeZone;
    if let Ok(instant) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(instant.to_utc());
    }
    let shown = crate::domain::text::elide(text, 64);
    let local = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            format!(
                "--now `{shown}` is not a time: write 2026-11-23T09:00:00+08:00, or 2026-11-23 09:00 in the ops \
                 time zone ({zone})"
            )
        })?;
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(at) => Ok(at.to_utc()),
        chrono::LocalResult::Ambiguous(earlier, _) => Ok(earlier.to_utc()),
        chrono::LocalResult::None => Err(format!(
            "--now `{shown}` does not exist in {zone}: the clocks skip it (the change to summer time); \
             give a time outside the gap, or an offset"
        )),
    }
}

async fn outbox(paths: &Paths, action: OutboxCmd) -> anyhow::Result<ExitCode> {
    /// Enough for any backlog an operator reads on a terminal; `--json` takes the same.
    const LISTED: i64 = 10_000;
    let config = paths.load_config()?;
    // Listing reads the database as it is; resending writes, so it brings the schema up first.
    let store = match action {
        OutboxCmd::List { .. } | OutboxCmd::Stats { .. } => paths.open_store_for_reading(&config).await?,
        OutboxCmd::Retry { .. } => paths.open_store(&config).await?,
    };
    match action {
        OutboxCmd::List { dead, json } => {
            let views: Vec<inspect::UnsentView> =
                store.unsent_posts(dead, LISTED).await?.into_iter().map(Into::into).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else if views.is_empty() {
                println!("{}", if dead { "no dead letters" } else { "nothing waiting to be sent" });
            } else {
                for view in &views {
                    println!("{}", chat::render::terminal_safe(&inspect::unsent_line(view)));
                }
            }
        }
        OutboxCmd::Stats { json } => {
            let now = chrono::Utc::now();
            let backlog = store.unsent_post_count().await?;
            let dead = store.dead_letter_count().await?;
            let oldest = store.oldest_unsent_post_at().await?;
            let waited = oldest.map(|at| (now - at).num_seconds().max(0));
            if json {
                let stats = serde_json::json!({
                    "backlog": backlog,
                    "dead_letters": dead,
                    "oldest_unsent_at": oldest,
                    "oldest_unsent_secs": waited,
                });
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                let age = waited.map_or_else(String::new, |secs| format!("; the oldest has waited {secs} s"));
                println!(
                    "{} waiting to be sent{age}; {}",
                    crate::domain::text::count(backlog as u64, "post", "posts"),
                    crate::domain::text::count(dead as u64, "dead letter", "dead letters")
                );
            }
        }
        OutboxCmd::Retry { id, all } => {
            let which = match id {
                Some(id) if !all => Resend::One(id),
                _ => Resend::AllDead,
            };
            let resent = store.resend_posts(which, chrono::Utc::now()).await?;
            match which {
                Resend::One(id) if resent == 0 => {
                    eprintln!("resolvd: there is no unsent post #{id} (see resolvd outbox list)");
                    return Ok(ExitCode::FAILURE);
                }
                Resend::One(id) => println!("post #{id} is sent again by the running bot"),
                Resend::AllDead => println!("{resent} dead letters are sent again by the running bot"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn webhooks(paths: &Paths, action: WebhooksCmd) -> anyhow::Result<ExitCode> {
    use crate::store::deliveries::DeliveryFilter;
    /// Enough for any backlog an operator reads on a terminal; `--json` takes the same.
    const LISTED: i64 = 10_000;
    let config = paths.load_config()?;
    match action {
        WebhooksCmd::List { dead, all, json } => {
            let store = paths.open_store_for_reading(&config).await?;
            let filter = match (dead, all) {
                (true, _) => DeliveryFilter::Dead,
                (false, true) => DeliveryFilter::All,
                (false, false) => DeliveryFilter::Undelivered,
            };
            let views: Vec<inspect::DeliveryView> =
                store.deliveries(filter, LISTED).await?.into_iter().map(Into::into).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else if views.is_empty() {
                println!("{}", if dead { "no dead letters" } else { "nothing waiting to be delivered" });
            } else {
                for view in &views {
                    println!("{}", chat::render::terminal_safe(&inspect::delivery_line(view)));
                }
            }
        }
        WebhooksCmd::Resend { id } => {
            let store = paths.open_store(&config).await?;
            if !store.resend_delivery(id, chrono::Utc::now()).await? {
                eprintln!("resolvd: there is no undelivered delivery #{id} (see resolvd webhooks list)");
                return Ok(ExitCode::FAILURE);
            }
            println!("delivery #{id} is tried again by the running resolvd");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Each article `kb import` took becomes a row of the shared knowledge base (its own transaction),
/// so every instance's index follows it, not only this data dir's.
async fn share_imported_articles(
    store: &std::sync::Arc<dyn crate::store::Store>,
    report: &[crate::kb::ImportedFile],
) -> anyhow::Result<()> {
    use crate::store::kb::KbDocKind;
    use anyhow::Context;
    for file in report {
        let crate::kb::FileOutcome::Imported(id) = &file.outcome else { continue };
        let markdown = std::fs::read_to_string(&file.path)
            .with_context(|| format!("reading {} again to share it", file.path.display()))?;
        let mut tx = store.begin().await?;
        tx.put_kb_document(KbDocKind::Article, id.as_str(), &markdown, chrono::Utc::now()).await?;
        tx.commit().await?;
    }
    Ok(())
}

async fn kb(paths: &Paths, action: KbCmd) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    if let KbCmd::Show { id } = &action {
        let store = paths.open_store_for_reading(&config).await?;
        let Some(article) = store.kb_document(crate::store::kb::KbDocKind::Article, id).await? else {
            eprintln!("resolvd: no article `{id}` was published in the shared knowledge base");
            return Ok(ExitCode::FAILURE);
        };
        print!("{}", article.body);
        return Ok(ExitCode::SUCCESS);
    }
    if let KbCmd::Stats { json } = action {
        let store = paths.open_store_for_reading(&config).await?;
        let kb = paths.open_knowledge_base(&config, KbAccess::Read)?;
        let stats = crate::engine::kb_stats(store.as_ref(), kb.as_ref()).await?;
        match json {
            true => println!("{}", serde_json::to_string_pretty(&stats)?),
            false => println!("{}", stats.render(usize::MAX, crate::domain::Locale::En)),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let access = match action {
        KbCmd::Search { .. } | KbCmd::Stats { .. } | KbCmd::Show { .. } => KbAccess::Read,
        KbCmd::Import { .. } | KbCmd::Reindex => KbAccess::Write,
    };
    let Some(kb) = paths.open_knowledge_base(&config, access)? else {
        anyhow::bail!("config names no knowledge-base folder (kb_dir), or it is not there");
    };
    let kb = std::sync::Arc::new(kb);
    match action {
        KbCmd::Search { query, limit, json } => {
            let hits = kb.search(&query, limit)?;
            if json {
                #[derive(serde::Serialize)]
                struct JsonHit<'a> {
                    id: &'a str,
                    title: &'a str,
                    source: &'a str,
                    score: f32,
                }
                let hits: Vec<JsonHit> = hits
                    .iter()
                    .map(|hit| JsonHit {
                        id: &hit.id,
                        title: &hit.title,
                        source: hit.source.as_str(),
                        score: hit.score,
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&hits)?);
            } else if hits.is_empty() {
                println!("no match for “{query}”");
            } else {
                for hit in hits {
                    println!("{:>7.2}  {:<7}  {:<32}  {}", hit.score, hit.source.as_str(), hit.id, hit.title);
                }
            }
        }
        KbCmd::Import { dir } => {
            // An article of a domain config does not know would be offered for no ticket's domain;
            // one without a domain is offered in every domain.
            let known: Vec<&str> = config.domains.iter().map(|d| d.id.as_str()).collect();
            let accept = |article: &crate::kb::Article| {
                let domain = article.domain.as_deref()?;
                (!known.contains(&domain)).then(|| {
                    format!("domain `{domain}` is not in domains.toml (known: {})", known.join(", "))
                })
            };
            let progress = crate::kb::progress::terminal_or_log("importing articles");
            let report = kb.import_each(&dir, &accept, &progress)?;
            share_imported_articles(&paths.open_store(&config).await?, &report).await?;
            let imported =
                report.iter().filter(|f| matches!(f.outcome, crate::kb::FileOutcome::Imported(_))).count();
            let refused = report.len() - imported;
            let mut summary = format!(
                "imported {} from {}",
                crate::domain::text::count(imported as u64, "article", "articles"),
                dir.display()
            );
            if refused > 0 {
                summary.push_str(&format!(
                    "; refused {}",
                    crate::domain::text::count(refused as u64, "file", "files")
                ));
            }
            println!("{summary}");
            for file in &report {
                match &file.outcome {
                    crate::kb::FileOutcome::Imported(id) => {
                        println!("  imported {} as {id}", file.path.display())
                    }
                    crate::kb::FileOutcome::Refused(reason) => println!("  refused  {reason}"),
                }
            }
            if refused > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        KbCmd::Reindex => {
            let progress = crate::kb::progress::terminal_or_log("reindexing");
            kb.rebuild_with_progress(&progress)?;
            // The build starts from the files; the shared knowledge base's documents follow.
            let store = paths.open_store(&config).await?;
            crate::engine::follow_knowledge_base(store.as_ref(), &kb).await?;
            println!("reindexed {} documents", kb.len());
        }
        // Answered above, before the knowledge base is required.
        KbCmd::Stats { .. } | KbCmd::Show { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Discord when a token is configured, the console otherwise.
async fn run_channel(paths: &Paths) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    if config.settings.discord.token().is_none() {
        return chat(paths, None).await;
    }
    let (engine, memory) = paths.start_with_discord_state().await?;
    let ticking = Ticking::start(engine.clone())?;
    let web = Serving::start(engine.clone(), true).await?;
    eprintln!("resolvd: serving Discord at {}", config.settings.discord.api_base());
    let served = crate::chat::discord::serve(engine, memory, shutdown_signal()).await;
    ticking.stop().await;
    web.stop().await;
    served?;
    Ok(ExitCode::SUCCESS)
}

/// The scheduler ticking, the delivery sender sending, and freed memory handed back
/// (`memory::release_freed_until`), in the background of a long-running mode (`run`, `chat`).
struct Ticking {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Ticking {
    fn start(engine: std::sync::Arc<crate::engine::Engine>) -> anyhow::Result<Ticking> {
        let store = engine.store().clone();
        let config = std::sync::Arc::new(engine.config().clone());
        let sender = crate::webhooks::Sender::new(store, config)?;
        let scheduler = Scheduler::new(engine.clone())?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let ticking = until_stopped(stopped.clone());
        let sending = until_stopped(stopped.clone());
        let following = until_stopped(stopped.clone());
        let trimming = until_stopped(stopped);
        let tasks = vec![
            tokio::spawn(async move { scheduler.run_until(ticking).await }),
            tokio::spawn(async move { sender.run_until(sending).await }),
            tokio::spawn(async move { engine.follow_knowledge_base_until(following).await }),
            tokio::spawn(crate::memory::release_freed_until(trimming)),
        ];
        Ok(Ticking { stop, tasks })
    }

    /// Stops between ticks and between deliveries' passes: a job or a pass already running
    /// finishes first.
    async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// The web server (dashboard, API, metrics) beside a long-running mode, when `web.listen` is set.
struct Serving {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Serving {
    async fn start(engine: std::sync::Arc<crate::engine::Engine>, gateway: bool) -> anyhow::Result<Serving> {
        let Some(listener) = crate::web::bind(&engine).await? else {
            return Ok(Serving { stop: None, task: None });
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = crate::web::serve(engine, listener, gateway, shutdown).await {
                tracing::error!(error = %format!("{e:#}"), "the web server stopped");
            }
        });
        Ok(Serving { stop: Some(stop), task: Some(task) })
    }

    async fn stop(self) {
        if let Some(stop) = self.stop {
            let _ = stop.send(());
        }
        if let Some(task) = self.task {
            let _ = task.await;
        }
    }
}

async fn chat(paths: &Paths, script: Option<String>) -> anyhow::Result<ExitCode> {
    let engine = paths.start().await?;
    // The scheduler ticks beside the console for as long as it runs, and the cockpit is served.
    let ticking = Ticking::start(engine.clone())?;
    let web = Serving::start(engine.clone(), false).await?;
    let stdout = std::io::stdout();
    let summary = match script {
        None => {
            let started = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
            println!(
                "resolvd console. Type USER: TEXT, e.g. `alice: my screen flickers` or `bob: /help`; Ctrl-D quits."
            );
            let mut console = Console::new(engine, stdout.lock(), format!("tty:{started}"), false);
            console.run(BufReader::new(tokio::io::stdin()), shutdown_signal()).await?
        }
        Some(name) if name == "-" => {
            let mut console = Console::new(engine, stdout.lock(), "script:stdin".to_owned(), true);
            console.run(BufReader::new(tokio::io::stdin()), shutdown_signal()).await?
        }
        Some(path) => {
            let file = tokio::fs::File::open(&path)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read the script {path}: {e}"))?;
            let name = std::path::Path::new(&path)
                .file_name()
                .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
            let mut console = Console::new(engine, stdout.lock(), format!("script:{name}"), true);
            console.run(BufReader::new(file), shutdown_signal()).await?
        }
    };
    ticking.stop().await;
    web.stop().await;
    if summary.already_handled > 0 {
        let lines = crate::domain::text::count(summary.already_handled as u64, "line was", "lines were");
        eprintln!("resolvd: {lines} taken in by an earlier run and changed nothing");
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM: finish the line in hand, then stop.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::parse_instant;
    use chrono_tz::Tz;

    fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn now_takes_an_offset_or_a_local_time_in_the_ops_time_zone() {
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(parse_instant("2026-11-23T09:00:00+08:00", shanghai), Ok(utc("2026-11-23T01:00:00Z")));
        assert_eq!(parse_instant("2026-11-23T09:00:00Z", shanghai), Ok(utc("2026-11-23T09:00:00Z")));
        for local in
            ["2026-11-23 09:00", "2026-11-23T09:00", "2026-11-23 09:00:00", "2026-11-23T09:00:00.000"]
        {
            assert_eq!(parse_instant(local, shanghai), Ok(utc("2026-11-23T01:00:00Z")), "{local}");
        }
        assert_eq!(parse_instant("2026-11-23 09:00:30", shanghai), Ok(utc("2026-11-23T01:00:30Z")));
        let bad = parse_instant("tomorrow", shanghai).unwrap_err();
        assert!(bad.contains("not a time") && bad.contains("Asia/Shanghai"), "{bad}");
    }

    #[test]
    fn a_skipped_local_time_is_an_error_and_a_doubled_one_the_earlier() {
        let new_york: Tz = "America/New_York".parse().unwrap();
        let gap = parse_instant("2027-03-14 02:30", new_york).unwrap_err();
        assert!(gap.contains("does not exist in America/New_York"), "{gap}");
        // 01:30 comes twice on 2027-11-07: first in summer time (UTC-4).
        assert_eq!(parse_instant("2027-11-07 01:30", new_york), Ok(utc("2027-11-07T05:30:00Z")));
    }
}
