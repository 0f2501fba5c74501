//! The webhook: a POST of the event to a URL of your choosing.
//!
//! The body is `multipart/form-data`, the format of an HTML form with a
//! file, which every web framework reads: a part `event` holds the event
//! as JSON (see [`crate::Event::to_json`]) and, for a motion start, a part
//! `snapshot` holds the JPEG (`snapshot.jpg`, `image/jpeg`). One request
//! carries both, so a receiver never gets a picture without its event.
//!
//! A user name and password in the URL (`https://user:pw@host/hook`) are
//! sent as HTTP Basic auth.

use reqwest::multipart::{Form, Part};

use crate::{Error, Event};

/// A webhook channel.
pub(crate) struct Webhook {
    client: reqwest::Client,
    url: url::Url,
}

impl Webhook {
    pub fn new(client: reqwest::Client, url: &str) -> Result<Webhook, Error> {
        Ok(Webhook {
            client,
            url: super::http_url(url, "webhook")?,
        })
    }

    pub fn request(&self, event: &Event) -> reqwest::RequestBuilder {
        let json = event.to_json().to_string();
        let mut form = Form::new().part(
            "event",
            Part::text(json)
                .mime_str("application/json")
                .expect("a valid MIME type"),
        );
        if let Some(jpeg) = event.snapshot() {
            let picture = Part::stream_with_length(jpeg.clone(), jpeg.len() as u64)
                .file_name("snapshot.jpg")
                .mime_str("image/jpeg")
                .expect("a valid MIME type");
            form = form.part("snapshot", picture);
        }
        self.client.post(self.url.clone()).multipart(form)
    }
}
