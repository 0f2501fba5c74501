//! vigie's own protocol ("native"), as pure functions over byte buffers.
//!
//! A connection opens with four magic bytes from the client, `VIGI`. After
//! that, both sides send *packed messages* (see `vigie_core::pack`): a 4-byte
//! big-endian length, then the message. The first byte of each message is a
//! tag that says what follows:
//!
//! ```text
//! client → server                         server → client
//! "VIGI"                                   
//! [len][0x01 Hello]            ───▶
//!                              ◀───        [len][0x81 Accept] or [len][0x82 Refuse]
//! [len][0x02 Frame]            ───▶
//! [len][0x02 Frame]            ───▶
//! [len][0x03 Heartbeat]        ───▶        (when no frame went out for a while)
//!                              ◀───        [len][0x83 Heartbeat]   (every second)
//! [len][0x04 Goodbye]          ───▶        (before a clean close)
//! ```
//!
//! Inside TLS (see [`crate::tls`]) the same messages flow, and one more
//! exchange exists, on a connection of its own: pairing.
//!
//! ```text
//! "VIGI"
//! [len][0x05 Pair]             ───▶        camera name + the code's secret
//!                              ◀───        [len][0x84 Paired] (a token) or [len][0x82 Refuse]
//! ```
//!
//! After pairing, the camera's hellos carry its token (`Hello::token`).
//! Pairing is never accepted outside TLS: the secret would be readable.
//!
//! Why the magic bytes? The report's Python client sends no hello: its first
//! four bytes are the length of a pickle. `VIGI` read as a length is
//! 1 447 642 953 bytes, far above any frame, so the server can tell the two
//! formats apart from the first four bytes of a connection.
//!
//! Why heartbeats, when TCP already has acknowledgements? A PC that loses
//! power or a cable that is pulled sends nothing: TCP on the other side can
//! wait for hours before it notices. A message every second, and a deadline
//! when none arrives, turns "silently frozen" into "offline since 5 s".
//!
//! The full byte layout, with examples, is in `docs/PROTOCOL.md`.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use vigie_core::{pack, serialize, Frame, PixelFormat};

use crate::Error;

/// The four bytes that open a native connection.
pub const MAGIC: [u8; 4] = *b"VIGI";

/// The version of this protocol. A server refuses a hello of another version.
pub const VERSION: u16 = 1;

const TAG_HELLO: u8 = 0x01;
const TAG_FRAME: u8 = 0x02;
const TAG_CLIENT_HEARTBEAT: u8 = 0x03;
const TAG_GOODBYE: u8 = 0x04;
const TAG_PAIR: u8 = 0x05;
const TAG_ACCEPT: u8 = 0x81;
const TAG_REFUSE: u8 = 0x82;
const TAG_SERVER_HEARTBEAT: u8 = 0x83;
const TAG_PAIRED: u8 = 0x84;

/// bincode's standard configuration, as for frames.
const CONFIG: bincode::config::Configuration = bincode::config::standard();

/// Hellos and other control messages are small; a larger one is refused.
pub const MAX_CONTROL_LEN: usize = 4096;

/// The largest hello, tag included. Checked on the length prefix: a peer that
/// announces more is dropped on its first four bytes, before the server
/// reserves a byte for the body.
pub const MAX_HELLO_LEN: usize = 1 + MAX_CONTROL_LEN;

/// A heartbeat is a tag and a `u64` (at most 9 bytes as a bincode varint).
pub const MAX_HEARTBEAT_LEN: usize = 1 + 9;

/// An accept is a tag and two `u32` (at most 5 bytes each).
pub const MAX_ACCEPT_LEN: usize = 1 + 5 + 5;

/// The largest message a server sends (a refusal carries a reason).
pub const MAX_SERVER_MESSAGE_LEN: usize = 1 + MAX_CONTROL_LEN;

/// A pairing request: a name (at most `MAX_NAME_LEN` bytes) and an
/// 8-character secret, with their length prefixes.
pub const MAX_PAIR_LEN: usize = 1 + 9 + vigie_core::frame::MAX_NAME_LEN + 9 + 16;

/// A token is 43 base64url characters; its answer is far below this.
pub const MAX_PAIRED_LEN: usize = 1 + 1 + 64;

/// What a client says about itself when it connects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// The protocol version the client speaks.
    pub version: u16,
    /// The camera's name, unique on the server.
    pub camera: String,
    /// The size and format of the frames it will send.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// The pixel format of its frames.
    pub format: PixelFormat,
    /// The frame rate it aims for.
    pub fps: f32,
    /// The camera's token (base64url), given at pairing. Sent only inside
    /// TLS; a server with paired cameras refuses their names without it.
    pub token: Option<String>,
}

