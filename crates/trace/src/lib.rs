//! Crypto tracing: follow stolen funds from a hack to the places they can be frozen.
//!
//! * [`chain`]: the chain store, a compact memory-mapped transfer graph (address
//!   and transaction dictionaries, edges by source and by destination) that bulk
//!   ingest appends to, segment by segment.
//! * [`amount`]: exact uint256 amounts; nothing here goes through a float.
//! * [`labels`]: what an address is (exchange, mixer, bridge, sanctioned...), from
//!   GraphSense TagPacks, OFAC address lists and the analyst's own labels, kept on
//!   the `wallet:` entities of the store.
//! * [`taint`]: poison, haircut and FIFO taint, forward and backward, with stops at
//!   labelled services, and a result that reconciles.
//! * [`detectors`]: laundering patterns (fan-out, peel chains, mixer and bridge
//!   deposits, fresh addresses, consolidation, tainted exchange deposits).

pub mod amount;
pub mod bench;
pub mod chain;
pub mod detectors;
pub mod labels;
pub mod taint;
