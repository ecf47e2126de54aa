//! The columns of a case file: what the export writes and the import reads
//! (docs/export.md, docs/import.md). One row per seized item, the case's
//! columns repeated on each row (or left empty on its item rows).

use std::sync::LazyLock;

/// The case columns, in the export's order.
pub const CASE_COLUMNS: &[&str] = &[
    "case_id",
    "reference",
    "occurred_on",
    "occurred_time",
    "province",
    "district",
    "village",
    "border_crossing",
    "latitude",
    "longitude",
    "operation_name",
    "detection_method",
    "transport_mode",
    "concealment_method",
    "origin_country",
    "origin_province",
    "destination_country",
    "destination_province",
    "status",
    "narrative",
    "classification",
    "tlp",
    "agency",
    "agency_code",
    "owner_unit",
    "created_at",
    "updated_at",
];

/// The item columns as entered (`item_id` is the item's `id`).
pub const ITEM_COLUMNS: &[&str] = &[
    "item_id",
    "position",
    "substance",
    "form",
    "quantity",
    "unit",
    "tablet_count",
    "unit_weight_mg",
    "purity",
    "lab_reference",
    "tablet_logo",
    "packaging_kind",
    "packaging_brand",
    "price",
    "price_currency",
    "price_per",
];

/// The normalised measures, as in the API: numbers in XLSX, exact
/// decimals in CSV. Derived from the columns above; an import ignores them.
pub const MEASURE_COLUMNS: &[&str] = &[
    "grams",
    "grams_derived_from_count",
    "millilitres",
    "count",
    "hectares",
];

/// Every column of the export, in order: its header row.
pub fn export_columns() -> Vec<&'static str> {
    [CASE_COLUMNS, ITEM_COLUMNS, MEASURE_COLUMNS].concat()
}

/// The case columns an import reads: the export's, without those the
/// system gives (ids, owner, times; [`ignored_known`]).
pub static IMPORT_CASE_COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    CASE_COLUMNS
        .iter()
        .copied()
        .filter(|c| !ignored_known(c))
        .collect()
});

/// The item columns an import reads (the order of the rows gives the
/// items' positions).
pub static IMPORT_ITEM_COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ITEM_COLUMNS
        .iter()
        .copied()
        .filter(|c| !ignored_known(c))
        .collect()
});

/// Columns without which no case can be read.
pub const REQUIRED: &[&str] = &["reference", "occurred_on", "province"];

/// The template's header row: every column an import reads, in order.
pub fn import_columns() -> Vec<&'static str> {
    [
        IMPORT_CASE_COLUMNS.as_slice(),
        IMPORT_ITEM_COLUMNS.as_slice(),
    ]
    .concat()
}

/// Columns of the export that an import knows and ignores (derived or
/// given by the system), so that an exported file imports without a
/// mapping step.
pub fn ignored_known(name: &str) -> bool {
    matches!(
        name,
        "case_id" | "agency" | "owner_unit" | "created_at" | "updated_at" | "item_id" | "position"
    ) || MEASURE_COLUMNS.contains(&name)
}
