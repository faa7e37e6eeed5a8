//! Chat platform adapters. Each turns its platform's events into engine events and drains the
//! outbox into its platform, rendering every post through `render`.

pub mod console;
pub mod discord;
pub mod render;
