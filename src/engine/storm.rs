//! Storms in the engine: at intake a new ticket joins a live storm of its domain, or makes a new
//! one with the domain's recent similar tickets (the rule is `domain::storm`, the words the
//! knowledge base's analysis); a storm is proposed once to the domain's owners, whose
//! `stormconfirm` makes its first open ticket the S incident (the `sconfirm` path) and links the
//! others to it (`relation: incident`, on both timelines). While the incident is open, later
//! similar tickets are linked as they arrive, its `/update` reaches every linked customer, and its
//! resolution resolves each linked ticket with a card of its own.

use crate::domain::storm::{Storm, StormCandidate, StormRule, StormStatus, Terms};
use crate::domain::{
    Audience, Button, ButtonAction, EventKind, LinkRelation, Post, SYSTEM_ACTOR, Status, Ticket, TicketRef,
};
use crate::kb::text_terms;
use crate::store::storms::LiveStorm;
use crate::store::{StoreError, StoreTx};

use super::buttons::open_s_incident;
use super::{
    Ctx, Engine, Failure, Outcome, customer_says, event, refused, room_post, staff_post, text_storm,
};
use crate::domain::Msg;

/// At most this many recent tickets of a domain are compared with a new one.
const MAX_CANDIDATES: i64 = 200;
/// A new ticket is compared with at most this many of a storm's tickets (its first ones).
const MEMBERS_COMPARED: i64 = 10;

/// The terms of tickets' first messages, read once: a ticket's first message does not change, and
/// every new ticket of a stormy domain is compared with the same recent ones. Per engine (ticket
/// numbers are per database); emptied when full.
#[derive(Default)]
pub(super) struct TermsCache(std::sync::Mutex<std::collections::HashMap<TicketRef, std::sync::Arc<Terms>>>);

/// How many tickets' terms the cache holds before it starts again.
const CACHED_TERMS: usize = 4096;

impl TermsCache {
    pub(super) fn terms(&self, ticket: TicketRef, text: &str) -> std::sync::Arc<Terms> {
        if let Some(terms) = self.0.lock().expect("storm terms lock").get(&ticket) {
            return terms.clone();
        }
        let terms = std::sync::Arc::new(text_terms(text));
        let mut cache = self.0.lock().expect("storm terms lock");
        if cache.len() >= CACHED_TERMS {
            cache.clear();
        }
        cache.insert(ticket, terms.clone());
        terms
    }
}

fn refs(tickets: &[TicketRef]) -> Vec<String> {
    tickets.iter().map(ToString::to_string).collect()
}

impl Engine {
    fn storm_rule(&self) -> StormRule {
        self.config.settings.storm.rule()
    }

    /// Who answers a storm of the domain: its owners, or the managers when it has none.
    fn storm_deciders(&self, domain: &str) -> Vec<String> {
        let owners = self.config.directory.owners_of(domain);
        if owners.is_empty() {
            self.config.directory.managers().into_iter().map(str::to_owned).collect()
        } else {
            owners.to_vec()
        }
    }

    /// A ticket just opened from a customer's `text`: it joins a live storm of its domain it is
    /// alike to, or makes a storm with the domain's recent tickets, which is then proposed.
    pub(super) async fn watch_storms(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
        text: &str,
    ) -> Result<(), StoreError> {
        let Some(domain) = ticket.domain.clone() else { return Ok(()) };
        if self.storm_deciders(&domain).is_empty() {
            return Ok(());
        }
        let terms = self.storm_terms.terms(ticket.reference, text);
        if terms.is_empty() {
            return Ok(());
        }
        let rule = self.storm_rule();
        for storm in tx.live_storms(&domain, ctx.at - rule.window).await? {
            let texts = tx.storm_texts(storm.id, MEMBERS_COMPARED).await?;
            let members: Vec<Terms> =
                texts.iter().map(|(member, text)| (*self.storm_terms.terms(*member, text)).clone()).collect();
            if rule.joins(&terms, &members) {
                return self.join_storm(tx, ctx, ticket.reference, &storm).await;
            }
        }
        if self.storm_group(tx, &domain, ticket, &terms, ctx).await?.is_none() {
            return Ok(());
        }
        // Another instance may be proposing in this domain at the same moment: take the domain's
        // row (it waits for the other to commit), then look again at what is left.
        tx.lock_storm_domain(&domain, ctx.at).await?;
        let Some(group) = self.storm_group(tx, &domain, ticket, &terms, ctx).await? else { return Ok(()) };
        let Some(storm) = tx.insert_storm(&domain, &group, ctx.at).await? else { return Ok(()) };
        self.propose_storm(tx, ctx, &storm).await
    }

