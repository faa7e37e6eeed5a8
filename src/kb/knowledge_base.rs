use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
};

use crate::kb::analysis::{TOKENIZER, index_analyzer};
use crate::kb::article::{Article, ArticleId, Language, article_files, id_from_path};
use crate::kb::error::{IoContext, KbError, Result};
use crate::kb::index::{
    Fields, Fingerprint, Source, article_document, article_key, file_hash, schema, ticket_document,
    ticket_key,
};
use crate::kb::search::{Plan, only};
use crate::kb::ticket::{TicketDoc, TicketStore, write_atomically};

/// A customer message gets at most this many articles, as the design's intake reply says.
const MAX_SUGGESTIONS: usize = 3;

/// Suggestions are picked from this many of the best-scoring articles.
const SUGGESTION_CANDIDATES: usize = 10;

/// Share of the message's weighted words an article must hold to be suggested. Measured on
/// the labelled messages in `benches/kb_queries.toml`: the right article for an on-topic
/// message held 0.51 or more; off-topic messages whose words touched a title or tags held at
/// most 0.40 (see NOTES.md).
const MIN_COVERAGE: f32 = 0.45;

/// A second or third suggestion must score at least this share of the first, so a strong
/// answer is not padded with weak ones.
const MIN_SHARE_OF_BEST: f32 = 0.4;

/// Indexing memory per writer thread; tantivy needs at least 15 MB.
const WRITER_HEAP_PER_THREAD: usize = 40_000_000;

/// A search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Article id (file stem) or ticket reference.
    pub id: String,
    pub title: String,
    pub source: Source,
    /// BM25 with field boosts; only comparable within one query.
    pub score: f32,
    /// The article's domain; `None` for tickets and for articles offered in every domain.
    pub domain: Option<String>,
    pub language: Language,
    /// An article's first lines, for a customer to read before pressing "solved it"; empty for
    /// tickets.
    pub summary: String,
}

/// An article as `/kb stats` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleInfo {
    pub id: String,
    pub title: String,
    /// Front matter's `author`; `None` when the article names none.
    pub author: Option<String>,
}

/// What [`KnowledgeBase::import_each`] did with one file of the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    pub path: PathBuf,
    pub outcome: FileOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Copied into the articles directory and indexed under this id.
    Imported(ArticleId),
    /// Left out, and why (the error names the file, and its line when there is one).
    Refused(String),
}

/// Why [`KnowledgeBase::open`] built the index instead of reusing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildReason {
    /// No index in the index directory.
    Missing,
    /// Article files were added, removed or edited since the index was built.
    Stale,
    /// The index on disk was written by a build with a different schema, or is unreadable.
    Incompatible,
}

/// What [`KnowledgeBase::open`] did with the index it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenOutcome {
    Reused,
    Built(BuildReason),
}

/// The knowledge base: article files, published tickets, and the search index over them.
///
/// Searching needs no lock and runs in parallel; writes (publish, import, rebuild) take turns.
/// One process at a time holds the writer (tantivy's lock file says who); the others open it
/// read-only (an operator's `kb search` or `jobs run-once` beside a running bot).
pub struct KnowledgeBase {
    articles_dir: PathBuf,
    fields: Fields,
    reader: IndexReader,
    tickets: TicketStore,
    writer: Option<Mutex<WriteState>>,
    opened: OpenOutcome,
}

struct WriteState {
    writer: IndexWriter,
    /// Fingerprint of the article files as last committed.
    fingerprint: Fingerprint,
    /// The shared knowledge base's change feed, applied up to this position (0: none of it; a
    /// build from files starts again from 0).
    feed: i64,
}

/// A document of the shared knowledge base (the database's rows), applied to the index by
/// [`KnowledgeBase::apply_feed`].
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Article(Article),
    Ticket(TicketDoc),
}

/// Article files read from a directory, with the fingerprint of exactly those files.
struct Scan {
    files: Vec<ScannedFile>,
    fingerprint: Fingerprint,
}

struct ScannedFile {
    file_name: String,
    text: String,
    article: Article,
}

