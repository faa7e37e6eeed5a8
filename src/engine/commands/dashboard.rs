//! `/dashboard`: a private, one-time sign-in link to the web cockpit.

use async_trait::async_trait;

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
            return Err(Failure::user(
                "the dashboard is not served here (web.listen is empty, or its address was busy)",
            ));
        };
        let link = signer.login_link(base, ctx.actor, ctx.at);
        Ok(Outcome::private(
            format!(
                "Your sign-in link to the dashboard (it works once, for {} minutes; do not share it):\n{link}",
                crate::access::LINK_MINUTES
            ),
            None,
        ))
    }
}