    /// The storm the new ticket makes with the domain's recent tickets in no storm, if any.
    async fn storm_group(
        &self,
        tx: &mut dyn StoreTx,
        domain: &str,
        ticket: &Ticket,
        terms: &Terms,
        ctx: &Ctx<'_>,
    ) -> Result<Option<Vec<TicketRef>>, StoreError> {
        let rule = self.storm_rule();
        let recent = tx.storm_candidates(domain, ctx.at - rule.window, MAX_CANDIDATES).await?;
        let others: Vec<StormCandidate> = recent
            .into_iter()
            .filter(|c| c.ticket != ticket.reference)
            .map(|c| StormCandidate {
                ticket: c.ticket,
                created_at: c.created_at,
                terms: text_terms(&c.text),
            })
            .collect();
        let newest = StormCandidate { ticket: ticket.reference, created_at: ctx.at, terms: terms.clone() };
        Ok(rule.storm(&newest, &others, ctx.at))
    }

    /// Asks the domain's owners, once, with a card each; the first ticket's timeline and staff
    /// thread say so.
    async fn propose_storm(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        storm: &Storm,
    ) -> Result<(), StoreError> {
        let Some(first) = tx.ticket_for_update(storm.first).await? else { return Ok(()) };
        let owners = self.storm_deciders(&storm.domain);
        let tickets = refs(&storm.members);
        let bot = Ctx { actor: SYSTEM_ACTOR, ..*ctx };
        let proposed = EventKind::StormProposed { tickets: storm.members.clone(), owners: owners.clone() };
        tx.append_event(&event(&first, &bot, proposed)).await?;
        let window = self.config.settings.storm.window_minutes;
        for owner in &owners {
            // Each owner reads the card in their own language.
            let locale = self.locale_of(owner, None, None);
            let card = text_storm::proposal_card(&storm.domain, &tickets, window, &first.title, locale);
            let post = Post {
                buttons: vec![
                    Button::new(
                        ButtonAction::StormConfirm,
                        first.reference,
                        &text_storm::confirm_label(locale),
                    ),
                    Button::new(
                        ButtonAction::StormDecline,
                        first.reference,
                        &text_storm::decline_label(locale),
                    ),
                ],
                mentions: vec![owner.clone()],
                ..Post::new(Audience::Person { user: owner.clone() }, Some(first.reference), card)
            };
            tx.enqueue_post(&post, ctx.at).await?;
        }
        let notice = text_storm::proposal_notice(&tickets, &owners, self.shared_locale());
        tx.enqueue_post(&staff_post(&first, notice, vec![], vec![]), ctx.at).await
    }

    /// A new ticket alike to a live storm: in it, and linked to its incident when it has one.
    async fn join_storm(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        reference: TicketRef,
        storm: &LiveStorm,
    ) -> Result<(), StoreError> {
        if !tx.add_storm_member(storm.id, reference, ctx.at).await? {
            return Ok(());
        }
        let Some(mut ticket) = tx.ticket_for_update(reference).await? else { return Ok(()) };
        match (storm.status, storm.incident) {
            (StormStatus::Confirmed, Some(incident)) => {
                let Some(mut incident) = tx.ticket_for_update(incident).await? else { return Ok(()) };
                let bot = Ctx { actor: SYSTEM_ACTOR, ..*ctx };
                self.link_to_incident(tx, &bot, &mut incident, &mut ticket).await?;
                let joined = text_storm::joined_room(
                    &ticket.reference.to_string(),
                    &ticket.customer,
                    &incident.reference.to_string(),
                    self.shared_locale(),
                );
                tx.enqueue_post(&room_post(incident.reference, joined), ctx.at).await
            }
            _ => {
                let notice = text_storm::joined_proposal_notice(
                    &ticket.reference.to_string(),
                    &storm.first.to_string(),
                    self.shared_locale(),
                );
                tx.enqueue_post(&staff_post(&ticket, notice, vec![], vec![]), ctx.at).await
            }
        }
    }

