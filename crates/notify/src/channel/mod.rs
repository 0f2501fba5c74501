//! The channels that reach a person: a webhook and ntfy, over HTTP.
//!
//! Both work the same way, so they share this module: one worker task per
//! channel takes the oldest event from its [`Queue`], sends it in one HTTP
//! request, and on failure waits ([`Backoff`]) and sends again, up to
//! `attempts` times. A 4xx answer (other than 408 and 429) means the request
//! itself is wrong: it is dropped at once, since retrying cannot help.
//!
//! Every request has a timeout ([`HttpOptions`]): a receiver that accepts
//! the connection and then never answers holds its own worker for that
//! long, and nothing else; the server's threads only ever push to the queue.
//!
//! HTTPS goes through rustls with the `ring` provider (as vigie-trust
//! does), and certificates are checked against the system's roots.

pub mod ntfy;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use crate::error::SendError;
use crate::queue::{Backoff, Queue};
use crate::{Error, Event};

/// Timeouts of the HTTP channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// Longest time to connect (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest time for a whole request, answer included.
    pub timeout: Duration,
}

impl Default for HttpOptions {
    /// 5 s to connect, 15 s for a request.
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
        }
    }
}

/// An HTTP client with timeouts and HTTPS through rustls and `ring`.
pub(crate) fn client(options: HttpOptions) -> Result<reqwest::Client, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Http(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| Error::Http(e.to_string()))?
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .user_agent(concat!("vigie/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| Error::Http(e.to_string()))
}

/// Whether `url` can be a `what` (`webhook`, `ntfy`) URL: http or https,
/// with a host (and for ntfy, a topic). For checking a config file.
pub fn check_url(url: &str, what: &'static str) -> Result<(), Error> {
    match what {
        "ntfy" => ntfy::topic_url(url).map(drop),
        _ => http_url(url, what).map(drop),
    }
}

/// Checks that `url` is an http(s) URL with a host.
pub(crate) fn http_url(url: &str, what: &'static str) -> Result<url::Url, Error> {
    let bad = |reason: &str| Error::BadUrl {
        url: url.to_string(),
        what,
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("it must start with http:// or https://"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    Ok(parsed)
}

/// What a channel does with one event: one HTTP request.
pub(crate) enum HttpChannel {
    Webhook(webhook::Webhook),
    Ntfy(ntfy::Ntfy),
}

impl HttpChannel {
    async fn send(&self, event: &Event) -> Result<(), SendError> {
        let request = match self {
            HttpChannel::Webhook(w) => w.request(event),
            HttpChannel::Ntfy(n) => n.request(event),
        };
        let response = request
            .send()
            .await
            .map_err(|e| SendError::transient(describe(&e)))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry = status.is_server_error()
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
        Err(SendError {
            message: format!("the receiver answered {status}"),
            permanent: !retry,
        })
    }

    fn name(&self) -> &'static str {
        match self {
            HttpChannel::Webhook(_) => "webhook",
            HttpChannel::Ntfy(_) => "ntfy",
        }
    }
}

/// A reqwest error with its cause (reqwest's own message is terse).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The worker: sends each event of `queue` until the queue is closed.
pub(crate) async fn run(channel: HttpChannel, queue: Arc<Queue>, backoff: Backoff) {
    while let Some(event) = queue.pop().await {
        let mut failed = 0;
        loop {
            match channel.send(&event).await {
                Ok(()) => {
                    queue.count_sent();
                    break;
                }
                Err(e) if e.permanent || failed + 1 >= backoff.attempts.max(1) => {
                    tracing::warn!(
                        "{}: {} of {} not delivered: {e}",
                        channel.name(),
                        event.name(),
                        event.camera
                    );
                    queue.count_dropped();
                    break;
                }
                Err(e) => {
                    tracing::debug!("{}: attempt {} failed: {e}", channel.name(), failed + 1);
                    queue.count_retried();
                    // When shutting down, one last attempt is all there is time for.
                    if queue.is_closed() {
                        failed = backoff.attempts;
                        continue;
                    }
                    tokio::time::sleep(backoff.delay(failed)).await;
                    failed += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_are_taken() {
        assert!(http_url("https://ntfy.sh/my-topic", "ntfy").is_ok());
        assert!(http_url("http://127.0.0.1:9/hook", "webhook").is_ok());
        for bad in ["", "ntfy.sh/topic", "ftp://h/x", "mqtt://h", "http://"] {
            let e = http_url(bad, "webhook").unwrap_err();
            assert!(e.to_string().contains("webhook URL"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn the_client_builds_with_rustls_and_ring() {
        client(HttpOptions::default()).expect("an HTTPS client");
    }
}
