//! resolvd: a chat-bot driven ticket orchestrator for the "Issue to Resolved" service process.
//! ARCHITECTURE.md has the code map and the rules between the layers.

pub mod domain;
pub mod store;
pub mod command;
pub mod config;
pub mod engine;
pub mod chat;
pub mod app;
pub mod cli;
pub mod inspect;