impl KnowledgeBase {
    /// Opens the index in `index_dir` over the articles in `articles_dir`, building it when it
    /// is missing, stale or from an incompatible version. Fails on the first invalid article,
    /// naming the file.
    pub fn open(articles_dir: &Path, index_dir: &Path) -> Result<KnowledgeBase> {
        KnowledgeBase::open_with_progress(articles_dir, index_dir, &|_, _| {})
    }

    /// [`KnowledgeBase::open`], calling `progress(done, total)` while it builds.
    pub fn open_with_progress(
        articles_dir: &Path,
        index_dir: &Path,
        progress: &dyn Fn(usize, usize),
    ) -> Result<KnowledgeBase> {
        let tantivy_dir = index_dir.join("tantivy");
        std::fs::create_dir_all(&tantivy_dir).at(&tantivy_dir)?;
        let tickets = TicketStore::new(index_dir.join("tickets"))?;
        // Hashing alone decides whether to rebuild: unchanged files were already parsed
        // successfully by the build that recorded this fingerprint.
        let mut fingerprint = fingerprint_of(articles_dir)?;

        let (index, fields, found) = open_index(&tantivy_dir)?;
        let mut writer = new_writer(&index)?;
        let recorded = index.load_metas()?.payload.map(|payload| Payload::parse(&payload));
        let opened = match (found, &recorded) {
            (Some(reason), _) => OpenOutcome::Built(reason),
            (None, Some(recorded)) if recorded.fingerprint == fingerprint.to_payload() => OpenOutcome::Reused,
            (None, _) => OpenOutcome::Built(BuildReason::Stale),
        };
        let mut feed = recorded.map(|r| r.feed).unwrap_or(0);
        if let OpenOutcome::Built(reason) = opened {
            let scan = scan(articles_dir, false)?;
            tracing::info!(?reason, articles = scan.files.len(), "building knowledge-base index");
            build(&mut writer, &index, &fields, &scan, &tickets.load_all()?, progress)?;
            fingerprint = scan.fingerprint;
            feed = 0;
        }
        let reader = index
            .reader_builder()
            // Every write reloads explicitly, so a publish is visible to the very next search
            // instead of whenever a background watcher notices.
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(KnowledgeBase {
            articles_dir: articles_dir.to_owned(),
            fields,
            reader,
            tickets,
            writer: Some(Mutex::new(WriteState { writer, fingerprint, feed })),
            opened,
        })
    }

    /// Opens the index for searching only, as built by whichever process holds the writer; the
    /// articles are not checked (that process rebuilds a stale index). With no usable index yet,
    /// it opens for writing to build one, which fails while another process holds the writer.
    pub fn open_read_only(articles_dir: &Path, index_dir: &Path) -> Result<KnowledgeBase> {
        let tantivy_dir = index_dir.join("tantivy");
        let (index, fields, found) = match open_index(&tantivy_dir) {
            Ok(opened) => opened,
            Err(_) => return KnowledgeBase::open(articles_dir, index_dir),
        };
        if found.is_some() {
            return KnowledgeBase::open(articles_dir, index_dir);
        }
        let tickets = TicketStore::new(index_dir.join("tickets"))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(KnowledgeBase {
            articles_dir: articles_dir.to_owned(),
            fields,
            reader,
            tickets,
            writer: None,
            opened: OpenOutcome::Reused,
        })
    }

    /// The articles of a folder, each with its file, read and checked as an import would.
    pub fn read_articles(dir: &Path) -> Result<Vec<(PathBuf, Article)>> {
        let scan = scan(dir, false)?;
        Ok(scan.files.into_iter().map(|f| (dir.join(&f.file_name), f.article)).collect())
    }

    /// Whether this process may write (publish, import, rebuild).
    pub fn is_writable(&self) -> bool {
        self.writer.is_some()
    }

    /// Whether opening reused the index on disk or built it, and why.
    pub fn open_outcome(&self) -> OpenOutcome {
        self.opened
    }

