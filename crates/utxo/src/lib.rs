//! Bitcoin and other UTXO chains: from exports to who controls which addresses.
//!
//! Data moves one way through this crate:
//!
//! * [`parse`]: pure readers for bitcoin-etl transaction JSON lines and Bitcoin Core
//!   `getblock` (verbosity 2 and 3) JSON, into [`tx::Tx`] with exact satoshi values.
//! * [`resolve`]: each input is tied to the output it spends (txid, index), whichever
//!   of the two was read first.
//! * [`unionfind`] and [`cluster`]: multi-input (common-input-ownership) clustering,
//!   4 bytes an address, incremental as blocks arrive, with the transactions that
//!   formed each cluster kept as evidence.
//! * [`coinjoin`], [`peel`] and [`change`]: transaction classifiers. CoinJoins stop
//!   clustering; peel chains and change outputs are reported as evidence with a
//!   confidence, never merged into clusters silently.
//! * [`graphsense`]: GraphSense's UTXO test world and its address/cluster relations,
//!   to check our partitions against GraphSense's reference outputs.
//! * [`taint`]: poison, haircut and FIFO taint at output level, in the EVM
//!   tracer's result shape; [`hop`]: bridge and THORChain hops from Ethereum.
//! * [`detectors`]: `btc_coinjoin` and `btc_peel_chain` for `unmask detect`.
//! * [`load`]: files into the graph; the graph itself is saved under
//!   `<data-dir>/chain/btc/` ([`btc_dir`]).

pub mod amount;
pub mod change;
pub mod cluster;
pub mod coinjoin;
pub mod detectors;
pub mod error;
pub mod graph;
pub mod graphsense;
pub mod hop;
pub mod load;
pub mod parse;
pub mod peel;
pub mod resolve;
pub mod script;
pub mod seeds;
pub mod taint;
pub mod tx;
pub mod unionfind;

pub use error::{ParseError, UtxoError};
pub use tx::{Outpoint, Tx, TxIn, TxOut, Txid};

/// The folder of the Bitcoin graph inside the data dir (beside the EVM chain store).
pub fn btc_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("chain").join("btc")
}
