//! `claim:T-n`: an engineer takes the ticket from its staff notice.

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome, refused};
use crate::store::StoreTx;

pub struct Claim;

#[async_trait]
impl ButtonHandler for Claim {
    fn action(&self) -> ButtonAction {
        ButtonAction::Claim
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        if !engine.people.is_engineer(ctx.actor) {
            return Err(refused("only engineers can claim tickets", ticket));
        }
        engine.claim(tx, ctx, ticket, None).await
    }
}