    /// Links a storm's ticket to its incident (on both timelines); its customer and staff thread
    /// are told.
    async fn link_to_incident(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        incident: &mut Ticket,
        ticket: &mut Ticket,
    ) -> Result<(), StoreError> {
        if !tx.insert_link(ticket.reference, incident.reference, LinkRelation::Incident).await? {
            return Ok(());
        }
        let relation = LinkRelation::Incident;
        self.save(tx, ctx, ticket, EventKind::Linked { other: incident.reference, relation }).await?;
        self.save(tx, ctx, incident, EventKind::Linked { other: ticket.reference, relation }).await?;
        let (own, of_incident) = (ticket.reference.to_string(), incident.reference.to_string());
        let to_customer =
            Msg::new("storm-linked-customer").arg("ticket", own.clone()).arg("incident", of_incident.clone());
        self.tell_customers(tx, ticket, customer_says(ticket, to_customer), ctx.at).await?;
        let notice = text_storm::linked_staff(&own, &of_incident, self.shared_locale());
        tx.enqueue_post(&staff_post(ticket, notice, vec![], vec![]), ctx.at).await
    }

    /// The storm of the pressed ticket, still waiting for an answer, when `ctx.actor` may give it.
    pub(super) async fn storm_to_answer(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &Ticket,
    ) -> Result<Storm, Failure> {
        let reference = ticket.reference.to_string();
        let storm = tx
            .storm_of(ticket.reference)
            .await?
            .ok_or_else(|| Failure::User(text_storm::no_storm(&reference, ctx.locale)))?;
        let deciders = self.storm_deciders(&storm.domain);
        if !deciders.iter().any(|d| d == ctx.actor) {
            let first = storm.first.to_string();
            let owners = self.config.directory.owners_of(&storm.domain);
            return Err(refused(&text_storm::only_owners(&storm.domain, owners, &first, ctx.locale), ticket));
        }
        if storm.status != StormStatus::Proposed {
            let by = storm.decided_by.clone().unwrap_or_default();
            let said = text_storm::already_answered(
                &storm.first.to_string(),
                &storm.status.to_string(),
                &by,
                ctx.locale,
            );
            return Err(Failure::User(said));
        }
        Ok(storm)
    }

    /// An owner confirmed the storm: its first open ticket becomes the S incident with its war
    /// room, the others are linked to it.
    pub(super) async fn confirm_storm(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        pressed: &Ticket,
    ) -> Result<Outcome, Failure> {
        let storm = self.storm_to_answer(tx, ctx, pressed).await?;
        let mut open = Vec::new();
        for member in &storm.members {
            if let Some(ticket) = tx.ticket_for_update(*member).await?
                && !ticket.is_closed()
            {
                open.push(ticket);
            }
        }
        if open.is_empty() {
            return Err(Failure::User(text_storm::nothing_open(&storm.first.to_string(), ctx.locale)));
        }
        let mut incident = open.remove(0);
        let room = match self.open_incident(tx, &incident).await? {
            Some(room) => room,
            None => {
                let impact = text_storm::impact(storm.members.len(), &storm.domain, self.shared_locale());
                open_s_incident(self, tx, ctx, &mut incident, &impact).await?
            }
        };
        if !tx
            .decide_storm(storm.id, StormStatus::Confirmed, ctx.actor, ctx.at, Some(incident.reference))
            .await?
        {
            return Err(Failure::User(text_storm::answered_meanwhile(&storm.first.to_string(), ctx.locale)));
        }
        let confirmed = EventKind::StormConfirmed { tickets: storm.members.clone() };
        self.save(tx, ctx, &mut incident, confirmed).await?;
        let mut linked = Vec::new();
        for mut ticket in open {
            self.link_to_incident(tx, ctx, &mut incident, &mut ticket).await?;
            linked.push(ticket.reference);
        }
        let of_incident = incident.reference.to_string();
        if !linked.is_empty() {
            let said = text_storm::confirmed_room(&of_incident, &refs(&linked), self.shared_locale());
            tx.enqueue_post(&room_post(incident.reference, said), ctx.at).await?;
        }
        Ok(Outcome::private(
            text_storm::confirmed_reply(&of_incident, linked.len(), &room.name, ctx.locale),
            Some(incident.reference),
        ))
    }

