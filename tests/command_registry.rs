//! A command is a definition in `commands/` and a handler registered by path: adding one touches
//! no central `match`. The toy `/tally` counts an engineer's tallies on a ticket's timeline.

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use common::{Driver, TestDb, copy_dir, reply, repo_path};
use resolvd::command::{Args, UsageError};
use resolvd::config::{Config, ConfigSource};
use resolvd::domain::{Event, EventKind, TicketRef};
use resolvd::engine::commands::{CommandHandler, CommandRegistry};
use resolvd::engine::{Ctx, Engine, Failure, Outcome};
use resolvd::store::StoreTx;

on_both_databases!(a_toy_command_runs_from_its_definition_and_handler_alone);

const TALLY_TOML: &str = r#"
name = "tally"
description = "Count one on a ticket"
roles = ["engineer"]

[[options]]
name = "ticket"
type = "ticket"
required = true
description = "The ticket, as T-12"

[[options]]
name = "what"
type = "string"
required = true
description = "What is counted"
"#;

struct Tally {
    ticket: TicketRef,
    what: String,
}

#[async_trait]
impl CommandHandler for Tally {
    const PATH: &'static str = "tally";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let ticket = args.ticket().ok_or_else(|| UsageError("/tally needs ticket:T-n".to_owned()))?;
        let what = args.text("what").unwrap_or_default().to_owned();
        Ok(Tally { ticket, what })
    }

    async fn handle(
        &self,
        _engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let ticket =
            tx.ticket_for_update(self.ticket).await?.ok_or_else(|| Failure::user("no such ticket"))?;
        let counted = tx
            .timeline(ticket.reference)
            .await?
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::Note { text } if text.starts_with("tally: ")))
            .count();
        let note = EventKind::Note { text: format!("tally: {}", self.what) };
        tx.append_event(&Event {
            ticket: Some(ticket.reference),
            actor: ctx.actor.to_owned(),
            at: ctx.at,
            kind: note,
        })
        .await?;
        Ok(Outcome::private(
            format!("{} tallies on {}", counted + 1, ticket.reference),
            Some(ticket.reference),
        ))
    }
}

/// The sample config with `/tally` defined beside the shipped commands.
fn config_dir_with_tally() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_path("config"), &dir.path().join("config"));
    copy_dir(&repo_path("commands"), &dir.path().join("commands"));
    std::fs::write(dir.path().join("commands/tally.toml"), TALLY_TOML).unwrap();
    dir
}

async fn a_toy_command_runs_from_its_definition_and_handler_alone(db: &TestDb) {
    let dir = config_dir_with_tally();
    let source = ConfigSource::Dir(dir.path().join("config"));
    let commands = CommandRegistry::builtin().with::<Tally>();
    let config = Config::load_handling(source, std::iter::empty(), &commands.paths()).unwrap();
    let d = Driver::with_engine(Engine::new(db.store.clone(), Arc::new(config)).with_commands(commands));

    d.message("alice", "my screen flickers").await;
    assert_eq!(reply(&d.command("bob", "tally ticket:T-1 what:flicker").await), "1 tallies on T-1");
    assert_eq!(reply(&d.command("bob", "tally ticket:T-1 what:again").await), "2 tallies on T-1");
    // The definition's roles and options hold for the toy as for every command.
    assert_eq!(
        reply(&d.command("alice", "tally ticket:T-1 what:me").await),
        "/tally is for engineers; you are a customer"
    );
    assert!(reply(&d.command("bob", "tally what:nothing").await).contains("ticket"));
    // A replay is claimed like any command: nothing is counted twice.
    d.command_with_id("bob", "tally ticket:T-1 what:once", "replayed").await;
    assert!(d.command_with_id("bob", "tally ticket:T-1 what:once", "replayed").await.duplicate);
    let tallies = d
        .store()
        .timeline(TicketRef(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(&e.kind, EventKind::Note { text } if text.starts_with("tally: ")))
        .count();
    assert_eq!(tallies, 3);
    // `/help` lists it from its definition.
    assert!(reply(&d.command("bob", "help").await).contains("/tally ticket: what: — Count one on a ticket"));
}

#[test]
fn a_toy_definition_without_its_handler_stops_start_up() {
    let dir = config_dir_with_tally();
    let source = ConfigSource::Dir(dir.path().join("config"));
    let error = Config::load(source, std::iter::empty()).unwrap_err().to_string();
    assert!(error.contains("tally.toml: name: no handler for /tally"), "{error}");
}

#[test]
fn a_toy_handler_without_its_definition_stops_start_up() {
    let source = ConfigSource::Dir(repo_path("config"));
    let commands = CommandRegistry::builtin().with::<Tally>();
    let error = Config::load_handling(source, std::iter::empty(), &commands.paths()).unwrap_err().to_string();
    assert!(error.contains("tally.toml: /tally has a handler but no definition file"), "{error}");
}
