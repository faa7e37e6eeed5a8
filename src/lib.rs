//! resolvd: a chat-bot driven ticket orchestrator for the "Issue to Resolved" service process.
//! ARCHITECTURE.md has the code map and the rules between the layers.

pub mod access;
pub mod app;
pub mod chat;
pub mod cli;
pub mod command;
pub mod config;
pub mod domain;
pub mod engine;
pub mod i18n;
pub mod inspect;
pub mod kb;
pub mod memory;
pub mod metrics;
pub mod registry;
pub mod scheduler;
pub mod store;
pub mod web;
pub mod webhooks;
