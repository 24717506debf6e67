//! Exact token amounts. Chain values are uint256 in the asset's smallest unit (wei
//! for ETH); they are parsed from decimal text without ever passing through a
//! float, held as [`U256`], and stored as `u128` where they fit (every real ETH
//! amount and nearly every token amount does). Larger values keep their exact
//! decimal text beside the edge.

use std::fmt;

/// An unsigned 256-bit integer, little-endian 64-bit limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct U256(pub [u64; 4]);

/// Why a value is not a uint256.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("value is empty")]
    Empty,
    #[error("value {0:?} is not a non-negative integer")]
    NotInteger(String),
    #[error("value {0:?} does not fit in 256 bits")]
    Overflow(String),
}

impl U256 {
    pub const ZERO: U256 = U256([0; 4]);

    pub fn from_u128(value: u128) -> U256 {
        U256([value as u64, (value >> 64) as u64, 0, 0])
    }

    /// The value as `u128`, or `None` if it is 2^128 or more.
    pub fn to_u128(self) -> Option<u128> {
        (self.0[2] == 0 && self.0[3] == 0).then(|| self.0[0] as u128 | (self.0[1] as u128) << 64)
    }

    pub fn is_zero(self) -> bool {
        self.0 == [0; 4]
    }

    /// `self * factor + add`, or `None` on overflow.
    fn mul_add_small(self, factor: u64, add: u64) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut carry = add as u128;
        for (limb, slot) in self.0.iter().zip(out.iter_mut()) {
            let wide = (*limb as u128) * (factor as u128) + carry;
            *slot = wide as u64;
            carry = wide >> 64;
        }
        (carry == 0).then_some(U256(out))
    }

    /// Divides by a small number, returning quotient and remainder.
    fn div_rem_small(self, divisor: u64) -> (U256, u64) {
        let mut out = [0u64; 4];
        let mut remainder: u128 = 0;
        for index in (0..4).rev() {
            let wide = (remainder << 64) | self.0[index] as u128;
            out[index] = (wide / divisor as u128) as u64;
            remainder = wide % divisor as u128;
        }
        (U256(out), remainder as u64)
    }

    /// Parses a decimal integer exactly. Also accepts the exponent notation some
    /// exporters write for round values (`199e17`, `5.5e18`) as long as the result
    /// is an integer.
    pub fn parse_decimal(text: &str) -> Result<U256, AmountError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        let bytes = text.as_bytes();
        // Fast path: plain digits that fit in u128 (every ETH amount).
        if bytes.len() <= 38 && bytes.iter().all(u8::is_ascii_digit) {
            let mut value: u128 = 0;
            for &b in bytes {
                value = value * 10 + (b - b'0') as u128;
            }
            return Ok(U256::from_u128(value));
        }
        let not_integer = || AmountError::NotInteger(text.to_string());
        let overflow = || AmountError::Overflow(text.to_string());
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let exponent_text = text[at + 1..].strip_prefix('+').unwrap_or(&text[at + 1..]);
                let exponent: i64 = exponent_text.parse().map_err(|_| not_integer())?;
                (&text[..at], exponent)
            }
            None => (text, 0),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (mantissa, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(not_integer());
        }
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(not_integer());
        }
        // The digits as one integer, and how many places the point moves right.
        let fraction = fraction.trim_end_matches('0');
        let shift = exponent - fraction.len() as i64;
        let mut value = U256::ZERO;
        for b in whole.bytes().chain(fraction.bytes()) {
            value = value
                .mul_add_small(10, (b - b'0') as u64)
                .ok_or_else(overflow)?;
        }
        if shift >= 0 {
            for _ in 0..shift {
                if value.is_zero() {
                    break;
                }
                value = value.mul_add_small(10, 0).ok_or_else(overflow)?;
            }
        } else {
            for _ in 0..(-shift) {
                let (quotient, remainder) = value.div_rem_small(10);
                if remainder != 0 {
                    return Err(not_integer());
                }
                value = quotient;
            }
        }
        Ok(value)
    }

    /// Parses a `0x` hex quantity (JSON-RPC style).
    pub fn parse_hex(text: &str) -> Result<U256, AmountError> {
        let digits = text
            .trim()
            .strip_prefix("0x")
            .ok_or_else(|| AmountError::NotInteger(text.to_string()))?;
        let mut value = U256::ZERO;
        for c in digits.chars() {
            let digit = c
                .to_digit(16)
                .ok_or_else(|| AmountError::NotInteger(text.to_string()))?;
            value = value
                .mul_add_small(16, digit as u64)
                .ok_or_else(|| AmountError::Overflow(text.to_string()))?;
        }
        Ok(value)
    }
}

impl fmt::Display for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(small) = self.to_u128() {
            return write!(f, "{small}");
        }
        let mut digits = Vec::new();
        let mut value = *self;
        while !value.is_zero() {
            let (quotient, remainder) = value.div_rem_small(10);
            digits.push(b'0' + remainder as u8);
            value = quotient;
        }
        digits.reverse();
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

