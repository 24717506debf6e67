//! GraphSense TagPacks (YAML): address labels. The header's fields (`label`,
//! `category`, `abuse`, `actor`, `confidence`, `currency`/`network`, `source`) are
//! inherited by every tag that does not set its own. Each tag becomes a label on
//! the `CryptoWallet` entity `wallet:{normalized address}`, the same entity payroll
//! and sanctions lists use, so a wallet seen in several places is one entity.

use serde_norway::Value;
use unmask_model::{normalize, EntityFragment, Parsed};

use crate::{Format, Input, Position, ReadError, Record, Sample, Sink};

pub(crate) struct TagPack;

/// Fields a tag inherits from the pack's header.
const INHERITED: &[&str] = &[
    "label",
    "category",
    "abuse",
    "actor",
    "confidence",
    "currency",
    "network",
    "source",
    "context",
];

impl Format for TagPack {
    fn name(&self) -> &'static str {
        "graphsense-tagpack"
    }

    fn description(&self) -> &'static str {
        "GraphSense TagPack YAML: address labels (exchange, mixer, bridge, sanction, hack...)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let text = std::str::from_utf8(sample.head).ok()?;
        let yaml = sample.file_name().ends_with(".yaml") || sample.file_name().ends_with(".yml");
        let has_tags = text.lines().any(|line| line.trim_end() == "tags:");
        let has_header = text.lines().any(|line| line.starts_with("title:"));
        let has_address = text.contains("- address:");
        match (has_tags && has_address, has_header, yaml) {
            (true, true, _) => Some(95),
            (true, false, true) => Some(80),
            _ => None,
        }
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let mut text = String::new();
        input
            .reader
            .read_to_string(&mut text)
            .map_err(|source| ReadError::Io {
                path: input.path.to_string(),
                source,
            })?;
        let pack: Value = serde_norway::from_str(&text).map_err(|error| ReadError::Invalid {
            path: input.path.to_string(),
            line: error.location().map_or(0, |l| l.line() as u64),
            message: format!("not valid TagPack YAML: {error}"),
        })?;
        let invalid = |message: &str| ReadError::Invalid {
            path: input.path.to_string(),
            line: 1,
            message: message.to_string(),
        };
        let header = pack
            .as_mapping()
            .ok_or_else(|| invalid("a TagPack is a mapping with a `tags` list"))?;
        let tags = header
            .get("tags")
            .and_then(Value::as_sequence)
            .ok_or_else(|| invalid("the TagPack has no `tags` list"))?;
        let title = scalar(header.get("title")).unwrap_or_else(|| input.path.to_string());
        let lines = TagLines::new(&text);
        for (index, tag) in tags.iter().enumerate() {
            let at = lines.position(index);
            let excerpt = serde_norway::to_string(tag).unwrap_or_default();
            match parse_tag(tag, header, &title) {
                Ok(parsed) => {
                    let mut identity = b"tagpack\0".to_vec();
                    identity.extend_from_slice(title.as_bytes());
                    identity.push(0);
                    identity.extend_from_slice(excerpt.as_bytes());
                    sink.record(Record {
                        at,
                        identity,
                        raw: Some(excerpt),
                        parsed,
                    })?;
                }
                Err(reason) => sink.quarantine(at, &reason, excerpt.as_bytes())?,
            }
        }
        Ok(())
    }
}

/// A scalar YAML value as text (strings, numbers, booleans).
fn scalar(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
    .filter(|text| !text.is_empty())
}

