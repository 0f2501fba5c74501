//! The connection as the server shows it: `/api/health` and the page say
//! whether vigie reaches its broker, since a home automation system that
//! silently stopped hearing from the cameras is worse than none.

/// Whether vigie is connected to its broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MqttState {
    /// Not connected yet.
    Connecting,
    /// Connected.
    Connected,
    /// Lost or refused; trying again.
    Disconnected,
}

impl MqttState {
    /// `connecting`, `connected` or `disconnected`, for JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MqttState::Connecting => "connecting",
            MqttState::Connected => "connected",
            MqttState::Disconnected => "disconnected",
        }
    }
}

/// The MQTT connection as `/api/health` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttStatus {
    /// The broker (password hidden).
    pub broker: String,
    /// Connected or not.
    pub state: MqttState,
    /// Successful connections so far (1 + reconnections).
    pub connections: u64,
    /// Why the last connection failed or ended.
    pub last_error: Option<String>,
}
