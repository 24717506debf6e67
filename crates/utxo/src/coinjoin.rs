//! CoinJoin detection: transactions in which several people spend together, so the
//! multi-input heuristic must not join their addresses.
//!
//! Each protocol leaves a structural fingerprint; one check per protocol, with the
//! parameters in `rules/coinjoin.json` (editable, loaded with [`Rules::from_json`]):
//!
//! * **generic equal-output rule** (BlockSci's `isCoinjoin`): at least 2 inputs and
//!   3 outputs; participants = ceil(outputs / 2) is at most the distinct input
//!   addresses; the most common output value occurs exactly that many times and is
//!   not a dust value.
//! * **JoinMarket**: the most common non-dust output value (the denomination) occurs
//!   n ≥ 2 times with n ≥ outputs / 2, n ≤ distinct input addresses, and every output
//!   address is distinct.
//! * **Wasabi 1.0 / 1.1** (ZeroLink): outputs at ≈ 0.1 BTC (±5 %), or at 2^i × 0.1 BTC
//!   levels for 1.1, making up most outputs besides the coordinator fee; between n and
//!   7n distinct input addresses; distinct output addresses.
//! * **Wasabi 2.0** (WabiSabi): ≥ 50 inputs, no output under 5,000 sat, values that
//!   occur at least twice cover half the outputs (less the coordinator's) and at least
//!   inputs / 10 outputs; distinct output addresses.
//! * **Whirlpool**: exactly 5 inputs and 5 outputs at one pool denomination
//!   (0.001, 0.01, 0.05, 0.5 BTC), inputs at the denomination (remixes) or up to
//!   0.001 BTC above it (new entrants, 1 to 4 of them), all addresses distinct.
//! * **Whirlpool Tx0** (the pre-mix split, not a CoinJoin: one owner's inputs): one
//!   OP_RETURN, up to 70 pre-mix outputs at the denomination plus a small miner-fee
//!   allowance, exactly one coordinator-fee output near the pool's fee, at most
//!   one change output.
//!
//! Sources: Schnoering & Vazirgiannis, "Heuristics for Detecting CoinJoin
//! Transactions on the Bitcoin Blockchain" (2023), with GraphSense's parameter
//! values; Kalodner et al., "BlockSci" (USENIX Security 2020).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::script::ScriptType;

/// One input or output as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coin<'a> {
    pub value: u64,
    /// The single address that controls it; `None` for OP_RETURN, multisig with
    /// several keys, or an input whose spent output is unknown.
    pub address: Option<&'a str>,
    pub script: Option<ScriptType>,
}

/// A transaction reduced to what the checks need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape<'a> {
    pub coinbase: bool,
    pub inputs: Vec<Coin<'a>>,
    pub outputs: Vec<Coin<'a>>,
}

impl<'a> Shape<'a> {
    /// The shape of a parsed transaction (inputs resolved where possible).
    pub fn of(tx: &'a crate::Tx) -> Shape<'a> {
        Shape {
            coinbase: tx.coinbase,
            inputs: tx
                .inputs
                .iter()
                .map(|input| match &input.spent {
                    Some(spent) => Coin {
                        value: spent.value,
                        address: match spent.addresses.as_slice() {
                            [one] => Some(one.as_str()),
                            _ => None,
                        },
                        script: spent.script_type,
                    },
                    None => Coin {
                        value: 0,
                        address: None,
                        script: None,
                    },
                })
                .collect(),
            outputs: tx
                .outputs
                .iter()
                .map(|output| Coin {
                    value: output.value,
                    address: if output.script_type == ScriptType::NullData {
                        None
                    } else {
                        output.address()
                    },
                    script: Some(output.script_type),
                })
                .collect(),
        }
    }

    fn spendable_outputs(&self) -> impl Iterator<Item = &Coin<'a>> {
        self.outputs.iter().filter(|o| o.address.is_some())
    }

    fn addressed_inputs(&self) -> impl Iterator<Item = &Coin<'a>> {
        self.inputs.iter().filter(|i| i.address.is_some())
    }
}

/// Which fingerprint matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// BlockSci's equal-output rule.
    EqualOutput,
    JoinMarket,
    Wasabi10,
    Wasabi11,
    Wasabi20,
    Whirlpool,
    /// Whirlpool's pre-mix transaction: not a CoinJoin, but the door to one.
    WhirlpoolTx0,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::EqualOutput => "equal-output CoinJoin",
            Kind::JoinMarket => "JoinMarket CoinJoin",
            Kind::Wasabi10 => "Wasabi 1.0 CoinJoin",
            Kind::Wasabi11 => "Wasabi 1.1 CoinJoin",
            Kind::Wasabi20 => "Wasabi 2.0 CoinJoin",
            Kind::Whirlpool => "Whirlpool CoinJoin",
            Kind::WhirlpoolTx0 => "Whirlpool Tx0 (pre-mix)",
        }
    }

    /// Whether several owners spend together (Tx0 has one owner).
    pub fn is_coinjoin(self) -> bool {
        self != Kind::WhirlpoolTx0
    }
}

