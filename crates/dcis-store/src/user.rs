//! Users.

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, opt_time, parsed, text, time};
use crate::write::Write;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{OrganisationId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::time::to_millis;
use dcis_domain::user::{DisplayName, Language, User, UserName};
use sqlx::any::AnyRow;
use time::OffsetDateTime;

const COLUMNS: &str = "u.id, u.installation_id, u.username, u.display_name, u.unit_id, u.role, u.scope, \
                       u.clearance, u.language, u.password_hash, u.password_changed_at, u.disabled_at, u.created_at";

/// A user with the credential columns only the log-in path reads.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: User,
    pub password_hash: String,
    pub password_changed_at: OffsetDateTime,
}

fn user_row(row: &AnyRow) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        user: User {
            id: id(row, "id")?,
            installation: id(row, "installation_id")?,
            username: parsed(row, "username", UserName::parse)?,
            display_name: parsed(row, "display_name", DisplayName::parse)?,
            unit: id(row, "unit_id")?,
            role: parsed(row, "role", Role::parse)?,
            scope: parsed(row, "scope", GeoScope::parse)?,
            clearance: parsed(row, "clearance", Clearance::parse)?,
            language: parsed(row, "language", Language::parse)?,
            disabled_at: opt_time(row, "disabled_at")?,
            created_at: time(row, "created_at")?,
        },
        password_hash: text(row, "password_hash")?,
        password_changed_at: time(row, "password_changed_at")?,
    })
}

/// Which users to list. `provinces` restricts to users whose unit lies in
/// one of them (for administrators with a provincial scope).
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub text: Option<String>,
    pub organisation: Option<OrganisationId>,
    pub provinces: Option<Vec<ProvinceCode>>,
    pub include_disabled: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    pub async fn user(&self, uid: UserId) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM app_user u WHERE u.id = $1"))
            .bind(uid.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_row).transpose()
    }

    pub async fn user_by_name(&self, name: &UserName) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM app_user u WHERE u.username = $1"
        ))
        .bind(name.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_row).transpose()
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM app_user")
            .fetch_one(&self.pool)
            .await?;
        crate::rows::int(&row, "n")
    }

    /// Users matching the filter, ordered by user name, and the total count.
    pub async fn users(&self, f: &UserFilter) -> Result<(Vec<UserRow>, i64), StoreError> {
        // The WHERE clause is assembled from fixed fragments; every value is
        // a bound parameter.
        let mut clauses: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if !f.include_disabled {
            clauses.push("u.disabled_at IS NULL".into());
        }
        if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            binds.push(format!("%{}%", t.to_lowercase()));
            let n = binds.len();
            clauses.push(format!(
                "(LOWER(u.username) LIKE ${n} OR LOWER(u.display_name) LIKE ${n})"
            ));
        }
        if let Some(o) = f.organisation {
            binds.push(o.to_string());
            clauses.push(format!("n.organisation_id = ${}", binds.len()));
        }
        if let Some(ps) = &f.provinces {
            let mut marks = Vec::new();
            for p in ps {
                binds.push(p.as_str().to_owned());
                marks.push(format!("${}", binds.len()));
            }
            if marks.is_empty() {
                clauses.push("1 = 0".into());
            } else {
                clauses.push(format!("n.province_code IN ({})", marks.join(", ")));
            }
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let count_sql = format!(
            "SELECT COUNT(*) AS n FROM app_user u JOIN unit n ON n.id = u.unit_id {where_sql}"
        );
        let mut q = sqlx::query(&count_sql);
        for b in &binds {
            q = q.bind(b);
        }
        let total = crate::rows::int(&q.fetch_one(&self.pool).await?, "n")?;
        let list_sql = format!(
            "SELECT {COLUMNS} FROM app_user u JOIN unit n ON n.id = u.unit_id {where_sql} \
             ORDER BY u.username LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        let mut q = sqlx::query(&list_sql);
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q
            .bind(f.limit.max(1))
            .bind(f.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        Ok((rows.iter().map(user_row).collect::<Result<_, _>>()?, total))
    }
}

impl Write {
    pub async fn insert_user(&mut self, u: &User, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO app_user (id, installation_id, username, display_name, unit_id, role, scope, clearance, \
             language, password_hash, password_changed_at, disabled_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(u.id.to_string())
        .bind(u.installation.to_string())
        .bind(u.username.as_str())
        .bind(u.display_name.as_str())
        .bind(u.unit.to_string())
        .bind(u.role.as_str())
        .bind(u.scope.to_storage())
        .bind(u.clearance.as_str())
        .bind(u.language.as_str())
        .bind(password_hash)
        .bind(to_millis(self.at()))
        .bind(u.disabled_at.map(to_millis))
        .bind(to_millis(u.created_at))
        .execute(self.conn())
        .await?;
        self.audit_create("user", &u.id.to_string(), u).await?;
        Ok(())
    }

    /// Updates a user's profile (not the password).
    pub async fn update_user(&mut self, before: &User, after: &User) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE app_user SET display_name = $2, unit_id = $3, role = $4, scope = $5, clearance = $6, \
             language = $7, disabled_at = $8 WHERE id = $1",
        )
        .bind(after.id.to_string())
        .bind(after.display_name.as_str())
        .bind(after.unit.to_string())
        .bind(after.role.as_str())
        .bind(after.scope.to_storage())
        .bind(after.clearance.as_str())
        .bind(after.language.as_str())
        .bind(after.disabled_at.map(to_millis))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit_update("user", &after.id.to_string(), before, after)
            .await?;
        Ok(())
    }

    /// Replaces a password hash. The audit entry records that the password
    /// changed and by whom, never the hash.
    pub async fn set_password(
        &mut self,
        uid: UserId,
        password_hash: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE app_user SET password_hash = $2, password_changed_at = $3 WHERE id = $1",
        )
        .bind(uid.to_string())
        .bind(password_hash)
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.event(
            "user",
            &uid.to_string(),
            &serde_json::json!({ "event": "password_changed", "reason": reason }),
        )
        .await?;
        Ok(())
    }
}
