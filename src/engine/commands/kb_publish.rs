//! `/kb publish article: problem:`: a draft becomes an article of the shared knowledge base (a row,
//! written in the transaction that publishes it), searchable at once here and within seconds on
//! every other instance. The draft
//! holds the customer's own words as its problem; they are never published: staff say the problem
//! for readers (`problem:`, or the form a platform shows), and the title follows from it.

use std::path::Path;

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Form, FormField, FormSubmit, Locale, Msg};
use crate::engine::{Ctx, Engine, Failure, Outcome, text, text_kb};
use crate::kb::{Article, ArticleId, draft_from_ticket, draft_id_for};
use crate::store::kb::KbDocKind;
use crate::store::{Draft, StoreTx};

pub struct KbPublish {
    /// The draft's id, or what is wrong with the options (said in the reader's language).
    article_id: Result<String, Msg>,
    problem: Option<String>,
}

#[async_trait]
impl CommandHandler for KbPublish {
    const PATH: &'static str = "kb publish";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        // A form a platform showed names the draft by its ticket.
        let article_id = match (optional(args, "article"), args.ticket()) {
            (Some(article), _) => article,
            (None, Some(ticket)) => draft_id_for(&ticket.to_string()).to_string(),
            (None, None) => {
                let problem = None;
                return Ok(KbPublish { article_id: Err(text_kb::publish_needs_article()), problem });
            }
        };
        let problem = optional(args, "problem").filter(|p| crate::domain::text::has_visible_text(p));
        Ok(KbPublish { article_id: Ok(article_id), problem })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let article_id = self.article_id.as_ref().map_err(|wrong| Failure::Says(wrong.clone()))?;
        let locale = ctx.locale;
        engine.knowledge_base()?;
        let draft =
            tx.draft(article_id).await?.ok_or_else(|| Failure::Says(text_kb::no_draft(article_id)))?;
        if draft.published_at.is_some() {
            return Err(Failure::User(text_kb::publish_already(article_id, locale)));
        }
        let mut article = if tx.draft_edited_by(article_id).await?.is_some() {
            as_edited(tx, &draft, self.problem.as_deref(), engine.config.settings.intake.title_chars, locale)
                .await?
        } else {
            let Some(problem) = &self.problem else { return Ok(ask_for_problem(&draft, locale)) };
            edited_article(engine, tx, &draft, problem, locale).await?
        };
        // Who drafted it is its author (`/kb stats` credits them), unless the text names one.
        article.author = article.author.or_else(|| Some(draft.created_by.clone()));
        let markdown = article.to_markdown();
        // Read it back first: a row every instance's index takes must read.
        Article::parse(article.id.clone(), &markdown, Path::new(article_id)).map_err(anyhow::Error::from)?;
        tx.mark_draft_published(article_id, ctx.at).await?;
        if let Some(mut ticket) = tx.ticket_for_update(draft.ticket).await? {
            let published = EventKind::ArticlePublished { article: article_id.clone() };
            engine.save(tx, ctx, &mut ticket, published).await?;
        }
        // Last: the shared knowledge base's feed stays locked from here to the commit.
        tx.put_kb_document(KbDocKind::Article, article_id, &markdown, ctx.at).await?;
        Ok(Outcome::public(text_kb::published(article_id, locale), Some(draft.ticket)))
    }

    /// This instance's index takes the article at once; the others follow the feed.
    async fn committed(&self, engine: &Engine, _outcome: &Outcome) {
        engine.follow_now().await;
    }
}

/// The draft with the problem (and so the title) in staff's words instead of the customer's.
async fn edited_article(
    engine: &Engine,
    tx: &mut dyn StoreTx,
    draft: &Draft,
    problem: &str,
    locale: Locale,
) -> Result<Article, Failure> {
    let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
    let drafted =
        Article::parse(id, &draft.markdown, Path::new(&draft.article_id)).map_err(anyhow::Error::from)?;
    let ticket = tx
        .ticket_for_update(draft.ticket)
        .await?
        .ok_or_else(|| Failure::Says(Msg::new("no-such-ticket").shown("ticket", draft.ticket)))?;
    let mut doc = engine
        .ticket_doc(&ticket)
        .await?
        .ok_or_else(|| Failure::User(text_kb::publish_no_resolution(&draft.ticket.to_string(), locale)))?;
    doc.problem = problem.trim().to_owned();
    doc.title = text::title(problem, engine.config.settings.intake.title_chars);
    Ok(draft_from_ticket(&doc, drafted.domain.as_deref().unwrap_or_default()))
}

/// A draft edited with `/kb edit`, as edited. Its title must be staff's: the one `/kb edit` gave,
/// or one made from `problem:`; a title still the customer's own words is refused.
async fn as_edited(
    tx: &mut dyn StoreTx,
    draft: &Draft,
    problem: Option<&str>,
    title_chars: usize,
    locale: Locale,
) -> Result<Article, Failure> {
    let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
    let mut article =
        Article::parse(id, &draft.markdown, Path::new(&draft.article_id)).map_err(anyhow::Error::from)?;
    if let Some(problem) = problem {
        article.title = text::title(problem, title_chars);
        return Ok(article);
    }
    let customers = tx.ticket_for_update(draft.ticket).await?.map(|t| t.title);
    if customers.as_deref().map(str::trim) == Some(article.title.as_str()) {
        return Err(Failure::User(text_kb::publish_edited_needs_title(&draft.article_id, locale)));
    }
    Ok(article)
}

fn ask_for_problem(draft: &Draft, locale: Locale) -> Outcome {
    let form = Form {
        title: text_kb::publish_form_title(&draft.article_id, locale),
        fields: vec![FormField {
            name: "problem".into(),
            label: text_kb::publish_form_problem_label(locale),
            long: true,
        }],
        submit: FormSubmit::Command { name: "kb publish".into(), ticket: draft.ticket },
        ask_again: None,
    };
    Outcome::asking(form, text_kb::publish_usage(&draft.article_id, locale), Some(draft.ticket))
}
