//! Change heuristics: which output of a spend went back to the spender. Each one is
//! off by default, and what they find is reported as evidence with a confidence;
//! clusters are never merged on their word.
//!
//! * **address reuse** (direct change): an output pays an address that is also an
//!   input. Near certain.
//! * **one-time change** (Meiklejohn et al., "A Fistful of Bitcoins", 2013): among
//!   2 to 10 outputs, exactly one pays an address never seen before this
//!   transaction, while every other output pays a known address.
//! * **same script type** (BlockSci's address-type heuristic): all inputs share one
//!   script type and exactly one output has it.
//! * **round number** (Androulaki et al. 2013; BlockSci): of two outputs, exactly one
//!   is a round amount (a multiple of 0.001 BTC); the other is the change.
//! * **optimal change** (Nick 2015, "Data-Driven De-Anonymization in Bitcoin"):
//!   exactly one output is smaller than the smallest input; a wallet that chose its
//!   inputs well would not have needed that input otherwise.

use serde::{Deserialize, Serialize};

use crate::coinjoin::Shape;

/// Which heuristics to run; all off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOptions {
    pub address_reuse: bool,
    pub one_time: bool,
    pub same_script_type: bool,
    pub round_number: bool,
    pub optimal_change: bool,
}

impl ChangeOptions {
    /// Every heuristic on.
    pub fn all() -> Self {
        ChangeOptions {
            address_reuse: true,
            one_time: true,
            same_script_type: true,
            round_number: true,
            optimal_change: true,
        }
    }

    /// From names as the CLI takes them (`reuse,one-time,script-type,round,optimal`).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut options = ChangeOptions::default();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => options = ChangeOptions::all(),
                "reuse" | "address-reuse" => options.address_reuse = true,
                "one-time" => options.one_time = true,
                "script-type" | "same-script-type" => options.same_script_type = true,
                "round" | "round-number" => options.round_number = true,
                "optimal" | "optimal-change" => options.optimal_change = true,
                other => {
                    return Err(format!(
                        "unknown change heuristic `{other}` (reuse, one-time, script-type, round, optimal, all)"
                    ))
                }
            }
        }
        Ok(options)
    }

    pub fn any(&self) -> bool {
        self.address_reuse
            || self.one_time
            || self.same_script_type
            || self.round_number
            || self.optimal_change
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Heuristic {
    AddressReuse,
    OneTimeChange,
    SameScriptType,
    RoundNumber,
    OptimalChange,
}

impl Heuristic {
    pub fn confidence(self) -> u8 {
        match self {
            Heuristic::AddressReuse => 95,
            Heuristic::OneTimeChange => 60,
            Heuristic::SameScriptType => 40,
            Heuristic::RoundNumber => 40,
            Heuristic::OptimalChange => 35,
        }
    }
}

/// One heuristic's claim that an output is change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeGuess {
    /// Position of the output in the transaction.
    pub output: u32,
    pub heuristic: Heuristic,
    pub confidence: u8,
    pub reason: String,
}

/// The change guesses for one transaction. `seen_before[i]` says whether output
/// `i`'s address had appeared on chain before this transaction (for one-time change).
pub fn guess(shape: &Shape<'_>, seen_before: &[bool], options: &ChangeOptions) -> Vec<ChangeGuess> {
    let mut found = Vec::new();
    if shape.coinbase || shape.outputs.len() < 2 {
        return found;
    }
    let spendable: Vec<usize> = (0..shape.outputs.len())
        .filter(|&i| shape.outputs[i].address.is_some())
        .collect();
    let mut push = |output: usize, heuristic: Heuristic, reason: String| {
        found.push(ChangeGuess {
            output: output as u32,
            heuristic,
            confidence: heuristic.confidence(),
            reason,
        })
    };
    let input_addresses: Vec<&str> = shape.inputs.iter().filter_map(|i| i.address).collect();
    if options.address_reuse {
        for &i in &spendable {
            if let Some(address) = shape.outputs[i].address {
                if input_addresses.contains(&address) {
                    push(
                        i,
                        Heuristic::AddressReuse,
                        format!("pays {address}, one of its own inputs"),
                    );
                }
            }
        }
    }
    if options.one_time
        && (2..=10).contains(&spendable.len())
        && seen_before.len() == shape.outputs.len()
    {
        let fresh: Vec<usize> = spendable
            .iter()
            .copied()
            .filter(|&i| !seen_before[i])
            .collect();
        if let [only] = fresh.as_slice() {
            push(
                *only,
                Heuristic::OneTimeChange,
                "the only output to an address never seen before".to_string(),
            );
        }
    }
    if options.same_script_type {
        let mut kinds = shape.inputs.iter().map(|i| i.script);
        if let Some(Some(first)) = kinds.next() {
            if kinds.all(|k| k == Some(first)) {
                let same: Vec<usize> = spendable
                    .iter()
                    .copied()
                    .filter(|&i| shape.outputs[i].script == Some(first))
                    .collect();
                if let [only] = same.as_slice() {
                    if spendable.len() > 1 {
                        push(
                            *only,
                            Heuristic::SameScriptType,
                            format!(
                                "the only output of the inputs' type ({})",
                                first.core_name()
                            ),
                        );
                    }
                }
            }
        }
    }
    if options.round_number && spendable.len() == 2 {
        let round = |v: u64| v > 0 && v.is_multiple_of(100_000);
        let (a, b) = (spendable[0], spendable[1]);
        match (round(shape.outputs[a].value), round(shape.outputs[b].value)) {
            (true, false) => push(
                b,
                Heuristic::RoundNumber,
                "the other output is a round amount (payment)".to_string(),
            ),
            (false, true) => push(
                a,
                Heuristic::RoundNumber,
                "the other output is a round amount (payment)".to_string(),
            ),
            _ => {}
        }
    }
    if options.optimal_change
        && !shape.inputs.is_empty()
        && shape.inputs.iter().all(|i| i.address.is_some())
    {
        let smallest_input = shape.inputs.iter().map(|i| i.value).min().unwrap_or(0);
        let smaller: Vec<usize> = spendable
            .iter()
            .copied()
            .filter(|&i| shape.outputs[i].value < smallest_input)
            .collect();
        if let [only] = smaller.as_slice() {
            if spendable.len() > 1 {
                push(
                    *only,
                    Heuristic::OptimalChange,
                    "the only output smaller than every input".to_string(),
                );
            }
        }
    }
    found
}
