//! Running the HTTP server: bind, serve, shut down gracefully.

use crate::config::Settings;
use anyhow::{Context, Result};
use dcis_app::App;
use dcis_web::{AppState, WebConfig};
use tokio::net::TcpListener;

pub async fn run(app: App, settings: &Settings, demo: bool) -> Result<()> {
    let listener = TcpListener::bind(&settings.listen).await.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                "the port is already in use by another program; choose another with --listen"
            }
            std::io::ErrorKind::PermissionDenied => {
                "permission denied; ports below 1024 need privileges"
            }
            std::io::ErrorKind::AddrNotAvailable => "this machine has no such address",
            _ => "check the --listen address",
        };
        anyhow::anyhow!("cannot listen on {}: {e} ({hint})", settings.listen)
    })?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let web = WebConfig {
        secure_cookies: settings
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        body_limit: settings.body_limit,
        request_timeout: settings.request_timeout,
        demo_banner: demo.then(|| format!("admin / {}", dcis_app::setup::DEMO_PASSWORD)),
        ..WebConfig::default()
    };
    let state = AppState::new(app.clone(), web).context("loading the message catalogues")?;

    // Housekeeping: expired sessions and old failed log-ins.
    let housekeeping = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
            loop {
                tick.tick().await;
                match app.prune(app.now()).await {
                    Ok((s, f)) if s + f > 0 => tracing::info!(sessions = s, failures = f, "pruned"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                }
            }
        })
    };

    // The early-warning rules, on their schedule. The first run is one
    // interval after start, not at start: imports and `dcis generate` run
    // the rules themselves, and a run racing the first requests would make
    // what a fresh server has audited depend on timing.
    let alerts = settings.alerts_interval.map(|every| {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                app.run_alerts_logged("schedule").await;
            }
        })
    });

    tracing::info!(%addr, backend = app.store.backend().name(), "dcis listening");
    // The line tests and scripts wait for; printed once the socket is bound.
    println!("dcis listening on http://{addr}");
    dcis_web::serve(listener, state, shutdown_signal())
        .await
        .context("the HTTP server failed")?;
    housekeeping.abort();
    if let Some(a) = alerts {
        a.abort();
    }
    app.store.close().await;
    tracing::info!("dcis stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
