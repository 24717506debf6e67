//! Bulk chain formats. Chain exports run to millions of rows, more than SQLite row
//! inserts can take at the speed of a CSV parser, so their rows bypass the
//! `records` table: a format that implements [`TransferFormat`] (and returns it
//! from [`crate::Format::bulk`]) hands [`RawTransfer`]s to a [`TransferSink`],
//! and the pipeline appends them to the chain store (`unmask_trace::chain`),
//! deduplicated by (chain, transaction, sub-key). Quarantine and the file's
//! reconciliation stay in SQLite like every other format's; each stored edge keeps
//! its source file id and line.
//!
//! The same formats still work through the ordinary [`Sink`]: [`read_as_records`]
//! turns each transfer into a record with an `Event::Transfer`, for tests and for
//! callers that want records.

use unmask_model::{Event, Parsed, Transfer};
use unmask_trace::chain::{address_text, hash_text, Asset, RawTransfer};

use crate::{Input, Position, ReadError, Record, Sink, SinkError};

/// Where a bulk format puts what it reads.
pub trait TransferSink {
    fn transfer(&mut self, transfer: &RawTransfer) -> Result<(), SinkError>;
    /// Several rows in file order (a format may hand over rows in batches, so the
    /// chain store can look their addresses up together).
    fn transfers(&mut self, batch: &[RawTransfer]) -> Result<(), SinkError> {
        batch
            .iter()
            .try_for_each(|transfer| self.transfer(transfer))
    }
    /// A row that could not be used, with a reason a person understands.
    fn quarantine(&mut self, at: Position, reason: &str, raw: &[u8]) -> Result<(), SinkError>;
}

/// A format whose rows are chain transfers.
pub trait TransferFormat: Sync {
    fn read_transfers(
        &self,
        input: &mut Input<'_>,
        sink: &mut dyn TransferSink,
    ) -> Result<(), ReadError>;
}

/// Keeps transfers in memory: for tests of formats.
#[derive(Debug, Default)]
pub struct MemoryTransfers {
    pub transfers: Vec<RawTransfer>,
    /// (position, reason)
    pub quarantined: Vec<(Position, String)>,
}

impl TransferSink for MemoryTransfers {
    fn transfer(&mut self, transfer: &RawTransfer) -> Result<(), SinkError> {
        self.transfers.push(transfer.clone());
        Ok(())
    }

    fn quarantine(&mut self, at: Position, reason: &str, _raw: &[u8]) -> Result<(), SinkError> {
        self.quarantined.push((at, reason.to_string()));
        Ok(())
    }
}

/// The model's form of a transfer (decimal amount, text addresses).
pub fn to_model(transfer: &RawTransfer, chain: &str) -> Transfer {
    Transfer {
        chain: chain.to_string(),
        tx_hash: hash_text(&transfer.tx_hash),
        sub_index: format!("{:x}", transfer.sub.0),
        block_number: transfer.block,
        time: transfer.time as i64,
        from: address_text(&transfer.from),
        to: address_text(&transfer.to),
        asset: match transfer.asset {
            Asset::Native => "ETH".to_string(),
            Asset::Token(address) => address_text(&address),
        },
        amount: transfer.amount.to_string(),
    }
}

/// Reads a bulk format through an ordinary sink: one record per transfer, whose
/// identity is (chain, transaction, sub-key), so duplicates meet in the store.
pub fn read_as_records(
    format: &dyn TransferFormat,
    input: &mut Input<'_>,
    sink: &mut dyn Sink,
) -> Result<(), ReadError> {
    struct Adapter<'s> {
        sink: &'s mut dyn Sink,
    }
    impl TransferSink for Adapter<'_> {
        fn transfer(&mut self, transfer: &RawTransfer) -> Result<(), SinkError> {
            let mut identity = b"ethereum\0".to_vec();
            identity.extend_from_slice(&transfer.tx_hash);
            identity.extend_from_slice(&transfer.sub.0.to_be_bytes());
            let mut transfer_event = to_model(transfer, "ethereum");
            if !transfer.is_money() {
                // Kept for provenance; tracing ignores it.
                transfer_event.amount = if transfer.failed {
                    "0".to_string()
                } else {
                    transfer_event.amount
                };
            }
            self.sink.record(Record {
                at: Position {
                    line: transfer.line,
                    byte_offset: 0,
                },
                identity,
                raw: None,
                parsed: Parsed {
                    events: vec![Event::Transfer(transfer_event)],
                    ..Parsed::default()
                },
            })
        }

        fn quarantine(&mut self, at: Position, reason: &str, raw: &[u8]) -> Result<(), SinkError> {
            self.sink.quarantine(at, reason, raw)
        }
    }
    format.read_transfers(input, &mut Adapter { sink })
}
