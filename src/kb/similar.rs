//! How alike two texts are, by the words the knowledge base looks up (English stems without
//! function words, Chinese bigrams): the terms of customers' messages for storms
//! (`domain::storm`), and groups of alike texts: resolutions that say the same fix, for `/kb gaps`.

use std::collections::BTreeSet;

use crate::kb::analysis::analyze_query;

/// Two resolutions at least this alike (Dice coefficient over their terms: shared terms over the
/// mean number of terms) say the same fix: "Replaced the swollen battery" and "swollen battery
/// replaced" score 1.0; "Replaced the battery" and "Replaced the screen" 0.5.
pub const SIMILAR_RESOLUTIONS: f32 = 0.6;

/// The distinct terms of `text`, read as a suggestion reads a message (its first 2,000
/// characters, at most 64 words and 256 Chinese characters): stems of the English words that are
/// not function words, so "updated" and "update" meet, and each Chinese character pair (a lone
/// character on its own).
pub fn text_terms(text: &str) -> BTreeSet<String> {
    let query = analyze_query(text);
    let mut terms: BTreeSet<String> = query.words.into_iter().map(|w| w.stem).collect();
    for run in &query.cjk_runs {
        if let [single] = run.as_slice() {
            terms.insert(single.to_string());
        }
        terms.extend(run.windows(2).map(|pair| pair.iter().collect::<String>()));
    }
    terms
}

fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    crate::domain::storm::similarity(a, b) as f32
}

/// How alike two texts are, from 0 (no term in common) to 1 (the same terms).
pub fn similarity(a: &str, b: &str) -> f32 {
    dice(&text_terms(a), &text_terms(b))
}

/// Groups of at least `min_size` of `texts` (by index, in the order given) in which each text is
/// at least `threshold` alike to another of its group; largest groups first, ties in the order of
/// their first text.
pub fn similar_groups(texts: &[&str], threshold: f32, min_size: usize) -> Vec<Vec<usize>> {
    let terms: Vec<BTreeSet<String>> = texts.iter().map(|t| text_terms(t)).collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            if dice(&terms[i], &terms[j]) >= threshold {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root = std::collections::HashMap::new();
    for i in 0..texts.len() {
        let r = root(&mut parent, i);
        let at = *group_of_root.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(i);
    }
    groups.retain(|g| g.len() >= min_size.max(1));
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_fix_in_other_words_is_alike_and_another_fix_is_not() {
        let a = "Replaced the swollen battery and recalibrated the charging circuit";
        let b = "Swollen battery replaced; charging circuit recalibrated";
        assert!(similarity(a, b) >= SIMILAR_RESOLUTIONS, "{}", similarity(a, b));
        let c = "Reset the APN settings to the carrier's defaults";
        assert!(similarity(a, c) < SIMILAR_RESOLUTIONS, "{}", similarity(a, c));
        assert_eq!(similarity("", a), 0.0);
    }

    #[test]
    fn chinese_resolutions_are_compared_by_character_pairs() {
        let a = "更换了鼓包的电池，并重新校准充电电路";
        let b = "电池鼓包，已更换电池并校准充电电路";
        assert!(similarity(a, b) >= SIMILAR_RESOLUTIONS, "{}", similarity(a, b));
        assert!(similarity(a, "重置网络设置") < SIMILAR_RESOLUTIONS);
    }

    #[test]
    fn groups_keep_only_those_of_the_minimum_size_largest_first() {
        let texts = [
            "Reset the APN settings",
            "Replaced the swollen battery, recalibrated charging",
            "APN settings reset",
            "Swollen battery replaced and charging recalibrated",
            "Recalibrated charging after replacing the swollen battery",
            "Reset APN settings again",
            "Cleaned the speaker grille",
        ];
        let groups = similar_groups(&texts, SIMILAR_RESOLUTIONS, 3);
        assert_eq!(groups, vec![vec![0, 2, 5], vec![1, 3, 4]]);
        assert!(similar_groups(&texts, SIMILAR_RESOLUTIONS, 4).is_empty());
    }

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
