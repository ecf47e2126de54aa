//! The search index (migrations 0007 and 0008, `docs/search.md`): which
//! fields are searched by word, the per-record columns and the term table
//! kept from them, and filling both for rows stored before they existed.
//!
//! The columns and terms are an index kept beside the record, derived from
//! fields the record already has: written in the same transaction as the
//! record (so the record's audit entry covers what they are made from)
//! and, for older rows, filled here without an audit entry of their own,
//! since they add nothing to what the chain records.
//!
//! A term left behind by a change it did not see (a column set back to
//! NULL by hand) is harmless: terms only pick candidate records, and every
//! candidate is then tested on its columns.

use crate::access::{push, readable_sql, Bind};
use crate::cases::PlanChoice;
use crate::error::StoreError;
use crate::open::{Backend, Store};
use crate::persons::json;
use crate::rows::{int, opt_text, text};
use crate::write::Write;
use dcis_domain::search;
use dcis_policy::records::ReadFilter;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// The words a case is found by: its operation name and narrative, and the
/// tablet logos and packaging brands of its items.
pub(crate) fn case_words<'a>(
    operation_name: &'a str,
    narrative: &'a str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    search::column(
        [operation_name, narrative]
            .into_iter()
            .chain(items.into_iter().flat_map(|(logo, brand)| [logo, brand])),
    )
}

/// The words a person is found by: the name as written, the Latin name
/// and the aliases.
pub(crate) fn person_words(name: &str, latin_name: &str, aliases: &[String]) -> String {
    search::column(
        [name, latin_name]
            .into_iter()
            .chain(aliases.iter().map(String::as_str)),
    )
}

/// The sources of the term table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Case,
    Reference,
    Person,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::Case => "case",
            Source::Reference => "reference",
            Source::Person => "person",
        }
    }
}

/// The term rows of a column: `(source, term, record)`.
pub(crate) fn term_rows<'a>(
    source: Source,
    record: &'a str,
    column: &'a str,
) -> impl Iterator<Item = [String; 3]> + 'a {
    search::column_words(column)
        .map(move |t| [source.as_str().to_owned(), t.to_owned(), record.to_owned()])
}

/// Terms written or deleted per statement.
const TERMS_PER_STATEMENT: usize = 300;

impl Write {
    /// Derives a case's search columns again from its stored row and items
    /// and brings its terms in line. Called by every write of a case or of
    /// its items, after the write.
    pub(crate) async fn index_case(&mut self, case_id: &str) -> Result<(), StoreError> {
        index_case(self.conn(), case_id).await
    }

    /// Writes a new person's terms (its column is written with the row).
    pub(crate) async fn index_person(
        &mut self,
        person_id: &str,
        words: &str,
    ) -> Result<(), StoreError> {
        replace_terms(self.conn(), Source::Person, person_id, None, words).await
    }
}

