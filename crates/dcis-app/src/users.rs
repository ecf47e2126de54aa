//! User administration: the one write path for users.

use crate::auth::hash_blocking;
use crate::error::AppError;
use crate::secrets::generate_password;
use crate::App;
use dcis_domain::ids::{UnitId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Permission, Role};
use dcis_domain::user::{DisplayName, Language, NewPassword, User, UserName};
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::{Actor, Denied};
use dcis_store::{UserFilter, UserRow};

/// A new user as typed into a form, the API or the command line.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    /// Empty: a password is generated and returned once.
    pub password: String,
    pub unit: String,
    pub role: String,
    pub scope: String,
    pub clearance: String,
    pub language: String,
}

/// The editable profile of a user.
#[derive(Debug, Clone, Default)]
pub struct UserProfileInput {
    pub display_name: String,
    pub unit: String,
    pub role: String,
    pub scope: String,
    pub clearance: String,
    pub language: String,
}

struct ParsedProfile {
    display_name: DisplayName,
    unit: UnitId,
    role: Role,
    scope: GeoScope,
    clearance: Clearance,
    language: Language,
}

fn parse_unit_id(s: &str) -> Result<UnitId, FieldError> {
    s.trim()
        .parse()
        .map_err(|_| FieldError::new("unit", "err-unit-unknown"))
}

impl App {
    fn parse_profile(
        &self,
        p: &UserProfileInput,
        errors: &mut FieldErrors,
    ) -> Option<ParsedProfile> {
        let display_name = errors.take(DisplayName::parse(&p.display_name));
        let unit = errors.take(parse_unit_id(&p.unit));
        let role = errors.take(Role::parse(&p.role));
        let scope = errors.take(GeoScope::parse(&p.scope));
        let clearance = errors.take(Clearance::parse(&p.clearance));
        let language = if p.language.trim().is_empty() {
            Some(Language::En)
        } else {
            errors.take(Language::parse(&p.language))
        };
        Some(ParsedProfile {
            display_name: display_name?,
            unit: unit?,
            role: role?,
            scope: scope?,
            clearance: clearance?,
            language: language?,
        })
    }

    /// Checks that the unit exists and that `actor` (if any: the command
    /// line acts as the system) may place a user there with these grants.
    async fn check_placement(
        &self,
        actor: Option<&Actor>,
        p: &ParsedProfile,
    ) -> Result<(), AppError> {
        let unit = self
            .store
            .unit(p.unit)
            .await?
            .ok_or_else(|| AppError::from(FieldError::new("unit", "err-unit-unknown")))?;
        if let GeoScope::Provinces(set) = &p.scope {
            for code in set {
                if self.store.province(*code).await?.is_none() {
                    return Err(FieldError::new("scope", "err-province-unknown")
                        .with("value", code.as_str())
                        .into());
                }
            }
        }
        if let Some(actor) = actor {
            actor.may_grant(&p.scope, p.clearance)?;
            if !actor.may_administer_place(unit.province) {
                return Err(Denied::OutsideScope.into());
            }
        }
        Ok(())
    }

    /// May `actor` administer this user (by the province of the user's unit)?
    pub async fn may_administer_user(&self, actor: &Actor, user: UserId) -> Result<bool, AppError> {
        let Some(row) = self.store.user(user).await? else {
            return Ok(false);
        };
        let Some(unit) = self.store.unit(row.user.unit).await? else {
            return Ok(false);
        };
        Ok(actor.may_administer_place(unit.province))
    }