    /// Number of searchable documents (articles and tickets).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Re-reads every article file and published ticket and replaces the whole index.
    pub fn rebuild(&self) -> Result<()> {
        self.rebuild_with_progress(&|_, _| {})
    }

    /// [`KnowledgeBase::rebuild`], calling `progress(done, total)` per document.
    pub fn rebuild_with_progress(&self, progress: &dyn Fn(usize, usize)) -> Result<()> {
        let mut state = self.lock()?;
        let index = self.reader.searcher().index().clone();
        let outcome = scan(&self.articles_dir, false).and_then(|scan| {
            let tickets = self.tickets.load_all()?;
            build(&mut state.writer, &index, &self.fields, &scan, &tickets, progress)?;
            Ok(scan.fingerprint)
        });
        match outcome {
            Ok(fingerprint) => {
                state.fingerprint = fingerprint;
                // The feed's documents went with the delete-all: the follower applies them again.
                state.feed = 0;
                self.reader.reload()?;
                Ok(())
            }
            Err(error) => {
                // The delete-all and any documents added before the failure must not reach
                // a later commit.
                if let Err(rollback) = state.writer.rollback() {
                    tracing::error!(%rollback, "rolling back the knowledge-base writer failed");
                }
                Err(error)
            }
        }
    }

    /// Copies the articles of another folder into the articles directory and indexes them,
    /// replacing articles with the same id. Every file is checked before any is copied, so a
    /// bad file leaves the knowledge base as it was. Returns how many were imported.
    pub fn import_dir(&self, dir: &Path) -> Result<usize> {
        self.import_dir_with_progress(dir, &|_, _| {})
    }

    /// [`KnowledgeBase::import_dir`], calling `progress(done, total)` per article.
    pub fn import_dir_with_progress(&self, dir: &Path, progress: &dyn Fn(usize, usize)) -> Result<usize> {
        if same_dir(dir, &self.articles_dir) {
            self.rebuild_with_progress(progress)?;
            return Ok(scan(dir, false)?.files.len());
        }
        let incoming = scan(dir, true)?;
        let total = incoming.files.len();
        self.write(|state| {
            for (done, file) in incoming.files.iter().enumerate() {
                self.store_article_file(state, &file.file_name, &file.text)?;
                let key = article_key(&self.fields, file.article.id.as_str());
                state.writer.delete_term(key);
                let document = article_document(&self.fields, &file.article);
                state.writer.add_document(document)?;
                progress(done + 1, total);
            }
            Ok(())
        })?;
        Ok(total)
    }

