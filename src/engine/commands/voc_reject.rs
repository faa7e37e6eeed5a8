//! `/voc reject item:V-n reason:…`: rejects an open item; each customer asking is told why.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::voc::VocStep;
use crate::engine::voc::voc_ref;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocReject {
    item: String,
    reason: String,
}

#[async_trait]
impl CommandHandler for VocReject {
    const PATH: &'static str = "voc reject";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(VocReject {
            item: required(args, Self::PATH, "item")?,
            reason: required(args, Self::PATH, "reason")?,
        })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        engine.decide_voc(tx, ctx, voc_ref(&self.item)?, VocStep::Reject, Some(&self.reason)).await
    }
}
