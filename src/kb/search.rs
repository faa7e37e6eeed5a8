//! From query text to ranked hits, and how well a hit covers the query (for suggestions).

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use crate::kb::analysis::{QueryText, analyze_query};
use crate::kb::error::Result;
use crate::kb::index::{Fields, Source};

/// A typo-corrected term scores at this share of an exact one, so an article that has the word
/// as typed always beats one that only has a near miss.
const FUZZY_BOOST: f32 = 0.5;

/// Shorter words have too many neighbours at distance 1 ("cat": bat, car, act...). Checked on
/// the stem as well: "mars" stems to "mar", one edit from "map".
const FUZZY_MIN_CHARS: usize = 4;

/// A near miss of a four-letter word is as often another word ("cook" and "look") as a typo,
/// so only longer corrected words can show that an article is about a customer's message.
const FUZZY_ANCHOR_MIN_CHARS: usize = 5;

/// Enough to catch the intended word without flooding the query with every neighbour a large
/// index has.
const FUZZY_MAX_EXPANSIONS: usize = 8;

/// Unknown words a query corrects: each costs a walk of the term dictionary, and a message with
/// more unknown words than this is noise, not typos.
const FUZZY_MAX_WORDS: usize = 12;

/// A CJK bigram the index has never seen (the query straddles two words, or uses a word no
/// article uses) falls back to its two characters at this weight.
const UNIGRAM_FALLBACK_BOOST: f32 = 0.5;

/// Coverage credit for a word found only as a typo correction: probably what was meant, but
/// not certainly.
const FUZZY_CREDIT: f32 = 0.8;

/// Coverage credit for a character found only on its own, outside the bigram the message
/// used: 电 in an article does not mean it talks about 电脑.
const UNIGRAM_FALLBACK_CREDIT: f32 = 0.5;

/// A device or service a message names counts as the knowledge base's own product when at
/// least this share of the documents mention it ("phone" in a phone maker's articles).
const HOME_THING_SHARE: f32 = 0.2;

/// One term to look up in every searched field, and how much a match is worth.
#[derive(Debug, Clone)]
struct Lookup {
    term: String,
    boost: f32,
}

/// One thing the query asks about: a word, or a Chinese character. It is explained by a
/// document that holds any of its alternatives; [`Coverage`] weighs how much of the query is.
#[derive(Debug, Clone)]
struct Unit {
    /// Inverse document frequency, so "phone" (in every article) counts for less than
    /// "refund"; a term the index has never seen gets the highest weight there is.
    weight: f32,
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone)]
struct Alternative {
    term: String,
    /// Share of the unit's weight a document gets for holding this term.
    credit: f32,
    /// Whether finding the term in a title or tags shows the article is *about* the query
    /// (a fallback unigram or a stray body word does not).
    anchors: bool,
}

/// A query resolved against one searcher: what to look up and what to measure coverage by.
pub(crate) struct Plan {
    lookups: Vec<Lookup>,
    units: Vec<Unit>,
    /// Other devices or services the message is about (it names them and not the knowledge
    /// base's own product), each as the terms that name it.
    foreign: Vec<Vec<String>>,
}

impl Plan {
    pub fn new(searcher: &Searcher, fields: &Fields, text: &str) -> Result<Plan> {
        let query = analyze_query(text);
        let stats = Stats::new(searcher, fields);
        let mut plan = Plan { lookups: Vec::new(), units: Vec::new(), foreign: Vec::new() };
        plan.add_things(&query, &stats)?;
        plan.add_words(&query, &stats)?;
        plan.add_cjk(&query, &stats)?;
        plan.dedupe_lookups();
        Ok(plan)
    }

    /// A message that names only things the knowledge base is not about ("my laptop screen
    /// flickers" to a phone maker) is about them, however well the rest of it matches; one that
    /// also names the knowledge base's own product ("my phone will not pair with the car") is not.
    fn add_things(&mut self, query: &QueryText, stats: &Stats<'_>) -> Result<()> {
        let home = stats.docs * HOME_THING_SHARE;
        for thing in &query.things {
            let mut mentioned = u64::MAX;
            for term in thing {
                mentioned = mentioned.min(stats.doc_freq(term)?);
            }
            if mentioned as f32 >= home {
                self.foreign.clear();
                return Ok(());
            }
            self.foreign.push(thing.clone());
        }
        Ok(())
    }

