//! The ARQ seizure report as an XLSX workbook laid out like the
//! questionnaire (`docs/reports.md`, "The workbook").
//!
//! The questionnaire is filed in English, so every label is English, with
//! its Lao translation beside it (a second header line, a Lao name column)
//! for the national focal point: one workbook, whoever makes it. Sheets:
//!
//! 1. **Cover**: country, year, when, by whom, system, which data.
//! 2. **Seizures**: one line per drug row and unit (quantity, unit, cases),
//!    `--` where nothing was seized, as the questionnaire asks; then the
//!    precursor chemicals, apart.
//! 3. **By substance**: the same figures per local substance code.
//! 4. **Individual seizures**: the significant seizures.
//! 5. **Notes**: the rules, the thresholds and the mapping of local
//!    substance codes to drug rows.
//!
//! Quantities are numbers (kilograms, litres, hectares or counts) so the
//! sheet adds up; the JSON twin carries the exact decimals.

use super::arq::{ArqReport, COUNTRY};
use crate::error::AppError;
use dcis_domain::arq::{mapping, Amount, ArqDrug, ArqUnit, LineFigures, ARQ_ROWS};
use dcis_domain::substance::{SubstanceKind, Taxonomy};
use dcis_domain::user::Language;
use dcis_i18n::Catalogue;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The sheets' names (English, as the questionnaire).
pub const SHEETS: [&str; 5] = [
    "Cover",
    "Seizures",
    "By substance",
    "Individual seizures",
    "Notes",
];

/// What the questionnaire asks to write where there are no data.
pub const NO_DATA: &str = "--";

fn x(e: XlsxError) -> AppError {
    AppError::Internal(format!("report: xlsx: {e}"))
}

/// Labels in both languages.
struct Words<'a> {
    cat: &'a Catalogue,
}

impl Words<'_> {
    fn en(&self, key: &str) -> String {
        self.cat.t(Language::En, key)
    }
    fn lo(&self, key: &str) -> String {
        self.cat.t(Language::Lo, key)
    }
    fn en_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.cat.message(Language::En, key, args)
    }
    fn lo_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.cat.message(Language::Lo, key, args)
    }
    fn unit(&self, u: ArqUnit) -> String {
        self.en(&format!("unit-{}", u.as_str()))
    }
    fn choice_en(&self, prefix: &str, value: &str) -> String {
        if value.is_empty() {
            String::new()
        } else {
            self.en(&format!("{prefix}-{}", value.replace('_', "-")))
        }
    }
}

/// Formats used across the sheets.
struct Formats {
    title: Format,
    title_lo: Format,
    header: Format,
    header_lo: Format,
    label: Format,
    lao: Format,
    wrap: Format,
    dash: Format,
    count: Format,
    kg: Format,
    litres: Format,
    hectares: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new().set_bold().set_text_wrap();
        Self {
            title: Format::new().set_bold().set_font_size(14),
            title_lo: Format::new().set_italic().set_font_size(12),
            header_lo: header.clone().set_italic().set_bold(),
            header,
            label: Format::new().set_bold(),
            lao: Format::new().set_italic(),
            wrap: Format::new().set_text_wrap(),
            dash: Format::new().set_align(rust_xlsxwriter::FormatAlign::Right),
            count: Format::new().set_num_format("#,##0"),
            kg: Format::new().set_num_format("#,##0.000######"),
            litres: Format::new().set_num_format("#,##0.000###"),
            hectares: Format::new().set_num_format("#,##0.0000"),
        }
    }

    fn quantity(&self, u: ArqUnit) -> &Format {
        match u {
            ArqUnit::Kg => &self.kg,
            ArqUnit::L => &self.litres,
            ArqUnit::Ha => &self.hectares,
            ArqUnit::Tablets | ArqUnit::Units | ArqUnit::Plants => &self.count,
        }
    }
}

/// The number a spreadsheet cell holds for an exact amount.
pub fn cell_value(a: Amount) -> f64 {
    a.decimal().parse().unwrap_or(0.0)
}

/// A worksheet being filled row by row.
struct Sheet {
    ws: Worksheet,
    row: u32,
}

impl Sheet {
    fn new(name: &str, widths: &[f64]) -> Result<Self, AppError> {
        let mut ws = Worksheet::new();
        ws.set_name(name).map_err(x)?;
        for (c, w) in (0u16..).zip(widths) {
            ws.set_column_width(c, *w).map_err(x)?;
        }
        Ok(Self { ws, row: 0 })
    }

