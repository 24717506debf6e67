//! Plain crypto-address lists: one address per line, the currency taken from the file name
//! (`sanctioned_addresses_ETH.txt` -> ETH) or given by the caller. Each address becomes one
//! `CryptoWallet` entity so a hit can cite the list line it came from.

use crate::crypto::looks_like_address;
use crate::entity::{ListEntity, NameStrength, ParseOutput, Quarantined, Schema};

/// Default list name for OFAC's extracted address lists.
pub const CRYPTO_LIST: &str = "us_ofac_crypto";

/// The currency ticker in a file name such as `sanctioned_addresses_XBT.txt`.
pub fn chain_from_file_name(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.split('.').next().unwrap_or(base);
    let ticker = stem.rsplit('_').next()?;
    (stem.contains('_')
        && (2..=8).contains(&ticker.len())
        && ticker.bytes().all(|b| b.is_ascii_alphanumeric()))
    .then(|| ticker.to_ascii_uppercase())
}

/// Parses one address per line; blank lines and `#` comments are skipped.
pub fn parse_crypto_list(data: &[u8], chain: &str, list: &str) -> ParseOutput {
    let mut out = ParseOutput::default();
    let file = format!("addresses_{chain}");
    for (i, raw) in data.split(|b| *b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let text = String::from_utf8_lossy(raw);
        let address = text.trim();
        if address.is_empty() || address.starts_with('#') {
            continue;
        }
        if !looks_like_address(address) {
            out.quarantined.push(Quarantined::new(
                &file,
                line,
                "not a crypto address (expected 20-110 letters and digits)",
                address,
            ));
            continue;
        }
        let mut entity = ListEntity::new(list, format!("{chain}:{address}"), Schema::CryptoWallet);
        entity.add_name(address, NameStrength::Primary);
        entity.add_crypto(chain, address);
        out.entities.push(entity);
    }
    out
}