/// [`Write::index_case`] on a connection.
async fn index_case(conn: &mut AnyConnection, case_id: &str) -> Result<(), StoreError> {
    let row = sqlx::query(
            "SELECT reference, operation_name, narrative, search_words, reference_words FROM law_case WHERE id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let items = sqlx::query(
            "SELECT tablet_logo, packaging_brand FROM seizure_item WHERE case_id = $1 ORDER BY position, id",
        )
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?;
    let items = items
        .iter()
        .map(|r| Ok((text(r, "tablet_logo")?, text(r, "packaging_brand")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let words = case_words(
        &text(&row, "operation_name")?,
        &text(&row, "narrative")?,
        items.iter().map(|(l, b)| (l.as_str(), b.as_str())),
    );
    let reference = search::reference_column(&text(&row, "reference")?);
    let old_words = opt_text(&row, "search_words")?;
    let old_reference = opt_text(&row, "reference_words")?;
    replace_terms(
        &mut *conn,
        Source::Case,
        case_id,
        old_words.as_deref(),
        &words,
    )
    .await?;
    replace_terms(
        &mut *conn,
        Source::Reference,
        case_id,
        old_reference.as_deref(),
        &reference,
    )
    .await?;
    sqlx::query("UPDATE law_case SET search_words = $1, reference_words = $2 WHERE id = $3")
        .bind(words)
        .bind(reference)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes the terms of `old` that `new` lacks and adds those it gains.
async fn replace_terms(
    conn: &mut AnyConnection,
    source: Source,
    record: &str,
    old: Option<&str>,
    new: &str,
) -> Result<(), StoreError> {
    let old: BTreeSet<&str> = old
        .map(search::column_words)
        .into_iter()
        .flatten()
        .collect();
    let new: BTreeSet<&str> = search::column_words(new).collect();
    let gone: Vec<&str> = old.difference(&new).copied().collect();
    for chunk in gone.chunks(TERMS_PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "DELETE FROM search_term WHERE source = $1 AND record_id = $2 AND term IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(source.as_str()).bind(record);
        for t in chunk {
            q = q.bind(*t);
        }
        q.execute(&mut *conn).await?;
    }
    let added: Vec<&str> = new.difference(&old).copied().collect();
    let rows: Vec<[String; 3]> = added
        .iter()
        .map(|t| {
            [
                source.as_str().to_owned(),
                (*t).to_owned(),
                record.to_owned(),
            ]
        })
        .collect();
    insert_terms(conn, rows).await
}

/// Inserts term rows, keeping any that are there already.
async fn insert_terms(conn: &mut AnyConnection, rows: Vec<[String; 3]>) -> Result<(), StoreError> {
    for chunk in rows.chunks(TERMS_PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO search_term (source, term, record_id) VALUES {} ON CONFLICT DO NOTHING",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for [a, b, c] in chunk {
            q = q.bind(a.as_str()).bind(b.as_str()).bind(c.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows filled per transaction.
const BATCH: i64 = 500;

impl Store {
    /// Fills the search columns and terms where `search_words` is NULL
    /// (rows written before migration 0007 or 0008, or by an older dcis).
    /// Walks each table once in id order; returns how many rows were filled.
    pub(crate) async fn fill_search_words(&self) -> Result<u64, StoreError> {
        let cases = self.fill(Source::Case).await?;
        let persons = self.fill(Source::Person).await?;
        if cases + persons > 0 {
            tracing::info!(cases, persons, "search words filled");
        }
        Ok(cases + persons)
    }

    /// Fills the cases' (`Source::Case`) or persons' rows still NULL.
    async fn fill(&self, what: Source) -> Result<u64, StoreError> {
        let table = if what == Source::Person {
            "person"
        } else {
            "law_case"
        };
        let select = format!(
            "SELECT id FROM {table} WHERE search_words IS NULL AND id > $1 ORDER BY id LIMIT $2"
        );
        let mut last = String::new();
        let mut filled = 0;
        loop {
            let rows = sqlx::query(&select)
                .bind(&last)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(end) = rows.last() else {
                return Ok(filled);
            };
            last = text(end, "id")?;
            let ids = rows
                .iter()
                .map(|r| text(r, "id"))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let _guard = match self.backend {
                Backend::Sqlite => Some(self.write_lock.lock().await),
                Backend::Postgres => None,
            };
            let mut tx = self.pool.begin().await?;
            for id in &ids {
                if what == Source::Person {
                    index_person_row(&mut tx, id).await?;
                } else {
                    index_case(&mut tx, id).await?;
                }
                filled += 1;
            }
            tx.commit().await?;
        }
    }
}

/// Derives a stored person's column again and writes its terms.
async fn index_person_row(conn: &mut AnyConnection, person_id: &str) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT name, latin_name, aliases_json FROM person WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let aliases: Vec<String> = json(&row, "aliases_json")?;
    let words = person_words(&text(&row, "name")?, &text(&row, "latin_name")?, &aliases);
    replace_terms(&mut *conn, Source::Person, person_id, None, &words).await?;
    sqlx::query("UPDATE person SET search_words = $1 WHERE id = $2")
        .bind(words)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Above this many terms for its rarest word, a query tests the cases in
/// list order instead of picking candidates from the term table: a word
/// that common fills a page from the first cases read, while collecting
/// and sorting its candidates would cost more than it saves.
pub(crate) const PICK_UP_TO: i64 = 5_000;

/// How a text query of the case list runs. What it matches is fixed by
/// [`text_sql`]'s test of each case; the plan only chooses whether the
/// term table first picks the candidate cases (`pick`), which is what
/// makes a rare word fast, or the cases are tested in list order.
#[derive(Debug, Clone)]
pub(crate) struct TextPlan {
    reference: Option<String>,
    words: Vec<String>,
    document: String,
    object_keys: Vec<String>,
    /// Pick candidates with the reference's terms and those of this word
    /// (`Some(None)`: the query has no word, only the reference and exact
    /// keys pick).
    pick: Option<Option<String>>,
}

impl Store {
    /// Plans a text query: counts, up to [`PICK_UP_TO`], the terms of the
    /// reference form and of each word, to find whether a rare one can
    /// pick the candidates.
    pub(crate) async fn text_plan(
        &self,
        q: &str,
        choice: PlanChoice,
    ) -> Result<TextPlan, StoreError> {
        let reference = search::reference_query(q);
        let words = search::query(q);
        let document: String = q
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        let object_keys = dcis_domain::objects::query_keys(q);
        let mut spent = match &reference {
            _ if choice != PlanChoice::Auto => 0,
            Some(r) => self.count_terms(&[Source::Reference], r).await?,
            None => 0,
        };
        let mut rarest: Option<(i64, &String)> = None;
        for w in &words {
            let n = if choice == PlanChoice::Auto {
                self.count_terms(&[Source::Case, Source::Person], w).await?
            } else {
                0
            };
            if rarest.is_none_or(|(m, _)| n < m) {
                rarest = Some((n, w));
            }
        }
        spent += rarest.map_or(0, |(n, _)| n);
        let pick = match choice {
            PlanChoice::Auto => spent <= PICK_UP_TO,
            PlanChoice::Candidates => true,
            PlanChoice::ListOrder => false,
        }
        .then(|| rarest.map(|(_, w)| w.clone()));
        Ok(TextPlan {
            reference,
            words,
            document,
            object_keys,
            pick,
        })
    }

    /// How many terms of `sources` start with `prefix`, counted up to just
    /// past [`PICK_UP_TO`].
    async fn count_terms(&self, sources: &[Source], prefix: &str) -> Result<i64, StoreError> {
        // Sources are fixed words of this module, not input.
        let sources: Vec<String> = sources
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM search_term \
             WHERE source IN ({}) AND term >= $1 AND term < $2 LIMIT $3) found",
            sources.join(", ")
        );
        let row = sqlx::query(&sql)
            .bind(prefix)
            .bind(search::prefix_end(prefix))
            .bind(PICK_UP_TO + 1)
            .fetch_one(&self.pool)
            .await?;
        int(&row, "n")
    }
}

/// The condition a text query puts on the case list (alias `lc`, access
/// row `ra`; `readable` is the filter's readable test on `ra`), by the
/// rules of `docs/search.md`:
///
/// - the reference is found in every case the actor may list (it is what
///   a listed case shows): the query's parts, joined, start an ending of
///   the reference;
/// - everything else only in cases the actor may read: every word of the
///   query starts a word of the case (its operation name, narrative, tablet
///   logos and packaging brands) or of the names of a person in it whom
///   the actor may read; or the query is an identity document number of
///   such a person; or the key of a plate, phone or account of the case.
///
/// A person is a record of its own (a case shared is not its people
/// shared): names and documents match only people the actor may read, or
/// the search would tell who is in a case to someone who may not see them
/// there.
pub(crate) fn text_sql(
    f: &ReadFilter,
    plan: &TextPlan,
    readable: &str,
    binds: &mut Vec<Bind>,
) -> String {
    let person_readable = readable_sql(f, "pra", binds);
    let range = |binds: &mut Vec<Bind>, prefix: &str| {
        let lo = push(binds, Bind::Text(prefix.to_owned()));
        let hi = push(binds, Bind::Text(search::prefix_end(prefix)));
        format!("term >= {lo} AND term < {hi}")
    };
    let reference = match &plan.reference {
        Some(r) => {
            let p = push(binds, Bind::Text(format!("% {r}%")));
            format!("lc.reference_words LIKE {p}")
        }
        None => "1 = 0".to_owned(),
    };
    let words: Vec<String> = plan
        .words
        .iter()
        .map(|w| {
            let p = push(binds, Bind::Text(format!("% {w}%")));
            format!(
                "(lc.search_words LIKE {p} OR EXISTS (SELECT 1 FROM case_person cpw JOIN person pw ON pw.id = cpw.person_id \
                 JOIN record_access pra ON pra.record_id = pw.id \
                 WHERE cpw.case_id = lc.id AND pw.search_words LIKE {p} AND {person_readable}))"
            )
        })
        .collect();
    let words = if words.is_empty() {
        "1 = 0".to_owned()
    } else {
        words.join(" AND ")
    };
    let doc = push(
        binds,
        Bind::Text(if plan.document.is_empty() {
            "-".to_owned()
        } else {
            plan.document.clone()
        }),
    );
    let mut keys: Vec<String> = plan
        .object_keys
        .iter()
        .map(|k| push(binds, Bind::Text(k.clone())))
        .collect();
    if keys.is_empty() {
        keys.push(push(binds, Bind::Text("-".to_owned())));
    }
    let keys = keys.join(", ");
    let test = format!(
        "({reference} OR ({readable} AND (({words}) \
         OR EXISTS (SELECT 1 FROM case_person cp2 JOIN person_document pd ON pd.person_id = cp2.person_id JOIN record_access pra ON pra.record_id = cp2.person_id \
            WHERE cp2.case_id = lc.id AND pd.number = {doc} AND {person_readable}) \
         OR EXISTS (SELECT 1 FROM case_object co WHERE co.case_id = lc.id AND co.search_key IN ({keys})))))"
    );
    let Some(pick) = &plan.pick else {
        return test;
    };
    // Every case the test can pass is among these: the cases with a term of
    // the reference form or of one of the words (a case passes only if it
    // holds every word), or holding the document or a key.
    let mut from = Vec::new();
    if let Some(r) = &plan.reference {
        let cond = range(binds, r);
        from.push(format!(
            "SELECT record_id FROM search_term WHERE source = 'reference' AND {cond}"
        ));
    }
    if let Some(w) = pick {
        let cond = range(binds, w);
        from.push(format!(
            "SELECT record_id FROM search_term WHERE source = 'case' AND {cond}"
        ));
        let cond = range(binds, w);
        from.push(format!(
            "SELECT cpt.case_id FROM search_term st JOIN case_person cpt ON cpt.person_id = st.record_id \
             WHERE st.source = 'person' AND st.{}",
            cond.replacen(" AND term", " AND st.term", 1)
        ));
    }
    from.push(format!(
        "SELECT cpd.case_id FROM person_document pdd JOIN case_person cpd ON cpd.person_id = pdd.person_id WHERE pdd.number = {doc}"
    ));
    from.push(format!(
        "SELECT cok.case_id FROM case_object cok WHERE cok.search_key IN ({keys})"
    ));
    format!("(lc.id IN ({}) AND {test})", from.join(" UNION ALL "))
}
