//! The HTTP face of dcis: server-rendered pages (askama templates, usable
//! without JavaScript), the JSON API under `/api/v1`, health endpoints and
//! embedded assets. Only this crate knows HTTP.
//!
//! Request flow: security headers, compression, timeout and body limit
//! wrap everything; the `identify` middleware resolves the session cookie or
//! API token into an [`auth::Viewer`]; the `csrf` middleware refuses any
//! state-changing page request without the session's token; handlers call
//! `dcis_app` use cases, which apply the policy and audit.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod imports;
pub mod middleware;
pub mod pages;

/// The highest page number a list accepts: far past any list (a million
/// pages of 50), low enough that offsets computed from it never overflow.
pub const MAX_PAGE: i64 = 1_000_000;

/// The page number asked for, within 1..=[`MAX_PAGE`] (absent: the first).
pub fn page_number(asked: Option<i64>) -> i64 {
    asked.unwrap_or(1).clamp(1, MAX_PAGE)
}

use axum::Router;
use dcis_app::App;
use dcis_i18n::Catalogue;
use std::sync::Arc;
use std::time::Duration;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when served over TLS, directly or behind a
    /// TLS-terminating proxy).
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The largest file upload accepted (imports), in bytes.
    pub upload_limit: usize,
    /// The longest a request may take before it is answered with 408/503.
    pub request_timeout: Duration,
    /// Shown on the log-in page of demo instances.
    pub demo_banner: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            body_limit: 2 * 1024 * 1024,
            upload_limit: dcis_import::table::MAX_BYTES + 64 * 1024,
            request_timeout: Duration::from_secs(30),
            demo_banner: None,
        }
    }
}

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub catalogue: Arc<Catalogue>,
    pub config: Arc<WebConfig>,
    pub imports: Arc<imports::ImportJobs>,
}

/// Builds the whole HTTP application.
pub fn router(state: AppState) -> Router {
    let pages = pages::routes();
    let api = api::routes();
    let router = Router::new()
        .merge(pages)
        .nest("/api/v1", api)
        .route("/api/openapi.json", axum::routing::get(api::openapi::serve))
        .merge(assets::routes())
        .route("/healthz", axum::routing::get(middleware::healthz))
        .route("/readyz", axum::routing::get(middleware::readyz))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::identify,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::outer_errors,
        ));
    middleware::apply_common(router, &state.config).with_state(state)
}

impl AppState {
    /// Builds the state, loading the message catalogues.
    pub fn new(app: App, config: WebConfig) -> Result<Self, dcis_i18n::CatalogueError> {
        Ok(Self {
            app,
            catalogue: Arc::new(Catalogue::load()?),
            config: Arc::new(config),
            imports: Arc::default(),
        })
    }
}

/// Serves the application on `listener` until `shutdown` resolves, then
/// lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