    /// Imports a folder file by file: each article that reads and that `accept` takes (it
    /// returns why not, or `None`) is copied into the articles directory, replacing one with the
    /// same id, and all of them are indexed in one commit; every other file is reported with
    /// the reason, and changes nothing. `progress(done, total)` is called per imported article.
    pub fn import_each(
        &self,
        dir: &Path,
        accept: &dyn Fn(&Article) -> Option<String>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<ImportedFile>> {
        let mut report = Vec::new();
        let mut taken = Vec::new();
        for (path, read) in read_each(dir)? {
            match read.map(|file| (accept(&file.article), file)) {
                Ok((None, file)) => {
                    report
                        .push(ImportedFile { path, outcome: FileOutcome::Imported(file.article.id.clone()) });
                    taken.push(file);
                }
                Ok((Some(reason), _)) => {
                    let reason = format!("article {}: {reason}", path.display());
                    report.push(ImportedFile { path, outcome: FileOutcome::Refused(reason) });
                }
                Err(error) => {
                    report.push(ImportedFile { path, outcome: FileOutcome::Refused(error.to_string()) })
                }
            }
        }
        if same_dir(dir, &self.articles_dir) {
            // The files are already where they belong; a refused one would stop the rebuild,
            // and must be fixed (or removed) there.
            if report.iter().all(|f| matches!(f.outcome, FileOutcome::Imported(_))) {
                self.rebuild_with_progress(progress)?;
            }
            return Ok(report);
        }
        let total = taken.len();
        if total == 0 {
            return Ok(report);
        }
        self.write(|state| {
            for (done, file) in taken.iter().enumerate() {
                self.store_article_file(state, &file.file_name, &file.text)?;
                let key = article_key(&self.fields, file.article.id.as_str());
                state.writer.delete_term(key);
                state.writer.add_document(article_document(&self.fields, &file.article))?;
                progress(done + 1, total);
            }
            Ok(())
        })?;
        Ok(report)
    }

    /// Saves `article` as `<id>.md` in the articles directory and makes it searchable at once.
    pub fn publish_article(&self, article: &Article) -> Result<()> {
        let file_name = article.id.file_name();
        let markdown = article.to_markdown();
        // Read it back first: a file that would stop the next start-up must never be written.
        Article::parse(article.id.clone(), &markdown, &self.articles_dir.join(&file_name))?;
        self.write(|state| {
            self.store_article_file(state, &file_name, &markdown)?;
            let key = article_key(&self.fields, article.id.as_str());
            state.writer.delete_term(key);
            state.writer.add_document(article_document(&self.fields, article))?;
            Ok(())
        })
    }

    /// Makes a resolved ticket searchable at once (hits come back with [`Source::Ticket`]).
    /// Publishing the same reference again replaces the earlier version.
    pub fn publish_ticket(&self, ticket: &TicketDoc) -> Result<()> {
        TicketDoc::validate_reference(&ticket.reference)?;
        self.write(|state| {
            self.tickets.save(ticket)?;
            let key = ticket_key(&self.fields, &ticket.reference);
            state.writer.delete_term(key);
            state.writer.add_document(ticket_document(&self.fields, ticket))?;
            Ok(())
        })
    }

    /// How far the shared knowledge base's change feed is applied to this index: the position of
    /// the last document applied, 0 when none is (a new index, or one built again from files).
    pub fn feed_position(&self) -> Result<i64> {
        if let Some(writer) = &self.writer {
            return Ok(self.lock_state(writer)?.feed);
        }
        let metas = self.reader.searcher().index().load_metas()?;
        Ok(metas.payload.map(|payload| Payload::parse(&payload).feed).unwrap_or(0))
    }

    /// Applies documents of the shared knowledge base (each replaces the one with its id) and
    /// records the feed position `upto` with them in one commit, searchable at once. A position
    /// not beyond the one recorded changes nothing: another call applied them already.
    pub fn apply_feed(&self, documents: &[Document], upto: i64) -> Result<bool> {
        if self.feed_position()? >= upto {
            return Ok(false);
        }
        let mut applied = true;
        self.write(|state| {
            if state.feed >= upto {
                applied = false;
                return Ok(());
            }
            for document in documents {
                match document {
                    Document::Article(article) => {
                        state.writer.delete_term(article_key(&self.fields, article.id.as_str()));
                        state.writer.add_document(article_document(&self.fields, article))?;
                    }
                    Document::Ticket(ticket) => {
                        TicketDoc::validate_reference(&ticket.reference)?;
                        state.writer.delete_term(ticket_key(&self.fields, &ticket.reference));
                        state.writer.add_document(ticket_document(&self.fields, ticket))?;
                    }
                }
            }
            state.feed = upto;
            Ok(())
        })?;
        Ok(applied)
    }

    /// Articles and tickets ranked by relevance to `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        if limit == 0 || query.trim().is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let plan = Plan::new(&searcher, &self.fields, query)?;
        let Some(query) = plan.query(&searcher, &self.fields)? else {
            return Ok(Vec::new());
        };
        let top = searcher.search(&*query, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter().map(|(score, address)| self.hit(&searcher, score, address)).collect()
    }

    /// Up to three articles worth showing a customer for their message, or none when the
    /// knowledge base does not cover what they wrote about.
    ///
    /// Tickets are left out: they are written for engineers and may hold internal detail. An
    /// article qualifies when it holds most of the message's telling words (weighted like
    /// BM25's idf, so "phone" counts for little) and at least one of them is in its title or
    /// tags: a raw BM25 score cannot tell "one stray word in a long body" from "about this".
    pub fn suggest(&self, text: &str) -> Result<Vec<Hit>> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let plan = Plan::new(&searcher, &self.fields, text)?;
        let Some(query) = plan.query(&searcher, &self.fields)? else {
            return Ok(Vec::new());
        };
        let query = only(&self.fields, Source::Article, query);
        let top = searcher.search(&*query, &TopDocs::with_limit(SUGGESTION_CANDIDATES).order_by_score())?;
        let Some(&(best, _)) = top.first() else {
            return Ok(Vec::new());
        };
        let mut hits = Vec::new();
        for (score, address) in top {
            if score < best * MIN_SHARE_OF_BEST || hits.len() == MAX_SUGGESTIONS {
                break;
            }
            let coverage = plan.coverage(&searcher, &self.fields, address)?;
            tracing::debug!(score, ?coverage, "suggestion candidate");
            if coverage.anchored && !coverage.foreign && coverage.share >= MIN_COVERAGE {
                hits.push(self.hit(&searcher, score, address)?);
            }
        }
        Ok(hits)
    }

