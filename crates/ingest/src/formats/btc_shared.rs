//! What the Bitcoin formats share: one record per transaction, keyed by
//! (`bitcoin`, txid) so a transaction read from two exports is stored once, with
//! the `CryptoWallet` entities of the addresses it pays, so a wallet seen in payroll
//! or a sanctions list meets the same wallet on chain. The transaction graph itself
//! (inputs, clusters, CoinJoins) lives in the UTXO store (`unmask_utxo`).

use unmask_model::{normalize, EntityFragment, Parsed};
use unmask_utxo::script::is_pseudo_address;
use unmask_utxo::Tx;

use crate::{Position, Record, Sink, SinkError};

pub(crate) fn record(tx: &Tx, at: Position, sink: &mut dyn Sink) -> Result<(), SinkError> {
    let mut identity = b"bitcoin\0".to_vec();
    identity.extend_from_slice(&tx.txid);
    let mut parsed = Parsed::default();
    let mut seen: Vec<&str> = Vec::new();
    for output in &tx.outputs {
        for address in &output.addresses {
            if is_pseudo_address(address) || seen.contains(&address.as_str()) {
                continue;
            }
            seen.push(address);
            let Some(normalized) = normalize::wallet(address) else {
                continue;
            };
            let mut wallet = EntityFragment::new(format!("wallet:{normalized}"), "CryptoWallet");
            wallet
                .prop("publicKey", &normalized)
                .prop("chain", "bitcoin");
            parsed.entities.push(wallet);
        }
    }
    sink.record(Record {
        at,
        identity,
        raw: None,
        parsed,
    })
}
