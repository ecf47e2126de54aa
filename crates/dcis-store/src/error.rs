use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The database could not be reached or refused the connection.
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// An SQLite database file that `dcis init` has not created.
    #[error("there is no database at {0}; run `dcis init` first (or check the path)")]
    Missing(String),
    /// The database was written by a newer dcis.
    #[error("the database schema is version {found}, newer than this dcis knows (up to {known}); use a newer dcis or restore a backup")]
    TooNew { found: i64, known: i64 },
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A uniqueness rule refused the write; the caller names the field.
    #[error("a record with the same {constraint} already exists")]
    Duplicate { constraint: String },
    /// A referenced record does not exist.
    #[error("a referenced record does not exist ({0})")]
    MissingReference(String),
    /// The row names a record that does not exist.
    #[error("not found")]
    NotFound,
    /// A stored value no longer parses; the database was edited by hand.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("this operation is not available on {0}")]
    Unsupported(&'static str),
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_owned();
            // SQLite: "UNIQUE constraint failed: app_user.username";
            // PostgreSQL: code 23505 with the constraint's name.
            if db.code().as_deref() == Some("23505") || msg.contains("UNIQUE constraint failed") {
                let constraint = db
                    .constraint()
                    .map(str::to_owned)
                    .or_else(|| msg.split(": ").nth(1).map(str::to_owned))
                    .unwrap_or_default();
                return StoreError::Duplicate { constraint };
            }
            if db.code().as_deref() == Some("23503")
                || msg.contains("FOREIGN KEY constraint failed")
            {
                return StoreError::MissingReference(msg);
            }
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Db(e)
    }
}
