//! Log-in, sessions, API tokens and password changes.

use crate::error::AppError;
use crate::secrets::{dummy_hash, hash_password, new_secret, secret_hash, verify_password};
use crate::App;
use dcis_domain::ids::{ApiTokenId, UserId};
use dcis_domain::role::Role;
use dcis_domain::user::{parse_token_name, ApiToken, NewPassword, User, UserName};
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::Actor;
use dcis_store::{NewSession, SessionRow};
use time::{Duration, OffsetDateTime};

/// What a successful log-in hands to the web layer: the cookie secret (only
/// its hash is stored) and the session's CSRF token.
#[derive(Debug)]
pub struct LoggedIn {
    pub session_secret: String,
    pub csrf_token: String,
    pub user: User,
}

/// An authenticated request's identity.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub user: User,
    /// Present for cookie sessions, absent for API tokens.
    pub session: Option<SessionRow>,
}

fn to_time(d: std::time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or(Duration::HOUR)
}

impl App {
    /// Builds the policy's view of a user.
    pub async fn actor_for(
        &self,
        user: &User,
        token: Option<(ApiTokenId, Role)>,
    ) -> Result<Actor, AppError> {
        let unit = self
            .store
            .unit(user.unit)
            .await?
            .ok_or_else(|| AppError::Internal(format!("user {} has no unit", user.id)))?;
        Ok(Actor {
            user: user.id,
            username: user.username.clone(),
            unit: unit.id,
            organisation: unit.organisation,
            role: user.role,
            scope: user.scope.clone(),
            clearance: user.clearance,
            token,
        })
    }

