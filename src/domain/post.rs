//! What the bot says to people, before any platform renders it.

use serde::{Deserialize, Serialize};

use super::ticket::TicketRef;

/// Who a post is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Audience {
    /// The customer, in the conversation they wrote from.
    Customer { user: String, conversation: String },
    /// The staff working the ticket: its staff thread on Discord.
    Staff { ticket: TicketRef },
    /// One staff member, directly (a new assignee, an owner asked to confirm).
    Person { user: String },
    /// A staff conversation of its own, such as the ops conversation the daily digest goes to.
    Conversation { conversation: String },
}

/// A button on a card. Its id is stable (`ACTION:T-n` or `ACTION:T-n:VALUE`) so a button keeps
/// working across restarts and platforms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub audience: Audience,
    pub ticket: Option<TicketRef>,
    /// Plain text; renderers neutralise mentions in it, because it may quote what users wrote.
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// People the post means to notify; the only mentions a renderer may make live.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<String>,
}

/// What a button does; its id names the action and the ticket (`confirm:T-4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum ButtonAction {
    /// An engineer takes the ticket.
    Claim,
    /// The customer confirms the fix.
    Confirm,
    /// The customer says it is not fixed.
    NotFixed,
    /// The customer says a suggested article solved it (the value names the article).
    Solved,
    /// The customer still needs help after the suggested articles.
    NeedHelp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonId {
    pub action: ButtonAction,
    pub ticket: TicketRef,
    pub value: Option<String>,
}

impl std::fmt::Display for ButtonId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.action, self.ticket)?;
        if let Some(value) = &self.value {
            write!(f, ":{value}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ButtonId {
    type Err = String;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        let mut parts = id.splitn(3, ':');
        let action = parts.next().unwrap_or_default();
        let action =
            action.parse().map_err(|_| format!("`{id}` is not a button: unknown action `{action}`"))?;
        let ticket = parts
            .next()
            .ok_or_else(|| format!("`{id}` is not a button: write ACTION:T-n"))?
            .parse()
            .map_err(|e: super::DomainError| format!("`{id}` is not a button: {e}"))?;
        let value = parts.next().map(str::to_owned);
        Ok(ButtonId { action, ticket, value })
    }
}

impl Button {
    pub fn new(action: ButtonAction, ticket: TicketRef, label: &str) -> Self {
        Button { id: ButtonId { action, ticket, value: None }.to_string(), label: label.to_owned() }
    }

    pub fn with_value(action: ButtonAction, ticket: TicketRef, value: &str, label: &str) -> Self {
        let id = ButtonId { action, ticket, value: Some(value.to_owned()) };
        Button { id: id.to_string(), label: label.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip() {
        for id in
            ["confirm:T-4", "notfixed:T-12", "claim:T-1:x", "solved:T-2:billing-refund-zh", "needhelp:T-2"]
        {
            assert_eq!(id.parse::<ButtonId>().unwrap().to_string(), id);
        }
    }

    #[test]
    fn malformed_button_ids_say_what_is_wrong() {
        assert_eq!(
            "fly:T-1".parse::<ButtonId>().unwrap_err(),
            "`fly:T-1` is not a button: unknown action `fly`"
        );
        assert!("confirm".parse::<ButtonId>().unwrap_err().contains("ACTION:T-n"));
        assert!("confirm:12".parse::<ButtonId>().unwrap_err().contains("T-12"));
    }
}
