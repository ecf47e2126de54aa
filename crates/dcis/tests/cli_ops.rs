//! The command line as an operator uses it: init, serve, audit verify,
//! user management, backup, and the ways starting can fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

const ADMIN_PASSWORD: &str = "opening-day-password-2026";

/// `dcis init` with a password on standard input; returns its output.
fn init(d: &Database) -> String {
    let (code, out, err) = d.cli(
        &["init", "--name", "Test office", "--password-stdin"],
        Some(&format!("{ADMIN_PASSWORD}\n")),
    );
    assert_eq!(code, 0, "init failed: {out}{err}");
    out
}

async fn can_log_in(s: &Server, username: &str, password: &str) -> bool {
    let (c, csrf) = login_page(s).await;
    match submit_login(&c, s, &csrf, username, password)
        .await
        .status()
        .as_u16()
    {
        303 => true,
        401 => false,
        other => panic!("log-in of {username} answered {other}"),
    }
}

async fn init_then_serve(db: Db) {
    let d = Database::new(db).await;
    // A password that breaks the policy is refused before anything is
    // written: no half-made installation without its administrator.
    let (code, out, err) = d.cli(&["init", "--password-stdin"], Some("short\n"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("Password: At least 12 characters"), "{err}");
    let (code, _, err) = d.cli(&["user", "list"], None);
    assert_ne!(code, 0, "the database was left uninitialised");
    assert!(err.contains("dcis init"), "{err}");
    let out = init(&d);
    assert!(out.contains("initialised installation"), "{out}");
    assert!(out.contains("administrator: admin"), "{out}");
    assert!(!out.contains("generated password"), "{out}");
    assert!(!out.contains(ADMIN_PASSWORD), "the password is not echoed");
    if db == Db::Postgres {
        assert!(
            !out.contains(":dcis@"),
            "the database password is not printed: {out}"
        );
    }
    assert_eq!(d.count("installation", "name = 'Test office'").await, 1);
    assert_eq!(d.count("province", "1 = 1").await, 18);
    assert_eq!(d.count("district", "1 = 1").await, 148);
    assert_eq!(d.count("app_user", "1 = 1").await, 1);
    assert_eq!(
        d.count(
            "app_user",
            "username = 'admin' AND role = 'administrator' AND scope = 'national'"
        )
        .await,
        1
    );
    let audit = d.count("audit_entry", "1 = 1").await;
    assert!(audit > 18 + 148, "the geography load is audited: {audit}");

    // A second init changes nothing.
    let (code, out, err) = d.cli(
        &["init", "--password-stdin"],
        Some("another-password-2026\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("already initialised"), "{out}{err}");
    assert_eq!(d.count("installation", "1 = 1").await, 1);
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit);

    // `migrate` on an up-to-date database applies nothing.
    let (code, out, err) = d.cli(&["migrate"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("database schema at version"), "{out}");

    // Serving: the administrator logs in with the chosen password, and
    // serving again loads nothing new.
    let s = Server::start(&d);
    assert!(!can_log_in(&s, "admin", "wrong-password-here").await);
    let (c, _) = login(&s, "admin", ADMIN_PASSWORD).await;
    let me = api_get(&c, &s, "/api/v1/me").await;
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "administrator");
    drop(s);
    let s = Server::start(&d);
    assert!(can_log_in(&s, "admin", ADMIN_PASSWORD).await);
    // Two log-ins are the only new audit entries: the geography was not rewritten.
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit + 2);

    // Without a password, init generates one and shows it once.
    let d2 = Database::new(db).await;
    let (code, out, err) = d2.cli(&["init", "--admin", "chief", "--admin-name", "Chief"], None);
    assert_eq!(code, 0, "{out}{err}");
    let generated = out
        .lines()
        .find_map(|l| l.split("write it down): ").nth(1))
        .unwrap_or_else(|| panic!("no generated password in: {out}"))
        .trim()
        .to_owned();
    let s2 = Server::start(&d2);
    assert!(can_log_in(&s2, "chief", &generated).await);
}
both_backends!(init_then_serve);

async fn audit_verify_detects_edits(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let n = d.count("audit_entry", "1 = 1").await;
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("audit chain intact: {n} entries verified")),
        "{out}"
    );

    // The API and the page verify the same chain.
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", ADMIN_PASSWORD).await;
    let v = json_of(
        api_post(&c, &s, &csrf, "/api/v1/audit/verify", &json!({})).await,
        200,
    )
    .await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(
        v["entries"].as_i64(),
        Some(d.count("audit_entry", "1 = 1").await)
    );

    // An entry edited behind dcis's back.
    assert_eq!(
        d.execute("UPDATE audit_entry SET after_json = '{}' WHERE seq = 3")
            .await,
        1
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("audit chain BROKEN"), "{out}");
    assert!(out.contains("entry 3 was edited"), "{out}");
    let v = json_of(
        api_post(&c, &s, &csrf, "/api/v1/audit/verify", &json!({})).await,
        200,
    )
    .await;
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["message"].as_str().unwrap().contains("entry 3 "), "{v}");
    let page = post_form(&c, &s, &csrf, "/admin/audit/verify", &[]).await;
    assert!(page.status().is_success(), "{}", page.status());

    // Editing a field the hash covers in another way is caught as well.
    let d2 = Database::new(db).await;
    init(&d2);
    assert_eq!(
        d2.execute("UPDATE audit_entry SET actor_name = 'someone else' WHERE seq = 5")
            .await,
        1
    );
    let (code, out, _) = d2.cli(&["audit", "verify"], None);
    assert_eq!(code, 2);
    assert!(out.contains("entry 5 was edited"), "{out}");
}
both_backends!(audit_verify_detects_edits);

