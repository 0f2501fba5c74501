//! ntfy (<https://ntfy.sh>, or a server of your own): a push to a phone
//! in one HTTP request.
//!
//! ntfy takes a POST to a topic URL. When the body is a file, ntfy keeps it
//! as the notification's *attachment*, and the phone shows the picture; the
//! rest is said in query parameters, which (unlike headers) may hold any
//! UTF-8, so a camera called "Entrée" keeps its accent:
//!
//! - `title`: `Motion: Garden`; `message`: the time and the recording;
//! - `tags`: an emoji short code ntfy shows in front (`rotating_light`…)
//!   and the event's name;
//! - `filename=snapshot.jpg` with the JPEG as the body, for a motion start;
//! - `click`: the recording's URL, opened when the notification is tapped.
//!
//! A topic protected by an access token gets it as `Authorization: Bearer`.

use crate::{Error, Event, EventKind};

/// `topic` as a URL, if it is an http(s) URL that names a topic.
pub(crate) fn topic_url(topic: &str) -> Result<url::Url, Error> {
    let url = super::http_url(topic, "ntfy")?;
    if url.path().trim_matches('/').is_empty() {
        return Err(Error::BadUrl {
            url: topic.to_string(),
            what: "ntfy",
            reason: "it names no topic (https://ntfy.sh/TOPIC)".into(),
        });
    }
    Ok(url)
}

/// An ntfy channel.
pub(crate) struct Ntfy {
    client: reqwest::Client,
    topic: url::Url,
    token: Option<String>,
}

impl Ntfy {
    pub fn new(client: reqwest::Client, topic: &str, token: Option<String>) -> Result<Ntfy, Error> {
        Ok(Ntfy {
            client,
            topic: topic_url(topic)?,
            token,
        })
    }

    pub fn request(&self, event: &Event) -> reqwest::RequestBuilder {
        let (emoji, priority) = match event.kind {
            EventKind::MotionStarted { .. } => ("rotating_light", "high"),
            EventKind::MotionEnded { .. } => ("white_check_mark", "default"),
            EventKind::Offline => ("warning", "high"),
            EventKind::Online => ("ok", "default"),
        };
        let time = jiff::Timestamp::try_from(event.at)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        let mut message = format!("{} ({}) at {time}", event.title(), event.camera);
        let mut url = self.topic.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("title", &event.title())
                .append_pair("tags", &format!("{emoji},{}", event.name()))
                .append_pair("priority", priority);
            if let EventKind::MotionEnded {
                recording: Some(recording),
            } = &event.kind
            {
                query.append_pair("click", recording);
                message.push_str(&format!("\nRecording: {recording}"));
            }
            if event.snapshot().is_some() {
                query
                    .append_pair("filename", "snapshot.jpg")
                    .append_pair("message", &message);
            }
        }
        let request = self.client.post(url);
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        match event.snapshot() {
            Some(jpeg) => request
                .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
                .body(jpeg.clone()),
            None => request
                .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(message),
        }
    }
}
