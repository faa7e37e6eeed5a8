//! `/kb publish article: problem:`: a draft becomes an article file, searchable at once. The draft
//! holds the customer's own words as its problem; they are never published: staff say the problem
//! for readers (`problem:`, or the form a platform shows), and the title follows from it.

use std::path::Path;

use async_trait::async_trait;

use super::{CommandHandler, optional};
use crate::command::{Args, UsageError};
use crate::domain::{EventKind, Form, FormField, FormSubmit};
use crate::engine::{Ctx, Engine, Failure, Outcome, text};
use crate::kb::{Article, ArticleId, draft_from_ticket, draft_id_for};
use crate::store::{Draft, StoreTx};

pub struct KbPublish {
    article_id: String,
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
                return Err(UsageError(
                    "/kb publish needs article:… (the draft's id, as /kb add printed it)".into(),
                ));
            }
        };
        let problem = optional(args, "problem").filter(|p| crate::domain::text::has_visible_text(p));
        Ok(KbPublish { article_id, problem })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let kb = engine.knowledge_base()?.clone();
        let article_id = &self.article_id;
        let draft = tx.draft(article_id).await?.ok_or_else(|| {
            Failure::User(format!("there is no draft `{article_id}`; /kb add ticket:T-n makes one"))
        })?;
        if draft.published_at.is_some() {
            return Err(Failure::User(format!("`{article_id}` is already published")));
        }
        let mut article = if tx.draft_edited_by(article_id).await?.is_some() {
            as_edited(tx, &draft, self.problem.as_deref(), engine.config.settings.intake.title_chars).await?
        } else {
            let Some(problem) = &self.problem else { return Ok(ask_for_problem(&draft)) };
            edited_article(engine, tx, &draft, problem).await?
        };
        // Who drafted it is its author (`/kb stats` credits them), unless the text names one.
        article.author = article.author.or_else(|| Some(draft.created_by.clone()));
        tokio::task::spawn_blocking(move || kb.publish_article(&article))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
        tx.mark_draft_published(article_id, ctx.at).await?;
        if let Some(mut ticket) = tx.ticket_for_update(draft.ticket).await? {
            let published = EventKind::ArticlePublished { article: article_id.clone() };
            engine.save(tx, ctx, &mut ticket, published).await?;
        }
        Ok(Outcome::public(format!("Published {article_id}: searchable now"), Some(draft.ticket)))
    }
}

/// The draft with the problem (and so the title) in staff's words instead of the customer's.
async fn edited_article(
    engine: &Engine,
    tx: &mut dyn StoreTx,
    draft: &Draft,
    problem: &str,
) -> Result<Article, Failure> {
    let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
    let drafted =
        Article::parse(id, &draft.markdown, Path::new(&draft.article_id)).map_err(anyhow::Error::from)?;
    let ticket = tx
        .ticket_for_update(draft.ticket)
        .await?
        .ok_or_else(|| Failure::User(format!("there is no ticket {}", draft.ticket)))?;
    let mut doc = engine.ticket_doc(&ticket).await?.ok_or_else(|| {
        Failure::User(format!("{} has no resolution to publish an article from", draft.ticket))
    })?;
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
        return Err(Failure::User(crate::engine::text_kb::publish_edited_needs_title(&draft.article_id)));
    }
    Ok(article)
}

fn ask_for_problem(draft: &Draft) -> Outcome {
    let form = Form {
        title: format!("Publish {}", draft.article_id),
        fields: vec![FormField {
            name: "problem".into(),
            label: "The problem, for readers (not the customer's words)".into(),
            long: true,
        }],
        submit: FormSubmit::Command { name: "kb publish".into(), ticket: draft.ticket },
        ask_again: None,
    };
    let usage = format!(
        "`{}` still says the problem in the customer's own words, which are not published; say it for readers: /kb publish article:{} problem:…",
        draft.article_id, draft.article_id
    );
    Outcome::asking(form, usage, Some(draft.ticket))
}
