//! How resolvd's words look on Discord: text split at Discord's 2,000 characters, buttons as
//! components, and `allowed_mentions` that let through only the mentions a post intends.

use serde_json::{Value, json};

use crate::chat::render::clean;
use crate::domain::{Button, Form};

/// Discord's longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Discord's limits on buttons: five per row, five rows, 80-character labels.
const BUTTONS_PER_ROW: usize = 5;
const MAX_ROWS: usize = 5;
const MAX_LABEL_CHARS: usize = 80;
/// The ephemeral flag of an interaction reply.
pub const EPHEMERAL: u64 = 1 << 6;

/// Splits `text` into pieces of at most `limit` characters, at a line break when there is one in
/// the second half of the piece, else at a space, else anywhere (on a character boundary).
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text.trim_end();
    while rest.chars().count() > limit {
        let hard = rest.char_indices().nth(limit).map_or(rest.len(), |(i, _)| i);
        let window = &rest[..hard];
        let half = window.char_indices().nth(limit / 2).map_or(0, |(i, _)| i);
        let cut = window[half..].rfind('\n').or_else(|| window[half..].rfind(' ')).map_or(hard, |i| half + i);
        let cut = if cut == 0 { hard } else { cut };
        pieces.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start_matches(['\n', ' ']);
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest.to_owned());
    }
    pieces
}

/// `allowed_mentions` that allows exactly these users, and no @everyone, @here or role.
pub fn allowed_mentions(users: &[u64]) -> Value {
    let users: Vec<String> = users.iter().map(u64::to_string).collect();
    json!({ "parse": [], "users": users })
}

/// Buttons as Discord action rows.
pub fn components(buttons: &[Button]) -> Value {
    let rows: Vec<Value> = buttons
        .chunks(BUTTONS_PER_ROW)
        .take(MAX_ROWS)
        .map(|row| {
            let row: Vec<Value> = row
                .iter()
                .map(|b| {
                    let label: String = clean(&b.label).chars().take(MAX_LABEL_CHARS).collect();
                    json!({ "type": 2, "style": 1, "label": label, "custom_id": b.id })
                })
                .collect();
            json!({ "type": 1, "components": row })
        })
        .collect();
    Value::Array(rows)
}

/// The messages one post becomes: the intended mentions first (live), then the text with every
/// other mention broken, split at Discord's limit; the buttons go on the last message.
pub fn messages(text: &str, mention_ids: &[u64], buttons: &[Button]) -> Vec<Value> {
    let mut body = String::new();
    for id in mention_ids {
        body.push_str(&format!("<@{id}> "));
    }
    body.push_str(&clean(text));
    let pieces = split_text(&body, MAX_MESSAGE_CHARS);
    let last = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, content)| {
            let mut message =
                json!({ "content": content, "allowed_mentions": allowed_mentions(mention_ids) });
            if i == last && !buttons.is_empty() {
                message["components"] = components(buttons);
            }
            message
        })
        .collect()
}

/// Discord's limits on a modal: five text inputs, 45-character titles and labels, 4,000 characters
/// an answer.
const MAX_MODAL_INPUTS: usize = 5;
const MAX_MODAL_LABEL_CHARS: usize = 45;
const MAX_INPUT_CHARS: u32 = 4000;

fn cut(text: &str, max_chars: usize) -> String {
    clean(text).chars().take(max_chars).collect()
}

/// A form as a modal: one text input per field, its custom id the field's name.
pub fn modal(form: &Form) -> Value {
    let rows: Vec<Value> = form
        .fields
        .iter()
        .take(MAX_MODAL_INPUTS)
        .map(|field| {
            let input = json!({
                "type": 4,
                "custom_id": field.name,
                "label": cut(&field.label, MAX_MODAL_LABEL_CHARS),
                "style": if field.long { 2 } else { 1 },
                "required": true,
                "max_length": MAX_INPUT_CHARS,
            });
            json!({ "type": 1, "components": [input] })
        })
        .collect();
    json!({
        "custom_id": form.submit.custom_id(),
        "title": cut(&form.title, MAX_MODAL_LABEL_CHARS),
        "components": rows,
    })
}

/// A reply's text: mentions broken, cut to one message.
pub fn reply_text(text: &str) -> String {
    let safe = clean(text);
    if safe.chars().count() <= MAX_MESSAGE_CHARS {
        return safe;
    }
    let mut cut: String = safe.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ButtonAction, TicketRef};

    #[test]
    fn long_text_is_split_under_the_limit_and_nothing_is_lost() {
        let text = "word ".repeat(1000) + "\n" + &"字".repeat(2500);
        let pieces = split_text(&text, MAX_MESSAGE_CHARS);
        assert!(pieces.len() >= 3);
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX_MESSAGE_CHARS));
        let joined: String = pieces.concat();
        let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(letters(&joined), letters(&text));
    }

    #[test]
    fn short_text_is_one_message() {
        assert_eq!(split_text("hello", 2000), ["hello"]);
        assert_eq!(split_text("", 2000), [""]);
    }

    #[test]
    fn echoed_mentions_never_ping_and_intended_ones_do() {
        let messages = messages("@everyone look <@&5>", &[42], &[]);
        let content = messages[0]["content"].as_str().unwrap();
        assert!(content.starts_with("<@42> "));
        assert!(!content.contains("@everyone") && !content.contains("<@&5>"));
        assert_eq!(messages[0]["allowed_mentions"], json!({ "parse": [], "users": ["42"] }));
    }

    #[test]
    fn a_form_becomes_a_modal_within_discords_limits() {
        use crate::domain::{FormField, FormSubmit};
        let field = |i: usize| FormField { name: format!("f{i}"), label: "x".repeat(60), long: i == 0 };
        let form = Form {
            title: "Incident report for T-1, with a title far too long for Discord".into(),
            fields: (0..7).map(field).collect(),
            submit: FormSubmit::Command { name: "report".into(), ticket: TicketRef(1) },
            ask_again: None,
        };
        let modal = modal(&form);
        assert_eq!(modal["custom_id"], "form:cmd:report:T-1");
        assert_eq!(modal["title"].as_str().unwrap().chars().count(), 45);
        let rows = modal["components"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0]["components"][0]["style"], 2);
        assert_eq!(rows[1]["components"][0]["custom_id"], "f1");
        assert_eq!(rows[1]["components"][0]["label"].as_str().unwrap().chars().count(), 45);
    }

    #[test]
    fn buttons_go_on_the_last_piece_with_their_stable_ids() {
        let buttons = [Button::new(ButtonAction::Claim, TicketRef(3), "Claim")];
        let messages = messages(&"x".repeat(4500), &[], &buttons);
        assert_eq!(messages.len(), 3);
        assert!(messages[0].get("components").is_none());
        assert_eq!(messages[2]["components"][0]["components"][0]["custom_id"], "claim:T-3");
    }
}
