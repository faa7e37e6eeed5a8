//! `/report`: files an S-level ticket's incident report; with the ticket closed, the room is
//! archived.

use async_trait::async_trait;

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
            return Err(Failure::User(format!(
                "the incident report of {} is filed already",
                ticket.reference
            )));
        }
        room.report = Some(report.clone());
        tx.save_war_room(&room).await?;
        engine.save(tx, ctx, &mut ticket, EventKind::IncidentReported { report: report.clone() }).await?;
        let mut body = format!(
            "Incident report for {}, filed by {}:\n{}",
            ticket.reference,
            ctx.actor,
            report.lines().join("\n")
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
            body.push_str(&format!("\nTimeline:\n{}", entries.join("\n")));
        }
        tx.enqueue_post(&room_post(ticket.reference, body.clone()), ctx.at).await?;
        tx.enqueue_post(&staff_post(&ticket, body, vec![], vec![]), ctx.at).await?;
        let archived = if ticket.is_closed() {
            let mut room = tx.war_room_for_update(ticket.reference).await?.unwrap_or(room);
            engine.archive_room(tx, ctx, &ticket, &mut room).await?;
            tx.save_war_room(&room).await?;
            "the war room is archived"
        } else {
            "the war room is archived when the ticket closes"
        };
        Ok(Outcome::public(
            format!("Incident report filed for {}; {archived}", ticket.reference),
            Some(ticket.reference),
        ))
    }
}
