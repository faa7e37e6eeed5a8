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
    /// The war room of an S-level ticket: a private room with its roster in it, opened by the
    /// channel on the room's first post.
    Room { ticket: TicketRef },
}

/// Who a post is for, in a few words (`staff of T-3`, `#ops`), as the console and operators read it.
impl std::fmt::Display for Audience {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Audience::Customer { user, .. } => write!(f, "{user}"),
            Audience::Staff { ticket } => write!(f, "staff of {ticket}"),
            Audience::Person { user } => write!(f, "{user} (direct)"),
            Audience::Conversation { conversation } => write!(f, "#{conversation}"),
            Audience::Room { ticket } => write!(f, "war room of {ticket}"),
        }
    }
}

/// A file sent with a message: a photo of the screen, a log. The platform keeps the bytes; the
/// ticket keeps what they are and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Bytes.
    pub size: u64,
    pub url: String,
}

/// What a post does to its war room besides saying its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RoomChange {
    /// Let these people into the room.
    Invite { users: Vec<String> },
    /// Lock the room and put it away (moved or renamed, as the channel's config says).
    Archive,
    /// Open an archived room again to these people (its roster): unlocked, back in its place.
    Reopen { users: Vec<String> },
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
    /// A card kept up to date under this key (`incident`): the first post with the key is pinned
    /// in its conversation, later ones edit that message in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<RoomChange>,
}

impl Post {
    /// A plain post: text only, no buttons, no mentions.
    pub fn new(audience: Audience, ticket: Option<TicketRef>, text: String) -> Self {
        Post { audience, ticket, text, buttons: vec![], mentions: vec![], card: None, room: None }
    }
}

/// What a button does; its id names the action and the ticket (`confirm:T-4`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
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
    /// A domain owner confirms that the ticket is S-level: the war room opens.
    SConfirm,
    /// A domain owner declines S-level for the ticket; the answer is the reason.
    SDecline,
    /// The customer rates the resolution (the value is 1 to 5).
    Rate,
    /// Someone in the war room files the incident report; the answer holds its fields.
    Report,
    /// The customer confirms they want their own ticket closed (asked by `/close`).
    CloseOwn,
    /// A domain owner confirms a storm (named by its first ticket): one S incident, the others
    /// linked to it.
    StormConfirm,
    /// A domain owner declines a storm; its tickets are not proposed again.
    StormDecline,
    /// The customer answers the revisit of a closed ticket (the value is yes or no).
    Revisit,
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

/// Questions the bot asks before it can act: a modal on Discord; on the console the reply names
/// what to type instead. The answers come back as the command or the button press the form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<FormField>,
    pub submit: FormSubmit,
    /// A button that asks the form again, for a platform that can no longer show it where it was
    /// asked (a Discord interaction already deferred).
    pub ask_again: Option<Button>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// The option the answer fills (`root_cause`), or `answer` for a button's.
    pub name: String,
    pub label: String,
    /// A paragraph rather than one line.
    pub long: bool,
}

/// What a filled-in form becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormSubmit {
    /// The command `name` on `ticket`, with each field as an option of the same name.
    Command { name: String, ticket: TicketRef },
    /// The button `id` pressed with the form's one field as its answer.
    Press { id: String },
}

impl FormSubmit {
    /// A stable id for a platform's form (`form:cmd:report:T-1`, `form:press:sdecline:T-1`).
    pub fn custom_id(&self) -> String {
        match self {
            FormSubmit::Command { name, ticket } => format!("form:cmd:{name}:{ticket}"),
            FormSubmit::Press { id } => format!("form:press:{id}"),
        }
    }

    pub fn from_custom_id(id: &str) -> Option<FormSubmit> {
        let rest = id.strip_prefix("form:")?;
        if let Some(press) = rest.strip_prefix("press:") {
            return Some(FormSubmit::Press { id: press.to_owned() });
        }
        let (name, ticket) = rest.strip_prefix("cmd:")?.split_once(':')?;
        Some(FormSubmit::Command { name: name.to_owned(), ticket: ticket.parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip() {
        for id in [
            "confirm:T-4",
            "notfixed:T-12",
            "claim:T-1:x",
            "solved:T-2:billing-refund-zh",
            "needhelp:T-2",
            "sconfirm:T-3",
            "sdecline:T-3",
            "rate:T-5:4",
            "report:T-5",
            "stormconfirm:T-6",
            "stormdecline:T-6",
            "revisit:T-7:no",
        ] {
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

    #[test]
    fn form_ids_round_trip() {
        for submit in [
            FormSubmit::Command { name: "report".into(), ticket: TicketRef(7) },
            FormSubmit::Press { id: "sdecline:T-7".into() },
        ] {
            assert_eq!(FormSubmit::from_custom_id(&submit.custom_id()), Some(submit));
        }
        assert_eq!(FormSubmit::from_custom_id("confirm:T-1"), None);
        assert_eq!(FormSubmit::from_custom_id("form:cmd:report:12"), None);
    }
}
