//! The message catalogues. Every user-facing string in dcis comes from here,
//! in English or Lao; Lao strings never appear in code.
//!
//! The catalogues are Project Fluent files embedded in the binary
//! (`locales/en.ftl`, `locales/lo.ftl`). A key missing from Lao falls back to
//! English; a key missing from both shows the key itself, and a test keeps
//! both catalogues' keys identical.

use dcis_domain::user::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;

const EN: &str = include_str!("../locales/en.ftl");
const LO: &str = include_str!("../locales/lo.ftl");

pub struct Catalogue {
    en: FluentBundle<FluentResource>,
    lo: FluentBundle<FluentResource>,
}

/// Why a catalogue failed to load (a syntax error in an .ftl file).
#[derive(Debug)]
pub struct CatalogueError(pub String);

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogueError {}

fn bundle(lang: &str, src: &str) -> Result<FluentBundle<FluentResource>, CatalogueError> {
    let id: unic_langid::LanguageIdentifier = lang
        .parse()
        .map_err(|e| CatalogueError(format!("{lang}: {e}")))?;
    let res = FluentResource::try_new(src.to_owned())
        .map_err(|(_, errs)| CatalogueError(format!("{lang}.ftl: {errs:?}")))?;
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around arguments would end up inside HTML attributes
    // and test assertions; our arguments are never mixed-direction text.
    b.set_use_isolating(false);
    b.add_resource(res)
        .map_err(|errs| CatalogueError(format!("{lang}.ftl: {errs:?}")))?;
    Ok(b)
}

impl Catalogue {
    pub fn load() -> Result<Self, CatalogueError> {
        Ok(Self {
            en: bundle("en", EN)?,
            lo: bundle("lo", LO)?,
        })
    }

    fn bundle(&self, lang: Language) -> &FluentBundle<FluentResource> {
        match lang {
            Language::En => &self.en,
            Language::Lo => &self.lo,
        }
    }

    /// The message `key` in `lang`, with arguments. An argument named
    /// `substance` is a substance code (as in `err-unit-not-allowed`) and
    /// is shown by its name in `lang` ([`Catalogue::substance`]).
    pub fn message(&self, lang: Language, key: &str, args: &[(&str, &str)]) -> String {
        let fargs = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                if *k == "substance" {
                    a.set(*k, FluentValue::from(self.substance(lang, v)));
                    continue;
                }
                // Numbers are passed as numbers so plural rules apply, but
                // only where the number writes back as the same text: a
                // code such as province "03" or a quantity "1.50" stays as
                // written.
                match v.parse::<f64>() {
                    Ok(n) if n.is_finite() && n.to_string() == *v => {
                        a.set(*k, FluentValue::from(n))
                    }
                    _ => a.set(*k, FluentValue::from(*v)),
                }
            }
            Some(a)
        };
        for b in [self.bundle(lang), &self.en] {
            if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let s: Cow<'_, str> = b.format_pattern(pattern, fargs.as_ref(), &mut errors);
                return s.into_owned();
            }
        }
        key.to_owned()
    }

    pub fn t(&self, lang: Language, key: &str) -> String {
        self.message(lang, key, &[])
    }

    /// Whether `lang`'s own catalogue has the message `key` (without the
    /// fallback to English).
    pub fn has(&self, lang: Language, key: &str) -> bool {
        self.bundle(lang)
            .get_message(key)
            .is_some_and(|m| m.value().is_some())
    }

    /// The name of a substance (a drug or precursor code of the taxonomy,
    /// in any case) in `lang`: its message [`substance_key`]; for a code
    /// the catalogues do not know, the taxonomy's English name, else the
    /// code as given.
    pub fn substance(&self, lang: Language, code: &str) -> String {
        let key = substance_key(code);
        if self.has(lang, &key) || self.has(Language::En, &key) {
            return self.t(lang, &key);
        }
        dcis_domain::substance::Taxonomy::global()
            .get(code)
            .map(|s| s.name().to_owned())
            .unwrap_or_else(|| code.to_owned())
    }

    /// Every message key of a language, for tests and tooling.
    pub fn keys(lang: Language) -> Vec<String> {
        let src = match lang {
            Language::En => EN,
            Language::Lo => LO,
        };
        src.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }
}

