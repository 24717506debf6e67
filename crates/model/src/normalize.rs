//! Normalizers for the identifiers that join records across systems: phone numbers,
//! e-mail addresses, postal addresses, payout accounts and wallet addresses.
//!
//! Each returns a canonical key, or `None` when the input holds no usable identifier.
//! Two spellings of the same thing must give the same key; that is what links a
//! stolen identity reused under two names.

/// Phone number to E.164 (`+15125550143`). Ten-digit numbers are taken as North
/// American; numbers with a leading `+` or `00` keep their country code.
pub fn phone(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let international = trimmed.starts_with('+') || trimmed.starts_with("00");
    let mut digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
    if trimmed.starts_with("00") {
        digits.drain(..2);
    }
    if digits.len() < 7 || digits.len() > 15 {
        return None;
    }
    if !international {
        if digits.len() == 10 {
            digits.insert(0, '1');
        } else if !(digits.len() == 11 && digits.starts_with('1')) {
            return None;
        }
    }
    Some(format!("+{digits}"))
}

/// E-mail to a canonical mailbox: lower case; for providers that ignore them, dots
/// in the local part and `+tags` removed (`J.Doe+jobs@Gmail.com` -> `jdoe@gmail.com`).
pub fn email(raw: &str) -> Option<String> {
    let lowered = raw.trim().to_lowercase();
    let (local, domain) = lowered.rsplit_once('@')?;
    if local.is_empty() || !domain.contains('.') {
        return None;
    }
    let domain = match domain {
        "googlemail.com" => "gmail.com",
        other => other,
    };
    let mut local = local.split('+').next().unwrap_or(local).to_string();
    if domain == "gmail.com" {
        local.retain(|c| c != '.');
    }
    if local.is_empty() {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// Postal address to a canonical form: upper case, punctuation dropped, common words
/// abbreviated the USPS way, and unit designators (`Apt`, `Unit`, `#`, `Suite`) made one.
pub fn address(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            // '#' is a unit designator ("#10" = "Apt 10"); keep it as a word.
            '#' => '#',
            c if c.is_alphanumeric() => c.to_ascii_uppercase(),
            _ => ' ',
        })
        .collect();
    let spaced = cleaned.replace('#', " # ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut tokens: Vec<&str> = Vec::with_capacity(words.len());
    let mut index = 0;
    while index < words.len() {
        // US state names, which may span up to three words, become their codes.
        if let Some((code, used)) = state_code(&words[index..]) {
            tokens.push(code);
            index += used;
            continue;
        }
        // "FL" before a ZIP code, or last, is Florida; elsewhere ("Fl 3") a floor.
        let is_zip = |word: &&str| word.len() == 5 && word.bytes().all(|b| b.is_ascii_digit());
        if words[index] == "FL" && words.get(index + 1).is_none_or(is_zip) {
            tokens.push("FL");
            index += 1;
            continue;
        }
        let token = abbreviate(words[index]);
        // "Apt #4": one unit designator, not two.
        if !(token == "UNIT" && tokens.last() == Some(&"UNIT")) {
            tokens.push(token);
        }
        index += 1;
    }
    if tokens.is_empty() {
        return None;
    }
    Some(tokens.join(" "))
}

const US_STATES: &[(&str, &str)] = &[
    ("ALABAMA", "AL"),
    ("ALASKA", "AK"),
    ("ARIZONA", "AZ"),
    ("ARKANSAS", "AR"),
    ("CALIFORNIA", "CA"),
    ("COLORADO", "CO"),
    ("CONNECTICUT", "CT"),
    ("DELAWARE", "DE"),
    ("DISTRICT OF COLUMBIA", "DC"),
    ("FLORIDA", "FL"),
    ("GEORGIA", "GA"),
    ("HAWAII", "HI"),
    ("IDAHO", "ID"),
    ("ILLINOIS", "IL"),
    ("INDIANA", "IN"),
    ("IOWA", "IA"),
    ("KANSAS", "KS"),
    ("KENTUCKY", "KY"),
    ("LOUISIANA", "LA"),
    ("MAINE", "ME"),
    ("MARYLAND", "MD"),
    ("MASSACHUSETTS", "MA"),
    ("MICHIGAN", "MI"),
    ("MINNESOTA", "MN"),
    ("MISSISSIPPI", "MS"),
    ("MISSOURI", "MO"),
    ("MONTANA", "MT"),
    ("NEBRASKA", "NE"),
    ("NEVADA", "NV"),
    ("NEW HAMPSHIRE", "NH"),
    ("NEW JERSEY", "NJ"),
    ("NEW MEXICO", "NM"),
    ("NEW YORK", "NY"),
    ("NORTH CAROLINA", "NC"),
    ("NORTH DAKOTA", "ND"),
    ("OHIO", "OH"),
    ("OKLAHOMA", "OK"),
    ("OREGON", "OR"),
    ("PENNSYLVANIA", "PA"),
    ("RHODE ISLAND", "RI"),
    ("SOUTH CAROLINA", "SC"),
    ("SOUTH DAKOTA", "SD"),
    ("TENNESSEE", "TN"),
    ("TEXAS", "TX"),
    ("UTAH", "UT"),
    ("VERMONT", "VT"),
    ("VIRGINIA", "VA"),
    ("WASHINGTON", "WA"),
    ("WEST VIRGINIA", "WV"),
    ("WISCONSIN", "WI"),
    ("WYOMING", "WY"),
];

/// A US state name at the start of `words`, as (code, words used). Longest first,
/// so "WEST VIRGINIA" is not read as "WEST" + "VIRGINIA". A state name is only
/// read as one when a ZIP code or the end of the address follows it, so that
/// "Washington Street" stays a street.
fn state_code(words: &[&str]) -> Option<(&'static str, usize)> {
    for length in (1..=3).rev() {
        if words.len() < length {
            continue;
        }
        let candidate = words[..length].join(" ");
        let Some((_, code)) = US_STATES.iter().find(|(name, _)| *name == candidate) else {
            continue;
        };
        let next = words.get(length);
        let at_end = next.is_none_or(|w| w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit()));
        if at_end {
            return Some((code, length));
        }
    }
    None
}

