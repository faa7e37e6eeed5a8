//! `/customer [user] [ticket]`: the customer card on demand (staff): the person named, else the
//! customer of the ticket named, else of this conversation's ticket.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct CustomerCard {
    user: Option<String>,
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for CustomerCard {
    const PATH: &'static str = "customer";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(CustomerCard { user: optional(args, "user"), ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let (person, ticket) = match &self.user {
            Some(user) => (user.clone(), self.ticket),
            None => {
                let ticket = engine.target(tx, ctx, self.ticket).await?;
                (ticket.customer, Some(ticket.reference))
            }
        };
        let card = engine.customer_card(tx, &person, None, ctx.at, ctx.locale).await?;
        Ok(Outcome::private(card, ticket))
    }
}
