//! Search words: how free text (a case's narrative and operation name, a
//! person's names) is cut into words for the search box, and how a query
//! is cut the same way. The rules are in `docs/search.md`.
//!
//! Words are found with ICU4X's word segmenter: Unicode word boundaries
//! (UAX #29) for scripts that separate words with spaces, and a dictionary
//! for Lao (and Thai, Khmer, Burmese, Chinese, Japanese), which write no
//! spaces between words. Each word is then folded with the rules the rest
//! of dcis uses: [`latin_key`] (lower case, Latin diacritics removed) and
//! Lao and Thai digits read as ASCII digits. Only segments that are words
//! (letters or numbers) are kept; spaces and punctuation are not.
//!
//! Stored words are kept as one string, each word preceded and followed by
//! a space (` w1 w2 … `), so that "a query word starts a stored word" is
//! `LIKE '% w%'` on both engines.

use crate::person::latin_key;
use crate::text::ascii_digit;
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::WordSegmenter;

/// At most this many words of a query are matched (the rest are ignored),
/// which bounds the SQL a query produces.
pub const MAX_QUERY_WORDS: usize = 8;

/// The folded words of `text`, in order, repeats included.
pub fn words(text: &str) -> Vec<String> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut out = Vec::new();
    let mut start = 0;
    for (end, kind) in segmenter.segment_str(text).iter_with_word_type() {
        let segment = &text[start..end];
        start = end;
        if !kind.is_word_like() {
            continue;
        }
        // The fold may turn a hyphen or full stop inside a segment into a
        // space ("u.s", "a-b"): each part is a word of its own.
        let folded: String = latin_key(segment).chars().map(ascii_digit).collect();
        out.extend(
            folded
                .split_whitespace()
                .map(|w| w.replace(['%', '_', '\\'], ""))
                .filter(|w| !w.is_empty()),
        );
    }
    out
}

/// The stored form of the words of several texts: each distinct word once,
/// in order of first appearance, between spaces (` w1 w2 … `); a single
/// space when there are none.
pub fn column<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::from(" ");
    for w in texts.into_iter().flat_map(words) {
        if seen.insert(w.clone()) {
            out.push_str(&w);
            out.push(' ');
        }
    }
    out
}

/// The words of a query: folded like stored words, each distinct word
/// once, at most [`MAX_QUERY_WORDS`].
pub fn query(q: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    words(q)
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .take(MAX_QUERY_WORDS)
        .collect()
}

/// Whether `query` matches a stored `column`: every query word starts a
/// word of the column. (The store runs the same test in SQL; this is its
/// specification, and what the tests check the SQL against.)
pub fn matches(column: &str, query: &[String]) -> bool {
    !query.is_empty() && query.iter().all(|q| column.contains(&format!(" {q}")))
}

/// The words of a stored column, in order (the inverse of [`column`]).
pub fn column_words(column: &str) -> impl Iterator<Item = &str> {
    column.split(' ').filter(|w| !w.is_empty())
}

/// The upper end of the range of stored terms that start with `prefix`:
/// a term starts with `prefix` exactly when `prefix <= term < prefix_end`
/// (strings compared byte by byte, as SQLite does and PostgreSQL does
/// under the "C" collation; UTF-8 keeps code point order, and no term
/// holds U+10FFFF, the greatest code point).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// At most this many parts of a reference are indexed (the rest of a
/// longer reference is found through its first ones).
pub const MAX_REFERENCE_PARTS: usize = 8;

/// The parts of a reference: runs of letters and digits, lower case, Lao
/// and Thai digits read as ASCII digits. `CNP-05-2026-000123` has the parts
/// `cnp`, `05`, `2026`, `000123`.
fn reference_parts(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.chars()
                .flat_map(char::to_lowercase)
                .map(ascii_digit)
                .collect()
        })
        .collect()
}