/// The message key of a substance's name: `substance-meth-tablet` for
/// `METH_TABLET`, `substance-1-boc-4-ap` for `1_BOC_4_AP`.
pub fn substance_key(code: &str) -> String {
    format!(
        "substance-{}",
        code.trim().to_ascii_lowercase().replace('_', "-")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn catalogues_parse_and_have_the_same_keys() {
        let c = Catalogue::load().unwrap();
        let en: BTreeSet<_> = Catalogue::keys(Language::En).into_iter().collect();
        let lo: BTreeSet<_> = Catalogue::keys(Language::Lo).into_iter().collect();
        let missing_lo: Vec<_> = en.difference(&lo).collect();
        let missing_en: Vec<_> = lo.difference(&en).collect();
        assert!(
            missing_lo.is_empty(),
            "keys missing from lo.ftl: {missing_lo:?}"
        );
        assert!(
            missing_en.is_empty(),
            "keys missing from en.ftl: {missing_en:?}"
        );
        assert!(en.len() > 50);
        assert_eq!(
            c.t(Language::En, "app-name"),
            "Drug Control Information System"
        );
    }

    /// Every drug and precursor of the taxonomy has its name in both
    /// catalogues: in English the reference file's name, in Lao a name in
    /// Lao script (chemical names transliterated, beside the Latin
    /// abbreviation a precursor is known by).
    #[test]
    fn every_substance_has_a_name_in_both_languages() {
        let c = Catalogue::load().unwrap();
        let all = dcis_domain::substance::Taxonomy::global().all();
        assert!(all.len() > 80);
        for s in all {
            let key = substance_key(s.code());
            for lang in [Language::En, Language::Lo] {
                assert!(c.has(lang, &key), "{key} missing in {lang:?}");
            }
            assert_eq!(c.t(Language::En, &key), s.name(), "{key}");
            assert_eq!(c.substance(Language::En, s.code()), s.name());
            let lo = c.substance(Language::Lo, &s.code().to_ascii_lowercase());
            assert_ne!(lo, s.name(), "{key} is not translated");
            assert!(
                lo.chars().any(|ch| ('\u{0E80}'..='\u{0EFF}').contains(&ch)),
                "{key}: {lo}"
            );
        }
        // The everyday names.
        assert!(c.substance(Language::Lo, "METH_TABLET").starts_with("ຢາບ້າ"));
        assert!(c.substance(Language::Lo, "OPIUM_RAW").starts_with("ຝິ່ນ"));
        assert!(c.substance(Language::Lo, "HEROIN").starts_with("ເຮໂຣອີນ"));
        assert!(c
            .substance(Language::Lo, "CANNABIS_HERB")
            .starts_with("ກັນຊາ"));
        assert!(c
            .substance(Language::Lo, "METH_CRYSTAL")
            .starts_with("ຢາໄອສ"));
        assert!(c
            .substance(Language::Lo, "EPHEDRINE")
            .starts_with("ເອເຟດຣີນ"));
        // A code the catalogues do not know shows as given.
        assert_eq!(c.substance(Language::Lo, "NOT_A_CODE"), "NOT_A_CODE");
    }

    #[test]
    fn lao_messages_are_in_lao_script() {
        let c = Catalogue::load().unwrap();
        let s = c.t(Language::Lo, "login-title");
        assert!(
            s.chars().any(|ch| ('\u{0E80}'..='\u{0EFF}').contains(&ch)),
            "{s}"
        );
    }

    #[test]
    fn arguments_and_fallback() {
        let c = Catalogue::load().unwrap();
        let s = c.message(Language::En, "err-password-short", &[("min", "12")]);
        assert!(s.contains("12"), "{s}");
        assert_eq!(c.t(Language::Lo, "no-such-key"), "no-such-key");
    }

    #[test]
    fn codes_that_look_like_numbers_stay_as_written() {
        let c = Catalogue::load().unwrap();
        let s = c.message(
            Language::En,
            "err-province-outside-scope",
            &[("value", "03")],
        );
        assert!(s.contains("Province 03 "), "{s}");
        let s = c.message(Language::En, "err-too-long", &[("max", "200")]);
        assert!(s.contains("200"), "{s}");
    }
}