    fn add_words(&mut self, query: &QueryText, stats: &Stats<'_>) -> Result<()> {
        let mut corrected = 0;
        for word in &query.words {
            let doc_freq = stats.doc_freq(&word.stem)?;
            let alternatives = if doc_freq > 0 {
                self.lookups.push(Lookup { term: word.stem.clone(), boost: 1.0 });
                vec![Alternative { term: word.stem.clone(), credit: 1.0, anchors: true }]
            } else if word.raw.chars().count() >= FUZZY_MIN_CHARS
                && word.stem.chars().count() >= FUZZY_MIN_CHARS
                && corrected < FUZZY_MAX_WORDS
            {
                corrected += 1;
                // Only a word the index does not know is treated as a typo: expanding known
                // words too would let "form" pull in every article about "from".
                let near = stats.near_terms(&word.stem)?;
                for term in &near {
                    self.lookups.push(Lookup { term: term.clone(), boost: FUZZY_BOOST });
                }
                let anchors = word.raw.chars().count() >= FUZZY_ANCHOR_MIN_CHARS;
                near.into_iter().map(|term| Alternative { term, credit: FUZZY_CREDIT, anchors }).collect()
            } else {
                Vec::new()
            };
            self.units.push(Unit { weight: stats.idf(doc_freq), alternatives });
        }
        Ok(())
    }

    fn add_cjk(&mut self, query: &QueryText, stats: &Stats<'_>) -> Result<()> {
        for run in &query.cjk_runs {
            if let [single] = run.as_slice() {
                let term = single.to_string();
                let doc_freq = stats.doc_freq(&term)?;
                self.lookups.push(Lookup { term: term.clone(), boost: 1.0 });
                self.units.push(Unit {
                    weight: stats.idf(doc_freq),
                    alternatives: vec![Alternative { term, credit: 1.0, anchors: true }],
                });
                continue;
            }
            let bigrams: Vec<String> = run.windows(2).map(|p| format!("{}{}", p[0], p[1])).collect();
            let mut known = Vec::with_capacity(bigrams.len());
            for bigram in &bigrams {
                let is_known = stats.doc_freq(bigram)? > 0;
                known.push(is_known);
                if is_known {
                    self.lookups.push(Lookup { term: bigram.clone(), boost: 1.0 });
                }
            }
            for (i, c) in run.iter().enumerate() {
                // The bigrams this character takes part in: the one before it and the one
                // after it.
                let around = [i.checked_sub(1), (i < bigrams.len()).then_some(i)];
                let mut alternatives: Vec<Alternative> = around
                    .into_iter()
                    .flatten()
                    .filter(|&b| known[b])
                    .map(|b| Alternative { term: bigrams[b].clone(), credit: 1.0, anchors: true })
                    .collect();
                let unigram = c.to_string();
                if alternatives.is_empty() {
                    self.lookups.push(Lookup { term: unigram.clone(), boost: UNIGRAM_FALLBACK_BOOST });
                    alternatives.push(Alternative {
                        term: unigram.clone(),
                        credit: UNIGRAM_FALLBACK_CREDIT,
                        anchors: false,
                    });
                }
                self.units.push(Unit { weight: stats.idf(stats.doc_freq(&unigram)?), alternatives });
            }
        }
        Ok(())
    }

    /// A term can come from two places (two runs of the same query, a fuzzy neighbour that is
    /// also typed exactly): look it up once, at its best weight.
    fn dedupe_lookups(&mut self) {
        let mut best: Vec<Lookup> = Vec::with_capacity(self.lookups.len());
        let mut at: HashMap<String, usize> = HashMap::with_capacity(self.lookups.len());
        for lookup in self.lookups.drain(..) {
            match at.get(&lookup.term) {
                Some(&i) => best[i].boost = best[i].boost.max(lookup.boost),
                None => {
                    at.insert(lookup.term.clone(), best.len());
                    best.push(lookup);
                }
            }
        }
        self.lookups = best;
    }