fn parse_tag(tag: &Value, header: &serde_norway::Mapping, title: &str) -> Result<Parsed, String> {
    let fields = tag
        .as_mapping()
        .ok_or("a tag must be a mapping with an `address`")?;
    let raw_address = scalar(fields.get("address")).ok_or("tag has no address")?;
    let address = normalize::wallet(&raw_address)
        .ok_or_else(|| format!("address {raw_address:?} is not a wallet address"))?;
    let field = |name: &str| scalar(fields.get(name)).or_else(|| scalar(header.get(name)));
    let mut wallet = EntityFragment::new(format!("wallet:{address}"), "CryptoWallet");
    wallet.prop("publicKey", &address);
    for name in INHERITED {
        let Some(value) = field(name) else { continue };
        match *name {
            "category" => wallet.prop("category", value.to_lowercase()),
            "abuse" => wallet.prop("abuse", value.to_lowercase()),
            "network" | "currency" => wallet.prop("currency", value.to_uppercase()),
            "source" => wallet.prop("labelSourceUrl", value),
            "context" => wallet.prop("labelContext", value),
            other => wallet.prop(other, value),
        };
    }
    // A tag without a label of its own reads as its pack's title.
    if field("label").is_none() {
        wallet.prop("label", title);
    }
    if let Some(concepts) = fields.get("concepts").and_then(Value::as_sequence) {
        for concept in concepts {
            if let Some(concept) = scalar(Some(concept)) {
                wallet.prop("category", concept.to_lowercase());
            }
        }
    }
    wallet.prop("labelSource", format!("tagpack: {title}"));
    Ok(Parsed {
        entities: vec![wallet],
        ..Parsed::default()
    })
}

/// Where each tag starts in the file (the lines that open a list item under
/// `tags:`), so quarantined tags carry a line number.
struct TagLines {
    starts: Vec<Position>,
}

impl TagLines {
    fn new(text: &str) -> TagLines {
        let mut starts = Vec::new();
        let mut in_tags = false;
        let mut offset = 0u64;
        let mut item_indent = None;
        for (number, line) in text.split_inclusive('\n').enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if line.starts_with("tags:") {
                in_tags = true;
            } else if in_tags && trimmed.starts_with("- ") {
                if item_indent.is_none_or(|i| i == indent) {
                    item_indent = Some(indent);
                    starts.push(Position {
                        line: number as u64 + 1,
                        byte_offset: offset,
                    });
                }
            } else if in_tags && indent == 0 && !trimmed.is_empty() && !trimmed.starts_with('#') {
                in_tags = false;
            }
            offset += line.len() as u64;
        }
        TagLines { starts }
    }

    fn position(&self, index: usize) -> Position {
        self.starts.get(index).copied().unwrap_or(Position {
            line: 0,
            byte_offset: index as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &str) -> MemorySink {
        let mut sink = MemorySink::default();
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "pack.yaml",
            reader: &mut reader,
            org: None,
        };
        TagPack.read(&mut input, &mut sink).unwrap();
        sink
    }

    #[test]
    fn tags_inherit_the_header() {
        let sink = read(
            "title: Ronin bridge hack\nabuse: service_hack\ncurrency: ETH\nlabel: pack label\ntags:\n\
             - address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'\n  label: Ronin bridge exploiter\n\
             - address: not-an-address\n\
             - address: '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0'\n  category: exchange\n",
        );
        assert_eq!(sink.records.len(), 2);
        let first = &sink.records[0].parsed.entities[0];
        assert_eq!(
            first.id,
            "wallet:0x098b716b8aaf21512996dc57eb0615e2383e2f96"
        );
        assert_eq!(first.first("label"), Some("Ronin bridge exploiter"));
        assert_eq!(first.first("abuse"), Some("service_hack"));
        assert_eq!(first.first("currency"), Some("ETH"));
        let second = &sink.records[1].parsed.entities[0];
        assert_eq!(second.first("label"), Some("pack label"));
        assert_eq!(second.first("category"), Some("exchange"));
        assert_eq!(sink.quarantined.len(), 1);
        assert_eq!(sink.quarantined[0].0.line, 8);
        assert!(sink.quarantined[0].1.contains("not a wallet address"));
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let mut sink = MemorySink::default();
        let text = "title: x\ntags:\n- address: [unclosed\n";
        let mut reader = text.as_bytes();
        let mut input = Input {
            path: "pack.yaml",
            reader: &mut reader,
            org: None,
        };
        let error = TagPack.read(&mut input, &mut sink).unwrap_err();
        assert!(error.to_string().contains("pack.yaml:"), "{error}");
    }
}
