//! `/kb search query:`: articles for everyone, resolved tickets for staff only.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome, text};
use crate::kb::Source;
use crate::store::StoreTx;

/// How much of a query a "nothing matches" reply repeats.
const ECHOED_CHARS: usize = 80;

/// How many hits `/kb search` shows.
const SEARCH_LIMIT: usize = 5;

pub struct KbSearch {
    query: String,
}

#[async_trait]
impl CommandHandler for KbSearch {
    const PATH: &'static str = "kb search";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(KbSearch { query: required(args, Self::PATH, "query")? })
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let query = text::prefix(&self.query, engine.config().settings.intake.search_chars);
        let kb = engine.knowledge_base()?;
        let staff = engine.people.is_staff(ctx.actor);
        // Tickets are written for engineers and may hold internal detail.
        let hits: Vec<_> = kb
            .search(query, SEARCH_LIMIT * 2)
            .map_err(anyhow::Error::from)?
            .into_iter()
            .filter(|hit| staff || hit.source == Source::Article)
            .take(SEARCH_LIMIT)
            .collect();
        if hits.is_empty() {
            let shown = text::title(query, ECHOED_CHARS);
            return Ok(Outcome::private(t!(ctx.locale, "kb-nothing", query = shown), None));
        }
        let lines: Vec<String> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| match hit.source {
                Source::Article => {
                    t!(
                        ctx.locale,
                        "kb-hit-article",
                        number = i + 1,
                        title = hit.title.as_str(),
                        id = hit.id.as_str()
                    )
                }
                Source::Ticket => {
                    t!(
                        ctx.locale,
                        "kb-hit-ticket",
                        number = i + 1,
                        title = hit.title.as_str(),
                        id = hit.id.as_str()
                    )
                }
            })
            .collect();
        Ok(Outcome::private(t!(ctx.locale, "kb-found", query = query, lines = lines.join("\n")), None))
    }
}
