//! The substance taxonomy: drugs (`data/reference/drugs.csv`) and precursor
//! chemicals (`data/reference/precursors.csv`), embedded in the binary and
//! read once.
//!
//! # Codes
//!
//! Drug codes are the `code` column of `drugs.csv`. `precursors.csv` has no
//! code column, so each of its rows gets a code from [`PRECURSOR_CODES`],
//! keyed by the row's `name`: codes are stored in records and must not
//! change when a name is corrected, so they are not derived from the text.
//! A test fails when a row has no code or a code has no row; a new precursor
//! in the shared reference pack therefore needs one line here.
//!
//! # Units
//!
//! A drug's units are its `default_unit` and `other_units` (separated by
//! `;`). A unit admits its whole family: `kg` admits mg, g, kg and t; `L`
//! admits ml and l; `tablets` admits tablets and capsules. `units`, `plants`
//! and `ha` admit only themselves. A precursor may always be weighed or
//! measured by volume (kg or litres, and their relatives); its default unit
//! in [`PRECURSOR_CODES`] follows its usual state at room temperature
//! (liquids in litres, solids in kg), the compiler's choice from general
//! chemistry, used only to preselect the unit in forms.

use crate::error::FieldError;
use crate::quantity::{Dimension, MeasureUnit};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

const DRUGS_CSV: &str = include_str!("../../../data/reference/drugs.csv");
const PRECURSORS_CSV: &str = include_str!("../../../data/reference/precursors.csv");

/// The code and default unit of every row of `precursors.csv`, by the row's
/// exact `name`.
pub const PRECURSOR_CODES: &[(&str, &str, MeasureUnit)] = {
    use MeasureUnit::{Kg, L};
    &[
        ("N-Acetylanthranilic acid", "N_ACETYLANTHRANILIC_ACID", Kg),
        ("Acetic anhydride", "ACETIC_ANHYDRIDE", L),
        ("4-Anilino-N-phenethylpiperidine", "ANPP", Kg),
        ("N-Phenethyl-4-piperidone", "NPP", Kg),
        ("N-Phenyl-4-piperidinamine (4-anilinopiperidine)", "4_AP", Kg),
        ("tert-Butyl 4-(phenylamino)piperidine-1-carboxylate", "1_BOC_4_AP", Kg),
        ("N-Phenyl-N-(piperidin-4-yl)propionamide", "NORFENTANYL", Kg),
        ("4-Piperidone", "4_PIPERIDONE", Kg),
        ("1-boc-4-piperidone", "1_BOC_4_PIPERIDONE", Kg),
        ("alpha-Phenylacetoacetamide", "APAA", Kg),
        ("alpha-Phenylacetoacetonitrile", "APAAN", Kg),
        ("Methyl alpha-phenylacetoacetate", "MAPA", L),
        (
            "P-2-P methyl glycidic acid ('BMK glycidic acid') and its esters incl. methyl ester ('BMK methyl glycidate')",
            "BMK_GLYCIDATE",
            Kg,
        ),
        ("Ephedrine", "EPHEDRINE", Kg),
        ("Pseudoephedrine", "PSEUDOEPHEDRINE", Kg),
        ("Norephedrine (phenylpropanolamine)", "NOREPHEDRINE", Kg),
        ("1-Phenyl-2-propanone", "P2P", L),
        ("Phenylacetic acid", "PHENYLACETIC_ACID", Kg),
        ("3,4-Methylenedioxyphenyl-2-propanone", "PMK", L),
        ("3,4-MDP-2-P methyl glycidate ('PMK glycidate')", "PMK_GLYCIDATE", Kg),
        (
            "3,4-MDP-2-P methyl glycidic acid ('PMK glycidic acid') and (from 2024) its esters",
            "PMK_GLYCIDIC_ACID",
            Kg,
        ),
        ("Isosafrole", "ISOSAFROLE", L),
        ("Safrole", "SAFROLE", L),
        ("Piperonal", "PIPERONAL", Kg),
        ("Ergometrine", "ERGOMETRINE", Kg),
        ("Ergotamine", "ERGOTAMINE", Kg),
        ("Lysergic acid", "LYSERGIC_ACID", Kg),
        ("Potassium permanganate", "POTASSIUM_PERMANGANATE", Kg),
        ("Acetone", "ACETONE", L),
        ("Anthranilic acid", "ANTHRANILIC_ACID", Kg),
        ("Ethyl ether", "ETHYL_ETHER", L),
        ("Hydrochloric acid", "HYDROCHLORIC_ACID", L),
        ("Methyl ethyl ketone", "METHYL_ETHYL_KETONE", L),
        ("Piperidine", "PIPERIDINE", L),
        ("Sulphuric acid", "SULPHURIC_ACID", L),
        ("Toluene", "TOLUENE", L),
        ("Propionyl chloride", "PROPIONYL_CHLORIDE", L),
        ("Propiophenone", "PROPIOPHENONE", L),
        ("2-Bromopropiophenone", "2_BROMOPROPIOPHENONE", L),
        ("Benzyl cyanide (phenylacetonitrile)", "BENZYL_CYANIDE", L),
        ("Benzyl chloride", "BENZYL_CHLORIDE", L),
        ("Sodium cyanide", "SODIUM_CYANIDE", Kg),
        ("Methylamine", "METHYLAMINE", L),
        ("Nitroethane", "NITROETHANE", L),
        ("Benzaldehyde", "BENZALDEHYDE", L),
        ("1-Phenyl-2-nitropropene", "P2NP", Kg),
        ("N-Methylformamide", "N_METHYLFORMAMIDE", L),
        ("Thionyl chloride", "THIONYL_CHLORIDE", L),
        ("L-(+)-Tartaric acid", "TARTARIC_ACID", Kg),
        ("Red phosphorus", "RED_PHOSPHORUS", Kg),
        ("Iodine", "IODINE", Kg),
        ("o-Chlorophenyl cyclopentyl ketone", "O_CHLOROPHENYL_CYCLOPENTYL_KETONE", L),
        ("Hydroxylimine", "HYDROXYLIMINE", Kg),
        ("Caffeine", "CAFFEINE", Kg),
        ("Ammonium chloride", "AMMONIUM_CHLORIDE", Kg),
    ]
};