    /// The article that best covers `text` (a ticket's resolution) by the measure offers use: at
    /// least [`MIN_COVERAGE`] of the text's weighted words are in it. Unlike an offer, the words
    /// may all be in the body: a resolution is compared with what an article says, not with what
    /// it is titled, and no customer is shown the result.
    pub fn covering_article(&self, text: &str) -> Result<Option<Hit>> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let searcher = self.reader.searcher();
        let plan = Plan::new(&searcher, &self.fields, text)?;
        let Some(query) = plan.query(&searcher, &self.fields)? else {
            return Ok(None);
        };
        let query = only(&self.fields, Source::Article, query);
        let top = searcher.search(&*query, &TopDocs::with_limit(SUGGESTION_CANDIDATES).order_by_score())?;
        for (score, address) in top {
            if plan.coverage(&searcher, &self.fields, address)?.share >= MIN_COVERAGE {
                return Ok(Some(self.hit(&searcher, score, address)?));
            }
        }
        Ok(None)
    }

    /// An article by its id: its title and author, or `None` when there is no such article.
    pub fn article(&self, id: &str) -> Result<Option<ArticleInfo>> {
        let searcher = self.reader.searcher();
        let key = TermQuery::new(article_key(&self.fields, id), IndexRecordOption::Basic);
        let Some(&(_, address)) = searcher.search(&key, &TopDocs::with_limit(1).order_by_score())?.first()
        else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|value| value.as_str()).map(str::to_owned);
        Ok(Some(ArticleInfo {
            id: id.to_owned(),
            title: text(self.fields.title).unwrap_or_default(),
            author: text(self.fields.author),
        }))
    }

    /// How many articles (not tickets) are searchable.
    pub fn article_count(&self) -> Result<usize> {
        let searcher = self.reader.searcher();
        let articles = TermQuery::new(
            tantivy::Term::from_field_text(self.fields.source, Source::Article.as_str()),
            IndexRecordOption::Basic,
        );
        Ok(searcher.search(&articles, &Count)?)
    }

    fn hit(&self, searcher: &Searcher, score: f32, address: DocAddress) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|value| value.as_str()).map(str::to_owned);
        Ok(Hit {
            id: text(self.fields.id).unwrap_or_default(),
            title: text(self.fields.title).unwrap_or_default(),
            source: text(self.fields.source).and_then(|s| Source::parse(&s)).unwrap_or(Source::Article),
            score,
            domain: text(self.fields.domain),
            language: text(self.fields.language).and_then(|l| Language::parse(&l)).unwrap_or(Language::En),
            summary: text(self.fields.summary).unwrap_or_default(),
        })
    }

    /// Writes an article file and keeps the in-memory fingerprint in step with the directory,
    /// so the next open does not mistake our own write for an outside edit.
    fn store_article_file(&self, state: &mut WriteState, file_name: &str, text: &str) -> Result<()> {
        let path = self.articles_dir.join(file_name);
        match std::fs::read(&path) {
            Ok(old) => state.fingerprint.remove(file_hash(file_name, &old)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(KbError::Io { path, source: error });
            }
        }
        write_atomically(&path, text.as_bytes())?;
        state.fingerprint.add(file_hash(file_name, text.as_bytes()));
        Ok(())
    }

    /// Runs one batch of changes and makes it visible: commit, then reload the reader so the
    /// very next search sees it. A failed batch is rolled back whole, and the fingerprint goes
    /// back to what the index holds; files the batch already wrote then differ from it, so the
    /// next open rebuilds rather than trusting an index that lacks them.
    fn write(&self, batch: impl FnOnce(&mut WriteState) -> Result<()>) -> Result<()> {
        let mut state = self.lock()?;
        let (committed, feed) = (state.fingerprint, state.feed);
        let outcome = batch(&mut state).and_then(|()| {
            let payload = Payload { fingerprint: state.fingerprint.to_payload(), feed: state.feed };
            commit(&mut state.writer, &payload)
        });
        if let Err(error) = outcome {
            state.fingerprint = committed;
            state.feed = feed;
            if let Err(rollback) = state.writer.rollback() {
                tracing::error!(%rollback, "rolling back the knowledge-base writer failed");
            }
            return Err(error);
        }
        self.reader.reload()?;
        Ok(())
    }

    fn lock(&self) -> Result<MutexGuard<'_, WriteState>> {
        let writer = self.writer.as_ref().ok_or(KbError::ReadOnly)?;
        self.lock_state(writer)
    }

    fn lock_state<'a>(&self, writer: &'a Mutex<WriteState>) -> Result<MutexGuard<'a, WriteState>> {
        Ok(writer.lock().unwrap_or_else(|poisoned| {
            // A panic mid-write leaves uncommitted operations in the writer; drop them so the
            // next commit only holds what its caller added.
            let mut state = poisoned.into_inner();
            if let Err(error) = state.writer.rollback() {
                tracing::error!(%error, "rolling back the knowledge-base writer failed");
            }
            state
        }))
    }
}

