//! `/classify [domain] [kind] [severity] [reason]`: a new domain re-routes the ticket.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{Classification, EventKind, Severity, TicketRef, assigned_by_hand};
use crate::engine::{Ctx, Engine, Failure, Outcome, person_post, text};
use crate::store::StoreTx;

pub struct Classify {
    ticket: Option<TicketRef>,
    change: Classification,
    reason: Option<String>,
    reroute: bool,
}

#[async_trait]
impl CommandHandler for Classify {
    const PATH: &'static str = "classify";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Classify {
            ticket: args.ticket(),
            change: Classification {
                domain: optional(args, "domain"),
                kind: args.parsed("kind"),
                severity: args.parsed("severity"),
            },
            reason: optional(args, "reason"),
            reroute: optional(args, "reroute").is_some_and(|v| v == "true"),
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let change = &self.change;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        if change.severity == Some(Severity::S) {
            return Err(Failure::user(t!(ctx.locale, "classify-not-s")));
        }
        let domain_changed = change.domain.is_some() && change.domain != ticket.domain;
        ticket.classify(change)?;
        // A hand-picked owner keeps the ticket through a change of domain unless asked otherwise.
        let kept_by_hand = domain_changed
            && !self.reroute
            && ticket.assignee.is_some()
            && assigned_by_hand(&tx.timeline(ticket.reference).await?);
        let mut rerouted = None;
        if domain_changed
            && !kept_by_hand
            && let Some(Some(next)) = engine.route_unless_member(tx, &ticket, ticket.tier).await?
        {
            ticket.assignee = Some(next.clone());
            rerouted = Some(next);
        }
        let kind = EventKind::Classified {
            domain: change.domain.clone(),
            kind: change.kind,
            severity: change.severity,
            reason: self.reason.clone(),
            assignee: rerouted.clone(),
        };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        let to_sales = change.kind.is_some() && engine.kind_set(tx, ctx, &mut ticket).await?;
        if let Some(assignee) = &rerouted {
            let notice = t!(
                engine.locale_of(assignee, None, None),
                "notice-moved-to-queue",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                title = ticket.title.as_str()
            );
            tx.enqueue_post(&person_post(&ticket, assignee, notice), ctx.at).await?;
        }
        let mut reply = t!(
            ctx.locale,
            "classify-done",
            ticket = ticket.reference.to_string(),
            summary = text::summary(&ticket, ctx.locale)
        );
        if kept_by_hand && let Some(owner) = &ticket.assignee {
            reply.push_str(&t!(ctx.locale, "classify-kept", owner = owner));
        }
        if let Some(next) = &rerouted {
            reply.push_str(&t!(ctx.locale, "classify-rerouted", next = next));
        }
        if to_sales {
            reply.push_str(&t!(ctx.locale, "classify-handed-to-sales"));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }
}