/// A camera asks to be paired: its name and the secret part of the code
/// the user typed. Only ever sent inside TLS, once the server's
/// certificate passed the code's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRequest {
    /// The name the camera will use.
    pub camera: String,
    /// The first 8 characters of the pairing code.
    pub secret: String,
}

/// The server's answer to a hello that it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accept {
    /// How often the server sends heartbeats, and expects something back.
    pub heartbeat_ms: u32,
    /// The largest message the server accepts, in bytes.
    pub max_message: u32,
}

/// Why a server refuses a camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The client speaks another version of the protocol.
    #[error("protocol version mismatch: the client speaks {client}, the server speaks {server}")]
    VersionMismatch {
        /// The client's version.
        client: u16,
        /// The server's version.
        server: u16,
    },
    #[error("a camera named {0:?} is already connected")]
    /// Another connected camera has this name.
    NameInUse(String),
    /// The server has as many cameras as it takes.
    #[error("the server is full ({max} cameras)")]
    ServerFull {
        /// How many it takes.
        max: u32,
    },
    #[error("bad or missing token")]
    /// The camera's pairing token is missing or wrong.
    BadToken,
    #[error("invalid hello: {0}")]
    /// The hello does not describe a camera vigie can take (why, in words).
    InvalidHello(String),
    /// Refused by the trust rules: not paired, wrong code, revoked, …
    #[error("{0}")]
    Untrusted(vigie_trust::RefusalReason),
    /// Plaintext on a server that takes only TLS.
    #[error("this server accepts only encrypted, paired cameras: pair this camera with `vigie client --server HOST --pair CODE` (the server prints the code), or start the server with --insecure to accept vigie's plaintext protocol")]
    PlaintextRefused,
}

impl From<vigie_hub::RegisterError> for Refusal {
    fn from(e: vigie_hub::RegisterError) -> Refusal {
        use vigie_hub::RegisterError;
        match e {
            RegisterError::NameInUse(name) => Refusal::NameInUse(name),
            RegisterError::Full { max } => Refusal::ServerFull {
                max: u32::try_from(max).unwrap_or(u32::MAX),
            },
            // A reason the wire has no word for yet: sent as its text.
            other => Refusal::InvalidHello(other.to_string()),
        }
    }
}

impl Refusal {
    /// A short reason, the same for every refusal of a kind, for log summaries.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::VersionMismatch { .. } => "version mismatch",
            Refusal::NameInUse(_) => "name in use",
            Refusal::ServerFull { .. } => "server full",
            Refusal::BadToken => "bad token",
            Refusal::InvalidHello(_) => "invalid hello",
            Refusal::Untrusted(_) => "untrusted",
            Refusal::PlaintextRefused => "plaintext refused",
        }
    }

    /// Whether trying again later can help: a full server or a name still
    /// held by a connection that is dying may clear; a version mismatch won't.
    pub fn is_temporary(&self) -> bool {
        matches!(self, Refusal::NameInUse(_) | Refusal::ServerFull { .. })
    }
}

/// A message from a camera client.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// The first message: who the camera is.
    Hello(Hello),
    /// A picture.
    Frame(Frame),
    /// Carries the client's clock, in µs since the epoch.
    Heartbeat {
        /// When it was sent, µs since the Unix epoch (sender's clock).
        sent_at_us: u64,
    },
    /// The camera leaves on purpose (not a lost connection).
    Goodbye,
    /// Inside TLS only: pair this camera.
    Pair(PairRequest),
}

/// A message from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    /// The camera is taken.
    Accept(Accept),
    /// The camera is refused, and why.
    Refuse(Refusal),
    /// The server is still there.
    Heartbeat {
        /// When it was sent, µs since the Unix epoch (sender's clock).
        sent_at_us: u64,
    },
    /// The answer to a pairing: the camera's token (base64url), sent once.
    Paired {
        /// The token; the server keeps only its hash.
        token: String,
    },
}

/// Appends a packed client message to `out`. Frames are serialized straight
/// behind their prefix: the payload is copied once, into `out`.
pub fn encode_client(msg: &ClientMessage, out: &mut Vec<u8>) -> Result<(), Error> {
    pack::pack_with(out, |out| {
        match msg {
            ClientMessage::Hello(h) => tagged(out, TAG_HELLO, h)?,
            ClientMessage::Frame(f) => {
                out.push(TAG_FRAME);
                serialize::encode_into(f, out)?;
            }
            ClientMessage::Heartbeat { sent_at_us } => {
                tagged(out, TAG_CLIENT_HEARTBEAT, sent_at_us)?
            }
            ClientMessage::Goodbye => out.push(TAG_GOODBYE),
            ClientMessage::Pair(p) => tagged(out, TAG_PAIR, p)?,
        }
        Ok(())
    })
}

