//! The file of bad rows an import in "good rows" mode gives back: the rows
//! that were not imported, as they were, with the reasons in front, so
//! that they can be corrected and imported again.

use crate::table::{csv_text, Table};
use std::collections::BTreeMap;

/// `name`, or `name_2`, `name_3`… when the file has a column of that name
/// already (a file of bad rows imported again has `row` and `errors`):
/// headers must stay distinct for the file to be read back.
fn fresh(name: &str, headers: &[String]) -> String {
    // Compared as the reader compares headers (trimmed, lower case).
    let taken = |n: &str| headers.iter().any(|h| h.trim().to_lowercase() == n);
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|i| format!("{name}_{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_owned())
}

/// A CSV file (UTF-8 with a byte-order mark, CRLF, formula guard, like the
/// export) with the columns `row` (the row's number in the original file),
/// `errors` (the reasons, ` | ` between them) and then the original
/// columns (`row_2`, `errors_2` if the file has a `row` or `errors`
/// column itself). `reasons` gives, for each bad row, its messages, already
/// written in the reader's language.
pub fn bad_rows_csv(table: &Table, reasons: &BTreeMap<usize, Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header = vec![
        fresh("row", &table.headers),
        fresh("errors", &table.headers),
    ];
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

    #[test]
    fn a_file_of_bad_rows_gives_bad_rows_that_read_back() {
        // Imported again and still bad: its own `row` and `errors` columns
        // stay, the new ones get other names.
        let t = read(
            b"row,Errors,reference
3,old reason,A-2
",
        )
        .unwrap();
        let mut reasons = BTreeMap::new();
        reasons.insert(2, vec!["still bad".to_owned()]);
        let back = read(&bad_rows_csv(&t, &reasons)).unwrap();
        assert_eq!(
            back.headers,
            ["row_2", "errors_2", "row", "Errors", "reference"]
        );
        assert_eq!(
            back.rows[0].cells,
            ["2", "still bad", "3", "old reason", "A-2"]
        );
    }
}