/// A matched fingerprint, with what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detection {
    pub kind: Kind,
    /// 0 to 100.
    pub confidence: u8,
    /// Estimated number of participants (pre-mix outputs for Tx0).
    pub participants: u32,
    /// The equal output value(s).
    pub denominations: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenericRule {
    pub min_inputs: usize,
    pub min_outputs: usize,
    pub confidence: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinMarketRule {
    pub min_participants: usize,
    pub dust_threshold: u64,
    pub confidence: u8,
    pub confidence_two: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wasabi1Rule {
    pub denomination: u64,
    pub epsilon: u64,
    pub max_inputs_per_participant: usize,
    pub confidence_1_0: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wasabi2Rule {
    pub min_inputs: usize,
    pub min_output_value: u64,
    pub min_denomination_count: usize,
    pub max_inputs_per_participant: usize,
    pub confidence: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhirlpoolRule {
    /// (denomination, coordinator fee) in satoshi.
    pub pools: Vec<(u64, u64)>,
    pub participants: usize,
    pub epsilon_min: u64,
    pub epsilon_max: u64,
    pub tx0_max_premix: usize,
    pub fee_low: f64,
    pub fee_high: f64,
    pub confidence: u8,
}

/// Every parameter of the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub dust_values: Vec<u64>,
    pub generic: GenericRule,
    pub joinmarket: JoinMarketRule,
    pub wasabi1: Wasabi1Rule,
    pub wasabi2: Wasabi2Rule,
    pub whirlpool: WhirlpoolRule,
    /// A CoinJoin detected with at least this confidence stops clustering.
    pub stop_clustering_at: u8,
}

/// The rules shipped in `rules/coinjoin.json`.
pub const DEFAULT_RULES: &str = include_str!("../rules/coinjoin.json");

impl Default for Rules {
    fn default() -> Self {
        // The shipped file is tested to parse; fall back to nothing rather than panic.
        Rules::from_json(DEFAULT_RULES).unwrap_or_else(|_| Rules {
            dust_values: Vec::new(),
            generic: GenericRule {
                min_inputs: 2,
                min_outputs: 3,
                confidence: 50,
            },
            joinmarket: JoinMarketRule {
                min_participants: 2,
                dust_threshold: 2730,
                confidence: 49,
                confidence_two: 20,
            },
            wasabi1: Wasabi1Rule {
                denomination: 10_000_000,
                epsilon: 500_000,
                max_inputs_per_participant: 7,
                confidence_1_0: 70,
            },
            wasabi2: Wasabi2Rule {
                min_inputs: 50,
                min_output_value: 5_000,
                min_denomination_count: 2,
                max_inputs_per_participant: 10,
                confidence: 60,
            },
            whirlpool: WhirlpoolRule {
                pools: Vec::new(),
                participants: 5,
                epsilon_min: 100,
                epsilon_max: 100_000,
                tx0_max_premix: 70,
                fee_low: 0.5,
                fee_high: 3.0,
                confidence: 60,
            },
            stop_clustering_at: 40,
        })
    }
}

impl Rules {
    pub fn from_json(text: &str) -> Result<Rules, String> {
        serde_json::from_str(text).map_err(|e| format!("CoinJoin rules: {e}"))
    }

    /// Whether these detections make the transaction one to skip in clustering.
    pub fn stops_clustering(&self, detections: &[Detection]) -> bool {
        detections
            .iter()
            .any(|d| d.kind.is_coinjoin() && d.confidence >= self.stop_clustering_at)
    }
}

fn distinct<'a>(coins: impl Iterator<Item = &'a Coin<'a>>) -> usize {
    let mut seen: Vec<&str> = coins.filter_map(|c| c.address).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// The most frequent value among `values` (ties to the larger value) and its count.
fn most_common(values: impl Iterator<Item = u64>) -> Option<(u64, usize)> {
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(value, count)| (count, value))
}

/// A cheap test on output values alone: false when no fingerprint can match. Every
/// CoinJoin fingerprint needs two equal outputs or two near a Wasabi 1.x level; a
/// Tx0 needs an OP_RETURN.
pub fn may_match(output_values: &[u64], has_op_return: bool, rules: &Rules) -> bool {
    if has_op_return {
        return true;
    }
    if output_values.len() < 2 {
        return false;
    }
    let mut values: Vec<u64> = output_values.to_vec();
    values.sort_unstable();
    if values.windows(2).any(|w| w[0] == w[1]) {
        return true;
    }
    let rule = &rules.wasabi1;
    let max = values[values.len() - 1];
    let mut level = 0u32;
    while level < 40 {
        let Some(denomination) = rule.denomination.checked_mul(1u64 << level) else {
            break;
        };
        if denomination > max {
            break;
        }
        let epsilon = rule.epsilon << level;
        let near = values
            .iter()
            .filter(|v| v.abs_diff(denomination) <= epsilon)
            .count();
        if near >= 2 {
            return true;
        }
        level += 1;
    }
    false
}

/// Every fingerprint the transaction matches, strongest first.
pub fn detect(shape: &Shape<'_>, rules: &Rules) -> Vec<Detection> {
    if shape.coinbase {
        return Vec::new();
    }
    let values: Vec<u64> = shape.outputs.iter().map(|o| o.value).collect();
    let op_return = shape
        .outputs
        .iter()
        .any(|o| o.script == Some(ScriptType::NullData));
    if !may_match(&values, op_return, rules) {
        return Vec::new();
    }
    let mut found: Vec<Detection> = [
        equal_output(shape, rules),
        joinmarket(shape, rules),
        wasabi1(shape, rules),
        wasabi2(shape, rules),
        whirlpool(shape, rules),
        whirlpool_tx0(shape, rules),
    ]
    .into_iter()
    .flatten()
    .collect();
    found.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.kind.cmp(&b.kind)));
    found
}