/// A drug or a precursor chemical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstanceKind {
    Drug,
    Precursor,
}

impl SubstanceKind {
    pub const ALL: [SubstanceKind; 2] = [Self::Drug, Self::Precursor];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Drug => "drug",
            Self::Precursor => "precursor",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| FieldError::new("kind", "err-choice").with("value", t))
    }
}

/// Where a precursor stands under the 1988 UN Convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrecursorTable {
    TableI,
    TableII,
    /// Not in the Convention's tables (some are controlled nationally or on
    /// the INCB special surveillance list).
    NotScheduled,
}

impl PrecursorTable {
    pub const ALL: [PrecursorTable; 3] = [Self::TableI, Self::TableII, Self::NotScheduled];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::TableI => "table_i",
            Self::TableII => "table_ii",
            Self::NotScheduled => "not_scheduled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| FieldError::new("precursor_table", "err-choice").with("value", t))
    }

    /// Reads the `table_1988` column: `I`, `II`, or text starting with
    /// `not scheduled`.
    fn from_csv(s: &str) -> Option<Self> {
        match s.trim() {
            "I" => Some(Self::TableI),
            "II" => Some(Self::TableII),
            t if t.starts_with("not scheduled") => Some(Self::NotScheduled),
            _ => None,
        }
    }
}

/// The precursor columns of `precursors.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrecursorInfo {
    pub abbreviation: Option<String>,
    /// As in the file: sometimes several numbers with their forms.
    pub cas_number: Option<String>,
    pub table: PrecursorTable,
    pub year_scheduled: Option<String>,
    pub main_illicit_use: String,
    /// How far the row's facts were checked (the file's own words).
    pub verification: String,
}

/// One substance of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Substance {
    code: String,
    name: String,
    group: String,
    kind: SubstanceKind,
    default_unit: MeasureUnit,
    allowed_units: Vec<MeasureUnit>,
    international_control: String,
    notes: String,
    precursor: Option<PrecursorInfo>,
}

