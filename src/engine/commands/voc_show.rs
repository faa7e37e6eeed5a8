//! `/voc show item:V-n`: one voice-of-customer item with its suggestions, privately.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::Msg;
use crate::engine::voc::{show_text, voc_ref};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocShow {
    item: String,
}

#[async_trait]
impl CommandHandler for VocShow {
    const PATH: &'static str = "voc show";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(VocShow { item: required(args, Self::PATH, "item")? })
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let item = voc_ref(&self.item)?;
        let found = engine
            .store()
            .voc_item(item)
            .await?
            .ok_or_else(|| Failure::Says(Msg::new("voc-no-such-item").shown("item", item)))?;
        Ok(Outcome::private(show_text(&found, ctx.locale), None))
    }
}
