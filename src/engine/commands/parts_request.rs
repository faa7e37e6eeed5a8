//! `/parts request part:… qty:…`: reserves spare parts for a ticket, in the transaction of its
//! timeline event; refused, with nothing written, for an unknown part, a quantity out of range or
//! too little free stock.

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::parts::MAX_QTY;
use crate::domain::{EventKind, Msg, Status, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;
use crate::store::parts::Reservation;
use crate::t;

pub struct PartsRequest {
    ticket: Option<TicketRef>,
    part: String,
    qty: i64,
}

/// A quantity of 1 to `MAX_QTY`, or why not (in the reader's language).
pub(super) fn check_qty(qty: i64) -> Result<(), Failure> {
    if (1..=MAX_QTY).contains(&qty) {
        Ok(())
    } else {
        Err(Failure::Says(Msg::new("parts-bad-qty").shown("qty", qty).arg("max", MAX_QTY)))
    }
}

/// The `part:` and `qty:` of `/parts request` and `/parts return` (its range checked in
/// `handle`, where the reply is in the reader's language).
pub(super) fn part_and_qty(args: &Args, path: &str) -> Result<(String, i64), UsageError> {
    let part = required(args, path, "part")?;
    let qty = required(args, path, "qty")?
        .parse()
        .map_err(|_| UsageError(format!("/{path} needs qty: a whole number")))?;
    Ok((part, qty))
}

#[async_trait]
impl CommandHandler for PartsRequest {
    const PATH: &'static str = "parts request";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let (part, qty) = part_and_qty(args, Self::PATH)?;
        Ok(PartsRequest { ticket: args.ticket(), part, qty })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        check_qty(self.qty)?;
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        if ticket.status == Status::Closed {
            return Err(Failure::Says(Msg::new("parts-closed").shown("ticket", ticket.reference)));
        }
        let warranty = engine.warranty_of(tx, &ticket, ctx.at).await?;
        let charged = warranty.charges();
        let (part, reorder_now) =
            match tx.reserve_part(ticket.reference, &self.part, self.qty, charged).await? {
                Reservation::Reserved { part, reorder_now } => (part, reorder_now),
                Reservation::Unknown => {
                    let part = crate::domain::text::elide(&self.part, 64);
                    return Err(Failure::Says(Msg::new("parts-unknown").arg("part", part)));
                }
                Reservation::Short { part } => {
                    return Err(Failure::Says(
                        Msg::new("parts-short")
                            .arg("part", part.part.as_str())
                            .arg("name", part.name.as_str())
                            .shown("qty", self.qty)
                            .shown("stock", part.stock),
                    ));
                }
            };
        let requested = EventKind::PartsRequested {
            part: part.part.clone(),
            qty: self.qty,
            unit_cost: part.unit_cost,
            charged,
        };
        engine.save(tx, ctx, &mut ticket, requested).await?;
        if reorder_now {
            engine.tell_parts_keepers(tx, &ticket, &part, ctx.at).await?;
        }
        let cost = part.unit_cost.times(self.qty).to_string();
        let paid = if charged {
            t!(ctx.locale, "parts-charged", cost = cost.as_str())
        } else {
            t!(ctx.locale, "parts-free", cost = cost.as_str())
        };
        Ok(Outcome::public(
            t!(
                ctx.locale,
                "parts-reserved",
                qty = self.qty.to_string(),
                part = part.part.as_str(),
                name = part.name.as_str(),
                ticket = ticket.reference.to_string(),
                stock = part.stock.to_string(),
                paid = paid
            ),
            Some(ticket.reference),
        ))
    }
}
