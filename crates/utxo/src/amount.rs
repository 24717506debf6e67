//! Exact amounts. bitcoin-etl writes satoshi as integers; Bitcoin Core writes BTC as
//! decimal numbers (`50.0`, `0.00012345`, sometimes `1e-05`). Both are read from
//! their text into integer satoshi; nothing here goes through a float.

/// Satoshi in one bitcoin.
pub const COIN: u64 = 100_000_000;
/// The most satoshi that can ever exist (21 million BTC); larger values are errors.
pub const MAX_MONEY: u64 = 21_000_000 * COIN;

/// Parses a decimal BTC amount as JSON writes it into satoshi, exactly.
///
/// Accepts an optional sign (only `-0` is allowed negative), digits, an optional
/// fraction and an optional exponent. Fails when the value is not a whole number of
/// satoshi, is negative, or exceeds [`MAX_MONEY`].
pub fn btc_text_to_sat(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => {
            let exp: i32 = unsigned[at + 1..]
                .parse()
                .map_err(|_| format!("`{text}` is not a decimal number"))?;
            (&unsigned[..at], exp)
        }
        None => (unsigned, 0),
    };
    let (whole, fraction) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("`{text}` is not a decimal number"));
    }
    // value = digits * 10^(exponent - fraction.len()) BTC
    //       = digits * 10^(exponent - fraction.len() + 8) sat
    let digits = whole.trim_start_matches('0').to_string() + fraction;
    let digits = digits.trim_start_matches('0');
    let mut scale = exponent as i64 - fraction.len() as i64 + 8;
    let mut significant = digits;
    // Trailing zeros of the digits move into the scale.
    while scale < 0 && significant.ends_with('0') {
        significant = &significant[..significant.len() - 1];
        scale += 1;
    }
    if significant.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err(format!("`{text}` is negative"));
    }
    if scale < 0 {
        return Err(format!("`{text}` is not a whole number of satoshi"));
    }
    if significant.len() as i64 + scale > 17 {
        return Err(format!("`{text}` BTC is more than 21 million"));
    }
    let mut sat: u64 = significant
        .parse()
        .map_err(|_| format!("`{text}` is not a decimal number"))?;
    for _ in 0..scale {
        sat *= 10;
    }
    if sat > MAX_MONEY {
        return Err(format!("`{text}` BTC is more than 21 million"));
    }
    Ok(sat)
}

/// Satoshi as decimal BTC text with 8 decimals, as Bitcoin Core prints it.
pub fn sat_to_btc_text(sat: u64) -> String {
    format!("{}.{:08}", sat / COIN, sat % COIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_btc_reads_exactly() {
        assert_eq!(btc_text_to_sat("50.0"), Ok(5_000_000_000));
        assert_eq!(btc_text_to_sat("50"), Ok(5_000_000_000));
        assert_eq!(btc_text_to_sat("0.00012345"), Ok(12_345));
        assert_eq!(btc_text_to_sat("0.1"), Ok(10_000_000));
        assert_eq!(btc_text_to_sat("0.30000000"), Ok(30_000_000));
        assert_eq!(btc_text_to_sat("1e-05"), Ok(1_000));
        assert_eq!(btc_text_to_sat("1E-8"), Ok(1));
        assert_eq!(btc_text_to_sat("2.5e1"), Ok(2_500_000_000));
        assert_eq!(btc_text_to_sat("0.000000010"), Ok(1));
        assert_eq!(btc_text_to_sat("-0.0"), Ok(0));
        assert_eq!(btc_text_to_sat("20999999.9769"), Ok(2_099_999_997_690_000));
    }

    #[test]
    fn fractions_of_a_satoshi_and_garbage_are_refused() {
        assert!(btc_text_to_sat("0.000000001").is_err());
        assert!(btc_text_to_sat("-1").is_err());
        assert!(btc_text_to_sat("21000000.00000001").is_err());
        assert!(btc_text_to_sat("1e30").is_err());
        assert!(btc_text_to_sat("abc").is_err());
        assert!(btc_text_to_sat(".").is_err());
        assert!(btc_text_to_sat("").is_err());
        assert!(btc_text_to_sat("1e").is_err());
    }

    #[test]
    fn printing_round_trips() {
        for sat in [0, 1, 12_345, 5_000_000_000, MAX_MONEY] {
            assert_eq!(btc_text_to_sat(&sat_to_btc_text(sat)), Ok(sat));
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(text in ".{0,40}") {
            let _ = btc_text_to_sat(&text);
        }

        #[test]
        fn any_amount_round_trips(sat in 0..=MAX_MONEY) {
            proptest::prop_assert_eq!(btc_text_to_sat(&sat_to_btc_text(sat)), Ok(sat));
        }
    }
}
