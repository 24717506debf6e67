//! OFAC's sanctioned digital-currency addresses, as lists with one address a line
//! and the asset in the file name (`sanctioned_addresses_ETH.txt`, the form
//! 0xB10C/ofac-sanctioned-digital-currency-addresses publishes). Each address
//! becomes a `sanction` label on its `wallet:` entity.

use unmask_model::{normalize, EntityFragment, Parsed};

use crate::{Format, Input, Position, ReadError, Record, Sample, Sink};

pub(crate) struct OfacAddresses;

/// The asset a list is for, from its file name.
fn asset(path: &str) -> Option<String> {
    let name = std::path::Path::new(path).file_stem()?.to_str()?;
    let asset = name.strip_prefix("sanctioned_addresses_")?;
    (!asset.is_empty()).then(|| asset.to_uppercase())
}

impl Format for OfacAddresses {
    fn name(&self) -> &'static str {
        "ofac-crypto-addresses"
    }

    fn description(&self) -> &'static str {
        "OFAC sanctioned digital currency addresses: sanctioned_addresses_<ASSET>.txt, one a line"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let name = sample.file_name();
        if !(name.starts_with("sanctioned_addresses_") && name.ends_with(".txt")) {
            return None;
        }
        let first = sample.first_line()?;
        (first.trim().is_empty() || !first.trim().contains(' ')).then_some(95)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let asset = asset(input.path);
        let mut line = String::new();
        let mut at = Position {
            line: 0,
            byte_offset: 0,
        };
        loop {
            line.clear();
            let read = input
                .reader
                .read_line(&mut line)
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
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let Some(address) = normalize::wallet(text) else {
                sink.quarantine(
                    here,
                    &format!("{text:?} is not a wallet address"),
                    text.as_bytes(),
                )?;
                continue;
            };
            let mut wallet = EntityFragment::new(format!("wallet:{address}"), "CryptoWallet");
            wallet
                .prop("publicKey", &address)
                .prop("category", "sanction")
                .prop("abuse", "sanction")
                .prop("label", "OFAC SDN digital currency address")
                .prop("labelSource", "ofac: sanctioned digital currency addresses")
                .prop("confidence", "authority_data");
            if let Some(asset) = &asset {
                wallet.prop("currency", asset);
            }
            sink.record(Record {
                at: here,
                identity: format!(
                    "ofac-address\0{address}\0{}",
                    asset.as_deref().unwrap_or("")
                )
                .into_bytes(),
                raw: Some(text.to_string()),
                parsed: Parsed {
                    entities: vec![wallet],
                    ..Parsed::default()
                },
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
    fn one_sanction_label_per_line() {
        let text = "0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1\n\nnot an address\n";
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "lists/sanctioned_addresses_ETH.txt",
            reader: &mut reader,
            org: None,
        };
        OfacAddresses.read(&mut input, &mut sink).unwrap();
        let wallet = &sink.records[0].parsed.entities[0];
        assert_eq!(
            wallet.id,
            "wallet:0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1"
        );
        assert_eq!(wallet.first("currency"), Some("ETH"));
        assert_eq!(wallet.first("category"), Some("sanction"));
        assert_eq!(sink.quarantined.len(), 1);
        assert_eq!(sink.quarantined[0].0.line, 3);
    }
}
