//! Static assets embedded in the binary: offices may be offline, so
//! nothing is fetched from elsewhere at run time.

use crate::AppState;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "dcis.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/dcis.css"),
    },
    Asset {
        name: "dcis.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/dcis.js"),
    },
    Asset {
        name: "analysis.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/analysis.js"),
    },
    // Apache ECharts 6.0.0 from npm (dist/echarts.min.js), pinned and
    // vendored by scripts/vendor-echarts; Apache-2.0.
    Asset {
        name: "echarts.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/vendor/echarts.min.js"),
    },
    Asset {
        name: "LICENSE-echarts.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../static/vendor/LICENSE-echarts.txt"),
    },
    Asset {
        name: "NotoSansLao-Regular.woff2",
        content_type: "font/woff2",
        bytes: include_bytes!("../../../assets/fonts/NotoSansLao-Regular.woff2"),
    },
    Asset {
        name: "NotoSansLao-Bold.woff2",
        content_type: "font/woff2",
        bytes: include_bytes!("../../../assets/fonts/NotoSansLao-Bold.woff2"),
    },
    Asset {
        name: "LICENSE-NotoSansLao.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../../assets/fonts/LICENSE-NotoSansLao.txt"),
    },
];

/// A short content hash, used as ETag and as the `?v=` cache-buster.
fn etag(bytes: &[u8]) -> String {
    // FNV-1a: enough to tell versions of our own files apart.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// The URL of an asset with its version, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => format!("/assets/{}?v={}", a.name, &etag(a.bytes)[..8]),
        None => format!("/assets/{name}"),
    }
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = format!("\"{}\"", etag(a.bytes));
    let cache = HeaderValue::from_static("public, max-age=604800");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(tag.as_str())
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (
                    header::CACHE_CONTROL,
                    cache.to_str().unwrap_or("").to_owned(),
                ),
            ],
        )
            .into_response();
    }
    let mut r = a.bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    h.insert(header::CACHE_CONTROL, cache);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    r
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(serve))
}
