use std::path::PathBuf;

/// Everything the knowledge base can fail with.
///
/// Messages name the file and what is wrong with it, because most of these surface at start-up
/// and the person reading them has to fix a file in `config/kb/`.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("cannot access {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// `line` is the line of the file that is wrong, when one is.
    #[error("article {}: {reason}", located(path, *line))]
    InvalidArticle { path: PathBuf, line: Option<usize>, reason: String },

    #[error("invalid article id {id:?}: use 1 to 80 characters from a-z, 0-9, '-' and '_'")]
    InvalidArticleId { id: String },

    #[error("invalid ticket reference {reference:?}: use 1 to 64 characters from A-Z, a-z, 0-9, '-' and '_'")]
    InvalidTicketReference { reference: String },

    #[error("ticket store file {path}")]
    TicketStore {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error("search index")]
    Index(#[from] tantivy::TantivyError),

    #[error(
        "the knowledge base is read-only in this process: only the serving `resolvd run` writes it (stop it to import or reindex)"
    )]
    ReadOnly,
}

/// `path:line`, the form editors and terminals jump to.
fn located(path: &std::path::Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

pub type Result<T, E = KbError> = std::result::Result<T, E>;

pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| KbError::Io { path: path.into(), source })
    }
}