    fn text(&mut self, col: u16, s: &str, f: Option<&Format>) -> Result<(), AppError> {
        if s.is_empty() {
            return Ok(());
        }
        match f {
            Some(f) => self.ws.write_string_with_format(self.row, col, s, f),
            None => self.ws.write_string(self.row, col, s),
        }
        .map(|_| ())
        .map_err(x)
    }

    fn number(&mut self, col: u16, v: f64, f: &Format) -> Result<(), AppError> {
        self.ws
            .write_number_with_format(self.row, col, v, f)
            .map(|_| ())
            .map_err(x)
    }

    /// A title line in English and its Lao line.
    fn title(&mut self, en: &str, lo: &str, f: &Formats) -> Result<(), AppError> {
        self.text(0, en, Some(&f.title))?;
        self.row += 1;
        self.text(0, lo, Some(&f.title_lo))?;
        self.row += 2;
        Ok(())
    }

    /// Two header lines: English, then Lao.
    fn headers(&mut self, keys: &[&str], w: &Words<'_>, f: &Formats) -> Result<(), AppError> {
        for (c, k) in (0u16..).zip(keys) {
            self.text(c, &w.en(k), Some(&f.header))?;
        }
        self.row += 1;
        for (c, k) in (0u16..).zip(keys) {
            self.text(c, &w.lo(k), Some(&f.header_lo))?;
        }
        self.row += 1;
        Ok(())
    }

    fn next(&mut self) {
        self.row += 1;
    }
}

/// Builds the workbook.
pub fn workbook(r: &ArqReport, cat: &Catalogue) -> Result<Vec<u8>, AppError> {
    let w = Words { cat };
    let f = Formats::new();
    let mut book = Workbook::new();
    // The creation time is the report's, from the application's clock.
    let created = ExcelDateTime::from_timestamp(r.generated_at.unix_timestamp()).map_err(x)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(w.en_args("arq-title-year", &[("year", &r.year.to_string())]))
            .set_author(&r.generated_by)
            .set_company(&r.installation)
            .set_creation_datetime(&created),
    );
    book.push_worksheet(cover(r, &w, &f)?);
    book.push_worksheet(seizures(r, &w, &f)?);
    book.push_worksheet(by_substance(r, &w, &f)?);
    book.push_worksheet(individual(r, &w, &f)?);
    book.push_worksheet(notes(&w, &f)?);
    book.save_to_buffer().map_err(x)
}

