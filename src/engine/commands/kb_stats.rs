//! `/kb stats`: the articles by use (offered, solved, cited by staff) and their authors, privately.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome, kb_stats};
use crate::store::StoreTx;

/// How many articles the chat reply lists; `resolvd kb stats` lists them all.
const SHOWN: usize = 15;

pub struct KbStats;

#[async_trait]
impl CommandHandler for KbStats {
    const PATH: &'static str = "kb stats";

    fn parse(_args: &Args) -> Result<Self, UsageError> {
        Ok(KbStats)
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let kb = engine.knowledge_base()?;
        let stats = kb_stats(engine.store().as_ref(), Some(kb)).await?;
        Ok(Outcome::private(stats.render(SHOWN, ctx.locale), None))
    }
}
