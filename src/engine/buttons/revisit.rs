//! `revisit:T-n:yes|no`: the customer answers the revisit of their closed ticket.

use async_trait::async_trait;

use super::{ButtonHandler, Press};
use crate::domain::revisit::RevisitAnswer;
use crate::domain::{ButtonAction, Msg, Ticket};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Revisit;

#[async_trait]
impl ButtonHandler for Revisit {
    fn action(&self) -> ButtonAction {
        ButtonAction::Revisit
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        let answer = match press.value {
            Some("yes") => RevisitAnswer::Working,
            Some("no") => RevisitAnswer::NotWorking,
            _ => return Err(Failure::Says(Msg::new("revisit-bad-button"))),
        };
        engine.answer_revisit(tx, ctx, ticket, answer).await
    }
}