fn cover(r: &ArqReport, w: &Words<'_>, f: &Formats) -> Result<Worksheet, AppError> {
    let mut s = Sheet::new(SHEETS[0], &[30.0, 30.0, 70.0])?;
    let year = r.year.to_string();
    s.title(
        &w.en_args("arq-title-year", &[("year", &year)]),
        &w.lo_args("arq-title-year", &[("year", &year)]),
        f,
    )?;
    let time_f =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] (UTC+07:00)");
    let counts = |m: &std::collections::BTreeMap<String, u64>, label: &dyn Fn(&str) -> String| {
        m.iter()
            .map(|(k, n)| format!("{} ({n})", label(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let first = r.coverage.first.clone().unwrap_or_default();
    let last = r.coverage.last.clone().unwrap_or_default();
    let lines: Vec<(&str, String)> = vec![
        (
            "arq-cover-country",
            format!("{} ({COUNTRY})", w.en("arq-country-name")),
        ),
        ("arq-cover-year", year.clone()),
        ("arq-cover-part", w.en("arq-part")),
        (
            "arq-cover-complete",
            if r.complete {
                w.en("arq-complete-yes")
            } else {
                w.en_args("arq-complete-no", &[("date", &r.up_to)])
            },
        ),
        (
            "arq-cover-generated-at",
            r.generated_local.format(time_f).unwrap_or_default(),
        ),
        (
            "arq-cover-generated-by",
            format!("{} ({})", r.generated_by, r.generated_by_name),
        ),
        ("arq-cover-installation", r.installation.clone()),
        ("arq-cover-system", r.system.clone()),
        (
            "arq-cover-coverage",
            w.en_args(
                "arq-coverage",
                &[
                    ("cases", &r.coverage.cases.to_string()),
                    ("first", &first),
                    ("last", &last),
                    ("items", &r.figures.items.to_string()),
                    ("with_items", &r.figures.cases_with_items.to_string()),
                ],
            ),
        ),
        (
            "arq-cover-agencies",
            counts(&r.coverage.agencies, &|k| k.to_owned()),
        ),
        (
            "arq-cover-provinces",
            counts(&r.coverage.provinces, &|k| r.province_label(k)),
        ),
        ("arq-cover-significant", r.seizures.len().to_string()),
        ("arq-cover-notes", w.en("arq-see-notes")),
    ];
    for (key, value) in lines {
        s.text(0, &w.en(key), Some(&f.label))?;
        s.text(1, &w.lo(key), Some(&f.lao))?;
        s.text(2, &value, Some(&f.wrap))?;
        s.next();
    }
    Ok(s.ws)
}

/// Writes one figure per unit of a line (or the "--" line), the line's
/// first columns written by `lead` on each row.
fn figure_rows(
    s: &mut Sheet,
    f: &Formats,
    w: &Words<'_>,
    line: &LineFigures,
    usual: ArqUnit,
    first_col: u16,
    lead: &dyn Fn(&mut Sheet) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let c = first_col;
    if line.by_unit.is_empty() {
        lead(s)?;
        s.text(c, NO_DATA, Some(&f.dash))?;
        s.text(c + 1, &w.unit(usual), None)?;
        for k in 2..5 {
            s.text(c + k, NO_DATA, Some(&f.dash))?;
        }
        s.next();
        return Ok(());
    }
    for fig in line.by_unit.values() {
        lead(s)?;
        s.number(c, cell_value(fig.amount), f.quantity(fig.amount.unit()))?;
        s.text(c + 1, &w.unit(fig.amount.unit()), None)?;
        s.number(c + 2, fig.cases as f64, &f.count)?;
        s.number(c + 3, line.cases as f64, &f.count)?;
        s.number(c + 4, fig.items as f64, &f.count)?;
        s.next();
    }
    Ok(())
}

fn seizures(r: &ArqReport, w: &Words<'_>, f: &Formats) -> Result<Worksheet, AppError> {
    let mut s = Sheet::new(
        SHEETS[1],
        &[26.0, 40.0, 40.0, 16.0, 10.0, 14.0, 14.0, 12.0, 36.0],
    )?;
    let year = r.year.to_string();
    s.title(
        &w.en_args("arq-seizures-title", &[("year", &year)]),
        &w.lo_args("arq-seizures-title", &[("year", &year)]),
        f,
    )?;
    let headers = [
        "arq-col-group",
        "arq-col-drug",
        "arq-col-drug-lo",
        "arq-col-quantity",
        "arq-col-unit",
        "arq-col-cases-unit",
        "arq-col-cases-drug",
        "arq-col-items",
        "arq-col-codes",
    ];
    s.headers(&headers, w, f)?;
    s.ws.set_freeze_panes(s.row, 0).map_err(x)?;
    let empty = LineFigures::default();
    for row in ARQ_ROWS {
        let line = r.figures.drugs.get(&row.drug).unwrap_or(&empty);
        let key = row.drug.message_key();
        let group = w.en(&row.group.message_key());
        let (en, lo) = (w.en(&key), w.lo(&key));
        let codes = row.substances.join(", ");
        let lead = |s: &mut Sheet| -> Result<(), AppError> {
            s.text(0, &group, None)?;
            s.text(1, &en, None)?;
            s.text(2, &lo, Some(&f.lao))?;
            s.text(8, &codes, None)
        };
        figure_rows(&mut s, f, w, line, row.usual_unit, 3, &lead)?;
    }
    s.next();
    s.title(
        &w.en("arq-precursors-title"),
        &w.lo("arq-precursors-title"),
        f,
    )?;
    let headers = [
        "arq-col-kind",
        "arq-col-substance",
        "arq-col-substance-lo",
        "arq-col-quantity",
        "arq-col-unit",
        "arq-col-cases-unit",
        "arq-col-cases-substance",
        "arq-col-items",
        "arq-col-code",
    ];
    s.headers(&headers, w, f)?;
    if r.figures.precursors.is_empty() {
        s.text(0, &w.en("arq-no-precursors"), None)?;
        s.text(3, NO_DATA, Some(&f.dash))?;
        s.next();
    }
    for (code, line) in &r.figures.precursors {
        let kind = w.en("arq-precursor");
        let (en, lo) = (
            w.cat.substance(Language::En, code),
            w.cat.substance(Language::Lo, code),
        );
        let lead = |s: &mut Sheet| -> Result<(), AppError> {
            s.text(0, &kind, None)?;
            s.text(1, &en, None)?;
            s.text(2, &lo, Some(&f.lao))?;
            s.text(8, code, None)
        };
        figure_rows(&mut s, f, w, line, ArqUnit::Kg, 3, &lead)?;
    }
    Ok(s.ws)
}

fn by_substance(r: &ArqReport, w: &Words<'_>, f: &Formats) -> Result<Worksheet, AppError> {
    let mut s = Sheet::new(
        SHEETS[2],
        &[26.0, 40.0, 40.0, 36.0, 16.0, 10.0, 14.0, 14.0, 12.0],
    )?;
    let year = r.year.to_string();
    s.title(
        &w.en_args("arq-by-substance-title", &[("year", &year)]),
        &w.lo_args("arq-by-substance-title", &[("year", &year)]),
        f,
    )?;
    let headers = [
        "arq-col-code",
        "arq-col-substance",
        "arq-col-substance-lo",
        "arq-col-drug",
        "arq-col-quantity",
        "arq-col-unit",
        "arq-col-cases-unit",
        "arq-col-cases-substance",
        "arq-col-items",
    ];
    s.headers(&headers, w, f)?;
    s.ws.set_freeze_panes(s.row, 0).map_err(x)?;
    if r.figures.substances.is_empty() {
        s.text(0, NO_DATA, Some(&f.dash))?;
        s.next();
    }
    // In the order of the drug rows, then precursors by code.
    let drug_rows: Vec<(&str, String)> = mapping()
        .into_iter()
        .map(|(c, d)| (c, w.en(&d.message_key())))
        .collect();
    let precursors: Vec<(&str, String)> = r
        .figures
        .precursors
        .keys()
        .map(|c| (*c, w.en("arq-precursor")))
        .collect();
    for (code, row_label) in drug_rows.iter().chain(&precursors) {
        let Some(line) = r.figures.substances.get(code) else {
            continue;
        };
        let (en, lo) = (
            w.cat.substance(Language::En, code),
            w.cat.substance(Language::Lo, code),
        );
        let lead = |s: &mut Sheet| -> Result<(), AppError> {
            s.text(0, code, None)?;
            s.text(1, &en, None)?;
            s.text(2, &lo, Some(&f.lao))?;
            s.text(3, row_label, None)
        };
        figure_rows(&mut s, f, w, line, ArqUnit::Kg, 4, &lead)?;
    }
    Ok(s.ws)
}

fn individual(r: &ArqReport, w: &Words<'_>, f: &Formats) -> Result<Worksheet, AppError> {
    let mut s = Sheet::new(
        SHEETS[3],
        &[
            12.0, 22.0, 10.0, 36.0, 24.0, 16.0, 10.0, 10.0, 18.0, 10.0, 18.0, 26.0, 16.0, 22.0,
            12.0, 22.0,
        ],
    )?;
    let year = r.year.to_string();
    s.title(
        &w.en_args("arq-individual-title", &[("year", &year)]),
        &w.lo_args("arq-individual-title", &[("year", &year)]),
        f,
    )?;
    let headers = [
        "arq-col-date",
        "arq-col-province",
        "arq-col-district",
        "arq-col-drug",
        "arq-col-codes",
        "arq-col-quantity",
        "arq-col-unit",
        "arq-col-origin-country",
        "arq-col-origin-province",
        "arq-col-destination-country",
        "arq-col-destination-province",
        "arq-col-border-crossing",
        "arq-col-transport",
        "arq-col-concealment",
        "arq-col-agency",
        "arq-col-reference",
    ];
    s.headers(&headers, w, f)?;
    s.ws.set_freeze_panes(s.row, 0).map_err(x)?;
    if r.seizures.is_empty() {
        s.text(0, NO_DATA, Some(&f.dash))?;
        s.text(1, &w.en("arq-no-significant"), None)?;
        s.next();
    }
    for l in &r.seizures {
        let c = &l.facts;
        let a = l.seizure.amount;
        s.text(0, &c.occurred_on, None)?;
        s.text(1, &r.province_label(&c.province), None)?;
        s.text(2, &c.district, None)?;
        s.text(3, &w.en(&l.seizure.drug.message_key()), None)?;
        s.text(4, &l.seizure.substances.join(", "), None)?;
        s.number(5, cell_value(a), f.quantity(a.unit()))?;
        s.text(6, &w.unit(a.unit()), None)?;
        s.text(7, &c.origin_country, None)?;
        s.text(8, &r.province_label(&c.origin_province), None)?;
        s.text(9, &c.destination_country, None)?;
        s.text(10, &r.province_label(&c.destination_province), None)?;
        s.text(11, c.border_crossing.as_deref().unwrap_or(""), None)?;
        s.text(12, &w.choice_en("transport", &c.transport_mode), None)?;
        s.text(13, &w.choice_en("concealment", &c.concealment_method), None)?;
        s.text(14, &c.agency_code, None)?;
        match &l.reference {
            Some(reference) => s.text(15, reference, None)?,
            None => s.text(15, &w.en("arq-reference-withheld"), Some(&f.lao))?,
        }
        s.next();
    }
    Ok(s.ws)
}

fn notes(w: &Words<'_>, f: &Formats) -> Result<Worksheet, AppError> {
    let mut s = Sheet::new(SHEETS[4], &[40.0, 40.0, 40.0, 26.0, 40.0, 12.0, 12.0, 12.0])?;
    s.title(&w.en("arq-notes-title"), &w.lo("arq-notes-title"), f)?;
    for key in [
        "arq-note-rows",
        "arq-note-units",
        "arq-note-one-figure",
        "arq-note-dashes",
        "arq-note-significant",
        "arq-note-classified",
        "arq-note-precursors",
        "arq-note-reconcile",
    ] {
        s.ws.merge_range(s.row, 0, s.row, 4, &w.en(key), &f.wrap)
            .map_err(x)?;
        s.ws.set_row_height(s.row, 45).map_err(x)?;
        s.next();
        s.ws.merge_range(s.row, 0, s.row, 4, &w.lo(key), &f.wrap.clone().set_italic())
            .map_err(x)?;
        s.ws.set_row_height(s.row, 45).map_err(x)?;
        s.row += 2;
    }

    s.title(
        &w.en("arq-thresholds-title"),
        &w.lo("arq-thresholds-title"),
        f,
    )?;
    let mut keys = vec!["arq-col-drug", "arq-col-drug-lo"];
    let unit_keys: Vec<String> = ArqUnit::ALL
        .iter()
        .map(|u| format!("unit-{}", u.as_str()))
        .collect();
    keys.extend(unit_keys.iter().map(String::as_str));
    s.headers(&keys, w, f)?;
    for d in ArqDrug::all() {
        s.text(0, &w.en(&d.message_key()), None)?;
        s.text(1, &w.lo(&d.message_key()), Some(&f.lao))?;
        for (c, u) in (2u16..).zip(ArqUnit::ALL) {
            let t = d.row().thresholds.get(u);
            s.number(c, cell_value(t), f.quantity(u))?;
        }
        s.next();
    }
    s.next();

    s.title(&w.en("arq-mapping-title"), &w.lo("arq-mapping-title"), f)?;
    s.headers(
        &[
            "arq-col-code",
            "arq-col-substance",
            "arq-col-substance-lo",
            "arq-col-drug-code",
            "arq-col-drug",
        ],
        w,
        f,
    )?;
    for (code, d) in mapping() {
        s.text(0, code, None)?;
        s.text(1, &w.cat.substance(Language::En, code), None)?;
        s.text(2, &w.cat.substance(Language::Lo, code), Some(&f.lao))?;
        s.text(3, d.code(), None)?;
        s.text(4, &w.en(&d.message_key()), None)?;
        s.next();
    }
    for p in Taxonomy::global().of_kind(SubstanceKind::Precursor) {
        s.text(0, p.code(), None)?;
        s.text(1, &w.cat.substance(Language::En, p.code()), None)?;
        s.text(2, &w.cat.substance(Language::Lo, p.code()), Some(&f.lao))?;
        s.text(3, NO_DATA, None)?;
        s.text(4, &w.en("arq-precursor"), None)?;
        s.next();
    }
    Ok(s.ws)
}
