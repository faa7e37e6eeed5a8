//! `/queue [view:mine|all|at-risk] [domain:…] [q:…] [page:N]`: open tickets, ten a page, each
//! with its next deadline; the same filters as the dashboard's queue and `GET /api/v1/tickets`.

use async_trait::async_trait;

use crate::domain::Msg;
use crate::t;

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
    /// What is wrong with the options, said in the reader's language when the command runs.
    wrong: Option<Msg>,
    view: View,
    domain: Option<String>,
    q: Option<String>,
    page: i64,
}

#[async_trait]
impl CommandHandler for Queue {
    const PATH: &'static str = "queue";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let mut wrong = None;
        let view = match optional(args, "view").as_deref() {
            None | Some("mine") => View::Mine,
            Some("all") => View::All,
            Some("at-risk") => View::AtRisk,
            Some(other) => {
                let shown = crate::domain::text::elide(other, 40);
                wrong = Some(Msg::new("queue-bad-view").arg("view", shown));
                View::Mine
            }
        };
        let page = args.parsed::<i64>("page").unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            wrong = wrong.or(Some(Msg::new("queue-bad-page").arg("page", page)));
        }
        let q = optional(args, "q").map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
        Ok(Queue { wrong, view, domain: optional(args, "domain"), q, page })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        if let Some(wrong) = &self.wrong {
            return Err(Failure::Says(wrong.clone()));
        }
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
        let locale = ctx.locale;
        let what = match self.view {
            View::Mine => t!(locale, "queue-mine"),
            View::All => t!(locale, "queue-all"),
            View::AtRisk => t!(locale, "queue-at-risk"),
        };
        if shown.is_empty() {
            return Ok(Outcome::private(
                if self.page == 1 {
                    t!(locale, "queue-empty", what = what)
                } else {
                    t!(locale, "queue-no-page", what = what, page = self.page)
                },
                None,
            ));
        }
        let mut lines = vec![t!(locale, "queue-page", what = what, page = self.page)];
        for (ticket, _) in &shown {
            let deadline =
                match engine.clock_states_in(tx, ticket, ctx.at).await.map_err(anyhow::Error::from)? {
                    None => t!(locale, "queue-no-sla"),
                    Some(states) => next_deadline(engine, &states, locale),
                };
            lines.push(format!(
                "{} {} · {} · {}",
                ticket.reference,
                crate::engine::text::title(&ticket.title, 60),
                crate::engine::text::labels(ticket, locale),
                deadline
            ));
        }
        if more {
            lines.push(t!(locale, "queue-more", page = self.page + 1));
        }
        Ok(Outcome::private(lines.join("\n"), None))
    }
}

/// The earliest deadline still ahead, or that one has passed.
fn next_deadline(
    engine: &Engine,
    states: &[crate::domain::sla::ClockState],
    locale: crate::domain::Locale,
) -> String {
    let running = states.iter().filter(|s| !s.stopped);
    let clock = |kind| crate::i18n::text(locale, &clock_of(kind));
    if let Some(breached) = running.clone().find(|s| s.reading.breached) {
        return t!(locale, "queue-breached", clock = clock(breached.kind));
    }
    match running.filter_map(|s| s.reading.due.map(|due| (due, s))).min_by_key(|(due, _)| *due) {
        Some((due, state)) => {
            t!(locale, "queue-due", clock = clock(state.kind), due = engine.local_in(due, locale))
        }
        None => t!(locale, "queue-paused"),
    }
}

/// A clock's name within a line: `first response`, `L2 OLA`.
fn clock_of(kind: crate::domain::sla::ClockKind) -> crate::domain::Msg {
    use crate::domain::sla::ClockKind;
    let msg = crate::domain::Msg::new("clock-name-lower");
    match kind {
        ClockKind::Response => msg.arg("kind", "response").arg("tier", ""),
        ClockKind::Resolution => msg.arg("kind", "resolution").arg("tier", ""),
        ClockKind::Ola(tier) => msg.arg("kind", "ola").shown("tier", tier),
    }
}
