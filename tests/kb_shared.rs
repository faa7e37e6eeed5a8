//! One knowledge base for all instances (issue 12, point 3), on SQLite and PostgreSQL: published
//! articles and resolved tickets' documents are rows of the database, written in the transaction
//! that publishes or resolves; each instance's search index follows them through a change feed
//! ordered by commit. Through the store (the feed misses nothing while writers race), through two
//! engines with two indexes on one database, and through the binary: an article published by one
//! `resolvd` is found on another running `resolvd` within seconds.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Driver, TestDb, copy_dir, ok, reply, repo_path, resolvd, sample_config, t0};
use futures_util::future::join_all;
use resolvd::engine::Engine;
use resolvd::kb::{KnowledgeBase, OpenOutcome};
use resolvd::store::Store;
use resolvd::store::kb::KbDocKind;

on_both_databases!(
    the_feed_gives_documents_in_commit_order_and_a_rewrite_moves_one_to_its_end,
    a_follower_misses_no_document_while_writers_race,
    an_article_published_on_one_instance_is_found_on_the_other_once_it_follows,
    an_article_published_by_one_resolvd_is_found_by_another_running_resolvd_within_seconds,
);

async fn put(store: &dyn Store, kind: KbDocKind, id: &str, body: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let seq = tx.put_kb_document(kind, id, body, t0()).await.unwrap();
    tx.commit().await.unwrap();
    seq
}

async fn the_feed_gives_documents_in_commit_order_and_a_rewrite_moves_one_to_its_end(db: &TestDb) {
    let store = db.store.as_ref();
    assert!(store.kb_documents_after(0, 10).await.unwrap().is_empty());
    let first = put(store, KbDocKind::Article, "a", "one").await;
    let ticket = put(store, KbDocKind::Ticket, "T-1", "{}").await;
    // A rolled-back write leaves neither a row nor a gap a follower would wait on.
    let mut tx = store.begin().await.unwrap();
    tx.put_kb_document(KbDocKind::Article, "b", "never", t0()).await.unwrap();
    drop(tx);
    let again = put(store, KbDocKind::Article, "a", "two").await;
    assert!(first < ticket && ticket < again, "{first} {ticket} {again}");

    let feed = store.kb_documents_after(0, 10).await.unwrap();
    let seen: Vec<(&str, &str, i64)> = feed.iter().map(|d| (d.id.as_str(), d.body.as_str(), d.seq)).collect();
    assert_eq!(seen, [("T-1", "{}", ticket), ("a", "two", again)]);
    assert_eq!(feed[0].kind, KbDocKind::Ticket);
    assert_eq!(store.kb_documents_after(ticket, 10).await.unwrap().len(), 1);
    assert_eq!(store.kb_documents_after(0, 1).await.unwrap()[0].id, "T-1", "the limit is kept");
    let shown = store.kb_document(KbDocKind::Article, "a").await.unwrap().unwrap();
    assert_eq!((shown.body.as_str(), shown.updated_at), ("two", t0()));
    assert!(store.kb_document(KbDocKind::Article, "b").await.unwrap().is_none());
    assert!(store.kb_document(KbDocKind::Ticket, "a").await.unwrap().is_none(), "kinds are apart");
}