impl Substance {
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The English name from the reference file (translations belong to the
    /// message catalogue).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group (`amphetamine-type stimulants`, `precursors/Table I`…).
    pub fn group(&self) -> &str {
        &self.group
    }

    pub fn kind(&self) -> SubstanceKind {
        self.kind
    }

    pub fn default_unit(&self) -> MeasureUnit {
        self.default_unit
    }

    /// The units a quantity of this substance may be entered in, in
    /// [`MeasureUnit::ALL`] order.
    pub fn allowed_units(&self) -> &[MeasureUnit] {
        &self.allowed_units
    }

    pub fn allows(&self, unit: MeasureUnit) -> bool {
        self.allowed_units.contains(&unit)
    }

    /// Counted in tablets by default (yaba, ecstasy, benzodiazepines…): a
    /// seizure weighed instead must still give its tablet count.
    pub fn is_tablet_substance(&self) -> bool {
        matches!(
            self.default_unit,
            MeasureUnit::Tablets | MeasureUnit::Capsules
        )
    }

    /// The international control as the file states it (`1961 Sch I`,
    /// `1971 Sch II`, `1988 Table I`, `not internationally controlled`…);
    /// empty when the file gives none.
    pub fn international_control(&self) -> &str {
        &self.international_control
    }

    pub fn notes(&self) -> &str {
        &self.notes
    }

    pub fn precursor(&self) -> Option<&PrecursorInfo> {
        self.precursor.as_ref()
    }
}

/// The family of units a unit named in the taxonomy admits.
fn unit_family(unit: MeasureUnit) -> Vec<MeasureUnit> {
    match unit.dimension() {
        Dimension::Mass | Dimension::Volume | Dimension::Area => MeasureUnit::ALL
            .into_iter()
            .filter(|u| u.dimension() == unit.dimension())
            .collect(),
        Dimension::Count => match unit {
            MeasureUnit::Tablets | MeasureUnit::Capsules => {
                vec![MeasureUnit::Tablets, MeasureUnit::Capsules]
            }
            other => vec![other],
        },
    }
}

fn sorted_units(mut units: Vec<MeasureUnit>) -> Vec<MeasureUnit> {
    units.sort();
    units.dedup();
    units
}

#[derive(Deserialize)]
struct DrugRow {
    code: String,
    name: String,
    group: String,
    default_unit: String,
    other_units: String,
    international_control: String,
    notes: String,
}

#[derive(Deserialize)]
struct PrecursorRow {
    name: String,
    common_abbreviation: String,
    cas_number: String,
    table_1988: String,
    year_scheduled_or_transferred: String,
    main_illicit_use: String,
    notes: String,
    verification: String,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A taxonomy code: 2–40 upper-case ASCII letters, digits and underscores.
fn code_ok(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// All substances, drugs first, in file order.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    substances: Vec<Substance>,
    by_code: HashMap<String, usize>,
    problems: Vec<String>,
}

impl Taxonomy {
    /// The taxonomy of the embedded reference files, read on first use.
    pub fn global() -> &'static Taxonomy {
        static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
        TAXONOMY.get_or_init(|| Taxonomy::load(DRUGS_CSV, PRECURSORS_CSV))
    }

    /// Reads the two reference files. A row that cannot be read is left out
    /// and described in [`Taxonomy::problems`] (the tests require none for
    /// the embedded files), so that loading never panics.
    pub fn load(drugs_csv: &str, precursors_csv: &str) -> Taxonomy {
        let mut t = Taxonomy {
            substances: Vec::new(),
            by_code: HashMap::new(),
            problems: Vec::new(),
        };
        t.load_drugs(drugs_csv);
        t.load_precursors(precursors_csv);
        t
    }

    fn add(&mut self, s: Substance) {
        if self.by_code.contains_key(&s.code) {
            self.problems.push(format!("duplicate code {}", s.code));
            return;
        }
        self.by_code.insert(s.code.clone(), self.substances.len());
        self.substances.push(s);
    }

