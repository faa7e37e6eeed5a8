//! Typed option values that more than one command reads.

use crate::domain::Tier;

/// Where `/escalate to:` sends a ticket: a higher tier, or S-level (which a domain owner confirms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalateTo {
    Tier(Tier),
    SLevel,
}

impl std::str::FromStr for EscalateTo {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        if text == "S" {
            return Ok(EscalateTo::SLevel);
        }
        text.parse().map(EscalateTo::Tier).map_err(|_| ())
    }
}