/// Writers on two pools each hold their transaction open a while after taking their feed
/// position, as a resolve does; a follower reading `seq > cursor` the whole time must see every
/// document, which it would not if positions became visible out of order.
async fn a_follower_misses_no_document_while_writers_race(db: &TestDb) {
    const WRITERS: usize = 8;
    const EACH: usize = 5;
    let other: Arc<dyn Store> = resolvd::store::open(&db.url).await.unwrap();
    let stores = [db.store.clone(), other];
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let follower = {
        let store = stores[1].clone();
        let done = done.clone();
        tokio::spawn(async move {
            let (mut cursor, mut seen) = (0, Vec::new());
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                for document in store.kb_documents_after(cursor, 1000).await.unwrap() {
                    assert!(document.seq > cursor);
                    cursor = document.seq;
                    seen.push(document.id);
                }
                if finished {
                    return seen;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let writers = (0..WRITERS).map(|w| {
        let store = stores[w % 2].clone();
        async move {
            for n in 0..EACH {
                let mut tx = store.begin().await.unwrap();
                tx.put_kb_document(KbDocKind::Article, &format!("w{w}-{n}"), "x", t0()).await.unwrap();
                tokio::time::sleep(Duration::from_millis((w * 3 + n) as u64 % 7)).await;
                tx.commit().await.unwrap();
            }
        }
    });
    join_all(writers).await;
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = follower.await.unwrap();
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), WRITERS * EACH, "every document reached the follower: {seen:?}");
    assert_eq!(seen.len(), WRITERS * EACH, "each once");
}

/// An engine over a pool of its own and an index of its own (a copy of the sample articles), as
/// an instance on another host would have.
async fn instance(db: &TestDb, dir: &std::path::Path) -> (Driver, Arc<KnowledgeBase>) {
    let articles = dir.join("kb");
    copy_dir(&repo_path("config/kb"), &articles);
    let kb = Arc::new(KnowledgeBase::open(&articles, &dir.join("index")).unwrap());
    let store = resolvd::store::open(&db.url).await.unwrap();
    let engine = Engine::new(store, Arc::new(sample_config())).with_knowledge_base(kb.clone());
    (Driver::with_engine(engine), kb)
}

async fn an_article_published_on_one_instance_is_found_on_the_other_once_it_follows(db: &TestDb) {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, _) = instance(db, dir_a.path()).await;
    let (b, kb_b) = instance(db, dir_b.path()).await;
    a.message("mallory", "the fingerprint sensor stopped working after the lake trip").await;
    a.command("bob", "classify ticket:T-1 domain:id").await;
    a.command("bob", "resolve ticket:T-1 resolution:\"dried the sensor and re-enrolled the fingerprints\"")
        .await;
    a.command("bob", "kb add ticket:T-1").await;
    let published = a
        .command(
            "bob",
            "kb publish ticket:T-1 problem:\"The fingerprint sensor fails after water gets under the glass\"",
        )
        .await;
    assert_eq!(reply(&published), "Published ticket-t-1: searchable now");
    let on_a = reply(&a.command("bob", "kb search query:fingerprint").await).to_owned();
    assert!(
        on_a.contains("(kb:ticket-t-1)") && on_a.contains("T-1"),
        "at once where it was published: {on_a}"
    );

    // B has not looked yet; once it follows, its staff find both the article and the ticket.
    let before = reply(&b.command("bob", "kb search query:fingerprint").await).to_owned();
    assert_eq!(before, "Nothing in the knowledge base matches “fingerprint”");
    assert_eq!(b.engine.follow_knowledge_base().await.unwrap(), 2);
    assert_eq!(b.engine.follow_knowledge_base().await.unwrap(), 0, "nothing twice");
    let after = reply(&b.command("bob", "kb search query:fingerprint").await).to_owned();
    assert!(after.contains("(kb:ticket-t-1)"), "{after}");
    assert!(after.contains("The fingerprint sensor fails after water"), "{after}");
    assert!(after.contains("T-1"), "the resolved ticket too: {after}");
    // And B offers the new article to its own customers.
    b.message("peggy", "fingerprint sensor fails after water got under the glass").await;
    let later = t0() + chrono::Duration::days(1);
    let offers: Vec<String> =
        b.store().claim_posts(later, later, 100).await.unwrap().into_iter().map(|p| p.post.text).collect();
    assert!(offers.iter().any(|t| t.contains("The fingerprint sensor fails after water")), "{offers:?}");

    // B's index records how far it followed: reopened, it is reused and follows nothing again;
    // rebuilt from the files, it starts the feed over and gets both back.
    let position = kb_b.feed_position().unwrap();
    assert!(position > 0);
    drop(b);
    drop(kb_b);
    let reopened =
        Arc::new(KnowledgeBase::open(&dir_b.path().join("kb"), &dir_b.path().join("index")).unwrap());
    assert_eq!(reopened.open_outcome(), OpenOutcome::Reused);
    assert_eq!(reopened.feed_position().unwrap(), position);
    assert!(reopened.search("fingerprint", 5).unwrap().iter().any(|h| h.id == "ticket-t-1"));
    reopened.rebuild().unwrap();
    assert_eq!(reopened.feed_position().unwrap(), 0);
    assert!(!reopened.search("fingerprint", 5).unwrap().iter().any(|h| h.id == "ticket-t-1"));
    assert_eq!(resolvd::engine::follow_knowledge_base(db.store.as_ref(), &reopened).await.unwrap(), 2);
    assert!(reopened.search("fingerprint", 5).unwrap().iter().any(|h| h.id == "ticket-t-1"));
}

/// Kills the instance if the test fails before it stops it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Two `resolvd` processes on one database, each with its own data dir (and so its own index):
/// B serves the console (`resolvd run` with no Discord token) while A runs `examples/kb.txt`,
/// which resolves a ticket and publishes an article. `resolvd kb search` beside B (B's index,
/// read-only) finds both within seconds, and so do B's staff.
async fn an_article_published_by_one_resolvd_is_found_by_another_running_resolvd_within_seconds(db: &TestDb) {
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut b = Running(
        resolvd(db, data_b.path())
            .env("RESOLVD_KB__FOLLOW_SECONDS", "1")
            .arg("run")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut b_out = BufReader::new(b.0.stdout.take().unwrap());
    let mut banner = String::new();
    b_out.read_line(&mut banner).unwrap();
    assert!(banner.starts_with("resolvd console."), "B serves: {banner}");

    let search_b = |query: &str| -> Vec<serde_json::Value> {
        let out = ok(resolvd(db, data_b.path()).args(["kb", "search", query, "--json"]).output().unwrap());
        serde_json::from_str(&out).unwrap()
    };
    assert!(!search_b("fingerprint").iter().any(|h| h["id"] == "ticket-t-2"));

    let script = ok(resolvd(db, data_a.path())
        .args(["chat", "--script"])
        .arg(repo_path("examples/kb.txt"))
        .output()
        .unwrap());
    assert!(script.contains("Published ticket-t-2: searchable now"), "{script}");
    let published = Instant::now();
    let found = loop {
        let hits = search_b("fingerprint");
        let ids: BTreeSet<String> = hits.iter().filter_map(|h| h["id"].as_str().map(str::to_owned)).collect();
        if ids.contains("ticket-t-2") && ids.contains("T-2") {
            break published.elapsed();
        }
        assert!(published.elapsed() < Duration::from_secs(10), "B never found them: {hits:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    eprintln!(
        "found on the other instance {} ms after publishing (kb.follow_seconds = 1)",
        found.as_millis()
    );

    // B's staff find it in chat; Ctrl-D stops B.
    let mut stdin = b.0.stdin.take().unwrap();
    writeln!(stdin, "bob: /kb search query:fingerprint").unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut b_out, &mut rest).unwrap();
    assert!(b.0.wait().unwrap().success());
    assert!(rest.contains("(kb:ticket-t-2)"), "{rest}");
    let shown = ok(resolvd(db, data_b.path()).args(["kb", "show", "ticket-t-2"]).output().unwrap());
    assert!(
        shown.contains("The fingerprint sensor stops recognising fingers after the phone was in water"),
        "{shown}"
    );
}
