//! Text analysis shared by indexing and querying.
//!
//! Chinese has no spaces, so instead of a dictionary segmenter (large, and poor on product
//! jargon) every run of CJK characters is indexed as unigrams *and* bigrams. A one-character
//! query looks up the unigram, a longer one looks up its bigrams, which keeps precision close to
//! word matching without a dictionary. Runs of letters and digits are lower-cased words that go
//! through the English Snowball stemmer, so "flickers", "flickering" and "flicker" meet.

use tantivy::tokenizer::{
    Language as StemLanguage, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Name under which [`index_analyzer`] is registered with the tantivy index.
pub(crate) const TOKENIZER: &str = "resolvd_kb";

/// Longer "words" are base64 blobs, hashes or URLs squashed together: never worth a term.
const MAX_WORD_BYTES: usize = 40;

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'     // kana
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{ac00}'..='\u{d7af}'   // hangul syllables
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{2fa1f}' // CJK extensions B and later
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Cjk,
    Separator,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Separator
    }
}

/// A maximal run of word characters or of CJK characters, with its byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Word(usize, &'a str),
    Cjk(usize, &'a str),
}

pub(crate) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = Class::Separator;
    for (at, c) in text.char_indices() {
        let next = class(c);
        if next != current {
            push_piece(&mut out, text, start, at, current);
            start = at;
            current = next;
        }
    }
    push_piece(&mut out, text, start, text.len(), current);
    out
}

fn push_piece<'a>(out: &mut Vec<Piece<'a>>, text: &'a str, from: usize, to: usize, class: Class) {
    let slice = &text[from..to];
    match class {
        Class::Word => out.push(Piece::Word(from, slice)),
        Class::Cjk => out.push(Piece::Cjk(from, slice)),
        Class::Separator => {}
    }
}

/// The tokenizer registered on the index: words, CJK unigrams and CJK bigrams. Stemming is a
/// filter on top of it (see [`index_analyzer`]); the stemmer leaves CJK tokens untouched.
#[derive(Debug, Clone, Default)]
pub(crate) struct MixedTokenizer;

pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0;
        let mut push = |from: usize, to: usize, text: String, position: usize| {
            tokens.push(Token { offset_from: from, offset_to: to, position, text, position_length: 1 });
        };
        for piece in pieces(text) {
            match piece {
                Piece::Word(at, word) => {
                    if word.len() <= MAX_WORD_BYTES {
                        push(at, at + word.len(), word.to_lowercase(), position);
                        position += 1;
                    }
                }
                Piece::Cjk(at, run) => {
                    let chars: Vec<(usize, char)> = run.char_indices().collect();
                    for (i, &(offset, c)) in chars.iter().enumerate() {
                        let from = at + offset;
                        push(from, from + c.len_utf8(), c.to_string(), position + i);
                        if let Some(&(next_offset, next)) = chars.get(i + 1) {
                            let to = at + next_offset + next.len_utf8();
                            push(from, to, format!("{c}{next}"), position + i);
                        }
                    }
                    position += chars.len();
                }
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

pub(crate) fn index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer).filter(Stemmer::new(StemLanguage::English)).build()
}

#[cfg(test)]
/// All index terms of `text`, as [`index_analyzer`] produces them.
pub(crate) fn index_terms(text: &str) -> Vec<String> {
    let mut analyzer = index_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

/// Stems one lower-cased word exactly as indexing does.
pub(crate) fn stem(word: &str) -> String {
    let mut analyzer =
        TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(StemLanguage::English)).build();
    let mut stream = analyzer.token_stream(word);
    if stream.advance() { stream.token().text.clone() } else { word.to_owned() }
}

/// An English (or other alphabetic) word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    /// Lower-cased, as typed; its length decides whether a typo is tolerated.
    pub raw: String,
    /// The index term.
    pub stem: String,
}