fn abbreviate(token: &str) -> &str {
    match token {
        "STREET" | "STR" => "ST",
        "AVENUE" | "AV" => "AVE",
        "ROAD" => "RD",
        "DRIVE" => "DR",
        "BOULEVARD" => "BLVD",
        "LANE" => "LN",
        "COURT" => "CT",
        "PLACE" => "PL",
        "TERRACE" => "TER",
        "HIGHWAY" => "HWY",
        "PARKWAY" => "PKWY",
        "CIRCLE" => "CIR",
        "APARTMENT" | "APT" | "UNIT" | "SUITE" | "STE" | "NO" | "#" => "UNIT",
        "NORTH" => "N",
        "SOUTH" => "S",
        "EAST" => "E",
        "WEST" => "W",
        "FLOOR" | "FL" => "FLOOR",
        other => other,
    }
}

/// A payout account (IBAN, account number, payment e-mail, wallet) to a join key.
/// E-mail accounts use [`email`]; EVM addresses are lower-cased; base58 and other
/// identifiers keep their case but lose spaces and dashes.
pub fn account(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.contains('@') {
        return email(trimmed);
    }
    if let Some(wallet) = wallet(trimmed) {
        return Some(wallet);
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    // IBANs are case-insensitive; plain account numbers are digits anyway.
    Some(compact.to_uppercase())
}

/// A crypto wallet address to its canonical form, or `None` if it does not look like
/// one. EVM (`0x` + 40 hex) and bech32 (`bc1...`) are case-insensitive and lower-cased;
/// base58 addresses are case-sensitive and kept as they are.
pub fn wallet(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let lower = trimmed.to_ascii_lowercase();
    if lower.len() == 42
        && lower.starts_with("0x")
        && lower[2..].bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Some(lower);
    }
    if (lower.starts_with("bc1") || lower.starts_with("tb1") || lower.starts_with("ltc1"))
        && lower.len() >= 14
        && lower.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Some(lower);
    }
    let base58 = |b: u8| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l');
    let looks_base58 = (26..=44).contains(&trimmed.len())
        && trimmed.bytes().all(base58)
        && matches!(
            trimmed.as_bytes()[0],
            b'1' | b'3' | b'T' | b'L' | b'M' | b'X' | b'D' | b't' | b'r'
        );
    if looks_base58 {
        return Some(trimmed.to_string());
    }
    None
}

