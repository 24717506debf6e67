//! What the sanctions-list formats share: a parsed list entry (`unmask_screen::ListEntity`)
//! as store entities, and the positions of entries and quarantined rows in the file.
//!
//! Each list entry becomes a `sanction:{list}:{list id}` entity (schema Person,
//! Organization, Company, Vessel, ...; properties as `unmask_screen::props` writes them,
//! plus `list` and `listId`) and, for each crypto address, a `wallet:{normalized}`
//! CryptoWallet linked to it (`crypto_wallet`), the same entity payroll and tracing use,
//! so a payout to a listed wallet meets the list entry on one node.
//!
//! The screen crate's parsers read a whole file (XML needs it, OFAC CSV needs its
//! companions); the formats here then find each entry's element or line again to give
//! every record a file position and its raw text.

use std::io::Read;

use unmask_model::{normalize, EntityFragment, LinkFragment, Parsed};
use unmask_screen::{ListEntity, ParseOutput, Schema};

use crate::{Input, Position, ReadError, Record, Sink};

/// Lists are read whole; this is larger than any published list (OpenSanctions'
/// `entities.ftm.json` of everything is ~3 GB: split it or load a collection).
pub(crate) const MAX_LIST_BYTES: u64 = 2 << 30;

/// The store id of a list entry.
pub(crate) fn entity_id(entity: &ListEntity) -> String {
    format!("sanction:{}:{}", entity.list, entity.id)
}

/// The `wallet:` entity id of an address: the model's normalization where it knows the
/// chain's shape (as payroll and the chain formats use it), else the screen crate's.
pub(crate) fn wallet_id(address: &str) -> String {
    let key = normalize::wallet(address)
        .unwrap_or_else(|| unmask_screen::crypto::normalize_address(address));
    format!("wallet:{key}")
}

/// The entities and links one list entry says.
pub(crate) fn parsed(entity: &ListEntity) -> Parsed {
    let id = entity_id(entity);
    // A wallet known only by its address stays a CryptoWallet; LegalEntity keeps FtM's name.
    let mut fragment = EntityFragment::new(&id, entity.schema.as_str());
    fragment
        .prop("list", &entity.list)
        .prop("listId", &entity.id);
    for (prop, value) in unmask_screen::props::to_props(entity) {
        fragment.prop(prop, value);
    }
    let mut parsed = Parsed::default();
    for address in &entity.crypto_addresses {
        let wallet = wallet_id(&address.address);
        let mut w = EntityFragment::new(&wallet, Schema::CryptoWallet.as_str());
        w.prop("publicKey", wallet.trim_start_matches("wallet:"))
            .prop("category", "sanction")
            .prop("abuse", "sanction")
            .prop("label", format!("{}: {}", entity.list, entity.caption))
            .prop("labelSource", &entity.list)
            .prop("confidence", "authority_data");
        if !address.chain.is_empty() {
            w.prop("currency", &address.chain);
        }
        parsed
            .links
            .push(LinkFragment::new(&id, &wallet, "crypto_wallet"));
        parsed.entities.push(w);
    }
    parsed.entities.insert(0, fragment);
    parsed
}

/// Reads the whole input, refusing lists larger than [`MAX_LIST_BYTES`].
pub(crate) fn read_all(input: &mut Input<'_>) -> Result<Vec<u8>, ReadError> {
    let mut data = Vec::new();
    input
        .reader
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|source| ReadError::Io {
            path: input.path.to_string(),
            source,
        })?;
    if data.len() as u64 > MAX_LIST_BYTES {
        return Err(ReadError::Invalid {
            path: input.path.to_string(),
            line: 0,
            message: format!("list is larger than {MAX_LIST_BYTES} bytes; split it"),
        });
    }
    Ok(data)
}

/// Line starts of a file, to turn byte offsets into lines and back.
pub(crate) struct Lines<'a> {
    data: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
        Lines { data, starts }
    }

    /// The position of a byte offset.
    pub(crate) fn at(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset);
        Position {
            line: line as u64,
            byte_offset: offset as u64,
        }
    }

    /// The position where 1-based `line` starts (the end of the file past the last line).
    pub(crate) fn line(&self, line: u64) -> Position {
        let index = (line.max(1) - 1) as usize;
        let offset = self.starts.get(index).copied().unwrap_or(self.data.len());
        Position {
            line: line.max(1),
            byte_offset: offset as u64,
        }
    }

    /// The text of 1-based `line`, without its line ending.
    pub(crate) fn text(&self, line: u64) -> &'a [u8] {
        let start = self.line(line).byte_offset as usize;
        let end = memchr::memchr(b'\n', &self.data[start..]).map_or(self.data.len(), |i| start + i);
        let text = &self.data[start..end];
        text.strip_suffix(b"\r").unwrap_or(text)
    }
}