    /// The scoring query (BM25 per term and field, summed), or `None` when nothing in the query
    /// occurs in the index.
    pub fn query(&self, searcher: &Searcher, fields: &Fields) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for lookup in &self.lookups {
            for (field, field_boost) in fields.searched() {
                let term = Term::from_field_text(field, &lookup.term);
                // Skipping terms a field lacks saves a scorer per clause on every query.
                if searcher.doc_freq(&term)? == 0 {
                    continue;
                }
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), lookup.boost * field_boost)),
                ));
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// How much of the query a document explains, weighted by how telling each unit is.
    pub fn coverage(&self, searcher: &Searcher, fields: &Fields, doc: DocAddress) -> Result<Coverage> {
        let total: f32 = self.units.iter().map(|u| u.weight).sum();
        if total <= 0.0 {
            return Ok(Coverage::default());
        }
        let segment = searcher.segment_reader(doc.segment_ord);
        let holds = |field: Field, term: &str| -> Result<bool> {
            let term = Term::from_field_text(field, term);
            let postings = segment
                .inverted_index(field)?
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            // `seek` may only move forward, and a fresh posting list already sits on its
            // first document, which can be past the one we ask about.
            Ok(postings.is_some_and(|mut p| {
                p.doc() == doc.doc_id || (p.doc() < doc.doc_id && p.seek(doc.doc_id) == doc.doc_id)
            }))
        };
        // An article answers a message about another thing only when it is about that thing
        // too: titled or tagged with it, not merely naming it in passing.
        let mut foreign = false;
        for thing in &self.foreign {
            let mut in_heading = true;
            for term in thing {
                in_heading &= holds(fields.title, term)? || holds(fields.tags, term)?;
            }
            foreign |= !in_heading;
        }
        let mut explained = 0.0;
        let mut anchored = false;
        for unit in &self.units {
            let mut best: f32 = 0.0;
            for alternative in &unit.alternatives {
                let in_heading =
                    holds(fields.title, &alternative.term)? || holds(fields.tags, &alternative.term)?;
                if in_heading || holds(fields.body, &alternative.term)? {
                    best = best.max(alternative.credit);
                    anchored |= in_heading && alternative.anchors;
                }
            }
            explained += unit.weight * best;
        }
        Ok(Coverage { share: explained / total, anchored, foreign })
    }
}

/// How well one document answers a query.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Coverage {
    /// Weighted share of the query's units the document holds, 0 to 1.
    pub share: f32,
    /// At least one unit matched in the title or tags.
    pub anchored: bool,
    /// The message is about another device or service than the document is (see
    /// [`Plan::add_things`]).
    pub foreign: bool,
}

/// Document frequencies and fuzzy neighbours, over all searched fields.
struct Stats<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    docs: f32,
}

impl<'a> Stats<'a> {
    fn new(searcher: &'a Searcher, fields: &'a Fields) -> Stats<'a> {
        Stats { searcher, fields, docs: searcher.num_docs() as f32 }
    }

    /// The highest frequency in any searched field: a word that is in every title is common
    /// even if few bodies repeat it.
    fn doc_freq(&self, text: &str) -> Result<u64> {
        let mut most = 0;
        for (field, _) in self.fields.searched() {
            most = most.max(self.searcher.doc_freq(&Term::from_field_text(field, text))?);
        }
        Ok(most)
    }

    /// BM25's idf, so coverage weighs units the way the ranking does.
    fn idf(&self, doc_freq: u64) -> f32 {
        let doc_freq = doc_freq as f32;
        (1.0 + (self.docs - doc_freq + 0.5) / (doc_freq + 0.5)).ln()
    }

    /// Index terms one edit (a transposition counts as one) from `stem`, most frequent first.
    fn near_terms(&self, stem: &str) -> Result<Vec<String>> {
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(self.fields.body, stem), 1, true).automaton()?;
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            for (field, _) in self.fields.searched() {
                let index = segment.inverted_index(field)?;
                let mut terms = index.terms().search(&automaton);
                if stem.is_ascii() {
                    // CJK grams share the field and sort after every ASCII term. Without the
                    // bound the automaton walks thousands of CJK prefixes that can never match,
                    // which made a typo query on 100,000 articles cost ~45 ms instead of <1 ms.
                    terms = terms.lt([0x80u8]);
                }
                let mut stream = terms.into_stream().map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        *found.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        found.remove(stem);
        let mut near: Vec<(String, u64)> =
            found.into_iter().filter(|(term, _)| is_plausible_typo(stem, term)).collect();
        near.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        near.truncate(FUZZY_MAX_EXPANSIONS);
        Ok(near.into_iter().map(|(term, _)| term).collect())
    }
}

