//! The command line: `resolvd [--config DIR] [--data-dir DIR] [COMMAND]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::io::BufReader;

use crate::app::Paths;
use crate::chat::console::Console;
use crate::domain::{Status, TicketRef};
use crate::inspect;

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
}

#[derive(Debug, Subcommand)]
pub enum TicketCmd {
    /// One ticket with its timeline
    Show {
        /// The ticket, as T-12
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Tickets, oldest first
    List {
        /// Only tickets with this status (new, open, waiting_customer, resolved, closed)
        #[arg(long)]
        status: Option<String>,
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
                "config is valid ({}): {} domains, {} classification rules, {} commands",
                config.source.describe(),
                config.domains.len(),
                config.rules.len(),
                config.commands.iter().count()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate => {
            let config = paths.load_config()?;
            paths.open_store(&config).await?;
            println!("database schema is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Ticket { action } => {
            let config = paths.load_config()?;
            let store = paths.open_store(&config).await?;
            match action {
                TicketCmd::Show { reference, json } => {
                    let reference: TicketRef = reference.parse()?;
                    match inspect::ticket_view(&*store, reference).await? {
                        Some(view) if json => println!("{}", serde_json::to_string_pretty(&view)?),
                        Some(view) => print!("{}", inspect::ticket_text(&view)),
                        None => {
                            eprintln!("resolvd: there is no ticket {reference}");
                            return Ok(ExitCode::FAILURE);
                        }
                    }
                }
                TicketCmd::List { status, json } => {
                    let status = status
                        .map(|s| s.parse::<Status>().map_err(|_| anyhow::anyhow!("`{s}` is not a status; use one of new, open, waiting_customer, resolved, closed")))
                        .transpose()?;
                    let views = inspect::ticket_list(&*store, status).await?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&views)?);
                    } else {
                        for view in &views {
                            println!("{}", inspect::ticket_line(view));
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Discord when a token is configured, the console otherwise.
async fn run_channel(paths: &Paths) -> anyhow::Result<ExitCode> {
    let config = paths.load_config()?;
    if config.settings.discord.token().is_none() {
        return chat(paths, None).await;
    }
    let engine = paths.start().await?;
    eprintln!("resolvd: serving Discord at {}", config.settings.discord.api_base());
    crate::chat::discord::serve(engine, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn chat(paths: &Paths, script: Option<String>) -> anyhow::Result<ExitCode> {
    let engine = paths.start().await?;
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
    if summary.already_handled > 0 {
        eprintln!(
            "resolvd: {} lines were taken in by an earlier run and changed nothing",
            summary.already_handled
        );
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