    /// Checks a user name and password and opens a session.
    ///
    /// Failures are counted per account and per address; past the limits
    /// the attempt is refused before the password is even checked. Unknown
    /// user names, wrong passwords and disabled accounts all answer the same
    /// `Unauthenticated`, after the same amount of hashing work.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
        user_agent: &str,
    ) -> Result<LoggedIn, AppError> {
        let now = self.now();
        let window = to_time(self.settings.throttle_window);
        let key = username.trim().to_ascii_lowercase();
        let (by_user, by_address) = self
            .store
            .login_failures_since(&key, address, now - window)
            .await?;
        if by_user >= self.settings.max_failures_per_account
            || by_address >= self.settings.max_failures_per_address
        {
            tracing::warn!(username = %key, %address, by_user, by_address, "log-in throttled");
            return Err(AppError::Throttled {
                retry_after_secs: self.settings.throttle_window.as_secs(),
            });
        }
        let found = match UserName::parse(&key) {
            Ok(name) => self.store.user_by_name(&name).await?,
            Err(_) => None,
        };
        let stored_hash = found
            .as_ref()
            .map(|r| r.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let pw = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &stored_hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let row = match found {
            Some(r) if ok && r.user.is_active() => r,
            other => {
                self.store.record_login_failure(&key, address, now).await?;
                if let Some(r) = other {
                    if ok {
                        // Right password for a disabled account: worth auditing.
                        let mut w = self.write_as_system().await?;
                        w.event("user", &r.user.id.to_string(), &serde_json::json!({"event": "login_refused_disabled", "address": address}))
                            .await?;
                        w.commit().await?;
                    }
                }
                tracing::info!(username = %key, %address, "log-in failed");
                return Err(AppError::Unauthenticated);
            }
        };
        self.store.clear_login_failures(&key).await?;
        let secret = new_secret();
        let csrf = new_secret();
        let expires = (now + to_time(self.settings.session_idle))
            .min(now + to_time(self.settings.session_absolute));
        self.store
            .insert_session(&NewSession {
                token_hash: &secret_hash(&secret),
                user: row.user.id,
                csrf_token: &csrf,
                created_at: now,
                expires_at: expires,
                address,
                user_agent: &user_agent.chars().take(300).collect::<String>(),
            })
            .await?;
        let actor = self.actor_for(&row.user, None).await?;
        let mut w = self.write_as(&actor).await?;
        w.event(
            "user",
            &row.user.id.to_string(),
            &serde_json::json!({"event": "login", "address": address}),
        )
        .await?;
        w.commit().await?;
        Ok(LoggedIn {
            session_secret: secret,
            csrf_token: csrf,
            user: row.user,
        })
    }

    /// Resolves a session cookie. Expired sessions and sessions of disabled
    /// users are deleted and answer `None`; live ones slide their expiry.
    pub async fn authenticate_session(
        &self,
        secret: &str,
    ) -> Result<Option<Authenticated>, AppError> {
        let hash = secret_hash(secret);
        let Some(s) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        if s.expires_at <= now {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let Some(row) = self.store.user(s.user).await? else {
            return Ok(None);
        };
        if !row.user.is_active() {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let absolute_end = s.created_at + to_time(self.settings.session_absolute);
        let new_expiry = (now + to_time(self.settings.session_idle)).min(absolute_end);
        // Write at most once a minute per session.
        if now - s.last_seen_at > Duration::MINUTE {
            self.store.touch_session(&hash, now, new_expiry).await?;
        }
        let actor = self.actor_for(&row.user, None).await?;
        Ok(Some(Authenticated {
            actor,
            user: row.user,
            session: Some(s),
        }))
    }

    /// Resolves an API token secret: revoked, expired, or owned by a
    /// disabled user answers `None`.
    pub async fn authenticate_token(
        &self,
        secret: &str,
    ) -> Result<Option<Authenticated>, AppError> {
        let Some(t) = self.store.api_token_by_hash(&secret_hash(secret)).await? else {
            return Ok(None);
        };
        let now = self.now();
        if !t.is_usable(now) {
            return Ok(None);
        }
        let Some(row) = self.store.user(t.user).await? else {
            return Ok(None);
        };
        if !row.user.is_active() {
            return Ok(None);
        }
        self.store.touch_api_token(t.id, now).await?;
        let actor = self.actor_for(&row.user, Some((t.id, t.role))).await?;
        Ok(Some(Authenticated {
            actor,
            user: row.user,
            session: None,
        }))
    }

    pub async fn logout(&self, auth: &Authenticated) -> Result<(), AppError> {
        if let Some(s) = &auth.session {
            self.store.delete_session(&s.token_hash).await?;
            let mut w = self.write_as(&auth.actor).await?;
            w.event(
                "user",
                &auth.user.id.to_string(),
                &serde_json::json!({"event": "logout"}),
            )
            .await?;
            w.commit().await?;
        }
        Ok(())
    }

    /// Ends every session of the acting user, on every device.
    pub async fn logout_everywhere(&self, actor: &Actor) -> Result<u64, AppError> {
        let mut w = self.write_as(actor).await?;
        let n = w
            .delete_sessions_of(actor.user, "logout_everywhere")
            .await?;
        w.commit().await?;
        Ok(n)
    }

    /// Changes the acting user's own password after checking the current
    /// one; ends the user's other sessions.
    pub async fn change_own_password(
        &self,
        auth: &Authenticated,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let row = self
            .store
            .user(auth.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FieldErrors::new();
        let (cur, stored) = (current.to_owned(), row.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&cur, &stored))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            errors.push(FieldError::new("current_password", "err-password-current"));
        }
        let parsed = errors.take(NewPassword::parse(new, Some(&row.user.username)));
        if new != confirm {
            errors.push(FieldError::new("confirm_password", "err-password-mismatch"));
        }
        errors.clone().into_result()?;
        let Some(parsed) = parsed else {
            return Err(errors.into());
        };
        let hash = hash_blocking(parsed).await?;
        let mut w = self.write_as(&auth.actor).await?;
        w.set_password(row.user.id, &hash, "changed_by_user")
            .await?;
        w.commit().await?;
        // Other devices must log in again with the new password.
        if let Some(s) = &auth.session {
            for other in self.store.sessions_of(row.user.id).await? {
                if other.token_hash != s.token_hash {
                    self.store.delete_session(&other.token_hash).await?;
                }
            }
        }
        Ok(())
    }

    /// Creates an API token for the acting user. Returns the token and the
    /// secret, which is shown once and never stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        role: &str,
        expires_in_days: &str,
    ) -> Result<(ApiToken, String), AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take(parse_token_name(name));
        let role = errors.take(Role::parse(role));
        let days = match expires_in_days.trim() {
            "" => None,
            d => errors.take(
                d.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=3650).contains(n))
                    .ok_or_else(|| {
                        FieldError::new("expires_in_days", "err-range")
                            .with("min", 1)
                            .with("max", 3650)
                    }),
            ),
        };
        let (Some(name), Some(role)) = (name, role) else {
            return Err(errors.into());
        };
        errors.into_result()?;
        actor.may_create_token(role)?;
        let now = self.now();
        let token = ApiToken {
            id: ApiTokenId::from_uuid(self.new_uuid()),
            user: actor.user,
            name,
            role,
            created_at: now,
            expires_at: days.map(|d| now + Duration::days(d)),
            last_used_at: None,
            revoked_at: None,
        };
        let secret = format!("dcis_{}", new_secret());
        let mut w = self.write_as(actor).await?;
        w.insert_api_token(&token, &secret_hash(&secret)).await?;
        w.commit().await?;
        Ok((token, secret))
    }

    /// Revokes a token. Its owner may; so may an administrator who may
    /// administer the owner. Anyone else is told it does not exist.
    pub async fn revoke_api_token(&self, actor: &Actor, token: ApiTokenId) -> Result<(), AppError> {
        let t = self
            .store
            .api_token(token)
            .await?
            .ok_or(AppError::NotFound)?;
        if t.user != actor.user && !self.may_administer_user(actor, t.user).await? {
            return Err(AppError::NotFound);
        }
        if t.revoked_at.is_some() {
            return Ok(());
        }
        let mut w = self.write_as(actor).await?;
        w.revoke_api_token(&t).await?;
        w.commit().await?;
        Ok(())
    }

    pub async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, AppError> {
        Ok(self.store.api_tokens_of(user).await?)
    }

    /// Housekeeping run periodically by the server.
    pub async fn prune(&self, now: OffsetDateTime) -> Result<(u64, u64), AppError> {
        let s = self.store.delete_expired_sessions(now).await?;
        let f = self
            .store
            .prune_login_failures(now - to_time(self.settings.throttle_window) * 4)
            .await?;
        Ok((s, f))
    }
}

/// Hashes a new password off the async threads (argon2 takes tens of ms).
pub(crate) async fn hash_blocking(p: NewPassword) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(p.expose()))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)
}
