//! Rows into cases: rows with the same reference are one case, each row
//! with item columns filled one of its items (in the order of the rows).
//! The case's columns may be repeated on every row (as the export writes
//! them) or left empty on the rows after the first; a row with no
//! reference and no case column but item columns continues the case above
//! it. A repeated case column that disagrees with the case's first row is
//! an error, never a silent choice.

use crate::columns::{IMPORT_CASE_COLUMNS, IMPORT_ITEM_COLUMNS};
use crate::mapping::Mapping;
use crate::table::Table;
use crate::RowError;
use dcis_domain::case::{CaseFields, CaseRef};
use dcis_domain::seizure::SeizureItemFields;
use std::collections::HashMap;

/// One seized item and the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub row: usize,
    pub fields: SeizureItemFields,
}

/// One case of the file: its fields as written (validated later by the
/// domain rules), the rows it spans, its items.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRows {
    /// The reference as the domain writes it (upper case, ASCII digits),
    /// or as written when it is not a valid reference.
    pub key: String,
    /// The rows of the case, the first one holding its fields.
    pub rows: Vec<usize>,
    pub fields: CaseFields,
    pub classification: String,
    pub tlp: String,
    pub agency_code: String,
    pub items: Vec<ItemRow>,
}

impl CaseRows {
    pub fn first_row(&self) -> usize {
        self.rows.first().copied().unwrap_or(0)
    }
}

/// The cases of a file and the problems found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouped {
    pub cases: Vec<CaseRows>,
    pub errors: Vec<RowError>,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
}

fn set_case_field(c: &mut CaseRows, field: &str, v: &str, row: usize) -> Result<(), RowError> {
    let f = &mut c.fields;
    let s = v.to_owned();
    match field {
        "reference" => f.reference = s,
        "occurred_on" => f.occurred_on = s,
        "occurred_time" => f.occurred_time = s,
        "province" => f.province = s,
        "district" => f.district = s,
        "village" => {
            f.village =
                if v.trim().is_empty() {
                    None
                } else {
                    Some(v.trim().parse().map_err(|_| {
                        RowError::cell(row, field, "err-import-id").with("value", v)
                    })?)
                }
        }
        "border_crossing" => {
            f.border_crossing =
                if v.trim().is_empty() {
                    None
                } else {
                    Some(v.trim().parse().map_err(|_| {
                        RowError::cell(row, field, "err-import-id").with("value", v)
                    })?)
                }
        }
        "latitude" => f.latitude = s,
        "longitude" => f.longitude = s,
        "operation_name" => f.operation_name = s,
        "detection_method" => f.detection_method = s,
        "transport_mode" => f.transport_mode = s,
        "concealment_method" => f.concealment_method = s,
        "origin_country" => f.origin_country = s,
        "origin_province" => f.origin_province = s,
        "destination_country" => f.destination_country = s,
        "destination_province" => f.destination_province = s,
        "status" => f.status = s,
        "narrative" => f.narrative = s,
        "classification" => c.classification = s,
        "tlp" => c.tlp = s,
        "agency_code" => c.agency_code = s,
        _ => {}
    }
    Ok(())
}

fn set_item_field(f: &mut SeizureItemFields, field: &str, v: &str) {
    let s = v.to_owned();
    match field {
        "substance" => f.substance = s,
        "form" => f.form = s,
        "quantity" => f.quantity = s,
        "unit" => f.unit = s,
        "tablet_count" => f.tablet_count = s,
        "unit_weight_mg" => f.unit_weight_mg = s,
        "purity" => f.purity = s,
        "lab_reference" => f.lab_reference = s,
        "tablet_logo" => f.tablet_logo = s,
        "packaging_kind" => f.packaging_kind = s,
        "packaging_brand" => f.packaging_brand = s,
        "price" => f.price = s,
        "price_currency" => f.price_currency = s,
        "price_per" => f.price_per = s,
        _ => {}
    }
}