    fn load_drugs(&mut self, csv_text: &str) {
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        for (i, row) in rd.deserialize::<DrugRow>().enumerate() {
            let line = i + 2;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    self.problems.push(format!("drugs.csv line {line}: {e}"));
                    continue;
                }
            };
            let code = row.code.trim().to_owned();
            if !code_ok(&code) {
                self.problems
                    .push(format!("drugs.csv line {line}: bad code {code:?}"));
                continue;
            }
            let default_unit = match MeasureUnit::parse(&row.default_unit) {
                Ok(u) => u,
                Err(_) => {
                    self.problems.push(format!(
                        "drugs.csv line {line}: unknown default unit {:?}",
                        row.default_unit
                    ));
                    continue;
                }
            };
            let mut allowed = unit_family(default_unit);
            let mut bad_unit = false;
            for token in row.other_units.split(';').filter(|t| !t.trim().is_empty()) {
                match MeasureUnit::parse(token) {
                    Ok(u) => allowed.extend(unit_family(u)),
                    Err(_) => {
                        self.problems
                            .push(format!("drugs.csv line {line}: unknown unit {token:?}"));
                        bad_unit = true;
                    }
                }
            }
            if bad_unit {
                continue;
            }
            self.add(Substance {
                code,
                name: row.name.trim().to_owned(),
                group: row.group.trim().to_owned(),
                kind: SubstanceKind::Drug,
                default_unit,
                allowed_units: sorted_units(allowed),
                international_control: row.international_control.trim().to_owned(),
                notes: row.notes.trim().to_owned(),
                precursor: None,
            });
        }
    }

    fn load_precursors(&mut self, csv_text: &str) {
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        let mut used = vec![false; PRECURSOR_CODES.len()];
        for (i, row) in rd.deserialize::<PrecursorRow>().enumerate() {
            let line = i + 2;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    self.problems
                        .push(format!("precursors.csv line {line}: {e}"));
                    continue;
                }
            };
            let name = row.name.trim();
            let Some(pos) = PRECURSOR_CODES.iter().position(|(n, _, _)| *n == name) else {
                self.problems.push(format!(
                    "precursors.csv line {line}: no code for {name:?} in PRECURSOR_CODES"
                ));
                continue;
            };
            if let Some(u) = used.get_mut(pos) {
                *u = true;
            }
            let Some(&(_, code, default_unit)) = PRECURSOR_CODES.get(pos) else {
                continue;
            };
            if !code_ok(code) {
                self.problems
                    .push(format!("precursors.csv line {line}: bad code {code:?}"));
                continue;
            }
            let Some(table) = PrecursorTable::from_csv(&row.table_1988) else {
                self.problems.push(format!(
                    "precursors.csv line {line}: unknown table {:?}",
                    row.table_1988
                ));
                continue;
            };
            let (group, control) = match table {
                PrecursorTable::TableI => ("precursors/Table I", "1988 Table I".to_owned()),
                PrecursorTable::TableII => ("precursors/Table II", "1988 Table II".to_owned()),
                PrecursorTable::NotScheduled => {
                    ("precursors/not scheduled", row.table_1988.trim().to_owned())
                }
            };
            let mut allowed = unit_family(MeasureUnit::Kg);
            allowed.extend(unit_family(MeasureUnit::L));
            self.add(Substance {
                code: code.to_owned(),
                name: name.to_owned(),
                group: group.to_owned(),
                kind: SubstanceKind::Precursor,
                default_unit,
                allowed_units: sorted_units(allowed),
                international_control: control,
                notes: row.notes.trim().to_owned(),
                precursor: Some(PrecursorInfo {
                    abbreviation: non_empty(&row.common_abbreviation),
                    cas_number: non_empty(&row.cas_number),
                    table,
                    year_scheduled: non_empty(&row.year_scheduled_or_transferred),
                    main_illicit_use: row.main_illicit_use.trim().to_owned(),
                    verification: row.verification.trim().to_owned(),
                }),
            });
        }
        for ((name, _, _), used) in PRECURSOR_CODES.iter().zip(used) {
            if !used {
                self.problems.push(format!(
                    "PRECURSOR_CODES: no row named {name:?} in precursors.csv"
                ));
            }
        }
    }

    /// The substance with this code, ignoring case.
    pub fn get(&self, code: &str) -> Option<&Substance> {
        let key = normalise_code(code);
        self.by_code.get(&key).and_then(|&i| self.substances.get(i))
    }

    pub fn all(&self) -> &[Substance] {
        &self.substances
    }

    pub fn of_kind(&self, kind: SubstanceKind) -> impl Iterator<Item = &Substance> {
        self.substances.iter().filter(move |s| s.kind == kind)
    }

    /// Rows left out while loading, in words for developers.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

