//! The file of bad rows an import in "good rows" mode gives back: the rows
//! that were not imported, as they were, with the reasons in front, so
//! that they can be corrected and imported again.

use crate::table::{csv_text, Table};
use std::collections::BTreeMap;

/// A CSV file (UTF-8 with a byte-order mark, CRLF, formula guard, like the
/// export) with the columns `row` (the row's number in the original file),
/// `errors` (the reasons, ` | ` between them) and then the original
/// columns. `reasons` gives, for each bad row, its messages, already
/// written in the reader's language.
pub fn bad_rows_csv(table: &Table, reasons: &BTreeMap<usize, Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header = vec!["row".to_owned(), "errors".to_owned()];
    header.extend(table.headers.iter().map(|h| csv_text(h).into_owned()));
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    for row in &table.rows {
        let Some(msgs) = reasons.get(&row.number) else {
            continue;
        };
        let mut rec = vec![
            row.number.to_string(),
            csv_text(&msgs.join(" | ")).into_owned(),
        ];
        rec.extend(row.cells.iter().map(|c| csv_text(c).into_owned()));
        let _ = w.write_record(&rec);
    }
    // Rows that the table did not keep (none today) still get a line.
    for (n, msgs) in reasons {
        if !table.rows.iter().any(|r| r.number == *n) {
            let _ = w.write_record([n.to_string(), csv_text(&msgs.join(" | ")).into_owned()]);
        }
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read;

    #[test]
    fn bad_rows_round_trip_through_the_reader() {
        let t = read(b"reference,narrative\nA-1,ok\nA-2,=cmd\n").unwrap();
        let mut reasons = BTreeMap::new();
        reasons.insert(3, vec!["quantity: must be positive".to_owned()]);
        let out = bad_rows_csv(&t, &reasons);
        let back = read(&out).unwrap();
        assert_eq!(back.headers, ["row", "errors", "reference", "narrative"]);
        assert_eq!(back.rows.len(), 1);
        assert_eq!(
            back.rows[0].cells,
            ["3", "quantity: must be positive", "A-2", "=cmd"]
        );
        assert!(String::from_utf8(out).unwrap().contains("'=cmd"));
    }
}
