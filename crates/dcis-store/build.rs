//! `sqlx::migrate!` embeds the migrations when the crate compiles, but on
//! stable Rust it cannot tell cargo to watch them: without this, adding a
//! migration leaves a build that does not apply it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
