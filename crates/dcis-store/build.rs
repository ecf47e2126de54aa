//! The migrations are embedded by `sqlx::migrate!`, which cargo cannot see: without this, a new
//! or edited migration file would not rebuild the crate, and a cached build would run without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
