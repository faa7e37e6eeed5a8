//! `/severity level: [reason]`: S is a request a domain owner confirms, never set directly.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Severity, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct SeverityCommand {
    ticket: Option<TicketRef>,
    level: Severity,
    reason: Option<String>,
}

#[async_trait]
impl CommandHandler for SeverityCommand {
    const PATH: &'static str = "severity";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let level =
            args.parsed("level").ok_or_else(|| UsageError(format!("/{} needs level:…", Self::PATH)))?;
        Ok(SeverityCommand { ticket: args.ticket(), level, reason: optional(args, "reason") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let level = self.level;
        if level == Severity::S {
            let reason = self.reason.clone().unwrap_or_else(|| "raised with /severity".to_owned());
            return engine.request_s(tx, ctx, ticket, &reason).await;
        }
        let from = ticket.set_severity(level)?;
        let kind = EventKind::SeverityChanged { from, to: level, reason: self.reason.clone() };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let done =
            t!(ctx.locale, "severity-done", ticket = ticket.reference.to_string(), level = level.to_string());
        Ok(Outcome::public(done, Some(ticket.reference)))
    }
}