fn open_index(dir: &Path) -> Result<(Index, Fields, Option<BuildReason>)> {
    let (schema, fields) = schema();
    let existing = match MmapDirectory::open(dir) {
        Ok(directory) if Index::exists(&directory).unwrap_or(false) => Index::open(directory).ok(),
        _ => None,
    };
    let (index, found) = match existing {
        Some(index) if index.schema() == schema => (index, None),
        Some(_) => {
            // Only this subdirectory is ours to delete; the caller's data dir is left alone.
            std::fs::remove_dir_all(dir).at(dir)?;
            std::fs::create_dir_all(dir).at(dir)?;
            (create_index(dir, schema)?, Some(BuildReason::Incompatible))
        }
        None => {
            let had_files = std::fs::read_dir(dir).at(dir)?.next().is_some();
            if had_files {
                std::fs::remove_dir_all(dir).at(dir)?;
                std::fs::create_dir_all(dir).at(dir)?;
            }
            let reason = if had_files { BuildReason::Incompatible } else { BuildReason::Missing };
            (create_index(dir, schema)?, Some(reason))
        }
    };
    index.tokenizers().register(TOKENIZER, index_analyzer());
    Ok((index, fields, found))
}

fn create_index(dir: &Path, schema: tantivy::schema::Schema) -> Result<Index> {
    let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    Ok(Index::create(directory, schema, IndexSettings::default())?)
}

fn new_writer(index: &Index) -> Result<IndexWriter> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(4);
    Ok(index.writer_with_num_threads(threads, threads * WRITER_HEAP_PER_THREAD)?)
}

fn fingerprint_of(dir: &Path) -> Result<Fingerprint> {
    let mut fingerprint = Fingerprint::default();
    for path in article_files(dir)? {
        let bytes = std::fs::read(&path).at(&path)?;
        fingerprint.add(file_hash(&file_name(&path), &bytes));
    }
    Ok(fingerprint)
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned()
}

