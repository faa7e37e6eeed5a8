//! The languages the bot speaks, and a text for a person as a catalogue key with its arguments:
//! the domain says what is said, `crate::i18n` says how, in the reader's language.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language resolvd has a message catalogue for (`locales/<tag>.ftl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub enum Locale {
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Locale {
    /// Every language, English first (the reference catalogue).
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The BCP 47 tag, as the catalogue's file is named and Discord names it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// A tag as people and platforms write it: `en`, `en-US`, `en-GB`, `zh`, `zh-CN`, `zh_Hans`,
    /// `zh-TW` (Traditional readers get Simplified rather than English). Case does not matter.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        match tag.split(['-', '_']).next().unwrap_or_default() {
            "en" => Some(Locale::En),
            "zh" => Some(Locale::ZhCn),
            _ => None,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl TryFrom<String> for Locale {
    type Error = String;

    fn try_from(tag: String) -> Result<Self, Self::Error> {
        Locale::parse(&tag).ok_or_else(|| {
            let known: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
            format!("`{tag}` is not a language resolvd speaks; write one of {}", known.join(", "))
        })
    }
}

impl From<Locale> for String {
    fn from(locale: Locale) -> String {
        locale.tag().to_owned()
    }
}

/// A value a message takes: text is put in as it is, a number also picks the plural form.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Arg::Text(text.clone())
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(n: $t) -> Self {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(u8, u32, u64, usize, i32, i64);

/// A text for a person, not yet in any language: a catalogue key and its named arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg { key, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    /// Shorthand for a displayable value (a ticket reference, a tier) as text.
    pub fn shown(self, name: &'static str, value: impl fmt::Display) -> Msg {
        self.arg(name, value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_as_platforms_and_people_write_them() {
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh_Hans"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert!(Locale::try_from("de".to_owned()).unwrap_err().contains("en, zh-CN"));
    }
}
