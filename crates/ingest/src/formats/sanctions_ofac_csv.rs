//! OFAC's legacy SDN CSV release: four files that only make sense together.
//!
//! How a multi-file source is ingested (docs/screening.md):
//! - `sdn.csv` (or `cons_prim.csv`) is the entry point (`ofac-sdn-csv`). Reading it also
//!   reads `alt.csv`, `add.csv` and `sdn_comments.csv` from the same folder when they are
//!   there, so each entry is stored whole: names and aliases, addresses' countries, and the
//!   birth dates, documents and crypto addresses of its Remarks, continued in
//!   `sdn_comments.csv`. One record per `sdn.csv` row; its malformed rows are quarantined.
//! - The companions themselves (`ofac-sdn-csv-part`) are ingested as files of their own,
//!   so every row of the release is accounted for in the reconciliation: each row is a
//!   record of its own file and line that points at its entry (`sanction:us_ofac_sdn:N`),
//!   or is quarantined with its reason (wrong column count, an entry `sdn.csv` lacks). A
//!   companion without its `sdn.csv` beside it fails as a file, with that message.
//!
//! Ingest the folder (`unmask ingest lists/ofac/`) to get all four.

use std::path::{Path, PathBuf};

use unmask_model::{EntityFragment, Parsed};
use unmask_screen::sources::{parse_ofac_csv, OfacCsvInput, OFAC_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list::{self, Locator};
use crate::{Format, Input, Position, ReadError, Record, Sample, Sink};

pub(crate) struct OfacSdnCsv;
pub(crate) struct OfacSdnCsvPart;

/// The companions of a release, by the name of its main file.
const RELEASES: &[(&str, [&str; 3])] = &[
    ("sdn.csv", ["alt.csv", "add.csv", "sdn_comments.csv"]),
    (
        "cons_prim.csv",
        ["cons_alt.csv", "cons_add.csv", "cons_comments.csv"],
    ),
];

fn sniffed(sample: &Sample<'_>) -> Option<ListFormat> {
    unmask_screen::sniff(&sample.file_name(), sample.head)
}

/// The file named `name` beside `path`, matching names case-insensitively.
fn beside(path: &str, name: &str) -> Option<PathBuf> {
    let dir = Path::new(path).parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
}

fn read_beside(path: &str, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
    let Some(file) = beside(path, name) else {
        return Ok(None);
    };
    std::fs::read(&file)
        .map(Some)
        .map_err(|source| ReadError::Io {
            path: file.display().to_string(),
            source,
        })
}

fn base_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

impl Format for OfacSdnCsv {
    fn name(&self) -> &'static str {
        "ofac-sdn-csv"
    }

    fn description(&self) -> &'static str {
        "OFAC SDN legacy CSV release: sdn.csv, with alt.csv, add.csv and sdn_comments.csv read from beside it"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        (sniffed(sample)? == ListFormat::OfacSdnCsv).then_some(90)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let sdn = sanctions_list::read_all(input)?;
        let name = base_name(input.path);
        let parts = RELEASES
            .iter()
            .find(|(main, _)| *main == name)
            .map_or(RELEASES[0].1, |(_, parts)| *parts);
        let alt = read_beside(input.path, parts[0])?;
        let add = read_beside(input.path, parts[1])?;
        let comments = read_beside(input.path, parts[2])?;
        let output = parse_ofac_csv(
            OfacCsvInput {
                sdn: &sdn,
                alt: alt.as_deref(),
                add: add.as_deref(),
                comments: comments.as_deref(),
            },
            OFAC_LIST,
        );
        sanctions_list::emit(
            self.name(),
            &sdn,
            output,
            &Locator {
                open: &[],
                close: &[],
            },
            |e| vec![format!("{},", e.id), format!("\"{}\",", e.id)],
            // Companion rows are quarantined by the companion's own ingest.
            |q| q.file == "sdn.csv",
            sink,
        )
    }
}

/// (columns, what the file holds) of a companion, by its base name.
fn part_kind(name: &str) -> Option<(usize, &'static str)> {
    match name {
        "alt.csv" | "cons_alt.csv" => Some((5, "alias")),
        "add.csv" | "cons_add.csv" => Some((6, "address")),
        "sdn_comments.csv" | "cons_comments.csv" => Some((2, "remarks continued")),
        _ => None,
    }
}

