//! `/kb gaps`: groups of three or more resolved tickets with alike resolutions that no article
//! covers, each with the `/kb add` that turns one of them into an article.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome, text_kb};
use crate::store::StoreTx;

/// How many groups the reply lists.
const SHOWN: usize = 10;

pub struct KbGaps;

#[async_trait]
impl CommandHandler for KbGaps {
    const PATH: &'static str = "kb gaps";

    fn parse(_args: &Args) -> Result<Self, UsageError> {
        Ok(KbGaps)
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let kb = engine.knowledge_base()?.clone();
        let found = engine.knowledge_gaps(&kb).await?;
        let gaps = found.gaps;
        if gaps.is_empty() {
            return Ok(Outcome::private(text_kb::gaps_none(found.checked, ctx.locale), None));
        }
        let mut lines = vec![text_kb::gaps_header(gaps.len(), ctx.locale)];
        for (i, gap) in gaps.iter().take(SHOWN).enumerate() {
            let tickets: Vec<String> = gap.tickets.iter().map(ToString::to_string).collect();
            lines.push(text_kb::gap_line(i + 1, &tickets, &gap.resolution, &gap.shortcut, ctx.locale));
        }
        Ok(Outcome::private(lines.join("\n"), None))
    }
}
