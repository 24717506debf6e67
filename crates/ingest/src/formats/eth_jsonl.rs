//! The JSON-lines form ethereum-etl writes (`export_blocks_and_transactions
//! --transactions-output x.json`, `export_token_transfers`, `export_traces`, and the
//! `stream` command's items with their `type`): one flat object a line. Each line's
//! kind comes from its `type`, else from its keys; numbers are read as exact text.

use super::ethereum_etl::{self, Col, Kind, LineReader, RowView, TraceState};
use crate::transfers::{read_as_records, TransferFormat, TransferSink};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EthJsonLines;

/// The kind of one object, or why it is not a transfer.
fn kind_of(row: &ethereum_etl::JsonRow<'_>) -> Result<Kind, String> {
    match row.get(Col::Type) {
        Some("transaction") => return Ok(Kind::Transaction),
        Some("token_transfer") => return Ok(Kind::TokenTransfer),
        Some("trace") => return Ok(Kind::Trace),
        Some(other @ ("block" | "log" | "receipt" | "contract" | "token")) => {
            return Err(format!(
                "an ethereum-etl {other} item, not a transfer (ingest transactions, token_transfers and traces)"
            ))
        }
        _ => {}
    }
    let has = |col| row.get(col).is_some();
    if has(Col::Token) && has(Col::LogIndex) {
        Ok(Kind::TokenTransfer)
    } else if has(Col::TraceType) || has(Col::TraceId) || has(Col::TraceAddress) {
        Ok(Kind::Trace)
    } else if has(Col::Nonce) && has(Col::Hash) {
        Ok(Kind::Transaction)
    } else {
        Err(
            "a JSON object that is not an ethereum-etl transaction, token transfer or trace"
                .to_string(),
        )
    }
}

impl Format for EthJsonLines {
    fn name(&self) -> &'static str {
        "ethereum-etl-json"
    }

    fn description(&self) -> &'static str {
        "ethereum-etl JSON lines: transactions, token_transfers, traces (export or stream items)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        let line = sample.first_line()?;
        let row = ethereum_etl::parse_object(line).ok()?;
        kind_of(&row).ok()?;
        (row.get(Col::From).is_some()
            || row.get(Col::Value).is_some()
            || row.get(Col::Block).is_some())
        .then_some(95)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        read_as_records(self, input, sink)
    }

    fn bulk(&self) -> Option<&dyn TransferFormat> {
        Some(self)
    }
}

impl TransferFormat for EthJsonLines {
    fn read_transfers(
        &self,
        input: &mut Input<'_>,
        sink: &mut dyn TransferSink,
    ) -> Result<(), ReadError> {
        let mut lines = LineReader::new(input.reader, input.path);
        let mut state = TraceState::default();
        let mut batch = Vec::with_capacity(ethereum_etl::BATCH);
        while lines.next_record()? {
            let at = lines.at;
            let Ok(text) = std::str::from_utf8(&lines.buf) else {
                sink.quarantine(at, "line is not UTF-8", &lines.buf)?;
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let converted = ethereum_etl::parse_object(text).and_then(|row| {
                let kind = kind_of(&row)?;
                ethereum_etl::convert(&row, kind, at.line, &mut state)
            });
            match converted {
                Ok(transfer) => {
                    batch.push(transfer);
                    if batch.len() == ethereum_etl::BATCH {
                        sink.transfers(&batch)?;
                        batch.clear();
                    }
                }
                Err(reason) => sink.quarantine(at, &reason, &lines.buf)?,
            }
        }
        sink.transfers(&batch)?;
        Ok(())
    }
}
