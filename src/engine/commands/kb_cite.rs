//! `/kb cite article: [ticket]`: staff record that an article helped with a ticket (counted once a
//! ticket; `/resolve`, `/note` and replies that name `kb:ID` count the same way).

use async_trait::async_trait;

use super::{CommandHandler, required};
use crate::command::{Args, UsageError};
use crate::domain::TicketRef;
use crate::engine::{Ctx, Engine, Failure, Outcome, text_kb};
use crate::store::StoreTx;

pub struct KbCite {
    article: String,
    ticket: Option<TicketRef>,
}

#[async_trait]
impl CommandHandler for KbCite {
    const PATH: &'static str = "kb cite";

    fn parse(args: &Args) -> Result<Self, UsageError> {
        let article = required(args, Self::PATH, "article")?;
        // `kb:ID` as /kb search prints it is taken as the id.
        let article = article.strip_prefix("kb:").unwrap_or(&article).trim().to_owned();
        Ok(KbCite { article, ticket: args.ticket() })
    }

    async fn handle(&self, engine: &Engine, tx: &mut dyn StoreTx, ctx: &Ctx<'_>) -> Result<Outcome, Failure> {
        let kb = engine.knowledge_base()?;
        let shown = crate::domain::text::elide(&self.article, 80);
        let info = kb
            .article(&self.article)
            .map_err(anyhow::Error::from)?
            .ok_or_else(|| Failure::User(text_kb::no_such_article(&shown, ctx.locale)))?;
        let ticket = engine.target(tx, ctx, self.ticket).await?;
        let reference = ticket.reference.to_string();
        let text = if engine.cite(tx, ctx, ticket.reference, &info.id, "cite").await? {
            text_kb::cited(&info.id, &info.title, &reference, ctx.locale)
        } else {
            text_kb::cited_before(&info.id, &reference, ctx.locale)
        };
        Ok(Outcome::private(text, Some(ticket.reference)))
    }
}
