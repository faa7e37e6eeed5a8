//! The customer registry in the flow: the customer card (who they are, organisation, service tier,
//! warranty, their last five tickets with outcome and score), which a new ticket's first staff post
//! carries and `/customer` shows on demand. An asker the registry does not know gets a ticket all
//! the same, and the card says they are not a known customer. The tier itself reaches the SLA
//! through the ticket (`tickets.customer_tier`, set by the store when the ticket opens).

use chrono::{DateTime, NaiveDate, Utc};

use super::Engine;
use crate::domain::text::{elide, one_line};
use crate::domain::{Customer, Locale, PastTicket, TicketRef, Warranty};
use crate::store::{StoreError, StoreTx};
use crate::t;

/// How many of a customer's tickets the card lists.
pub const CARD_TICKETS: i64 = 5;

/// How much of a past ticket's title the card quotes.
const TITLE_CHARS: usize = 60;

impl Engine {
    /// The day warranties are read on at `at`: the date in the ops time zone.
    pub fn ops_today(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.config.digest.time_zone).date_naive()
    }

    /// The customer card of `person` (a name as chat gives it), their tickets but `except` listed.
    pub(super) async fn customer_card(
        &self,
        tx: &mut dyn StoreTx,
        person: &str,
        except: Option<TicketRef>,
        at: DateTime<Utc>,
        locale: Locale,
    ) -> Result<String, StoreError> {
        let Some(customer) = tx.customer_of(person).await? else {
            return Ok(t!(locale, "customer-card-unknown", person = one_line(&elide(person, 64))));
        };
        let history = tx.customer_history(&customer.id, except, CARD_TICKETS).await?;
        let warranty = Warranty::of(Some(&customer), self.ops_today(at));
        Ok(card_text(&customer, warranty, &history, locale))
    }
}

/// The card of a known customer, in `locale`.
pub fn card_text(customer: &Customer, warranty: Warranty, history: &[PastTicket], locale: Locale) -> String {
    let field = |value: &str| one_line(&elide(value, 64));
    let organisation =
        customer.organisation.as_deref().map_or_else(|| t!(locale, "customer-card-no-organisation"), field);
    let until = customer.warranty_until.map(|d| d.to_string()).unwrap_or_default();
    let owner = customer
        .account_owner
        .as_deref()
        .map(|owner| t!(locale, "customer-card-owner", owner = field(owner)))
        .unwrap_or_default();
    let mut card = t!(
        locale,
        "customer-card",
        name = field(&customer.name),
        id = field(&customer.id),
        organisation = organisation,
        tier = customer.tier.as_str(),
        warranty = t!(locale, "customer-card-warranty", state = warranty.as_str(), until = until),
        owner = owner
    );
    card.push('\n');
    if history.is_empty() {
        card.push_str(&t!(locale, "customer-card-no-history"));
        return card;
    }
    card.push_str(&t!(locale, "customer-card-history", count = history.len()));
    for past in history {
        let score =
            past.score.map(|score| t!(locale, "customer-card-score", score = score)).unwrap_or_default();
        card.push('\n');
        card.push_str(&t!(
            locale,
            "customer-card-ticket",
            ticket = past.reference.to_string(),
            title = one_line(&elide(&past.title, TITLE_CHARS)),
            outcome = past.outcome(),
            score = score
        ));
    }
    card
}
