//! Sessions, API tokens and failed log-ins. These are operational state,
//! not records: they are written outside the audit chain (the application
//! audits the events around them: log-in, log-out, token created or
//! revoked).

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_time, parsed, text, time};
use crate::write::Write;
use dcis_domain::ids::{ApiTokenId, UserId};
use dcis_domain::role::Role;
use dcis_domain::time::to_millis;
use dcis_domain::user::ApiToken;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: UserId,
    pub csrf_token: &'a str,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub address: &'a str,
    pub user_agent: &'a str,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub token_hash: String,
    pub user: UserId,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub address: String,
    pub user_agent: String,
}

fn session(row: &AnyRow) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        token_hash: text(row, "token_hash")?,
        user: id(row, "user_id")?,
        csrf_token: text(row, "csrf_token")?,
        created_at: time(row, "created_at")?,
        last_seen_at: time(row, "last_seen_at")?,
        expires_at: time(row, "expires_at")?,
        address: text(row, "address")?,
        user_agent: text(row, "user_agent")?,
    })
}

fn token(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: id(row, "id")?,
        user: id(row, "user_id")?,
        name: text(row, "name")?,
        role: parsed(row, "role", Role::parse)?,
        created_at: time(row, "created_at")?,
        expires_at: opt_time(row, "expires_at")?,
        last_used_at: opt_time(row, "last_used_at")?,
        revoked_at: opt_time(row, "revoked_at")?,
    })
}

const SESSION_COLUMNS: &str =
    "token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address, user_agent";
const TOKEN_COLUMNS: &str =
    "id, user_id, name, role, created_at, expires_at, last_used_at, revoked_at";

impl Store {
    pub async fn insert_session(&self, s: &NewSession<'_>) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO session ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(s.token_hash)
        .bind(s.user.to_string())
        .bind(s.csrf_token)
        .bind(to_millis(s.created_at))
        .bind(to_millis(s.created_at))
        .bind(to_millis(s.expires_at))
        .bind(s.address)
        .bind(s.user_agent)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM session WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(session).transpose()
    }

    pub async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM session WHERE user_id = $1 ORDER BY last_seen_at DESC"
        ))
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(session).collect()
    }

    /// Slides a session's expiry forward on use.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE session SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(to_millis(now))
            .bind(to_millis(expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let n = sqlx::query("DELETE FROM session WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM session WHERE expires_at <= $1")
            .bind(to_millis(now))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    pub async fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_failure (username, address, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(address)
            .bind(to_millis(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Failed log-ins since `since`: (for this user name, from this address).
    pub async fn login_failures_since(
        &self,
        username: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failure WHERE username = $1 AND at > $3) AS by_user, \
                    (SELECT COUNT(*) FROM login_failure WHERE address = $2 AND at > $3) AS by_address",
        )
        .bind(username)
        .bind(address)
        .bind(to_millis(since))
        .fetch_one(&self.pool)
        .await?;
        Ok((int(&row, "by_user")?, int(&row, "by_address")?))
    }

    /// Forgets failures of one user name (after a successful log-in or a
    /// password reset by an administrator).
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failure WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn prune_login_failures(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM login_failure WHERE at < $1")
            .bind(to_millis(before))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token).transpose()
    }

    pub async fn api_token(&self, tid: ApiTokenId) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = $1"
        ))
        .bind(tid.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token).transpose()
    }

    pub async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY created_at DESC"
        ))
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token).collect()
    }

    /// Records the last use of a token (at most once a minute per token, to
    /// keep busy scripts from writing on every request).
    pub async fn touch_api_token(
        &self,
        tid: ApiTokenId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE api_token SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(tid.to_string())
        .bind(to_millis(now))
        .bind(to_millis(now) - 60_000)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Write {
    /// Deletes every session of a user ("log out everywhere", disabling a
    /// user, resetting a password) and audits it. Returns how many.
    pub async fn delete_sessions_of(
        &mut self,
        user: UserId,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let n = sqlx::query("DELETE FROM session WHERE user_id = $1")
            .bind(user.to_string())
            .execute(self.conn())
            .await?
            .rows_affected();
        self.event(
            "user",
            &user.to_string(),
            &serde_json::json!({ "event": "sessions_ended", "reason": reason, "count": n }),
        )
        .await?;
        Ok(n)
    }

    pub async fn insert_api_token(
        &mut self,
        t: &ApiToken,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_token (id, user_id, name, role, token_hash, created_at, expires_at, last_used_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)",
        )
        .bind(t.id.to_string())
        .bind(t.user.to_string())
        .bind(&t.name)
        .bind(t.role.as_str())
        .bind(token_hash)
        .bind(to_millis(t.created_at))
        .bind(t.expires_at.map(to_millis))
        .execute(self.conn())
        .await?;
        self.audit_create("api_token", &t.id.to_string(), t).await?;
        Ok(())
    }

    pub async fn revoke_api_token(&mut self, before: &ApiToken) -> Result<(), StoreError> {
        let at = self.at();
        sqlx::query("UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(before.id.to_string())
            .bind(to_millis(at))
            .execute(self.conn())
            .await?;
        let after = ApiToken {
            revoked_at: Some(at),
            ..before.clone()
        };
        self.audit_update("api_token", &before.id.to_string(), before, &after)
            .await?;
        Ok(())
    }

    /// Creates the installation row (once, at `dcis init`).
    pub async fn insert_installation(&mut self, name: &str) -> Result<(), StoreError> {
        let inst = self.ctx.installation;
        sqlx::query("INSERT INTO installation (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(inst.to_string())
            .bind(name)
            .bind(to_millis(self.at()))
            .execute(self.conn())
            .await?;
        self.audit(
            dcis_domain::audit::AuditAction::Create,
            "installation",
            &inst.to_string(),
            None,
            Some(serde_json::json!({ "id": inst.to_string(), "name": name }).to_string()),
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// The installation this database belongs to, once initialised.
    pub async fn installation(
        &self,
    ) -> Result<Option<(dcis_domain::ids::InstallationId, String)>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM installation ORDER BY created_at LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((id(&r, "id")?, text(&r, "name")?))),
        }
    }
}