/// A query broken into the units that are looked up in the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryText {
    pub words: Vec<QueryWord>,
    /// CJK runs left after removing function words; one-character runs are unigram lookups,
    /// longer runs bigram lookups.
    pub cjk_runs: Vec<Vec<char>>,
    /// Devices and services the message names (see [`THINGS_EN`]), each as the index terms that
    /// name it: a stem, or a Chinese word's bigrams.
    pub things: Vec<Vec<String>>,
}

impl QueryText {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.cjk_runs.is_empty()
    }
}

/// Splits a query or a customer message into lookup units, leaving out function words ("I",
/// "please", 的, 请问). When nothing but function words is left, they are kept: someone who
/// searches for "how" wants articles with "how" in them, not nothing.
///
/// The work is bounded whatever the input: only the first [`MAX_QUERY_CHARS`] characters are
/// read, and at most [`MAX_QUERY_WORDS`] distinct words and [`MAX_QUERY_CJK_CHARS`] Chinese
/// characters are looked up (a message of a megabyte says what it is about in its first lines).
pub(crate) fn analyze_query(text: &str) -> QueryText {
    let text = crate::domain::text::prefix(text, MAX_QUERY_CHARS);
    let filtered = analyze(text, true);
    let mut query = if filtered.is_empty() { analyze(text, false) } else { filtered };
    query.things = things_named(text);
    query
}

/// The devices and services of [`THINGS_EN`] and [`THINGS_ZH`] that `text` names, each as the
/// index terms that name it.
fn things_named(text: &str) -> Vec<Vec<String>> {
    // As written, or with a plural ending: matching by stem would take "banking" for "bank".
    let named = |word: &str| {
        THINGS_EN.iter().any(|thing| {
            word.strip_prefix(thing).is_some_and(|ending| {
                ending.is_empty() || ending == "s" || (ending == "es" && thing.ends_with('x'))
            })
        })
    };
    let mut things: Vec<Vec<String>> = Vec::new();
    let mut add = |terms: Vec<String>| {
        if !things.contains(&terms) {
            things.push(terms);
        }
    };
    let mut has_cjk = false;
    for piece in pieces(text) {
        match piece {
            Piece::Word(_, word) if word.len() <= MAX_WORD_BYTES => {
                let word = word.to_lowercase();
                if named(&word) {
                    add(vec![stem(&word)]);
                }
            }
            Piece::Word(..) => {}
            Piece::Cjk(..) => has_cjk = true,
        }
    }
    if has_cjk {
        for word in THINGS_ZH {
            if text.contains(word) {
                let chars: Vec<char> = word.chars().collect();
                add(chars.windows(2).map(|pair| pair.iter().collect()).collect());
            }
        }
    }
    things
}

/// Devices and services a customer may name as the subject of a message: consumer products of
/// every kind, the companies people pay and the shops they order from (singular or plural). Which of
/// them a knowledge base is about it says itself: a thing most articles mention is its own
/// product (see `search::Plan`). The words are named as nouns only where the noun is the
/// usual sense ("watch" and "bank" are left out: "watch a video", "refund to my bank"), and
/// none is a part or feature of a phone (camera, radio, scanner, flight mode) or an app used on
/// it (a message about Instagram or WeChat is as often about the phone it runs on).
pub(crate) const THINGS_EN: &[&str] = &[
    "phone",
    "smartphone",
    "laptop",
    "notebook",
    "computer",
    "pc",
    "desktop",
    "macbook",
    "tablet",
    "ipad",
    "tv",
    "television",
    "monitor",
    "projector",
    "printer",
    "router",
    "modem",
    "webcam",
    "console",
    "playstation",
    "xbox",
    "nintendo",
    "smartwatch",
    "fridge",
    "refrigerator",
    "freezer",
    "microwave",
    "oven",
    "stove",
    "dishwasher",
    "washer",
    "dryer",
    "vacuum",
    "kettle",
    "toaster",
    "heater",
    "boiler",
    "thermostat",
    "stereo",
    "car",
    "truck",
    "motorbike",
    "motorcycle",
    "scooter",
    "bike",
    "bicycle",
    "drone",
    "gym",
    "airline",
    "hotel",
    "restaurant",
    "pizza",
    "taxi",
    "uber",
    "electricity",
    "insurance",
    "landlord",
    "banking",
    "netflix",
    "spotify",
    "amazon",
    "ebay",
    "paypal",
    "gmail",
];

