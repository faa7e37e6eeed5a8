//! `/parts return part:… qty:…`: a ticket's parts go back in stock, those still reserved first
//! (they never left), then those shipped (sent back).

use async_trait::async_trait;

use super::CommandHandler;
use super::parts_request::{check_qty, part_and_qty};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Msg, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;
use crate::t;

pub struct PartsReturn {
    ticket: Option<TicketRef>,
    part: String,
    qty: i64,
}

#[async_trait]
impl CommandHandler for PartsReturn {
    const PATH: &'static str = "parts return";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let (part, qty) = part_and_qty(args, Self::PATH)?;
        Ok(PartsReturn { ticket: args.ticket(), part, qty })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        check_qty(self.qty)?;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let lines = tx.ticket_parts_for_update(ticket.reference).await?;
        let held = lines.iter().find(|line| line.part == self.part && line.reserved + line.shipped > 0);
        let Some(line) = held else {
            let part = crate::domain::text::elide(&self.part, 64);
            return Err(Failure::Says(
                Msg::new("parts-not-held").arg("part", part).shown("ticket", ticket.reference),
            ));
        };
        let holds = line.reserved + line.shipped;
        if self.qty > holds {
            return Err(Failure::Says(
                Msg::new("parts-return-too-many")
                    .arg("part", line.part.as_str())
                    .shown("ticket", ticket.reference)
                    .shown("qty", self.qty)
                    .shown("holds", holds),
            ));
        }
        let reserved = self.qty.min(line.reserved);
        let shipped = self.qty - reserved;
        tx.return_part(ticket.reference, &line.part, reserved, shipped).await?;
        let kind = EventKind::PartsReturned { part: line.part.clone(), reserved, shipped };
        engine.save(tx, ctx, &mut ticket, kind).await?;
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "parts-returned",
                qty = self.qty.to_string(),
                part = line.part.as_str(),
                name = line.name.as_str(),
                ticket = ticket.reference.to_string()
            ),
            Some(ticket.reference),
        ))
    }
}
