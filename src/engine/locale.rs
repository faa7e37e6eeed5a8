//! Which language each reader gets (README, "Languages"): a person's `locale` in people.toml,
//! else (a customer) the customer registry's `locale`, else the one their platform gives
//! (Discord's interaction locale), else the language of the customer's latest message, else
//! `default_locale`. Posts staff share (staff threads, the ops channel, war rooms) are in
//! `default_locale`.

use super::Engine;
use crate::domain::{EventKind, Locale, Ticket};
use crate::kb::Language;
use crate::store::{StoreError, StoreTx};

/// The language a message is written in, when it has letters: mostly CJK is Chinese (the
/// knowledge base's own guess, `Language::detect`, one rule for articles and messages).
pub(super) fn written_in(text: &str) -> Option<Locale> {
    if !text.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(match Language::detect(text) {
        Language::Zh => Locale::ZhCn,
        Language::En => Locale::En,
    })
}

impl Engine {
    /// The language of `person`: theirs in people.toml, else their platform's (`platform`, a tag
    /// such as `zh-CN`), else that of what they `wrote`, else `default_locale`.
    pub fn locale_of(&self, person: &str, platform: Option<&str>, wrote: Option<&str>) -> Locale {
        self.config
            .directory
            .person(person)
            .and_then(|p| p.locale)
            .or_else(|| platform.and_then(Locale::parse))
            .or_else(|| wrote.and_then(written_in))
            .unwrap_or(self.config.settings.default_locale)
    }

    /// The language of what staff share: staff threads, the ops channel, war rooms.
    pub fn shared_locale(&self) -> Locale {
        self.config.settings.default_locale
    }

    /// The language a person settled on: theirs in people.toml, else the customer registry's.
    async fn settled_locale(&self, tx: &mut dyn StoreTx, person: &str) -> Result<Option<Locale>, StoreError> {
        if let Some(locale) = self.config.directory.person(person).and_then(|p| p.locale) {
            return Ok(Some(locale));
        }
        Ok(tx.customer_of(person).await?.and_then(|customer| customer.locale))
    }

    /// The language of a customer who `wrote`: theirs in people.toml, else the customer
    /// registry's, else that of what they wrote, else `default_locale`.
    pub(super) async fn customer_locale_of(
        &self,
        tx: &mut dyn StoreTx,
        person: &str,
        wrote: Option<&str>,
    ) -> Result<Locale, StoreError> {
        match self.settled_locale(tx, person).await? {
            Some(locale) => Ok(locale),
            None => Ok(self.locale_of(person, None, wrote)),
        }
    }

    /// The language a ticket's customer reads: theirs in people.toml, else the customer
    /// registry's, else that of their latest message on the ticket.
    pub(super) async fn customer_locale(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
    ) -> Result<Locale, StoreError> {
        if let Some(locale) = self.settled_locale(tx, &ticket.customer).await? {
            return Ok(locale);
        }
        let events = tx.timeline(ticket.reference).await?;
        let latest = events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Message { text, .. } if e.actor == ticket.customer && written_in(text).is_some() => {
                Some(text.as_str())
            }
            EventKind::Created { text, .. } if written_in(text).is_some() => Some(text.as_str()),
            _ => None,
        });
        Ok(self.locale_of(&ticket.customer, None, latest))
    }

    /// The language of whoever sent a command or pressed a button: theirs in people.toml, else
    /// (for a customer) the customer registry's, else their platform's, else (for a customer)
    /// that of their latest message, else `default_locale`.
    pub async fn reader_locale(&self, actor: &str, platform: Option<&str>) -> Locale {
        let mut settled = self.config.directory.person(actor).and_then(|p| p.locale);
        if settled.is_none() && !self.people.is_staff(actor) {
            // A failed read only costs the reader their language, never the command.
            let registered = self.store.customer_of(actor).await.ok().flatten();
            settled = registered.and_then(|customer| customer.locale);
        }
        if let Some(locale) = settled.or_else(|| platform.and_then(Locale::parse)) {
            return locale;
        }
        if self.people.is_staff(actor) {
            return self.shared_locale();
        }
        // A failed read only costs the reader their language, never the command.
        let latest = self.store.latest_message_of(actor).await.ok().flatten();
        self.locale_of(actor, None, latest.as_deref())
    }
}
