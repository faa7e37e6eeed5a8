//! Staff replies to a ticket's customer: `/reply`, and a message in a staff thread.

use super::{Ctx, Engine, Failure, InboundStaffReply, Outcome, customer_says};
use crate::domain::{EventKind, Msg, Status, Ticket};
use crate::store::StoreTx;

impl Engine {
    /// A staff member's reply to a ticket's customer, idempotent on its platform id. Only staff
    /// may reply; notes (`/note`) are a different thing and are never relayed.
    pub(super) async fn staff_reply(&self, reply: InboundStaffReply) -> Outcome {
        let locale = self.locale_of(&reply.author, None, None);
        if !crate::domain::text::has_visible_text(&reply.text) {
            return Outcome::private(crate::t!(locale, "intake-empty"), None);
        }
        let ctx = Ctx { actor: &reply.author, conversation: &reply.conversation, at: reply.at, locale };
        let result = async {
            let Some(mut tx) = self.begin_claimed(&reply.source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            if !self.people.is_staff(ctx.actor) {
                return Err(Failure::Refused {
                    reason: crate::t!(ctx.locale, "reply-staff-only"),
                    ticket: reply.ticket,
                });
            }
            let mut ticket = self.target(&mut *tx, &ctx, reply.ticket).await?;
            self.reply_to_customer(&mut *tx, &ctx, &mut ticket, &reply.text).await?;
            tx.commit().await?;
            Ok(Outcome::silent(Some(ticket.reference)))
        }
        .await;
        self.finish(result, &reply.source_id, &ctx, "reply").await
    }

    /// A staff member's message about a ticket that is not for its customer: a note on the
    /// timeline, idempotent on its platform id.
    pub(super) async fn staff_note(&self, note: InboundStaffReply) -> Outcome {
        if !crate::domain::text::has_visible_text(&note.text) {
            return Outcome::silent(None);
        }
        let locale = self.locale_of(&note.author, None, None);
        let ctx = Ctx { actor: &note.author, conversation: &note.conversation, at: note.at, locale };
        let result = async {
            let Some(mut tx) = self.begin_claimed(&note.source_id, ctx.at).await? else {
                return Ok(Outcome::duplicate());
            };
            if !self.people.is_staff(ctx.actor) {
                return Err(Failure::Refused {
                    reason: crate::t!(ctx.locale, "note-staff-only"),
                    ticket: note.ticket,
                });
            }
            let mut ticket = self.target(&mut *tx, &ctx, note.ticket).await?;
            self.save(&mut *tx, &ctx, &mut ticket, EventKind::Note { text: note.text.clone() }).await?;
            self.cite_named(&mut *tx, &ctx, ticket.reference, &note.text, "note").await?;
            tx.commit().await?;
            Ok(Outcome::silent(Some(ticket.reference)))
        }
        .await;
        self.finish(result, &note.source_id, &ctx, "note").await
    }

    /// Logs a staff reply on the ticket and, unless it was written in the conversation the
    /// customer reads, relays it to them. The one place a staff reply is handled: `/reply` calls
    /// this inside its transaction.
    pub(super) async fn reply_to_customer(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        text: &str,
    ) -> Result<bool, Failure> {
        if ticket.status == Status::Closed {
            return Err(Failure::User(crate::t!(
                ctx.locale,
                "reply-closed",
                ticket = ticket.reference.to_string()
            )));
        }
        let relayed = ctx.conversation != ticket.conversation;
        self.save(tx, ctx, ticket, EventKind::StaffReply { text: text.to_owned(), relayed }).await?;
        self.cite_named(tx, ctx, ticket.reference, text, "reply").await?;
        if relayed {
            let name = self.config.directory.person(ctx.actor).and_then(|p| p.name.clone());
            let name = name.unwrap_or_else(|| ctx.actor.to_owned());
            let relayed = Msg::new("customer-relayed")
                .arg("name", name)
                .shown("ticket", ticket.reference)
                .arg("text", text);
            self.tell_customers(tx, ticket, customer_says(ticket, relayed), ctx.at).await?;
        }
        Ok(relayed)
    }
}
