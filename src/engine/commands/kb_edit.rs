//! `/kb edit draft: text: [title:]`: rewrite a draft before it is published. The text replaces the
//! draft's body (Markdown), the title its title when given; `/kb publish` then publishes the draft
//! as edited. Without `text:` a platform with forms asks for the title and the text (a modal on
//! Discord).

use std::path::Path;

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{Form, FormField, FormSubmit, Locale, Msg};
use crate::engine::{Ctx, Engine, Failure, Outcome, text_kb};
use crate::kb::{Article, ArticleId, draft_id_for};
use crate::store::{Draft, StoreTx};

/// An article's text: what a Discord modal's paragraph takes.
const MAX_TEXT_CHARS: usize = 4_000;

/// A title, as readers see it in an offer.
const MAX_TITLE_CHARS: usize = 120;

/// The command, or what is wrong with its options (said in the reader's language when it runs).
pub struct KbEdit(Result<Edit, Msg>);

#[derive(Debug)]
struct Edit {
    article_id: String,
    text: Option<String>,
    title: Option<String>,
}

/// The edit the options ask for, or what is wrong with them.
fn edit_of(args: &Args) -> Result<Edit, Msg> {
    // A form a platform showed names the draft by its ticket.
    let article_id = match (optional(args, "draft"), args.ticket()) {
        (Some(draft), _) => draft,
        (None, Some(ticket)) => draft_id_for(&ticket.to_string()).to_string(),
        (None, None) => return Err(text_kb::edit_needs_draft()),
    };
    let text = optional(args, "text");
    if let Some(text) = &text {
        check(text, "text", MAX_TEXT_CHARS, text_kb::edit_empty)?;
    }
    let title = optional(args, "title");
    if let Some(title) = &title {
        check(title, "title", MAX_TITLE_CHARS, text_kb::edit_title_empty)?;
    }
    Ok(Edit { article_id, text, title })
}

#[async_trait]
impl CommandHandler for KbEdit {
    const PATH: &'static str = "kb edit";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(KbEdit(edit_of(args)))
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let edit = self.0.as_ref().map_err(|wrong| Failure::Says(wrong.clone()))?;
        let locale = ctx.locale;
        engine.knowledge_base()?;
        let shown = crate::domain::text::elide(&edit.article_id, 80);
        let draft =
            tx.draft(&edit.article_id).await?.ok_or_else(|| Failure::Says(text_kb::no_draft(&shown)))?;
        if draft.published_at.is_some() {
            return Err(Failure::User(text_kb::draft_already_published(&draft.article_id, locale)));
        }
        let Some(text) = &edit.text else { return Ok(ask_for_text(&draft, locale)) };
        let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
        let path = Path::new(&draft.article_id);
        let mut article = Article::parse(id.clone(), &draft.markdown, path).map_err(anyhow::Error::from)?;
        article.body = text.trim().to_owned();
        if let Some(title) = &edit.title {
            article.title = crate::domain::text::one_line(title.trim());
        }
        let markdown = article.to_markdown();
        // Read it back first: a draft that would not publish must not be saved.
        Article::parse(id, &markdown, path).map_err(|e| Failure::User(e.to_string()))?;
        if !tx.edit_draft(&draft.article_id, &markdown, ctx.actor, ctx.at).await? {
            return Err(Failure::Says(text_kb::no_draft(&shown)));
        }
        Ok(Outcome::private(text_kb::edited(&draft.article_id, &markdown, locale), Some(draft.ticket)))
    }
}

/// Refuses a value with nothing visible in it, or one longer than `max_chars`.
fn check(value: &str, field: &str, max_chars: usize, empty: fn() -> Msg) -> Result<(), Msg> {
    if !crate::domain::text::has_visible_text(value) {
        return Err(empty());
    }
    let chars = value.trim().chars().count();
    if chars > max_chars {
        return Err(text_kb::edit_too_long(field, max_chars, chars));
    }
    Ok(())
}

fn ask_for_text(draft: &Draft, locale: Locale) -> Outcome {
    let form = Form {
        title: text_kb::edit_form_title(&draft.article_id, locale),
        fields: vec![
            FormField { name: "title".into(), label: text_kb::edit_form_title_label(locale), long: false },
            FormField { name: "text".into(), label: text_kb::edit_form_text_label(locale), long: true },
        ],
        submit: FormSubmit::Command { name: "kb edit".into(), ticket: draft.ticket },
        ask_again: None,
    };
    Outcome::asking(form, text_kb::edit_usage(&draft.article_id, locale), Some(draft.ticket))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Invocation;

    /// The edit, or what is wrong in English.
    fn parse(options: &[(&str, &str)]) -> Result<Edit, String> {
        let config = crate::config::Config::load(crate::config::ConfigSource::Embedded, std::iter::empty())
            .expect("the sample config loads");
        let invocation = Invocation {
            name: "kb".into(),
            subcommand: Some("edit".into()),
            options: options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        let (_, args) = config.commands.check(&invocation).map_err(|e| e.0)?;
        let KbEdit(edit) = KbEdit::parse(&args).map_err(|e| e.0)?;
        edit.map_err(|wrong| crate::i18n::text(Locale::En, &wrong))
    }

    #[test]
    fn a_draft_is_named_by_its_id_or_its_ticket() {
        assert_eq!(parse(&[("draft", "ticket-t-3"), ("text", "x")]).unwrap().article_id, "ticket-t-3");
        assert_eq!(parse(&[("ticket", "T-3"), ("text", "x")]).unwrap().article_id, "ticket-t-3");
        assert!(parse(&[("text", "x")]).unwrap_err().contains("needs draft:"));
    }

    #[test]
    fn empty_and_too_long_text_are_refused_with_what_is_wrong() {
        let invisible = parse(&[("draft", "d"), ("text", "\u{200b}")]).unwrap_err();
        assert!(invisible.contains("text: is empty"), "{invisible}");
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let error = parse(&[("draft", "d"), ("text", &long)]).unwrap_err();
        assert!(error.contains("4001 characters") && error.contains("at most 4000"), "{error}");
        let title = "t".repeat(MAX_TITLE_CHARS + 1);
        assert!(parse(&[("draft", "d"), ("text", "x"), ("title", &title)]).is_err());
        assert!(parse(&[("draft", "d")]).unwrap().text.is_none(), "no text: the form asks for it");
    }
}
