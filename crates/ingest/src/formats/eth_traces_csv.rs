//! `traces.csv` from ethereum-etl, parity or geth flavour: internal ETH transfers,
//! creations, self-destructs and block rewards (GraphSense's traces read too).
//! A bulk format: rows go to the chain store (see [`crate::transfers`]); the
//! column handling is shared in [`super::ethereum_etl`].

use super::ethereum_etl::{self, Kind};
use crate::transfers::{read_as_records, TransferFormat, TransferSink};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EthTracesCsv;

impl Format for EthTracesCsv {
    fn name(&self) -> &'static str {
        "ethereum-etl-traces"
    }

    fn description(&self) -> &'static str {
        "ethereum-etl traces.csv, parity or geth flavour (internal ETH transfers, creations, self-destructs, block rewards; GraphSense's traces too)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        ethereum_etl::sniff_csv(sample, Kind::Trace)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        read_as_records(self, input, sink)
    }

    fn bulk(&self) -> Option<&dyn TransferFormat> {
        Some(self)
    }
}

impl TransferFormat for EthTracesCsv {
    fn read_transfers(
        &self,
        input: &mut Input<'_>,
        sink: &mut dyn TransferSink,
    ) -> Result<(), ReadError> {
        ethereum_etl::read_csv(input, sink, Kind::Trace)
    }
}
