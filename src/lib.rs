//! resolvd: a chat-bot driven ticket orchestrator for the "Issue to Resolved" service process.
//! ARCHITECTURE.md has the code map and the rules between the layers.

pub mod domain;