/// Whether `typed` is `meant` as fingers mistype it, not another word spelt right: a letter
/// left out, two letters swapped, a key struck twice or its neighbour struck with it, a
/// neighbouring key instead, or a letter spelt as it sounds ("invoise", "flikker"). One edit is not enough: "black" is "back" with an `l` no finger
/// slips to from `b` or `a`, and "pain" is "pin" with such an `a`; both are words the index
/// merely lacks, and reading them as typos offered the wrong articles.
pub(crate) fn is_plausible_typo(typed: &str, meant: &str) -> bool {
    let typed: Vec<char> = typed.chars().collect();
    let meant: Vec<char> = meant.chars().collect();
    match typed.len() as isize - meant.len() as isize {
        // A letter left out: the commonest typo, and the one a finger cannot tell.
        -1 => (0..meant.len()).any(|i| meant[..i] == typed[..i] && meant[i + 1..] == typed[i..]),
        // A letter too many: only as a key struck twice or together with its neighbour.
        1 => (0..typed.len()).any(|i| {
            typed[..i] == meant[..i] && typed[i + 1..] == meant[i..] && {
                let extra = typed[i];
                let beside = [i.checked_sub(1).map(|j| typed[j]), typed.get(i + 1).copied()];
                beside.into_iter().flatten().any(|c| c == extra || keys_touch(c, extra))
            }
        }),
        0 => {
            let differ: Vec<usize> = (0..typed.len()).filter(|&i| typed[i] != meant[i]).collect();
            match differ.as_slice() {
                [i] => keys_touch(typed[*i], meant[*i]) || sound_alike(typed[*i], meant[*i]),
                [i, j] => *j == i + 1 && typed[*i] == meant[*j] && typed[*j] == meant[*i],
                _ => false,
            }
        }
        _ => false,
    }
}

/// Letters that spell the same sound in English, so writing one for the other is how a word is
/// misspelt rather than another word.
fn sound_alike(a: char, b: char) -> bool {
    const PAIRS: [(char, char); 5] = [('c', 'k'), ('c', 's'), ('s', 'z'), ('k', 'q'), ('i', 'y')];
    PAIRS.iter().any(|&(x, y)| (a, b) == (x, y) || (a, b) == (y, x))
}

/// Whether two letters are neighbouring keys on a QWERTY keyboard (rows staggered as on one).
fn keys_touch(a: char, b: char) -> bool {
    const ROWS: [(&str, f32); 3] = [("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75)];
    let at = |c: char| {
        ROWS.iter()
            .enumerate()
            .find_map(|(row, (keys, offset))| keys.find(c).map(|x| (row as i32, x as f32 + offset)))
    };
    match (at(a), at(b)) {
        (Some((ra, xa)), Some((rb, xb))) => match (ra - rb).abs() {
            0 => (xa - xb).abs() == 1.0,
            1 => (xa - xb).abs() <= 0.8,
            _ => false,
        },
        _ => false,
    }
}

/// Restricts a scoring query to one kind of document without changing its scores.
pub(crate) fn only(fields: &Fields, source: Source, query: Box<dyn Query>) -> Box<dyn Query> {
    let filter =
        TermQuery::new(Term::from_field_text(fields.source, source.as_str()), IndexRecordOption::Basic);
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, query),
        (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(filter), 0.0))),
    ]))
}

#[cfg(test)]
mod tests {
    use super::is_plausible_typo;

    #[test]
    fn typos_fingers_make_are_plausible() {
        for (typed, meant) in [
            ("fliker", "flicker"),
            ("inacur", "inaccur"),
            ("refnud", "refund"),
            ("screem", "screen"),
            ("reffund", "refund"),
            ("invois", "invoic"),
        ] {
            assert!(is_plausible_typo(typed, meant), "{typed} → {meant}");
        }
    }

    #[test]
    fn words_spelt_right_are_not_read_as_other_words() {
        for (typed, meant) in [("black", "back"), ("pain", "pin"), ("cook", "look"), ("block", "black")] {
            assert!(!is_plausible_typo(typed, meant), "{typed} → {meant}");
        }
    }
}
