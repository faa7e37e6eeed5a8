//! `/kb publish article:`: a draft becomes an article file, searchable at once.

use std::path::Path;

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::EventKind;
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::kb::{Article, ArticleId};
use crate::store::StoreTx;

pub struct KbPublish {
    article: String,
}

#[async_trait]
impl CommandHandler for KbPublish {
    const PATH: &'static str = "kb publish";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        Ok(KbPublish { article: required(args, Self::PATH, "article")? })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let article_id = self.article.as_str();
        let kb = engine.knowledge_base()?.clone();
        let draft = tx.draft(article_id).await?.ok_or_else(|| {
            Failure::User(format!("there is no draft `{article_id}`; /kb add ticket:T-n makes one"))
        })?;
        if draft.published_at.is_some() {
            return Err(Failure::User(format!("`{article_id}` is already published")));
        }
        let id = ArticleId::parse(&draft.article_id).map_err(anyhow::Error::from)?;
        let article =
            Article::parse(id, &draft.markdown, Path::new(&draft.article_id)).map_err(anyhow::Error::from)?;
        tokio::task::spawn_blocking(move || kb.publish_article(&article))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
        tx.mark_draft_published(article_id, ctx.at).await?;
        if let Some(mut ticket) = tx.ticket_for_update(draft.ticket).await? {
            let published = EventKind::ArticlePublished { article: article_id.to_owned() };
            engine.save(tx, ctx, &mut ticket, published).await?;
        }
        Ok(Outcome::public(format!("Published {article_id}: searchable now"), Some(draft.ticket)))
    }
}
