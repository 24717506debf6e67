//! `chain_tainted_deposit`: an exchange deposit address (or an exchange wallet)
//! received funds traced from an abuse-labelled wallet: the alert an exchange needs
//! to freeze the account behind it.

use unmask_detect::{DetectError, Detector};
use unmask_model::{Evidence, Finding, Severity};
use unmask_store::Store;

use super::{wallet, Context};

pub struct TaintedDeposit;

impl Detector for TaintedDeposit {
    fn id(&self) -> &'static str {
        "chain_tainted_deposit"
    }

    fn description(&self) -> &'static str {
        "An exchange deposit address received funds traced from a hack or sanctioned wallet"
    }

    fn run(&self, store: &Store) -> Result<Vec<Finding>, DetectError> {
        let Some(context) = Context::load(store, self.id(), true)? else {
            return Ok(Vec::new());
        };
        let Some(taint) = &context.taint else {
            return Ok(Vec::new());
        };
        let mut findings = Vec::new();
        for exit in taint
            .exits
            .iter()
            .filter(|e| e.kind == "exchange_deposit" || e.kind == "exchange")
        {
            let amounts: Vec<String> = exit
                .amounts
                .iter()
                .map(
                    |(asset, value)| match (asset.as_str(), value.parse::<u128>()) {
                        ("ETH", Ok(wei)) => format!("{} ETH", crate::amount::format_units(wei, 18)),
                        _ => format!("{value} of {asset}"),
                    },
                )
                .collect();
            let deposit = exit.kind == "exchange_deposit";
            let senders: Vec<&str> = taint
                .flows
                .iter()
                .filter(|f| f.to == exit.address)
                .map(|f| f.from.as_str())
                .collect();
            let mut subjects = vec![wallet(&exit.address)];
            subjects.extend(senders.iter().take(5).map(|s| wallet(s)));
            findings.push(Finding {
                detector: self.id().to_string(),
                subjects,
                severity: if deposit { Severity::Critical } else { Severity::High },
                weight: if deposit { 0.8 } else { 0.5 },
                reason: format!(
                    "{} {} ({}) received {} of funds traced from {} (hop {}); ask the exchange to freeze the account behind it",
                    if deposit { "exchange deposit address" } else { "exchange wallet" },
                    exit.address,
                    exit.label.as_deref().unwrap_or("exchange"),
                    amounts.join(" + "),
                    taint.seeds.join(", "),
                    exit.hop
                ),
                evidence: exit
                    .transactions
                    .iter()
                    .map(|tx| Evidence {
                        entity_id: wallet(&exit.address),
                        note: format!("tainted funds arrived in transaction {tx}"),
                        record_id: None,
                    })
                    .collect(),
                key: format!("{}:{}", self.id(), exit.address),
            });
        }
        Ok(findings)
    }
}