/// National id numbers: digits and letters only, upper case (`123-45-6789` -> `123456789`).
pub fn national_id(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (compact.len() >= 4).then_some(compact)
}

/// Device serial numbers: trimmed, upper case, spaces removed.
pub fn serial(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (!compact.is_empty()).then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_spellings_meet() {
        let expected = Some("+15125550143".to_string());
        assert_eq!(phone("(512) 555-0143"), expected);
        assert_eq!(phone("+1 512-555-0143"), expected);
        assert_eq!(phone("512.555.0143"), expected);
        assert_eq!(phone("001 512 555 0143"), expected);
        assert_eq!(phone("+82 10-1234-5678"), Some("+821012345678".to_string()));
        assert_eq!(phone("12345"), None);
        assert_eq!(phone("555-0143"), None);
    }

    #[test]
    fn gmail_dots_and_tags_are_ignored() {
        assert_eq!(
            email("J.Doe+jobs@Gmail.com").as_deref(),
            Some("jdoe@gmail.com")
        );
        assert_eq!(
            email("j.doe@example.com").as_deref(),
            Some("j.doe@example.com")
        );
        assert_eq!(email("not an email"), None);
    }

    #[test]
    fn address_spellings_meet() {
        let a = address("12 Oak St Apt 4").unwrap();
        let b = address("12 Oak Street, Unit #4").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "12 OAK ST UNIT 4");
        assert_eq!(
            address("966 FOREST BOULEVARD, DALLAS, Texas 75205"),
            address("966 Forest Boulevard, Dallas, TX 75205")
        );
        assert_eq!(
            address("1 Main St, Charleston, West Virginia 25301").unwrap(),
            "1 MAIN ST CHARLESTON WV 25301"
        );
        assert_eq!(
            address("5 Washington Street, Boise, ID").unwrap(),
            "5 WASHINGTON ST BOISE ID"
        );
        assert_eq!(address("  ,, "), None);
    }

    #[test]
    fn fl_before_a_zip_is_florida_not_a_floor() {
        // A couple's two HR spellings of one Tampa home: found apart on a large world.
        assert_eq!(
            address("8033 SOUTH KINGSLEY STREET, TAMPA, Florida 33639"),
            address("8033 South Kingsley Street, Tampa, FL 33639")
        );
        assert_eq!(address("1 Bay Rd, Miami, FL").unwrap(), "1 BAY RD MIAMI FL");
        assert_eq!(
            address("200 Main St Fl 3, Austin, TX 73301").unwrap(),
            "200 MAIN ST FLOOR 3 AUSTIN TX 73301"
        );
        assert_eq!(
            address("200 Main St, Floor 3"),
            address("200 Main St, Fl 3")
        );
    }

    #[test]
    fn wallets_follow_chain_case_rules() {
        let evm = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
        assert_eq!(wallet(evm).unwrap(), evm.to_lowercase());
        assert_eq!(
            wallet("BC1QXY2KGDYGJRSQTZQ2N0YRF2493P83KKFJHX0WLH").unwrap(),
            "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
        );
        let base58 = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
        assert_eq!(wallet(base58).unwrap(), base58);
        assert_eq!(wallet("hello"), None);
    }

    #[test]
    fn accounts_normalize_by_kind() {
        assert_eq!(
            account("GB82 WEST 1234 5698 7654 32").unwrap(),
            "GB82WEST12345698765432"
        );
        assert_eq!(account("Pay.Me@Gmail.com").unwrap(), "payme@gmail.com");
        assert_eq!(national_id("123-45-6789").unwrap(), "123456789");
    }
}
