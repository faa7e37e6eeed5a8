//! Merged tickets: a ticket closed as a duplicate carries on as the one it was merged into, and
//! its customer follows that ticket.

use chrono::{DateTime, Utc};

use super::{Ctx, Engine, Failure, customer_audience, refused};
use crate::domain::{Locale, Post, Ticket, TicketRef};
use crate::store::{StoreError, StoreTx};

impl Engine {
    /// Tells the ticket's customer, and the customer of every ticket merged into it (and into
    /// those), each in their own conversation: a merged customer follows the ticket that carries on.
    /// `post` writes the post in a customer's language (each reads their own).
    pub(super) async fn tell_customers(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        post: impl Fn(Locale) -> Post + Send + Sync,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let locale = self.customer_locale(tx, ticket).await?;
        let first = post(locale);
        let mut audiences = vec![first.audience.clone()];
        tx.enqueue_post(&first, at).await?;
        for merged in self.merged_customers(tx, ticket.reference).await? {
            let audience = customer_audience(&merged);
            if !audiences.contains(&audience) {
                audiences.push(audience.clone());
                let locale = self.customer_locale(tx, &merged).await?;
                tx.enqueue_post(&Post { audience, ..post(locale) }, at).await?;
            }
        }
        Ok(())
    }

    /// The tickets merged into this one, directly or through a ticket merged into it.
    pub(super) async fn merged_customers(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
    ) -> Result<Vec<Ticket>, StoreError> {
        let (mut found, mut next) = (Vec::new(), vec![reference]);
        while let Some(reference) = next.pop() {
            for merged in tx.merged_into(reference).await? {
                if merged.reference != reference
                    && !found.iter().any(|t: &Ticket| t.reference == merged.reference)
                {
                    next.push(merged.reference);
                    found.push(merged);
                }
            }
        }
        Ok(found)
    }

    /// Only a customer of the ticket (its own, or one whose ticket was merged into it) may do this;
    /// `refusal` is what anyone else reads.
    pub(super) async fn customer_of(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        ctx: &Ctx<'_>,
        refusal: &str,
    ) -> Result<(), Failure> {
        if ticket.customer == ctx.actor {
            return Ok(());
        }
        let merged = self.merged_customers(tx, ticket.reference).await?;
        if merged.iter().any(|t| t.customer == ctx.actor) { Ok(()) } else { Err(refused(refusal, ticket)) }
    }

    /// The ticket a merged ticket carries on as: its merge target, followed while that was merged
    /// too; `None` when the ticket was not merged.
    pub(super) async fn merged_successor(
        &self,
        tx: &mut dyn StoreTx,
        reference: TicketRef,
    ) -> Result<Option<TicketRef>, StoreError> {
        let mut current = reference;
        // A merge into a closed ticket is refused, so a chain is short; the bound is for a history
        // written before that rule.
        for _ in 0..16 {
            match tx.merged_target(current).await? {
                Some(next) if next != reference => current = next,
                _ => break,
            }
        }
        Ok((current != reference).then_some(current))
    }
}
