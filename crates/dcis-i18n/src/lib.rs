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

    /// The message `key` in `lang`, with arguments.
    pub fn message(&self, lang: Language, key: &str, args: &[(&str, &str)]) -> String {
        let fargs = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (k, v) in args {
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
