//! Which column of the file holds which field: guessed from the headers
//! (the canonical names, spelled loosely, and common names agencies use),
//! then corrected by the user where the guess is wrong or missing.

use crate::columns::{ignored_known, import_columns, REQUIRED};
use dcis_domain::{FieldError, FieldErrors};
use serde::Serialize;

/// For each field an import reads (in [`import_columns`] order), the index
/// of the file's column that holds it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub fields: Vec<(&'static str, Option<usize>)>,
}

/// A header reduced for comparison: lower case, without spaces, `_`, `-`,
/// `.`, `*` and anything in parentheses (`Quantity (kg)` → `quantity`).
pub fn normalise_header(h: &str) -> String {
    let mut depth = 0u32;
    let mut out = String::new();
    for c in h.trim().chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            ' ' | '_' | '-' | '.' | '*' | ':' | '\u{a0}' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Other names of the fields seen in agencies' sheets (normalised).
const ALIASES: &[(&str, &[&str])] = &[
    (
        "reference",
        &[
            "ref",
            "caseref",
            "casereference",
            "caseno",
            "casenumber",
            "fileno",
            "referenceno",
        ],
    ),
    (
        "occurred_on",
        &[
            "date",
            "casedate",
            "dateofseizure",
            "seizuredate",
            "incidentdate",
            "occurred",
        ],
    ),
    ("occurred_time", &["time", "timeofseizure", "seizuretime"]),
    ("province", &["provincecode", "prov"]),
    ("district", &["districtcode"]),
    ("operation_name", &["operation", "operationname"]),
    (
        "detection_method",
        &["detection", "detectedby", "howdetected"],
    ),
    (
        "transport_mode",
        &["transport", "modeoftransport", "conveyance"],
    ),
    ("concealment_method", &["concealment", "concealedin"]),
    (
        "origin_country",
        &["origin", "countryoforigin", "fromcountry"],
    ),
    (
        "destination_country",
        &["destination", "countryofdestination", "tocountry"],
    ),
    (
        "narrative",
        &["description", "summary", "remarks", "notes", "details"],
    ),
    ("classification", &["class", "securityclassification"]),
    ("tlp", &["tlpmarking", "trafficlight"]),
    (
        "agency_code",
        &["agency", "agencycode", "organisation", "organization"],
    ),
    (
        "substance",
        &["drug", "drugtype", "substancecode", "precursor", "chemical"],
    ),
    ("quantity", &["qty", "amount", "weight", "volume"]),
    ("unit", &["units", "uom", "unitofmeasure"]),
    (
        "tablet_count",
        &["tablets", "numberoftablets", "pills", "nooftablets"],
    ),
    (
        "unit_weight_mg",
        &["tabletweight", "unitweight", "mgpertablet"],
    ),
    ("purity", &["purity%", "puritypercent"]),
    ("lab_reference", &["labref", "labno", "laboratoryreference"]),
    (
        "tablet_logo",
        &["logo", "markings", "tabletmarking", "stamp"],
    ),
    ("packaging_kind", &["packaging", "packagingtype", "package"]),
    ("packaging_brand", &["brand", "teabrand", "packagingbrand"]),
    ("price_currency", &["currency"]),
];

impl Mapping {
    /// The best guess from the headers: a header matches a field when its
    /// normalised form is the field's name or one of its other names. A
    /// header matches at most one field; the first match wins.
    pub fn guess(headers: &[String]) -> Self {
        let norm: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
        let mut used = vec![false; headers.len()];
        let mut fields: Vec<(&'static str, Option<usize>)> =
            import_columns().into_iter().map(|f| (f, None)).collect();
        // Exact names first, so that `agency_code` is not taken by the
        // alias `agency` when both columns are present.
        for (field, slot) in fields.iter_mut() {
            let want = normalise_header(field);
            if let Some(i) = (0..norm.len()).find(|i| !used[*i] && norm[*i] == want) {
                *slot = Some(i);
                used[i] = true;
            }
        }
        for (field, slot) in fields.iter_mut() {
            if slot.is_some() {
                continue;
            }
            let aliases = ALIASES
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, a)| *a)
                .unwrap_or(&[]);
            if let Some(i) = (0..norm.len()).find(|i| {
                !used[*i] && !ignored_known(&headers[*i]) && aliases.contains(&norm[*i].as_str())
            }) {
                *slot = Some(i);
                used[i] = true;
            }
        }
        Self { fields }
    }

    /// The guess corrected by the user: each pair is (field, header), an
    /// empty header meaning "not in this file". Unknown fields or headers,
    /// and a header given to two fields, are errors on the field.
    pub fn with_choices(
        headers: &[String],
        choices: &[(String, String)],
    ) -> Result<Self, FieldErrors> {
        let mut m = Self::guess(headers);
        let mut errors = FieldErrors::new();
        for (field, header) in choices {
            let Some(slot) = m.fields.iter_mut().find(|(f, _)| *f == field.as_str()) else {
                errors
                    .push(FieldError::new("mapping", "err-import-map-field").with("value", field));
                continue;
            };
            if header.trim().is_empty() {
                slot.1 = None;
                continue;
            }
            match headers.iter().position(|h| h == header.trim()) {
                Some(i) => slot.1 = Some(i),
                None => errors.push(
                    FieldError::new("mapping", "err-import-map-header")
                        .with("field", slot.0)
                        .with("value", header),
                ),
            }
        }
        for (i, h) in headers.iter().enumerate() {
            let to: Vec<&str> = m
                .fields
                .iter()
                .filter(|(_, c)| *c == Some(i))
                .map(|(f, _)| *f)
                .collect();
            if to.len() > 1 {
                errors.push(
                    FieldError::new("mapping", "err-import-map-twice")
                        .with("value", h)
                        .with("fields", to.join(", ")),
                );
            }
        }
        errors.into_result()?;
        Ok(m)
    }

    /// The column holding a field.
    pub fn column(&self, field: &str) -> Option<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, c)| *c)
    }

    /// Required fields no column holds (an error for the whole file).
    pub fn missing_required(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .copied()
            .filter(|f| self.column(f).is_none())
            .collect()
    }

    /// Headers of the file no field reads (reported, not an error), apart
    /// from the export's own derived columns.
    pub fn unused_headers<'h>(&self, headers: &'h [String]) -> Vec<&'h str> {
        headers
            .iter()
            .enumerate()
            .filter(|(i, h)| {
                !h.is_empty()
                    && !ignored_known(h)
                    && !self.fields.iter().any(|(_, c)| *c == Some(*i))
            })
            .map(|(_, h)| h.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_loose_names_and_aliases() {
        let headers = h(&[
            "Case No.", "Date", "Province", "Drug", "Qty (kg)", "Unit", "Logo", "Other",
        ]);
        let m = Mapping::guess(&headers);
        assert_eq!(m.column("reference"), Some(0));
        assert_eq!(m.column("occurred_on"), Some(1));
        assert_eq!(m.column("province"), Some(2));
        assert_eq!(m.column("substance"), Some(3));
        assert_eq!(m.column("quantity"), Some(4));
        assert_eq!(m.column("unit"), Some(5));
        assert_eq!(m.column("tablet_logo"), Some(6));
        assert!(m.missing_required().is_empty());
        assert_eq!(m.unused_headers(&headers), ["Other"]);
    }

    #[test]
    fn the_export_header_maps_itself() {
        let headers: Vec<String> = crate::columns::export_columns()
            .into_iter()
            .map(String::from)
            .collect();
        let m = Mapping::guess(&headers);
        for (f, c) in &m.fields {
            assert_eq!(headers[c.unwrap()], *f);
        }
        assert!(m.unused_headers(&headers).is_empty());
    }

    #[test]
    fn choices_override_and_are_checked() {
        let headers = h(&["Ref", "When", "Where"]);
        let m = Mapping::guess(&headers);
        assert_eq!(m.missing_required(), ["occurred_on", "province"]);
        let m = Mapping::with_choices(
            &headers,
            &[
                ("occurred_on".into(), "When".into()),
                ("province".into(), "Where".into()),
            ],
        )
        .unwrap();
        assert!(m.missing_required().is_empty());
        let e = Mapping::with_choices(&headers, &[("province".into(), "Nope".into())]).unwrap_err();
        assert_eq!(e.0[0].key, "err-import-map-header");
        let e = Mapping::with_choices(&headers, &[("province".into(), "Ref".into())]).unwrap_err();
        assert_eq!(e.0[0].key, "err-import-map-twice");
    }
}