/// The stored form of what a reference is found by: each of its endings
/// that starts at a part (`cnp052026000123`, `052026000123`, `2026000123`,
/// `000123`), separators removed, in a column like [`column`]'s. A query
/// finds the reference when its own parts, joined, start one of these:
/// `000123`, `2026-000123` and `CNP-05` do, `0123` does not.
pub fn reference_column(reference: &str) -> String {
    let parts = reference_parts(reference);
    let parts = &parts[..parts.len().min(MAX_REFERENCE_PARTS)];
    let mut out = String::from(" ");
    for i in 0..parts.len() {
        let tail = parts[i..].concat();
        if !out.contains(&format!(" {tail} ")) {
            out.push_str(&tail);
            out.push(' ');
        }
    }
    out
}

/// The form of a query that is matched against [`reference_column`]: its
/// parts joined; `None` when it has none.
pub fn reference_query(q: &str) -> Option<String> {
    let joined = reference_parts(q).concat();
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<String> {
        query(s)
    }

    #[test]
    fn latin_words_are_folded_and_punctuation_dropped() {
        assert_eq!(
            words("Nguyễn Văn ĐỨC, (alias \"Duc-Anh\") seized 2.5 kg!"),
            vec!["nguyen", "van", "duc", "alias", "duc", "anh", "seized", "2", "5", "kg"]
        );
        assert_eq!(words("  \n\t ... -- "), Vec::<String>::new());
        assert_eq!(
            words("Müller STRASSE Straße"),
            vec!["muller", "strasse", "strasse"]
        );
        // Lao digits are read as ASCII digits.
        assert_eq!(words("ລົດ ໑໒໓"), vec!["ລົດ", "123"]);
        // LIKE's wild cards never reach a word.
        assert_eq!(words("100% a_b"), vec!["100", "a", "b"]);
    }

    #[test]
    fn columns_hold_each_word_once_between_spaces() {
        assert_eq!(
            column(["Operation Dragon", "The dragon ran."]),
            " operation dragon the ran "
        );
        assert_eq!(column(["", "  "]), " ");
        assert_eq!(column(Vec::<&str>::new()), " ");
    }

    #[test]
    fn a_query_word_matches_the_start_of_a_stored_word() {
        let c = column(["Nguyễn Văn Đức was stopped at Houayxay"]);
        assert!(matches(&c, &q("nguyen")));
        assert!(matches(&c, &q("NGUY")), "a prefix");
        assert!(matches(&c, &q("duc houay")), "every word, in any order");
        assert!(matches(&c, &q("Đức")), "diacritics in the query too");
        assert!(!matches(&c, &q("guyen")), "not inside a word");
        assert!(!matches(&c, &q("nguyen bokeo")), "all words must match");
        assert!(!matches(&c, &q("")), "an empty query matches nothing");
        assert!(!matches(&c, &q("?!")), "nor does punctuation");
    }

    // Synthetic Lao text, written as Lao is, without spaces between words:
    // "Officers arrested Mr Bounmy Phommavong with yaba."
    const ARREST: &str = "ເຈົ້າໜ້າທີ່ໄດ້ຈັບກຸມທ້າວບຸນມີພົມມະວົງພ້ອມຢາບ້າ";
    // "Ms Khamphone Sisouvanh carried narcotics from Bokeo province."
    const CARRIED: &str = "ນາງຄຳພອນສີສຸວັນໄດ້ຂົນສົ່ງຢາເສບຕິດຈາກແຂວງບໍ່ແກ້ວ";

    #[test]
    fn lao_text_is_cut_into_words_by_the_dictionary() {
        assert_eq!(
            words(ARREST),
            vec![
                "ເຈົ້າໜ້າທີ່",
                "ໄດ້",
                "ຈັບກຸມ",
                "ທ້າວ",
                "ບຸນ",
                "ມີ",
                "ພົມ",
                "ມະ",
                "ວົງ",
                "ພ້ອມ",
                "ຢາ",
                "ບ້າ"
            ]
        );
        // A name is cut the same way alone as inside a sentence.
        assert_eq!(words("ບຸນມີ ພົມມະວົງ"), vec!["ບຸນ", "ມີ", "ພົມ", "ມະ", "ວົງ"]);
    }

    #[test]
    fn a_lao_word_inside_a_run_on_sentence_is_found() {
        let c = column(["", ARREST]);
        for found in [
            "ພົມມະວົງ",     // the family name, inside the run
            "ບຸນມີ ພົມມະວົງ", // the whole name, as typed with a space
            "ບຸນມີພົມມະວົງ",  // or without
            "ຈັບກຸມ",       // a verb
            "ຢາບ້າ",       // the drug
            "ຈັບ",         // the start of a word
        ] {
            assert!(matches(&c, &q(found)), "{found:?} in {c:?}");
        }
        for not_found in [
            "ກຸມ",    // the end of ຈັບກຸມ, not a word of the sentence
            "ໜ້າທີ່",   // inside ເຈົ້າໜ້າທີ່ ("officer"), not a word of it
            "ຄຳພອນ", // a name from another sentence
        ] {
            assert!(!matches(&c, &q(not_found)), "{not_found:?} in {c:?}");
        }
        let c = column([CARRIED]);
        assert!(matches(&c, &q("ຄຳພອນ ສີສຸວັນ")));
        assert!(matches(&c, &q("ບໍ່ແກ້ວ")));
        assert!(matches(&c, &q("ຢາເສບຕິດ")));
        assert!(!matches(&c, &q("ແກ້ວ")), "inside ບໍ່ແກ້ວ");
    }

    #[test]
    fn lao_and_latin_names_of_a_person_are_one_column() {
        let c = column(["ສົມຊາຍ ທົດສອບ", "Somsay Thótsọp", "Say"]);
        assert!(matches(&c, &q("ທົດສອບ")));
        assert!(matches(&c, &q("somsay THOTSOP")));
        assert!(matches(&c, &q("ສົມຊາຍ somsay")), "scripts mixed in a query");
        assert!(matches(&c, &q("sa")), "a prefix of Say and Somsay");
    }

    proptest::proptest! {
        // Whatever the text, its own words find it.
        #[test]
        fn a_text_is_found_by_its_own_words(s in "[a-zA-Zàéđ0-9 ,.ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮະັາິີຶືຸູົຼຽເແໂໃໄ່້໊໋ໍ໐-໙]{0,40}") {
            let c = column([s.as_str()]);
            let query = q(&s);
            proptest::prop_assert_eq!(matches(&c, &query), !query.is_empty());
            // And words never carry spaces or LIKE wild cards.
            for w in words(&s) {
                proptest::prop_assert!(!w.is_empty() && !w.contains([' ', '%', '_', '\\']));
            }
        }
    }

    #[test]
    fn references_are_found_by_their_endings_from_a_part() {
        let c = reference_column("CNP-05-2026-000123");
        assert_eq!(c, " cnp052026000123 052026000123 2026000123 000123 ");
        let found = |q: &str| {
            reference_query(q).is_some_and(|q| column_words(&c).any(|t| t.starts_with(&q)))
        };
        for q in [
            "CNP-05-2026-000123",
            "cnp 05",
            "2026-000123",
            "000123",
            "00012",
            "05/2026",
        ] {
            assert!(found(q), "{q}");
        }
        for q in ["0123", "2026-0124", "cnp-06"] {
            assert!(!found(q), "{q}");
        }
        assert_eq!(reference_query(" -- / "), None);
        assert_eq!(reference_query("ບກ-໑໒"), Some("ບກ12".to_owned()));
        assert_eq!(reference_column(""), " ");
        // Repeated endings are kept once.
        assert_eq!(reference_column("A-A"), " aa a ");
    }

    #[test]
    fn prefix_ranges_hold_exactly_the_terms_that_start_with_the_prefix() {
        let end = prefix_end("ab");
        for t in ["ab", "abc", "ab\u{10FFFE}", "abຢ"] {
            assert!("ab" <= t && t < end.as_str(), "{t}");
        }
        for t in ["a", "aa", "ac", "b", "ຢ"] {
            assert!(!("ab" <= t && t < end.as_str()), "{t}");
        }
    }

    #[test]
    fn queries_are_bounded() {
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(q(&many).len(), MAX_QUERY_WORDS);
        assert_eq!(q("a A á"), vec!["a"]);
    }
}