/// Appends a packed server message to `out`.
pub fn encode_server(msg: &ServerMessage, out: &mut Vec<u8>) -> Result<(), Error> {
    pack::pack_with(out, |out| match msg {
        ServerMessage::Accept(a) => tagged(out, TAG_ACCEPT, a),
        ServerMessage::Refuse(r) => tagged(out, TAG_REFUSE, r),
        ServerMessage::Heartbeat { sent_at_us } => tagged(out, TAG_SERVER_HEARTBEAT, sent_at_us),
        ServerMessage::Paired { token } => tagged(out, TAG_PAIRED, token),
    })
}

fn tagged<T: Serialize>(out: &mut Vec<u8>, tag: u8, body: &T) -> Result<(), Error> {
    out.push(tag);
    bincode::serde::encode_into_std_write(body, out, CONFIG).map_err(vigie_core::Error::from)?;
    Ok(())
}

/// The largest a client message that starts with `tag` may be, tag included,
/// so that a reader can refuse it on its first five bytes, before reading the
/// body: a heartbeat of 32 MiB is refused as soon as it says it is one. An
/// unknown tag is refused there too. `max_frame` is the limit for frames.
pub fn client_message_limit(tag: u8, max_frame: usize) -> Result<usize, Error> {
    match tag {
        TAG_FRAME => Ok(max_frame),
        TAG_HELLO => Ok(MAX_HELLO_LEN),
        TAG_CLIENT_HEARTBEAT => Ok(MAX_HEARTBEAT_LEN),
        TAG_GOODBYE => Ok(1),
        // Only ever the first message; later it is refused when decoded.
        TAG_PAIR => Ok(MAX_PAIR_LEN),
        other => Err(unknown_tag("client", other)),
    }
}

/// The first message of a native connection: a hello, or (inside TLS) a
/// pairing request. Anything else is refused on its tag.
pub fn first_message_limit(tag: u8) -> Result<usize, Error> {
    match tag {
        TAG_PAIR => Ok(MAX_PAIR_LEN),
        other => hello_limit(other),
    }
}

/// The first message of a native connection must be a hello: anything else
/// is refused on its tag.
pub fn hello_limit(tag: u8) -> Result<usize, Error> {
    match tag {
        TAG_HELLO => Ok(MAX_HELLO_LEN),
        TAG_FRAME | TAG_CLIENT_HEARTBEAT | TAG_GOODBYE | TAG_PAIR => Err(Error::Malformed(
            format!("expected a hello, got a message of tag 0x{tag:02X}"),
        )),
        other => Err(unknown_tag("client", other)),
    }
}

/// Like [`client_message_limit`], for what a client reads from a server.
pub fn server_message_limit(tag: u8) -> Result<usize, Error> {
    match tag {
        TAG_ACCEPT => Ok(MAX_ACCEPT_LEN),
        TAG_REFUSE => Ok(MAX_SERVER_MESSAGE_LEN),
        TAG_SERVER_HEARTBEAT => Ok(MAX_HEARTBEAT_LEN),
        TAG_PAIRED => Ok(MAX_PAIRED_LEN),
        other => Err(unknown_tag("server", other)),
    }
}

/// What a message of this tag is called, for errors.
pub fn tag_name(tag: u8) -> &'static str {
    match tag {
        TAG_HELLO => "hello",
        TAG_FRAME => "frame",
        TAG_CLIENT_HEARTBEAT | TAG_SERVER_HEARTBEAT => "heartbeat",
        TAG_GOODBYE => "goodbye",
        TAG_ACCEPT => "accept",
        TAG_REFUSE => "refusal",
        TAG_PAIR => "pairing request",
        TAG_PAIRED => "pairing answer",
        _ => "message",
    }
}

fn unknown_tag(side: &str, tag: u8) -> Error {
    Error::Malformed(format!("unknown {side} message tag 0x{tag:02X}"))
}

