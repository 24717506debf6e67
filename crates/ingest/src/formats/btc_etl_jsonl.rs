//! bitcoin-etl `transactions.json` (`export_blocks_and_transactions`, enriched or
//! not, and `stream` items): one transaction a line, values in satoshi. Parsing is
//! `unmask_utxo::parse::etl`; a line that cannot be read is quarantined with its
//! line number and the reason, and block rows of a stream are quarantined as "not a
//! transaction".

use unmask_utxo::parse::etl::{self, Line};

use super::btc_shared;
use crate::{Format, Input, Position, ReadError, Sample, Sink};

pub(crate) struct BitcoinEtlJsonLines;

impl Format for BitcoinEtlJsonLines {
    fn name(&self) -> &'static str {
        "bitcoin-etl-json"
    }

    fn description(&self) -> &'static str {
        "bitcoin-etl transactions JSON lines (inputs/outputs, satoshi; plain, enriched or stream items)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        // Above ethereum-etl's JSON lines, which also read `"type": "transaction"`.
        let line = sample.first_line()?;
        etl::looks_like_transaction(line).then_some(99)
    }

    fn feeds_utxo_graph(&self) -> bool {
        true
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let mut buf = Vec::with_capacity(8192);
        let mut at = Position {
            line: 1,
            byte_offset: 0,
        };
        loop {
            buf.clear();
            let read =
                input
                    .reader
                    .read_until(b'\n', &mut buf)
                    .map_err(|source| ReadError::Io {
                        path: input.path.to_string(),
                        source,
                    })?;
            if read == 0 {
                return Ok(());
            }
            let here = at;
            at.line += 1;
            at.byte_offset += read as u64;
            let line = trim_line(&buf);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match etl::parse_line(line) {
                Ok(Line::Tx(tx)) => btc_shared::record(&tx, here, sink)?,
                Ok(Line::Other(kind)) => sink.quarantine(
                    here,
                    &format!("a bitcoin-etl {kind} row, not a transaction"),
                    line,
                )?,
                Err(error) => {
                    sink.quarantine(here, &format!("bitcoin-etl transaction: {error}"), line)?
                }
            }
        }
    }
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    let start = if buf.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    &buf[start.min(end)..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    fn read(text: &str) -> MemorySink {
        let mut reader = std::io::Cursor::new(text.as_bytes().to_vec());
        let mut sink = MemorySink::default();
        BitcoinEtlJsonLines
            .read(
                &mut Input {
                    path: "transactions.json",
                    reader: &mut reader,
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        sink
    }

    const GENESIS: &str =
        include_str!("../../../utxo/testdata/bitcoin-etl/block_0_transactions.json");
    const STREAM: &str =
        include_str!("../../../utxo/testdata/bitcoin-etl/stream_50001_50002_transactions.json");

    #[test]
    fn sniffs_bitcoin_etl_lines_above_ethereum_etl() {
        let sample = Sample {
            path: std::path::Path::new("transactions.json"),
            head: STREAM.as_bytes(),
        };
        assert_eq!(BitcoinEtlJsonLines.sniff(&sample), Some(99));
        let detected = crate::detect(&crate::formats::all(), &sample).unwrap();
        assert_eq!(detected.name(), "bitcoin-etl-json");
        let csv = Sample {
            path: std::path::Path::new("x.csv"),
            head: b"hash,nonce\n",
        };
        assert_eq!(BitcoinEtlJsonLines.sniff(&csv), None);
    }

    #[test]
    fn one_record_per_transaction_and_bad_lines_quarantined_by_line() {
        let text = format!(
            "{GENESIS}{{\"hash\": \"nope\"}}\n\n{{\"type\": \"block\", \"number\": 1}}\n{STREAM}"
        );
        let sink = read(&text);
        assert_eq!(sink.records.len(), 5);
        let lines: Vec<u64> = sink.quarantined.iter().map(|(at, _)| at.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(
            sink.quarantined[0].1.contains("hash"),
            "{:?}",
            sink.quarantined
        );
        assert!(sink.quarantined[1].1.contains("block row"));
        assert_eq!(sink.records[1].at.line, 5);
        let genesis = &sink.records[0];
        assert_eq!(&genesis.identity[..8], b"bitcoin\0");
        assert_eq!(
            genesis.parsed.entities[0].id,
            "wallet:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
        );
    }
}
