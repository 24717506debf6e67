//! Bitcoin Core `getblock <hash> 2` (or 3) JSON: one block, a JSON-RPC envelope, an
//! array of blocks or one block a line. Values are decimal BTC read exactly into
//! satoshi by `unmask_utxo::parse::getblock`; each transaction is a record, and one
//! that cannot be read is quarantined at the line where it starts.

use unmask_utxo::parse::getblock;

use super::btc_shared;
use crate::{Format, Input, Position, ReadError, Sample, Sink, SinkError};

pub(crate) struct BitcoinCoreGetBlock;

impl Format for BitcoinCoreGetBlock {
    fn name(&self) -> &'static str {
        "bitcoin-core-getblock"
    }

    fn description(&self) -> &'static str {
        "Bitcoin Core getblock verbosity 2/3 JSON (one block, RPC envelope, array or one a line; BTC decimals)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let head = std::str::from_utf8(sample.head)
            .or_else(|e| std::str::from_utf8(&sample.head[..e.valid_up_to()]))
            .ok()?;
        let first = head.trim_start().as_bytes().first()?;
        (matches!(first, b'{' | b'[') && getblock::looks_like_getblock(head)).then_some(95)
    }

    fn feeds_utxo_graph(&self) -> bool {
        true
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let mut bytes = Vec::new();
        input
            .reader
            .read_to_end(&mut bytes)
            .map_err(|source| ReadError::Io {
                path: input.path.to_string(),
                source,
            })?;
        // Line numbers of offsets, counted forward as the items come in order.
        let mut counted_to = 0usize;
        let mut line = 1u64;
        let mut failure: Option<SinkError> = None;
        getblock::parse_file(&bytes, &mut |offset, item| {
            if failure.is_some() {
                return;
            }
            if offset >= counted_to {
                line += memchr::memchr_iter(b'\n', &bytes[counted_to..offset]).count() as u64;
                counted_to = offset;
            }
            let at = Position {
                line,
                byte_offset: offset as u64,
            };
            let outcome = match item {
                Ok(tx) => btc_shared::record(&tx, at, sink),
                Err(error) => {
                    let end =
                        memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |e| offset + e);
                    sink.quarantine(at, &format!("getblock: {error}"), &bytes[offset..end])
                }
            };
            if let Err(error) = outcome {
                failure = Some(error);
            }
        });
        match failure {
            Some(error) => Err(error.into()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySink;

    const BLOCK_50001: &str =
        include_str!("../../../utxo/testdata/bitcoin-etl/block_50001_getblock_2.json");

    #[test]
    fn sniffs_and_reads_a_block_with_lines() {
        let sample = Sample {
            path: std::path::Path::new("block.json"),
            head: BLOCK_50001.as_bytes(),
        };
        assert_eq!(BitcoinCoreGetBlock.sniff(&sample), Some(95));
        let detected = crate::detect(&crate::formats::all(), &sample).unwrap();
        assert_eq!(detected.name(), "bitcoin-core-getblock");

        let broken = BLOCK_50001.replacen("\"value\": 50.0", "\"value\": 50.000000001", 1);
        let mut reader = std::io::Cursor::new(broken.into_bytes());
        let mut sink = MemorySink::default();
        BitcoinCoreGetBlock
            .read(
                &mut Input {
                    path: "block.json",
                    reader: &mut reader,
                    org: None,
                },
                &mut sink,
            )
            .unwrap();
        assert_eq!(sink.records.len(), 2);
        assert_eq!(sink.quarantined.len(), 1);
        let (at, reason) = &sink.quarantined[0];
        assert_eq!(at.line, 19, "{reason}");
        assert!(reason.contains("vout.value"), "{reason}");
        assert!(sink.records[0].at.line > 19);
    }
}