/// Reads one unpacked server message. A frame's payload shares `msg`.
pub fn decode_client(msg: &Bytes, max_frame: usize) -> Result<ClientMessage, Error> {
    let (&tag, body) = msg
        .split_first()
        .ok_or_else(|| Error::Malformed("empty message".into()))?;
    match tag {
        TAG_FRAME => Ok(ClientMessage::Frame(serialize::decode(
            &msg.slice(1..),
            max_frame,
        )?)),
        TAG_HELLO => Ok(ClientMessage::Hello(control(body, "hello")?)),
        TAG_CLIENT_HEARTBEAT => Ok(ClientMessage::Heartbeat {
            sent_at_us: control(body, "heartbeat")?,
        }),
        TAG_GOODBYE if body.is_empty() => Ok(ClientMessage::Goodbye),
        TAG_PAIR => Ok(ClientMessage::Pair(control(body, "pairing request")?)),
        other => Err(unknown_tag("client", other)),
    }
}

/// Reads one unpacked server message.
pub fn decode_server(msg: &[u8]) -> Result<ServerMessage, Error> {
    let (&tag, body) = msg
        .split_first()
        .ok_or_else(|| Error::Malformed("empty message".into()))?;
    match tag {
        TAG_ACCEPT => Ok(ServerMessage::Accept(control(body, "accept")?)),
        TAG_REFUSE => Ok(ServerMessage::Refuse(control(body, "refusal")?)),
        TAG_SERVER_HEARTBEAT => Ok(ServerMessage::Heartbeat {
            sent_at_us: control(body, "heartbeat")?,
        }),
        TAG_PAIRED => Ok(ServerMessage::Paired {
            token: control(body, "pairing answer")?,
        }),
        other => Err(unknown_tag("server", other)),
    }
}

