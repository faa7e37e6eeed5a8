//! `stormdecline:T-n`: a domain owner declines the storm whose first ticket is T-n; its tickets
//! stay separate and are not proposed again. A reason, when the press carries one, is kept.

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct StormDecline;

#[async_trait]
impl ButtonHandler for StormDecline {
    fn action(&self) -> ButtonAction {
        ButtonAction::StormDecline
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        engine.decline_storm(tx, ctx, ticket, press.answer).await
    }
}
