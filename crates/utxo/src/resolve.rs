//! Ties each input to the output it spends, by (txid, index), whatever order the
//! transactions were read in: plain bitcoin-etl exports and `getblock` verbosity 2
//! name the spent output but not its value or address.

use rustc_hash::FxHashMap;

use crate::tx::{Outpoint, Spent, Tx};

/// What a resolution pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resolution {
    /// Inputs that now know their value and addresses.
    pub resolved: u64,
    /// Inputs that already did (enriched exports).
    pub already: u64,
    /// Inputs whose spent output is not among the transactions given (spends of
    /// older blocks).
    pub unresolved: u64,
    /// Enriched inputs whose value disagrees with the output they spend.
    pub conflicts: u64,
}

/// Fills in `spent` for every input whose output is among `txs`, in any order.
pub fn resolve_all(txs: &mut [Tx]) -> Resolution {
    let mut outputs: FxHashMap<Outpoint, Spent> = FxHashMap::default();
    for tx in txs.iter() {
        for output in &tx.outputs {
            outputs.insert(
                Outpoint {
                    txid: tx.txid,
                    index: output.index,
                },
                Spent {
                    value: output.value,
                    script_type: Some(output.script_type),
                    addresses: output.addresses.clone(),
                },
            );
        }
    }
    let mut report = Resolution::default();
    for tx in txs.iter_mut() {
        for input in &mut tx.inputs {
            let Some(prev) = input.prev else { continue };
            match (&input.spent, outputs.get(&prev)) {
                (Some(spent), Some(found)) => {
                    report.already += 1;
                    if spent.value != found.value {
                        report.conflicts += 1;
                    }
                }
                (Some(_), None) => report.already += 1,
                (None, Some(found)) => {
                    input.spent = Some(found.clone());
                    report.resolved += 1;
                }
                (None, None) => report.unresolved += 1,
            }
        }
    }
    report
}