async fn audit_verify_detects_deletions(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let last = d.scalar_i64("SELECT MAX(seq) FROM audit_entry").await;
    assert!(last > 10);

    // The newest entry removed: the head still records it.
    assert_eq!(
        d.execute(&format!("DELETE FROM audit_entry WHERE seq = {last}"))
            .await,
        1
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains(&format!("entries after {} were deleted", last - 1)),
        "{out}"
    );

    // An entry in the middle removed: named at the first entry that no
    // longer follows its predecessor (reported before the truncation).
    assert_eq!(d.execute("DELETE FROM audit_entry WHERE seq = 3").await, 1);
    let (code, out, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 2);
    assert!(out.contains("entry 4 does not follow entry 2"), "{out}");

    // An entry inserted past the head, even a copy of a genuine one.
    let d2 = Database::new(db).await;
    init(&d2);
    let head = d2
        .scalar_i64("SELECT seq FROM audit_head WHERE id = 1")
        .await;
    let (code, _, _) = d2.cli(&["audit", "verify"], None);
    assert_eq!(code, 0);
    d2.execute(&format!(
        "INSERT INTO audit_entry (seq, id, at, installation_id, actor_id, actor_name, action, entity_type, \
         entity_id, before_json, after_json, prev_hash, hash) \
         SELECT seq + 1, id || '-copy', at, installation_id, actor_id, actor_name, action, entity_type, \
         entity_id, before_json, after_json, hash, hash FROM audit_entry WHERE seq = {head}"
    ))
    .await;
    let (code, out, _) = d2.cli(&["audit", "verify"], None);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("entry {}", head + 1)), "{out}");
}
both_backends!(audit_verify_detects_deletions);

fn generated_in(out: &str) -> String {
    out.lines()
        .find_map(|l| l.split("(shown once): ").nth(1))
        .unwrap_or_else(|| panic!("no generated password in: {out}"))
        .trim()
        .to_owned()
}

