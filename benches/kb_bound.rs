//! The knowledge base's bound on hostile input: suggestion and search time for a 1 KB, 100 KB
//! and 1 MB message (random words, the reproducer of issue 17, and Chinese), beside a typical
//! 200-character message, over the sample articles. Goal: under 50 ms of search for any input
//! up to 1 MB.
//!
//! cargo bench --bench kb_bound

use std::path::Path;
use std::time::{Duration, Instant};

use resolvd::kb::KnowledgeBase;

const GOAL: Duration = Duration::from_millis(50);
const ROUNDS: usize = 5;

/// A small deterministic generator, so every run measures the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_words(bytes: usize, rng: &mut Lcg) -> String {
    let mut text = String::with_capacity(bytes + 16);
    while text.len() < bytes {
        let len = 4 + rng.below(6);
        for _ in 0..len {
            text.push(char::from(b'a' + rng.below(26) as u8));
        }
        text.push(' ');
    }
    text
}

fn random_chinese(bytes: usize, rng: &mut Lcg) -> String {
    let mut text = String::with_capacity(bytes + 16);
    while text.len() < bytes {
        text.push(char::from_u32(0x4e00 + rng.below(0x5000) as u32).unwrap());
    }
    text
}

fn slowest(rounds: usize, mut work: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .max()
        .unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let kb = KnowledgeBase::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kb"), scratch.path())?;
    let mut rng = Lcg(0x0017_2026);
    let typical = "My phone's screen keeps flickering since the update yesterday, mostly when the \
                   brightness is low. I restarted it twice and it still happens. What can I do?";
    let baseline_suggest = slowest(ROUNDS, || drop(kb.suggest(typical).unwrap()));
    let baseline_search = slowest(ROUNDS, || drop(kb.search(typical, 10).unwrap()));
    println!(
        "kb_bound: {} documents; baseline (a {}-character message): suggest {:.2} ms, search {:.2} ms; goal < {} ms for any input up to 1 MB",
        kb.len(),
        typical.chars().count(),
        baseline_suggest.as_secs_f64() * 1e3,
        baseline_search.as_secs_f64() * 1e3,
        GOAL.as_millis()
    );
    let mut all_met = true;
    for (kind, size) in [
        ("words", 1_000),
        ("words", 100_000),
        ("words", 1_000_000),
        ("chinese", 100_000),
        ("chinese", 1_000_000),
    ] {
        let text =
            if kind == "words" { random_words(size, &mut rng) } else { random_chinese(size, &mut rng) };
        let suggest = slowest(ROUNDS, || drop(kb.suggest(&text).unwrap()));
        let search = slowest(ROUNDS, || drop(kb.search(&text, 10).unwrap()));
        let met = suggest < GOAL && search < GOAL;
        all_met &= met;
        println!(
            "{kind:<8} {:>9} bytes: suggest {:>7.2} ms ({:.1}× baseline), search {:>7.2} ms ({:.1}× baseline){}",
            text.len(),
            suggest.as_secs_f64() * 1e3,
            suggest.as_secs_f64() / baseline_suggest.as_secs_f64(),
            search.as_secs_f64() * 1e3,
            search.as_secs_f64() / baseline_search.as_secs_f64(),
            if met { "" } else { "  ← over the goal" }
        );
    }
    println!("kb_bound: {}", if all_met { "every input within the goal" } else { "GOAL MISSED" });
    Ok(())
}
