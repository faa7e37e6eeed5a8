//! The terms of a text as the knowledge base reads a query, for comparing two customers' messages
//! (storms: `domain::storm`). Function words are left out; English words are stemmed, so
//! "updated" and "update" meet; Chinese runs give their bigrams (a one-character run itself).

use std::collections::BTreeSet;

use super::analysis::analyze_query;

/// The distinct terms of `text`, read as a suggestion reads a message (its first 2,000
/// characters, at most 64 words and 256 Chinese characters).
pub fn text_terms(text: &str) -> BTreeSet<String> {
    let query = analyze_query(text);
    let mut terms: BTreeSet<String> = query.words.into_iter().map(|w| w.stem).collect();
    for run in query.cjk_runs {
        if run.len() == 1 {
            terms.insert(run[0].to_string());
        }
        for pair in run.windows(2) {
            terms.insert(pair.iter().collect());
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_stemmed_and_function_words_left_out() {
        let terms = text_terms("My screen went black after the update");
        assert!(terms.contains("screen") && terms.contains("black") && terms.contains("updat"), "{terms:?}");
        assert!(!terms.contains("the"), "{terms:?}");
        assert_eq!(text_terms("the screen updated"), text_terms("screens update"));
    }

    #[test]
    fn chinese_runs_give_their_bigrams() {
        let terms = text_terms("升级后黑屏");
        assert!(terms.contains("黑屏") && terms.contains("升级"), "{terms:?}");
    }
}
