//! [`MockServer`]: a running mock, bound to a local port.

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{DEFAULT_ACCOUNT_ID, MAX_HISTORY, MockConfig};
use crate::faults::{FaultRule, FaultSet};
use crate::history;
use crate::routes;
use crate::state::{AppState, ReceivedRequest, Store, lock};
use crate::validation::parse_uuid;

/// A running mock server. Dropping it stops the server: it stops accepting
/// connections, open long polls answer 503 at once, and connections close
/// once their current request is answered.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` and an ephemeral port, on the current
    /// tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        Self::bind(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a server on `addr` (port 0: an ephemeral port), on the current
    /// tokio runtime. Fails with [`io::ErrorKind::InvalidInput`] on an
    /// invalid configuration (speed not finite and positive, an account id
    /// that is not a hyphenated UUID, a history of more than 100 000
    /// sessions, a fault rule that [`FaultRule::validate`] refuses); fails
    /// when no tokio runtime is running, or when the address cannot be
    /// bound.
    pub async fn bind(config: MockConfig, addr: SocketAddr) -> io::Result<MockServer> {
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        if !config.speed.is_finite() || config.speed <= 0.0 {
            return Err(invalid(format!(
                "speed must be a finite number > 0, not {}",
                config.speed
            )));
        }
        if parse_uuid(&config.account_id).is_none() {
            return Err(invalid(format!(
                "account id {:?} is not a UUID (like {DEFAULT_ACCOUNT_ID})",
                config.account_id
            )));
        }
        if config.history > MAX_HISTORY {
            return Err(invalid(format!(
                "history must be at most {MAX_HISTORY} sessions, not {}",
                config.history
            )));
        }
        let mut faults = FaultSet::default();
        for rule in config.faults {
            rule.validate().map_err(invalid)?;
            faults.add(rule);
        }
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| io::Error::other(format!("no tokio runtime: {e}")))?;

        let started = Utc::now();
        let mut store = Store::default();
        for session in history::generate(config.history, &config.catalog, started) {
            store.insert_test_session(session);
        }
        let (stop, stopped) = watch::channel(false);
        let (changes, _) = watch::channel(0u64);
        let state = Arc::new(AppState {
            api_key: config.api_key,
            account_id: config.account_id,
            speed: config.speed,
            catalog: config.catalog,
            started,
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            received: Mutex::new(VecDeque::new()),
            changes,
            shutdown: stopped.clone(),
        });

        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = routes::router(state.clone());
        let mut signal = stopped;
        let task = runtime.spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = signal.wait_for(|stop| *stop).await;
                })
                .await
        });
        Ok(MockServer {
            addr,
            state,
            stop,
            task: Some(task),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.state.api_key
    }

    /// The account id the server accepts.
    pub fn account_id(&self) -> &str {
        &self.state.account_id
    }

    /// The requests received so far, oldest first, without the `/__mock`
    /// admin requests (the log keeps the last 10 000).
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.received).iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_received(&self) {
        lock(&self.state.received).clear();
    }

    /// Adds a fault rule after the ones in force. It is not checked: a
    /// `status` fault with a status [`FaultRule::validate`] refuses answers
    /// 500, and a retry-after that is no valid header value is left out.
    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.state.faults).add(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Serves until the server stops (for a binary: forever, or until the
    /// future is dropped, which drops and stops the server).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
