//! The rendering rule every platform shares: text the bot sends may quote what users wrote, so
//! it can never carry a live mass, role or user mention. Intended mentions travel beside the text
//! (`Post::mentions`) and each platform adds them its own way.

/// A zero-width space: it keeps the text readable and breaks the mention syntax.
const BREAK: char = '\u{200B}';

/// Neutralises `@everyone`, `@here` and `<@…>` / `<@&…>` / `<@!…>` mentions in `text`.
pub fn neutralize_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let (before, from_at) = rest.split_at(at);
        out.push_str(before);
        out.push('@');
        let after = &from_at[1..];
        let mass = ["everyone", "here"].iter().any(|word| after.starts_with(word));
        let user_or_role = before.ends_with('<');
        if mass || user_or_role {
            out.push(BREAK);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Text for a terminal: control characters (escape sequences could restyle or rewrite the
/// operator's screen) and bidirectional overrides (they disguise what a line says) are dropped;
/// newlines and tabs stay.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .filter(|c| matches!(c, '\n' | '\t') || !(c.is_control() || crate::domain::text::is_bidi_control(*c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_loses_escapes_and_direction_overrides() {
        assert_eq!(terminal_safe("a\u{1b}[31mred\u{0}\u{7}\n\tb"), "a[31mred\n\tb");
        assert_eq!(terminal_safe("\u{202e}txt.exe\u{202c}"), "txt.exe");
    }

    #[test]
    fn mass_and_role_mentions_are_broken() {
        for text in
            ["hi @everyone", "@here now", "ping <@&123>", "<@42> and <@!42>", "mail me a@everyone.org"]
        {
            let safe = neutralize_mentions(text);
            for live in ["@everyone", "@here", "<@&", "<@4", "<@!"] {
                assert!(!safe.contains(live), "{safe:?} still contains {live}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(neutralize_mentions("email bob@example.com about T-1"), "email bob@example.com about T-1");
        assert_eq!(neutralize_mentions("屏幕闪烁"), "屏幕闪烁");
    }
}
