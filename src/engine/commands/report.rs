//! `/report`: files an S-level ticket's incident report; with the ticket closed, the room is
//! archived.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, IncidentReport, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, room_post, staff_post};
use crate::store::StoreTx;

pub struct Report {
    ticket: Option<TicketRef>,
    report: IncidentReport,
}

#[async_trait]
impl CommandHandler for Report {
    const PATH: &'static str = "report";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let report = IncidentReport::parse(|key| args.text(key)).map_err(UsageError)?;
        Ok(Report { ticket: args.ticket(), report })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let report = &self.report;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let mut room = engine.open_room(tx, &ticket, "/report").await?;
        if room.report.is_some() {
            return Err(Failure::User(t!(
                ctx.locale,
                "report-already",
                ticket = ticket.reference.to_string()
            )));
        }
        room.report = Some(report.clone());
        tx.save_war_room(&room).await?;
        engine.save(tx, ctx, &mut ticket, EventKind::IncidentReported { report: report.clone() }).await?;
        let shared = engine.shared_locale();
        let mut body = t!(
            shared,
            "report-body",
            ticket = ticket.reference.to_string(),
            actor = ctx.actor,
            lines = report.lines().join("\n")
        );
        // The report carries the incident's timeline, as the room recorded it.
        let entries: Vec<String> = tx
            .timeline(ticket.reference)
            .await?
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TimelineEntry { text, .. } => {
                    Some(format!("- {} {}: {text}", engine.local(e.at), e.actor))
                }
                _ => None,
            })
            .collect();
        if !entries.is_empty() {
            body.push('\n');
            body.push_str(&t!(shared, "report-timeline", entries = entries.join("\n")));
        }
        tx.enqueue_post(&room_post(ticket.reference, body.clone()), ctx.at).await?;
        tx.enqueue_post(&staff_post(&ticket, body, vec![], vec![]), ctx.at).await?;
        let archived = if ticket.is_closed() {
            let mut room = tx.war_room_for_update(ticket.reference).await?.unwrap_or(room);
            engine.archive_room(tx, ctx, &ticket, &mut room).await?;
            tx.save_war_room(&room).await?;
            t!(ctx.locale, "report-archived")
        } else {
            t!(ctx.locale, "report-archived-later")
        };
        Ok(Outcome::public(
            t!(ctx.locale, "report-done", ticket = ticket.reference.to_string(), archived = archived),
            Some(ticket.reference),
        ))
    }
}
