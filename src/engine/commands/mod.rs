//! Chat commands, one module each, beside their definitions in `commands/*.toml`. Each module
//! has a parse step (checked arguments to a typed value, no I/O) and a handle step (the command's
//! effect inside the transaction that claims it). The registry maps a definition's path to its
//! module; `Config::load` refuses a definition without a handler and a handler without one.

mod assign;
mod claim;
mod classify;
mod close;
mod customer;
mod dashboard;
mod escalate;
mod help;
mod invite;
mod kb_add;
mod kb_cite;
mod kb_edit;
mod kb_gaps;
mod kb_publish;
mod kb_search;
mod kb_stats;
mod link;
mod move_message;
mod note;
mod parts_request;
mod parts_return;
mod parts_ship;
mod queue;
mod reopen;
mod reply;
mod report;
mod resolve;
mod severity;
mod sla;
mod stats;
mod status;
mod ticket;
mod timeline;
mod unassign;
mod update;
mod voc_accept;
mod voc_link;
mod voc_list;
mod voc_reject;
mod voc_ship;
mod voc_show;
mod wait;

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{Ctx, Engine, Failure, Outcome};
use crate::command::{Args, UsageError};
use crate::store::StoreTx;

/// A chat command: one leaf of a definition in `commands/` (`classify`, or `kb search`).
#[async_trait]
pub trait CommandHandler: Sized + Send + Sync + 'static {
    /// The definition's path: its name, then its subcommand's (`kb search`).
    const PATH: &'static str;

    /// The typed command from arguments its definition has checked.
    fn parse(args: &Args) -> Result<Self, UsageError>;

    /// The command's effect, written in `tx`, which commits only when this returns `Ok`.
    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure>;

    /// Work that must wait until the transaction has committed; not run for a repeated command.
    async fn committed(&self, _engine: &Engine, _outcome: &Outcome) {}
}

/// A command parsed and waiting to run.
#[async_trait]
pub(super) trait Parsed: Send + Sync {
    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure>;
    async fn committed(&self, engine: &Engine, outcome: &Outcome);
}

#[async_trait]
impl<H: CommandHandler> Parsed for H {
    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        CommandHandler::handle(self, engine, tx, ctx).await
    }

    async fn committed(&self, engine: &Engine, outcome: &Outcome) {
        CommandHandler::committed(self, engine, outcome).await;
    }
}

type Parser = fn(&Args) -> Result<Box<dyn Parsed>, UsageError>;

fn parser<H: CommandHandler>(args: &Args) -> Result<Box<dyn Parsed>, UsageError> {
    Ok(Box::new(H::parse(args)?))
}

/// The handled commands by path.
#[derive(Clone, Default)]
pub struct CommandRegistry {
    parsers: BTreeMap<&'static str, Parser>,
}

impl CommandRegistry {
    /// Every command resolvd ships.
    pub fn builtin() -> CommandRegistry {
        CommandRegistry::default()
            .with::<assign::Assign>()
            .with::<claim::Claim>()
            .with::<classify::Classify>()
            .with::<close::Close>()
            .with::<customer::CustomerCard>()
            .with::<dashboard::Dashboard>()
            .with::<escalate::Escalate>()
            .with::<help::Help>()
            .with::<invite::Invite>()
            .with::<kb_add::KbAdd>()
            .with::<kb_cite::KbCite>()
            .with::<kb_edit::KbEdit>()
            .with::<kb_gaps::KbGaps>()
            .with::<kb_publish::KbPublish>()
            .with::<kb_search::KbSearch>()
            .with::<kb_stats::KbStats>()
            .with::<link::Link>()
            .with::<move_message::MoveMessage>()
            .with::<note::Note>()
            .with::<parts_request::PartsRequest>()
            .with::<parts_return::PartsReturn>()
            .with::<parts_ship::PartsShip>()
            .with::<queue::Queue>()
            .with::<reopen::Reopen>()
            .with::<reply::Reply>()
            .with::<report::Report>()
            .with::<resolve::Resolve>()
            .with::<severity::SeverityCommand>()
            .with::<sla::Sla>()
            .with::<stats::Stats>()
            .with::<status::Status>()
            .with::<ticket::OpenTicket>()
            .with::<timeline::Timeline>()
            .with::<unassign::Unassign>()
            .with::<update::Update>()
            .with::<voc_accept::VocAccept>()
            .with::<voc_link::VocLink>()
            .with::<voc_list::VocList>()
            .with::<voc_reject::VocReject>()
            .with::<voc_ship::VocShip>()
            .with::<voc_show::VocShow>()
            .with::<wait::Wait>()
    }

    /// Adds a command (replacing any registered at the same path).
    pub fn with<H: CommandHandler>(mut self) -> CommandRegistry {
        self.parsers.insert(H::PATH, parser::<H>);
        self
    }

    /// The handled paths, for `Config::load_handling` to check the definitions against.
    pub fn paths(&self) -> Vec<&'static str> {
        self.parsers.keys().copied().collect()
    }

    pub(super) fn parse(&self, path: &str, args: &Args) -> Result<Box<dyn Parsed>, UsageError> {
        let parse = self
            .parsers
            .get(path)
            .ok_or_else(|| UsageError(format!("there is no /{path} command; /help lists the commands")))?;
        parse(args)
    }
}

/// The text of a required option; its definition marks it required, so a missing one is a
/// definition that does not match its handler.
pub(super) fn required(args: &Args, path: &str, key: &str) -> Result<String, UsageError> {
    args.text(key)
        .map(str::to_owned)
        .ok_or_else(|| UsageError(format!("/{path} needs {key}:… (its definition must mark it required)")))
}

pub(super) fn optional(args: &Args, key: &str) -> Option<String> {
    args.text(key).map(str::to_owned)
}