    /// An owner declined the storm: recorded, and its tickets are never proposed again.
    pub(super) async fn decline_storm(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        pressed: &Ticket,
        reason: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let storm = self.storm_to_answer(tx, ctx, pressed).await?;
        if !tx.decide_storm(storm.id, StormStatus::Declined, ctx.actor, ctx.at, None).await? {
            return Err(Failure::User(text_storm::answered_meanwhile(&storm.first.to_string(), ctx.locale)));
        }
        let reason = reason.map(str::trim).filter(|r| crate::domain::text::has_visible_text(r));
        let Some(first) = tx.ticket_for_update(storm.first).await? else {
            return Err(Failure::User(text_storm::no_storm(&storm.first.to_string(), ctx.locale)));
        };
        let declined =
            EventKind::StormDeclined { tickets: storm.members.clone(), reason: reason.map(str::to_owned) };
        tx.append_event(&event(&first, ctx, declined)).await?;
        let tickets = refs(&storm.members);
        let notice = text_storm::declined_notice(ctx.actor, &tickets, reason, self.shared_locale());
        tx.enqueue_post(&staff_post(&first, notice, vec![], vec![]), ctx.at).await?;
        Ok(Outcome::private(text_storm::declined_reply(&tickets, ctx.locale), Some(first.reference)))
    }

    /// `/update` on an incident: each ticket linked to it gets the update on its timeline, and its
    /// customer (and those merged into it) reads it. Returns how many tickets it reached.
    pub(super) async fn update_incident_tickets(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        incident: &Ticket,
        update: &str,
    ) -> Result<usize, StoreError> {
        let mut reached = 0;
        for linked in tx.incident_tickets(incident.reference).await? {
            let Some(mut ticket) = tx.ticket_for_update(linked.reference).await? else { continue };
            if ticket.is_closed() {
                continue;
            }
            self.save(tx, ctx, &mut ticket, EventKind::CustomerUpdate { text: update.to_owned() }).await?;
            let note = Msg::new("storm-update-linked")
                .shown("ticket", ticket.reference)
                .shown("incident", incident.reference)
                .arg("update", update.to_owned());
            self.tell_customers(tx, &ticket, customer_says(&ticket, note), ctx.at).await?;
            reached += 1;
        }
        Ok(reached)
    }

    /// The incident was resolved: each ticket linked to it that is still being worked is resolved
    /// with the same resolution, and its customer gets a card of their own. Returns how many.
    pub(super) async fn resolve_incident_tickets(
        &self,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        incident: &Ticket,
        resolution: &str,
    ) -> Result<usize, Failure> {
        let mut resolved = 0;
        for linked in tx.incident_tickets(incident.reference).await? {
            let Some(mut ticket) = tx.ticket_for_update(linked.reference).await? else { continue };
            if ticket.is_closed() || ticket.status == Status::Resolved {
                continue;
            }
            self.resolve_with_card(tx, ctx, &mut ticket, resolution).await?;
            resolved += 1;
        }
        Ok(resolved)
    }
}
