//! Spare parts in the flow: who pays for a ticket's parts (`warranty_of`, from the customer
//! registry), and the notice to the `parts` role when a part's stock falls below
//! its reorder level. The commands themselves are `commands/parts_*.rs`.

use chrono::{DateTime, Utc};

use super::{Engine, person_post};
use crate::domain::{Role, Ticket, Warranty};
use crate::store::parts::PartStock;
use crate::store::{StoreError, StoreTx};
use crate::t;

impl Engine {
    /// Whether the ticket's customer is under warranty today (ops time zone), which decides
    /// whether its parts are charged: a customer the registry does not know is `Unknown`, and
    /// charged.
    pub(super) async fn warranty_of(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        at: DateTime<Utc>,
    ) -> Result<Warranty, StoreError> {
        let customer = tx.customer_of(&ticket.customer).await?;
        Ok(Warranty::of(customer.as_ref(), self.ops_today(at)))
    }

    /// Tells everyone config gives the `parts` role, each directly in their language, that
    /// `part`'s free stock is below its reorder level (the store says when: once until restocked).
    pub(super) async fn tell_parts_keepers(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        part: &PartStock,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for keeper in self.config.directory.with_role(Role::Parts) {
            let locale = self.locale_of(keeper, None, None);
            let text = t!(
                locale,
                "parts-reorder",
                part = part.part.as_str(),
                name = part.name.as_str(),
                stock = part.stock,
                level = part.reorder_level,
                ticket = ticket.reference.to_string()
            );
            tx.enqueue_post(&person_post(ticket, keeper, text), at).await?;
        }
        Ok(())
    }
}
