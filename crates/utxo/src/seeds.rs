//! Which chain a trace's seeds name: Ethereum (`0x…`), Bitcoin (base58 or bech32
//! addresses, `txid:vout` outputs) or neither; and which tracer a list of seeds
//! goes to, refusing lists that mix the two chains. `unmask trace` and the
//! server's trace page and API both classify seeds here.

/// Which chain a seed names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedChain {
    Ethereum,
    Bitcoin,
    /// Neither shape; the Bitcoin graph may still hold it (GraphSense-style names).
    Unknown,
}

/// The chain one seed's shape names (its checksum is not verified).
pub fn seed_chain(seed: &str) -> SeedChain {
    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let seed = seed.trim();
    let lower = seed.to_ascii_lowercase();
    if lower.starts_with("0x") {
        return SeedChain::Ethereum;
    }
    if let Some((txid, vout)) = seed.split_once(':') {
        if txid.len() == 64
            && txid.bytes().all(|b| b.is_ascii_hexdigit())
            && vout.parse::<u32>().is_ok()
        {
            return SeedChain::Bitcoin;
        }
    }
    let bech32 = ["bc1", "tb1", "bcrt1"].iter().any(|p| lower.starts_with(p))
        && lower.len() >= 14
        && lower.bytes().all(|b| b.is_ascii_alphanumeric());
    let base58 = (25..=35).contains(&seed.len())
        && matches!(seed.as_bytes()[0], b'1' | b'3' | b'm' | b'n' | b'2')
        && seed.chars().all(|c| BASE58.contains(c));
    if bech32 || base58 || lower.starts_with("nonstandard") {
        SeedChain::Bitcoin
    } else {
        SeedChain::Unknown
    }
}

/// Seeds naming both Ethereum and Bitcoin: a trace follows one chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the seeds mix Ethereum and Bitcoin: a trace follows one chain; trace each on its own")]
pub struct MixedSeeds {
    /// The Bitcoin-shaped seeds, in the order given.
    pub bitcoin: Vec<String>,
    /// The Ethereum-shaped seeds, in the order given.
    pub ethereum: Vec<String>,
}

/// The tracer for a list of seeds: [`SeedChain::Ethereum`] when any seed is an
/// Ethereum address, otherwise [`SeedChain::Bitcoin`] (seeds of neither shape are
/// looked up in the Bitcoin graph); never `Unknown`. Ethereum and Bitcoin seeds
/// together are refused.
pub fn trace_chain<S: AsRef<str>>(seeds: &[S]) -> Result<SeedChain, MixedSeeds> {
    let mut bitcoin = Vec::new();
    let mut ethereum = Vec::new();
    for seed in seeds {
        match seed_chain(seed.as_ref()) {
            SeedChain::Ethereum => ethereum.push(seed.as_ref().to_string()),
            SeedChain::Bitcoin => bitcoin.push(seed.as_ref().to_string()),
            SeedChain::Unknown => {}
        }
    }
    match (ethereum.is_empty(), bitcoin.is_empty()) {
        (false, false) => Err(MixedSeeds { bitcoin, ethereum }),
        (false, true) => Ok(SeedChain::Ethereum),
        (true, _) => Ok(SeedChain::Bitcoin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_classified_by_shape() {
        let txid = "ab".repeat(32);
        for (seed, chain) in [
            (
                "0x00000000000000000000000000000000000000ab",
                SeedChain::Ethereum,
            ),
            ("0XAB", SeedChain::Ethereum),
            ("bc1qthief000000000000000000", SeedChain::Bitcoin),
            ("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", SeedChain::Bitcoin),
            ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", SeedChain::Bitcoin),
            (&format!("{txid}:1"), SeedChain::Bitcoin),
            (&format!("{txid}:x"), SeedChain::Unknown),
            ("nonstandard1234", SeedChain::Bitcoin),
            ("hello", SeedChain::Unknown),
            ("", SeedChain::Unknown),
            ("1", SeedChain::Unknown),
        ] {
            assert_eq!(seed_chain(seed), chain, "{seed:?}");
        }
    }

    #[test]
    fn a_list_traces_one_chain_and_mixed_lists_are_refused() {
        assert_eq!(trace_chain(&["0xab", "hello"]), Ok(SeedChain::Ethereum));
        assert_eq!(
            trace_chain(&["bc1qthief000000000000000000", "hello"]),
            Ok(SeedChain::Bitcoin)
        );
        assert_eq!(trace_chain(&["hello"]), Ok(SeedChain::Bitcoin));
        let mixed = trace_chain(&["0xab", "bc1qthief000000000000000000"]).unwrap_err();
        assert_eq!(mixed.bitcoin, ["bc1qthief000000000000000000"]);
        assert_eq!(mixed.ethereum, ["0xab"]);
        assert!(mixed.to_string().contains("mix Ethereum and Bitcoin"));
    }
}
