//! `/dashboard`: a private, one-time sign-in link to the web cockpit.

use async_trait::async_trait;

use crate::t;

use super::CommandHandler;
use crate::command::{Args, UsageError};
use crate::engine::{Ctx, Engine, Failure, Outcome};
use crate::store::StoreTx;

pub struct Dashboard;

#[async_trait]
impl CommandHandler for Dashboard {
    const PATH: &'static str = "dashboard";

    fn parse(_args: &Args) -> Result<Self, UsageError> {
        Ok(Dashboard)
    }

    async fn handle(
        &self,
        engine: &Engine,
        _tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
    ) -> Result<Outcome, Failure> {
        let Some((base, signer)) = engine.cockpit() else {
            return Err(Failure::user(t!(ctx.locale, "dashboard-not-served")));
        };
        let link = signer.login_link(base, ctx.actor, ctx.at);
        Ok(Outcome::private(
            t!(ctx.locale, "dashboard-link", minutes = crate::access::LINK_MINUTES, link = link.as_str()),
            None,
        ))
    }
}
