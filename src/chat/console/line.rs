//! The console's line syntax: `USER: TEXT`, where TEXT is a message, a command
//! (`/classify ticket:T-1 reason:"quoted text"`) or a button press (`!press confirm:T-1`, and
//! for a button that asks something, the answer after it: `!press sdecline:T-1 not fleet-wide`),
//! or a message with a file (`!attach screenshot.png the screen after the update`), or a reply to
//! the bot's post about a ticket (`!reply T-2 it happened again`).

use crate::command::Invocation;
use crate::domain::TicketRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub user: String,
    pub input: Input,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Message(String),
    Command(Invocation),
    /// A button press, with the answer to the form the button asks for (`!press sdecline:T-1 why`).
    Press {
        id: String,
        answer: Option<String>,
    },
    /// A message with a file, as a chat app sends a photo with a caption (`!attach FILE [TEXT]`).
    Attach {
        file: String,
        text: String,
    },
    /// A message written as a reply to the bot's post about a ticket, as a chat app's "reply"
    /// does (`!reply T-2 TEXT`).
    Reply {
        ticket: TicketRef,
        text: String,
    },
}

/// Longer is not a name but a mistake, and it would head every line printed for it.
const MAX_USER_CHARS: usize = 64;

/// Parses one line; `Ok(None)` for blank lines and `#` comments.
pub fn parse_line(line: &str) -> Result<Option<Line>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (user, text) = line.split_once(':').ok_or("write lines as USER: TEXT")?;
    let user = user.trim();
    if user.chars().count() > MAX_USER_CHARS {
        return Err(format!("a user name is at most {MAX_USER_CHARS} characters; write lines as USER: TEXT"));
    }
    if user.is_empty() || !user.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(format!("`{user}` is not a user name; write lines as USER: TEXT"));
    }
    let text = text.trim();
    let input = if let Some(command) = text.strip_prefix('/') {
        Input::Command(parse_command(command)?)
    } else if let Some(rest) = text.strip_prefix("!press") {
        let rest = rest.trim();
        let (id, answer) = match rest.split_once(char::is_whitespace) {
            Some((id, answer)) => (id, Some(answer.trim().to_owned())),
            None => (rest, None),
        };
        if id.is_empty() {
            return Err("write !press BUTTON-ID [ANSWER], e.g. !press confirm:T-1".to_owned());
        }
        Input::Press { id: id.to_owned(), answer }
    } else if let Some(rest) = text.strip_prefix("!reply") {
        let rest = rest.trim();
        let (ticket, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let ticket =
            ticket.parse().map_err(|_| "write !reply T-n TEXT, e.g. !reply T-2 it happened again")?;
        Input::Reply { ticket, text: text.trim().to_owned() }
    } else if let Some(rest) = text.strip_prefix("!attach") {
        let rest = rest.trim();
        let (file, caption) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if file.is_empty() {
            return Err("write !attach FILE [TEXT], e.g. !attach screenshot.png it flickers".to_owned());
        }
        Input::Attach { file: file.to_owned(), text: caption.trim().to_owned() }
    } else {
        Input::Message(text.to_owned())
    };
    Ok(Some(Line { user: user.to_owned(), input }))
}

/// `name opt:value opt:"value with spaces"`; inside quotes `\"` and `\\` escape.
fn parse_command(text: &str) -> Result<Invocation, String> {
    let mut chars = text.chars().peekable();
    let name: String = std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
    if name.is_empty() {
        return Err("write a command name after /, e.g. /help".to_owned());
    }
    // A bare word right after the name is a subcommand: `/kb search query:x`.
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    let word: String = chars.clone().take_while(|c| !c.is_whitespace()).collect();
    let subcommand = if !word.is_empty() && !word.contains(':') {
        chars.nth(word.chars().count() - 1);
        Some(word)
    } else {
        None
    };
    let mut options = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != ':' && !c.is_whitespace())).collect();
        if chars.next_if_eq(&':').is_none() {
            return Err(format!(
                "`{key}` is not an option: write name:value, and quote values with spaces (text:\"like this\")"
            ));
        }
        let value = if chars.next_if_eq(&'"').is_some() {
            let mut value = String::new();
            loop {
                match chars.next() {
                    None => return Err(format!("the quote after {key}: is never closed")),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(escaped) => value.push(escaped),
                        None => return Err(format!("the quote after {key}: is never closed")),
                    },
                    Some(c) => value.push(c),
                }
            }
            value
        } else {
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect()
        };
        options.push((key, value));
    }
    Ok(Invocation { name, subcommand, options })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(line: &str) -> Invocation {
        match parse_line(line).unwrap().unwrap().input {
            Input::Command(invocation) => invocation,
            other => panic!("not a command: {other:?}"),
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert_eq!(parse_line("  # a comment").unwrap(), None);
        assert_eq!(parse_line("   ").unwrap(), None);
    }

    #[test]
    fn a_message_keeps_its_colons() {
        let line = parse_line("alice: my screen: it flickers").unwrap().unwrap();
        assert_eq!(line.user, "alice");
        assert_eq!(line.input, Input::Message("my screen: it flickers".into()));
    }

    #[test]
    fn commands_take_plain_and_quoted_options() {
        let invocation = command(r#"bob: /classify ticket:T-1 domain:screen reason:"a \"quoted\" text""#);
        assert_eq!(invocation.name, "classify");
        assert_eq!(
            invocation.options,
            vec![
                ("ticket".into(), "T-1".into()),
                ("domain".into(), "screen".into()),
                ("reason".into(), "a \"quoted\" text".into()),
            ]
        );
    }

    #[test]
    fn malformed_commands_say_what_is_wrong() {
        let cases = [
            ("bob: /", "write a command name"),
            ("bob: /note text:called the customer", "`the` is not an option"),
            ("bob: /note ticket:T-1 oops text:x", "`oops` is not an option"),
            ("bob: /note text:\"open", "never closed"),
            ("no colon here", "USER: TEXT"),
            ("bo b: hi", "not a user name"),
            ("alice: !press", "!press BUTTON-ID"),
            ("alice: !attach", "!attach FILE [TEXT]"),
        ];
        for (line, expected) in cases {
            let error = parse_line(line).unwrap_err();
            assert!(error.contains(expected), "{line}: {error}");
        }
    }

    #[test]
    fn a_bare_word_after_the_name_is_a_subcommand() {
        let invocation = command("alice: /kb search query:退款");
        assert_eq!(invocation.subcommand.as_deref(), Some("search"));
        assert_eq!(invocation.options, vec![("query".into(), "退款".into())]);
        assert_eq!(command("bob: /claim").subcommand, None);
    }

    #[test]
    fn a_press_names_the_button() {
        let line = parse_line("alice: !press confirm:T-3").unwrap().unwrap();
        assert_eq!(line.input, Input::Press { id: "confirm:T-3".into(), answer: None });
        let attach = parse_line("alice: !attach shot.png  after the update").unwrap().unwrap();
        assert_eq!(attach.input, Input::Attach { file: "shot.png".into(), text: "after the update".into() });
        let line = parse_line("erin: !press sdecline:T-3  one phone, not a fleet").unwrap().unwrap();
        assert_eq!(
            line.input,
            Input::Press { id: "sdecline:T-3".into(), answer: Some("one phone, not a fleet".into()) }
        );
    }
}
