//! FollowTheMoney entities as JSON lines (OpenSanctions' `entities.ftm.json`): one
//! record per line. Screenable schemas (Person, Organization, Company, LegalEntity,
//! Vessel, Aircraft, CryptoWallet) become `sanction:{dataset}:{id}` entities (see
//! `sanctions_list`); lines of other schemas (Sanction, Address, Ownership ...) are kept
//! as records without entities, so the reconciliation still counts every line; lines
//! that are not JSON or lack an id, a schema or a name are quarantined.

use unmask_screen::sources::{parse_ftm, FTM_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list;
use crate::{Format, Input, Position, ReadError, Record, Sample, Sink};

pub(crate) struct FtmJsonLines;

impl Format for FtmJsonLines {
    fn name(&self) -> &'static str {
        "ftm-jsonl"
    }

    fn description(&self) -> &'static str {
        "FollowTheMoney entities, JSON lines (OpenSanctions entities.ftm.json)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        if unmask_screen::sniff(&sample.file_name(), sample.head)? != ListFormat::FtmJson {
            return None;
        }
        // FtM lines carry `properties` as an object; other JSON-lines logs rarely do.
        let first = sample.first_line()?;
        (first.contains("\"properties\"") && first.contains("\"id\"")).then_some(70)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
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
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let output = parse_ftm(text, FTM_LIST);
            if let Some(q) = output.quarantined.first() {
                sink.quarantine(here, &q.reason, text)?;
                continue;
            }
            let raw = String::from_utf8_lossy(text).into_owned();
            let parsed = output
                .entities
                .first()
                .map(sanctions_list::parsed)
                .unwrap_or_default();
            sink.record(Record {
                at: here,
                identity: [self.name().as_bytes(), b"\0", text].concat(),
                raw: Some(raw),
                parsed,
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
    fn every_line_is_a_record_or_quarantined() {
        let text = concat!(
            r#"{"id": "NK-1", "schema": "Person", "caption": "Kim Jong Un", "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}, "datasets": ["us_ofac_sdn"]}"#,
            "\n",
            r#"{"id": "san-1", "schema": "Sanction", "properties": {"program": ["DPRK3"]}, "datasets": ["us_ofac_sdn"]}"#,
            "\n\nnot json\n",
        );
        let mut sink = MemorySink::default();
        FtmJsonLines
            .read(
                &mut Input {
                    path: "entities.ftm.json",
                    reader: &mut text.as_bytes(),
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        assert_eq!(sink.records.len(), 2);
        assert_eq!(
            sink.records[0].parsed.entities[0].id,
            "sanction:us_ofac_sdn:NK-1"
        );
        assert!(sink.records[1].parsed.entities.is_empty());
        assert_eq!(sink.quarantined.len(), 1);
        assert_eq!(sink.quarantined[0].0.line, 4);
    }
}
