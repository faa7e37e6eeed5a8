//! The rendering rule every platform shares: text the bot sends may quote what users wrote, so
//! it can never carry a live mass, role or user mention. Intended mentions travel beside the text
//! (`Post::mentions`) and each platform adds them its own way.

pub use crate::domain::text::{clean, neutralize_mentions};

/// Text for a terminal: [`clean`] (no escape sequence can restyle or rewrite the operator's
/// screen, no direction override disguise a line, no mention go live).
pub fn terminal_safe(text: &str) -> String {
    clean(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_loses_escapes_and_direction_overrides() {
        assert_eq!(terminal_safe("a\u{1b}[31mred\u{0}\u{7}\n\tb"), "a[31mred\n b");
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
    fn stripping_never_rejoins_a_mention() {
        for text in ["hi @\u{7}everyone", "<\u{0}@&123>", "@\u{202e}here", "@\u{61c}everyone", "@\u{85}here"]
        {
            let safe = clean(text);
            for live in ["@everyone", "@here", "<@&"] {
                assert!(!safe.contains(live), "{text:?} became {safe:?}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(neutralize_mentions("email bob@example.com about T-1"), "email bob@example.com about T-1");
        assert_eq!(neutralize_mentions("屏幕闪烁"), "屏幕闪烁");
    }
}
