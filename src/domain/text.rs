//! Facts about text that rules depend on.

/// Characters that change the direction text is shown in: they can make a line read differently
/// from what it holds.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// A zero-width space: it keeps the text readable and breaks the mention syntax.
const MENTION_BREAK: char = '\u{200B}';

/// A number with its noun: `1 ticket`, `2 tickets`, `1 due ticket`. `plural` is the noun for
/// any other count.
pub fn count(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Text fit to show anywhere: C0 and C1 control characters (terminal escapes, NUL, BEL) and
/// direction controls are dropped, tabs become spaces, newlines stay; then `@everyone`, `@here`
/// and `<@…>` mentions are neutralised. In that order: stripping after neutralising would rejoin
/// `@\x07everyone` into a live mention. Every renderer, the command line and error messages use it.
pub fn clean(text: &str) -> String {
    let stripped: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect();
    neutralize_mentions(&stripped)
}

/// The first `max_chars` characters of `text`, borrowed.
pub fn prefix(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// [`clean`], cut to `max_chars` with a word on how much was left out: for echoing a value back
/// in an error, where a megabyte would bury the message.
pub fn elide(text: &str, max_chars: usize) -> String {
    let cleaned = clean(text);
    let total = cleaned.chars().count();
    if total <= max_chars {
        return cleaned;
    }
    let kept: String = cleaned.chars().take(max_chars).collect();
    format!("{kept}… ({} more characters)", total - max_chars)
}

/// Neutralises `@everyone`, `@here` and `<@…>` / `<@&…>` / `<@!…>` mentions in `text`. Only
/// safe on text already stripped of control characters: use [`clean`].
pub fn neutralize_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let (before, from_at) = rest.split_at(at);
        out.push_str(before);
        out.push('@');
        let after = &from_at[1..];
        let mass = ["everyone", "here"].iter().any(|word| after.starts_with(word));
        let user_or_role = before.ends_with('<') && !after.starts_with(MENTION_BREAK);
        if mass || user_or_role {
            out.push(MENTION_BREAK);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Invisible characters: zero-width spaces and joiners, word joiners, byte-order marks, and
/// direction controls.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
        || is_bidi_control(c)
}

/// Whether a person would see anything in `text`.
pub fn has_visible_text(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace() && !c.is_control() && !is_invisible(c))
}

/// `text` as one line for a listing: line breaks and tabs become spaces (a field must not break
/// its row), other control characters (terminal escapes) and direction overrides are dropped.
pub fn one_line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// FNV-1a: a hash that stays the same across Rust releases (std's hasher may change), for ids and
/// fingerprints a later run must recognise.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_field_stays_on_its_line_and_carries_no_escape() {
        assert_eq!(one_line("black\tscreen\n\u{1b}[2Jgone\u{202e}"), "black screen [2Jgone");
        assert_eq!(one_line("屏幕 flickers"), "屏幕 flickers");
    }

    #[test]
    fn invisible_and_blank_text_has_nothing_to_see() {
        for blank in ["", "  \n\t", "\u{200b}", "\u{feff}\u{202e}", "\u{0}"] {
            assert!(!has_visible_text(blank), "{blank:?}");
        }
        for visible in ["a", " 退 ", "👍"] {
            assert!(has_visible_text(visible), "{visible:?}");
        }
    }
}
