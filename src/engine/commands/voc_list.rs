//! `/voc list [status]`: the voice-of-customer items, oldest first, privately.

use async_trait::async_trait;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::domain::voc::VocStatus;
use crate::engine::voc::{LISTED, list_text};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocList {
    status: Option<VocStatus>,
}

#[async_trait]
impl CommandHandler for VocList {
    const PATH: &'static str = "voc list";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(VocList { status: args.parsed("status") })
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let mut items = engine.store().voc_items(self.status, LISTED + 1).await?;
        let more = items.len() as i64 > LISTED;
        items.truncate(LISTED as usize);
        Ok(Outcome::private(list_text(&items, self.status, more, ctx.locale), None))
    }
}
