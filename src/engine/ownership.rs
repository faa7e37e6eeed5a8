//! Who has a ticket and at which tier: routing to a queue, the next in a queue, escalation,
//! `/claim`, and the tier that follows the engineer a ticket is given to.

use super::{Ctx, Engine, Failure, Outcome, customer_post, person_post, staff_post};
use crate::config::{ClaimTaken, OutsideQueue};
use crate::domain::routing::{queue_name, round_robin};
use crate::domain::{EventKind, Msg, Ticket, Tier};
use crate::store::{StoreError, StoreTx};
use crate::t;

impl Engine {
    /// The next member of the domain × tier queue, or of triage when there is no domain yet.
    pub(super) async fn route(
        &self,
        tx: &mut dyn StoreTx,
        domain: Option<&str>,
        tier: Tier,
    ) -> Result<Option<String>, StoreError> {
        let members = self.config.routing.members(domain, tier);
        if members.is_empty() {
            return Ok(None);
        }
        let turn = tx.advance_queue(&queue_name(domain, tier)).await?;
        Ok(round_robin(members, turn).map(str::to_owned))
    }

    /// The next member of the ticket's queue other than `but` (a queue of one gives nobody).
    pub(super) async fn next_in_queue_but(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        but: &str,
    ) -> Result<Option<String>, StoreError> {
        let domain = ticket.domain.as_deref();
        let others = self.config.routing.members(domain, ticket.tier).iter().filter(|m| *m != but).count();
        if others == 0 {
            return Ok(None);
        }
        // Round robin reaches another member within the queue's length.
        for _ in 0..=self.config.routing.members(domain, ticket.tier).len() {
            match self.route(tx, domain, ticket.tier).await? {
                Some(next) if next != but => return Ok(Some(next)),
                _ => {}
            }
        }
        Ok(None)
    }

    /// Keep the assignee or route: `None` when the ticket's assignee is a member of its domain's
    /// `tier` queue (they keep it), otherwise that queue's next member (`Some(None)`: nobody).
    pub(super) async fn route_unless_member(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        tier: Tier,
    ) -> Result<Option<Option<String>>, StoreError> {
        let domain = ticket.domain.as_deref();
        let keeps =
            ticket.assignee.as_deref().is_some_and(|a| self.config.routing.is_member(domain, tier, a));
        if keeps { Ok(None) } else { self.route(tx, domain, tier).await.map(Some) }
    }

    /// Moves a ticket up to `to` (or the next tier) and gives it to that tier's queue unless its
    /// assignee is already a member: the one escalation path, for `/escalate` and for OLA expiry.
    pub(super) async fn escalate_ticket(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        to: Option<Tier>,
        reason: &str,
    ) -> Result<(Tier, Tier, Option<String>), Failure> {
        if ticket.domain.is_none() {
            return Err(Failure::Says(Msg::new("escalate-needs-domain").shown("ticket", ticket.reference)));
        }
        let from = ticket.tier;
        let to = ticket.escalate(to)?;
        if let Some(next) = self.route_unless_member(tx, ticket, to).await? {
            ticket.assignee = next;
        }
        let assignee = ticket.assignee.clone();
        let kind = EventKind::Escalated { from, to, reason: reason.to_owned(), assignee: assignee.clone() };
        self.save(tx, ctx, ticket, kind).await?;
        // In an incident the customer hears from the war room (`/update`), not of tiers.
        if self.open_incident(tx, ticket).await?.is_none() {
            let update = |locale| {
                let text = crate::i18n::text(
                    locale,
                    &Msg::new("customer-passed-on").shown("ticket", ticket.reference).shown("tier", to),
                );
                customer_post(ticket, text)
            };
            self.tell_customers(tx, ticket, update, ctx.at).await?;
        }
        Ok((from, to, assignee))
    }