/// Reads and parses every article in `dir`. `keep_text` keeps the file text for copying.
fn scan(dir: &Path, keep_text: bool) -> Result<Scan> {
    let mut fingerprint = Fingerprint::default();
    let mut files = Vec::new();
    for path in article_files(dir)? {
        let bytes = std::fs::read(&path).at(&path)?;
        let file_name = file_name(&path);
        fingerprint.add(file_hash(&file_name, &bytes));
        let text = String::from_utf8(bytes).map_err(|_| KbError::InvalidArticle {
            path: path.clone(),
            line: None,
            reason: "not UTF-8 text".to_owned(),
        })?;
        let article = Article::parse(id_from_path(&path)?, &text, &path)?;
        files.push(ScannedFile { file_name, text: if keep_text { text } else { String::new() }, article });
    }
    Ok(Scan { files, fingerprint })
}

/// Reads and parses each article in `dir` on its own, keeping the text for copying: one bad
/// file does not hide the others.
fn read_each(dir: &Path) -> Result<Vec<(PathBuf, Result<ScannedFile>)>> {
    let mut files = Vec::new();
    for path in article_files(dir)? {
        let read = (|| {
            let bytes = std::fs::read(&path).at(&path)?;
            let text = String::from_utf8(bytes).map_err(|_| KbError::InvalidArticle {
                path: path.clone(),
                line: None,
                reason: "not UTF-8 text".to_owned(),
            })?;
            let article = Article::parse(id_from_path(&path)?, &text, &path)?;
            Ok(ScannedFile { file_name: file_name(&path), text, article })
        })();
        files.push((path, read));
    }
    Ok(files)
}

/// Replaces every document, commits, and merges the result into one segment.
///
/// The merge is worth its seconds: top-k collection runs per segment, so the eight or so
/// segments a 100,000-article build leaves behind made common CJK queries several times slower.
fn build(
    writer: &mut IndexWriter,
    index: &Index,
    fields: &Fields,
    scan: &Scan,
    tickets: &[TicketDoc],
    progress: &dyn Fn(usize, usize),
) -> Result<()> {
    // Background merges would race the explicit one below for the same segments.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    fill(writer, fields, scan, tickets, progress)?;
    commit(writer, &Payload { fingerprint: scan.fingerprint.to_payload(), feed: 0 })?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1
        && let Err(error) = writer.merge(&segments).wait()
    {
        // Only an optimisation: the index is complete and committed either way.
        tracing::warn!(%error, "merging knowledge-base segments failed");
    }
    writer.set_merge_policy(Box::new(LogMergePolicy::default()));
    Ok(())
}

fn fill(
    writer: &IndexWriter,
    fields: &Fields,
    scan: &Scan,
    tickets: &[TicketDoc],
    progress: &dyn Fn(usize, usize),
) -> Result<()> {
    writer.delete_all_documents()?;
    let total = scan.files.len() + tickets.len();
    for (done, file) in scan.files.iter().enumerate() {
        writer.add_document(article_document(fields, &file.article))?;
        progress(done + 1, total);
    }
    for (done, ticket) in tickets.iter().enumerate() {
        writer.add_document(ticket_document(fields, ticket))?;
        progress(scan.files.len() + done + 1, total);
    }
    Ok(())
}

/// What a commit records beside its documents: the fingerprint of the article files and how
/// far the shared knowledge base's feed is applied, written as `<fingerprint> feed=<n>`.
struct Payload {
    fingerprint: String,
    feed: i64,
}

impl Payload {
    /// A payload from before the feed reads as feed 0, so the feed is applied again whole.
    fn parse(text: &str) -> Payload {
        match text.rsplit_once(" feed=") {
            Some((fingerprint, feed)) => {
                Payload { fingerprint: fingerprint.to_owned(), feed: feed.parse().unwrap_or(0) }
            }
            None => Payload { fingerprint: text.to_owned(), feed: 0 },
        }
    }

    fn to_text(&self) -> String {
        format!("{} feed={}", self.fingerprint, self.feed)
    }
}

/// Commits with the payload, so the documents, the record of which files they came from and
/// the feed position land in the same atomic commit.
fn commit(writer: &mut IndexWriter, payload: &Payload) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload.to_text());
    prepared.commit()?;
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