async fn user_commands(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let s = Server::start(&d);
    let password = "field-agent-password-1";

    // add
    let (code, out, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "field.agent",
            "--display-name",
            "Field Agent",
            "--unit",
            "LCDC/System administration",
            "--role",
            "analyst",
            "--scope",
            "01,05",
            "--clearance",
            "confidential",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    assert_eq!(code, 0, "{out}{err}");
    let id = d.user_id("field.agent").await;
    assert!(
        out.contains(&format!("added user field.agent ({id})")),
        "{out}"
    );
    assert_eq!(
        d.count("app_user", &format!("id = '{id}' AND role = 'analyst' AND scope = '01,05' AND clearance = 'confidential'"))
            .await,
        1
    );
    assert_eq!(
        d.count(
            "audit_entry",
            &format!("entity_id = '{id}' AND action = 'create' AND actor_name = 'system'")
        )
        .await,
        1
    );
    assert!(can_log_in(&s, "field.agent", password).await);
    // add: refusals, with reasons.
    let (code, _, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "field.agent",
            "--display-name",
            "Again",
            "--unit",
            "LCDC/System administration",
            "--role",
            "analyst",
        ],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("already taken"), "{err}");
    let (code, _, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "nowhere",
            "--display-name",
            "Nowhere",
            "--unit",
            "LCDC/No such unit",
            "--role",
            "analyst",
        ],
        None,
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("System administration"),
        "the existing units are listed: {err}"
    );
    let (code, _, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "Bad Name",
            "--display-name",
            "",
            "--unit",
            "LCDC/System administration",
            "--role",
            "king",
        ],
        None,
    );
    assert_ne!(code, 0);
    // Every bad field is named, in words rather than message keys.
    for expected in ["User name:", "Display name: Required.", "Role: \"king\""] {
        assert!(err.contains(expected), "{expected} missing in {err}");
    }
    assert!(!err.contains("err-"), "{err}");
    assert_eq!(d.count("app_user", "1 = 1").await, 2);

    // list
    let (code, out, _) = d.cli(&["user", "list"], None);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("admin ") && l.contains("administrator")),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("field.agent ")
            && l.contains("01,05")
            && l.contains("Field Agent")),
        "{out}"
    );

    // disable: the open session ends, log-in fails, the list hides the user.
    let (agent, _) = login(&s, "field.agent", password).await;
    assert_eq!(
        agent.get(s.url("/account")).send().await.unwrap().status(),
        200
    );
    let (code, out, err) = d.cli(&["user", "disable", "field.agent"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{id}' AND disabled_at IS NOT NULL")
        )
        .await,
        1
    );
    assert_eq!(d.count("session", &format!("user_id = '{id}'")).await, 0);
    assert_eq!(
        agent.get(s.url("/account")).send().await.unwrap().status(),
        303
    );
    assert!(!can_log_in(&s, "field.agent", password).await);
    let (_, out, _) = d.cli(&["user", "list"], None);
    assert!(!out.contains("field.agent"), "{out}");
    let (_, out, _) = d.cli(&["user", "list", "--all"], None);
    assert!(
        out.lines()
            .any(|l| l.starts_with("field.agent ") && l.contains("[disabled]")),
        "{out}"
    );

    // enable
    let (code, _, _) = d.cli(&["user", "enable", "field.agent"], None);
    assert_eq!(code, 0);
    assert!(can_log_in(&s, "field.agent", password).await);

    // reset-password: generated, then given.
    let (agent, _) = login(&s, "field.agent", password).await;
    let (code, out, err) = d.cli(&["user", "reset-password", "field.agent"], None);
    assert_eq!(code, 0, "{out}{err}");
    let generated = generated_in(&out);
    assert_eq!(
        agent.get(s.url("/account")).send().await.unwrap().status(),
        303,
        "sessions end on reset"
    );
    assert!(!can_log_in(&s, "field.agent", password).await);
    assert!(can_log_in(&s, "field.agent", &generated).await);
    let (code, out, _) = d.cli(
        &["user", "reset-password", "field.agent", "--password-stdin"],
        Some("chosen-by-operator-9\n"),
    );
    assert_eq!(code, 0);
    assert!(!out.contains("generated"), "{out}");
    assert!(!can_log_in(&s, "field.agent", &generated).await);
    assert!(can_log_in(&s, "field.agent", "chosen-by-operator-9").await);
    // A weak password is refused.
    let (code, _, err) = d.cli(
        &["user", "reset-password", "field.agent", "--password-stdin"],
        Some("short\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("Password: At least 12 characters"), "{err}");

    // Unknown users are named.
    for cmd in ["disable", "enable", "reset-password"] {
        let (code, _, err) = d.cli(&["user", cmd, "nobody.here"], None);
        assert_ne!(code, 0, "{cmd}");
        assert!(err.contains("no user named nobody.here"), "{cmd}: {err}");
    }
    // The chain is intact after all of it.
    let (code, out, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
}
both_backends!(user_commands);

async fn backup_while_serving(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let unit = d.unit_id("LCDC", "Secretariat").await;
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "before.backup", "display_name": "Before Backup", "unit": unit,
                "role": "analyst", "scope": "national", "clearance": "restricted"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let users = d.count("app_user", "1 = 1").await;
    let entries = d.count("audit_entry", "1 = 1").await;

    let file = d.dir.join("backup.dump");
    let path = file.to_str().unwrap();
    let (code, out, err) = d.cli(&["backup", path], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("backup written to"), "{out}");
    assert!(std::fs::metadata(&file).unwrap().len() > 0);
    // The server goes on serving, and writing.
    assert_eq!(c.get(s.url("/account")).send().await.unwrap().status(), 200);
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "after.backup", "display_name": "After Backup", "unit": unit,
                "role": "analyst", "scope": "national", "clearance": "restricted"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    // A backup never overwrites a file.
    let (code, _, err) = d.cli(&["backup", path], None);
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");

    // The copy is a working database with an intact chain as of the backup.
    let mut restored_db = None;
    let restored_url = match db {
        Db::Sqlite => format!("sqlite://{path}"),
        Db::Postgres => {
            let target = Database::new(Db::Postgres).await;
            let out = std::process::Command::new("pg_restore")
                .args([
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    &target.url,
                    path,
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let url = target.url.clone();
            restored_db = Some(target);
            url
        }
    };
    let dir = d.dir.to_str().unwrap();
    let (code, out, err) = dcis(
        &[
            "--data-dir",
            dir,
            "--database-url",
            &restored_url,
            "audit",
            "verify",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("audit chain intact: {entries} entries verified")),
        "{out}"
    );
    assert_eq!(
        query_i64(&restored_url, "SELECT COUNT(*) FROM app_user").await,
        users
    );
    assert_eq!(
        query_i64(
            &restored_url,
            "SELECT COUNT(*) FROM app_user WHERE username = 'before.backup'"
        )
        .await,
        1
    );
    assert_eq!(
        query_i64(
            &restored_url,
            "SELECT COUNT(*) FROM app_user WHERE username = 'after.backup'"
        )
        .await,
        0
    );
    let (code, out, _) = dcis(
        &[
            "--data-dir",
            dir,
            "--database-url",
            &restored_url,
            "user",
            "list",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("before.backup"), "{out}");
    drop(restored_db);
}
both_backends!(backup_while_serving);

async fn port_already_taken(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = holder.local_addr().unwrap().to_string();
    let (code, out, err) = d.cli(&["serve", "--listen", &addr], None);
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("cannot listen on"), "{err}");
    assert!(err.contains(&addr), "{err}");
    assert!(err.contains("already in use"), "{err}");
    assert!(!out.contains("dcis listening"), "{out}");
    drop(holder);
}
both_backends!(port_already_taken);

async fn missing_database(db: Db) {
    let d = Database::new(db).await;
    for args in [
        &["serve", "--listen", "127.0.0.1:0"][..],
        &["audit", "verify"][..],
        &["user", "list"][..],
    ] {
        let (code, out, err) = d.cli(args, None);
        assert_ne!(code, 0, "{args:?}: {out}{err}");
        assert!(err.contains("dcis init"), "{args:?}: {err}");
        assert!(!out.contains("dcis listening"), "{out}");
    }
    match db {
        Db::Sqlite => assert!(!d.dir.join("dcis.sqlite3").exists(), "a refused start created the database file"),
        // An empty PostgreSQL database stays empty: no schema was applied.
        Db::Postgres => assert_eq!(
            d.scalar_i64("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()").await,
            0
        ),
    }
    // init then works on the same database.
    init(&d);
    let (code, _, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0);
}
both_backends!(missing_database);

async fn newer_schema_is_refused(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let insert = match db {
        Db::Sqlite => {
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101000000, 'from a newer dcis', CURRENT_TIMESTAMP, 1, X'00', 0)"
        }
        Db::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101000000, 'from a newer dcis', now(), TRUE, decode('00', 'hex'), 0)"
        }
    };
    let migrations = d.count("_sqlx_migrations", "1 = 1").await;
    assert_eq!(d.execute(insert).await, 1);
    let entries = d.count("audit_entry", "1 = 1").await;
    for args in [
        &["serve", "--listen", "127.0.0.1:0"][..],
        &["migrate"][..],
        &["audit", "verify"][..],
        &["user", "list"][..],
    ] {
        let (code, out, err) = d.cli(args, None);
        assert_ne!(code, 0, "{args:?}: {out}{err}");
        assert!(
            err.contains("newer than this dcis knows"),
            "{args:?}: {err}"
        );
        assert!(!out.contains("dcis listening"), "{out}");
    }
    // Nothing was touched.
    assert_eq!(d.count("_sqlx_migrations", "1 = 1").await, migrations + 1);
    assert_eq!(d.count("audit_entry", "1 = 1").await, entries);
}
both_backends!(newer_schema_is_refused);

#[test]
fn data_dir_not_writable() {
    let base = std::env::temp_dir().join(format!("dcis-test-nowrite-{}", std::process::id()));
    std::fs::create_dir_all(&base).unwrap();
    // As root no permission stops us, so the "directory" is a regular file.
    let blocker = base.join("not-a-directory");
    std::fs::write(&blocker, b"a file").unwrap();
    let inside = blocker.join("sub");
    let (b, i) = (blocker.to_str().unwrap(), inside.to_str().unwrap());

    let (code, out, err) = dcis(
        &["--data-dir", b, "init", "--password-stdin"],
        Some("opening-day-password-2026\n"),
    );
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("not writable"), "{err}");
    assert!(err.contains(b), "the message names the directory: {err}");

    let (code, out, err) = dcis(
        &["--data-dir", i, "init", "--password-stdin"],
        Some("opening-day-password-2026\n"),
    );
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("cannot create the data directory"), "{err}");
    assert!(err.contains(i), "{err}");

    let (code, out, err) = dcis(&["--data-dir", i, "serve", "--listen", "127.0.0.1:0"], None);
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("dcis init"), "{err}");

    assert_eq!(
        std::fs::read(&blocker).unwrap(),
        b"a file",
        "the file was left alone"
    );
    std::fs::remove_dir_all(&base).unwrap();
}

