//! `/voc ship item:V-n note:…`: an accepted item shipped; each customer asking is told and asked
//! for feedback.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::voc::VocStep;
use crate::engine::voc::voc_ref;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocShip {
    item: String,
    note: String,
}

#[async_trait]
impl CommandHandler for VocShip {
    const PATH: &'static str = "voc ship";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(VocShip { item: required(args, Self::PATH, "item")?, note: required(args, Self::PATH, "note")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        engine.decide_voc(tx, ctx, voc_ref(&self.item)?, VocStep::Ship, Some(&self.note)).await
    }
}