/// `value * numerator / denominator`, rounded down, without overflow as long as the
/// result fits (it does when `numerator <= denominator`). Haircut taint uses it to
/// split an amount in proportion to a balance.
pub fn mul_div(value: u128, numerator: u128, denominator: u128) -> u128 {
    if denominator == 0 {
        return 0;
    }
    if let Some(product) = value.checked_mul(numerator) {
        return product / denominator;
    }
    // 256-bit product, then long division by the 128-bit denominator.
    let (high, low) = mul_wide(value, numerator);
    div_wide(high, low, denominator)
}

fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let (a_hi, a_lo) = (a >> 64, a & u64::MAX as u128);
    let (b_hi, b_lo) = (b >> 64, b & u64::MAX as u128);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & u64::MAX as u128) + (lo_hi & u64::MAX as u128);
    let low = (middle << 64) | (lo_lo & u64::MAX as u128);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// (high:low) / divisor, saturating at u128::MAX when the quotient does not fit.
fn div_wide(high: u128, low: u128, divisor: u128) -> u128 {
    if high >= divisor {
        return u128::MAX;
    }
    // Bit-by-bit restoring division: 128 steps, only on the rare overflow path.
    let mut remainder = high;
    let mut quotient: u128 = 0;
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= divisor {
            remainder = remainder.wrapping_sub(divisor);
            quotient |= 1;
        }
    }
    quotient
}

/// Formats an amount in whole units with `decimals` places, trailing zeros trimmed
/// (`1500000000000000000` with 18 decimals is `1.5`).
pub fn format_units(value: u128, decimals: u32) -> String {
    if decimals == 0 {
        return value.to_string();
    }
    let scale = 10u128.pow(decimals);
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:0width$}", width = decimals as usize);
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// Parses an amount in whole units (`1.5`) to the smallest unit with `decimals`
/// places, exactly; `None` if it has more places than the asset or overflows.
pub fn parse_units(text: &str, decimals: u32) -> Option<u128> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > decimals as usize
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        || (whole.is_empty() && fraction.is_empty())
    {
        return None;
    }
    let scale = 10u128.checked_pow(decimals)?;
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let padded = format!("{fraction:0<width$}", width = decimals as usize);
    let fraction: u128 = if padded.is_empty() {
        0
    } else {
        padded.parse().ok()?
    };
    whole.checked_mul(scale)?.checked_add(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_round_trips_exactly() {
        for text in [
            "0",
            "31337",
            "64655529900000002048",
            "340282366920938463463374607431768211455",
            "340282366920938463463374607431768211456",
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        ] {
            assert_eq!(U256::parse_decimal(text).unwrap().to_string(), text);
        }
        assert!(matches!(
            U256::parse_decimal(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936"
            ),
            Err(AmountError::Overflow(_))
        ));
    }

    #[test]
    fn exponent_notation_is_exact() {
        assert_eq!(
            U256::parse_decimal("199e17").unwrap().to_string(),
            "19900000000000000000"
        );
        assert_eq!(
            U256::parse_decimal("5999895e14").unwrap().to_string(),
            "599989500000000000000"
        );
        assert_eq!(U256::parse_decimal("1.5e1").unwrap().to_u128(), Some(15));
        assert!(U256::parse_decimal("1.55e1").is_err());
        assert!(U256::parse_decimal("-5").is_err());
        assert!(U256::parse_decimal("12abc").is_err());
        assert!(U256::parse_decimal("").is_err());
        assert!(U256::parse_decimal("e5").is_err());
    }

    #[test]
    fn hex_quantities() {
        assert_eq!(U256::parse_hex("0x0").unwrap(), U256::ZERO);
        assert_eq!(
            U256::parse_hex("0xde0b6b3a7640000").unwrap().to_u128(),
            Some(10u128.pow(18))
        );
    }

    #[test]
    fn mul_div_is_exact_beyond_u128_products() {
        assert_eq!(mul_div(10, 1, 3), 3);
        let big = 10u128.pow(30);
        assert_eq!(mul_div(big, big, big), big);
        assert_eq!(mul_div(big * 7, big * 3, big * 7), big * 3);
        assert_eq!(mul_div(u128::MAX, u128::MAX - 1, u128::MAX), u128::MAX - 1);
    }

    #[test]
    fn units() {
        assert_eq!(format_units(1_500_000_000_000_000_000, 18), "1.5");
        assert_eq!(format_units(10u128.pow(18) * 3, 18), "3");
        assert_eq!(parse_units("1.5", 18), Some(1_500_000_000_000_000_000));
        assert_eq!(parse_units("0.0000000000000000001", 18), None);
        assert_eq!(parse_units("2", 0), Some(2));
    }
}
