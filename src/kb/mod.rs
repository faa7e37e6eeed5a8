//! Knowledge-base search: FAQ articles and resolved tickets, in Chinese and English.
//!
//! Articles are Markdown files with YAML or TOML front matter in `config/kb/` (id = file stem). They
//! are indexed with tantivy into a directory the caller owns; the index is rebuilt only when the
//! article files change. Chinese is indexed as character unigrams and bigrams so one or two
//! characters find an article; English is stemmed, and a word the index does not know is
//! matched against its one-edit neighbours that are plausible typos of it.
//!
//! Architecture invariant: this module knows no chat platform, no database and no engine
//! types; the engine hands it text and gets [`Hit`]s back.

mod analysis;
mod article;
mod error;
mod index;
mod knowledge_base;
pub mod progress;
mod search;
mod similar;
mod ticket;

pub use article::{Article, ArticleId, Language};
pub use error::{KbError, Result};
pub use index::Source;
pub use knowledge_base::{
    ArticleInfo, BuildReason, Document, FileOutcome, Hit, ImportedFile, KnowledgeBase, OpenOutcome,
};
pub use similar::{SIMILAR_RESOLUTIONS, similar_groups, similarity, text_terms};
pub use ticket::{TicketDoc, draft_from_ticket, draft_id_for};