async fn graceful_shutdown(db: Db) {
    let d = Database::new(db).await;
    init(&d);
    let mut s = Server::start(&d);
    let (c, _) = login(&s, "admin", ADMIN_PASSWORD).await;
    assert_eq!(c.get(s.url("/account")).send().await.unwrap().status(), 200);
    let pid = s.child.id();

    // A watchdog turns a hang into a failure instead of a stuck test.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while std::time::Instant::now() < deadline {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::park_timeout(std::time::Duration::from_millis(200));
            }
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        })
    };
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::block_in_place(|| s.child.wait()).unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.thread().unpark();
    watchdog.join().unwrap();
    assert!(
        status.success(),
        "dcis exited with {status:?} on SIGTERM\n{}",
        s.log()
    );
    assert_eq!(status.code(), Some(0));
    let log = s.log();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("dcis stopped"), "{log}");
    // The port is closed.
    let addr = s.base.trim_start_matches("http://").to_owned();
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "still listening on {addr}"
    );
    // The database is fine and the session survived the restart.
    let (code, out, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
    // Sessions live in the database: the same cookie works after a restart
    // (cookies are not bound to a port).
    let s2 = Server::start(&d);
    assert_eq!(
        c.get(s2.url("/account")).send().await.unwrap().status(),
        200
    );
}
both_backends!(graceful_shutdown);