/// Upper case, with spaces and hyphens as underscores (`meth-tablet` →
/// `METH_TABLET`).
fn normalise_code(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A code of the embedded taxonomy. Holding one proves the substance exists;
/// [`SubstanceCode::substance`] gives it.
#[derive(Clone, Copy)]
pub struct SubstanceCode(&'static Substance);

impl SubstanceCode {
    /// Parses a code of [`Taxonomy::global`], ignoring case and reading
    /// spaces and hyphens as underscores.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new("substance", "err-required"));
        }
        Taxonomy::global()
            .get(t)
            .map(Self)
            .ok_or_else(|| FieldError::new("substance", "err-substance-unknown").with("value", t))
    }

    pub fn as_str(&self) -> &'static str {
        &self.0.code
    }

    pub fn substance(&self) -> &'static Substance {
        self.0
    }
}

impl PartialEq for SubstanceCode {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SubstanceCode {}

impl Hash for SubstanceCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SubstanceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubstanceCode({})", self.as_str())
    }
}

impl fmt::Display for SubstanceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SubstanceCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeasureUnit::*;

    #[test]
    fn both_reference_files_load_fully() {
        let t = Taxonomy::global();
        assert_eq!(t.problems(), &[] as &[String]);
        let drug_rows = csv::Reader::from_reader(DRUGS_CSV.as_bytes())
            .records()
            .count();
        let precursor_rows = csv::Reader::from_reader(PRECURSORS_CSV.as_bytes())
            .records()
            .count();
        assert_eq!(drug_rows, 29);
        assert_eq!(precursor_rows, 55);
        assert_eq!(t.of_kind(SubstanceKind::Drug).count(), drug_rows);
        assert_eq!(t.of_kind(SubstanceKind::Precursor).count(), precursor_rows);
        assert_eq!(PRECURSOR_CODES.len(), precursor_rows);
        assert_eq!(t.all().len(), drug_rows + precursor_rows);
        for s in t.all() {
            assert!(s.allows(s.default_unit()), "{}", s.code());
            assert!(!s.name().is_empty(), "{}", s.code());
            assert_eq!(SubstanceCode::parse(s.code()).unwrap().substance(), s);
            assert_eq!(
                s.kind() == SubstanceKind::Precursor,
                s.precursor().is_some(),
                "{}",
                s.code()
            );
        }
    }

    #[test]
    fn every_default_and_other_unit_of_the_drug_file_parses() {
        let mut rd = csv::Reader::from_reader(DRUGS_CSV.as_bytes());
        for row in rd.deserialize::<DrugRow>() {
            let row = row.unwrap();
            MeasureUnit::parse(&row.default_unit).unwrap();
            for token in row.other_units.split(';').filter(|t| !t.is_empty()) {
                MeasureUnit::parse(token).unwrap();
            }
        }
    }

    #[test]
    fn units_follow_the_files() {
        let t = Taxonomy::global();
        let units = |code: &str| t.get(code).unwrap().allowed_units().to_vec();
        assert_eq!(units("HEROIN"), vec![Mg, G, Kg, T]);
        assert_eq!(units("METH_TABLET"), vec![Mg, G, Kg, T, Tablets, Capsules]);
        assert_eq!(units("CANNABIS_OIL"), vec![Mg, G, Kg, T, Ml, L]);
        assert_eq!(units("CANNABIS_PLANT"), vec![Plants, Ha]);
        assert_eq!(units("OPIUM_POPPY_PLANT"), vec![Plants, Ha]);
        assert_eq!(units("LSD"), vec![Units]);
        assert_eq!(
            units("PHARMA_OPIOID"),
            vec![Mg, G, Kg, T, Ml, L, Tablets, Capsules, Units]
        );
        assert_eq!(units("ACETIC_ANHYDRIDE"), vec![Mg, G, Kg, T, Ml, L]);
        assert_eq!(t.get("METH_TABLET").unwrap().default_unit(), Tablets);
        assert!(t.get("METH_TABLET").unwrap().is_tablet_substance());
        assert!(!t.get("METH_CRYSTAL").unwrap().is_tablet_substance());
        assert_eq!(t.get("ACETIC_ANHYDRIDE").unwrap().default_unit(), L);
        assert_eq!(t.get("EPHEDRINE").unwrap().default_unit(), Kg);
    }

    #[test]
    fn precursor_details() {
        let t = Taxonomy::global();
        let aa = t.get("acetic_anhydride").unwrap();
        assert_eq!(aa.kind(), SubstanceKind::Precursor);
        assert_eq!(aa.group(), "precursors/Table I");
        assert_eq!(aa.international_control(), "1988 Table I");
        let info = aa.precursor().unwrap();
        assert_eq!(info.cas_number.as_deref(), Some("108-24-7"));
        assert_eq!(info.table, PrecursorTable::TableI);
        let p2p = t.get("P2P").unwrap().precursor().unwrap();
        assert_eq!(p2p.abbreviation.as_deref(), Some("P-2-P / BMK"));
        let red = t.get("RED_PHOSPHORUS").unwrap();
        assert_eq!(red.precursor().unwrap().table, PrecursorTable::NotScheduled);
        assert_eq!(
            red.international_control(),
            "not scheduled (nationally controlled in many states)"
        );
        assert_eq!(
            t.get("HYDROXYLIMINE")
                .unwrap()
                .precursor()
                .unwrap()
                .cas_number,
            None
        );
        assert_eq!(t.get("ACETONE").unwrap().group(), "precursors/Table II");
        let meth = t.get("METH_TABLET").unwrap();
        assert_eq!(meth.international_control(), "1971 Sch II");
        assert_eq!(meth.group(), "amphetamine-type stimulants");
        assert_eq!(t.get("OTHER").unwrap().international_control(), "");
    }

    #[test]
    fn codes() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("METH_TABLET", Ok("METH_TABLET")),
            (" meth_tablet ", Ok("METH_TABLET")),
            ("meth-tablet", Ok("METH_TABLET")),
            ("Meth tablet", Ok("METH_TABLET")),
            ("pseudoephedrine", Ok("PSEUDOEPHEDRINE")),
            ("4_ap", Ok("4_AP")),
            ("", Err("err-required")),
            ("YABA", Err("err-substance-unknown")),
            ("ເຮໂຣອິນ", Err("err-substance-unknown")),
        ];
        for (input, expected) in table {
            let got = SubstanceCode::parse(input)
                .map(|c| c.as_str())
                .map_err(|e| {
                    assert_eq!(e.field, "substance");
                    e.key
                });
            assert_eq!(got, *expected, "{input:?}");
        }
        let c = SubstanceCode::parse("heroin").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"HEROIN\"");
        assert_eq!(format!("{c:?}"), "SubstanceCode(HEROIN)");
        for k in SubstanceKind::ALL {
            assert_eq!(SubstanceKind::parse(k.as_str()).unwrap(), k);
        }
        for k in PrecursorTable::ALL {
            assert_eq!(PrecursorTable::parse(k.as_str()).unwrap(), k);
        }
    }

    #[test]
    fn bad_rows_are_reported_not_loaded() {
        let drugs = "code,name,group,default_unit,other_units,international_control,notes\n\
                     GOOD,Good,g,kg,L,,\n\
                     bad code,Bad,g,kg,,,\n\
                     BADUNIT,Bad unit,g,bushel,,,\n\
                     BADOTHER,Bad other,g,kg,kg;pecks,,\n\
                     GOOD,Duplicate,g,kg,,,\n";
        let precursors = "name,common_abbreviation,cas_number,table_1988,year_scheduled_or_transferred,main_illicit_use,notes,verification\n\
                          Acetone,,67-64-1,II,1988,solvent,,\n\
                          Unobtainium,,,I,2030,none,,\n\
                          Toluene,,108-88-3,III,1992,solvent,,\n";
        let t = Taxonomy::load(drugs, precursors);
        let codes: Vec<&str> = t.all().iter().map(Substance::code).collect();
        assert_eq!(codes, vec!["GOOD", "ACETONE"]);
        let p = t.problems().join("\n");
        for needle in [
            "bad code",
            "bushel",
            "pecks",
            "duplicate code GOOD",
            "Unobtainium",
            "unknown table",
            "no row named \"Ephedrine\"",
        ] {
            assert!(p.contains(needle), "{needle} in {p}");
        }
    }
}
