use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::kb::article::{Article, ArticleId, Language};
use crate::kb::error::{IoContext, KbError, Result};

/// A resolved ticket made searchable for engineers ("has this been seen before?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDoc {
    /// The ticket's reference, e.g. `T-12`; publishing the same reference again replaces it.
    pub reference: String,
    pub title: String,
    pub problem: String,
    pub resolution: String,
}

impl TicketDoc {
    pub fn language(&self) -> Language {
        Language::detect(&format!("{} {} {}", self.title, self.problem, self.resolution))
    }

    pub(crate) fn validate_reference(reference: &str) -> Result<()> {
        let valid = !reference.is_empty()
            && reference.len() <= 64
            && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid { Ok(()) } else { Err(KbError::InvalidTicketReference { reference: reference.to_owned() }) }
    }
}

/// Turns a resolved ticket into a draft article for an engineer to review, save into
/// `config/kb/` and publish. The draft is in the ticket's language and keeps the reference in
/// its front matter (`source_ticket`) so the article can be traced back. An empty `domain`
/// makes an article offered in every domain.
pub fn draft_from_ticket(ticket: &TicketDoc, domain: &str) -> Article {
    let language = ticket.language();
    let id = draft_id_for(&ticket.reference);
    let (problem_heading, resolution_heading, note) = match language {
        Language::Zh => {
            ("问题", "解决方法", format!("（根据工单 {} 整理的草稿，发布前请审核。）", ticket.reference))
        }
        Language::En => (
            "Problem",
            "Resolution",
            format!("_Drafted from ticket {}; review before publishing._", ticket.reference),
        ),
    };
    let body = format!(
        "## {problem_heading}\n\n{}\n\n## {resolution_heading}\n\n{}\n\n{note}",
        ticket.problem.trim(),
        ticket.resolution.trim(),
    );
    Article {
        id,
        title: ticket.title.trim().to_owned(),
        tags: vec!["from-ticket".to_owned()],
        domain: Some(domain.trim().to_owned()).filter(|d| !d.is_empty()),
        language,
        source_ticket: Some(ticket.reference.clone()),
        author: None,
        body,
    }
}

/// The id of the article drafted from the ticket `reference` (`T-12` → `ticket-t-12`).
pub fn draft_id_for(reference: &str) -> ArticleId {
    let slug: String = reference
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-') => c,
            _ => '-',
        })
        .take(64)
        .collect();
    ArticleId::parse(&format!("ticket-{slug}"))
        .expect("a slug of a-z, 0-9 and '-' after a fixed prefix is a valid id")
}

/// Published tickets are kept as JSON files beside the index, so a rebuild (an article changed,
/// or the index format did) brings them back: the article files are not their source.
pub(crate) struct TicketStore {
    dir: PathBuf,
}

impl TicketStore {
    pub fn new(dir: PathBuf) -> Result<TicketStore> {
        std::fs::create_dir_all(&dir).at(&dir)?;
        Ok(TicketStore { dir })
    }

    pub fn save(&self, ticket: &TicketDoc) -> Result<()> {
        let path = self.dir.join(format!("{}.json", ticket.reference));
        let json = serde_json::to_vec_pretty(ticket)
            .map_err(|source| KbError::TicketStore { path: path.clone(), source })?;
        write_atomically(&path, &json)
    }

    pub fn load_all(&self) -> Result<Vec<TicketDoc>> {
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(&self.dir).at(&self.dir)? {
            let path = entry.at(&self.dir)?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
        paths.sort();
        paths
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).at(path)?;
                serde_json::from_slice(&bytes)
                    .map_err(|source| KbError::TicketStore { path: path.clone(), source })
            })
            .collect()
    }
}

/// Write to a temporary sibling and rename, so a crash never leaves half a file that would
/// fail to parse on the next start.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).at(&temporary)?;
    std::fs::rename(&temporary, path).at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(title: &str, problem: &str, resolution: &str) -> TicketDoc {
        TicketDoc {
            reference: "T-12".to_owned(),
            title: title.to_owned(),
            problem: problem.to_owned(),
            resolution: resolution.to_owned(),
        }
    }

    #[test]
    fn a_draft_keeps_the_problem_the_resolution_and_the_reference() {
        let draft =
            draft_from_ticket(&ticket("No signal after update", "Bars drop to zero.", "Reset APN."), "rf");
        assert_eq!(draft.id.as_str(), "ticket-t-12");
        assert_eq!(draft.source_ticket.as_deref(), Some("T-12"));
        assert!(draft.body.contains("Bars drop to zero."));
        assert!(draft.body.contains("Reset APN."));
        assert!(draft.to_markdown().contains("source_ticket = \"T-12\""));
    }

    #[test]
    fn a_chinese_ticket_gives_a_chinese_draft() {
        let draft = draft_from_ticket(&ticket("屏幕发绿", "屏幕边缘发绿。", "更换屏幕排线。"), "screen");
        assert_eq!(draft.language, Language::Zh);
        assert!(draft.body.contains("解决方法"));
    }

    #[test]
    fn references_that_are_not_safe_file_names_are_rejected() {
        assert!(TicketDoc::validate_reference("T-12").is_ok());
        assert!(TicketDoc::validate_reference("../T-12").is_err());
        assert!(TicketDoc::validate_reference("").is_err());
    }
}