/// BlockSci's rule, on every output (unspendable ones included, as BlockSci counts).
fn equal_output(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.generic;
    if shape.inputs.len() < rule.min_inputs || shape.outputs.len() < rule.min_outputs {
        return None;
    }
    let participants = shape.outputs.len().div_ceil(2);
    if participants > shape.inputs.len() || participants > distinct(shape.inputs.iter()) {
        return None;
    }
    let (value, count) = most_common(shape.outputs.iter().map(|o| o.value))?;
    if count != participants || rules.dust_values.contains(&value) {
        return None;
    }
    Some(Detection {
        kind: Kind::EqualOutput,
        confidence: rule.confidence,
        participants: participants as u32,
        denominations: vec![value],
    })
}

fn joinmarket(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.joinmarket;
    let outputs: Vec<&Coin> = shape.spendable_outputs().collect();
    if outputs.is_empty() || shape.addressed_inputs().next().is_none() {
        return None;
    }
    let (value, n) = most_common(
        outputs
            .iter()
            .map(|o| o.value)
            .filter(|&v| v > rule.dust_threshold),
    )?;
    if 2 * n < outputs.len()
        || n < rule.min_participants
        || n > distinct(shape.addressed_inputs())
        || distinct(outputs.iter().copied()) != outputs.len()
    {
        return None;
    }
    Some(Detection {
        kind: Kind::JoinMarket,
        confidence: if n >= 3 {
            rule.confidence
        } else {
            rule.confidence_two
        },
        participants: n as u32,
        denominations: vec![value],
    })
}

/// Wasabi 1.0 (one 0.1 BTC level) and 1.1 (levels 2^i × 0.1 BTC).
fn wasabi1(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.wasabi1;
    let outputs: Vec<&Coin> = shape.spendable_outputs().collect();
    let max_value = outputs.iter().map(|o| o.value).max()?;
    shape.addressed_inputs().next()?;
    let mut levels: Vec<(u32, usize)> = Vec::new();
    let mut level = 0u32;
    while level < 40 {
        let Some(denomination) = rule.denomination.checked_mul(1u64 << level) else {
            break;
        };
        if denomination > max_value {
            break;
        }
        let epsilon = rule.epsilon << level;
        let count = outputs
            .iter()
            .filter(|o| o.value.abs_diff(denomination) <= epsilon)
            .count();
        if count >= 2 {
            levels.push((level, count));
        }
        level += 1;
    }
    let n = levels.iter().map(|&(_, count)| count).max()?;
    let postmix: usize = levels.iter().map(|&(_, count)| count).sum();
    let inputs = distinct(shape.addressed_inputs());
    if n > inputs || inputs > rule.max_inputs_per_participant * n {
        return None;
    }
    let outputs_less_fee = outputs.len().saturating_sub(1);
    let majority = 2 * postmix >= outputs_less_fee;
    let sum_condition = postmix + inputs + 1 >= outputs.len();
    if !majority && !sum_condition {
        return None;
    }
    if distinct(outputs.iter().copied()) != outputs.len() {
        return None;
    }
    let single_level = levels.len() == 1 && levels[0].0 == 0;
    // Tightness of the participant bound: 1.0 when every input address is a
    // participant, 1/7 when each brings the most inputs allowed.
    let tightness = n as f64 / inputs as f64;
    let floor = 1.0 / rule.max_inputs_per_participant as f64;
    let mut confidence =
        (50.0 + 50.0 * (tightness - floor) / (1.0 - floor)).clamp(0.0, 100.0) as u8;
    if !(majority && sum_condition) {
        confidence /= 2;
    }
    if single_level {
        confidence = confidence.max(rule.confidence_1_0);
    }
    Some(Detection {
        kind: if single_level {
            Kind::Wasabi10
        } else {
            Kind::Wasabi11
        },
        confidence,
        participants: n as u32,
        denominations: levels
            .iter()
            .map(|&(level, _)| rule.denomination << level)
            .collect(),
    })
}

