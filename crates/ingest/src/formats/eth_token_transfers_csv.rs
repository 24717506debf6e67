//! `token_transfers.csv` from ethereum-etl: ERC-20 `Transfer` events, one edge each.
//! A bulk format: rows go to the chain store (see [`crate::transfers`]); the
//! column handling is shared in [`super::ethereum_etl`].

use super::ethereum_etl::{self, Kind};
use crate::transfers::{read_as_records, TransferFormat, TransferSink};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EthTokenTransfersCsv;

impl Format for EthTokenTransfersCsv {
    fn name(&self) -> &'static str {
        "ethereum-etl-token-transfers"
    }

    fn description(&self) -> &'static str {
        "ethereum-etl token_transfers.csv (ERC-20 Transfer events)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        ethereum_etl::sniff_csv(sample, Kind::TokenTransfer)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        read_as_records(self, input, sink)
    }

    fn bulk(&self) -> Option<&dyn TransferFormat> {
        Some(self)
    }
}

impl TransferFormat for EthTokenTransfersCsv {
    fn read_transfers(
        &self,
        input: &mut Input<'_>,
        sink: &mut dyn TransferSink,
    ) -> Result<(), ReadError> {
        ethereum_etl::read_csv(input, sink, Kind::TokenTransfer)
    }
}
