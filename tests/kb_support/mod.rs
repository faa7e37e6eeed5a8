//! Shared set-up for the knowledge-base tests: every test gets its own copy of the sample
//! articles and its own index directory, so tests can publish and edit freely in parallel.

// Not `expect`: every test crate compiles this module, and each uses a different part of it.
#![allow(dead_code, reason = "each test crate uses a different part of the shared set-up")]

use std::path::{Path, PathBuf};

use resolvd::kb::KnowledgeBase;
use tempfile::TempDir;

pub struct Sample {
    /// Removed when the test ends.
    pub dir: TempDir,
    pub kb: KnowledgeBase,
}

impl Sample {
    pub fn articles_dir(&self) -> PathBuf {
        self.dir.path().join("articles")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Opens another instance over the same directories, as a restart would.
    pub fn reopen(self) -> Sample {
        let Sample { dir, kb } = self;
        drop(kb);
        let kb = KnowledgeBase::open(&dir.path().join("articles"), &dir.path().join("index"))
            .expect("reopening the knowledge base");
        Sample { dir, kb }
    }
}

pub fn sample_kb() -> Sample {
    let dir = tempfile::tempdir().expect("temporary directory");
    let articles = dir.path().join("articles");
    copy_sample_articles(&articles);
    let kb = KnowledgeBase::open(&articles, &dir.path().join("index")).expect("opening the sample");
    Sample { dir, kb }
}

pub fn copy_sample_articles(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kb");
    std::fs::create_dir_all(to).expect("creating the articles directory");
    for entry in std::fs::read_dir(from).expect("reading config/kb") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::copy(&path, to.join(path.file_name().expect("file name"))).expect("copying an article");
        }
    }
}

/// Ids of the hits for `query`, best first.
pub fn ids(kb: &KnowledgeBase, query: &str, limit: usize) -> Vec<String> {
    kb.search(query, limit).expect("search").into_iter().map(|hit| hit.id).collect()
}