/// How to find an entry again in its file: the first needle found after the previous
/// entry, widened to the element that holds it.
pub(crate) struct Locator<'a> {
    /// Opening tags of an entry (`<sdnEntry>`); empty: the entry is the needle's line.
    pub open: &'a [&'a str],
    /// Closing tags, in the same order.
    pub close: &'a [&'a str],
}

/// Raw records longer than this are cut (a UN entry is ~2 KB, a long OFAC remark ~5 KB).
const MAX_RAW: usize = 16 * 1024;

fn find(data: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&data[from.min(data.len())..], needle).map(|i| from + i)
}

impl Locator<'_> {
    /// The next occurrence of the needle; in line mode (no tags) only at a line start.
    fn find_entry(&self, data: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
        let mut from = from;
        loop {
            let at = find(data, from, needle)?;
            if !self.open.is_empty() || at == 0 || data[at - 1] == b'\n' {
                return Some(at);
            }
            from = at + 1;
        }
    }

    /// Byte range of the entry whose needle is found first after `from`.
    fn locate(&self, data: &[u8], from: usize, needles: &[String]) -> Option<(usize, usize)> {
        let at = needles
            .iter()
            .filter_map(|n| self.find_entry(data, from, n.as_bytes()))
            .min()?;
        if self.open.is_empty() {
            let start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i);
            return Some((start, end));
        }
        let (start, tag) = self
            .open
            .iter()
            .enumerate()
            .filter_map(|(i, open)| {
                memchr::memmem::rfind(&data[from.min(at)..at], open.as_bytes())
                    .map(|s| (from.min(at) + s, i))
            })
            .max()?;
        let close = self.close[tag].as_bytes();
        let end = find(data, at, close).map_or(data.len(), |e| e + close.len());
        Some((start, end))
    }
}

fn raw_text(bytes: &[u8]) -> String {
    let mut end = bytes.len().min(MAX_RAW);
    while end > 0 && end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Gives the parsed entries and quarantined records of a whole-file list to the sink,
/// each at its place in the file. `needles` says what text of an entry to look for
/// (its id as the file writes it); `keep` drops quarantined records of other files
/// (OFAC companions are accounted by their own ingest).
pub(crate) fn emit(
    format: &str,
    data: &[u8],
    output: ParseOutput,
    locator: &Locator<'_>,
    needles: impl Fn(&ListEntity) -> Vec<String>,
    keep: impl Fn(&unmask_screen::Quarantined) -> bool,
    sink: &mut dyn Sink,
) -> Result<(), ReadError> {
    let lines = Lines::new(data);
    let mut cursor = 0usize;
    for entity in output.entities {
        let (at, raw) = match locator.locate(data, cursor, &needles(&entity)) {
            Some((start, end)) => {
                cursor = end;
                (lines.at(start), raw_text(&data[start..end]))
            }
            None => (lines.at(cursor), String::new()),
        };
        let mut identity = format!("{format}\0").into_bytes();
        identity.extend(serde_json::to_vec(&entity).unwrap_or_default());
        sink.record(Record {
            at,
            identity,
            raw: (!raw.is_empty()).then_some(raw),
            parsed: parsed(&entity),
        })?;
    }
    // Quarantine is keyed by byte offset: two reasons on one line get distinct offsets.
    let mut used = std::collections::HashSet::new();
    for q in output.quarantined.iter().filter(|q| keep(q)) {
        let mut at = lines.line(q.line);
        while !used.insert(at.byte_offset) {
            at.byte_offset += 1;
        }
        let raw = if q.excerpt.is_empty() {
            lines.text(q.line)
        } else {
            q.excerpt.as_bytes()
        };
        sink.quarantine(at, &q.reason, raw)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_offsets_both_ways() {
        let data = b"a\nbb\r\nccc";
        let lines = Lines::new(data);
        assert_eq!(lines.at(3).line, 2);
        assert_eq!(lines.line(3).byte_offset, 6);
        assert_eq!(lines.text(2), b"bb");
        assert_eq!(lines.line(9).byte_offset, 9);
    }

    #[test]
    fn locator_widens_to_the_element() {
        let data = b"<a><e><id>1</id></e>\n<e>\n<id>2</id>\n</e></a>";
        let loc = Locator {
            open: &["<e>"],
            close: &["</e>"],
        };
        let (s, e) = loc.locate(data, 0, &["<id>2</id>".into()]).unwrap();
        assert_eq!(&data[s..e], b"<e>\n<id>2</id>\n</e>");
    }

    #[test]
    fn wallets_meet_payroll_on_one_id() {
        let mut e = ListEntity::new("us_ofac_sdn", "1", Schema::Person);
        e.add_name("X", unmask_screen::NameStrength::Primary);
        e.add_crypto("ETH", "0xAbC0000000000000000000000000000000000001");
        let p = parsed(&e);
        assert_eq!(p.entities[0].id, "sanction:us_ofac_sdn:1");
        assert_eq!(
            p.entities[1].id,
            "wallet:0xabc0000000000000000000000000000000000001"
        );
        assert_eq!(p.links[0].kind, "crypto_wallet");
    }
}
