//! Button presses, one module per [`ButtonAction`]. The engine has found the pressed ticket and
//! opened the transaction that claims the press; a handler checks who pressed and does the rest.

mod claim;
mod close_own;
mod confirm;
mod need_help;
mod not_fixed;
mod rate;
mod report;
mod revisit;
mod sconfirm;
mod sdecline;
mod solved;
mod stormconfirm;
mod stormdecline;

pub(super) use sconfirm::open_s_incident;

use std::collections::HashMap;

use async_trait::async_trait;

use super::{Ctx, Engine, Failure, Outcome};
use crate::domain::{ButtonAction, Ticket};
use crate::store::StoreTx;

/// What came with a press: the button's value (`rate:T-1:4`) and the answer to its form.
pub(super) struct Press<'a> {
    pub value: Option<&'a str>,
    pub answer: Option<&'a str>,
}

#[async_trait]
pub(super) trait ButtonHandler: Send + Sync {
    fn action(&self) -> ButtonAction;

    async fn press(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ctx: &Ctx<'_>,
        ticket: &mut Ticket,
        press: &Press<'_>,
    ) -> Result<Outcome, Failure>;
}

pub(super) struct ButtonRegistry {
    handlers: HashMap<ButtonAction, Box<dyn ButtonHandler>>,
}

impl ButtonRegistry {
    pub(super) fn builtin() -> ButtonRegistry {
        let handlers: [Box<dyn ButtonHandler>; 13] = [
            Box::new(claim::Claim),
            Box::new(close_own::CloseOwn),
            Box::new(confirm::Confirm),
            Box::new(need_help::NeedHelp),
            Box::new(not_fixed::NotFixed),
            Box::new(rate::Rate),
            Box::new(report::Report),
            Box::new(revisit::Revisit),
            Box::new(sconfirm::SConfirm),
            Box::new(sdecline::SDecline),
            Box::new(solved::Solved),
            Box::new(stormconfirm::StormConfirm),
            Box::new(stormdecline::StormDecline),
        ];
        ButtonRegistry { handlers: handlers.into_iter().map(|h| (h.action(), h)).collect() }
    }

    pub(super) fn get(&self, action: ButtonAction) -> Result<&dyn ButtonHandler, Failure> {
        self.handlers
            .get(&action)
            .map(Box::as_ref)
            .ok_or_else(|| Failure::Internal(anyhow::anyhow!("no handler for the {action} button")))
    }
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn every_button_action_has_exactly_one_handler() {
        let registry = ButtonRegistry::builtin();
        assert_eq!(registry.handlers.len(), ButtonAction::VARIANTS.len());
        for action in ButtonAction::VARIANTS {
            assert!(registry.get(*action).is_ok(), "{action} has no handler");
        }
    }
}
