//! Bulk, time-stamped facts that do not fit the entity shape well: sign-ins,
//! endpoint inventory rows and chain transfers. They live in their own narrow tables
//! (see ARCHITECTURE.md, "Which data lives where"), each row pointing back to the
//! source record it came from.

use serde::{Deserialize, Serialize};

/// A normalized authentication event, after OCSF Authentication (class 3002): who,
/// when, from where (IP, geo, network), on what device, and whether it worked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthEvent {
    /// Identity-provider family: `okta`, `entra`, `google`.
    pub provider: String,
    /// The source's own event id (Okta `uuid`, Entra `id`, Google `id.uniqueQualifier`),
    /// used to drop duplicates from overlapping exports.
    pub event_id: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub time_ms: i64,
    /// The user's sign-in name, lower-cased (e-mail or UPN).
    pub user: String,
    pub user_display_name: Option<String>,
    /// Source event type, e.g. `user.session.start`.
    pub event_type: String,
    /// `success`, `failure` or `unknown`.
    pub outcome: String,
    pub outcome_reason: Option<String>,
    pub source_ip: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub asn: Option<u32>,
    pub as_org: Option<String>,
    pub isp: Option<String>,
    /// The provider's own proxy/anonymizer flag, where it gives one.
    pub is_proxy: Option<bool>,
    pub device: Option<String>,
    pub user_agent: Option<String>,
    pub session_id: Option<String>,
}

/// One row of endpoint inventory (osquery `usb_devices`, `programs`, `processes`,
/// `system_info`), with the columns as the source gave them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointRow {
    /// osquery `hostIdentifier` (usually the hostname), lower-cased.
    pub host: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub time_ms: i64,
    /// Table the row describes: `usb_devices`, `programs`, `processes`, `system_info`, ...
    pub table: String,
    /// `added`, `removed` or `snapshot`.
    pub action: String,
    /// The query name as configured, e.g. `pack_inventory_usb_devices`.
    pub query: String,
    /// Column name/value pairs, values as strings.
    pub columns: Vec<(String, String)>,
}

impl EndpointRow {
    pub fn column(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A value transfer on an account-based chain (native coin or token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// `ethereum`, or another EVM chain's name.
    pub chain: String,
    pub tx_hash: String,
    /// Log index for token transfers, trace address for internal calls; empty for
    /// the native value of a transaction.
    pub sub_index: String,
    pub block_number: u64,
    /// Seconds since the Unix epoch.
    pub time: i64,
    pub from: String,
    pub to: String,
    /// `ETH` for the native coin, else the token contract address.
    pub asset: String,
    /// Exact integer amount in the asset's smallest unit, as decimal text.
    pub amount: String,
}

/// A bulk fact, as a source emits it alongside entities and links.
// Events live for one record on their way to the store; boxing the large variant
// would cost an allocation per sign-in for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Auth(AuthEvent),
    Endpoint(EndpointRow),
    Transfer(Transfer),
}
