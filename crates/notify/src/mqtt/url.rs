//! `mqtt://[user:password@]HOST[:PORT]`: where the broker is, in one string.
//!
//! One string fits a flag (`--mqtt`) and a config line alike. A password
//! on the command line shows in `ps` to every user of the machine, so it
//! may come from `VIGIE_MQTT_PASSWORD` instead: the binary reads the
//! variable and calls [`MqttUrl::with_password`]. Displaying a URL hides
//! its password, so `--check` and the logs never print it.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// The broker's default port (without TLS).
pub const DEFAULT_PORT: u16 = 1883;

/// A broker's address and login.
#[derive(Clone, PartialEq, Eq)]
pub struct MqttUrl {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port, 1883 unless given.
    pub port: u16,
    /// User name, if the broker wants a login.
    pub user: Option<String>,
    /// Password, if the broker wants a login.
    pub password: Option<String>,
}

impl MqttUrl {
    /// The same URL with `password` if it has none of its own (the URL's
    /// wins), and only if it has a user: MQTT sends no password alone.
    pub fn with_password(mut self, password: Option<String>) -> MqttUrl {
        if self.password.is_none() && self.user.is_some() {
            self.password = password.filter(|p| !p.is_empty());
        }
        self
    }
}

/// `%40` → `@`: URLs carry user names and passwords percent-encoded.
fn decode(s: &str) -> String {
    let (bytes, mut out, mut i) = (s.as_bytes(), Vec::with_capacity(s.len()), 0);
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl FromStr for MqttUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<MqttUrl, Error> {
        let bad = |reason: &str| Error::BadUrl {
            url: hide_password(s),
            what: "mqtt",
            reason: reason.to_string(),
        };
        let parsed = url::Url::parse(s).map_err(|e| bad(&e.to_string()))?;
        if parsed.scheme() != "mqtt" {
            return Err(bad("it must start with mqtt://"));
        }
        let host = match parsed.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(h) => h.to_string(),
            None => return Err(bad("it has no host")),
        };
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        if !matches!(parsed.path(), "" | "/")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(bad("only mqtt://[user:password@]HOST[:PORT], no path"));
        }
        let user = Some(decode(parsed.username())).filter(|u| !u.is_empty());
        let password = parsed.password().map(decode);
        if user.is_none() && password.is_some() {
            return Err(bad("a password needs a user name"));
        }
        Ok(MqttUrl {
            host,
            port: parsed.port().unwrap_or(DEFAULT_PORT),
            user,
            password,
        })
    }
}

fn hide_password(s: &str) -> String {
    match (s.find("://"), s.rfind('@')) {
        (Some(start), Some(at)) if at > start => match s[start + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &s[..start + 3 + colon], &s[at..]),
            None => s.to_string(),
        },
        _ => s.to_string(),
    }
}

impl fmt::Display for MqttUrl {
    /// `mqtt://user:***@host:1883`: never the password itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mqtt://")?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if self.password.is_some() {
                f.write_str(":***")?;
            }
            f.write_str("@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for MqttUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MqttUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_login_are_read() {
        let u: MqttUrl = "mqtt://vigie:s%40cret@broker.lan:1884".parse().unwrap();
        assert_eq!(u.host, "broker.lan");
        assert_eq!(u.port, 1884);
        assert_eq!(u.user.as_deref(), Some("vigie"));
        assert_eq!(u.password.as_deref(), Some("s@cret"));
        assert_eq!(u.to_string(), "mqtt://vigie:***@broker.lan:1884");
        let plain: MqttUrl = "mqtt://192.168.1.5".parse().unwrap();
        assert_eq!((plain.port, plain.user), (DEFAULT_PORT, None));
        let v6: MqttUrl = "mqtt://[::1]:1999".parse().unwrap();
        assert_eq!(
            (v6.host.as_str(), v6.to_string()),
            ("::1", "mqtt://[::1]:1999".into())
        );
    }

    #[test]
    fn the_password_may_come_from_elsewhere() {
        let u: MqttUrl = "mqtt://vigie@h".parse().unwrap();
        let u = u.with_password(Some("from-env".into()));
        assert_eq!(u.password.as_deref(), Some("from-env"));
        let own: MqttUrl = "mqtt://vigie:own@h".parse().unwrap();
        assert_eq!(
            own.with_password(Some("env".into())).password.as_deref(),
            Some("own")
        );
        let anonymous: MqttUrl = "mqtt://h".parse().unwrap();
        assert_eq!(anonymous.with_password(Some("env".into())).password, None);
    }

    #[test]
    fn wrong_shapes_are_refused_without_showing_the_password() {
        for bad in [
            "",
            "broker:1883",
            "http://h",
            "mqtt://",
            "mqtt://h/topic",
            "mqtt://h:99999",
            "mqtt://:pw@h",
            "mqtt://h?x=1",
        ] {
            assert!(bad.parse::<MqttUrl>().is_err(), "{bad:?}");
        }
        let e = "mqtts://u:hunter2@h"
            .parse::<MqttUrl>()
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2") && e.contains("u:***@h"), "{e}");
    }
}
