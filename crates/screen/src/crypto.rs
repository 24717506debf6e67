//! Crypto-address normalization for exact lookup. Letter case is meaningful in some
//! encodings and not in others: EVM hex addresses (EIP-55 checksum case) and bech32/cashaddr
//! addresses are case-insensitive and are lowercased; base58 (Bitcoin legacy, Tron, Monero,
//! Zcash t-addresses ...) is case-sensitive and kept exactly.

/// How an address compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressEncoding {
    /// `0x` + 40 hex digits: Ethereum and every EVM chain.
    EvmHex,
    /// bech32 / bech32m (`bc1`, `ltc1`, `tb1` ...) or Bitcoin Cash cashaddr.
    Bech32,
    /// Anything else, compared exactly.
    CaseSensitive,
}

const BECH32_PREFIXES: [&str; 6] = ["bc1", "tb1", "bcrt1", "ltc1", "tltc1", "zs1"];

/// Classifies an address by its shape (the chain ticker is only a hint we do not need).
pub fn encoding(address: &str) -> AddressEncoding {
    let a = address.trim();
    let lower = a.to_ascii_lowercase();
    if lower.len() == 42
        && lower.starts_with("0x")
        && lower[2..].bytes().all(|b| b.is_ascii_hexdigit())
    {
        return AddressEncoding::EvmHex;
    }
    if lower.starts_with("bitcoincash:") {
        return AddressEncoding::Bech32;
    }
    let bech_like = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if BECH32_PREFIXES.iter().any(|p| lower.starts_with(p))
        && (a == lower || a == a.to_ascii_uppercase())
        && bech_like(&lower)
    {
        return AddressEncoding::Bech32;
    }
    // Cashaddr without its prefix: q/p + 41 characters of the bech32 alphabet.
    if lower.len() == 42
        && (lower.starts_with('q') || lower.starts_with('p'))
        && (a == lower || a == a.to_ascii_uppercase())
        && bech_like(&lower)
    {
        return AddressEncoding::Bech32;
    }
    AddressEncoding::CaseSensitive
}

/// The lookup key of an address: lowercased where the encoding is case-insensitive,
/// `bitcoincash:` prefix removed, surrounding space trimmed.
pub fn normalize_address(address: &str) -> String {
    let a = address.trim();
    match encoding(a) {
        AddressEncoding::EvmHex => a.to_ascii_lowercase(),
        AddressEncoding::Bech32 => {
            let lower = a.to_ascii_lowercase();
            lower
                .strip_prefix("bitcoincash:")
                .map(str::to_string)
                .unwrap_or(lower)
        }
        AddressEncoding::CaseSensitive => a.to_string(),
    }
}

/// True if the text looks like a crypto address at all (used by list sniffing and the
/// plain-address parser): 25-110 characters of letters, digits and at most a `:` prefix.
pub fn looks_like_address(text: &str) -> bool {
    let t = text.trim();
    (20..=110).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evm_and_bech32_ignore_case_base58_does_not() {
        assert_eq!(
            normalize_address("0x175d44451403Edf28469dF03A9280c1197ADb92c"),
            normalize_address("0X175D44451403EDF28469DF03A9280C1197ADB92C")
        );
        assert_eq!(
            normalize_address("BC1QXY2KGDYGJRSQTZQ2N0YRF2493P83KKFJHX0WLH"),
            "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
        );
        assert_eq!(
            normalize_address("qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq"),
            normalize_address("QPF2CPHC5DKUCLKQUR7LHJ2YUQQ9PK3HMUKLE77VHQ")
        );
        assert_ne!(
            normalize_address("1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo"),
            normalize_address("1kuf2rd8mdyaviwbozgtnynvwl8uyfrkvo")
        );
    }
}