/// The Chinese names of the same kinds of things. Matched as substrings, so only words of two
/// characters or more that are not part of phone vocabulary (车 alone is in 车载, 表 in 表面).
pub(crate) const THINGS_ZH: &[&str] = &[
    "手机",
    "电脑",
    "笔记本",
    "台式机",
    "平板",
    "电视",
    "显示器",
    "投影仪",
    "打印机",
    "路由器",
    "光猫",
    "游戏机",
    "手表",
    "手环",
    "冰箱",
    "微波炉",
    "烤箱",
    "洗衣机",
    "洗碗机",
    "烘干机",
    "吸尘器",
    "扫地机",
    "空调",
    "热水器",
    "电饭煲",
    "音箱",
    "汽车",
    "电动车",
    "自行车",
    "摩托车",
    "无人机",
    "健身房",
    "航空公司",
    "机票",
    "航班",
    "酒店",
    "餐厅",
    "外卖",
    "出租车",
    "电费",
    "水费",
    "燃气",
    "保险",
    "房东",
    "视频网站",
    "加油站",
    "快递柜",
    "饭店",
    "网银",
    "视频会员",
    "游戏账号",
    "支付宝",
    "淘宝",
    "京东",
    "拼多多",
];

/// Characters of a query (or a message a suggestion is sought for) that are read.
pub(crate) const MAX_QUERY_CHARS: usize = 2_000;
/// Distinct words looked up: past this, words add cost, not meaning.
pub(crate) const MAX_QUERY_WORDS: usize = 64;
/// Chinese characters looked up, over all runs.
pub(crate) const MAX_QUERY_CJK_CHARS: usize = 256;

fn analyze(text: &str, drop_function_words: bool) -> QueryText {
    let mut query = QueryText::default();
    let mut seen = std::collections::HashSet::new();
    let mut cjk_chars = 0;
    for piece in pieces(text) {
        match piece {
            Piece::Word(_, word) => {
                if word.len() > MAX_WORD_BYTES || query.words.len() == MAX_QUERY_WORDS {
                    continue;
                }
                let raw = word.to_lowercase();
                if drop_function_words && ENGLISH_STOP_WORDS.contains(&raw.as_str()) {
                    continue;
                }
                if !seen.insert(raw.clone()) {
                    continue;
                }
                let stem = stem(&raw);
                query.words.push(QueryWord { raw, stem });
            }
            Piece::Cjk(_, run) => {
                if cjk_chars >= MAX_QUERY_CJK_CHARS {
                    continue;
                }
                let run: String = run.chars().take(MAX_QUERY_CJK_CHARS - cjk_chars).collect();
                cjk_chars += run.chars().count();
                let runs = if drop_function_words {
                    split_at_function_words(&run)
                } else {
                    vec![run.chars().collect()]
                };
                query.cjk_runs.extend(runs.into_iter().filter(|r| !r.is_empty()));
            }
        }
    }
    query
}

