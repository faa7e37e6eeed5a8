//! `/invite user:`: lets someone on staff into the war room.

use async_trait::async_trait;

use crate::t;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Post, RoomChange, TicketRef};
use crate::engine::{Ctx, Engine, Failure, Outcome, room_post};
use crate::store::StoreTx;

pub struct Invite {
    ticket: Option<TicketRef>,
    user: String,
}

#[async_trait]
impl CommandHandler for Invite {
    const PATH: &'static str = "invite";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(Invite { ticket: args.ticket(), user: required(args, Self::PATH, "user")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let user = self.user.as_str();
        let mut ticket = engine.target(tx, ctx, self.ticket).await?;
        let mut room = engine.open_room(tx, &ticket, "/invite").await?;
        if !engine.people.is_staff(user) {
            return Err(Failure::User(t!(ctx.locale, "invite-not-staff", user = user)));
        }
        if !room.admit(user) {
            return Err(Failure::User(t!(
                ctx.locale,
                "invite-already",
                user = user,
                ticket = ticket.reference.to_string()
            )));
        }
        tx.save_war_room(&room).await?;
        engine.save(tx, ctx, &mut ticket, EventKind::RoomInvited { user: user.to_owned() }).await?;
        let welcome = t!(
            engine.shared_locale(),
            "room-let-in",
            actor = ctx.actor,
            user = user,
            ticket = ticket.reference.to_string()
        );
        let post = Post {
            mentions: vec![user.to_owned()],
            room: Some(RoomChange::Invite { users: vec![user.to_owned()] }),
            ..room_post(ticket.reference, welcome)
        };
        tx.enqueue_post(&post, ctx.at).await?;
        Ok(Outcome::public(
            t!(ctx.locale, "invite-done", user = user, ticket = ticket.reference.to_string()),
            Some(ticket.reference),
        ))
    }
}