    /// Creates a user. Returns the user and, when no password was given, the
    /// generated one (shown once).
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        input: &NewUserInput,
    ) -> Result<(User, Option<String>), AppError> {
        if let Some(a) = actor {
            a.require(Permission::ManageUsers)?;
        }
        let mut errors = FieldErrors::new();
        let username = errors.take(UserName::parse(&input.username));
        let profile = self.parse_profile(
            &UserProfileInput {
                display_name: input.display_name.clone(),
                unit: input.unit.clone(),
                role: input.role.clone(),
                scope: input.scope.clone(),
                clearance: input.clearance.clone(),
                language: input.language.clone(),
            },
            &mut errors,
        );
        let (generated, password) = if input.password.is_empty() {
            let g = generate_password();
            (Some(g.clone()), NewPassword::parse(&g, None).ok())
        } else {
            (
                None,
                errors.take(NewPassword::parse(&input.password, username.as_ref())),
            )
        };
        let (Some(username), Some(profile), Some(password)) = (username, profile, password) else {
            return Err(errors.into());
        };
        errors.into_result()?;
        self.check_placement(actor, &profile).await?;
        if self.store.user_by_name(&username).await?.is_some() {
            return Err(AppError::Conflict {
                field: "username",
                key: "err-username-taken",
            });
        }
        let now = self.now();
        let user = User {
            id: UserId::from_uuid(self.new_uuid()),
            installation: self.installation,
            username,
            display_name: profile.display_name,
            unit: profile.unit,
            role: profile.role,
            scope: profile.scope,
            clearance: profile.clearance,
            language: profile.language,
            disabled_at: None,
            created_at: now,
        };
        let hash = hash_blocking(password).await?;
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.insert_user(&user, &hash)
            .await
            .map_err(AppError::duplicate_as("username", "err-username-taken"))?;
        w.commit().await?;
        Ok((user, generated))
    }

    /// Edits a user's profile. An administrator cannot take away their own
    /// administrator role (that would lock the installation out).
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        input: &UserProfileInput,
    ) -> Result<User, AppError> {
        actor.require(Permission::ManageUsers)?;
        let before = self.visible_user(actor, id).await?.user;
        let mut errors = FieldErrors::new();
        let profile = self.parse_profile(input, &mut errors);
        let Some(profile) = profile else {
            return Err(errors.into());
        };
        errors.into_result()?;
        if id == actor.user && profile.role != Role::Administrator {
            return Err(FieldError::new("role", "err-own-admin-role").into());
        }
        self.check_placement(Some(actor), &profile).await?;
        let after = User {
            display_name: profile.display_name,
            unit: profile.unit,
            role: profile.role,
            scope: profile.scope,
            clearance: profile.clearance,
            language: profile.language,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_user(&before, &after).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Disables or re-enables a user. Disabling ends the user's sessions at
    /// once; their API tokens stop working while disabled.
    pub async fn set_user_disabled(
        &self,
        actor: Option<&Actor>,
        id: UserId,
        disabled: bool,
    ) -> Result<User, AppError> {
        let before = match actor {
            Some(a) => {
                a.require(Permission::ManageUsers)?;
                if a.user == id {
                    return Err(FieldError::new("user", "err-disable-self").into());
                }
                self.visible_user(a, id).await?.user
            }
            None => self.store.user(id).await?.ok_or(AppError::NotFound)?.user,
        };
        if before.is_active() != disabled {
            return Ok(before);
        }
        let after = User {
            disabled_at: if disabled { Some(self.now()) } else { None },
            ..before.clone()
        };
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.update_user(&before, &after).await?;
        if disabled {
            w.delete_sessions_of(id, "user_disabled").await?;
        }
        w.commit().await?;
        Ok(after)
    }

    /// Sets a new password for a user (given, or generated and returned),
    /// ends their sessions and clears their failed log-ins.
    pub async fn reset_password(
        &self,
        actor: Option<&Actor>,
        id: UserId,
        password: &str,
    ) -> Result<Option<String>, AppError> {
        let row = match actor {
            Some(a) => {
                a.require(Permission::ManageUsers)?;
                self.visible_user(a, id).await?
            }
            None => self.store.user(id).await?.ok_or(AppError::NotFound)?,
        };
        let (generated, parsed) = if password.is_empty() {
            let g = generate_password();
            let p = NewPassword::parse(&g, None)?;
            (Some(g), p)
        } else {
            (
                None,
                NewPassword::parse(password, Some(&row.user.username))?,
            )
        };
        let hash = hash_blocking(parsed).await?;
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.set_password(id, &hash, "reset_by_administrator").await?;
        w.delete_sessions_of(id, "password_reset").await?;
        w.commit().await?;
        self.store
            .clear_login_failures(row.user.username.as_str())
            .await?;
        Ok(generated)
    }

    /// Sets the acting user's own interface language.
    pub async fn set_own_language(&self, actor: &Actor, language: &str) -> Result<User, AppError> {
        let lang = Language::parse(language)?;
        let before = self
            .store
            .user(actor.user)
            .await?
            .ok_or(AppError::NotFound)?
            .user;
        if before.language == lang {
            return Ok(before);
        }
        let after = User {
            language: lang,
            ..before.clone()
        };
        let mut w = self.write_as(actor).await?;
        w.update_user(&before, &after).await?;
        w.commit().await?;
        Ok(after)
    }

    /// A user the actor may administer; anyone else is "not found", so
    /// administrators of one province cannot probe for users of another.
    pub async fn visible_user(&self, actor: &Actor, id: UserId) -> Result<UserRow, AppError> {
        actor.require(Permission::ManageUsers)?;
        let row = self.store.user(id).await?.ok_or(AppError::NotFound)?;
        if !self.may_administer_user(actor, id).await? {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    /// Users the actor may administer, filtered and paginated.
    pub async fn list_users(
        &self,
        actor: &Actor,
        mut filter: UserFilter,
    ) -> Result<(Vec<UserRow>, i64), AppError> {
        actor.require(Permission::ManageUsers)?;
        if let GeoScope::Provinces(set) = &actor.scope {
            filter.provinces = Some(set.iter().copied().collect());
        }
        Ok(self.store.users(&filter).await?)
    }

    /// Every user, for the command line (which acts as the system).
    pub async fn list_all_users(&self, include_disabled: bool) -> Result<Vec<UserRow>, AppError> {
        let (rows, _) = self
            .store
            .users(&UserFilter {
                include_disabled,
                limit: i64::MAX / 2,
                ..Default::default()
            })
            .await?;
        Ok(rows)
    }
}

impl App {
    /// The audit history of a record, if the actor may see the record:
    /// users and their tokens to the user themself and to administrators
    /// who may administer them; the installation's reference records
    /// (geography, organisations, units) to every user; anything else only
    /// to those who may read the whole audit log.
    ///
    /// A case or person created by a bulk load (an import or `dcis
    /// generate`) has the batch's `bulk_load` entry first: who loaded it,
    /// when, and the batch's id, with its details (counts, hashes, the
    /// file) withheld — they describe the whole batch, other records
    /// included.
    pub async fn history(
        &self,
        actor: &Actor,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Vec<dcis_domain::audit::AuditEntry>, AppError> {
        let allowed = match entity_type {
            "user" => match entity_id.parse::<UserId>() {
                Ok(id) => id == actor.user || self.may_administer_user(actor, id).await?,
                Err(_) => false,
            },
            "api_token" => match entity_id.parse() {
                Ok(tid) => match self.store.api_token(tid).await? {
                    Some(t) => {
                        t.user == actor.user || self.may_administer_user(actor, t.user).await?
                    }
                    None => false,
                },
                Err(_) => false,
            },
            "province" | "district" | "village" | "border_crossing" | "geo_boundary"
            | "organisation" | "unit" | "sharing_group" => actor.may(Permission::ViewGeography),
            kind if dcis_domain::access::RecordKind::parse(kind).is_some() => {
                match entity_id.parse() {
                    // A record's history (including who read and who received
                    // it) is for those who may read the record.
                    Ok(rid) => match self.decision(actor, rid).await {
                        Ok((_, d, _)) => d.read,
                        Err(AppError::NotFound) => false,
                        Err(e) => return Err(e),
                    },
                    Err(_) => false,
                }
            }
            _ => actor.may(Permission::ViewAuditLog),
        };
        if !allowed {
            return Err(AppError::NotFound);
        }
        let mut entries = self.store.audit_history(entity_type, entity_id).await?;
        if let (Some(kind), Ok(rid)) = (
            dcis_domain::access::RecordKind::parse(entity_type),
            entity_id.parse(),
        ) {
            if let Some(mut batch) = self.store.bulk_load_of(kind, rid).await? {
                batch.before = String::new();
                batch.after = serde_json::json!({ "details_withheld": true }).to_string();
                let at = entries.partition_point(|e| e.seq < batch.seq);
                entries.insert(at, batch);
            }
        }
        if entity_type == crate::access::EXPORT_ENTITY {
            let f = self.readable_filter(actor).await?;
            self.withhold_export_details(actor, &f, &mut entries)
                .await?;
        }
        Ok(entries)
    }
}
