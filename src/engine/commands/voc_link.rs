//! `/voc link item:V-n ticket:T-m`: puts a ticket's suggestion in an item.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::voc::voc_ref;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct VocLink {
    item: String,
    ticket: TicketRef,
}

#[async_trait]
impl CommandHandler for VocLink {
    const PATH: &'static str = "voc link";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let item = required(args, Self::PATH, "item")?;
        let ticket = args.ticket().ok_or_else(|| {
            UsageError("/voc link needs ticket:T-n (its definition must mark it required)".into())
        })?;
        Ok(VocLink { item, ticket })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        engine.link_to_voc(tx, ctx, voc_ref(&self.item)?, self.ticket).await
    }
}