/// Decodes a small control message, which must use every byte it is given.
fn control<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Error> {
    if body.len() > MAX_CONTROL_LEN {
        return Err(Error::Malformed(format!(
            "{what} of {} bytes is above {MAX_CONTROL_LEN}",
            body.len()
        )));
    }
    // The limit bounds what bincode may allocate for strings inside.
    let config = CONFIG.with_limit::<MAX_CONTROL_LEN>();
    let (value, used) = bincode::serde::decode_from_slice(body, config)
        .map_err(|e| Error::Malformed(format!("bad {what}: {e}")))?;
    if used != body.len() {
        return Err(Error::Malformed(format!(
            "{what} followed by {} stray bytes",
            body.len() - used
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::pack::Unpacker;
    use vigie_core::FrameHeader;

    fn hello() -> Hello {
        Hello {
            version: VERSION,
            camera: "cuisine".into(),
            width: 320,
            height: 240,
            format: PixelFormat::Jpeg,
            fps: 15.0,
            token: None,
        }
    }

    fn unpack_one(wire: &[u8]) -> Bytes {
        let mut u = Unpacker::new();
        u.feed(wire);
        u.next_message().unwrap().unwrap()
    }

    #[test]
    fn every_client_message_round_trips() {
        let frame = Frame::new(
            FrameHeader {
                camera: "cuisine".into(),
                sequence: 3,
                captured_at_us: 99,
                width: 2,
                height: 1,
                format: PixelFormat::Gray8,
            },
            vec![1, 2],
        )
        .unwrap();
        for msg in [
            ClientMessage::Hello(hello()),
            ClientMessage::Frame(frame),
            ClientMessage::Heartbeat { sent_at_us: 42 },
            ClientMessage::Goodbye,
            ClientMessage::Pair(PairRequest {
                camera: "cuisine".into(),
                secret: "7K2MQX9D".into(),
            }),
        ] {
            let mut wire = Vec::new();
            encode_client(&msg, &mut wire).unwrap();
            assert_eq!(decode_client(&unpack_one(&wire), 1 << 20).unwrap(), msg);
        }
    }

    #[test]
    fn every_server_message_round_trips() {
        for msg in [
            ServerMessage::Accept(Accept {
                heartbeat_ms: 1000,
                max_message: 1 << 25,
            }),
            ServerMessage::Refuse(Refusal::NameInUse("x".into())),
            ServerMessage::Refuse(Refusal::ServerFull { max: 64 }),
            ServerMessage::Heartbeat { sent_at_us: 7 },
            ServerMessage::Paired {
                token: "t".repeat(43),
            },
            ServerMessage::Refuse(Refusal::Untrusted(vigie_trust::RefusalReason::TokenRevoked)),
            ServerMessage::Refuse(Refusal::PlaintextRefused),
        ] {
            let mut wire = Vec::new();
            encode_server(&msg, &mut wire).unwrap();
            assert_eq!(decode_server(&unpack_one(&wire)).unwrap(), msg);
        }
    }

    /// The exact bytes shown in docs/PROTOCOL.md.
    #[test]
    fn the_documented_bytes_are_the_real_ones() {
        let mut hello_bytes = MAGIC.to_vec();
        let h = Hello {
            camera: "salon".into(),
            width: 640,
            height: 480,
            ..hello()
        };
        encode_client(&ClientMessage::Hello(h), &mut hello_bytes).unwrap();
        assert_eq!(
            hello_bytes,
            [
                0x56, 0x49, 0x47, 0x49, 0, 0, 0, 0x14, 0x01, 0x01, 0x05, b's', b'a', b'l', b'o',
                b'n', 0xFB, 0x80, 0x02, 0xFB, 0xE0, 0x01, 0x03, 0x00, 0x00, 0x70, 0x41, 0x00
            ]
        );
        let mut accept = Vec::new();
        let msg = ServerMessage::Accept(Accept {
            heartbeat_ms: 1000,
            max_message: 32 * 1024 * 1024,
        });
        encode_server(&msg, &mut accept).unwrap();
        assert_eq!(
            accept,
            [0, 0, 0, 9, 0x81, 0xFB, 0xE8, 0x03, 0xFC, 0, 0, 0, 0x02]
        );
        let mut bye = Vec::new();
        encode_client(&ClientMessage::Goodbye, &mut bye).unwrap();
        assert_eq!(bye, [0, 0, 0, 1, 0x04]);
    }

    #[test]
    fn magic_read_as_a_length_is_absurd() {
        assert!(u32::from_be_bytes(MAGIC) as usize > pack::DEFAULT_MAX_MESSAGE);
    }

    #[test]
    fn unknown_tags_and_junk_are_malformed() {
        for bad in [
            &[][..],
            &[0x7F],
            &[TAG_HELLO, 0xFF, 0xFF],
            &[TAG_GOODBYE, 0],
        ] {
            let err = decode_client(&Bytes::copy_from_slice(bad), 1024).unwrap_err();
            assert!(matches!(err, Error::Malformed(_)), "{bad:?}: {err}");
        }
        let err = decode_client(&Bytes::from_static(&[0x7F]), 1024).unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed data: unknown client message tag 0x7F"
        );
        assert!(decode_server(&[0x01]).is_err());
    }

    #[test]
    fn the_kind_limits_hold_the_largest_real_messages() {
        let mut wire = Vec::new();
        let mut h = hello();
        h.camera = "x".repeat(vigie_core::frame::MAX_NAME_LEN);
        h.token = Some("t".repeat(1000));
        encode_client(&ClientMessage::Hello(h), &mut wire).unwrap();
        encode_client(
            &ClientMessage::Heartbeat {
                sent_at_us: u64::MAX,
            },
            &mut wire,
        )
        .unwrap();
        encode_client(&ClientMessage::Goodbye, &mut wire).unwrap();
        let pair = PairRequest {
            camera: "x".repeat(vigie_core::frame::MAX_NAME_LEN),
            secret: "Z".repeat(16),
        };
        encode_client(&ClientMessage::Pair(pair), &mut wire).unwrap();
        let mut u = Unpacker::new();
        u.feed(&wire);
        while let Some(msg) = u.next_message().unwrap() {
            assert!(msg.len() <= client_message_limit(msg[0], 0).unwrap());
        }
        let mut wire = Vec::new();
        let accept = Accept {
            heartbeat_ms: u32::MAX,
            max_message: u32::MAX,
        };
        encode_server(&ServerMessage::Accept(accept), &mut wire).unwrap();
        encode_server(
            &ServerMessage::Heartbeat {
                sent_at_us: u64::MAX,
            },
            &mut wire,
        )
        .unwrap();
        u.feed(&wire);
        while let Some(msg) = u.next_message().unwrap() {
            assert_eq!(msg.len(), server_message_limit(msg[0]).unwrap());
        }
        let mut wire = Vec::new();
        let token = vigie_trust::CameraToken::generate().unwrap().to_base64url();
        encode_server(&ServerMessage::Paired { token }, &mut wire).unwrap();
        u.feed(&wire);
        let msg = u.next_message().unwrap().unwrap();
        assert!(msg.len() <= server_message_limit(msg[0]).unwrap());
        assert!(first_message_limit(TAG_PAIR).is_ok());
        assert!(first_message_limit(TAG_FRAME).is_err());
        assert!(hello_limit(TAG_FRAME).is_err());
        assert!(client_message_limit(0x7F, 10).is_err());
        assert!(server_message_limit(TAG_HELLO).is_err());
    }

    #[test]
    fn a_hello_with_a_huge_name_is_refused() {
        let mut h = hello();
        h.camera = "x".repeat(10_000);
        let mut wire = Vec::new();
        encode_client(&ClientMessage::Hello(h), &mut wire).unwrap();
        let err = decode_client(&unpack_one(&wire), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("above 4096"), "{err}");
    }
}