/// Removes Chinese function words by greedy longest match. Only words and particles that never
/// carry the topic of a support question are listed; single characters that also start content
/// words (请 in 申请, 会 in 会员, 要 in 重要) are deliberately absent.
fn split_at_function_words(run: &str) -> Vec<Vec<char>> {
    let chars: Vec<char> = run.chars().collect();
    let mut runs = vec![Vec::new()];
    let mut i = 0;
    'outer: while i < chars.len() {
        for word in CHINESE_STOP_WORDS {
            let len = word.chars().count();
            if i + len <= chars.len() && word.chars().eq(chars[i..i + len].iter().copied()) {
                runs.push(Vec::new());
                i += len;
                continue 'outer;
            }
        }
        runs.last_mut().expect("runs starts non-empty").push(chars[i]);
        i += 1;
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Longest first, so that 怎么办 wins over 怎么.
const CHINESE_STOP_WORDS: &[&str] = &[
    "可不可以",
    "不知道",
    "怎么办",
    "怎么样",
    "为什么",
    "能不能",
    "是不是",
    "有没有",
    "你好",
    "您好",
    "请问",
    "麻烦",
    "谢谢",
    "我的",
    "我们",
    "你们",
    "一下",
    "怎么",
    "什么",
    "可以",
    "一直",
    "总是",
    "老是",
    "现在",
    "今天",
    "昨天",
    "已经",
    "还是",
    "就是",
    "这个",
    "那个",
    "有点",
    "一个",
    "帮忙",
    "帮我",
    "我想",
    "想要",
    "需要",
    "如何",
    "应该",
    "突然",
    "时候",
    "的话",
    "然后",
    "但是",
    "因为",
    "所以",
    "知道",
    "的",
    "了",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "哦",
    "嗯",
    "我",
    "你",
    "您",
    "他",
    "她",
    "它",
    "很",
    "也",
    "都",
    "就",
    "又",
    "呗",
    "么",
];

/// Words that carry no topic in a support message. Larger than the usual search stop list
/// because customers write sentences ("hi, I want a refund for my order"), not keywords.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "already",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "cannot",
    "cant",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "done",
    "dont",
    "each",
    "even",
    "every",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "help",
    "her",
    "here",
    "hey",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "im",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "just",
    "keep",
    "keeps",
    "kept",
    "know",
    "let",
    "like",
    "ll",
    "m",
    "me",
    "might",
    "mine",
    "more",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "needs",
    "now",
    "of",
    "on",
    "once",
    "one",
    "only",
    "or",
    "our",
    "out",
    "please",
    "pls",
    "plz",
    "re",
    "really",
    "s",
    "same",
    "she",
    "should",
    "since",
    "so",
    "some",
    "someone",
    "something",
    "still",
    "such",
    "t",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "trying",
    "up",
    "us",
    "ve",
    "very",
    "want",
    "wanted",
    "wants",
    "was",
    "wasn",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "won",
    "would",
    "yet",
    "you",
    "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_as_unigrams_and_bigrams() {
        assert_eq!(index_terms("屏幕闪"), ["屏", "屏幕", "幕", "幕闪", "闪"]);
    }

    #[test]
    fn english_words_are_lower_cased_and_stemmed() {
        assert_eq!(index_terms("Flickers flickering"), ["flicker", "flicker"]);
    }

    #[test]
    fn mixed_text_splits_at_script_changes() {
        assert_eq!(index_terms("5G信号"), ["5g", "信", "信号", "号"]);
    }

    #[test]
    fn function_words_are_left_out_of_queries() {
        let query = analyze_query("hi, I want a refund for my order");
        let stems: Vec<&str> = query.words.iter().map(|w| w.stem.as_str()).collect();
        assert_eq!(stems, ["refund", "order"]);
        let query = analyze_query("请问我的屏幕怎么办");
        assert_eq!(query.cjk_runs, [vec!['屏', '幕']]);
    }

    #[test]
    fn a_query_of_only_function_words_is_kept_whole() {
        assert_eq!(analyze_query("how").words.len(), 1);
        assert_eq!(analyze_query("我").cjk_runs, [vec!['我']]);
    }

    #[test]
    fn devices_and_services_a_message_names_are_found_in_both_languages() {
        assert_eq!(analyze_query("my Laptops and the TV flicker").things, [vec!["laptop"], vec!["tv"]]);
        assert_eq!(analyze_query("投影仪黑屏了").things, [vec!["投影", "影仪"]]);
        assert!(analyze_query("I want to watch a video at the bank, nobody cares").things.is_empty());
        assert_eq!(analyze_query("online banking").things, [vec!["bank"]]);
    }

    #[test]
    fn content_words_that_start_with_a_function_character_survive() {
        assert_eq!(analyze_query("申请退款").cjk_runs, [vec!['申', '请', '退', '款']]);
    }
}
