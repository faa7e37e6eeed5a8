//! `stormconfirm:T-n`: a domain owner confirms the storm whose first ticket is T-n: one S incident
//! with its war room, the storm's other tickets linked to it.

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct StormConfirm;

#[async_trait]
impl ButtonHandler for StormConfirm {
    fn action(&self) -> ButtonAction {
        ButtonAction::StormConfirm
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        engine.confirm_storm(tx, ctx, ticket).await
    }
}