/// Groups the rows of a table into cases.
pub fn group(table: &Table, mapping: &Mapping) -> Grouped {
    let mut out = Grouped::default();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // The case's values as first written, to compare later rows with.
    let mut first_values: Vec<Vec<String>> = Vec::new();
    let cell = |row: &crate::table::Row, field: &str| -> String {
        mapping
            .column(field)
            .and_then(|i| row.cells.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let mut last: Option<usize> = None;
    for row in &table.rows {
        if row.is_blank() {
            continue;
        }
        out.rows += 1;
        let n = row.number;
        let case_values: Vec<String> = IMPORT_CASE_COLUMNS.iter().map(|f| cell(row, f)).collect();
        let item_values: Vec<String> = IMPORT_ITEM_COLUMNS.iter().map(|f| cell(row, f)).collect();
        let has_item = item_values.iter().any(|v| !v.is_empty());
        let reference = cell(row, "reference");
        let index = if reference.is_empty() {
            match last {
                Some(i) if has_item && case_values.iter().all(|v| v.is_empty()) => i,
                _ => {
                    out.errors.push(RowError::cell(
                        n,
                        "reference",
                        "err-import-reference-required",
                    ));
                    last = None;
                    continue;
                }
            }
        } else {
            let key = CaseRef::parse(&reference)
                .map(|r| r.as_str().to_owned())
                .unwrap_or_else(|_| reference.clone());
            match by_key.get(&key) {
                Some(i) => {
                    let i = *i;
                    for (j, field) in IMPORT_CASE_COLUMNS.iter().enumerate() {
                        let v = &case_values[j];
                        if *field == "reference" || v.is_empty() {
                            continue;
                        }
                        if *v != first_values[i][j] {
                            out.errors.push(
                                RowError::cell(n, field, "err-import-case-differs")
                                    .with("reference", &reference)
                                    .with("first_row", out.cases[i].first_row())
                                    .with("value", &first_values[i][j]),
                            );
                        }
                    }
                    i
                }
                None => {
                    let mut c = CaseRows {
                        key: key.clone(),
                        rows: Vec::new(),
                        fields: CaseFields::default(),
                        classification: String::new(),
                        tlp: String::new(),
                        agency_code: String::new(),
                        items: Vec::new(),
                    };
                    for (j, field) in IMPORT_CASE_COLUMNS.iter().enumerate() {
                        if let Err(e) = set_case_field(&mut c, field, &case_values[j], n) {
                            out.errors.push(e);
                        }
                    }
                    out.cases.push(c);
                    first_values.push(case_values);
                    let i = out.cases.len() - 1;
                    by_key.insert(key, i);
                    i
                }
            }
        };
        last = Some(index);
        let case = &mut out.cases[index];
        case.rows.push(n);
        if has_item {
            let mut fields = SeizureItemFields::default();
            for (j, field) in IMPORT_ITEM_COLUMNS.iter().enumerate() {
                set_item_field(&mut fields, field, &item_values[j]);
            }
            case.items.push(ItemRow { row: n, fields });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read;

    fn grouped(csv: &str) -> Grouped {
        let t = read(csv.as_bytes()).unwrap();
        let m = Mapping::guess(&t.headers);
        group(&t, &m)
    }

    #[test]
    fn rows_become_cases_with_items() {
        let g = grouped(
            "reference,occurred_on,province,substance,quantity,unit\n\
             cnp/1,2026-03-14,05,METH_TABLET,1000,tablet\n\
             CNP/1,2026-03-14,05,HEROIN,1.5,kg\n\
             ,,,CANNABIS_HERB,2,kg\n\
             CNP/2,2026-03-15,03,,,\n",
        );
        assert!(g.errors.is_empty(), "{:?}", g.errors);
        assert_eq!(g.rows, 4);
        assert_eq!(g.cases.len(), 2);
        assert_eq!(g.cases[0].key, "CNP/1");
        assert_eq!(g.cases[0].rows, [2, 3, 4]);
        assert_eq!(g.cases[0].items.len(), 3);
        assert_eq!(g.cases[0].items[2].fields.substance, "CANNABIS_HERB");
        assert_eq!(g.cases[1].items.len(), 0);
        assert_eq!(g.cases[1].fields.province, "03");
    }

    #[test]
    fn disagreeing_repeats_and_orphans_are_errors() {
        let g = grouped(
            "reference,occurred_on,province,substance,quantity,unit\n\
             ,,,HEROIN,1,kg\n\
             A-1,2026-03-14,05,HEROIN,1,kg\n\
             A-1,2026-03-15,05,HEROIN,1,kg\n\
             ,2026-03-15,,HEROIN,1,kg\n",
        );
        let e: Vec<(usize, &str, &str)> = g
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            e,
            [
                (2, "reference", "err-import-reference-required"),
                (4, "occurred_on", "err-import-case-differs"),
                (5, "reference", "err-import-reference-required"),
            ]
        );
    }

    #[test]
    fn bad_ids_are_named() {
        let g = grouped("reference,occurred_on,province,village\nA-1,2026-03-14,05,not-an-id\n");
        assert_eq!(g.errors[0].column, "village");
        assert_eq!(g.errors[0].key, "err-import-id");
    }
}