fn wasabi2(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.wasabi2;
    let inputs: Vec<&Coin> = shape.addressed_inputs().collect();
    let outputs: Vec<&Coin> = shape.spendable_outputs().collect();
    if inputs.len() < rule.min_inputs || outputs.is_empty() {
        return None;
    }
    if outputs.iter().any(|o| o.value < rule.min_output_value)
        || distinct(outputs.iter().copied()) != outputs.len()
    {
        return None;
    }
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for output in &outputs {
        *counts.entry(output.value).or_default() += 1;
    }
    let mut denominations: Vec<u64> = counts
        .iter()
        .filter(|&(_, &count)| count >= rule.min_denomination_count)
        .map(|(&value, _)| value)
        .collect();
    if denominations.is_empty() {
        return None;
    }
    denominations.sort_unstable();
    let denominated = outputs
        .iter()
        .filter(|o| denominations.binary_search(&o.value).is_ok())
        .count();
    if 2 * denominated < outputs.len().saturating_sub(1)
        || denominated * rule.max_inputs_per_participant < inputs.len()
    {
        return None;
    }
    Some(Detection {
        kind: Kind::Wasabi20,
        confidence: rule.confidence,
        participants: (distinct(inputs.iter().copied()) / rule.max_inputs_per_participant).max(1)
            as u32,
        denominations,
    })
}

fn whirlpool(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.whirlpool;
    let inputs: Vec<&Coin> = shape.addressed_inputs().collect();
    let outputs: Vec<&Coin> = shape.spendable_outputs().collect();
    let n = rule.participants;
    if inputs.len() != n
        || outputs.len() != n
        || distinct(inputs.iter().copied()) != n
        || distinct(outputs.iter().copied()) != n
    {
        return None;
    }
    for &(denomination, _) in &rule.pools {
        if outputs.iter().any(|o| o.value != denomination) {
            continue;
        }
        if inputs
            .iter()
            .any(|i| i.value < denomination || i.value > denomination + rule.epsilon_max)
        {
            continue;
        }
        let entrants: Vec<u64> = inputs
            .iter()
            .filter(|i| i.value > denomination)
            .map(|i| i.value - denomination)
            .collect();
        if entrants
            .iter()
            .any(|&e| e < rule.epsilon_min || e > rule.epsilon_max)
            || entrants.is_empty()
            || entrants.len() >= n
        {
            continue;
        }
        return Some(Detection {
            kind: Kind::Whirlpool,
            confidence: rule.confidence,
            participants: n as u32,
            denominations: vec![denomination],
        });
    }
    None
}

fn whirlpool_tx0(shape: &Shape<'_>, rules: &Rules) -> Option<Detection> {
    let rule = &rules.whirlpool;
    let op_returns = shape
        .outputs
        .iter()
        .filter(|o| o.script == Some(ScriptType::NullData))
        .count();
    let outputs: Vec<&Coin> = shape.spendable_outputs().collect();
    if op_returns != 1 || outputs.len() < 2 {
        return None;
    }
    for &(denomination, fee) in &rule.pools {
        let low = denomination + rule.epsilon_min;
        let high = denomination + rule.epsilon_max;
        let Some((premix_value, premix)) = most_common(
            outputs
                .iter()
                .map(|o| o.value)
                .filter(|v| (low..=high).contains(v)),
        ) else {
            continue;
        };
        if premix > rule.tx0_max_premix || premix + 2 < outputs.len() {
            continue;
        }
        let fee_outputs = outputs
            .iter()
            .filter(|o| {
                let value = o.value as f64;
                value >= rule.fee_low * fee as f64 && value <= rule.fee_high * fee as f64
            })
            .count();
        if fee_outputs != 1 {
            continue;
        }
        return Some(Detection {
            kind: Kind::WhirlpoolTx0,
            confidence: rule.confidence,
            participants: premix as u32,
            denominations: vec![premix_value],
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse() {
        let rules = Rules::from_json(DEFAULT_RULES).unwrap();
        assert_eq!(rules.whirlpool.pools.len(), 4);
        assert_eq!(rules, Rules::default());
    }
}
