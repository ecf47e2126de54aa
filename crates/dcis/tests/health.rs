//! Health endpoints, security headers, page weight over the wire, and the
//! embedded Lao font.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

async fn health_endpoints(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let c = bare_client();
    for path in ["/healthz", "/readyz"] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            header(&r, "content-type").starts_with("text/plain"),
            "{path}"
        );
        assert!(!r.text().await.unwrap().is_empty());
    }
    // Neither needs nor sets a session.
    let r = c
        .get(s.url("/readyz"))
        .header("cookie", "dcis_session=garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(set_cookies(&r).is_empty());
}
both_backends!(health_endpoints);

async fn security_headers(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, _) = login(&s, "admin", DEMO_PASSWORD).await;
    let anon = bare_client();
    let responses = vec![
        (
            "login page",
            anon.get(s.url("/login")).send().await.unwrap(),
        ),
        ("home page", c.get(s.url("/")).send().await.unwrap()),
        (
            "admin page",
            c.get(s.url("/admin/users")).send().await.unwrap(),
        ),
        (
            "error page",
            anon.get(s.url("/nowhere")).send().await.unwrap(),
        ),
        ("API", c.get(s.url("/api/v1/me")).send().await.unwrap()),
    ];
    for (what, r) in &responses {
        let csp = header(r, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{what}: {csp}"
        );
        assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header(r, "x-frame-options"), "DENY", "{what}");
        assert!(!header(r, "referrer-policy").is_empty(), "{what}");
    }
    // Pages with personal data are not cached.
    let home = &responses[1].1;
    assert!(header(home, "cache-control").contains("no-store"));

    // The CSP forbids inline script and style, so pages must have none.
    for path in [
        "/",
        "/account",
        "/admin/users",
        "/admin/users/new",
        "/geography",
        "/geography/border-crossings",
    ] {
        let html = c
            .get(s.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let scripts = html.matches("<script").count();
        assert_eq!(
            scripts,
            html.matches("<script src=").count(),
            "{path} has an inline script"
        );
        assert!(!html.contains("<style"), "{path} has an inline style block");
        assert!(
            !html.contains(" style=\""),
            "{path} has an inline style attribute"
        );
        assert!(
            !html.contains(" onclick="),
            "{path} has an inline event handler"
        );
    }
}
both_backends!(security_headers);

/// The `href`/`src` value following each occurrence of `attr=` after `tag`.
fn references(html: &str, tag: &str, attr: &str) -> Vec<String> {
    html.split(tag)
        .skip(1)
        .filter_map(|chunk| {
            let start = chunk.find(&format!("{attr}=\""))? + attr.len() + 2;
            let end = chunk[start..].find('"')? + start;
            Some(chunk[start..end].to_owned())
        })
        .collect()
}

/// The bytes that actually cross the wire for `path` with gzip accepted.
async fn wire_size(c: &reqwest::Client, s: &Server, path: &str) -> (usize, String, String) {
    let r = c
        .get(s.url(path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let encoding = header(&r, "content-encoding");
    let ct = header(&r, "content-type");
    let body = r.bytes().await.unwrap();
    (body.len(), encoding, ct)
}

async fn login_page_weight(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    // reqwest has no gzip feature here: it neither asks for nor decodes
    // compression, so the body read is what was sent.
    let c = bare_client();
    let plain = c.get(s.url("/login")).send().await.unwrap();
    assert!(header(&plain, "content-encoding").is_empty());
    let html = plain.text().await.unwrap();

    let (page, encoding, _) = wire_size(&c, &s, "/login").await;
    assert_eq!(encoding, "gzip", "the log-in page is compressed");
    assert!(page < html.len(), "compression made the page smaller");
    let mut total = page;
    let mut parts = vec![("/login".to_owned(), page)];

    let css = references(&html, "<link rel=\"stylesheet\"", "href");
    let js = references(&html, "<script", "src");
    assert!(
        !css.is_empty() && !js.is_empty(),
        "the page has its CSS and JS"
    );
    let mut fonts = Vec::new();
    for path in css.iter().chain(js.iter()) {
        assert!(
            path.starts_with("/assets/"),
            "everything is served locally: {path}"
        );
        let (n, _, _) = wire_size(&c, &s, path).await;
        total += n;
        parts.push((path.clone(), n));
        if css.contains(path) {
            let text = c
                .get(s.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            fonts.extend(
                text.split("url(\"")
                    .skip(1)
                    .filter_map(|x| x.split('"').next())
                    .map(str::to_owned),
            );
        }
    }
    // The fonts the stylesheet loads count too.
    assert!(fonts.iter().any(|f| f.contains("NotoSansLao")), "{fonts:?}");
    for path in &fonts {
        let (n, _, ct) = wire_size(&c, &s, path).await;
        assert_eq!(ct, "font/woff2", "{path}");
        total += n;
        parts.push((path.clone(), n));
    }
    assert!(
        total < 200 * 1024,
        "the log-in page weighs {total} bytes over the wire: {parts:?}"
    );
}
both_backends!(login_page_weight);

async fn lao_font(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let c = bare_client();
    let r = c
        .get(s.url("/assets/NotoSansLao-Regular.woff2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "font/woff2");
    assert!(header(&r, "cache-control").contains("max-age"));
    let etag = header(&r, "etag");
    assert!(!etag.is_empty());
    let body = r.bytes().await.unwrap();
    // The very file shipped in the repository.
    let file = std::fs::read(repo_root().join("assets/fonts/NotoSansLao-Regular.woff2")).unwrap();
    assert_eq!(&body[..4], b"wOF2");
    assert_eq!(body.len(), file.len());
    assert!(body.as_ref() == file.as_slice());
    // Revalidation answers 304 without the body.
    let r = c
        .get(s.url("/assets/NotoSansLao-Regular.woff2"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert!(r.bytes().await.unwrap().is_empty());
    // Assets are public: no log-in needed, no cookie set.
    let r = c
        .get(s.url("/assets/NotoSansLao-Bold.woff2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(set_cookies(&r).is_empty());
    // The Lao pages use it.
    let css = c
        .get(s.url("/assets/dcis.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("/assets/NotoSansLao-Regular.woff2"));
}
both_backends!(lao_font);
