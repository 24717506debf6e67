//! The one place where detectors are registered. Formats register in
//! `unmask_ingest::formats::all`; detectors here, so that crates with detectors of
//! their own (screening, tracing) plug in without a dependency cycle. The demo and
//! `unmask detect` run whatever this list holds.

use unmask_detect::{detectors, Detector};

pub fn detectors() -> Vec<&'static dyn Detector> {
    let mut all: Vec<&'static dyn Detector> = vec![
        &detectors::SharedIdentifier,
        &detectors::ShippingAddress,
        &detectors::SanctionsScreening,
    ];
    all.extend(unmask_workforce::detectors());
    all.extend(unmask_trace::detectors::all());
    all.push(&unmask_utxo::detectors::CoinJoinDetector);
    all.push(&unmask_utxo::detectors::PeelChainDetector);
    all
}
