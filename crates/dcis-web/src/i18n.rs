//! Choosing the language of a request and translating in templates.

use axum::http::HeaderMap;
use dcis_domain::user::Language;
use dcis_domain::FieldErrors;
use dcis_i18n::Catalogue;
use std::collections::HashMap;
use std::sync::Arc;

pub const LANG_COOKIE: &str = "dcis_lang";

/// The language for a request: the user's choice when logged in, else the
/// language cookie, else the browser's `Accept-Language`, else English.
pub fn negotiate(user: Option<Language>, headers: &HeaderMap) -> Language {
    if let Some(l) = user {
        return l;
    }
    let cookie_lang = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Language::parse(v).ok());
    if let Some(l) = cookie_lang {
        return l;
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default()
}

/// A translator bound to one language, for templates and handlers.
#[derive(Clone)]
pub struct Tr {
    pub lang: Language,
    catalogue: Arc<Catalogue>,
}

impl Tr {
    pub fn new(catalogue: Arc<Catalogue>, lang: Language) -> Self {
        Self { lang, catalogue }
    }

    pub fn t(&self, key: &str) -> String {
        self.catalogue.t(self.lang, key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.catalogue
            .message(self.lang, key, &[(name, &value.to_string())])
    }

    pub fn message(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.catalogue.message(self.lang, key, args)
    }

    pub fn code(&self) -> &'static str {
        self.lang.as_str()
    }

    /// The name of a substance (drug or precursor code) in this language.
    pub fn substance(&self, code: &str) -> String {
        self.catalogue.substance(self.lang, code)
    }

    /// Translates a value of a closed list (`role-analyst`, `kind-customs`).
    pub fn choice(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{}", value.replace('_', "-")))
    }

    pub fn datetime(&self, t: &time::OffsetDateTime) -> String {
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        t.format(f).unwrap_or_default()
    }
}

/// Field values and translated errors of a submitted form, for re-display.
#[derive(Clone, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    /// Errors that belong to no field on the form.
    pub general: Vec<String>,
}

impl FormState {
    pub fn with_values(values: HashMap<String, String>) -> Self {
        Self {
            values,
            ..Default::default()
        }
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn e(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }

    /// Translates field errors; errors for fields the form does not show
    /// are listed as general errors so none is lost.
    pub fn add_errors(&mut self, tr: &Tr, errors: &FieldErrors, shown: &[&str]) {
        for e in &errors.0 {
            let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let msg = tr.message(e.key, &args);
            if shown.contains(&e.field) {
                self.errors.entry(e.field.to_owned()).or_insert(msg);
            } else {
                self.general.push(format!(
                    "{}: {msg}",
                    tr.t(&format!("field-{}", e.field.replace('_', "-")))
                ));
            }
        }
    }
}