impl Format for OfacSdnCsvPart {
    fn name(&self) -> &'static str {
        "ofac-sdn-csv-part"
    }

    fn description(&self) -> &'static str {
        "OFAC SDN legacy CSV companions (alt.csv, add.csv, sdn_comments.csv): rows accounted for, content read with sdn.csv"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        match sniffed(sample)? {
            ListFormat::OfacAltCsv | ListFormat::OfacAddCsv | ListFormat::OfacCommentsCsv => {
                Some(90)
            }
            _ => None,
        }
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let name = base_name(input.path);
        let (columns, what) = part_kind(&name).unwrap_or((5, "alias"));
        let main = if name.starts_with("cons_") {
            "cons_prim.csv"
        } else {
            "sdn.csv"
        };
        let Some(sdn) = read_beside(input.path, main)? else {
            return Err(ReadError::Invalid {
                path: input.path.to_string(),
                line: 0,
                message: format!(
                    "{name} is part of an OFAC legacy CSV release and is read with its {main}; put {main} beside it"
                ),
            });
        };
        let schemas: std::collections::HashMap<String, &'static str> = parse_ofac_csv(
            OfacCsvInput {
                sdn: &sdn,
                ..Default::default()
            },
            OFAC_LIST,
        )
        .entities
        .into_iter()
        .map(|e| (e.id, e.schema.as_str()))
        .collect();
        let data = sanctions_list::read_all(input)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data.as_slice());
        let mut row = csv::ByteRecord::new();
        loop {
            let at = reader.position().clone();
            let here = Position {
                line: at.line(),
                byte_offset: at.byte(),
            };
            match reader.read_byte_record(&mut row) {
                Ok(false) => break,
                Err(err) => {
                    let end = reader.position().byte() as usize;
                    sink.quarantine(
                        here,
                        &format!("unreadable CSV row: {err}"),
                        &data[here.byte_offset as usize..end.min(data.len())],
                    )?;
                    if matches!(err.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                }
                Ok(true) => {
                    let end = reader.position().byte() as usize;
                    let raw = &data[here.byte_offset as usize..end.min(data.len())];
                    if raw.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1a) {
                        continue;
                    }
                    let text = String::from_utf8_lossy(raw).trim_end().to_string();
                    if row.len() != columns {
                        sink.quarantine(
                            here,
                            &format!("expected {columns} columns, found {}", row.len()),
                            raw,
                        )?;
                        continue;
                    }
                    let ent_num = String::from_utf8_lossy(&row[0]).trim().to_string();
                    let Some(schema) = schemas.get(&ent_num) else {
                        sink.quarantine(
                            here,
                            &format!("{what} of entry {ent_num:?}, which {main} does not list"),
                            raw,
                        )?;
                        continue;
                    };
                    let fragment =
                        EntityFragment::new(format!("sanction:{OFAC_LIST}:{ent_num}"), schema);
                    sink.record(Record {
                        at: here,
                        identity: format!("{}\0{name}\0{text}", self.name()).into_bytes(),
                        raw: Some(text),
                        parsed: Parsed {
                            entities: vec![fragment],
                            ..Parsed::default()
                        },
                    })?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn release(dir: &Path) {
        std::fs::write(
            dir.join("sdn.csv"),
            "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\
             bad row\r\n\
             20157,\"KIM, Jong Un\",\"individual\",\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 08 Jan 1984; Digital Currency Address - ETH 0xAbC0000000000000000000000000000000000001.\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("alt.csv"),
            "306,220,\"aka\",\"NATIONAL BANK OF CUBA\",-0- \n999,1,\"aka\",\"NOBODY\",-0- \n1,2\n",
        )
        .unwrap();
    }

    #[test]
    fn sdn_reads_its_companions_and_each_file_accounts_for_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        release(dir.path());
        let path = dir.path().join("sdn.csv").display().to_string();
        let data = std::fs::read(&path).unwrap();
        let mut sink = MemorySink::default();
        OfacSdnCsv
            .read(
                &mut Input {
                    path: &path,
                    reader: &mut data.as_slice(),
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        assert_eq!(sink.records.len(), 2);
        assert_eq!(sink.quarantined.len(), 1, "{:?}", sink.quarantined);
        assert_eq!(sink.quarantined[0].0.line, 2, "{:?}", sink.quarantined);
        let bank = &sink.records[0].parsed.entities[0];
        assert_eq!(bank.id, "sanction:us_ofac_sdn:306");
        assert!(bank
            .properties
            .contains(&("alias".into(), "NATIONAL BANK OF CUBA".into())));
        let kim = &sink.records[1];
        assert_eq!(kim.at.line, 3);
        assert_eq!(kim.parsed.entities[0].schema, "Person");
        assert_eq!(
            kim.parsed.links[0].target,
            "wallet:0xabc0000000000000000000000000000000000001"
        );

        let alt_path = dir.path().join("alt.csv").display().to_string();
        let alt = std::fs::read(&alt_path).unwrap();
        let mut sink = MemorySink::default();
        OfacSdnCsvPart
            .read(
                &mut Input {
                    path: &alt_path,
                    reader: &mut alt.as_slice(),
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        assert_eq!(sink.records.len(), 1);
        assert_eq!(sink.records[0].parsed.entities[0].schema, "Organization");
        let reasons: Vec<&str> = sink.quarantined.iter().map(|q| q.1.as_str()).collect();
        assert_eq!(sink.quarantined[0].0.line, 2);
        assert!(reasons[0].contains("does not list"), "{reasons:?}");
        assert!(reasons[1].contains("expected 5 columns"), "{reasons:?}");
    }

    #[test]
    fn a_companion_alone_fails_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alt.csv").display().to_string();
        let mut sink = MemorySink::default();
        let err = OfacSdnCsvPart
            .read(
                &mut Input {
                    path: &path,
                    reader: &mut &b"1,2,\"aka\",\"X\",-0-\n"[..],
                    org: None,
                },
                &mut sink,
            )
            .unwrap_err();
        assert!(err.to_string().contains("put sdn.csv beside it"), "{err}");
    }
}
