//! `/voc accept item:V-n`: hands an open item to engineering (`voc.accepted`).

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::voc::VocStep;
use crate::engine::voc::voc_ref;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocAccept {
    item: String,
}

#[async_trait]
impl CommandHandler for VocAccept {
    const PATH: &'static str = "voc accept";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(VocAccept { item: required(args, Self::PATH, "item")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        engine.decide_voc(tx, ctx, voc_ref(&self.item)?, VocStep::Accept, None).await
    }
}
