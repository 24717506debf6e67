//! `transactions.csv` from ethereum-etl: the native ETH value of each transaction
//! (GraphSense's camelCase export of the same table reads too).
//! A bulk format: rows go to the chain store (see [`crate::transfers`]); the
//! column handling is shared in [`super::ethereum_etl`].

use super::ethereum_etl::{self, Kind};
use crate::transfers::{read_as_records, TransferFormat, TransferSink};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EthTransactionsCsv;

impl Format for EthTransactionsCsv {
    fn name(&self) -> &'static str {
        "ethereum-etl-transactions"
    }

    fn description(&self) -> &'static str {
        "ethereum-etl transactions.csv (native ETH value of each transaction; GraphSense's camelCase export too)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        ethereum_etl::sniff_csv(sample, Kind::Transaction)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        read_as_records(self, input, sink)
    }

    fn bulk(&self) -> Option<&dyn TransferFormat> {
        Some(self)
    }
}

impl TransferFormat for EthTransactionsCsv {
    fn read_transfers(
        &self,
        input: &mut Input<'_>,
        sink: &mut dyn TransferSink,
    ) -> Result<(), ReadError> {
        ethereum_etl::read_csv(input, sink, Kind::Transaction)
    }
}
