//! `/queue [view:mine|all|at-risk] [domain:…] [q:…] [page:N]`: open tickets, ten a page, each
//! with its next deadline; the same filters as the dashboard's queue and `GET /api/v1/tickets`.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::{StatusFilter, StoreTx, TicketFilter};

/// Tickets per page.
const PAGE: usize = 10;
/// The most pages a person can walk: beyond, a filter says more than paging does.
const MAX_PAGE: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Mine,
    All,
    AtRisk,
}

pub struct Queue {
    view: View,
    domain: Option<String>,
    q: Option<String>,
    page: i64,
}

#[async_trait]
impl CommandHandler for Queue {
    const PATH: &'static str = "queue";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let view = match optional(args, "view").as_deref() {
            None | Some("mine") => View::Mine,
            Some("all") => View::All,
            Some("at-risk") => View::AtRisk,
            Some(other) => {
                return Err(UsageError(format!(
                    "view:{} is not a view; use mine, all or at-risk",
                    crate::domain::text::elide(other, 40)
                )));
            }
        };
        let page = args.parsed::<i64>("page").unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(UsageError(format!("page:{page} is out of range; pages start at 1")));
        }
        let q = optional(args, "q").map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
        Ok(Queue { view, domain: optional(args, "domain"), q, page })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let filter = TicketFilter {
            status: Some(StatusFilter::NotClosed),
            assignee: (self.view == View::Mine).then(|| ctx.actor.to_owned()),
            domain: self.domain.clone(),
            alarm_before: (self.view == View::AtRisk).then(|| TicketFilter::at_risk_before(ctx.at)),
            text: self.q.as_deref().map(|q| crate::domain::text::prefix(q, 200).to_owned()),
            // One more than a page tells whether there is a next one.
            limit: Some(self.page * PAGE as i64 + 1),
            ..TicketFilter::default()
        };
        let rows = engine.store().queue(&filter).await.map_err(anyhow::Error::from)?;
        let skip = (self.page as usize - 1) * PAGE;
        let more = rows.len() > skip + PAGE;
        let shown: Vec<_> = rows.into_iter().skip(skip).take(PAGE).collect();
        let what = match self.view {
            View::Mine => "Your open tickets",
            View::All => "Open tickets",
            View::AtRisk => "Open tickets with a deadline or warning within the hour",
        };
        if shown.is_empty() {
            return Ok(Outcome::private(
                if self.page == 1 {
                    format!("{what}: none.")
                } else {
                    format!("{what}: no page {}.", self.page)
                },
                None,
            ));
        }
        let mut lines = vec![format!("{what} (page {}):", self.page)];
        for (ticket, _) in &shown {
            let deadline =
                match engine.clock_states_in(tx, ticket, ctx.at).await.map_err(anyhow::Error::from)? {
                    None => "no SLA yet".to_owned(),
                    Some(states) => next_deadline(engine, &states),
                };
            lines.push(format!(
                "{} {} · {} · {}",
                ticket.reference,
                crate::engine::text::title(&ticket.title, 60),
                crate::engine::text::labels(ticket),
                deadline
            ));
        }
        if more {
            lines.push(format!("More: /queue page:{}", self.page + 1));
        }
        Ok(Outcome::private(lines.join("\n"), None))
    }
}

/// The earliest deadline still ahead, or that one has passed.
fn next_deadline(engine: &Engine, states: &[crate::domain::sla::ClockState]) -> String {
    let running = states.iter().filter(|s| !s.stopped);
    if let Some(breached) = running.clone().find(|s| s.reading.breached) {
        return format!("{} BREACHED", breached.kind.describe());
    }
    match running.filter_map(|s| s.reading.due.map(|due| (due, s))).min_by_key(|(due, _)| *due) {
        Some((due, state)) => format!("{} due {}", state.kind.describe(), engine.local(due)),
        None => "clocks paused".to_owned(),
    }
}