    /// The actor takes the ticket: `/claim` and the Claim button. Taking it from someone else
    /// needs a reason (or is refused, as `assignment.claim_taken` says), and they are told.
    pub(super) async fn claim(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        reason: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let previous = ticket.assignee.clone().filter(|owner| owner != ctx.actor);
        if let Some(owner) = &previous {
            let reference = ticket.reference;
            match (self.config.settings.assignment.claim_taken, reason) {
                (ClaimTaken::Refuse, _) => {
                    let msg =
                        Msg::new("claim-refused").shown("ticket", reference).arg("owner", owner.as_str());
                    return Err(Failure::Says(msg));
                }
                (ClaimTaken::Reason, None) => {
                    let msg =
                        Msg::new("claim-say-why").shown("ticket", reference).arg("owner", owner.as_str());
                    return Err(Failure::Says(msg));
                }
                (ClaimTaken::Reason, Some(_)) => {}
            }
        }
        let moves_to = self.tier_for(ticket, ctx.actor)?;
        ticket.assign(ctx.actor)?;
        let kind = EventKind::Claimed {
            assignee: ctx.actor.to_owned(),
            previous: previous.clone(),
            reason: previous.as_ref().and(reason).map(str::to_owned),
        };
        self.save(tx, ctx, ticket, kind).await?;
        self.follow_tier(tx, ctx, ticket, moves_to, ctx.actor).await?;
        let mut reply =
            t!(ctx.locale, "claim-done", actor = ctx.actor, ticket = ticket.reference.to_string());
        if let Some(owner) = &previous {
            let why = reason.unwrap_or_default();
            let notice = t!(
                self.locale_of(owner, None, None),
                "notice-taken-from-you",
                actor = ctx.actor,
                ticket = ticket.reference.to_string(),
                why = why
            );
            tx.enqueue_post(&person_post(ticket, owner, notice), ctx.at).await?;
            reply.push_str(&t!(ctx.locale, "claim-from", owner = owner.as_str(), why = why));
        }
        if let Some(tier) = moves_to {
            reply.push_str(&t!(ctx.locale, "assign-tier", tier = tier.to_string()));
        }
        Ok(Outcome::public(reply, Some(ticket.reference)))
    }

    /// The tier a ticket moves to when `user` takes it: the tier of its domain's queue they work
    /// in, else their tier in `people.toml`, when that is another (`None`: it stays). Someone in
    /// none of its domain's queues is refused when `assignment.outside_queue = "refuse"`.
    pub(super) fn tier_for(&self, ticket: &Ticket, user: &str) -> Result<Option<Tier>, Failure> {
        let Some(domain) = ticket.domain.as_deref() else { return Ok(None) };
        let own_tier = || self.config.directory.person(user).and_then(|p| p.tier);
        match self.config.routing.tier_of(domain, ticket.tier, user) {
            Some(tier) => Ok((tier != ticket.tier).then_some(tier)),
            None if self.config.settings.assignment.outside_queue == OutsideQueue::Allow => {
                Ok(own_tier().filter(|tier| *tier != ticket.tier))
            }
            None => Err(Failure::Says(
                Msg::new("outside-queue-refused")
                    .arg("user", user)
                    .arg("domain", domain)
                    .shown("ticket", ticket.reference),
            )),
        }
    }

    /// Moves the ticket to the tier of the engineer who now has it, as `tier_for` chose; its OLA
    /// starts again there. Said nowhere but the timeline and the staff thread: the customer hears
    /// of escalations, not of who sits in which tier.
    pub(super) async fn follow_tier(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        to: Option<Tier>,
        user: &str,
    ) -> Result<(), Failure> {
        let Some(to) = to else { return Ok(()) };
        let from = ticket.tier;
        ticket.tier = to;
        let reason = format!("{user} works in {to}");
        self.save(tx, ctx, ticket, EventKind::TierChanged { from, to, reason }).await?;
        let notice = t!(
            self.shared_locale(),
            "staff-tier-followed",
            ticket = ticket.reference.to_string(),
            from = from.to_string(),
            to = to.to_string(),
            user = user
        );
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await?;
        Ok(())
    }
}
