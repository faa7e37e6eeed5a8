//! The tantivy schema, how articles and tickets become documents, and the fingerprint that
//! tells whether an index on disk still matches the article files.

use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{TantivyDocument, Term};

use crate::kb::analysis::TOKENIZER;
use crate::kb::article::Article;
use crate::kb::ticket::TicketDoc;

/// Bump when the schema or the analysis changes: an index built by an older binary then no
/// longer matches the fingerprint and is rebuilt on open instead of answering wrongly.
const FORMAT_VERSION: u32 = 3;

/// Where a hit comes from: a curated article, or a resolved ticket published for engineers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Article,
    Ticket,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Article => "article",
            Source::Ticket => "ticket",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Source> {
        match text {
            "article" => Some(Source::Article),
            "ticket" => Some(Source::Ticket),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `article:<id>` or `ticket:<reference>`: the unit of replacement. Article ids and ticket
    /// references live in different namespaces, so a ticket never replaces an article.
    pub key: Field,
    pub id: Field,
    pub source: Field,
    pub title: Field,
    pub tags: Field,
    pub body: Field,
    pub domain: Field,
    pub language: Field,
    /// An article's first lines, shown to a customer it is offered to; not searched.
    pub summary: Field,
    /// Who wrote the article (`/kb stats` credits them); not searched.
    pub author: Field,
}

impl Fields {
    /// Fields searched by a query, with the boost a match in each gets: a word in the title says
    /// far more about what the article is for than the same word in step 4 of its body.
    pub fn searched(&self) -> [(Field, f32); 3] {
        [(self.title, 3.0), (self.tags, 2.0), (self.body, 1.0)]
    }
}

pub(crate) fn schema() -> (Schema, Fields) {
    // Frequencies but no positions: nothing uses phrase queries, and positions would roughly
    // double the postings of the CJK fields.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
    );
    let mut builder = Schema::builder();
    let fields = Fields {
        key: builder.add_text_field("key", STRING),
        id: builder.add_text_field("id", STORED),
        source: builder.add_text_field("source", STRING | STORED),
        title: builder.add_text_field("title", text.clone() | STORED),
        tags: builder.add_text_field("tags", text.clone()),
        body: builder.add_text_field("body", text),
        domain: builder.add_text_field("domain", STRING | STORED),
        language: builder.add_text_field("language", STRING | STORED),
        summary: builder.add_text_field("summary", STORED),
        author: builder.add_text_field("author", STORED),
    };
    (builder.build(), fields)
}

pub(crate) fn article_key(fields: &Fields, id: &str) -> Term {
    Term::from_field_text(fields.key, &format!("article:{id}"))
}

pub(crate) fn ticket_key(fields: &Fields, reference: &str) -> Term {
    Term::from_field_text(fields.key, &format!("ticket:{reference}"))
}

pub(crate) fn article_document(fields: &Fields, article: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.key, format!("article:{}", article.id));
    doc.add_text(fields.id, article.id.as_str());
    doc.add_text(fields.source, Source::Article.as_str());
    doc.add_text(fields.title, &article.title);
    doc.add_text(fields.tags, article.tags.join(" "));
    doc.add_text(fields.body, &article.body);
    if let Some(domain) = &article.domain {
        doc.add_text(fields.domain, domain);
    }
    doc.add_text(fields.language, article.language.as_str());
    doc.add_text(fields.summary, article.summary());
    if let Some(author) = &article.author {
        doc.add_text(fields.author, author);
    }
    doc
}

pub(crate) fn ticket_document(fields: &Fields, ticket: &TicketDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.key, format!("ticket:{}", ticket.reference));
    doc.add_text(fields.id, &ticket.reference);
    doc.add_text(fields.source, Source::Ticket.as_str());
    doc.add_text(fields.title, &ticket.title);
    doc.add_text(fields.body, format!("{}\n\n{}", ticket.problem, ticket.resolution));
    doc.add_text(fields.language, ticket.language().as_str());
    doc
}

/// What the index was built from: an order-independent sum of per-file hashes, so one
/// published or imported article updates it without re-reading every other file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Fingerprint {
    files: u64,
    sum: u64,
}

impl Fingerprint {
    pub fn add(&mut self, file_hash: u64) {
        self.files += 1;
        self.sum = self.sum.wrapping_add(file_hash);
    }

    /// Wrapping, because a file edited behind our back can be removed without ever having
    /// been added; the result then matches no directory, which only forces a rebuild.
    pub fn remove(&mut self, file_hash: u64) {
        self.files = self.files.wrapping_sub(1);
        self.sum = self.sum.wrapping_sub(file_hash);
    }

    /// Stored as the payload of every commit, so the fingerprint and the documents it
    /// describes are written atomically together.
    pub fn to_payload(self) -> String {
        format!("resolvd-kb/v{FORMAT_VERSION}/{}/{:016x}", self.files, self.sum)
    }
}

/// FNV-1a over the file name and content. Not `DefaultHasher`: its output may change between
/// Rust releases, which would rebuild every index after a toolchain upgrade.
pub(crate) fn file_hash(file_name: &str, content: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(file_name.as_bytes());
    hasher.write(&[0xff]);
    hasher.write(content);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_does_not_depend_on_file_order() {
        let (a, b) = (file_hash("a.md", b"one"), file_hash("b.md", b"two"));
        let mut forward = Fingerprint::default();
        forward.add(a);
        forward.add(b);
        let mut backward = Fingerprint::default();
        backward.add(b);
        backward.add(a);
        assert_eq!(forward, backward);
    }

    #[test]
    fn replacing_a_file_changes_the_fingerprint_and_restoring_it_restores_it() {
        let mut fingerprint = Fingerprint::default();
        fingerprint.add(file_hash("a.md", b"one"));
        let before = fingerprint;
        fingerprint.remove(file_hash("a.md", b"one"));
        fingerprint.add(file_hash("a.md", b"one!"));
        assert_ne!(fingerprint, before);
        fingerprint.remove(file_hash("a.md", b"one!"));
        fingerprint.add(file_hash("a.md", b"one"));
        assert_eq!(fingerprint, before);
    }

    #[test]
    fn a_renamed_file_changes_the_fingerprint() {
        assert_ne!(file_hash("a.md", b"same"), file_hash("b.md", b"same"));
    }
}
