//! Acting as a named user from the command line (`dcis import --user`):
//! the operator who runs the binary on the server names the user the
//! records are for, and the policy sees that user exactly as after a
//! log-in.

use crate::error::AppError;
use crate::App;
use dcis_domain::user::UserName;
use dcis_domain::FieldError;
use dcis_policy::Actor;

impl App {
    /// The actor of the user named `username`, built as at log-in
    /// ([`App::actor_for`], no token). An unknown name and a disabled
    /// account are errors on the field `user`: a disabled user may not act,
    /// even through the command line.
    pub async fn actor_for_username(&self, username: &str) -> Result<Actor, AppError> {
        let name = UserName::parse(username).map_err(|e| FieldError { field: "user", ..e })?;
        let row = self.store.user_by_name(&name).await?.ok_or_else(|| {
            AppError::from(FieldError::new("user", "err-user-unknown").with("value", name.as_str()))
        })?;
        if !row.user.is_active() {
            return Err(FieldError::new("user", "err-user-disabled")
                .with("value", name.as_str())
                .into());
        }
        self.actor_for(&row.user, None).await
    }
}
