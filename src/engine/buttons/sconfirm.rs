//! `sconfirm:T-n`: a domain owner confirms S-level; the ticket becomes S and its war room opens
//! with the domain's roster and a pinned incident card.

use async_trait::async_trait;

use crate::t;

use super::{ButtonHandler, Press};
use crate::domain::{ButtonAction, EventKind, Msg, Post, Severity, Ticket, WarRoom};
use crate::engine::{Ctx, Engine, Failure, Outcome, customer_says, room_post, staff_post, text};
use crate::store::StoreTx;

pub struct SConfirm;

#[async_trait]
impl ButtonHandler for SConfirm {
    fn action(&self) -> ButtonAction {
        ButtonAction::SConfirm
    }

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        _press: &Press<'_>,
    ) -> Result<Outcome, Failure> {
        let request = engine.s_request_for_owner(tx, ctx, ticket).await?;
        let room = open_s_incident(engine, tx, ctx, ticket, &request.reason).await?;
        Ok(Outcome::private(
            t!(ctx.locale, "s-confirmed", ticket = ticket.reference.to_string(), room = room.name.as_str()),
            Some(ticket.reference),
        ))
    }
}

/// Makes the ticket S-level and opens its war room, as a domain owner's confirmation does (an
/// `sconfirm` press, or a confirmed storm): the severity changes, the room opens with the domain's
/// roster and a pinned incident card, the customer and the staff thread are told. `impact` is what
/// the owner confirmed (the request's reason).
pub(in crate::engine) async fn open_s_incident(
    engine: &Engine,
    tx: &mut dyn StoreTx,
    ctx: &Ctx<'_>,
    ticket: &mut Ticket,
    impact: &str,
) -> Result<WarRoom, Failure> {
    let from = ticket.set_severity(Severity::S)?;
    let reason = Some(format!("S-level confirmed by {}: {}", ctx.actor, impact));
    engine.save(tx, ctx, ticket, EventKind::SeverityChanged { from, to: Severity::S, reason }).await?;

    let mut room = new_room(engine, ctx, ticket, impact);
    let opened = EventKind::WarRoomOpened {
        room: room.name.clone(),
        leader: room.leader.clone(),
        roster: room.roster.clone(),
    };
    engine.record(tx, ctx, ticket, opened).await?;
    let shared = engine.shared_locale();
    let welcome = t!(
        shared,
        "room-welcome",
        ticket = ticket.reference.to_string(),
        title = ticket.title.as_str(),
        actor = ctx.actor,
        leader = room.leader.clone().unwrap_or_else(|| t!(shared, "none-named"))
    );
    let post = Post { mentions: room.roster.clone(), ..room_post(ticket.reference, welcome) };
    tx.enqueue_post(&post, ctx.at).await?;
    let clocks = engine.clock_states_in(tx, ticket, ctx.at).await?.unwrap_or_default();
    engine.post_card(tx, ticket, &mut room, &clocks, ctx.at).await?;
    tx.save_war_room(&room).await?;

    let to_customer = Msg::new("customer-top-priority").shown("ticket", ticket.reference);
    engine.tell_customers(tx, ticket, customer_says(ticket, to_customer), ctx.at).await?;
    let notice = t!(
        shared,
        "staff-s-confirmed",
        actor = ctx.actor,
        ticket = ticket.reference.to_string(),
        room = room.name.as_str(),
        roster = text::join_and_in(&room.roster, shared)
    );
    tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
    Ok(room)
}

/// The war room of a ticket just made S: its domain's leader and roster, with the assignee and
/// the managers.
fn new_room(engine: &Engine, ctx: &Ctx<'_>, ticket: &Ticket, impact: &str) -> WarRoom {
    let domain = engine.config.domains.iter().find(|d| Some(&d.id) == ticket.domain.as_ref());
    let leader = domain.and_then(|d| d.room_leader()).map(str::to_owned);
    let managers = engine.config.directory.managers();
    let roster = domain.map(|d| &d.war_room).cloned().unwrap_or_default().roster(
        leader.as_deref(),
        ticket.assignee.as_deref(),
        managers,
    );
    WarRoom {
        ticket: ticket.reference,
        name: WarRoom::name_for(ticket.reference),
        opened_at: ctx.at,
        leader,
        roster,
        impact: impact.to_owned(),
        remind_at: Some(ctx.at + engine.room_cadence()),
        archived_at: None,
        report: None,
        card: None,
    }
}
