//! `/parts ship [part:…]`: a ticket's reserved parts (one part, or all) are sent out; the customer
//! is told they are on their way.

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Msg, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_says};
use crate::store::StoreTx;
use crate::t;

pub struct PartsShip {
    ticket: Option<TicketRef>,
    part: Option<String>,
}

#[async_trait]
impl CommandHandler for PartsShip {
    const PATH: &'static str = "parts ship";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(PartsShip { ticket: args.ticket(), part: optional(args, "part") })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let lines = tx.ticket_parts_for_update(ticket.reference).await?;
        let to_ship: Vec<_> = lines
            .into_iter()
            .filter(|line| line.reserved > 0 && self.part.as_ref().is_none_or(|p| *p == line.part))
            .collect();
        if to_ship.is_empty() {
            let msg = match &self.part {
                Some(part) => Msg::new("parts-none-reserved-of")
                    .arg("part", crate::domain::text::elide(part, 64))
                    .shown("ticket", ticket.reference),
                None => Msg::new("parts-none-reserved").shown("ticket", ticket.reference),
            };
            return Err(Failure::Says(msg));
        }
        let mut shipped = Vec::new();
        for line in &to_ship {
            tx.ship_part(ticket.reference, &line.part, line.reserved).await?;
            let kind = EventKind::PartsShipped { part: line.part.clone(), qty: line.reserved };
            engine.save(tx, ctx, &mut ticket, kind).await?;
            shipped.push(format!("{} × {} ({})", line.reserved, line.name, line.part));
        }
        let shipped = shipped.join(", ");
        let on_the_way =
            Msg::new("customer-parts-shipped").shown("ticket", ticket.reference).arg("parts", &shipped);
        engine.tell_customers(tx, &ticket, customer_says(&ticket, on_the_way), ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "parts-shipped", parts = shipped.as_str(), ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
