//! The editable lists behind the detectors, loaded from the data files under
//! `crates/workforce/data/` (compiled in). `check` validates them; a test runs it.

use std::collections::HashMap;
use std::sync::OnceLock;

const REMOTE_ACCESS: &str = include_str!("../data/remote_access.tsv");
const EGRESS: &str = include_str!("../data/egress.tsv");
const IPKVM_USB: &str = include_str!("../data/ipkvm_usb.tsv");
const TIMEZONES: &str = include_str!("../data/timezones.tsv");
const COUNTRIES: &str = include_str!("../data/countries.tsv");
const COUNTRY_NAMES: &str = include_str!("../data/country_names.tsv");

/// A problem in a rules file: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RuleError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

/// Data lines of a TSV rules file as (line number, columns), comments skipped.
fn rows(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| (index + 1, line.split('\t').collect()))
}

#[derive(Debug, Clone)]
pub struct ToolRule {
    /// `remote` or `keepawake`.
    pub kind: &'static str,
    pub name: &'static str,
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EgressRule {
    /// `astrill`, `consumer_vpn`, `hosting` or `corporate`.
    pub class: &'static str,
    pub name: &'static str,
    /// Substrings of the AS organisation or ISP name, lower case.
    pub patterns: Vec<String>,
    /// Autonomous system numbers (`AS9009` in the file): what Entra gives instead of
    /// a name.
    pub asns: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct KvmRule {
    pub product: &'static str,
    pub vendor_id: &'static str,
    pub model_id: &'static str,
    pub manufacturer: &'static str,
    pub serial: &'static str,
}

pub struct Rules {
    pub tools: Vec<ToolRule>,
    pub egress: Vec<EgressRule>,
    pub kvms: Vec<KvmRule>,
    pub timezones: HashMap<&'static str, f64>,
    /// ISO codes of countries that are a signal on their own.
    pub risky_countries: Vec<&'static str>,
    /// lower-case name -> ISO code
    pub country_names: HashMap<&'static str, &'static str>,
}

fn split_patterns(text: &str) -> Vec<String> {
    text.split('|')
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `as9009` (already lower case) as an AS number.
fn asn_pattern(pattern: &str) -> Option<u32> {
    pattern.strip_prefix("as")?.parse().ok()
}

/// Parses and validates every rules file.
pub fn check() -> Result<Rules, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut bad = |file: &'static str, line: usize, message: String| {
        errors.push(RuleError {
            file,
            line,
            message,
        })
    };
    let mut tools = Vec::new();
    for (line, cols) in rows(REMOTE_ACCESS) {
        match cols.as_slice() {
            [kind @ ("remote" | "keepawake"), name, patterns]
                if !split_patterns(patterns).is_empty() =>
            {
                tools.push(ToolRule {
                    kind,
                    name,
                    patterns: split_patterns(patterns),
                })
            }
            _ => bad(
                "remote_access.tsv",
                line,
                "expected: remote|keepawake <TAB> name <TAB> patterns".into(),
            ),
        }
    }
    let mut egress = Vec::new();
    for (line, cols) in rows(EGRESS) {
        match cols.as_slice() {
            [class @ ("astrill" | "consumer_vpn" | "hosting" | "corporate"), name, patterns]
                if !split_patterns(patterns).is_empty() =>
            {
                let (asns, names): (Vec<String>, Vec<String>) = split_patterns(patterns)
                    .into_iter()
                    .partition(|p| asn_pattern(p).is_some());
                egress.push(EgressRule {
                    class,
                    name,
                    patterns: names,
                    asns: asns.iter().filter_map(|p| asn_pattern(p)).collect(),
                })
            }
            _ => bad(
                "egress.tsv",
                line,
                "expected: astrill|consumer_vpn|hosting|corporate <TAB> name <TAB> patterns".into(),
            ),
        }
    }
    let mut kvms = Vec::new();
    let hex4 = |s: &str| {
        s.len() == 4
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    for (line, cols) in rows(IPKVM_USB) {
        match cols.as_slice() {
            [product, vendor_id, model_id, manufacturer, serial] if hex4(vendor_id) && hex4(model_id) => {
                kvms.push(KvmRule { product, vendor_id, model_id, manufacturer, serial })
            }
            _ => bad(
                "ipkvm_usb.tsv",
                line,
                "expected: product <TAB> vendor_id <TAB> model_id (4 lower-case hex digits) <TAB> manufacturer <TAB> serial".into(),
            ),
        }
    }
    let mut timezones = HashMap::new();
    for (line, cols) in rows(TIMEZONES) {
        match cols.as_slice() {
            [zone, offset] => match offset.trim().parse::<f64>() {
                Ok(hours) if (-12.0..=14.0).contains(&hours) => {
                    timezones.insert(*zone, hours);
                }
                _ => bad(
                    "timezones.tsv",
                    line,
                    format!("offset {offset:?} is not hours in -12..14"),
                ),
            },
            _ => bad("timezones.tsv", line, "expected: zone <TAB> offset".into()),
        }
    }
    let mut risky_countries = Vec::new();
    for (line, cols) in rows(COUNTRIES) {
        match cols.as_slice() {
            [code, _names] if code.len() == 2 => risky_countries.push(*code),
            _ => bad(
                "countries.tsv",
                line,
                "expected: ISO code <TAB> names".into(),
            ),
        }
    }
    let mut country_names = HashMap::new();
    for (line, cols) in rows(COUNTRY_NAMES) {
        match cols.as_slice() {
            [code, names] if code.len() == 2 => {
                for name in names.split('|') {
                    country_names.insert(name.trim(), *code);
                }
            }
            _ => bad(
                "country_names.tsv",
                line,
                "expected: ISO code <TAB> names".into(),
            ),
        }
    }
    if errors.is_empty() {
        Ok(Rules {
            tools,
            egress,
            kvms,
            timezones,
            risky_countries,
            country_names,
        })
    } else {
        Err(errors)
    }
}

/// The compiled-in rules. The files are checked by a test, so this cannot fail in
/// a released build; if it ever does, the detectors see empty lists and say so.
pub fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        check().unwrap_or_else(|errors| {
            for error in &errors {
                tracing::error!("rules file: {error}");
            }
            Rules {
                tools: Vec::new(),
                egress: Vec::new(),
                kvms: Vec::new(),
                timezones: HashMap::new(),
                risky_countries: Vec::new(),
                country_names: HashMap::new(),
            }
        })
    })
}

