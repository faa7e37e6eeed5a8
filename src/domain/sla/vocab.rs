//! The shared vocabulary the SLA module borrows from the rest of the domain.
//!
//! A re-export, so the module's paths (`sla::vocab::{Severity, Tier}`) name the ticket's own types.

pub use crate::domain::ticket::{Severity, Tier};
