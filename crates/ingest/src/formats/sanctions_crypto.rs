//! Plain crypto-address lists: one address a line, `#` comments. The currency comes from
//! the file name (`sanctioned_addresses_ETH.txt` -> ETH, the OFAC lists as
//! 0xB10C/ofac-sanctioned-digital-currency-addresses publishes them) or a
//! `# currency: XBT` line; the list name is `us_ofac_crypto` for OFAC's files, else the
//! file's stem or a `# list: NAME` line.
//!
//! Each address becomes a `sanction:{list}:{CHAIN}:{address}` CryptoWallet list entry and
//! the `wallet:` entity it is linked to, labelled `category: sanction` as the tracing
//! labels are (see `sanctions_list`); this format takes OFAC's address files over from
//! `ofac-crypto-addresses` (same wallet labels, plus the list entry screening needs).

use unmask_screen::sources::{chain_from_file_name, parse_crypto_list, CRYPTO_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list;
use crate::{Format, Input, Position, ReadError, Record, Sample, Sink};

pub(crate) struct CryptoAddressList;

fn list_name(file_name: &str) -> String {
    if file_name.starts_with("sanctioned_addresses_") {
        return CRYPTO_LIST.to_string();
    }
    let stem = file_name.split('.').next().unwrap_or(file_name);
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "crypto_list".into()
    } else {
        name
    }
}

impl Format for CryptoAddressList {
    fn name(&self) -> &'static str {
        "crypto-address-list"
    }

    fn description(&self) -> &'static str {
        "Sanctioned crypto addresses, one a line (sanctioned_addresses_<ASSET>.txt or any list with '# currency: X')"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let name = sample.file_name();
        match unmask_screen::sniff(&name, sample.head)? {
            // Above ofac-crypto-addresses (95) for OFAC's files: same labels, plus list entries.
            ListFormat::CryptoAddresses { .. } if name.starts_with("sanctioned_addresses_") => {
                Some(96)
            }
            ListFormat::CryptoAddresses { .. } if name.ends_with(".txt") => Some(60),
            _ => None,
        }
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let file_name = std::path::Path::new(input.path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut chain = chain_from_file_name(&file_name).unwrap_or_default();
        let mut list = list_name(&file_name.to_ascii_lowercase());
        let mut line = Vec::new();
        let mut at = Position::default();
        loop {
            line.clear();
            let read = input
                .reader
                .read_until(b'\n', &mut line)
                .map_err(|source| ReadError::Io {
                    path: input.path.to_string(),
                    source,
                })?;
            if read == 0 {
                break;
            }
            at.line += 1;
            let here = at;
            at.byte_offset += read as u64;
            let text = String::from_utf8_lossy(line.trim_ascii()).into_owned();
            if let Some(comment) = text.strip_prefix('#') {
                if let Some((key, value)) = comment.split_once(':') {
                    match key.trim().to_ascii_lowercase().as_str() {
                        "currency" | "chain" => chain = value.trim().to_ascii_uppercase(),
                        "list" => list = value.trim().to_string(),
                        _ => {}
                    }
                }
                continue;
            }
            if text.is_empty() {
                continue;
            }
            let chain_name = if chain.is_empty() { "UNKNOWN" } else { &chain };
            let output = parse_crypto_list(text.as_bytes(), chain_name, &list);
            let Some(entity) = output.entities.first() else {
                let reason = output
                    .quarantined
                    .first()
                    .map_or("not a crypto address", |q| q.reason.as_str());
                sink.quarantine(here, reason, text.as_bytes())?;
                continue;
            };
            sink.record(Record {
                at: here,
                identity: format!("{}\0{list}\0{chain}\0{text}", self.name()).into_bytes(),
                raw: Some(text.clone()),
                parsed: sanctions_list::parsed(entity),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    #[test]
    fn addresses_become_list_entries_linked_to_wallets() {
        let text = "0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1\n\nnot an address\n";
        let mut sink = MemorySink::default();
        CryptoAddressList
            .read(
                &mut Input {
                    path: "lists/sanctioned_addresses_ETH.txt",
                    reader: &mut text.as_bytes(),
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        let entities = &sink.records[0].parsed.entities;
        assert_eq!(
            entities[0].id,
            "sanction:us_ofac_crypto:ETH:0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1"
        );
        assert_eq!(
            entities[1].id,
            "wallet:0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1"
        );
        assert_eq!(entities[1].first("category"), Some("sanction"));
        assert_eq!(entities[1].first("currency"), Some("ETH"));
        assert_eq!(sink.quarantined.len(), 1);
        assert_eq!(sink.quarantined[0].0.line, 3);
    }
}