impl Rules {
    /// The egress class of an AS organisation / ISP, if listed.
    pub fn egress_class(&self, org: &str) -> Option<&EgressRule> {
        let org = org.to_lowercase();
        self.egress
            .iter()
            .find(|rule| rule.patterns.iter().any(|p| org.contains(p.as_str())))
    }

    /// The egress class of an autonomous system number, if listed.
    pub fn egress_class_by_asn(&self, asn: u32) -> Option<&EgressRule> {
        self.egress.iter().find(|rule| rule.asns.contains(&asn))
    }

    /// A country as ISO alpha-2, from a code or a name.
    pub fn country_code(&self, text: &str) -> Option<String> {
        let trimmed = text.trim();
        if trimmed.len() == 2 && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Some(trimmed.to_ascii_uppercase());
        }
        self.country_names
            .get(trimmed.to_lowercase().as_str())
            .map(|code| code.to_string())
    }

    pub fn tool(&self, text: &str) -> Option<&ToolRule> {
        let text = text.to_lowercase();
        self.tools
            .iter()
            .find(|rule| rule.patterns.iter().any(|p| text.contains(p.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_files_are_valid() {
        let rules = check().unwrap_or_else(|errors| panic!("{errors:?}"));
        assert!(rules.tools.iter().any(|t| t.name == "AnyDesk"));
        assert_eq!(
            rules.egress_class("Astrill Systems Ltd").unwrap().class,
            "astrill"
        );
        assert_eq!(
            rules.egress_class("ZSCALER, INC.").unwrap().class,
            "corporate"
        );
        assert!(rules.egress_class("comcast cable communications").is_none());
        assert_eq!(rules.timezones["America/Chicago"], -6.0);
        assert_eq!(rules.country_code("United States").as_deref(), Some("US"));
        assert_eq!(rules.country_code("cn").as_deref(), Some("CN"));
        // By name and, where the provider gives only a number (Entra), by ASN.
        assert_eq!(
            rules.egress_class("M247 Europe SRL").map(|r| r.name),
            Some("M247")
        );
        assert_eq!(
            rules.egress_class_by_asn(9009).map(|r| r.name),
            Some("M247")
        );
        assert_eq!(
            rules.egress_class_by_asn(53813).map(|r| r.class),
            Some("corporate")
        );
        assert!(
            rules.egress_class_by_asn(7018).is_none(),
            "AT&T is residential"
        );
        assert!(
            rules
                .egress
                .iter()
                .all(|r| r.patterns.iter().all(|p| asn_pattern(p).is_none())),
            "AS numbers never end up as name patterns"
        );
        assert!(rules.kvms.iter().any(|k| k.product == "JetKVM"));
    }
}
